"""Every shipped icon, style sheet and app icon size exists, is valid and is found by reader.appdata."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader import appdata

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SVG_NS = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Spelled out here, not taken from appdata, so a name dropped there still fails a test.
ACTION_ICONS = [
    "import", "export", "folder", "search", "star", "star-empty", "read", "unread",
    "tag", "note", "open-link", "pdf", "code", "settings", "undo", "redo", "refresh",
    "stats", "related", "warning", "inbox", "library",
]
APP_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which the PNG format puts first."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_is_a_24px_svg_in_the_one_recolourable_colour(name):
    root = ET.parse(appdata.icon_path(name)).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"
    text = appdata.icon_path(name).read_text(encoding="utf-8").lower()
    colours = {word[:7] for word in text.replace('"', " ").split() if word.startswith("#")}
    assert colours == {appdata.ACTION_ICON_COLOUR}


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_is_found_where_the_checkout_keeps_it(name):
    assert appdata.resource_path(f"icons/{name}.svg").resolve() == (RESOURCES / "icons" / f"{name}.svg").resolve()


def test_appdata_lists_exactly_the_action_icons():
    assert sorted(appdata.ACTION_ICONS) == sorted(ACTION_ICONS)


def test_icon_svg_recolours_for_a_dark_theme():
    svg = appdata.icon_svg("search", "#e8eaed")
    assert "#e8eaed" in svg and appdata.ACTION_ICON_COLOUR not in svg
    ET.fromstring(svg)


def test_missing_resource_names_the_file():
    with pytest.raises(FileNotFoundError, match="no-such-icon"):
        appdata.icon_path("no-such-icon")


def test_app_icon_svg_is_square_svg():
    root = ET.parse(appdata.app_icon_path()).getroot()
    assert root.tag == f"{SVG_NS}svg"
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert width == height


@pytest.mark.parametrize("size", APP_ICON_SIZES)
def test_app_icon_png_has_its_pixel_size(size):
    assert png_size(appdata.app_icon_path(size)) == (size, size)


def test_app_icon_refuses_a_size_that_is_not_rendered():
    with pytest.raises(ValueError, match="sizes are"):
        appdata.app_icon_path(20)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_style_sheet_styles_the_main_widgets_with_balanced_braces(theme):
    qss = appdata.style_sheet(theme)
    assert qss.count("{") == qss.count("}")
    for selector in ("QMainWindow", "QTreeView", "QTableView", "QHeaderView::section",
                     "QSplitter::handle", "QLineEdit", "QTextBrowser", "QToolButton", "QStatusBar"):
        assert selector in qss, f"{theme}.qss does not style {selector}"


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="unknown theme"):
        appdata.style_sheet("solarized")


def test_resources_are_found_from_an_uninstalled_checkout(monkeypatch):
    def no_package(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(appdata.importlib.resources, "files", no_package)
    assert appdata.resource_path("light.qss") == RESOURCES / "light.qss"


def test_resources_are_found_in_a_frozen_bundle(monkeypatch):
    from importlib.readers import MultiplexedPath

    # PyInstaller's loader answers files() with a MultiplexedPath, not a Path.
    monkeypatch.setattr(appdata.importlib.resources, "files", lambda name: MultiplexedPath(RESOURCES))
    assert appdata.resource_path("icons/search.svg").resolve() == (RESOURCES / "icons" / "search.svg").resolve()


def test_every_shipped_file_matches_a_package_data_glob():
    import fnmatch
    import tomllib

    config = tomllib.loads((RESOURCES.parent / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["reader.resources"]
    shipped = [p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
               if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    unmatched = [name for name in shipped if not any(fnmatch.fnmatchcase(name, g) for g in globs)]
    assert shipped and unmatched == []


def test_style_sheets_parse_in_qt(qapp):
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QLineEdit

    # Qt only reports a broken style sheet as a warning message, so listen for it.
    messages: list[str] = []
    previous = qInstallMessageHandler(lambda mode, context, text: messages.append(text))
    try:
        for theme in ("light", "dark"):
            widget = QLineEdit()
            widget.setObjectName("searchBox")
            widget.setStyleSheet(appdata.style_sheet(theme))
            widget.ensurePolished()
    finally:
        qInstallMessageHandler(previous)
    assert not [m for m in messages if "style" in m.lower()], messages


def test_action_icons_render_in_qt(qapp):
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    for name in ACTION_ICONS:
        assert QSvgRenderer(QByteArray(appdata.icon_svg(name).encode())).isValid(), name

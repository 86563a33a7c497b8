"""Icons and resource files, loaded through one helper and recoloured for the dark theme."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

# The icon set draws with this grey; the dark theme swaps it for a light one.
ICON_INK = "#5f6368"
DARK_INK = "#c8ccd2"
_SIZES = (16, 20, 24, 32, 48, 64)

_dark = False


def resource_path(name: str) -> Path | None:
    """The file resources/<name>, wherever the app is installed; None when it is missing."""
    try:
        from reader import appdata  # written by another helper; may not exist yet

        found = appdata.resource_path(name)
        if found is not None and Path(found).exists():
            return Path(found)
    except (ImportError, AttributeError, FileNotFoundError, OSError):
        pass
    for base in _resource_roots():
        candidate = base / name
        if candidate.exists():
            return candidate
    return None


def _resource_roots() -> list[Path]:
    roots = []
    try:
        import reader.resources as package

        roots.append(Path(package.__file__).resolve().parent)
    except ImportError:
        pass
    roots.append(Path(__file__).resolve().parents[2] / "resources")
    return roots


def read_resource_text(name: str) -> str:
    """The text of resources/<name>, or "" when it is missing."""
    path = resource_path(name)
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def set_dark(dark: bool) -> None:
    """Switch the ink used by icon(); callers re-set their icons after a theme change."""
    global _dark
    _dark = dark


def is_dark() -> bool:
    return _dark


def icon(name: str) -> QIcon:
    """The icon resources/icons/<name>.svg in the current theme's ink; empty if missing."""
    return _icon(name, _dark)


def app_icon() -> QIcon:
    path = resource_path("digest-reader.svg")
    return QIcon(str(path)) if path is not None else QIcon()


@lru_cache(maxsize=256)
def _icon(name: str, dark: bool) -> QIcon:
    svg = read_resource_text(f"icons/{name}.svg")
    if not svg:
        return QIcon()
    if dark:
        svg = svg.replace(ICON_INK, DARK_INK).replace("currentColor", DARK_INK)
    else:
        svg = svg.replace("currentColor", ICON_INK)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        return QIcon()
    result = QIcon()
    for size in _SIZES:
        result.addPixmap(_render(renderer, size))
    return result


def _render(renderer: QSvgRenderer, size: int) -> QPixmap:
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    return pixmap

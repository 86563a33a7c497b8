"""Find the files shipped in reader.resources (icons, style sheets, desktop files) without Qt."""

from __future__ import annotations

import importlib
import importlib.resources
from pathlib import Path

# The monochrome action icons in resources/icons/<name>.svg.
ACTION_ICONS = (
    "import", "export", "folder", "search", "star", "star-empty", "read", "unread",
    "tag", "note", "open-link", "pdf", "code", "settings", "undo", "redo", "refresh",
    "stats", "related", "warning", "inbox", "library",
)
# The one colour the action icons are drawn in; a dark theme swaps it for a light one.
ACTION_ICON_COLOUR = "#5f6368"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
THEMES = ("light", "dark")
# Colours a theme needs that a style sheet cannot set: icon ink and the palette's link colour.
ICON_COLOURS = {"light": ACTION_ICON_COLOUR, "dark": "#e8eaed"}
LINK_COLOURS = {"light": "#1a73e8", "dark": "#8ab4f8"}

# A checkout that was never pip-installed has no reader.resources package: the
# files sit in the top-level resources/ folder next to reader/.
_CHECKOUT_RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def resources_dir() -> Path:
    """The folder holding the shipped resources, installed, frozen or in a checkout."""
    try:
        root = importlib.resources.files("reader.resources")
    except ModuleNotFoundError:
        return _CHECKOUT_RESOURCES
    if isinstance(root, Path):
        return root
    # PyInstaller bundles hand out a MultiplexedPath over one real folder; the
    # package's own __path__ names that folder.
    package = importlib.import_module("reader.resources")
    folders = [Path(p) for p in package.__path__ if Path(p).is_dir()]
    if not folders:
        raise FileNotFoundError(f"reader.resources is not a folder on disk: {root}")
    return folders[0]


def resource_path(name: str) -> Path:
    """Path of a shipped file such as 'light.qss' or 'icons/search.svg'; FileNotFoundError if absent."""
    path = resources_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"Digest Reader resource not found: {name} (looked in {path.parent})")
    return path


def icon_path(name: str) -> Path:
    """Path of an action icon SVG by its name, e.g. icon_path('star-empty')."""
    return resource_path(f"icons/{name}.svg")


def icon_svg(name: str, colour: str = ACTION_ICON_COLOUR) -> str:
    """The SVG text of an action icon, drawn in the given colour (for dark themes)."""
    return icon_path(name).read_text(encoding="utf-8").replace(ACTION_ICON_COLOUR, colour)


def app_icon_path(size: int | None = None) -> Path:
    """The app icon: the SVG, or the pre-rendered PNG of one of APP_ICON_SIZES."""
    if size is None:
        return resource_path("digest-reader.svg")
    if size not in APP_ICON_SIZES:
        raise ValueError(f"no {size}px app icon; sizes are {APP_ICON_SIZES}")
    return resource_path(f"icons/digest-reader-{size}.png")


def style_sheet(theme: str) -> str:
    """The Qt style sheet text for 'light' or 'dark'."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; themes are {THEMES}")
    return resource_path(f"{theme}.qss").read_text(encoding="utf-8")

"""Light and dark themes: follow the system or force one, with a palette and a style sheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from reader.gui import icons

THEMES = ("system", "light", "dark")

_LIGHT = {
    "window": "#f6f7f9",
    "base": "#ffffff",
    "alternate": "#f3f5f8",
    "text": "#1f2328",
    "muted": "#6a737d",
    "button": "#eef0f3",
    "highlight": "#2f6fd6",
    "highlight_text": "#ffffff",
    "link": "#1f5fbf",
    "tooltip": "#ffffe8",
}
_DARK = {
    "window": "#1e2124",
    "base": "#25282c",
    "alternate": "#2a2e33",
    "text": "#e3e6ea",
    "muted": "#9aa2ab",
    "button": "#2f3338",
    "highlight": "#3d7be0",
    "highlight_text": "#ffffff",
    "link": "#7fb0ff",
    "tooltip": "#2f3338",
}


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def effective_theme(mode: str) -> str:
    """ "light" or "dark" for a setting of system/light/dark."""
    if mode in ("light", "dark"):
        return mode
    return "dark" if system_is_dark() else "light"


def palette_for(theme: str) -> QPalette:
    colors = _DARK if theme == "dark" else _LIGHT
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colors["window"],
        QPalette.ColorRole.WindowText: colors["text"],
        QPalette.ColorRole.Base: colors["base"],
        QPalette.ColorRole.AlternateBase: colors["alternate"],
        QPalette.ColorRole.Text: colors["text"],
        QPalette.ColorRole.Button: colors["button"],
        QPalette.ColorRole.ButtonText: colors["text"],
        QPalette.ColorRole.Highlight: colors["highlight"],
        QPalette.ColorRole.HighlightedText: colors["highlight_text"],
        QPalette.ColorRole.Link: colors["link"],
        QPalette.ColorRole.ToolTipBase: colors["tooltip"],
        QPalette.ColorRole.ToolTipText: colors["text"],
        QPalette.ColorRole.PlaceholderText: colors["muted"],
        QPalette.ColorRole.BrightText: "#ff5555",
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    muted = QColor(colors["muted"])
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    return palette


# What the platform draws itself (window frames, native file dialogs) follows the colour
# scheme the app asks for; when it cannot, dialogs drawn by Qt follow the palette instead.
_applied = {"theme": "light", "native": True}
_system_scheme: dict[str, Qt.ColorScheme] = {}


def _request_scheme(mode: str) -> None:
    hints = QGuiApplication.styleHints()
    if "scheme" not in _system_scheme or mode == "system":
        hints.unsetColorScheme()
        _system_scheme["scheme"] = hints.colorScheme()
    if mode in ("light", "dark"):
        hints.setColorScheme(requested_scheme(mode))


def _system_dark() -> bool:
    return _system_scheme.get("scheme") == Qt.ColorScheme.Dark


def requested_scheme(mode: str) -> Qt.ColorScheme:
    """The colour scheme the app asks the platform for: the theme's, or the system's own."""
    return {"dark": Qt.ColorScheme.Dark, "light": Qt.ColorScheme.Light}.get(mode, Qt.ColorScheme.Unknown)


def file_dialog_options() -> QFileDialog.Option:
    """Options for QFileDialog: Qt's own dialog (which wears the theme) when the theme is not
    the system's, since a native dialog keeps the system's colours."""
    if _applied["native"]:
        return QFileDialog.Option(0)
    return QFileDialog.Option.DontUseNativeDialog


def muted_color(theme: str) -> QColor:
    return QColor((_DARK if theme == "dark" else _LIGHT)["muted"])


def apply_theme(app: QApplication, mode: str) -> str:
    """Apply palette, style sheet and icon ink for mode; returns the effective theme."""
    mode = mode if mode in THEMES else "system"
    _request_scheme(mode)
    theme = effective_theme(mode)
    _applied.update(theme=theme, native=theme == ("dark" if _system_dark() else "light"))
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette_for(theme))
    app.setStyleSheet(icons.read_resource_text(f"{theme}.qss"))
    icons.set_dark(theme == "dark")
    return theme

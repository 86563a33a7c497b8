"""The search box above the paper list: debounced query text and an inline error line."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from reader.gui import icons
from reader.gui.plain import plain_tooltip

PLACEHOLDER = "Search — try: tag:todo is:unread rating:>=4"
DEBOUNCE_MS = 150


class SearchBox(QWidget):
    """A line edit that emits query_changed once typing pauses, and shows query errors."""

    query_changed = Signal(str)
    escape_pressed = Signal()
    down_pressed = Signal()
    return_pressed = Signal()  # after the query is applied at once

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _SearchEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search papers")
        self._search_action = self.edit.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("searchError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d23c3c;")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        self.save_button = QToolButton(self)
        self.save_button.setObjectName("saveSearchButton")
        self.save_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.save_button.setAutoRaise(True)
        self.save_button.hide()  # until the window gives it its action
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.returnPressed.connect(self._on_return)
        self.edit.escape_pressed.connect(lambda: (self.flush(), self.escape_pressed.emit()))
        self.edit.down_pressed.connect(lambda: (self.flush(), self.down_pressed.emit()))

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        """Set the text and emit at once (no debounce)."""
        self.edit.setText(text)
        self._emit()

    def set_save_action(self, action: QAction) -> None:
        """Show a button beside the box that triggers action (the window's "Save search…")."""
        self.save_button.setDefaultAction(action)
        self.save_button.setText("Save")
        self.save_button.show()

    def clear_silently(self) -> None:
        """Empty the box without emitting query_changed (the caller applies the query)."""
        self._timer.stop()
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.edit.setProperty("invalid", True)
        self.edit.setToolTip(plain_tooltip(message))

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        self.edit.setProperty("invalid", False)
        self.edit.setToolTip("")

    def has_error(self) -> bool:
        return not self.error_label.isHidden()

    def refresh_icons(self) -> None:
        self._search_action.setIcon(icons.icon("search"))

    def _emit(self) -> None:
        self._timer.stop()
        self.query_changed.emit(self.text())

    def cancel_pending(self) -> None:
        """Drop text waiting for the typing pause (the window is closing)."""
        self._timer.stop()

    def flush(self) -> None:
        """Apply text still waiting for the typing pause (leaving the box applies it)."""
        if self._timer.isActive():
            self._emit()

    def _on_return(self) -> None:
        self._emit()
        self.return_pressed.emit()


class _SearchEdit(QLineEdit):
    """Escape and Down hand the focus back to the list, keeping the query (the clear
    button empties the box)."""

    escape_pressed = Signal()
    down_pressed = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)

"""The detail pane's note: a Markdown editor, its rendered preview, saved once typing pauses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from reader.gui import icons
from reader.gui.markdown_render import fallback_note
from reader.gui.plain import clip_block
from reader.gui.safe_html import SafeTextBrowser
from reader.gui.sighting_card import plain_label

NOTE_IDLE_MS = 1000

# render(text, apply, tokens): apply(html or None) once rendered; drop(tokens) forgets requests.
RenderInto = Callable[[str, Callable[[str | None], None], list[int]], None]


class NoteEditor(QPlainTextEdit):
    """The note's markdown source; Ctrl+Enter finishes, leaving focus saves."""

    finish_requested = Signal()
    focus_left = Signal()
    VISIBLE_LINES = 10

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # A hint, not a minimum: the hidden editor must not hold space open in preview mode.
        lines = self.fontMetrics().lineSpacing() * self.VISIBLE_LINES
        return QSize(super().sizeHint().width(), lines + 2 * self.frameWidth() + 8)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.finish_requested.emit()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        super().focusOutEvent(event)
        self.focus_left.emit()


class NoteSection(QObject):
    """The note of the paper shown: an Edit/Preview toggle over an editor and a preview;
    note_requested carries text that differs from the stored note."""

    note_requested = Signal(int, str)  # paper_id, new markdown text
    finished = Signal()  # Ctrl+Enter: the keys go back to the list

    def __init__(self, body: QWidget, render: RenderInto, drop: Callable[[list[int]], None]) -> None:
        super().__init__(body)
        self._render = render
        self._drop = drop
        self._paper_id: int | None = None
        self._saved = ""
        self._loading = False
        self._tokens: list[int] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(NOTE_IDLE_MS)
        self.timer.timeout.connect(self.flush)
        self.toggle = QToolButton(body)
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setIcon(icons.icon("note"))
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.toggled.connect(self.set_editing)
        self.stack = QStackedWidget(body)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = plain_label("No note yet. Press n or click Edit to write one (Markdown).", muted=True)
        self.preview = SafeTextBrowser(fit_content=True)
        self.preview.setAccessibleName("Note preview")
        self.format_hint = plain_label(muted=True)
        self.format_hint.hide()
        preview_layout.addWidget(self.placeholder)
        preview_layout.addWidget(self.preview)
        preview_layout.addWidget(self.format_hint)
        self.editor = NoteEditor()
        self.editor.setAccessibleName("Note")
        self.editor.setPlaceholderText("Write your note in Markdown. Ctrl+Enter to finish.")
        self.editor.setTabChangesFocus(True)
        self.editor.textChanged.connect(self._on_typed)
        self.editor.finish_requested.connect(lambda: self.set_editing(False))
        self.editor.finish_requested.connect(self.finished)
        self.editor.focus_left.connect(self.flush)
        self.stack.addWidget(preview_page)
        self.stack.addWidget(self.editor)
        self.stack.currentChanged.connect(self._fit_stack)
        self._fit_stack()

    def is_editing(self) -> bool:
        return self.stack.currentWidget() is self.editor

    def set_editing(self, editing: bool) -> None:
        """Switch between the markdown editor and the rendered preview; leaving edit saves."""
        if not editing:
            self.flush()
            self._render_preview(self.editor.toPlainText())
        self.stack.setCurrentWidget(self.editor if editing else self.stack.widget(0))
        self.toggle.blockSignals(True)
        self.toggle.setChecked(editing)
        self.toggle.blockSignals(False)
        self.toggle.setText("Preview" if editing else "Edit")
        self.toggle.setToolTip(
            "Show the rendered note (Ctrl+Enter)" if editing else "Edit the note in Markdown (n)"
        )

    def flush(self) -> None:
        """Emit note_requested for unsaved note text, if it differs from the stored note."""
        self.timer.stop()
        if self._paper_id is None:
            return
        text = self.editor.toPlainText()
        if text != self._saved:
            self._saved = text
            self.note_requested.emit(self._paper_id, text)

    def clear(self) -> None:
        """No paper shown (save first: flush)."""
        self._paper_id = None
        self._saved = ""

    def show(self, paper_id: int, note: str, same_paper: bool) -> None:
        """Load the stored note, unless the editor holds unsaved text for this same paper."""
        self._paper_id = paper_id
        unsaved = same_paper and self.editor.toPlainText() != self._saved
        self._saved = note
        if not unsaved and self.editor.toPlainText() != note:
            self._load_text(note)
        if not same_paper:
            self.set_editing(False)  # nothing to save: the editor now holds the stored note
        elif not self.is_editing():
            self._render_preview(self.editor.toPlainText())

    def _fit_stack(self, _index: int = 0) -> None:
        """Size the note area to the page shown, not to the tallest page."""
        current = self.stack.currentWidget()
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.stack.updateGeometry()

    def _load_text(self, note: str) -> None:
        """Replace the editor text without it counting as typing; keep the cursor near its place."""
        position = self.editor.textCursor().position()
        self._loading = True
        try:
            self.editor.setPlainText(note)
        finally:
            self._loading = False
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(note)))
        self.editor.setTextCursor(cursor)

    def _render_preview(self, text: str) -> None:
        """The note as plain text at once, its rendered Markdown when the renderer is done."""
        self._drop(self._tokens)
        self.format_hint.hide()
        shown = bool(text.strip())
        if shown:
            self.preview.setPlainText(clip_block(text))
        self.preview.setVisible(shown)
        self.placeholder.setVisible(not shown)
        if shown:
            self._render(text, lambda html: self._show_rendered(text, html), self._tokens)

    def _show_rendered(self, text: str, html: str | None) -> None:
        if html is None:
            self.format_hint.setText(fallback_note(text))
            self.format_hint.show()
            return
        self.preview.setHtml(html)
        self.preview.setVisible(bool(html))
        self.placeholder.setVisible(not html)

    def _on_typed(self) -> None:
        if not self._loading and self._paper_id is not None:
            self.timer.start()

"""The detail pane: one paper's facts, links, read state, rating, tags, note and sightings."""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui import icons
from reader.gui.markdown_render import MarkdownRenderer, fallback_note
from reader.gui.plain import MAX_LINE_CHARS, MAX_TEXT_CHARS, clip, clip_block, plain_tooltip
from reader.gui.safe_html import SafeTextBrowser, is_safe_url, open_external
from reader.gui.widgets import CollapsibleSection, FlowLayout, StarRating, TagEditor

NOTE_IDLE_MS = 1000
DEFAULT_POINT_SIZE = 10
LINK_KINDS = {"abs": "Abstract page", "pdf": "PDF", "code": "Code"}
LINK_ICONS = {"abs": "open-link", "pdf": "pdf", "code": "code"}
DEFAULT_EMPTY_HINT = (
    "j / k or ↑ / ↓ move through the list · Space marks read\n"
    "1–5 rate · t edit tags · n write a note · / search"
)
_FLAG = Qt.TextInteractionFlag
SELECTABLE = _FLAG.TextSelectableByMouse | _FLAG.TextSelectableByKeyboard
BROWSABLE = SELECTABLE | _FLAG.LinksAccessibleByMouse | _FLAG.LinksAccessibleByKeyboard


def plain_label(text: str = "", muted: bool = False, parent: QWidget | None = None) -> QLabel:
    """A wrapping, selectable label that shows text literally (no markup is interpreted)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(SELECTABLE)
    label.setText(text)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def safe_rich_label(html: str = "", parent: QWidget | None = None) -> QLabel:
    """A wrapping label for already-sanitised HTML whose links open only through open_external."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(BROWSABLE)
    label.linkActivated.connect(open_external)
    label.setText(html)
    return label


def markdown_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows Markdown source as plain text until show_markdown_html swaps in
    the rendered, sanitised HTML (rendering happens off the GUI thread)."""
    label = plain_label(clip_block(text), parent=parent)
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(open_external)
    return label


def show_markdown_html(label: QLabel, html: str) -> None:
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(BROWSABLE)
    label.setText(html)


# render(text, apply): apply(html or None) once text is rendered (None: keep it plain).
Render = Callable[[str, Callable[[str | None], None]], None]


def bold_font() -> QFont:
    """A font that only says "bold", so the size still follows the parent's font."""
    font = QFont()
    font.setBold(True)
    return font


def format_number(value: Any) -> str:
    """8.0 -> "8", 8.25 -> "8.25", other values as text."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_name(name: str | None) -> str:
    return (name or "unknown format").replace("_", " ").replace("-", " ")


def sighting_date(sighting: dict) -> str:
    """The date a digest mentioned the paper: the digest's own date, else when it was imported."""
    for key in ("date", "digest_date", "imported_at"):
        value = sighting.get(key)
        if value:
            return str(value)[:10]
    return ""


def local_date(stamp: str | None) -> str:
    """The local calendar day of an ISO timestamp ("" when there is none)."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date().isoformat()


def provenance_steps(paper: dict) -> list[str]:
    """One "a.txt (scored list) on <import day>, digest dated <day>" per digest, in the
    order the digests were imported."""
    indexed = list(enumerate(paper.get("sightings") or []))
    indexed.sort(key=lambda item: (str(item[1].get("imported_at") or ""), item[0]))
    steps = []
    for index, (_, sighting) in enumerate(indexed):
        imported = local_date(sighting.get("imported_at"))
        if not imported and index == 0:
            imported = local_date(paper.get("first_seen") or paper.get("added"))
        dated = str(sighting.get("date") or sighting.get("digest_date") or "")[:10]
        name = os.path.basename(str(sighting.get("file") or "")) or "a digest"
        step = f"{name} ({format_name(sighting.get('format'))})"
        if imported:
            step += f" on {imported}"
        if dated and dated != imported:
            step += f", digest dated {dated}"
        steps.append(step)
    return steps


def provenance_text(paper: dict) -> str:
    """The timeline, one line per digest: "First seen in a.txt (scored list) on 2024-10-09"
    then "then in b.txt (newsletter) on 2024-10-12"; "" when no digest mentions the paper."""
    steps = provenance_steps(paper)
    if not steps:
        return ""
    return "\n".join(["First seen in " + steps[0], *("then in " + step for step in steps[1:])])


def related_html(item: Any, muted: str) -> str:
    """One related paper as a link (its title) followed by first author and year, escaped."""
    title = html.escape(clip(getattr(item, "title", None) or "(untitled)", MAX_LINE_CHARS))
    details = []
    author = getattr(item, "first_author", None)
    if author:
        details.append(html.escape(author) + (" et al." if (getattr(item, "authors_count", 0) or 0) > 1 else ""))
    published = getattr(item, "published", None)
    if published:
        details.append(html.escape(str(published)[:4]))
    suffix = f' <span style="color:{muted}">— {", ".join(details)}</span>' if details else ""
    return f'<a href="paper:{int(item.id)}">{title}</a>{suffix}'


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


class SightingCard(QFrame):
    """What one digest says about the paper: source, score and sub-scores, headline, text."""

    def __init__(
        self, sighting: dict, parent: QWidget | None = None, render: Render | None = None
    ) -> None:
        super().__init__(parent)
        self._render = render
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(self._header(sighting))
        subscores = sighting.get("subscores") or {}
        if subscores:
            parts = (f"{name} {format_number(value)}" for name, value in subscores.items())
            text = " · ".join(parts)
            layout.addWidget(plain_label(text, muted=True))
        if sighting.get("headline"):
            headline = self._markdown(str(sighting["headline"]), layout)
            headline.setFont(bold_font())
        for key in ("summary", "detail"):
            if sighting.get(key):
                self._markdown(str(sighting[key]), layout)

    def _markdown(self, text: str, layout: QVBoxLayout) -> QLabel:
        """The text as plain text now; its rendered HTML when (and if) the renderer gives it."""
        label = markdown_label(text)
        layout.addWidget(label)
        if self._render is not None:
            self._render(text, lambda html: self._show_rendered(label, text, html))
        return label

    def _show_rendered(self, label: QLabel, text: str, html: str | None) -> None:
        if html:
            show_markdown_html(label, html)
        elif html is None:
            note = plain_label(fallback_note(text), muted=True)
            layout = self.layout()
            layout.insertWidget(layout.indexOf(label) + 1, note)

    def _header(self, sighting: dict) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        source = [os.path.basename(str(sighting.get("file") or "")) or "a digest"]
        source.append(format_name(sighting.get("format")))
        if sighting.get("position"):
            source.append(f"#{sighting['position']}")
        if sighting.get("topic"):
            source.append(str(sighting["topic"]))
        date = sighting_date(sighting)
        if date:
            source.append(date)
        row.addWidget(plain_label(" · ".join(source), muted=True), 1)
        if sighting.get("score") is not None:
            score = plain_label(f"Score {format_number(sighting['score'])}")
            score.setWordWrap(False)
            score.setFont(bold_font())
            row.addWidget(score, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return row


class DetailView(QWidget):
    """Everything about the selected paper, with controls for the user's own state."""

    rating_requested = Signal(int, int)  # paper_id, rating (0 clears)
    tags_requested = Signal(int, list)  # paper_id, full new tag list
    note_requested = Signal(int, str)  # paper_id, new markdown text
    read_requested = Signal(int, bool)  # paper_id, read
    related_requested = Signal(int)  # paper_id: find its related papers, then call show_related
    paper_activated = Signal(int)  # paper_id of a related paper the user clicked
    note_finished = Signal()  # Ctrl+Enter saved the note: the keys go back to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper: dict | None = None
        self._note_saved = ""
        self._loading_note = False
        self._point_size = self.font().pointSize()
        if self._point_size <= 0:  # a pixel-sized font
            self._point_size = DEFAULT_POINT_SIZE
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_IDLE_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self._renderer = MarkdownRenderer(self)
        self._renderer.rendered.connect(self._on_rendered)
        self._waiting: dict[int, Callable[[str | None], None]] = {}
        self._note_tokens: list[int] = []
        self._card_tokens: list[int] = []

        self._stack = QStackedLayout(self)
        self._empty = self._build_empty_state()
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("detailBody")
        self._scroll.setWidget(self.body)
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._scroll)
        self._build_body()
        self.set_font_point_size(self._point_size)
        self.show_paper(None)

    # -- construction ---------------------------------------------------------------
    def _build_empty_state(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.empty_title = QLabel("Select a paper", page)
        self.empty_title.setObjectName("emptyTitle")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint = plain_label(DEFAULT_EMPTY_HINT, muted=True, parent=page)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty_title)
        layout.addWidget(self.empty_hint)
        layout.addStretch(2)
        return page

    def _build_body(self) -> None:
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.setSpacing(8)
        self.title_label = plain_label()
        self.title_label.setObjectName("detailTitle")
        self.authors_label = plain_label()
        self.meta_label = plain_label(muted=True)
        layout.addWidget(self.title_label)
        layout.addWidget(self.authors_label)
        layout.addWidget(self.meta_label)
        layout.addSpacing(4)
        layout.addWidget(self._build_actions())
        self._headings: list[QLabel] = []
        layout.addSpacing(6)
        layout.addWidget(self._heading("Tags"))
        self.tag_editor = TagEditor(self.body)
        self.tag_editor.tags_changed.connect(self._on_tags_changed)
        layout.addWidget(self.tag_editor)
        layout.addSpacing(6)
        layout.addLayout(self._build_note_header())
        layout.addWidget(self._build_note())
        layout.addSpacing(6)
        layout.addWidget(self._heading("Abstract"))
        self.abstract_label = plain_label()
        layout.addWidget(self.abstract_label)
        self.translation_label = plain_label()
        self.translation = CollapsibleSection(
            "Translation", self.translation_label, parent=self.body
        )
        layout.addWidget(self.translation)
        layout.addSpacing(6)
        layout.addWidget(self._heading("Digests"))
        self.provenance_label = plain_label(muted=True)
        layout.addWidget(self.provenance_label)
        self.sightings_box = QVBoxLayout()
        self.sightings_box.setSpacing(8)
        layout.addLayout(self.sightings_box)
        layout.addSpacing(6)
        layout.addWidget(self._heading("Related in your library"))
        self.related_status = plain_label(muted=True)
        layout.addWidget(self.related_status)
        self.related_box = QVBoxLayout()
        self.related_box.setSpacing(6)
        layout.addLayout(self.related_box)
        self.related_labels: list[QLabel] = []
        layout.addStretch(1)

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text, self.body)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setProperty("heading", True)
        self._headings.append(label)
        return label

    def _build_actions(self) -> QWidget:
        """Link buttons, read toggle and stars; they wrap onto a second line in a narrow pane."""
        actions = QWidget(self.body)
        flow = FlowLayout(actions, spacing=6)
        self.link_buttons: dict[str, QPushButton] = {}
        for kind, text in LINK_KINDS.items():
            button = QPushButton(icons.icon(LINK_ICONS[kind]), text, actions)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=kind: self.open_link(k))
            self.link_buttons[kind] = button
            flow.addWidget(button)
        self.read_button = QPushButton(actions)
        self.read_button.setCheckable(True)
        self.read_button.setAutoDefault(False)
        self.read_button.clicked.connect(self._on_read_clicked)
        flow.addWidget(self.read_button)
        self.star_rating = StarRating(actions)
        self.star_rating.rating_changed.connect(self._on_rating_changed)
        flow.addWidget(self.star_rating)
        return actions

    def _build_note_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self._heading("Note"))
        row.addStretch(1)
        self.note_toggle = QToolButton(self.body)
        self.note_toggle.setCheckable(True)
        self.note_toggle.setAutoRaise(True)
        self.note_toggle.setIcon(icons.icon("note"))
        self.note_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.note_toggle.toggled.connect(self.set_note_editing)
        row.addWidget(self.note_toggle)
        return row

    def _build_note(self) -> QWidget:
        self.note_stack = QStackedWidget(self.body)
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        self.note_placeholder = plain_label(
            "No note yet. Press n or click Edit to write one (Markdown).", muted=True
        )
        self.note_preview = SafeTextBrowser(fit_content=True)
        self.note_preview.setAccessibleName("Note preview")
        self.note_format_hint = plain_label(muted=True)
        self.note_format_hint.hide()
        preview_layout.addWidget(self.note_placeholder)
        preview_layout.addWidget(self.note_preview)
        preview_layout.addWidget(self.note_format_hint)
        self.note_editor = NoteEditor()
        self.note_editor.setAccessibleName("Note")
        self.note_editor.setPlaceholderText("Write your note in Markdown. Ctrl+Enter to finish.")
        self.note_editor.setTabChangesFocus(True)
        self.note_editor.textChanged.connect(self._on_note_typed)
        self.note_editor.finish_requested.connect(lambda: self.set_note_editing(False))
        self.note_editor.finish_requested.connect(self.note_finished)
        self.note_editor.focus_left.connect(self.flush_note)
        self.note_stack.addWidget(preview_page)
        self.note_stack.addWidget(self.note_editor)
        self.note_stack.currentChanged.connect(self._fit_note_stack)
        self._fit_note_stack()
        return self.note_stack

    # -- public API -----------------------------------------------------------------
    def paper_id(self) -> int | None:
        return self._paper["id"] if self._paper else None

    def show_paper(self, paper: dict | None) -> None:
        """Show a Library.get_paper() dict, or the empty state for None."""
        same = (
            paper is not None
            and self._paper is not None
            and paper.get("id") == self._paper.get("id")
        )
        if not same:
            self.flush_note()
        previous = self._paper
        self._paper = paper
        if paper is None:
            self._note_saved = ""
            self._stack.setCurrentWidget(self._empty)
            return
        self._stack.setCurrentWidget(self._scroll)
        self._show_facts(paper)
        self._show_links(paper.get("links") or {})
        self._show_user_state(paper)
        self._show_note(paper.get("note") or "", same)
        self._show_texts(paper)
        if not (same and previous and previous.get("sightings") == paper.get("sightings")):
            self._show_sightings(paper)
        if not same:
            self.show_related(int(paper["id"]), None)
            self.related_requested.emit(int(paper["id"]))
        self._apply_body_font()
        if not same:
            self._scroll.verticalScrollBar().setValue(0)

    def show_related(self, paper_id: int, items: list | None) -> None:
        """List the related papers (rows with id, title, first_author, authors_count,
        published) of paper_id, or "Finding related papers…" for None. A late answer for a
        paper no longer shown is ignored."""
        if self.paper_id() != paper_id:
            return
        self._clear_related()
        if items is None:
            self.related_status.setText("Finding related papers…")
            self.related_status.show()
            return
        self.related_status.setText("No similar papers in your library yet.")
        self.related_status.setVisible(not items)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        for item in items:
            label = QLabel(self.body)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setOpenExternalLinks(False)
            label.setTextInteractionFlags(BROWSABLE)
            label.setText(related_html(item, muted))
            label.setToolTip(plain_tooltip(getattr(item, "title", None) or ""))
            label.setProperty("paper_id", int(item.id))
            label.linkActivated.connect(self._on_related_link)
            self.related_box.addWidget(label)
            self.related_labels.append(label)
        self._apply_body_font()

    def related_ids(self) -> list[int]:
        """Ids of the related papers listed, in order."""
        return [int(label.property("paper_id")) for label in self.related_labels]

    def _clear_related(self) -> None:
        for label in self.related_labels:
            label.hide()
            label.setParent(None)
            label.deleteLater()
        self.related_labels = []

    def _on_related_link(self, link: str) -> None:
        if link.startswith("paper:"):
            self.paper_activated.emit(int(link.removeprefix("paper:")))

    def set_known_tags(self, tags: list[str]) -> None:
        self.tag_editor.set_known_tags(tags)

    def focus_tags(self) -> None:
        if self._paper is None:
            return
        self._scroll.ensureWidgetVisible(self.tag_editor)
        self.tag_editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_note(self) -> None:
        """Switch the note to edit mode and put the cursor at its end."""
        if self._paper is None:
            return
        self.set_note_editing(True)
        self.note_editor.moveCursor(QTextCursor.MoveOperation.End)
        self._scroll.ensureWidgetVisible(self.note_editor)
        self.note_editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_link(self, kind: str) -> bool:
        """Open the paper's "abs" | "pdf" | "code" link in the browser; False if none or unsafe."""
        if self._paper is None:
            return False
        url = (self._paper.get("links") or {}).get(kind)
        return open_external(url) if url else False

    def set_empty_hint(self, text: str) -> None:
        self.empty_hint.setText(text)

    def set_font_point_size(self, size: int) -> None:
        """Scale the detail body (headings and title follow)."""
        self._point_size = max(6, int(size))
        base = QFont(self.font())
        base.setPointSize(self._point_size)
        self.body.setFont(base)
        self._empty.setFont(base)
        self.title_label.setFont(self._scaled(base, 1.5, bold=True))
        self.empty_title.setFont(self._scaled(base, 1.4, bold=True))
        for heading in self._headings:
            heading.setFont(self._scaled(base, 1.1, bold=True))
        for widget in (self.note_editor, self.note_preview, self.star_rating):
            widget.setFont(base)
        self.note_preview.document().setDefaultFont(base)
        self._apply_body_font()

    def _apply_body_font(self) -> None:
        """Give every child its font explicitly.

        Under an application style sheet Qt no longer propagates a parent's font to
        its children, so setting it on the body alone leaves the labels at the
        default size; sighting cards are rebuilt per paper, hence a walk each time.
        """
        base = QFont(self.font())
        base.setPointSize(self._point_size)
        special = {self.title_label: 1.5, self.empty_title: 1.4}
        special.update({heading: 1.1 for heading in self._headings})
        for root in (self.body, self._empty):
            for widget in root.findChildren(QWidget):
                if widget in special:
                    widget.setFont(self._scaled(base, special[widget], bold=True))
                else:
                    widget.setFont(self._scaled(base, 1.0, bold=widget.font().bold()))

    def font_point_size(self) -> int:
        return self._point_size

    def is_note_editing(self) -> bool:
        return self.note_stack.currentWidget() is self.note_editor

    def set_note_editing(self, editing: bool) -> None:
        """Switch between the markdown editor and the rendered preview; leaving edit saves."""
        if not editing:
            self.flush_note()
            self._render_note_preview(self.note_editor.toPlainText())
        self.note_stack.setCurrentWidget(self.note_editor if editing else self.note_stack.widget(0))
        self.note_toggle.blockSignals(True)
        self.note_toggle.setChecked(editing)
        self.note_toggle.blockSignals(False)
        self.note_toggle.setText("Preview" if editing else "Edit")
        self.note_toggle.setToolTip(
            "Show the rendered note (Ctrl+Enter)" if editing else "Edit the note in Markdown (n)"
        )

    def flush_note(self) -> None:
        """Emit note_requested for unsaved note text, if it differs from the stored note."""
        self._note_timer.stop()
        if self._paper is None:
            return
        text = self.note_editor.toPlainText()
        if text != self._note_saved:
            self._note_saved = text
            self.note_requested.emit(int(self._paper["id"]), text)

    def _fit_note_stack(self, _index: int = 0) -> None:
        """Size the note area to the page shown, not to the tallest page."""
        current = self.note_stack.currentWidget()
        for index in range(self.note_stack.count()):
            page = self.note_stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(QSizePolicy.Policy.Preferred, policy)
        self.note_stack.updateGeometry()

    # -- filling the view -----------------------------------------------------------
    def _show_facts(self, paper: dict) -> None:
        self.title_label.setText(clip(paper.get("title") or "Untitled", MAX_LINE_CHARS))
        authors = paper.get("authors") or []
        self.authors_label.setText(clip(", ".join(authors), MAX_LINE_CHARS) if authors else "Authors unknown")
        self.authors_label.setForegroundRole(
            QPalette.ColorRole.WindowText if authors else QPalette.ColorRole.PlaceholderText
        )
        meta = []
        if paper.get("published"):
            meta.append(f"Published {paper['published']}")
        if paper.get("arxiv_id"):
            meta.append(f"arXiv:{paper['arxiv_id']}")
        if paper.get("doi"):
            meta.append(f"DOI {paper['doi']}")
        self.meta_label.setText(clip(" · ".join(meta), MAX_LINE_CHARS) or "No date or identifier given")

    def _show_links(self, links: dict) -> None:
        for kind, button in self.link_buttons.items():
            url = links.get(kind)
            usable = bool(url) and is_safe_url(url)
            button.setEnabled(usable)
            if usable:
                button.setToolTip(f"Open {url} in the browser")
            else:
                button.setToolTip(f"No {LINK_KINDS[kind].lower()} link for this paper")

    def _show_user_state(self, paper: dict) -> None:
        read = bool(paper.get("read"))
        self.read_button.setChecked(read)
        self._label_read_button(read)
        self.star_rating.set_rating(paper.get("rating") or 0)
        self.tag_editor.set_tags(list(paper.get("tags") or []))

    def _label_read_button(self, read: bool) -> None:
        self.read_button.setText("Read" if read else "Unread")
        self.read_button.setIcon(icons.icon("read" if read else "unread"))
        self.read_button.setToolTip("Mark as unread" if read else "Mark as read")
        self.read_button.setAccessibleName("Read" if read else "Unread")

    def _show_note(self, note: str, same_paper: bool) -> None:
        """Load the stored note, unless the editor holds unsaved text for this same paper."""
        unsaved = same_paper and self.note_editor.toPlainText() != self._note_saved
        self._note_saved = note
        if not unsaved and self.note_editor.toPlainText() != note:
            self._load_note_text(note)
        if not same_paper:
            self.set_note_editing(False)  # nothing to save: the editor now holds the stored note
        elif not self.is_note_editing():
            self._render_note_preview(self.note_editor.toPlainText())

    def _load_note_text(self, note: str) -> None:
        """Replace the editor text without it counting as typing; keep the cursor near its place."""
        position = self.note_editor.textCursor().position()
        self._loading_note = True
        try:
            self.note_editor.setPlainText(note)
        finally:
            self._loading_note = False
        cursor = self.note_editor.textCursor()
        cursor.setPosition(min(position, len(note)))
        self.note_editor.setTextCursor(cursor)

    def _render_note_preview(self, text: str) -> None:
        """The note as plain text at once, its rendered Markdown when the renderer is done."""
        self._drop(self._note_tokens)
        self.note_format_hint.hide()
        shown = bool(text.strip())
        if shown:
            self.note_preview.setPlainText(clip_block(text))
        self.note_preview.setVisible(shown)
        self.note_placeholder.setVisible(not shown)
        if shown:
            self._render_markdown(text, lambda html: self._show_rendered_note(text, html), self._note_tokens)

    def _show_rendered_note(self, text: str, html: str | None) -> None:
        if html is None:
            self.note_format_hint.setText(fallback_note(text))
            self.note_format_hint.show()
            return
        self.note_preview.setHtml(html)
        self.note_preview.setVisible(bool(html))
        self.note_placeholder.setVisible(not html)

    # -- markdown off the GUI thread ----------------------------------------------------
    def _render_markdown(
        self, text: str, apply: Callable[[str | None], None], tokens: list[int] | None = None
    ) -> None:
        """apply(html or None) now when text was rendered before, else once the renderer
        thread is done; tokens collects the request so it can be dropped."""
        hit, html = self._renderer.cached(text)
        if hit:
            apply(html)
            return
        token = self._renderer.render(text)
        self._waiting[token] = apply
        (self._card_tokens if tokens is None else tokens).append(token)

    def _drop(self, tokens: list[int]) -> None:
        self._renderer.discard(tokens)
        for token in tokens:
            self._waiting.pop(token, None)
        tokens.clear()

    def _on_rendered(self, token: int, html: object) -> None:
        apply = self._waiting.pop(token, None)
        if apply is not None:
            apply(html if isinstance(html, str) else None)
            self._apply_body_font()

    def markdown_pending(self) -> bool:
        """True while some Markdown shown is still being rendered."""
        return bool(self._waiting)

    def _show_texts(self, paper: dict) -> None:
        abstract = (paper.get("abstract") or "").strip()
        self.abstract_label.setText(clip(abstract, MAX_TEXT_CHARS) or "No abstract in the digests that mention it.")
        self.abstract_label.setForegroundRole(
            QPalette.ColorRole.WindowText if abstract else QPalette.ColorRole.PlaceholderText
        )
        translation = (paper.get("translation") or "").strip()
        self.translation_label.setText(clip(translation, MAX_TEXT_CHARS))
        self.translation.setVisible(bool(translation))

    def _show_sightings(self, paper: dict) -> None:
        self._drop(self._card_tokens)
        while self.sightings_box.count():
            item = self.sightings_box.takeAt(0)
            card = item.widget()
            if card is not None:
                card.hide()  # gone from the view now, not at the next event loop turn
                card.setParent(None)
                card.deleteLater()
        sightings = paper.get("sightings") or []
        self.provenance_label.setText(
            provenance_text(paper) or "No digest mentions this paper any more."
        )
        for sighting in sightings:
            self.sightings_box.addWidget(SightingCard(sighting, self.body, self._render_markdown))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh_icons()  # the theme switched the icon ink along with the palette

    def _refresh_icons(self) -> None:
        for kind, button in self.link_buttons.items():
            button.setIcon(icons.icon(LINK_ICONS[kind]))
        self.note_toggle.setIcon(icons.icon("note"))
        self._label_read_button(self.read_button.isChecked())

    # -- user actions -----------------------------------------------------------------
    def _on_read_clicked(self, checked: bool) -> None:
        if self._paper is None:
            return
        self._label_read_button(checked)
        self.read_requested.emit(int(self._paper["id"]), bool(checked))

    def _on_rating_changed(self, rating: int) -> None:
        if self._paper is not None:
            self.rating_requested.emit(int(self._paper["id"]), int(rating))

    def _on_tags_changed(self, tags: list) -> None:
        if self._paper is not None:
            self.tags_requested.emit(int(self._paper["id"]), list(tags))

    def _on_note_typed(self) -> None:
        if not self._loading_note and self._paper is not None:
            self._note_timer.start()

    @staticmethod
    def _scaled(base: QFont, factor: float, bold: bool = False) -> QFont:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * factor)
        font.setBold(bold)
        return font

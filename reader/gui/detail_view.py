"""The detail pane: one paper's facts, links, read state, rating, tags, note and sightings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from reader.fetched_facts import fetched_facts
from reader.gui import icons
from reader.gui.citations import CitationKeyField
from reader.gui.markdown_render import MarkdownRenderer
from reader.gui.note_panel import NoteSection
from reader.gui.plain import MAX_LINE_CHARS, MAX_TEXT_CHARS, clip
from reader.gui.related import RelatedSection
from reader.store.records import PaperDetail, PaperRow
from reader.gui.safe_html import is_safe_url, open_external
from reader.gui.sighting_card import SightingCard, plain_label, provenance_text
from reader.gui.widgets import CollapsibleSection, FlowLayout, StarRating, TagEditor

DEFAULT_POINT_SIZE = 10
LINK_KINDS = {"abs": "Abstract page", "pdf": "PDF", "code": "Code"}
LINK_ICONS = {"abs": "open-link", "pdf": "pdf", "code": "code"}
DEFAULT_EMPTY_HINT = (
    "j / k or ↑ / ↓ move through the list · Space marks read\n"
    "1–5 rate · t edit tags · n write a note · / search"
)


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
        self._paper: PaperDetail | None = None
        self._point_size = self.font().pointSize()
        if self._point_size <= 0:  # a pixel-sized font
            self._point_size = DEFAULT_POINT_SIZE
        self._renderer = MarkdownRenderer(self)
        self._renderer.rendered.connect(self._on_rendered)
        self._waiting: dict[int, Callable[[str | None], None]] = {}
        self._card_tokens: list[int] = []

        self._stack = QStackedLayout(self)
        self._empty = self._build_empty_state()
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("detailBody")
        # The pane is as wide as the view, never as its widest line: an unbreakable 4000-character
        # run (a bracket bomb) made the body 18,700 px wide and every relayout that much slower.
        self.body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        self.fetched_label = plain_label(muted=True)  # categories, version, journal; why unresolved
        self.fetched_label.setObjectName("fetchedFacts")
        layout.addWidget(self.title_label)
        layout.addWidget(self.authors_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.fetched_label)
        self.key_field = CitationKeyField(self.body)  # its key_requested: main_window wires it
        layout.addWidget(self.key_field)
        layout.addSpacing(4)
        layout.addWidget(self._build_actions())
        self._headings: list[QLabel] = []
        layout.addSpacing(6)
        layout.addWidget(self._heading("Tags"))
        self.tag_editor = TagEditor(self.body)
        self.tag_editor.tags_changed.connect(self._on_tags_changed)
        layout.addWidget(self.tag_editor)
        layout.addSpacing(6)
        self.note = NoteSection(self.body, self._render_markdown, self._drop)
        self.note.note_requested.connect(self.note_requested)
        self.note.finished.connect(self.note_finished)
        self.note_editor, self.note_preview, self.note_toggle = self.note.editor, self.note.preview, self.note.toggle
        self.note_placeholder, self.note_format_hint = self.note.placeholder, self.note.format_hint
        note_header = QHBoxLayout()
        note_header.addWidget(self._heading("Note"))
        note_header.addStretch(1)
        note_header.addWidget(self.note_toggle)
        layout.addLayout(note_header)
        layout.addWidget(self.note.stack)
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
        self.related = RelatedSection(self.body, layout)
        self.related.activated.connect(self.paper_activated)
        self.related_status = self.related.status
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

    # -- public API -----------------------------------------------------------------
    def paper_id(self) -> int | None:
        return self._paper.id if self._paper else None

    def show_paper(self, paper: PaperDetail | None) -> None:
        """Show a Library.get_paper() record, or the empty state for None."""
        same = paper is not None and self._paper is not None and paper.id == self._paper.id
        if not same:
            self.flush_note()
        previous = self._paper
        self._paper = paper
        if paper is None:
            self.note.clear()
            self._stack.setCurrentWidget(self._empty)
            return
        self._stack.setCurrentWidget(self._scroll)
        self._show_facts(paper)
        self.key_field.show_paper(paper)
        self._show_links(paper.links)
        self._show_user_state(paper)
        self.note.show(paper.id, paper.note or "", same)
        self._show_texts(paper)
        if not (same and previous and previous.sightings == paper.sightings):
            self._show_sightings(paper)
        if not same:
            self.show_related(paper.id, None)
            self.related_requested.emit(paper.id)
        self._apply_body_font()
        if not same:
            self._scroll.verticalScrollBar().setValue(0)

    def show_related(self, paper_id: int, items: list[PaperRow] | None) -> None:
        """List the related papers (rows) of paper_id, or "Finding related papers…" for None.
        A late answer for a paper no longer shown is ignored."""
        if self.paper_id() != paper_id:
            return
        self.related.show(items, self.palette().color(QPalette.ColorRole.PlaceholderText).name())
        if items is not None:
            self._apply_body_font()

    def related_ids(self) -> list[int]:
        """Ids of the related papers listed, in order."""
        return self.related.ids()

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
        url = self._paper.links.get(kind)
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
        return self.note.is_editing()

    def set_note_editing(self, editing: bool) -> None:
        self.note.set_editing(editing)

    def flush_note(self) -> None:
        """Emit note_requested for unsaved note text, if it differs from the stored note."""
        self.note.flush()

    # -- filling the view -----------------------------------------------------------
    def _show_facts(self, paper: PaperDetail) -> None:
        self.title_label.setText(clip(paper.title or "Untitled", MAX_LINE_CHARS))
        authors = paper.authors
        self.authors_label.setText(clip(", ".join(authors), MAX_LINE_CHARS) if authors else "Authors unknown")
        self.authors_label.setForegroundRole(
            QPalette.ColorRole.WindowText if authors else QPalette.ColorRole.PlaceholderText
        )
        meta = []
        if paper.published:
            meta.append(f"Published {paper.published}")
        if paper.arxiv_id:
            meta.append(f"arXiv:{paper.arxiv_id}")
        if paper.doi:
            meta.append(f"DOI {paper.doi}")
        self.meta_label.setText(clip(" · ".join(meta), MAX_LINE_CHARS) or "No date or identifier given")
        fetched = "\n".join(clip(f"{label}: {text}", MAX_LINE_CHARS) for label, text in fetched_facts(paper))
        self.fetched_label.setText(fetched)
        self.fetched_label.setVisible(bool(fetched))

    def _show_links(self, links: dict[str, str | None]) -> None:
        for kind, button in self.link_buttons.items():
            url = links.get(kind)
            usable = bool(url) and is_safe_url(url)
            button.setEnabled(usable)
            if usable:
                button.setToolTip(f"Open {url} in the browser")
            else:
                button.setToolTip(f"No {LINK_KINDS[kind].lower()} link for this paper")

    def _show_user_state(self, paper: PaperDetail) -> None:
        read = paper.read
        self.read_button.setChecked(read)
        self._label_read_button(read)
        self.star_rating.set_rating(paper.rating or 0)
        self.tag_editor.set_tags(list(paper.tags))

    def _label_read_button(self, read: bool) -> None:
        self.read_button.setText("Read" if read else "Unread")
        self.read_button.setIcon(icons.icon("read" if read else "unread"))
        self.read_button.setToolTip("Mark as unread" if read else "Mark as read")
        self.read_button.setAccessibleName("Read" if read else "Unread")

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

    def _show_texts(self, paper: PaperDetail) -> None:
        abstract = (paper.abstract or "").strip()
        self.abstract_label.setText(clip(abstract, MAX_TEXT_CHARS) or "No abstract in the digests that mention it.")
        self.abstract_label.setForegroundRole(
            QPalette.ColorRole.WindowText if abstract else QPalette.ColorRole.PlaceholderText
        )
        translation = (paper.translation or "").strip()
        self.translation_label.setText(clip(translation, MAX_TEXT_CHARS))
        self.translation.setVisible(bool(translation))

    def _show_sightings(self, paper: PaperDetail) -> None:
        self._drop(self._card_tokens)
        while self.sightings_box.count():
            item = self.sightings_box.takeAt(0)
            card = item.widget()
            if card is not None:
                card.hide()  # gone from the view now, not at the next event loop turn
                card.setParent(None)
                card.deleteLater()
        sightings = paper.sightings
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
        self.read_requested.emit(self._paper.id, bool(checked))

    def _on_rating_changed(self, rating: int) -> None:
        if self._paper is not None:
            self.rating_requested.emit(self._paper.id, int(rating))

    def _on_tags_changed(self, tags: list) -> None:
        if self._paper is not None:
            self.tags_requested.emit(self._paper.id, list(tags))

    @staticmethod
    def _scaled(base: QFont, factor: float, bold: bool = False) -> QFont:
        font = QFont(base)
        font.setPointSizeF(base.pointSizeF() * factor)
        font.setBold(bold)
        return font

"""Related papers in the detail pane: the list of them, and the lookup on the worker where the reader stops."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reader.gui.plain import MAX_LINE_CHARS, clip, plain_tooltip
from reader.gui.sighting_card import BROWSABLE, plain_label
from reader.store.records import PaperRow

if TYPE_CHECKING:
    from reader.gui.detail_view import DetailView
    from reader.store import Library

RELATED_DELAY_MS = 150  # moving through the list with j/k asks only for where one stops
RELATED_LIMIT = 10


def related_html(item: PaperRow, muted: str) -> str:
    """One related paper as a link (its title) followed by first author and year, escaped."""
    title = html.escape(clip(item.title or "(untitled)", MAX_LINE_CHARS))
    details = []
    if item.first_author:
        details.append(html.escape(item.first_author) + (" et al." if item.authors_count > 1 else ""))
    if item.published:
        details.append(html.escape(item.published[:4]))
    suffix = f' <span style="color:{muted}">— {", ".join(details)}</span>' if details else ""
    return f'<a href="paper:{item.id}">{title}</a>{suffix}'


class RelatedSection(QObject):
    """The detail pane's "Related in your library": a status line and one link per paper."""

    activated = Signal(int)  # paper_id of a related paper the user clicked

    def __init__(self, body: QWidget, layout: QVBoxLayout) -> None:
        super().__init__(body)
        self.body = body
        self.status = plain_label(muted=True)
        layout.addWidget(self.status)
        self.box = QVBoxLayout()
        self.box.setSpacing(6)
        layout.addLayout(self.box)
        self.labels: list[QLabel] = []

    def show(self, items: list[PaperRow] | None, muted: str) -> None:
        """The related rows, or "Finding related papers…" for None."""
        self.clear()
        if items is None:
            self.status.setText("Finding related papers…")
            self.status.show()
            return
        self.status.setText("No similar papers in your library yet.")
        self.status.setVisible(not items)
        for item in items:
            label = QLabel(self.body)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setOpenExternalLinks(False)
            label.setTextInteractionFlags(BROWSABLE)
            label.setText(related_html(item, muted))
            label.setToolTip(plain_tooltip(item.title or ""))
            label.setProperty("paper_id", int(item.id))
            label.linkActivated.connect(self._on_link)
            self.box.addWidget(label)
            self.labels.append(label)

    def ids(self) -> list[int]:
        return [int(label.property("paper_id")) for label in self.labels]

    def clear(self) -> None:
        for label in self.labels:
            label.hide()
            label.setParent(None)
            label.deleteLater()
        self.labels = []

    def _on_link(self, link: str) -> None:
        if link.startswith("paper:"):
            self.activated.emit(int(link.removeprefix("paper:")))


class RelatedPapers(QObject):
    """Answers the detail's related_requested, debounced, with rows read on the worker."""

    def __init__(self, detail: DetailView, worker: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.detail = detail
        self.worker = worker
        self.reader: Any = None  # a ReadThread: then related papers never queue user actions
        self._paper_id: int | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RELATED_DELAY_MS)
        self.timer.timeout.connect(self.find)
        detail.related_requested.connect(self.request)

    def request(self, paper_id: int) -> None:
        self._paper_id = paper_id
        self.timer.start()

    def find(self) -> None:
        """Ask the reader thread (else the worker; never the GUI thread) for the related papers
        of the paper shown."""
        paper_id = self._paper_id
        if paper_id is None or paper_id != self.detail.paper_id():
            return

        def job(lib: Library) -> list[PaperRow]:
            from reader.store import LibraryError

            try:
                return lib.rows_by_ids(lib.related(paper_id, limit=RELATED_LIMIT))
            except LibraryError:  # the paper vanished meanwhile: nothing to relate
                return []

        def done(rows: object) -> None:
            self.detail.show_related(paper_id, rows)

        if self.reader is not None:  # off the worker that applies read/rate/tag
            self.reader.submit("related", job, done)
        else:
            self.worker.submit(job, done=done, notify=False)

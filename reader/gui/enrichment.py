"""Fetching details in the app: the quiet offer bar, runs with progress and cancel, Add paper…, paste."""

from __future__ import annotations

import re
import threading
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.gui import commands
from reader.gui.events import DigestsImported
from reader.gui.triage import count_text
from reader.ingest.queue import Job, JobQueue

STATUS_MS = 8000
RECOUNT_MS = 200  # a burst of changes (an undo of many deletions) counts the papers once
# "Not now" remembers how many papers lacked details then: the bar comes back only for more.
DISMISSED_SETTING = "fetch_details_dismissed"
_TOKEN_RE = re.compile(r"[\s,;]+")


def identifiers_in(text: str) -> tuple[list[str], list[str]]:
    """(what reads as an arXiv id, DOI or paper URL, the rest) of pasted or typed text."""
    from reader.enrich.resolve import parse_identifier

    good, bad = [], []
    for token in (t for t in _TOKEN_RE.split(text.strip()) if t):
        try:
            parse_identifier(token)
        except ValueError:
            bad.append(token)
        else:
            good.append(token)
    return list(dict.fromkeys(good)), bad


class FetchBar(QFrame):
    """The quiet offer above the list: "Fetch details for N papers from arXiv"."""

    fetch_now = Signal()
    always = Signal()
    not_now = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fetchBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        self.buttons = {}
        for name, text, signal in (("fetch", "Fetch now", self.fetch_now),
                                   ("always", "Always for new imports", self.always),
                                   ("later", "Not now", self.not_now)):
            button = QPushButton(text, self)
            button.setObjectName(f"fetchBar_{name}")
            button.clicked.connect(signal.emit)
            layout.addWidget(button)
            self.buttons[name] = button
        self.count = 0
        self.hide()

    def offer(self, count: int) -> None:
        self.count = count
        lack = "It lacks" if count == 1 else "They lack"
        self.label.setText(f"Fetch details for {count_text(count)} from arXiv? "
                           f"{lack} authors, dates or abstracts.")
        self.setToolTip("The papers' ids and titles are sent to export.arxiv.org (and DOIs to "
                        "api.crossref.org); nothing else leaves this computer.")
        self.show()


class AddPaperDialog(QDialog):
    """Ids or URLs, one or several, typed or pasted."""

    def __init__(self, parent: QWidget | None = None, text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Add paper")
        self.setMinimumWidth(460)  # the hint in three lines, not six
        hint = QLabel("An arXiv id or URL, a DOI or doi.org URL, or a Hugging Face or alphaXiv papers URL; "
                      "several, one per line. Their details come from arXiv or Crossref.", self)
        hint.setWordWrap(True)
        self.edit = QPlainTextEdit(text, self)
        self.edit.setObjectName("addPaperText")
        self.edit.setPlaceholderText("2401.00001\nhttps://huggingface.co/papers/2401.00001\n10.1038/…")
        self.error = QLabel(self)
        self.error.setObjectName("addPaperError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (hint, self.edit, self.error, buttons):
            layout.addWidget(widget)
        self.identifiers: list[str] = []

    def accept(self) -> None:
        good, bad = identifiers_in(self.edit.toPlainText())
        if bad or not good:
            shown = ", ".join(bad[:3]) if bad else "nothing"
            self.error.setText(f"Not an arXiv id, DOI or paper URL: {shown}")
            self.error.show()
            return
        self.identifiers = good
        super().accept()


class _Bridge(QObject):
    """Carries the fetch thread's finished jobs to the GUI thread."""

    finished = Signal(object)


class Enrichment(QObject):
    """Runs plan and apply on the library worker and the requests on a queue of their own,
    so a slow API never holds up the user's own changes."""

    def __init__(self, window: QMainWindow, library: Any, worker: Any, papers: Any, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window, self.library, self.worker, self.papers = window, library, worker, papers
        self.undo_stack = undo_stack
        self.run: Any = None
        self.pending = 0
        self._closed = False  # the writes landing as the window closes must start no recount
        self._bridge = _Bridge(self)
        self._bridge.finished.connect(self._on_fetched, Qt.ConnectionType.QueuedConnection)
        self.queue = JobQueue(None, on_finished=self._bridge.finished.emit, name="enrich-requests")
        self.queue.start()
        self.bar = FetchBar(window)
        self.bar.fetch_now.connect(lambda: self.start())
        self.bar.always.connect(self._always)
        self.bar.not_now.connect(self._not_now)
        window.list_panel.layout().insertWidget(1, self.bar)
        self.progress = QWidget(window)
        self.progress_label = QLabel(self.progress)
        self.cancel_button = QPushButton("Cancel", self.progress)
        self.cancel_button.setObjectName("cancelFetch")
        self.cancel_button.setFlat(True)
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self.progress)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress_label)
        row.addWidget(self.cancel_button)
        window.statusBar().addPermanentWidget(self.progress)
        self.progress.hide()
        window.imports.digests_imported.connect(self._on_imported)
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self.refresh_offer)
        worker.changed.connect(self._on_library_changed)
        # Another program's import may bring papers lacking details, whether the bar shows or not.
        window.papers.external_change.connect(self._recount.start)
        window.table.installEventFilter(self)
        self._first_offer = QTimer(self)  # once the window's actions exist; stopped if it closes first
        self._first_offer.setSingleShot(True)
        self._first_offer.timeout.connect(self.refresh_offer)
        self._first_offer.start(0)

    def _status(self, message: str, timeout: int = STATUS_MS) -> None:
        self.window.statusBar().showMessage(message, timeout)

    # --- the offer -------------------------------------------------------------------------

    def refresh_offer(self, start_if_automatic: bool = False) -> None:
        from reader.config import fetch_setting

        def read(lib: Any) -> tuple[str, int, int]:
            return fetch_setting(lib), lib.enrichment.lacking_count(), int(lib.get_setting(DISMISSED_SETTING, 0) or 0)

        self.worker.submit(read, done=lambda found: self._offer(*found, start_if_automatic), notify=False)

    def _offer(self, setting: str, lacking: int, dismissed: int, start_if_automatic: bool) -> None:
        try:
            self.window.action(f"fetch_{setting}").setChecked(True)
        except (AttributeError, KeyError):  # before the window built its actions
            pass
        if setting == "automatic" and start_if_automatic and lacking and self.run is None:
            self.start()
        if setting == "ask" and lacking > dismissed and self.run is None:
            self.bar.offer(lacking)
        else:
            self.bar.hide()

    def _always(self) -> None:
        self.set_fetch_setting("automatic")
        self.start()

    def _not_now(self) -> None:
        count = self.bar.count
        self.bar.hide()
        self.worker.submit(lambda lib: lib.set_setting(DISMISSED_SETTING, count), notify=False)

    def set_fetch_setting(self, mode: str) -> None:
        from reader.config import FETCH_SETTING

        self.worker.submit(lambda lib: lib.set_setting(FETCH_SETTING, mode), notify=False)
        if mode != "ask":
            self.bar.hide()

    def _on_imported(self, change: DigestsImported) -> None:
        # Every batch: one that only merges into known papers can complete some of them.
        new = any(getattr(result, "new", 0) for result in change.results)
        self.refresh_offer(start_if_automatic=new)

    def _on_library_changed(self, ids: set[int]) -> None:
        """Papers left or joined (a deletion, its undo, a merge): the count shown may be wrong.
        Changes of user state (ids given) never change what a paper lacks."""
        if not ids and not self.bar.isHidden() and not self._closed:
            self._recount.start()

    # --- runs ------------------------------------------------------------------------------

    def fetch_missing(self) -> None:
        self.start()

    def fetch_selected(self) -> None:
        ids = self.papers.selected_ids()
        if ids:
            self.start(ids=ids, refresh=True)

    def start(self, ids: list[int] | None = None, refresh: bool = False) -> None:
        """Fetch details for `ids`, or every paper never tried or unresolved."""
        from reader.enrich.job import EnrichRun, library_clients

        if self.run is not None:
            self._status("Already fetching details.")
            return
        self.bar.hide()
        cancel = threading.Event()

        def plan(lib: Any) -> tuple[Any, Any]:
            try:
                run = EnrichRun(library_clients(lib, cancel))
                return run, run.plan(lib, ids=ids, refresh=refresh)
            except Exception as error:  # a bad setting or variable: told, and the run ends
                return None, str(error)

        self.run = True  # taken: a second click waits for this one
        self._show_progress("Fetching details…")
        self.worker.submit(plan, done=self._planned, notify=False)

    def _planned(self, planned: tuple[Any, Any]) -> None:
        self.run, batches = planned
        if self.run is None:
            self._status(f"Could not fetch details: {batches}")
            self._end()
            return
        self.pending = len(batches)
        if not batches:
            self._status("Every paper has its details already (or was tried).")
            self._end()
            return
        self._show_progress(f"Fetching details 0/{self.run.report.total}…")
        for batch in batches:
            self.queue.submit(lambda _none, b=batch, run=self.run: run.fetch(b), context=("fetch", self.run, batch))

    def _on_fetched(self, job: Job) -> None:
        kind, run = job.context[0], job.context[1]
        if kind == "add":
            self._on_looked_up(job)
            return
        fetched = job.result
        if fetched is None:  # a bug in fetch, not a network failure: the batch is kept for later
            from reader.enrich.job import Fetched

            fetched = Fetched(job.context[2], error=str(job.error))
        self.worker.submit(lambda lib: run.apply(lib, fetched), done=self._applied, notify=False)

    def _applied(self, _result: object) -> None:
        self.pending -= 1
        if self.run is None or isinstance(self.run, bool):
            return
        report = self.run.report
        if self.pending > 0:
            self._show_progress(f"Fetching details {self.run.done}/{report.total}…")
            return
        if report.merges:
            label = f"Merge {count_text(report.merged, 'duplicate paper')} found by fetching details"
            self.undo_stack.push(commands.MergeCommand(self.worker, report.merges, label))
        self._status(report.summary() + (" Ctrl+Z undoes the merges." if report.merges else ""), STATUS_MS * 2)
        self._end()
        self.worker.submit(lambda _lib: None)  # no ids: the list is read again, once
        self.refresh_offer()

    def cancel(self) -> None:
        if self.run is not None and not isinstance(self.run, bool):
            self.run.cancel.set()
            self._show_progress("Cancelling…")

    def _show_progress(self, text: str) -> None:
        self.progress_label.setText(text)
        self.cancel_button.setVisible(not isinstance(self.run, bool) and self.run is not None)
        self.progress.show()

    def _end(self) -> None:
        self.run = None
        self.pending = 0
        self.progress.hide()

    def running(self) -> bool:
        return self.run is not None

    # --- Add paper…, paste -----------------------------------------------------------------

    def add_paper_dialog(self) -> None:
        dialog = AddPaperDialog(self.window)
        if dialog.exec():
            self.add(dialog.identifiers)

    def paste(self) -> None:
        good, _bad = identifiers_in(QGuiApplication.clipboard().text())
        if not good:
            self._status("The clipboard holds no arXiv id, DOI or paper URL to add.")
            return
        self.add(good)

    def add(self, texts: list[str]) -> None:
        """Look each identifier up (on the request queue), then store it (on the worker)."""
        from reader.enrich.job import library_clients, lookup

        clients = library_clients(self.library)
        self._status(f"Adding {count_text(len(texts))}…", 0)
        for text in texts:
            self.queue.submit(lambda _none, t=text: lookup(t, clients), context=("add", None, text))

    def _on_looked_up(self, job: Job) -> None:
        text = job.context[2]
        if job.error is not None:
            self._status(f"Could not add {text}: {job.error}")
            return
        from reader.enrich.job import store_added_undoably

        identifier, record = job.result
        self.worker.submit(lambda lib: store_added_undoably(lib, text, identifier, record),
                           done=lambda stored: self._added(*stored, record))

    def _added(self, result: Any, before: dict | None, record: Any) -> None:
        if result.status != "unchanged":  # Edit › Undo takes it out again
            self.undo_stack.push(commands.AddPaperCommand(self.worker, result, before, record))
        verb = {"added": "Added", "updated": "Completed", "unchanged": "Already in the library:"}[result.status]
        self._status(f"{verb} “{commands.short_title(result.title)}”")
        self.papers.reveal(result.paper_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        # Ctrl+V in the list adds the papers on the clipboard; elsewhere it pastes as usual.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return True
        return super().eventFilter(watched, event)

    def shutdown(self) -> None:
        self._closed = True
        self._first_offer.stop()
        self._recount.stop()
        self.cancel()
        self.queue.stop(timeout=2)

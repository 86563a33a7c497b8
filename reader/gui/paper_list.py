"""The paper list's controller: it owns query, sort, current paper, selection and reloads."""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from reader.gui.events import Change, PapersChanged
from reader.gui.library_protocol import LibraryView
from reader.gui.paper_model import COL_TITLE, PaperTableModel
from reader.gui.paper_table import PaperTableView
from reader.gui.search_box import SearchBox
from reader.gui.sidebar import Sidebar
from reader.store import QueryError, Search
from reader.store.search import join_texts

MARK_READ_DELAY_MS = 2000
SIGHTING_SORTS = ("position", "score")  # library sort keys that follow a digest's own order
EXTERNAL_POLL_MS = 2000  # how often to look for writes by the CLI (one cheap PRAGMA)
# A typed search reads this many rows first, more than a tall window shows (the rest of the
# page follows as the list is scrolled): at 1M papers a rare word's or filter's matches lie
# far apart, and each row read can be a page read of its own.
FIRST_ROWS = 80
RESTORE_ROWS = 1000  # after a filter or sort, the paper read stays selected within this many rows:
# further down, loading every row up to it (25 µs each) would slow the change, so the list starts at the top


class PaperListController(QObject):
    """What the list shows and which paper is current: the sidebar's query AND the search box's,
    the sort, the selection (Ctrl+A's whole query included), reloads and others' writes."""

    current_changed = Signal(object)  # the paper to show in the detail (id or None)
    empty_hint = Signal(str)  # why the list is empty
    message = Signal(str)  # for the status bar
    count_changed = Signal(str)  # "120 papers · 3 selected"
    reloaded = Signal()  # the list was re-read (the window may swap in the welcome page)
    external_change = Signal()  # another program wrote to the library
    read_due = Signal(int)  # the current paper was shown long enough to count as read

    def __init__(
        self, library: LibraryView, worker: Any, sidebar: Sidebar, search_box: SearchBox, settings: QSettings,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.worker = worker
        self.sidebar = sidebar
        self.search_box = search_box
        self.settings = settings
        self.model = PaperTableModel(library, parent)
        self.view = PaperTableView(self.model, parent)
        self._sidebar_query = ""
        self._search_text = ""
        # Each text parsed once, when it changes (None: not yet, or it did not parse).
        self._sidebar_search: Search | None = Search()
        self._search: Search | None = Search()
        self._query = Search()  # what the list shows: the two joined as nodes
        self._current_id: int | None = None
        self._current_before_reset: int | None = None
        self._row_after_removal: int | None = None
        self._auto_order = False
        self._all_selected_query: str | None = None  # Ctrl+A: every paper of this query
        self.reader: Any = None  # a ReadThread: searches typed in the box run there
        self._background = BackgroundSearch(self)
        self._list_first = False  # True while a typed search's result is being shown
        self._detail = DetailAfterList(self)
        self._mark_read_timer = QTimer(self)
        self._mark_read_timer.setSingleShot(True)
        self._mark_read_timer.setInterval(MARK_READ_DELAY_MS)
        self._mark_read_timer.timeout.connect(self._mark_current_read)
        self._data_version = self._read_data_version()
        self._external_timer = QTimer(self)
        self._external_timer.setInterval(EXTERNAL_POLL_MS)
        self._external_timer.timeout.connect(self.check_external_changes)
        self._connect()

    def _connect(self) -> None:
        self.sidebar.query_selected.connect(self._on_sidebar_query)
        self.search_box.query_changed.connect(self._on_search_text)
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row)
        selection.selectionChanged.connect(lambda *_: self.update_count())
        self.model.modelReset.connect(self.update_count)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        # Connected after the view's own sorting slot, so this runs once the rows are re-read.
        self.view.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._restore_current())
        self.model.rowsInserted.connect(self._extend_whole_selection)  # before the count
        self.model.rowsInserted.connect(lambda *_: self.update_count())

    def start(self, last_paper: Any) -> None:
        """Select the paper read last time (else the first) and start watching for others' writes."""
        self._restore_selection(last_paper)
        self._external_timer.start()

    def stop(self) -> None:
        self._external_timer.stop()
        self._mark_read_timer.stop()
        if self.reader is not None:
            self.reader.stop()

    # --- the query and the sort ---------------------------------------------------------

    def current_query(self) -> str:
        """The text of the sidebar's query AND the search box's, for people."""
        return join_texts(self._sidebar_query, self._search_text)

    def current_search(self) -> Search:
        """What the list shows, parsed: pass it to the library as it is."""
        return self._query

    def search_text(self) -> str:
        return self._search_text

    @Slot(str)
    def _on_sidebar_query(self, query: str) -> None:
        self._sidebar_query = query
        self._sidebar_search = None
        self._follow_digest_order()
        # Read on the reader thread like a typed search: counting "Rated" or a big tag
        # took up to half a second on the GUI thread at 1M papers.
        self._apply_query(in_background=self.reader is not None)

    def _follow_digest_order(self) -> None:
        """A digest lists its papers in its own order (column sorts give way); leaving it,
        the list goes back to newest first, unless the user picked an order himself."""
        in_digest = self.sidebar.current_key().startswith("digest:")
        if in_digest and self.model.default_sort()[0] not in SIGHTING_SORTS:
            self._sort_by_default("position", False)
            self._auto_order = True
        elif in_digest and self.view.horizontalHeader().sortIndicatorSection() >= 0:
            self._sort_by_default(*self.model.default_sort())
        elif not in_digest and self._auto_order:
            self._sort_by_default("added", True)
            self._auto_order = False

    def _sort_by_default(self, key: str, descending: bool) -> None:
        """Sort by `key` with no column header sorted; the caller re-reads the rows."""
        self.model.set_default_sort(key, descending, reload=False)
        header = self.view.horizontalHeader()
        header.blockSignals(True)  # the view would re-sort the model right away
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        header.viewport().update()

    def set_list_order(self, key: str, descending: bool) -> None:
        """View › Sort the list: by date added, or by place or score in the digest."""
        self._auto_order = False
        self._sort_by_default(key, descending)
        self.model.sort(-1, Qt.SortOrder.DescendingOrder)
        self._restore_current()

    def use_reader(self, reader: Any) -> None:
        """Run the searches typed in the box on `reader` (a ReadThread), off the GUI thread."""
        self.reader = reader

    @Slot(str)
    def _on_search_text(self, text: str) -> None:
        self._search_text = text
        self._search = None
        self._apply_query(in_background=self.reader is not None)

    def _apply_query(self, in_background: bool = False) -> None:
        """Parse what changed, once, and show the sidebar's search AND the search box's:
        at once, or (typing) counted and read on the reader thread, the latest query winning."""
        if self.reader is not None:  # this query replaces any search still running
            self.reader.cancel("search")
            self.reader.cancel("count")
            self._detail.hold()
        self._background.pending = False
        try:
            if self._search is None:  # first: an error names the user's own text
                self._search = Search.parse(self._search_text)
            if self._sidebar_search is None:
                self._sidebar_search = Search.parse(self._sidebar_query)
            query = self._sidebar_search.and_(self._search)
            if in_background:
                self._search_in_background(query)
                return
            self.model.set_query(query)
        except QueryError as exc:
            self.search_box.show_error(str(exc))
            self._detail.resume()  # the list stays: so does what its detail was to show
            return
        self._show_query(query)

    def _show_query(self, query: Search) -> None:
        self._query = query
        self.search_box.clear_error()
        self._restore_current()  # the paper being read stays selected if still listed

    def _search_in_background(self, query: Search) -> None:
        self._background.run(query)

    def searching(self) -> bool:
        """Whether a typed search is still being read on the reader thread."""
        return self._background.pending

    def reveal(self, paper_id: int) -> None:
        """Select a paper (a related one); clear the filter if it hides it."""
        if self.select_paper(paper_id):
            return
        self.search_box.clear_silently()
        self.search_box.clear_error()
        self.sidebar.select_silently("smart:All")
        self._search_text = self._sidebar_query = ""
        self._query = self._search = self._sidebar_search = Search()
        self.model.set_query(self._query)
        if self.select_paper(paper_id):
            self.message.emit("Cleared the filter to show the related paper.")
            return
        self.view.clearSelection()  # too far down the list to load: show it on its own
        self.show_paper(paper_id)

    # --- the current paper ----------------------------------------------------------------

    def _remember_current(self) -> None:
        self._current_before_reset = self._current_id

    def _restore_current(self) -> None:
        """Keep the paper one was reading selected when the order changes."""
        remembered = self._current_before_reset
        if remembered is None or not self.select_paper(remembered, limit=RESTORE_ROWS):
            self._select_first_if_none()

    def _select_first_if_none(self) -> None:
        if self.model.rowCount() > 0:
            self.view.select_row(0)
            return
        failure = self.sidebar.current_failure()  # a failed digest: say why it has no papers
        query = self.current_query()
        if failure:
            self.empty_hint.emit(failure)
            self.message.emit(failure.split("\n", 1)[0])  # a list of files is for the pane, not the status bar
        elif query:
            self.empty_hint.emit(f"No papers match “{query}”.")
        self.show_paper(None)

    def _restore_selection(self, last: Any) -> None:
        if last is not None:
            try:
                if self.select_paper(int(last)):
                    return
            except (TypeError, ValueError):
                pass
        self._select_first_if_none()

    def current_paper_id(self) -> int | None:
        return self._current_id

    def select_paper(self, paper_id: int, limit: int = 5000) -> bool:
        """Select paper_id if it is among the first `limit` rows of the list."""
        row = self.model.fetch_until(paper_id, limit=limit)
        if row < 0:
            return False
        self.view.select_row(row, center=True)
        return True

    def show_paper(self, paper_id: int | None) -> None:
        self._current_id = paper_id
        if self._list_first:
            self._detail.follow(paper_id)
            return
        self._detail.cancel()
        self.current_changed.emit(paper_id)

    def _on_current_row(self, current, _previous) -> None:
        paper_id = self.model.paper_id(current.row()) if current.isValid() else None
        if paper_id == self._current_id:
            return
        self.show_paper(paper_id)
        self._mark_read_timer.stop()
        if paper_id is not None and self.mark_read_on_select():
            self._mark_read_timer.start()

    def mark_read_on_select(self) -> bool:
        return as_bool(self.settings.value("reading/markReadAfterDelay", False))

    def _mark_current_read(self) -> None:
        row = self.model.row_of(self._current_id) if self._current_id is not None else -1
        paper = self.model.paper_row(row)
        if paper is not None and not paper.read:
            self.read_due.emit(paper.id)

    def next_unread(self) -> None:
        row = self.view.currentIndex().row() + 1
        while True:
            while row < self.model.rowCount():
                paper = self.model.paper_row(row)
                if paper is not None and not paper.read:
                    self.view.select_row(row)
                    return
                row += 1
            if not self.model.canFetchMore():
                break
            self.model.fetchMore()
        self.message.emit("No more unread papers below.")

    # --- the selection --------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        if self.whole_query_selected():
            return self.library.paper_ids(
                self._query, sort=self.model.sort_key(), descending=self.model.descending()
            )
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        ids = [self.model.paper_id(row) for row in rows]
        ids = [paper_id for paper_id in ids if paper_id is not None]
        if not ids and self._current_id is not None:
            ids = [self._current_id]
        return ids

    def row_tags(self, paper_id: int) -> list[str]:
        row = self.model.paper_row(self.model.row_of(paper_id))
        return list(row.tags or []) if row is not None else []

    def remember_row_for_removal(self) -> None:
        """Papers about to leave the list: the one below them becomes current."""
        rows = [index.row() for index in self.view.selectionModel().selectedRows()]
        self._row_after_removal = min(rows) if rows else self.view.currentIndex().row()

    def select_all(self) -> None:
        """In a text field, its text; otherwise every paper of the query, loaded or not."""
        focus = QApplication.focusWidget()
        if isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
            focus.selectAll()
            return
        self.view.selectAll()
        self._all_selected_query = self.current_query()
        self.update_count()

    def whole_query_selected(self, loaded: int | None = None) -> bool:
        """Whether Ctrl+A's "every paper of the query" still holds: same query, and every
        loaded row (the first `loaded` ones) still selected."""
        if self._all_selected_query is None or self._all_selected_query != self.current_query():
            return False
        loaded = self.model.rowCount() if loaded is None else loaded
        return loaded > 0 and len(self.view.selectionModel().selectedRows()) >= loaded

    def _extend_whole_selection(self, _parent: Any, first: int, last: int) -> None:
        """Rows loaded later (scrolling, or re-read) join a select-all selection."""
        if first > 0 and not self.whole_query_selected(loaded=first):
            return
        if self._all_selected_query != self.current_query():
            return
        block = QItemSelection(self.model.index(first, 0), self.model.index(last, self.model.columnCount() - 1))
        self.view.selectionModel().select(block, QItemSelectionModel.SelectionFlag.Select)

    def update_count(self) -> None:
        whole = self.whole_query_selected()
        rows = 0 if whole else len(self.view.selectionModel().selectedRows())
        self.count_changed.emit(list_count_text(self.model, whole, rows))

    # --- changes ------------------------------------------------------------------------

    def apply_change(self, change: Change) -> None:
        """Refresh for one typed change: rows in place for state, one reload otherwise."""
        if isinstance(change, PapersChanged):
            self.model.refresh_ids(change.ids)
            if self._current_id in change.ids:
                self.show_paper(self._current_id)
        else:
            self.reload_list()
        self._absorb_own_writes()  # the list shows them now

    def reload_list(self) -> None:
        """Re-read the list (after imports) keeping selection, current paper and scroll."""
        whole = self.whole_query_selected()
        selected = set() if whole else set(self.selected_ids())
        current = self._current_id
        scroll = self.view.verticalScrollBar().value()
        self.model.reload()
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        if whole and self.model.rowCount():
            self._extend_whole_selection(None, 0, self.model.rowCount() - 1)
        for paper_id in selected:
            row = self.model.row_of(paper_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:
            selection.setCurrentIndex(self.model.index(row, COL_TITLE), selection.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.view.verticalScrollBar().setValue(scroll)
        self.reloaded.emit()
        removed_row, self._row_after_removal = self._row_after_removal, None
        if row < 0 and removed_row is not None and removed_row >= 0 and self.model.rowCount():
            self._current_id = None
            self.view.select_row(min(removed_row, self.model.rowCount() - 1))
        elif row < 0:
            self._current_id = None
            self._select_first_if_none()
        else:
            self.show_paper(current)

    # --- changes by other programs (the CLI) ------------------------------------------------

    def _read_data_version(self) -> int | None:
        """SQLite's data_version on the read connection: it moves when another connection
        (the worker's, or the CLI's) commits."""
        try:
            return self.library.data_version()
        except sqlite3.Error:
            return None

    def _absorb_own_writes(self) -> None:
        """The views already show the worker's writes: remember the version they made."""
        self._data_version = self._read_data_version()

    def check_external_changes(self) -> bool:
        """Re-read the list, sidebar and detail when another program wrote to the library;
        whether it did. Waits while our own writes are still landing."""
        version = self._read_data_version()
        if version is None or version == self._data_version or self.worker.is_busy():
            return False
        self._data_version = version
        self.reload_list()
        self.external_change.emit()
        return True


def list_count_text(model: PaperTableModel, whole: bool, selected_rows: int) -> str:
    """"120 papers · 3 selected"; "200+ papers" while the reader thread still counts."""
    total = model.total()
    if not model.total_known():
        total = model.rowCount()
        text = f"{total:,}+ papers"
    else:
        text = f"{total:,} paper{'s' if total != 1 else ''}"
    selected = total if whole else min(selected_rows, total)
    if selected > 1:
        text += f" · {selected:,} selected"
    return text


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


class DetailAfterList:
    """While typed searches replace the list, the detail pane follows the list: its sighting
    cards and Markdown cost as much as the list's whole repaint, so it is filled once the
    results settle (SETTLE_MS after the last one), not for each paper a keystroke selects."""

    SETTLE_MS = 40

    def __init__(self, controller: PaperListController) -> None:
        self.controller = controller
        self.pending: int | None = None
        self.waiting = False
        self.timer = QTimer(controller)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.SETTLE_MS)
        self.timer.timeout.connect(self._show)

    def follow(self, paper_id: int | None) -> None:
        self.pending, self.waiting = paper_id, True
        self.timer.start()

    def hold(self) -> None:
        """A newer search is on its way: its result decides what the detail shows."""
        self.timer.stop()

    def resume(self) -> None:
        if self.waiting and not self.timer.isActive():
            self.timer.start()

    def cancel(self) -> None:
        self.timer.stop()
        self.waiting = False

    def _show(self) -> None:
        self.waiting = False
        if self.pending == self.controller.current_paper_id():
            self.controller.current_changed.emit(self.pending)


class BackgroundSearch:
    """A typed search counted and read on the reader thread; only the latest one is shown."""

    def __init__(self, controller: PaperListController) -> None:
        self.controller = controller
        self.pending = False
        self._ticket: object | None = None

    def run(self, query: Search) -> None:
        controller, model = self.controller, self.controller.model
        sort, descending, page = model.page_order()
        first = min(page, FIRST_ROWS)
        ticket = self._ticket = object()
        self.pending = True

        current = controller.current_paper_id()

        def job(lib: Any) -> tuple[int | None, list, list[int] | None]:
            # The rows first: the count of a common word can cost more than the page (the
            # store reads a text search's page without counting); it follows if need be.
            rows = lib.rows(query, sort=sort, descending=descending, limit=first)
            leading = None  # where the paper being read is, if further down: found here too
            if current is not None and all(row.id != current for row in rows):
                up_to = lib.ids_up_to(current, query, sort=sort, descending=descending,
                                      limit=RESTORE_ROWS, first_page=[row.id for row in rows])
                leading = (up_to, RESTORE_ROWS)  # [] : not among the first RESTORE_ROWS
            return lib.known_count(query), rows, leading

        def done(result: tuple[int, list]) -> None:
            if self._ticket is ticket:
                self.pending = False
            if model.page_order() != (sort, descending, page):
                controller._apply_query()  # the order changed meanwhile: read it here
                return
            total, rows, leading = result
            model.show_result(query, total, rows, leading if current == controller.current_paper_id() else None,
                              asked=first)
            controller._list_first = True
            try:
                controller._show_query(query)
            finally:
                controller._list_first = False
            controller._detail.resume()
            if not model.total_known():
                controller.view.after_next_paint(count)  # counting meanwhile slowed the repaint

        def count() -> None:
            if self._ticket is ticket and model.query == query.text and not model.total_known():
                controller.reader.submit("count", lambda lib: lib.count(query), counted)

        def counted(total: int) -> None:
            if model.set_total(query, total):
                controller.update_count()

        def failed(_error: BaseException) -> None:
            if self._ticket is ticket and self.pending:
                controller._apply_query()  # read it here, where an error reaches the search box

        controller.reader.submit("search", job, done, failed)


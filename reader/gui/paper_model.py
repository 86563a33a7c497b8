"""The paper list model: rows fetched lazily from SQL in pages, sorted and filtered in SQL."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from reader.gui.library_protocol import LibraryView
from reader.gui.plain import MAX_LINE_CHARS, clip, plain_tooltip
from reader.store import PaperRow, Search

PAGE_SIZE = 200
CACHED_PAGES = 32  # rows kept in memory: the pages read last (ids of every loaded row stay)

COL_READ, COL_TITLE, COL_AUTHOR, COL_DATE, COL_RATING, COL_TAGS, COL_SEEN = _COLUMNS = range(7)
HEADERS = ("", "Title", "Author", "Date", "Rating", "Tags", "Seen")
HEADER_TIPS = (
    "Read (● unread)",
    "Title",
    "First author",
    "Publication date",
    "Your rating",
    "Your tags",
    "Number of digests the paper was seen in",
)
# None: the column cannot be sorted (tags live in their own table).
SORT_KEYS: tuple[str | None, ...] = ("read", "title", "author", "published", "rating", None, "seen")
DEFAULT_SORT = "added"

PaperIdRole = Qt.ItemDataRole.UserRole + 1
UnreadRole = Qt.ItemDataRole.UserRole + 2

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_CENTERED = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

UNREAD_MARK = "●"
MISSING = "—"  # a field the digests did not give (daily-papers lists carry no authors or dates)
UNREAD_COLOR = QColor("#3d7be0")  # reads on light and dark backgrounds alike


def stars(rating: int | None) -> str:
    """'★★★☆☆' for 3, '' for no rating."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def author_text(row: PaperRow) -> str:
    name = row.first_author or ""
    if name and (row.authors_count or 0) > 1:
        return f"{name} et al."
    return name


def seen_text(row: PaperRow) -> str:
    return str(row.seen or 0)


def _display(row: PaperRow, column: int) -> str:
    if column == COL_READ:
        return "" if row.read else UNREAD_MARK
    if column == COL_TITLE:
        return clip(row.title, MAX_LINE_CHARS) or "(untitled)"
    if column == COL_AUTHOR:
        return clip(author_text(row), MAX_LINE_CHARS) or MISSING
    if column == COL_DATE:
        return row.published or MISSING
    if column == COL_RATING:
        return stars(row.rating)
    if column == COL_TAGS:
        return ", ".join(row.tags or ())
    if column == COL_SEEN:
        return seen_text(row)
    return ""


def column_alignment(column: int) -> int:
    return _CENTERED if column in (COL_READ, COL_SEEN) else _LEFT


def _foreground(row: PaperRow, column: int) -> QColor | None:
    """A cell's text colour: the unread mark's, a muted one for what the digests did not
    give, else None (the palette's)."""
    if column == COL_READ:
        return UNREAD_COLOR
    if _is_missing(row, column):
        return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    return None


def _is_missing(row: PaperRow, column: int) -> bool:
    return (column == COL_AUTHOR and not row.first_author) or (column == COL_DATE and not row.published)


class PaperTableModel(QAbstractTableModel):
    """Papers matching a query, in SQL order: the first page at once, later pages on demand,
    each found by seeking after the last loaded id (keyset paging). The ids of every loaded
    row stay (8 bytes each); the rows themselves are kept for the CACHED_PAGES pages read
    last and read again by id when scrolled back to, so memory stays flat."""

    def __init__(self, library: LibraryView, parent=None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self._library = library
        self._page_size = page_size
        self._search = Search()
        self._sort_column = -1
        self._order = Qt.SortOrder.DescendingOrder
        self._default_sort = (DEFAULT_SORT, True)  # (key, descending) with no column sorted
        self._ids = array("q")
        self._pages: OrderedDict[int, list[PaperRow | None]] = OrderedDict()
        self._texts: dict[int, tuple[PaperRow, tuple[str, ...]]] = {}  # display texts by id
        self._leading: tuple[list[int], int] | None = None  # see show_result()
        self._total = 0
        self._total_known = True
        self._bold = QFont()
        self._bold.setBold(True)
        self._total = self._count()
        self._append(self._fetch(0, page_size))

    # --- state -------------------------------------------------------------------------

    @property
    def query(self) -> str:
        """The query's text, as the user typed it."""
        return self._search.text

    @property
    def search(self) -> Search:
        return self._search

    def total(self) -> int:
        """How many papers match the query (loaded or not)."""
        return self._total

    def sort_key(self) -> str:
        key = SORT_KEYS[self._sort_column] if 0 <= self._sort_column < len(SORT_KEYS) else None
        return key or self._default_sort[0]

    def descending(self) -> bool:
        if self._sort_column < 0:
            return self._default_sort[1]
        return self._order == Qt.SortOrder.DescendingOrder

    def default_sort(self) -> tuple[str, bool]:
        return self._default_sort

    def set_default_sort(self, key: str, descending: bool, reload: bool = True) -> None:
        """The order when no column header is sorted, e.g. a digest's own order
        ("position"); reload=False when the caller re-reads the rows anyway."""
        if (key, descending) == self._default_sort:
            return
        self._default_sort = (key, descending)
        if reload and self._sort_column < 0:
            self.sort(-1, self._order)

    def set_query(self, query: Search | str) -> None:
        """Show papers matching query; text is parsed here (a bad one raises QueryError and
        keeps the rows), a Search is used as it is."""
        search = Search.of(query)  # validates before anything changes
        total = self._library.count(search)
        self.show_result(search, total, self._library.rows(
            search, sort=self.sort_key(), descending=self.descending(), limit=self._page_size))

    def show_result(self, search: Search, total: int | None, rows: list[PaperRow],
                    leading: tuple[list[int], int] | None = None, asked: int | None = None) -> None:
        """Show a query's first rows and its count, read here or on a reader thread; a
        count of None is not known yet (set_total() brings it): the list shows its rows
        first, as counting every match of a common word costs more than a page of them.
        `asked`: how many rows were read (the page size when None); fewer means no more."""
        self.beginResetModel()
        self._search = search
        self._clear_cache()
        self._append(rows)
        self._set_total(total, self._page_size if asked is None else asked)
        # (ids of the list down to the paper being read, how deep that was looked for):
        # read with the page on the reader thread, they spare fetch_until() its queries.
        self._leading = leading
        self.endResetModel()

    def total_known(self) -> bool:
        return self._total_known

    def set_total(self, search: Search, total: int) -> bool:
        """The count of `search`, counted after its rows were shown; whether it was taken
        (False: the list shows another query by now)."""
        if search != self._search:
            return False
        self._set_total(total)
        return True

    def exact_total(self) -> int:
        """How many papers match, counted now if the count is not known yet."""
        if not self._total_known:
            self._set_total(self._count())
        return self._total

    def _set_total(self, total: int | None, asked: int | None = None) -> None:
        loaded = len(self._ids)
        if total is None and loaded < (self._page_size if asked is None else asked):
            total = loaded  # a first page that is not full holds every match
        self._total_known = total is not None
        # Not known: at least one more than loaded, so that the view asks for the next page.
        self._total = loaded + 1 if total is None else max(total, loaded)

    def page_order(self) -> tuple[str, bool, int]:
        """(sort key, descending, page size): what a reader thread needs for a first page."""
        return self.sort_key(), self.descending(), self._page_size

    def reload(self) -> None:
        """Re-read the whole query (e.g. after imports); keeps as many rows loaded as before."""
        wanted = max(len(self._ids), self._page_size)
        self.beginResetModel()
        self._total = self._count()
        self._total_known = True
        self._clear_cache()
        if wanted <= self._page_size:
            self._append(self._fetch(0, wanted))
        else:  # the ids at once, the rows as they are shown
            self._ids.extend(self._library.paper_ids(
                self._search, sort=self.sort_key(), descending=self.descending(), limit=wanted))
        self.endResetModel()

    def refresh_ids(self, ids: Iterable[int]) -> list[int]:
        """Re-read the given papers in place (dataChanged only); returns the rows refreshed.
        Rows not in memory are read fresh when shown: only the cached ones are re-read."""
        wanted = set(ids)
        found: dict[int, int] = {}
        for page, rows in self._pages.items():
            base = page * self._page_size
            for offset, row in enumerate(rows):
                if row is not None and row.id in wanted:
                    found[row.id] = base + offset
        if not found:
            return []
        fresh = {row.id: row for row in self._rows_for_ids(list(found))}
        refreshed = []
        for paper_id, row_number in found.items():
            if paper_id in fresh:
                page, offset = divmod(row_number, self._page_size)
                self._pages[page][offset] = fresh[paper_id]
                refreshed.append(row_number)
                self.dataChanged.emit(
                    self.index(row_number, 0), self.index(row_number, self.columnCount() - 1)
                )
        return refreshed

    def row_of(self, paper_id: int) -> int:
        """The row showing paper_id, or -1 when it is not loaded."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row is not None and row.id == paper_id:
                    return page * self._page_size + offset
        try:
            return self._ids.index(paper_id)
        except (ValueError, OverflowError, TypeError):
            return -1

    def paper_id(self, row: int) -> int | None:
        if 0 <= row < len(self._ids):
            return self._ids[row]
        return None

    def paper_row(self, row: int) -> PaperRow | None:
        if 0 <= row < len(self._ids):
            return self._row(row)
        return None

    def loaded_ids(self) -> list[int]:
        return list(self._ids)

    def cached_rows(self) -> int:
        """How many rows are held in memory (at most CACHED_PAGES pages)."""
        return sum(len(rows) for rows in self._pages.values())

    def fetch_until(self, paper_id: int, limit: int = 5000) -> int:
        """Load rows until paper_id is loaded (if it is among the first `limit`); its row or -1.

        Finds the paper's place from the sorted ids (one cheap query) and loads the ids up
        to it at once, instead of paging through them."""
        row = self.row_of(paper_id)
        if row >= 0:
            return row
        known, asked = self._leading or ([], 0)
        if paper_id in known:
            ids = known  # the list down to the paper, read on the reader thread
        elif self._leading is not None and limit <= asked:
            return -1  # known: not among the first `asked`
        elif not self._library.matches(paper_id, self._search):
            return -1  # not in this list at all: no need to look for its place
        else:
            ids = self._leading_ids(limit)
        if paper_id not in ids:
            return -1
        end = min(len(ids), ids.index(paper_id) + self._page_size)
        wanted = ids[len(self._ids):end]
        if wanted:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(wanted) - 1)
            self._ids.extend(wanted)
            self.endInsertRows()
        return self.row_of(paper_id)

    # --- Qt model ------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self._ids) < self._total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        after = self._ids[-1] if self._ids else None
        rows = self._fetch(len(self._ids), self._page_size, after)
        if not rows:
            self._set_total(len(self._ids))  # no more: the library shrank, or not counted yet
            return
        first = len(self._ids)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._append(rows)
        if not self._total_known:
            self._set_total(len(self._ids) if len(rows) < self._page_size else None)
        self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called a thousand times per repaint of a screenful (rows x columns x roles): the
        # roles a repaint asks for are answered first, from the row's cached display texts.
        number = index.row()
        if number < 0 or number >= len(self._ids):
            return None
        row = self._row(number)
        if row is None:  # deleted since the list was read
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._display_texts(row)[column]
        if role == _FONT:
            return None if row.read else self._bold
        if role == _FOREGROUND:
            return _foreground(row, column)
        if role == _ALIGNMENT:
            return column_alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._tooltip(row, column)
            return None if tip is None else plain_tooltip(tip)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_READ:
            return "read" if row.read else "unread"
        if role == PaperIdRole:
            return row.id
        if role == UnreadRole:
            return not row.read
        return None

    def cell(self, number: int, column: int) -> tuple[str, bool, QColor | None] | None:
        """What the list's painter draws in a cell, in one call (see paper_delegate): the text,
        whether it is bold (unread) and its colour (None: the palette's)."""
        if number < 0 or number >= len(self._ids):
            return None
        row = self._row(number)
        if row is None:
            return None
        return self._display_texts(row)[column], not row.read, _foreground(row, column)

    def _display_texts(self, row: PaperRow) -> tuple[str, ...]:
        texts = self._texts.get(row.id)
        if texts is None or texts[0] is not row:
            texts = self._texts[row.id] = (row, tuple(_display(row, c) for c in _COLUMNS))
        return texts[1]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; a column without a sort key falls back to the order papers were added."""
        self.beginResetModel()
        self._sort_column = column if 0 <= column < len(HEADERS) and SORT_KEYS[column] else -1
        self._order = order
        self._clear_cache()
        self._append(self._fetch(0, self._page_size))
        self.endResetModel()

    # --- internals -----------------------------------------------------------------------

    def _count(self) -> int:
        return self._library.count(self._search)

    def _fetch(self, offset: int, limit: int, after: int | None = None) -> list[PaperRow]:
        return self._library.rows(
            self._search, sort=self.sort_key(), descending=self.descending(), limit=limit,
            offset=offset, after=after,
        )

    def _leading_ids(self, limit: int) -> list[int]:
        return list(self._library.paper_ids(
            self._search, sort=self.sort_key(), descending=self.descending(), limit=limit
        ))

    def _rows_for_ids(self, ids: list[int]) -> list[PaperRow]:
        return self._library.rows_by_ids(ids)

    def _clear_cache(self) -> None:
        self._ids = array("q")
        self._pages = OrderedDict()
        self._texts = {}
        self._leading = None

    def _append(self, rows: list[PaperRow]) -> None:
        """Add rows at the end: their ids to the list, the rows to the page cache."""
        start = len(self._ids)
        self._ids.extend(row.id for row in rows)
        size = self._page_size
        for number, row in enumerate(rows, start=start):
            page, offset = divmod(number, size)
            cached = self._pages.get(page)
            if cached is None or len(cached) != offset:
                if offset:  # a page whose head is not cached: read whole when shown
                    continue
                cached = self._pages[page] = []
            cached.append(row)
            self._pages.move_to_end(page)
        self._evict()

    def _row(self, row: int) -> PaperRow | None:
        """The row at this place, read with its page when it is not in memory."""
        page, offset = divmod(row, self._page_size)
        cached = self._pages.get(page)
        if cached is None or offset >= len(cached):
            base = page * self._page_size
            ids = self._ids[base:base + self._page_size].tolist()
            fresh = {r.id: r for r in self._rows_for_ids(ids)}
            cached = self._pages[page] = [fresh.get(i) for i in ids]
            self._pages.move_to_end(page)
            self._evict()
        else:
            self._pages.move_to_end(page)
        return cached[offset]

    def _evict(self) -> None:
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        if len(self._texts) > CACHED_PAGES * self._page_size:
            self._texts.clear()  # texts of rows shown lately: made again on the next paint

    def _tooltip(self, row: PaperRow, column: int) -> str | None:
        if column == COL_TITLE:
            return row.title
        if column == COL_READ:
            return "Read" if row.read else "Unread"
        if column == COL_RATING and row.rating:
            return f"Rated {row.rating} of 5"
        if column == COL_SEEN:
            return f"Seen in {row.seen} digest{'s' if row.seen != 1 else ''}"
        if column == COL_TAGS and row.tags:
            return ", ".join(row.tags)
        if column == COL_AUTHOR and (row.authors_count or 0) > 1:
            return f"{row.first_author} and {row.authors_count - 1} more"
        if column == COL_AUTHOR and not row.first_author:
            return "The digests give no authors"
        if column == COL_DATE and not row.published:
            return "The digests give no publication date"
        return None

"""The paper table view: single keys from the action table, and columns that keep the title readable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from reader.gui.actions import list_keys
from reader.gui.paper_delegate import PaperCellDelegate
from reader.gui.paper_model import (
    COL_AUTHOR,
    COL_DATE,
    COL_RATING,
    COL_READ,
    COL_SEEN,
    COL_TAGS,
    COL_TITLE,
    PaperTableModel,
)

TITLE_MIN_PX = 190  # the title keeps at least this much of a narrow list…
TITLE_MIN_SHARE = 0.38  # …or this share of a wider one
OPTIONAL_COLUMNS = (COL_SEEN, COL_TAGS)  # hidden, in this order, when even that does not fit
AFTER_PAINT_LATEST_MS = 250  # work waiting for a repaint runs by then anyway (a hidden list never paints)


class PaperTableView(QTableView):
    """The paper list; single keys (from the action table) go to the window through key_command."""

    key_command = Signal(str)

    KEYS = list_keys()

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperList")
        self.setAccessibleName("Papers")
        self.setModel(model)
        self._cell_painter = PaperCellDelegate(model, self)
        self._after_paint: list[Callable[[], None]] = []  # see after_next_paint()
        self.setItemDelegate(self._cell_painter)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Always there: a search with fewer papers than fit would otherwise hide it, and the
        # columns would shift under the reader's eyes (and be laid out and painted again).
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(max(28, self.fontMetrics().height() + 12))
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_columns()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        # The rows are painted by the cell painter in one call (no grid, no editors, no
        # drop indicator here); the viewport's background is already filled.
        painter = QPainter(self.viewport())
        try:
            self._cell_painter.paint_rows(painter, self, event.rect())
        finally:
            painter.end()
        if self._after_paint:
            QTimer.singleShot(0, self._run_after_paint)  # once this repaint is on screen

    def after_next_paint(self, work: Callable[[], None]) -> None:
        """Run `work` once the list has repainted. A timer of 0 ms is not enough: Qt queues
        repaints behind other events, so a search's count (30 ms of a core at 1M papers)
        started before the new rows were painted, and slowed that paint down."""
        if not self._after_paint:
            QTimer.singleShot(AFTER_PAINT_LATEST_MS, self._run_after_paint)
        self._after_paint.append(work)
        self.viewport().update()

    def _run_after_paint(self) -> None:
        waiting, self._after_paint = self._after_paint, []
        for work in waiting:
            work()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        )
        key = event.key()
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_current(1 if key == Qt.Key.Key_J else -1)
            return
        if plain and key in self.KEYS and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.key_command.emit(self.KEYS[key])
            return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        current = self.currentIndex().row()
        row = 0 if current < 0 else current + step
        if row >= model.rowCount() and model.canFetchMore():
            model.fetchMore()
        row = max(0, min(row, model.rowCount() - 1))
        self.select_row(row)

    def select_row(self, row: int, center: bool = False) -> None:
        index = self.model().index(row, COL_TITLE)
        self.setCurrentIndex(index)  # the selection follows the current row (ClearAndSelect)
        hint = QAbstractItemView.ScrollHint.PositionAtCenter if center else QAbstractItemView.ScrollHint.EnsureVisible
        self.scrollTo(index, hint)

    # --- column widths: the title stays readable however narrow the list gets ---------------

    _preferred: dict[int, int] = {}
    _floors: dict[int, int] = {}
    _fitting = False

    def _size_columns(self) -> None:
        """Title takes what is left; the other columns get room for their usual content and
        stay resizable (the header state is remembered in the settings)."""
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        bold = QFontMetrics(_bold(self.font()))
        padding = 18  # cell margins and the focus frame
        widths = {
            COL_READ: 26,
            COL_AUTHOR: bold.horizontalAdvance("Xxxxxx Xxxxx et al."),
            COL_DATE: bold.horizontalAdvance("2024-10-09") + padding,
            COL_RATING: bold.horizontalAdvance("★★★★★") + padding,
            COL_TAGS: bold.horizontalAdvance("to-read, xxxx"),
            COL_SEEN: bold.horizontalAdvance("Seen") + padding,
        }
        # How far each may shrink in a narrow window: dates and stars do not elide well.
        floors = {
            COL_READ: widths[COL_READ],
            COL_AUTHOR: bold.horizontalAdvance("Xxxxx") + padding,
            COL_DATE: widths[COL_DATE],
            COL_RATING: widths[COL_RATING],
            COL_TAGS: bold.horizontalAdvance("xxxx") + padding,
            COL_SEEN: widths[COL_SEEN],
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_READ, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.set_column_widths(widths, floors)

    def restore_header(self, state: Any, widths: Any) -> None:
        """The header as the settings kept it; the title still takes what is left."""
        header = self.horizontalHeader()
        header.restoreState(state)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.remember_current_widths(widths)

    def set_column_widths(self, preferred: dict[int, int], floors: dict[int, int]) -> None:
        """The other columns' widths (the title stretches), and how far each may shrink."""
        first = not self._preferred
        self._preferred, self._floors = dict(preferred), dict(floors)
        if first:
            self.horizontalHeader().sectionResized.connect(self._remember_width)
        self.fit_columns()

    def remember_current_widths(self, saved: Any = None) -> None:
        """Take the widths restored from the settings as the wanted ones: `saved` (what
        preferred_widths() gave) when known, else the header's, which a narrow window shrank."""
        header = self.horizontalHeader()
        widths = _int_dict(saved)
        for column in self._preferred:
            if column in widths:
                self._preferred[column] = max(widths[column], self._floors.get(column, 0))
            elif not header.isSectionHidden(column):
                self._preferred[column] = max(header.sectionSize(column), self._floors.get(column, 0))
        self.fit_columns()

    def preferred_widths(self) -> dict[str, int]:
        """The wanted widths, not the shrunk ones (for the settings)."""
        return {str(column): width for column, width in self._preferred.items()}

    def _remember_width(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column in self._preferred and new > 0:
            self._preferred[column] = new  # the user dragged it

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Shrink the other columns toward their floors, then hide optional ones, until
        the title keeps its minimum; give them back their widths when there is room."""
        available = self.viewport().width()
        if not self._preferred or available <= 0 or not self.isVisible():
            return  # a hidden view's width is not the one it will be shown at
        room = available - max(TITLE_MIN_PX, int(available * TITLE_MIN_SHARE))
        hidden: set[int] = set()
        for optional in OPTIONAL_COLUMNS:
            if sum(self._floors[c] for c in self._preferred if c not in hidden) <= room:
                break
            hidden.add(optional)
        shown = [c for c in self._preferred if c not in hidden]
        widths = {c: self._preferred[c] for c in shown}
        excess = sum(widths.values()) - room
        slack = sum(max(0, widths[c] - self._floors[c]) for c in shown)
        if excess > 0 and slack > 0:
            cut = min(excess, slack)
            for c in shown:
                widths[c] -= cut * max(0, self._preferred[c] - self._floors[c]) // slack
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for c in self._preferred:
                header.setSectionHidden(c, c in hidden)
            for c, width in widths.items():
                if header.sectionSize(c) != width:
                    header.resizeSection(c, width)
        finally:
            self._fitting = False


def _int_dict(value: Any) -> dict[int, int]:
    """{column: width} from what QSettings gives back (string keys, maybe string values)."""
    if not isinstance(value, dict):
        return {}
    try:
        return {int(key): int(width) for key, width in value.items()}
    except (TypeError, ValueError):
        return {}


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold

"""The paper list's painter: plain text, elided, one model call per cell and one Python call per repaint."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from reader.gui.paper_model import HEADERS, PaperTableModel, column_alignment

ELIDED_CACHE = 4096  # elided texts kept: a few screenfuls of cells at their current widths

# Looked up once: each enum access costs about a microsecond, and a repaint paints 300 cells.
_SELECTED = QStyle.StateFlag.State_Selected
_STATE_ACTIVE = QStyle.StateFlag.State_Active
_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem
_ELIDE_RIGHT = Qt.TextElideMode.ElideRight
_ACTIVE, _INACTIVE = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
_TEXT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText
_RIGHT_TO_LEFT = Qt.LayoutDirection.RightToLeft
_ALIGN_LTR = tuple(int(column_alignment(column)) for column in range(len(HEADERS)))
_ALIGN_RTL = tuple(
    int(QStyle.visualAlignment(_RIGHT_TO_LEFT, Qt.AlignmentFlag(alignment))) for alignment in _ALIGN_LTR
)


class _Frame:
    """What the cells of one repaint share."""

    __slots__ = ("selected", "group", "text", "highlighted_text", "regular", "bold", "regular_metrics",
                 "bold_metrics", "alignments")

    def __init__(self, selected: set[int], palette: QPalette, group: QPalette.ColorGroup, font: QFont,
                 direction: Qt.LayoutDirection) -> None:
        self.selected = selected
        self.group = group
        self.text = palette.color(group, _TEXT)
        self.highlighted_text = palette.color(group, _HIGHLIGHTED_TEXT)
        # Copies: an option's font lives only as long as the paint call it came with.
        self.regular, self.bold = QFont(font), QFont(font)
        self.bold.setBold(True)
        self.regular_metrics, self.bold_metrics = QFontMetrics(self.regular), QFontMetrics(self.bold)
        self.alignments = _ALIGN_RTL if direction == _RIGHT_TO_LEFT else _ALIGN_LTR


class PaperCellDelegate(QStyledItemDelegate):
    """Paints the paper list: all its visible rows in one call (paint_rows, from the view's
    paintEvent), or one cell (paint, for anything else that asks a delegate).

    The styled delegate asked the model for seven roles per cell and laid each text out
    with QTextLayout: 13 ms per repaint of a 1280x800 list, the larger part of a
    keystroke's time. This one reads PaperTableModel.cell() once per cell and elides with
    the font's metrics: 2.6 ms per repaint. Sizes and everything but painting stay the
    styled delegate's."""

    def __init__(self, model: PaperTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model
        self._elided: dict[tuple[str, int, bool], str] = {}
        # Where the styled delegate puts text: its text margin (the focus frame's, plus one)
        # once when it lays the cell out and again when it draws.
        self._margin = 2 * (parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1)

    def paint_rows(self, painter: QPainter, view: QTableView, area: QRect) -> None:
        """Paint the rows of the list that cross `area` of its viewport: the backgrounds of
        alternate and selected rows and every cell's text, from one Python call per
        repaint. QTableView's own paint called this delegate once per cell (160 calls, each
        with a style option to convert), more than half of a repaint's 4.8 ms."""
        model = self._model
        first = max(0, view.rowAt(area.top()))
        last = view.rowAt(area.bottom())
        last = model.rowCount() - 1 if last < 0 else last
        selection = view.selectionModel()
        frame = _Frame({row for row in range(first, last + 1) if selection.isRowSelected(row)},
                       view.palette(), _ACTIVE if view.isActiveWindow() else _INACTIVE, view.font(),
                       view.layoutDirection())
        columns = [(column, view.columnViewportPosition(column), view.columnWidth(column))
                   for column in range(model.columnCount()) if not view.isColumnHidden(column)]
        width = view.viewport().width()
        palette = view.palette()
        alternate = palette.brush(frame.group, QPalette.ColorRole.AlternateBase)
        highlight = palette.brush(frame.group, QPalette.ColorRole.Highlight)
        alternating = view.alternatingRowColors()
        margin = self._margin
        for row in range(first, last + 1):
            top, height = view.rowViewportPosition(row), view.rowHeight(row)
            selected = row in frame.selected
            if selected:
                painter.fillRect(0, top, width, height, highlight)
            elif alternating and row % 2:
                painter.fillRect(0, top, width, height, alternate)
            for column, left, column_width in columns:
                cell = model.cell(row, column)
                if cell is None or not cell[0]:
                    continue
                text, bold, color = cell
                font, metrics = (frame.bold, frame.bold_metrics) if bold else (frame.regular, frame.regular_metrics)
                painter.setFont(font)
                if selected:
                    painter.setPen(frame.highlighted_text)
                else:
                    painter.setPen(color if color is not None else frame.text)
                inner = column_width - 2 * margin
                painter.drawText(left + margin, top, inner, height, frame.alignments[column],
                                 self._elide(text, inner, bold, metrics))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        row, column = index.row(), index.column()
        cell = self._model.cell(row, column)
        if cell is None:
            super().paint(painter, option, index)
            return
        text, bold, color = cell
        state = option.state
        frame = _Frame({row} if state & _SELECTED else set(), option.palette,
                       _ACTIVE if state & _STATE_ACTIVE else _INACTIVE, option.font, option.direction)
        selected = row in frame.selected
        if selected:  # no background otherwise: the model gives none, the view drew the row's
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            style.drawPrimitive(_PANEL, option, painter, widget)
        if not text:
            return
        font, metrics = (frame.bold, frame.bold_metrics) if bold else (frame.regular, frame.regular_metrics)
        rect = option.rect.adjusted(self._margin, 0, -self._margin, 0)
        shown = self._elide(text, rect.width(), bold, metrics)
        if selected:
            pen = frame.highlighted_text
        else:
            pen = color if color is not None else frame.text
        painter.setFont(font)
        painter.setPen(pen)
        painter.drawText(rect, frame.alignments[column], shown)

    def shown_text(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> str:
        """The text paint() draws in this cell: the model's, elided to the cell's width."""
        cell = self._model.cell(index.row(), index.column())
        if cell is None:
            return ""
        text, bold, _color = cell
        font = QFont(option.font)
        font.setBold(bold)
        return self._elide(text, option.rect.width() - 2 * self._margin, bold, QFontMetrics(font))

    def _elide(self, text: str, width: int, bold: bool, metrics: QFontMetrics) -> str:
        key = (text, width, bold)
        shown = self._elided.get(key)
        if shown is None:
            if len(self._elided) >= ELIDED_CACHE:
                self._elided.clear()
            shown = self._elided[key] = metrics.elidedText(text, _ELIDE_RIGHT, width)
        return shown

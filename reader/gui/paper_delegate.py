"""The paper list's cell painter: plain text, elided, from one model call per cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

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


class PaperCellDelegate(QStyledItemDelegate):
    """Draws a cell's background as the style does and its text with one drawText call.

    The styled delegate asks the model for seven roles per cell and lays each text out with
    QTextLayout: 13 ms per repaint of a 1280x800 list, the larger part of a keystroke's
    time. This one asks PaperTableModel.cell() once and elides with the font's metrics
    (about 4 ms). Sizes, editors and everything but painting stay the styled delegate's."""

    def __init__(self, model: PaperTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = model
        self._elided: dict[tuple[str, int, bool], str] = {}
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None
        self._font_key: QFont | None = None  # the view's font the fonts above were made from
        # Where the styled delegate puts text: its text margin (the focus frame's, plus one)
        # once when it lays the cell out and again when it draws.
        self._margin = 2 * (parent.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, parent) + 1)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        # Lean on purpose: it runs for every visible cell (300 of them) on every repaint, so
        # what does not change from cell to cell (margin, alignments, fonts) is made once.
        column = index.column()
        cell = self._model.cell(index.row(), column)
        if cell is None:
            super().paint(painter, option, index)
            return
        text, bold, color = cell
        state = option.state
        selected = state & _SELECTED
        if selected:  # no background otherwise: the model gives none, the view drew the row's
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            style.drawPrimitive(_PANEL, option, painter, widget)
        if not text:
            return
        font, metrics = self._font(option.font, bold)
        rect = option.rect.adjusted(self._margin, 0, -self._margin, 0)
        shown = self._elide(text, rect.width(), bold, metrics)
        group = _ACTIVE if state & _STATE_ACTIVE else _INACTIVE
        if selected:
            pen = option.palette.color(group, _HIGHLIGHTED_TEXT)
        else:
            pen = color if color is not None else option.palette.color(group, _TEXT)
        painter.setFont(font)
        painter.setPen(pen)
        alignments = _ALIGN_RTL if option.direction == _RIGHT_TO_LEFT else _ALIGN_LTR
        painter.drawText(rect, alignments[column], shown)

    def shown_text(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> str:
        """The text paint() draws in this cell: the model's, elided to the cell's width."""
        cell = self._model.cell(index.row(), index.column())
        if cell is None:
            return ""
        text, bold, _color = cell
        _font, metrics = self._font(option.font, bold)
        return self._elide(text, option.rect.width() - 2 * self._margin, bold, metrics)

    def _elide(self, text: str, width: int, bold: bool, metrics: QFontMetrics) -> str:
        key = (text, width, bold)
        shown = self._elided.get(key)
        if shown is None:
            if len(self._elided) >= ELIDED_CACHE:
                self._elided.clear()
            shown = self._elided[key] = metrics.elidedText(text, _ELIDE_RIGHT, width)
        return shown

    def _font(self, base: QFont, bold: bool) -> tuple[QFont, QFontMetrics]:
        if self._fonts is None or self._font_key != base:
            # Copies: the option's font lives only as long as this paint call.
            regular, heavy = QFont(base), QFont(base)
            heavy.setBold(True)
            self._fonts = (regular, heavy, QFontMetrics(regular), QFontMetrics(heavy))
            self._font_key = QFont(base)
            self._elided.clear()
        regular, heavy, regular_metrics, heavy_metrics = self._fonts
        return (heavy, heavy_metrics) if bold else (regular, regular_metrics)

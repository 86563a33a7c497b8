"""The paper list's cell painter: the model's text, bold while unread, elided, highlighted when selected."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from paper_factory import digest, entry
from reader.gui.paper_delegate import PaperCellDelegate
from reader.gui.paper_model import COL_TITLE, PaperTableModel
from reader.gui.paper_table import PaperTableView

LONG_TITLE = "A Very Long Title " * 12


def _view(qtbot, lib, titles):
    lib.store_digest("/d/a.md", "sha", digest(*(entry(t, authors=["Ada Lovelace"]) for t in titles)))
    view = PaperTableView(PaperTableModel(lib))
    qtbot.addWidget(view)
    view.resize(900, 400)
    return view


def _paint(view, row: int, width: int, selected: bool = False) -> QImage:
    """The title cell of `row`, painted alone into an image `width` pixels wide."""
    delegate = view.itemDelegate()
    assert isinstance(delegate, PaperCellDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.widget = view
    option.font = view.font()
    option.rect = QRect(0, 0, width, 24)
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    image = QImage(width, 24, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    delegate.paint(painter, option, view.model().index(row, COL_TITLE))
    painter.end()
    return image


def _ink(image: QImage, columns: range | None = None) -> int:
    """Pixels that are clearly darker than the white background."""
    xs = columns if columns is not None else range(image.width())
    return sum(1 for x in xs for y in range(image.height()) if QColor(image.pixel(x, y)).lightness() < 160)


def _row_of(view, title: str) -> int:
    model = view.model()
    return next(r for r in range(model.rowCount()) if model.index(r, COL_TITLE).data() == title)


def test_unread_titles_are_painted_bold_and_read_ones_regular(qtbot, empty_library):
    view = _view(qtbot, empty_library, ["Same Words Here", "Same Words Here Too"])
    row = _row_of(view, "Same Words Here")
    unread = _ink(_paint(view, row, 400))
    paper_id = view.model().index(row, COL_TITLE).data(Qt.ItemDataRole.UserRole + 1)
    empty_library.set_read([paper_id], True)
    view.model().refresh_ids([paper_id])
    read = _ink(_paint(view, row, 400))
    assert unread > read * 1.15 > 0  # bold strokes: visibly more ink for the same words


def test_a_title_wider_than_its_column_is_elided_inside_the_cell(qtbot, empty_library):
    view = _view(qtbot, empty_library, [LONG_TITLE])
    delegate, index = view.itemDelegate(), view.model().index(0, COL_TITLE)
    option = QStyleOptionViewItem()
    option.font = view.font()
    option.rect = QRect(0, 0, 200, 24)
    shown = delegate.shown_text(option, index)
    assert shown.endswith("…") and LONG_TITLE.startswith(shown[:-1])
    bold = view.font()
    bold.setBold(True)
    assert QFontMetrics(bold).horizontalAdvance(shown) <= 200
    option.rect = QRect(0, 0, 4000, 24)
    assert delegate.shown_text(option, index) == LONG_TITLE.strip()  # room enough: whole
    image = _paint(view, 0, 200)
    assert _ink(image) > 0
    assert _ink(image, range(196, 200)) == 0  # the margin stays clear: nothing runs over
    wide = _paint(view, 0, 2000)
    assert _ink(wide, range(200, 2000)) > 0  # the same title given room is drawn further on


def test_a_selected_cell_has_the_highlight_background(qtbot, empty_library):
    view = _view(qtbot, empty_library, ["Selected Paper"])
    highlight = view.palette().color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight)
    plain = _paint(view, 0, 300)
    chosen = _paint(view, 0, 300, selected=True)
    corner = (299, 1)  # away from the text
    assert QColor(plain.pixel(*corner)) == QColor("white")
    assert QColor(chosen.pixel(*corner)) != QColor("white")
    assert abs(QColor(chosen.pixel(*corner)).hue() - highlight.hue()) <= 12 or highlight.saturation() < 20


def test_the_view_paints_its_selected_rows_highlighted_and_the_others_not(qtbot, empty_library):
    view = _view(qtbot, empty_library, [f"Paper {n}" for n in range(6)])
    view.show()
    qtbot.waitExposed(view)
    view.selectRow(1)
    view.selectionModel().select(view.model().index(3, 0), view.selectionModel().SelectionFlag.Select
                                 | view.selectionModel().SelectionFlag.Rows)
    image = view.viewport().grab().toImage()
    x = view.columnViewportPosition(COL_TITLE) + view.columnWidth(COL_TITLE) - 3  # past the text
    highlight = view.palette().color(QPalette.ColorRole.Highlight)

    def background(row: int) -> QColor:
        return QColor(image.pixel(x, view.rowViewportPosition(row) + 2))

    assert {row for row in range(6) if abs(background(row).hue() - highlight.hue()) <= 12
            and background(row).saturation() > 20} == {1, 3}


def test_the_view_paints_unread_rows_bold_and_long_titles_within_their_column(qtbot, empty_library):
    view = _view(qtbot, empty_library, ["Alpha Beta Gamma Delta One", "Alpha Beta Gamma Delta Two", LONG_TITLE])
    view.show()
    qtbot.waitExposed(view)
    model = view.model()
    read_row = _row_of(view, "Alpha Beta Gamma Delta One")
    unread_row = _row_of(view, "Alpha Beta Gamma Delta Two")
    paper_id = model.index(read_row, COL_TITLE).data(Qt.ItemDataRole.UserRole + 1)
    empty_library.set_read([paper_id], True)
    model.refresh_ids([paper_id])
    view.clearSelection()
    image = view.viewport().grab().toImage()
    left = view.columnViewportPosition(COL_TITLE)
    right = left + view.columnWidth(COL_TITLE)

    def ink(row: int, xs: range) -> int:
        top = view.rowViewportPosition(row)
        return sum(1 for x in xs for y in range(top, top + view.rowHeight(row))
                   if QColor(image.pixel(x, y)).lightness() < 160)

    title = range(left, right)
    assert ink(unread_row, title) > ink(read_row, title) * 1.15 > 0
    long_row = _row_of(view, LONG_TITLE.strip())
    next_column = range(right, min(right + 6, image.width()))
    assert ink(long_row, title) > 0 and ink(long_row, next_column) == 0  # elided, not spilled

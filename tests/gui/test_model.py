"""PaperTableModel: a valid Qt model over SQL, lazy pages, SQL sorting, in-place refresh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont

from reader.gui.paper_model import (
    COL_AUTHOR,
    COL_RATING,
    COL_READ,
    COL_TAGS,
    COL_TITLE,
    PaperIdRole,
    PaperTableModel,
)
from reader.store.query import QueryError


def load_all(model: PaperTableModel) -> None:
    while model.canFetchMore():
        model.fetchMore()


def test_model_passes_qt_model_tester(qtmodeltester, library):
    library.set_rating([1, 2], 4)
    library.add_tags([3], ["todo"])
    library.set_read([4], True)
    model = PaperTableModel(library, page_size=50)
    model.fetchMore()
    qtmodeltester.check(model)


def test_rows_are_fetched_lazily_one_page_at_a_time(library):
    model = PaperTableModel(library, page_size=100)
    assert model.total() == library.count("") == 452
    assert model.rowCount() == 100 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 200
    model.fetchMore()
    assert model.rowCount() == 300
    load_all(model)
    assert model.rowCount() == 452 and not model.canFetchMore()
    assert model.loaded_ids() == library.paper_ids("")


def test_header_click_sorts_in_sql_not_in_a_proxy(library):
    library.set_rating([7], 5)
    library.set_rating([9], 2)
    model = PaperTableModel(library, page_size=1000)
    assert not isinstance(model, QSortFilterProxyModel)
    model.sort(COL_RATING, Qt.SortOrder.DescendingOrder)
    model.fetchMore()
    assert model.loaded_ids()[:2] == [7, 9]
    model.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    model.fetchMore()
    assert model.loaded_ids() == library.paper_ids("", sort="title", descending=False)
    titles = [model.index(row, COL_TITLE).data() for row in range(3)]
    assert titles == [model.paper_row(row).title for row in range(3)]


def test_unsortable_column_falls_back_to_newest_first(library):
    model = PaperTableModel(library)
    model.sort(COL_TAGS, Qt.SortOrder.AscendingOrder)
    model.fetchMore()
    assert model.loaded_ids()[:200] == library.paper_ids("")[:200]


def test_display_unread_mark_bold_font_and_et_al(library):
    paper = next(r for r in library.rows("", limit=500) if r.authors_count > 1)
    model = PaperTableModel(library, page_size=500)
    model.fetchMore()
    row = model.row_of(paper.id)
    assert model.index(row, COL_READ).data() == "●"
    assert model.index(row, COL_AUTHOR).data() == f"{paper.first_author} et al."
    font = model.index(row, COL_TITLE).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.index(row, COL_TITLE).data(PaperIdRole) == paper.id


def test_refresh_ids_changes_rows_in_place_without_reset(qtbot, library):
    model = PaperTableModel(library)
    model.fetchMore()
    paper_id = model.paper_id(5)
    library.set_rating([paper_id], 3)
    library.set_read([paper_id], True)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        assert model.refresh_ids({paper_id}) == [5]
    top_left, bottom_right = blocker.args[:2]
    assert (top_left.row(), bottom_right.row()) == (5, 5)
    assert resets == []
    assert model.index(5, COL_RATING).data() == "★★★☆☆"
    assert model.index(5, COL_READ).data() == ""
    assert model.index(5, COL_TITLE).data(Qt.ItemDataRole.FontRole) is None


def test_bad_query_raises_and_keeps_rows(library):
    model = PaperTableModel(library)
    model.fetchMore()
    before = model.loaded_ids()
    with pytest.raises(QueryError):
        model.set_query('title:"unclosed')
    assert model.loaded_ids() == before and model.query == ""


def test_query_narrows_rows(library):
    library.add_tags([10, 11, 12], ["todo"])
    model = PaperTableModel(library)
    model.set_query("tag:todo")
    model.fetchMore()
    assert sorted(model.loaded_ids()) == [10, 11, 12]
    assert model.total() == 3


def test_missing_author_and_date_show_a_muted_dash_and_seen_shows_every_count(library):
    from PySide6.QtGui import QGuiApplication, QPalette

    from reader.gui.paper_model import COL_DATE, COL_SEEN

    model = PaperTableModel(library, page_size=500)
    bare = next(r for r in library.rows("", limit=500) if not r.first_author and not r.published)
    dated = next(r for r in library.rows("", limit=500) if r.first_author and r.published)
    muted = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    for column in (COL_AUTHOR, COL_DATE):
        index = model.index(model.row_of(bare.id), column)
        assert index.data() == "—"
        assert index.data(Qt.ItemDataRole.ForegroundRole) == muted
        assert "no" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(model.row_of(dated.id), COL_DATE).data() == dated.published
    assert model.index(model.row_of(dated.id), COL_DATE).data(Qt.ItemDataRole.ForegroundRole) is None
    once = next(r for r in library.rows("", limit=500) if r.seen == 1)
    twice = library.rows("seen:>=2", limit=1)[0]
    assert model.index(model.row_of(once.id), COL_SEEN).data() == "1"
    assert model.index(model.row_of(twice.id), COL_SEEN).data() == str(twice.seen)


def test_fetch_until_loads_the_rows_up_to_a_paper_far_down_in_one_go(qtbot, library):
    model = PaperTableModel(library, page_size=50)
    model.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    ordered = library.paper_ids("", sort="title", descending=False)
    target = ordered[300]
    with qtbot.waitSignal(model.rowsInserted):
        row = model.fetch_until(target)
    assert row == 300 and model.paper_id(row) == target
    assert model.loaded_ids() == ordered[:350]  # up to the paper plus one page, in order
    assert model.fetch_until(ordered[400], limit=380) == -1  # beyond the limit: not loaded
    assert model.rowCount() == 350

"""The model pages by keyset and keeps a bounded number of rows in memory while scrolling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.gui import paper_model
from reader.gui.paper_model import COL_DATE, COL_TITLE, MISSING, PaperIdRole, PaperTableModel


@pytest.mark.parametrize("column", [1, 2, 3, 4, 6, 0])
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_scrolling_to_the_bottom_keeps_few_rows_and_shows_every_paper(library, monkeypatch, column, order):
    monkeypatch.setattr(paper_model, "CACHED_PAGES", 3)
    library.set_rating([1, 2, 3], 4)
    library.set_read([5, 6], True)
    model = PaperTableModel(library, page_size=20)
    model.sort(column, order)
    while model.canFetchMore():
        model.fetchMore()
        assert model.cached_rows() <= 3 * 20
    expected = library.paper_ids("", sort=model.sort_key(), descending=model.descending())
    assert model.loaded_ids() == expected
    shown = [model.data(model.index(row, COL_TITLE), PaperIdRole) for row in range(model.rowCount())]
    assert shown == expected  # rows read again by id when scrolled back to
    assert model.cached_rows() <= 3 * 20


def test_a_refresh_reaches_rows_read_again_later(library, monkeypatch):
    monkeypatch.setattr(paper_model, "CACHED_PAGES", 2)
    model = PaperTableModel(library, page_size=10)
    while model.canFetchMore():
        model.fetchMore()
    first = model.paper_id(0)
    library.set_rating([first], 5)
    model.refresh_ids([first])  # its page was evicted: read fresh when shown
    assert model.paper_row(0).rating == 5
    assert model.row_of(first) == 0


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_the_date_column_lists_undated_papers_last_both_ways(empty_library, order):
    from paper_factory import digest, entry

    dates = ["2021-03-01", None, "2019-01-01", None, "2024-07-01", "2021-03-01", None, "2020-12-31"]
    empty_library.store_digest("/d/a.md", "1", digest(
        *(entry(f"Paper {n}", published=date) for n, date in enumerate(dates))))
    model = PaperTableModel(empty_library, page_size=2)  # pages end inside each group
    model.sort(COL_DATE, order)
    while model.canFetchMore():
        model.fetchMore()
    shown = [model.index(row, COL_DATE).data() for row in range(model.rowCount())]
    dated = sorted(d for d in dates if d)
    if order == Qt.SortOrder.DescendingOrder:
        dated.reverse()
    assert shown == [*dated, MISSING, MISSING, MISSING]
    assert sorted(model.loaded_ids()) == sorted(empty_library.paper_ids())  # each paper once

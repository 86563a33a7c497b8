"""The paper-list controller reacts to typed changes: state changes refresh rows in place, moves reload once."""

from __future__ import annotations

from reader.gui.events import DigestsImported, ListChanged, PapersChanged, from_worker


def count_resets(window) -> list[int]:
    resets: list[int] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    return resets


def test_the_worker_changes_become_typed_events():
    assert from_worker({3, 4}) == PapersChanged(frozenset({3, 4}))
    assert from_worker(set()) == ListChanged()


def test_rating_refreshes_the_rows_in_place_without_a_reload(qtbot, window, library):
    resets = count_resets(window)
    paper = window.current_paper_id()
    window.triage.rate(4)
    assert library.user_state([paper])[paper].rating == 4
    assert window.model.paper_row(window.model.row_of(paper)).rating == 4
    assert resets == []
    assert window.current_paper_id() == paper
    assert not window.papers.check_external_changes()  # our own write, already shown


def test_archiving_reloads_the_list_once_and_the_next_paper_becomes_current(qtbot, window, library):
    first = window.current_paper_id()
    second = window.model.paper_id(1)
    resets = count_resets(window)
    window.triage.toggle_archive()
    assert resets == [1]
    assert window.model.row_of(first) < 0
    assert window.current_paper_id() == second


def test_one_imported_batch_is_one_reload(qtbot, window):
    resets = count_resets(window)
    window.papers.apply_change(DigestsImported(()))
    assert resets == [1]


def test_select_all_follows_the_query(qtbot, window, library):
    window.papers.select_all()
    assert window.papers.whole_query_selected()
    assert window.selected_ids() == library.paper_ids("", sort=window.model.sort_key(),
                                                      descending=window.model.descending())
    window.set_search_text("attention")
    qtbot.waitUntil(lambda: window.current_query() == "attention")
    assert not window.papers.whole_query_selected()  # another query: no longer "all of it"

"""Keyboard triage from the first keypress: focus, the search box's keys, and Ctrl+A on the whole query."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

CTRL = Qt.KeyboardModifier.ControlModifier


def focused(window):
    return window.focusWidget()


def wait_query(qtbot, window, query: str) -> None:
    qtbot.waitUntil(lambda: window.model.query == query)


# --- select all (item 1) -------------------------------------------------------------------


def test_ctrl_a_then_r_marks_every_paper_of_the_library_and_undo_restores(qtbot, window, library):
    total = library.count("")
    assert window.model.rowCount() < total  # only the first page is loaded
    assert library.count("is:read") == 0
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_A, CTRL)
    assert len(window.selected_ids()) == total
    assert f"{total} selected" in window.count_label.text()
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    assert library.count("is:unread") == 0
    assert window.undo_stack.text(0) == f"Mark {total} papers read"
    assert window.model.index(window.model.rowCount() - 1, 0).data() == ""  # loaded rows show it
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    assert library.count("is:read") == 0


def test_select_all_follows_the_query_and_rows_loaded_later(qtbot, window, library):
    window.set_search_text("-is:read")  # every paper, but through a search
    window.focus_list()
    window.papers.select_all()
    window.model.fetchMore()  # scrolling down loads more rows: they join the selection
    assert len(window.table.selectionModel().selectedRows()) == window.model.rowCount()
    assert len(window.selected_ids()) == library.count("-is:read")
    row_3 = window.table.visualRect(window.model.index(3, 1)).center()
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=row_3)  # one paper: "all" ends
    assert window.selected_ids() == [window.model.paper_id(3)]
    assert "selected" not in window.count_label.text()


def test_ctrl_a_on_a_narrow_query_toggles_by_what_the_library_says(qtbot, window, library):
    ids = window.model.loaded_ids()
    library.add_tags(ids[:3], ["batch"])
    library.set_read(ids[:3], True)
    window.refresh_sidebar()
    window.set_search_text("tag:batch")
    window.focus_list()
    window.papers.select_all()
    window.triage.toggle_read()  # all three read: the toggle marks them unread
    assert library.count("tag:batch is:read") == 0


def test_ctrl_a_in_the_search_box_selects_its_text(qtbot, window):
    window.focus_search()
    qtbot.keyClicks(window.search_box.edit, "graph")
    window.search_box.edit.deselect()
    window.papers.select_all()
    assert window.search_box.edit.selectedText() == "graph"
    assert not window.papers.whole_query_selected()


# --- focus (item 2) ------------------------------------------------------------------------


def test_the_list_has_the_focus_on_launch(qtbot, window, library):
    assert focused(window) is window.table
    paper = window.current_paper_id()
    qtbot.keyClick(focused(window), Qt.Key.Key_R)
    assert library.user_state([paper])[paper].read is True


def test_clicking_a_sidebar_entry_hands_the_keys_to_the_list(qtbot, window):
    item = window.sidebar.item_for_query("is:unread")
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.model.query == "is:unread"
    assert focused(window) is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert window.table.currentIndex().row() == 1


def test_escape_in_the_sidebar_returns_to_the_list(qtbot, window):
    window.sidebar.setFocus()
    assert focused(window) is window.sidebar
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Escape)
    assert focused(window) is window.table


# --- the search box's keys (item 3) --------------------------------------------------------


def test_escape_in_the_search_box_keeps_the_query_and_returns_to_the_list(qtbot, window):
    window.focus_search()
    qtbot.keyClicks(window.search_box.edit, "is:unread")
    qtbot.keyClick(window.search_box.edit, Qt.Key.Key_Escape)  # at once: no wait for the typing pause
    assert window.model.query == "is:unread"
    assert window.search_box.text() == "is:unread"
    assert focused(window) is window.table
    qtbot.keyClick(window.table, Qt.Key.Key_Escape)  # a second Escape changes nothing
    assert window.search_box.text() == "is:unread"


def test_enter_and_down_in_the_search_box_go_to_the_list_keeping_the_paper(qtbot, window):
    window.table.select_row(4)
    paper = window.current_paper_id()
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Down):
        window.focus_search()
        qtbot.keyClick(window.search_box.edit, key)
        assert focused(window) is window.table
        assert window.current_paper_id() == paper


def test_a_bad_query_keeps_the_focus_in_the_box_on_enter(qtbot, window):
    window.focus_search()
    qtbot.keyClicks(window.search_box.edit, "rating:>>4")
    qtbot.keyClick(window.search_box.edit, Qt.Key.Key_Return)
    assert window.search_box.has_error()
    assert focused(window) is window.search_box.edit


def test_clearing_the_search_keeps_the_current_paper(qtbot, window, library):
    ids = window.model.loaded_ids()
    library.add_tags([ids[0], ids[150]], ["keep"])
    window.set_search_text("tag:keep")
    window.table.select_row(window.model.row_of(ids[150]))
    assert window.current_paper_id() == ids[150]
    window.search_box.edit.clear()  # what the clear button does
    wait_query(qtbot, window, "")
    assert window.model.rowCount() > 2
    assert window.current_paper_id() == ids[150]
    assert window.detail.paper_id() == ids[150]
    assert QApplication.instance() is not None


def test_the_count_keeps_its_width_so_the_status_bar_does_not_shift(qtbot, window, library):
    total = library.count("")
    window.focus_list()
    window.papers.select_all()
    assert f"{total} selected" in window.count_label.text()
    qtbot.waitUntil(lambda: window.count_label.width() >= window.count_label.sizeHint().width())
    width, place = window.count_label.width(), window.location_label.x()
    window.table.selectRow(3)  # one paper: the count's text gets shorter
    assert "selected" not in window.count_label.text()
    label = window.count_label
    assert label.fontMetrics().horizontalAdvance(label.text()) + 12 < width  # it would have narrowed
    QApplication.processEvents()
    assert (window.count_label.width(), window.location_label.x()) == (width, place)

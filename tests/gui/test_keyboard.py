"""Every list key does its job, goes through the one undo stack and reaches the library."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices


def state(library, paper_id: int):
    return library.user_state([paper_id])[paper_id]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.table.setFocus()
    qtbot.keyClick(window.table, key, modifier)


def undo(qtbot, window) -> None:
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(qtbot, window) -> None:
    qtbot.keyClick(
        window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )


def test_j_and_k_move_the_current_paper(qtbot, window):
    window.table.select_row(0)
    first = window.current_paper_id()
    press(qtbot, window, Qt.Key.Key_J)
    press(qtbot, window, Qt.Key.Key_J)
    assert window.table.currentIndex().row() == 2
    press(qtbot, window, Qt.Key.Key_K)
    assert window.table.currentIndex().row() == 1
    press(qtbot, window, Qt.Key.Key_Up)
    assert window.current_paper_id() == first
    assert window.detail.paper_id() == first


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_R])
def test_space_and_r_toggle_read_with_undo_redo(qtbot, window, library, key):
    paper_id = window.current_paper_id()
    press(qtbot, window, key)
    assert state(library, paper_id).read is True
    row = window.model.row_of(paper_id)
    assert window.model.index(row, 0).data() == ""
    assert window.undo_stack.count() == 1
    undo(qtbot, window)
    assert state(library, paper_id).read is False
    assert window.model.index(row, 0).data() == "●"
    redo(qtbot, window)
    assert state(library, paper_id).read is True
    press(qtbot, window, key)
    assert state(library, paper_id).read is False


def test_u_jumps_to_the_next_unread(qtbot, window, library):
    ids = window.model.loaded_ids()
    library.set_read(ids[1:4], True)
    window.model.refresh_ids(ids[1:4])
    window.table.select_row(0)
    press(qtbot, window, Qt.Key.Key_U)
    assert window.current_paper_id() == ids[4]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_digit_rates_and_undo_restores(qtbot, window, library, number):
    paper_id = window.current_paper_id()
    press(qtbot, window, getattr(Qt.Key, f"Key_{number}"))
    assert state(library, paper_id).rating == number
    assert window.model.index(window.model.row_of(paper_id), 4).data().count("★") == number
    undo(qtbot, window)
    assert state(library, paper_id).rating is None
    redo(qtbot, window)
    assert state(library, paper_id).rating == number


def test_zero_clears_the_rating(qtbot, window, library):
    paper_id = window.current_paper_id()
    library.set_rating([paper_id], 3)
    press(qtbot, window, Qt.Key.Key_0)
    assert state(library, paper_id).rating is None
    undo(qtbot, window)
    assert state(library, paper_id).rating == 3


def test_bulk_actions_apply_to_the_whole_selection(qtbot, window, library):
    window.table.select_row(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    ids = window.selected_ids()
    assert len(ids) == 3
    press(qtbot, window, Qt.Key.Key_R)
    press(qtbot, window, Qt.Key.Key_5)
    window.triage.add_tags(["batch"])
    assert all(state(library, i).read and state(library, i).rating == 5 for i in ids)
    assert all(state(library, i).tags == ["batch"] for i in ids)
    assert window.undo_stack.count() == 3
    window.undo_stack.undo()
    assert all(state(library, i).tags == [] for i in ids)
    window.undo_stack.undo()
    assert all(state(library, i).read and state(library, i).rating is None for i in ids)
    window.undo_stack.undo()
    assert all(not state(library, i).read for i in ids)


def test_t_and_n_focus_the_tag_and_note_editors(qtbot, window):
    press(qtbot, window, Qt.Key.Key_T)
    assert window.detail.tag_editor.isAncestorOf(window.focusWidget()) or window.focusWidget() is window.detail.tag_editor
    press(qtbot, window, Qt.Key.Key_N)
    assert window.focusWidget() is window.detail.note_editor


def test_note_typed_after_n_is_saved_and_undoable(qtbot, window, library):
    paper_id = window.current_paper_id()
    press(qtbot, window, Qt.Key.Key_N)
    qtbot.keyClicks(window.detail.note_editor, "worth a second read")
    qtbot.keyClick(window.detail.note_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert state(library, paper_id).note == "worth a second read"
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.table.hasFocus()
    undo(qtbot, window)
    assert not state(library, paper_id).note


def test_enter_goes_to_the_detail_and_escape_comes_back(qtbot, window):
    press(qtbot, window, Qt.Key.Key_Return)
    focus = window.focusWidget()
    assert focus is not window.table and window.detail.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_Escape)
    assert window.table.hasFocus()


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened_urls():
    catcher = UrlCatcher()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher.urls
    for scheme in ("http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def test_o_p_c_open_the_papers_links(qtbot, window, library, opened_urls):
    papers = (library.get_paper(i) for i in library.paper_ids("has:code has:pdf"))
    paper = next(p for p in papers if all(p.links[k] for k in ("abs", "pdf", "code")))
    window.select_paper(paper.id)
    press(qtbot, window, Qt.Key.Key_O)
    press(qtbot, window, Qt.Key.Key_P)
    press(qtbot, window, Qt.Key.Key_C)
    links = paper.links
    assert opened_urls == [links["abs"], links["pdf"], links["code"]]


def test_missing_link_says_so_in_the_status_bar(qtbot, window, library, opened_urls):
    paper_id = next(i for i in library.paper_ids("") if not library.get_paper(i).code_url)
    window.select_paper(paper_id)
    press(qtbot, window, Qt.Key.Key_C)
    assert opened_urls == []
    assert "no code link" in window.statusBar().currentMessage()

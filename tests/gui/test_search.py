"""The search box: typing filters the list, a bad query shows an error and keeps the list."""

from __future__ import annotations

from PySide6.QtCore import Qt


def shown_ids(window) -> list[int]:
    return window.model.loaded_ids()


def test_typing_filters_the_list(qtbot, window, library):
    library.add_tags([20, 21], ["todo"])
    window.focus_search()
    qtbot.keyClicks(window.search_box.edit, "tag:todo")
    qtbot.waitUntil(lambda: window.model.total() == 2)
    assert sorted(shown_ids(window)) == [20, 21]
    assert not window.search_box.has_error()


def test_free_text_search_finds_a_title(qtbot, window, library):
    title = library.get_paper(30).title
    word = max(title.split(), key=len).strip(".,:;()")
    window.set_search_text(word)
    assert 30 in shown_ids(window)
    assert window.model.total() < library.count("")


def test_malformed_query_shows_error_and_keeps_the_list(qtbot, window):
    window.set_search_text("is:unread")
    before = shown_ids(window)
    window.set_search_text('title:"never closed')
    assert window.search_box.has_error()
    assert "quote" in window.search_box.error_label.text()
    assert window.search_box.error_label.isVisible()
    assert shown_ids(window) == before
    window.set_search_text("")
    assert not window.search_box.has_error()
    assert window.model.total() == 452


def test_ctrl_f_and_slash_focus_the_search_box(qtbot, window):
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Slash)
    assert window.search_box.edit.hasFocus()
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.edit.hasFocus()
    qtbot.keyClick(window.search_box.edit, Qt.Key.Key_Escape)
    assert window.table.hasFocus()


def test_a_search_is_parsed_once_and_joined_to_the_sidebar_as_nodes(qtbot, window, library, monkeypatch):
    from reader.store import search as search_module
    from reader.store.query import And, Filter, parse_query

    library.add_tags([20, 21], ["todo"])
    window.refresh_sidebar()
    assert window.sidebar.select_key("tag:todo")
    parsed = []
    monkeypatch.setattr(search_module, "parse_query", lambda text: parsed.append(text) or parse_query(text))
    window.set_search_text("is:unread")
    assert parsed == ["is:unread"]  # not again for the count, the rows or the current paper
    shown = window.papers.current_search()
    assert shown.node == And((Filter("tag", "todo"), Filter("is", "unread")))
    assert window.current_query() == "tag:todo is:unread"
    assert sorted(shown_ids(window)) == [20, 21]

"""Saved searches and the trending entry in the sidebar: live counts, click applies, rename, delete."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from test_sidebar import click, counts


def test_seen_in_two_or_more_digests_has_a_live_count(qtbot, window, library):
    expected = library.conn.execute("SELECT count(*) FROM papers WHERE seen >= 2").fetchone()[0]
    assert expected > 0
    assert counts(window)["Seen in 2+ digests"] == expected
    click(qtbot, window, "Seen in 2+ digests")
    assert window.current_query() == "seen:>=2"
    assert window.model.total() == expected


def test_a_saved_search_appears_with_its_count_and_clicking_applies_it(qtbot, window, library):
    library.add_tags([3, 4, 5], ["agents"])
    library.set_read([3], True)
    window.refresh_sidebar()
    window.set_search_text("tag:agents is:unread")
    window.saved_searches.save("Agents to read", window.current_query())
    assert library.saved_searches() == [("Agents to read", "tag:agents is:unread")]
    assert counts(window)["Agents to read"] == 2
    window.set_search_text("")
    click(qtbot, window, "Agents to read")
    assert window.current_query() == "tag:agents is:unread"
    assert sorted(window.model.loaded_ids()) == [4, 5]
    window.select_paper(4)
    window.triage.set_read(True)
    qtbot.waitUntil(lambda: counts(window)["Agents to read"] == 1)


def test_save_search_action_asks_a_name_and_refuses_a_bad_query(qtbot, window, library, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("  Diffusion  ", True))
    window.set_search_text("diffusion")
    window.action("save_search").trigger()
    assert library.saved_searches() == [("Diffusion", "diffusion")]
    assert "Diffusion" in counts(window)
    window.search_box.edit.setText('title:"unclosed')
    window.search_box._emit()
    assert window.search_box.has_error()
    window.action("save_search").trigger()
    assert library.saved_searches() == [("Diffusion", "diffusion")]
    assert "cannot be saved" in window.statusBar().currentMessage()
    assert window.action("save_search").shortcut().toString() == "Ctrl+S"
    assert window.search_box.save_button.defaultAction() is window.action("save_search")


def test_rename_and_delete_from_the_context_menu(qtbot, window, library, monkeypatch):
    library.save_search("Old name", "rating:>=1")
    window.refresh_sidebar()
    click(qtbot, window, "Old name")
    item = next(i for i in window.sidebar._all_items() if i.text(0) == "Old name")
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("New name", True))
    menu = window.sidebar.context_menu_for(item)
    next(a for a in menu.actions() if a.text() == "Rename…").trigger()
    menu.close()
    assert library.saved_searches() == [("New name", "rating:>=1")]
    assert window.sidebar.current_key() == "saved:New name"  # still the entry shown
    assert window.current_query() == "rating:>=1"
    item = next(i for i in window.sidebar._all_items() if i.text(0) == "New name")
    menu = window.sidebar.context_menu_for(item)
    next(a for a in menu.actions() if a.text() == "Delete").trigger()
    menu.close()
    assert library.saved_searches() == []
    assert "New name" not in counts(window)
    assert window.current_query() == ""  # the deleted search was shown: back to all papers
    assert window.sidebar.currentItem().text(0) == "All"


def test_no_context_menu_on_other_entries(qtbot, window):
    for label in ("All", "Seen in 2+ digests", "Saved searches", "Tags"):
        item = next(i for i in window.sidebar._all_items() if i.text(0) == label)
        assert window.sidebar.context_menu_for(item) is None

"""What the window tells a new user: failed digests, menu keys, unchanged imports, CLI writes, fit at 1024 px."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from gui_helpers import SAMPLE_FILES
from reader.gui.paper_table import TITLE_MIN_PX
from reader.gui.paper_model import COL_SEEN, COL_TAGS, COL_TITLE
from reader.ingest import importer
from reader.store import Library


def menu_actions(window) -> list[QAction]:
    """Every entry of the menu bar, submenus included."""
    found, menus = [], [action.menu() for action in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        for action in menu.actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif not action.isSeparator():
                found.append(action)
    return found


# --- a failed digest says why (item 4) ------------------------------------------------------


def test_a_failed_digest_shows_why_it_has_no_papers(qtbot, make_window, library, tmp_path):
    photo = tmp_path / "photo.bin"
    photo.write_bytes(bytes(range(256)) * 4)
    assert importer.import_file(library, photo).status == "failed"
    window = make_window(library)
    digest = next(d for d in library.digests() if d.file.endswith("photo.bin"))
    assert window.sidebar.select_key(f"digest:{digest.file}")
    assert window.model.rowCount() == 0
    expected = "photo.bin could not be imported: not a text file (binary content)"
    assert window.detail.empty_hint.text() == expected
    assert window.statusBar().currentMessage() == expected
    window.sidebar.select_key("smart:Unread")  # an ordinary empty list still says what matched nothing
    window.set_search_text("zzzzqqq")
    assert window.detail.empty_hint.text() == "No papers match “is:unread zzzzqqq”."


# --- menus show the keys (item 5) -----------------------------------------------------------


def test_menus_show_the_single_keys_and_every_shortcut_is_unique(qtbot, window):
    hints = {action.text().partition("\t")[2] for action in menu_actions(window)}
    for key in ("Space", "U", "T", "N", "O", "P", "C", "0", "1", "2", "3", "4", "5"):
        assert key in hints, key
    assert window.action("import_log").shortcut() == QKeySequence("Ctrl+L")
    assert window.action("stats").shortcut() == QKeySequence("Ctrl+Shift+S")
    bound = [seq.toString() for action in window.findChildren(QAction) for seq in action.shortcuts()]
    assert len(bound) == len(set(bound)), sorted(bound)


def test_menu_key_hints_do_not_take_keys_from_the_search_box(qtbot, window):
    window.focus_search()
    qtbot.keyClicks(window.search_box.edit, "tonpc 15 u")
    assert window.search_box.edit.text() == "tonpc 15 u"
    assert window.undo_stack.count() == 0


def test_menu_entries_act_on_the_selection(qtbot, window, library):
    paper = window.current_paper_id()
    window.action("toggle_read").trigger()
    window.action("rate_4").trigger()
    state = library.user_state([paper])[paper]
    assert (state.read, state.rating) == (True, 4)


def test_ctrl_l_shows_the_import_log(qtbot, window):
    window.focus_list()
    assert not window.import_dock.isVisible()
    qtbot.keyClick(window.table, "l", QKeySequence("Ctrl+L")[0].keyboardModifiers())
    assert window.import_dock.isVisible()


# --- an unchanged import says so (item 6) ---------------------------------------------------


def test_importing_an_unchanged_file_says_it_is_already_in_the_library(qtbot, window):
    window.import_paths([SAMPLE_FILES[0]])
    assert window.statusBar().currentMessage() == f"{SAMPLE_FILES[0].name} unchanged — already in the library."


# --- writes by the CLI show up (item 7) -----------------------------------------------------


def test_changes_made_by_another_program_appear(qtbot, window, library):
    assert window.papers._external_timer.isActive()
    assert not window.papers.check_external_changes()  # nothing happened yet
    paper = window.current_paper_id()
    other = Library(library.folder)  # what `digest-reader tag 42 from-cli` does
    try:
        other.add_tags([paper], ["from-cli"])
        other.set_read([paper], True)
    finally:
        other.close()
    assert window.papers.check_external_changes()
    row = window.model.row_of(paper)
    assert window.model.index(row, 5).data() == "from-cli"
    assert window.model.index(row, 0).data() == ""  # read now
    assert window.sidebar.item_for_query("tag:from-cli").text(1) == "1"
    assert "from-cli" in window.detail.tag_editor.tags()
    assert window.current_paper_id() == paper
    assert not window.papers.check_external_changes()  # seen once, not again


def test_papers_imported_by_another_program_join_the_list(qtbot, make_window, sample_library_dir, tmp_path):
    first = Library(sample_library_dir / "gui")  # a library with one digest
    importer.import_file(first, SAMPLE_FILES[0])
    window = make_window(first)
    before = window.model.total()
    other = Library(first.folder)
    try:
        assert importer.import_file(other, SAMPLE_FILES[1]).status == "imported"
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.model.total() > before, timeout=5000)  # the 2 s poll
    assert window.sidebar.item_for_query("").text(1) == str(window.model.total())
    window.close()
    first.close()


# --- the list fits a small screen (item 8) --------------------------------------------------


def test_at_1024_px_the_title_stays_readable_without_a_horizontal_scrollbar(qtbot, window):
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    header = window.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.length() <= window.table.viewport().width() + 1)
    assert window.table.horizontalScrollBar().maximum() == 0
    assert header.sectionSize(COL_TITLE) >= TITLE_MIN_PX - 1  # was 38 px: "Bi…"
    assert not header.isSectionHidden(COL_TAGS)
    window.resize(1600, 900)  # room again: every column is back at its width
    qtbot.waitUntil(lambda: not header.isSectionHidden(COL_SEEN))
    assert header.sectionSize(COL_TITLE) > 400

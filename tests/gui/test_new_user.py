"""What a new user tripped over (issue 11): delete and archive, multi-tagging, plurals, digest
order, keys after a note, no browser, no display, dark dialogs, import log, old failures,
format groups and "Open with" while the app runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLabel, QMessageBox

SAMPLE = "000_1aa3a1462ac3e62b.txt"  # a scored list of 10 papers


def sidebar_item(window, label: str):
    return next(i for i in window.sidebar._all_items() if i.text(0) == label)


def click(qtbot, window, label: str) -> None:
    item = sidebar_item(window, label)
    window.sidebar.scrollToItem(item)
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def select_rows(window, rows: list[int]) -> None:
    from PySide6.QtCore import QItemSelectionModel

    # Not select_row(): a Ctrl left pressed by an earlier key click would make it toggle.
    selection = window.table.selectionModel()
    selection.setCurrentIndex(
        window.model.index(rows[0], 1),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    for row in rows[1:]:
        selection.select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def digest_order(library, name: str, column: str = "position", descending: bool = False) -> list[int]:
    order = "DESC" if descending else "ASC"
    return [r[0] for r in library.conn.execute(
        "SELECT s.paper_id FROM sightings s JOIN digests d ON d.id = s.digest_id"
        f" WHERE d.path LIKE ? ORDER BY s.{column} {order}, s.position", (f"%{name}",))]


# --- 1. delete and archive -----------------------------------------------------------------


def test_e_archives_the_selection_out_of_the_list_and_undo_brings_it_back(qtbot, window, library):
    total = library.count("")
    select_rows(window, [0, 1])
    ids = window.selected_ids()
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_E)
    assert library.count("") == total - 2 and library.count("is:archived") == 2
    assert not set(ids) & set(window.model.loaded_ids())
    assert window.model.total() == total - 2
    assert window.undo_stack.text(0) == "Archive 2 papers"
    qtbot.waitUntil(lambda: sidebar_item(window, "Archived").text(1) == "2")
    click(qtbot, window, "Archived")
    assert sorted(window.model.loaded_ids()) == sorted(ids)
    window.focus_list()
    window.table.select_row(0)
    qtbot.keyClick(window.table, Qt.Key.Key_E)  # in the archive: e brings the paper back
    assert library.count("is:archived") == 1
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert library.count("is:archived") == 0 and library.count("") == total


def test_delete_key_deletes_the_current_paper_and_undo_restores_it(qtbot, window, library):
    window.table.select_row(3)
    paper_id = window.current_paper_id()
    library.set_note(paper_id, "kept note")
    library.add_tags([paper_id], ["kept"])
    before = library.get_paper(paper_id)
    next_id = window.model.paper_id(4)
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert paper_id not in library.paper_ids()
    assert paper_id not in window.model.loaded_ids()
    assert window.current_paper_id() == next_id  # the next paper, not the top of the list
    assert window.undo_stack.text(0).startswith("Delete “")
    window.action("undo").trigger()
    assert library.get_paper(paper_id) == before
    assert paper_id in window.model.loaded_ids()


def test_deleting_several_papers_asks_first(qtbot, window, library, monkeypatch):
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    total = library.count("")
    select_rows(window, [0, 1, 2])
    window.action("delete").trigger()
    assert library.count("") == total and "Delete 3 papers" in asked[0]
    window.action("delete").trigger()
    assert library.count("") == total - 3
    assert window.action("delete") in window.menus["paper"].actions()
    assert window.action("archive") in window.menus["paper"].actions()


# --- 2. t on a multi-selection ------------------------------------------------------------


def test_t_on_several_papers_tags_every_one(qtbot, window, library, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("batch, later", True))
    select_rows(window, [0, 2, 4])
    ids = window.selected_ids()
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_T)
    assert sorted(library.paper_ids("tag:batch")) == sorted(ids)
    assert library.count("tag:later") == 3


# --- 3. plurals and percentages -----------------------------------------------------------


def test_export_with_one_row_selected_offers_that_paper(qtbot, window, monkeypatch):
    from reader.gui import settings_dialog

    shown = {}

    def fake_exec(dialog):
        shown["selection"] = dialog.selection.text()
        shown["enabled"] = dialog.selection.isEnabled()
        shown["checked"] = dialog.selection.isChecked()
        return 0

    monkeypatch.setattr(settings_dialog.ExportDialog, "exec", fake_exec)
    window.table.select_row(0)
    window.dialogs.export_dialog()
    assert shown == {"selection": "The 1 selected paper", "enabled": True, "checked": True}
    dialog = settings_dialog.ExportDialog(0, 1)
    assert dialog.listed.text() == "The 1 paper in the current list"
    dialog.deleteLater()


def test_stats_show_a_sensible_share_read(qtbot):
    from reader.gui.stats_dialog import ReadingStats, StatsDialog, percent_text

    assert [percent_text(*args) for args in ((0, 0), (0, 5), (3, 452), (1, 3), (451, 452), (4, 4))] == [
        "0%", "0%", "<1%", "33%", ">99%", "100%"]
    dialog = StatsDialog(ReadingStats(total=452, total_read=3))
    qtbot.addWidget(dialog)
    summary = dialog.findChildren(QLabel)[0].text()
    assert summary == "452 papers in the library, 3 read (<1%)."


# --- 4. digest order ----------------------------------------------------------------------


def test_a_digest_lists_its_papers_in_its_own_order(qtbot, window, library):
    click(qtbot, window, SAMPLE)
    assert window.model.loaded_ids() == digest_order(library, SAMPLE)
    window.papers.set_list_order("score", True)
    assert window.model.loaded_ids() == digest_order(library, SAMPLE, "score", descending=True)
    window.papers.set_list_order("position", False)
    assert window.model.loaded_ids() == digest_order(library, SAMPLE)


def test_leaving_an_automatic_digest_order_goes_back_to_newest_first(qtbot, window, library):
    click(qtbot, window, SAMPLE)
    assert window.model.default_sort() == ("position", False)
    click(qtbot, window, "All")
    assert window.model.default_sort() == ("added", True)
    assert window.model.loaded_ids()[:5] == library.paper_ids("", limit=5)


# --- 5. Ctrl+Enter in the note ------------------------------------------------------------


def test_after_ctrl_enter_in_a_note_list_keys_work_again(qtbot, window, library):
    window.table.select_row(0)
    first = window.current_paper_id()
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    qtbot.keyClicks(window.detail.note_editor, "idea")
    qtbot.keyClick(window.detail.note_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert library.get_paper(first).note == "idea"
    assert window.focusWidget() is window.table
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_J)
    assert window.current_paper_id() == window.model.paper_id(1)


# --- 6. no browser ------------------------------------------------------------------------


def test_with_no_browser_o_says_it_could_not_open(qtbot, window, library, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    assert window.select_paper(library.paper_ids("has:arxiv")[0])
    window.focus_list()
    qtbot.keyClick(window.table, Qt.Key.Key_O)
    message = window.statusBar().currentMessage()
    assert "Could not open the abstract page (no web browser?)" in message
    assert "has no" not in message


# --- 7. no display ------------------------------------------------------------------------


def test_no_display_is_said_plainly_before_qt_starts(monkeypatch, capsys, tmp_path):
    from reader.gui import app

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(app.sys, "platform", "linux")
    monkeypatch.setattr(app, "get_app", lambda: pytest.fail("Qt must not start"))
    assert app.run(tmp_path / "lib", None) == 1
    error = capsys.readouterr().err
    assert "no display" in error and "QT_QPA_PLATFORM=offscreen" in error
    assert app.missing_display({"DISPLAY": ":0"}, "linux") is None
    assert app.missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert app.missing_display({}, "darwin") is None


# --- 8. dark dialogs ----------------------------------------------------------------------


def test_dark_theme_reaches_file_dialogs_and_small_dialogs(qtbot, window, monkeypatch):
    from PySide6.QtGui import QPalette

    from reader.gui import theme
    from reader.gui.settings_dialog import SettingsDialog

    window.set_theme("dark")
    calls = []

    def fake_open(*args, **kwargs):
        calls.append(kwargs.get("options", args[4] if len(args) > 4 else None))
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_open)
    window.imports.choose_files()
    assert calls and calls[0] & QFileDialog.Option.DontUseNativeDialog
    assert theme.requested_scheme("dark") == Qt.ColorScheme.Dark
    dialog = SettingsDialog(window.settings, None, window.library_dir, window)
    qtbot.addWidget(dialog)
    assert dialog.palette().color(QPalette.ColorRole.Window).lightness() < 80
    window.set_theme("light")
    assert not theme.file_dialog_options() & QFileDialog.Option.DontUseNativeDialog


# --- 9. import log size -------------------------------------------------------------------


def test_the_import_log_opens_large_enough_and_remembers_its_height(qtbot, window, settings):
    window.resize(1200, 800)
    window.action("import_log").trigger()
    qtbot.waitUntil(lambda: window.import_dock.isVisible())
    qtbot.waitUntil(lambda: window.import_dock.height() >= 240)
    log = window.import_log
    assert log.header().sectionSize(0) >= 150  # file names stay readable next to long errors
    window.resizeDocks([window.import_dock], [300], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: abs(window.import_dock.height() - 300) < 20)
    window.action("import_log").trigger()
    assert abs(int(settings.value("window/importLogHeight")) - 300) < 20


# --- 10. old failures ---------------------------------------------------------------------


def test_failures_told_in_an_earlier_run_are_not_told_again(qtbot, make_window, library, tmp_path):
    from reader.ingest import importer

    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    assert importer.import_file(library, bad).status == "failed"  # an earlier run
    window = make_window(library)
    window.import_paths([bad], automatic=True)  # the watcher retries it at start
    assert "bad.txt" not in window.statusBar().currentMessage()
    assert "failed" not in window.statusBar().currentMessage()
    window.import_paths([bad])  # imported by hand: told, with the reason
    assert "bad.txt" in window.statusBar().currentMessage()
    new_bad = tmp_path / "new.txt"
    new_bad.write_bytes(b"\x00\x02binary")
    window.import_paths([new_bad], automatic=True)  # a new failure: told
    assert "new.txt" in window.statusBar().currentMessage()


# --- 11. format groups --------------------------------------------------------------------


def test_a_format_group_lists_the_papers_of_its_digests(qtbot, window, library):
    click(qtbot, window, "Daily papers")
    assert window.current_query() == "format:daily-papers"
    assert window.model.total() == library.count("format:daily-papers") > 0
    assert int(sidebar_item(window, "Daily papers").text(1)) == window.model.total()
    assert window.focusWidget() is window.table


# --- 12. "Open with" while the app runs ---------------------------------------------------


def test_open_with_hands_the_file_to_the_running_app(qtbot, tmp_path):
    from reader.gui.single_instance import InstanceServer, server_name
    from reader.store.lock import LibraryLock

    folder = tmp_path / "lib"
    folder.mkdir()
    lock = LibraryLock(folder)
    lock.acquire()
    server = InstanceServer(server_name(folder))
    received: list = []
    server.files_received.connect(received.append)
    assert server.listen()
    digest = tmp_path / "digest.md"
    digest.write_text("1. Some paper https://arxiv.org/abs/2401.00001\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "reader", "--library", str(folder), str(digest)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=30000)
        out, err = child.communicate()
        assert child.returncode == 0, err
        assert received == [[digest.resolve()]]
    finally:
        server.close()
        lock.release()


def test_the_window_imports_files_handed_over(qtbot, window, library, tmp_path):
    from gui_helpers import SAMPLE_FILES

    copy = tmp_path / "handed.txt"
    copy.write_bytes(Path(SAMPLE_FILES[0]).read_bytes() + b"\n")
    window.receive_files([copy])
    assert library.digest_by_path(copy) is not None


def test_archiving_every_paper_keeps_the_sidebar_not_the_welcome_page(qtbot, window, library):
    library.archive_papers(library.paper_ids())
    window.papers.reload_list()
    window.refresh_sidebar()
    assert window.stack.currentWidget() is window.splitter
    assert sidebar_item(window, "Archived").text(1) == str(library.count("is:archived"))
    assert sidebar_item(window, "All").text(1) == "0"

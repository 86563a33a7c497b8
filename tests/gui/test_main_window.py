"""The main window: welcome page, imports, import log, persistence, theme, and Qt warnings failing tests."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence, QPalette

from gui_helpers import SAMPLE_FILES, needs_samples
from reader.gui.actions import ACTIONS, help_text, keys_text
from reader.gui.imports import notification_text, summarize_imports
from reader.gui.main_window import MainWindow
from reader.gui.paper_table import PaperTableView
from reader.gui.settings_dialog import ShortcutsDialog
from reader.gui.worker import ImmediateWorker
from reader.ingest import ImportResult


def test_title_names_the_library_folder(window, library):
    assert window.windowTitle() == f"Digest Reader — {library.folder.name}"
    assert window.stack.currentWidget() is window.splitter


def test_empty_library_shows_the_welcome_page(make_window, empty_library, tmp_path):
    window = make_window(empty_library, watch_dir=tmp_path / "Digests")
    assert window.stack.currentWidget() is window.welcome
    assert str(tmp_path / "Digests") in window.welcome.body.text()
    assert "drag and drop" in window.welcome.body.text()
    assert "Watching:" in window.location_label.text()


@needs_samples
def test_importing_fills_list_sidebar_status_and_log(qtbot, make_window, empty_library, tmp_path):
    window = make_window(empty_library)
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    window.import_paths([*SAMPLE_FILES[:2], bad])
    assert window.stack.currentWidget() is window.splitter
    assert window.model.total() == 110
    assert "Imported 2 digests: 110 new papers" in window.statusBar().currentMessage()
    assert "1 failed" in window.statusBar().currentMessage()
    window.action("import_log").trigger()
    qtbot.waitUntil(lambda: window.import_log.topLevelItemCount() == 3)
    rows = {
        window.import_log.topLevelItem(i).text(0): window.import_log.topLevelItem(i).text(5)
        for i in range(3)
    }
    assert rows[SAMPLE_FILES[0].name] == "imported"
    assert rows["notes.txt"].startswith("failed: ")
    qtbot.waitUntil(lambda: window.sidebar.item_for_query("").text(1) == "110")


@needs_samples
def test_dropping_files_imports_them(qtbot, make_window, empty_library):
    window = make_window(empty_library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE_FILES[0]))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    assert window.model.total() == 10


def test_a_detail_change_reaches_library_list_and_sidebar(qtbot, window, library):
    paper_id = window.current_paper_id()
    window.detail.rating_requested.emit(paper_id, 4)
    window.detail.tags_requested.emit(paper_id, ["survey"])
    assert library.user_state([paper_id])[paper_id].rating == 4
    row = window.model.row_of(paper_id)
    assert window.model.index(row, 4).data() == "★★★★☆"
    assert window.model.index(row, 5).data() == "survey"
    qtbot.waitUntil(lambda: window.sidebar.item_for_query("tag:survey") is not None)
    assert window.sidebar.item_for_query("rating:>=1").text(1) == "1"
    assert window.undo_stack.count() == 2


def test_window_state_and_last_paper_persist(qtbot, library, settings, tmp_path):
    first = MainWindow(library, ImmediateWorker(library), library.folder, tmp_path, settings=settings, start_watcher=False)
    qtbot.addWidget(first)
    first.show()
    first.splitter.setSizes([260, 500, 400])  # wider than its labels need (narrower is widened)
    sizes = first.splitter.sizes()
    first.select_paper(300)
    first.close()
    second = MainWindow(library, ImmediateWorker(library), library.folder, tmp_path, settings=settings, start_watcher=False)
    qtbot.addWidget(second)
    second.show()
    assert second.current_paper_id() == 300
    # The offscreen screen is smaller than the first window: the list and detail shrink, the
    # sidebar keeps its width.
    assert second.splitter.sizes()[0] == sizes[0] == 260
    second.close()


def test_mark_read_after_a_delay_when_enabled(qtbot, window, library, settings):
    settings.setValue("reading/markReadAfterDelay", True)
    window.papers._mark_read_timer.setInterval(20)  # the real delay is 2 s; the behaviour is the same
    window.table.select_row(3)
    paper_id = window.current_paper_id()
    qtbot.waitUntil(lambda: library.user_state([paper_id])[paper_id].read)
    assert window.undo_stack.count() == 1


def test_no_mark_read_when_disabled(qtbot, window, library):
    window.papers._mark_read_timer.setInterval(1)
    window.table.select_row(3)
    qtbot.wait(30)
    assert not window.papers._mark_read_timer.isActive()
    assert window.undo_stack.count() == 0


def test_theme_switch_changes_palette_and_is_remembered(qtbot, window, settings):
    window.set_theme("dark")
    assert window.current_theme == "dark"
    assert window.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert settings.value("view/theme") == "dark"
    window.set_theme("light")
    assert window.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_export_writes_the_selection(qtbot, window, tmp_path):
    window.table.select_row(0)
    target = tmp_path / "out.bib"
    window.dialogs.export_to(target, "bibtex", window.selected_ids())
    text = target.read_text(encoding="utf-8")
    assert text.count("@") == 1
    assert "Exported 1 paper to" in window.statusBar().currentMessage()


def test_shortcuts_dialog_lists_exactly_the_actions_of_the_table(qtbot, window, monkeypatch):
    shown = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    window.action("shortcuts").trigger()
    dialog = shown[0]
    qtbot.addWidget(dialog)
    rows = [(dialog.table.item(row, 0).text(), dialog.table.item(row, 1).text())
            for row in range(dialog.table.rowCount())]
    with_keys = [spec for spec in ACTIONS if keys_text(spec)]
    assert sorted(rows) == sorted((keys_text(spec), help_text(spec)) for spec in with_keys)
    assert len({what for _keys, what in rows}) == len(rows)  # each row one action
    for spec in ACTIONS:  # what the window binds and the list's keys are what the dialog says
        bound = window.action(spec.name).shortcuts()
        if bound:
            assert bound[0].toString(QKeySequence.SequenceFormat.PortableText) in keys_text(spec), spec.name
        for key in spec.keys:
            assert PaperTableView.KEYS[getattr(Qt.Key, f"Key_{key}")] == spec.name
    assert len(PaperTableView.KEYS) == sum(len(spec.keys) for spec in ACTIONS)
    for row in (("j / ↓", "Next paper"), ("Space / r", "Toggle read / unread"), ("1", "Rate 1 star"),
                ("0", "Clear the rating"), ("Delete", "Delete (asks first for several papers; Ctrl+Z undoes)"),
                ("Enter", "Go to the detail"), ("Escape", "Back to the list"), ("/ or Ctrl+F", "Search"),
                ("Ctrl+Shift+Z", "Redo"), ("Ctrl+A", "Select every paper of the list"), ("Ctrl+L", "Show / hide the import log")):
        assert row in rows, row
    assert rows[:2] == [("j / ↓", "Next paper"), ("k / ↑", "Previous paper")]  # the list's keys first


def test_the_menus_hold_exactly_the_menu_actions_of_the_table(qtbot, window):
    in_menus = []
    menus = [action.menu() for action in window.menuBar().actions()]
    while menus:
        for action in menus.pop(0).actions():
            if action.menu() is not None:
                menus.append(action.menu())
            elif not action.isSeparator():
                in_menus.append(action)
    expected = [window.action(spec.name) for spec in ACTIONS if spec.menu]
    assert len(in_menus) == len(expected)
    assert set(in_menus) == set(expected)
    assert window.menus["paper/rate"].actions()[-1] is window.action("rate_0")


def test_import_messages():
    results = [
        ImportResult("a.txt", "newsletter", "imported", entries=12, new=10, merged=2),
        ImportResult("b.txt", None, "failed", error="empty file"),
        ImportResult("c.txt", "daily-papers", "unchanged"),
    ]
    assert summarize_imports(results) == (
        "Imported 1 digest: 10 new papers, 2 already known. 1 unchanged (already in the library)."
        " 1 failed (see View › Import log)."
    )
    assert notification_text(results) == "10 new papers from newsletter"
    assert summarize_imports(results[2:]) == "c.txt unchanged — already in the library."
    copy = ImportResult("/tmp/copy.txt", "newsletter", "imported", entries=10, new=0, merged=10)
    assert summarize_imports([copy]) == "copy.txt imported: no new papers — all 10 already in the library."


def test_a_qt_warning_fails_a_gui_test(tmp_path):
    """The conftest hook makes any Qt warning fail a test under tests/gui."""
    here = Path(__file__).resolve().parent
    probe = tmp_path / "gui"
    probe.mkdir()
    (probe / "conftest.py").write_text((here / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (probe / "gui_helpers.py").write_text((here / "gui_helpers.py").read_text(encoding="utf-8"), encoding="utf-8")
    shared_data = here.parent / "shared_data.py"  # gui_helpers imports it
    (probe / "shared_data.py").write_text(shared_data.read_text(encoding="utf-8"), encoding="utf-8")
    (probe / "test_probe.py").write_text(
        textwrap.dedent(
            """
            from PySide6.QtCore import qWarning

            def test_warns(qtbot):
                qWarning("something is off")

            def test_quiet(qtbot):
                pass
            """
        ),
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "qt_api=pyside6", str(probe)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert "1 failed, 1 passed" in out.stdout, out.stdout + out.stderr
    assert "something is off" in out.stdout


def test_reading_stats_count_imports_reads_and_tags(qtbot, window, library):
    from datetime import date

    from reader.gui.stats_dialog import collect_stats

    library.set_read([1, 2, 3], True)
    library.add_tags([1, 2], ["alpha"])
    library.add_tags([3], ["beta"])
    stats = collect_stats(library, today=date.today())
    assert stats.total == 452 and stats.total_read == 3
    assert stats.imported[-1] == 452  # the samples were imported this week
    assert stats.read[-1] == 3
    assert stats.tags == [("alpha", 2), ("beta", 1)]
    window.action("stats").trigger()
    qtbot.waitUntil(lambda: window.dialogs.stats_dialog is not None and window.dialogs.stats_dialog.isVisible())
    window.dialogs.stats_dialog.grab()  # paints both charts
    window.dialogs.stats_dialog.close()


def test_sorting_by_a_header_click_keeps_the_current_paper(qtbot, window, library):
    window.select_paper(40)
    header = window.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center())
    column = header.logicalIndexAt(header.rect().center())
    assert header.sortIndicatorSection() == column
    assert window.current_paper_id() == 40
    assert window.detail.paper_id() == 40


def test_settings_dialog_stores_and_window_applies(qtbot, window, library, settings, tmp_path):
    from reader.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(settings, window.watch_dir, window.library_dir, window)
    qtbot.addWidget(dialog)
    dialog.watch_field.edit.setText(str(tmp_path / "elsewhere"))
    dialog.library_field.edit.setText(str(tmp_path / "next-library"))
    dialog.mark_read.setChecked(True)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_size.setValue(14)
    dialog.accept()
    assert settings.value("library/location") == str(tmp_path / "next-library")
    assert settings.value("view/theme") == "dark"
    window.dialogs.apply_settings(dialog.values())
    assert window.papers.mark_read_on_select()
    assert window.current_theme == "dark"
    assert window.detail.font_point_size() == 14
    assert window.watch_dir == tmp_path / "elsewhere"
    assert "elsewhere" in window.location_label.text()
    assert library.get_setting("watch_folder") == str(tmp_path / "elsewhere")
    assert window.library_dir == library.folder  # the new location waits for a restart
    window.set_theme("light")


def test_library_location_from_settings_applies_on_the_next_start(monkeypatch, settings, tmp_path):
    from reader import config
    from reader.gui.app import resolve_library_dir

    monkeypatch.delenv(config.LIBRARY_ENV, raising=False)
    default = config.default_library_dir()
    assert resolve_library_dir(default, settings) == default
    settings.setValue("library/location", str(tmp_path / "moved"))
    assert resolve_library_dir(default, settings) == tmp_path / "moved"
    assert resolve_library_dir(tmp_path / "explicit", settings) == tmp_path / "explicit"


def test_title_column_stretches_and_column_widths_are_remembered(qtbot, library, settings, tmp_path):
    from PySide6.QtWidgets import QHeaderView

    from reader.gui.paper_model import COL_AUTHOR, COL_DATE, COL_SEEN, COL_TITLE

    first = MainWindow(library, ImmediateWorker(library), library.folder, tmp_path, settings=settings, start_watcher=False)
    qtbot.addWidget(first)
    first.resize(1300, 800)
    first.show()
    qtbot.waitExposed(first)
    header = first.table.horizontalHeader()
    assert header.sectionResizeMode(COL_TITLE) == QHeaderView.ResizeMode.Stretch
    assert header.sectionResizeMode(COL_AUTHOR) == QHeaderView.ResizeMode.Interactive
    columns = range(first.model.columnCount())
    # The columns fill the view: no empty band right of the last one.
    assert sum(header.sectionSize(c) for c in columns) == first.table.viewport().width()
    assert header.sectionSize(COL_TITLE) == max(header.sectionSize(c) for c in columns)
    date_width = header.fontMetrics().horizontalAdvance("2024-10-09")
    assert date_width < header.sectionSize(COL_DATE) < 3 * date_width
    assert header.sectionSize(COL_SEEN) < header.sectionSize(COL_DATE)
    header.resizeSection(COL_AUTHOR, 222)
    first.close()
    second = MainWindow(library, ImmediateWorker(library), library.folder, tmp_path, settings=settings, start_watcher=False)
    qtbot.addWidget(second)
    second.show()
    # The offscreen screen is small: the restored geometry is clamped to it, and a narrow
    # list shrinks the other columns for the title; a wide window gives the width back.
    second.resize(1900, 800)
    second_header = second.table.horizontalHeader()
    qtbot.waitUntil(lambda: second_header.sectionSize(COL_AUTHOR) == 222)
    assert second_header.sectionResizeMode(COL_TITLE) == QHeaderView.ResizeMode.Stretch
    second.close()


def test_first_start_selects_the_top_paper_with_the_list_at_the_top(window):
    assert window.table.currentIndex().row() == 0
    assert window.table.verticalScrollBar().value() == 0
    assert window.detail.paper_id() == window.model.paper_id(0)


def test_reading_stats_count_reads_in_earlier_weeks(library):
    from datetime import date, datetime, time, timedelta, timezone

    from reader.gui.stats_dialog import WEEKS, collect_stats
    from reader.store import UserState

    today = date(2030, 6, 12)  # a Wednesday
    three_weeks_ago = datetime.combine(today - timedelta(weeks=3), time(12), timezone.utc).isoformat()
    library.restore_user_state({7: UserState(read=True, read_at=three_weeks_ago)})
    library.set_read([8], True)  # now: long after the twelve weeks shown
    stats = collect_stats(library, today=today)
    assert stats.total == library.count("") and stats.total_read == 2
    assert len(stats.weeks) == len(stats.read) == WEEKS
    assert stats.weeks[-1] == date(2030, 6, 10)
    assert stats.read == [0] * (WEEKS - 4) + [1, 0, 0, 0]
    assert sum(stats.imported) == 0  # the samples were imported before those weeks


@pytest.mark.parametrize("restore_rows", [5, 5000])
def test_after_a_sort_the_current_paper_stays_selected_only_near_the_top(
    qtbot, window, library, monkeypatch, restore_rows
):
    from reader.gui import paper_list

    # Loading every row up to a paper far down would make each sort or filter change slow.
    monkeypatch.setattr(paper_list, "RESTORE_ROWS", restore_rows)
    window.select_paper(40)
    header = window.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center())
    ordered = library.paper_ids(
        "", sort=window.model.sort_key(), descending=window.model.descending()
    )
    assert ordered.index(40) >= 5  # far enough down for the small limit to matter
    expected = 40 if restore_rows == 5000 else ordered[0]
    assert window.current_paper_id() == expected

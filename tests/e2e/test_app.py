"""The real app (worker thread, folder watcher, lock) on a temporary library: a session survives a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from gui_helpers import SAMPLE_FILES, needs_samples
from reader.gui.app import build_window
from reader.store import Library
from reader.store.lock import LibraryLock

ROOT = Path(__file__).resolve().parents[2]


def start(qtbot, library_dir: Path, watch: Path, settings: QSettings):
    window = build_window(library_dir, watch, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def idle(window) -> bool:
    return not window.worker.is_busy() and not window.imports.importing() and not window.papers.searching()


@needs_samples
def test_a_reading_session_is_kept_across_a_restart(qtbot, tmp_path):
    library_dir, watch = tmp_path / "library", tmp_path / "Digests"
    watch.mkdir()
    for sample in SAMPLE_FILES[:4]:
        shutil.copy(sample, watch)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    lock = LibraryLock(library_dir).acquire()
    window = start(qtbot, library_dir, watch, settings)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    # Catch-up imports the four files already there; the watcher picks up the fifth.
    qtbot.waitUntil(lambda: window.model.total() == 345 and idle(window), timeout=60000)
    assert "Importing 2/4…" in messages
    assert any(m.startswith("Imported 4 digests: 345 new papers") for m in messages), messages
    shutil.copy(SAMPLE_FILES[4], watch / "later.txt")
    qtbot.waitUntil(lambda: window.model.total() == 452 and idle(window), timeout=60000)

    window.set_search_text("is:unread")
    qtbot.waitUntil(lambda: idle(window), timeout=10000)  # the list shows the search's papers
    window.table.select_row(2)
    paper_id = window.current_paper_id()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_T)
    qtbot.keyClicks(window.focusWidget(), "e2e, later")
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_4)
    qtbot.keyClick(window.table, Qt.Key.Key_N)
    qtbot.keyClicks(window.detail.note_editor, "Read the ablations.")
    qtbot.keyClick(window.detail.note_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.keyClick(window.table, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: idle(window), timeout=10000)
    row = window.model.row_of(paper_id)
    assert window.model.index(row, 0).data() == ""  # still listed, now read
    assert window.model.index(row, 4).data() == "★★★★☆"
    window.close()
    window.shutdown()
    lock.release()

    with Library(library_dir) as library:
        state = library.user_state([paper_id])[paper_id]
    assert (state.read, state.rating, state.note) == (True, 4, "Read the ablations.")
    assert sorted(state.tags) == ["e2e", "later"]

    lock = LibraryLock(library_dir).acquire()
    try:
        again = start(qtbot, library_dir, watch, settings)
        assert again.current_paper_id() == paper_id
        assert again.detail.paper_id() == paper_id
        row = again.model.row_of(paper_id)
        assert again.model.index(row, 5).data() == "e2e, later"
        assert again.model.total() == 452  # nothing imported twice
        again.close()
        again.shutdown()
    finally:
        lock.release()


def app_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DIGEST_READER_QUIT_AFTER_MS": "1500",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }


def test_python_m_reader_starts_and_quits_cleanly(tmp_path):
    watch = tmp_path / "Digests"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(tmp_path / "lib"), "--watch", str(watch)],
        env=app_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "lib" / "library.sqlite3").exists()
    assert watch.is_dir()


def test_a_locked_library_exits_with_code_2(tmp_path):
    library_dir = tmp_path / "lib"
    with LibraryLock(library_dir):
        result = subprocess.run(
            [sys.executable, "-m", "reader", "--library", str(library_dir), "--watch", str(tmp_path / "w")],
            env=app_env(tmp_path), capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )
    assert result.returncode == 2, result.stderr


def test_the_window_freezes_what_startup_made_out_of_full_collections(qtbot, tmp_path):
    """Python's full collections walked every Qt wrapper and module object made at startup,
    pausing the GUI thread 40-65 ms every few hundred page reads while scrolling 1M papers."""
    import gc

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = start(qtbot, tmp_path / "library", tmp_path / "watch", settings)
    try:
        assert gc.get_freeze_count() > 10_000
    finally:
        window.close()
        gc.unfreeze()  # the rest of the test session collects as usual

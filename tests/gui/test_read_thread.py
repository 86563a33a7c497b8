"""Searches typed in the box run on a reader thread: the latest query wins, stale results are dropped."""

from __future__ import annotations

import threading

from reader.gui.read_thread import ReadThread
from reader.store import Library


def test_a_stale_result_is_never_delivered(qtbot, sample_library_dir):
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True))
    release = threading.Event()
    delivered = []

    def slow(lib):
        release.wait(5)
        return "first"

    reader.submit("search", slow, delivered.append)
    reader.submit("search", lambda lib: lib.count("is:unread"), delivered.append)
    release.set()
    qtbot.waitUntil(lambda: bool(delivered))
    qtbot.wait(50)
    assert delivered == [Library(sample_library_dir, read_only=True).count("is:unread")]
    reader.stop()


def test_cancel_drops_the_running_request(qtbot, sample_library_dir):
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True))
    delivered = []
    reader.submit("search", lambda lib: lib.count(""), delivered.append)
    reader.cancel("search")
    other = []
    reader.submit("related", lambda lib: 7, other.append)
    qtbot.waitUntil(lambda: other == [7])
    qtbot.wait(50)
    assert delivered == []
    reader.stop()


def test_typing_shows_only_the_last_query(qtbot, window, library, sample_library_dir):
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True), parent=window)
    window.papers.use_reader(reader)
    shown = []
    window.model.modelReset.connect(lambda: shown.append(window.model.query))
    for text in ("t", "ta", "tag", "tag:", "tag:todo"):
        window.search_box.set_text(text)
    qtbot.waitUntil(lambda: window.model.query == "tag:todo")
    qtbot.wait(100)
    assert shown[-1] == "tag:todo"
    assert window.model.loaded_ids() == library.paper_ids("tag:todo")
    assert window.papers.current_search().text == "tag:todo"
    window.papers.stop()

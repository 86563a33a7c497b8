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


def test_a_typed_search_shows_its_rows_before_its_count(qtbot, make_window, empty_library):
    """At 1M papers counting a common word costs more than its first rows: they are
    shown at once ("80+ papers") and the count replaces it when the reader thread has it."""
    from paper_factory import digest, entry
    from reader.gui.paper_list import FIRST_ROWS

    empty_library.store_digest("/d/a.txt", "1", digest(*[
        entry(f"Common okapi {n}", arxiv_id=f"2401.{n:05d}") for n in range(260)]))
    window = make_window(empty_library)
    release = threading.Event()

    class SlowCount(Library):
        def count(self, query=""):
            release.wait(10)
            return super().count(query)

    reader = ReadThread(lambda: SlowCount(empty_library.folder, read_only=True), parent=window)
    window.papers.use_reader(reader)
    counts = []
    window.papers.count_changed.connect(counts.append)
    window.search_box.set_text("okapi")
    qtbot.waitUntil(lambda: window.model.query == "okapi")
    assert window.model.rowCount() == FIRST_ROWS < 260 and not window.model.total_known()
    assert counts[-1] == f"{FIRST_ROWS}+ papers"
    release.set()
    qtbot.waitUntil(lambda: window.model.total_known())
    assert window.model.total() == 260 and counts[-1] == "260 papers"
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() == 260)
    window.papers.stop()


def test_a_typed_search_is_counted_only_once_its_rows_are_painted(qtbot, make_window, empty_library):
    """Qt queues repaints behind other events: a count started right after the rows came
    (30 ms of a core at 1M papers) ran while the list painted them, and slowed that down."""
    from PySide6.QtCore import QEvent, QObject

    from paper_factory import digest, entry

    empty_library.store_digest("/d/a.txt", "1", digest(*[
        entry(f"Common okapi {n}", arxiv_id=f"2401.{n:05d}") for n in range(260)]))
    window = make_window(empty_library)
    events: list[str] = []

    class CountNoting(ReadThread):
        def submit(self, kind, job, done, failed=None):
            if kind == "count":
                events.append("count")
            return super().submit(kind, job, done, failed)

    class Paints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                events.append("paint")
            return False

    reader = CountNoting(lambda: Library(empty_library.folder, read_only=True), parent=window)
    window.papers.use_reader(reader)
    paints = Paints(window)
    window.table.viewport().installEventFilter(paints)
    window.model.modelReset.connect(lambda: events.append(f"rows of {window.model.query}"))
    window.search_box.set_text("okapi")
    qtbot.waitUntil(lambda: window.model.total_known() and window.model.query == "okapi")
    shown = events[events.index("rows of okapi"):]
    assert "count" in shown and "paint" in shown
    assert shown.index("paint") < shown.index("count")
    window.papers.stop()


def test_a_new_query_interrupts_a_running_count(qtbot, sample_library_dir):
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True))
    started = threading.Event()
    delivered = []

    def endless(lib):
        started.set()
        lib.conn.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
                         " SELECT count(*) FROM n").fetchone()

    reader.submit("count", endless, delivered.append)
    assert started.wait(5)
    qtbot.wait(100)  # the statement is running (an interrupt between statements is lost)
    reader.cancel("count")
    reader.submit("search", lambda lib: "next", delivered.append)
    qtbot.waitUntil(lambda: delivered == ["next"], timeout=5000)
    reader.stop()


def test_the_sidebar_counts_arrive_from_the_reader_thread(qtbot, settings, tmp_path, sample_library_dir):
    """The window opens without counting its sidebar on the GUI thread (seconds at 1M papers
    on a cold disk); the reader thread brings the numbers."""
    from reader.gui.main_window import MainWindow
    from reader.gui.sidebar import QueryRole
    from reader.gui.worker import ImmediateWorker

    gui_counts = []

    class Watched(Library):
        def count(self, query=""):
            gui_counts.append(query)
            return super().count(query)

    library = Watched(sample_library_dir)
    release = threading.Event()

    class Held(Library):
        def count(self, query=""):
            release.wait(10)
            return super().count(query)

    reader = ReadThread(lambda: Held(sample_library_dir, read_only=True))
    window = MainWindow(library, ImmediateWorker(library), sample_library_dir, tmp_path / "watch",
                        settings=settings, start_watcher=False, reader=reader)
    qtbot.addWidget(window)
    unread = next(i for i in window.sidebar._all_items() if i.data(0, QueryRole) == "is:unread")
    assert unread.text(1) == ""  # not counted yet
    assert "is:unread" not in gui_counts and "seen:>=2" not in gui_counts
    release.set()
    expected = str(Library(sample_library_dir, read_only=True).count("is:unread"))
    qtbot.waitUntil(lambda: unread.text(1) == expected)
    window.close()
    library.close()


def test_the_paper_being_read_stays_selected_with_no_query_on_the_gui_thread(
        qtbot, make_window, library_dir):
    """Typing a search that still lists the paper being read, further down than the first
    page: the reader thread finds its place with the page; the GUI thread asks nothing."""
    from paper_factory import digest, entry

    asked = []

    class Watched(Library):
        def matches(self, paper_id, query=""):
            asked.append("matches")
            return super().matches(paper_id, query)

        def paper_ids(self, *args, **kwargs):
            asked.append("paper_ids")
            return super().paper_ids(*args, **kwargs)

    library = Watched(library_dir)
    library.store_digest("/d/a.txt", "1", digest(*[
        entry(f"Common okapi {n}", arxiv_id=f"2401.{n:05d}") for n in range(260)]))
    oldest = min(library.paper_ids())
    window = make_window(library)
    reader = ReadThread(lambda: Library(library_dir, read_only=True), parent=window)
    window.papers.use_reader(reader)
    assert window.papers.select_paper(oldest)
    asked.clear()
    window.search_box.set_text("okapi")
    qtbot.waitUntil(lambda: window.model.query == "okapi")
    assert window.papers.current_paper_id() == oldest
    assert window.model.paper_id(window.table.currentIndex().row()) == oldest
    assert asked == []
    window.papers.stop()
    library.close()


def test_related_papers_being_read_never_hold_up_a_typed_search(qtbot, settings, tmp_path, sample_library_dir):
    from reader.gui.main_window import MainWindow
    from reader.gui.worker import ImmediateWorker

    release = threading.Event()

    class SlowRelated(Library):
        def related(self, *args, **kwargs):
            release.wait(10)
            return super().related(*args, **kwargs)

        def count(self, query=""):
            release.wait(10)  # the sidebar's counts too
            return super().count(query)

    library = Library(sample_library_dir)
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True))
    side = ReadThread(lambda: SlowRelated(sample_library_dir, read_only=True))
    window = MainWindow(library, ImmediateWorker(library), sample_library_dir, tmp_path / "watch",
                        settings=settings, start_watcher=False, reader=reader, side_reader=side)
    qtbot.addWidget(window)
    window.show()
    window.related.timer.timeout.emit()  # the related papers of the paper shown: held
    window.search_box.set_text("tag:todo")
    qtbot.waitUntil(lambda: window.model.query == "tag:todo", timeout=3000)
    assert window.model.loaded_ids() == library.paper_ids("tag:todo")
    release.set()
    window.close()
    library.close()


def test_the_detail_follows_typed_results_once_they_settle(qtbot, window, library, sample_library_dir):
    """Typing fast: the detail pane is filled for the paper the last result selected, not
    for each paper a keystroke's result selected on the way."""
    reader = ReadThread(lambda: Library(sample_library_dir, read_only=True), parent=window)
    window.papers.use_reader(reader)
    shown = []
    window.papers.current_changed.connect(shown.append)
    follower = window.papers._detail
    follower.timer.setInterval(10_000)  # a slow typist's pause: the result waits for it
    window.search_box.set_text("tag:todo")
    qtbot.waitUntil(lambda: window.model.query == "tag:todo")
    assert follower.timer.isActive() and shown == []
    window.search_box.set_text("is:unread")  # the next keystroke holds the detail back
    assert not follower.timer.isActive()
    qtbot.waitUntil(lambda: window.model.query == "is:unread")
    follower.timer.setInterval(0)
    follower.timer.start()
    qtbot.waitUntil(lambda: bool(shown))
    first_unread = library.paper_ids("is:unread")[0]
    assert shown == [first_unread] == [window.papers.current_paper_id()]
    window.papers.stop()


def test_a_sidebar_entry_is_read_on_the_reader_thread_too(qtbot, make_window, empty_library):
    """Selecting "Unread" in a big library counts on the reader thread, not the GUI thread."""
    from paper_factory import digest, entry
    from reader.gui.paper_list import FIRST_ROWS

    empty_library.store_digest("/d/a.txt", "1", digest(*[
        entry(f"Paper {n}", arxiv_id=f"2401.{n:05d}") for n in range(150)]))
    window = make_window(empty_library)
    release = threading.Event()
    threads = []

    class SlowCount(Library):
        def count(self, query=""):
            threads.append(threading.current_thread())
            release.wait(10)
            return super().count(query)

    reader = ReadThread(lambda: SlowCount(empty_library.folder, read_only=True), parent=window)
    window.papers.use_reader(reader)
    window.sidebar.select_key("smart:Unread")
    qtbot.waitUntil(lambda: window.model.query == "is:unread")
    assert window.model.rowCount() == FIRST_ROWS and not window.model.total_known()
    release.set()
    qtbot.waitUntil(lambda: window.model.total_known())
    assert window.model.total() == 150
    assert threads and threading.main_thread() not in threads
    window.papers.stop()

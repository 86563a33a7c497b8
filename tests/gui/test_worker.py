"""LibraryWorker: jobs run in order on their own thread; results and changes come back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from reader.gui.worker import ImmediateWorker, LibraryWorker


def test_jobs_run_on_the_worker_thread_and_report_on_the_gui_thread(qtbot, library_dir):
    from reader.store import Library

    Library(library_dir).close()
    worker = LibraryWorker(library_dir)
    worker.start()
    gui_thread = threading.get_ident()
    seen: list[tuple] = []
    try:
        with qtbot.waitSignal(worker.changed, timeout=10000) as changed:
            worker.submit(
                lambda lib: (threading.get_ident(), lib.count("")),
                done=lambda result: seen.append((result, threading.get_ident(), QThread.currentThread())),
                changes=[3, 4],
            )
        (job_thread, count), done_thread, _qthread = seen[0]
        assert job_thread != gui_thread and done_thread == gui_thread
        assert count == 0
        assert changed.args == [{3, 4}]
    finally:
        worker.stop()


def test_jobs_run_in_submission_order_and_writes_land(qtbot, sample_library_dir):
    from reader.store import Library

    worker = LibraryWorker(sample_library_dir)
    worker.start()
    order: list[int] = []
    try:
        with qtbot.waitSignal(worker.idle, timeout=10000):
            for n in range(1, 6):
                worker.submit(lambda lib, n=n: lib.set_rating([1], n), done=lambda _r, n=n: order.append(n))
        assert order == [1, 2, 3, 4, 5]
    finally:
        worker.stop()
    with Library(sample_library_dir) as reader:
        assert reader.user_state([1])[1].rating == 5


def test_a_failing_job_reports_and_the_worker_keeps_going(qtbot, library_dir):
    worker = LibraryWorker(library_dir)
    worker.start()
    results = []
    try:
        with qtbot.waitSignal(worker.failed, timeout=10000) as failed:
            worker.submit(lambda lib: lib.set_rating([999], 3))
        assert "Could not update the library" in failed.args[0]
        with qtbot.waitSignal(worker.idle, timeout=10000):
            worker.submit(lambda lib: lib.count(""), done=results.append)
        assert results == [0]
    finally:
        worker.stop()


def test_stop_finishes_queued_jobs_first(qtbot, sample_library_dir):
    from reader.store import Library

    worker = LibraryWorker(sample_library_dir)
    worker.start()
    for paper_id in range(1, 21):
        worker.submit(lambda lib, i=paper_id: lib.set_read([i], True))
    worker.stop()
    with Library(sample_library_dir) as reader:
        assert all(state.read for state in reader.user_state(range(1, 21)).values())


def test_notify_false_emits_no_change(qtbot, library):
    worker = ImmediateWorker(library)
    changes = []
    worker.changed.connect(changes.append)
    worker.submit(lambda lib: lib.count(""), notify=False)
    worker.submit(lambda lib: lib.set_read([1], True), changes=[1])
    assert changes == [{1}]


def test_immediate_worker_reports_failures_like_the_real_one(qtbot, library):
    worker = ImmediateWorker(library)
    with qtbot.waitSignal(worker.failed) as failed:
        worker.submit(lambda lib: lib.set_rating([1], 9))
    assert failed.args[0].startswith("Could not update the library")


def test_stop_drops_queued_background_jobs_but_keeps_user_changes(qtbot, sample_library_dir):
    from reader.store import Library

    worker = LibraryWorker(sample_library_dir)
    gate = threading.Event()
    ran: list[str] = []
    worker.submit(lambda lib: gate.wait(10))  # holds the thread while the queue fills
    worker.start()
    worker.submit(lambda lib: ran.append("import"), background=True)
    worker.submit(lambda lib: lib.set_rating([2], 5))
    threading.Timer(0.05, gate.set).start()
    worker.stop()
    assert ran == []
    with Library(sample_library_dir) as reader:
        assert reader.user_state([2])[2].rating == 5

"""The one job queue: jobs run one at a time in order on a thread owning the resource."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from waiting import wait_until
from reader.ingest.queue import Job, JobQueue

TIMEOUT = 10.0


class SlowImporter:
    """A fake import job that records calls and notices overlapping ones."""

    def __init__(self, delay: float = 0.01) -> None:
        self.delay = delay
        self.calls: list[Path] = []
        self.running = 0
        self.overlapped = False
        self.lock = threading.Lock()

    def job(self, path: Path) -> Callable[[object], str]:
        return lambda _resource: self(path)

    def __call__(self, path: Path) -> str:
        with self.lock:
            self.running += 1
            self.overlapped |= self.running > 1
        time.sleep(self.delay)
        with self.lock:
            self.running -= 1
            self.calls.append(path)
        if path.name == "broken":
            raise ValueError("boom")
        return f"imported {path.name}"


def test_jobs_run_one_at_a_time_in_order_with_batch_progress():
    importer = SlowImporter()
    finished: list[tuple[str, object, int, int]] = []
    queue = JobQueue(on_finished=lambda job: finished.append((job.key.name, job.result, job.done, job.total)))
    queue.start()
    for n in range(5):
        queue.submit(importer.job(Path(f"d{n}")), key=Path(f"d{n}"))
    assert queue.wait_idle(TIMEOUT)
    queue.stop()
    assert not importer.overlapped
    assert finished == [(f"d{n}", f"imported d{n}", n + 1, 5) for n in range(5)]


def test_a_key_already_waiting_is_not_queued_twice():
    release = threading.Event()
    calls: list[str] = []

    def blocking(path: Path) -> Callable[[object], None]:
        return lambda _resource: (calls.append(path.name), release.wait(TIMEOUT))

    queue = JobQueue()
    queue.start()
    assert queue.submit(blocking(Path("running")), key=Path("running"))
    assert wait_until(lambda: calls == ["running"])
    # changed again while being imported: do it again
    assert queue.submit(blocking(Path("running")), key=Path("running"))
    assert queue.submit(blocking(Path("waiting")), key=Path("waiting"))
    assert queue.submit(blocking(Path("waiting")), key=Path("waiting")) is None
    assert queue.submit(blocking(Path("other")), key=Path("other"))
    release.set()
    assert queue.wait_idle(TIMEOUT)
    queue.stop()
    assert calls == ["running", "running", "waiting", "other"]


def test_a_failing_job_is_reported_and_the_queue_keeps_going_in_new_batches():
    finished: list[tuple[str, str | None, int, int]] = []

    def record(job: Job) -> None:
        finished.append((job.key.name, str(job.error) if job.error else None, job.done, job.total))

    importer = SlowImporter(delay=0)
    queue = JobQueue(on_finished=record)
    queue.start()
    for name in ("broken", "fine"):
        queue.submit(importer.job(Path(name)), key=Path(name))
    assert queue.wait_idle(TIMEOUT)
    queue.submit(importer.job(Path("later")), key=Path("later"))
    assert queue.wait_idle(TIMEOUT)
    queue.stop()
    assert finished == [("broken", "boom", 1, 2), ("fine", None, 2, 2), ("later", None, 1, 1)]
    assert queue.progress == (1, 1)


def test_stop_drops_waiting_background_jobs_unless_draining_and_keeps_the_others():
    for drain, expected in ((False, ["d0", "user"]), (True, ["d0", "d1", "d2", "user"])):
        importer = SlowImporter(delay=0.05)
        closed = threading.Event()

        class Resource:
            def close(self) -> None:
                closed.set()

        queue = JobQueue(Resource)
        for n in range(3):
            queue.submit(importer.job(Path(f"d{n}")), background=True)
        queue.submit(importer.job(Path("user")))  # a user's change is never dropped
        queue.start()
        assert wait_until(lambda: importer.running == 1)
        queue.stop(drain=drain, timeout=TIMEOUT)
        assert closed.is_set()  # the resource is closed on its own thread as the queue ends
        assert [path.name for path in importer.calls] == expected
        assert queue.submit(importer.job(Path("after-stop"))) is None


def test_jobs_get_the_resource_opened_on_the_queue_thread():
    opened_on: list[int] = []
    ran_on: list[int] = []

    def open_resource() -> str:
        opened_on.append(threading.get_ident())
        return "library"

    queue = JobQueue(open_resource)
    queue.submit(lambda resource: ran_on.append((threading.get_ident(), resource)))
    queue.start()
    assert queue.wait_idle(TIMEOUT)
    queue.stop()
    assert opened_on[0] != threading.get_ident()
    assert ran_on == [(opened_on[0], "library")]


def test_a_resource_that_cannot_open_is_told_and_the_jobs_are_dropped():
    failures: list[str] = []
    ran: list[object] = []

    def refuse() -> None:
        raise OSError("no library here")

    queue = JobQueue(refuse, on_open_failed=lambda exc: failures.append(str(exc)))
    queue.submit(ran.append)
    queue.start()
    assert wait_until(lambda: failures == ["no library here"])
    assert queue.wait_idle(TIMEOUT)
    queue.stop()
    assert ran == []

"""The one job queue of the app and `watch`: jobs run in order on a thread that owns the library."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)


class Job:
    """One submitted job; after it ran, `result` or `error` is set and `done`/`total` count
    it within its batch (the jobs queued since the queue was last idle)."""

    __slots__ = ("run", "key", "background", "context", "result", "error", "done", "total")

    def __init__(
        self, run: Callable[[Any], object], key: Hashable | None, background: bool, context: Any
    ) -> None:
        self.run = run
        self.key = key
        self.background = background
        self.context = context  # whatever the submitter needs once the job ran
        self.result: object = None
        self.error: Exception | None = None
        self.done = 0
        self.total = 0


class JobQueue:
    """Run job.run(resource) one at a time on one thread, in submission order.

    `open_resource` runs on that thread first (a sqlite connection must stay in the thread
    that opened it); the resource is closed there at the end. `on_finished(job)` runs on
    the queue's thread after each job; `on_open_failed(exc)` when the resource cannot be
    opened, which ends the thread. A job with a `key` is not queued while another job with
    that key is waiting (a file saved twice is imported once); one already running does
    not count, since the file may have changed again. Background jobs (imports: the next
    start catches up on them) are dropped by stop() unless it drains.
    """

    def __init__(
        self,
        open_resource: Callable[[], Any] | None = None,
        *,
        on_finished: Callable[[Job], None] | None = None,
        on_open_failed: Callable[[Exception], None] | None = None,
        name: str = "digest-jobs",
    ) -> None:
        self.open_resource = open_resource
        self.on_finished = on_finished
        self.on_open_failed = on_open_failed
        self.name = name
        self._waiting: deque[Job] = deque()
        self._keys: set[Hashable] = set()
        self._busy = False
        self._done = 0
        self._total = 0
        self._stopping = False
        self._drain = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def progress(self) -> tuple[int, int]:
        """(done, total) of the current batch."""
        with self._cond:
            return self._done, self._total

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread; jobs submitted before wait for it."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def submit(
        self,
        run: Callable[[Any], object],
        *,
        key: Hashable | None = None,
        background: bool = False,
        context: Any = None,
    ) -> Job | None:
        """Queue run(resource); None when a job with `key` is waiting or the queue stops."""
        with self._cond:
            if self._stopping or (key is not None and key in self._keys):
                return None
            if not self._busy and not self._waiting:
                self._done = self._total = 0
            job = Job(run, key, background, context)
            if key is not None:
                self._keys.add(key)
            self._waiting.append(job)
            self._total += 1
            self._cond.notify_all()
            return job

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is waiting or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy and not self._waiting, timeout)

    def stop(self, *, drain: bool = False, timeout: float | None = None) -> None:
        """Stop after the jobs that must run: every waiting one when `drain`, else all but
        the background ones. No job is accepted from now on."""
        with self._cond:
            self._stopping, self._drain = True, drain
            if not drain:
                for job in [j for j in self._waiting if j.background]:
                    self._forget(job)
            self._cond.notify_all()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _forget(self, job: Job) -> None:
        self._waiting.remove(job)
        self._keys.discard(job.key)

    def _next(self) -> Job | None:
        with self._cond:
            self._cond.wait_for(lambda: self._waiting or self._stopping)
            if not self._waiting:
                return None
            job = self._waiting.popleft()
            self._keys.discard(job.key)
            self._busy = True
            return job

    def _run(self) -> None:
        resource = None
        try:
            if self.open_resource is not None:
                try:
                    resource = self.open_resource()
                except Exception as exc:  # nothing can run: tell, drop the jobs, end
                    self._abandon()
                    self._call(self.on_open_failed, exc)
                    return
            while (job := self._next()) is not None:
                self._execute(job, resource)
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            close = getattr(resource, "close", None)
            if close is not None:
                self._call(close)

    def _execute(self, job: Job, resource: Any) -> None:
        try:
            job.result = job.run(resource)
        except Exception as exc:  # a crashing job must not stop the queue; on_finished tells
            job.error = exc
            if self.on_finished is None:
                log.exception("job %r failed", job.run)
        with self._cond:
            self._done += 1
            job.done, job.total = self._done, self._total
        self._call(self.on_finished, job)
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    def _abandon(self) -> None:
        with self._cond:
            self._stopping = True
            self._waiting.clear()
            self._keys.clear()
            self._cond.notify_all()

    @staticmethod
    def _call(fn: Callable[..., Any] | None, *args: Any) -> None:
        if fn is None:
            return
        try:
            fn(*args)
        except Exception:
            log.exception("job queue callback %r failed", fn)

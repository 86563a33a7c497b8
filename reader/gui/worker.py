"""The library worker: the core job queue on its own thread, reporting back on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from reader.ingest.queue import Job, JobQueue

log = logging.getLogger(__name__)

Done = Callable[[object], None] | None


def _describe(exc: BaseException) -> str:
    """A user-facing one-liner for an exception raised by a job."""
    message = str(exc).strip() or exc.__class__.__name__
    return f"Could not update the library: {message}"


class LibraryWorker(QObject):
    """Owns the write connection: a reader.store.Library opened on the queue's thread."""

    changed = Signal(object)  # set[int] of paper ids whose state changed (empty = many/unknown)
    failed = Signal(str)  # a user-facing error message
    idle = Signal()  # the queue ran empty
    _finished = Signal(object)  # a Job, emitted on the queue's thread
    _open_failed = Signal(str)  # likewise; both are carried over to the GUI thread

    def __init__(
        self,
        library_dir: Path | None = None,
        parent: QObject | None = None,
        open_library: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        if open_library is None:
            from reader.store import Library

            folder = Path(library_dir) if library_dir is not None else None
            open_library = lambda: Library(folder)  # noqa: E731
        self._queue = JobQueue(
            open_library, on_finished=self._on_thread_finished,
            on_open_failed=lambda exc: self._open_failed.emit(_describe(exc)), name="library-worker",
        )
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._open_failed.connect(self.failed.emit, Qt.ConnectionType.QueuedConnection)
        self.pending = 0

    def start(self) -> None:
        self._queue.start()

    def stop(self, timeout_ms: int = 30000) -> None:
        """Finish the queued user changes, drop queued background jobs (imports: the next
        start catches up on them), then close the connection and end the thread."""
        if self._queue.running:
            self._queue.stop(timeout=timeout_ms / 1000)

    def is_busy(self) -> bool:
        return self.pending > 0

    def submit(
        self,
        job: Callable[[Any], object],
        done: Done = None,
        changes: Iterable[int] = (),
        notify: bool = True,
        background: bool = False,
    ) -> None:
        """Run job(library) on the worker thread; then, on the GUI thread, call done(result)
        and emit changed(set(changes)). notify=False: the job changes no papers (a read, a
        setting), so no changed signal. background=True: may be dropped when the app quits."""
        self.pending += 1
        self._queue.submit(job, background=background, context=(done, set(changes), notify))

    def _on_thread_finished(self, job: Job) -> None:
        if job.error is not None:  # logged here, where the traceback is still at hand
            log.error("library job failed", exc_info=job.error)
        self._finished.emit(job)

    @Slot(object)
    def _on_finished(self, job: Job) -> None:
        self.pending -= 1
        done, changes, notify = job.context
        if job.error is not None:
            self.failed.emit(_describe(job.error))
        elif done is not None:
            done(job.result)
        if notify:
            self.changed.emit(set(changes))
        if self.pending == 0:
            self.idle.emit()


class ImmediateWorker(QObject):
    """Same interface as LibraryWorker, but runs each job at once on the calling thread (tests)."""

    changed = Signal(object)
    failed = Signal(str)
    idle = Signal()

    def __init__(self, library: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.pending = 0

    def start(self) -> None:
        pass

    def stop(self, timeout_ms: int = 0) -> None:
        pass

    def is_busy(self) -> bool:
        return False

    def submit(
        self,
        job: Callable[[Any], object],
        done: Done = None,
        changes: Iterable[int] = (),
        notify: bool = True,
        background: bool = False,
    ) -> None:
        try:
            result = job(self.library)
        except Exception as exc:  # reported like LibraryWorker does
            self.failed.emit(_describe(exc))
        else:
            if done is not None:
                done(result)
        if notify:
            self.changed.emit(set(changes))
        self.idle.emit()

"""The library worker: one thread that owns the write connection and runs jobs in order."""

from __future__ import annotations

import logging
import queue
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

Job = Callable[[Any], object]
Done = Callable[[object], None] | None

_STOP = object()


class _Ticket:
    """One submitted job and what to do on the GUI thread once it ran."""

    __slots__ = ("job", "done", "changes", "notify", "background", "result", "error")

    def __init__(
        self, job: Job, done: Done, changes: set[int], notify: bool = True, background: bool = False
    ) -> None:
        self.job = job
        self.done = done
        self.changes = changes
        self.notify = notify
        self.background = background
        self.result: object = None
        self.error: str | None = None


def _describe(exc: BaseException) -> str:
    """A user-facing one-liner for an exception raised by a job."""
    message = str(exc).strip() or exc.__class__.__name__
    return f"Could not update the library: {message}"


class _JobThread(QThread):
    """Opens the write Library inside the thread (sqlite connections stay in their thread)."""

    finished_job = Signal(object)  # _Ticket
    opened = Signal(str)  # "" when the library opened, else the error message

    def __init__(self, open_library: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_library = open_library
        self.jobs: queue.Queue = queue.Queue()

    def run(self) -> None:
        try:
            library = self._open_library()
        except Exception as exc:  # the GUI shows it; the thread ends
            self.opened.emit(_describe(exc))
            return
        self.opened.emit("")
        try:
            self._serve(library)
        finally:
            close = getattr(library, "close", None)
            if close is not None:
                close()

    def _serve(self, library: Any) -> None:
        while True:
            ticket = self.jobs.get()
            if ticket is _STOP:
                return
            try:
                ticket.result = ticket.job(library)
            except Exception as exc:  # reported to the user; the worker keeps serving
                log.error("library job failed:\n%s", traceback.format_exc())
                ticket.error = _describe(exc)
            self.finished_job.emit(ticket)


class LibraryWorker(QObject):
    """Owns the write connection (a reader.library.Library opened in its own QThread)."""

    changed = Signal(object)  # set[int] of paper ids whose state changed (empty = many/unknown)
    failed = Signal(str)  # a user-facing error message
    idle = Signal()  # the queue ran empty

    def __init__(
        self,
        library_dir: Path | None = None,
        parent: QObject | None = None,
        open_library: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        if open_library is None:
            from reader.library import Library

            folder = Path(library_dir) if library_dir is not None else None
            open_library = lambda: Library(folder)  # noqa: E731
        self._thread = _JobThread(open_library)
        self._thread.finished_job.connect(self._on_finished)
        self._thread.opened.connect(self._on_opened)
        self.pending = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_ms: int = 30000) -> None:
        """Finish the queued user changes, drop queued background jobs (imports: the next
        start catches up on them), then close the connection and end the thread."""
        if not self._thread.isRunning():
            return
        jobs = self._thread.jobs
        kept = []
        while not jobs.empty():
            ticket = jobs.get_nowait()
            if ticket is not _STOP and not ticket.background:
                kept.append(ticket)
        for ticket in kept:
            jobs.put(ticket)
        jobs.put(_STOP)
        self._thread.wait(timeout_ms)

    def is_busy(self) -> bool:
        return self.pending > 0

    def submit(
        self,
        job: Job,
        done: Done = None,
        changes: Iterable[int] = (),
        notify: bool = True,
        background: bool = False,
    ) -> None:
        """Run job(library) on the worker thread; then, on the GUI thread, call done(result)
        and emit changed(set(changes)). notify=False: the job changes no papers (a read, a
        setting), so no changed signal. background=True: may be dropped when the app quits."""
        self.pending += 1
        self._thread.jobs.put(_Ticket(job, done, set(changes), notify, background))

    @Slot(str)
    def _on_opened(self, error: str) -> None:
        if error:
            self.failed.emit(error)

    @Slot(object)
    def _on_finished(self, ticket: _Ticket) -> None:
        self.pending -= 1
        if ticket.error is not None:
            self.failed.emit(ticket.error)
        elif ticket.done is not None:
            ticket.done(ticket.result)
        if ticket.notify:
            self.changed.emit(set(ticket.changes))
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
        job: Job,
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

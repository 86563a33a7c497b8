"""Reads off the GUI thread: a thread with its own read-only connection, latest request wins.

Each request has a kind ("search", "related"); a new request of a kind replaces the one
waiting and interrupts the one running (sqlite3's interrupt()), and a result is delivered
only while its request is still the latest of its kind: a stale search never repaints.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


@dataclass
class ReadRequest:
    kind: str
    job: Callable[[Any], object]  # job(library) -> result, on the reader thread
    done: Callable[[object], None]  # done(result), on the GUI thread
    serial: int = 0
    result: object = None
    error: BaseException | None = field(default=None, repr=False)
    failed: Callable[[BaseException], None] | None = None  # failed(error), on the GUI thread


class ReadThread(QObject):
    """Runs read jobs on one thread that opens and owns a read-only Library."""

    _finished = Signal(object)  # a ReadRequest, emitted on the reader thread

    def __init__(self, open_library: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_library = open_library
        self._lock = threading.Condition()
        self._waiting: dict[str, ReadRequest] = {}
        self._latest: dict[str, int] = {}
        self._running: ReadRequest | None = None
        self._library: Any = None
        self._serial = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="library-reader", daemon=True)
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread.start()

    def submit(
        self, kind: str, job: Callable[[Any], object], done: Callable[[object], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Queue job (replacing the waiting one of its kind, interrupting the running one);
        returns the request's serial number. `failed` hears of an error, else it is logged."""
        with self._lock:
            self._serial += 1
            request = ReadRequest(kind, job, done, self._serial, failed=failed)
            self._waiting[kind] = request
            self._latest[kind] = request.serial
            running = self._running
            if running is not None and running.kind == kind and self._library is not None:
                self._library.conn.interrupt()  # its result would be dropped anyway
            self._lock.notify()
        return request.serial

    def cancel(self, kind: str) -> None:
        """Forget the requests of a kind: none of their results will be delivered."""
        with self._lock:
            self._serial += 1
            self._latest[kind] = self._serial
            self._waiting.pop(kind, None)
            running = self._running
            if running is not None and running.kind == kind and self._library is not None:
                self._library.conn.interrupt()  # a long count must not hold up what replaces it

    def is_latest(self, request: ReadRequest) -> bool:
        return self._latest.get(request.kind) == request.serial

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopping = True
            self._waiting.clear()
            if self._running is not None and self._library is not None:
                self._library.conn.interrupt()
            self._lock.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._library = self._open_library()
        except Exception:  # the GUI thread's reads still work; searches report nothing
            log.exception("the reader thread could not open the library")
            return
        try:
            while True:
                with self._lock:
                    while not self._waiting and not self._stopping:
                        self._lock.wait()
                    if self._stopping:
                        return
                    # A typed search first: the user is waiting for it.
                    kind = "search" if "search" in self._waiting else next(iter(self._waiting))
                    request = self._running = self._waiting.pop(kind)
                try:
                    request.result = request.job(self._library)
                except sqlite3.OperationalError as exc:
                    if "interrupt" not in str(exc):
                        request.error = exc
                except Exception as exc:  # reported on the GUI thread
                    request.error = exc
                with self._lock:
                    self._running = None
                    if self._stopping:
                        return
                    if self.is_latest(request):
                        self._finished.emit(request)
        finally:
            self._library.close()

    @Slot(object)
    def _deliver(self, request: ReadRequest) -> None:
        if not self.is_latest(request):
            return  # a newer request of its kind was made meanwhile
        if request.error is not None:
            log.error("read job failed", exc_info=request.error)
            if request.failed is not None:
                request.failed(request.error)
            return
        request.done(request.result)

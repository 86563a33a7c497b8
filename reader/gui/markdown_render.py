"""Markdown rendered in a separate process, so the GUI thread never waits on it nor on its GIL."""

from __future__ import annotations

import atexit
import multiprocessing
import time
from collections import OrderedDict
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, QTimer, Signal, Slot

from reader import render
from reader.render import (  # noqa: F401 (what the GUI modules and tests import from here)
    FAILED_NOTE,
    MAX_MARKDOWN_CHARS,
    MAX_NESTING,
    TIME_BUDGET_S,
    TOO_LONG_NOTE,
    fallback_note,
    nesting,
    render_with_budget,
)

CACHE_SIZE = 256
# The renderer interrupts itself after TIME_BUDGET_S; one that has not answered this much
# later is stuck inside a single C call (or stopped) and is killed.
HANG_GRACE_S = 2.0
# Until it says it is ready, a renderer may still be importing on a loaded machine.
STARTUP_S = 15.0
# A renderer that dies this many times in a row before it is ready cannot start here:
# from then on every text stays plain instead of spawning processes forever.
MAX_FAILED_STARTS = 3


class RenderProcess(QObject):
    """A renderer process fed one request at a time, restarted when it dies or stops answering.

    submit(text) -> request id; finished(request id, html or None) later, on the GUI thread.
    Answers are read when the pipe becomes readable (a socket notifier): no thread of ours
    runs Python while the renderer works."""

    finished = Signal(int, object)  # request id, html or None

    def __init__(
        self,
        parent: QObject | None = None,
        hang_s: float = TIME_BUDGET_S + HANG_GRACE_S,
        startup_s: float = STARTUP_S,
    ) -> None:
        super().__init__(parent)
        self._hang_ms = int(hang_s * 1000)
        self._startup_ms = int(startup_s * 1000)
        # spawn: a fresh interpreter, never a fork of a process running Qt and threads.
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._connection: Any = None
        self._notifier: QSocketNotifier | None = None
        self._ready = False
        self._failed_starts = 0
        self._queue: OrderedDict[int, str] = OrderedDict()
        self._in_flight: int | None = None
        self._unanswered: list[int] = []
        self._next = 0
        self.starts = 0
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_hung)

    # -- requests ---------------------------------------------------------------------
    def submit(self, text: str) -> int:
        """Queue text; its answer arrives through finished(request id, html or None)."""
        self._next += 1
        self._queue[self._next] = text
        self._feed()
        return self._next

    def cancel(self, request_id: int) -> bool:
        """Forget a request not sent yet (True); one being rendered still answers (False)."""
        return self._queue.pop(request_id, None) is not None

    def busy(self) -> bool:
        return self._in_flight is not None or bool(self._queue)

    def pid(self) -> int | None:
        """The renderer's process id while one runs."""
        return self._process.pid if self._process is not None else None

    def ensure_started(self) -> None:
        """Start the renderer ahead of the first text, so that text does not wait for imports."""
        if self._process is None and self._failed_starts < MAX_FAILED_STARTS:
            self._start()

    def shutdown(self) -> None:
        """Ask the renderer to exit, kill it if it does not; the app is quitting."""
        self._queue.clear()
        connection = self._connection
        if connection is not None and self._process is not None and self._process.is_alive():
            try:
                connection.send(None)
            except (OSError, ValueError):
                pass
            self._process.join(0.5)
        self._stop()

    # -- the process ------------------------------------------------------------------
    def _start(self) -> None:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=render.serve, args=(theirs,), name="digest-reader-render", daemon=True
        )
        try:
            process.start()
        except Exception:  # noqa: BLE001 (no process: the texts stay plain)
            ours.close()
            self._failed_starts = MAX_FAILED_STARTS
            return
        finally:
            theirs.close()  # the renderer's end; once it dies, reading ours hits EOF
        self.starts += 1
        self._process, self._connection, self._ready = process, ours, False
        self._notifier = QSocketNotifier(ours.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)

    def _stop(self) -> None:
        """Kill and reap the renderer; what was being rendered is left to the caller."""
        self._watchdog.stop()
        if self._notifier is not None:
            # Off before the descriptor closes: Qt warns about notifiers on closed sockets.
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(1.0)
            self._process = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._in_flight = None
        self._ready = False

    def _feed(self) -> None:
        """Send the next request when the renderer is idle (starting it if needed)."""
        while self._in_flight is None and self._queue:
            if self._process is None:
                self.ensure_started()
            if self._process is None:  # it cannot start: answer plain, but not re-entrantly
                self._unanswered.extend(self._queue)
                self._queue.clear()
                QTimer.singleShot(0, self._answer_unanswered)
                return
            request_id, text = self._queue.popitem(last=False)
            try:
                self._connection.send((request_id, text))
            except (OSError, ValueError):  # it died since the last answer: start another
                self._queue[request_id] = text
                self._queue.move_to_end(request_id, last=False)
                self._note_death()
                self._stop()
                continue
            self._in_flight = request_id
            self._watchdog.start(self._hang_ms if self._ready else self._startup_ms + self._hang_ms)

    def _answer_unanswered(self) -> None:
        unanswered, self._unanswered = self._unanswered, []
        for request_id in unanswered:
            self.finished.emit(request_id, None)

    @Slot()
    def _on_readable(self, *_: object) -> None:
        try:
            while self._connection is not None and self._connection.poll():
                message = self._connection.recv()
                if message == render.READY:
                    self._on_ready()
                else:
                    self._on_answer(*message)
        except (EOFError, OSError):
            self._on_died()

    def _on_ready(self) -> None:
        self._ready = True
        self._failed_starts = 0
        if self._in_flight is not None:  # its time starts now, not at the spawn
            self._watchdog.start(self._hang_ms)

    def _on_answer(self, request_id: int, html: str | None) -> None:
        if request_id != self._in_flight:
            return
        self._watchdog.stop()
        self._in_flight = None
        self._feed()
        self.finished.emit(request_id, html)

    def _on_hung(self) -> None:
        self._on_died()

    def _note_death(self) -> None:
        if not self._ready:
            self._failed_starts += 1

    def _on_died(self) -> None:
        """The renderer died or hung: the text it had stays plain, the queue goes to a new one."""
        lost = self._in_flight
        self._note_death()
        self._stop()
        if lost is not None:
            self.finished.emit(lost, None)
        self._feed()


_shared: RenderProcess | None = None


def shared_process() -> RenderProcess:
    """The app's one renderer process, shut down when the app quits (or Python exits)."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = RenderProcess()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_shared.shutdown)
        atexit.register(_shutdown_shared)
    return _shared


def _shutdown_shared() -> None:
    if _shared is not None and shiboken6.isValid(_shared):
        _shared.shutdown()


class MarkdownRenderer(QObject):
    """render(text) -> token; later rendered(token, html_or_None) on the GUI thread.

    Results are cached by text (failures too, so a hostile text costs its budget once)."""

    rendered = Signal(int, object)  # token, html or None

    def __init__(self, parent: QObject | None = None, process: RenderProcess | None = None) -> None:
        super().__init__(parent)
        self._process = process if process is not None else shared_process()
        self._process.finished.connect(self._on_done)
        self._process.ensure_started()
        self._texts: dict[int, str] = {}  # token -> text, until its answer is in
        self._live: set[int] = set()  # tokens whose answer is still wanted
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        # Requests of a view that is gone are not rendered for nobody (no reference to self).
        texts, process_ = self._texts, self._process
        self.destroyed.connect(lambda *_: [process_.cancel(token) for token in list(texts)])

    def cached(self, text: str) -> tuple[bool, str | None]:
        """(True, html) when text was rendered before; (True, None) when it never will be."""
        if render.too_long(text):
            return True, None
        if text in self._cache:
            self._cache.move_to_end(text)
            return True, self._cache[text]
        return False, None

    def render(self, text: str) -> int:
        """Queue text; its result arrives through rendered(token, html)."""
        token = self._process.submit(text)
        self._texts[token] = text
        self._live.add(token)
        return token

    def discard(self, tokens: object) -> None:
        """Forget tokens: requests not sent yet are dropped, late results only cached."""
        for token in list(tokens):  # type: ignore[call-overload]
            self._live.discard(token)
            if token in self._texts and self._process.cancel(token):
                del self._texts[token]

    def pending(self) -> int:
        return len(self._live)

    def wait(self, timeout_ms: int = -1) -> bool:
        """Run the event loop until every wanted result is in (False on timeout)."""
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000
        app = QCoreApplication.instance()
        while self._live:
            if deadline is not None and time.monotonic() > deadline:
                return False
            app.processEvents()
            time.sleep(0.002)
        return True

    @Slot(int, object)
    def _on_done(self, token: int, html: object) -> None:
        text = self._texts.pop(token, None)
        if text is None:  # another view's request
            return
        self._cache[text] = html if isinstance(html, str) else None
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if token in self._live:
            self._live.discard(token)
            self.rendered.emit(token, html)

"""Markdown rendered off the GUI thread within a size and a time budget; plain text beyond them."""

from __future__ import annotations

import ctypes
import re
import threading
from collections import OrderedDict

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from reader.gui.safe_html import markdown_to_safe_html

# Python-Markdown is quadratic on nested brackets (1 KB of "[" takes 0.2 s, 20 KB 45 s):
# longer text is shown as it is, and rendering is cut off after the time budget.
MAX_MARKDOWN_CHARS = 20_000
TIME_BUDGET_S = 1.0
CACHE_SIZE = 256
# Qt lays out deeply nested blocks slowly (3000 nested quotes: 150 ms per layout).
MAX_NESTING = 16
_BLOCK_TAG = re.compile(r"<(/?)(?:ul|ol|blockquote|table)\b", re.IGNORECASE)

TOO_LONG_NOTE = "Shown as plain text: longer than {limit:,} characters."
FAILED_NOTE = "Shown as plain text: too complex to format."


class RenderTimeout(Exception):
    """Raised inside the rendering thread when the time budget is spent."""


def _raise_in_thread(ident: int, exc: type[BaseException] | None) -> None:
    # None (NULL) clears an exception set but not yet raised.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc) if exc is not None else None
    )


def render_with_budget(text: str, budget_s: float = TIME_BUDGET_S) -> str | None:
    """Safe HTML for text, or None when it is too long, takes longer than budget_s or breaks
    the renderer (a 300-level list raises RecursionError). Run it off the GUI thread: the
    budget interrupts the calling thread."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return None
    ident = threading.get_ident()
    guard = threading.Lock()
    running = [True]

    def interrupt() -> None:
        with guard:
            if running[0]:
                _raise_in_thread(ident, RenderTimeout)

    timer = threading.Timer(budget_s, interrupt)
    timer.daemon = True
    try:
        timer.start()
        try:
            html = markdown_to_safe_html(text)
            return html if nesting(html) <= MAX_NESTING else None
        finally:
            with guard:
                running[0] = False
                _raise_in_thread(ident, None)
            timer.cancel()
    except Exception:  # RenderTimeout, RecursionError, MemoryError...: the text stays plain
        return None


def nesting(html: str) -> int:
    """How deep lists, quotes and tables nest in html."""
    depth = deepest = 0
    for match in _BLOCK_TAG.finditer(html):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def fallback_note(text: str) -> str:
    """Why a text is shown as plain text."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return TOO_LONG_NOTE.format(limit=MAX_MARKDOWN_CHARS)
    return FAILED_NOTE


class _Results(QObject):
    """Lives on the GUI thread; its signal carries a result across threads (queued)."""

    done = Signal(int, str, object)  # token, text, html or None


class _RenderJob(QRunnable):
    def __init__(self, token: int, text: str, results: _Results, live: set[int]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._token = token
        self._text = text
        self._results = results
        self._live = live

    def run(self) -> None:
        if self._token not in self._live:  # the paper changed before this job started
            return
        html = render_with_budget(self._text)
        self._results.done.emit(self._token, self._text, html)


class MarkdownRenderer(QObject):
    """render(text) -> token; later rendered(token, html_or_None) on the GUI thread.

    Results are cached by text (failures too, so a hostile text costs its budget once)."""

    rendered = Signal(int, object)  # token, html or None

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        # The pool is made before the results object, so it is destroyed (waiting for its
        # jobs, each bounded by the budget) before the object they emit through.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._results = _Results(self)
        self._results.done.connect(self._on_done)
        self._live: set[int] = set()
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        self._next = 0

    def cached(self, text: str) -> tuple[bool, str | None]:
        """(True, html) when text was rendered before."""
        if text in self._cache:
            self._cache.move_to_end(text)
            return True, self._cache[text]
        return False, None

    def render(self, text: str) -> int:
        """Queue text; its result arrives through rendered(token, html)."""
        self._next += 1
        token = self._next
        self._live.add(token)
        self._pool.start(_RenderJob(token, text, self._results, self._live))
        return token

    def discard(self, tokens: object) -> None:
        """Forget tokens: jobs not started yet are skipped and late results dropped."""
        for token in list(tokens):  # type: ignore[call-overload]
            self._live.discard(token)

    def pending(self) -> int:
        return len(self._live)

    def wait(self, timeout_ms: int = -1) -> bool:
        return self._pool.waitForDone(timeout_ms)

    @Slot(int, str, object)
    def _on_done(self, token: int, text: str, html: object) -> None:
        self._cache[text] = html if isinstance(html, str) else None
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        if token in self._live:
            self._live.discard(token)
            self.rendered.emit(token, html)

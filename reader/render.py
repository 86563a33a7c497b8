"""Markdown to sanitised HTML within size, time and nesting budgets: Qt-free, for the renderer process."""

from __future__ import annotations

import ctypes
import gc
import html
import os
import re
import signal
import threading
from typing import Any

import markdown
import nh3

SAFE_SCHEMES = frozenset({"http", "https"})

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
# No "title" attribute anywhere: Qt shows it as a tooltip, and tooltips take markup (an
# <img src="/dev/zero"> inside one made Qt read the file until it ran out of memory).
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
# Their content is code or layout, never text worth keeping.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "svg", "math"})

_MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# Tables align with attributes, since style attributes are stripped.
_MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}

# Python-Markdown is quadratic on nested brackets (1 KB of "[" takes 0.2 s, 20 KB 45 s):
# longer text is shown as it is, and rendering is cut off after the time budget.
MAX_MARKDOWN_CHARS = 20_000
TIME_BUDGET_S = 1.0
# Qt lays out deeply nested blocks slowly (3000 nested quotes: 150 ms per layout).
MAX_NESTING = 16
_BLOCK_TAG = re.compile(r"<(/?)(?:ul|ol|blockquote|table)\b", re.IGNORECASE)

TOO_LONG_NOTE = "Shown as plain text: longer than {limit:,} characters."
FAILED_NOTE = "Shown as plain text: too complex to format."

# The renderer process says so once it has imported Markdown and is reading requests.
READY = "ready"
RENDERER_NICENESS = 10


def escape(text: str) -> str:
    """Text made safe to put inside HTML (tags show as text)."""
    return html.escape(text or "", quote=True)


def markdown_to_safe_html(text: str) -> str:
    """Markdown rendered to HTML with only text, list, code, table and http(s) link markup left."""
    if not text or not text.strip():
        return ""
    rendered = markdown.markdown(
        text, extensions=_MARKDOWN_EXTENSIONS, extension_configs=_MARKDOWN_CONFIG
    )
    return clean_html(rendered)


def clean_html(fragment: str) -> str:
    """An HTML fragment reduced to the allowed tags, attributes and link schemes."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        # "*" replaces nh3's attributes allowed on every tag, which include "title".
        attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
        url_schemes=set(SAFE_SCHEMES),
        # A relative link would resolve against the document, i.e. a local file.
        url_relative="deny",
        link_rel="noopener noreferrer",
    )


class RenderTimeout(Exception):
    """Raised inside the rendering thread when the time budget is spent."""


def _raise_in_thread(ident: int, exc: type[BaseException] | None) -> None:
    # None (NULL) clears an exception set but not yet raised.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc) if exc is not None else None
    )


def too_long(text: str) -> bool:
    """True when text is never rendered, only shown as it is."""
    return len(text) > MAX_MARKDOWN_CHARS


def render_with_budget(text: str, budget_s: float = TIME_BUDGET_S) -> str | None:
    """Safe HTML for text, or None when it is too long, takes longer than budget_s, nests
    deeper than MAX_NESTING or breaks the renderer (a 300-level list raises RecursionError).
    The budget interrupts the calling thread between two bytecodes, so one long C call
    overruns it: the app also kills a renderer that does not answer."""
    if too_long(text):
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
    # A collection would run finalizers in this thread, and the interruption landing in one
    # would be swallowed (an "unraisable" exception) while rendering went on past the budget.
    collecting = gc.isenabled()
    gc.disable()
    try:
        timer.start()
        try:
            rendered = markdown_to_safe_html(text)
            return rendered if nesting(rendered) <= MAX_NESTING else None
        finally:
            with guard:
                running[0] = False
                _raise_in_thread(ident, None)
            timer.cancel()
    except Exception:  # RenderTimeout, RecursionError, MemoryError...: the text stays plain
        return None
    finally:
        if collecting:
            gc.enable()


def nesting(fragment: str) -> int:
    """How deep lists, quotes and tables nest in an HTML fragment."""
    depth = deepest = 0
    for match in _BLOCK_TAG.finditer(fragment):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def fallback_note(text: str) -> str:
    """Why a text is shown as plain text."""
    if too_long(text):
        return TOO_LONG_NOTE.format(limit=MAX_MARKDOWN_CHARS)
    return FAILED_NOTE


def serve(connection: Any) -> None:
    """The renderer process: answer (request id, text) with (request id, html or None) until
    None arrives or the app's end of the pipe closes (the app quit or died)."""
    # Ctrl+C in the app's terminal reaches this process too; the app decides when it ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        # On a busy machine the GUI thread, not a hostile text, gets the CPU first.
        os.nice(RENDERER_NICENESS)
    connection.send(READY)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        request_id, text = message
        result = render_with_budget(text)
        try:
            connection.send((request_id, result))
        except OSError:  # the app is gone
            return

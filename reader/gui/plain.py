"""Untrusted text made literal for the Qt places that guess between plain and rich text."""

from __future__ import annotations

import html

from PySide6.QtGui import Qt

# A tooltip is a glance, not a reader: a 1 MB title would be laid out at every hover.
MAX_TOOLTIP_CHARS = 2000
# Longer fields are shown cut: nobody reads a 1 MB title, but Qt lays it all out.
MAX_LINE_CHARS = 2000
MAX_TEXT_CHARS = 50_000
# A digest's summary shown as plain text (before or instead of its Markdown): a wrapping
# QLabel lays out 20 KB in over 100 ms, more with deep indentation.
MAX_BLOCK_CHARS = 4000
MAX_BLOCK_LINES = 60


def plain(text: object) -> str:
    """Text that Qt shows literally where it auto-detects rich text (tooltips, message boxes,
    dialog labels): unchanged when Qt would take it as plain, else escaped inside <qt>, so a
    title like '<img src="/dev/zero">' never becomes markup that loads a local file."""
    value = "" if text is None else str(text)
    if not Qt.mightBeRichText(value):
        return value
    escaped = html.escape(value, quote=False).replace("\n", "<br>")
    return f"<qt>{escaped}</qt>"


def plain_tooltip(text: object, limit: int = MAX_TOOLTIP_CHARS) -> str:
    """plain(text) shortened to a readable length."""
    return plain(clip(text, limit))


def clip(text: object, limit: int) -> str:
    """Text cut to limit characters (with "…"): Qt lays out a label's whole text at every
    resize, and a 1 MB title froze the window for seconds."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[:limit].rstrip() + "…"


def clip_block(text: object, chars: int = MAX_BLOCK_CHARS, lines: int = MAX_BLOCK_LINES) -> str:
    """clip() that also keeps at most `lines` lines."""
    value = clip(text, chars).expandtabs(2)  # deep tab indentation makes very wide lines
    kept = value.split("\n", lines)
    return value if len(kept) <= lines else "\n".join(kept[:lines]) + "\n…"

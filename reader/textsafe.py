"""Text from digests made safe to print: no terminal control sequences, no forged lines."""

from __future__ import annotations

import re
from collections.abc import Callable

# ESC-introduced sequences first (CSI like "\x1b[2J", OSC like "\x1b]8;;url\x1b\\" or
# "\x1b]0;title\x07", DCS/SOS/PM/APC strings, two-byte escapes), so that their parameters
# go with them instead of being left behind as visible garbage; then their 8-bit C1 forms;
# then any other C0/C1 control and DEL.
# A string sequence with no terminator ends at the line's end here, so one stray ESC cannot
# swallow a whole abstract.
_SEQUENCE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other escapes (charset switches, RIS "\x1bc")
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # their 8-bit forms
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and isolates reorder what follows them on screen (a file name
# can then read as something else); line and paragraph separators break lines.
_FORMAT_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
_FORMAT_RE = re.compile(f"[{_FORMAT_CHARS}]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def strip_controls(text: str, keep: str = "\n\t") -> str:
    """`text` without terminal escape sequences and control characters (except `keep`).

    Lone surrogates (an undecodable byte of a file name) become "\\xNN", so the text can
    always be encoded."""
    if not text:
        return text
    text = _SEQUENCE_RE.sub("", text)
    text = _CONTROL_RE.sub(lambda m: "" if m.group() not in keep else m.group(), text)
    return _escape_surrogates(text)


def terminal_text(text: str | None) -> str:
    """Digest or note text for the terminal: controls stripped, newlines and tabs kept."""
    if text is None:
        return ""
    text = strip_controls(str(text).replace("\r\n", "\n"))
    return _FORMAT_RE.sub("", text)


def one_line(text: object) -> str:
    """A value (a file name, an error) for one output line: controls, bidirectional marks
    and line breaks shown escaped, so the value cannot forge or reorder lines."""
    text = _escape_surrogates(str(text))
    return re.sub(
        f"[\\x00-\\x1f\\x7f-\\x9f{_FORMAT_CHARS}]",
        lambda m: m.group().encode("unicode_escape").decode("ascii"),
        text,
    )


def _escape_surrogates(text: str) -> str:
    if not _SURROGATE_RE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


_JSON_UNSAFE_RE = re.compile(f"[\\x7f-\\x9f{_FORMAT_CHARS}\\ud800-\\udfff]")


def json_text(dumped: str) -> str:
    """JSON from json.dumps(ensure_ascii=False) with the characters it leaves raw that a
    terminal acts on (C1 controls, bidirectional marks) or that cannot be encoded (lone
    surrogates) written as \\uXXXX escapes: the same JSON value, safe to print."""
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def clean_value(value: object, clean: Callable[[str], str] = strip_controls) -> object:
    """`value` with `clean` applied to every string inside it (dicts, lists)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: clean_value(item, clean) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_value(item, clean) for item in value]
    return value

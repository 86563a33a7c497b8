"""Read a digest file safely (size limit, regular files only) and decode its text."""

from __future__ import annotations

import codecs
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
MB = 1024 * 1024
BINARY_MESSAGE = "not a text file (binary content)"
EMPTY_MESSAGE = "the file is empty"
# Longest BOMs first: the UTF-32 LE BOM starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
TEXT_CONTROLS = set("\t\n\r\f\v")


class ImportFailure(Exception):
    """A file cannot be imported; the message is meant for the user."""

    def __init__(self, message: str, record: bool = True) -> None:
        super().__init__(message)
        self.record = record  # False when there is no file to record (vanished, a folder)


def read_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; raises ImportFailure otherwise."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ImportFailure("file not found", record=False) from exc
    except OSError as exc:
        raise ImportFailure(f"cannot read the file: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise ImportFailure("not a regular file", record=False)
    if size > MAX_BYTES:
        raise ImportFailure(f"too large: {size / MB:.1f} MB (limit {MAX_BYTES // MB} MB)")
    try:
        with path.open("rb") as handle:
            # Read at most one byte past the limit: the file may have grown since stat().
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ImportFailure(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise ImportFailure(f"too large: more than {MAX_BYTES // MB} MB")
    return data


def decode(data: bytes) -> str:
    """Text of a digest file: UTF-8 (with or without BOM), or UTF-16/32 with a BOM.

    Raises ImportFailure for empty, binary or undecodable content."""
    if not data:
        raise ImportFailure(EMPTY_MESSAGE)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportFailure(_undecodable(exc, encoding.upper())) from exc
            break
    else:
        if b"\x00" in data:
            raise ImportFailure(BINARY_MESSAGE)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportFailure(_undecodable(exc, "UTF-8")) from exc
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise ImportFailure(BINARY_MESSAGE)
    if not text.strip():
        raise ImportFailure(EMPTY_MESSAGE)
    return text


def _undecodable(exc: UnicodeDecodeError, encoding: str) -> str:
    return (
        f"{BINARY_MESSAGE}: bytes at offset {exc.start} are not valid {encoding}"
        " (save the digest as UTF-8 text)"
    )


def _looks_binary(text: str) -> bool:
    """Control characters other than line breaks and tabs mean a binary file, even when its
    bytes happen to decode (random bytes behind a UTF-16 BOM do)."""
    sample = text[:8192]
    controls = sum(
        1 for c in sample if (c < " " or "\x7f" <= c < "\xa0") and c not in TEXT_CONTROLS
    )
    return "\x00" in sample or controls > max(2, len(sample) // 100)

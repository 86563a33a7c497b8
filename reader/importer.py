"""Import digest files into the library: read safely, decode, parse, store; never raise."""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader import limits
from reader.library import Library, normalize_path
from reader.parsers import ParseError, parse_text
from reader.parsers.selection import entry_keys

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024
MB = 1024 * 1024
IGNORED_SUFFIXES = (".part", ".crdownload", ".swp", ".swx", ".tmp")
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


@dataclass
class ImportResult:
    """What happened to one file."""

    file: str
    format: str | None
    status: str  # "imported" | "unchanged" | "failed"
    entries: int = 0
    new: int = 0
    merged: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    confidence: float | None = None  # how well the chosen format explains the text, 0..1
    ids_in_text: int = 0  # distinct arXiv ids and DOIs anywhere in the file
    ids_imported: int = 0  # distinct arXiv ids and DOIs among the imported papers


class ImportFailure(Exception):
    """A file cannot be imported; the message is meant for the user."""

    def __init__(self, message: str, record: bool = True) -> None:
        super().__init__(message)
        self.record = record  # False when there is no file to record (vanished, a folder)


def is_ignored(path: str | os.PathLike, root: str | os.PathLike | None = None) -> bool:
    """Whether `path` is a hidden, temporary or editor file that must not be imported.

    Only the file name is judged, plus the folders between `root` and the file when `root`
    is given (a library kept under a hidden folder like ~/.local must still work)."""
    path = Path(path)
    names = [path.name]
    if root is not None:
        try:
            names = list(path.relative_to(root).parts)
        except ValueError:
            pass
    return any(_ignored_name(name) for name in names)


def _ignored_name(name: str) -> bool:
    lowered = name.lower()
    return (
        name.startswith(".")
        or name.endswith("~")
        or lowered.endswith(IGNORED_SUFFIXES)
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))
    )


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


def _read(path: Path) -> bytes:
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


def import_file(library: Library, path: str | os.PathLike) -> ImportResult:
    """Import one digest file. Never raises: problems come back as status "failed"."""
    file = normalize_path(path)
    try:
        return _import(library, Path(file))
    except Exception as exc:  # the contract is "never raises": report, do not crash the caller
        log.exception("importing %s failed", file)
        return ImportResult(file, None, "failed", error=f"could not import: {exc}")


def _import(library: Library, path: Path) -> ImportResult:
    file = str(path)
    try:
        data = _read(path)
    except ImportFailure as exc:
        if exc.record:
            library.record_failure(file, None, str(exc))
        return ImportResult(file, None, "failed", error=str(exc))
    sha256 = hashlib.sha256(data).hexdigest()
    stored = library.digest_by_path(file)
    if stored and stored.sha256 == sha256 and stored.status == "imported":
        return ImportResult(file, stored.format, "unchanged", stored.entries)
    try:
        parsed = parse_text(decode(data))
        limits.enforce(parsed)
    except (ImportFailure, ParseError, limits.TooManyEntries) as exc:
        return _failed(library, file, sha256, str(exc))
    except MemoryError:
        return _failed(library, file, sha256, "too large to read: the digest needs more memory than is free")
    except Exception as exc:  # a parser bug must not stop a batch of imports
        log.exception("parser crashed on %s", file)
        return _failed(library, file, sha256, f"could not read this digest ({type(exc).__name__})")
    digest = library.store_digest(file, sha256, parsed)
    return ImportResult(
        file, digest.format, "imported", digest.entries, digest.new, digest.merged,
        warnings=list(parsed.warnings), confidence=parsed.confidence,
        ids_in_text=parsed.ids_in_text, ids_imported=len(imported_ids(parsed)),
    )


def imported_ids(parsed) -> set[tuple[str, str]]:
    """The distinct paper identifiers among a parse's entries."""
    keys: set[tuple[str, str]] = set()
    for entry in parsed.entries:
        keys |= entry_keys(entry)
    return keys


def _failed(library: Library, file: str, sha256: str | None, message: str) -> ImportResult:
    library.record_failure(file, sha256, message)
    return ImportResult(file, None, "failed", error=message)


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to import: the given files, and every file under the given folders (sorted),
    minus hidden and temporary ones; each file once."""
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not _ignored_name(d))
                for name in sorted(files):
                    if not _ignored_name(name):
                        child = Path(root) / name
                        found.setdefault(normalize_path(child), child)
        elif not is_ignored(path):
            found.setdefault(normalize_path(path), path)
    return list(found.values())


def import_paths(
    library: Library,
    paths: Iterable[str | os.PathLike],
    progress: Callable[[int, int, ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import files and folders (recursively); progress(done, total, result) after each file."""
    files = expand_paths(paths)
    results = []
    for done, path in enumerate(files, start=1):
        result = import_file(library, path)
        results.append(result)
        if progress is not None:
            progress(done, len(files), result)
    return results

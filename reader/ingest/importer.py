"""Import digest files into the library: read, decode, parse, store; never raise."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reader import limits
from reader.ingest.files import expand_paths
from reader.ingest.exchange_import import backup_document, import_backup, import_zotero
from reader.ingest.reading import ImportFailure, decode, read_file
from reader.store import Library, normalize_path
from reader.exchange.zotero import is_sqlite
from reader.parsers import ParseError, parse_text
from reader.parsers.selection import entry_keys

log = logging.getLogger(__name__)


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
    if path.is_file() and is_sqlite(path):  # a zotero.sqlite, whatever its name or size
        return import_zotero(library, path, ImportResult)
    try:
        data = read_file(path)
    except ImportFailure as exc:
        if exc.record:
            library.record_failure(file, None, str(exc))
        return ImportResult(file, None, "failed", error=str(exc))
    sha256 = hashlib.sha256(data).hexdigest()
    stored = library.digest_by_path(file)
    if stored and stored.sha256 == sha256 and stored.status == "imported":
        return ImportResult(file, stored.format, "unchanged", stored.entries)
    try:
        text = decode(data)
        backup = backup_document(text)  # the app's own export: restored, not read as a digest
        if backup is not None:
            return import_backup(library, file, sha256, backup, ImportResult)
        parsed = parse_text(text)
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


def import_paths(
    library: Library,
    paths: Iterable[str | os.PathLike],
    progress: Callable[[int, int, ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import files and folders (recursively, by the rules of reader.ingest.files);
    progress(done, total, result) after each file."""
    files = expand_paths(paths)
    results = []
    for done, path in enumerate(files, start=1):
        result = import_file(library, path)
        results.append(result)
        if progress is not None:
            progress(done, len(files), result)
    return results

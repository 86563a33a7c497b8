"""Imports that are not digests: a Zotero database (by its SQLite header) and the app's own JSON backup."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from reader.models import ParsedDigest
from reader.store import Library

ZOTERO_FORMAT = "zotero"
BACKUP_FORMAT = "backup"


def file_sha256(path: Path) -> str:
    """The file's hash, read in blocks: a Zotero database may be larger than a digest may."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_zotero(library: Library, path: Path, result_type: Any) -> Any:
    """A zotero.sqlite as one digest of its items (they merge by arXiv id, DOI and title)."""
    from reader.exchange.records import entry_from_item
    from reader.exchange.zotero import NotZotero, read_zotero_sqlite

    file = str(path)
    sha256 = file_sha256(path)
    stored = library.digest_by_path(file)
    if stored and stored.sha256 == sha256 and stored.status == "imported":
        return result_type(file, stored.format, "unchanged", stored.entries)
    try:
        items = read_zotero_sqlite(path)
    except (NotZotero, OSError) as error:
        message = str(error) if isinstance(error, NotZotero) else f"cannot read the Zotero database: {error}"
        library.record_failure(file, sha256, message)
        return result_type(file, None, "failed", error=message)
    parsed = ParsedDigest(format=ZOTERO_FORMAT)
    for item in items:
        parsed.entries.append(entry_from_item(item, len(parsed.entries) + 1))
    if not parsed.entries:
        message = "no papers found: this Zotero library has no items with a title"
        library.record_failure(file, sha256, message)
        return result_type(file, None, "failed", error=message)
    digest = library.store_digest(file, sha256, parsed)
    return result_type(file, digest.format, "imported", digest.entries, digest.new, digest.merged,
                       warnings=list(parsed.warnings))


def backup_document(text: str) -> dict | None:
    """The parsed backup when `text` is the app's JSON export (told by its marker key)."""
    from reader.store.backup import MARKER, is_backup

    if not text.lstrip().startswith("{") or f'"{MARKER}"' not in text[:2000]:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return document if is_backup(document) else None


def import_backup(library: Library, file: str, sha256: str, document: dict, result_type: Any) -> Any:
    """Restore a backup (store.backup.restore); the file is recorded so an unchanged copy is
    not read again."""
    from reader.store.backup import BackupError

    try:
        restored = library.restore_backup(document)
    except BackupError as error:
        library.record_failure(file, sha256, str(error))
        return result_type(file, None, "failed", error=str(error))
    library.store_digest(file, sha256, ParsedDigest(format=BACKUP_FORMAT))
    return result_type(file, BACKUP_FORMAT, "imported", restored.papers, restored.new, restored.merged)

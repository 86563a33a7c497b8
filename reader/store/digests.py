"""Digest bookkeeping: store a parsed digest, record a failure, forget a digest, list them."""

from __future__ import annotations

import os

from reader.models import Digest, ParsedDigest
from reader.store.citations import keys_before_insert, store_entries
from reader.store.db import Database, now_iso, rows, stored_path
from reader.store.merge import PaperMerger
from reader.store.records import DigestRecord

DUPLICATE_PREFIX = "same content as"  # the error of a digest that copies another one


def store_digest(db: Database, path: str | os.PathLike, sha256: str, parsed: ParsedDigest) -> Digest:
    """Store a parsed digest in one transaction: match or create its papers (filling what
    they lack), and replace this digest's sightings. User state is never touched."""
    path = stored_path(path)
    conn = db.conn
    with db.transaction():
        original = _original_of(db, path, sha256)
        if original is not None:
            return _store_duplicate(db, path, sha256, parsed, original)
        digest_id = _digest_row_id(db, path)
        merger = PaperMerger(conn, now_iso())
        sightings = merger.resolve(parsed.entries)
        keys = keys_before_insert(conn, parsed.entries, [merger.papers[i] for i in merger.created])
        merger.write(keys)
        # Keys for new papers still without one; a reference manager's key, fields and
        # state (issue 14).
        unkeyed = [i for i in merger.created if i not in keys]
        store_entries(conn, parsed.entries, sightings, unkeyed, merger.now)
        conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
        conn.executemany(
            "INSERT INTO sightings (digest_id, paper_id, position, score, subscores,"
            " headline, summary, detail, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(digest_id, *row) for row in sightings],
        )
        conn.execute(
            "UPDATE digests SET sha256 = ?, format = ?, date = ?, status = 'imported',"
            " error = NULL, entries = ?, new = ?, merged = ?, imported_at = ? WHERE id = ?",
            (sha256, parsed.format, parsed.date, len(sightings), len(merger.created),
             len(merger.matched), merger.now, digest_id),
        )
    return digest(db, digest_id)


def _original_of(db: Database, path: str, sha256: str) -> str | None:
    """The path of another digest already imported with the same content, when its file
    is still there: this one is then a copy (a renamed download), whose papers must not
    count as seen twice. A digest whose file is gone was moved here: it is forgotten."""
    for digest_id, other in db.conn.execute(
        "SELECT id, path FROM digests WHERE sha256 = ? AND path != ? AND status = 'imported'"
        " AND error IS NULL ORDER BY id",
        (sha256, path),
    ).fetchall():
        if os.path.exists(other):
            return other
        db.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
        db.conn.execute("DELETE FROM digests WHERE id = ?", (digest_id,))
    return None


def _store_duplicate(
    db: Database, path: str, sha256: str, parsed: ParsedDigest, original: str
) -> Digest:
    # Stored as imported (so an unchanged file is not read again) with no sightings;
    # the error column marks it as a duplicate (see DUPLICATE_PREFIX).
    message = f"{DUPLICATE_PREFIX} {original}: its papers are counted once"
    digest_id = _digest_row_id(db, path)
    db.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
    db.conn.execute(
        "UPDATE digests SET sha256 = ?, format = ?, date = ?, status = 'imported',"
        " error = ?, entries = 0, new = 0, merged = 0, imported_at = ? WHERE id = ?",
        (sha256, parsed.format, parsed.date, message, now_iso(), digest_id),
    )
    parsed.warnings.append(message)  # the importer passes the parser's warnings on
    return digest(db, digest_id)


def _digest_row_id(db: Database, path: str) -> int:
    row = db.conn.execute("SELECT id FROM digests WHERE path = ?", (path,)).fetchone()
    if row:
        return row[0]
    cursor = db.conn.execute(
        "INSERT INTO digests (path, status, imported_at) VALUES (?, 'imported', ?)",
        (path, now_iso()),
    )
    return cursor.lastrowid


def record_failure(db: Database, path: str | os.PathLike, sha256: str | None, error: str) -> Digest:
    """Record that `path` could not be imported; sightings of an earlier good import stay."""
    path = stored_path(path)
    with db.transaction():
        digest_id = _digest_row_id(db, path)
        db.conn.execute(
            "UPDATE digests SET sha256 = ?, status = 'failed', error = ?, new = 0, merged = 0,"
            " entries = (SELECT count(*) FROM sightings WHERE digest_id = ?), imported_at = ?"
            " WHERE id = ?",
            (sha256, error, digest_id, now_iso(), digest_id),
        )
    return digest(db, digest_id)


def remove_digest(db: Database, path: str | os.PathLike) -> bool:
    """Forget a digest and its sightings (its file is gone). Papers and user state stay."""
    path = stored_path(path)
    with db.transaction():
        row = db.conn.execute("SELECT id FROM digests WHERE path = ?", (path,)).fetchone()
        if not row:
            return False
        _hand_sightings_to_a_copy(db, row[0])
        db.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (row[0],))
        db.conn.execute("DELETE FROM digests WHERE id = ?", (row[0],))
    return True


def _hand_sightings_to_a_copy(db: Database, digest_id: int) -> None:
    """A digest that goes while a copy of it stays: the copy now counts its papers."""
    copy = db.conn.execute(
        "SELECT c.id FROM digests c JOIN digests d ON d.sha256 = c.sha256"
        " WHERE d.id = ? AND d.error IS NULL AND c.id != d.id AND c.status = 'imported'"
        " AND c.error LIKE ? ORDER BY c.id LIMIT 1",
        (digest_id, f"{DUPLICATE_PREFIX}%"),
    ).fetchone()
    if copy is None:
        return
    db.conn.execute("UPDATE sightings SET digest_id = ? WHERE digest_id = ?", (copy[0], digest_id))
    db.conn.execute(
        "UPDATE digests SET error = NULL, (entries, new, merged) ="
        " (SELECT entries, new, merged FROM digests WHERE id = ?) WHERE id = ?",
        (digest_id, copy[0]),
    )


def digest_by_path(db: Database, path: str | os.PathLike) -> Digest | None:
    row = db.conn.execute("SELECT id FROM digests WHERE path = ?", (stored_path(path),)).fetchone()
    return digest(db, row[0]) if row else None


def digest_by_sha(db: Database, sha256: str) -> Digest | None:
    row = db.conn.execute(
        "SELECT id FROM digests WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)
    ).fetchone()
    return digest(db, row[0]) if row else None


def digest(db: Database, digest_id: int) -> Digest:
    row = rows(db.conn, "SELECT * FROM digests WHERE id = ?", (digest_id,))[0]
    return Digest(
        path=row["path"], sha256=row["sha256"], format=row["format"], status=row["status"],
        error=row["error"], entries=row["entries"], new=row["new"], merged=row["merged"],
        imported_at=row["imported_at"], id=row["id"],
    )


def digest_records(db: Database) -> list[DigestRecord]:
    """Every recorded digest, oldest first."""
    return [
        DigestRecord(
            id=row["id"], file=row["path"], format=row["format"], status=_status(row),
            entries=row["entries"], new=row["new"], merged=row["merged"], error=row["error"],
            imported_at=row["imported_at"], date=row["date"], sha256=row["sha256"],
        )
        for row in rows(db.conn, "SELECT * FROM digests ORDER BY id")
    ]


def _status(row: dict) -> str:
    """imported, failed, or duplicate (a copy of a digest already imported)."""
    if row["status"] == "imported" and (row["error"] or "").startswith(DUPLICATE_PREFIX):
        return "duplicate"
    return row["status"]

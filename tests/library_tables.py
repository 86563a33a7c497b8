"""Every row of a library that a delete, a merge or their undo touch, and libraries at an older schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

TABLES = {
    "papers": "SELECT * FROM papers ORDER BY id",
    "state": "SELECT * FROM paper_state ORDER BY paper_id",
    "tags": "SELECT * FROM paper_tags ORDER BY paper_id, tag",
    "sightings": "SELECT * FROM sightings ORDER BY digest_id, paper_id",
    "digests": "SELECT id, entries FROM digests ORDER BY id",
    "fts": "SELECT rowid, title, authors, abstract FROM papers_fts ORDER BY rowid",
    "fts_index": "SELECT term, doc, cnt FROM papers_fts_vocab ORDER BY term",
    "user_fts": "SELECT rowid, note, tags FROM papers_user_fts ORDER BY rowid",
}


def dump_tables(lib, **extra: str) -> dict:
    """The rows of TABLES (and of the `extra` name=SQL queries), full-text index included."""
    return {name: lib.conn.execute(sql).fetchall() for name, sql in {**TABLES, **extra}.items()}


def connect_before(folder: Path, migration) -> sqlite3.Connection:
    """A connection to a new library in `folder` at the schema just before `migration`
    (one of reader.store.migrations.MIGRATIONS), for a test to fill and then upgrade."""
    from reader.store import migrations
    from reader.store.db import DB_NAME

    version = migrations.MIGRATIONS.index(migration)
    folder.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute("PRAGMA foreign_keys = ON")
    for number in range(version):
        migrations.MIGRATIONS[number](conn)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn

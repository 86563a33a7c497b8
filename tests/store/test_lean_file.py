"""Migration 9 and the page size (issue 15): sightings packed in a rowid table, 16 KiB pages."""

from __future__ import annotations

import sqlite3

import pytest

from paper_factory import digest, entry
from reader.store import Library, migrations
from reader.store.db import DB_NAME, PAGE_SIZE

V9 = migrations.MIGRATIONS.index(migrations._v9_sightings_rowid) + 1


def _sightings(lib: Library) -> list[tuple]:
    return lib.conn.execute(
        "SELECT digest_id, paper_id, position, score, summary FROM sightings"
        " ORDER BY digest_id, paper_id").fetchall()


def _digests(lib: Library, count: int) -> None:
    for d in range(count):
        entries = []
        for i in range(d, d + 6):  # each digest repeats papers of the one before
            entries.append(entry(f"Paper number {i}", arxiv_id=f"2401.{i:05d}",
                                 score=float(i), summary=f"said {d}/{i}"))
        lib.store_digest(f"/d/{d}.txt", str(d), digest(*entries))


def test_migration_9_keeps_every_sighting_and_the_seen_counts(library_dir, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:V9 - 1])
        with Library(library_dir) as old:
            _digests(old, 5)
            before = _sightings(old)
            seen = old.conn.execute("SELECT id, seen FROM papers ORDER BY id").fetchall()
    with Library(library_dir) as lib:
        assert lib.schema_version >= V9
        assert (library_dir / f"{DB_NAME}.bak-v{V9 - 1}").exists()
        assert _sightings(lib) == before
        assert lib.conn.execute("SELECT id, seen FROM papers ORDER BY id").fetchall() == seen
        assert lib.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert lib.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # Still one sighting per digest and paper, and the seen count still follows.
        digest_id, paper_id = before[0][:2]
        with pytest.raises(sqlite3.IntegrityError):
            lib.conn.execute("INSERT INTO sightings (digest_id, paper_id, position)"
                             " VALUES (?, ?, 9)", (digest_id, paper_id))
        lib.conn.rollback()
        _digests(lib, 7)  # the same five digests again (unchanged) and two new ones
        assert lib.conn.execute("SELECT max(seen) FROM papers").fetchone()[0] == 6
        assert lib.remove_digest("/d/0.txt")
        assert lib.conn.execute(
            "SELECT count(*) FROM papers p WHERE seen !="
            " (SELECT count(*) FROM sightings s WHERE s.paper_id = p.id)").fetchone()[0] == 0


def test_a_new_library_uses_large_pages_and_an_old_one_keeps_its_own(library_dir, tmp_path):
    with Library(library_dir) as lib:
        assert lib.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    old_folder = tmp_path / "old"
    old_folder.mkdir()
    conn = sqlite3.connect(old_folder / DB_NAME)
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (x)")  # a file made elsewhere, with SQLite's default pages
    conn.close()
    with Library(old_folder) as lib:
        assert lib.conn.execute("PRAGMA page_size").fetchone()[0] == 4096

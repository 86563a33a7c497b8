"""Archive and delete papers (undoable), migration 4, and the digest-order sorts."""

from __future__ import annotations

import sqlite3

import pytest

from paper_factory import digest, entry
from library_tables import dump_tables
from reader.store import migrations
from reader.store import DB_NAME, InvalidValue, Library, UnknownPaper


def dump(lib: Library) -> dict:
    """Every row that delete/restore touch, FTS included, to compare before and after."""
    return dump_tables(lib)


def seeded(lib: Library) -> tuple[int, int, int]:
    lib.store_digest("/d/a.txt", "1", digest(
        entry("Alpha transformers", arxiv_id="2401.00001", authors=["Ann", "Bob"], abstract="x"),
        entry("Beta diffusion", arxiv_id="2401.00002"),
        entry("Gamma graphs", doi="10.1/g"),
    ))
    lib.store_digest("/d/b.txt", "2", digest(entry("Beta diffusion", arxiv_id="2401.00002")))
    a, b, c = sorted(lib.paper_ids())
    lib.set_rating([a], 4)
    lib.set_read([a], True)
    lib.set_note(a, "my **idea**")
    lib.add_tags([a, b], ["llm", "toread"])
    return a, b, c


# ---------------------------------------------------------------- migration 4

def test_migration_4_adds_the_archived_flag_to_a_version_3_library(library_dir):
    path = library_dir / DB_NAME
    conn = sqlite3.connect(path)
    for number in range(3):
        migrations.MIGRATIONS[number](conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO papers (title, added) VALUES ('Old', '2024-01-01')")
    conn.execute("INSERT INTO paper_state (paper_id, rating) VALUES (1, 3)")
    conn.commit()
    conn.close()
    with Library(library_dir) as lib:
        assert lib.schema_version == migrations.latest_version() >= 4
        assert lib.user_state([1])[1].archived is False
        lib.archive_papers([1])
        assert lib.count("") == 0 and lib.count("is:archived") == 1
    assert (library_dir / f"{DB_NAME}.bak-v3").exists()


# ---------------------------------------------------------------- archive

def test_archived_papers_leave_every_list_but_is_archived(library):
    a, b, c = seeded(library)
    library.archive_papers([a, b])
    assert library.paper_ids() == [c]
    assert library.count("") == 1
    assert library.count("tag:llm") == 0 and library.count("is:read") == 0
    assert library.count("is:unread") == 1 and library.count("transformers") == 0
    assert library.count("-is:read") == 1 and library.count("seen:>=1") == 1
    assert sorted(library.paper_ids("is:archived")) == [a, b]
    assert library.count("is:archived") == 2 and library.count("-is:archived") == 1
    assert library.count("is:archived tag:llm") == 2
    assert not library.matches(a, "") and library.matches(a, "is:archived")
    assert library.tag_counts() == []
    assert library.sidebar_counts() == {"all": 1, "unread": 1, "rated": 0, "has_note": 0}
    assert library.rows("") and [r.id for r in library.rows("")] == [c]
    assert library.get_paper(a).archived is True  # still shown by id
    library.archive_papers([a], archived=False)
    assert sorted(library.paper_ids()) == [a, c]
    assert library.get_paper(a).archived is False


def test_archive_is_part_of_the_user_state_snapshot(library):
    a, b, _c = seeded(library)
    before = library.user_state([a, b])
    library.archive_papers([a, b])
    assert all(state.archived for state in library.user_state([a, b]).values())
    library.restore_user_state(before)
    assert library.count("is:archived") == 0
    assert library.user_state([a, b]) == before


def test_archive_refuses_unknown_ids(library):
    seeded(library)
    with pytest.raises(UnknownPaper):
        library.archive_papers([999])


# ---------------------------------------------------------------- delete

def test_delete_removes_everything_and_restore_puts_back_exactly(library):
    a, b, c = seeded(library)
    before = dump(library)
    removed = library.delete_papers([a, b])
    assert sorted(removed.ids) == [a, b]
    assert library.paper_ids() == [c]
    assert library.count("transformers") == 0 and library.count("tag:llm") == 0
    assert library.count("note:idea") == 0
    assert library.tag_counts() == []
    with pytest.raises(UnknownPaper):
        library.get_paper(a)
    entries = dict(library.conn.execute("SELECT path, entries FROM digests"))
    assert entries == {"/d/a.txt": 1, "/d/b.txt": 0}
    fts_rows = library.conn.execute("SELECT count(*) FROM papers_fts").fetchone()[0]
    assert fts_rows == 1
    library.restore_papers(removed)
    assert dump(library) == before
    assert library.count("note:idea") == 1 and library.count("tag:toread") == 2
    assert library.get_paper(b).seen == 2


def test_a_deleted_paper_does_not_come_back_from_its_unchanged_digest(library):
    a, _b, _c = seeded(library)
    library.delete_papers([a])
    assert library.digest_by_sha("1") is not None  # the importer skips it as unchanged
    new = library.store_digest("/d/c.txt", "3", digest(entry("Delta")))
    assert new.new == 1
    assert a not in library.paper_ids()


def test_restore_skips_sightings_of_a_forgotten_digest(library):
    _a, b, _c = seeded(library)
    removed = library.delete_papers([b])
    library.remove_digest("/d/b.txt")
    library.restore_papers(removed)
    assert library.get_paper(b).seen == 1
    assert [s.file for s in library.get_paper(b).sightings] == ["/d/a.txt"]


def test_restore_refuses_when_the_paper_came_back_meanwhile(library):
    a, _b, _c = seeded(library)
    removed = library.delete_papers([a])
    library.store_digest("/d/again.txt", "9", digest(entry("Alpha again", arxiv_id="2401.00001")))
    before = dump(library)
    with pytest.raises(InvalidValue):
        library.restore_papers(removed)
    assert dump(library) == before  # nothing half-restored


def test_delete_refuses_unknown_ids_and_changes_nothing(library):
    a, _b, _c = seeded(library)
    before = dump(library)
    with pytest.raises(UnknownPaper):
        library.delete_papers([a, 999])
    assert dump(library) == before


def test_deleted_ids_are_never_reused(library):
    a, b, c = seeded(library)
    library.delete_papers([c])
    library.store_digest("/d/z.txt", "z", digest(entry("Zeta")))
    assert max(library.paper_ids()) > c


# ---------------------------------------------------------------- digest order

def test_position_sort_follows_the_digest_named_by_the_query(library):
    library.store_digest("/d/first.txt", "1", digest(
        entry("One", score=1.0), entry("Two", score=9.0), entry("Three", score=5.0)))
    library.store_digest("/d/second.txt", "2", digest(entry("Three"), entry("One")))
    title = {pid: library.get_paper(pid).title for pid in library.paper_ids()}

    def titles(query: str, sort: str, descending: bool) -> list[str]:
        return [title[i] for i in library.paper_ids(query, sort=sort, descending=descending)]

    assert titles("digest:first.txt", "position", False) == ["One", "Two", "Three"]
    assert titles("digest:second.txt", "position", False) == ["Three", "One"]
    assert titles("digest:first.txt", "score", True) == ["Two", "Three", "One"]
    assert [r.title for r in library.rows("digest:second.txt", sort="position", descending=False)] == [
        "Three", "One"]
    # No digest in the query: the best place the paper had anywhere; unscored papers last.
    assert titles("", "score", True) == ["Two", "Three", "One"]
    assert titles("format:test-format", "position", False)[0] in ("One", "Three")


# ---------------------------------------------------------------- command line

def test_cli_archive_unarchive_and_delete(library_dir, capsys):
    import json

    from reader.cli import main

    with Library(library_dir) as lib:
        a, b, c = seeded(lib)
    base = ["--library", str(library_dir), "--json"]
    assert main([*base, "archive", str(a)]) == 0
    capsys.readouterr()
    assert main([*base, "list"]) == 0
    assert sorted(p["id"] for p in json.loads(capsys.readouterr().out)) == [b, c]
    assert main([*base, "list", "is:archived"]) == 0
    assert [p["id"] for p in json.loads(capsys.readouterr().out)] == [a]
    assert main([*base, "unarchive", str(a)]) == 0
    capsys.readouterr()
    assert main([*base, "delete", str(b), str(c)]) == 0
    assert json.loads(capsys.readouterr().out) == {"deleted": [b, c]}
    with Library(library_dir) as lib:
        assert lib.paper_ids() == [a]
    assert main(["--library", str(library_dir), "delete", "999"]) == 2
    assert "no paper with id 999" in capsys.readouterr().err

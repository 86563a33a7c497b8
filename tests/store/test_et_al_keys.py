"""Migration 9: keys made from the "al" of "X et al." are made again; every other key stays."""

from __future__ import annotations

import json
import sqlite3

from library_tables import connect_before
from paper_factory import digest, entry
from reader.store import Library, migrations
from reader.store.citations import rekey_et_al
from reader.store.db import DB_NAME

V11 = migrations.MIGRATIONS.index(migrations._v11_et_al_keys) + 1
ANIMATEDIFF = "AnimateDiff: Animate Your Personalized Text-to-Image Diffusion Models without Specific Tuning"

# (id, arXiv id, title, authors, published, key before migration 11, key expected after it)
ROWS = [
    # Keyed from "Yuwei Guo et al." before the fix.
    (1, "2307.04725", ANIMATEDIFF, ["Yuwei Guo et al."], None, "al2023animatediff", "guo2023animatediffb"),
    # The same, whose authors were completed later, with the old maker's clash suffix.
    (2, None, "AnimateDiff tricks", ["Yuwei Guo", "Ceyuan Yang"], "2023-12-01", "al2023animatediffa",
     "guo2023animatediffa"),
    # Keyed after the fix: its key stays, and the two above must step around it.
    (3, None, "AnimateDiff in practice", ["Yuwei Guo"], "2023-05-01", "guo2023animatediff", "guo2023animatediff"),
    # Keyed without a year (no date, no arXiv id), from "Jane Doe et.al." read as "al".
    (4, None, "Sparse transformers", ["Jane Doe et al."], None, "alsparse", "doe2017sparse"),
    # Really named Al: an "al" key is theirs.
    (5, None, "Deep nets", ["Ahmed Al"], "2021-01-01", "al2021deep", "al2021deep"),
    (6, None, "A survey of surveys", ["Al, Fatima"], "2020-01-01", "al2020survey", "al2020survey"),
    # An "al" particle is not the last name: the old maker's "al" came from "et al." here too.
    (7, None, "Khalil on keys", ["Hassan al Khalil et al."], "2019-01-01", "al2019khalil", "khalil2019khalil"),
    # Only the pseudo-author is known: today's maker still says "al", so nothing to remake.
    (8, None, "Foo bar", ["et al."], "2022-01-01", "al2022foo", "al2022foo"),
    # Keys the user chose, or that start with "al" for other reasons, stay.
    (9, None, "Highly accurate protein structure prediction", ["John Jumper et al."], "2021-07-15",
     "alphafold2021", "alphafold2021"),
    (10, None, "Alpaca", ["Rohan Taori et al."], "2023-03-13", "taori2023alpaca", "taori2023alpaca"),
    (11, None, "Almost there", ["Li Wei et al."], None, "mykey", "mykey"),
    (12, None, "$x^2$", [], None, "alice", "alice"),
]


def _library_before_v11(folder) -> None:
    """A library just before migration 11 (migrations run up to it) holding the ROWS with their old keys."""
    conn = connect_before(folder, migrations._v11_et_al_keys)
    for paper_id, arxiv_id, title, authors, published, key, _ in ROWS:
        conn.execute(
            "INSERT INTO papers (id, arxiv_id, title, authors, first_author, published, added, citation_key)"
            " VALUES (?, ?, ?, ?, ?, ?, '2024-01-01T00:00:00', ?)",
            (paper_id, arxiv_id, title, json.dumps(authors), authors[0] if authors else None, published, key),
        )
    conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    conn.execute("UPDATE papers SET published = '2017-01-01' WHERE id = 4")  # a date fetched later
    conn.execute("INSERT INTO paper_state (paper_id, rating, note) VALUES (1, 5, 'cite this')")
    conn.commit()
    conn.close()


def _rows(lib: Library) -> list[tuple]:
    return lib.conn.execute("SELECT * FROM papers ORDER BY id").fetchall()


def test_migration_9_remakes_the_et_al_keys_and_keeps_every_other(tmp_path):
    folder = tmp_path / "lib"
    _library_before_v11(folder)
    with sqlite3.connect(folder / DB_NAME) as old:
        before = old.execute("SELECT * FROM papers ORDER BY id").fetchall()
        columns = [row[1] for row in old.execute("PRAGMA table_info(papers)")]
    with Library(folder) as lib:
        assert lib.schema_version == migrations.latest_version() >= V11
        keys = {p.id: p.citation_key for p in lib.list_papers()}
        assert keys == {row[0]: row[6] for row in ROWS}
        # Nothing but the key changed: other columns, the user's state, search by key.
        key_at = columns.index("citation_key")
        assert [row[:key_at] + row[key_at + 1:] for row in _rows(lib)] == [
            row[:key_at] + row[key_at + 1:] for row in before]
        paper = lib.get_paper(1)
        assert (paper.rating, paper.note) == (5, "cite this")
        assert lib.paper_ids("key:guo2023animatediffb") == [1] and lib.paper_ids("key:al2023animatediff") == []
        assert sorted(lib.paper_ids("key:guo*")) == [1, 2, 3]
    assert (folder / f"{DB_NAME}.bak-v{V11 - 1}").exists()  # the old keys are in the backup


def test_remaking_is_done_once_and_never_touches_keys_made_today(library):
    library.store_digest("/d/a.md", "1", digest(
        entry(ANIMATEDIFF, arxiv_id="2307.04725", authors=["Yuwei Guo et al."]),
        entry("Deep nets", authors=["Ahmed Al"], published="2021-01-01"),
        entry("Deep nets, again", authors=["Al, Ahmed"], published="2021-02-01"),
        entry("Khalil on keys", authors=["Hassan al Khalil et al."], published="2019-01-01"),
        entry("Alchemy of keys", authors=["Omar Al-Farsi et al."], published="2018-01-01"),
        entry("No author at all", published="2016-01-01"),
    ))
    keys = {p.id: p.citation_key for p in library.list_papers()}
    assert "guo2023animatediff" in keys.values() and "al2021deep" in keys.values()
    with library.conn:
        assert rekey_et_al(library.conn) == []
    assert {p.id: p.citation_key for p in library.list_papers()} == keys

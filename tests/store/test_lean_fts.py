"""Migration 8 (issue 15): an external-content full-text index, notes and tags in a table of their own."""

from __future__ import annotations

import random

import pytest

from paper_factory import digest, entry
from reader.store import Library, migrations
from reader.store import query as query_module
from reader.store.db import DB_NAME
from reader.store.fulltext import TextMatch

V8 = migrations.MIGRATIONS.index(migrations._v8_lean_fts) + 1

WORDS = (
    "language models diffusion video retrieval agents learning reinforcement graph transformer"
    " transfer translation benchmark zeroshot large small robust sparse attention vision"
).split()
NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Wang Li", "Émile Zola", "Ng"]
TAGS = ["llm", "toread", "vision", "later", "Reviewed"]
NOTES = ["an idea for diffusion", "zebra crossing", "read the proofs: robust?", "toread first",
         "wang said so", "transformers again", "idea"]
# Words, phrases, prefixes, columns, tag: and note:, negation, OR, and ANDs whose words
# are only found together once the note and tags count (the case split tables must keep).
QUERIES = [
    "language", "language models", '"large language"', '"language models"', "trans", "tran",
    "zeroshot", "diffusion OR retrieval", "learning -diffusion", "-diffusion", "author:wang",
    "author:zola", "emile", "title:graph", "abstract:benchmark", "tag:llm", "tag:toread",
    "toread", "llm", "reviewed", "note:idea", "idea", "zebra", "note:zebra OR title:vision",
    "zebra diffusion", "diffusion toread", "llm attention -toread", '"llm toread"',
    "idea OR llm", "(idea OR later) vision", "note:idea diffusion", "wang", "wang idea",
    "later robust", "tag:vision diffusion", "-llm", "-(toread OR idea)", "is:read toread",
    "rating:>=3 language", "toread OR rating:5", "proofs robust", "ro", "vi",
]


def _build(lib: Library, papers: int = 120) -> None:
    """Papers through the importer (a merge with a fuller record too), notes and tags through
    the library's own calls; some user state changed and undone."""
    rng = random.Random(15)
    entries = []
    for i in range(papers):
        title = " ".join(rng.sample(WORDS, 4)).capitalize()
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 25))) or None
        authors = rng.sample(NAMES, rng.randint(0, 3))
        entries.append(entry(title, arxiv_id=f"2401.{i:05d}", abstract=abstract, authors=authors))
    lib.store_digest("/d/a.txt", "1", digest(*entries))
    lib.store_digest("/d/b.txt", "2", digest(entry(  # a merge rewrites a paper's text
        "Language models that merge", arxiv_id="2401.00003", abstract="merged diffusion text",
        authors=["Ada Lovelace", "Wang Li", "Grace Hopper", "Ng"])))
    ids = sorted(lib.paper_ids())
    for paper_id in rng.sample(ids, 50):
        lib.add_tags([paper_id], rng.sample(TAGS, rng.randint(1, 3)))
    for paper_id in rng.sample(ids, 30):
        lib.set_note(paper_id, rng.choice(NOTES))
    lib.set_note(ids[0], None)
    lib.remove_tags(ids[:20], ["later"])
    lib.set_read(ids[::3], True)
    lib.set_rating(ids[::5], 4)
    lib.delete_papers([ids[-1]])


def _ids(lib: Library) -> dict[str, tuple[list[int], int]]:
    return {q: (lib.paper_ids(q, sort="title"), lib.count(q)) for q in QUERIES}


def _v7_search(monkeypatch) -> None:
    """Search as schema 7 did: one MATCH over the one table of title, authors, abstract,
    note and tags (the expression query.py built before migration 8)."""
    select = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"

    def condition(self, leads: bool = True):
        plus = "" if leads else "+"
        return f"{plus}p.id IN ({select})", [query_module._fts_expression(self.node)]

    def count(self, conn):
        expression = query_module._fts_expression(self.node)
        return conn.execute(f"SELECT count(*) FROM ({select})", (expression,)).fetchone()[0]

    monkeypatch.setattr(TextMatch, "condition", condition)
    monkeypatch.setattr(TextMatch, "count", count)


def _check_integrity(lib: Library) -> None:
    assert lib.conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    for table in ("papers_fts", "papers_user_fts"):
        # rank 1: papers_fts is also compared with the text in `papers` (its content).
        lib.conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def test_migration_8_keeps_every_search_result(library_dir, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:V8 - 1])
        _v7_search(patch)
        with Library(library_dir) as old:
            assert old.schema_version == V8 - 1
            _build(old)
            # Schema 7's writers joined the authors with "; " (schema 8 indexes the JSON list).
            old.conn.execute(
                "UPDATE papers_fts SET authors = (SELECT group_concat(value, '; ')"
                " FROM papers p, json_each(p.authors) WHERE p.id = papers_fts.rowid)")
            old.conn.commit()
            before = _ids(old)
            fts_bytes = old.conn.execute(
                "SELECT sum(length(block)) FROM papers_fts_data").fetchone()[0]
    assert all(ids for ids, _ in before.values()), "every query should find something"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:V8])
    with Library(library_dir) as lib:
        assert lib.schema_version == migrations.latest_version() >= V8
        assert (library_dir / f"{DB_NAME}.bak-v{V8 - 1}").exists()  # backed up first
        assert lib.conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # compacted
        _check_integrity(lib)
        after = _ids(lib)
        assert after == before
        # The text is no longer copied into the index's own content table.
        tables = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master")}
        assert "papers_fts_content" not in tables and "papers_user_fts" in tables
        index_bytes = lib.conn.execute(
            "SELECT sum(length(block)) FROM papers_fts_data").fetchone()[0]
        assert index_bytes < fts_bytes  # notes and tags moved out of it


def test_tagging_leaves_the_papers_full_text_row_alone_and_stays_searchable(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("Quiet okapi", abstract="a long abstract about okapis " * 20),
        entry("Loud zebra", abstract="stripes")))
    a, b = sorted(library.paper_ids())

    def index() -> list:
        return [library.conn.execute(f"SELECT * FROM papers_fts_{shadow} ORDER BY 1").fetchall()
                for shadow in ("data", "docsize", "idx")]

    before = index()
    library.add_tags([a], ["giraffe", "later"])
    library.set_note(a, "a note on giraffes")
    library.set_tags(b, ["giraffe"])
    library.set_rating([a], 5)
    library.set_read([a, b], True)
    assert index() == before  # not one byte of the title/abstract index was written
    assert library.paper_ids("giraffe", sort="title", descending=False) == [b, a]
    assert library.paper_ids("okapi giraffe") == [a]  # a text word and a tag in one AND
    assert library.paper_ids("okapi later giraffes") == [a]
    assert library.paper_ids("tag:giraffe okapi") == [a]
    assert library.count("note:giraffes") == 1 and library.count("-giraffe") == 0
    library.remove_tags([a], ["giraffe", "later"])
    library.set_note(a, None)
    assert index() == before
    assert library.paper_ids("giraffe") == [b]
    assert library.conn.execute("SELECT rowid FROM papers_user_fts").fetchall() == [(b,)]
    _check_integrity(library)


def test_the_index_follows_merges_deletes_restores_and_edits(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("First okapi", arxiv_id="2401.00001", authors=["Ann Bee"], abstract="old words"),
        entry("Second wombat", arxiv_id="2401.00002")))
    a, b = sorted(library.paper_ids())
    library.add_tags([a, b], ["keep"])
    library.set_note(a, "noted")
    library.store_digest("/d/b.txt", "2", digest(entry(
        "First okapi", arxiv_id="2401.00001", authors=["Ann Bee", "Cy Dee"], abstract="new words")))
    assert library.paper_ids("dee") == [a] and library.paper_ids("author:bee") == [a]
    _check_integrity(library)
    removed = library.delete_papers([a])
    assert library.count("okapi") == 0 and library.count("noted") == 0
    _check_integrity(library)
    library.restore_papers(removed)
    assert library.paper_ids("okapi noted keep") == [a]
    _check_integrity(library)


@pytest.fixture
def library(library_dir):
    with Library(library_dir) as lib:
        yield lib

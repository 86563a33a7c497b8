"""Migration 6 and the enrichment store: fetched fields applied, merges logged, undone and redone."""

from __future__ import annotations

import sqlite3

import pytest

from paper_factory import digest, entry
from library_tables import dump_tables
from reader.enrich.arxiv import ArxivRecord
from reader.enrich.job import RULES
from reader.enrich.merge import RecordMismatch
from reader.store import DB_NAME, Library, migrations

RECORD = ArxivRecord(
    arxiv_id="2401.00001", version=2, title="Attention Is All You Need", authors=["Ada Lovelace", "Alan Turing"],
    abstract="The real abstract.", published="2023-12-29", updated="2024-01-03", primary_category="cs.CL",
    categories=["cs.CL", "cs.AI"], doi="10.1000/j.1", journal_ref="J. Foo 1 (2024)",
)


def dump(lib: Library) -> dict:
    """Every row a merge and its undo touch, FTS included."""
    return dump_tables(lib, status="SELECT paper_id, status, reason FROM enrich_status ORDER BY paper_id")


def test_migration_6_keeps_a_version_5_library_and_adds_the_enrichment_tables(library_dir):
    conn = sqlite3.connect(library_dir / DB_NAME)
    for number in range(5):
        migrations.MIGRATIONS[number](conn)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO papers (title, arxiv_id, added) VALUES ('Old', '2401.00001', '2024-01-01')")
    conn.execute("INSERT INTO paper_state (paper_id, rating, note) VALUES (1, 3, 'kept')")
    conn.commit()
    conn.close()
    with Library(library_dir) as lib:
        assert lib.schema_version == migrations.latest_version() >= 6
        paper = lib.get_paper(1)
        assert (paper.title, paper.rating, paper.note, paper.arxiv_id) == ("Old", 3, "kept", "2401.00001")
        assert paper.categories == [] and paper.version is None
        tables = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"enrich_cache", "enrich_status", "merge_log"} <= tables
        assert lib.enrichment.lacking_count() == 1
    assert (library_dir / f"{DB_NAME}.bak-v5").exists()


def test_a_fetched_record_becomes_the_papers_own_fields_in_one_go(library, library_dir):
    library.store_digest(library_dir / "d.txt", "s", digest(entry("attention is all you need", arxiv_id="2401.00001",
                                                                   headline="Big news", summary="A digest said so")))
    paper_id = library.paper_ids()[0]
    applied = library.enrichment.apply_record(paper_id, RECORD, "arxiv", RULES)
    assert applied.paper_id == paper_id and "authors" in applied.changed and applied.merges == []
    paper = library.get_paper(paper_id)
    assert paper.title == "Attention Is All You Need" and paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert (paper.version, paper.updated, paper.primary_category, paper.categories, paper.journal_ref) == (
        2, "2024-01-03", "cs.CL", ["cs.CL", "cs.AI"], "J. Foo 1 (2024)")
    assert paper.sightings[0].headline == "Big news"  # the digest's words stay on its sighting
    assert library.list_papers("author:lovelace")[0].id == paper_id  # the FTS row followed
    assert library.enrichment.statuses([paper_id]) == {paper_id: ("done", None)}
    assert library.enrichment.targets() == []


def test_a_record_for_another_paper_changes_nothing(library, library_dir):
    library.store_digest(library_dir / "d.txt", "s", digest(entry("Other", arxiv_id="2401.99999")))
    before = dump(library)
    with pytest.raises(RecordMismatch):
        library.enrichment.apply_record(library.paper_ids()[0], RECORD, "arxiv", RULES)
    assert dump(library) == before


def two_of_a_kind(library, library_dir) -> tuple[int, int]:
    """An arXiv paper and a title-only one from another digest, each with user state."""
    library.store_digest(library_dir / "a.txt", "a", digest(entry("Attention Is All You Need", arxiv_id="2401.00001")))
    library.store_digest(library_dir / "b.txt", "b", digest(entry("Attention is all you need (MEM1)"),
                                                            entry("Unrelated")))
    by_title = {library.get_paper(i).title: i for i in library.paper_ids()}
    holder, nickname = by_title["Attention Is All You Need"], by_title["Attention is all you need (MEM1)"]
    library.add_tags([holder], ["llm"])
    library.set_rating([holder], 2)
    library.add_tags([nickname], ["toread", "LLM"])
    library.set_rating([nickname], 4)
    library.set_note(nickname, "see section 3")
    library.set_read([nickname])
    return holder, nickname


def test_a_paper_resolving_to_an_id_another_has_merges_into_it_and_undo_redo_are_exact(library, library_dir):
    holder, nickname = two_of_a_kind(library, library_dir)
    before = dump(library)
    applied = library.enrichment.apply_record(nickname, RECORD, "arxiv", RULES)
    assert applied.paper_id == holder and len(applied.merges) == 1
    merged = library.get_paper(holder)
    assert sorted(merged.tags, key=str.casefold) == ["llm", "toread"]
    assert (merged.rating, merged.note, merged.read, merged.seen) == (4, "see section 3", True, 2)
    assert [s.file.rsplit("/", 1)[-1] for s in merged.sightings] == ["a.txt", "b.txt"]
    assert nickname not in library.paper_ids()
    assert library.digests()[1].entries == 2  # b.txt still lists two papers
    log = library.enrichment.merge_log()
    assert [(m.survivor_id, m.absorbed_id, m.undone_at) for m in log] == [(holder, nickname, None)]
    after = dump(library)

    library.enrichment.undo_merge(log[0].id)
    assert dump(library) == before
    assert library.enrichment.merge_log()[0].undone_at is not None
    library.enrichment.redo_merge(log[0].id)
    assert dump(library) == after


def test_papers_left_with_one_doi_merge_and_a_paper_added_by_hand_has_no_sighting(library, library_dir):
    library.store_digest(library_dir / "a.txt", "a", digest(entry("Journal version", doi="10.1000/J.1")))
    added = library.enrichment.add_record(RECORD, RULES)
    assert added.created is False  # the DOI's paper was completed, not duplicated
    assert library.get_paper(added.paper_id).arxiv_id == "2401.00001"
    other = ArxivRecord(arxiv_id="2402.00002", version=1, title="Made by hand")
    made = library.enrichment.add_record(other, RULES)
    assert made.created and library.get_paper(made.paper_id).seen == 0
    assert library.enrichment.add_record(other, RULES).created is False
    assert library.count("seen:0") == 1


def test_the_cache_keeps_answers_and_not_found(library):
    library.enrichment.cache_put({"arxiv:id:1": {"a": 1}, "arxiv:id:2": None})
    got = library.enrichment.cache_get(["arxiv:id:1", "arxiv:id:2", "arxiv:id:3"])
    assert got["arxiv:id:1"][0] == {"a": 1} and got["arxiv:id:2"][0] is None and "arxiv:id:3" not in got


def test_unresolved_papers_keep_their_reason_and_stay_targets(library, library_dir):
    library.store_digest(library_dir / "a.txt", "a", digest(entry("MEM1"), date="2024-06-01"))
    paper_id = library.paper_ids()[0]
    library.enrichment.mark_unresolved({paper_id: "no close title"})
    assert library.enrichment.statuses([paper_id]) == {paper_id: ("unresolved", "no close title")}
    [target] = library.enrichment.targets()
    assert (target.paper_id, target.status, target.not_after) == (paper_id, "unresolved", "2024-06-01")
    assert library.enrichment.lacking_count() == 0  # tried: no longer offered, still retried

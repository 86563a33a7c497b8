"""Citation keys in the store (migration 7, uniqueness, stability, key: search) and state applied once."""

from __future__ import annotations

import json
import sqlite3

import pytest

from library_tables import connect_before
from paper_factory import digest, entry
from reader.exchange import CitationItem, FileLink
from reader.store import InvalidValue, Library, migrations
from reader.store.db import DB_NAME

V7 = migrations.MIGRATIONS.index(migrations._v7_citations) + 1


def _library_before_v7(folder) -> None:
    """A library at the schema just before migration 7, with papers and user state."""
    conn = connect_before(folder, migrations._v7_citations)
    rows = [
        (1, "1706.03762", "Attention Is All You Need", ["Ashish Vaswani"], None),
        (2, None, "Attention Is Not Explanation", ["Sarthak Jain"], "2019-02-26"),
        (3, None, "Attention Is All You Need, Again", ["A. Vaswani"], "2017-06-01"),
    ]
    for paper_id, arxiv_id, title, authors, published in rows:
        conn.execute(
            "INSERT INTO papers (id, arxiv_id, title, authors, published, added) VALUES (?, ?, ?, ?, ?, ?)",
            (paper_id, arxiv_id, title, json.dumps(authors), published, "2024-01-01T00:00:00"),
        )
    conn.execute("INSERT INTO paper_state (paper_id, rating, note) VALUES (2, 4, 'keep me')")
    conn.commit()
    conn.close()


def test_migration_7_keeps_data_and_assigns_keys(tmp_path):
    folder = tmp_path / "lib"
    _library_before_v7(folder)
    with Library(folder) as lib:
        assert lib.schema_version >= V7
        papers = {p.id: p for p in lib.list_papers()}
        assert papers[2].rating == 4 and papers[2].note == "keep me"
        keys = {i: p.citation_key for i, p in papers.items()}
        # Two papers share the stem: suffixes in an order fixed by the papers' own fields.
        assert keys == {1: "vaswani2017attentiona", 2: "jain2019attention", 3: "vaswani2017attention"}
    assert (folder / f"{DB_NAME}.bak-v{V7 - 1}").exists()  # backed up before migrating


def _one(lib: Library, title="Attention Is All You Need", **fields) -> int:
    lib.store_digest("/d/a.txt", "sha-a", digest(entry(title, authors=["Ashish Vaswani"], **fields)))
    return lib.paper_ids()[0]


def test_a_new_paper_gets_its_key_when_stored_and_keeps_it(library_dir):
    with Library(library_dir) as lib:
        paper_id = _one(lib, arxiv_id="1706.03762")
        assert lib.get_paper(paper_id).citation_key == "vaswani2017attention"
        # A later digest gives a fuller author list and a date: the key stays.
        lib.store_digest("/d/b.txt", "sha-b", digest(entry(
            "Attention Is All You Need", arxiv_id="1706.03762", published="2016-01-01",
            authors=["Zed Zebra", "Ashish Vaswani"])))
        assert lib.get_paper(paper_id).authors[0] == "Zed Zebra"
        assert lib.get_paper(paper_id).citation_key == "vaswani2017attention"
        removed = lib.delete_papers([paper_id])
        lib.restore_papers(removed)  # undo brings the key back with the row
        assert lib.get_paper(paper_id).citation_key == "vaswani2017attention"


def test_keys_are_unique_without_regard_to_case(library_dir):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.txt", "sha-a", digest(
            entry("Deep Learning", authors=["Yann LeCun"], published="2015-05-27"),
            entry("Deep learning, again", authors=["Yann LeCun"], published="2015-06-01"),
        ))
        keys = sorted(p.citation_key for p in lib.list_papers())
        assert keys == ["lecun2015deep", "lecun2015deepa"]
        first, second = lib.paper_ids(sort="title", descending=False)
        with pytest.raises(InvalidValue, match="already used by paper"):
            lib.set_citation_key(first, lib.get_paper(second).citation_key.upper())
        with pytest.raises(InvalidValue, match="cannot contain"):
            lib.set_citation_key(first, "has space")
        with pytest.raises(InvalidValue, match="empty"):
            lib.set_citation_key(first, "  ")
        assert lib.set_citation_key(first, " LeCun:DL ") == "LeCun:DL"
        assert lib.paper_with_key("lecun:dl") == first
        with pytest.raises(sqlite3.IntegrityError):  # the index holds even past the API
            lib.conn.execute("UPDATE papers SET citation_key = 'LECUN:dl' WHERE id = ?", (second,))


def test_key_search(library_dir):
    with Library(library_dir) as lib:
        paper_id = _one(lib, arxiv_id="1706.03762")
        assert lib.paper_ids("key:vaswani2017attention") == [paper_id]
        assert lib.paper_ids("key:VASWANI2017ATTENTION") == [paper_id]
        assert lib.paper_ids("key:vaswani*") == [paper_id]
        assert lib.paper_ids("key:vaswani") == []
        assert lib.count("-key:vaswani2017attention") == 0


def _with_citation(title: str, item: CitationItem, **fields):
    made = entry(title, **fields)
    made.citation = item
    return made


def test_a_citation_brings_key_fields_and_state_but_never_overwrites_the_users(library_dir):
    with Library(library_dir) as lib:
        paper_id = _one(lib, arxiv_id="1706.03762")
        lib.set_rating([paper_id], 2)
        item = CitationItem(title="Attention Is All You Need", citation_key="mine", journal="NeurIPS",
                            tags=["t"], rating=5, read=True, note="n", files=[FileLink("a.pdf")])
        lib.store_digest("/d/c.bib", "sha-c", digest(_with_citation(
            "Attention Is All You Need", item, arxiv_id="1706.03762")))
        paper = lib.get_paper(paper_id)
        assert paper.rating == 2 and paper.tags == [] and not paper.read  # the user's state stays
        assert paper.citation_key == "vaswani2017attention"  # a made key is never remade
        assert paper.bib["journal"] == "NeurIPS" and paper.bib["files"][0]["path"] == "a.pdf"

        other = CitationItem(title="Fresh", citation_key="vaswani2017attention", tags=["x"], rating=3, read=True)
        lib.store_digest("/d/d.bib", "sha-d", digest(_with_citation("Fresh", other)))
        fresh = lib.get_paper(lib.paper_ids("title:fresh")[0])
        assert (fresh.tags, fresh.rating, fresh.read) == (["x"], 3, True)
        assert fresh.citation_key == "vaswani2017attentiona"  # a kept key that is taken gets a suffix


def _clashing_digests():
    """Digests whose new papers share key stems with each other and with stored keys."""
    first = digest(
        entry("Deep Learning", authors=["Yann LeCun"], published="2015-05-27"),
        entry("Attention Is All You Need", authors=["Ashish Vaswani"], arxiv_id="1706.03762"),
    )
    second = digest(
        entry("Deep learning, again", authors=["Yann LeCun"], published="2015-06-01"),
        entry("Deep learning for all", authors=["yann lecun"], published="2015-01-01", doi="10.1/x"),
        entry("Attention Is All You Need, Again", authors=["A. Vaswani"], published="2017-06-01"),
        entry("A Paper Without Authors"),
        entry("Ωmega: über Größe", authors=["Jürgen Schmidhuber"], published="1997"),
    )
    return first, second


def test_keys_made_with_the_insert_are_the_keys_made_after_it(tmp_path, monkeypatch):
    from reader.store import digests

    def keys_of(folder) -> dict[str, str]:
        with Library(folder) as lib:
            for number, parsed in enumerate(_clashing_digests()):
                lib.store_digest(f"/d/{number}.txt", f"sha-{number}", parsed)
            return {p.title: p.citation_key for p in lib.list_papers()}

    made_with_insert = keys_of(tmp_path / "with")
    monkeypatch.setattr(digests, "keys_before_insert", lambda conn, entries, records: {})
    made_after = keys_of(tmp_path / "after")  # assign_missing_keys reads the rows back
    assert made_with_insert == made_after
    assert made_with_insert["Deep learning, again"] == "lecun2015deepa"


def test_a_large_batch_of_new_keys_avoids_keys_that_fold_onto_them(library_dir):
    """Over 500 new papers are checked against every key that could clash, not only the
    index's ranges: a key such as "ﬁnn…" (a ligature) folds onto "finn…"."""
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.txt", "sha-a", digest(entry("Deep Water", authors=["Ada Finn"], published="2020")))
        lib.set_citation_key(lib.paper_ids()[0], "ﬁnn2020deep")
        many = [entry("Deep Sea", authors=["Bo Finn"], published="2020")]
        many += [entry(f"Paper number {n}", authors=["Cy Smith"], published="2021") for n in range(600)]
        lib.store_digest("/d/b.txt", "sha-b", digest(*many))
        assert lib.get_paper(lib.paper_ids("title:sea")[0]).citation_key == "finn2020deepa"
        keys = [p.citation_key for p in lib.list_papers(limit=1000)]
        assert len({key.casefold() for key in keys}) == len(keys) == 602

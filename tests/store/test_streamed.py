"""First pages read straight from the full-text index (reader.store.streamed) are the planner's pages."""

from __future__ import annotations

import random

import pytest

from paper_factory import digest, entry
from reader.store import Library, streamed
from reader.store.migrations import ADDED_FOLLOWS_ID
from reader.store.search import Search

WORDS = ("language models diffusion video retrieval agents learning transformer transfer"
         " benchmark zeroshot robust sparse attention vision graph").split()
QUERIES = [
    "language", "language models", "language mod", '"language models"', "trans", "zeroshot",
    "diffusion OR retrieval", "learning -diffusion", "author:wang", "title:graph",
    "language is:unread", "agents tag:llm", "vision rating:>=3", "robust -is:read",
    "llm", "toread", "note:idea", "idea language", "sparse seen:>=2", "(video OR graph) robust",
    "benchmark -tag:llm", "is:archived language", "nothingmatchesthis",
    "language -diffusion", "llm -vision", "language -idea", "idea -robust", "sparse -llm -graph",
    "language -title:graph", "vision -author:wang",
]


@pytest.fixture
def library(library_dir):
    with Library(library_dir) as lib:
        rng = random.Random(7)
        for d in range(6):
            entries = [
                entry(" ".join(rng.sample(WORDS, 4)).capitalize(), arxiv_id=f"2401.{d * 40 + i:05d}",
                      abstract=" ".join(rng.choice(WORDS) for _ in range(12)),
                      authors=rng.sample(["Wang Li", "Ada Lovelace", "Alan Turing"], 2))
                for i in range(40)
            ]
            entries += [entry(f"Repeat {i}", arxiv_id=f"2401.{i:05d}") for i in range(d * 3)]
            lib.store_digest(f"/d/{d}.txt", str(d), digest(*entries))
        ids = sorted(lib.paper_ids())
        lib.add_tags(ids[::7], ["llm"])
        lib.add_tags(ids[::11], ["toread"])
        lib.set_note(ids[5], "an idea about language")
        lib.set_note(ids[9], "diffusion, says the note")  # excluded by its note alone
        lib.add_tags([ids[12]], ["diffusion"])
        lib.set_read(ids[::3], True)
        lib.set_rating(ids[::4], 4)
        lib.archive_papers(ids[::50])
        yield lib


def _planner_ids(lib: Library, query: str, descending: bool) -> list[int]:
    lib.conn.execute("UPDATE settings SET value = '0' WHERE key = ?", (ADDED_FOLLOWS_ID,))
    try:
        return lib.paper_ids(query, descending=descending)
    finally:
        lib.conn.execute("UPDATE settings SET value = '1' WHERE key = ?", (ADDED_FOLLOWS_ID,))


def _paged(lib: Library, query: str, descending: bool, page: int) -> list[int]:
    ids: list[int] = []
    after = None
    while True:
        rows = lib.rows(query, descending=descending, limit=page, after=after)
        ids += [r.id for r in rows]
        if len(rows) < page:
            return ids
        after = rows[-1].id


@pytest.mark.parametrize("descending", [True, False])
def test_streamed_pages_equal_the_planners_in_both_orders(library, descending, monkeypatch):
    assert streamed.added_follows_id(library.conn)
    used = []
    original = streamed.streamed_ids

    def watched(*args, **kwargs):
        found = original(*args, **kwargs)
        used.append(found is not None)
        return found

    monkeypatch.setattr("reader.store.library.streamed_ids", watched)
    for query in QUERIES:
        expected = _planner_ids(library, query, descending)
        assert _paged(library, query, descending, page=7) == expected, query
        assert library.paper_ids(query, descending=descending, limit=5) == expected[:5], query
    assert sum(used) > len(QUERIES)  # the streamed way was taken, and not only on no match


def test_past_the_budget_a_filters_papers_lead_or_the_planner_answers(library, monkeypatch):
    monkeypatch.setattr(streamed, "STEP_BUDGET", 0)
    monkeypatch.setattr(streamed, "STEP_GRAIN", 1)
    # No filter can lead (a negated one lists the papers it leaves out): the planner's turn.
    node = Search.parse("language -tag:llm").node
    assert streamed.streamed_ids(library.conn, node, True, 10, None, False) is None
    # The papers tagged llm lead, each checked for the word and the rest.
    for query in ("language tag:llm", "language tag:llm is:unread", "language tag:toread", "vision rating:>=3 -robust",
                  "language digest:3", "sparse tag:llm seen:>=2"):
        node = Search.parse(query).node
        for descending in (True, False):
            expected = _planner_ids(library, query, descending)
            # Archived papers are left out (the fixture has some), as the library's lists do.
            assert streamed.streamed_ids(library.conn, node, descending, 500, None, True) == expected, query
            after = expected[2] if len(expected) > 3 else None
            if after is not None:
                page = streamed.streamed_ids(library.conn, node, descending, 2, after, True)
                assert page == expected[3:5], query


def test_the_order_flag_follows_added_stamps(library):
    assert streamed.added_follows_id(library.conn)
    first = min(library.paper_ids())
    # A merge gives a paper an earlier stamp than papers before it: the id order is no
    # longer the order of `added`, and searches go back to the planner.
    library.conn.execute("UPDATE papers SET added = '1999-01-01T00:00:00' WHERE id = ?",
                         (max(library.paper_ids()),))
    library.conn.commit()
    assert not streamed.added_follows_id(library.conn)
    assert library.paper_ids("language")[-1] == max(library.paper_ids("language"))
    assert first in library.paper_ids()


def test_a_paper_stored_with_an_older_stamp_ends_the_flag(library):
    library.conn.execute(
        "INSERT INTO papers (title, title_key, authors, added) VALUES ('Old', 'old', '[]', '2000-01-01')")
    library.conn.commit()
    assert not streamed.added_follows_id(library.conn)


@pytest.mark.parametrize("descending", [True, False])
def test_ids_up_to_a_paper_are_the_lists_head(library, descending):
    every = sorted(library.paper_ids(descending=descending))
    for query in QUERIES[:12] + ["", "is:unread"]:
        expected_list = _planner_ids(library, query, descending)
        for paper_id in every[::17]:
            found = library.ids_up_to(paper_id, query, descending=descending, limit=40)
            # With the list's first page at hand (the GUI's case) the answer is the same.
            hinted = library.ids_up_to(paper_id, query, descending=descending, limit=40,
                                       first_page=expected_list[:7])
            if paper_id in expected_list[:40]:
                assert found == expected_list[: expected_list.index(paper_id) + 1], (query, paper_id)
            else:
                assert found == [], (query, paper_id)
            assert hinted == found, (query, paper_id)


FILTER_QUERIES = [
    "is:unread", "is:read", "tag:llm", "-tag:llm", "rating:>=3", "rating:<2", "is:untagged", "is:tagged",
    "is:archived", "format:none", "seen:>=2 -tag:toread", "(tag:llm OR rating:4) is:unread", "is:unresolved",
]


@pytest.mark.parametrize("query", FILTER_QUERIES)
def test_per_row_checks_select_the_papers_the_lists_do(library, query):
    from reader.store.query import compile_query

    node = Search.parse(query).node
    found = {}
    for per_row in (False, True):
        compiled = compile_query(node, lookups=False, hide_archived=True, per_row=per_row)
        assert ("EXISTS" in compiled.where) == per_row or "IN (" not in compiled.where
        found[per_row] = [r[0] for r in library.conn.execute(
            f"SELECT p.id FROM papers p WHERE {compiled.where} ORDER BY p.id", compiled.params)]
    assert found[True] == found[False], query


def test_in_a_sorted_list_a_paper_that_does_not_match_is_not_looked_for(library, monkeypatch):
    read = library.paper_ids("is:read")
    unread = library.paper_ids("is:unread")
    reads: list[tuple] = []
    original = library._ids

    def watched(*args):
        reads.append(args)
        return original(*args)

    monkeypatch.setattr(library, "_ids", watched)
    assert library.ids_up_to(read[0], "is:unread", sort="title", limit=1000) == []
    assert reads == []  # one row checked, not the list's first thousand read
    found = library.ids_up_to(unread[3], "is:unread", sort="title", limit=1000)
    assert found[-1] == unread[3] and found == library.paper_ids("is:unread", sort="title")[:len(found)]

"""Pages sorted by date read along the date index (reader.store.date_walk) are the planner's pages."""

from __future__ import annotations

import random

import pytest

from paper_factory import digest, entry
from reader.store import Library, date_walk
from reader.store.search import Search

WORDS = ("language models diffusion video retrieval agents learning transformer transfer"
         " benchmark zeroshot robust sparse attention vision graph").split()
# Words in most papers (the walk answers), in a few (it gives up to the planner), prefixes,
# exclusions, notes and tags (papers_user_fts), filters beside the words.
QUERIES = [
    "language", "language models", "language mod", "trans", "learning -diffusion",
    "diffusion OR retrieval", "author:wang", "language is:unread", "agents tag:llm",
    "vision rating:>=3", "robust -is:read", "idea language", "idea", "toread language",
    "language -idea", "language OR toread", "idea OR language", "is:archived language", "zeroshot sparse graph", "nothingmatchesthis",
    "language -title:graph",
]


@pytest.fixture
def library(library_dir):
    """240 papers, mostly published in the order they came (ids follow dates, loosely), some
    known only by their arXiv id (dated by its month), a few with no date at all."""
    with Library(library_dir) as lib:
        rng = random.Random(11)
        for d in range(6):
            entries = []
            for i in range(40):
                number = d * 40 + i
                kind = rng.random()
                fields = {"arxiv_id": f"24{(number % 12) + 1:02d}.{number:05d}"}
                if kind < 0.7:
                    fields["published"] = f"2024-{d + 1:02d}-{rng.randint(1, 28):02d}"
                elif kind < 0.85:
                    fields = {"doi": f"10.1000/x{number}"}  # no date, no arXiv id: undated
                words = rng.sample(WORDS, 4)
                if number % 3:
                    words.append("language")
                entries.append(entry(
                    " ".join(words).capitalize(), abstract=" ".join(rng.choice(WORDS) for _ in range(10)),
                    authors=rng.sample(["Wang Li", "Ada Lovelace", "Alan Turing"], 2), **fields,
                ))
            lib.store_digest(f"/d/{d}.txt", str(d), digest(*entries))
        ids = sorted(lib.paper_ids())
        lib.add_tags(ids[::7], ["llm"])
        lib.add_tags(ids[::11], ["toread"])
        lib.set_note(ids[5], "an idea about language")
        lib.set_note(ids[200], "another idea")
        lib.set_note(ids[9], "diffusion, says the note")  # excluded by its note alone
        lib.set_read(ids[::3], True)
        lib.set_rating(ids[::4], 4)
        lib.archive_papers(ids[::50])
        yield lib


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 8 papers: a page takes several of them, and the budget runs out."""
    monkeypatch.setattr(date_walk, "BATCH", 8)
    monkeypatch.setattr(date_walk, "MAX_BATCHES", 12)
    monkeypatch.setattr(date_walk, "UP_TO_BATCHES", 6)


def _planner_page(lib: Library, query: str, descending: bool, limit: int | None, after: int | None = None):
    search = Search.of(query)
    return lib.planner.ids(search, "published", descending, lib.planner.count(search), limit, 0, after)


def _walked(lib: Library, query: str, descending: bool, limit: int, after: int | None = None):
    node = Search.of(query).node
    return date_walk.date_walk_ids(lib.conn, node, descending, limit, after, lib.planner.hides_archived(node))


@pytest.mark.parametrize("descending", [True, False])
def test_walked_pages_equal_the_planners_in_both_orders(library, small_batches, descending):
    answered = []
    for query in QUERIES:
        for limit in (1, 5, 20):
            walked = _walked(library, query, descending, limit)
            if walked is not None:
                assert walked == _planner_page(library, query, descending, limit), (query, limit)
                answered.append(query)
    # Common words are walked; the rest was left to the planner (None), never answered wrong.
    assert {"language", "language models", "trans", "language OR toread", "idea OR language", "language -idea"} <= set(answered), answered
    assert "nothingmatchesthis" not in answered


@pytest.mark.parametrize("descending", [True, False])
def test_pages_after_a_paper_continue_the_planners_list(library, small_batches, descending):
    for query in ("language", "language -idea", "language OR toread", "language is:unread", "trans"):
        whole = _planner_page(library, query, descending, None)
        seen = 0
        for position in range(0, len(whole) - 1, 7):
            walked = _walked(library, query, descending, 10, after=whole[position])
            if walked is not None:
                assert walked == whole[position + 1: position + 11], (query, position)
                seen += 1
        assert seen, query


def test_the_library_reads_sorted_pages_the_planners_way_too(library):
    for query in QUERIES:
        for descending in (True, False):
            rows = [r.id for r in library.rows(query, sort="published", descending=descending, limit=30)]
            assert rows == _planner_page(library, query, descending, 30), query


def test_scrolling_a_list_sorted_by_date_gives_every_paper_once_in_order(library, small_batches):
    whole = _planner_page(library, "language", True, None)
    ids, after = [], None
    while True:
        rows = library.rows("language", sort="published", descending=True, limit=15, after=after)
        ids += [r.id for r in rows]
        if len(rows) < 15:
            break
        after = rows[-1].id
    assert ids == whole  # undated papers last, from the planner, once the dated ones run out


@pytest.mark.parametrize("descending", [True, False])
def test_up_to_a_paper_equals_the_planners_list_head(library, small_batches, descending):
    checked = 0
    for query in ("language", "language models", "idea language", "language -idea", "agents tag:llm"):
        whole = _planner_page(library, query, descending, None)
        every = sorted(library.paper_ids())
        for paper_id in [*whole[:12], *every[::9]]:
            node = Search.of(query).node
            found = date_walk.date_walk_up_to(library.conn, node, descending, paper_id, 10,
                                              library.planner.hides_archived(node))
            if found is None:
                continue
            checked += 1
            expected = whole[: whole.index(paper_id) + 1] if paper_id in whole[:10] else []
            assert found == expected, (query, paper_id)
    assert checked > 40


def test_a_query_of_filters_alone_is_left_to_the_planner(library):
    assert _walked(library, "is:unread", True, 10) is None
    assert _walked(library, "tag:llm rating:>=3", False, 10) is None


@pytest.mark.parametrize("descending", [True, False])
def test_a_rare_word_and_filter_is_read_from_the_filters_papers_in_date_order(library, monkeypatch, descending):
    """The walk gives up on sparse matches; a tag's or a rating's papers then lead, checked
    against the whole query and sorted by date, undated ones last."""
    monkeypatch.setattr(date_walk, "BATCH", 4)
    monkeypatch.setattr(date_walk, "MAX_BATCHES", 3)
    led = []
    original = date_walk._filter_led
    monkeypatch.setattr(date_walk, "_filter_led", lambda *args: led.append(original(*args)) or led[-1])
    answered = []
    for query in ("agents tag:llm", "vision rating:>=3", "language tag:toread is:unread", "zeroshot tag:llm",
                  "idea OR agents tag:llm", "graph -is:read rating:>=1"):
        whole = _planner_page(library, query, descending, None)
        for limit in (3, 50):
            walked = _walked(library, query, descending, limit)
            assert walked in (None, whole[:limit]), (query, limit)
            answered.append(walked is not None)
        for position in range(0, len(whole) - 1, 3):
            assert _walked(library, query, descending, 5, after=whole[position]) in (
                None, whole[position + 1: position + 6])
    assert sum(found is not None for found in led) > 10
    assert answered.count(True) >= 10, answered  # of 12: "idea OR (agents tag:llm)" is the planner's

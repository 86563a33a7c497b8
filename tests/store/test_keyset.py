"""Keyset paging: seeking each page after the last id gives exactly the rows OFFSET paging gives."""

from __future__ import annotations

import pytest

from paper_factory import digest, entry
from reader.store import Library
from reader.store.planner import SORT_KEYS

PAGE = 7


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library(tmp_path_factory.mktemp("keyset"))
    entries = []
    for n in range(60):
        fields = {"arxiv_id": f"2401.{n:05d}", "abstract": f"words about topic{n % 4} learning"}
        if n % 5:  # some papers lack a date or an author: NULL keys must page too
            fields["published"] = f"2024-0{1 + n % 3}-{1 + n % 9:02d}"
        if n % 6:
            fields["authors"] = [f"Author {'ABC'[n % 3]}"]
        entries.append(entry(f"Paper {n % 10} on {'xyz'[n % 3]}", score=float(n % 7), **fields))
    lib.store_digest("/tmp/keyset-1.md", "sha-1", digest(*entries[:35]))
    lib.store_digest("/tmp/keyset-2.md", "sha-2", digest(*entries[30:]))
    ids = lib.paper_ids(sort="added", descending=False)
    lib.set_read(ids[::3], True)
    for k, paper_id in enumerate(ids[::4]):
        lib.set_rating([paper_id], 1 + k % 3)  # equal ratings: the id breaks the tie
    lib.add_tags(ids[::5], ["todo"])
    lib.archive_papers(ids[-2:])
    yield lib
    lib.close()


def keyset_pages(lib: Library, query: str, sort: str, descending: bool) -> list[int]:
    found: list[int] = []
    while True:
        after = found[-1] if found else None
        page = [r.id for r in lib.rows(query, sort=sort, descending=descending, limit=PAGE,
                                       offset=len(found), after=after)]
        found += page
        if len(page) < PAGE:
            return found


def offset_pages(lib: Library, query: str, sort: str, descending: bool) -> list[int]:
    found: list[int] = []
    while True:
        page = [r.id for r in lib.rows(query, sort=sort, descending=descending, limit=PAGE,
                                       offset=len(found))]
        found += page
        if len(page) < PAGE:
            return found


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("query", ["", "learning", "topic1 OR topic2", "-is:read", "tag:todo",
                                   "is:archived OR rating:>=1"])
def test_keyset_pages_equal_offset_pages(library, query, sort, descending):
    expected = library.paper_ids(query, sort=sort, descending=descending)
    assert offset_pages(library, query, sort, descending) == expected
    assert keyset_pages(library, query, sort, descending) == expected


def test_keyset_after_a_vanished_paper_falls_back_to_the_offset(library):
    first = library.paper_ids("", sort="title", descending=False, limit=PAGE * 2)
    page = library.rows("", sort="title", descending=False, limit=PAGE, offset=PAGE, after=10**9)
    assert [r.id for r in page] == first[PAGE:]


@pytest.fixture(scope="module")
def unarchived(tmp_path_factory):
    """No archived paper: a query of one filter is then that filter's list of papers alone."""
    lib = Library(tmp_path_factory.mktemp("filter-led"))
    entries = [entry(f"Paper {n}", arxiv_id=f"2402.{n:05d}") for n in range(50)]
    lib.store_digest("/tmp/filter-led-1.md", "sha-1", digest(*entries[:30]))
    lib.store_digest("/tmp/filter-led-2.md", "sha-2", digest(*entries[25:]))
    ids = lib.paper_ids(sort="added", descending=False)
    lib.set_read(ids[::3], True)
    for k, paper_id in enumerate(ids[::4]):
        lib.set_rating([paper_id], 1 + k % 3)
    lib.add_tags(ids[::5], ["todo"])
    lib.set_note(ids[7], "a note")
    yield lib
    lib.close()


@pytest.mark.parametrize("sort", ["read", "rating"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("query", ["rating:>=1", "is:rated", "tag:todo", "has:note", "digest:filter-led-2",
                                   "is:unread"])
def test_a_filters_papers_sorted_by_read_or_rating_come_from_its_own_index(
    unarchived, query, sort, descending, monkeypatch
):
    from reader.store import planner

    led = []
    original = planner.filter_papers
    monkeypatch.setattr(planner, "filter_papers", lambda node: led.append(original(node)) or led[-1])
    got = unarchived.paper_ids(query, sort=sort, descending=descending)
    paged = keyset_pages(unarchived, query, sort, descending)
    monkeypatch.setattr(planner, "filter_papers", lambda node: None)  # every paper's row
    unarchived.planner.forget()
    expected = unarchived.paper_ids(query, sort=sort, descending=descending)
    assert got == expected and paged == expected
    assert any(led) == (query != "is:unread")  # a negated filter is not a list of papers

"""The published sort lists undated papers last in both directions, on every page and plan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from paper_factory import digest, entry
from reader.store import Library

REPO = Path(__file__).resolve().parents[2]


def _fields(n: int) -> dict:
    """Dated, dated by the arXiv id only, or undated (no date and no new-style arXiv id);
    several papers share a date so the id must break ties across pages."""
    kind = n % 4
    if kind == 0:
        return {"published": f"2023-0{1 + n % 3}-01", "abstract": "learning"}
    if kind == 1:
        return {"arxiv_id": f"24{1 + n % 9:02d}.{n:05d}", "abstract": "learning"}
    if kind == 2:
        return {"abstract": "learning" if n % 3 else "other"}  # undated
    return {"arxiv_id": f"hep-th/99{n:05d}", "published": None}  # old-style id: undated too


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = Library(tmp_path_factory.mktemp("undated"))
    entries = [entry(f"Paper number {n}", **_fields(n)) for n in range(45)]
    lib.store_digest("/tmp/undated-1.md", "sha-1", digest(*entries[:25]))
    lib.store_digest("/tmp/undated-2.md", "sha-2", digest(*entries[25:]))
    yield lib
    lib.close()


def _date(lib: Library, paper_id: int) -> str | None:
    """The paper's date as the sort sees it: published, else the new-style arXiv id's month."""
    published, arxiv_id = lib.conn.execute(
        "SELECT published, arxiv_id FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if published:
        return published
    if arxiv_id and arxiv_id[:4].isdigit() and arxiv_id[4:5] == ".":
        return f"20{arxiv_id[:2]}-{arxiv_id[2:4]}"
    return None


def expected_order(lib: Library, query: str, descending: bool) -> list[int]:
    """Worked out here, not by the planner: dated papers by (date, id), then the undated by id."""
    ids = set(lib.paper_ids(query))
    dated = sorted(((_date(lib, i), i) for i in ids if _date(lib, i)), reverse=descending)
    undated = sorted((i for i in ids if not _date(lib, i)), reverse=descending)
    return [i for _, i in dated] + undated


def keyset_pages(lib: Library, query: str, descending: bool, size: int) -> list[int]:
    found: list[int] = []
    while True:
        page = [r.id for r in lib.rows(query, sort="published", descending=descending, limit=size,
                                       offset=len(found), after=found[-1] if found else None)]
        found += page
        if len(page) < size:
            return found


def offset_pages(lib: Library, query: str, descending: bool, size: int) -> list[int]:
    found: list[int] = []
    while True:
        page = [r.id for r in lib.rows(query, sort="published", descending=descending, limit=size,
                                       offset=len(found))]
        found += page
        if len(page) < size:
            return found


def test_the_library_has_each_kind_of_paper(library):
    dates = [_date(library, i) for i in library.paper_ids()]
    assert dates.count(None) >= 20 and len(set(d for d in dates if d)) >= 5


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("query", ["", "learning", "-other", "title:paper"])
def test_undated_papers_come_last_either_way(library, query, descending):
    expected = expected_order(library, query, descending)
    got = library.paper_ids(query, sort="published", descending=descending)
    assert got == expected
    undated = [i for i in got if _date(library, i) is None]
    assert undated and got[-len(undated):] == undated


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 11])
@pytest.mark.parametrize("query", ["", "learning"])
def test_pages_give_every_paper_once_in_order(library, query, descending, size):
    expected = expected_order(library, query, descending)
    keyset = keyset_pages(library, query, descending, size)
    assert keyset == expected
    assert len(keyset) == len(set(keyset))
    assert offset_pages(library, query, descending, size) == expected
    # A page that starts after an undated paper stays among the undated ones.
    last_dated = max(n for n, i in enumerate(expected) if _date(library, i))
    after = expected[last_dated + 1]
    rest = [r.id for r in library.rows(query, sort="published", descending=descending, limit=100,
                                       offset=last_dated + 2, after=after)]
    assert rest == expected[last_dated + 2:]


def test_list_sort_published_asc_puts_undated_last(library_dir):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "1", digest(
            entry("Undated paper"), entry("Old paper", published="2019-05-01"),
            entry("New paper", published="2024-02-01"), entry("Id-dated paper", arxiv_id="2101.00001"),
        ))

    def titles(*flags: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "--library", str(library_dir), "--json", "list",
             "--sort", "published", *flags],
            capture_output=True, text=True, cwd=REPO, timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert done.returncode == 0, done.stderr
        return [paper["title"] for paper in json.loads(done.stdout)]

    assert titles("--asc") == ["Old paper", "Id-dated paper", "New paper", "Undated paper"]
    assert titles() == ["New paper", "Id-dated paper", "Old paper", "Undated paper"]

"""Digests of generators the importer was never tuned on, scored like the judging tool.

Each fixture in tests/fixtures/unseen imitates a real generator (bot READMEs, saved web
pages, alert emails, feeds, exports, hand-kept notes); expected.json lists the papers a
careful reader would list, in order: `{"id": arXiv id or null, "doi": ..., "title": ...}`
with the title as the file shows it, markup removed.

Scoring follows ../shared/tools/score_digests.py: the parsed papers are deduplicated like
the library does (arXiv id, then DOI, then normalized title); an expected id counts when a
paper has it; an expected title counts when a paper's normalized title equals it; a paper
is junk when neither its arXiv id nor its normalized title matches an expected entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.parsers import parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "unseen"
EXPECTED: dict[str, list[dict]] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
MIN_TITLES = 0.9
SMALL_FILE = 5  # files with at most this many papers must have no junk at all

# Files that still fail, with the cause (see the report in the commit that added them).
KNOWN_FAILURES: dict[str, str] = {
}


def norm(title: str | None) -> str:
    return re.sub(r"[\W_]+", " ", (title or "").casefold()).strip()


def bare(arxiv_id: str | None) -> str:
    return re.sub(r"v\d+$", "", (arxiv_id or "").strip().lower())


def score(name: str) -> dict:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    parsed = parse_text(text)
    papers = {}
    for entry in parsed.entries:
        paper = entry.paper
        if paper.arxiv_id:
            key = ("arxiv", bare(paper.arxiv_id))
        elif paper.doi:
            key = ("doi", paper.doi.lower())
        else:
            key = ("title", norm(paper.title))
        papers.setdefault(key, paper)
    expected = EXPECTED[name]
    want_ids = {bare(e["id"]) for e in expected if e.get("id")}
    want_titles = {norm(e["title"]) for e in expected if e.get("title")}
    got_ids = {bare(p.arxiv_id) for p in papers.values() if p.arxiv_id}
    got_titles = {norm(p.title) for p in papers.values()}
    junk = [
        (p.arxiv_id, p.doi, p.title)
        for p in papers.values()
        if bare(p.arxiv_id) not in want_ids and norm(p.title) not in want_titles
    ]
    return {
        "format": parsed.format,
        "missing_ids": sorted(want_ids - got_ids),
        "ids": (len(want_ids & got_ids), len(want_ids)),
        "missing_titles": sorted(want_titles - got_titles),
        "titles": (len(want_titles & got_titles), len(want_titles)),
        "junk": junk,
        "papers": len(papers),
    }


def _params():
    for name in sorted(EXPECTED):
        marks = [pytest.mark.xfail(reason=KNOWN_FAILURES[name], strict=True)] if name in KNOWN_FAILURES else []
        yield pytest.param(name, id=name, marks=marks)


def test_every_fixture_has_an_expectation():
    files = {path.name for path in FIXTURES.iterdir() if path.name != "expected.json"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", list(_params()))
def test_unseen_generator_is_read_by_structure(name):
    result = score(name)
    assert not result["missing_ids"], result
    found, wanted = result["titles"]
    assert found >= MIN_TITLES * wanted, result
    allowed_junk = 0 if len(EXPECTED[name]) <= SMALL_FILE else 1
    assert len(result["junk"]) <= allowed_junk, result

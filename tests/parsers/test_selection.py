"""Choosing a parse by its evidence, recovering ids outside entries, and the corpus of real digests."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.parsers import ParseError, base, parse_text
from shared_data import CORPUS_DIR

CORPUS_SKIP = "../shared/corpus is absent: the real-digest corpus lives beside the project, not in it"
SCORED = (
    "#### 1.Sparse Routing Without Collapse. [Link](https://arxiv.org/abs/2401.00001)\n"
    "#### GPT Score: 8\n### Summary\nA router.\n\n"
    "This abstract compares with arXiv:2312.99999, an older method.\n\n"
    "#### 2.Tiny Reasoners. [Link](https://arxiv.org/abs/2401.00002)\n"
    "#### GPT Score: 7\n### Summary\nSmall models.\n\nAbstract two.\n\n"
)


def test_a_sure_format_that_explains_everything_wins():
    parsed = parse_text(SCORED)
    assert parsed.format == "scored-list"
    assert [e.paper.arxiv_id for e in parsed.entries] == ["2401.00001", "2401.00002"]
    assert parsed.ids_in_text == 3 and parsed.confidence == 1.0  # the third id is quoted


def test_ids_outside_every_entry_are_recovered_and_named():
    text = "Also worth a look today: [Mamba](https://arxiv.org/abs/2312.00752).\n\n" + SCORED
    parsed = parse_text(text)
    assert parsed.format == "scored-list"
    assert [(e.paper.arxiv_id, e.paper.title) for e in parsed.entries][-1] == ("2312.00752", "Mamba")
    assert [e.sighting.position for e in parsed.entries] == [1, 2, 3]
    assert any("found by their ids" in warning for warning in parsed.warnings)


def test_a_confident_sniffer_loses_when_its_parse_explains_nothing():
    # A weekly newsletter table looks like an arXiv-daily table to a sniffer.
    text = (
        "## Top papers (May 1 - May 7)\n| **Paper** | **Links** |\n| --- | --- |\n"
        + "".join(
            f"| {n}) **Paper Number {n}** - about thing {n}. | [Paper](https://arxiv.org/abs/2405.0{n:04d}) |\n"
            for n in range(1, 9)
        )
    )
    parsed = parse_text(text)
    assert parsed.format == "generic"
    assert [e.paper.title for e in parsed.entries] == [f"Paper Number {n}" for n in range(1, 9)]


def test_text_with_no_papers_says_so():
    with pytest.raises(ParseError, match="no papers found"):
        parse_text("Shopping list\n\n- milk\n- bread\n")


def test_an_id_flood_is_refused_before_parsing():
    flood = "\n".join(f"{2001 + n % 12}.{n:05d}" for n in range(25_000))
    with pytest.raises(ParseError, match="too many papers"):
        parse_text(flood)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
TITLES = st.lists(WORDS, min_size=2, max_size=8).map(lambda words: " ".join(words).capitalize())
SHAPES = {
    "bullet": lambda title, ident: f"- **{title}**, Someone et al., Paper: [link](https://arxiv.org/abs/{ident})",
    "row": lambda title, ident: f"| {title} | [PDF](https://arxiv.org/pdf/{ident}) |",
    "section": lambda title, ident: f"### {title}\n\n**Link**: [arXiv](https://arxiv.org/abs/{ident})\n",
    "details": lambda title, ident: f"<details><summary>{title} <a href=\"https://arxiv.org/abs/{ident}\">PDF</a></summary>\n\nText.\n</details>\n",
    "prose": lambda title, ident: f"{title} arXiv:{ident}\n",
}


@settings(max_examples=60, deadline=None)
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    titles=st.lists(TITLES, min_size=1, max_size=6, unique=True),
    numbers=st.lists(st.integers(1, 99_999), min_size=6, max_size=6, unique=True),
)
def test_an_id_at_a_record_position_is_always_imported(shape, titles, numbers):
    ids = [f"2406.{number:05d}" for number in numbers[: len(titles)]]
    lines = ["# Digest", ""]
    if shape == "row":
        lines += ["| Title | Link |", "|---|---|"]
    lines += [SHAPES[shape](title, ident) for title, ident in zip(titles, ids)]
    parsed = parse_text("\n".join(lines) + "\n")
    assert {e.paper.arxiv_id for e in parsed.entries} == set(ids)


def _norm(title: str | None) -> str:
    return re.sub(r"[\W_]+", " ", (title or "").casefold()).strip()


def _corpus():
    if not CORPUS_DIR.is_dir():
        return []
    return sorted(json.loads((CORPUS_DIR / "truth.json").read_text(encoding="utf-8")).items())


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=CORPUS_SKIP)
def test_the_corpus_of_real_digests_imports_by_structure():
    """The issue's bar on the development corpus: ids >= 99 %, titles >= 95 %, junk <= 2 %."""
    ids = ids_ok = titles = titles_ok = papers = junk = 0
    for name, truth in _corpus():
        parsed = parse_text((CORPUS_DIR / name).read_bytes().decode("utf-8-sig"))
        got_ids = {e.paper.arxiv_id for e in parsed.entries if e.paper.arxiv_id}
        got_titles = {_norm(e.paper.title) for e in parsed.entries}
        want_ids = {re.sub(r"v\d+$", "", t["id"]) for t in truth if t["id"]}
        want_titles = {_norm(t["title"]) for t in truth}
        ids, ids_ok = ids + len(want_ids), ids_ok + len(want_ids & got_ids)
        titles, titles_ok = titles + len(want_titles), titles_ok + len(want_titles & got_titles)
        papers += len(parsed.entries)
        junk += sum(
            1 for e in parsed.entries
            if e.paper.arxiv_id not in want_ids and _norm(e.paper.title) not in want_titles
        )
    assert ids_ok / ids >= 0.99 and titles_ok / titles >= 0.95 and junk / papers <= 0.02


@pytest.mark.skipif(not CORPUS_DIR.is_dir(), reason=CORPUS_SKIP)
@pytest.mark.parametrize("parser_name", sorted(base.REGISTRY))
def test_every_parser_reads_every_corpus_file_or_says_why(parser_name):
    parser = base.REGISTRY[parser_name]
    for name, _ in _corpus():
        text = base.normalize_text((CORPUS_DIR / name).read_bytes().decode("utf-8-sig"))
        parser.sniff(base.sniff_sample(text))
        try:
            parsed = parser.parse(text)
        except ParseError:
            continue
        assert parsed.format == parser.name
        assert all(entry.paper.title.strip() for entry in parsed.entries)

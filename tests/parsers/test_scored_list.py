"""The scored-list parser on the real sample, on mutated copies of it and on a hand-made fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.parsers import base
from reader.parsers.scored_list import ScoredListParser
from shared_data import read_sample

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "scored_list"
SAMPLE_NAME = "000_1aa3a1462ac3e62b.txt"  # in ../shared/digests; tests reading it skip without it
FIRST_TITLE = "Aya Dataset: An Open-Access Collection for Multilingual Instruction Tuning"
LAST_TITLE = (
    "Reinforcement Learning as a Catalyst for Robust and Fair Federated Learning: "
    "Deciphering the Dynamics of Client Contributions"
)
ENTRY_START_RE = re.compile(r"^(?=#### \d+\.)", re.MULTILINE)


@pytest.fixture(scope="module")
def sample_text() -> str:
    return read_sample(SAMPLE_NAME)


@pytest.fixture(scope="module")
def sample(sample_text: str):
    return ScoredListParser().parse(sample_text)


def parse(text: str):
    return ScoredListParser().parse(text)


def entries_of(text: str) -> list[str]:
    """The sample's entries as text blocks, split where each numbered heading starts."""
    return [block for block in ENTRY_START_RE.split(text) if block.strip()]


def test_sample_has_ten_papers_in_order(sample) -> None:
    assert sample.format == "scored-list"
    assert len(sample.entries) == 10
    assert [entry.sighting.position for entry in sample.entries] == list(range(1, 11))
    assert sample.warnings == []


def test_sample_first_and_last_entry(sample) -> None:
    first, last = sample.entries[0], sample.entries[-1]
    assert first.paper.title == FIRST_TITLE
    assert first.paper.arxiv_id == "2402.06619"
    assert first.paper.abs_url == "https://arxiv.org/abs/2402.06619"
    assert first.paper.pdf_url == "https://arxiv.org/pdf/2402.06619"
    assert last.paper.title == LAST_TITLE
    assert last.paper.arxiv_id == "2402.05541"
    # The scored list names no authors and no code links.
    assert first.paper.authors == [] and last.paper.authors == []
    assert all(entry.paper.code_url is None for entry in sample.entries)


def test_sample_version_is_dropped_from_ids(sample) -> None:
    # Entry 3 links 2402.05532v2.
    assert sample.entries[2].paper.arxiv_id == "2402.05532"


def test_sample_scores_and_subscores(sample) -> None:
    assert sample.entries[0].sighting.score == 100
    second = sample.entries[1].sighting
    assert second.score == 96
    assert second.subscores == {
        "Innovation": 19, "Newness": 20, "Potential": 20, "Clarity": 19, "Relevance": 18,
    }
    assert sample.entries[-1].sighting.score == 95


def test_sample_text_block_becomes_the_abstract_unwrapped(sample) -> None:
    for entry in sample.entries:
        assert entry.paper.abstract
        assert "\n" not in entry.paper.abstract
    first = sample.entries[0].paper.abstract
    assert first.startswith("Datasets are foundational to many breakthroughs in modern artificial intelligence.")
    assert first.endswith("bridge gaps in resources.")
    # One block per entry: it is not duplicated into the sighting's summary.
    assert sample.entries[0].sighting.summary is None


def test_title_keeps_inner_periods_and_drops_only_the_separator() -> None:
    text = "#### 1.Scaling to 1.5B Params. [Link](http://arxiv.org/abs/2402.00001v1)\n### Summary\nText.\n"
    assert parse(text).entries[0].paper.title == "Scaling to 1.5B Params"


def test_reordered_entries_follow_the_new_order(sample_text: str, sample) -> None:
    blocks = entries_of(sample_text)
    reordered = parse("\n".join(reversed(blocks)))
    assert [e.paper.arxiv_id for e in reordered.entries] == [e.paper.arxiv_id for e in reversed(sample.entries)]
    assert [e.sighting.position for e in reordered.entries] == list(range(1, 11))
    assert reordered.entries[0].sighting.score == 95


def test_crlf_and_bom_parse_like_the_original(sample_text: str, sample) -> None:
    mangled = "\ufeff" + sample_text.replace("\n", "\r\n")
    parsed = base.parse_text(mangled)
    assert parsed.format == "scored-list"
    assert parsed.entries == sample.entries


def test_missing_score_lines_keep_everything_else(sample_text: str, sample) -> None:
    parsed = parse(re.sub(r"^#### GPT Score: \d+\n", "", sample_text, flags=re.MULTILINE))
    assert len(parsed.entries) == 10
    assert all(entry.sighting.score is None for entry in parsed.entries)
    assert parsed.entries[1].sighting.subscores["Innovation"] == 19
    assert [e.paper.abstract for e in parsed.entries] == [e.paper.abstract for e in sample.entries]


def test_missing_subscores_and_summary_heading(sample_text: str, sample) -> None:
    without = re.sub(r"^Innovation:.*\n", "", sample_text, flags=re.MULTILINE)
    without = without.replace("### Summary\n", "")
    parsed = parse(without)
    assert len(parsed.entries) == 10
    assert all(entry.sighting.subscores == {} for entry in parsed.entries)
    assert parsed.entries[1].sighting.score == 96
    assert [e.paper.abstract for e in parsed.entries] == [e.paper.abstract for e in sample.entries]


def test_other_subscore_names(sample_text: str) -> None:
    renamed = sample_text.replace("Innovation:", "Technical Depth:").replace("Newness:", "Novelty: ")
    subscores = parse(renamed).entries[1].sighting.subscores
    assert subscores == {"Technical Depth": 19, "Novelty": 20, "Potential": 20, "Clarity": 19, "Relevance": 18}


def test_numbering_gaps_do_not_change_positions(sample_text: str, sample) -> None:
    gapped = sample_text.replace("#### 2.", "#### 5.").replace("#### 3.", "#### 11.")
    parsed = parse(gapped)
    assert [e.sighting.position for e in parsed.entries] == list(range(1, 11))
    assert parsed.entries[2].paper.title == sample.entries[2].paper.title


def test_wrapped_title_line(sample_text: str) -> None:
    wrapped = sample_text.replace(
        "Multilingual Instruction Tuning. [Link]", "Multilingual\nInstruction Tuning. [Link]", 1
    )
    first = parse(wrapped).entries[0]
    assert first.paper.title == FIRST_TITLE
    assert first.paper.arxiv_id == "2402.06619"
    assert first.sighting.score == 100


def test_cut_mid_abstract_keeps_every_entry(sample_text: str, sample) -> None:
    cut = sample_text[: sample_text.index("adversarial attacks, which can degrade")]
    parsed = parse(cut)
    assert len(parsed.entries) == 10
    assert parsed.entries[:9] == sample.entries[:9]
    assert parsed.entries[9].paper.abstract.endswith("vulnerability to")


def test_cut_mid_heading_keeps_the_complete_entries(sample_text: str, sample) -> None:
    cut = sample_text[: sample_text.index("Federated Learning: Deciphering")]
    parsed = parse(cut)
    assert parsed.entries == sample.entries[:9]
    assert any("cut off" in warning for warning in parsed.warnings)


def test_fixture_variants() -> None:
    parsed = parse((FIXTURES_DIR / "variants.md").read_text(encoding="utf-8"))
    wrapped, unscored, unlinked = parsed.entries
    assert wrapped.paper.title == "A Title That Was Wrapped Because It Is Very Long Over Two Lines"
    assert wrapped.paper.arxiv_id == "2401.00001"
    assert wrapped.sighting.score == 87.5
    assert wrapped.sighting.subscores == {"Novelty": 9, "Rigor": 8.5, "Clarity": 7}
    # Separate Summary and Abstract sections each keep their own words.
    assert wrapped.sighting.summary == "A short summary the digest wrote about this paper."
    assert wrapped.paper.abstract == "The authors' own abstract, wrapped over lines."
    assert unscored.paper.title == "No Score Here: Version 2.0"
    assert unscored.sighting.score is None and unscored.sighting.subscores == {}
    assert unscored.paper.abstract == "Only a summary block."
    assert unlinked.paper.arxiv_id is None
    assert unlinked.paper.homepage_url == "https://example.org/paper"
    assert unlinked.sighting.score == 50
    assert [e.sighting.position for e in parsed.entries] == [1, 2, 3]
    assert any("no arXiv link" in warning for warning in parsed.warnings)


def test_text_without_numbered_headings_is_a_parse_error() -> None:
    with pytest.raises(base.ParseError):
        parse("### Summary\nJust some prose.\n")


def test_sniff_is_sure_of_the_sample_and_low_for_prose(sample_text: str) -> None:
    parser = ScoredListParser()
    assert parser.sniff(sample_text) >= 0.8
    assert parser.sniff("A plain paragraph about 2402.06619 and a score: 5.\n") < 0.5

"""The arXiv listing parser reads the daily Subj-class mailing: new, cross-lists, replacements."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.parsers import base, parse_text
from reader.parsers.arxiv_listing import ArxivListingParser, split_authors
from reader.parsers.base import ParseError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv_listing"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "digests"
parser = ArxivListingParser()


@pytest.fixture
def mailing() -> str:
    return (FIXTURES / "cs_lg_daily.txt").read_text(encoding="utf-8")


def test_sniff_recognises_a_mailing_and_nothing_else(mailing):
    assert parser.sniff(mailing) >= 0.9
    assert base.detect(mailing).name == "arxiv-listing"
    assert parser.sniff("Title: a note\nAuthors: me\n") == 0.0
    assert parser.sniff("See arXiv:2401.08541 for details.\n") == 0.0
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample digests not available")
def test_sniff_is_zero_on_every_sample_digest():
    for sample in sorted(SAMPLES.glob("*.txt")):
        assert parser.sniff(base.normalize_text(sample.read_text(encoding="utf-8"))) == 0.0, sample.name


def test_parse_new_submissions_cross_lists_and_replacements(mailing):
    parsed = parser.parse(mailing)
    assert parsed.format == "arxiv-listing"
    assert parsed.date == "2024-01-16"  # the end of "received from ... to Tue 16 Jan 24"
    assert parsed.warnings == []
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4, 5]
    papers = [entry.paper for entry in parsed.entries]
    assert [paper.arxiv_id for paper in papers] == [
        "2401.08541", "2401.08602", "2401.07890", "hep-th/9901001", "2310.01234",
    ]

    first = papers[0]
    # Title and authors both wrapped onto indented continuation lines.
    assert first.title == (
        "Sparse Mixture-of-Experts Routing with Learned Temperature for Efficient"
        " Long-Context Language Modelling"
    )
    assert first.authors == ["Ana Pérez", "Jürgen Müller", "Wei Zhang", "Søren Kierkegaard"]
    assert first.published == "2024-01-16"
    assert first.abs_url == "https://arxiv.org/abs/2401.08541"
    assert first.pdf_url == "https://arxiv.org/pdf/2401.08541"
    assert first.doi is None
    # The mailer indents the first line of each paragraph.
    assert first.abstract == (
        "Mixture-of-experts (MoE) layers scale model capacity without a matching increase in"
        " compute, but routing becomes brittle for long inputs. We introduce a learned"
        " temperature for the router.\n\n"
        "Experiments on three benchmarks show a 1.8x speed-up at equal perplexity."
    )
    first_sighting = parsed.entries[0].sighting
    assert first_sighting.topic == "cs.LG"
    assert first_sighting.detail == (
        "Categories: cs.LG cs.CL\nComments: 14 pages, 6 figures; code at https://github.com/example/smoe"
    )


def test_journal_ref_doi_and_tex_title(mailing):
    entry = parser.parse(mailing).entries[1]
    assert entry.paper.title == "On the Convergence of Adam under $(L_0,L_1)$-Smoothness"
    assert entry.paper.authors == ["Kenji Tanaka", "Olga Ivanova"]
    assert entry.paper.doi == "10.1016/S0140-6736(20)30183-5"
    assert entry.paper.published == "2024-01-15"
    assert entry.sighting.detail == (
        "Categories: cs.LG math.OC stat.ML\nComments: Accepted at ICLR 2024\n"
        "Journal-ref: Proceedings of ICLR 2024"
    )


def test_cross_lists_and_old_style_ids(mailing):
    cross, old = parser.parse(mailing).entries[2:4]
    assert cross.paper.title == "Graph Transformers for Retrosynthesis"
    assert cross.paper.authors == ["Marie Curie", "Chen Ning Yang"]
    assert cross.sighting.topic == "q-bio.QM"  # the primary category, not the listing's
    assert cross.sighting.detail == "Cross-list\nCategories: q-bio.QM cs.LG"

    assert old.paper.arxiv_id == "hep-th/9901001"
    assert old.paper.abs_url == "https://arxiv.org/abs/hep-th/9901001"
    assert old.paper.pdf_url == "https://arxiv.org/pdf/hep-th/9901001"
    assert old.paper.published == "1999-01-01"
    assert old.sighting.detail == "Cross-list\nCategories: hep-th cs.LG\nReport-no: CERN-TH/99-001"


def test_a_replacement_has_no_abstract_and_no_publication_date(mailing):
    last = parser.parse(mailing).entries[-1]
    assert last.paper.title == "Diffusion Models Are Secretly Energy-Based Models"
    assert last.paper.authors == ["Alice Smith", "Bob Jones", "Carol White"]
    assert last.paper.abstract is None
    assert last.paper.published is None  # the revision date is not when the paper appeared
    assert last.sighting.detail == (
        "Replaced with revised version Tue, 16 Jan 2024 10:11:12 GMT\n"
        "Categories: cs.LG\nComments: v2: corrected Theorem 3"
    )


def test_crlf_mailing_reads_the_same(mailing):
    crlf = parse_text(mailing.replace("\n", "\r\n"))
    assert crlf.format == "arxiv-listing"
    plain = parser.parse(mailing)
    assert [e.paper for e in crlf.entries] == [e.paper for e in plain.entries]


def test_a_mailing_cut_in_an_abstract_keeps_the_entry_without_it(mailing):
    cut = mailing[: mailing.index("generalised smoothness")]
    parsed = parser.parse(cut)
    assert [entry.paper.arxiv_id for entry in parsed.entries] == ["2401.08541", "2401.08602"]
    assert parsed.entries[-1].paper.title == "On the Convergence of Adam under $(L_0,L_1)$-Smoothness"
    assert parsed.entries[-1].paper.abstract is None
    assert parsed.warnings == [
        "the abstract of arXiv:2401.08602 is not closed: the file may be cut off"
    ]


def test_a_mailing_cut_in_the_header_lines_skips_that_entry(mailing):
    cut = mailing[: mailing.index("  Long-Context Language")]
    parsed = parser.parse(cut)
    assert parsed.entries == []
    assert parsed.warnings == ["skipped the last entry (arXiv:2401.08541): the file may be cut off"]


def test_an_entry_without_a_title_is_skipped_with_a_warning():
    text = (
        "\\\\\narXiv:2401.00001\nDate: Mon, 15 Jan 2024 10:00:00 GMT   (1kb)\n\n"
        "Authors: A. B\n\\\\ ( https://arxiv.org/abs/2401.00001 ,  1kb)\n"
    )
    parsed = parser.parse(text)
    assert parsed.entries == []
    assert parsed.warnings == ["skipped arXiv:2401.00001: it has no title"]


@pytest.mark.parametrize(
    "garbage",
    ["", "hello\nworld\n", "\\\\\n" * 50_000, "arXiv:" * 100_000, "-" * 300_000, "\x00" * 5_000],
    ids=["empty", "text", "backslash-lines", "arxiv-prefixes", "dashes", "nul"],
)
def test_garbage_raises_parse_error_quickly(garbage):
    start = time.perf_counter()
    assert parser.sniff(garbage) < 0.8
    with pytest.raises(ParseError):
        parser.parse(garbage)
    assert time.perf_counter() - start < 2


def test_huge_lines_are_read_in_linear_time(mailing):
    huge_title = "Title: " + "word " * 200_000
    text = mailing.replace("Title: Graph Transformers for Retrosynthesis", huge_title)
    text += "\\\\\narXiv:2401.99999 " + "(" * 200_000 + "\n" + "Categories: " + "a-" * 200_000 + "\n"
    start = time.perf_counter()
    parsed = parser.parse(text)
    assert parser.sniff(text) >= 0.9
    assert time.perf_counter() - start < 2
    assert len(parsed.entries) == 5  # the appended entry ends in its header lines: cut off
    assert parsed.warnings == ["skipped the last entry (arXiv:2401.99999): the file may be cut off"]
    assert parsed.entries[2].paper.title == " ".join(["word"] * 200_000)


def test_split_authors_drops_affiliations():
    assert split_authors("A. One (1), B. Two (2) and C. Three ((1) MIT, (2) ETH)") == [
        "A. One", "B. Two", "C. Three",
    ]
    assert split_authors("Alexander Anderson, and Sandra Andersen") == [
        "Alexander Anderson", "Sandra Andersen",
    ]
    assert split_authors("") == []

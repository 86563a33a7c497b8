"""The RIS parser reads reference-manager exports; a bad record is skipped with a warning."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.parsers import base, parse_text
from reader.parsers.base import ParseError
from reader.parsers.ris import RisParser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ris"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "digests"
parser = RisParser()


def fixture(name: str) -> str:
    # newline="" keeps the CRLF fixture's line ends, as a file read in binary would have them.
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_sniff_recognises_ris_and_ignores_other_text():
    reading_list = fixture("reading_list.ris")
    assert parser.sniff(reading_list) >= 0.9
    assert base.detect(reading_list).name == "ris"
    # An export header before the first record still reads as RIS.
    assert parser.sniff(base.normalize_text(fixture("endnote_crlf.ris"))) >= 0.8
    assert parser.sniff("TY  - JOUR\n") < 0.8  # one tag line is not enough to be sure
    assert parser.sniff("Dear TY  - nothing here\nAU: me\n") == 0.0
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample digests not available")
def test_sniff_is_zero_on_every_sample_digest():
    for sample in sorted(SAMPLES.glob("*.txt")):
        assert parser.sniff(base.normalize_text(sample.read_text(encoding="utf-8"))) == 0.0, sample.name


def test_parse_reading_list():
    parsed = parser.parse(fixture("reading_list.ris"))
    assert parsed.format == "ris"
    assert parsed.date is None
    assert parsed.warnings == []
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4]
    lancet, ego, old, aenigma = (entry.paper for entry in parsed.entries)

    assert lancet.title == (
        "Clinical features of patients infected with 2019 novel coronavirus in Wuhan, China"
    )
    assert lancet.authors == ["Chaolin Huang", "Yeming Wang", "Xingwang Li", "Bin Cao"]
    assert lancet.doi == "10.1016/S0140-6736(20)30183-5"
    assert lancet.published == "2020-02-15"  # DA gives the day; PY only the year
    assert lancet.arxiv_id is None
    assert lancet.abs_url == (
        "https://www.thelancet.com/journals/lancet/article/PIIS0140-6736(20)30183-5/fulltext"
    )
    # AB wrapped onto an untagged continuation line.
    assert lancet.abstract == (
        "A recent cluster of pneumonia cases in Wuhan, China, was caused by a novel"
        " betacoronavirus, the 2019 novel coronavirus (2019-nCoV)."
    )
    assert parsed.entries[0].sighting.detail == (
        "Journal: Lancet\nKeywords: COVID-19; Pneumonia, Viral\nNotes: Read for the journal club"
    )

    assert ego.title == "MM-Ego: Towards Building Egocentric Multimodal LLMs"  # <i> dropped
    assert ego.authors == ["Hanrong Ye", "Haotian Zhang", "Jürgen Müller"]  # A1 tags
    assert ego.arxiv_id == "2410.07177"
    assert ego.doi == "10.48550/arXiv.2410.07177"
    assert ego.abs_url == "https://arxiv.org/abs/2410.07177"
    assert ego.pdf_url == "https://arxiv.org/pdf/2410.07177"
    assert ego.published == "2024-10-09"  # Y1 2024/10/09/
    assert parsed.entries[1].sighting.detail == (
        "Keywords: Computer Science - Computer Vision and Pattern Recognition\n"
        "Notes: arXiv:2410.07177 [cs]"
    )

    assert old.arxiv_id == "hep-th/9901001"  # from the versioned abs URL
    assert old.abs_url == "https://arxiv.org/abs/hep-th/9901001"
    assert old.authors == ["P. A. M. Dirac"]
    # Only a year is known: Paper.published holds whole ISO dates, so the year goes to detail.
    assert old.published is None
    assert parsed.entries[2].sighting.detail == "Year: 1999"

    assert aenigma.title == "Ænigma: Puzzles for Large Language Models"  # wrapped, collapsed
    assert aenigma.authors == ["Zoë Ångström", "Martin King Jr."]  # "Last, First, Suffix"
    assert aenigma.published is None  # "2023/06/" has no day
    assert aenigma.pdf_url == "https://proceedings.example.org/2023/aenigma.pdf"  # UR split on ";"
    assert aenigma.abs_url == "https://proceedings.example.org/2023/aenigma.html"
    assert parsed.entries[3].sighting.detail == "Year: 2023"


def test_crlf_export_with_a_header():
    raw = fixture("endnote_crlf.ris")
    assert "\r\n" in raw
    parsed = parse_text(raw)
    assert parsed.format == "ris"
    assert parsed.warnings == []
    first, last = (entry.paper for entry in parsed.entries)
    assert first.title == "Federated learning for hospital networks: a review"
    assert first.authors == ["Sayaka Nakamura", "Seán O'Brien"]
    assert first.doi == "10.1038/s41591-021-01506-3"  # DO written as a doi.org URL
    assert first.published == "2021-11-03"
    assert first.abs_url == "https://www.nature.com/articles/s41591-021-01506-3"
    assert parsed.entries[0].sighting.detail == (
        "Journal: Nature Medicine\nKeywords: federated learning; privacy"
    )
    assert last.title == "Small language models on the edge"
    assert last.authors == ["Łukasz Kowalski"]
    assert last.published is None


def test_bad_records_are_skipped_with_warnings():
    parsed = parser.parse(fixture("partly_broken.ris"))
    assert [entry.paper.title for entry in parsed.entries] == [
        "A record that forgot its end tag", "The record after it",
    ]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2]
    assert parsed.warnings == [
        "skipped RIS record 1: it has no title (TI/T1)",
        "RIS record 2 ('A record that forgot its end tag') has no ER line; read up to the next record",
        "skipped RIS record 4: it has no ER line, the file may be cut off",
    ]
    forgetful, careful = (entry.paper for entry in parsed.entries)
    assert forgetful.authors == ["Fred Forgetful"]
    assert forgetful.doi is None  # "not a doi"
    assert forgetful.published is None  # 2021/02/30 is no date
    assert careful.published == "2022-07-04"


def test_truncated_file_keeps_the_complete_records():
    text = fixture("reading_list.ris")
    cut = text[: text.index("Computer Science - Computer Vision")]
    parsed = parser.parse(cut)
    assert [entry.paper.doi for entry in parsed.entries] == ["10.1016/S0140-6736(20)30183-5"]
    assert parsed.warnings == ["skipped RIS record 2: it has no ER line, the file may be cut off"]


@pytest.mark.parametrize(
    "garbage",
    ["", "just some text\n", "ER  - \n" * 1_000, "\x00" * 5_000, "AU  - Nobody\nER  - \n"],
    ids=["empty", "text", "only-ends", "nul", "no-type"],
)
def test_garbage_raises_parse_error(garbage):
    with pytest.raises(ParseError):
        parser.parse(garbage)


def test_huge_lines_are_read_quickly():
    huge = "TY  - JOUR\nTI  - " + "word " * 200_000 + "\nN1  - " + "<i " * 100_000 + "\nER  - \n"
    start = time.perf_counter()
    parsed = parser.parse(huge)
    assert parser.sniff(huge) >= 0.9
    assert time.perf_counter() - start < 2
    (entry,) = parsed.entries
    assert entry.paper.title == " ".join(["word"] * 200_000)

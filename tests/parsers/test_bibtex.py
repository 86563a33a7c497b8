"""The BibTeX parser reads reading lists from reference managers, and our own BibTeX export."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.exchange import CitationItem, to_bibtex
from reader.parsers import parse_text
from reader.parsers.base import ParseError
from reader.parsers.bibtex import BibtexParser, latex_to_text, split_authors
from shared_data import needs_samples, sample_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"
parser = BibtexParser()


@pytest.fixture
def reading_list() -> str:
    return (FIXTURES / "reading_list.bib").read_text(encoding="utf-8")


def test_sniff_recognises_bibtex_and_ignores_other_text(reading_list):
    assert parser.sniff(reading_list) >= 0.9
    assert parser.sniff("@string{x = \"y\"}\n@article{key2024,\n  title={T}\n}\n") >= 0.9
    # A digest quoting a citation stays below the 0.8 of a format's own structure.
    assert 0.3 < parser.sniff("# Daily papers\n\nCite:\n@article{key2024,\n  title={T}\n}\n") < 0.8
    assert parser.sniff("Email me at someone@misc{x} or write @article in prose.\n") == 0.0
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0


@needs_samples
def test_sniff_is_zero_on_every_sample_digest():
    for sample in sample_files("*.txt"):
        assert parser.sniff(sample.read_text(encoding="utf-8-sig")) == 0.0, sample.name


def test_parse_reading_list(reading_list):
    parsed = parser.parse(reading_list)
    assert parsed.format == "bibtex"
    assert parsed.warnings == []
    papers = [entry.paper for entry in parsed.entries]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4, 5]

    ego, aya, attention, survey, cot = papers
    assert ego.title == "MM-Ego: Towards Building Egocentric Multimodal LLMs"
    assert ego.arxiv_id == "2410.07177"  # eprint + archivePrefix
    assert ego.abs_url == "https://arxiv.org/abs/2410.07177"
    assert ego.pdf_url == "https://arxiv.org/pdf/2410.07177"
    assert len(ego.authors) == 12 and ego.authors[0] == "Hanrong Ye"
    assert ego.published == "2024-10"  # year, and the month the arXiv id was submitted: no day

    assert aya.arxiv_id == "2402.07827"  # from "arXiv preprint arXiv:2402.07827"
    assert aya.authors == ["Ahmet Üstün", "Viraat Aryabumi", "Zheng-Xin Yong"]  # "others" dropped

    assert attention.title == "Attention is All you Need"
    assert attention.arxiv_id is None
    assert attention.authors[5] == "Aidan N. Gomez"  # names wrapped over lines
    assert attention.published == "2017-12"  # month = dec
    assert attention.abs_url.startswith("https://proceedings.neurips.cc/")

    assert survey.title == "A Survey of Deep Learning for Clínical Text & Tables"
    assert survey.authors == ["María García-López", "Hans Müller"]
    assert survey.doi == "10.1016/j.jbi.2021.103790"
    assert survey.published == "2021-05"
    assert survey.abstract == "We review 100 papers on deep learning for clinical text.\n\nResults show a 12% gain."

    assert cot.arxiv_id == "2201.11903"  # from the arXiv DOI
    assert cot.published == "2022-01-28"
    assert parsed.entries[4].sighting.summary == "Read this before the reasoning papers."


def test_broken_and_untitled_entries_become_warnings_not_losses():
    parsed = parser.parse((FIXTURES / "partly_broken.bib").read_text(encoding="utf-8"))
    assert [e.paper.title for e in parsed.entries] == ["First Good Entry", "Second Good Entry"]
    assert len(parsed.warnings) == 2
    assert any("notitle" in w and "no title" in w for w in parsed.warnings)
    assert any("unreadable" in w and "line 12" in w for w in parsed.warnings)


def test_a_file_without_titled_entries_is_a_parse_error():
    with pytest.raises(ParseError, match="no entry has a title"):
        parser.parse("@misc{a,\n  author = {Doe, Jane}\n}\n")


def test_detection_picks_bibtex_through_parse_text_with_bom_and_crlf(reading_list):
    parsed = parse_text("\ufeff" + reading_list.replace("\n", "\r\n"))
    assert parsed.format == "bibtex"
    assert len(parsed.entries) == 5
    assert parsed.entries[3].paper.abstract.endswith("Results show a 12% gain.")


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Doe, Jane and John Smith", ["Jane Doe", "John Smith"]),
        ("van Gemert, Jan and Smith, Jr., John", ["Jan van Gemert", "John Smith Jr."]),
        ("{Research and Development Team} and others", ["Research and Development Team"]),
        (r"M{\"u}ller, Hans AND Ada Lovelace", ["Hans Müller", "Ada Lovelace"]),
        ("", []),
    ],
)
def test_split_authors(value, names):
    assert split_authors(value) == names


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{{MM-Ego}: Towards \emph{Egocentric}}", "MM-Ego: Towards Egocentric"),
        (r"Caf\'e, na\"{\i}ve, \c{c}a, {\ss}, \v{S}koda", "Café, naïve, ça, ß, Škoda"),
        (r"50\% \& \$5 \#1 \_x \{y\}", "50% & $5 #1 _x {y}"),
        (r"a~b \textbackslash{}c", "a b \\c"),
        (r"$\alpha$-Net and \unknown{x}", "$\\alpha$-Net and \\unknownx"),
    ],
)
def test_latex_to_text(latex, text):
    assert latex_to_text(latex) == text


def test_export_then_import_round_trip():
    items = [
        CitationItem(
            title="MM-Ego: {Egocentric} 100% & More", arxiv_id="2410.07177",
            authors=["Hanrong Ye", "Jürgen Müller", "John Smith, Jr."],
            abstract="First paragraph.\n\nSecond $x_1$ paragraph.", published="2024-10-09",
            tags=["llm"], rating=3, note="mine",
        ),
        CitationItem(
            title="On the Dangers of Stochastic Parrots", doi="10.1145/3442188.3445922",
            authors=["Emily M. Bender", "Timnit Gebru"], year=2021, month=3, read=True,
        ),
    ]
    parsed = parse_text(to_bibtex(items, with_state=True, with_abstract=True))
    assert parsed.format == "bibtex"
    back = [entry.paper for entry in parsed.entries]
    # Inner braces only protect case in BibTeX: the plain title drops them.
    assert [p.title for p in back] == ["MM-Ego: Egocentric 100% & More", items[1].title]
    assert [p.arxiv_id for p in back] == ["2410.07177", None]
    assert [p.doi for p in back] == [None, "10.1145/3442188.3445922"]
    assert [p.authors for p in back] == [
        ["Hanrong Ye", "Jürgen Müller", "John Smith, Jr."], ["Emily M. Bender", "Timnit Gebru"]
    ]
    assert [p.published for p in back] == ["2024-10", "2021-03"]  # BibTeX has no day field
    assert back[0].abstract == items[0].abstract
    assert parsed.entries[0].sighting.summary == "mine"
    citation = parsed.entries[0].citation
    assert (citation.tags, citation.rating, citation.note) == (["llm"], 3, "mine")
    assert parsed.entries[1].citation.read is True

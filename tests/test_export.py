"""Each export format parses back (bibtexparser, csv, json) with the papers' fields intact."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.export import (
    citation_key,
    export,
    latex_escape,
    markdown_escape,
    to_bibtex,
    to_csv,
    to_json,
    to_markdown,
)
from reader.parsers.bibtex import latex_to_text


def make_paper(**overrides) -> dict:
    paper = {
        "id": 1,
        "arxiv_id": "2410.07177",
        "doi": None,
        "title": "MM-Ego: Towards Building Egocentric Multimodal LLMs",
        "authors": ["Hanrong Ye", "Haotian Zhang"],
        "abstract": "We study egocentric video.\n\nA second paragraph.",
        "published": "2024-10-09",
        "links": {
            "abs": "https://arxiv.org/abs/2410.07177",
            "pdf": "https://arxiv.org/pdf/2410.07177",
            "code": None,
        },
        "tags": ["llm", "to-read"],
        "rating": 4,
        "read": True,
        "note": "Compare with Ego4D.\nSecond line.",
        "digests": [{"file": "/digests/a.txt", "format": "scored_list"}],
    }
    paper.update(overrides)
    return paper


TRICKY_TITLE = r"50% of {Braces} & $x_1$ #tags ~ ^ C:\path"

PAPERS = [
    make_paper(),
    make_paper(
        id=2,
        arxiv_id=None,
        doi="10.1016/j.jbi.2021.103790",
        title=TRICKY_TITLE,
        authors=["María García-López", "Smith, Jr., John", "Research and Development Team"],
        abstract=None,
        published=None,
        links={"abs": None, "pdf": None, "code": "https://github.com/x/y"},
        tags=[],
        rating=None,
        read=False,
        note=None,
    ),
    make_paper(id=3, title="MM-Ego: a different paper, same key stem"),
]


def parse_bibtex(text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return library


def test_bibtex_parses_back_with_unique_keys_and_arxiv_fields():
    entries = parse_bibtex(to_bibtex(PAPERS)).entries
    assert [e.key for e in entries] == ["ye2024mmego", "garcialopez50", "ye2024mmegob"]
    first = entries[0].fields_dict
    assert entries[0].entry_type == "misc"
    assert latex_to_text(first["title"].value) == PAPERS[0]["title"]
    assert first["author"].value == "Hanrong Ye and Haotian Zhang"
    assert first["eprint"].value == "2410.07177"
    assert first["archivePrefix"].value == "arXiv"
    assert first["year"].value == "2024"
    assert first["month"].value == "oct"
    assert first["url"].value == "https://arxiv.org/abs/2410.07177"
    assert first["keywords"].value == "llm, to-read"
    assert latex_to_text(first["annote"].value) == "Compare with Ego4D. Second line."
    assert latex_to_text(first["abstract"].value) == PAPERS[0]["abstract"]


def test_bibtex_escapes_special_characters_and_protects_odd_names():
    entry = parse_bibtex(to_bibtex([PAPERS[1]])).entries[0].fields_dict
    assert latex_to_text(entry["title"].value) == TRICKY_TITLE
    assert entry["doi"].value == "10.1016/j.jbi.2021.103790"
    assert entry["url"].value == "https://github.com/x/y"
    assert "eprint" not in entry and "year" not in entry
    # A comma or " and " inside one name must not split it into several authors.
    assert entry["author"].value == (
        "María García-López and {Smith, Jr., John} and {Research and Development Team}"
    )


def test_primary_class_is_written_when_known():
    entry = parse_bibtex(to_bibtex([make_paper(primary_class="cs.CV")])).entries[0]
    assert entry.fields_dict["primaryClass"].value == "cs.CV"


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({}, "ye2024mmego"),
        ({"authors": ["Jürgen Müller"], "title": "The Ölberg Effect"}, "muller2024olberg"),
        ({"authors": [], "published": None, "arxiv_id": "2301.00001", "title": "On Things"}, "anon2023things"),
        ({"authors": [], "published": None, "arxiv_id": None, "title": "??"}, "anon"),
    ],
)
def test_citation_key(overrides, key):
    assert citation_key(make_paper(**overrides)) == key


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))))
def test_latex_escape_round_trips_through_the_bibtex_reader(text):
    expected = unicodedata.normalize("NFC", " ".join(text.split()))
    assert latex_to_text(latex_escape(text)) == expected


def test_csv_parses_back():
    rows = list(csv.DictReader(io.StringIO(to_csv(PAPERS))))
    assert len(rows) == 3
    first = rows[0]
    assert first["title"] == PAPERS[0]["title"]
    assert first["authors"] == "Hanrong Ye; Haotian Zhang"
    assert first["tags"] == "llm; to-read"
    assert first["rating"] == "4" and first["read"] == "yes"
    assert first["note"] == "Compare with Ego4D.\nSecond line."
    assert first["abs_url"] == "https://arxiv.org/abs/2410.07177"
    assert rows[1]["title"] == TRICKY_TITLE
    assert rows[1]["rating"] == "" and rows[1]["read"] == "no" and rows[1]["arxiv_id"] == ""


def test_csv_keeps_formula_like_text_from_running_in_spreadsheets():
    rows = list(csv.DictReader(io.StringIO(to_csv([make_paper(title='=HYPERLINK("http://x")')]))))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://x\")"


def test_json_parses_back_to_the_same_dicts():
    assert json.loads(to_json(PAPERS)) == PAPERS


def test_markdown_reading_list():
    text = to_markdown(PAPERS)
    assert text.startswith("# Reading list\n\n3 papers\n")
    assert "[MM-Ego: Towards Building Egocentric Multimodal LLMs](<https://arxiv.org/abs/2410.07177>)" in text
    assert "Hanrong Ye, Haotian Zhang · 2024-10-09 · ★★★★☆ · read · `llm` `to-read`" in text
    assert "[PDF](<https://arxiv.org/pdf/2410.07177>)" in text
    assert "   > Compare with Ego4D.\n   > Second line.\n" in text
    # The second paper has no abstract page: its title is plain, escaped text.
    assert f"2. **{markdown_escape(TRICKY_TITLE)}**" in text
    assert "[Code](<https://github.com/x/y>)" in text


def test_markdown_never_links_non_http_urls_or_passes_markup_through():
    paper = make_paper(
        title="<script>alert(1)</script> [click](javascript:x)",
        links={"abs": "javascript:alert(1)", "pdf": "file:///etc/passwd", "code": None},
    )
    text = to_markdown([paper])
    assert "javascript:alert" not in text and "file://" not in text
    assert "<script>" not in text
    assert r"\<script\>alert\(1\)\</script\> \[click\]\(javascript:x\)" in text


def test_export_dispatches_and_rejects_unknown_formats():
    assert export(PAPERS, "json") == to_json(PAPERS)
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export(PAPERS, "pdf")

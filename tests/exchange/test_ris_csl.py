"""RIS (via rispy) and CSL-JSON both ways: fields, partial dates and user state kept."""

from __future__ import annotations

import dataclasses
import json

import pytest
import rispy

from reader.exchange import CitationItem, FileLink, dumps_csl, from_ris, loads_csl, to_csl, to_ris

ITEMS = [
    CitationItem(
        title=r"Learning $\alpha$-Divergences & More", authors=["Ludwig van Beethoven, Jr.", "OpenAI Team",
                                                               "García Márquez, Gabriel"],
        year=2020, month=3, journal="JMLR", volume="21", number="4", pages="101--120",
        publisher="MIT Press", doi="10.1016/S0140-6736(20)30183-5", url="https://example.org/a_b?x=1",
        entry_type="article", abstract="First paragraph.\n\nSecond one.", citation_key="beethoven2020learning",
        tags=["nlp", "to read"], read=True, rating=4, note="Line one\n\nLine three",
        files=[FileLink(path="/home/u/paper.pdf")],
    ),
    CitationItem(
        title="Attention Is All You Need", authors=["Ashish Vaswani"], year=2017, published="2017-06-12",
        month=6, arxiv_id="1706.03762", arxiv_version=7, primary_category="cs.CL", entry_type="misc",
        citation_key="vaswani2017attention",
    ),
    CitationItem(title="Deep Residual Learning", authors=["Kaiming He"], year=2016,
                 booktitle="Proceedings of CVPR", pages="770--778", entry_type="inproceedings",
                 citation_key="he2016deep", rating=2),
]


def _comparable(item: CitationItem, *, files_typed: bool = True) -> CitationItem:
    copy = dataclasses.replace(item)
    if not files_typed:
        copy.files = [FileLink(path=f.path) for f in item.files]
    return copy


def test_ris_round_trip_with_state():
    text = to_ris(ITEMS, with_state=True)
    assert from_ris(text) == [_comparable(i, files_typed=False) for i in ITEMS]
    assert to_ris(from_ris(text), with_state=True) == text


def test_ris_output_is_standard_rispy_reads_it_and_partial_dates_stay_partial():
    text = to_ris(ITEMS, with_state=True)
    assert not text.startswith("1.")  # no rispy record counter
    records = rispy.loads(text)
    assert records[0]["type_of_reference"] == "JOUR"
    assert records[0]["authors"] == ["van Beethoven, Ludwig, Jr.", "OpenAI Team", "García Márquez, Gabriel"]
    assert (records[0]["year"], records[0]["date"]) == ("2020", "2020/03/")
    assert (records[0]["start_page"], records[0]["end_page"]) == ("101", "120")
    assert records[0]["doi"] == "10.1016/S0140-6736(20)30183-5"
    assert records[0]["keywords"] == ["nlp", "to read"]
    assert records[1]["accession_number"] == "arXiv:1706.03762v7"
    assert records[1]["date"] == "2017/06/12"
    assert records[2]["type_of_reference"] == "CPAPER" and "date" not in records[2]
    (bare,) = from_ris("TY  - JOUR\nTI  - T\nPY  - 2016\nER  - \n")
    assert (bare.year, bare.month, bare.published) == (2016, None, None)


def test_ris_without_state_has_no_private_data():
    text = to_ris(ITEMS)
    assert "KW  -" not in text and "N1  -" not in text and "L1  -" not in text


def test_zotero_style_ris_preprint_is_read():
    text = (
        "TY  - GEN\nTI  - A Preprint\nAU  - Smith, Ann\nPY  - 2024\nDA  - 2024/01/\n"
        "UR  - http://arxiv.org/abs/2401.01234v2\nDO  - 10.48550/arXiv.2401.01234\n"
        "N1  - arXiv:2401.01234 [cs]\nKW  - Computer Science - Machine Learning\nER  - \n"
    )
    (item,) = from_ris(text)
    assert (item.arxiv_id, item.year, item.month, item.published) == ("2401.01234", 2024, 1, None)
    assert item.authors == ["Ann Smith"] and item.tags == ["Computer Science - Machine Learning"]


def test_csl_round_trip_with_state():
    text = dumps_csl(ITEMS, with_state=True)
    assert loads_csl(text) == ITEMS
    assert dumps_csl(loads_csl(text), with_state=True) == text


def test_csl_fields_and_partial_dates():
    first, second, third = to_csl(ITEMS)
    assert first["type"] == "article-journal" and first["container-title"] == "JMLR"
    assert first["issued"] == {"date-parts": [[2020, 3]]}
    assert first["page"] == "101-120" and first["DOI"] == "10.1016/S0140-6736(20)30183-5"
    assert first["author"][0] == {"family": "Beethoven", "given": "Ludwig",
                                  "non-dropping-particle": "van", "suffix": "Jr."}
    assert first["author"][1] == {"literal": "OpenAI Team"}
    assert first["author"][2] == {"family": "García Márquez", "given": "Gabriel"}
    assert "keyword" not in first and "custom" not in first and "annote" not in first
    assert second["type"] == "article" and second["number"] == "arXiv:1706.03762v7"
    assert second["issued"] == {"date-parts": [[2017, 6, 12]]}
    assert second["URL"] == "https://arxiv.org/abs/1706.03762"
    assert third["type"] == "paper-conference" and third["issued"] == {"date-parts": [[2016]]}
    assert third["container-title"] == "Proceedings of CVPR"


@pytest.mark.parametrize(("parts", "expected"), [
    ([[2016]], (2016, None, None)), ([[2016, 5]], (2016, 5, None)),
    ([["2016", "5", "9"]], (2016, 5, "2016-05-09")),
])
def test_csl_issued_precision_is_kept(parts, expected):
    (item,) = loads_csl(json.dumps([{"id": "x", "type": "book", "title": "T", "issued": {"date-parts": parts}}]))
    assert (item.year, item.month, item.published) == expected


def test_zotero_csl_item_uri_is_no_citation_key():
    (item,) = loads_csl(json.dumps({"id": "http://zotero.org/users/1/items/ABC", "type": "article",
                                    "title": "T", "number": "arXiv:2401.01234", "publisher": "arXiv"}))
    assert item.citation_key is None and item.arxiv_id == "2401.01234" and item.publisher is None

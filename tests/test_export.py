"""Each export format, read back by an independent reader (pybtex, rispy, csv, json), field by field."""

from __future__ import annotations

import csv
import io
import json

import pytest
import rispy
from pybtex.database import parse_string as pybtex_parse

from reader.export import FORMATS, export, format_for, markdown_escape, markdown_link, to_csv, to_markdown
from reader.store.records import PaperDetail


def make_paper(**overrides) -> PaperDetail:
    fields = dict(
        id=1, arxiv_id="2410.07177", doi=None,
        title="MM-Ego: Towards Building Egocentric Multimodal LLMs",
        authors=["Hanrong Ye", "Haotian Zhang"],
        abstract="We study egocentric video.\n\nA second paragraph.", published="2024-10-09",
        abs_url="https://arxiv.org/abs/2410.07177", pdf_url="https://arxiv.org/pdf/2410.07177",
        tags=["llm", "to-read"], rating=4, read=True, note="Compare with Ego4D.\nSecond line.",
        citation_key="ye2024mmego", bib={"primary_category": "cs.CV"},
    )
    fields.update(overrides)
    return PaperDetail(**fields)


TRICKY_TITLE = r"50% of {Braces} & $\alpha_1$ #tags ~ ^"

PAPERS = [
    make_paper(),
    make_paper(
        id=2, arxiv_id=None, doi="10.1016/j.jbi.2021.103790", title=TRICKY_TITLE,
        authors=["María García-López", "Ludwig van Beethoven, Jr.", "OpenAI Team"],
        abstract=None, published="2016", abs_url=None, pdf_url=None, code_url="https://github.com/x/y",
        tags=[], rating=None, read=False, note=None, citation_key="garcialopez2016braces",
        bib={"entry_type": "article", "journal": "J. Biomed. Inform.", "volume": "12", "pages": "1--9",
             "year": 2016},
    ),
]


def test_bibtex_is_what_a_latex_user_pastes():
    data = pybtex_parse(export(PAPERS, "bibtex"), "bibtex")
    assert list(data.entries) == ["ye2024mmego", "garcialopez2016braces"]  # stored keys
    arxiv = data.entries["ye2024mmego"]
    assert arxiv.type == "misc"
    assert arxiv.fields["eprint"] == "2410.07177"
    assert arxiv.fields["archivePrefix"] == "arXiv"
    assert arxiv.fields["primaryClass"] == "cs.CV"
    assert arxiv.fields["year"] == "2024" and arxiv.fields["month"] == "October"
    assert arxiv.fields["url"] == "https://arxiv.org/abs/2410.07177"
    assert "keywords" not in arxiv.fields and "annote" not in arxiv.fields  # no state unasked
    journal = data.entries["garcialopez2016braces"]
    assert journal.type == "article"
    assert journal.fields["title"] == "{" + TRICKY_TITLE.replace("%", r"\%").replace("&", r"\&").replace(
        "#", r"\#").replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}") + "}"
    assert journal.fields["doi"] == "10.1016/j.jbi.2021.103790"  # verbatim, no backslashes
    assert journal.fields["year"] == "2016" and "month" not in journal.fields  # nothing made up
    assert journal.fields["journal"] == "J. Biomed. Inform." and journal.fields["pages"] == "1--9"
    names = [str(p) for p in journal.persons["author"]]
    assert names == ["García-López, María", "van Beethoven, Jr., Ludwig", "{OpenAI Team}"]


def test_bibtex_with_state_carries_jabref_fields():
    entry = pybtex_parse(export(PAPERS[:1], "bibtex", with_state=True), "bibtex").entries["ye2024mmego"]
    assert entry.fields["keywords"] == "llm, to-read"
    assert entry.fields["readstatus"] == "read"
    assert entry.fields["ranking"] == "rank4"
    assert "Compare with Ego4D." in entry.fields["annote"]


def test_ris_and_csl_read_back():
    records = rispy.loads(export(PAPERS, "ris", with_state=True))
    assert [r["id"] for r in records] == ["ye2024mmego", "garcialopez2016braces"]
    assert records[0]["keywords"] == ["llm", "to-read"]
    assert records[1]["type_of_reference"] == "JOUR"
    items = json.loads(export(PAPERS, "csl-json"))
    assert [i["citation-key"] for i in items] == ["ye2024mmego", "garcialopez2016braces"]
    assert items[1]["issued"] == {"date-parts": [[2016]]}


def test_csv_parses_back():
    rows = list(csv.DictReader(io.StringIO(to_csv(PAPERS))))
    first = rows[0]
    assert first["citation_key"] == "ye2024mmego"
    assert first["authors"] == "Hanrong Ye; Haotian Zhang"
    assert first["tags"] == "llm; to-read" and first["rating"] == "4" and first["read"] == "yes"
    assert first["note"] == "Compare with Ego4D.\nSecond line."
    assert rows[1]["title"] == TRICKY_TITLE and rows[1]["read"] == "no"


def test_csv_keeps_formula_like_text_from_running_in_spreadsheets():
    rows = list(csv.DictReader(io.StringIO(to_csv([make_paper(title='=HYPERLINK("http://x")')]))))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://x\")"


def test_json_is_a_marked_backup():
    document = json.loads(export(PAPERS, "json"))
    assert document["digest_reader_backup"] == 1
    assert [p["citation_key"] for p in document["papers"]] == ["ye2024mmego", "garcialopez2016braces"]
    assert document["papers"][0]["tags"] == ["llm", "to-read"]


def test_markdown_reading_list_and_link():
    text = to_markdown(PAPERS)
    assert text.startswith("# Reading list\n\n2 papers\n")
    assert "[MM-Ego: Towards Building Egocentric Multimodal LLMs](<https://arxiv.org/abs/2410.07177>)" in text
    assert "Hanrong Ye, Haotian Zhang · 2024-10-09 · ★★★★☆ · read · `llm` `to-read` · `ye2024mmego`" in text
    assert "   > Compare with Ego4D.\n   > Second line.\n" in text
    assert f"2. **{markdown_escape(TRICKY_TITLE)}**" in text
    assert markdown_link(PAPERS[1]) == markdown_escape(TRICKY_TITLE)  # no page: no link


def test_markdown_never_links_non_http_urls():
    paper = make_paper(title="<script>x</script>", abs_url="javascript:alert(1)", pdf_url="file:///etc/passwd")
    text = to_markdown([paper])
    assert "javascript:alert" not in text and "file://" not in text and "<script>" not in text


def test_formats_and_file_names():
    assert set(FORMATS) == {"bibtex", "ris", "csl-json", "json", "csv", "markdown"}
    assert [format_for(n) for n in ("a.bib", "a.RIS", "a.csl.json", "a.json", "a.md", "a.txt")] == [
        "bibtex", "ris", "csl-json", "json", "markdown", None]
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export(PAPERS, "pdf")

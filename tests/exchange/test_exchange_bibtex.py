"""BibTeX out and in: literal expected entries, an independent reader (pybtex), JabRef state."""

from __future__ import annotations

from pathlib import Path

import pybtex.errors
import pytest
from pybtex.database import parse_string

from reader.exchange import CitationItem, FileLink, from_bibtex, to_bibtex


@pytest.fixture(autouse=True)
def _pybtex_strict():
    # Any pybtex warning (bad name, unbalanced brace, duplicate field) fails the test.
    pybtex.errors.set_strict_mode(True)
    yield
    pybtex.errors.set_strict_mode(False)


def pybtex_fields(text: str) -> dict[str, tuple[str, dict[str, str], list[str]]]:
    """key -> (type, fields, author names as pybtex renders them), read by pybtex alone."""
    data = parse_string(text, "bibtex")
    return {
        key: (entry.type, dict(entry.fields), [str(p) for p in entry.persons.get("author", [])])
        for key, entry in data.entries.items()
    }


ATTENTION = CitationItem(
    title="Attention Is All You Need",
    authors=["Ashish Vaswani", "Noam Shazeer", "Aidan N. Gomez", "Łukasz Kaiser"],
    year=2017, arxiv_id="1706.03762", arxiv_version=7, primary_category="cs.CL",
)

# arXiv's "Export BibTeX citation" writes this entry (its key differs: vaswani2023attentionneed);
# the title gets the whole-title braces and names the "Last, First" form JabRef writes.
ATTENTION_BIB = """\
@misc{vaswani2017attention,
  title = {{Attention Is All You Need}},
  author = {Vaswani, Ashish and Shazeer, Noam and Gomez, Aidan N. and Kaiser, Łukasz},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  url = {https://arxiv.org/abs/1706.03762}
}
"""


def test_arxiv_preprint_is_misc_with_eprint_fields():
    text = to_bibtex([ATTENTION])
    assert text == ATTENTION_BIB
    ((kind, fields, authors),) = pybtex_fields(text).values()
    assert kind == "misc"
    assert fields == {
        "title": "{Attention Is All You Need}", "year": "2017", "eprint": "1706.03762",
        "archivePrefix": "arXiv", "primaryClass": "cs.CL", "url": "https://arxiv.org/abs/1706.03762",
    }
    assert authors == ["Vaswani, Ashish", "Shazeer, Noam", "Gomez, Aidan N.", "Kaiser, Łukasz"]


JOURNAL = CitationItem(
    title=r"Learning $\alpha$-Divergences for {BERT} & GPT-4: 50% Faster_Training #1",
    authors=["Ludwig van Beethoven, Jr.", "OpenAI Team", "Jean de la Fontaine"],
    year=2020, month=3, journal="Journal of Machine Learning Research", volume="21",
    number="4", pages="101-120", publisher="JMLR & Co",
    doi="10.1016/S0140-6736(20)30183-5",
    url="https://example.org/papers/a_b%20c?x=1&y=2#frag",
)

JOURNAL_BIB = r"""@article{beethoven2020learning,
  title = {{Learning $\alpha$-Divergences for {BERT} \& GPT-4: 50\% Faster\_Training \#1}},
  author = {van Beethoven, Jr., Ludwig and {OpenAI Team} and de la Fontaine, Jean},
  journal = {Journal of Machine Learning Research},
  volume = {21},
  number = {4},
  pages = {101--120},
  publisher = {JMLR \& Co},
  year = {2020},
  month = mar,
  doi = {10.1016/S0140-6736(20)30183-5},
  url = {https://example.org/papers/a_b%20c?x=1&y=2#frag}
}
"""


def test_journal_paper_is_article_with_verbatim_doi_url_and_math_kept():
    text = to_bibtex([JOURNAL])
    assert text == JOURNAL_BIB
    ((kind, fields, authors),) = pybtex_fields(text).values()
    assert kind == "article"
    assert fields["doi"] == "10.1016/S0140-6736(20)30183-5"
    assert fields["url"] == "https://example.org/papers/a_b%20c?x=1&y=2#frag"
    assert fields["month"] == "March"  # the macro, resolved by pybtex itself
    assert r"$\alpha$" in fields["title"] and "\\textbackslash" not in text
    assert authors == ["van Beethoven, Jr., Ludwig", "{OpenAI Team}", "de la Fontaine, Jean"]


def test_booktitle_makes_inproceedings_and_bare_year_has_no_month():
    item = CitationItem(title="Deep Residual Learning", authors=["Kaiming He"], year=2016,
                        booktitle="Proceedings of CVPR", pages="770--778")
    ((kind, fields, _),) = pybtex_fields(to_bibtex([item])).values()
    assert kind == "inproceedings"
    assert fields == {"title": "{Deep Residual Learning}", "booktitle": "Proceedings of CVPR",
                      "pages": "770--778", "year": "2016"}


def test_stated_entry_type_wins_and_no_day_is_ever_written():
    item = CitationItem(title="A Book", authors=["Ann Author"], published="2021-07-14",
                        entry_type="book", publisher="MIT Press")
    text = to_bibtex([item])
    assert text.startswith("@book{author2021book,")
    assert "month = jul" in text and "14" not in text and "date" not in text


def test_dois_with_parentheses_and_angle_brackets_survive_both_ways():
    doi = "10.1002/(SICI)1097-4636(199706)35:4<517::AID-JBM13>3.0.CO;2-L"
    item = CitationItem(title="Old DOI", authors=["A B"], year=1997, doi=doi)
    text = to_bibtex([item])
    assert f"doi = {{{doi}}}" in text
    assert next(iter(pybtex_fields(text).values()))[1]["doi"] == doi
    assert from_bibtex(text)[0].doi == doi


def test_escaped_doi_and_url_from_other_tools_are_repaired():
    text = "@misc{k, title={T}, doi={10.1000/a\\_b}, url={https://x.org/a\\_b\\%20}}"
    (item,) = from_bibtex(text)
    assert item.doi == "10.1000/a_b" and item.url == "https://x.org/a_b%20"


def test_many_entries_parse_with_pybtex_without_warnings():
    items = [ATTENTION, JOURNAL] + [
        CitationItem(title=t, authors=a, year=2024, arxiv_id=f"2401.0000{n}")
        for n, (t, a) in enumerate([
            (r"$O(n \log n)$ sorting with 100% {recall}", ["Zoë Ω", "Ann van den Berg"]),
            ("Naïve ~approx^ tricks } unbalanced {", ["Ñ García"]),
            (r"Paths like C:\temp and a lone $ sign", ["{ACME Labs}"]),
        ])
    ]
    parsed = pybtex_fields(to_bibtex(items, with_state=True, with_abstract=True))
    assert len(parsed) == 5
    assert parsed["o2024sorting"][1]["title"] == r"{$O(n \log n)$ sorting with 100\% {recall}}"


JABREF_BIB = r"""% Encoding: UTF-8

@Article{Vaswani2017,
  author        = {Vaswani, Ashish and van Beethoven, Jr., Ludwig},
  journal       = {Advances in Neural Information Processing Systems},
  title         = {Attention Is All You Need},
  year          = {2017},
  volume        = {30},
  pages         = {5998--6008},
  doi           = {10.48550/arXiv.1706.03762},
  eprint        = {1706.03762v5},
  archiveprefix = {arXiv},
  primaryclass  = {cs.CL},
  comment       = {Key paper; re-read section 3.},
  file          = {:vaswani2017.pdf:PDF;Supplement:C\:\\papers\\supp.pdf:PDF},
  groups        = {transformers, to-cite},
  keywords      = {attention, nlp},
  owner         = {anna},
  ranking       = {rank5},
  readstatus    = {skimmed},
  creationdate  = {2024-01-15T10:00:00},
  editor        = {Guyon, Isabelle},
}

@InProceedings{he2016deep,
  author    = {He, Kaiming},
  booktitle = {Proceedings of CVPR},
  title     = {Deep Residual Learning},
  year      = {2016},
  note      = {Oral},
  annote    = {Zotero child note},
}
"""


def test_jabref_fields_map_to_state():
    first, second = from_bibtex(JABREF_BIB)
    assert first.citation_key == "Vaswani2017" and first.entry_type == "article"
    assert first.authors == ["Ashish Vaswani", "Ludwig van Beethoven, Jr."]
    assert (first.journal, first.volume, first.pages) == (
        "Advances in Neural Information Processing Systems", "30", "5998--6008")
    assert (first.arxiv_id, first.arxiv_version, first.primary_category) == ("1706.03762", 5, "cs.CL")
    assert first.tags == ["attention", "nlp", "transformers", "to-cite"]
    assert first.read is True and first.rating == 5
    assert first.note == "Key paper; re-read section 3."
    assert first.files == [
        FileLink(path="vaswani2017.pdf", filetype="PDF"),
        FileLink(path="C:\\papers\\supp.pdf", description="Supplement", filetype="PDF"),
    ]
    assert (first.year, first.month, first.published) == (2017, None, None)
    assert first.extra == {"owner": "anna", "creationdate": "2024-01-15T10:00:00",
                           "editor": "Guyon, Isabelle", "groups": "transformers, to-cite"}
    assert second.entry_type == "inproceedings" and second.booktitle == "Proceedings of CVPR"
    assert second.note == "Zotero child note\n\nOral"
    assert (second.year, second.month, second.published) == (2016, None, None)


def test_jabref_round_trip_keeps_every_field():
    items = from_bibtex(JABREF_BIB)
    written = to_bibtex(items, with_state=True)
    parsed = pybtex_fields(written)
    _, fields, _ = parsed["Vaswani2017"]
    for name, value in {
        "journal": "Advances in Neural Information Processing Systems", "volume": "30",
        "pages": "5998--6008", "year": "2017", "doi": "10.48550/arXiv.1706.03762",
        "eprint": "1706.03762", "archivePrefix": "arXiv", "primaryClass": "cs.CL",
        "keywords": "attention, nlp, transformers, to-cite", "groups": "transformers, to-cite",
        "readstatus": "read", "ranking": "rank5", "annote": "Key paper; re-read section 3.",
        "file": r":vaswani2017.pdf:PDF;Supplement:C\:\\papers\\supp.pdf:PDF",
        "owner": "anna", "creationdate": "2024-01-15T10:00:00",
    }.items():
        assert fields[name] == value, name
    assert [str(p) for p in parse_string(written, "bibtex").entries["Vaswani2017"].persons["editor"]] == [
        "Guyon, Isabelle"]
    assert parsed["he2016deep"][1]["note"] == "Oral"  # bibliographic note stays printed
    # A second trip changes nothing: notes are not doubled, tags not multiplied.
    again = from_bibtex(written)
    assert again == from_bibtex(to_bibtex(again, with_state=True))
    assert to_bibtex(again, with_state=True) == written


def test_without_state_no_private_field_is_written():
    text = to_bibtex(from_bibtex(JABREF_BIB))
    for name in ("keywords", "readstatus", "ranking", "annote", "comment", "file", "groups"):
        assert f"  {name} =" not in text


def test_bare_year_stays_a_year():
    (item,) = from_bibtex("@misc{k, title={T}, year={2016}}")
    assert (item.year, item.month, item.published) == (2016, None, None)
    assert "month" not in to_bibtex([item])
    (item,) = from_bibtex("@misc{k, title={T}, date={2016-05}}")
    assert (item.year, item.month, item.published) == (2016, 5, None)
    (item,) = from_bibtex("@misc{k, title={T}, date={2016-05-09}}")
    assert item.published == "2016-05-09"


def test_math_and_escapes_read_back_as_text():
    (item,) = from_bibtex(to_bibtex([JOURNAL]))
    assert item.title == r"Learning $\alpha$-Divergences for BERT & GPT-4: 50% Faster_Training #1"
    assert item.publisher == "JMLR & Co" and item.pages == "101--120"
    assert item.doi == JOURNAL.doi and item.url == JOURNAL.url


def _real_bib_files():
    from shared_data import CORPUS_DIR

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"
    files = sorted(fixtures.glob("*.bib"))
    if CORPUS_DIR.is_dir():
        files += sorted(CORPUS_DIR.glob("*.bib"))
    return files


@pytest.mark.parametrize("path", _real_bib_files(), ids=lambda p: p.name)
def test_real_bib_files_rewrite_into_clean_stable_bibtex(path):
    items = from_bibtex(path.read_text(encoding="utf-8"))
    assert items
    written = to_bibtex(items, with_state=True, with_abstract=True)
    parsed = pybtex_fields(written)  # strict: any pybtex warning fails
    assert len(parsed) == len(items)
    # Kept keys are reused verbatim, so a re-import and re-export gives the same text.
    assert to_bibtex(from_bibtex(written), with_state=True, with_abstract=True) == written

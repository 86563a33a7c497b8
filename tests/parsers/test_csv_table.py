"""The CSV parser reads paper tables by their header names: CSV, TSV, semicolons, any column order."""

from __future__ import annotations

from pathlib import Path

import pytest

import reader.parsers  # noqa: F401  (registers every format)
from reader.parsers import base
from reader.parsers.base import ParseError
from reader.parsers.csv_table import CsvTableParser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
parser = CsvTableParser()


def fixture(name: str) -> str:
    return base.normalize_text((FIXTURES / name).read_text(encoding="utf-8"))


def test_registered_under_its_name():
    assert base.REGISTRY["csv"].__class__ is CsvTableParser


@pytest.mark.parametrize(
    "name",
    [
        "newsletter.csv",
        "papers.tsv",
        "reordered.csv",
    ],
)
def test_sniff_is_sure_of_every_fixture_and_most_confident(name):
    text = fixture(name)
    assert parser.sniff(text) == 0.9
    others = [p.sniff(text) for p in base.REGISTRY.values() if p.name != "csv"]
    assert max(others) < 0.9


def test_sniff_rejects_other_text():
    assert parser.sniff("|Title|Authors|\n|---|---|\n|A|B|\n") == 0.0  # a markdown table
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0
    assert parser.sniff('[{"title": "T", "id": "2401.00001"}]') == 0.0
    assert parser.sniff("Name,Age,City\nAda,36,London\n") < 0.8  # a title-ish column alone
    assert parser.sniff("word " * 200_000) == 0.0
    assert parser.sniff("") == 0.0


def test_sniff_of_a_title_table_without_links():
    assert parser.sniff("Title,Authors,Abstract\nA,B,C\n") == 0.8


def test_newsletter_csv_with_multiline_fields_and_a_non_arxiv_row():
    parsed = parser.parse(fixture("newsletter.csv"))
    assert parsed.format == "csv"
    assert parsed.warnings == ["skipped 1 row(s) without a title (line 7)"]
    assert [entry.paper.title for entry in parsed.entries] == [
        "Llemma",
        "Self-RAG",
        "Scaling Deep Learning for Materials Discovery",
        "Llama 2: Open Foundation and Fine-Tuned Chat Models",  # a title wrapped inside quotes
    ]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4]
    assert [entry.paper.arxiv_id for entry in parsed.entries] == [
        "2310.10631", "2310.11511", None, "2307.09288"
    ]
    llemma, self_rag, gnome, llama = parsed.entries

    # Description is the newsletter's words; Abstract is the paper's.
    assert llemma.sighting.summary.startswith("an LLM for mathematics based on continued pretraining")
    assert llemma.paper.abstract.startswith("We present Llemma, a large language model for mathematics.")
    assert llemma.paper.abs_url == "https://arxiv.org/abs/2310.10631"
    assert llemma.paper.pdf_url == "https://arxiv.org/pdf/2310.10631"

    # A quoted abstract over several lines keeps its paragraphs.
    assert self_rag.paper.abstract.count("\n\n") == 1
    assert self_rag.paper.abstract.endswith("retrieves passages on demand.")

    assert gnome.paper.abs_url == "https://www.nature.com/articles/s41586-023-06735-9"
    assert gnome.paper.pdf_url is None
    assert 'the "AI-discovered" structures' in gnome.sighting.summary  # doubled quotes

    assert llama.paper.abstract == "In this work, we develop and release Llama 2."


def test_tsv():
    parsed = parser.parse(fixture("papers.tsv"))
    assert parsed.warnings == []
    mamba, retnet, rwkv = parsed.entries
    assert mamba.paper.title == "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
    assert mamba.paper.authors == ["Albert Gu", "Tri Dao"]
    assert mamba.paper.arxiv_id == "2312.00752"
    assert mamba.paper.published == "2023-12-01"
    assert mamba.paper.code_url == "https://github.com/state-spaces/mamba"
    assert mamba.sighting.score == 9.0
    assert mamba.sighting.topic == "cs.LG; cs.AI"
    assert retnet.paper.authors == ["Yutao Sun", "Li Dong", "Shaohan Huang", "Furu Wei"]
    assert retnet.sighting.score == 7.5
    assert rwkv.paper.authors == ["Bo Peng", "Eric Alcaide", "Quentin Anthony"]  # "Last, First and ..."
    assert rwkv.paper.arxiv_id == "2305.13048"  # an abs URL in the id column
    assert rwkv.sighting.score is None  # "n/a"


def test_columns_in_another_order():
    parsed = parser.parse(fixture("reordered.csv"))
    assert parsed.warnings == []
    qlora, moe, parrots = parsed.entries
    assert qlora.paper.title == "QLoRA: Efficient Finetuning of Quantized LLMs"
    assert qlora.paper.authors == ["Tim Dettmers", "Artidoro Pagnoni", "Ari Holtzman", "Luke Zettlemoyer"]
    assert qlora.paper.arxiv_id == "2305.14314"
    assert qlora.paper.abs_url == "https://arxiv.org/abs/2305.14314"
    assert qlora.paper.published == "2023-05-23"
    assert qlora.paper.code_url == "https://github.com/artidoro/qlora"
    assert qlora.paper.abstract.startswith("We present QLoRA")

    assert moe.paper.title == "Outrageously Large Neural Networks"
    assert moe.paper.arxiv_id is None
    assert moe.paper.abs_url == "https://openreview.net/forum?id=nZeVKeeFYf9"
    assert moe.paper.authors == ["Noam Shazeer"]

    assert parrots.paper.doi == "10.1145/3442188.3445922"
    assert parrots.paper.abs_url == "https://doi.org/10.1145/3442188.3445922"


def test_semicolons_blank_lines_and_short_rows():
    text = (
        "Paper;Link;Authors\nA;https://arxiv.org/abs/2401.00001;X Y\n"
        '\n\nB;"https://arxiv.org/abs/2401.00002"\n'
    )
    parsed = parser.parse(text)
    assert [(e.paper.title, e.paper.arxiv_id) for e in parsed.entries] == [
        ("A", "2401.00001"), ("B", "2401.00002")
    ]
    assert parsed.entries[1].paper.authors == []


def test_unterminated_quote_loses_only_its_own_row():
    text = (
        "Title,URL,Abstract\n"
        "A,https://arxiv.org/abs/2401.00001,ok\n"
        'B,https://arxiv.org/abs/2401.00002,"never closed\n'
        "C,https://arxiv.org/abs/2401.00003,fine\n"
        "D,https://example.org/d,plain\n"
    )
    parsed = parser.parse(text)
    assert [e.paper.title for e in parsed.entries] == ["A", "B", "C", "D"]
    assert parsed.entries[1].paper.abstract == "never closed"
    assert parsed.warnings == ["line 3: a quote is never closed; read that line alone"]


def test_oversize_field_skips_its_row():
    text = (
        "Title,URL,Abstract\n"
        'A,https://arxiv.org/abs/2401.00001,"' + "z" * 2_000_000 + '\nstill the same field"\n'
        "B,https://arxiv.org/abs/2401.00002,ok\n"
    )
    parsed = parser.parse(text)
    assert [e.paper.title for e in parsed.entries] == ["B"]
    assert parsed.warnings == [
        "line 2: skipped a row that cannot be read (field larger than field limit (1000000))"
    ]


def test_only_untitled_rows_raise_parse_error():
    with pytest.raises(ParseError, match="no row under the header has a title"):
        parser.parse("Title,URL\n,https://a.example/x\n\n")


def test_a_name_column_alone_is_not_a_paper_table():
    with pytest.raises(ParseError):
        parser.parse("Name,Age\nAda,36\n")
    assert [e.paper.title for e in parser.parse("Name,Authors\nAda,Ada Lovelace\n").entries] == ["Ada"]


def test_long_field_under_the_limit_is_kept():
    abstract = "w" * 500_000  # past csv's default 128 KB limit
    parsed = parser.parse(f'Title,URL,Abstract\nA,https://a.example/x,"{abstract}"\n')
    assert parsed.entries[0].paper.abstract == abstract


def test_huge_title_is_cut():
    parsed = parser.parse("Title,URL\n" + "t" * 50_000 + ",https://a.example/x\n")
    assert len(parsed.entries[0].paper.title) == 1001
    assert "cut to 1000" in parsed.warnings[0]


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "\n\n\t\n",
        "just a sentence, with commas, in it\n",
        "Name,Age\nAda,36\n",
        "\x00" * 5000,
        bytes(range(256)).decode("latin-1") * 40,
        "[" * 10_000,
        '"' * 100_000,
    ],
)
def test_garbage_raises_parse_error(garbage):
    with pytest.raises(ParseError) as error:
        parser.parse(garbage)
    assert str(error.value).strip()
    assert parser.sniff(garbage) < 0.8

"""The JSON parser reads CSL-JSON, Hugging Face's daily-papers API, JSONL dumps and wrapped lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reader.parsers  # noqa: F401  (registers every format)
from reader.parsers import base
from reader.parsers.base import ParseError
from reader.parsers.json_records import JsonRecordsParser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "json"
parser = JsonRecordsParser()


def fixture(name: str) -> str:
    return base.normalize_text((FIXTURES / name).read_text(encoding="utf-8"))


def test_registered_under_its_name():
    assert base.REGISTRY["json"].__class__ is JsonRecordsParser


@pytest.mark.parametrize(
    "name, score",
    [("csl.json", 0.95), ("hf_daily_papers.json", 0.95), ("nested.json", 0.95), ("daily_arxiv.jsonl", 0.9)],
)
def test_sniff_is_sure_of_every_fixture(name, score):
    assert parser.sniff(fixture(name)) == score


def test_sniff_rejects_other_text():
    assert parser.sniff("#### 1.A Title. [Link](http://arxiv.org/abs/2402.06619v1)\n") == 0.0
    assert parser.sniff("Title,URL\nA,https://arxiv.org/abs/2401.00001\n") == 0.0
    assert parser.sniff("") == 0.0
    # JSON, but not a list of papers.
    assert parser.sniff('{"settings": {"theme": "dark"}, "recent": [1, 2, 3]}') < 0.8
    assert parser.sniff('[{"name": "cs.CL"}, {"name": "cs.LG"}]') < 0.8


def test_sniff_judges_a_document_cut_at_64_kb_by_its_keys():
    papers = [
        {"title": f"Paper {n}", "arxiv_id": f"2401.{n:05d}", "abstract": "x" * 200} for n in range(600)
    ]
    text = json.dumps({"papers": papers}, indent=2)
    assert len(text) > base.SNIFF_CHARS
    assert parser.sniff(base.sniff_sample(text)) >= 0.8
    assert parser.sniff(text) >= 0.8
    jsonl = "\n".join(json.dumps(paper) for paper in papers)
    assert parser.sniff(base.sniff_sample(jsonl)) == 0.9


def test_sniff_is_fast_on_a_huge_document():
    text = json.dumps([{"title": "T", "id": "2401.00001", "abstract": "a " * 2_000_000}])
    assert 0.0 <= parser.sniff(text) <= 1.0  # judged from the first 64 KB only


def test_no_other_sniffer_is_as_sure_of_the_fixtures():
    # csl.json is CSL-JSON: the csl-json parser (reference_json) is surer of it, by design.
    for name in ("hf_daily_papers.json", "nested.json", "daily_arxiv.jsonl"):
        text = fixture(name)
        others = [p.sniff(text) for p in base.REGISTRY.values() if p.name != "json"]
        assert max(others) < parser.sniff(text), name


def test_csl_json():
    parsed = parser.parse(fixture("csl.json"))
    assert parsed.format == "json"
    assert parsed.warnings == ["skipped 1 object(s) without a usable title"]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3, 4]
    mistral, alphafold, attention, gpt3 = (entry.paper for entry in parsed.entries)

    assert mistral.title == "Mistral 7B"
    assert mistral.authors == ["Albert Q. Jiang", "Alexandre Sablayrolles", "Arthur Mensch"]
    assert mistral.arxiv_id == "2310.06825"
    assert mistral.doi == "10.48550/arXiv.2310.06825"
    assert mistral.published == "2023-10-10"
    assert mistral.abs_url == "https://arxiv.org/abs/2310.06825"
    assert mistral.pdf_url == "https://arxiv.org/pdf/2310.06825"
    assert mistral.abstract.startswith("We introduce Mistral 7B v0.1")

    # HTML in the title is dropped; a journal paper keeps its own URL and DOI.
    assert alphafold.title == "Highly accurate protein structure prediction with AlphaFold"
    assert alphafold.authors == [
        "John Jumper", "Richard Evans", "Alexander Pritzel", "DeepMind AlphaFold Team"
    ]
    assert alphafold.arxiv_id is None
    assert alphafold.doi == "10.1038/s41586-021-03819-2"
    assert alphafold.published == "2021-08-01"
    assert alphafold.abs_url == "https://www.nature.com/articles/s41586-021-03819-2"
    assert alphafold.pdf_url is None

    # Whitespace collapsed; id from a versioned PDF URL; year only + YYMM of the id.
    assert attention.title == "Attention is all you need"
    assert attention.arxiv_id == "1706.03762"
    assert attention.published == "2017-06-01"

    assert gpt3.title == "Language Models are Few-Shot Learners"
    assert gpt3.published == "2020-12-06"  # {"raw": "..."}
    assert gpt3.abs_url.startswith("https://proceedings.neurips.cc/")


def test_hugging_face_daily_papers_api():
    parsed = parser.parse(fixture("hf_daily_papers.json"))
    assert parsed.warnings == []
    assert parsed.date == "2024-06-19"  # the day every paper was featured
    assert [entry.paper.arxiv_id for entry in parsed.entries] == ["2406.12793", "2406.12624", "2406.11931"]
    first = parsed.entries[0]
    # The nested paper's own facts win over the outer item's.
    assert first.paper.title == "ChatGLM-style Long Context Alignment at Scale"
    assert first.paper.authors == ["Yuxuan Li", "Mei Tanaka", "Oskar Lindqvist"]
    assert first.paper.published == "2024-06-18"
    assert first.paper.abstract == (
        "We study how to align language models to very long contexts. "
        "Our recipe keeps short-context quality while extending the window to 1M tokens."
    )
    assert first.paper.code_url == "https://github.com/example/longalign-scale"
    assert first.sighting.score == 42.0
    assert first.sighting.summary == (
        "A training recipe extends context windows to 1M tokens without hurting short tasks."
    )
    assert [entry.sighting.score for entry in parsed.entries] == [42.0, 17.0, 61.0]
    assert parsed.entries[2].paper.authors == ["Lena Hoffmann"]
    assert parsed.entries[2].paper.published == "2024-06-17"


def test_jsonl_dump_with_a_broken_line():
    parsed = parser.parse(fixture("daily_arxiv.jsonl"))
    assert parsed.warnings == [
        "skipped 1 line(s) that are not JSON objects (line 3)",
        "skipped 1 object(s) without a usable title",
    ]
    assert [entry.sighting.position for entry in parsed.entries] == [1, 2, 3]
    coincidences, heads, diffusion = parsed.entries

    assert coincidences.paper.title == "Information from coincidences"
    assert coincidences.paper.arxiv_id == "2606.25042"
    assert coincidences.paper.authors == ["Akshay Balsubramani"]
    # The paper's abstract stays the abstract; the AI's notes go to the sighting.
    assert coincidences.paper.abstract.startswith("We prove a single algebraic")
    assert coincidences.sighting.headline == "本文证明了一个统一的代数混合重合恒等式。"
    assert coincidences.sighting.summary is None
    assert coincidences.sighting.detail.startswith("Motivation: 信息论中")
    assert "Conclusion: 同一代数等式的特例。" in coincidences.sighting.detail
    assert coincidences.sighting.topic == "cs.IT, math.PR, stat.ML"

    assert heads.paper.authors == ["Hana Kim", "Rafael Souza", "Ines Duarte"]
    assert heads.paper.abstract == (
        "We identify a small set of attention heads that perform retrieval over long contexts."
    )
    assert heads.sighting.summary == "识别并剪枝检索头。"

    assert diffusion.paper.title == "Diffusion Features for Dense Correspondence & Tracking"
    assert diffusion.paper.arxiv_id == "2606.25230"  # version dropped
    assert diffusion.paper.pdf_url == "https://arxiv.org/pdf/2606.25230"


def test_nested_document_with_aliases():
    parsed = parser.parse(fixture("nested.json"))
    # The largest paper array wins over the one-paper "featured" array.
    assert [entry.paper.title for entry in parsed.entries] == [
        "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
        "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        "LoRA: Low-Rank Adaptation of Large Language Models",
    ]
    assert parsed.date == "2024-05-02"  # the date beside the paper array
    assert parsed.warnings == ["skipped 1 object(s) without a usable title"]
    dpo, cot, lora = parsed.entries

    assert dpo.paper.arxiv_id == "2305.18290"
    assert dpo.paper.authors == ["Rafael Rafailov", "Archit Sharma", "Eric Mitchell", "Chelsea Finn"]
    assert dpo.paper.published == "2023-05-29"
    assert dpo.paper.code_url == "https://github.com/eric-mitchell/direct-preference-optimization"
    assert dpo.sighting.score == 9.5
    assert dpo.sighting.topic == "cs.LG, cs.CL"

    assert cot.paper.arxiv_id == "2201.11903"
    assert cot.paper.authors == ["Jason Wei", "Xuezhi Wang", "Dale Schuurmans"]
    assert cot.paper.published == "2022-01-01"
    assert cot.sighting.score == 8.0

    assert lora.paper.arxiv_id == "2106.09685"
    assert lora.paper.authors == ["Edward J. Hu", "Yelong Shen"]
    assert lora.paper.published == "2021-06-17"
    assert lora.paper.abstract.startswith("An important paradigm")
    assert lora.sighting.summary.startswith("Freezes the pretrained weights")


def test_authors_of_a_paper_are_not_taken_for_papers():
    # Two papers, each with more "name" + "_id" authors than there are papers.
    authors = [{"_id": f"a{n}", "name": f"Author {n}"} for n in range(5)]
    text = json.dumps({"items": [
        {"title": "First", "url": "https://example.org/1", "authors": authors},
        {"title": "Second", "url": "https://example.org/2", "authors": authors},
    ]})
    parsed = parser.parse(text)
    assert [entry.paper.title for entry in parsed.entries] == ["First", "Second"]
    assert parsed.entries[0].paper.abs_url == "https://example.org/1"
    assert parsed.entries[0].paper.authors == [f"Author {n}" for n in range(5)]


def test_a_single_paper_object_and_a_data_wrapper():
    single = parser.parse('{"title": "Only one", "doi": "10.1000/xyz123"}')
    assert [entry.paper.doi for entry in single.entries] == ["10.1000/xyz123"]
    assert single.entries[0].paper.abs_url == "https://doi.org/10.1000/xyz123"
    wrapped = parser.parse('{"data": [{"name": "Wrapped", "pdf_url": "https://example.org/w.pdf"}]}')
    assert wrapped.entries[0].paper.title == "Wrapped"
    assert wrapped.entries[0].paper.pdf_url == "https://example.org/w.pdf"


def test_a_doi_is_not_mistaken_for_an_arxiv_id():
    parsed = parser.parse('[{"title": "T", "id": "10.1145/1234.56789"}]')
    assert parsed.entries[0].paper.arxiv_id is None


def test_cut_off_array_keeps_its_complete_objects():
    papers = [{"title": f"Paper {n}", "id": f"2401.{n:05d}"} for n in range(1, 6)]
    text = json.dumps(papers, indent=1)
    cut = text[: text.index('"Paper 5"')]
    parsed = parser.parse(cut)
    assert [entry.paper.arxiv_id for entry in parsed.entries] == [f"2401.{n:05d}" for n in range(1, 5)]
    assert parsed.warnings[0].startswith("the JSON ends early")


def test_deeply_nested_json_raises_parse_error_not_recursion_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        parser.parse("[" * 10_000 + "]" * 10_000)
    with pytest.raises(ParseError, match="nested too deeply"):
        parser.parse('{"a":' * 10_000 + "1" + "}" * 10_000)
    assert parser.sniff("[" * 10_000 + "]" * 10_000) < 0.8


def test_deep_but_parseable_nesting_is_searched_only_to_a_bound():
    inner = [{"title": "Too deep", "id": "2401.00001"}]
    for _ in range(50):
        inner = {"level": inner}
    with pytest.raises(ParseError, match="no papers found"):
        parser.parse(json.dumps(inner))


def test_jsonl_line_nested_too_deeply_is_only_a_bad_line():
    text = '{"title": "Fine", "id": "2401.00001"}\n' + "[" * 10_000 + "]" * 10_000 + "\n"
    parsed = parser.parse(text)
    assert [entry.paper.title for entry in parsed.entries] == ["Fine"]
    assert parsed.warnings == ["skipped 1 line(s) that are not JSON objects (line 2)"]


def test_huge_string_fields():
    text = json.dumps([
        {"title": "x " * 3_000_000, "id": "2401.00001", "abstract": "y" * 5_000_000},
        {"title": "Normal", "url": "https://example.org/n"},
    ])
    parsed = parser.parse(text)
    assert len(parsed.entries) == 2
    assert len(parsed.entries[0].paper.title) <= 1001
    assert parsed.entries[0].paper.arxiv_id == "2401.00001"
    assert len(parsed.entries[0].paper.abstract) == 5_000_000
    assert "cut to 1000" in parsed.warnings[0]


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not json at all",
        '{"title": nope',
        "[1, 2, 3]",
        '{"config": {"a": [true, null]}}',
        '[{"id": "2401.00001"}]',  # no title anywhere
        "\x00" * 1000,
        bytes(range(256)).decode("latin-1") * 10,
        "[](" * 50_000,
    ],
)
def test_garbage_raises_parse_error(garbage):
    with pytest.raises(ParseError) as error:
        parser.parse(garbage)
    assert str(error.value).strip()
    assert parser.sniff(garbage) < 0.8

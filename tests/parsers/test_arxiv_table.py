"""The arxiv-table parser on the real sample, on mutated copies of it and on a hand-made fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.parsers import base
from reader.parsers.arxiv_table import ArxivTableParser
from shared_data import read_sample

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "arxiv_table"
SAMPLE_NAME = "001_a7bca62cced45441.txt"  # in ../shared/digests; tests reading it skip without it
MM_EGO_AUTHORS = [
    "Hanrong Ye", "Haotian Zhang", "Erik Daxberger", "Lin Chen", "Zongyu Lin", "Yanghao Li",
    "Bowen Zhang", "Haoxuan You", "Dan Xu", "Zhe Gan", "Jiasen Lu", "Yinfei Yang",
]
TURINGQ_TITLE = "TuringQ: Benchmarking AI Comprehension in Theory of Computation"
EXTRA_TOPIC = """### Robotics
|Title|Publish Date|Authors|PDF|
|---|---|---|---|
|**Walking Robots Walk**|**2024-10-08**|Ada Lovelace et.al.|[2410.05555v1](http://arxiv.org/pdf/2410.05555v1)|
|**Hands Without Code**|**2024-10-07**|Alan Turing et.al.|[pdf](https://example.org/hands.pdf)|

"""


@pytest.fixture(scope="module")
def sample_text() -> str:
    return read_sample(SAMPLE_NAME)


@pytest.fixture(scope="module")
def sample(sample_text: str):
    return ArxivTableParser().parse(sample_text)


def parse(text: str):
    return ArxivTableParser().parse(text)


def table_and_abstracts(text: str) -> tuple[list[str], list[str], str]:
    """(lines before the rows, row lines, the rest) of the one-topic sample."""
    lines = text.split("\n")
    rows = [line for line in lines if line.startswith("|**")]
    first, last = lines.index(rows[0]), lines.index(rows[-1])
    return lines[:first], rows, "\n".join(lines[last + 1 :])


def test_sample_has_a_hundred_papers_in_order(sample) -> None:
    assert sample.format == "arxiv-table"
    assert len(sample.entries) == 100
    assert [entry.sighting.position for entry in sample.entries] == list(range(1, 101))
    assert {entry.sighting.topic for entry in sample.entries} == {"LLM"}
    assert sample.warnings == []


def test_sample_first_entry(sample) -> None:
    paper = sample.entries[0].paper
    assert paper.title == "MM-Ego: Towards Building Egocentric Multimodal LLMs"
    assert paper.arxiv_id == "2410.07177"
    assert paper.abs_url == "https://arxiv.org/abs/2410.07177"
    assert paper.pdf_url == "https://arxiv.org/pdf/2410.07177"
    assert paper.published == "2024-10-09"
    # The abstract's full author list beats the table's "Hanrong Ye et.al.".
    assert paper.authors == MM_EGO_AUTHORS
    assert paper.code_url is None and paper.homepage_url is None


def test_sample_last_entry(sample) -> None:
    paper = sample.entries[-1].paper
    assert paper.title == TURINGQ_TITLE
    assert paper.arxiv_id == "2410.06547"
    assert paper.authors == ["Pardis Sadat Zahraei", "Ehsaneddin Asgari"]


def test_sample_code_links(sample) -> None:
    by_id = {entry.paper.arxiv_id: entry.paper for entry in sample.entries}
    assert by_id["2410.07167"].code_url == "https://github.com/shikiw/modality-integration-rate"
    assert by_id["2410.07095"].code_url == "https://github.com/openai/mle-bench"
    # 100 rows, 86 with "null" in the Code column.
    assert sum(1 for entry in sample.entries if entry.paper.code_url) == 14


def test_sample_abstracts_are_unwrapped_and_translated(sample) -> None:
    for entry in sample.entries:
        assert entry.paper.abstract and "\n" not in entry.paper.abstract
        assert entry.paper.translation and not entry.paper.translation.startswith("摘要")
    first = sample.entries[0].paper
    assert first.abstract.startswith("This research aims to comprehensively explore building a multimodal foundation")
    assert first.abstract.endswith("performance on egocentric video understanding.")
    assert first.translation.startswith("本研究旨在全面探索")


def test_sample_authors_with_accents(sample) -> None:
    astute = sample.entries[1].paper
    assert astute.authors[-1] == "Sercan Ö. Arık"
    assert len(astute.authors) == 5


def test_translation_wrapper_tag_is_dropped(sample) -> None:
    mir = next(entry.paper for entry in sample.entries if entry.paper.arxiv_id == "2410.07167")
    assert mir.translation.startswith("我們提出模態整合率")
    assert "<paragraph>" not in mir.translation and "</paragraph>" not in mir.translation


def test_reordered_rows_still_find_their_abstracts(sample_text: str, sample) -> None:
    head, rows, rest = table_and_abstracts(sample_text)
    parsed = parse("\n".join(head + list(reversed(rows))) + "\n" + rest)
    expected = list(reversed([entry.paper for entry in sample.entries]))
    assert [entry.paper for entry in parsed.entries] == expected
    assert [entry.sighting.position for entry in parsed.entries] == list(range(1, 101))


def test_abstract_matched_by_title_when_the_id_line_is_missing(sample_text: str, sample) -> None:
    by_line = "2410.07176v1 by Fei Wang, Xingchen Wan, Ruoxi Sun, Jiefeng Chen, Sercan Ö. Arık\n"
    assert by_line in sample_text
    astute = parse(sample_text.replace(by_line, "")).entries[1].paper
    assert astute.abstract == sample.entries[1].paper.abstract
    assert astute.translation == sample.entries[1].paper.translation
    assert astute.authors == ["Fei Wang"]  # only the table's first author is left


def test_crlf_and_bom_parse_like_the_original(sample_text: str, sample) -> None:
    parsed = base.parse_text("\ufeff" + sample_text.replace("\n", "\r\n"))
    assert parsed.format == "arxiv-table"
    assert parsed.entries == sample.entries


def test_without_abstracts_the_rows_remain(sample_text: str) -> None:
    parsed = parse(sample_text[: sample_text.index("#### Abstracts")])
    assert len(parsed.entries) == 100
    first = parsed.entries[0].paper
    assert first.authors == ["Hanrong Ye"]
    assert first.abstract is None and first.translation is None
    assert parsed.entries[-1].paper.title == TURINGQ_TITLE


def test_extra_topic_with_other_columns(sample_text: str, sample) -> None:
    at = sample_text.index("#### Abstracts")
    parsed = parse(sample_text[:at] + "\n" + EXTRA_TOPIC + sample_text[at:])
    assert len(parsed.entries) == 102
    assert parsed.entries[:100] == sample.entries
    walking, hands = parsed.entries[100:]
    assert walking.sighting.topic == hands.sighting.topic == "Robotics"
    assert walking.paper.arxiv_id == "2410.05555"
    assert walking.paper.pdf_url == "https://arxiv.org/pdf/2410.05555"
    assert walking.paper.published == "2024-10-08"
    assert walking.paper.authors == ["Ada Lovelace"]
    assert hands.paper.arxiv_id is None
    assert hands.paper.pdf_url == "https://example.org/hands.pdf"
    assert hands.paper.code_url is None


def test_cut_mid_row_keeps_the_complete_rows(sample_text: str, sample) -> None:
    cut = sample_text[: sample_text.index("Tony Lee et.al.")]  # row 14 (VHELM), cut mid-row
    parsed = parse(cut)
    assert [entry.paper.arxiv_id for entry in parsed.entries] == [
        entry.paper.arxiv_id for entry in sample.entries[:13]
    ]
    assert any("incomplete" in warning for warning in parsed.warnings)


def test_cut_mid_abstract_keeps_every_row(sample_text: str, sample) -> None:
    cut = sample_text[: sample_text.index("Retrieval-Augmented Generation (RAG), while effective")]
    parsed = parse(cut)
    assert len(parsed.entries) == 100
    assert parsed.entries[0] == sample.entries[0]
    astute = parsed.entries[1].paper
    assert astute.authors == sample.entries[1].paper.authors
    assert astute.abstract is None
    assert parsed.entries[2].paper.authors == ["Jona Ruthardt"]


def test_two_topic_fixture() -> None:
    parsed = parse((FIXTURES_DIR / "two_topics.md").read_text(encoding="utf-8"))
    assert parsed.date == "2024-10-11"
    grasping, walker, whisper, listening = parsed.entries
    assert [e.sighting.topic for e in parsed.entries] == ["Robotics", "Robotics", "Speech", "Speech"]
    assert grasping.paper.arxiv_id == "2410.11111"
    assert grasping.paper.authors == ["Ada Lovelace", "Charles Babbage"]
    assert grasping.paper.code_url == "https://github.com/example/grasp"
    assert grasping.paper.translation == "機器人在實驗室外抓取物體。"
    assert walker.paper.title == "Legs | Wheels: A Hybrid Walker"
    assert walker.paper.abstract is None and walker.paper.authors == ["Alan Turing"]
    # Columns in another order; a non-arXiv homepage; abstract found by title.
    assert whisper.paper.published == "2024-10-09"
    assert whisper.paper.homepage_url == "https://whisper.example.org/"
    assert whisper.paper.arxiv_id == "2410.44444"
    assert whisper.paper.authors == ["Grace Hopper", "Katherine Johnson", "Dorothy Vaughan"]
    assert whisper.paper.abstract == (
        "We whisper to models and they listen quietly.\n\nSecond paragraph of the abstract."
    )
    assert whisper.paper.translation == "我們對模型低語，它們安靜地聆聽。"
    assert listening.paper.abs_url == "https://arxiv.org/abs/2410.33333"
    assert listening.paper.homepage_url is None
    assert listening.paper.authors == []


def test_text_without_a_paper_table_is_a_parse_error() -> None:
    with pytest.raises(base.ParseError):
        parse("### LLM\n|Name|Value|\n|---|---|\n|a|b|\n")


def test_sniff_is_sure_of_the_sample_and_low_for_prose(sample_text: str) -> None:
    parser = ArxivTableParser()
    assert parser.sniff(sample_text) >= 0.8
    assert parser.sniff("Prose with a | pipe and 2410.07177v1 in it.\n") < 0.5


def test_abstract_without_a_row_is_kept_as_its_own_entry(sample_text: str, sample) -> None:
    orphan = (
        "\n##### **An Orphan Abstract**\n2410.09999v2 by Mary Somerville, Emmy Noether\n\n"
        "Nobody put this paper\nin the table.\n\n摘要：沒有人把這篇論文放進表格。\n"
    )
    parsed = parse(sample_text + orphan + orphan)  # twice: still one entry
    assert len(parsed.entries) == 101
    extra = parsed.entries[-1]
    assert extra.sighting.position == 101
    assert extra.paper.title == "An Orphan Abstract"
    assert extra.paper.arxiv_id == "2410.09999"
    assert extra.paper.authors == ["Mary Somerville", "Emmy Noether"]
    assert extra.paper.abstract == "Nobody put this paper in the table."
    assert any("no table row" in warning for warning in parsed.warnings)


def test_a_repeated_table_does_not_duplicate_abstract_entries(sample_text: str) -> None:
    parsed = parse(sample_text + "\n" + sample_text)
    assert len(parsed.entries) == 200
    assert all(entry.paper.abstract for entry in parsed.entries)


def test_abstract_titles_at_the_level_of_the_abstracts_heading(sample_text: str, sample) -> None:
    flattened = sample_text.replace("\n##### **", "\n#### **")
    parsed = parse(flattened)
    assert [entry.paper for entry in parsed.entries] == [entry.paper for entry in sample.entries]

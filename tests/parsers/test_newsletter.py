"""Weekly newsletter: the real sample, a markdown variant, and mutated copies of the sample."""

from __future__ import annotations

import re
from pathlib import Path

from reader.parsers import base, detect, parse_text
from reader.parsers.newsletter import NewsletterParser
from shared_data import read_sample

TESTS_DIR = Path(__file__).resolve().parents[1]
SAMPLE_NAME = "003_5261537cfefae34e.txt"  # in ../shared/digests; tests reading it skip without it
VARIANT = TESTS_DIR / "fixtures" / "newsletter" / "variant_issue.md"
PARSER = NewsletterParser()

WEEKS = {"Oct 06": 28, "Sep 29": 22, "Sep 22": 15, "Sep 15": 16, "Sep 8 2024": 19, "Sep 1 2024": 12}
# Items without an arXiv link that name their paper or article in curly quotes.
QUOTED_TITLES_WITHOUT_ID = {
    "Movie Gen: A Cast of Media Foundation Models",
    "Larger and more instructable language models become less reliable",
    "The Intelligence Age",
    "Moshi: a speech-text foundation model for real-time dialogue",
    "To CoT or not to CoT? Chain-of-thought helps mainly on math and symbolic reasoning",
    "Durably reducing conspiracy beliefs through dialogues with AI",
    "Agentic AI: The Next Big Breakthrough That's Transforming Business And Technology",
    "language agents achieve superhuman synthesis of scientific knowledge",
    "GPTs and Hallucination: Why do large language models hallucinate?",
    "xLAM: A Family of Large Action Models to Empower AI Agent Systems",
    "A large-scale audit of dataset licensing and attribution in AI",
    "LiGNN: Graph Neural Networks at LinkedIn",
    "Loss of plasticity in deep continual learning",
    "Introducing Cerebras Inference: AI at Instant Speed",
    "A Preliminary Report on DisTro",
}
# News items: no arXiv link and no quoted title, so the headline is the title.
NEWS_HEADLINES = {
    "YOLO11 Released by Ultralytics",
    "Meta’s Llama 3.2 Multimodal Models",
    "Leadership Shakeup at OpenAI",
    "OpenAI releases O1 models",
    "LLMs reduce human participation in online knowledge platforms",
    "Safe Superintelligence startup raises $1 billion",
}


def sample() -> str:
    return base.normalize_text(read_sample(SAMPLE_NAME))


def test_sample_counts_match_the_issue():
    parsed = parse_text(sample())
    assert parsed.format == "newsletter"
    entries = parsed.entries
    ids = [e.paper.arxiv_id for e in entries if e.paper.arxiv_id]
    assert len(entries) == 112
    assert len(ids) == 91
    assert len(set(ids)) == 89
    assert {i for i in ids if ids.count(i) == 2} == {"2410.02762", "2410.01748"}
    assert [e.sighting.position for e in entries] == list(range(1, 113))
    assert parsed.warnings == []


def test_weeks_are_topics_in_order_with_their_item_counts():
    entries = PARSER.parse(sample()).entries
    weeks = [e.sighting.topic for e in entries]
    assert list(dict.fromkeys(weeks)) == list(WEEKS)
    assert {week: weeks.count(week) for week in WEEKS} == WEEKS


def test_items_without_arxiv_link_are_quoted_titles_or_news():
    without_id = [e for e in PARSER.parse(sample()).entries if not e.paper.arxiv_id]
    assert len(without_id) == 21
    titles = {e.paper.title for e in without_id}
    assert QUOTED_TITLES_WITHOUT_ID <= titles
    assert titles - QUOTED_TITLES_WITHOUT_ID == NEWS_HEADLINES
    assert all(e.paper.abs_url is None and e.paper.pdf_url is None for e in without_id)


def test_first_and_last_items():
    entries = PARSER.parse(sample()).entries
    first, last = entries[0], entries[-1]
    assert first.paper.title == "Movie Gen: A Cast of Media Foundation Models"
    assert first.paper.arxiv_id is None
    assert first.sighting.topic == "Oct 06"
    assert first.sighting.headline == "Meta’s MovieGen release and innovations in media generation"
    assert first.sighting.summary.startswith("Meta released MovieGen and a paper detailing its new foundation models")
    assert first.sighting.detail.startswith("Oct 4, Meta [released MovieGen](https://ai.meta.com/research/movie-gen/)")
    assert last.paper.title == (
        "RoundTable: Leveraging Dynamic Schema and Contextual Autocomplete for Enhanced Query Precision "
        "in Tabular Question Answering"
    )
    assert last.paper.arxiv_id == "2408.12369"  # the link carries "v1"
    assert last.paper.abs_url == "https://arxiv.org/abs/2408.12369"
    assert last.paper.pdf_url == "https://arxiv.org/pdf/2408.12369"
    assert last.sighting.topic == "Sep 1 2024"
    assert last.sighting.headline == 'West Pharmaceutical, Stanford, and Amazon on "RoundTable"'
    assert "<br>" not in last.sighting.detail


def test_odd_items_keep_their_parts():
    by_id = {e.paper.arxiv_id: e for e in PARSER.parse(sample()).entries if e.paper.arxiv_id}
    vine = by_id["2410.01679"].sighting  # head spread over three lines
    assert vine.headline == "Enhancing credit assignment in complex reasoning tasks"
    assert vine.summary.startswith("This paper introduces VinePPO")
    o1 = by_id["2409.18486"].sighting  # detail continues on an unindented second line
    assert o1.detail.endswith("significant progress towards artificial general intelligence.")
    nvlm = by_id["2409.11402"]  # the quoted title comes before the link
    assert nvlm.paper.title == "NVLM: Open Frontier-Class Multimodal LLMs"
    distro = next(e for e in PARSER.parse(sample()).entries if e.paper.title == "A Preliminary Report on DisTro")
    assert distro.paper.code_url == "https://github.com/NousResearch/DisTrO"


def test_crlf_and_bom_parse_like_the_original():
    raw = read_sample(SAMPLE_NAME)
    mangled = "\ufeff" + raw.replace("\r\n", "\n").replace("\n", "\r\n")
    parsed = parse_text(mangled)
    assert [e.paper.title for e in parsed.entries] == [e.paper.title for e in PARSER.parse(sample()).entries]


def test_item_without_detail_paragraph():
    text = sample()
    detail_line = next(line for line in text.split("\n") if "arxiv.org/pdf/2410.01769" in line)
    entries = PARSER.parse(text.replace(detail_line + "\n", "")).entries
    assert len(entries) == 112
    item = entries[1]
    assert item.sighting.detail is None
    assert item.paper.arxiv_id is None
    assert item.paper.title == item.sighting.headline == "Quantifying generalization in large language models (LLMs)"
    assert entries[2].paper.arxiv_id == "2410.02724"


def test_extra_week_and_other_numbering():
    extra = (
        "***Oct 13 2024***\n\n"
        "101) **A new result: <br>Someone showed something.**\n"
        "   Oct 12, a lab published a [paper](https://arxiv.org/abs/2410.09999) “A Test Paper”.\n\n"
    )
    entries_before = PARSER.parse(sample()).entries
    parsed = PARSER.parse(extra + sample())
    assert len(parsed.entries) == 113
    assert parsed.date == "2024-10-13"
    new = parsed.entries[0]
    assert (new.paper.title, new.paper.arxiv_id, new.sighting.topic) == ("A Test Paper", "2410.09999", "Oct 13 2024")
    assert new.sighting.headline == "A new result"
    assert [e.paper.title for e in parsed.entries[1:]] == [e.paper.title for e in entries_before]
    assert parsed.entries[1].sighting.position == 2


def test_reordered_weeks_are_read_in_their_new_order():
    text = sample()
    sections = re.split(r"\n(?=\*\*\*[A-Z][a-z]{2} \d)", text)
    reordered = "\n".join(sections[:1] + sections[1:][::-1])
    weeks = list(dict.fromkeys(e.sighting.topic for e in PARSER.parse(reordered).entries))
    assert weeks == list(WEEKS)[::-1]
    assert len(PARSER.parse(reordered).entries) == 112


def test_truncated_mid_item_keeps_complete_items():
    text = sample()
    entries = PARSER.parse(text).entries
    cut = text[: text.index("RoundTable\" introduces a dynamic schema")]
    parsed = PARSER.parse(cut)
    assert len(parsed.entries) == 112
    assert [e.paper.title for e in parsed.entries[:-1]] == [e.paper.title for e in entries[:-1]]
    assert parsed.entries[-1].sighting.headline == entries[-1].sighting.headline
    assert parsed.warnings and "cut off" in parsed.warnings[0]
    mid_detail = text[: text.index("With advancements in Large Language Models (LLMs), a major use case")]
    assert PARSER.parse(mid_detail).entries[-1].paper.arxiv_id == "2408.12369"


def test_markdown_variant_with_bold_items_and_hash_headings():
    parsed = parse_text(VARIANT.read_text(encoding="utf-8"))
    assert parsed.format == "newsletter"
    assert parsed.date == "2024-10-13"
    got = [(e.paper.title, e.paper.arxiv_id, e.paper.code_url, e.sighting.topic) for e in parsed.entries]
    assert got == [
        ("Mixtral of Experts", "2401.04088", None, "Oct 13 2024"),
        ("New open toolkit released", None, "https://github.com/example-lab/toolkit", "Oct 13 2024"),
        ("A Paper Hosted Elsewhere", None, None, "Oct 13 2024"),
        ("Funding news", None, None, "Oct 6 2024"),
    ]
    assert parsed.entries[0].sighting.detail.endswith("continues on this line.")
    assert parsed.entries[2].sighting.summary is None


def test_sniff_prefers_newsletters_only():
    assert PARSER.sniff(sample()) >= 0.8
    assert detect(sample()).name == "newsletter"
    assert PARSER.sniff("1. Buy milk\n2. Read https://arxiv.org/abs/2401.04088\n") == 0.0
    assert PARSER.sniff("Mixtral of Experts\n\nA long paragraph.") == 0.0

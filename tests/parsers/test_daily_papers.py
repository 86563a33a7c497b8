"""Daily-papers page text: the two real samples, a richer copy with links, and mutated copies."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from reader.parsers import ParseError, base, detect, parse_text
from reader.parsers.daily_papers import DailyPapersParser
from shared_data import SAMPLES_DIR, require_samples

TESTS_DIR = Path(__file__).resolve().parents[1]
FIXTURES_DIR = TESTS_DIR / "fixtures"

PARSER = DailyPapersParser()
SAMPLE_002 = SAMPLES_DIR / "002_a403feae01dbded0.txt"
SAMPLE_004 = SAMPLES_DIR / "004_919878e00112d8f2.txt"
RICH_COPY = FIXTURES_DIR / "daily_papers" / "rich_copy.txt"
SAVED_MARKDOWN = FIXTURES_DIR / "daily_papers" / "saved_markdown.txt"
HEADER_LINES = [
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
    "Mar 12",
]


def read(path: Path) -> str:
    """A fixture's or a sample's text; a sample skips the test when ../shared/digests is absent."""
    if path.parent == SAMPLES_DIR:
        require_samples()
    return path.read_text(encoding="utf-8")


def titles(text: str) -> list[str]:
    return [entry.paper.title for entry in PARSER.parse(text).entries]


def squash(text: str | None) -> str:
    return " ".join((text or "").split())


@pytest.mark.parametrize(
    ("path", "count", "first_title", "last_title"),
    [
        (
            SAMPLE_002,
            126,
            "Self-Supervised Learning via Conditional Motion Propagation",
            "Towards Lifelong Learning of Large Language Models: A Survey",
        ),
        (
            SAMPLE_004,
            107,
            "Dual Cross-Attention Learning for Fine-Grained Visual Categorization and Object Re-Identification",
            "BiFormer: Vision Transformer with Bi-Level Routing Attention",
        ),
    ],
)
def test_samples_give_every_title_abstract_pair(path, count, first_title, last_title):
    parsed = parse_text(read(path))
    assert parsed.format == "daily-papers"
    assert len(parsed.entries) == count
    assert parsed.entries[0].paper.title == first_title
    assert parsed.entries[-1].paper.title == last_title
    assert all(entry.paper.abstract for entry in parsed.entries)
    assert [entry.sighting.position for entry in parsed.entries] == list(range(1, count + 1))
    # The page text carries no links, so no ids; "Mar 12" has no year, so no date.
    assert all(entry.paper.arxiv_id is None for entry in parsed.entries)
    assert parsed.date is None
    assert parsed.warnings == []


def test_sample_abstracts_and_question_titles_are_kept_whole():
    entries = PARSER.parse(read(SAMPLE_002)).entries
    assert entries[0].paper.abstract.startswith("Intelligent agent naturally learns from motion.")
    assert entries[-1].paper.abstract.endswith("overall performance of LLMs in real-world applications.")
    assert "When Do Curricula Work in Federated Learning?" in [entry.paper.title for entry in entries]
    last_004 = PARSER.parse(read(SAMPLE_004)).entries[-1]
    assert last_004.paper.abstract.endswith("Code is available at https://github.com/rayleizhu/BiFormer.")


def test_header_lines_are_never_titles():
    all_titles = titles(read(SAMPLE_002)) + titles(read(SAMPLE_004))
    assert not set(HEADER_LINES) & set(all_titles)


def test_without_header_lines_the_same_entries_come_out():
    text = read(SAMPLE_002)
    original = PARSER.parse(text).entries
    headless = "\n".join(line for line in text.split("\n") if line not in HEADER_LINES)
    parsed = parse_text(headless)
    assert parsed.format == "daily-papers"
    assert [e.paper.title for e in parsed.entries] == [e.paper.title for e in original]
    assert [e.paper.abstract for e in parsed.entries] == [e.paper.abstract for e in original]


def test_reordered_entries_are_read_in_their_new_order():
    text = read(SAMPLE_004)
    paragraphs = text.strip().split("\n\n")
    header, body = paragraphs[:5], paragraphs[5:]
    pairs = [body[i : i + 2] for i in range(0, len(body), 2)]
    reordered = "\n\n".join(header + [part for pair in reversed(pairs) for part in pair])
    expected = [pair[0] for pair in reversed(pairs)]
    assert titles(reordered) == expected


def test_crlf_and_bom_parse_like_the_original():
    text = read(SAMPLE_002)
    mangled = "\ufeff" + text.replace("\n", "\r\n")
    assert [e.paper.title for e in parse_text(mangled).entries] == titles(text)


def test_truncated_mid_abstract_keeps_every_complete_entry():
    text = read(SAMPLE_002)
    entries = PARSER.parse(text).entries
    last_abstract = entries[-1].paper.abstract
    cut = text[: text.index(last_abstract) + 400]
    parsed = PARSER.parse(cut)
    assert [e.paper.title for e in parsed.entries] == [e.paper.title for e in entries]
    assert parsed.entries[-1].paper.abstract == last_abstract[:400]


def test_truncated_after_a_title_drops_only_that_title_and_says_so():
    text = read(SAMPLE_002)
    entries = PARSER.parse(text).entries
    cut = text[: text.index(entries[-1].paper.abstract)]
    parsed = PARSER.parse(cut)
    assert [e.paper.title for e in parsed.entries] == [e.paper.title for e in entries[:-1]]
    assert any(entries[-1].paper.title[:40] in warning for warning in parsed.warnings)


def test_title_glued_to_its_abstract_without_blank_line():
    text = read(SAMPLE_004)
    glued = re.sub(r"\n\n(?=[^\n]{250,})", "\n", text)
    assert glued.count("\n\n") < text.count("\n\n") - 100
    parsed = PARSER.parse(glued)
    assert [e.paper.title for e in parsed.entries] == titles(text)
    assert [e.paper.abstract for e in parsed.entries] == [e.paper.abstract for e in PARSER.parse(text).entries]


def test_hard_wrapped_copy_gives_the_same_titles_and_abstracts():
    text = read(SAMPLE_002)
    wrapped = "\n\n".join(
        textwrap.fill(block, 78, break_on_hyphens=False, break_long_words=False) for block in text.split("\n\n")
    )
    original = PARSER.parse(text).entries
    parsed = PARSER.parse(wrapped).entries
    assert [e.paper.title for e in parsed] == [e.paper.title for e in original]
    assert [squash(e.paper.abstract) for e in parsed] == [squash(e.paper.abstract) for e in original]


def test_rich_copy_takes_ids_from_paper_links_and_skips_page_furniture():
    parsed = parse_text(read(RICH_COPY))
    assert parsed.format == "daily-papers"
    assert parsed.date == "2024-03-12"
    got = [(e.paper.title, e.paper.arxiv_id) for e in parsed.entries]
    assert got == [
        ("Mixtral of Experts", "2401.04088"),
        ("Mamba: Linear-Time Sequence Modeling with Selective State Spaces", "2312.00752"),
        ("The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits", "2402.17764"),
        ("Can Models Learn Skill Composition from Examples?", None),
        ("MM1: Methods, Analysis & Insights from Multimodal LLM Pre-training", "2403.09611"),
    ]
    first = parsed.entries[0].paper
    assert first.abs_url == "https://arxiv.org/abs/2401.04088"
    assert first.pdf_url == "https://arxiv.org/pdf/2401.04088"
    assert first.published == "2024-01-08"
    assert first.abstract.startswith("We introduce Mixtral 8x7B")
    # "Published on Sep 29" gives no year, so no date is invented.
    assert parsed.entries[3].paper.published is None
    assert all(e.paper.abstract for e in parsed.entries)


def test_links_after_their_abstract_still_go_to_their_own_paper():
    text = read(RICH_COPY)
    paragraphs = text.split("\n\n")
    moved: list[str] = []
    pending_link = None
    for paragraph in paragraphs:
        if paragraph.startswith("https://"):
            pending_link = paragraph
            continue
        moved.append(paragraph)
        if len(paragraph) > 250 and pending_link:
            moved.append(pending_link)
            pending_link = None
    trailing = "\n\n".join(moved)
    assert trailing.index("https://huggingface.co/papers/2401.04088") > trailing.index("We introduce Mixtral")
    ids = {e.paper.title: e.paper.arxiv_id for e in PARSER.parse(trailing).entries}
    assert ids["Mixtral of Experts"] == "2401.04088"
    assert ids["Can Models Learn Skill Composition from Examples?"] is None
    assert ids["MM1: Methods, Analysis & Insights from Multimodal LLM Pre-training"] == "2403.09611"


def test_saved_markdown_page_with_relative_links_and_wrapped_abstracts():
    parsed = parse_text(read(SAVED_MARKDOWN))
    assert parsed.format == "daily-papers"
    assert parsed.date == "2024-03-03"
    got = [(e.paper.arxiv_id, e.paper.abstract is not None) for e in parsed.entries]
    # MobileLLM has no abstract on the page but its own link makes it a paper all the same.
    assert got == [("2403.05530", True), ("2402.19427", True), ("2402.14905", False), ("2402.13753", True)]
    assert parsed.entries[1].paper.title.startswith("Griffin: Mixing Gated Linear Recurrences")
    assert parsed.entries[0].paper.abstract.endswith("hours of video and audio.")
    assert "\n" not in parsed.entries[0].paper.abstract


def test_sniff_is_confident_on_pages_and_not_on_other_digests():
    assert PARSER.sniff(read(SAMPLE_002)) >= 0.8
    assert PARSER.sniff(read(RICH_COPY)) >= 0.8
    for name in ("000_1aa3a1462ac3e62b.txt", "001_a7bca62cced45441.txt", "003_5261537cfefae34e.txt"):
        assert PARSER.sniff(base.normalize_text(read(SAMPLES_DIR / name))) < 0.5, name
    assert detect(read(SAMPLE_004)).name == "daily-papers"


def test_text_without_pairs_has_no_entries():
    assert PARSER.sniff("Just a note.\n\nNothing else here.") == 0.0
    with pytest.raises(ParseError):
        parse_text("Subscribe\n\nMar 12\n\n")


def test_a_title_with_capitalised_comma_parts_is_not_taken_for_authors():
    title = "Badepega: Unifying Prediction, Concept Intervention, and Probabilistic Interpretations"
    abstract = " ".join(["Concept bottleneck models make predictions through concepts."] * 8)
    text = (
        "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
        "byAK and the research community\n\nMar 12\n\n"
        f"{title}\n\n{abstract}\n\nSecond Paper About Something\n\n{abstract}\n"
    )
    parsed = base.parse_text(text)
    assert [e.paper.title for e in parsed.entries] == [title, "Second Paper About Something"]


def test_a_csv_or_tsv_file_is_not_a_daily_papers_page():
    """Rows of a table file are not title and abstract lines (a TSV of file descriptions was
    read as two junk papers)."""
    from reader.parsers.daily_papers import DailyPapersParser

    tsv = "file\trepo\tpath\tdescription\n" + "".join(
        f"{n}.md\towner/repo\tdocs/{n}.md\tA long description of what file {n} holds, in prose.\n"
        for n in range(6)
    )
    csv_text = "Title,Description,PaperURL\n" + "".join(
        f'Paper {n},"A summary, with commas",https://example.org/{n}\n' for n in range(6)
    )
    assert DailyPapersParser().sniff(tsv) == 0.0
    assert DailyPapersParser().sniff(csv_text) == 0.0


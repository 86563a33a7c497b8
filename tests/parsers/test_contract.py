"""The contract every registered parser keeps, run against every sample digest and garbage."""

from __future__ import annotations

import pytest

import reader.parsers  # noqa: F401  (importing the package registers every format)
from reader.parsers import base
from shared_data import needs_samples, sample_files

EXPECTED_FORMATS = {
    "000_1aa3a1462ac3e62b.txt": "scored-list",
    "001_a7bca62cced45441.txt": "arxiv-table",
    "002_a403feae01dbded0.txt": "daily-papers",
    "003_5261537cfefae34e.txt": "newsletter",
    "004_919878e00112d8f2.txt": "daily-papers",
}
GENERIC_CEILING = 0.3
SURE = 0.8
# Large enough that a parser with quadratic backtracking would never finish.
HUGE = 200_000
GARBAGE = {
    "empty": "",
    "blank lines": "\n\n   \n\t\n",
    "binary-looking": bytes(range(256)).decode("latin-1") * 40,
    "nul bytes": "\x00" * 5_000,
    "huge single line of words": "word " * HUGE,
    "huge line of brackets": "[](" * HUGE,
    "huge line of pipes": "|" * HUGE,
    "huge line of hyphenated letters": "a-" * HUGE,
    "huge heading": "#### 1." + "x" * HUGE,
    "heading with a run of spaces": "# x" + " " * HUGE + "y",
    "table of brackets and spaces": "|Title|Authors|\n|---|---|\n|" + "[" * HUGE + "|a" + " " * HUGE + "b|\n",
    "many headings": "#### 1.\n### Summary\n#### Abstracts\n##### **x**\n" * 2_000,
    "table skeleton": "|Title|\n|---|\n|\n||\n|**|\n",
    "half a scored entry": "#### 1.Title. [Link](http://arxiv.org/abs/",
    "lone translation mark": "#### Abstracts\n##### **T**\n摘要：\n",
}

# (parser, garbage) pairs that hang today, each with the bug to fix; remove when fixed.
def registered_parsers() -> list[base.DigestParser]:
    return list(base.REGISTRY.values())


def sample_texts() -> dict[str, str]:
    return {
        path.name: base.normalize_text(path.read_text(encoding="utf-8"))
        for path in sample_files("*.txt")
    }


SAMPLES = sample_texts()  # {} when ../shared/digests is absent: SAMPLE_NAMES then skip
# Each sample as a parameter that skips, naming the folder, when ../shared/digests is absent.
SAMPLE_NAMES = [pytest.param(name, marks=needs_samples) for name in sorted(EXPECTED_FORMATS)]
PARSERS = registered_parsers()
PARSER_IDS = [parser.name for parser in PARSERS]


def require_parser(name: str) -> base.DigestParser:
    """The registered parser called `name`; skips while that format is still a placeholder."""
    if name not in base.REGISTRY:
        pytest.skip(f"the {name} parser is not registered yet")
    return base.REGISTRY[name]


def assert_well_formed(parsed, parser: base.DigestParser) -> None:
    assert parsed.format == parser.name
    for entry in parsed.entries:
        assert entry.paper.title and entry.paper.title.strip()
    assert [entry.sighting.position for entry in parsed.entries] == list(
        range(1, len(parsed.entries) + 1)
    )


@needs_samples
def test_every_sample_has_an_expected_format() -> None:
    assert set(SAMPLES) == set(EXPECTED_FORMATS)


@pytest.mark.parametrize("sample_name", SAMPLE_NAMES)
def test_detect_picks_the_sample_format(sample_name: str) -> None:
    expected = EXPECTED_FORMATS[sample_name]
    require_parser(expected)
    detected = base.detect(SAMPLES[sample_name])
    assert detected is not None and detected.name == expected


@pytest.mark.parametrize("sample_name", SAMPLE_NAMES)
def test_own_sample_parses_into_titled_entries_in_order(sample_name: str) -> None:
    parser = require_parser(EXPECTED_FORMATS[sample_name])
    parsed = parser.parse(SAMPLES[sample_name])
    assert parsed.entries
    assert_well_formed(parsed, parser)


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("sample_name", SAMPLE_NAMES)
def test_sniff_scores_samples_within_bounds(parser: base.DigestParser, sample_name: str) -> None:
    score = parser.sniff(SAMPLES[sample_name])
    assert 0.0 <= score <= 1.0
    if parser.name == "generic":
        assert score <= GENERIC_CEILING
    elif parser.name == EXPECTED_FORMATS[sample_name]:
        assert score >= SURE
    else:
        assert score < SURE, f"{parser.name} claims the {EXPECTED_FORMATS[sample_name]} sample"


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("garbage_name", sorted(GARBAGE))
def test_sniff_never_raises_on_garbage(parser: base.DigestParser, garbage_name: str) -> None:
    score = parser.sniff(GARBAGE[garbage_name])
    assert 0.0 <= score < SURE


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("garbage_name", sorted(GARBAGE))
def test_parse_of_garbage_raises_only_parse_error(parser: base.DigestParser, garbage_name: str) -> None:
    try:
        parsed = parser.parse(GARBAGE[garbage_name])
    except base.ParseError as error:
        assert str(error).strip(), "a ParseError needs a message for the user"
        return
    assert_well_formed(parsed, parser)


@pytest.mark.parametrize("parser", PARSERS, ids=PARSER_IDS)
@pytest.mark.parametrize("sample_name", SAMPLE_NAMES)
def test_parse_of_any_sample_raises_only_parse_error(parser: base.DigestParser, sample_name: str) -> None:
    """A file detected wrongly must still give a clear error or well-formed entries, never a crash."""
    try:
        parsed = parser.parse(SAMPLES[sample_name])
    except base.ParseError:
        return
    assert_well_formed(parsed, parser)


@pytest.mark.parametrize("sample_name", SAMPLE_NAMES)
def test_detect_judges_only_the_start_of_a_long_digest(sample_name: str) -> None:
    text = base.normalize_text(SAMPLES[sample_name])
    sample = base.sniff_sample(text)
    assert len(sample) <= base.SNIFF_CHARS and text.startswith(sample)
    assert sample == text or text[len(sample)] == "\n"  # whole lines
    judged = max(base.REGISTRY.values(), key=lambda parser: parser.sniff(sample))
    assert judged.name == EXPECTED_FORMATS[sample_name]


@needs_samples
def test_detect_reads_on_when_the_start_holds_no_paper() -> None:
    name = next(n for n, fmt in EXPECTED_FORMATS.items() if fmt == "arxiv-table")
    preamble = "Notes to self, nothing to import here.\n" * (base.SNIFF_CHARS // 30)
    detected = base.detect(preamble + SAMPLES[name])
    assert detected is not None and detected.name == "arxiv-table"

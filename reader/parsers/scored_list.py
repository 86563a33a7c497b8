"""Parser for scored arXiv lists: numbered headings, a GPT score, sub-scores and a text block."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import (
    ARXIV_URL_RE,
    DigestParser,
    ParseError,
    abs_url,
    pdf_url,
    register,
    split_arxiv_id,
    unwrap,
)

# "#### 12.Some Title. [Link](http://arxiv.org/abs/2402.06619v1)"; the link may sit on a
# later line when the title was wrapped, so the heading alone only needs "N." and text.
ENTRY_HEADING_RE = re.compile(r"^#{2,6}[ \t]*(?P<number>\d+)[ \t]*\.[ \t]*(?P<rest>\S.*)$")
SCORE_RE = re.compile(
    r"^(?:#{1,6}[ \t]*)?(?:GPT[ \t]*)?Score[ \t]*[:：][ \t]*(?P<score>-?\d+(?:\.\d+)?)\b",
    re.IGNORECASE,
)
# Names are words joined by single spaces, so no two parts of the pattern compete for
# the same characters and a long line is matched in linear time.
_NAME = r"[A-Za-z][\w\-/&]*(?: [\w\-/&]+)*"
_VALUE = r"-?\d+(?:\.\d+)?"
SUBSCORE_PAIR_RE = re.compile(rf"(?P<name>{_NAME})[ \t]*[:：][ \t]*(?P<value>{_VALUE})")
# A whole line of "Name:N" pairs, so an abstract line that merely contains "x: 3" is not one.
SUBSCORE_LINE_RE = re.compile(
    rf"^[ \t]*{_NAME}[ \t]*[:：][ \t]*{_VALUE}"
    rf"(?:[ \t]*[,;][ \t]*{_NAME}[ \t]*[:：][ \t]*{_VALUE})*[ \t]*[,;]?[ \t]*$"
)
SECTION_RE = re.compile(r"^#{2,6}[ \t]*(?P<name>[A-Za-z]+(?: [A-Za-z]+)*)[ \t]*:?[ \t]*$")
TEXT_SECTIONS = {"summary", "abstract"}
# How many lines after an unlinked heading may still carry the wrapped title's link.
MAX_TITLE_LINES = 3


@dataclass
class _RawEntry:
    """The lines of one entry, split into its parts before they become models."""

    title_lines: list[str]
    url: str | None = None
    score: float | None = None
    subscores: dict[str, float] = field(default_factory=dict)
    sections: dict[str, list[str]] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)  # text outside any named section
    section: str | None = None  # the section the next lines belong to
    has_text: bool = False


@register
class ScoredListParser(DigestParser):
    """`#### N.Title. [Link](abs url)`, `#### GPT Score: N`, sub-scores, `### Summary`, text."""

    name = "scored-list"

    def sniff(self, text: str) -> float:
        linked_headings = 0
        score_lines = 0
        for line in text.split("\n"):
            heading = ENTRY_HEADING_RE.match(line)
            link = _trailing_link(heading.group("rest")) if heading else None
            if link and ARXIV_URL_RE.match(link[1]):
                linked_headings += 1
            elif SCORE_RE.match(line):
                score_lines += 1
        if linked_headings == 0:
            return 0.0
        if score_lines or _has_section_headings(text):
            return 0.95
        return 0.6

    def parse(self, text: str) -> ParsedDigest:
        raw_entries = _split_entries(text.split("\n"))
        if not raw_entries:
            raise ParseError("no numbered paper headings (#### 1.Title. [Link](...)) found")
        digest = ParsedDigest(format=self.name)
        for raw in raw_entries:
            if _is_cut_off(raw):
                title = " ".join(raw.title_lines)
                digest.warnings.append(
                    f"skipped an incomplete entry ({title!r}): the file may be cut off"
                )
                continue
            position = len(digest.entries) + 1
            entry = _build_entry(raw, position)
            if entry.paper.arxiv_id is None:
                digest.warnings.append(
                    f"entry {position} ({entry.paper.title!r}) has no arXiv link"
                )
            digest.entries.append(entry)
        return digest


def _has_section_headings(text: str) -> bool:
    sections = (SECTION_RE.match(line) for line in text.split("\n"))
    return any(match and match.group("name").lower() in TEXT_SECTIONS for match in sections)


def _split_entries(lines: list[str]) -> list[_RawEntry]:
    """Group lines under their numbered headings; text before the first heading is ignored."""
    entries: list[_RawEntry] = []
    index = 0
    while index < len(lines):
        heading = ENTRY_HEADING_RE.match(lines[index])
        if heading is None:
            if entries:
                _add_line(entries[-1], lines[index])
            index += 1
            continue
        entry, index = _read_heading(lines, index, heading.group("rest"))
        entries.append(entry)
    return entries


def _read_heading(lines: list[str], index: int, rest: str) -> tuple[_RawEntry, int]:
    """The entry started by the heading at `index`, with a title possibly wrapped over lines."""
    title_lines = [rest]
    next_index = index + 1
    if _trailing_link(rest) is None:
        # A wrapped title continues on plain lines until its link shows up.
        for offset in range(1, MAX_TITLE_LINES + 1):
            candidate = lines[index + offset] if index + offset < len(lines) else ""
            if not candidate.strip() or candidate.lstrip().startswith("#"):
                break
            if _trailing_link(candidate):
                title_lines.extend(lines[index + 1 : index + offset + 1])
                next_index = index + offset + 1
                break
    entry = _RawEntry(title_lines=[line.strip() for line in title_lines])
    link = _trailing_link(entry.title_lines[-1])
    if link:
        entry.title_lines[-1] = entry.title_lines[-1][: link[0]]
        entry.url = link[1]
    return entry, next_index


def _trailing_link(line: str) -> tuple[int, str] | None:
    """(start, url) of a markdown link `[text](url)` that ends `line`.

    Found with rfind instead of a regex search, which backtracks quadratically on a
    long line full of brackets.
    """
    line = line.rstrip()
    if not line.endswith(")"):
        return None
    middle = line.rfind("](")
    start = line.rfind("[", 0, middle) if middle > 0 else -1
    url = line[middle + 2 : -1]
    if start < 0 or not url or any(char.isspace() or char in "()" for char in url):
        return None
    return start, url


def _add_line(entry: _RawEntry, line: str) -> None:
    """File one line of an entry's body under the score, the sub-scores or a section."""
    before_text = entry.section is None and not entry.has_text
    if before_text and entry.score is None and (score := SCORE_RE.match(line)):
        entry.score = float(score.group("score"))
        return
    if before_text and not entry.subscores and SUBSCORE_LINE_RE.match(line):
        entry.subscores = {
            match.group("name").strip(): float(match.group("value"))
            for match in SUBSCORE_PAIR_RE.finditer(line)
        }
        return
    section = SECTION_RE.match(line)
    if section:
        entry.section = section.group("name").strip().lower()
        entry.sections.setdefault(entry.section, [])
        return
    entry.has_text = entry.has_text or bool(line.strip())
    if entry.section is None:
        entry.body.append(line)
    else:
        entry.sections[entry.section].append(line)


def _is_cut_off(raw: _RawEntry) -> bool:
    """A heading with no link, no score and no text is what a file cut mid-entry leaves."""
    return raw.url is None and raw.score is None and not raw.has_text


def _build_entry(raw: _RawEntry, position: int) -> Entry:
    title = _clean_title(" ".join(part for part in raw.title_lines if part))
    summary, abstract, detail = _texts(raw)
    paper = Paper(title=title, abstract=abstract)
    ids = split_arxiv_id(raw.url) if raw.url else None
    if ids:
        paper.arxiv_id = ids[0]
        paper.abs_url = abs_url(ids[0])
        paper.pdf_url = pdf_url(ids[0])
    elif raw.url and raw.url.startswith(("http://", "https://")):
        paper.homepage_url = raw.url
    sighting = Sighting(
        position=position, score=raw.score, subscores=raw.subscores, summary=summary, detail=detail
    )
    return Entry(paper=paper, sighting=sighting)


def _clean_title(title: str) -> str:
    """Drop the one period that separates the title from its link, keep any other."""
    title = " ".join(title.split())
    return title[:-1].rstrip() if title.endswith(".") else title


def _texts(raw: _RawEntry) -> tuple[str | None, str | None, str | None]:
    """(summary, abstract, detail) of an entry.

    With both a Summary and an Abstract section each goes to its own field. With a
    single text block (the usual case: the sample's "### Summary" holds the authors'
    arXiv abstract word for word) that block is the paper's abstract: Paper.abstract
    is where the library searches and fills abstracts, and copying the same words
    into Sighting.summary would only show them twice. Text under any other heading,
    or outside a heading next to a labelled block, is kept as the sighting's detail.
    """
    summary = unwrap(raw.sections.get("summary", [])) or None
    abstract = unwrap(raw.sections.get("abstract", [])) or None
    other_lines = list(raw.body)
    for name, lines in raw.sections.items():
        if name not in TEXT_SECTIONS:
            other_lines += [""] + lines
    other = unwrap(other_lines) or None
    if summary and abstract:
        return summary, abstract, other
    if summary or abstract:
        return None, summary or abstract, other
    return None, other, None

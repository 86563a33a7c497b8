"""Parser for weekly newsletters: week headings, numbered emphasised items, detail paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import ARXIV_URL_RE, DigestParser, abs_url, pdf_url, register, unwrap
from reader.parsers.dates import MONTHS, iso_date

# "12. ***Headline: <br>summary***"; the number may end in "." or ")", the emphasis be
# bold, italic or both, written with "*" or "_".
ITEM_START_RE = re.compile(r"^[ \t]*(?P<number>\d{1,4})[ \t]*[.)][ \t]*(?P<marker>\*{1,3}|_{1,3})(?P<rest>.*)$")
# A line that is nothing but emphasised text or a markdown heading: "***Oct 06***", "## Sep 8 2024".
HEADING_MARKERS = ("***", "**", "*", "___", "__", "_")
MAX_HEADING_LENGTH = 60
BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
CURLY_QUOTED_RE = re.compile(r"“(?P<text>[^”\n]+)”")
GITHUB_REPO_RE = re.compile(r"https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")
MAX_HEADLINE_LENGTH = 150


@dataclass
class RawItem:
    """The lines of one numbered item as found, before they are interpreted."""

    number: int
    week: str | None
    head: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)
    closed: bool = False


def week_heading(line: str) -> str | None:
    """The heading's text when `line` is a week heading (short, names a date or a number)."""
    stripped = line.strip()
    if len(stripped) > MAX_HEADING_LENGTH + 12 or ITEM_START_RE.match(line):
        return None
    text = _heading_text(stripped)
    if not text or len(text) > MAX_HEADING_LENGTH:
        return None
    if not (re.search(r"\d", text) or _names_month(text)):
        return None
    return text


def _heading_text(line: str) -> str | None:
    """The text of a markdown heading or of a wholly emphasised line, else None."""
    if line.startswith("#"):
        text = line.lstrip("#")
        return text.strip(" \t#") if text[:1] in (" ", "\t") else None
    for marker in HEADING_MARKERS:
        if len(line) > 2 * len(marker) and line.startswith(marker) and line.endswith(marker):
            return line[len(marker) : -len(marker)].strip(" \t*_") or None
    return None


def _names_month(heading: str) -> bool:
    return any(word in MONTHS for word in re.findall(r"[a-z]+", heading.lower()))


def split_items(text: str) -> list[RawItem]:
    """Group lines into items; an item's head runs until its emphasis closes."""
    items: list[RawItem] = []
    week: str | None = None
    current: RawItem | None = None
    marker = ""
    for line in text.split("\n"):
        start = ITEM_START_RE.match(line)
        if start:
            current = RawItem(number=int(start.group("number")), week=week)
            items.append(current)
            marker = start.group("marker")
            _add_head_line(current, start.group("rest"), marker)
            continue
        heading = week_heading(line)
        if heading is not None:
            week, current = heading, None
            continue
        if current is None:
            continue
        if current.closed:
            current.detail.append(line)
        elif line.strip():
            _add_head_line(current, line, marker)
        else:
            current.closed = True  # a blank line ends a head whose emphasis never closed
    return items


def _add_head_line(item: RawItem, line: str, marker: str) -> None:
    """Append `line` to the item's head, moving whatever follows the closing emphasis to its detail."""
    end = line.find(marker)
    if end == -1:
        item.head.append(line)
        return
    item.head.append(line[:end])
    item.closed = True
    rest = line[end:].lstrip("*_")
    if rest.strip():
        item.detail.append(rest)


def headline_and_summary(head: str) -> tuple[str | None, str | None]:
    """Split the emphasised head at its first line break; a head without one is shortened."""
    parts = BREAK_RE.split(head, maxsplit=1)
    if len(parts) == 2:
        headline = _squash(parts[0]).rstrip(" :")
        return headline or None, _squash(BREAK_RE.sub(" ", parts[1])) or None
    text = _squash(head)
    if len(text) <= MAX_HEADLINE_LENGTH:
        return text.rstrip(" :") or None, None
    first_sentence = SENTENCE_END_RE.split(text, maxsplit=1)[0]
    if len(first_sentence) > MAX_HEADLINE_LENGTH:
        first_sentence = first_sentence[:MAX_HEADLINE_LENGTH].rsplit(" ", 1)[0] + "…"
    return first_sentence, text


def _squash(text: str) -> str:
    return " ".join(text.split()).strip()


def detail_text(lines: list[str]) -> str | None:
    """The detail paragraph(s), line breaks tags removed, markdown links kept."""
    cleaned = [BREAK_RE.sub(" ", line) for line in lines]
    return unwrap(cleaned) or None


def quoted_title(detail: str | None) -> str | None:
    """The first curly-quoted phrase of the detail, which names the paper or article."""
    for match in CURLY_QUOTED_RE.finditer(detail or ""):
        title = _squash(match.group("text"))
        if re.search(r"[^\W\d_]{2,}", title):
            return title
    return None


def entry_for(item: RawItem, position: int) -> Entry:
    headline, summary = headline_and_summary("\n".join(item.head))
    detail = detail_text(item.detail)
    arxiv = ARXIV_URL_RE.search(detail or "") or ARXIV_URL_RE.search("\n".join(item.head))
    arxiv_id = arxiv.group("id") if arxiv else None
    code = GITHUB_REPO_RE.search(detail or "")
    title = quoted_title(detail) or headline or summary or f"item {item.number}"
    paper = Paper(
        title=title,
        arxiv_id=arxiv_id,
        abs_url=abs_url(arxiv_id) if arxiv_id else None,
        pdf_url=pdf_url(arxiv_id) if arxiv_id else None,
        code_url=code.group(0).rstrip(".") if code else None,
    )
    sighting = Sighting(
        position=position, headline=headline, summary=summary, detail=detail, topic=item.week
    )
    return Entry(paper=paper, sighting=sighting)


@register
class NewsletterParser(DigestParser):
    """Weekly AI newsletters: `***Oct 06***` weeks of `N. ***Headline: <br>summary***` items."""

    name = "newsletter"

    def sniff(self, text: str) -> float:
        items = split_items(text)
        if len(items) < 2:
            return 0.0
        with_break = sum(1 for item in items if BREAK_RE.search("\n".join(item.head)))
        dated_weeks = {item.week for item in items if item.week and _names_month(item.week)}
        with_detail = sum(1 for item in items if item.closed and detail_text(item.detail))
        if with_break * 2 >= len(items):
            return 0.9
        if dated_weeks and with_detail * 2 >= len(items):
            return 0.8
        return 0.05  # numbered bold lines alone are too common in ordinary notes

    def parse(self, text: str) -> ParsedDigest:
        items = split_items(text)
        entries = [entry_for(item, position) for position, item in enumerate(items, start=1)]
        warnings = []
        if items and not items[-1].closed:
            last = items[-1]
            warnings.append(f"the last item ({last.number}. of week {last.week or '?'}) seems cut off")
        first_week = next((item.week for item in items if item.week), None)
        return ParsedDigest(
            format=self.name,
            entries=entries,
            date=iso_date(first_week) if first_week else None,
            warnings=warnings,
        )

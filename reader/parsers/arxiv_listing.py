r"""Parser for arXiv listing emails ("cs.LG daily Subj-class mailing"): `\\`-framed entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import (
    ARXIV_URL_RE,
    DigestParser,
    ParseError,
    abs_url,
    pdf_url,
    register,
    unwrap,
)
from reader.parsers.dates import timestamp_date
from reader.parsers.titles import split_authors as split_names
from reader.parsers.identifiers import doi_in_field
from reader.parsers.dates import MONTHS

# The id line that opens an entry, as the mailer writes it: "arXiv:2401.01234" or
# "arXiv:hep-th/9901001", a cross-list adds "(*cross-listing*)". Same id shapes as base.
ENTRY_ID_RE = re.compile(
    r"^arXiv:(?P<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?P<version>v\d+)?"
    r"(?P<rest>[ \t].*)?$"
)
# "Title: ...", "Journal-ref: ...", "Date (revised v2): ...". Bounded parts keep a long
# line from costing more than one pass.
FIELD_RE = re.compile(
    r"^(?P<key>[A-Z][A-Za-z-]{0,30}(?: \([^()\n]{0,40}\))?):[ \t]*(?P<value>.*)$"
)
REPLACED_RE = re.compile(r"^replaced with revised version\b[ \t]*(?P<date>.*)$", re.IGNORECASE)
# "Tue 16 Jan 24 19:00:00 GMT", the mailer's own short date in the "received from" line.
SHORT_DATE_RE = re.compile(
    r"\b(?P<day>\d{1,2})[ \t]+(?P<month>[A-Za-z]{3})[ \t]+(?P<year>\d{2}|\d{4})\b"
)
BACKSLASHES = "\\\\"
# Fields that say something about the paper beyond its own facts, in the order shown.
DETAIL_FIELDS = {
    "categories": "Categories", "comments": "Comments", "journal-ref": "Journal-ref",
    "report-no": "Report-no", "msc-class": "MSC-class", "acm-class": "ACM-class",
}
# A listing announces a few hundred papers; its first entries show in far fewer characters,
# and sniffing stays cheap on a huge file.
SNIFF_LIMIT = 20_000


@dataclass
class _RawEntry:
    """One entry's lines, sorted into fields and abstract before they become models."""

    arxiv_id: str
    cross_list: bool
    fields: dict[str, list[str]] = field(default_factory=dict)
    replaced: str | None = None
    abstract: list[str] = field(default_factory=list)
    url: str | None = None
    phase: str = "meta"  # "meta", then "abstract" after the first `\\`, "done" at the link line


@register
class ArxivListingParser(DigestParser):
    r"""`\\`, `arXiv:ID`, Date/Title/Authors/Categories..., `\\`, abstract, `\\ ( url , size)`."""

    name = "arxiv-listing"

    def sniff(self, text: str) -> float:
        lines = text[:SNIFF_LIMIT].split("\n")
        entries = titles = others = 0
        mailing = False
        for index, line in enumerate(lines):
            stripped = line.strip()
            if _is_entry_start(lines, index):
                entries += 1
            elif stripped.startswith("Title:"):
                titles += 1
            elif stripped.startswith(("Authors:", "Categories:")):
                others += 1
            elif "Subj-class mailing" in line or stripped.startswith("received from "):
                mailing = True
        if entries and titles and others:
            return 0.95
        if mailing and (entries or titles):
            return 0.7
        return 0.3 if mailing else 0.0

    def parse(self, text: str) -> ParsedDigest:
        lines = text.split("\n")
        starts = [index for index in range(len(lines)) if _is_entry_start(lines, index)]
        if not starts:
            raise ParseError("no arXiv listing entries (a line 'arXiv:ID' after '\\\\') found")
        digest = ParsedDigest(format=self.name, date=_digest_date(lines[: starts[0]]))
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(lines)
            if lines[end - 1].strip() == BACKSLASHES:
                end -= 1  # the next entry's opening `\\`
            raw = _read_entry(lines, start, end)
            last = number + 1 == len(starts)
            if raw.phase == "meta" and last and raw.url is None:
                # Still in the header lines when the text ends: the title may be cut too.
                digest.warnings.append(
                    f"skipped the last entry (arXiv:{raw.arxiv_id}): the file may be cut off"
                )
                continue
            title = " ".join(" ".join(raw.fields.get("title", [])).split())
            if not title:
                digest.warnings.append(f"skipped arXiv:{raw.arxiv_id}: it has no title")
                continue
            if raw.phase == "abstract" and last:
                digest.warnings.append(
                    f"the abstract of arXiv:{raw.arxiv_id} is not closed: the file may be cut off"
                )
                raw.abstract = []
            digest.entries.append(_build_entry(raw, title, len(digest.entries) + 1))
        return digest


def _is_entry_start(lines: list[str], index: int) -> bool:
    """An `arXiv:ID` line framed as the mailer frames it, not an id quoted in an abstract."""
    if not lines[index].startswith("arXiv:") or not ENTRY_ID_RE.match(lines[index].rstrip()):
        return False
    if index > 0 and lines[index - 1].strip() == BACKSLASHES:
        return True
    following = lines[index + 1].lstrip() if index + 1 < len(lines) else ""
    return following.startswith("Date:") or REPLACED_RE.match(following) is not None


def _is_separator(stripped: str) -> bool:
    """The dash rules between entries and the %-%- rules between sections."""
    return len(stripped) >= 10 and not stripped.strip("-%")


def _read_entry(lines: list[str], start: int, end: int) -> _RawEntry:
    match = ENTRY_ID_RE.match(lines[start].rstrip())
    assert match is not None
    raw = _RawEntry(
        arxiv_id=match.group("id"), cross_list="cross-list" in (match.group("rest") or "")
    )
    current: list[str] | None = None
    for line in lines[start + 1 : end]:
        stripped = line.strip()
        if stripped.startswith(BACKSLASHES) and stripped != BACKSLASHES:
            url = ARXIV_URL_RE.search(stripped)
            raw.url = url.group(0) if url else raw.url
            raw.phase = "done"
        elif _is_separator(stripped):
            raw.phase = "done"
        if raw.phase == "done":
            break
        if raw.phase == "abstract":
            if raw.abstract and line[:1] in (" ", "\t"):
                raw.abstract.append("")  # the mailer indents the first line of a paragraph
            raw.abstract.append(line)
        elif stripped == BACKSLASHES:
            raw.phase = "abstract"
        elif not stripped:
            current = None
        elif line[0] in " \t" and current is not None:
            current.append(stripped)  # a wrapped Title or Authors line
        elif replaced := REPLACED_RE.match(stripped):
            raw.replaced = replaced.group("date").split("(", 1)[0].strip()
        elif field_match := FIELD_RE.match(stripped):
            current = raw.fields.setdefault(field_match.group("key").lower(), [])
            if current:
                current = None  # a repeated field keeps its first value
            else:
                current.append(field_match.group("value").strip())
    return raw


def _build_entry(raw: _RawEntry, title: str, position: int) -> Entry:
    def value(name: str) -> str:
        return " ".join(" ".join(raw.fields.get(name, [])).split())

    paper = Paper(
        title=title,
        authors=split_authors(value("authors")),
        arxiv_id=raw.arxiv_id,
        doi=doi_in_field(value("doi")),
        abstract=unwrap(raw.abstract) or None,
        # From the Date line only: a replacement's "replaced with" date is when it was
        # revised, not when the paper appeared.
        published=timestamp_date(value("date").split("(", 1)[0]) if value("date") else None,
        abs_url=abs_url(raw.arxiv_id),
        pdf_url=pdf_url(raw.arxiv_id),
    )
    notes: list[str] = []
    if raw.cross_list:
        notes.append("Cross-list")
    if raw.replaced is not None:
        notes.append(f"Replaced with revised version {raw.replaced}".rstrip())
    notes += [f"{label}: {value(name)}" for name, label in DETAIL_FIELDS.items() if value(name)]
    categories = value("categories").split()
    sighting = Sighting(
        position=position,
        detail="\n".join(notes) or None,
        topic=categories[0] if categories else None,
    )
    return Entry(paper=paper, sighting=sighting)


def split_authors(authors: str) -> list[str]:
    """Names of "A. One (1), B. Two (2) and C. Three ((1) MIT, (2) ETH)", affiliations dropped."""
    return split_names(_drop_parentheses(authors))


def _drop_parentheses(text: str) -> str:
    """`text` without its (possibly nested) parenthesised groups; a counter, so no regex
    can backtrack on a line of brackets."""
    kept: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)






def _digest_date(header: list[str]) -> str | None:
    """The day the mailing covers: the end of "received from X to Y", else the mail's Date."""
    for line in header:
        stripped = line.strip()
        if stripped.startswith("received from ") and " to " in stripped:
            return _short_date(stripped.rsplit(" to ", 1)[1])
    for line in header:
        if line.startswith("Date:"):
            return timestamp_date(line[len("Date:"):])
    return None


def _short_date(text: str) -> str | None:
    """ISO date of the mailer's "Tue 16 Jan 24 19:00:00 GMT"."""
    match = SHORT_DATE_RE.search(text)
    if not match or match.group("month").lower() not in MONTHS:
        return None
    year = int(match.group("year"))
    if year < 100:
        year += 1900 if year >= 90 else 2000  # arXiv mailings began in 1991
    try:
        return date(year, MONTHS[match.group("month").lower()], int(match.group("day"))).isoformat()
    except ValueError:
        return None

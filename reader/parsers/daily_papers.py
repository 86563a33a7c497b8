"""Parser for text copied from a daily-papers web page: title line / abstract paragraph pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import ARXIV_URL_RE, DigestParser, abs_url, pdf_url, register
from reader.parsers.dates import find_month_day, iso_date

# A link to the paper's own page: arXiv, or a Hugging Face paper page (absolute or relative).
PAPER_PAGE_RE = re.compile(
    r"(?:https?://(?:www\.)?huggingface\.co)?/papers/(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?![\d])"
)
URL_LINE_RE = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
MARKDOWN_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
MARKDOWN_LINK_LINE_RE = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)$")
# Page furniture around each paper: vote counts, author counts, who submitted it, labels.
# Furniture lines that carry nothing; one regex for all, as it is tried on every line (the
# ^ stays in front of the alternatives, or the engine tries each one at every position).
NOISE_RE = re.compile(
    r"^(?:\d[\d,.]*\s*[kK]?$"
    r"|(?i:(?:\d+\s+)?upvote[sd]?$)"
    r"|[·•]"
    r"|(?i:\d+\s+authors?$)"
    r"|(?i:submitted\s+by\b)"
    r"|(?i:(?:abstract|\d*\s*comments?)\s*:?$))"
)
SUBMITTED_BY_ALONE_RE = re.compile(r"^submitted\s+by\s*:?$", re.IGNORECASE)
PUBLISHED_RE = re.compile(r"^published\s+on\b", re.IGNORECASE)
DATE_LINE_RE = re.compile(r"^(?:[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{4}-\d{2}-\d{2})$")
MARKUP_LINE_RE = re.compile(r"^(?:#|\||>|[-*+]\s|\d+[.)]\s|\*\*\*)|<br\s*/?>", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")
LONG_LINE = 200  # a line this long is a paragraph on its own, never part of a wrapped block
ABSTRACT_LENGTH = 250
MAX_TITLE_LENGTH = 300
MARKUP_ALLOWANCE = 0.05
# Compiled once: each is used on every line or title of a page.
LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
NAME_SEPARATOR_RE = re.compile(r",|\band\b|&")
COLON_OR_DIGIT_RE = re.compile(r"[:\d]")
HEADING_MARK_RE = re.compile(r"^#{1,6}\s*")
EMPHASIS_RE = re.compile(r"^(\*{1,3}|_{1,3})(.+?)\1$")


@dataclass
class Unit:
    """One meaningful piece of the page, in page order."""

    kind: str  # "title" | "abstract" | "link" | "published" | "date"
    text: str = ""
    lines: list[str] = field(default_factory=list)
    arxiv_id: str | None = None  # of a link, or of a title that is itself a link
    iso: str | None = None  # of a date
    plain: bool = True  # a title written without markdown markup


def is_abstract(text: str) -> bool:
    """A long paragraph, or a shorter one of several sentences."""
    if len(text) >= ABSTRACT_LENGTH:
        return True
    return len(text) >= 120 and len(SENTENCE_END_RE.findall(text)) >= 2


def is_title_like(text: str) -> bool:
    """Short, with letters, and not ending like a sentence or a label."""
    return (
        len(text) <= MAX_TITLE_LENGTH
        and LETTERS_RE.search(text) is not None
        and not text.endswith((".", ",", ";", ":"))
    )


def looks_like_authors(text: str) -> bool:
    """"Albert Gu, Tri Dao": a list of full names, every word capitalised."""
    names = [name.strip() for name in NAME_SEPARATOR_RE.split(text) if name.strip()]
    # A colon or a digit never stands in a person's name, but often in a title
    # whose comma-separated parts are capitalised ("X: Unifying A, B, and C").
    return len(names) >= 2 and all(
        2 <= len(name.split()) <= 4
        and all(word[:1].isupper() for word in name.split())
        and not COLON_OR_DIGIT_RE.search(name)
        for name in names
    )


def strip_markup(line: str) -> tuple[str, bool]:
    """The line without heading marks and emphasis, and whether it had any."""
    stripped = HEADING_MARK_RE.sub("", line)
    stripped = EMPHASIS_RE.sub(r"\2", stripped)
    return stripped.strip(), stripped != line


def paper_page_id(text: str) -> str | None:
    match = ARXIV_URL_RE.search(text) or PAPER_PAGE_RE.search(text)
    return match.group("id") if match else None


def furniture(line: str) -> Unit | None | bool:
    """A Unit for a link / date line, True for other page furniture, None for content."""
    if URL_LINE_RE.match(line):
        found = paper_page_id(line)
        return Unit("link", arxiv_id=found) if found else True
    if PUBLISHED_RE.match(line):
        return Unit("published", iso=iso_date(line))
    if DATE_LINE_RE.match(line) and (find_month_day(line) or iso_date(line)):
        return Unit("date", iso=iso_date(line))
    if NOISE_RE.search(line):
        return True
    return None


def link_line(line: str) -> Unit | None:
    """A line that is only a markdown link or image: a paper link, or a title linking its paper."""
    without_images = MARKDOWN_IMAGE_RE.sub("", line).strip()
    if not without_images:  # a thumbnail
        return Unit("link", arxiv_id=paper_page_id(line))
    match = MARKDOWN_LINK_LINE_RE.match(without_images)
    if not match:
        return None
    found = paper_page_id(match.group("url"))
    text = " ".join(match.group("text").split())
    if text and is_title_like(text) and not URL_LINE_RE.match(text):
        return Unit("title", text=text, lines=[text], arxiv_id=found)
    return Unit("link", arxiv_id=found)


def tokenize(text: str) -> list[Unit]:
    """The page's units in order; furniture that carries nothing is dropped here."""
    units: list[Unit] = []
    for block in re.split(r"\n[ \t]*\n", text):
        run: list[tuple[str, bool]] = []
        skip_next = False
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            if skip_next:  # the user name under a bare "Submitted by"
                skip_next = False
                continue
            skip_next = bool(SUBMITTED_BY_ALONE_RE.match(line))
            found = None if continues_paragraph(run, line) else link_line(line) or furniture(line)
            if found is None:
                run.append(strip_markup(line))
                continue
            units.extend(content_units(run))
            run = []
            if isinstance(found, Unit) and (found.kind != "link" or found.arxiv_id):
                units.append(found)
        units.extend(content_units(run))
    return units


def continues_paragraph(run: list[tuple[str, bool]], line: str) -> bool:
    """A URL wrapped onto its own line in the middle of an unfinished abstract sentence."""
    if not run or not URL_LINE_RE.match(line):
        return False
    text = " ".join(part for part, _ in run)
    return is_abstract(text) and not SENTENCE_END_RE.search(text[-1:] + " ")


def content_units(run: list[tuple[str, bool]]) -> list[Unit]:
    """A run of consecutive content lines: one wrapped paragraph, or one unit per long line."""
    if not run:
        return []
    if any(len(line) > LONG_LINE for line, _ in run):
        return [content_unit([line], marked) for line, marked in run]
    return [content_unit([line for line, _ in run], any(marked for _, marked in run))]


def content_unit(lines: list[str], marked: bool) -> Unit:
    text = " ".join(lines)
    kind = "abstract" if is_abstract(text) else "title"
    return Unit(kind, text=text, lines=lines, plain=not marked)


@dataclass
class Page:
    """The units grouped around abstracts, plus what could not be placed."""

    entries: list[Entry]
    date: str | None
    warnings: list[str]
    plain_pairs: int
    abstracts: int


def assemble(units: list[Unit]) -> Page:
    """Pair every abstract with the title before it and the link that belongs to it."""
    abstract_at = [i for i, unit in enumerate(units) if unit.kind == "abstract"]
    bounds = list(zip([-1, *abstract_at], abstract_at))
    segments = [units[start + 1 : end] for start, end in bounds]
    tail = units[abstract_at[-1] + 1 :] if abstract_at else units
    glued = _titles_glued_to_abstracts(segments, [units[i] for i in abstract_at])
    trailing = _links_trail_abstracts(segments, tail)
    entries: list[Entry] = []
    warnings: list[str] = []
    plain_pairs = 0
    for number, index in enumerate(abstract_at):
        abstract = units[index]
        segment = segments[number]
        following = segments[number + 1] if number + 1 < len(segments) else tail
        for orphan in _linked_titles_without_abstract(segment):
            entries.append(_entry(orphan, None, [], len(entries) + 1))
        title, body = _title_for(segment, abstract, glued)
        if title is None:
            warnings.append(f"skipped a paragraph with no title before it: {abstract.text[:60]!r}…")
            continue
        plain_pairs += title.plain
        owned = _leading_extras(following) if trailing else segment
        entries.append(_entry(title, body, owned, len(entries) + 1))
    for orphan in _linked_titles_without_abstract(tail):
        entries.append(_entry(orphan, None, [], len(entries) + 1))
    trailing_titles = [unit for unit in tail if unit.kind == "title" and not unit.arxiv_id]
    if abstract_at and trailing_titles:
        warnings.append(f"the text ends with {trailing_titles[-1].text[:60]!r} and no abstract; skipped")
    return Page(entries, _page_date(units), warnings, plain_pairs, len(abstract_at))


def _titles_glued_to_abstracts(segments: list[list[Unit]], abstracts: list[Unit]) -> bool:
    """True when most abstracts have no title before them but open with a title-like line."""
    glued = sum(
        1
        for segment, abstract in zip(segments, abstracts)
        if not any(unit.kind == "title" for unit in segment) and _splittable(abstract)
    )
    return glued * 2 > len(abstracts)


def _splittable(abstract: Unit) -> bool:
    return len(abstract.lines) >= 2 and is_title_like(abstract.lines[0])


def _links_trail_abstracts(segments: list[list[Unit]], tail: list[Unit]) -> bool:
    """True when paper links follow their abstract: none before the first entry, one after the last."""
    if not segments:
        return False
    before_first = any(unit.kind == "link" for unit in segments[0])
    after_last = any(unit.kind == "link" for unit in tail)
    return not before_first and after_last


def _title_for(segment: list[Unit], abstract: Unit, glued: bool) -> tuple[Unit | None, str]:
    """The entry's title unit and its abstract text (without the title when they were glued)."""
    candidates = [unit for unit in segment if unit.kind == "title"]
    if _splittable(abstract) and (glued or not candidates):
        first, rest = abstract.lines[0], abstract.lines[1:]
        return Unit("title", text=first, lines=[first], plain=abstract.plain), " ".join(rest)
    preferred = [unit for unit in candidates if is_title_like(unit.text) and not looks_like_authors(unit.text)]
    chosen = (preferred or candidates or [None])[-1]
    return chosen, abstract.text


def _linked_titles_without_abstract(segment: list[Unit]) -> list[Unit]:
    """Titles that are themselves paper links but are followed by another title, not an abstract."""
    titles = [unit for unit in segment if unit.kind == "title"]
    return [unit for unit in titles[:-1] if unit.arxiv_id]


def _leading_extras(segment: list[Unit]) -> list[Unit]:
    """The links and dates at the start of a segment, before its first title."""
    extras = []
    for unit in segment:
        if unit.kind == "title":
            break
        extras.append(unit)
    return extras


def _entry(title: Unit, abstract: str | None, owned: list[Unit], position: int) -> Entry:
    arxiv_id = title.arxiv_id or _nearest_link(owned, title)
    published = next((unit.iso for unit in owned if unit.kind == "published" and unit.iso), None)
    paper = Paper(
        title=title.text,
        arxiv_id=arxiv_id,
        abstract=abstract or None,
        published=published,
        abs_url=abs_url(arxiv_id) if arxiv_id else None,
        pdf_url=pdf_url(arxiv_id) if arxiv_id else None,
    )
    return Entry(paper=paper, sighting=Sighting(position=position))


def _nearest_link(owned: list[Unit], title: Unit) -> str | None:
    """The paper link closest to the title, preferring one before it on a tie."""
    links = [(i, unit.arxiv_id) for i, unit in enumerate(owned) if unit.kind == "link" and unit.arxiv_id]
    if not links:
        return None
    at = next((i for i, unit in enumerate(owned) if unit is title), len(owned))
    return min(links, key=lambda link: (abs(link[0] - at), link[0] > at))[1]


def _page_date(units: list[Unit]) -> str | None:
    """The page's own date: the first date line before the first abstract (None without a year)."""
    for unit in units:
        if unit.kind == "abstract":
            return None
        if unit.kind == "date":
            return unit.iso
    return None


def markup_ratio(text: str) -> float:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return 0.0
    return sum(1 for line in lines if MARKUP_LINE_RE.search(line)) / len(lines)


def is_delimited_table(text: str, rows: int = 20) -> bool:
    """Whether `text` opens like a CSV or TSV file: a header of three or more short fields,
    and most of the following lines split into at least as many by the same delimiter."""
    lines = [line for line in text[:20000].split("\n") if line.strip()][: rows + 1]
    if len(lines) < 3:
        return False
    for delimiter in ("\t", ",", ";"):
        header = lines[0].split(delimiter)
        if len(header) < 3 or any(len(field.strip(' "')) > 40 for field in header):
            continue
        alike = sum(1 for line in lines[1:] if len(line.split(delimiter)) >= len(header))
        if alike * 5 >= (len(lines) - 1) * 3:
            return True
    return False


@register
class DailyPapersParser(DigestParser):
    """Daily-papers pages (e.g. Hugging Face Daily Papers) copied as text."""

    name = "daily-papers"

    def sniff(self, text: str) -> float:
        if is_delimited_table(text):
            return 0.0  # rows of a CSV/TSV file are not title and abstract lines
        page = assemble(tokenize(text))
        if page.plain_pairs < 2:
            return 0.0
        share = page.plain_pairs / page.abstracts
        # A heading or two is page furniture; many mean a markdown digest of another kind.
        penalty = 4 * max(0.0, markup_ratio(text) - MARKUP_ALLOWANCE)
        return max(0.0, 0.9 * share * (1 - penalty))

    def parse(self, text: str) -> ParsedDigest:
        page = assemble(tokenize(text))
        return ParsedDigest(format=self.name, entries=page.entries, date=page.date, warnings=page.warnings)

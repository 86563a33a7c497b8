"""Parser for daily arXiv tables: one markdown table per topic, then optional abstracts."""

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

HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*)$")
SEPARATOR_CELL_RE = re.compile(r"^:?-{3,}:?$")
WEB_URL_RE = re.compile(r"https?://[^\s)\]|]+")
ISO_DATE_RE = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
ET_AL_RE = re.compile(r"\s*,?\s*et\.?\s*al\.?\s*$", re.IGNORECASE)
# "2410.07177v1 by Hanrong Ye, Haotian Zhang, ..."
BY_LINE_RE = re.compile(r"^\s*(?P<ref>\S+)\s+by\s+(?P<authors>\S.*)$")
TRANSLATION_MARK_RE = re.compile(r"^\s*摘要\s*[:：]\s*")
TRANSLATION_WRAPPER_RE = re.compile(r"^<paragraph>(?P<text>.*)</paragraph>$", re.DOTALL)
ABSTRACTS_HEADINGS = {"abstracts", "abstract", "摘要"}
UPDATED_RE = re.compile(r"^updated\s+on\b", re.IGNORECASE)
NOT_ALNUM_RE = re.compile(r"[\W_]+")
CELL_SEPARATOR_RE = re.compile(r"(?<!\\)\|")  # a pipe not escaped as \|
NAME_SEPARATOR_RE = re.compile(r",|;|\s+and\s+")

# Header names as digests spell them, mapped to the field each column fills.
COLUMN_NAMES = {
    "publish date": "date", "published": "date", "date": "date", "publication date": "date",
    "title": "title", "paper": "title", "paper title": "title",
    "authors": "authors", "author": "authors", "first author": "authors",
    "homepage": "homepage", "home page": "homepage", "url": "homepage", "link": "homepage",
    "abs": "homepage", "arxiv": "homepage",
    "pdf": "pdf", "pdf link": "pdf",
    "code": "code", "github": "code", "repo": "code", "repository": "code",
}
EMPTY_CELLS = {"", "null", "none", "n/a", "-", "—"}


@dataclass
class _Row:
    """One table row, its cells keyed by field name."""

    topic: str | None
    cells: dict[str, str]


@dataclass
class _AbstractBlock:
    """One `##### **Title**` block of the abstracts section."""

    title: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _Document:
    """What a pass over the text found: rows in order, abstract blocks, problems."""

    rows: list[_Row] = field(default_factory=list)
    blocks: list[_AbstractBlock] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    date: str | None = None


@register
class ArxivTableParser(DigestParser):
    """`### Topic` + `|Publish Date|Title|Authors|...|` tables, then `#### Abstracts`."""

    name = "arxiv-table"

    def sniff(self, text: str) -> float:
        lines = text.split("\n")
        widest = max(
            (
                len(columns)
                for index in range(len(lines) - 1)
                if _is_separator(lines[index + 1])
                and "title" in (columns := _columns(lines[index])).values()
            ),
            default=0,
        )
        # A paper table names its Title and at least two more known columns.
        if widest >= 3:
            return 0.95 if ARXIV_URL_RE.search(text) else 0.85
        if widest or any(_by_line_id(line) for line in lines):
            return 0.5
        return 0.0

    def parse(self, text: str) -> ParsedDigest:
        document = _read_document(text.split("\n"))
        entries = _entries(document)
        if not entries:
            raise ParseError("no table of papers (|Publish Date|Title|Authors|...|) found")
        return ParsedDigest(
            format=self.name, entries=entries, date=document.date, warnings=document.warnings
        )


def _read_document(lines: list[str]) -> _Document:
    """One pass over the lines: topics, tables and the abstracts section."""
    document = _Document()
    topic: str | None = None
    abstracts_level: int | None = None  # heading level of "#### Abstracts" while inside it
    index = 0
    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and _is_separator(lines[index + 1]) and "|" in line:
            columns = _columns(line)
            index = _read_table(lines, index + 2, columns, topic, document)
            abstracts_level = None
            continue
        heading = HEADING_RE.match(line)
        if heading:
            level = len(heading.group("hashes"))
            title = _unbold(heading.group("text").rstrip(" \t#"))
            if title.lower() in ABSTRACTS_HEADINGS:
                abstracts_level = level
            elif abstracts_level is not None and (
                level > abstracts_level or _by_line_id(_next_text_line(lines, index + 1))
            ):
                document.blocks.append(_AbstractBlock(title=title))
            elif UPDATED_RE.match(title):
                document.date = _iso_date(title)
            else:
                topic, abstracts_level = title, None
        elif abstracts_level is not None and document.blocks:
            document.blocks[-1].lines.append(line)
        index += 1
    return document


def _next_text_line(lines: list[str], index: int) -> str:
    """The first non-blank line from `index` on, or "" at the end."""
    return next((lines[at] for at in range(index, len(lines)) if lines[at].strip()), "")


def _read_table(
    lines: list[str], index: int, columns: dict[int, str], topic: str | None, document: _Document
) -> int:
    """Collect the rows starting at `index`; returns the index of the first line after them."""
    if "title" not in columns.values():
        document.warnings.append(f"skipped a table without a Title column (topic {topic!r})")
    while index < len(lines) and "|" in lines[index] and not HEADING_RE.match(lines[index]):
        cells = _split_row(lines[index])
        index += 1
        if "title" not in columns.values():
            continue
        row = _row_cells(cells, columns)
        if row is None:
            document.warnings.append(f"skipped an incomplete table row: {lines[index - 1][:80]!r}")
        elif row.get("title"):
            document.rows.append(_Row(topic=topic, cells=row))
    return index


def _is_separator(line: str) -> bool:
    """True for a table's `| :---: | --- |` line."""
    if "|" not in line:
        return False
    cells = _split_row(line)
    return bool(cells) and all(SEPARATOR_CELL_RE.match(cell.replace(" ", "")) for cell in cells)


def _columns(header: str) -> dict[int, str]:
    """Column position -> field name, for the columns this parser knows by name."""
    if "|" not in header:
        return {}
    columns: dict[int, str] = {}
    for position, cell in enumerate(_split_row(header)):
        name = " ".join(_unbold(cell).lower().split())
        if name in COLUMN_NAMES and COLUMN_NAMES[name] not in columns.values():
            columns[position] = COLUMN_NAMES[name]
    return columns


def _split_row(line: str) -> list[str]:
    """The cells of a table line, honouring `\\|` escapes and optional outer pipes."""
    cells = CELL_SEPARATOR_RE.split(line.strip())
    if cells and cells[0].strip() == "":
        cells = cells[1:]
    if cells and cells[-1].strip() == "":
        cells = cells[:-1]
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _row_cells(cells: list[str], columns: dict[int, str]) -> dict[str, str] | None:
    """Field -> raw cell of one row; None when the row has fewer cells than the header."""
    width = max(columns) + 1
    if len(cells) < width:
        return None
    title_at = next(position for position, name in columns.items() if name == "title")
    extra = len(cells) - width
    if extra:
        # An unescaped pipe inside the title splits it; glue the pieces back together.
        glued = "|".join(cells[title_at : title_at + extra + 1])
        cells = cells[:title_at] + [glued] + cells[title_at + extra + 1 :]
    return {name: cells[position] for position, name in columns.items()}


def _unbold(text: str) -> str:
    """Cell or heading text without the `**bold**` / `__bold__` / `*em*` wrapping."""
    text = text.strip()
    for mark in ("**", "__", "*", "_"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


def _value(cell: str | None) -> str | None:
    """A cell's plain text, or None for the empty markers (`null`, `-`, ...)."""
    if cell is None:
        return None
    text = _unbold(cell)
    return None if text.lower() in EMPTY_CELLS else text


def _link(cell: str | None) -> str | None:
    """The http(s) URL a cell links to, if any."""
    text = _value(cell)
    if not text:
        return None
    # `[text](url)`, found with find() because a bracket regex backtracks on long cells.
    middle = text.find("](")
    candidate = text[middle + 2 : text.find(")", middle)] if middle >= 0 else text
    web = WEB_URL_RE.match(candidate.strip())
    return web.group(0) if web else None


def _iso_date(text: str | None) -> str | None:
    match = ISO_DATE_RE.search(text or "")
    if not match:
        return None
    year, month, day = (int(match.group(part)) for part in ("year", "month", "day"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _table_authors(cell: str | None) -> list[str]:
    """"Hanrong Ye et.al." -> ["Hanrong Ye"]; a full list is split on commas."""
    text = _value(cell)
    if not text:
        return []
    return _split_authors(ET_AL_RE.sub("", " ".join(text.split())))


def _split_authors(text: str) -> list[str]:
    names = NAME_SEPARATOR_RE.split(text)
    return [" ".join(name.split()) for name in names if name.strip()]


def _by_line_id(line: str) -> tuple[str, str] | None:
    """(arXiv id, authors text) of an `ID by full author list` line."""
    match = BY_LINE_RE.match(line)
    if not match:
        return None
    ids = split_arxiv_id(match.group("ref"))
    return (ids[0], match.group("authors")) if ids else None


@dataclass
class _Abstract:
    """An abstract block read into fields."""

    title: str
    arxiv_id: str | None
    authors: list[str]
    abstract: str | None
    translation: str | None


def _read_block(block: _AbstractBlock) -> _Abstract:
    lines = block.lines
    start = next((index for index, line in enumerate(lines) if line.strip()), len(lines))
    arxiv_id, authors = None, []
    by_line = _by_line_id(lines[start]) if start < len(lines) else None
    if by_line:
        arxiv_id, authors_text = by_line
        # A long author list may be wrapped over the lines before the first blank one.
        end = start + 1
        while end < len(lines) and lines[end].strip():
            authors_text += " " + lines[end].strip()
            end += 1
        authors, start = _split_authors(authors_text), end
    english, translated = _split_translation(lines[start:])
    return _Abstract(
        title=block.title,
        arxiv_id=arxiv_id,
        authors=authors,
        abstract=unwrap(english) or None,
        translation=_strip_wrapper(_unwrap_cjk(translated)) or None,
    )


def _unwrap_cjk(lines: list[str]) -> str:
    """Like base.unwrap, but wrapped Chinese / Japanese lines join without a space."""
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        text = line.strip()
        if not text:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        separator = "" if not current or _ends_cjk(current) else " "
        current += separator + text
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _ends_cjk(line: str) -> bool:
    """True when a line ends in a CJK character or full-width punctuation."""
    last = line.rstrip()[-1:]
    return bool(last) and ("\u2e80" <= last <= "\u9fff" or "\uff00" <= last <= "\uffef")


def _strip_wrapper(text: str) -> str:
    """Drop the `<paragraph>...</paragraph>` some translation tools wrap around their output."""
    wrapper = TRANSLATION_WRAPPER_RE.match(text)
    return wrapper.group("text").strip() if wrapper else text


def _split_translation(lines: list[str]) -> tuple[list[str], list[str]]:
    """(English lines, translation lines); the translation starts at `摘要：`."""
    for index, line in enumerate(lines):
        mark = TRANSLATION_MARK_RE.match(line)
        if mark:
            return lines[:index], [line[mark.end() :]] + lines[index + 1 :]
    return lines, []


def _title_key(title: str) -> str:
    """Title reduced to letters and digits, for matching abstracts to rows."""
    # [\W_] is exactly what str.isalnum() refuses; one regex pass is ten times a per-char loop.
    return NOT_ALNUM_RE.sub("", title.casefold())


def _entries(document: _Document) -> list[Entry]:
    abstracts = [_read_block(block) for block in document.blocks]
    by_id = {item.arxiv_id: item for item in abstracts if item.arxiv_id}
    by_title = {_title_key(item.title): item for item in abstracts}
    entries: list[Entry] = []
    for row in document.rows:
        paper = _row_paper(row)
        match = by_id.get(paper.arxiv_id) if paper.arxiv_id else None
        match = match or by_title.get(_title_key(paper.title))
        if match is not None:
            _apply_abstract(paper, match)
        sighting = Sighting(position=len(entries) + 1, topic=row.topic)
        entries.append(Entry(paper=paper, sighting=sighting))
    for item in _abstracts_without_rows(abstracts, entries):
        document.warnings.append(f"abstract {item.title!r} has no table row; imported on its own")
        paper = Paper(title=item.title)
        _set_arxiv_id(paper, item.arxiv_id)
        _apply_abstract(paper, item)
        entries.append(Entry(paper=paper, sighting=Sighting(position=len(entries) + 1)))
    return entries


def _abstracts_without_rows(abstracts: list[_Abstract], entries: list[Entry]) -> list[_Abstract]:
    """Abstract blocks of papers no table row lists, each paper once, so none is lost."""
    seen_ids = {entry.paper.arxiv_id for entry in entries if entry.paper.arxiv_id}
    seen_titles = {_title_key(entry.paper.title) for entry in entries}
    orphans: list[_Abstract] = []
    for item in abstracts:
        title_key = _title_key(item.title)
        if not title_key or title_key in seen_titles or item.arxiv_id in seen_ids:
            continue
        seen_titles.add(title_key)
        if item.arxiv_id:
            seen_ids.add(item.arxiv_id)
        orphans.append(item)
    return orphans


def _row_paper(row: _Row) -> Paper:
    cells = row.cells
    paper = Paper(
        title=" ".join((_value(cells.get("title")) or "").split()),
        authors=_table_authors(cells.get("authors")),
        published=_iso_date(_value(cells.get("date"))),
        code_url=_link(cells.get("code")),
    )
    homepage, pdf = _link(cells.get("homepage")), _link(cells.get("pdf"))
    _set_arxiv_id(paper, _row_arxiv_id(cells))
    if homepage and not ARXIV_URL_RE.match(homepage):
        paper.homepage_url = homepage
    if pdf and not ARXIV_URL_RE.match(pdf):
        paper.pdf_url = pdf
    return paper


def _row_arxiv_id(cells: dict[str, str]) -> str | None:
    """The row's arXiv id: from its link columns first, then from any other cell."""
    ordered = [cells.get("homepage"), cells.get("pdf")] + [
        cell for name, cell in cells.items() if name not in {"homepage", "pdf", "title"}
    ]
    for cell in ordered:
        ids = split_arxiv_id(cell) if cell else None
        if ids:
            return ids[0]
    return None


def _set_arxiv_id(paper: Paper, arxiv_id: str | None) -> None:
    if arxiv_id:
        paper.arxiv_id = arxiv_id
        paper.abs_url = abs_url(arxiv_id)
        paper.pdf_url = pdf_url(arxiv_id)


def _apply_abstract(paper: Paper, item: _Abstract) -> None:
    """The abstract block's facts; its full author list beats the table's `X et.al.`."""
    if item.authors:
        paper.authors = item.authors
    if paper.arxiv_id is None:
        _set_arxiv_id(paper, item.arxiv_id)
    paper.abstract = item.abstract
    paper.translation = item.translation

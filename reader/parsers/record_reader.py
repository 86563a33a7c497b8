"""Reading one record of a digest tree: its title, authors, date, abstract and links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from reader.parsers.dates import iso_date
from reader.parsers.identifiers import Reference
from reader.parsers.titles import (
    ET_AL_RE,
    GENERIC_TEXTS,
    LEADING_NOISE_RE,
    MAX_TITLE,
    WORD_RE,
    before_identifier,
    first_segment,
    clean_title,
    is_title_like,
    split_authors,
)
from reader.parsers.tree import HEADINGS, text_of

REDIRECT_PARAMETERS = ("url", "u", "q", "target", "dest", "redirect")


TITLE_HEADERS_RE = re.compile(r"^(?:paper\s*)?(?:title|paper|name|论文|题目|标题|论文标题|paper title)s?$", re.I)


AUTHOR_HEADERS_RE = re.compile(r"^(?:authors?|作者)$", re.I)


DATE_HEADERS_RE = re.compile(r"^(?:date|publish(?:ed)?(?:\s*date)?|日期|发布日期)$", re.I)


LABEL_RE = re.compile(
    r"(?:^|\n)\s*\**\s*(?P<label>title|authors?|abstract|summary|tl;?dr|comments?|why selected|"
    r"date|published|code|score|relevance|novelty|标题|题目|论文标题|作者|摘要)\s*\**\s*[:：]\s*\**\s*(?P<value>[^\n]*)",
    re.I,
)


LABEL_ALIASES = {"标题": "title", "题目": "title", "论文标题": "title", "作者": "author", "摘要": "abstract"}


LINE_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")


# A link target whose last path segment is a new-style arXiv id (plausible month).
ID_NAMED_PAGE_RE = re.compile(
    r"^(?:https?://[^/?#\s]+)?/(?:[\w.~-]+/)*(?P<id>\d\d(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?/?(?:[?#]\S*)?$"
)


MAX_HEAD_SEGMENT = 300


# Enough of a record to hold its title and labels; a record the size of a book is cut.
HEAD_CHARS = 4000


BLOCK_CHARS = 20000


# How sure each place is to hold the title (the best candidate wins).
SOURCE_RANK = {"field": 6, "column": 5, "heading": 5, "block": 4, "head": 2}


@dataclass
class Record:
    """One candidate entry: a record element and what was read from it."""

    element: object
    order: int
    ids: list[Reference] = field(default_factory=list)
    primary: Reference | None = None
    title: str | None = None
    title_rank: int = 0
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    abstract: str | None = None
    summary: str | None = None
    url: str | None = None
    code_url: str | None = None


def id_named_page(url: str) -> list[Reference]:
    """A link to a page named by a new-style arXiv id, on any site or relative to the page
    ("/papers/2405.00732" in a saved paper-aggregator page, "…/abs/2405.04434" on a reader
    site): the id is the paper's."""
    match = ID_NAMED_PAGE_RE.match(url)
    if match is None:
        return []
    return [Reference("arxiv", match["id"], match.start("id"), match.end("id"))]


def decoded_url(url: str) -> str:
    """A link target with its percent-escapes undone; a redirect link (a search alert's
    `…/scholar_url?url=https%3A…&hl=en`) gives the address it redirects to."""
    if "%" not in url and "?" not in url:
        return url
    query = parse_qs(urlsplit(url).query)
    for name in REDIRECT_PARAMETERS:
        for value in query.get(name, []):
            if value.startswith(("http://", "https://")):
                return value
    return unquote(url)


def table_headers(row) -> list[str]:
    """Header texts of the table `row` belongs to (empty for a header row or no header)."""
    table = row.getparent()
    while table is not None and table.tag != "table":
        table = table.getparent()
    if table is None:
        return []
    header_row = None
    for candidate in table.iter("tr"):
        if candidate.find("th") is not None:
            header_row = candidate
            break
    if header_row is None or header_row is row:
        return []
    return [text_of(cell).strip("* ").lower() for cell in header_row if isinstance(cell.tag, str)]


def links_in(element):
    return [a for a in element.iter("a") if a.get("href")]


def emphasis_in(element):
    for tag in ("strong", "b"):
        for found in element.iter(tag):
            yield found


def _head_text(element, keep_links: bool = False) -> str:
    """The record's leading text, up to its first line break, nested block or list."""
    parts: list[str] = []
    size = 0

    def add(text: str) -> bool:
        nonlocal size
        parts.append(text)
        size += len(text)
        return size < HEAD_CHARS

    def walk(node) -> bool:
        if node.text and not add(node.text):
            return False
        for child in node:
            if isinstance(child.tag, str):
                if child.tag in ("br", "ul", "ol", "table", "details", "blockquote", "pre", "hr", "div"):
                    return False
                if child.tag == "a" and not keep_links and any(part.strip() for part in parts):
                    return False  # "Title [[arXiv](…)]", "Title (Authors) PDF": the title ends here
                if child.tag == "p" and any(part.strip() for part in parts):
                    return False
                if not walk(child):
                    return False
            if child.tail and not add(child.tail):
                return False
        return True

    walk(element)
    # Runs of spaces stay: "Title  Description" is how some tables separate the two.
    return LINE_BREAK_RE.sub(" ", "".join(parts)[:HEAD_CHARS]).strip()


class RecordReader:
    """Reads one record element: title, authors, date, abstract, links."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.element = record.element
        self.candidates: list[tuple[int, int, str]] = []  # (rank, -order, title)

    def offer(self, source: str, raw: str | None, order: int = 0) -> None:
        title = clean_title(raw)
        if title and is_title_like(title):
            self.candidates.append((SOURCE_RANK[source], -order, title))

    def read(self) -> None:
        element, record = self.element, self.record
        fields = self._labelled_fields()
        self.offer("field", fields.get("title"))
        heading = self._heading()
        summary = element.find("summary") if element.tag == "details" else None
        scope = summary if summary is not None else element
        if element.tag == "tr":
            self._read_row()
        elif heading is not None:
            self.offer("heading", self.block_title(heading, split=False)[1])
        else:
            self.offer(*self.block_title(scope))
        if self.candidates:
            rank, _, title = max(self.candidates)
            record.title, record.title_rank = title, rank
        self._read_details(fields, scope)

    def block_title(self, block, split: bool = True) -> tuple[str, str | None]:
        """The title a block offers: the link to the record's paper, a link that opens the
        block, its first bold text ("block" titles), else its leading words ("head")."""
        primary = self.record.primary.value.lower() if self.record.primary is not None else None
        head = _head_text(block, keep_links=True)
        for link in links_in(block):
            text = text_of(link)[: MAX_TITLE * 2]
            href = decoded_url(link.get("href", "")).lower()
            # Only a label may come before it: "[PDF] Title" (a search alert) still leads.
            before = clean_title(head.split(text, 1)[0]) if text and text in head else "-"
            leading = not before or before.lower().strip(" :.[]()") in GENERIC_TEXTS
            if (primary and primary in href) or (leading and not href.startswith("#")):
                title = clean_title(text)
                if is_title_like(title):
                    return "block", title
        for strong in emphasis_in(block):
            title = clean_title(text_of(strong)[: MAX_TITLE * 2])
            if is_title_like(title):
                return "block", title
            break
        words = _head_text(block)
        if not words:
            return "head", None
        words = before_identifier(LEADING_NOISE_RE.sub("", words))
        return "head", (first_segment(words) if split else words)[:MAX_HEAD_SEGMENT]

    def _heading(self):
        if self.element.tag != "section":
            return None
        first = self.element[0] if len(self.element) else None
        return first if first is not None and first.tag in HEADINGS else None

    def _labelled_fields(self) -> dict[str, str]:
        found: dict[str, str] = {}
        text = self._block_text()
        for match in LABEL_RE.finditer(text):
            label = match["label"].lower().rstrip("s") if match["label"].lower() != "comments" else "comment"
            label = LABEL_ALIASES.get(label, label)
            value = " ".join(match["value"].split())
            if value and label not in found:
                found[label] = value
        return found

    def _block_text(self) -> str:
        """The record's text with line breaks between blocks, for "Label: value" lines."""
        lines: list[str] = []
        for node in self.element.iter():
            if not isinstance(node.tag, str):
                continue
            if node.tag in ("p", "li", "tr", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "summary"):
                lines.append("\n")
            if node.text:
                lines.append(node.text)
            if node.tail and node is not self.element:
                lines.append(node.tail)
            if sum(map(len, lines)) > BLOCK_CHARS:
                break
        return "".join(lines)

    def _read_row(self) -> None:
        headers = table_headers(self.element)
        cells = [cell for cell in self.element if isinstance(cell.tag, str) and cell.tag in ("td", "th")]
        titled = any(TITLE_HEADERS_RE.match(header) for header in headers)
        for index, cell in enumerate(cells):
            header = headers[index] if index < len(headers) else ""
            if TITLE_HEADERS_RE.match(header):
                self.offer("column", self.block_title(cell)[1], index)
            elif not titled:
                self.offer(*self.block_title(cell), index)
            elif AUTHOR_HEADERS_RE.match(header) and not self.record.authors:
                self.record.authors = split_authors(text_of(cell))
            elif DATE_HEADERS_RE.match(header) and not self.record.published:
                self.record.published = iso_date(text_of(cell))

    def _read_details(self, fields: dict[str, str], scope) -> None:
        record = self.record
        if not record.authors:
            authors = fields.get("author")
            if authors:
                record.authors = split_authors(authors)
            else:
                record.authors = self._authors_nearby(scope)
        if not record.published:
            head = _head_text(scope)
            record.published = iso_date(fields.get("date") or fields.get("published") or head[:40])
        abstract = fields.get("abstract")
        if not abstract:
            for node in self.element.iter():
                if isinstance(node.tag, str) and "abstract" in (node.get("class") or ""):
                    abstract = text_of(node)
                    break
        record.abstract = abstract or None
        summary = fields.get("tl;dr") or fields.get("tldr") or fields.get("summary") or fields.get("comment") or fields.get("why selected")
        record.summary = summary or None
        for link in links_in(self.element):
            href = link.get("href", "")
            if not href.startswith(("http://", "https://")):
                continue
            if "github.com" in href and record.code_url is None:
                record.code_url = href
            elif record.url is None and not any(host in href for host in ("twitter.com", "x.com/", "github.com")):
                record.url = href

    def _authors_nearby(self, scope) -> list[str]:
        for node in scope.iter("small", "em", "i"):
            names = text_of(node)
            if "," in names and is_title_like(names) and len(names) < 2000:
                return split_authors(names)
        head = _head_text(scope)
        match = ET_AL_RE.search(head)
        if match:
            # "…, Hussam Azzuni et.al., Paper: …" or "Title (Changpeng Cai et.al.)"
            before = head[max(0, match.start() - 120) : match.start()]
            names = re.split(r"[,(;]", before)[-1].strip()
            if names and WORD_RE.search(names) and len(names.split()) <= 6:
                return [f"{names} et al."]
        return []

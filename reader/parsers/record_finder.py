"""The structural record finder: papers from the repeated structures of any Markdown or HTML digest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import DigestParser, abs_url, pdf_url, register
from reader.parsers.dates import iso_date
from reader.parsers.identifiers import Reference, distinct_references, find_references, title_near
from reader.parsers.tree import HEADINGS, build_tree, text_of

# A record is the smallest repeated unit that holds a paper.
RECORD_TAGS = {"li", "tr", "details", "article", "section", "blockquote", "dd", "dt"}
REDIRECT_PARAMETERS = ("url", "u", "q", "target", "dest", "redirect")
ID_ATTRIBUTES = ("href", "data-arxiv-id", "data-arxiv", "data-id", "data-doi", "data-paper-id")
GENERIC_TEXTS = {
    "", "paper", "papers", "pdf", "abs", "abstract", "arxiv", "link", "links", "here", "code",
    "html", "doi", "url", "project", "project page", "page", "github", "website", "tweet",
    "blog", "post", "article", "video", "demo", "read more", "open arxiv", "view", "download",
    "hf", "hugging face", "huggingface", "alphaxiv", "paper link", "source", "slides", "web page",
}
TITLE_HEADERS_RE = re.compile(r"^(?:paper\s*)?(?:title|paper|name|论文|题目|标题|论文标题|paper title)s?$", re.I)
AUTHOR_HEADERS_RE = re.compile(r"^(?:authors?|作者)$", re.I)
DATE_HEADERS_RE = re.compile(r"^(?:date|publish(?:ed)?(?:\s*date)?|日期|发布日期)$", re.I)
LABEL_RE = re.compile(
    r"(?:^|\n)\s*\**\s*(?P<label>title|authors?|abstract|summary|tl;?dr|comments?|why selected|"
    r"date|published|code|score|relevance|novelty)\s*\**\s*[:：]\s*\**\s*(?P<value>[^\n]*)",
    re.I,
)
LEADING_NOISE_RE = re.compile(
    r"^(?:\s*(?:(?:arxiv\s*:\s*)?\d{4}\.\d{4,5}(?:v\d+)?\s*[—–:|-]+|[-*+>•·]|\d{1,4}\s*[)、]|"
    r"\d{1,4}\.(?!\d)|\[\d{1,4}\]|#\d{1,4}|\d{4}-\d{2}-\d{2}\s*[,;:|]?)\s*)+",
    re.I,
)
ET_AL_RE = re.compile(r"\bet\.?\s?al\b\.?", re.I)
TRAILING_ET_AL_RE = re.compile(r"\s*\([^()]{2,200}\bet\.?\s?al\.?\)\s*$", re.I)
TRAILING_NOISE_RE = re.compile(r"[\s\[({<|,;:*_\-–—]+$")
LINE_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")
SPLIT_DESCRIPTION_RE = re.compile(r"\s{2,}|\s+[-–—]\s+(?=[a-z])")
URL_START_RE = re.compile(r"(?:https?://|www\.)\S", re.I)
URLISH_RE = re.compile(r"https?://|www\.|\.(?:com|org|io|pdf)\b", re.I)
DATE_ONLY_RE = re.compile(r"^[\d\s./:\-年月日]+$")
WORD_RE = re.compile(r"[^\W\d_]{2,}")
MAX_TITLE = 400
TREE_CHARS = 2_000_000
# Items of a list (rows of a table) are papers without ids too when at least a third of
# them carry one: reading notes link journals and OpenReview beside arXiv.
SIBLING_SHARE = 3
MAX_HEAD_SEGMENT = 300
# Enough of a record to hold its title and labels; a record the size of a book is cut.
HEAD_CHARS = 4000
BLOCK_CHARS = 20000
# How sure each place is to hold the title (the best candidate wins).
SOURCE_RANK = {"field": 6, "column": 5, "heading": 5, "block": 4, "head": 2}


@dataclass
class Anchor:
    """One identifier found in the tree: where it is and whether it is a link target."""

    ref: Reference
    element: object  # the element whose text, tail or attribute holds the id
    in_link: bool
    order: int
    source: str = ""  # the string the id was found in (text, tail or attribute value)
    in_attribute: bool = False  # a link target or data attribute, not running text


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


def is_title_like(text: str | None) -> bool:
    """Whether `text` can be a paper title: words, no markup, not a link label or a date."""
    if not text:
        return False
    text = text.strip()
    if not (1 < len(text) <= MAX_TITLE) and not (len(text) == 1 and text.isalpha()):
        return False
    if text.lower().strip(" :.[]()") in GENERIC_TEXTS:
        return False
    if URLISH_RE.search(text) and len(text.split()) < 4:
        return False
    if DATE_ONLY_RE.match(text) or text.endswith((":", "：")):
        return False
    if any(mark in text for mark in ("<", ">", "](", "|", "**", '":', '",', "{", "}")):
        return False  # markup, or the syntax of a JSON or CSV line
    return bool(WORD_RE.search(text)) or any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _strip_trailing(text: str) -> str:
    """Drop separators and unbalanced closing brackets at the end; "(2nd ed.)" stays."""
    while True:
        text = TRAILING_NOISE_RE.sub("", text)
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1]
        elif text.endswith("]") and text.count("[") < text.count("]"):
            text = text[:-1]
        elif text.endswith(("}", ">")):
            text = text[:-1]
        else:
            return text


def clean_title(raw: str | None) -> str | None:
    """`raw` without list numbering, leading dates or ids, brackets and separators."""
    if not raw:
        return None
    text = " ".join(raw.split())
    text = LEADING_NOISE_RE.sub("", text)
    text = TRAILING_ET_AL_RE.sub("", text)
    text = _strip_trailing(text)
    text = text.strip(" \"'“”`*_")
    if text.startswith(("[", "(")) and text.endswith(("]", ")")):
        text = text[1:-1].strip()
    return text or None


class Tree:
    """A parsed digest tree with its identifier anchors and parent links."""

    def __init__(self, text: str) -> None:
        self.root = build_tree(text)
        self.anchors = list(self._anchors())

    def _anchors(self):
        order = 0
        for element in self.root.iter():
            if not isinstance(element.tag, str):
                continue
            for name in ID_ATTRIBUTES:
                value = element.get(name)
                if value and not value.startswith("#"):
                    decoded = _decoded(value)
                    for ref in find_references(decoded):
                        order += 1
                        yield Anchor(ref, element, element.tag == "a", order, decoded, True)
            # lxml makes a new string at each .text access: take each one once, for all its ids.
            text = element.text
            if text:
                for ref in find_references(text):
                    order += 1
                    yield Anchor(ref, element, element.tag == "a", order, text)
            parent = element.getparent()
            tail = element.tail
            if tail and parent is not None:
                for ref in find_references(tail):
                    order += 1
                    yield Anchor(ref, parent, False, order, tail)


def _decoded(url: str) -> str:
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


def record_of(element):
    """The nearest record element at or above `element`, or None."""
    while element is not None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in RECORD_TAGS:
            return element
        element = element.getparent()
    return None


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


def _links(element):
    return [a for a in element.iter("a") if a.get("href")]


def _emphasis(element):
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


def _before_identifier(text: str) -> str:
    """`text` up to its first URL or paper id: "Griffin: https://…" names "Griffin"."""
    cut = len(text)
    url = URL_START_RE.search(text)
    if url:
        cut = url.start()
    references = find_references(text[:cut])
    if references:
        cut = references[0].start
    return text[:cut]


def _first_segment(text: str) -> str:
    """Up to the first wide gap or dash separator: "Title  Description" keeps "Title"."""
    return SPLIT_DESCRIPTION_RE.split(text, maxsplit=1)[0]


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
        for link in _links(block):
            text = text_of(link)[: MAX_TITLE * 2]
            href = _decoded(link.get("href", "")).lower()
            leading = not clean_title(head.split(text, 1)[0]) if text and text in head else False
            if (primary and primary in href) or (leading and not href.startswith("#")):
                title = clean_title(text)
                if is_title_like(title):
                    return "block", title
        for strong in _emphasis(block):
            title = clean_title(text_of(strong)[: MAX_TITLE * 2])
            if is_title_like(title):
                return "block", title
            break
        words = _head_text(block)
        if not words:
            return "head", None
        words = _before_identifier(LEADING_NOISE_RE.sub("", words))
        return "head", (_first_segment(words) if split else words)[:MAX_HEAD_SEGMENT]

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
        for link in _links(self.element):
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


def split_authors(text: str) -> list[str]:
    """"A, B and C" as ["A", "B", "C"]."""
    text = " ".join(text.split()).strip(" .;")
    if not text or len(text) > 5000:
        return []
    parts = re.split(r",\s*|\s+and\s+|;\s*", text)
    return [part.strip() for part in parts if part.strip() and len(part.strip()) < 120][:200]


class RecordFinder:
    """Finds the records of a digest tree and turns them into entries."""

    def __init__(self, text: str) -> None:
        self.tree = Tree(text)

    def records(self) -> list[Record]:
        by_element: dict[object, Record] = {}
        free: list[Anchor] = []
        self.anchors_by_record: dict[object, list[Anchor]] = {}
        for anchor in self.tree.anchors:
            element = record_of(anchor.element)
            if element is None:
                free.append(anchor)
                continue
            self.anchors_by_record.setdefault(element, []).append(anchor)
            record = by_element.get(element)
            if record is None:
                record = by_element[element] = Record(element, anchor.order)
            if all(ref.key != anchor.ref.key for ref in record.ids):
                record.ids.append(anchor.ref)
        # A section around lists or tables of papers is a chapter, not a paper: the ids in
        # its prose are mentions.
        chapters = set()
        for element in by_element:
            ancestor = element.getparent()
            while ancestor is not None:
                if ancestor in by_element:
                    chapters.add(ancestor)
                ancestor = ancestor.getparent()
        for element in chapters:
            if element.tag == "section":
                del by_element[element]
                free += self.anchors_by_record.pop(element)
        free.sort(key=lambda anchor: anchor.order)
        records = list(by_element.values())
        for record in records:
            self._choose_primary(record)
        records += self._records_without_ids(by_element)
        for record in records:
            RecordReader(record).read()
        records += self._free_records(free)
        records.sort(key=lambda r: r.order)
        return records

    def _free_records(self, free: list[Anchor]) -> list[Record]:
        """Ids outside every record (prose, a bare list of links): the link text, else the
        words before the id on its line, name the paper."""
        records = []
        previous: Anchor | None = None
        for anchor in free:
            record = Record(anchor.element, anchor.order, [anchor.ref], anchor.ref)
            title = None
            if anchor.in_link:
                title = clean_title(text_of(anchor.element)[:MAX_TITLE * 2])
            if not is_title_like(title):
                same_text = previous is not None and previous.element is anchor.element and previous.source == anchor.source
                before = previous.ref if same_text else None
                title = clean_title(title_near(anchor.source, anchor.ref, before)) if anchor.source else None
                if anchor.in_link and not is_title_like(title):
                    title = clean_title(_text_before(anchor.element))
            if is_title_like(title):
                record.title, record.title_rank = title, SOURCE_RANK["head"]
            records.append(record)
            previous = anchor
        return records

    def _anchors_of(self, record: Record) -> list[Anchor]:
        return self.anchors_by_record.get(record.element, [])

    def _choose_primary(self, record: Record) -> None:
        if len(record.ids) == 1:
            record.primary = record.ids[0]
            return
        # Several ids: the paper is the one its links point to, or its title or heading names;
        # the others are quoted in its text.
        linked = []
        for anchor in self._anchors_of(record):
            if anchor.source is not None and anchor.in_attribute and anchor.ref.key not in [r.key for r in linked]:
                linked.append(anchor.ref)
        if len(linked) == 1:
            record.primary = linked[0]
            return
        element = record.element
        head = None
        if element.tag == "section" and len(element) and element[0].tag in HEADINGS:
            head = element[0]
        elif element.tag == "details" and element.find("summary") is not None:
            head = element.find("summary")
        scopes = [head] if head is not None else []
        for scope in scopes:
            for anchor in self._anchors_of(record):
                if anchor.element is scope or _is_inside(anchor.element, scope):
                    record.primary = anchor.ref
                    return
        # A record whose first id comes before most of its text names that paper first.
        text = text_of(element)
        first = record.ids[0]
        position = text.find(first.value)
        if len(record.ids) == 2 and (position == -1 or position < max(80, len(text) // 5)):
            record.primary = first

    def _records_without_ids(self, by_element: dict[object, Record]) -> list[Record]:
        """Siblings of id-bearing records (rows of the same table, items of the same list,
        sections of the same level) that have the same shape but link elsewhere."""
        extra: list[Record] = []
        parents: dict[object, list] = {}
        for element, record in by_element.items():
            if record.primary is None:
                continue
            parent = element.getparent()
            if parent is not None:
                parents.setdefault(parent, []).append(element)
        for parent, with_ids in parents.items():
            siblings = [child for child in parent if child.tag == with_ids[0].tag]
            if with_ids[0].tag == "tr" and siblings and table_headers(siblings[0]) == []:
                siblings = siblings[1:] if siblings[0].find("th") is not None else siblings
            if len(with_ids) < 2 or len(with_ids) * SIBLING_SHARE < len(siblings):
                continue
            for sibling in siblings:
                if sibling in by_element or sibling.find("th") is not None:
                    continue
                if not _links(sibling) and sibling.tag != "tr":
                    continue
                extra.append(Record(sibling, _order_of(sibling, by_element)))
        return extra

    def entries(self) -> list[Entry]:
        merged: dict[tuple[str, str], Record] = {}
        entries: list[tuple[int, Record]] = []
        for record in self.records():
            key = record.primary.key if record.primary is not None else None
            if key is None:
                if record.ids or not record.title or record.title_rank < SOURCE_RANK["head"]:
                    continue  # a list of references, or a sibling without a real title
                entries.append((record.order, record))
                continue
            kept = merged.get(key)
            if kept is None:
                merged[key] = record
                entries.append((record.order, record))
            else:
                _fill(kept, record)
        result = []
        for _, record in sorted(entries, key=lambda pair: pair[0]):
            result.append(_entry(record, len(result) + 1))
        return result


def _text_before(link) -> str:
    """The words just before a link on its line: "Title [arXiv](…)" gives "Title"."""
    previous = link.getprevious()
    text = previous.tail if previous is not None else link.getparent().text if link.getparent() is not None else ""
    return (text or "").rsplit("\n", 1)[-1][-MAX_TITLE:]


def _is_inside(element, ancestor) -> bool:
    while element is not None:
        if element is ancestor:
            return True
        element = element.getparent()
    return False


def _order_of(element, by_element) -> int:
    """A position for a record without ids: just after the record before it."""
    previous = element.getprevious()
    while previous is not None:
        if previous in by_element:
            return by_element[previous].order
        previous = previous.getprevious()
    return 0


def _fill(kept: Record, other: Record) -> None:
    """Take what a later mention of the same paper says better or the first one lacks."""
    if other.title and other.title_rank > kept.title_rank:
        kept.title, kept.title_rank = other.title, other.title_rank
    for name in ("abstract", "summary", "published", "url", "code_url"):
        if not getattr(kept, name) and getattr(other, name):
            setattr(kept, name, getattr(other, name))
    if not kept.authors and other.authors:
        kept.authors = other.authors


def _entry(record: Record, position: int) -> Entry:
    ref = record.primary
    paper = Paper(title=record.title or "", authors=record.authors, published=record.published,
                  abstract=record.abstract, code_url=record.code_url)
    if ref is not None and ref.kind == "arxiv":
        paper.arxiv_id = ref.value
        paper.abs_url, paper.pdf_url = abs_url(ref.value), pdf_url(ref.value)
    elif ref is not None:
        paper.doi = ref.value
        paper.abs_url = f"https://doi.org/{ref.value}"
    else:
        paper.abs_url = record.url
    if not paper.title:
        paper.title = f"arXiv:{ref.value}" if ref is not None and ref.kind == "arxiv" else f"doi:{ref.value}"
    return Entry(paper=paper, sighting=Sighting(position=position, summary=record.summary))


@register
class RecordFinderParser(DigestParser):
    """Any Markdown or HTML digest: papers from its lists, tables, sections and cards."""

    name = "generic"

    def sniff(self, text: str) -> float:
        count = len(distinct_references(text))
        return min(0.3, 0.1 + 0.02 * count) if count else 0.0

    def parse(self, text: str) -> ParsedDigest:
        entries: list[Entry] = []
        date = None
        seen: set[tuple[str, str]] = set()
        # A tree costs tens of times its text in memory: a huge digest is read in parts cut
        # at blank lines, so memory stays bounded whatever the file's size.
        for part in split_at_blank_lines(text, TREE_CHARS):
            finder = RecordFinder(part)
            date = date or _digest_date(finder)
            for entry in finder.entries():
                key = _key(entry)
                if key is None or key not in seen:
                    seen.add(key)
                    entry.sighting.position = len(entries) + 1
                    entries.append(entry)
        return ParsedDigest(format=self.name, entries=entries, date=date)


def _key(entry: Entry) -> tuple[str, str] | None:
    if entry.paper.arxiv_id:
        return ("arxiv", entry.paper.arxiv_id.lower())
    if entry.paper.doi:
        return ("doi", entry.paper.doi.lower())
    return None


def split_at_blank_lines(text: str, size: int) -> list[str]:
    """`text` in parts of about `size` characters, each cut at a blank line when one is near."""
    if len(text) <= size:
        return [text]
    parts = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n\n", start + size // 2, end)
            if cut == -1:
                cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut != -1 else end
        parts.append(text[start:end])
        start = end
    return parts


def _digest_date(finder: RecordFinder) -> str | None:
    for heading in finder.tree.root.iter(*HEADINGS):
        date = iso_date(text_of(heading))
        if date:
            return date
        break
    return None

"""The structural record finder: papers from the repeated structures of any Markdown or HTML digest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import DigestParser, abs_url, pdf_url, register, text_windows
from reader.parsers.dates import iso_date
from reader.parsers.identifiers import Reference, distinct_references, find_references, title_near
from reader.parsers.record_reader import (
    SOURCE_RANK,
    Record,
    RecordReader,
    decoded_url,
    id_named_page,
    links_in,
    table_headers,
)
from reader.parsers.titles import MAX_TITLE, clean_title, is_title_like
from reader.parsers.tree import HEADINGS, build_tree, text_of

# A record is the smallest repeated unit that holds a paper.
RECORD_TAGS = {"li", "tr", "details", "article", "section", "blockquote", "dd", "dt"}
ID_ATTRIBUTES = ("href", "data-arxiv-id", "data-arxiv", "data-id", "data-doi", "data-paper-id")
# The same in raw HTML or Markdown, for the sniffer: href="…/2405.00732" or ](…/2405.00732).
ID_NAMED_LINK_RE = re.compile(
    r"(?:href=[\"']|\]\()(?:https?://[^/?#\s\"')]+)?/(?:[\w.~-]+/)*(\d\d(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?/?[\"')?#]"
)
TREE_CHARS = 1_000_000
SURE_IDS = 10  # distinct ids that give the sniffer's highest score
SNIFF_HEAD_CHARS = 8_192
# Items of a list (rows of a table) are papers without ids too when at least a third of
# them carry one: reading notes link journals and OpenReview beside arXiv.
SIBLING_SHARE = 3


@dataclass
class Anchor:
    """One identifier found in the tree: where it is and whether it is a link target."""

    ref: Reference
    element: object  # the element whose text, tail or attribute holds the id
    in_link: bool
    order: int
    source: str = ""  # the string the id was found in (text, tail or attribute value)
    in_attribute: bool = False  # a link target or data attribute, not running text


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
                    decoded = decoded_url(value)
                    refs = find_references(decoded)
                    if not refs and name == "href":
                        refs = id_named_page(decoded)
                    for ref in refs:
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


def record_of(element):
    """The nearest record element at or above `element`, or None. The items of a field list
    ("1. Title: …", "2. Urls: …") are the fields of one record, not records."""
    while element is not None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in RECORD_TAGS and not (tag == "li" and _in_field_list(element)):
            return element
        element = element.getparent()
    return None


LINK_FIELD_RE = re.compile(r"(?:urls?|links?|paper|pdf|abs|链接|论文)\s*[:：]\s*\S*$", re.I)
# Labels of a paper's fields, as summary generators number them ("1. Title: …").
FIELD_ITEM_RE = re.compile(
    r"^\s*(?:title|urls?|links?|paper|pdf|authors?|affiliations?|keywords?|summary|abstract|tl;?dr|"
    r"date|published|code|github|comments?|categories|标题|作者|链接|摘要|关键词)\s*[:：]",
    re.I,
)


def _in_field_list(item) -> bool:
    """Whether `item`, or a list item around it, is a field of a field list."""
    while item is not None:
        if item.tag == "li" and is_field_list(item.getparent()):
            return True
        item = item.getparent()
    return False


def is_field_list(list_element) -> bool:
    """Whether most items of a list open with a "Label:"."""
    if list_element is None or list_element.tag not in ("ul", "ol"):
        return False
    cached = list_element.get("data-field-list")
    if cached is not None:
        return cached == "1"
    items = [item for item in list_element if item.tag == "li"]
    labelled = sum(1 for item in items if FIELD_ITEM_RE.match(text_of(item)[:60]))
    answer = len(items) >= 2 and labelled * 5 >= len(items) * 3
    list_element.set("data-field-list", "1" if answer else "0")
    return answer


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
        chapters: dict[object, list] = {}  # section -> the records inside it
        for element in by_element:
            ancestor = element.getparent()
            while ancestor is not None:
                if ancestor in by_element:
                    chapters.setdefault(ancestor, []).append(element)
                ancestor = ancestor.getparent()
        for element, inner in chapters.items():
            if element.tag != "section" or element not in by_element:
                continue
            if self._absorbs(element, inner):
                # A paper's own section: its heading names the paper and what lies inside
                # (an abstract in <details>, share buttons) only quotes or repeats ids.
                section = by_element[element]
                for other in inner:
                    if other in by_element:
                        del by_element[other]
                        self.anchors_by_record[element] += self.anchors_by_record.pop(other, [])
                self.anchors_by_record[element].sort(key=lambda anchor: anchor.order)
                section.ids = []
                for anchor in self.anchors_by_record[element]:
                    if all(ref.key != anchor.ref.key for ref in section.ids):
                        section.ids.append(anchor.ref)
                continue
            del by_element[element]
            free += self.anchors_by_record.pop(element)
        records = list(by_element.values())
        for record in records:
            self._choose_primary(record)
        for record in [r for r in records if self._is_prose(r)]:
            # "## This week's papers" over paragraphs that each name a paper: the heading
            # names a topic, the ids in its prose are papers of their own.
            del by_element[record.element]
            records.remove(record)
            free += self.anchors_by_record.get(record.element, [])
        free.sort(key=lambda anchor: anchor.order)
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
        paragraphs: dict[object, tuple[str | None, set]] = {}  # <p> -> (its "Title:" field, ids it named)
        for anchor in free:
            record = Record(anchor.element, anchor.order, [anchor.ref], anchor.ref)
            paragraph = _paragraph_of(anchor.element)
            if paragraph is not None and paragraph not in paragraphs:
                labelled = clean_title(RecordReader(Record(paragraph, 0))._labelled_fields().get("title"))
                paragraphs[paragraph] = (labelled if is_title_like(labelled) else None, set())
            labelled, named = paragraphs.get(paragraph, (None, set()))
            if labelled:
                # "Title: … / Link: … / Abstract: …" in one paragraph is one paper; another id
                # in it is quoted by its abstract.
                previous = anchor
                if named and anchor.ref.key not in named:
                    continue
                named.add(anchor.ref.key)
                record.title, record.title_rank = labelled, SOURCE_RANK["field"]
                records.append(record)
                continue
            title = None
            if anchor.in_link:
                title = clean_title(text_of(anchor.element)[:MAX_TITLE * 2])
            if not is_title_like(title):
                same_text = previous is not None and previous.element is anchor.element and previous.source == anchor.source
                before = previous.ref if same_text else None
                title = clean_title(title_near(anchor.source, anchor.ref, before)) if anchor.source else None
                if anchor.in_link and not is_title_like(title):
                    title = clean_title(_text_before(anchor.element))
            if not is_title_like(title):
                title = clean_title(_emphasis_before(anchor))
            if is_title_like(title):
                record.title, record.title_rank = title, SOURCE_RANK["head"]
            records.append(record)
            previous = anchor
        return records

    def _anchors_of(self, record: Record) -> list[Anchor]:
        return self.anchors_by_record.get(record.element, [])

    def _is_prose(self, record: Record) -> bool:
        """A heading section with several ids, none in its heading, that link to no single
        paper: prose that mentions papers rather than one paper's record."""
        section = record.element
        if section.tag != "section" or len(record.ids) < 2 or not len(section) or section[0].tag not in HEADINGS:
            return False
        anchors = self.anchors_by_record.get(section, [])
        if any(a.element is section[0] or _is_inside(a.element, section[0]) for a in anchors):
            return False
        if any(is_field_list(found) for found in section.iter("ol", "ul")):
            return False  # "1. Title: …  2. Urls: …": one paper's fields
        return record.primary is None or not any(a.in_attribute for a in anchors)

    def _absorbs(self, section, inner: list) -> bool:
        """Whether `section` is one paper whose heading carries its id, and the records
        inside it only repeat that id or quote others in running text (no links elsewhere)."""
        heading = section[0] if len(section) and section[0].tag in HEADINGS else None
        if heading is None:
            return False
        own = {a.ref.key for a in self.anchors_by_record.get(section, [])
               if a.element is heading or _is_inside(a.element, heading)}
        if not own:
            return False
        for other in inner:
            for anchor in self.anchors_by_record.get(other, []):
                if anchor.ref.key not in own and anchor.in_attribute:
                    return False
        return True

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
        text = text_of(element)
        # An id given as the record's link field ("Urls: http://arxiv.org/abs/…") is its paper.
        labelled = [ref for ref in record.ids if LINK_FIELD_RE.search(text[: max(0, text.find(ref.value))][-60:])]
        if len(labelled) == 1:
            record.primary = labelled[0]
            return
        # A record whose first id comes before most of its text names that paper first.
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
        holders = set()  # elements around a record: a chapter of papers, not a paper
        for element in by_element:
            ancestor = element.getparent()
            while ancestor is not None and ancestor not in holders:
                holders.add(ancestor)
                ancestor = ancestor.getparent()
        for parent, with_ids in parents.items():
            siblings = [child for child in parent if child.tag == with_ids[0].tag]
            if with_ids[0].tag == "tr" and siblings and table_headers(siblings[0]) == []:
                siblings = siblings[1:] if siblings[0].find("th") is not None else siblings
            if len(with_ids) < 2 or len(with_ids) * SIBLING_SHARE < len(siblings):
                continue
            for sibling in siblings:
                if sibling in by_element or sibling in holders or sibling in self.anchors_by_record:
                    continue  # a record, a chapter, or prose whose ids stand on their own
                if sibling.find("th") is not None:
                    continue
                if not links_in(sibling) and sibling.tag != "tr":
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


def _paragraph_of(element):
    """The `<p>` at or above `element`, or None."""
    while element is not None:
        if element.tag == "p":
            return element
        element = element.getparent()
    return None


def _emphasis_before(anchor: Anchor) -> str | None:
    """The bold or linked words just before an id, only punctuation between:
    "**Title** (arXiv:…)" and "**Title** ([arXiv:…](…))" name "Title"."""
    if anchor.in_link:
        node = anchor.element.getprevious()
        between = (node.tail or "") if node is not None else ""
    else:
        node = next((c for c in anchor.element if isinstance(c.tag, str) and c.tail == anchor.source), None)
        between = anchor.source[: anchor.ref.start] if node is not None else ""
    if node is None or node.tag not in ("strong", "b", "em", "i", "a") or re.search(r"\w", between):
        return None
    return text_of(node)[: MAX_TITLE * 2]


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
    if ref is not None:
        paper = paper_for_id(ref.kind, ref.value, record.title)
    else:
        paper = Paper(title=record.title or "", abs_url=record.url)
    paper.authors, paper.published = record.authors, record.published
    paper.abstract, paper.code_url = record.abstract, record.code_url
    return Entry(paper=paper, sighting=Sighting(position=position, summary=record.summary))


def paper_for_id(kind: str, value: str, title: str | None = None) -> Paper:
    """A paper known by an arXiv id or a DOI, with its links; named by its id without a title."""
    if kind == "arxiv":
        return Paper(title=title or f"arXiv:{value}", arxiv_id=value, abs_url=abs_url(value), pdf_url=pdf_url(value))
    return Paper(title=title or f"doi:{value}", doi=value, abs_url=f"https://doi.org/{value}")


@register
class RecordFinderParser(DigestParser):
    """Any Markdown or HTML digest: papers from its lists, tables, sections and cards."""

    name = "generic"

    def sniff(self, text: str) -> float:
        # Ten distinct ids give the highest score, and the first lines of a digest usually
        # hold them; whole lines, so the ids found there are ids of the whole text.
        head = text
        if len(text) > SNIFF_HEAD_CHARS:
            head = text[: text.rfind("\n", 0, SNIFF_HEAD_CHARS) + 1]
        count = len(distinct_references(head))
        if count < SURE_IDS and head is not text:
            count = len(distinct_references(text))
        if not count:  # only links to pages named by ids ("/papers/2405.00732")
            count = len(set(ID_NAMED_LINK_RE.findall(text)))
        return min(0.3, 0.1 + 0.02 * count) if count else 0.0

    def parse(self, text: str) -> ParsedDigest:
        entries: list[Entry] = []
        date = None
        seen: set[tuple[str, str]] = set()
        # A tree costs tens of times its text in memory: a huge digest is read in parts cut
        # at blank lines, so memory stays bounded whatever the file's size.
        for _, part in text_windows(text, TREE_CHARS, ("\n\n", "\n")):
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




def _digest_date(finder: RecordFinder) -> str | None:
    for heading in finder.tree.root.iter(*HEADINGS):
        date = iso_date(text_of(heading))
        if date:
            return date
        break
    return None

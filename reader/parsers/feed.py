"""Parser for RSS 2.0, RSS 1.0 (RDF) and Atom feeds: arXiv's RSS and API feeds, paper blogs."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import (
    ARXIV_ID_VERSION,
    ARXIV_URL_RE,
    DigestParser,
    ParseError,
    abs_url,
    pdf_url,
    register,
)
from reader.parsers.dates import timestamp_date
from reader.parsers.titles import split_authors
from reader.parsers.identifiers import doi_in_field, doi_in_url

_ID = ARXIV_ID_VERSION + r"(?![\w.])"
# Places where a feed names an arXiv paper without an arxiv.org/abs URL: arXiv's RSS guid
# ("oai:arXiv.org:2401.01234v1"), its description prefix ("arXiv:2401.01234v1 Announce
# Type: new"), old RSS titles ("(arXiv:2401.01234v1 [cs.LG])") and Hugging Face paper pages.
NAMED_ID_RE = re.compile(r"(?:arXiv\.org:|arxiv\.org:|arXiv:[ \t]?|huggingface\.co/papers/)" + _ID)
ANNOUNCE_RE = re.compile(
    r"^[ \t\n]*arXiv:[ \t]?\S+[ \t\n]+Announce Type:[ \t]*(?P<type>[\w-]+)[ \t\n]*"
    r"(?:Abstract:[ \t\n]*)?"
)
# Old arXiv RSS titles end with ". (arXiv:2401.01234v1 [cs.LG] UPDATED)"; bounded, so a long
# title costs one pass.
TITLE_SUFFIX_RE = re.compile(r"\.?[ \t]*\(arXiv:[^()\n]{1,80}\)[ \t.]*$")
ISO_DATE_RE = re.compile(r"^[ \t\n]*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
CLOSING_ITEM_RE = re.compile(r"</(?:[A-Za-z_][\w.-]{0,30}:)?(?:item|entry)[ \t\n]*>")
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "purl.org/rss/1.0"
# The root element shows in the prolog; a DOCTYPE with an internal subset can make the
# prolog long, but no real feed needs more than this before its root.
SNIFF_LIMIT = 16_384
HIDDEN_TAGS = {"script", "style", "template"}
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "section",
    "article", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}


def _xml_parser() -> etree.XMLParser:
    # Feeds are untrusted: no DTD loading, no entity expansion (external entities or a
    # billion laughs), no network. The text arrives decoded, so the declared encoding is
    # overridden by the UTF-8 we encode it to.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True,
        encoding="utf-8",
    )


@register
class FeedParser(DigestParser):
    """`<rss><channel><item>`, `<rdf:RDF><item>` or Atom `<feed><entry>`."""

    name = "feed"
    data_format = True

    def sniff(self, text: str) -> float:
        head = text[:SNIFF_LIMIT]
        root = _root_name(head)
        if root is None:
            return 0.0
        local = root.rsplit(":", 1)[-1]
        if local == "rss":
            return 0.95 if "<channel" in head else 0.8
        if local == "feed":
            return 0.95 if ATOM_NS in head else 0.5
        if local == "RDF":
            return 0.95 if RSS1_NS in head else 0.3
        return 0.0

    def parse(self, text: str) -> ParsedDigest:
        parser = _xml_parser()
        try:
            root = etree.fromstring(text.encode("utf-8"), parser)
        except (etree.LxmlError, ValueError):
            root = None
        if root is None or _local(root) not in ("rss", "feed", "RDF"):
            raise ParseError("this is not a readable RSS or Atom feed")
        digest = ParsedDigest(format=self.name, date=_feed_date(root))
        items = [el for el in root.iter() if _local(el) in ("item", "entry")]
        if not items:
            raise ParseError(f"the {_local(root)} feed has no items")
        fatal = [error for error in parser.error_log if error.level == etree.ErrorLevels.FATAL]
        if fatal:
            # recover=True keeps what was read before the error (a cut-off download, an
            # entity bomb that libxml2 refused); the user should know the rest is missing.
            error = fatal[0]
            digest.warnings.append(
                f"the feed is not well-formed XML (line {error.line}: {_shorten(error.message)});"
                " items after that point may be missing"
            )
            if items and len(CLOSING_ITEM_RE.findall(text)) < len(items):
                items.pop()
                digest.warnings.append("skipped the last feed item: the feed is cut off inside it")
        for number, item in enumerate(items, start=1):
            entry = _build_entry(item, len(digest.entries) + 1)
            if entry is None:
                digest.warnings.append(f"skipped feed item {number}: it has no title")
                continue
            digest.entries.append(entry)
        return digest


def _shorten(message: str, limit: int = 100) -> str:
    """libxml2 quotes the offending input, which can be a whole huge line."""
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _root_name(head: str) -> str | None:
    """Name of the first element after the XML declaration, comments and DOCTYPE."""
    pos, end = 0, len(head)
    while pos < end:
        pos = end - len(head[pos:].lstrip())
        if head.startswith("<?", pos):
            close = head.find("?>", pos)
            pos = close + 2 if close >= 0 else end
        elif head.startswith("<!--", pos):
            close = head.find("-->", pos)
            pos = close + 3 if close >= 0 else end
        elif head.startswith("<!DOCTYPE", pos):
            close = head.find(">", pos)
            subset = head.find("[", pos, close if close >= 0 else end)
            if subset >= 0:  # an internal subset holds '>' of its own declarations
                close = head.find("]", subset)
                close = head.find(">", close) if close >= 0 else -1
            pos = close + 1 if close >= 0 else end
        elif head.startswith("<", pos):
            name_end = pos + 1
            while name_end < end and name_end - pos < 64 and head[name_end] not in " \t\n\r/>":
                name_end += 1
            return head[pos + 1 : name_end] or None
        else:
            return None
    return None


def _local(element: etree._Element) -> str:
    """Local name of an element; "" for comments, entity references and PIs."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _text(element: etree._Element | None) -> str:
    """Character data of `element`, entity references left out: with entities unresolved
    lxml keeps them as nodes, and serialising them as text would expand them after all."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _first_text(element: etree._Element, *names: str) -> str:
    for name in names:
        for child in _children(element, name):
            value = _text(child).strip()
            if value:
                return value
    return ""


def html_to_text(markup: str) -> str:
    """Paragraphs of plain text from a title or description that may hold HTML."""
    if "<" in markup or "&" in markup:
        markup = _html_text(markup)
    paragraphs = (" ".join(part.split()) for part in PARAGRAPH_BREAK_RE.split(markup))
    return "\n\n".join(part for part in paragraphs if part)


def _html_text(markup: str) -> str:
    """Text of an HTML fragment, block elements turned into blank lines. libxml2's HTML
    parser rather than html.parser, which goes quadratic on input like "<a <a <a ..."."""
    parser = lxml.html.HTMLParser(
        no_network=True, recover=True, remove_comments=True, remove_pis=True
    )
    try:
        root = lxml.html.document_fromstring(f"<div>{markup}</div>", parser=parser)
    except (etree.LxmlError, ValueError):
        return ""
    parts: list[str] = []
    # iterwalk, not recursion: a fragment may nest thousands of tags deep.
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            if tag not in HIDDEN_TAGS:
                parts.append(element.text or "")
        else:
            if tag in BLOCK_TAGS:
                parts.append("\n\n")
            parts.append(element.tail or "")
    return "".join(parts)


def _build_entry(item: etree._Element, position: int) -> Entry | None:
    full_title = " ".join(html_to_text(_first_text(item, "title")).split())
    title = TITLE_SUFFIX_RE.sub("", full_title).strip()
    if not title:
        return None
    links = _links(item)
    raw_abstract = _first_text(item, "description", "summary") or _first_text(
        item, "encoded", "content"
    )
    abstract = html_to_text(raw_abstract)
    announce = ANNOUNCE_RE.match(abstract)
    if announce:
        abstract = abstract[announce.end() :]
    paper = Paper(
        title=title,
        authors=_authors(item),
        abstract=abstract or None,
        published=timestamp_date(_first_text(item, "published", "pubDate", "date", "issued", "updated")),
    )
    guid = _first_text(item, "guid", "id")
    # Only the places that name the item's own paper: a blog post may cite other papers.
    suffix = TITLE_SUFFIX_RE.search(full_title)
    arxiv = _arxiv_id([
        links.get("alternate", ""), guid, links.get("pdf", ""),
        suffix.group(0) if suffix else "", announce.group(0) if announce else "",
    ])
    if arxiv:
        paper.arxiv_id = arxiv
        paper.abs_url, paper.pdf_url = abs_url(arxiv), pdf_url(arxiv)
    paper.doi = doi_in_field(_first_text(item, "doi")) or doi_in_url(links.get("doi", ""))
    page = links.get("alternate") or (guid if guid.startswith(("http://", "https://")) else "")
    paper.doi = paper.doi or doi_in_url(page)
    if not arxiv:
        if page.lower().endswith(".pdf"):
            paper.pdf_url = page
        elif page and paper.doi:
            paper.abs_url = page  # a publisher's landing page
        elif page:
            paper.homepage_url = page
        if links.get("pdf") and not paper.pdf_url:
            paper.pdf_url = links["pdf"]
    announce_type = _first_text(item, "announce_type") or (
        announce.group("type") if announce else ""
    )
    return Entry(paper=paper, sighting=_sighting(item, position, announce_type))


def _links(item: etree._Element) -> dict[str, str]:
    """The item's page ("alternate"), PDF and DOI links, from RSS text or Atom attributes."""
    found: dict[str, str] = {}
    for link in _children(item, "link"):
        href = (link.get("href") or _text(link)).strip()
        if not href:
            continue
        rel, kind, title = link.get("rel", "alternate"), link.get("type", ""), link.get("title", "")
        if title == "pdf" or kind == "application/pdf":
            found.setdefault("pdf", href)
        elif title == "doi":
            found.setdefault("doi", href)
        elif rel == "alternate":
            found.setdefault("alternate", href)
    return found


def _arxiv_id(candidates: list[str]) -> str | None:
    for candidate in candidates:
        match = ARXIV_URL_RE.search(candidate) or NAMED_ID_RE.search(candidate)
        if match:
            return match.group("id")
    return None






def _authors(item: etree._Element) -> list[str]:
    names: list[str] = []
    for author in _children(item, "author"):
        name = _first_text(author, "name") or _text(author).strip()
        # RSS 2.0 writes "jane@example.org (Jane Doe)"
        if "@" in name and "(" in name and name.endswith(")"):
            name = name[name.index("(") + 1 : -1]
        names += split_authors(html_to_text(name))
    for creator in _children(item, "creator"):
        names += split_authors(html_to_text(_text(creator)))
    return names




def _sighting(item: etree._Element, position: int, announce_type: str) -> Sighting:
    terms = [(c.get("term") or _text(c)).strip() for c in _children(item, "category")]
    categories = list(dict.fromkeys(term for term in terms if term))
    primary = next(
        (c.get("term") for c in _children(item, "primary_category") if c.get("term")), None
    )
    notes: list[str] = []
    if announce_type:
        notes.append(f"Announce type: {announce_type}")
    if categories:
        notes.append("Categories: " + ", ".join(categories))
    for name, label in (("comment", "Comments"), ("journal_ref", "Journal-ref")):
        value = " ".join(_first_text(item, name).split())
        if value:
            notes.append(f"{label}: {value}")
    return Sighting(
        position=position,
        detail="\n".join(notes) or None,
        topic=primary or (categories[0] if categories else None),
    )




def _feed_date(root: etree._Element) -> str | None:
    channel = next(iter(_children(root, "channel")), root)
    for name in ("pubDate", "date", "lastBuildDate", "updated"):
        value = timestamp_date(_first_text(channel, name))
        if value:
            return value
    return None

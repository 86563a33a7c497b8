"""RIS (Zotero, EndNote, Mendeley) written and read through rispy, user state in KW/N1."""

from __future__ import annotations

import re
from collections.abc import Iterable

import rispy

from reader.exchange.item import CitationItem, FileLink, arxiv_of_doi, set_arxiv
from reader.exchange.keys import assign_keys
from reader.exchange.names import from_ris_name, to_ris_name
from reader.ids import ARXIV_URL_RE, DOI_RE, split_arxiv_id

# BibTeX type <-> RIS TY. Reading also accepts the other common spellings.
_TYPE_TO_RIS = {
    "article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER", "book": "BOOK",
    "inbook": "CHAP", "incollection": "CHAP", "phdthesis": "THES", "mastersthesis": "THES",
    "thesis": "THES", "techreport": "RPRT", "report": "RPRT", "unpublished": "UNPB",
    "online": "ELEC", "misc": "GEN", "proceedings": "CONF", "manual": "GEN",
}
_RIS_TO_TYPE = {
    "JOUR": "article", "JFULL": "article", "EJOUR": "article", "MGZN": "article",
    "CPAPER": "inproceedings", "CONF": "inproceedings", "BOOK": "book", "EBOOK": "book",
    "CHAP": "incollection", "ECHAP": "incollection", "THES": "phdthesis", "RPRT": "techreport",
    "UNPB": "unpublished", "ELEC": "online", "WEB": "online", "GEN": "misc",
}
# AB as a list tag: rispy then keeps an abstract's paragraphs as lines instead of joining them.
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "L1", "AB"]
# The user's read status and rating ride in one N1 note of this exact shape; any other
# program shows it as a readable note.
_STATE_RE = re.compile(r"^Digest Reader: (read|unread)(?:, rated ([1-5])/5)?$")
_ARXIV_TEXT_RE = re.compile(r"arXiv:\s?(\S+)", re.IGNORECASE)
_DATE_RE = re.compile(r"^\s*(\d{4})(?:[/-](\d{0,2})(?:[/-](\d{0,2}))?)?")


class _Writer(rispy.RisWriter):
    """rispy's writer without its "1." line before each record, which RIS does not have."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(items: Iterable[CitationItem], *, with_state: bool = False) -> str:
    """RIS records for `items`; `with_state` adds tags (KW), note and read/rating (N1)."""
    items = list(items)
    keys = assign_keys(items)
    records = [ris_record(item, key, with_state=with_state) for item, key in zip(items, keys)]
    return rispy.dumps(records, implementation=_Writer, list_tags=_LIST_TAGS)


def ris_record(item: CitationItem, key: str, *, with_state: bool = False) -> dict:
    """The rispy dict (field name -> value) for one item."""
    kind = item.entry_type or ("article" if item.journal else "inproceedings" if item.booktitle else "misc")
    record: dict = {"type_of_reference": _TYPE_TO_RIS.get(kind, "GEN"), "id": key}
    _put(record, "title", item.title)
    authors = [to_ris_name(name) for name in item.authors if name.strip()]
    if authors:
        record["authors"] = authors
    year = item.effective_year()
    if year:
        record["year"] = str(year)
    month = item.effective_month()
    if item.published and year:
        record["date"] = item.published.replace("-", "/")
    elif year and month:
        record["date"] = f"{year}/{month:02d}/"
    # T2 is the journal for JOUR and the proceedings for CPAPER, as Zotero writes them.
    _put(record, "secondary_title", item.journal or item.booktitle)
    _put(record, "volume", item.volume)
    _put(record, "number", item.number)
    if item.pages:
        start, _, end = re.sub(r"\s*(?:-+|–|—)\s*", "-", item.pages.strip()).partition("-")
        _put(record, "start_page", start)
        _put(record, "end_page", end)
    _put(record, "publisher", item.publisher)
    if item.abstract and item.abstract.strip():
        record["abstract"] = [item.abstract.strip()]
    _put(record, "doi", item.doi)
    if item.arxiv_id:
        version = f"v{item.arxiv_version}" if item.arxiv_version else ""
        record["accession_number"] = f"arXiv:{item.arxiv_id}{version}"
        if item.primary_category:
            record["type_of_work"] = item.primary_category  # M3; Zotero shows it as "Type"
    urls = [u for u in (item.url, _abs_url(item.arxiv_id)) if u]
    if urls:
        record["urls"] = list(dict.fromkeys(urls))
    if with_state:
        if item.tags:
            record["keywords"] = list(item.tags)
        notes = []
        if item.note and item.note.strip():
            notes.append(item.note.strip())
        if item.read or item.rating:
            state = f"Digest Reader: {'read' if item.read else 'unread'}"
            notes.append(state + (f", rated {item.rating}/5" if item.rating else ""))
        if notes:
            record["notes"] = notes
        if item.files:
            record["file_attachments1"] = [link.path for link in item.files]
    return record


def _put(record: dict, name: str, value: str | None) -> None:
    if value and value.strip():
        record[name] = " ".join(value.split())


def _abs_url(arxiv_id: str | None) -> str | None:
    return f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None


def from_ris(text: str) -> list[CitationItem]:
    """The records of a RIS file as CitationItems."""
    return [item_from_record(record) for record in rispy.loads(text, list_tags=_LIST_TAGS)]


def _first(record: dict, *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _lines(value: object) -> str | None:
    lines = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(str(line).rstrip() for line in lines).strip())
    return text or None


def item_from_record(record: dict) -> CitationItem:
    """A CitationItem from one rispy record dict."""
    kind = _RIS_TO_TYPE.get(str(record.get("type_of_reference", "")).upper(), "misc")
    container = _first(record, "secondary_title", "journal_name", "alternate_title3", "alternate_title2")
    item = CitationItem(
        title=" ".join((_first(record, "title", "primary_title") or "").split()),
        authors=[from_ris_name(n) for n in record.get("authors", []) + record.get("first_authors", []) if n.strip()],
        entry_type=kind,
        citation_key=_first(record, "id"),
        journal=container if kind not in {"inproceedings", "incollection", "book"} else None,
        booktitle=container if kind in {"inproceedings", "incollection"} else None,
        volume=_first(record, "volume"),
        number=_first(record, "number"),
        publisher=_first(record, "publisher"),
        abstract=_lines(record.get("abstract")) or _first(record, "notes_abstract"),
    )
    start, end = _first(record, "start_page"), _first(record, "end_page")
    item.pages = f"{start}--{end}" if start and end else start or end
    _read_dates(item, record)
    doi = _first(record, "doi") or ""
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)\s*", "", doi, flags=re.IGNORECASE)
    item.doi = doi if doi and DOI_RE.match(doi) else None
    urls = [u.strip() for u in record.get("urls", []) if u.strip()]
    _read_arxiv(item, record, urls)
    abs_url = _abs_url(item.arxiv_id)
    item.url = next((u for u in urls if u != abs_url), None)
    item.tags = [" ".join(k.split()) for k in record.get("keywords", []) if k.strip()]
    notes: list[str] = []
    for line in record.get("notes", []):
        state = _STATE_RE.match(line.strip())
        if state:
            item.read = state.group(1) == "read"
            item.rating = int(state.group(2)) if state.group(2) else None
        else:
            notes.append(line.rstrip())
    # rispy splits a multi-line N1 into one list element per line, blank lines included.
    note = "\n".join(notes).strip()
    item.note = re.sub(r"\n{3,}", "\n\n", note) or None
    item.files = [FileLink(path=p.strip()) for p in record.get("file_attachments1", []) if p.strip()]
    return item


def _read_dates(item: CitationItem, record: dict) -> None:
    """PY/DA may hold "2024", "2024/03/" or "2024/03/15": only what is there is kept."""
    for name in ("date", "year", "publication_year"):
        found = _DATE_RE.match(_first(record, name) or "")
        if not found:
            continue
        item.year = item.year or int(found.group(1))
        month = int(found.group(2)) if found.group(2) else None
        if month and 1 <= month <= 12 and not item.month:
            item.month = month
            day = int(found.group(3)) if found.group(3) else None
            if day and 1 <= day <= 31 and not item.published:
                item.published = f"{found.group(1)}-{month:02d}-{day:02d}"


def _read_arxiv(item: CitationItem, record: dict, urls: list[str]) -> None:
    texts = [_first(record, "accession_number", "note") or ""] + list(record.get("notes", []))
    found = None
    for text in texts:
        match = _ARXIV_TEXT_RE.search(text)
        if match and (found := split_arxiv_id(match.group(1))):
            break
    if not found:
        found = arxiv_of_doi(item.doi)
    if not found:
        match = next((m for m in map(ARXIV_URL_RE.search, urls) if m), None)
        found = (match.group("id"), match.group("version")) if match else None
    if found:
        set_arxiv(item, found)
        item.primary_category = _first(record, "type_of_work")

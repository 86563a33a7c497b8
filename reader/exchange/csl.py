"""CSL-JSON (citeproc, Zotero, Better BibTeX, pandoc) written and read, partial dates kept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from reader.exchange.item import CitationItem, FileLink, arxiv_of_doi, set_arxiv
from reader.exchange.keys import assign_keys
from reader.exchange.names import from_csl_name, to_csl_name
from reader.ids import split_arxiv_id

_TYPE_TO_CSL = {
    "article": "article-journal", "inproceedings": "paper-conference",
    "conference": "paper-conference", "book": "book", "inbook": "chapter",
    "incollection": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis", "techreport": "report", "report": "report",
    "unpublished": "manuscript", "online": "webpage", "proceedings": "book",
}
_CSL_TO_TYPE = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "book": "book", "chapter": "incollection",
    "thesis": "phdthesis", "report": "techreport", "manuscript": "unpublished",
    "webpage": "online", "post-weblog": "online", "article": "misc", "document": "misc",
}
_CONTAINER_IS_BOOK = {"inproceedings", "incollection", "inbook"}
# Zotero stores a preprint's archive id in CSL "number" as "arXiv:2401.01234".
_ARXIV_NUMBER_RE = re.compile(r"^arXiv:(\S+)$", re.IGNORECASE)


def to_csl(items: Iterable[CitationItem], *, with_state: bool = False) -> list[dict]:
    """CSL-JSON item objects; `with_state` adds keyword, annote and custom read/rating/files."""
    items = list(items)
    keys = assign_keys(items)
    return [csl_item(item, key, with_state=with_state) for item, key in zip(items, keys)]


def dumps_csl(items: Iterable[CitationItem], *, with_state: bool = False) -> str:
    """to_csl as pretty-printed UTF-8 JSON text."""
    return json.dumps(to_csl(items, with_state=with_state), ensure_ascii=False, indent=2) + "\n"


def csl_item(item: CitationItem, key: str, *, with_state: bool = False) -> dict:
    """One CSL-JSON object; `id` and `citation-key` are the citation key (as Better BibTeX)."""
    kind = item.entry_type or ("article" if item.journal else "inproceedings" if item.booktitle else "misc")
    if kind == "misc":
        # Zotero's preprint is CSL "article"; a misc entry without an arXiv id is a document.
        csl_type = "article" if item.arxiv_id else "document"
    else:
        csl_type = _TYPE_TO_CSL.get(kind, "document")
    data: dict = {"id": key, "citation-key": key, "type": csl_type}
    if item.title.strip():
        data["title"] = " ".join(item.title.split())
    authors = [to_csl_name(name) for name in item.authors if name.strip()]
    if authors:
        data["author"] = authors
    issued = _date_parts(item)
    if issued:
        data["issued"] = {"date-parts": [issued]}
    container = item.booktitle if kind in _CONTAINER_IS_BOOK else item.journal
    for name, value in (
        ("container-title", container or item.journal or item.booktitle),
        ("volume", item.volume), ("issue", item.number),
        ("page", re.sub(r"\s*(?:-+|–|—)\s*", "-", item.pages) if item.pages else None),
        ("publisher", item.publisher), ("DOI", item.doi),
        ("URL", item.url or (f"https://arxiv.org/abs/{item.arxiv_id}" if item.arxiv_id else None)),
        ("abstract", item.abstract),
    ):
        if value and str(value).strip():
            data[name] = str(value).strip()
    # Values CSL has no variable for live under "custom" (CSL 1.0.2), which processors ignore.
    custom: dict = {}
    if item.arxiv_id:
        version = f"v{item.arxiv_version}" if item.arxiv_version else ""
        data["number"] = f"arXiv:{item.arxiv_id}{version}"  # Zotero's archive id of a preprint
        if item.primary_category:
            custom["primary-category"] = item.primary_category
    if with_state:
        if item.tags:
            data["keyword"] = ", ".join(item.tags)
        if item.note and item.note.strip():
            data["annote"] = item.note.strip()
        if item.read:
            custom["read"] = True
        if item.rating:
            custom["rating"] = item.rating
        if item.files:
            custom["files"] = [
                {"path": f.path, "description": f.description, "type": f.filetype} for f in item.files
            ]
    if custom:
        data["custom"] = custom
    return data


def _date_parts(item: CitationItem) -> list[int] | None:
    """[y], [y, m] or [y, m, d]: as precise as the item knows, never more."""
    year = item.effective_year()
    if not year:
        return None
    if item.published and item.published.startswith(f"{year:04d}-") and len(item.published) == 10:
        return [year, int(item.published[5:7]), int(item.published[8:10])]
    month = item.effective_month()
    return [year, month] if month else [year]


def loads_csl(text: str) -> list[CitationItem]:
    """CSL-JSON text (a list of items, or one item) as CitationItems."""
    return from_csl(json.loads(text))


def from_csl(data: object) -> list[CitationItem]:
    """CitationItems from parsed CSL-JSON; objects without a title or an author are skipped."""
    records = data if isinstance(data, list) else [data]
    return [item_from_csl(r) for r in records if isinstance(r, dict) and (r.get("title") or r.get("author"))]


def _str(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, list):  # some exporters give container-title as a list
        value = value[0] if value else None
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def item_from_csl(data: dict) -> CitationItem:
    """A CitationItem from one CSL-JSON object."""
    kind = _CSL_TO_TYPE.get(str(data.get("type") or ""), "misc")
    container = _str(data.get("container-title"))
    key = _str(data.get("citation-key")) or _str(data.get("citation_key"))
    item_id = _str(data.get("id"))
    if not key and item_id and re.fullmatch(r"[A-Za-z][\w:.+-]*", item_id) and "://" not in item_id:
        key = item_id  # Better BibTeX uses the key as the id; Zotero's URIs are no key
    authors = data.get("author") if isinstance(data.get("author"), list) else []
    item = CitationItem(
        title=_str(data.get("title")) or "",
        authors=[name for name in map(from_csl_name, authors) if name],
        entry_type=kind,
        citation_key=key,
        journal=container if kind not in _CONTAINER_IS_BOOK else None,
        booktitle=container if kind in _CONTAINER_IS_BOOK else None,
        volume=_str(data.get("volume")),
        number=_str(data.get("issue")),
        pages=re.sub(r"\s*(?:-+|–|—)\s*", "--", _str(data.get("page")) or "") or None,
        publisher=_str(data.get("publisher")),
        doi=_str(data.get("DOI")),
        url=_str(data.get("URL")),
        abstract=(data.get("abstract") or "").strip() or None if isinstance(data.get("abstract"), str) else None,
    )
    _read_issued(item, data.get("issued"))
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
    number = _str(data.get("number")) or ""
    found = None
    if match := _ARXIV_NUMBER_RE.match(number):
        found = split_arxiv_id(match.group(1))
    if not found:
        found = arxiv_of_doi(item.doi)
    if not found and item.url and "arxiv.org/" in item.url.lower():
        found = split_arxiv_id(item.url)
    if found:
        set_arxiv(item, found)
        item.primary_category = _str(custom.get("primary-category"))
        if item.url and item.url.rstrip("/") == f"https://arxiv.org/abs/{item.arxiv_id}":
            item.url = None
        if item.publisher and item.publisher.lower() == "arxiv":
            item.publisher = None  # Zotero names the repository as the publisher
    if not found and number and kind in {"techreport", "misc"}:
        item.number = item.number or number
    keywords = _str(data.get("keyword")) or ""
    item.tags = [t.strip() for t in re.split(r"[,;]", keywords) if t.strip()]
    note = data.get("annote") or data.get("note")
    item.note = note.strip() if isinstance(note, str) and note.strip() else None
    item.read = custom.get("read") is True
    rating = custom.get("rating")
    item.rating = rating if isinstance(rating, int) and 1 <= rating <= 5 else None
    files = custom.get("files") if isinstance(custom.get("files"), list) else []
    item.files = [
        FileLink(path=str(f.get("path")), description=str(f.get("description") or ""), filetype=str(f.get("type") or ""))
        for f in files if isinstance(f, dict) and f.get("path")
    ]
    return item


def _read_issued(item: CitationItem, issued: object) -> None:
    if not isinstance(issued, dict):
        return
    parts = issued.get("date-parts")
    numbers: list[int] = []
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        for part in parts[0][:3]:
            try:
                numbers.append(int(part))
            except (TypeError, ValueError):
                break
    elif isinstance(issued.get("raw") or issued.get("literal"), str):
        found = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", issued.get("raw") or issued.get("literal"))
        numbers = [int(g) for g in found.groups() if g] if found else []
    if not numbers:
        return
    item.year = numbers[0]
    if len(numbers) > 1 and 1 <= numbers[1] <= 12:
        item.month = numbers[1]
        if len(numbers) > 2 and 1 <= numbers[2] <= 31:
            item.published = f"{numbers[0]:04d}-{numbers[1]:02d}-{numbers[2]:02d}"

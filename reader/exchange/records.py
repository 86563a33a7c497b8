"""Library records <-> CitationItem: the one mapping between the store's papers and the exchange formats."""

from __future__ import annotations

import re
from typing import Any

from reader.exchange.item import CitationItem, FileLink
from reader.exchange.keys import key_year
from reader.models import Entry, Paper, Sighting

# Scalar CitationItem fields kept in papers.bib (a JSON object), beside `extra` and `files`.
BIB_FIELDS = (
    "entry_type", "journal", "booktitle", "volume", "number", "pages", "publisher",
    "primary_category", "arxiv_version", "year", "month", "url",
)
_FULL_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def bib_from_item(item: CitationItem) -> dict[str, Any]:
    """The papers.bib object for an item: only the fields it has."""
    bib: dict[str, Any] = {name: getattr(item, name) for name in BIB_FIELDS if getattr(item, name)}
    if item.extra:
        bib["extra"] = dict(item.extra)
    if item.files:
        bib["files"] = [
            {"path": f.path, "description": f.description, "type": f.filetype} for f in item.files
        ]
    return bib


def merged_bib(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """`old` with what it lacks filled from `new`: a later source never overwrites a field."""
    merged = dict(old)
    for name, value in new.items():
        if name == "extra":
            merged["extra"] = {**value, **old.get("extra", {})}
        elif not merged.get(name):
            merged[name] = value
    return merged


def files_of(bib: dict[str, Any]) -> list[FileLink]:
    return [
        FileLink(path=str(f.get("path")), description=str(f.get("description") or ""),
                 filetype=str(f.get("type") or ""))
        for f in bib.get("files") or [] if isinstance(f, dict) and f.get("path")
    ]


def _is_arxiv_link(url: str | None) -> bool:
    return bool(url) and "arxiv.org/" in url.lower()


def page_url(paper: Any) -> str | None:
    """The paper's own page for `url`: not an arXiv link (the writers derive it from the id)."""
    for url in (paper.abs_url, paper.pdf_url, paper.homepage_url):
        if url and re.match(r"https?://", url, re.IGNORECASE) and not _is_arxiv_link(url):
            return url
    return None


def item_from_paper(paper: Any, *, with_key: bool = True) -> CitationItem:
    """A CitationItem from a store PaperDetail (attributes: title, authors, ..., bib, tags)."""
    bib = getattr(paper, "bib", None) or {}
    published = paper.published or ""
    year = bib.get("year") or (int(published[:4]) if published[:4].isdigit() else None)
    month = bib.get("month")
    if not year and paper.arxiv_id:
        # The id's YYMM is when it was submitted: the year arXiv's own export gives.
        year = int(key_year(CitationItem(arxiv_id=paper.arxiv_id)) or 0) or None
        found = re.match(r"\d{2}(\d{2})\.\d{4,5}$", paper.arxiv_id)
        month = month or (int(found.group(1)) if found and 1 <= int(found.group(1)) <= 12 else None)
    # A source that stated its date (bib year) is the authority: no month from elsewhere.
    if not month and not bib.get("year") and len(published) >= 7 and published[5:7].isdigit():
        month = int(published[5:7]) if 1 <= int(published[5:7]) <= 12 else None
    return CitationItem(
        title=paper.title or "",
        authors=list(paper.authors or []),
        year=year,
        month=month,
        published=published if _FULL_DATE_RE.match(published) else None,
        arxiv_id=paper.arxiv_id,
        arxiv_version=bib.get("arxiv_version") or getattr(paper, "version", None),
        # issue 13's enrichment may know the category on the paper itself.
        primary_category=getattr(paper, "primary_category", None) or bib.get("primary_category"),
        doi=paper.doi,
        url=bib.get("url") or page_url(paper),
        journal=bib.get("journal"),
        booktitle=bib.get("booktitle"),
        volume=bib.get("volume"),
        number=bib.get("number"),
        pages=bib.get("pages"),
        publisher=bib.get("publisher"),
        entry_type=bib.get("entry_type"),
        abstract=paper.abstract,
        citation_key=getattr(paper, "citation_key", None) if with_key else None,
        tags=list(getattr(paper, "tags", None) or []),
        read=bool(getattr(paper, "read", False)),
        rating=getattr(paper, "rating", None),
        note=getattr(paper, "note", None),
        files=files_of(bib),
        extra=dict(bib.get("extra") or {}),
    )


def key_item(title: str, authors: list[str], published: str | None, arxiv_id: str | None,
             doi: str | None, bib: dict[str, Any]) -> CitationItem:
    """The fields a key is made of, from a papers row (the store makes keys from these)."""
    year = bib.get("year") or (int(published[:4]) if published and published[:4].isdigit() else None)
    return CitationItem(title=title or "", authors=authors, year=year, arxiv_id=arxiv_id, doi=doi,
                        journal=bib.get("journal"), booktitle=bib.get("booktitle"), url=bib.get("url"))


def published_of(item: CitationItem) -> str | None:
    """The paper's date as precise as the item knows it: 2024-03-15, 2024-03 or 2024."""
    if item.published:
        return item.published
    year, month = item.effective_year(), item.effective_month()
    if not year:
        return None
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def paper_from_item(item: CitationItem) -> Paper:
    """The library Paper an item describes (links derived from the arXiv id, else its URL)."""
    paper = Paper(
        title=" ".join(item.title.split()), authors=list(item.authors), arxiv_id=item.arxiv_id,
        doi=item.doi, abstract=item.abstract, published=published_of(item),
    )
    if item.arxiv_id:
        paper.abs_url = f"https://arxiv.org/abs/{item.arxiv_id}"
        paper.pdf_url = f"https://arxiv.org/pdf/{item.arxiv_id}"
    if item.url and re.match(r"https?://", item.url, re.IGNORECASE):
        if item.url.lower().endswith(".pdf"):
            paper.pdf_url = paper.pdf_url or item.url
        elif not item.arxiv_id:
            paper.abs_url = item.url
    return paper


def entry_from_item(item: CitationItem, position: int) -> Entry:
    """A digest entry carrying the item, so the store keeps its key, fields and state."""
    return Entry(paper_from_item(item), Sighting(position=position), citation=item)

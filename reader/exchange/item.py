"""CitationItem: the plain record every exchange format reads into and writes from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class FileLink:
    """A file attached to a paper, as JabRef's `file` field lists it (description:path:type)."""

    path: str
    description: str = ""
    filetype: str = ""


@dataclass
class CitationItem:
    """One paper as a citation: bibliographic data, the user's state and unmapped fields.

    Text fields hold plain Unicode; `$...$` math is kept as written so it reaches LaTeX intact.
    Authors are display names ("Ludwig van Beethoven, Jr.", "García Márquez, Gabriel",
    "OpenAI Team"); reader.exchange.names turns them into each format's form.
    """

    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    month: int | None = None  # 1..12, only when a source states it
    # Whole ISO date (YYYY-MM-DD), only when the day is known: no day is ever made up.
    published: str | None = None
    arxiv_id: str | None = None  # without version: 2401.01234, hep-th/9901001
    arxiv_version: int | None = None
    primary_category: str | None = None  # cs.CL
    doi: str | None = None
    url: str | None = None
    journal: str | None = None
    booktitle: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None  # ranges as "12--34"
    publisher: str | None = None
    entry_type: str | None = None  # lower-case BibTeX type; None lets writers infer one
    abstract: str | None = None
    citation_key: str | None = None
    tags: list[str] = field(default_factory=list)
    read: bool = False
    rating: int | None = None  # 1..5
    note: str | None = None
    files: list[FileLink] = field(default_factory=list)
    # Other BibTeX fields (editor, isbn, address, owner, ...), lower-case name -> value as
    # LaTeX source, written back verbatim so nothing the user had is lost.
    extra: dict[str, str] = field(default_factory=dict)

    def effective_year(self) -> int | None:
        """`year`, else the year of `published`."""
        if self.year:
            return self.year
        if self.published and self.published[:4].isdigit():
            return int(self.published[:4])
        return None

    def effective_month(self) -> int | None:
        """`month`, else the month of a whole `published` date."""
        if self.month:
            return self.month
        if self.published and len(self.published) >= 7 and self.published[5:7].isdigit():
            month = int(self.published[5:7])
            return month if 1 <= month <= 12 else None
        return None


# arXiv's own DOIs name the paper: 10.48550/arXiv.2401.01234 (a version may follow).
ARXIV_DOI_RE = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)


def arxiv_of_doi(doi: str | None) -> tuple[str, str | None] | None:
    """(id, version) of an arXiv DOI, or None for any other DOI."""
    match = ARXIV_DOI_RE.fullmatch((doi or "").strip())
    return (match.group(1), match.group(2)) if match else None


def set_arxiv(item: CitationItem, found: tuple[str, str | None]) -> None:
    """Give `item` the arXiv id and version ("v3" -> 3) that `found` names."""
    item.arxiv_id = found[0]
    item.arxiv_version = int(found[1].lstrip("v")) if found[1] else None


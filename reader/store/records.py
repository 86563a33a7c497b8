"""Typed records the library hands out: rows for the table, a paper in full, digests, state."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "PaperRow", "PaperDetail", "SightingRecord", "DigestRecord", "UserState", "DeletedPapers",
]


@dataclass
class PaperRow:
    """What the paper table shows for one paper."""

    id: int
    title: str
    first_author: str | None
    authors_count: int
    published: str | None
    rating: int | None
    tags: list[str]
    read: bool
    seen: int
    has_note: bool
    arxiv_id: str | None
    added: str


@dataclass(frozen=True)
class SightingRecord:
    """What one digest said about a paper, with the digest's file, format and dates."""

    digest_id: int
    file: str
    format: str | None
    position: int
    score: float | None = None
    subscores: dict[str, float] = field(default_factory=dict)
    headline: str | None = None
    summary: str | None = None
    detail: str | None = None
    topic: str | None = None
    date: str | None = None  # the digest's own date, when it states one
    imported_at: str | None = None


@dataclass
class PaperDetail:
    """One paper with everything the library knows: facts, user state, sightings."""

    id: int
    title: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    doi: str | None = None
    abstract: str | None = None
    translation: str | None = None
    published: str | None = None
    abs_url: str | None = None
    pdf_url: str | None = None
    code_url: str | None = None
    homepage_url: str | None = None
    added: str | None = None
    seen: int = 0
    tags: list[str] = field(default_factory=list)
    rating: int | None = None
    read: bool = False
    read_at: str | None = None
    note: str | None = None
    archived: bool = False
    sightings: list[SightingRecord] = field(default_factory=list)  # in import order
    citation_key: str | None = None  # made once when the paper is stored (issue 14)
    bib: dict = field(default_factory=dict)  # journal, pages, files...: see exchange.records
    # From arXiv (issue 13): the latest version, its date, categories, the journal reference.
    version: int | None = None
    updated: str | None = None
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    # How fetching details went: "done" or "unresolved" (with why, and when); None: never tried.
    fetch_status: str | None = None
    fetch_reason: str | None = None
    fetch_tried_at: str | None = None

    @property
    def links(self) -> dict[str, str | None]:
        return {
            "abs": self.abs_url, "pdf": self.pdf_url, "code": self.code_url,
            "homepage": self.homepage_url,
        }


@dataclass(frozen=True)
class DigestRecord:
    """A digest file as the library recorded it."""

    id: int
    file: str
    format: str | None
    status: str  # imported | failed | duplicate (a copy of a digest already imported)
    entries: int = 0
    new: int = 0
    merged: int = 0
    error: str | None = None
    imported_at: str | None = None
    date: str | None = None  # the digest's own date, when it states one
    sha256: str | None = None


@dataclass
class UserState:
    """Everything the user set on one paper: what undo restores."""

    rating: int | None = None
    note: str | None = None
    read: bool = False
    read_at: str | None = None
    tags: list[str] = field(default_factory=list)
    archived: bool = False


@dataclass
class DeletedPapers:
    """What delete_papers() removed, rows as they were: restore_papers() puts them back."""

    papers: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    sightings: list[dict] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [paper["id"] for paper in self.papers]

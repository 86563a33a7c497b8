"""Plain dataclasses shared by parsers, library, importer, CLI and GUI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Paper:
    """A paper's bibliographic facts, as a digest states them or the library holds them."""

    title: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None  # without version, e.g. "2410.07177"
    doi: str | None = None
    abstract: str | None = None
    translation: str | None = None  # the abstract in another language, when a digest gives one
    published: str | None = None  # ISO date "YYYY-MM-DD"
    abs_url: str | None = None
    pdf_url: str | None = None
    code_url: str | None = None
    homepage_url: str | None = None
    id: int | None = None  # library id; None until stored
    first_seen: str | None = None  # ISO timestamp; set by the library


@dataclass
class Sighting:
    """What one digest says about one paper, beside the paper's own facts."""

    position: int  # 1-based order of the entry in its digest
    score: float | None = None
    subscores: dict[str, float] = field(default_factory=dict)
    headline: str | None = None
    summary: str | None = None
    detail: str | None = None
    topic: str | None = None  # table topic ("LLM") or newsletter week ("Oct 06")


@dataclass
class Entry:
    """One entry of a parsed digest: the paper and the digest's own words about it."""

    paper: Paper
    sighting: Sighting
    # A reader.exchange.CitationItem when the source is a reference manager's file (.bib,
    # RIS, CSL-JSON, Zotero): its key, bibliographic fields and the user's state (tags, read,
    # rating, note, files), which the store applies only to a paper that has no state yet.
    citation: Any = None


@dataclass
class ParsedDigest:
    """The result of parsing one digest's text."""

    format: str
    entries: list[Entry] = field(default_factory=list)
    date: str | None = None  # ISO date of the digest when it states one
    warnings: list[str] = field(default_factory=list)
    confidence: float | None = None  # how well the chosen parse explains the text, 0..1
    ids_in_text: int = 0  # distinct paper identifiers anywhere in the text


@dataclass
class Digest:
    """A digest file as the library records it."""

    path: str
    sha256: str
    format: str | None
    status: str  # "imported" | "unchanged" | "failed"
    error: str | None = None
    entries: int = 0
    new: int = 0
    merged: int = 0
    imported_at: str | None = None
    id: int | None = None

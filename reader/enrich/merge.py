"""Pure rules for what a fetched record changes on a paper, and for combining two papers' user state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reader.enrich.arxiv import ArxivRecord, split_version
from reader.enrich.crossref import CrossrefRecord
from reader.ids import abs_url, pdf_url

# The paper's own fields a record can set. Everything a digest said (headline, summary, score,
# translation) lives on its sighting and is never touched here.
ARXIV_FIELDS = (
    "arxiv_id", "version", "title", "authors", "abstract", "published", "updated",
    "primary_category", "categories", "journal_ref", "doi", "abs_url", "pdf_url",
)
CROSSREF_FIELDS = ("doi", "title", "authors", "abstract", "published", "journal_ref")
NOTE_SEPARATOR = "\n\n---\n\n"


class RecordMismatch(ValueError):
    """The record names a different paper (another arXiv id or DOI) than the one it would update."""


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _base_id(arxiv_id: str | None) -> str | None:
    if not arxiv_id:
        return None
    text = arxiv_id.strip().removeprefix("arXiv:").removeprefix("arxiv:")
    parts = split_version(text)
    return parts[0] if parts else text


def _date_change(current: str | None, new: str | None) -> str | None:
    """`new` unless it only says less than `current` ("2024-05" against "2024-05-14")."""
    if not new or new == current:
        return None
    if current and current.startswith(new) and len(current) > len(new):
        return None
    return new


def journal_reference(record: CrossrefRecord) -> str | None:
    """A one-line venue ("Nature 586(7829), 123-127") from Crossref's parts; None without a venue."""
    if not record.container_title:
        return None
    text = record.container_title
    if record.volume:
        text += f" {record.volume}"
        if record.issue:
            text += f"({record.issue})"
    elif record.issue:
        text += f", no. {record.issue}"
    if record.pages:
        text += f", {record.pages}"
    return text


def record_changes(paper: Mapping[str, Any], record: ArxivRecord | CrossrefRecord) -> dict[str, Any]:
    """The fields of `paper` that `record` changes, with their new values (only real changes).

    arXiv is the authority for its papers: its title, authors, abstract, dates, categories,
    version, journal reference and DOI replace the paper's. Crossref is the authority for papers
    arXiv does not know; for an arXiv paper it only fills what is missing. A record never blanks
    a field it lacks. RecordMismatch when the record is about another paper."""
    if isinstance(record, ArxivRecord):
        return _arxiv_changes(paper, record)
    if isinstance(record, CrossrefRecord):
        return _crossref_changes(paper, record)
    raise TypeError(f"not a fetched record: {type(record).__name__}")


def _arxiv_changes(paper: Mapping[str, Any], record: ArxivRecord) -> dict[str, Any]:
    current_id = _base_id(paper.get("arxiv_id"))
    if current_id and current_id.lower() != record.arxiv_id.lower():
        raise RecordMismatch(f"arXiv:{record.arxiv_id} is not this paper (arXiv:{current_id})")
    proposed: dict[str, Any] = {
        "arxiv_id": None if current_id else record.arxiv_id,
        "title": record.title,
        "authors": list(record.authors),
        "abstract": record.abstract,
        "published": _date_change(paper.get("published"), record.published),
        "updated": _date_change(paper.get("updated"), record.updated),
        "primary_category": record.primary_category,
        "categories": list(record.categories),
        "journal_ref": record.journal_ref,
    }
    if record.doi and (paper.get("doi") or "").lower() != record.doi.lower():
        proposed["doi"] = record.doi
    # Versions only grow; a record fetched for an older named version must not roll it back.
    if record.version and record.version > (paper.get("version") or 0):
        proposed["version"] = record.version
    # Links are filled, not replaced: a digest's link to the same paper is as good.
    if _blank(paper.get("abs_url")):
        proposed["abs_url"] = abs_url(record.arxiv_id)
    if _blank(paper.get("pdf_url")):
        proposed["pdf_url"] = pdf_url(record.arxiv_id)
    return {name: value for name, value in proposed.items()
            if not _blank(value) and value != paper.get(name)}


def _crossref_changes(paper: Mapping[str, Any], record: CrossrefRecord) -> dict[str, Any]:
    current_doi = (paper.get("doi") or "").strip()
    if current_doi and current_doi.lower() != record.doi.lower():
        raise RecordMismatch(f"DOI {record.doi} is not this paper (DOI {current_doi})")
    proposed: dict[str, Any] = {
        "doi": None if current_doi else record.doi,
        "title": record.title,
        "authors": list(record.authors),
        "abstract": record.abstract,
        "published": _date_change(paper.get("published"), record.published),
        "journal_ref": journal_reference(record),
    }
    if paper.get("arxiv_id"):
        proposed = {name: value for name, value in proposed.items() if _blank(paper.get(name))}
    return {name: value for name, value in proposed.items()
            if not _blank(value) and value != paper.get(name)}


@dataclass(frozen=True)
class UserState:
    """What the user gave a paper: tags, a note, a rating (1-5), read and archived marks."""

    tags: tuple[str, ...] = ()
    note: str | None = None
    rating: int | None = None
    read: bool = False
    read_at: str | None = None  # ISO timestamp
    archived: bool = False


def _join_notes(first: str | None, second: str | None) -> str | None:
    a, b = (first or "").strip(), (second or "").strip()
    if not a or not b:
        return (first if a else second) if (a or b) else None
    if b in a:
        return first
    if a in b:
        return second
    return f"{first.rstrip()}{NOTE_SEPARATOR}{second.lstrip()}"


def combine_user_state(a: UserState, b: UserState) -> UserState:
    """The state of the paper that `a`'s and `b`'s papers merge into; `a` is the surviving paper.

    Tags united (case-insensitively, as the library compares them), notes joined with both kept,
    the higher rating, read if either was (since the earlier time), archived only if both were."""
    tags: dict[str, str] = {}
    for tag in (*a.tags, *b.tags):
        tags.setdefault(tag.casefold(), tag)
    read_times = [s.read_at for s in (a, b) if s.read and s.read_at]
    ratings = [r for r in (a.rating, b.rating) if r is not None]
    read = a.read or b.read
    return UserState(
        tags=tuple(tags.values()),
        note=_join_notes(a.note, b.note),
        rating=max(ratings) if ratings else None,
        read=read,
        read_at=min(read_times) if read_times else None,
        archived=a.archived and b.archived,
    )


"""What fetching details told about a paper, in words for the detail view and `show` (no Qt)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def categories_in_order(primary: str | None, categories: list[str] | None) -> list[str]:
    """arXiv categories with the primary one first, each once."""
    ordered = [primary] if primary else []
    return ordered + [c for c in dict.fromkeys(categories or []) if c and c != primary]


def categories_text(primary: str | None, categories: list[str] | None) -> str:
    ordered = categories_in_order(primary, categories)
    if primary and ordered:
        ordered[0] = f"{ordered[0]} (primary)"
    return ", ".join(ordered)


def version_text(version: int | None, updated: str | None) -> str:
    """"v3, updated 2024-05-01"; "" when arXiv told nothing."""
    parts = [f"v{version}"] if version else []
    if updated:
        parts.append(f"updated {updated[:10]}")
    return ", ".join(parts)


def local_time(stamp: str | None) -> str:
    """An ISO timestamp as local "YYYY-MM-DD HH:MM"; the text itself when unreadable."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M") if stamp else ""
    except ValueError:
        return stamp or ""


def unresolved_text(status: str | None, reason: str | None, tried_at: str | None) -> str:
    """Why a paper's details could not be fetched, and when that was tried; "" otherwise."""
    if status != "unresolved":
        return ""
    when = local_time(tried_at)
    return f"not found: {reason or 'no reason recorded'}" + (f" (tried {when}; tried again by the next fetch)" if when else "")


def fetched_facts(paper: Any) -> list[tuple[str, str]]:
    """(label, text) for what arXiv and Crossref added to a PaperDetail, and for an
    unresolved paper why it stayed so; empty for a paper never completed."""
    facts = [
        ("Subjects", categories_text(paper.primary_category, paper.categories)),
        ("Version", version_text(paper.version, paper.updated)),
        ("Journal", paper.journal_ref or ""),
        ("Details", unresolved_text(paper.fetch_status, paper.fetch_reason, paper.fetch_tried_at)),
    ]
    return [(label, text) for label, text in facts if text]

"""Search terms about fetched details: `is:unresolved` and `is:enriched` (enrich_status rows)."""

from __future__ import annotations

# is:VALUE -> the enrich_status.status it finds. A paper never tried has no row: neither.
FETCH_STATES = {"unresolved": "unresolved", "enriched": "done"}


def fetch_state_select(value: str) -> str:
    """A SELECT of the ids of the papers in that fetch state (the status is a fixed word)."""
    return f"SELECT paper_id FROM enrich_status WHERE status = '{FETCH_STATES[value]}'"

"""Builders of ParsedDigest values for library, query and importer tests (no parser needed)."""

from __future__ import annotations

from reader.models import Entry, Paper, ParsedDigest, Sighting


def entry(title: str, position: int = 1, **fields) -> Entry:
    """An entry: Paper keyword arguments go to the paper, the sighting ones to the sighting."""
    sighting_keys = {"score", "subscores", "headline", "summary", "detail", "topic"}
    sighting = {k: fields.pop(k) for k in list(fields) if k in sighting_keys}
    return Entry(Paper(title=title, **fields), Sighting(position=position, **sighting))


def digest(*entries: Entry, format: str = "test-format", date: str | None = None) -> ParsedDigest:
    """A parsed digest whose entries get positions 1, 2, ... in the order given."""
    for position, item in enumerate(entries, start=1):
        item.sighting.position = position
    return ParsedDigest(format=format, entries=list(entries), date=date)

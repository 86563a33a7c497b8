"""Hard limits on what one digest may put in the library: field lengths and entries per file."""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import ParsedDigest

# Longer than any real value; a 5 MB "title" is an attack or a broken file, and it would
# make every repaint of the list slow for as long as it stays in the library.
MAX_TITLE = 1_000
MAX_AUTHORS = 500
MAX_AUTHOR = 200
MAX_IDENTIFIER = 200  # arXiv ids and DOIs
MAX_URL = 2_048
MAX_ABSTRACT = 20_000
MAX_SUMMARY = 20_000  # each of a sighting's headline, summary and detail
MAX_ENTRIES = 20_000
ELLIPSIS = "…"


class TooManyEntries(ValueError):
    """A digest lists more entries than one file may bring in."""


@dataclass
class Trimmed:
    """How many values a digest had over the limits."""

    cut: int = 0  # text fields shortened
    dropped: int = 0  # identifiers and links left out: a shortened one would be wrong

    def warning(self) -> str | None:
        if not (self.cut or self.dropped):
            return None
        parts = []
        if self.cut:
            parts.append(f"{self.cut} over-long text field(s) shortened")
        if self.dropped:
            parts.append(f"{self.dropped} over-long id(s) or link(s) left out")
        return "; ".join(parts) + " (see the README's limits)"


def enforce(parsed: ParsedDigest) -> None:
    """Bring `parsed` within the limits in place; a warning says what was changed.

    Raises TooManyEntries when the digest has more entries than MAX_ENTRIES."""
    if len(parsed.entries) > MAX_ENTRIES:
        raise TooManyEntries(
            f"too many entries: {len(parsed.entries):,} (limit {MAX_ENTRIES:,} per file)"
        )
    trimmed = Trimmed()
    for entry in parsed.entries:
        paper, sighting = entry.paper, entry.sighting
        paper.title = _cut(paper.title, MAX_TITLE, trimmed) or paper.title
        paper.abstract = _cut(paper.abstract, MAX_ABSTRACT, trimmed)
        paper.translation = _cut(paper.translation, MAX_ABSTRACT, trimmed)
        if len(paper.authors) > MAX_AUTHORS:
            paper.authors = paper.authors[:MAX_AUTHORS]
            trimmed.cut += 1
        paper.authors = [_cut(name, MAX_AUTHOR, trimmed) for name in paper.authors]
        for name in ("arxiv_id", "doi"):
            setattr(paper, name, _drop(getattr(paper, name), MAX_IDENTIFIER, trimmed))
        for name in ("abs_url", "pdf_url", "code_url", "homepage_url"):
            setattr(paper, name, _drop(getattr(paper, name), MAX_URL, trimmed))
        for name in ("headline", "summary", "detail", "topic"):
            setattr(sighting, name, _cut(getattr(sighting, name), MAX_SUMMARY, trimmed))
    warning = trimmed.warning()
    if warning:
        parsed.warnings.append(warning)


def _cut(value: str | None, limit: int, trimmed: Trimmed) -> str | None:
    if value is None or len(value) <= limit:
        return value
    trimmed.cut += 1
    return value[: limit - 1].rstrip() + ELLIPSIS


def _drop(value: str | None, limit: int, trimmed: Trimmed) -> str | None:
    if value is None or len(value) <= limit:
        return value
    trimmed.dropped += 1
    return None

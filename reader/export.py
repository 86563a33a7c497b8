"""Exports of library papers: BibTeX, RIS, CSL-JSON (through reader.exchange), a JSON backup, CSV, Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from reader.textsafe import json_text, strip_controls

FORMATS = ("bibtex", "ris", "csl-json", "json", "csv", "markdown")
# What a file name's ending says about its format (.csl.json before .json).
SUFFIXES = {
    ".csl.json": "csl-json", ".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".csv": "csv",
    ".json": "json", ".md": "markdown", ".markdown": "markdown",
}
FILE_SUFFIX = {"bibtex": "bib", "ris": "ris", "csl-json": "csl.json", "json": "json", "csv": "csv",
               "markdown": "md"}

CSV_COLUMNS = (
    "id", "citation_key", "arxiv_id", "doi", "title", "authors", "published", "abs_url", "pdf_url",
    "code_url", "tags", "rating", "read", "note", "abstract",
)
# Spreadsheets run cells starting with these as formulas; digest text must stay text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Backup fields left out: the id of a digest is the library's own, files name digests.
_SIGHTING_DROPPED = ("digest_id",)


def format_for(name: str) -> str | None:
    """The export format a file name's ending names, or None."""
    lowered = name.lower()
    return next((fmt for suffix, fmt in SUFFIXES.items() if lowered.endswith(suffix)), None)


def export(papers: Sequence[Any], fmt: str, *, with_state: bool = False,
           digests: Iterable[Any] = ()) -> str:
    """`papers` (store PaperDetails) in the format `fmt` (one of FORMATS).

    `with_state` adds the user's tags, read status, rating, note and file links to BibTeX,
    RIS and CSL-JSON (CSV, Markdown and the JSON backup always carry them). `digests` (the
    library's DigestRecords) lets the JSON backup restore the digests its sightings name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return to_json(papers, digests)
    if fmt == "csv":
        return strip_controls(to_csv(papers))
    if fmt == "markdown":
        return strip_controls(to_markdown(papers))
    from reader.exchange import dumps_csl, to_bibtex, to_ris
    from reader.exchange.records import item_from_paper

    items = [item_from_paper(paper) for paper in papers]
    if fmt == "bibtex":
        # Escape sequences in digest text would act on the terminal that shows the export.
        return strip_controls(to_bibtex(items, with_state=with_state, with_abstract=with_state))
    if fmt == "ris":
        return strip_controls(to_ris(items, with_state=with_state))
    return json_text(dumps_csl(items, with_state=with_state))


# JSON backup -----------------------------------------------------------------


def backup_document(papers: Sequence[Any], digests: Iterable[Any] = ()) -> dict:
    """The full backup: every paper field, its sightings and user state, and the digests
    they were seen in; `digest-reader import` restores it (reader.store.backup)."""
    from reader.store.backup import MARKER, VERSION

    records = []
    named: set[str] = set()
    for paper in papers:
        record = asdict(paper)
        for sighting in record.get("sightings", []):
            for name in _SIGHTING_DROPPED:
                sighting.pop(name, None)
            named.add(sighting["file"])
        records.append(record)
    listed = [
        {"file": d.file, "sha256": d.sha256, "format": d.format, "date": d.date,
         "imported_at": d.imported_at, "entries": d.entries, "new": d.new, "merged": d.merged}
        for d in digests if d.file in named and d.status != "failed"
    ]
    return {MARKER: VERSION, "digests": listed, "papers": records}


def to_json(papers: Sequence[Any], digests: Iterable[Any] = ()) -> str:
    """The backup as pretty-printed UTF-8 JSON."""
    return json_text(json.dumps(backup_document(papers, digests), ensure_ascii=False, indent=2)) + "\n"


# CSV ------------------------------------------------------------------------


def to_csv(papers: Sequence[Any]) -> str:
    """A header row and one row per paper; lists are joined with "; " (it imports back)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        writer.writerow([_csv_cell(value) for value in _csv_row(paper)])
    return out.getvalue()


def _csv_row(paper: Any) -> list[object]:
    return [
        paper.id, paper.citation_key, paper.arxiv_id, paper.doi, paper.title,
        "; ".join(paper.authors or []), paper.published, paper.abs_url, paper.pdf_url,
        paper.code_url, "; ".join(paper.tags or []), paper.rating or "",
        "yes" if paper.read else "no", paper.note, paper.abstract,
    ]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


# Markdown ---------------------------------------------------------------------

_MARKDOWN_SPECIALS_RE = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def markdown_escape(text: str) -> str:
    """Digest text shown literally in Markdown (no links, markup or HTML from it)."""
    return _MARKDOWN_SPECIALS_RE.sub(r"\\\1", " ".join(text.split()))


def stars(rating: int | None) -> str:
    """★★★☆☆ for 3, "" when unrated."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def markdown_link(paper: Any) -> str:
    """`[Title](<url>)`, or the escaped title alone when the paper has no web page."""
    title = markdown_escape(paper.title or "(untitled)")
    url = paper.abs_url if _is_markdown_link(paper.abs_url) else None
    url = url or next((u for u in (paper.pdf_url, paper.homepage_url) if _is_markdown_link(u)), None)
    return f"[{title}](<{url}>)" if url else title


def to_markdown(papers: Sequence[Any]) -> str:
    """A numbered reading list: linked title, facts line, links, then the user's note."""
    count = f"{len(papers)} paper{'s' if len(papers) != 1 else ''}"
    parts = [f"# Reading list\n\n{count}\n"]
    parts += [_markdown_item(n, paper) for n, paper in enumerate(papers, 1)]
    return "\n".join(parts)


def _markdown_item(number: int, paper: Any) -> str:
    title = markdown_escape(paper.title or "(untitled)")
    if _is_markdown_link(paper.abs_url):
        title = f"[{title}](<{paper.abs_url}>)"
    lines = [f"{number}. **{title}**"]
    facts = _markdown_facts(paper)
    if facts:
        lines.append("   " + facts)
    other_links = [
        f"[{label}](<{url}>)"
        for url, label in ((paper.pdf_url, "PDF"), (paper.code_url, "Code"))
        if _is_markdown_link(url)
    ]
    if other_links:
        lines.append("   " + " · ".join(other_links))
    text = "  \n".join(lines) + "\n"  # two spaces: a Markdown line break inside the item
    note = (paper.note or "").strip()
    if note:
        text += "\n" + "\n".join(f"   > {line}".rstrip() for line in note.splitlines()) + "\n"
    return text


def _markdown_facts(paper: Any) -> str:
    tags = " ".join(f"`{tag.replace('`', '')}`" for tag in paper.tags or [])
    facts = [
        markdown_escape(", ".join(paper.authors or [])),
        paper.published or "",
        stars(paper.rating),
        "read" if paper.read else "",
        tags,
        f"`{paper.citation_key}`" if paper.citation_key else "",
    ]
    return " · ".join(f for f in facts if f)


def _is_markdown_link(url: object) -> bool:
    return (
        isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) is not None
        and not re.search(r"[<>\s]", url)
    )

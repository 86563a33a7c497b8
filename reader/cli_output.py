"""What the command line prints: the documented JSON shapes and the text tables and pages."""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
import unicodedata
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reader.export import stars
from reader.fetched_facts import categories_in_order, fetched_facts
from reader.textsafe import clean_value, json_text, one_line, terminal_text

if TYPE_CHECKING:
    from reader.store import DigestRecord, PaperDetail

IMPORT_KEYS = (
    "file", "format", "status", "entries", "new", "merged", "error", "confidence", "ids_in_text", "ids_imported",
)


DIGEST_KEYS = ("file", "format", "status", "entries", "error", "imported_at")


# The documented JSON shapes; the library may hand out more, scripts get exactly these.
PAPER_KEYS = (
    "id", "arxiv_id", "doi", "title", "authors", "abstract", "published", "links", "tags",
    "rating", "read", "note", "digests",
)


LINK_KEYS = ("abs", "pdf", "code")


LINK_LABELS = {"abs": "Page", "pdf": "PDF", "code": "Code", "homepage": "Homepage"}


SIGHTING_KEYS = ("file", "format", "position", "score", "headline", "summary", "topic")


MAX_WARNINGS_SHOWN = 3


def print_json(value: Any) -> None:
    print(json_text(json.dumps(value, ensure_ascii=False, indent=2)))


def import_row(result: Any) -> dict:
    data = asdict(result) if is_dataclass(result) else dict(result)
    row = {key: data.get(key) for key in IMPORT_KEYS}
    row["file"] = str(row["file"])
    return row


def print_import_table(results: list) -> None:
    """One line per file and its first warnings, then (several files) the batch in a sentence."""
    from reader.ingest import report

    for result in results:
        print(report.describe(result))
        notes = [note for note in result.warnings if note != report.duplicate_note(result)]
        for note in notes[:MAX_WARNINGS_SHOWN]:
            print(f"    warning: {one_line(note)}")
        if len(notes) > MAX_WARNINGS_SHOWN:
            print(f"    ... and {len(notes) - MAX_WARNINGS_SHOWN} more warnings")
    if len(results) != 1:  # one file's line already says it all
        print(report.summarize(results) or "no files to import")


def print_paper_table(papers: list[dict]) -> None:
    if not papers:
        print("no papers", file=sys.stderr)
        return
    width = terminal_width() if _output_is_sized() else None
    id_width = max(len(str(paper["id"])) for paper in papers)
    for paper in papers:
        mark = "✓" if paper["read"] else "·"
        rating = stars(paper["rating"]) or " " * 5
        date = one_line(paper["published"] or "").ljust(10)
        tags = " ".join(f"#{one_line(tag)}" for tag in paper["tags"])
        tags = f"  {tags}" if tags else ""
        prefix = f"{paper['id']:>{id_width}} {mark} {rating} {date} "
        title = " ".join(terminal_text(paper["title"]).split())
        if width:
            title = fit(title, max(20, width - display_width(prefix) - display_width(tags)))
        print(f"{prefix}{title}{tags}")


def listed_paper(paper: PaperDetail) -> dict:
    """A paper in the `list --json` shape (also what the exports read)."""
    listed = {key: getattr(paper, key, None) for key in PAPER_KEYS}  # in the documented order
    listed["links"] = {key: paper.links[key] for key in LINK_KEYS}
    listed["digests"] = [{"file": s.file, "format": s.format} for s in paper.sightings]
    return listed


def shown_paper(paper: PaperDetail) -> dict:
    """A paper in the `show --json` shape: the list shape, what fetching details added, sightings."""
    sightings = [{key: getattr(s, key) for key in SIGHTING_KEYS} for s in paper.sightings]
    return {**listed_paper(paper), **fetched_fields(paper), "sightings": sightings}


def fetched_fields(paper: PaperDetail) -> dict:
    """arXiv's categories (primary first), version and journal reference, and how the last
    fetch went ("fetched": null when details were never fetched)."""
    status = paper.fetch_status
    fetched = {"status": status, "reason": paper.fetch_reason, "tried_at": paper.fetch_tried_at} if status else None
    return {
        "categories": categories_in_order(paper.primary_category, paper.categories),
        "version": paper.version, "updated": paper.updated, "journal_ref": paper.journal_ref,
        "fetched": fetched,
    }


def listed_digest(digest: DigestRecord) -> dict:
    """A digest in the `digests --json` shape."""
    return {key: getattr(digest, key) for key in DIGEST_KEYS}


def paper_text(record: PaperDetail) -> str:
    """The readable `show` page of one paper."""
    shown = {**shown_paper(record), "links": record.links, "translation": record.translation}
    paper = clean_value(shown, terminal_text)  # digest text must not drive the terminal
    width = min(terminal_width(), 100)
    facts = [
        ("Authors", ", ".join(paper["authors"])),
        ("Published", paper["published"]),
        ("arXiv", paper["arxiv_id"]),
        ("DOI", paper["doi"]),
        *((label, terminal_text(text)) for label, text in fetched_facts(record)),
        *((LINK_LABELS.get(name, name), url) for name, url in (paper["links"] or {}).items() if url),
        ("Rating", stars(paper["rating"])),
        ("Read", "yes" if paper["read"] else "no"),
        ("Tags", ", ".join(paper["tags"])),
    ]
    lines = [f"#{paper['id']}  {' '.join(paper['title'].split())}", ""]
    lines += [f"{label + ':':<11}{' '.join(str(value).split())}" for label, value in facts if value]
    bodies = (("Note", paper["note"]), ("Abstract", paper["abstract"]), ("Translation", paper.get("translation")))
    for heading, body in bodies:
        if body:
            # The user wrote the note's line breaks; digest text is re-flowed.
            text = _indent_lines(body, width) if heading == "Note" else _indent(body, width)
            lines += ["", f"{heading}:", text]
    sightings = paper.get("sightings") or []
    if sightings:
        lines += ["", f"Seen in {len(sightings)} digest{'s' if len(sightings) != 1 else ''}:"]
        lines += [_sighting_text(sighting, width) for sighting in sightings]
    return "\n".join(lines)


def _sighting_text(sighting: dict, width: int) -> str:
    details = [f"#{sighting['position']}", sighting.get("format") or ""]
    if sighting.get("score") is not None:
        details.append(f"score {sighting['score']:g}")
    if sighting.get("topic"):
        details.append(sighting["topic"])
    text = f"  {one_line(sighting['file'])} ({', '.join(one_line(d) for d in details if d)})"
    said = " ".join(s for s in (sighting.get("headline"), sighting.get("summary")) if s)
    if said:
        text += "\n" + _indent(said, width, "    ")
    return text


def _indent_lines(text: str, width: int, prefix: str = "  ") -> str:
    """`text` indented, every line break kept; long lines wrapped."""
    return "\n".join(
        textwrap.fill(line, width, initial_indent=prefix, subsequent_indent=prefix) if line.strip()
        else prefix.rstrip()
        for line in text.strip("\n").split("\n")
    )


def _indent(text: str, width: int, prefix: str = "  ") -> str:
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return f"\n{prefix}\n".join(
        textwrap.fill(p, width, initial_indent=prefix, subsequent_indent=prefix) for p in paragraphs if p
    )


def local_time(stamp: str | None) -> str:
    """An ISO timestamp as local "YYYY-MM-DD HH:MM"; "" when absent or unreadable."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M") if stamp else ""
    except ValueError:
        return stamp or ""


def _output_is_sized() -> bool:
    """Truncate to a width only on a terminal, or when COLUMNS asks for one."""
    return sys.stdout.isatty() or "COLUMNS" in os.environ


def terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` terminal columns, with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += display_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"

"""CSV and TSV digests: a header row names the columns, one paper per row."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from reader.exchange.item import CitationItem
from reader.models import ParsedDigest
from reader.parsers.base import SNIFF_CHARS, DigestParser, ParseError, register
from reader.parsers.fields import (
    entry_from_record,
    is_identifying_key,
    is_known_key,
    is_title_key,
    normalize_key,
)

DELIMITERS = (",", "\t", ";")
# An abstract is a few KB; a bigger field is a broken quote swallowing the file, or junk.
MAX_FIELD_CHARS = 1_000_000
# The default 128 KB limit would make a long but legitimate field an error mid-file.
if csv.field_size_limit() < MAX_FIELD_CHARS:
    csv.field_size_limit(MAX_FIELD_CHARS)
MAX_HEADER_CHARS = 10_000
MAX_HEADER_CELL = 100
# Each resynchronisation after a broken row may re-read the rest of the file, so a file
# full of broken quotes is read that many times at most before giving up.
MAX_RESYNCS = 50
SNIFF_ROWS = 5
UNAMBIGUOUS_TITLES = ("title", "papertitle")


@register
class CsvTableParser(DigestParser):
    """Comma, tab or semicolon separated rows under a header with a title column."""

    name = "csv"
    data_format = True

    def sniff(self, text: str) -> float:
        sample = text[:SNIFF_CHARS]
        lines = sample.split("\n")
        found = _header(lines)
        if found is None:
            return 0.0
        index, delimiter, columns = found
        names = [name for name in columns if name]
        known = sum(1 for name in names if is_known_key(name))
        if len(names) < 2 or known * 3 < len(names):
            return 0.0
        if any(is_identifying_key(name) for name in names):
            score = 0.9
        elif known >= 3:
            score = 0.8
        else:
            return 0.5
        # A header over rows of one cell each is prose that happens to contain commas.
        rows = _sample_rows(lines[index + 1 :], delimiter)
        if rows and not any(len(row) * 2 >= len(columns) for row in rows):
            return 0.3
        return score

    def parse(self, text: str) -> ParsedDigest:
        lines = text.split("\n")
        found = _header(lines)
        if found is None:
            raise ParseError(
                "no header row naming a title column (Title, Paper or Name) and a delimiter "
                "(comma, tab or semicolon)"
            )
        index, delimiter, columns = found
        digest = ParsedDigest(format=self.name)
        untitled: list[int] = []
        for line_number, cells in _rows(lines, index + 1, delimiter, digest.warnings):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                digest.warnings.append(
                    f"line {line_number}: {len(cells) - len(columns)} cell(s) beyond the header ignored"
                )
            record: dict[str, str] = {}
            for name, cell in zip(columns, cells):
                if name and cell.strip():
                    record.setdefault(name, cell)
            entry, warnings = entry_from_record(record, len(digest.entries) + 1)
            digest.warnings.extend(warnings)
            if entry is None:
                untitled.append(line_number)
            else:
                _keep_state(entry, record)
                digest.entries.append(entry)
        if untitled:
            shown = ", ".join(map(str, untitled[:10])) + (", ..." if len(untitled) > 10 else "")
            digest.warnings.append(f"skipped {len(untitled)} row(s) without a title (line {shown})")
        if not digest.entries:
            raise ParseError("no papers found: no row under the header has a title")
        return digest


def _header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    """(line index, delimiter, normalized column names) of the first non-blank line, when
    it names a title column; the delimiter is the one that yields most known names."""
    index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if index is None or len(lines[index]) > MAX_HEADER_CHARS:
        return None
    best: tuple[int, str, list[str]] | None = None
    best_known = 0
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([lines[index]], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(cells) < 2:
            continue
        columns = [normalize_key(cell) if len(cell) <= MAX_HEADER_CELL else "" for cell in cells]
        known = sum(1 for name in columns if is_known_key(name))
        titled = any(is_title_key(name) for name in columns)
        # "Name" or "Paper" alone heads many tables that are not about papers.
        sure = known >= 2 or any(name in UNAMBIGUOUS_TITLES for name in columns)
        if titled and sure and known > best_known:
            best, best_known = (index, delimiter, columns), known
    return best


def _sample_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(lines[:200], delimiter=delimiter):
            if any(cell.strip() for cell in cells):
                rows.append(cells)
            if len(rows) >= SNIFF_ROWS:
                break
    except csv.Error:
        pass
    return rows


def _rows(
    lines: list[str], start: int, delimiter: str, warnings: list[str]
) -> Iterator[tuple[int, list[str]]]:
    """(1-based line number, cells) of each record from line index `start` on.

    A broken record (an oversize field, an unterminated quote) is reported and the reader
    starts afresh after it, so one bad row does not take the rest of the file with it.
    """
    index = start
    resyncs = 0
    while index < len(lines):
        reader = csv.reader((line + "\n" for line in lines[index:]), delimiter=delimiter)
        record_start = index
        try:
            for cells in reader:
                end = index + reader.line_num
                if end >= len(lines) and end - record_start > 1 and _open_quote(lines[record_start:end]):
                    # The quote was never closed, so the rest of the file became one field.
                    warnings.append(
                        f"line {record_start + 1}: a quote is never closed; read that line alone"
                    )
                    yield record_start + 1, _single_line(lines[record_start], delimiter)
                    break
                if any(len(cell) > MAX_FIELD_CHARS for cell in cells):
                    raise csv.Error(f"field larger than field limit ({MAX_FIELD_CHARS})")
                yield record_start + 1, cells
                record_start = end
            else:
                return
            next_index = record_start + 1
        except csv.Error as error:
            warnings.append(f"line {record_start + 1}: skipped a row that cannot be read ({error})")
            next_index = _record_end(lines, record_start)
        resyncs += 1
        if resyncs > MAX_RESYNCS:
            warnings.append(f"stopped reading at line {next_index + 1}: too many broken rows")
            return
        index = next_index


def _open_quote(lines: list[str]) -> bool:
    return sum(line.count('"') for line in lines) % 2 == 1


def _record_end(lines: list[str], start: int) -> int:
    """Index of the line after the record that starts at `start`: where its quotes balance,
    or just the next line when they never do."""
    quotes = 0
    for index in range(start, len(lines)):
        quotes += lines[index].count('"')
        if quotes % 2 == 0:
            return index + 1
    return start + 1


def _single_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _keep_state(entry, record: dict[str, str]) -> None:
    """A reading list's own columns (this app's CSV export: citation_key, tags, rating, read,
    note) travel as a citation, which the store applies to a paper without state."""

    tags = [tag.strip() for tag in re.split(r"[;,]", record.get("tags", "")) if tag.strip()]
    rating = record.get("rating", "").strip()
    read = record.get("read", "").strip().lower() in {"yes", "true", "1", "read", "x", "✓"}
    note = (record.get("note") or "").strip() or None
    key = (record.get("citationkey") or "").strip() or None
    published = record.get("published", "").strip()
    if re.fullmatch(r"\d{4}(?:-\d{2})?", published):
        entry.paper.published = published  # a stated year or month, not a made-up day
    if tags or rating or read or note or key:
        entry.citation = CitationItem(
            title=entry.paper.title, citation_key=key, tags=tags, read=read, note=note,
            rating=int(rating) if rating.isdigit() and 1 <= int(rating) <= 5 else None,
        )

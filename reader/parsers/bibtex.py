"""BibTeX files (an existing reading list) read as a digest: one entry per @article/@misc/..."""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser import model

from reader.exchange.bibtex_reader import MONTHS, item_from_fields
from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.exchange.latex import latex_to_text
from reader.parsers.base import (
    DOI_RE,
    DigestParser,
    ParseError,
    abs_url,
    pdf_url,
    register,
    split_arxiv_id,
)

# bibtexparser logs every malformed block itself; we report them as digest warnings instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

ENTRY_TYPES = (
    "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings",
    "manual", "mastersthesis", "misc", "online", "phdthesis", "proceedings", "report",
    "techreport", "thesis", "unpublished", "preprint", "software", "dataset",
)
ENTRY_START_RE = re.compile(
    r"^[ \t]*@(?:" + "|".join(ENTRY_TYPES) + r")[ \t]*[{(][ \t]*[^\s,{}()]+[ \t]*,",
    re.IGNORECASE | re.MULTILINE,
)
# Blank and % comment lines, then a block such as @article{ or @string(.
BLOCK_FIRST_RE = re.compile(r"(?:[ \t]*(?:%[^\n]*)?\n)*[ \t]*@[A-Za-z]+[ \t]*[{(]")

ARXIV_DOI_RE = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE)

def split_authors(value: str) -> list[str]:
    """BibTeX `author` value ("Last, First and First Last") as "First Last" names."""
    names = []
    for raw in _split_top_level(value, re.compile(r"\s+and\s+", re.IGNORECASE)):
        if raw.strip().lower() == "others":
            continue  # BibTeX's "et al."
        parts = [latex_to_text(p) for p in _split_top_level(raw, re.compile(r","))]
        parts = [p for p in parts if p]
        if not parts:
            continue
        # "Last, First" and "Last, Jr, First" put the given name last.
        ordered = [parts[-1], parts[0], *parts[1:-1]] if len(parts) > 1 else parts
        names.append(" ".join(ordered))
    return names


def _split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """`text` split on `separator` wherever it is outside braces."""
    pieces, start, depth, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif depth == 0:
            match = separator.match(text, position)
            if match and match.end() > position:
                pieces.append(text[start:position])
                start = position = match.end()
                continue
        position += 1
    pieces.append(text[start:])
    return pieces


PART_CHARS = 500_000


@register
class BibtexParser(DigestParser):
    """A .bib reading list: title, authors, date, DOI, arXiv id, URL, abstract per entry."""

    name = "bibtex"
    data_format = True

    def sniff(self, text: str) -> float:
        if not ENTRY_START_RE.search(text):
            return 0.0
        # A .bib file starts with a block (after % comments); a digest that merely
        # quotes a citation has its own text first and must stay with its own parser.
        return 0.95 if BLOCK_FIRST_RE.match(text) else 0.6

    def parse(self, text: str) -> ParsedDigest:
        entries: list[Entry] = []
        warnings: list[str] = []
        # bibtexparser holds a few hundred times its input in memory: a big file is read
        # in parts cut before an entry, so memory stays bounded.
        for part in _parts(text, PART_CHARS):
            blocks, part_warnings = _entry_blocks(bibtexparser.parse_string(part))
            warnings += part_warnings
            self._add_entries(blocks, entries, warnings)
        if not entries:
            raise ParseError("no papers found in this BibTeX file: no entry has a title")
        return ParsedDigest(format=self.name, entries=entries, warnings=warnings)

    @staticmethod
    def _add_entries(blocks, entries: list[Entry], warnings: list[str]) -> None:

        for block in blocks:
            fields = _field_values(block)
            paper = paper_from_fields(fields)
            if paper is None:
                warnings.append(f"entry {block.key!r} (line {block.start_line + 1}) has no title")
                continue
            annote = fields.get("annote")  # a reading list's own remark about the paper
            summary = latex_to_text(annote) if annote else None
            entry = Entry(paper, Sighting(position=len(entries) + 1, summary=summary))
            # The key, journal, pages... and JabRef's/Zotero's state (keywords, readstatus,
            # ranking, groups, comments, file links): the store keeps them.
            entry.citation = item_from_fields(block.entry_type, block.key, _all_field_values(block))
            if entry.citation.authors:
                # The exchange's display names ("García Márquez, Gabriel", "Ludwig van
                # Beethoven, Jr.") split back into the same BibTeX names on export.
                paper.authors = list(entry.citation.authors)
            entries.append(entry)


def _parts(text: str, size: int) -> list[str]:
    """`text` in parts of about `size` characters, each cut just before a line opening an entry."""
    parts, start = [], 0
    while len(text) - start > size:
        cut = text.find("\n@", start + size)
        if cut == -1:
            break
        parts.append(text[start : cut + 1])
        start = cut + 1
    parts.append(text[start:])
    return parts


def _entry_blocks(library: bibtexparser.Library) -> tuple[list[model.Entry], list[str]]:
    """Entries in file order, duplicate keys included; a warning per unreadable block."""
    blocks: list[model.Entry] = list(library.entries)
    warnings = []
    for failed in library.failed_blocks:
        if isinstance(failed, model.DuplicateBlockKeyBlock):
            if isinstance(failed.ignore_error_block, model.Entry):
                blocks.append(failed.ignore_error_block)  # same key, still another paper
        else:
            line = (failed.start_line or 0) + 1
            warnings.append(f"skipped an unreadable BibTeX block at line {line}")
    blocks.sort(key=lambda block: block.start_line or 0)
    return blocks, warnings


def _field_values(block: model.Entry) -> dict[str, str]:
    return {field.key.lower(): str(field.value) for field in block.fields}


def _all_field_values(block: model.Entry) -> dict[str, str]:
    """Lower-case names; of a field given twice the first value, as the exchange reader keeps."""
    fields: dict[str, str] = {}
    for field in block.fields:
        fields.setdefault(field.key.lower(), str(field.value))
    return fields


def paper_from_fields(fields: dict[str, str]) -> Paper | None:
    """The Paper an entry's (lower-cased) fields describe, or None without a title."""
    title = latex_to_text(fields.get("title", ""))
    if not title:
        return None
    arxiv_id = _arxiv_id(fields)
    url = fields.get("url", "").strip()
    paper = Paper(
        title=title,
        authors=split_authors(fields.get("author", "")),
        arxiv_id=arxiv_id,
        doi=_doi(fields),
        abstract=latex_to_text(fields["abstract"]) if fields.get("abstract") else None,
        published=_published(fields, arxiv_id),
    )
    if arxiv_id:
        paper.abs_url, paper.pdf_url = abs_url(arxiv_id), pdf_url(arxiv_id)
    elif re.match(r"https?://", url, re.IGNORECASE):
        if url.lower().endswith(".pdf"):
            paper.pdf_url = url
        else:
            paper.abs_url = url
    return paper


def _arxiv_id(fields: dict[str, str]) -> str | None:
    """From `eprint` when the archive is arXiv, else from an arXiv URL, DOI or journal note."""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip("{} ").lower()
    if archive == "arxiv" and (found := split_arxiv_id(fields.get("eprint", ""))):
        return found[0]
    doi = ARXIV_DOI_RE.search(fields.get("doi", ""))
    if doi:
        return doi.group(1)
    for name in ("url", "journal", "note", "howpublished", "eprint"):
        value = fields.get(name, "")
        if "arxiv" in value.lower() and (found := split_arxiv_id(value)):
            return found[0]
    return None


def _doi(fields: dict[str, str]) -> str | None:
    match = DOI_RE.search(fields.get("doi", ""))
    return match.group(1) if match else None


def _published(fields: dict[str, str], arxiv_id: str | None) -> str | None:
    """ISO date from `date`, else `year`+`month`, as precise as stated: 2016, 2016-05 or
    2016-05-14 (no day or month is made up; ISO strings still sort and filter by year)."""
    date = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", fields.get("date", ""))
    year_match = re.search(r"\d{4}", fields.get("year", ""))
    if date:
        year, month, day = date.group(1), date.group(2), date.group(3)
    elif year_match:
        year, month, day = year_match.group(0), _month_number(fields.get("month", "")), None
    else:
        return None
    if not month and arxiv_id and re.match(rf"{year[2:]}\d\d\.", arxiv_id):
        month = arxiv_id[2:4]  # a new-style id starts with the submission's YYMM
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _month_number(value: str) -> str | None:
    value = value.strip("{} ").lower()
    if value.isdigit():
        return value
    return str(MONTHS[value]) if value in MONTHS else None

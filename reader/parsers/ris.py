"""RIS files (EndNote, Zotero, Mendeley, publisher exports) read as a digest, one entry a record."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import urlsplit

import rispy

from reader.exchange.ris import from_ris
from reader.models import Entry, Paper, ParsedDigest, Sighting
from reader.parsers.base import (
    ARXIV_ID_VERSION,
    ARXIV_URL_RE,
    DigestParser,
    ParseError,
    abs_url,
    pdf_url,
    register,
)
from reader.parsers.identifiers import doi_in_field, doi_in_url

_ID = ARXIV_ID_VERSION + r"(?![\w.])"
# Reference managers write an arXiv preprint's id as "arXiv:2401.01234" in N1/AN/M1, or as
# arXiv's DataCite DOI.
NAMED_ID_RE = re.compile(r"arXiv:[ \t]?" + _ID, re.IGNORECASE)
ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(?P<id>\d{4}\.\d{4,5})(?:v\d+)?$", re.IGNORECASE)
# "2020", "2020/03/15/", "2020/03//Spring", "2020-03-15": year, then optional month and day.
RIS_DATE_RE = re.compile(
    r"^[ \t]*(?P<year>\d{4})(?:[/-](?P<month>\d{0,2})(?:[/-](?P<day>\d{0,2}))?)?"
)
# Zotero writes rich-text titles and notes as HTML; only these tags are dropped, so a
# title such as "x<y and z>w" keeps its text. Bounded, so a long line costs one pass.
HTML_TAG_RE = re.compile(
    r"</?(?:i|b|em|strong|sub|sup|span|p|br|div|a|u|sc|li|ul|ol)\b[^<>]{0,300}/?>", re.IGNORECASE
)
JOURNAL_KEYS = ("journal_name", "alternate_title3", "secondary_title", "alternate_title2")
# The start of a file shows whether it is RIS; a large export is not read in full to know.
SNIFF_LIMIT = 8_192


@register
class RisParser(DigestParser):
    """`TY  - JOUR` ... `ER  - ` records of two-letter tags."""

    name = "ris"
    data_format = True

    def sniff(self, text: str) -> float:
        lines = text[:SNIFF_LIMIT].split("\n")
        tagged = [line for line in lines if _tag(line)]
        if not tagged:
            return 0.0
        first = next((line for line in lines if line.strip()), "")
        starts = sum(1 for line in tagged if line.startswith("TY"))
        if _tag(first) == "TY" and len(tagged) >= 2:
            return 0.95
        if starts and len(tagged) >= 3:
            return 0.85  # a preamble (an export header) before the first record
        return 0.2 if starts else 0.0

    def parse(self, text: str) -> ParsedDigest:
        lines = text.split("\n")
        starts = [index for index, line in enumerate(lines) if _tag(line) == "TY"]
        if not starts:
            raise ParseError("no RIS records (a line 'TY  - ...') found")
        digest = ParsedDigest(format=self.name)
        for number, start in enumerate(starts, start=1):
            end = starts[number] if number < len(starts) else len(lines)
            chunk = lines[start:end]
            closed = any(_tag(line) == "ER" for line in chunk)
            if not closed and number == len(starts):
                digest.warnings.append(
                    f"skipped RIS record {number}: it has no ER line, the file may be cut off"
                )
                continue
            try:
                # One record at a time, so one bad record cannot swallow its neighbours.
                records = rispy.loads("\n".join(chunk) + ("" if closed else "\nER  - "))
            except Exception as error:  # rispy raises assorted errors on malformed input
                digest.warnings.append(f"skipped RIS record {number}: {error}")
                continue
            if not records:
                digest.warnings.append(f"skipped RIS record {number}: it could not be read")
                continue
            entry = _build_entry(records[0], len(digest.entries) + 1)
            if entry is None:
                digest.warnings.append(f"skipped RIS record {number}: it has no title (TI/T1)")
                continue
            # Key (ID), type, journal, pages and the user's KW/N1 state: the store keeps them.
            entry.citation = _citation("\n".join(chunk) + ("" if closed else "\nER  - "))
            if not closed:
                digest.warnings.append(
                    f"RIS record {number} ({entry.paper.title!r}) has no ER line;"
                    " read up to the next record"
                )
            digest.entries.append(entry)
        return digest


def _citation(text: str):
    """The record read again by reader.exchange (its own list tags: L1, AB paragraphs)."""

    try:
        items = from_ris(text)
    except Exception:  # noqa: BLE001 - the paper still imports without its citation fields
        return None
    return items[0] if items else None


def _tag(line: str) -> str | None:
    """The tag of a RIS tag line ("TY  - JOUR"), as rispy recognises one."""
    if line[2:5] == "  -" and line[:1].isalpha() and line[:2].isupper():
        return line[:2]
    return None


def _build_entry(record: dict, position: int) -> Entry | None:
    title = _plain(_first(record, "title", "primary_title", "short_title"))
    if not title:
        return None
    urls = _list(record, "urls") + _list(record, "file_attachments1")
    notes = [note for note in (_plain(text) for text in _list(record, "notes")) if note]
    doi = doi_in_field(_first(record, "doi")) or next(filter(None, map(doi_in_url, urls)), None)
    names = [_display_name(n) for n in _list(record, "authors") + _list(record, "first_authors")]
    year, published = _dates(record)
    paper = Paper(
        title=title,
        authors=[name for name in dict.fromkeys(names) if name],
        doi=doi,
        abstract=_plain(_first(record, "abstract", "notes_abstract")) or None,
        published=published,
    )
    texts = notes + [_first(record, "accession_number", "note")]
    if arxiv_id := _arxiv_id(doi, urls, texts):
        paper.arxiv_id = arxiv_id
        paper.abs_url, paper.pdf_url = abs_url(arxiv_id), pdf_url(arxiv_id)
    else:
        # Zotero's L1 may be a local file:// path, which is no link to keep.
        web = [url for url in urls if url.lower().startswith(("http://", "https://"))]
        pdfs = [url for url in web if urlsplit(url).path.lower().endswith(".pdf")]
        paper.pdf_url = pdfs[0] if pdfs else None
        paper.abs_url = next((url for url in web if url != paper.pdf_url), None)
    sighting = _sighting(record, position, None if published else year, notes)
    return Entry(paper=paper, sighting=sighting)


def _first(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(str(part) for part in value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _list(record: dict, key: str) -> list[str]:
    value = record.get(key) or []
    values = value if isinstance(value, list) else [value]
    return [str(item).strip() for item in values if str(item).strip()]


def _plain(text: str) -> str:
    """One line of plain text: HTML tags of rich-text exports dropped, entities decoded."""
    return " ".join(html.unescape(HTML_TAG_RE.sub(" ", text)).split())


def _display_name(name: str) -> str:
    """"Last, First, Suffix" (the RIS order) as "First Last Suffix"."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 1 or not parts[1]:
        return " ".join(parts[0].split())
    return " ".join(" ".join([parts[1], parts[0], *parts[2:]]).split())






def _arxiv_id(doi: str | None, urls: list[str], texts: list[str]) -> str | None:
    if doi and (match := ARXIV_DOI_RE.match(doi)):
        return match.group("id")
    for candidate in urls:
        if match := ARXIV_URL_RE.search(candidate):
            return match.group("id")
    for candidate in texts:
        if match := NAMED_ID_RE.search(candidate):
            return match.group("id")
    return None


def _dates(record: dict) -> tuple[str | None, str | None]:
    """(year, ISO date). Paper.published holds a whole date only: a record that states just
    a year (or a month) keeps published None rather than inventing January 1st."""
    year = None
    for key in ("date", "year", "publication_year"):
        match = RIS_DATE_RE.match(_first(record, key))
        if not match:
            continue
        year = year or match.group("year")
        if match.group("month") and match.group("day"):
            try:
                day = date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                continue
            return year, day.isoformat()
    return year, None


def _sighting(record: dict, position: int, year: str | None, notes: list[str]) -> Sighting:
    lines: list[str] = []
    journal = _plain(_first(record, *JOURNAL_KEYS))
    if journal:
        lines.append(f"Journal: {journal}")
    if year:
        lines.append(f"Year: {year}")
    keywords = [_plain(keyword) for keyword in _list(record, "keywords")]
    if keywords := [keyword for keyword in keywords if keyword]:
        lines.append("Keywords: " + "; ".join(keywords))
    if notes:
        lines.append("Notes: " + " / ".join(notes))
    return Sighting(position=position, detail="\n".join(lines) or None)

"""Field names of record-shaped digests (JSON, CSV) and how their values become a Paper."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from reader.models import Entry, Paper, Sighting
from reader.parsers.base import DOI_RE, abs_url, pdf_url, split_arxiv_id, unwrap
from reader.parsers.dates import iso_date

# Keys are compared after normalize_key, so "arxivId", "arxiv_id" and "ArXiv ID" are one
# name. Each tuple is in priority order: the first alias with a usable value wins.
TITLE = ("title", "papertitle", "name", "papername", "paper")
ARXIV_ID = ("arxivid", "arxiv", "eprint", "paperid", "id", "entryid")
URL = ("url", "paperurl", "abs", "absurl", "link", "paperlink", "arxivurl", "htmlurl", "html", "href")
PDF = ("pdf", "pdfurl", "pdflink")
DOI = ("doi",)
AUTHORS = ("authors", "author", "authornames", "creators", "creator")
# The first of these present is the paper's abstract; when a record has two, the later
# one is the digest's own words (a newsletter's "Description" beside the "Abstract").
TEXTS = ("abstract", "paperabstract", "summary", "description", "desc")
HEADLINE = ("tldr", "headline", "oneliner", "tagline")
DIGEST_SUMMARY = ("aisummary",)
PUBLISHED = (
    "published", "publishedat", "publisheddate", "publicationdate", "date", "issued",
    "submittedondailyat", "submitted", "created", "createdat", "year",
)
CODE = ("code", "codeurl", "github", "githuburl", "githubrepo", "repo", "repourl", "repository")
HOMEPAGE = ("homepage", "projectpage", "project", "projecturl", "website")
SCORE = ("score", "rating", "upvotes")
CATEGORIES = ("categories", "category", "tags", "topics", "subjects", "primarycategory", "topic")
# Wrappers whose dict value holds the paper's own facts (Hugging Face's {"paper": {...}}).
NESTED_PAPER = ("paper", "item", "entry", "publication", "article", "record")
# Machine-written notes about a paper (daily-arXiv-ai-enhanced's "AI": {"tldr", ...}).
NESTED_NOTES = ("ai", "llm", "gpt")
# Keys whose presence next to a title makes a record a paper rather than, say, a tag.
IDENTIFYING = ARXIV_ID + URL + PDF + DOI
_KNOWN = frozenset(
    TITLE + IDENTIFYING + AUTHORS + TEXTS + HEADLINE + DIGEST_SUMMARY + PUBLISHED + CODE
    + HOMEPAGE + SCORE + CATEGORIES
)

MAX_TITLE_CHARS = 1000
_KEY_RE = re.compile(r"[^0-9a-z]+")
_TAG_RE = re.compile(r"<[^<>]*>")
_ARXIV_DOI_RE = re.compile(r"10\.48550/arxiv\.(\d{4}\.\d{4,5})", re.IGNORECASE)
_LEADING_DATE_RE = re.compile(r"\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?!\d)")
# Hosts whose URLs carry an arXiv id without being arxiv.org (an id in any other URL may
# be a coincidence, e.g. the digits of a journal DOI).
_ARXIV_HOSTS = ("arxiv", "huggingface.co/papers/", "alphaxiv.org", "paperswithcode.com/paper/")
_NOTE_LABELS = ("motivation", "method", "result", "results", "conclusion")


def normalize_key(key: str) -> str:
    return _KEY_RE.sub("", key.lower())


def normalized(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """`mapping` with normalized keys; the first of two keys that normalize alike wins."""
    record: dict[str, Any] = {}
    for key, value in mapping.items():
        record.setdefault(normalize_key(str(key)), value)
    return record


def flatten_record(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The normalized fields of `obj`, a nested paper object's facts taking precedence.

    Hugging Face's outer "publishedAt" is when the paper was featured, the inner one when
    it was published, so the inner object wins and the outer one only fills gaps.
    """
    outer = normalized(obj)
    for key in NESTED_PAPER:
        inner = outer.get(key)
        if isinstance(inner, Mapping):
            merged = normalized(inner)
            for name, value in outer.items():
                if name != key:
                    merged.setdefault(name, value)
            return merged
    return outer


def is_paper_like(obj: Any) -> bool:
    """A mapping with a title and something that identifies or locates the paper."""
    if not isinstance(obj, Mapping):
        return False
    record = flatten_record(obj)
    return first_text(record, TITLE) is not None and first_text(record, IDENTIFYING) is not None


def is_title_key(key: str) -> bool:
    return normalize_key(key) in TITLE


def is_identifying_key(key: str) -> bool:
    return normalize_key(key) in IDENTIFYING


def is_known_key(key: str) -> bool:
    return normalize_key(key) in _KNOWN


def scalar_text(value: Any) -> str | None:
    """A non-empty string for a string or number value; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value) if not (isinstance(value, float) and not math.isfinite(value)) else None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list) and value and not isinstance(value[0], (list, Mapping)):
        return scalar_text(value[0])  # a list of links: the first one locates the paper
    return None


def first_text(record: Mapping[str, Any], aliases: tuple[str, ...]) -> str | None:
    for alias in aliases:
        text = scalar_text(record.get(alias))
        if text is not None:
            return text
    return None


def clean_title(value: str) -> str:
    """Plain text: HTML tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG_RE.sub("", value)).split())


def split_author_string(value: str) -> list[str]:
    """Names from "A, B and C", "A; B", or BibTeX-like "Last, First and Last, First"."""
    value = " ".join(value.split())
    if ";" in value:
        parts = value.split(";")
    else:
        by_and = re.split(r"\s+and\s+|\s*&\s*", value)
        if len(by_and) > 1 and all(part.count(",") == 1 for part in by_and):
            parts = by_and
        else:
            parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*", value)
    names = []
    for part in parts:
        part = part.strip()
        if part.count(",") == 1:  # "Last, First"
            last, first = (piece.strip() for piece in part.split(","))
            part = f"{first} {last}".strip()
        if part and part.lower().rstrip(".") not in {"et al", "others", "and others"}:
            names.append(part)
    return names


def authors_of(value: Any) -> list[str]:
    """Author names from a string, a list of strings, or CSL / name objects."""
    if isinstance(value, str):
        return split_author_string(value)
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        return []
    names = []
    for item in value:
        if isinstance(item, str):
            name = " ".join(item.split())
        elif isinstance(item, Mapping):
            name = _name_of(normalized(item))
        else:
            continue
        if name:
            names.append(name)
    return names


def _name_of(person: Mapping[str, Any]) -> str:
    for key in ("name", "literal", "fullname", "displayname"):
        if text := scalar_text(person.get(key)):
            return " ".join(text.split())
    given = scalar_text(person.get("given")) or scalar_text(person.get("firstname")) or ""
    family = scalar_text(person.get("family")) or scalar_text(person.get("lastname")) or ""
    return " ".join(f"{given} {family}".split())


def iso_published(value: Any, arxiv_id: str | None = None) -> str | None:
    """ISO date of a date string, a year, or CSL-JSON {"date-parts": [[y, m, d]]}."""
    if isinstance(value, Mapping):
        fields = normalized(value)
        parts = fields.get("dateparts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            numbers = [scalar_text(part) for part in parts[0][:3]]
            if all(number and number.isdigit() for number in numbers):
                return _first_of(*(numbers + [None, None])[:3], arxiv_id=arxiv_id)
        value = fields.get("raw") or fields.get("literal")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = _LEADING_DATE_RE.match(value)
    if match:
        return _first_of(*match.groups(), arxiv_id=arxiv_id)
    return iso_date(value[:200])


def _first_of(year: str, month: str | None, day: str | None, arxiv_id: str | None) -> str | None:
    """The date, the first of the month or year standing in for a missing day or month."""
    if not month and arxiv_id and re.match(rf"{year[2:]}\d\d\.", arxiv_id):
        month = arxiv_id[2:4]  # a new-style id starts with the submission's YYMM
    try:
        return date(int(year), int(month or 1), int(day or 1)).isoformat()
    except ValueError:
        return None


def _arxiv_id(record: Mapping[str, Any]) -> str | None:
    for alias in ARXIV_ID:
        text = scalar_text(record.get(alias))
        if not text or len(text) > 500:
            continue
        doi = _ARXIV_DOI_RE.search(text)
        if doi:
            return doi.group(1)
        if DOI_RE.search(text):  # "10.1145/1234.56789" holds digits that look like an id
            continue
        if found := split_arxiv_id(text):
            return found[0]
    for alias in URL + PDF + HOMEPAGE:
        text = scalar_text(record.get(alias))
        if text and len(text) <= 500 and any(host in text.lower() for host in _ARXIV_HOSTS):
            if found := split_arxiv_id(text):
                return found[0]
    doi = _ARXIV_DOI_RE.search(first_text(record, DOI) or "")
    return doi.group(1) if doi else None


def _doi(record: Mapping[str, Any]) -> str | None:
    for alias in DOI + URL:
        text = scalar_text(record.get(alias))
        if text and (alias in DOI or "doi.org/" in text.lower()):
            match = DOI_RE.search(text[:500])
            if match:
                return match.group(1)
    return None


def _http(text: str | None) -> str | None:
    if text and re.match(r"https?://\S+$", text, re.IGNORECASE):
        return text
    return None


def _score(record: Mapping[str, Any]) -> float | None:
    text = first_text(record, SCORE)
    try:
        score = float(text) if text and len(text) < 40 else None
    except ValueError:
        return None
    return score if score is not None and math.isfinite(score) else None


def _categories(record: Mapping[str, Any]) -> str | None:
    for alias in CATEGORIES:
        value = record.get(alias)
        if isinstance(value, list):
            names = [text for item in value if (text := scalar_text(item))]
            if names:
                return ", ".join(names)
        elif text := scalar_text(value):
            return text
    return None


def _text(value: str | None) -> str | None:
    return unwrap(value.split("\n")) or None if value else None


def _notes(record: Mapping[str, Any]) -> Mapping[str, Any]:
    for key in NESTED_NOTES:
        notes = record.get(key)
        if isinstance(notes, Mapping):
            return normalized(notes)
    return {}


def entry_from_record(record: Mapping[str, Any], position: int) -> tuple[Entry | None, list[str]]:
    """The entry a flat, normalized record describes, or None without a usable title."""
    warnings: list[str] = []
    raw_title = first_text(record, TITLE)
    title = clean_title(raw_title) if raw_title else ""
    if not title:
        return None, warnings
    if len(title) > MAX_TITLE_CHARS:
        warnings.append(
            f"entry {position}: a title of {len(title):,} characters was cut to {MAX_TITLE_CHARS}"
        )
        title = title[:MAX_TITLE_CHARS].rstrip() + "…"

    arxiv_id = _arxiv_id(record)
    texts = [text for alias in TEXTS if (text := scalar_text(record.get(alias)))]
    paper = Paper(
        title=title,
        authors=authors_of(next((record[a] for a in AUTHORS if record.get(a)), [])),
        arxiv_id=arxiv_id,
        doi=_doi(record),
        abstract=_text(texts[0]) if texts else None,
        published=next(
            (day for alias in PUBLISHED if (day := iso_published(record.get(alias), arxiv_id))),
            None,
        ),
        code_url=_http(first_text(record, CODE)),
        homepage_url=_http(first_text(record, HOMEPAGE)),
    )
    if arxiv_id:
        paper.abs_url, paper.pdf_url = abs_url(arxiv_id), pdf_url(arxiv_id)
    else:
        url = _http(first_text(record, URL))
        paper.pdf_url = _http(first_text(record, PDF))
        if url and url.lower().endswith(".pdf") and not paper.pdf_url:
            paper.pdf_url = url
        else:
            paper.abs_url = url
        if not paper.abs_url and paper.doi:
            paper.abs_url = f"https://doi.org/{paper.doi}"  # so the paper can still be opened

    notes = _notes(record)
    sighting = Sighting(
        position=position,
        score=_score(record),
        headline=_text(first_text(notes, HEADLINE) or first_text(record, HEADLINE)),
        summary=_text(
            first_text(notes, ("summary",) + DIGEST_SUMMARY)
            or first_text(record, DIGEST_SUMMARY)
            or (texts[1] if len(texts) > 1 else None)
        ),
        detail=_note_detail(notes),
        topic=_categories(record),
    )
    return Entry(paper=paper, sighting=sighting), warnings


def _note_detail(notes: Mapping[str, Any]) -> str | None:
    parts = [
        f"{label.capitalize()}: {' '.join(text.split())}"
        for label in _NOTE_LABELS
        if (text := scalar_text(notes.get(label)))
    ]
    return "\n\n".join(parts) or None

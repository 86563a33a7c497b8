"""Crossref's REST API: one work by DOI, read into a typed record."""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from reader.enrich.http import BadResponse, HttpClient, HttpStatusError

DEFAULT_CROSSREF_API = "https://api.crossref.org"
# Crossref asks for no particular pace, but a desktop app has no reason to hurry it.
CROSSREF_INTERVAL = 1.0
# In the order a reader means "when was it published": the version of record first.
DATE_FIELDS = ("published", "published-print", "published-online", "issued", "created")
_TAG_RE = re.compile(r"<[^>]*>")
_JATS_TITLE_RE = re.compile(r"<(jats:)?title\b[^>]*>.*?</(jats:)?title\s*>", re.DOTALL | re.IGNORECASE)
_PARAGRAPH_END_RE = re.compile(r"</(?:jats:)?(?:p|sec)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class CrossrefRecord:
    """One work as Crossref describes it; `published` keeps Crossref's precision ("2020", "2020-05")."""

    doi: str
    title: str | None
    authors: list[str] = field(default_factory=list)
    container_title: str | None = None
    published: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    type: str | None = None
    url: str | None = None
    abstract: str | None = None


def date_parts_to_iso(value: Any) -> str | None:
    """Crossref's {"date-parts": [[2020, 5]]} as "2020-05"; no day, month or year is invented."""
    try:
        parts = value["date-parts"][0]
    except (KeyError, IndexError, TypeError):
        return None
    numbers = []
    for part in parts or []:
        try:
            numbers.append(int(part))
        except (TypeError, ValueError):
            break
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return None
    text = f"{numbers[0]:04d}"
    if len(numbers) > 1 and 1 <= numbers[1] <= 12:
        text += f"-{numbers[1]:02d}"
        if len(numbers) > 2 and 1 <= numbers[2] <= 31:
            text += f"-{numbers[2]:02d}"
    return text


def strip_markup(text: str | None) -> str | None:
    """Plain text from Crossref's JATS/HTML fragments; paragraphs stay apart by a blank line."""
    if not text:
        return None
    text = _JATS_TITLE_RE.sub(" ", text)  # "Abstract" headings say nothing
    text = _PARAGRAPH_END_RE.sub("\n\n", text)
    text = html.unescape(_TAG_RE.sub("", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    joined = "\n\n".join(p for p in paragraphs if p)
    return joined or None


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return strip_markup(value) if isinstance(value, str) else None


def _author(person: Any) -> str | None:
    if not isinstance(person, dict):
        return None
    if person.get("name"):  # organisations and consortia
        return str(person["name"]).strip() or None
    name = " ".join(str(person[key]).strip() for key in ("given", "family") if person.get(key))
    return name or None


def parse_work(data: bytes) -> CrossrefRecord:
    """A /works/{doi} response as a record; BadResponse when it is not one."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BadResponse("Crossref sent something that is not JSON") from None
    message = document.get("message") if isinstance(document, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("DOI"), str):
        raise BadResponse("Crossref's response holds no work")
    published = next((iso for name in DATE_FIELDS if (iso := date_parts_to_iso(message.get(name)))), None)

    def text(key: str) -> str | None:
        value = message.get(key)
        return str(value).strip() or None if isinstance(value, (str, int)) else None

    return CrossrefRecord(
        doi=message["DOI"],
        title=_first(message.get("title")),
        authors=[a for p in message.get("author") or [] if (a := _author(p))],
        container_title=_first(message.get("container-title")),
        published=published,
        volume=text("volume"),
        issue=text("issue"),
        pages=text("page"),
        type=text("type"),
        url=text("URL"),
        abstract=strip_markup(message.get("abstract") if isinstance(message.get("abstract"), str) else None),
    )


class CrossrefClient:
    """Works by DOI from Crossref, in its polite pool when a contact address is configured."""

    def __init__(
        self, http: HttpClient, endpoint: str = DEFAULT_CROSSREF_API, *, mailto: str | None = None,
        delay: float = CROSSREF_INTERVAL,
    ) -> None:
        self.http = http
        self.endpoint = endpoint.rstrip("/")
        self.mailto = (mailto or "").strip() or None
        http.rate_limiter.set_interval(urllib.parse.urlsplit(endpoint).hostname or "", delay)

    def fetch_doi(self, doi: str) -> CrossrefRecord | None:
        """The work with this DOI, or None when Crossref does not know it."""
        # DOIs may hold "?", "#", ";" and the like; only the "/" stays as it is in the path.
        url = f"{self.endpoint}/works/{urllib.parse.quote(doi.strip(), safe='/')}"
        params = {"mailto": self.mailto} if self.mailto else None
        try:
            response = self.http.get(url, params, accept="application/json")
        except HttpStatusError as error:
            if error.status == 404:
                return None
            raise
        return parse_work(response.body)

"""arXiv's Atom API: papers by id in batches, title searches, and a hardened parse of the feed."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from reader.enrich.http import BadResponse, FetchError, HttpClient
from reader.enrich.resolve import normalize_title, title_similarity
from reader.ids import ARXIV_ID_RE

DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
# arXiv's API terms: no more than one request every three seconds.
ARXIV_MIN_INTERVAL = 3.0
MAX_IDS_PER_REQUEST = 100
TITLES_PER_QUERY = 8
RESULTS_PER_TITLE = 5
# Below this a search hit is someone else's paper, not a candidate worth weighing.
CANDIDATE_SIMILARITY = 0.6

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ENTRY_ID_RE = re.compile(r"^https?://(?:www\.|export\.)?arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
ERROR_ID_MARK = "/api/errors"


class ArxivApiError(FetchError):
    """arXiv answered with an error entry (a malformed id, a bad query) instead of results."""


@dataclass(frozen=True)
class ArxivRecord:
    """One paper as arXiv's API describes it; dates are ISO "YYYY-MM-DD"."""

    arxiv_id: str  # without version
    version: int | None
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    published: str | None = None  # first version
    updated: str | None = None  # this version
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    pdf_url: str | None = None

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"


@dataclass
class Feed:
    """What one API response held."""

    records: list[ArxivRecord]
    total_results: int | None
    errors: list[str]


@dataclass
class IdLookup:
    """Records found by id (keyed by id without version), and the ids that found nothing."""

    records: dict[str, ArxivRecord] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # never sent: arXiv fails a whole batch on one


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False,
        remove_comments=True, remove_pis=True,
    )


def parse_feed(data: bytes) -> Feed:
    """The records and error entries of an Atom response; BadResponse for anything else."""
    if not data.strip():
        raise BadResponse("arXiv sent an empty response")
    # The API never sends a DTD; one in a response can only be an attack (entity expansion,
    # external entities). Refused before parsing, and checked again after for other encodings.
    root_at = data.find(b"<feed")
    if b"<!DOCTYPE" in data[: root_at if root_at >= 0 else len(data)].upper():
        raise BadResponse("arXiv's response declares a DTD; refused")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise BadResponse(f"arXiv sent something that is not XML ({error.msg})") from None
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise BadResponse("arXiv's response declares a DTD; refused")
    if root.tag != f"{ATOM}feed":
        raise BadResponse("arXiv sent XML that is not an Atom feed")
    total = _text(root.find(f"{OPENSEARCH}totalResults"))
    records, errors = [], []
    for entry in root.iterfind(f"{ATOM}entry"):
        entry_id = _text(entry.find(f"{ATOM}id")) or ""
        if ERROR_ID_MARK in entry_id:
            errors.append(_text(entry.find(f"{ATOM}summary")) or entry_id)
            continue
        record = _record(entry, entry_id)
        if record is not None:
            records.append(record)
    return Feed(records, int(total) if total and total.isdigit() else None, errors)


def _record(entry: etree._Element, entry_id: str) -> ArxivRecord | None:
    match = ENTRY_ID_RE.match(entry_id)
    title = _text(entry.find(f"{ATOM}title"))
    # An entry without id or title (the API has sent such for unknown ids) describes nothing.
    if not match or not title:
        return None
    links = entry.findall(f"{ATOM}link")
    pdf = next((link.get("href") for link in links if link.get("title") == "pdf"), None)
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [c.get("term") for c in entry.iterfind(f"{ATOM}category") if c.get("term")]
    primary_term = primary.get("term") if primary is not None else None
    if primary_term and primary_term not in categories:
        categories.insert(0, primary_term)
    return ArxivRecord(
        arxiv_id=match.group("id"),
        version=int(match.group("version")) if match.group("version") else None,
        title=title,
        authors=[name for a in entry.iterfind(f"{ATOM}author") if (name := _text(a.find(f"{ATOM}name")))],
        abstract=_text(entry.find(f"{ATOM}summary")),
        published=_date(_text(entry.find(f"{ATOM}published"))),
        updated=_date(_text(entry.find(f"{ATOM}updated"))),
        primary_category=primary_term or (categories[0] if categories else None),
        categories=categories,
        doi=_text(entry.find(f"{ARXIV}doi")),
        journal_ref=_text(entry.find(f"{ARXIV}journal_ref")),
        comment=_text(entry.find(f"{ARXIV}comment")),
        pdf_url=_https(pdf),
    )


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    # Titles and abstracts arrive hard-wrapped at ~80 columns.
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _date(stamp: str | None) -> str | None:
    return stamp[:10] if stamp and re.match(r"\d{4}-\d{2}-\d{2}", stamp) else None


def _https(url: str | None) -> str | None:
    # The API still writes http:// links; arxiv.org redirects them anyway.
    if url and url.startswith("http://") and "arxiv.org/" in url:
        return "https://" + url[len("http://"):]
    return url


def split_version(arxiv_id: str) -> tuple[str, int | None] | None:
    """(id without version, version) of a bare arXiv id, or None when it is not one."""
    match = ARXIV_ID_RE.fullmatch(arxiv_id.strip())
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version[1:]) if version else None


def search_phrase(title: str) -> str:
    """`title` as a quoted ti: phrase that arXiv's query syntax cannot misread."""
    # Only words survive: quotes, parentheses and colons are query syntax, and the title index
    # ignores punctuation anyway; lower case so AND/OR/ANDNOT inside a title stay words.
    words = normalize_title(title).split()
    return f'ti:"{" ".join(words)}"' if words else ""


def _candidates_for(title: str, records: list[ArxivRecord]) -> list[ArxivRecord]:
    """The hits that can be `title`'s paper, most similar first, each paper once."""
    key = f" {normalize_title(title)} "
    scored = []
    for record in records:
        similarity = title_similarity(title, record.title)
        # A phrase hit is kept even when far ("MEM1" in a long title): the reason it stays
        # unresolved can then name it.
        if similarity >= CANDIDATE_SIMILARITY or key in f" {normalize_title(record.title)} ":
            scored.append((similarity, record))
    scored.sort(key=lambda pair: -pair[0])
    unique: dict[str, ArxivRecord] = {}
    for _, record in scored:
        unique.setdefault(record.arxiv_id, record)
    return list(unique.values())


class ArxivClient:
    """Papers by id and title candidates from arXiv's API, paced as its terms ask."""

    def __init__(
        self,
        http: HttpClient,
        endpoint: str = DEFAULT_ARXIV_API,
        *,
        delay: float = ARXIV_MIN_INTERVAL,
        batch_size: int = MAX_IDS_PER_REQUEST,
        titles_per_query: int = TITLES_PER_QUERY,
    ) -> None:
        self.http = http
        self.endpoint = endpoint
        host = urllib.parse.urlsplit(endpoint).hostname or ""
        if host == "arxiv.org" or host.endswith(".arxiv.org"):
            # A mirror or a test server may go faster; arXiv itself never.
            delay = max(delay, ARXIV_MIN_INTERVAL)
        http.rate_limiter.set_interval(host, delay)
        self.batch_size = max(1, min(batch_size, MAX_IDS_PER_REQUEST))
        self.titles_per_query = max(1, titles_per_query)

    def _query(self, params: dict[str, str]) -> Feed:
        response = self.http.get(self.endpoint, params, accept="application/atom+xml")
        feed = parse_feed(response.body)
        if feed.errors:
            raise ArxivApiError(f"arXiv: {'; '.join(feed.errors)}", response.url)
        return feed

    def fetch_ids(self, ids: Iterable[str]) -> IdLookup:
        """The latest (or the named) version of each id, asking up to 100 ids per request."""
        lookup = IdLookup()
        wanted: dict[str, str] = {}  # id as sent -> id without version
        for raw in ids:
            parts = split_version(raw.strip().removeprefix("arXiv:").removeprefix("arxiv:"))
            if parts is None:
                lookup.invalid.append(raw)
                continue
            base, version = parts
            wanted.setdefault(f"{base}v{version}" if version else base, base)
        sent = list(wanted)
        for start in range(0, len(sent), self.batch_size):
            batch = sent[start:start + self.batch_size]
            feed = self._query({"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))})
            for record in feed.records:
                lookup.records.setdefault(record.arxiv_id, record)
        lookup.not_found = sorted({base for base in wanted.values() if base not in lookup.records})
        return lookup

    def search_titles(self, titles: Iterable[str]) -> dict[str, list[ArxivRecord]]:
        """Candidates for each title, best first, from queries that each OR several titles."""
        distinct = list(dict.fromkeys(t for t in titles if search_phrase(t)))
        found: dict[str, list[ArxivRecord]] = {title: [] for title in distinct}
        for start in range(0, len(distinct), self.titles_per_query):
            batch = distinct[start:start + self.titles_per_query]
            query = " OR ".join(search_phrase(title) for title in batch)
            feed = self._query({
                "search_query": query, "start": "0", "max_results": str(RESULTS_PER_TITLE * len(batch)),
            })
            # One feed answers the whole batch: each hit goes to the titles it resembles or contains.
            for title in batch:
                found[title] = _candidates_for(title, feed.records)
        return found

"""Fetching paper details from arXiv and Crossref, resolving titles, and merging what comes back (no Qt)."""

from reader.enrich.arxiv import (
    ARXIV_MIN_INTERVAL,
    DEFAULT_ARXIV_API,
    ArxivApiError,
    ArxivClient,
    ArxivRecord,
    Feed,
    IdLookup,
    parse_feed,
    search_phrase,
    split_version,
)
from reader.enrich.crossref import (
    DEFAULT_CROSSREF_API,
    CrossrefClient,
    CrossrefRecord,
    date_parts_to_iso,
    parse_work,
    strip_markup,
)
from reader.enrich.http import (
    BadResponse,
    Cancelled,
    Clock,
    FetchError,
    HttpClient,
    HttpStatusError,
    RateLimiter,
    Response,
    ResponseTooLarge,
    SystemClock,
    retry_after_seconds,
    user_agent,
)
from reader.enrich.merge import (
    RecordMismatch,
    UserState,
    combine_user_state,
    journal_reference,
    record_changes,
)
from reader.enrich.resolve import (
    Resolution,
    date_fits,
    normalize_title,
    parse_identifier,
    resolve_title,
    strip_latex,
    title_similarity,
)

__all__ = [
    "ARXIV_MIN_INTERVAL", "DEFAULT_ARXIV_API", "DEFAULT_CROSSREF_API",
    "ArxivApiError", "ArxivClient", "ArxivRecord", "BadResponse", "Cancelled", "Clock",
    "CrossrefClient", "CrossrefRecord", "Feed", "FetchError", "HttpClient", "HttpStatusError",
    "IdLookup", "RateLimiter", "RecordMismatch", "Resolution", "Response", "ResponseTooLarge",
    "SystemClock", "UserState",
    "combine_user_state", "date_fits", "date_parts_to_iso", "journal_reference", "normalize_title",
    "parse_feed", "parse_identifier", "parse_work", "record_changes", "resolve_title",
    "retry_after_seconds", "search_phrase", "split_version", "strip_latex", "strip_markup",
    "title_similarity", "user_agent",
]

"""Paper identifiers: arXiv id and DOI patterns, and the arXiv links an id names."""

from __future__ import annotations

import re

# Modern ids (2402.06619, optional version) and old-style ids (hep-th/9901001).
# Archive names have at most one hyphen; the looser [a-z-]+ backtracked quadratically
# on text like "a-a-a-..." (seconds for 40 KB).
ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})"
ARXIV_ID_VERSION = ARXIV_ID + r"(?P<version>v\d+)?"
ARXIV_ID_RE = re.compile(r"(?<![\w.])" + ARXIV_ID_VERSION + r"(?![\w])")
ARXIV_URL_RE = re.compile(
    r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/" + ARXIV_ID_VERSION + r"(?:\.pdf)?",
    re.IGNORECASE,
)
# A DOI suffix may hold balanced parentheses (Lancet: 10.1016/S0140-6736(20)30183-5); it
# never ends with punctuation that closes the sentence around it. Each alternative starts
# with a different character, so the match is linear.
_DOI_CHAR = r"[^\s\"<>()\[\]{}|,;]"
_DOI_END = r"[^\s\"<>()\[\]{}|,;.:]"
DOI_RE = re.compile(
    # "10." first (the word-boundary check after it) lets the regex engine scan for the literal.
    rf"(10\.(?<!\w10\.)\d{{4,9}}/(?:{_DOI_CHAR}|\({_DOI_CHAR}{{0,40}}\))*(?:{_DOI_END}|\({_DOI_CHAR}{{0,40}}\)))"
)


def split_arxiv_id(text: str) -> tuple[str, str | None] | None:
    """(id without version, version) of the first arXiv id or URL in `text`."""
    match = ARXIV_URL_RE.search(text) or ARXIV_ID_RE.search(text)
    if not match:
        return None
    return match.group("id"), match.group("version")


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"

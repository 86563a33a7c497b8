"""What a paper title looks like: telling titles from labels and markup, and cleaning them."""

from __future__ import annotations

import re

from reader.parsers.identifiers import find_references

GENERIC_TEXTS = {
    "", "paper", "papers", "pdf", "abs", "abstract", "arxiv", "link", "links", "here", "code",
    "html", "doi", "url", "project", "project page", "page", "github", "website", "tweet",
    "blog", "post", "article", "video", "demo", "read more", "open arxiv", "view", "download",
    "hf", "hugging face", "huggingface", "alphaxiv", "paper link", "source", "slides", "web page",
}


LEADING_NOISE_RE = re.compile(
    r"^(?:\s*(?:(?:arxiv\s*:\s*)?\d{4}\.\d{4,5}(?:v\d+)?\s*[—–:|-]+|[-*+>•·]|\d{1,4}\s*[)、]|"
    r"\d{1,4}\.(?!\d)|\[\d{1,4}\]|#\d{1,4}|\d{4}-\d{2}-\d{2}\s*[,;:|]?)\s*)+",
    re.I,
)


ET_AL_RE = re.compile(r"\bet\.?\s?al\b\.?", re.I)


TRAILING_ET_AL_RE = re.compile(r"\s*\([^()]{2,200}\bet\.?\s?al\.?\)\s*$", re.I)


TRAILING_NOISE_RE = re.compile(r"[\s\[({<|,;:*_\-–—]+$")


SPLIT_DESCRIPTION_RE = re.compile(r"\s{2,}|\s+[-–—]\s+(?=[a-z])")


URL_START_RE = re.compile(r"(?:https?://|www\.)\S", re.I)


URLISH_RE = re.compile(r"https?://|www\.|\.(?:com|org|io|pdf)\b", re.I)


DATE_ONLY_RE = re.compile(r"^[\d\s./:\-年月日]+$")


# Marks of markup or of JSON/CSV syntax in a title: one scan finds any (seven `in` tests cost more).
MARKUP_RE = re.compile(r'[<>|]|\]\(|\*\*|"[:,]')


WORD_RE = re.compile(r"[^\W\d_]{2,}")


MAX_TITLE = 400


def is_title_like(text: str | None) -> bool:
    """Whether `text` can be a paper title: words, no markup, not a link label or a date."""
    if not text:
        return False
    text = text.strip()
    if not (1 < len(text) <= MAX_TITLE) and not (len(text) == 1 and text.isalpha()):
        return False
    if text.lower().strip(" :.[]()") in GENERIC_TEXTS:
        return False
    if len(text) < 60 and any(ch.isdigit() for ch in text):
        # "arXiv:2404.19737", "doi: 10.1145/…": an identifier, not a title.
        rest = text
        for reference in reversed(find_references(text)):
            rest = rest[: reference.start] + " " + rest[reference.end :]
        if rest != text and rest.lower().strip(" :.[]()") in GENERIC_TEXTS:
            return False
    if len(text.split()) < 4 and URLISH_RE.search(text):
        return False
    if DATE_ONLY_RE.match(text) or text.endswith((":", "：")):
        return False
    if MARKUP_RE.search(text) or text[0] in "{[":
        return False  # markup, or the syntax of a JSON or CSV line (LaTeX braces are fine)
    return bool(WORD_RE.search(text)) or any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _strip_trailing(text: str) -> str:
    """Drop separators and unbalanced closing brackets at the end; "(2nd ed.)" stays."""
    while True:
        text = TRAILING_NOISE_RE.sub("", text)
        if text.endswith(")") and text.count("(") < text.count(")"):
            text = text[:-1]
        elif text.endswith("]") and text.count("[") < text.count("]"):
            text = text[:-1]
        elif text.endswith(("}", ">")):
            text = text[:-1]
        else:
            return text


def clean_title(raw: str | None) -> str | None:
    """`raw` without list numbering, leading dates or ids, brackets and separators."""
    if not raw:
        return None
    text = " ".join(raw.split())
    text = LEADING_NOISE_RE.sub("", text)
    text = TRAILING_ET_AL_RE.sub("", text)
    text = _strip_trailing(text)
    text = text.strip(" \"'“”`*_")
    if text.startswith(("[", "(")) and text.endswith(("]", ")")):
        text = text[1:-1].strip()
    return text or None


def before_identifier(text: str) -> str:
    """`text` up to its first URL or paper id: "Griffin: https://…" names "Griffin"."""
    cut = len(text)
    url = URL_START_RE.search(text)
    if url:
        cut = url.start()
    references = find_references(text[:cut])
    if references:
        cut = references[0].start
    return text[:cut]


def first_segment(text: str) -> str:
    """Up to the first wide gap or dash separator: "Title  Description" keeps "Title"."""
    return SPLIT_DESCRIPTION_RE.split(text, maxsplit=1)[0]


def split_authors(text: str) -> list[str]:
    """"A, B and C" as ["A", "B", "C"]."""
    text = " ".join(text.split()).strip(" .;")
    if not text or len(text) > 5000:
        return []
    parts = re.split(r"\s*(?:[,;]\s*(?:and\s+)?|\band\s+)", text)
    return [part.strip() for part in parts if part.strip() and len(part.strip()) < 120][:200]

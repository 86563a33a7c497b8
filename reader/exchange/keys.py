"""Citation keys: `lastnameYEARfirstword`, ASCII-folded, a/b/c suffixes on clashes."""

from __future__ import annotations

import functools

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from anyascii import anyascii

from reader.exchange.item import CitationItem
from reader.exchange.latex import math_spans
from reader.exchange.names import is_corporate, parse_name

# Words too common to make a key memorable (Google Scholar and Better BibTeX skip them too).
STOP_WORDS = {
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "or", "with", "without", "is",
    "are", "be", "do", "does", "can", "how", "what", "why", "when", "where", "which", "who",
    "towards", "toward", "via", "from", "by", "at", "as", "into", "onto", "not", "no", "we",
    "our", "your", "its", "it", "this", "that", "these", "those", "about", "over", "under",
    "vs", "versus", "through", "beyond", "between", "among", "using", "all", "any", "yet",
}
_OLD_ARXIV_RE = re.compile(r"/(\d{2})\d{5}$")
_NEW_ARXIV_RE = re.compile(r"^(\d{2})\d{2}\.\d{4,5}$")
_LATEX_COMMAND_RE = re.compile(r"\\[A-Za-z]+")
_WORD_RE = re.compile(r"[a-z0-9]+")


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words of `text`, math and LaTeX commands left out."""
    if text.isascii() and "$" not in text and "\\" not in text:
        # Most titles and names: no math or command to drop, nothing to transliterate.
        return _WORD_RE.findall(text.lower())
    for start, end in reversed(math_spans(text)):
        text = text[:start] + " " + text[end:]
    text = _LATEX_COMMAND_RE.sub(" ", text)
    return _WORD_RE.findall(anyascii(text).lower())


def key_year(item: CitationItem) -> str:
    """The year for the key: stated, else from the arXiv id's YYMM (20yy / 19yy)."""
    year = item.effective_year()
    if year:
        return str(year)
    arxiv_id = item.arxiv_id or ""
    found = _NEW_ARXIV_RE.match(arxiv_id) or _OLD_ARXIV_RE.search(arxiv_id)
    if not found:
        return ""
    yy = int(found.group(1))
    return str(1900 + yy if yy >= 91 else 2000 + yy)  # arXiv began in 1991


def _name_word(authors: Sequence[str]) -> str:
    first = next((a for a in authors if a.strip()), "")
    return _last_name_word(first) if first else "anon"


@functools.lru_cache(maxsize=4096)
def _last_name_word(first: str) -> str:
    """The key word of one author's name; cached, as one author leads many papers."""
    parts = parse_name(first)
    if parts.corporate or is_corporate(parts.last):
        words = [w for w in ascii_words(parts.last) if w not in STOP_WORDS]
        return words[0] if words else "anon"
    return "".join(ascii_words(parts.last)) or "anon"


def _title_word(title: str) -> str:
    words = ascii_words(title)
    significant = [w for w in words if w not in STOP_WORDS]
    return (significant or words or [""])[0]


def base_key(item: CitationItem) -> str:
    """`vaswani2017attention`: first author's last name, year, first significant title word.

    Depends on the item's own fields only, so the same paper gets the same key in any export.
    """
    return "".join(key_parts(item))


def key_parts(item: CitationItem) -> tuple[str, str, str]:
    """The three parts of the item's base key: ("vaswani", "2017", "attention")."""
    return _name_word(item.authors), key_year(item), _title_word(item.title)


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa (bijective base 26)."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def unique_key(base: str, taken: set[str]) -> str:
    """`base`, or `base` + a, b, ..., z, aa, ... : the first not in `taken`.

    Compared case-insensitively (biber warns about keys differing in case only); `taken`
    is not changed.
    """
    return _first_free(base, {key.casefold() for key in taken})


def _first_free(base: str, folded: set[str]) -> str:
    """`base` with the first suffix whose case-folded form is not in `folded`."""
    candidate, n = base, 0
    while candidate.casefold() in folded:
        n += 1
        candidate = base + _suffix(n)
    return candidate


def _identity(item: CitationItem) -> tuple:
    """Orders clashing papers the same way whatever order they come in."""
    return (
        item.arxiv_id or "", item.doi or "", item.title, tuple(item.authors),
        item.effective_year() or 0, item.journal or "", item.booktitle or "", item.url or "",
    )


def assign_keys(
    items: Iterable[CitationItem], taken: Iterable[str] = (), bases: Sequence[str] | None = None
) -> list[str]:
    """A unique key for each item, in input order.

    Kept keys (`citation_key`, e.g. read from a .bib) are used as they are; new keys avoid
    them and `taken`. Clashing new keys get their suffixes in an order fixed by the papers'
    own fields, so a list gives the same keys however it is sorted.
    """
    items = list(items)
    # Folded once, not per key: a library-wide assignment stays linear.
    used = {key.casefold() for key in taken}
    keys: list[str | None] = [None] * len(items)
    for index, item in enumerate(items):
        if item.citation_key:
            # A repeated key (a .bib with duplicates) would make the output invalid.
            key = _first_free(item.citation_key, used)
            keys[index] = key
            used.add(key.casefold())
    pending = [i for i, key in enumerate(keys) if key is None]
    bases = {i: bases[i] if bases is not None else base_key(items[i]) for i in pending}
    # The papers' own fields order only papers with equal bases: made for those alone.
    shared = Counter(bases.values())

    def order(i: int) -> tuple:
        return bases[i], _identity(items[i]) if shared[bases[i]] > 1 else ()

    for index in sorted(pending, key=order):
        key = _first_free(bases[index], used)
        keys[index] = key
        used.add(key.casefold())
    return [key or "" for key in keys]

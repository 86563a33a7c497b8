"""Reference managers' JSON: CSL-JSON (Zotero, Better BibTeX, pandoc) and Better BibTeX's own JSON export."""

from __future__ import annotations

import json
import re
from typing import Any

from reader.exchange.csl import item_from_csl
from reader.exchange.records import entry_from_item
from reader.exchange.zotero import is_better_bibtex_json, read_better_bibtex_json
from reader.models import ParsedDigest
from reader.parsers.base import DigestParser, ParseError, register
from reader.parsers.ris import _plain

# Keys only CSL-JSON items carry; generic JSON digests (daily papers, API dumps) have none.
_CSL_KEYS = {"issued", "container-title", "citation-key", "collection-title", "event-place"}
_CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "paper-conference",
    "book", "chapter", "thesis", "report", "manuscript", "webpage", "post-weblog", "document",
    "dataset", "software", "entry-encyclopedia", "speech",
}


# A long file's sniff sees only its start, which does not parse: its keys must tell.
_CSL_SAMPLE_RE = re.compile(
    r'"type"\s*:\s*"(?:' + "|".join(sorted(_CSL_TYPES)) + r')"[^{}]*?"(?:issued|citation-key|container-title)"\s*:'
    r'|"(?:issued|citation-key|container-title)"\s*:[\s\S]{0,4000}?"type"\s*:\s*"(?:' + "|".join(sorted(_CSL_TYPES)) + r')"'
)
_BBT_SAMPLE_RE = re.compile(r'"itemType"\s*:\s*"\w+"')


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def is_csl_item(value: Any) -> bool:
    if not isinstance(value, dict) or value.get("type") not in _CSL_TYPES:
        return False
    authors = value.get("author")
    csl_names = isinstance(authors, list) and any(
        isinstance(a, dict) and ("family" in a or "literal" in a) for a in authors
    )
    return csl_names or bool(_CSL_KEYS & set(value))


def _csl_items(document: Any) -> list[dict]:
    records = document if isinstance(document, list) else [document]
    return [r for r in records if is_csl_item(r)]


def _digest(name: str, items: list) -> ParsedDigest:

    digest = ParsedDigest(format=name)
    for item in items:
        item.title = _plain(item.title)  # Zotero writes rich-text titles as HTML (<i>, <sup>)
        if item.title.strip():
            digest.entries.append(entry_from_item(item, len(digest.entries) + 1))
    if not digest.entries:
        raise ParseError("no papers found: no item in this file has a title")
    skipped = len(items) - len(digest.entries)
    if skipped:
        digest.warnings.append(f"skipped {skipped} item(s) without a title")
    return digest


@register
class CslJsonParser(DigestParser):
    """A list of CSL-JSON items: keys, containers, dates and (with --with-state) the user's state."""

    name = "csl-json"
    data_format = True

    def sniff(self, text: str) -> float:
        if not text.lstrip().startswith(("[", "{")):
            return 0.0
        document = _load(text)
        if document is None:
            return 0.97 if _CSL_SAMPLE_RE.search(text) else 0.0
        # Above the generic JSON reader's 0.95: the same text, read with its meaning.
        return 0.97 if _csl_items(document) else 0.0

    def parse(self, text: str) -> ParsedDigest:

        records = _csl_items(_load(text))
        if not records:
            raise ParseError("no CSL-JSON items found")
        return _digest(self.name, [item_from_csl(r) for r in records])


@register
class BetterBibtexJsonParser(DigestParser):
    """Better BibTeX's "BetterBibTeX JSON" export of a Zotero library: Zotero's own fields."""

    name = "zotero-json"
    data_format = True

    def sniff(self, text: str) -> float:

        if not text.lstrip().startswith("{"):
            return 0.0
        document = _load(text)
        if document is None:
            return 0.97 if '"items"' in text and _BBT_SAMPLE_RE.search(text) else 0.0
        return 0.97 if is_better_bibtex_json(document) else 0.0

    def parse(self, text: str) -> ParsedDigest:

        document = _load(text)
        if not is_better_bibtex_json(document):
            raise ParseError("not a Better BibTeX JSON export (no Zotero items)")
        return _digest(self.name, read_better_bibtex_json(document))

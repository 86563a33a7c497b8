"""JSON and JSON Lines digests: any array of objects with a title and an id or URL."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Mapping
from typing import Any

from reader.models import ParsedDigest
from reader.parsers.base import SNIFF_CHARS, DigestParser, ParseError, register
from reader.parsers.fields import (
    entry_from_record,
    flatten_record,
    is_paper_like,
    iso_published,
    normalized,
)

# How deep the search for the paper array goes: real wrappers nest two or three levels
# ({"data": {"papers": [...]}}); deeper arrays are a paper's own lists, not the digest.
MAX_SEARCH_DEPTH = 8
# Keys of a wrapper object that date the digest itself.
DIGEST_DATE_KEYS = ("date", "digestdate", "day", "generated", "generatedat", "updated", "created")
# In a sample cut at 64 KB the document does not parse, so its shape is judged by its keys.
_TITLE_KEY_RE = re.compile(r'"(?:title|name|paper_?title)"\s*:\s*"', re.IGNORECASE)
_ID_KEY_RE = re.compile(
    r'"(?:id|arxiv_?id|paper_?id|eprint|entry_id|url|link|abs|abs_url|pdf|pdf_url|html_url'
    r'|doi|paper_?url)"\s*:',
    re.IGNORECASE,
)
SNIFF_LINES = 20


@register
class JsonRecordsParser(DigestParser):
    """A JSON document holding a list of paper objects, or JSON Lines of paper objects."""

    name = "json"
    data_format = True

    def sniff(self, text: str) -> float:
        sample = text[:SNIFF_CHARS]
        stripped = sample.lstrip()
        if not stripped or stripped[0] not in "[{":
            return 0.0
        if len(text) <= SNIFF_CHARS:
            document = _loads(text)
            if document is not _INVALID:
                return 0.95 if _find_papers(document)[0] else 0.1
        lines = [line for line in sample.split("\n")[:SNIFF_LINES] if line.strip()]
        objects = [_loads(line) for line in lines[:-1] or lines]  # the last may be cut
        papers = sum(1 for obj in objects if is_paper_like(obj))
        if papers and papers >= len(objects) // 2:
            return 0.9
        if _TITLE_KEY_RE.search(sample) and _ID_KEY_RE.search(sample):
            return 0.85
        return 0.05

    def parse(self, text: str) -> ParsedDigest:
        digest = ParsedDigest(format=self.name)
        try:
            document = json.loads(text)
        except RecursionError:
            raise ParseError(
                "the JSON is nested too deeply to read (thousands of levels of brackets)"
            ) from None
        except ValueError as error:
            records = _json_lines(text, digest.warnings, error)
        else:
            records, digest.date = _find_papers(document)
            if not records:
                raise ParseError("no papers found: the JSON holds no objects with a title and an id or URL")
        skipped = 0
        for record in records:
            entry, warnings = entry_from_record(record, len(digest.entries) + 1)
            digest.warnings.extend(warnings)
            if entry is None:
                skipped += 1
            else:
                digest.entries.append(entry)
        if skipped:
            digest.warnings.append(f"skipped {skipped} object(s) without a usable title")
        if not digest.entries:
            raise ParseError("no papers found: no object in the JSON has a usable title")
        if digest.date is None:
            digest.date = _common_daily_date(records)
        return digest


_INVALID = object()


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _INVALID


def _json_lines(text: str, warnings: list[str], error: ValueError) -> list[dict[str, Any]]:
    """Records of a JSON Lines file, warning about each line that is not a JSON object.

    A cut-off JSON array (a download that stopped) also lands here; its complete
    leading objects are kept.
    """
    if text.lstrip().startswith("["):
        records = _salvage_array(text.lstrip())
        if records:
            warnings.append(
                f"the JSON ends early ({error}); read the {len(records)} complete object(s) before that"
            )
            return records
    records: list[dict[str, Any]] = []
    bad: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        obj = _loads(line)
        if isinstance(obj, Mapping):
            records.append(flatten_record(obj))
        else:
            bad.append(number)
    if not records:
        raise ParseError(f"not valid JSON or JSON Lines: {error}")
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (", ..." if len(bad) > 10 else "")
        warnings.append(f"skipped {len(bad)} line(s) that are not JSON objects (line {shown})")
    return records


def _salvage_array(text: str) -> list[dict[str, Any]]:
    """The complete objects at the start of a top-level array whose end is missing."""
    decoder = json.JSONDecoder()
    records: list[dict[str, Any]] = []
    position = 1
    while position < len(text):
        while position < len(text) and text[position] in " \t\n,":
            position += 1
        try:
            obj, position = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            break
        if isinstance(obj, Mapping) and is_paper_like(obj):
            records.append(flatten_record(obj))
    return records


def _find_papers(document: Any) -> tuple[list[dict[str, Any]], str | None]:
    """(records, digest date) of the largest array of paper objects in `document`.

    Breadth first, so of two arrays of the same size the shallower one wins, and no
    deeper than MAX_SEARCH_DEPTH. A paper's own children (its authors) are not searched:
    an author with a "name" and an "_id" would otherwise look like a paper.
    """
    if is_paper_like(document):
        return [flatten_record(document)], None
    best: list[Any] = []
    best_count = 0
    best_parent: Mapping[str, Any] | None = None
    queue: deque[tuple[Any, int, Mapping[str, Any] | None]] = deque([(document, 0, None)])
    while queue:
        node, depth, parent = queue.popleft()
        if depth > MAX_SEARCH_DEPTH:
            continue
        if isinstance(node, list):
            count = sum(1 for item in node if is_paper_like(item))
            if count > best_count:
                best, best_count, best_parent = node, count, parent
            children = [item for item in node if not is_paper_like(item)]
            queue.extend((child, depth + 1, None) for child in children if isinstance(child, (list, Mapping)))
        elif isinstance(node, Mapping):
            queue.extend(
                (child, depth + 1, node)
                for child in node.values()
                if isinstance(child, (list, Mapping))
            )
    records = [flatten_record(item) for item in best if isinstance(item, Mapping)]
    date = None
    if best_parent is not None:
        wrapper = normalized(best_parent)
        date = next(
            (day for key in DIGEST_DATE_KEYS if (day := iso_published(wrapper.get(key)))), None
        )
    return records, date


def _common_daily_date(records: list[dict[str, Any]]) -> str | None:
    """The day a daily list featured its papers, when every paper states the same one."""
    days = {iso_published(record.get("submittedondailyat")) for record in records}
    if len(days) == 1 and None not in days:
        return days.pop()
    return None


"""Month-name dates as digests write them ("Mar 12", "Sep 8 2024", "March 3, 2024") to ISO."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_tz

from reader.exchange.bibtex_reader import MONTHS  # one table of month names for every reader

MONTH_DAY_RE = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4})\b)?"
)
TIMESTAMP_DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")  # "…T10:00:00Z" may follow
ISO_DATE_RE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def find_month_day(text: str) -> re.Match[str] | None:
    """The first "Mon D[, YYYY]" in `text` whose month name is a real month."""
    for match in MONTH_DAY_RE.finditer(text):
        if match.group("month").lower() in MONTHS:
            return match
    return None


def iso_date(text: str) -> str | None:
    """The ISO date `text` states, or None when it states none or gives no year."""
    iso = ISO_DATE_RE.search(text)
    if iso:
        return _checked(int(iso["year"]), int(iso["month"]), int(iso["day"]))
    match = find_month_day(text)
    if not match or not match.group("year"):
        return None
    return _checked(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def timestamp_date(text: str | None) -> str | None:
    """ISO date of an ISO 8601 (Atom, dc:date) or RFC 822 (RSS pubDate, mail Date:) timestamp,
    the day as its writer wrote it."""
    if not text:
        return None
    iso = TIMESTAMP_DATE_RE.match(text.strip())
    if iso:
        return _checked(int(iso["year"]), int(iso["month"]), int(iso["day"]))
    parsed = parsedate_tz(text.strip())
    return _checked(*parsed[:3]) if parsed else None

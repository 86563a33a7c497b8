"""Deciding which fetched record is a paper (never by guess), and reading identifiers users type."""

from __future__ import annotations

import difflib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from reader.ids import ARXIV_ID_RE, DOI_RE

NEAR_SIMILARITY = 0.95
# arXiv's "published" is the submission; a digest lists a paper after its announcement, which
# can be dated a day or two later (time zones, weekends), so bounds get this much slack.
DATE_SLACK = timedelta(days=3)

_GREEK = {
    name: chr(code) for name, code in (
        ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
        ("varepsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9),
        ("kappa", 0x3BA), ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
        ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6),
        ("varphi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
        ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E),
        ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
    )
}
_LATEX_LETTERS = {"ss": "ss", "o": "o", "O": "O", "ae": "ae", "AE": "AE", "oe": "oe", "OE": "OE",
                  "aa": "a", "AA": "A", "l": "l", "L": "L", "i": "i", "j": "j"}
# \'e, \"{o}, \^{\i}: the accent goes, the letter stays.
_SYMBOL_ACCENT_RE = re.compile(r"""\\[`'^"~=.]\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))""")
# \c{c}, \v s, \H{o}: letter-named accents need a brace or a space before their letter.
_LETTER_ACCENT_RE = re.compile(r"\\[uvHcdbtkr](?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))")
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)\*?")


class Titled(Protocol):
    title: str
    published: str | None


def strip_latex(text: str) -> str:
    """`text` with LaTeX accents resolved, Greek letters spelled as letters, commands and braces gone."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    text = _SYMBOL_ACCENT_RE.sub(lambda m: (m.group(1) or m.group(2)).lstrip("\\"), text)
    text = _LETTER_ACCENT_RE.sub(lambda m: (m.group(1) or m.group(2)).lstrip("\\"), text)

    def command(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _GREEK:
            return _GREEK[name]
        if name in _LATEX_LETTERS:
            return _LATEX_LETTERS[name]
        return " "  # \textbf, \mathcal, \emph: the argument in braces is the text

    text = _COMMAND_RE.sub(command, text)
    text = text.replace("\\&", "&").replace("\\%", "%").replace("\\_", "_")
    return re.sub(r"[{}$]", "", text)


def normalize_title(title: str | None) -> str:
    """The form titles are compared in: no LaTeX, no accents, casefolded, words joined by one space."""
    if not title:
        return ""
    text = unicodedata.normalize("NFKD", strip_latex(title))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def title_similarity(a: str | None, b: str | None) -> float:
    """difflib's ratio of the two normalized titles (1.0 means equal)."""
    left, right = normalize_title(a), normalize_title(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


@dataclass(frozen=True)
class Resolution:
    """The record a title resolved to, or None with the reason it stays unresolved."""

    record: object | None
    reason: str
    similarity: float = 0.0

    @property
    def resolved(self) -> bool:
        return self.record is not None


def _identity(record: object) -> str:
    return (getattr(record, "arxiv_id", None) or getattr(record, "doi", None) or "").lower() \
        or str(id(record))


def _parse_date(value: str | date | None, *, end: bool) -> date | None:
    """A date from ISO text; a partial one ("2024", "2024-05") spans its whole year or month."""
    if value is None or isinstance(value, date):
        return value
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            return date(int(year), int(month), int(day))
        if month:
            start = date(int(year), int(month), 1)
            return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) if end \
                else start
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    except ValueError:
        return None


def date_fits(published: str | None, not_before: str | date | None, not_after: str | date | None) -> bool | None:
    """Whether `published` lies within the bounds (with slack); None when there is nothing to check."""
    if not_before is None and not_after is None:
        return None
    start, end = _parse_date(published, end=False), _parse_date(published, end=True)
    if start is None or end is None:
        return None
    low, high = _parse_date(not_before, end=False), _parse_date(not_after, end=True)
    if low is None and high is None:
        return None
    if high is not None and start > high + DATE_SLACK:
        return False
    if low is not None and end < low - DATE_SLACK:
        return False
    return True


def resolve_title(
    title: str,
    candidates: list[Titled],
    *,
    not_before: str | date | None = None,
    not_after: str | date | None = None,
    threshold: float = NEAR_SIMILARITY,
) -> Resolution:
    """The one candidate that is this paper, or none with a reason; see the module rules.

    `not_after` is the latest date the paper can have (the digest's date); `not_before` the
    earliest its known details allow. An equal normalized title accepts unless the date rules
    it out; a merely similar one must be the only such candidate and have a date that fits."""
    key = normalize_title(title)
    if not key:
        return Resolution(None, "no title to search for")
    distinct: dict[str, Titled] = {}
    for candidate in candidates:
        distinct.setdefault(_identity(candidate), candidate)
    exact = [c for c in distinct.values() if normalize_title(c.title) == key]
    if exact:
        fitting = [c for c in exact if date_fits(c.published, not_before, not_after) is not False]
        if len(fitting) == 1:
            return Resolution(fitting[0], "same title", 1.0)
        if not fitting:
            return Resolution(None, f"same title, but published {exact[0].published}, outside the paper's dates", 1.0)
        return Resolution(None, f"{len(fitting)} papers have this exact title", 1.0)
    scored = sorted(((title_similarity(title, c.title), c) for c in distinct.values()),
                    key=lambda pair: -pair[0])
    near = [(score, c) for score, c in scored if score >= threshold]
    if not near:
        if not scored:
            return Resolution(None, "no candidates found")
        best, candidate = scored[0]
        return Resolution(None, f"no close title (best {best:.2f}: {candidate.title!r})", best)
    if len(near) > 1:
        return Resolution(None, f"{len(near)} similar titles, none equal", near[0][0])
    score, candidate = near[0]
    fits = date_fits(candidate.published, not_before, not_after)
    if fits is None:
        return Resolution(None, f"similar title ({score:.2f}) but no date to confirm it", score)
    if not fits:
        return Resolution(None, f"similar title ({score:.2f}) but published {candidate.published}, "
                                "outside the paper's dates", score)
    return Resolution(candidate, f"similar title ({score:.2f}) and a fitting date", score)


# --- identifiers typed or pasted into "Add paper…" ----------------------------------------------

ARXIV_HOSTS = {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
HF_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
ALPHAXIV_HOSTS = {"alphaxiv.org", "www.alphaxiv.org"}
ARXIV_DOI_PREFIX = "10.48550/arxiv."
_ARXIV_LABEL_RE = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
_DOI_LABEL_RE = re.compile(r"^doi\s*:\s*", re.IGNORECASE)
# A URL, with or without its scheme ("arxiv.org/abs/…" is how people copy from a URL bar).
_URL_START_RE = re.compile(
    r"^(?:https?://|(?:www\.|export\.|dx\.)?(?:arxiv|doi|huggingface|hf|alphaxiv)\.)", re.IGNORECASE
)


def _arxiv_value(text: str) -> str | None:
    """`text` as an arXiv id ("2401.00001", "2401.00001v2", "hep-th/9901001"), or None."""
    match = ARXIV_ID_RE.fullmatch(text)
    if not match:
        return None
    base = match.group("id")
    # A new-style id starts with YYMM; "2413.00001" is a number, not an id.
    if "/" not in base and not 1 <= int(base[2:4]) <= 12:
        return None
    return base + (match.group("version") or "")


def _doi_value(text: str) -> tuple[str, str] | None:
    match = DOI_RE.fullmatch(text)
    if not match:
        return None
    doi = match.group(1)
    if doi.lower().startswith(ARXIV_DOI_PREFIX):
        arxiv = _arxiv_value(doi[len(ARXIV_DOI_PREFIX):])
        if arxiv:
            # arXiv's own DOIs are DataCite's, unknown to Crossref: fetch them from arXiv.
            return "arxiv", arxiv
    return "doi", doi


def _from_url(text: str) -> tuple[str, str] | None:
    parts = urllib.parse.urlsplit(text if "://" in text else f"https://{text}")
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = urllib.parse.unquote(parts.path).strip("/")
    if host in DOI_HOSTS:
        return _doi_value(path)
    head, _, rest = path.partition("/")
    if host in ARXIV_HOSTS and head in ("abs", "pdf", "html"):
        value = _arxiv_value(rest.removesuffix(".pdf"))
    elif host in HF_HOSTS and head == "papers":
        value = _arxiv_value(rest)
    elif host in ALPHAXIV_HOSTS and head in ("abs", "overview", "pdf"):
        value = _arxiv_value(rest.removesuffix(".pdf"))
    else:
        return None
    return ("arxiv", value) if value else None


def parse_identifier(text: str) -> tuple[str, str]:
    """("arxiv", id with its version if given) or ("doi", doi) for what a user typed or pasted.

    Accepts bare or "arXiv:" ids, arxiv.org abs/pdf/html URLs, Hugging Face papers and alphaXiv
    URLs (their ids are arXiv's), DOIs with or without "doi:" and doi.org URLs. ValueError otherwise."""
    cleaned = text.strip().strip("<>").strip()
    if not cleaned:
        raise ValueError("Nothing to add: type an arXiv id, a DOI, or a paper URL.")
    if _ARXIV_LABEL_RE.match(cleaned):
        value = _arxiv_value(_ARXIV_LABEL_RE.sub("", cleaned))
        if value:
            return "arxiv", value
    elif _DOI_LABEL_RE.match(cleaned):
        found = _doi_value(_DOI_LABEL_RE.sub("", cleaned))
        if found:
            return found
    elif "/" in cleaned and _URL_START_RE.match(cleaned):
        found = _from_url(cleaned)
        if found:
            return found
    else:
        value = _arxiv_value(cleaned)
        if value:
            return "arxiv", value
        found = _doi_value(cleaned)
        if found:
            return found
    shown = cleaned if len(cleaned) <= 80 else cleaned[:77] + "..."
    raise ValueError(
        f"Not an arXiv id, DOI, or paper URL: {shown!r}. Expected e.g. 2401.00001, arXiv:hep-th/9901001, "
        "10.1000/xyz, https://arxiv.org/abs/…, https://doi.org/…, or https://huggingface.co/papers/…"
    )

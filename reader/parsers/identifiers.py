"""Paper identifiers in text: arXiv ids (new and old style, URLs, DOIs) and DOIs, with their spans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from reader.parsers.base import ARXIV_ID, DOI_RE, text_windows

_ID = ARXIV_ID + r"(?:v\d+)?"
URL_PREFIX = r"<?(?:https?://)?(?:www\.|export\.)?$"
DOI_PREFIX = r"(?:doi:\s*|<?https?://(?:dx\.)?doi\.org/)$"
PREFIX_WINDOW = 30
WINDOW_CHARS = 1_000_000
# A core that opens with letters in either case, or with a class of digits, gives the regex
# engine no literal to scan for: it tries every position, 5-8 ms per MB each. Each core is
# tried only where its cue is, `back` characters after the core's start; the cues are found
# by three scans that open with a literal, shared by all patterns: the same matches, several
# times faster. A scan reports a cue by the name of its group.
CUE_SCANS = (
    re.compile(r"\.(?:(?P<org>(?i:org)/)|(?P<papers>(?i:co/papers)/)|(?P<digits>(?=\d{4})))"),
    re.compile(r"(?P<colon>:)(?<=[vV\s]:)"),  # the v of "arXiv:", found back from the colon
    re.compile(r"(?P<ten>10\.)"),
)
CUES_FROM = 256  # characters: in a shorter text, scanning for cues costs more than it saves


@dataclass(frozen=True)
class MentionPattern:
    """What a mention looks like: a core, where it is cued, and an optional lead-in just
    before it (scheme, "doi:") that belongs to the mention."""

    kind: str  # "arxiv" | "doi"
    core: re.Pattern[str]
    cue: str  # a group of CUE_SCANS
    back: int  # the cue is this many characters after the core's start
    prefix: re.Pattern[str] | None = None

    def finditer(self, text: str, cues: dict[str, list[int]] | None) -> Iterator[re.Match[str]]:
        """The core's matches in `text`, as `core.finditer` finds them; `cues` are the
        positions of each cue in `text` (`find_cues`), None to scan without them."""
        if cues is None:
            return self.core.finditer(text)
        return self._cued(text, cues[self.cue])

    def _cued(self, text: str, cues: list[int]) -> Iterator[re.Match[str]]:
        end = 0
        for cue in cues:
            start = cue - self.back
            if start < end:
                continue  # before the text, or inside the previous match: finditer's never overlap
            match = self.core.match(text, start)
            if match:
                end = match.end()
                yield match


def find_cues(text: str) -> dict[str, list[int]]:
    """The positions of every cue in `text`, in order, by cue name."""
    found: dict[str, list[int]] = {name: [] for scan in CUE_SCANS for name in scan.groupindex}
    for scan in CUE_SCANS:
        for match in scan.finditer(text):
            found[match.lastgroup].append(match.start())
    letters = (_v_before(text, colon) for colon in found["colon"])
    found["colon"] = [at for at in letters if at is not None]
    return found


def _v_before(text: str, colon: int) -> int | None:
    """Where the v of `v\\s*:` ending at `colon` is, if one does."""
    at = colon - 1
    while at >= 0 and text[at].isspace():  # isspace() is what \s matches
        at -= 1
    return at if at >= 0 and text[at] in "vV" else None


# Ordered so that a URL or prefixed id claims its span before the bare-id pattern sees it.
MENTION_PATTERNS = [
    MentionPattern(
        "arxiv",
        re.compile(r"arxiv\.org/(?:abs|pdf|html)/" + _ID + r"(?:\.pdf)?/?>?", re.IGNORECASE),
        "org",
        len("arxiv"),
        re.compile(URL_PREFIX, re.IGNORECASE),
    ),
    MentionPattern(
        "arxiv",
        re.compile(r"huggingface\.co/papers/" + _ID + r"/?>?", re.IGNORECASE),
        "papers",
        len("huggingface"),
        re.compile(URL_PREFIX, re.IGNORECASE),
    ),
    MentionPattern(
        "arxiv",
        re.compile(r"alphaxiv\.org/(?:abs|overview|pdf)/" + _ID + r"/?>?", re.IGNORECASE),
        "org",
        len("alphaxiv"),
        re.compile(URL_PREFIX, re.IGNORECASE),
    ),
    MentionPattern(
        "arxiv",
        re.compile(r"10\.48550/arxiv\." + _ID, re.IGNORECASE),
        "ten",
        0,
        re.compile(DOI_PREFIX, re.IGNORECASE),
    ),
    # Spelled-out case classes instead of IGNORECASE: several times faster to scan.
    MentionPattern("arxiv", re.compile(r"[aA][rR][xX][iI][vV]\s*:\s*" + _ID), "colon", len("arxi")),
    # A bare new-style id: the YYMM part must be a plausible month, so "2024.12345" is not one.
    # Bare old-style ids ("hep-th/9901001") look too much like paths; they need "arXiv:" or a URL.
    MentionPattern(
        "arxiv",
        re.compile(r"(?P<id>\d(?<![\w./-]\d)\d(?:0[1-9]|1[0-2])\.\d{4,5})(?:v\d+)?(?![\w.]*\w)"),
        "digits",
        len("2401"),
    ),
    MentionPattern("doi", re.compile(DOI_RE.pattern), "ten", 0, re.compile(DOI_PREFIX, re.IGNORECASE)),
]
MARKDOWN_LINK_RE = re.compile(r"\[(?P<text>[^\[\]]*)\]\((?P<url>[^()\s]*)\)")
LABEL_SUFFIX_RE = re.compile(r"\b(?:arxiv|doi)(?:\s*:)?\s*$", re.IGNORECASE)
TITLE_WINDOW = 400  # titles are shorter; looking further back only costs time on huge lines
URL_RE = re.compile(r"<?https?://\S+>?")
# Link texts that name the link, not the paper.
GENERIC_LINK_TEXTS = {"", "paper", "pdf", "abs", "arxiv", "link", "here", "code", "html", "doi", "url"}


@dataclass
class Reference:
    """One mention of a paper: which kind of identifier, its value, and where it sits."""

    kind: str  # "arxiv" | "doi"
    value: str
    start: int
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.value.lower()


def find_references(text: str) -> list[Reference]:
    """Every arXiv id / DOI mention in text order; a mention inside an earlier one is skipped."""
    candidates = []
    cues = find_cues(text) if len(text) >= CUES_FROM else None
    for priority, pattern in enumerate(MENTION_PATTERNS):
        for match in pattern.finditer(text, cues):
            start = _lead_in_start(text, match.start(), pattern.prefix)
            value = match.group("id") if pattern.kind == "arxiv" else match.group(1).removesuffix(".pdf")
            candidates.append((start, priority, match.end(), pattern.kind, value))
    found: list[Reference] = []
    covered_until = -1
    for start, _, end, kind, value in sorted(candidates):
        if start >= covered_until:
            found.append(Reference(kind, value, start, end))
            covered_until = end
    return found


def _lead_in_start(text: str, start: int, prefix: re.Pattern[str] | None) -> int:
    """Where the mention begins once its lead-in ("https://", "doi:") is counted."""
    if prefix is None:
        return start
    lead_in = prefix.search(text, max(0, start - PREFIX_WINDOW), start)
    return lead_in.start() if lead_in else start


def distinct_references(text: str) -> list[Reference]:
    """First mention of each distinct identifier, in order of first appearance."""
    seen: set[tuple[str, str]] = set()
    distinct = []
    # Read in line-aligned windows: a text that mentions two papers a million times must not
    # hold a million mentions at once.
    for offset, window in text_windows(text, WINDOW_CHARS):
        for ref in find_references(window):
            if ref.key not in seen:
                seen.add(ref.key)
                distinct.append(Reference(ref.kind, ref.value, ref.start + offset, ref.end + offset))
    return distinct




def title_near(text: str, ref: Reference, previous: Reference | None) -> str | None:
    """The title the line around `ref` offers: a markdown link text, else the text before it."""
    window_start = max(0, ref.start - TITLE_WINDOW)
    line_start = max(text.rfind("\n", window_start, ref.start) + 1, window_start)
    link_text = _markdown_link_text(text, ref, line_start)
    if link_text is not None:
        title = clean_title(link_text)
        if title and title.lower() not in GENERIC_LINK_TEXTS:
            return title
    if previous is None or previous.end < line_start:
        return clean_title(text[line_start : ref.start])
    # Between two ids on one line ("... with Mamba arXiv:..."), the title starts at a capital.
    between = text[previous.end : ref.start]
    capital = re.search(r"(?<![\w-])[A-Z0-9]", between)
    return clean_title(between[capital.start() :]) if capital else None


def _markdown_link_text(text: str, ref: Reference, line_start: int) -> str | None:
    """The text of the markdown link whose target is `ref` ("[text](ref)"), if it is one."""
    if text[max(0, ref.start - 2) : ref.start] != "](":
        return None
    opening = text.rfind("[", line_start, ref.start - 2)
    if opening == -1 or "]" in text[opening + 1 : ref.start - 2]:
        return None
    return text[opening + 1 : ref.start - 2]


def clean_title(raw: str) -> str | None:
    """`raw` without URLs, markdown and separators; None when no words are left."""
    text = MARKDOWN_LINK_RE.sub(lambda m: m.group("text"), raw)
    text = URL_RE.sub(" ", text)
    for _ in range(3):  # "arXiv DOI:" and the like, one label at a time
        text = LABEL_SUFFIX_RE.sub("", text)
    text = re.sub(r"^\s*(?:[-*+>#•]+|\d+[.)])\s*", "", text)  # list bullets, numbering, quotes
    text = text.replace("**", "").replace("__", "")
    text = " ".join(text.split()).strip(" \t-–—:|,;([{<*_\"'`")
    text = text.rstrip(" ([{<")
    words = re.findall(r"[^\W\d_]{2,}", text)
    # One short or lowercase word ("An", "see") is a leftover, not a title.
    if not words or (len(text.split()) < 2 and (len(text) < 4 or text.islower())):
        return None
    return text


def doi_in_field(value: str | None) -> str | None:
    """The DOI of a field that holds one ("10.1/x", "doi:10.1/x", a doi.org link), kept whole:
    a field's DOI may hold parentheses that running text would have cut."""
    value = (value or "").strip()
    if value.lower().startswith("doi:"):
        value = value[4:].strip()
    if "doi.org/" in value.lower():
        return doi_in_url(value)
    token = value.split()[0].rstrip(".,;") if value.split() else ""
    return token if DOI_RE.match(token) else None


def doi_in_url(url: str | None) -> str | None:
    """The DOI of a doi.org link (its whole path) or of a publisher's /doi/ page."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.netloc.lower().endswith("doi.org"):
        doi = unquote(parts.path.lstrip("/"))
        return doi if DOI_RE.match(doi) else None
    if "/doi/" in parts.path.lower():
        match = DOI_RE.search(unquote(parts.path))
        return match.group(1) if match else None
    return None

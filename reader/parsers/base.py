"""The parser interface, the registry of formats, and detection by content."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from reader.ids import (  # noqa: F401  (re-exported: the parsers' shared vocabulary)
    ARXIV_ID,
    ARXIV_ID_RE,
    ARXIV_ID_VERSION,
    ARXIV_URL_RE,
    DOI_RE,
    abs_url,
    pdf_url,
    split_arxiv_id,
)
from reader.models import ParsedDigest


class ParseError(Exception):
    """A digest could not be read; the message is meant for the user."""


class DigestParser(ABC):
    """One digest format. Subclasses register with @register and never touch files."""

    name: ClassVar[str]
    # A data format (JSON, CSV, XML feeds, BibTeX, RIS) that recognises its text is the only
    # reading of it: the record finder would read its syntax as prose.
    data_format: ClassVar[bool] = False

    @abstractmethod
    def sniff(self, text: str) -> float:
        """Confidence in [0, 1] that `text` (normalized) is in this format."""

    @abstractmethod
    def parse(self, text: str) -> ParsedDigest:
        """Every entry of `text` (normalized); raise ParseError when nothing can be read."""


REGISTRY: dict[str, DigestParser] = {}
SNIFF_CHARS = 65536


def register(cls: type[DigestParser]) -> type[DigestParser]:
    """Class decorator: make a parser available to detection by its name."""
    REGISTRY[cls.name] = cls()
    return cls


def normalize_text(text: str) -> str:
    """Drop a BOM and turn CRLF / CR line ends into LF, so parsers see one shape."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_sample(text: str) -> str:
    """The start of `text` that sniffers judge: a format shows in its first entries, and
    some sniffers cost as much as a parse, so a 700-paper digest is not read in full."""
    if len(text) <= SNIFF_CHARS:
        return text
    sample = text[:SNIFF_CHARS]
    cut = sample.rfind("\n")
    return sample[:cut] if cut > 0 else sample  # whole lines only


def detect(text: str) -> DigestParser | None:
    """The parser whose parse of `text` the evidence favours, or None when none reads it."""
    from reader.parsers.selection import choose  # selection needs every format registered

    chosen = choose(normalize_text(text))
    return chosen.parser if chosen else None


def most_confident(text: str) -> DigestParser | None:
    """The parser whose sniffer is most confident about `text` (no parse): a quick guess."""
    text = normalize_text(text)
    sample = sniff_sample(text)
    best = _most_confident(sample)
    if best is None and sample is not text:  # a long preamble before the first paper
        best = _most_confident(text)
    return best


def sniff_scores(text: str) -> dict[str, float]:
    """Every registered parser's confidence in `text`; a buggy sniffer scores 0."""
    scores = {}
    for parser in REGISTRY.values():
        try:
            scores[parser.name] = parser.sniff(text)
        except Exception:  # a buggy sniffer must not hide the other formats
            scores[parser.name] = 0.0
    return scores


def _most_confident(text: str) -> DigestParser | None:
    scores = sniff_scores(text)
    name, score = max(scores.items(), key=lambda item: item[1], default=(None, 0.0))
    return REGISTRY[name] if name and score > 0 else None


def parse_text(text: str) -> ParsedDigest:
    """Parse `text` with the format whose result explains it best; ParseError says why not."""
    from reader.parsers.selection import parse_best

    return parse_best(normalize_text(text))


def unwrap(lines: list[str]) -> str:
    """Join hard-wrapped lines into paragraphs separated by one blank line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def text_windows(text: str, size: int, boundaries: tuple[str, ...] = ("\n",)):
    """(offset, part) of `text` in parts of about `size` characters. Each part ends just after
    the first character of the last boundary in its second half (the first boundary that
    occurs wins), so a blank line or a line end is never split."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            for boundary in boundaries:
                cut = text.rfind(boundary, start + size // 2, end)
                if cut != -1:
                    end = cut + 1
                    break
        yield start, text[start:end]
        start = end

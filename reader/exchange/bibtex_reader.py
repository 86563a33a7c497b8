"""JabRef, Zotero and Better BibTeX .bib files read into CitationItems, user state included."""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser import model

from reader.exchange.item import CitationItem, FileLink, arxiv_of_doi, set_arxiv
from reader.exchange.latex import text_from_latex, unescape_verbatim
from reader.exchange.names import split_bibtex_names
from reader.ids import DOI_RE, split_arxiv_id

# bibtexparser logs each malformed block itself; the caller gets them as warnings instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

# Month names as BibTeX, mail headers and digests write them (also read by reader.parsers).
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RANKING_RE = re.compile(r"^rank([1-5])$", re.IGNORECASE)
# Fields mapped onto CitationItem attributes; everything else is kept in `extra`.
_MAPPED = {
    "title", "author", "year", "month", "date", "journal", "journaltitle", "booktitle",
    "volume", "number", "issue", "pages", "publisher", "doi", "url", "eprint",
    "archiveprefix", "eprinttype", "primaryclass", "eprintclass", "abstract", "keywords",
    "groups", "readstatus", "ranking", "comment", "annote", "annotation", "file",
    "mendeley-tags",
}


def from_bibtex(text: str, warnings: list[str] | None = None) -> list[CitationItem]:
    """The entries of a .bib file in file order; unreadable blocks are appended to `warnings`."""
    library = bibtexparser.parse_string(text)
    blocks: list[model.Entry] = list(library.entries)
    for failed in library.failed_blocks:
        if isinstance(failed, model.DuplicateBlockKeyBlock) and isinstance(
            failed.ignore_error_block, model.Entry
        ):
            blocks.append(failed.ignore_error_block)  # the same key, still another paper
        elif warnings is not None:
            warnings.append(f"skipped an unreadable BibTeX block at line {(failed.start_line or 0) + 1}")
    blocks.sort(key=lambda block: block.start_line or 0)
    return [item_from_fields(block.entry_type, block.key, _fields(block)) for block in blocks]


def _fields(block: model.Entry) -> dict[str, str]:
    fields: dict[str, str] = {}
    for field in block.fields:
        fields.setdefault(field.key.lower(), str(field.value))
    return fields


def item_from_fields(entry_type: str, key: str, fields: dict[str, str]) -> CitationItem:
    """A CitationItem from one entry's lower-case field names and (unbraced) values."""
    item = CitationItem(
        title=_text(fields.get("title")) or "",
        authors=split_bibtex_names(fields.get("author", "")),
        entry_type=entry_type.lower() or None,
        citation_key=key or None,
        journal=_text(fields.get("journal") or fields.get("journaltitle")),
        booktitle=_text(fields.get("booktitle")),
        volume=_text(fields.get("volume")),
        number=_text(fields.get("number") or fields.get("issue")),
        pages=_pages(fields.get("pages")),
        publisher=_text(fields.get("publisher")),
        abstract=_paragraphs(fields.get("abstract")),
    )
    _read_date(item, fields)
    _read_ids(item, fields)
    _read_state(item, fields)
    item.extra = {
        name: value for name, value in fields.items() if name not in _MAPPED and value.strip()
    }
    if "groups" in fields and fields["groups"].strip():
        item.extra["groups"] = fields["groups"].strip()
    return item


def _text(value: str | None) -> str | None:
    return text_from_latex(value) or None if value else None


def _paragraphs(value: str | None) -> str | None:
    if not value:
        return None
    paragraphs = [text_from_latex(p) for p in re.split(r"\n[ \t]*\n\s*", value.strip())]
    return "\n\n".join(p for p in paragraphs if p) or None


def _pages(value: str | None) -> str | None:
    text = _text(value)
    if not text:
        return None
    return re.sub(r"\s*(?:-+|–|—)\s*", "--", text)


def _read_date(item: CitationItem, fields: dict[str, str]) -> None:
    """`date` (biblatex) first, else `year` + `month`; a bare year stays a year."""
    date = _DATE_RE.match(fields.get("date", ""))
    if date:
        item.year = int(date.group(1))
        item.month = _month(date.group(2))
        if item.month and date.group(3) and 1 <= int(date.group(3)) <= 31:
            item.published = f"{item.year:04d}-{item.month:02d}-{int(date.group(3)):02d}"
        return
    year = re.search(r"\d{4}", fields.get("year", ""))
    if year:
        item.year = int(year.group(0))
        item.month = _month(fields.get("month", ""))


def _month(value: str | None) -> int | None:
    value = (value or "").strip("{} .").lower()
    if value.isdigit():
        return int(value) if 1 <= int(value) <= 12 else None
    return MONTHS.get(value)


def _read_ids(item: CitationItem, fields: dict[str, str]) -> None:
    doi_field = unescape_verbatim(fields.get("doi", ""))
    doi_field = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi_field, flags=re.IGNORECASE)
    if re.fullmatch(r"10\.\d{4,9}/\S+", doi_field):
        item.doi = doi_field  # the field is verbatim: <, >, ; and () are part of a DOI
    else:
        found_doi = DOI_RE.search(doi_field)
        item.doi = found_doi.group(1) if found_doi else None
    item.url = unescape_verbatim(fields["url"]) or None if fields.get("url") else None
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    candidates = []
    if archive == "arxiv" or (not archive and fields.get("eprint")):
        candidates.append(fields.get("eprint", ""))
    found = split_arxiv_id(candidates[0]) if candidates and candidates[0] else None
    if not found:
        found = arxiv_of_doi(item.doi)
    if not found and item.url and "arxiv.org" in item.url.lower():
        found = split_arxiv_id(item.url)
    if found:
        set_arxiv(item, found)
    category = (fields.get("primaryclass") or fields.get("eprintclass") or "").strip()
    item.primary_category = category or None
    if item.arxiv_id and item.url and item.url.rstrip("/") == f"https://arxiv.org/abs/{item.arxiv_id}":
        item.url = None  # the writer derives it again from the id


def _read_state(item: CitationItem, fields: dict[str, str]) -> None:
    tags: list[str] = []
    for name in ("keywords", "mendeley-tags", "groups"):
        for tag in re.split(r"[,;]", _text(fields.get(name)) or ""):
            tag = " ".join(tag.split())
            if tag and tag not in tags:
                tags.append(tag)
    item.tags = tags
    status = (fields.get("readstatus") or "").strip().lower()
    item.read = status in {"read", "skimmed"}
    ranking = _RANKING_RE.match((fields.get("ranking") or "").strip())
    item.rating = int(ranking.group(1)) if ranking else None
    item.note = _merge_notes(
        fields.get(name) for name in ("comment", "annote", "annotation", "note")
    )
    item.files = parse_files(fields.get("file", ""))


def _merge_notes(values) -> str | None:
    """Paragraphs of all note fields, each once: the writer's annote repeats a `note` field
    it also writes back, and a second round trip must not double it."""
    paragraphs: list[str] = []
    for value in values:
        for paragraph in (_paragraphs(value) or "").split("\n\n"):
            if paragraph and paragraph not in paragraphs:
                paragraphs.append(paragraph)
    return "\n\n".join(paragraphs) or None


def parse_files(value: str) -> list[FileLink]:
    """JabRef (`desc:path:type`, \\-escaped), Zotero/Better BibTeX and Mendeley `file` fields."""
    links = []
    for entry in _split_escaped(value.strip(), ";"):
        parts = _split_escaped(entry, ":")
        parts = _rejoin_drive(parts)
        parts = [_unescape_file(p) for p in parts]
        if not any(parts):
            continue
        if len(parts) == 1:
            links.append(FileLink(path=parts[0]))
        elif len(parts) == 2:
            links.append(FileLink(description=parts[0], path=parts[1]))
        else:
            links.append(FileLink(description=parts[0], path=":".join(parts[1:-1]), filetype=parts[-1]))
    return links


def _split_escaped(text: str, separator: str) -> list[str]:
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "\\:;":
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _rejoin_drive(parts: list[str]) -> list[str]:
    """Zotero leaves a Windows drive's colon unescaped: "PDF:C:\\\\a.pdf:application/pdf"."""
    joined: list[str] = []
    for part in parts:
        if joined and re.fullmatch(r"[A-Za-z]", joined[-1]) and part[:1] in "\\/":
            joined[-1] += ":" + part
        else:
            joined.append(part)
    return joined


def _unescape_file(text: str) -> str:
    return re.sub(r"\\([\\:;])", r"\1", text)

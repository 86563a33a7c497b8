"""BibTeX entries a LaTeX user pastes as they are, in the shape arXiv's and JabRef's exports take."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reader.exchange.item import CitationItem, FileLink
from reader.exchange.keys import assign_keys
from reader.exchange.latex import balanced, escape_text, verbatim
from reader.exchange.names import join_bibtex_names

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Fields this writer makes itself; an `extra` field of the same name is not written twice.
OWN_FIELDS = {
    "title", "author", "journal", "booktitle", "volume", "number", "pages", "publisher",
    "year", "month", "eprint", "archiveprefix", "primaryclass", "doi", "url", "abstract",
    "keywords", "groups", "readstatus", "ranking", "annote", "comment", "file", "date",
    "eprinttype", "eprintclass", "note",
}
_PAGE_RANGE_RE = re.compile(r"^\s*([A-Za-z]?\d+)\s*(?:-+|–|—)\s*([A-Za-z]?\d+)\s*$")


def entry_type(item: CitationItem) -> str:
    """The stated type, else article for a journal, inproceedings for a booktitle, else misc."""
    if item.entry_type:
        return item.entry_type.lower()
    if item.journal:
        return "article"
    if item.booktitle:
        return "inproceedings"
    return "misc"


def to_bibtex(
    items: Iterable[CitationItem], *, with_state: bool = False, with_abstract: bool = False
) -> str:
    """Entries for `items`, separated by a blank line; keys from assign_keys.

    `with_state` adds the user's state as JabRef reads it (keywords, readstatus, ranking,
    annote, file); `with_abstract` adds the abstract (arXiv's export leaves it out).
    """
    items = list(items)
    keys = assign_keys(items)
    return "\n".join(
        bibtex_entry(item, key, with_state=with_state, with_abstract=with_abstract)
        for item, key in zip(items, keys)
    )


def bibtex_entry(
    item: CitationItem, key: str, *, with_state: bool = False, with_abstract: bool = False
) -> str:
    """One `@type{key, ...}` entry ending in a newline."""
    fields = bibtex_fields(item, with_state=with_state, with_abstract=with_abstract)
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{entry_type(item)}{{{key},\n{body}\n}}\n"


def bibtex_fields(
    item: CitationItem, *, with_state: bool = False, with_abstract: bool = False
) -> list[tuple[str, str]]:
    """(name, delimited value) pairs: arXiv's order, then other bibliographic fields, then state."""
    fields: list[tuple[str, str]] = []

    def text(name: str, value: str | None) -> None:
        if value and value.strip():
            fields.append((name, "{" + escape_text(" ".join(value.split())) + "}"))

    # The whole title is braced: styles then cannot lowercase what we cannot tell apart
    # (acronyms, Bayesian, Markov, a model's name); the user's own inner braces stay too.
    if item.title.strip():
        fields.append(("title", "{{" + escape_text(" ".join(item.title.split())) + "}}"))
    authors = join_bibtex_names(item.authors)
    if authors:
        fields.append(("author", "{" + authors + "}"))
    text("journal", item.journal)
    text("booktitle", item.booktitle)
    text("volume", item.volume)
    text("number", item.number)
    if item.pages and item.pages.strip():
        fields.append(("pages", "{" + escape_text(bibtex_pages(item.pages)) + "}"))
    text("publisher", item.publisher)
    year = item.effective_year()
    if year:
        fields.append(("year", "{" + str(year) + "}"))
    month = item.effective_month()
    if month:
        fields.append(("month", MONTH_MACROS[month - 1]))  # the macro: styles print it localised
    if item.arxiv_id:
        # arXiv's own export: the id without its version, the archive and the category.
        fields.append(("eprint", "{" + verbatim(item.arxiv_id) + "}"))
        fields.append(("archivePrefix", "{arXiv}"))
        if item.primary_category:
            fields.append(("primaryClass", "{" + verbatim(item.primary_category) + "}"))
    if item.doi:
        fields.append(("doi", "{" + verbatim(item.doi) + "}"))
    url = item.url or (f"https://arxiv.org/abs/{item.arxiv_id}" if item.arxiv_id else None)
    if url:
        fields.append(("url", "{" + verbatim(url) + "}"))
    if with_abstract:
        abstract = item.abstract or ""
        if abstract.strip():
            fields.append(("abstract", "{" + _paragraphs(abstract) + "}"))
    fields += _extra_fields(item, with_state)
    if with_state:
        fields += _state_fields(item)
    return fields


def bibtex_pages(pages: str) -> str:
    """A page range with BibTeX's en dash ("12--34"); anything else as given."""
    found = _PAGE_RANGE_RE.match(pages)
    return f"{found.group(1)}--{found.group(2)}" if found else " ".join(pages.split())


def _paragraphs(value: str) -> str:
    """Multi-paragraph text escaped; paragraphs separated by a blank line, as LaTeX reads them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value.strip())]
    return "\n\n".join(escape_text(p) for p in paragraphs if p)


def _extra_fields(item: CitationItem, with_state: bool) -> list[tuple[str, str]]:
    fields = []
    for name, value in item.extra.items():
        lowered = name.lower()
        if lowered in OWN_FIELDS - {"note"} or not value.strip():
            continue
        if lowered == "note":
            fields.append(("note", _braced(value)))  # bibliographic: styles print it
        else:
            fields.append((lowered, _braced(value)))
    groups = item.extra.get("groups")
    if with_state and groups:
        # Groups the user still has as tags; JabRef reads them back into its groups.
        still = [g for g in _split_list(groups) if g in item.tags]
        if still:
            fields.append(("groups", "{" + escape_text(", ".join(still)) + "}"))
    return fields


def _braced(value: str) -> str:
    return "{" + (value if balanced(value) else escape_text(value)) + "}"


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", value) if part.strip()]


def _state_fields(item: CitationItem) -> list[tuple[str, str]]:
    fields = []
    if item.tags:
        fields.append(("keywords", "{" + escape_text(", ".join(item.tags)) + "}"))
    if item.read:
        fields.append(("readstatus", "{read}"))
    if item.rating and 1 <= item.rating <= 5:
        fields.append(("ranking", "{rank" + str(item.rating) + "}"))
    if item.note and item.note.strip():
        # annote, not note: styles print `note`, a private remark must stay private.
        fields.append(("annote", "{" + _paragraphs(item.note) + "}"))
    if item.files:
        fields.append(("file", "{" + verbatim(format_files(item.files)) + "}"))
    return fields


def format_files(files: list[FileLink]) -> str:
    """JabRef's `file` field: description:path:type entries joined by ";", with \\ : ;
    escaped by a backslash as JabRef does."""
    return ";".join(
        ":".join(_file_escape(part) for part in (link.description, link.path, link.filetype))
        for link in files
    )


def _file_escape(text: str) -> str:
    return re.sub(r"([\\:;])", r"\\\1", text)

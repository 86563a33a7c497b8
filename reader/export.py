"""Reading-list exports (BibTeX, CSV, JSON, Markdown) over Library.list_papers dicts."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable

from reader.textsafe import clean_value, json_text

Paper = dict  # one Library.list_papers() item

FORMATS = ("bibtex", "csv", "json", "markdown")

# Replaced in one pass, so the backslashes of the escapes are never escaped again.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# Words too common to make a citation key memorable.
_KEY_STOPWORDS = {
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is", "are",
    "do", "does", "can", "how", "what", "why", "when", "towards", "toward", "via",
}

_CSV_COLUMNS = (
    "id", "arxiv_id", "doi", "title", "authors", "published", "abs_url", "pdf_url",
    "code_url", "tags", "rating", "read", "note", "abstract",
)
# Spreadsheets run cells starting with these as formulas; digest text must stay text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export(papers: list[Paper], fmt: str) -> str:
    """`papers` in the export format named `fmt` (one of FORMATS)."""
    writers: dict[str, Callable[[list[Paper]], str]] = {
        "bibtex": to_bibtex,
        "csv": to_csv,
        "json": to_json,
        "markdown": to_markdown,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return writers[fmt](papers)
    # Escape sequences in digest text would act on the terminal that shows the export.
    return writers[fmt]([clean_value(paper) for paper in papers])


# BibTeX ---------------------------------------------------------------------


def latex_escape(text: str) -> str:
    """`text` as a BibTeX field value that LaTeX prints literally (UTF-8 kept as is)."""
    return _LATEX_SPECIALS_RE.sub(lambda m: _LATEX_SPECIALS[m.group(0)], text)


def to_bibtex(papers: list[Paper]) -> str:
    """One @misc entry per paper, with unique citation keys like `ye2024mmego`."""
    used: set[str] = set()
    return "\n".join(_bibtex_entry(paper, _unique_key(citation_key(paper), used)) for paper in papers)


def citation_key(paper: Paper) -> str:
    """First author's last name, year, first significant title word: `ye2024mmego`."""
    authors = paper.get("authors") or []
    last_name = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(w) for w in (paper.get("title") or "").split()]
    significant = [w for w in words if w and w not in _KEY_STOPWORDS]
    first_word = significant[0] if significant else next((w for w in words if w), "")
    return f"{last_name or 'anon'}{_year(paper) or ''}{first_word}" or "paper"


def _ascii_word(word: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def _unique_key(key: str, used: set[str]) -> str:
    candidate, suffix = key, 1
    while candidate in used:
        suffix += 1
        candidate = f"{key}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
    used.add(candidate)
    return candidate


def _year(paper: Paper) -> str | None:
    published = paper.get("published") or ""
    if re.match(r"\d{4}", published):
        return published[:4]
    arxiv_id = paper.get("arxiv_id") or ""
    if re.match(r"\d{4}\.\d{4,5}$", arxiv_id):
        return f"20{arxiv_id[:2]}"
    return None


def _bibtex_entry(paper: Paper, key: str) -> str:
    fields = _bibtex_fields(paper)
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _bibtex_fields(paper: Paper) -> list[tuple[str, str]]:
    """(name, already-delimited value) pairs in the usual reading order."""
    fields: list[tuple[str, str]] = [("title", "{{" + latex_escape(paper.get("title") or "") + "}}")]
    authors = [_bibtex_name(a) for a in paper.get("authors") or [] if a.strip()]
    if authors:
        fields.append(("author", "{" + " and ".join(authors) + "}"))
    fields += _bibtex_date_fields(paper)
    arxiv_id = paper.get("arxiv_id")
    if arxiv_id:
        fields += [("eprint", "{" + latex_escape(arxiv_id) + "}"), ("archivePrefix", "{arXiv}")]
        if paper.get("primary_class"):
            fields.append(("primaryClass", "{" + latex_escape(paper["primary_class"]) + "}"))
    if paper.get("doi"):
        fields.append(("doi", "{" + latex_escape(paper["doi"]) + "}"))
    url = _first_http(paper.get("links") or {}, ("abs", "pdf", "code"))
    if url:
        fields.append(("url", "{" + _url_escape(url) + "}"))
    if paper.get("tags"):
        fields.append(("keywords", "{" + latex_escape(", ".join(paper["tags"])) + "}"))
    if paper.get("abstract"):
        fields.append(("abstract", "{" + latex_escape(paper["abstract"]) + "}"))
    if paper.get("note"):
        # annote, not note: styles print `note` in a bibliography, a private remark must not.
        fields.append(("annote", "{" + latex_escape(paper["note"]) + "}"))
    return fields


def _bibtex_name(name: str) -> str:
    """A "First Last" name; braced whole when BibTeX would otherwise split it wrongly."""
    escaped = latex_escape(name.strip())
    if "," in name or re.search(r"\sand\s", name, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def _bibtex_date_fields(paper: Paper) -> list[tuple[str, str]]:
    published = paper.get("published") or ""
    year = _year(paper)
    fields: list[tuple[str, str]] = []
    if year:
        fields.append(("year", "{" + year + "}"))
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})$", published)
    if match and 1 <= int(match.group(2)) <= 12:
        fields.append(("month", _MONTHS[int(match.group(2)) - 1]))
        fields.append(("date", "{" + published + "}"))  # biblatex reads the exact day
    elif not published:
        # An arXiv id tells the month (2401.01234: January 2024), never the day.
        found = re.match(r"\d{2}(\d{2})\.\d{4,5}$", paper.get("arxiv_id") or "")
        if found and 1 <= int(found.group(1)) <= 12:
            fields.append(("month", _MONTHS[int(found.group(1)) - 1]))
    return fields


def _url_escape(url: str) -> str:
    """URL fields are read verbatim; only braces and spaces could break the entry."""
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _first_http(links: dict, order: Iterable[str]) -> str | None:
    for name in order:
        url = links.get(name)
        if _is_http(url):
            return url
    return None


def _is_http(url: object) -> bool:
    return isinstance(url, str) and re.match(r"https?://", url, re.IGNORECASE) is not None


# CSV / JSON -------------------------------------------------------------------


def to_csv(papers: list[Paper]) -> str:
    """A header row and one row per paper; lists are joined with "; "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for paper in papers:
        writer.writerow([_csv_cell(value) for value in _csv_row(paper)])
    return out.getvalue()


def _csv_row(paper: Paper) -> list[object]:
    links = paper.get("links") or {}
    return [
        paper.get("id"),
        paper.get("arxiv_id"),
        paper.get("doi"),
        paper.get("title"),
        "; ".join(paper.get("authors") or []),
        paper.get("published"),
        links.get("abs"),
        links.get("pdf"),
        links.get("code"),
        "; ".join(paper.get("tags") or []),
        paper.get("rating") or "",
        "yes" if paper.get("read") else "no",
        paper.get("note"),
        paper.get("abstract"),
    ]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def to_json(papers: list[Paper]) -> str:
    """The list_papers dicts as pretty-printed UTF-8 JSON."""
    return json_text(json.dumps(papers, ensure_ascii=False, indent=2)) + "\n"


# Markdown ---------------------------------------------------------------------

_MARKDOWN_SPECIALS_RE = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")


def markdown_escape(text: str) -> str:
    """Digest text shown literally in Markdown (no links, markup or HTML from it)."""
    return _MARKDOWN_SPECIALS_RE.sub(r"\\\1", " ".join(text.split()))


def stars(rating: int | None) -> str:
    """★★★☆☆ for 3, "" when unrated."""
    if not rating:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def to_markdown(papers: list[Paper]) -> str:
    """A numbered reading list: linked title, facts line, links, then the user's note."""
    count = f"{len(papers)} paper{'s' if len(papers) != 1 else ''}"
    parts = [f"# Reading list\n\n{count}\n"]
    parts += [_markdown_item(n, paper) for n, paper in enumerate(papers, 1)]
    return "\n".join(parts)


def _markdown_item(number: int, paper: Paper) -> str:
    lines = [f"{number}. **{_markdown_title(paper)}**"]
    facts = _markdown_facts(paper)
    if facts:
        lines.append("   " + facts)
    links = paper.get("links") or {}
    other_links = [
        f"[{label}](<{links[name]}>)"
        for name, label in (("pdf", "PDF"), ("code", "Code"))
        if _is_markdown_link(links.get(name))
    ]
    if other_links:
        lines.append("   " + " · ".join(other_links))
    text = "  \n".join(lines) + "\n"  # two spaces: a Markdown line break inside the item
    note = (paper.get("note") or "").strip()
    if note:
        text += "\n" + "\n".join(f"   > {line}".rstrip() for line in note.splitlines()) + "\n"
    return text


def _markdown_title(paper: Paper) -> str:
    title = markdown_escape(paper.get("title") or "(untitled)")
    abs_link = (paper.get("links") or {}).get("abs")
    return f"[{title}](<{abs_link}>)" if _is_markdown_link(abs_link) else title


def _markdown_facts(paper: Paper) -> str:
    tags = " ".join(f"`{tag.replace('`', '')}`" for tag in paper.get("tags") or [])
    facts = [
        markdown_escape(", ".join(paper.get("authors") or [])),
        paper.get("published") or "",
        stars(paper.get("rating")),
        "read" if paper.get("read") else "",
        tags,
    ]
    return " · ".join(f for f in facts if f)


def _is_markdown_link(url: object) -> bool:
    return _is_http(url) and not re.search(r"[<>\s]", url)

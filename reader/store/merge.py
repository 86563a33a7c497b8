"""The paper merger: match a digest's entries to papers (arXiv id, DOI, normalized title), fill what they lack."""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence

from reader.models import Entry, Paper
from reader.store.db import blank_to_none, chunks, marks

FILL_FIELDS = (
    "arxiv_id", "doi", "abstract", "translation", "published",
    "abs_url", "pdf_url", "code_url", "homepage_url",
)
PAPER_COLUMNS = (
    "id", "arxiv_id", "doi", "title", "title_key", "authors", "first_author", *FILL_FIELDS[2:],
    "added",
)
ET_AL_RE = re.compile(r"\bet\.?\s*al\b", re.IGNORECASE)
ARXIV_PREFIX_RE = re.compile(r"^(?:arxiv:)", re.IGNORECASE)
ARXIV_VERSION_RE = re.compile(r"v\d+$")
TITLE_WORD_RE = re.compile(r"[^\W_]+")
# Where a papers row (PAPER_COLUMNS) holds the full-text index's rowid and columns.
_INDEXED_AT = tuple(PAPER_COLUMNS.index(column) for column in ("id", "title", "authors", "abstract"))


# A digest's titles are keyed three times while its entries are matched (is it
# identifiable, which papers are candidates, which one matches): kept for a digest's length.
@functools.lru_cache(maxsize=4096)
def title_key(title: str | None) -> str | None:
    """Casefolded title with every run of punctuation and whitespace collapsed to one space."""
    if not title:
        return None
    text = unicodedata.normalize("NFKC", title).casefold()
    words = TITLE_WORD_RE.findall(text)
    return " ".join(words) or None


def normalize_arxiv_id(arxiv_id: str | None) -> str | None:
    if not arxiv_id or not arxiv_id.strip():
        return None
    return ARXIV_VERSION_RE.sub("", ARXIV_PREFIX_RE.sub("", arxiv_id.strip()))


def _better_authors(old: list[str], new: list[str]) -> bool:
    """Whether `new` is a fuller author list than `old` ("X et al." loses to the full list)."""
    if not new:
        return False
    if len(new) != len(old):
        return len(new) > len(old)
    abbreviated = any(ET_AL_RE.search(a) for a in old)
    return abbreviated and not any(ET_AL_RE.search(a) for a in new)


def _paper_fields(paper: Paper) -> dict:
    fields = {name: blank_to_none(getattr(paper, name)) for name in FILL_FIELDS}
    fields["arxiv_id"] = normalize_arxiv_id(fields["arxiv_id"])
    if fields["doi"]:
        fields["doi"] = fields["doi"].strip()
    return fields


class PaperMerger:
    """Matches a digest's entries to papers in memory, then writes with executemany.

    Runs inside the digest's write transaction, which holds the write lock, so the ids it hands
    out to new papers cannot be taken by anyone else in between."""

    def __init__(self, conn: sqlite3.Connection, now: str) -> None:
        self.conn = conn
        self.now = now
        self.papers: dict[int, dict] = {}
        self.by_arxiv: dict[str, int] = {}
        self.by_doi: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        self.created: list[int] = []
        self.matched: list[int] = []
        self.changed: set[int] = set()
        self.next_id = self._next_id()

    def _next_id(self) -> int:
        seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'papers'").fetchone()
        top = self.conn.execute("SELECT max(id) FROM papers").fetchone()[0]
        return max(seq[0] if seq else 0, top or 0) + 1

    def resolve(self, entries: list[Entry]) -> list[tuple]:
        """Sighting rows (paper_id, position, ...) for the entries, one per paper, first wins."""
        usable = [e for e in entries if _identifiable(e.paper)]
        self._load_candidates([e.paper for e in usable])
        rows: dict[int, tuple] = {}
        for entry in usable:
            paper_id = self._match_or_create(entry.paper)
            if paper_id not in rows:
                s = entry.sighting
                rows[paper_id] = (
                    paper_id, s.position, s.score, json.dumps(s.subscores) if s.subscores else "{}",
                    s.headline, s.summary, s.detail, s.topic,
                )
        return list(rows.values())

    def _load_candidates(self, papers: list[Paper]) -> None:
        lookups = {
            "arxiv_id": {normalize_arxiv_id(p.arxiv_id) for p in papers} - {None},
            "doi": {p.doi.strip() for p in papers if blank_to_none(p.doi)},
            "title_key": {title_key(p.title) for p in papers} - {None},
        }
        for column, values in lookups.items():
            for chunk in chunks(sorted(values)):
                cursor = self.conn.execute(
                    f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers"
                    f" WHERE {column} IN ({marks(chunk)}) ORDER BY id",
                    chunk,
                )
                for row in cursor:
                    record = dict(zip(PAPER_COLUMNS, row))
                    if record["id"] not in self.papers:
                        record["authors"] = json.loads(record["authors"])
                        self._remember(record)

    def _remember(self, record: dict) -> None:
        self.papers[record["id"]] = record
        if record["arxiv_id"]:
            self.by_arxiv[record["arxiv_id"]] = record["id"]
        if record["doi"]:
            ids = self.by_doi.setdefault(record["doi"].casefold(), [])
            if record["id"] not in ids:
                ids.append(record["id"])
        if record["title_key"]:
            ids = self.by_title.setdefault(record["title_key"], [])
            if record["id"] not in ids:
                ids.append(record["id"])

    def _find(self, fields: dict, key: str | None) -> int | None:
        if fields["arxiv_id"] in self.by_arxiv:
            return self.by_arxiv[fields["arxiv_id"]]
        candidates = []
        if fields["doi"]:
            candidates += self.by_doi.get(fields["doi"].casefold(), [])
        if key:
            candidates += self.by_title.get(key, [])
        for paper_id in candidates:
            if _compatible(self.papers[paper_id], fields):
                return paper_id
        return None

    def _match_or_create(self, paper: Paper) -> int:
        fields = _paper_fields(paper)
        key = title_key(paper.title)
        paper_id = self._find(fields, key)
        if paper_id is None:
            return self._create(paper, fields, key)
        if paper_id not in self.created and paper_id not in self.matched:
            self.matched.append(paper_id)
        self._fill(self.papers[paper_id], paper, fields)
        return paper_id

    def _create(self, paper: Paper, fields: dict, key: str | None) -> int:
        authors = [a.strip() for a in paper.authors if a and a.strip()]
        record = {
            "id": self.next_id, "title": (paper.title or "").strip(), "title_key": key,
            "authors": authors, "first_author": authors[0] if authors else None,
            "added": self.now, **fields,
        }
        _derive_links(record)
        self.next_id += 1
        self.created.append(record["id"])
        self._remember(record)
        return record["id"]

    def _fill(self, record: dict, paper: Paper, fields: dict) -> None:
        before = dict(record)
        for name, value in fields.items():
            if value and not record[name]:
                record[name] = value
        authors = [a.strip() for a in paper.authors if a and a.strip()]
        if _better_authors(record["authors"], authors):
            record["authors"] = authors
            record["first_author"] = authors[0]
        if not record["title"] and paper.title:
            record["title"], record["title_key"] = paper.title.strip(), title_key(paper.title)
        _derive_links(record)
        if record != before:
            self._remember(record)
            if record["id"] not in self.created:
                self.changed.add(record["id"])

    def write(self, keys: dict[int, str] | None = None) -> None:
        """Insert the new papers, with their citation `keys` when made, and update the merged."""
        keys = keys or {}
        rows = [_db_values(self.papers[i], PAPER_COLUMNS) for i in self.created]
        columns = [*PAPER_COLUMNS, "citation_key"]
        self.conn.executemany(
            f"INSERT INTO papers ({', '.join(columns)}) VALUES ({marks(columns)})",
            [(*row, keys.get(row[0])) for row in rows],
        )
        # The new papers' index rows hold the very values their rows were inserted with,
        # what removing a paper reads back from `papers` (see index_papers); given from
        # memory, as reading the new rows back added 0.7 s to importing 60 bench digests.
        # Merged papers' index rows follow through the papers_fts_update trigger.
        self.conn.executemany(
            "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)",
            [tuple(row[at] for at in _INDEXED_AT) for row in rows],
        )
        updatable = [c for c in PAPER_COLUMNS if c not in ("id", "added")]
        assignments = ", ".join(f"{c} = ?" for c in updatable)
        self.conn.executemany(
            f"UPDATE papers SET {assignments} WHERE id = ?",
            [(*_db_values(self.papers[i], updatable), i) for i in sorted(self.changed)],
        )


def index_papers(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Put stored papers in the full-text index. Since schema v8 it indexes the text of
    `papers` (external content): the row is made from the stored one, so the index holds
    exactly what removing the paper later reads back from `papers`. One statement for all
    (an executemany of INSERT ... SELECT into FTS5 is 3x slower than its VALUES)."""
    conn.execute(
        "INSERT INTO papers_fts (rowid, title, authors, abstract)"
        " SELECT id, title, authors, abstract FROM papers"
        " WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),),
    )


def _identifiable(paper: Paper) -> bool:
    """An entry with no id and no title could never be matched again, so it is skipped."""
    return bool(
        normalize_arxiv_id(paper.arxiv_id) or blank_to_none(paper.doi) or title_key(paper.title)
    )


def _compatible(record: dict, fields: dict) -> bool:
    """Same DOI or title is not enough when the two carry different arXiv ids or DOIs."""
    if record["arxiv_id"] and fields["arxiv_id"] and record["arxiv_id"] != fields["arxiv_id"]:
        return False
    if record["doi"] and fields["doi"] and record["doi"].casefold() != fields["doi"].casefold():
        return False
    return True


def _derive_links(record: dict) -> None:
    if record["arxiv_id"]:
        record["abs_url"] = record["abs_url"] or f"https://arxiv.org/abs/{record['arxiv_id']}"
        record["pdf_url"] = record["pdf_url"] or f"https://arxiv.org/pdf/{record['arxiv_id']}"


def _db_values(record: dict, columns: Sequence[str]) -> tuple:
    return tuple(
        json.dumps(record[c], ensure_ascii=False) if c == "authors" else record[c]
        for c in columns
    )

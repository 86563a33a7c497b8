"""The app's JSON export read back as a backup: papers, digests, sightings and user state restored."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from reader.store.citations import assign_missing_keys, bib_of, papers_with_state, put_state
from reader.store.db import Database
from reader.store.merge import index_papers, normalize_arxiv_id, title_key

MARKER = "digest_reader_backup"  # the top-level key that tells a backup from any JSON digest
VERSION = 1
# Paper fields that are not papers columns (or are derived from others when restored).
_NOT_COLUMNS = {"id", "seen", "title_key", "first_author", "tags", "rating", "read", "read_at",
                "note", "archived", "digests", "sightings", "links"}
_SIGHTING_FIELDS = ("position", "score", "subscores", "headline", "summary", "detail", "topic")


class BackupError(ValueError):
    """A backup file this version cannot restore; the message is for people."""


@dataclass
class Restored:
    papers: int = 0
    new: int = 0
    merged: int = 0


def is_backup(document: Any) -> bool:
    return isinstance(document, dict) and MARKER in document and isinstance(document.get("papers"), list)


def restore(db: Database, document: dict, now: str) -> Restored:
    """Restore a backup in one transaction. Into an empty library it is exact (same ids,
    dates, keys, sightings and state); into a full one, papers already there (same arXiv id,
    DOI or title) are matched, filled where they lack a field, and keep the user's state."""
    if not isinstance(document.get(MARKER), int) or document[MARKER] > VERSION:
        raise BackupError(f"this backup was written by a newer Digest Reader (format {document.get(MARKER)!r})")
    result = Restored()
    with db.transaction() as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(papers)")}
        digest_ids = _restore_digests(conn, document.get("digests") or [])
        kept_keys: dict[int, str] = {}
        for paper in document["papers"]:
            if not isinstance(paper, dict) or not (paper.get("title") or paper.get("arxiv_id")):
                continue
            result.papers += 1
            paper_id = _match(conn, paper)
            if paper_id is None:
                paper_id = _insert_paper(conn, paper, columns)
                result.new += 1
                if paper.get("citation_key"):
                    kept_keys[paper_id] = paper["citation_key"]
            else:
                _fill_paper(conn, paper_id, paper, columns)
                result.merged += 1
            if paper_id not in papers_with_state(conn, [paper_id]):
                put_state(conn, paper_id, tags=paper.get("tags") or [], read=bool(paper.get("read")),
                          rating=paper.get("rating"), note=paper.get("note"),
                          read_at=paper.get("read_at") or (now if paper.get("read") else None),
                          archived=bool(paper.get("archived")))
            _restore_sightings(conn, paper_id, paper.get("sightings") or [], digest_ids)
        assign_missing_keys(conn, list(kept_keys), kept_keys)
        conn.executemany(
            "UPDATE digests SET entries = (SELECT count(*) FROM sightings WHERE digest_id = ?1)"
            " WHERE id = ?1", [(i,) for i in set(digest_ids.values())],
        )
    return result


def _restore_digests(conn: sqlite3.Connection, digests: list) -> dict[str, int]:
    """{file: digest id}; a digest the library already has keeps its own record."""
    ids: dict[str, int] = {}
    for digest in sorted((d for d in digests if isinstance(d, dict) and d.get("file")),
                         key=lambda d: d.get("imported_at") or ""):
        row = conn.execute("SELECT id FROM digests WHERE path = ?", (digest["file"],)).fetchone()
        if row is None:
            row = (conn.execute(
                "INSERT INTO digests (path, sha256, format, date, status, error, entries, new, merged,"
                " imported_at) VALUES (?, ?, ?, ?, 'imported', ?, 0, ?, ?, ?)",
                (digest["file"], digest.get("sha256"), digest.get("format"), digest.get("date"),
                 digest.get("error"), digest.get("new") or 0, digest.get("merged") or 0,
                 digest.get("imported_at") or ""),
            ).lastrowid,)
        ids[digest["file"]] = row[0]
    return ids


def _match(conn: sqlite3.Connection, paper: dict) -> int | None:
    arxiv_id = normalize_arxiv_id(paper.get("arxiv_id"))
    if arxiv_id:
        row = conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        if row:
            return row[0]
    candidates: list[tuple] = []
    if paper.get("doi"):
        candidates += conn.execute(
            "SELECT id, arxiv_id, doi FROM papers WHERE doi = ? ORDER BY id", (paper["doi"].strip(),)
        ).fetchall()
    key = title_key(paper.get("title"))
    if key:
        candidates += conn.execute(
            "SELECT id, arxiv_id, doi FROM papers WHERE title_key = ? ORDER BY id", (key,)
        ).fetchall()
    for found_id, found_arxiv, found_doi in candidates:
        # The merger's rule: a title is not enough when the two carry different ids.
        if arxiv_id and found_arxiv and found_arxiv != arxiv_id:
            continue
        if paper.get("doi") and found_doi and found_doi.casefold() != paper["doi"].strip().casefold():
            continue
        return found_id
    return None


def _values(paper: dict, columns: set[str]) -> dict[str, Any]:
    values = {}
    for name, value in paper.items():
        if name in _NOT_COLUMNS or name not in columns or name == "citation_key":
            continue
        values[name] = json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, (list, dict)) else value
    if not paper.get("bib"):
        values.pop("bib", None)
    return values


def _insert_paper(conn: sqlite3.Connection, paper: dict, columns: set[str]) -> int:
    values = _values(paper, columns)
    authors = [a for a in paper.get("authors") or [] if isinstance(a, str)]
    values.update(
        title=(paper.get("title") or "").strip(), title_key=title_key(paper.get("title")),
        authors=json.dumps(authors, ensure_ascii=False), first_author=authors[0] if authors else None,
        arxiv_id=normalize_arxiv_id(paper.get("arxiv_id")), added=paper.get("added") or "",
    )
    wanted = paper.get("id")
    if isinstance(wanted, int) and wanted > 0 and conn.execute(
        "SELECT 1 FROM papers WHERE id = ?", (wanted,)
    ).fetchone() is None:
        values["id"] = wanted  # an exact restore keeps the ids people and scripts know
    names = list(values)
    cursor = conn.execute(
        f"INSERT INTO papers ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [values[n] for n in names],
    )
    paper_id = cursor.lastrowid
    # New papers have no FTS insert trigger since schema v3: the writer adds the row.
    index_papers(conn, [paper_id])
    return paper_id


def _fill_paper(conn: sqlite3.Connection, paper_id: int, paper: dict, columns: set[str]) -> None:
    """Fields the library's paper lacks, from the backup; its own values always stay."""
    values = _values(paper, columns)
    values.pop("added", None)
    values.pop("bib", None)
    for name, value in values.items():
        if value not in (None, "", "[]", "{}"):
            conn.execute(
                f"UPDATE papers SET {name} = ? WHERE id = ? AND ({name} IS NULL OR {name} = '')",
                (value, paper_id),
            )
    if isinstance(paper.get("bib"), dict):
        _fill_bib(conn, paper_id, paper["bib"])


def _fill_bib(conn: sqlite3.Connection, paper_id: int, bib: dict) -> None:
    from reader.exchange.records import merged_bib

    old = bib_of(conn, [paper_id]).get(paper_id, {})
    new = merged_bib(old, bib)
    if new != old:
        conn.execute("UPDATE papers SET bib = ? WHERE id = ?",
                     (json.dumps(new, ensure_ascii=False, sort_keys=True), paper_id))


def _restore_sightings(conn: sqlite3.Connection, paper_id: int, sightings: list, digest_ids: dict[str, int]) -> None:
    rows = []
    for sighting in sightings:
        if not isinstance(sighting, dict) or sighting.get("file") not in digest_ids:
            continue
        values = [sighting.get(name) for name in _SIGHTING_FIELDS]
        values[2] = json.dumps(values[2] or {})  # subscores
        rows.append((digest_ids[sighting["file"]], paper_id, *values))
    conn.executemany(
        "INSERT OR IGNORE INTO sightings (digest_id, paper_id, position, score, subscores, headline,"
        " summary, detail, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r for r in rows if r[2] is not None],
    )

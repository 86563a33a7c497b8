"""Papers read as records: light rows for the table, full details with their sightings."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from reader.store.db import chunks, marks, rows
from reader.store.citations import bib_object
from reader.store.records import PaperDetail, PaperRow, SightingRecord
from reader.store.state import tags_of


def rows_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[PaperRow]:
    """Rows for these ids, in the given order; unknown ids are left out."""
    found: dict[int, PaperRow] = {}
    tags = tags_of(conn, ids)
    for chunk in chunks(list(ids)):
        for row in rows(
            conn,
            "SELECT p.id, p.title, p.first_author, json_array_length(p.authors) AS n,"
            " p.published, p.seen, p.arxiv_id, p.added, s.rating, s.read, s.note"
            " FROM papers p LEFT JOIN paper_state s ON s.paper_id = p.id"
            f" WHERE p.id IN ({marks(chunk)})",
            chunk,
        ):
            found[row["id"]] = PaperRow(
                id=row["id"], title=row["title"], first_author=row["first_author"],
                authors_count=row["n"] or 0, published=row["published"],
                rating=row["rating"], tags=tags.get(row["id"], []), read=bool(row["read"]),
                seen=row["seen"], has_note=bool(row["note"]), arxiv_id=row["arxiv_id"],
                added=row["added"],
            )
    return [found[i] for i in ids if i in found]


def paper_details(conn: sqlite3.Connection, ids: Sequence[int]) -> list[PaperDetail]:
    """Full records for these ids, in the given order; unknown ids are left out."""
    result: dict[int, PaperDetail] = {}
    for chunk in chunks(list(ids)):
        tags = tags_of(conn, chunk)
        sightings = _sightings_of(conn, chunk)
        for row in rows(
            conn,
            "SELECT p.*, s.rating, s.read, s.read_at, s.note, s.archived, e.status AS fetch_status,"
            " e.reason AS fetch_reason, e.tried_at AS fetch_tried_at FROM papers p"
            " LEFT JOIN paper_state s ON s.paper_id = p.id LEFT JOIN enrich_status e ON e.paper_id = p.id"
            f" WHERE p.id IN ({marks(chunk)})",
            chunk,
        ):
            result[row["id"]] = PaperDetail(
                id=row["id"], title=row["title"], authors=json.loads(row["authors"]),
                arxiv_id=row["arxiv_id"], doi=row["doi"], abstract=row["abstract"],
                translation=row["translation"], published=row["published"],
                abs_url=row["abs_url"], pdf_url=row["pdf_url"], code_url=row["code_url"],
                homepage_url=row["homepage_url"], added=row["added"], seen=row["seen"],
                tags=tags.get(row["id"], []), rating=row["rating"], read=bool(row["read"]),
                read_at=row["read_at"], note=row["note"], archived=bool(row["archived"]),
                sightings=sightings.get(row["id"], []),
                citation_key=row.get("citation_key"), bib=bib_object(row.get("bib")),
                version=row.get("version"), updated=row.get("updated"),
                primary_category=row.get("primary_category"),
                categories=json.loads(row.get("categories") or "[]"), journal_ref=row.get("journal_ref"),
                fetch_status=row["fetch_status"], fetch_reason=row["fetch_reason"],
                fetch_tried_at=row["fetch_tried_at"],
            )
    return [result[i] for i in ids if i in result]


def _sightings_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[SightingRecord]]:
    found: dict[int, list[SightingRecord]] = {}
    for row in rows(
        conn,
        "SELECT s.*, d.path, d.format, d.date, d.imported_at FROM sightings s"
        " JOIN digests d ON d.id = s.digest_id"
        f" WHERE s.paper_id IN ({marks(ids)}) ORDER BY d.imported_at, d.id",
        list(ids),
    ):
        found.setdefault(row["paper_id"], []).append(SightingRecord(
            digest_id=row["digest_id"], file=row["path"], format=row["format"],
            position=row["position"], score=row["score"],
            subscores=json.loads(row["subscores"] or "{}"), headline=row["headline"],
            summary=row["summary"], detail=row["detail"], topic=row["topic"],
            date=row["date"], imported_at=row["imported_at"],
        ))
    return found


def sidebar_counts(conn: sqlite3.Connection, archived: int) -> dict[str, int]:
    """Counts for the sidebar's fixed entries; `archived` papers are left out of them."""
    total = conn.execute("SELECT count(*) FROM papers").fetchone()[0] - archived
    read, rated, noted = conn.execute(
        "SELECT count(*) FILTER (WHERE read = 1), count(rating),"
        " count(*) FILTER (WHERE note IS NOT NULL) FROM paper_state WHERE archived = 0"
    ).fetchone()
    return {"all": total, "unread": total - read, "rated": rated, "has_note": noted}


def tag_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(tag, number of papers) for every tag, sorted by tag, case-insensitively."""
    return [
        (row[0], row[1])
        for row in conn.execute(
            "SELECT min(tag), count(*) FROM paper_tags WHERE paper_id NOT IN"
            " (SELECT paper_id FROM paper_state WHERE archived = 1)"
            " GROUP BY tag ORDER BY tag"
        )
    ]

"""Enrichment in the store: fetched fields applied, papers merged undoably, statuses and the answer cache."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reader.store import state
from reader.store.db import Database, chunks, marks, now_iso, rows
from reader.store.merge import index_papers, title_key
from reader.store.records import DeletedPapers, UserState

# The paper's own fields a fetched record may change (reader.enrich.merge.ARXIV_FIELDS).
FIELDS = (
    "arxiv_id", "version", "title", "authors", "abstract", "published", "updated",
    "primary_category", "categories", "journal_ref", "doi", "abs_url", "pdf_url",
)
JSON_FIELDS = ("authors", "categories")
# What a merged-away paper lends the survivor when the survivor lacks it.
LENT_FIELDS = ("doi", "abstract", "translation", "published", "code_url", "homepage_url", "journal_ref")
# Fields whose absence makes a paper one that "lacks details" (the app's offer counts them).
LACKING = "(p.authors = '[]' OR p.published IS NULL OR (p.arxiv_id IS NULL AND p.doi IS NULL))"


class MergeRules(Protocol):
    """What a record changes and how two papers' state combines: reader.enrich.job.RULES
    (reader.enrich.merge's rules; the store imports nothing above it)."""

    def changes(self, paper: Mapping[str, Any], record: Any) -> dict[str, Any]: ...

    def combine(self, survivor: UserState, absorbed: UserState) -> UserState: ...


@dataclass(frozen=True)
class Target:
    """A paper to complete, with what the job needs to ask about it."""

    paper_id: int
    title: str
    arxiv_id: str | None
    doi: str | None
    not_after: str | None  # the earliest date a digest listed it: it existed by then
    status: str | None  # None: never tried; "unresolved"; "done"


@dataclass
class Applied:
    """What applying one record did: the paper holding it now (the survivor of a merge)."""

    paper_id: int
    changed: list[str] = field(default_factory=list)
    merges: list[int] = field(default_factory=list)  # merge_log ids
    created: bool = False


@dataclass(frozen=True)
class MergeRecord:
    """One logged merge: `absorbed_id` went into `survivor_id`."""

    id: int
    survivor_id: int
    absorbed_id: int
    reason: str | None
    merged_at: str
    undone_at: str | None


# ------------------------------------------------------------------ what to ask about


def targets(conn: sqlite3.Connection, ids: Sequence[int] | None = None, include_done: bool = False) -> list[Target]:
    """The papers to complete (of `ids`, else of all): those never tried or unresolved, or all."""
    pending = "1" if include_done else "(e.status IS NULL OR e.status = 'unresolved')"
    where, params = pending, []
    found: list[Target] = []
    groups = [list(chunk) for chunk in chunks(list(ids))] if ids is not None else [None]
    for chunk in groups:
        if chunk is not None:
            where, params = f"p.id IN ({marks(chunk)}) AND {pending}", chunk
        for row in conn.execute(
            "SELECT p.id, p.title, p.arxiv_id, p.doi, e.status,"
            " (SELECT min(coalesce(d.date, substr(d.imported_at, 1, 10))) FROM sightings s"
            "  JOIN digests d ON d.id = s.digest_id WHERE s.paper_id = p.id)"
            f" FROM papers p LEFT JOIN enrich_status e ON e.paper_id = p.id WHERE {where} ORDER BY p.id",
            params,
        ):
            found.append(Target(row[0], row[1], row[2], row[3], row[5], row[4]))
    return found


def lacking_count(conn: sqlite3.Connection) -> int:
    """Papers never tried that lack authors, a date or an identifier (the app offers to fetch)."""
    return conn.execute(
        "SELECT count(*) FROM papers p WHERE NOT EXISTS"
        f" (SELECT 1 FROM enrich_status e WHERE e.paper_id = p.id) AND {LACKING}"
    ).fetchone()[0]


def statuses(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """(status, reason) of these papers that were tried."""
    found = {}
    for chunk in chunks(list(ids)):
        for paper_id, status, reason in conn.execute(
            f"SELECT paper_id, status, reason FROM enrich_status WHERE paper_id IN ({marks(chunk)})", chunk
        ):
            found[paper_id] = (status, reason)
    return found


def mark_unresolved(db: Database, reasons: Mapping[int, str]) -> None:
    """Record why these papers stay unresolved (a later run tries them again)."""
    with db.transaction() as conn:
        _set_status(conn, reasons.items(), "unresolved", None)


def _set_status(conn: sqlite3.Connection, items: Iterable[tuple[int, str | None]], status: str,
                source: str | None) -> None:
    now = now_iso()
    conn.executemany(
        "INSERT INTO enrich_status (paper_id, status, reason, source, tried_at)"
        " SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?1)"
        " ON CONFLICT(paper_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,"
        " source = coalesce(excluded.source, source), tried_at = excluded.tried_at",
        [(paper_id, status, reason, source, now) for paper_id, reason in items],
    )


# ------------------------------------------------------------------ the answer cache


def cache_get(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, tuple[Any, str]]:
    """{key: (value, fetched_at)} for the keys the cache holds."""
    keys = list(dict.fromkeys(keys))
    found = {}
    for chunk in chunks(keys):
        for key, value, fetched_at in conn.execute(
            f"SELECT key, value, fetched_at FROM enrich_cache WHERE key IN ({marks(chunk)})", chunk
        ):
            found[key] = (json.loads(value) if value is not None else None, fetched_at)
    return found


def cache_put(db: Database, items: Mapping[str, Any]) -> None:
    """Remember answers (JSON values; None for "not found") under their keys."""
    if not items:
        return
    now = now_iso()
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO enrich_cache (key, value, fetched_at) VALUES (?, ?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at",
            [(key, None if value is None else json.dumps(value, ensure_ascii=False), now)
             for key, value in items.items()],
        )


# ------------------------------------------------------------------ applying records


def _paper(conn: sqlite3.Connection, paper_id: int) -> dict | None:
    found = rows(conn, f"SELECT id, {', '.join(FIELDS)} FROM papers WHERE id = ?", (paper_id,))
    if not found:
        return None
    paper = found[0]
    for name in JSON_FIELDS:
        paper[name] = json.loads(paper[name]) if paper[name] else []
    return paper


def _write(conn: sqlite3.Connection, paper_id: int, changes: Mapping[str, Any]) -> None:
    values = {name: json.dumps(value, ensure_ascii=False) if name in JSON_FIELDS else value
              for name, value in changes.items()}
    if "authors" in changes:
        values["first_author"] = changes["authors"][0] if changes["authors"] else None
    if "title" in changes:
        values["title_key"] = title_key(changes["title"])
    if values:  # the FTS row follows through the papers_fts_update trigger
        conn.execute(
            f"UPDATE papers SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ?",
            [*values.values(), paper_id],
        )


def apply_record(db: Database, paper_id: int, record: Any, source: str, rules: MergeRules) -> Applied | None:
    """Apply a fetched record to a paper in one transaction (None: the paper is gone).

    A paper that resolves to an arXiv id another paper holds merges into that paper; papers
    left with the same DOI and no other arXiv id merge into it too. Each merge is logged with
    the rows before and after, for undo. RecordMismatch (nothing changed) for another paper."""
    with db.transaction() as conn:
        paper = _paper(conn, paper_id)
        if paper is None:
            return None
        applied = Applied(paper_id)
        arxiv_id = getattr(record, "arxiv_id", None)  # an arXiv record; Crossref's have none
        if arxiv_id and not paper["arxiv_id"]:
            holder = conn.execute(
                "SELECT id FROM papers WHERE arxiv_id = ? AND id != ?", (arxiv_id, paper_id)
            ).fetchone()
            if holder:
                applied.merges.append(_merge(db, holder[0], paper_id, f"both are arXiv:{arxiv_id}", rules))
                applied.paper_id = holder[0]
                paper = _paper(conn, holder[0])
        changes = rules.changes(paper, record)
        _write(conn, applied.paper_id, changes)
        applied.changed = sorted(changes)
        _set_status(conn, [(applied.paper_id, None)], "done", source)
        _finish_logs(conn, applied.merges, applied.paper_id)
        doi = changes.get("doi") or paper.get("doi")
        if doi:
            arxiv_id = changes.get("arxiv_id") or paper.get("arxiv_id")
            for (other,) in conn.execute(
                "SELECT id FROM papers WHERE doi = ? AND id != ? AND (arxiv_id IS NULL OR arxiv_id = ?)"
                " ORDER BY id", (doi, applied.paper_id, arxiv_id),
            ).fetchall():
                log_id = _merge(db, applied.paper_id, other, f"both have DOI {doi}", rules)
                _finish_logs(conn, [log_id], applied.paper_id)
                applied.merges.append(log_id)
    return applied


def add_record(db: Database, record: Any, rules: MergeRules, source: str = "added") -> Applied:
    """The paper a fetched record describes: found by its arXiv id or DOI and updated, else
    created (a paper added by hand: it has no sighting until a digest lists it)."""
    arxiv_id = getattr(record, "arxiv_id", None)
    doi = getattr(record, "doi", None)
    with db.transaction() as conn:
        found = holder(conn, record)
        if found is not None:
            return apply_record(db, found, record, source, rules)
        paper_id = _create(conn, record.title or arxiv_id or doi)
        applied = apply_record(db, paper_id, record, source, rules)
        applied.created = True
        from reader.store.citations import assign_missing_keys  # issue 14's keys, once fields are in

        assign_missing_keys(conn, [applied.paper_id])
    return applied


def holder(conn: sqlite3.Connection, record: Any) -> int | None:
    """The paper add_record() completes: the one with the record's arXiv id, else with its DOI and no other id."""
    arxiv_id = getattr(record, "arxiv_id", None)
    doi = getattr(record, "doi", None)
    found = conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
    if found is None and doi:
        found = conn.execute(
            "SELECT id FROM papers WHERE doi = ? AND (arxiv_id IS NULL OR arxiv_id = ?) ORDER BY id",
            (doi, arxiv_id),
        ).fetchone()
    return found[0] if found else None


def completed_fields(conn: sqlite3.Connection, paper_id: int) -> dict | None:
    """A paper's fetched fields and enrichment status, for undoing a completion (None: no such paper)."""
    paper = _paper(conn, paper_id)
    if paper is None:
        return None
    status = rows(conn, "SELECT status, reason, source, tried_at FROM enrich_status WHERE paper_id = ?", (paper_id,))
    return {"fields": {name: paper[name] for name in FIELDS}, "status": status[0] if status else None}


def restore_completed(db: Database, paper_id: int, before: Mapping[str, Any]) -> None:
    """Put back what completed_fields() read; the user's state and the sightings stay as they are."""
    with db.transaction() as conn:
        if _paper(conn, paper_id) is None:
            return
        _write(conn, paper_id, before["fields"])
        conn.execute("DELETE FROM enrich_status WHERE paper_id = ?", (paper_id,))
        status = before["status"]
        if status:
            conn.execute(
                "INSERT INTO enrich_status (paper_id, status, reason, source, tried_at) VALUES (?, ?, ?, ?, ?)",
                (paper_id, status["status"], status["reason"], status["source"], status["tried_at"]),
            )


def _create(conn: sqlite3.Connection, title: str) -> int:
    cursor = conn.execute(
        "INSERT INTO papers (title, title_key, authors, added) VALUES (?, ?, '[]', ?)",
        (title, title_key(title), now_iso()),
    )
    # No insert trigger since schema v3: the writer puts the FTS row in.
    index_papers(conn, [cursor.lastrowid])
    return cursor.lastrowid


# ------------------------------------------------------------------ merging, undo, redo


def merge_papers(db: Database, survivor: int, absorbed: int, reason: str, rules: MergeRules) -> int:
    """Merge `absorbed` into `survivor` (sightings, user state combined), logged; the log id."""
    with db.transaction() as conn:
        state.check_ids(conn, [survivor, absorbed])
        log_id = _merge(db, survivor, absorbed, reason, rules)
        _finish_logs(conn, [log_id], survivor)
    return log_id


def _merge(db: Database, survivor: int, absorbed: int, reason: str, rules: MergeRules) -> int:
    conn = db.conn
    before = _snapshot(conn, [survivor, absorbed])
    snapshot = state.user_state(conn, [survivor, absorbed])
    combined = rules.combine(snapshot[survivor], snapshot[absorbed])
    lent = rows(conn, f"SELECT added, authors, {', '.join(LENT_FIELDS)} FROM papers WHERE id = ?", (absorbed,))[0]
    fills = ", ".join(f"{name} = coalesce({name}, ?)" for name in LENT_FIELDS)
    conn.execute(
        f"UPDATE papers SET {fills}, added = min(added, ?),"
        " authors = CASE WHEN authors = '[]' THEN ? ELSE authors END,"
        " first_author = CASE WHEN authors = '[]' THEN json_extract(?, '$[0]') ELSE first_author END"
        " WHERE id = ?",
        [*(lent[name] for name in LENT_FIELDS), lent["added"], lent["authors"], lent["authors"], survivor],
    )
    # A digest that listed both keeps the survivor's sighting; the absorbed one's others move.
    conn.execute("UPDATE OR IGNORE sightings SET paper_id = ? WHERE paper_id = ?", (survivor, absorbed))
    state.delete_papers(db, [absorbed])
    # Moving a sighting fires no insert trigger: count the survivor's digests again.
    conn.execute(
        "UPDATE papers SET seen = (SELECT count(*) FROM sightings WHERE paper_id = ?1) WHERE id = ?1",
        (survivor,),
    )
    state.restore_user_state(db, {survivor: combined})
    cursor = conn.execute(
        "INSERT INTO merge_log (survivor_id, absorbed_id, reason, merged_at, before, after)"
        " VALUES (?, ?, ?, ?, ?, '{}')",
        (survivor, absorbed, reason, now_iso(), json.dumps(before, ensure_ascii=False)),
    )
    return cursor.lastrowid


def _finish_logs(conn: sqlite3.Connection, log_ids: Sequence[int], survivor: int) -> None:
    """The rows redo puts back: the survivor as the merge (and the fields applied with it) left it."""
    if log_ids:
        after = json.dumps(_snapshot(conn, [survivor]), ensure_ascii=False)
        conn.executemany("UPDATE merge_log SET after = ? WHERE id = ?", [(after, i) for i in log_ids])


def _snapshot(conn: sqlite3.Connection, ids: Sequence[int]) -> dict:
    where = f"IN ({marks(ids)})"
    return {
        "papers": rows(conn, f"SELECT * FROM papers WHERE id {where}", ids),
        "states": rows(conn, f"SELECT * FROM paper_state WHERE paper_id {where}", ids),
        "tags": [list(r) for r in conn.execute(f"SELECT paper_id, tag FROM paper_tags WHERE paper_id {where}", ids)],
        "sightings": rows(conn, f"SELECT * FROM sightings WHERE paper_id {where}", ids),
        "status": rows(conn, f"SELECT * FROM enrich_status WHERE paper_id {where}", ids),
    }


def undo_merge(db: Database, log_id: int) -> None:
    """Both papers back as they were before the merge (sightings, user state, fields)."""
    _swap(db, log_id, "before", undone=True)


def redo_merge(db: Database, log_id: int) -> None:
    """The merge again, as it was made."""
    _swap(db, log_id, "after", undone=False)


def _swap(db: Database, log_id: int, side: str, undone: bool) -> None:
    with db.transaction() as conn:
        row = rows(conn, "SELECT * FROM merge_log WHERE id = ?", (log_id,))
        if not row:
            raise KeyError(f"no merge {log_id}")
        wanted = json.loads(row[0][side])
        ids = [row[0]["survivor_id"], row[0]["absorbed_id"]]
        present = [r[0] for r in conn.execute(f"SELECT id FROM papers WHERE id IN ({marks(ids)})", ids)]
        if present:
            state.delete_papers(db, present)
        state.restore_papers(db, DeletedPapers(
            papers=wanted["papers"], states=wanted["states"],
            tags=[tuple(tag) for tag in wanted["tags"]], sightings=wanted["sightings"],
        ))
        for status in wanted["status"]:
            conn.execute(
                "INSERT INTO enrich_status (paper_id, status, reason, source, tried_at) VALUES (?, ?, ?, ?, ?)",
                (status["paper_id"], status["status"], status["reason"], status["source"], status["tried_at"]),
            )
        conn.execute("UPDATE merge_log SET undone_at = ? WHERE id = ?", (now_iso() if undone else None, log_id))


def merge_log(conn: sqlite3.Connection) -> list[MergeRecord]:
    """Every logged merge, oldest first."""
    return [
        MergeRecord(r["id"], r["survivor_id"], r["absorbed_id"], r["reason"], r["merged_at"], r["undone_at"])
        for r in rows(conn, "SELECT id, survivor_id, absorbed_id, reason, merged_at, undone_at FROM merge_log ORDER BY id")
    ]


class EnrichmentStore:
    """The enrichment operations of one library (`Library.enrichment`); writes are transactions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def targets(self, ids: Sequence[int] | None = None, include_done: bool = False) -> list[Target]:
        return targets(self._db.conn, ids, include_done)

    def lacking_count(self) -> int:
        return lacking_count(self._db.conn)

    def statuses(self, ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
        return statuses(self._db.conn, ids)

    def cache_get(self, keys: Iterable[str]) -> dict[str, tuple[Any, str]]:
        return cache_get(self._db.conn, keys)

    def cache_put(self, items: Mapping[str, Any]) -> None:
        cache_put(self._db, items)

    def apply_record(self, paper_id: int, record: Any, source: str, rules: MergeRules) -> Applied | None:
        return apply_record(self._db, paper_id, record, source, rules)

    def add_record(self, record: Any, rules: MergeRules, source: str = "added") -> Applied:
        return add_record(self._db, record, rules, source)

    def mark_unresolved(self, reasons: Mapping[int, str]) -> None:
        mark_unresolved(self._db, reasons)

    def merge_papers(self, survivor: int, absorbed: int, reason: str, rules: MergeRules) -> int:
        return merge_papers(self._db, survivor, absorbed, reason, rules)

    def undo_merge(self, log_id: int) -> None:
        undo_merge(self._db, log_id)

    def redo_merge(self, log_id: int) -> None:
        redo_merge(self._db, log_id)

    def merge_log(self) -> list[MergeRecord]:
        return merge_log(self._db.conn)

    def holder(self, record: Any) -> int | None:
        return holder(self._db.conn, record)

    def completed_fields(self, paper_id: int) -> dict | None:
        return completed_fields(self._db.conn, paper_id)

    def restore_completed(self, paper_id: int, before: Mapping[str, Any]) -> None:
        restore_completed(self._db, paper_id, before)

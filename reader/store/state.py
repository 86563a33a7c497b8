"""The user's own state: tags, rating, read, note, archive, undo snapshots, delete and restore."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from reader.store.db import MAX_INTEGER, Database, blank_to_none, chunks, marks, now_iso, rows
from reader.store.errors import InvalidValue, UnknownPaper
from reader.store.merge import index_papers
from reader.store.records import DeletedPapers, UserState


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, inner whitespace collapsed, empty ones and case-duplicates dropped."""
    if isinstance(tags, str):
        tags = [tags]
    seen: dict[str, str] = {}
    for tag in tags:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return sorted(seen.values(), key=str.casefold)


def check_ids(conn: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    """The ids, once each; raises UnknownPaper for the first one the library lacks."""
    ids = list(dict.fromkeys(int(i) for i in ids))
    for paper_id in ids:
        if not 0 <= paper_id <= MAX_INTEGER:  # SQLite could not even look it up
            raise UnknownPaper(paper_id)
    known: set[int] = set()
    for chunk in chunks(ids):
        known.update(
            r[0] for r in conn.execute(f"SELECT id FROM papers WHERE id IN ({marks(chunk)})", chunk)
        )
    for paper_id in ids:
        if paper_id not in known:
            raise UnknownPaper(paper_id)
    return ids


def tags_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    for chunk in chunks(list(ids)):
        for paper_id, tag in conn.execute(
            f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks(chunk)}) ORDER BY tag",
            chunk,
        ):
            tags.setdefault(paper_id, []).append(tag)
    return tags


def _ensure_state(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    conn.executemany("INSERT OR IGNORE INTO paper_state (paper_id) VALUES (?)", [(i,) for i in ids])


def set_rating(db: Database, ids: Iterable[int], rating: int | None) -> None:
    """Rate papers 1-5; 0 or None clears the rating."""
    if rating is not None and (isinstance(rating, bool) or rating not in range(0, 6)):
        raise InvalidValue(f"a rating goes from 1 to 5 (0 clears it), not {rating!r}")
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        _ensure_state(conn, ids)
        conn.executemany(
            "UPDATE paper_state SET rating = ? WHERE paper_id = ?", [(rating or None, i) for i in ids]
        )


def set_read(db: Database, ids: Iterable[int], read: bool = True) -> None:
    """Mark papers read (stamping when, unless already read) or unread."""
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        _ensure_state(conn, ids)
        if read:
            conn.executemany(
                "UPDATE paper_state SET read = 1, read_at = CASE WHEN read = 1"
                " THEN coalesce(read_at, ?1) ELSE ?1 END WHERE paper_id = ?2",
                [(now_iso(), i) for i in ids],
            )
        else:
            conn.executemany(
                "UPDATE paper_state SET read = 0, read_at = NULL WHERE paper_id = ?",
                [(i,) for i in ids],
            )


def set_note(db: Database, paper_id: int, text: str | None) -> None:
    """Set a paper's markdown note; empty text removes it."""
    with db.transaction() as conn:
        check_ids(conn, [paper_id])
        _ensure_state(conn, [paper_id])
        conn.execute(
            "UPDATE paper_state SET note = ? WHERE paper_id = ?", (blank_to_none(text), paper_id)
        )


def add_tags(db: Database, ids: Iterable[int], tags: Iterable[str]) -> None:
    tags = clean_tags(tags)
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
            [(i, t) for i in ids for t in tags],
        )


def remove_tags(db: Database, ids: Iterable[int], tags: Iterable[str]) -> None:
    tags = clean_tags(tags)
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        conn.executemany(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?",
            [(i, t) for i in ids for t in tags],
        )


def set_tags(db: Database, paper_id: int, tags: Iterable[str]) -> None:
    """Make `tags` exactly the paper's tags."""
    tags = clean_tags(tags)
    with db.transaction() as conn:
        check_ids(conn, [paper_id])
        _replace_tags(conn, paper_id, tags)


def _replace_tags(conn: sqlite3.Connection, paper_id: int, tags: list[str]) -> None:
    current = [r[0] for r in conn.execute("SELECT tag FROM paper_tags WHERE paper_id = ?", (paper_id,))]
    if sorted(current, key=str.casefold) == tags:
        return  # unchanged: spare the full-text index a rewrite
    conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
    conn.executemany(
        "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)", [(paper_id, t) for t in tags]
    )


def user_state(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, UserState]:
    """A snapshot of the user state of these papers (for undo)."""
    ids = check_ids(conn, ids)
    tags = tags_of(conn, ids)
    states = {i: UserState(tags=tags.get(i, [])) for i in ids}
    for chunk in chunks(ids):
        for row in rows(conn, f"SELECT * FROM paper_state WHERE paper_id IN ({marks(chunk)})", chunk):
            state = states[row["paper_id"]]
            state.rating, state.note = row["rating"], row["note"]
            state.read, state.read_at = bool(row["read"]), row["read_at"]
            state.archived = bool(row["archived"])
    return states


def restore_user_state(db: Database, states: dict[int, UserState]) -> None:
    """Put back snapshots taken by user_state(), in one transaction."""
    with db.transaction() as conn:
        check_ids(conn, states)
        _ensure_state(conn, list(states))
        conn.executemany(
            "UPDATE paper_state SET rating = ?, note = ?, read = ?, read_at = ?,"
            " archived = ? WHERE paper_id = ?",
            [(s.rating or None, blank_to_none(s.note), int(s.read), s.read_at,
              int(s.archived), i) for i, s in states.items()],
        )
        for paper_id, state in states.items():
            _replace_tags(conn, paper_id, clean_tags(state.tags))


def archive_papers(db: Database, ids: Iterable[int], archived: bool = True) -> None:
    """Archive papers (hidden from every list but `is:archived`) or bring them back."""
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        _ensure_state(conn, ids)
        conn.executemany(
            "UPDATE paper_state SET archived = ? WHERE paper_id = ?",
            [(int(bool(archived)), i) for i in ids],
        )


def delete_papers(db: Database, ids: Iterable[int]) -> DeletedPapers:
    """Delete papers with their sightings and user state, in one transaction; returns
    what was removed, for restore_papers() (undo). A digest that still lists a deleted
    paper does not bring it back unless the file changes and is imported again."""
    with db.transaction() as conn:
        ids = check_ids(conn, ids)
        removed = DeletedPapers()
        for chunk in chunks(ids):
            where = f"IN ({marks(chunk)})"
            removed.papers += rows(conn, f"SELECT * FROM papers WHERE id {where}", chunk)
            removed.states += rows(conn, f"SELECT * FROM paper_state WHERE paper_id {where}", chunk)
            removed.tags += [tuple(r) for r in conn.execute(
                f"SELECT paper_id, tag FROM paper_tags WHERE paper_id {where}", chunk)]
            removed.sightings += rows(conn, f"SELECT * FROM sightings WHERE paper_id {where}", chunk)
            # Children first (foreign keys); the papers' FTS rows have no trigger.
            for table, column in (("paper_tags", "paper_id"), ("paper_state", "paper_id"),
                                  ("sightings", "paper_id"), ("papers_fts", "rowid"),
                                  ("papers", "id")):
                conn.execute(f"DELETE FROM {table} WHERE {column} {where}", chunk)
        _recount_entries(conn, {s["digest_id"] for s in removed.sightings})
    return removed


def restore_papers(db: Database, removed: DeletedPapers) -> None:
    """Put back papers deleted by delete_papers(), with the same ids, in one transaction.
    Sightings in digests forgotten meanwhile stay out."""
    if not removed.papers:
        return
    with db.transaction() as conn:
        for chunk in chunks(removed.ids):
            clash = conn.execute(
                f"SELECT id FROM papers WHERE id IN ({marks(chunk)}) LIMIT 1", chunk
            ).fetchone()
            if clash:
                raise InvalidValue(f"paper {clash[0]} is already in the library")
        try:
            _insert_rows(conn, "papers", [{**p, "seen": 0} for p in removed.papers])
        except sqlite3.IntegrityError:
            raise InvalidValue(
                "cannot restore the papers: a digest imported since brought them back"
            ) from None
        index_papers(conn, [p["id"] for p in removed.papers])
        _insert_rows(conn, "paper_state", removed.states)  # triggers put the note back in FTS
        conn.executemany("INSERT INTO paper_tags (paper_id, tag) VALUES (?, ?)", removed.tags)
        digests = {r[0] for r in conn.execute("SELECT id FROM digests")}
        _insert_rows(  # the sightings trigger counts `seen` again
            conn, "sightings", [s for s in removed.sightings if s["digest_id"] in digests]
        )
        _recount_entries(conn, {s["digest_id"] for s in removed.sightings} & digests)


def _insert_rows(conn: sqlite3.Connection, table: str, records: list[dict]) -> None:
    if not records:
        return
    columns = list(records[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(columns)})",
        [[record[c] for c in columns] for record in records],
    )


def _recount_entries(conn: sqlite3.Connection, digest_ids: Iterable[int]) -> None:
    """A digest's `entries` is the number of papers it lists that the library holds."""
    conn.executemany(
        "UPDATE digests SET entries = (SELECT count(*) FROM sightings WHERE digest_id = ?1)"
        " WHERE id = ?1",
        [(i,) for i in digest_ids],
    )

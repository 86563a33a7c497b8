"""Citation keys and bibliographic fields in the store; a reference manager's user state applied once."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from reader.store.db import Database, chunks, marks
from reader.store.errors import InvalidValue, UnknownPaper
from reader.store.state import clean_tags

# BibTeX ends a key at whitespace, a comma or a brace; biber also chokes on these.
_KEY_FORBIDDEN_RE = re.compile(r"[\s,{}()\"#%'=~\\]")
MAX_KEY_CHARS = 100
# Above this many papers without a key, keys are checked against every key that could clash.
_LOAD_ALL_KEYS = 500


def check_key(key: str) -> str:
    """The key trimmed; InvalidValue says what is wrong with one BibTeX cannot use."""
    key = (key or "").strip()
    if not key:
        raise InvalidValue("a citation key cannot be empty")
    if len(key) > MAX_KEY_CHARS:
        raise InvalidValue(f"a citation key has at most {MAX_KEY_CHARS} characters")
    bad = _KEY_FORBIDDEN_RE.search(key)
    if bad:
        shown = "a space" if bad.group(0).isspace() else repr(bad.group(0))
        raise InvalidValue(f"a citation key cannot contain {shown}: BibTeX would cut it there")
    return key


def paper_with_key(conn: sqlite3.Connection, key: str) -> int | None:
    """The id of the paper whose key is `key` (case-insensitively), or None."""
    row = conn.execute("SELECT id FROM papers WHERE citation_key = ?", (key.strip(),)).fetchone()
    return row[0] if row else None


def set_citation_key(db: Database, paper_id: int, key: str) -> str:
    """Give a paper a new key (the user's choice); InvalidValue when another paper has it."""
    key = check_key(key)
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone() is None:
            raise UnknownPaper(paper_id)
        other = conn.execute(
            "SELECT id, title FROM papers WHERE citation_key = ? AND id != ?", (key, paper_id)
        ).fetchone()
        if other:
            raise InvalidValue(
                f"the citation key {key!r} is already used by paper {other[0]} ({other[1]})"
            )
        conn.execute("UPDATE papers SET citation_key = ? WHERE id = ?", (key, paper_id))
    return key


def assign_missing_keys(conn: sqlite3.Connection, ids: Sequence[int] | None = None,
                        kept: dict[int, str] | None = None) -> None:
    """Make keys for papers that have none (all of them, or those of `ids`): `kept` keys
    (read from a .bib) where they are free, else `lastnameYEARword` with a/b/c suffixes.

    Runs inside the caller's write transaction; a key once made is never remade."""
    kept = kept or {}
    sql = "SELECT id, title, authors, published, arxiv_id, doi, bib FROM papers WHERE citation_key IS NULL"
    found: list[tuple] = []
    if ids is None:
        found = conn.execute(sql + " ORDER BY id").fetchall()
    else:
        for chunk in chunks(list(ids)):
            found += conn.execute(sql + f" AND id IN ({marks(chunk)})", chunk).fetchall()
    if not found:
        return
    papers = [
        (paper_id, title, json.loads(authors or "[]"), published, arxiv_id, doi, bib_object(bib))
        for paper_id, title, authors, published, arxiv_id, doi, bib in found
    ]
    keys = _make_keys(conn, papers, kept)
    conn.executemany(
        "UPDATE papers SET citation_key = ? WHERE id = ?",
        [(key, row[0]) for key, row in zip(keys, found)],
    )


def rekey_et_al(conn: sqlite3.Connection) -> list[int]:
    """Remake the keys made from the "al" of "Yuwei Guo et al." (`al2023animatediff`) before
    the key maker learnt to read that as "Yuwei Guo": made again as keys are made today
    (`guo2023animatediff`, with a suffix on a clash). Only a key whose name part is "al", for
    a paper whose first author is not really named Al (today's key maker does not say "al"
    for them), is remade; every other key stays. The ids of the papers re-keyed. Runs inside
    the caller's write transaction (migration 9)."""
    from reader.exchange.keys import key_parts
    from reader.exchange.records import key_item

    redo = []
    # A range on the citation-key index: only keys starting with "al" can be such keys.
    for paper_id, key, title, authors, published, arxiv_id, doi, bib in conn.execute(
        "SELECT id, citation_key, title, authors, published, arxiv_id, doi, bib FROM papers"
        " WHERE citation_key >= 'al' AND citation_key < 'am'"
    ).fetchall():
        item = key_item(title, json.loads(authors or "[]"), published, arxiv_id, doi, bib_object(bib))
        if _made_from_al(key, *key_parts(item)):
            redo.append(paper_id)
    if redo:
        conn.executemany("UPDATE papers SET citation_key = NULL WHERE id = ?", [(i,) for i in redo])
        assign_missing_keys(conn, redo)
    return redo


def _made_from_al(key: str, name: str, year: str, word: str) -> bool:
    """Whether `key` reads as "al", a year, a title word and a clash suffix, for a paper whose
    key parts are now `name`, `year` and `word` (fetched details may have changed the
    authors, year and title since the key was made: the name part is what tells)."""
    if name == "al":
        return False  # really named Al (Ahmed Al; Al, Fatima), or only "et al." is known
    folded = key.casefold()
    if not folded.startswith("al") or folded.startswith(name + year + word):
        return False  # the key the paper's own name makes (Al-Farsi: alfarsi2018...)
    rest = folded[2:]
    if re.match(r"[0-9]{4}", rest):
        return True  # "al" and a year: a name word of exactly "al"
    # Made without a year: "al", the title word, a suffix (a title of math alone has no word:
    # then only "al" and a suffix, not any key that happens to start with "al").
    suffix = rest[len(word):] if rest.startswith(word) else None
    return suffix is not None and re.fullmatch(r"[a-z]{0,2}" if not word else r"[a-z]*", suffix) is not None


def keys_before_insert(
    conn: sqlite3.Connection, entries: Sequence[Any], records: Sequence[dict]
) -> dict[int, str]:
    """Keys for a digest's new papers by id, from the merger's `records` before they are
    inserted: the keys assign_missing_keys would make from the rows read back, written with
    the insert instead of rewriting every new row after it. Empty when an entry carries a
    reference manager's citation: its key and fields are stored first (store_entries)."""
    if not records or any(entry.citation is not None for entry in entries):
        return {}
    papers = [
        (r["id"], r["title"], r["authors"], r["published"], r["arxiv_id"], r["doi"], {}) for r in records
    ]
    return dict(zip((r["id"] for r in records), _make_keys(conn, papers, {})))


def _make_keys(conn: sqlite3.Connection, papers: Sequence[tuple], kept: dict[int, str]) -> list[str]:
    """A key for each of `papers` (id, title, authors, published, arxiv_id, doi, bib)."""
    from reader.exchange.keys import assign_keys, base_key
    from reader.exchange.records import key_item

    items = []
    for paper_id, title, authors, published, arxiv_id, doi, bib in papers:
        item = key_item(title, authors, published, arxiv_id, doi, bib)
        item.citation_key = kept.get(paper_id)
        items.append(item)
    bases = [base_key(item) for item in items]
    stems = {item.citation_key or base for item, base in zip(items, bases)}
    return assign_keys(items, _taken(conn, stems, len(papers)), bases)


def _taken(conn: sqlite3.Connection, stems: set[str], missing: int) -> set[str]:
    """Keys in use that a new key starting with one of `stems` could clash with."""
    # One query for all stems, each a range on the case-insensitive unique index (LIKE with
    # ESCAPE would scan the table once per stem, and a query per stem cost a round trip per
    # new paper); keys and their suffixes sort below "~".
    ranges = (
        "SELECT p.citation_key FROM json_each(?) AS s JOIN papers AS p"
        " ON p.citation_key >= s.value AND p.citation_key < s.value || '~'"
    )
    if missing <= _LOAD_ALL_KEYS:
        return {r[0] for r in conn.execute(ranges, (json.dumps(sorted(stems)),))}
    if not all(stem.isascii() for stem in stems):
        return {r[0] for r in conn.execute("SELECT citation_key FROM papers WHERE citation_key IS NOT NULL")}
    # Many new papers are checked against every key, folded as assign_keys folds them. Beyond
    # the ranges, only a key with other characters can fold onto an ASCII one ("ﬁnn" is
    # "finn"): those are read instead of every key (a fifth of the time at 30,000 keys).
    return {r[0] for r in conn.execute(
        ranges + " UNION SELECT citation_key FROM papers"
        " WHERE length(citation_key) != length(CAST(citation_key AS BLOB))",
        (json.dumps(sorted(stems)),),
    )}


def bib_object(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def bib_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(list(ids)):
        for paper_id, text in conn.execute(
            f"SELECT id, bib FROM papers WHERE id IN ({marks(chunk)})", chunk
        ):
            found[paper_id] = bib_object(text)
    return found


def store_entries(conn: sqlite3.Connection, entries: Sequence[Any], sightings: Sequence[tuple],
                  created: Sequence[int], now: str) -> None:
    """After a digest's papers are written: keep what its entries carry as citations
    (key, bibliographic fields, user state), then make keys for the new papers.

    `sightings` are the merger's rows (paper_id, position, ...): they tell which paper each
    entry became. Runs in store_digest's transaction."""
    by_position = {row[1]: row[0] for row in sightings}
    items: dict[int, Any] = {}
    for entry in entries:
        paper_id = by_position.get(entry.sighting.position)
        if entry.citation is not None and paper_id is not None and paper_id not in items:
            items[paper_id] = entry.citation
    created_set = set(created)
    if items:
        apply_items(conn, items, now)
    kept = {i: item.citation_key for i, item in items.items() if i in created_set and item.citation_key}
    assign_missing_keys(conn, list(created), kept)


def apply_items(conn: sqlite3.Connection, items: dict[int, Any], now: str) -> None:
    """Fill each paper's bibliographic fields from its CitationItem and give it the item's
    user state when it has none yet: the user's own tags, rating and note always win."""
    from reader.exchange.records import bib_from_item, merged_bib

    ids = list(items)
    bibs = bib_of(conn, ids)
    updates = []
    for paper_id, item in items.items():
        old = bibs.get(paper_id, {})
        new = merged_bib(old, bib_from_item(item))
        if new != old:
            updates.append((json.dumps(new, ensure_ascii=False, sort_keys=True), paper_id))
    conn.executemany("UPDATE papers SET bib = ? WHERE id = ?", updates)
    stateful = papers_with_state(conn, ids)
    for paper_id, item in items.items():
        if paper_id not in stateful:
            put_state(conn, paper_id, tags=item.tags, read=item.read, rating=item.rating,
                      note=item.note, read_at=now if item.read else None)


def papers_with_state(conn: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    """Those of `ids` the user has marked in any way (tags, read, rating, note, archived)."""
    found: set[int] = set()
    for chunk in chunks(list(ids)):
        found.update(r[0] for r in conn.execute(
            f"SELECT paper_id FROM paper_state WHERE paper_id IN ({marks(chunk)}) AND"
            " (read = 1 OR rating IS NOT NULL OR note IS NOT NULL OR archived = 1)"
            f" UNION SELECT paper_id FROM paper_tags WHERE paper_id IN ({marks(chunk)})",
            [*chunk, *chunk],
        ))
    return found


def put_state(conn: sqlite3.Connection, paper_id: int, *, tags: Iterable[str] = (), read: bool = False,
              rating: int | None = None, note: str | None = None, read_at: str | None = None,
              archived: bool = False) -> None:
    """Write a paper's user state (for a paper that has none: see papers_with_state)."""
    rating = rating if isinstance(rating, int) and 1 <= rating <= 5 else None
    note = note if note and note.strip() else None
    if read or rating or note or archived:
        conn.execute(
            "INSERT INTO paper_state (paper_id, rating, note, read, read_at, archived)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(paper_id) DO UPDATE SET rating = excluded.rating,"
            " note = excluded.note, read = excluded.read, read_at = excluded.read_at,"
            " archived = excluded.archived",
            (paper_id, rating, note, int(bool(read)), read_at if read else None, int(bool(archived))),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
        [(paper_id, tag) for tag in clean_tags(tags)],
    )

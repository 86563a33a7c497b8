"""Saved searches and per-library settings."""

from __future__ import annotations

import json
from typing import Any

from reader.store.db import Database, now_iso
from reader.store.errors import InvalidValue
from reader.store.search import Search


def saved_searches(db: Database) -> list[tuple[str, str]]:
    """(name, query) of every saved search, sorted by name, case-insensitively."""
    return [
        (row[0], row[1])
        for row in db.conn.execute("SELECT name, query FROM saved_searches ORDER BY name")
    ]


def save_search(db: Database, name: str, query: Search | str) -> None:
    """Save `query` under `name` (replacing a search of that name). Raises QueryError
    for a query the parser cannot read and InvalidValue for an empty name or query."""
    name = " ".join(str(name).split())
    text = query.text if isinstance(query, Search) else str(query).strip()
    if not name:
        raise InvalidValue("a saved search needs a name")
    if not text:
        raise InvalidValue("there is no search to save: type a query first")
    Search.parse(text)  # refuses a malformed query before anything is stored
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET name = excluded.name, query = excluded.query",
            (name, text, now_iso()),
        )


def rename_saved_search(db: Database, old: str, new: str) -> None:
    """Give a saved search another name (replacing a search that had the new name)."""
    new = " ".join(str(new).split())
    if not new:
        raise InvalidValue("a saved search needs a name")
    with db.transaction() as conn:
        row = conn.execute("SELECT query FROM saved_searches WHERE name = ?", (old,)).fetchone()
        if row is None:
            raise InvalidValue(f"no saved search named '{old}'")
        conn.execute("DELETE FROM saved_searches WHERE name IN (?, ?)", (old, new))
        conn.execute(
            "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)",
            (new, row[0], now_iso()),
        )


def delete_saved_search(db: Database, name: str) -> bool:
    """Forget a saved search; False when there was none of that name."""
    with db.transaction() as conn:
        cursor = conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
    return cursor.rowcount > 0


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    row = db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def set_setting(db: Database, key: str, value: Any) -> None:
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

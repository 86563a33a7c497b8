"""The baseline: the same digests parsed by the same parsers, stored with plain sqlite3.

One table and one FTS5 index, `executemany` per digest inside one transaction, no merging of
papers seen twice, no sightings, no triggers: the least any importer must do.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench.mix import RARE_WORD
from reader.ingest.reading import decode
from reader.parsers import parse_text

SCHEMA = """
CREATE TABLE papers (
    id INTEGER PRIMARY KEY, arxiv_id TEXT, title TEXT, authors TEXT, abstract TEXT,
    translation TEXT, published TEXT, added TEXT, rating INTEGER, read INTEGER NOT NULL DEFAULT 0,
    tags TEXT
);
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, authors, abstract, tags, tokenize = 'unicode61 remove_diacritics 2'
);
-- The indexes a competent hand-written schema has for the list's filters.
CREATE INDEX papers_read ON papers(read);
CREATE INDEX papers_rating ON papers(rating);
CREATE INDEX papers_tags ON papers(tags);
"""
PAGE = 200
ROW_COLUMNS = "id, title, authors, published, rating, read, tags"


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class BaselineImporter:
    """A fresh baseline database; import_file() stores one digest and times its two halves."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.conn = connect(path)
        self.conn.executescript(SCHEMA)
        self.next_id = 1
        self.seconds = self.parse_seconds = self.store_seconds = 0.0

    def import_file(self, file: Path) -> None:
        begin = time.perf_counter()
        parsed = parse_text(decode(file.read_bytes()))
        middle = time.perf_counter()
        rows = []
        for entry in parsed.entries:
            p = entry.paper
            rows.append((self.next_id, p.arxiv_id, p.title, "; ".join(p.authors), p.abstract,
                         p.translation, p.published))
            self.next_id += 1
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO papers (id, arxiv_id, title, authors, abstract, translation, published,"
            " added) VALUES (?, ?, ?, ?, ?, ?, ?, datetime('now'))", rows,
        )
        self.conn.executemany(
            "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)",
            [(r[0], r[2], r[3], r[4]) for r in rows],
        )
        self.conn.execute("COMMIT")
        end = time.perf_counter()
        self.seconds += end - begin
        self.parse_seconds += middle - begin
        self.store_seconds += end - middle

    def close(self) -> None:
        self.conn.close()


def apply_user_state(conn: sqlite3.Connection, plan) -> None:
    """The same share of read, rated and tagged papers as the project's library gets."""
    ids = [r[0] for r in conn.execute("SELECT id FROM papers ORDER BY id")]
    conn.execute("BEGIN")
    conn.executemany("UPDATE papers SET read = 1 WHERE id = ?", [(i,) for i in plan.read(ids)])
    for rating, chosen in plan.ratings(ids).items():
        conn.executemany("UPDATE papers SET rating = ? WHERE id = ?", [(rating, i) for i in chosen])
    for tag, chosen in plan.tags(ids).items():
        conn.executemany("UPDATE papers SET tags = ? WHERE id = ?", [(tag, i) for i in chosen])
        conn.executemany("UPDATE papers_fts SET tags = ? WHERE rowid = ?", [(tag, i) for i in chosen])
    conn.execute("COMMIT")


def _fts(expression: str) -> tuple[str, list]:
    return "id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)", [expression]


def _and(*parts: tuple[str, list]) -> tuple[str, list]:
    return " AND ".join(p[0] for p in parts), [v for p in parts for v in p[1]]


# The plain-SQL twin of each query of the mix (bench.mix.QUERIES) that the baseline can
# express: `seen:>=2` has none, as the baseline keeps no sightings.
QUERY_SQL: dict[str, tuple[str, list]] = {
    "language models": _fts("language AND models*"),
    "diffusion video": _fts("diffusion AND video*"),
    '"reinforcement learning"': _fts('"reinforcement learning"'),
    "tag:toread": _fts("tags : toread"),
    "is:unread": ("read = 0", []),
    "rating:>=4": ("rating >= 4", []),
    "agents tag:llm is:unread": _and(_fts("agents AND tags : llm"), ("read = 0", [])),
    "author:wang": _fts("authors : wang"),
    "benchmark": _fts("benchmark*"),
    # (was '"large language" rating:>=3 -is:read', which matches nothing by construction:
    # every rated paper of the plan is also read)
    '"large language" rating:>=3': _and(_fts('"large language"'), ("rating >= 3", [])),
    "zeroshot": _fts("zeroshot*"),  # a rare word
    "diffusion OR retrieval": _fts("diffusion OR retrieval*"),
    "learning -diffusion": _fts("learning NOT diffusion*"),
    "trans": _fts("trans*"),
    "transformer": _fts("transformer*"),
    RARE_WORD: _fts(f"{RARE_WORD}*"),
}


def search(conn: sqlite3.Connection, query: str) -> tuple[int, list]:
    """What the GUI needs for a query: the count and the first page, newest first."""
    where, params = QUERY_SQL[query]
    total = conn.execute(f"SELECT count(*) FROM papers WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT {ROW_COLUMNS} FROM papers WHERE {where} ORDER BY id DESC LIMIT {PAGE}", params
    ).fetchall()
    return total, rows


def open_list(conn: sqlite3.Connection) -> list:
    """What a minimal list needs to show: the count and the first page."""
    conn.execute("SELECT count(*) FROM papers").fetchone()
    return conn.execute(f"SELECT {ROW_COLUMNS} FROM papers ORDER BY id DESC LIMIT {PAGE}").fetchall()


def sort_by_title(conn: sqlite3.Connection) -> list:
    return conn.execute(f"SELECT {ROW_COLUMNS} FROM papers ORDER BY title LIMIT {PAGE}").fetchall()


def filter_unread(conn: sqlite3.Connection) -> list:
    conn.execute("SELECT count(*) FROM papers WHERE read = 0").fetchone()
    return conn.execute(
        f"SELECT {ROW_COLUMNS} FROM papers WHERE read = 0 ORDER BY id DESC LIMIT {PAGE}"
    ).fetchall()

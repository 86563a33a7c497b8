"""The full-text index's words (fts_terms): kept up to date, and a typed prefix spelled out as them."""

from __future__ import annotations

import re
import sqlite3

from reader.store.query import fts_phrase

# A prefix that starts more words than this stays a prefix: an OR of hundreds of words is
# no cheaper than FTS5's own merge. Prefixes of up to PREFIX_INDEXED characters have an
# index of their own in papers_fts (prefix = '2 3') and are read lazily already.
MAX_EXPANSION = 64
PREFIX_INDEXED = 3
# The words the unicode61 tokenizer makes of ASCII text: runs of letters and digits,
# folded to lower case. Phrases with other characters keep FTS5's prefix.
_ASCII_TOKENS = re.compile(r"[0-9A-Za-z]+")
_SCRATCH = "fts_terms_scratch"


def add_pending(conn: sqlite3.Connection) -> int:
    """Add the words of the papers noted in fts_terms_pending to fts_terms, in the caller's
    transaction; returns how many papers that was. The words are FTS5's own: the papers'
    text goes through a scratch FTS5 table with papers_fts's tokenizer, whose vocabulary
    is read back."""
    pending = conn.execute("SELECT count(*) FROM fts_terms_pending").fetchone()[0]
    if not pending:
        return 0
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_SCRATCH} USING fts5(title, authors, abstract,"
        " content = '', tokenize = 'unicode61 remove_diacritics 2')"
    )
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{_SCRATCH}_vocab USING fts5vocab(temp, {_SCRATCH}, row)"
    )
    conn.execute(f"INSERT INTO temp.{_SCRATCH} ({_SCRATCH}) VALUES ('delete-all')")
    conn.execute(
        f"INSERT INTO temp.{_SCRATCH} (rowid, title, authors, abstract)"
        " SELECT id, title, authors, abstract FROM papers"
        " WHERE id IN (SELECT paper_id FROM fts_terms_pending)"
    )
    conn.execute(f"INSERT OR IGNORE INTO fts_terms (term) SELECT term FROM temp.{_SCRATCH}_vocab")
    conn.execute(f"INSERT INTO temp.{_SCRATCH} ({_SCRATCH}) VALUES ('delete-all')")
    conn.execute("DELETE FROM fts_terms_pending")
    return pending


def complete(conn: sqlite3.Connection) -> bool:
    """Whether fts_terms holds every word of papers_fts (no paper's words wait to be added);
    False on a library older than schema 12 (one opened read-only is not migrated)."""
    try:
        return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM fts_terms_pending)").fetchone()[0] == 1
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return False
        raise


def spelled_out(conn: sqlite3.Connection, phrase: str, column: str | None) -> str | None:
    """The MATCH expression for `phrase` with its last word as a prefix, as an OR of the
    phrases with each word that starts so; None when it is better left a prefix (a short
    or non-ASCII last word, too many words). No word at all: a phrase nothing matches."""
    if not phrase.isascii():
        return None
    words = list(_ASCII_TOKENS.finditer(phrase))
    if not words or words[-1].end() != len(phrase.rstrip()):
        return None  # ends in punctuation: FTS5 makes the prefix of its last token
    last = words[-1].group().lower()
    if len(last) <= PREFIX_INDEXED:
        return None
    head = phrase[:words[-1].start()]
    upper = last[:-1] + chr(ord(last[-1]) + 1)
    terms = [row[0] for row in conn.execute(
        "SELECT term FROM fts_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
        (last, upper, MAX_EXPANSION + 1),
    )]
    if len(terms) > MAX_EXPANSION:
        return None
    if not terms:
        terms = [last]  # matches nothing, as the prefix would
    qualify = f"{column} : " if column else ""
    return "(" + " OR ".join(f"{qualify}{fts_phrase(head + term)}" for term in terms) + ")"

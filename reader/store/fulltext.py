"""Full-text conditions over the library's two FTS5 tables, searched as one.

papers_fts indexes each paper's title, authors and abstract (external content: the text
itself stays in `papers`); papers_user_fts holds the note and tags of the (few) papers
that have any, so tagging a paper never rewrites the index entries of its abstract
(schema v8). A word or phrase without a column matches when it is in either table; since
a phrase never spans two columns, it never spans the two tables either.

A condition is compiled as the papers matched by papers_fts alone, plus the papers with
a note or tags that match the whole expression only once their note and tags are counted:
those must have one of the expression's words in papers_user_fts, and each such
candidate is checked term by term in both tables. Against each term's whole list of
matches, read once: a rowid lookup in FTS5 with a MATCH (`f.rowid = u.rowid`) walks the
term's postings and costs about 0.5 ms for a common word at 100k, 5 s for 10,000 tagged
candidates; the `+` keeps SQLite from turning the list into such lookups."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from reader.store import terms
from reader.store.query import And, Node, Or, Text, fts_phrase

MAIN_SELECT = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"
_IN_MAIN = f"+u.rowid IN ({MAIN_SELECT})"
IN_USER = "+u.rowid IN (SELECT rowid FROM papers_user_fts WHERE papers_user_fts MATCH ?)"
USER_ONLY_COLUMNS = ("note",)  # Text columns that only papers_user_fts has


def _in_main(text: Text) -> bool:
    return text.column not in USER_ONLY_COLUMNS


def in_user(text: Text) -> bool:
    return text.column is None or text.column in USER_ONLY_COLUMNS


def text_phrase(text: Text) -> str:
    phrase = fts_phrase(text.phrase, text.prefix)
    return f"{text.column} : {phrase}" if text.column else phrase


def main_expression(node: Node, phrase: Callable[[Text], str] = text_phrase) -> str | None:
    """The node as an expression over papers_fts, each word or phrase written by `phrase`;
    None when no paper can match it there (a `note:` term under an AND)."""
    if isinstance(node, Text):
        return phrase(node) if _in_main(node) else None
    assert isinstance(node, (And, Or))
    parts = [main_expression(child, phrase) for child in node.children]
    if isinstance(node, And) and None in parts:
        return None
    kept = [part for part in parts if part is not None]
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(kept) + ")" if kept else None


def _user_phrases(node: Node) -> list[str]:
    if isinstance(node, Text):
        return [text_phrase(node)] if in_user(node) else []
    assert isinstance(node, (And, Or))
    return [phrase for child in node.children for phrase in _user_phrases(child)]


def _disjunction(node: Node) -> bool:
    """Whether the node is words or phrases joined by OR only: then every paper with one
    of them in its note or tags matches, with no check."""
    return isinstance(node, Text) or (
        isinstance(node, Or) and all(_disjunction(child) for child in node.children)
    )


def _check(node: Node, params: list) -> str:
    """SQL true when the paper `u.rowid` matches the node, its note and tags included."""
    if isinstance(node, Text):
        parts = []
        for found, condition in ((_in_main(node), _IN_MAIN), (in_user(node), IN_USER)):
            if found:
                params.append(text_phrase(node))
                parts.append(condition)
        return "(" + " OR ".join(parts) + ")"
    assert isinstance(node, (And, Or))
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(_check(child, params) for child in node.children) + ")"


@dataclass(frozen=True)
class TextMatch:
    """A full-text condition: words and phrases (a column each, or none) under AND and OR."""

    node: Node

    @property
    def main(self) -> str | None:
        return main_expression(self.node)

    def main_spelled_out(self, conn: sqlite3.Connection) -> str | None:
        """`main` with each typed prefix spelled out as the words it starts (reader.store.terms):
        FTS5 then reads the words' postings lazily (a page stops early) and between rows (a
        newer search can interrupt it), where it merges a prefix's postings whole first."""
        known: list[bool] = []  # whether fts_terms is complete, asked once and only if needed

        def phrase(word: Text) -> str:
            if word.prefix:
                if not known:
                    known.append(terms.complete(conn))
                spelled = terms.spelled_out(conn, word.phrase, word.column) if known[0] else None
                if spelled is not None:
                    return spelled
            return text_phrase(word)

        return main_expression(self.node, phrase)

    @property
    def user(self) -> str | None:
        """Any of the node's words that papers_user_fts can hold: its candidates."""
        phrases = list(dict.fromkeys(_user_phrases(self.node)))
        return " OR ".join(phrases) if phrases else None

    def user_select(self) -> tuple[str, list]:
        """SELECT of the papers that match through papers_user_fts (some also in papers_fts)."""
        params: list = [self.user]
        sql = "SELECT u.rowid FROM papers_user_fts u WHERE u.papers_user_fts MATCH ?"
        if not _disjunction(self.node):
            sql += " AND " + _check(self.node, params)
        return sql, params

    def condition(self, leads: bool = True) -> tuple[str, list]:
        """The condition on `p.id`, and its parameters; leads=False keeps SQLite from using
        it to look papers up (a `+` in front)."""
        plus = "" if leads else "+"
        parts, params = [], []
        main, user = self.main, self.user
        if main is not None:
            parts.append(f"{plus}p.id IN ({MAIN_SELECT})")
            params.append(main)
        if user is not None:
            sql, user_params = self.user_select()
            parts.append(f"{plus}p.id IN ({sql})")
            params += user_params
        if not parts:  # unreachable: every term is in one table or the other
            return "0", []
        return (parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"), params

    def count(self, conn: sqlite3.Connection) -> int:
        """How many papers match: every paper has exactly one papers_fts row, and at most
        one papers_user_fts row."""
        main, found = self.main_spelled_out(conn), 0
        if main is not None:
            found = conn.execute(
                "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (main,)
            ).fetchone()[0]
        if self.user is not None:
            sql, params = self.user_select()
            if main is not None:  # those not counted already
                sql += f" AND NOT {_IN_MAIN}"
                params.append(main)
            found += conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        return found

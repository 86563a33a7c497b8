"""A text search's page sorted by date, read by walking the date index in batches, with no count.

Sorted by date, the planner found a common word's page by counting its matches (530,000
for `language models` at 1M papers), listing them all and walking the papers_date index
against that list: 200-600 ms a keystroke. Here the index is walked a batch of papers at a
time, and each batch is checked in one statement against the text's matches in the batch's
range of ids (papers mostly come in the order they are published, so the range is narrow,
and FTS5 reads a range of its postings lazily): 1-2 ms a batch, and a common word fills a
page in one or two. When its first batches show the matches too rare to fill the page
within the walk's budget, the papers of one of the query's filters lead instead (a tag's,
a rating's), each checked against the whole query; with no such filter the walk gives up
(None) and the planner answers: for rare matches its list is short. Undated papers come
after the dated ones in both directions (the planner's order); a walk that would reach
them is left to the planner too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from reader.store.fulltext import MAIN_SELECT
from reader.store.query import PAPER_DATE, Node, compile_query, filter_papers
from reader.store.streamed import PAPER_COLUMN, checked_at, fold_exclusions, paper_checks, split_text

BATCH = 512  # papers walked per statement: the page of a word in half the papers in one
# The walk's budget for a page: 16,384 papers, 30-60 ms at 1M papers, which a word with a
# selective filter takes (`"large language" rating:>=3`: 390 ms the planner's way). Once the
# matches so far show the page would need more, it stops.
MAX_BATCHES = 32
# Looking for the paper being read (it stays selected if still listed) walks less: it is in
# every keystroke's time, and the paper is usually near the top.
UP_TO_BATCHES = 8
# A paper's date with its id, as the papers_date index holds them (PAPER_DATE is its expression).
_KEYED = f"SELECT p.id, {PAPER_DATE} FROM papers p"


class _Walk:
    """A query's text and its other conditions, ready to check the papers of each batch."""

    def __init__(self, conn: sqlite3.Connection, text: Any, others: list[Node], hide_archived: bool,
                 descending: bool) -> None:
        self.conn, self.text, self.hide_archived, self.descending = conn, text, hide_archived, descending
        self.every_other = others  # before the excluded words move into the MATCH
        self.main, kept, user_excluded = fold_exclusions(text.main_spelled_out(conn), others)
        where, self.params = paper_checks(kept, hide_archived, user_excluded)
        checked, papers_join = checked_at(where, "cand.value")
        self.sql = (
            f"SELECT cand.value FROM json_each(?) cand{papers_join}"
            f" WHERE cand.value IN ({MAIN_SELECT} AND rowid BETWEEN ? AND ?) AND {checked}"
        )
        self.direction, self.later, self.up_to = ("DESC", "<", ">=") if descending else ("ASC", ">", "<=")

    def batches(self, start: tuple[Any, int] | None, budget: int) -> Iterator[tuple[list[tuple[int, Any]], list[tuple[int, Any]]]]:
        """Each batch of dated papers (id, date) in list order after `start` (date, id), with
        those of them that match; `budget` batches at most, fewer when the dated papers run out."""
        cursor = start
        for _ in range(budget):
            dated, dated_params = self.dated(cursor, None)
            batch = self.conn.execute(
                f"{_KEYED} WHERE {dated}"
                f" ORDER BY {PAPER_DATE} {self.direction}, p.id {self.direction} LIMIT ?",
                [*dated_params, BATCH],
            ).fetchall()
            matches = []
            if batch:
                ids = [paper_id for paper_id, _date in batch]
                found = {r[0] for r in self.conn.execute(
                    self.sql, [json.dumps(ids), self.main, min(ids), max(ids), *self.params])}
                matches = [keyed for keyed in batch if keyed[0] in found]
            yield batch, matches
            if len(batch) < BATCH:
                return
            cursor = (batch[-1][1], batch[-1][0])

    def dated(self, start: tuple[Any, int] | None, end: tuple[Any, int] | None) -> tuple[str, list]:
        """The condition for the dated papers after `start` and up to `end` included (each a
        (date, id) or None) in list order. Each bound has a condition on the date alone:
        SQLite seeks the index with that, not with a row value over an expression (it
        stepped over every paper above the cursor); and of two lower bounds it seeks with
        one, so "dated" (`>= ''`) is left out when a lower bound is a date already."""
        lower = end if self.descending else start
        parts, params = ([f"{PAPER_DATE} >= ''"], []) if lower is None else ([], [])
        if start is not None:
            parts.append(f"{PAPER_DATE} {self.later}= ? AND ({PAPER_DATE}, p.id) {self.later} (?, ?)")
            params += [start[0], *start]
        if end is not None:
            parts.append(f"{PAPER_DATE} {self.up_to} ? AND ({PAPER_DATE}, p.id) {self.up_to} (?, ?)")
            params += [end[0], *end]
        return " AND ".join(parts), params

    def follows(self, keyed: tuple[int, Any], key: tuple[Any, int]) -> bool:
        """Whether the paper `keyed` (id, date) comes after `key` (date, id) in the list."""
        mine = (keyed[1], keyed[0])
        return mine < key if self.descending else mine > key

    def with_user_matches(self, page: list[tuple[int, Any]], start: tuple[Any, int] | None,
                          end: tuple[Any, int]) -> list[tuple[int, Any]]:
        """The page with the papers that match through their note or tags (papers_user_fts)
        put in their places: those after `start` (date, id, when given) and up to `end`
        (included), as far as the page is complete."""
        if self.text.user is None:
            return page
        user_sql, user_params = self.text.user_select()
        where, params = paper_checks(self.every_other, self.hide_archived)
        dated, dated_params = self.dated(start, end)
        # The date index's stretch the page covers, each paper checked against the
        # candidates (a tag's 6,667 papers at 1M): looking each candidate up took 40 ms.
        more = self.conn.execute(
            f"{_KEYED} WHERE {dated} AND +p.id IN ({user_sql}) AND {where}",
            [*dated_params, *user_params, *params],
        ).fetchall()
        if not more:
            return page
        merged = dict([*page, *more])
        return sorted(merged.items(), key=lambda keyed: (keyed[1], keyed[0]), reverse=self.descending)


def _prepared(conn: sqlite3.Connection, node: Node | None, hide_archived: bool, descending: bool) -> _Walk | None:
    text, others = split_text(node)
    if text is None or text.main is None:
        return None  # filters alone: the planner walks an index with them already
    return _Walk(conn, text, others, hide_archived, descending)


def _key(conn: sqlite3.Connection, paper_id: int) -> tuple[Any, int] | None:
    """(date, id) of a dated paper; None when it is gone or undated."""
    row = conn.execute(f"SELECT {PAPER_DATE} FROM papers p WHERE p.id = ?", (paper_id,)).fetchone()
    return None if row is None or row[0] is None else (row[0], paper_id)


def date_walk_ids(
    conn: sqlite3.Connection, node: Node | None, descending: bool, limit: int | None,
    after: int | None, hide_archived: bool,
) -> list[int] | None:
    """Ids of the next `limit` papers matching `node`, newest (or oldest) first by date,
    after the paper `after` when given; None when this way does not suit the query (no
    words, an undated paper to start after) or would cost more than the planner's."""
    if limit is None or limit <= 0:
        return None
    walk = _prepared(conn, node, hide_archived, descending)
    if walk is None:
        return None
    start = None if after is None else _key(conn, after)
    if after is not None and start is None:
        return None  # the planner's arm of undated papers (or the paper is gone)
    page: list[tuple[int, Any]] = []
    for number, (batch, matches) in enumerate(walk.batches(start, MAX_BATCHES), start=1):
        page += matches
        if len(page) >= limit:
            break
        if len(batch) < BATCH:
            return None  # the dated papers ran out: the undated ones follow, the planner's way
        if number > 1 and len(page) * MAX_BATCHES < limit * number:
            break  # at this rate (two batches tell it well enough) it would take more
    if len(page) < limit:
        return _filter_led(conn, node, walk, limit, start, hide_archived)
    page = page[:limit]
    last_id, last_date = page[-1]
    page = walk.with_user_matches(page, start, (last_date, last_id))[:limit]
    return [paper_id for paper_id, _date in page]


def date_walk_up_to(
    conn: sqlite3.Connection, node: Node | None, descending: bool, paper_id: int, limit: int,
    hide_archived: bool,
) -> list[int] | None:
    """The list's ids from its top down to `paper_id` included, when the paper matches and
    is among the first `limit`; [] when it is not; None when this way does not suit (the
    paper is undated, or further down than the walk's budget). Costs the papers dated
    above it, not `limit` matches: the paper being read is usually near the top."""
    walk = _prepared(conn, node, hide_archived, descending)
    end = _key(conn, paper_id)
    if walk is None or end is None:
        return None
    above: list[tuple[int, Any]] = []
    for batch, matches in walk.batches(None, UP_TO_BATCHES):
        above += [keyed for keyed in matches if not walk.follows(keyed, end)]
        if len(above) > limit:
            return []  # more than `limit` matches above it (notes' and tags' would only add)
        if not batch or walk.follows(batch[-1], end) or len(batch) < BATCH:
            break
    else:
        return None  # further down than the budget walks
    ids = [found for found, _date in walk.with_user_matches(above, None, end)]
    if paper_id not in ids or ids.index(paper_id) >= limit:
        return []
    return ids[: ids.index(paper_id) + 1]


def _filter_led(
    conn: sqlite3.Connection, node: Node | None, walk: _Walk, limit: int,
    start: tuple[Any, int] | None, hide_archived: bool,
) -> list[int] | None:
    """The page read from the papers of one of the query's filters (a tag's, a rating's),
    each checked against the whole query, the matches sorted by date: for the text's
    matches too rare along the date index but a filter's papers few (`agents tag:llm
    is:unread` at 1M: 6,667 papers tagged llm, where the planner listed the 111,000 papers
    with the word first). None when no filter can lead."""
    for conjunct in walk.every_other:
        led = filter_papers(conjunct)
        if led is None:
            continue
        source, lead_params = led
        whole = compile_query(node, lookups=False, hide_archived=hide_archived, per_row=True)
        where = whole.where
        if not PAPER_COLUMN.search(where):  # checked on the filter's ids: rows read for matches only
            where = where.replace("p.id", "drv.id")
        papers = (f"SELECT p.id FROM ({source}) drv"
                  f" CROSS JOIN papers p ON p.id = drv.id WHERE {where}")
        dated, dated_params = walk.dated(start, None)
        ids = [r[0] for r in conn.execute(
            f"{papers} AND {dated} ORDER BY {PAPER_DATE} {walk.direction}, p.id {walk.direction} LIMIT ?",
            [*lead_params, *whole.params, *dated_params, limit])]
        if len(ids) < limit:  # the undated papers follow the dated ones, in id order
            ids += [r[0] for r in conn.execute(
                f"{papers} AND {PAPER_DATE} IS NULL ORDER BY p.id {walk.direction} LIMIT ?",
                [*lead_params, *whole.params, limit - len(ids)])]
        return ids
    return None

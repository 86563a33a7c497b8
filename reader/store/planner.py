"""The search planner: counts and sorted ids for a Search, choosing how SQLite should find them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from reader.store.db import MAX_INTEGER
from reader.store.errors import InvalidValue
from reader.store.fulltext import TextMatch
from reader.store.query import (
    PAPER_DATE, CompiledQuery, Filter, Node, Not, compile_query, digest_ids_sql, digest_scope,
    filter_papers, mentions_archived,
)
from reader.store.search import Search

# Fetching a paper by id costs about as much as stepping over LOOKUP_COST index entries:
# a search fetches its matches by id only when there are few of them, otherwise it walks
# an index and checks each paper against the matches.
LOOKUP_COST = 20
# is:unread and co. are counted as all papers less the few that have the state.
COUNT_COMPLEMENTS = {"unread": "read", "unrated": "rated", "untagged": "tagged"}
# Counted in the user-state tables alone (their rows always belong to a paper).
STATE_COUNTS = {
    ("is", "read"): "SELECT count(*) FROM paper_state WHERE read = 1",
    ("is", "rated"): "SELECT count(rating) FROM paper_state",
    ("is", "tagged"): "SELECT count(DISTINCT paper_id) FROM paper_tags",
    ("has", "note"): "SELECT count(*) FROM paper_state WHERE note IS NOT NULL",
}

# ORDER BY expression per sort key; the id tie-break keeps order stable between pages.
SORT_COLUMNS = {
    "added": "p.added",
    "published": PAPER_DATE,  # the arXiv id's month for a paper without a date
    "title": "p.title_key",
    "author": "p.first_author",
    "rating": "s.rating",
    "seen": "p.seen",
    "read": "s.read",
    # A paper's place and score in the digests the query is limited to (all, without one).
    "position": "(SELECT min(x.position) FROM sightings x WHERE x.paper_id = p.id{scope})",
    "score": "(SELECT max(x.score) FROM sightings x WHERE x.paper_id = p.id{scope})",
}
SORT_KEYS = tuple(SORT_COLUMNS)
# Sorts whose papers without a value come last in both directions (an undated paper is
# neither older nor newer than the dated ones, and ascending starts with the oldest): the
# condition for a paper to have a value. A range, not IS NOT NULL, so that SQLite seeks
# past the undated papers in the papers_date index instead of stepping over each of them
# (every date is text, and all text sorts at or above '').
NULLS_LAST = {"published": f"{PAPER_DATE} >= ''"}
SIGHTING_SORTS = ("position", "score")
# Sorts on paper_state columns: the condition for a paper to have a value there.
STATE_SORTS = {"rating": "s.rating IS NOT NULL", "read": "s.read = 1"}


def check_sort(sort: str) -> None:
    if sort not in SORT_COLUMNS:
        raise InvalidValue(f"unknown sort '{sort}' (use one of: {', '.join(SORT_KEYS)})")


class Planner:
    """Plans searches over one connection; counts are remembered until the library changes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._memo_values: dict[tuple, int] = {}
        self._memo_version: tuple[int, int] | None = None

    # ------------------------------------------------------------ counting

    def count(self, search: Search) -> int:
        """Number of papers matching the search."""
        return self._memo(("count", search.node), lambda: self._count_query(search.node))

    def known_count(self, search: Search) -> int | None:
        """The search's count when it is remembered (nothing is counted here), else None."""
        self._memo(("peek",), lambda: 0)  # forgets the counts if the library changed
        return self._memo_values.get(("count", search.node))

    def _count_query(self, node: Node | None) -> int:
        if self.hides_archived(node):  # the shortcuts below count archived papers too
            compiled = self.compiled(node)
            sql = f"SELECT count(*) FROM papers p WHERE {compiled.where}"
            return self.conn.execute(sql, compiled.params).fetchone()[0]
        return self._count_node(node)

    def _count_node(self, node: Node | None) -> int:
        if isinstance(node, Filter) and node.key == "is" and node.value in COUNT_COMPLEMENTS:
            node = Not(Filter("is", COUNT_COMPLEMENTS[node.value]))
        if isinstance(node, Not):  # "is:unread": all papers less the (few) read ones
            return self._total() - self._count_node(node.child)
        if isinstance(node, Filter) and (node.key, node.value) in STATE_COUNTS:
            return self.conn.execute(STATE_COUNTS[node.key, node.value]).fetchone()[0]
        if isinstance(node, Filter) and node.key == "tag":
            return self.conn.execute(
                "SELECT count(*) FROM paper_tags WHERE tag = ?", (node.value,)
            ).fetchone()[0]
        compiled = self.compiled(node)
        if compiled.state_only is not None:
            # paper_state holds at most one row per paper: no lookup in `papers` (300 ms
            # for 50k rated papers at 1M).
            state = compiled.state_only
            found = self.conn.execute(
                f"SELECT count(*) FROM paper_state WHERE {state.condition}", state.params
            ).fetchone()[0]
            return self._total() - found if state.negated else found
        if compiled.fts_only is not None:  # counted in the full-text indexes alone
            return self.fts_count(compiled.fts_only)
        sql = f"SELECT count(*) FROM papers p WHERE {compiled.where}"
        return self.conn.execute(sql, compiled.params).fetchone()[0]

    def _total(self) -> int:
        return self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]

    def archived_count(self) -> int:
        return self._memo(("archived",), lambda: self.conn.execute(
            "SELECT count(*) FROM paper_state WHERE archived = 1"
        ).fetchone()[0])

    def hides_archived(self, node: Node | None) -> bool:
        """Whether this query must leave archived papers out: it does not ask about them,
        and there are some (usually none, and then every query stays as fast as before)."""
        return not mentions_archived(node) and self.archived_count() > 0

    def fts_count(self, match: TextMatch) -> int:
        """How many papers match a full-text condition."""
        return self._memo(("fts", match), lambda: match.count(self.conn))

    # ------------------------------------------------------------ finding

    def compiled(self, node: Node | None, lookups: bool = True) -> CompiledQuery:
        """The query compiled for this library: full-text matches lead the lookup only when
        one of them is selective; common words are checked while walking an index."""
        hide = self.hides_archived(node)
        compiled = compile_query(node, lookups=lookups, hide_archived=hide)
        if lookups and compiled.matches:
            common = self._paper_id_bound() // LOOKUP_COST
            if all(self.fts_count(m) > common for m in compiled.matches):
                compiled = compile_query(node, fts_drives=False, hide_archived=hide)
        return compiled

    def matches(self, paper_id: int, search: Search) -> bool:
        compiled = self.compiled(search.node)
        sql = f"SELECT 1 FROM papers p WHERE p.id = ? AND {compiled.where}"
        return self.conn.execute(sql, [paper_id, *compiled.params]).fetchone() is not None

    def ids(
        self, search: Search, sort: str, descending: bool, count: int,
        limit: int | None = None, offset: int = 0, after: int | None = None,
    ) -> list[int]:
        """The sorted ids of the matches, `limit` of them from `offset`. `count` is the
        number of matches (count()): it decides the plan, so a page is always found the
        same way for the same search.

        `after`, the id of the last paper of the previous page, seeks the next page on the
        sort key and id instead of skipping `offset` rows (keyset paging: a page deep in the
        list costs what the first one does); the sorts by a digest's place or score have no
        index to seek in and fall back to `offset`."""
        check_sort(sort)
        ids: list[int] = []
        if limit is not None and limit > MAX_INTEGER:
            limit = None  # more than any library holds: no limit (SQLite cannot take it)
        if offset > MAX_INTEGER or offset >= count:
            return ids  # no match (or none left): spare the search
        seek = None
        if after is not None and sort not in SIGHTING_SORTS:
            seek = self._cursor(after, sort)
            if seek is not None:
                offset = 0
        reach = None if limit is None else offset + limit
        for sql, params in self._sorted_arms(search.node, sort, descending, count, reach, seek):
            wanted = -1 if limit is None else limit - len(ids)
            page = [r[0] for r in self.conn.execute(
                f"{sql} LIMIT ? OFFSET ?", [*params, wanted, offset])]
            if offset:  # an empty page means this arm had no more rows than the offset
                offset = 0 if page else max(0, offset - self._count_of(sql, params))
            ids += page
            if limit is not None and len(ids) >= limit:
                break
        return ids

    def _cursor(self, paper_id: int, sort: str) -> tuple[int, Any, bool] | None:
        """(id, sort key, whether it has a state value) of the paper a page ends with, or
        None when it is gone (the caller then pages by offset)."""
        has_value = STATE_SORTS.get(sort, "1")
        row = self.conn.execute(
            f"SELECT {SORT_COLUMNS[sort]}, {has_value} FROM papers p"
            " LEFT JOIN paper_state s ON s.paper_id = p.id WHERE p.id = ?", (paper_id,)
        ).fetchone()
        return None if row is None else (paper_id, row[0], bool(row[1]))

    def _count_of(self, sql: str, params: list) -> int:
        return self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def _sorted_arms(
        self, node: Node | None, sort: str, descending: bool, count: int, reach: int | None,
        seek: tuple[int, Any, bool] | None = None,
    ) -> list[tuple[str, list]]:
        """SELECTs of ids whose results, concatenated, are the sorted matches (the first
        `reach` of them are wanted; None: all), after the `seek` cursor when given.

        Rating and read live in paper_state, which most papers have no row in; sorting a LEFT
        JOIN of every paper would scan the whole library. Instead the papers that have the
        value come from paper_state's index, and the rest follow (or precede) in id order."""
        walk = sort not in STATE_SORTS and self._walk_sort_index(count, reach, sort)
        compiled = self.compiled(node, lookups=not walk)
        direction = "DESC" if descending else "ASC"
        where, params = compiled.where, compiled.params
        if sort in SIGHTING_SORTS:
            return [self._sighting_sorted(node, sort, direction, where, params)]
        column = SORT_COLUMNS[sort]
        if sort not in STATE_SORTS:
            return [
                (f"SELECT p.id FROM papers p WHERE {where} AND {cond}"
                 f" ORDER BY {order}", [*params, *cond_params])
                for cond, cond_params, order in _seek_arms(
                    column, "p.id", direction, seek, NULLS_LAST.get(sort))
            ]
        has_value = STATE_SORTS[sort]
        with_seek: list[tuple[str, list]] = [("1", [])]
        without_seek: list[tuple[str, list]] = [("1", [])]
        if seek is not None:  # the cursor's arm is sought; the arm before it is done
            later = "<" if descending else ">"
            paper_id, key, in_with_value = seek
            if in_with_value:  # a paper with the value has a key (a rating, read = 1)
                with_seek = [(f"({column}, s.paper_id) {later} (?, ?)", [key, paper_id])]
                without_seek = without_seek if descending else []
            else:
                with_seek = [] if descending else with_seek
                without_seek = [(f"p.id {later} ?", [paper_id])]
        with_value = [
            (f"SELECT s.paper_id FROM paper_state s JOIN papers p ON p.id = s.paper_id"
             f" WHERE {has_value} AND {where} AND {cond}"
             f" ORDER BY {column} {direction}, s.paper_id {direction}", [*params, *cond_params])
            for cond, cond_params in with_seek
        ]
        # A lookup per paper (the list of the 100,000 read papers of a 1M library, built
        # first, took 200 ms for "Rated" sorted by Read).
        without_value = [
            (f"SELECT p.id FROM papers p WHERE NOT EXISTS"
             f" (SELECT 1 FROM paper_state s WHERE s.paper_id = p.id AND {has_value})"
             f" AND {where} AND {cond} ORDER BY p.id {direction}", [*params, *cond_params])
            for cond, cond_params in without_seek
        ]
        led = None if self.hides_archived(node) else filter_papers(node)
        if led is not None:
            # The filter's own papers, from its index: SQLite walked them too, but read each
            # one's `papers` row (a 16 KiB page) on the way: "Rated" sorted by Read took
            # 220-480 ms at 1M, looking through 50,000 rated papers for unread ones.
            source, source_params = led
            without_value = [
                (f"SELECT m.id FROM ({source}) m WHERE NOT EXISTS"
                 f" (SELECT 1 FROM paper_state s WHERE s.paper_id = m.id AND {has_value})"
                 f" AND {cond.replace('p.id', 'm.id')} ORDER BY m.id {direction}",
                 [*source_params, *cond_params])
                for cond, cond_params in without_seek
            ]
        arms = [*with_value, *without_value]
        return arms if descending else [*without_value, *with_value]  # no value sorts lowest

    def _sighting_sorted(
        self, node: Node | None, sort: str, direction: str, where: str, params: list
    ) -> tuple[str, list]:
        """Sorted by the paper's sighting in the digest(s) the query is limited to, papers
        without one last: a digest's papers in the digest's own order, or by its score."""
        scope = digest_scope(node)
        scope_sql, scope_params = "", []
        if scope is not None:
            scope_sql = f" AND x.digest_id IN ({digest_ids_sql(scope, scope_params)})"
        value = SORT_COLUMNS[sort].format(scope=scope_sql)
        order, order_params = f"{value} IS NULL, {value} {direction}", [*scope_params, *scope_params]
        if sort == "score":  # equal scores keep the digest's own order
            order += f", {SORT_COLUMNS['position'].format(scope=scope_sql)}"
            order_params += scope_params
        return (
            f"SELECT p.id FROM papers p WHERE {where} ORDER BY {order}, p.id {direction}",
            [*params, *order_params],
        )

    def _walk_sort_index(self, count: int, reach: int | None, sort: str) -> bool:
        """Whether to find the first `reach` matches by walking the sort index and checking
        each paper, rather than fetching every match by id and sorting them: when matches
        are dense enough that the walk stops early."""
        if sort in SIGHTING_SORTS:  # no index to walk for these
            return False
        total = self._paper_id_bound()
        walked = total if reach is None else min(reach, total)
        # The walk steps over about walked * total / count index entries.
        return count * count * LOOKUP_COST > walked * total

    def _paper_id_bound(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]

    # ------------------------------------------------------------ memo

    def forget(self) -> None:
        """Drop the remembered counts (the bench times first runs with it)."""
        self._memo_values = {}

    def _memo(self, key: tuple, compute: Callable[[], int]) -> int:
        """A count remembered until the library changes: our own writes change
        total_changes, other connections' commits change data_version."""
        version = (
            self.conn.total_changes,
            self.conn.execute("PRAGMA data_version").fetchone()[0],
        )
        if self._memo_version != version:
            self._memo_values = {}
            self._memo_version = version
        found: Any = self._memo_values.get(key)
        if found is None:
            found = self._memo_values[key] = compute()
        return found


def _seek_arms(
    column: str, id_column: str, direction: str, seek: tuple[int, Any, bool] | None,
    nulls_last: str | None = None,
) -> list[tuple[str, list, str]]:
    """(condition, params, ORDER BY) of the arms that list, in order, the rows after the
    cursor (`seek`: its id and sort key) sorted on `column` then `id_column`. SQLite sorts
    NULL lowest, and a row-value comparison with NULL is never true, so papers without a
    key get an arm of their own: first when ascending, last when descending or when
    `nulls_last` (the condition for a row to have a key) is given."""
    order = f"{column} {direction}, {id_column} {direction}"
    by_id = f"{id_column} {direction}"
    nulls_first = direction == "ASC" and nulls_last is None
    if seek is None:
        if direction == "DESC" or nulls_first:  # SQLite's own order puts them there
            return [("1", [], order)]
        return [(nulls_last, [], order), (f"{column} IS NULL", [], by_id)]
    paper_id, key, _has_value = seek
    later = "<" if direction == "DESC" else ">"
    if key is None:
        arms = [(f"{column} IS NULL AND {id_column} {later} ?", [paper_id], by_id)]
        if nulls_first:
            arms.append((f"{column} IS NOT NULL", [], order))
        return arms
    arms = [(f"({column}, {id_column}) {later} (?, ?)", [key, paper_id], order)]
    if not nulls_first:
        arms.append((f"{column} IS NULL", [], by_id))
    return arms

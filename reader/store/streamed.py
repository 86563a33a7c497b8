"""A search's page in the default order read in id order straight from the indexes, with no count.

The list's default order is "date added", newest first. While papers' `added` stamps follow
their ids (migrations.ADDED_FOLLOWS_ID), that order is papers_fts's own rowid order, and
FTS5 hands out a MATCH's rows in it, either way, stopping once a page is full: the first
page of `language models` costs the postings up to its 200th match, not the 550,000
matches a count (or a sort) reads at 1M papers. The other conditions of the query are
checked on each row as it comes (a query of filters alone walks the papers in id
order the same way); when they are rare (`agents tag:llm`), walking the text
matches to fill a page would cost more than the planner's way, so the walk has a budget
of SQLite steps and gives up (None) when it is spent, leaving the page to the planner.

Words without a column also match a paper's note and tags (papers_user_fts, a few papers):
those matches are read whole, in the same order, and merged with the streamed ones.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence

from reader.store.db import MAX_INTEGER
from reader.store.fulltext import IN_USER, MAIN_SELECT, USER_ONLY_COLUMNS, TextMatch, in_user, text_phrase
from reader.store.migrations import ADDED_FOLLOWS_ID
from reader.store.query import And, Node, Not, Text, _fts_expression, _text_match, compile_query, filter_papers

# SQLite VM steps the walk may take, counted by a progress handler every STEP_GRAIN steps:
# about 5,000 rows checked, 2-10 ms (the IN lists of the checks are counted too); a page
# of dense matches takes a few hundred rows.
STEP_GRAIN = 1000
STEP_BUDGET = 100


# A condition that reads a column of the paper's row other than its id (`p.seen`, `p.published`).
PAPER_COLUMN = re.compile(r"\bp\.(?!id\b)")


def added_follows_id(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (ADDED_FOLLOWS_ID,)).fetchone()
    return row is not None and row[0] == "1"


def split_text(node: Node | None) -> tuple[TextMatch | None, list[Node]]:
    """The query's full-text conjuncts as one match, and the other conjuncts."""
    if node is None:
        return None, []
    children = list(node.children) if isinstance(node, And) else [node]
    if _fts_expression(node) is not None:
        return _text_match([node]), []
    text = _text_match(children)
    return text, [c for c in children if _fts_expression(c) is None]


def paper_checks(nodes: list[Node], hide_archived: bool, user_excluded: Sequence[str] = ()) -> tuple[str, list]:
    """The conditions `nodes` (all of them), each checked for the paper `p.id` at hand, and
    that none of the `user_excluded` words is in its note or tags; their parameters."""
    compiled = compile_query(
        None if not nodes else nodes[0] if len(nodes) == 1 else And(tuple(nodes)),
        lookups=False, hide_archived=hide_archived, per_row=True,
    )
    where = compiled.where + "".join(f" AND NOT {IN_USER.replace('u.rowid', 'p.id')}" for _ in user_excluded)
    return where, [*compiled.params, *user_excluded]


def checked_at(where: str, column: str) -> tuple[str, str]:
    """`where` checked for the paper whose id is `column`, and the join of its `papers` row
    when a condition reads more of it than its id: otherwise no row of `papers` is read (a
    16 KiB page per paper when the papers walked are far apart)."""
    if PAPER_COLUMN.search(where):
        return where, f" JOIN papers p ON p.id = {column}"
    return where.replace("p.id", column), ""


def _excluded_word(node: Node) -> Text | None:
    """The word of a `-word` conjunct (any column but a note's), else None."""
    if isinstance(node, Not) and isinstance(node.child, Text):
        return node.child if node.child.column not in USER_ONLY_COLUMNS else None
    return None


def fold_exclusions(main: str, others: list[Node]) -> tuple[str, list[Node], list[str]]:
    """`learning -diffusion`: the excluded words go into the streamed MATCH as `NOT`, so
    FTS5 skips those papers on the way instead of SQLite first listing every paper with
    the word (200,000 of them at 1M). Those words in a note or tags are checked apart
    (the returned phrases: the few papers papers_user_fts holds)."""
    excluded = [word for word in map(_excluded_word, others) if word is not None]
    if not excluded:
        return main, others, []
    phrases = [text_phrase(word) for word in excluded]
    folded = f"({main})" + "".join(f" NOT {phrase}" for phrase in phrases)
    kept = [c for c in others if _excluded_word(c) is None]
    return folded, kept, [text_phrase(w) for w in excluded if in_user(w)]


def streamed_ids(
    conn: sqlite3.Connection, node: Node | None, descending: bool, limit: int | None,
    after: int | None, hide_archived: bool,
) -> list[int] | None:
    """Ids of the next `limit` papers matching `node` in id order (after the id `after`,
    when given), or None when this way does not suit the query or ran out of budget."""
    text, others = split_text(node)
    every_other = others  # before the excluded words move into the MATCH
    if limit is None or limit > MAX_INTEGER or (text is not None and text.main is None):
        return None  # (a `note:` word alone: the planner reads the few notes)
    if not added_follows_id(conn):
        return None
    main, user_excluded = (None, [])
    if text is not None:
        main, others, user_excluded = fold_exclusions(text.main_spelled_out(conn), others)
    where, params = paper_checks(others, hide_archived, user_excluded)
    direction, later = ("DESC", "<") if descending else ("ASC", ">")
    column = "p.id" if text is None else "f.rowid"
    seek, seek_params = ("", []) if after is None else (f" AND {column} {later} ?", [after])
    if text is None:  # filters only: papers in id order, each checked
        main_sql = (f"SELECT p.id FROM papers p WHERE {where}{seek}"
                    f" ORDER BY p.id {direction} LIMIT ?")
        main_params = [*params, *seek_params, limit]
    else:  # every papers_fts row is a paper's
        checked, papers_join = checked_at(where, "f.rowid")
        main_sql = (
            f"SELECT f.rowid FROM papers_fts f{papers_join}"
            f" WHERE f.papers_fts MATCH ? AND {checked}{seek}"
            f" ORDER BY f.rowid {direction} LIMIT ?"
        )
        main_params = [main, *params, *seek_params, limit]
    steps = 0

    def budget() -> int:
        nonlocal steps
        steps += 1
        return 1 if steps > STEP_BUDGET else 0

    conn.set_progress_handler(budget, STEP_GRAIN)
    try:
        ids = [r[0] for r in conn.execute(main_sql, main_params)]
    except sqlite3.OperationalError:
        if steps <= STEP_BUDGET:
            raise  # interrupted by a newer search, or a real error
        # Rare matches: walk the papers of a filter instead, or leave it to the planner.
        driven = None if main is None else _filter_driven(
            conn, main, others, hide_archived, user_excluded, direction, later, after, limit)
        if driven is None:
            return None
        ids = driven
    finally:
        conn.set_progress_handler(None, 0)
    if text is not None and text.user is not None:
        user_sql, user_params = text.user_select()
        candidates = [r[0] for r in conn.execute(user_sql, user_params)]
        if candidates:  # usually none: then the excluded words' lists are never read
            # From the candidates (a tag's thousands of papers at most), each checked: with
            # `p.id IN (candidates)` SQLite walked all papers in id order for the ORDER BY.
            every_where, every_params = paper_checks(every_other, hide_archived)
            checked, papers_join = checked_at(every_where, "cand.id")
            pseek = "" if after is None else f" AND cand.id {later} ?"
            more = conn.execute(
                f"SELECT cand.id FROM (SELECT value AS id FROM json_each(?)) cand{papers_join}"
                f" WHERE {checked}{pseek} ORDER BY cand.id {direction} LIMIT ?",
                [json.dumps(candidates), *every_params, *seek_params, limit],
            ).fetchall()
            ids = sorted({*ids, *(r[0] for r in more)}, reverse=descending)[:limit]
    return ids


def _filter_driven(
    conn: sqlite3.Connection, main: str, others: list[Node], hide_archived: bool,
    user_excluded: list[str], direction: str, later: str, after: int | None, limit: int,
) -> list[int] | None:
    """The page walked through the papers of one of the query's filters, in id order (a
    tag's papers come that way from the tag index), each checked against the text's
    matches (read once) and the other conditions: `agents tag:llm is:unread` at 1M papers
    checks the 6,667 papers tagged llm instead of walking 111,000 papers with the word.
    None when no filter can lead (then the planner answers)."""
    for index, node in enumerate(others):
        led = filter_papers(node)
        if led is None:
            continue
        source, source_params = led
        where, params = paper_checks(others[:index] + others[index + 1:], hide_archived, user_excluded)
        where, papers_join = checked_at(where, "drv.id")
        seek = "" if after is None else f" AND drv.id {later} ?"
        sql = (
            f"SELECT drv.id FROM ({source}) drv{papers_join}"
            f" WHERE +drv.id IN ({MAIN_SELECT}) AND {where}{seek} ORDER BY drv.id {direction} LIMIT ?"
        )
        conn.set_progress_handler(None, 0)  # bounded by the filter's papers: no budget
        return [r[0] for r in conn.execute(
            sql, [*source_params, main, *params, *([] if after is None else [after]), limit])]
    return None


def ids_up_to(
    conn: sqlite3.Connection, node: Node | None, descending: bool, paper_id: int, limit: int,
    hide_archived: bool,
) -> list[int] | None:
    """The list's ids from its top down to `paper_id` included, when the paper matches and
    is among the first `limit`; [] when it is not; None when this way does not suit (the
    caller reads the first `limit` ids instead). Costs the papers above it, not `limit`:
    a paper near the top of a new search is found at once."""
    # The matches just below-or-at the paper in list order: is it one of them?
    at = streamed_ids(conn, node, descending, 1, paper_id + (1 if descending else -1), hide_archived)
    if at is None:
        return None
    if at != [paper_id]:
        return []
    # The matches above it, nearest first: more than `limit - 1` and it is too far down.
    above = streamed_ids(conn, node, not descending, limit, paper_id, hide_archived)
    if above is None:
        return None
    if len(above) >= limit:
        return []
    return [*reversed(above), paper_id]

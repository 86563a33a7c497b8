"""The floor of each search: hand-written SQL on the library's own file, for the app to be held to.

What the paper list needs for a query is its count, the first page in the list's default
order (newest added first, the id breaking ties) and those papers' rows: the columns
reader.store.papers.rows_by_ids reads, and their tags. FLOOR_SQL says, for each query of
bench.mix.QUERIES, how someone who knows the schema (reader/store/migrations.py) and the
bench's data would ask SQLite for that; floor_search() runs it. bench.measure times the
app's search path against it on the same file in the same minutes (search_to_floor_ratio)
and checks that both find the same count and the same first page.

The floor may know what the app must not assume: the bench writes no notes, and its tags
are bench.measure.TAGS, so only a word that is one of those tags (`agents`) needs the
notes-and-tags index (papers_user_fts); every other word is looked up in papers_fts alone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bench.mix import QUERIES, RARE_WORD

PAGE = 200
MAIN = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?"
USER = "SELECT rowid FROM papers_user_fts WHERE papers_user_fts MATCH ?"
READ = "SELECT paper_id FROM paper_state WHERE read = 1"
ROWS_SQL = (
    "SELECT p.id, p.title, p.first_author, json_array_length(p.authors), p.published, p.seen,"
    " p.arxiv_id, p.added, s.rating, s.read, s.note IS NOT NULL"
    " FROM papers p LEFT JOIN paper_state s ON s.paper_id = p.id"
    f" WHERE {{where}} ORDER BY p.added DESC, p.id DESC LIMIT {PAGE}"
)
# Two ways to find the first page, as a hand-writer picks by knowing the data: let SQLite
# look the matches up and sort them, or walk the `added` index from the newest paper and
# check each (a `+` keeps a condition from leading). The floor is the faster of the two.
PLANS = {"lookup": "", "walk": "+"}


@dataclass(frozen=True)
class Floor:
    """A query's count (a SELECT of one number) and its matches as a condition on `papers p`,
    with `{lead}` before each condition SQLite could use to find papers."""

    count: str
    count_params: tuple
    where: str
    params: tuple


def _text(expression: str) -> Floor:
    """Words in titles, authors and abstracts: counted in the index alone."""
    return Floor("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (expression,),
                 f"{{lead}}p.id IN ({MAIN})", (expression,))


def _state(condition: str) -> Floor:
    """A condition on paper_state (at most one row per paper): counted there alone."""
    return Floor(f"SELECT count(*) FROM paper_state WHERE {condition}", (),
                 f"{{lead}}p.id IN (SELECT paper_id FROM paper_state WHERE {condition})", ())


FLOOR_SQL: dict[str, Floor] = {
    "language models": _text("language AND models*"),
    "diffusion video": _text("diffusion AND video*"),
    '"reinforcement learning"': _text('"reinforcement learning"'),
    "tag:toread": Floor(
        "SELECT count(*) FROM paper_tags WHERE tag = ?", ("toread",),
        "{lead}p.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)", ("toread",)),
    "is:unread": Floor(
        f"SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM ({READ}))", (),
        f"p.id NOT IN ({READ})", ()),
    "rating:>=4": _state("rating >= 4"),
    # `agents` is also a tag, so it is looked up in both indexes; the few papers tagged llm lead.
    "agents tag:llm is:unread": Floor(
        f"SELECT count(*) FROM paper_tags t WHERE t.tag = ? AND (t.paper_id IN ({MAIN})"
        f" OR t.paper_id IN ({USER})) AND t.paper_id NOT IN ({READ})", ("llm", "agents", "agents"),
        f"{{lead}}p.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)"
        f" AND ({{lead}}p.id IN ({MAIN}) OR {{lead}}p.id IN ({USER})) AND p.id NOT IN ({READ})",
        ("llm", "agents", "agents")),
    "author:wang": _text("authors : wang"),
    "benchmark": _text("benchmark*"),
    '"large language" rating:>=3': Floor(
        f"SELECT count(*) FROM paper_state WHERE rating >= 3 AND paper_id IN ({MAIN})",
        ('"large language"',),
        f"{{lead}}p.id IN ({MAIN})"
        " AND {lead}p.id IN (SELECT paper_id FROM paper_state WHERE rating >= 3)",
        ('"large language"',)),
    "zeroshot": _text("zeroshot*"),
    "diffusion OR retrieval": _text("diffusion OR retrieval*"),
    "learning -diffusion": _text("learning NOT diffusion*"),
    "trans": _text("trans*"),
    "transformer": _text("transformer*"),
    "seen:>=2": Floor("SELECT count(*) FROM papers WHERE seen >= 2", (),
                      "{lead}p.seen >= 2", ()),
    RARE_WORD: _text(f"{RARE_WORD}*"),
}
assert set(FLOOR_SQL) == set(QUERIES), "every query of the mix has its floor"


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection to the library file, as the hand-written SQL would open it; with
    the app's durability (a commit in WAL mode without an fsync), so writes compare fairly."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def floor_search(conn: sqlite3.Connection, query: str, plan: str = "lookup") -> tuple[int, list, list]:
    """(count, rows of the first page, (paper id, tag) of those papers) for the query."""
    floor = FLOOR_SQL[query]
    total = conn.execute(floor.count, floor.count_params).fetchone()[0]
    if not total:  # nothing matches: no page to look for
        return 0, [], []
    where = floor.where.format(lead=PLANS[plan])
    rows = conn.execute(ROWS_SQL.format(where=where), floor.params).fetchall()
    ids = [row[0] for row in rows]
    tags = conn.execute(
        f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({', '.join('?' * len(ids))})"
        " ORDER BY tag", ids).fetchall()
    return total, rows, tags

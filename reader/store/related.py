"""Related papers: the papers most similar to one, by bm25 over its distinctive words."""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from reader.store.errors import UnknownPaper
from reader.store.query import fts_phrase

STOPWORDS = frozenset("""
    about above after again against all also among and any are based because been before being
    between both but can could did does doing down during each few for from further had has have
    having her here hers him his how into its itself just more most new not now off once only
    other our ours out over own paper propose proposed same she should show some such than that
    the their theirs them then there these they this those through too under until use used
    using very via was were what when where which while who whom why will with would you your
""".split())


# A word in more papers than this (or than a tenth of the library) is too common to relate
# papers by. Counting a word's papers stops there, and the bm25 query ORs at most MAX_TERMS
# such words: it scores at most MAX_TERMS * DF_CAP papers, whatever the library's size.
DF_CAP = 1000
MAX_TERMS = 16
CANDIDATE_ABSTRACT_WORDS = 40
MATCHED_COLUMNS = "{title abstract}"


class TermStats:
    """Document frequencies of words in titles and abstracts (capped at DF_CAP + 1),
    remembered per library and refreshed when papers are added (an import): statistics
    that drift a little when a few papers are deleted, until the next import."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._version: int | None = None

    def frequencies(self, conn: sqlite3.Connection, words: list[str]) -> dict[str, int]:
        # New papers get new ids: the largest id moves on every import (O(1) to read).
        version = conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        if version != self._version:
            self._counts, self._version = {}, version
        for word in words:
            if word not in self._counts:
                self._counts[word] = document_frequency(conn, word)
        return {word: self._counts[word] for word in words}


def document_frequency(conn: sqlite3.Connection, word: str) -> int:
    """How many papers have `word` in their title or abstract, counted up to DF_CAP + 1:
    the walk through the word's postings stops there (a common word's list is long)."""
    return conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)",
        (f"{MATCHED_COLUMNS} : {fts_phrase(word)}", DF_CAP + 1),
    ).fetchone()[0]


def related_ids(
    conn: sqlite3.Connection, paper_id: int, library_size: int, limit: int = 10,
    stats: TermStats | None = None,
) -> list[int]:
    """Ids of the papers most similar to this one by bm25 over its distinctive
    title and abstract words (words that are rare in the library score most);
    `library_size` is the number of papers a query sees (what makes a word common);
    `stats` remembers document frequencies between calls."""
    row = conn.execute("SELECT title, abstract FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None:
        raise UnknownPaper(paper_id)
    terms = _distinctive_terms(
        conn, _fts_words(row[0]), _fts_words(row[1] or ""), library_size, stats or TermStats()
    )
    if not terms:
        return []
    match = f"{MATCHED_COLUMNS} : (" + " OR ".join(fts_phrase(t) for t in terms) + ")"
    return [
        r[0] for r in conn.execute(
            "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? AND rowid != ?"
            " AND rowid NOT IN (SELECT paper_id FROM paper_state WHERE archived = 1)"
            " ORDER BY bm25(papers_fts, 4.0, 1.0, 1.0) LIMIT ?",
            (match, paper_id, limit),
        )
    ]


def _distinctive_terms(
    conn: sqlite3.Connection, title_words: list[str], abstract_words: list[str],
    library_size: int, stats: TermStats, wanted: int = MAX_TERMS,
) -> list[str]:
    """The paper's words that say what it is about: shared with some other papers but
    not common in the library; title words count as four times rarer.

    The rarest words alone are often incidental (a name, a number spelled out) and
    pick papers that share one odd word; a dozen or so topical words let bm25 rank
    the papers that share many of them, a near-duplicate first."""
    def candidates(words: list[str]) -> list[str]:
        return [w for w in dict.fromkeys(words)
                if len(w) > 2 and not w.isdigit() and w not in STOPWORDS]

    # The title words and the longest abstract words (long words are rarely common).
    title = candidates(title_words)
    words = title + sorted(
        set(candidates(abstract_words)) - set(title), key=lambda w: (-len(w), w)
    )[:CANDIDATE_ABSTRACT_WORDS]
    common = min(DF_CAP, max(3, library_size // 10))
    scored = []
    for word, found in stats.frequencies(conn, words).items():
        if 1 < found <= common:
            scored.append((found / 4 if word in title else found, word))
    return [word for _, word in sorted(scored)[:wanted]]


def _fts_words(text: str) -> list[str]:
    """Words roughly as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes them."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", stripped)


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


def related_ids(conn: sqlite3.Connection, paper_id: int, library_size: int, limit: int = 10) -> list[int]:
    """Ids of the papers most similar to this one by bm25 over its distinctive
    title and abstract words (words that are rare in the library score most);
    `library_size` is the number of papers a query sees (what makes a word common)."""
    row = conn.execute("SELECT title, abstract FROM papers WHERE id = ?", (paper_id,)).fetchone()
    if row is None:
        raise UnknownPaper(paper_id)
    terms = _distinctive_terms(conn, _fts_words(row[0]), _fts_words(row[1] or ""), library_size)
    if not terms:
        return []
    match = "{title abstract} : (" + " OR ".join(fts_phrase(t) for t in terms) + ")"
    return [
        r[0] for r in conn.execute(
            "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? AND rowid != ?"
            " AND rowid NOT IN (SELECT paper_id FROM paper_state WHERE archived = 1)"
            " ORDER BY bm25(papers_fts, 4.0, 1.0, 1.0, 0.0, 0.0) LIMIT ?",
            (match, paper_id, limit),
        )
    ]


def _distinctive_terms(
    conn: sqlite3.Connection, title_words: list[str], abstract_words: list[str],
    library_size: int, wanted: int = 24,
) -> list[str]:
    """The paper's words that say what it is about: shared with some other papers but
    not common in the library; title words count as four times rarer.

    The rarest words alone are often incidental (a name, a number spelled out) and
    pick papers that share one odd word; a couple dozen topical words let bm25 rank
    the papers that share many of them, a near-duplicate first."""
    def candidates(words: list[str]) -> list[str]:
        return [w for w in dict.fromkeys(words)
                if len(w) > 2 and not w.isdigit() and w not in STOPWORDS]

    # Each document-frequency lookup reads the word's whole posting list, so look up
    # the title words and only the longest abstract words (long words are rarely common).
    title = candidates(title_words)
    words = title + sorted(
        set(candidates(abstract_words)) - set(title), key=len, reverse=True
    )[:40]
    common = max(3, library_size // 10)
    scored = []
    for word in words:
        found = conn.execute(
            "SELECT doc FROM papers_fts_vocab WHERE term = ?", (word,)
        ).fetchone()
        if found and 1 < found[0] <= common:
            scored.append((found[0] / 4 if word in title else found[0], word))
    return [word for _, word in sorted(scored)[:wanted]]


def _fts_words(text: str) -> list[str]:
    """Words roughly as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes them."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", stripped)


"""The library schema as numbered migrations, applied in order, recorded in PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

# Authors live as a JSON list in papers.authors; FTS indexes them as one "; "-joined string.
_AUTHORS_TEXT = "(SELECT group_concat(value, '; ') FROM json_each({row}.authors))"
_TAGS_TEXT = "(SELECT group_concat(tag, ' ') FROM paper_tags WHERE paper_id = {row}.paper_id)"

# The seen count's triggers: made with the schema, and again when migration 9 rebuilds sightings.
SEEN_TRIGGERS = """CREATE TRIGGER sightings_seen_insert AFTER INSERT ON sightings BEGIN
    UPDATE papers SET seen = seen + 1 WHERE id = new.paper_id;
END;
CREATE TRIGGER sightings_seen_delete AFTER DELETE ON sightings BEGIN
    UPDATE papers SET seen = seen - 1 WHERE id = old.paper_id;
END;
"""
SCHEMA_V1 = f"""
CREATE TABLE papers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    arxiv_id TEXT,
    doi TEXT COLLATE NOCASE,
    title TEXT NOT NULL,
    title_key TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    first_author TEXT COLLATE NOCASE,
    abstract TEXT,
    translation TEXT,
    published TEXT,
    abs_url TEXT,
    pdf_url TEXT,
    code_url TEXT,
    homepage_url TEXT,
    added TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX papers_arxiv_id ON papers(arxiv_id);
CREATE INDEX papers_doi ON papers(doi);
CREATE INDEX papers_title_key ON papers(title_key);
CREATE INDEX papers_added ON papers(added);
CREATE INDEX papers_published ON papers(published);
CREATE INDEX papers_first_author ON papers(first_author);
CREATE INDEX papers_seen ON papers(seen);

CREATE TABLE digests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT,
    format TEXT,
    date TEXT,
    status TEXT NOT NULL CHECK (status IN ('imported', 'failed')),
    error TEXT,
    entries INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    merged INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);
CREATE INDEX digests_sha256 ON digests(sha256);

CREATE TABLE sightings (
    digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    score REAL,
    subscores TEXT,
    headline TEXT,
    summary TEXT,
    detail TEXT,
    topic TEXT,
    PRIMARY KEY (digest_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX sightings_paper ON sightings(paper_id);

-- User state: the importer never writes these two tables.
CREATE TABLE paper_state (
    paper_id INTEGER PRIMARY KEY REFERENCES papers(id),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    note TEXT,
    read INTEGER NOT NULL DEFAULT 0,
    read_at TEXT
);
CREATE INDEX paper_state_rating ON paper_state(rating);
CREATE INDEX paper_state_read ON paper_state(read);

CREATE TABLE paper_tags (
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX paper_tags_tag ON paper_tags(tag, paper_id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- A regular (not external-content) FTS5 table: it can be updated column by column from
-- triggers on three tables, and the prefix indexes keep "word*" queries fast.
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, authors, abstract, note, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, row);

CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts(rowid, title, authors, abstract)
    VALUES (new.id, new.title, {_AUTHORS_TEXT.format(row="new")}, new.abstract);
END;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, authors, abstract ON papers BEGIN
    UPDATE papers_fts SET title = new.title,
        authors = {_AUTHORS_TEXT.format(row="new")}, abstract = new.abstract
    WHERE rowid = new.id;
END;
CREATE TRIGGER paper_state_fts_insert AFTER INSERT ON paper_state BEGIN
    UPDATE papers_fts SET note = new.note WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_state_fts_update AFTER UPDATE OF note ON paper_state BEGIN
    UPDATE papers_fts SET note = new.note WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_state_fts_delete AFTER DELETE ON paper_state BEGIN
    UPDATE papers_fts SET note = NULL WHERE rowid = old.paper_id;
END;
CREATE TRIGGER paper_tags_fts_insert AFTER INSERT ON paper_tags BEGIN
    UPDATE papers_fts SET tags = {_TAGS_TEXT.format(row="new")} WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_tags_fts_delete AFTER DELETE ON paper_tags BEGIN
    UPDATE papers_fts SET tags = {_TAGS_TEXT.format(row="old")} WHERE rowid = old.paper_id;
END;

-- papers.seen = number of digests with a sighting of the paper (one sighting per digest).
{SEEN_TRIGGERS}"""


def _v1_initial_schema(conn: sqlite3.Connection) -> None:
    # Statement by statement, because executescript() would commit the migration's transaction.
    for statement in _statements(SCHEMA_V1):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script on complete statements (triggers contain ';' inside BEGIN...END)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def _v2_saved_searches(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE saved_searches ("
        " name TEXT PRIMARY KEY COLLATE NOCASE,"
        " query TEXT NOT NULL,"
        " created TEXT NOT NULL)"
    )


# v3: cheaper writes. The importer writes a new paper's FTS row itself with executemany
# (store_digest), much faster than a per-row trigger; a merge rewrites the FTS row only when
# the title, authors or abstract changed (not for a filled-in link). User state touches the
# FTS row only when the note really changes: a read mark or a rating used to rewrite the
# whole FTS row (abstract included) through the paper_state insert trigger.
SCHEMA_V3 = f"""
DROP TRIGGER papers_fts_insert;
DROP TRIGGER papers_fts_update;
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, authors, abstract ON papers
WHEN new.title IS NOT old.title OR new.authors IS NOT old.authors
    OR new.abstract IS NOT old.abstract BEGIN
    UPDATE papers_fts SET title = new.title,
        authors = {_AUTHORS_TEXT.format(row="new")}, abstract = new.abstract
    WHERE rowid = new.id;
END;
DROP TRIGGER paper_state_fts_insert;
DROP TRIGGER paper_state_fts_update;
DROP TRIGGER paper_state_fts_delete;
CREATE TRIGGER paper_state_fts_insert AFTER INSERT ON paper_state
WHEN new.note IS NOT NULL BEGIN
    UPDATE papers_fts SET note = new.note WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_state_fts_update AFTER UPDATE OF note ON paper_state
WHEN new.note IS NOT old.note BEGIN
    UPDATE papers_fts SET note = new.note WHERE rowid = new.paper_id;
END;
CREATE TRIGGER paper_state_fts_delete AFTER DELETE ON paper_state
WHEN old.note IS NOT NULL BEGIN
    UPDATE papers_fts SET note = NULL WHERE rowid = old.paper_id;
END;
"""


def _v3_cheaper_fts_writes(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V3):
        conn.execute(statement)


# v4: archiving. A user-state flag, so it lives in paper_state (the importer never writes
# there); the partial index keeps "is any paper archived?" and the default exclusion cheap
# when, as usual, few papers are.
def _v4_archived(conn: sqlite3.Connection) -> None:
    utils_database(conn)["paper_state"].add_column("archived", int, not_null_default=0)
    # sqlite-utils makes no partial index; the WHERE is the point of this one.
    conn.execute(
        "CREATE INDEX paper_state_archived ON paper_state(paper_id) WHERE archived = 1"
    )


# v5: a paper's date for year: and the published sort: its publication date, else the
# year and month of its arXiv id (query.PAPER_DATE is the same expression).
def _v5_paper_date(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE INDEX papers_date ON papers(coalesce(published,"
        " CASE WHEN arxiv_id GLOB '[0-9][0-9][0-9][0-9].*'"
        " THEN '20' || substr(arxiv_id, 1, 2) || '-' || substr(arxiv_id, 3, 2) END))"
    )


def utils_database(conn: sqlite3.Connection) -> Any:
    """The connection as a sqlite_utils.Database, for schema steps it can express: it runs
    its statements on this connection, inside the migration's transaction. Imported here,
    not at the top: sqlite-utils loads numpy, which an up-to-date library never needs."""
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


# MIGRATIONS[n] upgrades a library from schema version n to n + 1. Append only; never change
# what a released migration does to a library (v4 now goes through sqlite-utils, which
# issues the same ALTER TABLE). Steps 1, 2, 3 and 5 stay SQL: sqlite-utils cannot express
# FTS5 tables, triggers, WITHOUT ROWID, per-column collations or expression indexes. A new
# step uses sqlite-utils where it can: create(), add_column(), create_index(), transform().
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_initial_schema,
    _v2_saved_searches,
    _v3_cheaper_fts_writes,
    _v4_archived,
    _v5_paper_date,
]


def latest_version() -> int:
    return len(MIGRATIONS)


# v7: citations (issue 14). A paper's citation key, made once and kept when its fields
# change (a LaTeX document cites it by that key), unique without regard to case (biber warns
# about keys differing in case only); and `bib`, a JSON object of the bibliographic fields a
# .bib, RIS or Zotero record carries that digests do not (journal, pages, file links...).
# Columns on papers, not a side table: delete_papers/restore_papers copy whole paper rows,
# so undoing a delete brings the key back.
def _v7_citations(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE papers ADD COLUMN citation_key TEXT COLLATE NOCASE")
    conn.execute("ALTER TABLE papers ADD COLUMN bib TEXT")
    conn.execute("CREATE UNIQUE INDEX papers_citation_key ON papers(citation_key)")
    from reader.store.citations import assign_missing_keys  # loads reader.exchange: only here

    assign_missing_keys(conn)


MIGRATIONS.append(_v7_citations)  # v7: follows v6 (issue 13); keep later steps after it


# v6: enrichment (issue 13). What arXiv adds to a paper (version, last update, categories,
# journal reference) as columns, so delete/restore and merge undo copy them with the row;
# a cache of API answers (nothing is asked twice); each paper's enrichment status (an
# unresolved paper keeps its reason and is tried again by a later run); and a log of the
# papers merged because they resolved to one id, with the rows undo and redo need.
def _v6_enrichment(conn: sqlite3.Connection) -> None:
    papers = utils_database(conn)["papers"]
    for column, kind in (("version", int), ("updated", str), ("primary_category", str),
                         ("categories", str), ("journal_ref", str)):
        papers.add_column(column, kind)
    conn.execute(
        "CREATE TABLE enrich_cache (key TEXT PRIMARY KEY, value TEXT, fetched_at TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE enrich_status ("
        " paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,"
        " status TEXT NOT NULL CHECK (status IN ('done', 'unresolved')),"
        " reason TEXT, source TEXT, tried_at TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE merge_log (id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " survivor_id INTEGER NOT NULL, absorbed_id INTEGER NOT NULL, reason TEXT,"
        " merged_at TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, undone_at TEXT)"
    )


# Number 6 whatever order the steps were appended to this file in (v7 and later append).
MIGRATIONS.insert(5, _v6_enrichment)


# v8: a lean full-text index (issue 15). papers_fts kept a second copy of every title,
# author list and abstract; it becomes an external-content table over `papers` itself (the
# index only: the text stays in `papers`). It indexes the authors' JSON list as stored
# (the same words as the "; "-joined names: brackets, quotes and commas separate words; a
# view joining them cannot be the content, as FTS5 reads it without table-valued functions).
# Notes and tags move to a small table of their own, papers_user_fts, so tagging a paper or
# editing its note no longer rewrites the index entries of its title and abstract;
# reader.store.fulltext searches both tables as one: a word or phrase matches when it is in
# either, as it did in the one table. External content means papers_fts reads a paper's
# text from `papers` to remove it: a changed paper is removed with its old text ('delete')
# before its new text goes in, deleting a paper removes its FTS row while its `papers` row
# still holds that text, and a new paper's row is made from its stored row (merge.index_papers).
# A paper's row in papers_user_fts, made again from paper_state and paper_tags: only a
# paper with a note or a tag has one.
_USER_ROW = """
    DELETE FROM papers_user_fts WHERE rowid = {row}.paper_id;
    INSERT INTO papers_user_fts (rowid, note, tags)
    SELECT paper_id, note, tags FROM (SELECT {row}.paper_id AS paper_id,
        (SELECT note FROM paper_state WHERE paper_id = {row}.paper_id) AS note,
        (SELECT group_concat(tag, ' ') FROM paper_tags WHERE paper_id = {row}.paper_id) AS tags)
    WHERE note IS NOT NULL OR tags IS NOT NULL;
"""
SCHEMA_V8 = f"""
DROP TRIGGER papers_fts_update;
DROP TRIGGER paper_state_fts_insert;
DROP TRIGGER paper_state_fts_update;
DROP TRIGGER paper_state_fts_delete;
DROP TRIGGER paper_tags_fts_insert;
DROP TRIGGER paper_tags_fts_delete;
DROP TABLE papers_fts_vocab;
DROP TABLE papers_fts;
CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, authors, abstract,
    content = 'papers', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, row);
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, authors, abstract ON papers
WHEN new.title IS NOT old.title OR new.authors IS NOT old.authors
    OR new.abstract IS NOT old.abstract BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, authors, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.abstract);
    INSERT INTO papers_fts (rowid, title, authors, abstract)
    VALUES (new.id, new.title, new.authors, new.abstract);
END;
CREATE VIRTUAL TABLE papers_user_fts USING fts5(
    note, tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);
INSERT INTO papers_user_fts (rowid, note, tags)
SELECT id, note, tags FROM (SELECT p.id,
    (SELECT note FROM paper_state WHERE paper_id = p.id) AS note,
    (SELECT group_concat(tag, ' ') FROM paper_tags WHERE paper_id = p.id) AS tags FROM papers p)
WHERE note IS NOT NULL OR tags IS NOT NULL;
CREATE TRIGGER paper_state_fts_insert AFTER INSERT ON paper_state
WHEN new.note IS NOT NULL BEGIN {_USER_ROW.format(row="new")}END;
CREATE TRIGGER paper_state_fts_update AFTER UPDATE OF note ON paper_state
WHEN new.note IS NOT old.note BEGIN {_USER_ROW.format(row="new")}END;
CREATE TRIGGER paper_state_fts_delete AFTER DELETE ON paper_state
WHEN old.note IS NOT NULL BEGIN {_USER_ROW.format(row="old")}END;
CREATE TRIGGER paper_tags_fts_insert AFTER INSERT ON paper_tags BEGIN {_USER_ROW.format(row="new")}END;
CREATE TRIGGER paper_tags_fts_delete AFTER DELETE ON paper_tags BEGIN {_USER_ROW.format(row="old")}END;
"""


def _v8_lean_fts(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V8):
        conn.execute(statement)


MIGRATIONS.append(_v8_lean_fts)  # v8: after v6 and v7 whatever order they were added in
# Schema versions after which the library file is compacted (VACUUM) once migrated.
COMPACT_AFTER = {MIGRATIONS.index(_v8_lean_fts) + 1}


# v9: sightings become a rowid table (issue 15, a lean file). As a WITHOUT ROWID table keyed
# on (digest_id, paper_id), each digest's sightings went in at scattered places of the key
# order and a row of summaries is too wide for that layout: pages stayed half empty (63 MB
# for 21 MB of sighting text at 100k). A rowid table appends them, one digest after
# another; the unique index keeps "one sighting per digest and paper" and the lookups.
SCHEMA_V9 = f"""
CREATE TABLE sightings_v9 (
    id INTEGER PRIMARY KEY,
    digest_id INTEGER NOT NULL REFERENCES digests(id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers(id),
    position INTEGER NOT NULL,
    score REAL,
    subscores TEXT,
    headline TEXT,
    summary TEXT,
    detail TEXT,
    topic TEXT
);
INSERT INTO sightings_v9 (digest_id, paper_id, position, score, subscores, headline, summary,
    detail, topic)
SELECT digest_id, paper_id, position, score, subscores, headline, summary, detail, topic
FROM sightings ORDER BY digest_id, position, paper_id;
DROP TABLE sightings;
ALTER TABLE sightings_v9 RENAME TO sightings;
CREATE UNIQUE INDEX sightings_digest_paper ON sightings(digest_id, paper_id);
CREATE INDEX sightings_paper ON sightings(paper_id);
{SEEN_TRIGGERS}"""


def _v9_sightings_rowid(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V9):
        conn.execute(statement)


MIGRATIONS.append(_v9_sightings_rowid)


# v10: whether the order papers came in (their ids) is still the order of their `added`
# stamps, kept in settings as ADDED_FOLLOWS_ID. While it holds, the list's default order
# ("date added") is the full-text index's own rowid order, and a search's first page is
# read straight from it, stopping after one page (reader.store.streamed). A paper stored
# with an earlier stamp than one before it (a backup restored into a fuller library, a
# clock set back) or a merge that gives a paper an earlier stamp ends it for good.
ADDED_FOLLOWS_ID = "added_follows_id"
SCHEMA_V10 = f"""
INSERT OR REPLACE INTO settings (key, value)
SELECT '{ADDED_FOLLOWS_ID}', CASE WHEN EXISTS (
    SELECT 1 FROM (SELECT added, max(added) OVER (ORDER BY id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM papers)
    WHERE added < before) THEN '0' ELSE '1' END;
CREATE TRIGGER papers_added_order_insert AFTER INSERT ON papers
WHEN new.added < (SELECT added FROM papers WHERE id < new.id ORDER BY added DESC LIMIT 1)
    OR new.id < (SELECT max(id) FROM papers) BEGIN
    INSERT OR REPLACE INTO settings (key, value) VALUES ('{ADDED_FOLLOWS_ID}', '0');
END;
CREATE TRIGGER papers_added_order_update AFTER UPDATE OF added ON papers
WHEN new.added IS NOT old.added BEGIN
    INSERT OR REPLACE INTO settings (key, value) VALUES ('{ADDED_FOLLOWS_ID}', '0');
END;
"""


def _v10_added_order(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V10):
        conn.execute(statement)


MIGRATIONS.append(_v10_added_order)


# v11: citation keys made from "et al.". Until names.strip_et_al, the key maker read a digest's
# "Yuwei Guo et al." as a person whose last name is "al.", so such papers were keyed
# al2023animatediff; keys are never remade, so libraries keyed then kept them. This step
# remakes exactly those keys with today's key maker (its clash suffixes included) and leaves
# every other key alone; the backup made before migrating keeps the old ones.
def _v11_et_al_keys(conn: sqlite3.Connection) -> None:
    from reader.store.citations import rekey_et_al  # loads reader.exchange: only here

    rekey_et_al(conn)


MIGRATIONS.append(_v11_et_al_keys)


# v12: the words of the full-text index, in a table of their own (issue 15). A typed search's
# last word is a prefix ("trans" finds "transformer"); FTS5 answers `trans*` by merging the
# whole postings lists of every word that starts so before it hands out one row (30-40 ms
# for a common word at 1M papers), while `(transfer OR transformer OR ...)` is read lazily
# and stops after a page (1-4 ms). fts_terms lists the words, so a first page can spell the
# prefix out (reader.store.terms). Triggers note every paper whose indexed text is new or
# changed in fts_terms_pending; the transaction that wrote it adds their words before it
# commits (terms.add_pending). Words of deleted papers stay: a word that matches nothing
# costs nothing, a missing one would lose matches, so the list is only ever a superset.
SCHEMA_V12 = """
CREATE TABLE fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO fts_terms (term) SELECT term FROM papers_fts_vocab;
CREATE TABLE fts_terms_pending (paper_id INTEGER PRIMARY KEY);
CREATE TRIGGER papers_terms_insert AFTER INSERT ON papers BEGIN
    INSERT OR IGNORE INTO fts_terms_pending (paper_id) VALUES (new.id);
END;
CREATE TRIGGER papers_terms_update AFTER UPDATE OF title, authors, abstract ON papers
WHEN new.title IS NOT old.title OR new.authors IS NOT old.authors
    OR new.abstract IS NOT old.abstract BEGIN
    INSERT OR IGNORE INTO fts_terms_pending (paper_id) VALUES (new.id);
END;
"""


def _v12_fts_terms(conn: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA_V12):
        conn.execute(statement)


MIGRATIONS.append(_v12_fts_terms)
TERMS_VERSION = MIGRATIONS.index(_v12_fts_terms) + 1  # from here on, commits keep fts_terms

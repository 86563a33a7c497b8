"""The Library facade: one folder's SQLite file of papers, digests, sightings and user state."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.models import Digest, ParsedDigest
from reader.store import backup, citations, digests, papers, saved, state
from reader.store.date_walk import date_walk_ids, date_walk_up_to
from reader.store.db import MAX_INTEGER, Database
from reader.store.errors import UnknownPaper
from reader.store.planner import Planner, check_sort
from reader.store.query import CompiledQuery
from reader.store.streamed import ids_up_to as streamed_ids_up_to
from reader.store.streamed import added_follows_id, streamed_ids
from reader.store.search import Search
from reader.store.records import (
    DeletedPapers, DigestRecord, PaperDetail, PaperRow, UserState,
)
from reader.store.related import TermStats, related_ids

if TYPE_CHECKING:
    from reader.store.enrichment import EnrichmentStore

Query = Search | str  # text is parsed once, where it enters the library


class Library:
    """A library folder's SQLite database. Use one instance per thread, one thread at a time.

    Every read that takes a query accepts a Search (parsed once where the user typed it)
    or text, parsed here; QueryError says what is wrong with the text."""

    def __init__(
        self, folder: str | os.PathLike | None = None, *, read_only: bool | None = None
    ) -> None:
        """Open (or create) the library; read_only=None opens it read-only when the file
        or its folder cannot be written (a library on read-only media can still be read)."""
        if folder is None:
            from reader.config import default_library_dir

            folder = default_library_dir()
        self._db = Database(Path(folder).expanduser(), read_only)
        self.planner = Planner(self._db.conn)
        self.term_stats = TermStats()  # related(): document frequencies, kept between calls

    # ------------------------------------------------------------ connection

    @property
    def conn(self) -> sqlite3.Connection:
        return self._db.conn

    @property
    def folder(self) -> Path:
        return self._db.folder

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def read_only(self) -> bool:
        return self._db.read_only

    @property
    def lock_wait(self) -> float:
        """Seconds a write waits for another process's write transaction."""
        return self._db.lock_wait

    @lock_wait.setter
    def lock_wait(self, seconds: float) -> None:
        self._db.lock_wait = seconds

    @property
    def schema_version(self) -> int:
        return self._db.schema_version

    @property
    def db(self) -> Any:
        """The connection as a sqlite_utils.Database (made on first use)."""
        return self._db.utils

    @property
    def enrichment(self) -> "EnrichmentStore":
        """Fetched details applied, merges (undoable), statuses, the answer cache (issue 13)."""
        from reader.store.enrichment import EnrichmentStore  # loads lxml: only when enriching

        return EnrichmentStore(self._db)

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._db.transaction()

    def data_version(self) -> int:
        """Moves when another connection commits: how a view notices outside writes."""
        return self._db.data_version()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------ digests

    def store_digest(self, path: str | os.PathLike, sha256: str, parsed: ParsedDigest) -> Digest:
        """Store a parsed digest in one transaction (see digests.store_digest)."""
        return digests.store_digest(self._db, path, sha256, parsed)

    def record_failure(self, path: str | os.PathLike, sha256: str | None, error: str) -> Digest:
        """Record that `path` could not be imported; sightings of an earlier good import stay."""
        return digests.record_failure(self._db, path, sha256, error)

    def remove_digest(self, path: str | os.PathLike) -> bool:
        """Forget a digest and its sightings (its file is gone). Papers and user state stay."""
        return digests.remove_digest(self._db, path)

    def digest_by_path(self, path: str | os.PathLike) -> Digest | None:
        return digests.digest_by_path(self._db, path)

    def digest_by_sha(self, sha256: str) -> Digest | None:
        return digests.digest_by_sha(self._db, sha256)

    def digests(self) -> list[DigestRecord]:
        """Every recorded digest, oldest first."""
        return digests.digest_records(self._db)

    # ------------------------------------------------------------ searching

    def count(self, query: Query = "") -> int:
        """Number of papers matching `query`. Raises QueryError."""
        return self.planner.count(Search.of(query))

    def ids_up_to(
        self, paper_id: int, query: Query = "", sort: str = "added", descending: bool = True,
        limit: int = 1000, first_page: Sequence[int] = (),
    ) -> list[int]:
        """The sorted ids of `query`'s list from its top down to `paper_id`, when the paper
        is in it among the first `limit`; else []. `first_page`, the list's first ids when
        the caller has them, can spare the lookup. Raises QueryError."""
        search = Search.of(query)
        if paper_id in first_page:  # the list's own top: nothing to read
            first = list(first_page)
            return first[: first.index(paper_id) + 1]
        if sort == "added" and first_page and paper_id not in first_page:
            last = first_page[-1]
            # In id order a match above the page's last paper would be on the page.
            if (paper_id > last if descending else paper_id < last) and added_follows_id(self.conn):
                return []
        if sort == "added":
            found = streamed_ids_up_to(self.conn, search.node, descending, paper_id, limit,
                                       self.planner.hides_archived(search.node))
            if found is not None:
                return found
        if sort == "published":
            found = date_walk_up_to(self.conn, search.node, descending, paper_id, limit,
                                    self.planner.hides_archived(search.node))
            if found is not None:
                return found
        if not self.planner.matches(paper_id, search):
            return []  # one row checked instead of the list's first `limit` read
        ids = self._ids(search, sort, descending, limit)
        return ids[: ids.index(paper_id) + 1] if paper_id in ids else []

    def has_papers(self) -> bool:
        """Whether the library holds any paper (archived ones too); one row read."""
        return self.conn.execute("SELECT EXISTS (SELECT 1 FROM papers)").fetchone()[0] == 1

    def known_count(self, query: Query = "") -> int | None:
        """The count of `query` if it is remembered (cheap), else None. Raises QueryError."""
        return self.planner.known_count(Search.of(query))

    def paper_ids(
        self, query: Query = "", sort: str = "added", descending: bool = True,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the papers matching `query`, sorted (the first `limit`). Raises QueryError."""
        return self._ids(query, sort, descending, limit)

    def rows(
        self, query: Query = "", sort: str = "added", descending: bool = True,
        limit: int = 200, offset: int = 0, after: int | None = None,
    ) -> list[PaperRow]:
        """One page of light rows for a lazy table model; `after` (the last id of the
        previous page) seeks the page on the sort key instead of skipping `offset` rows.
        Raises QueryError."""
        return self.rows_by_ids(self._ids(query, sort, descending, limit, offset, after))

    def list_papers(
        self, query: Query = "", sort: str = "added", limit: int | None = None,
        descending: bool = True,
    ) -> list[PaperDetail]:
        """Matching papers in full, sorted. Raises QueryError."""
        return papers.paper_details(self.conn, self._ids(query, sort, descending, limit))

    def matches(self, paper_id: int, query: Query = "") -> bool:
        """Whether the paper matches `query` (is in its list). Raises QueryError."""
        return self.planner.matches(paper_id, Search.of(query))

    def compiled(self, query: Query) -> CompiledQuery:
        """The SQL this library runs for `query` (for tests and EXPLAIN)."""
        return self.planner.compiled(Search.of(query).node)

    def _ids(
        self, query: Query, sort: str, descending: bool, limit: int | None = None,
        offset: int = 0, after: int | None = None,
    ) -> list[int]:
        check_sort(sort)
        search = Search.of(query)
        if sort == "added" and (offset == 0 or after is not None):
            found = streamed_ids(self.conn, search.node, descending, limit, after,
                                 self.planner.hides_archived(search.node))
            if found is not None:  # a text search read in the index's order: no count
                return found
        if sort == "published" and (offset == 0 or after is not None):
            found = date_walk_ids(self.conn, search.node, descending, limit, after,
                                  self.planner.hides_archived(search.node))
            if found is not None:  # a text search read along the date index: no count
                return found
        # Counted first, always: the count picks the plan, so a page is found the same way
        # whether or not the caller counted (it is remembered until the library changes).
        count = self.planner.count(search)
        return self.planner.ids(search, sort, descending, count, limit, offset, after)

    def rows_by_ids(self, ids: Sequence[int]) -> list[PaperRow]:
        """Rows for these ids, in the given order; unknown ids are left out."""
        return papers.rows_by_ids(self.conn, ids)

    def get_paper(self, paper_id: int) -> PaperDetail:
        """One paper in full, with every sighting. Raises UnknownPaper."""
        if not 0 <= int(paper_id) <= MAX_INTEGER:
            raise UnknownPaper(paper_id)
        found = papers.paper_details(self.conn, [paper_id])
        if not found:
            raise UnknownPaper(paper_id)
        return found[0]

    def related(self, paper_id: int, limit: int = 10) -> list[int]:
        """Ids of the papers most similar to this one (see related.related_ids)."""
        return related_ids(self.conn, paper_id, self.count(), limit, self.term_stats)

    # ------------------------------------------------------------ sidebar

    def sidebar_counts(self) -> dict[str, int]:
        """Counts for the sidebar's fixed entries."""
        return papers.sidebar_counts(self.conn, self.planner.archived_count())

    def tag_counts(self) -> list[tuple[str, int]]:
        """(tag, number of papers) for every tag, sorted by tag, case-insensitively."""
        return papers.tag_counts(self.conn)

    # ------------------------------------------------------------ user state

    def set_rating(self, ids: Iterable[int], rating: int | None) -> None:
        """Rate papers 1-5; 0 or None clears the rating."""
        state.set_rating(self._db, ids, rating)

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        """Mark papers read (stamping when, unless already read) or unread."""
        state.set_read(self._db, ids, read)

    def set_note(self, paper_id: int, text: str | None) -> None:
        """Set a paper's markdown note; empty text removes it."""
        state.set_note(self._db, paper_id, text)

    def add_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        state.add_tags(self._db, ids, tags)

    def remove_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        state.remove_tags(self._db, ids, tags)

    def set_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        """Make `tags` exactly the paper's tags."""
        state.set_tags(self._db, paper_id, tags)

    def user_state(self, ids: Iterable[int]) -> dict[int, UserState]:
        """A snapshot of the user state of these papers (for undo)."""
        return state.user_state(self.conn, ids)

    def restore_user_state(self, states: dict[int, UserState]) -> None:
        """Put back snapshots taken by user_state(), in one transaction."""
        state.restore_user_state(self._db, states)

    def archive_papers(self, ids: Iterable[int], archived: bool = True) -> None:
        """Archive papers (hidden from every list but `is:archived`) or bring them back."""
        state.archive_papers(self._db, ids, archived)

    def delete_papers(self, ids: Iterable[int]) -> DeletedPapers:
        """Delete papers with their sightings and user state; returns what restore_papers()
        needs to put them back (undo)."""
        return state.delete_papers(self._db, ids)

    def restore_papers(self, removed: DeletedPapers) -> None:
        """Put back papers deleted by delete_papers(), with the same ids."""
        state.restore_papers(self._db, removed)

    # ------------------------------------------------------------ saved searches, settings

    def saved_searches(self) -> list[tuple[str, str]]:
        """(name, query) of every saved search, sorted by name, case-insensitively."""
        return saved.saved_searches(self._db)

    def save_search(self, name: str, query: Query) -> None:
        """Save `query` under `name`. Raises QueryError or InvalidValue."""
        saved.save_search(self._db, name, query)

    def rename_saved_search(self, old: str, new: str) -> None:
        saved.rename_saved_search(self._db, old, new)

    def delete_saved_search(self, name: str) -> bool:
        """Forget a saved search; False when there was none of that name."""
        return saved.delete_saved_search(self._db, name)

    def get_setting(self, key: str, default: Any = None) -> Any:
        return saved.get_setting(self._db, key, default)

    def set_setting(self, key: str, value: Any) -> None:
        saved.set_setting(self._db, key, value)

    # ------------------------------------------------------------ citations (issue 14)

    def set_citation_key(self, paper_id: int, key: str) -> str:
        """Give a paper another citation key; InvalidValue when it is unusable or taken."""
        return citations.set_citation_key(self._db, paper_id, key)

    def paper_with_key(self, key: str) -> int | None:
        """The id of the paper cited as `key` (case-insensitively), or None."""
        return citations.paper_with_key(self.conn, key)

    def citation_items(self, ids: Sequence[int]) -> list[Any]:
        """reader.exchange CitationItems for these papers, in this order (exports, copying)."""
        from reader.exchange.records import item_from_paper

        return [item_from_paper(paper) for paper in papers.paper_details(self.conn, list(ids))]

    def restore_backup(self, document: dict) -> backup.Restored:
        """Restore the app's JSON export (see store.backup.restore)."""
        from reader.store.db import now_iso

        return backup.restore(self._db, document, now_iso())

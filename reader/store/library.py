"""The paper library: one SQLite file of papers, digests, sightings and the user's own state."""

from __future__ import annotations

import contextlib
import json
import os
import re
import itertools
import socket
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from reader import migrations
from reader.models import Digest, Entry, Paper, ParsedDigest
from reader.query import (
    PAPER_DATE, CompiledQuery, Filter, Node, Not, QueryError, compile_query, digest_ids_sql,
    digest_scope, fts_phrase, mentions_archived, parse_query, where_clause,
)

__all__ = [
    "DB_NAME", "SORT_KEYS", "Library", "LibraryError", "UnknownPaper", "InvalidValue",
    "QueryError", "PaperRow", "UserState", "DeletedPapers", "title_key", "normalize_path",
]

DB_NAME = "library.sqlite3"
BUSY_TIMEOUT_MS = 5000
LOCK_WAIT_S = 60.0  # a writer's total wait for the write lock, busy timeouts included
BUSY_MESSAGE = "database is locked"  # in LibraryBusy's message: the watcher retries on it
OPEN_MARK = f".{DB_NAME}.open-"  # + host-pid-serial: a library open in that process
BACKUPS_KEPT = 3
DUPLICATE_PREFIX = "same content as"  # the error of a digest that copies another one
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer
BACKUP_RE = re.compile(re.escape(DB_NAME) + r"\.bak-v\d+(-\d{8}-\d{6})?$")
CHUNK = 500  # ids per "IN (...)" list: far below SQLite's variable limit
# Fetching a paper by id costs about as much as stepping over LOOKUP_COST index entries:
# a search fetches its matches by id only when there are few of them, otherwise it walks
# an index and checks each paper against the matches.
LOOKUP_COST = 20
# is:unread and co. are counted as all papers less the few that have the state.
COUNT_COMPLEMENTS = {"unread": "read", "unrated": "rated", "untagged": "tagged"}
# How a condition on the user state alone starts (see query._STATE_IN).
STATE_IN_PREFIX = "p.id IN (SELECT paper_id FROM paper_state WHERE "
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
SIGHTING_SORTS = ("position", "score")
# Sorts on paper_state columns: the condition for a paper to have a value there.
STATE_SORTS = {"rating": "s.rating IS NOT NULL", "read": "s.read = 1"}
FILL_FIELDS = (
    "arxiv_id", "doi", "abstract", "translation", "published",
    "abs_url", "pdf_url", "code_url", "homepage_url",
)
PAPER_COLUMNS = (
    "id", "arxiv_id", "doi", "title", "title_key", "authors", "first_author", *FILL_FIELDS[2:],
    "added",
)
STOPWORDS = frozenset("""
    about above after again against all also among and any are based because been before being
    between both but can could did does doing down during each few for from further had has have
    having her here hers him his how into its itself just more most new not now off once only
    other our ours out over own paper propose proposed same she should show some such than that
    the their theirs them then there these they this those through too under until use used
    using very via was were what when where which while who whom why will with would you your
""".split())
ET_AL_RE = re.compile(r"\bet\.?\s*al\b", re.IGNORECASE)
ARXIV_PREFIX_RE = re.compile(r"^(?:arxiv:)", re.IGNORECASE)
ARXIV_VERSION_RE = re.compile(r"v\d+$")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class LibraryError(Exception):
    """Something the library cannot do; the message is meant for the user."""


class UnknownPaper(LibraryError, KeyError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0])


class LibraryBusy(LibraryError):
    """Another process kept the library locked for writing longer than we waited."""

    def __init__(self, folder: Path, waited: float) -> None:
        super().__init__(
            f"the library at {folder} is busy: another program has been writing to it for"
            f" over {waited:g} s ({BUSY_MESSAGE}); nothing was changed, try again later"
        )


class InvalidValue(LibraryError, ValueError):
    """A value outside what the library accepts (a rating of 7, an unknown sort key)."""


@dataclass
class PaperRow:
    """What the paper table shows for one paper."""

    id: int
    title: str
    first_author: str | None
    authors_count: int
    published: str | None
    rating: int | None
    tags: list[str]
    read: bool
    seen: int
    has_note: bool
    arxiv_id: str | None
    added: str


@dataclass
class UserState:
    """Everything the user set on one paper: what undo restores."""

    rating: int | None = None
    note: str | None = None
    read: bool = False
    read_at: str | None = None
    tags: list[str] = field(default_factory=list)
    archived: bool = False


@dataclass
class DeletedPapers:
    """What delete_papers() removed, rows as they were: restore_papers() puts them back."""

    papers: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    sightings: list[dict] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [paper["id"] for paper in self.papers]


_OPEN_SERIAL = itertools.count(1)


def _copy_database(conn: sqlite3.Connection, target: Path) -> None:
    # The backup API copies a consistent snapshot, WAL content included.
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)
    finally:
        copy.close()


def _digest_status(row: dict) -> str:
    """imported, failed, or duplicate (a copy of a digest already imported)."""
    if row["status"] == "imported" and (row["error"] or "").startswith(DUPLICATE_PREFIX):
        return "duplicate"
    return row["status"]


def _writable(path: Path) -> bool:
    """Whether a library can be written: the file (when it exists) and its folder, which
    must take the -wal and -shm files."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    folder = path if path.is_dir() else path.parent
    return os.access(folder, os.W_OK | os.X_OK)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


def _mark_open(folder: Path) -> Path | None:
    mark = folder / f"{OPEN_MARK}{socket.gethostname()}-{os.getpid()}-{next(_OPEN_SERIAL)}"
    try:
        mark.touch()
    except OSError:
        return None  # without a marker, a crash only costs the check at the next open
    return mark


def _stale_open_marks(folder: Path) -> list[Path]:
    """Markers left by processes of this host that are gone without closing the library."""
    host = socket.gethostname()
    stale = []
    for mark in folder.glob(f"{OPEN_MARK}*"):
        mark_host, _, rest = mark.name[len(OPEN_MARK):].rpartition("-")[0].rpartition("-")
        pid_text = rest
        if mark_host != host or not pid_text.isdigit():
            continue  # another machine's process (a shared folder): cannot tell
        if not _pid_alive(int(pid_text)):
            stale.append(mark)
    return stale


def _pid_alive(pid: int) -> bool:
    from reader.lock import _pid_alive as alive

    return alive(pid)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def title_key(title: str | None) -> str | None:
    """Casefolded title with every run of punctuation and whitespace collapsed to one space."""
    if not title:
        return None
    text = unicodedata.normalize("NFKC", title).casefold()
    words = re.findall(r"[^\W_]+", text)
    return " ".join(words) or None


def normalize_path(path: str | os.PathLike) -> str:
    """The absolute form of a digest path, so one file is one digest whatever the cwd."""
    return str(Path(path).expanduser().absolute())


def stored_path(path: str | os.PathLike) -> str:
    """A digest's path as the library stores it: normalize_path, with the bytes of a file
    name that is not UTF-8 (os.fsdecode's lone surrogates, which SQLite cannot store)
    written as "\\xNN"; the same file always gives the same text."""
    path = normalize_path(path)
    if not _SURROGATE_RE.search(path):
        return path
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


def normalize_arxiv_id(arxiv_id: str | None) -> str | None:
    if not arxiv_id or not arxiv_id.strip():
        return None
    return ARXIV_VERSION_RE.sub("", ARXIV_PREFIX_RE.sub("", arxiv_id.strip()))


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _marks(items: Sequence) -> str:
    return ", ".join("?" * len(items))


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class Library:
    """A library folder's SQLite database. Use one instance per thread, one thread at a time."""

    def __init__(
        self, folder: str | os.PathLike | None = None, *, read_only: bool | None = None
    ) -> None:
        """Open (or create) the library; read_only=None opens it read-only when the file
        or its folder cannot be written (a library on read-only media can still be read)."""
        if folder is None:
            from reader.config import default_library_dir

            folder = default_library_dir()
        self.folder = Path(folder).expanduser()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DB_NAME
        # How long a write waits for another process's write transaction (a long import).
        self.lock_wait = LOCK_WAIT_S
        self._open_mark: Path | None = None
        self._refuse_empty_file()
        self.read_only = not _writable(self.path) if read_only is None else read_only
        conn = self._connect()
        self.conn = conn
        self._db: Any = None
        self._savepoints = 0
        self._counts: dict[tuple, int] = {}
        self._counts_version: tuple[int, int] | None = None
        try:
            self._configure()
            if self.read_only:
                self._check_readable_version()
            else:
                self._check_if_unclean()
                self._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            self._unmark_open()
            raise LibraryError(f"cannot open the library {self.path}: {exc}") from exc
        except BaseException:
            conn.close()
            self._unmark_open()
            raise

    def _refuse_empty_file(self) -> None:
        """SQLite takes a 0-byte file for a new database and would fill it with an empty
        library: a library file emptied by a crash or a bad copy must not vanish that way."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size == 0 and not Path(f"{self.path}-wal").exists():
            raise LibraryError(
                f"the library file {self.path} is empty (0 bytes): it was left as it is."
                f" Restore it from a backup ({DB_NAME}.bak-*), or delete it to start a new"
                " library"
            )

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
        if not self.path.exists():
            raise LibraryError(f"there is no library at {self.folder} (and it cannot be created)")
        # mode=ro still needs to create the -shm file; on a folder nobody may write to,
        # the file is read as immutable (no other process can be changing it there).
        mode = "ro" if _writable(self.folder) else "ro&immutable=1"
        uri = f"{self.path.absolute().as_uri()}?mode={mode}"
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    def _check_readable_version(self) -> None:
        version = self.schema_version
        if version != migrations.latest_version():
            raise LibraryError(
                f"the library at {self.folder} is read-only and was written by another version"
                f" of Digest Reader (schema {version}, this one uses {migrations.latest_version()})"
            )

    def _check_if_unclean(self) -> None:
        """Before writing to a library that a process left without closing it (it crashed,
        was killed, or the machine lost power), check its pages: writing to a damaged file
        spreads the damage. Each open library leaves a marker file that close() removes."""
        stale = _stale_open_marks(self.folder)
        if stale:
            result = [row[0] for row in self.conn.execute("PRAGMA quick_check(5)")]
            if result != ["ok"]:
                raise LibraryError(
                    f"the library {self.path} is damaged ({'; '.join(result)[:300]}); nothing"
                    f" was written to it. Restore it from a backup ({DB_NAME}.bak-*), or"
                    " recover it with: sqlite3 library.sqlite3 .recover"
                )
            for mark in stale:
                with contextlib.suppress(OSError):
                    mark.unlink()
        self._open_mark = _mark_open(self.folder)

    def _unmark_open(self) -> None:
        mark, self._open_mark = self._open_mark, None
        if mark is not None:
            with contextlib.suppress(OSError):
                mark.unlink()

    # ------------------------------------------------------------ connection and schema

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = wal")
        self.conn.execute("PRAGMA synchronous = NORMAL")

    @property
    def db(self) -> Any:
        """The connection as a sqlite_utils.Database, made on first use: importing
        sqlite-utils loads numpy and scanning its plugins costs up to a second at startup,
        and the library's own reads and writes do not need it."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        version = self.schema_version
        if version > migrations.latest_version():
            raise LibraryError(
                f"this library was written by a newer Digest Reader (schema {version}); "
                f"this version reads up to schema {migrations.latest_version()}"
            )
        if version == migrations.latest_version():
            return
        if self._has_content():
            self._backup(version)
        for number in range(version, migrations.latest_version()):
            with self.transaction():
                if self.schema_version != number:
                    continue  # another process opening the library ran this step first
                migrations.MIGRATIONS[number](self.conn)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    def _has_content(self) -> bool:
        return self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0

    def _backup(self, version: int) -> None:
        """Copy the library to `library.sqlite3.bak-v<version>` before migrating it: written
        under a temporary name and renamed once complete, so a copy cut short (a full disk)
        never replaces a good one; an earlier copy of that name is kept under a dated name,
        and the BACKUPS_KEPT newest copies stay."""
        target = self.folder / f"{DB_NAME}.bak-v{version}"
        partial = self.folder / f".{target.name}.partial"
        try:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()  # left by a copy that was cut short
            _copy_database(self.conn, partial)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            raise LibraryError(
                f"cannot back up the library before upgrading it ({exc}); nothing was changed"
            ) from exc
        if target.exists():
            stamp = datetime.fromtimestamp(target.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
            os.replace(target, target.with_name(f"{target.name}-{stamp}"))
        os.replace(partial, target)
        backups = [p for p in self.folder.glob(f"{DB_NAME}.bak-v*") if BACKUP_RE.match(p.name)]
        backups.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in backups[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, like db.atomic(), but BEGIN IMMEDIATE: a transaction that
        reads before it writes must hold the write lock from the start, or a concurrent writer
        makes it fail with SQLITE_BUSY instead of waiting out the busy timeout."""
        if self.conn.in_transaction:
            with self._savepoint():
                yield self.conn
            return
        self._begin_immediate()
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _begin_immediate(self) -> None:
        """BEGIN IMMEDIATE, retried with backoff for up to lock_wait seconds: one busy
        timeout is shorter than a long import in another process, and a write that gives
        up then (a digest arriving in `watch`, a `tag`) would be lost."""
        if self.read_only:
            raise LibraryError(f"the library at {self.folder} is read-only: it cannot be changed")
        deadline = time.monotonic() + self.lock_wait
        delay = 0.05
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LibraryBusy(self.folder, self.lock_wait) from exc
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 2.0)

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A nested transaction: undone alone when its block fails."""
        name = f"nested_{self._savepoints}"
        self._savepoints += 1
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            # A RAISE(ROLLBACK) can end the whole transaction, savepoint included.
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._savepoints -= 1

    def close(self) -> None:
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA optimize")  # keeps the planner's statistics fresh
        self.conn.close()
        self._unmark_open()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    # ------------------------------------------------------------ digests

    def store_digest(self, path: str | os.PathLike, sha256: str, parsed: ParsedDigest) -> Digest:
        """Store a parsed digest in one transaction: match or create its papers (filling what
        they lack), and replace this digest's sightings. User state is never touched."""
        path = stored_path(path)
        with self.transaction():
            original = self._original_of(path, sha256)
            if original is not None:
                return self._store_duplicate(path, sha256, parsed, original)
            digest_id = self._digest_row_id(path)
            merger = _PaperMerger(self.conn, now_iso())
            sightings = merger.resolve(parsed.entries)
            merger.write()
            self.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
            self.conn.executemany(
                "INSERT INTO sightings (digest_id, paper_id, position, score, subscores,"
                " headline, summary, detail, topic) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(digest_id, *row) for row in sightings],
            )
            self.conn.execute(
                "UPDATE digests SET sha256 = ?, format = ?, date = ?, status = 'imported',"
                " error = NULL, entries = ?, new = ?, merged = ?, imported_at = ? WHERE id = ?",
                (sha256, parsed.format, parsed.date, len(sightings), len(merger.created),
                 len(merger.matched), merger.now, digest_id),
            )
        return self._digest(digest_id)

    def _original_of(self, path: str, sha256: str) -> str | None:
        """The path of another digest already imported with the same content, when its file
        is still there: this one is then a copy (a renamed download), whose papers must not
        count as seen twice. A digest whose file is gone was moved here: it is forgotten."""
        for digest_id, other in self.conn.execute(
            "SELECT id, path FROM digests WHERE sha256 = ? AND path != ? AND status = 'imported'"
            " AND error IS NULL ORDER BY id",
            (sha256, path),
        ).fetchall():
            if os.path.exists(other):
                return other
            self.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
            self.conn.execute("DELETE FROM digests WHERE id = ?", (digest_id,))
        return None

    def _store_duplicate(
        self, path: str, sha256: str, parsed: ParsedDigest, original: str
    ) -> Digest:
        # Stored as imported (so an unchanged file is not read again) with no sightings;
        # the error column marks it as a duplicate (see DUPLICATE_PREFIX).
        message = f"{DUPLICATE_PREFIX} {original}: its papers are counted once"
        digest_id = self._digest_row_id(path)
        self.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (digest_id,))
        self.conn.execute(
            "UPDATE digests SET sha256 = ?, format = ?, date = ?, status = 'imported',"
            " error = ?, entries = 0, new = 0, merged = 0, imported_at = ? WHERE id = ?",
            (sha256, parsed.format, parsed.date, message, now_iso(), digest_id),
        )
        parsed.warnings.append(message)  # the importer passes the parser's warnings on
        return self._digest(digest_id)

    def _digest_row_id(self, path: str) -> int:
        row = self.conn.execute("SELECT id FROM digests WHERE path = ?", (path,)).fetchone()
        if row:
            return row[0]
        cursor = self.conn.execute(
            "INSERT INTO digests (path, status, imported_at) VALUES (?, 'imported', ?)",
            (path, now_iso()),
        )
        return cursor.lastrowid

    def record_failure(self, path: str | os.PathLike, sha256: str | None, error: str) -> Digest:
        """Record that `path` could not be imported; sightings of an earlier good import stay."""
        path = stored_path(path)
        with self.transaction():
            digest_id = self._digest_row_id(path)
            self.conn.execute(
                "UPDATE digests SET sha256 = ?, status = 'failed', error = ?, new = 0, merged = 0,"
                " entries = (SELECT count(*) FROM sightings WHERE digest_id = ?), imported_at = ?"
                " WHERE id = ?",
                (sha256, error, digest_id, now_iso(), digest_id),
            )
        return self._digest(digest_id)

    def remove_digest(self, path: str | os.PathLike) -> bool:
        """Forget a digest and its sightings (its file is gone). Papers and user state stay."""
        path = stored_path(path)
        with self.transaction():
            row = self.conn.execute("SELECT id FROM digests WHERE path = ?", (path,)).fetchone()
            if not row:
                return False
            self._hand_sightings_to_a_copy(row[0])
            self.conn.execute("DELETE FROM sightings WHERE digest_id = ?", (row[0],))
            self.conn.execute("DELETE FROM digests WHERE id = ?", (row[0],))
        return True

    def _hand_sightings_to_a_copy(self, digest_id: int) -> None:
        """A digest that goes while a copy of it stays: the copy now counts its papers."""
        copy = self.conn.execute(
            "SELECT c.id FROM digests c JOIN digests d ON d.sha256 = c.sha256"
            " WHERE d.id = ? AND d.error IS NULL AND c.id != d.id AND c.status = 'imported'"
            " AND c.error LIKE ? ORDER BY c.id LIMIT 1",
            (digest_id, f"{DUPLICATE_PREFIX}%"),
        ).fetchone()
        if copy is None:
            return
        self.conn.execute(
            "UPDATE sightings SET digest_id = ? WHERE digest_id = ?", (copy[0], digest_id)
        )
        self.conn.execute(
            "UPDATE digests SET error = NULL, (entries, new, merged) ="
            " (SELECT entries, new, merged FROM digests WHERE id = ?) WHERE id = ?",
            (digest_id, copy[0]),
        )

    def digest_by_path(self, path: str | os.PathLike) -> Digest | None:
        row = self.conn.execute(
            "SELECT id FROM digests WHERE path = ?", (stored_path(path),)
        ).fetchone()
        return self._digest(row[0]) if row else None

    def digest_by_sha(self, sha256: str) -> Digest | None:
        row = self.conn.execute(
            "SELECT id FROM digests WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)
        ).fetchone()
        return self._digest(row[0]) if row else None

    def _digest(self, digest_id: int) -> Digest:
        row = self._rows("SELECT * FROM digests WHERE id = ?", (digest_id,))[0]
        return Digest(
            path=row["path"], sha256=row["sha256"], format=row["format"], status=row["status"],
            error=row["error"], entries=row["entries"], new=row["new"], merged=row["merged"],
            imported_at=row["imported_at"], id=row["id"],
        )

    def digests(self) -> list[dict]:
        """Every recorded digest, oldest first, in the CLI `digests --json` shape."""
        return [
            {
                "id": row["id"], "file": row["path"], "format": row["format"],
                "status": _digest_status(row), "entries": row["entries"], "new": row["new"],
                "merged": row["merged"], "error": row["error"], "imported_at": row["imported_at"],
            }
            for row in self._rows("SELECT * FROM digests ORDER BY id")
        ]

    # ------------------------------------------------------------ searching

    def _sorted_arms(
        self, query: str, sort: str, descending: bool, reach: int | None = None
    ) -> list[tuple[str, list]]:
        """SELECTs of ids whose results, concatenated, are the sorted matches (the first
        `reach` of them are wanted; None: all).

        Rating and read live in paper_state, which most papers have no row in; sorting a LEFT
        JOIN of every paper would scan the whole library. Instead the papers that have the
        value come from paper_state's index, and the rest follow (or precede) in id order."""
        if sort not in SORT_COLUMNS:
            raise InvalidValue(f"unknown sort '{sort}' (use one of: {', '.join(SORT_KEYS)})")
        node = parse_query(query)
        compiled = self._compiled(node)
        direction = "DESC" if descending else "ASC"
        if sort not in STATE_SORTS and self._walk_sort_index(query, reach, sort):
            compiled = compile_query(node, lookups=False, hide_archived=self._hides_archived(node))
        where, params = compiled.where, compiled.params
        if sort in SIGHTING_SORTS:
            return [self._sighting_sorted(node, sort, direction, where, params)]
        if sort not in STATE_SORTS:
            return [(
                f"SELECT p.id FROM papers p WHERE {where}"
                f" ORDER BY {SORT_COLUMNS[sort]} {direction}, p.id {direction}",
                params,
            )]
        has_value = STATE_SORTS[sort]
        with_value = (
            f"SELECT s.paper_id FROM paper_state s JOIN papers p ON p.id = s.paper_id"
            f" WHERE {has_value} AND {where}"
            f" ORDER BY {SORT_COLUMNS[sort]} {direction}, s.paper_id {direction}"
        )
        without_value = (
            f"SELECT p.id FROM papers p WHERE p.id NOT IN"
            f" (SELECT s.paper_id FROM paper_state s WHERE {has_value})"
            f" AND {where} ORDER BY p.id {direction}"
        )
        arms = [(with_value, params), (without_value, params)]
        return arms if descending else arms[::-1]  # no value sorts lowest

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

    def _sorted_ids(
        self, query: str, sort: str, descending: bool, limit: int | None = None, offset: int = 0
    ) -> list[int]:
        ids: list[int] = []
        if limit is not None and limit > MAX_INTEGER:
            limit = None  # more than any library holds: no limit (SQLite cannot take it)
        if offset > MAX_INTEGER:
            return ids
        known = self._memo_get(("count", query))  # only a valid query has a count
        if known is not None and offset >= known and sort in SORT_COLUMNS:
            return ids  # no match (or none left): spare the search
        reach = None if limit is None else offset + limit
        for sql, params in self._sorted_arms(query, sort, descending, reach):
            wanted = -1 if limit is None else limit - len(ids)
            page = [r[0] for r in self.conn.execute(
                f"{sql} LIMIT ? OFFSET ?", [*params, wanted, offset])]
            if offset:  # an empty page means this arm had no more rows than the offset
                offset = 0 if page else max(0, offset - self._count_of(sql, params))
            ids += page
            if limit is not None and len(ids) >= limit:
                break
        return ids

    def _count_of(self, sql: str, params: list) -> int:
        return self.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def paper_ids(
        self, query: str = "", sort: str = "added", descending: bool = True,
        limit: int | None = None,
    ) -> list[int]:
        """Ids of the papers matching `query`, sorted (the first `limit`). Raises QueryError."""
        return self._sorted_ids(query, sort, descending, limit)

    def matches(self, paper_id: int, query: str = "") -> bool:
        """Whether the paper matches `query` (is in its list). Raises QueryError."""
        compiled = self._compiled(query)
        sql = f"SELECT 1 FROM papers p WHERE p.id = ? AND {compiled.where}"
        return self.conn.execute(sql, [paper_id, *compiled.params]).fetchone() is not None

    def count(self, query: str = "") -> int:
        """Number of papers matching `query`. Raises QueryError."""
        return self._memo(("count", query), lambda: self._count_query(parse_query(query)))

    def _count_query(self, node: Node | None) -> int:
        if self._hides_archived(node):  # the shortcuts below count archived papers too
            compiled = self._compiled(node)
            sql = f"SELECT count(*) FROM papers p WHERE {compiled.where}"
            return self.conn.execute(sql, compiled.params).fetchone()[0]
        return self._count_node(node)

    def _archived_count(self) -> int:
        return self._memo(("archived",), lambda: self.conn.execute(
            "SELECT count(*) FROM paper_state WHERE archived = 1"
        ).fetchone()[0])

    def _hides_archived(self, node: Node | None) -> bool:
        """Whether this query must leave archived papers out: it does not ask about them,
        and there are some (usually none, and then every query stays as fast as before)."""
        return not mentions_archived(node) and self._archived_count() > 0

    def _walk_sort_index(self, query: str, reach: int | None, sort: str = "added") -> bool:
        """Whether to find the first `reach` matches by walking the sort index and checking
        each paper, rather than fetching every match by id and sorting them: when matches
        are dense enough that the walk stops early. Decided on the count of the query when
        it is known (the paper list counts a query before it reads its first page)."""
        matches = self._memo_get(("count", query))
        if matches is None or sort in SIGHTING_SORTS:  # no index to walk for these
            return False
        total = self._paper_id_bound()
        walked = total if reach is None else min(reach, total)
        # The walk steps over about walked * total / matches index entries.
        return matches * matches * LOOKUP_COST > walked * total

    def _count_node(self, node: Node | None) -> int:
        if isinstance(node, Filter) and node.key == "is" and node.value in COUNT_COMPLEMENTS:
            node = Not(Filter("is", COUNT_COMPLEMENTS[node.value]))
        if isinstance(node, Not):  # "is:unread": all papers less the (few) read ones
            total = self.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
            return total - self._count_node(node.child)
        if isinstance(node, Filter) and (node.key, node.value) in STATE_COUNTS:
            return self.conn.execute(STATE_COUNTS[node.key, node.value]).fetchone()[0]
        if isinstance(node, Filter) and node.key == "tag":
            return self.conn.execute(
                "SELECT count(*) FROM paper_tags WHERE tag = ?", (node.value,)
            ).fetchone()[0]
        compiled = self._compiled(node)
        state_count = self._state_table_count(compiled.where, compiled.params)
        if state_count is not None:
            return state_count
        if compiled.fts_only is not None:  # every paper has exactly one FTS row
            return self._fts_count(compiled.fts_only)
        sql = f"SELECT count(*) FROM papers p WHERE {compiled.where}"
        return self.conn.execute(sql, compiled.params).fetchone()[0]

    def _state_table_count(self, where: str, params: list) -> int | None:
        """Count a condition on paper_state alone ("rating:>=1"), or None when the query is
        more than that: paper_state holds at most one row per paper, so this needs no
        lookup in `papers` (300 ms for 50k rated papers at 1M)."""
        negated = where.startswith("NOT ")
        inner = where.removeprefix("NOT ")
        prefix, suffix = STATE_IN_PREFIX, ")"
        if not (inner.startswith(prefix) and inner.endswith(suffix)):
            return None
        condition = inner[len(prefix):-len(suffix)]
        if any(word in condition.upper() for word in ("SELECT", " AND ", " OR ")):
            return None  # only one simple state condition is counted here
        count = self.conn.execute(
            f"SELECT count(*) FROM paper_state WHERE {condition}", params
        ).fetchone()[0]
        if not negated:
            return count
        return self.conn.execute("SELECT count(*) FROM papers").fetchone()[0] - count

    def _compiled(self, query: str | Node | None) -> CompiledQuery:
        """The query compiled for this library: full-text matches lead the lookup only when
        one of them is selective; common words are checked while walking an index."""
        node = parse_query(query) if isinstance(query, str) else query
        hide = self._hides_archived(node)
        compiled = compile_query(node, hide_archived=hide)
        if compiled.matches:
            common = self._paper_id_bound() // LOOKUP_COST
            if all(self._fts_count(m) > common for m in compiled.matches):
                compiled = compile_query(node, fts_drives=False, hide_archived=hide)
        return compiled

    def _paper_id_bound(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]

    def _fts_count(self, expression: str) -> int:
        """How many papers match an FTS5 expression."""
        return self._memo(("fts", expression), lambda: self.conn.execute(
            "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (expression,)
        ).fetchone()[0])

    def _memo_get(self, key: tuple) -> Any:
        """A count remembered until the library changes: our own writes change
        total_changes, other connections' commits change data_version."""
        version = (
            self.conn.total_changes,
            self.conn.execute("PRAGMA data_version").fetchone()[0],
        )
        if self._counts_version != version:
            self._counts = {}
            self._counts_version = version
        return self._counts.get(key)

    def _memo(self, key: tuple, compute: Callable[[], int]) -> int:
        found = self._memo_get(key)
        if found is None:
            found = self._counts[key] = compute()
        return found

    def rows(
        self, query: str = "", sort: str = "added", descending: bool = True,
        limit: int = 200, offset: int = 0,
    ) -> list[PaperRow]:
        """One page of light rows for a lazy table model. Raises QueryError."""
        return self.rows_by_ids(self._sorted_ids(query, sort, descending, limit, offset))

    def rows_by_ids(self, ids: Sequence[int]) -> list[PaperRow]:
        """Rows for these ids, in the given order; unknown ids are left out."""
        found: dict[int, PaperRow] = {}
        tags = self._tags_of(ids)
        for chunk in _chunks(list(ids)):
            for row in self._rows(
                "SELECT p.id, p.title, p.first_author, json_array_length(p.authors) AS n,"
                " p.published, p.seen, p.arxiv_id, p.added, s.rating, s.read, s.note"
                " FROM papers p LEFT JOIN paper_state s ON s.paper_id = p.id"
                f" WHERE p.id IN ({_marks(chunk)})",
                chunk,
            ):
                found[row["id"]] = PaperRow(
                    id=row["id"], title=row["title"], first_author=row["first_author"],
                    authors_count=row["n"] or 0, published=row["published"],
                    rating=row["rating"], tags=tags.get(row["id"], []), read=bool(row["read"]),
                    seen=row["seen"], has_note=bool(row["note"]), arxiv_id=row["arxiv_id"],
                    added=row["added"],
                )
        return [found[i] for i in ids if i in found]

    def list_papers(
        self, query: str = "", sort: str = "added", limit: int | None = None,
        descending: bool = True,
    ) -> list[dict]:
        """Matching papers in the CLI `list --json` shape. Raises QueryError."""
        return self._paper_dicts(self._sorted_ids(query, sort, descending, limit))

    def get_paper(self, paper_id: int) -> dict:
        """One paper in the CLI `show --json` shape, with every sighting. Raises UnknownPaper."""
        if not 0 <= int(paper_id) <= MAX_INTEGER:
            raise UnknownPaper(paper_id)
        papers = self._paper_dicts([paper_id], full=True)
        if not papers:
            raise UnknownPaper(paper_id)
        return papers[0]

    def _paper_dicts(self, ids: Sequence[int], full: bool = False) -> list[dict]:
        result: dict[int, dict] = {}
        for chunk in _chunks(list(ids)):
            tags = self._tags_of(chunk)
            sightings = self._sightings_of(chunk)
            for row in self._rows(
                "SELECT p.*, s.rating, s.read, s.read_at, s.note, s.archived FROM papers p"
                " LEFT JOIN paper_state s ON s.paper_id = p.id"
                f" WHERE p.id IN ({_marks(chunk)})",
                chunk,
            ):
                found = sightings.get(row["id"], [])
                result[row["id"]] = _paper_dict(row, tags.get(row["id"], []), found, full)
        return [result[i] for i in ids if i in result]

    def _tags_of(self, ids: Sequence[int]) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = {}
        for chunk in _chunks(list(ids)):
            for paper_id, tag in self.conn.execute(
                f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({_marks(chunk)})"
                " ORDER BY tag",
                chunk,
            ):
                tags.setdefault(paper_id, []).append(tag)
        return tags

    def _sightings_of(self, ids: Sequence[int]) -> dict[int, list[dict]]:
        found: dict[int, list[dict]] = {}
        for row in self._rows(
            "SELECT s.*, d.path, d.format, d.date, d.imported_at FROM sightings s"
            " JOIN digests d ON d.id = s.digest_id"
            f" WHERE s.paper_id IN ({_marks(ids)}) ORDER BY d.imported_at, d.id",
            list(ids),
        ):
            found.setdefault(row["paper_id"], []).append(row)
        return found

    def related(self, paper_id: int, limit: int = 10) -> list[int]:
        """Ids of the papers most similar to this one by bm25 over its distinctive
        title and abstract words (words that are rare in the library score most)."""
        row = self.conn.execute(
            "SELECT title, abstract FROM papers WHERE id = ?", (paper_id,)
        ).fetchone()
        if row is None:
            raise UnknownPaper(paper_id)
        terms = self._distinctive_terms(_fts_words(row[0]), _fts_words(row[1] or ""))
        if not terms:
            return []
        match = "{title abstract} : (" + " OR ".join(fts_phrase(t) for t in terms) + ")"
        return [
            r[0] for r in self.conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? AND rowid != ?"
                " AND rowid NOT IN (SELECT paper_id FROM paper_state WHERE archived = 1)"
                " ORDER BY bm25(papers_fts, 4.0, 1.0, 1.0, 0.0, 0.0) LIMIT ?",
                (match, paper_id, limit),
            )
        ]

    def _distinctive_terms(
        self, title_words: list[str], abstract_words: list[str], wanted: int = 24
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
        common = max(3, self.count() // 10)
        scored = []
        for word in words:
            found = self.conn.execute(
                "SELECT doc FROM papers_fts_vocab WHERE term = ?", (word,)
            ).fetchone()
            if found and 1 < found[0] <= common:
                scored.append((found[0] / 4 if word in title else found[0], word))
        return [word for _, word in sorted(scored)[:wanted]]

    # ------------------------------------------------------------ sidebar

    def sidebar_counts(self) -> dict[str, int]:
        """Counts for the sidebar's fixed entries."""
        archived = self._archived_count()
        total = self.conn.execute("SELECT count(*) FROM papers").fetchone()[0] - archived
        read, rated, noted = self.conn.execute(
            "SELECT count(*) FILTER (WHERE read = 1), count(rating),"
            " count(*) FILTER (WHERE note IS NOT NULL) FROM paper_state WHERE archived = 0"
        ).fetchone()
        return {"all": total, "unread": total - read, "rated": rated, "has_note": noted}

    def tag_counts(self) -> list[tuple[str, int]]:
        """(tag, number of papers) for every tag, sorted by tag, case-insensitively."""
        return [
            (row[0], row[1])
            for row in self.conn.execute(
                "SELECT min(tag), count(*) FROM paper_tags WHERE paper_id NOT IN"
                " (SELECT paper_id FROM paper_state WHERE archived = 1)"
                " GROUP BY tag ORDER BY tag"
            )
        ]

    # ------------------------------------------------------------ user state

    def _check_ids(self, ids: Iterable[int]) -> list[int]:
        ids = list(dict.fromkeys(int(i) for i in ids))
        for paper_id in ids:
            if not 0 <= paper_id <= MAX_INTEGER:  # SQLite could not even look it up
                raise UnknownPaper(paper_id)
        known: set[int] = set()
        for chunk in _chunks(ids):
            known.update(
                r[0] for r in self.conn.execute(
                    f"SELECT id FROM papers WHERE id IN ({_marks(chunk)})", chunk
                )
            )
        for paper_id in ids:
            if paper_id not in known:
                raise UnknownPaper(paper_id)
        return ids

    def _ensure_state(self, ids: Sequence[int]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_state (paper_id) VALUES (?)", [(i,) for i in ids]
        )

    def set_rating(self, ids: Iterable[int], rating: int | None) -> None:
        """Rate papers 1-5; 0 or None clears the rating."""
        if rating is not None and (isinstance(rating, bool) or rating not in range(0, 6)):
            raise InvalidValue(f"a rating goes from 1 to 5 (0 clears it), not {rating!r}")
        with self.transaction():
            ids = self._check_ids(ids)
            self._ensure_state(ids)
            self.conn.executemany(
                "UPDATE paper_state SET rating = ? WHERE paper_id = ?",
                [(rating or None, i) for i in ids],
            )

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        """Mark papers read (stamping when, unless already read) or unread."""
        with self.transaction():
            ids = self._check_ids(ids)
            self._ensure_state(ids)
            if read:
                self.conn.executemany(
                    "UPDATE paper_state SET read = 1, read_at = CASE WHEN read = 1"
                    " THEN coalesce(read_at, ?1) ELSE ?1 END WHERE paper_id = ?2",
                    [(now_iso(), i) for i in ids],
                )
            else:
                self.conn.executemany(
                    "UPDATE paper_state SET read = 0, read_at = NULL WHERE paper_id = ?",
                    [(i,) for i in ids],
                )

    def set_note(self, paper_id: int, text: str | None) -> None:
        """Set a paper's markdown note; empty text removes it."""
        with self.transaction():
            self._check_ids([paper_id])
            self._ensure_state([paper_id])
            self.conn.execute(
                "UPDATE paper_state SET note = ? WHERE paper_id = ?",
                (_blank_to_none(text), paper_id),
            )

    def add_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        tags = clean_tags(tags)
        with self.transaction():
            ids = self._check_ids(ids)
            self.conn.executemany(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
                [(i, t) for i in ids for t in tags],
            )

    def remove_tags(self, ids: Iterable[int], tags: Iterable[str]) -> None:
        tags = clean_tags(tags)
        with self.transaction():
            ids = self._check_ids(ids)
            self.conn.executemany(
                "DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?",
                [(i, t) for i in ids for t in tags],
            )

    def set_tags(self, paper_id: int, tags: Iterable[str]) -> None:
        """Make `tags` exactly the paper's tags."""
        tags = clean_tags(tags)
        with self.transaction():
            self._check_ids([paper_id])
            self._replace_tags(paper_id, tags)

    def _replace_tags(self, paper_id: int, tags: list[str]) -> None:
        current = [r[0] for r in self.conn.execute(
            "SELECT tag FROM paper_tags WHERE paper_id = ?", (paper_id,)
        )]
        if sorted(current, key=str.casefold) == tags:
            return  # unchanged: spare the full-text index a rewrite
        self.conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", (paper_id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag) VALUES (?, ?)",
            [(paper_id, t) for t in tags],
        )

    def user_state(self, ids: Iterable[int]) -> dict[int, UserState]:
        """A snapshot of the user state of these papers (for undo)."""
        ids = self._check_ids(ids)
        tags = self._tags_of(ids)
        states = {i: UserState(tags=tags.get(i, [])) for i in ids}
        for chunk in _chunks(ids):
            for row in self._rows(
                f"SELECT * FROM paper_state WHERE paper_id IN ({_marks(chunk)})", chunk
            ):
                state = states[row["paper_id"]]
                state.rating, state.note = row["rating"], row["note"]
                state.read, state.read_at = bool(row["read"]), row["read_at"]
                state.archived = bool(row["archived"])
        return states

    def restore_user_state(self, states: dict[int, UserState]) -> None:
        """Put back snapshots taken by user_state(), in one transaction."""
        with self.transaction():
            self._check_ids(states)
            self._ensure_state(list(states))
            self.conn.executemany(
                "UPDATE paper_state SET rating = ?, note = ?, read = ?, read_at = ?,"
                " archived = ? WHERE paper_id = ?",
                [(s.rating or None, _blank_to_none(s.note), int(s.read), s.read_at,
                  int(s.archived), i) for i, s in states.items()],
            )
            for paper_id, state in states.items():
                self._replace_tags(paper_id, clean_tags(state.tags))

    # ------------------------------------------------------------ archive and delete

    def archive_papers(self, ids: Iterable[int], archived: bool = True) -> None:
        """Archive papers (hidden from every list but `is:archived`) or bring them back."""
        with self.transaction():
            ids = self._check_ids(ids)
            self._ensure_state(ids)
            self.conn.executemany(
                "UPDATE paper_state SET archived = ? WHERE paper_id = ?",
                [(int(bool(archived)), i) for i in ids],
            )

    def delete_papers(self, ids: Iterable[int]) -> DeletedPapers:
        """Delete papers with their sightings and user state, in one transaction; returns
        what was removed, for restore_papers() (undo). A digest that still lists a deleted
        paper does not bring it back unless the file changes and is imported again."""
        with self.transaction():
            ids = self._check_ids(ids)
            removed = DeletedPapers()
            for chunk in _chunks(ids):
                marks = _marks(chunk)
                removed.papers += self._rows(f"SELECT * FROM papers WHERE id IN ({marks})", chunk)
                removed.states += self._rows(
                    f"SELECT * FROM paper_state WHERE paper_id IN ({marks})", chunk)
                removed.tags += [tuple(r) for r in self.conn.execute(
                    f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks})", chunk)]
                removed.sightings += self._rows(
                    f"SELECT * FROM sightings WHERE paper_id IN ({marks})", chunk)
                # Children first (foreign keys); the papers' FTS rows have no trigger.
                for table, column in (("paper_tags", "paper_id"), ("paper_state", "paper_id"),
                                      ("sightings", "paper_id"), ("papers_fts", "rowid"),
                                      ("papers", "id")):
                    self.conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
            self._recount_entries({s["digest_id"] for s in removed.sightings})
        return removed

    def restore_papers(self, removed: DeletedPapers) -> None:
        """Put back papers deleted by delete_papers(), with the same ids, in one transaction.
        Sightings in digests forgotten meanwhile stay out."""
        if not removed.papers:
            return
        with self.transaction():
            ids = removed.ids
            for chunk in _chunks(ids):
                clash = self.conn.execute(
                    f"SELECT id FROM papers WHERE id IN ({_marks(chunk)}) LIMIT 1", chunk
                ).fetchone()
                if clash:
                    raise InvalidValue(f"paper {clash[0]} is already in the library")
            try:
                self._insert_rows("papers", [{**p, "seen": 0} for p in removed.papers])
            except sqlite3.IntegrityError:
                raise InvalidValue(
                    "cannot restore the papers: a digest imported since brought them back"
                ) from None
            self.conn.executemany(
                "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)",
                [_fts_values({**p, "authors": json.loads(p["authors"] or "[]")})
                 for p in removed.papers],
            )
            self._insert_rows("paper_state", removed.states)  # triggers put the note back in FTS
            self.conn.executemany(
                "INSERT INTO paper_tags (paper_id, tag) VALUES (?, ?)", removed.tags
            )
            digests = {r[0] for r in self.conn.execute("SELECT id FROM digests")}
            self._insert_rows(  # the sightings trigger counts `seen` again
                "sightings", [s for s in removed.sightings if s["digest_id"] in digests]
            )
            self._recount_entries({s["digest_id"] for s in removed.sightings} & digests)

    def _insert_rows(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(columns)})",
            [[row[c] for c in columns] for row in rows],
        )

    def _recount_entries(self, digest_ids: Iterable[int]) -> None:
        """A digest's `entries` is the number of papers it lists that the library holds."""
        self.conn.executemany(
            "UPDATE digests SET entries = (SELECT count(*) FROM sightings WHERE digest_id = ?1)"
            " WHERE id = ?1",
            [(i,) for i in digest_ids],
        )

    # ------------------------------------------------------------ saved searches

    def saved_searches(self) -> list[tuple[str, str]]:
        """(name, query) of every saved search, sorted by name, case-insensitively."""
        return [
            (row[0], row[1])
            for row in self.conn.execute("SELECT name, query FROM saved_searches ORDER BY name")
        ]

    def save_search(self, name: str, query: str) -> None:
        """Save `query` under `name` (replacing a search of that name). Raises QueryError
        for a query the parser cannot read and InvalidValue for an empty name or query."""
        name, query = " ".join(str(name).split()), str(query).strip()
        if not name:
            raise InvalidValue("a saved search needs a name")
        if not query:
            raise InvalidValue("there is no search to save: type a query first")
        where_clause(query)  # refuses a malformed query before anything is stored
        with self.transaction():
            self.conn.execute(
                "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET name = excluded.name, query = excluded.query",
                (name, query, now_iso()),
            )

    def rename_saved_search(self, old: str, new: str) -> None:
        """Give a saved search another name (replacing a search that had the new name)."""
        new = " ".join(str(new).split())
        if not new:
            raise InvalidValue("a saved search needs a name")
        with self.transaction():
            row = self.conn.execute(
                "SELECT query FROM saved_searches WHERE name = ?", (old,)
            ).fetchone()
            if row is None:
                raise InvalidValue(f"no saved search named '{old}'")
            self.conn.execute("DELETE FROM saved_searches WHERE name IN (?, ?)", (old, new))
            self.conn.execute(
                "INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)",
                (new, row[0], now_iso()),
            )

    def delete_saved_search(self, name: str) -> bool:
        """Forget a saved search; False when there was none of that name."""
        with self.transaction():
            cursor = self.conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
        return cursor.rowcount > 0

    # ------------------------------------------------------------ settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags trimmed, inner whitespace collapsed, empty ones and case-duplicates dropped."""
    if isinstance(tags, str):
        tags = [tags]
    seen: dict[str, str] = {}
    for tag in tags:
        text = " ".join(str(tag).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return sorted(seen.values(), key=str.casefold)


def _fts_words(text: str) -> list[str]:
    """Words roughly as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes them."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", stripped)


def _paper_dict(row: dict, tags: list[str], sightings: list[dict], full: bool) -> dict:
    paper = {
        "id": row["id"],
        "arxiv_id": row["arxiv_id"],
        "doi": row["doi"],
        "title": row["title"],
        "authors": json.loads(row["authors"]),
        "abstract": row["abstract"],
        "published": row["published"],
        "links": {"abs": row["abs_url"], "pdf": row["pdf_url"], "code": row["code_url"]},
        "tags": tags,
        "rating": row["rating"],
        "read": bool(row["read"]),
        "note": row["note"],
        "digests": [{"file": s["path"], "format": s["format"]} for s in sightings],
    }
    if full:
        paper["links"]["homepage"] = row["homepage_url"]
        paper["translation"] = row["translation"]
        paper["added"] = row["added"]
        paper["seen"] = row["seen"]
        paper["read_at"] = row["read_at"]
        paper["archived"] = bool(row["archived"])
        paper["sightings"] = [
            {
                "file": s["path"], "format": s["format"], "position": s["position"],
                "score": s["score"], "subscores": json.loads(s["subscores"] or "{}"),
                "headline": s["headline"], "summary": s["summary"], "detail": s["detail"],
                "topic": s["topic"], "date": s["date"], "imported_at": s["imported_at"],
            }
            for s in sightings
        ]
    return paper


# ---------------------------------------------------------------- merging papers

def _better_authors(old: list[str], new: list[str]) -> bool:
    """Whether `new` is a fuller author list than `old` ("X et al." loses to the full list)."""
    if not new:
        return False
    if len(new) != len(old):
        return len(new) > len(old)
    abbreviated = any(ET_AL_RE.search(a) for a in old)
    return abbreviated and not any(ET_AL_RE.search(a) for a in new)


def _paper_fields(paper: Paper) -> dict:
    fields = {name: _blank_to_none(getattr(paper, name)) for name in FILL_FIELDS}
    fields["arxiv_id"] = normalize_arxiv_id(fields["arxiv_id"])
    if fields["doi"]:
        fields["doi"] = fields["doi"].strip()
    return fields


class _PaperMerger:
    """Matches a digest's entries to papers in memory, then writes with executemany.

    Runs inside store_digest's transaction, which holds the write lock, so the ids it hands
    out to new papers cannot be taken by anyone else in between."""

    def __init__(self, conn: sqlite3.Connection, now: str) -> None:
        self.conn = conn
        self.now = now
        self.papers: dict[int, dict] = {}
        self.by_arxiv: dict[str, int] = {}
        self.by_doi: dict[str, list[int]] = {}
        self.by_title: dict[str, list[int]] = {}
        self.created: list[int] = []
        self.matched: list[int] = []
        self.changed: set[int] = set()
        self.next_id = self._next_id()

    def _next_id(self) -> int:
        seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'papers'").fetchone()
        top = self.conn.execute("SELECT max(id) FROM papers").fetchone()[0]
        return max(seq[0] if seq else 0, top or 0) + 1

    def resolve(self, entries: list[Entry]) -> list[tuple]:
        """Sighting rows (paper_id, position, ...) for the entries, one per paper, first wins."""
        usable = [e for e in entries if _identifiable(e.paper)]
        self._load_candidates([e.paper for e in usable])
        rows: dict[int, tuple] = {}
        for entry in usable:
            paper_id = self._match_or_create(entry.paper)
            if paper_id not in rows:
                s = entry.sighting
                rows[paper_id] = (
                    paper_id, s.position, s.score, json.dumps(s.subscores or {}),
                    s.headline, s.summary, s.detail, s.topic,
                )
        return list(rows.values())

    def _load_candidates(self, papers: list[Paper]) -> None:
        lookups = {
            "arxiv_id": {normalize_arxiv_id(p.arxiv_id) for p in papers} - {None},
            "doi": {p.doi.strip() for p in papers if _blank_to_none(p.doi)},
            "title_key": {title_key(p.title) for p in papers} - {None},
        }
        for column, values in lookups.items():
            for chunk in _chunks(sorted(values)):
                cursor = self.conn.execute(
                    f"SELECT {', '.join(PAPER_COLUMNS)} FROM papers"
                    f" WHERE {column} IN ({_marks(chunk)}) ORDER BY id",
                    chunk,
                )
                for row in cursor:
                    record = dict(zip(PAPER_COLUMNS, row))
                    if record["id"] not in self.papers:
                        record["authors"] = json.loads(record["authors"])
                        self._remember(record)

    def _remember(self, record: dict) -> None:
        self.papers[record["id"]] = record
        if record["arxiv_id"]:
            self.by_arxiv[record["arxiv_id"]] = record["id"]
        if record["doi"]:
            ids = self.by_doi.setdefault(record["doi"].casefold(), [])
            if record["id"] not in ids:
                ids.append(record["id"])
        if record["title_key"]:
            ids = self.by_title.setdefault(record["title_key"], [])
            if record["id"] not in ids:
                ids.append(record["id"])

    def _find(self, fields: dict, key: str | None) -> int | None:
        if fields["arxiv_id"] in self.by_arxiv:
            return self.by_arxiv[fields["arxiv_id"]]
        candidates = []
        if fields["doi"]:
            candidates += self.by_doi.get(fields["doi"].casefold(), [])
        if key:
            candidates += self.by_title.get(key, [])
        for paper_id in candidates:
            if _compatible(self.papers[paper_id], fields):
                return paper_id
        return None

    def _match_or_create(self, paper: Paper) -> int:
        fields = _paper_fields(paper)
        key = title_key(paper.title)
        paper_id = self._find(fields, key)
        if paper_id is None:
            return self._create(paper, fields, key)
        if paper_id not in self.created and paper_id not in self.matched:
            self.matched.append(paper_id)
        self._fill(self.papers[paper_id], paper, fields)
        return paper_id

    def _create(self, paper: Paper, fields: dict, key: str | None) -> int:
        authors = [a.strip() for a in paper.authors if a and a.strip()]
        record = {
            "id": self.next_id, "title": (paper.title or "").strip(), "title_key": key,
            "authors": authors, "first_author": authors[0] if authors else None,
            "added": self.now, **fields,
        }
        _derive_links(record)
        self.next_id += 1
        self.created.append(record["id"])
        self._remember(record)
        return record["id"]

    def _fill(self, record: dict, paper: Paper, fields: dict) -> None:
        before = dict(record)
        for name, value in fields.items():
            if value and not record[name]:
                record[name] = value
        authors = [a.strip() for a in paper.authors if a and a.strip()]
        if _better_authors(record["authors"], authors):
            record["authors"] = authors
            record["first_author"] = authors[0]
        if not record["title"] and paper.title:
            record["title"], record["title_key"] = paper.title.strip(), title_key(paper.title)
        _derive_links(record)
        if record != before:
            self._remember(record)
            if record["id"] not in self.created:
                self.changed.add(record["id"])

    def write(self) -> None:
        columns = [c for c in PAPER_COLUMNS]
        self.conn.executemany(
            f"INSERT INTO papers ({', '.join(columns)}) VALUES ({_marks(columns)})",
            [_db_values(self.papers[i], columns) for i in self.created],
        )
        # New papers' FTS rows in one executemany (no insert trigger since schema v3);
        # merged papers' rows follow through the papers_fts_update trigger.
        self.conn.executemany(
            "INSERT INTO papers_fts (rowid, title, authors, abstract) VALUES (?, ?, ?, ?)",
            [_fts_values(self.papers[i]) for i in self.created],
        )
        updatable = [c for c in columns if c not in ("id", "added")]
        assignments = ", ".join(f"{c} = ?" for c in updatable)
        self.conn.executemany(
            f"UPDATE papers SET {assignments} WHERE id = ?",
            [(*_db_values(self.papers[i], updatable), i) for i in sorted(self.changed)],
        )


def _fts_values(record: dict) -> tuple:
    """A paper's FTS row; authors joined as the papers_fts_update trigger joins them."""
    authors = "; ".join(record["authors"]) or None
    return record["id"], record["title"], authors, record["abstract"]


def _identifiable(paper: Paper) -> bool:
    """An entry with no id and no title could never be matched again, so it is skipped."""
    return bool(
        normalize_arxiv_id(paper.arxiv_id) or _blank_to_none(paper.doi) or title_key(paper.title)
    )


def _compatible(record: dict, fields: dict) -> bool:
    """Same DOI or title is not enough when the two carry different arXiv ids or DOIs."""
    if record["arxiv_id"] and fields["arxiv_id"] and record["arxiv_id"] != fields["arxiv_id"]:
        return False
    if record["doi"] and fields["doi"] and record["doi"].casefold() != fields["doi"].casefold():
        return False
    return True


def _derive_links(record: dict) -> None:
    if record["arxiv_id"]:
        record["abs_url"] = record["abs_url"] or f"https://arxiv.org/abs/{record['arxiv_id']}"
        record["pdf_url"] = record["pdf_url"] or f"https://arxiv.org/pdf/{record['arxiv_id']}"


def _db_values(record: dict, columns: Sequence[str]) -> tuple:
    return tuple(
        json.dumps(record[c], ensure_ascii=False) if c == "authors" else record[c]
        for c in columns
    )

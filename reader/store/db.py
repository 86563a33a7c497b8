"""The library's SQLite connection: opening, pragmas, migrations, transactions, busy retries."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from reader.store import migrations, terms
from reader.store.errors import LibraryBusy, LibraryError
from reader.store.lock import _pid_alive

DB_NAME = "library.sqlite3"
BUSY_TIMEOUT_MS = 5000
PAGE_SIZE = 16384  # bytes per page of a new library file (see _configure)
LOCK_WAIT_S = 60.0  # a writer's total wait for the write lock, busy timeouts included
OPEN_MARK = f".{DB_NAME}.open-"  # + host-pid-serial: a library open in that process
BACKUPS_KEPT = 3
BACKUP_RE = re.compile(re.escape(DB_NAME) + r"\.bak-v\d+(-\d{8}-\d{6})?$")
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer
CHUNK = 500  # ids per "IN (...)" list: far below SQLite's variable limit
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_OPEN_SERIAL = itertools.count(1)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def marks(items: Sequence) -> str:
    return ", ".join("?" * len(items))


def blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def rows(conn: sqlite3.Connection, sql: str, params: Sequence | dict = ()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class Database:
    """One connection to a library file, with its write transactions.

    Use one instance per thread, one thread at a time."""

    def __init__(self, folder: Path, read_only: bool | None = None) -> None:
        """Open (or create) the library; read_only=None opens it read-only when the file
        or its folder cannot be written (a library on read-only media can still be read)."""
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DB_NAME
        # How long a write waits for another process's write transaction (a long import).
        self.lock_wait = LOCK_WAIT_S
        self._open_mark: Path | None = None
        self._savepoints = 0
        self._utils: Any = None
        self._keeps_terms = False  # fts_terms exists (schema v12): commits add new words
        self._refuse_empty_file()
        self.read_only = not _writable(self.path) if read_only is None else read_only
        self.conn = conn = self._connect()
        try:
            self._configure()
            if self.read_only:
                self._check_readable_version()
            else:
                self._check_if_unclean()
                self._migrate()
                self._keeps_terms = self.schema_version >= migrations.TERMS_VERSION
        except sqlite3.DatabaseError as exc:
            conn.close()
            self._unmark_open()
            raise LibraryError(f"cannot open the library {self.path}: {exc}") from exc
        except BaseException:
            conn.close()
            self._unmark_open()
            raise

    # ------------------------------------------------------------ opening

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

    def _configure(self) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if not self.read_only and self.conn.execute("PRAGMA page_count").fetchone()[0] == 0:
            # A new library: 16 KiB pages hold a paper's row (title, authors, a 1-2 KB
            # abstract and its translation) with little room left over; 4 KiB pages, the
            # default, fit one such row and leave the rest empty. Only an empty file can
            # take a page size, and WAL mode fixes it: so here, first.
            self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = wal")
        self.conn.execute("PRAGMA synchronous = NORMAL")

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

    # ------------------------------------------------------------ schema

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @property
    def utils(self) -> Any:
        """The connection as a sqlite_utils.Database, made on first use: importing
        sqlite-utils costs up to a second at startup (numpy, plugin scan), and the hot
        read paths do not need it."""
        if self._utils is None:
            self._utils = migrations.utils_database(self.conn)
        return self._utils

    def _migrate(self) -> None:
        version = self.schema_version
        latest = migrations.latest_version()
        if version > latest:
            raise LibraryError(
                f"this library was written by a newer Digest Reader (schema {version}); "
                f"this version reads up to schema {latest}"
            )
        if version == latest:
            return
        if self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0:
            self._backup(version)
        for number in range(version, latest):
            with self.transaction():
                if self.schema_version != number:
                    continue  # another process opening the library ran this step first
                migrations.MIGRATIONS[number](self.conn)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")
        if any(n + 1 in migrations.COMPACT_AFTER for n in range(version, latest)):
            # Give back the pages a migration freed (v8: the FTS copy of the text, a fifth of
            # the file). Not needed for the library to work: a busy or full disk skips it.
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("VACUUM")
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL held it all

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

    # ------------------------------------------------------------ transactions

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
            if self._keeps_terms:  # the words of papers written in it, before they show
                terms.add_pending(self.conn)
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

    def data_version(self) -> int:
        """Moves when another connection commits (the worker's, the CLI's)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        if not self.read_only:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA optimize")  # keeps the planner's statistics fresh
        self.conn.close()
        self._unmark_open()


def _copy_database(conn: sqlite3.Connection, target: Path) -> None:
    # The backup API copies a consistent snapshot, WAL content included.
    copy = sqlite3.connect(str(target))
    try:
        conn.backup(copy)
    finally:
        copy.close()


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
        mark_host, _, pid_text = mark.name[len(OPEN_MARK):].rpartition("-")[0].rpartition("-")
        if mark_host != host or not pid_text.isdigit():
            continue  # another machine's process (a shared folder): cannot tell
        if not _pid_alive(int(pid_text)):
            stale.append(mark)
    return stale

"""The watched folder: report digest files once they are complete, and import them one at a time."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from watchdog.events import (
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from reader.config import default_watch_dir
from reader.importer import ImportResult, import_file
from reader.importer import is_ignored as importer_is_ignored
from reader.library import BUSY_MESSAGE, DUPLICATE_PREFIX, Library, LibraryError
from reader.lock import LibraryLock, LibraryLocked
from reader.textsafe import json_text, one_line

log = logging.getLogger(__name__)

# on_status kinds
STATUS_WATCHING = "watching"  # native change notifications
STATUS_POLLING = "polling"  # fallback: the folder is scanned every poll_interval
STATUS_MISSING = "missing"  # the folder is gone or unreadable; checked again periodically
STATUS_STOPPED = "stopped"

# Change notifications are not delivered for changes made by other machines on these.
NETWORK_FSTYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p",
     "afs", "ncpfs", "davfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.gvfsd-fuse"}
)

# The events that can change which files are complete; opens and read-only closes
# (the importer's own reads among them) are left out so they do not retrigger imports.
_WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileMovedEvent,
    FileDeletedEvent,
    DirMovedEvent,
    DirDeletedEvent,
]

# In-progress files the importer's own rules (hidden, ~, .part, .crdownload, .swp,
# .swx, .tmp, #x#) do not cover, which a watched folder meets while they are written.
_MORE_TEMP_SUFFIXES = (".partial", ".download", ".temp", ".swo", ".crswap")
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def is_ignored(path: Path, root: Path) -> bool:
    """Hidden files or folders below `root`, editor swap files and unfinished downloads.

    Only the folders between `root` and the file count, so a watched folder that
    itself lives inside a hidden folder still works.
    """
    if importer_is_ignored(path, root):
        return True
    name = path.name.lower()
    return name.endswith(_MORE_TEMP_SUFFIXES) or name.startswith("~$") or name in _JUNK_NAMES


# --------------------------------------------------------------------------- mounts


def filesystem_type(path: Path, mounts_text: str | None = None) -> str | None:
    """The fstype of the mount holding `path`, from /proc/mounts; None where unknown."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.abspath(path)
    best, best_type = "", None
    for mount_point, fstype in _parse_mounts(mounts_text):
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fstype
    return best_type


_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def _parse_mounts(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            yield _unescape_mount(fields[1]), fields[2]


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes (\040).
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def is_network_filesystem(path: Path, mounts_text: str | None = None) -> bool:
    return filesystem_type(path, mounts_text) in NETWORK_FSTYPES


def _native_observer() -> BaseObserver:
    """The platform's notifying observer (inotify on Linux); tests replace this."""
    from watchdog.observers import Observer

    return Observer()


# --------------------------------------------------------------------------- watcher


@dataclass
class _Pending:
    """A file that changed and is not reported yet."""

    last_event: float  # time.monotonic() of the latest event for it
    complete_signal: bool = False  # closed after writing, or renamed into place
    stat: tuple[int, int] | None = None  # (size, mtime_ns) when last looked at
    stable_since: float = 0.0


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._watcher._on_event(event)


class FolderWatcher:
    """Watch `folder` and its subfolders; call on_file_ready(path) once per finished file.

    A file is finished when its writer closes it (Linux inotify) or it is renamed
    into place; where no such event comes (polling, network shares, other systems)
    once its size and mtime have not changed for `debounce` seconds. While a file
    keeps changing it is not reported. Both callbacks run on the watcher's own
    thread, one at a time; keep them short (queue the work, emit a signal).
    """

    def __init__(
        self,
        folder: Path | str,
        on_file_ready: Callable[[Path], None],
        on_status: Callable[[str, str], None] | None = None,
        *,
        debounce: float = 1.0,
        force_polling: bool = False,
        poll_interval: float = 1.0,
        recheck_interval: float = 2.0,
        exclude: Iterable[Path | str] = (),
        is_ignored: Callable[[Path, Path], bool] = is_ignored,
    ) -> None:
        self.folder = Path(folder).expanduser().absolute()
        self.on_file_ready = on_file_ready
        self.on_status = on_status
        self.debounce = debounce
        self.force_polling = force_polling
        self.poll_interval = poll_interval
        self.recheck_interval = recheck_interval
        self.is_ignored = is_ignored
        self._exclude = [Path(p).expanduser().resolve() for p in exclude]
        self.mode: str | None = None  # "inotify" / "native" / "polling"; None while missing
        self._root = self.folder.resolve()
        self._root_id: tuple[int, int] | None = None
        self._observer: BaseObserver | None = None
        self._pending: dict[Path, _Pending] = {}
        self._notices: deque[tuple[str, str]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._recheck_now = False
        self._last_check = 0.0
        self._thread: threading.Thread | None = None

    # ---- public API

    @property
    def watching(self) -> bool:
        """True while the folder is being watched (False while it is missing)."""
        return self._observer is not None

    def start(self) -> None:
        """Begin watching; a missing folder is reported and waited for, never an error."""
        if self._thread is not None:
            return
        self._stopping.clear()
        if not self._open():
            self._notice(STATUS_MISSING, self._missing_message())
        self._last_check = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="digest-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; no callback runs after this returns (unless called from one)."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._close()

    def catch_up(self) -> list[Path]:
        """Every candidate file in the folder now, sorted; [] when the folder is missing."""
        root = self.folder.resolve()
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _err: None):
            base = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if self._wanted(base / d, root))
            for name in filenames:
                path = base / name
                if self._wanted(path, root) and path.is_file() and self._leads_inside(path):
                    found.append(path)
        return sorted(found)

    # ---- observer lifecycle

    def _open(self) -> bool:
        """Start an observer on the folder; False when the folder is not usable."""
        self._root = self.folder.resolve()
        if not _folder_usable(self._root):
            return False
        self._root_id = _identity(self._root)
        reason = self._polling_reason()
        if reason is None:
            try:
                observer = self._start_observer(_native_observer())
            except OSError as exc:
                reason = f"change notifications are not available ({exc})"
            else:
                self.mode = "inotify" if type(observer).__name__ == "InotifyObserver" else "native"
                if isinstance(observer, PollingObserver):
                    self.mode = "polling"
                self._notice(STATUS_WATCHING, f"watching {self._root} ({self.mode})")
                return True
        try:
            self._start_observer(PollingObserver(timeout=self.poll_interval))
        except OSError:
            return False
        self.mode = "polling"
        message = f"watching {self._root} by polling every {self.poll_interval:g} s: {reason}"
        self._notice(STATUS_POLLING, message)
        return True

    def _polling_reason(self) -> str | None:
        if self.force_polling:
            return "polling was requested"
        fstype = filesystem_type(self._root)
        if fstype in NETWORK_FSTYPES:
            return f"the folder is on a network file system ({fstype})"
        return None

    def _start_observer(self, observer: BaseObserver) -> BaseObserver:
        try:
            observer.schedule(
                _Handler(self), str(self._root), recursive=True, event_filter=_WATCHED_EVENTS
            )
            observer.start()
        except BaseException:
            with contextlib.suppress(Exception):
                observer.stop()
            raise
        self._observer = observer
        return observer

    def _close(self) -> None:
        observer, self._observer = self._observer, None
        self.mode = None
        if observer is not None:
            observer.stop()
            with contextlib.suppress(RuntimeError):
                observer.join(timeout=5)
        with self._lock:
            self._pending.clear()

    def _healthy(self) -> bool:
        observer = self._observer
        if observer is None or not observer.is_alive():
            return False
        # The emitter stops itself when the folder is deleted.
        if not all(emitter.is_alive() for emitter in observer.emitters):
            return False
        return _folder_usable(self._root) and _identity(self._root) == self._root_id

    def _missing_message(self) -> str:
        return (
            f"the watched folder {self.folder} is missing or unreadable;"
            f" checking again every {self.recheck_interval:g} s"
        )

    # ---- events (observer thread)

    def _on_event(self, event: FileSystemEvent) -> None:
        now = time.monotonic()
        with self._lock:
            if isinstance(event, DirDeletedEvent):
                if Path(os.fsdecode(event.src_path)) == self._root:
                    self._recheck_now = True
                return
            if isinstance(event, DirMovedEvent):
                return  # watchdog follows up with events for the files inside
            src = Path(os.fsdecode(event.src_path))
            if isinstance(event, (FileDeletedEvent, FileMovedEvent)):
                self._pending.pop(src, None)
            if isinstance(event, FileMovedEvent):
                if event.dest_path:
                    self._touch(Path(os.fsdecode(event.dest_path)), now, complete=True)
            elif isinstance(event, FileClosedEvent):
                self._touch(src, now, complete=True)
            elif not isinstance(event, FileDeletedEvent):
                self._touch(src, now, complete=False)
        self._wake.set()

    def _touch(self, path: Path, now: float, *, complete: bool) -> None:
        if not self._wanted(path, self._root):
            return
        pending = self._pending.get(path)
        if pending is None:
            pending = self._pending[path] = _Pending(last_event=now, stable_since=now)
        pending.last_event = now
        pending.complete_signal = complete
        pending.stat = _size_and_mtime(path)
        pending.stable_since = now

    def _wanted(self, path: Path, root: Path) -> bool:
        if root not in path.parents:
            return False
        if any(path == ex or ex in path.parents for ex in self._exclude):
            return False
        return not self.is_ignored(path, root)

    # ---- the watcher thread

    def _run(self) -> None:
        tick = max(0.01, min(0.1, self.debounce / 4))
        while not self._stopping.is_set():
            self._deliver_notices()
            self._check_folder()
            for path in self._take_ready():
                if self._stopping.is_set():
                    break
                self._report(path)
            self._wake.wait(tick)
            self._wake.clear()
        self._deliver_notices()
        self._notify_status(STATUS_STOPPED, f"stopped watching {self.folder}")

    def _check_folder(self) -> None:
        now = time.monotonic()
        if not self._recheck_now and now - self._last_check < self.recheck_interval:
            return
        self._last_check, self._recheck_now = now, False
        if self._observer is not None:
            if not self._healthy():
                self._close()
                self._notify_status(STATUS_MISSING, self._missing_message())
        elif self._open():
            self._deliver_notices()
            for path in self.catch_up():
                if self._stopping.is_set():
                    return
                self._report(path)

    def _take_ready(self) -> list[Path]:
        now = time.monotonic()
        ready: list[Path] = []
        with self._lock:
            for path, item in list(self._pending.items()):
                current = _size_and_mtime(path)
                if current is None:  # gone (deleted, or its folder moved away)
                    del self._pending[path]
                elif self._is_ready(item, current, now):
                    del self._pending[path]
                    ready.append(path)
        return sorted(ready)

    def _is_ready(self, item: _Pending, current: tuple[int, int], now: float) -> bool:
        if current != item.stat:
            # Changed with no event (polling, or writes the kernel did not report):
            # the close seen earlier is no longer the last word.
            item.stat, item.stable_since, item.complete_signal = current, now, False
            return False
        quiet = now - max(item.last_event, item.stable_since)
        if item.complete_signal:
            return quiet >= self._grace
        return quiet >= self._settle

    @property
    def _grace(self) -> float:
        """How long a closed or renamed file must stay untouched: a writer may reopen it."""
        return min(0.05, self.debounce)

    @property
    def _settle(self) -> float:
        """Quiet time before a file with no close event counts as complete.

        With inotify every writer's close is seen, so a quiet file without one is
        probably still open (a stalled download); give it longer before trusting it.
        Files that appear with a new subfolder, or by hard link, get no close event.
        """
        if self.mode == "inotify":
            return 3 * self.debounce
        return self.debounce

    def _leads_inside(self, path: Path) -> bool:
        """False for a symlink (or a path through one) to a file elsewhere, e.g. /etc/shadow:
        the folder holds digests, not a way to read any file the user can read."""
        try:
            inside = self._root in path.resolve().parents
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            log.info("not importing %s: it leads outside %s", path, self._root)
        return inside

    def _report(self, path: Path) -> None:
        if not self._leads_inside(path):
            return
        try:
            self.on_file_ready(path)
        except Exception:
            log.exception("on_file_ready failed for %s", path)

    def _notice(self, kind: str, message: str) -> None:
        """Queue a status for the watcher thread, so callbacks always come from it."""
        self._notices.append((kind, message))
        self._wake.set()

    def _deliver_notices(self) -> None:
        while self._notices:
            self._notify_status(*self._notices.popleft())

    def _notify_status(self, kind: str, message: str) -> None:
        if self.on_status is None:
            return
        try:
            self.on_status(kind, message)
        except Exception:
            log.exception("on_status failed for %s", kind)


def _folder_usable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.R_OK | os.X_OK)


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = folder.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _size_and_mtime(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


# --------------------------------------------------------------------------- import queue

R = TypeVar("R")


class ImportQueue(Generic[R]):
    """Run import_fn(path) for queued paths one at a time in a worker thread.

    A path already waiting is not queued twice (a path being imported right now
    is, since the file may have changed again). on_result(path, result, done,
    total) runs on the worker thread after each import; done/total count the
    current batch, which starts when a path is queued into an idle queue.
    `on_exit` runs on the worker thread as it ends (e.g. to close a connection
    that was opened there).
    """

    def __init__(
        self,
        import_fn: Callable[[Path], R],
        on_result: Callable[[Path, R | None, int, int], None] | None = None,
        *,
        on_error: Callable[[Path, Exception], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        self.import_fn = import_fn
        self.on_result = on_result
        self.on_error = on_error
        self.on_exit = on_exit
        self._waiting: deque[Path] = deque()
        self._queued: set[Path] = set()
        self._busy = False
        self._done = 0
        self._total = 0
        self._stopping = False
        self._drain = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def progress(self) -> tuple[int, int]:
        """(done, total) of the current batch."""
        with self._cond:
            return self._done, self._total

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="digest-import", daemon=True)
            self._thread.start()

    def put(self, path: Path) -> bool:
        """Queue one path; False when it is already waiting or the queue is stopping."""
        with self._cond:
            if self._stopping or path in self._queued:
                return False
            if not self._busy and not self._waiting:
                self._done = self._total = 0
            self._queued.add(path)
            self._waiting.append(path)
            self._total += 1
            self._cond.notify_all()
            return True

    def put_many(self, paths: Iterable[Path]) -> int:
        return sum(self.put(path) for path in paths)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is waiting or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy and not self._waiting, timeout)

    def stop(self, *, drain: bool = False, timeout: float | None = None) -> None:
        """Stop the worker after the current import (after all queued ones if drain)."""
        with self._cond:
            self._stopping, self._drain = True, drain
            self._cond.notify_all()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _next(self) -> Path | None:
        with self._cond:
            self._cond.wait_for(lambda: self._waiting or self._stopping)
            if self._stopping and not (self._drain and self._waiting):
                self._waiting.clear()
                self._queued.clear()
                return None
            path = self._waiting.popleft()
            self._queued.discard(path)
            self._busy = True
            return path

    def _run(self) -> None:
        try:
            while (path := self._next()) is not None:
                result = self._import(path)
                with self._cond:
                    self._done += 1
                    done, total = self._done, self._total
                if self.on_result is not None:
                    self._call(self.on_result, path, result, done, total)
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
            if self.on_exit is not None:
                self._call(self.on_exit)

    def _import(self, path: Path) -> R | None:
        try:
            return self.import_fn(path)
        except Exception as exc:  # a crashing import must not stop the queue
            if self.on_error is not None:
                self._call(self.on_error, path, exc)
            else:
                log.exception("import of %s failed", path)
            return None

    @staticmethod
    def _call(fn: Callable[..., Any], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("import queue callback %r failed", fn)


# --------------------------------------------------------------------------- headless mode

WATCH_FOLDER_SETTING = "watch_folder"


def run_headless(
    library_folder: Path,
    watch_folder: Path | None = None,
    *,
    stop_event: threading.Event | None = None,
    log: Callable[[str], Any] = print,
    error: Callable[[str], Any] | None = None,
    json_lines: bool = False,
    debounce: float = 1.0,
    force_polling: bool = False,
    poll_interval: float = 1.0,
) -> int:
    """`digest-reader watch`: import what is in the folder, then whatever arrives, until stopped.

    One line per event goes to `log` (stdout); errors go to `error` (by default stderr,
    as "digest-reader: error: ..."). With json_lines, each line is a JSON object with an
    "event" key. Returns 0 after Ctrl+C, SIGTERM or `stop_event`; 2 when another process
    has the library open or the watched folder is the library's own; 1 when the library
    cannot be opened or the watched folder cannot be created.
    """
    out = WatchOutput(log, error, json_lines)
    library_folder = Path(library_folder).expanduser()
    lock = LibraryLock(library_folder)
    try:
        lock.acquire()
    except LibraryLocked as exc:
        out.error(str(exc))
        return 2
    stop = stop_event if stop_event is not None else threading.Event()
    try:
        with _stop_on_signals(stop):
            try:
                folder = _watch_folder_setting(library_folder, watch_folder)
                _refuse_library_folder(folder, library_folder)
                folder.mkdir(parents=True, exist_ok=True)
            except _WatchRefused as exc:
                out.error(str(exc))
                return 2
            except LibraryError as exc:
                out.error(str(exc))
                return 1
            except OSError as exc:
                out.error(f"cannot create the watched folder {exc.filename}: {exc.strerror or exc}")
                return 1
            session = _HeadlessSession(library_folder, folder, out)
            session.run(stop, debounce=debounce, force_polling=force_polling, poll_interval=poll_interval)
        return 0
    finally:
        lock.release()


class _WatchRefused(Exception):
    """A watched folder that cannot work; the message is meant for the user."""


def _refuse_library_folder(folder: Path, library_folder: Path) -> None:
    """The library's own folder (or one inside it) is left out of every scan: watching it
    would silently import nothing."""
    watched, library = folder.resolve(), library_folder.resolve()
    if watched == library or library in watched.parents:
        raise _WatchRefused(
            f"the watched folder {one_line(folder)} is the library's own folder or inside it,"
            " where nothing is imported: choose another folder with --watch DIR"
        )


class WatchOutput:
    """How `watch` reports: text lines, or JSON lines with an "event" key; errors apart."""

    def __init__(
        self, log: Callable[[str], Any] = print, error: Callable[[str], Any] | None = None,
        json_lines: bool = False,
    ) -> None:
        self.log = log
        self.error_log = error if error is not None else _print_error
        self.json_lines = json_lines

    def event(self, event: str, text: str, **fields: Any) -> None:
        """One line: `text` (file names in it already escaped), or the fields as JSON."""
        if self.json_lines:
            self.log(_json_line({"event": event, **fields}))
        else:
            self.log(text)

    def error(self, message: str, **fields: Any) -> None:
        if self.json_lines:
            self.error_log(_json_line({"event": "error", "message": message, **fields}))
        else:
            self.error_log(f"digest-reader: error: {one_line(message)}")


def _print_error(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _json_line(value: dict) -> str:
    return json_text(json.dumps(value, ensure_ascii=False))


def _watch_folder_setting(library_folder: Path, watch_folder: Path | None) -> Path:
    """The folder to watch (given, else saved, else default), remembered in the library."""
    with Library(library_folder) as library:
        saved = library.get_setting(WATCH_FOLDER_SETTING)
        if watch_folder is None:
            return Path(saved).expanduser() if saved else default_watch_dir()
        folder = Path(watch_folder).expanduser().absolute()
        if saved != str(folder):
            library.set_setting(WATCH_FOLDER_SETTING, str(folder))
        return folder


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl+C and SIGTERM set `stop`; handlers can only be installed from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _HeadlessSession:
    """The watcher feeding the import queue, logging one line per import."""

    def __init__(self, library_folder: Path, folder: Path, out: WatchOutput) -> None:
        self.library_folder = library_folder
        self.folder = folder
        self.out = out
        self.counts: Counter[str] = Counter()
        self._library: Library | None = None  # opened on the import thread, which alone uses it
        self._queue: ImportQueue[ImportResult] | None = None

    def run(self, stop: threading.Event, **watch_options: Any) -> None:
        queue: ImportQueue[ImportResult] = ImportQueue(
            self._import, self._log_result, on_error=self._log_crash, on_exit=self._close
        )
        self._queue = queue
        watcher = FolderWatcher(
            self.folder, queue.put, self._log_status,
            exclude=[self.library_folder], **watch_options,
        )
        queue.start()
        watcher.start()
        try:
            self._catch_up(watcher, queue, stop)
            while not stop.wait(0.5):  # a timed wait lets Ctrl+C through everywhere
                pass
        finally:
            watcher.stop()
            queue.stop()
        self.out.event("stopped", f"stopped: {self._summary()}", **self._count_fields())

    def _catch_up(
        self, watcher: FolderWatcher, queue: ImportQueue[ImportResult], stop: threading.Event
    ) -> None:
        queued = queue.put_many(watcher.catch_up())
        while not stop.is_set() and not queue.wait_idle(0.2):
            pass
        if not stop.is_set():
            folder = one_line(self.folder)
            self.out.event(
                "checked", f"checked {queued} files already in {folder}: {self._summary()}",
                folder=str(self.folder), files=queued, **self._count_fields(),
            )
            self.out.event("waiting", "waiting for new digests (Ctrl+C stops)")

    def _import(self, path: Path) -> ImportResult:
        if self._library is None:
            self._library = Library(self.library_folder)
        return import_file(self._library, path)

    def _close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None

    def _log_result(
        self, path: Path, result: ImportResult | None, _done: int, _total: int
    ) -> None:
        if result is None:
            return
        name = self._display_name(path)
        if result.status == "failed" and BUSY_MESSAGE in (result.error or ""):
            # Another process held the write lock longer than the library waits (a long
            # import): the file is not lost, it waits its turn again.
            self.out.event("busy", f"busy {one_line(name)}: {one_line(result.error)}; trying again",
                           file=name, error=result.error)
            if self._queue is not None:
                self._queue.put(path)
            return
        status = "duplicate" if _duplicate_note(result) else result.status
        self.counts[status] += 1
        line = describe_result(result, one_line(name))
        if line:
            self.out.event(
                status, line, file=name, format=result.format, entries=result.entries,
                new=result.new, merged=result.merged, error=result.error or _duplicate_note(result),
            )

    def _log_crash(self, path: Path, exc: Exception) -> None:
        self.counts["failed"] += 1
        name = self._display_name(path)
        self.out.error(f"failed {name}: {exc}", file=name)

    def _log_status(self, kind: str, message: str) -> None:
        if kind != STATUS_STOPPED:
            self.out.event(kind, one_line(message), message=message)

    def _display_name(self, path: Path) -> str:
        try:
            name = path.relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            name = str(path)
        return os.fsencode(name).decode("utf-8", "backslashreplace")

    def _summary(self) -> str:
        shown = ["imported", "unchanged", "failed"] + ["duplicate"] * bool(self.counts["duplicate"])
        return ", ".join(f"{self.counts[s]} {s}" for s in shown)

    def _count_fields(self) -> dict[str, int]:
        return {s: self.counts[s] for s in ("imported", "unchanged", "failed", "duplicate")}


def _duplicate_note(result: ImportResult) -> str | None:
    """The note of an import that found a copy of a digest already imported."""
    if result.status != "imported":
        return None
    return next((w for w in result.warnings if w.startswith(DUPLICATE_PREFIX)), None)


def describe_result(result: ImportResult, name: str) -> str | None:
    """One log line for an ImportResult; None for a file that had not changed."""
    duplicate = _duplicate_note(result)
    if duplicate:
        return f"duplicate {name}: {one_line(duplicate)}"
    if result.status == "imported":
        return (
            f"imported {name}: {result.format}, {result.entries} entries"
            f" ({result.new} new, {result.merged} merged)"
        )
    if result.status == "failed":
        return f"failed {name}: {one_line(result.error)}"
    return None

"""The folder watcher: report each digest file once it is complete, through folder loss and back."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

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

from reader.ingest.files import files_in, is_ignored, leads_inside
from reader.watch import polling
from reader.watch.stability import StabilityTracker

log = logging.getLogger(__name__)

# on_status kinds
STATUS_WATCHING = "watching"  # native change notifications
STATUS_POLLING = "polling"  # fallback: the folder is scanned every poll_interval
STATUS_MISSING = "missing"  # the folder is gone or unreadable; checked again periodically
STATUS_STOPPED = "stopped"

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
    keeps changing it is not reported. Which files count is reader.ingest.files' rule,
    the same as for a drop or `import`. Both callbacks run on the watcher's own thread,
    one at a time; keep them short (queue the work, emit a signal).
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
    ) -> None:
        self.folder = Path(folder).expanduser().absolute()
        self.on_file_ready = on_file_ready
        self.on_status = on_status
        self.debounce = debounce
        self.force_polling = force_polling
        self.poll_interval = poll_interval
        self.recheck_interval = recheck_interval
        self._exclude = [Path(p).expanduser().resolve() for p in exclude]
        self.mode: str | None = None  # "inotify" / "native" / "polling"; None while missing
        self._root = self.folder.resolve()
        self._root_id: tuple[int, int] | None = None
        self._observer: BaseObserver | None = None
        self._pending = StabilityTracker()
        self._notices: deque[tuple[str, str]] = deque()
        self._events_lock = threading.Lock()
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
        return sorted(files_in(self.folder.resolve(), exclude=self._exclude))

    # ---- observer lifecycle

    def _open(self) -> bool:
        """Start an observer on the folder; False when the folder is not usable."""
        self._root = self.folder.resolve()
        if not _folder_usable(self._root):
            return False
        self._root_id = _identity(self._root)
        reason = polling.polling_reason(self._root, self.force_polling)
        if reason is None:
            try:
                observer = self._start_observer(polling.native_observer())
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
        with self._events_lock:
            if isinstance(event, DirDeletedEvent):
                if Path(os.fsdecode(event.src_path)) == self._root:
                    self._recheck_now = True
                return
            if isinstance(event, DirMovedEvent):
                return  # watchdog follows up with events for the files inside
            src = Path(os.fsdecode(event.src_path))
            if isinstance(event, (FileDeletedEvent, FileMovedEvent)):
                self._pending.forget(src)
            if isinstance(event, FileMovedEvent):
                if event.dest_path:
                    self._touch(Path(os.fsdecode(event.dest_path)), now, complete=True)
            elif isinstance(event, FileClosedEvent):
                self._touch(src, now, complete=True)
            elif not isinstance(event, FileDeletedEvent):
                self._touch(src, now, complete=False)
        self._wake.set()

    def _touch(self, path: Path, now: float, *, complete: bool) -> None:
        if self._wanted(path, self._root):
            self._pending.touch(path, now, complete=complete)

    def _wanted(self, path: Path, root: Path) -> bool:
        if root not in path.parents:
            return False
        if any(path == ex or ex in path.parents for ex in self._exclude):
            return False
        return not is_ignored(path, root)

    # ---- the watcher thread

    def _run(self) -> None:
        tick = max(0.01, min(0.1, self.debounce / 4))
        while not self._stopping.is_set():
            self._deliver_notices()
            self._check_folder()
            ready = self._pending.take_ready(time.monotonic(), grace=self._grace, settle=self._settle)
            for path in ready:
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

    def _report(self, path: Path) -> None:
        if not leads_inside(path, self._root):
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

"""`digest-reader watch`: import what is in the watched folder, then whatever arrives, until stopped."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reader.config import WATCH_FOLDER_SETTING, default_watch_dir
from reader.ingest import report
from reader.ingest.importer import ImportResult, import_file
from reader.ingest.queue import Job, JobQueue
from reader.store import BUSY_MESSAGE, Library, LibraryError
from reader.store.lock import LibraryLock, LibraryLocked
from reader.textsafe import json_text, one_line
from reader.watch import STATUS_STOPPED, FolderWatcher


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
    fetch: bool = True,
) -> int:
    """Watch until Ctrl+C, SIGTERM or `stop_event`, importing each finished file (and, when
    the library's fetch setting is "automatic" and `fetch`, the new papers' details).

    One line per event goes to `log` (stdout); errors go to `error` (by default stderr,
    as "digest-reader: error: ..."). With json_lines, each line is a JSON object with an
    "event" key. Returns 0 once stopped; 2 when another process has the library open or
    the watched folder is the library's own; 1 when the library cannot be opened or the
    watched folder cannot be created.
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
            session = _HeadlessSession(library_folder, folder, out, fetch)
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
    """The watcher feeding the job queue, logging one line per import."""

    def __init__(self, library_folder: Path, folder: Path, out: WatchOutput, fetch: bool = True) -> None:
        self.library_folder = library_folder
        self.folder = folder
        self.out = out
        self.fetch = fetch
        # Details are fetched on a queue (and connection) of their own: arXiv's pace of one
        # request per 3 s must not hold up the next digest.
        self._fetcher = JobQueue(
            lambda: Library(self.library_folder), on_finished=self._log_fetched,
            on_open_failed=lambda exc: self.out.error(str(exc)), name="digest-fetch",
        )
        self._cancel_fetch = threading.Event()
        self.counts: Counter[str] = report.tally([])
        # The library is opened on the queue's thread, which alone uses it.
        self._queue = JobQueue(
            lambda: Library(self.library_folder), on_finished=self._log_result,
            on_open_failed=lambda exc: self.out.error(str(exc)), name="digest-import",
        )

    def run(self, stop: threading.Event, **watch_options: Any) -> None:
        watcher = FolderWatcher(
            self.folder, self._queue_import, self._log_status,
            exclude=[self.library_folder], **watch_options,
        )
        self._queue.start()
        self._fetcher.start()
        watcher.start()
        try:
            self._catch_up(watcher, stop)
            while not stop.wait(0.5):  # a timed wait lets Ctrl+C through everywhere
                pass
        finally:
            watcher.stop()
            self._queue.stop()
            self._cancel_fetch.set()  # what was not fetched waits for the next run
            self._fetcher.stop()
        self.out.event("stopped", f"stopped: {report.counts_text(self.counts)}", **self.counts)

    def _queue_import(self, path: Path) -> bool:
        # background: stopping drops what waits; the next start catches up on it.
        job = self._queue.submit(lambda lib: self._import(lib, path), key=path, background=True)
        return job is not None

    def _import(self, library: Library, path: Path) -> ImportResult:
        from reader.cli_enrich import fetch_after_import, newest_paper_id

        before = newest_paper_id(library) if self.fetch else None
        result = import_file(library, path)
        if before is not None and result.new:
            upto = newest_paper_id(library)
            self._fetcher.submit(lambda lib: fetch_after_import(lib, before, upto, self._cancel_fetch))
        return result

    def _log_fetched(self, job: Job) -> None:
        report = job.result
        if job.error is not None:
            self.out.error(f"could not fetch details: {job.error}")
        elif report is not None:
            self.out.event("fetched", one_line(report.summary()), **report.as_json())
            if report.error:
                self.out.error(f"{report.error}; {len(report.failed)} papers were not fetched"
                               " (run `digest-reader enrich` later)")

    def _catch_up(self, watcher: FolderWatcher, stop: threading.Event) -> None:
        queued = sum(self._queue_import(path) for path in watcher.catch_up())
        while not stop.is_set() and not self._queue.wait_idle(0.2):
            pass
        if not stop.is_set():
            folder = one_line(self.folder)
            self.out.event(
                "checked", f"checked {queued} files already in {folder}: {report.counts_text(self.counts)}",
                folder=str(self.folder), files=queued, **self.counts,
            )
            self.out.event("waiting", "waiting for new digests (Ctrl+C stops)")

    def _log_result(self, job: Job) -> None:
        path: Path = job.key
        name = self._display_name(path)
        if job.error is not None:
            self.counts["failed"] += 1
            self.out.error(f"failed {name}: {job.error}", file=name)
            return
        result: ImportResult = job.result
        if result.status == "failed" and BUSY_MESSAGE in (result.error or ""):
            # Another process held the write lock longer than the library waits (a long
            # import): the file is not lost, it waits its turn again.
            self.out.event("busy", f"busy {one_line(name)}: {one_line(result.error)}; trying again",
                           file=name, error=result.error)
            self._queue_import(path)
            return
        outcome = report.outcome(result)
        self.counts[outcome] += 1
        if outcome != "unchanged":  # the folder is checked at each start: no news
            self.out.event(
                outcome, report.describe(result, name), file=name, format=result.format,
                entries=result.entries, new=result.new, merged=result.merged,
                error=result.error or report.duplicate_note(result),
            )

    def _log_status(self, kind: str, message: str) -> None:
        if kind != STATUS_STOPPED:
            self.out.event(kind, one_line(message), message=message)

    def _display_name(self, path: Path) -> str:
        try:
            name = path.relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            name = str(path)
        return os.fsencode(name).decode("utf-8", "backslashreplace")

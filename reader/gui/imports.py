"""Import batches on the worker, the folder watcher's bridge, import summaries and the tray."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMainWindow, QSystemTrayIcon

from reader.config import WATCH_FOLDER_SETTING
from reader.gui import icons, theme
from reader.gui.events import DigestsImported
from reader.gui.library_protocol import LibraryView
from reader.ingest import report
from reader.ingest.files import is_ignored

STATUS_MS = 8000
DIGEST_FILTER = (
    "Digests (*.txt *.md *.markdown *.bib *.html *.htm);;"
    "Reference managers (*.bib *.ris *.json *.csv *.sqlite);;All files (*)"
)


class _WatcherBridge(QObject):
    """Carries the watcher's callbacks (its own thread) to the GUI thread as signals."""

    file_ready = Signal(object)
    status = Signal(str, str)


class Imports(QObject):
    """Queues files on the worker one at a time and reports each batch once, when it ends."""

    digests_imported = Signal(object)  # DigestsImported, once per batch
    result_received = Signal(object)  # each file's ImportResult (the import log follows it)

    def __init__(
        self,
        window: QMainWindow,
        library: LibraryView,
        worker: Any,
        library_dir: Path,
        watch_dir: Path | None,
        start_watcher: bool = True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.worker = worker
        self.library_dir = Path(library_dir)
        self.watch_dir = Path(watch_dir) if watch_dir is not None else None
        self.watcher: Any = None
        self._start_watcher_flag = start_watcher
        self._import_total = 0
        self._import_done = 0
        self._batch: list[Any] = []
        # Failures recorded by earlier runs, told then: the watcher retries them at each start.
        self._known_failures = {
            _failure_key(d.file, d.error) for d in library.digests() if d.status == "failed"
        }
        self._bridge = _WatcherBridge(self)
        self._bridge.file_ready.connect(self._on_watched_file, Qt.ConnectionType.QueuedConnection)
        self._bridge.status.connect(self._on_watcher_status, Qt.ConnectionType.QueuedConnection)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icons.app_icon(), window)
            self.tray.setToolTip("Digest Reader")
            self.tray.activated.connect(lambda _reason: (window.showNormal(), window.activateWindow()))
            self.tray.show()

    def importing(self) -> bool:
        """Whether a batch is still running (some of its files not reported yet)."""
        return self._import_total > 0

    def _status(self, message: str, timeout: int = 0) -> None:
        self.window.statusBar().showMessage(message, timeout)

    # --- batches -------------------------------------------------------------------------

    def choose_files(self) -> None:
        start = str(self.watch_dir or Path.home())
        files, _filter = QFileDialog.getOpenFileNames(
            self.window, "Import digests", start, DIGEST_FILTER, options=theme.file_dialog_options(),
        )
        if files:
            self.import_paths([Path(name) for name in files])

    def import_paths(self, paths: Iterable[Path], automatic: bool = False) -> None:
        """Queue files (folders are expanded on the worker) for import, one at a time.
        automatic: the watcher's files, whose failures are told once, not at every start."""
        from reader.ingest import importer

        files = []
        for path in map(Path, paths):
            if path.is_dir():
                self.worker.submit(
                    lambda _lib, folder=path: _files_in(folder),
                    done=lambda found: self.import_paths(found, automatic), notify=False,
                )
            elif not is_ignored(path):  # the rules of `import` and the watcher
                files.append(path)
        self._import_total += len(files)  # the whole batch first, so progress reads "3/12"
        for path in files:
            self._show_progress()
            # notify=False: the list reloads once, when the batch ends (DigestsImported).
            self.worker.submit(
                lambda lib, path=path: importer.import_file(lib, path),
                done=lambda result: self._on_result(result, automatic), notify=False, background=True,
            )

    def _show_progress(self) -> None:
        if self._import_total > 1:
            self._status(f"Importing {self._import_done + 1}/{self._import_total}…")
        else:
            self._status("Importing…")

    def _on_result(self, result: Any, automatic: bool = False) -> None:
        self._import_done += 1
        if result is not None and result.status == "failed":
            failure = _failure_key(result.file, result.error)
            if automatic and failure in self._known_failures:
                result = None  # told already (the import log keeps it): no news
            self._known_failures.add(failure)
        self._batch.append(result)
        if result is not None and result.status == "failed":
            self._status(f"Could not import {Path(str(result.file)).name}: {result.error}", STATUS_MS)
        if self._import_done >= self._import_total:
            self._finish_batch()
        else:
            self._show_progress()
        self.result_received.emit(result)

    def _finish_batch(self) -> None:
        batch, self._batch = [r for r in self._batch if r is not None], []
        self._import_total = self._import_done = 0
        message = summarize_imports(batch)
        if message:
            self._status(message, STATUS_MS * 2)
        else:
            self.window.statusBar().clearMessage()
        new = sum(result.new for result in batch if result.status == "imported")
        if new and self.tray is not None and not self.window.isActiveWindow():
            self.tray.showMessage("Digest Reader", notification_text(batch), icons.app_icon(), 5000)
        self.digests_imported.emit(DigestsImported(tuple(batch)))

    # --- watcher -------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Watch the folder and import what arrived while the app was closed."""
        if self.watch_dir is None:
            return
        from reader.watch import FolderWatcher

        self.stop_watching()
        try:
            self.watch_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._status(f"Cannot create the watched folder {self.watch_dir}: {exc}", STATUS_MS)
        bridge = self._bridge
        self.watcher = FolderWatcher(
            self.watch_dir,
            on_file_ready=bridge.file_ready.emit,
            on_status=bridge.status.emit,
            exclude=[self.library_dir],
        )
        self.watcher.start()
        watcher = self.watcher
        self.worker.submit(
            lambda _lib: watcher.catch_up(), done=lambda paths: self.import_paths(paths or [], automatic=True),
            notify=False,
        )

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def set_watch_dir(self, folder: Path | None) -> None:
        """Keep the new folder in the library's settings and watch it instead."""
        self.watch_dir = Path(folder) if folder else None
        value = str(self.watch_dir) if self.watch_dir else ""
        self.worker.submit(lambda lib: lib.set_setting(WATCH_FOLDER_SETTING, value), notify=False)
        if self._start_watcher_flag:
            self.start_watching()

    @Slot(object)
    def _on_watched_file(self, path: Path) -> None:
        self.import_paths([Path(path)], automatic=True)

    @Slot(str, str)
    def _on_watcher_status(self, kind: str, message: str) -> None:
        if kind in ("missing", "polling"):
            self._status(message[:1].upper() + message[1:], STATUS_MS)

    def shutdown(self) -> None:
        self.stop_watching()
        if self.tray is not None:
            self.tray.hide()


def summarize_imports(results: list[Any]) -> str:
    """The batch in a sentence for the status bar; failures point to the import log."""
    return report.summarize(results, failed_hint="see View › Import log")


notification_text = report.notification_text


def _files_in(folder: Path) -> list[Path]:
    from reader.ingest.files import expand_paths

    return expand_paths([folder])


def _failure_key(path: Any, error: Any) -> tuple[str, str]:
    from reader.store import normalize_path

    return normalize_path(str(path)), str(error or "")

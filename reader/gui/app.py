"""Start the desktop app: QApplication, the library lock, the worker, the watcher, the window."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reader import config
from reader.gui import icons
from reader.gui.main_window import MainWindow
from reader.gui.single_instance import InstanceServer, send_files, server_name
from reader.gui.worker import LibraryWorker

ORGANIZATION = "digest-reader"
APPLICATION = "digest-reader"
QUIT_AFTER_ENV = "DIGEST_READER_QUIT_AFTER_MS"
EXIT_LOCKED = 2
EXIT_CANNOT_OPEN = 1


def get_app() -> QApplication:
    """The QApplication, created and named (QSettings needs the names) if there is none."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName(APPLICATION)
    from reader import __version__

    app.setApplicationVersion(__version__)
    app.setWindowIcon(icons.app_icon())
    return app


def resolve_library_dir(library_dir: Path | None, settings: QSettings) -> Path:
    """The CLI's folder, unless it is the default and Settings chose another one."""
    default = config.default_library_dir()
    chosen = settings.value("library/location")
    if (library_dir is None or Path(library_dir) == default) and chosen and not os.environ.get(config.LIBRARY_ENV):
        return Path(str(chosen)).expanduser()
    return Path(library_dir) if library_dir is not None else default


def resolve_watch_dir(watch_dir: Path | None, library) -> Path:
    """The CLI's folder, else the library's setting, else the default (~/Digests)."""
    if watch_dir is not None:
        return Path(watch_dir).expanduser()
    stored = library.get_setting(config.WATCH_FOLDER_SETTING)
    if stored:
        return Path(str(stored)).expanduser()
    return config.default_watch_dir()


def build_window(
    library_dir: Path,
    watch_dir: Path | None = None,
    settings: QSettings | None = None,
    start_watcher: bool = True,
) -> MainWindow:
    """A MainWindow over library_dir with a real worker thread (the caller holds the lock)."""
    from reader.gui.read_thread import ReadThread
    from reader.store import Library

    get_app()
    library = Library(library_dir)
    watch = resolve_watch_dir(watch_dir, library)
    try:
        watch.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # the window's status bar reports it when the watcher cannot use it
    worker = LibraryWorker(library_dir)
    worker.start()
    # Searches typed in the box: read on their own thread and connection; related papers
    # and the sidebar's counts on another, so that they never make a search wait.
    reader = ReadThread(lambda: Library(library_dir, read_only=True))
    side_reader = ReadThread(lambda: Library(library_dir, read_only=True))
    window = MainWindow(library, worker, library_dir, watch, settings=settings,
                        start_watcher=start_watcher, reader=reader, side_reader=side_reader)
    worker.setParent(window)
    # What exists now (Qt's wrappers, the modules, the window) lives until the app quits:
    # frozen, it is left out of Python's full collections, which walked it all and paused
    # the GUI thread 40-65 ms every few hundred page reads while scrolling a 1M library.
    gc.freeze()
    return window


def missing_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """Why the app cannot show a window here (Linux with no display and no Qt platform
    chosen), or None."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display: set DISPLAY (X11) or WAYLAND_DISPLAY, or run with "
        "QT_QPA_PLATFORM=offscreen; the commands (digest-reader --help) need no display"
    )


def _message(title: str, text: str) -> None:
    """A critical message box that also closes itself in timed smoke runs."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the text may quote a folder name
    quit_after = _quit_after_ms()
    if quit_after is not None:
        QTimer.singleShot(quit_after, box.reject)
    box.exec()


def _quit_after_ms() -> int | None:
    value = os.environ.get(QUIT_AFTER_ENV, "").strip()
    return int(value) if value.isdigit() else None


def run(library_dir: Path | None, watch_dir: Path | None, files: Sequence[Path] = ()) -> int:
    """The `digest-reader` GUI: returns the process exit code (2 when the library is locked).

    `files` are imported once the window shows: a desktop "Open with" passes them.
    """
    from reader.store import LibraryError
    from reader.store.lock import LibraryLock, LibraryLocked

    problem = missing_display()
    if problem:  # before Qt, which would abort with a message about xcb plugins
        print(f"digest-reader: error: {problem}", file=sys.stderr)
        return EXIT_CANNOT_OPEN
    app = get_app()
    settings = QSettings()
    library_dir = resolve_library_dir(library_dir, settings)
    lock = LibraryLock(library_dir)
    try:
        lock.acquire()
    except LibraryLocked as exc:
        if send_files(server_name(library_dir), list(files)):
            return 0  # the running app imports them and comes to the front
        _message("Digest Reader", f"Cannot open the library: {exc}.\n\nClose the other window first.")
        return EXIT_LOCKED
    except OSError as exc:
        _message("Digest Reader", f"Cannot open the library folder {library_dir}: {exc}")
        return EXIT_CANNOT_OPEN
    try:
        try:
            window = build_window(library_dir, watch_dir, settings)
        except LibraryError as exc:
            _message("Digest Reader", str(exc))
            return EXIT_CANNOT_OPEN
        window.show()
        server = InstanceServer(server_name(library_dir), window)
        server.files_received.connect(window.receive_files)
        server.listen()  # without it a second launch says the library is in use, as before
        if files:
            window.import_paths(list(files))
        quit_after = _quit_after_ms()
        if quit_after is not None:
            QTimer.singleShot(quit_after, window.close)
        code = app.exec()
        window.shutdown()
        return code
    finally:
        lock.release()

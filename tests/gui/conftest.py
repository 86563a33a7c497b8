"""GUI test fixtures: a sample library copied per test, private QSettings, and Qt warnings fail."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_helpers import QT_WARNINGS_IGNORED, build_sample_library  # noqa: E402

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Any Qt warning (or worse) logged during a GUI test fails it, as qutebrowser does."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_WARNINGS_IGNORED))


@pytest.fixture(scope="session")
def sample_library_template(tmp_path_factory) -> Path:
    """One library with the five sample digests imported, built once per session."""
    return build_sample_library(tmp_path_factory.mktemp("sample-library"))


@pytest.fixture
def sample_library_dir(sample_library_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample library for one test."""
    folder = tmp_path / "sample-library"
    shutil.copytree(sample_library_template, folder)
    return folder


@pytest.fixture
def settings(tmp_path: Path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def library(sample_library_dir: Path):
    from reader.store import Library

    lib = Library(sample_library_dir)
    yield lib
    lib.close()


@pytest.fixture
def empty_library(library_dir: Path):
    from reader.store import Library

    lib = Library(library_dir)
    yield lib
    lib.close()


@pytest.fixture
def make_window(qtbot, settings, tmp_path: Path):
    """make_window(library) -> MainWindow over an ImmediateWorker, watcher off."""
    from reader.gui.main_window import MainWindow
    from reader.gui.worker import ImmediateWorker

    windows = []

    def make(library, watch_dir: Path | None = None):
        worker = ImmediateWorker(library)
        window = MainWindow(
            library, worker, library.folder, watch_dir or tmp_path / "watch", settings=settings,
            start_watcher=False,
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def window(make_window, library):
    made = make_window(library)
    yield made
    made.close()  # before the library closes: no timer may read it afterwards



@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every URL handed to QDesktopServices.openUrl instead of opening it."""
    from PySide6.QtGui import QDesktopServices

    calls: list[str] = []

    def record(url) -> bool:
        calls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return calls

"""Shared fixtures: every test gets Qt's offscreen platform and its own library folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Set before anything imports Qt, so GUI tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Test modules import the sample-digest helpers as `shared_data`, whatever folder they sit in.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import SAMPLES_DIR  # noqa: E402  (../shared/digests; may be absent)

# bench/corpus.py reads DIGEST_SAMPLES_DIR; point it at the same ../shared, never elsewhere.
os.environ.setdefault("DIGEST_SAMPLES_DIR", str(SAMPLES_DIR))

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """An empty folder for a library of its own."""
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


@pytest.fixture
def library(library_dir: Path):
    """An empty library on a temporary SQLite file, closed after the test."""
    from reader.store import Library

    lib = Library(library_dir)
    yield lib
    lib.close()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES_DIR


@pytest.fixture(autouse=True)
def reset_app_theme():
    """A window applies its theme to the whole QApplication; no later test may inherit it."""
    app = _qt_application()
    saved = (app.palette(), app.styleSheet()) if app else None
    yield
    app = _qt_application()
    if app is not None and saved is not None:
        app.setStyleSheet(saved[1])
        app.setPalette(saved[0])


def _qt_application():
    """The running QApplication, without importing Qt in tests that never did."""
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets.QApplication.instance() if widgets else None

"""Shared fixtures: every test gets Qt's offscreen platform and its own library folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before anything imports Qt, so GUI tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "digests"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """An empty folder for a library of its own."""
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


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

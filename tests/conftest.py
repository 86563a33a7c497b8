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

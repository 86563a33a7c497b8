"""Helpers shared by the GUI and end-to-end tests."""

from __future__ import annotations

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "shared" / "digests"
SAMPLE_FILES = sorted(SAMPLES_DIR.glob("0*.txt"))

# The offscreen platform cannot resize native windows and says so; that is not our bug.
QT_WARNINGS_IGNORED = ("This plugin does not support propagateSizeHints",)


def build_sample_library(folder: Path) -> Path:
    """Import the five sample digests into a library at folder; returns folder."""
    from reader import importer
    from reader.library import Library

    library = Library(folder)
    try:
        results = importer.import_paths(library, SAMPLE_FILES)
        assert [r.status for r in results] == ["imported"] * len(SAMPLE_FILES), results
    finally:
        library.close()
    return folder

"""Helpers shared by the GUI and end-to-end tests."""

from __future__ import annotations

from pathlib import Path

from shared_data import SAMPLES_DIR, needs_samples, require_samples, sample_files  # noqa: F401

# [] when ../shared/digests is absent: a test using it needs @needs_samples or a sample library.
SAMPLE_FILES = sample_files("0*.txt")

# The offscreen platform cannot resize native windows and says so; that is not our bug.
QT_WARNINGS_IGNORED = ("This plugin does not support propagateSizeHints",)


def build_sample_library(folder: Path) -> Path:
    """Import the five sample digests into a library at folder; returns folder.

    Skips the test (and so every test on the sample library) when ../shared/digests is absent.
    """
    require_samples()
    from reader.ingest import importer
    from reader.store import Library

    library = Library(folder)
    try:
        results = importer.import_paths(library, SAMPLE_FILES)
        assert [r.status for r in results] == ["imported"] * len(SAMPLE_FILES), results
    finally:
        library.close()
    return folder

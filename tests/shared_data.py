"""The one place that knows where the real sample digests live: ../shared beside the checkout.

They are never copied into the project, so a fresh clone has none; every test that reads them
goes through these helpers and skips, naming the folder, when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO.parent / "shared"
SAMPLES_DIR = SHARED_DIR / "digests"
CORPUS_DIR = SHARED_DIR / "corpus"

SKIP_REASON = "../shared/digests is absent: the sample digests live beside the project, not in it"


def samples_present() -> bool:
    return SAMPLES_DIR.is_dir()


# For tests and classes: @needs_samples skips them, with the reason, when the folder is absent.
needs_samples = pytest.mark.skipif(not samples_present(), reason=SKIP_REASON)


def require_samples() -> Path:
    """SAMPLES_DIR, or skip the calling test (or fixture) when it is absent."""
    if not samples_present():
        pytest.skip(SKIP_REASON)
    return SAMPLES_DIR


def sample_path(name: str) -> Path:
    """The path of one sample digest; skips when ../shared/digests is absent."""
    return require_samples() / name


def read_sample(name: str, encoding: str = "utf-8") -> str:
    """The text of one sample digest; skips when ../shared/digests is absent."""
    return sample_path(name).read_text(encoding=encoding)


def sample_files(pattern: str = "*.txt") -> list[Path]:
    """The sample digests matching pattern, sorted; [] (never an error) when the folder is absent.

    Safe at import time; a test using the list must still call require_samples() or be marked
    @needs_samples, so an empty list skips it instead of testing nothing.
    """
    return sorted(SAMPLES_DIR.glob(pattern)) if samples_present() else []

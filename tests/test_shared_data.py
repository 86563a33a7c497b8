"""Tests that read the sample digests in ../shared skip, naming the folder, when it is absent."""

from __future__ import annotations

import pytest

import shared_data
from shared_data import REPO, SAMPLES_DIR, SHARED_DIR, SKIP_REASON, require_samples, sample_path


def test_the_samples_live_beside_the_project_not_in_it():
    assert SHARED_DIR == REPO.parent / "shared"
    assert SAMPLES_DIR == SHARED_DIR / "digests"
    assert REPO not in SAMPLES_DIR.parents


def test_the_skip_reason_names_the_folder():
    assert "../shared/digests" in SKIP_REASON and "absent" in SKIP_REASON


def test_without_the_folder_every_helper_skips_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(shared_data, "SAMPLES_DIR", tmp_path / "missing" / "digests")
    assert not shared_data.samples_present()
    assert shared_data.sample_files() == []
    for call in (require_samples, lambda: sample_path("000.txt"), lambda: shared_data.read_sample("000.txt")):
        with pytest.raises(pytest.skip.Exception, match="../shared/digests is absent"):
            call()


def test_with_the_folder_the_helpers_find_the_samples(monkeypatch, tmp_path):
    (tmp_path / "digests").mkdir()
    (tmp_path / "digests" / "000_x.txt").write_text("a digest", encoding="utf-8")
    monkeypatch.setattr(shared_data, "SAMPLES_DIR", tmp_path / "digests")
    assert shared_data.sample_files() == [tmp_path / "digests" / "000_x.txt"]
    assert shared_data.read_sample("000_x.txt") == "a digest"

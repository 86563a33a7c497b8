"""The benchmark's digest generator writes digests the real parsers read, with the planned overlaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import generate
from reader.ingest.importer import import_file
from reader.store import Library
from reader.parsers import parse_text
from shared_data import require_samples

SIZE = 120


@pytest.fixture(scope="module")
def digests(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    # bench/corpus.py draws its word pools from the samples (DIGEST_SAMPLES_DIR, set in conftest);
    # its fallback pools are too small for a whole run, so without ../shared/digests this skips.
    require_samples()
    folder = tmp_path_factory.mktemp("bench") / "digests"
    return folder, generate.generate(SIZE, folder, log=lambda *_: None)


def test_every_format_is_generated(digests: tuple[Path, dict]) -> None:
    _, manifest = digests
    assert {f["format"] for f in manifest["files"]} == set(generate.FORMATS)


def test_real_parsers_find_every_generated_entry(digests: tuple[Path, dict]) -> None:
    folder, manifest = digests
    for file in manifest["files"]:
        parsed = parse_text((folder / file["name"]).read_text(encoding="utf-8"))
        assert (parsed.format, len(parsed.entries)) == (file["format"], file["entries"]), file["name"]


def test_library_holds_exactly_the_planned_papers(digests: tuple[Path, dict], tmp_path: Path) -> None:
    folder, manifest = digests
    with Library(tmp_path / "library") as library:
        results = [import_file(library, folder / f["name"]) for f in manifest["files"]]
        assert [r.status for r in results] == ["imported"] * len(results)
        assert library.count() == SIZE
        # Repeated papers merged instead of being added twice.
        assert sum(r.merged for r in results) == sum(f["entries"] for f in manifest["files"]) - SIZE
        assert sum(r.merged for r in results) > 0


def test_papers_are_a_function_of_their_index() -> None:
    first, again, other = generate.paper(41), generate.paper(41), generate.paper(42)
    assert first == again
    assert first.title != other.title and first.arxiv_id != other.arxiv_id
    assert 150 <= len(first.abstract.split()) <= 270

"""The bench's search floor finds what the app finds, and its text measure reads any schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import floor, generate, mix
from bench.measure import RAW_TEXT_COLUMNS, apply_user_state, raw_text_bytes
from reader.ingest.importer import import_file
from reader.store import Library
from shared_data import require_samples

SIZE = 200


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    require_samples()  # bench/corpus.py's fallback pools are too small for real digests
    root = tmp_path_factory.mktemp("bench-floor")
    manifest = generate.generate(SIZE, root / "digests", log=lambda *_: None)
    lib = Library(root / "library")
    for file in manifest["files"]:
        import_file(lib, root / "digests" / file["name"])
    apply_user_state(lib)
    yield lib
    lib.close()


@pytest.mark.parametrize("plan", sorted(floor.PLANS))
def test_the_floor_finds_the_count_and_first_page_the_app_finds(library: Library, plan: str) -> None:
    conn = floor.connect(library.path)
    for query in mix.QUERIES:
        total, rows, tags = floor.floor_search(conn, query, plan)
        page = library.rows(query, limit=floor.PAGE)
        assert (total, [r[0] for r in rows]) == (library.count(query), [r.id for r in page]), query
        assert sorted(tags) == sorted((r.id, t) for r in page for t in r.tags), query
    conn.close()


def test_every_query_of_the_mix_has_a_floor_and_most_match(library: Library) -> None:
    assert set(floor.FLOOR_SQL) == set(mix.QUERIES)
    # so that the comparison above compares pages, not only empty results (rare words and
    # narrow combinations find nothing among 200 papers)
    assert sum(library.count(q) > 0 for q in mix.QUERIES) >= len(mix.QUERIES) * 2 // 3


def test_the_rare_word_is_the_generators_word_of_that_rank() -> None:
    words, weights = generate.vocabulary()
    assert words[mix.RARE_RANK - 1] == mix.RARE_WORD
    assert len(words) == len(weights) == len(set(words)) == generate.VOCABULARY_SIZE
    # Coined words can never be a method name (ending in a vowel) or its prefix (ending in x).
    assert mix.RARE_WORD[-1] == "x" and len(mix.RARE_WORD) == 7
    assert all(not generate.method_name(i).lower().startswith(mix.RARE_WORD) for i in range(5000))


def test_raw_text_counts_utf8_bytes_and_skips_missing_columns(tmp_path: Path) -> None:
    conn = sqlite3.connect(str(tmp_path / "t.sqlite3"))
    conn.execute("CREATE TABLE papers (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, title_key TEXT)")
    conn.execute("INSERT INTO papers VALUES (1, 'Añb', NULL, 'derived text not counted')")
    conn.execute("CREATE TABLE sightings (headline TEXT)")
    found = raw_text_bytes(conn)
    assert found["papers"] == len("Añb".encode()) and found["sightings"] == 0
    assert found["digests"] == 0 and set(found) == set(RAW_TEXT_COLUMNS)

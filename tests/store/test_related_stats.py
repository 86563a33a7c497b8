"""Related papers with cached document frequencies: the same results as counting afresh."""

from __future__ import annotations

from paper_factory import digest, entry
from reader.store import Library
from reader.store.related import TermStats, related_ids

TOPICS = ("photonic circuits lasers", "pasta sauce cooking", "graph neural message passing")


def fill(lib: Library, start: int, count: int, name: str) -> None:
    entries = [
        entry(f"Study {n} of {TOPICS[n % 3].split()[0]} things",
              arxiv_id=f"2402.{n:05d}",
              abstract=f"We examine {TOPICS[n % 3]} with method{n % 7} and variant{n % 11}.")
        for n in range(start, start + count)
    ]
    lib.store_digest(f"/tmp/{name}.md", f"sha-{name}", digest(*entries))


def test_cached_statistics_give_the_same_related_papers(library_dir):
    with Library(library_dir) as lib:
        fill(lib, 0, 60, "one")
        stats = TermStats()
        ids = lib.paper_ids(sort="added", descending=False)
        fresh = {i: related_ids(lib.conn, i, lib.count(), 10) for i in ids}
        cached = {i: related_ids(lib.conn, i, lib.count(), 10, stats) for i in ids}
        again = {i: related_ids(lib.conn, i, lib.count(), 10, stats) for i in ids}
        assert fresh == cached == again
        assert any(fresh.values())
        assert {i: lib.related(i) for i in ids} == fresh


def test_an_import_refreshes_the_cached_statistics(library_dir):
    with Library(library_dir) as lib:
        fill(lib, 0, 30, "one")
        stats = TermStats()
        first = lib.paper_ids(sort="added", descending=False)[0]
        related_ids(lib.conn, first, lib.count(), 10, stats)
        fill(lib, 30, 60, "two")  # the words' frequencies change
        assert related_ids(lib.conn, first, lib.count(), 10, stats) == related_ids(
            lib.conn, first, lib.count(), 10)


def test_query_terms_are_capped(library_dir, monkeypatch):
    from reader.store import related

    with Library(library_dir) as lib:
        fill(lib, 0, 60, "one")
        seen = []
        original = related._distinctive_terms
        monkeypatch.setattr(related, "_distinctive_terms",
                            lambda *a, **k: seen.append(original(*a, **k)) or seen[-1])
        for paper_id in lib.paper_ids():
            lib.related(paper_id)
        assert seen and all(len(terms) <= related.MAX_TERMS for terms in seen)

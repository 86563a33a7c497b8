"""One library size: import (project and baseline), user state, searches, window, RSS, file size."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import baseline
from bench.generate import CACHE_DIR, ensure_digests
from reader.ingest.importer import import_file
from reader.store import DB_NAME, Library

REPO = Path(__file__).resolve().parent.parent
SEARCH_REPEATS = 5
# Ten typical queries: words, a phrase, filters on user state, and combinations.
QUERIES = tuple(baseline.QUERY_SQL)
TAGS = ("toread", "llm", "vision", "agents", "survey", "important")
Log = Callable[[str], None]


class UserStatePlan:
    """Which papers (by position in id order) are read, rated and tagged: the same shares
    for the project's library and the baseline."""

    @staticmethod
    def read(ids: list[int]) -> list[int]:
        return ids[::10]

    @staticmethod
    def ratings(ids: list[int]) -> dict[int, list[int]]:
        chosen: dict[int, list[int]] = {r: [] for r in range(1, 6)}
        for k, paper_id in enumerate(ids[::20]):
            chosen[1 + k % 5].append(paper_id)
        return chosen

    @staticmethod
    def tags(ids: list[int]) -> dict[str, list[int]]:
        chosen: dict[str, list[int]] = {t: [] for t in TAGS}
        for k, paper_id in enumerate(ids[::25]):
            chosen[TAGS[k % len(TAGS)]].append(paper_id)
        already = set(chosen["toread"])
        chosen["toread"].extend(i for i in ids[7::40] if i not in already)
        return chosen


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def warm_cache(files: list[Path]) -> None:
    """Read every file once so neither importer pays for the disk first."""
    for file in files:
        file.read_bytes()


def db_megabytes(path: Path) -> float:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return round(path.stat().st_size / 2**20, 1)


def import_both(files: list[Path], library_dir: Path, baseline_db: Path, log: Log) -> dict:
    """Import every digest with import_file and with the baseline, file by file in turn,
    so both see the same load on a shared machine."""
    shutil.rmtree(library_dir, ignore_errors=True)
    library = Library(library_dir)
    plain = baseline.BaselineImporter(baseline_db)
    project_s = 0.0
    failed = []
    for number, file in enumerate(files, start=1):
        begin = time.perf_counter()
        result = import_file(library, file)
        project_s += time.perf_counter() - begin
        if result.status != "imported":
            failed.append(f"{file.name}: {result.error}")
        plain.import_file(file)
        if number % 50 == 0:
            log(f"  imported {number}/{len(files)} digests ({project_s:.0f} s so far)")
    papers = library.count()
    library.close()
    plain.close()
    totals = {"seconds": plain.seconds, "parse": plain.parse_seconds, "store": plain.store_seconds}
    return {"project_s": project_s, "baseline": totals, "papers": papers, "failed": failed}


def apply_user_state(library: Library) -> float:
    """Read marks, ratings and tags through the Library API; returns the seconds it took."""
    begin = time.perf_counter()
    ids = library.paper_ids(sort="added", descending=False)
    ids.sort()
    library.set_read(UserStatePlan.read(ids), True)
    for rating, chosen in UserStatePlan.ratings(ids).items():
        library.set_rating(chosen, rating)
    for tag, chosen in UserStatePlan.tags(ids).items():
        library.add_tags(chosen, [tag])
    return time.perf_counter() - begin


def time_queries(run: Callable[[str], object]) -> tuple[list[float], dict[str, float]]:
    samples, per_query = [], {}
    for query in QUERIES:
        times = []
        for _ in range(SEARCH_REPEATS):
            begin = time.perf_counter()
            run(query)
            times.append(time.perf_counter() - begin)
        samples.extend(times)
        per_query[query] = _ms(statistics.median(times))
    return samples, per_query


def project_search(library: Library, first_run: bool = False) -> Callable[[str], object]:
    """What the paper list does for a query: count, then the first page of rows;
    first_run: with no count remembered from an earlier run (what a user typing feels)."""
    def run(query: str) -> object:
        if first_run and hasattr(library.planner, "forget"):
            library.planner.forget()
        library.count(query)
        return library.rows(query, limit=200)
    return run


def related_times(library: Library, papers: int = 20) -> dict:
    """related() for papers spread over the library, each asked once (a fresh library
    object, so the first call pays for the word statistics), then again."""
    ids = library.paper_ids(sort="added", descending=False)
    chosen = ids[:: max(1, len(ids) // papers)][:papers]
    first, again = [], []
    for paper_id in chosen:
        begin = time.perf_counter()
        library.related(paper_id)
        first.append(time.perf_counter() - begin)
    for paper_id in chosen:
        begin = time.perf_counter()
        library.related(paper_id)
        again.append(time.perf_counter() - begin)
    return {"related_ms": _ms(statistics.median(first)), "related_max_ms": _ms(max(first)),
            "related_repeat_ms": _ms(statistics.median(again))}


def best_of(run: Callable[[], object], times: int = 5) -> float:
    best = float("inf")
    for _ in range(times):
        begin = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - begin)
    return best


def open_window(library_dir: Path) -> dict:
    """bench.open_window in a fresh process (its RSS is the app's own)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.open_window", str(library_dir)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def empty_library_window() -> dict:
    folder = CACHE_DIR / "lib-empty"
    shutil.rmtree(folder, ignore_errors=True)
    Library(folder).close()
    return open_window(folder)


def measure_size(size: int, empty_window: dict, log: Log) -> dict:
    digests_dir, manifest = ensure_digests(size, log)
    files = [digests_dir / f["name"] for f in manifest["files"]]
    warm_cache(files)
    library_dir = CACHE_DIR / f"lib-{size}"
    baseline_db = CACHE_DIR / f"baseline-{size}.sqlite3"
    log(f"importing {len(files)} digests ({manifest['bytes'] / 1e6:.0f} MB) ...")
    imported = import_both(files, library_dir, baseline_db, log)
    base = imported["baseline"]
    figures: dict = {
        "papers": imported["papers"],
        "papers_expected": manifest["papers"],
        "digests": len(files),
        "entries": sum(f["entries"] for f in manifest["files"]),
        "import_s": round(imported["project_s"], 2),
        "import_papers_per_s": round(size / imported["project_s"], 1),
        "baseline_import_s": round(base["seconds"], 2),
        "baseline_parse_s": round(base["parse"], 2),
        "baseline_store_s": round(base["store"], 2),
        "import_ratio_to_baseline": round(imported["project_s"] / base["seconds"], 2),
        "import_ratio_to_raw_insert": round(
            (imported["project_s"] - base["parse"]) / max(base["store"], 1e-9), 2
        ),
        "import_failures": imported["failed"][:5],
    }
    log("user state, searches ...")
    with Library(library_dir) as library:
        figures["user_state_ms"] = _ms(apply_user_state(library))
        first_samples, first_per_query = time_queries(project_search(library, first_run=True))
        samples, per_query = time_queries(project_search(library))
    with Library(library_dir) as library:
        figures.update(related_times(library))
    conn = baseline.connect(baseline_db)
    baseline.apply_user_state(conn, UserStatePlan)
    base_samples, base_per_query = time_queries(lambda q: baseline.search(conn, q))
    figures.update({
        "search_median_ms": _ms(statistics.median(samples)),
        "search_p95_ms": _ms(_percentile(samples, 0.95)),
        "baseline_search_median_ms": _ms(statistics.median(base_samples)),
        "search_ratio_to_baseline": _ratio(statistics.median(samples), statistics.median(base_samples)),
        "search_ms_by_query": per_query,
        "search_first_median_ms": _ms(statistics.median(first_samples)),
        "search_first_p95_ms": _ms(_percentile(first_samples, 0.95)),
        "search_first_ratio_to_baseline": _ratio(statistics.median(first_samples),
                                                 statistics.median(base_samples)),
        "search_first_ms_by_query": first_per_query,
        "baseline_search_ms_by_query": base_per_query,
    })
    conn.close()
    figures.update(baseline_views(baseline_db))
    log("opening the window in a fresh process ...")
    window = open_window(library_dir)
    figures.update(window_figures(window, empty_window, figures))
    figures["db_mb"] = db_megabytes(library_dir / DB_NAME)
    figures["baseline_db_mb"] = db_megabytes(baseline_db)
    figures["db_ratio_to_baseline"] = _ratio(figures["db_mb"], figures["baseline_db_mb"])
    return figures


def baseline_views(baseline_db: Path) -> dict:
    """The plain-SQL cost of what the window shows: open (connect + first page), sort, filter."""
    def opened() -> None:
        conn = baseline.connect(baseline_db)
        baseline.open_list(conn)
        conn.close()
    conn = baseline.connect(baseline_db)
    views = {
        "baseline_open_ms": _ms(best_of(opened)),
        "baseline_sort_ms": _ms(best_of(lambda: baseline.sort_by_title(conn))),
        "baseline_filter_ms": _ms(best_of(lambda: baseline.filter_unread(conn))),
    }
    conn.close()
    return views


def window_figures(window: dict, empty: dict, figures: dict) -> dict:
    if "error" in window:
        return {"open_window_ms": None, "sort_ms": None, "filter_ms": None, "rss_mb": None,
                "rss_empty_mb": empty.get("rss_mb"), "window_error": window["error"]}
    keys = ("open_window_ms", "sort_ms", "sort_max_ms", "filter_ms", "filter_max_ms",
            "sort_paint_ms", "sort_paint_max_ms", "filter_paint_ms", "filter_paint_max_ms",
            "rss_mb", "import_ms", "sort_ms_by_column", "filter_ms_by_entry",
            "keystroke_ms_by_query", "keystroke_median_ms", "keystroke_p95_ms", "keystroke_max_ms",
            "keystroke_repeat_median_ms", "scroll_worst_ms", "scroll_fetches", "scroll_total_s",
            "scroll_rss_growth_mb",
            "sort_paint_ms_by_column", "filter_paint_ms_by_entry", "rows_loaded")
    result = {key: window.get(key) for key in keys}
    result["startup_imports_ms"] = result.pop("import_ms")
    result["rss_empty_mb"] = empty.get("rss_mb")
    result["open_window_empty_ms"] = empty.get("open_window_ms")
    result["open_ratio_to_baseline"] = _ratio(window["open_window_ms"], figures["baseline_open_ms"])
    result["sort_ratio_to_baseline"] = _ratio(window["sort_ms"], figures["baseline_sort_ms"])
    result["filter_ratio_to_baseline"] = _ratio(window["filter_ms"], figures["baseline_filter_ms"])
    if empty.get("rss_mb"):
        result["rss_growth_mb"] = round(window["rss_mb"] - empty["rss_mb"], 1)
        result["rss_ratio_to_empty"] = _ratio(window["rss_mb"], empty["rss_mb"])
    return result


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 2)

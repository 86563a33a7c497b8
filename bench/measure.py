"""One library size: import, searches against their floors, bulk tag, window, RSS, file against its text.

Import is timed against the baseline (bench.baseline), the search path against hand-written
SQL on the same file (bench.floor), bulk tagging against plain inserts, the window's cold
open against a warm one and its process start against an empty library's, the library file
against the raw text it holds: each pair measured in the same run.
"""

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

from bench import baseline, floor
from bench.generate import CACHE_DIR, ensure_digests
from bench.mix import QUERIES
from reader.ingest.importer import import_file
from reader.store import DB_NAME, Library

REPO = Path(__file__).resolve().parent.parent
SEARCH_REPEATS = 5
OPEN_ROUNDS = 3  # cold and warm opens, taking turns; the medians are reported
BULK_TAG_PAPERS = 10_000
BULK_TAG_ROUNDS = 3
TAGS = ("toread", "llm", "vision", "agents", "survey", "important")
Log = Callable[[str], None]
# The text a user's digests (and notes and tags) bring into the library, per table: what
# the library file is held against (db_to_text_ratio). Left out: what the library derives
# or keeps for itself (title_key, first_author, added, seen, citation_key; a digest's sha256,
# format, status and counts; sightings' positions and scores), which is the file's own
# overhead. A column the schema does not have (yet, or any more) counts as empty.
RAW_TEXT_COLUMNS = {
    "papers": (
        "title", "authors", "abstract", "translation",
        "abs_url", "pdf_url", "code_url", "homepage_url",
        "arxiv_id", "doi", "published", "updated", "primary_category", "categories",
        "journal_ref",
    ),
    "sightings": ("headline", "summary", "detail", "topic", "subscores"),
    "digests": ("path",),
    "paper_state": ("note",),
    "paper_tags": ("tag",),
}


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


def library_file_bytes(path: Path) -> int:
    """The library file and its WAL after a TRUNCATE checkpoint (what a backup must copy)."""
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def raw_text_bytes(conn: sqlite3.Connection) -> dict[str, int]:
    """UTF-8 bytes of the text in RAW_TEXT_COLUMNS, per table (one scan of each)."""
    found = {}
    for table, columns in RAW_TEXT_COLUMNS.items():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        sums = [f"coalesce(sum(length(CAST({c} AS BLOB))), 0)" for c in columns if c in present]
        found[table] = conn.execute(f"SELECT {' + '.join(sums)} FROM {table}").fetchone()[0] if sums else 0
    return found


def file_against_text(path: Path) -> dict:
    """db_to_text_ratio: the library file over the raw text it holds, and both in MB."""
    size = library_file_bytes(path)
    conn = sqlite3.connect(str(path))
    text = raw_text_bytes(conn)
    conn.close()
    total = sum(text.values())
    return {
        "db_to_text_ratio": _ratio(size, total), "text_mb": round(total / 2**20, 1),
        "library_file_mb": round(size / 2**20, 1),
        "text_mb_by_table": {t: round(b / 2**20, 2) for t, b in text.items()},
    }


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
            log(f"  imported {number}/{len(files)} digests ({project_s:.0f} s so far,"
                f" baseline {plain.seconds:.0f} s)")
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


def _timed(run: Callable[[], object]) -> float:
    begin = time.perf_counter()
    run()
    return time.perf_counter() - begin


def time_queries(run: Callable[[str], object], queries=QUERIES) -> dict[str, list[float]]:
    """Seconds of each run of each query, SEARCH_REPEATS runs in a row."""
    return {q: [_timed(lambda: run(q)) for _ in range(SEARCH_REPEATS)] for q in queries}


def flat(samples: dict[str, list[float]], queries=None) -> list[float]:
    return [t for q, times in samples.items() if queries is None or q in queries for t in times]


def medians_ms(samples: dict[str, list[float]]) -> dict[str, float]:
    return {q: _ms(statistics.median(times)) for q, times in samples.items()}


def project_search(library: Library, first_run: bool = False) -> Callable[[str], tuple]:
    """What the paper list does for a query: count, then the first page of rows;
    first_run: with no count remembered from an earlier run (what a user typing feels)."""
    def run(query: str) -> tuple:
        if first_run and hasattr(library.planner, "forget"):
            library.planner.forget()
        return library.count(query), library.rows(query, limit=200)
    return run


def search_against_floor(library: Library) -> dict:
    """The app's search path (first runs) against the floor (bench.floor) on the same file,
    taking turns run by run, so both see the same load. Per query the floor is its faster
    plan; the results are checked to be the same (count and first page)."""
    conn = floor.connect(library.path)
    app_run = project_search(library, first_run=True)
    app: dict[str, list[float]] = {}
    best: dict[str, list[float]] = {}
    plans, mismatches = {}, []
    for query in QUERIES:
        app[query], by_plan = [], {plan: [] for plan in floor.PLANS}
        running = list(floor.PLANS)
        for _ in range(SEARCH_REPEATS):
            app[query].append(_timed(lambda: app_run(query)))
            for plan in running:
                by_plan[plan].append(_timed(lambda: floor.floor_search(conn, query, plan)))
            # A plan 5x slower than the other after a run is not the floor: at 1M its
            # repeats would cost seconds each (sorting every match of a common word).
            fastest = min(by_plan[plan][-1] for plan in running)
            running = [plan for plan in running if by_plan[plan][-1] <= 5 * fastest]
        plans[query] = min(running, key=lambda plan: statistics.median(by_plan[plan]))
        best[query] = by_plan[plans[query]]
        count, rows = app_run(query)
        for plan in floor.PLANS:
            total, page, _ = floor.floor_search(conn, query, plan)
            if (total, [r[0] for r in page]) != (count, [r.id for r in rows]):
                mismatches.append(f"{query} ({plan}): floor {total}, app {count} matches")
    conn.close()
    app_median, floor_median = statistics.median(flat(app)), statistics.median(flat(best))
    return {
        "app_samples": app,
        "search_app_median_ms": _ms(app_median),
        "search_floor_median_ms": _ms(floor_median),
        "search_to_floor_ratio": _ratio(app_median, floor_median),
        "search_floor_ms_by_query": medians_ms(best),
        "search_floor_plan_by_query": plans,
        "search_to_floor_by_query": {
            q: _ratio(statistics.median(app[q]), statistics.median(best[q])) for q in QUERIES
        },
        "search_floor_mismatches": mismatches,
    }


def bulk_tag(library: Library, papers: int = BULK_TAG_PAPERS) -> dict:
    """One tag added to (and taken off) `papers` papers spread over the library at once,
    through the Library API; the floor is the same rows inserted and deleted by plain SQL
    in one transaction on the same file (the schema's triggers fire for both). Rounds take
    turns; medians."""
    ids = sorted(library.paper_ids(sort="added"))
    chosen = ids[::max(1, len(ids) // papers)][:papers]
    conn = floor.connect(library.path)
    rows = [(paper_id,) for paper_id in chosen]

    def by_hand(sql: str) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")

    tag, untag, tag_floor, untag_floor = [], [], [], []
    for _ in range(BULK_TAG_ROUNDS):
        tag.append(_timed(lambda: library.add_tags(chosen, ["bulk"])))
        untag.append(_timed(lambda: library.remove_tags(chosen, ["bulk"])))
        tag_floor.append(_timed(lambda: by_hand(
            "INSERT INTO paper_tags (paper_id, tag) VALUES (?, 'bulkfloor')")))
        untag_floor.append(_timed(lambda: by_hand(
            "DELETE FROM paper_tags WHERE paper_id = ? AND tag = 'bulkfloor'")))
    conn.close()
    median = statistics.median
    return {
        "bulk_tag_papers": len(chosen),
        "bulk_tag_10k_s": round(median(tag), 3),
        "bulk_untag_10k_s": round(median(untag), 3),
        "bulk_tag_floor_s": round(median(tag_floor), 3),
        "bulk_untag_floor_s": round(median(untag_floor), 3),
        "bulk_tag_ratio_to_floor": _ratio(median(tag), median(tag_floor)),
    }


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


def open_window(library_dir: Path, env: dict | None = None, *options: str) -> dict:
    """bench.open_window in a fresh process (its RSS is the app's own), on the display of
    `env` (bench.display; offscreen without one). The process start is stamped just
    before spawning it, for its start_to_window_ms."""
    env = env or {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "bench.open_window", str(library_dir), *options]
    done = subprocess.run([*command, "--spawned-at", repr(time.time())],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def open_times(library_dir: Path, env: dict | None, cold: bool = True) -> dict:
    """Opening the window in fresh processes, OPEN_ROUNDS times: after dropping the
    library file from the page cache (cold), then again without (warm); medians. Also
    the time from spawning the process to the first paint of the table."""
    runs: dict[str, list[dict]] = {"cold": [], "warm": []}
    for _ in range(OPEN_ROUNDS):
        for kind in ("cold", "warm") if cold else ("warm",):
            found = open_window(library_dir, env, "--cold" if kind == "cold" else "--open-only")
            if "error" in found:
                return {"open_times_error": found["error"]}
            runs[kind].append(found)

    def median(kind: str, key: str) -> float | None:
        values = [run[key] for run in runs[kind] if run.get(key) is not None]
        return round(statistics.median(values), 2) if values else None

    figures = {
        "warm_open_ms": median("warm", "open_window_ms"),
        "start_to_window_ms": median("warm", "start_to_window_ms"),
        "warm_open_samples_ms": [run["open_window_ms"] for run in runs["warm"]],
        "start_to_window_samples_ms": [run.get("start_to_window_ms") for run in runs["warm"]],
        "gui_platform_reported": runs["warm"][0].get("platform") if runs["warm"] else None,
    }
    if cold:
        figures.update({
            "cold_open_ms": median("cold", "open_window_ms"),
            "cold_start_to_window_ms": median("cold", "start_to_window_ms"),
            "cold_open_samples_ms": [run["open_window_ms"] for run in runs["cold"]],
            "cold_to_warm_ratio": _ratio(median("cold", "open_window_ms"),
                                         median("warm", "open_window_ms")),
        })
    return figures


def empty_library_window(env: dict | None = None) -> dict:
    folder = CACHE_DIR / "lib-empty"
    shutil.rmtree(folder, ignore_errors=True)
    Library(folder).close()
    window = open_window(folder, env)
    started = open_times(folder, env, cold=False)
    window["start_to_window_ms"] = started.get("start_to_window_ms")
    return window


def measure_size(size: int, empty_window: dict, log: Log, display=None) -> dict:
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
    log("user state, searches against their floor ...")
    with Library(library_dir) as library:
        figures["user_state_ms"] = _ms(apply_user_state(library))
        against = search_against_floor(library)
        first = against.pop("app_samples")
        repeats = time_queries(project_search(library))
    figures.update(against)
    log("related papers ...")
    with Library(library_dir) as library:
        figures.update(related_times(library))
    log("baseline searches ...")
    conn = baseline.connect(baseline_db)
    baseline.apply_user_state(conn, UserStatePlan)
    expressed = tuple(q for q in QUERIES if q in baseline.QUERY_SQL)
    base = time_queries(lambda q: baseline.search(conn, q), expressed)
    conn.close()
    base_median = statistics.median(flat(base))
    figures.update({
        "search_median_ms": _ms(statistics.median(flat(repeats))),
        "search_p95_ms": _ms(_percentile(flat(repeats), 0.95)),
        "baseline_search_median_ms": _ms(base_median),
        # over the queries the baseline can express, so both medians are of the same mix
        "search_ratio_to_baseline": _ratio(statistics.median(flat(repeats, expressed)), base_median),
        "search_ms_by_query": medians_ms(repeats),
        "search_first_median_ms": _ms(statistics.median(flat(first))),
        "search_first_p95_ms": _ms(_percentile(flat(first), 0.95)),
        "search_first_ratio_to_baseline": _ratio(statistics.median(flat(first, expressed)), base_median),
        "search_first_ms_by_query": medians_ms(first),
        "baseline_search_ms_by_query": medians_ms(base),
        "baseline_skipped_queries": [q for q in QUERIES if q not in expressed],
    })
    figures.update(baseline_views(baseline_db))
    env = display.env if display is not None else None
    figures["gui_platform"] = display.platform if display is not None else "offscreen"
    log(f"opening the window in a fresh process ({figures['gui_platform']}) ...")
    window = open_window(library_dir, env)
    figures.update(window_figures(window, empty_window, figures))
    log("opening the window cold and warm, from process start ...")
    figures.update(open_times(library_dir, env))
    if figures.get("start_to_window_ms") and empty_window.get("start_to_window_ms"):
        figures["start_to_window_empty_ms"] = empty_window["start_to_window_ms"]
        figures["start_ratio_to_empty"] = _ratio(figures["start_to_window_ms"],
                                                 empty_window["start_to_window_ms"])
    log("library file against its text, bulk tagging ...")
    figures.update(file_against_text(library_dir / DB_NAME))
    figures["db_mb"] = db_megabytes(library_dir / DB_NAME)
    figures["baseline_db_mb"] = db_megabytes(baseline_db)
    figures["db_ratio_to_baseline"] = _ratio(figures["db_mb"], figures["baseline_db_mb"])
    with Library(library_dir) as library:  # last: it leaves free pages in the file
        figures.update(bulk_tag(library))
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
            "keystroke_repeat_median_ms", "keystroke_by_date_ms_by_query", "keystroke_by_date_median_ms",
            "keystroke_by_date_p95_ms", "scroll_worst_ms", "scroll_fetches", "scroll_total_s",
            "scroll_rss_growth_mb", "scroll_rows", "scroll_error",
            "sort_paint_ms_by_column", "filter_paint_ms_by_entry", "rows_loaded")
    result = {key: window.get(key) for key in keys}
    result["startup_imports_ms"] = result.pop("import_ms")
    result["rss_empty_mb"] = empty.get("rss_mb")
    result["open_window_empty_ms"] = empty.get("open_window_ms")
    result["open_ratio_to_baseline"] = _ratio(window["open_window_ms"], figures["baseline_open_ms"])
    result["sort_ratio_to_baseline"] = _ratio(window["sort_ms"], figures["baseline_sort_ms"])
    result["filter_ratio_to_baseline"] = _ratio(window["filter_ms"], figures["baseline_filter_ms"])
    # The GUI's whole path for a typed query (reader thread, model, repaint) over the SQL floor
    # of the same mix.
    result["keystroke_ratio_to_floor"] = _ratio(window.get("keystroke_median_ms"),
                                                figures.get("search_floor_median_ms"))
    if empty.get("rss_mb"):
        result["rss_growth_mb"] = round(window["rss_mb"] - empty["rss_mb"], 1)
        result["rss_ratio_to_empty"] = _ratio(window["rss_mb"], empty["rss_mb"])
    return result


def _ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 2)

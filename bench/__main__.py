"""`python -m bench`: Digest Reader against plain sqlite3 on libraries of 1k, 100k and 1M papers."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from bench.display import Display
from bench.measure import empty_library_window, measure_size

DEFAULT_SIZES = (1000, 100_000, 1_000_000)

# (label, key, ratio key or None, unit)
ROWS = (
    ("import (papers/s)", "import_papers_per_s", None, ""),
    ("import vs baseline (x)", "import_ratio_to_baseline", None, ""),
    ("import vs raw insert (x)", "import_ratio_to_raw_insert", None, ""),
    ("search median", "search_median_ms", "search_ratio_to_baseline", "ms"),
    ("search p95", "search_p95_ms", None, "ms"),
    ("search, first run (median)", "search_first_median_ms", "search_first_ratio_to_baseline", "ms"),
    ("search, first run (p95)", "search_first_p95_ms", None, "ms"),
    ("search, app path vs floor", "search_app_median_ms", "search_to_floor_ratio", "ms"),
    ("search floor, same file", "search_floor_median_ms", None, "ms"),
    ("keystroke to repaint (median)", "keystroke_median_ms", "keystroke_ratio_to_floor", "ms"),
    ("keystroke to repaint (p95)", "keystroke_p95_ms", None, "ms"),
    ("keystroke, list sorted by date (median)", "keystroke_by_date_median_ms", None, "ms"),
    ("keystroke, list sorted by date (p95)", "keystroke_by_date_p95_ms", None, "ms"),
    ("scroll to bottom, worst fetch", "scroll_worst_ms", None, "ms"),
    ("scroll to bottom, RSS growth", "scroll_rss_growth_mb", None, "MB"),
    ("related (median, first call)", "related_ms", None, "ms"),
    ("bulk tag 10k papers", "bulk_tag_10k_s", "bulk_tag_ratio_to_floor", "s"),
    ("open window", "open_window_ms", "open_ratio_to_baseline", "ms"),
    ("open window, cold page cache", "cold_open_ms", "cold_to_warm_ratio", "ms"),
    ("open window, warm (same mode)", "warm_open_ms", None, "ms"),
    ("process start to window", "start_to_window_ms", "start_ratio_to_empty", "ms"),
    ("sort column (median)", "sort_ms", "sort_ratio_to_baseline", "ms"),
    ("sort column (worst)", "sort_max_ms", None, "ms"),
    ("sort + repaint (worst)", "sort_paint_max_ms", None, "ms"),
    ("sidebar filter (median)", "filter_ms", "filter_ratio_to_baseline", "ms"),
    ("sidebar filter (worst)", "filter_max_ms", None, "ms"),
    ("filter + repaint (worst)", "filter_paint_max_ms", None, "ms"),
    ("Python + Qt imports", "startup_imports_ms", None, "ms"),
    ("peak RSS", "rss_mb", "rss_ratio_to_empty", "MB"),
    ("peak RSS, empty library", "rss_empty_mb", None, "MB"),
    ("library file", "db_mb", "db_ratio_to_baseline", "MB"),
    ("raw text it holds", "text_mb", None, "MB"),
    ("library file / raw text", "db_to_text_ratio", None, "x"),
)


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }


def _cell(figures: dict, key: str, ratio_key: str | None, unit: str) -> str:
    value = figures.get(key)
    if value is None:
        return "n/a"
    if unit == "x":
        return f"{value:g}x"
    text = f"{value:,.2f}" if unit == "s" else f"{value:,.1f}"
    text += f" {unit}" if unit else ""
    ratio = figures.get(ratio_key) if ratio_key else None
    return f"{text} ({ratio:g}x)" if ratio is not None else text


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    header = ["figure"] + [f"{size:,} papers" for size in sizes]
    body = [[label] + [_cell(results[s], key, ratio, unit) for s in sizes]
            for label, key, ratio, unit in ROWS]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths)) for row in [header, *body]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _check(label: str, ok: bool | None, detail: str) -> dict:
    return {"target": label, "result": "n/a" if ok is None else "PASS" if ok else "MISS",
            "detail": detail}


def _get(results: dict, size: int, key: str) -> float | None:
    return results.get(size, {}).get(key)


def targets(results: dict[int, dict]) -> list[dict]:
    """The product targets, checked for the sizes that were measured."""
    checks = []
    small, mid, big = 1000, 100_000, 1_000_000
    if mid in results:
        ratio = _get(results, mid, "import_ratio_to_baseline")
        checks.append(_check("import 100k within 3x of baseline", None if ratio is None else ratio <= 3,
                             f"{ratio}x"))
        median = _get(results, mid, "search_median_ms")
        checks.append(_check("search median < 20 ms at 100k", median < 20, f"{median} ms"))
        if small in results:
            base = _get(results, small, "search_median_ms")
            checks.append(_check("search median 100k within 3x of 1k", median <= 3 * base,
                                 f"{median} ms vs {base} ms"))
        window = _get(results, mid, "open_window_ms")
        base = _get(results, small, "open_window_ms")
        if window is not None:
            checks.append(_check("window 100k < 1 s", window < 1000, f"{window} ms"))
            if base:
                checks.append(_check("window 100k within 2x of 1k", window <= 2 * base,
                                     f"{window} ms vs {base} ms"))
        for label, key in (("sort column", "sort_max_ms"), ("sidebar change", "filter_max_ms")):
            value = _get(results, mid, key)
            checks.append(_check(f"{label} < 50 ms at 100k (worst case)",
                                 None if value is None else value < 50, f"{value} ms"))
        growth = _get(results, mid, "rss_growth_mb")
        checks.append(_check("peak RSS 100k at most 150 MB above empty",
                             None if growth is None else growth <= 150, f"+{growth} MB"))
        cold = _get(results, mid, "cold_open_ms")
        checks.append(_check("cold-cache open to first paint <= 1 s at 100k",
                             None if cold is None else cold <= 1000, f"{cold} ms"))
        ratio = _get(results, mid, "search_to_floor_ratio")
        checks.append(_check("app search path within 2x of its SQL floor at 100k",
                             None if ratio is None else ratio <= 2, f"{ratio}x"))
    checks += issue_15_targets(results)
    if big in results:
        for key in ("open_window_ms", "search_median_ms", "search_p95_ms", "sort_max_ms", "filter_max_ms"):
            value = _get(results, big, key)
            checks.append(_check(f"1M {key} < 1 s", None if value is None else value < 1000, f"{value} ms"))
        if small in results:
            for key in ("open_window_ms", "search_median_ms"):
                value, base = _get(results, big, key), _get(results, small, key)
                ok = None if not (value and base) else value / base < 1000
                growth = f"{value / base:.1f}x for 1000x papers" if value and base else "n/a"
                checks.append(_check(f"1k->1M growth sublinear: {key}", ok, growth))
    return checks


# Issue 15's targets at 1M: (label, key, limit, unit). Without a 1M run they are listed
# as n/a, with the largest size's figure for a hint.
TARGETS_1M = (
    ("keystroke median <= 16 ms", "keystroke_median_ms", 16, "ms"),
    ("keystroke p95 <= 50 ms", "keystroke_p95_ms", 50, "ms"),
    ("related <= 50 ms", "related_ms", 50, "ms"),
    ("worst scroll fetch <= 16 ms", "scroll_worst_ms", 16, "ms"),
    ("scroll RSS growth <= 150 MB", "scroll_rss_growth_mb", 150, "MB"),
    ("bulk tag 10k <= 1 s", "bulk_tag_10k_s", 1, "s"),
    ("library file <= 2.5x the raw text it holds", "db_to_text_ratio", 2.5, "x"),
)


def issue_15_targets(results: dict[int, dict]) -> list[dict]:
    big = 1_000_000
    checks = []
    for label, key, limit, unit in TARGETS_1M:
        if big in results:
            value = _get(results, big, key)
            checks.append(_check(f"{label} at 1M", None if value is None else value <= limit,
                                 _with_unit(value, unit)))
        elif results:
            largest = max(results)
            checks.append(_check(f"{label} at 1M", None, f"1M not measured ({largest:,}:"
                                 f" {_with_unit(_get(results, largest, key), unit)})"))
    return checks


def _with_unit(value: float | None, unit: str) -> str:
    return f"{value}x" if unit == "x" else f"{value} {unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated library sizes (default: 1000,100000,1000000)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results: dict[int, dict] = {}
    with Display(log) as display:
        log(f"opening the window on an empty library ({display.platform}) ...")
        empty = empty_library_window(display.env)
        for size in sizes:
            log(f"== {size:,} papers")
            results[size] = measure_size(size, empty, log, display)
            if args.json:  # written after every size: a long 1M run keeps what it measured
                _write_json(args.json, results, [])
    checks = targets(results)
    print(table(results))
    print()
    for check in checks:
        print(f"{check['result']:4}  {check['target']}: {check['detail']}")
    for size, figures in results.items():
        if figures.get("papers") != figures.get("papers_expected") or figures.get("import_failures"):
            print(f"WARNING {size}: library holds {figures.get('papers')} papers,"
                  f" expected {figures.get('papers_expected')}; failures: {figures.get('import_failures')}")
        for key in ("window_error", "scroll_error", "open_times_error"):
            if figures.get(key):
                print(f"WARNING {size}: {key.removesuffix('_error')} not measured: {figures[key]}")
        if figures.get("search_floor_mismatches"):
            print(f"WARNING {size}: the floor found other results: {figures['search_floor_mismatches']}")
    if args.json:
        _write_json(args.json, results, checks)
    return 0


def _write_json(path: Path, results: dict[int, dict], checks: list[dict]) -> None:
    data = {"machine": machine(), "sizes": {str(s): f for s, f in results.items()}, "targets": checks}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())

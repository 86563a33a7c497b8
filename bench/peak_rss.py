"""`python -m bench.peak_rss`: peak memory and time to import a 49.9 MB digest of each format.

Each digest is one of the project's own fixtures grown to the size by repeating its entries
(the same papers again, so every format parses the whole file), plus an id flood. Each
import runs `digest-reader import` in a child process of its own; its peak RSS is the
child's maximum resident set size. Goal (issue 11): under 500 MB for every format.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
TARGET = int(49.9 * 1024 * 1024)
MEASURE = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    count = max(1, (size - len(head) - len(tail)) // max(1, len(unit.encode("utf-8"))))
    return head + unit * count + tail


def _between(text: str, start: str, end: str) -> tuple[str, str, str]:
    first, last = text.index(start), text.rindex(end) + len(end)
    return text[:first], text[first:last], text[last:]


def grown(kind: str, size: int) -> tuple[str, str]:
    """(file suffix, text of about `size` bytes) for one format."""
    read = lambda rel: (FIXTURES / rel).read_text(encoding="utf-8")  # noqa: E731
    if kind == "json":
        items = json.loads(read("json/hf_daily_papers.json"))
        unit = ",".join(json.dumps(item, ensure_ascii=False) for item in items)
        return ".json", "[" + _repeat(unit + ",", size)[:-1] + "]"
    if kind == "feed":
        head, items, tail = _between(read("feed/arxiv_rss_cs_lg.xml"), "<item>", "</item>")
        return ".xml", _repeat(items, size, head, tail)
    if kind == "csv":
        header, _, rows = read("csv/newsletter.csv").partition("\n")
        return ".csv", _repeat(rows if rows.endswith("\n") else rows + "\n", size, header + "\n")
    if kind == "id flood":
        return ".txt", _repeat("see arXiv:2401.01234 and 2312.00752\n", size)
    files = {
        "scored-list": ("scored_list/variants.md", ".md"),
        "arxiv-table": ("arxiv_table/two_topics.md", ".md"),
        "daily-papers": ("daily_papers/rich_copy.txt", ".txt"),
        "newsletter": ("newsletter/variant_issue.md", ".md"),
        "markdown lists and tables": ("records/weekly_tables.md", ".md"),
        "html cards": ("records/cards.html", ".html"),
        "bibtex": ("bibtex/reading_list.bib", ".bib"),
        "ris": ("ris/endnote_crlf.ris", ".ris"),
        "jsonl": ("json/daily_arxiv.jsonl", ".jsonl"),
        "arxiv-listing": ("arxiv_listing/cs_lg_daily.txt", ".txt"),
    }
    rel, suffix = files[kind]
    text = read(rel)
    return suffix, _repeat(text if text.endswith("\n") else text + "\n", size)


KINDS = (
    "scored-list", "arxiv-table", "daily-papers", "newsletter", "markdown lists and tables",
    "html cards", "bibtex", "ris", "json", "jsonl", "csv", "feed", "arxiv-listing", "id flood",
)


def measure(kind: str, size: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        suffix, text = grown(kind, size)
        path = Path(folder) / f"digest{suffix}"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "reader", "--library", str(Path(folder) / "lib"), "import", str(path), "--json"]
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        result = subprocess.run(
            [sys.executable, "-m", "reader", "--library", str(Path(folder) / "lib"), "digests", "--json"],
            capture_output=True, text=True,
        )
        digests = json.loads(result.stdout or "[]")
        outcome = digests[0] if digests else {}
    return {
        "format": kind,
        "mb": round(path_size(text), 1),
        "peak_rss_mb": round(int(done.stdout.strip() or 0) / 1024, 1),
        "seconds": round(seconds, 1),
        "status": outcome.get("status"),
        "detail": outcome.get("error") or f"{outcome.get('entries')} entries",
    }


def path_size(text: str) -> float:
    return len(text.encode("utf-8")) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=49.9, help="digest size in MB (default 49.9)")
    parser.add_argument("--only", nargs="*", choices=KINDS, help="measure only these formats")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    size = int(args.mb * 1024 * 1024)
    rows = []
    print(f"{'format':28} {'MB':>6} {'peak RSS MB':>12} {'s':>6}  outcome")
    for kind in args.only or KINDS:
        row = measure(kind, size)
        rows.append(row)
        detail = re.sub(r"\s+", " ", str(row["detail"]))[:70]
        print(f"{row['format']:28} {row['mb']:>6} {row['peak_rss_mb']:>12} {row['seconds']:>6}  {row['status']}: {detail}")
    worst = max(rows, key=lambda row: row["peak_rss_mb"])
    print(f"worst peak RSS: {worst['peak_rss_mb']} MB ({worst['format']}); goal < 500 MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

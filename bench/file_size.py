"""Library file size, import, bulk tag and search times on the bench's cached digests.

    python -m bench.file_size [--size 100000] [--keep FOLDER]

Imports the digests `python -m bench` generated (bench/.cache/digests-SIZE) into a fresh
library in a temporary folder and prints one JSON line: the file size and its ratio to
the text it holds (bench.measure.RAW_TEXT_COLUMNS, as `python -m bench` reports it), import
seconds, the bench's read/rate/tag set-up, tagging 10,000 papers at once (bench.measure.bulk_tag)
and the bench's search mix (first runs and repeats). Run it from another tree
(PYTHONPATH=that/tree) to compare two versions of the store on the same digests."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.measure import (
    apply_user_state, bulk_tag, file_against_text, flat, medians_ms, project_search, time_queries,
)
from reader.ingest.importer import import_file
from reader.store import DB_NAME, Library

DIGESTS = Path(__file__).resolve().parent / ".cache"


def file_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob(f"{DB_NAME}*") if ".bak-" not in p.name)


def measure(folder: Path, digests: Path) -> dict:
    files = sorted(p for p in digests.iterdir() if p.name != "manifest.json")
    figures: dict = {"schema": None, "digests": len(files)}
    with Library(folder) as library:
        figures["schema"] = library.schema_version
        begin = time.perf_counter()
        for file in files:
            import_file(library, file)
        figures["import_s"] = round(time.perf_counter() - begin, 1)
        figures["papers"] = library.count()
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        figures["file_mb"] = round(file_bytes(folder) / 1e6, 1)
        figures.update(file_against_text(library.path))
        digest_bytes = json.loads((digests / "manifest.json").read_text())["bytes"]
        figures["db_to_digests_ratio"] = round(file_bytes(folder) / digest_bytes, 2)
        figures["user_state_s"] = round(apply_user_state(library), 2)
        figures.update(bulk_tag(library))
        first = time_queries(project_search(library, first_run=True))
        repeats = time_queries(project_search(library))
        figures["search_first_median_ms"] = round(statistics.median(flat(first)) * 1000, 2)
        figures["search_median_ms"] = round(statistics.median(flat(repeats)) * 1000, 2)
        figures["search_ms_by_query"] = medians_ms(repeats)
        library.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        figures["file_mb_with_state"] = round(file_bytes(folder) / 1e6, 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    args = parser.parse_args(argv)
    digests = DIGESTS / f"digests-{args.size}"
    if not digests.is_dir():
        print(f"no {digests}: run `python -m bench --sizes {args.size}` once", file=sys.stderr)
        return 1
    if args.keep:
        figures = measure(args.keep, digests)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = measure(Path(tmp) / "library", digests)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

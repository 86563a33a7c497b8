"""How long a digest dropped into the watched folder takes to reach the library."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.store import Library
from reader.cli_watch import run_headless


def generated_digest(number: int, entries: int) -> str:
    """A scored-list digest whose papers (arXiv ids) belong to this number alone."""
    blocks = []
    for k in range(entries):
        index = number * entries + k
        arxiv_id = f"{2300 + index // 100000:04d}.{index % 100000:05d}"
        blocks.append(
            f"#### {k + 1}.Generated paper {number}-{k} about watched folders."
            f" [Link](http://arxiv.org/abs/{arxiv_id}v1)\n"
            f"#### GPT Score: {50 + k % 50}\n"
            "Innovation:10, Newness:10, Potential:10, Clarity:10, Relevance:10\n"
            "### Summary\n"
            f"The abstract of generated paper {number}-{k}, which exists to be timed.\n"
        )
    return "\n".join(blocks)


class WatchedLibrary:
    """run_headless on a thread over a fresh library, and a reader connection to poll it."""

    def __init__(self, root: Path, *, debounce: float, force_polling: bool) -> None:
        self.library_dir = root / "library"
        self.folder = root / "Digests"
        self.log: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=run_headless,
            args=(self.library_dir, self.folder),
            kwargs={"stop_event": self.stop, "log": self.log.append,
                    "debounce": debounce, "force_polling": force_polling},
            daemon=True,
        )

    def __enter__(self) -> WatchedLibrary:
        self.thread.start()
        _wait(lambda: any("waiting for new digests" in line for line in self.log), 30)
        self.reader = Library(self.library_dir)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.reader.close()
        self.stop.set()
        self.thread.join(30)

    def papers(self) -> int:
        return self.reader.count()


def _wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the library did not get the papers in time")
        time.sleep(0.002)


def _write(path: Path, text: str) -> float:
    """Write and close a file in the watched folder; the moment it was closed."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)
    return time.perf_counter()


def single_file_latencies(watched: WatchedLibrary, runs: int, entries: int) -> list[float]:
    latencies = []
    for number in range(runs):
        expected = watched.papers() + entries
        closed = _write(watched.folder / f"single_{number:03}.md", generated_digest(number, entries))
        _wait(lambda: watched.papers() >= expected, 60)
        latencies.append(time.perf_counter() - closed)
        time.sleep(0.1)
    return latencies


def burst(watched: WatchedLibrary, files: int, entries: int) -> tuple[float, float]:
    """(seconds from the first write, seconds from the last close) until all papers are in."""
    first_number = 100_000
    expected = watched.papers() + files * entries
    started = time.perf_counter()
    last_closed = started
    for n in range(files):
        number = first_number + n
        last_closed = _write(watched.folder / f"burst_{n:04}.md", generated_digest(number, entries))
    _wait(lambda: watched.papers() >= expected, 600)
    done = time.perf_counter()
    return done - started, done - last_closed


def measure(mode: str, args: argparse.Namespace) -> None:
    polling = mode == "polling"
    runs = max(1, args.runs // 2) if polling else args.runs
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as tmp:
        with WatchedLibrary(Path(tmp), debounce=args.debounce, force_polling=polling) as watched:
            latencies = single_file_latencies(watched, runs, args.entries)
            median = statistics.median(latencies)
            goal = args.debounce + 0.5 + (1.0 if polling else 0.0)  # polling adds its interval
            verdict = "met" if median <= goal else "MISSED"
            print(
                f"{mode:8} single file ({args.entries} papers), {runs} runs: median {median:.3f} s,"
                f" min {min(latencies):.3f} s, max {max(latencies):.3f} s"
                f"  (goal {goal:.1f} s: {verdict})"
            )
            if args.burst and not polling:
                total, after_last = burst(watched, args.burst, args.burst_entries)
                print(
                    f"{mode:8} burst of {args.burst} files ({args.burst_entries} papers each):"
                    f" all in the library {total:.2f} s after the first write,"
                    f" {after_last:.2f} s after the last close ({args.burst / total:.0f} files/s)"
                )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="single-file drops to time (default 10)")
    parser.add_argument("--entries", type=int, default=10, help="papers per single digest (default 10)")
    parser.add_argument("--burst", type=int, default=500, help="files in the burst (0 skips it)")
    parser.add_argument("--burst-entries", type=int, default=3, help="papers per burst file (default 3)")
    parser.add_argument("--debounce", type=float, default=1.0, help="watcher debounce in s (default 1.0)")
    parser.add_argument("--no-polling", action="store_true", help="skip the polling-mode figures")
    args = parser.parse_args(argv)
    print(f"watch latency: file closed in the watched folder -> its papers in the library"
          f" (debounce {args.debounce:g} s)")
    measure("native", args)
    if not args.no_polling:
        measure("polling", args)


if __name__ == "__main__":
    main()

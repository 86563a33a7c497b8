"""`python -m bench.gui_stall`: worst GUI stall while selecting each paper of a library of attack papers.

Seeds a temporary library with hostile papers (huge title, markup titles, a Markdown
bracket bomb, a 300-level list note...), opens the real main window offscreen (real
worker thread) and selects each paper in turn. A 5 ms QTimer heartbeat runs meanwhile:
the longest gap between two beats, less the interval, is how long the GUI thread was
frozen. Goal: worst stall < 100 ms. Prints a table, or JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HEARTBEAT_MS = 5
SETTLE_S = 1.5  # per paper: long enough for the render budget (1 s) to run out and land
GOAL_MS = 100


def attack_papers(scratch: Path) -> list[tuple[str, dict, dict]]:
    """(label, paper fields, sighting fields) of each hostile paper, plus two ordinary ones."""
    # A path that does not exist: a regression then shows as a stall, not a hung benchmark.
    missing = scratch / "missing-image.png"
    bomb = "[" * 80_000
    bomb_under_cap = "[" * 19_000
    deep_list = "".join("\t" * level + "- x\n" for level in range(300))
    quotes = "> " * 3000 + "deep quote"
    return [
        ("ordinary", {"title": "An ordinary paper", "abstract": "Plain words. " * 50},
         {"summary": "A **short** summary with [a link](https://example.org)."}),
        ("huge title (1 MB)", {"title": "Huge " * 200_000}, {}),
        ("markup title", {"title": f'<img src="{missing}"> Hover me'},
         {"headline": f"<abbr title=\"<img src='{missing}'>\">MIR</abbr>"}),
        ("markup authors", {"title": "Authors with markup",
                            "authors": [f"<img src={missing}>", "<b>Bold</b> Author"]}, {}),
        ("bracket bomb summary (80 KB)", {"title": "Bracket bomb"}, {"summary": bomb}),
        ("bracket bomb summary (19 KB)", {"title": "Bracket bomb under the cap"},
         {"summary": bomb_under_cap}),
        ("deep list detail (46 KB)", {"title": "Deep list"}, {"detail": deep_list}),
        ("3000 nested quotes", {"title": "Nested quotes"}, {"summary": quotes}),
        ("ordinary again", {"title": "Another ordinary paper"}, {"summary": "Fine *text*."}),
    ]


def seed(folder: Path, scratch: Path) -> dict[int, str]:
    """Store the attack papers (and notes) in a new library; paper id -> label."""
    from reader.store import Library
    from reader.models import Entry, ParsedDigest, Paper, Sighting

    papers = attack_papers(scratch)
    entries = [
        Entry(Paper(arxiv_id=f"2410.{index:05d}", **fields), Sighting(position=index + 1, **sighting))
        for index, (_label, fields, sighting) in enumerate(papers)
    ]
    notes = {"bracket bomb summary (19 KB)": "[" * 15_000, "deep list detail (46 KB)": "- x\n" * 10}
    with Library(folder) as library:
        library.store_digest(folder / "attack.txt", "attack", ParsedDigest("scored_list", entries))
        by_arxiv = {paper.arxiv_id: paper.id for paper in library.list_papers()}
        result = {}
        for index, (label, _fields, _sighting) in enumerate(papers):
            paper_id = by_arxiv[f"2410.{index:05d}"]
            result[paper_id] = label
            if label in notes:
                library.set_note(paper_id, notes[label])
    return result


def measure() -> dict:
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.gui import app as gui_app

    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        library_dir = scratch / "library"
        library_dir.mkdir()
        labels = seed(library_dir, scratch)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
        window = gui_app.build_window(library_dir, scratch / "watch", settings=settings, start_watcher=False)
        window.resize(1280, 800)
        window.show()
        settle(app, 0.5)

        clock = QElapsedTimer()
        clock.start()
        beats: list[int] = []
        heartbeat = QTimer()
        heartbeat.setInterval(HEARTBEAT_MS)
        heartbeat.timeout.connect(lambda: beats.append(clock.elapsed()))
        heartbeat.start()

        per_paper = {}
        for paper_id, label in labels.items():
            beats.clear()
            beats.append(clock.elapsed())
            begin = time.perf_counter()
            window.select_paper(paper_id)
            handler_ms = (time.perf_counter() - begin) * 1000
            settle(app, SETTLE_S)
            gaps = [later - earlier for earlier, later in zip(beats, beats[1:], strict=False)]
            stall = max(0, max(gaps, default=0) - HEARTBEAT_MS)
            per_paper[label] = {"stall_ms": stall, "select_ms": round(handler_ms, 1)}
        heartbeat.stop()
        window.shutdown()
    stalls = [figures["stall_ms"] for figures in per_paper.values()]
    return {
        "papers": per_paper,
        "worst_stall_ms": max(stalls),
        "median_stall_ms": statistics.median(stalls),
        "goal_ms": GOAL_MS,
    }


def settle(app, seconds: float) -> None:
    """Run the event loop for a while, as an idle user would let it."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = measure()
    if args.json:
        print(json.dumps(result))
        return
    width = max(len(label) for label in result["papers"])
    print(f"{'paper':<{width}}  stall (ms)  select handler (ms)")
    for label, figures in result["papers"].items():
        print(f"{label:<{width}}  {figures['stall_ms']:>10}  {figures['select_ms']:>19}")
    verdict = "met" if result["worst_stall_ms"] < GOAL_MS else "MISSED"
    print(f"worst stall {result['worst_stall_ms']} ms, median {result['median_stall_ms']} ms "
          f"(goal < {GOAL_MS} ms: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()

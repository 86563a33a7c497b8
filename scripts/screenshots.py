"""Screenshots of the app on a temporary library with the sample digests (run under Xvfb)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "digests"
# Two real-world digests from the corpus beside the samples: authors, dates and papers that
# several digests mention, as a library a few weeks old has. Read in place, never copied in.
CORPUS = [ROOT.parent / "shared" / "corpus" / name
          for name in ("03_talkingface-daily_bullets.md", "05_mlpotw_weekly-tables.md")]
# The paper the main window shows: in two digests, with authors, a date and an abstract.
FEATURED = 'title:"MLE-bench" seen:>=2 has:abstract'


def _reexec_under_xvfb() -> None:
    """Without a display, run again under xvfb-run (or fall back to the offscreen platform)."""
    if os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM") or os.environ.get("_SCREENSHOTS_CHILD"):
        return
    if shutil.which("xvfb-run"):
        env = {**os.environ, "_SCREENSHOTS_CHILD": "1"}
        command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, *sys.argv]
        sys.exit(subprocess.call(command, env=env))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _wait(app, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle in time")
        app.processEvents()
        time.sleep(0.02)


def _settle(app, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    _reexec_under_xvfb()
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings

    from reader.gui.app import build_window, get_app

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    app = get_app()
    with tempfile.TemporaryDirectory(prefix="digest-reader-shots-") as tmp:
        tmp_path = Path(tmp)
        # The window shows ~/Library and ~/Digests, not a temporary path.
        os.environ["HOME"] = str(tmp_path / "new-user")
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("view/theme", "light")

        empty = build_window(tmp_path / "new-user" / "Library", tmp_path / "new-user" / "Digests", settings)
        empty.resize(1280, 800)
        empty.show()
        _settle(app)
        empty.grab().save(str(out / "welcome.png"))
        empty.close()
        empty.shutdown()

        os.environ["HOME"] = tmp
        watch = tmp_path / "Digests"
        watch.mkdir()
        digests = [*sorted(SAMPLES.glob("0*.txt")), *(path for path in CORPUS if path.is_file())]
        for sample in digests:
            shutil.copy(sample, watch)
        window = build_window(tmp_path / "Library", watch, settings)
        window.resize(1400, 860)
        window.show()
        _wait(app, lambda: len(window.reader_library.digests()) >= len(digests)
              and not window.worker.is_busy() and not window.imports.importing())
        _decorate(window, app)
        _wait(app, lambda: bool(window.detail.related_ids()))
        _settle(app, 0.8)
        window.grab().save(str(out / "main.png"))
        window.detail.grab().save(str(out / "detail.png"))
        bar = window.detail._scroll.verticalScrollBar()
        # The digests timeline and the related papers.
        bar.setValue(window.detail.provenance_label.y() - 40)
        _settle(app)
        window.detail.grab().save(str(out / "related.png"))
        bar.setValue(0)
        from reader.gui.stats_dialog import StatsDialog, collect_stats

        stats = StatsDialog(collect_stats(window.reader_library), window)
        stats.show()
        _settle(app)
        stats.grab().save(str(out / "stats.png"))
        stats.close()
        window.set_theme("dark")
        _settle(app, 0.6)
        window.grab().save(str(out / "dark.png"))
        window.set_theme("light")
        window.close()
        window.shutdown()
    for name in ("welcome", "main", "detail", "related", "stats", "dark"):
        print(out / f"{name}.png")
    return 0


def _decorate(window, app) -> None:
    """Some user state so the list shows read marks, stars and tags like a real library."""
    library = window.reader_library
    # A paper seen in two digests, so the detail shows a timeline.
    ids = (library.paper_ids(FEATURED)[:1] or library.paper_ids("seen:>=2 has:abstract")[:1]
           or library.paper_ids("")[:1])
    # Its neighbours in the list (sorted by date below) get read marks, stars and a tag.
    by_date = library.paper_ids("", sort="published", descending=True)
    at = by_date.index(ids[0]) if ids[0] in by_date else 0
    rows = [paper for paper in by_date[max(0, at - 9) : at + 9] if paper != ids[0]]
    window.worker.submit(lambda lib: lib.set_read(rows[3:9], True))
    window.worker.submit(lambda lib: lib.set_rating(rows[1:3], 4))
    window.worker.submit(lambda lib: lib.set_rating(ids, 5))
    window.worker.submit(lambda lib: lib.add_tags(ids + rows[1:2], ["to-read"]))
    window.worker.submit(lambda lib: lib.add_tags(ids, ["agents"]))
    window.worker.submit(lambda lib: lib.save_search("Unread agents", "agents is:unread"), notify=False)
    window.worker.submit(lambda lib: lib.save_search("Top rated", "rating:>=4"), notify=False)
    window.worker.submit(
        lambda lib: lib.set_note(ids[0], "Compare with **last week's** baseline.\n\n- check the ablations"),
        changes=ids,
    )
    _wait(app, lambda: not window.worker.is_busy())
    from PySide6.QtCore import Qt

    from reader.gui.paper_model import COL_DATE

    window.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)  # newest first, as a reader looks
    _wait(app, lambda: not window.worker.is_busy())
    window.select_paper(ids[0])


if __name__ == "__main__":
    sys.exit(main())

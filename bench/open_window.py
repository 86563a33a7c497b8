"""Run in a fresh process: open the real main window on a library, time it, sort, filter, type.

    python -m bench.open_window LIBRARY [--open-only] [--cold] [--spawned-at T]

Prints one JSON object. A fresh process per library makes the peak RSS the app's own.
--open-only stops at the first paint of the table; --cold (implies it) first drops the
library file's pages from the OS page cache; --spawned-at T (the parent's time.time() just
before it started this process) adds the time from process start to that first paint.
The Qt platform is the environment's (QT_QPA_PLATFORM), offscreen when unset.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.mix import QUERIES

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIDEBAR_KEYS = ("smart:Unread", "smart:Rated", "tag:toread", "smart:All")
# What a user types in the search box: each query once (first runs, nothing cached), as the
# search box sends it when typing pauses; then the same mix again (repeats).
KEYSTROKE_QUERIES = QUERIES
COL_DATE_SORTED = 3  # reader.gui.paper_model.COL_DATE: the sort many users keep


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)


PAINT_TIMEOUT_S = 30
FIRST_ROWS = 40  # rows of a 800-pixel-high window


def paint_watcher(window):
    """An event filter that notes when the table's viewport (or, while an empty library shows
    its welcome page instead, the window) paints; Qt classes load lazily."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatcher(QObject):
        painted = False
        target = None  # the widget whose paint is awaited
        loop = None  # the event loop waiting for it, if any

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint and watched is self.target:
                self.painted = True
                if self.loop is not None:
                    self.loop.quit()
            return False

    watcher = PaintWatcher(window)
    window.table.viewport().installEventFilter(watcher)
    window.installEventFilter(watcher)
    return watcher


def painted(window, app) -> None:
    """Run events until the table's viewport has painted once (the first rows are on screen).
    In an event loop, not a fixed number of processEvents() rounds: on a real display (xcb)
    the window is exposed by the X server some milliseconds after show()."""
    from PySide6.QtCore import QEventLoop, QTimer

    watcher = window.bench_paint_watcher
    viewport = window.table.viewport()
    watcher.target = viewport if viewport.isVisible() else window
    watcher.painted = False
    watcher.target.update()
    app.processEvents()
    if watcher.painted:
        return
    loop = QEventLoop()
    watcher.loop = loop
    QTimer.singleShot(PAINT_TIMEOUT_S * 1000, loop.quit)
    loop.exec()
    watcher.loop = None
    if not watcher.painted:
        watcher.target.grab()  # the platform never painted: render it by hand


def evict(library_dir: Path) -> list[str]:
    """Drop the library file's pages (database, WAL, shared memory) from the OS page cache,
    so the next open reads them from the disk; returns the files it evicted."""
    from reader.store import DB_NAME

    evicted = []
    for path in sorted(library_dir.glob(f"{DB_NAME}*")):
        if ".bak-" in path.name:  # migration backups: the app never reads them on open
            continue
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)  # dirty pages cannot be dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
        evicted.append(path.name)
    return evicted


def measure(library_dir: Path, open_only: bool = False, spawned_at: float | None = None) -> dict:
    started = time.perf_counter()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import reader.store  # noqa: F401 (its import time is reported apart, see import_ms)
    from reader.gui import app as gui_app
    from reader.gui.paper_model import COL_AUTHOR, COL_DATE, COL_RATING, COL_READ, COL_SEEN, COL_TITLE

    imported = time.perf_counter()
    result: dict = {"import_ms": _ms(imported - started), "rss_before_open_mb": peak_rss_mb()}
    with tempfile.TemporaryDirectory() as scratch:
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        begin = time.perf_counter()
        window = gui_app.build_window(
            library_dir, Path(scratch) / "watch", settings=settings, start_watcher=False
        )
        window.bench_paint_watcher = paint_watcher(window)
        window.resize(1280, 800)
        window.show()
        painted(window, app)
        result["open_window_ms"] = _ms(time.perf_counter() - begin)
        if spawned_at is not None:
            result["start_to_window_ms"] = _ms(time.time() - spawned_at)
        result["platform"] = app.platformName()
        result["rows_loaded"] = window.model.rowCount()
        result["total"] = window.model.total()
        if open_only:
            result["rss_mb"] = peak_rss_mb()
            window.shutdown()
            return result

        columns = {"title": COL_TITLE, "author": COL_AUTHOR, "date": COL_DATE,
                   "rating": COL_RATING, "seen": COL_SEEN, "read": COL_READ}
        sorts, sort_paints = {}, {}
        for name, column in columns.items():
            begin = time.perf_counter()
            window.table.sortByColumn(column, _ascending())
            first_rows(window.model)
            sorts[name] = _ms(time.perf_counter() - begin)
            painted(window, app)
            sort_paints[name] = _ms(time.perf_counter() - begin)
        result["sort_ms_by_column"] = sorts
        result["sort_paint_ms_by_column"] = sort_paints

        filters, filter_paints = {}, {}
        for key in SIDEBAR_KEYS:
            begin = time.perf_counter()
            if not window.sidebar.select_key(key):
                continue
            searched(window, app)
            first_rows(window.model)
            filters[key] = _ms(time.perf_counter() - begin)
            painted(window, app)
            filter_paints[key] = _ms(time.perf_counter() - begin)
        result["filter_ms_by_entry"] = filters
        result["filter_paint_ms_by_entry"] = filter_paints
        result["rss_mb"] = peak_rss_mb()
        result.update(keystrokes(window, app))
        result.update(scroll_to_bottom(window, app, result["total"]))
        window.shutdown()
    return result


def searched(window, app) -> None:
    """Idle in the event loop until the list holds the rows of the search it was given last
    (read on the app's reader thread)."""
    from PySide6.QtCore import QEventLoop, QTimer

    begin = time.perf_counter()
    while window.papers.searching() and time.perf_counter() - begin < 60:
        loop = QEventLoop()
        window.model.modelReset.connect(loop.quit)
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        window.model.modelReset.disconnect(loop.quit)


def typed(window, app, text: str) -> float:
    """Seconds from the search box sending `text` (the typing pause over) until the list has
    repainted with its rows: on the reader thread or the GUI thread, whichever the app uses.
    The box's own repaint for the typed text comes before, as it does while one types.
    The paint counted is the first one after the model took the new rows; when it already
    happened while the rows came in, nothing more is painted (no repaint is forced)."""
    from PySide6.QtCore import QEventLoop, QTimer

    watcher = window.bench_paint_watcher
    viewport = window.table.viewport()
    loop = QEventLoop()

    def reset() -> None:
        watcher.target, watcher.painted = viewport, False
        loop.quit()

    settle(app)
    window.model.modelReset.connect(reset)
    QTimer.singleShot(60_000, loop.quit)
    # The box shows the text and repaints as it is typed; the search is sent when typing
    # pauses, DEBOUNCE_MS later (flush() ends the pause): the time runs from there.
    window.search_box.edit.setText(text)
    app.processEvents()
    begin = time.perf_counter()
    window.search_box.flush()
    while window.model.query != text and time.perf_counter() - begin < 60:
        loop.exec()  # idle in the event loop, as the app is while its reader thread works
    window.model.modelReset.disconnect(reset)
    if not (watcher.target is viewport and watcher.painted):
        painted(window, app)
    return time.perf_counter() - begin


def settle(app) -> None:
    """Run the event loop for the search box's typing pause: what the app does after a
    search's first paint (the count, the detail pane) runs while the user types the next
    one, and the next search is sent only once the typing pauses that long."""
    from PySide6.QtCore import QEventLoop, QTimer

    from reader.gui.search_box import DEBOUNCE_MS

    loop = QEventLoop()
    QTimer.singleShot(DEBOUNCE_MS, loop.quit)
    loop.exec()
    app.processEvents()


def keystrokes(window, app) -> dict:
    """The query mix typed in the list's default order (newest first, as the window opens),
    then again (repeats), then once more with the list sorted by date."""
    from PySide6.QtCore import Qt

    window.sidebar.select_key("smart:All")
    searched(window, app)
    window.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
    painted(window, app)
    first = {q: _ms(typed(window, app, q)) for q in KEYSTROKE_QUERIES}
    repeat = {q: _ms(typed(window, app, q)) for q in KEYSTROKE_QUERIES}
    window.table.sortByColumn(COL_DATE_SORTED, Qt.SortOrder.DescendingOrder)
    painted(window, app)
    by_date = {q: _ms(typed(window, app, q)) for q in KEYSTROKE_QUERIES}
    window.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
    times = sorted(first.values())
    dated = sorted(by_date.values())
    return {
        "keystroke_ms_by_query": first,
        "keystroke_median_ms": round(statistics.median(times), 2),
        "keystroke_p95_ms": _p95(times),
        "keystroke_max_ms": times[-1],
        "keystroke_repeat_median_ms": round(statistics.median(repeat.values()), 2),
        "keystroke_by_date_ms_by_query": by_date,
        "keystroke_by_date_median_ms": round(statistics.median(dated), 2),
        "keystroke_by_date_p95_ms": _p95(dated),
    }


def _p95(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return round(int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def scroll_to_bottom(window, app, total: int) -> dict:
    """Scroll the whole library to its last row, a page at a time as the view asks for them:
    the worst page fetch (with the rows a screenful shows), and the memory it left behind."""
    # Cleared the way the keystrokes were typed: until the list holds the whole library. The
    # search runs on the reader thread, so without the wait the list may still hold the
    # last query's few rows, and there is nothing to scroll.
    typed(window, app, "")
    window.sidebar.select_key("smart:All")
    searched(window, app)
    model, table = window.model, window.table
    painted(window, app)
    waited = time.perf_counter()
    while not model.total_known() and time.perf_counter() - waited < 60:
        app.processEvents()  # the count comes after the first page, from the reader thread
        time.sleep(0.005)
    if model.query or model.total() != total:  # `total`: the whole library, as first opened
        return {"scroll_error": f"the list shows {model.total()} papers of query {model.query!r}"}
    before = current_rss_mb()
    worst, fetches, begin = 0.0, 0, time.perf_counter()
    while model.canFetchMore():
        start = time.perf_counter()
        model.fetchMore()
        first_rows_from(model, model.rowCount() - FIRST_ROWS)
        worst = max(worst, time.perf_counter() - start)
        fetches += 1
    table.scrollToBottom()
    painted(window, app)
    return {
        "scroll_worst_ms": _ms(worst), "scroll_fetches": fetches,
        "scroll_total_s": round(time.perf_counter() - begin, 2),
        "scroll_rss_growth_mb": round(current_rss_mb() - before, 1),
        "scroll_rows": model.rowCount(),
    }


def first_rows_from(model, start: int, rows: int = FIRST_ROWS) -> None:
    from PySide6.QtCore import Qt

    for row in range(max(0, start), min(start + rows, model.rowCount())):
        for column in range(model.columnCount()):
            model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)


def first_rows(model, rows: int = FIRST_ROWS) -> None:
    """Ask the model for what the first screenful shows, as the view's paint would."""
    from PySide6.QtCore import Qt

    for row in range(min(rows, model.rowCount())):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            model.data(index, Qt.ItemDataRole.DisplayRole)
            model.data(index, Qt.ItemDataRole.FontRole)


def _ascending():
    from PySide6.QtCore import Qt

    return Qt.SortOrder.AscendingOrder


def summarize(result: dict) -> dict:
    """Median and worst of the per-column sorts and per-entry sidebar changes, without and
    with the repaint that follows."""
    for key, detail in (("sort", "sort_ms_by_column"), ("filter", "filter_ms_by_entry"),
                        ("sort_paint", "sort_paint_ms_by_column"),
                        ("filter_paint", "filter_paint_ms_by_entry")):
        values = list(result.get(detail, {}).values())
        result[f"{key}_ms"] = round(statistics.median(values), 2) if values else None
        result[f"{key}_max_ms"] = max(values) if values else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--open-only", action="store_true", help="stop at the first paint")
    parser.add_argument("--cold", action="store_true",
                        help="evict the library file from the page cache first (implies --open-only)")
    parser.add_argument("--spawned-at", type=float, help="the parent's time.time() at spawning")
    args = parser.parse_args()
    evicted = evict(args.library) if args.cold else None
    result = measure(args.library, args.open_only or args.cold, args.spawned_at)
    if evicted is not None:
        result["evicted"] = evicted
    print(json.dumps(result if args.open_only or args.cold else summarize(result)))


if __name__ == "__main__":
    main()

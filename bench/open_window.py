"""Run in a fresh process: open the real main window on a library offscreen, time it, sort, filter.

Prints one JSON object. A fresh process per library makes the peak RSS the app's own.
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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIDEBAR_KEYS = ("smart:Unread", "smart:Rated", "tag:toread", "smart:All")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)


MAX_EVENT_ROUNDS = 200
FIRST_ROWS = 40  # rows of a 800-pixel-high window


def paint_watcher(viewport):
    """An event filter that notes when the table's viewport paints (Qt classes load lazily)."""
    from PySide6.QtCore import QEvent, QObject

    class PaintWatcher(QObject):
        painted = False

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watcher = PaintWatcher(viewport)
    viewport.installEventFilter(watcher)
    return watcher


def painted(window, app) -> None:
    """Run events until the table's viewport has painted once (the first rows are on screen)."""
    watcher = window.bench_paint_watcher
    watcher.painted = False
    window.table.viewport().update()
    for _ in range(MAX_EVENT_ROUNDS):
        app.processEvents()
        if watcher.painted:
            return
    window.table.viewport().grab()  # the platform never painted: render it by hand


def measure(library_dir: Path) -> dict:
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
        window.bench_paint_watcher = paint_watcher(window.table.viewport())
        window.resize(1280, 800)
        window.show()
        painted(window, app)
        result["open_window_ms"] = _ms(time.perf_counter() - begin)
        result["rows_loaded"] = window.model.rowCount()
        result["total"] = window.model.total()

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
            first_rows(window.model)
            filters[key] = _ms(time.perf_counter() - begin)
            painted(window, app)
            filter_paints[key] = _ms(time.perf_counter() - begin)
        result["filter_ms_by_entry"] = filters
        result["filter_paint_ms_by_entry"] = filter_paints
        result["rss_mb"] = peak_rss_mb()
        window.shutdown()
    return result


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
    args = parser.parse_args()
    print(json.dumps(summarize(measure(args.library))))


if __name__ == "__main__":
    main()

"""A batch of dropped files is one change: one DigestsImported, one reload of the list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from bench.watch_latency import generated_digest

ENTRIES = 3


def drop(window, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_five_dropped_files_reload_the_list_once(make_window, empty_library, tmp_path, monkeypatch):
    files = []
    for number in range(5):
        path = tmp_path / f"digest-{number}.md"
        path.write_text(generated_digest(number, ENTRIES), encoding="utf-8")
        files.append(path)
    window = make_window(empty_library)
    reloads: list[int] = []
    reload = window.model.reload
    monkeypatch.setattr(window.model, "reload", lambda *a, **k: (reloads.append(1), reload(*a, **k))[1])
    events = []
    window.imports.digests_imported.connect(events.append)

    drop(window, files)

    assert len(reloads) == 1
    assert len(events) == 1 and [r.status for r in events[0].results] == ["imported"] * 5
    assert window.model.total() == 5 * ENTRIES
    # The worker's own writes are not mistaken for another program's: no second reload.
    assert not window.papers.check_external_changes()
    assert len(reloads) == 1

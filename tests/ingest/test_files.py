"""One set of file rules: a drop on the window, `import` and the watcher skip the same files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.watch_latency import generated_digest
from reader.ingest.files import expand_paths, is_ignored
from reader.store import Library

DIGESTS = ["real.md", "sub/also.txt"]
# Junk a Downloads or synced folder really holds, next to the digests.
JUNK = [
    "desktop.ini", "Thumbs.db", "report.pdf.partial", "~$notes.docx", ".hidden.md",
    "paper.pdf.crdownload", "draft.md.part", "digest.md.swp", "digest.md~", "#digest.md#",
    "notes.tmp", ".DS_Store", "sub/.git/config", "sub/desktop.ini",
]
DEBOUNCE = 0.2


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    watched = tmp_path / "Digests"
    (watched / "sub" / ".git").mkdir(parents=True)
    return watched


def fill(folder: Path, outside: Path) -> list[Path]:
    """Write the digests, the junk and a symlink leading out; the junk given one by one."""
    for number, name in enumerate(DIGESTS):
        (folder / name).write_text(generated_digest(number, 2), encoding="utf-8")
    for name in JUNK:
        (folder / name).write_text("#### 1.Not a digest [Link](http://arxiv.org/abs/2401.00001)\n")
    outside.write_text(generated_digest(9, 2), encoding="utf-8")
    (folder / "link.md").symlink_to(outside)  # e.g. to ~/.ssh/id_rsa: never read through the folder
    return [folder / name for name in JUNK if "/" not in name]


def recorded(library_dir: Path, folder: Path) -> list[str]:
    """The digests the library knows (failures included), relative to `folder`."""
    with Library(library_dir) as library:
        return sorted(Path(d.file).relative_to(folder).as_posix() for d in library.digests())


def via_import(library_dir: Path, folder: Path, outside: Path, _qtbot) -> list[str]:
    from reader.ingest import import_paths

    junk = fill(folder, outside)
    with Library(library_dir) as library:
        import_paths(library, [folder, *junk])
    return recorded(library_dir, folder)


def via_drop(library_dir: Path, folder: Path, outside: Path, qtbot) -> list[str]:
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from reader.gui.main_window import MainWindow
    from reader.gui.worker import ImmediateWorker

    junk = fill(folder, outside)
    library = Library(library_dir)
    settings = QSettings(str(library_dir.parent / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, ImmediateWorker(library), library_dir, folder.parent / "watch",
                        settings=settings, start_watcher=False)
    qtbot.addWidget(window)
    try:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path)) for path in [folder, *junk]])
        window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                    Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    finally:
        window.close()
        library.close()
    return recorded(library_dir, folder)


def via_watcher(_library_dir: Path, folder: Path, outside: Path, _qtbot) -> list[str]:
    from reader.watch import FolderWatcher

    reported: list[Path] = []
    watcher = FolderWatcher(folder, reported.append, debounce=DEBOUNCE, poll_interval=0.05)
    watcher.start()
    try:
        fill(folder, outside)  # the watcher sees the files arrive
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(reported) < len(DIGESTS):
            time.sleep(0.02)
        time.sleep(4 * DEBOUNCE + 0.3)  # room for a junk file to be reported too
    finally:
        watcher.stop()
    root = folder.resolve()
    assert [path.relative_to(root).as_posix() for path in watcher.catch_up()] == sorted(DIGESTS)
    return sorted(path.relative_to(root).as_posix() for path in reported)


@pytest.mark.parametrize("route", [via_drop, via_import, via_watcher], ids=["drop", "import", "watcher"])
def test_drop_import_and_the_watcher_skip_the_same_files(route, folder, library_dir, tmp_path, qtbot):
    names = route(library_dir, folder, tmp_path / "secret.md", qtbot)
    assert names == sorted(DIGESTS)  # nothing else imported, no failure recorded for the junk


def test_the_rules_for_names():
    for name in JUNK:
        assert is_ignored(Path("/w") / name, root="/w"), name
    for name in ["digest.md", "2024-10-01.txt", "#1 digest.md", "partial.md", "tmp.txt", "ini.md"]:
        assert not is_ignored(Path("/w") / name, root="/w"), name
    # Only the folders below the root count: a library under ~/.local still works.
    assert not is_ignored("/home/me/.local/Digests/a.md", root="/home/me/.local/Digests")


def test_a_folder_is_expanded_sorted_without_junk_or_links_out(folder, tmp_path):
    fill(folder, tmp_path / "secret.md")
    assert [p.relative_to(folder).as_posix() for p in expand_paths([folder])] == sorted(DIGESTS)
    # A file the user names is imported even through a link: it is their choice.
    assert expand_paths([folder / "link.md"]) == [folder / "link.md"]

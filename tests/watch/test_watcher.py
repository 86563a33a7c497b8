"""The watched folder reports each finished digest file once and survives its folder vanishing."""

from __future__ import annotations

import errno
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from waiting import wait_until
from reader.ingest.files import is_ignored
from reader.watch import FolderWatcher, filesystem_type, polling

DEBOUNCE = 0.2
TIMEOUT = 10.0


class Recorder:
    """Collects what a watcher reports, with the file's size at the moment it was reported."""

    def __init__(self) -> None:
        self.ready: list[Path] = []
        self.sizes: dict[Path, int] = {}
        self.statuses: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def on_file_ready(self, path: Path) -> None:
        with self.lock:
            self.ready.append(path)
            self.sizes[path] = path.stat().st_size

    def on_status(self, kind: str, message: str) -> None:
        with self.lock:
            self.statuses.append((kind, message))

    def names(self) -> list[str]:
        with self.lock:
            return [p.name for p in self.ready]

    def status_kinds(self) -> list[str]:
        with self.lock:
            return [kind for kind, _ in self.statuses]

    def wait_for_file(self, name: str) -> bool:
        return wait_until(lambda: name in self.names())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    watched = tmp_path / "Digests"
    watched.mkdir()
    return watched


@pytest.fixture(params=["native", "polling"])
def mode(request) -> str:
    return request.param


@pytest.fixture
def watch(folder: Path, mode: str) -> Iterator[Callable[..., tuple[FolderWatcher, Recorder]]]:
    """Start a FolderWatcher on `folder` (in the parametrised mode) and stop it afterwards."""
    started: list[FolderWatcher] = []

    def start(**options) -> tuple[FolderWatcher, Recorder]:
        recorder = Recorder()
        options.setdefault("force_polling", mode == "polling")
        options.setdefault("debounce", DEBOUNCE)
        watcher = FolderWatcher(
            options.pop("folder", folder),
            recorder.on_file_ready,
            recorder.on_status,
            poll_interval=0.05,
            recheck_interval=0.1,
            **options,
        )
        watcher.start()
        started.append(watcher)
        return watcher, recorder

    yield start
    for watcher in started:
        watcher.stop()


def settle_time(watcher: FolderWatcher) -> float:
    """Long enough for anything still pending to have been reported."""
    return 3 * watcher.debounce + 4 * watcher.poll_interval + 0.3


def test_mode_is_inotify_on_linux_and_polling_when_forced(watch, mode):
    watcher, recorder = watch()
    assert watcher.mode == ("inotify" if mode == "native" else "polling")
    assert wait_until(lambda: recorder.status_kinds() == ["watching" if mode == "native" else "polling"])


def test_file_written_slowly_in_chunks_is_reported_once_and_complete(watch, folder):
    # A longer debounce than the other tests: a busy machine must not stall the
    # writer for a whole debounce between two chunks.
    watcher, recorder = watch(debounce=0.5)
    chunk = b"line of a digest that arrives slowly\n" * 20
    target = folder / "slow.md"

    def write_slowly() -> None:
        with open(target, "wb") as out:
            for _ in range(20):
                out.write(chunk)
                out.flush()
                time.sleep(0.02)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    writer.join()
    assert recorder.wait_for_file("slow.md")
    time.sleep(settle_time(watcher))
    assert recorder.names() == ["slow.md"]
    assert recorder.sizes[target] == 20 * len(chunk)


def test_file_is_not_reported_while_its_writer_keeps_it_open(folder):
    recorder = Recorder()
    watcher = FolderWatcher(folder, recorder.on_file_ready, debounce=DEBOUNCE)
    watcher.start()
    try:
        assert watcher.mode == "inotify"
        target = folder / "open.md"
        with open(target, "wb") as out:
            out.write(b"first half\n")
            out.flush()
            time.sleep(DEBOUNCE * 2)  # quiet for the debounce, but inotify saw no close yet
            assert recorder.names() == []
            out.write(b"second half\n")
        assert recorder.wait_for_file("open.md")
        assert recorder.sizes[target] == len(b"first half\nsecond half\n")
    finally:
        watcher.stop()


def test_rename_from_part_file_is_reported_and_the_part_file_never(watch, folder):
    watcher, recorder = watch()
    partial = folder / "digest.md.part"
    partial.write_text("a finished digest\n")
    time.sleep(settle_time(watcher))  # the .part file sits there, complete, for a while
    partial.rename(folder / "digest.md")
    assert recorder.wait_for_file("digest.md")
    time.sleep(settle_time(watcher))
    assert recorder.names() == ["digest.md"]


def test_hidden_swap_and_temporary_files_are_ignored(watch, folder):
    watcher, recorder = watch()
    (folder / ".git").mkdir()
    ignored = [
        ".hidden.md", ".git/config", ".digest.md.swp", "digest.md.swp", "digest.md~",
        "#digest.md#", "digest.tmp", "paper.pdf.crdownload", "digest.md.part",
    ]
    for name in ignored:
        (folder / name).write_text("not a digest yet\n")
    (folder / "real.md").write_text("a digest\n")
    assert recorder.wait_for_file("real.md")
    time.sleep(settle_time(watcher))
    assert recorder.names() == ["real.md"]
    assert [p.name for p in watcher.catch_up()] == ["real.md"]


@pytest.mark.parametrize(
    ("relative", "ignored"),
    [
        ("digest.md", False),
        ("sub/digest.txt", False),
        ("sub/.cache/digest.md", True),
        (".DS_Store", True),
        ("Thumbs.db", True),
        ("~$report.docx", True),
        ("notes.TMP", True),
        ("draft.md.swo", True),
        ("archive.download", True),
        ("digest#1.md", False),
        ("Digests.backup/digest.md", False),
    ],
)
def test_ignore_rules(relative, ignored, tmp_path):
    root = tmp_path / ".hidden-parent" / "Digests"
    assert is_ignored(root / relative, root) is ignored


def test_files_in_subfolders_are_reported(watch, folder):
    watcher, recorder = watch()
    deep = folder / "2026" / "november"
    deep.mkdir(parents=True)
    (deep / "digest.md").write_text("a digest in a subfolder\n")
    assert recorder.wait_for_file("digest.md")
    assert recorder.ready == [deep / "digest.md"]


def test_folder_moved_in_with_files_reports_each_file(watch, folder, tmp_path):
    watcher, recorder = watch()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    for n in range(3):
        (outside / f"d{n}.md").write_text(f"digest {n}\n")
    outside.rename(folder / "batch")
    assert wait_until(lambda: sorted(recorder.names()) == ["d0.md", "d1.md", "d2.md"])


def test_catch_up_lists_files_present_before_start_sorted(folder, tmp_path):
    (folder / "b.md").write_text("b\n")
    (folder / "a.txt").write_text("a\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "c.md").write_text("c\n")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "d.md").write_text("d\n")
    (folder / "e.md.part").write_text("e\n")
    watcher = FolderWatcher(folder, lambda _path: None)
    assert watcher.catch_up() == [folder / "a.txt", folder / "b.md", folder / "sub" / "c.md"]
    assert FolderWatcher(tmp_path / "absent", lambda _path: None).catch_up() == []


def test_watched_folder_inside_a_hidden_folder_still_works(watch, tmp_path):
    hidden_parent = tmp_path / ".config" / "Digests"
    hidden_parent.mkdir(parents=True)
    watcher, recorder = watch(folder=hidden_parent)
    (hidden_parent / "digest.md").write_text("x\n")
    assert recorder.wait_for_file("digest.md")
    assert watcher.catch_up() == [hidden_parent / "digest.md"]


def test_excluded_folder_is_not_reported(watch, folder):
    library = folder / "library"
    library.mkdir()
    watcher, recorder = watch(exclude=[library])
    (library / "library.sqlite3").write_bytes(b"SQLite format 3\x00")
    (folder / "digest.md").write_text("x\n")
    assert recorder.wait_for_file("digest.md")
    time.sleep(settle_time(watcher))
    assert recorder.names() == ["digest.md"]
    assert watcher.catch_up() == [folder / "digest.md"]


def test_two_hundred_files_dropped_at_once_are_each_reported_once(watch, folder):
    watcher, recorder = watch()
    names = [f"digest_{n:03}.md" for n in range(200)]
    for name in names:
        (folder / name).write_text(f"digest {name}\n")
    assert wait_until(lambda: len(recorder.names()) >= 200, timeout=20)
    time.sleep(settle_time(watcher))
    counts = Counter(recorder.names())
    assert sorted(counts) == names
    assert set(counts.values()) == {1}


def test_deleted_before_it_settles_is_not_reported(watch, folder):
    watcher, recorder = watch()
    doomed = folder / "doomed.md"
    doomed.write_text("gone soon\n")
    doomed.unlink()
    (folder / "kept.md").write_text("kept\n")
    assert recorder.wait_for_file("kept.md")
    time.sleep(settle_time(watcher))
    assert recorder.names() == ["kept.md"]


def test_folder_removed_and_created_again_reports_missing_then_resumes(watch, folder):
    watcher, recorder = watch()
    (folder / "before.md").write_text("before\n")
    assert recorder.wait_for_file("before.md")
    shutil.rmtree(folder)
    assert wait_until(lambda: "missing" in recorder.status_kinds())
    assert not watcher.watching
    missing_message = dict(recorder.statuses)["missing"]
    assert str(folder) in missing_message and "missing or unreadable" in missing_message
    folder.mkdir()
    (folder / "while_away.md").write_text("written before the watcher noticed\n")
    assert wait_until(lambda: watcher.watching)
    assert recorder.wait_for_file("while_away.md")  # found by the catch-up on resume
    (folder / "after.md").write_text("after\n")
    assert recorder.wait_for_file("after.md")
    assert recorder.status_kinds()[-1] in {"watching", "polling"}


def test_folder_missing_at_start_is_waited_for(watch, tmp_path):
    absent = tmp_path / "not-yet"
    watcher, recorder = watch(folder=absent)
    assert wait_until(lambda: recorder.status_kinds() == ["missing"])
    assert watcher.mode is None
    absent.mkdir()
    assert wait_until(lambda: watcher.watching)
    (absent / "digest.md").write_text("x\n")
    assert recorder.wait_for_file("digest.md")


def test_falls_back_to_polling_when_inotify_cannot_start(watch, folder, monkeypatch):
    def no_inotify():
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(polling, "native_observer", no_inotify)
    watcher, recorder = watch(force_polling=False)
    assert watcher.mode == "polling"
    assert wait_until(lambda: recorder.status_kinds() == ["polling"])
    assert "inotify watch limit reached" in recorder.statuses[0][1]
    (folder / "digest.md").write_text("x\n")
    assert recorder.wait_for_file("digest.md")


def test_polls_a_folder_on_a_network_share(watch, folder, monkeypatch):
    monkeypatch.setattr(polling, "filesystem_type", lambda _path: "nfs4")
    watcher, recorder = watch(force_polling=False)
    assert watcher.mode == "polling"
    assert wait_until(lambda: recorder.status_kinds() == ["polling"])
    assert "network file system (nfs4)" in recorder.statuses[0][1]


def test_filesystem_type_picks_the_deepest_mount():
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "server:/export /home/ana/My\\040Digests nfs4 rw 0 0\n"
        "//nas/share /mnt/nas cifs rw 0 0\n"
    )
    assert filesystem_type(Path("/home/ana/My Digests/x"), mounts) == "nfs4"
    assert filesystem_type(Path("/home/ana/My Digests"), mounts) == "nfs4"
    assert filesystem_type(Path("/home/ana/My Digestsbis"), mounts) == "ext4"
    assert filesystem_type(Path("/mnt/nas/sub"), mounts) == "cifs"
    assert filesystem_type(Path("/srv"), "") is None


def test_stop_reports_stopped_and_silences_callbacks(watch, folder):
    watcher, recorder = watch()
    watcher.stop()
    assert recorder.status_kinds()[-1] == "stopped"
    (folder / "late.md").write_text("x\n")
    time.sleep(settle_time(watcher))
    assert recorder.names() == []

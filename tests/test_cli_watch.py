"""`digest-reader watch`: the watcher feeding the job queue, one line per import, clean stops."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from bench.watch_latency import generated_digest
from waiting import wait_until
from reader.cli_watch import run_headless
from reader.store import Library
from reader.store.lock import LibraryLock

DEBOUNCE = 0.2
TIMEOUT = 10.0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    watched = tmp_path / "Digests"
    watched.mkdir()
    return watched


@pytest.fixture
def scored_sample(tmp_path: Path) -> Path:
    """A scored-list digest of 10 papers, written by the benchmark's generator: no ../shared needed."""
    path = tmp_path / "000_scored_list.txt"
    path.write_text(generated_digest(0, 10), encoding="utf-8")
    return path


class Headless:
    """run_headless on a thread, with its log lines collected."""

    def __init__(self, library_dir: Path, folder: Path, **options) -> None:
        self.lines: list[str] = []
        self.stop_event = threading.Event()
        self.code: int | None = None
        options.setdefault("debounce", DEBOUNCE)
        self.thread = threading.Thread(
            target=self._run, args=(library_dir, folder), kwargs=options, daemon=True
        )

    def _run(self, library_dir: Path, folder: Path, **options) -> None:
        self.code = run_headless(
            library_dir, folder, stop_event=self.stop_event, log=self.lines.append, **options
        )

    def __enter__(self) -> Headless:
        self.thread.start()
        assert wait_until(lambda: self.has("waiting for new digests") or self.code is not None)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop_event.set()
        self.thread.join(TIMEOUT)

    def has(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in list(self.lines))


def test_run_headless_imports_a_dropped_digest_and_stops_cleanly(library_dir, folder, scored_sample):
    with Headless(library_dir, folder) as headless:
        assert headless.has(f"watching {folder} (inotify)")
        shutil.copy(scored_sample, folder / scored_sample.name)
        expected = f"imported {scored_sample.name}: scored-list, 10 entries (10 new, 0 merged)"
        assert wait_until(lambda: headless.has(expected)), headless.lines
    assert not headless.thread.is_alive()
    assert headless.code == 0
    assert headless.lines[-1] == "stopped: 1 imported, 0 unchanged, 0 failed"
    with Library(library_dir) as library:
        assert library.count() == 10
        assert library.get_setting("watch_folder") == str(folder)
        assert [d.file for d in library.digests()] == [str(folder / scored_sample.name)]
    LibraryLock(library_dir).acquire().release()  # the lock was given back


def test_run_headless_catches_up_then_finds_nothing_new_the_second_time(library_dir, folder, scored_sample):
    shutil.copy(scored_sample, folder / "early.txt")
    (folder / "notes.bin").write_bytes(b"\x00\x01\x02binary")
    with Headless(library_dir, folder) as headless:
        pass
    assert "imported early.txt: scored-list, 10 entries (10 new, 0 merged)" in headless.lines
    assert any(line.startswith("failed notes.bin: not a text file") for line in headless.lines)
    assert f"checked 2 files already in {folder}: 1 imported, 0 unchanged, 1 failed" in headless.lines
    with Headless(library_dir, None) as again:  # the folder comes from the saved setting
        pass
    assert f"checked 2 files already in {folder}: 0 imported, 1 unchanged, 1 failed" in again.lines
    assert again.code == 0


def test_run_headless_refuses_a_locked_library(library_dir, folder):
    lines: list[str] = []
    errors: list[str] = []
    with LibraryLock(library_dir):
        code = run_headless(
            library_dir, folder, stop_event=threading.Event(), log=lines.append, error=errors.append
        )
    assert code == 2
    assert lines == []  # errors go apart (stderr), with the command's prefix
    assert errors == [
        f"digest-reader: error: the library at {library_dir} is already open in another"
        f" Digest Reader process (pid {os.getpid()})"
    ]


def test_same_digest_dropped_twice_and_renamed_adds_no_duplicate_papers(library_dir, folder, scored_sample):
    with Headless(library_dir, folder) as headless:
        shutil.copy(scored_sample, folder / "digest.txt")
        assert wait_until(lambda: headless.has("imported digest.txt: scored-list, 10 entries (10 new"))
        shutil.copy(scored_sample, folder / "digest.txt")  # the same file saved again
        shutil.copy(scored_sample, folder / "digest copy.txt")  # and under another name
        assert wait_until(
            lambda: headless.has(f"duplicate digest copy.txt: same content as {folder / 'digest.txt'}")
        ), headless.lines
    assert headless.count("imported digest.txt") == 1
    with Library(library_dir) as library:
        assert library.count() == 10


def test_five_hundred_files_dropped_at_once_are_imported_once_each(library_dir, folder):
    with Headless(library_dir, folder) as headless:
        for number in range(500):
            (folder / f"burst_{number:03}.md").write_text(generated_digest(number, 2))
        assert wait_until(lambda: headless.count("imported burst_") >= 500, timeout=60)
        time.sleep(3 * DEBOUNCE + 0.3)  # room for any duplicate report to show up
    assert headless.count("imported burst_") == 500
    assert headless.lines[-1] == "stopped: 500 imported, 0 unchanged, 0 failed"
    with Library(library_dir) as library:
        assert library.count() == 1000
        assert len({d.file for d in library.digests()}) == 500

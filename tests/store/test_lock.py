"""The single-writer lock refuses a second holder and takes over locks of dead processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from reader.store import lock as lock_module
from reader.store.lock import LibraryLock, LibraryLocked

REPO = Path(__file__).resolve().parents[1]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _try_lock_in_subprocess(folder: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys\n"
        "from reader.store.lock import LibraryLock, LibraryLocked\n"
        "try:\n"
        f"    LibraryLock({str(folder)!r}).acquire()\n"
        "except LibraryLocked as exc:\n"
        "    print(exc); sys.exit(2)\n"
        "print('acquired')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=30
    )


@pytest.fixture(params=["flock", "pid-file"])
def lock_kind(request, monkeypatch) -> str:
    """Run a test with flock(2) and again with the pid-file fallback used where fcntl is missing."""
    if request.param == "pid-file":
        monkeypatch.setattr(lock_module, "fcntl", None)
    return request.param


def test_lock_file_holds_pid_and_host_and_goes_away_on_release(library_dir, lock_kind):
    with LibraryLock(library_dir) as held:
        assert held.held
        pid, host = (library_dir / ".lock").read_text().split()
        assert int(pid) == os.getpid()
        assert host == socket.gethostname()
    assert not (library_dir / ".lock").exists()


def test_second_lock_in_the_same_process_is_refused_with_a_clear_message(library_dir, lock_kind):
    first = LibraryLock(library_dir).acquire()
    with pytest.raises(LibraryLocked) as refused:
        LibraryLock(library_dir).acquire()
    assert str(refused.value) == (
        f"the library at {library_dir} is already open in another Digest Reader process"
        f" (pid {os.getpid()})"
    )
    assert refused.value.pid == os.getpid()
    first.release()
    LibraryLock(library_dir).acquire().release()  # free again once released


def test_lock_from_another_process_is_refused(library_dir):
    with LibraryLock(library_dir):
        out = _try_lock_in_subprocess(library_dir)
    assert out.returncode == 2, out.stderr
    assert f"already open in another Digest Reader process (pid {os.getpid()})" in out.stdout
    assert str(library_dir) in out.stdout


def test_lock_is_free_for_another_process_after_release(library_dir):
    LibraryLock(library_dir).acquire().release()
    out = _try_lock_in_subprocess(library_dir)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "acquired"


def test_stale_lock_file_from_a_dead_process_is_taken_over(library_dir, lock_kind):
    dead = _dead_pid()
    (library_dir / ".lock").write_text(f"{dead}\n{socket.gethostname()}\n")
    with LibraryLock(library_dir):
        pid, _host = (library_dir / ".lock").read_text().split()
        assert int(pid) == os.getpid()


def test_lock_of_a_killed_process_is_taken_over(library_dir):
    code = (
        "import sys, time\n"
        "from reader.store.lock import LibraryLock\n"
        f"LibraryLock({str(library_dir)!r}).acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LibraryLocked) as refused:
            LibraryLock(library_dir).acquire()
        assert refused.value.pid == holder.pid
    finally:
        holder.kill()
        holder.wait()
    assert (library_dir / ".lock").exists()  # SIGKILL left the file behind...
    with LibraryLock(library_dir) as taken:  # ...but not the lock
        assert taken.held


def test_pid_file_lock_of_a_live_process_on_another_host_is_respected(library_dir, monkeypatch):
    monkeypatch.setattr(lock_module, "fcntl", None)
    (library_dir / ".lock").write_text(f"{_dead_pid()}\nsome-other-machine\n")
    with pytest.raises(LibraryLocked, match=r"\(pid \d+ on some-other-machine\)"):
        LibraryLock(library_dir).acquire()

"""The single-writer lock: one Digest Reader process at a time may open a library folder."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import types
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: fall back to a pid file created exclusively
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"


class LibraryLocked(Exception):
    """Another process holds the library; the message is meant for the user.

    A plain Exception (not reader.store.LibraryError) so that the lock can be
    taken before, and without, importing the library module.
    """

    def __init__(self, folder: Path, pid: int | None = None, host: str | None = None) -> None:
        self.folder = folder
        self.pid = pid
        self.host = host
        super().__init__(
            f"the library at {folder} is already open in another Digest Reader process"
            f" ({_describe_holder(pid, host)})"
        )


def _describe_holder(pid: int | None, host: str | None) -> str:
    who = f"pid {pid}" if pid is not None else "pid unknown"
    if host and host != socket.gethostname():
        who += f" on {host}"
    return who


class LibraryLock:
    """`folder/.lock`, holding this process's pid and host name while the library is open.

    On POSIX the file is locked with flock(2): the kernel drops the lock when the
    holder exits, even by SIGKILL, so a leftover file with a dead pid is simply taken
    over. Without fcntl the file itself is the lock, and a leftover one is taken
    over when its pid is no longer running on this host.
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> LibraryLock:
        """Take the lock or raise LibraryLocked; taking a lock already held is a no-op."""
        if self._fd is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._fd = _acquire_flock(self.path) if fcntl else _acquire_pid_file(self.path)
            _write_owner(self._fd)
        return self

    def release(self) -> None:
        """Give the lock up and remove the lock file; releasing twice is harmless."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Unlink while still holding the lock, so nobody can lock the old inode
        # after a newcomer has created a fresh file (see _acquire_flock).
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(fd)

    def __enter__(self) -> LibraryLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.release()


def _acquire_flock(path: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid, host = _read_owner(fd)
            os.close(fd)
            raise LibraryLocked(path.parent, pid, host) from None
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            return fd
        # The holder released (and unlinked) the file between our open and our
        # flock: we locked a dead inode. Try again on whatever is there now.
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _acquire_pid_file(path: Path) -> int:
    for _attempt in range(2):
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            pid, host = _read_owner_of(path)
            if not _is_stale(pid, host):
                raise LibraryLocked(path.parent, pid, host) from None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    raise LibraryLocked(path.parent, *_read_owner_of(path))


def _is_stale(pid: int | None, host: str | None) -> bool:
    """A pid-file lock is stale when its process is gone; another host's lock never is."""
    if pid is None or (host and host != socket.gethostname()):
        return False
    return not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead.
    import ctypes

    synchronize, wait_timeout = 0x00100000, 0x102
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(synchronize, False, pid)
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(handle, 0) == wait_timeout
    finally:
        kernel32.CloseHandle(handle)


def _write_owner(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n{socket.gethostname()}\n".encode())
    with contextlib.suppress(OSError):
        os.fsync(fd)


def _read_owner(fd: int) -> tuple[int | None, str | None]:
    os.lseek(fd, 0, os.SEEK_SET)
    return _parse_owner(os.read(fd, 4096))


def _read_owner_of(path: Path) -> tuple[int | None, str | None]:
    try:
        return _parse_owner(path.read_bytes()[:4096])
    except OSError:
        return None, None


def _parse_owner(data: bytes) -> tuple[int | None, str | None]:
    lines = data.decode("utf-8", "replace").split()
    pid = int(lines[0]) if lines and lines[0].isdigit() else None
    host = lines[1] if len(lines) > 1 else None
    return pid, host

"""Native change notifications or polling: network shares and failed observers fall back to polling."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from watchdog.observers.api import BaseObserver

# Change notifications are not delivered for changes made by other machines on these.
NETWORK_FSTYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "sshfs", "9p",
     "afs", "ncpfs", "davfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.gvfsd-fuse"}
)


def filesystem_type(path: Path, mounts_text: str | None = None) -> str | None:
    """The fstype of the mount holding `path`, from /proc/mounts; None where unknown."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.abspath(path)
    best, best_type = "", None
    for mount_point, fstype in _parse_mounts(mounts_text):
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fstype
    return best_type


_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def _parse_mounts(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            yield _unescape_mount(fields[1]), fields[2]


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes (\040).
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def is_network_filesystem(path: Path, mounts_text: str | None = None) -> bool:
    return filesystem_type(path, mounts_text) in NETWORK_FSTYPES


def polling_reason(folder: Path, force_polling: bool = False) -> str | None:
    """Why `folder` must be polled rather than watched natively; None when it need not be."""
    if force_polling:
        return "polling was requested"
    fstype = filesystem_type(folder)
    if fstype in NETWORK_FSTYPES:
        return f"the folder is on a network file system ({fstype})"
    return None


def native_observer() -> BaseObserver:
    """The platform's notifying observer (inotify on Linux); tests replace this."""
    from watchdog.observers import Observer

    return Observer()

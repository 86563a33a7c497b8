"""When a changed file is complete: closed or renamed into place, else quiet for long enough."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Pending:
    """A file that changed and is not reported yet."""

    last_event: float  # time.monotonic() of the latest event for it
    complete_signal: bool = False  # closed after writing, or renamed into place
    stat: tuple[int, int] | None = None  # (size, mtime_ns) when last looked at
    stable_since: float = 0.0


class StabilityTracker:
    """The files that changed, until each is complete; safe to use from several threads."""

    def __init__(self) -> None:
        self._pending: dict[Path, Pending] = {}
        self._lock = threading.Lock()

    def touch(self, path: Path, now: float, *, complete: bool) -> None:
        """An event for `path`: complete when its writer closed it or it was renamed in."""
        with self._lock:
            pending = self._pending.get(path)
            if pending is None:
                pending = self._pending[path] = Pending(last_event=now, stable_since=now)
            pending.last_event = now
            pending.complete_signal = complete
            pending.stat = size_and_mtime(path)
            pending.stable_since = now

    def forget(self, path: Path) -> None:
        with self._lock:
            self._pending.pop(path, None)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take_ready(self, now: float, *, grace: float, settle: float) -> list[Path]:
        """The complete files, sorted, no longer tracked. `grace`: how long a closed or
        renamed file must stay untouched; `settle`: the quiet time for any other file."""
        ready: list[Path] = []
        with self._lock:
            for path, item in list(self._pending.items()):
                current = size_and_mtime(path)
                if current is None:  # gone (deleted, or its folder moved away)
                    del self._pending[path]
                elif _is_ready(item, current, now, grace, settle):
                    del self._pending[path]
                    ready.append(path)
        return sorted(ready)


def _is_ready(item: Pending, current: tuple[int, int], now: float, grace: float, settle: float) -> bool:
    if current != item.stat:
        # Changed with no event (polling, or writes the kernel did not report):
        # the close seen earlier is no longer the last word.
        item.stat, item.stable_since, item.complete_signal = current, now, False
        return False
    quiet = now - max(item.last_event, item.stable_since)
    return quiet >= (grace if item.complete_signal else settle)


def size_and_mtime(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns

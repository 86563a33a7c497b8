"""Which files are digests to import: the one set of rules for drop, `import` and the watcher."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from reader.store import normalize_path

log = logging.getLogger(__name__)

# Files being written (downloads, editor swap and backup files): importing one now would
# record half a digest, and the finished file arrives later under its own name anyway.
TEMPORARY_SUFFIXES = (
    ".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".crswap",
    ".swp", ".swx", ".swo",
)
# Files the system or another program keeps next to the user's own.
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def ignored_name(name: str) -> bool:
    """Whether a file or folder name is hidden, temporary, an editor's or the system's."""
    lowered = name.lower()
    return (
        name.startswith(".")
        or name.endswith("~")
        or name.startswith("~$")  # Office's lock file next to an open document
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))  # Emacs autosave
        or lowered.endswith(TEMPORARY_SUFFIXES)
        or lowered in JUNK_NAMES
    )


def is_ignored(path: str | os.PathLike, root: str | os.PathLike | None = None) -> bool:
    """Whether `path` must not be imported.

    Only the file name is judged, plus the folders between `root` and the file when `root`
    is given: a library or watched folder kept under a hidden folder like ~/.local must
    still work."""
    path = Path(path)
    names = [path.name]
    if root is not None:
        try:
            names = list(path.relative_to(root).parts)
        except ValueError:
            pass
    return any(ignored_name(name) for name in names)


def leads_inside(path: Path, root: Path) -> bool:
    """False for a symlink (or a path through one) to a file outside `root`, e.g. /etc/shadow:
    a folder of digests must not become a way to read any file the user can read."""
    try:
        inside = root.resolve() in path.resolve().parents
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        log.info("not importing %s: it leads outside %s", path, root)
    return inside


def files_in(folder: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """The files to import under `folder`, recursively, sorted by folder then name; nothing
    at or below an `exclude` path (resolved paths: the library's own folder)."""
    root = folder.resolve()
    excluded = list(exclude)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=lambda _err: None):
        base = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not ignored_name(d) and not _excluded(base / d, excluded)
        )
        for name in sorted(filenames):
            path = base / name
            if ignored_name(name) or _excluded(path, excluded) or not path.is_file():
                continue  # not is_file: a FIFO would block the reader, a socket cannot be read
            if leads_inside(path, root):
                found.append(path)
    return found


def _excluded(path: Path, excluded: list[Path]) -> bool:
    return any(path == ex or ex in path.parents for ex in excluded)


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to import: the given files, and every file under the given folders, minus
    ignored ones; each file once. A folder given by the user is never judged itself."""
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given).expanduser()
        candidates = files_in(path) if path.is_dir() else [] if is_ignored(path) else [path]
        for candidate in candidates:
            found.setdefault(normalize_path(candidate), candidate)
    return list(found.values())

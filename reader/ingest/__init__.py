"""Bringing digest files in: which files, reading them, importing, telling how it went, one job queue."""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use: the app imports `report` and `files` at start, and the importer
# would bring every parser along before the window shows.
_EXPORTS = {
    "ImportFailure": "reading", "decode": "reading",
    "expand_paths": "files", "is_ignored": "files",
    "ImportResult": "importer", "import_file": "importer", "import_paths": "importer",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)

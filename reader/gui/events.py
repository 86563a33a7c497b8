"""Typed change events: what changed in the library, so each view decides how to refresh."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PapersChanged:
    """The user state of these papers changed: their rows are refreshed in place."""

    ids: frozenset[int]


@dataclass(frozen=True)
class ListChanged:
    """Papers joined or left the lists (archive, delete, their undo): the list is re-read."""


@dataclass(frozen=True)
class DigestsImported:
    """One import batch ended (a drop, a file dialog, the watcher): one reload for all of it."""

    results: tuple[Any, ...]


Change = PapersChanged | ListChanged | DigestsImported


def from_worker(ids: set[int]) -> PapersChanged | ListChanged:
    """The worker's `changed(ids)`: no ids means papers moved in or out of the lists."""
    return PapersChanged(frozenset(ids)) if ids else ListChanged()

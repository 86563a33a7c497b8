"""How an import is told: one line per file, counts and a sentence per batch (app, `watch`, `import`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reader.store import DUPLICATE_PREFIX
from reader.textsafe import one_line

if TYPE_CHECKING:
    from reader.ingest.importer import ImportResult

OUTCOMES = ("imported", "unchanged", "failed", "duplicate")


def duplicate_note(result: ImportResult) -> str | None:
    """The note of an import that found a copy of a digest already imported."""
    if result.status != "imported":
        return None
    return next((w for w in result.warnings if w.startswith(DUPLICATE_PREFIX)), None)


def outcome(result: ImportResult) -> str:
    """The result's status, with "duplicate" told apart from a real import."""
    return "duplicate" if duplicate_note(result) else result.status


def describe(result: ImportResult, name: str | None = None) -> str:
    """One line for a file, e.g. "imported x.md: newsletter, 12 entries (10 new, 2 merged)".

    `name` (default: the file's path) is escaped here, so a file name cannot forge a line."""
    shown = one_line(result.file if name is None else name)
    duplicate = duplicate_note(result)
    if duplicate:
        return f"duplicate {shown}: {one_line(duplicate)}"
    if result.status == "imported":
        return (
            f"imported {shown}: {result.format}, {result.entries} entries"
            f" ({result.new} new, {result.merged} merged)"
        )
    if result.status == "failed":
        return f"failed {shown}: {one_line(result.error)}"
    return f"unchanged {shown}: {result.format}, {result.entries} entries"


def tally(results: Iterable[ImportResult]) -> Counter[str]:
    """How many results had each outcome (every key of OUTCOMES present)."""
    counts: Counter[str] = Counter({key: 0 for key in OUTCOMES})
    counts.update(outcome(result) for result in results)
    return counts


def counts_text(counts: Counter[str]) -> str:
    """"3 imported, 1 unchanged, 0 failed", plus duplicates when there were any."""
    shown = ["imported", "unchanged", "failed"] + ["duplicate"] * bool(counts["duplicate"])
    return ", ".join(f"{counts[key]} {key}" for key in shown)


def summarize(results: Sequence[ImportResult], failed_hint: str = "") -> str:
    """"Imported 3 digests: 120 new papers, 4 already known. 1 unchanged (already in the
    library). 1 failed." or "" for no results; `failed_hint` says where the reasons are."""
    imported = [r for r in results if r.status == "imported"]
    unchanged = [r for r in results if r.status == "unchanged"]
    failed = [r for r in results if r.status == "failed"]
    if len(results) == 1 and (imported or unchanged):
        return _single(results[0])
    if len(results) == 1:  # one file failed: say which and why, not "1 failed"
        return f"Could not import {_name(failed[0])}: {failed[0].error}"
    parts = []
    if imported:
        new = sum(r.new for r in imported)
        merged = sum(r.merged for r in imported)
        parts.append(
            f"Imported {_count(len(imported), 'digest')}: "
            f"{_count(new, 'new paper')}, {merged} already known."
        )
    if unchanged:
        parts.append(f"{len(unchanged)} unchanged (already in the library).")
    if failed:
        hint = f" ({failed_hint})" if failed_hint else ""
        parts.append(f"{len(failed)} failed{hint}.")
    return " ".join(parts)


def _single(result: ImportResult) -> str:
    """One file: say plainly when it brought nothing new."""
    name = _name(result)
    if result.status == "unchanged":
        return f"{name} unchanged — already in the library."
    if not result.new:
        known = result.merged or result.entries or 0
        if known == 1:
            return f"{name} imported: no new papers — its one paper is already in the library."
        return f"{name} imported: no new papers — all {known} already in the library."
    return f"Imported {name}: {_count(result.new, 'new paper')}, {result.merged} already known."


def notification_text(results: Iterable[ImportResult]) -> str:
    """"12 new papers from newsletter" for a desktop notification."""
    imported = [r for r in results if r.status == "imported" and r.new]
    new = sum(r.new for r in imported)
    formats = sorted({str(r.format) for r in imported if r.format})
    source = f" from {', '.join(formats)}" if formats else ""
    return f"{_count(new, 'new paper')}{source}"


def _name(result: ImportResult) -> str:
    return Path(str(result.file)).name


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"

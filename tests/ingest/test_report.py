"""One way to tell an import: a line per file, counts and a sentence per batch."""

from __future__ import annotations

from reader.ingest import ImportResult
from reader.ingest import report
from reader.store import DUPLICATE_PREFIX


def results() -> list[ImportResult]:
    return [
        ImportResult("/d/a.txt", "newsletter", "imported", 12, 10, 2),
        ImportResult("/d/b.txt", None, "failed", error="not a text file (binary content)"),
        ImportResult("/d/c.txt", "scored-list", "unchanged", 5),
    ]


def test_describe_gives_one_line_per_file():
    imported, failed, unchanged = results()
    assert report.describe(imported, "a.txt") == "imported a.txt: newsletter, 12 entries (10 new, 2 merged)"
    assert report.describe(failed) == "failed /d/b.txt: not a text file (binary content)"
    assert report.describe(unchanged, "c.txt") == "unchanged c.txt: scored-list, 5 entries"
    copy = ImportResult("/d/copy.txt", "newsletter", "imported", 12, 0, 12,
                        warnings=[f"{DUPLICATE_PREFIX} /d/a.txt"])
    assert report.describe(copy, "copy.txt") == f"duplicate copy.txt: {DUPLICATE_PREFIX} /d/a.txt"
    assert report.outcome(copy) == "duplicate"


def test_a_file_name_cannot_forge_a_second_line():
    forged = ImportResult("/d/a\nimported x.md", "newsletter", "imported", 1, 1, 0)
    assert "\n" not in report.describe(forged)


def test_counts_and_summaries():
    batch = results()
    assert report.counts_text(report.tally(batch)) == "1 imported, 1 unchanged, 1 failed"
    assert report.summarize(batch) == (
        "Imported 1 digest: 10 new papers, 2 already known. 1 unchanged (already in the library). 1 failed."
    )
    assert report.summarize(batch, failed_hint="see the log").endswith("1 failed (see the log).")
    assert report.summarize(batch[1:2]) == "Could not import b.txt: not a text file (binary content)"
    assert report.summarize(batch[2:]) == "c.txt unchanged — already in the library."
    assert report.summarize([]) == ""
    assert report.notification_text(batch) == "10 new papers from newsletter"

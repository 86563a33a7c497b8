"""The importer: decoding, refusing bad files with a message, unchanged files, folders, samples."""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.watch_latency import generated_digest
from paper_factory import digest, entry
from reader.ingest import decode, expand_paths, import_file, import_paths, is_ignored
from reader.store import Library
from reader.parsers.base import REGISTRY
from shared_data import needs_samples, require_samples, sample_path

# A scored-list digest: written to disk in the tests, so parsing is real.
SCORED = """\
#### 1.Sparse Attention Everywhere. [Link](https://arxiv.org/abs/2410.00001v2)
#### GPT Score: 8
Novelty: 8, Relevance: 9
### Summary
We make attention sparse.

#### 2.Dense Retrieval Revisited. [Link](https://arxiv.org/abs/2410.00002)
#### GPT Score: 7
Novelty: 6, Relevance: 7
### Summary
Retrieval, again.
"""
REPO = Path(__file__).resolve().parents[2]
needs_scored = pytest.mark.skipif(
    "scored-list" not in REGISTRY, reason="scored-list parser missing"
)

SAMPLE_FORMATS = {
    "000_1aa3a1462ac3e62b.txt": "scored-list",
    "001_a7bca62cced45441.txt": "arxiv-table",
    "002_a403feae01dbded0.txt": "daily-papers",
    "003_5261537cfefae34e.txt": "newsletter",
    "004_919878e00112d8f2.txt": "daily-papers",
}


def snapshot(lib: Library) -> dict:
    """Everything import may write except the digests table."""
    tables = ["papers", "sightings", "paper_state", "paper_tags", "papers_fts"]
    return {t: lib.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"   \n\r\n\t ", "the file is empty"),
    (codecs.BOM_UTF8, "the file is empty"),
    (b"PK\x03\x04\x00\x00binary\x00zip", "not a text file (binary content)"),
    (b"Title line\n\xff\xfe\xfa broken", "not a text file (binary content): bytes at offset 11"),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10, "not a text file (binary content)"),
    (b"just some prose without any paper in it", "no papers found"),
])
def test_bad_files_fail_with_a_message_and_change_nothing(library, tmp_path, content, message):
    library.store_digest("/d/other.txt", "x", digest(entry("Existing")))
    before = snapshot(library)
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = import_file(library, path)
    assert result.status == "failed"
    assert message in result.error
    assert snapshot(library) == before
    recorded = library.digest_by_path(path)
    assert (recorded.status, recorded.error) == ("failed", result.error)


def test_too_large_files_are_refused_before_reading(library, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:  # sparse: no 51 MB written to disk
        handle.truncate(51 * 1024 * 1024)
    result = import_file(library, path)
    assert (result.status, result.error) == ("failed", "too large: 51.0 MB (limit 50 MB)")
    assert library.digests()[0].error == "too large: 51.0 MB (limit 50 MB)"
    assert library.count() == 0


def test_missing_file_and_folder_fail_without_a_record(library, tmp_path):
    assert import_file(library, tmp_path / "gone.txt").error == "file not found"
    assert import_file(library, tmp_path).status == "failed"
    assert library.digests() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_fails_with_a_message(library, tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(SCORED)
    path.chmod(0)
    result = import_file(library, path)
    assert result.status == "failed" and "cannot read" in result.error


@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: text.encode("utf-16"),  # Python writes a BOM
    lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    lambda text: text.replace("\n", "\r\n").encode("utf-8"),
])
def test_decode_accepts_utf8_and_utf16_with_bom(encode):
    assert decode(encode("Ünïcode title\nline")).replace("\r\n", "\n") == "Ünïcode title\nline"


@needs_scored
def test_utf16_digest_imports(library, tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(SCORED.encode("utf-16"))
    result = import_file(library, path)
    assert (result.status, result.format, result.entries, result.new) == (
        "imported", "scored-list", 2, 2)


@needs_scored
def test_reimport_of_the_same_file_is_unchanged_and_writes_nothing(library, tmp_path):
    path = tmp_path / "digest.md"
    path.write_text(SCORED, encoding="utf-8")
    first = import_file(library, path)
    assert (first.status, first.entries, first.new, first.merged) == ("imported", 2, 2, 0)
    changes = library.conn.total_changes
    before = library.digests()
    again = import_file(library, path)
    assert (again.status, again.entries, again.new) == ("unchanged", 2, 0)
    assert library.conn.total_changes == changes
    assert library.digests() == before


@needs_scored
def test_same_content_under_another_path_is_recorded_as_a_duplicate_not_a_second_sighting(
        library, tmp_path):
    (tmp_path / "a.md").write_text(SCORED)
    (tmp_path / "b.md").write_text(SCORED)
    import_file(library, tmp_path / "a.md")
    second = import_file(library, tmp_path / "b.md")
    assert (second.status, second.new, second.merged, second.entries) == ("imported", 0, 0, 0)
    assert any(f"same content as {tmp_path / 'a.md'}" in w for w in second.warnings)
    assert library.count() == 2
    assert library.count("seen:1") == 2  # one sighting each, not two
    assert [d.status for d in library.digests()] == ["imported", "duplicate"]
    assert import_file(library, tmp_path / "b.md").status == "unchanged"


@needs_scored
def test_edited_file_keeps_user_state_and_drops_the_removed_entry(library, tmp_path):
    path = tmp_path / "digest.md"
    path.write_text(SCORED)
    import_file(library, path)
    dense = library.paper_ids("dense")[0]
    library.set_rating([dense], 4)
    library.add_tags([dense], ["keep"])
    path.write_text(SCORED.split("#### 2.")[0])
    result = import_file(library, path)
    assert (result.status, result.entries, result.new, result.merged) == ("imported", 1, 0, 1)
    paper = library.get_paper(dense)
    assert paper.sightings == [] and (paper.rating, paper.tags) == (4, ["keep"])
    # the file turns binary: failure recorded, the earlier sighting kept
    path.write_bytes(b"\x00\x01binary")
    assert import_file(library, path).status == "failed"
    assert library.count("digest:digest.md") == 1


def test_ignored_names():
    for name in [".hidden.txt", "notes.txt~", "a.part", "b.CRDOWNLOAD", ".x.swp", "y.swx",
                 "z.tmp", "#autosave#", "a.partial", "desktop.ini", "Thumbs.db", "~$x.docx"]:
        assert is_ignored(f"/w/{name}"), name
    for name in ["digest.txt", "2024-10-01.md", "#1 digest.txt", "tmp.txt", "partial.md"]:
        assert not is_ignored(f"/w/{name}"), name
    assert is_ignored("/w/.git/digest.txt", root="/w")
    assert not is_ignored("/home/me/.local/digests/a.txt", root="/home/me/.local/digests")


def test_import_paths_walks_folders_skips_ignored_and_reports_progress(library, tmp_path):
    tmp_path = tmp_path / "watched"
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ["a.txt", "sub/b.txt", "sub/deeper/c.txt", ".hidden/d.txt", "e.txt.part",
                 ".f.txt", "g.txt~"]:
        (tmp_path / name).write_text("nothing to see here")
    calls = []
    results = import_paths(library, [tmp_path, tmp_path / "a.txt"],
                           progress=lambda done, total, result: calls.append((done, total)))
    names = sorted(os.path.relpath(r.file, tmp_path) for r in results)
    assert names == ["a.txt", os.path.join("sub", "b.txt"),
                     os.path.join("sub", "deeper", "c.txt")]
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert all(r.status == "failed" and "no papers found" in r.error for r in results)
    assert expand_paths([tmp_path / "missing.txt"]) == [tmp_path / "missing.txt"]


def test_import_file_never_raises_even_when_the_library_is_broken(library, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(SCORED)
    library.close()
    result = import_file(library, path)
    assert result.status == "failed" and result.error


@needs_samples
@pytest.mark.parametrize("name, fmt", sorted(SAMPLE_FORMATS.items()))
def test_each_sample_imports(library, name, fmt):
    if fmt not in REGISTRY:
        pytest.skip(f"{fmt} parser not ready")
    result = import_file(library, sample_path(name))
    assert (result.status, result.format) == ("imported", fmt), result.error
    assert result.entries == library.count() > 0


@needs_samples
def test_all_samples_dedupe_and_reimport_unchanged(library, tmp_path):
    if not set(SAMPLE_FORMATS.values()) <= set(REGISTRY):
        pytest.skip("not every sample format has a parser yet")
    copies = tmp_path / "digests"
    shutil.copytree(require_samples(), copies, ignore=shutil.ignore_patterns("README.md"))
    results = import_paths(library, [copies])
    assert [r.status for r in results] == ["imported"] * 5
    # 453 entries; "Can Models Learn Skill Composition from Examples?" is a title-only
    # entry in 002 and arXiv 2409.19808 in 003, so the library holds one paper fewer.
    assert sum(r.entries for r in results) == 453
    assert library.count() == 452
    shared = library.get_paper(library.paper_ids("skill composition examples")[0])
    assert shared.arxiv_id == "2409.19808" and len(shared.sightings) == 2
    assert [r.status for r in import_paths(library, [copies])] == ["unchanged"] * 5


def test_library_survives_an_import_killed_midway(library_dir, tmp_path):
    entries = 600
    digest = tmp_path / "big.md"
    digest.write_text(generated_digest(7, entries))
    code = (
        "import sys\n"
        "from reader.ingest.importer import import_file\n"
        "from reader.store import Library\n"
        f"library = Library({str(library_dir)!r})\n"
        "for n in range(1000):\n"
        "    print('start', flush=True)\n"
        f"    result = import_file(library, {str(digest)!r})\n"
        "    print(result.status, flush=True)\n"
        f"    open({str(digest)!r}, 'a').write(f'\\nedited {{n}}\\n')\n"  # a new sha: import again
    )
    importer = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert importer.stdout.readline().strip() == "start"
        time.sleep(0.5)
    finally:
        importer.kill()  # SIGKILL: no cleanup, no rollback by the process itself
        importer.wait()
    finished_before_kill = importer.stdout.read().split().count("imported")
    with Library(library_dir) as library:
        assert library.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = library.digest_by_path(digest)
        if finished_before_kill == 0:  # killed inside the first import: nothing of it remains
            assert stored is None and library.count() == 0
        else:  # killed in a later one: all or nothing, never half a digest
            assert stored.entries == entries and library.count() == entries
        result = import_file(library, digest)
        assert result.status in {"imported", "unchanged"}
        assert result.entries == entries
        assert library.count() == entries
        assert library.digest_by_path(digest).entries == entries

"""Hostile digests against the core and the command line: each test is the attack of issue 11."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from paper_factory import digest, entry
from reader import cli, cli_output
from reader.store import migrations
from reader.store import db as library_module
from reader.export import export
from reader.ingest.importer import import_file
from reader.ingest.reading import MAX_BYTES
from reader.store import DB_NAME, Library, LibraryError, UnknownPaper
from reader.store.query import QueryError, parse_query

REPO = Path(__file__).resolve().parents[1]
ESC = "\x1b"
# A title change, a hidden OSC 8 link, a screen clear, an 8-bit CSI, a bell, a carriage return.
HOSTILE = (
    f"Nice title{ESC}]0;pwned{ESC}\\ {ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"
    f" {ESC}[2J\x9b31m\x07\rover"
)
SCORED = """\
#### 1.Sparse Attention Everywhere. [Link](https://arxiv.org/abs/2410.00001v2)
#### GPT Score: 8
Novelty: 8, Relevance: 9
### Summary
We make attention sparse.
"""


def main(capsys, library_dir: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = cli.main(["--library", str(library_dir), *args])
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_controls(text: str) -> None:
    controls = re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", text)
    assert controls == [], repr(text)


@pytest.fixture
def hostile_library(library_dir: Path) -> Path:
    with Library(library_dir) as lib:
        lib.store_digest(
            f"/d/evil{ESC}]0;title{ESC}\\.md", "sha-evil",
            digest(entry(HOSTILE, arxiv_id="2410.00001", authors=[f"A{ESC}[31mB"],
                         abstract=f"Line one{ESC}[1A\x9b2K.", summary=f"Sum{ESC}]8;;x{ESC}\\")),
        )
        lib.set_note(1, f"first line{ESC}[31m\nsecond line")
        lib.add_tags([1], [f"t{ESC}[5m"])
    return library_dir


# ---------------------------------------------------------------- terminal escapes (Medium 4)

@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["digests"], ["read", "1"]])
def test_terminal_escapes_in_digest_text_never_reach_the_terminal(
        capsys, hostile_library, command):
    code, out, err = main(capsys, hostile_library, *command)
    assert code == 0
    assert_no_controls(out.replace("\n", "").replace("\t", ""))
    assert_no_controls(err.replace("\n", ""))
    if command[0] in ("list", "show"):
        assert "Nice title" in out and "pwned" not in out and "evil.example" not in out


@pytest.mark.parametrize("fmt", ["markdown", "csv", "bibtex"])
def test_exports_carry_no_control_characters(capsys, hostile_library, fmt):
    code, out, _ = main(capsys, hostile_library, "export", "--format", fmt)
    assert code == 0
    assert_no_controls(out.replace("\n", "").replace("\t", ""))
    assert "Nice title" in out


def test_json_output_escapes_what_a_terminal_would_act_on_and_keeps_the_value(
        capsys, hostile_library):
    code, out, _ = main(capsys, hostile_library, "--json", "show", "1")
    assert code == 0
    assert_no_controls(out.replace("\n", ""))
    assert json.loads(out)["title"] == HOSTILE  # the data itself is untouched
    with Library(hostile_library) as lib:
        exported = export(lib.list_papers(), "json")
    assert_no_controls(exported.replace("\n", ""))
    assert json.loads(exported)["papers"][0]["title"] == HOSTILE


def test_show_keeps_the_line_breaks_of_a_note(capsys, hostile_library):
    _, out, _ = main(capsys, hostile_library, "show", "1")
    assert "  first line\n  second line" in out


# ---------------------------------------------------------------- a write lock held (Medium 5)

def hold_write_lock(library_dir: Path, seconds: float) -> threading.Thread:
    """Another connection holds a write transaction open for `seconds` (a long import)."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(library_dir / DB_NAME, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE settings SET value = value")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert ready.wait(5)
    return thread


def test_a_write_lock_held_past_the_busy_timeout_delays_a_tag_instead_of_failing_it(
        capsys, hostile_library, monkeypatch):
    monkeypatch.setattr(library_module, "BUSY_TIMEOUT_MS", 200)  # the lock outlasts it 7 times
    holder = hold_write_lock(hostile_library, 1.5)
    code, out, err = main(capsys, hostile_library, "tag", "1", "later")
    holder.join()
    assert code == 0, err
    with Library(hostile_library) as lib:
        assert "later" in lib.get_paper(1).tags


def test_a_lock_held_past_the_whole_wait_is_reported_in_one_line(
        capsys, hostile_library, monkeypatch):
    monkeypatch.setattr(library_module, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(library_module, "LOCK_WAIT_S", 0.5)
    holder = hold_write_lock(hostile_library, 2.0)
    code, _, err = main(capsys, hostile_library, "tag", "1", "later")
    holder.join()
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("digest-reader: error: ")
    assert "busy" in err and "database is locked" in err


# ---------------------------------------------------------------- no tracebacks (Medium 6)

HUGE = "9" * 40


@pytest.mark.parametrize("args", [
    ["show", HUGE], ["read", HUGE], ["tag", HUGE, "x"], ["list", "--limit", HUGE],
    ["list", f"seen:{HUGE}"], ["list", f"seen:>{'9' * 5000}"], ["list", f"rating:<{HUGE}"],
    ["list", f"year:{HUGE}"], ["list", "(" * 250 + "x" + ")" * 250],
    ["list", "--", "-" * 2000 + "x"],
])
def test_huge_numbers_and_deep_nesting_are_one_line_errors(capsys, hostile_library, args):
    code, out, err = main(capsys, hostile_library, *args)
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith("digest-reader: error: ")


def test_the_library_and_the_parser_refuse_them_too(hostile_library):
    with pytest.raises(QueryError, match="too deeply nested"):
        parse_query("(" * 250 + "x" + ")" * 250)
    with pytest.raises(QueryError, match="too deeply nested"):
        parse_query("-" * 2000 + "x")
    with Library(hostile_library) as lib:
        with pytest.raises(UnknownPaper):
            lib.get_paper(10**30)
        with pytest.raises(UnknownPaper):
            lib.set_read([10**30])
        with pytest.raises(QueryError):
            lib.count(f"seen:{HUGE}")
        assert len(lib.list_papers(limit=10**30)) == 1


# ---------------------------------------------------------------- file names (Medium 7, Low)

def test_a_file_name_that_is_not_utf8_is_imported_recorded_and_not_retried(tmp_path, library_dir):
    name = os.fsdecode(b"caf\xe9.md")
    (tmp_path / name).write_text(SCORED, encoding="utf-8")
    with Library(library_dir) as lib:
        first = import_file(lib, tmp_path / name)
        assert first.status == "imported", first.error
        again = import_file(lib, tmp_path / name)
        assert again.status == "unchanged"
        assert [d.file for d in lib.digests()] == [str(tmp_path / "caf\\xe9.md")]
        assert lib.digest_by_path(tmp_path / name).status == "imported"


def test_a_file_name_cannot_forge_or_reorder_watch_lines(tmp_path, library_dir):
    from tests.test_cli_watch import Headless, wait_until

    folder = tmp_path / "Digests"
    folder.mkdir()
    (folder / "a\nimported forged.md: scored-list, 99 entries\u202e.md").write_text(SCORED)
    with Headless(library_dir, folder) as headless:
        assert wait_until(lambda: headless.has("imported a\\nimported forged.md"))
    assert all("\n" not in line and "\u202e" not in line for line in headless.lines)
    assert not any(line.startswith("imported forged") for line in headless.lines)


# ---------------------------------------------------------------- damaged libraries (Medium 8)

def crash_while_open(library_dir: Path) -> None:
    """A process that opens the library and dies without closing it."""
    code = (
        "import os, sys; sys.path.insert(0, sys.argv[2]); from reader.store import Library;"
        " Library(sys.argv[1]); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(library_dir), str(REPO)], check=True)


def test_a_damaged_library_left_open_by_a_crash_is_checked_and_not_written_to(library_dir):
    with Library(library_dir) as lib:
        entries = [entry(f"Paper number {n}", arxiv_id=f"2401.{n:05d}", abstract="words " * 200)
                   for n in range(300)]
        lib.store_digest("/d/a.md", "sha-a", digest(*entries))
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = lib.conn.execute("PRAGMA page_size").fetchone()[0]
        # A page the papers table uses (its root): garbage on a free page would harm nothing.
        root = lib.conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()[0]
    crash_while_open(library_dir)
    path = library_dir / DB_NAME
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start:start + page] = b"\xa5" * page  # a b-tree page of garbage
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="damaged|malformed"):
        Library(library_dir)
    assert path.read_bytes() == before
    with pytest.raises(LibraryError):  # still refused next time: the check is not skipped
        Library(library_dir)


def test_a_sound_library_left_open_by_a_crash_opens_after_the_check(library_dir):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "sha-a", digest(entry("Kept", arxiv_id="2401.00001")))
    crash_while_open(library_dir)
    assert list(library_dir.glob(f"{library_module.OPEN_MARK}*"))
    with Library(library_dir) as lib:
        assert lib.count() == 1
    assert not list(library_dir.glob(f"{library_module.OPEN_MARK}*"))


# ---------------------------------------------------------------- backups (Medium 9)

def add_column(conn):
    conn.execute("ALTER TABLE papers ADD COLUMN extra TEXT")


def test_a_backup_cut_short_never_replaces_a_good_one_and_nothing_is_migrated(
        library_dir, monkeypatch):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "sha-a", digest(entry("Kept", arxiv_id="2401.00001")))
        version = lib.schema_version
    good = library_dir / f"{DB_NAME}.bak-v{version}"
    good.write_bytes((library_dir / DB_NAME).read_bytes())
    good_bytes = good.read_bytes()

    def disk_full(conn, target):
        Path(target).write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_column])
    monkeypatch.setattr(library_module, "_copy_database", disk_full)
    with pytest.raises(LibraryError, match="cannot back up"):
        Library(library_dir)
    assert good.read_bytes() == good_bytes
    assert [p.name for p in library_dir.iterdir() if "bak" in p.name] == [good.name]
    monkeypatch.undo()
    with Library(library_dir) as lib:
        assert lib.schema_version == version


def test_backups_are_complete_databases_and_the_last_three_are_kept(library_dir, monkeypatch):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "sha-a", digest(entry("Kept", arxiv_id="2401.00001")))
        version = lib.schema_version

    def broken(conn):
        raise sqlite3.OperationalError("this migration fails")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    for attempt in range(5):
        with pytest.raises(LibraryError):
            Library(library_dir)
        backup = library_dir / f"{DB_NAME}.bak-v{version}"
        os.utime(backup, (time.time() - 100 + attempt, time.time() - 100 + attempt))
    backups = [p for p in library_dir.iterdir() if ".bak-v" in p.name]
    assert len(backups) == 3  # earlier copies kept under dated names, the oldest dropped
    for backup in backups:
        copy = sqlite3.connect(backup)
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT title FROM papers").fetchall() == [("Kept",)]
        copy.close()


# ---------------------------------------------------------------- Low: read-only, export, watch

def test_a_read_only_library_can_be_listed_and_shown(capsys, hostile_library, monkeypatch):
    real_access = os.access
    # Root may write anywhere, so the check for a read-only folder is what is faked here.
    monkeypatch.setattr(
        library_module.os, "access",
        lambda path, mode: False if mode & os.W_OK else real_access(path, mode),
    )
    code, out, err = main(capsys, hostile_library, "list")
    assert code == 0 and "Nice title" in out, err
    code, out, _ = main(capsys, hostile_library, "show", "1")
    assert code == 0
    code, _, err = main(capsys, hostile_library, "tag", "1", "x")
    assert code == 2 and "read-only" in err
    with Library(hostile_library) as lib:
        assert lib.read_only
        with pytest.raises(sqlite3.OperationalError):  # the connection itself cannot write
            lib.conn.execute("DELETE FROM papers")


def test_export_refuses_to_replace_a_fifo_or_a_device(capsys, hostile_library, tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    code, _, err = main(capsys, hostile_library, "export", "-o", str(fifo), "--format", "markdown")
    assert code == 2 and "not a regular file" in err
    assert fifo.is_fifo()
    code, _, err = main(capsys, hostile_library, "export", "-o", "/dev/null", "--format", "csv")
    assert code == 2 and Path("/dev/null").is_char_device()


def run_watch(library_dir: Path, folder: Path, json_lines: bool = False, seconds: float = 0.0):
    from reader.cli_watch import run_headless

    lines: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    if seconds:
        threading.Timer(seconds, stop.set).start()
    else:
        stop.set()
    code = run_headless(library_dir, folder, stop_event=stop, log=lines.append,
                        error=errors.append, json_lines=json_lines, debounce=0.2)
    return code, lines, errors


def test_watching_the_library_folder_itself_is_refused(library_dir):
    code, lines, errors = run_watch(library_dir, library_dir)
    assert code == 2
    assert len(errors) == 1 and "library's own folder" in errors[0]
    assert errors[0].startswith("digest-reader: error: ")
    code, _, errors = run_watch(library_dir, library_dir / "inside")
    assert code == 2 and "library's own folder" in errors[0]


def test_watch_errors_are_json_lines_under_json(library_dir):
    code, lines, errors = run_watch(library_dir, library_dir, json_lines=True)
    assert code == 2 and lines == []
    assert json.loads(errors[0])["event"] == "error"


def test_watch_json_lines_report_each_import(library_dir, tmp_path):
    folder = tmp_path / "Digests"
    folder.mkdir()
    (folder / "one.md").write_text(SCORED)
    code, lines, errors = run_watch(library_dir, folder, json_lines=True, seconds=1.5)
    events = [json.loads(line) for line in lines]
    assert code == 0 and errors == []
    imported = [e for e in events if e["event"] == "imported"]
    assert imported and imported[0]["file"] == "one.md" and imported[0]["entries"] == 1
    assert events[-1]["event"] == "stopped"


def test_watch_does_not_follow_a_symlink_out_of_the_folder(library_dir, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(SCORED)
    folder = tmp_path / "Digests"
    folder.mkdir()
    (folder / "link.md").symlink_to(outside)
    code, lines, _ = run_watch(library_dir, folder, seconds=1.0)
    assert code == 0
    with Library(library_dir) as lib:
        assert lib.digests() == [] and lib.count() == 0


def test_watch_retries_a_digest_that_arrives_while_another_process_holds_the_lock(
        library_dir, tmp_path, monkeypatch):
    from tests.test_cli_watch import Headless, wait_until

    monkeypatch.setattr(library_module, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(library_module, "LOCK_WAIT_S", 0.3)  # so the import gives up once
    folder = tmp_path / "Digests"
    folder.mkdir()
    with Headless(library_dir, folder) as headless:
        holder = hold_write_lock(library_dir, 2.0)
        (folder / "late.md").write_text(SCORED)
        assert wait_until(lambda: headless.has("busy late.md"), 10), headless.lines
        holder.join()
        assert wait_until(lambda: headless.has("imported late.md"), 10), headless.lines
    with Library(library_dir) as lib:
        assert [d.status for d in lib.digests()] == ["imported"]
        assert lib.count() == 1


def test_the_size_message_shows_a_decimal(library_dir, tmp_path):
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with Library(library_dir) as lib:
        result = import_file(lib, big)
    assert result.error == "too large: 50.0 MB (limit 50 MB)"


# ---------------------------------------------------------------- a new user's findings

def test_help_examples_quote_comparisons(capsys):
    parser = cli.build_parser()
    assert "'rating:>=4'" in parser.format_help()
    with pytest.raises(SystemExit):
        cli.main(["list", "--help"])
    assert "'year:>=2023'" in capsys.readouterr().out
    assert re.search(r"(?<!')rating:>=4(?!')", parser.format_help()) is None


def test_a_renamed_copy_is_a_duplicate_not_a_second_sighting(capsys, library_dir, tmp_path):
    tmp_path = tmp_path / "downloads"
    tmp_path.mkdir()
    (tmp_path / "digest.md").write_text(SCORED)
    (tmp_path / "digest (1).md").write_text(SCORED)
    code, out, _ = main(capsys, library_dir, "import", str(tmp_path))
    assert code == 0
    # "digest (1).md" sorts first, so it is the one imported and "digest.md" the copy.
    assert f"duplicate {tmp_path / 'digest.md'}: same content as {tmp_path / 'digest (1).md'}" in out
    code, out, _ = main(capsys, library_dir, "--json", "digests")
    digests = json.loads(out)
    assert [d["status"] for d in digests] == ["imported", "duplicate"]
    assert all(set(d) == {"file", "format", "status", "entries", "error", "imported_at"}
               for d in digests)
    code, out, _ = main(capsys, library_dir, "--json", "list", "seen:2")
    assert json.loads(out) == []
    with Library(library_dir) as lib:  # the original goes: the copy now counts its papers
        lib.remove_digest(tmp_path / "digest (1).md")
        assert lib.count("seen:1") == 1
        assert [d.status for d in lib.digests()] == ["imported"]


def test_papers_known_only_by_arxiv_id_get_the_ids_year_and_month(library_dir):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "sha-a", digest(
            entry("Dated December", published="2023-12-31"),
            entry("Only an id", arxiv_id="2401.01234"),
            entry("Dated February", published="2024-02-01"),
            entry("No date at all"),
        ))
        assert [p.title for p in lib.list_papers("year:2024")] == [
            "Dated February", "Only an id"]
        assert lib.count("year:>=2024") == 2 and lib.count("year:<2024") == 1
        ordered = [p.title for p in lib.list_papers(sort="published", descending=False)
                   if p.published or p.arxiv_id]
        assert ordered == ["Dated December", "Only an id", "Dated February"]
        only_id = lib.list_papers("title:only")[0]
        assert only_id.published is None  # no day is invented
        bibtex = export([only_id], "bibtex")
        assert "year = {2024}" in bibtex and "month = jan" in bibtex and "date =" not in bibtex
        plan = lib.conn.execute(
            "EXPLAIN QUERY PLAN SELECT p.id FROM papers p WHERE "
            + lib.compiled("year:2024").where, lib.compiled("year:2024").params
        ).fetchall()
        assert "papers_date" in str(plan)

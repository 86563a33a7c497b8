"""The `digest-reader` command, run for real: JSON shapes, exit codes, one-line errors, exports."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import bibtexparser
import pytest

from reader import __version__, cli, cli_output
from reader.store.lock import LibraryLock
from reader.parsers import detect
from reader.parsers.bibtex import latex_to_text
from shared_data import SAMPLES_DIR, SKIP_REASON, sample_files

REPO = Path(__file__).resolve().parents[1]
FIXTURES_DIR = REPO / "tests" / "fixtures"
SAMPLES = sample_files("*.txt")  # [] when ../shared/digests is absent

IMPORT_KEYS = {
    "file", "format", "status", "entries", "new", "merged", "error", "confidence", "ids_in_text", "ids_imported",
}
PAPER_KEYS = {
    "id", "arxiv_id", "doi", "title", "authors", "abstract", "published", "links", "tags",
    "rating", "read", "note", "digests",
}
LINK_KEYS = {"abs", "pdf", "code"}
SIGHTING_KEYS = {"file", "format", "position", "score", "headline", "summary", "topic"}
FETCHED_KEYS = {"categories", "version", "updated", "journal_ref", "fetched"}  # show only
DIGEST_KEYS = {"file", "format", "status", "entries", "error", "imported_at"}


def run(library: Path, *args: str, stdin: str | None = None, env: dict | None = None):
    """The real command in a child process, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        capture_output=True, text=True, input=stdin, cwd=REPO, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


def run_json(library: Path, *args: str, stdin: str | None = None):
    result = run(library, "--json", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_one_line_error(result, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("digest-reader: error: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def samples_parse() -> bool:
    return bool(SAMPLES) and all(detect(p.read_text(encoding="utf-8-sig")) for p in SAMPLES)


SAMPLES_SKIP_REASON = SKIP_REASON if not SAMPLES else "a sample digest is not detected by any parser yet"
needs_samples = pytest.mark.skipif(not samples_parse(), reason=SAMPLES_SKIP_REASON)


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A library holding the five sample digests, and the import command's JSON."""
    if not samples_parse():
        pytest.skip(SAMPLES_SKIP_REASON)
    library = tmp_path_factory.mktemp("samples") / "library"
    rows = run_json(library, "import", *map(str, SAMPLES))
    return library, rows


# ------------------------------------------------------------------- basics


def test_version_and_help():
    version = run(Path("unused"), "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"digest-reader {__version__}"
    help_text = run(Path("unused"), "--help").stdout
    for command in ("import", "list", "show", "tag", "untag", "rate", "read", "unread", "note",
                    "digests", "export", "watch"):
        assert f"    {command} " in help_text
    assert "examples:" in help_text and "Exit codes" in help_text


# ------------------------------------------------------------------- import


@needs_samples
def test_import_samples_reports_each_file(sample_library):
    library, rows = sample_library
    assert [set(row) for row in rows] == [IMPORT_KEYS] * len(SAMPLES)
    assert [row["file"] for row in rows] == [str(p) for p in SAMPLES]
    assert {row["status"] for row in rows} == {"imported"}
    assert all(row["entries"] > 0 and row["error"] is None for row in rows)
    assert all(row["new"] + row["merged"] >= 1 for row in rows)
    papers = run_json(library, "list")
    assert len(papers) == sum(row["new"] for row in rows)


@needs_samples
def test_reimport_is_unchanged_and_digests_lists_them(sample_library):
    library, first = sample_library
    # The folder: the samples are unchanged; the README names one sample paper by its arXiv id
    # in prose, which is a sighting of that paper, never a new one.
    again = run(library, "import", str(SAMPLES_DIR))
    assert again.returncode == 0
    assert "unchanged" in again.stdout and "README.md" in again.stdout
    assert "0 new papers" in again.stdout
    digests = run_json(library, "digests")
    assert all(set(d) == DIGEST_KEYS for d in digests)
    by_file = {d["file"]: d for d in digests}
    for row in first:
        assert by_file[row["file"]]["status"] == "imported"
        assert by_file[row["file"]]["entries"] == row["entries"]
    readme = by_file[str(SAMPLES_DIR / "README.md")]
    assert readme["status"] == "imported" and readme["entries"] == 1


def test_import_keeps_going_past_a_bad_file_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_refs.bib").write_text((FIXTURES_DIR / "bibtex" / "reading_list.bib").read_text())
    (folder / "b_binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / ".hidden.txt").write_text("ignored")
    library = tmp_path / "new" / "nested" / "library"  # created on first use
    result = run(library, "import", str(folder), "--json")
    assert result.returncode == 1, result.stderr
    rows = json.loads(result.stdout)
    assert [(Path(r["file"]).name, r["status"]) for r in rows] == [
        ("a_refs.bib", "imported"), ("b_binary.txt", "failed"),
    ]
    assert rows[0]["format"] == "bibtex" and rows[0]["entries"] == 5
    assert "binary" in rows[1]["error"] and rows[1]["format"] is None
    assert (library / "library.sqlite3").is_file()


# ------------------------------------------------------------------- list, show, user state


@needs_samples
def test_list_shape_sort_limit_and_json_flag_position(sample_library):
    library, _ = sample_library
    before = run(library, "--json", "list", "--sort", "title", "--asc", "--limit", "5")
    after = run(library, "list", "--sort", "title", "--asc", "--limit", "5", "--json")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout
    papers = json.loads(before.stdout)
    assert len(papers) == 5
    assert all(set(p) == PAPER_KEYS and set(p["links"]) == LINK_KEYS for p in papers)
    assert all(set(d) == {"file", "format"} for p in papers for d in p["digests"])
    titles = [p["title"].casefold() for p in papers]
    assert titles == sorted(titles)


@needs_samples
def test_user_state_commands_show_up_in_list_and_show(sample_library):
    library, _ = sample_library
    first, second = [p["id"] for p in run_json(library, "list", "--limit", "2")]

    tagged = run_json(library, "tag", str(first), "to-read", "vision")
    assert tagged["id"] == first and tagged["tags"] == ["to-read", "vision"]
    assert run_json(library, "untag", str(first), "vision")["tags"] == ["to-read"]
    assert run_json(library, "rate", str(first), "4")["rating"] == 4
    assert [p["read"] for p in run_json(library, "read", str(first), str(second))] == [True, True]
    noted = run_json(library, "note", str(first), "--file", "-", stdin="Compare with *Ego4D*.\n")
    assert noted["note"].strip() == "Compare with *Ego4D*."

    shown = run_json(library, "show", str(first))
    assert set(shown) == PAPER_KEYS | FETCHED_KEYS | {"sightings"}
    assert (shown["categories"], shown["fetched"]) == ([], None)  # never fetched
    assert shown["sightings"] and all(set(s) == SIGHTING_KEYS for s in shown["sightings"])
    assert (shown["tags"], shown["rating"], shown["read"]) == (["to-read"], 4, True)
    assert [p["id"] for p in run_json(library, "list", "tag:to-read", "rating:>=4")] == [first]
    assert {first, second} <= {p["id"] for p in run_json(library, "list", "is:read")}

    readable = run(library, "show", str(first))
    assert readable.returncode == 0
    assert shown["title"] in readable.stdout and "★★★★☆" in readable.stdout
    assert "Compare with *Ego4D*." in readable.stdout


# ------------------------------------------------------------------- export


@needs_samples
def test_exports_parse_back(sample_library, tmp_path):
    library, _ = sample_library
    papers = run_json(library, "list", "--sort", "title", "--limit", "30")
    query = ("--sort", "title", "--limit", "30")

    bib = run(library, "export", *query, "--format", "bibtex")
    assert bib.returncode == 0, bib.stderr
    parsed = bibtexparser.parse_string(bib.stdout)
    assert parsed.failed_blocks == []
    assert [latex_to_text(e.fields_dict["title"].value) for e in parsed.entries] == [
        " ".join(p["title"].split()) for p in papers
    ]
    assert len({e.key for e in parsed.entries}) == len(papers)

    out = tmp_path / "list.csv"
    written = run(library, "export", *query, "-o", str(out))  # format from the extension
    assert written.returncode == 0 and "exported 30 papers" in written.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [str(p["id"]) for p in papers]

    as_json = run(library, "export", *query, "--format", "json")  # a full backup
    backup = json.loads(as_json.stdout)["papers"]
    assert [(p["id"], p["title"], p["tags"]) for p in backup] == [
        (p["id"], p["title"], p["tags"]) for p in papers
    ]


# ------------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def small_library(tmp_path_factory) -> Path:
    library = tmp_path_factory.mktemp("small") / "library"
    result = run(library, "import", str(FIXTURES_DIR / "bibtex" / "reading_list.bib"))
    assert result.returncode == 0, result.stderr
    return library


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("show", "999999"), ("no paper with id 999999",)),
        (("rate", "1", "9"), ("rating", "9")),
        (("rate", "1", "x"), ("invalid int value",)),
        (("tag", "424242", "x"), ("424242",)),
        (("note", "1", "--file", "/nonexistent/note.md"), ("no such file",)),
        (("list", 'title:"unclosed'), ("unclosed quote",)),
        (("list", "colour:red"), ("unknown filter 'colour:'",)),
        (("import", "/nonexistent/digest.md"), ("no such file or folder",)),
        (("export", "--format", "pdf"), ("invalid choice",)),
        (("export",), ("--format",)),
    ],
)
def test_mistakes_are_one_line_on_stderr_with_exit_2(small_library, args, words):
    assert_one_line_error(run(small_library, *args), *words)


def test_short_writes_work_beside_a_running_app(small_library):
    with LibraryLock(small_library):  # what the app or `watch` holds while open
        result = run(small_library, "rate", "1", "3")
        assert result.returncode == 0, result.stderr
        assert run_json(small_library, "show", "1")["rating"] == 3


def test_a_damaged_library_file_is_one_line_error(tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "library.sqlite3").write_bytes(b"this is not a database" * 100)
    assert_one_line_error(run(library, "list"), "library")


# ------------------------------------------------------------------- in-process: gui, watch


def test_missing_desktop_app_is_reported_and_qt_never_loads_for_subcommands(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['reader.gui.app'] = None  # makes the import fail\n"
        "from reader.cli import main\n"
        f"print(main(['--library', {str(tmp_path)!r}, 'list']))\n"
        "print(any(m.startswith('PySide6') for m in sys.modules))\n"
        f"print(main(['--library', {str(tmp_path)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.split() == ["0", "False", "1"]
    assert "digest-reader: error: the desktop app is not available: " in result.stderr


def test_app_and_watcher_get_the_folders_given_or_none(tmp_path, monkeypatch):
    import reader.cli_watch

    calls = []
    app = types.ModuleType("reader.gui.app")
    app.run = lambda library, watch, files=(): calls.append(("app", library, watch)) or 0
    monkeypatch.setitem(sys.modules, "reader.gui.app", app)
    monkeypatch.setattr(reader.cli_watch, "run_headless", lambda lib, watch, **_: calls.append(("watch", lib, watch)) or 0)
    monkeypatch.setenv("DIGEST_READER_LIBRARY", str(tmp_path / "env-library"))
    library, watch = tmp_path / "library", tmp_path / "watch"

    assert cli.main([]) == 0
    assert cli.main(["--library", str(library), "--watch", str(watch)]) == 0
    assert cli.main(["watch"]) == 0
    assert cli.main(["--library", str(library), "--watch", str(watch), "watch"]) == 0
    assert calls == [
        ("app", None, None),  # the app resolves its own defaults and Settings
        ("app", library, watch),
        ("watch", tmp_path / "env-library", None),  # the watcher falls back to the saved folder
        ("watch", library, watch),
    ]


@pytest.mark.parametrize(
    ("text", "width", "fitted"),
    [("short", 10, "short"), ("a longer title", 8, "a longe…"), ("大規模言語モデル", 7, "大規模…")],
)
def test_fit_cuts_to_terminal_columns(text, width, fitted):
    assert cli_output.fit(text, width) == fitted
    assert cli_output.display_width(cli_output.fit(text, width)) <= width


# -- "Open with": files given without a command --------------------------------------


def test_files_without_a_command_open_the_app_and_are_imported(tmp_path):
    library = tmp_path / "lib"
    digest = tmp_path / "digest.md"
    digest.write_text("Read [Attention Is All You Need](https://arxiv.org/abs/1706.03762v7)\n")
    result = run(
        library, "--watch", str(tmp_path / "watch"), str(digest),
        env={"QT_QPA_PLATFORM": "offscreen", "DIGEST_READER_QUIT_AFTER_MS": "3000",
             "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.returncode == 0, result.stderr
    papers = run_json(library, "list")
    assert [paper["arxiv_id"] for paper in papers] == ["1706.03762"]


def test_a_missing_file_without_a_command_is_one_error_line(tmp_path):
    assert_one_line_error(run(tmp_path / "lib", str(tmp_path / "nothing.txt")), "nothing.txt")


def test_a_mistyped_command_is_still_a_usage_error(tmp_path):
    result = run(tmp_path / "lib", "lst")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr

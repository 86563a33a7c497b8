"""`digest-reader add` and `digest-reader enrich` as a user runs them, against a local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from enrich_server import Reply
from fake_apis import FakeApis, environment, serve

from paper_factory import digest, entry
from reader.store import Library

REPO = Path(__file__).resolve().parents[2]
KNOWN = {
    "2401.00001": {"title": "Attention Is All You Need", "authors": ("Ada Lovelace",), "published": "2024-01-02"},
    "2401.00002": {"title": "Memory Agents That Forget Well", "authors": ("Grace Hopper",), "published": "2024-01-03"},
}


@pytest.fixture
def apis():
    fake = FakeApis(KNOWN, works={"10.5555/j.7": {}})
    fake.server = serve(fake)
    yield fake
    fake.server.stop()


def run(library: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
    )


def test_add_prints_each_paper_and_fails_for_the_unknown(library_dir, apis):
    env = environment(apis.server)
    done = run(library_dir, env, "--json", "add", "https://arxiv.org/abs/2401.00001v1", "doi:10.5555/j.7")
    assert done.returncode == 0, done.stderr
    added = json.loads(done.stdout)
    assert [(a["status"], a["identifier"]) for a in added] == [("added", "arXiv:2401.00001"), ("added", "doi:10.5555/j.7")]
    shown = json.loads(run(library_dir, env, "--json", "show", str(added[0]["paper_id"])).stdout)
    assert shown["authors"] == ["Ada Lovelace"] and shown["digests"] == []
    failed = run(library_dir, env, "add", "2401.07777", "nonsense")
    assert failed.returncode == 1
    assert "arXiv does not know arXiv:2401.07777" in failed.stderr and "Not an arXiv id" in failed.stderr


def test_enrich_json_completes_and_lists_the_unresolved(library_dir, apis):
    with Library(library_dir) as library:
        library.store_digest(library_dir / "d.txt", "1", digest(
            entry("attention is all you need", arxiv_id="2401.00001"), entry("Memory agents that forget well"),
            entry("MEM1"),
        ))
        mem1 = [p.id for p in library.list_papers() if p.title == "MEM1"]
    done = run(library_dir, environment(apis.server), "enrich", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"updated": 2, "resolved": 1, "merged": 0, "unresolved": mem1, "failed": []}
    text = run(library_dir, environment(apis.server), "enrich")
    assert text.returncode == 0 and "unresolved" in text.stdout and "MEM1" in text.stdout


def test_enrich_exits_1_with_one_message_when_a_request_fails(library_dir, apis):
    with Library(library_dir) as library:
        library.store_digest(library_dir / "d.txt", "1", digest(entry("x", arxiv_id="2401.00001")))
    apis.server.handler = lambda seen: Reply(200, b"<html>not xml")
    done = run(library_dir, environment(apis.server), "enrich", "--json")
    assert done.returncode == 1
    [failure] = json.loads(done.stdout)["failed"]
    assert failure["id"] == 1 and "not XML" in failure["error"]
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "Traceback" not in done.stderr


def test_the_setting_is_stored_and_nothing_is_fetched(library_dir, apis):
    done = run(library_dir, environment(apis.server), "enrich", "--setting", "automatic")
    assert done.returncode == 0 and apis.asked == []
    with Library(library_dir) as library:
        assert library.get_setting("fetch_details") == "automatic"


def test_show_tells_what_was_fetched_and_why_a_paper_stayed_unresolved(library_dir):
    fake = FakeApis({"2401.00005": {
        "title": "Graphs All the Way Down", "version": 3, "updated": "2024-03-04", "primary": "cs.LG",
        "categories": ("cs.AI", "cs.LG"), "doi": "10.5555/g.1", "journal_ref": "J. Graphs 7 (2024) 1-9",
    }})
    server = serve(fake)
    try:
        with Library(library_dir) as library:
            library.store_digest(library_dir / "d.txt", "1", digest(
                entry("graphs all the way down", arxiv_id="2401.00005"), entry("MEM1")))
            graphs, mem1 = (library.list_papers(title)[0].id for title in ("graphs", "MEM1"))
        env = environment(server)
        assert run(library_dir, env, "enrich").returncode == 0
        shown = json.loads(run(library_dir, env, "--json", "show", str(graphs)).stdout)
        assert shown["categories"] == ["cs.LG", "cs.AI"] and shown["version"] == 3
        assert (shown["updated"], shown["journal_ref"]) == ("2024-03-04", "J. Graphs 7 (2024) 1-9")
        assert shown["fetched"]["status"] == "done" and shown["fetched"]["reason"] is None
        page = run(library_dir, env, "show", str(graphs)).stdout
        assert "Subjects:  cs.LG (primary), cs.AI" in page and "Version:   v3, updated 2024-03-04" in page
        assert "Journal:   J. Graphs 7 (2024) 1-9" in page and "Details:" not in page
        unresolved = json.loads(run(library_dir, env, "--json", "show", str(mem1)).stdout)
        assert unresolved["fetched"]["status"] == "unresolved" and unresolved["fetched"]["reason"]
        assert unresolved["fetched"]["tried_at"] and unresolved["categories"] == []
        page = run(library_dir, env, "show", str(mem1)).stdout
        assert f"Details:   not found: {unresolved['fetched']['reason']}" in page
    finally:
        server.stop()


BIB = """@misc{vaswani, title = {Attention Is All You Need}, eprint = {2401.00001}, archivePrefix = {arXiv}}

@misc{hopper, title = {Memory Agents That Forget Well}}
"""


def test_import_fetches_details_for_the_new_papers_when_the_setting_is_automatic(tmp_path, apis):
    env = environment(apis.server)
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    done = run(tmp_path / "asking", env, "import", str(bib))
    assert done.returncode == 0 and apis.asked == []  # "ask", the default: nothing is fetched
    for folder in ("skipping", "automatic", "json"):
        assert run(tmp_path / folder, env, "enrich", "--setting", "automatic").returncode == 0
    done = run(tmp_path / "skipping", env, "import", "--no-fetch", str(bib))
    assert done.returncode == 0 and apis.asked == [] and "Fetched" not in done.stdout
    done = run(tmp_path / "automatic", env, "import", str(bib))
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("Fetched details: 2 papers updated, 1 found by title.")
    with Library(tmp_path / "automatic") as library:
        assert sorted(p.authors[0] for p in library.list_papers()) == ["Ada Lovelace", "Grace Hopper"]
    done = run(tmp_path / "json", env, "--json", "import", str(bib))
    assert done.returncode == 0 and json.loads(done.stdout)[0]["new"] == 2  # the documented shape
    assert "Fetched details: 2 papers updated" in done.stderr
    asked = len(apis.asked)
    (tmp_path / "again.bib").write_text(BIB + "% the same papers\n", encoding="utf-8")
    done = run(tmp_path / "json", env, "import", str(tmp_path / "again.bib"))  # nothing new: nothing fetched
    assert done.returncode == 0 and "Fetched" not in done.stdout + done.stderr and len(apis.asked) == asked


def test_watch_fetches_details_for_what_it_imports_when_the_setting_is_automatic(tmp_path, apis, monkeypatch):
    import threading
    import time

    from reader.cli_watch import run_headless

    for name, value in environment(apis.server).items():
        monkeypatch.setenv(name, value)
    library_dir, folder = tmp_path / "library", tmp_path / "Digests"
    folder.mkdir()
    with Library(library_dir) as library:
        library.set_setting("fetch_details", "automatic")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    lines, stop = [], threading.Event()
    thread = threading.Thread(target=run_headless, args=(library_dir, folder), daemon=True,
                              kwargs={"stop_event": stop, "log": lines.append, "json_lines": True, "debounce": 0.2})
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any('"fetched"' in line for line in lines):
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    [fetched] = [json.loads(line) for line in lines if '"fetched"' in line]
    assert (fetched["updated"], fetched["resolved"], fetched["failed"]) == (2, 1, [])
    with Library(library_dir) as library:
        assert sorted(p.authors[0] for p in library.list_papers()) == ["Ada Lovelace", "Grace Hopper"]

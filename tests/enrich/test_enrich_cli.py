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

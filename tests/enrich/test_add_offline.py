"""`digest-reader add` when arXiv cannot be reached, hangs or is busy: told at once, bounded, exit 1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from enrich_server import Reply
from fake_apis import FakeApis, environment, serve

REPO = Path(__file__).resolve().parents[2]
PREFIX = "digest-reader: error: "


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(library: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "--library", str(library), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "DIGEST_READER_API_DELAY": "0", **env},
    )


def finish(process: subprocess.Popen) -> tuple[str, str]:
    try:
        return process.communicate(timeout=60)
    finally:
        process.kill()


def listed(library: Path) -> list:
    done = subprocess.run([sys.executable, "-m", "reader", "--library", str(library), "--json", "list"],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def server():
    apis = FakeApis({"2401.00001": {"title": "Attention Is All You Need", "authors": ("Ada Lovelace",)}})
    running = serve(apis)
    yield running
    running.stop()


def test_refused_connection_is_told_at_once_and_given_up_within_seconds(library_dir):
    env = {"DIGEST_READER_ARXIV_API": f"http://127.0.0.1:{closed_port()}/api/query"}
    started = time.monotonic()
    process = start(library_dir, env, "add", "2401.00001", "arXiv:2401.00002")
    first = process.stderr.readline()
    told_after = time.monotonic() - started
    still_trying = process.poll() is None
    out, err = finish(process)
    took = time.monotonic() - started
    assert first == f"{PREFIX}127.0.0.1 cannot be reached (connection refused); trying again in 1 s (attempt 2 of 3)\n"
    assert still_trying and told_after < 5  # before the retries, not after them
    lines = (first + err).splitlines()
    assert lines[1] == f"{PREFIX}127.0.0.1 cannot be reached (connection refused); trying again in 2 s (attempt 3 of 3)"
    # The second id is not tried for another three seconds: the host was given up on.
    assert [line.split(":")[0] for line in lines[2:4]] == ["failed     2401.00001", "failed     arXiv"]
    assert lines[-1] == (f"{PREFIX}nothing was added: 127.0.0.1 cannot be reached (connection refused;"
                         " gave up after 3 attempts); try again later")
    assert len(lines) == 5 and out == "" and "Traceback" not in err
    assert process.returncode == 1
    assert 2.5 < took < 15  # 1 s + 2 s of waiting, once, where it used to be 30 s of silence
    assert listed(library_dir) == []  # offline, `add` stores nothing, as before


def test_a_server_that_never_answers_is_told_and_given_up(library_dir, server):
    server.handler = lambda seen: Reply(200, b"", delay=60)
    env = {**environment(server), "DIGEST_READER_API_TIMEOUT": "0.3"}
    started = time.monotonic()
    process = start(library_dir, env, "--json", "add", "2401.00001")
    first = process.stderr.readline()
    told_after = time.monotonic() - started
    out, err = finish(process)
    assert first == f"{PREFIX}127.0.0.1: no answer within 0.3 s; trying again in 2 s (attempt 2 of 3)\n"
    assert told_after < 5
    lines = (first + err).splitlines()
    assert lines[1] == f"{PREFIX}127.0.0.1: no answer within 0.3 s; trying again in 4 s (attempt 3 of 3)"
    assert lines[2] == (f"{PREFIX}nothing was added: 127.0.0.1: no answer within 0.3 s"
                        " (gave up after 3 attempts); try again later")
    assert process.returncode == 1 and len(server.requests) == 3
    assert time.monotonic() - started < 20
    [result] = json.loads(out)  # the JSON on stdout keeps its shape
    assert set(result) == {"text", "status", "paper_id", "title", "identifier", "error"}
    assert result["status"] == "failed" and "no answer" in result["error"]


def test_a_busy_server_is_waited_for_as_it_asks_and_the_paper_added(library_dir, server):
    server.script = [Reply(503, b"busy", {"Retry-After": "1"})]  # then the fake arXiv answers
    process = start(library_dir, environment(server), "add", "2401.00001")
    out, err = finish(process)
    assert err == f"{PREFIX}127.0.0.1: HTTP 503 Service Unavailable; trying again in 1 s (attempt 2 of 3)\n"
    assert process.returncode == 0 and out.startswith("added ")
    assert [paper["title"] for paper in listed(library_dir)] == ["Attention Is All You Need"]


def test_a_server_that_stays_busy_ends_with_one_clear_message(library_dir, server):
    server.handler = lambda seen: Reply(503, b"busy", {"Retry-After": "1"})
    process = start(library_dir, environment(server), "add", "2401.00001")
    out, err = finish(process)
    lines = err.splitlines()
    assert [line.split(";")[1] for line in lines[:2]] == [
        " trying again in 1 s (attempt 2 of 3)", " trying again in 1 s (attempt 3 of 3)"]
    assert lines[2].startswith("failed     2401.00001: 127.0.0.1: HTTP 503")
    assert lines[3] == (f"{PREFIX}nothing was added: 127.0.0.1: HTTP 503 Service Unavailable"
                        " (gave up after 3 attempts); try again later")
    assert process.returncode == 1 and out == "" and len(server.requests) == 3

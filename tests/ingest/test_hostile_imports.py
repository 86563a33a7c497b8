"""Hostile digests through the real command under hard limits: bounded memory, a clear record, nothing lost."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

GOOD = (
    "#### 1.Sparse Routing Without Collapse. [Link](https://arxiv.org/abs/2401.00001)\n"
    "#### GPT Score: 8\n### Summary\nA router.\n\nAbstract one.\n"
)
MEMORY_LIMIT = 1536 * 1024 * 1024  # the 1.5 GB under which `watch` used to be killed


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True,
        timeout=300, preexec_fn=_limited,
    )


def test_an_id_flood_fails_clearly_under_a_memory_limit_and_the_next_digest_still_imports(tmp_path):
    folder = tmp_path / "Digests"
    folder.mkdir()
    # 20 MB of distinct bare ids: this used to take gigabytes and minutes to parse.
    with (folder / "a-flood.txt").open("w") as flood:
        for n in range(1_600_000):
            flood.write(f"{2001 + n % 12}.{n % 100_000:05d}v{n // 100_000 + 1}\n")
    (folder / "b-good.md").write_text(GOOD)
    library = tmp_path / "library"

    result = run_limited("--library", str(library), "import", str(folder), "--json")

    assert result.returncode == 1, result.stderr  # one file failed, and said so
    rows = {Path(row["file"]).name: row for row in json.loads(result.stdout)}
    assert rows["a-flood.txt"]["status"] == "failed"
    assert "too many papers" in rows["a-flood.txt"]["error"]
    assert rows["b-good.md"]["status"] == "imported" and rows["b-good.md"]["new"] == 1
    digests = json.loads(run_limited("--library", str(library), "digests", "--json").stdout)
    assert {Path(d["file"]).name: d["status"] for d in digests} == {"a-flood.txt": "failed", "b-good.md": "imported"}


def test_a_five_megabyte_title_is_cut_and_the_library_stays_quick_to_list(tmp_path):
    digest = tmp_path / "huge-title.md"
    digest.write_text(f"- **{'A' * 5_000_000}**, Paper: [link](https://arxiv.org/abs/2401.00002)\n")
    library = tmp_path / "library"
    imported = run_limited("--library", str(library), "import", str(digest), "--json")
    assert json.loads(imported.stdout)[0]["status"] == "imported"
    listed = json.loads(run_limited("--library", str(library), "list", "--json").stdout)
    assert len(listed) == 1 and len(listed[0]["title"]) <= 1_000

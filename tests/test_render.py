"""The Qt-free Markdown renderer: sanitised output, size, time and nesting budgets, and its process loop."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import render

ROOT = Path(__file__).resolve().parents[1]
DEEP_LIST = "".join("\t" * level + "- x\n" for level in range(300))


def test_ordinary_markdown_renders_to_sanitised_html() -> None:
    assert render.render_with_budget("**ok**") == "<p><strong>ok</strong></p>"
    html = render.render_with_budget('[a](https://a.org "t") <img src="/dev/zero"> <script>x()</script>')
    assert html is not None
    assert 'href="https://a.org"' in html and "title=" not in html
    assert "<img" not in html and "x()" not in html
    assert render.render_with_budget("") == ""


def test_text_over_the_size_cap_is_never_rendered() -> None:
    text = "*a*" * (render.MAX_MARKDOWN_CHARS // 3 + 1)
    assert render.too_long(text)
    started = time.perf_counter()
    assert render.render_with_budget(text) is None
    assert time.perf_counter() - started < 0.05
    assert "longer than 20,000 characters" in render.fallback_note(text)


def test_the_time_budget_turns_a_bracket_bomb_into_plain_text() -> None:
    started = time.perf_counter()
    assert render.render_with_budget("[" * render.MAX_MARKDOWN_CHARS, budget_s=0.3) is None  # 45 s unbounded
    assert time.perf_counter() - started < 2
    assert render.fallback_note("[" * 100) == render.FAILED_NOTE
    # The interruption is cleared afterwards: the next text renders normally.
    assert render.render_with_budget("*fine*") == "<p><em>fine</em></p>"


def test_recursion_and_deep_nesting_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "MAX_MARKDOWN_CHARS", 10**6)
    assert render.render_with_budget(DEEP_LIST) is None  # RecursionError inside, caught
    assert render.render_with_budget("> " * 40 + "deep quote") is None  # deeper than MAX_NESTING
    assert render.nesting("<ul><li><ul><li>x</li></ul></li></ul><blockquote>y</blockquote>") == 2
    shallow = "> " * render.MAX_NESTING + "quote"
    assert render.render_with_budget(shallow) is not None


def test_the_render_module_loads_no_qt() -> None:
    code = (
        "import sys, reader.render\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_serve_answers_requests_in_a_spawned_process_and_exits_at_eof() -> None:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=render.serve, args=(theirs,), daemon=True)
    process.start()
    theirs.close()
    try:
        assert ours.poll(30) and ours.recv() == render.READY
        ours.send((7, "*hi*"))
        ours.send((8, "[" * (render.MAX_MARKDOWN_CHARS + 1)))
        assert ours.poll(10) and ours.recv() == (7, "<p><em>hi</em></p>")
        assert ours.poll(10) and ours.recv() == (8, None)
        ours.close()  # the app quit or died: the renderer must not outlive it
        process.join(10)
        assert process.exitcode == 0
    finally:
        if process.is_alive():
            process.kill()
            process.join()


def test_the_bundle_entry_point_calls_freeze_support_first() -> None:
    # Without it the frozen renderer process would start a second copy of the app.
    source = (ROOT / "packaging" / "launcher.py").read_text(encoding="utf-8")
    main_block = source[source.index('if __name__ == "__main__":'):]
    assert main_block.index("multiprocessing.freeze_support()") < main_block.index("main()")

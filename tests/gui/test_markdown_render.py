"""The renderer process behind the detail pane: restarted when killed or hung, stale answers dropped."""

from __future__ import annotations

import os
import signal
import time

import pytest

from reader.gui.markdown_render import MarkdownRenderer, RenderProcess

SLOW = "*slow* " + "[" * 3000  # about 2 s of Python-Markdown: cut off by the 1 s budget


@pytest.fixture
def process(qtbot):
    made: list[RenderProcess] = []

    def make(**options) -> RenderProcess:
        made.append(RenderProcess(**options))
        return made[-1]

    yield make
    for renderer in made:
        renderer.shutdown()


def answer(qtbot, renderer: RenderProcess, text: str, timeout: int = 20_000) -> tuple[int, object]:
    """Submit text and wait for its (request id, html)."""
    answers: dict[int, object] = {}
    renderer.finished.connect(lambda request_id, html: answers.__setitem__(request_id, html))
    request_id = renderer.submit(text)
    qtbot.waitUntil(lambda: request_id in answers, timeout=timeout)
    return request_id, answers[request_id]


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_killed_renderer_leaves_its_text_plain_and_is_restarted(qtbot, process) -> None:
    renderer = process()
    assert answer(qtbot, renderer, "*warm*")[1] == "<p><em>warm</em></p>"
    first = renderer.pid()
    answers: list[tuple[int, object]] = []
    renderer.finished.connect(lambda request_id, html: answers.append((request_id, html)))
    slow = renderer.submit(SLOW)
    qtbot.wait(200)  # it is rendering now
    os.kill(first, signal.SIGKILL)
    started = time.perf_counter()
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers == [(slow, None)]  # shown plain, and well before the budget would end
    assert time.perf_counter() - started < 0.9
    assert answer(qtbot, renderer, "**back**")[1] == "<p><strong>back</strong></p>"
    assert renderer.pid() not in (None, first) and renderer.starts == 2


def test_a_hung_renderer_is_killed_after_its_deadline_and_replaced(qtbot, process) -> None:
    renderer = process(hang_s=0.5)
    answer(qtbot, renderer, "*warm*")
    stuck = renderer.pid()
    os.kill(stuck, signal.SIGSTOP)  # answers nothing, like a renderer stuck inside one C call
    started = time.perf_counter()
    _, html = answer(qtbot, renderer, "*never*", timeout=5000)
    assert html is None and 0.4 < time.perf_counter() - started < 3
    qtbot.waitUntil(lambda: not is_running(stuck), timeout=5000)
    assert answer(qtbot, renderer, "*next*")[1] == "<p><em>next</em></p>"


def test_requests_queued_when_the_renderer_dies_go_to_the_next_one(qtbot, process) -> None:
    renderer = process()
    answer(qtbot, renderer, "*warm*")
    answers: dict[int, object] = {}
    renderer.finished.connect(lambda request_id, html: answers.__setitem__(request_id, html))
    slow = renderer.submit(SLOW)
    queued = renderer.submit("*queued*")
    qtbot.wait(200)
    os.kill(renderer.pid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: queued in answers, timeout=20_000)
    assert answers == {slow: None, queued: "<p><em>queued</em></p>"}


def test_stale_results_are_dropped_but_cached(qtbot, process) -> None:
    renderer = MarkdownRenderer(process=process())
    emitted: list[tuple[int, object]] = []
    renderer.rendered.connect(lambda token, html: emitted.append((token, html)))
    # No event is processed in between, so neither answer can be in before they are dropped.
    rendering = renderer.render("*old*")  # already sent to the renderer
    waiting = renderer.render("*old queued*")  # never sent
    renderer.discard([rendering, waiting])
    current = renderer.render("*current*")
    assert renderer.wait(20_000)
    qtbot.wait(100)
    assert emitted == [(current, "<p><em>current</em></p>")]
    assert renderer.cached("*old*") == (True, "<p><em>old</em></p>")  # kept for next time
    assert renderer.cached("*old queued*") == (False, None)


def test_text_over_the_cap_is_answered_at_once_without_the_renderer(qtbot, process) -> None:
    renderer = MarkdownRenderer(process=process())
    assert renderer.cached("[" * 20_001) == (True, None)
    assert renderer.pending() == 0


def test_shutdown_ends_the_renderer(qtbot, process) -> None:
    renderer = process()
    answer(qtbot, renderer, "*warm*")
    pid = renderer.pid()
    renderer.shutdown()
    assert renderer.pid() is None
    assert not is_running(pid)

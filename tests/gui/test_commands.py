"""Undo commands change user state through a real Library and undo restores it exactly."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from reader.gui.commands import (
    add_tags_command,
    remove_tags_command,
    set_note_command,
    set_rating_command,
    set_read_command,
    set_tags_command,
    short_title,
)
from reader.gui.worker import ImmediateWorker
from reader.store import Library
from reader.models import Entry, ParsedDigest, Paper, Sighting

TITLES = [
    "Selective Attention Improves Transformer",
    "Were RNNs All We Needed?",
    "A Remarkably Long Title About Multilingual Instruction Tuning Datasets",
]


@pytest.fixture
def lib(library_dir: Path) -> Library:
    library = Library(library_dir)
    entries = [
        Entry(Paper(title=title, arxiv_id=f"2410.0{n}000"), Sighting(position=n + 1))
        for n, title in enumerate(TITLES)
    ]
    library.store_digest(library_dir / "digest.txt", "sha", ParsedDigest("scored_list", entries))
    yield library
    library.close()


@pytest.fixture
def ids(lib: Library) -> list[int]:
    return sorted(lib.paper_ids())


@pytest.fixture
def worker(lib: Library, qtbot) -> ImmediateWorker:
    return ImmediateWorker(lib)


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


def state(lib: Library, ids: list[int]) -> dict:
    return {paper_id: asdict(s) for paper_id, s in lib.user_state(ids).items()}


@pytest.fixture
def varied(lib: Library, ids: list[int]) -> dict:
    """Give the papers different states, so undo must restore each one, not a common value."""
    a, b, c = ids
    lib.set_rating([a], 2)
    lib.set_read([a], True)
    lib.set_tags(a, ["llm", "to read"])
    lib.set_note(a, "first *note*")
    lib.set_rating([b], 5)
    lib.set_tags(b, ["vision"])
    return state(lib, ids)


def test_set_read_on_many_papers_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(set_read_command(lib, worker, ids, True))
    after = state(lib, ids)
    assert all(s["read"] for s in after.values())
    assert after[ids[0]]["read_at"] == varied[ids[0]]["read_at"]  # already read: stamp kept
    stack.undo()
    assert state(lib, ids) == varied
    stack.redo()
    assert all(s["read"] for s in state(lib, ids).values())


def test_mark_unread_and_undo_restores_the_read_stamp(lib, ids, worker, stack, varied) -> None:
    stack.push(set_read_command(lib, worker, [ids[0]], False))
    assert state(lib, ids)[ids[0]]["read_at"] is None
    stack.undo()
    assert state(lib, ids)[ids[0]]["read_at"] == varied[ids[0]]["read_at"] is not None


def test_set_rating_on_many_papers_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(set_rating_command(lib, worker, ids, 4))
    assert [s["rating"] for s in state(lib, ids).values()] == [4, 4, 4]
    stack.undo()
    assert state(lib, ids) == varied


def test_clearing_a_rating_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(set_rating_command(lib, worker, [ids[1]], 0))
    assert state(lib, ids)[ids[1]]["rating"] is None
    stack.undo()
    assert state(lib, ids)[ids[1]]["rating"] == 5


def test_add_tags_to_many_papers_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(add_tags_command(lib, worker, ids, ["survey"]))
    assert all("survey" in s["tags"] for s in state(lib, ids).values())
    assert "llm" in state(lib, ids)[ids[0]]["tags"]
    stack.undo()
    assert state(lib, ids) == varied


def test_remove_tags_from_many_papers_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(remove_tags_command(lib, worker, ids, ["llm", "vision"]))
    after = state(lib, ids)
    assert after[ids[0]]["tags"] == ["to read"] and after[ids[1]]["tags"] == []
    stack.undo()
    assert state(lib, ids) == varied


def test_set_tags_and_undo(lib, ids, worker, stack, varied) -> None:
    stack.push(set_tags_command(lib, worker, ids[0], ["new"]))
    assert state(lib, ids)[ids[0]]["tags"] == ["new"]
    stack.undo()
    assert state(lib, ids) == varied


def test_consecutive_note_edits_merge_into_one_undo_step(lib, ids, worker, stack, varied) -> None:
    for text in ("first *note* plus", "first *note* plus more", "rewritten"):
        stack.push(set_note_command(lib, worker, ids[0], text))
    assert stack.count() == 1
    assert state(lib, ids)[ids[0]]["note"] == "rewritten"
    stack.undo()
    assert state(lib, ids) == varied
    stack.redo()
    assert state(lib, ids)[ids[0]]["note"] == "rewritten"
    stack.undo()
    assert state(lib, ids) == varied


def test_note_edits_of_different_papers_do_not_merge(lib, ids, worker, stack, varied) -> None:
    stack.push(set_note_command(lib, worker, ids[0], "a"))
    stack.push(set_note_command(lib, worker, ids[1], "b"))
    stack.push(set_note_command(lib, worker, ids[0], "c"))
    assert stack.count() == 3
    stack.undo()
    assert state(lib, ids)[ids[0]]["note"] == "a"
    stack.undo()
    stack.undo()
    assert state(lib, ids) == varied


def test_a_note_edit_after_another_command_is_a_new_step(lib, ids, worker, stack, varied) -> None:
    stack.push(set_note_command(lib, worker, ids[0], "a"))
    stack.push(set_rating_command(lib, worker, [ids[0]], 1))
    stack.push(set_note_command(lib, worker, ids[0], "b"))
    assert stack.count() == 3
    stack.undo()
    assert state(lib, ids)[ids[0]]["note"] == "a"
    assert state(lib, ids)[ids[0]]["rating"] == 1


def test_undo_then_a_new_command_keeps_history_consistent(lib, ids, worker, stack, varied) -> None:
    stack.push(set_rating_command(lib, worker, ids, 3))
    stack.push(add_tags_command(lib, worker, [ids[2]], ["x"]))
    stack.undo()
    stack.push(set_read_command(lib, worker, [ids[2]], True))
    stack.undo()
    stack.undo()
    assert state(lib, ids) == varied


def test_commands_report_the_changed_papers(lib, ids, worker, stack, qtbot) -> None:
    with qtbot.waitSignal(worker.changed) as signal:
        stack.push(set_rating_command(lib, worker, ids[:2], 3))
    assert signal.args == [set(ids[:2])]
    with qtbot.waitSignal(worker.changed) as signal:
        stack.undo()
    assert signal.args == [set(ids[:2])]


def test_snapshot_is_taken_when_the_change_runs(lib, ids, stack) -> None:
    # A real worker runs jobs later, in order: undo must restore the state right before
    # this change ran, even when an earlier queued change had not landed at construction.
    queued = []

    class QueueWorker:
        def submit(self, job, done=None, changes=()):
            queued.append(job)

    worker = QueueWorker()
    stack.push(set_rating_command(lib, worker, [ids[0]], 2))
    stack.push(set_rating_command(lib, worker, [ids[0]], 5))
    for job in queued:
        job(lib)
    queued.clear()
    stack.undo()
    queued.pop()(lib)
    assert lib.user_state([ids[0]])[ids[0]].rating == 2


def test_menu_texts_are_readable(lib, ids, worker) -> None:
    assert set_read_command(lib, worker, ids, True).text() == "Mark 3 papers read"
    assert set_read_command(lib, worker, ids[:2], False).text() == "Mark 2 papers unread"
    assert (
        set_rating_command(lib, worker, [ids[0]], 4).text()
        == "Rate “Selective Attention Improves Transformer” ★★★★"
    )
    assert set_rating_command(lib, worker, ids, 0).text() == "Clear rating of 3 papers"
    assert add_tags_command(lib, worker, ids, ["a", "b"]).text() == "Tag 3 papers “a”, “b”"
    assert (
        remove_tags_command(lib, worker, [ids[1]], ["x"]).text()
        == "Remove “x” from “Were RNNs All We Needed?”"
    )
    long_title = set_note_command(lib, worker, ids[2], "x").text()
    assert long_title.startswith("Edit note of “A Remarkably Long")
    assert long_title.endswith("…”")
    assert len(long_title) < 70


def test_short_title() -> None:
    assert short_title("  a   b ") == "a b"
    assert short_title(None) == "untitled"
    assert short_title("x" * 100) == "x" * 39 + "…"


def test_commands_take_no_snapshot_on_the_gui_thread(library_dir: Path, qtbot) -> None:
    """The undo snapshot is read on the worker thread, never on the thread that pushes."""
    import threading

    from reader.gui.worker import LibraryWorker

    library = Library(library_dir)
    entries = [Entry(Paper(title=t, arxiv_id=f"2410.0{n}000"), Sighting(position=n + 1))
               for n, t in enumerate(TITLES)]
    library.store_digest(library_dir / "digest.txt", "sha", ParsedDigest("scored_list", entries))
    paper_ids = sorted(library.paper_ids())
    library.set_rating(paper_ids[:1], 2)
    snapshot_threads: list[str] = []

    class Watched(Library):
        def user_state(self, ids):  # noqa: D102
            snapshot_threads.append(threading.current_thread().name)
            return super().user_state(ids)

    gui_side = Watched(library_dir)
    worker = LibraryWorker(open_library=lambda: Watched(library_dir))
    worker.start()
    try:
        stack = QUndoStack()
        with qtbot.waitSignal(worker.idle, timeout=10_000):
            stack.push(set_rating_command(gui_side, worker, paper_ids, 5))
        assert {s.rating for s in library.user_state(paper_ids).values()} == {5}
        with qtbot.waitSignal(worker.idle, timeout=10_000):
            stack.undo()
        assert [library.user_state(paper_ids)[i].rating for i in paper_ids] == [2, None, None]
        assert snapshot_threads and threading.main_thread().name not in snapshot_threads
    finally:
        worker.stop()
        gui_side.close()
        library.close()

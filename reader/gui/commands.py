"""Undoable changes (read, rating, tags, note, archive, delete, merge, add), run through the library worker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from reader.gui.library_protocol import LibraryView
from reader.gui.widgets import star_text

if TYPE_CHECKING:
    from reader.store import DeletedPapers, Library

TITLE_CHARS = 40
NOTE_COMMAND_ID = 0x4E4F  # "NO": lets QUndoStack merge consecutive note edits

Apply = Callable[["Library"], object]


def short_title(title: str | None) -> str:
    """A title cut to fit an Edit menu entry."""
    title = " ".join((title or "untitled").split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def _papers(library: LibraryView, ids: list[int]) -> str:
    """“Title” for one paper, "N papers" for several."""
    if len(ids) == 1:
        try:
            title = library.get_paper(ids[0]).title
        except Exception:  # an unknown id still deserves a readable menu entry
            title = None
        return f"“{short_title(title)}”"
    return f"{len(ids)} papers"


def _tag_list(tags: list[str]) -> str:
    return ", ".join(f"“{tag}”" for tag in tags)


class UserStateCommand(QUndoCommand):
    """Applies a change to some papers' user state; undo restores the snapshot taken before.

    The snapshot is taken on the worker thread right before each redo, after any earlier
    queued change has landed, so undo restores exactly what the change replaced; none is
    taken on the GUI thread (for 100k selected papers it would freeze the window). The
    stack always runs redo() before undo(), and the worker runs jobs in order, so the undo
    job finds the snapshot its redo job took.
    """

    def __init__(self, library: LibraryView, worker: Any, ids: Iterable[int], text: str,
                 apply: Apply) -> None:  # fmt: skip
        super().__init__(text)
        self.library = library
        self.worker = worker
        self.ids = list(dict.fromkeys(int(paper_id) for paper_id in ids))
        self._apply = apply
        self.snapshot: dict = {}  # taken by the redo job, on the worker thread
        self.whole_list = False  # True: the change moves papers in or out of the lists

    def redo(self) -> None:
        def job(lib: "Library") -> None:
            self.snapshot = lib.user_state(self.ids)
            self._apply(lib)

        self.worker.submit(job, changes=self._changes())

    def undo(self) -> None:
        self.worker.submit(lambda lib: lib.restore_user_state(self.snapshot), changes=self._changes())

    def _changes(self) -> list[int]:
        return [] if self.whole_list else self.ids  # no ids: the list is re-read


class NoteCommand(UserStateCommand):
    """Sets one paper's note; consecutive edits of the same paper merge into one undo step."""

    def __init__(self, library: LibraryView, worker: Any, paper_id: int, text: str) -> None:
        label = f"Edit note of {_papers(library, [int(paper_id)])}"
        super().__init__(library, worker, [paper_id], label, lambda lib: self._set_note(lib))
        self.paper_id = int(paper_id)
        self.note = text

    def _set_note(self, lib: "Library") -> None:
        lib.set_note(self.paper_id, self.note)

    def id(self) -> int:
        return NOTE_COMMAND_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(other, NoteCommand) or other.paper_id != self.paper_id:
            return False
        # This command's snapshot (taken before the first edit) stays; redo after an undo
        # snapshots again, which then equals the restored state.
        self.note = other.note
        return True


def set_read_command(library: LibraryView, worker: Any, ids: Iterable[int], read: bool) -> UserStateCommand:
    ids = list(ids)
    text = f"Mark {_papers(library, ids)} {'read' if read else 'unread'}"
    return UserStateCommand(library, worker, ids, text, lambda lib: lib.set_read(ids, read))


def set_rating_command(library: LibraryView, worker: Any, ids: Iterable[int],
                       rating: int | None) -> UserStateCommand:  # fmt: skip
    ids = list(ids)
    rating = int(rating or 0)
    if rating:
        text = f"Rate {_papers(library, ids)} {star_text(rating).rstrip('☆')}"
    else:
        text = f"Clear rating of {_papers(library, ids)}"
    return UserStateCommand(library, worker, ids, text, lambda lib: lib.set_rating(ids, rating))


def add_tags_command(library: LibraryView, worker: Any, ids: Iterable[int],
                     tags: Iterable[str]) -> UserStateCommand:  # fmt: skip
    ids, tags = list(ids), list(tags)
    text = f"Tag {_papers(library, ids)} {_tag_list(tags)}"
    return UserStateCommand(library, worker, ids, text, lambda lib: lib.add_tags(ids, tags))


def remove_tags_command(library: LibraryView, worker: Any, ids: Iterable[int],
                        tags: Iterable[str]) -> UserStateCommand:  # fmt: skip
    ids, tags = list(ids), list(tags)
    text = f"Remove {_tag_list(tags)} from {_papers(library, ids)}"
    return UserStateCommand(library, worker, ids, text, lambda lib: lib.remove_tags(ids, tags))


def set_tags_command(library: LibraryView, worker: Any, paper_id: int,
                     tags: Iterable[str]) -> UserStateCommand:  # fmt: skip
    tags = list(tags)
    text = f"Set tags of {_papers(library, [paper_id])}"
    return UserStateCommand(
        library, worker, [paper_id], text, lambda lib: lib.set_tags(paper_id, tags)
    )


def set_note_command(library: LibraryView, worker: Any, paper_id: int, text: str) -> NoteCommand:
    return NoteCommand(library, worker, paper_id, text)


def archive_command(library: LibraryView, worker: Any, ids: Iterable[int], archived: bool) -> UserStateCommand:
    ids = list(ids)
    text = f"{'Archive' if archived else 'Unarchive'} {_papers(library, ids)}"
    command = UserStateCommand(library, worker, ids, text, lambda lib: lib.archive_papers(ids, archived))
    command.whole_list = True  # the papers leave (or join) the lists
    return command


class DeleteCommand(QUndoCommand):
    """Deletes papers; undo puts back exactly what the library removed (same ids)."""

    def __init__(self, library: LibraryView, worker: Any, ids: Iterable[int]) -> None:
        self.ids = list(dict.fromkeys(int(paper_id) for paper_id in ids))
        super().__init__(f"Delete {_papers(library, self.ids)}")
        self.worker = worker
        self.removed: DeletedPapers | None = None  # set on the worker thread, before any undo job runs

    def redo(self) -> None:
        def job(lib: "Library") -> None:
            self.removed = lib.delete_papers(self.ids)

        self.worker.submit(job)  # no ids: the list is re-read, the papers leave it

    def undo(self) -> None:
        def job(lib: "Library") -> None:
            if self.removed is not None:
                lib.restore_papers(self.removed)

        self.worker.submit(job)


def delete_command(library: LibraryView, worker: Any, ids: Iterable[int]) -> DeleteCommand:
    return DeleteCommand(library, worker, ids)


class MergeCommand(QUndoCommand):
    """Papers merged by fetching details (they resolved to one id); undo splits them again,
    each paper back with its own id, sightings and user state."""

    def __init__(self, worker: Any, log_ids: Iterable[int], text: str) -> None:
        super().__init__(text)
        self.worker = worker
        self.log_ids = list(log_ids)
        self._merged = True  # the run merged them already: the push's redo has nothing to do

    def redo(self) -> None:
        if self._merged:
            self._merged = False
            return
        ids = list(self.log_ids)
        self.worker.submit(lambda lib: [lib.enrichment.redo_merge(i) for i in ids])

    def undo(self) -> None:
        ids = list(reversed(self.log_ids))  # the last merge first: each restores what the next left
        self.worker.submit(lambda lib: [lib.enrichment.undo_merge(i) for i in ids])


class AddPaperCommand(QUndoCommand):
    """A paper added by identifier (Add paper…, paste), already stored when pushed: undo deletes
    it if it was new, or puts back the fields it completed (and splits what it merged)."""

    def __init__(self, worker: Any, result: Any, before: dict | None, record: Any) -> None:
        verb = "Add" if result.status == "added" else "Complete"
        super().__init__(f"{verb} “{short_title(result.title)}”")
        self.worker = worker
        self.paper_id = int(result.paper_id)
        self.created = result.status == "added"
        self.before = before  # the completed paper's fields (store.enrichment.completed_fields)
        self.record = record
        self.merges = list(result.merges)
        self.removed: DeletedPapers | None = None  # the new paper's rows, while undone
        self._stored = True  # stored already: the push's redo has nothing to do

    def redo(self) -> None:
        if self._stored:
            self._stored = False
            return

        def job(lib: "Library") -> None:
            from reader.enrich.job import RULES

            if self.removed is not None:  # the same paper back, id and citation key included
                lib.restore_papers(self.removed)
                self.removed = None
            for log_id in self.merges:
                lib.enrichment.redo_merge(log_id)
            if not self.created:
                lib.enrichment.apply_record(self.paper_id, self.record, "added", RULES)

        self.worker.submit(job)

    def undo(self) -> None:
        def job(lib: "Library") -> None:
            for log_id in reversed(self.merges):  # the last merge first, as MergeCommand does
                lib.enrichment.undo_merge(log_id)
            if self.created:
                self.removed = lib.delete_papers([self.paper_id])
            elif self.before is not None:
                lib.enrichment.restore_completed(self.paper_id, self.before)

        self.worker.submit(job)  # no ids: the list is re-read

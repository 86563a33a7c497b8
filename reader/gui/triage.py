"""Changes to the selected papers (read, rating, tags, archive, delete), pushed as undoable commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from reader.gui import commands
from reader.gui.library_protocol import LibraryView
from reader.gui.paper_list import PaperListController
from reader.store import Search

UNREAD = Search.parse("is:unread")
NOT_ARCHIVED = Search.parse("-is:archived")

STATUS_MS = 8000


class Triage(QObject):
    """The Paper menu's and the list keys' changes, on the list's selection (or its whole query)."""

    def __init__(
        self, window: QMainWindow, library: LibraryView, worker: Any, papers: PaperListController, undo_stack: QUndoStack
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.worker = worker
        self.papers = papers
        self.undo_stack = undo_stack

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)

    def toggle_read(self) -> None:
        """Mark the selection read, unless all of it is read already: then unread."""
        ids = self.papers.selected_ids()
        if not ids:
            return
        if self.papers.whole_query_selected():  # most rows are not loaded: ask the library
            all_read = self.library.count(UNREAD.and_(self.papers.current_search())) == 0
        else:
            model = self.papers.model
            rows = [model.paper_row(model.row_of(paper_id)) for paper_id in ids]
            all_read = all(row is not None and row.read for row in rows)
        self.set_read(not all_read)

    def set_read(self, read: bool) -> None:
        ids = self.papers.selected_ids()
        if ids:
            self.undo_stack.push(commands.set_read_command(self.library, self.worker, ids, read))

    def rate(self, rating: int) -> None:
        ids = self.papers.selected_ids()
        if ids:
            self.undo_stack.push(commands.set_rating_command(self.library, self.worker, ids, rating or None))

    def add_tags(self, tags: Iterable[str]) -> None:
        ids, tags = self.papers.selected_ids(), [tag for tag in tags if tag]
        if ids and tags:
            self.undo_stack.push(commands.add_tags_command(self.library, self.worker, ids, tags))

    def remove_tags(self, tags: Iterable[str]) -> None:
        ids, tags = self.papers.selected_ids(), [tag for tag in tags if tag]
        if ids and tags:
            self.undo_stack.push(commands.remove_tags_command(self.library, self.worker, ids, tags))

    def add_tag_dialog(self) -> None:
        ids = self.papers.selected_ids()
        if not ids:
            return
        text, ok = QInputDialog.getText(
            self.window, "Add tag", f"Tags to add to {count_text(len(ids))} (comma separated):"
        )
        if ok:
            self.add_tags(_split_tags(text))

    def remove_tag_dialog(self) -> None:
        ids = self.papers.selected_ids()
        tags = sorted({tag for paper_id in ids for tag in self.papers.row_tags(paper_id)})
        if not tags:
            self._status("The selected papers have no tags.")
            return
        tag, ok = QInputDialog.getItem(self.window, "Remove tag", "Tag to remove:", tags, 0, False)
        if ok and tag:
            self.remove_tags([tag])

    def toggle_archive(self) -> None:
        """Archive the selection, unless all of it is archived already: then bring it back."""
        ids = self.papers.selected_ids()
        if not ids:
            return
        if self.papers.whole_query_selected():
            archived = self.library.count(NOT_ARCHIVED.and_(self.papers.current_search())) == 0
        else:
            archived = all(s.archived for s in self.library.user_state(ids).values())
        self.papers.remember_row_for_removal()
        self.undo_stack.push(commands.archive_command(self.library, self.worker, ids, not archived))
        verb = "Brought back" if archived else "Archived"
        self._status(f"{verb} {count_text(len(ids))}. Ctrl+Z undoes.")

    def delete_selected(self) -> None:
        """Delete the selected papers (after asking, for more than one); undoable."""
        ids = self.papers.selected_ids()
        if not ids:
            return
        if len(ids) > 1:
            answer = QMessageBox.question(
                self.window, "Delete papers",
                f"Delete {count_text(len(ids))} with their tags, ratings and notes?"
                "\n\nEdit › Undo brings them back while the app stays open.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.papers.remember_row_for_removal()
        self.undo_stack.push(commands.delete_command(self.library, self.worker, ids))
        self._status(f"Deleted {count_text(len(ids))}. Ctrl+Z undoes.")


def count_text(count: int, noun: str = "paper") -> str:
    """"1 paper", "3 papers"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _split_tags(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]

"""Saved searches: save the current query under a name, rename and delete them from the sidebar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from reader.gui.library_protocol import LibraryView
from reader.gui.paper_list import PaperListController
from reader.gui.plain import plain
from reader.gui.sidebar import Sidebar

STATUS_MS = 8000


class SavedSearches(QObject):
    """Writes go through the worker; the sidebar lists the saved searches with their counts."""

    def __init__(
        self, window: QMainWindow, library: LibraryView, worker: Any, sidebar: Sidebar, papers: PaperListController,
        refresh_sidebar: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.library = library
        self.worker = worker
        self.sidebar = sidebar
        self.papers = papers
        self._refresh_sidebar = refresh_sidebar
        sidebar.rename_requested.connect(self.rename_dialog)
        sidebar.delete_requested.connect(self.delete)

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)

    def save_dialog(self) -> None:
        """Ask a name for the current query (sidebar entry and search text) and save it."""
        from reader.store import QueryError

        query = self.papers.current_query()
        if not query:
            self._status("Type a search (or pick a list) first, then save it.")
            return
        try:
            self.library.count(query)
        except QueryError as exc:
            self._status(f"This search cannot be saved: {exc}")
            return
        suggested = self.papers.search_text() or query
        name, ok = QInputDialog.getText(self.window, "Save search", plain(f"Name for “{query}”:"), text=suggested)
        if not ok or not name.strip():
            return
        existing = {saved.casefold() for saved, _query in self.library.saved_searches()}
        if name.strip().casefold() in existing:
            question = plain(f"Replace the saved search “{name.strip()}”?")
            if QMessageBox.question(self.window, "Save search", question) != QMessageBox.StandardButton.Yes:
                return
        self.save(name, query)

    def save(self, name: str, query: str) -> None:
        """Save query under name on the worker; the sidebar lists it with its count."""
        name = " ".join(name.split())
        self.worker.submit(
            lambda lib: lib.save_search(name, query),
            done=lambda _result: self._done(f"Saved the search “{name}”."),
            notify=False,
        )

    def rename_dialog(self, name: str) -> None:
        new, ok = QInputDialog.getText(self.window, "Rename saved search", "New name:", text=name)
        if ok and new.strip() and new.strip() != name:
            self.rename(name, new)

    def rename(self, old: str, new: str) -> None:
        new = " ".join(new.split())
        self.sidebar.rename_key(f"saved:{old}", f"saved:{new}")
        self.worker.submit(
            lambda lib: lib.rename_saved_search(old, new),
            done=lambda _result: self._done(f"Renamed “{old}” to “{new}”."),
            notify=False,
        )

    def delete(self, name: str) -> None:
        self.worker.submit(
            lambda lib: lib.delete_saved_search(name),
            done=lambda _result: self._done(f"Deleted the saved search “{name}”."),
            notify=False,
        )

    def _done(self, message: str) -> None:
        self._refresh_sidebar()
        self._status(message)

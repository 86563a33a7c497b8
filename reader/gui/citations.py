"""Citations in the app: copy keys, BibTeX entries and Markdown links; the detail pane's key field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from reader.gui.plain import plain_tooltip

if TYPE_CHECKING:
    from reader.store import Library, PaperDetail

STATUS_MS = 6000


class CitationKeyField(QWidget):
    """"Key: vaswani2017attention", editable in place; Enter asks for the change."""

    key_requested = Signal(int, str)  # paper_id, new key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._paper_id: int | None = None
        self._key = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Citation key:", self)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("citationKey")
        self.edit.setAccessibleName("Citation key")
        self.edit.setToolTip(plain_tooltip(
            "How LaTeX cites this paper (\\cite{key}); Ctrl+Shift+C copies it. Edit and press Enter."
        ))
        self.edit.editingFinished.connect(self._finish)
        self.error = QLabel(self)
        self.error.setObjectName("citationKeyError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error, 1)

    def show_paper(self, paper: PaperDetail | None) -> None:
        self._paper_id = paper.id if paper is not None else None
        self._key = (paper.citation_key or "") if paper is not None else ""
        self.edit.setText(self._key)
        self.show_error("")

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def _finish(self) -> None:
        text = self.edit.text().strip()
        if self._paper_id is None or text == self._key:
            return
        self.key_requested.emit(self._paper_id, text)


class KeyCommand(QUndoCommand):
    """Changes one paper's citation key; undo gives the old one back."""

    def __init__(self, worker: Any, paper_id: int, old: str, new: str) -> None:
        super().__init__(f"Change citation key to “{new}”")
        self.worker, self.paper_id, self.old, self.new = worker, paper_id, old, new

    def redo(self) -> None:
        self.worker.submit(lambda lib: lib.set_citation_key(self.paper_id, self.new), changes=[self.paper_id])

    def undo(self) -> None:
        self.worker.submit(lambda lib: lib.set_citation_key(self.paper_id, self.old), changes=[self.paper_id])


class Citations(QObject):
    """The Copy citation key / BibTeX entry / Markdown link actions and key editing."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window

    # -- copying ----------------------------------------------------------------------
    def _papers(self) -> list[PaperDetail]:
        """The selection, else the current paper."""
        window = self.window
        ids = window.selected_ids() or ([window.current_paper_id()] if window.current_paper_id() is not None else [])
        papers = []
        for paper_id in ids:
            try:
                papers.append(window.reader_library.get_paper(paper_id))
            except Exception:  # deleted meanwhile (UnknownPaper): nothing to copy for it
                continue
        return papers

    def _items(self, papers: list[PaperDetail]) -> tuple[list[Any], list[str]]:
        from reader.exchange.keys import assign_keys
        from reader.exchange.records import item_from_paper

        items = [item_from_paper(paper) for paper in papers]
        return items, assign_keys(items)  # stored keys as they are; made only for a paper without

    def _copy(self, text: str, message: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage(message, STATUS_MS)

    def copy_key(self) -> None:
        """Keys joined by commas, as \\cite{a,b} takes them."""
        papers = self._papers()
        if not papers:
            return
        _items, keys = self._items(papers)
        self._copy(",".join(keys), f"Copied {', '.join(keys) if len(keys) <= 3 else f'{len(keys)} citation keys'}")

    def copy_bibtex(self) -> None:
        from reader.exchange import bibtex_entry

        papers = self._papers()
        if not papers:
            return
        items, keys = self._items(papers)
        text = "\n".join(bibtex_entry(item, key) for item, key in zip(items, keys))
        self._copy(text, f"Copied {_count(len(items), 'BibTeX entry', 'BibTeX entries')}")

    def copy_markdown(self) -> None:
        from reader.export import markdown_link

        papers = self._papers()
        if not papers:
            return
        links = [markdown_link(paper) for paper in papers]
        text = links[0] if len(links) == 1 else "\n".join(f"- {link}" for link in links)
        self._copy(text, f"Copied {_count(len(links), 'Markdown link', 'Markdown links')}")

    # -- editing the key ------------------------------------------------------------------
    def edit_key(self, paper_id: int, key: str) -> None:
        """Check the key on the read connection, then change it on the worker (undoable)."""
        from reader.store import InvalidValue
        from reader.store.citations import check_key

        field = self.window.detail.key_field
        library = self.window.reader_library
        try:
            key = check_key(key)
            old = library.get_paper(paper_id).citation_key or ""
            other = library.paper_with_key(key) if hasattr(library, "paper_with_key") else None
        except InvalidValue as error:
            field.show_error(str(error))
            return
        if other is not None and other != paper_id:
            field.show_error(f"“{key}” is already the key of paper {other}")
            return
        field.show_error("")
        self.window.undo_stack.push(KeyCommand(self.window.worker, paper_id, old, key))


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"

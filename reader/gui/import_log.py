"""The import log: every digest the library knows, how it went and why it failed."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from reader.gui import icons
from reader.gui.plain import plain_tooltip

COLUMNS = ("File", "Format", "Entries", "New", "Merged", "Status", "Imported")
STATUS_COLUMN = 5
STATUS_WIDTH = 320


class ImportLog(QTreeWidget):
    """A flat table of Library.digests(), newest first; failures carry the reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importLog")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAccessibleName("Import log")
        header = self.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(48)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # A long error would take the whole width from the file names: it gets a fair share,
        # resizable, and its tooltip holds the rest.
        header.setSectionResizeMode(STATUS_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(STATUS_COLUMN, STATUS_WIDTH)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(900, 300)

    def refresh(self, library: Any) -> None:
        self.clear()
        digests = sorted(library.digests(), key=lambda d: str(d.get("imported_at") or ""), reverse=True)
        for digest in digests:
            self.addTopLevelItem(self._item(digest))

    def _item(self, digest: dict) -> QTreeWidgetItem:
        failed = digest.get("status") == "failed"
        status = f"failed: {digest.get('error') or 'unknown error'}" if failed else str(digest.get("status") or "")
        item = QTreeWidgetItem(
            [
                PurePath(_path(digest)).name,
                str(digest.get("format") or "—"),
                str(digest.get("entries") or 0),
                str(digest.get("new") or 0),
                str(digest.get("merged") or 0),
                status,
                str(digest.get("imported_at") or "")[:19].replace("T", " "),
            ]
        )
        item.setToolTip(0, plain_tooltip(_path(digest)))
        item.setToolTip(5, plain_tooltip(status))
        for column in (2, 3, 4):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if failed:
            item.setIcon(0, icons.icon("warning"))
        return item


def _path(digest: dict) -> str:
    return str(digest.get("file") or digest.get("path") or "")

"""The import log and its dock: every digest the library knows, how it went and why it failed."""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from reader.gui import icons
from reader.gui.library_protocol import LibraryView
from reader.gui.plain import plain_tooltip
from reader.store import DigestRecord

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

    def refresh(self, library: LibraryView) -> None:
        self.clear()
        digests = sorted(library.digests(), key=lambda d: d.imported_at or "", reverse=True)
        for digest in digests:
            self.addTopLevelItem(self._item(digest))

    def _item(self, digest: DigestRecord) -> QTreeWidgetItem:
        failed = digest.status == "failed"
        status = f"failed: {digest.error or 'unknown error'}" if failed else digest.status
        item = QTreeWidgetItem(
            [
                PurePath(digest.file).name,
                digest.format or "—",
                str(digest.entries),
                str(digest.new),
                str(digest.merged),
                status,
                (digest.imported_at or "")[:19].replace("T", " "),
            ]
        )
        item.setToolTip(0, plain_tooltip(digest.file))
        item.setToolTip(5, plain_tooltip(status))
        for column in (2, 3, 4):
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if failed:
            item.setIcon(0, icons.icon("warning"))
        return item


IMPORT_LOG_MIN_HEIGHT = 240  # about eight rows of the import log


class ImportLogDock(QDockWidget):
    """The import log in a bottom dock: read again when shown, opened tall enough to read."""

    def __init__(self, library: LibraryView, settings: QSettings, window: QMainWindow) -> None:
        super().__init__("Import log", window)
        self.setObjectName("importLogDock")
        self.library = library
        self.settings = settings
        self.log = ImportLog(self)
        self.setWidget(self.log)
        self._sized = False
        self.visibilityChanged.connect(self._on_visible)

    def refresh_if_visible(self) -> None:
        if self.isVisible():
            self.log.refresh(self.library)

    def remember_height(self) -> None:
        if self.isVisible() and not self.isFloating():
            self.settings.setValue("window/importLogHeight", self.height())

    def _on_visible(self, visible: bool) -> None:
        if not visible:
            if self.height() > 0 and not self.isFloating():
                self.settings.setValue("window/importLogHeight", self.height())
            return
        self.log.refresh(self.library)
        window = self.parentWidget()
        if not self._sized and not self.isFloating() and isinstance(window, QMainWindow):
            # A dock opens at its widget's small default height: give it room to read.
            self._sized = True
            height = int(self.settings.value("window/importLogHeight", 0) or 0)
            height = max(IMPORT_LOG_MIN_HEIGHT, height or window.height() // 3)
            window.resizeDocks([self], [height], Qt.Orientation.Vertical)

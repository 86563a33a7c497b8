"""The sidebar: smart lists, tags and digests, each a query with a live count."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from reader.gui import icons
from reader.gui.library_protocol import LibraryView
from reader.gui.plain import clip, plain_tooltip
from reader.store import DigestRecord, QueryError, Search

QueryRole = Qt.ItemDataRole.UserRole + 1
KeyRole = Qt.ItemDataRole.UserRole + 2  # stable identity for restoring selection/expansion
FailureRole = Qt.ItemDataRole.UserRole + 3  # why a digest could not be imported
KeptRole = Qt.ItemDataRole.UserRole + 4  # the start of a label never cut: a digest's "2024-10-09 · "
# Keys of the entries named by users or files (digests, tags, saved searches): any length,
# so the only ones cut (in the middle) to fit. The app's own labels always show whole.
NAME_KEYS = ("digest:", "tag:", "saved:")
MIN_WIDTH = 150
UNREADABLE_QUERY = "format:none"  # the papers of the files no format could read: none
FAILURES_LISTED = 10  # the detail pane's list of unreadable files; the import log has them all

SMART_LISTS = (
    ("All", "", "library"),
    ("Unread", "is:unread", "unread"),
    ("Rated", "rating:>=1", "star"),
    ("Has notes", "has:note", "note"),
    ("Seen in 2+ digests", "seen:>=2", "stats"),
    ("Archived", "is:archived", "folder"),
)
SAVED_PREFIX = "saved:"
FORMAT_NAMES = {
    "scored-list": "Scored lists",
    "arxiv-table": "arXiv tables",
    "daily-papers": "Daily papers",
    "newsletter": "Newsletters",
    "generic": "Other digests",
    "bibtex": "BibTeX",
}


def count_each(library: LibraryView, queries: list[str]) -> dict[str, int]:
    """Each query's count (on a reader thread); one that cannot be read is left out."""
    counts = {}
    for query in dict.fromkeys(queries):
        try:
            counts[query] = library.count(query)
        except QueryError:
            continue
    return counts


def quote(value: str) -> str:
    """A query value, in quotes when it holds spaces or brackets (the language has no escapes)."""
    if value and not any(ch.isspace() or ch in '"()' for ch in value):
        return value
    return '"' + value.replace('"', "") + '"'


def digest_file(digest: DigestRecord) -> str:
    return PurePath(digest.file).name


def digest_query(digest: DigestRecord) -> str:
    return f"digest:{quote(digest_file(digest))}"


def fit_label(metrics: QFontMetrics, kept: str, name: str, room: int) -> str:
    """kept + name in `room` pixels, the name cut in its middle: "2024-10-09 · weekl…42.md".
    The dates tell a format's digests apart, and the end of a file name (an issue number)
    as much as its start."""
    if metrics.horizontalAdvance(kept + name) <= room:
        return kept + name
    left = room - metrics.horizontalAdvance(kept)
    if left < metrics.horizontalAdvance("…") * 4:  # not even a few letters of the name
        return metrics.elidedText(kept + name, Qt.TextElideMode.ElideRight, room)
    return kept + metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, left)


class _DigestNameDelegate(QStyledItemDelegate):
    """Draws a dated digest with its date whole and its file name cut; other entries as usual."""

    def shown_text(self, option: QStyleOptionViewItem, index: QModelIndex) -> str:
        """The label as drawn in option.rect."""
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        return self._fitted(shown, index)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if not index.data(KeptRole):
            super().paint(painter, option, index)
            return
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        shown.text = self._fitted(shown, index)
        style = shown.widget.style() if shown.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, shown, painter, shown.widget)

    @staticmethod
    def _fitted(shown: QStyleOptionViewItem, index: QModelIndex) -> str:
        kept = index.data(KeptRole)
        if not kept or not shown.text.startswith(kept):
            return shown.text
        widget = shown.widget
        style = widget.style() if widget is not None else QApplication.style()
        # Qt's own item drawing keeps this margin on each side of the text rectangle.
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, shown, widget).width() - 2 * margin
        return fit_label(shown.fontMetrics, kept, shown.text[len(kept):], room)


class Sidebar(QTreeWidget):
    """Emits query_selected(query) when the user picks an entry, and rename_requested /
    delete_requested(name) from a saved search's context menu."""

    query_selected = Signal(str)
    rename_requested = Signal(str)
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._counts: dict[str, int] = {}  # the last count of each entry's query
        self._pending: list[str] | None = None  # queries left to count (a deferred refresh)
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # tags and saved searches
        self.setItemDelegate(_DigestNameDelegate(self))
        self.setAccessibleName("Lists, tags and digests")
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._expanded: set[str] = {"group:saved", "group:tags", "group:digests"}
        self._current_key = "smart:All"
        self.itemSelectionChanged.connect(self._on_selection)
        self.itemExpanded.connect(lambda item: self._expanded.add(item.data(0, KeyRole)))
        self.itemCollapsed.connect(lambda item: self._expanded.discard(item.data(0, KeyRole)))
        self._building = False
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def current_key(self) -> str:
        return self._current_key

    def select_silently(self, key: str) -> bool:
        """Select an entry without emitting query_selected (the caller applies the query)."""
        item = self._find(key)
        if item is None:
            return False
        self._building = True
        try:
            self.setCurrentItem(item)
        finally:
            self._building = False
        self._current_key = key
        return True

    def rename_key(self, old: str, new: str) -> None:
        """An entry is about to change key (a renamed saved search): keep it selected."""
        if self._current_key == old:
            self._current_key = new

    def current_query(self) -> str:
        item = self.currentItem()
        if item is None:
            return ""
        query = item.data(0, QueryRole)
        return query if isinstance(query, str) else ""

    def current_failure(self) -> str:
        """"x.bin could not be imported: why" when the selected entry is a failed digest."""
        item = self.currentItem()
        failure = item.data(0, FailureRole) if item is not None else None
        return failure if isinstance(failure, str) else ""

    def select_key(self, key: str) -> bool:
        item = self._find(key)
        if item is None:
            return False
        self.setCurrentItem(item)
        return True

    def item_for_query(self, query: str) -> QTreeWidgetItem | None:
        for item in self._all_items():
            if item.data(0, QueryRole) == query:
                return item
        return None

    def refresh(self, library: LibraryView, deferred: bool = False) -> list[str]:
        """Rebuild from the library, keeping the selection and what was expanded. deferred:
        the entries' counts are not read here (at 1M papers on a cold disk they take
        seconds): each shows its last known count, and the queries to count are returned
        for set_counts() to bring their numbers."""
        self._pending = [] if deferred else None
        self._building = True
        scroll = self.verticalScrollBar().value()
        try:
            self.clear()
            self._add_smart_lists(library)
            self._add_saved_searches(library)
            self._add_tags(library)
            self._add_digests(library)
            for item in self._all_items():
                if item.data(0, KeyRole) in self._expanded:
                    item.setExpanded(True)
            current = self._find(self._current_key)
            self.setCurrentItem(current or self.topLevelItem(0))
        finally:
            self._building = False
        self._fit_fixed_labels()
        self.verticalScrollBar().setValue(scroll)
        pending, self._pending = self._pending or [], None
        if current is None:  # the tag or digest shown is gone: show everything
            self._current_key = "smart:All"
            self.query_selected.emit("")
        return pending

    def set_counts(self, counts: dict[str, int]) -> None:
        """Show counts read elsewhere (a reader thread), by query."""
        self._counts.update(counts)
        for item in self._all_items():
            query = item.data(0, QueryRole)
            if query in counts:
                self._show_count(item, counts[query])
        self._fit_fixed_labels()

    def _count(self, library: LibraryView, query: str) -> int | None:
        if self._pending is not None:
            self._pending.append(query)
            return self._counts.get(query)
        count = self._counts[query] = library.count(query)
        return count

    def refresh_icons(self, library: LibraryView) -> None:
        self.refresh(library)

    def _fit_fixed_labels(self) -> None:
        """At least as wide as the widest of the app's own labels, beside the widest count and
        a scroll bar: a fixed width let a larger font or four-digit counts cut "Seen in 2+ digests"
        once the list scrolled. Names are left out, or one long file name would widen the sidebar."""
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        delegate = self.itemDelegate()
        labels = 0
        counts: dict[str, QTreeWidgetItem] = {}  # each count measured once: thousands of digests share a few
        for item in self._all_items():
            counts.setdefault(item.text(1), item)
            if not str(item.data(0, KeyRole)).startswith(NAME_KEYS):
                label = delegate.sizeHint(option, self.indexFromItem(item, 0)).width()
                labels = max(labels, self._indent(item) + label)
        count = max(delegate.sizeHint(option, self.indexFromItem(item, 1)).width() for item in counts.values())
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(max(MIN_WIDTH, labels + count + scroll_bar + 2 * self.frameWidth()))

    def _indent(self, item: QTreeWidgetItem) -> int:
        depth = 1 if self.rootIsDecorated() else 0
        parent = item.parent()
        while parent is not None:
            depth, parent = depth + 1, parent.parent()
        return depth * self.indentation()

    # --- building ------------------------------------------------------------------------

    def _add_smart_lists(self, library: LibraryView) -> None:
        for label, query, icon_name in SMART_LISTS:
            item = self._item(self, label, query, f"smart:{label}", self._count(library, query))
            item.setIcon(0, icons.icon(icon_name))

    def _add_saved_searches(self, library: LibraryView) -> None:
        saved = list(library.saved_searches())
        group = self._group("Saved searches", "group:saved", "search", len(saved))
        if not saved:
            hint = QTreeWidgetItem(group, ["None yet (Ctrl+S)"])
            hint.setToolTip(0, "Type a search, then press Ctrl+S to save it here")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            hint.setData(0, KeyRole, "hint:saved")
            return
        for name, query in saved:
            try:
                Search.parse(query)  # a query this version cannot read shows why, at once
                count = self._count(library, query)
            except QueryError as exc:  # saved by a version that read the query differently
                item = self._item(group, name, query, f"{SAVED_PREFIX}{name}", 0)
                item.setText(1, "!")
                item.setToolTip(0, plain_tooltip(f"{query}\n{exc}"))
                continue
            item = self._item(group, name, query, f"{SAVED_PREFIX}{name}", count)
            item.setToolTip(0, plain_tooltip(query))

    def _context_menu(self, position: QPoint) -> None:
        menu = self.context_menu_for(self.itemAt(position))
        if menu is not None:
            menu.popup(self.viewport().mapToGlobal(position))

    def context_menu_for(self, item: QTreeWidgetItem | None) -> QMenu | None:
        """Rename… and Delete for a saved search; None for any other entry."""
        key = item.data(0, KeyRole) if item is not None else None
        if not isinstance(key, str) or not key.startswith(SAVED_PREFIX):
            return None
        name = key.removeprefix(SAVED_PREFIX)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction("Rename…", lambda: self.rename_requested.emit(name))
        menu.addAction("Delete", lambda: self.delete_requested.emit(name))
        return menu

    def _add_tags(self, library: LibraryView) -> None:
        tags = list(library.tag_counts())
        group = self._group("Tags", "group:tags", "tag", len(tags))
        if not tags:
            hint = QTreeWidgetItem(group, ["No tags yet"])
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            hint.setData(0, KeyRole, "hint:tags")
            return
        for tag, count in tags:
            self._item(group, tag, f"tag:{quote(tag)}", f"tag:{tag}", count)

    def _add_digests(self, library: LibraryView) -> None:
        digests = library.digests()
        group = self._group("Digests", "group:digests", "inbox", len(digests))
        by_format: dict[str, list[DigestRecord]] = {}
        for digest in digests:
            by_format.setdefault(digest.format or "", []).append(digest)
        for fmt in sorted(by_format, key=lambda name: (name == "", FORMAT_NAMES.get(name, name))):
            label = FORMAT_NAMES.get(fmt, fmt) if fmt else "Not recognised"
            count = len(by_format[fmt])
            if fmt:  # a list of its own: every paper from the digests of this format
                query = f"format:{quote(fmt)}"
                format_item = self._item(group, label, query, f"format:{fmt}", self._count(library, query))
                format_item.setToolTip(0, plain_tooltip(f"{count} digest{'s' if count != 1 else ''}"))
            else:  # files no format could read: no papers, so the entry tells which and why
                format_item = self._item(group, label, UNREADABLE_QUERY, "format:", count)
                format_item.setData(0, FailureRole, failures_text(by_format[fmt]))
                format_item.setToolTip(0, "Files that could not be read as digests: select to see why")
                format_item.setToolTip(1, f"{count} file{'s' if count != 1 else ''}")
            for digest in sorted(by_format[fmt], key=_digest_sort_key, reverse=True):
                self._add_digest(format_item, digest)

    def _add_digest(self, parent: QTreeWidgetItem, digest: DigestRecord) -> None:
        name = digest_file(digest)
        label = f"{digest.date} · {name}" if digest.date else name
        entries = digest.entries
        item = self._item(parent, label, digest_query(digest), f"digest:{digest.file}", entries)
        if digest.date:
            item.setData(0, KeptRole, f"{digest.date} · ")
        if digest.status == "failed":
            reason = digest.error or "unknown error"
            item.setData(0, FailureRole, f"{name} could not be imported: {reason}")
            item.setIcon(0, icons.icon("warning"))
            item.setToolTip(0, plain_tooltip(f"{digest.file}\nImport failed: {reason}"))
        else:
            item.setToolTip(0, plain_tooltip(f"{digest.file}\n{entries} entr{'y' if entries == 1 else 'ies'}"))

    def _group(self, label: str, key: str, icon_name: str, count: int) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self, [label, f"{count:,}" if count else ""])
        group.setData(0, KeyRole, key)
        group.setIcon(0, icons.icon(icon_name))
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        group.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return group

    def _item(self, parent: Any, label: str, query: str, key: str, count: int | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label, ""])
        item.setData(0, QueryRole, query)
        item.setData(0, KeyRole, key)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._show_count(item, count)
        return item

    @staticmethod
    def _show_count(item: QTreeWidgetItem, count: int | None) -> None:
        """The count beside an entry; None: not counted yet (blank until it is)."""
        item.setText(1, "" if count is None else f"{count:,}")
        item.setToolTip(1, "" if count is None else f"{count:,} paper{'s' if count != 1 else ''}")

    # --- lookups -------------------------------------------------------------------------

    def _all_items(self) -> list[QTreeWidgetItem]:
        found = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            found.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return found

    def _find(self, key: str) -> QTreeWidgetItem | None:
        for item in self._all_items():
            if item.data(0, KeyRole) == key:
                return item
        return None

    def _on_selection(self) -> None:
        if self._building:
            return
        item = self.currentItem()
        if item is None or item.data(0, QueryRole) is None:
            return
        self._current_key = item.data(0, KeyRole)
        self.query_selected.emit(item.data(0, QueryRole))


def failures_text(digests: list[DigestRecord]) -> str:
    """"2 files could not be imported." then each file and why, newest first, as the sidebar
    lists them; the first line alone goes to the status bar."""
    count = len(digests)
    lines = [f"{count} file{'s' if count != 1 else ''} could not be imported.", ""]
    listed = sorted(digests, key=_digest_sort_key, reverse=True)
    for digest in listed[:FAILURES_LISTED]:
        lines.append(clip(f"{digest_file(digest)}: {digest.error or 'unknown error'}", 300))
    if count > FAILURES_LISTED:
        lines.append(f"… and {count - FAILURES_LISTED} more: View › Import log lists them all.")
    return "\n".join(lines)


def _digest_sort_key(digest: DigestRecord) -> tuple[str, str]:
    """Newest first by the digest's own date, else by when it was imported."""
    return ((digest.date or digest.imported_at or "")[:10], digest_file(digest))

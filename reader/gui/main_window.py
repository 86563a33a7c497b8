"""The main window: sidebar, paper list and detail, menus, imports and the undo stack."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.gui import commands, icons, theme
from reader.gui.detail_view import DetailView
from reader.gui.import_log import ImportLog
from reader.gui.safe_html import is_safe_url
from reader.gui.plain import plain, plain_tooltip
from reader.gui.paper_model import (
    COL_AUTHOR,
    COL_DATE,
    COL_RATING,
    COL_READ,
    COL_SEEN,
    COL_TAGS,
    COL_TITLE,
    PaperTableModel,
)
from reader.gui.search_box import SearchBox
from reader.gui.sidebar import QueryRole, Sidebar
from reader.gui.welcome import WelcomePage

MARK_READ_DELAY_MS = 2000
STATUS_MS = 8000
RELATED_DELAY_MS = 150  # moving through the list with j/k asks only for where one stops
RELATED_LIMIT = 10
SIGHTING_SORTS = ("position", "score")
IMPORT_LOG_MIN_HEIGHT = 240  # about eight rows of the import log  # library sort keys that follow a digest's own order
EXTERNAL_POLL_MS = 2000  # how often to look for writes by the CLI (one cheap PRAGMA)
TITLE_MIN_PX = 190  # the title keeps at least this much of a narrow list…
TITLE_MIN_SHARE = 0.38  # …or this share of a wider one
OPTIONAL_COLUMNS = (COL_SEEN, COL_TAGS)  # hidden, in this order, when even that does not fit
RESTORE_ROWS = 1000  # after a filter or sort, the paper read stays selected within this many rows:
# further down, loading every row up to it (25 µs each) would slow the change, so the list starts at the top

# (keys, what they do): the keyboard-shortcuts dialog and the README list these.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("j / ↓", "Next paper"),
    ("k / ↑", "Previous paper"),
    ("Space / r", "Toggle read / unread"),
    ("u", "Next unread paper"),
    ("1 … 5", "Rate 1 to 5 stars"),
    ("0", "Clear the rating"),
    ("t", "Edit the tags (several papers: add a tag to all)"),
    ("n", "Edit the note"),
    ("o", "Open the abstract page"),
    ("p", "Open the PDF"),
    ("c", "Open the code"),
    ("e", "Archive / unarchive"),
    ("Delete", "Delete (asks first for several papers; Ctrl+Z undoes)"),
    ("Enter", "Go to the detail"),
    ("Escape", "Back to the list"),
    ("/ or Ctrl+F", "Search"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z", "Redo"),
    ("Ctrl+A", "Select every paper of the list"),
    ("Ctrl+O", "Import files"),
    ("Ctrl+E", "Export"),
    ("Ctrl+S", "Save the search"),
    ("Ctrl+L", "Show / hide the import log"),
    ("Ctrl+Shift+S", "Reading stats"),
)


def _abbrev(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return "~/" + str(Path(path).relative_to(Path.home()))
    except ValueError:
        return str(path)


def combine_queries(sidebar_query: str, search_text: str) -> str:
    """The sidebar's query AND the search text (bracketed when it holds OR)."""
    search = search_text.strip()
    if sidebar_query and search and " OR " in f" {search} ":
        search = f"({search})"
    return " ".join(part for part in (sidebar_query, search) if part)


class PaperTableView(QTableView):
    """The paper list; single-key commands go to the window through key_command."""

    key_command = Signal(str)

    KEYS = {
        Qt.Key.Key_Space: "toggle_read",
        Qt.Key.Key_R: "toggle_read",
        Qt.Key.Key_U: "next_unread",
        Qt.Key.Key_T: "focus_tags",
        Qt.Key.Key_N: "focus_note",
        Qt.Key.Key_O: "open_abs",
        Qt.Key.Key_P: "open_pdf",
        Qt.Key.Key_C: "open_code",
        Qt.Key.Key_Return: "focus_detail",
        Qt.Key.Key_Enter: "focus_detail",
        Qt.Key.Key_Slash: "focus_search",
        Qt.Key.Key_E: "toggle_archive",
        Qt.Key.Key_Delete: "delete",
        **{getattr(Qt.Key, f"Key_{n}"): f"rate_{n}" for n in range(6)},
    }

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        )
        key = event.key()
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_current(1 if key == Qt.Key.Key_J else -1)
            return
        if plain and key in self.KEYS and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.key_command.emit(self.KEYS[key])
            return
        super().keyPressEvent(event)

    def move_current(self, step: int) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        current = self.currentIndex().row()
        row = 0 if current < 0 else current + step
        if row >= model.rowCount() and model.canFetchMore():
            model.fetchMore()
        row = max(0, min(row, model.rowCount() - 1))
        self.select_row(row)

    def select_row(self, row: int, center: bool = False) -> None:
        index = self.model().index(row, COL_TITLE)
        self.setCurrentIndex(index)  # the selection follows the current row (ClearAndSelect)
        hint = QAbstractItemView.ScrollHint.PositionAtCenter if center else QAbstractItemView.ScrollHint.EnsureVisible
        self.scrollTo(index, hint)

    # --- column widths: the title stays readable however narrow the list gets ---------------

    _preferred: dict[int, int] = {}
    _floors: dict[int, int] = {}
    _fitting = False

    def set_column_widths(self, preferred: dict[int, int], floors: dict[int, int]) -> None:
        """The other columns' widths (the title stretches), and how far each may shrink."""
        first = not self._preferred
        self._preferred, self._floors = dict(preferred), dict(floors)
        if first:
            self.horizontalHeader().sectionResized.connect(self._remember_width)
        self.fit_columns()

    def remember_current_widths(self, saved: Any = None) -> None:
        """Take the widths restored from the settings as the wanted ones: `saved` (what
        preferred_widths() gave) when known, else the header's, which a narrow window shrank."""
        header = self.horizontalHeader()
        widths = _int_dict(saved)
        for column in self._preferred:
            if column in widths:
                self._preferred[column] = max(widths[column], self._floors.get(column, 0))
            elif not header.isSectionHidden(column):
                self._preferred[column] = max(header.sectionSize(column), self._floors.get(column, 0))
        self.fit_columns()

    def preferred_widths(self) -> dict[str, int]:
        """The wanted widths, not the shrunk ones (for the settings)."""
        return {str(column): width for column, width in self._preferred.items()}

    def _remember_width(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column in self._preferred and new > 0:
            self._preferred[column] = new  # the user dragged it

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Shrink the other columns toward their floors, then hide optional ones, until
        the title keeps its minimum; give them back their widths when there is room."""
        available = self.viewport().width()
        if not self._preferred or available <= 0 or not self.isVisible():
            return  # a hidden view's width is not the one it will be shown at
        room = available - max(TITLE_MIN_PX, int(available * TITLE_MIN_SHARE))
        hidden: set[int] = set()
        for optional in OPTIONAL_COLUMNS:
            if sum(self._floors[c] for c in self._preferred if c not in hidden) <= room:
                break
            hidden.add(optional)
        shown = [c for c in self._preferred if c not in hidden]
        widths = {c: self._preferred[c] for c in shown}
        excess = sum(widths.values()) - room
        slack = sum(max(0, widths[c] - self._floors[c]) for c in shown)
        if excess > 0 and slack > 0:
            cut = min(excess, slack)
            for c in shown:
                widths[c] -= cut * max(0, self._preferred[c] - self._floors[c]) // slack
        header = self.horizontalHeader()
        self._fitting = True
        try:
            for c in self._preferred:
                header.setSectionHidden(c, c in hidden)
            for c, width in widths.items():
                if header.sectionSize(c) != width:
                    header.resizeSection(c, width)
        finally:
            self._fitting = False


class _WatcherBridge(QObject):
    """Carries the watcher's callbacks (its own thread) to the GUI thread as signals."""

    file_ready = Signal(object)
    status = Signal(str, str)


class MainWindow(QMainWindow):
    """Digest Reader's window over one library: read connection here, writes on the worker."""

    def __init__(
        self,
        library: Any,
        worker: Any,
        library_dir: Path,
        watch_dir: Path | None,
        settings: QSettings | None = None,
        start_watcher: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader_library = library
        self.worker = worker
        self.library_dir = Path(library_dir)
        self.watch_dir = Path(watch_dir) if watch_dir is not None else None
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(self)
        self.watcher = None
        self._start_watcher_flag = start_watcher
        self._import_total = 0
        self._import_done = 0
        self._batch: list[Any] = []
        self._sidebar_query = ""
        self._search_text = ""
        self._current_id: int | None = None
        self._iconed: list[tuple[Any, str]] = []
        self._theme_mode = str(self.settings.value("view/theme", "system"))
        self._mark_read_timer = QTimer(self)
        self._mark_read_timer.setSingleShot(True)
        self._mark_read_timer.setInterval(MARK_READ_DELAY_MS)
        self._mark_read_timer.timeout.connect(self._mark_current_read)
        self._sidebar_timer = QTimer(self)
        self._sidebar_timer.setSingleShot(True)
        self._sidebar_timer.setInterval(100)
        self._sidebar_timer.timeout.connect(self.refresh_sidebar)
        self._related_for: int | None = None
        self._related_timer = QTimer(self)
        self._related_timer.setSingleShot(True)
        self._related_timer.setInterval(RELATED_DELAY_MS)
        self._related_timer.timeout.connect(self._find_related)
        self._all_selected_query: str | None = None  # Ctrl+A: every paper of this query
        self._data_version = self._read_data_version()
        # Failures recorded by earlier runs, told then: the watcher retries them at each start.
        self._known_failures = {
            _failure_key(d.get("file"), d.get("error"))
            for d in library.digests() if d.get("status") == "failed"
        }
        self._external_timer = QTimer(self)
        self._external_timer.setInterval(EXTERNAL_POLL_MS)
        self._external_timer.timeout.connect(self.check_external_changes)

        self.setWindowTitle(f"Digest Reader — {self.library_dir.name}")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self._build_tray()
        self._connect()
        self.apply_theme(self._theme_mode, rebuild_sidebar=False)  # built once, just below
        self._restore_settings()
        self.refresh_sidebar()
        self._update_stack()
        self._restore_selection()
        self.focus_list()  # single-key triage works from the first keypress
        self._external_timer.start()
        self._watcher_bridge = _WatcherBridge(self)
        self._watcher_bridge.file_ready.connect(self._on_watched_file, Qt.ConnectionType.QueuedConnection)
        self._watcher_bridge.status.connect(self._on_watcher_status, Qt.ConnectionType.QueuedConnection)
        if start_watcher:
            self.start_watching()

    # --- construction ----------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar(self)
        self.search_box = SearchBox(self)
        self.model = PaperTableModel(self.reader_library, self)
        self.table = PaperTableView(self)
        self.table.setObjectName("paperList")
        self.table.setAccessibleName("Papers")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        row_height = max(28, self.table.fontMetrics().height() + 12)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_columns()

        self.list_panel = QWidget(self)
        list_layout = QVBoxLayout(self.list_panel)
        list_layout.setContentsMargins(6, 6, 0, 0)
        list_layout.setSpacing(6)
        list_layout.addWidget(self.search_box)
        list_layout.addWidget(self.table)

        self.detail = DetailView(self)
        self.detail.setObjectName("detailView")
        self.detail.show_paper(None)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.list_panel)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([220, 780, 400])
        self.sidebar.setMinimumWidth(150)
        self.detail.setMinimumWidth(280)

        self.welcome = WelcomePage(self)
        self.welcome.set_watch_dir(self.watch_dir)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self.import_log = ImportLog(self)
        self.import_dock = QDockWidget("Import log", self)
        self.import_dock.setObjectName("importLogDock")
        self.import_dock.setWidget(self.import_log)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.import_dock)
        self.import_dock.hide()

    def _size_columns(self) -> None:
        """Title takes what is left; the other columns get room for their usual content and
        stay resizable (the header state is remembered in the settings)."""
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(24)
        bold = QFontMetrics(_bold(self.table.font()))
        padding = 18  # cell margins and the focus frame
        widths = {
            COL_READ: 26,
            COL_AUTHOR: bold.horizontalAdvance("Xxxxxx Xxxxx et al."),
            COL_DATE: bold.horizontalAdvance("2024-10-09") + padding,
            COL_RATING: bold.horizontalAdvance("★★★★★") + padding,
            COL_TAGS: bold.horizontalAdvance("to-read, xxxx"),
            COL_SEEN: bold.horizontalAdvance("Seen") + padding,
        }
        # How far each may shrink in a narrow window: dates and stars do not elide well.
        floors = {
            COL_READ: widths[COL_READ],
            COL_AUTHOR: bold.horizontalAdvance("Xxxxx") + padding,
            COL_DATE: widths[COL_DATE],
            COL_RATING: widths[COL_RATING],
            COL_TAGS: bold.horizontalAdvance("xxxx") + padding,
            COL_SEEN: widths[COL_SEEN],
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_READ, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.set_column_widths(widths, floors)

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name:
            self._set_icon(action, icon_name)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _set_icon(self, target: Any, name: str) -> None:
        target.setIcon(icons.icon(name))
        self._iconed.append((target, name))

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.import_action = self._action("&Import files…", self.choose_import_files, key.Open, "import")
        self.export_action = self._action("&Export…", self.export_dialog, "Ctrl+E", "export")
        self.open_library_action = self._action("Open &library folder", self.open_library_folder, None, "library")
        self.open_watch_action = self._action("Open &watched folder", self.open_watch_folder, None, "folder")
        self.settings_action = self._action("&Settings…", self.open_settings, key.Preferences, "settings")
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(key.Undo))
        self._set_icon(self.undo_action, "undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [seq for seq in QKeySequence.keyBindings(key.Redo) if seq not in redo_keys]
        self.redo_action.setShortcuts(redo_keys)
        self._set_icon(self.redo_action, "redo")
        self.find_action = self._action("&Find", self.focus_search, key.Find, "search")
        self.save_search_action = self._action("Sa&ve search…", self.save_search_dialog, key.Save, "star")
        self.save_search_action.setToolTip("Save this search under a name in the sidebar (Ctrl+S)")
        self.select_all_action = self._action("Select &all", self.select_all, key.SelectAll)
        self.mark_read_action = self._action("Mark &read", lambda: self.set_read(True), None, "read")
        self.mark_unread_action = self._action("Mark &unread", lambda: self.set_read(False), None, "unread")
        self.add_tag_action = self._action("Add &tag…", self.add_tag_dialog, None, "tag")
        self.remove_tag_action = self._action("Remo&ve tag…", self.remove_tag_dialog)
        # "\t" + key: the menu shows the list's single-key command without binding it, so
        # the key still types into the search box and the note editor.
        self.rate_actions = [
            self._action(f"{'Clear rating' if n == 0 else '★' * n}\t{n}", lambda n=n: self.rate(n)) for n in range(6)
        ]
        self.toggle_read_action = self._action("T&oggle read / unread\tSpace", self.toggle_read)
        self.next_unread_action = self._action("&Next unread paper\tU", self.next_unread)
        self.edit_tags_action = self._action("Edit ta&gs\tT", self.focus_tags)
        self.edit_note_action = self._action("Edit n&ote\tN", self.focus_note)
        self.open_abs_action = self._action("Open a&bstract page\tO", lambda: self.open_link("abs"))
        self.open_pdf_action = self._action("Open &PDF\tP", lambda: self.open_link("pdf"))
        self.open_code_action = self._action("Open &code\tC", lambda: self.open_link("code"))
        self.archive_action = self._action("&Archive / unarchive\tE", self.toggle_archive)
        self.delete_action = self._action("&Delete…\tDel", self.delete_selected)
        self.sort_actions = [
            self._action(label, lambda key=key, desc=desc: self.set_list_order(key, desc))
            for label, key, desc in (("By date &added", "added", True),
                                     ("In the digest's &order", "position", False),
                                     ("By the digest's &score", "score", True))
        ]
        self.import_log_action = self.import_dock.toggleViewAction()
        self.import_log_action.setText("Import &log")
        self.import_log_action.setShortcut(QKeySequence("Ctrl+L"))
        self.stats_action = self._action("Reading &stats…", self.open_stats, "Ctrl+Shift+S", "stats")
        self.show_sidebar_action = self._toggle("Show &sidebar", self.sidebar)
        self.show_detail_action = self._toggle("Show &detail", self.detail)
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for mode, label in (("system", "&System"), ("light", "&Light"), ("dark", "&Dark")):
            action = QAction(label, self, checkable=True)
            action.triggered.connect(lambda _checked=False, mode=mode: self.set_theme(mode))
            self.theme_group.addAction(action)
            self.theme_actions[mode] = action
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, key.HelpContents)
        self.about_action = self._action("&About Digest Reader", self.show_about)
        for action in (self.undo_action, self.redo_action, self.find_action, self.select_all_action,
                       self.save_search_action, self.import_log_action, self.stats_action):
            self.addAction(action)

    def _toggle(self, text: str, widget: QWidget) -> QAction:
        action = QAction(text, self, checkable=True)
        action.setChecked(True)
        action.toggled.connect(widget.setVisible)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        file_menu.addActions([self.open_library_action, self.open_watch_action])
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.find_action, self.save_search_action, self.select_all_action])
        paper_menu = bar.addMenu("&Paper")
        paper_menu.addActions([self.toggle_read_action, self.mark_read_action, self.mark_unread_action,
                               self.next_unread_action])
        paper_menu.addSeparator()
        self.rate_menu = paper_menu.addMenu("Ra&te")
        self._set_icon(self.rate_menu.menuAction(), "star")
        self.rate_menu.addActions(self.rate_actions[1:])
        self.rate_menu.addSeparator()
        self.rate_menu.addAction(self.rate_actions[0])
        paper_menu.addActions([self.edit_tags_action, self.add_tag_action, self.remove_tag_action,
                               self.edit_note_action])
        paper_menu.addSeparator()
        paper_menu.addActions([self.open_abs_action, self.open_pdf_action, self.open_code_action])
        paper_menu.addSeparator()
        paper_menu.addActions([self.archive_action, self.delete_action])
        self.paper_menu = paper_menu
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.import_log_action, self.stats_action])
        view_menu.addSeparator()
        view_menu.addActions([self.show_sidebar_action, self.show_detail_action])
        sort_menu = view_menu.addMenu("S&ort the list")
        sort_menu.addActions(self.sort_actions)
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.addActions(list(self.theme_actions.values()))
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

    def _build_status_bar(self) -> None:
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.location_label = QLabel(self)
        self.location_label.setTextFormat(Qt.TextFormat.PlainText)  # folder names are not markup
        self.location_label.setObjectName("locationLabel")
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.location_label)
        self._update_location_label()

    def _build_tray(self) -> None:
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icons.app_icon(), self)
            self.tray.setToolTip("Digest Reader")
            self.tray.activated.connect(lambda _reason: (self.showNormal(), self.activateWindow()))
            self.tray.show()

    def _connect(self) -> None:
        self.sidebar.query_selected.connect(self._on_sidebar_query)
        self.sidebar.rename_requested.connect(self.rename_saved_search_dialog)
        self.sidebar.delete_requested.connect(self.delete_saved_search)
        self.search_box.set_save_action(self.save_search_action)
        self.detail.related_requested.connect(self._request_related)
        self.detail.paper_activated.connect(self.show_related_paper)
        self.detail.note_finished.connect(self.focus_list)
        self.search_box.query_changed.connect(self._on_search_text)
        self.search_box.escape_pressed.connect(self.focus_list)
        self.search_box.down_pressed.connect(self.focus_list)
        self.search_box.return_pressed.connect(lambda: self.search_box.has_error() or self.focus_list())
        self.sidebar.itemClicked.connect(self._on_sidebar_clicked)
        self.sidebar.itemActivated.connect(self._on_sidebar_clicked)
        self.table.key_command.connect(self.run_key_command)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_count_label())
        self.model.modelReset.connect(self._update_count_label)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        # Connected after the view's own sorting slot, so this runs once the rows are re-read.
        self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._restore_current())
        self.model.rowsInserted.connect(self._extend_whole_selection)  # before the count label
        self.model.rowsInserted.connect(lambda *_: self._update_count_label())
        self.worker.changed.connect(self._on_changed)
        self.worker.changed.connect(self._absorb_own_writes)  # after _on_changed showed them
        self.worker.failed.connect(self._on_failed)
        self.detail.rating_requested.connect(lambda paper_id, n: self._push(commands.set_rating_command(self.reader_library, self.worker, [paper_id], n)))
        self.detail.tags_requested.connect(lambda paper_id, tags: self._push(commands.set_tags_command(self.reader_library, self.worker, paper_id, tags)))
        self.detail.note_requested.connect(lambda paper_id, text: self._push(commands.set_note_command(self.reader_library, self.worker, paper_id, text)))
        self.detail.read_requested.connect(lambda paper_id, read: self._push(commands.set_read_command(self.reader_library, self.worker, [paper_id], read)))
        self.welcome.import_requested.connect(self.choose_import_files)
        self.welcome.open_folder_requested.connect(self.open_watch_folder)
        self.import_dock.visibilityChanged.connect(self._on_import_dock_visible)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    # --- settings --------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        sizes = self.settings.value("window/splitter")
        if sizes is not None:
            self.splitter.restoreState(sizes)
        columns = self.settings.value("window/columns")
        if columns is not None:
            header = self.table.horizontalHeader()
            header.restoreState(columns)
            header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
            self.table.remember_current_widths(self.settings.value("window/columnWidths"))
        self.show_sidebar_action.setChecked(_as_bool(self.settings.value("view/sidebar", True)))
        self.show_detail_action.setChecked(_as_bool(self.settings.value("view/detail", True)))
        self._apply_detail_font()

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/columns", self.table.horizontalHeader().saveState())
        self.settings.setValue("window/columnWidths", self.table.preferred_widths())
        self.settings.setValue("view/sidebar", self.show_sidebar_action.isChecked())
        self.settings.setValue("view/detail", self.show_detail_action.isChecked())
        if self._current_id is not None:
            self.settings.setValue("window/lastPaper", self._current_id)
        if self.import_dock.isVisible() and not self.import_dock.isFloating():
            self.settings.setValue("window/importLogHeight", self.import_dock.height())
        self.settings.sync()

    def _on_import_dock_visible(self, visible: bool) -> None:
        if not visible:
            if self.import_dock.height() > 0 and not self.import_dock.isFloating():
                self.settings.setValue("window/importLogHeight", self.import_dock.height())
            return
        self.import_log.refresh(self.reader_library)
        if not getattr(self, "_import_dock_sized", False) and not self.import_dock.isFloating():
            # A dock opens at its widget's small default height: give it room to read.
            self._import_dock_sized = True
            height = int(self.settings.value("window/importLogHeight", 0) or 0)
            height = max(IMPORT_LOG_MIN_HEIGHT, height or self.height() // 3)
            self.resizeDocks([self.import_dock], [height], Qt.Orientation.Vertical)

    def mark_read_on_select(self) -> bool:
        return _as_bool(self.settings.value("reading/markReadAfterDelay", False))

    def _apply_detail_font(self) -> None:
        size = int(self.settings.value("view/detailFontSize", 0) or 0)
        if size <= 0:
            size = QApplication.font().pointSize()
        self.detail.set_font_point_size(size)

    # --- theme -----------------------------------------------------------------------------

    def set_theme(self, mode: str) -> None:
        self.settings.setValue("view/theme", mode)
        self.apply_theme(mode)

    def apply_theme(self, mode: str, rebuild_sidebar: bool = True) -> None:
        self._theme_mode = mode if mode in theme.THEMES else "system"
        self.current_theme = theme.apply_theme(QApplication.instance(), self._theme_mode)
        self.theme_actions[self._theme_mode].setChecked(True)
        for target, name in self._iconed:
            target.setIcon(icons.icon(name))
        self.search_box.refresh_icons()
        self.welcome.refresh_icons()
        if rebuild_sidebar:  # its icons follow the theme
            self.refresh_sidebar()

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme_mode == "system":
            self.apply_theme("system")

    # --- queries -----------------------------------------------------------------------------

    def current_query(self) -> str:
        return combine_queries(self._sidebar_query, self._search_text)

    @Slot(str)
    def _on_sidebar_query(self, query: str) -> None:
        self._sidebar_query = query
        self._follow_digest_order()
        self._apply_query()

    def _follow_digest_order(self) -> None:
        """A digest lists its papers in its own order (column sorts give way); leaving it,
        the list goes back to newest first, unless the user picked an order himself."""
        in_digest = self.sidebar.current_key().startswith("digest:")
        if in_digest and self.model.default_sort()[0] not in SIGHTING_SORTS:
            self._sort_by_default("position", False)
            self._auto_order = True
        elif in_digest and self.table.horizontalHeader().sortIndicatorSection() >= 0:
            self._sort_by_default(*self.model.default_sort())
        elif not in_digest and getattr(self, "_auto_order", False):
            self._sort_by_default("added", True)
            self._auto_order = False

    def _sort_by_default(self, key: str, descending: bool) -> None:
        """Sort by `key` with no column header sorted; the caller re-reads the rows."""
        self.model.set_default_sort(key, descending, reload=False)
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # the view would re-sort the model right away
        header.setSortIndicator(-1, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        header.viewport().update()

    def set_list_order(self, key: str, descending: bool) -> None:
        """View › Sort the list: by date added, or by place or score in the digest."""
        self._auto_order = False
        self._sort_by_default(key, descending)
        self.model.sort(-1, Qt.SortOrder.DescendingOrder)
        self._restore_current()

    @Slot(str)
    def _on_search_text(self, text: str) -> None:
        self._search_text = text
        self._apply_query()

    def set_search_text(self, text: str) -> None:
        self.search_box.set_text(text)

    def _apply_query(self) -> None:
        from reader.query import QueryError, parse_query

        try:
            parse_query(self._search_text)  # an error names the user's own text
            self.model.set_query(self.current_query())
        except QueryError as exc:
            self.search_box.show_error(str(exc))
            return
        self.search_box.clear_error()
        self._restore_current()  # the paper being read stays selected if still listed

    # --- saved searches ----------------------------------------------------------------------

    def save_search_dialog(self) -> None:
        """Ask a name for the current query (sidebar entry and search text) and save it."""
        from reader.query import QueryError

        query = self.current_query()
        if not query:
            self.statusBar().showMessage("Type a search (or pick a list) first, then save it.", STATUS_MS)
            return
        try:
            self.reader_library.count(query)
        except QueryError as exc:
            self.statusBar().showMessage(f"This search cannot be saved: {exc}", STATUS_MS)
            return
        name, ok = QInputDialog.getText(self, "Save search", plain(f"Name for “{query}”:"), text=self._search_text or query)
        if not ok or not name.strip():
            return
        existing = {saved.casefold() for saved, _query in self.reader_library.saved_searches()}
        if name.strip().casefold() in existing:
            answer = QMessageBox.question(self, "Save search", plain(f"Replace the saved search “{name.strip()}”?"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.save_search(name, query)

    def save_search(self, name: str, query: str) -> None:
        """Save query under name on the worker; the sidebar lists it with its count."""
        name = " ".join(name.split())
        self.worker.submit(
            lambda lib: lib.save_search(name, query),
            done=lambda _result: self._saved_search_done(f"Saved the search “{name}”."),
            notify=False,
        )

    def rename_saved_search_dialog(self, name: str) -> None:
        new, ok = QInputDialog.getText(self, "Rename saved search", "New name:", text=name)
        if ok and new.strip() and new.strip() != name:
            self.rename_saved_search(name, new)

    def rename_saved_search(self, old: str, new: str) -> None:
        new = " ".join(new.split())
        self.sidebar.rename_key(f"saved:{old}", f"saved:{new}")
        self.worker.submit(
            lambda lib: lib.rename_saved_search(old, new),
            done=lambda _result: self._saved_search_done(f"Renamed “{old}” to “{new}”."),
            notify=False,
        )

    def delete_saved_search(self, name: str) -> None:
        self.worker.submit(
            lambda lib: lib.delete_saved_search(name),
            done=lambda _result: self._saved_search_done(f"Deleted the saved search “{name}”."),
            notify=False,
        )

    def _saved_search_done(self, message: str) -> None:
        self.refresh_sidebar()
        self.statusBar().showMessage(message, STATUS_MS)

    # --- related papers ------------------------------------------------------------------------

    def _request_related(self, paper_id: int) -> None:
        self._related_for = paper_id
        self._related_timer.start()

    def _find_related(self) -> None:
        """Ask the worker (not the GUI thread) for the related papers of the paper shown."""
        paper_id = self._related_for
        if paper_id is None or paper_id != self.detail.paper_id():
            return

        def job(lib: Any) -> list[Any]:
            from reader.library import LibraryError

            try:
                return lib.rows_by_ids(lib.related(paper_id, limit=RELATED_LIMIT))
            except LibraryError:  # the paper vanished meanwhile: nothing to relate
                return []

        self.worker.submit(job, done=lambda rows: self.detail.show_related(paper_id, rows), notify=False)

    def show_related_paper(self, paper_id: int) -> None:
        """Select a paper picked among the related ones; clear the filter if it hides it."""
        if self.select_paper(paper_id):
            return
        self.search_box.clear_silently()
        self.search_box.clear_error()
        self.sidebar.select_silently("smart:All")
        self._search_text = self._sidebar_query = ""
        self.model.set_query("")
        if self.select_paper(paper_id):
            self.statusBar().showMessage("Cleared the filter to show the related paper.", STATUS_MS)
            return
        self.table.clearSelection()  # too far down the list to load: show it on its own
        self._show_detail(paper_id)

    def _remember_current(self) -> None:
        self._current_before_reset = self._current_id

    def _restore_current(self) -> None:
        """Keep the paper one was reading selected when the order changes."""
        remembered = getattr(self, "_current_before_reset", None)
        if remembered is None or not self.select_paper(remembered, limit=RESTORE_ROWS):
            self._select_first_if_none()

    def _select_first_if_none(self) -> None:
        if self.model.rowCount() > 0:
            self.table.select_row(0)
            return
        failure = self.sidebar.current_failure()  # a failed digest: say why it has no papers
        query = self.current_query()
        if failure:
            self.detail.set_empty_hint(failure)
            self.statusBar().showMessage(failure, STATUS_MS)
        elif query:
            self.detail.set_empty_hint(f"No papers match “{query}”.")
        self._show_detail(None)

    # --- selection & detail ------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        if self.whole_query_selected():
            return self.reader_library.paper_ids(
                self.current_query(), sort=self.model.sort_key(), descending=self.model.descending()
            )
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [self.model.paper_id(row) for row in rows]
        ids = [paper_id for paper_id in ids if paper_id is not None]
        if not ids and self._current_id is not None:
            ids = [self._current_id]
        return ids

    def current_paper_id(self) -> int | None:
        return self._current_id

    def select_paper(self, paper_id: int, limit: int = 5000) -> bool:
        """Select paper_id if it is among the first `limit` rows of the list."""
        row = self.model.fetch_until(paper_id, limit=limit)
        if row < 0:
            return False
        self.table.select_row(row, center=True)
        return True

    def _restore_selection(self) -> None:
        last = self.settings.value("window/lastPaper")
        if last is not None:
            try:
                if self.select_paper(int(last)):
                    return
            except (TypeError, ValueError):
                pass
        self._select_first_if_none()

    def _on_current_row(self, current, _previous) -> None:
        paper_id = self.model.paper_id(current.row()) if current.isValid() else None
        if paper_id == self._current_id:
            return
        self._current_id = paper_id
        self._show_detail(paper_id)
        self._mark_read_timer.stop()
        if paper_id is not None and self.mark_read_on_select():
            self._mark_read_timer.start()

    def _show_detail(self, paper_id: int | None) -> None:
        self._current_id = paper_id
        if paper_id is None:
            self.detail.show_paper(None)
            return
        try:
            paper = self.reader_library.get_paper(paper_id)
        except Exception:  # vanished meanwhile (UnknownPaper)
            paper = None
        self.detail.show_paper(paper)

    def _mark_current_read(self) -> None:
        row = self.model.row_of(self._current_id) if self._current_id is not None else -1
        paper = self.model.paper_row(row)
        if paper is not None and not paper.read:
            self._push(commands.set_read_command(self.reader_library, self.worker, [paper.id], True))

    # --- changes from the worker -----------------------------------------------------------

    @Slot(object)
    def _on_changed(self, ids: set[int]) -> None:
        if ids:
            self.model.refresh_ids(ids)
            if self._current_id in ids:
                self._show_detail(self._current_id)
        else:
            self.reload_list()
        self._sidebar_timer.start()

    def reload_list(self) -> None:
        """Re-read the list (after imports) keeping selection, current paper and scroll."""
        whole = self.whole_query_selected()
        selected = set() if whole else set(self.selected_ids())
        current = self._current_id
        scroll = self.table.verticalScrollBar().value()
        self.model.reload()
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if whole and self.model.rowCount():
            self._extend_whole_selection(None, 0, self.model.rowCount() - 1)
        for paper_id in selected:
            row = self.model.row_of(paper_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:
            selection.setCurrentIndex(self.model.index(row, COL_TITLE), selection.SelectionFlag.NoUpdate)
        selection.blockSignals(False)
        self.table.verticalScrollBar().setValue(scroll)
        self._update_stack()
        removed_row, self._row_after_removal = getattr(self, "_row_after_removal", None), None
        if row < 0 and removed_row is not None and removed_row >= 0 and self.model.rowCount():
            self._current_id = None
            self.table.select_row(min(removed_row, self.model.rowCount() - 1))
        elif row < 0:
            self._current_id = None
            self._select_first_if_none()
        else:
            self._show_detail(current)

    # --- changes by other programs (the CLI) -------------------------------------------------

    def _read_data_version(self) -> int | None:
        """SQLite's data_version on the read connection: it moves when another connection
        (the worker's, or the CLI's) commits."""
        try:
            return int(self.reader_library.conn.execute("PRAGMA data_version").fetchone()[0])
        except (sqlite3.Error, AttributeError):
            return None

    def _absorb_own_writes(self, _ids: Any = None) -> None:
        """The views already show the worker's writes: remember the version they made."""
        self._data_version = self._read_data_version()

    def check_external_changes(self) -> bool:
        """Re-read the list, sidebar and detail when another program wrote to the library;
        whether it did. Waits while our own writes are still landing."""
        version = self._read_data_version()
        if version is None or version == self._data_version or self.worker.is_busy():
            return False
        self._data_version = version
        self.reload_list()
        self.refresh_sidebar()
        return True

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MS)
        # The view may show a change that did not happen: read it again.
        self.reload_list()

    def refresh_sidebar(self) -> None:
        if not hasattr(self, "sidebar"):
            return
        self.sidebar.refresh(self.reader_library)
        self.detail.set_known_tags([tag for tag, _count in self.reader_library.tag_counts()])
        if self.import_dock.isVisible():
            self.import_log.refresh(self.reader_library)
        self._update_count_label()

    def _update_stack(self) -> None:
        empty = self.reader_library.count("") == 0 and not self.current_query()
        if empty and self.reader_library.count("is:archived"):  # all archived: not a new library
            empty = False
        self.stack.setCurrentWidget(self.welcome if empty else self.splitter)

    def _update_count_label(self) -> None:
        total = self.model.total()
        selected = total if self.whole_query_selected() else len(self.table.selectionModel().selectedRows())
        text = f"{total} paper{'s' if total != 1 else ''}"
        if selected > 1:
            text += f" · {selected} selected"
        self.count_label.setText(text)

    def _update_location_label(self) -> None:
        self.location_label.setText(
            f"Library: {_abbrev(self.library_dir)}   ·   Watching: {_abbrev(self.watch_dir)}"
        )
        self.location_label.setToolTip(plain_tooltip(f"Library: {self.library_dir}\nWatched folder: {self.watch_dir}"))

    # --- user actions ----------------------------------------------------------------------

    def _push(self, command: Any) -> None:
        self.undo_stack.push(command)

    @Slot(str)
    def run_key_command(self, name: str) -> None:
        if name.startswith("rate_"):
            self.rate(int(name.removeprefix("rate_")))
            return
        handlers: dict[str, Callable[[], Any]] = {
            "toggle_read": self.toggle_read,
            "next_unread": self.next_unread,
            "focus_tags": self.focus_tags,
            "focus_note": self.focus_note,
            "open_abs": lambda: self.open_link("abs"),
            "open_pdf": lambda: self.open_link("pdf"),
            "open_code": lambda: self.open_link("code"),
            "focus_detail": self.focus_detail,
            "focus_search": self.focus_search,
            "toggle_archive": self.toggle_archive,
            "delete": self.delete_selected,
        }
        handlers[name]()

    def toggle_read(self) -> None:
        """Mark the selection read, unless all of it is read already: then unread."""
        ids = self.selected_ids()
        if not ids:
            return
        if self.whole_query_selected():  # most rows are not loaded: ask the library
            all_read = self.reader_library.count(combine_queries("is:unread", self.current_query())) == 0
        else:
            rows = [self.model.paper_row(self.model.row_of(paper_id)) for paper_id in ids]
            all_read = all(row is not None and row.read for row in rows)
        self.set_read(not all_read)

    def set_read(self, read: bool) -> None:
        ids = self.selected_ids()
        if ids:
            self._push(commands.set_read_command(self.reader_library, self.worker, ids, read))

    def rate(self, rating: int) -> None:
        ids = self.selected_ids()
        if ids:
            self._push(commands.set_rating_command(self.reader_library, self.worker, ids, rating or None))

    def add_tags(self, tags: Iterable[str]) -> None:
        ids, tags = self.selected_ids(), [tag for tag in tags if tag]
        if ids and tags:
            self._push(commands.add_tags_command(self.reader_library, self.worker, ids, tags))

    def remove_tags(self, tags: Iterable[str]) -> None:
        ids, tags = self.selected_ids(), [tag for tag in tags if tag]
        if ids and tags:
            self._push(commands.remove_tags_command(self.reader_library, self.worker, ids, tags))

    def add_tag_dialog(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        text, ok = QInputDialog.getText(
            self, "Add tag", f"Tags to add to {len(ids)} paper{'s' if len(ids) != 1 else ''} (comma separated):"
        )
        if ok:
            self.add_tags(_split_tags(text))

    def remove_tag_dialog(self) -> None:
        ids = self.selected_ids()
        tags = sorted({tag for paper_id in ids for tag in self._row_tags(paper_id)})
        if not tags:
            self.statusBar().showMessage("The selected papers have no tags.", STATUS_MS)
            return
        tag, ok = QInputDialog.getItem(self, "Remove tag", "Tag to remove:", tags, 0, False)
        if ok and tag:
            self.remove_tags([tag])

    def _row_tags(self, paper_id: int) -> list[str]:
        row = self.model.paper_row(self.model.row_of(paper_id))
        return list(row.tags or []) if row is not None else []

    def next_unread(self) -> None:
        start = self.table.currentIndex().row() + 1
        row = start
        while True:
            while row < self.model.rowCount():
                paper = self.model.paper_row(row)
                if paper is not None and not paper.read:
                    self.table.select_row(row)
                    return
                row += 1
            if not self.model.canFetchMore():
                break
            self.model.fetchMore()
        self.statusBar().showMessage("No more unread papers below.", STATUS_MS)

    def focus_tags(self) -> None:
        if len(self.selected_ids()) > 1:  # the tag editor shows one paper: ask, tag them all
            self.add_tag_dialog()
            return
        self._ensure_detail_visible()
        self.detail.focus_tags()

    def toggle_archive(self) -> None:
        """Archive the selection, unless all of it is archived already: then bring it back."""
        ids = self.selected_ids()
        if not ids:
            return
        if self.whole_query_selected():
            query = combine_queries("-is:archived", self.current_query())
            archived = self.reader_library.count(query) == 0
        else:
            archived = all(s.archived for s in self.reader_library.user_state(ids).values())
        self._remember_row_for_removal()
        self._push(commands.archive_command(self.reader_library, self.worker, ids, not archived))
        verb = "Brought back" if archived else "Archived"
        self.statusBar().showMessage(f"{verb} {_count_text(len(ids))}. Ctrl+Z undoes.", STATUS_MS)

    def delete_selected(self) -> None:
        """Delete the selected papers (after asking, for more than one); undoable."""
        ids = self.selected_ids()
        if not ids:
            return
        if len(ids) > 1:
            answer = QMessageBox.question(
                self, "Delete papers",
                f"Delete {_count_text(len(ids))} with their tags, ratings and notes?"
                "\n\nEdit › Undo brings them back while the app stays open.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._remember_row_for_removal()
        self._push(commands.delete_command(self.reader_library, self.worker, ids))
        self.statusBar().showMessage(f"Deleted {_count_text(len(ids))}. Ctrl+Z undoes.", STATUS_MS)

    def _remember_row_for_removal(self) -> None:
        """Papers about to leave the list: the one below them becomes current."""
        rows = [index.row() for index in self.table.selectionModel().selectedRows()]
        self._row_after_removal = min(rows) if rows else self.table.currentIndex().row()

    def focus_note(self) -> None:
        self._ensure_detail_visible()
        self.detail.focus_note()

    def open_link(self, kind: str) -> bool:
        if self._current_id is None:
            return False
        opened = bool(self.detail.open_link(kind))
        if not opened:
            names = {"abs": "abstract page", "pdf": "PDF", "code": "code"}
            name = names.get(kind, kind)
            link = self._link_of_current(kind)
            if link and not is_safe_url(link):
                message = f"The {name} link is not a web address; it was not opened."
            elif link:  # a web link the desktop could not hand to a browser
                message = f"Could not open the {name} (no web browser?)."
            else:
                message = f"This paper has no {name} link."
            self.statusBar().showMessage(message, STATUS_MS)
        return opened

    def _link_of_current(self, kind: str) -> str | None:
        try:
            paper = self.reader_library.get_paper(self._current_id)
        except Exception:  # vanished meanwhile (UnknownPaper)
            return None
        return (paper.get("links") or {}).get(kind)

    def focus_detail(self) -> None:
        self._ensure_detail_visible()
        target = _first_focusable(self.detail)
        (target or self.detail).setFocus(Qt.FocusReason.OtherFocusReason)

    def _ensure_detail_visible(self) -> None:
        if not self.detail.isVisible():
            self.show_detail_action.setChecked(True)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_sidebar_clicked(self, item: Any, _column: int) -> None:
        """A list picked with the mouse (or Enter): the keys go on to triage its papers."""
        if item.data(0, QueryRole) is not None:
            self.focus_list()

    def focus_search(self) -> None:
        self.search_box.focus()

    def select_all(self) -> None:
        """In a text field, its text; otherwise every paper of the query, loaded or not."""
        focus = QApplication.focusWidget()
        if isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
            focus.selectAll()
            return
        self.table.selectAll()
        self._all_selected_query = self.current_query()
        self._update_count_label()

    def whole_query_selected(self, loaded: int | None = None) -> bool:
        """Whether Ctrl+A's "every paper of the query" still holds: same query, and every
        loaded row (the first `loaded` ones) still selected."""
        if self._all_selected_query is None or self._all_selected_query != self.current_query():
            return False
        loaded = self.model.rowCount() if loaded is None else loaded
        return loaded > 0 and len(self.table.selectionModel().selectedRows()) >= loaded

    def _extend_whole_selection(self, _parent: Any, first: int, last: int) -> None:
        """Rows loaded later (scrolling, or re-read) join a select-all selection."""
        if first > 0 and not self.whole_query_selected(loaded=first):
            return
        if self._all_selected_query != self.current_query():
            return
        block = QItemSelection(self.model.index(first, 0), self.model.index(last, self.model.columnCount() - 1))
        self.table.selectionModel().select(block, QItemSelectionModel.SelectionFlag.Select)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.focus_list()
            return
        super().keyPressEvent(event)

    # --- imports -----------------------------------------------------------------------------

    def choose_import_files(self) -> None:
        start = str(self.watch_dir or Path.home())
        files, _filter = QFileDialog.getOpenFileNames(
            self, "Import digests", start, "Digests (*.txt *.md *.markdown *.bib *.html *.htm);;All files (*)",
            options=theme.file_dialog_options(),
        )
        if files:
            self.import_paths([Path(name) for name in files])

    def import_paths(self, paths: Iterable[Path], automatic: bool = False) -> None:
        """Queue files (folders are expanded on the worker) for import, one at a time.
        automatic: the watcher's files, whose failures are told once, not at every start."""
        from reader import importer

        files = []
        for path in map(Path, paths):
            if path.is_dir():
                self.worker.submit(
                    lambda _lib, folder=path: _files_in(folder),
                    done=lambda found: self.import_paths(found, automatic), notify=False,
                )
            else:
                files.append(path)
        self._import_total += len(files)  # the whole batch first, so progress reads "3/12"
        for path in files:
            self._show_import_progress()
            self.worker.submit(
                lambda lib, path=path: importer.import_file(lib, path),
                done=lambda result: self._on_import_result(result, automatic), background=True,
            )

    def receive_files(self, paths: list[Path]) -> None:
        """Files from a second launch ("Open with" while the app runs): import them here."""
        if self.isMinimized():
            self.showNormal()
        if QGuiApplication.platformName() != "offscreen":  # which cannot raise (and says so)
            self.raise_()
        self.activateWindow()
        if paths:
            self.import_paths(paths)

    def _show_import_progress(self) -> None:
        if self._import_total > 1:
            self.statusBar().showMessage(f"Importing {self._import_done + 1}/{self._import_total}…")
        else:
            self.statusBar().showMessage("Importing…")

    def _on_import_result(self, result: Any, automatic: bool = False) -> None:
        self._import_done += 1
        if result is not None and result.status == "failed":
            failure = _failure_key(result.file, result.error)
            if automatic and failure in self._known_failures:
                result = None  # told already (the import log keeps it): no news
            self._known_failures.add(failure)
        self._batch.append(result)
        if result is not None and result.status == "failed":
            self.statusBar().showMessage(f"Could not import {Path(str(result.file)).name}: {result.error}", STATUS_MS)
        if self._import_done >= self._import_total:
            self._finish_batch()
        else:
            self._show_import_progress()
        if self.import_dock.isVisible():
            self.import_log.refresh(self.reader_library)

    def _finish_batch(self) -> None:
        batch, self._batch = [r for r in self._batch if r is not None], []
        self._import_total = self._import_done = 0
        message = summarize_imports(batch)
        if message:
            self.statusBar().showMessage(message, STATUS_MS * 2)
        else:
            self.statusBar().clearMessage()
        new = sum(result.new for result in batch if result.status == "imported")
        if new and self.tray is not None and not self.isActiveWindow():
            self.tray.showMessage("Digest Reader", notification_text(batch), icons.app_icon(), 5000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # --- watcher ----------------------------------------------------------------------------

    def start_watching(self) -> None:
        """Watch the folder and import what arrived while the app was closed."""
        if self.watch_dir is None:
            return
        from reader.watcher import FolderWatcher

        self.stop_watching()
        try:
            self.watch_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.statusBar().showMessage(f"Cannot create the watched folder {self.watch_dir}: {exc}", STATUS_MS)
        bridge = self._watcher_bridge
        self.watcher = FolderWatcher(
            self.watch_dir,
            on_file_ready=bridge.file_ready.emit,
            on_status=bridge.status.emit,
            exclude=[self.library_dir],
        )
        self.watcher.start()
        watcher = self.watcher
        self.worker.submit(
            lambda _lib: watcher.catch_up(), done=lambda paths: self.import_paths(paths or [], automatic=True),
            notify=False,
        )

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def set_watch_dir(self, folder: Path | None) -> None:
        self.watch_dir = Path(folder) if folder else None
        self.welcome.set_watch_dir(self.watch_dir)
        self._update_location_label()
        value = str(self.watch_dir) if self.watch_dir else ""
        self.worker.submit(lambda lib: lib.set_setting("watch_folder", value), notify=False)
        if self._start_watcher_flag:
            self.start_watching()

    @Slot(object)
    def _on_watched_file(self, path: Path) -> None:
        self.import_paths([Path(path)], automatic=True)

    @Slot(str, str)
    def _on_watcher_status(self, kind: str, message: str) -> None:
        if kind in ("missing", "polling"):
            self.statusBar().showMessage(message[:1].upper() + message[1:], STATUS_MS)

    # --- folders, dialogs ----------------------------------------------------------------

    def open_library_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.library_dir)))

    def open_watch_folder(self) -> None:
        if self.watch_dir is None:
            return
        self.watch_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.watch_dir)))

    def export_dialog(self) -> None:
        from reader.gui.settings_dialog import ExportDialog

        ids = self.selected_ids()
        dialog = ExportDialog(len(ids), self.model.total(), self)
        if not dialog.exec():
            return
        fmt, use_selection = dialog.choice()
        suffix = {"bibtex": "bib", "csv": "csv", "json": "json", "markdown": "md"}[fmt]
        start = str(Path.home() / f"reading-list.{suffix}")
        name, _ = QFileDialog.getSaveFileName(
            self, "Export", start, f"{fmt} (*.{suffix});;All files (*)", options=theme.file_dialog_options()
        )
        if name:
            self.export_to(Path(name), fmt, ids if use_selection else None)

    def export_to(self, path: Path, fmt: str, ids: list[int] | None) -> None:
        """Write the papers (ids, or the current query) to path on the worker."""
        from reader import export

        query = self.current_query()

        def job(lib: Any) -> int:
            papers = [lib.get_paper(i) for i in ids] if ids is not None else lib.list_papers(query)
            path.write_text(export.export(papers, fmt), encoding="utf-8")
            return len(papers)

        self.worker.submit(
            job,
            done=lambda count: self.statusBar().showMessage(f"Exported {_count_text(count)} to {path}", STATUS_MS),
            notify=False,
        )

    def open_settings(self) -> None:
        from reader.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.watch_dir, self.library_dir, self)
        if dialog.exec():
            self.apply_settings(dialog.values())

    def apply_settings(self, values: Any) -> None:
        """Apply what the settings dialog stored (the library location waits for a restart)."""
        if values.watch_dir != self.watch_dir:
            self.set_watch_dir(values.watch_dir)
        self.apply_theme(values.theme)
        self._apply_detail_font()

    def open_stats(self) -> None:
        """Count on the worker (it reads every paper), then show the dialog."""
        from reader.gui.stats_dialog import StatsDialog, collect_stats

        self.statusBar().showMessage("Counting…")

        def show(stats: Any) -> None:
            self.statusBar().clearMessage()
            self.stats_dialog = StatsDialog(stats, self)
            self.stats_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.stats_dialog.show()

        self.worker.submit(collect_stats, done=show, notify=False)

    def show_shortcuts(self) -> None:
        from reader.gui.settings_dialog import ShortcutsDialog

        ShortcutsDialog(SHORTCUTS, self).exec()

    def show_about(self) -> None:
        from reader import __version__

        QMessageBox.about(
            self,
            "About Digest Reader",
            f"<b>Digest Reader</b> {__version__}<br>A reading list for the paper digests you follow."
            f"<br><br>Library: {_escape(str(self.library_dir))}",
        )

    # --- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_settings()
        self._external_timer.stop()
        self.search_box.cancel_pending()
        self._mark_read_timer.stop()
        self._sidebar_timer.stop()
        self._related_timer.stop()
        self.detail.flush_note()  # a note typed just before closing is kept
        self.stop_watching()
        self.worker.stop()  # lets queued writes (the last note, a rating) land first
        if self.tray is not None:
            self.tray.hide()
        event.accept()

    def shutdown(self) -> None:
        """Close the window if open, finish the worker and close the read connection."""
        if self.isVisible():
            self.close()
        self.stop_watching()
        self.worker.stop()
        self.reader_library.close()


def summarize_imports(results: list[Any]) -> str:
    """"Imported 3 digests: 120 new papers, 4 already known. 1 unchanged. 1 failed." or ""."""
    imported = [r for r in results if r.status == "imported"]
    unchanged = [r for r in results if r.status == "unchanged"]
    failed = [r for r in results if r.status == "failed"]
    if len(results) == 1 and (imported or unchanged):
        return _single_import_message(results[0])
    if len(results) == 1:  # one file failed: say which and why, not "1 failed"
        return f"Could not import {Path(str(failed[0].file)).name}: {failed[0].error}"
    parts = []
    if imported:
        new = sum(r.new for r in imported)
        merged = sum(r.merged for r in imported)
        parts.append(
            f"Imported {len(imported)} digest{'s' if len(imported) != 1 else ''}: "
            f"{new} new paper{'s' if new != 1 else ''}, {merged} already known."
        )
    if unchanged:
        parts.append(f"{len(unchanged)} unchanged (already in the library).")
    if failed:
        parts.append(f"{len(failed)} failed (see View › Import log).")
    return " ".join(parts)


def _single_import_message(result: Any) -> str:
    """One file: say plainly when it brought nothing new (the CLI's "unchanged")."""
    name = Path(str(result.file)).name
    if result.status == "unchanged":
        return f"{name} unchanged — already in the library."
    if not result.new:
        known = result.merged or result.entries or 0
        if known == 1:
            return f"{name} imported: no new papers — its one paper is already in the library."
        return f"{name} imported: no new papers — all {known} already in the library."
    return (
        f"Imported {name}: {result.new} new paper{'s' if result.new != 1 else ''}, "
        f"{result.merged} already known."
    )


def notification_text(results: list[Any]) -> str:
    """"12 new papers from newsletter" for the tray."""
    imported = [r for r in results if r.status == "imported" and r.new]
    new = sum(r.new for r in imported)
    formats = sorted({str(r.format) for r in imported if r.format})
    source = f" from {', '.join(formats)}" if formats else ""
    return f"{new} new paper{'s' if new != 1 else ''}{source}"


def _files_in(folder: Path) -> list[Path]:
    from reader import importer

    return importer.expand_paths([folder])


def _failure_key(path: Any, error: Any) -> tuple[str, str]:
    from reader.library import normalize_path

    return normalize_path(str(path)), str(error or "")


def _count_text(count: int, noun: str = "paper") -> str:
    """"1 paper", "3 papers"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _split_tags(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _first_focusable(widget: QWidget) -> QWidget | None:
    proxy = widget.focusProxy()
    if proxy is not None:
        return proxy
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return widget
    for child in widget.findChildren(QWidget):
        if child.isVisible() and child.isEnabled() and child.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return child
    return None


def _int_dict(value: Any) -> dict[int, int]:
    """{column: width} from what QSettings gives back (string keys, maybe string values)."""
    if not isinstance(value, dict):
        return {}
    try:
        return {int(key): int(width) for key, width in value.items()}
    except (TypeError, ValueError):
        return {}


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

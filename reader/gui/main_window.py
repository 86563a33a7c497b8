"""The main window: layout, menus from the action table, and the wiring between the parts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reader.gui import actions, commands, events, icons, theme
from reader.gui.citations import Citations
from reader.gui.detail_view import DetailView
from reader.gui.dialogs import Dialogs
from reader.gui.enrichment import Enrichment
from reader.gui.import_log import ImportLogDock
from reader.gui.imports import Imports
from reader.gui.library_protocol import LibraryView
from reader.gui.paper_list import PaperListController, as_bool
from reader.gui.plain import plain_tooltip
from reader.gui.related import RelatedPapers
from reader.gui.safe_html import is_safe_url
from reader.gui.saved_searches import SavedSearches
from reader.gui.search_box import SearchBox
from reader.gui.sidebar import QueryRole, Sidebar, count_each
from reader.gui.triage import Triage
from reader.gui.welcome import WelcomePage
from reader.gui.widgets import SteadyLabel

STATUS_MS = 8000
SIDEBAR_DELAY_MS = 100  # a burst of changes recounts the sidebar once


class MainWindow(QMainWindow):
    """Digest Reader's window over one library: read connection here, writes on the worker."""

    def __init__(
        self,
        library: LibraryView,
        worker: Any,
        library_dir: Path,
        watch_dir: Path | None,
        settings: QSettings | None = None,
        start_watcher: bool = True,
        parent: QWidget | None = None,
        reader: Any = None,
        side_reader: Any = None,
    ) -> None:
        """reader: a ReadThread for typed searches and their counts; side_reader: another
        for related papers and the sidebar's counts, so that they never hold up a search
        (the window owns both; without side_reader, reader does it all). Without a reader
        they are read here, on the GUI thread."""
        super().__init__(parent)
        self.reader_library = library
        self.worker = worker
        self.library_dir = Path(library_dir)
        self.settings = settings if settings is not None else QSettings()
        self.undo_stack = QUndoStack(self)
        self._iconed: list[tuple[Any, str]] = []
        self._theme_mode = str(self.settings.value("view/theme", "system"))
        self._sidebar_timer = QTimer(self)
        self._sidebar_timer.setSingleShot(True)
        self._sidebar_timer.setInterval(SIDEBAR_DELAY_MS)
        self._sidebar_timer.timeout.connect(self.refresh_sidebar)

        self.setWindowTitle(f"Digest Reader — {self.library_dir.name}")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.imports = Imports(self, library, worker, self.library_dir, watch_dir, start_watcher)
        self._build_widgets()
        self.triage = Triage(self, library, worker, self.papers, self.undo_stack)
        self.saved_searches = SavedSearches(self, library, worker, self.sidebar, self.papers, self.refresh_sidebar)
        self.related = RelatedPapers(self.detail, worker, self)
        self.dialogs = Dialogs(self)
        self.citations = Citations(self)
        self.enrichment = Enrichment(self, library, worker, self.papers, self.undo_stack)
        self._actions = actions.build_actions(self, self._iconed)
        self.menus = actions.build_menus(self.menuBar(), self._actions, self._iconed)
        self._build_status_bar()
        self._connect()
        self.apply_theme(self._theme_mode, rebuild_sidebar=False)  # built once, just below
        self._restore_settings()
        self._side_reader = side_reader or reader
        if reader is not None:
            reader.setParent(self)
            self.papers.use_reader(reader)
        if self._side_reader is not None:
            self._side_reader.setParent(self)
            self.related.reader = self._side_reader
        self.refresh_sidebar()
        self._update_stack()
        self.papers.start(self.settings.value("window/lastPaper"))
        self.focus_list()  # single-key triage works from the first keypress
        if start_watcher:
            self.imports.start_watching()

    # --- construction ----------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar(self)
        self.search_box = SearchBox(self)
        self.papers = PaperListController(
            self.reader_library, self.worker, self.sidebar, self.search_box, self.settings, self
        )
        self.model, self.table = self.papers.model, self.papers.view

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
        for index, (widget, stretch) in enumerate(((self.sidebar, 0), (self.list_panel, 3), (self.detail, 2))):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(index, stretch)
        self.splitter.setSizes([232, 780, 388])  # the sidebar widens to fit its labels (Sidebar.refresh)
        self.detail.setMinimumWidth(280)

        self.welcome = WelcomePage(self)
        self.welcome.set_watch_dir(self.watch_dir)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self.import_dock = ImportLogDock(self.reader_library, self.settings, self)
        self.import_log = self.import_dock.log
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.import_dock)
        self.import_dock.hide()

    def action(self, name: str) -> QAction:
        """The QAction of an entry of the action table (reader.gui.actions.ACTIONS)."""
        return self._actions[name]

    def make_undo_action(self, text: str) -> QAction:
        return self.undo_stack.createUndoAction(self, text)

    def make_redo_action(self, text: str) -> QAction:
        return self.undo_stack.createRedoAction(self, text)

    def make_import_log_action(self, text: str) -> QAction:
        action = self.import_dock.toggleViewAction()
        action.setText(text)
        return action

    def _build_status_bar(self) -> None:
        self.count_label = SteadyLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setContentsMargins(0, 0, 12, 0)  # apart from "Library: …"
        self.location_label = QLabel(self)
        self.location_label.setTextFormat(Qt.TextFormat.PlainText)  # folder names are not markup
        self.location_label.setObjectName("locationLabel")
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.location_label)
        self._update_location_label()

    def _connect(self) -> None:
        self.search_box.set_save_action(self.action("save_search"))
        self.search_box.escape_pressed.connect(self.focus_list)
        self.search_box.down_pressed.connect(self.focus_list)
        self.search_box.return_pressed.connect(lambda: self.search_box.has_error() or self.focus_list())
        self.sidebar.itemClicked.connect(self._on_sidebar_clicked)
        self.sidebar.itemActivated.connect(self._on_sidebar_clicked)
        self.table.key_command.connect(self.run_key_command)
        papers = self.papers
        papers.current_changed.connect(self._show_detail)
        papers.empty_hint.connect(self.detail.set_empty_hint)
        papers.message.connect(lambda text: self.statusBar().showMessage(text, STATUS_MS))
        papers.count_changed.connect(self.count_label.set_steady_text)
        papers.reloaded.connect(self._update_stack)
        papers.external_change.connect(self.refresh_sidebar)
        papers.read_due.connect(lambda paper_id: self._push(commands.set_read_command(
            self.reader_library, self.worker, [paper_id], True)))
        self.worker.changed.connect(lambda ids: self._on_change(events.from_worker(ids)))
        self.worker.failed.connect(self._on_failed)
        self.imports.digests_imported.connect(self._on_change)
        self.imports.result_received.connect(lambda _result: self.import_dock.refresh_if_visible())
        self.detail.paper_activated.connect(self.papers.reveal)
        self.detail.note_finished.connect(self.focus_list)
        lib, worker = self.reader_library, self.worker
        self.detail.rating_requested.connect(
            lambda paper_id, n: self._push(commands.set_rating_command(lib, worker, [paper_id], n)))
        self.detail.tags_requested.connect(
            lambda paper_id, tags: self._push(commands.set_tags_command(lib, worker, paper_id, tags)))
        self.detail.note_requested.connect(
            lambda paper_id, text: self._push(commands.set_note_command(lib, worker, paper_id, text)))
        self.detail.read_requested.connect(
            lambda paper_id, read: self._push(commands.set_read_command(lib, worker, [paper_id], read)))
        self.detail.key_field.key_requested.connect(self.citations.edit_key)
        self.welcome.import_requested.connect(self.imports.choose_files)
        self.welcome.open_folder_requested.connect(self.dialogs.open_watch_folder)
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
            self.table.restore_header(columns, self.settings.value("window/columnWidths"))
        self.action("show_sidebar").setChecked(as_bool(self.settings.value("view/sidebar", True)))
        self.action("show_detail").setChecked(as_bool(self.settings.value("view/detail", True)))
        self.apply_detail_font()

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/columns", self.table.horizontalHeader().saveState())
        self.settings.setValue("window/columnWidths", self.table.preferred_widths())
        self.settings.setValue("view/sidebar", self.action("show_sidebar").isChecked())
        self.settings.setValue("view/detail", self.action("show_detail").isChecked())
        if self.current_paper_id() is not None:
            self.settings.setValue("window/lastPaper", self.current_paper_id())
        self.import_dock.remember_height()
        self.settings.sync()

    def apply_detail_font(self) -> None:
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
        self.action(f"theme_{self._theme_mode}").setChecked(True)
        for target, name in self._iconed:
            target.setIcon(icons.icon(name))
        self.search_box.refresh_icons()
        self.welcome.refresh_icons()
        if rebuild_sidebar:  # its icons follow the theme
            self.refresh_sidebar()
            if self.detail.paper_id() is not None:  # related links: link and muted colours
                self.detail.related_requested.emit(self.detail.paper_id())

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme_mode == "system":
            self.apply_theme("system")

    # --- the list, as the rest of the app and the tests drive it ---------------------------

    def current_query(self) -> str:
        return self.papers.current_query()

    def set_search_text(self, text: str) -> None:
        self.search_box.set_text(text)

    def current_paper_id(self) -> int | None:
        return self.papers.current_paper_id()

    def select_paper(self, paper_id: int, limit: int = 5000) -> bool:
        return self.papers.select_paper(paper_id, limit)

    def selected_ids(self) -> list[int]:
        return self.papers.selected_ids()

    # --- changes ---------------------------------------------------------------------------

    def _on_change(self, change: events.Change) -> None:
        self.papers.apply_change(change)
        self._sidebar_timer.start()

    def _show_detail(self, paper_id: int | None) -> None:
        if paper_id is None:
            self.detail.show_paper(None)
            return
        try:
            paper = self.reader_library.get_paper(paper_id)
        except Exception:  # vanished meanwhile (UnknownPaper)
            paper = None
        self.detail.show_paper(paper)

    def _on_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MS)
        # The view may show a change that did not happen: read it again.
        self.papers.reload_list()

    def refresh_sidebar(self) -> None:
        if not hasattr(self, "sidebar"):
            return
        reader = getattr(self, "_side_reader", None)
        pending = self.sidebar.refresh(self.reader_library, deferred=reader is not None)
        if pending:  # counted on the reader thread: the window shows before the numbers
            reader.submit("sidebar", lambda lib: count_each(lib, pending), self.sidebar.set_counts)
        self.detail.set_known_tags([tag for tag, _count in self.reader_library.tag_counts()])
        self.import_dock.refresh_if_visible()
        self.papers.update_count()

    def _update_stack(self) -> None:
        # Archived papers count: a library whose papers are all archived is not a new one.
        empty = not self.reader_library.has_papers() and not self.current_query()
        self.stack.setCurrentWidget(self.welcome if empty else self.splitter)

    def _update_location_label(self) -> None:
        self.location_label.setText(
            f"Library: {_abbrev(self.library_dir)}   ·   Watching: {_abbrev(self.watch_dir)}"
        )
        self.location_label.setToolTip(plain_tooltip(f"Library: {self.library_dir}\nWatched folder: {self.watch_dir}"))

    # --- keys and focus --------------------------------------------------------------------

    def _push(self, command: Any) -> None:
        self.undo_stack.push(command)

    def run_key_command(self, name: str) -> None:
        """A single key of the list: the action of the table it belongs to."""
        self.action(name).trigger()

    def focus_tags(self) -> None:
        if len(self.selected_ids()) > 1:  # the tag editor shows one paper: ask, tag them all
            self.triage.add_tag_dialog()
            return
        self._ensure_detail_visible()
        self.detail.focus_tags()

    def focus_note(self) -> None:
        self._ensure_detail_visible()
        self.detail.focus_note()

    def open_link(self, kind: str) -> bool:
        if self.current_paper_id() is None:
            return False
        opened = bool(self.detail.open_link(kind))
        if not opened:
            self.statusBar().showMessage(link_failure(kind, self._link_of_current(kind)), STATUS_MS)
        return opened

    def _link_of_current(self, kind: str) -> str | None:
        try:
            paper = self.reader_library.get_paper(self.current_paper_id())
        except Exception:  # vanished meanwhile (UnknownPaper)
            return None
        return paper.links.get(kind)

    def focus_detail(self) -> None:
        self._ensure_detail_visible()
        target = _first_focusable(self.detail)
        (target or self.detail).setFocus(Qt.FocusReason.OtherFocusReason)

    def _ensure_detail_visible(self) -> None:
        if not self.detail.isVisible():
            self.action("show_detail").setChecked(True)

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_sidebar_clicked(self, item: Any, _column: int) -> None:
        """A list picked with the mouse (or Enter): the keys go on to triage its papers."""
        if item.data(0, QueryRole) is not None:
            self.focus_list()

    def focus_search(self) -> None:
        self.search_box.focus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Escape:
            self.focus_list()
            return
        super().keyPressEvent(event)

    # --- files in ----------------------------------------------------------------------------

    @property
    def watch_dir(self) -> Path | None:
        return self.imports.watch_dir

    def import_paths(self, paths: Iterable[Path], automatic: bool = False) -> None:
        self.imports.import_paths(paths, automatic)

    def receive_files(self, paths: list[Path]) -> None:
        """Files from a second launch ("Open with" while the app runs): import them here."""
        if self.isMinimized():
            self.showNormal()
        if QGuiApplication.platformName() != "offscreen":  # which cannot raise (and says so)
            self.raise_()
        self.activateWindow()
        if paths:
            self.import_paths(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def set_watch_dir(self, folder: Path | None) -> None:
        self.imports.set_watch_dir(folder)
        self.welcome.set_watch_dir(self.watch_dir)
        self._update_location_label()

    # --- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.save_settings()
        self.papers.stop()
        if self._side_reader is not None and self._side_reader is not self.papers.reader:
            self._side_reader.stop()
        self.search_box.cancel_pending()
        self._sidebar_timer.stop()
        self.related.timer.stop()
        self.detail.flush_note()  # a note typed just before closing is kept
        self.imports.shutdown()
        self.enrichment.shutdown()  # a running fetch is cancelled; its work stays for later
        self.worker.stop()  # lets queued writes (the last note, a rating) land first
        event.accept()

    def shutdown(self) -> None:
        """Close the window if open, finish the worker and close the read connection."""
        if self.isVisible():
            self.close()
        self.imports.stop_watching()
        self.worker.stop()
        self.reader_library.close()


def _abbrev(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return "~/" + str(Path(path).relative_to(Path.home()))
    except ValueError:
        return str(path)


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


def link_failure(kind: str, link: str | None) -> str:
    """Why a paper's link did not open, in the status bar's words."""
    name = {"abs": "abstract page", "pdf": "PDF", "code": "code"}.get(kind, kind)
    if link and not is_safe_url(link):
        return f"The {name} link is not a web address; it was not opened."
    if link:  # a web link the desktop could not hand to a browser
        return f"Could not open the {name} (no web browser?)."
    return f"This paper has no {name} link."

"""The File and Help menus' dialogs: folders, export, settings, reading stats, shortcuts, about."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from reader.gui import actions, theme
from reader.gui.triage import count_text

if TYPE_CHECKING:
    from reader.gui.main_window import MainWindow
    from reader.store import Library

STATUS_MS = 8000


class Dialogs(QObject):
    """Opens the window's dialogs; long work (export, stats) runs on the worker."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.stats_dialog: Any = None

    def _status(self, message: str, timeout: int = STATUS_MS) -> None:
        self.window.statusBar().showMessage(message, timeout)

    def open_library_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.window.library_dir)))

    def open_watch_folder(self) -> None:
        folder = self.window.watch_dir
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def export_dialog(self) -> None:
        from reader.gui.settings_dialog import ExportDialog

        ids = self.window.selected_ids()
        dialog = ExportDialog(len(ids), self.window.model.exact_total(), self.window)
        if not dialog.exec():
            return
        fmt, use_selection = dialog.choice()
        from reader.export import FILE_SUFFIX

        suffix = FILE_SUFFIX[fmt]
        start = str(Path.home() / f"reading-list.{suffix}")
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Export", start, f"{fmt} (*.{suffix});;All files (*)", options=theme.file_dialog_options()
        )
        if name:
            self.export_to(Path(name), fmt, ids if use_selection else None, dialog.with_state())

    def export_to(self, path: Path, fmt: str, ids: list[int] | None, with_state: bool = False) -> None:
        """Write the papers (ids, or the current query) to path on the worker."""
        from reader import export

        query = self.window.papers.current_search()

        def job(lib: Library) -> int:
            papers = [lib.get_paper(i) for i in ids] if ids is not None else lib.list_papers(query)
            digests = lib.digests() if fmt == "json" else ()
            text = export.export(papers, fmt, with_state=with_state, digests=digests)
            path.write_text(text, encoding="utf-8")
            return len(papers)

        self.window.worker.submit(
            job, done=lambda count: self._status(f"Exported {count_text(count)} to {path}"), notify=False,
        )

    def open_settings(self) -> None:
        from reader.gui.settings_dialog import SettingsDialog

        window = self.window
        dialog = SettingsDialog(window.settings, window.watch_dir, window.library_dir, window, window.reader_library)
        if dialog.exec():
            self.apply_settings(dialog.values())

    def apply_settings(self, values: Any) -> None:
        """Apply what the settings dialog stored (the library location waits for a restart)."""
        if values.watch_dir != self.window.watch_dir:
            self.window.set_watch_dir(values.watch_dir)
        self.window.apply_theme(values.theme)
        self.window.apply_detail_font()
        if values.fetch_details is not None:
            self.window.enrichment.set_fetch_setting(values.fetch_details)
            self.window.enrichment.refresh_offer()  # after the write: the menu's check and the bar follow
        if values.crossref_mailto is not None:
            from reader.config import MAILTO_SETTING

            mailto = values.crossref_mailto or None
            self.window.worker.submit(lambda lib: lib.set_setting(MAILTO_SETTING, mailto), notify=False)

    def open_stats(self) -> None:
        """Count on the worker (it reads every paper), then show the dialog."""
        from reader.gui.stats_dialog import StatsDialog, collect_stats

        self._status("Counting…", 0)

        def show(stats: Any) -> None:
            self.window.statusBar().clearMessage()
            self.stats_dialog = StatsDialog(stats, self.window)
            self.stats_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.stats_dialog.show()

        self.window.worker.submit(collect_stats, done=show, notify=False)

    def show_shortcuts(self) -> None:
        from reader.gui.settings_dialog import ShortcutsDialog

        ShortcutsDialog(actions.shortcut_rows(), self.window).exec()

    def show_about(self) -> None:
        from reader import __version__

        QMessageBox.about(
            self.window,
            "About Digest Reader",
            f"<b>Digest Reader</b> {__version__}<br>A reading list for the paper digests you follow."
            f"<br><br>Library: {_escape(str(self.window.library_dir))}",
        )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

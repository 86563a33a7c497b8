"""Small dialogs: settings, export choices and the keyboard-shortcuts list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.config import MAILTO_SETTING, fetch_setting

if TYPE_CHECKING:
    from reader.gui.library_protocol import LibraryView

THEME_LABELS = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
EXPORT_FORMATS = (
    ("bibtex", "BibTeX"), ("ris", "RIS (Zotero, EndNote)"), ("csl-json", "CSL-JSON"),
    ("json", "JSON (full backup)"), ("csv", "CSV"), ("markdown", "Markdown"),
)
# reader.config.FETCH_CHOICES in the words of File › Fetch details for new imports.
FETCH_LABELS = (("off", "Never"), ("ask", "Ask first"), ("automatic", "Automatically for new imports"))
_MAILTO_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class SettingsValues:
    watch_dir: Path | None
    library_dir: Path
    mark_read: bool
    theme: str
    detail_font_size: int
    # Library settings (None: the dialog had no library to show them from; leave them be).
    fetch_details: str | None = None
    crossref_mailto: str | None = None  # "" clears it


class _FolderField(QWidget):
    """A path line edit with a Browse… button."""

    def __init__(self, path: Path | None, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(str(path) if path else "", self)
        self.edit.setMinimumWidth(320)
        button = QPushButton("Browse…", self)
        button.clicked.connect(self._browse)
        self._title = title
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(button)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def _browse(self) -> None:
        from reader.gui.theme import file_dialog_options

        options = file_dialog_options() | QFileDialog.Option.ShowDirsOnly
        folder = QFileDialog.getExistingDirectory(self, self._title, self.edit.text() or str(Path.home()), options)
        if folder:
            self.edit.setText(folder)


class SettingsDialog(QDialog):
    """Watched folder, library location (on restart), reading, theme and font size, and
    fetching details (the library's own settings, when given its `library`)."""

    def __init__(self, settings: QSettings, watch_dir: Path | None, library_dir: Path, parent: QWidget | None = None,
                 library: LibraryView | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.setWindowTitle("Settings")
        self.settings = settings
        self.watch_field = _FolderField(watch_dir, "Watched folder", self)
        stored_library = settings.value("library/location")
        self.library_field = _FolderField(Path(str(stored_library)) if stored_library else library_dir, "Library folder", self)
        self.mark_read = QCheckBox("Mark a paper read after 2 seconds on it", self)
        self.mark_read.setChecked(_as_bool(settings.value("reading/markReadAfterDelay", False)))
        self.theme = QComboBox(self)
        for key, label in THEME_LABELS:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(str(settings.value("view/theme", "system")))))
        self.font_size = QSpinBox(self)
        self.font_size.setRange(0, 32)
        self.font_size.setSpecialValueText("Default")
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(int(settings.value("view/detailFontSize", 0) or 0))
        note = QLabel("A new library location takes effect when Digest Reader starts again.", self)
        note.setWordWrap(True)
        note.setEnabled(False)
        form = QFormLayout()
        form.addRow("Watched folder:", self.watch_field)
        form.addRow("Library folder:", self.library_field)
        form.addRow("", note)
        form.addRow("Reading:", self.mark_read)
        form.addRow("Theme:", self.theme)
        form.addRow("Detail font size:", self.font_size)
        self._add_fetch_rows(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._library_dir = library_dir

    def _add_fetch_rows(self, form: QFormLayout) -> None:
        self.fetch = QComboBox(self)
        self.fetch.setObjectName("fetchDetails")
        for key, label in FETCH_LABELS:
            self.fetch.addItem(label, key)
        self.mailto = QLineEdit(self)
        self.mailto.setObjectName("crossrefMailto")
        self.mailto.setPlaceholderText("you@example.org (optional)")
        self.mailto.setToolTip("Sent with every Crossref request, as Crossref asks of polite clients.")
        if self._library is not None:
            self.fetch.setCurrentIndex(max(0, self.fetch.findData(fetch_setting(self._library))))
            self.mailto.setText(str(self._library.get_setting(MAILTO_SETTING) or ""))
        self.fetch.setEnabled(self._library is not None)
        self.mailto.setEnabled(self._library is not None)
        hint = QLabel("Ids and titles go to export.arxiv.org, DOIs to api.crossref.org; "
                      "nothing is fetched while this is Never.", self)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.mailto_error = QLabel(self)
        self.mailto_error.setObjectName("mailtoError")
        self.mailto_error.setTextFormat(Qt.TextFormat.PlainText)
        self.mailto_error.hide()
        form.addRow("Fetch details:", self.fetch)
        form.addRow("", hint)
        form.addRow("Crossref contact:", self.mailto)
        form.addRow("", self.mailto_error)

    def values(self) -> SettingsValues:
        has_library = self._library is not None
        return SettingsValues(
            watch_dir=self.watch_field.path(),
            library_dir=self.library_field.path() or self._library_dir,
            mark_read=self.mark_read.isChecked(),
            theme=str(self.theme.currentData()),
            detail_font_size=self.font_size.value(),
            fetch_details=str(self.fetch.currentData()) if has_library else None,
            crossref_mailto=self.mailto.text().strip() if has_library else None,
        )

    def accept(self) -> None:
        values = self.values()
        if values.crossref_mailto and not _MAILTO_RE.fullmatch(values.crossref_mailto):
            self.mailto_error.setText(f"Not an e-mail address: {values.crossref_mailto}")
            self.mailto_error.show()
            self.mailto.setFocus()
            return
        self.settings.setValue("reading/markReadAfterDelay", values.mark_read)
        self.settings.setValue("view/theme", values.theme)
        self.settings.setValue("view/detailFontSize", values.detail_font_size)
        self.settings.setValue("library/location", str(values.library_dir))
        super().accept()


class ExportDialog(QDialog):
    """Choose the format and whether to export the selection or the whole current list."""

    def __init__(self, selected: int, listed: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = QComboBox(self)
        for key, label in EXPORT_FORMATS:
            self.format.addItem(label, key)
        self.selection = QRadioButton(
            "The 1 selected paper" if selected == 1 else f"The {selected} selected papers", self
        )
        self.listed = QRadioButton(
            "The 1 paper in the current list" if listed == 1
            else f"All {listed} papers in the current list", self
        )
        self.selection.setEnabled(selected > 0)
        (self.selection if selected > 0 else self.listed).setChecked(True)
        # BibTeX, RIS and CSL-JSON leave the user's state out unless asked (a .bib for LaTeX).
        self.state = QCheckBox("Include my tags, read status, rating, note and files", self)
        form = QFormLayout()
        form.addRow("Format:", self.format)
        form.addRow("Papers:", self.selection)
        form.addRow("", self.listed)
        form.addRow("", self.state)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, bool]:
        """(format, export the selection?)."""
        return str(self.format.currentData()), self.selection.isChecked()

    def with_state(self) -> bool:
        return self.state.isChecked()


class ShortcutsDialog(QDialog):
    """A two-column table of keys and what they do."""

    def __init__(self, shortcuts: tuple[tuple[str, str], ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(shortcuts), 2, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        for row, (keys, action) in enumerate(shortcuts):
            key_item = QTableWidgetItem(keys)
            font = key_item.font()
            font.setBold(True)
            key_item.setFont(font)
            self.table.setItem(row, 0, key_item)
            self.table.setItem(row, 1, QTableWidgetItem(action))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hint = QLabel("Single-key shortcuts work while the paper list has the focus.", self)
        hint.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(420, 560)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)

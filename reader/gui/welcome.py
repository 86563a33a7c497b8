"""The welcome page shown while the library is empty."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reader.gui import icons


class WelcomePage(QWidget):
    """Says where the watched folder is and offers the two ways to bring digests in."""

    import_requested = Signal()
    open_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.logo = QLabel(self)
        self.logo.setPixmap(icons.app_icon().pixmap(96, 96))
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel("Your library is empty", self)
        self.title.setObjectName("welcomeTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel(self)
        self.body.setObjectName("welcomeBody")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.import_button = QPushButton(icons.icon("import"), "Import files…", self)
        self.folder_button = QPushButton(icons.icon("folder"), "Open watched folder", self)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.import_requested)
        self.folder_button.clicked.connect(self.open_folder_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(2)
        column.addWidget(self.logo)
        column.addSpacing(12)
        column.addWidget(self.title)
        column.addSpacing(8)
        column.addWidget(self.body)
        column.addSpacing(16)
        column.addLayout(buttons)
        column.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)
        self.set_watch_dir(None)

    def set_watch_dir(self, folder: Path | None) -> None:
        if folder is None:
            where = "No folder is being watched."
        else:
            try:  # as the status bar shows it: ~/Digests
                shown = "~/" + str(Path(folder).relative_to(Path.home()))
            except ValueError:
                shown = str(folder)
            where = f"Save or copy paper digests into your watched folder:\n{shown}\nand they appear here on their own."
        self.body.setText(
            f"{where}\n\nYou can also import digest files with “Import files…”, "
            "or drag and drop them onto this window."
        )

    def refresh_icons(self) -> None:
        self.import_button.setIcon(icons.icon("import"))
        self.folder_button.setIcon(icons.icon("folder"))

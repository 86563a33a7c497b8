"""Untrusted digest text and notes turned into inert HTML, and the one gate for opening links."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QByteArray, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

# The sanitizer lives outside the GUI, where the renderer process can run it without Qt.
from reader.render import (  # noqa: F401 (re-exported: the GUI's one place for these)
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    SAFE_SCHEMES,
    clean_html,
    escape,
    markdown_to_safe_html,
)


def is_safe_url(url: str | QUrl | None) -> bool:
    """True for an absolute http(s) URL with a host; everything else never opens."""
    if url is None:
        return False
    text = url.toString() if isinstance(url, QUrl) else str(url)
    text = text.strip()
    if not text or any(ord(char) < 32 for char in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in SAFE_SCHEMES and bool(parts.hostname)


def open_external(url: str | QUrl | None) -> bool:
    """Open an http(s) URL in the system browser; refuse anything else. True when it opened."""
    if not is_safe_url(url):
        return False
    target = url if isinstance(url, QUrl) else QUrl(str(url).strip())
    return bool(QDesktopServices.openUrl(target))


# Where relative names would resolve to if anything still asked: nowhere on disk.
HARMLESS_BASE_URL = QUrl("about:blank")


class SafeDocument(QTextDocument):
    """A document that answers every resource request with nothing.

    QTextBrowser.loadResource returning None is not enough: the document then falls back
    to reading the named file itself. Answering here, with a non-null empty value, leaves
    it no fallback."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setBaseUrl(HARMLESS_BASE_URL)
        self.requested: list[str] = []  # what the HTML asked for, for tests

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        self.requested.append(name.toString())
        # A null image makes Qt's image handler load the file by name itself.
        blank = _blank_image() if kind == QTextDocument.ResourceType.ImageResource else QByteArray()
        self.addResource(kind, name, blank)  # asked once per name, not at every layout
        return blank


def _blank_image() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


class SafeTextBrowser(QTextBrowser):
    """A read-only rich text view that fetches nothing and opens only http(s) links, on click."""

    def __init__(self, parent: QWidget | None = None, fit_content: bool = False) -> None:
        super().__init__(parent)
        self.setDocument(SafeDocument(self))
        self.setSearchPaths([])
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.anchorClicked.connect(open_external)
        self.document().setIndentWidth(self.fontMetrics().averageCharWidth() * 3)
        self._fit_content = fit_content
        if fit_content:
            self._make_fit_content()

    def loadResource(self, kind: int, name: QUrl) -> object:  # noqa: N802 (Qt override)
        """Nothing is ever loaded: no images, no style sheets, no files, no network."""
        return QByteArray()

    def set_markdown(self, text: str) -> None:
        self.setHtml(markdown_to_safe_html(text))

    def _make_fit_content(self) -> None:
        """Grow to the document's height, so several browsers stack inside one scroll area."""
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)

    def _fit_height(self, *_: object) -> None:
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 2
        if self.height() != height:
            self.setFixedHeight(height)

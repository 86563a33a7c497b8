"""A sighting card (what one digest says about a paper) and the labels and dates the detail pane shares."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reader.gui.markdown_render import fallback_note
from reader.gui.plain import clip_block
from reader.gui.safe_html import open_external
from reader.store.records import PaperDetail, SightingRecord

_FLAG = Qt.TextInteractionFlag
SELECTABLE = _FLAG.TextSelectableByMouse | _FLAG.TextSelectableByKeyboard
BROWSABLE = SELECTABLE | _FLAG.LinksAccessibleByMouse | _FLAG.LinksAccessibleByKeyboard


def plain_label(text: str = "", muted: bool = False, parent: QWidget | None = None) -> QLabel:
    """A wrapping, selectable label that shows text literally (no markup is interpreted)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(SELECTABLE)
    label.setText(text)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def safe_rich_label(html: str = "", parent: QWidget | None = None) -> QLabel:
    """A wrapping label for already-sanitised HTML whose links open only through open_external."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(BROWSABLE)
    label.linkActivated.connect(open_external)
    label.setText(html)
    return label


def markdown_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows Markdown source as plain text until show_markdown_html swaps in
    the rendered, sanitised HTML (rendering happens off the GUI thread)."""
    label = plain_label(clip_block(text), parent=parent)
    label.setOpenExternalLinks(False)
    label.linkActivated.connect(open_external)
    return label


def show_markdown_html(label: QLabel, html: str) -> None:
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(BROWSABLE)
    label.setText(html)


# render(text, apply): apply(html or None) once text is rendered (None: keep it plain).
Render = Callable[[str, Callable[[str | None], None]], None]


def bold_font() -> QFont:
    """A font that only says "bold", so the size still follows the parent's font."""
    font = QFont()
    font.setBold(True)
    return font


def format_number(value: Any) -> str:
    """8.0 -> "8", 8.25 -> "8.25", other values as text."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def format_name(name: str | None) -> str:
    return (name or "unknown format").replace("_", " ").replace("-", " ")


def sighting_date(sighting: SightingRecord) -> str:
    """The date a digest mentioned the paper: the digest's own date, else when it was imported."""
    return (sighting.date or sighting.imported_at or "")[:10]


def local_date(stamp: str | None) -> str:
    """The local calendar day of an ISO timestamp ("" when there is none)."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)[:10]
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.date().isoformat()


def provenance_steps(paper: PaperDetail) -> list[str]:
    """One "a.txt (scored list) on <import day>, digest dated <day>" per digest, in the
    order the digests were imported."""
    indexed = list(enumerate(paper.sightings))
    indexed.sort(key=lambda item: (item[1].imported_at or "", item[0]))
    steps = []
    for index, (_, sighting) in enumerate(indexed):
        imported = local_date(sighting.imported_at)
        if not imported and index == 0:
            imported = local_date(paper.added)
        dated = (sighting.date or "")[:10]
        name = os.path.basename(sighting.file) or "a digest"
        step = f"{name} ({format_name(sighting.format)})"
        if imported:
            step += f" on {imported}"
        if dated and dated != imported:
            step += f", digest dated {dated}"
        steps.append(step)
    return steps


def provenance_text(paper: PaperDetail) -> str:
    """The timeline, one line per digest: "First seen in a.txt (scored list) on 2024-10-09"
    then "then in b.txt (newsletter) on 2024-10-12"; "" when no digest mentions the paper."""
    steps = provenance_steps(paper)
    if not steps:
        return ""
    return "\n".join(["First seen in " + steps[0], *("then in " + step for step in steps[1:])])


class SightingCard(QFrame):
    """What one digest says about the paper: source, score and sub-scores, headline, text."""

    def __init__(
        self, sighting: SightingRecord, parent: QWidget | None = None, render: Render | None = None
    ) -> None:
        super().__init__(parent)
        self._render = render
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(self._header(sighting))
        subscores = sighting.subscores
        if subscores:
            parts = (f"{name} {format_number(value)}" for name, value in subscores.items())
            text = " · ".join(parts)
            layout.addWidget(plain_label(text, muted=True))
        if sighting.headline:
            headline = self._markdown(sighting.headline, layout)
            headline.setFont(bold_font())
        for text in (sighting.summary, sighting.detail):
            if text:
                self._markdown(text, layout)

    def _markdown(self, text: str, layout: QVBoxLayout) -> QLabel:
        """The text as plain text now; its rendered HTML when (and if) the renderer gives it."""
        label = markdown_label(text)
        layout.addWidget(label)
        if self._render is not None:
            self._render(text, lambda html: self._show_rendered(label, text, html))
        return label

    def _show_rendered(self, label: QLabel, text: str, html: str | None) -> None:
        if html:
            show_markdown_html(label, html)
        elif html is None:
            note = plain_label(fallback_note(text), muted=True)
            layout = self.layout()
            layout.insertWidget(layout.indexOf(label) + 1, note)

    def _header(self, sighting: SightingRecord) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        source = [os.path.basename(sighting.file) or "a digest"]
        source.append(format_name(sighting.format))
        if sighting.position:
            source.append(f"#{sighting.position}")
        if sighting.topic:
            source.append(sighting.topic)
        date = sighting_date(sighting)
        if date:
            source.append(date)
        row.addWidget(plain_label(" · ".join(source), muted=True), 1)
        if sighting.score is not None:
            score = plain_label(f"Score {format_number(sighting.score)}")
            score.setWordWrap(False)
            score.setFont(bold_font())
            row.addWidget(score, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return row

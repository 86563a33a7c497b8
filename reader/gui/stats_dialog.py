"""Reading stats: papers imported and read per week, and papers per tag, drawn with QPainter."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from reader.gui.library_protocol import LibraryView

WEEKS = 12
TOP_TAGS = 10
IMPORTED_COLOR = QColor("#8ab4f8")
READ_COLOR = QColor("#1e8e3e")
TAG_COLOR = QColor("#f9ab00")


@dataclass
class ReadingStats:
    """Counts per ISO week start (Monday) for the last WEEKS weeks, and per tag."""

    weeks: list[date] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)
    read: list[int] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    total: int = 0
    total_read: int = 0


def _week_start(stamp: str | None) -> date | None:
    if not stamp:
        return None
    try:
        day = datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return day - timedelta(days=day.weekday())


def collect_stats(library: LibraryView, today: date | None = None) -> ReadingStats:
    """Read the numbers through the library API (runs on the worker: it reads every paper)."""
    today = today or date.today()
    this_week = today - timedelta(days=today.weekday())
    weeks = [this_week - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    total = library.count("")
    rows = library.rows("", limit=max(total, 1), offset=0)
    added = Counter(_week_start(row.added) for row in rows)
    states = library.user_state([row.id for row in rows])
    read_weeks = Counter(_week_start(state.read_at) for state in states.values() if state.read)
    tags = sorted(library.tag_counts(), key=lambda item: (-item[1], item[0].lower()))[:TOP_TAGS]
    return ReadingStats(
        weeks=weeks,
        imported=[added.get(week, 0) for week in weeks],
        read=[read_weeks.get(week, 0) for week in weeks],
        tags=tags,
        total=total,
        total_read=sum(1 for state in states.values() if state.read),
    )


class WeeklyChart(QWidget):
    """Paired bars per week: imported (light) and read (green)."""

    def __init__(self, stats: ReadingStats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats = stats
        self.setMinimumHeight(200)
        self.setAccessibleName("Papers imported and read per week")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(560, 220)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        metrics = painter.fontMetrics()
        bottom = self.height() - metrics.height() - 8
        top = metrics.height() + 8
        left, right = 8, self.width() - 8
        peak = max([*self.stats.imported, *self.stats.read, 1])
        slot = (right - left) / max(len(self.stats.weeks), 1)
        bar = max(3.0, slot * 0.32)
        painter.setPen(text)
        for index, week in enumerate(self.stats.weeks):
            x = left + index * slot + slot / 2
            for offset, value, color in ((-bar, self.stats.imported[index], IMPORTED_COLOR), (0, self.stats.read[index], READ_COLOR)):
                height = (bottom - top) * value / peak
                painter.fillRect(QRectF(x + offset, bottom - height, bar, height), color)
                if value:
                    label = QRectF(x + offset - 12, bottom - height - metrics.height() - 2, bar + 24, metrics.height())
                    painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(value))
            if (len(self.stats.weeks) - 1 - index) % 2 == 0:  # every other week, ending with this one
                painter.drawText(
                    QRectF(x - slot, bottom + 4, slot * 2, metrics.height()),
                    Qt.AlignmentFlag.AlignCenter,
                    week.strftime("%b %d"),
                )
        painter.drawLine(left, int(bottom), right, int(bottom))
        self._legend(painter, text)
        painter.end()

    def _legend(self, painter: QPainter, text: QColor) -> None:
        x = 8
        for label, color in (("Imported", IMPORTED_COLOR), ("Read", READ_COLOR)):
            painter.fillRect(QRectF(x, 4, 12, 12), color)
            painter.setPen(text)
            painter.drawText(int(x + 16), 15, label)
            x += 24 + painter.fontMetrics().horizontalAdvance(label)


class TagChart(QWidget):
    """Horizontal bars: papers per tag, most used first."""

    def __init__(self, tags: list[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tags = tags
        self.setAccessibleName("Papers per tag")
        self.setMinimumHeight(max(1, len(tags)) * 22 + 8)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(560, max(1, len(self.tags)) * 22 + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        if not self.tags:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No tags yet")
            painter.end()
            return
        name_width = min(180, max(metrics.horizontalAdvance(tag) for tag, _ in self.tags) + 12)
        peak = max(count for _, count in self.tags)
        room = self.width() - name_width - 60
        for index, (tag, count) in enumerate(self.tags):
            y = 4 + index * 22
            painter.drawText(
                QRectF(0, y, name_width - 8, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(tag, Qt.TextElideMode.ElideRight, name_width - 8),
            )
            width = max(2.0, room * count / peak)
            painter.fillRect(QRectF(name_width, y + 3, width, 12), TAG_COLOR)
            painter.drawText(int(name_width + width + 6), int(y + 14), str(count))
        painter.end()


class StatsDialog(QDialog):
    """The numbers and the two charts."""

    def __init__(self, stats: ReadingStats, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reading stats")
        share = f" ({percent_text(stats.total_read, stats.total)})" if stats.total else ""
        papers = f"{stats.total} paper{'' if stats.total == 1 else 's'}"
        summary = QLabel(f"{papers} in the library, {stats.total_read} read{share}.", self)
        self.weekly = WeeklyChart(stats, self)
        self.tag_chart = TagChart(stats.tags, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(_heading(f"Last {WEEKS} weeks", self))
        layout.addWidget(self.weekly)
        layout.addWidget(_heading("Tags", self))
        layout.addWidget(self.tag_chart)
        layout.addWidget(buttons)
        self.resize(640, 520)


def percent_text(part: int, total: int) -> str:
    """"0%", "<1%" (some, but under one percent), "37%", ">99%" (all but a few), "100%"."""
    if total <= 0 or part <= 0:
        return "0%"
    if part >= total:
        return "100%"
    share = 100 * part / total
    if share < 1:
        return "<1%"
    if share > 99:
        return ">99%"
    return f"{round(share)}%"


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label

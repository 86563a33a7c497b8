"""Small reusable widgets: a five-star rating control, a tag editor with chips, a flow layout, a steady status label."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, QStringListModel, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from reader.gui.plain import plain_tooltip

MAX_STARS = 5


def star_text(rating: int) -> str:
    """The rating as stars, e.g. "★★★☆☆"; "" when unrated."""
    rating = max(0, min(MAX_STARS, int(rating or 0)))
    return "★" * rating + "☆" * (MAX_STARS - rating) if rating else ""


def _star_path(center: QPointF, outer: float) -> QPainterPath:
    """A five-pointed star centred on center, pointing up."""
    inner = outer * 0.45
    path = QPainterPath()
    for point in range(10):
        radius = outer if point % 2 == 0 else inner
        angle = math.pi / 2 + point * math.pi / 5
        x = center.x() + radius * math.cos(angle)
        y = center.y() - radius * math.sin(angle)
        vertex = QPointF(x, y)
        if point == 0:
            path.moveTo(vertex)
        else:
            path.lineTo(vertex)
    path.closeSubpath()
    return path


class StarRating(QWidget):
    """Five stars: click one to rate, click the current one again to clear; keys 0-5, ←/→."""

    rating_changed = Signal(int)  # only on user action; 0 = cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rating = 0
        self._hover = 0
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Rating")
        self._describe()

    # -- state --------------------------------------------------------------------
    def rating(self) -> int:
        return self._rating

    def set_rating(self, rating: int | None) -> None:
        """Show a rating without emitting rating_changed (the library is the source of truth)."""
        self._rating = max(0, min(MAX_STARS, int(rating or 0)))
        self._describe()
        self.update()

    def _choose(self, rating: int) -> None:
        rating = max(0, min(MAX_STARS, rating))
        if rating == self._rating:
            return
        self.set_rating(rating)
        self.rating_changed.emit(rating)

    def _describe(self) -> None:
        if self._rating:
            text = f"{self._rating} of {MAX_STARS} stars"
        else:
            text = "Not rated"
        self.setAccessibleDescription(text)
        self.setToolTip(f"{text}. Click a star to rate, click it again to clear; keys 0–5.")

    # -- geometry -----------------------------------------------------------------
    def _star_size(self) -> int:
        return max(12, round(self.fontMetrics().height() * 1.25))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        size = self._star_size()
        return QSize(size * MAX_STARS + 4, size + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.sizeHint()

    def star_at(self, pos: QPoint | QPointF) -> int:
        """The 1-based star under a widget position, 0 when outside the stars."""
        x = pos.x() - 2
        size = self._star_size()
        if x < 0 or x >= size * MAX_STARS or not 0 <= pos.y() <= self.height():
            return 0
        return int(x // size) + 1

    def star_center(self, star: int) -> QPoint:
        size = self._star_size()
        return QPoint(2 + (star - 1) * size + size // 2, self.height() // 2)

    # -- painting -----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        filled = palette.color(QPalette.ColorRole.Highlight)
        outline = palette.color(QPalette.ColorRole.PlaceholderText)
        preview = QColor(filled)
        preview.setAlpha(110)
        shown = self._hover or self._rating
        size = self._star_size()
        for star in range(1, MAX_STARS + 1):
            path = _star_path(QPointF(self.star_center(star)), size * 0.45)
            if star <= shown:
                painter.setPen(QPen(filled, 1.0))
                painter.setBrush(preview if self._hover and star > self._rating else filled)
            else:
                painter.setPen(QPen(outline, 1.2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        if self.hasFocus():
            focus_pen = QPen(palette.color(QPalette.ColorRole.Highlight), 1, Qt.PenStyle.DotLine)
            painter.setPen(focus_pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect().adjusted(0, 0, -1, -1), 3, 3)

    # -- input --------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        hover = self.star_at(event.position())
        if hover != self._hover:
            self._hover = hover
            self.update()

    def leaveEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
        self._hover = 0
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        star = self.star_at(event.position())
        if star:
            self._hover = 0
            self._choose(0 if star == self._rating else star)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_5:
            self._choose(key - Qt.Key.Key_0)
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Plus):
            self._choose(self._rating + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down, Qt.Key.Key_Minus):
            self._choose(self._rating - 1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._choose(0)
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # the stars are sized from the font

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        super().focusOutEvent(event)
        self.update()


class FlowLayout(QLayout):
    """Lays items out left to right and wraps them onto new lines (Qt's flow layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt override)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def insert_widget(self, index: int, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt override)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt override)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt override)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt override)
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items line by line, each centred vertically in its line; returns the height."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and lines[-1]:
                lines.append([])
                x = area.x()
            lines[-1].append((item, hint))
            x += hint.width() + self._spacing
        y = area.y()
        for line in lines:
            line_height = max((hint.height() for _, hint in line), default=0)
            x = area.x()
            for item, hint in line:
                if move:
                    top = y + (line_height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._spacing
            y += line_height + self._spacing
        return max(0, y - self._spacing - rect.y()) + margins.bottom()


def normalize_tags(tags: list[str] | tuple[str, ...]) -> list[str]:
    """Tags stripped, inner whitespace collapsed, empties and repeats (ignoring case) dropped."""
    seen: set[str] = set()
    result = []
    for tag in tags:
        clean = " ".join(str(tag).split())
        if clean and clean.casefold() not in seen:
            seen.add(clean.casefold())
            result.append(clean)
    return result


def split_tag_text(text: str) -> list[str]:
    """The tags typed in a comma-separated string."""
    return normalize_tags(text.split(","))


class _LastSegmentCompleter(QCompleter):
    """Completes only the text after the last comma, keeping what was typed before it."""

    def __init__(self, line_edit: QLineEdit) -> None:
        super().__init__(line_edit)
        self._line_edit = line_edit

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:  # noqa: N802 (Qt override)
        completion = super().pathFromIndex(index)
        before, comma, _ = self._line_edit.text().rpartition(",")
        return f"{before}{comma} {completion}".lstrip() if comma else completion


class _TagLineEdit(QLineEdit):
    """The text field of the tag editor: Backspace on an empty field removes the last tag."""

    backspace_on_empty = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Backspace and not self.text() and not self.hasSelectedText():
            self.backspace_on_empty.emit()
            return
        super().keyPressEvent(event)


class TagEditor(QWidget):
    """Tags as removable chips plus a field that completes known tags; Enter commits."""

    tags_changed = Signal(list)  # the full new list, only on user action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags: list[str] = []
        self._known: list[str] = []
        self._chips: list[QToolButton] = []
        self._flow = FlowLayout(self, spacing=4)
        self.line_edit = _TagLineEdit(self)
        self.line_edit.setPlaceholderText("Add tags…")
        self.line_edit.setToolTip(
            "Type tags separated by commas and press Enter.\n"
            "Backspace in the empty field removes the last tag."
        )
        self.line_edit.setAccessibleName("Add tags")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("M" * 18))
        self.line_edit.returnPressed.connect(self.commit_text)
        self.line_edit.backspace_on_empty.connect(self._remove_last)
        self._completion_model = QStringListModel(self)
        self.completer = _LastSegmentCompleter(self.line_edit)
        self.completer.setModel(self._completion_model)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.line_edit.setCompleter(self.completer)
        self._flow.addWidget(self.line_edit)
        self.setFocusProxy(self.line_edit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def tags(self) -> list[str]:
        return list(self._tags)

    def set_tags(self, tags: list[str]) -> None:
        """Show tags without emitting tags_changed; text being typed is kept."""
        tags = normalize_tags(tags)
        if tags == self._tags:
            return
        self._tags = tags
        self._rebuild_chips()
        self._update_completions()

    def set_known_tags(self, tags: list[str]) -> None:
        self._known = normalize_tags(tags)
        self._update_completions()

    def commit_text(self) -> None:
        """Add the tags typed in the field (comma-separated) and emit the full list."""
        typed = split_tag_text(self.line_edit.text())
        self.line_edit.clear()
        if typed:
            self._change(self._tags + typed)

    def remove_tag(self, tag: str) -> None:
        self._change([existing for existing in self._tags if existing != tag])

    def chip(self, tag: str) -> QToolButton | None:
        """The removable chip that shows tag (for tests and keyboard navigation)."""
        for chip in self._chips:
            if chip.property("tag") == tag:
                return chip
        return None

    def _remove_last(self) -> None:
        if self._tags:
            self._change(self._tags[:-1])

    def _change(self, tags: list[str]) -> None:
        tags = normalize_tags(tags)
        if tags == self._tags:
            return
        self.set_tags(tags)
        self.tags_changed.emit(list(tags))

    def _rebuild_chips(self) -> None:
        for chip in self._chips:
            self._flow.removeWidget(chip)
            chip.deleteLater()
        self._chips = [self._make_chip(tag) for tag in self._tags]
        for index, chip in enumerate(self._chips):
            self._flow.insert_widget(index, chip)
        self.updateGeometry()

    def _make_chip(self, tag: str) -> QToolButton:
        chip = QToolButton(self)
        chip.setText(f"{tag}  ×")
        chip.setProperty("tag", tag)
        chip.setAutoRaise(False)
        chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        chip.setToolTip(plain_tooltip(f"Remove tag “{tag}”"))
        chip.setAccessibleName(f"Tag {tag}, press to remove")
        chip.setCursor(Qt.CursorShape.PointingHandCursor)
        chip.clicked.connect(lambda _checked=False, name=tag: self.remove_tag(name))
        return chip

    def _update_completions(self) -> None:
        current = {tag.casefold() for tag in self._tags}
        self._completion_model.setStringList(
            [tag for tag in self._known if tag.casefold() not in current]
        )


class CollapsibleSection(QWidget):
    """A labelled toggle that shows or hides one content widget."""

    toggled = Signal(bool)

    def __init__(self, title: str, content: QWidget, expanded: bool = False,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.button = QToolButton(self)
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.toggled.connect(self.set_expanded)
        self.content = content
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        outer.addWidget(self.button)
        outer.addWidget(content)
        self.set_expanded(expanded)

    def is_expanded(self) -> bool:
        return self.button.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.button.isChecked() != expanded:
            self.button.setChecked(expanded)  # re-enters through toggled
            return
        arrow = Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        self.button.setArrowType(arrow)
        self.content.setVisible(expanded)
        self.toggled.emit(expanded)


class SteadyLabel(QLabel):
    """A plain-text status bar label that never narrows: the list's count changes with
    every keystroke ("80+ papers", "1,234 papers"), and a label that followed its text's
    width moved the labels beside it and laid the status bar out again each time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_steady_text(self, text: str) -> None:
        self.setText(text)
        needed = self.sizeHint().width()
        if needed > self.minimumWidth():
            self.setMinimumWidth(needed)

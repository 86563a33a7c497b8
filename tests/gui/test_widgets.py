"""StarRating and TagEditor respond to mouse and keyboard with the right values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from reader.gui.widgets import (
    CollapsibleSection,
    StarRating,
    TagEditor,
    normalize_tags,
    split_tag_text,
    star_text,
)



@pytest.fixture
def stars(qtbot) -> StarRating:
    widget = StarRating()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_star(qtbot, widget: StarRating, star: int) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.star_center(star))


def test_clicking_a_star_sets_that_rating(qtbot, stars: StarRating) -> None:
    with qtbot.waitSignal(stars.rating_changed) as signal:
        click_star(qtbot, stars, 4)
    assert signal.args == [4]
    assert stars.rating() == 4


def test_clicking_the_current_star_again_clears(qtbot, stars: StarRating) -> None:
    stars.set_rating(3)
    with qtbot.waitSignal(stars.rating_changed) as signal:
        click_star(qtbot, stars, 3)
    assert signal.args == [0]
    assert stars.rating() == 0


def test_clicking_another_star_changes_the_rating(qtbot, stars: StarRating) -> None:
    stars.set_rating(3)
    with qtbot.waitSignal(stars.rating_changed) as signal:
        click_star(qtbot, stars, 1)
    assert signal.args == [1]


def test_set_rating_does_not_emit(qtbot, stars: StarRating) -> None:
    with qtbot.assertNotEmitted(stars.rating_changed):
        stars.set_rating(5)
    assert stars.rating() == 5
    assert stars.accessibleDescription() == "5 of 5 stars"


def test_clicking_beside_the_stars_does_nothing(qtbot, stars: StarRating) -> None:
    stars.resize(stars.sizeHint().width() + 80, stars.sizeHint().height())
    with qtbot.assertNotEmitted(stars.rating_changed):
        qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=QPoint(stars.width() - 5, 5))
    assert stars.rating() == 0


@pytest.mark.parametrize(
    ("start", "key", "expected"),
    [
        (0, Qt.Key.Key_3, 3),
        (4, Qt.Key.Key_0, 0),
        (2, Qt.Key.Key_Right, 3),
        (2, Qt.Key.Key_Left, 1),
        (5, Qt.Key.Key_Plus, 5),
        (3, Qt.Key.Key_Delete, 0),
        (1, Qt.Key.Key_Backspace, 0),
    ],
)
def test_keyboard_changes_the_rating(qtbot, stars: StarRating, start: int, key: Qt.Key,
                                     expected: int) -> None:  # fmt: skip
    stars.set_rating(start)
    emitted: list[int] = []
    stars.rating_changed.connect(emitted.append)
    qtbot.keyClick(stars, key)
    assert stars.rating() == expected
    assert emitted == ([expected] if expected != start else [])


def test_stars_take_keyboard_focus(stars: StarRating) -> None:
    assert stars.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_hover_previews_without_changing_the_rating(qtbot, stars: StarRating) -> None:
    stars.set_rating(1)
    # Start from another spot: a move to where the cursor already is sends no event.
    qtbot.mouseMove(stars, stars.star_center(1))
    before = stars.grab().toImage()
    qtbot.mouseMove(stars, stars.star_center(5))
    after = stars.grab().toImage()
    assert stars.rating() == 1
    assert before != after


def test_stars_scale_with_the_font(qtbot) -> None:
    small, large = StarRating(), StarRating()
    for widget, size in ((small, 8), (large, 20)):
        qtbot.addWidget(widget)
        font = QFont(widget.font())
        font.setPointSize(size)
        widget.setFont(font)
    assert large.sizeHint().width() > small.sizeHint().width() * 1.8


def test_star_text() -> None:
    assert star_text(3) == "★★★☆☆"
    assert star_text(0) == ""
    assert star_text(None) == ""  # type: ignore[arg-type]


@pytest.fixture
def tags(qtbot) -> TagEditor:
    editor = TagEditor()
    qtbot.addWidget(editor)
    editor.resize(400, 80)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_enter_commits_typed_tags_and_emits_the_full_list(qtbot, tags: TagEditor) -> None:
    tags.set_tags(["llm"])
    qtbot.keyClicks(tags.line_edit, "vision,  to read ")
    with qtbot.waitSignal(tags.tags_changed) as signal:
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Return)
    assert signal.args == [["llm", "vision", "to read"]]
    assert tags.line_edit.text() == ""
    assert tags.chip("vision") is not None


# Typing opens the completion popup, which the offscreen platform cannot raise or grab.
POPUP_ON_OFFSCREEN = pytest.mark.qt_log_ignore("^This plugin does not support ")


@POPUP_ON_OFFSCREEN
def test_completer_offers_known_tags_by_substring(qtbot, tags: TagEditor) -> None:
    tags.set_known_tags(["reinforcement learning", "retrieval", "vision"])
    tags.line_edit.setFocus()
    qtbot.keyClicks(tags.line_edit, "trie")
    completer = tags.completer
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "retrieval"


@POPUP_ON_OFFSCREEN
def test_accepting_a_completion_keeps_earlier_comma_parts(qtbot, tags: TagEditor) -> None:
    tags.set_known_tags(["retrieval", "vision"])
    tags.line_edit.setFocus()
    qtbot.keyClicks(tags.line_edit, "llm, vis")
    completer = tags.completer
    assert completer.completionCount() == 1
    assert completer.currentCompletion() == "llm, vision"
    completer.activated.emit(completer.currentCompletion())
    assert tags.line_edit.text() == "llm, vision"
    with qtbot.waitSignal(tags.tags_changed) as signal:
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Return)
    assert signal.args == [["llm", "vision"]]


def test_completions_leave_out_tags_the_paper_has(tags: TagEditor) -> None:
    tags.set_known_tags(["llm", "vision"])
    tags.set_tags(["LLM"])
    assert tags.completer.model().stringList() == ["vision"]


def test_clicking_a_chip_removes_its_tag(qtbot, tags: TagEditor) -> None:
    tags.set_tags(["a", "b", "c"])
    with qtbot.waitSignal(tags.tags_changed) as signal:
        qtbot.mouseClick(tags.chip("b"), Qt.MouseButton.LeftButton)
    assert signal.args == [["a", "c"]]


def test_backspace_in_the_empty_field_removes_the_last_tag(qtbot, tags: TagEditor) -> None:
    tags.set_tags(["a", "b"])
    with qtbot.waitSignal(tags.tags_changed) as signal:
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Backspace)
    assert signal.args == [["a"]]


def test_backspace_with_text_only_edits_the_text(qtbot, tags: TagEditor) -> None:
    tags.set_tags(["a"])
    qtbot.keyClicks(tags.line_edit, "xy")
    with qtbot.assertNotEmitted(tags.tags_changed):
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Backspace)
    assert tags.line_edit.text() == "x"
    assert tags.tags() == ["a"]


def test_set_tags_does_not_emit_and_keeps_typed_text(qtbot, tags: TagEditor) -> None:
    qtbot.keyClicks(tags.line_edit, "half typed")
    with qtbot.assertNotEmitted(tags.tags_changed):
        tags.set_tags(["x", "y"])
    assert tags.tags() == ["x", "y"]
    assert tags.line_edit.text() == "half typed"


def test_enter_on_an_empty_field_or_a_repeat_emits_nothing(qtbot, tags: TagEditor) -> None:
    tags.set_tags(["llm"])
    with qtbot.assertNotEmitted(tags.tags_changed):
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(tags.line_edit, "LLM")
        qtbot.keyClick(tags.line_edit, Qt.Key.Key_Return)


def test_tag_text_helpers() -> None:
    assert split_tag_text(" a ,b,, a , c  d ") == ["a", "b", "c d"]
    assert normalize_tags(["X", "x", " y "]) == ["X", "y"]


def test_collapsible_section_shows_and_hides_content(qtbot) -> None:
    content = QLabel("hidden words")
    section = CollapsibleSection("Translation", content)
    qtbot.addWidget(section)
    section.show()
    assert not content.isVisible()
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert content.isVisible() and section.is_expanded()
    qtbot.mouseClick(section.button, Qt.MouseButton.LeftButton)
    assert not content.isVisible()

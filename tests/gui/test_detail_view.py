"""The detail view shows a paper safely and turns user actions into *_requested signals."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from reader.gui.detail_view import DetailView
from reader.gui.note_panel import NOTE_IDLE_MS
from reader.gui.sighting_card import SightingCard, provenance_text
from reader.store import PaperDetail, SightingRecord

PAPER = {
    "id": 7,
    "arxiv_id": "2410.07167",
    "doi": "10.1234/mir.2024",
    "title": "Deciphering Cross-Modal Alignment with <b>Modality</b> Integration Rate",
    "authors": ["Qidong Huang", "Xiaoyi Dong", "Pan Zhang"],
    "abstract": "We present the Modality Integration Rate (MIR).",
    "published": "2024-10-09",
    "links": {
        "abs": "http://arxiv.org/abs/2410.07167",
        "pdf": "https://arxiv.org/pdf/2410.07167",
        "code": "https://github.com/shikiw/modality-integration-rate",
    },
    "tags": ["llm", "vision"],
    "rating": 3,
    "read": False,
    "note": "",
    "digests": [{"file": "/d/001.txt", "format": "arxiv_table"}],
    "translation": "我们提出了模态整合率 (MIR)。",
    "added": "2024-10-10T08:00:00+00:00",
    "sightings": [
        {
            "file": "/d/001.txt", "format": "arxiv_table", "position": 5, "score": None,
            "subscores": {}, "headline": None, "summary": None, "detail": None, "topic": "LLM",
        },
        {
            "file": "/d/000.txt", "format": "scored_list", "position": 2, "score": 96.0,
            "subscores": {"Innovation": 19.0, "Newness": 20.0},
            "headline": "A <script>alert('h')</script>metric",
            "summary": "Summary with [bad](javascript:alert(1))"
                       " and [good](https://example.org/good).",
            "detail": "<img src=\"https://tracker.example/p.png\">Detail **bold**", "topic": None,
        },
    ],
}  # fmt: skip

BARE = {
    "id": 9,
    "arxiv_id": None,
    "doi": None,
    "title": "A paper named only by its title",
    "authors": [],
    "abstract": None,
    "published": None,
    "links": {"abs": None, "pdf": None, "code": None},
    "tags": [],
    "rating": None,
    "read": False,
    "note": None,
    "digests": [],
    "sightings": [],
}


@pytest.fixture
def view(qtbot) -> DetailView:
    widget = DetailView()
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def record(data: dict) -> PaperDetail:
    """The record Library.get_paper() would return for this literal."""
    fields = {key: value for key, value in data.items() if key not in ("links", "digests", "sightings")}
    links = data.get("links") or {}
    sightings = [SightingRecord(digest_id=n, **s) for n, s in enumerate(data.get("sightings") or [], 1)]
    return PaperDetail(
        **fields, abs_url=links.get("abs"), pdf_url=links.get("pdf"), code_url=links.get("code"),
        sightings=sightings,
    )


def paper(**changes) -> PaperDetail:
    result = copy.deepcopy(PAPER)
    result.update(changes)
    return record(result)


def card_labels(view: DetailView) -> list[QLabel]:
    cards = view.findChildren(SightingCard)
    return [label for card in cards for label in card.findChildren(QLabel)]


def rendered(qtbot, view: DetailView) -> None:
    """Wait until the Markdown shown (rendered off the GUI thread) has arrived."""
    qtbot.waitUntil(lambda: not view.markdown_pending(), timeout=5000)


def click_text(qtbot, browser, text: str) -> None:
    """A real mouse click in the middle of the given text inside a text browser."""
    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"{text!r} not shown"
    cursor.setPosition(cursor.selectionStart() + len(text) // 2)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton,
                     pos=browser.cursorRect(cursor).center())  # fmt: skip


# -- showing a paper -------------------------------------------------------------------


def test_empty_state_when_nothing_is_selected(view: DetailView) -> None:
    view.show_paper(None)
    assert view.empty_title.isVisible()
    assert view.empty_title.text() == "Select a paper"
    assert "n write a note" in view.empty_hint.text() and "t edit tags" in view.empty_hint.text()
    assert not view.title_label.isVisible()


def test_shows_the_papers_facts(view: DetailView) -> None:
    view.show_paper(paper())
    assert view.title_label.isVisible()
    # Markup in a title is text, not formatting.
    assert view.title_label.textFormat() == Qt.TextFormat.PlainText
    assert view.title_label.text() == PAPER["title"]
    assert view.title_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert view.authors_label.text() == "Qidong Huang, Xiaoyi Dong, Pan Zhang"
    meta = view.meta_label.text()
    assert "2024-10-09" in meta and "arXiv:2410.07167" in meta and "10.1234/mir.2024" in meta
    assert view.abstract_label.text() == PAPER["abstract"]
    assert view.translation.isVisible() and view.translation_label.text() == PAPER["translation"]
    assert view.star_rating.rating() == 3
    assert view.tag_editor.tags() == ["llm", "vision"]
    assert not view.read_button.isChecked()


def test_shows_what_was_fetched_and_why_a_paper_stayed_unresolved(view: DetailView) -> None:
    view.show_paper(paper())
    assert not view.fetched_label.isVisible()  # never fetched: nothing to tell
    view.show_paper(paper(primary_category="cs.CV", categories=["cs.CL", "cs.CV", "cs.AI"], version=3,
                          updated="2024-10-20", journal_ref="ICLR 2025", fetch_status="done"))
    lines = view.fetched_label.text().splitlines()
    assert lines == ["Subjects: cs.CV (primary), cs.CL, cs.AI", "Version: v3, updated 2024-10-20", "Journal: ICLR 2025"]
    assert view.fetched_label.isVisible()
    view.show_paper(record(BARE | {"fetch_status": "unresolved", "fetch_reason": "no arXiv title matches",
                                   "fetch_tried_at": "2024-10-21T09:30:00+00:00"}))
    [line] = view.fetched_label.text().splitlines()
    assert line.startswith("Details: not found: no arXiv title matches (tried 2024-10-2")
    view.show_paper(paper())
    assert not view.fetched_label.isVisible()


def test_translation_is_collapsed_until_asked_for(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    assert not view.translation_label.isVisible()
    qtbot.mouseClick(view.translation.button, Qt.MouseButton.LeftButton)
    assert view.translation_label.isVisible()
    assert "Translation" in view.translation.button.text()


def test_every_sighting_is_shown_with_score_and_subscores(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    rendered(qtbot, view)
    cards = view.findChildren(SightingCard)
    assert len(cards) == 2
    texts = " | ".join(label.text() for label in card_labels(view))
    assert "001.txt · arxiv table · #5 · LLM" in texts
    assert "Score 96" in texts
    assert "Innovation 19 · Newness 20" in texts
    assert "metric" in texts and "Summary with" in texts and "<strong>bold</strong>" in texts


def test_provenance_lists_digests_in_order(view: DetailView) -> None:
    view.show_paper(paper())
    assert view.provenance_label.text() == (
        "First seen in 001.txt (arxiv table) on 2024-10-10\nthen in 000.txt (scored list)"
    )


def test_provenance_is_a_timeline_by_import_time_with_digest_dates() -> None:
    dated = copy.deepcopy(PAPER)
    dated["sightings"][0].update(date="2024-10-09", imported_at="2024-10-14T12:00:00+00:00")
    dated["sightings"][1].update(date=None, imported_at="2024-10-12T12:00:00+00:00")
    assert provenance_text(record(dated)) == (
        "First seen in 000.txt (scored list) on 2024-10-12\n"
        "then in 001.txt (arxiv table) on 2024-10-14, digest dated 2024-10-09"
    )


def test_digest_text_is_rendered_without_scripts_images_or_unsafe_links(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    rendered(qtbot, view)
    for label in card_labels(view):
        assert "<script" not in label.text() and "alert" not in label.text()
        assert "<img" not in label.text() and "tracker.example" not in label.text()
        assert "javascript" not in label.text().lower()
        if label.textFormat() == Qt.TextFormat.RichText:
            assert not label.openExternalLinks()
    assert any('href="https://example.org/good"' in label.text() for label in card_labels(view))


def test_a_paper_without_abstract_links_or_sightings(view: DetailView) -> None:
    view.show_paper(record(BARE))
    assert view.title_label.text() == BARE["title"]
    assert view.authors_label.text() == "Authors unknown"
    assert view.meta_label.text() == "No date or identifier given"
    assert view.abstract_label.text().startswith("No abstract")
    assert view.abstract_label.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert not view.translation.isVisible()
    assert view.findChildren(SightingCard) == []
    assert view.provenance_label.text() == "No digest mentions this paper any more."
    assert all(not button.isEnabled() for button in view.link_buttons.values())
    assert view.star_rating.rating() == 0 and view.tag_editor.tags() == []
    assert view.note_placeholder.isVisible() and not view.note_preview.isVisible()


def test_showing_another_paper_replaces_the_sightings(view: DetailView) -> None:
    view.show_paper(paper())
    view.show_paper(record(BARE))
    assert view.findChildren(SightingCard) == []


def test_font_size_scales_body_and_title(view: DetailView) -> None:
    view.show_paper(paper())
    view.set_font_point_size(16)
    assert view.font_point_size() == 16
    assert view.abstract_label.font().pointSize() == 16
    assert view.title_label.font().pointSizeF() > 16 * 1.3
    small_stars = view.star_rating.sizeHint().width()
    view.set_font_point_size(9)
    assert view.abstract_label.font().pointSize() == 9
    assert view.star_rating.sizeHint().width() < small_stars


def test_renders_in_a_dark_palette(qtbot, view: DetailView) -> None:
    # Muted text uses a palette role, so it follows the palette instead of a fixed colour.
    view.show_paper(paper())
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    dark.setColor(QPalette.ColorRole.PlaceholderText, Qt.GlobalColor.darkGray)
    view.setPalette(dark)
    muted = view.meta_label.palette().color(view.meta_label.foregroundRole())
    assert muted == Qt.GlobalColor.darkGray
    assert not view.grab().isNull()


# -- links -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["abs", "pdf", "code"])
def test_link_buttons_open_the_right_url(qtbot, view: DetailView, opened: list[str],
                                         kind: str) -> None:  # fmt: skip
    view.show_paper(paper())
    qtbot.mouseClick(view.link_buttons[kind], Qt.MouseButton.LeftButton)
    assert opened == [PAPER["links"][kind]]


def test_open_link_reports_missing_links(view: DetailView, opened: list[str]) -> None:
    view.show_paper(paper(links={"abs": "https://arxiv.org/abs/1", "pdf": None, "code": None}))
    assert view.open_link("code") is False
    assert view.open_link("pdf") is False
    assert view.open_link("abs") is True
    assert opened == ["https://arxiv.org/abs/1"]
    view.show_paper(None)
    assert view.open_link("abs") is False


def test_unsafe_paper_links_are_disabled_and_never_open(view: DetailView, opened: list) -> None:
    links = {"abs": "javascript:alert(1)", "pdf": "file:///etc/passwd", "code": "data:text/html,x"}
    view.show_paper(paper(links=links))
    assert all(not button.isEnabled() for button in view.link_buttons.values())
    assert [view.open_link(kind) for kind in links] == [False, False, False]
    assert opened == []


def test_links_in_digest_text_open_only_if_http(qtbot, view: DetailView, opened: list[str]) -> None:
    view.show_paper(paper())
    rendered(qtbot, view)
    summary = next(label for label in card_labels(view) if "Summary with" in label.text())
    summary.linkActivated.emit("javascript:alert(1)")
    summary.linkActivated.emit("file:///etc/passwd")
    assert opened == []
    summary.linkActivated.emit("https://example.org/good")
    assert opened == ["https://example.org/good"]


def test_clicking_links_in_the_note_preview(qtbot, view: DetailView, opened: list[str]) -> None:
    note = "[bad](javascript:alert(1)), [data](data:text/html,x), [good](https://example.org/n)"
    view.show_paper(paper(note=note))
    rendered(qtbot, view)
    assert view.note_preview.isVisible()
    click_text(qtbot, view.note_preview, "bad")
    click_text(qtbot, view.note_preview, "data")
    assert opened == []
    click_text(qtbot, view.note_preview, "good")
    assert opened == ["https://example.org/n"]


# -- user actions ----------------------------------------------------------------------


def test_clicking_a_star_requests_a_rating(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    stars = view.star_rating
    with qtbot.waitSignal(view.rating_requested) as signal:
        qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.star_center(5))
    assert signal.args == [7, 5]
    with qtbot.waitSignal(view.rating_requested) as signal:
        qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=stars.star_center(5))
    assert signal.args == [7, 0]


def test_showing_a_paper_requests_nothing(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    with qtbot.assertNotEmitted(view.rating_requested), qtbot.assertNotEmitted(
        view.tags_requested
    ), qtbot.assertNotEmitted(view.read_requested), qtbot.assertNotEmitted(view.note_requested):
        view.show_paper(paper(rating=1, tags=["x"], read=True, note="hello"))
        view.show_paper(record(BARE))
        view.show_paper(None)


def test_committing_tags_requests_the_full_list(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    qtbot.keyClicks(view.tag_editor.line_edit, "survey")
    with qtbot.waitSignal(view.tags_requested) as signal:
        qtbot.keyClick(view.tag_editor.line_edit, Qt.Key.Key_Return)
    assert signal.args == [7, ["llm", "vision", "survey"]]


def test_removing_a_tag_chip_requests_the_rest(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    with qtbot.waitSignal(view.tags_requested) as signal:
        qtbot.mouseClick(view.tag_editor.chip("llm"), Qt.MouseButton.LeftButton)
    assert signal.args == [7, ["vision"]]


def test_read_toggle_requests_read_and_unread(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    with qtbot.waitSignal(view.read_requested) as signal:
        qtbot.mouseClick(view.read_button, Qt.MouseButton.LeftButton)
    assert signal.args == [7, True]
    view.show_paper(paper(read=True))
    assert view.read_button.isChecked() and view.read_button.text() == "Read"
    with qtbot.waitSignal(view.read_requested) as signal:
        qtbot.mouseClick(view.read_button, Qt.MouseButton.LeftButton)
    assert signal.args == [7, False]


def test_known_tags_reach_the_completer(view: DetailView) -> None:
    view.set_known_tags(["llm", "reading group", "vision"])
    view.show_paper(paper())
    assert view.tag_editor.completer.model().stringList() == ["reading group"]


def test_focus_tags_and_focus_note(qtbot, view: DetailView) -> None:
    view.show_paper(paper(note="existing"))
    view.activateWindow()
    view.focus_tags()
    qtbot.waitUntil(lambda: view.tag_editor.line_edit.hasFocus(), timeout=1000)
    view.focus_note()
    assert view.is_note_editing()
    qtbot.waitUntil(lambda: view.note_editor.hasFocus(), timeout=1000)
    assert view.note_editor.textCursor().position() == len("existing")


# -- the note --------------------------------------------------------------------------


def test_note_preview_renders_markdown_safely(qtbot, view: DetailView) -> None:
    note = "# Heading\n\n**bold** <script>alert(1)</script> <img src=\"http://x/y\">"
    view.show_paper(paper(note=note))
    rendered(qtbot, view)
    assert not view.is_note_editing()
    html = view.note_preview.toHtml()
    assert "Heading" in html and "bold" in html
    assert "alert" not in html and "http://x/y" not in html


def test_leaving_edit_mode_requests_the_changed_note(qtbot, view: DetailView) -> None:
    view.show_paper(paper(note="old"))
    view.focus_note()
    qtbot.keyClicks(view.note_editor, " and new")
    with qtbot.waitSignal(view.note_requested) as signal:
        qtbot.mouseClick(view.note_toggle, Qt.MouseButton.LeftButton)
    assert signal.args == [7, "old and new"]
    assert not view.is_note_editing()
    assert "old and new" in view.note_preview.toPlainText()


def test_ctrl_enter_saves_and_shows_the_preview(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    view.focus_note()
    qtbot.keyClicks(view.note_editor, "*idea*")
    with qtbot.waitSignal(view.note_requested) as signal:
        qtbot.keyClick(view.note_editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [7, "*idea*"]
    assert not view.is_note_editing()
    rendered(qtbot, view)
    assert view.note_preview.toPlainText().strip() == "idea"  # rendered, not shown as source


def test_an_unchanged_note_requests_nothing(qtbot, view: DetailView) -> None:
    view.show_paper(paper(note="same"))
    with qtbot.assertNotEmitted(view.note_requested, wait=0):
        view.focus_note()
        qtbot.keyClicks(view.note_editor, "x")
        qtbot.keyClick(view.note_editor, Qt.Key.Key_Backspace)
        view.set_note_editing(False)


def test_typing_saves_after_a_pause(qtbot, view: DetailView) -> None:
    assert NOTE_IDLE_MS == 1000
    view.note.timer.setInterval(30)  # the same timer, shortened to keep the test quick
    view.show_paper(paper())
    view.focus_note()
    with qtbot.waitSignal(view.note_requested, timeout=2000) as signal:
        qtbot.keyClicks(view.note_editor, "draft")
    assert signal.args == [7, "draft"]
    assert view.is_note_editing()  # saving does not interrupt typing


def test_switching_paper_saves_the_unsaved_note_of_the_old_one(qtbot, view: DetailView) -> None:
    view.show_paper(paper())
    view.focus_note()
    qtbot.keyClicks(view.note_editor, "unsaved")
    with qtbot.waitSignal(view.note_requested) as signal:
        view.show_paper(record(BARE))
    assert signal.args == [7, "unsaved"]
    assert view.note_editor.toPlainText() == ""
    assert not view.is_note_editing()


def test_refresh_of_the_same_paper_keeps_unsaved_text_and_cursor(qtbot, view: DetailView) -> None:
    view.show_paper(paper(note="abc"))
    view.focus_note()
    qtbot.keyClicks(view.note_editor, "def")
    cursor = view.note_editor.textCursor()
    cursor.setPosition(2)
    view.note_editor.setTextCursor(cursor)
    view.note.timer.stop()  # the library has not stored it yet when the refresh arrives
    view.show_paper(paper(note="abc", rating=5))
    assert view.note_editor.toPlainText() == "abcdef"
    assert view.note_editor.textCursor().position() == 2
    assert view.is_note_editing()
    assert view.star_rating.rating() == 5


def test_refresh_with_a_new_stored_note_updates_a_clean_editor(view: DetailView) -> None:
    view.show_paper(paper(note="before"))
    view.show_paper(paper(note="after undo"))
    assert view.note_editor.toPlainText() == "after undo"
    assert "after undo" in view.note_preview.toPlainText()


def test_real_library_paper_is_shown(qtbot, view: DetailView, library_dir: Path) -> None:
    from reader.store import Library
    from reader.models import Entry, ParsedDigest, Paper, Sighting

    library = Library(library_dir)
    try:
        entry = Entry(
            Paper(title="Pixtral 12B", authors=["Pravesh Agrawal"], arxiv_id="2410.07073",
                  abs_url="http://arxiv.org/abs/2410.07073", published="2024-10-09"),
            Sighting(position=1, score=8.5, subscores={"novelty": 8.0}, headline="A *VLM*"),
        )  # fmt: skip
        library.store_digest(library_dir / "d.txt", "sha", ParsedDigest("scored_list", [entry]))
        stored = library.get_paper(library.paper_ids()[0])
    finally:
        library.close()
    view.show_paper(stored)
    rendered(qtbot, view)
    assert view.title_label.text() == "Pixtral 12B"
    assert view.link_buttons["abs"].isEnabled() and not view.link_buttons["code"].isEnabled()
    texts = " | ".join(label.text() for label in card_labels(view))
    assert "Score 8.5" in texts and "novelty 8" in texts and "<em>VLM</em>" in texts
    assert view.provenance_label.text().startswith("First seen in d.txt (scored list)")


def test_icons_follow_a_theme_switch(view: DetailView, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.gui import icons

    view.show_paper(paper())
    light = view.link_buttons["pdf"].icon().pixmap(16).toImage()
    monkeypatch.setattr(icons, "_dark", True)
    dark_palette = QPalette(view.palette())
    dark_palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    view.setPalette(dark_palette)
    assert view.link_buttons["pdf"].icon().pixmap(16).toImage() != light

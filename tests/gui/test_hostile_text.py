"""Hostile digest text and notes: never markup in Qt's eyes, never a file read, never a frozen GUI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QToolButton

from reader import render
from reader.gui.detail_view import DetailView
from reader.gui.sighting_card import SightingCard
from reader.gui.markdown_render import MAX_MARKDOWN_CHARS, render_with_budget
from reader.gui.plain import plain, plain_tooltip
from reader.gui.safe_html import markdown_to_safe_html
from reader.store import PaperDetail, SightingRecord

ROOT = Path(__file__).resolve().parents[2]
BRACKET_BOMB = "[" * 5000 + " summary"  # 3.7 s of Python-Markdown on the GUI thread before
DEEP_LIST = "".join("\t" * level + "- x\n" for level in range(300))  # RecursionError before


def is_literal(tip: str, attack: str) -> bool:
    """Qt will show tip as the text itself: plain, or escaped rich text without live tags."""
    if not GuiQt.mightBeRichText(tip):
        return True
    return tip.startswith("<qt>") and attack not in tip and "<img" not in tip


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "blocks-forever"
    os.mkfifo(path)
    return path


def run_child(script: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a Qt script in a child process: a hang is a failure, not a frozen test run."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, env=env,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"Qt blocked on a file named in markup (no answer in {timeout} s): {exc.stderr}")


# -- the helper ------------------------------------------------------------------------


def test_plain_keeps_plain_text_and_escapes_what_qt_would_take_as_markup() -> None:
    assert plain("A & B <3") == "A & B <3"
    assert plain(None) == ""
    attack = '<img src="/dev/zero"> Hover me'
    assert GuiQt.mightBeRichText(attack)
    safe = plain(attack)
    assert safe.startswith("<qt>") and "<img" not in safe and "&lt;img" in safe
    assert plain("line\n<b>x</b>") == "line\n<b>x</b>"  # Qt judges by the first line only
    assert plain("<b>x</b>\ny") == "<qt>&lt;b&gt;x&lt;/b&gt;<br>y</qt>"
    assert len(plain_tooltip("x" * 100_000)) < 2100


# -- tooltips of a poisoned library ------------------------------------------------------


def seed_poisoned_library(folder: Path, src: str) -> dict:
    """A library whose title, author, tag, digest name and saved search all carry an <img>."""
    from reader.store import Library
    from reader.models import Entry, ParsedDigest, Paper, Sighting

    attack = f'<img src="{src}"> Hover me'
    library = Library(folder)
    try:
        poisoned = Paper(title=attack, authors=[attack, "Second Author"], arxiv_id="2410.00001")
        neighbour = Paper(title=f"Hover me too {attack}", arxiv_id="2410.00002")
        entries = [Entry(poisoned, Sighting(position=1)), Entry(neighbour, Sighting(position=2))]
        library.store_digest(folder / f"<b>{src.replace('/', '_')}</b>.txt", "sha-1",
                             ParsedDigest("scored_list", entries))  # fmt: skip
        ids = library.paper_ids()
        library.add_tags(ids, [f"<img src={src}>"])
        library.save_search(f"<img src={src}>", "is:unread")
        library.record_failure(folder / "broken.txt", "sha-2", attack)
    finally:
        library.close()
    return {"attack": attack, "ids": ids}


def all_tooltips(window) -> list[str]:
    tips = []
    model = window.model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            tips.append(model.index(row, column).data(Qt.ItemDataRole.ToolTipRole))
    for tree in (window.sidebar, window.import_log):
        stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            tips.extend(item.toolTip(column) for column in range(tree.columnCount()))
            stack.extend(item.child(i) for i in range(item.childCount()))
    tips.extend(label.toolTip() for label in window.detail.related.labels)
    tips.extend(chip.toolTip() for chip in window.detail.tag_editor.findChildren(QToolButton))
    return [tip for tip in tips if tip]


def test_every_tooltip_of_a_poisoned_paper_is_plain_text(make_window, library_dir: Path, fifo: Path) -> None:
    from reader.store import Library

    seeded = seed_poisoned_library(library_dir, str(fifo))
    library = Library(library_dir)
    window = make_window(library)
    window.import_log.refresh(library)
    window.select_paper(seeded["ids"][0])
    window.related.find()  # what the debounce timer would do
    tips = all_tooltips(window)
    assert any("Hover me" in tip for tip in tips)  # the title's own tooltip is there
    assert any("&lt;b&gt;" in tip for tip in tips)  # so is the digest's file name
    risky = [tip for tip in tips if not is_literal(tip, seeded["attack"])]
    assert risky == []
    for label in (window.detail.title_label, window.detail.authors_label):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_hovering_a_poisoned_title_reads_no_file(tmp_path: Path, fifo: Path) -> None:
    # The attack itself: every tooltip shown for real; Qt opening the FIFO would block forever.
    folder = tmp_path / "library"
    seed_poisoned_library(folder, str(fifo))
    result = run_child(
        f"""
        from PySide6.QtCore import QPoint, QSettings
        from PySide6.QtWidgets import QApplication, QToolTip
        app = QApplication([])
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_hostile_text import all_tooltips
        from reader.gui.main_window import MainWindow
        from reader.gui.worker import ImmediateWorker
        from reader.store import Library
        library = Library({str(folder)!r})
        settings = QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat)
        window = MainWindow(library, ImmediateWorker(library), library.folder, {str(tmp_path / "w")!r},
                            settings=settings, start_watcher=False)
        window.show()
        window.import_log.refresh(library)
        window.select_paper(library.paper_ids()[0])
        window.related.find()
        tips = all_tooltips(window)
        for tip in tips:
            QToolTip.showText(QPoint(10, 10), tip, window)
            app.processEvents()
            QToolTip.hideText()
        print("shown", len(tips))
        """,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) >= 5


# -- rich text: the note and the digest's Markdown -------------------------------------


def test_the_sanitizer_drops_images_and_every_title_attribute(fifo: Path) -> None:
    text = (
        f'<img src="{fifo}"> ![x]({fifo}) <abbr title="<img src=\'{fifo}\'>">MIR</abbr> '
        f'[link](https://example.org "<img src=\'{fifo}\'>") <a href="https://a.org" title="t">a</a>'
    )
    html = markdown_to_safe_html(text)
    assert "<img" not in html and "title=" not in html and str(fifo) not in html
    assert "MIR" in html and 'href="https://example.org"' in html


def test_a_poisoned_note_shows_no_tooltip_and_asks_for_no_file(qtbot, fifo: Path) -> None:
    view = DetailView()
    qtbot.addWidget(view)
    view.show()
    note = f"<abbr title=\"<img src='{fifo}'>\">hover</abbr> and <img src=\"{fifo}\"> text"
    view.show_paper(PaperDetail(id=1, title="t", note=note))
    qtbot.waitUntil(lambda: not view.markdown_pending(), timeout=5000)
    document = view.note_preview.document()
    assert "hover" in document.toPlainText()
    cursor = QTextCursor(document)
    while not cursor.atEnd():
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        assert cursor.charFormat().toolTip() == ""
    assert document.requested == []


def test_the_browser_document_never_opens_a_file_named_in_html(tmp_path: Path, fifo: Path) -> None:
    # Even raw HTML that skipped the sanitizer: the document answers every request itself.
    result = run_child(
        f"""
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from reader.gui.safe_html import SafeTextBrowser
        browser = SafeTextBrowser()
        browser.resize(300, 200)
        browser.show()
        browser.setHtml('<img src="{fifo}"> <img src="{fifo.name}"> <img src="file://{fifo}"> x')
        app.processEvents()
        browser.document().size()
        print("laid out", browser.document().requested)
        """,
        cwd=tmp_path,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "laid out" in result.stdout and fifo.name in result.stdout


# -- Markdown off the GUI thread ---------------------------------------------------------


def hostile_paper(**fields) -> PaperDetail:
    sighting = {"file": "/d/bomb.txt", "format": "scored_list", "position": 1, "score": 1.0,
                "subscores": {}, "headline": None, "summary": None, "detail": None}  # fmt: skip
    sighting.update(fields.pop("sighting", {}))
    paper = {"id": fields.pop("id", 1), "title": "Bomb", "note": ""}
    paper.update(fields)
    return PaperDetail(**paper, sightings=[SightingRecord(digest_id=1, **sighting)])


@pytest.mark.parametrize(
    "paper",
    [
        hostile_paper(sighting={"summary": BRACKET_BOMB}),
        hostile_paper(sighting={"summary": "[" * 80_000}),
        hostile_paper(note=BRACKET_BOMB),
        hostile_paper(note=DEEP_LIST),
        hostile_paper(sighting={"detail": DEEP_LIST, "headline": BRACKET_BOMB}),
    ],
    ids=["bracket-summary", "80k-summary", "bracket-note", "deep-list-note", "deep-list-detail"],
)
def test_hostile_markdown_does_not_stall_the_gui_thread(qtbot, paper: PaperDetail) -> None:
    view = DetailView()
    qtbot.addWidget(view)
    view.show()
    started = time.perf_counter()
    view.show_paper(paper)
    assert time.perf_counter() - started < 0.5
    # The text is there at once, as plain text.
    shown = view.note_preview.toPlainText() + " ".join(
        label.text() for card in view.findChildren(SightingCard) for label in card.findChildren(QLabel)
    )
    assert "[[[[" in shown or "- x" in shown
    qtbot.waitUntil(lambda: not view.markdown_pending(), timeout=10_000)


def test_too_long_or_broken_markdown_ends_as_plain_text_with_a_note(qtbot, monkeypatch) -> None:
    view = DetailView()
    qtbot.addWidget(view)
    view.show()
    view.show_paper(hostile_paper(note=DEEP_LIST, sighting={"summary": "[" * (MAX_MARKDOWN_CHARS + 1)}))
    qtbot.waitUntil(lambda: not view.markdown_pending(), timeout=10_000)
    assert view.note_format_hint.isVisible() and "plain text" in view.note_format_hint.text()
    assert view.note_preview.toPlainText().startswith("- x")
    notes = [label.text() for label in view.findChildren(SightingCard)[0].findChildren(QLabel)]
    assert any("longer than" in text for text in notes)


def test_render_budget_turns_recursion_and_slowness_into_plain_text(monkeypatch) -> None:
    monkeypatch.setattr(render, "MAX_MARKDOWN_CHARS", 10**6)  # the check lives there
    assert render_with_budget(DEEP_LIST) is None  # RecursionError inside, caught
    started = time.perf_counter()
    assert render_with_budget("[" * 20_000, budget_s=0.3) is None  # 45 s unbounded
    assert time.perf_counter() - started < 2
    assert render_with_budget("**ok**") == "<p><strong>ok</strong></p>"


def test_a_late_rendering_for_another_paper_is_dropped(qtbot) -> None:
    view = DetailView()
    qtbot.addWidget(view)
    view.show()
    view.show_paper(hostile_paper(id=1, note="*first* " + "[" * 3000))
    view.show_paper(hostile_paper(id=2, note="*second*"))
    qtbot.waitUntil(lambda: not view.markdown_pending(), timeout=10_000)
    qtbot.wait(50)
    assert view.note_preview.toPlainText().strip() == "second"
    assert view.paper_id() == 2

"""Copy citation key / BibTeX entry / Markdown link from the keyboard; editing the key in the detail pane."""

from __future__ import annotations

from pybtex.database import parse_string as pybtex_parse
from PySide6.QtGui import QGuiApplication, QKeySequence

from paper_factory import digest, entry
from reader.gui import actions


def _library(lib):
    lib.store_digest("/d/a.md", "sha", digest(
        entry("Attention Is All You Need", authors=["Ashish Vaswani"], arxiv_id="1706.03762"),
        entry("Deep Residual Learning", authors=["Kaiming He"], published="2015-12-10",
              abs_url="https://example.org/resnet"),
    ))
    return lib


def _copy_key(window) -> None:
    """Ctrl+Shift+C: the bound action (offscreen windows are never active for real keys)."""
    action = window.action("copy_key")
    assert QKeySequence("Ctrl+Shift+C") in action.shortcuts()
    action.trigger()


def test_copy_actions_are_in_the_one_table(qtbot):  # key sequences need the QApplication
    names = {spec.name: spec for spec in actions.ACTIONS}
    assert names["copy_key"].shortcut == "Ctrl+Shift+C"
    assert {"copy_bibtex", "copy_markdown"} <= set(names)
    assert any("citation key" in keys_help.lower() for _keys, keys_help in actions.shortcut_rows())


def test_copy_key_bibtex_and_markdown_for_one_paper_and_a_selection(qtbot, make_window, empty_library):
    window = make_window(_library(empty_library))
    window.table.setFocus()
    current = window.current_paper_id()
    paper = empty_library.get_paper(current)

    _copy_key(window)
    assert QGuiApplication.clipboard().text() == paper.citation_key

    window.action("copy_bibtex").trigger()
    data = pybtex_parse(QGuiApplication.clipboard().text(), "bibtex")
    assert list(data.entries) == [paper.citation_key]

    window.action("copy_markdown").trigger()
    assert QGuiApplication.clipboard().text().startswith(f"[{paper.title.split()[0]}")

    window.action("select_all").trigger()
    _copy_key(window)
    keys = QGuiApplication.clipboard().text().split(",")
    assert sorted(keys) == sorted(p.citation_key for p in empty_library.list_papers())
    window.action("copy_bibtex").trigger()
    assert len(pybtex_parse(QGuiApplication.clipboard().text(), "bibtex").entries) == 2
    window.action("copy_markdown").trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert len(lines) == 2 and "- [Deep Residual Learning](<https://example.org/resnet>)" in lines


def test_the_detail_pane_shows_and_edits_the_key(qtbot, make_window, empty_library):
    window = make_window(_library(empty_library))
    paper_id = window.current_paper_id()
    field = window.detail.key_field
    assert field.edit.text() == empty_library.get_paper(paper_id).citation_key
    old = field.edit.text()

    other = next(p.citation_key for p in empty_library.list_papers() if p.id != paper_id)
    field.edit.setText(other.upper())
    field.edit.editingFinished.emit()
    assert "already the key" in field.error.text()  # said at once, nothing changed
    assert empty_library.get_paper(paper_id).citation_key == old

    field.edit.setText("my:key2024")
    field.edit.editingFinished.emit()
    assert empty_library.get_paper(paper_id).citation_key == "my:key2024"
    assert field.error.text() == ""
    window.undo_stack.undo()
    assert empty_library.get_paper(paper_id).citation_key == old

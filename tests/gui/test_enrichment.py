"""Fetching details in the app against a local server: the offer bar, runs, cancel, merges, Add paper…, paste."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "enrich"))

from fake_apis import FakeApis, environment, serve  # noqa: E402
from paper_factory import digest, entry  # noqa: E402
from reader.gui.enrichment import DISMISSED_SETTING, AddPaperDialog  # noqa: E402
from reader.gui.events import DigestsImported  # noqa: E402

KNOWN = {
    "2401.00001": {"title": "Attention Is All You Need", "authors": ("Ada Lovelace",), "published": "2024-01-02"},
    "2401.00002": {"title": "Memory Agents That Forget Well", "authors": ("Grace Hopper",), "published": "2024-01-03"},
    "2401.00003": {"title": "Diffusion for Everything", "authors": ("Alan Turing",), "published": "2024-01-04"},
}


@pytest.fixture
def apis(monkeypatch):
    fake = FakeApis(KNOWN)
    fake.server = serve(fake)
    for name, value in environment(fake.server).items():
        monkeypatch.setenv(name, value)
    yield fake
    fake.server.stop()


@pytest.fixture
def lib(empty_library, library_dir):
    empty_library.store_digest(library_dir / "d.txt", "1", digest(
        entry("attention is all you need", arxiv_id="2401.00001"), entry("Memory agents that forget well"),
        entry("MEM1"),
    ))
    return empty_library


def wait_for_run(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.enrichment.running(), timeout=10000)


def test_the_bar_offers_once_and_not_now_is_remembered(qtbot, make_window, lib, apis):
    window = make_window(lib)
    bar = window.enrichment.bar
    qtbot.waitUntil(bar.isVisible)
    assert "Fetch details for 3 papers from arXiv" in bar.label.text()
    qtbot.mouseClick(bar.buttons["later"], Qt.MouseButton.LeftButton)
    assert not bar.isVisible() and lib.get_setting(DISMISSED_SETTING) == 3
    window.close()
    again = make_window(lib)
    qtbot.wait(50)
    assert not again.enrichment.bar.isVisible() and apis.asked == []  # nothing fetched unasked


def test_the_bar_count_follows_an_import_that_completes_papers_without_adding_any(
        qtbot, make_window, lib, tmp_path):
    window = make_window(lib)
    bar = window.enrichment.bar
    qtbot.waitUntil(bar.isVisible)
    assert "for 3 papers" in bar.label.text()
    refs = tmp_path / "refs.bib"  # MEM1 again, now with authors, year and arXiv id: merged, not new
    refs.write_text("@article{mem1,\n  title={MEM1},\n  author={Doe, Jane},\n  year={2024},\n"
                    "  eprint={2401.00003},\n  archivePrefix={arXiv}\n}\n", encoding="utf-8")
    window.import_paths([refs])
    assert [(d.new, d.merged) for d in lib.digests() if d.file.endswith("refs.bib")] == [(0, 1)]
    qtbot.waitUntil(lambda: "for 2 papers" in bar.label.text())
    assert bar.isVisible() and bar.count == 2


def test_the_bar_count_follows_deletions_and_other_programs_imports(qtbot, make_window, lib, library_dir):
    from reader.store import Library

    window = make_window(lib)
    bar = window.enrichment.bar
    qtbot.waitUntil(bar.isVisible)
    window.select_paper(next(p.id for p in lib.list_papers() if p.title == "MEM1"))
    window.triage.delete_selected()
    qtbot.waitUntil(lambda: "for 2 papers" in bar.label.text())
    other = Library(library_dir)  # what `digest-reader import` or `watch` does beside the app
    try:
        other.store_digest(library_dir / "e.txt", "2", digest(entry("Diffusion for everything"),
                                                              entry("Yet another lacking paper")))
    finally:
        other.close()
    assert window.papers.check_external_changes()
    qtbot.waitUntil(lambda: "for 4 papers" in bar.label.text())
    qtbot.mouseClick(bar.buttons["later"], Qt.MouseButton.LeftButton)
    assert lib.get_setting(DISMISSED_SETTING) == 4  # "Not now" remembers what the bar said


def test_fetch_now_completes_the_papers_with_progress_in_the_status_bar(qtbot, make_window, lib, apis):
    window = make_window(lib)
    qtbot.waitUntil(window.enrichment.bar.isVisible)
    qtbot.mouseClick(window.enrichment.bar.buttons["fetch"], Qt.MouseButton.LeftButton)
    assert window.enrichment.progress.isVisible()
    wait_for_run(qtbot, window)
    assert "2 papers updated" in window.statusBar().currentMessage()
    assert sorted(p.authors[0] for p in lib.list_papers() if p.authors) == ["Ada Lovelace", "Grace Hopper"]
    assert not window.enrichment.bar.isVisible() and not window.enrichment.progress.isVisible()


def test_always_is_remembered_and_new_imports_are_fetched_automatically(qtbot, make_window, lib, apis, library_dir):
    window = make_window(lib)
    qtbot.waitUntil(window.enrichment.bar.isVisible)
    qtbot.mouseClick(window.enrichment.bar.buttons["always"], Qt.MouseButton.LeftButton)
    wait_for_run(qtbot, window)
    assert lib.get_setting("fetch_details") == "automatic" and window.action("fetch_automatic").isChecked()
    lib.store_digest(library_dir / "e.txt", "2", digest(entry("diffusion for everything", arxiv_id="2401.00003")))
    window.imports.digests_imported.emit(DigestsImported((SimpleNamespace(new=1),)))
    qtbot.waitUntil(lambda: lib.list_papers("diffusion")[0].authors == ["Alan Turing"], timeout=10000)


def test_cancel_ends_the_run_and_keeps_the_rest_for_later(qtbot, make_window, empty_library, library_dir, apis):
    titles = [entry(f"Unknown paper number {n}") for n in range(20)]  # three title searches
    empty_library.store_digest(library_dir / "t.txt", "1", digest(*titles))
    arrived, release = threading.Event(), threading.Event()

    def slow(seen):
        arrived.set()
        release.wait(5)
        return apis(seen)

    apis.server.handler = slow
    window = make_window(empty_library)
    window.enrichment.fetch_missing()
    qtbot.waitUntil(arrived.is_set)
    qtbot.waitUntil(window.enrichment.cancel_button.isVisible)
    qtbot.mouseClick(window.enrichment.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    wait_for_run(qtbot, window)
    assert "cancelled" in window.statusBar().currentMessage()
    assert len(apis.asked) == 1 and len(empty_library.enrichment.targets()) == 20


def test_a_merge_is_undoable(qtbot, make_window, empty_library, library_dir, apis):
    empty_library.store_digest(library_dir / "a.txt", "1", digest(entry("Memory Agents That Forget Well", arxiv_id="2401.00002")))
    empty_library.store_digest(library_dir / "b.txt", "2", digest(entry("Memory Agénts that forget well")))
    window = make_window(empty_library)
    window.enrichment.fetch_missing()
    wait_for_run(qtbot, window)
    assert empty_library.count("") == 1 and window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert empty_library.count("") == 2
    window.undo_stack.redo()
    assert empty_library.count("") == 1 and empty_library.list_papers()[0].seen == 2


def test_fetch_details_for_the_selected_paper(qtbot, make_window, lib, apis):
    window = make_window(lib)
    paper_id = next(p.id for p in lib.list_papers() if p.arxiv_id)
    window.select_paper(paper_id)
    window.action("fetch_details").trigger()
    wait_for_run(qtbot, window)
    assert lib.get_paper(paper_id).authors == ["Ada Lovelace"] and apis.count("id_list") == 1


def test_add_paper_dialog_checks_what_was_typed(qtbot):
    dialog = AddPaperDialog()
    qtbot.addWidget(dialog)
    dialog.edit.setPlainText("2401.00003\nnot-an-id")
    dialog.accept()
    assert dialog.result() == 0 and "not-an-id" in dialog.error.text()
    dialog.edit.setPlainText("2401.00003\nhttps://huggingface.co/papers/2401.00001")
    dialog.accept()
    assert dialog.result() == 1 and dialog.identifiers == ["2401.00003", "https://huggingface.co/papers/2401.00001"]


def test_add_and_paste_into_the_list_add_papers(qtbot, make_window, lib, apis):
    window = make_window(lib)
    window.enrichment.add(["https://www.alphaxiv.org/abs/2401.00003"])
    qtbot.waitUntil(lambda: lib.count("diffusion") == 1, timeout=10000)
    added = lib.list_papers("diffusion")[0]
    assert added.seen == 0 and added.authors == ["Alan Turing"]
    qtbot.waitUntil(lambda: window.current_paper_id() == added.id)
    QGuiApplication.clipboard().setText("see https://arxiv.org/abs/2401.00001v1")
    window.focus_list()
    count = lib.count("")
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Completed “Attention" in window.statusBar().currentMessage(), timeout=10000)
    assert lib.count("") == count  # 2401.00001 was there: completed, not duplicated
    QGuiApplication.clipboard().setText("nothing here")
    qtbot.keyClick(window.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "no arXiv id" in window.statusBar().currentMessage()


def test_a_run_on_the_real_worker_thread(qtbot, settings, lib, apis, tmp_path):
    from reader.gui.main_window import MainWindow
    from reader.gui.worker import LibraryWorker

    worker = LibraryWorker(lib.folder)
    worker.start()
    window = MainWindow(lib, worker, lib.folder, tmp_path / "watch", settings=settings, start_watcher=False)
    qtbot.addWidget(window)
    try:
        window.enrichment.fetch_missing()
        wait_for_run(qtbot, window)
        assert "2 papers updated" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: lib.list_papers("lovelace") != [], timeout=5000)
    finally:
        window.close()
        worker.stop()


def test_settings_dialog_sets_fetch_details_and_the_crossref_address(qtbot, make_window, lib, monkeypatch):
    from reader.gui.settings_dialog import SettingsDialog

    lib.set_setting("crossref_mailto", "old@example.org")
    window = make_window(lib)
    qtbot.waitUntil(window.enrichment.bar.isVisible)  # "ask", the default
    shown = []

    def choose(dialog):
        shown.append((dialog.fetch.currentData(), dialog.mailto.text()))
        dialog.fetch.setCurrentIndex(dialog.fetch.findData("off"))
        dialog.mailto.setText("not an address")
        dialog.accept()
        assert dialog.result() == 0 and not dialog.mailto_error.isHidden()  # stays open, says why
        dialog.mailto.setText(" me@example.org ")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SettingsDialog, "exec", choose)
    window.action("settings").trigger()
    assert shown == [("ask", "old@example.org")]
    qtbot.waitUntil(lambda: lib.get_setting("fetch_details") == "off")
    assert lib.get_setting("crossref_mailto") == "me@example.org"
    qtbot.waitUntil(lambda: window.action("fetch_off").isChecked())
    assert not window.enrichment.bar.isVisible()
    dialog = SettingsDialog(window.settings, None, window.library_dir, window, window.reader_library)
    qtbot.addWidget(dialog)
    assert dialog.fetch.currentData() == "off"
    dialog.fetch.setCurrentIndex(dialog.fetch.findData("automatic"))
    dialog.mailto.clear()
    dialog.accept()
    window.dialogs.apply_settings(dialog.values())
    qtbot.waitUntil(lambda: window.action("fetch_automatic").isChecked())
    assert lib.get_setting("fetch_details") == "automatic" and lib.get_setting("crossref_mailto") is None
    without = SettingsDialog(window.settings, None, window.library_dir, window)  # no library: left alone
    qtbot.addWidget(without)
    assert not without.fetch.isEnabled() and without.values().fetch_details is None


def test_adding_a_paper_is_undoable_whether_new_or_completing_one(qtbot, make_window, lib, apis):
    window = make_window(lib)
    count = lib.count("")
    window.enrichment.add(["2401.00003"])
    qtbot.waitUntil(lambda: lib.count("diffusion") == 1, timeout=10000)
    added = lib.list_papers("diffusion")[0].id
    assert window.undo_stack.undoText() == "Add “Diffusion for Everything”"
    window.undo_stack.undo()
    assert lib.count("") == count  # deleted again
    window.undo_stack.redo()
    assert lib.get_paper(added).authors == ["Alan Turing"]  # back with the same id
    attention = next(p.id for p in lib.list_papers() if p.arxiv_id == "2401.00001")
    lib.add_tags([attention], ["mine"])
    before = lib.get_paper(attention)
    window.enrichment.add(["https://arxiv.org/abs/2401.00001"])
    qtbot.waitUntil(lambda: lib.get_paper(attention).authors == ["Ada Lovelace"], timeout=10000)
    assert window.undo_stack.undoText().startswith("Complete “Attention")
    window.undo_stack.undo()
    undone = lib.get_paper(attention)
    assert (undone.title, undone.authors, undone.published, undone.abstract, undone.fetch_status) == \
        (before.title, before.authors, before.published, before.abstract, None)
    assert undone.tags == ["mine"] and lib.count("") == count + 1
    window.undo_stack.redo()
    assert lib.get_paper(attention).authors == ["Ada Lovelace"] and lib.get_paper(attention).fetch_status == "done"
    steps = window.undo_stack.count()
    window.enrichment.add(["2401.00001"])  # nothing left to complete: nothing to undo
    qtbot.waitUntil(lambda: "Already in the library" in window.statusBar().currentMessage(), timeout=10000)
    assert window.undo_stack.count() == steps

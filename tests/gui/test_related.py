"""Related papers in the detail view: found off the GUI thread, listed, and clickable."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from reader.gui.main_window import MainWindow


def wait_for_related(qtbot, window: MainWindow) -> list[int]:
    qtbot.waitUntil(lambda: bool(window.detail.related_ids()))
    return window.detail.related_ids()


def click_link(qtbot, window: MainWindow, label) -> None:
    """A real mouse click on the first word of the label, where its link starts."""
    window.detail._scroll.ensureWidgetVisible(label)
    qtbot.waitUntil(label.isVisible)
    point = QPoint(4, label.fontMetrics().height() // 2 + 1)
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=point)


def test_related_papers_are_found_after_a_placeholder_and_exclude_the_paper(qtbot, window, library):
    window.select_paper(50)
    assert window.detail.related_status.text() == "Finding related papers…"
    assert window.detail.related_status.isVisibleTo(window.detail)
    related = wait_for_related(qtbot, window)
    assert related == library.related(50, limit=10)
    assert 50 not in related and len(related) == 10
    assert not window.detail.related_status.isVisibleTo(window.detail)
    first = library.get_paper(related[0])
    label = window.detail.related.labels[0]
    assert first.title.split()[0] in label.text()
    if first.published:
        assert first.published[:4] in label.text()


def test_clicking_a_related_paper_selects_it_in_the_list(qtbot, window, library):
    window.select_paper(50)
    related = wait_for_related(qtbot, window)
    click_link(qtbot, window, window.detail.related.labels[0])
    qtbot.waitUntil(lambda: window.current_paper_id() == related[0])
    assert window.detail.paper_id() == related[0]
    assert window.model.paper_id(window.table.currentIndex().row()) == related[0]


def test_a_related_paper_outside_the_filter_clears_the_filter(qtbot, window, library):
    window.select_paper(50)
    related = wait_for_related(qtbot, window)
    target = related[0]
    library.add_tags([50], ["only-this"])
    window.refresh_sidebar()
    window.set_search_text("tag:only-this")
    assert window.model.loaded_ids() == [50]
    window.detail.related.labels[0].linkActivated.emit(f"paper:{target}")
    assert window.current_paper_id() == target
    assert window.current_query() == "" and window.search_box.text() == ""
    assert window.model.total() == library.count("")
    assert window.sidebar.current_key() == "smart:All"


def test_a_late_answer_for_another_paper_is_ignored(qtbot, window, library):
    window.select_paper(50)
    rows = library.rows_by_ids([1, 2])
    window.detail.show_related(49, rows)  # 50 is shown, not 49
    assert window.detail.related_ids() == []
    assert window.detail.related_status.text() == "Finding related papers…"

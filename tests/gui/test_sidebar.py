"""The sidebar: smart lists, tags and digests with live counts; a click narrows the list."""

from __future__ import annotations

from reader.gui.sidebar import QueryRole, quote


def counts(window) -> dict[str, int]:
    found = {}
    for item in window.sidebar._all_items():
        if item.data(0, QueryRole) is not None:
            found[item.text(0)] = int(item.text(1))
    return found


def click(qtbot, window, label: str) -> None:
    item = next(i for i in window.sidebar._all_items() if i.text(0) == label)
    rect = window.sidebar.visualItemRect(item)
    window.sidebar.scrollToItem(item)
    rect = window.sidebar.visualItemRect(item)
    from PySide6.QtCore import Qt

    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.sidebar.currentItem() is item


def test_smart_lists_show_counts(window):
    shown = counts(window)
    assert shown["All"] == 452
    assert shown["Unread"] == 452
    assert shown["Rated"] == 0
    assert shown["Has notes"] == 0


def test_digests_grouped_by_format_with_entry_counts(window):
    digests = window.sidebar._find("group:digests")
    groups = {digests.child(i).text(0): digests.child(i).childCount() for i in range(digests.childCount())}
    assert groups == {"arXiv tables": 1, "Daily papers": 2, "Newsletters": 1, "Scored lists": 1}
    shown = counts(window)
    assert shown["000_1aa3a1462ac3e62b.txt"] == 10


def test_clicking_a_digest_narrows_the_list(qtbot, window, library):
    click(qtbot, window, "000_1aa3a1462ac3e62b.txt")
    assert window.model.total() == 10
    assert window.current_query() == "digest:000_1aa3a1462ac3e62b.txt"
    click(qtbot, window, "All")
    assert window.model.total() == 452


def test_counts_follow_changes_and_tags_appear(qtbot, window):
    window.select_paper(5)
    window.triage.add_tags(["to read"])
    window.triage.rate(4)
    qtbot.waitUntil(lambda: counts(window).get("to read") == 1)
    assert counts(window)["Rated"] == 1
    click(qtbot, window, "to read")
    assert window.current_query() == 'tag:"to read"'
    assert window.model.loaded_ids() == [5]


def test_sidebar_query_combines_with_search_text(qtbot, window, library):
    library.add_tags([1, 2, 3], ["todo"])
    library.set_read([1], True)
    window.refresh_sidebar()
    click(qtbot, window, "todo")
    window.set_search_text("is:unread")
    assert sorted(window.model.loaded_ids()) == [2, 3]


def test_failed_digest_is_marked_with_its_error(qtbot, window, library, tmp_path):
    bad = tmp_path / "empty-digest.txt"
    bad.write_text("   \n", encoding="utf-8")
    window.import_paths([bad])

    def failed_item():
        return next((i for i in window.sidebar._all_items() if i.text(0) == "empty-digest.txt"), None)

    qtbot.waitUntil(lambda: failed_item() is not None)
    item = failed_item()
    assert not item.icon(0).isNull()
    assert "Import failed" in item.toolTip(0)


def test_quote_wraps_values_with_spaces():
    assert quote("todo") == "todo"
    assert quote("to read") == '"to read"'


def test_when_the_shown_tag_disappears_the_list_shows_all(qtbot, window, library):
    library.add_tags([7], ["gone-soon"])
    window.refresh_sidebar()
    click(qtbot, window, "gone-soon")
    assert window.model.total() == 1
    window.select_paper(7)
    window.triage.remove_tags(["gone-soon"])
    qtbot.waitUntil(lambda: window.sidebar.item_for_query("tag:gone-soon") is None)
    assert window.current_query() == ""
    assert window.model.total() == 452


def test_digests_show_and_sort_by_their_own_date(qtbot, empty_library):
    from paper_factory import digest, entry

    from reader.gui.sidebar import Sidebar

    # Imported in this order; the digests' own dates say otherwise, and one states none.
    empty_library.store_digest("/d/late.md", "1", digest(entry("A"), format="newsletter", date="2024-10-09"))
    empty_library.store_digest("/d/early.md", "2", digest(entry("B"), format="newsletter", date="2024-09-30"))
    empty_library.store_digest("/d/undated.md", "3", digest(entry("C"), format="newsletter"))
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.refresh(empty_library)
    group = sidebar._find("format:newsletter")
    labels = [group.child(i).text(0) for i in range(group.childCount())]
    # Newest first; an undated digest goes by its import day (today, so first).
    assert labels == ["undated.md", "2024-10-09 · late.md", "2024-09-30 · early.md"]


def _many_digests(library, folder, long_name: str) -> None:
    """Enough digests (with four-digit counts) that the sidebar scrolls, one with a long name."""
    from paper_factory import digest, entry

    for n in range(30):
        papers = [entry(f"Paper {n} {k}") for k in range(40)]
        library.store_digest(folder / f"digest-{n:02d}.md", str(n), digest(*papers, format="newsletter",
                                                                           date=f"2024-10-{n + 1:02d}"))
    library.store_digest(folder / long_name, "long", digest(entry("Long one"), format="newsletter",
                                                            date="2024-11-02"))


def _room(sidebar, item, column: int = 0) -> tuple[int, int, str]:
    """(width the delegate needs to draw the cell whole, width the view gives it, text drawn)."""
    from PySide6.QtWidgets import QStyleOptionViewItem

    index = sidebar.indexFromItem(item, column)
    option = QStyleOptionViewItem()
    sidebar.initViewItemOption(option)
    need = sidebar.itemDelegate().sizeHint(option, index).width()
    option.rect = sidebar.visualRect(index)
    return need, option.rect.width(), sidebar.itemDelegate().shown_text(option, index)


def test_beside_a_scroll_bar_only_digest_names_are_cut_and_in_the_middle(qtbot, make_window, empty_library,
                                                                         library_dir):
    from reader.gui.sidebar import KeyRole

    long_name = "weekly-digest-of-the-most-discussed-papers-on-agents-and-memory-issue-142.md"
    _many_digests(empty_library, library_dir, long_name)
    window = make_window(empty_library)
    sidebar = window.sidebar
    sidebar._find("format:newsletter").setExpanded(True)
    # As first opened; dragged to its narrowest; widened by the user.
    for sizes in ([232, 780, 388], [0, 2000, 2000], [330, 1000, 1000]):
        window.splitter.setSizes(sizes)
        qtbot.waitUntil(lambda: sidebar.verticalScrollBar().isVisible())
        fixed = [item for item in sidebar._all_items()
                 if item.data(0, KeyRole).split(":")[0] in ("smart", "group", "format", "hint")]
        assert {"Seen in 2+ digests", "Saved searches", "Newsletters", "None yet (Ctrl+S)"} <= {
            item.text(0) for item in fixed}
        for item in fixed:
            need, have, shown = _room(sidebar, item)
            assert need <= have and shown == item.text(0), (item.text(0), need, have, sizes)
        for item in sidebar._all_items():  # counts ("1201") whole
            need, have, shown = _room(sidebar, item, 1)
            assert need <= have and shown == item.text(1), (item.text(0), item.text(1), need, have, sizes)
        need, have, shown = _room(sidebar, sidebar._find(f"digest:{library_dir / long_name}"))
        assert need > have and shown.startswith("2024-11-02 · ") and "…" in shown, (shown, sizes)
    assert shown.startswith("2024-11-02 · weekly") and shown.endswith("142.md")  # with room: cut in the middle
    need, have, shown = _room(sidebar, sidebar._find(f"digest:{library_dir / 'digest-29.md'}"))
    assert shown == "2024-10-30 · digest-29.md"  # a short name whole


def test_a_digest_label_keeps_its_date_and_cuts_its_name_in_the_middle(qtbot):
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication

    from reader.gui.sidebar import fit_label

    metrics = QFontMetrics(QApplication.font())
    kept, name = "2024-10-09 · ", "weekly-digest-issue-142.md"
    assert fit_label(metrics, kept, name, 10_000) == kept + name
    room = metrics.horizontalAdvance(kept + name) - 20
    cut = fit_label(metrics, kept, name, room)
    assert cut.startswith(kept + "week") and cut.endswith("2.md") and "…" in cut
    assert metrics.horizontalAdvance(cut) <= room
    tight = fit_label(metrics, kept, name, metrics.horizontalAdvance("2024-10-09 · …"))
    assert tight.startswith("2024-10-09") and metrics.horizontalAdvance(tight) <= metrics.horizontalAdvance(
        "2024-10-09 · …")


def test_not_recognised_shows_no_papers_and_lists_the_files_with_why(qtbot, make_window, library, tmp_path):
    from reader.ingest import importer

    photo, blank = tmp_path / "photo.bin", tmp_path / "blank.txt"
    photo.write_bytes(bytes(range(256)) * 4)
    blank.write_text("   \n", encoding="utf-8")
    assert [importer.import_file(library, path).status for path in (photo, blank)] == ["failed", "failed"]
    window = make_window(library)
    click(qtbot, window, "Not recognised")
    assert window.current_query() == "format:none"
    assert window.model.total() == 0  # these files gave no papers
    hint = window.detail.empty_hint.text().splitlines()
    assert hint[0] == "2 files could not be imported."
    assert "photo.bin: not a text file (binary content)" in hint
    assert any(line.startswith("blank.txt: ") for line in hint)
    assert window.statusBar().currentMessage() == "2 files could not be imported."
    click(qtbot, window, "Newsletters")  # the other groups still list their papers
    assert window.model.total() > 0
    click(qtbot, window, "All")
    assert window.model.total() == 452


def test_not_recognised_lists_at_most_ten_files(qtbot, empty_library, library_dir):
    from reader.gui.sidebar import FailureRole, Sidebar

    for n in range(12):
        empty_library.record_failure(library_dir / f"junk-{n:02d}.bin", str(n), "not a text file")
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.refresh(empty_library)
    lines = sidebar._find("format:").data(0, FailureRole).splitlines()
    assert lines[0] == "12 files could not be imported." and lines[-1] == "… and 2 more: View › Import log lists them all."
    assert len([line for line in lines if line.startswith("junk-")]) == 10

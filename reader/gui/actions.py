"""The window's actions in one table: the menus, the list's single keys and the shortcut help read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar

from reader.gui import icons

Std = QKeySequence.StandardKey
Shortcut = Std | str | tuple[Std | str, ...] | None


@dataclass(frozen=True)
class ActionSpec:
    """One entry of the table; `handler` is a dotted path from the window ("triage.rate")."""

    name: str
    text: str
    handler: str
    menu: str | None = None  # "paper" or a submenu "paper/rate"; None: keys only
    shortcut: Shortcut = None  # bound on the window
    keys: tuple[str, ...] = ()  # single keys of the paper list (Qt.Key names), not bound,
    # so they still type into the search box and the note editor
    shown_keys: str = ""  # how the help writes keys handled elsewhere (Escape, arrows)
    help: str = ""  # the help's words when the menu text does not say it
    icon: str | None = None
    args: tuple[Any, ...] = ()
    tooltip: str = ""
    separator: bool = False  # a separator before it in its menu
    checkable: bool = False  # without a group: checked at start, `toggled` calls the handler
    group: str | None = None  # exclusive choices (the theme)
    provided: bool = False  # the handler returns a QAction Qt already makes (undo, a dock's toggle)


MENUS = (("file", "&File"), ("edit", "&Edit"), ("paper", "&Paper"), ("view", "&View"), ("help", "&Help"))
# submenu: (title, icon, separator before it)
SUBMENUS = {"paper/rate": ("Ra&te", "star", True), "view/sort": ("S&ort the list", None, False),
            "view/theme": ("&Theme", None, False),
            "file/fetch": ("Fetch details for &new imports", None, False)}


def _rate(n: int) -> ActionSpec:
    stars = f"Rate {n} star{'s' if n != 1 else ''}"
    return ActionSpec(f"rate_{n}", "★" * n, "triage.rate", "paper/rate", keys=(str(n),), help=stars, args=(n,))


def _sort(name: str, text: str, key: str, descending: bool) -> ActionSpec:
    return ActionSpec(name, text, "papers.set_list_order", "view/sort", args=(key, descending))


def _fetch_choice(mode: str, text: str) -> ActionSpec:
    return ActionSpec(f"fetch_{mode}", text, "enrichment.set_fetch_setting", "file/fetch", args=(mode,), group="fetch")


def _theme(mode: str, text: str) -> ActionSpec:
    return ActionSpec(f"theme_{mode}", text, "set_theme", "view/theme", args=(mode,), checkable=True, group="theme")


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("next_paper", "Next paper", "table.move_current", shown_keys="j / ↓", args=(1,)),
    ActionSpec("previous_paper", "Previous paper", "table.move_current", shown_keys="k / ↑", args=(-1,)),
    ActionSpec("focus_detail", "Go to the detail", "focus_detail", keys=("Return", "Enter")),
    ActionSpec("focus_list", "Back to the list", "focus_list", shown_keys="Escape"),
    ActionSpec("import", "&Import files…", "imports.choose_files", "file", Std.Open, icon="import"),
    ActionSpec("export", "&Export…", "dialogs.export_dialog", "file", "Ctrl+E", icon="export"),
    ActionSpec("add_paper", "&Add paper…", "enrichment.add_paper_dialog", "file", "Ctrl+Shift+N", separator=True,
               help="Add a paper by arXiv id, DOI or URL"),
    ActionSpec("fetch_missing", "Fetch &missing details", "enrichment.fetch_missing", "file",
               help="Fetch missing details from arXiv and Crossref"),
    _fetch_choice("off", "&Never"),
    _fetch_choice("ask", "&Ask first"),
    _fetch_choice("automatic", "Au&tomatically"),
    ActionSpec("open_library", "Open &library folder", "dialogs.open_library_folder", "file", icon="library", separator=True),
    ActionSpec("open_watch", "Open &watched folder", "dialogs.open_watch_folder", "file", icon="folder"),
    ActionSpec("settings", "&Settings…", "dialogs.open_settings", "file", Std.Preferences, icon="settings", separator=True),
    ActionSpec("quit", "&Quit", "close", "file", Std.Quit, separator=True),
    ActionSpec("undo", "&Undo", "make_undo_action", "edit", Std.Undo, icon="undo", provided=True),
    ActionSpec("redo", "&Redo", "make_redo_action", "edit", ("Ctrl+Shift+Z", Std.Redo), icon="redo", provided=True),
    ActionSpec("find", "&Find", "focus_search", "edit", Std.Find, keys=("Slash",), icon="search",
               help="Search", separator=True),
    ActionSpec("save_search", "Sa&ve search…", "saved_searches.save_dialog", "edit", Std.Save, icon="star",
               help="Save the search", tooltip="Save this search under a name in the sidebar (Ctrl+S)"),
    ActionSpec("select_all", "Select &all", "papers.select_all", "edit", Std.SelectAll,
               help="Select every paper of the list"),
    ActionSpec("paste_papers", "&Paste papers", "enrichment.paste", "edit", shown_keys="Ctrl+V",
               help="Add the papers whose ids or URLs are on the clipboard (in the list)"),
    ActionSpec("toggle_read", "T&oggle read / unread", "triage.toggle_read", "paper", keys=("Space", "R")),
    ActionSpec("mark_read", "Mark &read", "triage.set_read", "paper", icon="read", args=(True,)),
    ActionSpec("mark_unread", "Mark &unread", "triage.set_read", "paper", icon="unread", args=(False,)),
    ActionSpec("next_unread", "&Next unread paper", "papers.next_unread", "paper", keys=("U",)),
    *(_rate(n) for n in range(1, 6)),
    ActionSpec("rate_0", "Clear rating", "triage.rate", "paper/rate", keys=("0",), help="Clear the rating",
               args=(0,), separator=True),
    ActionSpec("edit_tags", "Edit ta&gs", "focus_tags", "paper", keys=("T",),
               help="Edit the tags (several papers: add a tag to all)"),
    ActionSpec("add_tag", "Add &tag…", "triage.add_tag_dialog", "paper", icon="tag"),
    ActionSpec("remove_tag", "Remo&ve tag…", "triage.remove_tag_dialog", "paper"),
    ActionSpec("edit_note", "Edit n&ote", "focus_note", "paper", keys=("N",), help="Edit the note"),
    ActionSpec("copy_key", "Copy citation &key", "citations.copy_key", "paper", "Ctrl+Shift+C", separator=True,
               help="Copy the citation key (several papers: key1,key2 for \\cite)"),
    ActionSpec("copy_bibtex", "Copy BibTe&X entry", "citations.copy_bibtex", "paper", "Ctrl+Shift+B"),
    ActionSpec("copy_markdown", "Copy as &Markdown link", "citations.copy_markdown", "paper", "Ctrl+Shift+M"),
    ActionSpec("open_abs", "Open a&bstract page", "open_link", "paper", keys=("O",), args=("abs",), separator=True),
    ActionSpec("open_pdf", "Open &PDF", "open_link", "paper", keys=("P",), args=("pdf",)),
    ActionSpec("open_code", "Open &code", "open_link", "paper", keys=("C",), args=("code",)),
    ActionSpec("fetch_details", "&Fetch details", "enrichment.fetch_selected", "paper",
               help="Fetch the selected papers' details from arXiv and Crossref"),
    ActionSpec("archive", "&Archive / unarchive", "triage.toggle_archive", "paper", keys=("E",), separator=True),
    ActionSpec("delete", "&Delete…", "triage.delete_selected", "paper", keys=("Delete",),
               help="Delete (asks first for several papers; Ctrl+Z undoes)"),
    ActionSpec("import_log", "Import &log", "make_import_log_action", "view", "Ctrl+L",
               help="Show / hide the import log", provided=True),
    ActionSpec("stats", "Reading &stats…", "dialogs.open_stats", "view", "Ctrl+Shift+S", icon="stats"),
    ActionSpec("show_sidebar", "Show &sidebar", "sidebar.setVisible", "view", checkable=True, separator=True),
    ActionSpec("show_detail", "Show &detail", "detail.setVisible", "view", checkable=True),
    _sort("sort_added", "By date &added", "added", True),
    _sort("sort_position", "In the digest's &order", "position", False),
    _sort("sort_score", "By the digest's &score", "score", True),
    _theme("system", "&System"),
    _theme("light", "&Light"),
    _theme("dark", "&Dark"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "dialogs.show_shortcuts", "help", Std.HelpContents),
    ActionSpec("about", "&About Digest Reader", "dialogs.show_about", "help"),
)


def resolve(root: object, path: str) -> Callable[..., Any]:
    """The callable a dotted handler path names, starting from the window."""
    target: Any = root
    for part in path.split("."):
        target = getattr(target, part)
    return target


def key_sequences(shortcut: Shortcut) -> list[QKeySequence]:
    """Every key sequence a shortcut stands for, the first one the one shown."""
    found: list[QKeySequence] = []
    for item in shortcut if isinstance(shortcut, tuple) else (shortcut,):
        if item is None:
            continue
        sequences = QKeySequence.keyBindings(item) if isinstance(item, Std) else [QKeySequence(item)]
        found += [seq for seq in sequences if not seq.isEmpty() and seq not in found]
    return found


def list_keys(table: tuple[ActionSpec, ...] = ACTIONS) -> dict[Qt.Key, str]:
    """{key: action name} for the paper list's single keys."""
    return {getattr(Qt.Key, f"Key_{key}"): spec.name for spec in table for key in spec.keys}


_KEY_WORDS = {"Slash": "/", "Return": "Enter"}


def keys_text(spec: ActionSpec) -> str:
    """"Space / r", "/ or Ctrl+F", "Ctrl+E": the keys of one action as the help writes them."""
    if spec.shown_keys:
        return spec.shown_keys
    single = [_KEY_WORDS.get(key, key.lower() if len(key) == 1 else key) for key in spec.keys]
    single = " / ".join(dict.fromkeys(single))
    bound = key_sequences(spec.shortcut)
    combo = bound[0].toString(QKeySequence.SequenceFormat.PortableText) if bound else ""
    return " or ".join(part for part in (single, combo) if part)


def help_text(spec: ActionSpec) -> str:
    return spec.help or spec.text.replace("&", "").removesuffix("…")


def shortcut_rows(table: tuple[ActionSpec, ...] = ACTIONS) -> tuple[tuple[str, str], ...]:
    """(keys, what they do) for every action with keys: the list's single keys first."""
    with_keys = [spec for spec in table if keys_text(spec)]
    single_first = sorted(with_keys, key=lambda spec: not (spec.keys or spec.shown_keys))
    return tuple((keys_text(spec), help_text(spec)) for spec in single_first)


def build_actions(window: QObject, iconed: list[tuple[Any, str]]) -> dict[str, QAction]:
    """One QAction per table entry, its handler resolved from the window (a typo fails here)."""
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for spec in ACTIONS:
        handler = resolve(window, spec.handler)
        if spec.provided:
            action = handler(spec.text)
        else:
            action = QAction(spec.text, window)
            if spec.keys and spec.shortcut is None and spec.menu:
                action.setText(f"{spec.text}\t{QKeySequence(spec.keys[0]).toString()}")
        sequences = key_sequences(spec.shortcut)
        if sequences:
            action.setShortcuts(sequences)
            window.addAction(action)  # works with the menu bar hidden too
        if spec.icon:
            action.setIcon(icons.icon(spec.icon))
            iconed.append((action, spec.icon))
        if spec.tooltip:
            action.setToolTip(spec.tooltip)
        if spec.group:
            action.setCheckable(True)
            groups.setdefault(spec.group, QActionGroup(window)).addAction(action)
        if spec.checkable and not spec.group:
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(handler)
        elif not spec.provided:
            action.triggered.connect(lambda _checked=False, h=handler, a=spec.args: h(*a))
        actions[spec.name] = action
    return actions


def build_menus(bar: QMenuBar, actions: dict[str, QAction], iconed: list[tuple[Any, str]]) -> dict[str, QMenu]:
    """The menu bar from the table, in its order; returns the menus by path ("paper/rate")."""
    menus = {name: bar.addMenu(title) for name, title in MENUS}
    for spec in ACTIONS:
        if spec.menu is None:
            continue
        if spec.menu not in menus:
            title, icon, separator = SUBMENUS[spec.menu]
            parent = menus[spec.menu.partition("/")[0]]
            if separator:
                parent.addSeparator()
            menus[spec.menu] = parent.addMenu(title)
            if icon:
                menus[spec.menu].menuAction().setIcon(icons.icon(icon))
                iconed.append((menus[spec.menu].menuAction(), icon))
        menu = menus[spec.menu]
        if spec.separator and menu.actions():
            menu.addSeparator()
        menu.addAction(actions[spec.name])
    return menus

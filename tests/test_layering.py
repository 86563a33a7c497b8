"""The core never imports Qt: only reader/gui/ may; store, ingest and watch never import the GUI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

READER = Path(__file__).resolve().parents[1] / "reader"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_outside_gui_imports_pyside6():
    offenders = []
    for path in READER.rglob("*.py"):
        if "gui" in path.relative_to(READER).parts:
            continue
        if any(name.split(".")[0] in {"PySide6", "shiboken6"} for name in _imported_modules(path)):
            offenders.append(str(path.relative_to(READER)))
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    core = [
        p.relative_to(READER.parent).with_suffix("").as_posix().replace("/", ".")
        for p in READER.rglob("*.py")
        if "gui" not in p.relative_to(READER).parts and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(core)!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=READER.parent, check=True
    )
    assert out.stdout.strip() == "[]"


def test_ingest_and_watch_never_import_the_gui():
    """The app wraps them (worker, watcher bridge); they know nothing of it."""
    offenders = []
    for package in ("ingest", "watch"):
        for path in (READER / package).rglob("*.py"):
            names = _imported_modules(path)
            if any(name == "reader.gui" or name.startswith("reader.gui.") for name in names):
                offenders.append(str(path.relative_to(READER)))
    assert offenders == []


# Packages below the GUI. ingest and watch are being split out of importer.py and
# watcher.py: until one exists, there is nothing of it to check.
CORE_PACKAGES = ("store", "ingest", "watch")


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_packages_never_import_the_gui_or_qt(package):
    folder = READER / package
    if not folder.is_dir():
        pytest.skip(f"reader/{package}/ does not exist yet")
    offenders = []
    for path in folder.rglob("*.py"):
        for name in _imported_modules(path):
            if name.split(".")[0] in {"PySide6", "shiboken6"} or name == "reader.gui" \
                    or name.startswith("reader.gui."):
                offenders.append(f"{path.relative_to(READER)}: {name}")
    assert offenders == []


def test_the_store_imports_nothing_above_it():
    """The store is the bottom layer: only the models and config may come from elsewhere in reader,
    and reader.exchange's pure citation helpers (keys made when a paper is stored, issue 14),
    which know nothing of the store."""
    allowed = {"reader.models", "reader.config", "reader.exchange.keys", "reader.exchange.records"}
    offenders = []
    for path in (READER / "store").rglob("*.py"):
        for name in _imported_modules(path):
            if name.startswith("reader.") and not name.startswith("reader.store") and name not in allowed:
                offenders.append(f"{path.relative_to(READER)}: {name}")
    assert offenders == []


# Each layer may import only the layers listed below it (ast-level, lazy imports included).
LAYERS = {
    "models": set(),
    "config": set(),
    "ids": set(),
    "limits": {"models"},
    "textsafe": set(),
    "exchange": {"models", "ids"},
    "parsers": {"models", "ids", "limits", "exchange"},
    "enrich": {"models", "ids", "config", "store"},  # its job runs over the library
    "store": {"models", "config", "exchange"},
    "render": set(),
}


def _package_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "reader" else None


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(layer):
    paths = list((READER / layer).rglob("*.py")) if (READER / layer).is_dir() else [READER / f"{layer}.py"]
    offenders = []
    for path in paths:
        for name in _imported_modules(path):
            package = _package_of(name)
            if package and package != layer and package not in LAYERS[layer] and package != "__version__":
                offenders.append(f"{path.relative_to(READER)} imports {name}")
    assert offenders == []

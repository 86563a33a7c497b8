"""The core never imports Qt: only reader/gui/ may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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

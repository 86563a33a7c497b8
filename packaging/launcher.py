"""PyInstaller entry point: run Digest Reader's real main() (CLI, or the GUI without arguments)."""

from __future__ import annotations

import sys

from reader.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

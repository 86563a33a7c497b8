"""PyInstaller entry point: run Digest Reader's real main() (CLI, or the GUI without arguments)."""

from __future__ import annotations

import multiprocessing
import sys

from reader.__main__ import main

if __name__ == "__main__":
    # The Markdown renderer is a spawned copy of this program: run it, not the app, there.
    multiprocessing.freeze_support()
    sys.exit(main())

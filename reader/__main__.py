"""Entry point of `python -m reader` and of the `digest-reader` command."""

from __future__ import annotations

import sys


def main() -> int:
    """Run the command line (the desktop app when no command is given)."""
    from reader.cli import main as cli_main, setup_process

    setup_process()
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

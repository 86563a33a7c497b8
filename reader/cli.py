"""The `digest-reader` command line: import digests, search, tag, rate, export, watch."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from reader import __version__, config
from reader import cli_enrich, cli_exchange
from reader.cli_output import (
    fit,
    listed_digest,
    listed_paper,
    local_time,
    paper_text,
    print_import_table,
    print_json,
    print_paper_table,
    shown_paper,
    import_row,
    terminal_width,
)
from reader.textsafe import one_line

if TYPE_CHECKING:
    from reader.store import Library, PaperDetail

PROG = "digest-reader"
SORT_KEYS = ("added", "published", "title", "rating", "author", "seen")
# Progress lines only pay off when an import takes a while.
PROGRESS_MIN_FILES = 5
MAX_NUMBER = 2**63 - 1  # SQLite's largest integer

EPILOG = """\
examples:
  digest-reader                                 open the desktop app
  digest-reader import ~/Downloads/digest.md    import one digest (or a folder of them)
  digest-reader import refs.bib                 bring in an existing BibTeX reading list
  digest-reader list is:unread tag:llm          unread papers tagged "llm"
  digest-reader list "diffusion model" --sort published --limit 20
  digest-reader show 42                         everything about paper 42
  digest-reader tag 42 toread llm               add tags
  digest-reader rate 42 5                       rate 1-5 (0 clears)
  digest-reader read 42 43 44                   mark as read
  digest-reader note 42 --text "compare with #17"
  digest-reader export 'rating:>=4' --format bibtex -o best.bib
  digest-reader --json list year:2024 | jq '.[].title'
  digest-reader watch                           import new files in the watched folder

A query that starts with "-" goes after "--":  digest-reader list -- -is:read
Environment: DIGEST_READER_LIBRARY (library folder), DIGEST_READER_WATCH (watched folder).
Exit codes: 0 ok, 1 some files failed to import, 2 usage or library error.
"""


class UserError(Exception):
    """A mistake the user can fix; main() prints it as one line and exits 2."""


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage mistake in one line, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


# ------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for every subcommand."""
    parser = _ArgumentParser(
        prog=PROG,
        description="Digest Reader: a reading list built from the paper digests you receive.\n"
        "Without a command, the desktop app opens.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--library", metavar="DIR", type=Path,
        help="library folder (default: $DIGEST_READER_LIBRARY or the user data folder)",
    )
    parser.add_argument(
        "--watch", metavar="DIR", type=Path,
        help="watched folder (default: the library's setting, else $DIGEST_READER_WATCH or ~/Digests)",
    )
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    # On each subcommand too, so `list --json` works; SUPPRESS keeps a global --json.
    common = _ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    _add_import(commands, common)
    _add_list(commands, common)
    _add_show(commands, common)
    _add_user_state(commands, common)
    _add_digests(commands, common)
    cli_exchange.add_export(commands, common, _command, _add_query_options)
    cli_exchange.add_key(commands, common, _command, _paper_id)
    cli_enrich.add_commands(commands, common, _command)
    _add_watch(commands, common)
    return parser


def _command(commands, common, name: str, help_text: str, epilog: str | None = None):
    return commands.add_parser(
        name, parents=[common], help=help_text, description=help_text, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _add_import(commands, common) -> None:
    command = _command(
        commands, common, "import", "import digest files or folders of them (recursively)",
        "examples:\n  digest-reader import digest.md\n  digest-reader import ~/Digests refs.bib",
    )
    command.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    command.add_argument("--no-fetch", action="store_true", help=NO_FETCH_HELP)


def _add_query_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("query", nargs="*", metavar="QUERY", help="search, e.g. tag:llm is:unread")
    command.add_argument("--sort", choices=SORT_KEYS, default="added", help="sort key (default: added)")
    command.add_argument("--asc", action="store_true", help="ascending order (default: descending)")
    command.add_argument("--limit", type=_positive_int, metavar="N", help="at most N papers")


def _add_list(commands, common) -> None:
    command = _command(
        commands, common, "list", "list papers matching a query (all papers without one)",
        "examples:\n  digest-reader list is:unread\n  digest-reader list author:hinton 'year:>=2023' --sort published"
        "\n  digest-reader list -- -tag:skip",
    )
    _add_query_options(command)


def _add_show(commands, common) -> None:
    command = _command(commands, common, "show", "show one paper with every digest that mentioned it")
    command.add_argument("id", type=_paper_id, metavar="ID", help="paper id, as `list` shows it")


def _add_user_state(commands, common) -> None:
    for name, help_text in (("tag", "add tags to a paper"), ("untag", "remove tags from a paper")):
        command = _command(commands, common, name, help_text, f"example:\n  digest-reader {name} 42 toread llm")
        command.add_argument("id", type=_paper_id, metavar="ID", help="paper id, as `list` shows it")
        command.add_argument("tags", nargs="+", metavar="TAG")
    rate = _command(commands, common, "rate", "rate a paper from 1 to 5 stars; 0 clears the rating")
    rate.add_argument("id", type=_paper_id, metavar="ID", help="paper id, as `list` shows it")
    rate.add_argument("rating", type=int, metavar="N")
    for name, help_text in (
        ("read", "mark papers as read"), ("unread", "mark papers as unread"),
        ("archive", "hide papers from every list (`list is:archived` still shows them)"),
        ("unarchive", "bring archived papers back into the lists"),
        ("delete", "delete papers with their sightings, tags, rating and note (no undo)"),
    ):
        command = _command(commands, common, name, help_text)
        command.add_argument("ids", nargs="+", type=_paper_id, metavar="ID", help="paper ids")
    note = _command(
        commands, common, "note", "set a paper's note (an empty text clears it)",
        "examples:\n  digest-reader note 42 --text 'see section 4'\n  digest-reader note 42 --file notes.md"
        "\n  pbpaste | digest-reader note 42 --file -",
    )
    note.add_argument("id", type=_paper_id, metavar="ID", help="paper id, as `list` shows it")
    source = note.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", metavar="T", help="the note text")
    source.add_argument("--file", metavar="F", help="read the note from file F ('-' for stdin)")


def _add_digests(commands, common) -> None:
    _command(commands, common, "digests", "list imported digest files and their status")


def _add_watch(commands, common) -> None:
    command = _command(
        commands, common, "watch",
        "watch the folder without the app: import digests as they arrive (Ctrl+C stops)",
    )
    command.add_argument("--no-fetch", action="store_true", help=NO_FETCH_HELP)


NO_FETCH_HELP = "fetch no details for the new papers, even when `enrich --setting automatic` asks to"


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, not {value}")
    return value


def _paper_id(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"a paper id is a positive number, not {value}")
    return value


def _whole_number(text: str) -> int:
    """A whole number SQLite can store (up to 2**63 - 1): larger ones are a mistake."""
    digits = text.strip().lstrip("+-")
    if not digits.isdigit() or not digits.isascii():
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}")
    if len(digits) > len(str(MAX_NUMBER)) or abs(int(text)) > MAX_NUMBER:
        raise argparse.ArgumentTypeError(f"{fit(text.strip(), 24)} is too large a number")
    return int(text)


# ------------------------------------------------------------------- running


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    files = _files_to_open(argv)
    if files:
        # `digest-reader FILE...` (a desktop "Open with"): the app opens and imports them.
        argv = [arg for arg in argv if arg not in files]
    args = parser.parse_args(argv)
    args.open_files = [Path(name) for name in files]
    missing = [name for name in files if not Path(name).exists()]
    if missing:
        return _fail(f"no such file: {missing[0]}")
    # Imported here, not at the top: --help and --version stay instant.
    from reader.store import LibraryError, QueryError
    from reader.store.lock import LibraryLocked

    try:
        return _run(args)
    except (UserError, LibraryError, LibraryLocked, QueryError) as error:
        return _fail(str(error))
    except sqlite3.Error as error:
        return _fail(f"the library database cannot be used: {error}")
    except OSError as error:
        return _fail(_describe_os_error(error))
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command is None:
        return run_gui(args)
    args.library = _library_folder(args)
    try:
        return COMMAND_HANDLERS[args.command](args)
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _describe_os_error(error: OSError) -> str:
    if error.filename is not None:
        return f"{error.strerror or error}: {error.filename}"
    return str(error)


def setup_process() -> None:
    """Process-wide set-up for the real command (not for callers of main() in-process)."""
    _replace_unprintable_output()
    _log_without_tracebacks()


def _replace_unprintable_output() -> None:
    """A terminal that cannot show ★ or a title's script gets '?' rather than a crash."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")


class _OneLineFormatter(logging.Formatter):
    """Log records as one line each: the import result already says what failed."""

    def formatException(self, exc_info) -> str:  # noqa: N802 (logging's name)
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""


def _log_without_tracebacks() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter(f"{PROG}: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


def _library_folder(args: argparse.Namespace) -> Path:
    folder = (args.library or config.default_library_dir()).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def open_library(folder: Path) -> Iterator[Library]:
    """The library. Commands never take the app's single-writer lock: their writes are
    short transactions that SQLite's own locking (with a busy timeout) serialises with a
    running app or `watch`, so a user can tag from a terminal while the app is open."""
    from reader.store import Library

    with Library(folder) as library:
        yield library


# ------------------------------------------------------------------- commands


def _files_to_open(argv: list[str]) -> list[str]:
    """The positional arguments when the first one is not a command: files for the app."""
    takes_value = {"--library", "--watch"}
    positionals, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            positionals.append(arg)
    # A mistyped command ("lst") still gets argparse's "invalid choice"; a path does not.
    first = positionals[0] if positionals else ""
    if first and first not in COMMAND_NAMES and (Path(first).exists() or "/" in first or "." in first):
        return positionals
    return []


def run_gui(args: argparse.Namespace) -> int:
    try:
        from reader.gui.app import run  # Qt loads only for the app, never for subcommands
    except ImportError as error:
        print(f"{PROG}: error: the desktop app is not available: {error}", file=sys.stderr)
        return 1
    # None for an option not given: the app then honours the folders chosen in its Settings.
    library = args.library.expanduser() if args.library else None
    watch = args.watch.expanduser() if args.watch else None
    return run(library, watch, [path.resolve() for path in args.open_files])


def cmd_watch(args: argparse.Namespace) -> int:
    try:
        from reader.cli_watch import run_headless
    except ImportError as error:
        print(f"{PROG}: error: the folder watcher is not available: {error}", file=sys.stderr)
        return 1
    # None lets the watcher use the library's saved folder, else the default one.
    return run_headless(
        args.library, args.watch.expanduser() if args.watch else None, json_lines=args.json,
        fetch=not args.no_fetch,
    )


def cmd_import(args: argparse.Namespace) -> int:
    from reader.ingest import import_paths, is_ignored

    missing = [path for path in args.paths if not path.exists()]
    if missing:
        raise UserError(f"no such file or folder: {missing[0]}")
    for path in args.paths:
        if path.is_file() and is_ignored(path):
            print(f"{PROG}: skipped {path}: hidden, temporary and system files are not imported", file=sys.stderr)
    with open_library(args.library) as library:
        before = None if args.no_fetch else cli_enrich.newest_paper_id(library)
        results = import_paths(library, list(args.paths), progress=_progress_printer())
        rows = [import_row(result) for result in results]
        if args.json:
            print_json(rows)
        else:
            print_import_table(results)
        # A failed fetch leaves the exit code to the import: the papers wait for `enrich`.
        fetched = cli_enrich.fetch_after_import(library, before) if before is not None else None
    cli_enrich.print_fetched(fetched, args.json)
    return 1 if any(row["status"] == "failed" for row in rows) else 0


def _progress_printer() -> Callable[[int, int, Any], None] | None:
    """A progress callback drawing one updating stderr line, or None off a terminal."""
    if not sys.stderr.isatty():
        return None

    def progress(done: int, total: int, result: Any) -> None:
        if total < PROGRESS_MIN_FILES:
            return
        if done >= total:  # the table follows: leave no progress line behind
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)
            return
        line = fit(f"[{done}/{total}] {one_line(Path(result.file).name)}", terminal_width() - 1)
        print(f"\r\x1b[K{line}", end="", file=sys.stderr, flush=True)

    return progress


def cmd_list(args: argparse.Namespace) -> int:
    with open_library(args.library) as library:
        papers = query_papers(library, args)
    listed = [listed_paper(paper) for paper in papers]
    if args.json:
        print_json(listed)
    else:
        print_paper_table(listed)
    return 0


def query_papers(library: Library, args: argparse.Namespace) -> list[PaperDetail]:
    """list_papers for the command's QUERY words, sort, direction and limit."""
    return library.list_papers(
        " ".join(args.query), sort=args.sort, descending=not args.asc, limit=args.limit
    )


def cmd_show(args: argparse.Namespace) -> int:
    with open_library(args.library) as library:
        paper = library.get_paper(args.id)
    if args.json:
        print_json(shown_paper(paper))
    else:
        print(paper_text(paper))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    tags = [tag.strip() for tag in args.tags]
    if not all(tags):
        raise UserError("a tag cannot be empty")
    with open_library(args.library) as library:
        if args.command == "tag":
            library.add_tags([args.id], tags)
        else:
            library.remove_tags([args.id], tags)
        return _report_paper(library, args)


def cmd_rate(args: argparse.Namespace) -> int:
    with open_library(args.library) as library:
        library.set_rating([args.id], args.rating)
        return _report_paper(library, args)


def cmd_read(args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.ids))
    with open_library(args.library) as library:
        if args.command in ("archive", "unarchive"):
            library.archive_papers(ids, args.command == "archive")
        else:
            library.set_read(ids, args.command == "read")
        papers = [listed_paper(library.get_paper(paper_id)) for paper_id in ids]
    if args.json:
        print_json(papers)
    else:
        print_paper_table(papers)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(args.ids))
    with open_library(args.library) as library:
        library.delete_papers(ids)
    if args.json:
        print_json({"deleted": ids})
    else:
        print(f"deleted {len(ids)} paper{'s' if len(ids) != 1 else ''}: {' '.join(map(str, ids))}")
    return 0


def cmd_note(args: argparse.Namespace) -> int:
    text = args.text if args.text is not None else _read_note_file(args.file)
    with open_library(args.library) as library:
        library.set_note(args.id, text)
        return _report_paper(library, args)


def _read_note_file(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name).expanduser()
    if not path.is_file():
        raise UserError(f"no such file: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None


def _report_paper(library: Library, args: argparse.Namespace) -> int:
    paper = listed_paper(library.get_paper(args.id))
    if args.json:
        print_json(paper)
    else:
        print_paper_table([paper])
    return 0


def cmd_digests(args: argparse.Namespace) -> int:
    with open_library(args.library) as library:
        digests = [listed_digest(digest) for digest in library.digests()]
    if args.json:
        print_json(digests)
        return 0
    if not digests:
        print("no digests imported yet", file=sys.stderr)
    for digest in digests:
        when = local_time(digest["imported_at"])
        line = (
            f"{digest['status']:<9} {when:<16} {digest['entries'] or 0:>4}"
            f" {one_line(digest['format'] or '-'):<12} {one_line(digest['file'])}"
        )
        print(line)
        if digest["error"]:
            print(f"          {one_line(digest['error'])}")
    return 0


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file, so a failure never leaves half an export behind."""
    if not path.parent.is_dir():
        raise UserError(f"no such folder: {path.parent}")
    if path.is_dir():
        raise UserError(f"{path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        # Replacing a FIFO or a device node with a regular file would break whatever uses it.
        raise UserError(f"{path} is not a regular file (a pipe or a device); give a file name")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


# ------------------------------------------------------------------- text layout


# Every subcommand and what runs it; also how `digest-reader FILE...` tells files from commands.
COMMAND_HANDLERS = {
    "import": cmd_import, "list": cmd_list, "show": cmd_show,
    "tag": cmd_tag, "untag": cmd_tag, "rate": cmd_rate, "read": cmd_read, "unread": cmd_read,
    "note": cmd_note, "digests": cmd_digests, "export": cli_exchange.cmd_export, "watch": cmd_watch,
    "key": cli_exchange.cmd_key,
    "archive": cmd_read, "unarchive": cmd_read, "delete": cmd_delete,
    **cli_enrich.HANDLERS,
}
COMMAND_NAMES = frozenset(COMMAND_HANDLERS)

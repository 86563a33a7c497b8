"""The exchange commands: `export` (BibTeX, RIS, CSL-JSON, JSON backup, CSV, Markdown) and `key`."""

from __future__ import annotations

import argparse
import sys

from reader.export import FORMATS, format_for


def add_export(commands, common, command_factory, add_query_options) -> None:
    command = command_factory(
        commands, common, "export", "export papers matching a query (all without one)",
        "examples:\n  digest-reader export --format bibtex -o reading.bib\n"
        "  digest-reader export tag:thesis --with-state -o thesis.bib   (tags, read, rating, note, files)\n"
        "  digest-reader export -o library.json        a full backup: `digest-reader import` restores it\n"
        "  digest-reader export is:unread --format markdown > todo.md",
    )
    add_query_options(command)
    command.add_argument(
        "--format", choices=FORMATS,
        help="bibtex, ris, csl-json, json (a full backup), csv or markdown"
        " (default: from the -o file's extension)",
    )
    command.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    command.add_argument(
        "--with-state", action="store_true",
        help="BibTeX, RIS and CSL-JSON also carry your tags, read status, rating, note and file links",
    )


def add_key(commands, common, command_factory, paper_id) -> None:
    command = command_factory(
        commands, common, "key", "show a paper's citation key, or change it",
        "examples:\n  digest-reader key 42\n  digest-reader key 42 vaswani2017attention",
    )
    command.add_argument("id", type=paper_id, metavar="ID", help="paper id, as `list` shows it")
    command.add_argument("key", nargs="?", metavar="KEY", help="the new key (unique in the library)")


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reader.cli import UserError, open_library, print_json, query_papers, write_atomically
    from reader.export import export

    output = Path(args.output).expanduser() if args.output else None
    fmt = args.format or (format_for(output.name) if output else None)
    if fmt is None:
        raise UserError(f"choose a format with --format {'|'.join(FORMATS)}")
    with open_library(args.library) as library:
        papers = query_papers(library, args)
        digests = library.digests() if fmt == "json" else ()
        text = export(papers, fmt, with_state=args.with_state, digests=digests)
    if output is None:
        sys.stdout.write(text)
        return 0
    write_atomically(output, text)
    if args.json:
        print_json({"file": str(args.output), "format": fmt, "papers": len(papers)})
    else:
        print(f"exported {len(papers)} paper{'s' if len(papers) != 1 else ''} to {args.output} ({fmt})")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from reader.cli import open_library, print_json
    from reader.textsafe import one_line

    with open_library(args.library) as library:
        key = library.get_paper(args.id).citation_key
        if args.key is not None:
            key = library.set_citation_key(args.id, args.key)
    if args.json:
        print_json({"id": args.id, "citation_key": key})
    else:
        print(one_line(key or ""))
    return 0

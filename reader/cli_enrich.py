"""The enrichment commands: `add` (papers by identifier) and `enrich` (details from arXiv and Crossref)."""

from __future__ import annotations

import argparse
import sys

# reader.enrich.job.FETCH_CHOICES, written out: importing the job loads lxml, and --help stays instant.
SETTING_CHOICES = ("off", "ask", "automatic")

ADD_EPILOG = """\
examples:
  digest-reader add 2401.00001 arXiv:hep-th/9901001
  digest-reader add https://arxiv.org/abs/2401.00001v2 https://huggingface.co/papers/2401.00001
  digest-reader add 10.1038/s41586-020-2649-2 https://doi.org/10.1038/s41586-020-2649-2

The paper's details come from arXiv (ids, arxiv.org, Hugging Face and alphaXiv URLs) or
Crossref (DOIs). A service that fails is told on standard error as it is tried again (a host
that cannot be reached: three tries in about 3 s). Exit code 1 when a paper could not be added.
Environment: DIGEST_READER_API_TIMEOUT (seconds to wait for an answer; default 10 here)."""

ENRICH_EPILOG = """\
examples:
  digest-reader enrich                 every paper never completed, and the unresolved again
  digest-reader enrich year:2024 --json
  digest-reader enrich --mailto me@example.org    (remembered; Crossref's polite pool)
  digest-reader enrich --setting automatic        what the app does after an import

arXiv is asked for papers with an arXiv id (100 per request) and for the titles of papers
without one (never by guess: an unsure match stays unresolved); Crossref for DOIs. Answers
are cached in the library. One request every 3 seconds, as arXiv asks.
Environment: DIGEST_READER_ARXIV_API, DIGEST_READER_CROSSREF_API (mirrors, tests),
DIGEST_READER_API_DELAY (seconds between requests; never below 3 for arxiv.org),
DIGEST_READER_API_TIMEOUT (seconds to wait for an answer; default 30), DIGEST_READER_MAILTO.
Exit code 1 when a request failed (the rest is kept for a later run)."""


def add_commands(commands, common, command_factory) -> None:
    add = command_factory(
        commands, common, "add",
        "add papers by arXiv id or URL, DOI or doi.org URL, Hugging Face or alphaXiv URL", ADD_EPILOG,
    )
    add.add_argument("identifiers", nargs="+", metavar="ID_OR_URL")
    enrich = command_factory(
        commands, common, "enrich",
        "fetch missing details (authors, dates, abstracts, ids) from arXiv and Crossref", ENRICH_EPILOG,
    )
    enrich.add_argument("query", nargs="*", metavar="QUERY", help="only the papers of this search")
    enrich.add_argument("--mailto", metavar="ADDRESS", help="your address for Crossref (remembered)")
    enrich.add_argument("--offline", action="store_true", help="apply what the cache knows, ask nothing")
    enrich.add_argument(
        "--setting", choices=SETTING_CHOICES,
        help="set what the app does when papers lack details (default ask), and fetch nothing",
    )


def cmd_add(args: argparse.Namespace) -> int:
    from reader.cli import open_library, print_json
    from reader.enrich.job import add_paper, library_clients
    from reader.textsafe import one_line

    results = []
    with open_library(args.library) as library:
        clients = library_clients(library, prompt=True)
        clients.http.on_retry = _tell_retry
        for text in args.identifiers:
            results.append(add_paper(library, text, clients=clients))
    if args.json:
        print_json([result.as_json() for result in results])
    for result in results if not args.json else ():
        if result.status == "failed":
            print(f"failed     {one_line(result.text)}: {one_line(result.error or '')}", file=sys.stderr)
        else:
            print(f"{result.status:<10} {result.paper_id:>5}  {one_line(result.identifier or '')}  "
                  f"{one_line(result.title or '')}")
    unfetched = [result for result in results if result.unfetched]
    if unfetched:
        added = "nothing was added" if len(unfetched) == len(results) else (
            f"{len(unfetched)} of {len(results)} were not added")
        print(f"digest-reader: error: {added}: {one_line(unfetched[0].error or '')}; try again later",
              file=sys.stderr)
    return 1 if any(result.status == "failed" for result in results) else 0


def _tell_retry(notice) -> None:  # noqa: ANN001  (reader.enrich.http.RetryNotice)
    """Say at once, not after half a minute of silence, that a service is failing."""
    from reader.textsafe import one_line

    print(f"digest-reader: error: {one_line(notice.problem)}; trying again in {notice.wait:g} s"
          f" (attempt {notice.attempt} of {notice.attempts})", file=sys.stderr, flush=True)


def cmd_enrich(args: argparse.Namespace) -> int:
    from reader.cli import open_library, print_json
    from reader.enrich.job import FETCH_SETTING, MAILTO_SETTING, enrich, library_clients

    with open_library(args.library) as library:
        if args.setting:
            library.set_setting(FETCH_SETTING, args.setting)
            print(f"fetch details for new imports: {args.setting}", file=sys.stderr)
            return 0
        if args.mailto is not None:
            library.set_setting(MAILTO_SETTING, args.mailto.strip() or None)
        search = " ".join(args.query) or None
        report = enrich(library, search, fetch=not args.offline, clients=library_clients(library),
                        progress=_progress())
        titles = {i: library.get_paper(i).title for i in report.unresolved} if not args.json else {}
    if args.json:
        print_json(report.as_json())
    else:
        _print_report(report, titles)
    if report.error:
        print(f"digest-reader: error: {report.error}; {len(report.failed)} papers were not fetched"
              " (nothing of them changed; run `digest-reader enrich` again later)", file=sys.stderr)
    return 1 if report.failed else 0


def _print_report(report, titles: dict[int, str]) -> None:  # noqa: ANN001
    from reader.cli_output import fit, terminal_width
    from reader.textsafe import one_line

    print(report.summary())
    if report.unresolved:
        print("unresolved (tried again by the next run):")
    for paper_id in report.unresolved:
        line = f"  {paper_id:>5}  {one_line(titles.get(paper_id, ''))}: {one_line(report.reasons.get(paper_id, ''))}"
        print(fit(line, terminal_width() - 1) if sys.stdout.isatty() else line)


def _progress():
    """One updating stderr line on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\r\x1b[K" if done >= total else ""
        print(f"\r\x1b[Kfetching details {done}/{total}…{end}", end="", file=sys.stderr, flush=True)

    return show


def newest_paper_id(library) -> int:  # noqa: ANN001
    """The largest paper id: the papers an import adds come after it."""
    return library.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]


def fetch_after_import(library, after: int, upto: int | None = None, cancel=None):  # noqa: ANN001
    """When the library's setting is "automatic" (the app's "Always for new imports"): fetch
    details for the papers added after paper `after` (up to `upto`). The report, or None."""
    from reader.config import fetch_setting

    if fetch_setting(library) != "automatic":
        return None
    new = [row[0] for row in library.conn.execute(
        "SELECT id FROM papers WHERE id > ? AND id <= ? ORDER BY id", (after, upto if upto is not None else 2**63 - 1))]
    if not new:
        return None
    from reader.enrich.job import enrich  # loads lxml: only when there is something to fetch

    return enrich(library, ids=new, cancel=cancel)


def print_fetched(report, json_out: bool) -> None:  # noqa: ANN001
    """What `import` fetched: a sentence (on stderr beside JSON, whose shape stays the list of files)."""
    if report is None:
        return
    print(report.summary(), file=sys.stderr if json_out else sys.stdout)
    if report.error:
        print(f"digest-reader: error: {report.error}; {len(report.failed)} papers were not fetched"
              " (run `digest-reader enrich` later)", file=sys.stderr)


HANDLERS = {"add": cmd_add, "enrich": cmd_enrich}

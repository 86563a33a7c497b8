"""`python -m bench.enrich`: fetching details for a library of id-only and title-only papers, the local part timed."""

from __future__ import annotations

import argparse
import http.server
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from xml.sax.saxutils import escape

from reader.models import Entry, Paper, ParsedDigest, Sighting

WORDS = ("sparse", "graph", "memory", "agent", "diffusion", "retrieval", "vision", "speech", "robust", "token")
ENTRY = """<entry><id>http://arxiv.org/abs/{id}v2</id><updated>2024-02-01T00:00:00Z</updated>
<published>2024-01-02T00:00:00Z</published><title>{title}</title><summary>An abstract of {id}.</summary>
<author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>
<link href="http://arxiv.org/abs/{id}v2" rel="alternate" type="text/html"/>
<link title="pdf" href="http://arxiv.org/pdf/{id}v2" rel="related" type="application/pdf"/>
<arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
<category term="cs.CL"/><category term="cs.LG"/></entry>
"""
FEED = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        '<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}'
        "</opensearch:totalResults>{entries}</feed>")


def title_of(number: int) -> str:
    """A distinct title per paper, made of words (arXiv's title search sees words only)."""
    words = [WORDS[(number // 10 ** k) % 10] for k in range(5)]
    return f"Learning {' '.join(words)} models {'x' * (1 + number % 7)}"


def arxiv_id(number: int) -> str:
    return f"24{1 + number // 90000 % 12:02d}.{1 + number % 90000:05d}"


class Answers:
    """What the fake arXiv knows: every paper of the library, by id and by normalized title.
    Every response body is kept, to time the XML parser alone on the same bytes."""

    def __init__(self, count: int) -> None:
        from reader.enrich.resolve import normalize_title

        self.by_id = {arxiv_id(n): title_of(n) for n in range(count)}
        self.by_title = {normalize_title(title): key for key, title in self.by_id.items()}
        self.bodies: list[bytes] = []

    def feed(self, query: dict[str, list[str]]) -> bytes:
        if "id_list" in query:
            ids = [re.sub(r"v\d+$", "", i) for i in query["id_list"][0].split(",")]
        else:
            phrases = re.findall(r'ti:"([^"]*)"', query.get("search_query", [""])[0])
            ids = [self.by_title[p] for p in phrases if p in self.by_title]
        entries = "".join(ENTRY.format(id=i, title=escape(self.by_id[i])) for i in ids if i in self.by_id)
        body = FEED.format(total=len(ids), entries=entries).encode()
        self.bodies.append(body)
        return body


def serve(answers: Answers) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = answers.feed(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="bench-fake-arxiv").start()
    return server


def build_library(folder: Path, count: int):  # noqa: ANN201
    """Half the papers known by their arXiv id alone, half by their title alone."""
    from reader.store import Library

    library = Library(folder)
    entries = [
        Entry(Paper(title=arxiv_id(n), arxiv_id=arxiv_id(n)) if n % 2 == 0 else Paper(title=title_of(n)),
              Sighting(position=n + 1))
        for n in range(count)
    ]
    library.store_digest(folder / "bench-digest.txt", "bench", ParsedDigest(format="bench", entries=entries))
    return library


def run(count: int) -> dict:
    from lxml import etree

    from reader.enrich.arxiv import parse_feed
    from reader.enrich.job import EnrichRun, make_clients

    answers = Answers(count)
    server = serve(answers)
    url = f"http://127.0.0.1:{server.server_address[1]}/api/query"
    environ = {"DIGEST_READER_ARXIV_API": url, "DIGEST_READER_CROSSREF_API": url, "DIGEST_READER_API_DELAY": "0"}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-enrich-") as tmp:
            library = build_library(Path(tmp), count)
            try:
                enrichment = EnrichRun(make_clients(environ=environ))
                started = time.perf_counter()
                batches = enrichment.plan(library)
                planned = time.perf_counter()
                fetched = [enrichment.fetch(batch) for batch in batches]
                asked = time.perf_counter()
                for result in fetched:
                    enrichment.apply(library, result)
                applied = time.perf_counter()
                lacking = library.enrichment.lacking_count()
            finally:
                library.close()
    finally:
        server.shutdown()
        server.server_close()
    report = enrichment.report
    started_parse = time.perf_counter()
    for body in answers.bodies:
        parse_feed(body)
    parsing = time.perf_counter() - started_parse
    started_xml = time.perf_counter()
    for body in answers.bodies:
        etree.fromstring(body)
    xml_alone = time.perf_counter() - started_xml
    local = (planned - started) + (applied - asked) + parsing
    return {
        "papers": count, "requests": report.requests, "updated": report.updated, "resolved": report.resolved,
        "unresolved": len(report.unresolved), "failed": len(report.failed), "lacking_after": lacking,
        "plan_s": planned - started, "apply_s": applied - asked, "parse_s": parsing,
        "requests_s": asked - planned, "xml_alone_s": xml_alone,
        "local_papers_per_s": count / local if local else 0.0,
        "local_ms_per_paper": 1000 * local / count if count else 0.0,
        "ratio_to_xml_alone": local / xml_alone if xml_alone else 0.0,
        "pacing_s_at_arxiv": 3.0 * report.requests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.enrich", description=__doc__)
    parser.add_argument("--papers", type=int, default=10_000, help="library size (default 10000: half ids, half titles)")
    args = parser.parse_args(argv)
    os.environ.pop("DIGEST_READER_MAILTO", None)
    figures = run(max(2, args.papers))
    print(f"enrichment of {figures['papers']:,} papers (half id-only, half title-only) against a local fake arXiv"
          " answering at once:")
    print(f"  local part (plan, Atom parsing, title resolution, merging, writing): {figures['local_papers_per_s']:,.0f}"
          f" papers/s, {figures['local_ms_per_paper']:.2f} ms per paper")
    print(f"    plan {figures['plan_s']:.2f} s, parse {figures['parse_s']:.2f} s, apply {figures['apply_s']:.2f} s;"
          f" {figures['ratio_to_xml_alone']:.1f}x the time lxml alone takes to parse the same Atom"
          f" ({figures['xml_alone_s']:.2f} s)")
    print(f"  {figures['requests']} requests took {figures['requests_s']:.2f} s here (HTTP to localhost and parsing);"
          " excluded: the network, and arXiv's pacing of one request per 3 s, which would add"
          f" {figures['pacing_s_at_arxiv']:,.0f} s against export.arxiv.org")
    print(f"  {figures['updated']:,} updated, {figures['resolved']:,} found by title, {figures['unresolved']} unresolved,"
          f" {figures['failed']} failed, {figures['lacking_after']} still lacking details")
    return 0 if not figures["failed"] and not figures["unresolved"] else 1


if __name__ == "__main__":
    sys.exit(main())

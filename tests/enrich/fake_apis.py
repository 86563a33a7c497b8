"""A handler for the scripted server that answers like arXiv and Crossref from a set of known papers."""

from __future__ import annotations

import re
import urllib.parse
from xml.sax.saxutils import escape

from enrich_canned import crossref_work, entry, feed
from enrich_server import Reply, ScriptedServer, Seen

from reader.enrich.resolve import normalize_title


class FakeApis:
    """arXiv's id_list and ti:"…" searches, and Crossref's /works/{doi}, over known papers.

    `papers` maps an arXiv id to entry() keywords (title required); `works` a DOI to
    crossref_work() overrides. Every question asked is kept in `asked`."""

    def __init__(self, papers: dict[str, dict] | None = None, works: dict[str, dict] | None = None) -> None:
        self.papers = papers or {}
        self.works = {doi.lower(): (doi, fields) for doi, fields in (works or {}).items()}
        self.asked: list[Seen] = []

    def __call__(self, seen: Seen) -> Reply:
        self.asked.append(seen)
        if seen.path.startswith("/works/"):
            doi = urllib.parse.unquote(seen.path[len("/works/"):])
            if doi.lower() not in self.works:
                return Reply(404, b"Resource not found.")
            original, fields = self.works[doi.lower()]
            return Reply(200, crossref_work(original, **fields), {"Content-Type": "application/json"})
        entries = []
        if "id_list" in seen.query:
            for asked in seen.query["id_list"][0].split(","):
                base = re.sub(r"v\d+$", "", asked)
                if base in self.papers:
                    entries.append(self._entry(base))
        elif "search_query" in seen.query:
            phrases = re.findall(r'ti:"([^"]*)"', seen.query["search_query"][0])
            for arxiv_id, fields in self.papers.items():
                title = f" {normalize_title(fields['title'])} "
                if any(f" {phrase} " in title for phrase in phrases):
                    entries.append(self._entry(arxiv_id))
        return Reply(200, feed(*entries), {"Content-Type": "application/atom+xml"})

    def _entry(self, arxiv_id: str) -> str:
        fields = dict(self.papers[arxiv_id])
        if "authors" in fields:
            fields["authors"] = tuple(escape(name) for name in fields["authors"])
        return entry(arxiv_id, escape(fields.pop("title")), **fields)

    def count(self, kind: str) -> int:
        """How many questions of a kind ("id_list", "search_query", "works") were asked."""
        if kind == "works":
            return sum(seen.path.startswith("/works/") for seen in self.asked)
        return sum(kind in seen.query for seen in self.asked)


def serve(apis: FakeApis) -> ScriptedServer:
    """A started server answering with `apis`; stop() it when done."""
    server = ScriptedServer()
    server.handler = apis
    return server.start()


def environment(server: ScriptedServer) -> dict[str, str]:
    """The variables that point a run (or a `digest-reader` process) at the server, with no delay."""
    return {
        "DIGEST_READER_ARXIV_API": server.url + "/api/query",
        "DIGEST_READER_CROSSREF_API": server.url,
        "DIGEST_READER_API_DELAY": "0",
    }

"""The Crossref client against a local server answering like /works/{doi}."""

from __future__ import annotations

import urllib.parse

import pytest
from enrich_canned import crossref_work
from enrich_server import Reply

from reader.enrich.crossref import CrossrefClient, CrossrefRecord, date_parts_to_iso, strip_markup
from reader.enrich.http import BadResponse, FetchError, HttpClient, RateLimiter


def api(server, client, **kwargs) -> CrossrefClient:
    return CrossrefClient(client, server.url + "/", delay=0, **kwargs)


def test_a_work_becomes_a_typed_record(server, client):
    server.script = [Reply(200, crossref_work("10.1038/s41586-020-2649-2"),
                           {"Content-Type": "application/json"})]
    record = api(server, client, mailto="me@example.org").fetch_doi("10.1038/s41586-020-2649-2")
    assert record == CrossrefRecord(
        doi="10.1038/s41586-020-2649-2", title="Deep learning for everything",
        authors=["Grace Hopper", "Edsger W. Dijkstra", "The Example Consortium"],
        container_title="Nature", published="2020-10", volume="586", issue="7829", pages="123-127",
        type="journal-article", url="https://doi.org/10.1038/s41586-020-2649-2",
        abstract="First paragraph & more.\n\nSecond paragraph.",
    )
    seen = server.requests[0]
    assert seen.path == "/works/10.1038/s41586-020-2649-2"
    assert seen.query == {"mailto": ["me@example.org"]}
    assert seen.headers["accept"] == "application/json"


def test_without_mailto_no_mailto_is_sent(server, client):
    server.script = [Reply(200, crossref_work("10.1000/a"))]
    api(server, client).fetch_doi("10.1000/a")
    assert server.requests[0].query == {}


def test_query_characters_in_a_doi_stay_in_the_path(server, client):
    doi = "10.1002/(SICI)1097-4636(199606)31:2<233::AID-JBM11>3.0.CO;2-?#x"
    server.script = [Reply(200, crossref_work(doi))]
    assert api(server, client).fetch_doi(doi).doi == doi
    seen = server.requests[0]
    assert urllib.parse.unquote(seen.path) == f"/works/{doi}" and seen.query == {}


def test_an_unknown_doi_is_none(server, client):
    server.script = [Reply(404, b"Resource not found.", {"Content-Type": "text/plain"})]
    assert api(server, client).fetch_doi("10.1000/nothing") is None


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"status": "ok"}', b'{"message": {"title": []}}',
                                  b"[1, 2]", b"\xff\xfe"])
def test_garbage_is_a_bad_response(server, client, body):
    server.script = [Reply(200, body)]
    with pytest.raises(BadResponse):
        api(server, client).fetch_doi("10.1000/a")


def test_server_errors_are_retried_then_reported(server, clock):
    http = HttpClient(retries=1, rate_limiter=RateLimiter(clock=clock), clock=clock)
    server.handler = lambda seen: Reply(500, b"oops")
    with pytest.raises(FetchError, match="HTTP 500"):
        CrossrefClient(http, server.url, delay=0).fetch_doi("10.1000/a")
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"date-parts": [[2020, 5, 14]]}, "2020-05-14"),
        ({"date-parts": [[2020, 5]]}, "2020-05"),
        ({"date-parts": [[2020]]}, "2020"),
        ({"date-parts": [["2020", "5"]]}, "2020-05"),
        ({"date-parts": [[None]]}, None),
        ({"date-parts": [[]]}, None),
        ({"date-parts": [[2020, 13, 1]]}, "2020"),
        ({}, None),
        (None, None),
    ],
)
def test_date_parts_keep_their_precision(value, expected):
    assert date_parts_to_iso(value) == expected


def test_an_unknown_published_date_falls_back_to_the_next_date_field(server, client):
    server.script = [Reply(200, crossref_work("10.1000/a", published={"date-parts": [[None]]},
                                              issued={"date-parts": [[2019]]}))]
    assert api(server, client).fetch_doi("10.1000/a").published == "2019"


def test_jats_markup_is_stripped():
    assert strip_markup("<jats:sec><jats:title>Background</jats:title><jats:p>A &lt; B"
                        "<jats:sup>2</jats:sup></jats:p></jats:sec>") == "A < B2"
    assert strip_markup("") is None

"""The arXiv client against a local server answering like the Atom API: ids, batches, searches, hostile XML."""

from __future__ import annotations

import time

import pytest
from enrich_canned import ENTITY_BOMB, ERROR_FEED, entry, external_dtd, external_entity, feed
from enrich_server import Reply
from lxml import etree

from reader.enrich import arxiv as arxiv_module
from reader.enrich.arxiv import (
    ARXIV_MIN_INTERVAL,
    DEFAULT_ARXIV_API,
    ArxivApiError,
    ArxivClient,
    ArxivRecord,
    parse_feed,
    search_phrase,
)
from reader.enrich.http import BadResponse, FetchError, HttpClient, RateLimiter


def api(server, client, **kwargs) -> ArxivClient:
    return ArxivClient(client, server.url + "/api/query", delay=kwargs.pop("delay", 0), **kwargs)


def test_an_entry_becomes_a_typed_record(server, client):
    server.script = [Reply(200, feed(entry(
        "2401.00001", "Attention Is\n      All You Need", version=3, published="2023-12-29",
        updated="2024-01-03", primary="cs.LG", categories=("cs.LG", "cs.CL", "I.2.7"),
        doi="10.1000/xyz.123", journal_ref="J. Foo 1 (2024) 1-10",
    )))]
    lookup = api(server, client).fetch_ids(["2401.00001"])
    assert lookup.not_found == [] and lookup.invalid == []
    assert lookup.records["2401.00001"] == ArxivRecord(
        arxiv_id="2401.00001", version=3, title="Attention Is All You Need",
        authors=["Ada Lovelace", "Alan Turing"], abstract="We study things. Over two lines.",
        published="2023-12-29", updated="2024-01-03", primary_category="cs.LG",
        categories=["cs.LG", "cs.CL", "I.2.7"], doi="10.1000/xyz.123", journal_ref="J. Foo 1 (2024) 1-10",
        comment="12 pages, 3 figures", pdf_url="https://arxiv.org/pdf/2401.00001v3",
    )
    assert lookup.records["2401.00001"].abs_url == "https://arxiv.org/abs/2401.00001"
    seen = server.requests[0]
    assert seen.path == "/api/query"
    assert seen.query == {"id_list": ["2401.00001"], "start": ["0"], "max_results": ["1"]}
    assert seen.headers["accept"] == "application/atom+xml"


def test_old_style_ids_and_named_versions(server, client):
    server.script = [Reply(200, feed(entry("hep-th/9901001", "Old Paper", version=2),
                                     entry("2401.00002", "New Paper", version=1)))]
    lookup = api(server, client).fetch_ids(["hep-th/9901001", "arXiv:2401.00002v1"])
    assert set(lookup.records) == {"hep-th/9901001", "2401.00002"}
    assert lookup.records["hep-th/9901001"].version == 2
    assert server.requests[0].query["id_list"] == ["hep-th/9901001,2401.00002v1"]


def _echo_ids(seen):
    ids = seen.query["id_list"][0].split(",")
    # The server knows every id but the ones ending in 9: those it leaves out, as arXiv does.
    return Reply(200, feed(*(entry(i, f"Paper {i}") for i in ids if not i.endswith("9"))))


def test_ids_go_in_batches_of_100_one_request_per_interval(server, clock):
    http = HttpClient(rate_limiter=RateLimiter(clock=clock), clock=clock)
    server.handler = _echo_ids
    ids = [f"2401.{n:05d}" for n in range(250)]
    lookup = ArxivClient(http, server.url + "/api/query", delay=3.0).fetch_ids(ids + ids[:10])
    sizes = [len(s.query["id_list"][0].split(",")) for s in server.requests]
    assert sizes == [100, 100, 50]
    assert [s.query["max_results"] for s in server.requests] == [["100"], ["100"], ["50"]]
    assert clock.sleeps == [3.0, 3.0]
    assert len(lookup.records) == 225
    assert lookup.not_found == sorted(i for i in ids if i.endswith("9"))


def test_a_malformed_id_is_never_sent_so_it_cannot_spoil_its_batch(server, client):
    server.handler = _echo_ids
    lookup = api(server, client).fetch_ids(["2401.00001", "not-an-id", "1234.567"])
    assert lookup.invalid == ["not-an-id", "1234.567"]
    assert server.requests[0].query["id_list"] == ["2401.00001"]


def test_an_error_entry_is_an_api_error(server, client):
    server.script = [Reply(200, ERROR_FEED.encode())]
    with pytest.raises(ArxivApiError, match="incorrect id format for 1234.1234"):
        api(server, client).fetch_ids(["2401.00001"])


def test_the_arxiv_endpoint_is_never_asked_more_than_once_per_3_seconds():
    http = HttpClient()
    ArxivClient(http, DEFAULT_ARXIV_API, delay=0)
    assert http.rate_limiter.interval("export.arxiv.org") == ARXIV_MIN_INTERVAL
    ArxivClient(http, "http://mirror.example/api/query", delay=0.5)
    assert http.rate_limiter.interval("mirror.example") == 0.5


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"<html><body>Service Unavailable</body></html", b"<html><body>hi</body></html>",
     b'{"not": "xml"}', feed(entry("2401.00001", "Cut"))[:300]],
    ids=["empty", "blank", "broken-html", "html", "json", "cut-xml"],
)
def test_garbage_is_a_bad_response(server, client, body):
    server.script = [Reply(200, body)]
    with pytest.raises(BadResponse):
        api(server, client).fetch_ids(["2401.00001"])


def test_a_5xx_that_persists_is_a_fetch_error(server, client):
    server.handler = lambda seen: Reply(503, b"busy", {"Retry-After": "1"})
    with pytest.raises(FetchError, match="HTTP 503"):
        api(server, client).fetch_ids(["2401.00001"])


def test_an_entity_bomb_is_refused_without_expanding(server, client):
    server.script = [Reply(200, ENTITY_BOMB)]
    started = time.monotonic()
    with pytest.raises(BadResponse, match="DTD"):
        api(server, client).fetch_ids(["2401.00001"])
    assert time.monotonic() - started < 1.0


def test_the_parser_itself_leaves_entities_unexpanded():
    # Defence in depth: even before the DTD check, nothing is expanded.
    # Depending on libxml2's version it keeps the references as they are or refuses outright.
    try:
        root = etree.fromstring(ENTITY_BOMB, arxiv_module._parser())
    except etree.XMLSyntaxError:
        return
    title = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert "lol" not in "".join(title.itertext())
    assert len(etree.tostring(root)) < 2000


def test_an_external_entity_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = external_entity(secret.as_uri())
    with pytest.raises(BadResponse):
        parse_feed(data)
    root = etree.fromstring(data, arxiv_module._parser())
    assert b"TOP-SECRET" not in etree.tostring(root)


def test_an_external_dtd_or_entity_is_never_fetched(server):
    for data in (external_dtd(server.url + "/evil.dtd"), external_entity(server.url + "/evil.txt")):
        with pytest.raises(BadResponse):
            parse_feed(data)
        etree.fromstring(data, arxiv_module._parser())
    assert server.requests == []


@pytest.mark.parametrize("data", [ENTITY_BOMB, external_entity("file:///etc/passwd")], ids=["bomb", "xxe"])
def test_a_dtd_hidden_in_another_encoding_is_refused_too(data):
    utf16 = data.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    with pytest.raises(BadResponse):
        parse_feed(utf16.encode("utf-16"))


def test_total_results_is_read():
    assert parse_feed(feed(entry("2401.00001", "A"), total=57)).total_results == 57


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Attention Is All You Need", 'ti:"attention is all you need"'),
        ('The "Quoted": Title (with) AND/OR parts', 'ti:"the quoted title with and or parts"'),
        (r"$\alpha$-Nets for Caf\'e", 'ti:"α nets for cafe"'),
        ("!!!", ""),
    ],
)
def test_search_phrases_cannot_break_the_query(title, phrase):
    assert search_phrase(title) == phrase


def test_titles_are_searched_several_per_query_and_sorted_to_their_titles(server, clock):
    http = HttpClient(rate_limiter=RateLimiter(clock=clock), clock=clock)
    server.script = [
        Reply(200, feed(
            entry("2401.00001", "Attention Is All You Need"),
            entry("2401.00002", "Attention Is All You Need?"),
            entry("2402.00003", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
            entry("2402.00004", "Completely Unrelated Work on Graphs"),
            entry("2402.00005", "MEM1: Learning to Synergize Memory and Reasoning"),
        )),
        Reply(200, feed()),
    ]
    titles = ["Attention is all you need", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
              "MEM1", "A Paper arXiv Does Not Know About"]
    found = ArxivClient(http, server.url + "/api/query", delay=3.0, titles_per_query=3).search_titles(
        titles + titles[:1]
    )
    queries = [s.query["search_query"][0] for s in server.requests]
    assert queries == [
        'ti:"attention is all you need" OR ti:"mamba linear time sequence modeling with selective state spaces"'
        ' OR ti:"mem1"',
        'ti:"a paper arxiv does not know about"',
    ]
    assert server.requests[0].query["max_results"] == ["15"]
    assert clock.sleeps == [3.0]
    assert [r.arxiv_id for r in found[titles[0]]] == ["2401.00001", "2401.00002"]
    assert [r.arxiv_id for r in found[titles[1]]] == ["2402.00003"]
    assert [r.arxiv_id for r in found["MEM1"]] == ["2402.00005"]  # a phrase hit, kept to be named
    assert found[titles[3]] == []

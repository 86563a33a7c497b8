"""The enrichment job against a real local server answering like arXiv and Crossref: no internet."""

from __future__ import annotations

import threading

import pytest
from enrich_canned import feed
from enrich_server import Reply
from fake_apis import FakeApis, environment, serve

from paper_factory import digest, entry
from reader.enrich.http import HttpClient
from reader.enrich.job import FETCH_SETTING, add_paper, enrich, fetch_setting, make_clients

KNOWN = {
    "2401.00001": {"title": "Attention Is All You Need", "authors": ("Ada Lovelace", "Alan Turing"),
                   "published": "2024-01-02", "doi": "10.1000/j.1", "journal_ref": "J. Foo 1"},
    "2401.00002": {"title": "Memory Agents That Forget Well", "authors": ("Grace Hopper",), "published": "2024-01-03"},
    "2401.00003": {"title": "Diffusion for Everything", "published": "2024-01-04", "version": 3},
}


@pytest.fixture
def apis():
    fake = FakeApis(KNOWN, works={"10.5555/journal.7": {"title": ["A Journal Paper"]}})
    server = serve(fake)
    fake.server = server
    yield fake
    server.stop()


def clients(apis, **kwargs):
    return make_clients(environ=environment(apis.server), http=HttpClient(timeout=2, retries=1, backoff=0), **kwargs)


def seed(library, library_dir) -> dict[str, int]:
    library.store_digest(library_dir / "ids.txt", "1", digest(
        entry("attention is all you need", arxiv_id="2401.00001"),
        entry("Diffusion for everything", arxiv_id="2401.00003"),
        entry("Unknown to arXiv", arxiv_id="2401.09999"), date="2024-01-10",
    ))
    library.store_digest(library_dir / "daily.txt", "2", digest(
        entry("Memory agents that forget well"), entry("MEM1"), entry("A journal paper", doi="10.5555/journal.7"),
        date="2024-01-10",
    ))
    return {library.get_paper(i).title: i for i in library.paper_ids()}


def test_one_run_completes_ids_resolves_titles_asks_crossref_and_keeps_the_rest(library, library_dir, apis):
    ids = seed(library, library_dir)
    done = []
    report = enrich(library, clients=clients(apis), progress=lambda n, total: done.append((n, total)))
    shape = report.as_json()
    assert sorted(shape.pop("unresolved")) == sorted([ids["Unknown to arXiv"], ids["MEM1"]])
    assert shape == {"updated": 4, "resolved": 1, "merged": 0, "failed": []}
    paper = library.get_paper(ids["attention is all you need"])
    assert paper.authors == ["Ada Lovelace", "Alan Turing"] and paper.published == "2024-01-02"
    resolved = library.get_paper(ids["Memory agents that forget well"])
    assert resolved.arxiv_id == "2401.00002" and resolved.authors == ["Grace Hopper"]
    assert library.get_paper(ids["A journal paper"]).authors[0] == "Grace Hopper"  # from Crossref
    assert "no candidates" in report.reasons[ids["MEM1"]]
    # One id_list request for the three ids, one search for both titles, one Crossref work.
    assert (apis.count("id_list"), apis.count("search_query"), apis.count("works")) == (1, 1, 1)
    assert done[-1] == (6, 6)

    again = enrich(library, clients=clients(apis))  # the unresolved are tried again: from the cache
    assert sorted(again.unresolved) == sorted(report.unresolved) and again.requests == 0
    assert (apis.count("id_list"), apis.count("search_query")) == (1, 1)


def test_a_title_that_resolves_to_a_known_id_merges(library, library_dir, apis):
    library.store_digest(library_dir / "a.txt", "1", digest(entry("Memory Agents That Forget Well", arxiv_id="2401.00002")))
    library.store_digest(library_dir / "b.txt", "2", digest(entry("Memory Agénts that forget well")))
    library.set_rating(library.paper_ids(), 3)
    report = enrich(library, clients=clients(apis))
    assert report.merged == 1 and library.count("") == 1
    [survivor] = library.list_papers()
    assert survivor.seen == 2 and survivor.rating == 3
    library.enrichment.undo_merge(report.merges[0])
    assert library.count("") == 2


def test_batches_hold_at_most_100_ids(library, library_dir, apis):
    entries = [entry(f"Paper {n}", arxiv_id=f"2402.{n:05d}") for n in range(1, 251)]
    library.store_digest(library_dir / "big.txt", "1", digest(*entries))
    report = enrich(library, clients=clients(apis))
    sizes = [len(seen.query["id_list"][0].split(",")) for seen in apis.asked]
    assert sizes == [100, 100, 50] and len(report.unresolved) == 250


@pytest.mark.parametrize("reply", [Reply(503, b"busy", {"Retry-After": "0"}), Reply(200, b"<html>garbage"),
                                   Reply(200, feed().replace(b"<feed", b"<!DOCTYPE x><feed"))])
def test_a_failed_request_changes_nothing_and_the_work_stays_for_the_next_run(library, library_dir, apis, reply):
    ids = seed(library, library_dir)
    apis.server.handler = lambda seen: reply
    before = library.conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    report = enrich(library, clients=clients(apis))
    assert report.updated == 0 and report.unresolved == [] and report.error
    assert {failure["id"] for failure in report.failed} == set(ids.values())
    assert library.conn.execute("SELECT * FROM papers ORDER BY id").fetchall() == before
    assert len(apis.server.requests) <= 2  # the first failure stops the asking (one retry)
    apis.server.handler = apis
    assert enrich(library, clients=clients(apis)).updated == 4


def test_offline_is_one_clear_failure(library, library_dir):
    seed(library, library_dir)
    env = {"DIGEST_READER_ARXIV_API": "http://127.0.0.1:9/api/query", "DIGEST_READER_CROSSREF_API": "http://127.0.0.1:9",
           "DIGEST_READER_API_DELAY": "0"}
    report = enrich(library, clients=make_clients(environ=env, http=HttpClient(timeout=1, retries=0)))
    assert "127.0.0.1 cannot be reached" in report.error and len(report.failed) == 6 and report.updated == 0


def test_cancel_stops_the_run_and_keeps_what_was_done(library, library_dir, apis):
    seed(library, library_dir)
    cancel = threading.Event()

    def cancelling(seen):
        cancel.set()
        return apis(seen)

    apis.server.handler = cancelling
    report = enrich(library, clients=clients(apis), cancel=cancel)
    assert report.cancelled and report.failed == []
    assert len(apis.server.requests) == 1


def test_nothing_is_asked_without_fetch_and_the_setting_defaults_to_ask(library, library_dir, apis):
    seed(library, library_dir)
    report = enrich(library, clients=clients(apis), fetch=False)
    assert apis.asked == [] and report.not_asked == 6
    assert fetch_setting(library) == "ask"
    library.set_setting(FETCH_SETTING, "bogus")
    assert fetch_setting(library) == "ask"


@pytest.mark.parametrize("text", ["2401.00003", "https://arxiv.org/abs/2401.00003v2", "arXiv:2401.00003",
                                  "https://huggingface.co/papers/2401.00003", "https://www.alphaxiv.org/abs/2401.00003"])
def test_add_paper_by_any_arxiv_form(library, apis, text):
    result = add_paper(library, text, clients=clients(apis))
    assert (result.status, result.identifier, result.title) == ("added", "arXiv:2401.00003", "Diffusion for Everything")
    paper = library.get_paper(result.paper_id)
    assert paper.version == 3 and paper.seen == 0


def test_add_paper_by_doi_unknown_and_bad_input(library, apis):
    added = add_paper(library, "https://doi.org/10.5555/journal.7", clients=clients(apis))
    assert added.status == "added" and added.title == "A Journal Paper"
    again = add_paper(library, "doi:10.5555/JOURNAL.7", clients=clients(apis))
    assert again.status == "unchanged" and again.paper_id == added.paper_id and apis.count("works") == 1
    assert "does not know" in add_paper(library, "2401.08888", clients=clients(apis)).error
    bad = add_paper(library, "not an id", clients=clients(apis))
    assert bad.status == "failed" and "Not an arXiv id" in bad.error

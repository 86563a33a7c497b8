"""What a fetched record changes on a paper, and how two papers' user state combines."""

from __future__ import annotations

import pytest

from reader.enrich.arxiv import ArxivRecord
from reader.enrich.crossref import CrossrefRecord
from reader.enrich.merge import RecordMismatch, UserState, combine_user_state, record_changes

RECORD = ArxivRecord(
    arxiv_id="2401.00001", version=2, title="The Real Title", authors=["Ada Lovelace", "Alan Turing"],
    abstract="The real abstract.", published="2023-12-29", updated="2024-01-03", primary_category="cs.CL",
    categories=["cs.CL", "cs.AI"], doi="10.1000/j.1", journal_ref="J. Foo 1 (2024)", comment="12 pages",
    pdf_url="https://arxiv.org/pdf/2401.00001v2",
)
WORK = CrossrefRecord(
    doi="10.1000/j.1", title="The Journal Title", authors=["Ada Lovelace"], container_title="Nature",
    published="2024-05", volume="586", issue="7829", pages="123-127", type="journal-article",
    abstract="Journal abstract.",
)


def test_a_digest_only_paper_takes_everything_arxiv_knows():
    paper = {"title": "the real title (digest headline)", "authors": [], "arxiv_id": None,
             "abstract": "A digest's summary.", "published": "2024-01-05"}
    assert record_changes(paper, RECORD) == {
        "arxiv_id": "2401.00001", "version": 2, "title": "The Real Title",
        "authors": ["Ada Lovelace", "Alan Turing"], "abstract": "The real abstract.",
        "published": "2023-12-29", "updated": "2024-01-03", "primary_category": "cs.CL",
        "categories": ["cs.CL", "cs.AI"], "journal_ref": "J. Foo 1 (2024)", "doi": "10.1000/j.1",
        "abs_url": "https://arxiv.org/abs/2401.00001", "pdf_url": "https://arxiv.org/pdf/2401.00001",
    }


def test_only_real_changes_are_returned():
    paper = {
        "arxiv_id": "2401.00001", "version": 2, "title": "The Real Title", "authors": ["Ada Lovelace", "Alan Turing"],
        "abstract": "The real abstract.", "published": "2023-12-29", "updated": "2024-01-03",
        "primary_category": "cs.CL", "categories": ["cs.CL", "cs.AI"], "journal_ref": "J. Foo 1 (2024)",
        "doi": "10.1000/J.1", "abs_url": "https://huggingface.co/papers/2401.00001",
        "pdf_url": "https://arxiv.org/pdf/2401.00001v1",
    }
    assert record_changes(paper, RECORD) == {}


def test_a_record_never_blanks_a_field_and_never_rolls_a_version_back():
    sparse = ArxivRecord(arxiv_id="2401.00001", version=1, title="The Real Title")
    paper = {"arxiv_id": "2401.00001v3", "version": 3, "title": "Old", "doi": "10.1000/keep",
             "abstract": "kept", "authors": ["Someone"], "abs_url": "x", "pdf_url": "y"}
    assert record_changes(paper, sparse) == {"title": "The Real Title"}


def test_a_record_for_another_paper_is_refused():
    with pytest.raises(RecordMismatch, match="2401.00001"):
        record_changes({"arxiv_id": "2401.99999", "title": "x"}, RECORD)
    with pytest.raises(RecordMismatch, match="DOI"):
        record_changes({"doi": "10.1000/other", "title": "x"}, WORK)


def test_crossref_is_the_authority_for_a_paper_without_an_arxiv_id():
    paper = {"title": "journal title", "doi": "10.1000/J.1", "published": "2024-05-14", "authors": []}
    assert record_changes(paper, WORK) == {
        "title": "The Journal Title", "authors": ["Ada Lovelace"], "abstract": "Journal abstract.",
        "journal_ref": "Nature 586(7829), 123-127",
    }  # "2024-05" says less than the day the paper already has, so the date stays


def test_crossref_only_fills_gaps_on_an_arxiv_paper():
    paper = {"arxiv_id": "2401.00001", "title": "The Real Title", "authors": ["Ada Lovelace", "Alan Turing"],
             "abstract": None, "published": "2023-12-29"}
    assert record_changes(paper, WORK) == {
        "doi": "10.1000/j.1", "abstract": "Journal abstract.", "journal_ref": "Nature 586(7829), 123-127",
    }


def test_a_partial_date_replaces_a_different_one():
    assert record_changes({"title": "The Journal Title", "doi": "10.1000/j.1", "published": "2023-01-01"},
                          WORK)["published"] == "2024-05"


def test_user_state_combines():
    a = UserState(tags=("ml", "To-Read"), note="Mine.", rating=3, read=False, archived=True)
    b = UserState(tags=("to-read", "nlp"), note="Theirs.", rating=5, read=True,
                  read_at="2024-02-01T10:00:00", archived=False)
    assert combine_user_state(a, b) == UserState(
        tags=("ml", "To-Read", "nlp"), note="Mine.\n\n---\n\nTheirs.", rating=5, read=True,
        read_at="2024-02-01T10:00:00", archived=False,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (UserState(), UserState(), UserState()),
        (UserState(archived=True), UserState(archived=True), UserState(archived=True)),
        (UserState(rating=None), UserState(rating=2), UserState(rating=2)),
        (UserState(note="  "), UserState(note="B"), UserState(note="B")),
        (UserState(note="A and more"), UserState(note="A"), UserState(note="A and more")),
        (UserState(read=True, read_at="2024-03-01"), UserState(read=True, read_at="2024-01-01"),
         UserState(read=True, read_at="2024-01-01")),
    ],
)
def test_user_state_edge_cases(a, b, expected):
    assert combine_user_state(a, b) == expected
    assert combine_user_state(b, a).rating == expected.rating
    assert combine_user_state(b, a).read == expected.read
    assert combine_user_state(b, a).archived == expected.archived

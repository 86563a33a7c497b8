"""Title resolution that never guesses, title normalization, and identifiers typed into "Add paper…"."""

from __future__ import annotations

import pytest

from reader.enrich.arxiv import ArxivRecord
from reader.enrich.crossref import CrossrefRecord
from reader.enrich.resolve import date_fits, normalize_title, parse_identifier, resolve_title


def rec(arxiv_id: str, title: str, published: str | None = "2024-01-02") -> ArxivRecord:
    return ArxivRecord(arxiv_id=arxiv_id, version=1, title=title, published=published)


TITLE = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"


def test_an_equal_normalized_title_resolves():
    result = resolve_title("mamba - linear time sequence modeling with selective state spaces!",
                           [rec("2312.00752", TITLE), rec("2401.00001", "Something Else")])
    assert result.resolved and result.record.arxiv_id == "2312.00752"
    assert result.reason == "same title"


def test_an_equal_title_needs_no_date_but_is_refused_when_the_date_rules_it_out():
    assert resolve_title(TITLE, [rec("2312.00752", TITLE)]).resolved
    late = resolve_title(TITLE, [rec("2312.00752", TITLE, "2024-06-01")], not_after="2024-01-15")
    assert not late.resolved and "outside the paper's dates" in late.reason


def test_a_single_near_match_with_a_fitting_date_resolves():
    near = "Mamba: Linear Time Sequence Modelling with Selective State Spaces"  # a digest's spelling
    result = resolve_title(near, [rec("2312.00752", TITLE, "2023-12-01")], not_after="2023-12-04")
    assert result.resolved and result.record.arxiv_id == "2312.00752"
    assert result.similarity >= 0.95


def test_a_near_match_without_any_date_stays_unresolved():
    near = "Mamba: Linear Time Sequence Modelling with Selective State Spaces"
    result = resolve_title(near, [rec("2312.00752", TITLE)])
    assert not result.resolved and "no date" in result.reason


def test_a_near_match_with_a_date_that_does_not_fit_stays_unresolved():
    near = "Mamba: Linear Time Sequence Modelling with Selective State Spaces"
    after = resolve_title(near, [rec("2312.00752", TITLE, "2024-03-01")], not_after="2024-01-10")
    before = resolve_title(near, [rec("2312.00752", TITLE, "2019-03-01")], not_before="2023-11")
    assert not after.resolved and "outside" in after.reason
    assert not before.resolved


def test_two_near_candidates_stay_unresolved():
    result = resolve_title(
        "Scaling Laws for Neural Language Model",
        [rec("2001.08361", "Scaling Laws for Neural Language Models"),
         rec("2401.99999", "Scaling Laws for Neural Language Modelss")],
        not_after="2024-02-01",
    )
    assert not result.resolved and "2 similar titles" in result.reason


def test_two_papers_with_the_same_title_are_told_apart_by_date_or_not_at_all():
    same = [rec("1706.03762", "Attention Is All You Need", "2017-06-12"),
            rec("2501.00001", "Attention is all you need", "2025-01-01")]
    ambiguous = resolve_title("Attention Is All You Need", same)
    assert not ambiguous.resolved and "2 papers have this exact title" in ambiguous.reason
    dated = resolve_title("Attention Is All You Need", same, not_after="2017-07")
    assert dated.resolved and dated.record.arxiv_id == "1706.03762"


def test_a_far_title_or_no_candidates_stay_unresolved():
    far = resolve_title("MEM1", [rec("2506.00001", "MEM1: Learning to Synergize Memory and Reasoning")],
                        not_after="2025-07-01")
    assert not far.resolved and "no close title" in far.reason
    assert resolve_title("Anything", []).reason == "no candidates found"
    assert resolve_title("  ", [rec("1", "x")]).reason == "no title to search for"


def test_the_same_paper_twice_in_the_candidates_counts_once():
    near = "Mamba: Linear Time Sequence Modelling with Selective State Spaces"
    result = resolve_title(near, [rec("2312.00752", TITLE), rec("2312.00752", TITLE)], not_after="2024-01")
    assert result.resolved


def test_latex_and_accents_in_the_fetched_title_still_match():
    fetched = r"$\alpha$-Fold: Na\"{\i}ve Caf\'e Models for \textbf{Sch\"onberg} \& Co.\ in $\mathcal{O}(n)$"
    typed = "α-Fold: Naïve Café Models for Schönberg & Co. in O(n)"
    assert normalize_title(fetched) == normalize_title(typed) == "α fold naive cafe models for schonberg co in o n"
    assert resolve_title(typed, [rec("2401.00001", fetched)]).resolved


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("  Hello,   World!  ", "hello world"),
        ("Straße", "strasse"),
        ("ﬁne-tuning LLMs", "fine tuning llms"),
        (r"\c{c}a \v s \H{o} {\o}l {\ss}", "ca s o ol ss"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_title(raw, normalized):
    assert normalize_title(raw) == normalized


@pytest.mark.parametrize(
    ("published", "not_before", "not_after", "fits"),
    [
        ("2024-01-02", None, None, None),
        ("2024-01-02", None, "2024-01-01", True),  # within the slack of announcement days
        ("2024-01-10", None, "2024-01-01", False),
        ("2024-01-02", "2024", "2024-12", True),
        ("2023-05-02", "2024", None, False),
        ("2024-05", None, "2024-05-01", True),  # a month overlapping the bound fits
        (None, None, "2024-01-01", None),
    ],
)
def test_date_fits(published, not_before, not_after, fits):
    assert date_fits(published, not_before, not_after) is fits


def test_crossref_records_resolve_too():
    work = CrossrefRecord(doi="10.1000/a", title="Deep Learning for Everything", published="2020-10")
    assert resolve_title("Deep learning for everything", [work]).record is work


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.00001", ("arxiv", "2401.00001")),
        ("  2401.00001v3 ", ("arxiv", "2401.00001v3")),
        ("0704.0001", ("arxiv", "0704.0001")),
        ("arXiv:2401.00001", ("arxiv", "2401.00001")),
        ("arxiv: 2401.12345v2", ("arxiv", "2401.12345v2")),
        ("hep-th/9901001", ("arxiv", "hep-th/9901001")),
        ("arXiv:math.GT/0309136v1", ("arxiv", "math.GT/0309136v1")),
        ("https://arxiv.org/abs/2401.00001", ("arxiv", "2401.00001")),
        ("http://export.arxiv.org/abs/2401.00001v2", ("arxiv", "2401.00001v2")),
        ("https://arxiv.org/pdf/2401.00001v2.pdf", ("arxiv", "2401.00001v2")),
        ("https://arxiv.org/pdf/2401.00001", ("arxiv", "2401.00001")),
        ("https://arxiv.org/html/2401.00001v1/", ("arxiv", "2401.00001v1")),
        ("arxiv.org/abs/hep-th/9901001?context=physics#x", ("arxiv", "hep-th/9901001")),
        ("<https://arxiv.org/abs/2401.00001>", ("arxiv", "2401.00001")),
        ("https://huggingface.co/papers/2401.00001", ("arxiv", "2401.00001")),
        ("huggingface.co/papers/2401.00001/", ("arxiv", "2401.00001")),
        ("https://www.alphaxiv.org/abs/2401.00001", ("arxiv", "2401.00001")),
        ("https://alphaxiv.org/overview/2401.00001v2", ("arxiv", "2401.00001v2")),
        ("10.1038/s41586-020-2649-2", ("doi", "10.1038/s41586-020-2649-2")),
        ("doi:10.1016/S0140-6736(20)30183-5", ("doi", "10.1016/S0140-6736(20)30183-5")),
        ("DOI: 10.1000/xyz", ("doi", "10.1000/xyz")),
        ("https://doi.org/10.1000/xyz", ("doi", "10.1000/xyz")),
        ("http://dx.doi.org/10.1000%2Fxyz", ("doi", "10.1000/xyz")),
        ("https://doi.org/10.48550/arXiv.2401.00001", ("arxiv", "2401.00001")),
        ("10.48550/arXiv.2401.00001", ("arxiv", "2401.00001")),
    ],
)
def test_parse_identifier(text, expected):
    assert parse_identifier(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "hello world", "2413.00001", "24.0001", "arXiv:", "arXiv:nonsense", "doi:nonsense",
        "10.1/x", "https://example.org/abs/2401.00001", "https://arxiv.org/list/cs.CL/recent",
        "https://huggingface.co/models/2401.00001", "ftp://arxiv.org/abs/2401.00001",
        "javascript:alert(1)", "https://doi.org/", "x" * 500,
    ],
)
def test_parse_identifier_refuses_clearly(text):
    with pytest.raises(ValueError, match="arXiv id|Nothing to add"):
        parse_identifier(text)

"""Finding paper ids in text: the cued scan of a long text finds what a plain scan finds."""

from __future__ import annotations

import random

import pytest

from reader.parsers import identifiers
from reader.parsers.identifiers import find_references

PIECES = [
    "arxiv.org/abs/", "ARXIV.ORG/pdf/", "arXiv.org/html/", "https://", "www.", "export.", "ArXiv",
    "arXiv :", "arXiv:\n", "ARXIV:", "v", "V", ":", " ", "\n", "2401.12345", "2413.1234", "1912.00001",
    "v2", ".pdf", "/", ".", "hep-th/9901001", "math.AG/0101001", "huggingface.co/papers/",
    "HuggingFace.Co/Papers/", "alphaxiv.org/abs/", "alphaxiv.org/overview/", "doi:", "doi: ",
    "https://doi.org/", "10.48550/arXiv.", "10.1145/3626772.3657834", "10.1000/abc10.1234/x",
    "x10.1234/y", "(10.5555/a(b)c)", "10.", "ı", "İ", "ſ", "K", "arxıv.org/abs/", "a", "1", "0",
    "9", "-", "x", ">", "<", "org/", ".org", "ORG/", "co/", "papers/", "[see](", ")",
]


def _spans(text: str) -> list[tuple]:
    return [(ref.kind, ref.value, ref.start, ref.end) for ref in find_references(text)]


@pytest.mark.parametrize("seed", range(4))
def test_cued_scan_finds_what_a_plain_scan_finds(seed, monkeypatch):
    rng = random.Random(seed)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(40, 400))) for _ in range(150)]
    cued = [_spans(text) for text in texts]
    monkeypatch.setattr(identifiers, "CUES_FROM", float("inf"))  # every core scans the text itself
    assert cued == [_spans(text) for text in texts]
    assert sum(map(len, cued)) > 1000  # the texts are full of ids


def test_mentions_at_the_edges_of_a_long_text():
    filler = "word " * 100
    text = f"2401.00001 {filler} arXiv:2402.00002 {filler} https://arxiv.org/abs/2403.00003v2"
    assert [ref.value for ref in find_references(text)] == ["2401.00001", "2402.00002", "2403.00003"]

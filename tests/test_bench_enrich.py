"""`python -m bench.enrich` completes a small library against its own local fake arXiv."""

from __future__ import annotations

from bench.enrich import main, run


def test_the_enrichment_bench_completes_every_paper_locally(capsys):
    figures = run(40)
    assert (figures["updated"], figures["resolved"], figures["unresolved"], figures["failed"]) == (40, 20, 0, 0)
    assert figures["lacking_after"] == 0 and figures["local_papers_per_s"] > 0
    assert main(["--papers", "10"]) == 0
    assert "papers/s" in capsys.readouterr().out

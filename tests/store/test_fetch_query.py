"""`is:unresolved` and `is:enriched`: papers found by how fetching their details went."""

from __future__ import annotations

import dataclasses

from paper_factory import digest, entry
from reader.enrich.arxiv import ArxivRecord
from reader.enrich.job import RULES

RECORD = ArxivRecord(
    arxiv_id="2401.00001", version=2, title="Attention Is All You Need", authors=["Ada Lovelace"],
    abstract="The real abstract.", published="2023-12-29", primary_category="cs.CL", categories=["cs.CL"],
)


def test_is_unresolved_and_is_enriched_find_papers_by_how_fetching_went(library, library_dir):
    library.store_digest(library_dir / "d.txt", "1", digest(
        entry("attention", arxiv_id="2401.00001"), entry("MEM1"), entry("Never tried"),
    ))
    ids = {paper.title: paper.id for paper in library.list_papers()}
    library.enrichment.apply_record(ids["attention"], RECORD, "arxiv", RULES)
    library.enrichment.mark_unresolved({ids["MEM1"]: "no arXiv title matches"})
    assert library.paper_ids("is:unresolved") == [ids["MEM1"]]
    assert library.paper_ids("is:enriched") == [ids["attention"]]
    assert set(library.paper_ids("-is:unresolved")) == {ids["attention"], ids["Never tried"]}
    assert library.count("is:unresolved OR is:enriched") == 2
    assert library.count("is:unresolved mem1") == 1 and library.count("is:enriched mem1") == 0
    found = dataclasses.replace(RECORD, arxiv_id="2401.00009", title="MEM1")
    library.enrichment.apply_record(ids["MEM1"], found, "arxiv", RULES)
    assert library.paper_ids("is:unresolved") == [] and library.count("is:enriched") == 2

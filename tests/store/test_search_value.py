"""The Search value: parsed once, combined as nodes, accepted by every read; the plan does not depend on call order."""

from __future__ import annotations

import pytest

from paper_factory import digest, entry
from reader.store import Library, Search
from reader.store import query as query_module
from reader.store.query import And, Filter, Or, Text, compile_query


@pytest.fixture
def library(library_dir):
    lib = Library(library_dir)
    lib.store_digest("/d/a.txt", "1", digest(
        entry("Graph transformers"), entry("Graph kernels"), entry("Speech models"),
        format="newsletter",
    ))
    lib.add_tags(lib.paper_ids("graph"), ["graphs"])
    lib.set_rating(lib.paper_ids("speech"), 4)
    yield lib
    lib.close()


def test_and_combines_nodes_and_keeps_readable_text():
    sidebar, typed = Search.parse("tag:graphs"), Search.parse("kernels OR transf")
    both = sidebar.and_(typed)
    assert both.node == And((Filter("tag", "graphs"), typed.node))
    assert isinstance(typed.node, Or)
    assert both.text == "tag:graphs (kernels OR transf)"
    assert Search().and_(typed) == Search(typed.node, typed.text)
    assert not Search.parse("   ") and Search.parse("x")


def test_every_read_takes_a_search_and_parses_nothing_again(library, monkeypatch):
    search = Search.parse("tag:graphs").and_(Search.parse("kern"))
    from reader.store import search as search_module

    calls = []
    real = query_module.parse_query
    monkeypatch.setattr(search_module, "parse_query", lambda text: calls.append(text) or real(text))
    (paper_id,) = library.paper_ids(search)
    assert library.count(search) == 1
    assert [row.id for row in library.rows(search)] == [paper_id]
    assert [paper.id for paper in library.list_papers(search)] == [paper_id]
    assert library.matches(paper_id, search)
    assert calls == []
    assert library.count("tag:graphs kern") == 1 and calls == ["tag:graphs kern"]


def test_rows_are_planned_the_same_whether_or_not_count_ran_first(library_dir, monkeypatch):
    from reader.store import planner

    plans = []

    original = planner.Planner._sorted_arms

    def spy(self, *args):
        arms = original(self, *args)
        plans.append(arms)
        return arms

    monkeypatch.setattr(planner.Planner, "_sorted_arms", spy)
    for counted_first in (False, True):
        with Library(library_dir / str(counted_first)) as lib:
            lib.store_digest("/d/a.txt", "1", digest(*[entry(f"Common paper {n}") for n in range(40)]))
            if counted_first:
                lib.count("common")
            lib.rows("common", sort="title", limit=5)  # the planner's way
    assert plans[0] == plans[1]


def test_compiled_query_says_when_it_is_one_state_condition():
    state = compile_query(query_module.parse_query("rating:>=4")).state_only
    assert (state.condition, state.params, state.negated) == ("rating IN (?, ?)", (4, 5), False)
    assert compile_query(query_module.parse_query("-is:read")).state_only.negated is True
    assert compile_query(query_module.parse_query("is:unread")).state_only.negated is True
    assert compile_query(query_module.parse_query("rating:>=4 graph")).state_only is None
    assert compile_query(query_module.parse_query("tag:x")).state_only is None
    unled = compile_query(And((Text("graph"), Filter("tag", "x"))), lookups=False).where
    # Text is looked for in both full-text tables (schema v8), the tag in paper_tags: none leads.
    assert unled.count("+p.id IN (") == 3 and unled.count("p.id IN (") == 3

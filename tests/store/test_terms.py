"""fts_terms: the full-text index's words, kept by every write, and typed prefixes spelled out as them."""

from __future__ import annotations

import json

import pytest

from library_tables import connect_before
from paper_factory import digest, entry
from reader.store import Library, migrations, streamed, terms
from reader.store.search import Search


def _terms(lib: Library) -> set[str]:
    return {row[0] for row in lib.conn.execute("SELECT term FROM fts_terms")}


def _vocabulary(lib: Library) -> set[str]:
    return {row[0] for row in lib.conn.execute("SELECT term FROM papers_fts_vocab")}


@pytest.fixture
def library(library_dir):
    with Library(library_dir) as lib:
        lib.store_digest("/d/a.md", "a", digest(
            entry("Transformers for Transfer Learning", authors=["Ada Lovelace"], arxiv_id="2401.00001",
                  abstract="We translate transcripts. Ünïcode wörds and GPT-4o too."),
            entry("Diffusion video models", authors=["Alan Turing"], arxiv_id="2401.00002"),
        ))
        yield lib


def test_every_word_of_the_index_is_in_the_table_once_the_import_commits(library):
    assert _vocabulary(library) <= _terms(library)
    assert {"transformers", "transfer", "translate", "transcripts", "unicode", "words", "4o", "lovelace"} <= _terms(library)
    assert terms.complete(library.conn)


def test_changed_text_adds_its_words_in_the_same_transaction(library):
    paper_id = library.paper_ids("diffusion")[0]
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract = 'Transmogrified frames' WHERE id = ?", (paper_id,))
    assert {"transmogrified", "frames"} <= _terms(library)
    assert terms.complete(library.conn)
    assert library.paper_ids("transmog") == [paper_id]


def test_a_write_outside_a_transaction_leaves_the_table_incomplete_and_prefixes_unspelled(library):
    library.conn.execute(
        "INSERT INTO papers (title, authors, added) VALUES ('Transatlantic cables', '[]', '2999-01-01T00:00:00')"
    )
    library.conn.execute(
        "INSERT INTO papers_fts (rowid, title, authors, abstract)"
        " SELECT id, title, authors, abstract FROM papers WHERE title = 'Transatlantic cables'"
    )
    library.conn.commit()  # a writer that went around Database.transaction()
    assert not terms.complete(library.conn)
    assert "transatlantic" not in _terms(library)
    ids = library.paper_ids("transat")
    assert len(ids) == 1  # FTS5's own prefix still finds it
    with library.transaction():
        pass  # the next transaction adds the waiting words
    assert "transatlantic" in _terms(library) and terms.complete(library.conn)


def test_a_prefix_is_spelled_out_as_the_words_it_starts(library):
    spelled = terms.spelled_out(library.conn, "trans", None)
    assert spelled == '("transcripts" OR "transfer" OR "transformers" OR "translate")'
    assert terms.spelled_out(library.conn, "Large Trans", "title") == (
        '(title : "Large transcripts" OR title : "Large transfer"'
        ' OR title : "Large transformers" OR title : "Large translate")'
    )
    assert terms.spelled_out(library.conn, "transq", None) == '("transq")'  # nothing: matches nothing
    assert terms.spelled_out(library.conn, "tra", None) is None  # the prefix index serves it
    assert terms.spelled_out(library.conn, "wörd", None) is None  # not ASCII: FTS5's prefix
    assert terms.spelled_out(library.conn, "trans-", None) is None


def test_too_many_words_keep_the_prefix(library, monkeypatch):
    monkeypatch.setattr(terms, "MAX_EXPANSION", 3)
    assert terms.spelled_out(library.conn, "trans", None) is None
    assert terms.spelled_out(library.conn, "transf", None) is not None


@pytest.mark.parametrize("query", ["trans", "transf", "video transf", "title:graph trans",
                                   "video OR transl", "-video trans", "transq", "lovel"])
def test_streamed_pages_with_spelled_out_prefixes_equal_the_planners(library, query, monkeypatch):
    spelled: list[str] = []
    original = terms.spelled_out

    def watched(*args):
        found = original(*args)
        spelled.append(found)
        return found

    monkeypatch.setattr(terms, "spelled_out", watched)
    node = Search.parse(query).node
    page = streamed.streamed_ids(library.conn, node, True, 50, None, False)
    monkeypatch.setattr(streamed, "added_follows_id", lambda conn: False)
    assert page == library.paper_ids(query)
    assert any(s is not None for s in spelled), query


def test_migration_fills_the_table_from_the_index(tmp_path):
    folder = tmp_path / "lib"
    conn = connect_before(folder, migrations._v12_fts_terms)
    conn.execute(
        "INSERT INTO papers (id, title, authors, abstract, added) VALUES"
        " (1, 'Quantum annealing schedules', ?, 'Adiabatic paths', '2024-01-01T00:00:00')",
        (json.dumps(["Grace Hopper"]),),
    )
    conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    conn.commit()
    conn.close()
    with Library(folder) as lib:
        assert {"quantum", "annealing", "schedules", "adiabatic", "paths", "grace", "hopper"} <= _terms(lib)
        assert terms.complete(lib.conn)
        assert lib.paper_ids("annea") == [1]

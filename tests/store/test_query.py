"""The search language against a small library with known contents, and its error messages."""

from __future__ import annotations

import pytest

from paper_factory import digest, entry
from reader.store import Library
from reader.store.query import And, Filter, Not, Or, QueryError, Text, parse_query


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """Five papers: T transformer, D diffusion, G graph, Q quantum, S speech."""
    lib = Library(tmp_path_factory.mktemp("query") / "library")
    lib.store_digest("/digests/2024-10-01 daily.txt", "1", digest(
        entry("Transformers for Everything", authors=["Ashish Vaswani", "Noam Shazeer"],
              abstract="Self-attention replaces recurrence.", published="2024-03-01",
              code_url="https://github.com/t/t", arxiv_id="2403.00001"),
        entry("Diffusion Models Beat GANs", authors=["Prafulla Dhariwal"],
              abstract="Image synthesis with diffusion.", published="2021-05-11"),
        entry("Graph Networks: a survey", authors=["Peter Battaglia"], published="2018-06-04"),
        format="arxiv-table",
    ))
    lib.store_digest("/digests/weekly_news.md", "2", digest(
        entry("Quantum error correction (100% better)", authors=["Ada Lovelace"],
              abstract="Qubits and transformers of noise.", published="2024-11-20"),
        entry("Speech recognition at scale", authors=["Alec Radford"]),
        entry("Transformers for everything!", arxiv_id="2403.00001v2"),
        format="newsletter",
    ))
    ids = {lib.paper_ids(f"title:{word}")[0]: letter for word, letter in
           [("transformers", "T"), ("diffusion", "D"), ("graph", "G"), ("quantum", "Q"),
            ("speech", "S")]}
    paper = {letter: paper_id for paper_id, letter in ids.items()}
    lib.add_tags([paper["T"], paper["D"]], ["toread"])
    lib.add_tags([paper["Q"]], ["physics", "to read later"])
    lib.set_rating([paper["T"]], 5)
    lib.set_rating([paper["D"]], 3)
    lib.set_rating([paper["G"]], 1)
    lib.set_read([paper["T"], paper["G"]], True)
    lib.set_note(paper["S"], "Whisper-like; check the c++ code")
    lib.letters = ids
    yield lib
    lib.close()


def found(library, query: str) -> str:
    """The letters of the papers matching `query`, sorted: easy to read in a parametrize."""
    letters = "".join(sorted(library.letters[i] for i in library.paper_ids(query)))
    assert library.count(query) == len(letters)
    return letters


@pytest.mark.parametrize("query, expected", [
    ("", "DGQST"),
    ("   ", "DGQST"),
    ("transformers", "QT"),
    ("transform", "QT"),                 # prefix match on the last bare word
    ("transform ", ""),                  # ...but not once the word is finished
    ("s", ""),                           # ...nor while it is one letter long
    ("sp", "S"),
    ("transform diffusion", ""),
    ("diffusion transform", ""),
    ("diffusion image", "D"),
    ('"error correction"', "Q"),
    ('"correction error"', ""),
    ("TRANSFORMERS", "QT"),
    ("-transformers", "DGS"),
    ("transformers -quantum", "T"),
    ("diffusion OR speech", "DS"),
    ("diffusion OR speech quantum", "D"),  # OR binds looser than AND
    ("(diffusion OR graph) -tag:toread", "G"),
    ("-(diffusion OR graph)", "QST"),
    ("tag:toread", "DT"),
    ("tag:TOREAD", "DT"),
    ('tag:"to read later"', "Q"),
    ("-tag:toread", "GQS"),
    ("tag:physics OR tag:toread", "DQT"),
    ("tag:missing", ""),
    ("is:read", "GT"),
    ("is:unread", "DQS"),
    ("is:rated", "DGT"),
    ("is:unrated", "QS"),
    ("is:tagged", "DQT"),
    ("is:untagged", "GS"),
    ("rating:5", "T"),
    ("rating:>=3", "DT"),
    ("rating:>3", "T"),
    ("rating:<3", "GQS"),                # not rated counts as 0
    ("rating:<=1", "GQS"),
    ("rating:0", "QS"),
    ("rating:<2 is:rated", "G"),
    ("author:vaswani", "T"),
    ("author:Shazeer", "T"),
    ('author:"alec radford"', "S"),
    ("author:radford -author:alec", ""),
    ("digest:weekly", "QST"),
    ("digest:2024-10", "DGT"),
    ("digest:WEEKLY_NEWS", "QST"),
    ("digest:%", ""),                    # LIKE wildcards are literal
    ("format:newsletter", "QST"),
    ("format:arxiv-table", "DGT"),
    ("format:nothing", ""),
    ("year:2024", "QT"),
    ("year:>=2021", "DQT"),
    ("year:<2021", "G"),
    ("year:>2021", "QT"),
    ("year:<=2021", "DG"),
    ("has:note", "S"),
    ("has:code", "T"),
    ("has:abstract", "DQT"),
    ("has:arxiv", "T"),
    ("has:pdf", "T"),
    ("has:tags", "DQT"),
    ("has:rating", "DGT"),
    ("seen:2", "T"),
    ("seen:>=2", "T"),
    ("seen:<2", "DGQS"),
    ("whisper", "S"),                    # notes are searched
    ("physics", "Q"),                    # tags are searched
    ("note:whisper", "S"),
    ("title:survey", "G"),
    ("abstract:qubits", "Q"),
    ("c++ ", "S"),
    ("100%", "Q"),
    ('"', None),
    ("is:read AND rating:5", "T"),
    ("diffusion AND NOT image", ""),
])
def test_query_operators(library, query, expected):
    if expected is None:
        with pytest.raises(QueryError):
            library.count(query)
    else:
        assert found(library, query) == expected


def test_format_none_finds_the_digests_no_format_read(tmp_path):
    """The sidebar's "Not recognised": digests stored with no format, whatever their name."""
    lib = Library(tmp_path / "library")
    try:
        lib.store_digest("/d/none-of-these.md", "1", digest(entry("Read as a newsletter"), format="newsletter"))
        lib.store_digest("/d/odd.txt", "2", digest(entry("Read as no format"), format=""))
        lib.record_failure("/d/photo.bin", "3", "not a text file")
        assert [p.title for p in lib.list_papers("format:none")] == ["Read as no format"]
        assert lib.count("format:NONE") == 1 and lib.count("-format:none") == 1
    finally:
        lib.close()


@pytest.mark.parametrize("query", [
    "*", "^", "NEAR(a b)", "a:b:c", "'", "(", ")", "{title}", "-", "- -", "a - b", ":", "tag:",
    '"a" NOT', 'OR"x"', "AND(", "x)", "((x)", "a*b", "col:umn", "\\", "\x00", "NOT",
    "title:*", "author:)", "digest:'; DROP TABLE papers; --", "-\"x", "+", "🙂", "tag:\"",
])
def test_odd_input_gives_results_or_a_query_error_never_sqlite_errors(library, query):
    try:
        library.count(query)
        library.paper_ids(query)
    except QueryError as error:
        assert str(error)
    assert library.count() == 5


@pytest.mark.parametrize("query, message", [
    ('"unclosed phrase', "unclosed quote"),
    ('tag:"open', "unclosed quote"),
    ("rating:abc", "expected a number"),
    ("rating:9", "0 (not rated) to 5"),
    ("seen:>=x", "expected a number"),
    ("year:24", "four digits"),
    ("is:favourite", "unknown value 'is:favourite'"),
    ("has:wings", "unknown value 'has:wings'"),
    ("foo OR", "OR needs a search term on both sides"),
    ("OR foo", "OR needs a search term on both sides"),
    ("foo OR OR bar", "OR needs a search term on both sides"),
    ("(foo OR bar", "unclosed parenthesis"),
    ("colour:red", "unknown filter 'colour:'"),
    ("tag:", "'tag:' needs a value"),
    ("title:(", "no word to search for"),
    ("()", "empty parentheses"),
    ("a () b", "empty parentheses"),
    ("foo -", None),
])
def test_malformed_queries_raise_query_error_with_a_readable_message(library, query, message):
    if message is None:  # a trailing "-" while typing is just punctuation: harmless
        library.count(query)
        return
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        library.count(query)


def test_parse_tree_shapes():
    assert parse_query("") is None
    assert parse_query("ab cd") == And((Text("ab"), Text("cd", prefix=True)))
    assert parse_query("ab c") == And((Text("ab"), Text("c")))
    assert parse_query("a OR b c ") == Or((Text("a"), And((Text("b"), Text("c")))))
    assert parse_query('-tag:x "a b"') == And((Not(Filter("tag", "x")), Text("a b")))
    assert parse_query("rating:>=4") == Filter("rating", "4", ">=")
    assert parse_query("https://arxiv.org/abs/1") == Text("https://arxiv.org/abs/1", prefix=True)
    assert parse_query("Mamba: linear") == And((Text("Mamba:"), Text("linear", prefix=True)))

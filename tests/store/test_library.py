"""The SQLite library: schema, migrations, dedupe across digests, user state, shapes, sorting."""

from __future__ import annotations

import sqlite3

import pytest

from paper_factory import digest, entry
from reader.store import (
    DB_NAME, DigestRecord, InvalidValue, Library, LibraryError, PaperDetail, SightingRecord,
    UnknownPaper, UserState, title_key,
)
from reader.store import migrations


def table_counts(lib: Library) -> dict[str, int]:
    tables = ["papers", "digests", "sightings", "paper_state", "paper_tags"]
    return {t: lib.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# ---------------------------------------------------------------- schema and migrations

def test_new_library_records_schema_version_and_settings(library, library_dir):
    assert (library_dir / DB_NAME).exists()
    assert library.schema_version == migrations.latest_version() >= 1
    pragma = lambda name: library.conn.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 5000


def test_library_folder_is_created_when_missing(tmp_path):
    with Library(tmp_path / "a" / "b") as lib:
        assert lib.count() == 0
    assert (tmp_path / "a" / "b" / DB_NAME).exists()


def test_a_zero_byte_library_file_is_refused_not_replaced_by_an_empty_library(library_dir):
    (library_dir / DB_NAME).write_bytes(b"")
    with pytest.raises(LibraryError, match="is empty"):
        Library(library_dir)
    assert (library_dir / DB_NAME).stat().st_size == 0
    assert list(library_dir.glob("*.bak-*")) == []


def test_migrating_an_existing_library_backs_it_up_first(library_dir, monkeypatch):
    with Library(library_dir) as lib:
        lib.store_digest("/d/one.txt", "sha1", digest(entry("Kept Paper", arxiv_id="2401.00001")))
        old_version = lib.schema_version

    def add_column(conn):
        conn.execute("ALTER TABLE papers ADD COLUMN extra TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_column])
    with Library(library_dir) as lib:
        assert lib.schema_version == old_version + 1
        assert lib.count() == 1
    backup = library_dir / f"{DB_NAME}.bak-v{old_version}"
    assert backup.exists()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == old_version
    assert copy.execute("SELECT title FROM papers").fetchall() == [("Kept Paper",)]
    copy.close()


def test_a_failing_migration_leaves_the_library_as_it_was(library_dir, monkeypatch):
    with Library(library_dir) as lib:
        lib.store_digest("/d/one.txt", "sha1", digest(entry("Kept Paper")))
        version = lib.schema_version

    def broken(conn):
        conn.execute("ALTER TABLE papers ADD COLUMN extra TEXT")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(LibraryError):
        Library(library_dir)
    monkeypatch.undo()
    with Library(library_dir) as lib:
        assert lib.schema_version == version
        columns = [r[1] for r in lib.conn.execute("PRAGMA table_info(papers)")]
        assert "extra" not in columns
        assert lib.count() == 1


def test_a_library_from_a_newer_version_is_refused(library_dir):
    with Library(library_dir) as lib:
        lib.conn.execute("PRAGMA user_version = 999")
    with pytest.raises(LibraryError, match="newer"):
        Library(library_dir)


# ---------------------------------------------------------------- storing and dedupe

def test_store_digest_counts_new_and_merged(library):
    first = library.store_digest("/d/a.txt", "a", digest(entry("One", arxiv_id="2401.00001"),
                                                         entry("Two", arxiv_id="2401.00002")))
    assert (first.status, first.entries, first.new, first.merged) == ("imported", 2, 2, 0)
    second = library.store_digest("/d/b.txt", "b", digest(entry("Two", arxiv_id="2401.00002v3"),
                                                          entry("Three")))
    assert (second.entries, second.new, second.merged) == (2, 1, 1)
    assert library.count() == 3


def test_arxiv_versions_doi_and_titles_dedupe_across_formats(library):
    library.store_digest("/d/table.txt", "1", digest(
        entry("Attention Is All You Need", arxiv_id="1706.03762v5"),
        entry("A DOI paper", doi="10.1000/XYZ.1"),
        format="arxiv-table",
    ))
    library.store_digest("/d/list.txt", "2", digest(
        entry("Attention is all you need (v7)", arxiv_id="1706.03762v7"),
        entry("The same DOI paper, renamed", doi="10.1000/xyz.1"),
        entry("attention   IS all you need!!", authors=["A. Vaswani"]),
        format="scored-list",
    ))
    assert library.count() == 2
    paper = library.get_paper(library.paper_ids("attention")[0])
    assert paper.arxiv_id == "1706.03762"
    assert paper.authors == ["A. Vaswani"]
    assert {d.file for d in paper.sightings} == {"/d/table.txt", "/d/list.txt"}


def test_title_only_entry_later_gains_id_authors_and_links(library):
    library.store_digest("/d/page.txt", "1", digest(
        entry("Scaling Laws: for Neural LMs", abstract="We study scaling.",
              authors=["Kaplan et al."]),
        format="daily-papers",
    ))
    (paper_id,) = library.paper_ids()
    library.set_rating([paper_id], 4)
    library.add_tags([paper_id], ["scaling"])
    result = library.store_digest("/d/table.txt", "2", digest(
        entry("Scaling laws for neural LMs", arxiv_id="2001.08361",
              authors=["Kaplan", "McCandlish"],
              code_url="https://github.com/x/y", abstract="A different abstract."),
        format="arxiv-table",
    ))
    assert (result.new, result.merged) == (0, 1)
    paper = library.get_paper(paper_id)
    assert paper.arxiv_id == "2001.08361"
    assert paper.authors == ["Kaplan", "McCandlish"]
    assert paper.links == {
        "abs": "https://arxiv.org/abs/2001.08361", "pdf": "https://arxiv.org/pdf/2001.08361",
        "code": "https://github.com/x/y", "homepage": None,
    }
    assert paper.abstract == "We study scaling."  # filled fields are never overwritten
    assert paper.title == "Scaling Laws: for Neural LMs"
    assert (paper.rating, paper.tags) == (4, ["scaling"])


def test_same_title_with_different_arxiv_ids_stays_two_papers(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("Introduction", arxiv_id="2401.00001"), entry("Introduction", arxiv_id="2401.00002"),
    ))
    library.store_digest("/d/b.txt", "2", digest(entry("Introduction")))
    assert library.count() == 2


def test_a_paper_twice_in_one_digest_keeps_the_first_sighting(library):
    result = library.store_digest("/d/a.txt", "1", digest(
        entry("Twice", arxiv_id="2401.00001", headline="first"),
        entry("Other"),
        entry("Twice again", arxiv_id="2401.00001", headline="second", code_url="https://c"),
    ))
    assert (result.entries, result.new, result.merged) == (2, 2, 0)
    paper = library.get_paper(library.paper_ids("twice")[0])
    assert [(s.position, s.headline) for s in paper.sightings] == [(1, "first")]
    assert paper.links["code"] == "https://c"


def test_entries_with_nothing_to_identify_them_are_skipped(library):
    result = library.store_digest("/d/a.txt", "1", digest(entry("  "), entry("?!"), entry("Real")))
    assert result.entries == 1
    assert library.count() == 1


def test_sighting_fields_are_stored(library):
    library.store_digest("/d/a.txt", "1", digest(entry(
        "Scored", score=8.5, subscores={"novelty": 9.0}, headline="H", summary="S", detail="D",
        topic="LLM", translation="译文", homepage_url="https://home",
    ), format="scored-list"))
    paper = library.get_paper(library.paper_ids()[0])
    imported_at = library.digest_by_path("/d/a.txt").imported_at
    assert paper.sightings == [SightingRecord(
        digest_id=library.digest_by_path("/d/a.txt").id, file="/d/a.txt", format="scored-list",
        position=1, score=8.5, subscores={"novelty": 9.0}, headline="H", summary="S",
        detail="D", topic="LLM", date=None, imported_at=imported_at,
    )]
    assert paper.translation == "译文"
    assert paper.links["homepage"] == "https://home"


def test_reimport_of_an_edited_digest_replaces_its_sightings_only(library):
    library.store_digest("/d/a.txt", "1", digest(entry("Stays"), entry("Removed later")))
    library.store_digest("/d/b.txt", "2", digest(entry("Removed later")))
    removed = library.paper_ids("removed")[0]
    library.set_note(removed, "my note")
    library.add_tags([removed], ["keep"])

    result = library.store_digest("/d/a.txt", "3", digest(entry("Stays"), entry("Brand new")))
    assert (result.entries, result.new, result.merged) == (2, 1, 1)
    paper = library.get_paper(removed)
    assert [d.file for d in paper.sightings] == ["/d/b.txt"]
    assert (paper.note, paper.tags) == ("my note", ["keep"])
    assert library.rows_by_ids([removed])[0].seen == 1
    assert len(library.digests()) == 2


def test_a_paper_whose_last_sighting_goes_stays_with_its_user_state(library):
    library.store_digest("/d/a.txt", "1", digest(entry("Orphan"), entry("Other")))
    orphan = library.paper_ids("orphan")[0]
    library.set_read([orphan], True)
    library.store_digest("/d/a.txt", "2", digest(entry("Other")))
    assert library.get_paper(orphan).read is True
    assert library.paper_ids("seen:0") == [orphan]
    assert library.remove_digest("/d/a.txt") is True
    assert library.count() == 2 and library.digests() == []
    assert library.count("seen:0") == 2


def test_record_failure_keeps_the_sightings_of_an_earlier_import(library):
    library.store_digest("/d/a.txt", "1", digest(entry("Good"), format="scored-list"))
    failed = library.record_failure("/d/a.txt", "2", "not a text file (binary content)")
    assert (failed.status, failed.error, failed.entries) == (
        "failed", "not a text file (binary content)", 1)
    assert [(s.file, s.format) for s in library.get_paper(library.paper_ids()[0]).sightings] == [
        ("/d/a.txt", "scored-list")]
    assert library.digest_by_path("/d/a.txt").sha256 == "2"
    assert library.digest_by_sha("2").path == "/d/a.txt"
    assert library.digest_by_path("/d/nowhere.txt") is None


def test_a_failing_store_changes_nothing(library, monkeypatch):
    library.store_digest("/d/a.txt", "1", digest(entry("Before")))
    before = table_counts(library)
    bad = digest(entry("New one"), entry("Another"))
    bad.entries[1].sighting.position = None  # violates NOT NULL after the papers are written
    with pytest.raises(sqlite3.IntegrityError):
        library.store_digest("/d/a.txt", "2", bad)
    assert table_counts(library) == before
    assert library.digest_by_path("/d/a.txt").sha256 == "1"


# ---------------------------------------------------------------- user state

def test_user_state_setters_and_snapshots(library):
    library.store_digest("/d/a.txt", "1", digest(entry("A"), entry("B")))
    a, b = sorted(library.paper_ids())
    library.set_rating([a, b], 5)
    library.set_rating([b], 0)
    library.set_read([a], True)
    library.set_note(a, "**bold** idea")
    library.add_tags([a, b], ["ML", " to  read ", "ml"])
    library.remove_tags([b], ["ml"])
    state = library.user_state([a, b])
    assert state[a].rating == 5 and state[a].read and state[a].read_at
    assert state[a].note == "**bold** idea" and state[a].tags == ["ML", "to read"]
    assert state[b] == UserState(rating=None, note=None, read=False, read_at=None, tags=["to read"])
    assert library.tag_counts() == [("ML", 1), ("to read", 2)]
    assert library.sidebar_counts() == {"all": 2, "unread": 1, "rated": 1, "has_note": 1}

    library.set_tags(a, ["other"])
    library.set_note(a, "   ")
    library.set_read([a], False)
    assert library.user_state([a])[a] == UserState(rating=5, tags=["other"])
    library.restore_user_state(state)
    assert library.user_state([a, b]) == state


def test_marking_read_twice_keeps_the_first_read_time(library):
    library.store_digest("/d/a.txt", "1", digest(entry("A")))
    (a,) = library.paper_ids()
    library.set_read([a], True)
    library.conn.execute("UPDATE paper_state SET read_at = '2000-01-01' WHERE paper_id = ?", (a,))
    library.set_read([a], True)
    assert library.user_state([a])[a].read_at == "2000-01-01"


def test_bad_ratings_and_unknown_papers_raise_clear_errors(library):
    library.store_digest("/d/a.txt", "1", digest(entry("A")))
    (a,) = library.paper_ids()
    for bad in (6, -1, 2.5, True):
        with pytest.raises(InvalidValue, match="1 to 5"):
            library.set_rating([a], bad)
    with pytest.raises(ValueError):
        library.set_rating([a], 9)
    with pytest.raises(UnknownPaper, match="no paper with id 42"):
        library.set_rating([a, 42], 3)
    assert library.user_state([a])[a].rating is None  # the whole call was refused
    with pytest.raises(UnknownPaper):
        library.get_paper(42)
    with pytest.raises(LibraryError, match="no paper with id 7"):
        library.set_note(7, "x")


def test_settings_round_trip(library):
    assert library.get_setting("watch_folder", "none") == "none"
    library.set_setting("watch_folder", "/home/me/Digests")
    library.set_setting("columns", [1, 2])
    assert library.get_setting("watch_folder") == "/home/me/Digests"
    assert library.get_setting("columns") == [1, 2]


# ---------------------------------------------------------------- full-text index

def test_fts_follows_notes_tags_and_filled_fields(library):
    library.store_digest("/d/a.txt", "1", digest(entry("Quiet title")))
    (a,) = library.paper_ids()
    assert library.count("zebra") == 0
    library.set_note(a, "zebra crossing")
    library.add_tags([a], ["giraffe"])
    assert library.paper_ids("zebra") == [a] and library.paper_ids("giraffe") == [a]
    library.set_note(a, None)
    library.remove_tags([a], ["giraffe"])
    assert library.count("zebra") == 0 and library.count("giraffe") == 0
    library.store_digest("/d/b.txt", "2", digest(entry("Quiet title", abstract="okapi",
                                                       authors=["Ada Lovelace"])))
    assert library.paper_ids("okapi") == [a] and library.paper_ids("author:lovelace") == [a]
    library.restore_user_state({a: UserState(note="zebra again", tags=["giraffe"])})
    assert library.paper_ids("zebra giraffe") == [a]
    integrity = library.conn.execute(
        "INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 0)")
    assert integrity is not None


# ---------------------------------------------------------------- shapes and sorting

def test_reads_return_records_with_the_digests_own_date(library):
    library.store_digest("/d/a.txt", "1", digest(entry(
        "Shape", arxiv_id="2401.00001", authors=["X", "Y"], published="2024-01-02"),
        format="arxiv-table", date="2024-10-07"))
    (item,) = library.list_papers()
    assert isinstance(item, PaperDetail) and item == library.get_paper(item.id)
    assert (item.authors, item.published) == (["X", "Y"], "2024-01-02")
    assert [(s.file, s.format, s.position, s.date) for s in item.sightings] == [
        ("/d/a.txt", "arxiv-table", 1, "2024-10-07")]
    (record,) = library.digests()
    assert isinstance(record, DigestRecord)
    assert (record.file, record.status, record.entries, record.date) == (
        "/d/a.txt", "imported", 1, "2024-10-07")


@pytest.fixture
def sortable(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("Beta", authors=["Zed"], published="2023-05-01"),
        entry("alpha", authors=["adam"], published="2024-01-01"),
        entry("Gamma", authors=["Mia"]),
    ))
    library.store_digest("/d/b.txt", "2", digest(entry("Gamma")))
    ids = {library.paper_ids(f"title:{t}")[0]: t for t in ("alpha", "beta", "gamma")}
    by_title = {t: i for i, t in ids.items()}
    library.set_rating([by_title["beta"]], 2)
    library.set_rating([by_title["gamma"]], 5)
    library.set_read([by_title["alpha"]], True)
    return library, ids


@pytest.mark.parametrize("sort, ascending, descending", [
    ("title", ["alpha", "beta", "gamma"], None),
    ("author", ["alpha", "gamma", "beta"], None),
    # Undated gamma is last both ways, not the oldest paper.
    ("published", ["beta", "alpha", "gamma"], ["alpha", "beta", "gamma"]),
    ("rating", ["alpha", "beta", "gamma"], None),
    ("seen", ["beta", "alpha", "gamma"], None),
    ("read", ["beta", "gamma", "alpha"], None),
    ("added", ["beta", "alpha", "gamma"], None),
])
def test_sorting(sortable, sort, ascending, descending):
    library, ids = sortable
    assert [ids[i] for i in library.paper_ids(sort=sort, descending=False)] == ascending
    found = [ids[i] for i in library.paper_ids(sort=sort, descending=True)]
    assert found == (descending or ascending[::-1])


@pytest.mark.parametrize("sort", ["added", "title", "rating", "read"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_pages_concatenate_to_the_full_order(library, sort, descending, page_size):
    library.store_digest("/d/a.txt", "1", digest(*(entry(f"Paper {n}") for n in range(7))))
    ids = sorted(library.paper_ids())
    library.set_rating(ids[1:4], 3)
    library.set_rating([ids[5]], 1)
    library.set_read(ids[2:6], True)
    everything = library.paper_ids(sort=sort, descending=descending)
    pages = [library.rows(sort=sort, descending=descending, limit=page_size, offset=start)
             for start in range(0, 9, page_size)]
    assert [row.id for page in pages for row in page] == everything
    assert sorted(everything) == ids
    assert [p.id for p in library.list_papers(sort=sort, limit=4, descending=descending)] == (
        everything[:4])


def test_rows_pages_and_unknown_sort(sortable):
    library, ids = sortable
    everything = library.paper_ids(sort="title", descending=False)
    page1 = library.rows(sort="title", descending=False, limit=2, offset=0)
    page2 = library.rows(sort="title", descending=False, limit=2, offset=2)
    assert [r.id for r in page1 + page2] == everything
    gamma = page2[0]
    assert (gamma.title, gamma.first_author, gamma.authors_count, gamma.seen, gamma.rating) == (
        "Gamma", "Mia", 1, 2, 5)
    with pytest.raises(InvalidValue, match="unknown sort"):
        library.paper_ids(sort="colour")


def test_related_finds_papers_sharing_rare_words(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("Photonic quantum annealing", abstract="photonic annealing on chips"),
        entry("Annealing photonic circuits", abstract="quantum photonic chips"),
        entry("Cooking pasta", abstract="boil water"),
        entry("Baking bread", abstract="boil water flour"),
    ))
    photonic = library.paper_ids("title:quantum")[0]
    related = library.related(photonic)
    assert related[0] == library.paper_ids("circuits")[0]
    assert photonic not in related and library.paper_ids("pasta")[0] not in related


def test_title_key_collapses_case_punctuation_and_space():
    assert title_key("  Attention: Is ALL—you   need?! ") == "attention is all you need"
    assert title_key("Straße") == title_key("STRASSE")
    assert title_key("?!") is None


def test_related_puts_a_near_duplicate_abstract_first(library):
    shared = ("We train sparse mixture of expert transformers for protein folding and show that"
              " routing tokens by residue contacts beats dense attention on long chains.")
    library.store_digest("/d/a.txt", "1", digest(
        entry("Routing residues: sparse experts fold proteins", abstract=shared),
        entry("Contact-aware expert routing for protein structure",
              abstract=shared.replace("We train", "This paper trains")),
        entry("Dense attention for long protein chains", abstract="protein chains with dense attention"),
        entry("Sparse experts for translation", abstract="mixture of expert transformers translate text"),
        entry("Cooking pasta", abstract="boil water then add the pasta"),
        *[entry(f"Filler paper {n}", abstract=f"a study of topic {n} with transformers")
          for n in range(20)],
    ))
    original = library.paper_ids("title:routing title:residues")[0]
    duplicate = library.paper_ids("title:contact")[0]
    related = library.related(original)
    assert related[0] == duplicate
    assert original not in related
    assert library.paper_ids("pasta")[0] not in related
    assert len(library.related(original, limit=2)) == 2


def test_sightings_carry_digest_date_and_import_time_in_import_order(library):
    paper = entry("Seen twice", arxiv_id="2410.00001")
    library.store_digest("/d/late.txt", "1", digest(paper, date="2024-10-09"))
    library.conn.execute("UPDATE digests SET imported_at = '2030-01-02T00:00:00+00:00'")
    library.store_digest("/d/early.txt", "2", digest(entry("Seen twice", arxiv_id="2410.00001")))
    sightings = library.get_paper(library.paper_ids()[0]).sightings
    assert [s.file for s in sightings] == ["/d/early.txt", "/d/late.txt"]
    assert sightings[1].date == "2024-10-09" and sightings[0].date is None
    assert sightings[1].imported_at == "2030-01-02T00:00:00+00:00"
    assert sightings[0].imported_at < sightings[1].imported_at


# ---------------------------------------------------------------- saved searches

def test_saved_searches_persist_across_reopening(library_dir):
    with Library(library_dir) as lib:
        lib.save_search("Unread agents", "is:unread agents")
        lib.save_search("favourites", "rating:>=4")
        lib.save_search("FAVOURITES", "rating:5")  # same name, any case: replaced
    with Library(library_dir) as lib:
        assert lib.saved_searches() == [("FAVOURITES", "rating:5"), ("Unread agents", "is:unread agents")]
        lib.rename_saved_search("unread agents", "Agents to read")
        assert lib.delete_saved_search("favourites") is True
        assert lib.delete_saved_search("favourites") is False
    with Library(library_dir) as lib:
        assert lib.saved_searches() == [("Agents to read", "is:unread agents")]


def test_a_malformed_or_empty_saved_search_is_refused(library):
    from reader.store import QueryError

    with pytest.raises(QueryError):
        library.save_search("broken", 'tag:"unclosed')
    with pytest.raises(QueryError):
        library.save_search("broken", "rating:abc")
    with pytest.raises(InvalidValue, match="name"):
        library.save_search("   ", "is:read")
    with pytest.raises(InvalidValue, match="no search"):
        library.save_search("empty", "  ")
    with pytest.raises(InvalidValue, match="no saved search"):
        library.rename_saved_search("missing", "other")
    assert library.saved_searches() == []


# ---------------------------------------------------------------- search strategies

def _searchable_library(library):
    entries = [entry(f"Common words paper {n}", abstract=f"shared text number {n}",
                     authors=[f"Author {n}", "Second Person"]) for n in range(60)]
    entries.append(entry("A unique okapi study", abstract="shared text"))
    library.store_digest("/d/many.txt", "1", digest(*entries))
    ids = sorted(library.paper_ids())
    library.set_read(ids[::3], True)
    library.set_rating(ids[::5], 4)
    library.add_tags(ids[::4], ["todo"])
    library.set_note(ids[1], "okapi remark")
    return ids


@pytest.mark.parametrize("query", [
    "shared", "shared text", "okapi", "common -okapi", "shared is:unread", "is:unread",
    "is:read", "-is:read", "is:unrated", "is:untagged", "tag:todo", "tag:TODO", "has:note",
    "shared rating:>=4", "okapi OR tag:todo", "author:person", "sha", "is:tagged",
    "rating:>=1", "rating:4", "rating:<=3", "rating:0", "rating:>=5",
])
def test_count_and_rows_agree_whichever_way_a_search_runs(library, query):
    _searchable_library(library)
    ids = library.paper_ids(query)
    assert library.count(query) == len(ids)
    assert [row.id for row in library.rows(query, limit=500)] == ids
    # Common words ("shared", in every paper) are checked while walking the sort index,
    # rare ones ("okapi") lead; both must give the order of the plain id sort.
    assert library.paper_ids(query, sort="title", descending=False) == sorted(
        ids, key=lambda i: (library.get_paper(i).title.casefold(), i))


def test_full_text_counts_follow_changes_from_this_and_other_connections(library, library_dir):
    _searchable_library(library)
    assert library.count("zebra") == 0
    library.set_note(1, "zebra")
    assert library.count("zebra") == 1
    with Library(library_dir) as other:
        other.set_note(2, "zebra too")
    assert library.count("zebra") == 2
    library.store_digest("/d/z.txt", "2", digest(entry("Zebra crossings")))
    assert library.count("zebra") == 3 == len(library.paper_ids("zebra"))


def test_imported_papers_are_in_the_full_text_index_with_their_authors(library):
    library.store_digest("/d/a.txt", "1", digest(
        entry("Plain title", abstract="about wombats", authors=["Grace Hopper", "Alan Turing"])))
    (a,) = library.paper_ids()
    row = library.conn.execute(
        "SELECT title, authors, abstract FROM papers_fts WHERE rowid = ?", (a,)).fetchone()
    # External content (schema v8): the index reads the authors' JSON list from `papers`.
    assert row == ("Plain title", '["Grace Hopper", "Alan Turing"]', "about wombats")
    assert library.paper_ids("author:turing wombats") == [a]


def test_read_marks_and_ratings_leave_the_full_text_row_alone(library):
    library.store_digest("/d/a.txt", "1", digest(entry("Quiet", abstract="text")))
    (a,) = library.paper_ids()
    before = library.conn.execute("SELECT count(*) FROM papers_fts_data").fetchone()[0]
    library.set_read([a], True)
    library.set_rating([a], 3)
    after = library.conn.execute("SELECT count(*) FROM papers_fts_data").fetchone()[0]
    assert after == before  # an FTS rewrite would have added a segment
    library.set_note(a, "now noted")
    assert library.paper_ids("noted") == [a]


def test_a_version_1_library_upgrades_to_cheaper_fts_writes_and_stays_searchable(
    library_dir, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        with Library(library_dir) as old:  # written as version 1 did, through its triggers
            old.conn.execute(
                "INSERT INTO papers (title, authors, added) VALUES ('Old okapi', '[\"Ann Bee\"]',"
                " '2024-01-01')")
            old.conn.execute("INSERT INTO paper_state (paper_id, note) VALUES (1, 'striped')")
            old.conn.commit()
    with Library(library_dir) as lib:
        assert lib.schema_version == migrations.latest_version() >= 3
        (a,) = lib.paper_ids()
        assert lib.paper_ids("okapi author:bee striped") == [a]
        lib.store_digest("/d/b.txt", "2", digest(entry("New wombat", abstract="burrows")))
        assert lib.count("wombat burrows") == 1
        lib.set_read(lib.paper_ids(), True)
        assert lib.paper_ids("striped is:read") == [a]
        lib.conn.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 0)")


def test_archived_column_is_the_same_through_sqlite_utils_as_the_old_alter_table(library):
    # v4 now runs sqlite-utils' add_column: an upgraded library must get the column the
    # raw "ADD COLUMN archived INTEGER NOT NULL DEFAULT 0" gave.
    column = [r for r in library.conn.execute("PRAGMA table_info(paper_state)") if r[1] == "archived"]
    assert [(name, kind, notnull, default) for _, name, kind, notnull, default, _ in column] == [
        ("archived", "INTEGER", 1, "0")]
    index = library.conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'paper_state_archived'").fetchone()[0]
    assert index.endswith("WHERE archived = 1")

"""Zotero libraries (zotero.sqlite, Better BibTeX JSON) and the exchange commands, run as a user would."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reader.exchange.zotero import read_zotero_sqlite
from reader.ingest import import_file
from reader.store import Library

REPO = Path(__file__).resolve().parents[2]

ZOTERO_SCHEMA = """
CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT);
CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT, libraryID INT, key TEXT);
CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT);
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value);
CREATE TABLE itemData (itemID INT, fieldID INT, valueID INT);
CREATE TABLE creators (creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT, fieldMode INT);
CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
CREATE TABLE itemCreators (itemID INT, creatorID INT, creatorTypeID INT, orderIndex INT);
CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE itemTags (itemID INT, tagID INT, type INT);
CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT, title TEXT);
CREATE TABLE itemAttachments (itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT, contentType TEXT, path TEXT);
CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY);
CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, collectionName TEXT);
CREATE TABLE collectionItems (collectionID INT, itemID INT, orderIndex INT);
"""


def make_zotero(path: Path) -> Path:
    """A small Zotero database: a preprint (arXiv id), a journal article (DOI), a note, a deleted item."""
    conn = sqlite3.connect(path)
    conn.executescript(ZOTERO_SCHEMA)
    conn.executemany("INSERT INTO itemTypes VALUES (?, ?)",
                     [(1, "preprint"), (2, "journalArticle"), (3, "note"), (4, "attachment")])
    names = ["title", "date", "archiveID", "url", "DOI", "publicationTitle", "volume", "pages", "extra", "repository"]
    conn.executemany("INSERT INTO fields VALUES (?, ?)", list(enumerate(names, 1)))
    conn.executemany("INSERT INTO items VALUES (?, ?, 1, ?)",
                     [(1, 1, "PREPRINT"), (2, 2, "ARTICLE"), (3, 3, "NOTE"), (4, 4, "ATTACH"), (5, 2, "GONE")])
    data = {
        1: {"title": "Attention Is All You Need", "date": "2017-06-12 2017-06-12", "archiveID": "arXiv:1706.03762",
            "url": "http://arxiv.org/abs/1706.03762", "repository": "arXiv", "extra": "Citation Key: vaswani2017"},
        2: {"title": "Highly accurate protein structure prediction", "date": "2021-08-00 August 2021",
            "DOI": "10.1038/s41586-021-03819-2", "publicationTitle": "Nature", "volume": "596", "pages": "583-589"},
        5: {"title": "Deleted paper"},
    }
    value_id = 0
    for item_id, fields in data.items():
        for name, value in fields.items():
            value_id += 1
            conn.execute("INSERT INTO itemDataValues VALUES (?, ?)", (value_id, value))
            conn.execute("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, names.index(name) + 1, value_id))
    conn.executemany("INSERT INTO creatorTypes VALUES (?, ?)", [(1, "author"), (2, "editor")])
    conn.executemany("INSERT INTO creators VALUES (?, ?, ?, ?)", [
        (1, "Ashish", "Vaswani", 0), (2, "", "DeepMind AlphaFold Team", 1), (3, "John", "Jumper", 0), (4, "Ed", "Itor", 0)])
    conn.executemany("INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                     [(1, 1, 1, 0), (2, 3, 1, 0), (2, 2, 1, 1), (2, 4, 2, 2)])
    conn.executemany("INSERT INTO tags VALUES (?, ?)", [(1, "transformers"), (2, "biology")])
    conn.executemany("INSERT INTO itemTags VALUES (?, ?, 0)", [(1, 1), (2, 2)])
    conn.execute("INSERT INTO itemNotes VALUES (3, 1, '<p>Read <b>twice</b>.</p>', '')")
    conn.execute("INSERT INTO itemAttachments VALUES (4, 1, 0, 'application/pdf', 'storage:vaswani.pdf')")
    conn.execute("INSERT INTO deletedItems VALUES (5)")
    conn.execute("INSERT INTO collections VALUES (1, 'Thesis')")
    conn.execute("INSERT INTO collectionItems VALUES (1, 2, 0)")
    conn.commit()
    conn.close()
    return path


def test_read_zotero_sqlite(tmp_path):
    items = {i.title: i for i in read_zotero_sqlite(make_zotero(tmp_path / "zotero.sqlite"))}
    assert set(items) == {"Attention Is All You Need", "Highly accurate protein structure prediction"}
    preprint = items["Attention Is All You Need"]
    assert (preprint.arxiv_id, preprint.citation_key, preprint.url, preprint.publisher) == (
        "1706.03762", "vaswani2017", None, None)
    assert preprint.published == "2017-06-12" and preprint.note == "Read twice."
    assert preprint.files[0].path == str(tmp_path / "storage" / "ATTACH" / "vaswani.pdf")
    article = items["Highly accurate protein structure prediction"]
    assert article.authors == ["John Jumper", "DeepMind AlphaFold Team"]  # the editor is no author
    assert (article.year, article.month, article.published) == (2021, 8, None)  # no day made up
    assert (article.journal, article.pages, article.tags) == ("Nature", "583--589", ["biology", "Thesis"])


def test_zotero_items_merge_with_papers_already_there(tmp_path):
    zotero = make_zotero(tmp_path / "zotero.sqlite")
    digest = tmp_path / "digest.md"
    digest.write_text("# Digest\n\n1. **Attention Is All You Need** https://arxiv.org/abs/1706.03762\n"
                      "2. **AlphaFold** https://doi.org/10.1038/s41586-021-03819-2\n", encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        import_file(lib, digest)
        before = lib.count()
        result = import_file(lib, zotero)
        assert (result.status, result.format, result.new, result.merged) == ("imported", "zotero", 0, 2)
        assert lib.count() == before
        attention = lib.list_papers("title:attention")[0]
        assert attention.tags == ["transformers"] and attention.note == "Read twice."
        assert attention.citation_key != "vaswani2017"  # the library's key, made first, stays
        assert import_file(lib, zotero).status == "unchanged"


def test_better_bibtex_json(tmp_path):
    document = {
        "config": {"id": "36a3b0b5-bad0-4a04-b79b-441c7cef77db", "label": "BetterBibTeX JSON"},
        "collections": {"ABC": {"name": "Reading group", "items": [7]}},
        "items": [{
            "itemID": 7, "itemType": "conferencePaper", "title": "Denoising Diffusion Probabilistic Models",
            "creators": [{"firstName": "Jonathan", "lastName": "Ho", "creatorType": "author"}],
            "date": "2020-12-06", "proceedingsTitle": "NeurIPS", "citationKey": "ho2020denoising",
            "tags": [{"tag": "diffusion"}], "notes": [{"note": "<p>Key paper</p>"}],
            "attachments": [{"path": "/papers/ho.pdf"}], "url": "https://arxiv.org/abs/2006.11239",
        }, {"itemType": "note", "note": "loose"}],
    }
    path = tmp_path / "library.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with Library(tmp_path / "lib") as lib:
        result = import_file(lib, path)
        assert (result.status, result.format, result.new) == ("imported", "zotero-json", 1)
        paper = lib.list_papers()[0]
    assert (paper.arxiv_id, paper.citation_key, paper.note) == ("2006.11239", "ho2020denoising", "Key paper")
    assert paper.tags == ["diffusion", "Reading group"] and paper.bib["booktitle"] == "NeurIPS"


def run(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", "--library", str(library), *args], capture_output=True,
        text=True, cwd=REPO, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_cli_zotero_backup_and_keys(tmp_path):
    library = tmp_path / "lib"
    zotero = make_zotero(tmp_path / "my-library.db")  # told by its SQLite header, not its name
    imported = run(library, "--json", "import", str(zotero))
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)[0]["format"] == "zotero"

    key = run(library, "key", "1")
    assert key.returncode == 0 and key.stdout.strip()
    assert run(library, "key", "1", "my key").returncode == 2  # one line: a space cannot be in a key
    changed = run(library, "--json", "key", "1", "mine2024")
    assert json.loads(changed.stdout)["citation_key"] == "mine2024"
    assert json.loads(run(library, "--json", "list", "key:MINE2024").stdout)[0]["id"] == 1

    bib = run(library, "export", "--with-state", "--format", "bibtex")
    assert "@misc{mine2024," in bib.stdout and "keywords = {transformers}" in bib.stdout
    backup = tmp_path / "backup.json"
    assert run(library, "export", "-o", str(backup)).returncode == 0
    restored = tmp_path / "restored"
    assert run(restored, "import", str(backup)).returncode == 0
    again = tmp_path / "again.json"
    assert run(restored, "export", "-o", str(again)).returncode == 0
    assert again.read_text(encoding="utf-8") == backup.read_text(encoding="utf-8")

    ris = tmp_path / "out.ris"
    assert run(library, "export", "-o", str(ris), "--with-state").returncode == 0
    assert "ID  - mine2024" in ris.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["refs.csl.json", "refs.csv"])
def test_cli_exports_import_back(tmp_path, name):
    library = tmp_path / "lib"
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{knuth1984literate,\n  title = {Literate Programming},\n  author = {Knuth, Donald E.},\n"
                   "  journal = {The Computer Journal},\n  year = {1984},\n  keywords = {classic},\n"
                   "  ranking = {rank4}\n}\n", encoding="utf-8")
    assert run(library, "import", str(bib)).returncode == 0
    out = tmp_path / name
    assert run(library, "export", "--with-state", "-o", str(out)).returncode == 0
    other = tmp_path / "other"
    assert run(other, "import", str(out)).returncode == 0
    paper = json.loads(run(other, "--json", "show", "1").stdout)
    assert (paper["title"], paper["tags"], paper["rating"]) == ("Literate Programming", ["classic"], 4)
    assert json.loads(run(other, "--json", "key", "1").stdout)["citation_key"] == "knuth1984literate"

"""Round trips through the library: .bib (JabRef, Zotero), JSON backup, RIS, CSL-JSON, CSV; stable keys."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pybtex.errors
import pytest
from pybtex.database import parse_string as pybtex_parse

from reader.export import export
from reader.parsers.bibtex import latex_to_text
from reader.ingest import import_file
from reader.store import Library
from shared_data import CORPUS_DIR, require_samples, sample_files

JABREF_BIB = r"""% Encoding: UTF-8

@Article{vaswani2017attention,
  title = {{Attention Is All You Need for $\alpha$-Nets}},
  author = {Vaswani, Ashish and Shazeer, Noam and van Beethoven, Jr., Ludwig and {OpenAI Team}},
  journal = {Advances in Neural Information Processing Systems},
  volume = {30},
  number = {2},
  pages = {5998--6008},
  publisher = {Curran Associates},
  year = {2017},
  eprint = {1706.03762},
  archivePrefix = {arXiv},
  primaryClass = {cs.CL},
  doi = {10.5555/3295222.3295349},
  url = {https://papers.nips.cc/paper/7181},
  isbn = {978-1-5108-6096-4},
  owner = {me},
  groups = {thesis},
  keywords = {attention, thesis, transformers},
  readstatus = {read},
  ranking = {rank5},
  comment = {The transformer paper.},
  file = {Full text:papers/vaswani.pdf:PDF}
}

@InProceedings{smith2016bare,
  title = {{A Bare Year Paper}},
  author = {Smith, John},
  booktitle = {Proceedings of Things},
  pages = {1--10},
  year = {2016},
  readstatus = {read},
  ranking = {rank2},
  keywords = {baseline}
}
"""

ZOTERO_BIB = r"""
@article{garcia_marquez_2020,
	title = {Cien años de {Soledad} en el aprendizaje},
	volume = {7},
	doi = {10.1000/xyz(123)},
	journal = {Revista},
	author = {García Márquez, Gabriel},
	year = {2020},
	keywords = {novela; realismo},
	annote = {Leído en 2021.},
	file = {PDF:C\:\\Zotero\\storage\\ABCD\\garcia.pdf:application/pdf},
	pages = {12--34},
}
"""


def _import(lib: Library, folder: Path, name: str, text: str):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    result = import_file(lib, path)
    assert result.status == "imported", result.error
    return result


def _entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return {e.key: {f.key.lower(): str(f.value) for f in e.fields} for e in library.entries}


@pytest.mark.parametrize("source", [JABREF_BIB, ZOTERO_BIB], ids=["jabref", "zotero"])
def test_bib_with_reference_manager_fields_comes_back_with_every_field(tmp_path, source):
    with Library(tmp_path / "lib") as lib:
        _import(lib, tmp_path, "refs.bib", source)
        written = export(lib.list_papers(), "bibtex", with_state=True)
    before, after = _entries(source), _entries(written)
    assert set(after) == set(before)  # the keys are the file's own
    renamed = {"comment": "annote"}  # the note is written back as annote (never printed)
    for key, fields in before.items():
        for name, value in fields.items():
            name = renamed.get(name, name)
            if name == "title":  # inner braces only protect case: the whole title is braced
                assert latex_to_text(after[key]["title"]) == latex_to_text(value)
            elif name in ("keywords", "groups"):
                assert set(after[key]["keywords"].split(", ")) >= {v.strip() for v in value.replace(";", ",").split(",")}
            else:
                assert after[key][name.lower()] == value, (key, name)
    for key in before:  # and parses strictly with an independent reader
        pybtex.errors.set_strict_mode(True)
        pybtex_parse(written, "bibtex")


def test_bib_state_lands_in_the_library(tmp_path):
    with Library(tmp_path / "lib") as lib:
        _import(lib, tmp_path, "refs.bib", JABREF_BIB)
        attention = lib.get_paper(lib.paper_with_key("vaswani2017attention"))
        assert attention.tags == ["attention", "thesis", "transformers"]
        assert attention.read and attention.rating == 5 and attention.note == "The transformer paper."
        assert attention.bib["files"] == [{"path": "papers/vaswani.pdf", "description": "Full text", "type": "PDF"}]
        bare = lib.get_paper(lib.paper_with_key("smith2016bare"))
        assert bare.published == "2016"  # a bare year stays a year
        assert bare.read and bare.rating == 2
        assert lib.paper_ids("year:2016") == [bare.id]


def _library_with_everything(tmp_path: Path) -> Path:
    folder = tmp_path / "full"
    with Library(folder) as lib:
        _import(lib, tmp_path, "refs.bib", JABREF_BIB)
        _import(lib, tmp_path, "digest.md", "# Digest\n\n1. **Chain of Thought Prompting** "
                "https://arxiv.org/abs/2201.11903 score 8.5\n2. **Attention** https://arxiv.org/abs/1706.03762\n")
        ids = lib.paper_ids()
        lib.add_tags(ids[:1], ["mine"])
        lib.set_note(ids[0], "a *note*")
        lib.archive_papers(ids[-1:])
    return folder


def _backup(folder: Path) -> str:
    with Library(folder) as lib:
        return export(lib.list_papers("is:archived OR -is:archived", sort="added"), "json", digests=lib.digests())


def test_json_backup_restores_an_empty_library_exactly(tmp_path):
    original = _backup(_library_with_everything(tmp_path))
    (tmp_path / "backup.json").write_text(original, encoding="utf-8")
    with Library(tmp_path / "empty") as lib:
        result = import_file(lib, tmp_path / "backup.json")
        assert (result.status, result.format, result.new) == ("imported", "backup", 3)
    assert _backup(tmp_path / "empty") == original
    document = json.loads(original)
    assert any(p["archived"] for p in document["papers"]) and any(p["sightings"] for p in document["papers"])


def test_json_backup_into_a_full_library_adds_no_duplicates_and_keeps_its_state(tmp_path):
    folder = _library_with_everything(tmp_path)
    (tmp_path / "backup.json").write_text(_backup(folder), encoding="utf-8")
    with Library(folder) as lib:
        attention = lib.paper_with_key("vaswani2017attention")
        lib.set_rating([attention], 1)  # changed after the backup: the user's newer state wins
        before = lib.count("is:archived OR -is:archived")
        result = import_file(lib, tmp_path / "backup.json")
        assert result.status == "imported" and result.new == 0
        assert lib.count("is:archived OR -is:archived") == before
        assert lib.get_paper(attention).rating == 1


@pytest.mark.parametrize("fmt", ["ris", "csl-json", "bibtex", "csv"])
def test_export_import_export_is_stable(tmp_path, fmt):
    folder = _library_with_everything(tmp_path)
    with Library(folder) as lib:
        first = export(lib.list_papers(sort="title"), fmt, with_state=True)
    suffix = {"ris": "ris", "csl-json": "json", "bibtex": "bib", "csv": "csv"}[fmt]
    with Library(tmp_path / "again") as lib:
        result = _import(lib, tmp_path, f"export.{suffix}", first)
        assert result.format == fmt.replace("bibtex", "bibtex")
        second = export(lib.list_papers(sort="title"), fmt, with_state=True)
        if fmt == "csv":  # ids differ between libraries; everything else comes back
            first, second = (_without_ids(text) for text in (first, second))
        assert second == first


def _without_ids(text: str) -> list[str]:
    return sorted(line.split(",", 1)[1] for line in text.splitlines()[1:])


def test_keys_are_the_same_in_any_order_and_after_a_re_import(tmp_path):
    folder = _library_with_everything(tmp_path)
    with Library(folder) as lib:
        by_title = _entries(export(lib.list_papers(sort="title"), "bibtex"))
        by_added = _entries(export(lib.list_papers(sort="added", descending=False), "bibtex"))
        again = export(lib.list_papers(sort="published"), "bibtex")
    assert set(by_title) == set(by_added) and by_title == by_added
    with Library(tmp_path / "other") as lib:
        _import(lib, tmp_path, "again.bib", again)
        assert _entries(export(lib.list_papers(), "bibtex")) == by_title


def test_an_arxiv_paper_has_eprint_archive_and_category(tmp_path):
    with Library(tmp_path / "lib") as lib:
        _import(lib, tmp_path, "refs.bib", JABREF_BIB)
        entry = _entries(export(lib.list_papers("key:vaswani2017attention"), "bibtex"))["vaswani2017attention"]
    assert (entry["eprint"], entry["archiveprefix"], entry["primaryclass"]) == ("1706.03762", "arXiv", "cs.CL")


def _strict_parse(text: str) -> None:
    pybtex.errors.set_strict_mode(True)
    try:
        data = pybtex_parse(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(False)
    assert data.entries
    assert bibtexparser.parse_string(text).failed_blocks == []


def test_exports_of_the_samples_parse_strictly(tmp_path):
    require_samples()
    with Library(tmp_path / "lib") as lib:
        for path in sample_files():
            assert import_file(lib, path).status == "imported", path
        papers = lib.list_papers()
        text = export(papers, "bibtex", with_state=True)
        arxiv = [p for p in papers if p.arxiv_id]
    _strict_parse(text)
    entries = _entries(text)
    assert len(entries) == len(papers)
    assert all(entries[p.citation_key]["archiveprefix"] == "arXiv" for p in arxiv)


def test_exports_of_the_corpus_bibtex_parse_strictly(tmp_path):
    files = sorted(CORPUS_DIR.glob("*.bib")) if CORPUS_DIR.is_dir() else []
    if not files:
        pytest.skip("../shared/corpus is absent: the corpus lives beside the project, not in it")
    with Library(tmp_path / "lib") as lib:
        for path in files:
            assert import_file(lib, path).status == "imported", path
        text = export(lib.list_papers(), "bibtex", with_state=True)
    _strict_parse(text)
    source = {}
    for path in files:
        source.update(_entries(path.read_text(encoding="utf-8")))
    written = _entries(text)
    for key, fields in source.items():  # the corpus's own keys, journals and venues come back
        assert key in written
        for name in ("booktitle", "journal", "doi", "address"):
            if name in fields:
                assert written[key][name] == fields[name], (key, name)

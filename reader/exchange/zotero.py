"""Zotero libraries read into CitationItems: a zotero.sqlite (through a copy) or a Better BibTeX JSON export."""

from __future__ import annotations

import html
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reader.exchange.item import CitationItem, FileLink, set_arxiv
from reader.exchange.names import from_csl_name
from reader.ids import DOI_RE, split_arxiv_id

SQLITE_HEADER = b"SQLite format 3\x00"
_TYPES = {
    "journalArticle": "article", "magazineArticle": "article", "newspaperArticle": "article",
    "conferencePaper": "inproceedings", "book": "book", "bookSection": "incollection",
    "thesis": "phdthesis", "report": "techreport", "preprint": "misc", "webpage": "online",
    "blogPost": "online", "manuscript": "unpublished", "document": "misc", "computerProgram": "misc",
}
_SKIPPED_TYPES = {"attachment", "note", "annotation"}
_AUTHOR_TYPES = {"author", "programmer", "contributor", "presenter"}
_EXTRA_KEY_RE = re.compile(r"^\s*Citation Key:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_EXTRA_ARXIV_RE = re.compile(r"^\s*arXiv:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_TAG_RE = re.compile(r"<[^>]{0,300}>")


class NotZotero(ValueError):
    """A file that is not a Zotero library; the message is for people."""


def is_sqlite(path: str | os.PathLike) -> bool:
    """Whether the file starts with SQLite's header (a zotero.sqlite whatever its name)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def read_zotero_sqlite(path: str | os.PathLike) -> list[CitationItem]:
    """The regular items of a Zotero database, never opening the original: Zotero holds a
    lock on it while it runs, so a copy in a temporary folder is read, read-only."""
    source = Path(path)
    with tempfile.TemporaryDirectory(prefix="digest-reader-zotero-") as folder:
        copy = Path(folder) / "zotero.sqlite"
        shutil.copyfile(source, copy)
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            return _read_database(conn, source.parent / "storage")
        except sqlite3.DatabaseError as error:
            raise NotZotero(f"{source.name} is a SQLite database but not a Zotero library ({error})") from None
        finally:
            conn.close()


def _read_database(conn: sqlite3.Connection, storage: Path) -> list[CitationItem]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"items", "itemData", "itemDataValues", "fields", "itemTypes"} <= tables:
        raise NotZotero("this SQLite database is not a Zotero library (no items/itemData tables)")
    deleted = {r[0] for r in conn.execute("SELECT itemID FROM deletedItems")} if "deletedItems" in tables else set()
    items: dict[int, dict[str, Any]] = {}
    for item_id, type_name, key in conn.execute(
        "SELECT i.itemID, t.typeName, i.key FROM items i JOIN itemTypes t ON t.itemTypeID = i.itemTypeID"
        " ORDER BY i.itemID"
    ):
        if type_name not in _SKIPPED_TYPES and item_id not in deleted:
            items[item_id] = {"itemType": type_name, "key": key, "creators": [], "tags": [],
                              "notes": [], "attachments": [], "collections": []}
    for item_id, name, value in conn.execute(
        "SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN fields f ON f.fieldID = d.fieldID"
        " JOIN itemDataValues v ON v.valueID = d.valueID"
    ):
        if item_id in items:
            items[item_id][name] = value
    _creators(conn, items)
    _related(conn, items, tables, storage, deleted)
    return [item_from_zotero(data) for data in items.values() if data.get("title")]


def _creators(conn: sqlite3.Connection, items: dict[int, dict[str, Any]]) -> None:
    for item_id, first, last, mode, kind in conn.execute(
        "SELECT ic.itemID, c.firstName, c.lastName, c.fieldMode, t.creatorType FROM itemCreators ic"
        " JOIN creators c ON c.creatorID = ic.creatorID"
        " JOIN creatorTypes t ON t.creatorTypeID = ic.creatorTypeID ORDER BY ic.itemID, ic.orderIndex"
    ):
        if item_id in items:
            creator = {"creatorType": kind, "lastName": last or ""}
            if mode == 1:
                creator = {"creatorType": kind, "name": last or ""}
            else:
                creator["firstName"] = first or ""
            items[item_id]["creators"].append(creator)


def _related(conn: sqlite3.Connection, items: dict[int, dict[str, Any]], tables: set[str],
             storage: Path, deleted: set[int]) -> None:
    """Tags, child notes, attachments and collections of each item."""
    if {"itemTags", "tags"} <= tables:
        for item_id, name in conn.execute(
            "SELECT it.itemID, t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID ORDER BY t.name"
        ):
            if item_id in items:
                items[item_id]["tags"].append({"tag": name})
    if "itemNotes" in tables:
        for parent, note, item_id in conn.execute(
            "SELECT parentItemID, note, itemID FROM itemNotes ORDER BY itemID"
        ):
            if parent in items and item_id not in deleted:
                items[parent]["notes"].append(note or "")
    if "itemAttachments" in tables:
        for parent, path, key, item_id in conn.execute(
            "SELECT a.parentItemID, a.path, i.key, a.itemID FROM itemAttachments a"
            " JOIN items i ON i.itemID = a.itemID ORDER BY a.itemID"
        ):
            if parent in items and path and item_id not in deleted:
                if path.startswith("storage:"):  # stored in Zotero's folder, under the attachment's key
                    path = str(storage / key / path.removeprefix("storage:"))
                items[parent]["attachments"].append({"path": path})
    if {"collections", "collectionItems"} <= tables:
        for item_id, name in conn.execute(
            "SELECT ci.itemID, c.collectionName FROM collectionItems ci"
            " JOIN collections c ON c.collectionID = ci.collectionID"
        ):
            if item_id in items:
                items[item_id]["collections"].append(name)


def read_better_bibtex_json(document: dict) -> list[CitationItem]:
    """Items of Better BibTeX's "BetterBibTeX JSON" export ({"config", "items", "collections"})."""
    collections = document.get("collections") if isinstance(document.get("collections"), dict) else {}
    names: dict[str, list[str]] = {}
    for collection in collections.values():
        if isinstance(collection, dict):
            for key in collection.get("items") or []:
                names.setdefault(str(key), []).append(str(collection.get("name") or ""))
    found = []
    for data in document.get("items") or []:
        if not isinstance(data, dict) or data.get("itemType") in _SKIPPED_TYPES or not data.get("title"):
            continue
        data = dict(data)
        data["collections"] = [n for n in names.get(str(data.get("itemID")), []) + names.get(str(data.get("key")), []) if n]
        found.append(item_from_zotero(data))
    return found


def is_better_bibtex_json(document: Any) -> bool:
    return (
        isinstance(document, dict) and isinstance(document.get("items"), list)
        and any(isinstance(i, dict) and "itemType" in i for i in document["items"][:20])
    )


def item_from_zotero(data: dict[str, Any]) -> CitationItem:
    """A CitationItem from Zotero's field names (the same in its database and in BBT JSON)."""
    kind = _TYPES.get(str(data.get("itemType")), "misc")
    container = _text(data.get("publicationTitle"))
    book = _text(data.get("proceedingsTitle") or data.get("bookTitle") or data.get("conferenceName"))
    extra = str(data.get("extra") or "")
    key = _text(data.get("citationKey") or data.get("citekey"))
    if not key and (found := _EXTRA_KEY_RE.search(extra)):
        key = found.group(1)
    item = CitationItem(
        title=_text(data.get("title")) or "",
        authors=_authors(data.get("creators") or []),
        entry_type=kind,
        citation_key=key,
        journal=container if kind not in {"inproceedings", "incollection"} else None,
        booktitle=book or (container if kind in {"inproceedings", "incollection"} else None),
        volume=_text(data.get("volume")),
        number=_text(data.get("issue") or (data.get("number") if kind == "techreport" else None)),
        pages=re.sub(r"\s*(?:-+|–|—)\s*", "--", _text(data.get("pages")) or "") or None,
        publisher=_text(data.get("publisher")),
        url=_text(data.get("url")),
        abstract=(str(data.get("abstractNote") or "").strip() or None),
    )
    _read_date(item, str(data.get("date") or ""))
    doi = DOI_RE.search(str(data.get("DOI") or ""))
    item.doi = doi.group(1) if doi else None
    _read_arxiv(item, data, extra)
    tags = [t.get("tag") if isinstance(t, dict) else t for t in data.get("tags") or []]
    item.tags = list(dict.fromkeys(" ".join(str(t).split()) for t in [*tags, *data.get("collections", [])] if t and str(t).strip()))
    notes = [_note_text(n.get("note") if isinstance(n, dict) else n) for n in data.get("notes") or []]
    item.note = "\n\n".join(n for n in notes if n) or None
    item.files = [FileLink(path=p, filetype="PDF" if p.lower().endswith(".pdf") else "")
                  for p in _paths(data.get("attachments") or [])]
    return item


def _text(value: Any) -> str | None:
    return " ".join(str(value).split()) or None if value else None


def _authors(creators: Iterable[Any]) -> list[str]:
    names = []
    for creator in creators:
        if not isinstance(creator, dict) or creator.get("creatorType", "author") not in _AUTHOR_TYPES:
            continue
        if creator.get("name"):
            names.append(from_csl_name({"literal": creator["name"]}))
        else:
            names.append(from_csl_name({"family": creator.get("lastName"), "given": creator.get("firstName")}))
    return [name for name in names if name]


def _read_date(item: CitationItem, value: str) -> None:
    """Zotero's "2017-06-12 June 12, 2017" (00 for unknown parts) or a plain date."""
    found = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if not found or found.group(1) == "0000":
        return
    item.year = int(found.group(1))
    month = int(found.group(2) or 0)
    day = int(found.group(3) or 0)
    if 1 <= month <= 12:
        item.month = month
        if 1 <= day <= 31:
            item.published = f"{item.year:04d}-{month:02d}-{day:02d}"


def _read_arxiv(item: CitationItem, data: dict[str, Any], extra: str) -> None:
    candidates = [str(data.get("archiveID") or ""), str(data.get("number") or "") if data.get("itemType") == "preprint" else ""]
    if found := _EXTRA_ARXIV_RE.search(extra):
        candidates.append(found.group(1))
    if item.doi and item.doi.lower().startswith("10.48550/arxiv."):
        candidates.append(item.doi[len("10.48550/arxiv."):])
    if item.url and "arxiv.org/" in item.url.lower():
        candidates.append(item.url)
    for text in candidates:
        found_id = split_arxiv_id(text.removeprefix("arXiv:").strip()) if text else None
        if found_id:
            set_arxiv(item, found_id)
            if item.url and item.url.rstrip("/").endswith(found_id[0]):
                item.url = None
            if (item.publisher or "").lower() == "arxiv":
                item.publisher = None  # Zotero names the repository as the publisher
            return


def _note_text(note: Any) -> str:
    """A Zotero note (HTML) as plain text, paragraphs kept."""
    text = re.sub(r"</p\s*>|<br\s*/?>", "\n\n", str(note or ""), flags=re.IGNORECASE)
    text = html.unescape(_TAG_RE.sub("", text))
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _paths(attachments: Iterable[Any]) -> list[str]:
    return [str(a.get("path") or a.get("localPath")) for a in attachments
            if isinstance(a, dict) and (a.get("path") or a.get("localPath"))]

"""The Qt-free store: one SQLite library of papers, digests and the user's own state."""

from reader.store.db import DB_NAME, normalize_path, stored_path
from reader.store.digests import DUPLICATE_PREFIX
from reader.store.errors import (
    BUSY_MESSAGE, InvalidValue, LibraryBusy, LibraryError, QueryError, UnknownPaper,
)
from reader.store.library import Library
from reader.store.merge import title_key
from reader.store.planner import SORT_KEYS
from reader.store.search import Search
from reader.store.records import (
    DeletedPapers, DigestRecord, PaperDetail, PaperRow, SightingRecord, UserState,
)
from reader.store.state import clean_tags

__all__ = [
    "Library", "Search",
    "LibraryError", "UnknownPaper", "LibraryBusy", "InvalidValue", "QueryError",
    "PaperRow", "PaperDetail", "SightingRecord", "DigestRecord", "UserState", "DeletedPapers",
    "DB_NAME", "SORT_KEYS", "BUSY_MESSAGE", "DUPLICATE_PREFIX",
    "normalize_path", "stored_path", "title_key", "clean_tags",
]

"""The library's errors: each message is meant for the user."""

from __future__ import annotations

from pathlib import Path

from reader.store.query import QueryError

__all__ = ["BUSY_MESSAGE", "LibraryError", "UnknownPaper", "LibraryBusy", "InvalidValue", "QueryError"]

BUSY_MESSAGE = "database is locked"  # in LibraryBusy's message: the watcher retries on it


class LibraryError(Exception):
    """Something the library cannot do; the message is meant for the user."""


class UnknownPaper(LibraryError, KeyError):
    def __init__(self, paper_id: int) -> None:
        super().__init__(f"no paper with id {paper_id}")
        self.paper_id = paper_id

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0])


class LibraryBusy(LibraryError):
    """Another process kept the library locked for writing longer than we waited."""

    def __init__(self, folder: Path, waited: float) -> None:
        super().__init__(
            f"the library at {folder} is busy: another program has been writing to it for"
            f" over {waited:g} s ({BUSY_MESSAGE}); nothing was changed, try again later"
        )


class InvalidValue(LibraryError, ValueError):
    """A value outside what the library accepts (a rating of 7, an unknown sort key)."""

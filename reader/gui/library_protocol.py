"""What the GUI reads from a library: the typing.Protocol its views are typed against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from reader.store import DigestRecord, PaperDetail, PaperRow, Search, UserState

Query = Search | str


class LibraryView(Protocol):
    """The reads of reader.store.Library that the views use (a fake can stand in)."""

    def count(self, query: Query = "") -> int: ...
    def known_count(self, query: Query = "") -> int | None: ...

    def rows(
        self, query: Query = "", sort: str = "added", descending: bool = True,
        limit: int = 200, offset: int = 0, after: int | None = None,
    ) -> list[PaperRow]: ...

    def rows_by_ids(self, ids: Sequence[int]) -> list[PaperRow]: ...

    def paper_ids(
        self, query: Query = "", sort: str = "added", descending: bool = True,
        limit: int | None = None,
    ) -> list[int]: ...

    def matches(self, paper_id: int, query: Query = "") -> bool: ...

    def get_paper(self, paper_id: int) -> PaperDetail: ...

    def digests(self) -> list[DigestRecord]: ...

    def tag_counts(self) -> list[tuple[str, int]]: ...

    def saved_searches(self) -> list[tuple[str, str]]: ...

    def user_state(self, ids: Iterable[int]) -> dict[int, UserState]: ...

    def get_setting(self, key: str, default: Any = None) -> Any: ...

    def data_version(self) -> int: ...

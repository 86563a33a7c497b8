"""The Search value: a query parsed once where the user typed it, combined with others as nodes."""

from __future__ import annotations

from dataclasses import dataclass

from reader.store.query import And, Node, parse_query

__all__ = ["Search", "join_texts"]


@dataclass(frozen=True)
class Search:
    """A query parsed once, where the user typed it; combined with others as nodes.

    `text` is kept for people (titles, saving a search); the library only reads `node`."""

    node: Node | None = None
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> "Search":
        """Raises QueryError with a message for the user."""
        return cls(parse_query(text), text.strip())

    @classmethod
    def of(cls, query: "Search | str | None") -> "Search":
        """The boundary where text is still accepted: parsed here, once."""
        if isinstance(query, Search):
            return query
        return cls.parse(query or "")

    def and_(self, other: "Search | str") -> "Search":
        """Papers matching both; an empty side leaves the other as it is."""
        other = Search.of(other)
        text = join_texts(self.text, other.text)
        if other.node is None or self.node is None:
            return Search(self.node if other.node is None else other.node, text)
        left = self.node.children if isinstance(self.node, And) else (self.node,)
        right = other.node.children if isinstance(other.node, And) else (other.node,)
        return Search(And((*left, *right)), text)

    def __bool__(self) -> bool:
        return self.node is not None

    def __str__(self) -> str:
        return self.text


def join_texts(left: str, right: str) -> str:
    """Two query texts as one that reads back the same (OR binds looser than AND)."""
    left, right = left.strip(), right.strip()

    def part(text: str) -> str:
        return f"({text})" if left and right and " OR " in f" {text} " else text

    return " ".join(part(text) for text in (left, right) if text)

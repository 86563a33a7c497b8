"""The search language: parse user text into a small AST and compile it to an SQL WHERE clause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING, Union

from reader.store.fetch_query import FETCH_STATES, fetch_state_select
if TYPE_CHECKING:  # fulltext imports this module
    from reader.store.fulltext import TextMatch

RATING_RANGE = range(0, 6)  # 0 means "not rated"
MAX_DEPTH = 50  # nesting of ( and -: far past any real query, far below Python's recursion limit
MAX_NUMBER = 2**63 - 1  # SQLite's largest integer
COMPARISON_RE = re.compile(r"^(>=|<=|>|<|=)?(\d+)$")
NO_FORMAT = "none"  # format:none, the digests no format could read (the sidebar's "Not recognised")

IS_VALUES = ("read", "unread", "rated", "unrated", "tagged", "untagged", "archived", *FETCH_STATES)
HAS_VALUES = (
    "note", "code", "abstract", "pdf", "doi", "arxiv", "tags", "rating", "translation", "homepage",
)
TEXT_COLUMNS = {"author": "authors", "title": "title", "abstract": "abstract", "note": "note"}
FILTER_KEYS = ("tag", "is", "has", "rating", "seen", "year", "digest", "format", "key", *TEXT_COLUMNS)


class QueryError(ValueError):
    """A query the user typed cannot be understood; str(error) says why, for people."""


@dataclass(frozen=True)
class Text:
    """Words or a phrase to find with full-text search, optionally in one column."""

    phrase: str
    column: str | None = None  # an FTS column name; None searches every column
    prefix: bool = False  # the last word also matches longer words ("transf" -> "transformer")


@dataclass(frozen=True)
class Filter:
    """A `key:value` condition on a column or on user state."""

    key: str
    value: str
    op: str = "="


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


Node = Union[Text, Filter, Not, And, Or]


# ---------------------------------------------------------------- lexing

@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "OR", "AND", "NOT", "TERM"
    key: str | None = None
    value: str = ""
    quoted: bool = False


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and its closing quote, and the index after it."""
    end = text.find('"', start + 1)
    if end < 0:
        snippet = text[start:start + 30]
        raise QueryError(f'unclosed quote: add a closing " after {snippet}')
    return text[start + 1:end], end + 1


def _read_word(text: str, start: int, depth: int) -> tuple[_Token, int]:
    i = start
    while i < len(text) and not text[i].isspace():
        if text[i] == ")" and depth > 0:
            break
        if text[i] == '"' and i > start and text[i - 1] == ":" and _is_key(text[start:i - 1]):
            value, end = _read_quoted(text, i)
            return _Token("TERM", text[start:i - 1].lower(), value, quoted=True), end
        i += 1
    word = text[start:i]
    key, sep, value = word.partition(":")
    if sep and value and _is_key(key) and not value.startswith("//"):
        return _Token("TERM", key.lower(), value), i
    if sep and not value and key.lower() in FILTER_KEYS:
        return _Token("TERM", key.lower(), ""), i  # "tag:" alone: the filter says what it needs
    if word in ("OR", "AND", "NOT"):
        return _Token(word), i
    return _Token("TERM", None, word), i


def _is_key(word: str) -> bool:
    return word.isascii() and word.isalpha()


def tokenize(text: str) -> list[_Token]:
    """Split query text into tokens; raises QueryError on unclosed quotes or parentheses."""
    tokens: list[_Token] = []
    depth, i = 0, 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            tokens.append(_Token("("))
            depth, i = depth + 1, i + 1
        elif char == ")" and depth > 0:
            tokens.append(_Token(")"))
            depth, i = depth - 1, i + 1
        elif char == "-" and i + 1 < len(text) and not text[i + 1].isspace():
            tokens.append(_Token("NOT"))
            i += 1
        elif char == '"':
            value, i = _read_quoted(text, i)
            tokens.append(_Token("TERM", None, value, quoted=True))
        else:
            token, i = _read_word(text, i, depth)
            tokens.append(token)
    if depth > 0:
        raise QueryError("unclosed parenthesis: add a ')'")
    return tokens


# ---------------------------------------------------------------- parsing

class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary+."""

    def __init__(self, tokens: list[_Token], prefix_last: bool) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0  # open "(" and "-" around the current token: bounds the recursion
        self.prefix_index = len(tokens) - 1 if prefix_last else -1

    def peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:  # only a stray ")" can be left over
            raise QueryError("unexpected ')'")
        return node

    def or_expr(self) -> Node | None:
        if self.peek() == "OR":
            raise QueryError("OR needs a search term on both sides")
        branches = [self.and_expr()]
        while self.peek() == "OR":
            self.pos += 1
            if self.peek() in (None, ")", "OR"):
                raise QueryError("OR needs a search term on both sides")
            branches.append(self.and_expr())
        return _combine(Or, branches)

    def and_expr(self) -> Node | None:
        parts: list[Node | None] = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
                if self.peek() in (None, ")", "OR", "AND") or not parts:
                    raise QueryError("AND needs a search term on both sides")
                continue
            parts.append(self.unary())
        return _combine(And, parts)

    def unary(self) -> Node | None:
        if self.peek() == "NOT":
            self.pos += 1
            if self.peek() in (None, ")", "OR", "AND"):
                raise QueryError("nothing to exclude after '-'")
            child = self._nested(self.unary)
            return Not(child) if child is not None else None
        return self.atom()

    def _nested(self, parse: Callable[[], Node | None]) -> Node | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"query too deeply nested (more than {MAX_DEPTH} levels of ( or -)")
        try:
            return parse()
        finally:
            self.depth -= 1

    def atom(self) -> Node | None:
        token = self.tokens[self.pos]
        index = self.pos
        self.pos += 1
        if token.kind == "(":
            if self.peek() == ")":
                raise QueryError("empty parentheses: put a search term inside ( )")
            node = self._nested(self.or_expr)
            if self.peek() != ")":
                raise QueryError("unclosed parenthesis: add a ')'")
            self.pos += 1
            return node
        return make_term(token, prefix=index == self.prefix_index)


def _combine(kind: type, parts: list[Node | None]) -> Node | None:
    """And/Or of the parts that constrain anything; terms with nothing searchable drop out."""
    kept = [part for part in parts if part is not None]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kind(tuple(kept))


def make_term(token: _Token, prefix: bool = False) -> Node | None:
    if token.key is None:
        if not _searchable(token.value):
            return None
        # A one-letter prefix would match most of the index: wait for the second letter.
        prefix = prefix and not token.quoted and sum(c.isalnum() for c in token.value) >= 2
        return Text(token.value, prefix=prefix)
    return _make_filter(token.key, token.value.strip())


def _make_filter(key: str, value: str) -> Node | None:
    if key not in FILTER_KEYS:
        known = ", ".join(f"{k}:" for k in FILTER_KEYS)
        raise QueryError(f"unknown filter '{key}:' (known filters: {known})")
    if not value:
        raise QueryError(f"'{key}:' needs a value, e.g. {_EXAMPLES[key]}")
    if key in TEXT_COLUMNS:
        if not _searchable(value):
            raise QueryError(f"'{key}:{value}' has no word to search for, e.g. {_EXAMPLES[key]}")
        return Text(value, column=TEXT_COLUMNS[key])
    if key == "is":
        return Filter("is", _choice(key, value, IS_VALUES))
    if key == "has":
        return Filter("has", _choice(key, value, HAS_VALUES))
    if key == "rating":
        op, number = _comparison(key, value)
        if number not in RATING_RANGE:
            raise QueryError(f"rating:{value}: ratings go from 0 (not rated) to 5")
        return Filter("rating", str(number), op)
    if key == "seen":
        op, number = _comparison(key, value)
        return Filter("seen", str(number), op)
    if key == "year":
        op, number = _comparison(key, value)
        if not 1000 <= number <= 9999:
            raise QueryError(f"year:{value}: write the year with four digits, e.g. year:2024")
        return Filter("year", str(number), op)
    return Filter(key, value)


_EXAMPLES = {
    "tag": "tag:toread", "is": "is:unread", "has": "has:note", "rating": "rating:>=4",
    "seen": "seen:>=2", "year": "year:2024", "digest": "digest:2024-10",
    "format": "format:newsletter", "key": "key:vaswani2017attention",
    "author": "author:hinton", "title": "title:diffusion", "abstract": "abstract:benchmark",
    "note": "note:idea",
}


def _choice(key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value.lower() not in allowed:
        options = ", ".join(f"{key}:{a}" for a in allowed)
        raise QueryError(f"unknown value '{key}:{value}' (use {options})")
    return value.lower()


def _comparison(key: str, value: str) -> tuple[str, int]:
    match = COMPARISON_RE.match(value.replace(" ", ""))
    if not match:
        raise QueryError(
            f"{key}:{value}: expected a number, optionally after >, >=, < or <= "
            f"(e.g. {_EXAMPLES[key]})"
        )
    digits = match.group(2).lstrip("0") or "0"
    if len(digits) > len(str(MAX_NUMBER)) or int(digits) > MAX_NUMBER:
        raise QueryError(f"{key}:{_snippet(value)}: the number is too large")
    return match.group(1) or "=", int(digits)


def _snippet(text: str, size: int = 20) -> str:
    return text if len(text) <= size else text[:size] + "…"


def _searchable(text: str) -> bool:
    """Whether full-text search sees any word in `text` (it ignores punctuation)."""
    return any(char.isalnum() for char in text)


def parse_query(text: str) -> Node | None:
    """The AST of a query; None for an empty query (everything). Raises QueryError."""
    tokens = tokenize(text)
    prefix_last = bool(text) and not text[-1].isspace()
    return _Parser(tokens, prefix_last).parse()


# ---------------------------------------------------------------- compiling

@dataclass(frozen=True)
class StateCondition:
    """A query that is one condition on paper_state alone (`rating:>=1`, `-is:read`): the
    planner counts it in that table, which holds at most one row per paper."""

    condition: str  # over paper_state's columns
    params: tuple
    negated: bool


@dataclass
class CompiledQuery:
    """A WHERE clause over `papers p` with its parameters, and hints for the planner.

    `fts_only` is the whole query as one full-text condition (fulltext.TextMatch) when it is
    nothing but text (so the full-text indexes alone can count it); `matches` are the ones
    that could drive the query (none of them under a NOT); `state_only` is set when the
    query is one condition on paper_state."""

    where: str
    params: list
    fts_only: "TextMatch | None" = None
    matches: tuple["TextMatch", ...] = ()
    state_only: StateCondition | None = None


def compile_query(
    node: Node | None, fts_drives: bool = True, lookups: bool = True,
    hide_archived: bool = False, per_row: bool = False,
) -> CompiledQuery:
    """Compile the AST. With fts_drives=False, full-text conditions are only checked, never
    used to look papers up one by one: for common words, walking an index in sort order
    and checking each paper against the matches is far cheaper than fetching every match.
    lookups=False does the same for every condition (the `+` keeps SQLite from using it to
    find papers), so a first page walks the sort index until it has enough papers.
    per_row=True writes each filter (not the full-text conditions) as a lookup for the paper
    at hand (`EXISTS (... AND paper_id = p.id)`) instead of a list SQLite reads whole
    first: for a walk that stops after a page (reader.store.streamed), reading the 900,000
    unread papers of `is:unread` to check 200 of them is the larger part of its cost."""
    compiler = _Compiler(fts_drives=fts_drives and lookups, lookups=lookups, per_row=per_row)
    where = "1" if node is None else compiler.sql(node)
    if hide_archived:
        # Never with a `+`: this condition must never lead the lookup either way.
        where = f"({where}) AND {per_row_check(ARCHIVED_OUT) if per_row else ARCHIVED_OUT}"
    fts_only = None if node is None else _text_match([node])
    matches = () if node is None else tuple(_driving_matches(node))
    return CompiledQuery(where, compiler.params, fts_only, matches, _state_only(node))


def where_clause(text: str) -> CompiledQuery:
    """Parse and compile in one step; raises QueryError."""
    return compile_query(parse_query(text))


ARCHIVED_OUT = "p.id NOT IN (SELECT paper_id FROM paper_state WHERE archived = 1)"


# The compiler's membership tests: `p.id [NOT] IN (SELECT key FROM source [WHERE condition])`.
MEMBERSHIP = re.compile(r"^p\.id (NOT )?IN \(SELECT (\S+) FROM (.*)\)$", re.DOTALL)


def filter_papers(node: Node | None) -> tuple[str, list] | None:
    """`SELECT DISTINCT key AS id FROM …`: the papers a filter held in a side table lists
    (`rating:>=1`, `tag:x`, `has:note`, `digest:…`), read from that table's index, and its
    parameters; None for any other node (a negated filter, words, a paper's own column)."""
    if not isinstance(node, Filter):
        return None
    lookup = compile_query(node)
    found = MEMBERSHIP.match(lookup.where)
    if found is None or found.group(1):  # not a list of papers, or a negated one
        return None
    _negated, key, source = found.groups()
    return f"SELECT DISTINCT {key} AS id FROM {source}", list(lookup.params)


def per_row_check(membership: str) -> str:
    """`p.id [NOT] IN (SELECT key FROM ... [WHERE ...])` as `[NOT] EXISTS (... key = p.id)`:
    a lookup of the one paper through the key's index, where SQLite reads the IN list whole."""
    found = MEMBERSHIP.match(membership)
    assert found is not None, membership  # the compiler's own SELECTs all have this form
    negated, key, rest = found.groups()
    source, _, condition = rest.partition(" WHERE ")  # the first WHERE is the outer one
    where = f"({condition}) AND {key} = p.id" if condition else f"{key} = p.id"
    return f"{negated or ''}EXISTS (SELECT 1 FROM {source} WHERE {where})"


def mentions_archived(node: Node | None) -> bool:
    """Whether the query asks about archiving itself (`is:archived`, `-is:archived`): only
    such a query sees archived papers; every other one leaves them out."""
    if isinstance(node, Filter):
        return node.key == "is" and node.value == "archived"
    if isinstance(node, Not):
        return mentions_archived(node.child)
    if isinstance(node, (And, Or)):
        return any(mentions_archived(child) for child in node.children)
    return False


def digest_scope(node: Node | None) -> Filter | None:
    """The `digest:` or `format:` filter that the whole query is limited to (a top-level
    term), whose sightings give the "position" and "score" sorts; None when there is none."""
    children = node.children if isinstance(node, And) else (node,)
    for key in ("digest", "format"):
        for child in children:
            if isinstance(child, Filter) and child.key == key:
                return child
    return None


def fts_phrase(text: str, prefix: bool = False) -> str:
    """`text` as one quoted FTS5 phrase, so no character the user types is FTS syntax."""
    phrase = '"' + text.replace('"', '""') + '"'
    return phrase + "*" if prefix else phrase


def _fts_expression(node: Node) -> str | None:
    """The node as one FTS5 MATCH expression, or None when it needs SQL (filters, NOT)."""
    if isinstance(node, Text):
        phrase = fts_phrase(node.phrase, node.prefix)
        return f"{node.column} : {phrase}" if node.column else phrase
    if isinstance(node, (And, Or)):
        parts = [_fts_expression(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        joiner = " AND " if isinstance(node, And) else " OR "
        return "(" + joiner.join(parts) + ")"
    return None


def _driving_matches(node: Node) -> list["TextMatch"]:
    """The full-text conditions the compiler emits for `node` outside any NOT, as it groups them."""
    if _fts_expression(node) is not None:
        return [_text_match([node])]
    if isinstance(node, And):
        text = _text_match(node.children)
        found = [text] if text is not None else []
        for child in node.children:
            if _fts_expression(child) is None:
                found += _driving_matches(child)
        return found
    return []  # NOT, filters, and an OR mixing text with filters cannot be led by FTS


def _text_match(nodes: "tuple[Node, ...] | list[Node]") -> "TextMatch | None":
    """The full-text nodes among `nodes`, ANDed, as one condition over both FTS tables."""
    from reader.store.fulltext import TextMatch  # it imports this module

    text = [node for node in nodes if _fts_expression(node) is not None]
    return None if not text else TextMatch(text[0] if len(text) == 1 else And(tuple(text)))


_HAS_COLUMN = {
    "code": "code_url", "abstract": "abstract", "pdf": "pdf_url", "doi": "doi",
    "arxiv": "arxiv_id", "translation": "translation", "homepage": "homepage_url",
}
# Filters on paper_state alone: (condition over its columns, whether the filter negates it).
_STATE_FILTERS = {
    ("is", "read"): ("read = 1", False),
    ("is", "unread"): ("read = 1", True),
    ("is", "rated"): ("rating IS NOT NULL", False),
    ("is", "unrated"): ("rating IS NOT NULL", True),
    ("is", "archived"): ("archived = 1", False),
    ("has", "note"): ("note IS NOT NULL", False),
    ("has", "rating"): ("rating IS NOT NULL", False),
}
_TAGGED = "SELECT paper_id FROM paper_tags"


def _state_filter(node: Filter) -> tuple[str, list, bool] | None:
    """(condition on paper_state, its parameters, negated) when the filter is one; None else."""
    if (node.key, node.value) in _STATE_FILTERS:
        condition, negated = _STATE_FILTERS[node.key, node.value]
        return condition, [], negated
    if node.key == "rating":
        return _rating_condition(node.op, int(node.value))
    return None


def _state_only(node: Node | None) -> StateCondition | None:
    negated = False
    if isinstance(node, Not):
        node, negated = node.child, True
    if not isinstance(node, Filter):
        return None
    found = _state_filter(node)
    if found is None or found[0] in ("1", "0"):
        return None
    condition, params, inner_negated = found
    return StateCondition(condition, tuple(params), negated != inner_negated)


class _Compiler:
    """Emits SQL for nodes, collecting parameters; decides which `p.id IN (...)` conditions
    may lead the lookup (a `+` in front keeps SQLite from using one that way)."""

    def __init__(self, fts_drives: bool, lookups: bool, per_row: bool = False) -> None:
        self.params: list = []
        self.fts_drives = fts_drives
        self.lookups = lookups
        self.per_row = per_row

    def _in(self, select: str, fts: bool = False) -> str:
        if self.per_row and not fts:
            return per_row_check(f"p.id IN ({select})")
        leads = self.fts_drives if fts else self.lookups
        return f"{'' if leads else '+'}p.id IN ({select})"

    def sql(self, node: Node) -> str:
        if _fts_expression(node) is not None:
            return self._text(_text_match([node]))
        if isinstance(node, Not):
            return f"NOT ({self.sql(node.child)})"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.sql(child) for child in node.children) + ")"
        if isinstance(node, And):
            return self._and(node)
        return self._filter(node)

    def _and(self, node: And) -> str:
        # All full-text parts of an AND share one MATCH: one index lookup instead of several.
        text = _text_match(node.children)
        others = [c for c in node.children if _fts_expression(c) is None]
        clauses = [] if text is None else [self._text(text)]
        clauses.extend(self.sql(child) for child in others)
        return "(" + " AND ".join(clauses) + ")"

    def _text(self, text: "TextMatch") -> str:
        sql, params = text.condition(leads=self.fts_drives)
        self.params.extend(params)
        return sql

    def _filter(self, node: Filter) -> str:
        key, value = node.key, node.value
        state = _state_filter(node)
        if state is not None:
            condition, params, negated = state
            if condition in ("1", "0"):
                return condition
            self.params.extend(params)
            found = self._in(f"SELECT paper_id FROM paper_state WHERE {condition}")
            return f"NOT {found}" if negated else found
        if (key, value) in (("is", "tagged"), ("has", "tags")):
            return self._in(_TAGGED)
        if (key, value) == ("is", "untagged"):
            return f"NOT {self._in(_TAGGED)}" if self.per_row else f"p.id NOT IN ({_TAGGED})"
        if key == "is" and value in FETCH_STATES:
            return self._in(fetch_state_select(value))
        if key == "has":
            column = _HAS_COLUMN[value]
            return f"(p.{column} IS NOT NULL AND p.{column} != '')"
        if key == "tag":
            self.params.append(value)
            return self._in("SELECT paper_id FROM paper_tags WHERE tag = ?")
        if key in ("digest", "format"):
            # From the (few) digests to their sightings: the sightings key starts with digest_id.
            digests = digest_ids_sql(node, self.params)
            return self._in(f"SELECT s.paper_id FROM sightings s WHERE s.digest_id IN ({digests})")
        if key == "seen":
            self.params.append(int(value))
            return f"p.seen {node.op} ?"
        if key == "year":
            return _year_sql(node.op, int(value), self.params)
        if key == "key":
            # The citation key, whole and without regard to case (the column's collation);
            # "vaswani2017*" finds every key with that start.
            if value.endswith("*"):
                escaped = value[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                self.params.append(escaped + "%")
                return "p.citation_key LIKE ? ESCAPE '\\'"
            self.params.append(value)
            return "p.citation_key = ?"
        raise QueryError(f"unknown filter '{key}:'")  # unreachable: the parser checks keys


def digest_ids_sql(node: Filter, params: list) -> str:
    """A SELECT of the ids of the digests a `digest:` or `format:` filter names."""
    if node.key == "digest":
        escaped = node.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
        return "SELECT d.id FROM digests d WHERE d.path LIKE ? ESCAPE '\\'"
    if node.value.lower() == NO_FORMAT:
        return "SELECT d.id FROM digests d WHERE coalesce(d.format, '') = ''"
    params.append(node.value)
    return "SELECT d.id FROM digests d WHERE d.format = ? COLLATE NOCASE"


def _year_sql(op: str, year: int, params: list) -> str:
    # Dates are ISO strings, so year bounds are string bounds the papers_date index can use.
    low, high = f"{year:04d}", f"{year + 1:04d}"
    date = PAPER_DATE
    bounds = {
        "=": (f"{date} >= ? AND {date} < ?", [low, high]),
        ">=": (f"{date} >= ?", [low]),
        ">": (f"{date} >= ?", [high]),
        "<": (f"{date} < ?", [low]),
        "<=": (f"{date} < ?", [high]),
    }
    sql, values = bounds[op]
    params.extend(values)
    return f"({sql})"


# A paper's date: its publication date, else the year and month of its arXiv id (2401.01234
# is from January 2024), so papers known only by their id are found by year: and sorted.
# Exactly the expression of the papers_date index (migration 5), which SQLite uses only for
# the same expression.
PAPER_DATE = (
    "coalesce(p.published, CASE WHEN p.arxiv_id GLOB '[0-9][0-9][0-9][0-9].*'"
    " THEN '20' || substr(p.arxiv_id, 1, 2) || '-' || substr(p.arxiv_id, 3, 2) END)"
)


def _rating_condition(op: str, number: int) -> tuple[str, list, bool]:
    """An unrated paper counts as 0; rated papers hold 1-5 in paper_state. "1" and "0"
    stand for a condition every paper, or none, meets."""
    compare = {
        "=": lambda r: r == number, ">": lambda r: r > number, ">=": lambda r: r >= number,
        "<": lambda r: r < number, "<=": lambda r: r <= number,
    }[op]
    wanted = [r for r in RATING_RANGE if compare(r)]
    rated = [r for r in wanted if r > 0]
    if 0 in wanted:
        unwanted = [r for r in range(1, 6) if r not in rated]
        if not unwanted:
            return "1", [], False
        return f"rating IN ({', '.join('?' * len(unwanted))})", unwanted, True
    if not rated:
        return "0", [], False
    return f"rating IN ({', '.join('?' * len(rated))})", rated, False

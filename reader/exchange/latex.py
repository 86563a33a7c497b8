"""LaTeX text for BibTeX fields: escaping plain text outside math, and reading it back."""

from __future__ import annotations

import re

from reader.parsers.bibtex import latex_to_text

# $...$, $$...$$ and \(...\): an escaped \$ never opens or closes math.
_MATH_RE = re.compile(r"(?<!\\)\$\$(?:[^$]|\\\$)+?(?<!\\)\$\$|(?<!\\)\$(?:[^$\n]|\\\$)+?(?<!\\)\$|\\\(.+?\\\)")
_PLAIN_SPECIALS = {
    "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
# A backslash that starts a command or escape is LaTeX the text already holds.
_COMMAND_RE = re.compile(r"\\(?:[A-Za-z]+|[&%#_{}$~^\\\"'`=.,;:! -])")
_PLACEHOLDER_RE = re.compile("\x00(\\d+)\x00")


def math_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each math span whose braces balance (others are plain text)."""
    return [m.span() for m in _MATH_RE.finditer(text) if balanced(m.group(0))]


def balanced(text: str) -> bool:
    """Whether the unescaped braces of `text` nest properly (BibTeX needs nothing else)."""
    depth = 0
    for index in _brace_positions(text):
        depth += 1 if text[index] == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _brace_positions(text: str) -> list[int]:
    positions, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char in "{}":
            positions.append(index)
        index += 1
    return positions


def escape_text(text: str) -> str:
    """`text` as a BibTeX field body LaTeX prints as meant.

    Math spans, LaTeX commands and balanced braces are kept (they are markup the title
    carries); & % # _ $ ~ ^ and unpaired braces or backslashes elsewhere are escaped.
    """
    out, last = [], 0
    for start, end in math_spans(text):
        out.append(_escape_plain(text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    unmatched = _unmatched_braces(text)
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            command = _COMMAND_RE.match(text, index)
            if command:
                out.append(command.group(0))
                index = command.end()
                continue
            out.append(r"\textbackslash{}")
        elif char in "{}":
            out.append("\\" + char if index in unmatched else char)
        else:
            out.append(_PLAIN_SPECIALS.get(char, char))
        index += 1
    return "".join(out)


def _unmatched_braces(text: str) -> set[int]:
    stack: list[int] = []
    unmatched: set[int] = set()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            command = _COMMAND_RE.match(text, index)
            index = command.end() if command else index + 1
            continue
        if char == "{":
            stack.append(index)
        elif char == "}":
            if stack:
                stack.pop()
            else:
                unmatched.add(index)
        index += 1
    return unmatched | set(stack)


def verbatim(value: str) -> str:
    """A DOI or URL as its field body: never escaped, since BibTeX styles print it verbatim;
    only braces that would unbalance the entry are percent-encoded."""
    value = value.strip()
    if balanced(value) and not value.endswith("\\"):
        return value
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def text_from_latex(value: str) -> str:
    """Plain Unicode text of a field body: accents and escapes resolved, math kept as written."""
    spans = math_spans(value)
    if not spans:
        return latex_to_text(value)
    kept: list[str] = []
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(value[last:start])
        pieces.append(f"\x00{len(kept)}\x00")
        kept.append(value[start:end])
        last = end
    pieces.append(value[last:])
    text = latex_to_text("".join(pieces))
    return _PLACEHOLDER_RE.sub(lambda m: kept[int(m.group(1))], text)


def unescape_verbatim(value: str) -> str:
    """A DOI or URL some exporter escaped like text (10.1000/a\\_b) back to its real form."""
    return re.sub(r"\\([_%&#~$])", r"\1", value.strip())

"""LaTeX text for BibTeX fields: escaping plain text outside math, and reading it back."""

from __future__ import annotations

import re
import unicodedata

# LaTeX accent commands and the Unicode combining marks they stand for.
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
    "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
    "textendash": "–", "textemdash": "—", "textunderscore": "_", "textbar": "|",
    "textless": "<", "textgreater": ">", "textquotedbl": '"', "textquotesingle": "'",
    "S": "§", "P": "¶", "dag": "†", "copyright": "©", "LaTeX": "LaTeX", "TeX": "TeX",
}
# Commands that only style their argument: the argument is kept, the command dropped.
_STYLE_COMMANDS = r"emph|text(?:bf|it|tt|sc|rm|sf|up|sl|normal)|mbox|textsuperscript|textsubscript"
_LATEX_TOKEN_RE = re.compile(
    r"\\(?P<accent>[\"'`^~=.])\s*(?:\{\s*(?P<abase>\\?[A-Za-z])\s*\}|(?P<abare>\\?[A-Za-z]))"
    r"|\\(?P<laccent>[uvHckrdb])(?:\s*\{\s*(?P<lbase>\\?[A-Za-z])\s*\}|\s+(?P<lbare>[A-Za-z]))"
    r"|\\(?P<symbol>" + "|".join(sorted(_SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|[ \t]?)"
    r"|\\(?P<escaped>[&%$#_{} ])"
    r"|(?P<linebreak>\\\\)"
    r"|\\(?:" + _STYLE_COMMANDS + r")\s*(?=\{)"
    r"|(?P<brace>[{}])"
    r"|(?P<tie>~)"
)


def latex_to_text(value: str) -> str:
    """Plain Unicode text of a BibTeX field: accents, escapes and braces resolved.

    Unknown commands and math stay as written, so nothing the user typed is lost.
    """
    text = _LATEX_TOKEN_RE.sub(_latex_token, value)
    paragraphs = re.split(r"\n[ \t]*\n\s*", text.strip())
    return unicodedata.normalize("NFC", "\n\n".join(" ".join(p.split()) for p in paragraphs))


def _latex_token(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups["accent"] or groups["laccent"]:
        mark = _ACCENTS[groups["accent"] or groups["laccent"]]
        base = groups["abase"] or groups["abare"] or groups["lbase"] or groups["lbare"]
        base = {"\\i": "i", "\\j": "j"}.get(base, base)
        return base.lstrip("\\") + mark
    if groups["symbol"]:
        return _SYMBOLS[groups["symbol"]]
    if groups["escaped"]:
        return groups["escaped"]
    if groups["tie"] or groups["linebreak"]:
        return " "
    return ""  # a grouping brace or a style command's name


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

"""Author names: display form <-> BibTeX ("von Last, Jr., First"), RIS and CSL-JSON forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from reader.exchange.latex import escape_text, text_from_latex

_SUFFIX_RE = re.compile(r"^(?:jr|sr|jnr|snr|ii|iii|iv|v|vi|2nd|3rd|4th)\.?$", re.IGNORECASE)
# Name particles BibTeX calls "von"; any lower-case word before the last name counts
# (BibTeX's own rule), this list only tells particles from English function words.
PARTICLES = {
    "van", "von", "der", "den", "de", "da", "di", "del", "della", "des", "du", "la", "le",
    "ter", "ten", "zu", "zum", "zur", "dos", "das", "do", "bin", "ibn", "al", "el", "y", "af",
    "av", "op", "'t", "d'", "l'",
}
# Words that make a several-word name an organisation. Surnames that are also such words
# (Center, Union, Board) are left out: a person must not lose their first name.
_CORPORATE_WORDS = {
    "team", "consortium", "collaboration", "collaborators", "group", "project", "committee",
    "council", "association", "society", "institute", "institution", "university",
    "laboratory", "laboratories", "lab", "labs", "foundation", "organization", "organisation",
    "agency", "inc", "ltd", "llc", "corporation", "corp", "company", "gmbh", "initiative",
    "alliance", "authors", "contributors", "developers", "community", "department",
    "ministry", "federation", "commission", "academy", "openai", "deepmind", "google",
    "microsoft", "nvidia", "anthropic", "meta", "ibm", "alibaba", "baidu", "tencent",
    "huawei", "mistral", "qwen", "bigscience", "eleutherai", "allenai", "research",
}
_FUNCTION_WORDS = {"and", "&", "for", "of", "the", "on", "in", "at"}


@dataclass(frozen=True)
class NameParts:
    """A name as BibTeX splits it; an organisation keeps its whole name in `last`."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    corporate: bool = False


def is_corporate(name: str) -> bool:
    """Whether a (several-word) display name names an organisation rather than a person."""
    words = [w.strip(".,()").casefold() for w in name.split()]
    if len(words) < 2:
        return False
    if any(w in _CORPORATE_WORDS for w in words):
        return True
    return any(w in _FUNCTION_WORDS for w in words)


def _is_braced_whole(name: str) -> bool:
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return True


def _split_commas(name: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(name):
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif char == "," and depth == 0:
            parts.append(name[start:index].strip())
            start = index + 1
    parts.append(name[start:].strip())
    return parts


# A digest's "Yuwei Guo et.al." is kept as one author "Yuwei Guo et al."; the names of
# a citation are the name before it ("and others" in BibTeX), never "et" and "al.".
_ET_AL_RE = re.compile(r"\s*,?\s+et\.?\s*al(?:ii|ia)?\.?$", re.IGNORECASE)


def strip_et_al(display: str) -> tuple[str, bool]:
    """`display` without a trailing "et al." and whether it had one."""
    name = _ET_AL_RE.sub("", display.strip())
    return (name, True) if name and name != display.strip() else (display, False)


def parse_name(display: str) -> NameParts:
    """Parts of a display name: "First von Last", "First von Last, Jr.", "von Last, First",
    "von Last, Jr., First", "{Organisation}" or a recognised organisation's plain name
    ("First Last et al." is read as "First Last")."""
    name = " ".join(strip_et_al(display)[0].split())
    if _is_braced_whole(name):
        return NameParts(last=name[1:-1].strip(), corporate=True)
    if is_corporate(name):
        return NameParts(last=name, corporate=True)
    parts = _split_commas(name)
    jr = ""
    if len(parts) == 2 and _SUFFIX_RE.match(parts[1]):
        name, jr = parts[0], parts[1]
    elif len(parts) == 1:
        words = name.split()
        if len(words) > 2 and _SUFFIX_RE.match(words[-1]):
            name, jr = " ".join(words[:-1]), words[-1]
    plain = _plain_split(name)
    if plain is not None:
        return NameParts(first=plain[0], last=plain[1], jr=jr)
    split = parse_single_name_into_parts(name, strict=False)
    return NameParts(
        first=" ".join(split.first),
        von=" ".join(split.von),
        last=" ".join(split.last),
        jr=jr or " ".join(split.jr),
    )


def _plain_split(name: str) -> tuple[str, str] | None:
    """(first, last) of a name of plain words, as BibTeX splits it: the last word is the last
    name when no word starts lower-case (two words always split so). None for a name with
    braces, escapes, commas or ties, or a von part: bibtexparser reads those. It reads a name
    a character at a time, which was most of the cost of making keys at import."""
    if any(mark in name for mark in "{}\\,~"):
        return None
    words = name.split(" ")
    if "" in words:
        return None
    if len(words) > 2 and any(_starts_lower(word) for word in words):
        return None
    return " ".join(words[:-1]), words[-1]


def _starts_lower(word: str) -> bool:
    """Whether the first letter of `word` is not upper-case (BibTeX's von words)."""
    letter = next((char for char in word if char.isalpha()), None)
    return letter is not None and not letter.isupper()


def display_name(parts: NameParts) -> str:
    """The display form of `parts`, one that parse_name reads back to the same parts."""
    if parts.corporate or (not parts.first and not parts.von and not parts.jr and " " in parts.last):
        plain = parts.last
        return plain if is_corporate(plain) or " " not in plain else "{" + plain + "}"
    family = " ".join(p for p in (parts.von, parts.last) if p)
    # A several-word last name, or a capitalised particle, only survives in comma form.
    if " " in parts.last or (parts.von and not parts.von[:1].islower()):
        pieces = [family, parts.jr, parts.first] if parts.jr else [family, parts.first]
        return ", ".join(p for p in pieces if p) if parts.first else family
    plain = " ".join(p for p in (parts.first, family) if p)
    return f"{plain}, {parts.jr}" if parts.jr else plain


def family_name(display: str) -> str:
    """The last name without particles ("Beethoven"), or an organisation's whole name."""
    return parse_name(display).last


# BibTeX -------------------------------------------------------------------------


def to_bibtex_name(display: str) -> str:
    """One name in BibTeX's unambiguous "von Last, Jr., First" form; organisations braced."""
    parts = parse_name(display)
    if parts.corporate:
        return "{" + escape_text(parts.last) + "}"
    family = escape_text(" ".join(p for p in (parts.von, parts.last) if p))
    if any(word[:1].islower() for word in parts.last.split()):
        # Braced, so BibTeX cannot take a lower-case word of the last name for a particle.
        family = (escape_text(parts.von) + " " if parts.von else "") + "{" + escape_text(parts.last) + "}"
    pieces = [family]
    if parts.jr:
        pieces.append(escape_text(parts.jr))
    if parts.first:
        pieces.append(escape_text(parts.first))
    elif parts.jr:
        pieces.append("")
    return ", ".join(pieces) if len(pieces) > 1 else family


def join_bibtex_names(names: list[str]) -> str:
    """The `author` field body for `names` ("… and others" after a "Name et al.")."""
    body = " and ".join(to_bibtex_name(n) for n in names if n.strip())
    if body and any(strip_et_al(n)[1] for n in names):
        body += " and others"
    return body


def split_bibtex_names(value: str) -> list[str]:
    """Display names of a BibTeX `author`/`editor` body; "and others" is dropped."""
    names = []
    for raw in split_multiple_persons_names(" ".join(value.split())):
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if _is_braced_whole(raw):
            names.append(display_name(NameParts(last=text_from_latex(raw[1:-1]), corporate=True)))
            continue
        try:
            split = parse_single_name_into_parts(raw, strict=False)
        except Exception:  # a name bibtexparser cannot split stays whole rather than vanish
            names.append(text_from_latex(raw))
            continue
        parts = NameParts(
            first=text_from_latex(" ".join(split.first)),
            von=text_from_latex(" ".join(split.von)),
            last=text_from_latex(" ".join(split.last)),
            jr=text_from_latex(" ".join(split.jr)),
        )
        names.append(display_name(parts))
    return names


# RIS ("Last, First, Suffix") ------------------------------------------------------


def to_ris_name(display: str) -> str:
    """RIS AU form: "van Beethoven, Ludwig, Jr."; an organisation has no comma."""
    parts = parse_name(display)
    if parts.corporate:
        return parts.last
    family = " ".join(p for p in (parts.von, parts.last) if p)
    pieces = [family, parts.first] + ([parts.jr] if parts.jr else [])
    return ", ".join(pieces) if parts.first or parts.jr else family


def from_ris_name(value: str) -> str:
    """Display form of a RIS AU value; a name without a comma is an organisation (as
    Zotero writes them) unless it is a single word."""
    pieces = [p.strip() for p in value.split(",")]
    if len(pieces) == 1:
        name = " ".join(pieces[0].split())
        return display_name(NameParts(last=name, corporate=" " in name))
    family, first = pieces[0], pieces[1]
    jr = ", ".join(p for p in pieces[2:] if p)
    # Parsed in comma form, where every capitalised word is last name ("García Márquez").
    split = parse_single_name_into_parts(family + ", x", strict=False) if family else None
    von = " ".join(split.von) if split else ""
    last = " ".join(split.last) if split else family
    return display_name(NameParts(first=first, von=von, last=last, jr=jr))


# CSL-JSON --------------------------------------------------------------------------


def to_csl_name(display: str) -> dict[str, str]:
    """A CSL name object: family/given/non-dropping-particle/suffix, or literal."""
    parts = parse_name(display)
    if parts.corporate:
        return {"literal": parts.last}
    name = {"family": parts.last}
    if parts.first:
        name["given"] = parts.first
    if parts.von:
        name["non-dropping-particle"] = parts.von
    if parts.jr:
        name["suffix"] = parts.jr
    return name


def from_csl_name(value: object) -> str:
    """Display form of a CSL name object (or a bare string)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if not isinstance(value, dict):
        return ""
    literal = str(value.get("literal") or "").strip()
    if literal:
        return display_name(NameParts(last=" ".join(literal.split()), corporate=True))
    family = " ".join(str(value.get("family") or "").split())
    given = " ".join(str(value.get("given") or "").split())
    particle = " ".join(
        str(value.get(k) or "") for k in ("dropping-particle", "non-dropping-particle")
    ).strip()
    suffix = " ".join(str(value.get("suffix") or "").split())
    if not family:
        return given
    return display_name(NameParts(first=given, von=particle, last=family, jr=suffix))

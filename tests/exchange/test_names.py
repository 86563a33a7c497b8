"""Author names with particles, suffixes and organisations, checked against pybtex's own split."""

from __future__ import annotations

import pytest
from pybtex.database import Person

from reader.exchange.names import (
    from_csl_name, from_ris_name, join_bibtex_names, parse_name, split_bibtex_names,
    to_bibtex_name, to_csl_name, to_ris_name,
)

# display name, BibTeX form, (first, von, last, jr) as pybtex splits the BibTeX form
CASES = [
    ("Ashish Vaswani", "Vaswani, Ashish", ("Ashish", "", "Vaswani", "")),
    ("Ludwig van Beethoven, Jr.", "van Beethoven, Jr., Ludwig", ("Ludwig", "van", "Beethoven", "Jr.")),
    ("Ludwig van Beethoven Jr.", "van Beethoven, Jr., Ludwig", ("Ludwig", "van", "Beethoven", "Jr.")),
    ("Martin Luther King III", "King, III, Martin Luther", ("Martin Luther", "", "King", "III")),
    ("Vincent van der Berg", "van der Berg, Vincent", ("Vincent", "van der", "Berg", "")),
    ("Jean de la Fontaine", "de la Fontaine, Jean", ("Jean", "de la", "Fontaine", "")),
    ("Leonardo da Vinci", "da Vinci, Leonardo", ("Leonardo", "da", "Vinci", "")),
    ("García Márquez, Gabriel", "García Márquez, Gabriel", ("Gabriel", "", "García Márquez", "")),
    ("OpenAI Team", "{OpenAI Team}", ("", "", "{OpenAI Team}", "")),
    ("{Google DeepMind}", "{Google DeepMind}", ("", "", "{Google DeepMind}", "")),
    ("Center for AI Safety", "{Center for AI Safety}", ("", "", "{Center for AI Safety}", "")),
    ("Barnes and Noble Research", "{Barnes and Noble Research}", ("", "", "{Barnes and Noble Research}", "")),
    ("Plato", "Plato", ("", "", "Plato", "")),
    ("Aidan N. Gomez", "Gomez, Aidan N.", ("Aidan N.", "", "Gomez", "")),
]


@pytest.mark.parametrize(("display", "bibtex", "parts"), CASES)
def test_bibtex_form_is_split_by_pybtex_as_meant(display, bibtex, parts):
    assert to_bibtex_name(display) == bibtex
    person = Person(bibtex)
    first = " ".join(person.first_names + person.middle_names)
    got = (first, " ".join(person.prelast_names), " ".join(person.last_names), " ".join(person.lineage_names))
    assert got == parts


@pytest.mark.parametrize(("display", "bibtex", "parts"), CASES)
def test_every_form_reads_back_to_the_same_parts(display, bibtex, parts):
    expected = parse_name(display)
    for back in (
        split_bibtex_names(to_bibtex_name(display))[0],
        from_ris_name(to_ris_name(display)),
        from_csl_name(to_csl_name(display)),
    ):
        assert parse_name(back) == expected


def test_author_field_joins_with_and_and_splits_back():
    names = ["Ashish Vaswani", "Ludwig van Beethoven, Jr.", "OpenAI Team", "Jürgen Schmidhuber"]
    field = join_bibtex_names(names)
    assert field == "Vaswani, Ashish and van Beethoven, Jr., Ludwig and {OpenAI Team} and Schmidhuber, Jürgen"
    assert split_bibtex_names(field) == names


def test_reading_jabref_and_arxiv_author_fields():
    assert split_bibtex_names("Ashish Vaswani and Noam Shazeer and others") == ["Ashish Vaswani", "Noam Shazeer"]
    assert split_bibtex_names(r"M{\"u}ller, J{\"o}rg AND {The LIGO Scientific Collaboration}") == [
        "Jörg Müller", "The LIGO Scientific Collaboration",
    ]
    # An organisation the app cannot recognise keeps its braces, so it is written back whole.
    assert split_bibtex_names("{Anthropic Interpretability}") == ["Anthropic Interpretability"]
    assert split_bibtex_names("{Foo Bar}") == ["{Foo Bar}"]


def test_ris_and_csl_forms():
    assert to_ris_name("Ludwig van Beethoven, Jr.") == "van Beethoven, Ludwig, Jr."
    assert to_csl_name("Ludwig van Beethoven, Jr.") == {
        "family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van", "suffix": "Jr.",
    }
    assert to_csl_name("OpenAI Team") == {"literal": "OpenAI Team"}
    assert from_csl_name({"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}) == "Ludwig van Beethoven"


def test_a_digests_et_al_author_is_the_name_before_it():
    # arXiv-daily digests give "Yuwei Guo et.al.", kept as one author "Yuwei Guo et al.":
    # the citation names Guo (and others), never a person called "et al.".
    from reader.exchange.keys import base_key
    from reader.exchange.item import CitationItem

    for name in ("Yuwei Guo et al.", "Yuwei Guo et.al.", "Yuwei Guo, et al"):
        assert parse_name(name).last == "Guo"
        assert to_ris_name(name) == "Guo, Yuwei"
        assert to_csl_name(name) == {"family": "Guo", "given": "Yuwei"}
    assert join_bibtex_names(["Yuwei Guo et al."]) == "Guo, Yuwei and others"
    assert join_bibtex_names(["Yuwei Guo", "Ceyuan Yang"]) == "Guo, Yuwei and Yang, Ceyuan"
    item = CitationItem(title="AnimateDiff: Animate", authors=["Yuwei Guo et al."], year=2023)
    assert base_key(item) == "guo2023animatediff"


def test_plain_names_split_as_bibtexparser_splits_them():
    """parse_name splits plain "First ... Last" names itself (bibtexparser reads a name one
    character at a time); whatever it splits must come out as bibtexparser's split."""
    import random

    from bibtexparser.middlewares.names import parse_single_name_into_parts

    from reader.exchange.names import _plain_split

    words = ["Ann", "ann", "van", "De", "la", "Jr.", "II", "O'Brien", "Jean-Pierre", "émile", "Émile",
             "Straße", "李明", "ωmega", "ǅemal", "x2", "2x", "-", "A.", "a.", "d'Arc", "Mc", "_", "(x)"]
    rng = random.Random(3)
    split = 0
    for _ in range(5000):
        name = " ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
        plain = _plain_split(name)
        if plain is None:
            continue
        split += 1
        parts = parse_single_name_into_parts(name, strict=False)
        assert plain == (" ".join(parts.first), " ".join(parts.last)) and not parts.von and not parts.jr
    assert split > 1000

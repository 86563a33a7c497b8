"""Citation exchange (BibTeX, RIS, CSL-JSON) over plain CitationItem records, store-independent."""

from reader.exchange.bibtex_reader import from_bibtex
from reader.exchange.bibtex_writer import bibtex_entry, to_bibtex
from reader.exchange.csl import dumps_csl, from_csl, loads_csl, to_csl
from reader.exchange.item import CitationItem, FileLink
from reader.exchange.keys import assign_keys, base_key, unique_key
from reader.exchange.ris import from_ris, to_ris

__all__ = [
    "CitationItem", "FileLink",
    "assign_keys", "base_key", "unique_key",
    "to_bibtex", "bibtex_entry", "from_bibtex",
    "to_ris", "from_ris",
    "to_csl", "dumps_csl", "from_csl", "loads_csl",
]

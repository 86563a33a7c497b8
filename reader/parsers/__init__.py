"""Digest parsers: one module per format, registered in base.REGISTRY on import."""

from reader.parsers import base
from reader.parsers.base import ParseError, detect, parse_text

# Importing a format module registers its parser; order does not matter because
# detection is by confidence, not by position.
from reader.parsers import (  # noqa: F401,E402
    arxiv_listing,
    arxiv_table,
    bibtex,
    csv_table,
    daily_papers,
    feed,
    json_records,
    record_finder,
    newsletter,
    reference_json,
    ris,
    scored_list,
)

__all__ = ["base", "ParseError", "detect", "parse_text"]

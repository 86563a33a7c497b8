"""Digest parsers: one module per format, registered in base.REGISTRY on import."""

from reader.parsers import base
from reader.parsers.base import ParseError, detect, parse_text

# Importing a format module registers its parser; order does not matter because
# detection is by confidence, not by position.
from reader.parsers import (  # noqa: F401,E402
    arxiv_table,
    bibtex,
    daily_papers,
    generic,
    newsletter,
    scored_list,
)

__all__ = ["base", "ParseError", "detect", "parse_text"]

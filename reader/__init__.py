"""Digest Reader: a reading-list manager for research paper digests."""

__version__ = "0.1.0"

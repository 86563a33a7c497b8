"""Placeholder: the arxiv_table parser is being written."""

"""Placeholder: the generic parser is being written."""

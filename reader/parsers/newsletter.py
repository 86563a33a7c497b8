"""Placeholder: the newsletter parser is being written."""

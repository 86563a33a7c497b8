"""Placeholder: the scored_list parser is being written."""

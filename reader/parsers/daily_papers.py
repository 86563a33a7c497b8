"""Placeholder: the daily_papers parser is being written."""

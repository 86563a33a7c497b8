"""Where the library and the watched folder live by default, and how to override it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "digest-reader"
LIBRARY_ENV = "DIGEST_READER_LIBRARY"
WATCH_ENV = "DIGEST_READER_WATCH"
# The library setting that remembers the watched folder (the app and `watch` share it).
WATCH_FOLDER_SETTING = "watch_folder"
# Whether the app fetches missing details from arXiv and Crossref: off, ask or automatic.
FETCH_SETTING = "fetch_details"
FETCH_CHOICES = ("off", "ask", "automatic")
# The contact address Crossref's polite pool asks for (re-exported by reader.enrich.job);
# here so the Settings dialog reads it without loading the API clients.
MAILTO_SETTING = "crossref_mailto"


def default_library_dir() -> Path:
    """$DIGEST_READER_LIBRARY, else the platform's user data folder."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_watch_dir() -> Path:
    """$DIGEST_READER_WATCH, else ~/Digests."""
    env = os.environ.get(WATCH_ENV)
    if env:
        return Path(env).expanduser()
    return Path.home() / "Digests"


def fetch_setting(library) -> str:
    """off, ask (the default) or automatic: what the app does when papers lack details.

    Here, not in reader.enrich, so the app can read it at start without loading the clients."""
    value = library.get_setting(FETCH_SETTING, "ask")
    return value if value in FETCH_CHOICES else "ask"

"""The watched folder: report digest files once they are complete (watchdog, or polling)."""

from reader.watch.polling import filesystem_type, is_network_filesystem
from reader.watch.watcher import (
    STATUS_MISSING,
    STATUS_POLLING,
    STATUS_STOPPED,
    STATUS_WATCHING,
    FolderWatcher,
)

__all__ = [
    "STATUS_MISSING", "STATUS_POLLING", "STATUS_STOPPED", "STATUS_WATCHING",
    "FolderWatcher", "filesystem_type", "is_network_filesystem",
]

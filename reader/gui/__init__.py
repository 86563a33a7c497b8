"""The PySide6 desktop app: the only part of reader that imports Qt."""

"""Icons, style sheets and desktop-integration files, shipped as package data."""

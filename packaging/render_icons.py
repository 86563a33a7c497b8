"""Render the app icon SVG to the PNG sizes desktops ask for, and optionally a contact sheet.

Run from the repo root after editing resources/digest-reader.svg, then commit the PNGs:

    QT_QPA_PLATFORM=offscreen python3 packaging/render_icons.py
    QT_QPA_PLATFORM=offscreen python3 packaging/render_icons.py --contact-sheet /tmp/icons_sheet.png
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
APP_ICON = RESOURCES / "digest-reader.svg"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ACTION_ICON_COLOUR = "#5f6368"
DARK_THEME_ICON_COLOUR = "#e8eaed"


def png_path(size: int) -> Path:
    """Where the app icon PNG of this size lives."""
    return RESOURCES / "icons" / f"digest-reader-{size}.png"


def renderer_for(svg: bytes) -> QSvgRenderer:
    """A renderer for SVG bytes; fails loudly on an SVG Qt cannot read."""
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise SystemExit("Qt could not read the SVG")
    return renderer


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn into a transparent square image of size x size pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def render_app_icons() -> list[Path]:
    """Write every app icon PNG size; returns the files written."""
    renderer = renderer_for(APP_ICON.read_bytes())
    written = []
    for size in APP_ICON_SIZES:
        target = png_path(size)
        if not render(renderer, size).save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        written.append(target)
    return written


def action_icons() -> list[Path]:
    """The monochrome action icons, sorted by name (the app icon excluded)."""
    return sorted(p for p in (RESOURCES / "icons").glob("*.svg"))


def contact_sheet(target: Path) -> None:
    """Every action icon at 16, 24 and 48 px on a light and a dark strip, plus the app icon."""
    icons = action_icons()
    sizes = (16, 24, 48)
    cell = 56
    band = cell * len(sizes)
    sheet = QImage(cell * len(icons) + 20, band * 2 + 150, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#ffffff"))
    painter = QPainter(sheet)
    painter.fillRect(0, band, sheet.width(), band, QColor("#202124"))
    for column, icon in enumerate(icons):
        svg = icon.read_bytes()
        dark_svg = svg.replace(ACTION_ICON_COLOUR.encode(), DARK_THEME_ICON_COLOUR.encode())
        for row, size in enumerate(sizes):
            x = 10 + column * cell + (cell - size) // 2
            painter.drawImage(x, row * cell + (cell - size) // 2, render(renderer_for(svg), size))
            painter.drawImage(x, band + row * cell + (cell - size) // 2, render(renderer_for(dark_svg), size))
        painter.setPen(QColor("#202124"))
        painter.drawText(QRectF(10 + column * cell, band * 2 + 4, cell, 16),
                         Qt.AlignmentFlag.AlignCenter, icon.stem[:9])
    app_renderer = renderer_for(APP_ICON.read_bytes())
    x = 10
    for size in (16, 24, 32, 48, 64, 96):
        painter.drawImage(x, band * 2 + 30, render(app_renderer, size))
        painter.fillRect(x + size + 10, band * 2 + 30, size, size, QColor("#202124"))
        painter.drawImage(x + size + 10, band * 2 + 30, render(app_renderer, size))
        x += 2 * size + 30
    painter.end()
    sheet.save(str(target), "PNG")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contact-sheet", type=Path, metavar="PNG",
                        help="also draw all icons on light and dark backgrounds into this file")
    args = parser.parse_args(argv)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed for fonts
    for path in render_app_icons():
        print(path.relative_to(RESOURCES.parent))
    if args.contact_sheet:
        contact_sheet(args.contact_sheet)
        print(args.contact_sheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())

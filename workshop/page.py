"""The frame of the workshop's printable pages (the student sheet, the room card, the debrief
slides): one self-contained HTML file each, its style sheet (``styles/NAME.css``) inlined,
no scripts, fonts or images from anywhere, so that it opens and prints without a network."""

from __future__ import annotations

from html import escape
from pathlib import Path

__all__ = ["html_page", "write_page"]

STYLES = Path(__file__).resolve().parent / "styles"


def html_page(title: str, style: str, body: str) -> str:
    """A whole page: ``title`` (escaped), the style sheet ``styles/<style>.css`` inlined and
    ``body`` (HTML, already escaped where it holds text)."""
    css = (STYLES / f"{style}.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
{css}</style>
</head>
<body>
{body}
</body>
</html>
"""


def write_page(path: str | Path, text: str) -> Path:
    """Writes ``text`` to ``path`` (UTF-8) and returns the path."""
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path

"""The one palette: the colour and shape of each family, for every view.

Okabe-Ito colours (vermillion, blue, bluish green), each with at least 3:1 contrast against
both the light (#ffffff) and the dark (#121212) background, and a shape for each family so
that strategy is never told by colour alone. The Python views read these names; the
network view's JavaScript gets them through its ``palette`` trait, so nothing restates them.
"""

from __future__ import annotations

__all__ = [
    "BACKGROUNDS",
    "BROADCASTERS",
    "FAMILY_COLORS",
    "FAMILY_SHAPES",
    "INTERACTORS",
    "MIN_CONTRAST",
    "OTHERS",
    "STRATEGY_COLOURS",
    "contrast_ratio",
]

#: Colour of the broadcasters (vermillion), the interactors (blue), any other group (green).
BROADCASTERS, INTERACTORS, OTHERS = "#D55E00", "#0072B2", "#009E73"
#: The colours and the shapes in group-code order (broadcasters, interactors, others).
FAMILY_COLORS = (BROADCASTERS, INTERACTORS, OTHERS)
FAMILY_SHAPES = ("square", "circle", "triangle")

#: The colours a learner may give a strategy in the builder (name -> #RRGGBB): Okabe-Ito
#: reddish purple (the builder's default), bluish green, vermillion and blue, Paul Tol's
#: olive, and a neutral grey. Each has at least :data:`MIN_CONTRAST` against both
#: :data:`BACKGROUNDS` (tests/test_builder_tab.py checks it); the builder always shows the
#: name beside the swatch.
STRATEGY_COLOURS = {
    "Reddish purple": "#CC79A7",
    "Bluish green": "#009E73",
    "Vermillion": "#D55E00",
    "Blue": "#0072B2",
    "Olive": "#999933",
    "Grey": "#8A8A8A",
}
#: The light and the dark background of the app.
BACKGROUNDS = ("#ffffff", "#121212")
#: The least contrast a colour drawn on a background must have (WCAG 2.2 SC 1.4.11).
MIN_CONTRAST = 3.0


def _luminance(colour: str) -> float:
    """Relative luminance of ``#RRGGBB`` (WCAG 2.2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)

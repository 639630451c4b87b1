"""The one palette: the colour and shape of each family, for every view.

Okabe-Ito colours (vermillion, blue, bluish green), each with at least 3:1 contrast against
both the light (#ffffff) and the dark (#121212) background, and a shape for each family so
that strategy is never told by colour alone. The Python views read these names; the
network view's JavaScript gets them through its ``palette`` trait, so nothing restates them.
"""

from __future__ import annotations

__all__ = ["BROADCASTERS", "FAMILY_COLORS", "FAMILY_SHAPES", "INTERACTORS", "OTHERS"]

#: Colour of the broadcasters (vermillion), the interactors (blue), any other group (green).
BROADCASTERS, INTERACTORS, OTHERS = "#D55E00", "#0072B2", "#009E73"
#: The colours and the shapes in group-code order (broadcasters, interactors, others).
FAMILY_COLORS = (BROADCASTERS, INTERACTORS, OTHERS)
FAMILY_SHAPES = ("square", "circle", "triangle")

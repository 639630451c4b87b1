"""Where things sit on a laptop screen: what a learner sees without scrolling.

Fixtures (the server, Chromium, fresh contexts): ``conftest.py`` in this folder.
"""

from __future__ import annotations

import pytest

from classroom.run import CHARTS

#: The smallest laptop screen the issue names, and a larger one.
SCREENS = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s['width']}x{s['height']}")
def test_the_attention_chart_sits_beside_the_network_above_the_fold(open_app, screen):
    """The chart of attention paid to each family is wholly inside the first screen, to the
    right of the network view (not below it), without scrolling."""
    tab = open_app(viewport=screen)
    page = tab.page
    title = next(title for key, title, *_ in CHARTS if key == "attention")
    chart = page.locator(".lc-root", has_text=title).first
    network = page.locator("canvas.nv-canvas").first
    chart_box, network_box = chart.bounding_box(), network.bounding_box()
    assert chart_box is not None and network_box is not None
    assert page.evaluate("() => window.scrollY") == 0
    assert chart_box["y"] + chart_box["height"] <= screen["height"], (
        f"the chart ends at {chart_box['y'] + chart_box['height']:.0f} px, below the fold"
    )
    assert chart_box["x"] >= network_box["x"] + network_box["width"] - 1, "not beside it"
    assert chart_box["y"] < network_box["y"] + network_box["height"]

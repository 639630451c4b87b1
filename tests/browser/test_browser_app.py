"""The classroom app in a real browser: Debian's Chromium against the real server.

What a classroom sees and what no in-process test can show: the page starts with no
internet (every file from this machine), Play and Pause work, the broadcasters visibly fade,
two tabs are two separate runs. A full-page screenshot goes to artifacts/.

Fixtures (the server, Chromium, fresh contexts): ``conftest.py`` in this folder.
"""

from __future__ import annotations

import struct
import time

from classroom.run import CHARTS

from .conftest import ARTIFACTS, VIEWPORT, AppTab

#: Sums, over the network canvas, of how far each pixel leans to the broadcasters' colour
#: (vermillion #D55E00: red minus blue = 213 at full opacity on white) and to the
#: interactors' (blue #0072B2: blue minus red = 178). Each is the drawn opacity of that
#: group times its area in pixels, so their ratio between two moments of one run is how
#: much that group faded on screen. Waits for two animation frames so the last change is drawn.
INK_JS = """async (canvas) => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let orange = 0, blue = 0;
    for (let i = 0; i < d.length; i += 4) {
        const rb = d[i] - d[i + 2];
        if (rb > 0) orange += rb; else blue -= rb;
    }
    return { broadcasters: orange / 213, interactors: blue / 178 };
}"""


#: Height the window needs to show everything without scrolling: the document's, or the
#: window's plus the overflow of the tallest scrolling box.
FULL_HEIGHT_JS = """() => {
    let h = document.documentElement.scrollHeight;
    for (const e of document.querySelectorAll("*")) {
        const y = getComputedStyle(e).overflowY;
        if ((y === "auto" || y === "scroll") && e.scrollHeight > e.clientHeight + 1) {
            h = Math.max(h, innerHeight + e.scrollHeight - e.clientHeight);
        }
    }
    return Math.ceil(h);
}"""


def _ink(tab: AppTab) -> dict[str, float]:
    return tab.page.locator("canvas.nv-canvas").evaluate(INK_JS)


def _assert_within_page_width(tab: AppTab, what: str, locator) -> None:
    """Seen without scrolling sideways: inside the window's width (a canvas laid out far
    to the right, inside some horizontally scrolling box, counts as not shown)."""
    box = locator.bounding_box()
    width = tab.page.viewport_size["width"]
    assert box is not None, f"{what} is not displayed"
    assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (
        f"{what} lies outside the {width}px-wide window: x = {box['x']:.0f} to "
        f"{box['x'] + box['width']:.0f}"
    )


def _assert_clean(tab: AppTab) -> None:
    assert tab.foreign_requests() == [], "requests left this machine"
    assert tab.bad_responses == [], "the server answered with errors"
    assert tab.failed == [], "requests failed"
    assert tab.console_errors == [], "the page logged errors"


def test_page_loads_offline_with_network_and_charts(open_app):
    tab = open_app()
    page = tab.page
    assert tab.step() == 0
    canvas = page.locator("canvas.nv-canvas")
    assert canvas.is_visible()
    box = canvas.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    _assert_within_page_width(tab, "the network canvas", canvas)
    # the legend counts the people drawn: both groups are there
    legend = page.locator(".nv-legend").inner_text()
    assert "Broadcasters (" in legend and "Interactors (" in legend
    charts = page.locator(".lc-root canvas")
    assert charts.count() == len(CHARTS)
    for i in range(len(CHARTS)):
        assert charts.nth(i).is_visible()
        _assert_within_page_width(tab, f"chart {i + 1}", charts.nth(i))
    labels = " ".join(charts.nth(i).get_attribute("aria-label") or "" for i in range(len(CHARTS)))
    for _, title, *_ in CHARTS:
        assert title in labels, f"no chart titled {title!r}"
    # something was drawn: the network canvas is not blank
    ink = _ink(tab)
    assert ink["broadcasters"] > 100 and ink["interactors"] > 100, ink
    # the web socket and every file came from this server; nothing went wrong
    assert any(u.startswith("ws://127.0.0.1:") for u in tab.requests), tab.requests
    assert any("/_solara/cdn/" in u for u in tab.requests), "front-end files not from the cache"
    _assert_clean(tab)


def test_play_advances_the_step_counter_and_pause_stops_it(open_app):
    tab = open_app()
    assert tab.step() == 0
    tab.play()
    reached = tab.wait_for_step(3)
    assert reached >= 3
    tab.pause()
    paused_at = tab.settled_step()
    time.sleep(1.5)  # at the default 10 steps/s, 15 more steps if still playing
    assert tab.step() == paused_at, "the counter moved after Pause"
    assert paused_at >= reached
    _assert_clean(tab)


def test_broadcasters_fade_on_screen_over_a_run(open_app):
    tab = open_app()
    before = _ink(tab)
    tab.play()
    tab.wait_for_step(30)
    tab.pause()
    tab.settled_step()
    after = _ink(tab)
    faded = after["broadcasters"] / before["broadcasters"]
    kept = after["interactors"] / before["interactors"]
    # with the defaults the broadcasters' audience drops to ~10 % attention by step 30
    # (their shapes keep a faint outline), the interactors keep ~87 %
    assert faded < 0.5, f"broadcasters drawn at {faded:.0%} of their step-0 ink ({before}, {after})"
    assert kept > 0.6, f"interactors drawn at {kept:.0%} of their step-0 ink ({before}, {after})"
    assert faded < kept / 2
    _assert_clean(tab)


def test_two_tabs_have_their_own_runs(open_app):
    first, second = open_app(), open_app()
    assert first.step() == 0 and second.step() == 0
    first.play()
    first.wait_for_step(8)
    assert second.step() == 0, "Play in one tab moved the other tab's run"
    assert (second.play_button().text_content() or "").strip() == "Play"
    first.pause()
    # and the other way round: the second one steps on its own
    second.page.get_by_role("button", name="Step", exact=True).click()
    second.wait_for_step(1)
    assert second.step() == 1
    assert first.step() >= 8
    for tab in (first, second):
        _assert_clean(tab)


def test_full_page_screenshot_goes_to_artifacts(open_app):
    tab = open_app()
    tab.play()
    tab.wait_for_step(10)
    tab.pause()
    page = tab.page
    # The page scrolls inside its own boxes (sidebar, main area), not the document, so a
    # "full page" screenshot would stop at the window: grow the window to the content first
    # (twice: the network canvas's height follows the window's).
    for _ in range(3):
        height = page.evaluate(FULL_HEIGHT_JS)
        if height <= page.viewport_size["height"]:
            break
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "browser-app.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == VIEWPORT["width"]
    assert height > VIEWPORT["height"], "the screenshot stops at the window's edge"
    assert len(data) > 20_000, "the screenshot looks empty"
    _assert_clean(tab)

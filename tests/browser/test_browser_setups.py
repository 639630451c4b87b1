"""Setups in a real browser: links, scenarios, compare, projector mode, phone width, the
space bar and reduced motion (Debian's Chromium against the real server)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from classroom.scenarios import SCENARIOS
from sim.params import PARAMETERS

from .conftest import AppTab
from .test_browser_app import INK_JS, _assert_clean

HABITUATION_ON = PARAMETERS["habituation_on"].label

#: Every network canvas drawn at least once, and the step counter shown.
DRAWN_JS = """(n) => {
    const c = [...document.querySelectorAll("canvas.nv-canvas")];
    return document.querySelector(".step-counter") !== null && c.length === n
        && c.every((x) => Number(x.dataset.draws || 0) > 0);
}"""


def reload(tab: AppTab, canvases: int = 1) -> None:
    """Load the tab's page again (a new kernel, so a new run, from the address bar)."""
    tab.page.reload()
    tab.page.wait_for_function(DRAWN_JS, arg=canvases, timeout=60_000)
    # what the page was still fetching when it was left (its icon, say) is cut off
    tab.failed[:] = [f for f in tab.failed if not f.endswith("net::ERR_ABORTED")]


def query_of(tab: AppTab) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(tab.page.url).query).items()}


def wait_for_query(tab: AppTab, key: str, value: str) -> None:
    tab.page.wait_for_function(
        "([k, v]) => new URLSearchParams(location.search).get(k) === v", arg=[key, value]
    )


def switch(tab: AppTab, label: str) -> None:
    tab.page.get_by_label(label, exact=True).click()


def root_font_px(tab: AppTab) -> float:
    return tab.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_a_shared_link_restores_its_setup_in_a_new_tab(open_app):
    tab = open_app("scenario=karate&seed=5&habituation_on=0&projector=1")
    page = tab.page
    assert page.get_by_text(SCENARIOS["karate"].title, exact=True).first.is_visible()
    assert page.get_by_label("Seed (the same seed gives the same run)").input_value() == "5"
    assert not page.get_by_label(HABITUATION_ON, exact=True).is_checked()
    assert page.get_by_label("Projector mode (large text)").is_checked()
    assert root_font_px(tab) >= 20  # large text
    assert page.get_by_text("Broadcasters (10)").first.is_visible()  # 34 members, 0.3 share
    # A change on the page is written back into the address bar ...
    switch(tab, HABITUATION_ON)
    wait_for_query(tab, "projector", "1")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('habituation_on')")
    switch(tab, "Compare two runs side by side")
    wait_for_query(tab, "compare", "1")
    link = page.url
    assert query_of(tab)["b.habituation_on"] == "0"
    # ... and that address, opened in another tab, gives the same two runs.
    other = open_app(urlsplit(link).query)
    assert other.page.locator("canvas.nv-canvas").count() == 2
    assert other.page.get_by_text(f"Differs in: {HABITUATION_ON}: on → off").is_visible()
    assert query_of(other) == query_of(tab)
    _assert_clean(tab)
    _assert_clean(other)


def test_choosing_a_scenario_is_kept_when_the_page_is_reloaded(open_app):
    tab = open_app()
    page = tab.page
    page.get_by_label("Scenario").click(force=True)  # the field's inner box takes the click
    page.get_by_role("option", name=SCENARIOS["captive"].title).click()
    wait_for_query(tab, "scenario", "captive")
    reload(tab)
    assert page.get_by_text(SCENARIOS["captive"].story).is_visible()
    assert not page.get_by_label(HABITUATION_ON, exact=True).is_checked()
    _assert_clean(tab)


def test_a_bad_link_says_what_it_ignored(open_app):
    tab = open_app("broadcaster_share=7&seed=3")
    warning = tab.page.get_by_text("From the link: broadcaster_share")
    assert warning.is_visible()
    # the address bar is corrected to what actually runs
    tab.page.wait_for_function("() => location.search === '?seed=3'")
    _assert_clean(tab)


def test_compare_steps_two_runs_together_and_habituation_makes_the_difference(open_app):
    tab = open_app("compare=1&b.habituation_on=0")
    page = tab.page
    assert page.locator("canvas.nv-canvas").count() == 2
    # the charts overlay both runs (legend labels may be shortened to fit)
    assert page.get_by_text("Run A: Broadcasters").first.is_visible()
    assert page.get_by_text("Run B: Broadcasters").first.is_visible()
    canvases = page.locator("canvas.nv-canvas")
    start = [canvases.nth(i).evaluate(INK_JS) for i in range(2)]
    tab.play()
    tab.wait_for_step(30, timeout=60_000)
    tab.pause()
    end = [canvases.nth(i).evaluate(INK_JS) for i in range(2)]
    faded = [end[i]["broadcasters"] / start[i]["broadcasters"] for i in range(2)]
    # Run A (people learn to ignore interruptions): broadcasters fade on screen; run B (a
    # captive audience) keeps them: measured about 0.2 against 1.0.
    assert faded[0] < 0.5 < 0.8 < faded[1], faded
    _assert_clean(tab)


def test_projector_mode_is_a_switch_on_the_page(open_app):
    tab = open_app()
    normal = root_font_px(tab)
    switch(tab, "Projector mode (large text)")
    wait_for_query(tab, "projector", "1")
    tab.page.wait_for_function(
        "(n) => parseFloat(getComputedStyle(document.documentElement).fontSize) > n",
        arg=normal * 1.2,
    )
    # a white page (waited for: the theme's colours fade in over a moment)
    tab.page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.v-main'))"
        ".backgroundColor === 'rgb(255, 255, 255)'"
    )
    _assert_clean(tab)


def test_the_page_works_at_phone_width(open_app):
    tab = open_app()
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    bar_play = page.locator("button.bar-play")
    bar_play.wait_for()  # the settings fold away; Play moves into the top bar
    page.wait_for_function("() => document.documentElement.scrollWidth <= innerWidth")
    box = page.locator("canvas.nv-canvas").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["width"] >= 300  # the network uses the width it has
    assert bar_play.bounding_box()["width"] >= 24 and bar_play.bounding_box()["height"] >= 24
    bar_play.click()
    tab.wait_for_step(3)
    page.locator("button.bar-play").click()
    tab.settled_step()
    _assert_clean(tab)


def test_the_space_bar_plays_and_pauses(open_app):
    tab = open_app()
    page = tab.page
    page.locator(".step-counter").click()  # focus on plain text, not on a control
    page.keyboard.press("Space")
    tab.wait_for_step(3)
    page.keyboard.press("Space")
    stopped = tab.settled_step()
    page.wait_for_timeout(600)
    assert tab.step() == stopped
    # On a focused control, space is that control's: the Step button steps once.
    page.locator("button", has_text="Step").focus()
    page.keyboard.press("Space")
    tab.wait_for_step(stopped + 1)
    assert tab.settled_step() == stopped + 1
    _assert_clean(tab)


def test_reduced_motion_is_respected(open_app):
    tab = open_app(reduced_motion="reduce")
    page = tab.page
    page.get_by_text("Your system asks for less motion").wait_for()
    assert page.get_by_text("Speed: 2 steps a second").is_visible()
    assert tab.step() == 0  # nothing moves until asked
    _assert_clean(tab)

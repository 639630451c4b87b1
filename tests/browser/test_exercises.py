"""The Exercises tab in a real browser (Debian's Chromium against the real server): one
exercise end to end (predict with the keyboard, write a reason, set up the run, check it,
read the result), predictions kept across a reload and downloaded, the axe-core audit of
the tab, and projector mode.

Fixtures (the server, Chromium, fresh contexts): ``conftest.py`` in this folder; the audit's
helpers come from ``test_accessibility.py``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from classroom.exercise_store import STORAGE_KEY
from classroom.exercises_tab import CHECKING
from workshop.exercises import exercise

from .conftest import ARTIFACTS, AppTab
from .test_accessibility import _assert_no_serious_violations, _audit

#: The exercise followed: two runs side by side (a link with a run B), and a check.
NUMBER = 3
EX = exercise(NUMBER)
#: What the learner writes: markup that must stay text.
REASON = "<b>Annoyed</b> people **stop** listening & <i>fade</i> them"
#: The check's promise: a result in plain words within this many seconds of pressing Check.
CHECK_SECONDS = 5.0


def open_exercises(tab: AppTab, number: int = NUMBER) -> None:
    page = tab.page
    page.get_by_role("tab", name="Exercises").click()
    page.locator("canvas.nv-canvas").first.wait_for(state="detached")
    page.get_by_role("button", name=f"Exercise {number}", exact=True).click()
    expect(page.get_by_text(exercise(number).predict.question)).to_be_visible()


def radio(tab: AppTab, key: str):
    return tab.page.get_by_role("radio", name=f"({key}) {EX.predict.option(key).text}")


def query_of(tab: AppTab) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(tab.page.url).query).items()}


def test_one_exercise_end_to_end(open_app):
    tab = open_app()
    page = tab.page
    open_exercises(tab)
    # nothing gives the answer away before the prediction
    expect(page.get_by_text(EX.title)).to_have_count(0)
    expect(page.get_by_role("button", name="Check", exact=True)).to_be_disabled()
    # predict with the keyboard: the options are a radio group
    radio(tab, "a").focus()
    page.keyboard.press("Space")
    expect(radio(tab, "a")).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radio(tab, "b")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(radio(tab, "a")).to_be_checked()
    # revealing the title did not rebuild the options: the focus is still on them
    assert page.evaluate("() => document.activeElement?.type") == "radio"
    expect(page.get_by_text(EX.title)).to_be_visible()  # shown once predicted
    expect(page.get_by_text(EX.observe[0])).to_be_visible()
    page.get_by_label("Why do you think so?").fill(REASON)
    expect(page.get_by_text(f"{len(REASON)} of 1,000 characters.")).to_be_visible()

    # set up: the page applies the exercise's link and shows the Simulation tab
    page.get_by_role("button", name="Set up this run").click()
    page.wait_for_function(
        "() => document.querySelectorAll('canvas.nv-canvas').length === 2", timeout=30_000
    )
    expect(page.get_by_role("tab", name="Simulation")).to_have_attribute("aria-selected", "true")
    page.wait_for_function("() => new URLSearchParams(location.search).get('compare') === '1'")
    assert query_of(tab).get("b.habituation_on") == "0", page.url

    assert tab.console_errors == [], "after set up"
    # back to the exercise: the prediction and the reason are still there; check it
    open_exercises(tab)
    expect(radio(tab, "a")).to_be_checked()
    expect(page.get_by_label("Why do you think so?")).to_have_value(REASON)
    start = time.perf_counter()
    page.get_by_role("button", name="Check", exact=True).click()
    result = page.locator(".exercise-result")
    expect(result.get_by_text("You predicted (a)")).to_be_visible(timeout=CHECK_SECONDS * 1000)
    took = time.perf_counter() - start
    assert took < CHECK_SECONDS, f"the check took {took:.1f} s"
    text = result.inner_text()
    assert CHECKING not in text
    assert "PASS" not in text and "FAIL" not in text
    assert "So these runs point to (b)" in text
    assert EX.predict.option("a").why_not in text and EX.if_surprised in text
    assert EX.explain[0] in text and EX.real_life in text
    # the learner's reason is shown as typed: text, not markup
    expect(result.locator(".exercise-reason-echo")).to_have_text(REASON)
    assert result.locator("b, i, strong, em").count() == 0
    page.screenshot(path=str(ARTIFACTS / "exercises-checked.png"), full_page=True)
    result.screenshot(path=str(ARTIFACTS / "exercises-result.png"))

    # kept in this browser
    stored = json.loads(page.evaluate("(k) => localStorage.getItem(k)", STORAGE_KEY))
    assert stored[str(NUMBER)]["answer"] == "a"
    assert stored[str(NUMBER)]["reason"] == REASON
    assert stored[str(NUMBER)]["checked"] == {"answer": "a", "model": "b"}

    # and downloaded, made on this machine
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my predictions").click()
    document = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    (item,) = document["exercises"]
    assert item["exercise"] == NUMBER and item["prediction"] == "a" and item["reason"] == REASON
    assert item["model_pointed_to"] == "b"

    assert tab.console_errors == []
    # a reload (a new kernel on the server) brings them back from the browser
    page.reload()
    page.locator("canvas.nv-canvas").first.wait_for(timeout=60_000)
    open_exercises(tab)
    expect(radio(tab, "a")).to_be_checked()
    expect(page.get_by_label("Why do you think so?")).to_have_value(REASON)
    expect(page.get_by_role("button", name=f"Exercise {NUMBER}", exact=True)).to_be_visible()

    tab.failed[:] = [f for f in tab.failed if not f.endswith("net::ERR_ABORTED")]
    assert tab.foreign_requests() == [], "the tab reached beyond this machine"
    assert tab.failed == [] and tab.bad_responses == []
    assert tab.console_errors == []


def test_axe_finds_no_serious_violation_on_the_exercises_tab(open_app):
    tab = open_app()
    open_exercises(tab)
    radio(tab, "b").check()
    tab.page.get_by_role("button", name="Check", exact=True).click()
    tab.page.locator(".exercise-result-line").first.wait_for(timeout=CHECK_SECONDS * 1000)
    _assert_no_serious_violations(_audit(tab, "exercises"))


def test_projector_mode_shows_the_exercise_in_large_text(open_app):
    tab = open_app("projector=1")
    open_exercises(tab)
    radio(tab, "b").check()
    expect(tab.page.get_by_text(EX.observe[0])).to_be_visible()
    sizes = tab.page.evaluate(
        """() => [".exercise-options label", ".exercise-note", ".exercise-observe li"]
            .map((s) => document.querySelector(s))
            .map((e) => (e ? parseFloat(getComputedStyle(e).fontSize) : null))"""
    )
    assert None not in sizes and min(sizes) >= 18, f"text too small for the back row: {sizes}"
    tab.page.screenshot(path=str(ARTIFACTS / "exercises-projector.png"), full_page=True)

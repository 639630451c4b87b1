"""The guided tour in a real browser (classroom/tour.py, tour.js): it opens on a first visit,
is worked from the keyboard, points at each part of the page (a broadcaster and an
interactor ringed in the network), is remembered per browser once skipped or finished, and
the page's "Take the tour" button starts it again. The axe audit runs with the tour open.

``open_app(tour=True)`` opens a browser context that has never seen the tour (the other
browser tests' contexts are marked as having seen it: ``TOUR_DONE_JS``).
"""

from __future__ import annotations

from classroom.tour import STEPS, STORAGE_KEY

from .conftest import AppTab
from .test_accessibility import PHONE, _assert_no_serious_violations, _audit

DIALOG = ".tour-dialog[role=dialog]"

#: Where the dialog and its ring are, and what has focus.
STATE_JS = """() => {
    const d = document.querySelector(".tour-dialog");
    if (!d || d.hidden) return null;
    const box = (e) => {
        if (!e || e.hidden) return null;
        const r = e.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const ring = document.querySelector(".tour-ring");
    const a = document.activeElement;
    return {
        step: d.dataset.step, target: d.dataset.target, placed: d.dataset.placed,
        count: d.querySelector(".tour-count").textContent,
        title: d.querySelector(".tour-title").textContent,
        labelled: document.getElementById(d.getAttribute("aria-labelledby"))?.textContent,
        described: document.getElementById(d.getAttribute("aria-describedby"))?.textContent,
        modal: d.getAttribute("aria-modal"),
        dialog: box(d), ring: box(ring),
        ringStyle: ring ? getComputedStyle(ring).borderTopWidth : "",
        focusInside: d.contains(a), focused: a ? a.textContent.trim() : "",
        window: { width: document.documentElement.clientWidth,
                  height: document.documentElement.clientHeight },
    };
}"""
#: The box of the first visible element matching a selector, in the window.
BOX_JS = """(sel) => {
    const e = [...document.querySelectorAll(sel)].find((x) => x.getBoundingClientRect().width);
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}"""


def _state(tab: AppTab) -> dict | None:
    return tab.page.evaluate(STATE_JS)


def _wait_open(tab: AppTab, step: str | None = None, timeout: float = 20_000) -> dict:
    tab.page.wait_for_function(
        """(step) => {
            const d = document.querySelector(".tour-dialog");
            return d && !d.hidden && (step === null || d.dataset.step === step);
        }""",
        arg=step,
        timeout=timeout,
    )
    return _state(tab)


def _wait_closed(tab: AppTab) -> None:
    tab.page.wait_for_function("() => !document.querySelector('.tour-dialog')")


def _button(tab: AppTab, name: str):
    """One of the dialog's buttons (the page has a "Back to now" of its own)."""
    return tab.page.locator(DIALOG).get_by_role("button", name=name, exact=True)


def _stored(tab: AppTab) -> str | None:
    return tab.page.evaluate("(k) => localStorage.getItem(k)", STORAGE_KEY)


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["right"] <= b["left"]
        or b["right"] <= a["left"]
        or a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
    )


def _in_window(state: dict) -> bool:
    w = state["window"]
    return _inside(
        state["dialog"], {"left": 0, "top": 0, "right": w["width"], "bottom": w["height"]}
    )


def _check_step(tab: AppTab, state: dict, k: int, n: int, selector: str) -> None:
    assert state["count"] == f"Step {k} of {n}", state
    assert state["modal"] == "true" and state["labelled"] == state["title"], state
    assert state["described"], state
    assert state["focusInside"], f"focus is not in the dialog: {state}"
    assert _in_window(state), f"the dialog is not within the window: {state}"
    target = tab.page.evaluate(BOX_JS, selector)
    assert target is not None, selector
    assert state["ring"] is not None and _inside(target, state["ring"]), (target, state)
    assert float(state["ringStyle"].rstrip("px")) >= 3, "the ring is too thin to see"
    if state["placed"] != "centre":
        assert not _overlap(state["dialog"], target), f"the dialog covers its target: {state}"


def test_first_visit_shows_the_tour_skip_is_remembered_and_it_can_be_restarted(open_app):
    tab = open_app(tour=True)
    page = tab.page
    state = _wait_open(tab, "play")
    _check_step(tab, state, 1, len(STEPS), "button.play")
    assert state["focused"] == "Next"
    assert _stored(tab) is None
    # Esc skips, and the browser remembers it
    page.keyboard.press("Escape")
    _wait_closed(tab)
    assert _stored(tab) == "done"
    assert page.locator(".tour-ring").count() == 0
    # a reload in the same browser: no tour
    page.reload()
    page.locator(".nv-canvas").first.wait_for()
    page.locator("button.play").wait_for()
    page.wait_for_timeout(2500)  # longer than the tour takes to come up on a first visit
    assert page.locator(DIALOG).count() == 0
    # "Take the tour" starts it again, and closing gives focus back to that button
    restart = page.locator(".tour-restart")
    restart.focus()
    page.keyboard.press("Enter")
    state = _wait_open(tab, "play")
    assert state["count"] == f"Step 1 of {len(STEPS)}" and state["focusInside"]
    _button(tab, "Skip tour").click()
    _wait_closed(tab)
    assert page.evaluate("() => document.activeElement.matches('.tour-restart')")
    assert tab.console_errors == []


def test_the_tour_points_at_each_part_and_is_worked_from_the_keyboard(open_app):
    tab = open_app(tour=True)
    page = tab.page
    n = len(STEPS)
    expected = {
        "play": "button.play",
        "broadcaster": ".nv-highlight",
        "interactor": ".nv-highlight",
        "attention": ".key-chart",
        "story": ".story-panel",
        "replay": ".replay-panel",
    }
    _wait_open(tab, "play")
    # Tab stays among the dialog's buttons
    for _ in range(4):
        page.keyboard.press("Tab")
        assert _state(tab)["focusInside"]
    _button(tab, "Next").focus()
    seen = []
    for k, step in enumerate(STEPS, 1):
        state = _wait_open(tab, step["key"])
        seen.append(step["key"])
        _check_step(tab, state, k, n, expected[step["key"]])
        if step["key"] in ("broadcaster", "interactor"):
            # the person is ringed in the network and the step points at them
            assert state["target"] == f'.nv-highlight[data-group="{step["key"]}"]', state
            marker = page.locator(".nv-highlight")
            assert marker.get_attribute("data-group") == step["key"]
            person = marker.get_attribute("data-person")
            assert page.locator(".nv-root").first.get_attribute("data-highlight") == person
        else:  # the ring goes once Python has heard of the step: wait for it
            page.locator(".nv-highlight").wait_for(state="hidden", timeout=5_000)
        if step["key"] == "interactor":  # Back goes one step back, and on again
            _button(tab, "Back").click()
            assert _wait_open(tab, "broadcaster")["count"] == f"Step 2 of {n}"
            _button(tab, "Next").focus()
            page.keyboard.press("Enter")
            _wait_open(tab, "interactor")
        last = k == n
        assert _button(tab, "Done" if last else "Next").is_visible()
        page.keyboard.press("Enter")  # focus stays on Next
    assert seen == [s["key"] for s in STEPS]
    _wait_closed(tab)
    assert _stored(tab) == "done"
    assert page.locator(".nv-highlight").is_hidden(), "the person is still ringed"
    assert tab.console_errors == []


def test_axe_finds_no_serious_violation_with_the_tour_open(open_app):
    tab = open_app(tour=True)
    _wait_open(tab, "play")
    _assert_no_serious_violations(_audit(tab, "tour"))
    _button(tab, "Next").click()
    _wait_open(tab, "broadcaster")
    _assert_no_serious_violations(_audit(tab, "tour-network"))


def test_at_phone_width_the_tour_skips_what_is_folded_away(open_app):
    tab = open_app(tour=True, viewport=PHONE)
    state = _wait_open(tab, "play")
    # the sidebar is folded: the step points at the Play button in the app bar instead
    assert state["target"] == "button.bar-play", state
    _check_step(tab, state, 1, len(STEPS), "button.bar-play")
    assert state["dialog"]["right"] - state["dialog"]["left"] >= PHONE["width"] - 20
    for key in [s["key"] for s in STEPS][1:]:
        _button(tab, "Next").click()
        state = _wait_open(tab, key)
        assert _in_window(state), state
    _assert_no_serious_violations(_audit(tab, "tour-phone"))
    _button(tab, "Done").click()
    _wait_closed(tab)
    assert tab.console_errors == []

"""Messages on the network view, in a real browser: a step that carried pitches and
conversations draws them on the view's message layer, and the view's own switch removes them.

The marks go on a second canvas (``canvas.nv-overlay``) above the network; it tells how many
tie directions it marks (``data-marks``) and, per kind, ``data-kinds`` (ignored pitches,
noticed pitches, conversations).
"""

from __future__ import annotations

from .conftest import AppTab

#: Pixels of the message layer with any ink, once the marks have come to rest.
INKED_JS = """async (overlay) => {
    await new Promise((r) => setTimeout(r, 1200));  // longer than a travel (1 s at most)
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const d = overlay.getContext("2d").getImageData(0, 0, overlay.width, overlay.height).data;
    let inked = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) inked++;
    return inked;
}"""


def _step(tab: AppTab, times: int) -> None:
    button = tab.page.get_by_role("button", name="Step", exact=True)
    for i in range(1, times + 1):
        button.click()
        tab.wait_for_step(i)


def _marks(tab: AppTab) -> tuple[int, list[int]]:
    overlay = tab.page.locator("canvas.nv-overlay")
    kinds = [int(k) for k in (overlay.get_attribute("data-kinds") or "0,0,0").split(",")]
    return int(overlay.get_attribute("data-marks") or 0), kinds


def _check_marks_and_switch(tab: AppTab) -> None:
    page = tab.page
    overlay = page.locator("canvas.nv-overlay")
    assert _marks(tab)[0] == 0, "messages drawn before any step"
    _step(tab, 3)
    page.wait_for_function(
        "() => Number(document.querySelector('canvas.nv-overlay')?.dataset.step) === 3"
    )
    marks, kinds = _marks(tab)
    assert marks > 0
    # at the defaults a step has noticed pitches, ignored ones and held conversations
    assert all(k > 0 for k in kinds), kinds
    assert overlay.evaluate(INKED_JS) > 500, "the message layer is blank"
    # the legend names each kind, next to the switch
    for name in ("pitch noticed", "pitch ignored", "conversation (both ways)"):
        assert page.get_by_text(name, exact=True).is_visible()

    # the switch: a labelled checkbox, worked from the keyboard
    switch = page.get_by_role("checkbox", name="Show messages")
    assert switch.is_checked()
    switch.focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('canvas.nv-overlay')?.dataset.marks === '0'"
    )
    assert not switch.is_checked()
    assert overlay.evaluate(INKED_JS) == 0, "messages still drawn after switching them off"
    assert not page.get_by_text("pitch noticed", exact=True).is_visible()
    _step(tab, 4)  # and they stay off while the run goes on
    assert overlay.evaluate(INKED_JS) == 0
    assert _marks(tab)[0] == 0

    switch.click()  # back on: the next step draws again
    _step(tab, 5)
    page.wait_for_function(
        "() => Number(document.querySelector('canvas.nv-overlay')?.dataset.marks) > 0"
    )
    assert tab.console_errors == []


def test_a_step_draws_its_messages_and_the_switch_removes_them(open_app):
    _check_marks_and_switch(open_app())


def test_with_reduced_motion_messages_are_drawn_still(open_app):
    tab = open_app(reduced_motion="reduce")
    _step(tab, 1)
    overlay = tab.page.locator("canvas.nv-overlay")
    tab.page.wait_for_function(
        "() => Number(document.querySelector('canvas.nv-overlay')?.dataset.marks) > 0"
    )
    assert overlay.evaluate(INKED_JS) > 500
    # drawn once, at rest: no repaint while nothing changes
    painted = overlay.evaluate("(o) => o.dataset.paints")
    tab.page.wait_for_timeout(600)
    assert overlay.evaluate("(o) => o.dataset.paints") == painted
    assert tab.console_errors == []

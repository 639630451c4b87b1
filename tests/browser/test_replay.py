"""The replay slider in a real browser: going back shows an earlier step's counter, network,
messages and a cursor on the charts; the keyboard works it; "Back to now" and Play return
to the present."""

from __future__ import annotations

from .conftest import AppTab

#: The network as drawn (the main canvas; the messages are on the overlay), after two
#: animation frames so that a pending redraw has landed.
DRAWN_JS = """async () => {
    await new Promise((r) => setTimeout(r, 300));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return document.querySelector("canvas.nv-canvas").toDataURL();
}"""


def _step_to(tab: AppTab, step: int) -> None:
    button = tab.page.get_by_role("button", name="Step", exact=True)
    while tab.step() < step:
        now = tab.step()
        button.click()
        tab.wait_for_step(now + 1)


def _messages(tab: AppTab) -> tuple[str | None, str | None]:
    overlay = tab.page.locator("canvas.nv-overlay")
    return overlay.get_attribute("data-step"), overlay.get_attribute("data-kinds")


def _counter(tab: AppTab) -> str:
    return (tab.page.locator(".step-counter").first.text_content() or "").strip()


def test_the_slider_goes_back_and_returns_to_the_present(open_app):
    tab = open_app(reduced_motion="reduce")  # still marks: a drawing is a function of the step
    page = tab.page
    _step_to(tab, 4)
    drawn_at_4, messages_at_4 = page.evaluate(DRAWN_JS), _messages(tab)
    assert messages_at_4[0] == "4"
    _step_to(tab, 12)
    assert page.evaluate(DRAWN_JS) != drawn_at_4, "the network did not change: no test"

    slider = page.get_by_role("slider", name="Replay")
    assert slider.get_attribute("max") == "12" and slider.get_attribute("min") == "0"
    slider.fill("4")  # as a drag would
    page.wait_for_function(
        "() => document.querySelector('.step-counter')?.textContent.includes('Step 4 (replay)')"
    )
    assert tab.step() == 4
    assert page.evaluate(DRAWN_JS) == drawn_at_4, "the network is not as it was at step 4"
    assert _messages(tab) == messages_at_4
    assert "showing step 4 of 12" in (page.locator(".rp-label").text_content() or "")
    # every chart marks the step and gives its values (the text alternative says so)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.lc-root canvas')]
            .every((c) => (c.getAttribute('aria-label') || '').includes('Replaying step 4'))""",
        timeout=5_000,
    )

    # the keyboard: Home goes to the first step kept, an arrow one step on
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function(
        "() => document.querySelector('.step-counter')?.textContent.includes('Step 0 (replay)')"
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.step-counter')?.textContent.includes('Step 1 (replay)')"
    )

    page.get_by_role("button", name="Back to now").click()
    page.wait_for_function(
        "() => document.querySelector('.step-counter')?.textContent.trim() === 'Step 12'"
    )
    assert _messages(tab)[0] == "12"

    slider.fill("6")  # and Play continues from the present, not from step 6
    page.wait_for_function(
        "() => document.querySelector('.step-counter')?.textContent.includes('Step 6 (replay)')"
    )
    tab.play()
    tab.wait_for_step(13)
    tab.pause()
    assert tab.settled_step() >= 13 and "(replay)" not in _counter(tab)
    assert tab.console_errors == []

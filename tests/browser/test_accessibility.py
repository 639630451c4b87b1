"""Accessibility of the classroom app in a real browser (WCAG 2.2 AA where it applies).

- An automated audit: axe-core (from the npm registry; ``./dev setup`` puts it in
  ``.venv/share/axe-core/``) runs inside the page with the WCAG 2.0/2.1/2.2 A and AA rules,
  on the Simulation view after a few steps (at desktop and at phone width), on the About
  tab and on the Strategy tab (a refusal shown). A violation of impact "serious" or
  "critical" fails the test. Every result goes to ``artifacts/axe-<view>.json`` and a
  readable summary to ``artifacts/axe-<view>.txt``.
- What an audit cannot judge, checked by these tests' own code: Tab reaches Play before
  the parameter controls, and Space plays and pauses (on the focused button, and anywhere
  outside a control); the focused control shows a focus indicator that is not there
  without focus; buttons, switches, tabs and the canvases are at least 24 x 24 CSS pixels
  (or keep the spacing that WCAG 2.5.8 accepts instead); with ``prefers-reduced-motion:
  reduce`` nothing on the page moves by transition or animation; at phone width nothing
  is cut off and the page does not scroll sideways.

Fixtures (the server, Chromium, fresh contexts): ``conftest.py`` in this folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .conftest import ARTIFACTS, AppTab

#: Where ``scripts/install_frontend_assets.py`` (run by ``./dev setup``) puts axe-core.
AXE_DIR = Path(sys.prefix) / "share" / "axe-core"
AXE_JS = AXE_DIR / "axe.min.js"
#: The rule sets run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
#: Width of a phone held upright (CSS pixels).
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8 (AA)

RUN_AXE_JS = """async (tags) => {
    const r = await axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations", "incomplete"],
    });
    const brief = (items) => items.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
        nodes: v.nodes.map((n) => ({
            target: n.target, html: n.html.slice(0, 300), impact: n.impact,
            summary: n.failureSummary || "",
        })),
    }));
    return {
        engine: r.testEngine, url: r.url, timestamp: r.timestamp,
        violations: brief(r.violations), incomplete: brief(r.incomplete),
        passes: r.passes.map((p) => p.id), inapplicable: r.inapplicable.map((p) => p.id),
    };
}"""


def _settle(tab: AppTab) -> None:
    """Two animation frames: whatever changed last is laid out and drawn."""
    tab.page.evaluate(
        "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )


def _to_phone_width(tab: AppTab) -> None:
    """Narrow the window to a phone's and wait for the page to reflow (the sidebar turns into
    a drawer that slides over the page; Vuetify takes a moment to lay that out)."""
    tab.page.set_viewport_size(PHONE)
    try:
        tab.page.wait_for_function(
            "(w) => document.documentElement.scrollWidth <= w"
            " && !document.querySelector('.v-navigation-drawer:not(.v-navigation-drawer--mobile)')",
            arg=PHONE["width"],
            timeout=10_000,
        )
    except PlaywrightError:
        wide = tab.page.evaluate(WIDE_JS, PHONE["width"])
        raise AssertionError(
            f"the page does not fit a {PHONE['width']} px wide window: {wide}"
        ) from None
    _settle(tab)


#: Elements that reach past the right edge of a window ``w`` pixels wide.
WIDE_JS = """(w) => [...document.querySelectorAll("*")]
    .map((e) => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && r.right > w + 1)
    .slice(0, 10)
    .map(([e, r]) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} `
        + `${Math.round(r.left)}..${Math.round(r.right)}`)"""


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    {' > '.join(map(str, node['target']))}")
            lines.append(f"        {node['html'][:160]}")
            for detail in node["summary"].splitlines():
                if detail.strip():
                    lines.append(f"        {detail.strip()}")
    return "\n".join(lines)


def _audit(tab: AppTab, view: str) -> dict:
    """Run axe-core in the page; write the results to artifacts/axe-<view>.{json,txt}."""
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} is missing: run ./dev setup (scripts/install_frontend_assets.py "
            "installs axe-core from the npm registry)"
        )
    _settle(tab)
    tab.page.add_script_tag(path=str(AXE_JS))
    result = tab.page.evaluate(RUN_AXE_JS, AXE_TAGS)
    result["view"] = view
    result["tags"] = AXE_TAGS
    result["viewport"] = tab.page.viewport_size
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{view}.json").write_text(json.dumps(result, indent=1))
    engine = result["engine"]
    summary = [
        f"axe-core {engine['version']} on the {view} view ({result['viewport']['width']}x"
        f"{result['viewport']['height']}), rules tagged {', '.join(AXE_TAGS)}",
        f"{len(result['passes'])} rules passed, {len(result['violations'])} violated, "
        f"{len(result['incomplete'])} need a human to review",
        "",
        "VIOLATIONS",
        _describe(result["violations"]) or "none",
        "",
        "NEEDS REVIEW (not failures)",
        "\n".join(
            f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
            for v in result["incomplete"]
        )
        or "none",
    ]
    (ARTIFACTS / f"axe-{view}.txt").write_text("\n".join(summary) + "\n")
    return result


def _assert_no_serious_violations(result: dict) -> None:
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, (
        f"axe-core finds {len(blocking)} serious or critical WCAG violation(s) on the "
        f"{result['view']} view (all results: artifacts/axe-{result['view']}.json):\n"
        + _describe(blocking)
    )
    # the audit ran for real: the rules that matter here were applied to this page
    ran = set(result["passes"]) | {v["id"] for v in result["violations"]}
    for rule in ("color-contrast", "button-name", "aria-allowed-attr", "image-alt"):
        assert rule in ran or rule in result["inapplicable"], f"axe did not run {rule}"
    assert "color-contrast" in ran and "button-name" in ran, (
        "axe found no text or no buttons to check: did the page load?"
    )


def _run_a_few_steps(tab: AppTab, steps: int = 5) -> None:
    """At least ``steps`` steps. A click that a busy server let pass before the page was
    wired up is clicked again once (seen under CI load); extra steps do no harm here."""
    step_button = tab.page.get_by_role("button", name="Step", exact=True)
    for i in range(1, steps + 1):
        step_button.click()
        try:
            tab.wait_for_step(i, timeout=10_000)
        except PlaywrightTimeoutError:
            step_button.click()
            tab.wait_for_step(i)


def _select_a_person(tab: AppTab) -> None:
    """Focus the network canvas and pick someone with the keyboard (the inspector fills)."""
    canvas = tab.page.locator("canvas.nv-canvas")
    canvas.focus()
    canvas.press("ArrowRight")
    tab.page.get_by_text("attention paid to them:").first.wait_for()


# ---------------------------------------------------------------- the automated audit
def test_axe_finds_no_serious_violation_on_the_simulation_view(open_app):
    tab = open_app()
    _run_a_few_steps(tab)
    _select_a_person(tab)
    _assert_no_serious_violations(_audit(tab, "simulation"))


def test_axe_finds_no_serious_violation_at_phone_width(open_app):
    tab = open_app()
    _run_a_few_steps(tab, 3)  # at phone width the controls are in a drawer: step first
    _to_phone_width(tab)
    _assert_no_serious_violations(_audit(tab, "simulation-phone"))


def test_axe_finds_no_serious_violation_on_the_about_tab(open_app):
    tab = open_app()
    tab.page.get_by_role("tab", name="About").click()
    tab.page.locator("canvas.nv-canvas").wait_for(state="detached")
    tab.page.get_by_role("heading").first.wait_for()
    _assert_no_serious_violations(_audit(tab, "about"))


def test_axe_finds_no_serious_violation_on_the_strategy_tab(open_app):
    tab = open_app()
    tab.page.get_by_role("tab", name="Strategy").click()
    tab.page.locator("canvas.nv-canvas").wait_for(state="detached")
    tab.page.get_by_role("button", name="Try it").wait_for()
    # with a choice that matters only with another (shown) and a refusal on the page
    tab.page.get_by_role("radio", name="Every few steps").check()
    tab.page.get_by_role("radio", name="Those I have had a conversation with").check()
    tab.page.get_by_role("radio", name="Send my pitch back (one-way)").check()
    tab.page.locator(".builder-refusal").wait_for()
    _assert_no_serious_violations(_audit(tab, "strategy-tab"))


# ---------------------------------------------------------------- keyboard
#: What the element that has focus is: enough to name it in a failure message, and whether
#: it is the Play button or one of the parameter controls.
FOCUSED_JS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const name = (e.getAttribute("aria-label") || e.textContent || e.value || "").trim();
    return {
        tag: e.tagName.toLowerCase(), role: e.getAttribute("role") || "",
        name: name.replace(/\\s+/g, " ").slice(0, 60),
        play: e.matches("button.play"), parameter: e.closest(".param") !== null,
    };
}"""


def _tab_through(tab: AppTab, until, limit: int = 80) -> list[dict]:
    """Press Tab until ``until(focused)`` holds; what was focused on the way. On a page just
    loaded the first Tab goes to the first control; later, Tab goes on from the focus."""
    page = tab.page
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            continue
        seen.append(focused)
        if until(focused):
            return seen
    names = [f"{f['tag']}:{f['name']}" for f in seen]
    raise AssertionError(f"not reached within {limit} presses of Tab; focus went to {names}")


def test_tab_reaches_play_before_the_parameters_and_space_plays_and_pauses(open_app):
    tab = open_app()
    page = tab.page
    before_play = _tab_through(tab, lambda f: f["play"])
    early = [f for f in before_play if f["parameter"]]
    assert not early, f"Tab reaches parameter controls before Play: {early}"
    assert len(before_play) <= 3, f"Play comes only after {before_play[:-1]}"
    # the order is not an accident of an empty sidebar: the parameters do come later
    _tab_through(tab, lambda f: f["parameter"])
    # Space on the focused Play button plays, and on the same button again pauses
    tab.play_button().focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('button.play')?.textContent.trim() === 'Pause'"
    )
    tab.wait_for_step(2)
    assert page.evaluate(FOCUSED_JS)["play"], "focus left the Play/Pause button"
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('button.play')?.textContent.trim() === 'Play'"
    )
    paused_at = tab.settled_step()
    assert tab.step() == paused_at
    # with no control focused, the space bar is the page's play/pause key
    page.evaluate("() => document.activeElement?.blur()")
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('button.play')?.textContent.trim() === 'Pause'"
    )
    tab.wait_for_step(paused_at + 2)
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('button.play')?.textContent.trim() === 'Play'"
    )


#: Helpers kept in the page: the outline and box shadow drawn on an element and on the four
#: elements around it (a switch focuses an invisible <input> and draws the ring on its parent).
RING_HELPERS_JS = """() => {
    window.__ringsOf = (e) => {
        const out = [];
        for (let x = e, i = 0; x && x !== document.body && i < 5; x = x.parentElement, i++) {
            const s = getComputedStyle(x);
            out.push({
                outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
                    ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "",
                shadow: s.boxShadow === "none" ? "" : s.boxShadow,
                shown: x.checkVisibility({ opacityProperty: true, visibilityProperty: true })
                    && x.getBoundingClientRect().width >= 4,
            });
        }
        return out;
    };
    window.__focusWalk = [];
}"""
RECORD_FOCUS_JS = """() => {
    const e = document.activeElement;
    window.__focusWalk.push({ el: e, focused: window.__ringsOf(e) });
}"""
#: For each element focused on the walk: did focus draw an outline or shadow, on a visible
#: box, that is not there once nothing has focus?
COMPARE_RINGS_JS = """() => window.__focusWalk.map(({ el, focused }) => {
    const now = window.__ringsOf(el);
    const drawn = focused.filter((f, i) => f.shown && (f.outline || f.shadow)
        && (f.outline !== (now[i] || {}).outline || f.shadow !== (now[i] || {}).shadow));
    const name = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
    return { what: `${el.tagName.toLowerCase()} ${name.replace(/\\s+/g, " ").slice(0, 50)}`,
             indicator: drawn.length > 0, focused };
})"""


def test_every_control_shows_a_visible_focus_indicator(open_app):
    tab = open_app()
    page = tab.page
    page.evaluate(RING_HELPERS_JS)
    walked = []
    for _ in range(80):  # through the sidebar, the tabs, the network, to a chart's button
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            continue
        page.evaluate(RECORD_FOCUS_JS)
        walked.append(focused)
        if page.evaluate("() => document.activeElement.matches('.lc-btn')"):
            break
    kinds = {(f["tag"], f["role"]) for f in walked}
    for kind in (
        ("button", ""),
        ("div", "slider"),
        ("input", ""),
        ("canvas", "application"),
        ("button", "tab"),
    ):
        assert kind in kinds, f"the walk never focused a {kind}: {walked}"
    page.evaluate("() => document.activeElement?.blur()")
    _settle(tab)
    results = page.evaluate(COMPARE_RINGS_JS)
    missing = [r["what"] for r in results if not r["indicator"]]
    assert not missing, f"no visible focus indicator on: {missing}"


# ---------------------------------------------------------------- target size
#: Every visible target (buttons, links, fields, switches, sliders, tabs, focusable canvases)
#: with its size; an undersized one passes if a 24 px circle on its centre touches no other
#: target and no other undersized target's circle (WCAG 2.2 SC 2.5.8, spacing exception).
#: Links inside running text are exempt (the SC's "inline" exception).
TARGETS_JS = """(min) => {
    const SEL = "button, a[href], input:not([type=hidden]), select, textarea, [role=button],"
        + " [role=slider], [role=tab], [role=switch], [role=checkbox], canvas[tabindex],"
        + " [tabindex]:not([tabindex='-1'])";
    const inline = (e) => e.tagName === "A" && getComputedStyle(e).display === "inline"
        && (e.parentElement?.textContent || "").trim().length > (e.textContent || "").trim().length;
    const targets = [...document.querySelectorAll(SEL)]
        .filter((e) => e.checkVisibility({ visibilityProperty: true }) && !inline(e))
        .map((e) => ({ e, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height > 0);
    const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
    const gap = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right),
                                          Math.max(r.top - y, 0, y - r.bottom));
    const small = (t) => t.r.width < min - 0.01 || t.r.height < min - 0.01;
    const related = (a, b) => a.e.contains(b.e) || b.e.contains(a.e);
    const describe = (t) => {
        const name = (t.e.getAttribute("aria-label") || t.e.textContent || "").trim();
        return `${t.e.tagName.toLowerCase()}.${[...t.e.classList].slice(0, 2).join(".")} `
            + `"${name.replace(/\\s+/g, " ").slice(0, 40)}" `
            + `${t.r.width.toFixed(1)}x${t.r.height.toFixed(1)}`;
    };
    const failures = [];
    for (const t of targets.filter(small)) {
        const c = centre(t.r);
        const crowded = targets.filter((o) => o !== t && !related(o, t) && (
            gap(c, o.r) < min / 2
            || (small(o) && Math.hypot(c[0] - centre(o.r)[0], c[1] - centre(o.r)[1]) < min)));
        if (crowded.length) {
            failures.push(`${describe(t)} is crowded by ${crowded.map(describe).join("; ")}`);
        }
    }
    const has = (sel) => targets.some(({ e }) => e.matches(sel));
    return {
        count: targets.length, failures,
        kinds: {
            play: has("button.play"), switch: has(".v-switch input"),
            slider: has("[role=slider]"), tab: has("[role=tab]"),
            network: has("canvas.nv-canvas"), chartButton: has(".lc-btn"),
        },
    };
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_targets_are_at_least_24_px_or_spaced_apart(open_app, viewport):
    tab = open_app()
    if viewport == "phone":
        _to_phone_width(tab)
    found = tab.page.evaluate(TARGETS_JS, MIN_TARGET)
    expected = {"tab", "network", "chartButton"} | (
        {"play", "switch", "slider"} if viewport == "desktop" else set()
    )
    missing = [k for k in expected if not found["kinds"][k]]
    assert not missing, f"no {missing} among the {found['count']} targets checked"
    assert not found["failures"], (
        f"targets under {MIN_TARGET}x{MIN_TARGET} px without the spacing WCAG 2.5.8 allows:\n"
        + "\n".join(found["failures"])
    )


# ---------------------------------------------------------------- motion
#: The longest transition (duration + delay) and animation (duration x count) on any element
#: or pseudo-element of the page, in seconds, and where it is.
MOTION_JS = """() => {
    const seconds = (v) => v.split(",").map((x) => parseFloat(x) * (x.trim().endsWith("ms")
        ? 0.001 : 1));
    let transition = 0, animation = 0, where = "";
    for (const e of document.querySelectorAll("*")) {
        for (const pseudo of [null, "::before", "::after"]) {
            const s = getComputedStyle(e, pseudo);
            const d = seconds(s.transitionDuration), w = seconds(s.transitionDelay);
            const t = Math.max(...d.map((x, i) => x + (w[i % w.length] || 0)));
            if (t > transition) { transition = t; where = `transition on ${e.className}`; }
            if (s.animationName !== "none") {
                const n = s.animationIterationCount.split(",").map((x) =>
                    x.trim() === "infinite" ? Infinity : parseFloat(x));
                const a = Math.max(...seconds(s.animationDuration).map((x, i) =>
                    x * n[i % n.length]));
                if (a > animation) { animation = a; where = `animation on ${e.className}`; }
            }
        }
    }
    return { transition, animation, where };
}"""


def test_reduced_motion_turns_off_transitions_and_animations(open_app):
    tab = open_app()
    page = tab.page
    normal = page.evaluate(MOTION_JS)
    # Vuetify animates its buttons, drawers and ripples: the check sees motion when it is there
    assert normal["transition"] >= 0.1, normal
    page.emulate_media(reduced_motion="reduce")
    _settle(tab)
    reduced = page.evaluate(MOTION_JS)
    assert reduced["transition"] <= 0.001 and reduced["animation"] <= 0.001, (
        f"with prefers-reduced-motion: reduce something still moves: {reduced}"
    )
    # and the page still works: Play and Pause, no errors
    tab.play()
    tab.wait_for_step(2)
    tab.pause()
    assert tab.console_errors == []


# ---------------------------------------------------------------- phone width
def test_page_reflows_at_phone_width(open_app):
    tab = open_app()
    page = tab.page
    _to_phone_width(tab)  # fails if the page still scrolls sideways
    width = PHONE["width"]
    for what, locator in (
        ("the network", page.locator("canvas.nv-canvas")),
        ("the first chart", page.locator(".lc-root canvas").first),
    ):
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None and box["width"] >= width * 0.7, f"{what} is squeezed: {box}"
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, f"{what} is cut off"
    # the settings slide over the page and leave room to close them
    drawer = page.locator(".v-navigation-drawer")
    box = drawer.bounding_box()
    if box is not None and box["x"] + box["width"] > 0:
        assert box["width"] <= width - 40, f"the settings cover the whole page: {box}"

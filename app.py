"""The classroom app: watch broadcasters fade as people learn to ignore them.

Start it with ``./dev app`` (which runs ``solara run app.py`` with every front-end file
served from this machine). Each browser tab has its own run (or two, when comparing). The
address bar always holds the current setup, so a link restores it. The model is used only
through its public contract; the views and the run's bookkeeping live in :mod:`classroom`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import solara

from classroom.controls import Fold, NamedSlider, ParameterControls
from classroom.live_text import LiveText
from classroom.page_bridge import PageBridge
from classroom.scenarios import SCENARIOS
from classroom.session import RUN_NAMES, Session, ties_note
from classroom.share import Setup, changed, from_query, to_query
from classroom.upload import NetworkUpload
from sim import PARAMETERS

__all__ = ["LiveText", "Page", "PageBridge", "Session", "TITLE"]

TITLE = "Interruption or interaction?"
HERE = Path(__file__).parent / "classroom"
ABOUT = (HERE / "about.md").read_text()
STYLE = HERE / "style.css"
PROJECTOR_STYLE = HERE / "projector.css"
#: Default play speed (steps a second), and the gentler one used when the learner's system
#: asks for reduced motion.
SPEED, REDUCED_SPEED = 10, 2
#: A slow start: the first SLOW_START_STEPS steps of a run play at no more than
#: SLOW_START_SPEED steps a second, so that a newcomer sees the first broadcasters fade (at
#: the defaults they fade at step 12, about 3.7 s after Play) before the run speeds up.
SLOW_START_STEPS, SLOW_START_SPEED = 20, 3


def play_period(step: int, fps: int) -> float:
    """Seconds between two steps of play, the run being at ``step``: the chosen speed
    ``fps``, slowed to SLOW_START_SPEED during the first SLOW_START_STEPS steps."""
    if step < SLOW_START_STEPS:
        fps = min(fps, SLOW_START_SPEED)
    return 1.0 / fps


#: The chart that tells the story at a glance (attention paid to each family): shown beside
#: the network, above the fold at 1366x768; the others follow below.
KEY_CHART = "attention"
#: Widget scale in projector mode (fonts, lines, dots).
PROJECTOR_SCALE = 1.6


#: Whether this tab's window is phone-sized (per tab: Solara keeps reactives per kernel).
NARROW = solara.reactive(False)


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """Solara wraps the page in this: on a phone the settings start folded away."""
    return solara.AppLayout(children=children, sidebar_open=not NARROW.value)


def _contrast(params: dict) -> dict:
    """Run B's first settings when comparing starts: the same, with habituation switched."""
    return {**params, "habituation_on": not params["habituation_on"]}


def differences(a: dict, b: dict) -> list[str]:
    """What run B changes, in words: "Habituation (tuning out): on → off"."""
    return [
        f"{PARAMETERS[name].label}: {_word(a[name])} → {_word(b[name])}" for name in changed(b, a)
    ]


def _word(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@solara.component
def Page(session: Session | None = None, on_session=None):
    """The whole page. Each browser tab renders its own Page and owns its own Session; the
    first render reads the link. Tests may pass a session in, or ``on_session`` to be
    handed the one the page makes."""
    router = solara.use_router()
    first, problems0 = solara.use_memo(lambda: from_query(router.search), dependencies=[])
    scenario, set_scenario = solara.use_state(first.scenario)
    params, set_params = solara.use_state(first.params)
    seed, set_seed = solara.use_state(first.seed)
    projector, set_projector = solara.use_state(first.projector)
    compare, set_compare = solara.use_state(first.compare)  # run B's settings, or None
    editing, set_editing = solara.use_state(0)  # which run the controls edit
    problems, set_problems = solara.use_state(problems0)

    def make_session():
        made = session or Session(first.params, first.seed, compare=first.compare)
        if on_session is not None:
            on_session(made)
        return made

    session = solara.use_memo(make_session, dependencies=[])
    # What changes every frame (the counter, the story, the person's numbers, the views) is
    # sent by the session straight to its widgets: a frame re-renders nothing here. The
    # page's own state changes only on a click.
    playing = solara.use_reactive(False)
    fps, set_fps = solara.use_state(SPEED)
    reduced, set_reduced = solara.use_state(False)
    version, set_version = solara.use_state(0)
    selected, set_selected = solara.use_state((0, -1))
    tab, set_tab = solara.use_state(0)

    # -- the link: the address bar always describes the current setup ---------------------
    query = to_query(Setup(scenario, params, seed, projector, compare))

    bridge = solara.use_memo(PageBridge, dependencies=[])
    bridge.address = query  # the browser replaces its address with it (sent when changed)

    # -- playing ------------------------------------------------------------------------------
    def play_loop(cancel: threading.Event):
        due = time.perf_counter()
        while playing.value and not cancel.is_set():
            session.step()
            period = play_period(session.run.steps, fps)
            # on a fixed beat (so the speed shown is the speed played), never catching up
            # on a slow frame with a burst
            due = max(due + period, time.perf_counter() - period)
            cancel.wait(max(0.0, due - time.perf_counter()))

    solara.use_thread(play_loop, dependencies=[playing.value, fps, version], intrusive_cancel=False)

    def toggle_play():
        playing.value = not playing.value

    bridge.on_space = toggle_play

    def watch_browser():
        def motion(change):
            set_reduced(change["new"])
            if change["new"]:
                set_fps(lambda now: REDUCED_SPEED if now == SPEED else now)

        def width(change):
            NARROW.value = change["new"]

        watched = [(motion, "reduced_motion"), (width, "narrow")]
        for handler, name in watched:
            bridge.observe(handler, name)
        return lambda: [bridge.unobserve(handler, name) for handler, name in watched]

    solara.use_effect(watch_browser, [])

    # -- changing the setup -----------------------------------------------------------------
    def restart(new_params=None, new_seed=None, new_compare=...):
        playing.value = False
        p = params if new_params is None else new_params
        b = compare if new_compare is ... else new_compare
        session.start(p, seed if new_seed is None else new_seed, compare=b, keep_ghosts=True)
        set_version(lambda v: v + 1)
        set_selected((0, -1))

    def on_change(name, value):
        extra = {"graph": None} if name == "network" else {}  # a choice leaves the upload
        if editing == 1 and compare is not None:
            set_compare({**compare, name: value, **extra})
        else:
            set_params({**params, name: value, **extra})
        run = session.runs[editing] if editing < len(session.runs) else None
        if run is not None and PARAMETERS[name].live:  # structural ones wait for Reset
            with session.lock:
                run.set_parameter(name, value)

    def choose_scenario(name):
        chosen = SCENARIOS[name]
        new = chosen.parameters()
        set_scenario(name)
        set_params(new)
        set_seed(chosen.seed)
        b = None if compare is None else _contrast(new)
        set_compare(b)
        restart(new, chosen.seed, b)

    def set_comparing(on: bool):
        b = _contrast(params) if on else None
        set_compare(b)
        set_editing(1 if on else 0)
        restart(new_compare=b)

    upload_summary, set_upload_summary = solara.use_state("")

    def run_on_network(uploaded):
        """Run on an uploaded network (called from the upload's thread); None: go back to
        the generated ones."""
        graph = None if uploaded is None else uploaded.graph
        new = {**params, "graph": graph}
        b = None if compare is None else {**compare, "graph": graph}
        set_params(new)
        set_compare(b)
        set_upload_summary("" if uploaded is None else uploaded.summary)
        restart(new, new_compare=b)

    def one_step():
        session.step()

    def watch_selection():
        handlers = []
        for r, view in enumerate(session.views):

            def on_select(change, r=r):
                session.select(r, change["new"])
                set_selected((r, change["new"]))

            view.observe(on_select, "selected")
            handlers.append((view, on_select))
        return lambda: [view.unobserve(h, "selected") for view, h in handlers]

    solara.use_effect(watch_selection, [version])

    scale = PROJECTOR_SCALE if projector else 1.0
    for widget in [
        *session.views,
        *session.charts.values(),
        session.person_chart,
        session.person_wins,
    ]:
        if hasattr(widget, "scale") and widget.scale != scale:
            widget.scale = scale

    # -- the page ---------------------------------------------------------------------------
    solara.Title(TITLE)
    solara.Style(STYLE)
    if projector:
        solara.Style(PROJECTOR_STYLE)
    _show(bridge)
    with solara.AppBar():
        _show(session.counter)
        if NARROW.value:  # on a phone the sidebar is folded: play from the bar
            solara.Button(
                icon_name="mdi-pause" if playing.value else "mdi-play",
                on_click=toggle_play,
                icon=True,
                classes=["bar-play"],
                attributes={"aria-label": "Pause" if playing.value else "Play"},
            )
    with solara.Sidebar():
        Commands(playing.value, toggle_play, one_step, lambda: restart())
        NamedSlider(f"Speed: {fps} steps a second", fps, 1, 30, 1, lambda v: set_fps(int(v)))
        solara.Text(
            f"The first {SLOW_START_STEPS} steps play at most {SLOW_START_SPEED} a second, "
            "so that you can watch the first broadcasters fade.",
            classes=["slow-start-note"],
        )
        titles = {s.title: name for name, s in SCENARIOS.items()}
        solara.Select(
            "Scenario",
            values=list(titles),
            value=SCENARIOS[scenario].title,
            on_value=lambda title: choose_scenario(titles[title]),
        )
        solara.Text(SCENARIOS[scenario].story, classes=["scenario-story"])
        solara.InputInt(
            "Seed (the same seed gives the same run)",
            value=seed,
            on_value=lambda s: set_seed(max(0, int(s))),
        )
        solara.Switch(
            label="Compare two runs side by side", value=compare is not None, on_value=set_comparing
        )
        if compare is not None:
            with solara.ToggleButtonsSingle(value=editing, on_value=set_editing):
                solara.Button("Edit run A", value=0)
                solara.Button("Edit run B", value=1)
        solara.Switch(label="Projector mode (large text)", value=projector, on_value=set_projector)
        solara.Text(
            "The address bar holds this setup: copy it to share it.", classes=["share-hint"]
        )
        solara.FileDownload(
            lambda: session.run.csv(),
            filename=f"run-seed-{seed}.csv",
            label="Download this run's data (CSV)",
        )
        Fold(
            "Your own network",
            lambda: OwnNetwork(params["graph"] is not None, upload_summary, run_on_network),
        )
        shown = compare if editing == 1 and compare is not None else params
        running = session.runs[min(editing, len(session.runs) - 1)].params
        ParameterControls(shown, running, on_change)
    # Tab labels only, content below them: in solara 1.64 with Vuetify 3 the content of a
    # lab.Tab is placed inside the (sideways-scrolling) tab bar, off the page to the right.
    with solara.lab.Tabs(value=tab, on_value=set_tab):
        solara.lab.Tab("Simulation")
        solara.lab.Tab("About")
    if tab == 1:
        solara.Markdown(ABOUT)
        return
    for problem in problems:
        solara.Warning(f"From the link: {problem}", dense=True)
    if problems:
        solara.Button("Dismiss", on_click=lambda: set_problems([]), text=True)
    if reduced:
        solara.Info(
            "Your system asks for less motion: the run starts paused and plays "
            f"{REDUCED_SPEED} steps a second. Raise the speed if you like.",
            dense=True,
        )
    if session.comparing:
        with solara.ColumnsResponsive(12, medium=6):
            for r, view in enumerate(session.views):
                with solara.Column():
                    solara.Markdown(f"### Run {RUN_NAMES[r]}")
                    if r == 0:
                        solara.Text("Your settings.")
                    else:
                        changes = differences(session.runs[0].params, session.runs[1].params)
                        solara.Text(
                            "Differs in: "
                            + (
                                "; ".join(changes)
                                if changes
                                else "nothing yet (edit run B, then press Reset)"
                            ),
                            classes=["run-b-differs"],
                        )
                    _show(view)
                    TiesNote(session.runs[r])
        with solara.ColumnsResponsive(12, medium=6):
            Inspector(session, selected)
            with solara.Column():
                for r in range(len(session.runs)):
                    Story(session, r, f"Run {RUN_NAMES[r]}: what just happened")
    else:
        with solara.ColumnsResponsive(12, large=[7, 5]):
            with solara.Column():
                solara.Markdown("### The network")
                _show(session.view)
                TiesNote(session.run)
            with solara.Column():
                _show(session.charts[KEY_CHART])  # beside the network, above the fold
                Story(session, 0, "What just happened")
                Inspector(session, selected)
    with solara.ColumnsResponsive(12, medium=6, large=4):
        for key, chart in session.charts.items():
            if session.comparing or key != KEY_CHART:
                _show(chart)


@solara.component
def Commands(playing: bool, toggle_play, one_step, reset):
    """Play/Pause, Step and Reset: first in the keyboard order."""
    with solara.Row(classes=["commands"]):
        solara.Button(
            "Pause" if playing else "Play", on_click=toggle_play, color="primary", classes=["play"]
        )
        solara.Button("Step", on_click=one_step, disabled=playing)
        solara.Button("Reset", on_click=reset)
    solara.Text("Space bar: play or pause.", classes=["keys-hint"])


@solara.component
def OwnNetwork(active: bool, summary: str, run_on_network):
    """Upload a network file; while one is in use, say so and offer the way back."""
    if active:
        solara.Text(
            f"Running on your network ({summary}). People, network and contacts "
            "per person do not apply to it; the link cannot carry it.",
            classes=["upload-active"],
        )
        solara.Button(
            "Back to generated networks", on_click=lambda: run_on_network(None), outlined=True
        )
    NetworkUpload(on_graph=run_on_network)


@solara.component
def TiesNote(run):
    note = ties_note(run)
    if note:
        solara.Text(note, classes=["ties-note"])


@solara.component
def Inspector(session: Session, selected: tuple[int, int]):
    """The selected person's numbers and their history (kept up to date by the session)."""
    with solara.Column(classes=["inspector"]):
        solara.Markdown("### Person")
        if selected[1] < 0:
            solara.Text(
                "Click a dot (or focus the network and use the arrow keys) to see "
                "that person's numbers."
            )
            return
        _show(session.person_text)
        _show(session.person_chart)
        _show(session.person_wins)


@solara.component
def Story(session: Session, run: int, title: str):
    solara.Markdown(f"### {title}")
    _show(session.stories[run])


def _show(widget):
    """Place a widget in the page as a child element (unlike ``solara.display``, this also
    works, and can be found, when the page is rendered in-process by the tests)."""
    solara.Column(children=[widget], gap="0px")

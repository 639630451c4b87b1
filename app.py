"""The classroom app: watch broadcasters fade as people learn to ignore them.

Start it with ``./dev app`` (which runs ``solara run app.py`` with every front-end file
served from this machine). Each browser tab has its own run. The model is used only
through its public contract; the views live in :mod:`classroom`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import solara

from classroom.chart_view import LineChart
from classroom.controls import ParameterControls
from classroom.network_view import NetworkView
from classroom.run import CHARTS, ClassroomRun
from classroom.scenarios import SCENARIOS
from sim import PARAMETERS
from sim.params import defaults

TITLE = "Interruption or interaction?"
HERE = Path(__file__).parent / "classroom"
ABOUT = (HERE / "about.md").read_text()
STYLE = HERE / "style.css"
#: Colour, dash and marker per group: colour-blind safe (Okabe-Ito) and never colour alone.
SERIES_STYLE = {
    "broadcasters": {"label": "Broadcasters (interrupt)", "color": "#D55E00", "dash": [6, 3],
                     "marker": "square"},
    "interactors": {"label": "Interactors (interact)", "color": "#0072B2", "dash": [],
                    "marker": "circle"},
}
OTHER_STYLE = {"color": "#009E73", "dash": [2, 2], "marker": "triangle"}


def _series(groups):
    return [{"key": g, **SERIES_STYLE.get(g, {"label": g, **OTHER_STYLE})} for g in groups]


class Session:
    """Everything one browser tab owns: its run, its views and the play loop's lock."""

    def __init__(self, params: dict, seed: int):
        self.lock = threading.Lock()
        self.charts = {key: LineChart(title=title, y_label=y_label,
                                      y_min=None if rng is None else rng[0],
                                      y_max=None if rng is None else rng[1])
                       for key, title, y_label, _, rng in CHARTS}
        self.view = None
        self.start(params, seed)

    def start(self, params: dict, seed: int, keep_ghosts: bool = False) -> None:
        with self.lock:
            self.run = ClassroomRun(params=dict(params), seed=seed)
            run = self.run
            self.view = NetworkView.build(run.positions, run.edges, run.labels,
                                          run.group_codes(), hover_formatter=run.hover_text)
            for chart in self.charts.values():
                chart.series = _series(run.groups)
                chart.reset(keep=keep_ghosts)
            self._push()

    def step(self, n: int = 1) -> None:
        with self.lock:
            self.run.step(n)
            self._push()

    def _push(self) -> None:
        """Send the views what changed this step: one byte a person, a few numbers a chart."""
        frame = self.run.frame()
        self.view.show(frame.opacity, frame.edge_strength)
        latest = self.run.latest()
        for key, chart in self.charts.items():
            chart.append(float(self.run.steps), latest[key])


@solara.component
def Page(session: Session | None = None):
    """The whole page. Each browser tab renders its own Page, and so owns its own Session
    (tests may pass one in to look inside)."""
    params, set_params = solara.use_state(defaults())
    seed, set_seed = solara.use_state(0)
    own = solara.use_memo(lambda: session or Session(defaults(), 0), dependencies=[])
    session = own
    step, set_step = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    fps, set_fps = solara.use_state(10)
    version, set_version = solara.use_state(0)
    selected, set_selected = solara.use_state(-1)
    tab, set_tab = solara.use_state(0)

    def play_loop(cancel: threading.Event):
        while playing and not cancel.is_set():
            started = time.perf_counter()
            session.step()
            set_step(session.run.steps)
            cancel.wait(max(0.0, 1.0 / fps - (time.perf_counter() - started)))

    solara.use_thread(play_loop, dependencies=[playing, fps, version], intrusive_cancel=False)

    def on_change(name, value):
        new = {**params, name: value}
        set_params(new)
        if PARAMETERS[name].live:  # structural ones wait for Reset
            session.run.set_parameter(name, value)

    def reset(new_params=None, new_seed=None):
        set_playing(False)
        session.start(new_params or params, seed if new_seed is None else new_seed,
                      keep_ghosts=True)
        set_step(session.run.steps)
        set_version(version + 1)
        set_selected(-1)

    scenario, set_scenario = solara.use_state("default")

    def choose_scenario(name):
        chosen = SCENARIOS[name]
        set_scenario(name)
        set_params(chosen.parameters())
        set_seed(chosen.seed)
        reset(chosen.parameters(), chosen.seed)

    def one_step():
        session.step()
        set_step(session.run.steps)

    view = session.view

    def on_select(change):
        set_selected(change["new"])

    def watch():
        view.observe(on_select, "selected")
        return lambda: view.unobserve(on_select, "selected")

    solara.use_effect(watch, [view])

    solara.Title(TITLE)
    solara.Style(STYLE)
    with solara.AppBar():
        solara.Text(f"Step {step}", classes=["step-counter"])
    with solara.Sidebar():
        with solara.Row():
            solara.Button("Pause" if playing else "Play", on_click=lambda: set_playing(not playing),
                          color="primary", classes=["play"])
            solara.Button("Step", on_click=one_step, disabled=playing)
            solara.Button("Reset", on_click=lambda: reset())
        titles = {s.title: name for name, s in SCENARIOS.items()}
        solara.Select("Scenario", values=list(titles), value=SCENARIOS[scenario].title,
                      on_value=lambda title: choose_scenario(titles[title]))
        solara.Text(f"{SCENARIOS[scenario].title}: {SCENARIOS[scenario].story}",
                    classes=["scenario-story"])
        solara.SliderInt("Speed (steps per second)", value=fps, min=1, max=30, on_value=set_fps)
        solara.InputInt("Seed (the same seed gives the same run)", value=seed,
                        on_value=lambda s: set_seed(max(0, int(s))))
        solara.FileDownload(lambda: session.run.csv(), filename=f"run-seed-{seed}.csv",
                            label="Download this run's data (CSV)")
        ParameterControls(params, session.run.params, on_change)
    # Tab labels only, content below them: in solara 1.64 with Vuetify 3 the content of a
    # lab.Tab is placed inside the (sideways-scrolling) tab bar, off the page to the right.
    with solara.lab.Tabs(value=tab, on_value=set_tab):
        solara.lab.Tab("Simulation")
        solara.lab.Tab("About")
    if tab == 0:
        with solara.Columns([3, 2]):
            with solara.Column():
                solara.Markdown("### The network")
                solara.display(view)
            with solara.Column():
                Inspector(session, selected, step)
                Story(session, step)
        with solara.ColumnsResponsive(12, medium=6, large=4):
            for chart in session.charts.values():
                solara.display(chart)
    else:
        solara.Markdown(ABOUT)


@solara.component
def Inspector(session: Session, selected: int, step: int):
    """The selected person's numbers. Plain text elements, updated in place each step
    (a Markdown block would be rebuilt, and resent, every frame)."""
    solara.Markdown("### Person")
    if selected < 0:
        solara.Text("Click a dot (or focus the network and use the arrow keys) to see that "
                    "person's numbers.")
        return
    info = session.run.inspect(selected)
    state = "faded" if info["faded"] else "active"
    solara.Text(f"{info['label']}: {info['strategy']} ({state}), {info['contacts']} contacts",
                style={"font-weight": "bold"})
    for label, key in (("attention paid to them", "attention_received"),
                       ("trust earned", "trust_earned"), ("remembered", "recall")):
        solara.Text(f"{label}: {_fmt(info[key])}")
    solara.Text(f"people won over: {info['conversions']}")


@solara.component
def Story(session: Session, step: int):
    solara.Markdown("### What just happened")
    events = session.run.story()
    if not events:
        solara.Text("Press Play and watch.")
    for event in reversed(events[-6:]):
        solara.Text(f"Step {event.step}: {event.text}")


def _fmt(x):
    return "-" if x is None else f"{x:.2f}"

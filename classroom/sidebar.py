"""The page's sidebar: play and time, the setup (scenario, seed, compare, projector), saving
and sharing, one's own network, and the model's parameters. Each part is a component that
calls the page's :class:`~classroom.actions.PageActions`."""

from __future__ import annotations

from collections.abc import Callable

import solara

from .actions import PageActions
from .controls import Fold, NamedSlider, ParameterControls
from .scenarios import SCENARIOS
from .upload import NetworkUpload

__all__ = ["Commands", "OwnNetwork", "Settings", "SLOW_START_SPEED", "SLOW_START_STEPS"]

#: A slow start: the first SLOW_START_STEPS steps of a run play at no more than
#: SLOW_START_SPEED steps a second, so that a newcomer sees the first broadcasters fade (at
#: the defaults they fade at step 12, about 3.7 s after Play) before the run speeds up.
SLOW_START_STEPS, SLOW_START_SPEED = 20, 3


@solara.component
def Settings(
    actions: PageActions,
    playing: bool,
    toggle_play: Callable,
    fps: int,
    set_fps: Callable,
    upload_summary: str,
    start_tour: Callable | None = None,
):
    """Everything in the sidebar, in keyboard order: play first, parameters last."""
    session, setup = actions.session, actions.setup
    Commands(playing, toggle_play, session.step, actions.restart)
    NamedSlider(f"Speed: {fps} steps a second", fps, 1, 30, 1, lambda v: set_fps(int(v)))
    solara.Text(
        f"The first {SLOW_START_STEPS} steps play at most {SLOW_START_SPEED} a second, "
        "so that you can watch the first broadcasters fade.",
        classes=["slow-start-note"],
    )
    SetupChoices(actions)
    Sharing(session, setup.seed, start_tour)
    Fold(
        "Your own network",
        lambda: OwnNetwork(setup.params["graph"] is not None, upload_summary, actions),
    )
    editing_b = actions.editing == 1 and setup.compare is not None
    shown = setup.compare if editing_b else setup.params
    running = session.runs[min(actions.editing, len(session.runs) - 1)].params
    ParameterControls(shown, running, actions.change)


@solara.component
def Commands(playing: bool, toggle_play, one_step, reset):
    """Play/Pause, Step and Reset: first in the keyboard order."""
    with solara.Row(classes=["commands"]):
        solara.Button(
            "Pause" if playing else "Play", on_click=toggle_play, color="primary", classes=["play"]
        )
        solara.Button("Step", on_click=lambda: one_step(), disabled=playing)
        solara.Button("Reset", on_click=lambda: reset())
    solara.Text("Space bar: play or pause.", classes=["keys-hint"])


@solara.component
def SetupChoices(actions: PageActions):
    """The scenario (with its story), the seed, comparing two runs, projector mode."""
    setup = actions.setup
    titles = {s.title: name for name, s in SCENARIOS.items()}
    solara.Select(
        "Scenario",
        values=list(titles),
        value=SCENARIOS[setup.scenario].title,
        on_value=lambda title: actions.choose_scenario(titles[title]),
    )
    solara.Text(SCENARIOS[setup.scenario].story, classes=["scenario-story"])
    solara.InputInt(
        "Seed (the same seed gives the same run)", value=setup.seed, on_value=actions.set_seed
    )
    comparing = setup.compare is not None
    solara.Switch(
        label="Compare two runs side by side", value=comparing, on_value=actions.set_comparing
    )
    if comparing:
        with solara.ToggleButtonsSingle(value=actions.editing, on_value=actions.set_editing):
            solara.Button("Edit run A", value=0)
            solara.Button("Edit run B", value=1)
    solara.Switch(
        label="Projector mode (large text)", value=setup.projector, on_value=actions.set_projector
    )


@solara.component
def Sharing(session, seed: int, start_tour: Callable | None):
    """The link, the run's data, and the tour again."""
    solara.Text("The address bar holds this setup: copy it to share it.", classes=["share-hint"])
    solara.FileDownload(
        lambda: session.run.csv(),
        filename=f"run-seed-{seed}.csv",
        label="Download this run's data (CSV)",
    )
    if start_tour is not None:
        solara.Button("Take the tour", on_click=start_tour, text=True, classes=["tour-restart"])


@solara.component
def OwnNetwork(active: bool, summary: str, actions: PageActions):
    """Upload a network file; while one is in use, say so and offer the way back."""
    if active:
        solara.Text(
            f"Running on your network ({summary}). People, network and contacts "
            "per person do not apply to it; the link cannot carry it.",
            classes=["upload-active"],
        )
        solara.Button(
            "Back to generated networks",
            on_click=lambda: actions.run_on_network(None),
            outlined=True,
        )
    NetworkUpload(on_graph=actions.run_on_network)

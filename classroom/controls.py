"""The parameter controls, built from the model's own declarations (sim.params).

Nothing here restates a parameter's name, range, default or explanation: each control
reads them from :data:`sim.PARAMETERS`. The app only narrows a few ranges so that a page
stays responsive in a classroom (:data:`APP_LIMITS`).
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from agents import available_strategies, get_strategy_class
from sim import GROUPS, PARAMETERS, ParameterError

from .limits import APP_LIMITS, bounds, check_in_app

__all__ = ["APP_LIMITS", "Fold", "NamedSlider", "ParameterControls", "control_kind"]


def control_kind(name: str) -> str:
    """Which widget a parameter gets: slider, switch, select or none."""
    p = PARAMETERS[name]
    return {
        "int": "slider",
        "float": "slider",
        "bool": "switch",
        "choice": "select",
        "strategy": "select",
        "graph": "none",
        "mix": "none",  # set by the strategy builder's "Try it", not by a control
    }[p.kind]


def named_strategies(current: str) -> list[str]:
    """The strategies a menu offers: every registered one that is ``listed`` (not a
    learner's strategy from the builder, not a person a student plays), and the current."""
    return [
        name
        for name in available_strategies()
        if name == current or getattr(get_strategy_class(name), "listed", True)
    ]


@solara.component
def NamedSlider(label: str, value, low, high, step, on_value: Callable):
    """A slider whose handle carries its label as its accessible name (Vuetify 3 names the
    handle only from ``name``; solara's sliders leave it unnamed)."""
    return solara.v.Slider(
        v_model=value,
        on_v_model=on_value,
        label=label,
        name=label,
        min=low,
        max=high,
        step=step,
        density="default",
        hide_details=True,
    )


@solara.component
def ParameterControl(
    name: str, value, on_change: Callable[[str, object], None], pending: bool = False
):
    """One parameter: its control, its one-line explanation and, for a structural
    parameter whose new value waits for Reset, a note saying so."""
    p = PARAMETERS[name]
    error, set_error = solara.use_state("")

    def change(new):
        try:
            checked = check_in_app(name, new)
        except ParameterError as err:
            set_error(str(err))
            return
        set_error("")
        on_change(name, checked)

    kind = control_kind(name)
    with solara.Column(gap="0px", classes=["param"]):
        if kind == "switch":
            solara.Switch(label=p.label, value=bool(value), on_value=change)
        elif kind == "select":
            options = list(p.choices) if p.kind == "choice" else named_strategies(value)
            solara.Select(label=p.label, values=options, value=value, on_value=change)
        elif p.kind == "int":
            low, high = bounds(name)
            NamedSlider(
                f"{p.label}: {int(value)}",
                int(value),
                int(low),
                int(high),
                1,
                lambda v: change(int(v)),
            )
        else:
            low, high = bounds(name)
            NamedSlider(
                f"{p.label}: {float(value):.2f}",
                float(value),
                float(low),
                float(high),
                (high - low) / 100,
                lambda v: change(float(v)),
            )
        solara.Text(p.help, classes=["param-help"])
        if pending:
            solara.Text("Applies when you press Reset.", classes=["param-pending"])
        if error:
            solara.Error(error)


@solara.component
def Fold(summary: str, render: Callable[[], None], expand: bool = False):
    """A section that can be opened and closed, like ``solara.Details``, except that its
    contents are built only while it is open: a folded group costs the page nothing (the
    controls would otherwise be about 200 widgets, built and sent on the first render)."""
    is_open, set_open = solara.use_state(expand)
    label = ("▾ " if is_open else "▸ ") + summary
    solara.Button(
        label,
        on_click=lambda: set_open(not is_open),
        text=True,
        classes=["fold"],
        attributes={"aria-expanded": "true" if is_open else "false"},
    )
    if is_open:
        with solara.Column(gap="4px", classes=["fold-body"]):
            render()


@solara.component
def ParameterControls(values: dict, running: dict, on_change: Callable[[str, object], None]):
    """Every parameter, grouped as declared; advanced ones folded under "More"."""

    def controls(names):
        for n in names:
            ParameterControl(
                n, values[n], on_change, pending=not PARAMETERS[n].live and values[n] != running[n]
            )

    for group in GROUPS:
        names = [n for n, p in PARAMETERS.items() if p.group == group and control_kind(n) != "none"]
        if not names:
            continue
        simple = [n for n in names if not PARAMETERS[n].advanced]
        advanced = [n for n in names if PARAMETERS[n].advanced]

        def body(simple=simple, advanced=advanced, group=group):
            controls(simple)
            if advanced:
                Fold(f"More {group.lower()} settings", lambda: controls(advanced))

        Fold(group, body, expand=group in ("People", "Mechanisms"))

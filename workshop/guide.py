"""The facilitator's guide, generated: ``python -m workshop guide`` writes workshop/guide.md.

The guide is ``guide_template.md`` with its ``{{name}}`` placeholders filled. Every number
in it comes from a run made by this module: the checks of the exercises
(:mod:`workshop.checks`, their seeds) and four of the shipped experiments at their
``--quick`` size (the same runs and seeds as ``python -m experiments run NAME --quick``,
made here in-process, without writing a results folder). The template and the exercises'
facilitator texts hold no typed digits; the tests make sure of it, and that the committed
guide equals a fresh one.

Placeholders: ``ex<N>.<fact>`` (a check's numbers), ``plan`` (the timetable),
``exercises`` (every exercise's section), ``xp.<name>`` (a quick experiment's table) and
``xp.<name>.size`` (its size in words), and the few plain names in :func:`context`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from classroom.launch import DEFAULT_PORT

from .checks import EARLY, SEEDS, STEPS, num, pct, seeds_text
from .exercises import BASES, EXERCISES, Exercise
from .key import outcomes
from .plans import PLANS, Plan

__all__ = ["PLACEHOLDER", "TEMPLATE", "context", "render", "write_guide"]

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "guide_template.md"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
#: The shipped experiments the guide runs at their quick size, and what it tabulates.
EXPERIMENTS = ("reach_trust", "fade_map", "attention_commons", "structure")


# -- the experiments at quick size -----------------------------------------------------------
def quick_experiment(name: str) -> tuple[object, pd.DataFrame, pd.DataFrame]:
    """Every run of the shipped spec ``name`` at its --quick size, in this process: the spec,
    one row per run and the time series (as ``experiments.execute.run_one`` makes them)."""
    from experiments import load_spec
    from experiments.execute import run_one

    spec = load_spec(
        Path(__file__).resolve().parent.parent / "experiments" / f"{name}.toml", quick=True
    )
    rows, series = [], []
    for run in spec.runs():
        row, ts = run_one(run, spec.steps, spec.every, spec.reporters)
        rows.append(row)
        series.append(ts)
    return spec, pd.DataFrame(rows), pd.concat(series, ignore_index=True)


def _label(value) -> str:
    if isinstance(value, bool | np.bool_):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        return f"{value:g}"
    return str(value).replace("_", " ")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _means(runs: pd.DataFrame, by: list[str], columns: list[str]) -> pd.DataFrame:
    return runs.groupby(by, sort=False)[columns].mean()


def experiment_tables() -> dict[str, str]:
    """The quick experiments' tables and sizes, as placeholders ``xp.<name>[.size]``."""
    out = {}
    for name in EXPERIMENTS:
        spec, runs, series = quick_experiment(name)
        people = spec.points()[0]["n_agents"]
        out[f"xp.{name}.size"] = (
            f"{spec.n_points} settings x {spec.replicates} runs of "
            f"{people} people, {spec.steps} steps"
        )
        out[f"xp.{name}"] = TABLES[name](spec, runs, series)
    return out


def _reach_trust(spec, runs, series) -> str:
    early = (
        series[(series.step >= 1) & (series.step <= EARLY)]
        .groupby(["point", "run_id"])[["reach_broadcasters", "reach_interactors"]]
        .sum()
        .groupby("point")
        .mean()
    )
    last = _means(
        runs,
        ["point"],
        [
            "trust_in_broadcasters",
            "trust_in_interactors",
            "conversions_broadcasters",
            "conversions_interactors",
        ],
    )
    rows = []
    for point, params in enumerate(spec.points()):
        e, end = early.loc[point], last.loc[point]
        rows.append(
            [
                _label(params["habituation_on"]),
                f"{num(e.reach_broadcasters, 1)} / {num(e.reach_interactors, 1)}",
                f"{num(end.trust_in_broadcasters)} / {num(end.trust_in_interactors)}",
                f"{num(end.conversions_broadcasters)} / {num(end.conversions_interactors)}",
            ]
        )
    return _table(
        [
            "habituation",
            f"noticed per person, steps 1 to {EARLY} (B / I)",
            f"trust at step {spec.steps} (B / I)",
            f"won over per person at step {spec.steps} (B / I)",
        ],
        rows,
    )


def _fade_map(spec, runs, series) -> str:
    shares = spec.vary["broadcaster_share"]
    mean = _means(runs, ["habituation", "broadcaster_share"], ["faded_broadcasters"])
    rows = [
        [_label(h)] + [pct(mean.loc[(h, s)].faded_broadcasters) for s in shares]
        for h in spec.vary["habituation"]
    ]
    return _table(["habituation"] + [f"share {_label(s)}" for s in shares], rows)


def _commons(spec, runs, series) -> str:
    budgets = spec.vary["attention_budget"]
    mean = _means(runs, ["broadcaster_share", "attention_budget"], ["noticed_share_interactors"])
    rows = [
        [_label(s)] + [pct(mean.loc[(s, b)].noticed_share_interactors) for b in budgets]
        for s in spec.vary["broadcaster_share"]
    ]
    return _table(["share of broadcasters"] + [f"budget {b}" for b in budgets], rows)


def _structure(spec, runs, series) -> str:
    mean = _means(
        runs,
        ["network"],
        [
            "faded_broadcasters",
            "trust_in_broadcasters",
            "trust_in_interactors",
            "conversions_broadcasters",
            "conversions_interactors",
        ],
    )
    rows = []
    for net in spec.vary["network"]:
        m = mean.loc[net]
        rows.append(
            [
                _label(net),
                pct(m.faded_broadcasters),
                f"{num(m.trust_in_broadcasters)} / {num(m.trust_in_interactors)}",
                f"{num(m.conversions_broadcasters)} / {num(m.conversions_interactors)}",
            ]
        )
    return _table(
        ["network", "broadcasters faded", "trust (B / I)", "won over per person (B / I)"], rows
    )


TABLES = {
    "reach_trust": _reach_trust,
    "fade_map": _fade_map,
    "attention_commons": _commons,
    "structure": _structure,
}


# -- the plans and the exercises -------------------------------------------------------------
def plan_table(p: Plan) -> str:
    """One plan as a Markdown timetable, with what it drops."""
    rows = []
    for start, end, part in p.timetable():
        check = "check" if part.exercise is not None and part.exercise.check else ""
        rows.append([f"{start}-{end}", part.title, f"{part.minutes} min", part.note, check])
    table = _table(["minutes", "part", "length", "what happens", ""], rows)
    dropped = ", ".join(f"{ex.number} ({ex.title})" for ex in p.dropped)
    return (
        f"### {p.minutes} minutes: {p.audience}\n\n{table}\n\n"
        f"Uses exercises {', '.join(str(ex.number) for ex in p.exercises)}; drops {dropped}."
    )


def plans() -> str:
    return "\n\n".join(plan_table(p) for p in PLANS.values())


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with every ``{{name}}`` replaced; an unknown name is an error."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"guide: no value for the placeholder {{{{{name}}}}}")
        return values[name]

    return PLACEHOLDER.sub(one, text)


def exercise_section(ex: Exercise, values: dict[str, str]) -> str:
    pred = ex.predict
    tests = ex.tests
    out = [
        f"### {ex.number}. {ex.title} ({ex.minutes} min{', optional' if ex.optional else ''})",
        "",
        f'*On the student sheet:* "{ex.name}". **Tests** {tests.label.lower()} '
        f"({tests.cite}): {tests.words}",
        "",
        f"**Open.** `{ex.path}` ({ex.link_note}); on the server: "
        f"`http://ADDRESS:{values['port']}{ex.path}`.",
        "",
        f"**Predict.** {pred.question} The options are on the sheet; "
        + (
            "the answer and why each other option differs are in the answer key. "
            if pred.answer
            else "there is no right answer in advance: each participant's run decides. "
        )
        + "Take the show of hands before anyone presses Play.",
        "",
        "**Observe.**",
        "",
    ]
    out += [f"- {step}" for step in ex.observe]
    out += ["", "**What participants typically see.** " + fill(ex.typical, values)]
    out += ["", f"**Built in or found.** {BASES[ex.basis][:1].upper()}{BASES[ex.basis][1:]}."]
    if ex.check:
        out += [
            "",
            f"**Check.** `python -m workshop check {ex.number} --answer LETTER` (or Check in "
            f"the app's Exercises tab): the runs give ({values[f'ex{ex.number}.observed']}).",
        ]
    if ex.command:
        out += ["", f"**Or in a terminal.** `{ex.command}`"]
    out += ["", "**Explain (the questions the app shows after the prediction).**", ""]
    out += [f"- {q}" for q in ex.explain]
    out += ["", "**Discussion prompts.**", ""] + [f"- {q}" for q in ex.discussion]
    out += ["", f"**Back to real life.** {ex.real_life}", ""]
    return "\n".join(out)


def context() -> dict[str, str]:
    """Every placeholder's value: runs the checks and the quick experiments."""
    values: dict[str, str] = {
        "check.seeds": seeds_text(SEEDS),
        "check.steps": str(STEPS),
        "check.count": str(len(SEEDS)),
        "early": str(EARLY),
    }
    for n, outcome in outcomes().items():
        values.update({f"ex{n}.{k}": v for k, v in outcome.facts.items()})
        values[f"ex{n}.observed"] = outcome.observed
    values["plans"] = plans()
    lengths = [str(m) for m in PLANS]
    values["plan_lengths"] = ", ".join(lengths[:-1]) + f" or {lengths[-1]}"
    values["port"] = str(DEFAULT_PORT)
    values.update(experiment_tables())
    values["exercises"] = "\n".join(exercise_section(ex, values) for ex in EXERCISES)
    return values


def template() -> str:
    """The template without its leading comment (which is for whoever edits it)."""
    text = TEMPLATE.read_text(encoding="utf-8")
    if text.startswith("<!--"):
        text = text[text.index("-->") + 3 :].lstrip("\n")
    return text


def render(values: dict[str, str] | None = None) -> str:
    values = context() if values is None else values
    return fill(template(), values)


def write_guide(path: str | Path = HERE / "guide.md") -> Path:
    path = Path(path)
    path.write_text(render(), encoding="utf-8")
    return path

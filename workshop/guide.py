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

from .checks import CHECKS, EARLY, SEEDS, STEPS, num, pct, run_check, seeds_text
from .exercises import EXERCISES, Exercise

__all__ = ["PLACEHOLDER", "TEMPLATE", "context", "render", "write_guide"]

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "guide_template.md"
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
#: The parts of the session that are not exercises: (title, minutes).
FRAME = {
    "welcome": ("Welcome: the essay's argument in a few sentences", 5),
    "wrap_up": ("Wrap-up: back to real life", 5),
}
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


# -- the plan and the exercises --------------------------------------------------------------
def plan() -> tuple[str, dict[str, str]]:
    """The timetable (a Markdown table) and its totals as placeholders."""
    rows, clock, core = [], 0, 0

    def add(what: str, minutes: int, note: str = "") -> None:
        nonlocal clock
        rows.append([f"{clock}-{clock + minutes}", what, f"{minutes} min", note])
        clock += minutes

    add(FRAME["welcome"][0], FRAME["welcome"][1])
    optional = [ex for ex in EXERCISES if ex.optional]
    for ex in EXERCISES:
        if not ex.optional:
            add(f"{ex.number}. {ex.title}", ex.minutes, "check" if ex.check else "")
    add(FRAME["wrap_up"][0], FRAME["wrap_up"][1])
    core = clock
    for ex in optional:
        add(f"{ex.number}. {ex.title} (optional)", ex.minutes, "check" if ex.check else "")
    skippable = [ex for ex in EXERCISES if ex.number in SKIP_WHEN_SHORT]
    short = core - sum(ex.minutes for ex in skippable)
    table = _table(["minutes", "part", "length", ""], rows)
    return table, {
        "total_minutes": str(core),
        "with_optional": str(clock),
        "short_minutes": str(short),
        "skip_when_short": " and ".join(str(ex.number) for ex in skippable),
    }


#: Exercises to leave out when the session has to be short.
SKIP_WHEN_SHORT = (6, 7)


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
    out = [
        f"### {ex.number}. {ex.title} ({ex.minutes} min{', optional' if ex.optional else ''})",
        "",
        f"**Goal.** {ex.goal}",
        "",
        f"**The essay's claim.** {ex.claim}",
        "",
        f"**Open.** `{ex.path}` ({ex.link_note}); on the server: `http://ADDRESS:8765{ex.path}`.",
        "",
        f"**Predict.** {pred.question}",
        "",
    ]
    for o in pred.options:
        mark = " **(the model's answer)**" if o.key == pred.answer else ""
        out.append(f"- ({o.key}) {o.text}{mark}")
        if o.why_not:
            out.append(f"  - The misconception behind it: {o.why_not}")
    if pred.answer is None:
        out.append("- No single right answer: the participant's run decides.")
    out += ["", "**Observe.**", ""] + [f"- {step}" for step in ex.observe]
    out += ["", "**What participants typically see.** " + fill(ex.typical, values)]
    if ex.check:
        n = ex.number
        out += [
            "",
            f"**Check.** `python -m workshop check {n} --answer LETTER`: the runs "
            f"show ({values[f'ex{n}.observed']}); the claim "
            f"{values[f'ex{n}.holds']}.",
        ]
    if ex.command:
        out += ["", f"**Run.** `{ex.command}`"]
    out += ["", "**Explain (the questions on the handout).**", ""]
    out += [f"- {q}" for q in ex.explain]
    out += [
        "",
        f"**When the run contradicts the prediction.** {ex.if_surprised}",
        "",
        "**Discussion prompts.**",
        "",
    ] + [f"- {q}" for q in ex.discussion]
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
    for n in CHECKS:
        outcome = run_check(n)
        values.update({f"ex{n}.{k}": v for k, v in outcome.facts.items()})
        values[f"ex{n}.observed"] = outcome.observed
        values[f"ex{n}.holds"] = "holds" if outcome.holds else "does NOT hold"
    table, totals = plan()
    values["plan"] = table
    values.update(totals)
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

"""The checks behind ``python -m workshop check N [--answer X] [--set name=value ...]``.

A check runs the exercise's setup (the very link the exercise opens in the app, read with
:func:`classroom.share.from_query`) on several seeds, measures what the exercise asks
about, and says in plain words which option of the prediction the runs support, whether
the exercise's claim holds, and whether the participant's answer matches. ``--set`` changes
parameters on top of the link (for "what if" questions); a check then may well find that
the claim does not hold: every check can fail.

Each check returns an :class:`Outcome` whose ``facts`` (formatted numbers) also fill the
placeholders of the facilitator's guide, so that the guide says exactly what a check run
with the same seeds prints.

For a room of students, each check also runs on seeds given by the caller
(``run_check(n, seeds=(7,))``: one run, about a second) and reports the one number that
decides its observed option, :attr:`Outcome.value`, with a label in words
(:data:`VALUE_LABELS`). The room pools the students' values into one distribution; the
five-seed run (the default) gives the reference value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from classroom.share import from_query
from sim import NetworkingModel
from sim.params import from_text, validate

from .exercises import Exercise, app_path, exercise

__all__ = [
    "CHECKS",
    "SEEDS",
    "STEPS",
    "VALUE_LABELS",
    "Outcome",
    "CheckError",
    "basis_words",
    "in_words",
    "no_check_words",
    "report",
    "run_check",
    "seed_tuple",
]

#: Seeds of every check (several, so one lucky run cannot decide) and the run length.
SEEDS = (0, 1, 2, 3, 4)
STEPS = 200
#: The first steps, over which early reach is summed.
EARLY = 10
#: Exercise 9 asks whom the interactors would choose this many steps after the campaign.
AFTER_CAMPAIGN = 10


class CheckError(ValueError):
    """A check could not run as asked (no such exercise, a bad --set or --answer)."""


@dataclass
class Outcome:
    exercise: Exercise
    #: The key of the prediction option the runs support.
    observed: str
    #: Formatted numbers, by name (the guide's placeholders are ``ex<N>.<name>``).
    facts: dict[str, str]
    #: The numbers in words, one line each.
    lines: list[str]
    #: What was run, in words.
    ran: list[str] = field(default_factory=list)
    #: The one number that decides ``observed``, computed over the seeds the check ran on
    #: (what a room pools over its students' runs); see :data:`VALUE_LABELS`.
    value: float = float("nan")
    #: What ``value`` measures, in words.
    value_label: str = ""

    @property
    def holds(self) -> bool:
        """Whether the runs support the exercise's claim (its reference answer)."""
        return self.observed == self.exercise.predict.answer


# -- running ---------------------------------------------------------------------------------
def setup_params(query: str, overrides: dict[str, str] | None = None, run: str = "A") -> dict:
    """The parameters of run ``run`` ("A" or "B") of the app's link ``query``, with
    ``overrides`` (name -> text) on top. Raises CheckError for a link with problems."""
    setup, problems = from_query(query)
    if problems:
        raise CheckError(f"the link {app_path(query)} has problems: {'; '.join(problems)}")
    params = setup.params if run == "A" else setup.compare
    if params is None:
        raise CheckError(f"the link {app_path(query)} has no run B")
    return with_overrides(params, overrides)


def with_overrides(params: dict, overrides: dict[str, str] | None) -> dict:
    out = dict(params)
    for name, text in (overrides or {}).items():
        try:
            out[name] = from_text(name, text)
        except ValueError as err:
            raise CheckError(f"--set {name}={text}: {err}") from None
    try:
        return validate(out)
    except ValueError as err:
        raise CheckError(f"--set: {err}") from None


def seed_tuple(seeds) -> tuple[int, ...]:
    """``seeds`` as a tuple of non-negative ints (one seed may be given as an int, None means
    :data:`SEEDS`); raises CheckError for an empty or a bad one."""
    if seeds is None:
        return SEEDS
    try:
        seeds = (seeds,) if isinstance(seeds, int | np.integer) else tuple(seeds)
        out = tuple(int(s) for s in seeds)
    except (TypeError, ValueError):
        raise CheckError(f"seeds must be whole numbers (got {seeds!r})") from None
    if not out:
        raise CheckError("a check needs at least one seed")
    if any(s < 0 or s != orig for s, orig in zip(out, seeds, strict=True)):
        raise CheckError(f"seeds must be whole numbers from 0 up (got {seeds!r})")
    return out


def _key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


@lru_cache(maxsize=32)
def _frames(key: tuple, seeds: tuple[int, ...], steps: int) -> tuple[pd.DataFrame, ...]:
    out = []
    for seed in seeds:
        model = NetworkingModel(rng=seed, **dict(key))
        model.run_for(steps)
        out.append(model.datacollector.get_model_vars_dataframe().reset_index(drop=True))
    return tuple(out)


def frames(params: dict, seeds=SEEDS, steps: int = STEPS) -> tuple[pd.DataFrame, ...]:
    """One data frame of the model's reporters per seed (step 0 to ``steps``); cached, so
    that checks sharing a setup run it once."""
    return _frames(_key(params), tuple(seeds), steps)


def end(dfs, name: str) -> float:
    """Mean over the runs of a reporter's value at the last step."""
    return float(np.mean([df[name].iloc[-1] for df in dfs]))


def early(dfs, name: str) -> float:
    """Mean over the runs of a reporter summed over steps 1 to EARLY."""
    return float(np.mean([df[name].iloc[1 : EARLY + 1].sum() for df in dfs]))


def over_run(dfs, name: str) -> float:
    """Mean over the runs of a reporter's mean over steps 1 to the last."""
    return float(np.mean([np.nanmean(df[name].iloc[1:]) for df in dfs]))


def last_steps(dfs, name: str) -> float:
    """Mean over the runs of a reporter's mean over the last EARLY steps."""
    return float(np.mean([df[name].iloc[-EARLY:].mean() for df in dfs]))


def half_faded_step(dfs) -> float:
    """Mean over the runs of the first step at which half of the broadcasters had faded
    (runs in which they never did are left out; NaN if none did)."""
    steps = [np.flatnonzero(df["faded_broadcasters"].to_numpy() >= 0.5) for df in dfs]
    firsts = [s[0] for s in steps if len(s)]
    return float(np.mean(firsts)) if firsts else float("nan")


def pct(x: float) -> str:
    return f"{round(100 * x)} %"


def num(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def seeds_text(seeds=SEEDS) -> str:
    seeds = tuple(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == tuple(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]} to {seeds[-1]}"
    return f"seeds {', '.join(map(str, seeds[:-1]))} and {seeds[-1]}"


def described(query: str, what: str, overrides, steps: int = STEPS, seeds=SEEDS) -> str:
    changed = ""
    if overrides:
        changed = "; with your changes: " + ", ".join(f"{k}={v}" for k, v in overrides.items())
    each = " each" if len(seeds) > 1 else ""
    return f"{what} (the link {app_path(query)}), {seeds_text(seeds)}, {steps} steps{each}{changed}"


#: Exercise number -> what its check's :attr:`Outcome.value` measures. Each is the number
#: the check's observed option is read from (where a rule uses more than one number, the one
#: that separates its options in the usual runs); over several seeds it is the mean over the
#: runs, except for the ratios, which are ratios of those means.
VALUE_LABELS: dict[int, str] = {
    1: f"noticed messages per broadcaster over the first {EARLY} steps, over per interactor",
    2: f"share of broadcasters faded at step {STEPS}",
    3: f"share of broadcasters faded at step {STEPS} with a captive audience (run B)",
    4: f"memory of interactors at step {STEPS}, over memory of broadcasters",
    5: "change in the share of interactors' messages noticed, from few broadcasters "
    "(run A) to many (run B)",
    6: f"share of broadcasters faded at step {STEPS} in the karate club",
    8: f"attention paid at step {STEPS} to those who started as broadcasters, over "
    "attention paid to the others",
    9: f"share of the interactors who would choose a broadcaster {AFTER_CAMPAIGN} steps "
    "after the campaign (run A)",
}


# -- the checks ------------------------------------------------------------------------------
def check_reach(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(1)
    dfs = frames(setup_params(ex.link, overrides), seeds)
    rb, ri = early(dfs, "reach_broadcasters"), early(dfs, "reach_interactors")
    ratio = rb / ri if ri > 0 else float("inf")
    eb, ei = last_steps(dfs, "reach_broadcasters"), last_steps(dfs, "reach_interactors")
    observed = "b" if ratio >= 1.25 else "a" if ratio <= 0.8 else "c"
    facts = {
        "reach10_b": num(rb, 1),
        "reach10_i": num(ri, 1),
        "ratio": num(ratio, 1),
        "reach_end_b": num(eb),
        "reach_end_i": num(ei),
    }
    lines = [
        f"messages noticed per person over steps 1 to {EARLY}: broadcasters "
        f"{facts['reach10_b']}, interactors {facts['reach10_i']} (broadcasters "
        f"{facts['ratio']} times as many)",
        f"messages noticed per person and step over the last {EARLY} steps: broadcasters "
        f"{facts['reach_end_b']}, interactors {facts['reach_end_i']}",
    ]
    ran = [described(ex.link, "the mixed room", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, ratio, VALUE_LABELS[1])


def check_ignore(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(2)
    dfs = frames(setup_params(ex.link, overrides), seeds)
    faded = end(dfs, "faded_broadcasters")
    lowest = min(df["faded_broadcasters"].iloc[-1] for df in dfs)
    half = half_faded_step(dfs)
    att0 = float(np.mean([df["attention_to_broadcasters"].iloc[0] for df in dfs]))
    observed = "c" if faded >= 0.8 else "a" if faded <= 0.2 else "b"
    facts = {
        "faded": pct(faded),
        "faded_min": pct(lowest),
        "half_step": "never" if np.isnan(half) else str(round(half)),
        "att_b_start": num(att0),
        "att_b_end": num(end(dfs, "attention_to_broadcasters")),
        "att_i_end": num(end(dfs, "attention_to_interactors")),
    }
    lines = [
        f"broadcasters faded by step {STEPS}: {facts['faded']} on average, "
        f"{facts['faded_min']} in the lowest run",
        f"half of them had faded by step {facts['half_step']} (mean over the runs)"
        if facts["half_step"] != "never"
        else "half of them never faded",
        f"attention paid to broadcasters: {facts['att_b_start']} at the start, "
        f"{facts['att_b_end']} at the end; to interactors: {facts['att_i_end']} at the end",
    ]
    ran = [described(ex.link, "the mixed room", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, faded, VALUE_LABELS[2])


def check_captive(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(3)
    usual = frames(setup_params(ex.link, overrides, "A"), seeds)
    captive = frames(setup_params(ex.link, overrides, "B"), seeds)
    fc, fu = end(captive, "faded_broadcasters"), end(usual, "faded_broadcasters")
    rb, ri = early(captive, "reach_broadcasters"), early(captive, "reach_interactors")
    hc, hu = half_faded_step(captive), half_faded_step(usual)
    if fc <= 0.1 and rb > ri:
        observed = "b"
    elif fc > 0.1 and not hc > hu:  # faded at least as fast as in the usual run
        observed = "c"
    else:
        observed = "a"
    facts = {
        "faded_captive": pct(fc),
        "faded_default": pct(fu),
        "reach10_b": num(rb, 1),
        "reach10_i": num(ri, 1),
        "conv_b": num(end(captive, "conversions_broadcasters"), 1),
        "conv_i": num(end(captive, "conversions_interactors"), 1),
    }
    lines = [
        f"broadcasters faded by step {STEPS}: {facts['faded_captive']} in run B (captive), "
        f"{facts['faded_default']} in run A (as usual)",
        f"run B, messages noticed per person over steps 1 to {EARLY}: broadcasters "
        f"{facts['reach10_b']}, interactors {facts['reach10_i']}",
        f"run B, people won over per person: broadcasters {facts['conv_b']}, interactors "
        f"{facts['conv_i']}",
    ]
    ran = [described(ex.link, "runs A and B", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, fc, VALUE_LABELS[3])


def check_memory(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(4)
    dfs = frames(setup_params(ex.link, overrides), seeds)
    sent = np.mean([df["sent_broadcasters"].sum() for df in dfs]) / np.mean(
        [df["sent_interactors"].sum() for df in dfs]
    )
    rb, ri = end(dfs, "recall_of_broadcasters"), end(dfs, "recall_of_interactors")
    tb, ti = end(dfs, "trust_in_broadcasters"), end(dfs, "trust_in_interactors")
    cb, ci = end(dfs, "conversions_broadcasters"), end(dfs, "conversions_interactors")
    recall_ratio = ri / rb if rb > 0 else float("inf")
    if ri >= 2 * rb and ti > tb and ci > cb:
        observed = "b"
    elif rb >= 1.25 * ri:
        observed = "a"
    else:
        observed = "c"
    facts = {
        "sent_ratio": num(sent, 1),
        "recall_b": num(rb),
        "recall_i": num(ri),
        "recall_ratio": num(recall_ratio, 1),
        "trust_b": num(tb),
        "trust_i": num(ti),
        "conv_b": num(cb, 1),
        "conv_i": num(ci, 1),
    }
    lines = [
        f"messages sent, per person: broadcasters sent {facts['sent_ratio']} times as many "
        "as interactors",
        f"memory of them at the end: broadcasters {facts['recall_b']}, interactors "
        f"{facts['recall_i']} (interactors {facts['recall_ratio']} times as well)",
        f"trust at the end: broadcasters {facts['trust_b']}, interactors {facts['trust_i']}",
        f"people won over, per person: broadcasters {facts['conv_b']}, interactors "
        f"{facts['conv_i']}",
    ]
    ran = [described(ex.link, "the half-and-half room", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, recall_ratio, VALUE_LABELS[4])


def check_commons(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(5)
    few = frames(setup_params(ex.link, overrides, "A"), seeds)
    many = frames(setup_params(ex.link, overrides, "B"), seeds)
    low, high = (
        over_run(few, "noticed_share_interactors"),
        over_run(many, "noticed_share_interactors"),
    )
    change = (high - low) / low if low > 0 else 0.0
    observed = "c" if change <= -0.1 else "b" if change >= 0.1 else "a"
    facts = {
        "noticed_low": pct(low),
        "noticed_high": pct(high),
        "change": f"{round(100 * change):+d} %",
        "reach_low": num(over_run(few, "reach_interactors")),
        "reach_high": num(over_run(many, "reach_interactors")),
    }
    lines = [
        f"share of the interactors' messages noticed (mean over the run): "
        f"{facts['noticed_low']} in run A (few broadcasters), {facts['noticed_high']} in "
        f"run B (many): {facts['change']}",
        f"an interactor's messages noticed per step: {facts['reach_low']} in run A, "
        f"{facts['reach_high']} in run B",
    ]
    ran = [described(ex.link, "runs A and B", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, change, VALUE_LABELS[5])


#: The other network of exercise 6: everyone knows everyone.
COMPLETE = "network=complete"


def check_structure(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(6)
    dfs = frames(setup_params(ex.link, overrides), seeds)
    full = frames(setup_params(COMPLETE, overrides), seeds)
    faded = end(dfs, "faded_broadcasters")
    tb, ti = end(dfs, "trust_in_broadcasters"), end(dfs, "trust_in_interactors")
    if faded >= 0.8 and ti > tb:
        observed = "b"
    elif faded <= 0.2:
        observed = "a"
    else:
        observed = "c"
    facts = {
        "faded": pct(faded),
        "trust_b": num(tb),
        "trust_i": num(ti),
        "faded_complete": pct(end(full, "faded_broadcasters")),
        "conv_b_complete": num(end(full, "conversions_broadcasters"), 1),
        "conv_i_complete": num(end(full, "conversions_interactors"), 1),
    }
    lines = [
        f"karate club: broadcasters faded by step {STEPS}: {facts['faded']}; trust in "
        f"broadcasters {facts['trust_b']}, in interactors {facts['trust_i']}",
        f"complete network (for comparison): broadcasters faded {facts['faded_complete']}; "
        f"people won over per broadcaster {facts['conv_b_complete']}, per interactor "
        f"{facts['conv_i_complete']}",
    ]
    return Outcome(
        ex,
        observed,
        facts,
        lines,
        [
            described(ex.link, "the karate club", overrides, seeds=seeds),
            described(COMPLETE, "the complete network", overrides, seeds=seeds),
        ],
        faded,
        VALUE_LABELS[6],
    )


#: Exercise 8 looks at former broadcasters at this step too.
PROBE = 50


@lru_cache(maxsize=8)
def _second_chance(key: tuple, seeds: tuple[int, ...], steps: int) -> dict[str, float]:
    """Means over the runs, for the people who *started* as broadcasters and the others:
    attention paid to them at step PROBE and at the end, and trust in them at the end."""
    sums: dict[str, list[float]] = {}
    for seed in seeds:
        model = NetworkingModel(rng=seed, **dict(key))
        started = np.array([p.group == "broadcasters" for p in model.people])
        for at in (PROBE, steps):
            model.run_for(at - model.steps)
            stats = model.person_stats()
            for who, mask in (("b", started), ("i", ~started)):
                sums.setdefault(f"att_{who}{at}", []).append(
                    float(np.nanmean(stats["attention_received"][mask]))
                )
                sums.setdefault(f"trust_{who}{at}", []).append(
                    float(np.nanmean(stats["trust_earned"][mask]))
                )
    return {k: float(np.mean(v)) for k, v in sums.items()}


def check_second_chance(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(8)
    params = setup_params(ex.link, overrides, "A")
    m = _second_chance(_key(params), seeds, STEPS)
    stuck = frames(setup_params(ex.link, overrides, "B"), seeds)
    ab, ai = m[f"att_b{STEPS}"], m[f"att_i{STEPS}"]
    tb, ti = m[f"trust_b{STEPS}"], m[f"trust_i{STEPS}"]
    ratio = ab / ai if ai > 0 else 0.0
    if ratio >= 0.9 and tb >= 0.9 * ti:
        observed = "c"
    elif ratio < 0.5:
        observed = "a"
    else:
        observed = "b"
    facts = {
        "probe": str(PROBE),
        "att_b50": num(m[f"att_b{PROBE}"]),
        "att_b_end": num(ab),
        "att_i_end": num(ai),
        "trust_b_end": num(tb),
        "trust_i_end": num(ti),
        "att_b_stuck": num(end(stuck, "attention_to_broadcasters")),
    }
    lines = [
        f"run A, attention paid to those who started as broadcasters: "
        f"{facts['att_b50']} at step {PROBE}, {facts['att_b_end']} at step {STEPS} "
        f"(to the others: {facts['att_i_end']})",
        f"run A, trust in them at the end: {facts['trust_b_end']} (in the others: "
        f"{facts['trust_i_end']})",
        f"run B (no switch), attention paid to broadcasters at the end: {facts['att_b_stuck']}",
    ]
    ran = [described(ex.link, "runs A and B", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, ratio, VALUE_LABELS[8])


@lru_cache(maxsize=8)
def _choices(key: tuple, seeds: tuple[int, ...], steps: int) -> dict[str, float]:
    """Means over the runs (each ``steps`` long, like every check's): the share of the
    interactors who would choose a broadcaster at the campaign's end and AFTER_CAMPAIGN
    steps later, recall of each family then, and the share at the end of the run."""
    sums: dict[str, list[float]] = {}
    params = dict(key)
    after = params["campaign_steps"] + AFTER_CAMPAIGN
    for seed in seeds:
        model = NetworkingModel(rng=seed, **params)
        for name, at in (("end", params["campaign_steps"]), ("after", after), ("last", steps)):
            model.run_for(at - model.steps)
            sums.setdefault(f"choose_{name}", []).append(
                model.preferred(audience="interactors")["broadcasters"]
            )
        df = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        for family in ("broadcasters", "interactors"):
            sums.setdefault(f"recall_{family}", []).append(
                float(df[f"recall_of_{family}"].iloc[after])
            )
    return {k: float(np.mean(v)) for k, v in sums.items()}


def check_after_campaign(overrides, seeds=SEEDS) -> Outcome:
    ex = exercise(9)
    a = _choices(_key(setup_params(ex.link, overrides, "A")), seed_tuple(seeds), STEPS)
    b = _choices(_key(setup_params(ex.link, overrides, "B")), seed_tuple(seeds), STEPS)
    share = a["choose_after"]
    observed = "b" if share >= 0.6 else "a" if share <= 0.4 else "c"
    facts = {
        "choose_b_a": pct(share),
        "choose_b_end": pct(a["choose_end"]),
        "choose_b_b": pct(b["choose_after"]),
        "recall_b_a": num(a["recall_broadcasters"]),
        "recall_i_a": num(a["recall_interactors"]),
        "choose_b_last": pct(a["choose_last"]),
    }
    lines = [
        f"run A, interactors who would choose a broadcaster: {facts['choose_b_end']} at the "
        f"campaign's end, {facts['choose_b_a']} {AFTER_CAMPAIGN} steps later",
        f"run A, recall of broadcasters {facts['recall_b_a']}, of interactors "
        f"{facts['recall_i_a']}, {AFTER_CAMPAIGN} steps after the campaign",
        f"run B (a pitch a sixth as memorable), interactors who would choose a broadcaster "
        f"{AFTER_CAMPAIGN} steps later: {facts['choose_b_b']}",
        f"run A at step {STEPS}: {facts['choose_b_last']} would choose a broadcaster",
    ]
    ran = [described(ex.link, "runs A and B", overrides, seeds=seeds)]
    return Outcome(ex, observed, facts, lines, ran, share, VALUE_LABELS[9])


#: Exercise number -> its check.
CHECKS: dict[int, Callable[..., Outcome]] = {
    1: check_reach,
    2: check_ignore,
    3: check_captive,
    4: check_memory,
    5: check_commons,
    6: check_structure,
    8: check_second_chance,
    9: check_after_campaign,
}


def run_check(number: int, overrides: dict[str, str] | None = None, seeds=SEEDS) -> Outcome:
    """Run exercise ``number``'s check, with ``overrides`` (name -> text) on its setup, on
    ``seeds`` (the five of :data:`SEEDS` unless given; a student's check in a room runs on
    one seed of their own, ``seeds=(seed,)``, or just ``seeds=seed``)."""
    if number not in CHECKS:
        try:
            ex = exercise(number)
        except KeyError as err:
            raise CheckError(err.args[0]) from None
        other = f" Run instead: {ex.command}" if ex.command else ""
        raise CheckError(
            f"exercise {number} ({ex.title}) has no check: its answer is yours to find.{other}"
        )
    return CHECKS[number](overrides or {}, seed_tuple(seeds))


def basis_words(outcome: Outcome) -> str:
    """What the runs' result rests on, in words: a finding, a setting or a modelling choice
    (never "the claim holds" for a result the model was built to give)."""
    ex = outcome.exercise
    pred = ex.predict
    if not outcome.holds and pred.answer is not None:
        return (
            f"These runs differ from what the model usually shows, ({pred.answer}): the setup "
            "was changed, and so was the result."
        )
    if ex.basis == "built_in":
        return f"This result is built into the model, not found by it. {ex.basis_words}"
    if ex.basis == "choice":
        return f"This result follows from a modelling choice. {ex.basis_words}"
    return f"These runs agree with the claim tested ({ex.tests.cite}). {ex.basis_words}"


def report(outcome: Outcome, answer: str | None = None) -> tuple[str, bool]:
    """The check's result in plain words, and whether it agrees: the runs give the model's
    usual answer and the participant's answer (if given) is the option they support. The
    words never grade the learner: they say what the runs show and what it rests on."""
    ex = outcome.exercise
    pred = ex.predict
    if answer is not None:
        answer = answer.strip().lower()
        if answer not in pred.keys:
            raise CheckError(f"--answer must be one of {', '.join(pred.keys)} (got {answer!r})")
    out = [
        f"Exercise {ex.number}: {ex.name}",
        f"It tests {ex.tests.label.lower()} ({ex.tests.cite}): {ex.claim}",
        "Ran:",
    ]
    out += [f"  {r}" for r in outcome.ran]
    out += ["What the runs show:"] + [f"  - {line}" for line in outcome.lines]
    seen = pred.option(outcome.observed)
    out.append(f'So the answer to "{pred.question}" is ({seen.key}): {seen.text}')
    out.append(basis_words(outcome))
    agrees = outcome.holds
    if answer is not None:
        if answer == outcome.observed:
            out.append(f"Your prediction ({answer}) matches what the runs show.")
        else:
            agrees = False
            out.append(f"Your prediction ({answer}) differs from what the runs show.")
            mine = pred.option(answer)
            if mine.why_not and outcome.holds:
                lead = "Where the model differs" if mine.choice else "Why the model disagrees"
                out.append(f"{lead}: {mine.why_not}")
            out.append(f"Next: {ex.if_surprised}")
    return "\n".join(out), agrees


def in_words(outcome: Outcome, answer: str | None = None) -> list[str]:
    """The check's result for the app, in plain words, one paragraph per item: what was run,
    what the model did, which option that supports, what that rests on and how it compares
    with ``answer`` (the learner's option key, or None)."""
    ex = outcome.exercise
    pred = ex.predict
    if answer is not None:
        answer = answer.strip().lower()
        if answer not in pred.keys:
            raise CheckError(f"the answer must be one of {', '.join(pred.keys)} (got {answer!r})")
    seen = pred.option(outcome.observed)
    out = [f"The model ran {'; and '.join(outcome.ran)}. What it did:"]
    out += [f"{line[:1].upper()}{line[1:]}." for line in outcome.lines]
    out.append(f"So these runs point to ({seen.key}): {seen.text}")
    if answer is not None and answer == outcome.observed:
        out.append(f"You predicted ({answer}): the runs agree with your prediction.")
    elif answer is not None:
        mine = pred.option(answer)
        out.append(f"You predicted ({answer}): {mine.text} The runs point elsewhere.")
        if mine.why_not and outcome.holds:
            lead = "Where the model differs" if mine.choice else "Why the model disagrees"
            out.append(f"{lead}: {mine.why_not}")
        out.append(f"If this surprised you: {ex.if_surprised}")
    if not outcome.holds and pred.answer is not None:
        out.append(
            f"These runs differ from what the model usually shows, ({pred.answer}): "
            "ask your facilitator how the setup was changed."
        )
    else:
        out.append(basis_words(outcome))
    return out


def no_check_words(ex: Exercise) -> str:
    """What the app says instead of a result for an exercise that has no check."""
    if ex.command:
        return (
            "The model cannot check this prediction for you: the answer depends on the "
            "strategy you compose. Open the Strategy tab, compose it and press Try it: the "
            "result says how its people did and when they faded, if they did. Prefer code? "
            f"Copy one of the examples in workshop/strategies/ and run: {ex.command}"
        )
    return (
        "This exercise has no check: there is nothing to get wrong. Set up the run, watch "
        "it, and compare what you see with your prediction."
    )

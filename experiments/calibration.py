"""Calibration against a published target: ``[report] kind = "calibration"``.

A calibration spec varies one rate and names, in ``[report.target]``, what a study
measured and how to read the same thing off a run:

    [report.target]
    measure = "halving"                  # see MEASURES
    series = "attention_to_broadcasters" # a kept reporter (keep every step: every = 1)
    low = 3                              # the study's range, in steps
    high = 10
    source = "Schmidt and Eisend 2015, Journal of Advertising: ..."

Each run gives one number, a count of steps (:func:`measure`); the report draws its mean
with a 95 % interval against the rate, shades the study's range, and gives the rates that
put the mean inside it (:func:`fitted_range`, interpolating between the grid's values),
and the wider range whose intervals reach it. It marks the model's default.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["MEASURES", "fitted_range", "measure"]

#: How a run's number is read off its series (``end``: the step the campaign ends,
#: ``campaign_steps``).
MEASURES = {
    "halving": "steps until the series is half its start",
    "regain_half": "steps after the campaign's end until the series has regained half of "
    "what it lost during the campaign",
    "fall_to_tenth": "steps after the campaign's end until the series is a tenth of its value then",
}
#: The measures that need a campaign's end (``campaign_steps`` above 0).
AFTER_CAMPAIGN = ("regain_half", "fall_to_tenth")


def measure(kind: str, steps: np.ndarray, values: np.ndarray, end: int = 0) -> float:
    """One run's number: the first step (counted from the start, or from ``end`` for the
    measures after a campaign) at which ``values`` (at ``steps``) meets the measure; NaN
    when it never does within the run."""
    steps, values = np.asarray(steps), np.asarray(values, dtype=float)
    if kind == "halving":
        hit = np.flatnonzero(values <= 0.5 * values[0])
        return float(steps[hit[0]]) if len(hit) else math.nan
    at_end = np.flatnonzero(steps == end)
    if not len(at_end):
        return math.nan
    i = at_end[0]
    later, after = values[i:], steps[i:] - end
    if kind == "regain_half":
        hit = np.flatnonzero(later >= values[i] + 0.5 * (values[0] - values[i]))
    elif kind == "fall_to_tenth":
        hit = np.flatnonzero(later <= 0.1 * values[i])
    else:
        raise ValueError(f"measure: one of {', '.join(MEASURES)} (got {kind!r})")
    return float(after[hit[0]]) if len(hit) else math.nan


def _crossing(x0, y0, x1, y1, level):
    """Where the line through (x0, y0) and (x1, y1) reaches ``level``."""
    if y1 == y0:
        return x0
    return x0 + (level - y0) * (x1 - x0) / (y1 - y0)


def fitted_range(x, y, low: float, high: float) -> tuple[float, float] | None:
    """The values of the rate ``x`` (sorted) at which the curve ``y`` (linear between the
    grid's points) lies within ``[low, high]``: (smallest, largest), or None if nowhere.
    The curve need not be monotone; the range spans every part inside the band."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~np.isnan(y)
    x, y = x[keep], y[keep]
    inside = []
    for i in range(len(x)):
        if low <= y[i] <= high:
            inside.append(x[i])
        if i + 1 < len(x):
            for level in (low, high):
                if min(y[i], y[i + 1]) < level < max(y[i], y[i + 1]):
                    inside.append(_crossing(x[i], y[i], x[i + 1], y[i + 1], level))
    if not inside:
        return None
    return float(min(inside)), float(max(inside))


def run_values(runs: pd.DataFrame, ts: pd.DataFrame, target: dict, end: int) -> pd.Series:
    """Each run's number (indexed like ``runs``)."""
    out = []
    for run_id in runs["run_id"]:
        one = ts[ts["run_id"] == run_id]
        out.append(
            measure(
                target["measure"], one["step"].to_numpy(), one[target["series"]].to_numpy(), end
            )
        )
    return pd.Series(out, index=runs.index, dtype=float)

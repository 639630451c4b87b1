"""Sobol sensitivity indices for a sweep run on a Saltelli sample (SALib).

A spec with ``[sample] method = "sobol"`` runs the model at the points of SALib's Saltelli
sample without second-order terms: ``N`` blocks of ``D + 2`` points, in SALib's order (per
block: the base point A, then A with its j-th input taken from B for each j, then B). This
module turns one number per point back into first-order (S1) and total (ST) indices with
their 95 % confidence intervals. The report (``experiments.report``) calls it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze

__all__ = ["infer_order", "sobol_indices"]

#: Bootstrap resamples behind the confidence intervals of the indices.
RESAMPLES = 1000


def sobol_indices(names: Sequence[str], y: Sequence[float], seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of ``y`` over the inputs ``names``.

    ``y`` holds one value per point of the Saltelli sample, in the sample's order (so its
    length is a multiple of ``len(names) + 2``). Returns one row per input with ``S1``,
    ``S1_conf``, ``ST`` and ``ST_conf`` (the half-widths of 95 % confidence intervals,
    by bootstrap). Raises ValueError if a value is missing or the length does not fit.
    """
    names = list(names)
    y = np.asarray(y, dtype=float)
    block = len(names) + 2
    if len(names) == 0 or len(y) == 0 or len(y) % block:
        raise ValueError(
            f"a Saltelli sample over {len(names)} inputs has a multiple of "
            f"{block} points (got {len(y)})"
        )
    if np.isnan(y).any():
        raise ValueError(f"{int(np.isnan(y).sum())} of {len(y)} points have no value")
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    with np.errstate(divide="ignore", invalid="ignore"):
        result = sobol_analyze.analyze(
            problem, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=0.95, seed=seed
        )
    return pd.DataFrame(
        {key: np.asarray(result[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")},
        index=names,
    )


def infer_order(points: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """The order of the inputs in a Saltelli sample, read from the points themselves.

    ``points`` has one row per point, in sample order, and a column per input. In each block
    the point at position ``j`` (1..D) differs from the block's first point in input ``j``
    only; a vote over the blocks names that input. Falls back to ``names`` as given when
    the vote is not clear (inputs whose two values coincide everywhere, say).
    """
    names = list(names)
    d = len(names)
    values = points[names].to_numpy(dtype=float)
    if d == 0 or len(values) % (d + 2):
        return names
    votes = np.zeros((d, d))
    for start in range(0, len(values), d + 2):
        base = values[start]
        for j in range(d):
            changed = ~np.isclose(values[start + 1 + j], base)
            if changed.sum() == 1:
                votes[j] += changed
    order = votes.argmax(axis=1)
    if len(set(order.tolist())) != d or (votes.max(axis=1) == 0).any():
        return names
    return [names[i] for i in order]

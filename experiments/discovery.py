"""Scenario discovery: which ranges of the parameters hold the runs of interest?

A spec with ``[report] kind = "discovery"`` names, in ``[report.cases]``, one or more
conditions on what a run ended with, each under a name of its own::

    [report.cases]
    clients = "conversions_broadcasters > conversions_interactors"
    trust = "trust_in_broadcasters > trust_in_interactors"

A run where a condition holds is a *case* of it. For each condition the report looks for
simple descriptions of where the cases are, in the space the spec sampled:

- **PRIM**, the patient rule induction method (Friedman and Fisher 1999, "Bump hunting in
  high-dimensional data", Statistics and Computing 9: 123-143), as the EMA Workbench
  implements it for scenario discovery (``ema_workbench.analysis.prim``; Kwakkel 2017,
  Environmental Modelling & Software 96: 239-250). It starts from the whole sampled space
  and peels off, a few percent of the runs at a time, the slice of one parameter's range
  whose removal raises the share of cases most: the *peeling trajectory*, a list of ever
  smaller boxes. From the boxes in which at least ``density`` (default 0.8) of the runs
  are cases, the report chooses the one with the best balance of coverage and density
  (defined below; their harmonic mean). It drops, one at a time, the restrictions of that
  box that are not significant: those with a quasi-p value above :data:`QUASI_P` (Bryant
  and Lempert 2010; the box's density could have been reached by chance without them).
  Then it looks for a further box among the runs left over, up to :data:`MAX_BOXES`.
- **CART**, a classification tree (Breiman et al. 1984) of depth :data:`TREE_DEPTH`,
  scikit-learn's ``DecisionTreeClassifier`` (the learner inside the EMA Workbench's
  ``cart`` module, here given a seed and a depth so that it is reproducible and readable).
  Its leaves where cases are the majority are boxes too.

Every box is judged by three shares (Bryant and Lempert 2010, Technological Forecasting
and Social Change 77: 34-49): its *coverage*, the share of all cases that are in it; its
*density*, the share of the runs in it that are cases; and its *mass*, the share of all
runs that are in it. Replicates are runs of their own: a point whose replicates disagree
counts each of them, so noise lowers the density instead of hiding.

The conditions are a small language, checked when the spec is read: comparisons joined
by ``and``, each ``left op right`` with ``op`` one of ``< <= > >= == !=``, each side a
kept reporter (its value at the last step), ``time_to_half_faded``, a model parameter, a
number, ``true``/``false`` or a quoted text (``network == 'complete'``). A missing value
(``time_to_half_faded`` when not half the broadcasters faded) makes a comparison false,
except ``!=``.
"""

from __future__ import annotations

import math
import operator
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "Box",
    "label_of",
    "quasi_p",
    "Condition",
    "ConditionError",
    "Discovery",
    "MAX_BOXES",
    "TREE_DEPTH",
    "box_words",
    "discover",
    "parse_condition",
]

#: The least density of a chosen box unless the spec says otherwise.
DEFAULT_DENSITY = 0.8
#: PRIM's boxes per condition at most: the first, and further ones among the runs left.
MAX_BOXES = 3
#: A further box is kept only if it holds at least this share of the cases.
MIN_EXTRA_COVERAGE = 0.05
#: PRIM's settings: share of the runs peeled off (and pasted back) at a time, and the
#: least share of all runs a box keeps (the EMA Workbench's defaults).
PEEL_ALPHA = 0.05
MASS_MIN = 0.05
#: A restriction of a PRIM box whose quasi-p value is above this is dropped (Bryant and
#: Lempert 2010 read values above 0.05 as not significant).
QUASI_P = 0.05
#: Depth of the CART tree: at most eight leaves, each a rule of at most three tests.
TREE_DEPTH = 3
#: Longest condition a spec may give, and most conditions in one spec.
MAX_CONDITION = 400
MAX_CASES = 8

OPS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
    r"|(?P<op><=|>=|==|!=|<|>)"
    r"|(?P<text>'[^']*'|\"[^\"]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


class ConditionError(ValueError):
    """A condition was refused; the message says why and what is allowed."""


# -- the conditions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One side of a comparison: ``kind`` is name, number, bool or text."""

    kind: str
    value: object

    def values(self, frame: pd.DataFrame):
        if self.kind == "name":
            return frame[self.value].to_numpy()
        return self.value

    def __str__(self) -> str:
        if self.kind == "text":
            return repr(self.value)
        if self.kind == "bool":
            return "true" if self.value else "false"
        return str(self.value)


@dataclass(frozen=True)
class Comparison:
    left: Term
    op: str
    right: Term

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        left, right = self.left.values(frame), self.right.values(frame)
        with np.errstate(invalid="ignore"):
            out = OPS[self.op](left, right)
        return np.broadcast_to(np.asarray(out, dtype=bool), (len(frame),))


@dataclass(frozen=True)
class Condition:
    """A checked condition: comparisons that must all hold."""

    text: str
    parts: tuple[Comparison, ...]

    @property
    def names(self) -> list[str]:
        """The outcomes and parameters it reads, in order, once each."""
        out = []
        for part in self.parts:
            for term in (part.left, part.right):
                if term.kind == "name" and term.value not in out:
                    out.append(term.value)
        return out

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """One bool per row of ``frame`` (a column per name): does the condition hold?"""
        out = np.ones(len(frame), dtype=bool)
        for part in self.parts:
            out &= part.holds(frame)
        return out


def parse_condition(text: object, kinds: Mapping[str, object]) -> Condition:
    """Read a condition, checking every name against ``kinds``.

    ``kinds`` maps each name a condition may use to ``"number"``, ``"bool"`` or a tuple of
    the texts it can take (a network kind, say). Raises :class:`ConditionError` naming
    what is wrong: an unknown name (with the closest known one), a side of the wrong kind,
    a text that the name never takes, an operator missing or doubled.
    """
    if not isinstance(text, str):
        raise ConditionError(f"must be a condition in quotes, such as 'a > b' (got {text!r})")
    if not text.strip():
        raise ConditionError("is empty; write a comparison such as 'a > b'")
    if len(text) > MAX_CONDITION:
        raise ConditionError(f"is {len(text)} characters long; at most {MAX_CONDITION}")
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ConditionError(
                f"cannot read {text[pos:].strip()[:20]!r}: a side is a name, a number, "
                "true, false or a text in quotes; comparisons are < <= > >= == !="
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    groups, current = [], []
    for kind, value in tokens:
        if kind == "name" and value.lower() == "and":
            groups.append(current)
            current = []
        elif kind == "name" and value.lower() in ("or", "not"):
            raise ConditionError(
                f"{value!r} is not understood: only 'and' joins comparisons "
                "(for an 'or', name a second case)"
            )
        else:
            current.append((kind, value))
    groups.append(current)
    parts = tuple(_comparison(group, kinds) for group in groups)
    return Condition(text.strip(), parts)


def _comparison(group: list, kinds: Mapping[str, object]) -> Comparison:
    said = " ".join(value for _, value in group) or "nothing"
    if len(group) != 3 or group[1][0] != "op" or "op" in (group[0][0], group[2][0]):
        raise ConditionError(
            f"{said!r} is not a comparison: write 'left op right', op one of " + " ".join(OPS)
        )
    left, right = _term(*group[0], kinds), _term(*group[2], kinds)
    op = group[1][1]
    if left.kind != "name" and right.kind != "name":
        raise ConditionError(f"{said!r} compares two constants; one side must be a name")
    sides = [_kind_of(left, kinds), _kind_of(right, kinds)]
    if "number" in sides and any(s != "number" for s in sides):
        raise ConditionError(f"{said!r} compares a number with something that is not one")
    if sides[0] != "number":
        if op not in ("==", "!="):
            raise ConditionError(f"{said!r}: a switch or a choice takes only == or !=")
        if ("bool" in sides) != all(s == "bool" for s in sides):
            raise ConditionError(f"{said!r}: a switch is compared with true or false")
        for term, other in ((left, right), (right, left)):
            choices = kinds.get(other.value) if other.kind == "name" else None
            if term.kind == "text" and choices and term.value not in choices:
                raise ConditionError(
                    f"{other.value} is never {term.value!r}; it is one of "
                    + ", ".join(map(repr, choices))
                )
    return Comparison(left, op, right)


def _term(kind: str, value: str, kinds: Mapping[str, object]) -> Term:
    if kind == "number":
        return Term("number", float(value))
    if kind == "text":
        return Term("text", value[1:-1])
    if value.lower() in ("true", "false"):
        return Term("bool", value.lower() == "true")
    if value not in kinds:
        import difflib

        close = difflib.get_close_matches(value, list(kinds), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConditionError(
            f"{value!r} is neither a kept reporter, a run's outcome nor a parameter{hint}"
        )
    return Term("name", value)


def _kind_of(term: Term, kinds: Mapping[str, object]) -> str:
    if term.kind == "name":
        kind = kinds[term.value]
        return kind if isinstance(kind, str) else "text"
    return term.kind


# -- boxes -------------------------------------------------------------------------------------

#: A box's limit on one parameter: (low, high) for a number, a frozenset of the values kept
#: for a switch or a choice.
Limit = tuple[float, float] | frozenset


@dataclass
class Box:
    """A box of parameter ranges: only the restricted parameters have a limit."""

    limits: dict[str, Limit]
    inside: np.ndarray  # one bool per run
    coverage: float
    density: float
    mass: float
    #: PRIM's first box: coverage and density with each restriction dropped, one at a time
    dropped: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: PRIM: each restriction's quasi-p value, and the restrictions trimmed as not significant
    quasi_p: dict[str, float] = field(default_factory=dict)
    trimmed: list[str] = field(default_factory=list)


@dataclass
class Discovery:
    """What scenario discovery found for one condition."""

    name: str
    condition: str
    cases: np.ndarray  # one bool per run
    target: float  # the least density of a chosen box
    trajectory: pd.DataFrame  # PRIM's first peeling: coverage, density, mass, res_dim
    chosen: int | None  # the row of the trajectory taken as box 1
    boxes: list[Box]  # PRIM's boxes, the first is the chosen one
    leaves: list[Box]  # CART's leaves where cases are the majority, most cases first
    tree: object | None  # the fitted DecisionTreeClassifier (None if nothing to split)
    features: list[str]  # the tree's input columns

    @property
    def n_cases(self) -> int:
        return int(self.cases.sum())


def discover(
    name: str,
    condition: str,
    x: pd.DataFrame,
    cases: np.ndarray,
    density: float = DEFAULT_DENSITY,
    seed: int = 0,
) -> Discovery:
    """PRIM's boxes and a CART tree for the runs where ``cases`` is true.

    ``x`` holds one row per run and one column per sampled parameter (numbers, switches as
    bools, choices as texts). Returns a :class:`Discovery`; with no cases, or nothing but
    cases, there is nothing to tell apart and it holds no box.
    """
    cases = np.asarray(cases, dtype=bool)
    x = x.reset_index(drop=True)
    empty = Discovery(name, condition, cases, density, pd.DataFrame(), None, [], [], None, [])
    if len(x) == 0 or cases.all() or not cases.any():
        return empty
    trajectory, chosen, boxes = _prim(x, cases, density)
    tree, features, leaves = _cart(x, cases, seed)
    return Discovery(
        name, condition, cases, density, trajectory, chosen, boxes, leaves, tree, features
    )


def _stats(inside: np.ndarray, cases: np.ndarray) -> tuple[float, float, float]:
    held = int((inside & cases).sum())
    runs = int(inside.sum())
    return held / cases.sum(), (held / runs if runs else 0.0), runs / len(cases)


def inside_box(x: pd.DataFrame, limits: Mapping[str, Limit]) -> np.ndarray:
    """One bool per row of ``x``: is it inside every limit?"""
    out = np.ones(len(x), dtype=bool)
    for name, limit in limits.items():
        column = x[name]
        if isinstance(limit, frozenset):
            out &= column.isin(list(limit)).to_numpy()
        else:
            values = column.to_numpy(dtype=float)
            out &= (values >= limit[0]) & (values <= limit[1])
    return out


def _make_box(
    x: pd.DataFrame, limits: dict, cases: np.ndarray, pool: np.ndarray | None = None
) -> Box:
    """A box and its shares over all runs; with ``pool``, only the runs in it count as
    inside (a later box holds only runs no earlier box holds)."""
    inside = inside_box(x, limits)
    if pool is not None:
        inside &= pool
    coverage, dens, mass = _stats(inside, cases)
    return Box(limits, inside, coverage, dens, mass)


def quasi_p(x: pd.DataFrame, limits: Mapping[str, Limit], name: str, cases: np.ndarray) -> float:
    """How likely the box's density would be reached by chance without the restriction on
    ``name``: a one-sided binomial test of the box's cases among its runs against the
    density of the box with that restriction dropped (the quasi-p value of Bryant and
    Lempert 2010, as the EMA Workbench computes it, here for the whole restriction)."""
    from scipy.stats import binomtest

    inside = inside_box(x, limits)
    wider = inside_box(x, {k: v for k, v in limits.items() if k != name})
    if not inside.any():
        return 1.0
    base = float(cases[wider].mean())
    if base >= 1.0:
        return 1.0
    return float(binomtest(int(cases[inside].sum()), int(inside.sum()), base, "greater").pvalue)


def _trim(x: pd.DataFrame, limits: dict, cases: np.ndarray) -> tuple[dict, dict, list[str]]:
    """Drop, one at a time and the least significant first, the restrictions whose quasi-p
    value is above :data:`QUASI_P`; return the limits left, their quasi-p values and the
    names dropped."""
    limits, dropped = dict(limits), []
    while limits:
        values = {name: quasi_p(x, limits, name, cases) for name in limits}
        worst = max(values, key=values.get)
        if values[worst] <= QUASI_P:
            return limits, values, dropped
        del limits[worst]
        dropped.append(worst)
    return limits, {}, dropped


def _drop_one(x: pd.DataFrame, box: Box, cases: np.ndarray) -> None:
    """Coverage and density of box 1 with each of its restrictions dropped in turn."""
    for name in box.limits:
        rest = {k: v for k, v in box.limits.items() if k != name}
        coverage, dens, _ = _stats(inside_box(x, rest), cases)
        box.dropped[name] = (coverage, dens)


def _prim_input(x: pd.DataFrame) -> pd.DataFrame:
    """The runs as the EMA Workbench's PRIM takes them: numbers as floats (its pasting
    step writes half-way values into whole-number columns, which pandas 3 refuses),
    switches and choices as categories."""
    out = pd.DataFrame(index=x.index)
    for name in x.columns:
        column = x[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            out[name] = column.astype(object).astype("category")
        else:
            out[name] = column.astype(float)
    return out


def _limits_of(lims: pd.DataFrame, init: pd.DataFrame) -> dict[str, Limit]:
    """The restricted parameters of one of PRIM's boxes (its two-row frame of limits)."""
    out = {}
    for name in init.columns:
        if name not in lims.columns:
            continue
        low, high = lims.at[0, name], lims.at[1, name]
        if isinstance(low, set | frozenset):
            if set(low) != set(init.at[0, name]):
                out[name] = frozenset(low)
        elif low > init.at[0, name] or high < init.at[1, name]:
            out[name] = (float(low), float(high))
    return out


def _choose(trajectory: pd.DataFrame, density: float) -> int:
    """The box with the best balance of coverage and density (their harmonic mean, the F1
    score of the box read as a rule) among those at least ``density`` dense, fewest
    restrictions on a tie; the densest box if none is dense enough."""
    dense = trajectory[trajectory["density"] >= density]
    if dense.empty:
        return int(trajectory["density"].idxmax())
    cov, dens = dense["coverage"], dense["density"]
    balance = (2 * cov * dens / (cov + dens)).round(9)
    best = dense[balance == balance.max()]
    return int(best["res_dim"].idxmin())


def _prim(x: pd.DataFrame, cases: np.ndarray, density: float):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    data = _prim_input(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        finder = prim.Prim(
            data,
            cases.astype(int),
            peel_alpha=PEEL_ALPHA,
            paste_alpha=PEEL_ALPHA,
            mass_min=MASS_MIN,
        )
    init = finder.box_init
    boxes, trajectory, chosen = [], pd.DataFrame(), None
    left = np.ones(len(x), dtype=bool)  # runs in no box so far
    for k in range(MAX_BOXES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = finder.find_box()
        if found is None:
            break
        steps = found.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
        index = _choose(steps, density)
        limits = _limits_of(found.box_lims[index], init)
        limits, significance, trimmed = _trim(x[left], limits, cases[left])
        box = _make_box(x, limits, cases, pool=left)
        box.quasi_p, box.trimmed = significance, trimmed
        if k == 0:
            trajectory, chosen = steps.reset_index(drop=True), index
            _drop_one(x, box, cases)
        elif box.density < density or box.coverage < MIN_EXTRA_COVERAGE:
            break
        boxes.append(box)
        left &= ~box.inside
        if not (cases & left).any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found.select(index)  # the next box is sought among the runs outside this one
    return trajectory, chosen, boxes


# -- CART ----------------------------------------------------------------------------------------


def _tree_input(x: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, object]]]:
    """Numbers as they are, a switch as 0/1, a choice as one 0/1 column per value; and for
    each column, the parameter and value it stands for."""
    columns, meaning = {}, {}
    for name in x.columns:
        column = x[name]
        if pd.api.types.is_bool_dtype(column):
            columns[name] = column.astype(float)
            meaning[name] = (name, True)
        elif pd.api.types.is_numeric_dtype(column):
            columns[name] = column.astype(float)
            meaning[name] = (name, None)
        else:
            for value in sorted(column.astype(str).unique()):
                key = f"{name} = {value}"
                columns[key] = (column.astype(str) == value).astype(float)
                meaning[key] = (name, value)
    return pd.DataFrame(columns), meaning


def _cart(x: pd.DataFrame, cases: np.ndarray, seed: int):
    from sklearn.tree import DecisionTreeClassifier

    data, meaning = _tree_input(x)
    tree = DecisionTreeClassifier(
        max_depth=TREE_DEPTH,
        min_samples_leaf=max(1, int(MASS_MIN * len(x))),
        random_state=seed,
    )
    tree.fit(data.to_numpy(), cases.astype(int))
    full = _full_limits(x)
    leaves = []
    inner = tree.tree_

    def majority(node: int) -> bool:
        counts = inner.value[node][0]
        return bool(counts[-1] > counts[0]) if len(counts) > 1 else bool(tree.classes_[0])

    def settled(node: int) -> bool:
        """A leaf, or a split whose every leaf has the same majority: no rule to tell."""
        left, right = inner.children_left[node], inner.children_right[node]
        if left == -1:
            return True
        return settled(left) and settled(right) and majority(left) == majority(right)

    def walk(node: int, limits: dict) -> None:
        if settled(node):
            box = _make_box(x, limits, cases)
            if box.density > 0.5:
                leaves.append(box)
            return
        column = data.columns[inner.feature[node]]
        threshold = float(inner.threshold[node])
        name, value = meaning[column]
        for child, below in (
            (inner.children_left[node], True),
            (inner.children_right[node], False),
        ):
            limits_here = dict(limits)
            if value is None:  # a number: below goes left
                low, high = limits_here.get(name, full[name])
                limits_here[name] = (
                    (low, min(high, threshold)) if below else (max(low, threshold), high)
                )
            else:  # a 0/1 column: 0 (left) is "not this value"
                kept = limits_here.get(name, full[name])
                wanted = {v for v in kept if (str(v) == str(value)) != below}
                limits_here[name] = frozenset(wanted)
            walk(child, limits_here)

    walk(0, {})
    for leaf in leaves:
        leaf.limits = {k: v for k, v in leaf.limits.items() if v != full[k]}
    leaves.sort(key=lambda b: -b.coverage)
    return tree, list(data.columns), leaves


def _full_limits(x: pd.DataFrame) -> dict[str, Limit]:
    out = {}
    for name in x.columns:
        column = x[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            out[name] = frozenset(column.unique().tolist())
        else:
            out[name] = (float(column.min()), float(column.max()))
    return out


# -- in words ------------------------------------------------------------------------------------


def _round(value: float) -> str:
    """Two significant figures, without trailing zeros (0.0612 -> 0.061, 12.5 -> 13)."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    digits = max(0, 1 - int(math.floor(math.log10(abs(value)))))
    text = f"{round(value, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def label_of(name: str) -> str:
    """A parameter's label for a sentence ("habituation strength"), or the name itself."""
    from sim.params import PARAMETERS

    param = PARAMETERS.get(name)
    if param is None:
        return name
    label = param.label
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def limit_words(name: str, limit: Limit, x: pd.DataFrame) -> str:
    """One restriction in plain words: "habituation strength is below 0.061"."""
    label = label_of(name)
    column = x[name]
    if isinstance(limit, frozenset):
        values = sorted(limit, key=str)
        if pd.api.types.is_bool_dtype(column):
            if len(values) == 1:
                return f"{label} is {'on' if values[0] else 'off'}"
            return f"{label} is on or off"
        every = sorted(set(column.astype(str)))
        left_out = [v for v in every if v not in {str(v2) for v2 in values}]
        if len(values) > 1 and len(left_out) == 1:
            return f"{label} is not {left_out[0]}"
        return f"{label} is " + " or ".join(str(v) for v in values)
    low, high = limit
    whole = pd.api.types.is_integer_dtype(column)
    lowest, highest = float(column.min()), float(column.max())
    has_low, has_high = low > lowest, high < highest
    if whole:
        low_text, high_text = str(math.ceil(low - 1e-9)), str(math.floor(high + 1e-9))
        if has_low and has_high:
            return f"{label} is from {low_text} to {high_text}"
        if has_low:
            return f"{label} is at least {low_text}"
        return f"{label} is at most {high_text}"
    if has_low and has_high:
        return f"{label} is between {_round(low)} and {_round(high)}"
    if has_low:
        return f"{label} is above {_round(low)}"
    return f"{label} is below {_round(high)}"


def box_words(limits: Mapping[str, Limit], x: pd.DataFrame) -> str:
    """A box in plain words: "network shape is complete and habituation strength is below
    0.061"; "anywhere in the sampled space" when nothing is restricted."""
    if not limits:
        return "anywhere in the sampled space"
    parts = [limit_words(name, limit, x) for name, limit in limits.items()]
    return " and ".join(parts)

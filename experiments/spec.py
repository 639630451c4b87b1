"""Experiment specs: read a TOML file, check every field, and lay out the sweep.

The format is described in docs/experiments.md. :func:`load_spec` returns a :class:`Spec`
or raises :class:`SpecError`, whose ``field`` is the path of the offending entry
(``vary.habituation.to``, ``output.reporters``, ``quick.fixed.n_agents`` ...) and whose
message says what is allowed and what was given. Parameter names, ranges and kinds come
from the model's own declarations (:data:`sim.PARAMETERS`); reporter names from
:func:`sim.reporter_names`; combinations are checked point by point with
:func:`sim.params.validate`, so the spec refuses exactly what the model would refuse.

How the points are laid out:

- ``grid`` (default): every combination of the ``[vary]`` values. Points are numbered in
  the order of the ``[vary]`` table as written, the last entry changing fastest (as in
  ``itertools.product``).
- ``lhs``: ``n`` points of a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`)
  over the ``{from, to}`` ranges, seeded with the spec's seed.
- ``sobol``: Saltelli's design for first and total order Sobol indices,
  ``SALib.sample.sobol.sample(problem, n, calc_second_order=False, seed=seed)``:
  ``n * (D + 2)`` points for ``D`` varied parameters, in SALib's row order, so the report
  can hand the outcomes in point order to ``SALib.analyze.sobol.analyze`` with
  :meth:`Spec.problem` and ``calc_second_order=False``.

In ``lhs`` and ``sobol`` a whole-number parameter is drawn from ``[from - 1/2, to + 1/2]``
and rounded to the nearest whole number (kept within ``[from, to]``), so that every whole
number in the range is equally likely. In ``lhs`` a list of values (a network kind, a
switch ``[true, false]``) is a category: its column of the hypercube is cut into as many
equal strata as values, so each value is taken by an equal share of the points (to within
one). ``sobol`` takes numeric ranges only.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.params import PARAMETERS, ParameterError, validate

__all__ = [
    "METHODS",
    "REPORT_KEYS",
    "REPORT_KINDS",
    "RUN_OUTCOMES",
    "DERIVED_REPORTERS",
    "QUICK_MARK",
    "RunSpec",
    "Spec",
    "SpecError",
    "load_spec",
    "parse_spec",
    "run_seed",
    "to_toml",
]

#: How the points of a sweep are chosen.
METHODS = ("grid", "lhs", "sobol")
#: Kinds of report figure (drawn by experiments.report).
REPORT_KINDS = (
    "timeseries", "response", "heatmap", "categories", "bass", "sobol", "discovery", "calibration",
)  # fmt: skip
#: Keys of the [report] table.
REPORT_KEYS = ("kind", "x", "y", "outcomes", "cases", "density", "target")
#: Keys of a calibration report's [report.target].
TARGET_KEYS = ("measure", "series", "low", "high", "source")
#: Keys only a discovery report takes (experiments.discovery).
DISCOVERY_KEYS = ("cases", "density")
#: Per-run outcomes that are not reporters (columns of runs.parquet).
RUN_OUTCOMES = ("time_to_half_faded", "wall_s")
#: Series the runner reads off the model itself at each kept step, when ``output.reporters``
#: names them (the model's own reporters are recorded every step): the share of the
#: interactors who would choose a contact of that family if they had to pick one now
#: (``NetworkingModel.preferred(audience="interactors")``).
DERIVED_REPORTERS = {
    "choice_of_broadcasters": "share of the interactors who would choose a broadcaster now",
    "choice_of_interactors": "share of the interactors who would choose an interactor now",
}

TOP_KEYS = (
    "name",
    "title",
    "question",
    "description",
    "seed",
    "steps",
    "replicates",
    "fixed",
    "vary",
    "sample",
    "output",
    "quick",
    "report",
)
REQUIRED = ("name", "seed", "steps", "replicates", "vary")
SAMPLE_KEYS = ("method", "n")
OUTPUT_KEYS = ("every", "reporters")
QUICK_KEYS = ("replicates", "steps", "fixed", "vary", "sample")
RANGE_KEYS = ("from", "to", "num", "step")

#: Upper limits that keep a typo from asking for a run of a lifetime.
MAX_STEPS = 100_000
MAX_REPLICATES = 10_000
MAX_VALUES = 10_000  # values of one [vary] entry
MAX_SAMPLE_N = 2**20
MAX_SEED = 2**63 - 1

#: First line of the spec.toml written for a --quick run (see Spec.effective_toml).
QUICK_MARK = "# experiments: run with --quick"


class SpecError(ValueError):
    """A spec was refused. ``field`` is the path of the entry at fault ('' for the file)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: parameter point ``point``, replicate ``replicate``."""

    run_id: str
    point: int
    replicate: int
    seed: int
    params: dict[str, Any]


def run_seed(seed: int, point: int, replicate: int) -> int:
    """The seed of run (point, replicate): one 32-bit word of SeedSequence(seed, spawn_key)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(point, replicate))
    return int(sequence.generate_state(1)[0])


def run_id(point: int, replicate: int) -> str:
    return f"p{point:04d}-r{replicate:02d}"


class Spec:
    """A checked experiment spec (with the ``[quick]`` overrides applied when ``quick``).

    Attributes: ``name``, ``title``, ``question``, ``description``, ``seed``, ``steps``,
    ``replicates``, ``fixed`` (name -> value), ``vary`` (name -> list of values for a grid,
    ``(low, high)`` for lhs and sobol), ``varied`` (the varied names in order), ``method``,
    ``n`` (sample size for lhs and sobol, else None), ``every``, ``reporters``, ``report``
    (the [report] table as a dict), ``quick``, ``path`` and ``text`` (the file as read).
    """

    def __init__(
        self,
        *,
        raw: dict,
        effective: dict,
        text: str,
        path: Path | None,
        quick: bool,
        fixed: dict,
        vary: dict,
        method: str,
        n: int | None,
        every: int,
        reporters: list[str],
        report: dict,
        points: list[dict],
    ):
        self.raw, self.effective, self.text, self.path, self.quick = (
            raw,
            effective,
            text,
            path,
            quick,
        )
        self.name = effective["name"]
        self.title = effective.get("title", self.name)
        self.question = effective.get("question", "")
        self.description = effective.get("description", "")
        self.seed = effective["seed"]
        self.steps = effective["steps"]
        self.replicates = effective["replicates"]
        self.fixed, self.vary, self.method, self.n = fixed, vary, method, n
        self.varied = list(vary)
        self.every, self.reporters, self.report = every, reporters, report
        self._points = points

    def __repr__(self) -> str:
        quick = ", quick" if self.quick else ""
        return (
            f"Spec({self.name!r}, {self.method}, {self.n_points} points x "
            f"{self.replicates} replicates, {self.steps} steps{quick})"
        )

    # -- the sweep ---------------------------------------------------------------------------
    @property
    def n_points(self) -> int:
        return len(self._points)

    @property
    def n_runs(self) -> int:
        return self.n_points * self.replicates

    def points(self) -> list[dict[str, Any]]:
        """Every parameter point in order: a full dict of the model's parameters each
        (defaults, then ``[fixed]``, then the point's varied values; ``graph`` left out)."""
        return [dict(p) for p in self._points]

    def runs(self) -> list[RunSpec]:
        """Every run, by point and then replicate, with its seed."""
        return [
            RunSpec(run_id(point, rep), point, rep, run_seed(self.seed, point, rep), params)
            for point, params in enumerate(self.points())
            for rep in range(self.replicates)
        ]

    def problem(self) -> dict[str, Any]:
        """The SALib problem of an lhs or sobol sweep: ``num_vars``, ``names``, ``bounds``
        (the ``{from, to}`` ranges as written)."""
        if self.method == "grid":
            raise ValueError("problem(): a grid sweep has no sampled ranges")
        if any(isinstance(v, list) for v in self.vary.values()):
            raise ValueError("problem(): this sample has categories, not only numeric ranges")
        return {
            "num_vars": len(self.varied),
            "names": list(self.varied),
            "bounds": [[float(lo), float(hi)] for lo, hi in self.vary.values()],
        }

    def default_folder(self, root: str | Path = "results") -> Path:
        """``results/<name>``, or ``results/<name>-quick`` for a --quick run."""
        return Path(root) / (f"{self.name}-quick" if self.quick else self.name)

    # -- identity ----------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """Everything that decides the runs' numbers (not the title, question, report ...)."""
        return {
            "seed": self.seed,
            "steps": self.steps,
            "replicates": self.replicates,
            "every": self.every,
            "reporters": list(self.reporters),
            "method": self.method,
            "n": self.n,
            "points": self.points(),
        }

    def differences(self, other: Spec) -> list[str]:
        """What differs between the runs of two specs, in words (empty when they match)."""
        mine, theirs = self.identity(), other.identity()
        out = []
        for key in mine:
            if mine[key] != theirs[key]:
                if key == "points":
                    out.append(
                        f"the parameter points ({other.n_points} there, "
                        f"{self.n_points} here, or different values)"
                    )
                else:
                    out.append(f"{key} ({theirs[key]!r} there, {mine[key]!r} here)")
        return out

    def effective_toml(self) -> str:
        """The spec as run, as TOML: the file itself, or for --quick the file with its
        [quick] overrides applied (the first line says so), which loads back as this spec."""
        if not self.quick:
            return self.text
        source = f" ({self.path})" if self.path else ""
        return f"{QUICK_MARK}: the spec{source} with its [quick] overrides applied\n" + to_toml(
            self.effective
        )


# -- reading ---------------------------------------------------------------------------------
def load_spec(path: str | Path, quick: bool = False) -> Spec:
    """Read and check the spec file ``path``; with ``quick``, apply its ``[quick]`` table."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SpecError("", f"cannot read the spec {path}: {err.strerror or err}") from None
    spec = parse_spec(text, quick=quick, path=path)
    if not quick and text.startswith(QUICK_MARK):
        spec.quick = True  # a results folder's copy of a --quick spec
    return spec


def parse_spec(text: str, quick: bool = False, path: str | Path | None = None) -> Spec:
    """Check the TOML ``text`` of a spec (see :func:`load_spec`)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError("", f"not valid TOML: {err}") from None
    path = Path(path) if path is not None else None
    # Check both variants, so that a mistake in [quick] shows before a long full run.
    full = _build(raw, text, path, quick=False)
    if "quick" in raw:
        quick_spec = _build(raw, text, path, quick=True)
        return quick_spec if quick else full
    if quick:
        return _build(raw, text, path, quick=True)
    return full


def _build(raw: dict, text: str, path: Path | None, quick: bool) -> Spec:
    _keys(raw, TOP_KEYS, "")
    for key in REQUIRED:
        if key not in raw:
            raise SpecError(key, _missing(key))
    name = _string(raw["name"], "name")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SpecError("name", f"must be letters, digits and _ only (got {name!r})")
    for key in ("title", "question", "description"):
        if key in raw:
            _string(raw[key], key)
    _whole(raw["seed"], "seed", 0, MAX_SEED)

    quick_table = _table(raw.get("quick", {}), "quick")
    _keys(quick_table, QUICK_KEYS, "quick")
    # Where each effective value comes from: (value, field path).
    steps = _pick(raw, quick_table, "steps", quick)
    replicates = _pick(raw, quick_table, "replicates", quick)
    _whole(steps[0], steps[1], 1, MAX_STEPS)
    _whole(replicates[0], replicates[1], 1, MAX_REPLICATES)

    fixed_src = _entries(raw.get("fixed", {}), "fixed")
    vary_src = _entries(raw["vary"], "vary")
    if quick:
        fixed_src.update(_entries(quick_table.get("fixed", {}), "quick.fixed"))
        for pname, (value, where) in _entries(quick_table.get("vary", {}), "quick.vary").items():
            if pname not in vary_src:
                raise SpecError(
                    where,
                    "is not in [vary]; --quick can only replace "
                    f"entries of [vary] ({', '.join(vary_src) or 'none'})",
                )
            vary_src[pname] = (value, where)
    if not vary_src:
        raise SpecError(
            "vary",
            "empty sweep: name at least one parameter to vary, e.g. habituation = [0.1, 0.3]",
        )
    for pname, (_, where) in fixed_src.items():
        if pname in vary_src:
            raise SpecError(
                where,
                f"{pname} is also in [vary] ({vary_src[pname][1]}); "
                "a parameter is either fixed or varied",
            )

    sample = _table(raw.get("sample", {}), "sample")
    _keys(sample, SAMPLE_KEYS, "sample")
    quick_sample = _table(quick_table.get("sample", {}), "quick.sample")
    _keys(quick_sample, SAMPLE_KEYS, "quick.sample")
    method_src = _pick(sample, quick_sample, "method", quick, "sample")
    n_src = _pick(sample, quick_sample, "n", quick, "sample")
    method = "grid" if method_src is None else _string(*method_src)
    if method not in METHODS:
        raise SpecError(method_src[1], _one_of(METHODS, method))
    n = None
    if method == "grid":
        if n_src is not None:
            raise SpecError(
                n_src[1],
                "only lhs and sobol take a sample size n; a grid "
                "runs every combination of the [vary] values",
            )
    else:
        if n_src is None:
            raise SpecError(
                "sample.n",
                f"{method} needs n, the number of "
                + ("points" if method == "lhs" else "base samples N"),
            )
        n = _whole(n_src[0], n_src[1], 1, MAX_SAMPLE_N)
        if method == "sobol" and n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            raise SpecError(
                n_src[1],
                "must be a power of 2 for sobol (Saltelli's design keeps "
                f"its balance only then; got {n}, try {lower} or "
                f"{2 * lower})",
            )

    fixed = {pname: _value(pname, value, where) for pname, (value, where) in fixed_src.items()}
    vary = {
        pname: _vary_entry(pname, value, where, method)
        for pname, (value, where) in vary_src.items()
    }

    output = _table(raw.get("output", {}), "output")
    _keys(output, OUTPUT_KEYS, "output")
    every = _whole(output.get("every", 1), "output.every", 1, MAX_STEPS)
    reporters = _reporters(output.get("reporters"))

    report = _table(raw.get("report", {}), "report")
    _check_report(report, list(vary), fixed, reporters)

    points = _points(method, vary, n, raw["seed"])
    checked = [_check_point(i, fixed, p, fixed_src, vary_src) for i, p in enumerate(points)]

    effective = _effective(
        raw, quick, steps[0], replicates[0], fixed_src, vary_src, method_src, n_src
    )
    return Spec(
        raw=raw,
        effective=effective,
        text=text,
        path=path,
        quick=quick,
        fixed=fixed,
        vary=vary,
        method=method,
        n=n,
        every=every,
        reporters=reporters,
        report=report,
        points=checked,
    )


# -- small checks ------------------------------------------------------------------------------
def _missing(key: str) -> str:
    examples = {
        "name": 'name = "fade_map"',
        "seed": "seed = 2026",
        "steps": "steps = 200",
        "replicates": "replicates = 10",
        "vary": "[vary] with habituation = [0.1, 0.3]",
    }
    return f"missing; every spec needs it (e.g. {examples[key]})"


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _keys(table: dict, allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
            place = f"[{where}]" if where else "the top level"
            raise SpecError(_join(where, key), f"unknown key in {place}; {hint}")


def _table(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise SpecError(field, f"must be a table (got {_show(value)})")
    return value


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise SpecError(field, f"must be a text string in quotes (got {_show(value)})")
    return value


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SpecError(
            field, f"must be a whole number from {low:,} to {high:,} (got {_show(value)})"
        )
    return value


def _one_of(choices, value) -> str:
    close = difflib.get_close_matches(value, choices, n=1) if isinstance(value, str) else []
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"must be one of {', '.join(map(repr, choices))} (got {_show(value)}){hint}"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a table {" + ", ".join(value) + "}"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _pick(base: dict, over: dict, key: str, quick: bool, where: str = ""):
    """(value, field) of ``key``: from the quick table when quick and set there, else base."""
    if quick and key in over:
        return over[key], _join(_join("quick", where), key)
    if key in base:
        return base[key], _join(where, key)
    return None


def _entries(table: Any, where: str) -> dict[str, tuple[Any, str]]:
    """name -> (value, field) of a [fixed] or [vary] table, with the names checked."""
    table = _table(table, where)
    out = {}
    for pname, value in table.items():
        field = f"{where}.{pname}"
        if pname not in PARAMETERS:
            names = [p for p, d in PARAMETERS.items() if d.sweepable]
            close = difflib.get_close_matches(pname, names, n=1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "`python -m sim --list` lists the parameters"
            )
            raise SpecError(field, f"unknown model parameter; {hint}")
        if not PARAMETERS[pname].sweepable:
            raise SpecError(
                field,
                f"{pname} cannot be set in a spec (a network object); "
                "use 'network' with a named network",
            )
        out[pname] = (value, field)
    return out


def _value(pname: str, value: Any, field: str) -> Any:
    """The value checked and converted by the parameter's own declaration."""
    if isinstance(value, dict | list):
        raise SpecError(
            field, f"must be {PARAMETERS[pname].describe_allowed()} (got {_show(value)})"
        )
    try:
        return PARAMETERS[pname].check(value)
    except ParameterError as err:
        message = str(err)
        prefix = f"{err.field}: "
        raise SpecError(
            field, message[len(prefix) :] if message.startswith(prefix) else message
        ) from None


def _tidy(x: float) -> float:
    """Drop the floating-point dust of arithmetic (0.30000000000000004 -> 0.3)."""
    return float(f"{x:.12g}")


def _vary_entry(pname: str, value: Any, field: str, method: str):
    """A list of values (a grid's, or an lhs category's), or an lhs/sobol entry's (low, high)."""
    param = PARAMETERS[pname]
    numeric = param.kind in ("int", "float")
    if isinstance(value, list) and method in ("grid", "lhs"):
        if not value:
            raise SpecError(field, "an empty list: give at least one value")
        values = [_value(pname, v, f"{field}[{i}]") for i, v in enumerate(value)]
        _no_repeats(values, field)
        return values
    if method != "grid":
        if not isinstance(value, dict) or not numeric:
            what = f"got {_show(value)}" if numeric else f"{pname} takes {param.describe_allowed()}"
            also = (
                " or a list of values to draw from in equal shares"
                if method == "lhs"
                else "; a list of values is a category, which only lhs draws from"
            )
            raise SpecError(
                field,
                f"{method} samples numeric ranges: must be "
                f"{{from = ..., to = ...}} of a numeric parameter{also} ({what})",
            )
        _keys(value, ("from", "to"), field)
        low, high = _range_ends(pname, value, field)
        return (low, high)
    if isinstance(value, dict):
        if not numeric:
            raise SpecError(
                field,
                f"a range {{from, to, ...}} needs a numeric parameter; "
                f"{pname} is {param.describe_allowed()}: give a list",
            )
        _keys(value, RANGE_KEYS, field)
        low, high = _range_ends(pname, value, field)
        if ("num" in value) == ("step" in value):
            raise SpecError(
                field,
                "a range needs exactly one of num (how many evenly "
                "spaced values) or step (the distance between them)",
            )
        if "num" in value:
            num = _whole(value["num"], f"{field}.num", 2, MAX_VALUES)
            values = list(np.linspace(low, high, num))
        else:
            step = value["step"]
            if isinstance(step, bool) or not isinstance(step, int | float) or not step > 0:
                raise SpecError(f"{field}.step", f"must be a number above 0 (got {_show(step)})")
            if param.kind == "int" and not float(step).is_integer():
                raise SpecError(
                    f"{field}.step",
                    f"must be a whole number: {pname} takes whole numbers (got {step!r})",
                )
            count = math.floor((high - low) / step * (1 + 1e-12) + 1e-9) + 1
            if count > MAX_VALUES:
                raise SpecError(
                    f"{field}.step",
                    f"gives {count:,} values, more than {MAX_VALUES:,}; use a larger step",
                )
            values = [low + k * step for k in range(count)]
        if param.kind == "int":
            if any(abs(v - round(v)) > 1e-9 for v in values):
                raise SpecError(
                    f"{field}.num",
                    f"{len(values)} evenly spaced values from "
                    f"{low} to {high} are not all whole numbers, "
                    f"which {pname} needs; change num or use step",
                )
            values = [int(round(v)) for v in values]
        else:
            values = [_tidy(v) for v in values]
        return [_value(pname, v, field) for v in values]
    raise SpecError(
        field,
        f"must be a list of values or a range {{from, to, num}} or "
        f"{{from, to, step}} (got {_show(value)})",
    )


def _range_ends(pname: str, table: dict, field: str) -> tuple:
    for key in ("from", "to"):
        if key not in table:
            raise SpecError(f"{field}.{key}", "missing; a range needs both from and to")
    low = _value(pname, table["from"], f"{field}.from")
    high = _value(pname, table["to"], f"{field}.to")
    if not low < high:
        raise SpecError(f"{field}.to", f"must be larger than from ({low}) (got {high})")
    return low, high


def _no_repeats(values: list, field: str) -> None:
    seen = []
    for v in values:
        if v in seen:
            raise SpecError(field, f"lists {v!r} twice; each value once (replicates repeat runs)")
        seen.append(v)


def _reporters(value: Any) -> list[str]:
    from agents import available_strategies, get_strategy_class, group_of
    from sim import reporter_names
    from sim.model import FAMILIES

    # the two families' reporters, and those of any registered strategy with a group of
    # its own (a participant's strategy is reported as `attention_to_<its group>` ...)
    groups = [group_of(get_strategy_class(name)) for name in available_strategies()]
    known = [*reporter_names(list(dict.fromkeys([*FAMILIES, *groups]))), *DERIVED_REPORTERS]
    if value is None:
        return reporter_names()
    if not isinstance(value, list) or not value:
        raise SpecError(
            "output.reporters",
            f"must be a list of reporter names, at least one (got {_show(value)})",
        )
    for name in value:
        if not isinstance(name, str) or name not in known:
            close = difflib.get_close_matches(name, known, n=1) if isinstance(name, str) else []
            hint = (
                f"did you mean {close[0]!r}?" if close else "known reporters: " + ", ".join(known)
            )
            raise SpecError("output.reporters", f"unknown reporter {name!r}; {hint}")
    _no_repeats(value, "output.reporters")
    return list(value)


def _check_report(report: dict, varied: list[str], fixed: dict, reporters: list[str]) -> None:
    _keys(report, REPORT_KEYS, "report")
    if not report:
        return
    if "kind" not in report:
        raise SpecError("report.kind", "missing; one of " + ", ".join(REPORT_KINDS))
    if report["kind"] not in REPORT_KINDS:
        raise SpecError("report.kind", _one_of(REPORT_KINDS, report["kind"]))
    axes = ["step", *varied, *fixed]
    for key in ("x", "y"):
        if key in report:
            value = report[key]
            if not isinstance(value, str) or value not in axes:
                close = (
                    difflib.get_close_matches(value, axes, n=1) if isinstance(value, str) else []
                )
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise SpecError(
                    f"report.{key}",
                    f"must be 'step' or a parameter of the spec "
                    f"({', '.join(axes[1:])}) (got "
                    f"{_show(value)}){hint}",
                )
    if report["kind"] == "discovery":
        _check_cases(report, reporters)
    else:
        for key in DISCOVERY_KEYS:
            if key in report:
                raise SpecError(f"report.{key}", 'only kind = "discovery" takes it')
    if report["kind"] == "calibration":
        _check_target(report, varied, fixed, reporters)
    elif "target" in report:
        raise SpecError("report.target", 'only kind = "calibration" takes it')
    if "outcomes" in report:
        outcomes = report["outcomes"]
        kept = [*reporters, *RUN_OUTCOMES]
        if not isinstance(outcomes, list) or not outcomes:
            raise SpecError(
                "report.outcomes", f"must be a list of outcome names (got {_show(outcomes)})"
            )
        for name in outcomes:
            if not isinstance(name, str) or name not in kept:
                from sim import reporter_names

                if isinstance(name, str) and name in reporter_names():
                    why = "is not kept; add it to output.reporters"
                else:
                    close = difflib.get_close_matches(str(name), kept, n=1)
                    why = "is not an outcome" + (
                        f"; did you mean {close[0]!r}?" if close else ": " + ", ".join(kept)
                    )
                raise SpecError("report.outcomes", f"{name!r} {why}")


def _check_cases(report: dict, reporters: list[str]) -> None:
    """A discovery report's conditions, each read as the report will read it."""
    from .discovery import MAX_CASES, ConditionError, parse_condition

    cases = report.get("cases")
    if cases is None:
        raise SpecError(
            "report.cases",
            "missing; a discovery report needs at least one condition, such as "
            "[report.cases] clients = 'conversions_broadcasters > conversions_interactors'",
        )
    if not isinstance(cases, dict) or not cases:
        raise SpecError(
            "report.cases",
            f"must be a table of names and conditions, at least one (got {_show(cases)})",
        )
    if len(cases) > MAX_CASES:
        raise SpecError("report.cases", f"{len(cases)} conditions; at most {MAX_CASES}")
    kinds: dict[str, object] = {name: "number" for name in (*reporters, *RUN_OUTCOMES)}
    for pname, param in PARAMETERS.items():
        if param.sweepable:
            kinds[pname] = (
                "number"
                if param.kind in ("int", "float")
                else "bool"
                if param.kind == "bool"
                else tuple(param.choices)
                if param.choices
                else ()
            )
    for name, text in cases.items():
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise SpecError(f"report.cases.{name}", "a name is letters, digits and _ only")
        try:
            parse_condition(text, kinds)
        except ConditionError as err:
            raise SpecError(f"report.cases.{name}", str(err)) from None
    if "density" in report:
        value = report["density"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise SpecError(
                "report.density",
                "must be a number above 0 and at most 1, the least share of a chosen "
                f"box's runs that are cases (got {_show(value)})",
            )


def _check_target(report: dict, varied: list[str], fixed: dict, reporters: list[str]) -> None:
    """A calibration report's target: what to measure, on which kept series, the study's
    range and where it comes from; one varied rate to fit."""
    from .calibration import AFTER_CAMPAIGN, MEASURES

    if len(varied) != 1:
        raise SpecError(
            "vary", f"a calibration varies one rate, to fit it (got {', '.join(varied)})"
        )
    target = _table(report.get("target"), "report.target")
    _keys(target, TARGET_KEYS, "report.target")
    for key in TARGET_KEYS:
        if key not in target:
            raise SpecError(
                f"report.target.{key}", f"missing; a target needs {', '.join(TARGET_KEYS)}"
            )
    if target["measure"] not in MEASURES:
        raise SpecError("report.target.measure", _one_of(tuple(MEASURES), target["measure"]))
    if target["series"] not in reporters:
        raise SpecError(
            "report.target.series",
            f"{target['series']!r} is not a kept reporter; add it to output.reporters",
        )
    for key in ("low", "high"):
        value = target[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SpecError(
                f"report.target.{key}", f"must be a number of steps (got {_show(value)})"
            )
    if not target["low"] < target["high"]:
        raise SpecError("report.target.high", f"must be larger than low ({target['low']})")
    _string(target["source"], "report.target.source")
    if target["measure"] in AFTER_CAMPAIGN and not fixed.get("campaign_steps"):
        raise SpecError(
            "report.target.measure",
            f"{target['measure']} is measured after a campaign's end: fix campaign_steps "
            "above 0 in [fixed]",
        )


# -- the points -----------------------------------------------------------------------------
def _points(method: str, vary: dict, n: int | None, seed: int) -> list[dict[str, Any]]:
    names = list(vary)
    if method == "grid":
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*vary.values())]
    kinds = [
        "category" if isinstance(spread, list) else PARAMETERS[name].kind
        for name, spread in vary.items()
    ]
    # whole numbers: draw from [from - 1/2, to + 1/2] and round (equal chances); a
    # category: draw its index from [0, number of values)
    bounds = [
        [0, len(spread)]
        if kind == "category"
        else [spread[0] - 0.5, spread[1] + 0.5]
        if kind == "int"
        else list(spread)
        for spread, kind in zip(vary.values(), kinds, strict=True)
    ]
    if method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed)).random(n)
        lows, highs = np.array(bounds, dtype=float).T
        sample = qmc.scale(unit, lows, highs)
    else:
        from SALib.sample import sobol

        problem = {"num_vars": len(names), "names": names, "bounds": bounds}
        sample = sobol.sample(problem, n, calc_second_order=False, seed=seed)
    out = []
    for row in sample:
        point = {}
        for name, kind, x, spread in zip(names, kinds, row, vary.values(), strict=True):
            if kind == "category":
                point[name] = spread[min(int(x), len(spread) - 1)]
                continue
            lo, hi = spread
            point[name] = (
                int(min(max(math.floor(x + 0.5), lo), hi))
                if kind == "int"
                else float(min(max(x, lo), hi))
            )
        out.append(point)
    return out


def _check_point(index: int, fixed: dict, point: dict, fixed_src: dict, vary_src: dict) -> dict:
    """The full parameter dict of one point, checked as the model checks it."""
    try:
        values = validate({**fixed, **point})
    except ParameterError as err:
        where = (vary_src.get(err.field) or fixed_src.get(err.field) or (None, "vary"))[1]
        said = ", ".join(f"{k}={v!r}" for k, v in point.items())
        raise SpecError(where, f"the model refuses point {index} ({said}): {err}") from None
    values.pop("graph")
    return values


def _effective(
    raw: dict, quick: bool, steps, replicates, fixed_src, vary_src, method_src, n_src
) -> dict:
    """The spec's table with the quick overrides applied (and no [quick] table)."""
    out = {k: v for k, v in raw.items() if k != "quick"}
    if not quick:
        return out
    out["steps"], out["replicates"] = steps, replicates
    if fixed_src:
        out["fixed"] = {k: v for k, (v, _) in fixed_src.items()}
    out["vary"] = {k: v for k, (v, _) in vary_src.items()}
    sample = {}
    if method_src is not None:
        sample["method"] = method_src[0]
    if n_src is not None:
        sample["n"] = n_src[0]
    if sample:
        out["sample"] = sample
    return out


# -- writing TOML -----------------------------------------------------------------------------
def to_toml(table: dict) -> str:
    """Write a spec's table as TOML (scalars first, then one [section] per sub-table)."""
    lines, sections = [], []
    for key, value in table.items():
        if isinstance(value, dict):
            sections.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in sections:
        lines += ["", f"[{_toml_key(key)}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"cannot write {type(value).__name__} as TOML")

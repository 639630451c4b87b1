"""Reports: ``report.md`` and ``figures/*.png`` for a folder of experiment results.

``write_report(folder)`` reads what ``python -m experiments run`` left in a results folder
(``spec.toml``, ``runs.parquet/``, ``timeseries.parquet/``; see docs/experiments.md) and
writes a Markdown report beside it. What the report draws depends on ``[report] kind``:

- ``timeseries``: each strategy's mean over the replicates, step by step, with a 95 %
  confidence band; one row of panels per reporter family, one column per parameter point;
- ``response``: an outcome against one varied parameter (``x``), one line per value of
  the other varied parameter (if any), with 95 % error bars;
- ``heatmap``: the mean outcome over two varied parameters (``x``, ``y``), cells annotated;
- ``categories``: bars per value of a categorical parameter (a network, say), with CIs;
- ``bass``: the mean ``converted_share`` step by step against the discrete Bass curve;
- ``sobol``: first-order and total Sobol indices (``experiments.sensitivity``);
- ``calibration``: the varied rate against a study's target (``experiments.calibration``);
- ``discovery``: scenario discovery, PRIM's boxes and a CART tree for the runs where the
  conditions of ``[report.cases]`` hold (``experiments.discovery``).

Every interval is the mean over replicates plus or minus 1.96 standard errors. Outcomes
are the kept reporters (their value at the last step) and ``time_to_half_faded``. When
``outcomes`` names both families of a reporter, the report adds their gap, interactors
minus broadcasters (``trust_gap`` from ``trust_in_interactors`` and
``trust_in_broadcasters``), as an outcome of its own.
"""

from __future__ import annotations

import datetime
import math
import os
import platform
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.model import REPORTER_HELP, REPORTER_KEYS
from sim.params import PARAMETERS

from .sensitivity import RESAMPLES, infer_order, sobol_indices
from .spec import DERIVED_REPORTERS, QUICK_MARK

__all__ = [
    "KINDS",
    "bass_curve",
    "mean_ci",
    "outcome_values",
    "read_results",
    "summarize",
    "write_report",
]

#: 95 % normal quantile: a confidence interval is the mean plus or minus Z95 standard errors.
Z95 = 1.96

#: How each family is drawn (Okabe-Ito colours; line style and marker differ too).
GROUP_STYLE = {
    "broadcasters": {"color": "#D55E00", "linestyle": "--", "marker": "s"},
    "interactors": {"color": "#0072B2", "linestyle": "-", "marker": "o"},
    "all": {"color": "#000000", "linestyle": ":", "marker": "^"},
}
#: Hatching that tells the families apart in bar charts without colour.
GROUP_HATCH = {"broadcasters": "//", "interactors": "", "all": ".."}
#: Lines that are not a family: Okabe-Ito colours, each with its own style and marker.
LINE_CYCLE = [
    {"color": "#0072B2", "linestyle": "-", "marker": "o"},
    {"color": "#D55E00", "linestyle": "--", "marker": "s"},
    {"color": "#009E73", "linestyle": "-.", "marker": "^"},
    {"color": "#CC79A7", "linestyle": ":", "marker": "D"},
    {"color": "#E69F00", "linestyle": (0, (5, 1)), "marker": "v"},
    {"color": "#56B4E9", "linestyle": (0, (3, 1, 1, 1)), "marker": "P"},
    {"color": "#000000", "linestyle": (0, (1, 1)), "marker": "X"},
]
#: Bars that belong to neither family (Okabe-Ito bluish green).
NEUTRAL = "#009E73"
#: Axis labels of the reporter families.
FAMILY_LABELS = {
    "attention_to": "attention paid to them",
    "trust_in": "trust in them",
    "recall_of": "recall of them",
    "value_per_message": "value per noticed message",
    "reach": "reach (messages noticed)",
    "sent": "messages sent",
    "noticed_share": "share of messages noticed",
    "conversions": "people won over",
    "faded": "share faded",
    "choice_of": "interactors who would choose them",
}
#: Colour map of the heatmaps (cividis: readable with every kind of colour blindness).
HEATMAP_CMAP = "cividis"
#: Fact S8: the mean curve stays this close to the Bass curve (docs/model.md, section 8).
BASS_TOLERANCE = 0.02
#: Tables longer than this fold away in the report.
FOLD_ROWS = 30

#: Short names of the reporter families, for gaps: ``trust_gap``, ``reach_gap`` ...
SHORT_FAMILY = {prefix.split("_")[0]: prefix for prefix in REPORTER_KEYS}
SHORT_FAMILY.update({prefix: prefix for prefix in REPORTER_KEYS})
FAMILIES = ("broadcasters", "interactors")
ID_COLUMNS = ("run_id", "point", "replicate", "step", "seed")


# -- statistics ------------------------------------------------------------------------------


def mean_ci(values) -> tuple[float, float, int]:
    """Mean, 95 % half-width (1.96 standard errors) and count of the non-missing values.

    The half-width is NaN with fewer than two values (one run says nothing about spread).
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return math.nan, math.nan, 0
    if len(v) == 1:
        return float(v[0]), math.nan, 1
    return float(v.mean()), float(Z95 * v.std(ddof=1) / math.sqrt(len(v))), len(v)


def summarize(values: pd.Series, keys) -> pd.DataFrame:
    """Per group of ``keys``: ``mean``, ``half`` (95 % half-width), ``n`` (values present)
    and ``runs`` (all runs, missing values included); the same numbers as :func:`mean_ci`."""
    grouped = pd.to_numeric(values, errors="coerce").groupby(keys)
    out = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "sd": grouped.std(ddof=1),
            "n": grouped.count(),
            "runs": grouped.size(),
        }
    )
    out["half"] = Z95 * out["sd"] / np.sqrt(out["n"])
    return out.drop(columns="sd")


def bass_curve(p: float, q: float, steps: int) -> np.ndarray:
    """The discrete Bass curve F_0..F_steps: F_0 = 0, F_(t+1) = F_t + (p + q F_t)(1 - F_t)."""
    f = np.zeros(steps + 1)
    for t in range(steps):
        f[t + 1] = f[t] + (p + q * f[t]) * (1 - f[t])
    return f


# -- reading a results folder ----------------------------------------------------------------


def read_parquet_folder(path: Path) -> pd.DataFrame:
    """All the parts of a Parquet folder (or one file) as one frame; empty if none.

    Parts are read one by one and their schemas merged, so a column that is empty in one
    part (``time_to_half_faded`` when nobody faded) and a number in another still joins.
    Hidden and temporary names (starting with ``.`` or ``_``) are skipped.
    """
    if path.is_file():
        return pd.read_parquet(path)
    if not path.is_dir():
        return pd.DataFrame()
    parts = sorted(
        p for p in path.rglob("*.parquet") if p.is_file() and not p.name.startswith((".", "_"))
    )
    if not parts:
        return pd.DataFrame()
    table = pa.concat_tables([pq.read_table(p) for p in parts], promote_options="permissive")
    return table.to_pandas()


@dataclass
class Results:
    """What a results folder holds, read once."""

    folder: Path
    spec: dict
    spec_text: str
    runs: pd.DataFrame
    ts: pd.DataFrame

    @property
    def report(self) -> dict:
        return self.spec.get("report", {})

    @property
    def varied(self) -> list[str]:
        return [name for name in self.spec.get("vary", {}) if name in self.runs.columns]

    @property
    def points(self) -> pd.DataFrame:
        """One row per point (index ``point``): the varied parameters' values."""
        return self.runs.groupby("point")[self.varied].first().sort_index()


def read_results(folder) -> Results:
    """Read ``spec.toml``, ``runs.parquet`` and ``timeseries.parquet`` from ``folder``."""
    folder = Path(folder)
    spec_path = folder / "spec.toml"
    if not spec_path.is_file():
        raise FileNotFoundError(f"{spec_path}: no spec here; is {folder} a results folder?")
    text = spec_path.read_text()
    spec = tomllib.loads(text)
    runs = read_parquet_folder(folder / "runs.parquet")
    if runs.empty:
        raise ValueError(f"{folder / 'runs.parquet'}: no finished runs to report on")
    runs = runs.sort_values(["point", "replicate"]).reset_index(drop=True)
    ts = read_parquet_folder(folder / "timeseries.parquet")
    if not ts.empty:  # a run counts once its runs part exists (its time series comes first)
        ts = ts[ts["run_id"].isin(runs["run_id"])]
        ts = ts.sort_values(["point", "replicate", "step"]).reset_index(drop=True)
    return Results(folder, spec, text, runs, ts)


# -- outcomes --------------------------------------------------------------------------------


#: Families of series: the model's reporters, and the runner's own (``choice_of_{g}``).
SERIES_PREFIXES = (*REPORTER_KEYS, "choice_of")


def split_reporter(name: str) -> tuple[str, str]:
    """``trust_in_interactors`` -> (``trust_in``, ``interactors``); model-wide -> (name, all)."""
    for prefix in sorted(SERIES_PREFIXES, key=len, reverse=True):
        if name.startswith(prefix + "_"):
            return prefix, name[len(prefix) + 1 :]
    return name, "all"


def gap_family(name: str) -> str | None:
    """The reporter family behind a gap outcome (``trust_gap`` -> ``trust_in``), or None."""
    if name.endswith("_gap"):
        return SHORT_FAMILY.get(name[: -len("_gap")])
    return None


def describe(name: str) -> str:
    """One line saying what an outcome measures."""
    family = gap_family(name)
    if family is not None:
        what = REPORTER_HELP[family + "_{g}"].split(" (")[0]
        return f"interactors minus broadcasters: {what}"
    if name == "time_to_half_faded":
        return (
            "first step at which half the broadcasters had faded (runs where that never "
            "happened are left out of the mean)"
        )
    prefix, group = split_reporter(name)
    help_text = REPORTER_HELP.get(prefix + "_{g}")
    if help_text is not None:
        return f"{group}: {help_text}"
    if name in DERIVED_REPORTERS:
        return DERIVED_REPORTERS[name]
    return {
        "converted_share": "share of people won over by at least one sender",
        "noticed_share_all": "share of all messages delivered that were noticed",
    }.get(name, name)


def with_gaps(outcomes: list[str]) -> list[str]:
    """The outcomes, each family pair followed by its gap (``trust_gap`` after
    ``trust_in_broadcasters`` and ``trust_in_interactors``, wherever they stand)."""
    out = list(outcomes)
    for prefix in REPORTER_KEYS:
        pair = [f"{prefix}_{g}" for g in FAMILIES]
        if all(name in outcomes for name in pair):
            gap = f"{prefix.split('_')[0]}_gap"
            if gap not in out:
                out.insert(max(out.index(name) for name in pair) + 1, gap)
    return out


def outcome_values(res: Results, name: str) -> pd.Series:
    """One value per run (aligned with ``res.runs``) of the outcome ``name``: a kept
    reporter's value at the last step, ``time_to_half_faded``, or a gap (interactors minus
    broadcasters, ``trust_gap``)."""
    family = gap_family(name)
    if family is not None:
        return outcome_values(res, f"{family}_interactors") - outcome_values(
            res, f"{family}_broadcasters"
        )
    if name in res.runs.columns:
        return pd.to_numeric(res.runs[name], errors="coerce").astype(float)
    raise KeyError(
        f"report.outcomes: {name!r} is not in the results (kept reporters, "
        "time_to_half_faded, or a gap such as trust_gap)"
    )


def by_point(res: Results, name: str) -> pd.DataFrame:
    """Mean, half-width and counts of an outcome per point, with the point's parameters."""
    stats = summarize(outcome_values(res, name), res.runs["point"])
    return res.points.join(stats)


# -- formatting ------------------------------------------------------------------------------


def decimals(values) -> int:
    """Decimals for a column of numbers: 3 below 10 (shares, trust), 1 below 1000, else 0."""
    v = np.abs(np.asarray(values, dtype=float))
    top = np.nanmax(v) if np.isfinite(v).any() else 0.0
    return 3 if top < 10 else 1 if top < 1000 else 0


def num(x: float, digits: int | None = None) -> str:
    """A number for a table or a figure (``digits`` decimals, or as :func:`decimals` says)."""
    if x is None or (isinstance(x, float | np.floating) and math.isnan(x)):
        return "n/a"
    if isinstance(x, bool | np.bool_ | str):
        return str(x)
    x = float(x)
    return f"{x:,.{decimals([x]) if digits is None else digits}f}"


def with_ci(mean: float, half: float, digits: int | None = None) -> str:
    if isinstance(mean, float | np.floating) and math.isnan(mean):
        return "n/a"
    digits = decimals([mean]) if digits is None else digits
    if isinstance(half, float | np.floating) and math.isnan(half):
        return num(mean, digits)
    return f"{num(mean, digits)} ± {num(half, digits)}"


def value_text(v) -> str:
    if isinstance(v, bool | np.bool_):
        return "on" if v else "off"
    if isinstance(v, float | np.floating):
        return f"{float(v):g}"
    return str(v)


def point_label(res: Results, point: int) -> str:
    if not res.varied:
        return "the spec's parameters"
    row = res.points.loc[point]
    return ", ".join(f"{name} = {value_text(row[name])}" for name in res.varied)


def family_label(family: str) -> str:
    return FAMILY_LABELS.get(family, family.replace("_", " "))


def param_label(name: str) -> str:
    p = PARAMETERS.get(name)
    return f"{p.label} ({name})" if p else name


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    table = "\n".join(lines)
    if len(rows) > FOLD_ROWS:
        return f"<details><summary>The table ({len(rows)} rows)</summary>\n\n{table}\n\n</details>"
    return table


def points_table(res: Results, outcomes: list[str]) -> str:
    """Means and 95 % CIs of the outcomes at each point (runs counted per point)."""
    frames = {name: by_point(res, name) for name in outcomes}
    digits = {name: decimals(frame["mean"]) for name, frame in frames.items()}
    header = res.varied + ["runs"] + outcomes
    rows = []
    for point, row in res.points.iterrows():
        first = frames[outcomes[0]].loc[point]
        cells = [value_text(row[name]) for name in res.varied] + [str(int(first["runs"]))]
        for name in outcomes:
            s = frames[name].loc[point]
            cell = with_ci(s["mean"], s["half"], digits[name])
            if s["n"] < s["runs"]:
                cell += f" ({int(s['n'])} of {int(s['runs'])} runs)"
            cells.append(cell)
        rows.append(cells)
    return markdown_table(header, rows)


# -- figures ---------------------------------------------------------------------------------


@dataclass
class Section:
    """What one report kind adds: figures (file, caption), notes and tables."""

    figures: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_dpi(110)
    return fig


def save(fig: Figure, res: Results, name: str) -> str:
    figures = res.folder / "figures"
    figures.mkdir(exist_ok=True)
    fig.savefig(figures / name, dpi=110)
    return f"figures/{name}"


def outcome_list(res: Results, default: list[str]) -> list[str]:
    """The report's outcomes (or ``default``) with the family gaps added, all checked."""
    outcomes = with_gaps(list(res.report.get("outcomes", default)))
    for name in outcomes:
        outcome_values(res, name)  # fails early, naming the outcome
    return outcomes


# -- the kinds -------------------------------------------------------------------------------


def kind_timeseries(res: Results) -> Section:
    if res.ts.empty:
        raise ValueError("report: kind 'timeseries' needs timeseries.parquet")
    columns = [c for c in res.ts.columns if c not in ID_COLUMNS]
    wanted = res.report.get("outcomes")
    families: dict[str, list[str]] = {}
    for col in columns:
        family, _ = split_reporter(col)
        if wanted and family not in wanted and col not in wanted:
            continue
        families.setdefault(family, []).append(col)
    points = sorted(res.ts["point"].unique())
    shown = points[:6]
    stats = {
        col: summarize(res.ts[col], [res.ts["point"], res.ts["step"]])
        for cols in families.values()
        for col in cols
    }
    fig = new_figure(3.6 * len(shown) + 0.6, 2.3 * len(families) + 0.6)
    axes = fig.subplots(len(families), len(shown), squeeze=False, sharex=True, sharey="row")
    for r, (family, cols) in enumerate(families.items()):
        for c, point in enumerate(shown):
            ax = axes[r][c]
            for col in cols:
                s = stats[col].loc[point]
                _, group = split_reporter(col)
                style = GROUP_STYLE.get(group, GROUP_STYLE["all"])
                steps = s.index.to_numpy()
                ax.plot(
                    steps,
                    s["mean"],
                    label=group,
                    markevery=max(1, len(steps) // 8),
                    markersize=4,
                    linewidth=1.6,
                    **style,
                )
                ax.fill_between(
                    steps,
                    s["mean"] - s["half"],
                    s["mean"] + s["half"],
                    color=style["color"],
                    alpha=0.25,
                    linewidth=0,
                )
            if r == 0:  # long labels wrap, so that neighbouring titles never overlap
                ax.set_title(textwrap.fill(point_label(res, point), 44), fontsize=9)
            if c == 0:
                ax.set_ylabel(family_label(family))
            if r == len(families) - 1:
                ax.set_xlabel("step")
            ax.grid(alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), frameon=False)
    path = save(fig, res, "timeseries.png")
    sizes = res.runs.groupby("point").size()
    n = f"{sizes.min()}" if sizes.min() == sizes.max() else f"{sizes.min()} to {sizes.max()}"
    caption = (
        f"Each line is a family's mean over {n} runs, the band its 95 % "
        "confidence interval (dashed orange squares: broadcasters, solid blue circles: "
        "interactors). Look at which line is on top early and which at the end."
    )
    section = Section(figures=[(path, caption)])
    if len(points) > len(shown):
        section.notes.append(f"Only the first {len(shown)} of {len(points)} points are drawn.")
    # Final values (a row per reporter, a column per point), and the reach of the first
    # ten steps (fact S4).
    finals = [col for cols in families.values() for col in cols if col in res.runs.columns]
    rows = []
    for col in finals:
        stats = by_point(res, col)
        digits = decimals(stats["mean"])
        rows.append(
            [col] + [with_ci(stats.at[p, "mean"], stats.at[p, "half"], digits) for p in points]
        )
    header = ["reporter"] + [point_label(res, p) for p in points]
    section.tables.append(("Values at the last step", markdown_table(header, rows)))
    reach = [c for c in columns if split_reporter(c)[0] == "reach"]
    early = res.ts[(res.ts["step"] >= 1) & (res.ts["step"] <= 10)]
    if reach and early["step"].nunique() == 10:
        sums = early.groupby("run_id")[reach].sum()
        rows = []
        for point in points:
            ids = res.runs.loc[res.runs["point"] == point, "run_id"]
            rows.append(
                [point_label(res, point)]
                + [with_ci(*mean_ci(sums.loc[sums.index.isin(ids), col])[:2]) for col in reach]
            )
        section.tables.append(
            (
                "Noticed reach per person, summed over steps 1 to 10",
                markdown_table(["point"] + reach, rows),
            )
        )
    return section


def kind_response(res: Results) -> Section:
    x = res.report.get("x", res.varied[0])
    group = next((v for v in res.varied if v != x), None)
    outcomes = outcome_list(res, ["faded_broadcasters"])
    ncols = min(2, len(outcomes))
    nrows = math.ceil(len(outcomes) / ncols)
    fig = new_figure(5.2 * ncols, 3.6 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    keys = [res.runs[group], res.runs[x]] if group else [res.runs[x]]
    for ax, name in zip(axes, outcomes, strict=False):
        stats = summarize(outcome_values(res, name), keys)
        levels = stats.index.get_level_values(0).unique() if group else [None]
        xs = stats.index.get_level_values(-1).unique()
        numeric = pd.api.types.is_numeric_dtype(res.runs[x])
        where = {v: (v if numeric else i) for i, v in enumerate(xs)}
        for k, level in enumerate(levels):
            s = stats.loc[level] if group else stats
            style = LINE_CYCLE[k % len(LINE_CYCLE)]
            label = f"{group} = {value_text(level)}" if group else name
            ax.errorbar(
                [where[v] for v in s.index],
                s["mean"],
                yerr=s["half"],
                capsize=3,
                markersize=5,
                label=label,
                **style,
            )
        if not numeric:
            ax.set_xticks(range(len(xs)), [value_text(v) for v in xs], rotation=30)
        ax.set_xlabel(param_label(x))
        ax.set_ylabel(name.replace("_", " "))
        ax.grid(alpha=0.3)
        if group:
            ax.legend(fontsize=8)
    for ax in axes[len(outcomes) :]:
        ax.set_visible(False)
    path = save(fig, res, "response.png")
    lines = f", one line per value of {group}" if group else ""
    caption = (
        f"Mean outcome against {x}{lines}; bars are 95 % confidence intervals. Look at "
        "how steeply each line moves and whether the lines' bars separate."
    )
    return Section(
        figures=[(path, caption)],
        tables=[("Means and 95 % confidence intervals", points_table(res, outcomes))],
    )


def kind_heatmap(res: Results) -> Section:
    x = res.report.get("x", res.varied[0])
    y = res.report.get("y", next(v for v in res.varied if v != x))
    outcomes = outcome_list(res, ["faded_broadcasters"])
    section = Section()
    for name in outcomes:
        stats = summarize(outcome_values(res, name), [res.runs[y], res.runs[x]])
        mean = stats["mean"].unstack(x).sort_index()
        half = stats["half"].unstack(x).reindex_like(mean)
        n = stats["n"].unstack(x).reindex_like(mean)
        runs = stats["runs"].unstack(x).reindex_like(mean)
        fig = new_figure(max(5.5, 2.6 + 0.62 * mean.shape[1]), max(3.6, 1.5 + 0.42 * mean.shape[0]))
        ax = fig.subplots()
        ax.set_title(name.replace("_", " "), fontsize=10)
        values = mean.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        digits = decimals(finite)
        norm = Normalize(*(finite.min(), finite.max()) if len(finite) else (0, 1))
        cmap = colormaps[HEATMAP_CMAP].with_extremes(bad="#DDDDDD")
        image = ax.imshow(
            np.ma.masked_invalid(values), origin="lower", aspect="auto", cmap=cmap, norm=norm
        )
        fig.colorbar(image, ax=ax, label=name.replace("_", " "))
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                text = num(v, digits)
                if n.iat[i, j] < runs.iat[i, j] and n.iat[i, j] > 0:
                    text += f"\n{int(n.iat[i, j])}/{int(runs.iat[i, j])}"
                light = np.isfinite(v) and sum(cmap(norm(v))[:3]) > 1.6
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="black" if light or not np.isfinite(v) else "white",
                )
        ax.set_xticks(range(mean.shape[1]), [value_text(v) for v in mean.columns])
        ax.set_yticks(range(mean.shape[0]), [value_text(v) for v in mean.index])
        ax.set_xlabel(param_label(x))
        ax.set_ylabel(param_label(y).replace(" (", "\n("))
        path = save(fig, res, f"heatmap_{name}.png")
        caption = heatmap_caption(name, mean, x, y)
        section.figures.append((path, caption))
        halves = half.to_numpy(dtype=float)
        if np.isfinite(halves).any():
            i, j = np.unravel_index(np.nanargmax(halves), halves.shape)
            section.notes.append(
                f"{name}: half-widths of the cells' 95 % confidence intervals: "
                f"± {num(np.nanmedian(halves), digits)} at the median, at most "
                f"± {num(halves[i, j], digits)} (at {x} = {value_text(mean.columns[j])}, "
                f"{y} = {value_text(mean.index[i])})."
            )
        counts, totals = n.to_numpy(), runs.to_numpy()
        if ((counts > 0) & (counts < totals)).any():
            section.notes.append(
                f"{name}: a cell marked k/n has a value in only k of its n runs; its mean "
                "is over those k."
            )
        if (counts == 0).any():
            section.notes.append(f"{name}: n/a marks cells where no run has a value.")
    section.tables.append(("Means and 95 % confidence intervals", points_table(res, outcomes)))
    return section


def heatmap_caption(name: str, mean: pd.DataFrame, x: str, y: str) -> str:
    stacked = mean.stack().dropna()
    if stacked.empty:
        return f"{name}: no run has a value."
    digits = decimals(stacked)
    parts = []
    for word, value in (("lowest", stacked.min()), ("highest", stacked.max())):
        where = stacked.index[stacked == value]
        at = (
            f" at {x} = {value_text(where[0][1])}, {y} = {value_text(where[0][0])}"
            if len(where) == 1
            else f" in {len(where)} cells"
        )
        parts.append(f"{word} {num(value, digits)}{at}")
    return (
        f"Mean {name.replace('_', ' ')} per cell ({'; '.join(parts)}). Look for where "
        "the shade changes fast: the outcome flips there."
    )


def kind_categories(res: Results) -> Section:
    x = res.report.get("x", res.varied[0])
    outcomes = outcome_list(res, ["faded_broadcasters"])
    panels: list[list[str]] = []  # a family pair shares a panel, side by side
    for name in outcomes:
        prefix, group = split_reporter(name)
        pair = [f"{prefix}_{g}" for g in FAMILIES]
        if group in FAMILIES and all(p in outcomes for p in pair):
            if pair not in panels:
                panels.append(pair)
        else:
            panels.append([name])
    categories = list(dict.fromkeys(res.points[x]))
    ncols = min(3, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig = new_figure(4.3 * ncols, 0.6 + nrows * (0.8 + 0.32 * len(categories)))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    table_outcomes: list[str] = []
    positions = np.arange(len(categories))
    for ax, names in zip(axes, panels, strict=False):
        width = 0.8 / len(names)
        for k, name in enumerate(names):
            table_outcomes.append(name)
            stats = summarize(outcome_values(res, name), res.runs[x]).reindex(categories)
            group = "broadcasters" if name == "time_to_half_faded" else split_reporter(name)[1]
            color = GROUP_STYLE[group]["color"] if group in FAMILIES else NEUTRAL
            offset = (k - (len(names) - 1) / 2) * width
            hatch = GROUP_HATCH[group] if group in FAMILIES else ""
            ax.barh(
                positions + offset,
                stats["mean"],
                height=width,
                xerr=stats["half"],
                color=color,
                hatch=hatch,
                edgecolor="black",
                linewidth=0.5,
                capsize=2,
                label=group if len(names) > 1 else None,
            )
            for pos, mean in zip(positions + offset, stats["mean"], strict=True):
                if not np.isfinite(mean):
                    ax.text(0, pos, " n/a", va="center", fontsize=8)
        title = (
            family_label(split_reporter(names[0])[0])
            if len(names) > 1
            else names[0].replace("_", " ")
        )
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        if len(names) > 1:
            handles, labels = ax.get_legend_handles_labels()
    if any(len(names) > 1 for names in panels):
        fig.legend(handles, labels, loc="outside upper center", ncols=2, frameon=False)
    axes[0].set_yticks(positions, [value_text(c) for c in categories])
    axes[0].invert_yaxis()
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    path = save(fig, res, "categories.png")
    caption = (
        f"Mean per {x} with 95 % confidence intervals (whiskers); where two families "
        "share a panel, broadcasters are hatched orange and interactors plain blue. "
        "Look for bars whose whiskers do not overlap: those differences are real."
    )
    return Section(
        figures=[(path, caption)],
        tables=[("Means and 95 % confidence intervals", points_table(res, table_outcomes))],
    )


def kind_bass(res: Results) -> Section:
    if res.ts.empty or "converted_share" not in res.ts.columns:
        raise ValueError("report: kind 'bass' needs converted_share in timeseries.parquet")
    stats = summarize(res.ts["converted_share"], [res.ts["point"], res.ts["step"]])
    points = sorted(res.ts["point"].unique())
    fig = new_figure(10.5, 4.0)
    left, right = fig.subplots(1, 2)
    section = Section()
    rows = []
    for k, point in enumerate(points):
        s = stats.loc[point]
        steps = s.index.to_numpy()
        first = res.runs[res.runs["point"] == point].iloc[0]
        p, q = float(first["bass_p"]), float(first["bass_q"])
        curve = bass_curve(p, q, int(steps.max()))[steps]
        gap = s["mean"].to_numpy() - curve
        worst = int(np.nanargmax(np.abs(gap)))
        style = LINE_CYCLE[k % len(LINE_CYCLE)]
        label = point_label(res, point) if len(points) > 1 else "the model"
        every = max(1, len(steps) // 12)
        left.plot(steps, s["mean"], label=f"{label}, mean", markevery=every, markersize=4, **style)
        left.fill_between(
            steps,
            s["mean"] - s["half"],
            s["mean"] + s["half"],
            color=style["color"],
            alpha=0.25,
            linewidth=0,
        )
        left.plot(
            steps,
            curve,
            color="black",
            linestyle=":",
            linewidth=2,
            label=f"Bass curve F_t (p = {p:g}, q = {q:g})"
            if k == 0
            or len({(float(r.bass_p), float(r.bass_q)) for r in res.runs.itertuples()}) > 1
            else None,
        )
        right.plot(steps, gap, label=label, markevery=every, markersize=4, **style)
        right.fill_between(
            steps, gap - s["half"], gap + s["half"], color=style["color"], alpha=0.25, linewidth=0
        )
        message = (
            f"Largest gap between the mean converted share and the Bass curve, "
            f"{label}: {abs(gap[worst]):.4f} at step {steps[worst]} (model "
            f"{s['mean'].iat[worst]:.4f}, F_t {curve[worst]:.4f}, "
            f"{int(s['n'].min())} runs): "
            + ("within" if abs(gap[worst]) <= BASS_TOLERANCE else "outside")
            + f" the {BASS_TOLERANCE} of fact S8."
        )
        print(message)
        section.notes.append(message)
        for t, f, m, h in zip(steps, curve, s["mean"], s["half"], strict=True):
            rows.append(
                ([value_text(v) for v in res.points.loc[point]] if len(points) > 1 else [])
                + [str(t), f"{f:.4f}", f"{m:.4f} ± {h:.4f}", f"{m - f:+.4f}"]
            )
    for tol in (-BASS_TOLERANCE, BASS_TOLERANCE):
        right.axhline(tol, color="#555555", linestyle="--", linewidth=1)
    right.axhline(0, color="black", linewidth=0.8)
    left.set(xlabel="step", ylabel="converted share", title="Converted share")
    right.set(xlabel="step", ylabel="model minus Bass", title="Gap (dashed: ± 0.02)")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    left.legend(fontsize=8)
    if len(points) > 1:
        right.legend(fontsize=8)
    path = save(fig, res, "bass.png")
    section.figures.append(
        (
            path,
            (
                "Left: the model's mean converted share (band: 95 % CI) and the discrete Bass "
                "curve (dotted black). Right: their difference. Look at whether the band stays "
                "inside the dashed ± 0.02 lines."
            ),
        )
    )
    header = (res.varied if len(points) > 1 else []) + [
        "step",
        "Bass F_t",
        "model mean ± 95 % CI",
        "gap",
    ]
    section.tables.append(("The curves step by step", markdown_table(header, rows)))
    return section


def kind_sobol(res: Results) -> Section:
    names = res.varied
    outcomes = outcome_list(res, ["faded_broadcasters"])
    point_means = pd.DataFrame({name: outcome_values(res, name) for name in outcomes})
    point_means = point_means.groupby(res.runs["point"]).mean().sort_index()
    order = infer_order(res.points, names)
    seed = int(res.spec.get("seed", 0))
    section = Section()
    results = {}
    for name in outcomes:
        y = point_means[name].to_numpy(dtype=float)
        if len(y) and np.nanvar(y) == 0:
            section.notes.append(
                f"{name}: the same value ({num(y[0])}) at every point, so "
                "nothing to apportion; no indices."
            )
            continue
        try:
            results[name] = sobol_indices(order, y, seed=seed)
        except ValueError as err:
            section.notes.append(f"{name}: no Sobol indices ({err}).")
    if results:
        ncols = min(2, len(results))
        nrows = math.ceil(len(results) / ncols)
        fig = new_figure(5.2 * ncols, 0.5 + nrows * (0.9 + 0.5 * len(order)))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
        positions = np.arange(len(order))
        for ax, (name, si) in zip(axes, results.items(), strict=False):
            ax.barh(
                positions - 0.2,
                si["S1"],
                height=0.4,
                xerr=si["S1_conf"],
                capsize=3,
                color="#0072B2",
                edgecolor="black",
                linewidth=0.5,
                label="first order S1",
            )
            ax.barh(
                positions + 0.2,
                si["ST"],
                height=0.4,
                xerr=si["ST_conf"],
                capsize=3,
                color="#E69F00",
                hatch="//",
                edgecolor="black",
                linewidth=0.5,
                label="total ST",
            )
            ax.axvline(0, color="black", linewidth=0.8)
            ax.set_title(name.replace("_", " "), fontsize=10)
            ax.set_xlabel("Sobol index")
            ax.grid(axis="x", alpha=0.3)
        axes[0].set_yticks(positions, order)
        axes[0].invert_yaxis()
        for ax in axes[len(results) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=2, frameon=False)
        path = save(fig, res, "sobol.png")
        section.figures.append(
            (
                path,
                (
                    "Share of each outcome's variance due to each parameter: plain blue bars alone "
                    "(S1), hatched orange bars with its interactions (ST); whiskers are 95 % CIs. "
                    "Look for the longest bars, and for a big gap between the two."
                ),
            )
        )
        for name, si in results.items():
            top = si["ST"].idxmax()
            section.notes.append(
                f"{name}: {top} matters most (total index {num(si['ST'][top])}); the "
                f"first-order indices add up to {num(si['S1'].sum())}."
            )
            rows = [
                [
                    p,
                    with_ci(si.at[p, "S1"], si.at[p, "S1_conf"]),
                    with_ci(si.at[p, "ST"], si.at[p, "ST_conf"]),
                ]
                for p in order
            ]
            section.tables.append(
                (
                    f"Sobol indices of {name} (± 95 % CI)",
                    markdown_table(["parameter", "S1", "ST"], rows),
                )
            )
    blocks = len(point_means) // (len(names) + 2) if names else 0
    section.notes.append(
        "First-order indices that add up to about 1 mean the parameters act mostly one by "
        "one; a sum well below 1 means much of the spread comes from parameters acting "
        "together. Indices are estimates: small negative values and values a little above "
        "1 are noise, as their intervals show."
    )
    section.notes.append(
        f"The sample: {len(point_means)} points, {blocks} base samples of {len(names) + 2} "
        "points each (Saltelli, no second-order terms); replicates averaged per point first; "
        f"confidence intervals by bootstrap ({RESAMPLES} resamples)."
    )
    rows = []
    for name in outcomes:
        v = point_means[name]
        rows.append([name, with_ci(*mean_ci(v)[:2]), num(v.min()), num(v.max())])
    section.tables.append(
        (
            "The outcomes over all points",
            markdown_table(
                ["outcome", "mean over the points ± 95 % CI", "lowest", "highest"], rows
            ),
        )
    )
    return section


def kind_calibration(res: Results) -> Section:
    """The varied rate against the study's target (:mod:`experiments.calibration`)."""
    from .calibration import MEASURES, fitted_range, run_values

    target = res.report["target"]
    x = res.varied[0]
    end = int(res.spec.get("fixed", {}).get("campaign_steps", 0))
    values = run_values(res.runs, res.ts, target, end)
    stats = res.points.join(summarize(values, res.runs["point"])).sort_values(x)
    low, high = float(target["low"]), float(target["high"])
    middle = fitted_range(stats[x], stats["mean"], low, high)
    # every rate whose 95 % interval reaches into the band
    reach = [middle] + [
        fitted_range(stats[x], edge, low, high)
        for edge in (stats["mean"] - stats["half"], stats["mean"] + stats["half"])
    ]
    touching = stats[
        (stats["mean"] + stats["half"] >= low) & (stats["mean"] - stats["half"] <= high)
    ]
    ends = [v for r in reach if r is not None for v in r] + touching[x].tolist()
    wide = (min(ends), max(ends)) if ends else None
    default = PARAMETERS[x].default
    fig = new_figure(6.4, 4.0)
    ax = fig.subplots()
    ax.axhspan(low, high, color="#009E73", alpha=0.18, label=f"the study: {low:g} to {high:g}")
    if middle is not None:
        ax.axvspan(*middle, color="#0072B2", alpha=0.12, label="fitted rates")
    ax.errorbar(
        stats[x], stats["mean"], yerr=stats["half"], color="#0072B2", marker="o",
        markersize=4, capsize=3, linewidth=1.4, label="the model (mean, 95 % CI)",
    )  # fmt: skip
    ax.axvline(
        default, color="#D55E00", linestyle="--", linewidth=1.2, label=f"default {default:g}"
    )
    ax.set_xlabel(param_label(x))
    ax.set_ylabel(f"{target['measure'].replace('_', ' ')} (steps)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    path = save(fig, res, "calibration.png")
    section = Section()
    section.figures.append(
        (
            path,
            f"{MEASURES[target['measure']].capitalize()} ({target['series']}), against "
            f"{x}: the model's mean over replicates with its 95 % interval, the study's "
            "range shaded across, the rates that put the mean inside it shaded along, and "
            "the default dashed.",
        )
    )
    missing = int(values.isna().sum())
    fitted = (
        f"{x} from {middle[0]:.3g} to {middle[1]:.3g}" if middle is not None else "no rate tried"
    )
    if middle is not None and (middle[0] <= stats[x].min() or middle[1] >= stats[x].max()):
        fitted += " (a range that reaches the edge of the values tried)"
    section.notes.append(
        f"Target for `{target['series']}`: {MEASURES[target['measure']]}, {low:g} to "
        f"{high:g} ({target['source']}). Fitted: {fitted} puts the mean there"
        + (
            f"; counting the 95 % intervals, {wide[0]:.3g} to {wide[1]:.3g}."
            if wide is not None
            else "."
        )
        + f" The default, {default:g}, "
        + (
            "is inside the fitted range."
            if middle is not None and middle[0] <= default <= middle[1]
            else "is outside it."
        )
    )
    if missing:
        section.notes.append(
            f"{missing} of {len(values)} runs never met the measure within their steps; "
            "they are left out of the means."
        )
    rows = [
        [value_text(row[x]), with_ci(row["mean"], row["half"]), str(int(row["n"]))]
        for _, row in stats.iterrows()
    ]
    section.tables.append(
        (
            f"{target['measure'].replace('_', ' ')} (steps) at each value of {x}",
            markdown_table([x, "mean ± 95 % CI", "runs that met it"], rows),
        )
    )
    return section


def kind_discovery(res: Results) -> Section:
    from .discovery_report import kind_discovery as discovery

    return discovery(res)


KINDS = {
    "timeseries": kind_timeseries,
    "response": kind_response,
    "heatmap": kind_heatmap,
    "categories": kind_categories,
    "bass": kind_bass,
    "sobol": kind_sobol,
    "discovery": kind_discovery,
    "calibration": kind_calibration,
}


# -- how this was made -----------------------------------------------------------------------

PACKAGES = (
    "mesa",
    "numpy",
    "pandas",
    "networkx",
    "numba",
    "pyarrow",
    "matplotlib",
    "SALib",
    "dask",
    "ema_workbench",
    "scikit-learn",
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def package_versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def seconds(s: float) -> str:
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 120:
        return f"{s:.1f} s"
    return f"{s / 60:.1f} min"


def how_made(res: Results) -> str:
    runs = res.runs
    wall = pd.to_numeric(runs.get("wall_s"), errors="coerce")
    n_points = runs["point"].nunique()
    reps = runs.groupby("point").size()
    steps = sorted(pd.to_numeric(runs["steps"]).unique()) if "steps" in runs else []
    lines = [
        f"- Runs: {len(runs)} ({n_points} parameter points, {reps.min()}"
        + (f" to {reps.max()}" if reps.max() != reps.min() else "")
        + " replicates each"
        + (f", {', '.join(str(int(s)) for s in steps)} steps per run" if steps else "")
        + ").",
    ]
    if wall.notna().any():
        lines.append(
            f"- Computing time: {seconds(wall.sum())} in all, {seconds(wall.mean())} "
            f"per run on average (median {seconds(wall.median())}, longest "
            f"{seconds(wall.max())}), measured inside each run (`wall_s`)."
        )
    parts = (
        [p for p in (res.folder / "runs.parquet").rglob("*.parquet")]
        if (res.folder / "runs.parquet").is_dir()
        else []
    )
    if parts:
        times = [p.stat().st_mtime for p in parts]
        first, last = (
            datetime.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")
            for t in (min(times), max(times))
        )
        lines.append(
            f"- Results written between {first} and {last} "
            f"(about {seconds(max(times) - min(times))} from the first to the last; "
            "with several workers that is less than the computing time)."
        )
    lines += [
        f"- This report written {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; "
        f"CPU {cpu_model()}, {os.cpu_count()} cores ({platform.system()} "
        f"{platform.release()}), Python {platform.python_version()}.",
        f"- Packages: {package_versions()}.",
        f"- Again: `python -m experiments run {res.folder / 'spec.toml'} --out {res.folder}` "
        f"runs only what is missing; `python -m experiments report {res.folder}` rewrites "
        "this page.",
    ]
    return "\n".join(lines)


# -- the report ------------------------------------------------------------------------------


def write_report(folder) -> Path:
    """Write ``report.md`` and ``figures/*.png`` in a results folder; return the report's path."""
    res = read_results(folder)
    kind = res.report.get("kind", "timeseries")
    if kind not in KINDS:
        raise ValueError(f"report.kind: unknown kind {kind!r}; one of {', '.join(KINDS)}")
    section = KINDS[kind](res)
    spec = res.spec
    out = [f"# {spec.get('title', spec.get('name', res.folder.name))}", ""]
    if spec.get("question"):
        out += [f"**Question.** {spec['question']}", ""]
    if spec.get("description"):
        out += [" ".join(str(spec["description"]).split()), ""]
    outcomes = res.report.get("outcomes", []) if kind not in ("timeseries", "bass") else []
    if outcomes:
        out += ["**Outcomes.**", ""]
        out += [f"- `{name}`: {describe(name)}" for name in outcomes]
        out += [
            f"- `{name}`: {describe(name)}" for name in with_gaps(outcomes) if name not in outcomes
        ]
        out += [
            "",
            "Each run gives one value of each (a reporter's at the last step); the "
            "report shows their mean over the replicates of each point.",
        ]
        out.append("")
    out += ["## Results", ""]
    for path, caption in section.figures:
        out += [f"![{caption}]({path})", "", f"*{caption}*", ""]
    out += [f"- {note}" for note in section.notes]
    if section.notes:
        out.append("")
    if kind not in ("sobol", "discovery", "calibration"):
        out += [
            "Intervals are 95 % confidence intervals of the mean over replicates: the "
            "mean plus or minus 1.96 standard errors (the standard deviation over the "
            "replicates divided by the square root of their number).",
            "",
        ]
    for title, table in section.tables:
        out += [f"### {title}", "", table, ""]
    out += ["## The spec", ""]
    if res.spec_text.startswith(QUICK_MARK):
        out += [
            "A small try (`--quick`): the spec below has its `[quick]` overrides applied, "
            "so the numbers are rough.",
            "",
        ]
    out += [
        "```toml",
        res.spec_text.rstrip(),
        "```",
        "",
        "## How this was made",
        "",
        how_made(res),
        "",
    ]
    path = res.folder / "report.md"
    path.write_text("\n".join(out))
    return path


if __name__ == "__main__":  # python -m experiments.report DIR
    for arg in sys.argv[1:]:
        print(write_report(arg))

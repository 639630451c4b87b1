"""The report of a ``[report] kind = "discovery"`` spec (see :mod:`experiments.discovery`).

For each condition of ``[report.cases]``: PRIM's peeling trajectory with the chosen box
marked, the boxes in plain words with their coverage, density and mass, the chosen box
restriction by restriction (what each one adds), and a CART tree as a second view. When
the spec gives more than one condition, a table sets them side by side and says how often
they agree.
"""

from __future__ import annotations

from importlib import metadata

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm

from .discovery import (
    DEFAULT_DENSITY,
    MASS_MIN,
    MAX_BOXES,
    PEEL_ALPHA,
    QUASI_P,
    TREE_DEPTH,
    Discovery,
    box_words,
    discover,
    label_of,
    limit_words,
    parse_condition,
)
from .report import (
    HEATMAP_CMAP,
    Results,
    Section,
    markdown_table,
    new_figure,
    param_label,
    save,
)

__all__ = ["kind_discovery", "run_kinds"]


def run_kinds(runs: pd.DataFrame) -> dict[str, object]:
    """What each column of the runs is, for :func:`parse_condition`."""
    kinds = {}
    for name in runs.columns:
        column = runs[name]
        if pd.api.types.is_bool_dtype(column):
            kinds[name] = "bool"
        elif pd.api.types.is_numeric_dtype(column):
            kinds[name] = "number"
        else:
            kinds[name] = tuple(sorted(column.astype(str).unique()))
    return kinds


def pct(share: float) -> str:
    return f"{100 * share:.0f} %"


def kind_discovery(res: Results) -> Section:
    report = res.report
    density = float(report.get("density", DEFAULT_DENSITY))
    seed = int(res.spec.get("seed", 0))
    kinds = run_kinds(res.runs)
    x = res.runs[res.varied]
    found = []
    for name, text in report.get("cases", {}).items():
        condition = parse_condition(text, kinds)
        cases = condition.holds(res.runs)
        found.append(discover(name, condition.text, x, cases, density=density, seed=seed))
    section = Section()
    _trajectory_figure(res, found, section)
    for d in found:
        _condition_notes(d, x, section)
    _comparison(found, x, section)
    for d in found:
        _condition_tables(d, x, section)
    _tree_figure(res, next((d for d in found if d.tree is not None), None), section)
    section.notes.append(_method_note(res, density, seed))
    return section


# -- words ---------------------------------------------------------------------------------------


def _condition_notes(d: Discovery, x: pd.DataFrame, section: Section) -> None:
    n = len(d.cases)
    share = pct(d.n_cases / n)
    head = f"**{d.name}** (`{d.condition}`) holds in {d.n_cases:,} of {n:,} runs ({share})"
    if d.n_cases == 0:
        section.notes.append(head + ": nowhere in the sampled space, so no box to find.")
        return
    if d.n_cases == n:
        section.notes.append(head + ": everywhere in the sampled space, so no box to find.")
        return
    first = d.boxes[0]
    text = (
        f"{head}. PRIM's first box holds {pct(first.coverage)} of them (coverage), "
        f"{pct(first.density)} of the runs in it hold it (density), and it is "
        f"{pct(first.mass)} of all runs (mass): {_where(first.limits, x)}."
    )
    if d.trajectory.at[d.chosen, "density"] < d.target:
        text += (
            f" No box on the peeling trajectory reaches the density asked for "
            f"({d.target:g}); this is the densest."
        )
    if first.trimmed:
        names = ", ".join(label_of(name) for name in first.trimmed)
        text += (
            f" PRIM's box also restricted {names}; those restrictions were dropped as not "
            "significant (quasi-p above 0.05)."
        )
    for k, box in enumerate(d.boxes[1:], start=2):
        text += (
            f" Box {k}, among the runs left, holds {pct(box.coverage)} more of them at "
            f"density {pct(box.density)}: {_where(box.limits, x)}."
        )
    together = np.logical_or.reduce([b.inside for b in d.boxes]) & d.cases
    if len(d.boxes) > 1:
        text += f" Together the boxes hold {pct(together.sum() / d.n_cases)} of the cases."
    if d.leaves:
        leaf = d.leaves[0]
        text += (
            f" CART's largest leaf of cases: {_where(leaf.limits, x)} "
            f"(coverage {pct(leaf.coverage)}, density {pct(leaf.density)})."
        )
    section.notes.append(text)


def _where(limits, x: pd.DataFrame) -> str:
    return f"where {box_words(limits, x)}" if limits else "anywhere in the sampled space"


def _method_note(res: Results, density: float, seed: int) -> str:
    try:
        version = metadata.version("ema_workbench")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        version = "?"
    points = res.runs["point"].nunique()
    return (
        f"How the boxes were found: every run is one case or not ({len(res.runs):,} runs at "
        f"{points:,} points; replicates count one by one, so noise lowers the density). "
        f"PRIM (Friedman and Fisher 1999) from the EMA Workbench {version}, peeling "
        f"{pct(PEEL_ALPHA)} of the runs at a time down to {pct(MASS_MIN)} of them; among "
        f"the boxes with a density of at least {density:g} (`[report] density`) the chosen "
        "one has the best balance of coverage and density (their harmonic mean); up to "
        f"{MAX_BOXES} boxes are sought, "
        "each among the runs outside the earlier ones; a box's restrictions with a "
        f"quasi-p value above {QUASI_P:g} are dropped (Bryant and Lempert 2010). "
        "CART: scikit-learn's decision tree, "
        f"depth {TREE_DEPTH}, leaves of at least {pct(MASS_MIN)} of the runs, seed {seed}; "
        "splits whose two sides end the same way are merged."
    )


# -- tables --------------------------------------------------------------------------------------


def _comparison(found: list[Discovery], x: pd.DataFrame, section: Section) -> None:
    if not found:
        return
    rows = []
    for d in found:
        n = len(d.cases)
        if d.boxes:
            box = d.boxes[0]
            where = box_words(box.limits, x)
            stats = [pct(box.coverage), pct(box.density), pct(box.mass)]
        else:
            where, stats = "(no box)", ["", "", ""]
        rows.append(
            [d.name, f"`{d.condition}`", f"{d.n_cases:,} ({pct(d.n_cases / n)})", where, *stats]
        )
    section.tables.append(
        (
            "Where each condition holds: PRIM's first box",
            markdown_table(
                [
                    "case",
                    "condition",
                    "runs that are cases",
                    "box 1",
                    "coverage",
                    "density",
                    "mass",
                ],
                rows,
            ),
        )
    )
    if len(found) < 2:
        return
    main = found[0]
    for other in found[1:]:
        both = (main.cases & other.cases).sum()
        agree = (main.cases == other.cases).mean()
        text = (
            f"{main.name} and {other.name} agree on {pct(agree)} of the runs; "
            f"{both:,} runs are cases of both"
        )
        if main.n_cases:
            text += f" ({pct(both / main.n_cases)} of the {main.name} cases)"
        if main.boxes and other.n_cases:
            held = (main.boxes[0].inside & other.cases).sum() / other.n_cases
            text += f"; the first box of {main.name} holds {pct(held)} of the {other.name} cases"
        section.notes.append(text + ".")


def _condition_tables(d: Discovery, x: pd.DataFrame, section: Section) -> None:
    if not d.boxes:
        return
    rows = [
        [
            str(k),
            box_words(box.limits, x),
            f"{int(box.inside.sum()):,}",
            pct(box.coverage),
            pct(box.density),
            pct(box.mass),
        ]
        for k, box in enumerate(d.boxes, start=1)
    ]
    section.tables.append(
        (
            f"{d.name}: PRIM's boxes",
            markdown_table(["box", "where", "runs", "coverage", "density", "mass"], rows),
        )
    )
    first = d.boxes[0]
    if first.limits:
        rows = []
        for name, limit in first.limits.items():
            coverage, density = first.dropped[name]
            rows.append(
                [
                    param_label(name),
                    _sampled(x[name]),
                    limit_words(name, limit, x),
                    f"{pct(coverage)}, {pct(density)}",
                    _p_text(first.quasi_p.get(name)),
                ]
            )
        section.tables.append(
            (
                f"{d.name}: box 1 restriction by restriction",
                markdown_table(
                    [
                        "parameter",
                        "sampled",
                        "in the box",
                        "without this restriction: coverage, density",
                        "quasi-p",
                    ],
                    rows,
                )
                + "\n\nThe quasi-p value is the chance that the box would be as dense as it is "
                "without that restriction; each is below 0.05, or the restriction would have "
                "been dropped.",
            )
        )
    if d.leaves:
        rows = [
            [
                box_words(leaf.limits, x),
                f"{int(leaf.inside.sum()):,}",
                pct(leaf.coverage),
                pct(leaf.density),
            ]
            for leaf in d.leaves
        ]
        section.tables.append(
            (
                f"{d.name}: CART's leaves where cases are the majority",
                markdown_table(["where", "runs", "coverage", "density"], rows),
            )
        )


def _p_text(value: float | None) -> str:
    if value is None:
        return ""
    return "below 0.001" if value < 0.001 else f"{value:.3f}"


def _sampled(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "on, off"
    if pd.api.types.is_numeric_dtype(column):
        return f"{column.min():.3g} to {column.max():.3g}"
    return ", ".join(sorted(column.astype(str).unique()))


# -- figures -------------------------------------------------------------------------------------


def _trajectory_figure(res: Results, found: list[Discovery], section: Section) -> None:
    drawn = [d for d in found if not d.trajectory.empty]
    if not drawn:
        return
    fig = new_figure(5.0 * len(drawn), 4.2)
    axes = fig.subplots(1, len(drawn), squeeze=False).ravel()
    top = int(max(d.trajectory["res_dim"].max() for d in drawn))
    norm = BoundaryNorm(np.arange(-0.5, top + 1.5), colormaps[HEATMAP_CMAP].N)
    for ax, d in zip(axes, drawn, strict=True):
        t = d.trajectory
        ax.plot(t["coverage"], t["density"], color="0.6", linewidth=0.8, zorder=1)
        dots = ax.scatter(
            t["coverage"],
            t["density"],
            c=t["res_dim"],
            cmap=HEATMAP_CMAP,
            norm=norm,
            s=18,
            zorder=2,
        )
        chosen = t.loc[d.chosen]
        ax.scatter(
            [chosen["coverage"]],
            [chosen["density"]],
            s=160,
            facecolors="none",
            edgecolors="black",
            linewidths=1.8,
            zorder=3,
            label="box chosen on the trajectory",
        )
        first = d.boxes[0]
        if first.trimmed:
            ax.scatter(
                [first.coverage],
                [first.density],
                s=90,
                marker="D",
                facecolors="white",
                edgecolors="black",
                linewidths=1.5,
                zorder=4,
                label="box 1, insignificant restrictions dropped",
            )
        ax.annotate(
            f"box 1: coverage {first.coverage:.2f},\ndensity {first.density:.2f}, "
            f"{len(first.limits)} restricted",
            (chosen["coverage"], chosen["density"]),
            xytext=(-10, -34),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
        ax.axhline(
            d.target, color="black", linestyle="--", linewidth=0.8, label="density asked for"
        )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("coverage (share of the cases in the box)")
        ax.set_ylabel("density (share of the box's runs that are cases)")
        ax.set_title(f"{d.name}: {d.condition}", fontsize=9)
        ax.grid(alpha=0.3)
    legend = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.legend(legend.values(), legend.keys(), loc="outside lower center", ncols=3, frameon=False)
    bar = fig.colorbar(dots, ax=list(axes), ticks=range(top + 1), shrink=0.8)
    bar.set_label("parameters restricted")
    path = save(fig, res, "peeling.png")
    section.figures.append(
        (
            path,
            "PRIM's peeling trajectory: each dot is a box, from the whole space (right, "
            "coverage 1) to ever smaller boxes (left); the colour counts the parameters it "
            "restricts. The ring marks the box chosen on it: the best balance of coverage "
            "and density above the dashed line; a diamond, that box once the restrictions "
            "that add nothing significant are dropped.",
        )
    )


def _tree_figure(res: Results, d: Discovery | None, section: Section) -> None:
    if d is None:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from sklearn.tree import plot_tree

    leaves = d.tree.get_n_leaves()
    fig = new_figure(max(7.0, 2.3 * leaves), 4.8)
    FigureCanvasAgg(fig)  # plot_tree measures its text with the canvas's renderer
    ax = fig.subplots()
    plot_tree(
        d.tree,
        feature_names=d.features,
        class_names=["other", d.name],
        filled=True,
        impurity=False,
        rounded=True,
        ax=ax,
        fontsize=7,
    )
    path = save(fig, res, "tree.png")
    section.figures.append(
        (
            path,
            f"CART's tree for {d.name}: each box tests one parameter (true goes left); a leaf "
            "gives its runs (samples), how many are not cases and cases (value), and the "
            "majority (class); the deeper the colour, the clearer the majority.",
        )
    )

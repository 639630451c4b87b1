"""Reports of experiment results (experiments/report.py, experiments/sensitivity.py).

Results folders are built here by hand, following the layout of docs/experiments.md: a few
tiny runs of the model itself, or rows made up with a known answer. The report must draw
the figures it names, get the confidence intervals, the Bass curve and the Sobol indices
right, and tabulate the means.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.sample import sobol as saltelli

from experiments.report import bass_curve, mean_ci, read_results, summarize, write_report
from experiments.sensitivity import infer_order, sobol_indices
from sim import NetworkingModel, defaults

PNG = b"\x89PNG\r\n\x1a\n"


def spec_text(kind: str, vary: str, report: str = "", name: str = "tiny") -> str:
    return (
        f'name = "{name}"\ntitle = "A tiny test"\nquestion = "Does the report work?"\n'
        f'description = "Made by hand in a test."\nseed = 1\nsteps = 12\nreplicates = 3\n'
        f'\n[vary]\n{vary}\n\n[report]\nkind = "{kind}"\n{report}\n'
    )


def write_part(directory, run_id: str, frame: pd.DataFrame) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(directory / f"part-{run_id}.parquet", index=False)


def run_rows(
    folder,
    text: str,
    points: list[dict],
    replicates: int = 3,
    steps: int = 12,
    fixed: dict | None = None,
) -> None:
    """Run the model at each point, as the runner does, and write the documented layout."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.toml").write_text(text)
    for point, varied in enumerate(points):
        for rep in range(replicates):
            params = {**defaults(), "n_agents": 40, "mean_degree": 4, **(fixed or {}), **varied}
            params.pop("graph")
            seed = 1000 * point + rep
            start = time.perf_counter()
            model = NetworkingModel(rng=seed, **params)
            model.run_for(steps)
            frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
            run_id = f"p{point:04d}-r{rep:02d}"
            half = np.flatnonzero(frame["faded_broadcasters"].to_numpy() >= 0.5)
            ts = frame.assign(run_id=run_id, point=point, replicate=rep, step=frame.index)
            write_part(folder / "timeseries.parquet", run_id, ts)
            row = {
                "run_id": run_id,
                "point": point,
                "replicate": rep,
                "seed": seed,
                **params,
                "steps": steps,
                **frame.iloc[-1].to_dict(),
                "time_to_half_faded": float(half[0]) if len(half) else None,
                "wall_s": time.perf_counter() - start,
            }
            write_part(folder / "runs.parquet", run_id, pd.DataFrame([row]))


def figures_of(report: str) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\((figures/[^)]+\.png)\)", report)


def check_report(folder) -> str:
    path = write_report(folder)
    assert path == folder / "report.md"
    text = path.read_text()
    figures = figures_of(text)
    assert figures, "the report names no figure"
    for name in figures:
        png = (folder / name).read_bytes()
        assert png.startswith(PNG) and len(png) > 2000, name
    for heading in (
        "# A tiny test",
        "**Question.** Does the report work?",
        "## Results",
        "## The spec",
        "```toml",
        "## How this was made",
        "cores",
        "Python",
    ):
        assert heading in text, heading
    return text


# -- statistics ------------------------------------------------------------------------------


def test_mean_ci_is_mean_plus_or_minus_1_96_standard_errors():
    mean, half, n = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0, float("nan")])
    # sd = sqrt(2.5) = 1.5811, se = sd / sqrt(5) = 0.70711, half = 1.96 se = 1.38593
    assert (mean, n) == (3.0, 5)
    assert half == pytest.approx(1.385929, abs=1e-6)
    assert mean_ci([0.4, 0.4]) == (0.4, 0.0, 2)
    one = mean_ci([7.0])
    assert one[0] == 7.0 and math.isnan(one[1]) and one[2] == 1
    assert mean_ci([float("nan")])[2] == 0


def test_summarize_agrees_with_mean_ci_per_group():
    values = pd.Series([1.0, 2.0, 3.0, 10.0, 14.0, np.nan])
    keys = pd.Series(["a", "a", "a", "b", "b", "b"])
    out = summarize(values, keys)
    for key in ("a", "b"):
        mean, half, n = mean_ci(values[keys == key])
        assert out.loc[key, "mean"] == pytest.approx(mean)
        assert out.loc[key, "half"] == pytest.approx(half)
        assert out.loc[key, "n"] == n
    assert out.loc["b", "runs"] == 3 and out.loc["b", "n"] == 2


def test_bass_curve_against_hand_computed_values():
    # p = 0.5, q = 0: half of the rest every step
    assert bass_curve(0.5, 0.0, 3).tolist() == [0.0, 0.5, 0.75, 0.875]
    # p = 0.03, q = 0.38, by hand:
    # F1 = 0 + 0.03 * 1                                   = 0.03
    # F2 = 0.03 + (0.03 + 0.38 * 0.03) * 0.97             = 0.03 + 0.0414 * 0.97 = 0.070158
    # F3 = 0.070158 + (0.03 + 0.38 * 0.070158) * 0.929842 = 0.122843...
    f = bass_curve(0.03, 0.38, 3)
    assert f[0] == 0.0 and f[1] == pytest.approx(0.03, abs=1e-12)
    assert f[2] == pytest.approx(0.070158, abs=1e-9)
    assert f[3] == pytest.approx(0.070158 + (0.03 + 0.38 * 0.070158) * 0.929842, abs=1e-9)
    assert f[3] == pytest.approx(0.1228, abs=5e-5)  # docs/model.md, section 7.13


def test_sobol_finds_the_input_that_dominates_an_additive_function():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = saltelli.sample(problem, 256, calc_second_order=False, seed=3)
    y = 5 * x[:, 0] + 1 * x[:, 1] + 0.2 * x[:, 2]
    si = sobol_indices(["a", "b", "c"], y, seed=3)
    # uniform inputs: Var = c^2 / 12, so S1 = c^2 / sum(c^2) = 25 / 26.04, 1 / 26.04, ...
    assert si["S1"].idxmax() == "a" and si["ST"].idxmax() == "a"
    assert si.loc["a", "S1"] == pytest.approx(25 / 26.04, abs=0.05)
    assert si.loc["b", "S1"] == pytest.approx(1 / 26.04, abs=0.05)
    assert (si["S1_conf"] > 0).all() and (si["ST_conf"] > 0).all()
    with pytest.raises(ValueError, match="multiple of 5"):
        sobol_indices(["a", "b", "c"], y[:-1])


def test_infer_order_reads_the_inputs_order_from_the_points():
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    x = saltelli.sample(problem, 8, calc_second_order=False, seed=0)
    points = pd.DataFrame(x, columns=["a", "b", "c"])
    assert infer_order(points, ["c", "a", "b"]) == ["a", "b", "c"]


# -- whole reports ---------------------------------------------------------------------------


def test_heatmap_report_with_its_table(tmp_path):
    folder = tmp_path / "heat"
    text = spec_text(
        "heatmap",
        "habituation = [0.0, 0.5]\nbroadcaster_share = [0.3, 0.6]",
        'x = "habituation"\ny = "broadcaster_share"\n'
        'outcomes = ["faded_broadcasters", "time_to_half_faded"]',
    )
    points = [{"habituation": h, "broadcaster_share": b} for h in (0.0, 0.5) for b in (0.3, 0.6)]
    run_rows(folder, text, points)
    report = check_report(folder)
    assert figures_of(report) == [
        "figures/heatmap_faded_broadcasters.png",
        "figures/heatmap_time_to_half_faded.png",
    ]
    assert "CI" in report or "confidence" in report
    runs = read_results(folder).runs
    for point in range(4):
        mean, half, _ = mean_ci(runs.loc[runs["point"] == point, "faded_broadcasters"])
        cell = f"{mean:.3f}" if math.isnan(half) else f"{mean:.3f} ± {half:.3f}"
        b, h = points[point]["broadcaster_share"], points[point]["habituation"]
        assert re.search(rf"^\| {h:g} \| {b:g} \| 3 \| {re.escape(cell)} \|", report, re.M), cell
    assert "Runs: 12 (4 parameter points, 3 replicates each, 12 steps per run)" in report


def test_timeseries_report_draws_both_families(tmp_path):
    folder = tmp_path / "ts"
    run_rows(
        folder,
        spec_text("timeseries", "habituation_on = [true, false]"),
        [{"habituation_on": True}, {"habituation_on": False}],
    )
    report = check_report(folder)
    assert figures_of(report) == ["figures/timeseries.png"]
    assert "summed over steps 1 to 10" in report and "reach_broadcasters" in report


def test_categories_report_pairs_the_families_and_adds_their_gap(tmp_path):
    folder = tmp_path / "cat"
    text = spec_text(
        "categories",
        'network = ["ring", "karate"]',
        'outcomes = ["trust_in_broadcasters", "trust_in_interactors", "faded_broadcasters"]',
    )
    run_rows(folder, text, [{"network": "ring"}, {"network": "karate"}])
    report = check_report(folder)
    assert figures_of(report) == ["figures/categories.png"]
    assert "| network | runs | trust_in_broadcasters | trust_in_interactors | trust_gap |" in report
    runs = read_results(folder).runs
    ring = runs[runs["network"] == "ring"]
    gap = mean_ci(ring["trust_in_interactors"] - ring["trust_in_broadcasters"])
    assert f"{gap[0]:.3f} ± {gap[1]:.3f}" in report


def test_response_report(tmp_path):
    folder = tmp_path / "resp"
    text = spec_text(
        "response",
        "attention_budget = [2, 8]\nbroadcaster_share = [0.2, 0.6]",
        'x = "attention_budget"\noutcomes = ["noticed_share_interactors"]',
    )
    points = [{"attention_budget": a, "broadcaster_share": b} for a in (2, 8) for b in (0.2, 0.6)]
    run_rows(folder, text, points, replicates=2)
    report = check_report(folder)
    assert figures_of(report) == ["figures/response.png"]
    assert "one line per value of broadcaster_share" in report


def test_bass_report_prints_the_largest_gap(tmp_path, capsys):
    folder = tmp_path / "bass"
    text = spec_text("bass", "bass_q = [0.38]")
    fixed = {"conversion_rule": "bass", "network": "complete", "n_agents": 500}
    run_rows(folder, text, [{"bass_q": 0.38}], replicates=4, steps=8, fixed=fixed)
    report = check_report(folder)
    printed = capsys.readouterr().out
    match = re.search(r"Largest gap .*?: (0\.\d{4}) at step (\d+)", printed)
    assert match and match.group(0) in report
    ts = read_results(folder).ts
    mean = ts.groupby("step")["converted_share"].mean().to_numpy()
    assert float(match.group(1)) == pytest.approx(
        np.max(np.abs(mean - bass_curve(0.03, 0.38, 8))), abs=1e-4
    )
    assert "| 1 | 0.0300 |" in report  # the table has F_1


def test_sobol_report_on_rows_with_a_known_answer(tmp_path):
    """Made-up rows: 'faded_broadcasters' depends almost only on habituation; trust on
    recovery only. Two replicates per point (different noise) are averaged first."""
    folder = tmp_path / "sobol"
    text = spec_text(
        "sobol",
        "habituation = { from = 0.0, to = 0.5 }\n"
        "recovery = { from = 0.01, to = 0.1 }\n"
        "attention_budget = { from = 2, to = 9 }",
        'outcomes = ["faded_broadcasters", "trust_in_broadcasters", "trust_in_interactors"]',
    )
    text = text.replace("[vary]", '[sample]\nmethod = "sobol"\nn = 32\n\n[vary]')
    problem = {
        "num_vars": 3,
        "names": ["habituation", "recovery", "attention_budget"],
        "bounds": [[0.0, 0.5], [0.01, 0.1], [1.5, 9.5]],
    }
    x = saltelli.sample(problem, 32, calc_second_order=False, seed=1)
    rng = np.random.default_rng(0)
    folder.mkdir()
    (folder / "spec.toml").write_text(text)
    for point, (h, r, a) in enumerate(x):
        for rep in range(2):
            run_id = f"p{point:04d}-r{rep:02d}"
            row = {
                "run_id": run_id,
                "point": point,
                "replicate": rep,
                "seed": rep,
                "habituation": h,
                "recovery": r,
                "attention_budget": int(round(a)),
                "steps": 200,
                "faded_broadcasters": 2 * h + 0.01 * a + rng.normal(0, 0.01),
                "trust_in_broadcasters": 0.5,
                "trust_in_interactors": 0.5 + 3 * r,
                "time_to_half_faded": None,
                "wall_s": 0.1,
            }
            write_part(folder / "runs.parquet", run_id, pd.DataFrame([row]))
    report = check_report(folder)
    assert figures_of(report) == ["figures/sobol.png"]
    table = report.split("### Sobol indices of faded_broadcasters")[1].split("###")[0]
    s1 = {m[0]: float(m[1]) for m in re.findall(r"^\| (\w+) \| (-?[\d.]+) ±", table, re.M)}
    assert max(s1, key=s1.get) == "habituation" and s1["habituation"] > 0.8
    gap = report.split("### Sobol indices of trust_gap")[1].split("###")[0]
    assert float(re.search(r"^\| recovery \| ([\d.]+) ±", gap, re.M).group(1)) > 0.9
    assert "trust_in_broadcasters: the same value (0.500) at every point" in report
    assert "no indices" in report


SHIPPED = sorted((Path(__file__).resolve().parents[1] / "experiments").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_experiment_runs_at_its_quick_size_and_reports(path, tmp_path):
    from experiments.execute import run_spec
    from experiments.spec import load_spec

    spec = load_spec(path, quick=True)
    summary = run_spec(spec, tmp_path / path.stem, serial=True)
    assert summary.ran == spec.n_runs > 0
    report = write_report(tmp_path / path.stem)
    text = report.read_text()
    assert text.startswith(f"# {spec.title}")
    figures = re.findall(r"\]\((figures/[^)]+\.png)\)", text)
    assert figures, "the report shows no figure"
    for figure in figures:
        assert (report.parent / figure).stat().st_size > 5_000, figure

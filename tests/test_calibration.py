"""Calibration against published targets (experiments.calibration, [report] kind =
"calibration"): the measures read off a run, the fitted range, the spec's checks, and the
shipped calibration specs at their quick size."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from experiments import SpecError, parse_spec
from experiments.calibration import fitted_range, measure

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "experiments").glob("calibrate_*.toml"))


def test_each_measure_counts_steps_as_it_says():
    steps = np.arange(8)
    falling = np.array([1.0, 0.8, 0.64, 0.51, 0.41, 0.33, 0.5, 0.9])
    assert measure("halving", steps, falling) == 4
    # campaign to step 5 (lost 0.67), then it comes back: half regained (0.665) at step 7
    assert measure("regain_half", steps, falling, end=5) == 2
    recall = np.array([0.0, 0.2, 0.4, 0.3, 0.1, 0.03, 0.02, 0.01])
    assert measure("fall_to_tenth", steps, recall, end=2) == 3  # 0.03 <= 0.04, 3 steps on
    assert math.isnan(measure("halving", steps, np.ones(8)))
    assert math.isnan(measure("fall_to_tenth", steps, recall, end=20))  # no such step
    with pytest.raises(ValueError, match="one of"):
        measure("doubling", steps, falling, end=1)


def test_the_fitted_range_is_where_the_curve_is_inside_the_band():
    x = [0.1, 0.2, 0.3, 0.4]
    assert fitted_range(x, [20, 10, 5, 2], 3, 10) == pytest.approx((0.2, 0.3 + 0.1 * 2 / 3))
    assert fitted_range(x, [20, 18, 16, 14], 3, 10) is None
    assert fitted_range(x, [1, 5, 1, np.nan], 3, 10) == pytest.approx((0.15, 0.25))


TARGET = """
name = "cal"
seed = 1
steps = 20
replicates = 1
[fixed]
n_agents = 30
campaign_steps = 5
[vary]
recovery = [0.1, 0.3]
[output]
every = 1
reporters = ["attention_to_broadcasters"]
[report]
kind = "calibration"
[report.target]
measure = "regain_half"
series = "attention_to_broadcasters"
low = 1
high = 3
source = "a study"
"""


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        (("recovery = [0.1, 0.3]", "recovery = [0.1, 0.3]\nhabituation = [0.1, 0.2]"),
         "vary", "one rate"),
        (('measure = "regain_half"', 'measure = "doubling"'), "report.target.measure", "one of"),
        (('series = "attention_to_broadcasters"', 'series = "recall_of_broadcasters"'),
         "report.target.series", "not a kept reporter"),
        (("high = 3", "high = 0.5"), "report.target.high", "larger than low"),
        (('source = "a study"\n', ""), "report.target.source", "missing"),
        (("campaign_steps = 5\n", ""), "report.target.measure", "campaign_steps"),
        (('kind = "calibration"', 'kind = "heatmap"'),
         "report.target", 'only kind = "calibration"'),
    ],
)  # fmt: skip
def test_a_calibration_spec_is_checked_when_read(change, field, says):
    assert parse_spec(TARGET).report["kind"] == "calibration"
    with pytest.raises(SpecError) as info:
        parse_spec(TARGET.replace(*change))
    assert info.value.field == field and says in str(info.value)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_each_calibration_reports_its_target_and_the_fitted_rate(path, tmp_path):
    from experiments.execute import run_spec
    from experiments.report import write_report
    from experiments.spec import load_spec

    spec = load_spec(path, quick=True)
    run_spec(spec, tmp_path / path.stem, serial=True)
    text = write_report(tmp_path / path.stem).read_text()
    target = spec.report["target"]
    (rate,) = spec.varied
    note = next(line for line in text.splitlines() if line.startswith("- Target for"))
    assert f"`{target['series']}`" in note and target["source"] in note
    assert f"{target['low']:g} to {target['high']:g}" in note
    assert re.search(rf"Fitted: ({rate} from [\d.]+ to [\d.]+|no rate tried)", note)
    assert "figures/calibration.png" in text

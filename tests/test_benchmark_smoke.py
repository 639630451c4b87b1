"""The benchmark runs end to end at tiny sizes and prints its table (no timing checks)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is run from the checkout, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import TARGETS, main  # noqa: E402


def test_benchmark_main_prints_the_table(capsys, tmp_path):
    out_json = tmp_path / "bench.json"
    status = main(["--sizes", "200", "300", "--steps", "5", "--reference-sizes", "200",
                   "--json", str(out_json)])
    assert status == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert any(line.startswith("Machine:") for line in lines)
    rows = []  # (implementation, cells after it) for each table row
    for line in lines:
        for name in ("fast engine", "reference"):
            if line.startswith(name):
                rows.append((name, line[len(name):].split()))
    assert [(name, cells[0], cells[1]) for name, cells in rows] == [
        ("fast engine", "200", "5"), ("reference", "200", "5"), ("fast engine", "300", "5")]
    assert len(rows[0][1]) == 10 and rows[0][1][-1].endswith("x")  # speed-up at 200
    assert len(rows[2][1]) == 9  # no reference at 300: no speed-up
    for target in TARGETS:  # nothing at 10,000 or 100,000 here: reported, not judged
        assert f"[not measured] {target.text}" in text
    data = json.loads(out_json.read_text())
    assert [(r["implementation"], r["n"], r["steps"]) for r in data["results"]] == [
        ("fast", 200, 5), ("fast", 300, 5), ("reference", 200, 5)]
    assert all(r["agent_steps_per_s"] > 0 and r["traced_peak_mb"] > 0
               for r in data["results"])


def test_reference_runs_fewer_steps_at_large_sizes():
    from benchmarks.speed import reference_steps

    assert reference_steps(1_000, 200) == 200
    assert reference_steps(10_000, 200) == 20
    assert reference_steps(100_000, 10) == 5


def test_app_frame_benchmark_runs_and_reports(capsys):
    from benchmarks.app_frames import main as app_frames

    assert app_frames(["--people", "60", "--frames", "3"]) == 0
    out = capsys.readouterr().out
    assert "60 people, 3 frames" in out and "payload per frame" in out

"""The benchmarks run end to end at tiny sizes and print their tables; the browser ones
drive Chromium against a real server for a few seconds.

No timing checks: how fast something ran is the benchmarks' own business (they print the
numbers and judge them against their targets). Here a time or a speed must only be a
measured number (finite, not negative); counts, sizes and structure are checked as usual.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is run from the checkout, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks import TARGETS, main  # noqa: E402


def measured(value) -> bool:
    """A time or speed the benchmark measured: a finite number, not negative."""
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


def test_benchmark_main_prints_the_table(capsys, tmp_path):
    out_json = tmp_path / "bench.json"
    status = main(
        [
            "--sizes",
            "200",
            "300",
            "--steps",
            "5",
            "--reference-sizes",
            "200",
            "--json",
            str(out_json),
        ]
    )
    assert status == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert any(line.startswith("Machine:") for line in lines)
    rows = []  # (implementation, cells after it) for each table row
    for line in lines:
        for name in ("fast engine", "reference"):
            if line.startswith(name):
                rows.append((name, line[len(name) :].split()))
    assert [(name, cells[0], cells[1]) for name, cells in rows] == [
        ("fast engine", "200", "5"),
        ("reference", "200", "5"),
        ("fast engine", "300", "5"),
    ]
    assert len(rows[0][1]) == 10 and rows[0][1][-1].endswith("x")  # speed-up at 200
    assert len(rows[2][1]) == 9  # no reference at 300: no speed-up
    for target in TARGETS:  # nothing at 10,000 or 100,000 here: reported, not judged
        assert f"[not measured] {target.text}" in text
    data = json.loads(out_json.read_text())
    assert [(r["implementation"], r["n"], r["steps"]) for r in data["results"]] == [
        ("fast", 200, 5),
        ("fast", 300, 5),
        ("reference", 200, 5),
    ]
    assert all(
        measured(r["agent_steps_per_s"]) and r["traced_peak_mb"] > 0 for r in data["results"]
    )


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


# -- the browser benchmarks: tiny runs against one real server (they drive Chromium) -------


@pytest.fixture(scope="module")
def app_server():
    """One production server for both browser benchmark runs below."""
    from benchmarks.appserver import ARTIFACTS, serve

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with serve(production=True, log_path=ARTIFACTS / f"bench-smoke-server-{worker}.log") as s:
        yield s


def test_app_browser_measures_a_small_run(app_server, capsys, tmp_path):
    from benchmarks.app_browser import main as app_browser

    out_json = tmp_path / "app.json"
    # 60 people: not the default, so the page is opened with the link ?n_agents=60
    status = app_browser(
        [
            "--contexts",
            "1",
            "--people",
            "60",
            "--seconds",
            "1",
            "--warmup",
            "0.5",
            "--json",
            str(out_json),
        ],
        server=app_server,
    )
    text = capsys.readouterr().out
    assert status == 0, text
    assert "First render, 1 fresh contexts" in text and "Targets:" in text
    data = json.loads(out_json.read_text())
    first = data["first_render"]
    assert first["errors"] == [] and measured(first["cold_ms"])
    assert first["cold_complete_ms"] >= first["cold_ms"]
    (row,) = data["play"]
    assert row["people"] == 60 and row["error"] is None and row["page_errors"] == []
    assert row["speed_setting"] is not None and row["steps"] >= 1  # it played
    # each frame brings the network view's bytes and the charts' appends (kilobytes)
    assert row["ws_bytes_per_step"] > 1000 and row["ws_messages_per_step"] >= 2
    assert measured(row["server_cpu_ms_per_step"])
    # nothing at 300 or 2,000 people here: those targets are reported as not measured
    assert [t["met"] for t in data["targets"]][2:] == [None, None, None]


def test_classroom_load_two_tabs(app_server, capsys, tmp_path):
    from benchmarks.classroom_load import main as classroom_load

    out_json = tmp_path / "load.json"
    status = classroom_load(
        ["--tabs", "2", "--seconds", "1", "--warmup", "0.5", "--json", str(out_json)],
        server=app_server,
    )
    text = capsys.readouterr().out
    assert status == 0, text
    assert "No failures" in text
    data = json.loads(out_json.read_text())
    assert [t["tab"] for t in data["tabs"]] == [1, 2]
    for tab in data["tabs"]:
        assert tab["problems"] == [] and measured(tab["ready_ms"])
        assert measured(tab["steps_per_s"]) and tab["steps_per_s"] > 0  # it played
    assert data["frames"] > 0 and measured(data["server_cpu_ms_per_frame"])
    assert data["rss_loaded_mb"] > 50 and data["rss_peak_mb"] >= data["rss_loaded_mb"] - 1


@pytest.mark.parametrize(
    "module, argv, message",
    [
        ("classroom_load", ["--tabs", "0"], "must be from 1 to 60"),
        ("classroom_load", ["--seconds", "soon"], "not a number: 'soon'"),
        ("app_browser", ["--people", "5"], "must be from 10 to 3000"),
        ("app_browser", ["--contexts", "0"], "must be at least 1"),
        ("app_browser", ["--seconds", "0"], "must be more than 0"),
    ],
)
def test_browser_benchmarks_refuse_bad_arguments(module, argv, message, capsys):
    import importlib

    main = importlib.import_module(f"benchmarks.{module}").main
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_sweep_benchmark_measures_overhead_and_memory_on_a_few_runs():
    from benchmarks.sweep import memory, overhead

    o = overhead(2)
    # nested measurements: the model's time is part of the runs', which are part of the sweep
    assert o["runs"] == 2 and measured(o["model_s"]) and o["model_s"] > 0
    assert o["model_s"] <= o["runs_s"] <= o["sweep_s"]
    assert o["overhead"] == (o["runs_s"] - o["model_s"]) / o["model_s"]
    m = memory([2, 3])
    assert [r["runs"] for r in m] == [2, 3] and all(r["peak_mb"] > 50 for r in m)

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
import statistics
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


def _table(text: str) -> list[tuple[str, list[str]]]:
    """(implementation, cells after it) for each row of the printed table."""
    rows = []
    for line in text.splitlines():
        for name in ("fast engine", "reference"):
            if line.startswith(name):
                rows.append((name, line[len(name) :].split()))
    return rows


def test_benchmark_main_prints_the_table(capsys, tmp_path):
    from benchmarks.speed import COLUMNS

    out_json = tmp_path / "bench.json"
    status = main(
        [
            "--sizes",
            "200",
            "300",
            "--steps",
            "5",
            "--runs",
            "2",
            "--reference-sizes",
            "300",
            "--memory-sizes",
            "300",
            "--no-compile-check",  # its subprocesses are checked below, on the warm cache
            "--json",
            str(out_json),
        ]
    )
    assert status == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    machine = next(line for line in lines if line.startswith("Machine:"))
    assert all(f"{lib} " in machine for lib in ("Python", "numpy", "numba", "mesa"))
    load = next(line for line in lines if line.startswith("Load average"))
    assert "at the start" in load and "at the end" in load
    assert any(line.startswith("Warm-up in this process") for line in lines)
    # size by size, the fast engine first; every row has every column ("-" if not measured)
    rows = _table(text)
    assert [(name, cells[0], cells[1]) for name, cells in rows] == [
        ("fast engine", "200", "2x5"),
        ("fast engine", "300", "2x5"),
        ("reference", "300", "2x5"),
    ]
    assert all(len(cells) == len(COLUMNS) - 1 for _, cells in rows)
    vs_reference, peak = COLUMNS.index("vs reference") - 1, COLUMNS.index("peak MB") - 1
    assert rows[0][1][vs_reference] == "-" and rows[0][1][peak] == "-"  # no reference at 200
    assert rows[1][1][vs_reference].endswith("x") and rows[1][1][peak] != "-"
    assert rows[2][1][vs_reference] == "-"  # the ratio sits on the fast row
    # the targets at 300 people are judged; those at 1,000 and 100,000 are not measured
    judged = [
        t.text for t in TARGETS if t.text.startswith(("300 ", "set-up of a new model at 300"))
    ]
    assert len(judged) == 3
    for target in TARGETS:
        if target.text in judged:
            assert f"[met] {target.text}: " in text or f"[NOT MET] {target.text}: " in text
        else:
            assert f"[not measured] {target.text}" in text

    data = json.loads(out_json.read_text())
    assert measured(data["load_before"][0]) and measured(data["load_after"][0])
    assert data["compile"] is None and data["machine"]["numba"]
    results = data["results"]
    assert [(r["implementation"], r["n"], r["runs"], r["steps"]) for r in results] == [
        ("fast", 200, 2, 5),
        ("fast", 300, 2, 5),
        ("reference", 300, 2, 5),
    ]
    for r in results:
        assert len(r["setups_s"]) == len(r["run_means_s"]) == 2
        assert r["setup_s"] == statistics.median(r["setups_s"])
        assert r["step_mean_s"] == statistics.median(r["run_means_s"])
        assert measured(r["step_median_s"]) and measured(r["agent_steps_per_s"])
        assert measured(r["cpu_share"]) and r["cpu_share"] > 0
    # model.step() collects, and the collector's share is timed (None: a fast engine whose
    # step records without calling datacollector.collect)
    assert all(0 < r["collect_share"] < 1 for r in results if r["implementation"] == "reference")
    assert all(r["collect_share"] is None or 0 < r["collect_share"] < 1 for r in results)
    fast300 = results[1]
    assert fast300["ratio"] > 0 and fast300["ratio_steps"] == 5
    memory = fast300["memory"]
    assert memory["n"] == 300 and memory["steps"] == 5
    assert memory["baseline_mb"] > 50  # the interpreter, numpy, numba, mesa...
    assert measured(memory["peak_mb"]) and memory["traced_peak_mb"] > 0
    assert results[0]["memory"] is None
    assert [t is None for t in data["targets"].values()] == [t.text not in judged for t in TARGETS]
    assert all(isinstance(t["met"], bool) for t in data["targets"].values() if t is not None)


def _result(implementation, n, durations, setup=0.01, steps=None):
    from benchmarks.speed import Result

    steps = steps or len(durations[0])
    means = [statistics.fmean(d) for d in durations]
    r = Result(
        implementation=implementation,
        n=n,
        steps=steps,
        runs=len(durations),
        setup_s=setup,
        step_median_s=statistics.median(x for d in durations for x in d),
        step_mean_s=statistics.median(means),
        agent_steps_per_s=n / statistics.median(means),
        collect_share=0.1,
        cpu_share=1.0,
        run_means_s=means,
    )
    r.durations = durations
    return r


def test_the_ratio_compares_the_same_steps():
    from benchmarks.speed import fill_ratios

    # the fast engine's steps get slower after the third: a reference that ran three steps
    # is compared with the fast engine's first three, not with its mean of all six
    fast = _result("fast", 300, [[1.0, 1.0, 1.0, 9.0, 9.0, 9.0], [2.0, 2.0, 2.0, 9.0, 9.0, 9.0]])
    ref = _result("reference", 300, [[30.0, 30.0, 30.0]])
    other = _result("fast", 1_000, [[1.0, 1.0]])
    fill_ratios([fast, ref, other])
    assert fast.ratio_steps == 3 and fast.ratio == 30.0 / 1.5
    assert ref.ratio is None and other.ratio is None


def test_targets_judge_the_numbers_at_their_limits():
    # exactly at a limit counts as met ("at most"); a set-up must be under its limit
    results = [
        _result("fast", 300, [[0.15e-3] * 4], setup=0.019),
        _result("reference", 300, [[15 * 0.15e-3] * 4]),
        _result("fast", 1_000, [[0.31e-3] * 4], setup=0.05),
        _result("fast", 100_000, [[0.02] * 4], setup=1.0),
    ]
    results[3].memory = {"peak_mb": 300.0, "baseline_mb": 250.0, "traced_peak_mb": 200.0}
    from benchmarks.speed import fill_ratios

    fill_ratios(results)
    outcome = {t.text: t.check(results)[1] for t in TARGETS}
    assert list(outcome.values()) == [True, True, False, True, True, True, False]


def test_the_compile_check_times_a_fresh_process(tmp_path):
    from benchmarks.speed import format_compile, startup_time

    warm = startup_time(None)  # numba's default cache, warm after the runs above
    phases = [warm["import_s"], warm["model_s"], warm["step_s"]]
    assert all(measured(x) for x in phases)
    assert math.isclose(warm["total_s"], sum(phases), rel_tol=1e-6)
    cold = dict(warm, total_s=warm["total_s"] + 2.0)
    text = "\n".join(
        format_compile(
            {
                "cold": cold,
                "warm": warm,
                "compile_s": 2.0,
                "cached_functions": 7,
                "cached_signatures": 7,
            }
        )
    )
    assert "first run on a fresh install compiles for 2.0 s" in text
    assert f"later runs load the cache in {warm['total_s']:.2f} s" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--runs", "0"], "--runs must be at least 1"),
        (["--steps", "0"], "--steps must be at least 1"),
        (["--sizes", "300", "--memory-sizes", "1000"], "--memory-sizes must be among --sizes"),
        (["--sizes", "1"], "a size must be at least 2"),
    ],
)
def test_benchmark_refuses_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_reference_runs_fewer_steps_at_large_sizes():
    from benchmarks.speed import reference_steps

    assert reference_steps(300, 200) == 200
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


def test_replay_memory_benchmark_reports_what_a_run_keeps(capsys):
    from benchmarks.replay_memory import main as replay_main
    from benchmarks.replay_memory import measure

    result = measure(people=60, steps=12, overrides={})
    assert result["steps kept"] == 13 and result["first kept"] == 0
    # a byte a person, a byte a drawn tie, at most half a byte a tie for the messages
    per_step = result["KB a step"] * 1024
    assert 60 + result["drawn ties"] <= per_step <= 60 + 1.5 * result["drawn ties"] + 8
    for key in ("ms a frame (median)", "ms keeping a frame (median)", "ms a jump back (median)"):
        assert measured(result[key]), key
    replay_main(["--people", "40", "--steps", "5"])
    out = capsys.readouterr().out
    assert out.count("steps kept") == 2 and "everyone knows everyone" in out


def test_fair_share_benchmark_runs_both_cases_and_the_memory(capsys):
    from benchmarks.fair_share import main as fair_main

    assert fair_main(["--people", "60", "--heavy", "1", "--seconds", "1", "--renders", "1"]) == 0
    out = capsys.readouterr().out
    assert "without FAIR" in out and "with FAIR" in out
    assert "light tab, steps a second" in out and "first render" in out
    assert "its models freed:" in out and "then sweep()" in out


def test_fair_browser_runs_heavy_and_light_tabs_and_reads_the_memory(app_server, capsys, tmp_path):
    from benchmarks.fair_browser import main as fair_browser

    out_json = tmp_path / "fair.json"
    argv = ["--people", "100", "--heavy", "1", "--seconds", "3", "--warmup", "0.5"]
    argv += ["--renders", "1", "--after", "1", "2", "--json", str(out_json)]
    status = fair_browser(argv, server=app_server)
    text = capsys.readouterr().out
    assert status == 0, text
    assert text.startswith("Fair share in the browser: 1 heavy tabs (100 people")
    assert "Machine:" in text and "heavy link: /?n_agents=100&network=complete&compare=1" in text
    for part in ("light + heavy tabs playing", "nothing playing", "1 s after the heavy tabs"):
        assert part in text
    data = json.loads(out_json.read_text())
    light, heavy = data["tabs"]
    assert (light["tab"], light["people"], light["views"]) == ("light", 300, 1)
    assert (heavy["tab"], heavy["people"], heavy["views"]) == ("heavy 1", 100, 2)  # compare on
    assert all(t["problems"] == [] and measured(t["steps_per_s"]) for t in data["tabs"])
    assert all(measured(r["ms"]) for r in [data["render_cold"], *data["render_idle"]])
    assert all(measured(r["ms"]) for r in data["render_busy"])
    assert [r["after_s"] for r in data["after"]] == [1, 2]
    assert all(r["rss_mb"] > 50 and measured(r["server_cpu_share"]) for r in data["after"])
    assert data["rss_playing_mb"] > 50 and data["rss_before_mb"] > 50


def test_room_load_small_room(capsys, tmp_path):
    from benchmarks.room_load import main as room_load

    out_json = tmp_path / "room.json"
    argv = ["--students", "3", "--tabs", "1", "--warmup", "0.5", "--settle", "0.5"]
    status = room_load([*argv, "--spread", "0.5", "--timeout", "150", "--json", str(out_json)])
    text = capsys.readouterr().out
    assert status == 0, text
    assert text.startswith("Room load: 3 simulated students") and "No failures" in text
    data = json.loads(out_json.read_text())
    assert data["counts"] == {
        "joined": 3, "switched": 3, "predicted": 3, "checked": 3, "saw the tally": 3
    }  # fmt: skip
    assert data["problems"] == {} and all(s["problems"] == [] for s in data["students"])
    assert [s["answer"] for s in data["students"]] == ["a", "b", "c"]
    for key in ("moved", "opened", "prediction", "check", "revealed"):
        assert data[key]["n"] == 3 and measured(data[key]["median"]), key
    assert measured(data["join"]["all_seconds"]) and len(data["facilitator"]) == 6
    assert all(measured(v["server_cpu"]) for v in data["phases"].values())
    assert data["rss_joined_mb"] > 50 and data["rss_peak_mb"] >= data["rss_before_mb"] - 1


def test_checks_benchmark_times_each_check(capsys):
    from benchmarks.checks import main as checks_main
    from benchmarks.checks import time_check

    assert measured(time_check(1)) and measured(time_check(1, seeds=(11,)))
    assert checks_main(["--exercises", "1", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[1:-1]]
    assert [r[0] for r in rows] == ["1", "2"] and all(
        measured(float(x)) for r in rows for x in r[1:]
    )
    with pytest.raises(SystemExit):
        checks_main(["--exercises", "7"])  # exercise 7 has no check: said, not a traceback


def test_tournament_benchmark_plays_both_ways_and_the_preview(capsys):
    from benchmarks import tournament

    assert tournament.main(["--strategies", "3", "--replicates", "2"]) == 0
    out = capsys.readouterr().out
    assert "5 strategies" in out and "same leaderboard: True" in out
    seconds = [float(line.split(":")[1].split()[0]) for line in out.splitlines()[1:3]]
    assert all(measured(s) for s in seconds)
    assert "Try it" in out


def test_play_load_two_students_two_rounds(capsys, tmp_path):
    from benchmarks.play_load import main as play_load

    out_json = tmp_path / "play.json"
    argv = ["--students", "2", "--rounds", "2", "--round-seconds", "30", "--spread", "0.5"]
    status = play_load([*argv, "--people", "60", "--timeout", "150", "--json", str(out_json)])
    text = capsys.readouterr().out
    assert status == 0, text
    assert "No failures" in text
    data = json.loads(out_json.read_text())
    first = data["rounds"][0]["round"]
    assert [r["round"] for r in data["rounds"]] == [first, first + 1]
    for r in data["rounds"]:  # both pages saw each round close
        assert r["to_every_page"]["n"] == 2 and measured(r["to_every_page"]["max"])
    assert len(data["step_ms"]) == first + 1 and all(measured(ms) for ms in data["step_ms"])

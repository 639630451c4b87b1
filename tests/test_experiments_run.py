"""Running sweeps (experiments/execute.py, store.py, __main__.py): every backend gives the
same tables; a sweep killed with -9 and run again gives the tables of one never
interrupted; a run's numbers are the model's own; the command line says what is wrong."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import psutil
import pytest

import experiments.__main__ as cli
from experiments import load_spec, parse_spec
from experiments.execute import run_one, run_spec
from experiments.store import ResultsError, Store, read_runs, read_spec, read_timeseries
from sim import PARAMETERS, NetworkingModel

ROOT = Path(__file__).resolve().parents[1]

TINY = """
name = "tiny_run"
title = "A tiny sweep"
seed = 3
steps = 30
replicates = 2

[fixed]
n_agents = 40
mean_degree = 6

[vary]
habituation = [0.1, 0.4]
broadcaster_share = [0.3, 0.6]

[output]
every = 7
reporters = ["faded_broadcasters", "attention_to_broadcasters", "conversions_interactors"]

[quick]
steps = 9
replicates = 1
vary = { habituation = [0.4] }
"""

KEPT_STEPS = [0, 7, 14, 21, 28, 30]


def write_spec(folder: Path, text: str = TINY, name: str = "tiny_run.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def tables(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return read_runs(folder).drop(columns="wall_s"), read_timeseries(folder)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[Path, Path]:
    """(spec path, results folder) of the tiny spec run serially."""
    root = tmp_path_factory.mktemp("serial")
    path = write_spec(root)
    summary = run_spec(load_spec(path), root / "out", serial=True)
    assert (summary.total, summary.skipped, summary.ran) == (8, 0, 8)
    return path, root / "out"


# -- the results folder -------------------------------------------------------------------------
def test_the_results_folder_has_the_documented_layout(serial):
    path, folder = serial
    spec = load_spec(path)
    assert (folder / "spec.toml").read_text() == path.read_text()
    parts = sorted(p.name for p in (folder / "runs.parquet").iterdir())
    assert sorted(p.name for p in (folder / "timeseries.parquet").iterdir()) == parts
    # one part per batch of runs, named after its first run and how many it holds
    held = []
    for name in parts:
        ids = pd.read_parquet(folder / "runs.parquet" / name).run_id.tolist()
        assert name == f"part-{ids[0]}" + (f"-n{len(ids)}" if len(ids) > 1 else "") + ".parquet"
        series = pd.read_parquet(folder / "timeseries.parquet" / name)
        assert sorted(set(series.run_id)) == sorted(ids)
        held += ids
    assert held == [r.run_id for r in spec.runs()]  # each run once, batches in order
    assert len(parts) < len(held)  # runs were batched
    runs = read_runs(folder)
    params = [name for name, p in PARAMETERS.items() if p.kind != "graph"]
    assert list(runs.columns) == [
        "run_id",
        "point",
        "replicate",
        "seed",
        *params,
        "steps",
        *spec.reporters,
        "time_to_half_faded",
        "wall_s",
    ]
    assert list(runs.run_id) == [r.run_id for r in spec.runs()]
    assert list(runs.seed) == [r.seed for r in spec.runs()]
    assert (runs.steps == 30).all() and (runs.wall_s > 0).all()
    assert runs.n_agents.dtype == np.int64 and runs.habituation_on.dtype == bool
    # half the broadcasters fade within 30 steps at habituation 0.4, not at 0.1
    assert runs.time_to_half_faded[runs.habituation == 0.4].notna().all()
    assert runs.time_to_half_faded[runs.habituation == 0.1].isna().all()
    series = read_timeseries(folder)
    assert list(series.columns) == ["run_id", "point", "replicate", "step", *spec.reporters]
    assert len(series) == 8 * len(KEPT_STEPS)
    for run_id, steps in series.groupby("run_id").step:
        assert list(steps) == KEPT_STEPS, run_id
    # pandas reads the folders directly too
    assert len(pd.read_parquet(folder / "runs.parquet")) == 8
    assert read_spec(folder).identity() == spec.identity()


def test_a_run_equals_the_model_run_directly_and_through_batch_run(serial):
    path, folder = serial
    spec = load_spec(path)
    run = spec.runs()[5]
    stored = read_runs(folder).set_index("run_id").loc[run.run_id]
    stored_series = read_timeseries(folder).query("run_id == @run.run_id")

    model = NetworkingModel(rng=run.seed, **run.params)
    model.run_for(spec.steps)
    direct = model.datacollector.get_model_vars_dataframe()
    batch = pd.DataFrame(
        mesa.batch_run(
            NetworkingModel,
            run.params,
            rng=[run.seed],
            max_steps=spec.steps,
            data_collection_period=1,
            number_processes=1,
            display_progress=False,
        )
    )
    assert len(direct) == len(batch) == spec.steps + 1
    for name in spec.reporters:
        assert stored[name] == direct[name].iloc[-1] == batch[name].iloc[-1], name
        assert stored_series[name].tolist() == direct[name].iloc[KEPT_STEPS].tolist(), name
        assert batch[name].tolist() == direct[name].tolist(), name
    faded = direct.faded_broadcasters.to_numpy()
    assert stored.time_to_half_faded == np.flatnonzero(faded >= 0.5)[0]
    row, series = run_one(run, spec.steps, spec.every, spec.reporters)
    assert {k: v for k, v in row.items() if k != "wall_s"} == {
        k: v for k, v in stored.to_dict().items() if k != "wall_s"
    } | {"run_id": run.run_id}


def test_a_run_equals_the_same_run_in_the_classroom_app_and_its_link(serial):
    """The app's run (what a link with the run's seed and parameters opens) gives the same
    numbers as the sweep's."""
    from classroom.run import ClassroomRun
    from classroom.share import Setup, from_query, to_query

    path, folder = serial
    spec = load_spec(path)
    run = spec.runs()[3]
    stored = read_runs(folder).set_index("run_id").loc[run.run_id]
    setup, problems = from_query(to_query(Setup(params=dict(run.params), seed=run.seed)))
    assert problems == []
    app_run = ClassroomRun(params=setup.params, seed=setup.seed)
    app_run.step(spec.steps)
    for name in spec.reporters:
        assert app_run.model.datacollector.model_vars[name][-1] == stored[name], name


# -- backends ---------------------------------------------------------------------------------
def test_two_processes_give_the_serial_tables(serial, tmp_path):
    path, folder = serial
    summary = run_spec(load_spec(path), tmp_path / "out", workers=2)
    assert summary.ran == 8 and summary.backend == "2 processes"
    for mine, theirs in zip(tables(tmp_path / "out"), tables(folder), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def test_a_dask_cluster_gives_the_serial_tables(serial, tmp_path):
    from distributed import LocalCluster

    path, folder = serial
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = run_spec(load_spec(path), tmp_path / "out", scheduler=cluster.scheduler_address)
    assert summary.ran == 8 and summary.backend.startswith("dask tcp://")
    for mine, theirs in zip(tables(tmp_path / "out"), tables(folder), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def test_no_scheduler_at_the_address_is_said_clearly(serial, tmp_path, monkeypatch):
    from experiments import execute

    monkeypatch.setattr(execute, "CONNECT_TIMEOUT", "1s")
    path, _ = serial
    with pytest.raises(execute.BackendError, match="cannot reach the Dask scheduler"):
        run_spec(load_spec(path), tmp_path / "out", scheduler="tcp://127.0.0.1:9")


# -- resuming -------------------------------------------------------------------------------------
KILL = """
name = "kill_me"
seed = 5
steps = 100
replicates = 4

[fixed]
n_agents = 300

[vary]
habituation = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]

[output]
every = 40
reporters = ["faded_broadcasters", "trust_in_interactors"]
"""


def test_a_sweep_killed_with_sigkill_resumes_to_the_uninterrupted_tables(tmp_path):
    path = write_spec(tmp_path, KILL, "kill_me.toml")
    spec = load_spec(path)
    folder = tmp_path / "killed"
    runs_dir = folder / "runs.parquet"
    log = open(tmp_path / "log.txt", "w")  # noqa: SIM115 - closed below
    sweep = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "experiments",
            "run",
            str(path),
            "--out",
            str(folder),
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        parts = 0
        while time.monotonic() < deadline and sweep.poll() is None:
            parts = len(list(runs_dir.glob("part-*.parquet"))) if runs_dir.exists() else 0
            if parts >= 3:
                break
            time.sleep(0.01)
        assert sweep.poll() is None, (tmp_path / "log.txt").read_text()
        workers = psutil.Process(sweep.pid).children(recursive=True)
        os.kill(sweep.pid, signal.SIGKILL)
        assert sweep.wait(timeout=10) == -signal.SIGKILL
    finally:
        if sweep.poll() is None:
            sweep.kill()
        log.close()
    assert len(workers) >= 2
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "worker processes outlived the killed sweep"
    before = Store(folder).done()
    assert 3 <= len(before) < spec.n_runs, (parts, len(before))

    resumed = run_spec(spec, folder, workers=2)
    assert (resumed.skipped, resumed.ran) == (len(before), spec.n_runs - len(before))
    assert not [p for p in runs_dir.iterdir() if not p.name.startswith("part-")]
    whole = run_spec(spec, tmp_path / "whole", serial=True)
    assert whole.ran == spec.n_runs
    runs, series = tables(folder)
    assert runs.run_id.is_unique and len(runs) == spec.n_runs
    assert not series.duplicated(["run_id", "step"]).any()
    for mine, theirs in zip((runs, series), tables(tmp_path / "whole"), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def test_ctrl_c_stops_the_workers_and_leaves_whole_parts(tmp_path):
    spec = load_spec(write_spec(tmp_path, KILL, "kill_me.toml"))
    workers, reported = [], []

    def interrupt_after_three(done, total):
        if done >= 3:  # batches after the first ones may hold several runs
            reported.append(done)
            me = psutil.Process()
            workers.extend(p for p in me.children(recursive=True) if p.ppid() != me.pid)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_spec(spec, tmp_path / "out", workers=2, progress=interrupt_after_three)
    assert len(workers) == 2
    gone, alive = psutil.wait_procs(workers, timeout=5)
    assert alive == []
    store = Store(tmp_path / "out")
    assert len(store.done()) == reported[0] < spec.n_runs
    # steps 0, 40, 80, 100 of each run done
    assert len(read_timeseries(tmp_path / "out")) == reported[0] * 4
    assert not [
        p for p in (tmp_path / "out" / "runs.parquet").iterdir() if not p.name.startswith("part-")
    ]


def test_a_rerun_of_a_finished_sweep_runs_nothing(serial, tmp_path):
    path, folder = serial
    summary = run_spec(load_spec(path), folder, serial=True)
    assert (summary.skipped, summary.ran) == (8, 0)


def test_any_batching_gives_the_same_tables(serial, tmp_path, monkeypatch):
    """Runs are cut into batches by how long the last batch took; however they are cut,
    the tables are those of one run at a time."""
    from experiments import execute

    path, folder = serial
    spec = load_spec(path)
    monkeypatch.setattr(execute, "BATCH_SECONDS", 1e9)  # as many runs as allowed
    for most in (1, 3, 100):
        monkeypatch.setattr(execute, "MAX_BATCH", most)
        out = tmp_path / f"most{most}"
        run_spec(spec, out, serial=True)
        parts = list((out / "runs.parquet").iterdir())
        # one run first, then as many as allowed (one process: no sharing out at the end)
        assert len(parts) == {1: 8, 3: 4, 100: 2}[most]
        for mine, theirs in zip(tables(out), tables(folder), strict=True):
            pd.testing.assert_frame_equal(mine, theirs)


def test_batches_start_with_one_run_then_fit_the_time_and_shrink_at_the_end(monkeypatch):
    from experiments import execute
    from experiments.execute import Batches
    from experiments.store import Part

    monkeypatch.setattr(execute, "BATCH_SECONDS", 1.0)
    monkeypatch.setattr(execute, "MAX_BATCH", 50)
    runs = parse_spec(KILL.replace("replicates = 4", "replicates = 50")).runs()
    batches = Batches(runs, workers=2)
    sizes = [len(batches.take()) for _ in range(4)]
    assert sizes == [1, 1, 1, 1]  # nothing finished yet: one run each
    batches.record(Part(("a", "b"), b"", b"", seconds=0.2))  # 0.1 s a run
    assert len(batches.take()) == 10  # 1 s of runs
    batches.record(Part(("a",), b"", b"", seconds=0.001))
    assert len(batches.take()) == 50  # at most MAX_BATCH
    sizes, given = [], []
    while (batch := batches.take()) is not None:
        sizes.append(len(batch))
        given += batch
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1  # smaller to the end
    assert 4 + 10 + 50 + len(given) == len(runs)
    assert [r.run_id for r in given] == [r.run_id for r in runs[64:]]  # in order, each once


def test_a_batch_cut_off_before_its_runs_part_is_run_again(serial, tmp_path):
    """A sweep killed between a batch's two parts leaves a time series whose runs part
    never came: those runs are not done, the orphan part is removed when the sweep is
    resumed, and the resumed sweep's tables equal the uninterrupted ones."""
    from experiments.execute import run_batch
    from experiments.store import Store

    path, folder = serial
    spec = load_spec(path)
    runs = spec.runs()
    out = tmp_path / "out"
    args = (spec.steps, spec.every, spec.reporters)
    with Store(out) as store:
        store.open(spec)
        store.write_part(run_batch(runs[:3], *args))  # a whole batch of three
        cut = run_batch(runs[3:6], *args)  # cut off after its time series
    (out / "timeseries.parquet" / cut.name).write_bytes(cut.timeseries)
    assert Store(out).done() == {r.run_id for r in runs[:3]}
    assert set(read_timeseries(out).run_id) == {r.run_id for r in runs[:3]}
    summary = run_spec(spec, out, workers=2)
    assert (summary.skipped, summary.ran) == (3, 5)
    assert (
        not (out / "timeseries.parquet" / cut.name).exists()
        or (out / "runs.parquet" / cut.name).exists()
    )
    for mine, theirs in zip(tables(out), tables(folder), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    # pandas reading the folders directly finds each run once
    assert pd.read_parquet(out / "runs.parquet").run_id.is_unique
    assert not pd.read_parquet(out / "timeseries.parquet").duplicated(["run_id", "step"]).any()


def test_leftover_temporary_files_are_ignored_and_cleared(serial, tmp_path):
    path, _ = serial
    spec = load_spec(path)
    folder = tmp_path / "out"
    (folder / "runs.parquet").mkdir(parents=True)
    half = folder / "runs.parquet" / ".part-p0000-r00.parquet.tmp1234"
    half.write_bytes(b"PAR1 half a file")
    assert Store(folder).done() == set()
    assert len(read_runs(folder)) == 0
    summary = run_spec(spec, folder, serial=True)
    assert summary.ran == 8 and not half.exists()


def test_a_folder_of_another_spec_is_refused(serial, tmp_path):
    path, folder = serial
    other = load_spec(write_spec(tmp_path, TINY.replace("steps = 30", "steps = 31")))
    with pytest.raises(ResultsError, match="different spec.*steps \\(30 there, 31 here\\)"):
        run_spec(other, folder, serial=True)
    # other words for the same runs are fine, and the copy follows the new words
    retitled = write_spec(tmp_path, TINY.replace("A tiny sweep", "The tiny sweep"), "b.toml")
    copy = shutil.copytree(folder, tmp_path / "copy")
    summary = run_spec(load_spec(retitled), copy, serial=True)
    assert summary.ran == 0
    assert "The tiny sweep" in (copy / "spec.toml").read_text()


def test_one_writer_at_a_time(serial, tmp_path):
    path, _ = serial
    spec = load_spec(path)
    with Store(tmp_path / "out") as first:
        first.open(spec)
        with pytest.raises(ResultsError, match="another `experiments run`"):
            Store(tmp_path / "out").open(spec)


# -- the command line -----------------------------------------------------------------------------
def test_cli_run_quick_into_the_default_folder(tmp_path, monkeypatch, capsys):
    path = write_spec(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", str(path), "--quick", "--serial"]) == 0
    out, err = capsys.readouterr()
    folder = tmp_path / "results" / "tiny_run-quick"
    assert f"2 runs in {Path('results/tiny_run-quick')}" in out
    assert "python -m experiments report results/tiny_run-quick" in out
    assert "tiny_run: 2/2 runs" in err
    spec = read_spec(folder)
    assert spec.quick and spec.steps == 9
    runs = read_runs(folder)
    assert list(runs.habituation) == [0.4, 0.4] and (runs.steps == 9).all()
    assert list(read_timeseries(folder).step.unique()) == [0, 7, 9]
    # the same command again finds everything done
    assert cli.main(["run", str(path), "--quick", "--serial"]) == 0
    assert "(2 were already done); 0 ran" in capsys.readouterr().out


def test_cli_list(tmp_path, monkeypatch, capsys):
    write_spec(tmp_path)
    write_spec(tmp_path, TINY.replace("steps = 30", "steps = 0"), "broken.toml")
    monkeypatch.setattr(cli, "HERE", tmp_path)
    assert cli.main(["list"]) == 2
    out = capsys.readouterr().out
    assert "tiny_run" in out and "8 runs x 30 steps (--quick 2 x 9)" in out
    assert "A tiny sweep" in out
    assert "broken" in out and "steps: must be a whole number" in out


def test_cli_lists_the_shipped_experiments_and_finds_them_by_name(capsys):
    shipped = sorted(ROOT.glob("experiments/*.toml"))
    assert cli.main(["list"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    for path in shipped:
        assert load_spec(path).name in out
        assert cli._find_spec(path.stem) == path
    assert cli._find_spec("no_such_experiment") == Path("no_such_experiment")


def test_cli_report_writes_the_report_of_a_folder(serial, tmp_path, capsys):
    _, folder = serial
    copy = shutil.copytree(folder, tmp_path / "copy")  # the report writes into it
    assert cli.main(["report", str(copy)]) == 0
    assert "report.md" in capsys.readouterr().out
    assert (copy / "report.md").exists() and list((copy / "figures").glob("*.png"))


@pytest.mark.parametrize(
    "argv, words",
    [
        ([], "required: COMMAND"),
        (["sweep"], "invalid choice: 'sweep'"),
        (["run"], "required: SPEC"),
        (["run", "SPEC", "--workers", "0"], "--workers: must be 1 or more (got 0)"),
        (["run", "SPEC", "--workers", "two"], "--workers: must be a whole number"),
        (["run", "SPEC", "--serial", "--workers", "2"], "not allowed with argument"),
        (["run", "SPEC", "--quik"], "unrecognized arguments: --quik"),
        (["run", "missing.toml"], "cannot read the spec missing.toml"),
        (["run", "BAD"], "vary.habituation[1]: must be a number from 0 to 1 (got 2.0)"),
        (["run", "SPEC", "--out", "OTHER"], "holds the results of a different spec"),
        (["report", "missing"], "missing is not a results folder"),
    ],
)
def test_cli_bad_input_exits_2_with_one_clear_line(argv, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spec = write_spec(tmp_path)
    bad = write_spec(tmp_path, TINY.replace("[0.1, 0.4]", "[0.1, 2.0]"), "bad.toml")
    other = tmp_path / "other"
    run_spec(
        load_spec(
            write_spec(
                tmp_path,
                TINY.replace("seed = 3", "seed = 4")
                .replace("replicates = 2", "replicates = 1")
                .replace("[0.3, 0.6]", "[0.3]"),
                "o.toml",
            )
        ),
        other,
        serial=True,
    )
    names = {"SPEC": str(spec), "BAD": str(bad), "OTHER": str(other)}
    argv = [names.get(a, a) for a in argv]
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    out, err = capsys.readouterr()
    assert words in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ")


def test_progress_lines():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    plain = io.StringIO()
    progress = cli.Progress("demo", plain, every=0)
    progress(2, 10)
    progress(3, 10)
    progress(5, 10)
    lines = plain.getvalue().splitlines()
    assert lines[0] == "demo: 2/10 runs, starting"
    assert lines[2].startswith("demo: 5/10 runs, ") and "runs/s" in lines[2]
    assert lines[2].endswith(" left")
    screen = Terminal()
    progress = cli.Progress("demo", screen, every=60)
    progress(0, 4)
    progress(1, 4)
    progress(4, 4)
    progress.finish()
    text = screen.getvalue()
    assert text.count("\r") == 3 and "\n" not in text[:-1] and text.endswith("\n")
    assert cli._duration(3725) == "1h02m" and cli._duration(61) == "1m01s"


def test_a_strategy_with_a_group_of_its_own_is_swept_and_reported(tmp_path):
    """A participant's strategy reports under its own group (`attention_to_<group>`): a spec
    may keep those reporters, and a run without that strategy gives NaN for them."""
    from agents import register, unregister
    from agents.interrupt import Interrupt

    @register
    class LoudPitch(Interrupt):
        name = "loud_pitch"
        group = "loud_ones"
        description = "the interrupting broadcaster under another name"

    try:
        spec = parse_spec(
            'name = "own_group"\ntitle = "t"\nquestion = "q"\ndescription = "d"\nseed = 3\n'
            "steps = 12\nreplicates = 1\n[fixed]\nn_agents = 40\n"
            '[vary]\nbroadcaster_strategy = ["loud_pitch", "interrupt"]\n'
            "[output]\nevery = 4\n"
            'reporters = ["attention_to_loud_ones", "attention_to_broadcasters"]\n'
        )
        run_spec(spec, tmp_path / "out", serial=True)
        runs = read_runs(tmp_path / "out").set_index("broadcaster_strategy")
        assert 0 <= runs.loc["loud_pitch", "attention_to_loud_ones"] <= 1
        assert np.isnan(runs.loc["interrupt", "attention_to_loud_ones"])
        # the same rules under another name: with the same seed, the built-in broadcasters
        # get exactly these numbers
        loud = runs.loc["loud_pitch"]
        model = NetworkingModel(
            rng=int(loud["seed"]), n_agents=40, broadcaster_strategy="interrupt"
        )
        model.run_for(12)
        assert (
            model.datacollector.model_vars["attention_to_broadcasters"][-1]
            == loud["attention_to_loud_ones"]
        )
    finally:
        unregister("loud_pitch")
    with pytest.raises(Exception, match="attention_to_loud_ones"):
        parse_spec(
            'name = "x"\ntitle = "t"\nquestion = "q"\ndescription = "d"\nseed = 1\n'
            "steps = 5\nreplicates = 1\n[vary]\nn_agents = [20, 30]\n"
            '[output]\nreporters = ["attention_to_loud_ones"]\n'
        )

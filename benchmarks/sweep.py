"""The sweep runner's costs: overhead per run, two workers against one, memory as runs grow,
and the shipped Sobol experiment end to end.

    python -m benchmarks.sweep               # about three minutes on 2 cores
    python -m benchmarks.sweep --runs 20 --replicates 1 --sizes 20 40 80   # a quick look
    python -m benchmarks.sweep --sensitivity # also the full `sensitivity` experiment
    python -m benchmarks.sweep --only sensitivity

Four measurements, each against the target of its issue:

- **Overhead per run** (target: under 5 % at the default size). ``--runs`` runs of the
  default configuration (300 people, 200 steps) one after another through the serial
  backend, written to a results folder as a sweep writes them. Overhead = the time from the
  first run's start to the last one's end minus the model's own time (``wall_s``: building
  and stepping the model): reading the collector, building the rows, encoding and writing
  the Parquet parts of each batch, and collecting the garbage each model leaves. It is
  printed in milliseconds per run, which does not depend on how fast the model is, and
  as a share of the model's time. The one-off setting up (folder, lock, spec copy) is
  shown apart.
- **Two workers against one** (target: at least 1.7 times as fast). The fade map's points
  (``experiments/fade_map.toml``) with ``--replicates`` each, run by one local worker
  process and then by two, each into a fresh folder; the speed-up is the ratio of the
  wall times. Both include starting the worker processes.
- **Memory as the sweep grows** (target: flat). Sweeps of ``--sizes`` runs of a small
  configuration, each in a fresh Python process, report that process's peak resident
  memory (``ru_maxrss``); flat means the peak does not grow with the number of runs.
- **The Sobol experiment** (``--sensitivity``; target of issue 10: at most 60 s). The
  shipped ``experiments/sensitivity.toml`` at full size (1,792 runs of 300 people x 200
  steps), run as a user runs it (``python -m experiments run sensitivity --workers 2``,
  in a fresh process, into a fresh folder) and timed from the command's start to its
  exit: wall time, runs a second, and the overhead per run: the two workers' time
  (2 x wall) not spent in the model's own building and stepping, per run, in milliseconds
  and as a share of the model's time per run. Apart: the start-up (until the first batch
  is on disk: the command's imports, starting the workers, their first run) and the
  overhead per run after it (from when each worker has written its first batch to the
  last batch; the time each part was written is its file's modification time).

The machine (CPU, cores, Python) and its load average are printed before and after every
measurement: the figures mean little without them on a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FADE_MAP = ROOT / "experiments" / "fade_map.toml"
SENSITIVITY = ROOT / "experiments" / "sensitivity.toml"
OVERHEAD_TARGET = 0.05
SPEEDUP_TARGET = 1.7
SENSITIVITY_TARGET_S = 60.0
MEASURES = ("overhead", "speedup", "memory", "sensitivity")

#: The default configuration as a spec: the model's defaults, nothing varied but a list of
#: one (a sweep needs something to vary).
DEFAULT_SPEC = """
name = "overhead"
title = "Runner overhead"
question = "What does the runner add to a run?"
description = "The model's defaults, run again and again."
seed = 1
steps = 200
replicates = {runs}
[vary]
broadcaster_share = [0.3]
[output]
every = 10
"""

SMALL_SPEC = """
name = "memory"
title = "Runner memory"
question = "Does the runner's memory grow with the runs?"
description = "Small runs, many of them."
seed = 2
steps = 20
replicates = {runs}
[fixed]
n_agents = 60
[vary]
broadcaster_share = [0.3]
[output]
every = 5
"""

#: Run in a fresh process: one sweep, then print its peak memory (kilobytes) as JSON.
MEMORY_CHILD = """
import json, resource, sys
from experiments.execute import run_spec
from experiments.spec import parse_spec
spec = parse_spec(sys.argv[1])
run_spec(spec, sys.argv[2], serial=True)
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def overhead(runs: int) -> dict:
    from experiments.execute import run_spec
    from experiments.spec import parse_spec
    from experiments.store import Store

    spec = parse_spec(DEFAULT_SPEC.format(runs=runs))
    first: list[float] = []  # when the first run starts (after the folder is set up)

    def progress(done: int, total: int) -> None:
        if not first:
            first.append(time.perf_counter())

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "overhead"
        start = time.perf_counter()
        run_spec(spec, folder, serial=True, progress=progress)
        end = time.perf_counter()
        with Store(folder) as store:
            model = float(store.read_runs()["wall_s"].sum())
        parts = len(list((folder / "runs.parquet").glob("part-*.parquet")))
    loop = end - first[0]
    return {
        "runs": runs,
        "sweep_s": end - start,
        "setup_s": first[0] - start,
        "runs_s": loop,
        "model_s": model,
        "overhead": (loop - model) / model,
        "overhead_ms_per_run": (loop - model) / runs * 1000,
        "model_ms_per_run": model / runs * 1000,
        "batches": parts,
    }


def speedup(replicates: int) -> dict:
    from experiments.execute import run_spec
    from experiments.spec import parse_spec

    text = re.sub(
        r"(?m)^replicates = \d+", f"replicates = {replicates}", FADE_MAP.read_text(), count=1
    )
    spec = parse_spec(text, path=FADE_MAP)
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            start = time.perf_counter()
            run_spec(spec, Path(tmp) / f"w{workers}", workers=workers)
            times[workers] = time.perf_counter() - start
    return {
        "runs": spec.n_runs,
        "one_worker_s": times[1],
        "two_workers_s": times[2],
        "speedup": times[1] / times[2],
    }


def memory(sizes: list[int]) -> list[dict]:
    out = []
    for runs in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    MEMORY_CHILD,
                    SMALL_SPEC.format(runs=runs),
                    str(Path(tmp) / "memory"),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        peak = json.loads(child.stdout.strip().splitlines()[-1])["maxrss_kb"] / 1024
        out.append({"runs": runs, "peak_mb": peak})
    return out


def sensitivity(workers: int = 2, quick: bool = False) -> dict:
    """The shipped Sobol experiment, full size (``quick``: its [quick] version), run as a
    user runs it: ``python -m experiments run sensitivity --workers N`` in a fresh process,
    into a fresh folder, timed from the command's start to its exit."""
    import pyarrow.parquet as pq

    from experiments import load_spec
    from experiments.store import read_runs

    spec = load_spec(SENSITIVITY, quick=quick)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sensitivity"
        command = [sys.executable, "-m", "experiments", "run", str(SENSITIVITY)]
        command += ["--workers", str(workers), "--out", str(folder)]
        command += ["--quick"] if quick else []
        began = time.time()
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        wall_s = read_runs(folder).set_index("run_id")["wall_s"]
        # each part's runs and when it was written, in the order written
        parts = sorted(
            (p.stat().st_mtime, pq.read_table(p, columns=["run_id"]).column(0).to_pylist())
            for p in (folder / "runs.parquet").glob("part-*.parquet")
        )
    runs, model = len(wall_s), float(wall_s.sum())
    startup = parts[0][0] - began  # process start, imports, workers, first batch
    # After start-up: from the time each worker has written its first batch (which pays
    # for loading the compiled kernels) to the last batch, the workers' time against the
    # model's time of the runs written in between. (A batch that began a little before
    # that moment counts whole: the overhead is understated by at most that little.)
    first = min(workers, len(parts) - 1)
    later = [run_id for _, ids in parts[first:] for run_id in ids]
    window = parts[-1][0] - parts[first - 1][0] if first else 0.0
    steady = workers * window - float(wall_s[later].sum())
    lost = workers * wall - model  # the workers' time not spent in the model
    return {
        "runs": runs,
        "workers": workers,
        "steps": spec.steps,
        "n_agents": spec.fixed.get("n_agents"),
        "wall_s": wall,
        "runs_per_s": runs / wall,
        "model_s": model,
        "model_ms_per_run": model / runs * 1000,
        "startup_s": startup,
        "first_batch_runs": len(parts[0][1]),
        "batches": len(parts),
        "overhead_ms_per_run": lost / runs * 1000,
        "overhead": lost / model,
        "steady_overhead_ms_per_run": steady / max(len(later), 1) * 1000,
        "steady_overhead": steady / max(float(wall_s[later].sum()), 1e-9),
    }


def machine() -> str:
    """CPU model, cores and Python, as one line."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def load() -> str:
    """The load average over 1, 5 and 15 minutes (``os.getloadavg()``)."""
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sweep", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=40,
        help="runs of the default configuration for the overhead (default 40)",
    )
    parser.add_argument(
        "--replicates",
        type=int,
        default=2,
        help="replicates per fade-map point for the speed-up (default 2: 198 runs)",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[50, 200, 800],
        help="sweep sizes (runs) for the memory check (default 50 200 800)",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="also run the full `sensitivity` experiment (1,792 runs) with two workers",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=MEASURES,
        metavar="MEASURE",
        help=f"run only these measurements ({', '.join(MEASURES)})",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    args = parser.parse_args(argv)
    for name in ("runs", "replicates"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if any(s < 1 for s in args.sizes):
        parser.error("--sizes must be at least 1 each")
    chosen = set(args.only or [m for m in MEASURES if m != "sensitivity" or args.sensitivity])

    print(f"Sweep runner benchmark: {machine()}; {load()}", flush=True)
    out: dict = {"machine": machine(), "load_before": os.getloadavg()}
    if "overhead" in chosen:
        o = overhead(args.runs)
        ok = o["overhead"] < OVERHEAD_TARGET
        print(
            f"overhead: {o['runs']} runs at the default size in {o['runs_s']:.2f} s (after "
            f"{o['setup_s']:.2f} s of setting up the folder and the process; "
            f"{o['batches']} batches), of which the model {o['model_s']:.2f} s "
            f"({o['model_ms_per_run']:.1f} ms a run): {o['overhead_ms_per_run']:.2f} ms "
            f"per run, {o['overhead']:.1%} [{'met' if ok else 'NOT MET'}: under "
            f"{OVERHEAD_TARGET:.0%}]; {load()}",
            flush=True,
        )
        out["overhead"] = o
    if "speedup" in chosen:
        s = speedup(args.replicates)
        ok = s["speedup"] >= SPEEDUP_TARGET
        print(
            f"speed-up: fade map, {s['runs']} runs: one worker {s['one_worker_s']:.1f} s, two "
            f"workers {s['two_workers_s']:.1f} s: {s['speedup']:.2f} times "
            f"[{'met' if ok else 'NOT MET'}: at least {SPEEDUP_TARGET}]; {load()}",
            flush=True,
        )
        out["speedup"] = s
    if "memory" in chosen:
        m = memory(args.sizes)
        growth = m[-1]["peak_mb"] / m[0]["peak_mb"] - 1
        print(
            "memory: peak of the runner's process: "
            + ", ".join(f"{r['runs']} runs {r['peak_mb']:.0f} MB" for r in m)
            + f" ({growth:+.1%} from the smallest to the largest) "
            f"[{'met' if growth < 0.1 else 'NOT MET'}: flat, within 10 %]; {load()}",
            flush=True,
        )
        out["memory"] = m
    if "sensitivity" in chosen:
        r = sensitivity()
        ok = r["wall_s"] <= SENSITIVITY_TARGET_S
        print(
            f"sensitivity: {r['runs']:,} runs of {r['n_agents']} people x {r['steps']} steps, "
            f"{r['workers']} workers: {r['wall_s']:.1f} s, {r['runs_per_s']:.1f} runs/s "
            f"[{'met' if ok else 'NOT MET'}: at most {SENSITIVITY_TARGET_S:.0f} s]; model "
            f"{r['model_ms_per_run']:.1f} ms a run; overhead {r['overhead_ms_per_run']:.2f} ms "
            f"per run ({r['overhead']:.1%}) with the start-up, {r['startup_s']:.1f} s (until "
            f"the first batch, {r['first_batch_runs']} run(s), was on disk); after it "
            f"{r['steady_overhead_ms_per_run']:.2f} ms per run ({r['steady_overhead']:.1%}); "
            f"{r['batches']} batches; {load()}",
            flush=True,
        )
        out["sensitivity"] = r
    if args.json:
        out["load_after"] = os.getloadavg()
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

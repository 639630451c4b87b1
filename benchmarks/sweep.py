"""The sweep runner's costs: overhead per run, two workers against one, memory as runs grow.

    python -m benchmarks.sweep               # about three minutes on 2 cores
    python -m benchmarks.sweep --runs 20 --replicates 1 --sizes 20 40 80   # a quick look

Three measurements, each against the issue's target:

- **Overhead per run** (target: under 5 % at the default size). ``--runs`` runs of the
  default configuration (300 people, 200 steps) one after another through the serial
  backend, written to a results folder as a sweep writes them. Overhead = the time from the
  first run's start to the last one's end minus the model's own time (``wall_s``: building
  and stepping the model), over the model's time: reading the collector, building the
  rows, writing two Parquet parts a run, and collecting the garbage each model leaves.
  The one-off setting up (folder, lock, spec copy) is shown apart.
- **Two workers against one** (target: at least 1.7 times as fast). The fade map's points
  (``experiments/fade_map.toml``) with ``--replicates`` each, run by one local worker
  process and then by two, each into a fresh folder; the speed-up is the ratio of the
  wall times. Both include starting the worker processes.
- **Memory as the sweep grows** (target: flat). Sweeps of ``--sizes`` runs of a small
  configuration, each in a fresh Python process, report that process's peak resident
  memory (``ru_maxrss``); flat means the peak does not grow with the number of runs.
"""

from __future__ import annotations

import argparse
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
OVERHEAD_TARGET = 0.05
SPEEDUP_TARGET = 1.7

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
    loop = end - first[0]
    return {
        "runs": runs,
        "sweep_s": end - start,
        "setup_s": first[0] - start,
        "runs_s": loop,
        "model_s": model,
        "overhead": (loop - model) / model,
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
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    args = parser.parse_args(argv)
    for name in ("runs", "replicates"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if any(s < 1 for s in args.sizes):
        parser.error("--sizes must be at least 1 each")

    load = (
        Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    )
    print(
        f"Sweep runner benchmark: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{' '.join(load)}",
        flush=True,
    )
    o = overhead(args.runs)
    ok = o["overhead"] < OVERHEAD_TARGET
    print(
        f"overhead: {o['runs']} runs at the default size in {o['runs_s']:.2f} s (after "
        f"{o['setup_s']:.2f} s of setting up the folder and the process), of which the "
        f"model {o['model_s']:.2f} s: {o['overhead']:.1%} per run "
        f"[{'met' if ok else 'NOT MET'}: under {OVERHEAD_TARGET:.0%}]",
        flush=True,
    )
    s = speedup(args.replicates)
    ok = s["speedup"] >= SPEEDUP_TARGET
    print(
        f"speed-up: fade map, {s['runs']} runs: one worker {s['one_worker_s']:.1f} s, two "
        f"workers {s['two_workers_s']:.1f} s: {s['speedup']:.2f} times "
        f"[{'met' if ok else 'NOT MET'}: at least {SPEEDUP_TARGET}]",
        flush=True,
    )
    m = memory(args.sizes)
    growth = m[-1]["peak_mb"] / m[0]["peak_mb"] - 1
    print(
        "memory: peak of the runner's process: "
        + ", ".join(f"{r['runs']} runs {r['peak_mb']:.0f} MB" for r in m)
        + f" ({growth:+.1%} from the smallest to the largest) "
        f"[{'met' if growth < 0.1 else 'NOT MET'}: flat, within 10 %]",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"overhead": o, "speedup": s, "memory": m}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

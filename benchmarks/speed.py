"""How fast and how big: the fast engine against the reference, against the targets.

Every case builds a model on a Watts-Strogatz network (mean degree 10, default parameters)
and calls ``model.step()`` (data collection included, as users run it) a number of times:

* **set-up**: seconds to construct the model (network, state, agents, first collect);
* **step median / mean**: seconds per ``model.step()``;
* **agent-steps/s**: people x steps / total stepping time;
* **traced peak**: peak of the memory Python and numpy allocate while building the model
  and running a few steps, measured by :mod:`tracemalloc` in a separate pass (tracing slows
  allocation, so it never overlaps the timed pass);
* **max RSS**: the process's peak resident memory so far (``resource.getrusage``), which
  includes the interpreter and libraries and never goes down: the fast engine runs first,
  smallest to largest, so its rows are not inflated by the reference.

The reference is slow by design; at large sizes it runs fewer steps (``steps x 1,000 / N``,
at least 5), which the table marks.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

__all__ = ["TARGETS", "Result", "Target", "main", "measure", "run_benchmarks"]

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_REFERENCE_SIZES = (1_000, 10_000)
DEFAULT_STEPS = 200
QUICK_STEPS = 10
MEMORY_STEPS = 3
MODEL_SETTINGS = {"network": "watts_strogatz", "mean_degree": 10}
MB = 1024 * 1024


@dataclass
class Result:
    """The measurements of one implementation at one size."""

    implementation: str  # "fast" or "reference"
    n: int
    steps: int
    setup_s: float
    step_median_s: float
    step_mean_s: float
    agent_steps_per_s: float
    traced_peak_mb: float
    max_rss_mb: float
    collect_share: float = 0.0  # share of the stepping time spent collecting data
    short_run: bool = False  # ran fewer steps than asked (the reference at large sizes)
    speedup: float | None = None  # fast over reference at this size, on the fast row


@dataclass(frozen=True)
class Target:
    """A goal the fast engine should meet; ``check`` returns (measured, met) or None when
    the run did not measure it."""

    text: str
    check: Callable[[list[Result]], tuple[str, bool] | None]


def _find(results: list[Result], implementation: str, n: int) -> Result | None:
    return next((r for r in results if r.implementation == implementation and r.n == n), None)


def _throughput(results):
    r = _find(results, "fast", 100_000)
    return None if r is None else (f"{r.agent_steps_per_s:,.0f}/s", r.agent_steps_per_s >= 2e6)


def _speedup(results):
    r = _find(results, "fast", 10_000)
    if r is None or r.speedup is None:
        return None
    return f"{r.speedup:.1f}x", r.speedup >= 25


def _setup(results):
    r = _find(results, "fast", 100_000)
    return None if r is None else (f"{r.setup_s:.2f} s", r.setup_s < 2.0)


def _memory(results):
    r = _find(results, "fast", 100_000)
    if r is None:
        return None
    return (
        f"{r.traced_peak_mb:.0f} MB traced (process max RSS {r.max_rss_mb:.0f} MB)",
        r.traced_peak_mb < 500,
    )


TARGETS = [
    Target("fast engine at N=100,000: >= 2,000,000 agent-steps/s", _throughput),
    Target("fast engine at N=10,000: >= 25x the reference's agent-steps/s", _speedup),
    Target("fast engine at N=100,000: set-up < 2 s", _setup),
    Target("fast engine at N=100,000: peak memory < 500 MB (tracemalloc peak)", _memory),
]


# -- measuring -----------------------------------------------------------------------------
def _model_class(implementation: str):
    if implementation == "fast":
        from sim import NetworkingModel

        return NetworkingModel
    if implementation == "reference":
        from sim.reference import ReferenceModel

        return ReferenceModel
    raise ValueError(f"unknown implementation {implementation!r}")


def max_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def traced_peak_mb(implementation: str, n: int, steps: int, seed: int) -> float:
    """Peak memory allocated (tracemalloc) while building a model and running ``steps``."""
    cls = _model_class(implementation)
    gc.collect()
    tracemalloc.start()
    try:
        model = cls(n_agents=n, rng=seed, **MODEL_SETTINGS)
        for _ in range(steps):
            model.step()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del model
    gc.collect()
    return peak / MB


def measure(
    implementation: str,
    n: int,
    steps: int,
    seed: int = 1,
    memory_steps: int = MEMORY_STEPS,
    short_run: bool = False,
) -> Result:
    """Time one implementation at size ``n`` for ``steps`` steps, then trace its memory."""
    cls = _model_class(implementation)
    gc.collect()
    start = time.perf_counter()
    model = cls(n_agents=n, rng=seed, **MODEL_SETTINGS)
    setup = time.perf_counter() - start
    collecting = [0.0]
    collect = model.datacollector.collect

    def timed_collect(m):  # time the data collector's share of each step
        t0 = time.perf_counter()
        collect(m)
        collecting[0] += time.perf_counter() - t0

    model.datacollector.collect = timed_collect
    durations = []
    for _ in range(steps):
        t = time.perf_counter()
        model.step()
        durations.append(time.perf_counter() - t)
    del model
    peak = traced_peak_mb(implementation, n, min(memory_steps, steps), seed)
    total = sum(durations)
    return Result(
        implementation=implementation,
        n=n,
        steps=steps,
        setup_s=setup,
        step_median_s=statistics.median(durations),
        step_mean_s=total / steps,
        agent_steps_per_s=n * steps / total if total > 0 else float("inf"),
        traced_peak_mb=peak,
        max_rss_mb=max_rss_mb(),
        collect_share=collecting[0] / total if total > 0 else 0.0,
        short_run=short_run,
    )


def reference_steps(n: int, steps: int) -> int:
    """Steps for the reference at size ``n``: all of them up to 1,000 people, then
    ``steps x 1,000 / n`` (at least 5) so that the slow path stays affordable."""
    return min(steps, max(5, steps * 1_000 // max(n, 1)))


def run_benchmarks(
    sizes: Sequence[int], steps: int, reference_sizes: Sequence[int], seed: int = 1, progress=None
) -> list[Result]:
    """Measure the fast engine at ``sizes`` (smallest first), then the reference at
    ``reference_sizes``; fill in the speed-up wherever both ran at a size."""
    say = progress or (lambda text: None)
    results = []
    for n in sorted(sizes):
        say(f"fast engine, N={n:,}, {steps} steps ...")
        results.append(measure("fast", n, steps, seed))
    for n in sorted(reference_sizes):
        k = reference_steps(n, steps)
        say(f"reference, N={n:,}, {k} steps ...")
        results.append(measure("reference", n, k, seed, short_run=k < steps))
    for r in results:
        ref = _find(results, "reference", r.n)
        if r.implementation == "fast" and ref is not None:
            r.speedup = r.agent_steps_per_s / ref.agent_steps_per_s
    return results


# -- reporting -----------------------------------------------------------------------------
def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import mesa
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} cores ({usable} usable)",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
    }


COLUMNS = (
    "implementation",
    "N",
    "steps",
    "set-up s",
    "step median ms",
    "step mean ms",
    "collecting",
    "agent-steps/s",
    "traced peak MB",
    "max RSS MB",
    "speed-up",
)


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    """The table's cells, one tuple per result, ordered by size then implementation."""
    rows = []
    for r in sorted(results, key=lambda r: (r.n, r.implementation != "fast")):
        rows.append(
            (
                "fast engine" if r.implementation == "fast" else "reference",
                f"{r.n:,}",
                f"{r.steps}{'*' if r.short_run else ''}",
                f"{r.setup_s:.3f}",
                f"{r.step_median_s * 1e3:.2f}",
                f"{r.step_mean_s * 1e3:.2f}",
                f"{r.collect_share:.0%}",
                f"{r.agent_steps_per_s:,.0f}",
                f"{r.traced_peak_mb:.1f}",
                f"{r.max_rss_mb:.0f}",
                "" if r.speedup is None else f"{r.speedup:.1f}x",
            )
        )
    return rows


def format_report(results: list[Result], info: dict[str, str], steps: int) -> str:
    """The whole printed report: machine, table, footnotes, targets."""
    lines = [
        "Benchmark: interruption or interaction (Watts-Strogatz, mean degree 10, "
        f"default parameters, {steps} steps)",
        f"Machine: {info['cpu']}, {info['cores']}; Python {info['python']}, "
        f"numpy {info['numpy']}, mesa {info['mesa']} ({info['platform']})",
        "",
    ]
    rows = [COLUMNS, *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for k, row in enumerate(rows):
        cells = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    if any(r.short_run for r in results):
        lines.append(
            f"* the reference ran fewer steps than {steps} at this size "
            "(steps x 1,000 / N, at least 5); per-step numbers are comparable."
        )
    lines += [
        "set-up: constructing the model; step: one model.step() including data collection;",
        "collecting: the share of the step spent in the DataCollector (every reporter, every "
        "step);",
        "traced peak: tracemalloc peak while building the model and running "
        f"{MEMORY_STEPS} steps (separate pass);",
        "max RSS: the process's peak resident memory so far (fast engine runs first); "
        "speed-up: fast engine over reference, in agent-steps/s.",
        "",
        "Targets:",
    ]
    for target in TARGETS:
        outcome = target.check(results)
        if outcome is None:
            lines.append(f"  [not measured] {target.text}")
        else:
            measured, met = outcome
            lines.append(f"  [{'met' if met else 'NOT MET'}] {target.text}: {measured}")
    return "\n".join(lines)


# -- command line --------------------------------------------------------------------------
def _sizes(tokens: Sequence[str]) -> list[int]:
    """Sizes given as separate arguments and/or comma-separated, e.g. ``1000,10000``."""
    out = []
    for token in tokens:
        for part in token.replace("_", "").split(","):
            if part.strip():
                value = int(part)
                if value < 2:
                    raise argparse.ArgumentTypeError(f"a size must be at least 2 (got {value})")
                out.append(value)
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the fast engine and the reference implementation and check the "
        "speed targets.",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=None,
        metavar="N",
        help="numbers of people for the fast engine (default: 1000 10000 100000)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help=f"steps per run (default {DEFAULT_STEPS}; {QUICK_STEPS} with --quick)",
    )
    parser.add_argument(
        "--reference-sizes",
        nargs="*",
        default=None,
        metavar="N",
        help="numbers of people for the reference implementation (default: "
        "1000 10000; give none to skip it)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"a short run: {QUICK_STEPS} steps (sizes as given)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    args = parser.parse_args(argv)
    try:
        args.sizes = _sizes(args.sizes) if args.sizes is not None else list(DEFAULT_SIZES)
        args.reference_sizes = (
            _sizes(args.reference_sizes)
            if args.reference_sizes is not None
            else list(DEFAULT_REFERENCE_SIZES)
        )
    except (ValueError, argparse.ArgumentTypeError) as err:
        parser.error(str(err))
    if args.steps is None:
        args.steps = QUICK_STEPS if args.quick else DEFAULT_STEPS
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the report; return the exit status (0)."""
    args = parse_args(argv)
    info = machine()

    def progress(text):
        print(f"benchmarks: {text}", file=sys.stderr, flush=True)

    results = run_benchmarks(
        args.sizes, args.steps, args.reference_sizes, args.seed, progress=progress
    )
    print(format_report(results, info, args.steps))
    if args.json:
        targets = {}
        for target in TARGETS:
            outcome = target.check(results)
            targets[target.text] = (
                None if outcome is None else {"measured": outcome[0], "met": outcome[1]}
            )
        with open(args.json, "w") as f:
            json.dump(
                {
                    "machine": info,
                    "steps": args.steps,
                    "settings": MODEL_SETTINGS,
                    "results": [asdict(r) for r in results],
                    "targets": targets,
                },
                f,
                indent=2,
            )
    return 0

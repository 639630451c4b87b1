"""How fast and how big: the fast engine against the per-agent reference and the targets.

Every case builds a model on a Watts-Strogatz network (mean degree 10, default parameters)
and calls ``model.step()`` (data collection included, as users run it) a number of times.
A case is ``runs x steps``: each run builds a fresh model with the same seed and times every
step of it; several runs make the figures robust to the odd disturbed one.

* **set-up**: milliseconds to construct the model (network, state, agents, first collect),
  the median over the runs;
* **step median**: the median of all the timed steps;
* **step mean**: each run's mean step, then the median over the runs (what the targets use:
  a mean counts the slow steps too, the median over runs drops a run that other work on the
  machine disturbed);
* **collecting**: the share of the stepping time spent in ``model.datacollector.collect``;
* **agent-steps/s**: people / step mean;
* **cpu**: the process's CPU time over the wall time while stepping; well under 100 % means
  the machine took the core away from the benchmark for part of the time;
* **vs reference**: how many times longer the per-agent reference
  (:class:`sim.reference.ReferenceModel`) takes for a step at the same size, measured in this
  process in this run, over the same steps (the first ``k`` when the reference ran fewer);
* **peak MB**: memory in a fresh process (see :func:`memory_probe`): peak resident memory
  while building the model and running :data:`MEMORY_STEPS` steps, beyond what the process
  held before (interpreter, libraries, compiled kernels loaded by a warm-up run);
* **traced MB**: the :mod:`tracemalloc` peak of the same build and steps (Python objects and
  numpy arrays; not numba's own allocations or the libraries), in that fresh process.

The reference is slow by design; at large sizes it runs fewer steps (``steps x 1,000 / N``,
at least 5), which the table marks.

Separately, the **compile cost**: numba caches the compiled kernels on disk (``cache=True``;
by default in ``__pycache__`` next to the source, e.g. ``sim/__pycache__``; the environment
variable ``NUMBA_CACHE_DIR`` puts the cache elsewhere). :func:`compile_cost` runs
``import sim``, a new model of 300 people and one step in a subprocess whose
``NUMBA_CACHE_DIR`` is an empty temporary directory (a fresh install: everything compiles),
then the same again with that directory filled (later runs: the cache loads).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "TARGETS",
    "Result",
    "Target",
    "compile_cost",
    "fill_ratios",
    "main",
    "measure",
    "memory_probe",
    "run_benchmarks",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (300, 1_000, 10_000, 100_000)
DEFAULT_REFERENCE_SIZES = (300, 1_000, 10_000)
DEFAULT_STEPS = 200  # per run: the length of a shipped sweep's run
QUICK_STEPS = 20
MEMORY_FROM = 10_000  # by default the memory probe runs at the fast sizes from here up
MEMORY_STEPS = 10
WARMUP_N = 300
MODEL_SETTINGS = {"network": "watts_strogatz", "mean_degree": 10}
MB = 1024 * 1024


def default_runs(implementation: str, n: int) -> int:
    """Runs per case: enough timed steps where a step is a fraction of a millisecond
    (10 x 200 = 2,000 at 300 people), fewer where each step is long anyway."""
    if implementation == "fast":
        return 10 if n <= 300 else 5 if n <= 1_000 else 3
    return 3 if n <= 300 else 1


def reference_steps(n: int, steps: int) -> int:
    """Steps for the reference at size ``n``: all of them up to 1,000 people, then
    ``steps x 1,000 / n`` (at least 5) so that the slow path stays affordable."""
    return min(steps, max(5, steps * 1_000 // max(n, 1)))


@dataclass
class Result:
    """The measurements of one implementation at one size."""

    implementation: str  # "fast" or "reference"
    n: int
    steps: int  # per run
    runs: int
    setup_s: float  # median over the runs
    step_median_s: float  # median of every timed step
    step_mean_s: float  # median over the runs of each run's mean step
    agent_steps_per_s: float  # n / step_mean_s
    collect_share: float | None  # None: the model never called datacollector.collect
    cpu_share: float  # process CPU time / wall time while stepping
    setups_s: list[float] = field(default_factory=list)
    run_means_s: list[float] = field(default_factory=list)
    short_run: bool = False  # ran fewer steps than asked (the reference at large sizes)
    ratio: float | None = None  # on a fast row: reference step time / fast step time
    ratio_steps: int | None = None  # the steps the ratio compares (the first k of each run)
    memory: dict | None = None  # from memory_probe, in a fresh process (fast rows)

    def mean_of_first(self, k: int) -> float:
        """Each run's mean over its first ``k`` steps, median over the runs."""
        durations = getattr(self, "durations", None)
        if not durations:
            return self.step_mean_s
        return statistics.median(statistics.fmean(d[:k]) for d in durations)


@dataclass(frozen=True)
class Target:
    """A goal the fast engine should meet; ``check`` returns (measured, met) or None when
    the run did not measure it."""

    text: str
    check: Callable[[list[Result]], tuple[str, bool] | None]


def _find(results: list[Result], implementation: str, n: int) -> Result | None:
    return next((r for r in results if r.implementation == implementation and r.n == n), None)


def _step_at_most(n: int, ms: float):
    def check(results):
        r = _find(results, "fast", n)
        if r is None:
            return None
        return f"{r.step_mean_s * 1e3:.3f} ms", r.step_mean_s * 1e3 <= ms

    return check


def _ratio_at_least(n: int, times: float):
    def check(results):
        r = _find(results, "fast", n)
        if r is None or r.ratio is None:
            return None
        return f"{r.ratio:.1f}x (over {r.ratio_steps} steps)", r.ratio >= times

    return check


def _throughput_at_least(n: int, per_s: float):
    def check(results):
        r = _find(results, "fast", n)
        if r is None:
            return None
        return f"{r.agent_steps_per_s:,.0f}/s", r.agent_steps_per_s >= per_s

    return check


def _memory_at_most(n: int, mb: float):
    def check(results):
        r = _find(results, "fast", n)
        if r is None or r.memory is None:
            return None
        m = r.memory
        return (
            f"{m['peak_mb']:.0f} MB beyond {m['baseline_mb']:.0f} MB "
            f"(traced {m['traced_peak_mb']:.0f} MB)",
            m["peak_mb"] <= mb,
        )

    return check


def _setup_under(n: int, s: float):
    def check(results):
        r = _find(results, "fast", n)
        if r is None:
            return None
        return f"{r.setup_s * 1e3:,.1f} ms", r.setup_s < s

    return check


TARGETS = [
    Target("300 people: a step with collection in at most 0.15 ms", _step_at_most(300, 0.15)),
    Target("300 people: at least 15x the per-agent reference (same run)", _ratio_at_least(300, 15)),
    Target("1,000 people: a step in at most 0.3 ms", _step_at_most(1_000, 0.3)),
    Target(
        "100,000 people: at least 5,000,000 agent-steps/s with collection",
        _throughput_at_least(100_000, 5e6),
    ),
    Target(
        "100,000 people: peak memory at most 300 MB beyond the interpreter and compiled code",
        _memory_at_most(100_000, 300),
    ),
    Target("set-up of a new model at 300 people under 20 ms", _setup_under(300, 0.020)),
    Target("set-up of a new model at 100,000 people under 1 s", _setup_under(100_000, 1.0)),
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


def warm_up(seed: int = 1) -> dict[str, float]:
    """Import the model and run it briefly, so that the timed cases pay neither the imports
    nor loading (or, on a cold cache, compiling) the numba kernels; return how long that
    took."""
    t0 = time.perf_counter()
    fast = _model_class("fast")
    t1 = time.perf_counter()
    model = fast(n_agents=WARMUP_N, rng=seed, **MODEL_SETTINGS)
    for _ in range(5):
        model.step()
    t2 = time.perf_counter()
    reference = _model_class("reference")
    model = reference(n_agents=50, rng=seed, **MODEL_SETTINGS)
    model.step()
    del model
    gc.collect()
    return {"import_s": t1 - t0, "first_model_s": t2 - t1}


def _one_run(cls, n: int, steps: int, seed: int):
    """Build one model and time each of its steps; (set-up, durations, collecting seconds,
    collect calls, cpu seconds, wall seconds)."""
    gc.collect()
    start = time.perf_counter()
    model = cls(n_agents=n, rng=seed, **MODEL_SETTINGS)
    setup = time.perf_counter() - start
    collecting = [0.0, 0]
    collect = model.datacollector.collect

    def timed_collect(*args, **kwargs):  # time the data collector's share of each step
        t0 = time.perf_counter()
        collect(*args, **kwargs)
        collecting[0] += time.perf_counter() - t0
        collecting[1] += 1

    with contextlib.suppress(AttributeError):  # a collector that refuses: no share shown
        model.datacollector.collect = timed_collect
    durations = [0.0] * steps
    perf = time.perf_counter
    cpu0, wall0 = time.process_time(), perf()
    for i in range(steps):
        t = perf()
        model.step()
        durations[i] = perf() - t
    cpu, wall = time.process_time() - cpu0, perf() - wall0
    del model
    return setup, durations, collecting[0], collecting[1], cpu, wall


def measure(
    implementation: str,
    n: int,
    steps: int,
    seed: int = 1,
    runs: int = 1,
    short_run: bool = False,
) -> Result:
    """Time one implementation at size ``n``: ``runs`` fresh models of ``steps`` steps."""
    cls = _model_class(implementation)
    setups, durations = [], []
    collect_s = collect_calls = cpu = wall = 0.0
    for _ in range(runs):
        s, d, c, calls, cp, w = _one_run(cls, n, steps, seed)
        setups.append(s)
        durations.append(d)
        collect_s += c
        collect_calls += calls
        cpu += cp
        wall += w
    gc.collect()
    run_means = [statistics.fmean(d) for d in durations]
    mean = statistics.median(run_means)
    total = sum(sum(d) for d in durations)
    result = Result(
        implementation=implementation,
        n=n,
        steps=steps,
        runs=runs,
        setup_s=statistics.median(setups),
        step_median_s=statistics.median(x for d in durations for x in d),
        step_mean_s=mean,
        agent_steps_per_s=n / mean if mean > 0 else float("inf"),
        collect_share=(collect_s / total if total > 0 else 0.0) if collect_calls else None,
        cpu_share=cpu / wall if wall > 0 else 1.0,
        setups_s=setups,
        run_means_s=run_means,
        short_run=short_run,
    )
    result.durations = durations  # not a field: kept out of the JSON, used for the ratios
    return result


# -- memory, in a fresh process ------------------------------------------------------------
def _status_mb(key: str) -> float | None:
    """A memory figure of this process from /proc/self/status (Linux), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def max_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def _reset_peak_rss() -> bool:
    """Reset this process's peak resident memory (VmHWM) to its current RSS (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return _status_mb("VmHWM") is not None


def traced_peak_mb(n: int, steps: int, seed: int) -> float:
    """Peak memory allocated (tracemalloc) while building a model and running ``steps``."""
    cls = _model_class("fast")
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


def memory_probe(n: int, steps: int = MEMORY_STEPS, seed: int = 1) -> dict:
    """Meant for a fresh process (see :func:`measure_memory`): the memory a model of ``n``
    people takes to build and run ``steps`` steps, beyond the interpreter, the libraries and
    the compiled kernels.

    A warm-up model of 300 people loads everything first; then the baseline is the resident
    memory (RSS) at that point and the peak is the highest RSS while building the model and
    stepping it. On Linux the kernel's peak (VmHWM) is reset to the current RSS just before,
    so the warm-up's own peak does not count; elsewhere the peak is ``ru_maxrss``, the
    process's lifetime peak, and the baseline the same figure after the warm-up. Then, in a
    separate pass, the :mod:`tracemalloc` peak of the same build and steps."""
    cls = _model_class("fast")
    warm = cls(n_agents=WARMUP_N, rng=seed, **MODEL_SETTINGS)
    for _ in range(3):
        warm.step()
    del warm
    gc.collect()
    reset = _reset_peak_rss()
    baseline = _status_mb("VmRSS") if reset else max_rss_mb()
    model = cls(n_agents=n, rng=seed, **MODEL_SETTINGS)
    for _ in range(steps):
        model.step()
    peak = _status_mb("VmHWM") if reset else max_rss_mb()
    held = _status_mb("VmRSS") if reset else None
    del model
    gc.collect()
    return {
        "n": n,
        "steps": steps,
        "baseline_mb": baseline,
        "peak_mb": peak - baseline,
        "held_mb": None if held is None else held - baseline,
        "traced_peak_mb": traced_peak_mb(n, steps, seed),
        "method": "RSS peak (VmHWM, reset after warm-up)" if reset else "ru_maxrss",
    }


def _run_python(code: str, args: dict, env: dict | None = None, timeout: float = 900) -> dict:
    """Run ``code`` in a fresh interpreter (from the checkout) with ``args`` as JSON in
    ``sys.argv[1]``; return the JSON object the code prints on its last line."""
    prelude = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); ARGS = json.loads(sys.argv[1])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", prelude + code, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed ({proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_memory(n: int, steps: int = MEMORY_STEPS, seed: int = 1) -> dict:
    """:func:`memory_probe` in a fresh Python process."""
    code = "from benchmarks.speed import memory_probe\nprint(json.dumps(memory_probe(**ARGS)))"
    return _run_python(code, {"n": n, "steps": steps, "seed": seed})


# -- compile cost --------------------------------------------------------------------------
_STARTUP = """\
import time
t0 = time.perf_counter()
import sim
t1 = time.perf_counter()
model = sim.NetworkingModel(n_agents=ARGS["n"], rng=1, **ARGS["settings"])
t2 = time.perf_counter()
model.step()
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "model_s": t2 - t1, "step_s": t3 - t2,
                  "total_s": t3 - t0}))
"""


def startup_time(cache_dir: str | None, n: int = WARMUP_N) -> dict:
    """``import sim``, a new model of ``n`` people and one step, timed in a fresh process
    whose numba cache is ``cache_dir`` (None: numba's default location)."""
    env = dict(os.environ)
    if cache_dir is None:
        env.pop("NUMBA_CACHE_DIR", None)
    else:
        env["NUMBA_CACHE_DIR"] = cache_dir
    return _run_python(_STARTUP, {"n": n, "settings": MODEL_SETTINGS}, env=env)


def compile_cost(warm_runs: int = 2) -> dict:
    """The one-off compile time of a fresh install: :func:`startup_time` with an empty
    numba cache, then with the cache that run wrote (the fastest of ``warm_runs``)."""
    with tempfile.TemporaryDirectory(prefix="numba-cache-") as cache:
        cold = startup_time(cache)
        warm = min((startup_time(cache) for _ in range(warm_runs)), key=lambda r: r["total_s"])
        files = [p.name for p in Path(cache).rglob("*") if p.is_file()]
    return {
        "cold": cold,
        "warm": warm,
        "compile_s": cold["total_s"] - warm["total_s"],
        "cached_functions": sum(name.endswith(".nbi") for name in files),
        "cached_signatures": sum(name.endswith(".nbc") for name in files),
    }


def cache_locations() -> list[str]:
    """Where this process's numba kernels (in the already imported ``sim`` and ``agents``
    modules) are cached, relative to the checkout where possible."""
    places = set()
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in ("sim", "agents"):
            continue
        for obj in list(vars(module).values()):
            path = getattr(getattr(obj, "_cache", None), "_cache_path", None)
            if isinstance(path, str):
                with contextlib.suppress(ValueError):  # outside the checkout: keep it
                    path = str(Path(path).resolve().relative_to(ROOT))
                places.add(path)
    return sorted(places)


# -- the whole run -------------------------------------------------------------------------
def run_benchmarks(
    sizes: Sequence[int],
    steps: int,
    reference_sizes: Sequence[int],
    seed: int = 1,
    progress=None,
    runs: int | None = None,
    memory_sizes: Sequence[int] | None = None,
) -> list[Result]:
    """Measure the fast engine at ``sizes`` and the reference at ``reference_sizes``, size by
    size (the fast engine, then the reference at the same size, so that their ratio is
    measured close together); the memory probe at ``memory_sizes`` (default: the fast sizes
    from 10,000 up), each in a fresh process; fill in the ratios wherever both ran."""
    say = progress or (lambda text: None)
    if memory_sizes is None:
        memory_sizes = [n for n in sizes if n >= MEMORY_FROM]
    results = []
    for n in sorted(set(sizes) | set(reference_sizes)):
        if n in sizes:
            k = runs or default_runs("fast", n)
            say(f"fast engine, N={n:,}, {k} x {steps} steps ...")
            results.append(measure("fast", n, steps, seed, runs=k))
        if n in reference_sizes:
            ref_steps = reference_steps(n, steps)
            k = runs or default_runs("reference", n)
            say(f"reference, N={n:,}, {k} x {ref_steps} steps ...")
            results.append(
                measure("reference", n, ref_steps, seed, runs=k, short_run=ref_steps < steps)
            )
    for n in sorted(memory_sizes):
        r = _find(results, "fast", n)
        if r is not None:
            say(f"memory, N={n:,}, in a fresh process ...")
            r.memory = measure_memory(n, min(MEMORY_STEPS, steps), seed)
    fill_ratios(results)
    return results


def fill_ratios(results: list[Result]) -> None:
    """On each fast row with a reference row of the same size: the reference's time per
    step over the fast engine's, over the same steps (the first ``k`` of each run, where
    ``k`` is the shorter of the two runs)."""
    for r in results:
        ref = _find(results, "reference", r.n)
        if r.implementation == "fast" and ref is not None:
            k = min(ref.steps, r.steps)
            r.ratio = ref.mean_of_first(k) / r.mean_of_first(k)
            r.ratio_steps = k


# -- reporting -----------------------------------------------------------------------------
def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import mesa
    import numba
    import numpy

    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
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
        "memory": memory,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "mesa": mesa.__version__,
        "platform": platform.platform(),
    }


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (None where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


COLUMNS = (
    "implementation",
    "N",
    "runs x steps",
    "set-up ms",
    "step median ms",
    "step mean ms",
    "collecting",
    "agent-steps/s",
    "cpu",
    "vs reference",
    "peak MB",
    "traced MB",
)


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:,.3f}" if ms < 1 else f"{ms:,.2f}" if ms < 100 else f"{ms:,.0f}"


def table_rows(results: list[Result]) -> list[tuple[str, ...]]:
    """The table's cells, one tuple per result, ordered by size then implementation."""
    rows = []
    for r in sorted(results, key=lambda r: (r.n, r.implementation != "fast")):
        m = r.memory
        rows.append(
            (
                "fast engine" if r.implementation == "fast" else "reference",
                f"{r.n:,}",
                f"{r.runs}x{r.steps}{'*' if r.short_run else ''}",
                _ms(r.setup_s),
                _ms(r.step_median_s),
                _ms(r.step_mean_s),
                "-" if r.collect_share is None else f"{r.collect_share:.0%}",
                f"{r.agent_steps_per_s:,.0f}",
                f"{r.cpu_share:.0%}",
                "-" if r.ratio is None else f"{r.ratio:.1f}x",
                "-" if m is None else f"{m['peak_mb']:.0f}",
                "-" if m is None else f"{m['traced_peak_mb']:.0f}",
            )
        )
    return rows


def _load(values: list[float] | None) -> str:
    return "unknown" if values is None else " ".join(f"{x:.2f}" for x in values)


def format_compile(c: dict) -> list[str]:
    """The compile-cost lines of the report."""

    def phases(r):
        return (
            f"import sim {r['import_s']:.2f} s, new model of {WARMUP_N} people "
            f"{r['model_s']:.2f} s, first step {r['step_s']:.2f} s: {r['total_s']:.2f} s"
        )

    return [
        f"Compile cost: first run on a fresh install compiles for {c['compile_s']:.1f} s; "
        f"later runs load the cache in {c['warm']['total_s']:.2f} s.",
        f"  empty numba cache (NUMBA_CACHE_DIR a new directory): {phases(c['cold'])}",
        f"  warm cache (the same directory, next process):      {phases(c['warm'])}",
        f"  ({c['cached_functions']} compiled functions, {c['cached_signatures']} "
        "signatures cached; compile time = the difference of the totals)",
    ]


def format_report(
    results: list[Result],
    info: dict,
    steps: int,
    load_before: list[float] | None = None,
    load_after: list[float] | None = None,
    warm: dict | None = None,
    compiled: dict | None = None,
    caches: Sequence[str] = (),
) -> str:
    """The whole printed report: machine and load, table, footnotes, compile cost, targets."""
    lines = [
        "Benchmark: interruption or interaction (Watts-Strogatz, mean degree 10, "
        f"default parameters, {steps} steps a run)",
        f"Machine: {info['cpu']}, {info['cores']}"
        + (f", {info['memory']}" if info.get("memory") else "")
        + f"; Python {info['python']}, numpy {info['numpy']}, numba {info.get('numba', '?')}, "
        f"mesa {info['mesa']} ({info['platform']})",
        f"Load average (1, 5, 15 min): {_load(load_before)} at the start, "
        f"{_load(load_after)} at the end",
    ]
    if warm is not None:
        lines.append(
            f"Warm-up in this process (not timed below): import sim {warm['import_s']:.2f} s, "
            f"a model of {WARMUP_N} people and 5 steps {warm['first_model_s']:.2f} s"
        )
    if caches:
        where = ", ".join(caches)
        source = (
            "NUMBA_CACHE_DIR"
            if os.environ.get("NUMBA_CACHE_DIR")
            else "numba's default, next to the source; NUMBA_CACHE_DIR overrides it"
        )
        lines.append(f"Compiled kernels cached in: {where} ({source})")
    lines.append("")
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
    probed = [r for r in results if r.memory is not None]
    memory_steps = probed[-1].memory["steps"] if probed else MEMORY_STEPS
    if any(r.short_run for r in results):
        lines.append(
            f"* the reference ran fewer steps than {steps} at this size "
            "(steps x 1,000 / N, at least 5); its ratio compares the same first steps."
        )
    if any(r.collect_share is None for r in results):
        lines.append(
            "collecting '-': not timed (the step did not go through datacollector.collect)."
        )
    lines += [
        "runs x steps: fresh models (same seed) x timed steps each; set-up: the median "
        "over the runs;",
        "step: one model.step() including data collection; step mean: each run's mean, "
        "median over the runs (the targets use it);",
        "collecting: share of the step in the DataCollector; cpu: process CPU time / wall "
        "time while stepping (under 100%: the machine took the core away for a while);",
        "vs reference: the reference's time per step over the fast engine's, same size, this "
        "run, same steps;",
        "peak MB: in a fresh process, peak RSS while building the model and running "
        f"{memory_steps} steps, beyond the RSS after imports and a warm-up run;",
        "traced MB: tracemalloc peak of the same (Python and numpy allocations only).",
    ]
    if probed:
        m = probed[-1].memory
        lines.append(
            f"  (baseline in that process: {m['baseline_mb']:.0f} MB: interpreter, libraries, "
            f"compiled kernels; measured by {m['method']})"
        )
    lines.append("")
    if compiled is not None:
        lines += [*format_compile(compiled), ""]
    lines.append("Targets:")
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
        description="Time the fast engine and the per-agent reference in one run, measure "
        "memory and the compile cost, and check the speed targets.",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=None,
        metavar="N",
        help="numbers of people for the fast engine (default: 300 1000 10000 100000)",
    )
    parser.add_argument(
        "--reference-sizes",
        nargs="*",
        default=None,
        metavar="N",
        help="numbers of people for the per-agent reference (default: 300 1000 10000; "
        "give none to skip it)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help=f"steps per run (default {DEFAULT_STEPS}; {QUICK_STEPS} with --quick)",
    )
    parser.add_argument(
        "--runs",
        "--repeats",
        type=int,
        default=None,
        help="fresh models per case (default: 10 at 300 people, 5 at 1,000, 3 above for the "
        "fast engine; 3 at 300, then 1 for the reference; 1 with --quick)",
    )
    parser.add_argument(
        "--memory-sizes",
        nargs="*",
        default=None,
        metavar="N",
        help="fast-engine sizes whose memory to measure, each in a fresh process (default: "
        "the sizes from 10000 up; give none to skip)",
    )
    parser.add_argument(
        "--no-compile-check",
        dest="compile_check",
        action="store_false",
        help="skip timing a fresh install's compilation (three subprocesses)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a short run: {QUICK_STEPS} steps, one run per case (sizes as given)",
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
        if args.memory_sizes is not None:
            args.memory_sizes = _sizes(args.memory_sizes)
    except (ValueError, argparse.ArgumentTypeError) as err:
        parser.error(str(err))
    if args.steps is None:
        args.steps = QUICK_STEPS if args.quick else DEFAULT_STEPS
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.runs is None and args.quick:
        args.runs = 1
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.memory_sizes and not set(args.memory_sizes) <= set(args.sizes):
        parser.error("--memory-sizes must be among --sizes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks and print the report; return the exit status (0: the targets are
    reported, not enforced)."""
    args = parse_args(argv)
    load_before = load_average()

    def progress(text):
        print(f"benchmarks: {text}", file=sys.stderr, flush=True)

    progress("warming up (imports, compiled kernels) ...")
    warm = warm_up(args.seed)
    info = machine()
    caches = cache_locations()
    results = run_benchmarks(
        args.sizes,
        args.steps,
        args.reference_sizes,
        args.seed,
        progress=progress,
        runs=args.runs,
        memory_sizes=args.memory_sizes,
    )
    compiled = None
    if args.compile_check:
        progress("compile cost: a fresh process with an empty numba cache, then warm ...")
        compiled = compile_cost()
    load_after = load_average()
    print(format_report(results, info, args.steps, load_before, load_after, warm, compiled, caches))
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
                    "load_before": load_before,
                    "load_after": load_after,
                    "steps": args.steps,
                    "settings": MODEL_SETTINGS,
                    "warm_up": warm,
                    "numba_cache": caches,
                    "compile": compiled,
                    "results": [asdict(r) for r in results],
                    "targets": targets,
                },
                f,
                indent=2,
            )
    return 0

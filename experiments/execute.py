"""Run a sweep: one run at a time, on local processes, or on a Dask cluster.

:func:`run_one` runs one :class:`~experiments.spec.RunSpec` and returns its row of
``runs.parquet`` and its rows of ``timeseries.parquet``. :func:`run_batch` runs several and
returns them as one :class:`~experiments.store.Part`, already encoded as Parquet.
:func:`run_spec` runs every run of a spec that its results folder does not hold yet, on one
of three backends, and writes each part as it arrives, in this process.

Runs go to the backend in batches, a few batches per worker ahead of those finished, never
all at once, so memory stays flat however long the sweep. A batch is one task for the
backend and one part on disk: the first batches hold one run each; later ones hold as many
runs as take about :data:`BATCH_SECONDS` (judged from the last batch finished), and
fewer towards the end so that the workers finish together. Batching is what keeps the
runner's own cost per run small next to a run of a few tens of milliseconds: a task
handed to a process, two Parquet files encoded, written and flushed to disk, once per
batch instead of once per run.

A run's numbers depend only on its parameters and its seed, so every backend, every
number of workers and every way of cutting the runs into batches gives the same tables
(``wall_s`` aside).
"""

from __future__ import annotations

import contextlib
import gc
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.params import PARAMETERS

from . import WORKER_PRELOAD
from .spec import DERIVED_REPORTERS, RunSpec, Spec
from .store import Part, Store, encode_part

__all__ = ["BackendError", "RunSummary", "map_tasks", "run_batch", "run_one", "run_spec"]

#: Batches handed to the backend ahead of those finished, per worker.
AHEAD_PER_WORKER = 2
#: Seconds of work a batch aims at, once a batch has finished to judge runs by: long
#: enough that the cost of a batch (a task, two Parquet parts flushed to disk) is small per
#: run, short enough that an interrupted sweep loses little and progress moves.
BATCH_SECONDS = 1.0
#: Most runs in one batch.
MAX_BATCH = 200
#: How long to try to reach a Dask scheduler before giving up.
CONNECT_TIMEOUT = "20s"


class BackendError(RuntimeError):
    """The backend could not be started or reached (e.g. no Dask scheduler at ADDRESS)."""


@dataclass
class RunSummary:
    folder: Path
    total: int  # runs in the spec
    skipped: int  # already in the folder before this call
    ran: int  # run by this call
    seconds: float
    backend: str


def run_one(
    run: RunSpec, steps: int, every: int, reporters: Sequence[str]
) -> tuple[dict, pd.DataFrame]:
    """Run the model for ``run`` and return ``(run_row, timeseries)``.

    ``run_row``: run_id, point, replicate, seed, every parameter, steps, the last value of
    each reporter in ``reporters``, ``time_to_half_faded`` (the first step at which at least
    half of the broadcasters had faded, NaN if never) and ``wall_s`` (seconds, model built
    and run). ``timeseries``: run_id, point, replicate, step and the reporters, at every
    ``every``-th step (step 0 included) and the last.
    """
    row, series = _run(run, steps, every, reporters)
    return row, pd.DataFrame(series)


def run_batch(runs: Sequence[RunSpec], steps: int, every: int, reporters: Sequence[str]) -> Part:
    """Run each of ``runs`` in turn (as :func:`run_one`) and return their results as one
    :class:`~experiments.store.Part`, ready to be written. What a worker does per task."""
    start = time.perf_counter()
    results = [_run(run, steps, every, reporters) for run in runs]
    return encode_part(
        [row for row, _ in results],
        [series for _, series in results],
        seconds=time.perf_counter() - start,
    )


def _run(
    run: RunSpec, steps: int, every: int, reporters: Sequence[str]
) -> tuple[dict, dict[str, np.ndarray]]:
    """:func:`run_one`, with the time series as a dict of numpy columns."""
    from sim import NetworkingModel

    start = time.perf_counter()
    model = NetworkingModel(rng=run.seed, **run.params)
    step = np.arange(steps + 1)
    keep = step[(step % every == 0) | (step == steps)]
    derived = [name for name in reporters if name in DERIVED_REPORTERS]
    measured = {name: np.full(steps + 1, math.nan) for name in derived}
    if derived:  # read off the model at each kept step, between the steps
        for at in keep:
            if at > model.steps:
                model.run_for(int(at) - model.steps)
            choices = model.preferred(audience="interactors")
            for name in derived:
                measured[name][at] = choices.get(name.removeprefix("choice_of_"), math.nan)
    else:
        model.run_for(steps)
    wall = time.perf_counter() - start
    # the collector's own lists (a DataFrame of every reporter would cost more than the
    # rows we keep): one collection when the model is built (step 0) and one a step
    collected = model.datacollector.model_vars
    faded = np.asarray(collected["faded_broadcasters"], dtype=float)
    assert len(faded) == steps + 1, steps
    half = np.flatnonzero(faded >= 0.5)
    kept = len(keep)
    series = {
        "run_id": np.full(kept, run.run_id),
        "point": np.full(kept, run.point, dtype=np.int64),
        "replicate": np.full(kept, run.replicate, dtype=np.int64),
        "step": keep,
    }
    row = {
        "run_id": run.run_id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
        **run.params,
        "steps": steps,
    }
    # a mix (pairs of name and weight) goes into the table as its text, "interrupt:1.0, ..."
    row["strategy_mix"] = PARAMETERS["strategy_mix"].to_text(run.params.get("strategy_mix"))
    for name in reporters:
        # a group no one in this run belongs to (a strategy swept in and out): NaN
        if name in measured:
            values = measured[name]
        elif name == "faded_broadcasters":
            values = faded
        elif name in collected:
            values = np.asarray(collected[name], dtype=float)
        else:
            values = np.full(steps + 1, math.nan)
        series[name] = values[keep]
        row[name] = float(values[-1])
    row["time_to_half_faded"] = float(half[0]) if len(half) else math.nan
    row["wall_s"] = wall
    return row, series


# -- the sweep --------------------------------------------------------------------------------
def run_spec(
    spec: Spec,
    folder: str | Path | None = None,
    *,
    workers: int | None = None,
    serial: bool = False,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Run every run of ``spec`` that ``folder`` (default ``spec.default_folder()``) lacks.

    Backends: ``serial=True`` (one after another, here), ``scheduler="tcp://host:8786"``
    (a Dask distributed cluster), else local processes (``workers``, default the number of
    cores). ``progress(done, total)`` is called once before the first run and after each
    batch of runs is written. A KeyboardInterrupt stops the workers and leaves only whole
    results behind: the batches written so far, each complete.
    """
    if sum([serial, scheduler is not None, workers is not None]) > 1:
        raise ValueError("choose one backend: workers=N, serial=True or scheduler=ADDRESS")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more (got {workers})")
    folder = Path(folder) if folder is not None else spec.default_folder()
    start = time.perf_counter()
    with Store(folder) as store:
        store.open(spec)
        done = store.done()
        todo = [run for run in spec.runs() if run.run_id not in done]
        skipped = spec.n_runs - len(todo)
        args = (spec.steps, spec.every, tuple(spec.reporters))
        if serial:
            backend, results = "serial", _serial(Batches(todo, 1), args)
        elif scheduler is not None:
            backend, results = f"dask {scheduler}", _dask(todo, args, scheduler)
        else:
            n = min(workers or os.cpu_count() or 1, max(len(todo), 1))
            backend, results = f"{n} processes", _processes(Batches(todo, n), args, n)
        count = skipped
        if progress:
            progress(count, spec.n_runs)
        with contextlib.closing(results):
            for part in results:
                store.write_part(part)
                count += len(part.run_ids)
                if progress:
                    progress(count, spec.n_runs)
    return RunSummary(
        folder, spec.n_runs, skipped, count - skipped, time.perf_counter() - start, backend
    )


class Batches:
    """Cuts the runs to do into batches, in order, sized by how long the last batch took.

    ``take()`` gives the next batch (None when all are given out); ``record(part)`` tells
    how long a finished batch took. Until a batch has finished a batch is one run; then
    as many runs as fit in :data:`BATCH_SECONDS` at the last batch's pace (at most
    :data:`MAX_BATCH`). With several workers, a batch is also at most a share of what is
    left (what is left over the batches the workers hold), so that the last batches are
    small and the workers finish together.
    """

    def __init__(self, runs: Sequence[RunSpec], workers: int):
        self.runs, self.workers = list(runs), max(1, workers)
        self.given = 0  # runs given out so far
        self.per_run: float | None = None  # seconds a run, in the last finished batch

    def take(self) -> list[RunSpec] | None:
        left = len(self.runs) - self.given
        if left <= 0:
            return None
        size = 1
        if self.per_run is not None:
            size = MAX_BATCH if self.per_run <= 0 else int(BATCH_SECONDS / self.per_run)
            size = min(size, MAX_BATCH)
            if self.workers > 1:  # the last batches small, so the workers finish together
                size = min(size, math.ceil(left / (AHEAD_PER_WORKER * self.workers)))
            size = max(1, size)
        batch = self.runs[self.given : self.given + size]
        self.given += len(batch)
        return batch

    def record(self, part: Part) -> None:
        if part.run_ids:
            self.per_run = part.seconds / len(part.run_ids)


def _serial(batches: Batches, args) -> Iterator[Part]:
    while (batch := batches.take()) is not None:
        part = run_batch(batch, *args)
        batches.record(part)
        yield part


def _processes(batches: Batches, args, workers: int) -> Iterator[Part]:
    """Local worker processes, started by a fork server that has the model imported (fork
    from the main process is avoided: numba and threads do not survive it well)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    if not batches.runs:
        return
    pool = _pool(workers)
    pending: set = set()
    try:
        while True:
            while len(pending) < AHEAD_PER_WORKER * workers:
                batch = batches.take()
                if batch is None:
                    break
                pending.add(pool.submit(run_batch, batch, *args))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                part = future.result()
                batches.record(part)
                yield part
    except BaseException:
        _stop(pool)  # interrupted, or a run failed: stop the workers now (they write nothing)
        raise
    pool.shutdown(wait=True)


def start_method() -> str:
    """How local workers start: from a fork server that has the model imported where the
    system has one (Linux, macOS), else as fresh processes (``spawn``: Windows). Never a
    plain fork of the main process: numba and threads do not survive it well."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def _pool(workers: int):
    """A pool of local worker processes (:func:`start_method`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(WORKER_PRELOAD)  # if not started yet (see __main__)
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )


def _stop(pool) -> None:
    """Stop a pool's workers now, whatever they are doing."""
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _worker_start(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, exit if the parent is gone (killed
    with -9, it cannot stop its workers), and keep the garbage collector off the objects
    of the imports (see :func:`_freeze_imports`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _freeze_imports()
    if os.name == "nt":
        # os.kill(pid, 0) would end the parent there, not probe it; a spawned worker
        # notices a lost parent through the pool's broken pipe instead
        return

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _freeze_imports() -> None:
    """Move every object alive now (the modules and what they hold: over a hundred
    thousand objects) out of the garbage collector's reach. The models a worker builds and
    drops hold reference cycles, so the collector's full pass comes round from time to
    time; without this, each pass walks all those objects again to free a few models."""
    gc.freeze()


def _dask(runs: list[RunSpec], args, address: str) -> Iterator[Part]:
    """A Dask distributed cluster: batches are submitted a few per worker thread at a
    time, and each result comes back here to be written."""
    from distributed import as_completed

    client = _client(address)
    try:
        if not runs:
            return
        threads = sum(client.nthreads().values()) or 1
        batches = Batches(runs, threads)

        def submit(batch: list[RunSpec]):
            return client.submit(
                run_batch,
                batch,
                *args,
                pure=False,
                key=f"runs-{batch[0].run_id}-{len(batch)}-{os.getpid()}-{time.time_ns()}",
            )

        first = []
        for _ in range(AHEAD_PER_WORKER * threads):
            batch = batches.take()
            if batch is None:
                break
            first.append(submit(batch))
        finished = as_completed(first, loop=client.loop)
        for future in finished:
            part = future.result()
            future.release()
            batches.record(part)
            yield part
            batch = batches.take()
            if batch is not None:
                finished.add(submit(batch))
    finally:
        client.close()


def _client(address: str):
    """A Dask client of the scheduler at ``address``, or :class:`BackendError`."""
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise BackendError(f"cannot reach the Dask scheduler at {address}: {err}") from None


# -- any tasks --------------------------------------------------------------------------------
def map_tasks(
    func: Callable,
    tasks: Sequence,
    *,
    workers: int | None = None,
    serial: bool = False,
    scheduler: str | None = None,
) -> Iterator[tuple[int, object]]:
    """Run ``func(task)`` for each of ``tasks`` on a sweep's backends and yield
    ``(index, result)`` as each finishes (in any order). ``func`` and the tasks must be
    picklable (a module-level function). Backends as in :func:`run_spec`: ``serial``
    (here), ``scheduler`` (a Dask cluster) or local processes (``workers``, default the
    number of cores, at most one per task). An exception in a task is raised here, and the
    other tasks are stopped. Used by the class tournament (:mod:`workshop.tournament`)."""
    if sum([serial, scheduler is not None, workers is not None]) > 1:
        raise ValueError("choose one backend: workers=N, serial=True or scheduler=ADDRESS")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more (got {workers})")
    tasks = list(tasks)
    if not tasks:
        return
    if serial:
        for i, task in enumerate(tasks):
            yield i, func(task)
        return
    if scheduler is not None:
        from distributed import as_completed

        client = _client(scheduler)
        try:
            futures = {
                client.submit(
                    func, task, pure=False, key=f"task-{i}-{os.getpid()}-{time.time_ns()}"
                ): i
                for i, task in enumerate(tasks)
            }
            for future in as_completed(list(futures), loop=client.loop):
                yield futures[future], future.result()
                future.release()
        finally:
            client.close()
        return
    from concurrent.futures import as_completed

    pool = _pool(min(workers or os.cpu_count() or 1, len(tasks)))
    try:
        futures = {pool.submit(func, task): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)

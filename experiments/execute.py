"""Run a sweep: one run at a time, on local processes, or on a Dask cluster.

:func:`run_one` runs one :class:`~experiments.spec.RunSpec` and returns its row of
``runs.parquet`` and its rows of ``timeseries.parquet``. :func:`run_spec` runs every run of a
spec that its results folder does not hold yet, on one of three backends, and writes each
result as it arrives, in this process. Runs go to the backend in small batches (a few per
worker), never all at once, so memory stays flat however long the sweep.

A run's numbers depend only on its parameters and its seed, so every backend and every
number of workers gives the same tables (``wall_s`` aside).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .spec import RunSpec, Spec
from .store import Store

__all__ = ["BackendError", "RunSummary", "run_one", "run_spec"]

#: Runs handed to the backend ahead of those finished, per worker.
AHEAD_PER_WORKER = 2
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
    from sim import NetworkingModel

    start = time.perf_counter()
    model = NetworkingModel(rng=run.seed, **run.params)
    model.run_for(steps)
    wall = time.perf_counter() - start
    # the collector's own lists (a DataFrame of every reporter would cost more than the
    # rows we keep): one collection when the model is built (step 0) and one a step
    collected = model.datacollector.model_vars
    assert len(collected["faded_broadcasters"]) == steps + 1, steps
    step = np.arange(steps + 1)
    half = np.flatnonzero(np.asarray(collected["faded_broadcasters"], dtype=float) >= 0.5)
    keep = (step % every == 0) | (step == steps)
    series = {
        "run_id": np.full(int(keep.sum()), run.run_id),
        "point": np.int64(run.point),
        "replicate": np.int64(run.replicate),
        "step": step[keep],
    }
    row = {
        "run_id": run.run_id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
        **run.params,
        "steps": steps,
    }
    for name in reporters:
        # a group no one in this run belongs to (a strategy swept in and out): NaN
        values = (
            np.asarray(collected[name], dtype=float)
            if name in collected
            else np.full(steps + 1, math.nan)
        )
        series[name] = values[keep]
        row[name] = float(values[-1])
    series = pd.DataFrame(series)
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
    cores). ``progress(done, total)`` is called once before the first run and after each.
    A KeyboardInterrupt stops the workers and leaves only whole results behind.
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
            backend, results = "serial", _serial(todo, args)
        elif scheduler is not None:
            backend, results = f"dask {scheduler}", _dask(todo, args, scheduler)
        else:
            n = min(workers or os.cpu_count() or 1, max(len(todo), 1))
            backend, results = f"{n} processes", _processes(todo, args, n)
        count = skipped
        if progress:
            progress(count, spec.n_runs)
        with contextlib.closing(results):
            for row, series in results:
                store.write(row, series)
                count += 1
                if progress:
                    progress(count, spec.n_runs)
    return RunSummary(
        folder, spec.n_runs, skipped, count - skipped, time.perf_counter() - start, backend
    )


def _serial(runs: list[RunSpec], args) -> Iterator[tuple[dict, pd.DataFrame]]:
    for run in runs:
        yield run_one(run, *args)


def _processes(runs: list[RunSpec], args, workers: int) -> Iterator[tuple[dict, pd.DataFrame]]:
    """Local worker processes, started by a fork server that has the model imported (fork
    from the main process is avoided: numba and threads do not survive it well)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    if not runs:
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim", "experiments.execute"])
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    pending: set = set()
    queue = iter(runs)
    try:
        while True:
            while len(pending) < AHEAD_PER_WORKER * workers:
                run = next(queue, None)
                if run is None:
                    break
                pending.add(pool.submit(run_one, run, *args))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    except BaseException:
        # interrupted, or a run failed: stop the workers now (they write nothing)
        for process in list(getattr(pool, "_processes", {}).values()):
            with contextlib.suppress(Exception):
                process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _worker_start(parent: int) -> None:
    """In each worker: leave Ctrl-C to the parent, and exit if the parent is gone (killed
    with -9, it cannot stop its workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

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


def _dask(runs: list[RunSpec], args, address: str) -> Iterator[tuple[dict, pd.DataFrame]]:
    """A Dask distributed cluster: runs are submitted a few per worker thread at a time,
    and each result comes back here to be written."""
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise BackendError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    try:
        if not runs:
            return
        threads = sum(client.nthreads().values()) or 1
        queue = iter(runs)

        def submit(run: RunSpec):
            return client.submit(
                run_one,
                run,
                *args,
                pure=False,
                key=f"run-{run.run_id}-{os.getpid()}-{time.time_ns()}",
            )

        batch = [submit(run) for run in _take(queue, AHEAD_PER_WORKER * threads)]
        finished = as_completed(batch, loop=client.loop)
        for future in finished:
            result = future.result()
            future.release()
            yield result
            run = next(queue, None)
            if run is not None:
                finished.add(submit(run))
    finally:
        client.close()


def _take(items: Iterator, n: int) -> Iterable:
    for _ in range(n):
        item = next(items, None)
        if item is None:
            return
        yield item

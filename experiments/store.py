"""The results folder of one experiment (layout in docs/experiments.md).

::

    results/<name>/
        spec.toml                                  the spec as run
        runs.parquet/part-p0007-r03.parquet        the row of one run, or
        runs.parquet/part-p0008-r00-n12.parquet    the rows of a batch of 12 runs
        timeseries.parquet/part-p0007-r03.parquet  their kept steps, under the same name
        timeseries.parquet/part-p0008-r00-n12.parquet

The runner writes the runs of a batch together (:class:`Part`): one part in each folder,
named after the batch's first run and, for more than one run, how many it holds. The
``run_id`` column, not the name, says which runs a part holds.

Every part is written to a temporary file in the same folder (its name starts with a dot,
which Parquet readers skip), flushed to disk, and renamed over its final name, so a part is
either whole or absent whatever happens to the process. The runs of a batch count as done
when its ``runs`` part exists; its ``timeseries`` part is written just before, so a done
run always has both. Temporary files left by a killed sweep, and a ``timeseries`` part
whose ``runs`` part never came, are removed when the folder is opened again for writing.

Readers: :func:`read_runs`, :func:`read_timeseries`, :func:`read_spec` (what the report uses).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .spec import Spec, load_spec

__all__ = [
    "Part",
    "ResultsError",
    "Store",
    "encode_part",
    "read_runs",
    "read_spec",
    "read_timeseries",
]

RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
SPEC = "spec.toml"
PREFIX, SUFFIX = "part-", ".parquet"
LOCK = ".lock"


class ResultsError(ValueError):
    """A results folder cannot be used as asked (another spec's results, busy, missing)."""


@dataclass(frozen=True)
class Part:
    """The results of a batch of runs, encoded as the two Parquet files written for it.

    Made where the runs ran (:func:`encode_part`), so that the process writing the folder
    only writes bytes. ``seconds``: how long the batch took to run and encode.
    """

    run_ids: tuple[str, ...]
    runs: bytes  # Parquet: one row per run
    timeseries: bytes  # Parquet: the kept steps of every run
    seconds: float = 0.0

    @property
    def name(self) -> str:
        """The file name of both parts: ``part-<first run_id>[-n<runs>].parquet``."""
        more = f"-n{len(self.run_ids)}" if len(self.run_ids) > 1 else ""
        return f"{PREFIX}{self.run_ids[0]}{more}{SUFFIX}"


def encode_part(
    rows: Sequence[dict], series: Sequence[dict[str, np.ndarray]], seconds: float = 0.0
) -> Part:
    """Encode the run rows ``rows`` and their time series (one dict of equally long numpy
    columns per run, the same columns for all) as a :class:`Part`."""
    import pyarrow as pa

    if not rows or len(rows) != len(series):
        raise ValueError(f"a part needs one time series per run ({len(rows)} rows, {len(series)})")
    # rows straight to Arrow (a DataFrame first costs more than the write); columns of the
    # time series joined in numpy
    runs = pa.Table.from_pylist(list(rows))
    columns = {
        str(name): np.concatenate([s[name] for s in series]) if len(series) > 1 else column
        for name, column in series[0].items()
    }
    return Part(
        tuple(row["run_id"] for row in rows),
        _parquet_bytes(runs),
        _parquet_bytes(pa.Table.from_pydict(columns)),
        seconds,
    )


class Store:
    """One results folder. ``open(spec)`` before writing; ``close()`` (or ``with``) after."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.runs_dir = self.folder / RUNS
        self.timeseries_dir = self.folder / TIMESERIES
        self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- opening ------------------------------------------------------------------------------
    def open(self, spec: Spec) -> None:
        """Make the folder ready for ``spec``: refuse another spec's results and a second
        writer, keep a copy of the spec, and clear temporary files of an interrupted run."""
        if self.folder.exists() and not self.folder.is_dir():
            raise ResultsError(f"{self.folder} is a file, not a results folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self._check_spec(spec)
            for directory in (self.runs_dir, self.timeseries_dir):
                directory.mkdir(exist_ok=True)
                for leftover in directory.glob(".*.tmp*"):
                    leftover.unlink(missing_ok=True)
            # a time series whose runs part never came (killed between the two): its runs
            # are not done and run again, perhaps in other batches under other names
            done = {p.name for p in self._parts(self.runs_dir)}
            for orphan in self._parts(self.timeseries_dir):
                if orphan.name not in done:
                    orphan.unlink(missing_ok=True)
        except BaseException:
            self.close()
            raise

    def _take_lock(self) -> None:
        handle = open(self.folder / LOCK, "a")  # noqa: SIM115 - held until close()
        try:
            _lock_file(handle)
        except OSError:
            handle.close()
            raise ResultsError(
                f"{self.folder}: another `experiments run` is writing to this "
                "folder; wait for it or stop it first"
            ) from None
        self._lock = handle

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    def _check_spec(self, spec: Spec) -> None:
        copy = self.folder / SPEC
        if copy.exists():
            try:
                before = load_spec(copy)
            except ValueError as err:
                raise ResultsError(
                    f"{copy} cannot be read back ({err}); is {self.folder} a "
                    "results folder? Use another --out folder"
                ) from None
            changed = spec.differences(before)
            if changed:
                raise ResultsError(
                    f"{self.folder} holds the results of a different spec (it differs in "
                    f"{'; '.join(changed)}); use another --out folder, or delete this one "
                    "to start again"
                )
            if copy.read_text(encoding="utf-8") == spec.effective_toml():
                return
            # Same runs, other words (a title, the report table): keep the newer text.
        _write_atomic_text(copy, spec.effective_toml())

    # -- writing ------------------------------------------------------------------------------
    def done(self) -> set[str]:
        """run_ids of the runs whose results are on disk (whole parts only)."""
        ids: set[str] = set()
        for path in self._parts(self.runs_dir):
            stem = path.name[len(PREFIX) : -len(SUFFIX)]
            if "-n" in stem:  # a batch: its run_id column says which runs
                ids.update(_run_ids(path))
            else:
                ids.add(stem)
        return ids

    def write_part(self, part: Part) -> None:
        """Write the two parts of a batch of runs: the time series first, then the run rows
        (which mark the runs done)."""
        _write_atomic_bytes(self.timeseries_dir / part.name, part.timeseries)
        _write_atomic_bytes(self.runs_dir / part.name, part.runs)

    # -- reading ------------------------------------------------------------------------------
    def read_runs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """One row per finished run, sorted by point and replicate."""
        return _read(self._parts(self.runs_dir), columns, ["point", "replicate"])

    def read_timeseries(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The kept steps of every finished run, sorted by point, replicate and step."""
        done = {p.name for p in self._parts(self.runs_dir)}
        parts = [p for p in self._parts(self.timeseries_dir) if p.name in done]
        return _read(parts, columns, ["point", "replicate", "step"])

    def read_spec(self) -> Spec:
        return read_spec(self.folder)

    @staticmethod
    def _parts(directory: Path) -> list[Path]:
        if not directory.is_dir():
            return []
        return sorted(
            p for p in directory.iterdir() if p.name.startswith(PREFIX) and p.name.endswith(SUFFIX)
        )


def read_runs(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """``runs.parquet`` of a results folder as a DataFrame sorted by point, replicate."""
    return Store(_existing(folder)).read_runs(columns)


def read_timeseries(folder: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """``timeseries.parquet`` of a results folder, sorted by point, replicate, step."""
    return Store(_existing(folder)).read_timeseries(columns)


def read_spec(folder: str | Path) -> Spec:
    """The spec a results folder was made with (``spec.quick`` says whether --quick)."""
    copy = _existing(folder) / SPEC
    if not copy.exists():
        raise ResultsError(
            f"{folder} has no {SPEC}: not a results folder (run "
            "`python -m experiments run SPEC` first)"
        )
    return load_spec(copy)


def _existing(folder: str | Path) -> Path:
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    return folder


def _read(parts: list[Path], columns, order: list[str]) -> pd.DataFrame:
    import pyarrow.dataset as ds

    if not parts:
        return pd.DataFrame(columns=columns or [])
    table = ds.dataset([str(p) for p in parts], format="parquet").to_table(columns=columns)
    frame = table.to_pandas()
    keys = [k for k in order if k in frame.columns]
    if keys:
        frame = frame.sort_values(keys, kind="stable")
    return frame.reset_index(drop=True)


def _run_ids(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=["run_id"]).column(0).to_pylist()


def _lock_file(handle) -> None:
    """Take an exclusive lock on an open file without waiting; OSError if another process
    holds it. The lock goes when the file is closed (or its process ends)."""
    try:
        import fcntl
    except ImportError:  # Windows: lock the file's first byte
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _parquet_bytes(table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # parts are small and many: no compression or column statistics to compute (measured:
    # a third of the write's time), the folder is compressed enough read as one table
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="none", write_statistics=False)
    return sink.getvalue().to_pybytes()


def _write_atomic_bytes(path: Path, data: bytes) -> None:
    _write_atomic(path, lambda handle: handle.write(data))


def _write_atomic_text(path: Path, text: str) -> None:
    _write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def _write_atomic(path: Path, write) -> None:
    """Write through ``write(handle)`` into a temporary file beside ``path``, flush it to
    disk, then rename it over ``path`` (atomic on POSIX). A killed process leaves the part
    whole or absent. The folder entry is not flushed each time (it doubled the cost of a
    part): after a power cut the newest parts may be missing, never half-written, and a
    rerun computes them again."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

"""Strategy files loaded when :mod:`agents` is imported: your own strategies, everywhere.

A strategy written in a file of its own (one class decorated with ``@register``) becomes
usable by name in the app, in ``python -m sim``, in sweeps and in their worker processes,
without touching the engine, once its file sits in a *strategy folder*:

* the folders (or single ``.py`` files) listed in the environment variable
  ``NETWORKING_STRATEGIES``, separated by ``os.pathsep`` (``:`` on Linux and macOS);
* when that variable is unset or empty, ``my_strategies/`` at the repository root, if it
  exists.

Every ``*.py`` file of a folder is imported, in name order (files whose name starts with
``_`` or ``.`` are skipped); importing a file runs its ``@register``. A file that fails to
import (a syntax error, a name already taken, an exception) does not stop the others, nor
the app or the sweep: the error is kept (:func:`load_errors`) and logged as a warning that
names the file. Worker processes of a sweep import :mod:`sim`, hence :mod:`agents`, hence
these files: the same strategies are registered there (they inherit the environment).

Each file is imported as a module of its own whose name depends only on the file's path
(:func:`module_name`), so loading the same file again, in this process or in another one,
registers the same classes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import registry

__all__ = [
    "DEFAULT_FOLDER",
    "ENV_VAR",
    "LoadResult",
    "load_errors",
    "load_file",
    "load_plugins",
    "loaded",
    "module_name",
    "strategy_paths",
    "unload_file",
]

#: The environment variable naming the strategy folders (os.pathsep between them).
ENV_VAR = "NETWORKING_STRATEGIES"
#: Where strategy files go when the variable is not set: my_strategies/ at the repository root.
DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "my_strategies"

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    """What importing one strategy file did: the strategies it registered (their names, in
    order), or the error that stopped it (one line, ``error``, and the whole traceback)."""

    path: Path
    module: str
    names: list[str] = field(default_factory=list)
    error: str | None = None
    exception: BaseException | None = None
    details: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


_LOADED: dict[Path, LoadResult] = {}  # every file loaded by load_plugins, by resolved path
_ERRORS: dict[Path, str] = {}


def strategy_paths(env: str | None = None) -> list[Path]:
    """The folders and files to load: ``NETWORKING_STRATEGIES`` if set and not empty (from
    ``env`` if given), else ``my_strategies/`` when it exists."""
    value = os.environ.get(ENV_VAR, "") if env is None else env
    entries = [Path(e).expanduser() for e in value.split(os.pathsep) if e.strip()]
    if entries:
        return entries
    return [DEFAULT_FOLDER] if DEFAULT_FOLDER.is_dir() else []


def module_name(path: str | Path) -> str:
    """The module name a strategy file is imported under: its stem and a short hash of
    its resolved path (two folders may both hold a ``mine.py``)."""
    path = Path(path).resolve()
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:8]
    stem = "".join(c if c.isalnum() or c == "_" else "_" for c in path.stem)
    return f"strategy_file_{stem}_{digest}"


def load_file(path: str | Path, record: bool = False) -> LoadResult:
    """Import one strategy file and return what it registered, or why it failed.

    Never raises for a fault of the file: the error is in the result (a file that
    registered strategies before failing has them removed again). With ``record``, the
    file joins :func:`loaded` (and :func:`load_errors` if it failed), as a file of a
    strategy folder does."""
    path = Path(path).resolve()
    if record:
        result = load_file(path)
        _LOADED[path] = result
        if not result.ok:
            _ERRORS[path] = result.error
            log.warning("could not load the strategy file %s: %s", path, result.error)
        return result
    name = module_name(path)
    result = LoadResult(path, name)
    before = registry.snapshot()
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path.name}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except BaseException as err:  # noqa: BLE001 - a broken file must not stop the rest
        if isinstance(err, KeyboardInterrupt):
            raise
        sys.modules.pop(name, None)
        registry.restore(before)  # new entries go, a replaced entry comes back
        result.error = describe_error(err, path)
        result.exception = err
        result.details = "".join(traceback.format_exception(err))
        return result
    result.names = [key for key, cls in registry.snapshot().items() if before.get(key) is not cls]
    return result


def unload_file(path: str | Path) -> list[str]:
    """Forget a strategy file: unregister the strategies its module registered and drop the
    module. Returns the names removed."""
    name = module_name(path)
    removed = [key for key, cls in registry.snapshot().items() if cls.__module__ == name]
    for key in removed:
        registry.unregister(key)
    sys.modules.pop(name, None)
    _LOADED.pop(Path(path).resolve(), None)
    _ERRORS.pop(Path(path).resolve(), None)
    return removed


def describe_error(err: BaseException, path: Path) -> str:
    """One line: the exception, and the line of ``path`` where it happened if known."""
    if isinstance(err, SyntaxError) and err.lineno is not None:
        return f"SyntaxError on line {err.lineno}: {err.msg}"
    line = None
    for frame in traceback.extract_tb(err.__traceback__):
        if frame.filename and Path(frame.filename).resolve() == path:
            line = frame.lineno
    where = f" (line {line})" if line else ""
    return f"{type(err).__name__}{where}: {err}"


def _files(entry: Path) -> list[Path]:
    if entry.is_dir():
        return sorted(p for p in entry.glob("*.py") if not p.name.startswith(("_", ".")))
    if entry.is_file():
        return [entry]
    return []


def load_plugins(env: str | None = None) -> list[LoadResult]:
    """Load every strategy file of :func:`strategy_paths` not loaded yet; return the
    results of this call. Failures are logged (a warning naming the file) and kept."""
    results = []
    for entry in strategy_paths(env):
        if not entry.exists():
            log.warning("strategy folder %s (from %s) does not exist", entry, ENV_VAR)
            continue
        for path in _files(entry):
            path = path.resolve()
            if path in _LOADED:
                continue
            results.append(load_file(path, record=True))
    return results


def loaded() -> dict[Path, LoadResult]:
    """Every strategy file loaded so far by :func:`load_plugins`, by path (failures too)."""
    return dict(_LOADED)


def load_errors() -> dict[Path, str]:
    """The strategy files that failed to load, each with its error in one line."""
    return dict(_ERRORS)

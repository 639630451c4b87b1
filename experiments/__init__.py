"""Parameter-sweep experiments on the model: specs, runs, results and reports.

One TOML file per experiment (``experiments/*.toml``, format in docs/experiments.md).
``python -m experiments run SPEC`` runs it (``experiments.execute``) into a results folder
(``experiments.store``); ``python -m experiments report FOLDER`` writes its report.

Importing this package costs next to nothing: the names below come from
``experiments.spec``, which imports the model (``sim``, about a second), only when first
used; the backends (processes, Dask) are imported when a sweep starts. The command line
relies on this to start its worker processes while it is still importing the model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = ["WORKER_PRELOAD", "RunSpec", "Spec", "SpecError", "load_spec", "parse_spec"]

#: Modules the local worker processes import once, in the fork server they are forked from:
#: the model itself (``sim`` alone loads its names lazily), with its compiled kernels.
WORKER_PRELOAD = ["sim.model", "sim.kernels", "sim.collect", "experiments.execute"]

if TYPE_CHECKING:  # pragma: no cover
    from .spec import RunSpec, Spec, SpecError, load_spec, parse_spec


def __getattr__(name: str):
    if name in ("RunSpec", "Spec", "SpecError", "load_spec", "parse_spec"):
        value = getattr(importlib.import_module(".spec", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Parameter-sweep experiments on the model: specs, runs, results and reports.

One TOML file per experiment (``experiments/*.toml``, format in docs/experiments.md).
``python -m experiments run SPEC`` runs it (``experiments.execute``) into a results folder
(``experiments.store``); ``python -m experiments report FOLDER`` writes its report.

This package imports nothing heavy at import time: ``from experiments import load_spec``
is cheap, and the backends (processes, Dask) are imported when a sweep starts.
"""

from .spec import RunSpec, Spec, SpecError, load_spec, parse_spec

__all__ = ["RunSpec", "Spec", "SpecError", "load_spec", "parse_spec"]

"""The model: people networking by interruption or interaction on a social graph.

Public contract: :class:`NetworkingModel`, the parameter declarations :data:`PARAMETERS`,
the network names :data:`NETWORKS` and :class:`ParameterError`. This package imports
nothing from the app or the experiments.

The names are loaded when first used (PEP 562): ``import sim.params`` (all a spec file or a
command line needs to be checked) does not pay for importing Mesa and the compiled step.
"""

from __future__ import annotations

import importlib

#: Public name -> the submodule that defines it.
_WHERE = {
    "BY_START_SUFFIX": "model",
    "REPORTER_HELP": "model",
    "NetworkingModel": "model",
    "reporter_help": "model",
    "reporter_names": "model",
    "GROUPS": "params",
    "NETWORKS": "params",
    "PARAMETERS": "params",
    "Param": "params",
    "ParameterError": "params",
    "defaults": "params",
    "StrategyError": "world",
}

__all__ = sorted(_WHERE, key=lambda name: (name[0].islower(), name))


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))

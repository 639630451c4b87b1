"""The model: people networking by interruption or interaction on a social graph.

Public contract: :class:`NetworkingModel`, the parameter declarations :data:`PARAMETERS`,
the network names :data:`NETWORKS` and :class:`ParameterError`. This package imports
nothing from the app or the experiments.
"""

from .model import BY_START_SUFFIX, REPORTER_HELP, NetworkingModel, reporter_help, reporter_names
from .params import GROUPS, NETWORKS, PARAMETERS, Param, ParameterError, defaults
from .world import StrategyError

__all__ = [
    "BY_START_SUFFIX",
    "GROUPS",
    "NETWORKS",
    "PARAMETERS",
    "REPORTER_HELP",
    "NetworkingModel",
    "Param",
    "ParameterError",
    "StrategyError",
    "defaults",
    "reporter_help",
    "reporter_names",
]

"""People and their strategies.

* :class:`Person`: the Mesa agent for one person.
* :class:`Strategy` / :class:`PersonStrategy`: write your own strategy (vectorized or one
  person at a time), decorate it with :func:`register`, and use it by name.
* Built in: ``interrupt`` (:class:`Interrupt`) and ``interact`` (:class:`Interact`); and
  ``played`` (:class:`Played`), a person a student plays in the room, step by step.
* Your own files: every strategy file in ``my_strategies/`` (or in the folders named by
  ``NETWORKING_STRATEGIES``) is imported at the end of this module, so its strategies are
  registered wherever ``agents`` is imported (:mod:`agents.plugins`).

This package imports nothing from the app, the experiments or the engine (:mod:`sim`): the
world uses the strategies, and a strategy sees only what the world hands it. The errors a
strategy can cause (:class:`StrategyError`, with a ``reason`` code) live here
(:mod:`agents.errors`).
"""

from . import plugins
from .errors import Reason, RegistrationError, RegistrationReason, StrategyError
from .interact import Interact
from .interrupt import Interrupt
from .person import Person
from .played import Played
from .registry import (
    available_strategies,
    get_strategy,
    get_strategy_class,
    group_of,
    register,
    unregister,
)
from .strategy import Message, Messages, PersonStrategy, Strategy

__all__ = [
    "Interact",
    "Interrupt",
    "Message",
    "Messages",
    "Person",
    "PersonStrategy",
    "Played",
    "Reason",
    "RegistrationError",
    "RegistrationReason",
    "Strategy",
    "StrategyError",
    "available_strategies",
    "get_strategy",
    "get_strategy_class",
    "group_of",
    "register",
    "unregister",
]

# Last, when every name above exists: strategy files import them from here.
plugins.load_plugins()

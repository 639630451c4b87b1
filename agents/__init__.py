"""People and their strategies.

* :class:`Person`: the Mesa agent for one person.
* :class:`Strategy` / :class:`PersonStrategy`: write your own strategy (vectorized or one
  person at a time), decorate it with :func:`register`, and use it by name.
* Built in: ``interrupt`` (:class:`Interrupt`) and ``interact`` (:class:`Interact`).
* Your own files: every strategy file in ``my_strategies/`` (or in the folders named by
  ``NETWORKING_STRATEGIES``) is imported at the end of this module, so its strategies are
  registered wherever ``agents`` is imported (:mod:`agents.plugins`).

This package imports nothing from the app or the experiments.
"""

from . import plugins
from .interact import Interact
from .interrupt import Interrupt
from .person import Person
from .registry import available_strategies, get_strategy, register, unregister
from .strategy import Message, Messages, PersonStrategy, Strategy

__all__ = [
    "Interact",
    "Interrupt",
    "Message",
    "Messages",
    "Person",
    "PersonStrategy",
    "Strategy",
    "available_strategies",
    "get_strategy",
    "register",
    "unregister",
]

# Last, when every name above exists: strategy files import them from here.
plugins.load_plugins()

"""The strategy registry: strategies are found by name.

A strategy is registered with the :func:`register` class decorator and is then usable by
name in the model's parameters (``broadcaster_strategy``, ``interactor_strategy``), in the
app and in sweeps, without touching the engine.

Look-ups: :func:`available_strategies`, :func:`get_strategy` (a new instance),
:func:`get_strategy_class` (the class), :func:`group_of` (the group a strategy is reported
under). :func:`snapshot` and :func:`restore` put the registry back after registering
something for a while (a learner's file being checked, a test).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from types import MappingProxyType

from .errors import RegistrationError, RegistrationReason

__all__ = [
    "Snapshot",
    "available_strategies",
    "get_strategy",
    "get_strategy_class",
    "group_of",
    "register",
    "restore",
    "snapshot",
    "unregister",
]

_REGISTRY: dict[str, type] = {}

#: What :func:`snapshot` returns: a read-only mapping name -> class.
Snapshot = Mapping[str, type]

#: Group names that would collide with model-wide reporters (``noticed_share_all``).
RESERVED_GROUPS = ("all",)


def register(cls):
    """Class decorator: register a strategy class under its ``name`` attribute."""
    from .strategy import Strategy

    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise RegistrationError.make(
            RegistrationReason.NOT_A_STRATEGY,
            cls,
            f"register: {cls!r} is not a subclass of agents.Strategy",
        )
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise RegistrationError.make(
            RegistrationReason.BAD_NAME,
            name,
            f"register: {cls.__name__}.name must be a short identifier such as 'listen_first' "
            f"(got {name!r})",
        )
    group = group_of(cls)
    if not isinstance(group, str) or not group.isidentifier() or group in RESERVED_GROUPS:
        raise RegistrationError.make(
            RegistrationReason.BAD_GROUP,
            group,
            f"register: {cls.__name__}.group must be a short identifier naming the people who "
            f"use it, such as 'listeners', and not one of {', '.join(RESERVED_GROUPS)} "
            f"(got {group!r})",
        )
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        old = _REGISTRY[name]
        if (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
            raise RegistrationError.make(
                RegistrationReason.NAME_TAKEN,
                name,
                f"register: a different strategy is already registered as {name!r}",
            )
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    """Remove a registered strategy (used by tests and by reloading a learner's file)."""
    _REGISTRY.pop(name, None)


def available_strategies() -> list[str]:
    """Names of all registered strategies, sorted."""
    _ensure_builtins()
    return sorted(_REGISTRY)


def get_strategy(name: str):
    """Return a new instance of the strategy registered as ``name``."""
    return get_strategy_class(name)()


def get_strategy_class(name: str) -> type:
    """Return the class registered as ``name``, without making an instance.

    Raises ``KeyError`` (naming the closest registered name, if any) for an unknown name."""
    _ensure_builtins()
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, _REGISTRY, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"unknown strategy {name!r}{hint}")
    return _REGISTRY[name]


def group_of(strategy) -> str:
    """The group a strategy (a class or an instance) is reported under: its ``group``, or
    its ``name`` when it has no group of its own. The one place this rule lives."""
    return getattr(strategy, "group", "") or strategy.name


def snapshot() -> Snapshot:
    """The registry as it is now (built-ins included): a read-only copy, name -> class, to
    give to :func:`restore`. Names registered later are not in it."""
    _ensure_builtins()
    return MappingProxyType(dict(_REGISTRY))


def restore(saved: Snapshot) -> None:
    """Put the registry back as it was at :func:`snapshot`: strategies registered since are
    removed, and those removed or replaced since come back."""
    saved = dict(saved)
    _REGISTRY.clear()
    _REGISTRY.update(saved)


def _ensure_builtins() -> None:
    from . import interact, interrupt, played  # noqa: F401  (importing registers them)

"""The strategy registry: strategies are found by name.

A strategy is registered with the :func:`register` class decorator and is then usable by
name in the model's parameters (``broadcaster_strategy``, ``interactor_strategy``), in the
app and in sweeps, without touching the engine.
"""

from __future__ import annotations

import difflib

__all__ = ["available_strategies", "get_strategy", "register", "unregister"]

_REGISTRY: dict[str, type] = {}

#: Group names that would collide with model-wide reporters (``noticed_share_all``).
RESERVED_GROUPS = ("all",)


def register(cls):
    """Class decorator: register a strategy class under its ``name`` attribute."""
    from .strategy import Strategy

    if not (isinstance(cls, type) and issubclass(cls, Strategy)):
        raise TypeError(f"register: {cls!r} is not a subclass of agents.Strategy")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"register: {cls.__name__}.name must be a short identifier such as 'listen_first' "
            f"(got {name!r})")
    group = getattr(cls, "group", "") or name
    if not isinstance(group, str) or not group.isidentifier() or group in RESERVED_GROUPS:
        raise ValueError(
            f"register: {cls.__name__}.group must be a short identifier naming the people who "
            f"use it, such as 'listeners', and not one of {', '.join(RESERVED_GROUPS)} "
            f"(got {group!r})")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        old = _REGISTRY[name]
        if (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
            raise ValueError(f"register: a different strategy is already registered as {name!r}")
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
    _ensure_builtins()
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, _REGISTRY, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise KeyError(f"unknown strategy {name!r}{hint}")
    return _REGISTRY[name]()


def _ensure_builtins() -> None:
    from . import interact, interrupt  # noqa: F401  (importing registers them)

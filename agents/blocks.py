"""Building blocks of strategies: small choices on numpy arrays of ties.

The strategy builder (:mod:`agents.builder`) makes strategies out of these, and the files it
exports call them by name, so that a strategy made in the app and its exported file do the
same thing, random draws included. They are ordinary helpers: a hand-written strategy may
use them too.

Each takes ``ties`` (tie indices, as :meth:`sim.world.World.ties_of` returns them: grouped
by sender) and returns the ties kept, in tie order.
"""

from __future__ import annotations

import numpy as np

__all__ = ["random_per_person", "talked_with", "top_per_person"]


def top_per_person(world, ties: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """For each sender, the ``k`` of its ``ties`` with the highest ``score`` (all of them
    when it has ``k`` or fewer). Equal scores are settled at random: one uniform number per
    tie from ``world.rng``, drawn whether or not any two scores are equal."""
    ties = np.asarray(ties, dtype=np.int64)
    if len(ties) == 0:
        return ties
    draw = world.rng.random(len(ties))
    sender = world.src[ties]
    order = np.lexsort((draw, -np.asarray(score, dtype=float), sender))
    ranked = sender[order]
    first = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])  # each sender's first
    sizes = np.diff(np.r_[first, len(ranked)])
    rank = np.arange(len(ranked)) - np.repeat(first, sizes)
    return np.sort(ties[order[rank < k]])


def random_per_person(world, ties: np.ndarray, k: int) -> np.ndarray:
    """For each sender, ``k`` of its ``ties`` picked at random (all when it has ``k`` or
    fewer): :func:`top_per_person` with every score equal."""
    return top_per_person(world, ties, np.zeros(len(ties)), k)


def talked_with(world, ties: np.ndarray) -> np.ndarray:
    """Which of ``ties`` join two people who have held a conversation, whoever opened it
    (``world.held`` on the tie or on the tie back): a boolean mask."""
    ties = np.asarray(ties, dtype=np.int64)
    return (world.held[ties] + world.held[world.rev[ties]]) > 0

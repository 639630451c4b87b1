"""A person a student plays: each step it does what the student chose for it.

The room's "play a person" mode seats students in a shared network: every other person is
played by a built-in strategy (an *android*). Before each step the room hands this
strategy the students' choices (:attr:`Played.orders`), one per person:

* ``("pitch",)``: a one-way pitch, on the person's own pitch, to every contact;
* ``("talk", contact)``: open a conversation with one contact, on the person's best guess
  of what that contact cares about (a person who is not a contact: nothing is sent);
* ``("listen",)`` (or no order): send nothing this step, only answer.

A played person answers every conversation opened with them in kind, about what they
believe the opener cares about. As for every strategy, the world decides whether a
conversation is held (the other answers in kind, both have time) and what anything earns.
"""

from __future__ import annotations

import numpy as np

from .registry import register
from .strategy import Messages, Strategy

__all__ = ["CHOICES", "Played"]

#: The kinds of choice a student has each round.
CHOICES = ("pitch", "talk", "listen")


@register
class Played(Strategy):
    name = "played"
    group = "players"
    description = "A person a student plays: each step it does what the student chose."
    listed = False  # only the room's play mode seats people here

    def __init__(self):
        #: person -> ("pitch",) | ("talk", contact) | ("listen",), for the coming step
        self.orders: dict[int, tuple] = {}

    def decide(self, world, people: np.ndarray) -> Messages:
        pitchers, openers, partners = [], [], []
        for person in people.tolist():
            order = self.orders.get(person, ("listen",))
            if order[0] == "pitch":
                pitchers.append(person)
            elif order[0] == "talk":
                openers.append(person)
                partners.append(int(order[1]))
        parts = []
        if pitchers:
            ties = world.ties_of(np.array(pitchers, dtype=np.int64))
            parts.append(Messages.on_ties(world, ties, world.pitch[world.src[ties]], False))
        if openers:
            ties = world.ties_between(np.array(openers), np.array(partners))
            ties = ties[ties >= 0]
            parts.append(Messages.on_ties(world, ties, world.estimate[ties], True))
        return Messages.concat(parts)

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)

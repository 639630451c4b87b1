"""Networking by interruption: one fixed pitch, pushed to everyone, every step."""

from __future__ import annotations

import numpy as np

from .registry import register
from .strategy import PLAN_PITCH, Messages, Strategy


@register
class Interrupt(Strategy):
    """The broadcaster: the cold call, the billboard, the mass mailing.

    * **Pitch to every contact.** Each step it sends its one fixed pitch (``world.pitch``)
      to all its contacts, one-way. It never learns what they value, so the pitch matches a
      receiver's interests only by chance.
    * **Cold reach.** With ``cold_reach`` above 0 it also pitches that many strangers.
    * **Never replies in kind.** When someone opens a conversation with it, it answers
      with its pitch, one-way (the inherited :meth:`Strategy.reply`).
    """

    name = "interrupt"
    group = "broadcasters"
    description = "Sends the same one-way pitch to every contact, every step."
    plan = PLAN_PITCH  # decide, cold_calls and reply below, compiled into the world's step
    planned = ("decide", "reply", "cold_calls")

    def __init__(self):
        self._cache = (None, None)

    def decide(self, world, people: np.ndarray) -> Messages:
        key = (id(world), world.n_ties, people.tobytes())
        if self._cache[0] != key:  # the same people pitch the same ties every step
            ties = world.ties_of(people)
            self._cache = (
                key,
                Messages.on_ties(world, ties, world.pitch[world.src[ties]], two_way=False),
            )
        msgs = self._cache[1]
        cold = world.params["cold_reach"]
        if cold > 0 and len(people):
            msgs = Messages.concat([msgs, self.cold_calls(world, people, cold)])
        return msgs

    @staticmethod
    def cold_calls(world, people: np.ndarray, per_person: int) -> Messages:
        """``per_person`` pitches from each of ``people`` to random strangers (people who
        are neither themselves nor their contacts). Drawn with replacement; a person who
        knows almost everyone may place fewer calls."""
        senders = np.repeat(people.astype(np.int64), per_person)
        strangers = np.full(len(senders), -1, dtype=np.int64)
        todo = np.flatnonzero(world.out_degree[senders] < world.n - 1)
        for _ in range(20):  # redraw a contact or oneself, a few times at most
            if len(todo) == 0:
                break
            draw = world.rng.integers(0, world.n, size=len(todo))
            ok = (draw != senders[todo]) & (world.ties_between(senders[todo], draw) < 0)
            strangers[todo[ok]] = draw[ok]
            todo = todo[~ok]
        placed = strangers >= 0
        senders, strangers = senders[placed], strangers[placed]
        return Messages(
            senders,
            strangers,
            np.full(len(senders), -1, dtype=np.int64),
            world.pitch[senders].astype(float),
            np.zeros(len(senders), dtype=bool),
        )

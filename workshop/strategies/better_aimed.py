"""Broadcast less often, but better aimed.

A broadcaster that holds back: it pitches only every third step, and then only to the
contacts whose interest, as far as it can tell, lies close to its pitch. When a contact
opens a conversation with it, it answers in kind: a conversation that is held teaches it
what that contact values, so its aim improves (a pitch back would teach it nothing).

This one is written the fast way, for all its people at once (a ``Strategy`` with
``decide`` on numpy arrays). Copy it into my_strategies/, give the class a new ``name`` and
change it.
"""

import numpy as np

from agents import Messages, Strategy, register


@register
class BetterAimed(Strategy):
    name = "better_aimed"  # how the app, sweeps and the checker call it: must be new
    group = "aimers"  # its people are counted under this label (attention_to_aimers)
    description = "Pitches every third step, only to contacts it thinks share its topic."

    every = 3  # pitch on one step in this many
    closeness = 0.5  # cos(guessed interest - pitch) must be above this: within 60 degrees

    def decide(self, world, people):
        if world.t % self.every != 0:
            return Messages.empty()  # a quiet step
        ties = world.ties_of(people)  # every tie of every person using this strategy
        pitch = world.pitch[world.src[ties]]  # each sender's own fixed pitch
        guess = world.estimate[ties]  # the sender's guess of the receiver's interest
        aimed = ties[np.cos(guess - pitch) > self.closeness]
        return Messages.on_ties(world, aimed, world.pitch[world.src[aimed]], two_way=False)

    def reply(self, world, ties):
        # Answer in kind, on my guess of what the opener values: only a conversation that
        # both take part in teaches me anything (``ties`` run from me back to the opener).
        return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)

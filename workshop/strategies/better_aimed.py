"""Broadcast less often, but better aimed.

A broadcaster that holds back: it pitches only every third step, and then only to the
contacts whose interest, as far as it can tell, lies close to its pitch. Its guess of a
contact's interest improves whenever that contact talks to it (interactors do).

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

    # No reply() here: like the built-in broadcasters, it answers a conversation with its
    # pitch, one-way (the default of Strategy.reply).

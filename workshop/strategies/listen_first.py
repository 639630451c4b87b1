"""Listen first, pitch later.

For the first few steps this person only holds conversations, one contact a step, always
the contact it knows least about: each conversation teaches it what that contact values.
After that it stops talking and pitches, one-way, but only to the contacts it has talked
with and who trust it, each on the topic it learned that contact cares about.

Copy this file into my_strategies/, give the class a new ``name`` and change it.
"""

from agents import Message, PersonStrategy, register


@register
class ListenFirst(PersonStrategy):
    name = "listen_first"  # how the app, sweeps and the checker call it: must be new
    group = "listeners"  # its people are counted under this label (attention_to_listeners)
    description = "Holds conversations for 20 steps, then pitches what each contact values."

    listen_steps = 20  # how long to listen before pitching
    trust_needed = 0.5  # pitch only to contacts who trust me at least this much (0..1)

    def choose(self, world, me):
        ties = world.ties_of([me])  # my ties to my contacts (one per contact)
        if len(ties) == 0:
            return []  # nobody to talk to
        if world.t <= self.listen_steps:
            # Listening: open a conversation with the contact I have talked with least
            # (world.held counts the conversations that took place, not just my attempts).
            tie = min(ties.tolist(), key=lambda t: world.held[t])
            return [Message(to=int(world.dst[tie]), topic=float(world.estimate[tie]), two_way=True)]
        # Pitching: one-way, to contacts I know (really talked with) and who trust me.
        known = world.held[ties] > 0
        trusted = world.trust_of(ties) >= self.trust_needed  # their trust in me
        return [
            Message(to=int(world.dst[tie]), topic=float(world.estimate[tie]))
            for tie in ties[known & trusted]
        ]

    def answer(self, world, me, opener):
        # When someone opens a conversation with me, I answer in kind, on their interest.
        tie = world.tie(me, opener)
        return Message(to=opener, topic=float(world.estimate[tie]), two_way=True)

"""Reply to those who replied.

This person never makes the first move. It waits until a contact opens a conversation with
it; from then on it talks with that contact, and only with contacts like that: each step it
opens one conversation with the contact who has reached out to it most often. Whoever opens
a conversation with it gets a real answer, two-way, on what they care about.

Copy this file into my_strategies/, give the class a new ``name`` and change it.
"""

from agents import Message, PersonStrategy, register


@register
class ReplyToRepliers(PersonStrategy):
    name = "reply_to_repliers"  # how the app, sweeps and the checker call it: must be new
    group = "repliers"  # its people are counted under this label (attention_to_repliers)
    description = "Talks only with contacts who have started a conversation with it."

    def choose(self, world, me):
        best_tie, best_count = None, 0
        for tie in world.ties_of([me]).tolist():  # my tie to each of my contacts
            # world.rev[tie] is the same tie the other way: from this contact to me.
            # world.talks counts the conversations its sender tried to open on it.
            reached_out = int(world.talks[world.rev[tie]])
            if reached_out > best_count:  # the first one wins a draw: no randomness
                best_tie, best_count = tie, reached_out
        if best_tie is None:
            return []  # nobody has reached out yet: wait
        contact = int(world.dst[best_tie])
        topic = float(world.estimate[best_tie])  # my guess of what they care about
        return [Message(to=contact, topic=topic, two_way=True)]

    def answer(self, world, me, opener):
        # Someone reached out to me: answer in kind, on what I believe they value.
        tie = world.tie(me, opener)
        return Message(to=opener, topic=float(world.estimate[tie]), two_way=True)

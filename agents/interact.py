"""Networking by interaction: a few two-way conversations, tailored to the other person."""

from __future__ import annotations

import numpy as np

from .registry import register
from .strategy import Messages, Strategy


@register
class Interact(Strategy):
    """The interactor: the coffee meeting, the phone call with a contact.

    * **Pick a few contacts.** Each step it opens ``exchanges_per_step`` conversations,
      choosing contacts with weight ``trust in them + how much it still has to learn about
      them`` (its guess of their interests gets surer with every conversation).
    * **Tailor the message.** It talks about what it believes the contact values: its
      current guess ``world.estimate`` of their interest. The guess improves each time it
      notices what the contact says in return, so its messages are worth more over time.
    * **Reply in kind.** When someone opens a conversation with it, it answers two-way,
      tailored to its guess of the opener's interest.
    """

    name = "interact"
    group = "interactors"
    description = "Holds a two-way conversation with a chosen contact, tailored to them."

    def decide(self, world, people: np.ndarray) -> Messages:
        def weight(ties):  # (my trust in them + what I have yet to learn), times the
            # share of my openings they answered in kind (counting one in their favour)
            answered = (world.held[ties] + 1.0) / (world.talks[ties] + 1.0)
            return (world.trust_of(world.rev[ties]) + world.uncertainty(ties)) * answered

        bound = 1.0 + world.most_uncertain(people)  # trust is below 1
        chosen = []
        for _ in range(world.params["exchanges_per_step"]):  # no contact twice in a step
            earlier = np.stack(chosen, axis=1) if chosen else None
            chosen.append(world.pick_ties(people, weight, bound, exclude=earlier))
        ties = np.concatenate(chosen)
        ties = ties[ties >= 0]
        return Messages.on_ties(world, ties, world.estimate[ties], two_way=True)

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)

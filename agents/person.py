"""A person in the network: the Mesa agent that stands for one node of the graph."""

from __future__ import annotations

import mesa

from .registry import group_of

__all__ = ["Person"]


class Person(mesa.Agent):
    """One person. What they do each step is decided by their strategy
    (:mod:`agents.interrupt`, :mod:`agents.interact` or one you write); how the people
    around them react is the world's business (:mod:`sim.world`), which keeps every tie's
    state in numpy arrays. This class is the readable face of that state.

    Attributes read from the world, always current:

    ``strategy``            name of the strategy this person uses now
    ``faded``               has this person's audience stopped paying attention?
    ``attention_received``  mean attention their contacts pay them (0..1)
    ``trust_earned``        mean trust their contacts have in them (0..1)
    ``recall``              mean strength of their contacts' memory of them (0..1)
    ``conversions``         contacts (or strangers) they have won over so far
    """

    def __init__(self, model, index: int, label=None):
        super().__init__(model)
        self.index = index
        self.label = index if label is None else label

    @property
    def _world(self):
        return self.model.world

    @property
    def strategy(self) -> str:
        return self._world.strategies[self._world.strategy_id[self.index]].name

    @property
    def group(self) -> str:
        """The family of their strategy: ``broadcasters``, ``interactors`` or its own."""
        s = self._world.strategies[self._world.strategy_id[self.index]]
        return group_of(s)

    @property
    def faded(self) -> bool:
        return bool(self._world.faded[self.index])

    @property
    def interest(self) -> float:
        """What they value: an angle on the topic circle (radians)."""
        return float(self._world.interest[self.index])

    @property
    def attention_budget(self) -> int | None:
        """How many messages they can look at per step (None: no limit)."""
        p = self._world.params
        return p["attention_budget"] if p["limited_attention"] else None

    @property
    def attention_received(self) -> float:
        return float(self.model.person_stats()["attention_received"][self.index])

    @property
    def trust_earned(self) -> float:
        return float(self.model.person_stats()["trust_earned"][self.index])

    @property
    def recall(self) -> float:
        return float(self.model.person_stats()["recall"][self.index])

    @property
    def conversions(self) -> int:
        return int(self._world.conversions[self.index])

    @property
    def contacts(self) -> list[Person]:
        """The people this person is tied to."""
        people = self.model.people
        return [people[j] for j in self._world.contacts_of(self.index).tolist()]

    def __repr__(self) -> str:
        return f"Person({self.label!r}, {self.strategy})"

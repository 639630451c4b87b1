"""A person in the network: the Mesa agent that stands for one node of the graph."""

from __future__ import annotations

import gc
import logging

import mesa
from mesa.experimental.mesa_signals import ModelSignals

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

    @classmethod
    def populate(cls, model, n: int, labels=None) -> list[Person]:
        """Create the people ``0 .. n-1`` of ``model`` (``labels[i]``: person ``i``'s label,
        default ``i``) and register them all with it, in that order.

        The result is the same as ``[cls(model, i, labels[i]) for i in range(n)]``: each
        person is in ``model.agents`` and ``model.agents_by_type[cls]``, with the
        ``unique_id`` Mesa's ``register_agent`` would give. When nothing could tell the
        difference (no one observes the model's ``agents``, no signal batch is open, no
        dataset tracks this class, ``register_agent`` is Mesa's own and Mesa's debug log
        is off) the people are registered in bulk instead of one call chain each, which
        makes a model of 100,000 people several times faster to build."""
        label = range(n) if labels is None else labels
        if not _bulk_allowed(cls, model):
            return [cls(model, i, label[i]) for i in range(n)]
        first = model.agent_id_counter
        collecting = gc.isenabled()
        gc.disable()  # 100,000 new objects would set off many collections, finding nothing
        try:
            new = object.__new__
            people = [new(cls) for _ in range(n)]
            for i, person in enumerate(people):  # the attributes Agent.__init__ and ours set
                person.model = model
                person.unique_id = first + i
                person.pos = None
                person.index = i
                name = label[i]
                person.label = i if name is None else name
        finally:
            if collecting:
                gc.enable()
        model.agent_id_counter = first + n
        model._all_agents._agents.update(dict.fromkeys(people))
        by_type = model._agents_by_type
        if cls in by_type:
            by_type[cls]._agents.update(dict.fromkeys(people))
        elif people:
            by_type[cls] = type(model._all_agents)(people, random=model.random)
        return people

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


#: Mesa's logger for agent registration (it logs each registration at DEBUG level).
_MESA_MODEL_LOG = logging.getLogger("MESA.mesa.model")


def _bulk_allowed(cls, model) -> bool:
    """Whether :meth:`Person.populate` may register people in bulk: only when one
    ``Agent.__init__`` + ``Model.register_agent`` per person would have no effect beyond
    the bulk one (no observers, batch or datasets, Mesa's registration and containers,
    Agent's constructor)."""
    subscribers = getattr(model, "subscribers", None)
    all_agents = getattr(model, "_all_agents", None)
    return (
        cls.__init__ is Person.__init__
        and mesa.Agent.__init__ is _AGENT_INIT
        and not cls._datasets
        and type(model).register_agent is mesa.Model.register_agent
        and subscribers is not None
        and ("agents", ModelSignals.AGENT_ADDED) not in subscribers
        and getattr(model, "_batch_context", None) is None
        and isinstance(getattr(all_agents, "_agents", None), dict)
        and isinstance(getattr(model, "_agents_by_type", None), dict)
        and all(
            isinstance(getattr(s, "_agents", None), dict) for s in model._agents_by_type.values()
        )
        and not _MESA_MODEL_LOG.isEnabledFor(logging.DEBUG)
    )


_AGENT_INIT = mesa.Agent.__init__

"""The strategy interface: how a person decides whom to contact and with what.

Agents decide, the world responds. A strategy only *chooses*: each step it is handed the
people who use it and returns their messages (to whom, on which topic, one-way or
two-way). The world then delivers them, lets receivers look and notice, and updates
attention, trust, memory and conversions for every tie at once.

Two ways to write one:

* :class:`Strategy` (per group, vectorized): implement :meth:`Strategy.decide` on numpy
  arrays. Fast; the built-in strategies are written this way.
* :class:`PersonStrategy` (per person, plain Python): implement
  :meth:`PersonStrategy.choose` for one person at a time. Simple to read and write,
  slower; the engine accepts both.

What a strategy may read of the world (``world`` below) is listed in
:class:`sim.world.World`'s docstring: contacts, the receiver's attention and trust, its own
guess of each contact's interest, its own pitch, the random generator ``world.rng`` and
the current parameters ``world.params``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .errors import Reason, StrategyError

__all__ = ["PLAN_PITCH", "PLAN_TALK", "Message", "Messages", "PersonStrategy", "Strategy"]

#: Compiled twins of the built-in strategies (:attr:`Strategy.plan`): pitch every contact
#: and answer one-way (:class:`agents.Interrupt`); open tailored conversations and answer
#: in kind (:class:`agents.Interact`).
PLAN_PITCH = 1
PLAN_TALK = 2


@dataclass
class Messages:
    """A batch of messages, one entry per message (all arrays of equal length).

    ``tie`` is the index of the tie sender -> receiver (see ``world.src``/``world.dst``),
    or -1 for a stranger who is not a contact (cold reach). ``topic`` is an angle on the
    topic circle (radians). ``two_way`` marks the opening of an exchange: the receiver
    answers it (see :meth:`Strategy.reply`).
    """

    sender: np.ndarray
    receiver: np.ndarray
    tie: np.ndarray
    topic: np.ndarray
    two_way: np.ndarray

    @classmethod
    def empty(cls) -> Messages:
        z = np.empty(0, dtype=np.int64)
        return cls(z, z.copy(), z.copy(), np.empty(0), np.empty(0, dtype=bool))

    @classmethod
    def on_ties(cls, world, ties: np.ndarray, topic, two_way: bool) -> Messages:
        """Messages along existing ties (``world.src[ties]`` -> ``world.dst[ties]``)."""
        ties = np.asarray(ties, dtype=np.int64)
        topic = np.broadcast_to(np.asarray(topic, dtype=float), ties.shape)
        return cls(world.src[ties], world.dst[ties], ties, topic, np.full(len(ties), two_way))

    def __len__(self) -> int:
        return len(self.sender)

    @staticmethod
    def concat(parts: list[Messages]) -> Messages:
        parts = [p for p in parts if len(p)]
        if not parts:
            return Messages.empty()
        return Messages(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("sender", "receiver", "tie", "topic", "two_way")
            )
        )

    def select(self, mask: np.ndarray) -> Messages:
        return Messages(
            self.sender[mask],
            self.receiver[mask],
            self.tie[mask],
            self.topic[mask],
            self.two_way[mask],
        )


@dataclass
class Message:
    """One message, for per-person strategies: to a person, about a topic (radians).

    To a contact it travels on their tie. A one-way message to someone who is not a contact
    is a cold call (no tie: judged with a stranger's attention and trust); a two-way
    message (a conversation) needs a tie, and one to oneself is refused."""

    to: int
    topic: float
    two_way: bool = False


class Strategy:
    """Base class of a strategy written per group (vectorized).

    Subclasses set ``name`` (the registry key), ``group`` (the label reporters use:
    ``"broadcasters"`` or ``"interactors"`` for the two families of the essay, or a name
    of its own) and ``description`` (one plain sentence), and implement :meth:`decide`.
    """

    name: ClassVar[str] = ""
    group: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Whether menus of strategies (the app's sidebar) offer it. Strategies made for one
    #: learner (the builder's) or one mode (a person a student plays) are not listed.
    listed: ClassVar[bool] = True
    #: The compiled twin of this class's ``decide`` and ``reply`` (one of the ``PLAN_*``
    #: codes), which the world may run instead of calling them, or 0 for none. Only the
    #: built-in strategies have one; see :meth:`compiled_plan`.
    plan: ClassVar[int] = 0
    #: The methods the compiled twin stands for: replacing any of them turns it off.
    planned: ClassVar[tuple[str, ...]] = ("decide", "reply")

    def compiled_plan(self) -> int:
        """The compiled twin the world may run for this strategy: the ``plan`` of the class
        that declared it, as long as none of its ``planned`` methods (``decide``,
        ``reply``, ...) has been replaced since, by a subclass or on the instance; 0
        otherwise, and then the world calls ``decide`` and ``reply`` as written."""
        cls = type(self)
        owner = next((c for c in cls.__mro__ if "plan" in vars(c)), Strategy)
        if not owner.plan:
            return 0
        for method in owner.planned:
            if method in vars(self) or getattr(cls, method) is not owner._as_planned[method]:
                return 0
        return owner.plan

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "plan" in vars(cls) and cls.plan:  # the methods as the compiled twin stands for them
            cls._as_planned = {method: getattr(cls, method) for method in cls.planned}

    def decide(self, world, people: np.ndarray) -> Messages:
        """Choose this step's messages of ``people`` (int array of person indices)."""
        raise NotImplementedError

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Answer exchanges that others opened.

        ``ties`` are the ties from each answering person back to the opener. Return
        ``(two_way, topic)`` arrays: whether each answer is a real two-way reply and its
        topic. The default answers with the person's own pitch, one-way.
        """
        people = world.src[ties]
        return np.zeros(len(ties), dtype=bool), world.pitch[people].astype(float)


class PersonStrategy(Strategy):
    """Base class of a strategy written one person at a time (simple, slower).

    Implement :meth:`choose`; optionally :meth:`answer`. ``me`` is the person's index;
    read the world through ``world.contacts_of(me)``, ``world.tie(me, other)``,
    ``world.attention_of(tie)``, ``world.trust_of(tie)``, ``world.estimate[tie]`` and
    ``world.pitch[me]``.
    """

    def choose(self, world, me: int) -> list[Message]:
        raise NotImplementedError

    def answer(self, world, me: int, opener: int) -> Message:
        """Answer an exchange opened by ``opener``. Default: a one-way pitch."""
        return Message(to=opener, topic=float(world.pitch[me]), two_way=False)

    def decide(self, world, people: np.ndarray) -> Messages:
        senders, receivers, topics, two_way = [], [], [], []
        for me in people.tolist():
            chosen = self.choose(world, me)
            for msg in _as_messages(self, "choose", chosen):
                senders.append(me)
                receivers.append(_whole(self, "choose", msg.to, world.n))
                topics.append(_angle(self, "choose", msg.topic))
                two_way.append(bool(msg.two_way))
        if not senders:
            return Messages.empty()
        sender = np.array(senders, dtype=np.int64)
        receiver = np.array(receivers, dtype=np.int64)
        # every message's tie in one look-up (-1 for strangers, and for oneself: no self-ties)
        return Messages(
            sender,
            receiver,
            world.ties_between(sender, receiver),
            np.array(topics, dtype=float),
            np.array(two_way, dtype=bool),
        )

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out_two, out_topic = np.zeros(len(ties), bool), np.zeros(len(ties))
        for i, t in enumerate(ties.tolist()):
            me, opener = int(world.src[t]), int(world.dst[t])
            msg = self.answer(world, me, opener)
            if not isinstance(msg, Message):
                raise _error(
                    self,
                    "answer",
                    Reason.WRONG_TYPE,
                    f"must return a Message, not {type(msg).__name__}",
                )
            if _whole(self, "answer", msg.to, world.n) != opener:
                raise _error(
                    self,
                    "answer",
                    Reason.NOT_TO_OPENER,
                    f"must answer the person who opened the conversation ({opener}), not {msg.to}",
                )
            out_two[i], out_topic[i] = bool(msg.two_way), _angle(self, "answer", msg.topic)
        return out_two, out_topic


def _error(strategy, method: str, reason: Reason, why: str) -> StrategyError:
    return StrategyError(reason, strategy.name, method, why)


def _as_messages(strategy, method: str, chosen) -> list[Message]:
    if chosen is None:
        return []
    if isinstance(chosen, Message):
        raise _error(
            strategy,
            method,
            Reason.WRONG_TYPE,
            "must return a list of Message, not a single Message",
        )
    try:
        chosen = list(chosen)
    except TypeError:
        raise _error(
            strategy,
            method,
            Reason.WRONG_TYPE,
            f"must return a list of Message, not {type(chosen).__name__}",
        ) from None
    for msg in chosen:
        if not isinstance(msg, Message):
            raise _error(
                strategy,
                method,
                Reason.WRONG_TYPE,
                f"must return Message objects, not {type(msg).__name__}",
            )
    return chosen


def _whole(strategy, method: str, value, n: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < n:
        raise _error(
            strategy,
            method,
            Reason.BAD_PERSON,
            f"addressed a message to {value!r}; people are whole numbers from 0 to {n - 1}",
        )
    return int(value)


def _angle(strategy, method: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise _error(
            strategy,
            method,
            Reason.BAD_TOPIC,
            f"gave topic {value!r}; a topic is a finite number (an angle in radians)",
        )
    return float(value)

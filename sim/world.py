"""The world: per-tie state in numpy arrays, updated for every tie at once.

Ties are directed: an undirected acquaintance between ``a`` and ``b`` is two ties,
``a -> b`` and ``b -> a``. Tie ``e`` goes from sender ``src[e]`` to receiver ``dst[e]``;
``rev[e]`` is the tie the other way. Ties are sorted by sender, so a person's outgoing ties
are the contiguous range ``out_start[i]:out_start[i + 1]``.

State of tie ``e`` (all held by the receiver ``dst[e]`` about the sender ``src[e]``,
except ``estimate``):

``attention[e]``  chance that a message from the sender is noticed (0..1)
``evidence_r[e]``, ``evidence_s[e]``  Beta trust evidence; trust = (r + 1) / (r + s + 2)
``memory[e]``     strength of the receiver's memory trace of the sender (0..1)
``estimate[e]``   the *sender's* guess of the receiver's interest (an angle)
``talks[e]``      how many conversations the sender has tried to open with the receiver
``held[e]``       how many of those were held (the receiver answered in kind, both had time)
``converted[e]``  the receiver has been won over by the sender (a tie converts once)
``muted[e]``      the receiver has blocked the sender (when muting is on)

Per person: ``interest`` (angle on the topic circle), ``pitch`` (the topic a broadcaster
pushes), ``strategy_id``, ``faded``.

What strategies may read: ``n``, ``n_ties``, ``src``, ``dst``, ``rev``, ``out_start``,
``out_degree``, ``pitch``, ``estimate``, ``talks``, ``held``, ``rng``, ``params``, and the
helper methods ``ties_of``, ``contacts_of``, ``tie``, ``attention_of``, ``trust_of``,
``uncertainty`` and ``pick_ties``. ``interest`` is *not* for strategies (a person cannot
read minds: learn it through ``estimate``).

The step is compiled (:mod:`sim.kernels`, numba). When every strategy in use is a
built-in one (:meth:`agents.Strategy.compiled_plan`), the whole step is one compiled call
that runs the strategies' compiled twins and the world's response; otherwise the strategies
choose in Python, the world checks what they chose, and then responds in the same compiled
passes. Random numbers come from one 64-bit key drawn from ``rng`` per step.

One step (:meth:`World.step`) runs the processes of ``docs/model.md`` in this order:
decide, deliver (the world settles which openings are held conversations and adds the
answers: :func:`sim.kernels.hold_conversations`), look (limited attention), notice,
value, trust, learning, attention, memory, conversion, introductions, fade.

The step's own outputs, ``world.delivery`` (every message delivered, which were looked at
and noticed, and their value), ``sent``, ``reach``, ``value_sum`` and the per-person
summaries (``audience()``, ``trust_earned()``, ``recall()``), are views of the world's
workspace: valid until the next step, which overwrites them (copy what you keep). After a
step that made introductions, ``delivery`` is renumbered to the new ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.errors import Reason, StrategyError
from agents.registry import group_of
from agents.strategy import Messages

from .kernels import (
    ANSWER_TOPIC,
    AUDIENCE,
    BAD_PERSON,
    BAD_TIE,
    BAD_TOPIC,
    COLD_TO_CONTACT,
    LOOKED,
    NOT_OWN_PERSON,
    NOTICED,
    REACH,
    RECALL,
    RECEIVER,
    SELF_MESSAGE,
    SENDER,
    SENT,
    TIE,
    TOPIC,
    TWO_WAY,
    TWO_WAY_TO_STRANGER,
    VALUE_SUM,
    WILLING,
    all_finite,
    check_batch,
    draw_introductions,
    fade,
    per_sender_summaries,
    planned_messages,
    random_state,
    range_min,
    respond,
    split_by,
    step_compiled,
)
from .params import INTRODUCTION_CHANCE, MUTE_BELOW, STRANGER_TRUST

__all__ = [
    "Delivery",
    "INTRODUCTION_CHANCE",
    "MUTE_BELOW",
    "STRANGER_TRUST",
    "TIE_STATE",
    "StrategyError",
    "World",
]

#: Names of the per-tie state arrays: reordered with the ties, and made fresh for new ones.
TIE_STATE = (
    "attention",
    "evidence_r",
    "evidence_s",
    "forget",
    "estimate",
    "talks",
    "held",
    "converted",
    "muted",
)

#: Floating-point type of the per-tie state (attention, trust evidence, memory): single
#: precision halves the memory traffic of the whole-array updates.
TIE_FLOAT = np.float32


def match(topic: np.ndarray, interest: np.ndarray) -> np.ndarray:
    """Value of a message to its receiver: (1 + cos(topic - interest)) / 2, in [0, 1].

    A guess drawn at random is worth 0.5 on average (the chance level). The cosine is taken
    in single precision (about 1e-7), several times faster than in double.
    """
    gap = np.asarray(topic - interest, dtype=np.float32)
    value = np.cos(gap)
    value += 1.0
    value *= 0.5
    return value


#: The types the world keeps a batch of messages in: sender, receiver, tie, topic, two_way.
FIELD_TYPES = (np.int64, np.int64, np.int64, np.float64, np.bool_)

#: What :func:`sim.kernels.check_batch` found, as the reason and words of the error.
CHECK_CODES = {
    BAD_TOPIC: (
        Reason.BAD_TOPIC,
        "returned a topic that is not a finite number (an angle in radians)",
    ),
    BAD_PERSON: (
        Reason.BAD_PERSON,
        "sent a message to someone who does not exist (people are 0 to {last})",
    ),
    NOT_OWN_PERSON: (
        Reason.NOT_OWN_PERSON,
        "sent a message on behalf of someone who does not use this strategy",
    ),
    SELF_MESSAGE: (Reason.SELF_MESSAGE, "sent a message to its own sender"),
    BAD_TIE: (
        Reason.BAD_TIE,
        "gave a tie index that is not the tie from sender to receiver "
        "(use Messages.on_ties, or world.tie(sender, receiver))",
    ),
    COLD_TO_CONTACT: (
        Reason.COLD_TO_CONTACT,
        "marked a message to a contact as a cold call (tie -1); give its tie",
    ),
    TWO_WAY_TO_STRANGER: (
        Reason.TWO_WAY_TO_STRANGER,
        "opened a two-way exchange with a stranger; conversations need a tie",
    ),
}


@dataclass
class Delivery:
    """What the world did with one step's messages: every message delivered (``messages``,
    the answers included and each opening settled: ``two_way`` is True only for held
    conversations), which of them their receivers ``looked`` at and ``noticed``, and what
    each noticed one was worth to its receiver (``value``, NaN for the others)."""

    messages: Messages
    looked: np.ndarray
    noticed: np.ndarray
    value: np.ndarray

    def on_new_ties(self, world) -> Delivery:
        """The same record with its tie indices renumbered after ``world`` added ties (which
        re-sorts them all); a copy where they change, so it no longer reads the workspace."""
        m = self.messages
        tie = np.array(m.tie, dtype=np.int64)
        on_tie = tie >= 0
        tie[on_tie] = world.ties_between(m.sender[on_tie], m.receiver[on_tie])
        return Delivery(
            Messages(m.sender, m.receiver, tie, m.topic, m.two_way),
            self.looked,
            self.noticed,
            self.value,
        )

    @classmethod
    def nothing(cls) -> Delivery:
        none = np.empty(0, dtype=bool)
        return cls(Messages.empty(), none, none.copy(), np.empty(0, dtype=np.float32))

    def __len__(self) -> int:
        return len(self.messages)


class Workspace:
    """The arrays one step works in, kept from step to step and grown when needed: fresh
    memory costs page faults, which at 100,000 people took longer than the step's work.
    Rows are named in :mod:`sim.kernels` (``SENDER``, ``TOPIC``, ``LOOKED``, ...):
    ``ints``, ``floats``, ``flags`` and ``value`` hold one entry per message, the
    ``people_*`` arrays one per person, ``best`` one per tie, ``events`` the step's cold
    wins and introductions."""

    def __init__(self):
        self.capacity = self.n = self.n_ties = -1

    def fit(self, messages: int, n: int, n_ties: int) -> Workspace:
        """Make room for ``messages`` messages (answers included), ``n`` people and
        ``n_ties`` ties; room only grows, by a quarter more than asked."""
        if messages > self.capacity:
            cap = max(16, messages + messages // 4)
            self.capacity = cap
            self.ints = np.empty((9, cap), dtype=np.int32)
            self.floats = np.empty((2, cap))
            self.draws = np.empty(cap)
            self.flags = np.zeros((5, cap), dtype=bool)
            self.value = np.empty(cap, dtype=np.float32)
            self.events = np.empty(3 * cap, dtype=np.int64)
        if n != self.n:
            self.n = n
            self.people_ints = np.zeros((8, n), dtype=np.int32)
            self.people_floats = np.zeros((5, n))
        if n_ties > self.n_ties:
            self.n_ties = n_ties + n_ties // 4
            self.best = np.empty(self.n_ties, dtype=np.float32)
        return self

    def arrays(self) -> tuple:
        """The workspace as :func:`sim.kernels.respond` takes it."""
        return (
            self.ints, self.floats, self.draws, self.flags, self.value,
            self.people_ints, self.people_floats, self.best, self.events,
        )  # fmt: skip


#: Rounds of rejection sampling in :meth:`World.pick_ties` before the exact draw.
REJECTION_ROUNDS = 4


class World:
    """All the state of one run, and the step that updates it."""

    def __init__(
        self,
        n,
        u,
        v,
        params,
        rng,
        strategies,
        strategy_id,
        interactor_sid=1,
        implicit_complete=False,
    ):
        self.n = int(n)
        self.params = params
        self.rng = rng
        self.strategies = strategies  # list of Strategy instances, indexed by strategy id
        self.strategy_id = np.asarray(strategy_id, dtype=np.int64)
        self.initial_strategy_id = self.strategy_id.copy()
        self.implicit_complete = implicit_complete
        self.interactor_sid = interactor_sid
        self.t = 0
        self._set_ties(np.concatenate([u, v]), np.concatenate([v, u]))
        e = self.n_ties
        base = params["baseline_attention"]
        self.attention = np.full(e, base, dtype=TIE_FLOAT)
        self.evidence_r = np.zeros(e, dtype=TIE_FLOAT)
        self.evidence_s = np.zeros(e, dtype=TIE_FLOAT)
        self.forget = np.ones(e, dtype=TIE_FLOAT)  # 1 - memory: boosts become products
        self.estimate = rng.uniform(0, 2 * np.pi, e)
        self.talks = np.zeros(e, dtype=np.int64)
        self.held = np.zeros(e, dtype=np.int64)
        self.converted = np.zeros(e, dtype=bool)
        self.muted = np.zeros(e, dtype=bool)
        self.interest = rng.uniform(0, 2 * np.pi, self.n)
        self.pitch = rng.uniform(0, 2 * np.pi, self.n)
        self.cold_attention = np.full(self.n, base)
        self.faded = np.zeros(self.n, dtype=bool)
        self.below_streak = np.zeros(self.n, dtype=np.int64)
        self.conversions = np.zeros(self.n, dtype=np.int64)
        self.cold_won = np.empty(0, dtype=np.int64)  # sender * n + stranger, won by cold calls
        self.adopted = np.zeros(self.n, dtype=bool)  # the Bass rule's converted people
        self._summary, self._summaries_t, self._summaries_ties = None, -1, -1
        self._switches = {}
        self._work = Workspace()
        self._clear_step_counts()

    # -- ties ------------------------------------------------------------------------------
    def _set_ties(self, src, dst, carry=None):
        """Sort ties by sender, build the reverse index and per-sender ranges.

        ``carry`` maps state array names to arrays (aligned with ``src``) to reorder.
        """
        n = self.n
        order = np.lexsort((dst, src))
        self.src = src[order].astype(np.int64, copy=False)
        self.dst = dst[order].astype(np.int64, copy=False)
        key = self.src * n + self.dst
        self.rev = np.searchsorted(key, self.dst * n + self.src)
        self.out_degree = np.bincount(self.src, minlength=n)
        self.out_start = np.concatenate([[0], np.cumsum(self.out_degree)])
        self._key = key
        if carry:
            for name, arr in carry.items():
                setattr(self, name, arr[order])

    @property
    def n_ties(self) -> int:
        return len(self.src)

    def ties_of(self, people: np.ndarray) -> np.ndarray:
        """All outgoing ties of ``people``, concatenated (int array)."""
        people = np.asarray(people, dtype=np.int64)
        start, deg = self.out_start[people], self.out_degree[people]
        total = int(deg.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        offsets = np.repeat(start - np.concatenate([[0], np.cumsum(deg)[:-1]]), deg)
        return np.arange(total) + offsets

    def contacts_of(self, person: int) -> np.ndarray:
        """The people ``person`` is tied to."""
        if self.implicit_complete:  # the Bass rule on a complete network stores no ties
            return np.delete(np.arange(self.n), person)
        return self.dst[self.out_start[person] : self.out_start[person + 1]]

    def tie(self, sender: int, receiver: int) -> int:
        """Index of the tie ``sender -> receiver``, or -1 if they are not contacts."""
        return int(self.ties_between(np.array([sender]), np.array([receiver]))[0])

    def ties_between(self, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
        """Per pair: the index of the tie ``senders[i] -> receivers[i]``, or -1."""
        key = np.asarray(senders, dtype=np.int64) * self.n + np.asarray(receivers, np.int64)
        if len(self._key) == 0:
            return np.full(len(key), -1, dtype=np.int64)
        i = np.minimum(np.searchsorted(self._key, key), len(self._key) - 1)
        return np.where(self._key[i] == key, i, -1)

    def attention_of(self, ties):
        """The receivers' attention to the senders of ``ties``."""
        return self.attention[ties]

    def trust_of(self, ties):
        """The receivers' trust in the senders of ``ties``: (r + 1) / (r + s + 2)."""
        r = self.evidence_r[ties]
        return (r + 1.0) / (r + self.evidence_s[ties] + 2.0)

    @property
    def trust(self) -> np.ndarray:
        """Each receiver's trust in each sender, per tie."""
        return self.trust_of(slice(None))

    @property
    def memory(self) -> np.ndarray:
        """Each receiver's memory trace of each sender (0..1), per tie."""
        return 1.0 - self.forget

    def uncertainty(self, ties):
        """How much the sender still has to find out about the receiver: 1 before their
        first conversation, shrinking by the learning rate with each one the sender opens,
        ``(1 - interest_learning) ** talks`` (exact, however many talks)."""
        return (1.0 - self.params["interest_learning"]) ** self.talks[ties]

    def most_uncertain(self, people: np.ndarray) -> np.ndarray:
        """Per person: the largest :meth:`uncertainty` over their ties (0 without ties)."""
        fewest = range_min(self.talks, self.out_start, np.asarray(people, dtype=np.int64))
        return (1.0 - self.params["interest_learning"]) ** fewest.astype(float)

    def pick_ties(
        self, people: np.ndarray, weight, max_weight, exclude: np.ndarray | None = None
    ) -> np.ndarray:
        """Draw one outgoing tie for each of ``people``, with chance proportional to
        ``weight(ties)`` (a function returning one weight per tie, each in
        ``0..max_weight``; ``max_weight`` is one number or one per person, and the closer
        it is to the true largest weight the fewer draws it takes). Ties in ``exclude`` (an
        array with one row per person, -1 for none) are never drawn. Returns one tie per
        person, or -1 where nothing was drawn.

        Drawn by rejection first: a uniform tie is accepted with chance weight / max_weight,
        so the cost grows with the number of people, not of ties. The few people still
        without a tie after a few rounds draw exactly, from all their ties' weights.
        """
        people = np.asarray(people, dtype=np.int64)
        out = np.full(len(people), -1, dtype=np.int64)
        bound = np.broadcast_to(np.asarray(max_weight, dtype=float), people.shape)
        deg = self.out_degree[people]
        if exclude is not None:
            exclude = np.asarray(exclude, dtype=np.int64).reshape(len(people), -1)
        taken = 0 if exclude is None else (exclude >= 0).sum(axis=1)
        todo = np.flatnonzero(deg - taken > 0)
        for _ in range(REJECTION_ROUNDS):
            if len(todo) == 0:
                return out
            who = people[todo]
            ties = self.out_start[who] + (self.rng.random(len(todo)) * deg[todo]).astype(np.int64)
            ok = self.rng.random(len(todo)) * bound[todo] < weight(ties)
            if exclude is not None:
                ok &= ~(ties[:, None] == exclude[todo]).any(axis=1)
            out[todo[ok]] = ties[ok]
            todo = todo[~ok]
        if len(todo):  # exact draw: cumulative weights over each person's ties
            ties = self.ties_of(people[todo])
            w = np.asarray(weight(ties), dtype=float)
            if exclude is not None:
                owner = np.repeat(np.arange(len(todo)), deg[todo])
                w[(ties[:, None] == exclude[todo][owner]).any(axis=1)] = 0.0
            csum = np.concatenate([[0.0], np.cumsum(w)])
            ends = np.cumsum(deg[todo])
            lo, hi = csum[ends - deg[todo]], csum[ends]
            has = hi - lo > 0
            target = lo[has] + self.rng.random(int(has.sum())) * (hi[has] - lo[has])
            k = np.searchsorted(csum, target, side="right") - 1
            k = np.clip(k, (ends - deg[todo])[has], ends[has] - 1)
            out[todo[has]] = ties[k]
        return out

    # -- one step --------------------------------------------------------------------------
    def _clear_step_counts(self):
        n = self.n
        self.sent = np.zeros(n, dtype=np.int64)
        self.reach = np.zeros(n, dtype=np.int64)
        self.value_sum = np.zeros(n)
        self.looked_total = 0
        self.delivered_total = 0
        self.noticed_total = 0
        self._delivery = Delivery.nothing()

    def step(self) -> None:
        """Advance the world by one step. When every strategy in use has a compiled twin
        (the built-in ones: :meth:`agents.Strategy.compiled_plan`), the whole step is one
        compiled call (:func:`sim.kernels.step_compiled`). Otherwise the strategies decide
        in Python (:meth:`decide`), the partners of the openings say how they would answer
        (:meth:`replies`), and the world responds in compiled passes (:meth:`respond`)."""
        self.t += 1
        if self.params["conversion_rule"] == "bass":
            self._clear_step_counts()
            self._bass_step()
            return
        plans = self._plans()
        quiet = self._quiet_strategies()
        if plans is not None:
            if quiet.any():  # the campaign is over: a quiet plan sends nothing, answers alike
                plans = np.where(quiet, 0, plans)
            p = self.params
            exchanges, cold_reach = p["exchanges_per_step"], p["cold_reach"]
            most = planned_messages(plans, self.strategy_id, self.out_start, exchanges, cold_reach)
            work = self._work.fit(2 * most, self.n, self.n_ties)
            result = step_compiled(
                plans,
                self.pitch,
                exchanges,
                1.0 - p["interest_learning"],
                cold_reach,
                work.arrays(),
                *self._response_arguments(),
            )
            self._responded(work, result)
            return
        msgs = self.decide()
        if quiet.any() and len(msgs):  # the campaign is over: the broadcasters say nothing
            msgs = msgs.select(~quiet[self.strategy_id[msgs.sender]])
        if self.params["muting"] and len(msgs):  # messages to people who muted the sender
            keep = msgs.tie < 0
            keep[~keep] = ~self.muted[msgs.tie[~keep]]
            msgs = msgs.select(keep)
        opening = np.flatnonzero(msgs.two_way)  # checked: openings are on ties
        willing, answer_topic = self.replies(self.rev[msgs.tie[opening]])
        self.respond(msgs, willing, answer_topic)

    def _quiet_strategies(self) -> np.ndarray:
        """Per strategy id: whether it is silent this step, because the campaign
        (``campaign_steps``, 0 for none) is over and it networks by interruption (its group
        is the broadcasters'), or ``campaign_quiet`` is ``"everyone"``. A quiet person still
        answers an opening as its strategy does."""
        end = self.params["campaign_steps"]
        over = end > 0 and self.t > end
        everyone = self.params["campaign_quiet"] == "everyone"
        return np.array(
            [over and (everyone or group_of(s) == "broadcasters") for s in self.strategies],
            dtype=bool,
        )

    def _plans(self) -> np.ndarray | None:
        """Per strategy id, its compiled twin (:attr:`agents.Strategy.plan`), or None when
        a strategy has none: then the step runs the strategies' Python methods."""
        plans = [s.compiled_plan() if hasattr(s, "compiled_plan") else 0 for s in self.strategies]
        return np.array(plans, dtype=np.int64) if all(plans) else None

    def respond(self, msgs: Messages, willing: np.ndarray, answer_topic: np.ndarray) -> None:
        """Everything the world does with the step's checked messages: settle the
        conversations and add the answers, look, notice, value, trust, learning, attention,
        memory, conversion (:func:`sim.kernels.respond`), then introductions and fading.
        ``willing`` and ``answer_topic`` hold, per opening (in message order), whether its
        partner answers in kind and on which topic."""
        m, n_open = len(msgs), len(willing)
        work = self._work.fit(m + n_open, self.n, self.n_ties)
        for row, values in ((SENDER, msgs.sender), (RECEIVER, msgs.receiver), (TIE, msgs.tie)):
            work.ints[row, :m] = values
        work.floats[TOPIC, :m] = msgs.topic
        work.flags[TWO_WAY, :m] = msgs.two_way
        work.flags[WILLING, :n_open] = willing
        work.floats[ANSWER_TOPIC, :n_open] = answer_topic
        result = respond(m, n_open, work.arrays(), *self._response_arguments())
        self._responded(work, result)

    def _response_arguments(self) -> tuple:
        """The arguments of :func:`sim.kernels.respond` after the workspace: the ties, the
        state (updated in place), the rules (parameters) and one 64-bit key drawn from
        ``rng`` for the step's random numbers."""
        p = self.params
        h = p["habituation"] if p["habituation_on"] else 0.0
        spill = p["generalization"] * h if p["generalization_on"] else 0.0
        ties = (self.n, self.src, self.dst, self.rev, self.out_start, self._key)
        state = (
            self.attention, self.evidence_r, self.evidence_s, self.forget, self.estimate,
            self.talks, self.held, self.converted, self.muted, self.interest,
            self.cold_attention, self.conversions, self.below_streak, self.faded,
            self.strategy_id,
        )  # fmt: skip
        rules = (
            p["conversation_capacity"], p["limited_attention"], p["attention_budget"], h,
            p["sensitization"], p["recovery"], p["baseline_attention"],
            p["trust_forgetting"], p["interest_learning"],
            p["memory_boost_interruption"], p["memory_boost_exchange"], p["memory_decay"],
            p["conversion_rate"], STRANGER_TRUST, spill, p["muting"], MUTE_BELOW,
            p["introductions"], p["introduction_trust"], INTRODUCTION_CHANCE,
            p["fade_threshold"], p["fade_patience"], self._switch_to(),
        )  # fmt: skip
        return ties, state, rules, np.uint64(self.rng.bit_generator.random_raw())

    def _responded(self, work: Workspace, result) -> None:
        """Read what :func:`sim.kernels.respond` wrote into the workspace (the step's
        outputs are views of it, valid until the next step); win strangers, make the
        introductions drawn, and let people fade once the new ties are made."""
        total, self.looked_total, self.noticed_total, n_cold, n_intro = result
        self.delivered_total = total
        self._delivery = None  # made when read
        self.sent, self.reach = work.people_ints[SENT], work.people_ints[REACH]
        self.value_sum = work.people_floats[VALUE_SUM]
        self._summary = tuple(work.people_floats[AUDIENCE : RECALL + 1])
        self._summaries_t, self._summaries_ties = self.t, self.n_ties
        if n_cold:
            self.win_strangers(work.events[:n_cold])
        if n_intro:  # new ties change audiences: fade once they are made
            guest = work.events[n_cold : n_cold + n_intro]
            friend = work.events[n_cold + n_intro : n_cold + 2 * n_intro]
            delivered = self.delivery
            self.make_introductions(guest, friend)
            self._delivery = delivered.on_new_ties(self)
            self.check_fade()

    @property
    def delivery(self) -> Delivery:
        """What the world did with the last step's messages (:class:`Delivery`), views of
        the workspace that the next step overwrites."""
        if self._delivery is None:
            total, work = self.delivered_total, self._work
            ints, flags = work.ints[:, :total], work.flags[:, :total]
            self._delivery = Delivery(
                Messages(
                    ints[SENDER], ints[RECEIVER], ints[TIE], work.floats[TOPIC, :total],
                    flags[TWO_WAY],
                ),
                flags[LOOKED],
                flags[NOTICED],
                work.value[:total],
            )  # fmt: skip
        return self._delivery

    def decide(self) -> Messages:
        """Each strategy chooses the messages of the people who use it; the world checks
        every batch (:meth:`_checked`) and returns them together, as its own copy."""
        parts = []
        order, offsets = split_by(self.strategy_id, len(self.strategies))
        for sid, strategy in enumerate(self.strategies):
            if offsets[sid + 1] > offsets[sid]:
                people = order[offsets[sid] : offsets[sid + 1]]
                parts.append((sid, strategy, strategy.decide(self, people)))
        return self._checked(parts)

    def _checked(self, parts) -> Messages:
        """Refuse malformed output of a strategy's ``decide`` with an error that names the
        strategy, before it can touch anyone's state (:func:`sim.kernels.check_batch`).
        ``parts`` holds ``(strategy id, strategy, what its decide returned)``. The batches
        are copied into the world's own arrays first and checked there, so nothing a
        strategy does later (in ``reply``) can change what was checked."""
        fields = ("sender", "receiver", "tie", "topic", "two_way")
        arrays = []
        for _, strategy, msgs in parts:
            arrays.append(self._well_formed(strategy, msgs, fields))
        if not arrays:
            return Messages.empty()
        if len(arrays) == 1:
            out = [np.array(a, dtype=d) for a, d in zip(arrays[0], FIELD_TYPES, strict=True)]
        else:
            out = [
                np.concatenate([a[k] for a in arrays], dtype=d, casting="unsafe")
                for k, d in enumerate(FIELD_TYPES)
            ]
        msgs = Messages(*out)
        start = 0
        for (sid, strategy, _), a in zip(parts, arrays, strict=True):
            end = start + len(a[0])
            code, i = check_batch(
                *(f[start:end] for f in out),
                sid, self.strategy_id, self.src, self.dst, self._key, self.n,
            )  # fmt: skip
            if code:
                raise self._refusal(strategy, code)
            start = end
        return msgs

    def _well_formed(self, strategy, msgs, fields) -> list[np.ndarray]:
        """The five fields of a batch as arrays, refused unless they are one-dimensional, of
        one length, integers (sender, receiver, tie), bool (two_way) and numbers (topic)."""
        if not isinstance(msgs, Messages):
            raise self._refusal(
                strategy,
                Reason.WRONG_TYPE,
                f"must return agents.Messages, not {type(msgs).__name__}",
            )
        arrays = [np.asarray(getattr(msgs, f)) for f in fields]
        if any(a.ndim != 1 for a in arrays) or len({a.shape for a in arrays}) != 1:
            sizes = {f: a.shape for f, a in zip(fields, arrays, strict=True)}
            raise self._refusal(
                strategy, Reason.BAD_SHAPE, f"returned fields of different shapes: {sizes}"
            )
        for f, a in zip(fields[:3], arrays[:3], strict=True):
            if a.dtype.kind not in "iu":
                raise self._refusal(
                    strategy,
                    Reason.NOT_INTEGERS,
                    f"returned {f} of type {a.dtype}; it must hold integers",
                )
        if arrays[4].dtype != bool:
            raise self._refusal(
                strategy,
                Reason.NOT_BOOL,
                f"returned two_way of type {arrays[4].dtype}; it must be bool",
            )
        if arrays[3].dtype.kind not in "iuf":
            raise self._refusal(strategy, CHECK_CODES[BAD_TOPIC][0], CHECK_CODES[BAD_TOPIC][1])
        for f, a in zip(fields[:3], arrays[:3], strict=True):
            if a.dtype.kind == "u" and len(a) and a.max() > np.iinfo(np.int64).max:
                code = BAD_TIE if f == "tie" else BAD_PERSON
                raise self._refusal(strategy, code)
        return arrays

    def _refusal(self, strategy, reason, why: str | None = None) -> StrategyError:
        """The error naming ``strategy``: a :class:`Reason` and words, or a code of
        :func:`sim.kernels.check_batch` (the words are then the code's)."""
        if why is None:
            reason, why = CHECK_CODES[reason]
            why = why.format(last=self.n - 1)
        name = getattr(strategy, "name", type(strategy).__name__)
        return StrategyError(reason, name, "decide", why)

    def _checked_reply(self, strategy, ties: np.ndarray, answer) -> tuple:
        name = getattr(strategy, "name", type(strategy).__name__)
        try:
            two_way, topic = answer
            two_way, topic = np.asarray(two_way), np.asarray(topic)
        except (TypeError, ValueError):
            raise StrategyError(
                Reason.WRONG_TYPE, name, "reply", "must return (two_way, topic) arrays"
            ) from None
        if two_way.shape != ties.shape or topic.shape != ties.shape:
            raise StrategyError(
                Reason.BAD_SHAPE,
                name,
                "reply",
                f"returned {two_way.shape} and {topic.shape} values for {len(ties)} answers",
            )
        if two_way.dtype != bool:
            raise StrategyError(Reason.NOT_BOOL, name, "reply", "two_way must be bool")
        if topic.dtype.kind not in "iuf" or not all_finite(topic):
            raise StrategyError(
                Reason.BAD_TOPIC, name, "reply", "gave a topic that is not a finite number"
            )
        return two_way, topic

    def replies(self, back: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How each partner would answer the conversations opened with them: ``back`` are
        the ties from partner to opener. Each partner's strategy says whether it answers
        in kind (two-way) and on which topic."""
        willing = np.zeros(len(back), dtype=bool)
        topic = np.zeros(len(back))
        if len(back) == 0:
            return willing, topic
        order, offsets = split_by(self.strategy_id[self.src[back]], len(self.strategies))
        for sid, strategy in enumerate(self.strategies):
            lo, hi = offsets[sid], offsets[sid + 1]
            if hi > lo:
                where = order[lo:hi]
                ties = back[where]
                willing[where], topic[where] = self._checked_reply(
                    strategy, ties, strategy.reply(self, ties)
                )
        return willing, topic

    def introduce(self, heard: Messages) -> None:
        """Introductions for the noticed messages ``heard`` (as :meth:`step` makes them):
        a person who noticed a conversation from a sender they trust (at least
        ``introduction_trust``) may, with chance ``INTRODUCTION_CHANCE``, introduce that
        sender to one of their own contacts (:func:`sim.kernels.draw_introductions`). Only
        the side that noticed a two-way message from the other introduces that other:
        someone who only pitches is never introduced."""
        ties = np.unique(heard.tie[heard.two_way & (heard.tie >= 0)])
        seed = np.uint64(self.rng.bit_generator.random_raw())
        guest, friend = draw_introductions(
            ties, self.src, self.dst, self.out_start, self._key, self.n,
            self.evidence_r, self.evidence_s, self.params["introduction_trust"],
            INTRODUCTION_CHANCE, random_state(seed),
        )  # fmt: skip
        if len(guest):
            self.make_introductions(guest, friend)

    def make_introductions(self, guest: np.ndarray, friend: np.ndarray) -> None:
        """Tie each ``guest[i]`` to ``friend[i]`` (pairs not tied yet; repeats are made
        once), with fresh state."""
        new_key = np.unique(np.minimum(guest, friend) * self.n + np.maximum(guest, friend))
        self.add_ties(new_key // self.n, new_key % self.n)

    def win_strangers(self, keys: np.ndarray) -> None:
        """Cold calls that won a stranger (``sender * n + stranger``): a stranger, too, is
        won over by a given sender once."""
        keys = np.unique(keys)
        keys = keys[~np.isin(keys, self.cold_won)]
        self.cold_won = np.union1d(self.cold_won, keys)
        np.add.at(self.conversions, keys // self.n, 1)

    def add_ties(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add new undirected ties ``a[i] -- b[i]`` with fresh state."""
        k = 2 * len(a)
        base = self.params["baseline_attention"]
        fresh = {
            "attention": np.full(k, base, dtype=TIE_FLOAT),
            "evidence_r": np.zeros(k, dtype=TIE_FLOAT),
            "evidence_s": np.zeros(k, dtype=TIE_FLOAT),
            "forget": np.ones(k, dtype=TIE_FLOAT),
            "estimate": self.rng.uniform(0, 2 * np.pi, k),
            "talks": np.zeros(k, dtype=np.int64),
            "held": np.zeros(k, dtype=np.int64),
            "converted": np.zeros(k, dtype=bool),
            "muted": np.zeros(k, dtype=bool),
        }
        carry = {name: np.concatenate([getattr(self, name), fresh[name]]) for name in TIE_STATE}
        self._set_ties(np.concatenate([self.src, a, b]), np.concatenate([self.dst, b, a]), carry)

    def check_fade(self) -> None:
        """A sender fades once the mean attention of their contacts stays below
        ``fade_threshold`` for ``fade_patience`` steps in a row (once faded, always faded).
        Where ``adaptation`` is on, a faded broadcaster switches to the interactors'
        strategy (also those who faded before it was switched on): :func:`sim.kernels.fade`."""
        fade(
            self.audience(),
            self.params["fade_threshold"],
            self.params["fade_patience"],
            self.below_streak,
            self.faded,
            self.strategy_id,
            self._switch_to(),
        )

    def _switch_to(self) -> np.ndarray:
        """Per strategy id: the strategy id a faded person switches to, -1 for none (only
        broadcasters switch, to the interactors' strategy, and only under adaptation)."""
        adapt = bool(self.params["adaptation"])
        if adapt not in self._switches:
            groups = [group_of(s) for s in self.strategies]
            self._switches[adapt] = np.array(
                [self.interactor_sid if adapt and g == "broadcasters" else -1 for g in groups],
                dtype=np.int64,
            )
        return self._switches[adapt]

    # -- per person summaries --------------------------------------------------------------
    def _summaries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per person (cached for the step): audience, trust earned, recall."""
        if self._summaries_t != self.t or self._summaries_ties != self.n_ties:
            self._summary = per_sender_summaries(
                self.out_start, self.attention, self.evidence_r, self.evidence_s, self.forget
            )
            self._summaries_t, self._summaries_ties = self.t, self.n_ties
        return self._summary

    def audience(self) -> np.ndarray:
        """Per person: mean attention their contacts pay them (NaN without contacts)."""
        return self._summaries()[0]

    def trust_earned(self) -> np.ndarray:
        """Per person: mean trust their contacts have in them."""
        return self._summaries()[1]

    def recall(self) -> np.ndarray:
        """Per person: mean strength of their contacts' memory of them."""
        return self._summaries()[2]

    def group_of_people(self) -> np.ndarray:
        groups = np.array([group_of(s) for s in self.strategies], dtype=object)
        return groups[self.strategy_id]

    # -- the Bass rule (docking) -----------------------------------------------------------
    def _bass_step(self) -> None:
        """Every person meets one random contact; a person not yet converted converts, in a
        single draw, with chance p + q [the contact has converted]. All at once."""
        p, q = self.params["bass_p"], self.params["bass_q"]
        n = self.n
        people = np.arange(n)
        if self.implicit_complete:
            contact = self.rng.integers(0, n - 1, size=n)
            contact += contact >= people
            has = np.ones(n, dtype=bool)
        else:
            has = self.out_degree > 0
            contact = np.zeros(n, dtype=np.int64)
            offs = (self.rng.random(n) * np.maximum(self.out_degree, 1)).astype(np.int64)
            contact[has] = self.dst[self.out_start[:-1][has] + offs[has]]
        draw = self.rng.random(n)
        told = has & self.adopted[contact]
        by_ad = draw < p
        by_word = ~by_ad & told & (draw < p + q)
        new = ~self.adopted & (by_ad | by_word)
        credited = new & by_word
        np.add.at(self.conversions, contact[credited], 1)
        self.adopted |= new

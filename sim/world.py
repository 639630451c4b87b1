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

A few passes that numpy could only do with sorting or many temporaries are small compiled
loops in :mod:`sim.kernels` (numba); they take their random draws from ``rng`` as arguments.

One step (:meth:`World.step`) runs the processes of ``docs/model.md`` in this order:
decide, deliver (the world settles which openings are held conversations and adds the
answers: :meth:`World.hold_conversations`), look (limited attention), notice,
value, trust, learning, attention, memory, conversion, introductions, fade.
"""

from __future__ import annotations

import numpy as np

from agents.errors import Reason, StrategyError
from agents.registry import group_of
from agents.strategy import Messages

from .kernels import (
    hold_conversations,
    learn_towards,
    look_within_budget,
    per_sender_summaries,
    range_min,
    restore_by_best,
    scale_by_receiver,
)
from .params import INTRODUCTION_CHANCE, MUTE_BELOW, STRANGER_TRUST

__all__ = [
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


def _frozen(values, dtype) -> np.ndarray:
    """A read-only copy of ``values`` as ``dtype``: what the world checked stays as checked."""
    out = np.array(values, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


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
        self._last_checked = {}
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

    def step(self) -> None:
        """Advance the world by one step."""
        self.t += 1
        self._clear_step_counts()
        if self.params["conversion_rule"] == "bass":
            self._bass_step()
            return
        msgs = self.deliver(self.decide())
        looked = self.look(msgs.receiver)
        noticed = looked & (self.rng.random(len(msgs)) < self._attention_for(msgs))
        heard = msgs.select(np.flatnonzero(noticed))  # the noticed messages only
        value = match(heard.topic, self.interest[heard.receiver])
        self.update_trust(heard, value)
        self.learn_interests(heard)
        self.update_attention(msgs, looked, heard, value)
        self.update_memory(heard)
        self.convert(heard, value)
        self._account(msgs, looked, heard, value)
        if self.params["introductions"]:
            self.introduce(heard)
        self.check_fade()

    def decide(self) -> list[Messages]:
        """Each strategy chooses the messages of the people who use it (one batch each)."""
        parts = []
        for sid, strategy in enumerate(self.strategies):
            people = np.flatnonzero(self.strategy_id == sid)
            if len(people):
                parts.append(self._checked(strategy, sid, strategy.decide(self, people)))
        return parts

    def _checked(self, strategy, sid: int, msgs) -> Messages:
        """Refuse malformed output of a strategy's ``decide`` with an error that names the
        strategy, before it can touch anyone's state. A cached batch (the same Messages
        object returned again) is not checked again only while nothing it was checked
        against has changed: its contents, the ties (introductions) and who uses which
        strategy (adaptation). The world delivers its own read-only copy of what it checked."""
        if self._unchanged_since_checked(strategy, msgs):
            return self._last_checked[id(strategy)][1]
        name = getattr(strategy, "name", type(strategy).__name__)

        def refuse(reason: Reason, why: str) -> StrategyError:
            return StrategyError(reason, name, "decide", why)

        if not isinstance(msgs, Messages):
            raise refuse(
                Reason.WRONG_TYPE, f"must return agents.Messages, not {type(msgs).__name__}"
            )
        fields = {
            f: np.asarray(getattr(msgs, f))
            for f in ("sender", "receiver", "tie", "topic", "two_way")
        }
        sizes = {f: a.shape for f, a in fields.items()}
        if any(a.ndim != 1 for a in fields.values()) or len(set(sizes.values())) != 1:
            raise refuse(Reason.BAD_SHAPE, f"returned fields of different shapes: {sizes}")
        for f in ("sender", "receiver", "tie"):
            if fields[f].dtype.kind not in "iu":
                raise refuse(
                    Reason.NOT_INTEGERS,
                    f"returned {f} of type {fields[f].dtype}; it must hold integers",
                )
        if fields["two_way"].dtype != bool:
            raise refuse(
                Reason.NOT_BOOL,
                f"returned two_way of type {fields['two_way'].dtype}; it must be bool",
            )
        if fields["topic"].dtype.kind not in "iuf" or not np.all(np.isfinite(fields["topic"])):
            raise refuse(
                Reason.BAD_TOPIC,
                "returned a topic that is not a finite number (an angle in radians)",
            )
        sender, receiver, tie = (
            fields[f].astype(np.int64, copy=False) for f in ("sender", "receiver", "tie")
        )
        if len(receiver) and (receiver.min() < 0 or receiver.max() >= self.n):
            raise refuse(
                Reason.BAD_PERSON,
                f"sent a message to someone who does not exist (people are 0 to {self.n - 1})",
            )
        if len(sender) and (
            sender.min() < 0
            or sender.max() >= self.n
            or not np.all(self.strategy_id[sender] == sid)
        ):
            raise refuse(
                Reason.NOT_OWN_PERSON,
                "sent a message on behalf of someone who does not use this strategy",
            )
        if np.any(sender == receiver):
            raise refuse(Reason.SELF_MESSAGE, "sent a message to its own sender")
        on_tie = tie >= 0
        all_on_ties = bool(on_tie.all())
        t_on = tie if all_on_ties else tie[on_tie]
        if (len(tie) and (tie.min() < -1 or tie.max() >= self.n_ties)) or not (
            np.array_equal(self.src[t_on], sender if all_on_ties else sender[on_tie])
            and np.array_equal(self.dst[t_on], receiver if all_on_ties else receiver[on_tie])
        ):
            raise refuse(
                Reason.BAD_TIE,
                "gave a tie index that is not the tie from sender to receiver "
                "(use Messages.on_ties, or world.tie(sender, receiver))",
            )
        if not all_on_ties:
            stranger = ~on_tie
            if np.any(self.ties_between(sender[stranger], receiver[stranger]) >= 0):
                raise refuse(
                    Reason.COLD_TO_CONTACT,
                    "marked a message to a contact as a cold call (tie -1); give its tie",
                )
            if np.any(fields["two_way"] & stranger):
                raise refuse(
                    Reason.TWO_WAY_TO_STRANGER,
                    "opened a two-way exchange with a stranger; conversations need a tie",
                )
        out = Messages(
            *(
                _frozen(a, dtype)
                for a, dtype in (
                    (sender, np.int64),
                    (receiver, np.int64),
                    (tie, np.int64),
                    (fields["topic"], float),
                    (fields["two_way"], bool),
                )
            )
        )
        self._last_checked[id(strategy)] = (msgs, out, self.n_ties, self.strategy_id.copy())
        return out

    def _unchanged_since_checked(self, strategy, msgs) -> bool:
        """Is ``msgs`` the batch last checked for ``strategy``, with the same contents, the
        same ties and the same people using each strategy?"""
        seen = self._last_checked.get(id(strategy))
        if seen is None or seen[0] is not msgs:
            return False
        _, out, n_ties, strategy_id = seen
        if n_ties != self.n_ties or not np.array_equal(strategy_id, self.strategy_id):
            return False
        return all(
            np.array_equal(np.asarray(getattr(msgs, f)), getattr(out, f))
            for f in ("sender", "receiver", "tie", "topic", "two_way")
        )

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
        if topic.dtype.kind not in "iuf" or not np.all(np.isfinite(topic)):
            raise StrategyError(
                Reason.BAD_TOPIC, name, "reply", "gave a topic that is not a finite number"
            )
        return two_way, topic

    def deliver(self, parts: list[Messages]) -> Messages:
        """Drop messages to people who muted their sender, then settle every opened
        conversation (:meth:`hold_conversations`) and add the answers."""
        if self.params["muting"]:
            parts = [m.select(~((m.tie >= 0) & self.muted[np.maximum(m.tie, 0)])) for m in parts]
        where = [np.flatnonzero(m.two_way) for m in parts]  # openings, part by part
        if not any(len(w) for w in where):
            return Messages.concat(parts)
        ties = np.concatenate([m.tie[w] for m, w in zip(parts, where, strict=True)])
        back = self.rev[ties]  # openings are on ties (checked in decide)
        willing, topic = self.replies(back)
        np.add.at(self.talks, ties, 1)  # every opening counts, held or not
        held = self.hold_conversations(ties, willing)
        np.add.at(self.held, ties[held], 1)
        # An opening nobody took part in arrives as what it is: a one-way message. (A part
        # may be a strategy's cached batch: change a copy, never the batch itself.)
        settled, k = [], 0
        for m, w in zip(parts, where, strict=True):
            missed = w[~held[k : k + len(w)]]
            k += len(w)
            if len(missed):
                two_way = m.two_way.copy()
                two_way[missed] = False
                m = Messages(m.sender, m.receiver, m.tie, m.topic, two_way)
            settled.append(m)
        # Answers: a held conversation is answered in kind; a partner who declined answers
        # one-way (a broadcaster's pitch); a partner who had no time does not answer.
        answered = held | ~willing
        b = back[answered]
        answers = Messages(self.src[b], self.dst[b], b, topic[answered], held[answered])
        if self.params["muting"]:
            answers = answers.select(~self.muted[answers.tie])
        return Messages.concat([*settled, answers])

    def replies(self, back: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How each partner would answer the conversations opened with them: ``back`` are
        the ties from partner to opener. Each partner's strategy says whether it answers
        in kind (two-way) and on which topic."""
        willing = np.zeros(len(back), dtype=bool)
        topic = np.zeros(len(back))
        answering = self.strategy_id[self.src[back]]
        for sid, strategy in enumerate(self.strategies):
            mask = answering == sid
            if mask.any():
                willing[mask], topic[mask] = self._checked_reply(
                    strategy, back[mask], strategy.reply(self, back[mask])
                )
        return willing, topic

    def hold_conversations(self, ties: np.ndarray, willing: np.ndarray) -> np.ndarray:
        """The rule of what makes an exchange an exchange (docs/model.md, section 7.2).

        A conversation takes both people's time: nobody takes part in more than
        ``conversation_capacity`` conversations a step, opened and answered together. The
        openings ``ties`` are settled one at a time in a random order; one is *held* when
        its partner is ``willing`` to answer in kind and both still have time. Returns a
        mask over ``ties``. Whatever a strategy labels its messages, only held
        conversations restore attention, leave the strong memory trace and teach."""
        order = self.rng.permutation(len(ties))
        return hold_conversations(
            self.src[ties],
            self.dst[ties],
            willing,
            order,
            self.params["conversation_capacity"],
            self.n,
        )

    def look(self, receiver: np.ndarray) -> np.ndarray:
        """Which delivered messages their receivers look at.

        Each receiver looks at no more than ``attention_budget`` messages, chosen at random;
        the rest go unseen. Looking comes before noticing, so messages that will be ignored
        still use up the budget (attention is a commons).
        """
        if not self.params["limited_attention"] or len(receiver) == 0:
            return np.ones(len(receiver), dtype=bool)
        budget = self.params["attention_budget"]
        count = np.bincount(receiver, minlength=self.n)
        draws = self.rng.random(int(count[count > budget].sum()))
        return look_within_budget(receiver, count, budget, draws)

    def _attention_for(self, msgs: Messages) -> np.ndarray:
        """Per message: the receiver's attention to its sender (or to strangers)."""
        if not self.n_ties:
            return self.cold_attention[msgs.receiver]
        cold = msgs.tie < 0
        if not cold.any():
            return self.attention[msgs.tie]
        return np.where(
            cold, self.cold_attention[msgs.receiver], self.attention[np.maximum(msgs.tie, 0)]
        )

    def update_trust(self, heard: Messages, value: np.ndarray) -> None:
        """Beta evidence with forgetting: r <- lambda r + value, s <- lambda s + 1 - value,
        for every noticed message of a held conversation; all evidence fades by lambda each
        step. Trust grows in exchange: a one-way message, however apt, adds no evidence."""
        lam = self.params["trust_forgetting"]
        self.evidence_r *= lam
        self.evidence_s *= lam
        talk = heard.two_way  # held conversations, always on ties
        np.add.at(self.evidence_r, heard.tie[talk], value[talk])
        np.add.at(self.evidence_s, heard.tie[talk], 1.0 - value[talk])

    def learn_interests(self, heard: Messages) -> None:
        """A noticed two-way message tells its receiver what the sender values: the
        receiver's guess of the sender's interest moves a share ``interest_learning`` of the
        way towards the truth."""
        talk = heard.two_way & (heard.tie >= 0)
        back = self.rev[heard.tie[talk]]
        truth = self.interest[heard.sender[talk]]
        # estimate += rate * wrap(truth - estimate), once per tie a step
        learn_towards(self.estimate, back, truth, self.params["interest_learning"])

    def update_attention(
        self, msgs: Messages, looked: np.ndarray, heard: Messages, value: np.ndarray
    ) -> None:
        """Recovery at rest, habituation to the one-way messages looked at, restoring by the
        conversations noticed (by as much as they were worth), spill-over to all senders
        (generalization) and muting."""
        p = self.params
        a = self.attention
        base, r = p["baseline_attention"], p["recovery"]
        h = p["habituation"] if p["habituation_on"] else 0.0
        for arr in (a, self.cold_attention):  # a <- a + r (base - a), in place
            arr *= 1.0 - r
            arr += r * base
        one_way = looked & ~msgs.two_way
        if h > 0:
            on_tie = one_way & (msgs.tie >= 0)
            np.multiply.at(a, msgs.tie[on_tie], TIE_FLOAT(1.0 - h))
            cold = one_way & ~on_tie
            if cold.any():
                np.multiply.at(self.cold_attention, msgs.receiver[cold], 1.0 - h)
        g = p["sensitization"]
        if g > 0:
            talk = heard.two_way  # held conversations noticed, always on ties
            restore_by_best(a, heard.tie[talk], value[talk], TIE_FLOAT(g))
        spill = p["generalization"] * h if p["generalization_on"] else 0.0
        if spill > 0:
            exposures = np.bincount(msgs.receiver[one_way], minlength=self.n)
            keep = (1.0 - spill) ** exposures
            scale_by_receiver(a, self.dst, keep.astype(TIE_FLOAT))  # a *= keep[receiver]
            self.cold_attention *= keep
        if p["muting"]:
            self.muted |= a < MUTE_BELOW
            a[self.muted] = 0.0

    def update_memory(self, heard: Messages) -> None:
        """Every trace decays; a noticed message strengthens the receiver's trace of its
        sender, a conversation much more than an interruption."""
        p = self.params
        d = p["memory_decay"]
        self.forget *= 1.0 - d  # memory m <- (1 - d) m, i.e. forget f <- (1 - d) f + d
        self.forget += d
        on_tie = heard.tie >= 0
        keep = np.where(
            heard.two_way[on_tie],
            1.0 - p["memory_boost_exchange"],
            1.0 - p["memory_boost_interruption"],
        ).astype(TIE_FLOAT)
        np.multiply.at(self.forget, heard.tie[on_tie], keep)  # m <- m + b (1 - m)

    def convert(self, heard: Messages, value: np.ndarray) -> None:
        """A noticed message wins its receiver over with chance rate x value x trust.
        A tie converts once; strangers (cold reach) are judged with neutral trust."""
        rate = self.params["conversion_rate"]
        draw = self.rng.random(len(heard))
        on_tie = heard.tie >= 0
        # won iff draw < rate x value x trust; trust <= 1, so only draws under rate x value
        # can win: look up trust for those alone
        maybe = np.flatnonzero(on_tie & (draw < rate * value))
        ties = heard.tie[maybe]
        chance = rate * value[maybe] * self.trust_of(ties)
        won = np.unique(ties[(draw[maybe] < chance) & ~self.converted[ties]])
        self.converted[won] = True
        np.add.at(self.conversions, self.src[won], 1)
        cold = ~on_tie
        if cold.any():  # a stranger, too, is won over by a given sender once
            hit = draw[cold] < rate * value[cold] * STRANGER_TRUST
            keys = np.unique(heard.sender[cold][hit] * self.n + heard.receiver[cold][hit])
            keys = keys[~np.isin(keys, self.cold_won)]
            self.cold_won = np.union1d(self.cold_won, keys)
            np.add.at(self.conversions, keys // self.n, 1)

    def _account(self, msgs: Messages, looked, heard: Messages, value) -> None:
        self.sent = np.bincount(msgs.sender, minlength=self.n)
        self.reach = np.bincount(heard.sender, minlength=self.n)
        self.value_sum = np.bincount(heard.sender, weights=value, minlength=self.n)
        self.delivered_total = len(msgs)
        self.looked_total = int(np.count_nonzero(looked))
        self.noticed_total = len(heard)

    def introduce(self, heard: Messages) -> None:
        """A person who noticed a conversation from a sender they trust (at least
        ``introduction_trust``) may, with chance ``INTRODUCTION_CHANCE``, introduce that
        sender to one of their own contacts: a new tie, with fresh state. Only the side that
        noticed a two-way message from the other introduces that other: someone who only
        pitches is never introduced."""
        ties = np.unique(heard.tie[heard.two_way])  # one chance per noticed partner a step
        ties = ties[self.trust_of(ties) >= self.params["introduction_trust"]]
        ties = ties[self.rng.random(len(ties)) < INTRODUCTION_CHANCE]
        if len(ties) == 0:
            return
        host, guest = self.dst[ties], self.src[ties]
        deg = self.out_degree[host]
        pick = self.out_start[host] + (self.rng.random(len(ties)) * deg).astype(np.int64)
        friend = self.dst[pick]
        new_key = np.minimum(guest, friend) * self.n + np.maximum(guest, friend)
        fresh = (guest != friend) & (self.ties_between(guest, friend) < 0)
        new_key = np.unique(new_key[fresh])
        if len(new_key) == 0:
            return
        a_, b_ = new_key // self.n, new_key % self.n
        self.add_ties(a_, b_)

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
        strategy."""
        audience = self.audience()
        below = audience < self.params["fade_threshold"]  # NaN (no contacts) is never below
        self.below_streak = np.where(below, self.below_streak + 1, 0)
        newly = (self.below_streak >= self.params["fade_patience"]) & ~self.faded
        self.faded |= newly
        if self.params["adaptation"]:  # also those who faded before it was switched on
            switch = self.faded & (self.group_of_people() == "broadcasters")
            self.strategy_id[switch] = self.interactor_sid

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

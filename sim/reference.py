"""The reference implementation: the same rules as :mod:`sim.world`, one person at a time.

:class:`sim.NetworkingModel` keeps every tie's state in numpy arrays and updates all ties at
once, which is fast but hard to read. This module enacts the same rules the plain
agent-based way: one :class:`ReferencePerson` (a Mesa agent) per node, holding its own
state about each contact in Python dicts, and a step that loops over people and messages.
It is the *slow path*, kept for two reasons:

* it is the readable statement of the rules (read it next to ``docs/model.md``);
* it is the test oracle: the fast engine must agree with it statistically
  (``tests/test_reference_agreement.py``).

Where a person keeps what
-------------------------
A tie ``sender -> receiver`` of the fast engine has its state split between the two ends,
exactly as in :mod:`sim.world`:

* the **receiver** holds what it thinks of the sender: ``attention[sender]`` (chance of
  noticing them), trust evidence ``evidence_r[sender]`` and ``evidence_s[sender]`` (and the
  trust they give, ``trust[sender]``, refreshed whenever the evidence changes),
  ``memory[sender]`` (recall), ``converted_by[sender]`` (won over, once) and
  ``muted[sender]`` (blocked for good, when muting is on); towards strangers it holds one
  ``stranger_attention`` and the set ``won_over_by_strangers`` of cold callers who have
  won it over;
* the **sender** holds what it knows of the receiver: ``guess[receiver]`` (its estimate of
  the receiver's interest), ``talks[receiver]`` (how many conversations it tried to open
  with them) and ``held[receiver]`` (how many of those were held: answered in kind, with
  time on both sides).

One step, in the order of :meth:`sim.world.World.step`
------------------------------------------------------
decide, deliver (answers included), look (limited attention), notice, value, trust,
learning, attention, memory, conversion, fade; then the data collector records.

Supported: the built-in strategies ``interrupt`` and ``interact`` and every mechanism
switch except ``introductions`` and a campaign's end (``campaign_steps``); the ``bass``
conversion rule is not supported either (each raises :class:`NotImplementedError`).

Randomness comes from the model's ``rng`` (Mesa's generator), so a seed fixes the run. The
network is built by the same function with the same generator as the fast model, so the
same seed gives the same graph and the same strategies; the initial guesses, interests
and pitches are drawn from the same distributions (currently even in the same order, but
nothing relies on it). After that the two implementations consume random numbers
differently, so they agree in distribution, not draw for draw.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import mesa
import numpy as np

from .model import (
    BY_START,
    REPORTER_KEYS,
    check_rng,
    keyword_signature,
    make_reporter,
    reporter_names,
)
from .networks import build_network, to_networkx
from .params import MUTE_BELOW, PARAMETERS, STRANGER_TRUST, ParameterError, validate, validate_one

__all__ = ["ReferenceModel", "ReferencePerson", "SUPPORTED_STRATEGIES"]

#: The strategies the reference knows, and the reporter group each belongs to.
SUPPORTED_STRATEGIES = {"interrupt": "broadcasters", "interact": "interactors"}

#: The two families of the essay: reporters exist for both even when one is empty.
FAMILIES = ("broadcasters", "interactors")

TWO_PI = 2.0 * math.pi
NAN = float("nan")


def match(topic: float, interest: float) -> float:
    """Value of a message to its receiver: (1 + cos(topic - interest)) / 2, in [0, 1]."""
    return 0.5 * (1.0 + math.cos(topic - interest))


def wrap(angle: float) -> float:
    """Map an angle difference to [-pi, pi) (the shortest way round the circle)."""
    return (angle + math.pi) % TWO_PI - math.pi


class Message:
    """One message of one step, and what became of it.

    ``cold`` marks a message to a stranger (cold reach): there is no tie, so the receiver
    judges it with its attention to strangers and neutral trust, and keeps no memory of it.
    ``two_way`` marks a tailored message of a conversation (an opening or an interactor's
    answer); everything else is a one-way interruption.
    """

    __slots__ = ("sender", "receiver", "topic", "two_way", "cold", "looked", "noticed", "value")

    def __init__(
        self,
        sender: ReferencePerson,
        receiver: ReferencePerson,
        topic: float,
        two_way: bool = False,
        cold: bool = False,
    ):
        self.sender = sender
        self.receiver = receiver
        self.topic = topic
        self.two_way = two_way
        self.cold = cold
        self.looked = False
        self.noticed = False
        self.value = 0.0


class ReferencePerson(mesa.Agent):
    """One person: a node of the graph, with its own view of each contact.

    Attributes exposed like :class:`agents.Person`: ``strategy``, ``group``, ``faded``,
    ``attention_received``, ``trust_earned``, ``recall``, ``conversions``, ``contacts``,
    ``interest``, ``label``.
    """

    def __init__(self, model: ReferenceModel, index: int, label=None):
        super().__init__(model)
        self.index = index
        self.label = index if label is None else label
        self.params = model.params  # the model's dict: live changes show here too
        self.strategy = model.interactor_strategy
        self.interest = 0.0  # what they value: an angle on the topic circle
        self.pitch = 0.0  # the topic they push when they interrupt
        self.contacts: list[ReferencePerson] = []
        # What I think of each contact as a sender (the receiver's end of contact -> me).
        base = model.params["baseline_attention"]
        self.attention: dict[ReferencePerson, float] = {}
        self.evidence_r: dict[ReferencePerson, float] = {}
        self.evidence_s: dict[ReferencePerson, float] = {}
        self.trust: dict[ReferencePerson, float] = {}  # (r + 1) / (r + s + 2), kept current
        self.memory: dict[ReferencePerson, float] = {}
        self.converted_by: dict[ReferencePerson, bool] = {}
        self.muted: dict[ReferencePerson, bool] = {}
        # What I know of each contact as a receiver (the sender's end of me -> contact).
        self.guess: dict[ReferencePerson, float] = {}
        self.talks: dict[ReferencePerson, int] = {}
        self.held: dict[ReferencePerson, int] = {}
        self.busy = 0  # conversations I take part in this step (opened or answered)
        # Towards strangers (cold reach): one attention for all of them, and the cold
        # callers who have won me over (each can do so once).
        self.stranger_attention = base
        self.won_over_by_strangers: set[ReferencePerson] = set()
        self.faded = False
        self.below_streak = 0
        self.audience = NAN  # attention_received as of the last fade check
        self.conversions = 0
        # This step's traffic.
        self.inbox: list[Message] = []
        self.sent = 0
        self.reach = 0
        self.value_sum = 0.0

    # -- set-up ----------------------------------------------------------------------------
    def add_contact(self, other: ReferencePerson) -> None:
        """Know ``other``: fresh attention, no evidence, no memory, no talks yet."""
        self.contacts.append(other)
        self.attention[other] = self.model.params["baseline_attention"]
        self.evidence_r[other] = 0.0
        self.evidence_s[other] = 0.0
        self.trust[other] = 0.5
        self.memory[other] = 0.0
        self.converted_by[other] = False
        self.muted[other] = False
        self.guess[other] = 0.0
        self.talks[other] = 0
        self.held[other] = 0

    # -- what others see -------------------------------------------------------------------
    @property
    def rng(self) -> np.random.Generator:
        return self.model.rng

    @property
    def group(self) -> str:
        """The family of my current strategy: ``broadcasters`` or ``interactors``."""
        return SUPPORTED_STRATEGIES[self.strategy]

    @property
    def attention_received(self) -> float:
        """Mean attention my contacts pay me (NaN without contacts): my audience."""
        if not self.contacts:
            return NAN
        return sum([c.attention[self] for c in self.contacts]) / len(self.contacts)

    @property
    def trust_earned(self) -> float:
        """Mean trust my contacts have in me (NaN without contacts)."""
        if not self.contacts:
            return NAN
        return sum([c.trust[self] for c in self.contacts]) / len(self.contacts)

    @property
    def recall(self) -> float:
        """Mean strength of my contacts' memory of me (NaN without contacts)."""
        if not self.contacts:
            return NAN
        return sum([c.memory[self] for c in self.contacts]) / len(self.contacts)

    def trust_in(self, contact: ReferencePerson) -> float:
        """My trust in ``contact``: the Beta expectation (r + 1) / (r + s + 2) of the
        evidence I hold about them (kept in ``self.trust`` by :meth:`update_trust`)."""
        return self.trust[contact]

    # -- 1. decide -------------------------------------------------------------------------
    def start_step(self) -> None:
        """Clear this step's traffic."""
        self.inbox = []
        self.busy = 0
        self.sent = 0
        self.reach = 0
        self.value_sum = 0.0

    def decide(self) -> list[Message]:
        """The messages I start this step, by my strategy."""
        if self.strategy == "interrupt":
            return self.pitch_everyone()
        return self.open_exchanges()

    def pitch_everyone(self) -> list[Message]:
        """Broadcaster: my one pitch to every contact, one-way, and to ``cold_reach``
        strangers (see :meth:`find_stranger`)."""
        msgs = [Message(self, c, self.pitch) for c in self.contacts]
        for _ in range(self.params["cold_reach"]):
            stranger = self.find_stranger()
            if stranger is not None:
                msgs.append(Message(self, stranger, self.pitch, cold=True))
        return msgs

    def knows(self, other: ReferencePerson) -> bool:
        """Is ``other`` one of my contacts?"""
        return other in self.attention

    def find_stranger(self, tries: int = 20) -> ReferencePerson | None:
        """Someone drawn at random who is neither me nor a contact (with replacement across
        calls). Draws that hit me or a contact are redrawn, ``tries`` times at most; someone
        who knows (nearly) everyone may find nobody and place no call."""
        people = self.model.people
        if len(self.contacts) >= len(people) - 1:
            return None
        for _ in range(tries):
            other = people[int(self.model.uniform() * len(people))]
            if other is not self and not self.knows(other):
                return other
        return None

    def open_exchanges(self) -> list[Message]:
        """Interactor: open a conversation with each of ``exchanges_per_step`` distinct
        contacts, talking about what I believe they value (my guess of their interest)."""
        chosen = self.choose_partners(self.params["exchanges_per_step"])
        return [Message(self, c, self.guess[c], two_way=True) for c in chosen]

    def weights_of(self, contacts: list[ReferencePerson]) -> list[float]:
        """How much I want to talk with each of ``contacts``: my trust in them plus what I
        have yet to learn about them, (1 - interest_learning) ** conversations I opened,
        times the share of my openings they answered in kind, (held + 1) / (opened + 1)."""
        unknown = 1.0 - self.params["interest_learning"]
        trust, talks, held = self.trust, self.talks, self.held
        return [
            (trust[c] + unknown ** talks[c]) * (held[c] + 1.0) / (talks[c] + 1.0) for c in contacts
        ]

    def choose_partners(self, how_many: int) -> list[ReferencePerson]:
        """Draw up to ``how_many`` distinct contacts, each with chance proportional to
        :meth:`weights_of` among those not drawn yet."""
        candidates = list(self.contacts)
        weights = self.weights_of(candidates)
        chosen = []
        for _ in range(how_many):
            total = sum(weights)
            if not candidates or total <= 0.0:
                break
            x = self.model.uniform() * total
            pick = len(candidates) - 1  # in case rounding leaves x a hair above 0
            for i, w in enumerate(weights):
                x -= w
                if x < 0.0:
                    pick = i
                    break
            chosen.append(candidates.pop(pick))
            weights.pop(pick)
        return chosen

    # -- 2. deliver ------------------------------------------------------------------------
    def answer(self, opener: ReferencePerson) -> Message:
        """Answer a conversation ``opener`` started with me. An interactor replies in kind,
        tailored to its guess of the opener's interest; a broadcaster answers with its
        pitch, one-way."""
        if self.strategy == "interact":
            return Message(self, opener, self.guess[opener], two_way=True)
        return Message(self, opener, self.pitch)

    # -- 3. look and notice ----------------------------------------------------------------
    def look_at_inbox(self) -> None:
        """Limited attention: look at no more than ``attention_budget`` of the delivered
        messages, chosen at random; the rest go unseen (ignored senders' messages use up
        the budget too: looking comes before noticing)."""
        inbox = self.inbox
        budget = self.params["attention_budget"]
        if self.params["limited_attention"] and len(inbox) > budget:
            for i in self.rng.permutation(len(inbox))[:budget]:
                inbox[int(i)].looked = True
        else:
            for msg in inbox:
                msg.looked = True

    def attention_to(self, msg: Message) -> float:
        """My chance of noticing ``msg``: attention to its sender, or to strangers."""
        return self.stranger_attention if msg.cold else self.attention[msg.sender]

    def notice(self, msg: Message) -> bool:
        """Whether I notice a message I look at."""
        return self.model.uniform() < self.attention_to(msg)

    def judge_value(self, msg: Message) -> float:
        """What a noticed message is worth to me: how well its topic matches my interest."""
        return match(msg.topic, self.interest)

    # -- 4. trust --------------------------------------------------------------------------
    def update_trust(self) -> None:
        """Beta evidence with forgetting, r <- lambda r + new successes, s <- lambda s + new
        failures: all evidence decays by ``trust_forgetting``, then each noticed message of a
        held conversation adds its value as success and one minus its value as failure (a
        one-way message adds nothing: trust grows in exchange). Trust is (r + 1) / (r + s +
        2), refreshed as the evidence changes."""
        lam = self.params["trust_forgetting"]
        r, s, trust = self.evidence_r, self.evidence_s, self.trust
        for c in self.contacts:
            rc = r[c] = lam * r[c]
            sc = s[c] = lam * s[c]
            trust[c] = (rc + 1.0) / (rc + sc + 2.0)
        for msg in self.inbox:
            if msg.noticed and msg.two_way:
                c = msg.sender
                rc = r[c] = r[c] + msg.value
                sc = s[c] = s[c] + 1.0 - msg.value
                trust[c] = (rc + 1.0) / (rc + sc + 2.0)

    # -- 5. learning -----------------------------------------------------------------------
    def learn_from_conversations(self) -> None:
        """Each contact I heard in a noticed two-way message tells me what they value: I
        learn once per contact per step, however many of their messages I noticed."""
        heard = {msg.sender for msg in self.inbox if msg.noticed and msg.two_way}
        for contact in heard:
            self.learn_interest(contact)

    def learn_interest(self, contact: ReferencePerson) -> None:
        """Move my guess of ``contact``'s interest a share ``interest_learning`` of the
        (shortest) way towards the truth."""
        gap = wrap(contact.interest - self.guess[contact])
        self.guess[contact] += self.params["interest_learning"] * gap

    # -- 6. attention ----------------------------------------------------------------------
    def update_attention(self) -> None:
        """Recovery at rest, then habituation to each one-way message I looked at, then one
        restoring per contact whose conversation I noticed (by its best value this step),
        then spill-over, then muting."""
        self.recover()
        exposures = 0
        best: dict[ReferencePerson, float] = {}  # restored once a step, however many talks
        for msg in self.inbox:
            if msg.two_way:
                if msg.noticed:
                    best[msg.sender] = max(best.get(msg.sender, 0.0), msg.value)
            elif msg.looked:
                exposures += 1
                self.habituate(msg)
        for contact, worth in best.items():
            self.restore(contact, worth)
        if exposures:
            self.spill_over(exposures)
        if self.params["muting"]:
            self.mute_the_ignored()

    def _habituation(self) -> float:
        p = self.params
        return p["habituation"] if p["habituation_on"] else 0.0

    def recover(self) -> None:
        """At rest, attention to every contact (and to strangers) recovers a share
        ``recovery`` of the way back to the baseline."""
        base, r = self.params["baseline_attention"], self.params["recovery"]
        for c in self.contacts:
            self.attention[c] += r * (base - self.attention[c])
        self.stranger_attention += r * (base - self.stranger_attention)

    def habituate(self, msg: Message) -> None:
        """A one-way message I looked at: attention to its sender drops, a <- a (1 - h)
        (attention to strangers, for a cold one). Nothing drops when habituation is off."""
        h = self._habituation()
        if msg.cold:
            self.stranger_attention *= 1.0 - h
        else:
            self.attention[msg.sender] *= 1.0 - h

    def restore(self, contact: ReferencePerson, worth: float) -> None:
        """A conversation I noticed gives back a share ``sensitization`` x ``worth`` (what
        it was worth to me) of the attention lost: talk about what I care about and I
        listen again; talk past me and it gives back little."""
        g = self.params["sensitization"] * worth
        self.attention[contact] += g * (1.0 - self.attention[contact])

    def spill_over(self, exposures: int) -> None:
        """Generalization: each interruption I looked at also lowers attention to all
        senders, contacts and strangers alike, by the share ``generalization * h``."""
        p = self.params
        if not p["generalization_on"]:
            return
        keep = (1.0 - p["generalization"] * self._habituation()) ** exposures
        for c in self.contacts:
            self.attention[c] *= keep
        self.stranger_attention *= keep

    def mute_the_ignored(self) -> None:
        """Muting: block for good every contact whose attention fell under MUTE_BELOW; a
        blocked contact gets no attention and their messages are no longer delivered."""
        for c in self.contacts:
            if self.muted[c] or self.attention[c] < MUTE_BELOW:
                self.muted[c] = True
                self.attention[c] = 0.0

    # -- 7. memory -------------------------------------------------------------------------
    def remember(self) -> None:
        """Every trace decays by ``memory_decay``; then each noticed message from a contact
        strengthens my trace of them, m <- m + b (1 - m), a conversation (b =
        ``memory_boost_exchange``) much more than an interruption."""
        p = self.params
        keep = 1.0 - p["memory_decay"]
        for c in self.contacts:
            self.memory[c] *= keep
        for msg in self.inbox:
            if msg.noticed and not msg.cold:
                b = p["memory_boost_exchange"] if msg.two_way else p["memory_boost_interruption"]
                m = self.memory[msg.sender]
                self.memory[msg.sender] = m + b * (1.0 - m)

    # -- 8. conversion ---------------------------------------------------------------------
    def consider_conversion(self, msg: Message) -> None:
        """A noticed message may win me over: chance ``conversion_rate`` x value x trust
        (this step's trust). A contact converts me once; a cold caller's message is judged
        with neutral trust, and a given cold caller, too, wins me over once."""
        rate = self.params["conversion_rate"]
        sender = msg.sender
        if msg.cold:
            if (
                sender not in self.won_over_by_strangers
                and self.model.uniform() < rate * msg.value * STRANGER_TRUST
            ):
                self.won_over_by_strangers.add(sender)
                sender.conversions += 1
        elif not self.converted_by[
            sender
        ] and self.model.uniform() < rate * msg.value * self.trust_in(sender):
            self.converted_by[sender] = True
            sender.conversions += 1

    # -- 9. fade ---------------------------------------------------------------------------
    def check_fade(self) -> None:
        """I fade once my audience (mean attention of my contacts to me) stays below
        ``fade_threshold`` for ``fade_patience`` steps in a row; once faded, always faded.
        With ``adaptation`` on, a broadcaster who fades switches to interacting."""
        p = self.params
        audience = self.audience = self.attention_received  # NaN is never below
        self.below_streak = self.below_streak + 1 if audience < p["fade_threshold"] else 0
        if self.below_streak >= p["fade_patience"] and not self.faded:
            self.faded = True
            if p["adaptation"] and self.group == "broadcasters":
                self.strategy = self.model.interactor_strategy

    def numbers(self) -> dict[str, float]:
        """My per-person numbers for the reporters (see :data:`sim.model.REPORTER_HELP`)."""
        return {
            "attention_received": self.audience,  # settled at the last fade check
            "trust_earned": self.trust_earned,
            "recall": self.recall,
            "value_per_message": self.value_sum / self.reach if self.reach else NAN,
            "reach": float(self.reach),
            "sent": float(self.sent),
            "noticed_share": self.reach / self.sent if self.sent else NAN,
            "conversions": float(self.conversions),
            "faded": float(self.faded),
        }

    def __repr__(self) -> str:
        return f"ReferencePerson({self.label!r}, {self.strategy})"


class ReferenceModel(mesa.Model):
    """The slow, readable twin of :class:`sim.NetworkingModel` (same parameters, same
    reporters, same rules; see the module docstring)."""

    def __init__(self, *, rng=None, **params: Any):
        values = validate(params)
        _refuse_unsupported(values)
        super().__init__(rng=check_rng(rng))
        n, u, v, labels = build_network(values, self.rng)  # the same graph as the fast model
        self.params = values
        self.labels = labels
        self.broadcaster_strategy = values["broadcaster_strategy"]
        self.interactor_strategy = values["interactor_strategy"]
        self.people = [
            ReferencePerson(self, i, None if labels is None else labels[i]) for i in range(n)
        ]
        # Strategies: round(share * n) broadcasters, chosen like the fast model does.
        k = round(values["broadcaster_share"] * n)
        for i in self.rng.permutation(n)[:k]:
            self.people[int(i)].strategy = self.broadcaster_strategy
        self.initial_group = [p.group for p in self.people]
        # Ties: both directions of each acquaintance, contacts in index order.
        contacts: list[list[int]] = [[] for _ in range(n)]
        for a, b in zip(u.tolist(), v.tolist(), strict=True):
            contacts[a].append(b)
            contacts[b].append(a)
        for person, theirs in zip(self.people, contacts, strict=True):
            for j in sorted(theirs):
                person.add_contact(self.people[j])
        for person in self.people:
            person.audience = person.attention_received
        # Initial state: each sender's guess of each contact's interest, then interests,
        # then pitches, all uniform on the topic circle.
        for person in self.people:
            for c in person.contacts:
                person.guess[c] = float(self.rng.uniform(0, TWO_PI))
        for person in self.people:
            person.interest = float(self.rng.uniform(0, TWO_PI))
        for person in self.people:
            person.pitch = float(self.rng.uniform(0, TWO_PI))
        self.groups = list(
            dict.fromkeys(
                list(FAMILIES)
                + [
                    SUPPORTED_STRATEGIES[self.broadcaster_strategy],
                    SUPPORTED_STRATEGIES[self.interactor_strategy],
                ]
            )
        )
        self.delivered_total = self.looked_total = self.noticed_total = 0
        self.uniform = partial(next, _uniforms(self.rng))
        self._stats: dict[tuple[str, str], float] | None = None
        self._stats_at = -1
        self._graph = None
        reporters = {name: _reporter(name) for name in reporter_names(self.groups)}
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.running = True
        self.datacollector.collect(self)

    # -- running ---------------------------------------------------------------------------
    def step(self) -> None:
        """One step of every rule, in the order of :meth:`sim.world.World.step`."""
        people = self.people
        for p in people:
            p.start_step()
        # 1. decide, 2. deliver (answers to opened conversations included)
        opened = [msg for p in people for msg in p.decide()]
        delivered = self.deliver(opened)
        for msg in delivered:
            msg.receiver.inbox.append(msg)
            msg.sender.sent += 1
        # 3. look (limited attention), notice, value
        for p in people:
            p.look_at_inbox()
        looked = noticed = 0
        for msg in delivered:
            if msg.looked:
                looked += 1
                if msg.receiver.notice(msg):
                    noticed += 1
                    msg.noticed = True
                    msg.value = msg.receiver.judge_value(msg)
                    msg.sender.reach += 1
                    msg.sender.value_sum += msg.value
        self.delivered_total, self.looked_total, self.noticed_total = (
            len(delivered),
            looked,
            noticed,
        )
        # 4. trust, 5. learning, 6. attention, 7. memory
        for p in people:
            p.update_trust()
        for p in people:
            p.learn_from_conversations()
        for p in people:
            p.update_attention()
        for p in people:
            p.remember()
        # 8. conversion (with this step's trust)
        for msg in delivered:
            if msg.noticed:
                msg.receiver.consider_conversion(msg)
        # 9. fade (after every attention of the step is settled)
        for p in people:
            p.check_fade()
        self.datacollector.collect(self)

    def deliver(self, opened: list[Message]) -> list[Message]:
        """Drop messages from muted senders, then settle each opened conversation, in a
        random order (:meth:`hold`), and collect the answers (an answer is dropped too if
        the opener muted the partner)."""
        muting = self.params["muting"]
        delivered = [
            msg
            for msg in opened
            if not (muting and not msg.cold and msg.receiver.muted[msg.sender])
        ]
        openings = [msg for msg in delivered if msg.two_way]
        answers = []
        for i in self.rng.permutation(len(openings)).tolist():
            reply = self.hold(openings[i])
            if reply is not None and not (muting and reply.receiver.muted[reply.sender]):
                answers.append(reply)
        return delivered + answers

    def hold(self, opening: Message) -> Message | None:
        """What makes an exchange an exchange. The opener counts the attempt; the partner's
        strategy says how it would answer. The conversation is *held* when the partner
        answers in kind and both still have time (fewer than ``conversation_capacity``
        conversations this step, opened and answered together): the answer comes back
        two-way. Otherwise the opening arrives as a one-way message: a partner who declined
        answers one-way (a broadcaster's pitch), a partner without time does not answer.
        Returns the answer, or None."""
        opener, partner = opening.sender, opening.receiver
        opener.talks[partner] += 1
        reply = partner.answer(opener)
        capacity = self.params["conversation_capacity"]
        if not reply.two_way:
            opening.two_way = False
            return reply
        if opener.busy < capacity and partner.busy < capacity:
            opener.busy += 1
            partner.busy += 1
            opener.held[partner] += 1
            return reply
        opening.two_way = False
        return None

    def set_parameter(self, name: str, value: Any) -> None:
        """Change a ``live`` parameter while the run is going (as the fast model allows)."""
        value = validate_one(name, value)
        if not PARAMETERS[name].live:
            raise ParameterError(
                name, "cannot change during a run; it applies when a new run starts"
            )
        trial = dict(self.params, **{name: value})
        _refuse_unsupported(trial)
        self.params[name] = value

    # -- views -----------------------------------------------------------------------------
    @property
    def graph(self):
        """The social network as a NetworkX graph (built on first use)."""
        if self._graph is None:
            pairs = [
                (p.index, c.index) for p in self.people for c in p.contacts if p.index < c.index
            ]
            u = np.array([a for a, _ in pairs], dtype=np.int64)
            v = np.array([b for _, b in pairs], dtype=np.int64)
            self._graph = to_networkx(len(self.people), u, v, self.labels)
        return self._graph

    def person_stats(self) -> dict[str, list[float]]:
        """Per-person numbers at the current step, one list per number (node order)."""
        rows = [p.numbers() for p in self.people]
        return {key: [row[key] for row in rows] for key in REPORTER_KEYS.values()}

    def group_means(self) -> dict[tuple[str, str, bool], float]:
        """Every per-person number's mean over each group, NaN for an empty group (cached
        until the next step), keyed by (number, group, counted by starting group?). Each
        number is counted both ways, except the cumulative ones (``conversions``,
        ``faded``), which always count people by the group they started in."""
        if self._stats_at != self.steps:
            total = {
                (key, g, initial): 0.0
                for key in REPORTER_KEYS.values()
                for g in self.groups
                for initial in (False, True)
            }
            count = dict.fromkeys(total, 0)
            for p, first in zip(self.people, self.initial_group, strict=True):
                now = p.group
                for key, x in p.numbers().items():
                    if x == x:  # not NaN
                        for where in (
                            (key, first, True),
                            (key, first if key in BY_START else now, False),
                        ):
                            total[where] += x
                            count[where] += 1
            self._stats = {k: total[k] / count[k] if count[k] else NAN for k in total}
            self._stats_at = self.steps
        return self._stats

    def group_mean(self, key: str, group: str, by_start: bool | None = None) -> float:
        """Mean over the people of ``group`` of the per-person number ``key`` (NaN if none);
        ``by_start`` as in :meth:`sim.NetworkingModel.group_mean`."""
        if by_start is None or key in BY_START:  # cumulative numbers: always by start
            by_start = key in BY_START or bool(by_start)
        return self.group_means()[key, group, bool(by_start)]

    def converted_share(self) -> float:
        """Share of people won over by at least one sender, contact or cold caller."""
        won = sum(
            any(p.converted_by.values()) or bool(p.won_over_by_strangers) for p in self.people
        )
        return won / len(self.people)

    def noticed_share_all(self) -> float:
        """Share of all messages delivered this step that were noticed."""
        return self.noticed_total / self.delivered_total if self.delivered_total else NAN


# -- helpers -------------------------------------------------------------------------------
def _uniforms(rng: np.random.Generator, block: int = 4096):
    """Endless uniform draws in [0, 1) from ``rng``, fetched a block at a time (one numpy
    call per block rather than per draw: the reference makes millions of single draws)."""
    while True:
        yield from rng.random(block).tolist()


def _refuse_unsupported(values: dict[str, Any]) -> None:
    if values["campaign_steps"]:
        raise NotImplementedError(
            "ReferenceModel does not implement a campaign's end (campaign_steps > 0); "
            "use sim.NetworkingModel"
        )
    if values["introductions"]:
        raise NotImplementedError(
            "ReferenceModel does not implement introductions=True; use sim.NetworkingModel"
        )
    if values["conversion_rule"] != "per_message":
        raise NotImplementedError(
            f"ReferenceModel implements only conversion_rule='per_message' (got "
            f"{values['conversion_rule']!r}); use sim.NetworkingModel for the Bass rule"
        )
    for slot in ("broadcaster_strategy", "interactor_strategy"):
        if values[slot] not in SUPPORTED_STRATEGIES:
            raise NotImplementedError(
                f"ReferenceModel implements only the built-in strategies "
                f"{', '.join(SUPPORTED_STRATEGIES)}; {slot}={values[slot]!r} is not one"
            )


def _reporter(name: str):
    return make_reporter(
        name,
        {
            "converted_share": ReferenceModel.converted_share,
            "noticed_share_all": ReferenceModel.noticed_share_all,
        },
    )


ReferenceModel.__init__.__signature__ = keyword_signature()

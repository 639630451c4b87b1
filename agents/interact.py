"""Networking by interaction: a few two-way conversations, tailored to the other person."""

from __future__ import annotations

import numba
import numpy as np

from .registry import register
from .strategy import PLAN_TALK, Messages, Strategy


@register
class Interact(Strategy):
    """The interactor: the coffee meeting, the phone call with a contact.

    * **Pick a few contacts.** Each step it opens ``exchanges_per_step`` conversations,
      choosing contacts with weight ``(trust in them + how much it still has to learn about
      them) x the share of its openings they answered in kind`` (:func:`choose_partners`).
    * **Tailor the message.** It talks about what it believes the contact values: its
      current guess ``world.estimate`` of their interest. The guess improves each time it
      notices what the contact says in return, so its messages are worth more over time.
    * **Reply in kind.** When someone opens a conversation with it, it answers two-way,
      tailored to its guess of the opener's interest.
    """

    name = "interact"
    group = "interactors"
    description = "Holds a two-way conversation with a chosen contact, tailored to them."
    plan = PLAN_TALK  # decide and reply below, compiled into the world's step

    def decide(self, world, people: np.ndarray) -> Messages:
        k = world.params["exchanges_per_step"]
        trust_back = np.empty(world.n_ties, dtype=np.float32)
        trust_on_ties_back(world.rev, world.evidence_r, world.evidence_s, trust_back)
        size = len(people) * k
        sender, receiver, tie = (np.empty(size, dtype=np.int64) for _ in range(3))
        topic = np.empty(size)
        made = choose_partners(
            np.asarray(people, dtype=np.int64),
            k,
            world.out_start,
            world.src,
            world.dst,
            world.talks,
            world.held,
            trust_back,
            world.estimate,
            1.0 - world.params["interest_learning"],
            world.rng.random(size),
            sender,
            receiver,
            tie,
            topic,
        )
        return Messages(
            sender[:made], receiver[:made], tie[:made], topic[:made], np.ones(made, dtype=bool)
        )

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)


@numba.njit(cache=True, nogil=True)
def choose_partners(
    people,
    k,
    out_start,
    src,
    dst,
    talks,
    held,
    trust_back,
    estimate,
    keep,
    draws,
    sender,
    receiver,
    tie,
    topic,
):  # pragma: no cover - compiled
    """The interactors' choice, one person at a time: up to ``k`` different contacts each,
    drawn one after another without putting back, each with chance proportional to its
    weight ``(trust + uncertainty) x (held + 1) / (talks + 1)``. For the tie ``e`` from
    person i to contact j: trust is i's own trust in j, ``trust_back[e]`` (held on the tie
    back, j -> i: see :func:`trust_on_ties_back`), uncertainty ``keep ** talks[e]``
    (``keep`` is 1 - interest_learning) and ``held / talks`` the share of i's openings
    that j answered in kind (one counted in j's favour). ``draws[i * k + c]`` is the
    uniform number of person i's c-th pick. Writes the openings, in order, into
    ``sender``, ``receiver``, ``tie`` and ``topic`` (the person's guess of the contact's
    interest), each with room for ``k`` per person, and returns how many there are."""
    most = 0
    for p in people:
        most = max(most, out_start[p + 1] - out_start[p])
    weight = np.empty(most)
    powers = np.empty(64)  # keep ** talks for the usual counts of talks, without pow
    powers[0] = 1.0
    for j in range(1, 64):
        powers[j] = powers[j - 1] * keep
    made = 0
    for i in range(people.shape[0]):
        lo = out_start[people[i]]
        degree = out_start[people[i] + 1] - lo
        total = 0.0
        for j in range(degree):
            e = lo + j
            uncertainty = powers[talks[e]] if talks[e] < 64 else keep ** talks[e]
            weight[j] = (trust_back[e] + uncertainty) * (held[e] + 1.0) / (talks[e] + 1.0)
            total += weight[j]
        for c in range(min(k, degree)):
            if total <= 0.0:
                break
            target = draws[i * k + c] * total
            pick, running = -1, 0.0
            for j in range(degree):
                if weight[j] > 0.0:
                    pick = j
                    running += weight[j]
                    if target < running:
                        break
            e = lo + pick
            sender[made], receiver[made], tie[made], topic[made] = src[e], dst[e], e, estimate[e]
            made += 1
            weight[pick] = 0.0  # no contact twice in a step
            total = 0.0  # the sum again, free of rounding, before the next pick
            for j in range(degree):
                total += weight[j]
    return made


@numba.njit(cache=True, nogil=True)
def trust_on_ties_back(rev, evidence_r, evidence_s, out):  # pragma: no cover - compiled
    """``out[rev[e]]`` = the trust held on tie ``e``, ``(r + 1) / (r + s + 2)``, which is
    the trust of e's receiver in e's sender: written at the tie the other way, it is the
    trust of that tie's sender in its receiver, what an interactor weighs its contacts by.
    One pass in tie order (scattered writes cost far less than scattered reads)."""
    for e in range(rev.shape[0]):
        r = evidence_r[e]
        out[rev[e]] = (r + np.float32(1.0)) / (r + evidence_s[e] + np.float32(2.0))

"""The world's step, compiled (numba): the rules of ``docs/model.md`` as plain loops.

:func:`respond` is everything the world does once the strategies have chosen their
messages: it settles the conversations, delivers, lets receivers look and notice, and
updates trust, interests, attention, memory, conversions and fading, in a handful of passes
over the messages and the ties. Each rule is a small function named after it
(:func:`hold_conversations`, :func:`recover_and_fade_traces`, :func:`fade`,
...), called in the order of ``docs/model.md``, section 3.

Randomness. The world draws one 64-bit key from the model's numpy ``Generator`` per step
and passes it in; the compiled passes expand it into uniform numbers with xoshiro256**
(Blackman and Vigna 2018, "Scrambled linear pseudorandom number generators"), seeded by
splitmix64 (Steele, Lea and Flood 2014). So one seed still fixes the whole run, and a
compiled step costs no call back into Python for its random numbers.

Compilation happens once per machine: ``cache=True`` keeps the machine code in
``sim/__pycache__`` (or ``NUMBA_CACHE_DIR``), and later imports load it in well under a
second. ``python -m benchmarks`` reports both.
"""

from __future__ import annotations

import os

import numba
import numpy as np

from agents.interact import choose_partners, trust_on_ties_back
from agents.strategy import PLAN_PITCH, PLAN_TALK

__all__ = [
    "all_finite",
    "split_by",
    "check_batch",
    "decide_compiled",
    "step_compiled",
    "draw_introductions",
    "fade",
    "hold_conversations",
    "per_sender_summaries",
    "random_state",
    "range_min",
    "planned_messages",
    "respond",
    "summarize",
    "uniform",
    "fill_uniforms",
    "forget_stale_caches",
    "stale_caches",
]

JIT = {"cache": True, "nogil": True}

# -- random numbers ------------------------------------------------------------------------


@numba.njit(**JIT)
def random_state(key):  # pragma: no cover - compiled
    """A xoshiro256** state (four 64-bit words) from one 64-bit ``key``, by splitmix64."""
    state = np.empty(4, dtype=np.uint64)
    z = np.uint64(key)
    for i in range(4):
        z += np.uint64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        state[i] = x ^ (x >> np.uint64(31))
    return state


@numba.njit(**JIT)
def next_word(state):  # pragma: no cover - compiled
    """The next 64 random bits of ``state`` (xoshiro256**)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    x = s1 * np.uint64(5)
    out = ((x << np.uint64(7)) | (x >> np.uint64(57))) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return out


@numba.njit(**JIT)
def uniform(state):  # pragma: no cover - compiled
    """The next uniform number in [0, 1) of ``state`` (53 random bits)."""
    return np.float64(next_word(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(**JIT)
def fill_uniforms(state, out):  # pragma: no cover - compiled
    """Fill ``out`` with the next uniform numbers of ``state``, as :func:`uniform` would
    give them one by one (the state is kept in local variables: several times faster)."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(out.shape[0]):
        x = s1 * np.uint64(5)
        word = ((x << np.uint64(7)) | (x >> np.uint64(57))) * np.uint64(9)
        t = s1 << np.uint64(17)
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << np.uint64(45)) | (s3 >> np.uint64(19))
        out[i] = np.float64(word >> np.uint64(11)) * (1.0 / 9007199254740992.0)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


# -- checking what a strategy returned ------------------------------------------------------

#: Codes of :func:`check_batch` (0: all fine), in the order the checks run.
BAD_TOPIC, BAD_PERSON, NOT_OWN_PERSON, SELF_MESSAGE, BAD_TIE = 1, 2, 3, 4, 5
COLD_TO_CONTACT, TWO_WAY_TO_STRANGER = 6, 7


@numba.njit(**JIT)
def check_batch(
    sender, receiver, tie, topic, two_way, sid, strategy_id, src, dst, key, n
):  # pragma: no cover
    """The first fault of a strategy's batch of messages, as ``(code, index)``, or (0, -1).

    In order: a topic that is not a finite number; a receiver who does not exist; a sender
    who does not use the strategy ``sid``; a message to oneself; a tie that is not the tie
    from sender to receiver (or below -1); a cold call (tie -1) to a contact; a two-way
    message to a stranger. ``key`` is the sorted ``src * n + dst`` of the ties."""
    m = sender.shape[0]
    for i in range(m):
        if not np.isfinite(topic[i]):
            return BAD_TOPIC, i
    for i in range(m):
        if receiver[i] < 0 or receiver[i] >= n:
            return BAD_PERSON, i
    for i in range(m):
        if sender[i] < 0 or sender[i] >= n or strategy_id[sender[i]] != sid:
            return NOT_OWN_PERSON, i
    for i in range(m):
        if sender[i] == receiver[i]:
            return SELF_MESSAGE, i
    n_ties = src.shape[0]
    for i in range(m):
        t = tie[i]
        if t < -1 or t >= n_ties or (t >= 0 and (src[t] != sender[i] or dst[t] != receiver[i])):
            return BAD_TIE, i
    for i in range(m):
        if tie[i] < 0 and n_ties > 0:
            want = sender[i] * n + receiver[i]
            j = np.searchsorted(key, want)
            if j < n_ties and key[j] == want:
                return COLD_TO_CONTACT, i
    for i in range(m):
        if tie[i] < 0 and two_way[i]:
            return TWO_WAY_TO_STRANGER, i
    return 0, -1


@numba.njit(**JIT)
def split_by(codes, k):  # pragma: no cover - compiled
    """Positions grouped by code: ``order`` lists the positions of code 0, then of code 1,
    ... (each group in increasing order) and the positions of code ``c`` are
    ``order[offsets[c]:offsets[c + 1]]``. Codes run from 0 to ``k - 1``."""
    order = np.empty(codes.shape[0], dtype=np.int64)
    return order, split_into(codes, k, order)


@numba.njit(**JIT)
def split_into(codes, k, order):  # pragma: no cover - compiled
    """:func:`split_by` writing ``order`` into the array given; returns ``offsets``."""
    offsets = np.zeros(k + 1, dtype=np.int64)
    for i in range(codes.shape[0]):
        offsets[codes[i] + 1] += 1
    for c in range(k):
        offsets[c + 1] += offsets[c]
    fill = offsets[:k].copy()
    for i in range(codes.shape[0]):
        order[fill[codes[i]]] = i
        fill[codes[i]] += 1
    return offsets


@numba.njit(**JIT)
def all_finite(values):  # pragma: no cover - compiled
    """Are all ``values`` finite numbers?"""
    for i in range(values.shape[0]):  # noqa: SIM110 - numba compiles loops, not all(...)
        if not np.isfinite(values[i]):
            return False
    return True


# -- the rules, one function each -----------------------------------------------------------


@numba.njit(**JIT)
def hold_conversations(opener, partner, willing, order, capacity, busy, held):  # pragma: no cover
    """Which opened conversations are held: the openings (``opener[k]`` opened with
    ``partner[k]``) are taken in the random ``order`` (a permutation of their indices); one
    is held when its partner is ``willing[k]`` to answer in kind and both people still
    have time, that is fewer than ``capacity`` conversations held so far this step (opened
    and answered count alike). Writes ``held[k]``; ``busy`` (one per person) must start at
    zero."""
    for i in range(order.shape[0]):
        k = order[i]
        held[k] = False
        if not willing[k]:
            continue
        a, b = opener[k], partner[k]
        if busy[a] < capacity and busy[b] < capacity:
            busy[a] += 1
            busy[b] += 1
            held[k] = True


@numba.njit(**JIT)
def shuffle_into(order, draws):  # pragma: no cover - compiled
    """``order`` becomes a random permutation of its indices (Fisher and Yates; Knuth's
    Algorithm P), using one uniform number of ``draws`` per position."""
    count = order.shape[0]
    for i in range(count):
        order[i] = i
    for i in range(count - 1, 0, -1):
        j = int(draws[i] * (i + 1))
        order[i], order[j] = order[j], order[i]


@numba.njit(**JIT)
def worth(topic, interest):  # pragma: no cover - compiled
    """Value of a message to its receiver, (1 + cos(topic - interest)) / 2, in single
    precision (as :func:`sim.world.match`)."""
    return np.float32(0.5) * (np.cos(np.float32(topic - interest)) + np.float32(1.0))


@numba.njit(**JIT)
def recover_and_fade_traces(
    attention, evidence_r, evidence_s, forget, cold_attention, recovery, baseline, lam, decay
):  # pragma: no cover - compiled
    """Every tie, every step: attention recovers towards the baseline, ``a += r (base -
    a)``; trust evidence fades, ``r, s *= lambda``; memory fades, ``m *= 1 - d`` (kept as
    forget ``f = 1 - m``: ``f = f (1 - d) + d``). Attention to strangers recovers too."""
    keep_a = np.float32(1.0 - recovery)
    add_a = np.float32(recovery * baseline)
    lam32 = np.float32(lam)
    keep_f = np.float32(1.0 - decay)
    add_f = np.float32(decay)
    for e in range(attention.shape[0]):
        attention[e] = attention[e] * keep_a + add_a
        evidence_r[e] *= lam32
        evidence_s[e] *= lam32
        forget[e] = forget[e] * keep_f + add_f
    for p in range(cold_attention.shape[0]):
        cold_attention[p] = cold_attention[p] * (1.0 - recovery) + recovery * baseline


@numba.njit(**JIT)
def restore_learn_by_talks(
    attention, estimate, interest, src, rev, talk_ties, best, g, rate
):  # pragma: no cover - compiled
    """Once per tie that carried a noticed conversation this step (``talk_ties``, each
    listed once, ``best`` the most it was worth to its listener): attention is restored,
    ``a += g w (1 - a)``, and the listener's guess of the talker's interest moves a share
    ``rate`` of the shorter way round the circle towards the truth."""
    two_pi = 2.0 * np.pi
    g32 = np.float32(g)
    for i in range(talk_ties.shape[0]):
        t = talk_ties[i]
        if g > 0.0:
            attention[t] += g32 * best[t] * (np.float32(1.0) - attention[t])
        back = rev[t]
        gap = interest[src[t]] - estimate[back]
        gap -= two_pi * np.rint(gap / two_pi)
        estimate[back] += rate * gap


@numba.njit(**JIT)
def summarize(
    out_start,
    dst,
    attention,
    evidence_r,
    evidence_s,
    forget,
    muted,
    keep,
    spill,
    muting,
    mute_below,
    audience,
    trust,
    recall,
):  # pragma: no cover - compiled
    """One pass over the ties, sender by sender. First, where asked, the end of the
    attention update: spill-over (``spill`` > 0: ``attention[e] *= keep[dst[e]]``, the
    receiver's share kept) and muting (``muting``: attention under ``mute_below`` blocks
    the sender for good, and a blocked tie's attention is 0). Then, per person, the means
    over their outgoing ties of the contacts' attention to them, the contacts' trust in
    them ((r + 1) / (r + s + 2)) and the contacts' memory of them (1 - forget), written
    into ``audience``, ``trust`` and ``recall``; NaN for people without ties."""
    below = np.float32(mute_below)
    for p in range(out_start.shape[0] - 1):
        lo, hi = out_start[p], out_start[p + 1]
        a_sum = t_sum = f_sum = 0.0
        for e in range(lo, hi):
            a = attention[e]
            if spill > 0.0:
                a *= np.float32(keep[dst[e]])
            if muting:
                muted[e] |= a < below
                if muted[e]:
                    a = np.float32(0.0)
            attention[e] = a
            a_sum += a
            r = evidence_r[e]
            t_sum += (r + np.float32(1.0)) / (r + evidence_s[e] + np.float32(2.0))
            f_sum += forget[e]
        d = hi - lo
        if d == 0:
            audience[p] = trust[p] = recall[p] = np.nan
        else:
            audience[p] = a_sum / d
            trust[p] = t_sum / d
            recall[p] = 1.0 - f_sum / d


@numba.njit(**JIT)
def per_sender_summaries(out_start, attention, evidence_r, evidence_s, forget):  # pragma: no cover
    """The per-person means of :func:`summarize` (nothing else), into new arrays:
    (audience, trust, recall)."""
    n = out_start.shape[0] - 1
    audience, trust, recall = np.empty(n), np.empty(n), np.empty(n)
    nothing = np.empty(0, dtype=np.int64)
    summarize(
        out_start, nothing, attention, evidence_r, evidence_s, forget,
        np.empty(0, dtype=np.bool_), np.empty(0), 0.0, False, 0.0, audience, trust, recall,
    )  # fmt: skip
    return audience, trust, recall


@numba.njit(**JIT)
def spill_mute_summarize(
    out_start,
    dst,
    attention,
    evidence_r,
    evidence_s,
    forget,
    muted,
    cold_attention,
    exposures,
    spill,
    muting,
    mute_below,
    audience,
    trust,
    recall,
    keep,
):  # pragma: no cover - compiled
    """Spill-over, muting and the per-person summaries (:func:`summarize`): every one-way
    message a receiver looked at this step dims its attention to everyone, strangers
    included, by the share ``spill``: ``a *= (1 - spill) ** exposures`` (``keep``, one
    per person, is scratch)."""
    if spill > 0.0:
        most = 0
        for p in range(exposures.shape[0]):
            most = max(most, exposures[p])
        powers = np.empty(most + 1)  # (1 - spill) ** k for every k that occurs
        for k in range(most + 1):
            powers[k] = (1.0 - spill) ** k
        for p in range(exposures.shape[0]):
            keep[p] = powers[exposures[p]]
            cold_attention[p] *= powers[exposures[p]]
    summarize(
        out_start, dst, attention, evidence_r, evidence_s, forget, muted, keep, spill,
        muting, mute_below, audience, trust, recall,
    )  # fmt: skip


@numba.njit(**JIT)
def fade(
    audience, threshold, patience, below_streak, faded, strategy_id, switch_to
):  # pragma: no cover
    """A person fades once their audience's mean attention has stayed under ``threshold``
    for ``patience`` steps in a row (NaN, no contacts, is never under); once faded, always
    faded. A faded person whose strategy has a ``switch_to`` (adaptation: broadcasters
    switch to the interactors' strategy; -1 for none) switches. Returns how many did."""
    switched = 0
    for p in range(audience.shape[0]):
        if audience[p] < threshold:
            below_streak[p] += 1
        else:
            below_streak[p] = 0
        if below_streak[p] >= patience:
            faded[p] = True
        if faded[p] and switch_to[strategy_id[p]] >= 0:
            strategy_id[p] = switch_to[strategy_id[p]]
            switched += 1
    return switched


@numba.njit(**JIT)
def range_min(values, out_start, people):  # pragma: no cover - compiled
    """Per person in ``people``: the smallest of ``values`` over their outgoing ties (the
    largest int64 for people without ties)."""
    out = np.empty(people.shape[0], dtype=values.dtype)
    for i in range(people.shape[0]):
        p = people[i]
        best = np.iinfo(np.int64).max
        for e in range(out_start[p], out_start[p + 1]):
            if values[e] < best:
                best = values[e]
        out[i] = best
    return out


@numba.njit(**JIT)
def draw_introductions(
    talk_ties, src, dst, out_start, key, n, evidence_r, evidence_s, min_trust, chance, state
):  # pragma: no cover - compiled
    """Introductions: the listener of each tie in ``talk_ties`` (each tie that carried a
    noticed conversation this step, listed once) who trusts its talker at least
    ``min_trust`` introduces the talker, with chance ``chance``, to one of its own contacts
    picked at random. Only the listener introduces; returns (guest, friend) pairs that are
    not tied yet (a pair may repeat; ``key`` is the sorted ``src * n + dst``)."""
    guest = np.empty(talk_ties.shape[0], dtype=np.int64)
    friend = np.empty(talk_ties.shape[0], dtype=np.int64)
    n_ties = src.shape[0]
    made = 0
    for k in range(talk_ties.shape[0]):
        t = talk_ties[k]
        r = np.float64(evidence_r[t])
        if (r + 1.0) / (r + evidence_s[t] + 2.0) < min_trust:
            continue
        if uniform(state) >= chance:
            continue
        host, g = dst[t], src[t]
        lo = out_start[host]
        f = dst[lo + int(uniform(state) * (out_start[host + 1] - lo))]
        if f == g:
            continue
        want = g * n + f
        j = np.searchsorted(key, want)
        if j < n_ties and key[j] == want:
            continue  # already contacts
        guest[made] = g
        friend[made] = f
        made += 1
    return guest[:made], friend[:made]


# -- the step -------------------------------------------------------------------------------


#: Rows of the workspace arrays (:class:`sim.world.Workspace`). One entry per message:
#: ``ints`` sender, receiver, tie, then the noticed messages, the noticed conversations,
#: the openings, their settling order and their two people; ``floats`` topic and the
#: answers' topics; ``flags`` two_way, looked, noticed, willing, held (``draws`` holds a
#: uniform number per message). One entry per person: ``people_ints`` sent, reach, then
#: scratch; ``people_floats`` value_sum, audience, trust, recall, then scratch.
SENDER, RECEIVER, TIE, HEARD, TALK, OPENING, ORDER, OPENER, PARTNER = range(9)
TOPIC, ANSWER_TOPIC = range(2)
TWO_WAY, LOOKED, NOTICED, WILLING, HELD = range(5)
SENT, REACH, COUNT, SEEN, TAKEN, EXPOSURES, BUSY, BY_STRATEGY = range(8)
VALUE_SUM, AUDIENCE, TRUST, RECALL, KEEP = range(5)


@numba.njit(**JIT)
def respond(m, n_open, work, ties, world, rules, seed):  # pragma: no cover - compiled
    """The world's response to the step's ``m`` messages, which the caller has written into
    the workspace (``ints``: sender, receiver, tie; ``floats``: topic; ``flags``: two_way,
    marking the openings of conversations), with, for each of the ``n_open`` openings in
    message order, whether its partner is ``willing`` to answer in kind (``flags``) and on
    which topic (``floats``, ANSWER_TOPIC).

    Runs, in this order: hold the conversations and add the answers (deliver); look within
    the budget; notice; value; fade and add trust evidence; learn; recover, habituate,
    restore, spill over and mute attention; fade and strengthen memory traces; convert;
    draw introductions. The per-person summaries come out of the last pass over the ties.
    Last, fading (:func:`fade`), unless introductions were drawn: new ties change the
    audiences, so the caller makes them and then lets people fade.

    The arguments come in groups, in the order of the unpacking below: ``work`` (the
    workspace, :class:`sim.world.Workspace`), ``ties`` (their number of people and
    structure), ``world`` (the state, updated in place), ``rules`` (the parameters, with
    ``switch_to``: per strategy, the one a faded person switches to, or -1) and ``seed``.

    State arrays are updated in place; everything else is written into the workspace, so a
    step allocates nothing large (fresh memory costs page faults: at 100,000 people they
    took more time than the step's work). Results: the delivered messages are the first
    ``total`` entries of the message rows (answers after the messages; two_way true only
    for held conversations), ``value`` of each noticed one (NaN for the others), per person
    sent, reach, value_sum, audience, trust and recall; ``events`` holds the cold calls that
    won a stranger (``sender * n + receiver``, possibly repeated), then the guests and the
    friends of the introductions drawn (not tied yet). Returns how many messages were
    delivered, looked at and noticed, and how many cold wins and introductions ``events``
    holds."""
    (ints, floats, draws, flags, value, people_ints, people_floats, best, events) = work
    (n, src, dst, rev, out_start, key) = ties
    (
        attention, evidence_r, evidence_s, forget, estimate, talks, held, converted,
        muted, interest, cold_attention, conversions, below_streak, faded, strategy_id
    ) = world  # fmt: skip
    (
        capacity, limited, budget, habituation, sensitization, recovery, baseline, lam,
        learning, boost_interruption, boost_exchange, decay, rate, stranger_trust,
        spill, muting, mute_below, introductions, introduction_trust,
        introduction_chance, fade_threshold, fade_patience, switch_to
    ) = rules  # fmt: skip

    state = random_state(seed)
    d_sender, d_receiver, d_tie = ints[SENDER], ints[RECEIVER], ints[TIE]
    d_topic = floats[TOPIC]
    d_two_way, looked, noticed = flags[TWO_WAY], flags[LOOKED], flags[NOTICED]
    for row in range(people_ints.shape[0]):
        people_ints[row, :] = 0
    people_floats[VALUE_SUM, :] = 0.0

    # -- deliver: settle the openings, then add the answers --------------------------------
    opening, order = ints[OPENING, :n_open], ints[ORDER, :n_open]
    willing, held_now = flags[WILLING, :n_open], flags[HELD, :n_open]
    opener, partner = ints[OPENER, :n_open], ints[PARTNER, :n_open]
    k = 0
    for i in range(m):
        if d_two_way[i]:
            opening[k], opener[k], partner[k] = i, d_sender[i], d_receiver[i]
            k += 1
    fill_uniforms(state, draws[:n_open])
    shuffle_into(order, draws[:n_open])
    hold_conversations(opener, partner, willing, order, capacity, people_ints[BUSY], held_now)
    total = m
    for k in range(n_open):
        i = opening[k]
        t = d_tie[i]
        talks[t] += 1  # every opening counts, held or not
        if held_now[k]:
            held[t] += 1
        else:
            d_two_way[i] = False  # an opening nobody took part in arrives one-way
        # a held conversation is answered in kind, a declined one with a one-way message;
        # a partner without time does not answer; nor does one who muted the opener
        back = rev[t]
        if (held_now[k] or not willing[k]) and not (muting and muted[back]):
            d_sender[total], d_receiver[total], d_tie[total] = src[back], dst[back], back
            d_topic[total] = floats[ANSWER_TOPIC, k]
            d_two_way[total] = held_now[k]
            total += 1

    # -- look, notice, value ---------------------------------------------------------------
    # one uniform number per message to notice it, one more for each message to a receiver
    # over the budget; noticing reads the attention as it was before this step
    fill_uniforms(state, draws[:total])
    count, seen, taken = people_ints[COUNT], people_ints[SEEN], people_ints[TAKEN]
    if limited:
        for i in range(total):
            count[d_receiver[i]] += 1
    heard = ints[HEARD]  # the noticed messages, in order
    n_heard = 0
    for i in range(total):
        r, t = d_receiver[i], d_tie[i]
        see = True
        if limited and count[r] > budget:  # look within the budget: selection sampling
            see = uniform(state) * (count[r] - seen[r]) < budget - taken[r]
            taken[r] += see
            seen[r] += 1
        looked[i] = see
        noticed[i] = False
        value[i] = np.nan
        chance = attention[t] if t >= 0 else cold_attention[r]
        heard[n_heard] = i
        n_heard += see & (draws[i] < chance)  # no branch: the draw is a coin flip
    for k in range(n_heard):
        i = heard[k]
        noticed[i] = True
        value[i] = worth(d_topic[i], interest[d_receiver[i]])

    # -- every tie: recovery, fading evidence and traces -----------------------------------
    recover_and_fade_traces(
        attention,
        evidence_r,
        evidence_s,
        forget,
        cold_attention,
        recovery,
        baseline,
        lam,
        decay,
    )

    # -- the messages' effects: habituation, evidence, memory, accounting -------------------
    sent, reach, exposures = people_ints[SENT], people_ints[REACH], people_ints[EXPOSURES]
    value_sum = people_floats[VALUE_SUM]
    dim = np.float32(1.0 - habituation)
    keep_talk = np.float32(1.0 - boost_exchange)
    keep_pitch = np.float32(1.0 - boost_interruption)
    talk = ints[TALK]  # the noticed conversations
    n_talk = 0
    for i in range(total):
        s, r, t = d_sender[i], d_receiver[i], d_tie[i]
        sent[s] += 1
        # a one-way message looked at: habituation now, spill-over later
        one_way = looked[i] & (not d_two_way[i])
        exposures[r] += one_way
        if t >= 0:
            attention[t] *= dim if one_way else np.float32(1.0)
        elif one_way:
            cold_attention[r] *= 1.0 - habituation
        if noticed[i]:
            v = value[i]
            reach[s] += 1
            value_sum[s] += v
            if t >= 0:
                forget[t] *= keep_talk if d_two_way[i] else keep_pitch
            if d_two_way[i]:  # a held conversation, always on a tie: trust evidence
                evidence_r[t] += v
                evidence_s[t] += np.float32(1.0) - v
                talk[n_talk] = i
                n_talk += 1
    # each talk tie once, with the most its talks were worth (only listed ties are read)
    for k in range(n_talk):
        best[d_tie[talk[k]]] = -1.0
    n_unique = 0
    for k in range(n_talk):
        i = talk[k]
        t = d_tie[i]
        if best[t] < 0.0:
            talk[n_unique] = t  # overwrites entries already read: the list becomes ties
            n_unique += 1
        if value[i] > best[t]:
            best[t] = value[i]
    talk_ties = talk[:n_unique]
    restore_learn_by_talks(
        attention, estimate, interest, src, rev, talk_ties, best, sensitization, learning
    )

    # -- conversion -------------------------------------------------------------------------
    fill_uniforms(state, draws[:n_heard])
    n_cold = 0
    for k in range(n_heard):
        i = heard[k]
        t = d_tie[i]
        if t >= 0:
            if not converted[t]:
                r_ = np.float64(evidence_r[t])
                trust = (r_ + 1.0) / (r_ + evidence_s[t] + 2.0)
                if draws[k] < rate * value[i] * trust:
                    converted[t] = True
                    conversions[src[t]] += 1
        elif draws[k] < rate * value[i] * stranger_trust:
            events[n_cold] = d_sender[i] * n + d_receiver[i]
            n_cold += 1

    # -- spill-over, muting, summaries -------------------------------------------------------
    spill_mute_summarize(
        out_start,
        dst,
        attention,
        evidence_r,
        evidence_s,
        forget,
        muted,
        cold_attention,
        exposures,
        spill,
        muting,
        mute_below,
        people_floats[AUDIENCE],
        people_floats[TRUST],
        people_floats[RECALL],
        people_floats[KEEP],
    )

    # -- introductions: drawn here, made by the caller (new ties re-sort the arrays) --------
    n_intro = 0
    if introductions:
        guest, friend = draw_introductions(
            talk_ties,
            src,
            dst,
            out_start,
            key,
            n,
            evidence_r,
            evidence_s,
            introduction_trust,
            introduction_chance,
            state,
        )
        n_intro = guest.shape[0]
        events[n_cold : n_cold + n_intro] = guest
        events[n_cold + n_intro : n_cold + 2 * n_intro] = friend
    if n_intro == 0:
        fade(
            people_floats[AUDIENCE],
            fade_threshold,
            fade_patience,
            below_streak,
            faded,
            strategy_id,
            switch_to,
        )
    n_looked = 0
    for i in range(total):
        n_looked += looked[i]
    return total, n_looked, n_heard, n_cold, n_intro


@numba.njit(**JIT)
def planned_messages(plans, strategy_id, out_start, exchanges, cold_reach):  # pragma: no cover
    """The most messages the compiled choices (:func:`decide_compiled`) can make this
    step: every contact plus ``cold_reach`` strangers per pitching person, ``exchanges``
    openings per talking person."""
    size = 0
    for p in range(strategy_id.shape[0]):
        if plans[strategy_id[p]] == PLAN_PITCH:
            size += out_start[p + 1] - out_start[p] + cold_reach
        else:
            size += exchanges
    return size


@numba.njit(**JIT)
def decide_compiled(
    plans, pitch, exchanges, keep, cold_reach, muting, work, ties, world, state
):  # pragma: no cover - compiled
    """The built-in strategies' choices, compiled (``plans[sid]`` is the
    :attr:`agents.Strategy.plan` of strategy ``sid``): what :class:`agents.Interrupt` and
    :class:`agents.Interact` decide in Python, in one pass. PLAN_PITCH: every contact gets
    the person's pitch, one-way, and ``cold_reach`` strangers too (drawn with replacement,
    a few tries each; someone who knows almost everyone may place fewer). PLAN_TALK:
    :func:`agents.interact.choose_partners`. Any other plan (0: a broadcaster whose campaign
    is over) sends nothing. With ``muting``, messages on muted ties are
    dropped. ``work``, ``ties`` and ``world`` are the groups of :func:`respond` (the
    workspace's per-tie scratch holds the contacts' trust, a per-person row the people
    sorted by strategy); ``state`` is the random state. Writes the messages into the
    workspace rows (sender, receiver, tie, topic, two_way) and returns how many there are."""
    (ints, floats, _, flags, _, people_ints, _, trust_back, _) = work
    (n, src, dst, rev, out_start, key) = ties
    (_, evidence_r, evidence_s, _, estimate, talks, held, _, muted) = world[:9]
    strategy_id = world[14]
    sender, receiver, tie = ints[SENDER], ints[RECEIVER], ints[TIE]
    topic, two_way = floats[TOPIC], flags[TWO_WAY]
    order = people_ints[BY_STRATEGY]
    offsets = split_into(strategy_id, plans.shape[0], order)
    for sid in range(plans.shape[0]):
        if plans[sid] == PLAN_TALK and offsets[sid + 1] > offsets[sid]:
            trust_on_ties_back(rev, evidence_r, evidence_s, trust_back)
            break
    m = 0
    for sid in range(plans.shape[0]):
        people = order[offsets[sid] : offsets[sid + 1]]
        if plans[sid] == PLAN_PITCH:
            for p in people:
                for e in range(out_start[p], out_start[p + 1]):
                    if muting and muted[e]:
                        continue
                    sender[m], receiver[m], tie[m] = p, dst[e], e
                    topic[m], two_way[m] = pitch[p], False
                    m += 1
            for p in people:
                if cold_reach == 0 or out_start[p + 1] - out_start[p] >= n - 1:
                    continue
                for _ in range(cold_reach):
                    for _ in range(20):  # redraw a contact or oneself, a few times at most
                        other = int(uniform(state) * n)
                        if other == p:
                            continue
                        j = np.searchsorted(key, p * n + other)
                        if j < key.shape[0] and key[j] == p * n + other:
                            continue
                        sender[m], receiver[m], tie[m] = p, other, -1
                        topic[m], two_way[m] = pitch[p], False
                        m += 1
                        break
        elif plans[sid] == PLAN_TALK and people.shape[0]:  # any other plan: quiet
            draws = floats[ANSWER_TOPIC, : people.shape[0] * exchanges]  # free until replies
            fill_uniforms(state, draws)
            made = choose_partners(
                people,
                exchanges,
                out_start,
                src,
                dst,
                talks,
                held,
                trust_back,
                estimate,
                keep,
                draws,
                sender[m:],
                receiver[m:],
                tie[m:],
                topic[m:],
            )
            kept = m
            for i in range(m, m + made):
                if muting and muted[tie[i]]:
                    continue
                sender[kept], receiver[kept], tie[kept] = sender[i], receiver[i], tie[i]
                topic[kept], two_way[kept] = topic[i], True
                kept += 1
            m = kept
    return m


@numba.njit(**JIT)
def step_compiled(
    plans, pitch, exchanges, keep, cold_reach, work, ties, world, rules, seed
):  # pragma: no cover - compiled
    """A whole step when every strategy in use has a compiled twin: the choices
    (:func:`decide_compiled`), the partners' answers (PLAN_TALK answers in kind on its
    guess of the opener's interest, PLAN_PITCH declines with its pitch), then
    :func:`respond`, whose arguments and results these are. The workspace must hold twice
    :func:`planned_messages`."""
    ints, floats, flags = work[0], work[1], work[3]
    src, rev = ties[1], ties[3]
    estimate, strategy_id = world[4], world[14]
    muting = rules[15]
    state = random_state(seed)
    m = decide_compiled(plans, pitch, exchanges, keep, cold_reach, muting, work, ties, world, state)
    n_open = 0
    for i in range(m):
        if flags[TWO_WAY, i]:
            back = rev[ints[TIE, i]]
            partner = src[back]
            talk = plans[strategy_id[partner]] == PLAN_TALK
            flags[WILLING, n_open] = talk
            floats[ANSWER_TOPIC, n_open] = estimate[back] if talk else pitch[partner]
            n_open += 1
    return respond(m, n_open, work, ties, world, rules, next_word(state))


# -- the compiled twins' cache ----------------------------------------------------------------

#: Compiled functions above that compile in code from ``agents`` (the built-in strategies'
#: twins and their plan codes).
USES_AGENTS = ("planned_messages", "decide_compiled", "step_compiled")


def stale_caches(depends, kernels=USES_AGENTS) -> list:
    """The ``kernels`` whose on-disk cache is older than any of the files ``depends``.

    numba keys its cache on the one file a function is written in: a change to a function
    it calls from another file (here ``agents/interact.py``, ``agents/strategy.py``) goes
    unseen, and the old machine code would run on. Such caches are thrown away at import
    (:func:`forget_stale_caches`), so the next call compiles afresh."""
    newest = max(os.stat(path).st_mtime for path in depends)
    stale = []
    for name in kernels:
        cache = getattr(globals()[name], "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
        if index and os.path.exists(index) and os.stat(index).st_mtime < newest:
            stale.append(globals()[name])
    return stale


def forget_stale_caches() -> None:
    """Throw away the cached machine code of :data:`USES_AGENTS` kernels compiled before
    the last change to the agents' files they use."""
    import agents.interact
    import agents.strategy

    for kernel in stale_caches([agents.interact.__file__, agents.strategy.__file__]):
        kernel._cache.flush()


forget_stale_caches()

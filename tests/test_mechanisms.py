"""Each mechanism of the world against its oracle: closed forms from the literature
(habituation steady state, Beta reputation), exact one-step updates, and counts.

Small hand-made networks and tiny test strategies isolate one rule at a time.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from agents import Message, Messages, PersonStrategy, Strategy, register
from sim import NetworkingModel
from sim.world import match

# -- tiny strategies used only here ---------------------------------------------------------


@register
class _Silent(PersonStrategy):
    """Sends nothing."""

    name = "test_silent"
    group = "silent"

    def choose(self, world, me):
        return []


@register
class _Pulse(Strategy):
    """Pitches every contact one-way on steps 1, 1 + k, 1 + 2k, ... (k = PULSE_EVERY);
    the topic is the receiver's own interest when PULSE_PERFECT is set (value 1)."""

    name = "test_pulse"
    group = "broadcasters"
    every = 1
    perfect = False
    until = None

    def decide(self, world, people):
        if (world.t - 1) % _Pulse.every or (_Pulse.until is not None and world.t > _Pulse.until):
            return Messages.empty()
        ties = world.ties_of(people)
        topic = world.interest[world.dst[ties]] if _Pulse.perfect else world.pitch[world.src[ties]]
        return Messages.on_ties(world, ties, topic, two_way=False)


@register
class _HubPitch(Strategy):
    """Only people with more than one contact pitch (all their contacts), every step."""

    name = "test_hub_pitch"
    group = "broadcasters"

    def decide(self, world, people):
        hubs = people[world.out_degree[people] > 1]
        ties = world.ties_of(hubs)
        return Messages.on_ties(world, ties, world.pitch[world.src[ties]], two_way=False)


@pytest.fixture(autouse=True)
def _reset_pulse():
    _Pulse.every, _Pulse.perfect, _Pulse.until = 1, False, None
    yield


ISOLATE = dict(limited_attention=False, generalization_on=False, muting=False,
               conversion_rate=0.0)


def pair_model(**kw) -> NetworkingModel:
    """Two people, one tie: person A uses ``test_pulse``, person B is silent."""
    params = dict(graph=nx.path_graph(2), broadcaster_share=0.5,
                  broadcaster_strategy="test_pulse", interactor_strategy="test_silent")
    params.update(ISOLATE)
    params.update(kw)
    return NetworkingModel(rng=kw.pop("rng", 0), **params)


def sender_and_tie(model):
    w = model.world
    sender = int(np.flatnonzero(w.strategy_id == 0)[0])
    return sender, w.tie(sender, 1 - sender)


# -- habituation ----------------------------------------------------------------------------


@pytest.mark.parametrize("k, expected", [(1, 0.1045), (5, 0.3455), (10, 0.4835)])
def test_habituation_settles_at_the_closed_form(k, expected):
    """One exposure every k steps with a <- a(1-h) and rest recovery a <- a + r(1-a)
    settles, right after an exposure, at a* = (1-h)(1-(1-r)^k) / (1-(1-h)(1-r)^k)
    (Thompson and Spencer 1966; model.md gives 0.1045, 0.3455, 0.4835 for h=.3, r=.05)."""
    h, r = 0.3, 0.05
    closed = (1 - h) * (1 - (1 - r) ** k) / (1 - (1 - h) * (1 - r) ** k)
    assert closed == pytest.approx(expected, abs=5e-5)
    _Pulse.every = k
    model = pair_model(habituation=h, recovery=r)
    _, tie = sender_and_tie(model)
    model.run_for(40 * k + 1)  # ends right after an exposure (steps 1, 1+k, ...)
    assert model.world.attention[tie] == pytest.approx(closed, abs=1e-6)


def test_habituation_off_is_a_captive_audience():
    model = pair_model(habituation=0.5, habituation_on=False)
    _, tie = sender_and_tie(model)
    model.run_for(30)
    assert model.world.attention[tie] == pytest.approx(1.0)


def test_recovery_at_rest_moves_towards_baseline():
    _Pulse.until = 1
    model = pair_model(habituation=0.5, recovery=0.1)
    _, tie = sender_and_tie(model)
    model.step()
    assert model.world.attention[tie] == pytest.approx(0.5)
    model.run_for(3)
    assert model.world.attention[tie] == pytest.approx(1 - 0.5 * 0.9 ** 3)


def test_conversation_restores_attention_once_per_step():
    """Two interactors talk to each other (their only contact): each tie carries an
    opening and an answer, both two-way; attention a <- a + g (1 - a), once a step."""
    model = NetworkingModel(rng=3, graph=nx.path_graph(2), broadcaster_share=0.0,
                            baseline_attention=0.5, recovery=0.0, sensitization=0.4,
                            **ISOLATE)
    model.step()
    assert model.world.attention == pytest.approx([0.5 + 0.4 * 0.5] * 2)


def test_spill_over_reaches_a_silent_contact():
    """R hears a pitch from hub H; R's attention to its other, silent contact Q drops by
    the spill-over factor alone."""
    g = nx.Graph([("H", "R"), ("H", "X"), ("R", "Q")])
    for seed in range(40):  # find a seed where H (and only H, of the hubs) pitches
        model = NetworkingModel(rng=seed, graph=g, broadcaster_share=0.25,
                                broadcaster_strategy="test_hub_pitch",
                                interactor_strategy="test_silent", limited_attention=False,
                                habituation=0.2, generalization=0.5, recovery=0.0,
                                conversion_rate=0.0)
        h = model.labels.index("H")
        if model.world.strategy_id[h] == 0:
            break
    assert model.world.strategy_id[h] == 0
    w = model.world
    r, q = model.labels.index("R"), model.labels.index("Q")
    model.step()
    assert w.attention[w.tie(q, r)] == pytest.approx(1 - 0.5 * 0.2)
    assert w.attention[w.tie(h, r)] == pytest.approx((1 - 0.2) * (1 - 0.5 * 0.2))


# -- trust ----------------------------------------------------------------------------------


@pytest.mark.parametrize("r, s, expected", [(0, 0, 0.5), (1, 0, 0.667), (8, 2, 0.75),
                                            (0, 5, 0.143)])
def test_beta_trust_values(r, s, expected):
    """E = (r + 1) / (r + s + 2) (Josang and Ismail 2002)."""
    model = pair_model()
    w = model.world
    w.evidence_r[0], w.evidence_s[0] = r, s
    assert w.trust_of(np.array([0]))[0] == pytest.approx(expected, abs=5e-4)


def test_trust_evidence_forgets_geometrically():
    """A noticed message of value 1 every step: r_t = lambda r_(t-1) + 1, so trust tends
    to (1/(1-lambda) + 1) / (1/(1-lambda) + 2)."""
    _Pulse.perfect = True
    lam = 0.8
    model = pair_model(trust_forgetting=lam, habituation_on=False)
    _, tie = sender_and_tie(model)
    model.run_for(5)
    r5 = sum(lam ** i for i in range(5))
    assert model.world.evidence_r[tie] == pytest.approx(r5)
    assert model.world.evidence_s[tie] == pytest.approx(0.0, abs=1e-12)
    model.run_for(200)
    limit = 1 / (1 - lam)
    assert model.world.trust_of(np.array([tie]))[0] == pytest.approx((limit + 1) / (limit + 2))


# -- limited attention ----------------------------------------------------------------------


@pytest.mark.parametrize("budget", [1, 5, 12])
def test_budget_caps_what_a_receiver_looks_at_uniformly(budget):
    """A hub hears 20 pitches a step and looks at exactly `budget` of them, chosen
    uniformly; with attention pinned at 1 every looked-at message is noticed."""
    leaves = 20
    g = nx.star_graph(leaves)  # node 0 is the hub
    model = NetworkingModel(rng=budget, graph=g, broadcaster_share=1.0,
                            broadcaster_strategy="test_pulse", attention_budget=budget,
                            habituation_on=False, generalization_on=False,
                            conversion_rate=0.0)
    # every leaf pitches the hub (one message each); the hub pitches 20 leaves (one each)
    steps = 300
    looked_by_leaf = np.zeros(leaves + 1)
    for _ in range(steps):
        model.step()
        w = model.world
        assert w.delivered_total == 2 * leaves
        assert w.looked_total == leaves + budget  # each leaf looks at its 1 message
        looked_by_leaf += w.reach  # the hub's own reach is its 20 pitches to leaves
    share = looked_by_leaf[1:] / steps
    expected = budget / leaves
    sd = math.sqrt(expected * (1 - expected) / steps)
    assert np.all(np.abs(share - expected) < 5 * sd + 1e-9)


def test_ignored_messages_still_use_up_the_budget():
    """Looking comes before noticing: pitches the hub has learned to ignore still take
    its budget (attention is a commons)."""
    model = NetworkingModel(rng=2, graph=nx.star_graph(10), broadcaster_share=1.0,
                            broadcaster_strategy="test_pulse", attention_budget=3,
                            habituation=1.0, recovery=0.0, generalization_on=False,
                            conversion_rate=0.0)
    model.run_for(40)  # by now every tie to the hub has been looked at (1 - 0.7^40)
    w = model.world
    assert w.looked_total == 10 + 3
    assert w.noticed_total == 0


def test_unlimited_attention_looks_at_everything():
    model = NetworkingModel(rng=2, graph=nx.star_graph(10), broadcaster_share=1.0,
                            broadcaster_strategy="test_pulse", limited_attention=False)
    model.step()
    assert model.world.looked_total == model.world.delivered_total == 20


# -- memory ---------------------------------------------------------------------------------


def test_memory_trace_boost_then_decay():
    """A noticed interruption sets the trace to b; then it decays by (1 - d) per step."""
    _Pulse.until = 1
    model = pair_model(memory_boost_interruption=0.05, memory_decay=0.1)
    _, tie = sender_and_tie(model)
    model.step()
    assert model.world.memory[tie] == pytest.approx(0.05)
    model.run_for(7)
    # per-tie state is single precision: memory = 1 - forget keeps about 1e-7 absolute
    assert model.world.memory[tie] == pytest.approx(0.05 * 0.9 ** 7, abs=1e-6)


def test_conversation_leaves_a_stronger_trace_than_an_interruption():
    talk = NetworkingModel(rng=1, graph=nx.path_graph(2), broadcaster_share=0.0, **ISOLATE)
    talk.step()
    pitch = pair_model()
    _, tie = sender_and_tie(pitch)
    pitch.step()
    # each tie carried an opening and an answer, both noticed: 1 - (1 - .3)^2
    assert talk.world.memory == pytest.approx([1 - 0.7 ** 2] * 2)
    assert pitch.world.memory[tie] == pytest.approx(0.05)


# -- learning -------------------------------------------------------------------------------


def test_noticed_conversation_teaches_the_other_side_interest():
    model = NetworkingModel(rng=5, graph=nx.path_graph(2), broadcaster_share=0.0,
                            interest_learning=0.3, **ISOLATE)
    w = model.world
    before = w.estimate.copy()
    model.step()  # attention is 1, so both messages of each tie are noticed
    for e in range(2):
        receiver = w.dst[e]
        gap = (w.interest[receiver] - before[e] + np.pi) % (2 * np.pi) - np.pi
        # the tie carried two noticed two-way messages; a guess moves once a step
        assert (w.estimate[e] - before[e]) == pytest.approx(0.3 * gap)


def test_value_is_the_topic_match():
    assert match(np.array([0.0, np.pi, np.pi / 2]), np.zeros(3)) == pytest.approx([1, 0, 0.5])


# -- conversion -----------------------------------------------------------------------------


def test_conversion_chance_is_rate_times_value_times_trust():
    """A hub pitches 3,000 people once. With forgetting 0 each receiver's trust after the
    message is (v + 1) / 3, so the expected number converted is sum rate * v (v + 1) / 3."""
    n = 3000
    rate = 0.9
    model = NetworkingModel(rng=11, graph=nx.star_graph(n), broadcaster_share=1.0,
                            broadcaster_strategy="test_hub_pitch", trust_forgetting=0.0,
                            conversion_rate=rate, habituation_on=False,
                            limited_attention=False)
    w = model.world
    hub = 0
    v = match(w.pitch[hub], w.interest[1:])
    expected = rate * v * (v + 1) / 3
    model.step()
    won = int(w.conversions[hub])
    sd = math.sqrt(np.sum(expected * (1 - expected)))
    assert abs(won - expected.sum()) < 5 * sd
    model.run_for(40)  # a tie converts once: never more than the number of ties
    assert w.conversions[hub] <= n


# -- fade, adaptation, muting, cold reach ---------------------------------------------------


def test_fade_after_patience_steps_below_threshold():
    """Attention halves each step (h = .5, no recovery): 0.5, 0.25, 0.125 ... It first
    drops below 0.2 at step 3; with patience 2 the sender fades at step 4, not before."""
    model = pair_model(habituation=0.5, recovery=0.0, fade_threshold=0.2, fade_patience=2)
    sender, _ = sender_and_tie(model)
    person = model.people[sender]
    model.run_for(3)
    assert not person.faded
    model.step()
    assert person.faded
    assert not model.people[1 - sender].faded  # a person without audience loss


def test_adaptation_turns_a_faded_broadcaster_into_an_interactor():
    g = nx.path_graph(2)
    model = NetworkingModel(rng=0, graph=g, broadcaster_share=0.5, habituation=0.5,
                            recovery=0.0, fade_patience=1, adaptation=True, **ISOLATE)
    sender = int(np.flatnonzero(model.world.strategy_id == 0)[0])
    model.run_for(4)
    assert model.people[sender].faded
    assert model.people[sender].strategy == "interact"
    assert model.datacollector.get_model_vars_dataframe()["faded_broadcasters"].iloc[-1] == 1.0


def test_muting_drops_messages_from_a_blocked_sender():
    model = pair_model(habituation=0.7, recovery=0.0, muting=True)
    _, tie = sender_and_tie(model)
    model.run_for(3)  # 0.3, 0.09, 0.027 < 0.05: muted after step 3
    assert model.world.muted[tie]
    model.step()
    assert model.world.delivered_total == 0
    assert model.world.attention[tie] == 0.0


def test_cold_reach_pitches_strangers():
    model = NetworkingModel(rng=4, graph=nx.path_graph(6), broadcaster_share=0.5,
                            interactor_strategy="test_silent", cold_reach=3, **ISOLATE)
    w = model.world
    broadcasters = np.flatnonzero(w.strategy_id == 0)
    model.step()
    assert np.array_equal(w.sent[broadcasters], w.out_degree[broadcasters] + 3)
    assert w.delivered_total == w.out_degree[broadcasters].sum() + 3 * len(broadcasters)


# -- Bass docking ---------------------------------------------------------------------------


def test_bass_rule_follows_the_discrete_bass_curve():
    """Every person meets one random other; converts with p + q [they converted].
    Mean of 20 seeds on an implicit complete graph follows F_t = F + (p + qF)(1 - F)."""
    p, q, n, steps = 0.03, 0.38, 2000, 10
    curves = []
    for seed in range(20):
        m = NetworkingModel(rng=seed, n_agents=n, network="complete",
                            conversion_rule="bass", bass_p=p, bass_q=q)
        m.run_for(steps)
        curves.append(m.datacollector.get_model_vars_dataframe()["converted_share"].to_numpy())
    mean = np.mean(curves, axis=0)
    f, expected = 0.0, [0.0]
    for _ in range(steps):
        f = f + (p + q * f) * (1 - f)
        expected.append(f)
    assert expected[1:] == pytest.approx(
        [.0300, .0702, .1228, .1901, .2729, .3701, .4776, .5881, .6925, .7826], abs=5e-5)
    assert np.max(np.abs(mean - expected)) < 0.02


def test_bass_rule_on_a_ring_is_slower_than_on_a_complete_graph():
    """Fibich and Gibori (2010): on a ring F(10) = 0.558 (continuous time); networks lie
    between the ring and the complete graph."""
    ring = []
    for seed in range(5):
        m = NetworkingModel(rng=seed, n_agents=2000, network="ring", mean_degree=2,
                            conversion_rule="bass")
        m.run_for(10)
        ring.append(m.datacollector.get_model_vars_dataframe()["converted_share"].iloc[-1])
    assert 0.45 < np.mean(ring) < 0.7826


def test_messages_helpers():
    model = pair_model()
    w = model.world
    msgs = Messages.on_ties(w, np.array([0, 1]), 0.5, two_way=True)
    assert list(msgs.sender) == [w.src[0], w.src[1]] and msgs.two_way.all()
    assert len(Messages.concat([msgs, Messages.empty(), msgs])) == 4
    assert Message(to=1, topic=0.2).two_way is False


# -- introductions ---------------------------------------------------------------------------


def test_introductions_add_ties_with_fresh_state_and_a_consistent_index():
    model = NetworkingModel(rng=8, n_agents=60, network="ring", mean_degree=4,
                            broadcaster_share=0.0, introductions=True, introduction_trust=0.0)
    w = model.world
    before = w.n_ties
    model.run_for(30)
    assert w.n_ties > before
    e = np.arange(w.n_ties)
    assert np.array_equal(w.rev[w.rev], e)
    assert np.array_equal(w.src[w.rev], w.dst) and np.array_equal(w.dst[w.rev], w.src)
    assert np.all(np.diff(w.src) >= 0) and np.all(w.src != w.dst)
    assert len(np.unique(w.src * w.n + w.dst)) == w.n_ties
    for name in ("attention", "evidence_r", "evidence_s", "forget", "estimate", "talks",
                 "converted", "muted"):
        assert len(getattr(w, name)) == w.n_ties, name
    assert model.graph.number_of_edges() == w.n_ties // 2
    assert np.all((w.attention >= 0) & (w.attention <= 1))


def test_introductions_need_enough_trust():
    model = NetworkingModel(rng=8, n_agents=60, network="ring", mean_degree=4,
                            broadcaster_share=0.0, introductions=True, introduction_trust=1.0)
    before = model.world.n_ties
    model.run_for(30)
    assert model.world.n_ties == before  # trust (r+1)/(r+s+2) never reaches 1


def test_ties_made_by_introductions_start_fresh():
    """New ties are added at the end of a step, after every update: at the end of that step
    they hold exactly the starting state."""
    model = NetworkingModel(rng=8, n_agents=60, network="ring", mean_degree=4,
                            broadcaster_share=0.0, introductions=True, introduction_trust=0.0)
    w = model.world
    made = 0
    for _ in range(30):
        before = set((w.src * w.n + w.dst).tolist())
        model.step()
        key = w.src * w.n + w.dst
        new = np.flatnonzero(~np.isin(key, list(before)))
        made += len(new)
        assert np.all(w.attention[new] == w.params["baseline_attention"])
        assert np.all(w.evidence_r[new] == 0) and np.all(w.evidence_s[new] == 0)
        assert np.all(w.memory[new] == 0) and np.all(w.talks[new] == 0)
        assert not w.converted[new].any() and not w.muted[new].any()
    assert made > 0


# -- compiled kernels against plain numpy ------------------------------------------------------


def test_per_person_summaries_match_plain_numpy():
    model = NetworkingModel(rng=12, n_agents=120, network="barabasi_albert", mean_degree=4,
                            cold_reach=1)
    model.run_for(15)
    w = model.world
    audience, trust, recall = w.audience(), w.trust_earned(), w.recall()
    for person in range(w.n):
        ties = np.arange(w.out_start[person], w.out_start[person + 1])
        assert audience[person] == pytest.approx(w.attention[ties].mean(), rel=1e-6)
        assert trust[person] == pytest.approx(w.trust_of(ties).mean(), rel=1e-6)
        assert recall[person] == pytest.approx(w.memory[ties].mean(), rel=1e-5, abs=1e-6)


def test_most_uncertain_is_the_largest_uncertainty_over_a_persons_ties():
    model = NetworkingModel(rng=2, n_agents=80, broadcaster_share=0.0)
    model.run_for(6)
    w = model.world
    people = np.arange(w.n)
    got = w.most_uncertain(people)
    for p in people:
        ties = np.arange(w.out_start[p], w.out_start[p + 1])
        assert got[p] == pytest.approx(w.uncertainty(ties).max())


@pytest.mark.parametrize("bound", [4.0, 1000.0])  # tight: mostly rejection; loose: exact
def test_pick_ties_draws_in_proportion_to_weight(bound):
    model = NetworkingModel(rng=5, graph=nx.star_graph(4), broadcaster_share=0.0)
    w = model.world
    hub_ties = np.arange(w.out_start[0], w.out_start[1])
    weights = np.zeros(w.n_ties)
    weights[hub_ties] = [1.0, 2.0, 3.0, 4.0]
    people = np.zeros(20_000, dtype=np.int64)  # the hub, drawn 20,000 times
    picked = w.pick_ties(people, lambda ties: weights[ties], bound)
    share = np.bincount(picked - hub_ties[0], minlength=4) / len(people)
    expected = np.array([0.1, 0.2, 0.3, 0.4])
    sd = np.sqrt(expected * (1 - expected) / len(people))
    assert np.all(np.abs(share - expected) < 5 * sd)
    # excluding the heaviest tie: the rest share in proportion 1:2:3
    exclude = np.full((len(people), 1), hub_ties[3])
    picked = w.pick_ties(people, lambda ties: weights[ties], bound, exclude=exclude)
    share = np.bincount(picked - hub_ties[0], minlength=4) / len(people)
    assert share[3] == 0
    assert np.all(np.abs(share[:3] - np.array([1, 2, 3]) / 6) < 0.015)

"""The compiled step (sim/kernels.py): its random numbers, the compiled twins of the
built-in strategies, and the workspace it runs in.

The twins make the same choices as the strategies' Python methods, in distribution (they
draw different random numbers): tests/test_reference_agreement.py compares both paths with
each other and the compiled one with the per-agent reference. Here: what each choice must
satisfy exactly, whatever the random numbers.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from agents import Interact, Interrupt, Messages, PersonStrategy, Strategy
from agents.interact import choose_partners, trust_on_ties_back
from agents.strategy import PLAN_PITCH, PLAN_TALK
from sim import NetworkingModel
from sim.kernels import (
    SENDER,
    TIE,
    TOPIC,
    TWO_WAY,
    decide_compiled,
    fill_uniforms,
    planned_messages,
    random_state,
    uniform,
)
from sim.world import Workspace

# -- random numbers ---------------------------------------------------------------------------


def test_bulk_draws_are_the_one_by_one_draws():
    one, bulk = random_state(np.uint64(42)), random_state(np.uint64(42))
    singles = np.array([uniform(one) for _ in range(1000)])
    out = np.empty(1000)
    fill_uniforms(bulk, out)
    np.testing.assert_array_equal(singles, out)
    np.testing.assert_array_equal(one, bulk)  # and both states moved on alike


def test_draws_are_uniform_and_keys_give_different_streams():
    """200,000 draws in 20 equal bins: the chi-square statistic (19 degrees of freedom)
    stays under 60, which a uniform sample exceeds with chance about 4e-6; the mean of
    the products of consecutive draws is 1/4 (no correlation) within 5 standard errors."""
    draws = np.empty(200_000)
    fill_uniforms(random_state(np.uint64(7)), draws)
    assert draws.min() >= 0.0 and draws.max() < 1.0
    counts = np.bincount((draws * 20).astype(int), minlength=20)
    expected = len(draws) / 20
    assert ((counts - expected) ** 2 / expected).sum() < 60
    products = draws[1:] * draws[:-1]
    assert abs(products.mean() - 0.25) < 5 * products.std() / np.sqrt(len(products))
    other = np.empty(1000)
    fill_uniforms(random_state(np.uint64(8)), other)
    assert not np.isin(other, draws[:1000]).any()


# -- which strategies have a compiled twin ---------------------------------------------------


class Overridden(Interact):
    name = "interact_overridden_for_test"

    def decide(self, world, people):
        return super().decide(world, people)


class OwnReply(Interrupt):
    name = "interrupt_own_reply_for_test"

    def reply(self, world, ties):
        return np.ones(len(ties), dtype=bool), world.pitch[world.src[ties]].astype(float)


class OwnColdCalls(Interrupt):
    name = "interrupt_own_cold_calls_for_test"

    @staticmethod
    def cold_calls(world, people, per_person):
        return Messages.empty()


class Plain(Strategy):
    name = "plain_for_test"

    def decide(self, world, people):
        return Messages.empty()


class Person_(PersonStrategy):
    name = "person_for_test"

    def choose(self, world, me):
        return []


def test_only_unchanged_builtins_run_as_compiled_twins():
    assert Interrupt().compiled_plan() == PLAN_PITCH
    assert Interact().compiled_plan() == PLAN_TALK
    for cls in (Overridden, OwnReply, OwnColdCalls, Plain, Person_):
        assert cls().compiled_plan() == 0, cls.__name__
    patched = Interact()
    patched.decide = lambda world, people: Messages.empty()  # on the instance
    assert patched.compiled_plan() == 0


def test_a_builtin_patched_in_place_loses_its_twin(monkeypatch):
    def reply(self, world, ties):
        return np.ones(len(ties), dtype=bool), world.pitch[world.src[ties]].astype(float)

    monkeypatch.setattr(Interrupt, "reply", reply)
    assert Interrupt().compiled_plan() == 0
    assert Interact().compiled_plan() == PLAN_TALK


# -- what the compiled choices must satisfy ---------------------------------------------------


def _almost_complete() -> nx.Graph:
    """Twelve people who all know each other but for three missing pairs: those six know
    all but one, so each of their cold calls can only go to that one stranger."""
    g = nx.complete_graph(12)
    g.remove_edges_from([(0, 1), (2, 3), (4, 5)])
    return g


CASES = {
    "default": {},
    "three_exchanges": {"exchanges_per_step": 3, "broadcaster_share": 0.5},
    "cold_reach": {"cold_reach": 4, "broadcaster_share": 0.6},
    "muting": {"muting": True, "habituation": 0.6, "broadcaster_share": 0.5},
    "almost_complete": {"graph": _almost_complete(), "cold_reach": 3, "broadcaster_share": 0.5},
}


def compiled_choices(model, seed=0):
    """Run the compiled choices once on the model's current state: the messages, as the
    world's arrays hold them."""
    w, p = model.world, model.params
    plans = w._plans()
    exchanges, cold = p["exchanges_per_step"], p["cold_reach"]
    most = planned_messages(plans, w.strategy_id, w.out_start, exchanges, cold)
    work = Workspace().fit(2 * most, w.n, w.n_ties)
    ties, world, _, _ = w._response_arguments()
    m = decide_compiled(
        plans, w.pitch, exchanges, 1.0 - p["interest_learning"], cold, p["muting"],
        work.arrays(), ties, world, random_state(np.uint64(seed)),
    )  # fmt: skip
    assert m <= most
    i = work.ints[:, :m]
    return Messages(
        i[SENDER].copy(),
        i[SENDER + 1].copy(),
        i[TIE].copy(),
        work.floats[TOPIC, :m].copy(),
        work.flags[TWO_WAY, :m].copy(),
    )


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_choices_pass_the_worlds_checks_and_follow_the_rules(case):
    params = CASES[case] if "graph" in CASES[case] else {"n_agents": 120, "mean_degree": 8}
    model = NetworkingModel(rng=3, **(params | CASES[case]))
    model.run_for(8)
    w = model.world
    cold_calls = 0
    for seed in range(5):
        msgs = compiled_choices(model, seed)
        cold_calls += int((msgs.tie < 0).sum())
        sid = w.strategy_id[msgs.sender]
        parts = [(s, w.strategies[s], msgs.select(sid == s)) for s in range(len(w.strategies))]
        w._checked(parts)  # raises StrategyError on any malformed message
        for person in range(w.n):
            mine = msgs.select(msgs.sender == person)
            ties = w.ties_of([person])
            open_ties = ties[~w.muted[ties]]
            if w.strategy_id[person] == 0:  # pitches every contact once, one-way
                on_tie = mine.tie >= 0
                assert sorted(mine.tie[on_tie]) == sorted(open_ties)
                assert not mine.two_way.any()
                assert np.all(mine.topic == w.pitch[person])
                cold = ~on_tie
                # each call tries 20 random people: one who knows at most half the others
                # misses with chance under 1e-6; one who knows all but one may place fewer
                if w.out_degree[person] <= w.n // 2:
                    assert cold.sum() == model.params["cold_reach"]
                assert cold.sum() <= model.params["cold_reach"]
                assert not np.isin(mine.receiver[cold], w.dst[ties]).any()
            else:  # opens conversations with different contacts, on its guesses
                k = min(model.params["exchanges_per_step"], len(ties))
                assert len(set(mine.tie)) == len(mine.tie) <= k
                assert np.all(mine.two_way) and np.all(mine.tie >= 0)
                assert not w.muted[mine.tie].any()
                np.testing.assert_array_equal(mine.topic, w.estimate[mine.tie])
                if not model.params["muting"]:
                    assert len(mine.tie) == k
    assert (cold_calls > 0) == (model.params["cold_reach"] > 0)


def test_interactors_choose_contacts_in_proportion_to_their_weight():
    """A hub with four contacts whose weights are set through the state: trust on the tie
    back (r, s), the talks opened and held. 20,000 picks of one contact follow the weights
    within 5 standard errors; picks of two never repeat a contact."""
    model = NetworkingModel(rng=5, graph=nx.star_graph(4), broadcaster_share=0.0)
    w = model.world
    hub = np.arange(w.out_start[0], w.out_start[1])
    w.talks[hub] = [0, 2, 4, 1]
    w.held[hub] = [0, 2, 1, 0]
    w.evidence_r[w.rev[hub]] = [0.0, 3.0, 1.0, 8.0]
    w.evidence_s[w.rev[hub]] = [0.0, 1.0, 1.0, 0.0]
    keep = 0.7
    trust = (w.evidence_r[w.rev[hub]] + 1.0) / (
        w.evidence_r[w.rev[hub]] + w.evidence_s[w.rev[hub]] + 2.0
    )
    weight = (trust + keep ** w.talks[hub]) * (w.held[hub] + 1.0) / (w.talks[hub] + 1.0)
    people = np.zeros(20_000, dtype=np.int64)
    trust_back = np.empty(w.n_ties, dtype=np.float32)
    trust_on_ties_back(w.rev, w.evidence_r, w.evidence_s, trust_back)
    np.testing.assert_allclose(trust_back[hub], trust, rtol=1e-6)
    args = (w.out_start, w.src, w.dst, w.talks, w.held, trust_back, w.estimate, keep)
    draws = np.random.default_rng(0).random(2 * len(people))

    def choose(k):
        out = [np.empty(len(people) * k, dtype=np.int64) for _ in range(3)]
        topic = np.empty(len(people) * k)
        made = choose_partners(people, k, *args, draws[: len(people) * k], *out, topic)
        assert made == len(people) * k
        return out[2], topic

    ties, topic = choose(1)
    share = np.bincount(ties - hub[0], minlength=4) / len(people)
    expected = weight / weight.sum()
    sd = np.sqrt(expected * (1 - expected) / len(people))
    assert np.all(np.abs(share - expected) < 5 * sd)
    np.testing.assert_array_equal(topic, w.estimate[ties])
    pairs = choose(2)[0].reshape(-1, 2)
    assert np.all(pairs[:, 0] != pairs[:, 1])


# -- the workspace and reproducibility ------------------------------------------------------


def test_the_workspace_grows_when_a_run_needs_more_room():
    """Raising cold calls and conversations mid-run (live parameters), and introductions
    adding ties, need more room than the first steps: the world makes it."""
    model = NetworkingModel(rng=1, n_agents=80, mean_degree=4, introductions=True)
    model.run_for(3)
    before = model.world._work.capacity
    model.set_parameter("cold_reach", 30)
    model.set_parameter("exchanges_per_step", 4)
    model.run_for(20)
    w = model.world
    assert w._work.capacity > before
    assert w._work.best.shape[0] >= w.n_ties
    assert (w.delivery.messages.tie < 0).sum() > 0  # cold calls went out
    assert w.delivered_total == len(w.delivery)


def test_the_same_seed_gives_the_same_run_on_either_path():
    """Bit for bit: the compiled step, and the Python methods of strategies that have no
    twin (a subclass that only calls the built-in's methods)."""
    from agents.registry import register, unregister

    register(Overridden)
    try:
        for params in ({}, {"interactor_strategy": Overridden.name}):

            def run(seed, params=params):
                model = NetworkingModel(rng=seed, n_agents=100, cold_reach=1, **params)
                model.run_for(15)
                return model.datacollector.get_model_vars_dataframe(), model.world

            (a, wa), (b, wb), (c, _) = run(4), run(4), run(5)
            assert a.equals(b)
            for name in ("attention", "evidence_r", "forget", "estimate", "talks", "held"):
                np.testing.assert_array_equal(getattr(wa, name), getattr(wb, name))
            assert not a.equals(c)
    finally:
        unregister(Overridden.name)


def test_nothing_reaches_a_person_on_a_tie_they_muted():
    model = NetworkingModel(
        rng=2, n_agents=100, muting=True, habituation=0.6, broadcaster_share=0.5
    )
    w = model.world
    muted_seen = 0
    for _ in range(25):
        muted = w.muted.copy()
        model.step()
        d = w.delivery.messages
        on_tie = d.tie >= 0
        assert not muted[d.tie[on_tie]].any()
        muted_seen += int(muted.sum())
    assert muted_seen > 0  # the rule was in play


def test_a_stale_workspace_changes_nothing():
    """Every workspace array filled with junk before each step, on both paths: the runs
    are the same as clean ones, so no step reads what an earlier one left behind."""
    from agents.registry import register, unregister

    register(Overridden)
    try:
        for params in (
            {"cold_reach": 2, "introductions": True, "muting": True, "habituation": 0.5},
            {"interactor_strategy": Overridden.name, "cold_reach": 1, "adaptation": True},
        ):
            clean = NetworkingModel(rng=9, n_agents=90, **params)
            dirty = NetworkingModel(rng=9, n_agents=90, **params)
            junk = np.random.default_rng(0)
            for _ in range(20):
                clean.step()
                dirty.step()
                work = dirty.world._work
                for name in ("ints", "floats", "draws", "flags", "value", "people_ints",
                             "people_floats", "best", "events"):  # fmt: skip
                    array = getattr(work, name)
                    array[...] = junk.integers(-9, 10**6, size=array.shape).astype(array.dtype)
            for name in ("attention", "evidence_r", "forget", "estimate", "talks", "held"):
                np.testing.assert_array_equal(
                    getattr(clean.world, name), getattr(dirty.world, name), err_msg=name
                )
            a = clean.datacollector.get_model_vars_dataframe()
            b = dirty.datacollector.get_model_vars_dataframe()
            assert a.equals(b)
    finally:
        unregister(Overridden.name)


def test_the_delivery_record_follows_the_ties_when_introductions_add_some(monkeypatch):
    import sim.world as world_module

    monkeypatch.setattr(world_module, "INTRODUCTION_CHANCE", 1.0)
    model = NetworkingModel(
        rng=2, n_agents=60, introductions=True, introduction_trust=0.0, broadcaster_share=0.2
    )
    w = model.world
    grew = 0
    for _ in range(5):
        before = w.n_ties
        model.step()
        grew += w.n_ties > before
        m = w.delivery.messages
        on_tie = m.tie >= 0
        np.testing.assert_array_equal(w.src[m.tie[on_tie]], m.sender[on_tie])
        np.testing.assert_array_equal(w.dst[m.tie[on_tie]], m.receiver[on_tie])
    assert grew > 0


def test_the_python_path_runs_without_ties_with_muting_and_cold_calls():
    from agents.registry import register, unregister

    register(Overridden)
    try:
        model = NetworkingModel(
            rng=1,
            graph=nx.empty_graph(6),
            muting=True,
            cold_reach=2,
            interactor_strategy=Overridden.name,
            broadcaster_share=0.5,
        )
        model.run_for(3)
        assert model.world.delivered_total > 0  # the cold calls went out
    finally:
        unregister(Overridden.name)


def test_cached_twins_older_than_the_agents_files_are_found(tmp_path):
    """numba's cache does not see a change to the agents' files that the step compiles in;
    the kernels whose cache is older than them are found (and thrown away at import)."""
    import os

    from sim import kernels

    NetworkingModel(rng=0, n_agents=20).step()  # the kernels are compiled and cached
    cached = [k for k in kernels.USES_AGENTS if getattr(kernels, k)._cache is not None]
    older, newer = tmp_path / "older.py", tmp_path / "newer.py"
    older.write_text("")
    newer.write_text("")
    os.utime(older, (0, 0))
    future = 4_000_000_000
    os.utime(newer, (future, future))
    assert kernels.stale_caches([older]) == []
    stale = kernels.stale_caches([newer])
    assert [k.__name__ for k in stale] == cached and cached

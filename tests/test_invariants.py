"""Invariants that hold for every valid parameter set, checked with hypothesis.

Parameter sets are drawn from the declarations in ``sim.params.PARAMETERS`` (ranges,
choices, booleans), so a parameter added there is exercised here without editing this file.
Only the structural ones are narrowed to keep runs small: ``n_agents`` 10..80, the generated
networks plus ``karate``, and the degree and community count that the size allows.

After every step: per-tie attention, trust and memory stay finite in [0, 1]; message counts
add up (noticed <= looked <= delivered, reach <= sent per person, totals match); a limited
attention budget is respected; cumulative quantities never decrease; every reporter is
within its range, and NaN exactly where the design says so.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import group_of as strategy_group
from sim import NETWORKS, PARAMETERS, NetworkingModel, reporter_names
from sim.params import validate

BUILTIN_STRATEGIES = ("interact", "interrupt")
REAL = ("karate", "florentine", "les_miserables", "davis")
NETWORKS_UNDER_TEST = tuple(name for name in NETWORKS if name not in REAL) + ("karate",)
#: Degree rules of the generated networks (see sim.params._check_combinations).
NEEDS_TWO = ("watts_strogatz", "ring", "barabasi_albert")
#: Drawn together below because their valid ranges depend on each other.
STRUCTURAL = ("n_agents", "network", "mean_degree", "n_communities")

SETTINGS = settings(
    max_examples=int(os.environ.get("INVARIANT_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def declared(p) -> st.SearchStrategy:
    """All values a parameter declares as allowed (bounds included)."""
    if p.kind == "bool":
        return st.booleans()
    if p.kind == "int":
        return st.integers(int(p.low), int(p.high))
    if p.kind == "float":
        return st.floats(p.low, p.high, allow_nan=False, allow_infinity=False)
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "strategy":
        return st.sampled_from(BUILTIN_STRATEGIES)
    if p.kind == "graph":
        return st.none()
    if p.kind == "mix":  # None (the two strategies by share), or the built-ins by weight
        weights = st.floats(1e-3, 1e3, allow_nan=False, allow_infinity=False)
        pairs = st.lists(st.sampled_from(BUILTIN_STRATEGIES), min_size=1, unique=True).flatmap(
            lambda names: st.tuples(*(st.tuples(st.just(n), weights) for n in names))
        )
        return st.one_of(st.none(), pairs)
    raise AssertionError(f"no hypothesis strategy for parameter kind {p.kind!r} ({p.name})")


@st.composite
def parameter_sets(draw) -> dict:
    values = {name: draw(declared(p)) for name, p in PARAMETERS.items() if name not in STRUCTURAL}
    n = draw(st.integers(10, 80))
    network = draw(st.sampled_from(NETWORKS_UNDER_TEST))
    k_low = 2 if network in NEEDS_TWO else int(PARAMETERS["mean_degree"].low)
    k_high = min(n - 1, int(PARAMETERS["mean_degree"].high))
    blocks = draw(
        st.integers(
            int(PARAMETERS["n_communities"].low), min(n, int(PARAMETERS["n_communities"].high))
        )
    )
    if network == "communities":  # groups must be able to hold the ties asked of them
        blocks = min(blocks, max(1, n // 4))
        if blocks > 1:
            inside_room = n // blocks - 1
            mixing = max(values["community_mixing"], 1 - inside_room / max(k_low, 1))
            values["community_mixing"] = mixing
            k_high = max(
                k_low,
                min(
                    k_high,
                    int(inside_room / max(1e-9, 1 - mixing)),
                    int((n - n // blocks) / max(1e-9, mixing)),
                ),
            )
    values.update(
        n_agents=n,
        network=network,
        n_communities=blocks,
        mean_degree=draw(st.integers(k_low, k_high)),
    )
    validate(values)  # a drawn set must be valid: an error here is a finding, not a skip
    return values


runs = st.tuples(parameter_sets(), st.integers(0, 2**32 - 1), st.integers(3, 15))


def group_of(world, strategy_ids) -> np.ndarray:
    names = np.array([strategy_group(s) for s in world.strategies], dtype=object)
    return names[strategy_ids]


class Watch:
    """Runs a model step by step and records, after each step, what the world delivered
    and which messages were looked at and noticed (``world.delivery``)."""

    def __init__(self, params: dict, seed: int):
        self.model = NetworkingModel(rng=seed, **params)
        self.looks = []

    def step(self):
        self.model.step()
        world = self.model.world
        if self.model.params["conversion_rule"] == "bass":
            return
        d = world.delivery
        self.looks.append(
            (
                d.messages.receiver.copy(),
                d.looked.copy(),
                world.params["limited_attention"],
                world.params["attention_budget"],
            )
        )
        assert not (d.noticed & ~d.looked).any(), "a message noticed without being looked at"
        assert np.isnan(d.value[~d.noticed]).all()
        assert ((d.value[d.noticed] >= 0) & (d.value[d.noticed] <= 1)).all()
        assert len(d) == world.delivered_total
        assert int(d.looked.sum()) == world.looked_total
        assert int(d.noticed.sum()) == world.noticed_total


# -- state per tie ----------------------------------------------------------------------------
def check_state(world):
    for name in ("attention", "trust", "memory", "cold_attention"):
        values = np.asarray(getattr(world, name))
        assert np.isfinite(values).all(), f"{name} has NaN or inf"
        assert ((values >= 0) & (values <= 1)).all(), (
            f"{name} outside [0, 1]: {values.min()} .. {values.max()}"
        )
    assert len(world.attention) == len(world.trust) == len(world.memory) == world.n_ties
    for name in ("evidence_r", "evidence_s"):
        values = getattr(world, name)
        assert np.isfinite(values).all() and (values >= 0).all(), name
    assert ((world.trust > 0) & (world.trust < 1)).all()
    if world.params["muting"]:
        assert (world.attention[world.muted] == 0).all()


@given(runs)
@SETTINGS
def test_tie_state_stays_finite_and_in_unit_interval(run):
    params, seed, steps = run
    model = NetworkingModel(rng=seed, **params)
    check_state(model.world)
    for _ in range(steps):
        model.step()
        check_state(model.world)


# -- counts -----------------------------------------------------------------------------------
@given(runs)
@SETTINGS
def test_message_counts_add_up_and_budget_is_respected(run):
    params, seed, steps = run
    watch = Watch(params, seed)
    world = watch.model.world
    conversions = world.conversions.copy()
    faded = world.faded.copy()
    converted = int(world.converted.sum())
    adopted = world.adopted.copy()
    for _ in range(steps):
        watch.step()
        assert 0 <= world.noticed_total <= world.looked_total <= world.delivered_total
        assert (world.reach >= 0).all()
        assert (world.reach <= world.sent).all(), "a person reached more people than they sent to"
        assert int(world.reach.sum()) == world.noticed_total
        assert int(world.sent.sum()) == world.delivered_total
        assert ((world.value_sum >= 0) & (world.value_sum <= world.reach + 1e-9)).all()
        # cumulative quantities never decrease
        assert (world.conversions >= conversions).all(), "a person lost conversions"
        assert (world.faded >= faded).all(), "a faded person came back"
        assert int(world.converted.sum()) >= converted
        assert (world.adopted >= adopted).all()
        conversions, faded = world.conversions.copy(), world.faded.copy()
        converted, adopted = int(world.converted.sum()), world.adopted.copy()
    if params["conversion_rule"] == "bass":
        assert watch.looks == []
        return
    assert len(watch.looks) == steps
    for receiver, looked, limited, budget in watch.looks:
        delivered = np.bincount(receiver, minlength=world.n)
        seen = np.bincount(receiver[looked], minlength=world.n)
        if limited:  # look at as many as the budget allows, no more, none wasted
            np.testing.assert_array_equal(seen, np.minimum(delivered, budget))
        else:
            np.testing.assert_array_equal(seen, delivered)


# -- reporters --------------------------------------------------------------------------------
def check_reporters(model, row):
    w = model.world
    current = group_of(w, w.strategy_id)
    initial = group_of(w, w.initial_strategy_id)
    stats = model.person_stats()

    def in_unit(name, lo=0.0, hi=1.0):
        value = row[name]
        assert math.isfinite(value), f"{name} is {value}"
        assert lo <= value <= hi, f"{name} = {value}"

    if model.params["conversion_rule"] == "bass":  # no messages, attention, trust, memory
        for name in reporter_names(model.groups):
            if name.startswith("conversions_"):
                if (initial == name.removeprefix("conversions_")).any():
                    in_unit(name, 0.0, math.inf)
            elif name != "converted_share":
                assert math.isnan(row[name]), f"{name} means nothing under the Bass rule"
        in_unit("converted_share")
        return
    for g in model.groups:  # the starting-group views follow the people who started in g
        started = initial == g
        for prefix, key in (("attention_to", "attention_received"), ("recall_of", "recall")):
            values = stats[key][started]
            values = values[~np.isnan(values)]
            expected = values.mean() if len(values) else math.nan
            assert row[f"{prefix}_{g}_by_start"] == pytest.approx(expected, nan_ok=True)
    for g in model.groups:
        mine = current == g
        # people won over are counted by the group people started in (REPORTER_HELP)
        if not (initial == g).any():
            assert math.isnan(row[f"conversions_{g}"]), f"conversions_{g} for an empty group"
        if not mine.any():
            for prefix in (
                "attention_to",
                "trust_in",
                "recall_of",
                "value_per_message",
                "reach",
                "sent",
                "noticed_share",
            ):
                assert math.isnan(row[f"{prefix}_{g}"]), f"{prefix}_{g} for an empty group"
        else:
            has_ties = (w.out_degree[mine] > 0).any()
            for prefix in ("attention_to", "trust_in", "recall_of"):
                if has_ties:
                    in_unit(f"{prefix}_{g}")
                else:
                    assert math.isnan(row[f"{prefix}_{g}"]), f"{prefix}_{g} without ties"
            if has_ties:
                assert 0 < row[f"trust_in_{g}"] < 1
            for prefix in ("reach", "sent"):
                in_unit(f"{prefix}_{g}", 0.0, math.inf)
            assert row[f"reach_{g}"] <= row[f"sent_{g}"] + 1e-9
            for prefix, basis in (("value_per_message", w.reach), ("noticed_share", w.sent)):
                if (basis[mine] > 0).any():
                    in_unit(f"{prefix}_{g}")
                else:
                    assert math.isnan(row[f"{prefix}_{g}"]), f"{prefix}_{g} with no basis"
        if (initial == g).any():
            in_unit(f"conversions_{g}", 0.0, math.inf)
            in_unit(f"faded_{g}")
            assert row[f"faded_{g}"] == pytest.approx(w.faded[initial == g].mean())
        else:
            assert math.isnan(row[f"faded_{g}"])
    in_unit("converted_share")
    if w.delivered_total:
        in_unit("noticed_share_all")
    else:
        assert math.isnan(row["noticed_share_all"])
    assert np.isnan(stats["attention_received"][w.out_degree == 0]).all()


@given(runs)
@SETTINGS
def test_reporters_are_in_range_and_nan_only_by_design(run):
    params, seed, steps = run
    model = NetworkingModel(rng=seed, **params)
    names = reporter_names(model.groups)
    check_reporters(model, model.datacollector.get_model_vars_dataframe().iloc[-1])
    for _ in range(steps):
        model.step()
        row = model.datacollector.get_model_vars_dataframe().iloc[-1]
        assert set(names) <= set(row.index)
        check_reporters(model, row)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == steps + 1
    for col in [c for c in df.columns if c.startswith("faded_")] + ["converted_share"]:
        series = df[col].dropna().to_numpy()
        assert (np.diff(series) >= -1e-12).all(), f"{col} decreased"


# -- targeted invariants ------------------------------------------------------------------------
def test_cold_reach_pitches_only_strangers():
    """``cold_reach``: "how many strangers (not contacts) each broadcaster also pitches".
    A message sent as a cold call (no tie) must go to someone who is not a contact: a
    contact's message travels on the tie, where that contact's attention and trust apply."""
    model = NetworkingModel(
        rng=1,
        network="watts_strogatz",
        n_agents=40,
        mean_degree=8,
        cold_reach=5,
        broadcaster_share=0.5,
    )
    world = model.world
    cold_to_contacts = []
    original = world.decide

    def decide():
        parts = original()
        for part in parts:
            cold = np.flatnonzero(part.tie < 0)
            cold_to_contacts.extend(
                (int(part.sender[i]), int(part.receiver[i]))
                for i in cold
                if world.tie(int(part.sender[i]), int(part.receiver[i])) >= 0
                or part.sender[i] == part.receiver[i]
            )
        return parts

    world.decide = decide
    model.run_for(3)
    assert cold_to_contacts == [], (
        f"{len(cold_to_contacts)} cold calls went to contacts, e.g. {cold_to_contacts[:3]}"
    )


def test_a_tie_converts_at_most_once():
    model = NetworkingModel(
        rng=3,
        n_agents=60,
        mean_degree=6,
        conversion_rate=1.0,
        limited_attention=False,
        habituation_on=False,
    )
    model.run_for(20)
    w = model.world
    # without cold reach every conversion is a tie converted once
    assert int(w.conversions.sum()) == int(w.converted.sum())
    assert (w.conversions <= w.out_degree).all()


def test_nobody_wins_over_more_people_than_there_are():
    """``conversions``: "people won over so far" (contacts or strangers). However many cold
    calls a broadcaster makes, it cannot win over more than the n - 1 other people."""
    n = 20
    model = NetworkingModel(
        rng=1,
        n_agents=n,
        mean_degree=4,
        cold_reach=50,
        conversion_rate=1.0,
        habituation_on=False,
        limited_attention=False,
    )
    model.run_for(10)
    conversions = model.world.conversions
    assert conversions.max() <= n - 1, (
        f"person {conversions.argmax()} won over {conversions.max()} of {n - 1} others"
    )

"""The fast engine agrees with the plain per-agent reference implementation.

:class:`sim.NetworkingModel` (numpy, every tie at once) and :class:`sim.reference.
ReferenceModel` (one Mesa agent per person, Python loops) enact the same rules but consume
random numbers differently, so they are compared in distribution: each is run on the same
12 seeds, and every reporter of :func:`sim.reporter_names` is compared at steps 1, 5, 20
and 60 and as its mean over the whole run (steps 1 to 60), in four configurations.

Tolerance. For one reporter statistic with per-seed values ``f`` (fast) and ``r``
(reference), the test fails when

    |mean(f) - mean(r)| > max(floor, MAX_SE * se),
    se = sqrt(var(f) / len(f) + var(r) / len(r)),   floor = 0.005 + 1 % of the larger mean.

* Both models run on the same seeds, hence on the same graphs and strategy assignments;
  that correlates their results positively, so the unpaired ``se`` above overstates the
  noise of the difference: the test errs on the side of passing.
* About 400 comparisons are made per run of this file, so the threshold must be far in the
  tail. Measured by resampling 12 of 200 seeds per configuration, with both implementations
  correct: at 5 standard errors about 0.4 % of seed sets fail somewhere (at 4 standard
  errors with 6 seeds, about a third would). The seeds are fixed, so the outcome is
  deterministic until either implementation changes how it draws random numbers.
* The floor keeps differences too small to matter in a teaching model (half a percentage
  point, or 1 % of a count) from failing reporters that barely vary across seeds.
* Power, measured by breaking one rule of the reference at a time: recovery after instead
  of before habituation (fails at 318 standard errors), a 20 % larger memory boost (143),
  one step less fade patience (20), conversion with neutral instead of earned trust (17),
  dropping the learning term from the interactors' choice of partner (7), habituating only
  to noticed messages (broadcasters never fade). Rule changes that touch rare events go
  unseen at this size (restoring attention once per message instead of once per tie and
  step, learning once per message, spill-over sparing the attention to strangers: all
  under 3.1 standard errors); the mechanism tests cover those directly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import NetworkingModel, reporter_names
from sim.reference import ReferenceModel

N_AGENTS = 150
MEAN_DEGREE = 10
STEPS = 60
SEEDS = range(12)
CHECK_STEPS = (1, 5, 20, 60)
MAX_SE = 5.0
ABS_FLOOR = 0.005
REL_FLOOR = 0.01

#: Configurations that exercise the mechanism switches (on top of the defaults).
CONFIGS = {
    "default": {},
    "captive_audience": {"habituation_on": False},
    "unlimited_attention_many_broadcasters": {"limited_attention": False,
                                              "broadcaster_share": 0.6},
    # With the default habituation and patience, broadcasters fade and switch (adaptation)
    # before any attention falls under the muting line (5 %): nothing would be muted. A
    # stronger habituation and a longer patience let muting bite first (about 8 % of ties).
    "muting_cold_reach_adaptation": {"muting": True, "cold_reach": 2, "adaptation": True,
                                     "habituation": 0.3, "fade_patience": 15,
                                     "exchanges_per_step": 2},
}

REPORTERS = reporter_names()


def run(model_class, config: dict, seed: int) -> tuple[np.ndarray, object]:
    """Run one model; return its reporters (one row per step 0..STEPS) and the model."""
    model = model_class(n_agents=N_AGENTS, mean_degree=MEAN_DEGREE, rng=seed, **config)
    model.run_for(STEPS)
    frame = model.datacollector.get_model_vars_dataframe()
    return frame[REPORTERS].to_numpy(dtype=float), model


def run_mean(values: np.ndarray) -> np.ndarray:
    """Per seed and reporter: the mean over steps 1.. of the non-NaN values (NaN if none).
    ``values`` is seeds x steps x reporters; step 0 (the initial state) is left out."""
    later = values[:, 1:, :]
    count = (~np.isnan(later)).sum(axis=1)
    total = np.where(np.isnan(later), 0.0, later).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def disagreements(fast: np.ndarray, ref: np.ndarray) -> list[str]:
    """Compare per-seed reporter values (arrays seeds x steps x reporters) at CHECK_STEPS
    and as run means; return a line per reporter and statistic whose means over seeds
    disagree (see the module docstring). Seeds where a reporter is NaN (its group is
    empty) are left out of that comparison."""
    statistics = [(f"step {step:2d}", fast[:, step, :], ref[:, step, :])
                  for step in CHECK_STEPS]
    statistics.append(("run mean", run_mean(fast), run_mean(ref)))
    problems = []
    for label, fast_values, ref_values in statistics:
        for j, name in enumerate(REPORTERS):
            f, r = fast_values[:, j], ref_values[:, j]
            f, r = f[~np.isnan(f)], r[~np.isnan(r)]
            if len(f) < 3 or len(r) < 3:
                continue
            se = math.sqrt(f.var(ddof=1) / len(f) + r.var(ddof=1) / len(r))
            gap = abs(f.mean() - r.mean())
            floor = ABS_FLOOR + REL_FLOOR * max(abs(f.mean()), abs(r.mean()))
            if gap > max(floor, MAX_SE * se):
                problems.append(
                    f"{label} {name}: engine {f.mean():.4f} vs reference {r.mean():.4f}"
                    f" (gap {gap:.4f} = {gap / se if se else math.inf:.1f} standard errors)")
    return problems


@pytest.mark.parametrize("config", list(CONFIGS))
def test_engine_agrees_with_reference(config):
    fast, ref, ref_models = [], [], []
    for seed in SEEDS:
        fast.append(run(NetworkingModel, CONFIGS[config], seed)[0])
        values, model = run(ReferenceModel, CONFIGS[config], seed)
        ref.append(values)
        ref_models.append(model)
    problems = disagreements(np.array(fast), np.array(ref))
    assert not problems, f"{config}: engine and reference disagree:\n" + "\n".join(problems)
    if config == "muting_cold_reach_adaptation":  # the switches really were in play
        for model in ref_models:
            assert any(any(p.muted.values()) for p in model.people)
            assert any(p.stranger_attention < 1.0 for p in model.people)  # cold calls seen
            switched = [p.strategy == "interact" for p, first in
                        zip(model.people, model.initial_group, strict=True)
                        if first == "broadcasters"]
            assert any(switched)


def test_comparison_can_fail():
    """The tolerance is not so loose that a real shift passes, nor so tight that the same
    distribution fails."""
    gen = np.random.default_rng(0)
    shape = (len(SEEDS), STEPS + 1, len(REPORTERS))
    a = 0.5 + 0.02 * gen.standard_normal(shape)
    b = 0.5 + 0.02 * gen.standard_normal(shape)
    assert disagreements(a, b) == []
    shifted = b.copy()
    shifted[:, 20, 0] += 0.1
    assert [line.split(":")[0] for line in disagreements(a, shifted)] == [
        f"step 20 {REPORTERS[0]}"]
    drift = b.copy()
    drift[:, 1:, 1] += 0.015  # small but throughout the run: only the run mean shows it
    assert [line.split(":")[0] for line in disagreements(a, drift)] == [
        f"run mean {REPORTERS[1]}"]


@pytest.mark.parametrize("network", ["watts_strogatz", "erdos_renyi", "barabasi_albert",
                                     "communities", "karate"])
def test_same_seed_same_graph_and_start(network):
    """Same seed: the identical graph, strategy assignment and step-0 reporters."""
    for seed in (0, 7):
        fast = NetworkingModel(n_agents=120, network=network, rng=seed)
        ref = ReferenceModel(n_agents=120, network=network, rng=seed)
        edges = {frozenset(e) for e in fast.graph.edges()}
        assert edges == {frozenset(e) for e in ref.graph.edges()}
        assert list(fast.graph.nodes()) == list(ref.graph.nodes())
        assert [p.strategy for p in fast.people] == [p.strategy for p in ref.people]
        start_fast = fast.datacollector.get_model_vars_dataframe()[REPORTERS].iloc[0]
        start_ref = ref.datacollector.get_model_vars_dataframe()[REPORTERS].iloc[0]
        np.testing.assert_allclose(start_fast.to_numpy(float), start_ref.to_numpy(float),
                                   rtol=1e-12, equal_nan=True)


def test_reference_contract():
    """Same reporters as the fast model, the agents' public attributes, determinism."""
    a = ReferenceModel(n_agents=60, rng=3)
    assert list(a.datacollector.model_reporters) == list(
        NetworkingModel(n_agents=60, rng=3).datacollector.model_reporters)
    a.run_for(8)
    b = ReferenceModel(n_agents=60, rng=3)
    b.run_for(8)
    fa = a.datacollector.get_model_vars_dataframe()
    fb = b.datacollector.get_model_vars_dataframe()
    assert fa.equals(fb)
    assert len(a.agents) == 60
    for person in a.agents:
        assert person.strategy in ("interrupt", "interact")
        assert isinstance(person.faded, bool)
        assert 0.0 <= person.attention_received <= 1.0
        assert 0.0 < person.trust_earned < 1.0
        assert 0.0 <= person.recall <= 1.0
        assert person.conversions >= 0


@pytest.mark.parametrize("params", [{"introductions": True}, {"conversion_rule": "bass"}])
def test_reference_refuses_what_it_does_not_implement(params):
    with pytest.raises(NotImplementedError, match="ReferenceModel"):
        ReferenceModel(n_agents=30, rng=0, **params)


def test_reference_refuses_custom_strategies():
    from agents import Interact, register, unregister

    @register
    class Chatty(Interact):
        name = "chatty_reference_test"

    try:
        with pytest.raises(NotImplementedError, match="built-in strategies"):
            ReferenceModel(n_agents=30, rng=0, interactor_strategy="chatty_reference_test")
    finally:
        unregister("chatty_reference_test")

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

NaN. A reporter is NaN at step 0 for the per-message reporters (nothing sent yet) and
where its group is empty; here that happens only when adaptation has switched every
broadcaster, at a random step that each implementation reaches with its own random
numbers. So: the NaN pattern at step 0 must be identical (same graph, same start); the
set of reporters that are ever NaN later must be the same on both sides; and how many
steps each reporter is NaN in a run is compared in distribution like any other statistic
("NaN steps"), so that a group emptying systematically earlier on one side fails. Values are
compared over the seeds where they exist; a comparison is left out only when both sides
have fewer than 3 such seeds (a one-sided shortage is a disagreement), and the test counts
the comparisons made, so that it cannot pass by comparing nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from agents import Interact, Interrupt
from agents.registry import register, unregister
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
    "unlimited_attention_many_broadcasters": {"limited_attention": False, "broadcaster_share": 0.6},
    # With the default habituation and patience, broadcasters fade and switch (adaptation)
    # before any attention falls under the muting line (5 %): nothing would be muted. A
    # stronger habituation and a longer patience let muting bite first (about 8 % of ties).
    "muting_cold_reach_adaptation": {
        "muting": True,
        "cold_reach": 2,
        "adaptation": True,
        "habituation": 0.3,
        "fade_patience": 15,
        "exchanges_per_step": 2,
    },
}

#: Configurations in which no group can empty: every comparison must be made.
NO_EMPTY_GROUPS = ("default", "captive_audience", "unlimited_attention_many_broadcasters")
#: Values compared per reporter: CHECK_STEPS, the run mean and the NaN steps.
STATISTICS = len(CHECK_STEPS) + 2
#: The fewest comparisons any configuration may make, per reporter (a group that empties
#: leaves out its reporters' late steps; the early steps and run means always count).
MIN_PER_REPORTER = 4

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


def nan_steps(values: np.ndarray) -> np.ndarray:
    """Per seed and reporter: at how many of the steps 1.. the reporter is NaN."""
    return np.isnan(values[:, 1:, :]).sum(axis=1).astype(float)


def nan_pattern_problems(fast: np.ndarray, ref: np.ndarray) -> list[str]:
    """Where the two sides' NaN patterns differ beyond the random timing of a group
    emptying (see the module docstring): a line per difference."""
    problems = []
    start_f, start_r = np.isnan(fast[:, 0, :]), np.isnan(ref[:, 0, :])
    for j in np.flatnonzero((start_f != start_r).any(axis=0)):
        problems.append(
            f"step  0 {REPORTERS[j]}: NaN in seeds "
            f"{np.flatnonzero(start_f[:, j]).tolist()} (engine) vs "
            f"{np.flatnonzero(start_r[:, j]).tolist()} (reference)"
        )
    ever_f = np.isnan(fast[:, 1:, :]).any(axis=(0, 1))
    ever_r = np.isnan(ref[:, 1:, :]).any(axis=(0, 1))
    for j in np.flatnonzero(ever_f != ever_r):
        side = "engine" if ever_f[j] else "reference"
        problems.append(f"{REPORTERS[j]}: NaN after step 0 in the {side} only")
    return problems


def compare(fast: np.ndarray, ref: np.ndarray) -> tuple[list[str], int]:
    """Compare per-seed reporter values (arrays seeds x steps x reporters) at CHECK_STEPS,
    as run means and as NaN steps; return a line per reporter and statistic whose means
    over seeds disagree (see the module docstring), and how many comparisons were made.
    Seeds where a reporter is NaN (its group is empty) are left out of that comparison;
    when fewer than 3 seeds are left on one side only, that is a disagreement."""
    statistics = [(f"step {step:2d}", fast[:, step, :], ref[:, step, :]) for step in CHECK_STEPS]
    statistics.append(("run mean", run_mean(fast), run_mean(ref)))
    statistics.append(("NaN steps", nan_steps(fast), nan_steps(ref)))
    problems = []
    compared = 0
    for label, fast_values, ref_values in statistics:
        for j, name in enumerate(REPORTERS):
            f, r = fast_values[:, j], ref_values[:, j]
            f, r = f[~np.isnan(f)], r[~np.isnan(r)]
            if len(f) < 3 and len(r) < 3:
                continue  # (nearly) empty on both sides: nothing to compare
            if len(f) < 3 or len(r) < 3:
                problems.append(
                    f"{label} {name}: a value in {len(f)} seeds (engine) vs {len(r)} (reference)"
                )
                continue
            compared += 1
            se = math.sqrt(f.var(ddof=1) / len(f) + r.var(ddof=1) / len(r))
            gap = abs(f.mean() - r.mean())
            floor = ABS_FLOOR + REL_FLOOR * max(abs(f.mean()), abs(r.mean()))
            if gap > max(floor, MAX_SE * se):
                problems.append(
                    f"{label} {name}: engine {f.mean():.4f} vs reference {r.mean():.4f}"
                    f" (gap {gap:.4f} = {gap / se if se else math.inf:.1f} standard errors)"
                )
    return problems, compared


def disagreements(fast: np.ndarray, ref: np.ndarray) -> list[str]:
    """The lines of :func:`compare` only."""
    return compare(fast, ref)[0]


@pytest.mark.parametrize("config", list(CONFIGS))
def test_engine_agrees_with_reference(config):
    fast, ref, ref_models = [], [], []
    for seed in SEEDS:
        fast.append(run(NetworkingModel, CONFIGS[config], seed)[0])
        values, model = run(ReferenceModel, CONFIGS[config], seed)
        ref.append(values)
        ref_models.append(model)
    fast, ref = np.array(fast), np.array(ref)
    problems = nan_pattern_problems(fast, ref)
    assert not problems, f"{config}: NaN where the other side has none:\n" + "\n".join(problems)
    problems, compared = compare(fast, ref)
    assert not problems, f"{config}: engine and reference disagree:\n" + "\n".join(problems)
    if config in NO_EMPTY_GROUPS:
        assert not np.isnan(fast[:, 1:, :]).any()  # hence nothing was left out
        assert compared == STATISTICS * len(REPORTERS)
    assert compared >= MIN_PER_REPORTER * len(REPORTERS), f"{config}: {compared} comparisons"
    if config == "muting_cold_reach_adaptation":  # the switches really were in play
        for model in ref_models:
            assert any(any(p.muted.values()) for p in model.people)
            assert any(p.stranger_attention < 1.0 for p in model.people)  # cold calls seen
            switched = [
                p.strategy == "interact"
                for p, first in zip(model.people, model.initial_group, strict=True)
                if first == "broadcasters"
            ]
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
    assert [line.split(":")[0] for line in disagreements(a, shifted)] == [f"step 20 {REPORTERS[0]}"]
    drift = b.copy()
    drift[:, 1:, 1] += 0.015  # small but throughout the run: only the run mean shows it
    assert [line.split(":")[0] for line in disagreements(a, drift)] == [f"run mean {REPORTERS[1]}"]
    assert compare(a, b)[1] == STATISTICS * len(REPORTERS)
    assert nan_pattern_problems(a, b) == []
    # a reporter missing on one side: it is not skipped silently
    gap = b.copy()
    gap[:, 20, 2] = np.nan
    assert [line.split(":")[0] for line in disagreements(a, gap)] == [
        f"step 20 {REPORTERS[2]}",
        f"NaN steps {REPORTERS[2]}",
    ]
    assert nan_pattern_problems(a, gap) == [
        f"{REPORTERS[2]}: NaN after step 0 in the reference only"
    ]
    gap[:, 0, 3] = np.nan
    assert nan_pattern_problems(a, gap)[0].startswith(f"step  0 {REPORTERS[3]}: NaN in seeds")
    # missing on both sides: left out, and counted as not compared
    both = a.copy()
    both[:, 20, 2] = np.nan
    assert compare(both, gap)[1] == STATISTICS * len(REPORTERS) - 1


@pytest.mark.parametrize(
    "network", ["watts_strogatz", "erdos_renyi", "barabasi_albert", "communities", "karate"]
)
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
        np.testing.assert_allclose(
            start_fast.to_numpy(float), start_ref.to_numpy(float), rtol=1e-12, equal_nan=True
        )


def test_reference_contract():
    """Same reporters as the fast model, the agents' public attributes, determinism."""
    a = ReferenceModel(n_agents=60, rng=3)
    assert list(a.datacollector.model_reporters) == list(
        NetworkingModel(n_agents=60, rng=3).datacollector.model_reporters
    )
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


@pytest.mark.parametrize(
    "params", [{"introductions": True}, {"conversion_rule": "bass"}, {"campaign_steps": 10}]
)
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


# -- the compiled twins against the strategies' Python methods ---------------------------------


class InterruptInPython(Interrupt):
    """The broadcaster through its Python methods: overriding ``decide`` turns its compiled
    twin off (``compiled_plan`` 0), so the world calls ``decide``, ``cold_calls`` and
    ``reply`` as written."""

    name = "interrupt_in_python"

    def decide(self, world, people):
        return super().decide(world, people)


class InteractInPython(Interact):
    """The interactor through its Python methods (see :class:`InterruptInPython`)."""

    name = "interact_in_python"

    def decide(self, world, people):
        return super().decide(world, people)


@pytest.fixture
def python_strategies():
    for cls in (InterruptInPython, InteractInPython):
        register(cls)
    yield {
        "broadcaster_strategy": InterruptInPython.name,
        "interactor_strategy": InteractInPython.name,
    }
    for cls in (InterruptInPython, InteractInPython):
        unregister(cls.name)


@pytest.mark.parametrize("config", ["default", "muting_cold_reach_adaptation"])
def test_python_methods_agree_with_the_compiled_twins(config, python_strategies):
    """The same comparison as against the reference (same seeds, tolerance and
    statistics), between the step with the built-ins' compiled twins and the step that
    calls their Python methods (``decide``, ``cold_calls``, ``reply``, the world's checks).
    Reporters are named by group, so both runs report the same ones."""
    compiled, python = [], []
    for seed in SEEDS:
        compiled.append(run(NetworkingModel, CONFIGS[config], seed)[0])
        values, model = run(NetworkingModel, CONFIGS[config] | python_strategies, seed)
        assert model.world._plans() is None  # really the Python path
        python.append(values)
    compiled, python = np.array(compiled), np.array(python)
    problems = nan_pattern_problems(compiled, python)
    assert not problems, f"{config}: NaN on one path only:\n" + "\n".join(problems)
    problems, compared = compare(compiled, python)
    assert not problems, f"{config}: the two paths disagree:\n" + "\n".join(problems)
    assert compared >= MIN_PER_REPORTER * len(REPORTERS)

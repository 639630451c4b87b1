"""The array-speed data collector (``sim.collect``) and the bulk set-up of the people.

The collector must be invisible to a Mesa user: the DataFrame, ``model_vars``,
``_collection_steps`` and ``mesa.batch_run`` rows must be exactly what a plain
``mesa.DataCollector`` gives for the same reporters, collecting the same model at the same
steps. "Exactly" means bit for bit: each group mean is compared with the mean numpy takes of
the same float64 values (``values[~np.isnan(values)].mean()``, pairwise summation), with no
tolerance; NaN must stand where NaN stands.

Two plain collectors are used as the oracle: one calling the model's own reporter functions
(``make_reporter``), and one calling a copy, kept here, of the per-group loop the model used
before the compiled pass (numpy means over each group's members), so the new pass is never
checked against itself.
"""

from __future__ import annotations

import copy
import logging
import math
import pickle
from functools import partial

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.experimental.mesa_signals import ModelSignals

import agents
from agents import Person
from agents.interact import Interact
from sim import NetworkingModel
from sim.collect import PERSON_NUMBERS, ArrayCollector, pairwise_sum
from sim.model import (
    BY_START,
    MEANINGFUL_UNDER_BASS,
    ReporterRow,
    _group_value,
    _reporter,
)

SMALL = {"n_agents": 80, "mean_degree": 6}


class Listener(Interact):
    """An interactor under a group of its own, so that the model reports a third group."""

    name = "test_collect_listener"
    group = "listeners"
    description = "Interacts, reported as its own group."


@pytest.fixture
def listener():
    agents.register(Listener)
    try:
        yield Listener.name
    finally:
        agents.unregister(Listener.name)


#: (parameters, steps): the default rules, people switching strategy, the Bass rule (on a
#: stored network and on the implicit complete one), introductions and cold calls.
CONFIGURATIONS = {
    "default": ({}, 25),
    "adaptation": ({"adaptation": True}, 40),
    "bass": ({"conversion_rule": "bass"}, 20),
    "bass_complete": ({"conversion_rule": "bass", "network": "complete"}, 20),
    "introductions": ({"introductions": True}, 30),
    "cold_reach": ({"cold_reach": 3, "adaptation": True}, 30),
    "broadcaster_heavy": ({"broadcaster_share": 0.9, "limited_attention": True}, 20),
    "no_interactors": ({"broadcaster_share": 1.0, "adaptation": True}, 30),
    "no_broadcasters": ({"broadcaster_share": 0.0}, 10),
}


# -- the oracle: the per-group loop of the model before the compiled pass ---------------------
def old_group_means(model) -> dict:
    """The model's group means as the earlier ``NetworkingModel.group_means`` computed them:
    numpy means over each group's members, the same dict keys in the same order."""
    stats = model.person_stats()
    means = {}
    bass = model.params["conversion_rule"] == "bass"
    w = model.world
    nobody_switched = np.array_equal(w.strategy_id, w.initial_strategy_id)
    for initial in (False, True):
        keys = [k for k in stats if initial or k not in BY_START]
        if initial and nobody_switched:
            keys = [k for k in keys if k in BY_START]
            means.update(
                {(k, g, True): means[k, g, False] for (k, g, _) in list(means) if k not in BY_START}
            )
        codes = model._group_codes(initial)
        for g, group in enumerate(model.groups):
            members = np.flatnonzero(codes == g)
            for key in keys:
                values = stats[key][members]
                values = values[~np.isnan(values)]
                means[key, group, initial] = (
                    float(values.mean())
                    if len(values) and not (bass and key not in MEANINGFUL_UNDER_BASS)
                    else float("nan")
                )
    return means


def _old_value(key, group, by_start, model):
    return old_group_means(model)[key, group, by_start]


def old_reporters(model) -> dict:
    """The model's reporters, with the group means read from :func:`old_group_means`."""
    out = {}
    for name, reporter in model.datacollector.model_reporters.items():
        if reporter.func is _group_value:
            out[name] = partial(_old_value, *reporter.args)
        else:
            out[name] = reporter
    return out


def plain_collectors(model) -> list[mesa.DataCollector]:
    """Two plain Mesa collectors of the model's reporters, having collected once (now)."""
    names = list(model.datacollector.model_reporters)
    plain = [
        mesa.DataCollector(model_reporters={name: _reporter(name) for name in names}),
        mesa.DataCollector(model_reporters=old_reporters(model)),
    ]
    for dc in plain:
        dc.collect(model)
    return plain


def assert_same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Same columns, order, index and dtypes; NaN in the same places; every other value
    with the same bits (sign of zero included)."""
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(x), np.isnan(y))
    keep = ~np.isnan(x)
    assert np.array_equal(x[keep].view(np.int64), y[keep].view(np.int64))


def assert_same_lists(mine: dict, theirs: dict) -> None:
    assert list(mine) == list(theirs)
    for name in theirs:
        assert len(mine[name]) == len(theirs[name]), name
        for u, v in zip(mine[name], theirs[name], strict=True):
            assert type(u) is type(v) or (isinstance(u, float) and isinstance(v, float)), name
            assert (u == v) or (math.isnan(u) and math.isnan(v)), (name, u, v)


def run_side_by_side(model, steps: int) -> list[mesa.DataCollector]:
    plain = plain_collectors(model)
    for _ in range(steps):
        model.step()
        for dc in plain:
            dc.collect(model)
    return plain


def check_against(model, plain: list[mesa.DataCollector]) -> None:
    dc = model.datacollector
    frame = dc.get_model_vars_dataframe()
    for other in plain:
        assert_same_bits(frame, other.get_model_vars_dataframe())
        assert_same_lists(dc.model_vars, other.model_vars)
        assert dc._collection_steps == other._collection_steps
    # the DataFrame Mesa would build from the lists is the one built from the table
    assert_same_bits(frame, pd.DataFrame(dc.model_vars))


# -- the collector against plain Mesa ---------------------------------------------------------
@pytest.mark.parametrize("config", list(CONFIGURATIONS))
def test_collector_matches_plain_mesa_bit_for_bit(config):
    params, steps = CONFIGURATIONS[config]
    model = NetworkingModel(rng=3, **SMALL, **params)
    dc = model.datacollector
    assert isinstance(dc, mesa.DataCollector) and isinstance(dc, ArrayCollector)
    plain = run_side_by_side(model, steps)
    check_against(model, plain)
    w = model.world
    if params.get("adaptation"):  # people switched: the two groupings differ
        assert (w.strategy_id != w.initial_strategy_id).any()
    if params.get("conversion_rule") == "bass":
        frame = dc.get_model_vars_dataframe()
        assert frame["attention_to_broadcasters"].isna().all()
        assert frame["conversions_broadcasters"].notna().all()


def test_collector_matches_plain_mesa_on_groups_of_thousands():
    """Groups of more than 128 people: numpy splits their sums in halves (pairwise)."""
    model = NetworkingModel(rng=8, n_agents=3000, adaptation=True, fade_patience=2)
    plain = run_side_by_side(model, 12)
    check_against(model, plain)
    assert (model.world.strategy_id != model.world.initial_strategy_id).any()


def test_collector_with_a_group_of_its_own(listener):
    model = NetworkingModel(rng=2, interactor_strategy=listener, adaptation=True, **SMALL)
    assert model.groups == ["broadcasters", "interactors", "listeners"]
    plain = run_side_by_side(model, 30)
    check_against(model, plain)
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["reach_interactors"].isna().all()  # an empty group: NaN
    assert frame["reach_listeners"].notna().all()


def test_group_means_keep_their_keys_order_and_values():
    for params in ({}, {"adaptation": True}, {"conversion_rule": "bass"}):
        model = NetworkingModel(rng=5, **SMALL, **params)
        for _ in range(35):
            model.step()
            mine, old = model.group_means(), old_group_means(model)
            assert list(mine) == list(old)
            for key, value in old.items():
                assert mine[key] == value or (math.isnan(mine[key]) and math.isnan(value)), key
        assert (
            model.group_mean("conversions", "broadcasters")
            == mine["conversions", "broadcasters", True]
        )
        assert list(model.person_stats()) == list(PERSON_NUMBERS)


@pytest.mark.parametrize("config", list(CONFIGURATIONS))
def test_the_compiled_pass_is_the_one_used(config, monkeypatch):
    def refuse(*args):
        raise AssertionError("the numpy fallback ran")

    monkeypatch.setattr(NetworkingModel, "_plain_row", refuse)
    model = NetworkingModel(rng=3, **SMALL, **CONFIGURATIONS[config][0])
    model.run_for(3)
    model.group_means()


def test_numpy_fallback_gives_the_same_row():
    """Per-person numbers of another type than float64 are averaged by numpy itself; on
    float64 numbers both ways give the same row."""
    model = NetworkingModel(rng=4, adaptation=True, cold_reach=2, **SMALL)
    model.run_for(35)
    recorder = model.datacollector._recorder
    fast, slow = np.empty(len(recorder.columns)), np.empty(len(recorder.columns))
    model._record_row(fast, recorder.columns)
    model._plain_row(slow, recorder.columns)
    assert np.array_equal(fast, slow, equal_nan=True)


@pytest.mark.parametrize("n", [0, 1, 5, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257])
def test_pairwise_sum_is_numpys_sum(n):
    rng = np.random.default_rng(n)
    for scale in (1.0, 1e-8, 1e8):
        values = rng.random(n + 3000 * (n > 200)) * scale * 10.0 ** rng.uniform(-3, 3)
        buf = np.concatenate([rng.random(5), values])  # not at the start of the buffer
        assert pairwise_sum(buf, 5, len(values)) == np.add.reduce(values)


def test_pairwise_sum_is_numpys_sum_on_large_arrays():
    rng = np.random.default_rng(0)
    for n in (1000, 8191, 8192, 8193, 20_001, 100_000):
        values = rng.random(n) * 10.0 ** rng.uniform(-5, 5, n)
        assert pairwise_sum(values, 0, n) == np.add.reduce(values)
        assert pairwise_sum(values, 0, n) / n == values.mean()


# -- Mesa's interfaces ------------------------------------------------------------------------
class PlainCollectorModel(NetworkingModel):
    """The model with a plain ``mesa.DataCollector`` of the old group means: the collector
    as it was before the compiled pass."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.datacollector = mesa.DataCollector(model_reporters=old_reporters(self))
        self.datacollector.collect(self)


def _rows(model_cls, period):
    return mesa.batch_run(
        model_cls,
        parameters={"broadcaster_share": [0.2, 0.5], "adaptation": [False, True], **SMALL},
        rng=[1, 2],
        max_steps=12,
        number_processes=1,
        data_collection_period=period,
        display_progress=False,
    )


@pytest.mark.parametrize("period", [-1, 1, 5])
def test_batch_run_rows_as_with_a_plain_collector(period):
    mine, plain = _rows(NetworkingModel, period), _rows(PlainCollectorModel, period)
    assert len(mine) == len(plain) > 0
    for a, b in zip(mine, plain, strict=True):
        assert list(a) == list(b)
        for key, value in b.items():
            assert a[key] == value or (math.isnan(a[key]) and math.isnan(value)), key


def test_collect_by_hand_appends_a_row():
    model = NetworkingModel(rng=1, **SMALL)
    plain = run_side_by_side(model, 3)
    for dc in [model.datacollector, *plain]:
        dc.collect(model)
    check_against(model, plain)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 5
    assert_same_bits(frame.iloc[[3]].reset_index(drop=True), frame.iloc[[4]].reset_index(drop=True))


def test_model_vars_read_between_steps_stay_complete():
    model = NetworkingModel(rng=1, **SMALL)
    plain = plain_collectors(model)
    for _ in range(70):  # past the first growth of the table
        model.step()
        for dc in plain:
            dc.collect(model)
        mv = model.datacollector.model_vars
        assert len(mv["reach_broadcasters"]) == model.steps + 1
        assert mv["reach_broadcasters"][-1] == plain[0].model_vars["reach_broadcasters"][-1]
    check_against(model, plain)


def test_replaced_and_added_reporters_and_agent_reporters_are_collected_as_by_mesa():
    model = NetworkingModel(rng=2, **SMALL)
    reporters = dict(model.datacollector.model_reporters)
    extra = {**reporters, "people": partial(_count_people), "steps_so_far": "steps"}
    mine = ArrayCollector(
        ReporterRow(reporters, model.groups),
        model_reporters=extra,
        agent_reporters={"label": "label"},
    )
    plain = mesa.DataCollector(model_reporters=extra, agent_reporters={"label": "label"})
    for _ in range(4):
        model.step()
        mine.collect(model)
        plain.collect(model)
    for dc in (mine, plain):  # a reporter replaced mid-run keeps its earlier values
        dc.model_reporters["converted_share"] = partial(_count_people)
    for _ in range(3):
        model.step()
        mine.collect(model)
        plain.collect(model)
    assert_same_bits(mine.get_model_vars_dataframe(), plain.get_model_vars_dataframe())
    assert_same_lists(mine.model_vars, plain.model_vars)
    assert mine.get_model_vars_dataframe()["converted_share"].iloc[-1] == SMALL["n_agents"]
    pd.testing.assert_frame_equal(
        mine.get_agent_vars_dataframe(), plain.get_agent_vars_dataframe(), check_exact=True
    )
    # model_reporters still holds the picklable functions a plain collector calls
    assert model.datacollector.model_reporters["reach_broadcasters"](model) == (
        model.group_mean("reach", "broadcasters")
    )


def test_model_vars_assigned_or_reset_behave_as_in_mesa():
    model = NetworkingModel(rng=3, **SMALL)
    plain = run_side_by_side(model, 3)[0]
    dc = model.datacollector
    for c in (dc, plain):  # someone's own copy of the lists: later rows go on them
        c.model_vars = {name: list(values) for name, values in c.model_vars.items()}
    for _ in range(2):
        model.step()  # collects into dc
        plain.collect(model)
    assert_same_bits(dc.get_model_vars_dataframe(), plain.get_model_vars_dataframe())
    for c in (dc, plain):  # a reporter reset mid-run starts an empty list, as in Mesa
        c._new_model_reporter("reach_broadcasters", partial(_count_people))
    model.step()
    plain.collect(model)
    assert_same_lists(dc.model_vars, plain.model_vars)
    for c in (dc, plain):
        with pytest.raises(ValueError):
            c.get_model_vars_dataframe()  # columns of different lengths


def _count_people(model):
    return float(len(model.agents))


@pytest.mark.parametrize("clone", ["pickle", "deepcopy"])
def test_a_copied_model_goes_on_collecting(clone):
    model = NetworkingModel(rng=6, adaptation=True, **SMALL)
    model.run_for(5)
    twin = pickle.loads(pickle.dumps(model)) if clone == "pickle" else copy.deepcopy(model)
    for m in (model, twin):
        m.run_for(4)
    assert_same_bits(
        model.datacollector.get_model_vars_dataframe(),
        twin.datacollector.get_model_vars_dataframe(),
    )
    assert twin.datacollector._collection_steps == model.datacollector._collection_steps


# -- the people, created in bulk --------------------------------------------------------------
def test_people_are_registered_as_mesa_registers_agents():
    fast = NetworkingModel(rng=0, **SMALL)
    people = fast.people
    assert [p.unique_id for p in people] == list(range(1, SMALL["n_agents"] + 1))
    assert list(fast.agents) == people
    assert list(fast.agents_by_type[Person]) == people
    assert fast.agent_id_counter == SMALL["n_agents"] + 1
    assert all(p.model is fast and p.pos is None for p in people)
    # the same as one Agent.__init__ each
    slow = mesa.Model(rng=0)
    slow.world = fast.world
    by_one = [Person(slow, i) for i in range(SMALL["n_agents"])]
    assert [list(p.__dict__) for p in by_one] == [list(p.__dict__) for p in people]
    assert [(p.unique_id, p.index, p.label) for p in by_one] == [
        (p.unique_id, p.index, p.label) for p in people
    ]
    # later agents get the next ids, and removing one works
    more = Person.populate(fast, 3)
    assert [p.unique_id for p in more] == [SMALL["n_agents"] + k for k in (1, 2, 3)]
    assert len(fast.agents) == SMALL["n_agents"] + 3
    extra = Person(fast, 99)
    assert extra.unique_id == SMALL["n_agents"] + 4
    more[0].remove()
    assert more[0] not in fast.agents and len(fast.agents_by_type[Person]) == SMALL["n_agents"] + 3


def test_people_added_while_observed_are_signalled():
    model = NetworkingModel(rng=0, **SMALL)
    seen = []

    def handler(signal):
        seen.append(signal)

    model.observe("agents", ModelSignals.AGENT_ADDED, handler)
    Person.populate(model, 4, labels=list("abcd"))
    assert len(seen) == 4
    assert [p.label for p in list(model.agents)[-4:]] == list("abcd")


def test_people_are_logged_one_by_one_when_mesa_debug_logging_is_on(caplog):
    model = NetworkingModel(rng=0, **SMALL)
    with caplog.at_level(logging.DEBUG, logger="MESA.mesa.model"):
        Person.populate(model, 2)
    assert sum("registered Person" in r.getMessage() for r in caplog.records) == 2


def test_custom_labels_survive_bulk_creation():
    import networkx as nx

    graph = nx.relabel_nodes(nx.karate_club_graph(), {i: f"p{i}" for i in range(34)})
    model = NetworkingModel(rng=0, graph=graph)
    assert [p.label for p in model.people] == list(graph.nodes)
    assert [p.index for p in model.people] == list(range(34))

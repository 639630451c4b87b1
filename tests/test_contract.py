"""The public contract of ``sim.NetworkingModel`` (docs: brief "The public contract").

What the app, the experiments, the exercises and outside code rely on: a keyword-only
``mesa.Model`` with validated defaults, the named reporters with their meaning (group means,
NaN for empty groups, cumulative counts), the agents, ``mesa.batch_run``, every named
network and custom graphs, determinism through ``rng``, live parameters and the strategy
registry.
"""

from __future__ import annotations

import inspect
import math

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import agents
from sim import NETWORKS, PARAMETERS, NetworkingModel, ParameterError, reporter_names
from sim.params import defaults

CONTRACT_REPORTERS = [
    "attention_to_broadcasters",
    "attention_to_interactors",
    "trust_in_broadcasters",
    "trust_in_interactors",
    "recall_of_broadcasters",
    "recall_of_interactors",
    "value_per_message_broadcasters",
    "value_per_message_interactors",
    "reach_broadcasters",
    "reach_interactors",
    "conversions_broadcasters",
    "conversions_interactors",
    "faded_broadcasters",
    "noticed_share_interactors",
]

#: Reporter prefixes that are a mean over the *current* members of a group.
GROUP_PREFIXES = (
    "attention_to",
    "trust_in",
    "recall_of",
    "value_per_message",
    "reach",
    "conversions",
    "noticed_share",
)

REAL_SIZES = {"karate": 34, "florentine": 15, "les_miserables": 77, "davis": 32}
REAL_GRAPHS = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "les_miserables": nx.les_miserables_graph,
    "davis": nx.davis_southern_women_graph,
}
GENERATED = [name for name in NETWORKS if name not in REAL_SIZES]

SMALL = {"n_agents": 60, "mean_degree": 6}


def frame(model: NetworkingModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def members(model: NetworkingModel, strategy: str) -> list:
    return [a for a in model.agents if a.strategy == strategy]


def edge_set(graph: nx.Graph) -> set[frozenset]:
    return {frozenset((a, b)) for a, b in graph.edges() if a != b}


# -- the class and its constructor ------------------------------------------------------------
def test_is_a_mesa_model_subclass():
    assert issubclass(NetworkingModel, mesa.Model)
    assert isinstance(NetworkingModel(rng=0, **SMALL), mesa.Model)


def test_positional_argument_is_refused():
    with pytest.raises(TypeError):
        NetworkingModel(300)
    with pytest.raises(TypeError):
        NetworkingModel(0, 300)


def test_every_parameter_has_a_valid_default_and_no_argument_construction_works():
    for name, p in PARAMETERS.items():
        assert p.check(p.default) == p.default, name
    model = NetworkingModel()
    assert model.params == defaults()
    assert len(model.agents) == PARAMETERS["n_agents"].default
    model.step()
    assert len(frame(model)) == 2


def test_signature_lists_every_parameter_keyword_only_with_its_default():
    sig = inspect.signature(NetworkingModel)
    params = sig.parameters
    assert set(PARAMETERS) <= set(params)
    assert "rng" in params
    for name, p in PARAMETERS.items():
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY, name
        assert params[name].default == p.default, name
    assert not [
        q
        for q in params.values()
        if q.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    sig.bind(**defaults())  # the whole parameter set binds


# -- reporters ------------------------------------------------------------------------------
def test_contract_reporters_exist_with_one_row_per_step():
    model = NetworkingModel(rng=1, **SMALL)
    df = frame(model)
    missing = [r for r in CONTRACT_REPORTERS if r not in df.columns]
    assert not missing
    assert len(df) == 1
    model.step()
    assert len(frame(model)) == 2
    model.run_for(4)
    assert len(frame(model)) == 6
    model.step()
    model.run_for(1)
    df = frame(model)
    assert len(df) == 8
    assert model.steps == 7
    assert df[CONTRACT_REPORTERS].dtypes.map(lambda t: np.issubdtype(t, np.floating)).all()


@pytest.mark.parametrize(
    "share, empty, present",
    [(0.0, "broadcasters", "interactors"), (1.0, "interactors", "broadcasters")],
)
def test_empty_group_reporters_are_nan(share, empty, present):
    model = NetworkingModel(rng=3, broadcaster_share=share, **SMALL)
    model.run_for(5)
    df = frame(model)
    for prefix in (*GROUP_PREFIXES, "faded"):
        assert df[f"{prefix}_{empty}"].isna().all(), f"{prefix}_{empty}"
    # The present group's core reporters are numbers at every step.
    for prefix in ("attention_to", "trust_in", "recall_of", "reach", "conversions", "faded"):
        assert df[f"{prefix}_{present}"].notna().all(), f"{prefix}_{present}"
    # ... and the value per message once something has been noticed.
    assert df[f"value_per_message_{present}"].iloc[1:].notna().all()


def _nanmean(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def _assert_close(actual: float, expected: float, what: str):
    if math.isnan(expected):
        assert math.isnan(actual), what
    else:
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12), what


def test_reporters_are_per_person_means_that_agree_with_the_agents():
    model = NetworkingModel(rng=7, broadcaster_share=0.3, **SMALL)
    world = model.world
    for _ in range(12):
        model.step()
        row = frame(model).iloc[-1]
        for strategy, group in (("interrupt", "broadcasters"), ("interact", "interactors")):
            people = members(model, strategy)
            assert people
            idx = np.array([a.index for a in people])
            _assert_close(
                row[f"attention_to_{group}"],
                _nanmean([a.attention_received for a in people]),
                "attention",
            )
            _assert_close(
                row[f"trust_in_{group}"], _nanmean([a.trust_earned for a in people]), "trust"
            )
            _assert_close(row[f"recall_of_{group}"], _nanmean([a.recall for a in people]), "recall")
            _assert_close(
                row[f"conversions_{group}"],
                float(np.mean([a.conversions for a in people])),
                "conversions",
            )
            _assert_close(row[f"faded_{group}"], float(np.mean([a.faded for a in people])), "faded")
            # reach: the messages of this step that were noticed, per person of the group
            _assert_close(row[f"reach_{group}"], float(world.reach[idx].mean()), "reach")
            sent = world.sent[idx]
            shares = world.reach[idx][sent > 0] / sent[sent > 0]
            _assert_close(
                row[f"noticed_share_{group}"],
                float(shares.mean()) if len(shares) else float("nan"),
                "share",
            )
            reached = world.reach[idx] > 0
            per_msg = world.value_sum[idx][reached] / world.reach[idx][reached]
            _assert_close(
                row[f"value_per_message_{group}"],
                float(per_msg.mean()) if len(per_msg) else float("nan"),
                "value",
            )


def test_group_means_weigh_people_not_messages():
    """A group's reach is a mean per person: dividing the total noticed messages of the
    group by its size, so groups of different sizes compare fairly."""
    model = NetworkingModel(rng=11, broadcaster_share=0.1, n_agents=80, mean_degree=8)
    model.run_for(3)
    w = model.world
    row = frame(model).iloc[-1]
    b = np.array([a.index for a in members(model, "interrupt")])
    i = np.array([a.index for a in members(model, "interact")])
    assert len(b) == 8 and len(i) == 72
    assert row["reach_broadcasters"] == pytest.approx(w.reach[b].sum() / 8)
    assert row["reach_interactors"] == pytest.approx(w.reach[i].sum() / 72)


def test_reach_counts_only_this_step():
    model = NetworkingModel(rng=5, **SMALL)
    model.run_for(10)
    df = frame(model)
    assert (df["reach_broadcasters"].iloc[0] == 0) and (df["reach_interactors"].iloc[0] == 0)
    # per-step, not cumulative: reach falls as the audience habituates
    assert df["reach_broadcasters"].iloc[-1] < df["reach_broadcasters"].iloc[1]


@pytest.mark.parametrize("adaptation", [False, True])
def test_cumulative_reporters_never_decrease(adaptation):
    """``conversions_*`` is cumulative and ``faded_broadcasters`` a share faded so far:
    neither may go down, whatever mechanism is switched on."""
    model = NetworkingModel(
        rng=6, n_agents=100, mean_degree=8, conversion_rate=0.5, adaptation=adaptation
    )
    model.run_for(60)
    df = frame(model)
    assert df["faded_broadcasters"].between(0, 1).all()
    assert df["faded_broadcasters"].iloc[-1] > 0  # the test does exercise fading
    for col in ("conversions_broadcasters", "conversions_interactors", "faded_broadcasters"):
        series = df[col].dropna()
        drops = series.index[1:][np.diff(series.to_numpy()) < -1e-12].tolist()
        assert not drops, f"{col} decreased at steps {drops}"
        assert len(series) == len(df), f"{col} became NaN at step {df[col].isna().idxmax()}"
    assert df["conversions_broadcasters"].iloc[-1] > 0


# -- agents ---------------------------------------------------------------------------------
def test_one_agent_per_person_with_sensible_attributes():
    model = NetworkingModel(rng=2, **SMALL)
    model.run_for(8)
    people = list(model.agents)
    assert len(people) == 60 == model.graph.number_of_nodes()
    assert all(isinstance(a, mesa.Agent) for a in people)
    assert sorted(a.index for a in people) == list(range(60))
    assert len({a.unique_id for a in people}) == 60
    strategies = {a.strategy for a in people}
    assert strategies == {"interrupt", "interact"}
    assert sum(a.strategy == "interrupt" for a in people) == round(0.3 * 60)
    for a in people:
        assert isinstance(a.strategy, str)
        assert isinstance(a.faded, bool)
        assert isinstance(a.conversions, int) and a.conversions >= 0
        for name in ("attention_received", "trust_earned", "recall"):
            value = getattr(a, name)
            assert isinstance(value, float), name
            assert 0.0 <= value <= 1.0, (name, value)
        assert 0.0 < a.trust_earned < 1.0
    # attributes move with the run
    assert any(a.recall > 0 for a in people)
    assert any(a.attention_received < 1 for a in people if a.strategy == "interrupt")


def test_agent_conversions_add_up_to_the_reporters():
    model = NetworkingModel(rng=4, conversion_rate=0.3, **SMALL)
    model.run_for(20)
    total = sum(a.conversions for a in model.agents)
    row = frame(model).iloc[-1]
    nb = len(members(model, "interrupt"))
    ni = len(members(model, "interact"))
    assert total > 0
    assert row["conversions_broadcasters"] * nb + row[
        "conversions_interactors"
    ] * ni == pytest.approx(total)


# -- batch_run --------------------------------------------------------------------------------
def _batch():
    return mesa.batch_run(
        NetworkingModel,
        parameters={"broadcaster_share": [0.2, 0.5], "habituation": [0.1, 0.3]},
        rng=[1, 2],
        max_steps=15,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )


def test_batch_run_works_unchanged_and_is_deterministic():
    first = _batch()
    assert len(first) == 8
    combos = {(r["broadcaster_share"], r["habituation"], r["rng"]) for r in first}
    assert combos == {(s, h, g) for s in (0.2, 0.5) for h in (0.1, 0.3) for g in (1, 2)}
    for row in first:
        assert row["Step"] == 15
        for name in CONTRACT_REPORTERS:
            assert name in row
    a = pd.DataFrame(first)
    # runs that differ only in seed differ in outcome
    by_seed = a.set_index(["broadcaster_share", "habituation", "rng"])
    assert not by_seed.xs(1, level="rng")["reach_broadcasters"].equals(
        by_seed.xs(2, level="rng")["reach_broadcasters"]
    )
    pd.testing.assert_frame_equal(a, pd.DataFrame(_batch()))


# -- networks ---------------------------------------------------------------------------------
@pytest.mark.parametrize("network", list(NETWORKS))
def test_every_named_network_builds_and_runs(network):
    model = NetworkingModel(rng=1, network=network, **SMALL)
    model.run_for(3)
    n = REAL_SIZES.get(network, 60)
    assert len(model.agents) == n
    assert model.graph.number_of_nodes() == n
    assert model.world.n == n
    assert len(frame(model)) == 4
    assert frame(model)["attention_to_broadcasters"].notna().all()


@pytest.mark.parametrize("network", list(REAL_SIZES))
def test_real_networks_are_the_networkx_ones(network):
    model = NetworkingModel(rng=1, network=network)
    original = REAL_GRAPHS[network]()
    assert len(model.agents) == REAL_SIZES[network] == original.number_of_nodes()
    assert list(model.graph.nodes) == list(original.nodes)
    assert edge_set(model.graph) == edge_set(original)
    assert [a.label for a in model.people] == list(original.nodes)


MEAN_DEGREE_TOLERANCE = {
    "ring": 0.0,  # exact: k // 2 neighbours on each side
    "watts_strogatz": 0.02,  # rewired ties that repeat an existing one are dropped
    "erdos_renyi": 0.05,  # binomial; averaged over seeds at n = 200
    "communities": 0.05,
    "barabasi_albert": 0.10,  # duplicates dropped; NetworkX gives 2m(1 - m/n) too
}


@pytest.mark.parametrize("network", sorted(MEAN_DEGREE_TOLERANCE))
@pytest.mark.parametrize("k", [6, 10])
def test_generated_networks_have_the_requested_size_and_mean_degree(network, k):
    degrees = []
    for seed in range(5):
        model = NetworkingModel(rng=seed, network=network, n_agents=200, mean_degree=k)
        g = model.graph
        assert g.number_of_nodes() == 200
        assert sorted(g.nodes) == list(range(200))
        assert nx.number_of_selfloops(g) == 0
        degrees.append(2 * g.number_of_edges() / 200)
    assert np.mean(degrees) == pytest.approx(k, rel=MEAN_DEGREE_TOLERANCE[network], abs=1e-9)


@pytest.mark.parametrize("blocks, mixing", [(4, 0.1), (8, 0.3), (2, 0.2), (2, 0.8)])
def test_communities_honour_mean_degree_for_any_number_of_groups(blocks, mixing):
    """``communities``: each person has on average ``k (1 - mixing)`` ties inside the group
    and ``k mixing`` outside, so the mean degree is ``k`` whatever the number of groups."""
    n, k = 200, 10
    degrees = []
    for seed in range(5):
        model = NetworkingModel(
            rng=seed,
            network="communities",
            n_agents=n,
            mean_degree=k,
            n_communities=blocks,
            community_mixing=mixing,
        )
        degrees.append(2 * model.graph.number_of_edges() / n)
    assert np.mean(degrees) == pytest.approx(k, rel=0.05)


def test_densest_erdos_renyi_ties_every_pair():
    """``erdos_renyi`` at its densest allowed setting (mean degree n - 1) is a complete
    graph: 150 people, 11,175 ties. (It once took seconds: dense graphs now draw pair
    indices without repeats; speed itself belongs to the benchmarks, not to a test.)"""
    model = NetworkingModel(rng=0, network="erdos_renyi", n_agents=150, mean_degree=149)
    assert model.world.n_ties == 150 * 149


def test_complete_network_ties_everyone():
    model = NetworkingModel(rng=1, network="complete", n_agents=25)
    assert model.graph.number_of_edges() == 25 * 24 // 2


def _custom_graphs():
    strings = nx.Graph()
    strings.add_nodes_from(["ann", "bob", "cy", "dee", "hermit"])  # hermit is isolated
    strings.add_edges_from(
        [("ann", "bob"), ("bob", "cy"), ("cy", "dee"), ("dee", "ann"), ("ann", "cy")]
    )
    multi = nx.MultiGraph()
    multi.add_edges_from([(0, 1), (0, 1), (1, 2), (2, 3), (3, 0), (3, 0), (3, 0)])
    multi.add_node(9)
    loops = nx.cycle_graph(6)
    loops.add_edges_from([(0, 0), (3, 3)])
    shuffled = nx.Graph()
    shuffled.add_nodes_from([5, 3, 1, 0, 2, 4])
    shuffled.add_edges_from([(5, 3), (3, 1), (1, 0), (0, 2), (2, 4), (4, 5)])
    mixed = nx.Graph([(("a", 1), "b"), ("b", 3.5), (3.5, ("a", 1))])
    isolated = nx.empty_graph(4)
    return {
        "strings+isolated": strings,
        "multigraph": multi,
        "self_loops": loops,
        "int_labels_out_of_order": shuffled,
        "mixed_hashable_labels": mixed,
        "no_ties": isolated,
    }


@pytest.mark.parametrize("name, graph", list(_custom_graphs().items()))
def test_custom_graph_is_used_with_its_labels(name, graph):
    model = NetworkingModel(rng=3, graph=graph, broadcaster_share=0.4)
    model.run_for(3)
    assert len(model.agents) == graph.number_of_nodes()
    assert list(model.graph.nodes) == list(graph.nodes)
    assert edge_set(model.graph) == edge_set(graph)
    assert nx.number_of_selfloops(model.graph) == 0
    assert [p.label for p in model.people] == list(graph.nodes)
    assert len(frame(model)) == 4
    # a person's contacts are their neighbours in the graph (self-loops aside)
    for p in model.people:
        expected = {x for x in graph.neighbors(p.label) if x != p.label}
        assert {c.label for c in p.contacts} == expected


def test_custom_graph_wins_over_network_and_n_agents():
    g = nx.path_graph(7)
    model = NetworkingModel(rng=1, graph=g, network="complete", n_agents=500)
    assert len(model.agents) == 7
    assert edge_set(model.graph) == edge_set(g)


def test_people_without_contacts_are_nan_not_errors():
    model = NetworkingModel(
        rng=1, graph=_custom_graphs()["strings+isolated"], broadcaster_share=0.0
    )
    model.run_for(4)
    hermit = next(p for p in model.people if p.label == "hermit")
    assert math.isnan(hermit.attention_received)
    others = [p.attention_received for p in model.people if p.label != "hermit"]
    assert frame(model).iloc[-1]["attention_to_interactors"] == pytest.approx(np.mean(others))


def test_graph_view_follows_new_ties_from_introductions():
    """``model.graph`` is the social network; when introductions add ties during a run,
    the graph the app draws must show them."""
    model = NetworkingModel(
        rng=3, n_agents=100, mean_degree=8, introductions=True, introduction_trust=0.5
    )
    before = model.graph.number_of_edges()
    model.run_for(60)
    now = model.world.n_ties // 2
    assert now > before  # introductions happened
    assert model.graph.number_of_edges() == now


# -- determinism ------------------------------------------------------------------------------
@pytest.mark.parametrize("network", GENERATED + ["karate"])
def test_same_rng_same_run_and_same_graph(network):
    kw = dict(network=network, n_agents=60, mean_degree=6, cold_reach=1, introductions=True)
    a = NetworkingModel(rng=42, **kw)
    b = NetworkingModel(rng=42, **kw)
    assert nx.utils.graphs_equal(a.graph, b.graph)
    a.run_for(12)
    b.run_for(12)
    pd.testing.assert_frame_equal(frame(a), frame(b), check_exact=True)
    assert [p.strategy for p in a.people] == [p.strategy for p in b.people]
    np.testing.assert_array_equal(a.world.attention, b.world.attention)


@pytest.mark.parametrize(
    "network", ["watts_strogatz", "erdos_renyi", "barabasi_albert", "communities"]
)
def test_different_seeds_give_different_graphs_and_runs(network):
    a = NetworkingModel(rng=1, network=network, **SMALL)
    b = NetworkingModel(rng=2, network=network, **SMALL)
    assert edge_set(a.graph) != edge_set(b.graph)
    a.run_for(5)
    b.run_for(5)
    assert not frame(a).equals(frame(b))


@pytest.mark.parametrize("network", ["ring", "complete", "karate"])
def test_different_seeds_differ_even_on_a_fixed_graph(network):
    a = NetworkingModel(rng=1, network=network, **SMALL)
    b = NetworkingModel(rng=2, network=network, **SMALL)
    assert edge_set(a.graph) == edge_set(b.graph)
    a.run_for(5)
    b.run_for(5)
    assert not frame(a).equals(frame(b))


# -- live parameters --------------------------------------------------------------------------
def test_live_parameter_changes_take_effect_mid_run():
    model = NetworkingModel(rng=9, broadcaster_share=1.0, **SMALL)
    model.run_for(5)
    falling = frame(model)["attention_to_broadcasters"]
    assert falling.iloc[-1] < falling.iloc[0]
    model.set_parameter("habituation_on", False)
    model.set_parameter("generalization_on", False)
    model.set_parameter("recovery", 0.2)
    assert model.params["recovery"] == 0.2
    model.run_for(5)
    after = frame(model)["attention_to_broadcasters"].iloc[5:].to_numpy()
    assert (np.diff(after) > 0).all()  # only recovery acts now


def test_conversion_rate_zero_mid_run_freezes_conversions():
    model = NetworkingModel(rng=9, conversion_rate=0.5, **SMALL)
    model.run_for(5)
    model.set_parameter("conversion_rate", 0)
    assert model.params["conversion_rate"] == 0.0
    frozen = model.world.conversions.copy()
    model.run_for(5)
    np.testing.assert_array_equal(model.world.conversions, frozen)


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if p.live])
def test_every_live_parameter_can_be_set_mid_run(name):
    p = PARAMETERS[name]
    if p.kind == "bool":
        value = not p.default
    elif p.kind in ("int", "float"):
        value = p.check(p.low if p.low != p.default else p.high)
    else:
        value = p.default
    model = NetworkingModel(rng=1, **SMALL)
    model.run_for(2)
    model.set_parameter(name, value)
    assert model.params[name] == value
    model.run_for(2)
    assert len(frame(model)) == 5


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if not p.live])
def test_structural_parameters_cannot_change_mid_run(name):
    model = NetworkingModel(rng=1, **SMALL)
    model.step()
    before = dict(model.params)
    with pytest.raises(ParameterError) as info:
        model.set_parameter(name, PARAMETERS[name].default)
    assert info.value.field == name
    assert name in str(info.value)
    assert model.params == before


def test_set_parameter_validates_value_and_name():
    model = NetworkingModel(rng=1, **SMALL)
    with pytest.raises(ParameterError) as info:
        model.set_parameter("habituation", 1.5)
    assert info.value.field == "habituation"
    assert "0 to 1" in str(info.value)
    with pytest.raises(ParameterError) as info:
        model.set_parameter("habituaton", 0.1)
    assert info.value.field == "habituaton"
    assert "habituation" in str(info.value)
    assert model.params["habituation"] == PARAMETERS["habituation"].default


# -- the strategy registry --------------------------------------------------------------------
class Listener(agents.PersonStrategy):
    """Per-person test strategy: talks two ways with its first contact, tailored."""

    name = "test_contract_listener"
    group = "listeners"
    description = "Talks with its first contact each step."

    def choose(self, world, me):
        contacts = world.contacts_of(me)
        if len(contacts) == 0:
            return []
        other = int(contacts[0])
        return [
            agents.Message(
                to=other, topic=float(world.estimate[world.tie(me, other)]), two_way=True
            )
        ]

    def answer(self, world, me, opener):
        tie = world.tie(me, opener)
        return agents.Message(to=opener, topic=float(world.estimate[tie]), two_way=True)


class Silent(agents.Strategy):
    """Vectorized test strategy in an existing group: sends nothing."""

    name = "test_contract_silent"
    group = "broadcasters"
    description = "Never sends anything."

    def decide(self, world, people):
        return agents.Messages.empty()


@pytest.fixture
def registered():
    agents.register(Listener)
    agents.register(Silent)
    try:
        yield
    finally:
        agents.unregister(Listener.name)
        agents.unregister(Silent.name)


def test_custom_strategy_with_a_new_group_gets_its_own_reporters(registered):
    assert Listener.name in agents.available_strategies()
    model = NetworkingModel(rng=2, interactor_strategy=Listener.name, **SMALL)
    assert "listeners" in model.groups
    model.run_for(4)
    df = frame(model)
    for prefix in GROUP_PREFIXES:
        assert f"{prefix}_listeners" in df.columns, prefix
    assert {a.strategy for a in model.agents} == {"interrupt", Listener.name}
    listeners = members(model, Listener.name)
    assert len(listeners) == 60 - round(0.3 * 60)
    idx = np.array([a.index for a in listeners])
    row = df.iloc[-1]
    assert row["sent_listeners"] >= 1.0  # each opens one exchange a step (+ answers)
    assert row["reach_listeners"] == pytest.approx(model.world.reach[idx].mean())
    assert row["attention_to_listeners"] == pytest.approx(
        np.mean([a.attention_received for a in listeners])
    )
    # the built-in interactors' group exists but is empty
    assert df["reach_interactors"].isna().all()
    assert df["reach_broadcasters"].notna().all()


def test_custom_strategy_as_broadcaster_in_an_existing_group(registered):
    model = NetworkingModel(rng=2, broadcaster_strategy=Silent.name, **SMALL)
    assert model.groups == ["broadcasters", "interactors"]
    model.run_for(3)
    df = frame(model)
    # they send nothing of their own: only the one-way answers to exchanges opened with them
    assert (df["sent_broadcasters"].iloc[1:] > 0).all()
    assert (df["sent_broadcasters"] < 3).all()
    assert (df["reach_broadcasters"] <= df["sent_broadcasters"]).all()
    assert {a.strategy for a in model.agents} == {Silent.name, "interact"}


def test_custom_strategy_in_batch_run(registered):
    rows = mesa.batch_run(
        NetworkingModel,
        parameters={"interactor_strategy": [Listener.name, "interact"], **SMALL},
        rng=[1],
        max_steps=3,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(rows) == 2
    listener_row = next(r for r in rows if r["interactor_strategy"] == Listener.name)
    assert not math.isnan(listener_row["reach_listeners"])


def test_unregistered_strategy_is_refused_by_name():
    agents.register(Listener)
    agents.unregister(Listener.name)
    assert Listener.name not in agents.available_strategies()
    with pytest.raises(ParameterError) as info:
        NetworkingModel(interactor_strategy=Listener.name)
    assert info.value.field == "interactor_strategy"


def test_every_reporter_says_which_grouping_it_uses():
    """sim.reporter_help: every reporter a model records has help that names its grouping;
    names no model records are refused."""
    from sim import reporter_help

    model = NetworkingModel(rng=0, n_agents=30)
    for name in reporter_names(model.groups):
        text = reporter_help(name, model.groups)
        if name not in ("converted_share", "noticed_share_all"):
            assert "started in" in text or "use now" in text, name
        if name.endswith("_by_start"):
            assert "started in" in text, name
    for bad in ("conversions_broadcasters_by_start", "attention_to_nobody", "speed_of_light"):
        with pytest.raises(KeyError):
            reporter_help(bad, model.groups)


def test_group_mean_counts_cumulative_numbers_by_start_in_both_engines():
    from sim.reference import ReferenceModel

    for cls in (NetworkingModel, ReferenceModel):
        model = cls(rng=1, n_agents=40, adaptation=True)
        model.run_for(30)
        by_start = model.group_mean("conversions", "broadcasters", by_start=True)
        assert model.group_mean("conversions", "broadcasters", by_start=False) == by_start
        assert model.group_mean("conversions", "broadcasters") == by_start

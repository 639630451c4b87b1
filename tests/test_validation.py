"""Bad input is refused at the constructor with a ``sim.ParameterError`` that names the
field and says which values are allowed.

Two sets of cases: hand-picked ones (wrong types, out of range, unknown names, networks,
strategies, rng, graphs, combinations) and cases generated from ``sim.params.PARAMETERS``,
so that a newly declared parameter is checked without editing this file.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from sim import NETWORKS, PARAMETERS, NetworkingModel, ParameterError
from sim.params import MAX_COMPLETE

NAN, INF = float("nan"), float("inf")


def refuse(**kwargs) -> ParameterError:
    with pytest.raises(ParameterError) as info:
        NetworkingModel(**kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    return err


def bound(x: float) -> str:
    return f"{x:g}"


# -- hand-picked cases ------------------------------------------------------------------------
# (kwargs, field, words the message must contain: the allowed values or the rule broken)
WRONG_TYPES = [
    ({"n_agents": "100"}, "n_agents", ["whole number", "2", "200000"]),
    ({"n_agents": 10.5}, "n_agents", ["whole number", "2", "200000"]),
    ({"n_agents": True}, "n_agents", ["whole number"]),
    ({"n_agents": np.True_}, "n_agents", ["whole number"]),
    ({"n_agents": None}, "n_agents", ["whole number"]),
    ({"n_agents": [100]}, "n_agents", ["whole number"]),
    ({"n_agents": 1 + 2j}, "n_agents", ["whole number"]),
    ({"mean_degree": 6.5}, "mean_degree", ["whole number", "1", "200"]),
    ({"attention_budget": "5"}, "attention_budget", ["whole number", "1", "100"]),
    ({"broadcaster_share": "0.3"}, "broadcaster_share", ["number", "0 to 1"]),
    ({"broadcaster_share": None}, "broadcaster_share", ["number", "0 to 1"]),
    ({"broadcaster_share": False}, "broadcaster_share", ["number", "0 to 1"]),
    ({"habituation": "high"}, "habituation", ["number", "0 to 1"]),
    ({"limited_attention": "yes"}, "limited_attention", ["True or False"]),
    ({"limited_attention": 1}, "limited_attention", ["True or False"]),
    ({"muting": None}, "muting", ["True or False"]),
    ({"network": None}, "network", ["watts_strogatz", "karate"]),
    ({"network": 3}, "network", ["watts_strogatz", "karate"]),
    ({"conversion_rule": None}, "conversion_rule", ["per_message", "bass"]),
    ({"broadcaster_strategy": None}, "broadcaster_strategy", ["interrupt", "interact"]),
    ({"interactor_strategy": 1}, "interactor_strategy", ["interrupt", "interact"]),
    ({"graph": [(0, 1), (1, 2)]}, "graph", ["networkx.Graph"]),
    ({"graph": "karate"}, "graph", ["networkx.Graph"]),
    ({"graph": {0: [1]}}, "graph", ["networkx.Graph"]),
]

OUT_OF_RANGE = [
    ({"n_agents": 1}, "n_agents", ["2", "200000"]),
    ({"n_agents": -5}, "n_agents", ["2", "200000"]),
    ({"n_agents": 200_001}, "n_agents", ["2", "200000"]),
    ({"n_agents": NAN}, "n_agents", ["2", "200000"]),
    ({"n_agents": INF}, "n_agents", ["2", "200000"]),
    ({"broadcaster_share": -0.1}, "broadcaster_share", ["0 to 1"]),
    ({"broadcaster_share": 1.5}, "broadcaster_share", ["0 to 1"]),
    ({"broadcaster_share": NAN}, "broadcaster_share", ["0 to 1"]),
    ({"broadcaster_share": np.float64("nan")}, "broadcaster_share", ["0 to 1"]),
    ({"broadcaster_share": INF}, "broadcaster_share", ["0 to 1"]),
    ({"habituation": -1e-9}, "habituation", ["0 to 1"]),
    ({"recovery": 1.0000001}, "recovery", ["0 to 1"]),
    ({"fade_threshold": NAN}, "fade_threshold", ["0 to 1"]),
    ({"mean_degree": 0}, "mean_degree", ["1", "200"]),
    ({"mean_degree": 201}, "mean_degree", ["1", "200"]),
    ({"attention_budget": 0}, "attention_budget", ["1", "100"]),
    ({"attention_budget": -3}, "attention_budget", ["1", "100"]),
    ({"fade_patience": 0}, "fade_patience", ["1", "1000"]),
    ({"exchanges_per_step": 21}, "exchanges_per_step", ["1", "20"]),
    ({"cold_reach": -1}, "cold_reach", ["0", "1000"]),
    ({"n_communities": 0}, "n_communities", ["1", "100"]),
]

UNKNOWN_NAMES = [
    ({"network": "small_world"}, "network", ["watts_strogatz", "erdos_renyi", "davis"]),
    ({"network": "Karate"}, "network", ["did you mean 'karate'"]),
    ({"network": "erdos_reny"}, "network", ["did you mean 'erdos_renyi'"]),
    ({"conversion_rule": "Bass"}, "conversion_rule", ["did you mean 'bass'"]),
    ({"broadcaster_strategy": "spam"}, "broadcaster_strategy", ["spam", "interrupt", "interact"]),
    (
        {"interactor_strategy": "interactt"},
        "interactor_strategy",
        ["interactt", "interrupt", "interact"],
    ),
]

RNG_CASES = [
    ({"rng": "seed"}, "rng", ["non-negative whole number"]),
    ({"rng": 1.5}, "rng", ["non-negative whole number"]),
    ({"rng": True}, "rng", ["non-negative whole number"]),
    ({"rng": -1}, "rng", ["non-negative whole number"]),
    ({"rng": np.int64(-3)}, "rng", ["non-negative whole number"]),
    ({"rng": [1, 2]}, "rng", ["non-negative whole number"]),
]

GRAPH_CASES = [
    ({"graph": nx.Graph()}, "graph", ["at least 2"]),
    ({"graph": nx.empty_graph(1)}, "graph", ["at least 2"]),
    ({"graph": nx.DiGraph([(0, 1), (1, 2)])}, "graph", ["undirected"]),
    ({"graph": nx.MultiDiGraph([(0, 1), (1, 0)])}, "graph", ["undirected"]),
]

COMBINATIONS = [
    ({"n_agents": 10, "mean_degree": 10}, "mean_degree", ["smaller than n_agents", "10"]),
    (
        {"n_agents": 10, "mean_degree": 12, "network": "erdos_renyi"},
        "mean_degree",
        ["smaller than n_agents"],
    ),
    (
        {"n_agents": 8, "mean_degree": 8, "network": "ring"},
        "mean_degree",
        ["smaller than n_agents"],
    ),
    (
        {"n_agents": 20, "mean_degree": 30, "network": "barabasi_albert"},
        "mean_degree",
        ["smaller than n_agents"],
    ),
    (
        {"n_agents": 30, "mean_degree": 30, "network": "communities"},
        "mean_degree",
        ["smaller than n_agents"],
    ),
    ({"n_agents": 5}, "mean_degree", ["smaller than n_agents", "5"]),  # default degree 10
    ({"mean_degree": 1, "network": "ring"}, "mean_degree", ["at least 2"]),
    ({"mean_degree": 1, "network": "watts_strogatz"}, "mean_degree", ["at least 2"]),
    ({"mean_degree": 1, "network": "barabasi_albert"}, "mean_degree", ["at least 2"]),
    (
        {"n_agents": 20, "network": "communities", "mean_degree": 4, "n_communities": 21},
        "n_communities",
        ["at most n_agents", "20"],
    ),
    (
        {"n_agents": MAX_COMPLETE + 1, "network": "complete"},
        "n_agents",
        [f"at most {MAX_COMPLETE}", "complete"],
    ),
    ({"n_agents": 200_000, "network": "complete"}, "n_agents", [f"at most {MAX_COMPLETE}"]),
]


def _describe(value) -> str:
    if isinstance(value, nx.Graph):
        return f"{type(value).__name__}({value.number_of_nodes()} nodes)"
    return repr(value)


def _ids(cases):
    return ["-".join(f"{k}={_describe(v)}" for k, v in kw.items()) for kw, _, _ in cases]


ALL_CASES = WRONG_TYPES + OUT_OF_RANGE + UNKNOWN_NAMES + RNG_CASES + GRAPH_CASES + COMBINATIONS


@pytest.mark.parametrize("kwargs, field, words", ALL_CASES, ids=_ids(ALL_CASES))
def test_bad_input_is_refused_naming_the_field(kwargs, field, words):
    err = refuse(**kwargs)
    assert err.field == field
    message = str(err)
    assert message.startswith(field)
    for word in words:
        assert word in message, (word, message)


# -- unknown parameter names --------------------------------------------------------------------
@pytest.mark.parametrize(
    "typo, meant",
    [
        ("n_agent", "n_agents"),
        ("habituaton", "habituation"),
        ("broadcast_share", "broadcaster_share"),
        ("meandegree", "mean_degree"),
        ("attention_budgt", "attention_budget"),
        ("Network", "network"),
    ],
)
def test_unknown_parameter_names_the_parameter_and_suggests_a_close_match(typo, meant):
    err = refuse(**{typo: 1})
    assert err.field == typo
    assert typo in str(err)
    assert "unknown" in str(err)
    assert f"did you mean {meant!r}" in str(err)


def test_unknown_parameter_without_a_close_match_is_still_named():
    err = refuse(zzz_quux=1)
    assert err.field == "zzz_quux"
    assert "unknown parameter" in str(err)


def test_a_strategy_mix_seats_people_by_weight_in_slot_order():
    model = NetworkingModel(n_agents=100, rng=3, strategy_mix={"interact": 1, "interrupt": 3})
    assert [s.name for s in model.world.strategies] == ["interact", "interrupt"]
    assert np.bincount(model.world.strategy_id).tolist() == [25, 75]
    # the interactors' slot is where faded broadcasters go under adaptation
    assert model.world.interactor_sid == 0


def test_a_strategy_mix_reads_and_writes_as_text():
    p = PARAMETERS["strategy_mix"]
    mix = p.from_text(" interrupt:1, interact:2.5 ")
    assert mix == (("interrupt", 1.0), ("interact", 2.5))
    assert p.from_text(p.to_text(mix)) == mix
    assert p.from_text("") is None and p.to_text(None) == ""
    with pytest.raises(ParameterError, match="as in 'interact:2'"):
        p.from_text("interact:lots")


def test_error_is_raised_before_any_work_and_is_a_value_error():
    assert issubclass(ParameterError, ValueError)
    with pytest.raises(ValueError):
        NetworkingModel(n_agents=200_000, network="complete")


# -- cases generated from the declarations ------------------------------------------------------
def _generated_cases():
    cases = []
    for name, p in PARAMETERS.items():
        if p.kind in ("int", "float"):
            bad = [p.low - 1, p.high + 1, "1", None, True]
            if p.kind == "float":
                bad += [NAN, p.low - 1e-6, p.high + 1e-6]
            else:
                bad += [p.low + 0.5]
        elif p.kind == "bool":
            bad = ["True", 1, 0, None]
        elif p.kind == "choice":
            bad = ["no_such_choice", None, 0]
        elif p.kind == "strategy":
            bad = ["no_such_strategy", None, 0]
        elif p.kind == "graph":
            bad = ["a graph", 42]
        elif p.kind == "mix":
            bad = [
                "a mix",
                42,
                {},
                {"no_such_strategy": 1},
                {"interact": 0},
                {"interact": -1},
                {"interact": NAN},
                {"interact": True},
                [("interact", 1), ("interact", 2)],
                [("interact", 1, 2)],
            ]
        else:  # a new kind of parameter: this file needs a case for it
            raise AssertionError(f"no bad values known for kind {p.kind!r} ({name})")
        cases += [pytest.param(name, value, id=f"{name}={value!r}") for value in bad]
    return cases


@pytest.mark.parametrize("name, value", _generated_cases())
def test_every_declared_parameter_refuses_bad_values(name, value):
    p = PARAMETERS[name]
    err = refuse(**{name: value})
    assert err.field == name
    message = str(err)
    if p.kind in ("int", "float"):
        assert bound(p.low) in message and bound(p.high) in message, message
        assert p.describe_allowed() in message
    elif p.kind == "choice":
        for choice in p.choices:
            assert repr(choice) in message, (choice, message)
    elif p.kind == "strategy":
        assert "interrupt" in message and "interact" in message, message
    elif p.kind == "mix" and not isinstance(value, str | int):
        # what is wrong inside the mix: the count, the name, the weight or the pair
        words = ("1 to", "unknown strategy", "weight of 'interact'", "all 0", "twice", "pair")
        assert any(w in message for w in words), message
    else:
        assert p.describe_allowed() in message


NUMERIC = [name for name, p in PARAMETERS.items() if p.kind in ("int", "float")]


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("end", ["low", "high"])
def test_every_declared_parameter_accepts_its_bounds(name, end):
    """The declared range is the accepted range: both ends construct."""
    value = getattr(PARAMETERS[name], end)
    # erdos_renyi takes any mean degree from 1 to n - 1
    kw = {"network": "erdos_renyi", "n_agents": 40, "mean_degree": 4, name: value}
    if name == "n_agents":
        kw["mean_degree"] = 1
        if value > 10_000:  # the Bass rule on a complete graph stores no ties: cheap
            kw.update(network="complete", conversion_rule="bass")
    elif name == "mean_degree":
        kw["n_agents"] = max(40, int(value) + 1)
        if value > 2:  # (a dense erdos_renyi is a separate matter: see test_contract.py)
            kw["network"] = "watts_strogatz"
    elif name == "n_communities":  # groups of 10 hold 4 ties each
        kw.update(network="communities", n_agents=max(40, 10 * int(value)))
    model = NetworkingModel(rng=0, **kw)
    assert model.params[name] == value


@pytest.mark.parametrize(
    "value, expected", [(10.0, 10), (np.int64(12), 12), (np.float64(14.0), 14)]
)
def test_whole_number_floats_and_numpy_ints_are_accepted_as_ints(value, expected):
    model = NetworkingModel(n_agents=value, mean_degree=4)
    assert model.params["n_agents"] == expected
    assert isinstance(model.params["n_agents"], int)
    assert len(model.agents) == expected


def test_numpy_floats_and_bools_are_accepted():
    model = NetworkingModel(
        n_agents=20, mean_degree=4, broadcaster_share=np.float32(0.5), muting=np.True_
    )
    assert model.params["broadcaster_share"] == 0.5
    assert model.params["muting"] is True


@pytest.mark.parametrize("network", list(NETWORKS))
def test_every_network_name_is_accepted(network):
    model = NetworkingModel(network=network, n_agents=30, mean_degree=4)
    assert model.params["network"] == network


@pytest.mark.parametrize(
    "rng", [None, 0, 7, np.int64(3), 2**64, np.random.default_rng(5), np.random.SeedSequence(9)]
)
def test_valid_rng_values_are_accepted(rng):
    model = NetworkingModel(rng=rng, n_agents=20, mean_degree=4)
    model.step()


def test_validation_errors_do_not_depend_on_argument_order():
    a = refuse(n_agents=10, mean_degree=10)
    b = refuse(mean_degree=10, n_agents=10)
    assert (a.field, str(a)) == (b.field, str(b))


def test_nan_is_never_silently_accepted():
    for name, p in PARAMETERS.items():
        if p.kind in ("int", "float"):
            err = refuse(**{name: math.nan})
            assert err.field == name


@pytest.mark.parametrize(
    "kw, field",
    [
        (dict(n_agents=200, n_communities=50, mean_degree=10), "mean_degree"),
        (dict(n_agents=50, n_communities=50, mean_degree=2), "mean_degree"),
        (dict(n_agents=100, n_communities=2, mean_degree=99, community_mixing=0.1), "mean_degree"),
        (
            dict(n_agents=40, n_communities=2, mean_degree=30, community_mixing=1.0),
            "community_mixing",
        ),
    ],
)
def test_communities_that_cannot_hold_their_ties_are_refused(kw, field):
    with pytest.raises(ParameterError) as err:
        NetworkingModel(rng=0, network="communities", **kw)
    assert err.value.field == field


def test_a_parameter_error_keeps_its_field_across_processes():
    """Sweeps raise it in worker processes: it must arrive whole, field included, so that
    callers choose what to do by the field, not by reading the message."""
    import pickle

    from sim import ParameterError

    err = pickle.loads(pickle.dumps(ParameterError("broadcaster_strategy", "unknown strategy")))
    assert isinstance(err, ParameterError)
    assert err.field == "broadcaster_strategy"
    assert str(err) == "broadcaster_strategy: unknown strategy"

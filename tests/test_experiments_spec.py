"""Experiment specs (experiments/spec.py, format in docs/experiments.md): every mistake is
refused with the path of the field at fault; grids, Latin hypercubes and Sobol designs are
laid out as documented; --quick applies the [quick] table; every run has its own seed."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from SALib.sample import sobol

from experiments import SpecError, load_spec, parse_spec
from experiments.spec import run_seed
from sim import PARAMETERS, reporter_names

BASE = """
name = "tiny"
title = "A tiny sweep"
question = "Does it run?"
seed = 7
steps = 20
replicates = 2

[fixed]
n_agents = 40

[vary]
habituation = { from = 0.0, to = 0.5, num = 6 }
broadcaster_share = [0.1, 0.3, 0.5, 0.7]

[output]
every = 5
reporters = ["faded_broadcasters", "attention_to_broadcasters"]

[quick]
replicates = 1
steps = 8
fixed = { n_agents = 30 }
vary = { habituation = [0.0, 0.5] }

[report]
kind = "heatmap"
x = "habituation"
y = "broadcaster_share"
outcomes = ["faded_broadcasters", "time_to_half_faded"]
"""


def spec_text(replace: dict[str, str] | None = None, append: str = "") -> str:
    text = BASE
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text + append


def refused(text: str, quick: bool = False) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec(text, quick=quick)
    assert isinstance(info.value, ValueError)
    return info.value


def test_the_base_spec_is_accepted():
    spec = parse_spec(spec_text())
    assert (spec.name, spec.title, spec.seed, spec.steps, spec.replicates) == (
        "tiny",
        "A tiny sweep",
        7,
        20,
        2,
    )
    assert spec.fixed == {"n_agents": 40}
    assert spec.vary["habituation"] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert spec.method == "grid" and spec.n is None
    assert (spec.n_points, spec.n_runs) == (24, 48)
    assert spec.every == 5
    assert spec.reporters == ["faded_broadcasters", "attention_to_broadcasters"]
    assert spec.report["kind"] == "heatmap"


def test_the_examples_in_the_docs_are_the_messages():
    err = refused(spec_text({"to = 0.5, num = 6": "to = 1.5, num = 6"}))
    assert str(err) == "vary.habituation.to: must be a number from 0 to 1 (got 1.5)"
    err = refused(
        spec_text({'reporters = ["faded_broadcasters"': 'reporters = ["fade_broadcasters"'})
    )
    assert str(err) == (
        "output.reporters: unknown reporter 'fade_broadcasters'; did you mean 'faded_broadcasters'?"
    )


# (change to the base spec, field named, words the message must contain)
BAD = [
    ({"replicates = 2\n": "replicate = 2\n"}, "replicate", ["did you mean 'replicates'"]),
    ({'name = "tiny"': 'name = "tiny sweep"'}, "name", ["letters, digits and _"]),
    ({'name = "tiny"\n': ""}, "name", ["missing"]),
    ({"seed = 7": "seed = -1"}, "seed", ["whole number", "-1"]),
    ({"seed = 7": 'seed = "7"'}, "seed", ["whole number"]),
    ({"steps = 20": "steps = 0"}, "steps", ["whole number from 1"]),
    ({"replicates = 2\n": "replicates = 2.5\n"}, "replicates", ["whole number", "2.5"]),
    ({'title = "A tiny sweep"': "title = 3"}, "title", ["text"]),
    (
        {"n_agents = 40\n": "n_agents = 1\n"},
        "fixed.n_agents",
        ["whole number from 2 to 200000", "got 1"],
    ),
    ({"n_agents = 40\n": "n_agent = 40\n"}, "fixed.n_agent", ["did you mean 'n_agents'"]),
    ({"n_agents = 40\n": "graph = 1\n"}, "fixed.graph", ["network"]),
    (
        {"n_agents = 40\n": "habituation = 0.2\n"},
        "fixed.habituation",
        ["also in [vary]", "either fixed or varied"],
    ),
    (
        {"habituation = { from = 0.0, to = 0.5, num = 6 }\n": "habituaton = [0.1]\n"},
        "vary.habituaton",
        ["did you mean 'habituation'"],
    ),
    (
        {"from = 0.0, to = 0.5, num = 6": "from = 0.0, to = 0.5, nm = 6"},
        "vary.habituation.nm",
        ["did you mean 'num'"],
    ),
    (
        {"from = 0.0, to = 0.5, num = 6": "from = 0.0, to = 0.5"},
        "vary.habituation",
        ["exactly one of num", "step"],
    ),
    (
        {"from = 0.0, to = 0.5, num = 6": "from = 0.5, to = 0.0, num = 6"},
        "vary.habituation.to",
        ["larger than from"],
    ),
    ({"from = 0.0, to = 0.5, num = 6": "to = 0.5, num = 6"}, "vary.habituation.from", ["missing"]),
    (
        {"from = 0.0, to = 0.5, num = 6": "from = 0.0, to = 0.5, num = 1"},
        "vary.habituation.num",
        ["from 2"],
    ),
    (
        {"from = 0.0, to = 0.5, num = 6": "from = 0.0, to = 0.5, step = -0.1"},
        "vary.habituation.step",
        ["above 0"],
    ),
    (
        {"[0.1, 0.3, 0.5, 0.7]": "[0.1, 0.3, 1.5]"},
        "vary.broadcaster_share[2]",
        ["from 0 to 1", "1.5"],
    ),
    ({"[0.1, 0.3, 0.5, 0.7]": "[0.1, 0.3, 0.1]"}, "vary.broadcaster_share", ["twice"]),
    ({"[0.1, 0.3, 0.5, 0.7]": "[]"}, "vary.broadcaster_share", ["empty"]),
    ({"[0.1, 0.3, 0.5, 0.7]": "0.3"}, "vary.broadcaster_share", ["list of values", "range"]),
    ({"[0.1, 0.3, 0.5, 0.7]": '["0.1"]'}, "vary.broadcaster_share[0]", ["number"]),
    (
        {"broadcaster_share = [0.1, 0.3, 0.5, 0.7]": 'network = ["ring", "rng"]'},
        "vary.network[1]",
        ["did you mean 'ring'"],
    ),
    (
        {"broadcaster_share = [0.1, 0.3, 0.5, 0.7]": "network = { from = 0, to = 1, num = 2 }"},
        "vary.network",
        ["numeric", "list"],
    ),
    (
        {"broadcaster_share = [0.1, 0.3, 0.5, 0.7]": "mean_degree = { from = 2, to = 9, num = 3 }"},
        "vary.mean_degree.num",
        ["whole numbers"],
    ),
    (
        {
            "broadcaster_share = [0.1, 0.3, 0.5, 0.7]": (
                "mean_degree = { from = 2, to = 8, step = 1.5 }"
            )
        },
        "vary.mean_degree.step",
        ["whole number"],
    ),
    ({"every = 5": "every = 0"}, "output.every", ["whole number from 1"]),
    ({"every = 5": "evry = 5"}, "output.evry", ["did you mean 'every'"]),
    (
        {'reporters = ["faded_broadcasters", "attention_to_broadcasters"]': "reporters = []"},
        "output.reporters",
        ["at least one"],
    ),
    ({'kind = "heatmap"': 'kind = "heatmop"'}, "report.kind", ["did you mean 'heatmap'"]),
    ({'x = "habituation"': 'x = "habituatio"'}, "report.x", ["did you mean 'habituation'"]),
    (
        {'"time_to_half_faded"]': '"trust_in_interactors"]'},
        "report.outcomes",
        ["not kept", "output.reporters"],
    ),
    ({'kind = "heatmap"': 'kind = "heatmap"\ncolour = "red"'}, "report.colour", ["unknown key"]),
    ({"replicates = 1\n": "replicatess = 1\n"}, "quick.replicatess", ["did you mean 'replicates'"]),
]


@pytest.mark.parametrize("change, field, words", BAD, ids=[b[1] for b in BAD])
def test_a_bad_field_is_named(change, field, words):
    err = refused(spec_text(change))
    assert err.field == field
    assert str(err).startswith(field + ": ")
    for word in words:
        assert word in str(err), (str(err), word)


def test_unknown_sections_and_keys_at_every_level():
    assert refused(spec_text(append="\n[sampel]\nn = 3\n")).field == "sampel"
    assert (
        refused(spec_text(append="\n[sample]\nmethod = 'grid'\nsize = 3\n")).field == "sample.size"
    )
    err = refused(spec_text(append="\n[sample]\nmethod = 'sobl'\n"))
    assert err.field == "sample.method" and "did you mean 'sobol'" in str(err)


def test_empty_sweep():
    text = spec_text(
        {
            "habituation = { from = 0.0, to = 0.5, num = 6 }\n": "",
            "broadcaster_share = [0.1, 0.3, 0.5, 0.7]\n": "",
            "vary = { habituation = [0.0, 0.5] }\n": "",
        }
    )
    err = refused(text)
    assert err.field == "vary" and "empty sweep" in str(err)


def test_a_combination_the_model_refuses_names_the_field_and_the_point():
    err = refused(
        spec_text(
            {
                "broadcaster_share = [0.1, 0.3, 0.5, 0.7]": "mean_degree = [4, 40]",
                'y = "broadcaster_share"': "",
            }
        )
    )
    assert err.field == "vary.mean_degree"
    assert "point 1" in str(err) and "smaller than n_agents (40)" in str(err)
    err = refused(spec_text({"n_agents = 40\n": "n_agents = 10\nmean_degree = 30\n"}))
    assert err.field == "fixed.mean_degree"


def test_quick_table_mistakes_are_named():
    err = refused(
        spec_text({"vary = { habituation = [0.0, 0.5] }": "vary = { recovery = [0.0, 0.5] }"})
    )
    assert err.field == "quick.vary.recovery" and "not in [vary]" in str(err)
    err = refused(spec_text({"fixed = { n_agents = 30 }": "fixed = { n_agents = 1 }"}))
    assert err.field == "quick.fixed.n_agents"
    err = refused(spec_text({"fixed = { n_agents = 30 }": "fixed = { habituation = 0.1 }"}))
    assert err.field == "quick.fixed.habituation" and "also in [vary]" in str(err)


def test_not_toml_and_missing_file(tmp_path):
    assert "not valid TOML" in str(refused("name = \n"))
    with pytest.raises(SpecError, match="cannot read the spec"):
        load_spec(tmp_path / "nothing.toml")


# -- lhs and sobol --------------------------------------------------------------------------------
SAMPLED = """
name = "sampled"
seed = 11
steps = 10
replicates = 1
[fixed]
n_agents = 50
[vary]
habituation = { from = 0.05, to = 0.45 }
mean_degree = { from = 4, to = 12 }
[sample]
method = "METHOD"
n = 16
[quick]
sample = { n = 4 }
"""


@pytest.mark.parametrize("method", ["lhs", "sobol"])
def test_sampled_points_stay_in_their_ranges(method):
    spec = parse_spec(SAMPLED.replace("METHOD", method))
    points = spec.points()
    assert len(points) == (16 if method == "lhs" else 16 * (2 + 2))
    h = np.array([p["habituation"] for p in points])
    k = [p["mean_degree"] for p in points]
    assert h.min() >= 0.05 and h.max() <= 0.45
    assert all(isinstance(x, int) and 4 <= x <= 12 for x in k)
    assert len(set(k)) > 4  # the whole numbers are spread over the range
    assert all(p["n_agents"] == 50 for p in points)
    assert spec.problem() == {
        "num_vars": 2,
        "names": ["habituation", "mean_degree"],
        "bounds": [[0.05, 0.45], [4.0, 12.0]],
    }
    again = parse_spec(SAMPLED.replace("METHOD", method))
    assert again.points() == points  # seeded by the spec's seed
    other = parse_spec(SAMPLED.replace("METHOD", method).replace("seed = 11", "seed = 12"))
    assert other.points() != points


def test_lhs_puts_one_point_in_each_stratum():
    spec = parse_spec(SAMPLED.replace("METHOD", "lhs"))
    h = np.array([p["habituation"] for p in spec.points()])
    strata = np.floor((h - 0.05) / 0.4 * 16).astype(int)
    assert sorted(strata) == list(range(16))


def test_sobol_is_salibs_saltelli_design_in_its_row_order():
    spec = parse_spec(SAMPLED.replace("METHOD", "sobol"))
    problem = {
        "num_vars": 2,
        "names": ["habituation", "mean_degree"],
        "bounds": [[0.05, 0.45], [3.5, 12.5]],
    }  # whole numbers: +-1/2, then rounded
    expected = sobol.sample(problem, 16, calc_second_order=False, seed=11)
    points = spec.points()
    assert [p["habituation"] for p in points] == pytest.approx(expected[:, 0].tolist())
    assert [p["mean_degree"] for p in points] == np.clip(
        np.floor(expected[:, 1] + 0.5), 4, 12
    ).astype(int).tolist()
    assert (spec.method, spec.n) == ("sobol", 16)


def test_sampled_methods_need_numeric_ranges_and_n():
    text = SAMPLED.replace("METHOD", "lhs")
    sobol_text = SAMPLED.replace("METHOD", "sobol")
    err = refused(sobol_text.replace("mean_degree = { from = 4, to = 12 }", "mean_degree = [4, 8]"))
    assert err.field == "vary.mean_degree" and "{from = ..., to = ...}" in str(err)
    assert "only lhs draws from" in str(err)
    err = refused(
        text.replace("mean_degree = { from = 4, to = 12 }", "network = { from = 0, to = 1 }")
    )
    assert err.field == "vary.network" and "numeric" in str(err)
    err = refused(
        text.replace(
            "mean_degree = { from = 4, to = 12 }", "mean_degree = { from = 4, to = 12, num = 3 }"
        )
    )
    assert err.field == "vary.mean_degree.num"
    assert refused(text.replace("n = 16\n", "")).field == "sample.n"
    err = refused(SAMPLED.replace("METHOD", "sobol").replace("n = 16", "n = 12"))
    assert err.field == "sample.n" and "power of 2" in str(err) and "8 or 16" in str(err)
    err = refused(
        SAMPLED.replace("METHOD", "sobol").replace("sample = { n = 4 }", "sample = { n = 3 }")
    )
    assert err.field == "quick.sample.n"
    err = refused(spec_text(append="\n[sample]\nn = 4\n"))
    assert err.field == "sample.n" and "only lhs and sobol" in str(err)
    err = refused(text.replace("to = 0.45", "to = 1.45"))
    assert err.field == "vary.habituation.to"


def test_lhs_draws_a_list_as_a_category_in_equal_shares():
    text = SAMPLED.replace("METHOD", "lhs").replace("n = 16", "n = 30")
    text = text.replace(
        "mean_degree = { from = 4, to = 12 }",
        'mean_degree = { from = 4, to = 12 }\nnetwork = ["ring", "complete", "erdos_renyi"]\n'
        "muting = [true, false]",
    )
    spec = parse_spec(text)
    points = spec.points()
    networks = Counter(p["network"] for p in points)
    assert networks == {"ring": 10, "complete": 10, "erdos_renyi": 10}
    assert Counter(p["muting"] for p in points) == {True: 15, False: 15}
    assert all(isinstance(p["muting"], bool) for p in points)
    # the numeric columns keep one point per stratum beside the categories
    h = np.array([p["habituation"] for p in points])
    assert sorted(np.floor((h - 0.05) / 0.4 * 30).astype(int)) == list(range(30))
    assert parse_spec(text).points() == points
    assert parse_spec(text.replace("seed = 11", "seed = 12")).points() != points
    with pytest.raises(ValueError, match="categories"):
        spec.problem()
    err = refused(text.replace('"erdos_renyi"]', '"erdos_renyi", "moon"]'))
    assert err.field == "vary.network[3]" and "'moon'" in str(err)
    err = refused(text.replace('"erdos_renyi"]', '"erdos_renyi", "ring"]'))
    assert err.field == "vary.network" and "twice" in str(err)


def test_a_sampled_point_the_model_refuses_is_named():
    text = SAMPLED.replace("METHOD", "lhs").replace("n_agents = 50", "n_agents = 8")
    err = refused(text)
    assert err.field == "vary.mean_degree" and "the model refuses point" in str(err)


# -- grids ------------------------------------------------------------------------------------
def test_grid_order_follows_the_vary_table_last_entry_fastest():
    spec = parse_spec(spec_text())
    expected = list(itertools.product([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.1, 0.3, 0.5, 0.7]))
    got = [(p["habituation"], p["broadcaster_share"]) for p in spec.points()]
    assert got == expected
    swapped = parse_spec(
        spec_text(
            {
                "habituation = { from = 0.0, to = 0.5, num = 6 }\nbroadcaster_share = "
                "[0.1, 0.3, 0.5, 0.7]": "broadcaster_share = [0.1, 0.3, 0.5, 0.7]\n"
                "habituation = { from = 0.0, to = 0.5, num = 6 }"
            }
        )
    )
    assert [(p["broadcaster_share"], p["habituation"]) for p in swapped.points()] == [
        (b, a) for b, a in itertools.product([0.1, 0.3, 0.5, 0.7], [0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    ]


def test_points_are_full_parameter_dicts_with_defaults():
    spec = parse_spec(spec_text())
    for point in spec.points():
        assert set(point) == {name for name, p in PARAMETERS.items() if p.kind != "graph"}
        assert point["n_agents"] == 40
        assert point["recovery"] == PARAMETERS["recovery"].default


@pytest.mark.parametrize(
    "entry, values",
    [
        ("{ from = 100, to = 1000, step = 300 }", [100, 400, 700, 1000]),
        ("{ from = 100, to = 900, step = 300 }", [100, 400, 700]),
        ("{ from = 2, to = 10, num = 5 }", [2, 4, 6, 8, 10]),
    ],
)
def test_whole_number_ranges(entry, values):
    spec = parse_spec(f"""
name = "sizes"
seed = 1
steps = 5
replicates = 1
[fixed]
network = "erdos_renyi"
mean_degree = 1
[vary]
n_agents = {entry}
""")
    assert spec.vary["n_agents"] == values
    assert all(isinstance(v, int) for v in values)


def test_number_ranges_have_no_rounding_dust():
    spec = parse_spec(
        spec_text({"from = 0.0, to = 0.5, num = 6": "from = 0.1, to = 0.5, step = 0.15"})
    )
    assert spec.vary["habituation"] == [0.1, 0.25, 0.4]
    spec = parse_spec(
        spec_text({"from = 0.0, to = 0.5, num = 6": "from = 0.0, to = 0.9, step = 0.1"})
    )
    assert spec.vary["habituation"] == [round(0.1 * i, 10) for i in range(10)]


def test_lists_of_any_kind_and_reporters_default_to_all():
    spec = parse_spec(
        spec_text(
            {
                "broadcaster_share = [0.1, 0.3, 0.5, 0.7]": (
                    'network = ["ring", "erdos_renyi"]\nhabituation_on = [true, false]'
                ),
                'reporters = ["faded_broadcasters", "attention_to_broadcasters"]\n': "",
                '"time_to_half_faded"]': '"trust_in_interactors"]',
                'y = "broadcaster_share"': "",
            }
        )
    )
    assert spec.vary["network"] == ["ring", "erdos_renyi"]
    assert spec.vary["habituation_on"] == [True, False]
    assert spec.n_points == 6 * 2 * 2
    assert spec.reporters == reporter_names()


# -- quick --------------------------------------------------------------------------------------
def test_quick_applies_the_quick_table(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(spec_text())
    full, quick = load_spec(path), load_spec(path, quick=True)
    assert (quick.steps, quick.replicates) == (8, 1)
    assert quick.fixed == {"n_agents": 30}
    assert quick.vary == {"habituation": [0.0, 0.5], "broadcaster_share": [0.1, 0.3, 0.5, 0.7]}
    assert quick.n_runs == 8 and full.n_runs == 48
    assert str(quick.default_folder()) == "results/tiny-quick"
    assert str(full.default_folder()) == "results/tiny"
    # the spec as run, written for the results folder, loads back as the same spec
    copy = tmp_path / "copy.toml"
    copy.write_text(quick.effective_toml())
    again = load_spec(copy)
    assert again.quick and again.differences(quick) == []
    assert again.identity() == quick.identity() and again.title == quick.title
    assert full.effective_toml() == spec_text()
    assert full.differences(quick) != []


def test_quick_sample_size(tmp_path):
    spec = parse_spec(SAMPLED.replace("METHOD", "sobol"), quick=True)
    assert spec.n == 4 and spec.n_points == 4 * 4


def test_quick_without_a_quick_table_is_the_full_spec():
    text = spec_text().split("[quick]")[0]
    quick = parse_spec(text, quick=True)
    assert quick.quick and quick.identity() == parse_spec(text).identity()


# -- runs and seeds -------------------------------------------------------------------------------
def test_runs_are_numbered_by_point_then_replicate_with_their_own_seeds():
    spec = parse_spec(spec_text())
    runs = spec.runs()
    assert len(runs) == spec.n_runs == 48
    assert [(r.point, r.replicate) for r in runs[:3]] == [(0, 0), (0, 1), (1, 0)]
    assert runs[15].run_id == "p0007-r01"
    for run in runs:
        expected = int(
            np.random.SeedSequence(7, spawn_key=(run.point, run.replicate)).generate_state(1)[0]
        )
        assert run.seed == expected == run_seed(7, run.point, run.replicate)
        assert 0 <= run.seed < 2**32
        assert run.params == spec.points()[run.point]
    assert len({r.seed for r in runs}) == len(runs)
    other = parse_spec(spec_text({"seed = 7": "seed = 8"}))
    assert [r.seed for r in other.runs()] != [r.seed for r in runs]


def test_a_runs_seed_does_not_depend_on_the_rest_of_the_sweep():
    small = parse_spec(spec_text({"[0.1, 0.3, 0.5, 0.7]": "[0.1]"}))
    big = parse_spec(spec_text())
    assert small.runs()[0].seed == big.runs()[0].seed

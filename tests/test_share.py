"""The shareable link (classroom.share) and the text form of parameter values it rests on
(``Param.from_text`` / ``Param.to_text``)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classroom.limits import APP_LIMITS
from classroom.scenarios import SCENARIOS
from classroom.share import ECHO, MAX_SHOWN, UNREADABLE, Setup, from_query, to_query
from sim import PARAMETERS, ParameterError
from sim.params import from_text, validate
from tests.test_invariants import declared

TEXTUAL = [name for name, p in PARAMETERS.items() if p.kind != "graph"]


@pytest.mark.parametrize("name", TEXTUAL)
def test_every_parameter_survives_the_trip_through_text(name):
    p = PARAMETERS[name]
    for value in [p.low, p.high, p.default] if p.kind in ("int", "float") else [p.default]:
        assert p.from_text(p.to_text(p.check(value))) == p.check(value)


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_any_declared_value_survives_the_trip_through_text(data):
    name = data.draw(st.sampled_from(TEXTUAL))
    p = PARAMETERS[name]
    value = p.check(data.draw(declared(p)))
    assert p.from_text(p.to_text(value)) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1", True),
        ("on", True),
        ("TRUE", True),
        (" yes ", True),
        ("0", False),
        ("off", False),
        ("False", False),
        ("no", False),
    ],
)
def test_yes_and_no_may_be_written_several_ways(text, expected):
    assert from_text("habituation_on", text) is expected


@pytest.mark.parametrize(
    "name, text, words",
    [
        ("habituation_on", "maybe", "True or False"),
        ("broadcaster_share", "half", "a number from 0 to 1"),
        ("broadcaster_share", "1.5", "a number from 0 to 1"),
        ("n_agents", "10.5", "a whole number"),
        ("network", "smallworld", "one of"),
        ("graph", "karate.csv", "cannot be given as text"),
        ("habituaton_on", "1", "did you mean 'habituation_on'"),
    ],
)
def test_unreadable_text_is_refused_naming_the_parameter(name, text, words):
    with pytest.raises(ParameterError) as err:
        from_text(name, text)
    assert err.value.field == name and words in str(err.value)


# -- the link ---------------------------------------------------------------------------------
def test_the_default_setup_is_the_bare_address():
    assert to_query(Setup()) == ""
    setup, problems = from_query("")
    assert problems == [] and setup == Setup()


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_scenario_is_one_word_in_the_link(scenario):
    setup = Setup(
        scenario=scenario, params=SCENARIOS[scenario].parameters(), seed=SCENARIOS[scenario].seed
    )
    query = to_query(setup)
    assert query == ("" if scenario == "default" else f"scenario={scenario}")
    assert from_query(query) == (setup, [])


def app_values(p):
    """Values the app's controls can set (its narrower ranges included)."""
    if p.name in APP_LIMITS:
        low, high = APP_LIMITS[p.name]
        return (
            st.integers(int(low), int(high))
            if p.kind == "int"
            else st.floats(low, high, allow_nan=False)
        )
    return declared(p)


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_any_setup_the_page_can_make_comes_back_from_its_link(data):
    scenario = data.draw(st.sampled_from(list(SCENARIOS)))
    live = [n for n in TEXTUAL if PARAMETERS[n].live]  # any mix of these stays valid
    changes = data.draw(st.dictionaries(st.sampled_from(live), st.none(), max_size=6))
    params = dict(SCENARIOS[scenario].parameters())
    for name in changes:
        params[name] = PARAMETERS[name].check(data.draw(app_values(PARAMETERS[name])))
    params = validate(params)
    compare = None
    if data.draw(st.booleans()):
        compare = dict(params)
        for name in data.draw(st.lists(st.sampled_from(live), max_size=3)):
            compare[name] = PARAMETERS[name].check(data.draw(app_values(PARAMETERS[name])))
    setup = Setup(
        scenario, params, data.draw(st.integers(0, 2**32 - 1)), data.draw(st.booleans()), compare
    )
    again, problems = from_query(to_query(setup))
    assert problems == []
    assert again == setup


def test_a_link_lists_only_what_differs_from_its_scenario():
    params = {**SCENARIOS["coffee"].parameters(), "habituation_on": False}
    query = to_query(Setup("coffee", params, seed=4))
    assert query == "scenario=coffee&seed=4&habituation_on=0"


def test_run_b_lists_only_what_differs_from_run_a():
    a = SCENARIOS["default"].parameters()
    b = {**a, "muting": True, "cold_reach": 3}
    query = to_query(Setup(params=a, compare=b))
    assert query == "compare=1&b.muting=1&b.cold_reach=3"


@pytest.mark.parametrize(
    "query, field",
    [
        ("scenario=nope", "scenario"),
        ("seed=-1", "seed"),
        ("seed=abc", "seed"),
        ("projector=sometimes", "projector"),
        ("bogus=1", "bogus"),
        ("broadcaster_share=2", "broadcaster_share"),
        ("n_agents=200000", "n_agents"),
        ("b.muting=1", "b.muting"),
        ("compare=1&b.muting=perhaps", "b.muting"),
        ("seed=1&seed=2", "seed"),
    ],
)
def test_a_bad_part_of_a_link_is_ignored_and_named(query, field):
    setup, problems = from_query(query)
    assert any(problem.startswith(field) for problem in problems), problems
    assert setup.params == validate(setup.params)  # what remains is a valid setup


def test_settings_that_do_not_fit_together_fall_back_to_the_scenario():
    setup, problems = from_query("n_agents=10&mean_degree=30")
    assert setup.params == SCENARIOS["default"].parameters()
    assert problems and "not used" in problems[-1]


# -- hostile and careless links ---------------------------------------------------------------
@pytest.mark.parametrize("query", ["seed=%C2%B2", "seed=%D9%A3", "seed=" + "7" * 5000])
def test_a_seed_that_only_looks_like_a_number_is_a_message_not_a_crash(query):
    setup, problems = from_query(query)
    assert setup.seed == Setup().seed
    assert len(problems) == 1 and problems[0].startswith("seed: must be a whole number")
    assert len(problems[0]) < 200


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_no_link_makes_the_reader_raise(query):
    setup, problems = from_query(query)
    assert setup.params == validate(setup.params)
    assert len(problems) <= MAX_SHOWN + 3  # the named parts, the count, two verdicts


def test_a_failure_while_reading_goes_to_the_log_and_the_page_gets_a_plain_message(
    monkeypatch, caplog
):
    def broken(search):
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr("classroom.share._read", broken)
    setup, problems = from_query("seed=3")
    assert setup == Setup() and problems == [UNREADABLE]
    assert "a bug in the reader" in caplog.text  # the details, for the server's log only


def test_thousands_of_unknown_parameters_are_summarised_quickly():
    query = "&".join(f"unknown{i}=1" for i in range(5000))
    start = time.perf_counter()
    setup, problems = from_query(query)
    assert time.perf_counter() - start < 1.0
    assert setup == Setup()
    assert len(problems) == MAX_SHOWN + 1
    assert problems[-1].startswith("and 4,995 more")
    assert len("".join(problems)) < 2000


def test_a_long_value_or_name_is_echoed_cut_short_and_escaped():
    value, name = "9" * 100_000, "x" * 100_000
    _, problems = from_query(f"n_agents={value}&{name}=1&scenario=a%0Ab{'c' * 100}")
    assert len(problems) == 3 and all(len(p) < 300 for p in problems), problems
    scenario, too_long, unknown = problems
    assert (
        too_long.startswith("n_agents: 100,000 characters") and "9" * (ECHO - 1) + "…" in too_long
    )
    assert unknown.startswith("x" * (ECHO - 1) + "…: unknown parameter")
    assert "'a\\nb" in scenario and "\n" not in scenario  # a newline is shown escaped


def test_many_run_b_settings_without_compare_are_named_only_in_part():
    _, problems = from_query("&".join(f"b.unknown{i}=1" for i in range(1000)))
    assert problems == [
        "b.unknown0, b.unknown1, b.unknown2, b.unknown3, b.unknown4, and 995 more: "
        "run B's settings need compare=1; ignored"
    ]


def test_a_few_unknown_parameters_still_get_a_suggestion_each():
    _, problems = from_query("habituaton_on=1&mutting=1")
    assert problems == [
        "habituaton_on: unknown parameter; did you mean 'habituation_on'?; ignored",
        "mutting: unknown parameter; did you mean 'muting'?; ignored",
    ]

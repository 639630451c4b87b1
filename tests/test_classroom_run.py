"""The app's run logic, without a browser: frames, story line, inspector, exports, layout."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest

from classroom.layout import layout_for
from classroom.run import CHARTS, GROUP_CODES, ClassroomRun
from sim import ParameterError
from sim.params import defaults, validate


@pytest.fixture(scope="module")
def run60():
    run = ClassroomRun(params=defaults(), seed=1)
    run.step(60)
    return run


def test_frame_has_one_value_per_person_and_tie(run60):
    frame = run60.frame()
    n = run60.model.world.n
    assert frame.opacity.shape == (n,) and frame.groups.shape == (n,)
    assert frame.edge_strength.shape == (len(run60.edges),)
    assert np.all((frame.opacity >= 0) & (frame.opacity <= 1))
    assert np.all((frame.edge_strength >= 0) & (frame.edge_strength <= 1))


def test_broadcasters_dots_fade_and_interactors_do_not():
    run = ClassroomRun(params=defaults(), seed=2)
    start = run.frame()
    run.step(40)
    end = run.frame()
    b = start.groups == GROUP_CODES["broadcasters"]
    assert start.opacity[b].mean() == pytest.approx(1.0)
    assert end.opacity[b].mean() < 0.25
    assert end.opacity[~b].mean() > 0.7


def test_story_line_tells_the_run_in_order(run60):
    events = run60.story()
    texts = " ".join(e.text for e in events)
    assert "first broadcasters fade" in texts and "ignore them" in texts
    assert [e.step for e in events] == sorted(e.step for e in events)
    fade = next(e for e in events if "first broadcasters fade" in e.text)
    df = run60.table()
    first = int(df.index[df["faded_broadcasters"] > 0][0])
    assert fade.step == df.loc[first, "step"]


def test_story_is_silent_when_the_audience_is_captive():
    run = ClassroomRun(params={**defaults(), "habituation_on": False}, seed=1)
    run.step(60)
    assert not any("fade" in e.text for e in run.story())


def test_latest_has_every_chart_and_group(run60):
    latest = run60.latest()
    assert set(latest) == {c[0] for c in CHARTS}
    for values in latest.values():
        assert set(values) >= {"broadcasters", "interactors"}
    df = run60.table()
    assert latest["attention"]["broadcasters"] == pytest.approx(
        df["attention_to_broadcasters"].iloc[-1]
    )


def test_inspector_has_numbers_and_history(run60):
    info = run60.inspect(3)
    assert info["label"] == "3" and info["strategy"] in ("interrupt", "interact")
    assert len(info["history_steps"]) == 61
    assert len(info["history"]["attention_received"]) == 61
    person = run60.model.people[3]
    assert info["history"]["attention_received"][-1] == pytest.approx(person.attention_received)
    assert "won over" in run60.hover_text(3)


def test_csv_export_is_the_reporter_table(run60):
    df = pd.read_csv(io.BytesIO(run60.csv()))
    assert len(df) == 61 and "attention_to_broadcasters" in df.columns
    assert df["step"].tolist() == list(range(61))


def test_live_parameters_apply_mid_run_and_structural_ones_do_not():
    run = ClassroomRun(params=defaults(), seed=1)
    run.set_parameter("habituation", 0.5)
    assert run.model.params["habituation"] == 0.5 and run.params["habituation"] == 0.5
    with pytest.raises(ParameterError) as err:
        run.set_parameter("n_agents", 50)
    assert err.value.field == "n_agents"


def test_layout_is_seeded_cached_and_normalised():
    run = ClassroomRun(params={**defaults(), "network": "barabasi_albert"}, seed=4)
    again = layout_for(run.params, 4, run.model.world.n, run.edges)
    assert again is run.positions  # cached: the very same array
    assert run.positions.min() >= 0 and run.positions.max() <= 1
    other = ClassroomRun(params={**defaults(), "network": "barabasi_albert"}, seed=5)
    assert not np.allclose(other.positions, run.positions)


def test_every_scenario_is_valid_and_runs():
    from classroom.scenarios import SCENARIOS

    assert len(SCENARIOS) >= 5
    for scenario in SCENARIOS.values():
        run = ClassroomRun(params=scenario.parameters(), seed=scenario.seed)
        run.step(5)
        assert run.steps == 5
        for name, value in scenario.settings.items():
            assert run.model.params[name] == value


def test_the_captive_audience_story_differs_from_the_default():
    from classroom.scenarios import SCENARIOS

    outcomes = {}
    for name in ("default", "captive"):
        run = ClassroomRun(params=SCENARIOS[name].parameters(), seed=0)
        run.step(40)
        outcomes[name] = run.latest()["faded"]["broadcasters"]
    assert outcomes["default"] > 0.8 and outcomes["captive"] < 0.1


def test_the_fast_spring_layout_moves_nodes_as_networkx_does():
    """classroom.layout.spring is NetworkX's Fruchterman-Reingold step (the dense one it uses
    below 500 nodes), in blocks: from the same start, the same positions."""
    import networkx as nx
    from networkx.drawing.layout import _fruchterman_reingold

    from classroom.layout import spring

    g = nx.barabasi_albert_graph(300, 3, seed=2)
    start = np.random.default_rng(5).random((300, 2))
    adjacency = nx.to_numpy_array(g, nodelist=range(300))
    for iterations, tolerance in ((1, 1e-6), (8, 5e-3)):  # float32 sums drift a little
        ours = spring(start, np.array(g.edges()), iterations=iterations, chunk=64)
        theirs = _fruchterman_reingold(
            adjacency, pos=start.copy(), iterations=iterations, threshold=0.0
        )
        assert np.abs(ours - theirs).max() < tolerance
        assert np.abs(ours - start).max() > 0.05  # and they did move


def test_a_huge_network_draws_a_seeded_sample_of_its_ties():
    from classroom.run import MAX_DRAWN_TIES
    from classroom.session import ties_note

    params = validate({**defaults(), "n_agents": 300, "network": "complete"})
    run = ClassroomRun(params=params, seed=3)
    assert len(run.edges) == 300 * 299 // 2 > MAX_DRAWN_TIES
    assert len(run.drawn_edges) == MAX_DRAWN_TIES
    assert (ClassroomRun(params=params, seed=3).drawn_edges == run.drawn_edges).all()
    run.step(2)
    strength = run.frame().edge_strength
    assert strength.shape == (MAX_DRAWN_TIES,)
    w = run.model.world
    a, b = run.drawn_edges[7]
    trust = 0.5 * (w.trust_of(w.ties_between([a], [b])) + w.trust_of(w.ties_between([b], [a])))
    assert strength[7] == pytest.approx(np.clip((trust[0] - 0.5) / 0.45, 0, 1))
    assert (
        ties_note(run) == f"Showing {MAX_DRAWN_TIES:,} of its {len(run.edges):,} ties, "
        "picked at random."
    )


def test_tie_strengths_follow_their_ties_when_introductions_add_new_ones():
    params = validate(
        {
            **defaults(),
            "n_agents": 80,
            "introductions": True,
            "introduction_trust": 0.0,
            "broadcaster_share": 0.0,
        }
    )
    run = ClassroomRun(params=params, seed=1)
    before = run.model.world.n_ties
    run.step(30)
    w = run.model.world
    assert w.n_ties > before  # new ties were made, and the old ones moved in the arrays
    strength = run.frame().edge_strength
    a, b = run.drawn_edges[:, 0], run.drawn_edges[:, 1]
    trust = 0.5 * (w.trust_of(w.ties_between(a, b)) + w.trust_of(w.ties_between(b, a)))
    assert np.allclose(strength, np.clip((trust - 0.5) / 0.45, 0, 1))


def test_with_adaptation_the_charts_follow_people_by_their_starting_group():
    """Once every faded broadcaster has switched, the current-group reporter is NaN; the
    charts follow the people who started as broadcasters instead, so the line goes on."""
    run = ClassroomRun(dict(defaults(), adaptation=True), seed=2)
    run.step(80)
    row = run.model.datacollector.get_model_vars_dataframe().iloc[-1]
    assert math.isnan(row["attention_to_broadcasters"])  # nobody broadcasts any more
    latest = run.latest()
    assert latest["attention"]["broadcasters"] == row["attention_to_broadcasters_by_start"]
    assert 0.0 < latest["attention"]["broadcasters"] <= 1.0
    assert latest["faded"]["broadcasters"] == row["faded_broadcasters"]
    plain = ClassroomRun(dict(defaults()), seed=2)
    plain.step(3)
    assert plain.latest()["trust"]["interactors"] == plain._value("trust_in_interactors")

"""A campaign's end (``campaign_steps``): broadcasters go quiet after so many steps, the
first piece of the staged counter-claim (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

import agents
from sim import NetworkingModel


def frame(model):
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1])
def test_after_the_campaign_broadcasters_only_answer(seed):
    """With nobody to answer (everyone a broadcaster), nothing is sent after step 10; with
    interactors, what broadcasters still send is their answers to openings, each one an
    opening that was made to them."""
    alone = NetworkingModel(rng=seed, n_agents=80, broadcaster_share=1.0, campaign_steps=10)
    alone.run_for(20)
    sent = frame(alone)["sent_broadcasters"]
    assert (sent.iloc[1:11] > 0).all() and (sent.iloc[11:] == 0).all()
    mixed = NetworkingModel(rng=seed, n_agents=80, campaign_steps=10)
    mixed.run_for(20)
    df = frame(mixed)
    assert df["sent_broadcasters"].iloc[11:].max() < 0.5 * df["sent_broadcasters"].iloc[1:11].min()
    # their audience recovers once they are quiet
    att = df["attention_to_broadcasters"]
    assert att.iloc[20] > att.iloc[10]


def test_a_campaign_run_is_one_seeds_run():
    runs = []
    for _ in range(2):
        model = NetworkingModel(rng=7, n_agents=60, campaign_steps=5)
        model.run_for(15)
        runs.append(frame(model))
    assert runs[0].equals(runs[1])
    other = NetworkingModel(rng=7, n_agents=60)
    other.run_for(15)
    assert not frame(other).equals(runs[0])  # the end of the campaign changed the run
    assert frame(other).iloc[:6].equals(runs[0].iloc[:6])  # and nothing before it


@agents.register
class Chatter(agents.PersonStrategy):
    """A strategy without a compiled twin (so the step runs in Python): one pitch a step
    to the first contact, in the broadcasters' family."""

    name = "test_campaign_chatter"
    group = "broadcasters"
    description = "Pitches its first contact each step."
    listed = False

    def choose(self, world, me):
        contacts = world.contacts_of(me)
        if len(contacts) == 0:
            return []
        return [agents.Message(to=int(contacts[0]), topic=float(world.pitch[me]), two_way=False)]


def test_the_campaign_ends_on_the_python_path_too():
    model = NetworkingModel(
        rng=3,
        n_agents=60,
        strategy_mix={"test_campaign_chatter": 1, "interrupt": 1},
        campaign_steps=4,
    )
    model.run_for(8)
    assert model.world._plans() is None  # the Python path
    sent = frame(model)["sent_broadcasters"]
    assert (sent.iloc[1:5] > 0).all() and (sent.iloc[5:] == 0).all()


def test_when_the_campaign_ends_for_everyone_nobody_sends():
    model = NetworkingModel(rng=4, n_agents=60, campaign_steps=6, campaign_quiet="everyone")
    model.run_for(12)
    df = frame(model)
    for family in ("broadcasters", "interactors"):
        sent = df[f"sent_{family}"]
        assert (sent.iloc[1:7] > 0).all() and (sent.iloc[7:] == 0).all(), family


def test_preferred_is_the_contact_with_most_memory_times_attention():
    model = NetworkingModel(rng=2, n_agents=40)
    assert model.preferred() == {"broadcasters": 0.0, "interactors": 0.0, "no one": 1.0}
    model.run_for(12)
    w = model.world
    regard = w.memory * w.attention
    family = w.group_of_people()
    picks = []
    for person in range(w.n):  # the slow way: each person's best contact
        ties = np.flatnonzero(w.dst == person)
        best = ties[np.argmax(regard[ties])] if len(ties) else None
        picks.append(family[w.src[best]] if best is not None and regard[best] > 0 else "no one")
    picks = np.array(picks)
    for audience in (None, "interactors", "broadcasters"):
        shares = model.preferred(audience)
        who = picks if audience is None else picks[family == audience]
        assert sum(shares.values()) == pytest.approx(1.0)
        for name, share in shares.items():
            assert share == pytest.approx(np.mean(who == name)), (audience, name)
    with pytest.raises(ValueError, match="audience"):
        model.preferred("listeners")


def test_the_runner_reads_the_choices_off_each_kept_step(tmp_path):
    from experiments import parse_spec
    from experiments.execute import run_spec
    from experiments.store import read_runs, read_timeseries

    spec = parse_spec(
        """
name = "choices"
seed = 5
steps = 12
replicates = 2
[fixed]
n_agents = 40
campaign_steps = 6
[vary]
campaign_quiet = ["broadcasters", "everyone"]
[output]
every = 4
reporters = ["choice_of_broadcasters", "choice_of_interactors", "sent_broadcasters"]
"""
    )
    run_spec(spec, tmp_path / "c", serial=True)
    ts = read_timeseries(tmp_path / "c")
    assert sorted(ts["step"].unique()) == [0, 4, 8, 12]
    for name in ("choice_of_broadcasters", "choice_of_interactors"):
        assert ts[name].between(0, 1).all()
    # the series is the model's own reading at that step: the same run, stepped here
    last = read_runs(tmp_path / "c").iloc[-1]
    model = NetworkingModel(rng=int(last["seed"]), **spec.points()[int(last["point"])])
    model.run_for(12)
    again = model.preferred("interactors")
    assert last["choice_of_broadcasters"] == pytest.approx(again["broadcasters"])
    assert last["choice_of_interactors"] == pytest.approx(again["interactors"])


def test_the_counter_claim_spec_is_valid_and_one_seed_gives_one_result(tmp_path):
    from pathlib import Path

    from experiments.execute import run_spec
    from experiments.spec import load_spec
    from experiments.store import read_timeseries

    path = Path(__file__).resolve().parents[1] / "experiments" / "counter_claim.toml"
    spec = load_spec(path, quick=True)
    assert spec.fixed["campaign_steps"] > 0 and "campaign_quiet" in spec.varied
    frames = []
    for name in ("one", "two"):
        run_spec(spec, tmp_path / name, serial=True)
        frames.append(read_timeseries(tmp_path / name).drop(columns=["run_id"]))
    assert frames[0].equals(frames[1])
    assert frames[0]["choice_of_broadcasters"].notna().all()

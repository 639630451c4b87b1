"""A campaign's end (``campaign_steps``): broadcasters go quiet after so many steps, the
first piece of the staged counter-claim (issue 17)."""

from __future__ import annotations

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

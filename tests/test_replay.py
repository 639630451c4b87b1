"""Going back in time: the kept frames (classroom.replay) and the session's replay (the
network, the story, the chart cursors, the counter), and the page pausing for it."""

from __future__ import annotations

import ipyvuetify as v
import numpy as np
import pytest
from test_app import click, render, wait_until

from classroom.network_view import pack_messages
from classroom.replay import FrameStore, ReplayBar
from classroom.session import Session
from sim.params import defaults


def _frames(n: int, m: int, steps: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for step in range(steps):
        yield (
            step,
            rng.random(n),
            rng.random(m),
            rng.integers(0, 16, m).astype(np.uint8),
        )


def test_a_kept_frame_comes_back_as_it_was_sent():
    store = FrameStore(n=50, m=81)
    sent = {}
    for step, op, es, msg in _frames(50, 81, 12):
        kept = store.keep(step, op, es, msg)
        sent[step] = (kept.opacity.copy(), kept.edge_strength.copy(), msg)
        # what the view gets is the quantized frame: one byte each, rounded
        assert np.array_equal(kept.opacity, np.rint(op * 255).astype(np.uint8))
    assert store.steps == (0, 11) and len(store) == 12
    for step, (op, es, msg) in sent.items():
        back = store.frame(step)
        assert back.step == step
        assert np.array_equal(back.opacity, op) and np.array_equal(back.edge_strength, es)
        assert np.array_equal(back.messages, msg)


def test_a_step_costs_a_byte_a_person_and_a_byte_and_a_half_a_tie():
    store = FrameStore(n=200, m=1000)
    for step, op, es, msg in _frames(200, 1000, 10):
        store.keep(step, op, es, msg)
    per_step = 200 + 1000 + len(pack_messages(np.ones(1000, np.uint8), 1000, 0))
    assert store.nbytes == 10 * per_step
    quiet = FrameStore(n=200, m=1000)  # a step without messages keeps none
    quiet.keep(0, np.ones(200), np.ones(1000), np.zeros(1000, np.uint8))
    assert quiet.nbytes == 1200
    assert not quiet.frame(0).messages.any()


def test_the_oldest_frames_go_first_when_the_budget_is_reached():
    per_step = 100 + 300 + len(pack_messages(np.ones(300, np.uint8), 300, 0))
    store = FrameStore(n=100, m=300, budget=10 * per_step)
    for step, op, es, msg in _frames(100, 300, 25):
        store.keep(step, op, es, msg | 1)  # every tie carried something
        assert store.nbytes <= store.budget
    assert store.steps == (15, 24) and len(store) == 10
    assert 14 not in store and 15 in store
    with pytest.raises(KeyError):
        store.frame(3)


def test_the_bar_keeps_its_step_within_the_kept_ones():
    bar = ReplayBar(first=5, now=40)
    bar.at = 20
    assert bar.at == 20
    bar.at = 2  # older than the oldest kept step: the oldest
    assert bar.at == 5
    bar.at = 40  # the far right end is the present
    assert bar.at == -1
    bar.at = 99
    assert bar.at == -1


@pytest.fixture
def session():
    return Session(defaults(), seed=3)


def test_replay_shows_an_earlier_step_and_play_returns_to_the_present(session):
    sent = {0: (session.view.opacity, session.view.edge_strength, session.view.messages)}
    for step in range(1, 16):
        session.step()
        view = session.view
        sent[step] = (view.opacity, view.edge_strength, view.messages)
    assert session.replay_bar.now == 15 and session.replay_bar.first == 0
    assert sent[3] != sent[15]  # the network did change, so the test can tell them apart
    story_now = session.stories[0].lines
    session.replay(3)
    view = session.view
    assert (view.opacity, view.edge_strength, view.messages) == sent[3]
    assert session.counter.lines == ["Step 3 (replay)"]
    assert all(chart.cursor == 3.0 for chart in session.charts.values())
    assert session.replay_bar.at == 3
    # the story as it stood then: the moments after step 3 are not told yet
    assert any(int(line.split(":")[0][5:]) > 3 for line in story_now), story_now
    told = [line for line in session.stories[0].lines if line.startswith("Step ")]
    assert all(int(line.split(":")[0][5:]) <= 3 for line in told)
    assert told or session.stories[0].lines == ["Nothing to tell yet by step 3."]
    # the charts keep the whole run: nothing is lost by looking back
    assert len(session.charts["attention"].data) == 16
    session.replay(None)  # back to now
    assert (session.view.opacity, session.view.messages) == (sent[15][0], sent[15][2])
    assert session.counter.lines == ["Step 15"] and session.stories[0].lines == story_now
    assert all(chart.cursor is None for chart in session.charts.values())
    session.replay(7)
    session.step()  # playing on continues from the present, not from step 7
    assert session.run.steps == 16 and session.replaying is None
    assert session.replay_bar.at == -1 and session.counter.lines == ["Step 16"]
    assert len(session.charts["attention"].data) == 17


def test_both_compared_runs_replay_together():
    params = defaults()
    s = Session(params, seed=1, compare={**params, "habituation_on": False})
    sent = []
    for _ in range(6):
        s.step()
        sent.append([view.opacity for view in s.views])
    s.replay(2)
    assert [view.opacity for view in s.views] == sent[1]


def test_the_slider_in_the_page_pauses_play_and_replays():
    session, rc, _ = render()
    click(rc, "Play")
    wait_until(lambda: session.run.steps >= 4, "four steps played")
    session.replay_bar.at = 2  # as the browser sets it when the learner drags
    wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets, "play paused")
    assert session.replaying == 2 and session.counter.lines == ["Step 2 (replay)"]
    now = session.run.steps
    click(rc, "Step")  # stepping leaves the replay and goes on from the present
    assert session.run.steps == now + 1 and session.replaying is None
    rc.close()


def test_the_steps_messages_are_said_in_words_and_replayed(session):
    assert session.message_texts[0].lines == ["No messages yet: press Step or Play."]
    said = {}
    for step in range(1, 6):
        session.step()
        noticed, ignored, talks = session.run.message_counts()
        delivery = session.run.model.world.delivery
        # every message is counted once: a conversation is an opening and its answer
        assert noticed + ignored + 2 * talks == len(delivery) > 0
        assert noticed > 0 and ignored > 0 and talks > 0  # the defaults have all three
        said[step] = session.message_texts[0].lines[0]
        assert said[step] == (
            f"This step ({step}) carried: {noticed:,} pitches noticed, {ignored:,} ignored, "
            f"{talks:,} conversations held."
        )
    session.replay(2)
    assert session.message_texts[0].lines[0] == said[2].replace(
        "This step (2) carried", "Step 2's messages"
    )
    session.replay(None)
    assert session.message_texts[0].lines[0] == said[5]

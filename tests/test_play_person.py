"""Play a person (classroom.room.playing): deterministic for a seed and the students'
choices, the round closes on the timer or when all have chosen, a student who leaves is
taken over by an android, and a restarted server resumes at the last completed round."""

from __future__ import annotations

import numpy as np
import pytest

from classroom.room.playing import (
    PlayError,
    PlayRoom,
    PlaySettings,
    PlayWorld,
    parse_choice,
)
from classroom.room.store import RoomStore

SMALL = PlaySettings(n_agents=60, seed=5, round_seconds=10)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def script(world: PlayWorld, rounds: int) -> list[tuple]:
    """Two students: one pitches, one talks with their first contact each round."""
    a, b = world.join(1), world.join(2)
    played = []
    for r in range(rounds):
        friend = int(world.model.world.contacts_of(b)[0])
        choices = {1: ("pitch",), 2: ("talk", friend)} if r % 3 else {1: ("listen",)}
        world.play_round(choices)
        played.append((a, b, choices))
    return played


def state(world: PlayWorld) -> tuple:
    w = world.model.world
    return (w.attention.copy(), w.held.copy(), w.conversions.copy(), w.strategy_id.copy())


def test_a_session_is_deterministic_for_its_seed_and_choices():
    one, two = PlayWorld(SMALL), PlayWorld(SMALL)
    script(one, 8)
    script(two, 8)
    for x, y in zip(state(one), state(two), strict=True):
        assert np.array_equal(x, y)
    other = PlayWorld(PlaySettings(n_agents=60, seed=6))
    script(other, 8)
    assert not np.array_equal(state(one)[0], state(other)[0])


def test_choices_are_what_the_persons_do():
    world = PlayWorld(SMALL)
    a, b = world.join(1), world.join(2)
    w = world.model.world
    friend = int(w.contacts_of(b)[0])
    world.play_round({1: ("pitch",), 2: ("talk", friend)})
    assert w.sent[a] >= w.out_degree[a]  # a pitch to every contact (and any answers)
    assert w.talks[w.tie(b, friend)] == 1  # one conversation asked for
    view = world.view(2)
    assert view.person == b and view.round == 1
    assert {c.person for c in view.contacts} == set(w.contacts_of(b).tolist())
    assert world.family_of(1) == "pitchers" and world.family_of(2) == "talkers"
    world.play_round({})  # nobody chose: they listen
    receiver, sender, _ = world.delivered
    answered = set(receiver[sender == a].tolist())
    assert answered <= set(sender[receiver == a].tolist())  # a listener only answers
    standings = world.standings()
    assert standings["pitchers"]["people"] == 1
    assert sum(g["people"] for g in standings.values()) == w.n


def test_a_leaving_student_is_taken_over_and_a_late_one_gets_an_android():
    world = PlayWorld(SMALL)
    a = world.join(1)
    android_strategy = world.names[world.android[a]]
    assert world.model.world.strategy_id[a] == world.played_slot
    world.leave(1)
    assert world.names[world.model.world.strategy_id[a]] == android_strategy
    late = world.join(3)  # someone new: a person an android played, not 1's
    assert late != a
    assert world.join(1) == a  # back again: their own person, still free


def test_bad_choices_are_refused_in_words():
    for bad in ["shout", ("talk",), ("talk", "x"), ("talk", True), 3, ()]:
        with pytest.raises(PlayError):
            parse_choice(bad)
    with pytest.raises(PlayError, match="network"):
        PlaySettings(network="complete").check()
    with pytest.raises(PlayError, match="people"):
        PlaySettings(n_agents=5).check()


@pytest.fixture
def room(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    info, _ = store.create_room("play")
    students = [store.join(info.code, f"S{i}") for i in range(2)]
    yield store, info.code, students
    store.close()


def test_the_round_closes_on_the_timer_and_when_all_have_chosen(room):
    store, code, (s1, s2) = room
    clock = Clock()
    play = PlayRoom(store, code, now=clock)
    play._stop.set()  # the test drives the rounds itself
    play.start(SMALL)
    play.join(s1.id)
    play.join(s2.id)
    play.choose(s1.id, "pitch")
    assert not play.due() and play.waiting_for() == [s2.id]
    clock.t += SMALL.round_seconds + 0.1
    assert play.due()  # the timer ran out: s2 will listen
    play.close_round()
    assert play.world.round == 1
    events = store.play_events(store.play_session(code)["id"])
    assert events[-1]["kind"] == "round"
    assert events[-1]["payload"]["choices"] == {str(s1.id): ["pitch"]}
    play.choose(s1.id, "listen")
    play.choose(s2.id, "pitch")
    assert play.due()  # everyone chose, before the timer
    play.close_round()
    assert play.world.round == 2


def test_a_restart_resumes_at_the_last_completed_round(room, tmp_path):
    store, code, (s1, s2) = room
    play = PlayRoom(store, code, now=Clock())
    play._stop.set()
    play.start(SMALL)
    play.join(s1.id)
    play.join(s2.id)
    for r in range(4):
        friend = int(play.world.model.world.contacts_of(play.world.players[s2.id])[0])
        play.choose(s1.id, "pitch" if r % 2 else "listen")
        play.choose(s2.id, ("talk", friend))
        play.close_round()
    play.choose(s1.id, "pitch")  # a round not completed: not kept
    before = state(play.world)
    again = PlayRoom(RoomStore(tmp_path / "room.sqlite3"), code, now=Clock())
    again._stop.set()
    assert again.world.round == 4 and again.pending == {}
    for x, y in zip(before, state(again.world), strict=True):
        assert np.array_equal(x, y)
    assert again.world.players == play.world.players


def test_the_rounds_thread_plays_on_the_timer(room):
    store, code, (s1, _) = room
    play = PlayRoom(store, code)
    try:
        play.start(PlaySettings(n_agents=60, seed=1, round_seconds=5))
        play.join(s1.id)
        play.choose(s1.id, "pitch")  # the only player chose: the round closes at once
        with play.changed:
            play.changed.wait_for(lambda: play.world.round >= 1, timeout=10)
        assert play.world.round == 1
    finally:
        play.stop()


def test_export_keeps_the_session_and_its_events(room):
    store, code, (s1, _) = room
    play = PlayRoom(store, code, now=Clock())
    play._stop.set()
    play.start(SMALL)
    play.join(s1.id)
    play.choose(s1.id, "pitch")
    play.close_round()
    exported = store.export(code)["play_sessions"]
    assert len(exported) == 1 and exported[0]["settings"]["seed"] == SMALL.seed
    assert [e["kind"] for e in exported[0]["events"]] == ["join", "round"]


def test_a_student_whose_page_is_gone_is_taken_over_at_the_round_close(room):
    store, code, (s1, s2) = room
    play = PlayRoom(store, code, now=Clock())
    play._stop.set()
    play.start(SMALL)
    gone = play.join(s1.id)
    play.join(s2.id)
    android = play.world.names[play.world.android[gone]]
    # s1's page was last seen long ago (its heartbeat stopped): the next close hands over
    with store._write() as db:
        db.execute("UPDATE students SET last_seen = 0 WHERE id = ?", (s1.id,))
    play.choose(s2.id, "pitch")
    play.close_round()
    assert s1.id not in play.world.players and s2.id in play.world.players
    assert play.world.names[play.world.model.world.strategy_id[gone]] == android
    kinds = [e["kind"] for e in store.play_events(store.play_session(code)["id"])]
    assert kinds == ["join", "join", "leave", "round"]

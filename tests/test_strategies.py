"""Strategies at the edge: what a learner's strategy may return, and the clear errors for
what it may not. Also the live switches that change who uses which strategy."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

import agents
from agents import Message, Messages, PersonStrategy, Reason, Strategy, register, unregister
from sim import NetworkingModel, StrategyError


def _person_strategy(name, choose, answer=None):
    body = {"name": name, "group": name, "choose": lambda self, world, me: choose(world, me)}
    if answer is not None:
        body["answer"] = lambda self, world, me, opener: answer(world, me, opener)
    return register(type(f"S_{name}", (PersonStrategy,), body))


def _first_contact(world, me):
    return int(world.contacts_of(me)[0])


def _stranger(world, me):
    known = set(world.contacts_of(me).tolist()) | {me}
    return next(j for j in range(world.n) if j not in known)


#: case -> (choose, words of the message, reason, method that is named)
BAD_CHOICES = {
    "to_minus_one": (
        lambda w, me: [Message(to=-1, topic=0.1)],
        "addressed a message to -1",
        Reason.BAD_PERSON,
        "choose",
    ),
    "to_nobody": (
        lambda w, me: [Message(to=10**12, topic=0.1)],
        "people are whole numbers",
        Reason.BAD_PERSON,
        "choose",
    ),
    "to_a_name": (
        lambda w, me: [Message(to="x", topic=0.1)],
        "addressed a message to 'x'",
        Reason.BAD_PERSON,
        "choose",
    ),
    "nan_topic": (
        lambda w, me: [Message(to=_first_contact(w, me), topic=float("nan"))],
        "finite number",
        Reason.BAD_TOPIC,
        "choose",
    ),
    "one_message": (
        lambda w, me: Message(to=_first_contact(w, me), topic=0.1),
        "not a single Message",
        Reason.WRONG_TYPE,
        "choose",
    ),
    "not_a_list": (
        lambda w, me: 3,
        "must return a list of Message, not int",
        Reason.WRONG_TYPE,
        "choose",
    ),
    "a_tuple": (
        lambda w, me: [(1, 0.1)],
        "must return Message objects",
        Reason.WRONG_TYPE,
        "choose",
    ),
    "to_self": (
        lambda w, me: [Message(to=me, topic=0.1)],
        "its own sender",
        Reason.SELF_MESSAGE,
        "decide",
    ),
    "talk_to_stranger": (
        lambda w, me: [Message(to=_stranger(w, me), topic=0.1, two_way=True)],
        "two-way exchange with a stranger",
        Reason.TWO_WAY_TO_STRANGER,
        "decide",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHOICES))
def test_malformed_person_strategy_output_is_refused_naming_the_strategy(case):
    choose, words, reason, method = BAD_CHOICES[case]
    name = f"bad_{case}"
    _person_strategy(name, choose)
    try:
        model = NetworkingModel(rng=1, n_agents=30, interactor_strategy=name)
        before = model.world.attention.copy()
        with pytest.raises(StrategyError, match=name) as err:
            model.step()
        assert words in str(err.value)
        assert (err.value.reason, err.value.strategy, err.value.method) == (reason, name, method)
        assert str(err.value) == f"strategy {name!r}: {method}() {err.value.detail}"
        assert np.array_equal(model.world.attention, before)  # refused before any update
    finally:
        unregister(name)


def test_answer_must_go_back_to_the_opener():
    name = "answers_elsewhere"
    _person_strategy(
        name,
        lambda w, me: [Message(to=_first_contact(w, me), topic=0, two_way=True)],
        answer=lambda w, me, opener: Message(to=(opener + 1) % w.n, topic=0.0),
    )
    try:
        with pytest.raises(StrategyError, match="must answer the person who opened") as err:
            NetworkingModel(
                rng=1, n_agents=30, broadcaster_share=0.0, interactor_strategy=name
            ).step()
        assert (err.value.reason, err.value.method) == (Reason.NOT_TO_OPENER, "answer")
    finally:
        unregister(name)


def test_a_one_way_message_to_a_stranger_is_a_cold_call():
    name = "polite_cold_caller"
    _person_strategy(name, lambda w, me: [Message(to=_stranger(w, me), topic=0.3)])
    try:
        model = NetworkingModel(
            rng=1,
            n_agents=30,
            broadcaster_share=0.0,
            interactor_strategy=name,
            limited_attention=False,
            generalization_on=False,
        )
        w = model.world
        called = {_stranger(w, me) for me in range(w.n)}
        model.step()
        assert w.delivered_total == 30 and w.looked_total == 30
        assert set(np.flatnonzero(w.cold_attention < 1.0).tolist()) == called
        assert np.all(w.attention == 1.0)  # no tie was used
    finally:
        unregister(name)


class _Broken(Strategy):
    name = "broken_vectorized"
    group = "broken"
    damage = None

    def decide(self, world, people):
        msgs = Messages.on_ties(world, world.ties_of(people), 0.0, two_way=False)
        return type(self).damage(world, msgs)


def _shift_ties(world, msgs):
    msgs.tie = msgs.tie.copy()
    msgs.tie[0] = (msgs.tie[0] + 1) % world.n_ties
    return msgs


def _as_cold_calls(world, msgs):
    return Messages(msgs.sender, msgs.receiver, np.full(len(msgs), -1), msgs.topic, msgs.two_way)


#: case -> (damage, words of the message, reason)
BAD_BATCHES = {
    "int_two_way": (
        lambda w, m: Messages(m.sender, m.receiver, m.tie, m.topic, m.two_way.astype(int)),
        "two_way of type",
        Reason.NOT_BOOL,
    ),
    "short_field": (
        lambda w, m: Messages(m.sender, m.receiver, m.tie, m.topic, m.two_way[:-1]),
        "different shapes",
        Reason.BAD_SHAPE,
    ),
    "float_receiver": (
        lambda w, m: Messages(m.sender, m.receiver.astype(float), m.tie, m.topic, m.two_way),
        "must hold integers",
        Reason.NOT_INTEGERS,
    ),
    "inf_topic": (
        lambda w, m: Messages(m.sender, m.receiver, m.tie, np.full(len(m), np.inf), m.two_way),
        "not a finite number",
        Reason.BAD_TOPIC,
    ),
    "not_messages": (lambda w, m: [m], "must return agents.Messages", Reason.WRONG_TYPE),
    "nobody": (
        lambda w, m: Messages(m.sender, np.full(len(m), w.n), m.tie, m.topic, m.two_way),
        "someone who does not exist",
        Reason.BAD_PERSON,
    ),
    "wrong_tie": (_shift_ties, "not the tie from sender to receiver", Reason.BAD_TIE),
    "someone_else": (
        lambda w, m: Messages(
            (m.sender + 1) % w.n, m.receiver, np.full(len(m), -1), m.topic, m.two_way
        ),
        "on behalf of someone",
        Reason.NOT_OWN_PERSON,
    ),
    "to_self": (
        lambda w, m: Messages(m.sender, m.sender, np.full(len(m), -1), m.topic, m.two_way),
        "its own sender",
        Reason.SELF_MESSAGE,
    ),
    "contact_as_cold_call": (_as_cold_calls, "as a cold call", Reason.COLD_TO_CONTACT),
}


@pytest.mark.parametrize("case", list(BAD_BATCHES))
def test_malformed_vectorized_strategy_output_is_refused(case):
    damage, words, reason = BAD_BATCHES[case]
    _Broken.damage = staticmethod(damage)
    register(_Broken)
    try:
        model = NetworkingModel(
            rng=2, n_agents=30, broadcaster_share=0.5, broadcaster_strategy="broken_vectorized"
        )
        with pytest.raises(StrategyError, match="broken_vectorized") as err:
            model.step()
        assert words in str(err.value)
        assert (err.value.reason, err.value.method) == (reason, "decide")
    finally:
        unregister("broken_vectorized")


class _BadReply(Strategy):
    """Opens a conversation with every contact; answers with ``damage(ties)``."""

    name = "bad_reply"
    group = "bad_repliers"
    damage = None

    def decide(self, world, people):
        return Messages.on_ties(world, world.ties_of(people), 0.0, two_way=True)

    def reply(self, world, ties):
        return type(self).damage(ties)


#: case -> (what reply returns for ``ties``, words of the message, reason)
BAD_REPLIES = {
    "nothing": (lambda ties: None, "must return (two_way, topic) arrays", Reason.WRONG_TYPE),
    "one_short": (
        lambda ties: (np.zeros(len(ties) - 1, bool), np.zeros(len(ties) - 1)),
        "values for",
        Reason.BAD_SHAPE,
    ),
    "int_two_way": (
        lambda ties: (np.zeros(len(ties), int), np.zeros(len(ties))),
        "two_way must be bool",
        Reason.NOT_BOOL,
    ),
    "nan_topic": (
        lambda ties: (np.zeros(len(ties), bool), np.full(len(ties), np.nan)),
        "not a finite number",
        Reason.BAD_TOPIC,
    ),
}


@pytest.mark.parametrize("case", list(BAD_REPLIES))
def test_malformed_reply_is_refused_with_its_reason(case):
    damage, words, reason = BAD_REPLIES[case]
    _BadReply.damage = staticmethod(damage)
    register(_BadReply)
    try:
        model = NetworkingModel(
            rng=2, n_agents=30, broadcaster_share=0.0, interactor_strategy="bad_reply"
        )
        with pytest.raises(StrategyError, match="bad_reply") as err:
            model.step()
        assert words in str(err.value)
        assert (err.value.reason, err.value.method) == (reason, "reply")
    finally:
        unregister("bad_reply")


#: case -> (answer(world, me, opener), words of the message, reason)
BAD_ANSWERS = {
    "nothing": (
        lambda w, me, opener: None,
        "must return a Message, not NoneType",
        Reason.WRONG_TYPE,
    ),
    "to_nobody": (
        lambda w, me, opener: Message(to=-5, topic=0.0),
        "addressed a message to -5",
        Reason.BAD_PERSON,
    ),
    "nan_topic": (
        lambda w, me, opener: Message(to=opener, topic=float("inf")),
        "gave topic inf",
        Reason.BAD_TOPIC,
    ),
    "elsewhere": (
        lambda w, me, opener: Message(to=(opener + 1) % w.n, topic=0.0),
        "must answer the person who opened",
        Reason.NOT_TO_OPENER,
    ),
}


@pytest.mark.parametrize("case", list(BAD_ANSWERS))
def test_malformed_answer_is_refused_with_its_reason(case):
    answer, words, reason = BAD_ANSWERS[case]
    name = f"bad_answer_{case}"
    _person_strategy(
        name,
        lambda w, me: [Message(to=_first_contact(w, me), topic=0, two_way=True)],
        answer=answer,
    )
    try:
        model = NetworkingModel(rng=1, n_agents=30, broadcaster_share=0.0, interactor_strategy=name)
        with pytest.raises(StrategyError, match=name) as err:
            model.step()
        assert words in str(err.value)
        assert (err.value.reason, err.value.method) == (reason, "answer")
    finally:
        unregister(name)


def test_every_reason_code_is_produced_by_a_strategy_making_that_mistake():
    produced = {case[2] for table in (BAD_CHOICES, BAD_BATCHES) for case in table.values()}
    produced |= {case[2] for table in (BAD_REPLIES, BAD_ANSWERS) for case in table.values()}
    assert produced == set(Reason)
    assert agents.StrategyError is StrategyError  # sim re-exports the agents' error


def test_reserved_or_odd_group_names_are_refused():
    for group in ("all", "two words", 3):
        cls = type(
            "Odd",
            (PersonStrategy,),
            {"name": "odd_group", "group": group, "choose": lambda self, w, me: []},
        )
        with pytest.raises(ValueError, match="group") as err:
            register(cls)
        assert err.value.reason == agents.RegistrationReason.BAD_GROUP
        assert err.value.value == group


def test_adaptation_switched_on_mid_run_converts_those_already_faded():
    model = NetworkingModel(rng=0)
    model.run_for(60)
    w = model.world
    faded_broadcasters = w.faded & (w.initial_strategy_id == 0)
    assert faded_broadcasters.sum() > 0 and np.all(w.strategy_id[faded_broadcasters] == 0)
    model.set_parameter("adaptation", True)
    model.step()
    assert np.all(w.strategy_id[faded_broadcasters] == 1)
    assert {model.people[i].strategy for i in np.flatnonzero(faded_broadcasters)} == {"interact"}


def test_batch_run_gives_the_same_numbers_with_two_processes():
    kw = dict(
        parameters={"broadcaster_share": [0.2, 0.5]},
        rng=[3, 4],
        max_steps=8,
        data_collection_period=1,
        display_progress=False,
    )
    one = pd.DataFrame(mesa.batch_run(NetworkingModel, number_processes=1, **kw))
    two = pd.DataFrame(mesa.batch_run(NetworkingModel, number_processes=2, **kw))
    key = ["broadcaster_share", "rng", "Step"]
    one = one.sort_values(key).reset_index(drop=True).drop(columns=["RunId", "iteration"])
    two = two.sort_values(key).reset_index(drop=True).drop(columns=["RunId", "iteration"])
    pd.testing.assert_frame_equal(one, two)


@register
class _CachedThenTampered(Strategy):
    """Builds its batch once and returns the same object every step; at step 3 it writes
    into that batch's arrays (``tamper`` names how)."""

    name = "test_cached_tampered"
    group = "broadcasters"  # so that, faded, its people adapt
    tamper = "topic"

    def __init__(self):
        self.batch = None

    def decide(self, world, people):
        if self.batch is None:
            ties = world.ties_of(people)
            self.batch = Messages(
                world.src[ties].copy(),
                world.dst[ties].copy(),
                ties.copy(),
                world.pitch[world.src[ties]].astype(float),
                np.zeros(len(ties), dtype=bool),
            )
        if world.t == 3:
            if _CachedThenTampered.tamper == "topic":
                self.batch.topic[0] = np.nan
            elif _CachedThenTampered.tamper == "two_way":  # a conversation with no tie
                self.batch.tie[0] = -1
                self.batch.two_way[0] = True
        return self.batch


@pytest.mark.parametrize(
    "tamper, reason", [("topic", Reason.BAD_TOPIC), ("two_way", Reason.COLD_TO_CONTACT)]
)
def test_a_cached_batch_changed_in_place_is_checked_again(tamper, reason):
    """The world checks a batch returned again whenever its contents changed: a strategy
    cannot slip a NaN topic or a conversation without a tie past the checks by writing into
    a batch that passed them before."""
    _CachedThenTampered.tamper = tamper
    model = NetworkingModel(rng=0, n_agents=40, broadcaster_strategy="test_cached_tampered")
    model.run_for(2)
    with pytest.raises(StrategyError) as caught:
        model.step()
    assert caught.value.reason == reason
    assert model.world.t == 3


def test_a_cached_batch_is_checked_again_when_people_switch_strategy():
    """With adaptation, faded broadcasters move to the interactors' strategy: a cached
    batch that still speaks for them is refused, not delivered on their behalf."""
    _CachedThenTampered.tamper = "nothing"
    model = NetworkingModel(
        rng=0, n_agents=60, broadcaster_strategy="test_cached_tampered", adaptation=True
    )
    with pytest.raises(StrategyError) as caught:
        model.run_for(60)
    assert caught.value.reason == Reason.NOT_OWN_PERSON

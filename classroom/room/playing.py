"""Play a person: a shared network where each student is one person, round by round.

NetLogo's HubNet in our room. The facilitator starts a session (the network's size and kind,
the share of broadcasters among the androids, a round timer). Every person is played by a
built-in strategy (an *android*: the interrupter or the interactor) until a student takes
one over. Each round, every student chooses what their person does this step (pitch to
every contact, open a conversation with one contact, or listen and answer); when all have
chosen, or when the timer runs out (then whoever has not chosen listens), the world steps
once for everyone.

:class:`PlayWorld` is the shared network and its rules, free of pages and clocks: it applies
*events* (a student joins and gets a person, a student leaves and an android takes over,
a round is played with every choice), so a session is deterministic for its seed and its
events, and a restarted server rebuilds it by applying the events the room's database kept
(:meth:`PlayWorld.replay`). :class:`PlayRoom` runs the rounds of one room in a thread of its
own, so that a step never holds up a page.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from agents.played import CHOICES
from sim import NetworkingModel, ParameterError
from sim.params import validate

__all__ = [
    "FAMILY_OF_CHOICE",
    "PlayError",
    "PlayRoom",
    "PlaySettings",
    "PlayWorld",
    "parse_choice",
    "play_room",
]

#: The networks a session may be played on (generated ones, sized by the facilitator).
PLAY_NETWORKS = ("watts_strogatz", "barabasi_albert", "erdos_renyi", "communities")
#: What a student who mostly made a choice is called, for the family charts.
FAMILY_OF_CHOICE = {"pitch": "pitchers", "talk": "talkers", "listen": "listeners"}
#: A student's page not seen for this many seconds has left: an android takes over.
LEAVE_AFTER = 30.0


class PlayError(ValueError):
    """A refusal in words: a bad setting or choice, or an action out of turn."""


@dataclass(frozen=True)
class PlaySettings:
    """A session's world. ``n_agents`` people on a ``network``; among the androids,
    ``broadcaster_share`` interrupt and the rest interact; ``seed`` fixes the network and
    everything drawn; ``round_seconds`` is the timer of a round."""

    n_agents: int = 300
    network: str = "watts_strogatz"
    broadcaster_share: float = 0.3
    seed: int = 0
    round_seconds: float = 20.0

    def check(self) -> PlaySettings:
        if self.network not in PLAY_NETWORKS:
            raise PlayError(f"network: one of {', '.join(PLAY_NETWORKS)} (got {self.network!r})")
        if not isinstance(self.n_agents, int) or not 20 <= self.n_agents <= 1000:
            raise PlayError(f"people: a whole number from 20 to 1000 (got {self.n_agents!r})")
        if not 0.0 <= float(self.broadcaster_share) <= 1.0:
            raise PlayError("share of broadcasters: from 0 to 1")
        if not 5.0 <= float(self.round_seconds) <= 300.0:
            raise PlayError("round timer: from 5 to 300 seconds")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise PlayError("seed: a whole number, 0 or more")
        try:
            validate(self.model_params())
        except ParameterError as err:
            raise PlayError(str(err)) from None
        return self

    def model_params(self) -> dict:
        share = float(self.broadcaster_share)
        mix = [("interrupt", share), ("interact", 1.0 - share), ("played", 0.0)]
        if share == 0.0:
            mix[0] = ("interrupt", 0.0)
        return {"n_agents": self.n_agents, "network": self.network, "strategy_mix": tuple(mix)}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> PlaySettings:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


def parse_choice(choice) -> tuple:
    """A student's choice as the world takes it: ``("pitch",)``, ``("talk", contact)`` or
    ``("listen",)``; :class:`PlayError` for anything else."""
    if isinstance(choice, str):
        choice = (choice,)
    if not isinstance(choice, list | tuple) or not choice or choice[0] not in CHOICES:
        raise PlayError(f"a choice is one of {', '.join(CHOICES)}")
    if choice[0] == "talk":
        if len(choice) != 2 or isinstance(choice[1], bool) or not isinstance(choice[1], int):
            raise PlayError("talk: say with whom (a contact's number)")
        return ("talk", int(choice[1]))
    return (choice[0],)


@dataclass(frozen=True)
class Contact:
    """One of a played person's contacts, as the student sees them."""

    person: int
    attention_to_me: float  # how much attention they pay me (0..1)
    trust_in_me: float  # how much they trust me
    my_trust: float  # how much I trust them
    last_talked: int | None  # the last round we held a conversation, if any
    won: bool  # I have won them over


@dataclass(frozen=True)
class PersonView:
    """What a student sees of their person after the last round."""

    person: int
    round: int
    contacts: list[Contact]
    received: int  # messages delivered to me last round
    noticed_from: list[int]  # whose messages I noticed last round
    won_over: int  # people won over so far
    audience: float  # the mean attention my contacts pay me
    fading: bool  # my audience is under the fade threshold
    faded: bool


class PlayWorld:
    """The shared network of a play session and its rules (no pages, no clocks).

    Students are known by their student id. Events: :meth:`join`, :meth:`leave`,
    :meth:`play_round`; :meth:`replay` applies a list of them as the room's database keeps
    them. Everything drawn comes from ``settings.seed``: the model's ``rng`` and, apart,
    the order in which people are handed to students."""

    def __init__(self, settings: PlaySettings):
        self.settings = settings.check()
        self.model = NetworkingModel(rng=settings.seed, **settings.model_params())
        world = self.model.world
        self.names = [s.name for s in world.strategies]
        self.android = world.initial_strategy_id.copy()  # who plays each person when no one does
        self.played_slot = self.names.index("played")
        self.order = np.random.default_rng([settings.seed, 14]).permutation(world.n).tolist()
        self.players: dict[int, int] = {}  # student id -> person, while they play
        self.last_person: dict[int, int] = {}  # student id -> the person they played last
        self.round = 0
        self.choices: dict[int, Counter] = {}  # student id -> what they chose, counted
        self.talked: dict[tuple[int, int], int] = {}  # (person, contact) -> last round held
        self.delivered: tuple | None = None  # the last round's (receiver, sender, noticed)
        #: after each round, :meth:`standings` (the family charts read it)
        self.history: list[dict[str, dict[str, float]]] = []

    # -- events ---------------------------------------------------------------------------------
    def join(self, student: int) -> int:
        """``student`` plays a person from now on: the one they played before if no one
        else does, else the next android in the session's order. Returns the person."""
        if student in self.players:
            return self.players[student]
        taken = set(self.players.values())
        before = self.last_person.get(student)
        if before is not None and before not in taken:
            person = before
        else:
            kept = set(self.last_person.values())  # someone's, should they come back
            person = next((p for p in self.order if p not in taken and p not in kept), None)
            if person is None:
                person = next((p for p in self.order if p not in taken), None)
            if person is None:
                raise PlayError("every person is played: the network is full")
        self.players[student] = person
        self.last_person[student] = person
        self.model.reseat([person], "played")
        return person

    def leave(self, student: int) -> None:
        """An android plays ``student``'s person from now on (its own strategy again)."""
        person = self.players.pop(student, None)
        if person is not None:
            self.model.reseat([person], self.names[self.android[person]])

    def play_round(self, choices: dict[int, tuple]) -> None:
        """One step of the world: each playing student's person does what they chose
        (``choices``: student id -> choice; a student without one listens)."""
        orders = {}
        for student, person in self.players.items():
            choice = parse_choice(choices.get(student, ("listen",)))
            if choice[0] == "talk" and self.model.world.tie(person, choice[1]) < 0:
                choice = ("listen",)  # not a contact (any more): nothing is sent
            orders[person] = choice
            self.choices.setdefault(student, Counter())[choice[0]] += 1
        self.model.world.strategies[self.played_slot].orders = orders
        held_before = self.model.world.held.copy()
        self.model.step()
        self.round += 1
        w = self.model.world
        d = w.delivery
        m = d.messages
        self.delivered = (
            np.array(m.receiver, dtype=np.int64),
            np.array(m.sender, dtype=np.int64),
            np.array(d.noticed, dtype=bool),
        )
        new = np.flatnonzero(w.held[: len(held_before)] != held_before)
        for tie in new.tolist():  # conversations held this round, both ways round
            a, b = int(w.src[tie]), int(w.dst[tie])
            self.talked[a, b] = self.talked[b, a] = self.round
        self.history.append(self.standings())

    def replay(self, events: list[dict]) -> None:
        """Apply the room's kept events in order (``RoomStore.play_events``)."""
        for event in events:
            kind, student, payload = event["kind"], event["student"], event["payload"]
            if kind == "join":
                self.join(student)
            elif kind == "leave":
                self.leave(student)
            elif kind == "round":
                self.play_round({int(k): tuple(v) for k, v in payload["choices"].items()})

    # -- what the pages show ----------------------------------------------------------------
    def view(self, student: int) -> PersonView | None:
        """What ``student`` sees of their person (None when they play none)."""
        person = self.players.get(student)
        if person is None:
            return None
        w = self.model.world
        ties = w.ties_of(np.array([person]))
        back = w.rev[ties]
        trust_in_me = w.trust_of(ties)
        my_trust = w.trust_of(back)
        converted = w.converted[ties]
        contacts = [
            Contact(
                int(w.dst[t]),
                float(w.attention[t]),
                float(trust_in_me[i]),
                float(my_trust[i]),
                self.talked.get((person, int(w.dst[t]))),
                bool(converted[i]),
            )
            for i, t in enumerate(ties.tolist())
        ]
        received, noticed_from = 0, []
        if self.delivered is not None:
            receiver, sender, noticed = self.delivered
            mine = receiver == person
            received = int(mine.sum())
            noticed_from = sorted(set(sender[mine & noticed].tolist()))
        audience = float(w.audience()[person])
        threshold = self.model.params["fade_threshold"]
        return PersonView(
            person,
            self.round,
            contacts,
            received,
            noticed_from,
            int(w.conversions[person]),
            audience,
            not math.isnan(audience) and audience < threshold,
            bool(w.faded[person]),
        )

    def family_of(self, student: int) -> str:
        """What a student mostly did: pitchers, talkers or listeners ('' before a round)."""
        counts = self.choices.get(student)
        if not counts:
            return ""
        kind = max(CHOICES, key=lambda c: (counts[c], -CHOICES.index(c)))
        return FAMILY_OF_CHOICE[kind]

    def standings(self) -> dict[str, dict[str, float]]:
        """Per group, the means the debrief compares: the students' families (by what they
        mostly did) and the androids of each strategy. Each: people, won over, audience,
        trust earned, faded share."""
        w = self.model.world
        audience, trust = w.audience(), w.trust_earned()
        groups: dict[str, list[int]] = {}
        played = set(self.players.values())
        for student, person in self.players.items():
            groups.setdefault(self.family_of(student) or "listeners", []).append(person)
        for person in range(w.n):
            if person not in played:
                android = self.names[self.android[person]]
                name = "android " + ("broadcasters" if android == "interrupt" else "interactors")
                groups.setdefault(name, []).append(person)
        out = {}
        for name, people in groups.items():
            idx = np.array(people)
            out[name] = {
                "people": len(people),
                "won_over": float(w.conversions[idx].mean()),
                "audience": float(np.nanmean(audience[idx])) if len(idx) else math.nan,
                "trust": float(np.nanmean(trust[idx])) if len(idx) else math.nan,
                "faded": float(w.faded[idx].mean()),
            }
        return out


class PlayRoom:
    """The rounds of one room's session, in a thread of their own.

    ``store`` is the room's database, ``notify(code)`` wakes the room's pages. A round
    closes when every student playing has chosen, or when its timer runs out; the step
    runs in this thread, never in a page's. ``now`` is the clock (tests pass their own)."""

    def __init__(self, store, code: str, notify=lambda code: None, now=time.monotonic):
        self.store, self.code, self.notify, self.now = store, code, notify, now
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.session: dict | None = None
        self.world: PlayWorld | None = None
        self.pending: dict[int, tuple] = {}  # this round's choices so far
        self.deadline = math.inf
        self.version = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.resume()

    # -- the session ----------------------------------------------------------------------------
    def resume(self) -> None:
        """Rebuild the room's latest session from its database (a server restart): the
        world at its last completed round, every choice kept."""
        with self.lock:
            session = self.store.play_session(self.code)
            if session is None:
                self.session, self.world = None, None
                return
            world = PlayWorld(PlaySettings.from_dict(session["settings"]))
            world.replay(self.store.play_events(session["id"]))
            self.session, self.world, self.pending = session, world, {}
            self._new_round()
        self._ensure_thread()

    def start(self, settings: PlaySettings) -> None:
        """A new session (any running one ends)."""
        settings = settings.check()
        PlayWorld(settings)  # the world can be built: refuse now, not in the thread
        with self.lock:
            sid = self.store.start_play(self.code, settings.to_dict(), settings.round_seconds)
            self.session = self.store.play_session(self.code)
            assert self.session["id"] == sid
            self.world, self.pending = PlayWorld(settings), {}
            self._new_round()
            self._changed()
        self._ensure_thread()

    def set_status(self, status: str) -> None:
        """'running', 'paused' (the timer stops; choices are kept) or 'ended'."""
        with self.lock:
            if self.session is None or self.status == "ended":
                raise PlayError("no session is running")
            self.store.set_play(self.code, self.session["id"], status=status)
            self.session = {**self.session, "status": status}
            if status == "running":
                self._new_round(keep=True)
            self._changed()

    def set_timer(self, seconds: float) -> None:
        if not 5.0 <= float(seconds) <= 300.0:
            raise PlayError("round timer: from 5 to 300 seconds")
        with self.lock:
            if self.session is None:
                raise PlayError("no session is running")
            self.store.set_play(self.code, self.session["id"], round_seconds=seconds)
            self.session = {**self.session, "round_seconds": float(seconds)}
            self._changed()

    @property
    def status(self) -> str:
        """'running', 'paused', 'ended', or '' when the room never had a session."""
        return self.session["status"] if self.session else ""

    def join(self, student: int) -> int:
        """``student`` plays a person (kept as an event); returns the person."""
        with self.lock:
            if self.world is None or self.status == "ended":
                raise PlayError("no session is running")
            if student in self.world.players:
                return self.world.players[student]
            person = self.world.join(student)
            if len(self.world.players) == 1:  # the first player: the round's timer starts
                self.deadline = self.now() + float(self.session["round_seconds"])
            self._event("join", student, {"person": person})
            return person

    def leave(self, student: int) -> None:
        with self.lock:
            if self.world is not None and student in self.world.players:
                self.world.leave(student)
                self.pending.pop(student, None)
                self._event("leave", student, {})

    def choose(self, student: int, choice) -> None:
        """``student``'s choice for this round (in place of an earlier one this round)."""
        choice = parse_choice(choice)
        with self.lock:
            if self.world is None or self.session["status"] != "running":
                raise PlayError("the round is not open")
            person = self.world.players.get(student)
            if person is None:
                raise PlayError("join the session first")
            if choice[0] == "talk" and self.world.model.world.tie(person, choice[1]) < 0:
                raise PlayError(f"person {choice[1]} is not one of your contacts")
            self.pending[student] = choice
            self._changed(room=False)  # nothing written: the room's other pages need not wake

    # -- the rounds -----------------------------------------------------------------------------
    def waiting_for(self) -> list[int]:
        """The students playing who have not chosen yet this round."""
        with self.lock:
            if self.world is None:
                return []
            return [s for s in self.world.players if s not in self.pending]

    def seconds_left(self) -> float:
        with self.lock:
            return max(0.0, self.deadline - self.now()) if math.isfinite(self.deadline) else 0.0

    def close_round(self) -> None:
        """Play the round now with the choices made (the others listen), and keep it."""
        with self.lock:
            if self.world is None:
                return
            self._drop_absent()
            choices = {s: c for s, c in self.pending.items() if s in self.world.players}
            start = time.perf_counter()
            self.world.play_round(choices)
            step_ms = (time.perf_counter() - start) * 1000
            payload = {
                "choices": {str(s): list(c) for s, c in sorted(choices.items())},
                "step_ms": round(step_ms, 3),  # how long the step took (not replayed)
            }
            self._event("round", None, payload, round_=self.world.round)
            self.pending = {}
            self._new_round()

    def _drop_absent(self) -> None:
        """Students whose page has not been seen for :data:`LEAVE_AFTER` seconds leave."""
        seen = {s.id: s.last_seen for s in self.store.students(self.code)}
        cutoff = time.time() - LEAVE_AFTER
        for student in list(self.world.players):
            if seen.get(student, 0.0) < cutoff:
                self.leave(student)

    def due(self) -> bool:
        """Whether the round should close now: everyone chose, or the timer ran out. With
        nobody playing, rounds wait (the timer starts with the first student)."""
        with self.lock:
            if self.world is None or self.session["status"] != "running":
                return False
            if not self.world.players:
                return False
            if not self.waiting_for():
                return True
            return self.now() >= self.deadline

    def _new_round(self, keep: bool = False) -> None:
        seconds = float(self.session["round_seconds"]) if self.session else math.inf
        self.deadline = self.now() + seconds
        if not keep:
            self.pending = {}
        self._changed(room=False)

    def _event(self, kind: str, student: int | None, payload: dict, round_=None) -> None:
        r = self.world.round if round_ is None else round_
        self.store.add_play_event(self.code, self.session["id"], r, kind, student, payload)
        self._changed()

    def _changed(self, room: bool = True) -> None:
        """Wake whoever follows this session; with ``room``, also every page of the room
        (something was written to its database)."""
        self.version += 1
        self.changed.notify_all()
        if room:
            self.notify(self.code)

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name=f"play-{self.code}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.changed:
                if self.world is None or self.status == "ended":
                    return
                if not self.due():
                    wait = self.deadline - self.now() if math.isfinite(self.deadline) else 1.0
                    self.changed.wait(timeout=max(0.05, min(wait, 1.0)))
                    continue
            self.close_round()

    def stop(self) -> None:
        self._stop.set()
        with self.changed:
            self.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)


_rooms: dict[str, PlayRoom] = {}
_rooms_lock = threading.Lock()


def play_room(svc, code: str) -> PlayRoom:
    """The process's :class:`PlayRoom` of room ``code`` over the room service ``svc``
    (its store, and its ``notify`` to wake the room's pages); made, and the room's latest
    session resumed from the database, when first asked for."""
    with _rooms_lock:
        room = _rooms.get(code)
        if room is None or room.store is not svc.store:
            room = _rooms[code] = PlayRoom(svc.store, code, notify=svc.notify)
        return room


def forget_play_rooms() -> None:
    """Stop and drop every room's rounds (tests, and a service replaced)."""
    with _rooms_lock:
        rooms = list(_rooms.values())
        _rooms.clear()
    for room in rooms:
        room.stop()

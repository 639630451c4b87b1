"""One run as the classroom app shows it: the model, plus what the views need each frame.

Nothing here knows about Solara: the app calls :meth:`ClassroomRun.step` and reads
:meth:`frame`, :meth:`latest`, :meth:`story` and :meth:`inspect`; tests do the same.
The model is used only through its public contract (``sim.NetworkingModel``).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np

from agents import group_of
from sim import BY_START_SUFFIX, NetworkingModel

from .layout import layout_for
from .network_view import CONVERSATION, PITCH_IGNORED, PITCH_NOTICED

__all__ = ["CHARTS", "GROUP_CODES", "MAX_DRAWN_TIES", "ClassroomRun", "Frame"]

#: Group -> the code the network view uses for its shape and colour.
GROUP_CODES = {"broadcasters": 0, "interactors": 1}

#: The charts: (key, title, y axis label, reporter prefix, fixed y range or None).
CHARTS = [
    ("attention", "Attention paid to them", "attention (0-1)", "attention_to", (0.0, 1.0)),
    ("trust", "Trust earned", "trust (0-1)", "trust_in", (0.0, 1.0)),
    ("recall", "Remembered by their contacts", "memory (0-1)", "recall_of", (0.0, 1.0)),
    ("value", "Value of a noticed message", "value (0-1)", "value_per_message", (0.0, 1.0)),
    ("reach", "Messages noticed this step", "per person", "reach", None),
    ("conversions", "People won over so far", "per person", "conversions", None),
    ("faded", "Share faded", "share (0-1)", "faded", (0.0, 1.0)),
]

#: The most ties the network view draws (and sends a byte for, each frame); above it, a
#: seeded sample of this many.
MAX_DRAWN_TIES = 20_000

#: How many steps of per-person history the inspector keeps (a rolling window).
HISTORY_STEPS = 400


@dataclass
class Frame:
    """What the network view shows at one step."""

    step: int
    opacity: np.ndarray  # per person, 0..1: their audience's attention
    edge_strength: np.ndarray  # per drawn tie (ClassroomRun.drawn_edges), 0..1: trust
    groups: np.ndarray  # per person, uint8 code (GROUP_CODES, 2 = other)
    #: per drawn tie, uint8: the kind of message that went along it this step each way,
    #: ``forward | backward << 2`` (forward: from its first person to its second), with
    #: classroom.network_view's PITCH_IGNORED, PITCH_NOTICED, CONVERSATION (0: none)
    messages: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))


@dataclass
class StoryEvent:
    step: int
    text: str


@dataclass
class ClassroomRun:
    """A model built from ``params`` and ``seed``, stepped by the app."""

    params: dict
    seed: int
    model: NetworkingModel = field(init=False)

    def __post_init__(self):
        self.model = NetworkingModel(rng=self.seed, **self.params)
        w = self.model.world
        once = w.src < w.dst
        self.edges = np.column_stack([w.src[once], w.dst[once]]).astype(np.int64)
        self.positions = layout_for(self.params, self.seed, w.n, self.edges)
        # The ties drawn: all of them, or a seeded sample when there are too many to send
        # (everyone knows everyone at 2,000 people: two million ties).
        drawn = np.arange(len(self.edges))
        if len(drawn) > MAX_DRAWN_TIES:
            pick = np.random.default_rng(self.seed).choice(
                len(drawn), MAX_DRAWN_TIES, replace=False
            )
            drawn = np.sort(pick)
        self.drawn_edges = self.edges[drawn]
        self._n_ties = -1  # the model's tie count when the drawn ties' indices were found
        labels = self.model.labels
        self.labels = [str(i if labels is None else labels[i]) for i in range(w.n)]
        self.groups = self.model.groups
        self._history = np.zeros((HISTORY_STEPS, 4, w.n), dtype=np.float32)
        self._events: list[StoryEvent] = []
        self._said: set[str] = set()
        self._record()

    # -- stepping ----------------------------------------------------------------------
    def step(self, n: int = 1) -> None:
        for _ in range(n):
            self.model.step()
            self._record()
            self._watch()

    @property
    def steps(self) -> int:
        return self.model.steps

    def set_parameter(self, name: str, value) -> None:
        """Change a live parameter now (``sim.ParameterError`` for structural ones)."""
        self.model.set_parameter(name, value)
        self.params[name] = self.model.params[name]

    # -- what the views read -------------------------------------------------------------
    def frame(self) -> Frame:
        stats = self.model.person_stats()
        opacity = np.nan_to_num(stats["attention_received"], nan=1.0)
        w = self.model.world
        if w.n_ties != self._n_ties:  # introductions add ties, and move the old ones
            a, b = self.drawn_edges[:, 0], self.drawn_edges[:, 1]
            self._tie_pairs = (w.ties_between(a, b), w.ties_between(b, a))
            self._n_ties = w.n_ties
            # tie -> where its message code goes: 2k for drawn tie k's forward direction,
            # 2k + 1 for its backward one, -1 for ties not drawn
            self._tie_slot = np.full(w.n_ties, -1, dtype=np.int64)
            for direction, ties in enumerate(self._tie_pairs):
                ok = ties >= 0
                self._tie_slot[ties[ok]] = 2 * np.flatnonzero(ok) + direction
        forward, backward = self._tie_pairs
        if len(forward):  # the view keeps the ties it was given; new ones are not drawn
            trust = 0.5 * (w.trust_of(forward) + w.trust_of(backward))
            strength = np.clip((trust - 0.5) / 0.45, 0.0, 1.0)
        else:
            strength = np.zeros(0)
        return Frame(
            self.steps,
            np.clip(opacity, 0, 1),
            strength,
            self.group_codes(),
            self._message_codes(),
        )

    def _message_codes(self) -> np.ndarray:
        """Per drawn tie, the kind of this step's messages each way (see ``Frame``)."""
        k = len(self.drawn_edges)
        delivery = self.model.world.delivery
        m = delivery.messages
        if not len(m) or not k:
            return np.zeros(k, dtype=np.uint8)
        tie = np.asarray(m.tie)
        on_tie = tie >= 0  # a cold call to a stranger goes along no tie
        slot = np.full(len(tie), -1, dtype=np.int64)
        slot[on_tie] = self._tie_slot[tie[on_tie]]
        drawn = slot >= 0
        kind = np.where(
            np.asarray(m.two_way),
            CONVERSATION,
            np.where(np.asarray(delivery.noticed), PITCH_NOTICED, PITCH_IGNORED),
        ).astype(np.uint8)
        per_direction = np.zeros(2 * k, dtype=np.uint8)
        np.maximum.at(per_direction, slot[drawn], kind[drawn])  # the higher kind wins
        return per_direction[0::2] | (per_direction[1::2] << 2)

    def message_counts(self) -> tuple[int, int, int]:
        """This step's messages, all of them (drawn ties or not): pitches noticed, pitches
        ignored, and conversations held (each an opening and its answer)."""
        delivery = self.model.world.delivery
        if not len(delivery):
            return 0, 0, 0
        two_way = np.asarray(delivery.messages.two_way)
        noticed = np.asarray(delivery.noticed)
        pitches_noticed = int(np.count_nonzero(noticed & ~two_way))
        pitches = len(two_way) - int(np.count_nonzero(two_way))
        return pitches_noticed, pitches - pitches_noticed, int(np.count_nonzero(two_way)) // 2

    def group_codes(self) -> np.ndarray:
        people = self.model.people
        return np.array([GROUP_CODES.get(p.group, 2) for p in people], dtype=np.uint8)

    def latest(self) -> dict[str, dict[str, float]]:
        """Chart key -> group -> value at the current step. With ``adaptation`` on, the
        charts follow people by the group they started in (the ``_by_start`` reporters):
        the broadcasters' line goes on after they switch, instead of breaking off."""
        mv = self.model.datacollector.model_vars
        follow = BY_START_SUFFIX if self.model.params["adaptation"] else ""
        return {
            key: {
                g: self._value(
                    f"{prefix}_{g}{follow}" if f"{prefix}_{g}{follow}" in mv else f"{prefix}_{g}"
                )
                for g in self.groups
            }
            for key, _, _, prefix, _ in CHARTS
        }

    def _value(self, name: str, at: int = -1) -> float:
        """A reporter's value at a recorded step (-1: now), straight from the collector."""
        column = self.model.datacollector.model_vars.get(name)
        return float(column[at]) if column else math.nan

    def table(self):
        """The run's data so far, one row per step (a pandas DataFrame)."""
        df = self.model.datacollector.get_model_vars_dataframe().reset_index(names="step")
        return df

    def csv(self) -> bytes:
        out = io.StringIO()
        self.table().to_csv(out, index=False)
        return out.getvalue().encode()

    def inspect(self, person: int) -> dict:
        """A person's numbers now and their recent history, for the inspector."""
        p = self.model.people[person]
        start = max(0, self.steps - HISTORY_STEPS + 1)
        idx = [s % HISTORY_STEPS for s in range(start, self.steps + 1)]
        hist = self._history[idx, :, person]
        return {
            "label": self.labels[person],
            "strategy": p.strategy,
            "group": p.group,
            "faded": p.faded,
            "attention_received": _num(p.attention_received),
            "trust_earned": _num(p.trust_earned),
            "recall": _num(p.recall),
            "conversions": p.conversions,
            "contacts": len(self.model.world.contacts_of(person)),
            "history_steps": list(range(start, self.steps + 1)),
            "history": {
                name: hist[:, i].tolist()
                for i, name in enumerate(
                    ("attention_received", "trust_earned", "recall", "conversions")
                )
            },
        }

    def hover_text(self, person: int) -> str:
        p = self.model.people[person]
        faded = ", faded" if p.faded else ""
        return (
            f"{self.labels[person]}: {p.strategy}{faded}; attention "
            f"{_pct(p.attention_received)}, trust {_pct(p.trust_earned)}, "
            f"recall {_pct(p.recall)}, won over {p.conversions}"
        )

    def story(self) -> list[StoryEvent]:
        return list(self._events)

    # -- internals -------------------------------------------------------------------------
    def _record(self) -> None:
        stats = self.model.person_stats()
        row = self._history[self.steps % HISTORY_STEPS]
        row[0] = stats["attention_received"]
        row[1] = stats["trust_earned"]
        row[2] = stats["recall"]
        row[3] = stats["conversions"]

    def _say(self, key: str, text: str) -> None:
        if key not in self._said:
            self._said.add(key)
            self._events.append(StoryEvent(self.steps, text))

    def _watch(self) -> None:
        """Write the story line from the run's own numbers."""
        v = self._value
        b, i = "broadcasters", "interactors"
        faded = v(f"faded_{b}")
        if faded > 0:
            n = int(round(faded * max(1, self._count(b, initial=True))))
            self._say(
                "first fade",
                f"The first broadcasters fade: their contacts stopped "
                f"paying attention ({n} faded so far).",
            )
        if faded >= 0.5:
            self._say("half faded", "Half of the broadcasters have faded.")
        att_b = v(f"attention_to_{b}")
        if att_b == att_b and att_b <= 0.25 * v(f"attention_to_{b}", 0):
            self._say(
                "ignored",
                f"Attention to broadcasters is down to {att_b:.0%} of what it "
                "was: people have learned to ignore them.",
            )
        if self.steps == 10:
            mv = self.model.datacollector.model_vars
            reach_b, reach_i = sum(mv[f"reach_{b}"][1:11]), sum(mv[f"reach_{i}"][1:11])
            if reach_b > reach_i:
                self._say(
                    "early reach",
                    f"After 10 steps broadcasters lead in reach: "
                    f"{reach_b:.0f} noticed messages each, against "
                    f"{reach_i:.0f} for interactors.",
                )
        conv_b, conv_i = v(f"conversions_{b}"), v(f"conversions_{i}")
        if (
            self.steps > 1
            and conv_i > conv_b > 0
            and v(f"conversions_{i}", -2) <= v(f"conversions_{b}", -2)
        ):
            self._say(
                "conversions", "Interactors have now won over more people each than broadcasters."
            )
        trust_b, trust_i = v(f"trust_in_{b}"), v(f"trust_in_{i}")
        if trust_i == trust_i and trust_b == trust_b and trust_i > trust_b + 0.1:
            self._say(
                "trust",
                f"Interactors are trusted clearly more: {trust_i:.2f} against {trust_b:.2f}.",
            )

    def _count(self, group: str, initial: bool = False) -> int:
        w = self.model.world
        ids = w.initial_strategy_id if initial else w.strategy_id
        names = np.array([group_of(s) for s in w.strategies], dtype=object)[ids]
        return int(np.sum(names == group))


def _num(x: float) -> float | None:
    return None if x != x else float(x)


def _pct(x: float) -> str:
    return "-" if x != x else f"{x:.0%}"

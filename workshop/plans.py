"""Session plans of 45, 75 and 90 minutes, setup included: the one source of the guide's
timetables (``python -m workshop guide``) and of the tests that each adds up to its length.

A plan is a list of parts, each an exercise (by number, with the minutes it gets in this
plan) or one of the frame's parts (:data:`FRAME`): connecting the room, the welcome, a
fallback buffer and the wrap-up. Exercises run in increasing order, so a plan that drops
some never shows an outcome before its prediction (``tests/test_workshop.py`` checks every
plan against the exercises' ``asks`` and ``runs_to``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .exercises import EXERCISES, Exercise, exercise

__all__ = ["FRAME", "PLANS", "Part", "Plan", "plan"]

#: The parts of a session that are not exercises: key -> (title, what happens).
FRAME = {
    "connect": (
        "Connect the room",
        "The address and the QR code on the projector; students open it and type the room "
        "code; check that every device shows the room. Latecomers join during the welcome.",
    ),
    "welcome": (
        "Welcome",
        "The essay's question in three sentences, and how each exercise works: predict, "
        "run, explain.",
    ),
    "buffer": (
        "Fallback time",
        "Spent only if something fails: a device that cannot connect joins a neighbour; if "
        "the room cannot connect at all, switch to projector-only (its section on the room "
        "card).",
    ),
    "wrap_up": (
        "Wrap-up",
        "Back to the first guesses; which result was built in and which was found; what "
        "the model leaves out.",
    ),
}


@dataclass(frozen=True)
class Part:
    minutes: int
    #: An exercise's number, or a key of FRAME.
    what: int | str

    @property
    def exercise(self) -> Exercise | None:
        return exercise(self.what) if isinstance(self.what, int) else None

    @property
    def title(self) -> str:
        ex = self.exercise
        return f"{ex.number}. {ex.title}" if ex else FRAME[self.what][0]

    @property
    def note(self) -> str:
        ex = self.exercise
        return ex.name if ex else FRAME[self.what][1]


@dataclass(frozen=True)
class Plan:
    minutes: int
    audience: str
    parts: tuple[Part, ...]

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(p.exercise for p in self.parts if p.exercise is not None)

    @property
    def dropped(self) -> tuple[Exercise, ...]:
        used = {ex.number for ex in self.exercises}
        return tuple(ex for ex in EXERCISES if ex.number not in used)

    @property
    def total(self) -> int:
        return sum(p.minutes for p in self.parts)

    def timetable(self) -> list[tuple[int, int, Part]]:
        """(start, end, part) for every part, in minutes from the start."""
        out, clock = [], 0
        for p in self.parts:
            out.append((clock, clock + p.minutes, p))
            clock += p.minutes
        return out


def _p(minutes: int, what: int | str) -> Part:
    return Part(minutes, what)


PLANS: dict[int, Plan] = {
    p.minutes: p
    for p in (
        Plan(
            45,
            "one class period: the essay's core mechanism and its control",
            (
                _p(7, "connect"),
                _p(3, "welcome"),
                _p(7, 1),
                _p(12, 2),
                _p(12, 3),
                _p(4, "wrap_up"),
            ),
        ),
        Plan(
            75,
            "a workshop: the mechanism, memory and trust, and the shared cost of noise",
            (
                _p(8, "connect"),
                _p(4, "welcome"),
                _p(7, 1),
                _p(12, 2),
                _p(11, 3),
                _p(10, 4),
                _p(12, 5),
                _p(5, "buffer"),
                _p(6, "wrap_up"),
            ),
        ),
        Plan(
            90,
            "a long workshop: open play first and a strategy of the students' own",
            (
                _p(8, "connect"),
                _p(4, "welcome"),
                _p(6, 0),
                _p(7, 1),
                _p(12, 2),
                _p(11, 3),
                _p(10, 4),
                _p(20, 7),
                _p(5, "buffer"),
                _p(7, "wrap_up"),
            ),
        ),
    )
}


def plan(minutes: int) -> Plan:
    """The plan of ``minutes`` (KeyError naming the plans there are)."""
    try:
        return PLANS[minutes]
    except KeyError:
        raise KeyError(
            f"no {minutes}-minute plan; there are {', '.join(map(str, PLANS))}"
        ) from None

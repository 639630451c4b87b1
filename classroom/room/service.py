"""The room as the server's pages use it: the database, and word to every page of a room
when something in it changed.

:func:`service` gives the process's one :class:`RoomService`, over the database in the data
folder that ``./dev classroom`` names (``CLASSROOM_DATA``). Every write goes through it, to
the database first (:class:`~classroom.room.store.RoomStore`, the one place the room's state
is kept) and then to the pages: each page of a room waits in a thread of its own
(:meth:`RoomService.wait`) and draws itself again when the room's version moves on. So a
facilitator's "move everyone" costs one write and one wake-up call, never sixty renders in
the facilitator's own thread, and a page never polls faster than it needs to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .store import Prediction, Result, RoomInfo, RoomStore, Student, open_store

__all__ = ["RoomService", "Seat", "service"]


@dataclass(frozen=True)
class Seat:
    """A student's place in a room, as their page knows it."""

    room: str
    token: str
    name: str
    seed: int


class RoomService:
    """Writes to a room's database and wakes the room's pages."""

    def __init__(self, store: RoomStore):
        self.store = store
        self._lock = threading.Lock()
        self._changed: dict[str, threading.Condition] = {}
        self._versions: dict[str, int] = {}

    # -- waiting for a change -------------------------------------------------------------------
    def _condition(self, code: str) -> threading.Condition:
        with self._lock:
            cond = self._changed.get(code)
            if cond is None:
                cond = self._changed[code] = threading.Condition()
            return cond

    def notify(self, code: str) -> None:
        """Wake every page of room ``code``: it changed."""
        version = self.store.version(code)
        cond = self._condition(code)
        with cond:
            self._versions[code] = version
            cond.notify_all()

    def wait(self, code: str, seen: int, timeout: float = 5.0, cancel=None) -> int:
        """The room's version once it is past ``seen``, or after ``timeout`` seconds (then
        read from the database: a change made by another process is seen too); returns
        early when ``cancel`` (a threading.Event) is set."""
        cond = self._condition(code)
        with cond:
            cond.wait_for(
                lambda: (
                    self._versions.get(code, -1) > seen or (cancel is not None and cancel.is_set())
                ),
                timeout=timeout,
            )
            known = self._versions.get(code, -1)
        if known > seen:
            return known
        return self.store.version(code)

    # -- writes ---------------------------------------------------------------------------------
    def _then_notify(self, code: str, value):
        self.notify(code)
        return value

    def join(self, code: str, name: str = "", token: str | None = None) -> Student:
        student = self.store.join(code, name, token)
        return self._then_notify(student.room, student)

    def predict(self, seat: Seat, exercise: int, answer: str, reason: str = "") -> Prediction:
        return self._then_notify(
            seat.room, self.store.predict(seat.token, exercise, answer, reason)
        )

    def record_result(self, seat: Seat, exercise: int, observed: str, value: float) -> Result:
        result = self.store.record_result(seat.token, exercise, observed, value)
        return self._then_notify(seat.room, result)

    def move(self, code: str, exercise: int | None) -> RoomInfo:
        """Every student's page to exercise ``exercise`` (predictions closed)."""
        return self._then_notify(code, self.store.set_exercise(code, exercise))

    def set_phase(self, code: str, phase: str) -> RoomInfo:
        return self._then_notify(code, self.store.set_phase(code, phase))

    def submit_strategy(self, seat: Seat, recipe: dict) -> dict:
        """The student's strategy (a builder recipe's choices) into the room's tournament, in
        place of the one they sent before; returns it as ``RoomStore.strategies`` lists it."""
        return self._then_notify(
            seat.room, self.store.submit_strategy(seat.room, seat.token, recipe)
        )

    def withdraw_strategy(self, code: str, seat: int) -> bool:
        """The facilitator takes the strategy of seat number ``seat`` out of the tournament."""
        return self._then_notify(code, self.store.withdraw_strategy(code, seat))

    def record_tournament(self, code: str, result: dict) -> int:
        """A tournament played in room ``code`` (``Result.to_dict()``), kept; returns its id."""
        return self._then_notify(code, self.store.record_tournament(code, result))

    def touch(self, seat: Seat) -> None:
        self.store.touch(seat.token)


_service: RoomService | None = None
_service_lock = threading.Lock()


def service(opener: Callable[[], RoomStore] = open_store) -> RoomService:
    """The process's room service, over ``opener()`` (the database in ``CLASSROOM_DATA``)
    the first time it is asked for."""
    global _service
    with _service_lock:
        if _service is None:
            _service = RoomService(opener())
        return _service


def use_service(svc: RoomService | None) -> None:
    """Make ``svc`` the process's room service (None: open it again when next asked; the
    tests use their own database)."""
    global _service
    with _service_lock:
        _service = svc

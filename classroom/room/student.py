"""A student's side of a room: joining, the room bar, and the room's part of an exercise.

A student opens the address ``./dev classroom`` printed (``/?room=CODE``), types a display
name if they like (never required, never checked for being real) and is in. Their seat (a
random token) is kept in their browser (:class:`SeatBridge`), so a reload, or the server
restarted after a crash, finds them in the same seat without asking again.

While they are in, their page follows the room (:func:`use_room`): when the facilitator
moves everyone to an exercise, the page opens it; when predictions open, the student can
send theirs (with their reason) to the room, and sees it confirmed once the database holds
it; when the facilitator reveals the tally, it appears. A check runs on the student's own
seed and its result goes to the room, where the facilitator pools the class's runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import anywidget
import solara
import traitlets as t

from ..front_end import front_end
from .service import RoomService, Seat, service
from .store import RoomError, RoomInfo

__all__ = [
    "ROOM",
    "InRoom",
    "JoinBar",
    "RoomPanel",
    "RoomView",
    "SeatBridge",
    "use_room",
    "use_seat",
]

#: How often (seconds) a student's page tells the room it is still there.
HEARTBEAT = 5.0
#: The facilitator's page gathers the room's changes that come within this many seconds
#: into one redraw.
SETTLE = 0.3


class SeatBridge(anywidget.AnyWidget):
    """Keeps a room's seat token in the browser: ``stored`` is what the browser had when the
    page loaded (``loaded`` then True); setting ``token`` stores a new one."""

    _esm = front_end("room/seat.js")
    room = t.Unicode("").tag(sync=True)
    token = t.Unicode("").tag(sync=True)
    stored = t.Unicode("").tag(sync=True)
    loaded = t.Bool(False).tag(sync=True)


@dataclass(frozen=True)
class RoomView:
    """What an exercise page needs of the room: the student's seat, the room as last read,
    and the service to write through."""

    seat: Seat
    info: RoomInfo
    svc: RoomService


def use_seat(code: str, svc: RoomService | None = None):
    """The student's seat in room ``code`` (None until they have joined), the bridge widget
    to place in the page, a ``join(name)`` function and the last problem in words."""
    svc = svc or service()
    bridge = solara.use_memo(lambda: SeatBridge(room=code), dependencies=[code])
    seat, set_seat = solara.use_state(None)
    problem, set_problem = solara.use_state("")

    def seated(student) -> None:
        set_seat(Seat(student.room, student.token, student.name, student.seed))
        bridge.token = student.token

    def rejoin_from_browser():
        def loaded(change):
            token = bridge.stored
            known = svc.store.student(token) if token else None
            if known is not None and known.room == code:
                seated(svc.join(code, token=token))  # the same seat again

        bridge.observe(loaded, "loaded")
        if bridge.loaded:
            loaded(None)
        return lambda: bridge.unobserve(loaded, "loaded")

    solara.use_effect(rejoin_from_browser, [bridge])

    def join(name: str) -> None:
        try:
            seated(svc.join(code, name, token=bridge.stored or None))
            set_problem("")
        except RoomError as err:
            set_problem(str(err))

    return seat, bridge, join, problem


def use_room(
    code: str,
    svc: RoomService | None = None,
    seat: Seat | None = None,
    everything: bool = False,
) -> RoomInfo | None:
    """Room ``code`` as it is now (None for an unknown room), kept up to date by a thread of
    this page that waits for the room's news. A student's page (``everything`` False) draws
    itself again only when what it shows changes, the exercise or the phase, not at every
    other student's join, prediction or check: sixty pages redrawing at each of sixty
    predictions would keep the server busy for minutes. The facilitator's page
    (``everything``) follows every change, gathering those that come within
    :data:`SETTLE` seconds into one redraw. With a ``seat`` the thread also says, every
    few seconds, that the student is still there."""
    svc = svc or service()
    first = solara.use_memo(lambda: svc.store.room(code), dependencies=[code])
    room, set_room = solara.use_state(first)

    def follow(cancel: threading.Event):
        seen, shown = -1, None
        while not cancel.is_set():
            now = svc.wait(code, seen, timeout=HEARTBEAT, cancel=cancel)
            if seat is not None:
                svc.touch(seat)
            if now == seen:
                continue
            if everything and cancel.wait(SETTLE):
                return
            seen = max(now, svc.store.version(code))
            info = svc.store.room(code)
            key = info if everything or info is None else (info.exercise, info.phase)
            if key != shown:
                shown = key
                set_room(info)

    solara.use_thread(follow, dependencies=[code, seat, everything], intrusive_cancel=False)
    return room


@solara.component
def JoinBar(code: str, seat: Seat | None, join, problem: str, known: bool):
    """Above the page: which room this is and who you are in it, or the form to join."""
    name, set_name = solara.use_state("")
    with solara.Row(classes=["room-bar"], gap="12px"):
        if not known:
            solara.Warning(
                f"There is no room {code} on this server: check the address with your facilitator.",
                dense=True,
            )
            return
        if seat is not None:
            solara.Text(f"Room {code}", classes=["room-code"])
            solara.Text("You are: ", classes=["room-you"])
            solara.Text(seat.name, classes=["room-name"])  # text, never markup
            return
        solara.Text(f"Join room {code}", classes=["room-code"])
        solara.InputText(
            "Your name for the room (optional; any name will do)",
            value=name,
            on_value=set_name,
            continuous_update=True,
        )
        solara.Button("Join", on_click=lambda: join(name), color="primary", classes=["room-join"])
        if problem:
            solara.Text(problem, classes=["room-problem"])


@solara.component
def RoomPanel(ex, answer: str | None, reason: str, room: RoomView):
    """The room's part of an exercise: send the prediction while the facilitator has
    predictions open (confirmed once the room's database has it), and the room's tally once
    revealed."""
    info, seat, svc = room.info, room.seat, room.svc
    stored = solara.use_memo(
        lambda: svc.store.prediction(seat.token, ex.number), dependencies=[info]
    )
    confirmed, set_confirmed = solara.use_state(None)  # what the last send stored
    sent = max((p for p in (stored, confirmed) if p is not None), key=_when, default=None)
    problem, set_problem = solara.use_state("")

    def send():
        try:
            set_confirmed(svc.predict(seat, ex.number, answer, reason))
            set_problem("")
        except RoomError as err:
            set_problem(str(err))

    with solara.Column(classes=["room-panel"], gap="6px"):
        solara.Markdown("#### In the room")
        if info.exercise != ex.number:
            where = (
                "The facilitator has not opened an exercise yet."
                if info.exercise is None
                else f"The room is on exercise {info.exercise}."
            )
            solara.Text(f"{where} What you choose here stays in this browser.")
            return
        if sent is not None:
            solara.Text(
                f"The room has your prediction: ({sent.answer}).", classes=["room-confirmed"]
            )
        if info.phase == "open":
            mine = (answer, reason.strip())
            changed = sent is not None and answer is not None and mine != (sent.answer, sent.reason)
            solara.Button(
                "Send my prediction again" if changed else "Send my prediction to the room",
                on_click=send,
                disabled=answer is None,
                color="primary",
                classes=["room-send"],
            )
            if answer is None:
                solara.Text("Choose an option first.", classes=["exercise-hint"])
        elif info.phase == "closed":
            solara.Text(
                "Predictions are not open: your facilitator opens them.", classes=["room-closed"]
            )
        else:
            RoomTally(svc, info)
        if problem:
            solara.Text(problem, classes=["room-problem"])


def _when(prediction) -> float:
    return prediction.updated


@solara.component
def RoomTally(svc: RoomService, info: RoomInfo):
    """The room's predictions for its exercise, as the facilitator revealed them."""
    from .pooled import tally_svg

    counts = solara.use_memo(lambda: svc.store.tally(info.code, info.exercise), dependencies=[info])
    from workshop.exercises import exercise

    ex = exercise(info.exercise)
    labels = {o.key: o.text for o in ex.predict.options}
    solara.Text("The room's predictions:", classes=["room-tally-title"])
    svg = tally_svg(counts, labels, highlight=ex.predict.answer)
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["room-tally"])


#: This tab's place in a room (per browser tab: Solara keeps reactives per kernel), for the
#: Exercises tab; None outside a room or before joining.
ROOM: solara.Reactive[RoomView | None] = solara.reactive(None)


@solara.component
def InRoom(code: str, on_move):
    """A page in room ``code``: the bar (join, or who you are), the seat kept in the
    browser, and the room followed: ``on_move(n)`` when the facilitator moves everyone to
    exercise ``n`` (and once on joining, to the room's exercise)."""
    svc = service()
    seat, bridge, join, problem = use_seat(code, svc)
    info = use_room(code, svc, seat)
    solara.Column(children=[bridge], gap="0px")
    JoinBar(code, seat, join, problem, info is not None)

    def share():
        ROOM.value = RoomView(seat, info, svc) if seat is not None and info is not None else None

    solara.use_effect(share, [seat, info])
    moved_to = None if info is None or seat is None else info.exercise

    def follow():
        if moved_to is not None:
            on_move(moved_to)

    solara.use_effect(follow, [moved_to])

"""Play a person, the student's side: the app's "Play" tab in a room (issue 14).

When the facilitator has started a session (:mod:`classroom.room.playing`), a student takes
part and plays one person of the shared network. Each round they choose what their person
does: pitch to all their contacts, open a conversation with one contact (picked from a
table of what they know of each), or just listen and answer. They see how many others the
round still waits for and the seconds left, what their person has achieved (people won
over, their audience, a plain warning when their contacts tune them out) and, once the
session has ended, how they compare with the androids and the other students' families.

The page follows the room's :class:`~classroom.room.playing.PlayRoom` in a thread of its
own (:func:`use_play`): it waits on the room's ``changed`` condition and draws itself again
when what it shows changed; it never closes a round nor steps the world (the PlayRoom's own
thread does). A session started by another process (a facilitator's command line, a test)
is picked up from the room's database every few seconds (:func:`catch_up`).

Everything shown is a number or fixed text: no student's name appears here.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import reacton.ipyvuetify as rv
import solara

from .playing import PersonView, PlayRoom, play_room
from .service import RoomService, Seat
from .student import HEARTBEAT, ROOM

__all__ = [
    "NO_SESSION",
    "PlayPerson",
    "PlayTab",
    "Seen",
    "catch_up",
    "choice_text",
    "debrief_sentence",
    "snapshot",
    "use_play",
]

STYLE = Path(__file__).with_name("play_student.css")

#: What the tab says while the room has no session.
NO_SESSION = "When your facilitator starts a session, you will play one person here."
#: Gather the room's changes that come within this many seconds into one redraw (sixty
#: students choosing within a second would otherwise redraw every page sixty times).
SETTLE = 0.3
#: How often (seconds) the page looks in the room's database for a session started by
#: another process; the room's own changes wake it at once.
DB_EVERY = HEARTBEAT
#: The contacts listed in the table (those who pay the most attention); the others are in
#: a list below it.
MAX_ROWS = 25
#: The groups of the debrief, in the order shown, and their names on the page.
GROUPS = {
    "pitchers": "Students who mostly pitched",
    "talkers": "Students who mostly talked",
    "listeners": "Students who mostly listened",
    "android broadcasters": "Android broadcasters",
    "android interactors": "Android interactors",
}


@dataclass(frozen=True)
class Seen:
    """What the page shows of the room's session, read under its lock (plain values)."""

    status: str  # '' | 'running' | 'paused' | 'ended'
    session: int | None  # the session's id
    round: int  # rounds played
    view: PersonView | None  # the student's person (None: not playing)
    choice: tuple | None  # the student's choice this round
    family: str  # what the student mostly did ('' before a round)
    standings: dict | None  # the debrief's groups (only once the session has ended)


def snapshot(play: PlayRoom, student: int | None) -> Seen:
    """The session as ``student`` sees it now."""
    with play.lock:
        world, session = play.world, play.session
        status = play.status
        if world is None or session is None:
            return Seen(status, None, 0, None, None, "", None)
        view = world.view(student) if student is not None else None
        return Seen(
            status,
            session["id"],
            world.round,
            view,
            play.pending.get(student),
            world.family_of(student) if student is not None else "",
            world.standings() if status == "ended" else None,
        )


def catch_up(play: PlayRoom, svc: RoomService, code: str, known: int) -> int:
    """If the room's database moved past version ``known``, and holds a session the
    PlayRoom does not have (a newer one, or its status changed by another process), the
    PlayRoom resumes it. Returns the database's version (cheap: one query when nothing
    changed)."""
    version = svc.store.version(code)
    if version == known:
        return version
    row = svc.store.play_session(code)
    if row is None:
        return version
    with play.lock:  # checked under the lock: one page resumes, the others see it done
        mine = play.session
        if mine is None or row["id"] > mine["id"] or row["status"] != mine["status"]:
            play.resume()
    return version


def use_play(svc: RoomService, code: str, student: int | None) -> tuple[PlayRoom, Seen, object]:
    """The room's PlayRoom, what ``student`` sees of it (kept up to date by a thread of
    this page waiting on the PlayRoom's ``changed``), and a ``refresh()`` that reads it
    again at once (after the student's own action)."""
    play = solara.use_memo(lambda: play_room(svc, code), dependencies=[svc, code])
    first = solara.use_memo(lambda: snapshot(play, student), dependencies=[play, student])
    seen, set_seen = solara.use_state(first)

    def follow(cancel: threading.Event):
        version, db_version, shown = -1, svc.store.version(code), None
        db_due = time.monotonic() + DB_EVERY
        while not cancel.is_set():
            with play.changed:
                if play.version == version:
                    play.changed.wait(timeout=1.0)  # also how soon a closed tab's thread ends
                now = play.version
            if cancel.is_set():
                return
            if time.monotonic() >= db_due:
                db_due = time.monotonic() + DB_EVERY
                db_version = catch_up(play, svc, code, db_version)
                now = play.version
            if now == version:
                continue
            if cancel.wait(SETTLE):
                return
            version = play.version
            seen_now = snapshot(play, student)
            if seen_now != shown:
                shown = seen_now
                set_seen(seen_now)

    solara.use_thread(follow, dependencies=[play, student], intrusive_cancel=False)

    def refresh():
        set_seen(snapshot(play, student))

    return play, seen, refresh


def choice_text(choice: tuple | None) -> str:
    """A choice in words."""
    if not choice:
        return ""
    if choice[0] == "pitch":
        return "pitch to all my contacts"
    if choice[0] == "talk":
        return f"talk with person {choice[1]}"
    return "just listen"


def _num(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _trust_earned(view: PersonView) -> float:
    """The mean trust the person's contacts have in them (NaN without contacts)."""
    trust = [c.trust_in_me for c in view.contacts]
    return sum(trust) / len(trust) if trust else math.nan


def _others(n: int) -> str:
    return f"{n} other" if n == 1 else f"{n} others"


def debrief_sentence(standings: dict, mine: PersonView | None, family: str) -> str:
    """One plain sentence: how the student (or the students) did against the androids."""
    bits = []
    for group in ("android broadcasters", "android interactors"):
        if group in standings:
            bits.append(f"{GROUPS[group].lower()} {_num(standings[group]['won_over'], 1)}")
    androids = " and ".join(bits) if bits else "no androids"
    if mine is not None:
        own = f"You won over {mine.won_over} {'person' if mine.won_over == 1 else 'people'}"
        if family in standings:
            own += f" ({GROUPS[family].lower()}: {_num(standings[family]['won_over'], 1)} each)"
        return f"{own}; on average, {androids} won over each."
    students = [
        f"{GROUPS[g].lower()} {_num(standings[g]['won_over'], 1)}"
        for g in ("pitchers", "talkers", "listeners")
        if g in standings
    ]
    if not students:
        return f"No student played; on average, {androids} won over each."
    return f"On average, {' and '.join(students)} won over each; {androids}."


@solara.component
def PlayTab():
    """The Play tab of a page in a room."""
    solara.Style(STYLE)
    room = ROOM.value
    with solara.Column(classes=["play"], gap="10px"):
        solara.Markdown("#### Play a person")
        if room is None:
            solara.Text(
                "Join the room (at the top of the page) to play a person in it.",
                classes=["play-text"],
            )
            return
        PlayPerson(room.svc, room.seat)


@solara.component
def PlayPerson(svc: RoomService, seat: Seat):
    """The student ``seat`` in their room's session."""
    student = solara.use_memo(
        lambda: getattr(svc.store.student(seat.token), "id", None), dependencies=[svc, seat]
    )
    play, seen, refresh = use_play(svc, seat.room, student)
    problem, set_problem = solara.use_state("")

    def act(do):
        def run():
            try:
                do()
                set_problem("")
            except ValueError as err:  # PlayError, or the room's own refusals (RoomError)
                set_problem(str(err))
            refresh()

        return run

    if seen.status == "" or student is None:
        solara.Text(NO_SESSION, classes=["play-text", "play-no-session"])
        return
    if seen.status == "ended":
        Debrief(seen)
        return
    if seen.view is None:
        solara.Text(
            "A session is on: you play one person in a shared network, and built-in "
            "strategies play everyone else. Each round you choose what your person does.",
            classes=["play-text"],
        )
        solara.Button(
            "Take part",
            on_click=act(lambda: play.join(student)),
            color="primary",
            classes=["play-big", "play-join"],
        )
        if problem:
            solara.Text(problem, classes=["play-problem"])
        return
    view = seen.view
    with solara.Row(classes=["play-head"], gap="16px"):
        with rv.Html(tag="div", class_="play-round", attributes={"aria-live": "polite"}):
            solara.Text(f"You play person {view.person}.", classes=["play-person"])
            solara.Text(f"Rounds played: {seen.round}", classes=["play-rounds"])
        if seen.status == "paused":
            solara.Text("Paused by the facilitator", classes=["play-paused"])
        else:
            Countdown(play, seen.session, seen.round, student, bool(seen.choice))
    open_ = seen.status == "running"
    Choices(view, seen, open_, act, play, student)
    with rv.Html(tag="div", class_="play-status", attributes={"aria-live": "polite"}):
        if seen.choice:
            solara.Text(f"Your choice: {choice_text(seen.choice)}.", classes=["play-chosen"])
        elif open_:
            solara.Text(
                "Choose what your person does this round (if the time runs out, they listen).",
                classes=["play-hint"],
            )
        if problem:
            solara.Text(problem, classes=["play-problem"])
    YourPerson(view)


def _table_head(caption: str, heads) -> None:
    """A table's caption and its header row (each a column header, for screen readers)."""
    rv.Html(tag="caption", children=[caption])
    with rv.Html(tag="thead"), rv.Html(tag="tr"):
        for head in heads:
            rv.Html(tag="th", attributes={"scope": "col"}, children=[head])


@solara.component
def Countdown(play: PlayRoom, session, round_: int, student: int, chosen: bool):
    """The seconds left in the round and, once the student has chosen, how many others the
    round waits for: read again each second by this small component only, so the others'
    choices never redraw the page (sixty students choosing would redraw sixty pages sixty
    times). Not a live region: a screen reader is not told every second."""

    def read() -> tuple[int, int]:
        waiting = len([s for s in play.waiting_for() if s != student]) if chosen else 0
        return math.ceil(play.seconds_left()), waiting

    now, set_now = solara.use_state(read())

    def tick(cancel: threading.Event):
        set_now(read())
        while not cancel.wait(1.0):
            set_now(read())

    solara.use_thread(
        tick, dependencies=[play, session, round_, student, chosen], intrusive_cancel=False
    )
    left, waiting = now
    with rv.Html(tag="div", class_="play-countdown", attributes={"role": "timer"}):
        solara.Text(f"{left} s left", classes=["play-seconds"])
        if chosen:
            text = f"Waiting for {_others(waiting)}." if waiting else "Waiting for the round."
            solara.Text(text, classes=["play-waiting"])


@solara.component
def Choices(view: PersonView, seen: Seen, open_: bool, act, play: PlayRoom, student: int):
    """The three choices: pitch, talk with a contact chosen in the table, listen."""
    picked, set_picked = solara.use_state(None)
    mine = seen.choice or ()
    with solara.Column(classes=["play-choices"], gap="10px"):
        solara.Text(f"Round {seen.round + 1}: what does your person do?", classes=["play-question"])
        solara.Button(
            "Pitch to all my contacts",
            on_click=act(lambda: play.choose(student, "pitch")),
            disabled=not open_,
            color="primary",
            outlined=mine[:1] != ("pitch",),
            classes=["play-big", "play-pitch"],
            attributes={"aria-pressed": "true" if mine[:1] == ("pitch",) else "false"},
        )
        with solara.Column(classes=["play-talk"], gap="6px"):
            ContactTable(view, picked, set_picked)
            solara.Button(
                f"Talk with person {picked}" if picked is not None else "Talk with …",
                on_click=act(lambda: play.choose(student, ("talk", picked))),
                disabled=not open_ or picked is None,
                color="primary",
                outlined=mine[:1] != ("talk",),
                classes=["play-big", "play-talk-button"],
                attributes={
                    "aria-label": (
                        f"Talk with person {picked}"
                        if picked is not None
                        else "Talk with a contact (choose one in the table first)"
                    ),
                    "aria-pressed": "true" if mine[:1] == ("talk",) else "false",
                },
            )
        solara.Button(
            "Just listen",
            on_click=act(lambda: play.choose(student, "listen")),
            disabled=not open_,
            color="primary",
            outlined=mine[:1] != ("listen",),
            classes=["play-big", "play-listen"],
            attributes={"aria-pressed": "true" if mine[:1] == ("listen",) else "false"},
        )


@solara.component
def ContactTable(view: PersonView, picked, set_picked):
    """The person's contacts, those who pay the most attention first: a button per row
    picks the contact to talk with."""
    contacts = sorted(view.contacts, key=lambda c: (-c.attention_to_me, c.person))
    if not contacts:
        solara.Text("Your person has no contacts to talk with.", classes=["play-text"])
        return
    heads = (
        "Contact",
        "Attention they pay me (0 to 1)",
        "Their trust in me",
        "My trust in them",
        "Last talked (round)",
        "Won over",
    )
    shown = contacts[:MAX_ROWS]
    with (
        rv.Html(tag="div", class_="play-table-wrap"),
        rv.Html(tag="table", class_="play-contacts"),
    ):
        _table_head("Talk with one contact: choose them here", heads)
        with rv.Html(tag="tbody"):
            for c in shown:
                chosen = c.person == picked
                with rv.Html(tag="tr", class_="play-picked" if chosen else ""):
                    with rv.Html(tag="td"):
                        solara.Button(
                            f"✓ Person {c.person}" if chosen else f"Person {c.person}",
                            on_click=lambda p=c.person: set_picked(p),
                            text=not chosen,
                            outlined=chosen,
                            classes=["play-pick"],
                            attributes={
                                "aria-label": f"Choose person {c.person}",
                                "aria-pressed": "true" if chosen else "false",
                            },
                        )
                    cells = (
                        _num(c.attention_to_me),
                        _num(c.trust_in_me),
                        _num(c.my_trust),
                        "never" if c.last_talked is None else str(c.last_talked),
                        "yes" if c.won else "no",
                    )
                    for cell in cells:
                        rv.Html(tag="td", children=[cell])
    if len(contacts) > MAX_ROWS:
        rest = contacts[MAX_ROWS:]
        solara.Text(
            f"Showing the {MAX_ROWS} contacts who pay you the most attention, of "
            f"{len(contacts)}. The others:",
            classes=["play-text"],
        )
        solara.Select(
            "Another contact",
            values=[f"Person {c.person}" for c in rest],
            value=f"Person {picked}" if picked in {c.person for c in rest} else None,
            on_value=lambda label: set_picked(int(label.split()[-1])) if label else None,
        )


@solara.component
def YourPerson(view: PersonView):
    """What the student's person has achieved, and the last round's messages."""
    with solara.Column(classes=["play-you"], gap="4px"):
        solara.Text(f"People won over: {view.won_over}", classes=["play-won"])
        solara.Text(
            f"Audience (the mean attention your contacts pay you, 0 to 1): {_num(view.audience)}",
            classes=["play-audience"],
        )
        if view.faded:
            solara.Warning("Your person has faded: your contacts have tuned you out.", dense=True)
        elif view.fading:
            solara.Warning("Your contacts are tuning you out.", dense=True)
        if view.round:
            noticed = (
                "you noticed those of person"
                + ("s " if len(view.noticed_from) > 1 else " ")
                + ", ".join(str(p) for p in view.noticed_from)
                if view.noticed_from
                else "you noticed none of them"
            )
            messages = "message" if view.received == 1 else "messages"
            solara.Text(
                f"Last round {view.received} {messages} reached you; {noticed}.",
                classes=["play-received"],
            )


@solara.component
def Debrief(seen: Seen):
    """The ended session: each group's means, the student's own row, one sentence."""
    standings = seen.standings or {}
    view = seen.view
    solara.Text(
        f"The session has ended after {seen.round} {'round' if seen.round == 1 else 'rounds'}.",
        classes=["play-text", "play-ended"],
    )
    solara.Text(debrief_sentence(standings, view, seen.family), classes=["play-sentence"])
    heads = ("Group", "People", "Won over (mean)", "Audience", "Trust earned", "Faded")
    with (
        rv.Html(tag="div", class_="play-table-wrap"),
        rv.Html(tag="table", class_="play-debrief"),
    ):
        _table_head("How each group did (means per person)", heads)
        with rv.Html(tag="tbody"):
            if view is not None:
                with rv.Html(tag="tr", class_="play-you-row"):
                    rv.Html(tag="th", attributes={"scope": "row"}, children=["You (your person)"])
                    for cell in (
                        "1",
                        str(view.won_over),
                        _num(view.audience),
                        _num(_trust_earned(view)),
                        "yes" if view.faded else "no",
                    ):
                        rv.Html(tag="td", children=[cell])
            for group, label in GROUPS.items():
                if group not in standings:
                    continue
                g = standings[group]
                name = label + (" (your family)" if group == seen.family else "")
                with rv.Html(tag="tr"):
                    rv.Html(tag="th", attributes={"scope": "row"}, children=[name])
                    for cell in (
                        str(g["people"]),
                        _num(g["won_over"], 1),
                        _num(g["audience"]),
                        _num(g["trust"]),
                        f"{_num(100 * g['faded'], 0)}%",
                    ):
                        rv.Html(tag="td", children=[cell])

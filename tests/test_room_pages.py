"""The room's pages in-process (no browser): the facilitator's page and its key, a student
joining from the app, the room moving everyone to an exercise, predictions sent and
tallied, a check pooled, and a hostile name shown as text."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from solara.routing import Router, router_context
from waiting import wait_until

import app
from classroom import exercises_tab
from classroom.room import student as student_mod
from classroom.room.facilitator import FacilitatorPage
from classroom.room.service import RoomService, use_service
from classroom.room.store import RoomStore


@pytest.fixture
def room(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    svc = RoomService(store)
    use_service(svc)
    info, key = store.create_room("test")
    exercises_tab.reset()
    student_mod.ROOM.value = None
    yield svc, info.code, key
    use_service(None)
    exercises_tab.reset()
    student_mod.ROOM.value = None


@solara.component
def At(path: str, search: str, page):
    router_context.provide(
        Router(
            path + (f"?{search}" if search else ""), [solara.Route("/")], set_path=lambda _: None
        )
    )
    return solara.Column(children=[page()])


def render(path: str, search: str, page):
    box, rc = solara.render(At(path, search, page), handle_error=False)
    return rc


def texts(rc) -> list[str]:
    """The page's plain texts (solara.Text, and what alerts say)."""
    found = rc.find(v.Html).widgets + rc.find(v.Alert).widgets
    return [c for w in found for c in w.children if isinstance(c, str)]


def test_the_facilitator_page_needs_the_rooms_key(room):
    svc, code, key = room
    for search in ("", f"room={code}", f"room={code}&key=wrong", f"room=ZZZZZ&key={key}"):
        rc = render("/facilitator", search, FacilitatorPage)
        shown = " ".join(texts(rc))
        assert "opens only with the room's key" in shown, search
        assert "Move everyone" not in shown and f"Room {code}" not in shown
        rc.close()
    rc = render("/facilitator", f"room={code.lower()}&key={key}", FacilitatorPage)
    assert f"Room {code}" in texts(rc)
    assert rc.find(v.Btn, children=["Move everyone to this exercise"]).widgets
    rc.close()


def test_a_student_joins_follows_the_room_and_the_facilitator_sees_it(room):
    svc, code, key = room
    page = render("/", f"room={code}", app.AppPage)
    bridge = page.find(student_mod.SeatBridge).widget
    bridge.loaded = True  # what the browser says once it has looked in its storage (nothing)
    hostile = "<img src=x onerror=alert(1)>"
    page.find(
        v.TextField, label="Your name for the room (optional; any name will do)"
    ).widget.v_model = hostile
    page.find(v.Btn, children=["Join"]).widget.click()
    wait_until(lambda: svc.store.students(code), "the student is in the room")
    assert bridge.token == svc.store.students(code)[0].token  # kept in the browser
    assert hostile in texts(page)  # the name, as text (solara.Text escapes it)

    desk = render("/facilitator", f"room={code}&key={key}", FacilitatorPage)
    wait_until(lambda: "In the room: 1 of 1" in " ".join(_markdown(desk)), "the student listed")
    # move everyone to exercise 2: the student's page opens it on the Exercises tab
    desk.find(v.Select, label="Exercise").widget.v_model = next(
        t for t in desk.find(v.Select, label="Exercise").widget.items if t.startswith("Exercise 2:")
    )
    desk.find(v.Btn, children=["Move everyone to this exercise"]).widget.click()
    wait_until(lambda: exercises_tab.CURRENT.value == 2, "the student's page moved to exercise 2")
    wait_until(lambda: page.find(v.Btn, children=["Send my prediction to the room"]).widgets == []
               and "Predictions are not open: your facilitator opens them." in texts(page),
               "the student sees that predictions are closed")  # fmt: skip
    desk.find(v.Btn, children=["Open predictions"]).widget.click()
    wait_until(
        lambda: page.find(v.Btn, children=["Send my prediction to the room"]).widgets,
        "the send button, once predictions open",
    )
    page.find(v.RadioGroup).widget.v_model = "c"
    page.find(v.Btn, children=["Send my prediction to the room"]).widget.click()
    wait_until(lambda: svc.store.tally(code, 2)["c"] == 1, "the prediction in the room")
    wait_until(
        lambda: "The room has your prediction: (c)." in texts(page), "the student sees it confirmed"
    )
    wait_until(lambda: "Predictions: 1" in " ".join(_markdown(desk)), "the facilitator's tally")
    # the student's check runs on their own seed, and the room pools it
    page.find(v.Btn, children=["Check"]).widget.click()
    wait_until(lambda: svc.store.results(code, 2), "the check's result in the room", timeout=30)
    result = svc.store.results(code, 2)[0]
    assert result.seed == svc.store.students(code)[0].seed and result.observed in "abc"
    wait_until(lambda: "The class's runs: 1" in " ".join(_markdown(desk)), "the pooled runs")
    # reveal: the student's page shows the room's tally
    desk.find(v.Btn, children=["Reveal the tally"]).widget.click()
    wait_until(lambda: "The room's predictions:" in texts(page), "the tally on the student's page")
    page.close()
    desk.close()


def _markdown(rc) -> list[str]:
    out = []
    for w in rc.find(v.VuetifyTemplate).widgets:
        template = getattr(w, "template", None)
        out.append(getattr(template, "template", None) or str(template))
    return out

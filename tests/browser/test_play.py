"""Play a person (issue 14) in a real browser: the room's production server (as
``./dev classroom`` starts it, :class:`~tests.browser.test_room.RoomServer`), two students in
two browser contexts (each in the seat its browser remembers) and the facilitator's page.

The students open the Play tab and are told a session will come; the facilitator starts one
on their page ("Start the session"; if that page has no such button, the session is written
to the room's database as the facilitator's page would, and the server's pages pick it up);
both students take part and play two rounds: each round closes as soon as both have chosen
(not on its timer), and both pages count the rounds. The facilitator ends the session and
both pages show the debrief. The Play tab passes the axe-core audit and fits a phone's width.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from benchmarks.appserver import free_port  # the checkout, on sys.path (conftest.py)
from classroom.room.play_student import NO_SESSION
from classroom.room.playing import PlaySettings
from classroom.room.store import DB_NAME, RoomStore

from . import test_room
from .conftest import PAGE_READY_TIMEOUT
from .test_accessibility import _assert_no_serious_violations, _audit, _to_phone_width
from .test_room import (
    ROOM_WAIT,
    PreparedRoom,
    RoomServer,
    Tab,
    _seated_student,
    _worker,
    wait_for_text,
)

#: test_room's fixture: a page in a fresh browser context (``new_tab(url)``)
new_tab = test_room.new_tab

NAMES = ("Ada", "Bob")
#: The round timer (seconds): long, so that only both choices close a round.
SECONDS = 120.0


@pytest.fixture
def play_room_server(tmp_path):
    """A room with two students (written before the server starts) and its server."""
    data = tmp_path / "classroom-data"
    store = RoomStore(data / DB_NAME)
    info, key = store.create_room("play")
    seats = [store.join(info.code, name) for name in NAMES]
    store.close()
    server = RoomServer(data=data, port=free_port(), name=f"{_worker()}-play")
    server.start()
    try:
        yield server, info.code, key, seats
    finally:
        server.close()


def _open_play_tab(tab: Tab, name: str) -> None:
    expect(tab.page.locator(".room-name")).to_have_text(name, timeout=PAGE_READY_TIMEOUT)
    tab.page.get_by_role("tab", name="Play").click()
    expect(tab.page.get_by_role("tab", name="Play")).to_have_attribute("aria-selected", "true")


def _rounds(page: Page, n: int) -> None:
    expect(page.locator(".play-rounds")).to_have_text(f"Rounds played: {n}", timeout=ROOM_WAIT)


def _start_session(server: RoomServer, code: str, key: str, new_tab) -> Tab:
    """The facilitator starts a session on their page (or, without the button there,
    through the room's database); returns the facilitator's tab."""
    fac = new_tab(
        f"{server.url}facilitator?room={code}&key={key}", viewport={"width": 1366, "height": 900}
    )
    wait_for_text(fac.page, f"Room {code}", timeout=PAGE_READY_TIMEOUT, exact=True)
    start = fac.page.get_by_role("button", name="Start the session")
    if start.count():
        # a long round timer: only both choices close a round
        timer = fac.page.locator(".v-select").filter(has_text="Round timer (seconds)")
        timer.locator(".v-field").click()
        fac.page.get_by_role("option", name=str(int(SECONDS)), exact=True).click()
        expect(timer).to_contain_text(str(int(SECONDS)))
        start.click()
    else:  # no facilitator's controls: the session as the facilitator's page would write it
        store = server.store()
        try:
            settings = PlaySettings(n_agents=100, seed=7, round_seconds=SECONDS)
            store.start_play(code, settings.to_dict(), settings.round_seconds)
        finally:
            store.close()
    return fac


@pytest.mark.timeout(240)
def test_two_students_play_two_rounds(play_room_server, new_tab):
    server, code, key, seats = play_room_server
    tabs = []
    for seat in seats:
        room = PreparedRoom(server, code, key, "", "", seat.token, seat.name)
        tabs.append(_seated_student(new_tab, room))
    for tab, name in zip(tabs, NAMES, strict=True):
        _open_play_tab(tab, name)
        wait_for_text(tab.page, NO_SESSION, timeout=PAGE_READY_TIMEOUT)

    fac = _start_session(server, code, key, new_tab)
    for tab in tabs:
        take_part = tab.page.get_by_role("button", name="Take part")
        take_part.wait_for(timeout=ROOM_WAIT)
        take_part.click()
        expect(tab.page.locator(".play-person")).to_have_text(
            re.compile(r"^You play person \d+\.$"), timeout=ROOM_WAIT
        )
        _rounds(tab.page, 0)
        expect(tab.page.locator(".play-countdown")).to_have_text(re.compile(r"^\s*\d+ s left\s*$"))
    a, b = (t.page for t in tabs)

    # round 1: one pitches (and waits for the other), the other talks with a contact
    t0 = time.monotonic()
    a.get_by_role("button", name="Pitch to all my contacts").click()
    wait_for_text(a, "Your choice: pitch to all my contacts.")
    wait_for_text(a, "Waiting for 1 other.")
    _rounds(a, 0)
    b.locator(".play-contacts .play-pick").first.click()
    talk = b.locator(".play-talk-button")
    expect(talk).to_be_enabled()
    talk.click()
    for page in (a, b):
        _rounds(page, 1)
    # round 2: one listens, the other pitches
    a.get_by_role("button", name="Just listen").click()
    wait_for_text(a, "Your choice: just listen.")
    wait_for_text(a, "Waiting for 1 other.")
    b.get_by_role("button", name="Pitch to all my contacts").click()
    for page in (a, b):
        _rounds(page, 2)
    elapsed = time.monotonic() - t0

    # each round closed on both choices, not on its timer
    store = server.store()
    try:
        session = store.play_session(code)
        rounds = [e for e in store.play_events(session["id"]) if e["kind"] == "round"]
    finally:
        store.close()
    assert session["round_seconds"] == SECONDS
    assert [e["round"] for e in rounds] == [1, 2]
    ids = sorted(str(s.id) for s in seats)
    for event in rounds:
        assert sorted(event["payload"]["choices"]) == ids, event
    assert [event["payload"]["choices"][str(seats[0].id)][0] for event in rounds] == [
        "pitch",
        "listen",
    ]
    assert elapsed < session["round_seconds"], "a round closed on its timer"

    # the Play tab: no serious axe violation, and it fits a phone
    _assert_no_serious_violations(_audit(tabs[0].as_app_tab(server.url), "play-student"))
    _to_phone_width(tabs[1].as_app_tab(server.url))
    expect(b.get_by_role("tab", name="Play")).to_be_visible()

    # the facilitator ends the session: both pages show the debrief
    end = fac.page.get_by_role("button", name="End the session")
    if end.count():
        end.click()
        for page in (a, b):
            expect(page.locator("table.play-debrief")).to_have_count(1, timeout=ROOM_WAIT)
            wait_for_text(page, "The session has ended after 2 rounds.")
    for tab in (*tabs, fac):
        assert tab.dialogs == [] and tab.errors == [], (tab.dialogs, tab.errors)

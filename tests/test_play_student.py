"""Play a person, the student's side, in-process (no browser): the Play tab waits for a
session; once the facilitator starts one the student takes part, chooses (pitch, talk with a
contact picked in the table, listen) and sees whom the round still waits for; the round
closes when everyone chose; a session started by another process is picked up from the
database; after the session ends the debrief compares the groups. The tab is only on a page
in a room."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from solara.routing import Router, router_context
from waiting import wait_until

import app
from classroom.room import play_student
from classroom.room import student as student_mod
from classroom.room.playing import PlaySettings, forget_play_rooms, play_room
from classroom.room.service import RoomService, Seat, use_service
from classroom.room.store import RoomStore

SETTINGS = PlaySettings(n_agents=40, seed=3, round_seconds=300)


@pytest.fixture
def room(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    svc = RoomService(store)
    use_service(svc)
    info, _key = store.create_room("play")
    ada, bob = store.join(info.code, "Ada"), store.join(info.code, "Bob")
    seat = Seat(ada.room, ada.token, ada.name, ada.seed)
    student_mod.ROOM.value = student_mod.RoomView(seat, info, svc)
    yield svc, info.code, ada, bob
    student_mod.ROOM.value = None
    forget_play_rooms()
    use_service(None)
    store.close()


def _strings(widget) -> list[str]:
    out = []
    for c in getattr(widget, "children", None) or []:
        if isinstance(c, str):
            if isinstance(widget, v.Html | v.Alert):
                out.append(c)
        else:
            out += _strings(c)
    return out


def texts(rc) -> list[str]:
    """Every text the page shows (solara.Text, table cells, alerts), nested ones too."""
    return _strings(rc.find(v.Sheet).widgets[0]) if rc.find(v.Sheet).widgets else []


def shown(rc) -> str:
    return " | ".join(texts(rc))


def button(rc, text: str):
    found = [w for w in rc.find(v.Btn).widgets if text in w.children]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}: {shown(rc)}"
    return found[0]


def rows(rc, table: str) -> list[list[str]]:
    """The body rows of the table with class ``table``, as the texts of their cells (a
    button's label for a cell holding one)."""
    [widget] = rc.find(v.Html, tag="table", class_=table).widgets
    [body] = [c for c in widget.children if getattr(c, "tag", "") == "tbody"]
    out = []
    for tr in body.children:
        cells = []
        for cell in tr.children:
            bits = []
            for c in cell.children:
                if isinstance(c, str):
                    bits.append(c)
                elif isinstance(c, v.Btn):
                    bits.append(str(c.children[0]))
            cells.append(" ".join(bits))
        out.append(cells)
    return out


def test_without_a_session_the_tab_says_what_will_happen(room):
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    assert play_student.NO_SESSION in texts(rc)
    assert not rc.find(v.Btn, children=["Take part"]).widgets
    rc.close()


def test_a_student_takes_part_chooses_and_waits_for_the_others(room):
    svc, code, ada, bob = room
    play = play_room(svc, code)
    play.start(SETTINGS)
    play.join(bob.id)  # another student, already playing
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    rc.find(v.Btn, children=["Take part"]).wait_for(timeout=5)
    button(rc, "Take part").click()
    person = play.world.players[ada.id]
    wait_until(lambda: f"You play person {person}." in texts(rc), "the student's person shown")
    assert not rc.find(v.Btn, children=["Take part"]).widgets
    assert "Rounds played: 0" in texts(rc)
    assert any(t.endswith(" s left") for t in texts(rc)), shown(rc)
    assert "People won over: 0" in texts(rc)
    # taking part again (another tab of the same student) keeps the same person
    assert play.join(ada.id) == person

    button(rc, "Pitch to all my contacts").click()
    assert play.pending[ada.id] == ("pitch",)
    wait_until(
        lambda: (
            "Your choice: pitch to all my contacts." in texts(rc)
            and "Waiting for 1 other." in texts(rc)
        ),
        "the choice confirmed, and whom the round waits for",
    )
    # they may change it until the round closes
    button(rc, "Just listen").click()
    wait_until(
        lambda: "Your choice: just listen." in texts(rc) and "Waiting for 1 other." in texts(rc),
        "the new choice",
    )
    # the other student chooses: the round closes (in the PlayRoom's thread) for everyone
    play.choose(bob.id, "pitch")
    wait_until(lambda: "Rounds played: 1" in texts(rc), "the round closed on the page")
    wait_until(lambda: not any(t.startswith("Your choice:") for t in texts(rc)), "choice reset")
    wait_until(
        lambda: (
            "Last round 0 messages reached you; you noticed none of them." in texts(rc)
            or any(t.startswith("Last round ") for t in texts(rc))
        ),
        "what reached the person last round",
    )
    assert play.world.family_of(ada.id) == "listeners"
    rc.close()


def test_the_talk_table_lists_the_contacts_and_talks_with_the_one_picked(room):
    svc, code, ada, bob = room
    play = play_room(svc, code)
    play.start(SETTINGS)
    play.join(bob.id)
    person = play.join(ada.id)
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    wait_until(lambda: f"You play person {person}." in texts(rc), "the student's person shown")
    contacts = play.world.view(ada.id).contacts
    table = rows(rc, "play-contacts")
    assert len(table) == min(len(contacts), play_student.MAX_ROWS)
    listed = {int(r[0].split()[-1]) for r in table}
    assert listed <= {c.person for c in contacts}
    attention = [float(r[1]) for r in table]
    assert attention == sorted(attention, reverse=True)  # most attention first
    assert all(r[5] in ("yes", "no") and r[4] == "never" for r in table)
    talk = [w for w in rc.find(v.Btn).widgets if "Talk with …" in w.children]
    assert talk and talk[0].disabled  # nobody picked yet
    friend = int(table[0][0].split()[-1])
    [pick] = [w for w in rc.find(v.Btn).widgets if w.children == [f"Person {friend}"]]
    pick.click()
    button(rc, f"Talk with person {friend}").click()
    assert play.pending[ada.id] == ("talk", friend)
    wait_until(
        lambda: (
            f"Your choice: talk with person {friend}." in texts(rc)
            and "Waiting for 1 other." in texts(rc)
        ),
        "the talk confirmed",
    )
    assert [w for w in rc.find(v.Btn).widgets if w.children == [f"✓ Person {friend}"]]
    play.choose(bob.id, "listen")
    wait_until(lambda: "Rounds played: 1" in texts(rc), "the round closed")
    # the table says when each conversation was last held (a conversation asked for is held
    # once the contact answers), as the world has it
    held = {
        c.person: "never" if c.last_talked is None else str(c.last_talked)
        for c in play.world.view(ada.id).contacts
    }
    assert {int(r[0].split()[-1]): r[4] for r in rows(rc, "play-contacts")}.items() <= held.items()
    rc.close()


def test_paused_by_the_facilitator(room):
    svc, code, ada, bob = room
    play = play_room(svc, code)
    play.start(SETTINGS)
    play.join(ada.id)
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    rc.find(v.Btn, children=["Pitch to all my contacts"]).wait_for(timeout=5)
    play.set_status("paused")
    wait_until(lambda: "Paused by the facilitator" in texts(rc), "the pause shown")
    assert button(rc, "Pitch to all my contacts").disabled
    play.set_status("running")
    wait_until(lambda: not button(rc, "Pitch to all my contacts").disabled, "open again")
    rc.close()


def test_a_session_started_by_another_process_is_picked_up(room, monkeypatch):
    svc, code, ada, bob = room
    monkeypatch.setattr(play_student, "DB_EVERY", 0.2)
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    assert play_student.NO_SESSION in texts(rc)
    play_room(svc, code)  # the server's PlayRoom exists, with no session
    other = RoomStore(svc.store.path)  # another process's connection to the same database
    other.start_play(code, SETTINGS.to_dict(), SETTINGS.round_seconds)
    other.close()
    rc.find(v.Btn, children=["Take part"]).wait_for(timeout=5)
    button(rc, "Take part").click()
    wait_until(lambda: ada.id in play_room(svc, code).world.players, "the student plays")
    rc.close()


def test_after_the_session_ends_the_debrief_compares_the_groups(room):
    svc, code, ada, bob = room
    play = play_room(svc, code)
    play.start(SETTINGS)
    play.join(ada.id)
    play.join(bob.id)
    box, rc = solara.render(play_student.PlayTab(), handle_error=False)
    rc.find(v.Btn, children=["Pitch to all my contacts"]).wait_for(timeout=5)
    for _ in range(2):
        played = play.world.round
        play.choose(bob.id, "listen")
        button(rc, "Pitch to all my contacts").click()
        wait_until(lambda played=played: play.world.round == played + 1, "a round played")
    play.set_status("ended")
    rc.find(v.Html, tag="table", class_="play-debrief").wait_for(timeout=5)
    assert "The session has ended after 2 rounds." in texts(rc)
    table = rows(rc, "play-debrief")
    groups = [r[0] for r in table]
    assert groups[0] == "You (your person)"
    assert "Students who mostly pitched (your family)" in groups
    assert "Students who mostly listened" in groups
    assert "Android broadcasters" in groups and "Android interactors" in groups
    sentence = [t for t in texts(rc) if t.startswith("You won over ")]
    assert sentence and "android broadcasters" in sentence[0], shown(rc)
    assert not rc.find(v.Btn, children=["Pitch to all my contacts"]).widgets
    rc.close()


# ---------------------------------------------------------------- the tab, only in a room
@solara.component
def At(search: str):
    router_context.provide(
        Router(f"/?{search}" if search else "/", [solara.Route("/")], set_path=lambda _: None)
    )
    return solara.Column(children=[app.AppPage()])


def tab_names(rc) -> list[str]:
    return [str(w.children[0]) for w in rc.find(v.Tab).widgets]


def test_the_play_tab_is_only_on_a_page_in_a_room(room):
    svc, code, ada, bob = room
    box, rc = solara.render(At(""), handle_error=False)
    assert "Play" not in tab_names(rc)
    rc.close()
    box, rc = solara.render(At(f"room={code}"), handle_error=False)
    assert tab_names(rc)[-1] == "Play"
    rc.find(v.Tabs).widget.v_model = tab_names(rc).index("Play")
    # not joined yet (the room bar above asks for a name): the tab says so
    rc.find(v.Html, class_="play-text").wait_for(timeout=5)
    assert "Join the room (at the top of the page) to play a person in it." in texts(rc)
    rc.close()

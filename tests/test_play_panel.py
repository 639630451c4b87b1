"""Play a person on the facilitator's page (classroom.room.play_panel): a session started
from the panel, students' choices closing the round, Pause, Resume, Close the round now and
End; the shared network with the students' people marked, the families' charts and the
debrief; the layout computed once per session; no student's name anywhere on the panel."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import ipyvuetify as v
import numpy as np
import pytest
from facilitator_page import html, render, texts
from solara.widgets.widgets import HTML
from waiting import wait_until

from classroom.room import play_panel as pp
from classroom.room import playing
from classroom.room.playing import PlayRoom, PlaySettings, PlayWorld
from classroom.room.pooled import rounds_svg
from classroom.room.service import RoomService, use_service
from classroom.room.store import RoomStore

HOSTILE = "<script>alert(1)</script>"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def room(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    svc = RoomService(store)
    use_service(svc)
    info, key = store.create_room("play")
    students = [svc.join(info.code, HOSTILE), svc.join(info.code, "Grace")]
    pp.forget_layouts()
    yield svc, info.code, key, students
    playing.forget_play_rooms()
    pp.forget_layouts()
    use_service(None)
    store.close()


def click(rc, label: str) -> None:
    rc.find(v.Btn, children=[label]).widget.click()


def has_text(rc, start: str) -> bool:
    return any(t.startswith(start) for t in texts(rc))


def counting_layouts(monkeypatch) -> list:
    calls = []
    real = pp.compute_layout

    def counted(settings):
        calls.append(settings.seed)
        return real(settings)

    monkeypatch.setattr(pp, "compute_layout", counted)
    return calls


# -- the panel on the facilitator's page -------------------------------------------------------
def test_a_session_started_from_the_panel_plays_its_rounds(room, monkeypatch):
    svc, code, key, (s1, s2) = room
    calls = counting_layouts(monkeypatch)
    desk = render(f"room={code}&key={key}")
    seed_field = desk.find(v.TextField, label="Seed (drawn afresh)").widget
    shown_seed = int(seed_field.v_model)  # drawn afresh, shown
    desk.find(v.Select, label="People").widget.v_model = 60
    desk.find(v.Select, label="Network").widget.v_model = pp.NETWORK_WORDS["communities"]
    desk.find(v.Select, label="Share of broadcasters among the androids").widget.v_model = "50 %"
    click(desk, "Start the session")
    play = playing.play_room(svc, code)
    assert play.status == "running"
    settings = play.world.settings
    assert (settings.n_agents, settings.network, settings.seed) == (60, "communities", shown_seed)
    assert settings.broadcaster_share == 0.5
    wait_until(lambda: has_text(desk, "Round 1 is open: 0 of 0 students"), "the round open")
    # two students join through the PlayRoom and choose: the round closes by itself
    play.join(s1.id)
    b = play.join(s2.id)
    wait_until(lambda: has_text(desk, "Round 1 is open: 0 of 2 students have chosen"), "joined")
    play.choose(s1.id, "pitch")
    wait_until(lambda: has_text(desk, "Round 1 is open: 1 of 2 students have chosen"), "1 of 2")
    friend = int(play.world.model.world.contacts_of(b)[0])
    play.choose(s2.id, ("talk", friend))
    wait_until(lambda: "Rounds played: 1" in texts(desk), "the counter at round 1")
    assert play.world.round == 1
    # the network marks both students' people, by seat number; the families' charts
    wait_until(lambda: html(desk, "pp-network"), "the network drawn")
    wait_until(
        lambda: any("round 1" in h for h in html(desk, "pp-network")), "the network, round 1"
    )
    root = ET.fromstring(next(h for h in html(desk, "pp-network") if "round 1" in h))
    marked = [g for g in root.iter(f"{SVG_NS}g") if "student" in (g.get("class") or "").split()]
    assert sorted(g.get("data-seat") for g in marked) == ["1", "2"]

    def family_ends() -> list[list[str]]:
        return [
            [t.text for t in ET.fromstring(svg).iter(f"{SVG_NS}text") if t.get("class")]
            for svg in html(desk, "pp-family")
        ]

    wait_until(lambda: len(family_ends()) == 2, "the families' two charts")
    for ends in family_ends():
        assert any(t.startswith("pitchers (students)") for t in ends)
        assert any(t.startswith("talkers (students)") for t in ends)
        assert any(t.startswith("android interactors") for t in ends)
    # the timer, Pause and Resume, Close the round now
    desk.find(v.Select, label="Round timer (seconds)").widget.v_model = 60
    wait_until(lambda: play.session["round_seconds"] == 60.0, "the timer changed")
    click(desk, "Pause")
    assert play.status == "paused"
    wait_until(lambda: has_text(desk, "Paused in round 2"), "paused on the page")
    wait_until(lambda: desk.find(v.Btn, children=["Resume"]).widgets, "Resume offered")
    click(desk, "Resume")
    assert play.status == "running"
    wait_until(lambda: has_text(desk, "Round 2 is open"), "running again")
    click(desk, "Close the round now")  # nobody chose: they listen
    wait_until(lambda: "Rounds played: 2" in texts(desk), "the round closed now")
    assert play.world.round == 2 and play.world.family_of(s2.id) == "talkers"
    # End: the debrief in words and its tables, the Start form again
    click(desk, "End the session")
    assert play.status == "ended"
    wait_until(lambda: desk.find(v.Btn, children=["Start the session"]).widgets, "Start again")
    shown = " ".join(texts(desk))
    assert "Who kept their audience, after 2 rounds" in shown and "Who did well" in shown
    assert "talkers" in shown and "Rounds played: 2" in shown
    tables = html(desk, "pp-tables")
    assert len(tables) == 2 and "Won over, each" in tables[0] and "Seat" in tables[1]
    for t in tables:
        ET.fromstring(t)
    # names stay off the projector (the panel shows seat numbers only)
    projector = render(f"room={code}&key={key}&projector=1")
    wait_until(lambda: len(html(projector, "pp-tables")) == 2, "the debrief on the projector")
    shown = " ".join(texts(projector) + [w.unsafe_innerHTML for w in projector.find(HTML).widgets])
    assert "Grace" not in shown and "alert(1)" not in shown
    projector.close()
    assert calls == [shown_seed]  # the layout: once for the session, whatever was redrawn
    desk.close()


def test_the_layout_is_computed_once_per_session(room, monkeypatch):
    svc, code, key, (s1, _) = room
    calls = counting_layouts(monkeypatch)
    play = playing.play_room(svc, code)
    play.start(PlaySettings(n_agents=60, seed=11, round_seconds=30))
    first = pp.session_layout(play.session)
    desk = render(f"room={code}&key={key}")
    wait_until(lambda: html(desk, "pp-network"), "the network drawn")
    play.join(s1.id)
    play.choose(s1.id, "listen")
    wait_until(lambda: "Rounds played: 1" in texts(desk), "round 1")
    other = render(f"room={code}&key={key}&projector=1")  # a second page: the same layout
    wait_until(lambda: html(other, "pp-network"), "the network on the projector")
    assert pp.session_layout(play.session) is first and calls == [11]
    assert first.shape == (60, 2) and first.min() >= 0.0 and first.max() <= 1.0
    play.start(PlaySettings(n_agents=60, seed=12, round_seconds=30))  # a new session
    wait_until(lambda: len(calls) == 2, "a layout for the new session")
    assert calls == [11, 12]
    wait_until(
        lambda: any("round 0" in h for h in html(desk, "pp-network")), "the new session drawn"
    )
    desk.close()
    other.close()


# -- the drawings and the words ------------------------------------------------------------------
def played_world(rounds: int = 4) -> PlayWorld:
    world = PlayWorld(PlaySettings(n_agents=60, seed=3))
    world.join(1)
    b = world.join(2)
    for _ in range(rounds):
        friend = int(world.model.world.contacts_of(b)[0])
        world.play_round({1: ("pitch",), 2: ("talk", friend)})
    return world


class FakeRoom:
    """What :func:`pp.snapshot` reads of a PlayRoom, around a world."""

    def __init__(self, world):
        import threading

        self.lock = threading.RLock()
        self.world, self.status = world, "running"
        self.session = {"id": 1, "settings": world.settings.to_dict(), "round_seconds": 20.0}

    def waiting_for(self):
        return [2]


def test_the_network_marks_the_students_people_and_escapes():
    world = played_world()
    snap = pp.snapshot(FakeRoom(world), {1: 4, 2: 9})
    assert snap.chosen == 1 and snap.playing == 2 and snap.round == 4
    pos = pp.compute_layout(world.settings)
    svg = pp.network_svg(pos, snap)
    root = ET.fromstring(svg)
    students = [g for g in root.iter(f"{SVG_NS}g") if "student" in (g.get("class") or "").split()]
    assert {g.get("data-seat") for g in students} == {"4", "9"}
    for g in students:  # larger, in a ring, a star, the seat number beside
        ring, star = g.find(f"{SVG_NS}circle"), g.find(f"{SVG_NS}polygon")
        assert float(ring.get("r")) > 10 and ring.get("fill") == "none" and star is not None
        assert g.find(f"{SVG_NS}text").text in {"4", "9"}
    kinds = {
        e.get("class").split()[1]
        for e in root.iter()
        if (e.get("class") or "").startswith("person ") and "student" not in e.get("class")
    }
    assert kinds == {"broadcaster", "interactor"}
    shapes = {
        e.tag
        for e in root.iter()
        if "broadcaster" in (e.get("class") or "").split() and "person" in e.get("class")
    }
    assert shapes == {f"{SVG_NS}polygon"}  # broadcasters: triangles; interactors: circles
    desc = root.find(f"{SVG_NS}desc").text
    assert "60 people. 2 played by students (seats 4, 9)" in desc
    assert "played by students" in root.find(f"{SVG_NS}title").text
    # the persons' states change, the layout and the ties' path stay
    ties = pp.edges_path(pos, snap.ties, (0, 0, 100, 100))
    assert ties.count("M") == snap.n_ties
    # labels escaped: the family chart with hostile group names
    chart = rounds_svg([[0.1, 0.2], [math.nan, 1.0]], [HOSTILE, f"{HOSTILE}&"], title=HOSTILE)
    assert HOSTILE not in chart and "&lt;script&gt;" in chart
    ET.fromstring(chart)


def test_the_family_chart_labels_each_line_at_its_end():
    world = played_world(5)
    values, labels, colours = pp.family_series(world.history, "won_over")
    assert labels[:2] == ["pitchers (students)", "talkers (students)"]
    assert all(len(v) == 5 for v in values)
    root = ET.fromstring(rounds_svg(values, labels, colours, title="Won over"))
    ends = [t.text for t in root.iter(f"{SVG_NS}text") if t.get("class") == "end-label"]
    assert len(ends) == len(labels)
    assert "over 5 rounds" in root.find(f"{SVG_NS}desc").text
    # a group that appears later starts its line there; nothing yet: a message
    gap = ET.fromstring(rounds_svg([[math.nan, 2.0, 3.0]], ["late"]))
    assert [t.text for t in gap.iter(f"{SVG_NS}text") if t.get("class")] == ["late: 3"]
    assert "No rounds played" in "".join(ET.fromstring(rounds_svg([], ["a"])).itertext())


def test_the_debrief_says_who_kept_their_audience_and_who_did_well():
    world = played_world(6)
    snap = pp.snapshot(FakeRoom(world), {1: 1, 2: 2})
    words = pp.debrief_words(snap.standings, snap.history, snap.families)
    said = " ".join(words)
    assert said.startswith("Who kept their audience, after 6 rounds: the ")
    assert "of their contacts' attention" in said and "the talkers kept" in said
    assert "Who faded" in said or "Nobody faded." in said
    best = max(snap.standings, key=lambda g: snap.standings[g]["won_over"])
    assert f"Who did well: the {best} won over" in said
    assert "1 student among the pitchers and 1 student among the talkers" in said
    assert pp.debrief_words({}, ()) == [
        "No round has been played yet: there is nothing to debrief."
    ]
    table = pp.groups_html(
        {HOSTILE: {"people": 1, "won_over": 1.0, "audience": 0.5, "trust": 0.5, "faded": 0.0}}, 3
    )
    assert HOSTILE not in table and "&lt;script&gt;" in table
    ET.fromstring(table)
    seats = pp.seats_html(snap)
    assert '<th scope="row">1</th>' in seats and "talkers" in seats
    ET.fromstring(seats)


def test_close_round_now_skips_a_round_that_closed_meanwhile(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    info, _ = store.create_room("play")
    play = PlayRoom(store, info.code)
    play._stop.set()  # this test closes the rounds itself
    play.start(PlaySettings(n_agents=60, seed=2, round_seconds=60))
    pp.close_round_of(play, 0)
    assert play.world.round == 1
    pp.close_round_of(play, 0)  # a second click for the same round: nothing more
    assert play.world.round == 1
    play.set_status("paused")
    pp.close_round_of(play, 1)  # paused: the round stays open
    assert play.world.round == 1
    assert np.isfinite(play.seconds_left())
    store.close()

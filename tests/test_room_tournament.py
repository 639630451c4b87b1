"""The class tournament in the room (classroom.room.tournament_panel): the strategies
students entered on the facilitator's page, a small tournament run from it in a thread and
its leaderboard, kept across a restart, the population chart, and hostile names shown as
text everywhere."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import ipyvuetify as v
import pytest
from facilitator_page import html, render, texts
from waiting import wait_until

from classroom.room import tournament_panel as tp
from classroom.room.pooled import population_svg
from classroom.room.service import RoomService, Seat, use_service
from classroom.room.store import RoomError, RoomStore
from workshop.tournament import Settings, builtin_entries, entry_from_recipe, play, unique_key

HOSTILE = "<script>alert(1)</script>"
#: A tournament small enough for a test: 30 people, 20 steps, runs in this process.
SMALL = Settings(n_agents=30, steps=20)


@pytest.fixture
def room(tmp_path):
    store = RoomStore(tmp_path / "room.sqlite3")
    svc = RoomService(store)
    use_service(svc)
    tp.use_runner(tp.Runner(base=SMALL, serial=True))
    info, key = store.create_room("test")
    yield svc, info.code, key
    tp.runner().join(info.code, timeout=30)
    tp.use_runner(None)
    use_service(None)
    store.close()


def seat(svc: RoomService, code: str, name: str) -> Seat:
    s = svc.join(code, name)
    return Seat(s.room, s.token, s.name, s.seed)


def markdown(rc) -> str:
    out = []
    for w in rc.find(v.VuetifyTemplate).widgets:
        template = getattr(w, "template", None)
        out.append(getattr(template, "template", None) or str(template))
    return " ".join(out)


def assert_no_markup_from(text: str, hostile: str = HOSTILE) -> None:
    assert hostile not in text
    assert "&lt;script&gt;" in text


# -- the page ---------------------------------------------------------------------------------
def test_entered_strategies_run_and_the_leaderboard(room):
    svc, code, key = room
    a, b = seat(svc, code, "Ada"), seat(svc, code, "Ben")
    svc.submit_strategy(a, {"name": f"{HOSTILE} x", "whom": "random", "few": 2})
    svc.submit_strategy(b, {"name": "Quiet listener", "when": "after_listening"})
    desk = render(f"room={code}&key={key}")
    assert "Strategies entered: 2" in markdown(desk)
    shown = texts(desk)
    assert f"{HOSTILE} x" in shown  # as text (solara.Text escapes it)
    assert any(t.startswith("After listening for 20 steps") for t in shown)
    assert "Ada" not in " ".join(shown[shown.index("Quiet listener") - 3 :])
    # withdraw one, then run a small tournament of two evolution rounds
    desk.find(v.Btn, children=["Withdraw"]).widgets[1].click()
    wait_until(lambda: "Strategies entered: 1" in markdown(desk), "the strategy withdrawn")
    assert [s["name"] for s in svc.store.strategies(code)] == [f"{HOSTILE} x"]
    desk.find(v.Select, label="Replicates").widget.v_model = 2
    desk.find(v.Select, label="Evolution rounds").widget.v_model = 2
    desk.find(v.Btn, children=["Run the tournament"]).widget.click()
    wait_until(lambda: svc.store.latest_tournament(code), "the tournament recorded", timeout=60)
    wait_until(lambda: html(desk, "tp-table"), "the leaderboard on the page")
    table = html(desk, "tp-table")[0]
    assert_no_markup_from(table)
    assert "Broadcaster" in table and "Interactor" in table and "Rank" in table
    ET.fromstring(table)  # well-formed: nothing typed by a student opened an element
    (svg,) = html(desk, "tp-population")
    assert_no_markup_from(svg)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    played = svc.store.latest_tournament(code)
    result = played["result"]
    assert played["settings"] == result["settings"]
    assert result["settings"]["replicates"] == 2 and len(result["rounds"]) == 2
    assert result["summary"] in texts(desk)
    assert tp.runner().progress(code).done == 4 and not tp.runner().progress(code).running
    # the owner of an entry is a seat number, never a student's name or token
    mine = next(e for e in result["entries"] if e["label"] == f"{HOSTILE} x")
    assert mine["owner"] == "1"
    assert a.token not in json.dumps(result) and "Ada" not in json.dumps(result)
    desk.close()


def test_the_last_result_is_shown_again_after_a_restart(room, tmp_path):
    svc, code, key = room
    s = seat(svc, code, "Ada")
    svc.submit_strategy(s, {"name": "Mine"})
    tp.runner().start(svc, code, replicates=2, rounds=1)
    tp.runner().join(code, timeout=60)
    assert svc.store.latest_tournament(code) is not None
    # a new server process: a new store over the same file, a new runner
    use_service(RoomService(RoomStore(tmp_path / "room.sqlite3")))
    tp.use_runner(tp.Runner(base=SMALL, serial=True))
    desk = render(f"room={code}&key={key}")
    (table,) = html(desk, "tp-table")
    assert "Mine" in table and "Broadcaster" in table
    assert not html(desk, "tp-population")  # one round: no population chart
    assert any("seed" in t and "2 replicates, 1 round" in t for t in texts(desk))
    desk.close()


def test_a_stored_seed_plays_the_same_tournament_again(room):
    svc, code, _ = room
    s = seat(svc, code, "Ada")
    svc.submit_strategy(s, {"name": "Mine", "how": "pitch"})
    first = tp.runner().start(svc, code, replicates=2, rounds=1)
    tp.runner().join(code, timeout=60)
    second = tp.runner().start(svc, code, replicates=2, rounds=1)
    tp.runner().join(code, timeout=60)
    assert first.seed != second.seed  # a fresh seed for each tournament
    stored = svc.store.tournaments(code)[0]["result"]
    assert stored["settings"]["seed"] == first.seed
    entries, failures = tp.entries_of(svc.store.strategies(code))
    again = play(entries, Settings(**stored["settings"]), serial=True).to_dict()
    assert [(r["key"], r["won"]) for r in again["leaderboard"]] == [
        (r["key"], r["won"]) for r in stored["leaderboard"]
    ]


def test_runner_refuses_settings_out_of_range(room):
    svc, code, _ = room
    with pytest.raises(RoomError, match="replicates"):
        tp.runner().start(svc, code, replicates=1, rounds=1)
    with pytest.raises(RoomError, match="rounds"):
        tp.runner().start(svc, code, replicates=2, rounds=tp.MAX_ROUNDS + 1)


def test_entries_get_keys_of_their_own_and_bad_recipes_are_left_out():
    strategies = [
        {"seat": 1, "name": "Same", "recipe": {"name": "Same"}},
        {"seat": 2, "name": "Same", "recipe": {"name": "Same"}},
        {"seat": 3, "name": "Interact", "recipe": {"name": "Interact"}},
        {"seat": 4, "name": "Broken", "recipe": {"name": "Broken", "whom": "nobody"}},
    ]
    entries, failures = tp.entries_of(strategies)
    keys = [e.key for e in entries]
    assert len(set(keys)) == len(keys) == 5
    assert [e.owner for e in entries[2:]] == ["1", "2", "3"]
    assert [f.label for f in failures] == ["Broken"] and "whom" in failures[0].reason


# -- the leaderboard table and the population chart -------------------------------------------
def _result(names: list[str], rounds: int = 2) -> dict:
    from agents.builder import Recipe

    entries = builtin_entries()
    taken = {e.key for e in entries}
    for n in names:
        key = unique_key(n, taken)
        taken.add(key)
        entries.append(entry_from_recipe(Recipe.from_dict({"name": n}), key=key))
    settings = Settings(replicates=2, rounds=rounds, n_agents=30, steps=10, seed=3)
    return play(entries, settings, serial=True).to_dict()


def test_the_leaderboard_table_escapes_and_marks_ties():
    board = {
        "leaderboard": [
            {
                "label": f"{HOSTILE}&",
                "description": '"quoted" <b>',
                "won": 0.5,
                "won_low": None,
                "won_high": None,
                "trust": 0.5,
                "recall": float("nan"),
                "faded": 0.25,
                "rank": 1,
                "tied": True,
            },
            {"label": "B", "description": "", "won": 0.5, "rank": 1, "tied": True},
        ]
    }
    out = tp.leaderboard_html(board)
    assert_no_markup_from(out)
    assert "&amp;" in out and "&lt;b&gt;" in out
    assert out.count(">=1<") == 2 and "25 %" in out and "–" in out
    ET.fromstring(out)
    assert "No strategy could play." in tp.leaderboard_html({"leaderboard": []})


def test_population_chart_labels_lines_at_their_end_and_escapes():
    result = _result([f"{HOSTILE} one", "two"], rounds=3)
    entries = result["entries"]
    svg = population_svg(
        [r["people"] for r in result["rounds"]],
        [e["label"] for e in entries],
        [e["colour"] for e in entries],
    )
    assert_no_markup_from(svg)
    root = ET.fromstring(svg)
    ends = [e for e in root.iter() if e.get("class") == "end-label"]
    assert len(ends) == len(entries)  # every line named at its end, not by colour alone
    last = result["rounds"][-1]["people"]
    for e, n in zip(entries, last, strict=True):
        assert any(t.text.endswith(f": {n}") or f": {n} (out)" in t.text for t in ends), e
    dashes = {
        p.get("stroke-dasharray") for p in root.iter() if p.tag.endswith("polyline")
    }  # each line has its own dash pattern
    assert len(dashes) == len(entries)
    desc = next(e for e in root.iter() if e.tag.endswith("desc")).text
    assert "over 3 rounds" in desc
    assert tp.population_text(result).startswith("After 3 rounds")


def test_population_chart_refuses_bad_counts_and_draws_nothing_yet():
    with pytest.raises(ValueError):
        population_svg([[1, 2]], ["a"])
    with pytest.raises(ValueError):
        population_svg([[-1]], ["a"])
    root = ET.fromstring(population_svg([], ["a"]))
    assert "No rounds played" in "".join(root.itertext())


def test_one_tournament_at_a_time_per_room(room):
    svc, code, _ = room
    run = tp.Runner(base=Settings(n_agents=300, steps=1000), serial=True)
    run.start(svc, code, replicates=2, rounds=1)
    with pytest.raises(RoomError, match="running"):
        run.start(svc, code, replicates=2, rounds=1)
    assert run.progress(code).running and run.progress(code).total == 2
    run.join(code, timeout=60)
    assert not run.progress(code).running and run.progress(code).done == 2

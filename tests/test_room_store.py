"""The room's database (classroom.room.store): the API, its refusals, the key, cleaning,
the version counter, export, durability under SIGKILL, threads and rate limits."""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from classroom.room.store import (
    CODE_ALPHABET,
    DB_NAME,
    MAX_NAME,
    MAX_REASON,
    PHASES,
    RateLimited,
    RoomError,
    RoomStore,
    clean_name,
    default_data_dir,
    open_store,
)
from workshop.exercises import exercise

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path):
    s = RoomStore(tmp_path / "data" / DB_NAME)
    yield s
    s.close()


@pytest.fixture
def room(store):
    info, _key = store.create_room("Monday")
    return info.code


def open_for(store, code, number=3):
    store.set_exercise(code, number)
    store.set_phase(code, "open")


# -- rooms and the facilitator's key ---------------------------------------------------------
def test_create_room_code_title_and_files(store, tmp_path):
    info, key = store.create_room("  Monday\x00 class\n ")
    assert len(info.code) == 5 and set(info.code) <= set(CODE_ALPHABET)
    assert not set(info.code) & set("01OIL")
    assert info.title == "Monday class"
    assert (info.exercise, info.phase) == (None, "closed")
    assert (tmp_path / "data" / DB_NAME).is_file()
    key_file = tmp_path / "data" / f"room-{info.code}.key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert store.saved_key(info.code) == key
    # the database never holds the key in clear
    for f in (tmp_path / "data").glob(DB_NAME + "*"):
        assert key.encode() not in f.read_bytes()
    journal = store._db().execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_codes_unique_and_rooms_newest_first(store):
    made = [store.create_room(f"r{i}")[0] for i in range(30)]
    assert len({r.code for r in made}) == 30
    listed = store.rooms()
    assert [r.code for r in listed] == [r.code for r in reversed(made)]
    assert store.latest_room().code == made[-1].code


def test_room_lookup_ignores_case_and_spaces(store, room):
    assert store.room(f"  {room.lower()} ").code == room
    assert store.room("ZZZZZ") is None
    assert store.room(None) is None
    assert RoomStore(store.path).latest_room().code == room  # on disk, not in memory


def test_key_check(store):
    a, key_a = store.create_room("a")
    b, key_b = store.create_room("b")
    assert store.key_ok(a.code, key_a)
    assert store.key_ok(a.code.lower(), key_a)
    assert not store.key_ok(a.code, key_b)  # another room's key
    assert not store.key_ok(a.code, key_a[:-1])
    assert not store.key_ok(a.code, "")
    assert not store.key_ok("ZZZZZ", key_a)
    for bad in (None, 123, key_a.encode(), [key_a]):
        assert not store.key_ok(a.code, bad)
        assert not store.key_ok(bad, key_a)


def test_new_key_replaces_the_old_one(store, room):
    old = store.saved_key(room)
    new = store.new_key(room)
    assert new != old and store.key_ok(room, new) and not store.key_ok(room, old)
    assert store.saved_key(room) == new
    store.key_path(room).unlink()
    assert store.saved_key(room) is None


def test_unknown_room_refused(store):
    for call in (
        lambda: store.join("ZZZZZ", "x"),
        lambda: store.students("ZZZZZ"),
        lambda: store.set_exercise("ZZZZZ", 1),
        lambda: store.set_phase("ZZZZZ", "open"),
        lambda: store.version("ZZZZZ"),
        lambda: store.tally("ZZZZZ", 1),
        lambda: store.export("ZZZZZ"),
    ):
        with pytest.raises(RoomError, match="ZZZZZ"):
            call()


# -- students -------------------------------------------------------------------------------
def test_join_reconnect_and_seeds(store, room):
    a = store.join(room, "Ada")
    b = store.join(room.lower(), "")
    assert a.room == b.room == room
    assert b.name == "Student 2"
    assert a.token != b.token and len(a.token) >= 20
    assert a.seed != b.seed
    again = store.join(room, "", token=a.token)
    assert (again.id, again.token, again.name, again.seed) == (a.id, a.token, "Ada", a.seed)
    renamed = store.join(room, "Ada L.", token=a.token)
    assert (renamed.id, renamed.name, renamed.seed) == (a.id, "Ada L.", a.seed)
    assert store.student(a.token).name == "Ada L."
    # a token this room does not know: a new student, never the token that was sent
    c = store.join(room, "Cy", token="made-up-token")
    assert c.id not in (a.id, b.id) and c.token != "made-up-token"
    # another room's token: a new student in this room
    other, _ = store.create_room("other")
    d = store.join(other.code, "", token=a.token)
    assert d.id != a.id and d.room == other.code and d.token != a.token
    assert [s.id for s in store.students(room)] == [a.id, b.id, c.id]
    assert len({s.seed for s in store.students(room)}) == 3
    assert store.student("nope") is None and store.student(None) is None


def test_names_are_cleaned_not_escaped(store, room):
    html = "<img src=x onerror=alert(1)>"
    assert store.join(room, html).name == html
    assert clean_name("  a \t\n b\x00c\u202e\u200bd ") == "a bcd"
    assert clean_name("x" * 500) == "x" * MAX_NAME
    assert clean_name(None) == "" and clean_name(42) == ""
    long = store.join(room, "é" * 100 + "\x07")
    assert long.name == "é" * MAX_NAME
    assert store.join(room, "\x00\x01 \u200b").name.startswith("Student ")


def test_touch_updates_last_seen_without_a_version(store, room):
    s = store.join(room, "a")
    v = store.version(room)
    store.touch(s.token)  # within a second of joining: not written
    assert store.student(s.token).last_seen == s.last_seen
    store._touched[s.token] -= 2  # as if the last write were two seconds ago
    store.touch(s.token)
    assert store.student(s.token).last_seen > s.last_seen
    assert store.version(room) == v
    assert store._db().execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again
    store.touch("unknown")
    store.touch(None)
    assert "unknown" not in store._touched


# -- exercise, phase, predictions -----------------------------------------------------------
def test_set_exercise_and_phase(store, room):
    with pytest.raises(RoomError, match="no exercise"):
        store.set_phase(room, "open")
    info = store.set_exercise(room, 3)
    assert (info.exercise, info.phase) == (3, "closed")
    for phase in PHASES:
        assert store.set_phase(room, phase).phase == phase
    assert store.set_exercise(room, 4).phase == "closed"  # moving on closes predictions
    for bad in (99, -1, "3", True, 3.0):
        with pytest.raises(RoomError, match="no exercise"):
            store.set_exercise(room, bad)
    with pytest.raises(RoomError, match="phase"):
        store.set_phase(room, "OPEN")
    assert store.set_exercise(room, None).exercise is None
    assert store.room(room).exercise is None


def test_predict_refusals(store, room):
    s = store.join(room, "a")
    with pytest.raises(RoomError, match="not the room's exercise"):
        store.predict(s.token, 3, "b")  # no exercise yet
    store.set_exercise(room, 3)
    with pytest.raises(RoomError, match="predictions for exercise 3 are closed"):
        store.predict(s.token, 3, "b")
    store.set_phase(room, "open")
    with pytest.raises(RoomError, match="exercise 4 is not the room's exercise"):
        store.predict(s.token, 4, "b")
    for bad in ("z", "", "B", None, 1):
        with pytest.raises(RoomError, match="not an option"):
            store.predict(s.token, 3, bad)
    with pytest.raises(RoomError, match="no exercise"):
        store.predict(s.token, 99, "a")
    with pytest.raises(RoomError, match="join the room again"):
        store.predict("not-a-token", 3, "a")
    store.set_phase(room, "revealed")
    with pytest.raises(RoomError, match="closed"):
        store.predict(s.token, 3, "a")
    assert store.predictions(room, 3) == []
    assert store.prediction(s.token, 3) is None


def test_predict_upsert_tally_and_ownership(store, room):
    open_for(store, room, 3)
    a = store.join(room, "a")
    b = store.join(room, "b")
    c = store.join(room, "c")
    p = store.predict(a.token, 3, "c", "first\x00 thought")
    assert (p.student, p.name, p.exercise, p.answer, p.reason) == (
        a.id,
        "a",
        3,
        "c",
        "first thought",
    )
    p = store.predict(a.token, 3, "a", "changed my mind")  # while open: replaces
    assert store.prediction(a.token, 3) == p
    store.predict(b.token, 3, "a")
    store.predict(c.token, 3, "b", "x" * 5000)
    assert store.prediction(c.token, 3).reason == "x" * MAX_REASON
    assert store.tally(room, 3) == {"a": 2, "b": 1, "c": 0}
    assert list(store.tally(room, 3)) == list(exercise(3).predict.keys)
    assert store.tally(room, 4) == {"a": 0, "b": 0, "c": 0}
    # b's writes go by b's token: a's entry does not change
    store.predict(b.token, 3, "c", "mine")
    assert store.prediction(a.token, 3).answer == "a"
    assert [(x.name, x.answer) for x in store.predictions(room, 3)] == [
        ("a", "a"),
        ("b", "c"),
        ("c", "b"),
    ]
    # predictions of another room are not counted
    other, _ = store.create_room()
    open_for(store, other.code, 3)
    store.predict(store.join(other.code).token, 3, "c")
    assert store.tally(room, 3) == {"a": 1, "b": 1, "c": 1}
    assert store.tally(other.code, 3) == {"a": 0, "b": 0, "c": 1}
    with pytest.raises(RoomError):
        store.tally(room, 42)


def test_reason_keeps_text_as_typed(store, room):
    open_for(store, room, 2)
    s = store.join(room)
    reason = "line one\nline two\t<script>alert('x')</script> \u202e"
    p = store.predict(s.token, 2, "a", reason)
    assert p.reason == "line one\nline two\t<script>alert('x')</script>"
    assert store.predict(s.token, 2, "a", None).reason == ""


# -- results --------------------------------------------------------------------------------
def test_record_result(store, room):
    a = store.join(room, "a")
    b = store.join(room, "b")
    r = store.record_result(a.token, 3, "b", 1.5)
    assert (r.student, r.seed, r.observed, r.value) == (a.id, a.seed, "b", 1.5)
    store.record_result(a.token, 3, "c", 2)  # ran again: replaces
    store.record_result(b.token, 3, "a", math.nan)
    got = store.results(room, 3)
    assert [(x.name, x.seed, x.observed) for x in got] == [("a", a.seed, "c"), ("b", b.seed, "a")]
    assert got[0].value == 2.0 and math.isnan(got[1].value)
    assert store.results(room, 4) == []
    for observed, value in (("z", 1.0), (None, 1.0), ("a", "1"), ("a", True), ("a", math.inf)):
        with pytest.raises(RoomError):
            store.record_result(a.token, 3, observed, value)
    with pytest.raises(RoomError):
        store.record_result(a.token, 77, "a", 1.0)
    with pytest.raises(RoomError):
        store.record_result("nobody", 3, "a", 1.0)


# -- the version counter --------------------------------------------------------------------
def test_version_counts_every_change_once(store, room):
    v = store.version(room)
    s = store.join(room, "a")
    assert store.version(room) == v + 1
    store.join(room, "", token=s.token)  # a reconnect changes nothing in the room
    assert store.version(room) == v + 1
    store.join(room, "new name", token=s.token)
    assert store.version(room) == v + 2
    store.set_exercise(room, 1)
    store.set_phase(room, "open")
    store.predict(s.token, 1, "a")
    store.record_result(s.token, 1, "b", 0.5)
    assert store.version(room) == v + 6
    with pytest.raises(RoomError):
        store.predict(s.token, 1, "nope")  # a refusal changes nothing
    store.tally(room, 1)
    store.predictions(room, 1)
    store.export(room)
    assert store.version(room) == v + 6
    other, _ = store.create_room()
    store.join(other.code)
    assert store.version(room) == v + 6


# -- export ---------------------------------------------------------------------------------
def test_export_has_everything_but_secrets(store, room):
    open_for(store, room, 3)
    a = store.join(room, "<b>a</b>")
    b = store.join(room, "b")
    store.predict(a.token, 3, "b", "why")
    store.record_result(b.token, 3, "c", math.nan)
    key = store.saved_key(room)
    data = store.export(room)
    assert data["room"]["code"] == room and data["room"]["exercise"] == 3
    assert [s["name"] for s in data["students"]] == ["<b>a</b>", "b"]
    assert [s["seed"] for s in data["students"]] == [a.seed, b.seed]
    assert data["predictions"][0] | {"updated": 0} == {
        "student": a.id,
        "name": "<b>a</b>",
        "exercise": 3,
        "answer": "b",
        "reason": "why",
        "updated": 0,
    }
    assert data["results"][0]["value"] is None and data["results"][0]["observed"] == "c"
    text = json.dumps(data, allow_nan=False)  # plain JSON
    everything = json.dumps(store.export(), allow_nan=False)
    for secret in (a.token, b.token, key):
        assert secret not in text and secret not in everything
    assert "token" not in text and "key" not in text
    other, _ = store.create_room("two")
    rooms = store.export()["rooms"]
    assert [r["room"]["code"] for r in rooms] == [other.code, room]


# -- the data folder ------------------------------------------------------------------------
def test_default_data_dir_and_open_store(tmp_path, monkeypatch):
    monkeypatch.delenv("CLASSROOM_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # platformdirs on Linux
    assert default_data_dir() == tmp_path / "xdg" / "interruption-or-interaction" / "classroom"
    monkeypatch.setenv("CLASSROOM_DATA", str(tmp_path / "env"))
    assert default_data_dir() == tmp_path / "env"
    s = open_store()
    assert s.path == tmp_path / "env" / DB_NAME and s.path.is_file()
    s.close()
    s = open_store(tmp_path / "arg")
    assert s.path == tmp_path / "arg" / DB_NAME
    s.close()


# -- rate limits ----------------------------------------------------------------------------
def test_writes_rate_limited_per_student(store, room):
    open_for(store, room, 3)
    a = store.join(room, "a")
    b = store.join(room, "b")
    store.write_limit = (5, 0.6)
    for i in range(5):
        store.predict(a.token, 3, "abc"[i % 3])
    with pytest.raises(RateLimited):
        store.predict(a.token, 3, "a")
    with pytest.raises(RateLimited):
        store.record_result(a.token, 3, "a", 1.0)
    assert store.prediction(a.token, 3).answer == "b"  # the refused writes did not land
    store.predict(b.token, 3, "c")  # another student is not held back
    time.sleep(0.7)
    store.predict(a.token, 3, "c")
    assert store.prediction(a.token, 3).answer == "c"


def test_joins_rate_limited_per_room_and_name(store, room):
    store.name_limit = (3, 60.0)
    for _ in range(3):
        store.join(room, "Sam")
    with pytest.raises(RateLimited):
        store.join(room, " sam ")
    store.join(room, "Sam B")
    store.join_limit = (6, 60.0)
    store.join(room)
    with pytest.raises(RateLimited):
        store.join(room)  # the room's sixth new student this minute was the last
    other, _ = store.create_room()
    store.join(other.code, "Sam")  # other rooms are counted apart
    assert len(store.students(room)) == 5


def test_default_limits_let_a_class_of_sixty_join(store, room):
    for i in range(60):
        store.join(room, f"student {i}")
    assert len(store.students(room)) == 60


# -- threads and processes ------------------------------------------------------------------
def test_many_threads_write_at_once_and_none_is_lost(store, room):
    open_for(store, room, 3)
    threads, per_thread = 8, 12
    errors = []
    barrier = threading.Barrier(threads)
    made: list = []

    def work(t):
        try:
            barrier.wait()
            for i in range(per_thread):
                s = store.join(room, f"t{t}-{i}")
                store.predict(s.token, 3, "abc"[(t + i) % 3], f"thread {t}")
                store.record_result(s.token, 3, "b", float(i))
                store.version(room)
                made.append(s)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    n = threads * per_thread
    fresh = RoomStore(store.path)
    assert len(fresh.predictions(room, 3)) == n
    assert len(fresh.results(room, 3)) == n
    assert sum(fresh.tally(room, 3).values()) == n
    assert len({s.seed for s in fresh.students(room)}) == n
    # created (1) + exercise + phase + a join, a prediction and a result per student
    assert fresh.version(room) == 3 + 3 * n
    fresh.close()


WRITER = textwrap.dedent(
    """
    import sys
    from classroom.room.store import RoomStore
    store = RoomStore(sys.argv[1])
    store.join_limit = (10**9, 60.0)
    code, prefix, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    print("ready", flush=True)
    for i in range(count):
        s = store.join(code, f"{prefix}{i}")
        store.predict(s.token, 3, "abc"[i % 3], f"reason {i}")
        print("confirmed", s.id, "abc"[i % 3], flush=True)
    """
)


def _writer(store, room, prefix, count=400):
    """A process that joins ``count`` students (fewer than a room holds: a writer that ran
    ahead of the other must not fill the room) and sends a prediction for each."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store.path), room, prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_sigkill_loses_no_confirmed_prediction(store, room):
    open_for(store, room, 3)
    proc = _writer(store, room, "k")
    try:
        assert proc.stdout.readline().strip() == "ready"
        confirmed = []
        while len(confirmed) < 40:
            line = proc.stdout.readline()
            assert line, "the writer stopped early"
            confirmed.append(line.split())
        time.sleep(0.013)  # let it get somewhere inside the next writes
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        confirmed += [line.split() for line in proc.stdout.read().splitlines()]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    fresh = RoomStore(store.path)
    assert fresh._db().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {p.student: p.answer for p in fresh.predictions(room, 3)}
    for word, sid, answer in confirmed:
        assert word == "confirmed"
        assert stored.get(int(sid)) == answer, f"confirmed prediction of {sid} lost"
    assert len(stored) >= len(confirmed)
    fresh.close()


def test_two_processes_write_at_once(store, room):
    open_for(store, room, 3)
    procs = [_writer(store, room, p, count=25) for p in ("x", "y")]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        counts = [0, 0]
        while min(counts) < 25:
            for n, p in enumerate(procs):
                if counts[n] < 25:
                    assert p.stdout.readline().startswith("confirmed")
                    counts[n] += 1
    finally:
        for p in procs:
            p.kill()
            p.wait()
    assert len(store.predictions(room, 3)) >= 50
    names = {s.name for s in store.students(room)}
    assert {f"x{i}" for i in range(25)} <= names and {f"y{i}" for i in range(25)} <= names


def test_a_busy_database_waits_instead_of_failing(store, room):
    """Another process holding the write lock for a moment delays a write, never fails it."""
    other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    released.start()
    start = time.monotonic()
    store.join(room, "patient")
    assert time.monotonic() - start >= 0.4
    released.join()
    other.close()


# -- strategies and tournaments --------------------------------------------------------------
def test_submit_replace_and_withdraw_strategies(store, room):
    a = store.join(room, "a")
    b = store.join(room, "b")
    v = store.version(room)
    store.submit_strategy(room, a.token, {"name": "First try"})
    stored = store.submit_strategy(room, b.token, {"name": "<b>Bold</b>", "how": "pitch"})
    assert stored["seat"] == 2 and stored["recipe"]["how"] == "pitch"
    store.submit_strategy(room, a.token, {"name": "Second try", "whom": "random"})  # replaces
    listed = store.strategies(room)
    assert [(s["seat"], s["name"]) for s in listed] == [(2, "<b>Bold</b>"), (1, "Second try")]
    assert listed[1]["recipe"]["whom"] == "random" and listed[1]["submitted"] > 0
    assert store.strategy(a.token)["name"] == "Second try" and store.strategy("nope") is None
    assert store.version(room) == v + 3
    for s in listed:  # no secrets, no students' names
        assert a.token not in json.dumps(s) and b.token not in json.dumps(s)
    assert store.withdraw_strategy(room, 2) is True
    assert store.withdraw_strategy(room, "2") is False  # nothing left to withdraw
    assert store.version(room) == v + 4
    assert [s["name"] for s in store.strategies(room)] == ["Second try"]
    with pytest.raises(RoomError):
        store.withdraw_strategy(room, "someone")


def test_bad_strategies_are_refused_naming_what_is_wrong(store, room):
    a = store.join(room, "a")
    v = store.version(room)
    with pytest.raises(RoomError, match="whom"):
        store.submit_strategy(room, a.token, {"name": "x", "whom": "nobody"})
    with pytest.raises(RoomError, match="colour"):
        store.submit_strategy(room, a.token, {"name": "x", "colour": "red"})
    with pytest.raises(RoomError, match="favourite"):
        store.submit_strategy(room, a.token, {"name": "x", "favourite": 1})
    with pytest.raises(RoomError, match="name"):
        store.submit_strategy(room, a.token, {"name": "x" * 41})
    with pytest.raises(RoomError, match="too long"):
        store.submit_strategy(room, a.token, {"name": "x", "y" * 5000: 1})
    with pytest.raises(RoomError, match="choices"):
        store.submit_strategy(room, a.token, ["not", "a", "mapping"])
    with pytest.raises(RoomError, match="plain data"):
        store.submit_strategy(room, a.token, {"name": object()})
    with pytest.raises(RoomError, match="unknown student"):
        store.submit_strategy(room, "no-such-token", {"name": "x"})
    with pytest.raises(RoomError, match="no room"):
        store.submit_strategy("ZZZZZ", a.token, {"name": "x"})
    other, _ = store.create_room()
    with pytest.raises(RoomError, match=f"not in room {other.code}"):
        store.submit_strategy(other.code, a.token, {"name": "x"})
    assert store.strategies(room) == [] and store.version(room) == v


def test_strategies_rate_limited_per_student(store, room):
    a = store.join(room, "a")
    b = store.join(room, "b")
    store.write_limit = (3, 60.0)
    for i in range(3):
        store.submit_strategy(room, a.token, {"name": f"try {i}"})
    with pytest.raises(RateLimited):
        store.submit_strategy(room, a.token, {"name": "one too many"})
    store.submit_strategy(room, b.token, {"name": "b's"})  # another student is not held back
    assert [s["name"] for s in store.strategies(room)] == ["try 2", "b's"]


def test_tournaments_recorded_and_exported(store, room):
    a = store.join(room, "a")
    store.submit_strategy(room, a.token, {"name": "Mine"})
    result = {
        "settings": {"replicates": 2, "rounds": 1, "seed": 12345},
        "leaderboard": [{"label": "Mine", "won": 0.5, "won_low": math.nan, "rank": 1}],
        "rounds": [{"people": (1, 2)}],
        "summary": "Mine won.",
    }
    assert store.latest_tournament(room) is None
    v = store.version(room)
    first = store.record_tournament(room, result)
    second = store.record_tournament(room, {**result, "summary": "again"})
    assert second > first and store.version(room) == v + 2
    played = store.tournaments(room)
    assert [t["id"] for t in played] == [first, second]
    assert played[0]["settings"]["seed"] == 12345 and played[0]["when"] > 0
    assert played[0]["result"]["leaderboard"][0]["won_low"] is None  # NaN kept as None
    assert played[0]["result"]["rounds"][0]["people"] == [1, 2]
    assert store.latest_tournament(room)["result"]["summary"] == "again"
    with pytest.raises(RoomError):
        store.record_tournament(room, "not a result")
    with pytest.raises(RoomError):
        store.record_tournament(room, {"x": object()})
    data = store.export(room)
    assert [s["name"] for s in data["strategies"]] == ["Mine"]
    assert data["strategies"][0]["seat"] == 1 and data["strategies"][0]["student"] == a.id
    assert [t["id"] for t in data["tournaments"]] == [first, second]
    text = json.dumps(store.export(), allow_nan=False)
    assert a.token not in text and store.saved_key(room) not in text
    other, _ = store.create_room()
    assert store.tournaments(other.code) == [] and store.export(other.code)["strategies"] == []


def test_a_database_from_before_the_tournament_opens(tmp_path):
    path = tmp_path / "old" / DB_NAME
    path.parent.mkdir()
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE rooms (code TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL,
            exercise INTEGER, phase TEXT NOT NULL, version INTEGER NOT NULL,
            key_salt BLOB NOT NULL, key_hash BLOB NOT NULL);
        CREATE TABLE students (id INTEGER PRIMARY KEY AUTOINCREMENT,
            room TEXT NOT NULL REFERENCES rooms(code), number INTEGER NOT NULL,
            token TEXT NOT NULL UNIQUE, name TEXT NOT NULL, seed INTEGER NOT NULL,
            joined REAL NOT NULL, last_seen REAL NOT NULL, UNIQUE (room, number));
        CREATE TABLE predictions (student INTEGER NOT NULL, exercise INTEGER NOT NULL,
            answer TEXT NOT NULL, reason TEXT NOT NULL, updated REAL NOT NULL,
            PRIMARY KEY (student, exercise));
        CREATE TABLE results (student INTEGER NOT NULL, exercise INTEGER NOT NULL,
            seed INTEGER NOT NULL, observed TEXT NOT NULL, value REAL, finished REAL NOT NULL,
            PRIMARY KEY (student, exercise));
        INSERT INTO rooms VALUES ('ABCDE', 'old', 1.0, NULL, 'closed', 1, x'00', x'00');
        INSERT INTO students VALUES (1, 'ABCDE', 1, 'tok', 'Old student', 1001, 1.0, 1.0);
        PRAGMA user_version = 1;
        """
    )
    old.close()
    s = RoomStore(path)
    assert [st.name for st in s.students("ABCDE")] == ["Old student"]
    s.submit_strategy("ABCDE", "tok", {"name": "Late entry"})
    s.record_tournament("ABCDE", {"settings": {}, "leaderboard": []})
    assert s.strategies("ABCDE")[0]["name"] == "Late entry"
    assert len(s.export("ABCDE")["tournaments"]) == 1
    assert s._db().execute("PRAGMA user_version").fetchone()[0] >= 2
    s.close()

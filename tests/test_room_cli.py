"""The room's command line: ``python -m classroom room list|new|open|export``."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from classroom.room import cli
from classroom.room.store import DB_NAME, RoomStore

ROOT = Path(__file__).resolve().parents[1]


def run(*args, data=None, env_data=None, cwd=ROOT, **more_env):
    """Runs ``python -m classroom ...``; returns the completed process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **more_env)
    env.pop("CLASSROOM_DATA", None)
    if env_data is not None:
        env["CLASSROOM_DATA"] = str(env_data)
    argv = [sys.executable, "-m", "classroom", *args]
    if data is not None:
        argv += ["--data", str(data)]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def one_line_error(proc, *words):
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0]


@pytest.fixture
def session(tmp_path):
    """A data folder with two rooms; the latest has three students, predictions and
    results."""
    data = tmp_path / "data"
    store = RoomStore(data / DB_NAME)
    first, _ = store.create_room("First")
    store.join(first.code, "early")
    room, key = store.create_room("Second")
    code = room.code
    store.set_exercise(code, 3)
    store.set_phase(code, "open")
    a = store.join(code, '=HYPERLINK("http://x")')
    b = store.join(code, "<img src=x onerror=alert(1)>")
    c = store.join(code, "quiet")
    store.predict(a.token, 3, "b", "line one\nline two, with a comma")
    store.predict(b.token, 3, "c")
    store.record_result(a.token, 3, "b", 1.25)
    store.record_result(b.token, 4, "a", 0.5)
    tokens = [a.token, b.token, c.token]
    store.close()
    return types.SimpleNamespace(data=data, code=code, first=first.code, key=key, tokens=tokens)


def test_help_and_missing_command():
    proc = run()
    assert proc.returncode == 0 and "room" in proc.stdout
    one_line_error(run("room"), "list")
    one_line_error(run("room", "dance"), "dance")


def test_list(session, tmp_path):
    proc = run("room", "list", data=session.data)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "code" in lines[0] and "students" in lines[0] and "predictions" in lines[0]
    assert lines[1].split()[0] == session.code and lines[1].split()[3:] == ["3", "2", "Second"]
    assert lines[2].split()[0] == session.first and lines[2].split()[3:] == ["1", "0", "First"]
    empty = run("room", "list", data=tmp_path / "nothing")
    assert empty.returncode == 0 and "no rooms" in empty.stdout
    assert not (tmp_path / "nothing").exists()  # listing creates nothing


def test_data_folder_from_the_environment(session, tmp_path):
    proc = run("room", "list", env_data=session.data)
    assert proc.returncode == 0 and session.code in proc.stdout
    # --data wins over the environment
    proc = run("room", "list", data=tmp_path / "other", env_data=session.data)
    assert session.code not in proc.stdout
    # neither: the platform's folder for application data (on Linux $XDG_DATA_HOME), never
    # the working directory
    proc = run("room", "new", cwd=tmp_path, XDG_DATA_HOME=str(tmp_path / "xdg"))
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "xdg" / "interruption-or-interaction" / "classroom"
    assert (folder / DB_NAME).is_file()
    assert not (tmp_path / "classroom-data").exists()


def test_export_json(session, tmp_path):
    proc = run("room", "export", "--format", "json", data=session.data)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["room"]["code"] == session.code  # the latest room by default
    assert len(data["students"]) == 3 and len(data["predictions"]) == 2
    assert len(data["results"]) == 2
    for secret in [session.key, *session.tokens]:
        assert secret not in proc.stdout
    proc = run(
        "room", "export", "--format", "json", "--room", session.first.lower(), data=session.data
    )
    assert json.loads(proc.stdout)["room"]["title"] == "First"


def test_export_csv_to_a_file(session, tmp_path):
    out = tmp_path / "session.csv"
    proc = run("room", "export", "--out", str(out), data=session.data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and "written to" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == cli.CSV_COLUMNS
    got = [(r["name"], r["exercise"], r["answer"], r["observed"], r["value"]) for r in rows]
    assert got == [
        ('\'=HYPERLINK("http://x")', "3", "b", "b", "1.25"),  # no formula in a spreadsheet
        ("<img src=x onerror=alert(1)>", "3", "c", "", ""),
        ("<img src=x onerror=alert(1)>", "4", "", "a", "0.5"),
        ("quiet", "", "", "", ""),  # joined, nothing entered: still on the roster
    ]
    assert rows[0]["reason"] == "line one\nline two, with a comma"
    assert {r["room"] for r in rows} == {session.code}
    assert rows[0]["seed"] != rows[1]["seed"]
    text = out.read_text()
    for secret in [session.key, *session.tokens]:
        assert secret not in text


def test_export_refusals(session, tmp_path):
    one_line_error(run("room", "export", "--room", "ZZZZZ", data=session.data), "ZZZZZ")
    one_line_error(run("room", "export", "--format", "xml", data=session.data), "xml")
    one_line_error(
        run("room", "export", "--out", str(tmp_path / "no" / "such" / "x.csv"), data=session.data),
        "cannot write",
    )
    one_line_error(run("room", "export", data=tmp_path / "empty"), "no rooms")


def test_new_prints_code_and_key(tmp_path):
    data = tmp_path / "d"
    proc = run("room", "new", "--title", "Tuesday", data=data)
    assert proc.returncode == 0, proc.stderr
    code = proc.stdout.split("room ")[1].split()[0]
    key = proc.stdout.split("facilitator key ")[1].split()[0]
    store = RoomStore(data / DB_NAME)
    assert store.room(code).title == "Tuesday"
    assert store.key_ok(code, key)
    store.close()


@pytest.fixture
def banner(monkeypatch):
    """A stand-in for classroom.room.join.join_banner that records its arguments."""
    calls = []
    fake = types.ModuleType("classroom.room.join")

    def join_banner(code: str, key: str, port: int) -> str:
        calls.append((code, key, port))
        return f"BANNER {code} {key} {port}"

    fake.join_banner = join_banner
    monkeypatch.setitem(sys.modules, "classroom.room.join", fake)
    monkeypatch.delenv("PORT", raising=False)
    return calls


def test_open_reuses_the_latest_room(tmp_path, banner, monkeypatch):
    data = str(tmp_path / "d")
    out = io.StringIO()
    assert cli.main(["room", "open", "--data", data, "--port", "9001"], out=out) == 0
    code, key, port = banner[-1]
    assert out.getvalue() == f"BANNER {code} {key} 9001\n" and port == 9001
    store = RoomStore(Path(data) / DB_NAME)
    assert store.key_ok(code, key)
    # a restart: the same room and the same key
    monkeypatch.setenv("PORT", "8800")
    assert cli.main(["room", "open", "--data", data], out=io.StringIO()) == 0
    assert banner[-1] == (code, key, 8800)
    # --new: another room
    assert cli.main(["room", "open", "--data", data, "--new"], out=io.StringIO()) == 0
    new_code, new_key, _ = banner[-1]
    assert new_code != code and store.latest_room().code == new_code
    assert store.key_ok(new_code, new_key)
    # the key file lost: a new key is issued (the old one cannot be shown again)
    store.key_path(new_code).unlink()
    assert cli.main(["room", "open", "--data", data], out=io.StringIO()) == 0
    assert banner[-1][0] == new_code and banner[-1][1] != new_key
    assert store.key_ok(new_code, banner[-1][1]) and not store.key_ok(new_code, new_key)
    store.close()


def test_open_refuses_a_bad_port(tmp_path, banner, capsys, monkeypatch):
    assert cli.main(["room", "open", "--data", str(tmp_path), "--port", "70000"]) == 2
    assert "port" in capsys.readouterr().err
    monkeypatch.setenv("PORT", "http")
    assert cli.main(["room", "open", "--data", str(tmp_path)]) == 2
    assert "PORT" in capsys.readouterr().err
    assert banner == []


def test_open_as_a_command(tmp_path):
    """``python -m classroom room open`` with whatever join banner the project has."""
    proc = run("room", "open", "--port", "8123", data=tmp_path / "d")
    assert proc.returncode == 0, proc.stderr
    store = RoomStore(tmp_path / "d" / DB_NAME)
    room = store.latest_room()
    assert room.code in proc.stdout.replace(" ", "")
    assert store.saved_key(room.code) in proc.stdout
    store.close()


def test_unusable_data_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_line_error(run("room", "new", data=blocker / "d"))

"""The debrief slides (workshop/slides.py): the shipped pages are a fresh render (the expected
numbers of the checks, regenerated), and a real room's export (SQLite, through the room's
own store and its export) fills them with the class's prediction tally and pooled values;
hostile text in an export never reaches a page unescaped, and a file that is not an export
gets a clear error."""

from __future__ import annotations

import json
from html import escape

import pytest

from classroom.room.cli import export_json
from classroom.room.store import DB_NAME, RoomStore
from workshop.__main__ import main
from workshop.checks import SEEDS, run_check
from workshop.exercises import BASES, EXERCISES, exercise
from workshop.key import outcomes
from workshop.slides import OUT, ExportError, from_export, render_all, slide_name

HOSTILE = '<script>alert("x")</script>'


def test_the_shipped_slides_are_a_fresh_render_with_the_expected_numbers():
    pages = render_all()
    on_disk = {p.name for p in OUT.glob("*.html")}
    assert on_disk == set(pages), "workshop/slides/ has other pages: run python -m workshop slides"
    for name, html in pages.items():
        assert (OUT / name).read_text(encoding="utf-8") == html, (
            f"workshop/slides/{name} is out of date: run python -m workshop slides"
        )
    found = outcomes()
    for ex in EXERCISES:
        html = pages[slide_name(ex)]
        assert "<script" not in html and "http" not in html  # self-contained
        assert escape(ex.tests.words) in html and escape(ex.tests.where) in html  # our words
        assert escape(BASES[ex.basis][1:]) in html  # assumption or finding
        if ex.check:  # the expected numbers, from the checks' runs
            assert all(escape(line) in html for line in found[ex.number].lines)


@pytest.fixture
def room_export(tmp_path):
    """A real room: three students predict on exercise 2 (one of them with a hostile name)
    and two run its check on their own seeds; the room's own export, as JSON text."""
    store = RoomStore(tmp_path / "data" / DB_NAME)
    try:
        info, _ = store.create_room("Thursday")
        store.set_exercise(info.code, 2)
        store.set_phase(info.code, "open")
        students = [store.join(info.code, name) for name in ("Ada", HOSTILE, "Lin")]
        for s, answer in zip(students, ("c", "c", "a"), strict=True):
            store.predict(s.token, 2, answer, reason=HOSTILE)
        for s in students[:2]:
            outcome = run_check(2, seeds=s.seed)
            store.record_result(s.token, 2, outcome.observed, outcome.value)
        values = [r.value for r in store.results(info.code, 2)]
        return info.code, export_json(store.export(info.code)), values
    finally:
        store.close()


def test_a_rooms_export_fills_the_slide_with_the_class_results(room_export, tmp_path):
    code, text, values = room_export
    path = tmp_path / "class.json"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "slides"
    assert main(["slides", "--export", str(path), "--out", str(out)]) == 0
    html = (out / slide_name(exercise(2))).read_text(encoding="utf-8")
    assert f"3 predictions in room {code}" in html
    assert "The class&#x27;s predictions" in html or "The class's predictions" in html
    assert len(values) == 2 and "2 runs: median" in html
    assert f"expected (seeds {SEEDS[0]} to {SEEDS[-1]})" in html  # the reference line
    assert HOSTILE not in html and "<script" not in html  # names and reasons never shown
    other = (out / slide_name(exercise(3))).read_text(encoding="utf-8")
    assert f"Room {code} made no prediction on this exercise" in other
    assert "with the pooled results of room" in (out / "index.html").read_text()


def test_an_export_of_every_room_takes_the_newest_or_the_one_named(room_export):
    code, text, _ = room_export
    one = json.loads(text)
    every = {"rooms": [one]}
    assert from_export(every).room == code
    assert from_export(every, code).predictions[2] == {"c": 2, "a": 1}
    with pytest.raises(ExportError, match="no room ZZZZZ"):
        from_export(every, "ZZZZZ")


def test_an_export_keeps_only_known_options_and_numbers():
    data = {
        "room": {"code": "AB<C"},
        "predictions": [
            {"exercise": 2, "answer": "c"},
            {"exercise": 2, "answer": "z"},  # not an option
            {"exercise": 99, "answer": "a"},  # no such exercise
        ],
        "results": [
            {"exercise": 2, "value": 0.9},
            {"exercise": 2, "value": "0.1"},  # not a number
            {"exercise": 2, "value": True},
            {"exercise": 2, "value": None},
        ],
    }
    klass = from_export(data)
    assert klass.predictions == {2: {"c": 1}} and klass.values == {2: [0.9]}
    html = render_all(klass)[slide_name(exercise(2))]
    assert "AB<C" not in html and "AB&lt;C" in html


def test_a_file_that_is_not_an_export_gets_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("name,answer\nAda,c\n")
    assert main(["slides", "--export", str(bad), "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "not JSON" in err and "--format json" in err
    bad.write_text(json.dumps({"students": []}))
    assert main(["slides", "--export", str(bad), "--out", str(tmp_path / "s")]) == 2
    assert "no 'room'" in capsys.readouterr().err
    assert main(["slides", "--export", str(tmp_path / "none.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()  # nothing written on a bad export

"""The widgets' front ends live in files next to their modules (classroom/*.js, *.css).

Every JavaScript file is parsed by node as an ES module (anywidget loads ``_esm`` as one), so
a syntax error fails here instead of as a blank widget in the browser. CSS gets a light
structural check. Each widget's ``_esm`` / ``_css`` is the text of one of these files (read
as text, not given as a path: see classroom.front_end).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from classroom.chart_view import LineChart
from classroom.exercise_store import ExerciseStore
from classroom.live_text import LiveText
from classroom.network_view import NetworkView
from classroom.page_bridge import PageBridge
from classroom.replay import ReplayBar
from classroom.tour import Tour
from classroom.upload import FilePicker

CLASSROOM = Path(__file__).resolve().parent.parent / "classroom"
JS_FILES = sorted(CLASSROOM.rglob("*.js"))
CSS_FILES = sorted(CLASSROOM.rglob("*.css"))

#: Each widget and the files it reads (None: it has no CSS).
WIDGETS = {
    NetworkView: ("network_view.js", "network_view.css"),
    LineChart: ("chart_view.js", "chart_view.css"),
    LiveText: ("live_text.js", "live_text.css"),
    PageBridge: ("page_bridge.js", None),
    FilePicker: ("upload.js", "upload.css"),
    ReplayBar: ("replay.js", "replay.css"),
    Tour: ("tour.js", "tour.css"),
    ExerciseStore: ("exercise_store.js", "exercise_store.css"),
}


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not on PATH: it is needed to syntax-check the widgets' JavaScript "
            "(classroom/*.js). Install Node.js (./dev setup does, with npm) and run again."
        )
    return node


def test_the_front_end_files_are_found():
    names = {p.name for p in JS_FILES} | {p.name for p in CSS_FILES}
    for js, css in WIDGETS.values():
        assert js in names, js
        assert css is None or css in names, css


@pytest.mark.parametrize("path", JS_FILES, ids=lambda p: str(p.relative_to(CLASSROOM)))
def test_javascript_parses_as_a_module(path):
    done = subprocess.run(
        [_node(), "--input-type=module", "--check"],
        input=path.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"{path.relative_to(CLASSROOM.parent)}:\n{done.stderr}"


def test_node_check_catches_a_syntax_error():
    """The check itself works: a broken module is refused (so a pass above means something)."""
    done = subprocess.run(
        [_node(), "--input-type=module", "--check"],
        input="export default { render(: };\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "SyntaxError" in done.stderr


def _css_problems(text: str) -> list[str]:
    """Unbalanced braces, parentheses or comments, or a leftover Python string quote."""
    problems = []
    if '"""' in text or "'''" in text:
        problems.append("a triple quote (left over from a Python string)")
    if text.count("/*") != text.count("*/"):
        problems.append("an unclosed comment")
    body = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"|' + r"'(?:[^'\\\n]|\\.)*'", '""', body)
    for open_, close in ("{}", "()"):
        depth = 0
        for line_no, line in enumerate(body.splitlines(), 1):
            for ch in line:
                depth += (ch == open_) - (ch == close)
                if depth < 0:
                    problems.append(f"line {line_no}: {close!r} without {open_!r}")
                    depth = 0
        if depth:
            problems.append(f"{depth} {open_!r} never closed")
    return problems


@pytest.mark.parametrize("path", CSS_FILES, ids=lambda p: str(p.relative_to(CLASSROOM)))
def test_css_is_well_formed(path):
    text = path.read_text(encoding="utf-8")
    assert text.strip(), f"{path.name} is empty"
    assert _css_problems(text) == [], path.relative_to(CLASSROOM.parent)


def test_the_css_check_catches_breakage():
    assert _css_problems(".a { color: red; }\n.b { margin: calc(2px * var(--x, 1)); }") == []
    assert _css_problems(".a { color: red;\n") == ["1 '{' never closed"]
    assert _css_problems(".a { color: red; }}") == ["line 1: '}' without '{'"]
    assert _css_problems('.a { x: 1 }\n"""') != []
    assert _css_problems('.a { content: "}"; }') == []


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: w.__name__)
def test_widgets_send_the_files_contents(widget):
    js, css = WIDGETS[widget]
    assert type(widget._esm) is str  # not a watched FileContents (manzt/anywidget#929)
    assert widget._esm == (CLASSROOM / js).read_text(encoding="utf-8")
    if css is not None:
        assert type(widget._css) is str
        assert widget._css == (CLASSROOM / css).read_text(encoding="utf-8")
    else:
        assert "_css" not in widget.__dict__

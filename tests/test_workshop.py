"""The workshop kit (workshop/): every exercise opens in the model and in the app, every
check passes on the reference answer and fails on a wrong answer and on a setup where the
claim does not hold, the committed guide equals a fresh one (every number in it from a
run), and the handout holds every exercise."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from classroom.share import from_query
from classroom.share import to_query as share_to_query
from workshop import EXERCISES
from workshop.__main__ import main
from workshop.checks import CHECKS, CheckError, report, run_check
from workshop.exercises import exercise
from workshop.guide import PLACEHOLDER, render, template
from workshop.handout import render_handout

ROOT = Path(__file__).resolve().parent.parent
WORKSHOP = ROOT / "workshop"

#: A setup per check under which its claim does not hold (the check must say so).
WRONG_SETUP = {
    1: {"habituation": "1"},  # every pitch wears its listener out at once
    2: {"habituation_on": "0"},
    3: {"habituation_on": "1"},  # "captive" run B made like run A
    4: {"habituation_on": "0"},
    5: {"limited_attention": "0", "generalization_on": "0"},
    6: {"habituation_on": "0"},
    8: {"adaptation": "0"},
    9: {"campaign_quiet": "broadcasters"},  # the interactors go on talking: no reversal
}


def test_the_exercises_walk_from_open_play_to_writing_a_strategy():
    numbers = [ex.number for ex in EXERCISES]
    assert numbers == list(range(len(EXERCISES))) and 7 <= len(EXERCISES) <= 10
    assert EXERCISES[0].slug == "open_play"
    assert any("python -m workshop strategy" in ex.command for ex in EXERCISES)
    for ex in EXERCISES:
        assert ex.goal.endswith(".") and ex.goal.count(". ") == 0, ex.number  # one sentence
        assert len(ex.predict.options) >= 3 and ex.observe and ex.explain
        assert ex.if_surprised and ex.real_life and ex.discussion
        if ex.predict.answer is not None:
            wrong = [o for o in ex.predict.options if o.key != ex.predict.answer]
            assert all(o.why_not for o in wrong), ex.number  # each misconception explained
        assert ex.check == (ex.number in CHECKS)
    core = sum(ex.minutes for ex in EXERCISES if not ex.optional)
    assert 50 <= core <= 85


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.slug)
def test_every_exercise_link_loads_in_the_model(ex):
    setup, problems = from_query(ex.link)
    assert problems == []
    assert share_to_query(setup) == ex.link  # the link is exactly what the app writes
    from sim import NetworkingModel

    for params in filter(None, [setup.params, setup.compare]):
        model = NetworkingModel(rng=setup.seed, **params)
        model.run_for(2)


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.slug)
def test_every_exercise_link_opens_in_the_app(ex):
    from test_app import render as render_page

    session, rc, address = render_page(ex.link)
    setup, _ = from_query(ex.link)
    try:
        assert str(address) == ex.link  # nothing was corrected or ignored
        assert session.run.params == setup.params
        assert session.comparing == (setup.compare is not None)
        if setup.compare is not None:
            assert session.runs[1].params == setup.compare
    finally:
        rc.close()


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_each_check_passes_on_its_answer_and_fails_on_a_wrong_one(number):
    ex = exercise(number)
    outcome = run_check(number)
    assert outcome.holds, outcome.lines
    text, passed = report(outcome, ex.predict.answer)
    assert passed and text.endswith("PASS")
    for wrong in (k for k in ex.predict.keys if k != ex.predict.answer):
        text, passed = report(outcome, wrong)
        assert not passed and text.endswith("FAIL")
        assert ex.predict.option(wrong).why_not in text


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_each_check_fails_where_its_claim_does_not_hold(number):
    outcome = run_check(number, WRONG_SETUP[number])
    assert not outcome.holds
    text, passed = report(outcome, exercise(number).predict.answer)
    assert not passed and "does NOT hold" in text


def test_the_check_command(capsys):
    assert main(["check", "2", "--answer", "c"]) == 0
    out = capsys.readouterr().out
    assert "PASS" in out and "broadcasters faded by step" in out
    assert main(["check", "2", "--answer", "a", "--set", "habituation_on=0"]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert main(["check", "2", "--answer", "z"]) == 2
    assert main(["check", "2", "--set", "habituation=7"]) == 2
    assert "habituation" in capsys.readouterr().err
    assert main(["check", "7"]) == 2  # no check: the strategy command instead
    assert "python -m workshop strategy" in capsys.readouterr().err
    with pytest.raises(CheckError):
        run_check(42)
    assert main(["list"]) == 0
    assert "/?scenario=karate" in capsys.readouterr().out


def test_the_strategy_command_is_handed_to_the_checker_lazily():
    # `python -m workshop list` must work without the strategy checker being imported.
    code = (
        "import sys, workshop.__main__ as m; m.main(['list']); "
        "assert 'workshop.strategy_check' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)


def test_the_committed_guide_is_a_fresh_run():
    committed = (WORKSHOP / "guide.md").read_text(encoding="utf-8")
    fresh = render()
    assert committed == fresh, "workshop/guide.md is out of date: run python -m workshop guide"


def test_the_guide_types_no_number_by_hand():
    texts = [template()] + [ex.typical for ex in EXERCISES]
    texts += [q for ex in EXERCISES for q in ex.discussion]
    for text in texts:
        assert not re.search(r"\d", PLACEHOLDER.sub("", text)), text[:80]
    names = {m.group(1) for t in texts for m in PLACEHOLDER.finditer(t)}
    assert {f"ex{n}" for n in CHECKS} <= {name.split(".")[0] for name in names}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.external = [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_the_handout_is_up_to_date_self_contained_and_holds_every_exercise():
    html = render_handout()
    assert (WORKSHOP / "handout.html").read_text(encoding="utf-8") == html, (
        "workshop/handout.html is out of date: run python -m workshop handout"
    )
    parser = _Text()
    parser.feed(html)
    text = " ".join(" ".join(parser.text).split())
    assert parser.external == [] and "@media print" in html and "<script" not in html
    for ex in EXERCISES:
        assert f'id="exercise-{ex.number}"' in html
        for piece in (
            ex.title,
            ex.goal,
            ex.predict.question,
            ex.path,
            *ex.observe,
            *ex.explain,
            ex.real_life,
            *(o.text for o in ex.predict.options),
        ):
            assert " ".join(piece.split()) in text, piece
        for o in ex.predict.options:  # the answers stay out of the handout
            assert not o.why_not or o.why_not not in text

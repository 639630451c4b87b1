"""The workshop kit (workshop/): every exercise opens in the model and in the app, every
check agrees with the reference answer, differs from a wrong one and notices a setup where
the usual result does not come out (and never prints "FAIL"), the committed guide, answer
key, student sheet and debrief slides equal fresh ones (every number from a run), no
student-facing text gives an answer away before its prediction, and every plan adds up and
never shows an outcome before its prediction."""

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
from workshop.key import render_key
from workshop.plans import PLANS
from workshop.sheet import GLOSSARY_TERMS, glossary, render_sheet

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
        assert ex.if_surprised and ex.real_life and ex.discussion and ex.debrief
        assert ex.name and ex.name != ex.title and ex.basis_note
        if ex.predict.answer is not None:
            wrong = [o for o in ex.predict.options if o.key != ex.predict.answer]
            assert all(o.why_not for o in wrong), ex.number  # each wrong option explained
            assert ex.basis != "open"
        else:
            assert ex.basis == "open" and not ex.check
        assert ex.check == (ex.number in CHECKS)
        assert ex.asks[0] in ("A", "B") and 0 < ex.asks[1] <= ex.runs_to


def test_every_exercise_names_what_it_tests_from_the_one_list_of_claims():
    from workshop.claims import CLAIMS, ESSAY_PARAGRAPHS, KINDS

    for ex in EXERCISES:
        tests = CLAIMS[ex.claim_key]  # from the one list, by name
        assert ex.claim == tests.words and tests.kind in KINDS
        assert all(1 <= p <= ESSAY_PARAGRAPHS for p in tests.paragraphs)
        if tests.kind == "essay":
            assert tests.paragraphs, tests.key  # an essay's claim says where
        if not tests.paragraphs:
            assert tests.kind == "extension" and "not in the essay" in tests.where
    # The examples: exercises 5, 6 and 8 test no claim of the essay, and say so.
    for n in (5, 6, 8):
        assert exercise(n).tests.kind == "extension"
    # Every claim of the list is tested by some exercise.
    assert {ex.claim_key for ex in EXERCISES} == set(CLAIMS)


def test_a_realistic_answer_is_not_called_a_misconception():
    second = exercise(8).predict.option("b")
    assert second.choice and exercise(8).basis == "choice"
    key = render_key(_outcomes())
    assert "a fair answer, decided otherwise by a modelling choice" in key
    text, _ = report(run_check(8), "b")
    assert "Where the model differs:" in text and "Why the model disagrees" not in text


def test_exercise_six_debriefs_the_complete_network_as_a_special_case():
    ex = exercise(6)
    assert "closer to the complete network" not in ex.real_life  # no "mass mailing wins"
    assert "special case" in ex.debrief and "mass mailing" in ex.debrief


@pytest.mark.parametrize("minutes", sorted(PLANS))
def test_each_plan_adds_up_includes_the_setup_and_says_what_it_drops(minutes):
    p = PLANS[minutes]
    assert p.total == minutes == sum(part.minutes for part in p.parts)
    whats = [part.what for part in p.parts]
    assert whats[0] == "connect" and "welcome" in whats and whats[-1] == "wrap_up"
    if minutes >= 75:
        assert "buffer" in whats  # a fallback when connecting fails
    numbers = [ex.number for ex in p.exercises]
    assert numbers == sorted(set(numbers)) and numbers
    assert {ex.number for ex in p.dropped} | set(numbers) == {ex.number for ex in EXERCISES}
    # Enough time for predict, set up, run, questions, check and discussion.
    assert all(part.minutes >= 6 for part in p.parts if part.exercise is not None)
    guide = (WORKSHOP / "guide.md").read_text(encoding="utf-8")
    assert f"### {minutes} minutes" in guide
    dropped = ", ".join(f"{ex.number} ({ex.title})" for ex in p.dropped)
    assert f"drops {dropped}." in guide


def _runs(ex) -> list[dict]:
    setup, _ = from_query(ex.link)
    return [r for r in (setup.params, setup.compare) if r is not None]


@pytest.mark.parametrize("minutes", [*sorted(PLANS), None], ids=lambda m: f"plan-{m or 'all'}")
def test_no_prediction_asks_about_an_outcome_already_shown(minutes):
    """In every plan (and with every exercise in order), the setup a prediction asks about
    has not been run as far by an earlier exercise."""
    order = PLANS[minutes].exercises if minutes else EXERCISES
    for i, ex in enumerate(order):
        if ex.predict.answer is None:
            continue
        run, step = ex.asks
        setup, _ = from_query(ex.link)
        asked = setup.params if run == "A" else setup.compare
        for earlier in order[:i]:
            for shown in _runs(earlier):
                assert not (shown == asked and earlier.runs_to >= step), (
                    f"exercise {earlier.number} already runs what exercise {ex.number} asks"
                )
    # The first of the default scenario's exercises stops early: the next runs it on.
    assert exercise(1).runs_to < exercise(2).asks[1]


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
def test_each_check_agrees_with_its_answer_and_differs_from_a_wrong_one(number):
    ex = exercise(number)
    outcome = run_check(number)
    assert outcome.holds, outcome.lines
    text, agrees = report(outcome, ex.predict.answer)
    assert agrees and "matches what the runs show" in text
    for wrong in (k for k in ex.predict.keys if k != ex.predict.answer):
        text, agrees = report(outcome, wrong)
        assert not agrees and "differs from what the runs show" in text
        assert ex.predict.option(wrong).why_not in text
        assert "FAIL" not in text.upper().replace("FAILS", "")  # never graded


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_a_built_in_result_is_not_called_a_finding(number):
    ex = exercise(number)
    text, _ = report(run_check(number), ex.predict.answer)
    if ex.basis == "built_in":
        assert "built into the model, not found by it" in text
        assert "agree with the claim" not in text
    elif ex.basis == "choice":
        assert "modelling choice" in text
    else:
        assert "These runs agree with the claim tested" in text
    assert "claim holds" not in text


@pytest.mark.parametrize("number", sorted(CHECKS))
def test_each_check_notices_where_the_usual_result_does_not_come_out(number):
    outcome = run_check(number, WRONG_SETUP[number])
    assert not outcome.holds
    text, agrees = report(outcome, exercise(number).predict.answer)
    assert not agrees and "differ from what the model usually shows" in text
    assert "FAIL" not in text and "NOT" not in text


def test_the_check_command(capsys):
    assert main(["check", "2", "--answer", "c"]) == 0
    out = capsys.readouterr().out
    assert "matches what the runs show" in out and "broadcasters faded by step" in out
    assert main(["check", "2", "--answer", "a", "--set", "habituation_on=0"]) == 1
    out = capsys.readouterr().out  # the runs differ from the usual: said, not graded
    assert "differ from what the model usually shows" in out and "FAIL" not in out
    assert main(["check", "2", "--answer", "z"]) == 2
    assert main(["check", "2", "--set", "habituation=7"]) == 2
    assert "habituation" in capsys.readouterr().err
    assert main(["check", "7"]) == 2  # no check: the strategy builder or command instead
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


def _outcomes():
    from workshop.key import outcomes

    return outcomes()


def test_the_committed_answer_key_is_a_fresh_run():
    committed = (WORKSHOP / "answer_key.md").read_text(encoding="utf-8")
    assert committed == render_key(_outcomes()), (
        "workshop/answer_key.md is out of date: run python -m workshop key"
    )
    for ex in EXERCISES:  # what the sheet leaves out is here
        assert ex.title in committed and ex.goal in committed and ex.debrief in committed
        if ex.predict.answer:
            right = ex.predict.option(ex.predict.answer)
            assert f"**Answer:** ({right.key}) {right.text}" in committed


def _sheet_text(html: str, drop_options: bool) -> str:
    """The sheet's visible text; with ``drop_options``, without the options to tick."""
    if drop_options:
        html = re.sub(r'<li class="option">.*?</li>', " ", html, flags=re.S)
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.text).split())


def test_the_student_sheet_is_up_to_date_self_contained_and_holds_every_prediction():
    html = render_sheet()
    assert (WORKSHOP / "sheet.html").read_text(encoding="utf-8") == html, (
        "workshop/sheet.html is out of date: run python -m workshop sheet"
    )
    parser = _Text()
    parser.feed(html)
    assert parser.external == [] and "<script" not in html and "@page" in html
    text = _sheet_text(html, drop_options=False)
    for ex in EXERCISES:
        assert f'id="exercise-{ex.number}"' in html
        for piece in (ex.name, ex.predict.question, ex.path, ex.tests.cite):
            assert " ".join(piece.split()) in text, piece
        for o in ex.predict.options:
            assert f"({o.key}) {' '.join(o.text.split())}" in text
    words = glossary()
    for term in GLOSSARY_TERMS:  # the glossary, from the About tab's
        assert f"{term}: {words[term]}" in text


def _runs_of_words(text: str, size: int = 4) -> set[str]:
    from workshop.claims import words_of

    w = words_of(text)
    return {" ".join(w[i : i + size]) for i in range(len(w) - size + 1)}


def test_no_answer_or_goal_is_on_the_student_sheet():
    """Mechanically: no four words in a row of an exercise's correct option, its goal, its
    title, its hint or its debrief appear on the sheet outside the options to tick, and no
    hint or explanation of a wrong option appears at all."""
    text = _sheet_text(render_sheet(), drop_options=True)
    on_sheet = _runs_of_words(text)
    full = _sheet_text(render_sheet(), drop_options=False)
    for ex in EXERCISES:
        secret = [ex.goal, ex.title, ex.if_surprised, ex.debrief, ex.basis_words]
        if ex.predict.answer is not None:
            secret.append(ex.predict.option(ex.predict.answer).text)
        for piece in secret:
            shared = _runs_of_words(piece) & on_sheet
            assert not shared, (ex.number, piece[:40], shared)
        for o in ex.predict.options:
            assert not o.why_not or " ".join(o.why_not.split()) not in full
    # The app shows the neutral name until a prediction is made (exercises_tab tests it).
    assert all(ex.title not in full for ex in EXERCISES)

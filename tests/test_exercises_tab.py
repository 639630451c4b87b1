"""The Exercises tab in-process (no browser): the list, predicting, setting up, checking, the
result in plain words, the learner's reason (untrusted text) and the predictions kept in the
browser (the store widget, driven here as the browser would)."""

from __future__ import annotations

import json
import threading

import ipyvue
import ipyvuetify as v
import pytest
import solara
from waiting import TIMEOUT, wait_until

from classroom import exercises_tab as tab
from classroom.exercise_store import (
    MAX_REASON,
    ExerciseStore,
    clean_reason,
    clean_records,
    download_text,
)
from workshop.checks import (
    CHECKS,
    CheckError,
    basis_words,
    in_words,
    no_check_words,
    report,
    run_check,
)
from workshop.exercises import EXERCISES, exercise

WITH_CHECK = sorted(CHECKS)


@pytest.fixture
def page():
    tab.reset()
    before = set(threading.enumerate())
    asked: list[str] = []
    box, rc = solara.render(tab.ExercisesTab(asked.append), handle_error=False)
    rc.box = box  # the whole tab, for texts()
    yield rc, asked
    rc.close()
    # a check still running would write its result into the next test's records
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=TIMEOUT)
    tab.reset()


def texts(rc) -> list[str]:
    """Every text on the tab: plain text nodes, labels, and Markdown's rendered HTML."""
    out: list[str] = []

    def walk(w):
        for attr in ("label", "v_model"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                out.append(value)
        template = getattr(w, "template", None)
        if template is not None:
            out.append(getattr(template, "template", None) or str(template))
        for child in getattr(w, "children", None) or []:
            if isinstance(child, str):
                out.append(child)
            elif isinstance(child, ipyvue.VueWidget | ipyvue.VueTemplate):
                walk(child)

    walk(rc.box)
    return out


def markdown_html(rc) -> str:
    found = rc.find(ipyvue.VueTemplate).widgets
    return "\n".join(getattr(w.template, "template", None) or str(w.template) for w in found)


def button(rc, text: str):
    """The button whose label is ``text`` (whatever icon it has)."""
    found = [w for w in rc.find(v.Btn).widgets if text in w.children]
    assert len(found) == 1, f"{len(found)} buttons labelled {text!r}"
    return found[0]


def open_exercise(rc, number: int) -> None:
    button(rc, tab.label(exercise(number))).click()


def predict(rc, key: str) -> None:
    rc.find(v.RadioGroup).widget.v_model = key


def result_lines(rc) -> list[str]:
    return [w.children[0] for w in rc.find(v.Html, class_="exercise-result-line").widgets]


# ---------------------------------------------------------------- the list and one exercise
def test_every_exercise_is_listed_by_a_neutral_name(page):
    rc, _ = page
    labels = [w.children[-1] for w in rc.find(v.Btn, class_="exercise-pick").widgets]
    assert labels == [tab.label(ex) for ex in EXERCISES]
    for ex, name in zip(EXERCISES, labels, strict=True):
        assert name.startswith(f"Exercise {ex.number}")
        assert ex.title not in name


@pytest.mark.parametrize("number", [ex.number for ex in EXERCISES])
def test_title_goal_and_observe_appear_only_once_predicted(page, number):
    rc, _ = page
    ex = exercise(number)
    open_exercise(rc, number)
    shown = "\n".join(texts(rc))
    assert ex.predict.question in shown and ex.name in shown and ex.tests.cite in shown
    for o in ex.predict.options:
        assert o.text in shown
    for secret in (ex.title, ex.goal, ex.observe[0]):
        assert secret not in shown, f"shown before predicting: {secret!r}"
    assert not rc.find(v.Html, class_="exercise-observe")
    options, reason = rc.find(v.RadioGroup).widget, rc.find(v.Textarea).widget
    predict(rc, ex.predict.options[0].key)
    # what is revealed does not rebuild the controls (the keyboard's focus stays on them)
    assert rc.find(v.RadioGroup).widget is options and rc.find(v.Textarea).widget is reason
    shown = "\n".join(texts(rc))
    for now in (ex.title, ex.goal, *ex.observe):
        assert now in shown, f"not shown after predicting: {now!r}"
    # the icon of the exercise's button says it has a prediction
    assert len(button(rc, tab.label(ex)).children) == 2


@pytest.mark.parametrize("number", [ex.number for ex in EXERCISES])
def test_set_up_hands_the_exercises_link_to_the_page(page, number):
    rc, asked = page
    open_exercise(rc, number)
    button(rc, "Set up this run").click()
    assert asked == [exercise(number).link]
    assert not any(q.startswith("?") for q in asked)


def test_check_is_enabled_only_once_a_prediction_is_chosen(page):
    rc, _ = page
    open_exercise(rc, 1)
    assert button(rc, "Check").disabled
    predict(rc, "a")
    assert not button(rc, "Check").disabled
    predict(rc, "z")  # not an option: ignored
    assert tab.record_of(1)["answer"] == "a"


@pytest.mark.parametrize("number", [ex.number for ex in EXERCISES if not ex.check])
def test_an_exercise_without_a_check_says_what_to_do_instead(page, number):
    rc, _ = page
    open_exercise(rc, number)
    assert not [w for w in rc.find(v.Btn).widgets if "Check" in w.children]
    shown = "\n".join(texts(rc))
    assert no_check_words(exercise(number)) in shown


# ---------------------------------------------------------------- checking
def test_check_runs_in_a_thread_says_so_and_then_shows_the_result(page, monkeypatch):
    rc, _ = page
    release = threading.Event()

    def slow_check(number, overrides=None):
        release.wait(TIMEOUT)
        return run_check(number, overrides)

    monkeypatch.setattr(tab, "run_check", slow_check)
    open_exercise(rc, 3)
    predict(rc, "a")
    rc.find(v.Textarea).widget.v_model = "I think <b>annoyance</b> **wins**"
    button(rc, "Check").click()
    rc.find(v.Html, children=[tab.CHECKING]).wait_for(timeout=TIMEOUT)
    assert button(rc, "Check").disabled  # one check at a time
    release.set()
    wait_until(lambda: result_lines(rc), "the result is shown")
    lines = result_lines(rc)
    ex = exercise(3)
    assert lines == in_words(RESULT(3), "a")
    joined = "\n".join(lines)
    assert "PASS" not in joined and "FAIL" not in joined
    assert ex.predict.option("a").why_not in joined and ex.if_surprised in joined
    assert not rc.find(v.Html, children=[tab.CHECKING])
    shown = "\n".join(texts(rc))
    for question in ex.explain:
        assert question in shown
    assert ex.real_life in shown
    # the learner's reason comes back as text, never through Markdown
    echo = rc.find(v.Html, class_="exercise-reason-echo").widget
    assert echo.tag == "span" and echo.children == ["I think <b>annoyance</b> **wins**"]
    assert "annoyance" not in markdown_html(rc)
    assert tab.record_of(3)["checked"] == {"answer": "a", "model": "b"}


def RESULT(number):  # noqa: N802 (reads like the constant it stands for)
    return tab.RESULTS.value[number][1]


def test_a_prediction_changed_after_the_check_is_pointed_out(page):
    rc, _ = page
    open_exercise(rc, 1)
    predict(rc, "b")
    button(rc, "Check").click()
    wait_until(lambda: result_lines(rc), "the result is shown")
    assert "agree with your prediction" in "\n".join(result_lines(rc))
    predict(rc, "c")
    hints = [w.children[0] for w in rc.find(v.Html, class_="exercise-hint").widgets]
    assert any("changed your prediction to (c)" in h for h in hints)


@pytest.mark.parametrize("number", WITH_CHECK)
def test_in_words_for_a_matching_and_a_differing_prediction(number):
    outcome = run_check(number)
    ex = outcome.exercise
    assert outcome.holds  # at the exercise's own setup the model shows its usual answer
    same = in_words(outcome, outcome.observed)
    other = next(k for k in ex.predict.keys if k != outcome.observed)
    differs = in_words(outcome, other)
    for words in (same, differs):
        text = "\n".join(words)
        assert "PASS" not in text and "FAIL" not in text and "NOT" not in text
        assert ex.predict.option(outcome.observed).text in text  # what the model did
        for line in outcome.lines:
            assert line[1:] in text
    assert any("agree with your prediction" in w for w in same)
    assert basis_words(outcome) in same  # what the result rests on, every time
    assert ex.if_surprised not in "\n".join(same)
    text = "\n".join(differs)
    assert f"You predicted ({other})" in text and "point elsewhere" in text
    assert ex.predict.option(other).why_not in text
    assert f"If this surprised you: {ex.if_surprised}" in text


def test_in_words_without_a_prediction_and_with_a_bad_one():
    outcome = run_check(1)
    words = in_words(outcome)
    assert not any("You predicted" in w for w in words)
    with pytest.raises(CheckError):
        in_words(outcome, "q")


def test_the_command_lines_report_says_what_the_runs_show_without_grading():
    text, agrees = report(run_check(1), "b")
    assert agrees and "Your prediction (b) matches what the runs show." in text
    text, agrees = report(run_check(1), "a")
    assert not agrees and "differs from what the runs show" in text
    assert "Why the model disagrees" in text and "FAIL" not in text and "PASS" not in text


def test_no_check_words():
    own = exercise(7)
    assert own.command in no_check_words(own) and "workshop/strategies/" in no_check_words(own)
    assert "no check" in no_check_words(exercise(0))


# ---------------------------------------------------------------- the reason box
def test_the_reason_is_limited_and_cleaned(page):
    rc, _ = page
    open_exercise(rc, 2)
    box = rc.find(v.Textarea).widget
    assert box.attributes == {"maxlength": MAX_REASON}  # the browser stops there too
    box.v_model = "x" * (3 * MAX_REASON)
    assert tab.record_of(2)["reason"] == "x" * MAX_REASON
    assert rc.find(v.Textarea).widget.v_model == "x" * MAX_REASON  # the box is cut too
    counter = rc.find(v.Html, class_="exercise-counter").widget.children[0]
    assert counter == f"{MAX_REASON:,} of {MAX_REASON:,} characters."
    box.v_model = "line one\nline\ttwo\x00\x1b[31m\u202e"
    assert tab.record_of(2)["reason"] == "line one\nline\ttwo[31m"


def test_clean_reason():
    assert clean_reason(None) == "" and clean_reason(42) == ""
    assert clean_reason("é<script>") == "é<script>"  # text stays text: shown escaped
    assert len(clean_reason("ab" * MAX_REASON)) == MAX_REASON


# ---------------------------------------------------------------- kept in the browser
def test_records_from_the_browser_are_cleaned_and_shown(page):
    rc, _ = page
    store = rc.find(ExerciseStore).widget
    # what the front end does on load: it sends what the browser kept
    store.records = {
        "2": {"answer": "c", "reason": "they repeat", "checked": {"answer": "c", "model": "c"}},
        "4": {"answer": "zz", "reason": "y" * 5000},
        "99": {"answer": "a"},
        "03": {"answer": "a"},
        "x": "junk",
        "5": ["not", "a", "record"],
    }
    assert tab.RECORDS.value == {
        "2": {"answer": "c", "reason": "they repeat", "checked": {"answer": "c", "model": "c"}},
        "4": {"answer": None, "reason": "y" * MAX_REASON},
    }
    assert len(button(rc, "Exercise 2").children) == 2  # marked as predicted
    open_exercise(rc, 2)
    assert rc.find(v.RadioGroup).widget.v_model == "c"
    assert rc.find(v.Textarea).widget.v_model == "they repeat"
    # and every change on the page goes back to the browser
    predict(rc, "b")
    assert store.records["2"]["answer"] == "b"


def test_clean_records_refuses_anything_else():
    assert clean_records(None) == {} and clean_records([1, 2]) == {}
    assert clean_records({"1": {"answer": "b", "checked": {"model": "nope"}}}) == {
        "1": {"answer": "b", "reason": ""}
    }


def test_the_download_holds_questions_answers_and_reasons():
    records = {
        "1": {"answer": "b", "reason": 'because "many" <pitches>'},
        "3": {"answer": "a", "reason": "", "checked": {"answer": "a", "model": "b"}},
        "6": {"answer": None, "reason": ""},
    }
    document = json.loads(download_text(records))
    items = document["exercises"]
    assert [i["exercise"] for i in items] == [1, 3]
    assert items[0]["question"] == exercise(1).predict.question
    assert items[0]["prediction"] == "b"
    assert items[0]["prediction_text"] == exercise(1).predict.option("b").text
    assert items[0]["reason"] == 'because "many" <pitches>'
    assert items[1]["model_pointed_to"] == "b" and items[1]["checked_prediction"] == "a"
    assert json.loads(download_text({}))["exercises"] == []


def test_the_download_button_is_on_the_tab(page):
    rc, _ = page
    assert button(rc, "Download my predictions")

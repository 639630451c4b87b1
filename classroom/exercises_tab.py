"""The Exercises tab: the workshop's exercises inside the app.

The exercises come from :mod:`workshop.exercises` (the one source of the student sheet and the
guide too). Each one is laid out as predict, observe, explain:

- the question and its options (a radio group), and a box for the learner's reason;
- "Set up this run" hands the exercise's link (its query string, without ``?``) to the
  page, which applies it and shows the Simulation tab;
- "Check" runs the same check as ``python -m workshop check N`` (:func:`run_check`), in a
  thread, and shows the result in plain words (:func:`workshop.checks.in_words`).

An exercise is listed by its number only: its title and goal may give the answer away, so
they appear once the learner has chosen an option, with what to observe; the questions to
explain and the link to real life appear after a check. Predictions and reasons stay in the
learner's browser (:class:`classroom.exercise_store.ExerciseStore`) and can be downloaded.
Whatever the learner typed is shown only as text (never as HTML or Markdown).

State lives in reactives of this module: per browser tab once the Solara server runs (each
tab has its own kernel), so the open exercise and the results survive a visit to another
tab. :func:`reset` clears them (for the tests, which render in one process).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara
import solara.lab

from workshop.checks import Outcome, in_words, no_check_words, run_check
from workshop.exercises import EXERCISES, Exercise, exercise

from .exercise_store import MAX_REASON, ExerciseStore, clean_reason, clean_records, download_text
from .room.student import ROOM, RoomPanel

__all__ = ["CHECKING", "ExercisesTab", "label", "reset"]

#: The number of the exercise shown.
CURRENT = solara.reactive(EXERCISES[0].number)
#: The learner's records, as kept in their browser (see exercise_store).
RECORDS: solara.Reactive[dict] = solara.reactive({})
#: Exercise number -> (the prediction checked, the check's Outcome).
RESULTS: solara.Reactive[dict] = solara.reactive({})
#: What the tab says first, alone and in a room.
INTRO = (
    "Pick an exercise. Choose your prediction and write down why, then set up the run and "
    "watch it on the Simulation tab. Come back and press Check: the model runs the same "
    "setup on five seeds and says how it compares with your prediction."
)
ROOM_INTRO = (
    "Your facilitator opens the exercises one by one. Choose your prediction, write down "
    "why, and send it to the room while predictions are open. Then set up the run and watch "
    "it. Check runs the model once, on a seed of your own: the room pools everyone's runs."
)
#: The reason box's label, alone and in a room.
REASON_ALONE = "Why do you think so? (for you; it stays in this browser)"
REASON_IN_ROOM = "Why do you think so? (sent to the room with your prediction)"
#: What the page says while a check runs.
CHECKING = "Checking… (a few seconds)"
EMPTY = {"answer": None, "reason": ""}
#: One check at a time in this process: a room pressing Check at once shares the cached runs
#: instead of computing the same ones side by side on two cores.
_CHECK_LOCK = threading.Lock()


def reset() -> None:
    CURRENT.value = EXERCISES[0].number
    RECORDS.value = {}
    RESULTS.value = {}


def label(ex: Exercise) -> str:
    """The exercise's neutral name, which gives nothing away: "Exercise 3"."""
    return f"Exercise {ex.number}" + (" (optional)" if ex.optional else "")


def record_of(number: int) -> dict:
    return {**EMPTY, **RECORDS.value.get(str(number), {})}


def update_record(number: int, **changes) -> None:
    RECORDS.value = {**RECORDS.value, str(number): {**record_of(number), **changes}}


def check_now(number: int, answer: str, room=None) -> Outcome:
    """Run exercise ``number``'s check and keep its outcome for the prediction ``answer``.
    In a room (``room``, a :class:`classroom.room.student.RoomView`) the check runs once, on
    the student's own seed, and its result goes to the room to be pooled."""
    seeds = {} if room is None else {"seeds": (room.seat.seed,)}
    with _CHECK_LOCK:
        outcome = run_check(number, **seeds)
    if room is not None:
        room.svc.record_result(room.seat, number, outcome.observed, outcome.value)
    RESULTS.value = {**RESULTS.value, number: (answer, outcome)}
    update_record(number, checked={"answer": answer, "model": outcome.observed})
    return outcome


def _texts(items, classes: list[str]):
    """A bulleted list of plain texts (escaped: text nodes, never HTML)."""
    rv.Html(
        tag="ul",
        class_=" ".join(classes),
        children=[rv.Html(tag="li", children=[str(item)]) for item in items],
    )


@solara.component
def ExercisesTab(on_setup: Callable[[str], None], in_room: bool = False):
    """The tab. ``on_setup(query)`` gets the exercise's link as a query string without the
    leading ``?`` ("" for the default scenario) when the learner presses "Set up this run".
    ``in_room``: the page takes part in a classroom room; the learner's place in it is
    :data:`classroom.room.student.ROOM`, read here (not by the page), so that a change in
    the room draws this tab again, not the whole page."""
    room = ROOM.value if in_room else None
    store = solara.use_memo(lambda: ExerciseStore(records=RECORDS.value), dependencies=[])
    available, set_available = solara.use_state(True)

    def listen():
        def from_browser(change):
            cleaned = clean_records(change["new"])
            if cleaned != RECORDS.value:
                RECORDS.value = cleaned

        def storage(change):
            set_available(bool(change["new"]))

        store.observe(from_browser, "records")
        store.observe(storage, "available")
        return lambda: (
            store.unobserve(from_browser, "records"),
            store.unobserve(storage, "available"),
        )

    solara.use_effect(listen, [])
    if store.records != RECORDS.value:  # the browser writes every change to its storage
        store.records = RECORDS.value
    with solara.Column(classes=["exercises"]):
        solara.Column(children=[store], gap="0px")
        solara.Text(INTRO if room is None else ROOM_INTRO, classes=["exercises-intro"])
        ExercisePicker(CURRENT.value, RECORDS.value)
        ExerciseCard(exercise(CURRENT.value), on_setup, room).key(f"exercise-{CURRENT.value}")
        Downloads(available)


@solara.component
def ExercisePicker(current: int, records: dict):
    """One button per exercise, by number; a tick once a prediction is made."""
    with solara.Row(classes=["exercise-picker"], gap="8px"):
        for ex in EXERCISES:
            here = ex.number == current
            predicted = bool(records.get(str(ex.number), {}).get("answer"))
            solara.Button(
                label(ex),
                icon_name="mdi-check" if predicted else None,
                on_click=lambda n=ex.number: CURRENT.set(n),
                color="primary" if here else None,
                outlined=not here,
                classes=["exercise-pick"],
                attributes={"aria-current": "true" if here else "false"},
            )


@solara.component
def ExerciseCard(ex: Exercise, on_setup: Callable[[str], None], room=None):
    """One exercise: predict, (in a room: send the prediction), set up, observe, check."""
    record = record_of(ex.number)
    answer = record["answer"]
    # Every part keeps its place whether or not a prediction is made: a part that moved
    # would be built anew, and the radio button that has the keyboard's focus with it.
    with solara.Column(classes=["exercise-card"]):
        solara.Markdown(f"### {label(ex)}: {ex.title if answer else ex.name}")
        solara.Text(
            f"Tests {ex.tests.label.lower()} ({ex.tests.cite}).", classes=["exercise-tests"]
        )
        with solara.Column(gap="0px"):
            if answer:
                solara.Text(f"Goal: {ex.goal}", classes=["exercise-goal"])
        Prediction(ex, record, room is not None).key("prediction")
        with solara.Column(gap="0px"):
            if room is not None:
                RoomPanel(ex, answer, record["reason"], room)
        with solara.Row(classes=["exercise-setup"]):
            solara.Button(
                "Set up this run",
                on_click=lambda: on_setup(ex.link),
                color="primary",
                outlined=True,
            )
            solara.Text(f"Opens {ex.link_note}, on the Simulation tab.", classes=["exercise-note"])
        with solara.Column(gap="0px"):
            if answer:
                solara.Markdown("#### What to look at")
                _texts(ex.observe, ["exercise-observe"])
            else:
                solara.Text(
                    "Choose your prediction first: then the exercise's title, its goal and "
                    "what to look at appear here.",
                    classes=["exercise-hint"],
                )
        CheckPanel(ex, record, room).key("check")


@solara.component
def Prediction(ex: Exercise, record: dict, in_room: bool = False):
    """The question as a radio group (arrow keys move between options), and the reason."""
    reason = record["reason"]

    def choose(key):
        if key in ex.predict.keys:
            update_record(ex.number, answer=key)

    def write(text):
        update_record(ex.number, reason=clean_reason(text or ""))

    rv.RadioGroup(
        label=ex.predict.question,
        v_model=record["answer"],
        on_v_model=choose,
        class_="exercise-options",
        children=[
            rv.Radio(label=f"({o.key}) {o.text}", value=o.key, class_="exercise-option")
            for o in ex.predict.options
        ],
    )
    rv.Textarea(
        label=REASON_IN_ROOM if in_room else REASON_ALONE,
        v_model=reason,
        on_v_model=write,
        rows=3,
        auto_grow=True,
        class_="exercise-reason",
        attributes={"maxlength": MAX_REASON},
    )
    solara.Text(
        f"{len(reason):,} of {MAX_REASON:,} characters.",
        classes=["exercise-counter"],
    )


@solara.component
def CheckPanel(ex: Exercise, record: dict, room=None):
    """Check (enabled once a prediction is chosen), then the result in plain words."""
    answer = record["answer"]
    task = solara.lab.use_task(check_now, dependencies=None)
    if not ex.check:
        solara.Text(no_check_words(ex), classes=["exercise-no-check"])
        if answer:
            Explain(ex)
        return
    with solara.Row(classes=["exercise-check"]):
        solara.Button(
            "Check",
            on_click=lambda: task(ex.number, answer, room),
            disabled=answer is None or task.pending,
            color="primary",
        )
        if answer is None:
            solara.Text("Choose a prediction to check it.", classes=["exercise-hint"])
    with rv.Html(tag="div", class_="exercise-result", attributes={"aria-live": "polite"}):
        if task.pending:
            solara.Text(CHECKING, classes=["exercise-checking"])
        elif task.error:
            solara.Text(
                f"The check could not run: {task.exception}. Try again, or ask your facilitator.",
                classes=["exercise-error"],
            )
        elif ex.number in RESULTS.value:
            checked, outcome = RESULTS.value[ex.number]
            Result(ex, outcome, checked, answer, record["reason"])


@solara.component
def Result(ex: Exercise, outcome: Outcome, checked: str, answer: str | None, reason: str):
    """The check's outcome in plain words, the learner's own reason beside it (as text),
    and then the questions to explain and the link to real life."""
    solara.Markdown("#### What the model did")
    for paragraph in in_words(outcome, checked):
        solara.Text(paragraph, classes=["exercise-result-line"])
    if answer != checked:
        solara.Text(
            f"You changed your prediction to ({answer}) after this check: press Check again "
            "to compare the new one.",
            classes=["exercise-hint"],
        )
    if reason:
        solara.Text("Your reason: ", classes=["exercise-reason-label"])
        solara.Text(reason, classes=["exercise-reason-echo"])
    Explain(ex)


@solara.component
def Explain(ex: Exercise):
    solara.Markdown("#### Explain")
    _texts(ex.explain, ["exercise-explain"])
    solara.Text(f"In real life: {ex.real_life}", classes=["exercise-real-life"])


@solara.component
def Downloads(available: bool):
    """Where the predictions are kept, and the download."""
    where = (
        "Your predictions and reasons stay in this browser: they come back when you reload "
        "the page. Download them to keep a copy."
        if available
        else "This browser does not let the page keep your predictions (a private window?): "
        "download them before you close it."
    )
    with solara.Column(classes=["exercise-downloads"]):
        solara.Text(where, classes=["exercise-note"])
        solara.FileDownload(
            lambda: download_text(RECORDS.value),
            filename="my-predictions.json",
            label="Download my predictions",
            mime_type="application/json",
        )

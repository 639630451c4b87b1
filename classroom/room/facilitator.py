"""The facilitator's page (``/facilitator?room=CODE&key=KEY``): the room at a glance.

Only the room's key opens it (``./dev classroom`` prints the address with the key; a wrong
or missing key gets a plain refusal and nothing of the room). On it: how students join (the
addresses and a QR code, in large type), who is in, the exercise the room is on and the
buttons that run the session (move everyone to an exercise, open and close predictions,
reveal the tally), the room's predictions with their reasons, the class's checks pooled
into one distribution, and the class tournament of the strategies students entered
(:mod:`classroom.room.tournament_panel`). Projector mode enlarges it all and leaves the
students' names out.

Everything a student typed is shown as text (``solara.Text``), never as markup; the charts
are SVG drawn here from numbers, with every label escaped (:mod:`classroom.room.pooled`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import parse_qsl

import solara

from workshop.exercises import EXERCISES, exercise

from ..page_bridge import PageBridge
from .play_panel import PlayPanel
from .service import RoomService, service
from .store import PHASES, RoomError, RoomInfo
from .student import use_room
from .tournament_panel import TournamentPanel

__all__ = ["FacilitatorPage", "ONLINE_SECONDS"]

STYLE = Path(__file__).with_name("facilitator.css")
PAGE_STYLE = Path(__file__).parents[1] / "style.css"
#: A student whose page has said nothing for this long is shown as away.
ONLINE_SECONDS = 20.0
#: What the phase buttons say, and what the room's phase is called on the page.
PHASE_WORDS = {
    "closed": "Predictions closed",
    "open": "Predictions open",
    "revealed": "Tally revealed",
}


#: The buttons that set each phase, in PHASES' order.
PHASE_BUTTONS = ("Close predictions", "Open predictions", "Reveal the tally")


def _port() -> int:
    try:
        return int(os.environ.get("CLASSROOM_PORT", "8765"))
    except ValueError:
        return 8765


@solara.component
def FacilitatorPage():
    """The page; reads the room and the key from the address."""
    router = solara.use_router()
    query = dict(parse_qsl((router.search or "").lstrip("?")))
    code, key = query.get("room", "").strip().upper(), query.get("key", "")
    svc = service()
    allowed = solara.use_memo(lambda: svc.store.key_ok(code, key), dependencies=[code, key])
    solara.Title(f"Room {code}: facilitator" if allowed else "Facilitator")
    solara.Style(PAGE_STYLE)  # the app's accessibility fixes (contrast, focus rings)
    solara.Style(STYLE)
    bridge = solara.use_memo(PageBridge, dependencies=[])  # the page's language, zoom
    solara.Column(children=[bridge], gap="0px")
    if not allowed:
        solara.Error(
            "This page is the facilitator's: it opens only with the room's key, which "
            "./dev classroom printed. Students join at the address without the key."
        )
    else:
        Desk(svc, code, query.get("projector") == "1")


@solara.component
def Desk(svc: RoomService, code: str, projector_first: bool):
    """The facilitator's desk, once the key was right."""
    projector, set_projector = solara.use_state(projector_first)
    info = use_room(code, svc, everything=True)
    clock = use_clock(ONLINE_SECONDS / 2)  # who is still there, even when nothing changes
    if info is None:
        solara.Error(f"There is no room {code}.")
        return
    with solara.Column(classes=["facilitator"] + (["projector"] if projector else [])):
        with solara.Row(classes=["fac-head"]):
            solara.Text(f"Room {code}", classes=["fac-code"])
            solara.Text(PHASE_WORDS[info.phase], classes=["fac-phase"])
            solara.Switch(label="Projector view", value=projector, on_value=set_projector)
        with solara.ColumnsResponsive(12, large=[4, 8]):
            with solara.Column():
                JoinPanel(code)
                Students(svc, info, projector, clock)
            with solara.Column():
                SessionControls(svc, info)
                if info.exercise is not None:
                    Predictions(svc, info, projector)
                    Pooled(svc, info)
        TournamentPanel(svc, info, projector)
        PlayPanel(svc, info, projector)


def use_clock(seconds: float) -> int:
    """A number that goes up every ``seconds``: the page draws again on each tick."""
    tick, set_tick = solara.use_state(0)

    def run(cancel):
        n = 0
        while not cancel.wait(seconds):
            n += 1
            set_tick(n)

    solara.use_thread(run, dependencies=[], intrusive_cancel=False)
    return tick


@solara.component
def JoinPanel(code: str):
    """How students join: the address (with the room), in large type, and its QR code."""
    from .join import addresses, qr_svg, student_url

    urls = solara.use_memo(lambda: [student_url(u, code) for u in addresses(_port())], [code])
    with solara.Column(classes=["fac-join"], gap="6px"):
        solara.Markdown("### Students join at")
        if not urls:
            solara.Text(
                "This computer has no address students can reach: connect it to the room's "
                "network (or start a hotspot) and run ./dev classroom again.",
                classes=["fac-warning"],
            )
            return
        for url in urls:
            solara.Text(url, classes=["fac-url"])
        solara.HTML(tag="div", unsafe_innerHTML=qr_svg(urls[0]), classes=["fac-qr"])


@solara.component
def Students(svc: RoomService, info: RoomInfo, projector: bool, clock: int):
    """Who is in the room (read again at each ``clock`` tick: a student who closed their
    page shows as away), and who has predicted the current exercise."""
    students = solara.use_memo(lambda: svc.store.students(info.code), [info.version, clock])
    predicted = solara.use_memo(
        lambda: (
            {p.student for p in svc.store.predictions(info.code, info.exercise)}
            if info.exercise is not None
            else set()
        ),
        [info.version],
    )
    now = time.time()
    online = [s for s in students if now - s.last_seen < ONLINE_SECONDS]
    with solara.Column(classes=["fac-students"], gap="2px"):
        solara.Markdown(f"### In the room: {len(online)} of {len(students)}")
        if projector:
            return  # names stay off the projector
        for s in students:
            away = "" if now - s.last_seen < ONLINE_SECONDS else " (away)"
            mark = "✓ " if s.id in predicted else ""
            solara.Text(f"{mark}{s.name}{away}", classes=["fac-student"])


@solara.component
def SessionControls(svc: RoomService, info: RoomInfo):
    """Move everyone to an exercise; open, close and reveal its predictions."""
    problem, set_problem = solara.use_state("")
    # the sheet's neutral names: this page may be on the projector
    titles = {f"Exercise {e.number}: {e.name}": e.number for e in EXERCISES}
    current = next((t for t, n in titles.items() if n == info.exercise), None)
    chosen, set_chosen = solara.use_state(current)

    def act(fn, *args):
        try:
            fn(*args)
            set_problem("")
        except RoomError as err:
            set_problem(str(err))

    with solara.Column(classes=["fac-controls"], gap="8px"):
        solara.Markdown("### The session")
        solara.Select("Exercise", values=list(titles), value=chosen, on_value=set_chosen)
        with solara.Row(gap="8px"):
            solara.Button(
                "Move everyone to this exercise",
                on_click=lambda: act(svc.move, info.code, titles[chosen]),
                disabled=chosen is None,
                color="primary",
            )
            for phase, label in zip(PHASES, PHASE_BUTTONS, strict=True):
                solara.Button(
                    label,
                    on_click=lambda p=phase: act(svc.set_phase, info.code, p),
                    disabled=info.exercise is None or info.phase == phase,
                    outlined=True,
                )
        if info.exercise is not None:
            solara.Text(
                f"The room is on exercise {info.exercise}: {exercise(info.exercise).name}.",
                classes=["fac-on"],
            )
        if problem:
            solara.Text(problem, classes=["fac-warning"])


@solara.component
def Predictions(svc: RoomService, info: RoomInfo, projector: bool):
    """The tally of the room's predictions, and their reasons (names off the projector)."""
    from .pooled import tally_svg

    ex = exercise(info.exercise)
    counts = solara.use_memo(lambda: svc.store.tally(info.code, ex.number), [info.version])
    rows = solara.use_memo(lambda: svc.store.predictions(info.code, ex.number), [info.version])
    labels = {o.key: o.text for o in ex.predict.options}
    with solara.Column(classes=["fac-predictions"], gap="4px"):
        solara.Markdown(f"### Predictions: {sum(counts.values())}")
        solara.Text(ex.predict.question, classes=["fac-question"])
        model = ex.predict.answer if info.phase == "revealed" else None
        svg = tally_svg(counts, labels, highlight=model)
        solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["fac-tally"])
        solara.Markdown("#### Their reasons")
        shown = [p for p in rows if p.reason]
        if not shown:
            solara.Text("No reasons written yet.")
        for p in shown:
            who = "" if projector else f"{p.name}: "
            solara.Text(f"({p.answer}) {who}{p.reason}", classes=["fac-reason"])


@solara.component
def Pooled(svc: RoomService, info: RoomInfo):
    """The class's checks, one run per student on their own seed, as one distribution."""
    from .pooled import dot_plot_svg

    ex = exercise(info.exercise)
    results = solara.use_memo(lambda: svc.store.results(info.code, ex.number), [info.version])
    with solara.Column(classes=["fac-pooled"], gap="4px"):
        solara.Markdown(f"### The class's runs: {len(results)}")
        if not ex.check:
            solara.Text("This exercise has no check: there is nothing to pool.")
            return
        if not results:
            solara.Text("When students press Check, each runs the model on a seed of their own.")
            return
        label = _value_label(ex.number)
        svg = dot_plot_svg([r.value for r in results], label)
        solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["fac-dots"])
        observed = {}
        for r in results:
            observed[r.observed] = observed.get(r.observed, 0) + 1
        said = ", ".join(f"({k}) {n}" for k, n in sorted(observed.items()))
        solara.Text(f"What their runs support: {said}.", classes=["fac-observed"])


def _value_label(number: int) -> str:
    """What the pooled number of exercise ``number`` measures (from its check)."""
    from workshop.checks import VALUE_LABELS

    return VALUE_LABELS.get(number, "the check's number")

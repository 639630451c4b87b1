"""The classroom app: watch broadcasters fade as people learn to ignore them.

Start it with ``./dev app`` (which runs ``solara run app.py`` with every front-end file
served from this machine). Each browser tab has its own run (or two, when comparing). The
address bar always holds the current setup, so a link restores it. The model is used only
through its public contract; the views and the run's bookkeeping live in :mod:`classroom`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import solara

from classroom import fair
from classroom.actions import PageActions
from classroom.builder import StrategyBuilder, watch_setup
from classroom.exercises_tab import CURRENT, ExercisesTab
from classroom.live_text import LiveText
from classroom.page_bridge import PageBridge
from classroom.panels import KEY_CHART, RunsView, show
from classroom.room.facilitator import FacilitatorPage
from classroom.room.play_student import PlayTab
from classroom.room.student import InRoom
from classroom.session import Session
from classroom.share import Setup, from_query, to_query
from classroom.sidebar import SLOW_START_SPEED, SLOW_START_STEPS, Settings
from classroom.tour import Tour, link_tour
from classroom.version import __version__

__all__ = [
    "AppPage",
    "KEY_CHART",
    "LiveText",
    "PageBridge",
    "Session",
    "TITLE",
    "play_period",
    "routes",
]

TITLE = "Interruption or interaction?"
HERE = Path(__file__).parent / "classroom"
ABOUT = (HERE / "about.md").read_text(encoding="utf-8")
STYLE = HERE / "style.css"
PROJECTOR_STYLE = HERE / "projector.css"
#: Default play speed (steps a second), and the gentler one used when the learner's system
#: asks for reduced motion.
SPEED, REDUCED_SPEED = 10, 2
#: The slow start (classroom.sidebar, which says it on the page): SLOW_START_STEPS steps at
#: no more than SLOW_START_SPEED steps a second.


def play_period(step: int, fps: int) -> float:
    """Seconds between two steps of play, the run being at ``step``: the chosen speed
    ``fps``, slowed to SLOW_START_SPEED during the first SLOW_START_STEPS steps."""
    if step < SLOW_START_STEPS:
        fps = min(fps, SLOW_START_SPEED)
    return 1.0 / fps


#: Widget scale in projector mode (fonts, lines, dots).
PROJECTOR_SCALE = 1.6


#: Whether this tab's window is phone-sized (per tab: Solara keeps reactives per kernel).
NARROW = solara.reactive(False)


@solara.component
def Layout(children=[]):  # noqa: B006 (Solara's layout signature)
    """Solara wraps every page in this: the app's (on a phone the settings start folded
    away), or the facilitator's, which has no sidebar."""
    if solara.use_router().path.startswith("/facilitator"):
        return solara.Column(children=children)
    # navigation=False: no tab for each route in the bar (students have no use for the
    # facilitator's page, which opens only with the room's key)
    return solara.AppLayout(children=children, sidebar_open=not NARROW.value, navigation=False)


@solara.component
def AppPage(session: Session | None = None, on_session=None):
    """The whole page. Each browser tab renders its own Page and owns its own Session; the
    first render reads the link. Tests may pass a session in, or ``on_session`` to be
    handed the one the page makes.

    What changes every frame (the counter, the story, the person's numbers, the views) is
    sent by the session straight to its widgets: a frame re-renders nothing here. The
    page's own state changes only on a click."""
    router = solara.use_router()
    first, problems0 = solara.use_memo(lambda: from_query(router.search), dependencies=[])
    setup, set_setup = solara.use_state(first)
    editing, set_editing = solara.use_state(0)  # which run the controls edit
    problems, set_problems = solara.use_state(problems0)
    session = solara.use_memo(lambda: _session(session, first, on_session), dependencies=[])
    playing = solara.use_reactive(False)
    fps, set_fps = solara.use_state(SPEED)
    version, set_version = solara.use_state(0)
    selected, set_selected = solara.use_state((0, -1))
    tab, set_tab = solara.use_state(0)
    upload_summary, set_upload_summary = solara.use_state("")
    bridge = solara.use_memo(PageBridge, dependencies=[])
    bridge.address = to_query(setup)  # the address bar always describes the current setup
    tour = solara.use_memo(Tour, dependencies=[])
    # the network view is replaced on Reset: the tour asks for the current one
    solara.use_effect(lambda: link_tour(tour, lambda: session.view), [])

    def toggle_play():
        playing.value = not playing.value

    use_play_loop(session, playing, fps, version)
    reduced = use_browser(bridge, toggle_play, set_fps)
    use_selection(session, version, set_selected)
    use_pause_on_replay(session, playing)

    def restarted():
        set_version(lambda v: v + 1)
        set_selected((0, -1))

    def open_link(query: str):
        actions.open_link(query)
        set_tab(0)

    def room_moved(number: int):
        CURRENT.set(number)
        set_tab(TABS.index("Exercises"))

    def watch_strategy(mix):  # the Strategy tab's "Watch it in the simulation"
        new = watch_setup(setup, mix)
        set_setup(new)
        set_editing(0)
        actions.restart(new)
        set_tab(0)

    def take_the_tour():
        set_tab(0)  # the tour points at the Simulation tab's parts
        tour.start()

    actions = PageActions(
        session, setup, set_setup, editing, set_editing,
        stop=lambda: playing.set(False), restarted=restarted, show_problems=set_problems,
        show_upload=set_upload_summary,
    )  # fmt: skip
    _scale(session, PROJECTOR_SCALE if setup.projector else 1.0)
    Head(session, bridge, tour, setup.projector, playing.value, toggle_play)
    with solara.Sidebar():
        Settings(actions, playing.value, toggle_play, fps, set_fps, upload_summary, take_the_tour)
    # Tab labels only, content below them: in solara 1.64 with Vuetify 3 the content of a
    # lab.Tab is placed inside the (sideways-scrolling) tab bar, off the page to the right.
    if setup.room:
        InRoom(setup.room, room_moved)
    tabs = (*TABS, *ROOM_TABS) if setup.room else TABS
    with solara.lab.Tabs(value=tab, on_value=set_tab):
        for name in tabs:
            solara.lab.Tab(name)
    shown = tabs[tab] if tab < len(tabs) else tabs[0]
    if shown == "About":
        solara.Markdown(ABOUT)
        solara.Text(f"Version {__version__}", classes=["app-version"])
    elif shown == "Exercises":
        ExercisesTab(on_setup=open_link, in_room=bool(setup.room))
    elif shown == "Strategy":
        StrategyBuilder(on_watch=watch_strategy, in_room=bool(setup.room))
    elif shown == "Play":
        PlayTab()
    else:
        Notices(problems, set_problems, reduced)
        RunsView(session, selected, version, session.replay_bar)


#: The page's tabs, in order.
TABS = ("Simulation", "About", "Exercises", "Strategy")
#: The tabs only a page in a room has, after those.
ROOM_TABS = ("Play",)
#: The app's pages: the classroom app, and the facilitator's page of a room.
routes = [
    solara.Route(path="/", component=AppPage, layout=Layout, label=TITLE),
    solara.Route(path="facilitator", component=FacilitatorPage, label="Facilitator"),
]


def _session(given: Session | None, first: Setup, on_session) -> Session:
    made = given or Session(first.params, first.seed, compare=first.compare)
    if on_session is not None:
        on_session(made)
    return made


def _scale(session: Session, scale: float) -> None:
    """Projector mode: every widget drawn larger."""
    widgets = [*session.views, *session.charts.values(), session.person_chart, session.person_wins]
    for widget in widgets:
        if hasattr(widget, "scale") and widget.scale != scale:
            widget.scale = scale


def use_play_loop(session: Session, playing, fps: int, version: int) -> None:
    """While ``playing``, step the session on a fixed beat (:func:`play_period`), each step
    a turn of the server's fair share (:data:`classroom.fair.FAIR`): a heavy run plays
    slower instead of slowing every other tab. When the page goes (its tab closed), the
    session's memory is given back."""

    def play_loop(cancel: threading.Event):
        key = id(session)
        due = time.perf_counter()
        wanted = 1.0 / fps
        seen, seen_at = fair.page_watcher(), time.monotonic()
        try:
            while playing.value and not cancel.is_set():
                if seen():
                    seen_at = time.monotonic()
                elif time.monotonic() - seen_at > fair.ORPHAN_PAUSE:
                    playing.value = False  # nobody watches: the page went without a word
                    break
                with fair.FAIR.turn(key, cancel, period=wanted) as mine, session.lock:
                    if not mine or not session.runs:  # paused, or the tab has closed
                        break
                    session.step()
                    wanted = play_period(session.run.steps, fps)
                period = fair.FAIR.pace(key, wanted)  # longer when heavy and shared
                # on a fixed beat (so the speed shown is the speed played), never catching up
                # on a slow frame with a burst
                due = max(due + period, time.perf_counter() - period)
                cancel.wait(max(0.0, due - time.perf_counter()))
        finally:
            fair.FAIR.leave(key)

    solara.use_thread(play_loop, dependencies=[playing.value, fps, version], intrusive_cancel=False)
    solara.use_effect(lambda: lambda: fair.release(session), [])  # unmounted: the tab closed


def use_browser(bridge: PageBridge, toggle_play, set_fps) -> bool:
    """Follow what the browser reports (reduced motion, a phone-sized window) and its space
    bar; returns whether reduced motion is asked for."""
    reduced, set_reduced = solara.use_state(False)
    bridge.on_space = toggle_play

    def watch():
        def motion(change):
            set_reduced(change["new"])
            if change["new"]:
                set_fps(lambda now: REDUCED_SPEED if now == SPEED else now)

        def width(change):
            NARROW.value = change["new"]

        watched = [(motion, "reduced_motion"), (width, "narrow")]
        for handler, name in watched:
            bridge.observe(handler, name)
        return lambda: [bridge.unobserve(handler, name) for handler, name in watched]

    solara.use_effect(watch, [])
    return reduced


def use_selection(session: Session, version: int, set_selected) -> None:
    """A click on a person (in either run's view) shows them in the inspector."""

    def watch():
        handlers = []
        for r, view in enumerate(session.views):

            def on_select(change, r=r):
                session.select(r, change["new"])
                set_selected((r, change["new"]))

            view.observe(on_select, "selected")
            handlers.append((view, on_select))
        return lambda: [view.unobserve(h, "selected") for view, h in handlers]

    solara.use_effect(watch, [version])


def use_pause_on_replay(session: Session, playing) -> None:
    """Going back in time pauses play; Play then continues from the present."""

    def watch():
        session.on_replay = lambda _step: playing.set(False)
        return lambda: setattr(session, "on_replay", None)

    solara.use_effect(watch, [])


@solara.component
def Head(session: Session, bridge: PageBridge, tour: Tour, projector: bool, playing, toggle_play):
    """The page's title, style, bridge, tour and app bar (the step counter; Play on a
    phone)."""
    solara.Title(TITLE)
    solara.Style(STYLE)
    if projector:
        solara.Style(PROJECTOR_STYLE)
    show(bridge)
    show(tour)  # always in the page, whichever tab is open
    with solara.AppBar():
        show(session.counter)
        if NARROW.value:  # on a phone the sidebar is folded: play from the bar
            solara.Button(
                icon_name="mdi-pause" if playing else "mdi-play",
                on_click=toggle_play,
                icon=True,
                classes=["bar-play"],
                attributes={"aria-label": "Pause" if playing else "Play"},
            )


@solara.component
def Notices(problems: list[str], set_problems, reduced: bool):
    """What the link could not use, and what reduced motion changes."""
    for problem in problems:
        solara.Warning(f"From the link: {problem}", dense=True)
    if problems:
        solara.Button("Dismiss", on_click=lambda: set_problems([]), text=True)
    if reduced:
        solara.Info(
            "Your system asks for less motion: the run starts paused and plays "
            f"{REDUCED_SPEED} steps a second. Raise the speed if you like.",
            dense=True,
        )

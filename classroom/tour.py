"""A guided first run: a short, skippable tour of the page (one small anywidget).

On a learner's first visit a small dialog walks them through the page in six stops: the
Play button, a broadcaster and an interactor in the network, the attention chart, the story
line and the replay slider. Each stop rings its part of the page and sits beside it. Next,
Back and "Skip tour" (or Esc) move through it; it is remembered per browser
(``localStorage``), and the page's "Take the tour" button starts it again.

How it works:

- :class:`Tour` holds the steps (``steps``: key, title, text, CSS selectors to point at);
  the browser shows them in a dialog (``role="dialog"``, ``aria-modal``, named by its title
  and described by its text, focus moved in on open and given back on close, Tab kept
  inside). A step whose target is missing or hidden (the replay slider before there is one,
  the sidebar folded on a phone) is left out, and "k of n" counts only the steps shown.
- The browser writes ``"done"`` under ``storage_key`` in ``localStorage`` when the tour is
  finished or skipped; on load, the tour opens only if that key is absent. Adding one to
  ``restarts`` (:meth:`Tour.start`) opens it again, whatever the key says.
- ``step_shown`` is the key of the step on screen (``""`` when closed), set by the browser.
  :func:`link_tour` watches it and sets the network view's ``highlight`` while the
  broadcaster or interactor step is shown; the view then rings that person and places a
  ``div.nv-highlight`` marker over them, which the step points at.
- No transition or animation anywhere (so nothing to turn off for reduced motion); sizes
  are in ``rem``, so projector mode (which raises the root font size) enlarges the dialog.

Wiring in app.py (inside ``Page``; ``session`` is the page's Session)::

    from classroom.tour import Tour, link_tour

    tour = solara.use_memo(Tour, dependencies=[])
    # the network view is replaced on Reset: pass a callable, and unlink on unmount
    solara.use_effect(lambda: link_tour(tour, lambda: session.view), [])

    def take_the_tour():
        set_tab(0)  # the tour points at the Simulation view
        tour.start()

    ...
    _show(bridge)
    _show(tour)  # right after the bridge, before the tabs: always in the page
    ...
    with solara.Sidebar():
        Commands(...)
        solara.Button("Take the tour", on_click=take_the_tour, text=True,
                      classes=["tour-restart"])

The steps point at these classes (wrap the page's parts in them): ``.network-panel`` (the
network's column), ``.key-chart`` (the attention chart), ``.story-panel`` (the story line),
``.replay-panel`` (the replay slider; skipped while missing). ``link_tour`` picks, when it
is not told whom, the broadcaster and the interactor nearest the middle of the network.

Browser tests that must not see the tour: ``tests/browser/conftest.py``'s ``open_app``
marks each new browser context as having seen it (unless ``open_app(tour=True)``)::

    context.add_init_script(TOUR_DONE_JS)  # from classroom.tour import TOUR_DONE_JS

which is the one line ``try { localStorage.setItem("interruption-or-interaction/tour/v1",
"done"); } catch (e) {}`` run before the page's own scripts on every load.
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import numpy as np
import traitlets as t

from classroom.front_end import front_end
from classroom.network_view import BROADCASTERS, INTERACTORS, NetworkView

__all__ = ["PERSON_STEPS", "STEPS", "STORAGE_KEY", "TOUR_DONE_JS", "Tour", "link_tour"]


#: Where the browser remembers that the tour was finished or skipped (``localStorage``).
STORAGE_KEY = "interruption-or-interaction/tour/v1"
#: A script that marks the tour as done before the page loads (for browser tests that must
#: not see it: ``context.add_init_script(TOUR_DONE_JS)``).
TOUR_DONE_JS = f'try {{ localStorage.setItem("{STORAGE_KEY}", "done"); }} catch (e) {{}}'

#: The steps in order. ``targets``: CSS selectors, in order of preference: the step points at
#: the first visible match; ``wait_ms``: how long the first selector may take to appear (the
#: person marker comes after a round trip through Python); none visible: the step is skipped.
STEPS: list[dict] = [
    {
        "key": "play",
        "title": "Start here: Play",
        "text": (
            "This page runs a small world of people who try to win each other's attention. "
            "Press Play to set it going; press it again, or the space bar, to pause. "
            "This tour has a few short stops: skip it whenever you like."
        ),
        "targets": ["button.play", "button.bar-play"],
    },
    {
        "key": "broadcaster",
        "title": "A broadcaster (square)",
        "text": (
            "Squares are broadcasters: every step they send the same pitch to everyone they "
            "know, and never listen back. Keep an eye on this one: when people learn to tune "
            "it out, it turns faint."
        ),
        "targets": ['.nv-highlight[data-group="broadcaster"]', ".network-panel", ".nv-root"],
        "wait_ms": 2500,
    },
    {
        "key": "interactor",
        "title": "An interactor (circle)",
        "text": (
            "Circles are interactors: they talk with one contact at a time, both ways, about "
            "what that person cares about. Their contacts tend to keep listening."
        ),
        "targets": ['.nv-highlight[data-group="interactor"]', ".network-panel", ".nv-root"],
        "wait_ms": 2500,
    },
    {
        "key": "attention",
        "title": "Who still gets attention",
        "text": (
            "This chart shows, step by step, how much attention people pay to the "
            "broadcasters and to the interactors. Watch the two lines pull apart."
        ),
        "targets": [".key-chart"],
    },
    {
        "key": "story",
        "title": "What just happened",
        "text": (
            "Here the page tells in a sentence what changed: who faded, who won someone over. "
            "The newest news comes first."
        ),
        "targets": [".story-panel"],
    },
    {
        "key": "replay",
        "title": "Look back",
        "text": "Drag this slider to go back to any earlier step of the run and see it again.",
        "targets": [".replay-panel"],
    },
]
#: Said under the last step shown.
CLOSING_NOTE = 'You can take this tour again with "Take the tour" in the settings.'

#: The steps that point at one person in the network, and that person's group code.
PERSON_STEPS = {"broadcaster": BROADCASTERS, "interactor": INTERACTORS}


class Tour(anywidget.AnyWidget):
    """The guided tour (nothing of it shows in place: its dialog floats over the page).

    Synced traits: ``steps`` (list of dicts, see :data:`STEPS`), ``storage_key``,
    ``closing_note``, ``restarts`` (add one to start the tour again: :meth:`start`) and
    ``step_shown`` (set by the browser: the key of the step on screen, ``""`` when closed).
    """

    _esm = front_end("tour.js")
    _css = front_end("tour.css")
    steps = t.List(t.Dict(), default_value=STEPS).tag(sync=True)
    storage_key = t.Unicode(STORAGE_KEY).tag(sync=True)
    closing_note = t.Unicode(CLOSING_NOTE).tag(sync=True)
    #: Start the tour again: each change of this number opens it at the first step.
    restarts = t.Int(0).tag(sync=True)
    #: The key of the step on screen, "" when the tour is closed (set by the browser).
    step_shown = t.Unicode("").tag(sync=True)

    @t.validate("steps")
    def _valid_steps(self, proposal: dict) -> list[dict]:
        steps = proposal["value"]
        keys = [s.get("key") for s in steps]
        if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
            raise t.TraitError("each step needs a key of its own (a non-empty string)")
        for s in steps:
            if not isinstance(s.get("title"), str) or not isinstance(s.get("text"), str):
                raise t.TraitError(f"step {s['key']!r} needs a title and a text")
            targets = s.get("targets", [])
            if not isinstance(targets, list) or not all(isinstance(x, str) for x in targets):
                raise t.TraitError(f"step {s['key']!r}: targets must be a list of selectors")
        return [dict(s) for s in steps]

    def start(self) -> None:
        """Open the tour again at its first step (in every browser showing this widget)."""
        self.restarts += 1

    @property
    def is_open(self) -> bool:
        """Whether the browser shows the tour now."""
        return bool(self.step_shown)


def _pick(view: NetworkView, group: int) -> int:
    """The person of ``group`` nearest the middle of the layout; -1 if there is none."""
    groups = np.frombuffer(view.groups, dtype=np.uint8)
    pos = np.frombuffer(view.positions, dtype="<f4").reshape(-1, 2)
    members = np.flatnonzero(groups[: len(pos)] == group)
    if not len(members):
        return -1
    d = ((pos[members] - 0.5) ** 2).sum(axis=1)
    return int(members[int(np.argmin(d))])


Person = int | Callable[[NetworkView], int] | None


def link_tour(
    tour: Tour,
    view: NetworkView | Callable[[], NetworkView | None],
    broadcaster: Person = None,
    interactor: Person = None,
) -> Callable[[], None]:
    """Ring a broadcaster and an interactor in ``view`` while the tour points at them.

    ``view``: the network view, or a callable giving the current one (the page's view is
    replaced on Reset: ``lambda: session.view``). ``broadcaster`` / ``interactor``: a
    person's index, a callable ``f(view) -> index``, or None for the one of that group nearest
    the middle of the network. Returns a function that undoes the link (and clears the
    ring): fit for ``solara.use_effect``.
    """
    chosen = {"broadcaster": broadcaster, "interactor": interactor}
    ringed: list[NetworkView] = []

    def current() -> NetworkView | None:
        return view() if callable(view) else view

    def person(key: str, v: NetworkView) -> int:
        who = chosen[key]
        if who is None:
            return _pick(v, PERSON_STEPS[key])
        return int(who(v) if callable(who) else who)

    def clear() -> None:
        while ringed:
            old = ringed.pop()
            if old.highlight != -1:
                old.highlight = -1

    def on_step(change: dict) -> None:
        v = current()
        key = change["new"]
        target = person(key, v) if v is not None and key in PERSON_STEPS else -1
        if v is not None and target >= 0:
            for old in [o for o in ringed if o is not v]:
                ringed.remove(old)
                old.highlight = -1
            v.highlight = target  # validated by the view: out of range -> -1
            if v not in ringed:
                ringed.append(v)
        else:
            clear()

    tour.observe(on_step, "step_shown")
    if tour.step_shown:
        on_step({"new": tour.step_shown})

    def unlink() -> None:
        tour.unobserve(on_step, "step_shown")
        clear()

    return unlink

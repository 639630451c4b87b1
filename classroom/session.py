"""What one browser tab owns: its run (or two, when comparing), their views and charts.

The page (``app.py``) keeps one :class:`Session` per tab and calls :meth:`Session.start`,
:meth:`Session.step` and :meth:`Session.select`; the session sends the views only what
changed: one byte a person for the network, one point a chart, one point for the person
being inspected, and the few lines of text that change (step counter, story, the person's
numbers) as :class:`~classroom.live_text.LiveText` widgets, so that a frame re-renders
nothing.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from agents import get_strategy_class
from sim import reporter_help

from .chart_view import LineChart
from .live_text import LiveText
from .network_view import NetworkView
from .palette import BROADCASTERS, INTERACTORS, OTHERS
from .replay import FrameStore, ReplayBar
from .run import CHARTS, ClassroomRun

__all__ = [
    "CHART_HELP",
    "CHART_TERMS",
    "PERSON_CHART_HELP",
    "PERSON_SERIES",
    "RUN_NAMES",
    "SERIES_STYLE",
    "Session",
    "ties_note",
]

#: The word of the About tab's glossary that each chart measures (chart key -> term).
CHART_TERMS = {
    "attention": "Attention",
    "trust": "Trust",
    "recall": "Recall",
    "value": "Value",
    "reach": "Reach",
    "conversions": "Won over",
    "faded": "Faded",
}


def _chart_help(prefix: str) -> str:
    """One line saying what a chart measures, from the model's own reporter help
    (:func:`sim.reporter_help`) without its notes on grouping and the Bass rule."""
    text = reporter_help(f"{prefix}_broadcasters").split(";")[0].strip()
    return f"For broadcasters and interactors: {text}."


#: What each chart of the run measures, in one line (chart key -> text), shown with it.
CHART_HELP = {key: _chart_help(prefix) for key, _, _, prefix, _ in CHARTS}
#: The same for the two charts of the selected person.
PERSON_CHART_HELP = (
    "The selected person: attention their contacts pay them, trust they have earned and "
    "how well they are remembered (recall), each from 0 to 1.",
    "How many people the selected person has won over so far.",
)

#: Colour, dash and marker per group: colour-blind safe (Okabe-Ito) and never colour alone.
SERIES_STYLE = {
    "broadcasters": {
        "label": "Broadcasters (interrupt)",
        "color": BROADCASTERS,
        "dash": [6, 3],
        "marker": "square",
    },
    "interactors": {
        "label": "Interactors (interact)",
        "color": INTERACTORS,
        "dash": [],
        "marker": "circle",
    },
}
OTHER_STYLE = {"color": OTHERS, "dash": [2, 2], "marker": "triangle"}
#: When two runs are compared, run A's lines are solid and run B's dashed; colour and marker
#: still tell the groups apart.
RUN_NAMES = ("A", "B")
RUN_DASH = ([], [5, 4])
#: The inspector's chart of one person: (key, label, colour, marker).
PERSON_SERIES = [
    {
        "key": "attention_received",
        "label": "attention paid to them",
        "color": "#0072B2",
        "marker": "circle",
        "dash": [],
    },
    {
        "key": "trust_earned",
        "label": "trust earned",
        "color": "#D55E00",
        "marker": "square",
        "dash": [6, 3],
    },
    {
        "key": "recall",
        "label": "remembered",
        "color": "#009E73",
        "marker": "triangle",
        "dash": [2, 2],
    },
]

WINS_SERIES = {
    "key": "conversions",
    "label": "won over so far",
    "color": "#CC79A7",
    "marker": "circle",
    "dash": [],
}


def _other_style(group: str) -> dict:
    """The style of a group other than the two families: its strategy's ``label`` (a
    builder-made strategy's name as the learner typed it) when it has one, else the group's
    name."""
    try:
        label = str(getattr(get_strategy_class(group), "label", "") or group)
    except KeyError:
        label = group
    return {"label": label[:40], **OTHER_STYLE}


def series_for(groups: list[str], runs: int = 1) -> list[dict]:
    """Chart series: one per group, or one per run and group when comparing."""
    if runs == 1:
        return [{"key": g, **SERIES_STYLE.get(g, _other_style(g))} for g in groups]
    out = []
    for r in range(runs):
        for g in groups:
            style = SERIES_STYLE.get(g, _other_style(g))
            out.append(
                {
                    **style,
                    "key": f"{RUN_NAMES[r]}:{g}",
                    "dash": RUN_DASH[r],
                    "label": f"Run {RUN_NAMES[r]}: {style['label']}",
                }
            )
    return out


class Session:
    """One tab's runs and views. All changes go through the lock, so the play loop's thread
    and the page's button handlers never step a run at the same time."""

    def __init__(self, params: dict, seed: int, compare: dict | None = None):
        self.lock = threading.RLock()
        self.charts = {
            key: LineChart(
                title=title,
                y_label=y_label,
                y_min=None if rng is None else rng[0],
                y_max=None if rng is None else rng[1],
                description=CHART_HELP[key],
            )
            for key, title, y_label, _, rng in CHARTS
        }
        self.person_chart = LineChart(
            title="Their numbers, step by step",
            y_label="0-1",
            y_min=0.0,
            y_max=1.0,
            height=180,
            series=PERSON_SERIES,
            description=PERSON_CHART_HELP[0],
        )
        self.person_wins = LineChart(
            title="People they won over",
            y_label="people",
            y_min=0.0,
            height=140,
            series=[WINS_SERIES],
            description=PERSON_CHART_HELP[1],
        )
        self.counter = LiveText(tag="span", css_class="step-counter")
        self.stories = [LiveText(css_class="story", polite=True) for _ in RUN_NAMES]
        self.person_text = LiveText(css_class="person-numbers", first_bold=True)
        #: Per run, the step's messages in words (what the network view draws, for anyone
        #: who cannot see it, and in numbers for everyone).
        self.message_texts = [LiveText(css_class="message-count") for _ in RUN_NAMES]
        self.runs: list[ClassroomRun] = []
        self.views: list[NetworkView] = []
        self.selected: tuple[int, int] = (0, -1)
        #: The replay slider, every run's kept frames, and the step being replayed (None:
        #: the present). ``on_replay(step)`` is called when the learner goes back in time.
        self.replay_bar = ReplayBar()
        self.frames: list[FrameStore] = []
        self.replaying: int | None = None
        self.on_replay = None
        self.replay_bar.observe(self._on_replay_bar, "at")
        self.start(params, seed, compare=compare)

    # -- the runs ----------------------------------------------------------------------------
    @property
    def run(self) -> ClassroomRun:
        """Run A (the only run unless comparing)."""
        return self.runs[0]

    @property
    def view(self) -> NetworkView:
        return self.views[0]

    @property
    def comparing(self) -> bool:
        return len(self.runs) > 1

    def start(
        self, params: dict, seed: int, compare: dict | None = None, keep_ghosts: bool = False
    ) -> None:
        """New runs from ``params`` (and run B's ``compare``) on the same seed, hence the
        same network when the network's settings agree."""
        with self.lock:
            settings = [params] if compare is None else [params, compare]
            old_views = self.views
            self.runs = [ClassroomRun(params=dict(p), seed=seed) for p in settings]
            self.views = [
                NetworkView.build(
                    r.positions,
                    r.drawn_edges,
                    r.labels,
                    r.group_codes(),
                    hover_formatter=r.hover_text,
                )
                for r in self.runs
            ]
            groups = list(dict.fromkeys(g for r in self.runs for g in r.groups))
            series = series_for(groups, len(self.runs))
            for chart in self.charts.values():
                if [s["key"] for s in chart.series] != [s["key"] for s in series]:
                    chart.series = series  # new columns: the earlier runs no longer fit
                else:
                    chart.reset(keep=keep_ghosts)
            self.selected = (0, -1)
            self.person_chart.reset()
            self.person_wins.reset()
            self.frames = [FrameStore(r.model.world.n, len(r.drawn_edges)) for r in self.runs]
            self._leave_replay()
            self._push()
            retire_views(old_views)

    def step(self, n: int = 1) -> None:
        """Step every run ``n`` times; when replaying, first go back to the present."""
        with self.lock:
            self._leave_replay()
            for run in self.runs:
                run.step(n)
            self._push()

    # -- replay: an earlier step of the current runs ----------------------------------------
    def replay(self, step: int | None) -> None:
        """Show the runs as they were at ``step`` (None, or the current step: the present):
        the network views, the story up to then and a cursor on every chart. Steps older
        than the kept frames show the oldest kept one."""
        with self.lock:
            if step is None or step >= self.steps:
                if self.replaying is not None:
                    self._leave_replay()
                    self._show_now()
                return
            step = max(int(step), *(store.steps[0] for store in self.frames))
            self.replaying = step
            for r, (store, view) in enumerate(zip(self.frames, self.views, strict=True)):
                f = store.frame(step)
                view.show(f.opacity, f.edge_strength, f.messages, step)
                self.message_texts[r].lines = [messages_said(step, f.counts, replay=True)]
            for chart in self.charts.values():
                chart.cursor = float(step)
            self._say_step()
            if self.replay_bar.at != step:
                self.replay_bar.at = step

    def _on_replay_bar(self, change) -> None:
        step = None if change["new"] < 0 else change["new"]
        if step is None and self.replaying is None:
            return  # the present already
        self.replay(step)
        if step is not None and self.on_replay is not None:
            self.on_replay(step)

    def _leave_replay(self) -> None:
        self.replaying = None
        for chart in self.charts.values():
            if chart.cursor is not None:
                chart.cursor = None
        if self.replay_bar.at != -1:
            self.replay_bar.at = -1

    def _show_now(self) -> None:
        """The present again, from the kept frames (no new chart points)."""
        for r, (store, view) in enumerate(zip(self.frames, self.views, strict=True)):
            f = store.frame(self.steps)
            view.show(f.opacity, f.edge_strength, f.messages, self.steps)
            self.message_texts[r].lines = [messages_said(self.steps, f.counts)]
        self._say_step()

    def _say_step(self) -> None:
        """The step counter and the stories, for the step shown."""
        shown = self.steps if self.replaying is None else self.replaying
        replay = "" if self.replaying is None else " (replay)"
        self.counter.lines = [f"Step {shown}{replay}"]
        for r in range(len(self.runs)):
            self.stories[r].lines = self.story_lines(r, shown)

    @property
    def steps(self) -> int:
        return self.runs[0].steps

    # -- the person in the inspector ------------------------------------------------------------
    def select(self, run: int, person: int) -> None:
        """Show ``person`` of run ``run`` (index) in the inspector; -1 for nobody."""
        with self.lock:
            self.selected = (run, person)
            for i, view in enumerate(self.views):
                if i != run and view.selected != -1:
                    view.selected = -1
            if person < 0:
                self.person_chart.reset()
                self.person_wins.reset()
                self.person_text.lines = []
                return
            info = self.runs[run].inspect(person)
            steps, history = info["history_steps"], info["history"]
            self.person_chart.set_data(
                np.column_stack([steps] + [history[s["key"]] for s in PERSON_SERIES])
            )
            self.person_wins.set_data(np.column_stack([steps, history["conversions"]]))
            self.person_text.lines = self._person_lines()

    def inspect(self) -> dict | None:
        run, person = self.selected
        if person < 0:
            return None
        info = self.runs[run].inspect(person)
        info["run"] = RUN_NAMES[run] if self.comparing else ""
        return info

    def _person_lines(self) -> list[str]:
        info = self.inspect()
        if info is None:
            return []
        state = "faded" if info["faded"] else "active"
        where = f"Run {info['run']}, " if info["run"] else ""
        shape = "square" if info["group"] == "broadcasters" else "circle"
        return [
            f"{where}{info['label']}: {info['strategy']} ({state}; drawn as a {shape}), "
            f"{info['contacts']} contacts",
            f"attention paid to them: {_fmt(info['attention_received'])}",
            f"trust earned: {_fmt(info['trust_earned'])}",
            f"remembered: {_fmt(info['recall'])}",
            f"people won over: {info['conversions']}",
        ]

    def story_lines(self, run: int, upto: int | None = None) -> list[str]:
        """The newest moments of a run's story first (at most six), up to step ``upto``."""
        events = [e for e in self.runs[run].story() if upto is None or e.step <= upto]
        if not events and upto is not None and upto < self.steps:
            return [f"Nothing to tell yet by step {upto}."]
        if not events:
            return ["Press Play and watch."]
        return [f"Step {e.step}: {e.text}" for e in reversed(events[-6:])]

    # -- what is sent each frame ---------------------------------------------------------------
    def _push(self) -> None:
        t = float(self.steps)
        self._say_step()
        for r, run in enumerate(self.runs):
            view, store = self.views[r], self.frames[r]
            frame = run.frame()
            counts = run.message_counts()
            kept = store.keep(
                frame.step, frame.opacity, frame.edge_strength, frame.messages, counts
            )
            view.show(kept.opacity, kept.edge_strength, kept.messages, frame.step)
            self.message_texts[r].lines = [messages_said(frame.step, counts)]
        first = max(store.steps[0] for store in self.frames)
        with self.replay_bar.hold_sync():
            self.replay_bar.now = self.steps
            self.replay_bar.first = first
        latest = [run.latest() for run in self.runs]
        for key, chart in self.charts.items():
            values = {}
            for r, numbers in enumerate(latest):
                for g in chart.series_keys:
                    group = g.split(":", 1)[1] if self.comparing else g
                    if not self.comparing or g.startswith(f"{RUN_NAMES[r]}:"):
                        values[g] = numbers[key].get(group, math.nan)
            chart.append(t, values)
        run, person = self.selected
        if person >= 0:
            p = self.runs[run].model.people[person]
            self.person_chart.append(t, [p.attention_received, p.trust_earned, p.recall])
            self.person_wins.append(t, [p.conversions])
            self.person_text.lines = self._person_lines()


def retire_views(views: list[NetworkView]) -> None:
    """Close views that Reset replaced and drop their hover text, which holds the old run
    and its model: without this, each Reset kept the previous runs until the tab closed."""
    for view in views:
        view.hover_formatter = None
        view.close()


def messages_said(step: int, counts: tuple[int, int, int], replay: bool = False) -> str:
    """A step's messages in words: "Step 12's messages: 620 pitches noticed, 430 ignored,
    123 conversations held." (what the network view draws, for every tie)."""
    noticed, ignored, talks = counts
    if step == 0:
        return "No messages yet: press Step or Play."
    when = f"Step {step}'s messages" if replay else f"This step ({step}) carried"
    return (
        f"{when}: {noticed:,} {_plural(noticed, 'pitch', 'pitches')} noticed, "
        f"{ignored:,} ignored, {talks:,} {_plural(talks, 'conversation', 'conversations')} held."
    )


def _plural(k: int, one: str, many: str) -> str:
    return one if k == 1 else many


def ties_note(run: ClassroomRun) -> str:
    """Said under the network when only a sample of its ties is drawn."""
    drawn, total = len(run.drawn_edges), len(run.edges)
    if drawn == total:
        return ""
    return f"Showing {drawn:,} of its {total:,} ties, picked at random."


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.2f}"

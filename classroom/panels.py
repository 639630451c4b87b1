"""The Simulation tab's parts: the network(s), the key chart, the story, the person, the
other charts. Each is a Solara component over a :class:`~classroom.session.Session`, whose
widgets the session keeps up to date frame by frame: these components render again only
when the page's own state changes (a click), never per frame.

The wrappers' classes (``network-panel``, ``key-chart``, ``story-panel``, ``replay-panel``)
are what the guided tour and the browser tests point at.
"""

from __future__ import annotations

import solara

from .session import RUN_NAMES, Session, ties_note
from .share import differences

__all__ = ["KEY_CHART", "Inspector", "RunsView", "Story", "TiesNote", "run_note", "show"]

#: The chart that tells the story at a glance (attention paid to each family): shown beside
#: the network, above the fold at 1366x768; the others follow below.
KEY_CHART = "attention"


def show(widget, classes: list[str] | None = None):
    """Place a widget in the page as a child element (unlike ``solara.display``, this also
    works, and can be found, when the page is rendered in-process by the tests)."""
    solara.Column(children=[widget], gap="0px", classes=classes or [])


@solara.component
def RunsView(session: Session, selected: tuple[int, int], version: int, replay_bar=None):
    """The network (or two, side by side), the key chart, the story and the person, then
    the other charts. ``version`` changes when the runs were started again (their views
    are new); ``replay_bar``: the replay slider's widget, placed under run A's network.

    The parts below get the widgets and runs they show as their arguments, so that Solara
    draws them again exactly when those change."""
    if session.comparing:
        ComparedRuns(session, selected, version, replay_bar)
    else:
        with solara.ColumnsResponsive(12, large=[7, 5]):
            with solara.Column():
                Network(session, 0, "The network", "", replay_bar)
            with solara.Column():
                show(session.charts[KEY_CHART], ["key-chart"])  # beside the network
                Story(session.stories[0], "What just happened")
                Inspector(session, selected)
    with solara.ColumnsResponsive(12, medium=6, large=4):
        for key, chart in session.charts.items():
            if session.comparing or key != KEY_CHART:
                show(chart)


def Network(session: Session, r: int, title: str, note: str, replay_bar=None):
    """Run ``r``'s network view with its title, a note under the title (compared runs), the
    step's messages in words, how many ties are drawn and, when given, the replay slider."""
    NetworkPanel(
        session.views[r], session.runs[r], session.message_texts[r], title, note, replay_bar
    )


@solara.component
def NetworkPanel(view, run, messages_text, title: str, note: str, replay_bar=None):
    """(:func:`Network`, given the widgets: drawn again when the run's view is new.)"""
    with solara.Column(classes=["network-panel"], gap="4px"):
        solara.Markdown(f"### {title}")
        if note:
            solara.Text(note, classes=["run-b-differs"] if note.startswith("Differs") else [])
        show(view)
        show(messages_text)
        TiesNote(run)
        if replay_bar is not None:
            show(replay_bar, ["replay-panel"])


@solara.component
def ComparedRuns(session: Session, selected: tuple[int, int], version: int, replay_bar=None):
    """Two runs side by side (the slider under run A replays both), then the person and
    both stories."""
    with solara.ColumnsResponsive(12, medium=6):
        for r in range(len(session.runs)):
            with solara.Column():
                bar = replay_bar if r == 0 else None
                Network(session, r, f"Run {RUN_NAMES[r]}", run_note(session, r), bar)
    with solara.ColumnsResponsive(12, medium=6):
        Inspector(session, selected)
        with solara.Column():
            for r, story in enumerate(session.stories[: len(session.runs)]):
                Story(story, f"Run {RUN_NAMES[r]}: what just happened")


def run_note(session: Session, r: int) -> str:
    """Under a compared run's title: whose settings these are, or what run B changes."""
    if r == 0:
        return "Your settings."
    changes = differences(session.runs[0].params, session.runs[r].params)
    said = "; ".join(changes) if changes else "nothing yet (edit run B, then press Reset)"
    return f"Differs in: {said}"


@solara.component
def TiesNote(run):
    note = ties_note(run)
    if note:
        solara.Text(note, classes=["ties-note"])


@solara.component
def Inspector(session: Session, selected: tuple[int, int]):
    """The selected person's numbers and their history (kept up to date by the session)."""
    with solara.Column(classes=["inspector"]):
        solara.Markdown("### Person")
        if selected[1] < 0:
            solara.Text(
                "Click a dot (or focus the network and use the arrow keys) to see "
                "that person's numbers."
            )
            return
        show(session.person_text)
        show(session.person_chart)
        show(session.person_wins)


@solara.component
def Story(story, title: str):
    """A run's story line (a LiveText the session keeps up to date) under its title."""
    with solara.Column(classes=["story-panel"], gap="0px"):
        solara.Markdown(f"### {title}")
        show(story)

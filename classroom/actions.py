"""What the page's controls do: change the setup (the link's content) and restart the runs.

The page (``app.py``) keeps the setup in one piece of state (a :class:`~classroom.share.Setup`)
and, each time it renders, makes a :class:`PageActions` over the current setup and session;
its buttons, selects and switches call these methods. Nothing here draws anything, so the
tests can call the methods directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sim import PARAMETERS

from .scenarios import SCENARIOS
from .session import Session
from .share import Setup, contrast, from_query

__all__ = ["PageActions"]


@dataclass
class PageActions:
    """The setup's changes, for one render of the page.

    ``setup``/``set_setup``: the page's setup and its setter; ``editing``: which run the
    controls edit (0: A, 1: B); ``stop``: pauses play; ``restarted``: called after the runs
    were started again (the page forgets the selection and re-subscribes its views);
    ``show_problems``: shows what a link could not use; ``show_upload``: says which uploaded
    network the runs use ("" for none).
    """

    session: Session
    setup: Setup
    set_setup: Callable[[Setup], None]
    editing: int
    set_editing: Callable[[int], None]
    stop: Callable[[], None]
    restarted: Callable[[], None]
    show_problems: Callable[[list[str]], None]
    show_upload: Callable[[str], None]

    def restart(self, new: Setup | None = None) -> None:
        """Start the runs again from ``new`` (default: the current setup), same views."""
        s = self.setup if new is None else new
        self.stop()
        self.session.start(s.params, s.seed, compare=s.compare, keep_ghosts=True)
        self.restarted()

    def change(self, name: str, value) -> None:
        """A parameter control moved: edit the run the controls edit; a live parameter
        changes the running model at once, a structural one waits for Reset."""
        extra = {"graph": None} if name == "network" else {}  # a choice leaves the upload
        s = self.setup
        if self.editing == 1 and s.compare is not None:
            self.set_setup(replace(s, compare={**s.compare, name: value, **extra}))
        else:
            self.set_setup(replace(s, params={**s.params, name: value, **extra}))
        runs = self.session.runs
        run = runs[self.editing] if self.editing < len(runs) else None
        if run is not None and PARAMETERS[name].live:
            with self.session.lock:
                run.set_parameter(name, value)

    def set_seed(self, seed: int) -> None:
        self.set_setup(replace(self.setup, seed=max(0, int(seed))))

    def set_projector(self, on: bool) -> None:
        self.set_setup(replace(self.setup, projector=bool(on)))

    def choose_scenario(self, name: str) -> None:
        chosen = SCENARIOS[name]
        params = chosen.parameters()
        b = None if self.setup.compare is None else contrast(params)
        new = replace(self.setup, scenario=name, params=params, seed=chosen.seed, compare=b)
        self.set_setup(new)
        self.restart(new)

    def set_comparing(self, on: bool) -> None:
        new = replace(self.setup, compare=contrast(self.setup.params) if on else None)
        self.set_setup(new)
        self.set_editing(1 if on else 0)
        self.restart(new)

    def run_on_network(self, uploaded) -> None:
        """Run on an uploaded network (called from the upload's thread); None: go back to
        the generated ones."""
        graph = None if uploaded is None else uploaded.graph
        self.show_upload("" if uploaded is None else uploaded.summary)
        s = self.setup
        b = None if s.compare is None else {**s.compare, "graph": graph}
        new = replace(s, params={**s.params, "graph": graph}, compare=b)
        self.set_setup(new)
        self.restart(new)

    def open_link(self, query: str) -> None:
        """Set up what a link (a query string, as an exercise gives) describes, keeping the
        projector switch and the room as they are; what the link could not use is shown."""
        read, problems = from_query(query)
        new = replace(read, projector=self.setup.projector, room=self.setup.room)
        self.set_setup(new)
        self.set_editing(0)
        self.show_problems(problems)
        self.restart(new)

"""The class tournament on the facilitator's page: the strategies students entered, a Run
button, and the leaderboard for the projector.

Students send a strategy from the app's builder (``RoomService.submit_strategy``, one per
seat, the last one counts). The facilitator sees each by the name its author gave it and
what it does in plain words, can withdraw one, chooses the replicates and the evolution
rounds and presses Run. The tournament (:func:`workshop.tournament.play`: the built-in
broadcaster and interactor and every entered strategy) runs in a thread of the server, in
worker processes, never in a page's render; the page shows the runs done of the total. The
result is kept in the room's database (``record_tournament``), with the seed drawn afresh
for each tournament so it can be played again, and shown again after a restart.

Nothing a student typed is ever markup: the strategy names are shown with ``solara.Text``;
the leaderboard table and the population chart are built here as HTML and SVG with every
piece of text escaped. No student's name is shown, only the names they gave their
strategies.
"""

from __future__ import annotations

import math
import os
import secrets
import threading
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import solara

from agents import available_strategies, get_strategy_class
from agents.builder import Built
from workshop.tournament import (
    Failure,
    Settings,
    builtin_entries,
    entry_from_recipe,
    play,
    unique_key,
)

from .service import RoomService
from .store import RoomError, RoomInfo

__all__ = [
    "MAX_REPLICATES",
    "MAX_ROUNDS",
    "Progress",
    "Runner",
    "TournamentPanel",
    "leaderboard_html",
    "runner",
    "use_runner",
]

STYLE = Path(__file__).with_name("tournament_panel.css")
#: The most replicates and evolution rounds the facilitator may choose.
MAX_REPLICATES = 30
MAX_ROUNDS = 10
#: The replicates the facilitator chooses from.
REPLICATE_CHOICES = [2, 3, 5, 10, 20, MAX_REPLICATES]


@dataclass(frozen=True)
class Progress:
    """A room's tournament as its runner knows it: ``running``, the runs ``done`` of
    ``total``, the ``problem`` of the last one in words ('' if none); ``version`` moves on
    at every change."""

    running: bool = False
    done: int = 0
    total: int = 0
    problem: str = ""
    version: int = 0


class Runner:
    """Plays each room's tournament in a thread of its own (one at a time per room) and keeps
    its progress for the pages. ``base``: the :class:`Settings` every tournament starts from
    (the facilitator chooses the replicates and rounds; the seed is drawn afresh);
    ``serial``, ``workers``, ``scheduler``: where the runs go (see ``play``)."""

    def __init__(
        self,
        *,
        base: Settings | None = None,
        serial: bool = False,
        workers: int | None = None,
        scheduler: str | None = None,
    ):
        self.base = base or Settings()
        self.options = {"serial": serial, "workers": workers, "scheduler": scheduler}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._progress: dict[str, Progress] = {}
        self._threads: dict[str, threading.Thread] = {}

    def progress(self, code: str) -> Progress:
        with self._lock:
            return self._progress.get(code, Progress())

    def _set(self, code: str, **changes) -> None:
        with self._changed:
            old = self._progress.get(code, Progress())
            self._progress[code] = replace(old, **changes, version=old.version + 1)
            self._changed.notify_all()

    def wait(self, code: str, seen: int, timeout: float, cancel=None) -> Progress:
        """The room's progress once its version is past ``seen`` (or after ``timeout``)."""
        with self._changed:
            self._changed.wait_for(
                lambda: (
                    self._progress.get(code, Progress()).version > seen
                    or (cancel is not None and cancel.is_set())
                ),
                timeout=timeout,
            )
            return self._progress.get(code, Progress())

    def start(self, svc: RoomService, code: str, replicates: int, rounds: int) -> Settings:
        """Starts room ``code``'s tournament of the built-ins and every entered strategy;
        returns its settings. Raises RoomError if one is running already or the settings
        are out of range."""
        settings = replace(
            self.base, replicates=replicates, rounds=rounds, seed=secrets.randbelow(2**31)
        )
        if not 2 <= replicates <= MAX_REPLICATES:
            raise RoomError(f"replicates: choose from 2 to {MAX_REPLICATES}")
        if not 1 <= rounds <= MAX_ROUNDS:
            raise RoomError(f"evolution rounds: choose from 1 to {MAX_ROUNDS}")
        entries, failures = entries_of(svc.store.strategies(code))
        with self._lock:
            running = self._threads.get(code)
            if running is not None and running.is_alive():
                raise RoomError("a tournament is running: wait for it to finish")
            thread = threading.Thread(
                target=self._play,
                args=(svc, code, entries, failures, settings),
                name=f"tournament-{code}",
                daemon=True,
            )
            self._threads[code] = thread
            old = self._progress.get(code, Progress())
            total = settings.replicates * settings.rounds
            self._progress[code] = Progress(True, 0, total, "", old.version + 1)
            self._changed.notify_all()
            thread.start()  # inside the lock: a second click sees it alive
        return settings

    def _play(self, svc, code, entries, failures, settings) -> None:
        def progress(done: int, total: int) -> None:
            self._set(code, done=done, total=total)

        try:
            result = play(entries, settings, failures=failures, progress=progress, **self.options)
            svc.record_tournament(code, result.to_dict())
            self._set(code, running=False, problem="")
        except Exception as err:  # shown on the page: the server goes on
            self._set(code, running=False, problem=f"The tournament stopped: {err}")

    def join(self, code: str, timeout: float | None = None) -> None:
        """Waits for room ``code``'s running tournament (if any) to finish."""
        with self._lock:
            thread = self._threads.get(code)
        if thread is not None:
            thread.join(timeout)


def entries_of(strategies: list[dict]) -> tuple[list, list[Failure]]:
    """The tournament's entries (the built-ins, then each entered strategy under a key of
    its own, its owner the seat number) and the strategies that could not enter."""
    entries = builtin_entries()
    # not the name of a strategy registered in this server other than by the builder (a
    # strategy file's): a builder's strategy of an earlier tournament or try is replaced
    taken = {e.key for e in entries} | {
        name for name in available_strategies() if not issubclass(get_strategy_class(name), Built)
    }
    failures = []
    for s in strategies:
        try:
            key = unique_key(s["name"], taken)
            entries.append(entry_from_recipe(s["recipe"], key=key, owner=str(s["seat"])))
            taken.add(key)
        except ValueError as err:  # a recipe the builder no longer accepts
            failures.append(Failure(str(s.get("name", "?")), str(err)))
    return entries, failures


_runner: Runner | None = None
_runner_lock = threading.Lock()


#: The environment variable naming a Dask scheduler for the room's tournaments
#: (``tcp://HOST:8786``); unset or empty: local worker processes.
SCHEDULER_VAR = "CLASSROOM_SCHEDULER"


def runner() -> Runner:
    """The process's tournament runner: on the Dask scheduler named by
    ``CLASSROOM_SCHEDULER`` if set, else on local worker processes."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = Runner(scheduler=os.environ.get(SCHEDULER_VAR, "").strip() or None)
        return _runner


def use_runner(r: Runner | None) -> None:
    """Make ``r`` the process's runner (None: a new default one when next asked; tests)."""
    global _runner
    with _runner_lock:
        _runner = r


# -- the leaderboard as HTML ------------------------------------------------------------------
def _num(x, fmt: str = "{:.2f}") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return fmt.format(x)


def _share(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{round(100 * x)} %"


def leaderboard_html(result: dict) -> str:
    """The leaderboard of a tournament (``Result.to_dict()`` as stored) as an HTML table:
    rank ("=" for a tie), the strategy's name and what it does, the people it won over per
    person with its 95 % interval, trust and recall earned, and the share of its people that
    faded. Every text is escaped."""
    head = (
        "<thead><tr>"
        '<th scope="col">Rank</th>'
        '<th scope="col">Strategy</th>'
        '<th scope="col">People won over, each<br/><span class="tp-sub">(95 % interval)</span></th>'
        '<th scope="col">Trust</th>'
        '<th scope="col">Recall</th>'
        '<th scope="col">Faded</th>'
        "</tr></thead>"
    )
    rows = []
    for row in result.get("leaderboard") or []:
        rank = f"={row.get('rank')}" if row.get("tied") else str(row.get("rank"))
        low, high = row.get("won_low"), row.get("won_high")
        interval = f"{_num(low)} to {_num(high)}" if low is not None and high is not None else "–"
        top = ' class="tp-first"' if row.get("rank") == 1 else ""
        rows.append(
            f"<tr{top}>"
            f'<td class="tp-rank">{escape(rank)}</td>'
            f'<th scope="row" class="tp-name">{escape(str(row.get("label", "")))}'
            f'<div class="tp-what">{escape(str(row.get("description", "")))}</div></th>'
            f'<td class="tp-won">{escape(_num(row.get("won")))}'
            f'<div class="tp-sub">({escape(interval)})</div></td>'
            f"<td>{escape(_num(row.get('trust')))}</td>"
            f"<td>{escape(_num(row.get('recall')))}</td>"
            f"<td>{escape(_share(row.get('faded')))}</td>"
            "</tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="6">No strategy could play.</td></tr>')
    caption = "<caption>The class tournament: round 1, best first</caption>"
    return f'<table class="tp-board">{caption}{head}<tbody>{"".join(rows)}</tbody></table>'


def population_text(result: dict) -> str:
    """How the population changed over the rounds, in words (as ``Result.population_text``,
    from the stored result)."""
    rounds, entries = result.get("rounds") or [], result.get("entries") or []
    if len(rounds) < 2 or not entries:
        return ""
    first, last = rounds[0]["people"], rounds[-1]["people"]
    grew = max(range(len(entries)), key=lambda i: (last[i] - first[i], -i))
    out = [e["label"] for e, n in zip(entries, last, strict=True) if n == 0]
    text = (
        f"After {len(rounds)} rounds, {entries[grew]['label']} holds {last[grew]} people "
        f"(from {first[grew]})."
    )
    if out:
        text += " Out: " + (out[0] if len(out) == 1 else ", ".join(out[:-1]) + " and " + out[-1])
        text += "."
    return text


# -- the panel --------------------------------------------------------------------------------
def use_progress(code: str, run: Runner) -> Progress:
    """Room ``code``'s tournament progress, followed by a thread of this page."""
    progress, set_progress = solara.use_state(run.progress(code))

    def follow(cancel: threading.Event):
        seen = -1
        while not cancel.is_set():
            now = run.wait(code, seen, timeout=2.0, cancel=cancel)
            if now.version != seen:
                seen = now.version
                set_progress(now)

    solara.use_thread(follow, dependencies=[code, run], intrusive_cancel=False)
    return progress


@solara.component
def TournamentPanel(svc: RoomService, info: RoomInfo, projector: bool):
    """The tournament: the entered strategies, the settings and Run, its progress, and the
    last result."""
    solara.Style(STYLE)
    run = runner()
    progress = use_progress(info.code, run)
    entered = solara.use_memo(lambda: svc.store.strategies(info.code), [info.version])
    latest = solara.use_memo(lambda: svc.store.latest_tournament(info.code), [info.version])
    replicates, set_replicates = solara.use_state(10)
    rounds, set_rounds = solara.use_state(1)
    problem, set_problem = solara.use_state("")

    def start():
        try:
            run.start(svc, info.code, int(replicates), int(rounds))
            set_problem("")
        except RoomError as err:
            set_problem(str(err))

    def withdraw(seat: int):
        try:
            svc.withdraw_strategy(info.code, seat)
            set_problem("")
        except RoomError as err:
            set_problem(str(err))

    with solara.Column(classes=["tp-panel"] + (["tp-projector"] if projector else []), gap="8px"):
        solara.Markdown("## The class tournament")
        Entered(entered, withdraw)
        with solara.Row(classes=["tp-settings"], gap="16px"):
            # menus, not sliders: a slider's handle has no accessible name here
            solara.Select(
                "Replicates",
                values=REPLICATE_CHOICES,
                value=replicates,
                on_value=set_replicates,
                disabled=progress.running,
                classes=["tp-choice"],
            )
            solara.Select(
                "Evolution rounds",
                values=list(range(1, MAX_ROUNDS + 1)),
                value=rounds,
                on_value=set_rounds,
                disabled=progress.running,
                classes=["tp-choice"],
            )
            solara.Button(
                "Run the tournament",
                on_click=start,
                disabled=progress.running,
                color="primary",
                classes=["tp-run"],
            )
        if progress.running:
            RunProgress(progress)
        if problem:
            solara.Text(problem, classes=["fac-warning"])
        if progress.problem and not progress.running:
            solara.Text(progress.problem, classes=["fac-warning"])
        if latest is not None:
            Leaderboard(latest)


@solara.component
def Entered(entered: list[dict], withdraw):
    """The strategies students entered: name (as text), what it does, and Withdraw."""
    from agents.builder import Recipe, RecipeError

    solara.Markdown(f"### Strategies entered: {len(entered)}")
    if not entered:
        solara.Text(
            "None yet: students send theirs from the strategy builder. The built-in "
            "Broadcaster and Interactor always play.",
            classes=["tp-note"],
        )
        return
    with solara.Column(classes=["tp-entered"], gap="4px"):
        for s in entered:
            try:
                what = Recipe.from_dict(s["recipe"]).describe()
            except RecipeError as err:
                what = f"This strategy cannot play: {err}"
            with solara.Row(classes=["tp-entry"], gap="12px"):
                with solara.Column(gap="0px", classes=["tp-entry-text"]):
                    solara.Text(s["name"], classes=["tp-entry-name"])  # text, never markup
                    solara.Text(what, classes=["tp-what"])
                solara.Button(
                    "Withdraw",
                    on_click=lambda seat=s["seat"]: withdraw(seat),
                    outlined=True,
                    classes=["tp-withdraw"],
                )


@solara.component
def RunProgress(progress: Progress):
    """Runs done of the total, as a bar and in words."""
    share = progress.done / progress.total if progress.total else 0.0
    solara.ProgressLinear(value=round(100 * share), color="primary")
    solara.Text(
        f"The tournament is running: {progress.done} of {progress.total} runs done.",
        classes=["tp-progress"],
    )


@solara.component
def Leaderboard(played: dict):
    """A stored tournament: its leaderboard, the summary in words, the strategies left out,
    and with more than one round the population over the rounds."""
    from .pooled import population_svg

    result = played["result"]
    settings = result.get("settings") or {}
    nrounds = len(result.get("rounds") or [])
    solara.Markdown("### The leaderboard")
    solara.HTML(tag="div", unsafe_innerHTML=leaderboard_html(result), classes=["tp-table"])
    summary = result.get("summary") or ""
    if summary:
        solara.Text(summary, classes=["tp-summary"])
    for failure in result.get("failures") or []:
        solara.Text(
            f"Left out: {failure.get('label', '?')}: {failure.get('reason', '')}",
            classes=["tp-failure"],
        )
    if nrounds > 1:
        entries = result.get("entries") or []
        svg = population_svg(
            [r["people"] for r in result["rounds"]],
            [e.get("label", "") for e in entries],
            [e.get("colour", "") for e in entries],
        )
        solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["tp-population"])
        solara.Text(population_text(result), classes=["tp-summary"])
    solara.Text(
        f"{settings.get('replicates', '?')} replicates, {nrounds} "
        f"{'round' if nrounds == 1 else 'rounds'}, {settings.get('n_agents', '?')} people, "
        f"{settings.get('steps', '?')} steps, seed {settings.get('seed', '?')} "
        f"(the same seed plays it again).",
        classes=["tp-settings-used"],
    )

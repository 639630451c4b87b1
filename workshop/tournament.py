"""The class tournament: every strategy against every other, on one network.

Each *entry* (a strategy: built in, made in the builder, or a strategy file) is held by an
equal share of the people of one network (the model's ``strategy_mix``); the network and
everything else is drawn anew for each of R replicates, with seeds from one
``numpy.random.SeedSequence``. The leaderboard ranks the entries by people won over per
person, with 95 % intervals over the replicates; entries whose intervals overlap the
leader's of their rank share that rank (a tie). Trust and recall earned and the share
faded are reported beside it.

Evolution rounds (as in Nicky Case's *The Evolution of Trust*): after each round, a share
of the people of every entry that won over fewer people per person than the population's
average switch to the entries that did better, more of them to the best (in proportion to
people x how far above the average). The next round seats that new population. Entries
that lose all their people are out.

Runs go through the sweep runner's backends (:func:`experiments.execute.map_tasks`):
local processes by default, a Dask scheduler if one is named, or this process. A strategy
that fails (at loading, or raising in the middle of a run) is reported by name, with the
line of its file where that applies, and left out; the tournament goes on with the rest.

Uses the model only through its public contract: ``NetworkingModel(strategy_mix=...)``,
``model.world`` and ``model.person_stats()``.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents import StrategyError, get_strategy_class, plugins, registry
from agents.builder import Recipe, key_of, register_recipe
from sim.params import seat_counts

__all__ = [
    "BUILTINS",
    "Entry",
    "Failure",
    "Preview",
    "Result",
    "Settings",
    "builtin_entries",
    "entries_from_folder",
    "entry_from_recipe",
    "play",
    "preview",
]

#: The built-in entries every tournament has: registry name -> the name people see.
BUILTINS = {"interrupt": "Broadcaster", "interact": "Interactor"}
#: The numbers of the leaderboard, each per person of the entry, as (key, words).
MEASURES = (
    ("won", "people won over"),
    ("trust", "trust earned"),
    ("recall", "recall earned"),
    ("faded", "share faded"),
)
#: Kept beside the measures, per replicate, but not ranked: the first step at which half of
#: the entry's people had faded out (NaN: they never did within the run).
TIMINGS = (("half_faded_at", "step by which half had faded"),)


@dataclass(frozen=True)
class Entry:
    """One strategy in the tournament. ``key``: its registry name (unique in the
    tournament); ``label``: the name people see; ``source``: ``("builtin", name)``,
    ``("recipe", choices)`` or ``("file", path)``, what a worker process needs to register
    it; ``owner``: who submitted it (a room seat), or ''."""

    key: str
    label: str
    description: str
    source: tuple
    colour: str = ""
    owner: str = ""


@dataclass(frozen=True)
class Failure:
    """An entry left out: which, and why (with the line of its file where known)."""

    label: str
    reason: str


@dataclass(frozen=True)
class Settings:
    """How the tournament is played. ``params``: model parameters on top of the defaults
    (never the strategies: the entries are the strategies)."""

    replicates: int = 10
    rounds: int = 1
    n_agents: int = 300
    steps: int = 200
    seed: int = 0
    switch: float = 0.2
    params: dict = field(default_factory=dict)

    def check(self) -> Settings:
        def need(name, ok, allowed):
            if not ok:
                raise ValueError(f"{name}: must be {allowed} (got {getattr(self, name)!r})")

        need("replicates", _whole(self.replicates, 2, 200), "a whole number from 2 to 200")
        need("rounds", _whole(self.rounds, 1, 50), "a whole number from 1 to 50")
        need("n_agents", _whole(self.n_agents, 10, 5000), "a whole number from 10 to 5000")
        need("steps", _whole(self.steps, 1, 2000), "a whole number from 1 to 2000")
        need("seed", _whole(self.seed, 0, 2**63 - 1), "a whole number from 0")
        need("switch", 0 < self.switch <= 1, "a share above 0, at most 1")
        taken = {"strategy_mix", "broadcaster_share", "n_agents"} & set(self.params)
        if taken:
            raise ValueError(f"params: {sorted(taken)[0]} is set by the tournament itself")
        return self


def _whole(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# -- entries ----------------------------------------------------------------------------------
def builtin_entries() -> list[Entry]:
    """The built-in broadcaster and interactor."""
    return [
        Entry(name, label, get_strategy_class(name).description, ("builtin", name))
        for name, label in BUILTINS.items()
    ]


def entry_from_recipe(recipe: Recipe | dict, key: str | None = None, owner: str = "") -> Entry:
    """An entry for a builder recipe (a :class:`Recipe` or its choices), registered under
    ``key`` (default the recipe's own key)."""
    recipe = recipe if isinstance(recipe, Recipe) else Recipe.from_dict(recipe)
    return Entry(
        key or recipe.key,
        recipe.name,
        recipe.describe(),
        ("recipe", recipe.to_dict()),
        recipe.colour,
        owner,
    )


def entries_from_folder(folder: str | Path) -> tuple[list[Entry], list[Failure]]:
    """One entry per strategy file of ``folder`` (``*.py``, not starting with ``_`` or
    ``.``), and the files that could not be used: a syntax error, an import that fails, no
    strategy or more than one, a name already taken, no ``decide``/``choose``."""
    folder = Path(folder)
    entries, failures = [], []
    for path in sorted(p for p in folder.glob("*.py") if not p.name.startswith(("_", "."))):
        result = plugins.load_file(path.resolve())
        if not result.ok:
            failures.append(Failure(path.name, _load_error(result)))
            continue
        if len(result.names) != 1:
            failures.append(
                Failure(path.name, f"defines {len(result.names)} strategies; a file enters one")
            )
            for name in result.names:
                registry.unregister(name)
            continue
        name = result.names[0]
        cls = get_strategy_class(name)
        if name in BUILTINS or any(e.key == name for e in entries):
            failures.append(Failure(path.name, f"its name {name!r} is taken by another entry"))
            continue
        missing = _missing_method(cls)
        if missing:
            failures.append(Failure(path.name, missing))
            registry.unregister(name)
            continue
        label = getattr(cls, "label", "") or name
        entries.append(
            Entry(
                name,
                str(label)[:40],
                str(getattr(cls, "description", ""))[:300],
                ("file", str(path.resolve())),
                str(getattr(cls, "colour", "") or ""),
            )
        )
    return entries, failures


def _load_error(result) -> str:
    err = result.exception
    if err is not None:
        return plugins.describe_error(err, result.path)
    return result.error or "could not be loaded"


def _missing_method(cls) -> str:
    from agents import PersonStrategy, Strategy

    if issubclass(cls, PersonStrategy):
        if cls.choose is PersonStrategy.choose:
            return "has no choose() method: it never says what to send"
    elif cls.decide is Strategy.decide:
        return "has no decide() method: it never says what to send"
    return ""


# -- one run (in a worker) --------------------------------------------------------------------
class EntryFailed(RuntimeError):
    """A run stopped because of one entry: ``key`` and what happened, in one line."""

    def __init__(self, key: str, reason: str):
        super().__init__(f"{key}: {reason}")
        self.key, self.reason = key, reason

    def __reduce__(self):
        return type(self), (self.key, self.reason)


@dataclass(frozen=True)
class Task:
    entries: tuple[Entry, ...]
    counts: tuple[int, ...]
    params: dict
    steps: int
    seed: np.random.SeedSequence
    index: tuple[int, int]  # (round, replicate)


def ensure_registered(entries: Sequence[Entry]) -> None:
    """Register every entry in this process (a worker starts without the builder's or the
    folder's strategies)."""
    for entry in entries:
        kind, what = entry.source
        if kind == "recipe":
            register_recipe(Recipe.from_dict(what), entry.key)
        elif kind == "file":
            try:
                get_strategy_class(entry.key)
            except KeyError:
                result = plugins.load_file(what)
                if not result.ok or entry.key not in result.names:
                    raise EntryFailed(entry.key, _load_error(result)) from None


def run_task(task: Task) -> dict[str, list[float]]:
    """One replicate of one round: per entry (in order), its people's mean of each
    measure. Raises :class:`EntryFailed` naming the entry a failure came from."""
    from sim import NetworkingModel

    seated = [(e, c) for e, c in zip(task.entries, task.counts, strict=True) if c > 0]
    ensure_registered([e for e, _ in seated])
    mix = tuple((e.key, float(c)) for e, c in seated)
    model = NetworkingModel(rng=task.seed, strategy_mix=mix, **task.params)
    files = {e.key: Path(e.source[1]).resolve() for e, _ in seated if e.source[0] == "file"}
    keys = [e.key for e, _ in seated]
    for sid, strategy in enumerate(model.world.strategies):
        if keys[sid] in files:  # a file's strategy: blame it, with its line, if it raises
            _guard(strategy, keys[sid], files[keys[sid]])
    seat = model.world.initial_strategy_id
    seats = np.bincount(seat, minlength=len(keys))
    half_at = np.full(len(keys), np.nan)
    try:
        for _ in range(task.steps):
            model.step()
            # one count a step: the first step at which half of each seat had faded
            faded = np.bincount(seat[model.world.faded], minlength=len(keys))
            half_at[np.isnan(half_at) & (seats > 0) & (2 * faded >= seats)] = model.steps
    except EntryFailed:
        raise
    except StrategyError as err:
        raise EntryFailed(err.strategy, str(err)) from None
    stats = model.person_stats()
    out = {key: [] for key, _ in MEASURES + TIMINGS}
    names = {"won": "conversions", "trust": "trust_earned", "recall": "recall", "faded": "faded"}
    for entry, count in zip(task.entries, task.counts, strict=True):
        slot = keys.index(entry.key) if count > 0 else -1
        mine = seat == slot
        for key, _ in MEASURES:
            values = stats[names[key]][mine]
            values = values[~np.isnan(values)]
            out[key].append(float(values.mean()) if len(values) else math.nan)
        out["half_faded_at"].append(float(half_at[slot]) if slot >= 0 else math.nan)
    return out


def _guard(strategy, key: str, path: Path) -> None:
    """Make ``strategy``'s own methods name the entry and the line when they raise."""
    for method in ("decide", "reply"):
        bound = getattr(strategy, method)

        def call(*args, _bound=bound, _method=method):
            try:
                return _bound(*args)
            except StrategyError:
                raise
            except Exception as err:
                line = None
                for frame in traceback.extract_tb(err.__traceback__):
                    if frame.filename and Path(frame.filename).resolve() == path:
                        line = frame.lineno
                where = f" on line {line}" if line else ""
                raise EntryFailed(
                    key,
                    f"{path.name}: {_method}() raised {type(err).__name__}{where} "
                    f"at step {args[0].t}: {str(err)[:200]}",
                ) from None

        setattr(strategy, method, call)


# -- the tournament ---------------------------------------------------------------------------
@dataclass
class Result:
    """What a tournament found. ``rounds[r]``: the population (people per entry, in
    entry order) and the per-replicate measures of round r; ``leaderboard``: round 1's
    ranking, one dict per entry still in, best first."""

    settings: Settings
    entries: list[Entry]
    failures: list[Failure]
    rounds: list[dict]
    leaderboard: list[dict]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": asdict(self.settings),
            "entries": [asdict(e) for e in self.entries],
            "failures": [asdict(f) for f in self.failures],
            "rounds": self.rounds,
            "leaderboard": self.leaderboard,
            "seconds": self.seconds,
            "summary": self.summary(),
        }

    def summary(self) -> str:
        """The winners and what they did, in plain words."""
        if not self.leaderboard:
            return "No strategy could play."
        top = [row for row in self.leaderboard if row["rank"] == 1]
        names = _and([row["label"] for row in top])
        won = top[0]["won"]
        if len(top) == 1:
            head = f"{names} won over the most people: {won:.2f} each"
        else:
            head = f"{names} tie for first place (their 95 % intervals overlap)"
        what = " ".join(f"{row['label']}: {row['description']}" for row in top[:3])
        return f"{head}. {what}"

    def population_text(self) -> str:
        """How the population changed over the evolution rounds, in words."""
        if len(self.rounds) < 2:
            return ""
        first, last = self.rounds[0]["people"], self.rounds[-1]["people"]
        played = [i for i in range(len(self.entries)) if first[i] > 0]
        grew = sorted(played, key=lambda i: last[i] - first[i], reverse=True)
        best = self.entries[grew[0]]
        out = [self.entries[i].label for i in played if last[i] == 0]
        text = (
            f"After {len(self.rounds)} rounds, {best.label} holds {last[grew[0]]} people "
            f"(from {first[grew[0]]})."
        )
        if out:
            text += f" Out: {_and(out)}."
        return text


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def play(
    entries: Sequence[Entry],
    settings: Settings = Settings(),
    *,
    failures: Sequence[Failure] = (),
    workers: int | None = None,
    serial: bool = False,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Play the tournament of ``entries`` (the built-ins are not added: see
    :func:`builtin_entries`). ``progress(done, total)`` is called with the runs finished.
    Deterministic for ``settings.seed``, whatever the backend and the number of workers."""
    import time

    from experiments.execute import map_tasks

    start = time.perf_counter()
    settings = settings.check()
    entries = list(entries)
    keys = [e.key for e in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("entries: two entries share a key")
    failures = list(failures)
    ensure_registered(entries)
    alive = list(entries)
    seeds = np.random.SeedSequence(settings.seed).spawn(settings.rounds)
    rounds: list[dict] = []
    counts = seat_counts([1.0] * len(alive), settings.n_agents) if alive else []
    total = settings.rounds * settings.replicates
    done = 0
    if progress:
        progress(0, total)
    params = {**settings.params, "n_agents": settings.n_agents}
    r = 0
    while r < settings.rounds and alive:
        replicate_seeds = seeds[r].spawn(settings.replicates)
        tasks = [
            Task(tuple(alive), tuple(counts), params, settings.steps, s, (r, i))
            for i, s in enumerate(replicate_seeds)
        ]
        measures: list = [None] * len(tasks)
        try:
            for i, out in map_tasks(
                run_task, tasks, workers=workers, serial=serial, scheduler=scheduler
            ):
                measures[i] = out
                done += 1
                if progress:
                    progress(done, total)
        except EntryFailed as err:  # leave the entry out and play the round again
            failed = next((e for e in alive if e.key == err.key), None)
            if failed is None:
                raise
            failures.append(Failure(failed.label, err.reason))
            keep = [i for i, e in enumerate(alive) if e.key != err.key]
            alive = [alive[i] for i in keep]
            counts = (
                seat_counts([1.0] * len(alive), settings.n_agents)
                if r == 0
                else _reseat([counts[i] for i in keep], settings.n_agents)
            )
            done = r * settings.replicates
            continue
        rounds.append(_round_record(entries, alive, counts, measures))
        r += 1
        if r < settings.rounds:
            counts = _evolve(counts, _mean_won(measures), settings.switch)
    board = _leaderboard(entries, rounds[0]) if rounds else []
    return Result(settings, entries, failures, rounds, board, time.perf_counter() - start)


def _reseat(counts: list[int], n: int) -> list[int]:
    alive = [c for c in counts if c > 0]
    return seat_counts(counts, n) if alive else counts


def _mean_won(measures) -> list[float]:
    won = np.array([m["won"] for m in measures], dtype=float)
    with np.errstate(invalid="ignore"):
        return list(np.nanmean(won, axis=0)) if len(won) else []


def _evolve(counts: list[int], score: list[float], switch: float) -> list[int]:
    """The next round's population: a ``switch`` share of the people of each entry that
    scored below the population's average move to the entries above it, in proportion
    to people x (score - average), by largest remainders."""
    counts = list(counts)
    n = sum(counts)
    score = [
        s if c > 0 and not math.isnan(s) else -math.inf for s, c in zip(score, counts, strict=True)
    ]
    seated = [i for i, c in enumerate(counts) if c > 0]
    average = sum(counts[i] * score[i] for i in seated) / n
    losers = [i for i in seated if score[i] < average]
    winners = [i for i in seated if score[i] > average]
    if not losers or not winners:
        return counts
    moving = 0
    for i in losers:
        leave = min(counts[i], math.ceil(switch * counts[i]))
        counts[i] -= leave
        moving += leave
    pull = [counts[i] * (score[i] - average) for i in winners]
    for i, extra in zip(winners, seat_counts(pull, moving), strict=True):
        counts[i] += extra
    assert sum(counts) == n
    return counts


def _round_record(entries, alive, counts, measures) -> dict:
    """Per entry of the tournament (those left out: 0 people and no numbers)."""
    where = {e.key: i for i, e in enumerate(alive)}
    people, per = [], {key: [] for key, _ in MEASURES + TIMINGS}
    for entry in entries:
        i = where.get(entry.key)
        people.append(int(counts[i]) if i is not None else 0)
        for key, _ in MEASURES + TIMINGS:
            per[key].append(
                [m[key][i] for m in measures] if i is not None and counts[i] > 0 else []
            )
    return {"people": people, "measures": per}


def interval(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95 % interval (Student's t) of ``values``; NaN where there are none."""
    from scipy import stats

    x = np.array([v for v in values if not math.isnan(v)], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return mean, mean - half, mean + half


def _leaderboard(entries: list[Entry], first: dict) -> list[dict]:
    rows = []
    for i, entry in enumerate(entries):
        if not first["people"][i]:
            continue
        row = {
            "key": entry.key,
            "label": entry.label,
            "description": entry.description,
            "colour": entry.colour,
            "owner": entry.owner,
            "people": first["people"][i],
        }
        for key, _ in MEASURES:
            mean, low, high = interval(first["measures"][key][i])
            row[key], row[key + "_low"], row[key + "_high"] = mean, low, high
        rows.append(row)
    rows.sort(key=lambda row: (-_or(row["won"]), row["label"]))
    rank, leader = 0, None
    for place, row in enumerate(rows, 1):
        if leader is None or not _overlap(leader, row):
            rank, leader = place, row
        row["rank"] = rank
        row["tied"] = False
    for row in rows:
        row["tied"] = sum(other["rank"] == row["rank"] for other in rows) > 1
    return rows


def _or(x: float) -> float:
    return -math.inf if math.isnan(x) else x


def _overlap(a: dict, b: dict) -> bool:
    if math.isnan(a["won_low"]) or math.isnan(b["won_high"]):
        return a["won"] == b["won"]
    return b["won_high"] >= a["won_low"]


def leaderboard_text(result: Result) -> str:
    """The leaderboard as plain text, for the command line."""
    lines = [
        f"{'rank':<5}{'strategy':<28}{'people won over':>22}{'trust':>8}{'recall':>8}{'faded':>8}",
    ]
    for row in result.leaderboard:
        rank = f"={row['rank']}" if row["tied"] else str(row["rank"])
        won = f"{row['won']:.2f} ({row['won_low']:.2f}-{row['won_high']:.2f})"
        lines.append(
            f"{rank:<5}{row['label'][:27]:<28}{won:>22}{row['trust']:>8.2f}"
            f"{row['recall']:>8.2f}{row['faded']:>8.0%}"
        )
    lines.append("")
    lines.append(result.summary())
    if len(result.rounds) > 1:
        lines.append("")
        lines.append("People per strategy, round by round:")
        for i, entry in enumerate(result.entries):
            if not result.rounds[0]["people"][i]:
                continue  # left out before it played
            counts = " ".join(f"{r['people'][i]:>4}" for r in result.rounds)
            lines.append(f"  {entry.label[:27]:<28}{counts}")
        lines.append(result.population_text())
    for failure in result.failures:
        lines.append(f"Left out: {failure.label}: {failure.reason}")
    return "\n".join(lines)


def unique_key(label: str, taken: set[str]) -> str:
    """A registry name for ``label`` not in ``taken`` (``_2``, ``_3`` ... added)."""
    base = key_of(label) or "strategy"
    key, n = base, 2
    while key in taken or key in BUILTINS:
        key, n = f"{base}_{n}", n + 1
    return key


# -- the builder's "Try it" -------------------------------------------------------------------
#: Replicates of a preview: full size (the tournament's people and steps), fewer runs.
PREVIEW_REPLICATES = 6
#: The smallest difference in people won over per person that a preview calls more or
#: fewer (a quarter of a person each: at 300 people, a third each, 25 people in all). A
#: smaller one, or one whose paired 95 % interval includes 0, is "about as many".
MARGIN = 0.25


@dataclass(frozen=True)
class Preview:
    """A strategy tried against the built-ins. ``verdict``: (against the broadcasters,
    against the interactors, how many faded): each comparison ``"more"``, ``"fewer"`` (people
    won over per person, by more than :data:`MARGIN` and beyond the 95 % interval of the
    paired differences: each replicate's network is shared) or ``"about as many"``, and
    the fading ``"none"``, ``"some"``, ``"most"``;
    ``words``: the same in plain sentences; ``result``: the whole three-way tournament."""

    verdict: tuple[str, str, str]
    words: str
    result: Result


def preview(
    entry: Entry,
    *,
    replicates: int = PREVIEW_REPLICATES,
    seed: int = 0,
    params: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Preview:
    """Try ``entry`` against the built-in broadcaster and interactor, a third of the
    people each, at full size (:class:`Settings` defaults), ``replicates`` runs in this
    process. The verdict agrees with the full tournament's (10 replicates) for the example
    strategies (tests/test_tournament.py)."""
    settings = Settings(replicates=replicates, seed=seed, params=dict(params or {}))
    result = play([entry, *builtin_entries()], settings, serial=True, progress=progress)
    rows = {row["key"]: row for row in result.leaderboard}
    mine = rows.get(entry.key)
    if mine is None:
        why = result.failures[0].reason if result.failures else "it could not play"
        raise ValueError(f"{entry.label}: {why}")
    measures = result.rounds[0]["measures"]  # in entry order: mine, broadcaster, interactor
    half_at = measures["half_faded_at"][0]
    return Preview(
        *_verdict(mine, rows["interrupt"], rows["interact"], measures["won"], half_at), result
    )


def _when_half(half_at) -> str:
    """When half of the strategy's people had faded, over the runs in which they did."""
    steps = np.asarray([np.nan if v is None else v for v in half_at], dtype=float)
    reached = steps[~np.isnan(steps)]
    if not len(reached):
        return ""
    runs = len(steps)
    where = "in every run" if len(reached) == runs else f"in {len(reached)} of the {runs} runs"
    return f"; {where} half of them had faded, by step {reached.mean():.0f} on average"


def _verdict(
    mine: dict, broadcasters: dict, interactors: dict, won, half_at=()
) -> tuple[tuple, str]:
    """``won``: people won over per person, per replicate, of mine, the broadcasters and
    the interactors (they share each replicate's network, so differences are paired);
    ``half_at``: per replicate, the step by which half of mine had faded (NaN: never)."""

    def against(other: int) -> str:
        diff = np.asarray(won[0], dtype=float) - np.asarray(won[other], dtype=float)
        mean, low, high = interval(diff)
        if mean > MARGIN and low > 0:
            return "more"
        if mean < -MARGIN and high < 0:
            return "fewer"
        return "about as many"

    def said(other: int, row: dict, who: str) -> str:
        word = {"more": "more than", "fewer": "fewer than", "about as many": "about as many as"}
        return f"{word[against(other)]} the {who} ({row['won']:.2f})"

    faded = mine["faded"]
    fading = "none" if faded <= 0.1 else "some" if faded <= 0.5 else "most"
    fade_words = {
        "none": "Its people kept their audience",
        "some": f"{faded:.0%} of its people faded: their contacts stopped paying attention",
        "most": f"{faded:.0%} of its people faded: their contacts learned to ignore them",
    }[fading] + _when_half(half_at)
    words = (
        f"{mine['label']} won over {mine['won']:.2f} people each: "
        f"{said(1, broadcasters, 'broadcasters')}, and {said(2, interactors, 'interactors')}. "
        f"{fade_words}."
    )
    return (against(1), against(2), fading), words

"""Check a participant's strategy file: does it follow the rules, and how did it do?

``python -m workshop strategy FILE [--quick]`` (or ``python -m workshop.strategy_check``)
loads FILE on its own and says, one line per rule, whether the strategy in it follows the
strategy interface (agents/strategy.py, docs/model.md section 12):

1. the file loads, and defines exactly one registered strategy class;
2. its name is new and its group a valid label; it can be made without arguments and says
   what to send (``decide`` or ``choose``);
3. it does not read ``world.interest`` (the truth people have to find out);
4. as the broadcasters' strategy and as the interactors', a small model runs with it: the
   engine's own checks accept every message it returns (an ``agents.StrategyError`` is
   turned into a sentence naming what was wrong, and advice chosen by its ``reason``);
5. it leaves the world's state alone (it only chooses messages);
6. it is deterministic: two runs with the same seed give the same numbers;
7. it is fast enough at the app's size.

If it does, a small sweep with the experiments engine (``experiments.spec.parse_spec``,
``experiments.execute.run_spec``) puts it in the broadcasters' seat, against the built-in
``interrupt`` and ``interact`` in that seat, the other people interacting as usual, and
reports attention, trust, recall, people won over and the share faded with 95 %
confidence intervals, and a verdict in plain words, which says when half of the
strategy's people had faded out (read off the sweep's kept series of its group).

Exit status: 0 when the strategy follows the rules, 1 when not (the output says what to
fix), 2 for a bad command line (no such file). ``--quick`` makes the checks small and the
sweep a third of the people (seconds, one process) for tests and a first try; its verdict
says what the full one says.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import math
import os
import signal
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agents import (
    PersonStrategy,
    Reason,
    RegistrationError,
    RegistrationReason,
    Strategy,
    StrategyError,
    get_strategy,
    get_strategy_class,
    group_of,
    plugins,
    registry,
)
from sim import PARAMETERS, NetworkingModel, ParameterError
from sim.world import TIE_STATE

BUILT_INS = ("interrupt", "interact")
ROLES = {"broadcasters": "broadcaster_strategy", "interactors": "interactor_strategy"}
#: The numbers of the verdict: reporter prefix -> (label in the table, shown as a percentage).
OUTCOMES = {
    "attention_to": ("attention received", False),
    "trust_in": ("trust earned", False),
    "recall_of": ("recall (memory of them)", False),
    "conversions": ("people won over, each", False),
    "faded": ("share faded", True),
}
#: World state a strategy must not change (it only chooses messages).
STATE = (
    *TIE_STATE,
    "interest",
    "pitch",
    "faded",
    "strategy_id",
    "src",
    "dst",
)
#: Seconds per step (300 people) above which the strategy is too slow to use, or slowish.
TOO_SLOW, SLOWISH = 1.0, 0.1
#: The longest any one model run of the checks may take.
RUN_LIMIT_S = 60
#: Width of the text written.
WIDTH = 92


@dataclass(frozen=True)
class Size:
    """How big the checks and the sweep are."""

    people: int  # in the small models of the checks
    steps: int  # steps of those models
    speed_steps: int  # steps timed at 300 people
    sweep_people: int
    sweep_steps: int
    replicates: int
    workers: int | None  # None: run the sweep in this process


FULL = Size(40, 25, 20, 300, 200, 10, 2)
#: The quick sweep runs as long as the full one (200 steps: people fade within them, some
#: only after step 50), as many runs, on a third of the people: every contact network has
#: the same mean degree, so the numbers per person are alike and only the intervals are
#: wider. Its verdict has the same parts as the full one's for the built-in strategies
#: and the examples of workshop/strategies/ (a few seconds, in this process).
QUICK = Size(30, 12, 6, 100, 200, 10, None)


class Failed(Exception):
    """A rule is broken; the message says what to fix."""


class TooSlow(Exception):
    pass


# -- output ----------------------------------------------------------------------------------
class Report:
    """One line per rule: ``ok``, ``fix`` (a broken rule: the line says what to fix),
    ``note`` or ``--`` (not checked)."""

    def __init__(self, out):
        self.out = out
        self.failed = False

    def line(self, mark: str, text: str) -> None:
        lines = [
            wrapped
            for part in text.split("\n")
            for wrapped in textwrap.wrap(part, WIDTH - 8, break_on_hyphens=False)
        ]
        for i, line in enumerate(lines):
            print(f"  {mark if i == 0 else '':<5} {line}".rstrip(), file=self.out)

    def ok(self, text: str) -> None:
        self.line("ok", text)

    def fail(self, text: str) -> None:
        self.failed = True
        self.line("fix", text)

    def note(self, text: str) -> None:
        self.line("note", text)

    def rule(self, index: int, check, path: Path):
        """Check rule ``index`` with ``check()`` (which returns ``(text, value)``): print its
        line and return the value, or None if it failed or an earlier rule did."""
        if self.failed:
            self.line("--", f"{RULES[index]} (not checked yet)")
            return None
        try:
            text, value = check()
        except Failed as err:
            self.fail(str(err))
            return None
        except TooSlow:
            self.fail(
                f"{RULES[index]} The check did not finish in {RUN_LIMIT_S} s: is there a "
                "loop that never ends?"
            )
            return None
        except Exception as err:  # noqa: BLE001 - the participant's code failed
            self.fail(f"{RULES[index]} The check crashed: {plugins.describe_error(err, path)}.")
            return None
        self.ok(text)
        return value


RULES = (
    "It defines exactly one registered strategy class.",
    "Its name is new, its group valid, and it says what to send.",
    "It does not read world.interest.",
    "It sends well-formed messages as broadcasters and as interactors.",
    "It leaves the world's state alone.",
    "It is deterministic given the seed.",
    "It is fast enough.",
)


# -- the rules -------------------------------------------------------------------------------
def _load(path: Path) -> tuple[str, tuple[str, type]]:
    """Rule 1: load the file on its own; its strategy's name and class."""
    result = plugins.load_file(path)
    if not result.ok:
        raise Failed(_explain_load_error(result))
    module = sys.modules[result.module]
    classes = [
        c
        for c in vars(module).values()
        if isinstance(c, type) and issubclass(c, Strategy) and c.__module__ == result.module
    ]
    if not result.names:
        if classes:
            raise Failed(
                f"It defines the class {classes[0].__name__} but does not register it: "
                f"put @register on the line above 'class {classes[0].__name__}'."
            )
        raise Failed(
            "It defines no strategy: a strategy is a class that subclasses "
            "agents.Strategy or agents.PersonStrategy, with @register above it."
        )
    if len(result.names) > 1:
        raise Failed(
            f"It registers {len(result.names)} strategies ("
            f"{', '.join(result.names)}); keep one strategy per file."
        )
    name = result.names[0]
    cls = next((c for c in classes if c.name == name), None) or get_strategy_class(name)
    kind = "one person at a time" if issubclass(cls, PersonStrategy) else "vectorized"
    return (
        f"It defines one strategy, {cls.__name__} ({kind}), registered as {name!r}.",
        (name, cls),
    )


def _explain_load_error(result: plugins.LoadResult) -> str:
    err, error = result.exception, result.error
    if isinstance(err, SyntaxError):
        return (
            f"Python cannot read the file: {error}.\n"
            "Fix that line (look at the line before it too: an unclosed bracket or a "
            "missing ':' shows up one line late)."
        )
    reason = err.reason if isinstance(err, RegistrationError) else None
    if reason == RegistrationReason.NAME_TAKEN:
        taken = err.value
        owner = (
            "a built-in strategy"
            if taken in BUILT_INS
            else f"another strategy ({_owner(taken, result.module)})"
        )
        return (
            f"Its name {taken!r} is already taken by {owner}.\n"
            "Give your class a new name = '...' (a short identifier such as "
            "'my_listener')."
        )
    if reason == RegistrationReason.BAD_GROUP:
        return (
            f"Its group {err.value!r} is not a valid label. A group names the people who use "
            f"the strategy: a short identifier (letters, digits, _) such as 'listeners', "
            f"and not {' or '.join(map(repr, registry.RESERVED_GROUPS))} (kept for the "
            "whole model's numbers)."
        )
    if reason == RegistrationReason.BAD_NAME:
        return (
            f"Its name {err.value!r} is not valid: a name is a short identifier (letters, "
            "digits, _, not starting with a digit) such as 'my_listener'."
        )
    if reason == RegistrationReason.NOT_A_STRATEGY:
        return (
            "@register is above something that is not a strategy class: the class must "
            "subclass agents.Strategy or agents.PersonStrategy."
        )
    if isinstance(err, ImportError):
        return (
            f"Importing the file failed: {error}.\n"
            "A strategy file should import only from agents, numpy and the standard "
            "library."
        )
    return f"Importing the file failed: {error}."


def _owner(name: str, module: str) -> str:
    cls = registry.snapshot().get(name)
    if cls is None or cls.__module__ == module:  # (a failed import registers nothing)
        return "a class earlier in this same file"
    for path, result in plugins.loaded().items():
        if result.module == cls.__module__:
            return f"in {path}"
    return f"{cls.__module__}.{cls.__qualname__}"


def _interface(name: str, cls: type) -> str:
    """Rule 2: a new name, a valid group, made without arguments, says what to send."""
    if name in BUILT_INS:  # only reachable if a built-in was unregistered
        raise Failed(f"Its name {name!r} is a built-in strategy's; give it a new name.")
    try:
        get_strategy(name)
    except Exception as err:  # noqa: BLE001
        raise Failed(
            f"{cls.__name__}() failed: {type(err).__name__}: {err}.\n"
            "The app and the sweeps make it with no arguments: __init__(self) may "
            "take none besides self."
        ) from None
    if issubclass(cls, PersonStrategy):
        if cls.choose is PersonStrategy.choose:
            raise Failed(
                f"{cls.__name__} does not say what to send: write "
                "choose(self, world, me), returning a list of Message."
            )
    elif cls.decide is Strategy.decide:
        raise Failed(
            f"{cls.__name__} does not say what to send: write decide(self, world, "
            "people), returning Messages."
        )
    group = group_of(cls)
    return f"Its name {name!r} is new and its group {group!r} is a valid label.", None


def _no_mind_reading(path: Path) -> str:
    """Rule 3: it does not read world.interest."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "interest":
            raise Failed(
                f"Line {node.lineno} reads .interest: that is what people really "
                "value, which nobody can see. Learn it instead: world.estimate[tie] "
                "is your guess, and it improves with every conversation."
            )
    return "It does not read world.interest (what people value is for them to show).", None


def _run(name: str, role: str, people: int, steps: int, seed: int) -> NetworkingModel:
    """A small model with the strategy in ``role``, run for ``steps`` (time-limited)."""
    model = NetworkingModel(rng=seed, n_agents=people, **{ROLES[role]: name})
    with _time_limit(RUN_LIMIT_S):
        model.run_for(steps)
    return model


def _messages(name: str, path: Path, size: Size, seed: int):
    """Rule 4: as broadcasters and as interactors, the engine accepts what it sends."""
    models, sent = {}, [0]
    for slot, role in enumerate(ROLES):
        model = NetworkingModel(rng=seed, n_agents=size.people, **{ROLES[role]: name})
        strategy = model.world.strategies[slot]
        strategy.decide = _counting(strategy.decide, sent)  # this model's instance only
        try:
            with _time_limit(RUN_LIMIT_S):
                model.run_for(size.steps)
        except StrategyError as err:
            raise Failed(_explain_strategy_error(err, role, model.world.t)) from None
        except TooSlow:
            raise Failed(
                f"As the {role}' strategy, {size.steps} steps of {size.people} people "
                f"did not finish in {RUN_LIMIT_S} s: is there a loop that never "
                "ends?"
            ) from None
        except Exception as err:  # noqa: BLE001 - the participant's code failed
            raise Failed(
                f"As the {role}' strategy, it crashed at step {model.world.t}: "
                f"{plugins.describe_error(err, path)}."
            ) from None
        models[role] = model
    text = (
        f"It sends well-formed messages, as the broadcasters' strategy and as the "
        f"interactors' ({size.steps} steps of {size.people} people each)."
    )
    if not sent[0]:
        text += "\nIt never started anything in those steps, though (it only answered)."
    text += _held_share(models)
    return text, models


def _held_share(models: dict[str, NetworkingModel]) -> str:
    """What became of the conversations the strategy opened: the world holds one only when
    the other person answers in kind and both have time (docs/model.md, section 7.2)."""
    lines = []
    for slot, (role, model) in enumerate(models.items()):
        w = model.world
        mine = w.initial_strategy_id[w.src] == slot
        opened, held = int(w.talks[mine].sum()), int(w.held[mine].sum())
        if opened:
            lines.append(
                f"\nAs the {role}' strategy it opened {opened:,} conversations; "
                f"{held / opened:.0%} were held. The rest reached their receivers "
                "as one-way interruptions: the other person declined or had no time "
                f"(everyone has time for {model.params['conversation_capacity']} "
                "a step, opened and answered together)."
            )
    return "".join(lines)


def _counting(decide, count: list[int]):
    """``decide`` that also adds the number of messages it returns to ``count[0]``."""

    def counted(world, people):
        messages = decide(world, people)
        count[0] += len(messages) if hasattr(messages, "__len__") else 0
        return messages

    return counted


#: What to do about each of the engine's refusals: (reason, method) -> advice; method None
#: is the advice for any method without one of its own. Every reason has a None entry.
_REPLY_ADVICE = (
    "reply(world, ties) returns two arrays with one entry per tie: two_way (bool) "
    "and topic (numbers)."
)
ADVICE: dict[tuple[Reason, str | None], str] = {
    (Reason.WRONG_TYPE, None): "return what the method promises: see agents/strategy.py.",
    (Reason.WRONG_TYPE, "decide"): "decide() returns a Messages batch (Messages.empty() to "
    "send nothing).",
    (Reason.WRONG_TYPE, "choose"): "choose() returns a list of Message(to=..., topic=..., "
    "two_way=...) ([] to send nothing).",
    (Reason.WRONG_TYPE, "answer"): "answer() returns one Message back to the opener.",
    (Reason.WRONG_TYPE, "reply"): _REPLY_ADVICE,
    (Reason.BAD_SHAPE, None): "Messages needs one entry per message in each of sender, "
    "receiver, tie, topic and two_way; Messages.on_ties(world, ties, topic, two_way) builds "
    "them from ties.",
    (Reason.BAD_SHAPE, "reply"): _REPLY_ADVICE,
    (Reason.NOT_INTEGERS, None): "people and ties are whole numbers: use int arrays.",
    (Reason.NOT_BOOL, None): "two_way says True or False for each message: an array of bool.",
    (Reason.NOT_BOOL, "reply"): _REPLY_ADVICE,
    (Reason.BAD_TOPIC, None): "a topic is an angle in radians: a plain number, not NaN or "
    "infinity.",
    (Reason.BAD_PERSON, None): "address each message to a contact, e.g. one from "
    "world.contacts_of(me).",
    (Reason.BAD_PERSON, "decide"): "people are numbered from 0 to world.n - 1: take them from "
    "world.contacts_of(me) or world.dst[ties].",
    (Reason.NOT_OWN_PERSON, None): "send only from the people you were given (the people "
    "argument).",
    (Reason.SELF_MESSAGE, None): "nobody sends a message to themselves.",
    (Reason.BAD_TIE, None): "use Messages.on_ties(world, ties, ...), or world.tie(sender, "
    "receiver).",
    (Reason.COLD_TO_CONTACT, None): "a message to a contact travels on their tie: give its tie "
    "index.",
    (Reason.TWO_WAY_TO_STRANGER, None): "conversations (two_way=True) need a contact at the "
    "other end.",
    (Reason.NOT_TO_OPENER, None): "answer() must send its Message to the opener.",
}


def advice_for(err: StrategyError) -> str:
    """How to fix what the engine refused, chosen by the error's reason and method."""
    return ADVICE.get((err.reason, err.method)) or ADVICE[(err.reason, None)]


def _explain_strategy_error(err: StrategyError, role: str, step: int | None) -> str:
    when = f"at step {step}" if step is not None else "in a run of the sweep"
    return (
        f"As the {role}' strategy, {when}, the engine refused what it sent: "
        f"{err.method}() {err.detail}.\nHow to fix it: {advice_for(err)}"
    )


def _hands_off(name: str, size: Size, seed: int) -> str:
    """Rule 5: calling decide leaves the world's state as it was."""
    for role, slot in (("broadcasters", 0), ("interactors", 1)):
        model = _run(name, role, size.people, 3, seed)
        world = model.world
        before = {key: np.array(getattr(world, key), copy=True) for key in STATE}
        people = np.flatnonzero(world.strategy_id == slot)
        strategy = world.strategies[slot]
        with _time_limit(RUN_LIMIT_S):
            strategy.decide(world, people)
            ties = world.ties_of(people[:5])
            strategy.reply(world, ties)
        changed = [
            key
            for key in STATE
            if not np.array_equal(before[key], getattr(world, key), equal_nan=True)
        ]
        if changed:
            raise Failed(
                f"It changed the world: world.{changed[0]} is not the same after it "
                "chose its messages. A strategy only chooses; the world updates "
                "itself. Keep your own notes on self instead."
            )
    return "It leaves the world's state alone: it only chooses messages.", None


def _deterministic(name: str, size: Size, seed: int, first: dict, path: Path) -> str:
    """Rule 6: the same seed gives the same numbers."""
    for slot, (role, model) in enumerate(first.items()):
        # run as the first was, its decide counted: a built-in's compiled plan (which a
        # subclass inherits) is set aside for a decide of the instance's own, and the two
        # ways need not draw the same random numbers
        again = NetworkingModel(rng=seed, n_agents=size.people, **{ROLES[role]: name})
        strategy = again.world.strategies[slot]
        strategy.decide = _counting(strategy.decide, [0])
        with _time_limit(RUN_LIMIT_S):
            again.run_for(size.steps)
        a = model.datacollector.get_model_vars_dataframe()
        b = again.datacollector.get_model_vars_dataframe()
        if not a.equals(b):
            hint = _randomness_hint(path)
            raise Failed(
                f"Two runs with the same seed ({seed}), as the {role}' strategy, gave "
                "different numbers.\nDraw every random number from world.rng (e.g. "
                "world.rng.random(), world.rng.choice(...)), not from random or "
                "np.random, and keep your memory on self (set in __init__), not on "
                "the class." + hint
            )
    return (
        f"It is deterministic: two runs with the same seed ({seed}) gave the same numbers.",
        None,
    )


def _randomness_hint(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "random"
            and isinstance(node.value, ast.Name)
            and node.value.id in ("np", "numpy")
        ):
            return f"\nLine {node.lineno} uses np.random."
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if "random" in names:
                return f"\nLine {node.lineno} imports random."
    return ""


def _fast_enough(name: str, size: Size, seed: int) -> tuple[str, bool]:
    """Rule 7: a step at the app's size (300 people) takes well under a second."""
    worst = 0.0
    for role in ROLES:
        model = NetworkingModel(rng=seed, n_agents=300, **{ROLES[role]: name})
        start = time.perf_counter()
        try:
            with _time_limit(RUN_LIMIT_S):
                model.run_for(size.speed_steps)
        except TooSlow:
            raise Failed(
                f"As the {role}' strategy, {size.speed_steps} steps of 300 people took "
                f"more than {RUN_LIMIT_S} s."
            ) from None
        worst = max(worst, (time.perf_counter() - start) / size.speed_steps)
    run_s = worst * 200
    if worst > TOO_SLOW:
        raise Failed(
            f"It is too slow: {worst:.1f} s a step at 300 people (a 200-step run "
            f"would take {run_s / 60:.0f} minutes). Loop over fewer things each step, "
            "or use numpy on whole arrays."
        )
    text = (
        f"It is fast enough: {worst * 1000:.0f} ms a step at 300 people (a 200-step run "
        f"takes about {max(run_s, 0.1):.1f} s)."
    )
    return text, worst > SLOWISH


# -- how it did ------------------------------------------------------------------------------
def _spec_text(strategy: str, size: Size, seed: int) -> str:
    return "\n".join(
        [
            f'name = "strategy_check_{strategy}"',
            f"seed = {seed}",
            f"steps = {size.sweep_steps}",
            f"replicates = {size.replicates}",
            "[fixed]",
            f"n_agents = {size.sweep_people}",
            "[vary]",
            f'broadcaster_strategy = ["{strategy}"]',
            "",
        ]
    )


def _sweep(name: str, path: Path, size: Size, seed: int, out) -> dict[str, dict]:
    """Each contender in the broadcasters' seat, the same seeds: per contender, per outcome,
    the values of the replicates."""
    from experiments.execute import run_spec
    from experiments.spec import parse_spec
    from experiments.store import read_runs, read_timeseries

    results = {}
    contenders = [name, *BUILT_INS]
    where = "here" if size.workers is None else f"on {size.workers} processes"
    print(
        f"\nHow it did: running {len(contenders) * size.replicates} runs {where} ...",
        file=out,
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="strategy-check-") as tmp, _strategy_env(path):
        for i, contender in enumerate(contenders):
            spec = parse_spec(_spec_text(contender, size, seed))
            group = group_of(get_strategy_class(contender))
            # The spec accepts reporters of the two families only; a strategy with a group
            # of its own has its numbers under its group's name, so ask for those.
            spec.reporters = [f"{prefix}_{group}" for prefix in OUTCOMES]
            folder = Path(tmp) / str(i)
            progress = _progress(i * size.replicates, len(contenders) * size.replicates)
            try:
                if size.workers is None:
                    run_spec(spec, folder, serial=True)
                else:
                    try:
                        run_spec(spec, folder, workers=size.workers, progress=progress)
                    except ParameterError as err:
                        if err.field not in ROLES.values():  # not "no such strategy here"
                            raise
                        # worker processes started before this file was known to them (an
                        # earlier sweep in this process): run here instead
                        folder = Path(tmp) / f"{i}-here"
                        run_spec(spec, folder, serial=True)
            except StrategyError as err:
                raise Failed(_explain_strategy_error(err, "broadcasters", None)) from None
            except Exception as err:  # noqa: BLE001 - the participant's code failed
                raise Failed(
                    f"A run of the sweep ({size.sweep_steps} steps, "
                    f"{size.sweep_people} people) failed: "
                    f"{plugins.describe_error(err, path)}."
                ) from None
            runs = read_runs(folder)
            series = read_timeseries(folder, ["run_id", "step", f"faded_{group}"])
            results[contender] = {
                "group": group,
                "wall_s": float(runs["wall_s"].mean()),
                **{prefix: runs[f"{prefix}_{group}"].to_numpy(float) for prefix in OUTCOMES},
                "half_faded_at": _half_faded_at(series, f"faded_{group}", runs["run_id"]),
                "steps": size.sweep_steps,
            }
    return results


def _half_faded_at(series, column: str, run_ids) -> np.ndarray:
    """Per run (in the order of ``run_ids``), the first step at which at least half of the
    group had faded, NaN if that never happened: the engine's ``time_to_half_faded``, which
    it keeps for the broadcasters only, read off the kept series of the strategy's group."""
    first = series[series[column] >= 0.5].groupby("run_id")["step"].min()
    return first.reindex(list(run_ids)).to_numpy(float)


def _progress(before: int, total: int):
    """Runs done so far, on one line of a terminal's stderr (nothing elsewhere)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, _: int) -> None:
        end = "\n" if before + done == total else ""
        print(f"\r  {before + done} of {total} runs done", end=end, file=sys.stderr, flush=True)

    return show


@contextlib.contextmanager
def _strategy_env(path: Path):
    """Worker processes load strategy files named by NETWORKING_STRATEGIES: add this one."""
    old = os.environ.get(plugins.ENV_VAR)
    os.environ[plugins.ENV_VAR] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(plugins.ENV_VAR, None)
        else:
            os.environ[plugins.ENV_VAR] = old


def _mean_ci(values: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of its 95 % interval (1.96 standard errors), NaNs left out."""
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return math.nan, math.nan
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    return float(values.mean()), float(half)


def _cell(values: np.ndarray, percent: bool) -> str:
    mean, half = _mean_ci(values)
    if math.isnan(mean):
        return "-"
    if percent:
        return f"{mean:.0%} ± {half:.0%}" if not math.isnan(half) else f"{mean:.0%}"
    return f"{mean:.2f} ± {half:.2f}" if not math.isnan(half) else f"{mean:.2f}"


def _table(name: str, results: dict, size: Size, seed: int, out) -> None:
    seats = round(PARAMETERS["broadcaster_share"].default * size.sweep_people)
    _say(
        f"{size.replicates} runs each: {size.sweep_people} people, {size.sweep_steps} steps, "
        f"seed {seed}. In each run {seats} people (the broadcasters' seat) use the strategy "
        f"of the column; the other {size.sweep_people - seats} interact.",
        out,
    )
    heads = [f"{name} (yours)", "interrupt", "interact"]
    width = max(18, *(len(h) + 2 for h in heads))
    print(f"\n  {'':<26}" + "".join(f"{h:<{width}}" for h in heads).rstrip(), file=out)
    for prefix, (label, percent) in OUTCOMES.items():
        cells = [_cell(results[c][prefix], percent) for c in results]
        print(f"  {label:<26}" + "".join(f"{c:<{width}}" for c in cells).rstrip(), file=out)
    print(
        "  (± is a 95 % confidence interval over the runs: mean ± 1.96 standard errors)", file=out
    )
    _say(
        f"A {size.sweep_steps}-step run with your strategy took "
        f"{results[name]['wall_s']:.1f} s on average.",
        out,
    )
    if results[name]["group"] == "interactors":
        _say(
            "Its group is 'interactors', so its numbers include the other interactors; give "
            "it a group of its own to see it alone.",
            out,
        )


def _say(text: str, out) -> None:
    print(textwrap.fill(text, WIDTH, break_on_hyphens=False), file=out)


def _compare(mine: np.ndarray, theirs: np.ndarray) -> int:
    """+1 if clearly above, -1 if clearly below, 0 if the 95 % intervals overlap."""
    (a, ha), (b, hb) = _mean_ci(mine), _mean_ci(theirs)
    ha, hb = (0.0 if math.isnan(h) else h for h in (ha, hb))
    if a - ha > b + hb:
        return 1
    if a + ha < b - hb:
        return -1
    return 0


def verdict_categories(name: str, results: dict) -> dict[str, str]:
    """The verdict's parts, as the words that give its direction: the attention kept
    against the interrupting broadcasters (``"more"``, ``"less"``, ``"as much"``: the 95 %
    intervals overlap), the people won over against the interactors (``"more"``,
    ``"fewer"``, ``"cannot tell"``: they overlap) and whether half of its people faded out
    (``"faded"``: in most runs, else ``"never faded"``). The quick check's verdict has the
    same parts as the full one's (tests/test_strategy_check.py)."""
    mine, bro, inter = results[name], results["interrupt"], results["interact"]
    attention = _compare(mine["attention_to"], bro["attention_to"])
    won = _compare(mine["conversions"], inter["conversions"])
    half = mine["half_faded_at"]
    return {
        "attention": {1: "more", -1: "less", 0: "as much"}[attention],
        "won": {1: "more", -1: "fewer", 0: "cannot tell"}[won],
        "faded": "faded" if 2 * np.count_nonzero(~np.isnan(half)) > len(half) else "never faded",
    }


def verdict(name: str, results: dict) -> str:
    """The result in two or three plain sentences: attention kept, people won over, and
    when (if ever) half of its people had faded out."""
    mine, bro, inter = results[name], results["interrupt"], results["interact"]
    parts = verdict_categories(name, results)
    att, att_b = _mean_ci(mine["attention_to"])[0], _mean_ci(bro["attention_to"])[0]
    if parts["attention"] == "more":
        ratio = att / att_b if att_b > 0 else math.inf
        kept = (
            f"kept {ratio:.1f}x the attention of the interrupting broadcasters"
            if ratio < 100
            else "kept far more attention than the interrupting broadcasters"
        )
    elif parts["attention"] == "less":
        kept = "kept even less attention than the interrupting broadcasters"
    else:
        kept = "kept about as much attention as the interrupting broadcasters"
    won, won_i = _mean_ci(mine["conversions"])[0], _mean_ci(inter["conversions"])[0]
    if parts["won"] == "cannot tell":  # the intervals overlap: say so, not "about as many"
        won_text = (
            f"won a number of people that these runs cannot tell apart from the "
            f"interactors' ({won:.1f} vs {won_i:.1f} each; more runs would)"
        )
    else:
        won_text = f"won {parts['won']} people than the interactors ({won:.1f} vs {won_i:.1f} each)"
    joint = "but" if (parts["attention"] == "less") != (parts["won"] == "fewer") else "and"
    return f"Your strategy {kept} {joint} {won_text}. {_fading(mine)}"


def _fading(mine: dict) -> str:
    """When half of the strategy's people had faded out, over the runs, or that they never
    did (within the runs' steps)."""
    half, steps = mine["half_faded_at"], mine["steps"]
    faded = _mean_ci(mine["faded"])[0]
    reached = half[~np.isnan(half)]
    why = "faded out (tuned out by their contacts)"
    if len(reached) == 0:
        if faded < 0.05:
            return f"Its people never faded: almost none of them had {why} by step {steps}."
        return (
            f"Its people never faded: fewer than half of them had {why} by step {steps} "
            f"({faded:.0%} on average)."
        )
    step = f"{reached.mean():.0f}"
    spread = (
        f", from step {reached.min():.0f} to {reached.max():.0f}"
        if reached.min() != reached.max()
        else ""
    )
    if len(reached) == len(half):
        return (
            f"Half of its people had {why} by step {step} (mean over the {len(half)} "
            f"runs{spread}); {faded:.0%} had by step {steps}."
        )
    return (
        f"In {len(reached)} of the {len(half)} runs half of its people had {why}, by step "
        f"{step} (mean over those runs{spread}); in the other {len(half) - len(reached)} "
        f"fewer than half had by step {steps}."
    )


# -- the command -----------------------------------------------------------------------------
def check(path: Path, quick: bool = False, seed: int = 1, out=None) -> int:
    """Check the strategy file ``path``; print the findings to ``out``; return 0 or 1."""
    out = out or sys.stdout
    path = path.resolve()
    print(f"Checking {path}\n", file=out)
    previous = plugins.loaded().get(path)
    plugins.unload_file(path)  # loaded from my_strategies/? check it afresh, on its own
    saved = registry.snapshot()
    try:
        return _check(path, QUICK if quick else FULL, seed, out)
    finally:
        plugins.unload_file(path)
        registry.restore(saved)  # whatever the check registered goes
        if previous is not None:  # put it back as the strategy folder had it
            plugins.load_file(path, record=True)


def _check(path: Path, size: Size, seed: int, out) -> int:
    report = Report(out)
    name, cls = report.rule(0, lambda: _load(path), path) or (None, None)
    report.rule(1, lambda: _interface(name, cls), path)
    report.rule(2, lambda: _no_mind_reading(path), path)
    models = report.rule(3, lambda: _messages(name, path, size, seed), path)
    report.rule(4, lambda: _hands_off(name, size, seed), path)
    report.rule(5, lambda: _deterministic(name, size, seed, models, path), path)
    slow = report.rule(6, lambda: _fast_enough(name, size, seed), path)
    if slow:
        report.note("It is slowish: the app will play it slowly, and sweeps will take a while.")
    for other, error in plugins.load_errors().items():
        if other != path:
            report.note(f"Another strategy file could not be loaded: {other}: {error}")
    if report.failed:
        print(
            "\nYour strategy does not follow the rules yet: fix what the 'fix' line says and "
            "check again.",
            file=out,
        )
        return 1
    try:
        results = _sweep(name, path, size, seed, out)
    except Failed as err:
        report.fail(str(err))
        print(
            "\nThe sweep found a problem the short checks did not: fix it and check again.",
            file=out,
        )
        return 1
    _table(name, results, size, seed, out)
    print(file=out)
    _say(verdict(name, results), out)
    print(file=out)
    _say(
        f"Your strategy follows the rules. Use it in the app (the strategy menus, after "
        f"restarting ./dev app), with python -m sim broadcaster_strategy={name}, or in a "
        f"sweep's [vary] table.",
        out,
    )
    return 0


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise TooSlow in this thread after ``seconds`` (main thread on Unix only; None: no
    limit, and any outer limit is paused)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def alarm(signum, frame):
        raise TooSlow

    old_handler = signal.signal(signal.SIGALRM, alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0]:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)


def main(argv: list[str] | None = None) -> int:
    """``python -m workshop.strategy_check FILE [--quick] [--seed N]``; returns the exit
    status (0 follows the rules, 1 does not, 2 bad usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m workshop strategy",
        description="Check that a strategy file follows the rules of the strategy interface, "
        "then see how it does against the built-in strategies.",
    )
    parser.add_argument("file", help="your strategy file, e.g. my_strategies/mine.py")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small checks and a small sweep in this process (seconds)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the checks and the sweep")
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    if path.suffix != ".py":
        print(f"error: {path} is not a Python file (.py)", file=sys.stderr)
        return 2
    if args.seed < 0:
        print("error: --seed must be 0 or more", file=sys.stderr)
        return 2
    return check(path, quick=args.quick, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())

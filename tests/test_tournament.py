"""The class tournament: deterministic for a seed on every backend, the interactor above the
broadcaster, evolution that keeps everyone seated, broken files reported and left out, and
a builder preview whose verdict agrees with the full run."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agents import registry
from agents.builder import Recipe
from workshop import tournament as t

EXAMPLES = Path(__file__).resolve().parents[1] / "workshop" / "strategies"
#: Small but honest: the default network kind and rates, fewer people and steps.
SMALL = {"n_agents": 150, "steps": 120}


@pytest.fixture
def clean_registry():
    saved = registry.snapshot()
    yield
    registry.restore(saved)


def board(result: t.Result) -> list[tuple]:
    return [(row["key"], row["rank"], round(row["won"], 12)) for row in result.leaderboard]


def test_the_examples_tournament_is_deterministic_and_ranks_the_interactor_first(
    clean_registry,
):
    entries, failures = t.entries_from_folder(EXAMPLES)
    assert not failures and len(entries) == 3
    settings = t.Settings(replicates=4, seed=11, **SMALL)
    serial = t.play(t.builtin_entries() + entries, settings, serial=True)
    again = t.play(t.builtin_entries() + entries, settings, workers=2)
    assert board(serial) == board(again)  # the same, whatever the backend
    ranks = {row["key"]: row for row in serial.leaderboard}
    assert ranks["interact"]["rank"] == 1
    assert ranks["interact"]["won_low"] > ranks["interrupt"]["won_high"]
    assert ranks["interrupt"]["faded"] > 0.8 and ranks["interact"]["faded"] < 0.05
    other = t.play(t.builtin_entries() + entries, t.Settings(replicates=4, seed=12, **SMALL))
    assert board(other) != board(serial)  # the seed matters


def test_ties_within_the_intervals_share_a_rank():
    rows = [
        {"label": "a", "won": 3.0, "won_low": 2.5, "won_high": 3.5},
        {"label": "b", "won": 2.8, "won_low": 2.6, "won_high": 3.0},
        {"label": "c", "won": 1.0, "won_low": 0.9, "won_high": 1.1},
    ]
    first = {"people": [10, 10, 10], "measures": {k: [[], [], []] for k, _ in t.MEASURES}}
    entries = [t.Entry(r["label"], r["label"], "", ("builtin", r["label"])) for r in rows]
    for i, r in enumerate(rows):  # two replicates whose interval is the one above
        half = (r["won_high"] - r["won_low"]) / 2 / 12.706  # t(0.975, 1) = 12.706
        first["measures"]["won"][i] = [r["won"] - half, r["won"] + half]
        for key in ("trust", "recall", "faded"):
            first["measures"][key][i] = [0.5, 0.5]
    result = t._leaderboard(entries, first)
    assert [(r["label"], r["rank"], r["tied"]) for r in result] == [
        ("a", 1, True),
        ("b", 1, True),
        ("c", 3, False),
    ]


def test_evolution_moves_people_to_what_did_better_and_keeps_everyone_seated(
    clean_registry,
):
    settings = t.Settings(replicates=3, rounds=3, seed=5, switch=0.25, **SMALL)
    result = t.play(t.builtin_entries(), settings, serial=True)
    people = [r["people"] for r in result.rounds]
    assert all(sum(p) == SMALL["n_agents"] for p in people)
    broadcasters, interactors = zip(*people, strict=True)
    assert broadcasters[0] == interactors[0] == 75
    assert list(interactors) == sorted(interactors) and interactors[-1] > 100
    assert "Interactor holds" in result.population_text()


def test_the_evolution_rule_by_hand():
    # average score (10*1 + 10*2 + 20*4) / 40 = 2.75: the first two lose a quarter (3 each,
    # rounded up), the third gains them
    assert t._evolve([10, 10, 20], [1.0, 2.0, 4.0], 0.25) == [7, 7, 26]
    assert t._evolve([10, 10], [1.0, 1.0], 0.25) == [10, 10]  # nobody did better


def test_broken_files_are_reported_by_name_and_left_out(tmp_path, clean_registry):
    folder = tmp_path / "class"
    shutil.copytree(EXAMPLES, folder)
    (folder / "syntax_slip.py").write_text("def oops(:\n    pass\n")
    (folder / "no_decide.py").write_text(
        "from agents import Strategy, register\n\n\n@register\nclass NoDecide(Strategy):\n"
        '    name = "no_decide"\n'
    )
    (folder / "crashes_late.py").write_text(
        "from agents import Messages, Strategy, register\n\n\n@register\n"
        "class CrashesLate(Strategy):\n"
        '    name = "crashes_late"\n\n'
        "    def decide(self, world, people):\n"
        "        if world.t > 30:\n"
        "            return 1 / 0\n"
        "        return Messages.empty()\n"
    )
    entries, failures = t.entries_from_folder(folder)
    reasons = {f.label: f.reason for f in failures}
    assert "line 1" in reasons["syntax_slip.py"]
    assert "no decide()" in reasons["no_decide.py"]
    result = t.play(
        t.builtin_entries() + entries,
        t.Settings(replicates=2, seed=3, **SMALL),
        failures=failures,
        workers=1,  # a worker process: the failure crosses back to name the file and line
    )
    late = {f.label: f.reason for f in result.failures}["crashes_late"]
    assert "ZeroDivisionError" in late and "line 10" in late and "crashes_late.py" in late
    played = {row["key"] for row in result.leaderboard}
    assert played == {"interrupt", "interact", "better_aimed", "listen_first", "reply_to_repliers"}


def test_builder_recipes_play_in_worker_processes(clean_registry):
    """A worker starts without the builder's strategies: the entry carries its recipe."""
    recipes = [Recipe(name="Few trusted"), Recipe(name="Loud", whom="everyone", how="pitch")]
    entries = [t.entry_from_recipe(r, key=f"r{i}") for i, r in enumerate(recipes)]
    settings = t.Settings(replicates=2, seed=1, **SMALL)
    here = t.play(entries + t.builtin_entries(), settings, serial=True)
    there = t.play(entries + t.builtin_entries(), settings, workers=1)
    assert board(here) == board(there)
    labels = {row["key"]: row["label"] for row in here.leaderboard}
    assert labels["r0"] == "Few trusted"


def test_a_dask_scheduler_gives_the_same_tournament(clean_registry):
    from distributed import LocalCluster

    entries = t.builtin_entries() + [t.entry_from_recipe(Recipe(name="Mine"), key="mine")]
    settings = t.Settings(replicates=2, seed=8, **SMALL)
    serial = t.play(entries, settings, serial=True)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        dask = t.play(entries, settings, scheduler=cluster.scheduler_address)
    assert board(dask) == board(serial)


@pytest.mark.parametrize("name", ["better_aimed", "listen_first", "reply_to_repliers"])
def test_the_preview_verdict_agrees_with_the_full_run(name, clean_registry):
    """The builder's Try it (full size, fewer replicates) says what the full run (10
    replicates, other seeds) says, for each example strategy."""
    entries, _ = t.entries_from_folder(EXAMPLES)
    entry = next(e for e in entries if e.key == name)
    quick = t.preview(entry, seed=0)
    full = t.preview(entry, replicates=10, seed=1)
    assert quick.verdict == full.verdict
    assert quick.result.settings.n_agents == t.Settings().n_agents  # full size
    assert quick.result.settings.steps == t.Settings().steps
    assert entry.label in quick.words and "people each" in quick.words


def test_the_preview_says_when_half_of_a_pitching_strategys_people_faded(clean_registry):
    """Try it reports when the strategy's people faded (the step by which half had, per run,
    read off the run itself); a strategy that keeps its audience gets no such step."""
    from sim import NetworkingModel

    pitcher = t.entry_from_recipe(Recipe(name="Pitcher", how="pitch", whom="everyone"), "pitcher")
    small = t.Settings(replicates=2, seed=3, **SMALL)
    result = t.play([pitcher, *t.builtin_entries()], small, serial=True)
    steps = result.rounds[0]["measures"]["half_faded_at"]
    assert len(steps[0]) == 2 and all(0 < s <= small.steps for s in steps[0])
    assert all(math.isnan(s) for s in steps[2])  # the interactors never fade
    # a replicate's step for the built-in broadcaster, checked against the model run step
    # by step on its own
    entries = (pitcher, *t.builtin_entries())
    seed = np.random.SeedSequence(5)
    task = t.Task(entries, (50, 50, 50), {"n_agents": 150}, 120, seed, (0, 0))
    mine = t.run_task(task)["half_faded_at"]
    mix = tuple((e.key, 50.0) for e in entries)
    model = NetworkingModel(rng=seed, strategy_mix=mix, n_agents=150)
    seat = model.world.initial_strategy_id
    first = math.nan
    for _ in range(120):
        model.step()
        if math.isnan(first) and model.world.faded[seat == 1].mean() >= 0.5:
            first = model.steps
    assert first > 0 and mine[1] == first and math.isnan(mine[2])
    words = t.preview(pitcher, seed=0).words
    assert "half of them had faded, by step" in words
    kept = t.preview(t.entry_from_recipe(Recipe(name="Talker"), "talker"), seed=0).words
    assert "kept their audience" in kept and "half of them had faded" not in kept


def test_bad_settings_are_refused_naming_the_field():
    for field, value in [("replicates", 1), ("rounds", 0), ("switch", 0.0), ("seed", -1)]:
        with pytest.raises(ValueError, match=field):
            t.Settings(**{field: value}).check()
    with pytest.raises(ValueError, match="strategy_mix"):
        t.Settings(params={"strategy_mix": None}).check()


def test_the_command_line_prints_the_leaderboard_and_writes_json(tmp_path):
    out = tmp_path / "result.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop",
            "tournament",
            str(EXAMPLES),
            "--replicates",
            "2",
            "--rounds",
            "2",
            "--people",
            "120",
            "--steps",
            "60",
            "--serial",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Interactor" in done.stdout and "People per strategy" in done.stdout
    data = json.loads(out.read_text())
    assert len(data["rounds"]) == 2 and data["summary"]
    assert all(not math.isnan(row["won"]) for row in data["leaderboard"])
    missing = subprocess.run(
        [sys.executable, "-m", "workshop", "tournament", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "not a folder" in missing.stderr

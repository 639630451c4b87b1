"""How long the class tournament takes: 30 submitted strategies and the two built-ins.

    python -m benchmarks.tournament            # issue 13's size
    ./dev bench tournament [--replicates R] [--rounds K] [--strategies N]

Thirty strategies as a class would submit them from the builder (random valid recipes,
seeded), plus the built-in broadcaster and interactor, each held by an equal share of 300
people, 10 replicates of 200 steps: played on the local worker processes (the default of
``python -m workshop tournament`` and of the room) and, side by side, in this one process
(the slow path), with the same results. Issue 13's target: at most 60 s on this machine.
The builder's "Try it" (a preview, :func:`workshop.tournament.preview`) is timed too.
"""

from __future__ import annotations

import argparse
import os
import random
import time

#: Issue 13: seconds for 30 strategies + 2 built-ins, 10 replicates, 300 people, 200 steps.
TARGET = 60.0


def class_recipes(count: int, seed: int = 1) -> list:
    """``count`` valid builder recipes, drawn at random from every choice (seeded)."""
    from agents.builder import FIELDS, Recipe, RecipeError

    rng = random.Random(seed)
    out = []
    while len(out) < count:
        choices = {}
        for name, f in FIELDS.items():
            if f.kind == "choice":
                choices[name] = rng.choice(list(f.options))
            elif f.kind == "int":
                choices[name] = rng.randint(int(f.low), int(f.high))
            elif f.kind == "float":
                choices[name] = round(rng.uniform(f.low, f.high / 2), 2)
        choices["strangers"] = rng.choice([0, 0, 0, 1, 2])
        choices["name"] = f"Student {len(out) + 1}"
        try:
            out.append(Recipe.from_dict(choices))
        except RecipeError:
            continue
    return out


def main(argv: list[str] | None = None) -> int:
    from workshop import tournament as t

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strategies", type=int, default=30)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-serial", action="store_true", help="skip the one-process run")
    args = parser.parse_args(argv)
    entries = t.builtin_entries() + [
        t.entry_from_recipe(r, key=f"student_{i}")
        for i, r in enumerate(class_recipes(args.strategies))
    ]
    settings = t.Settings(replicates=args.replicates, rounds=args.rounds, seed=2026)
    runs = settings.replicates * settings.rounds
    print(
        f"{len(entries)} strategies, {settings.n_agents} people, {settings.steps} steps, "
        f"{runs} runs, {os.cpu_count()} cores"
    )
    start = time.perf_counter()
    fast = t.play(entries, settings)
    parallel = time.perf_counter() - start
    workers = min(os.cpu_count() or 1, runs)
    print(f"local processes ({workers}): {parallel:6.1f} s  (target {TARGET:g} s)")
    if not args.no_serial:
        start = time.perf_counter()
        slow = t.play(entries, settings, serial=True)
        serial = time.perf_counter() - start
        same = [r["won"] for r in slow.leaderboard] == [r["won"] for r in fast.leaderboard]
        print(f"one process:          {serial:6.1f} s  (same leaderboard: {same})")
    recipe = class_recipes(1, seed=7)[0]
    t.preview(t.entry_from_recipe(recipe, key="warm_up"), replicates=2)  # compiled loops ready
    start = time.perf_counter()
    t.preview(t.entry_from_recipe(recipe, key="try_it"))
    print(
        f"the builder's Try it ({t.PREVIEW_REPLICATES} runs of 3 strategies): "
        f"{time.perf_counter() - start:.1f} s"
    )
    print(fast.summary()[:300])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

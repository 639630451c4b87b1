"""How long the exercises' checks take: the app's Check button and a room student's Check.

    python -m benchmarks.checks            # every exercise with a check
    ./dev bench checks

For each exercise with a check (``workshop.checks.CHECKS``), from a cold cache: the check as
the Exercises tab runs it alone (the five seeds of ``workshop.checks.SEEDS``: issue 11 asks
for a result in under 5 s), and as a student in a room runs it (one run, on their own seed:
issue 12), each after one warm-up run so that imports and compiled loops are ready, as they
are in a running server.
"""

from __future__ import annotations

import argparse
import time

#: What the issues ask: seconds for a check alone, and for a room student's one-seed check.
TARGET_ALONE, TARGET_ONE_SEED = 5.0, 1.5


def time_check(number: int, seeds=None) -> float:
    """Seconds for exercise ``number``'s check on ``seeds`` (None: the five seeds), cold."""
    from workshop import checks

    checks.run_check(number, seeds=(123,))  # warm-up: imports, compiled loops
    checks._frames.cache_clear()
    checks._second_chance.cache_clear()
    start = time.perf_counter()
    checks.run_check(number, **({} if seeds is None else {"seeds": seeds}))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    from workshop.checks import CHECKS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exercises", type=int, nargs="*", default=sorted(CHECKS))
    args = parser.parse_args(argv)
    unknown = [n for n in args.exercises if n not in CHECKS]
    if unknown:
        parser.error(f"--exercises: no check for {unknown}; there are {sorted(CHECKS)}")
    print(f"{'exercise':>8}  {'alone (5 seeds), s':>18}  {'one seed (a room), s':>20}")
    for number in args.exercises:
        alone, one = time_check(number), time_check(number, seeds=(11,))
        print(f"{number:>8}  {alone:>18.2f}  {one:>20.2f}")
    print(f"(targets: alone under {TARGET_ALONE:g} s, one seed under {TARGET_ONE_SEED:g} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the replay slider costs: the frames a run keeps, and the time to go back.

    python -m benchmarks.replay_memory                 # 2,000 people, 500 steps
    python -m benchmarks.replay_memory --people 300 --steps 1000

For each setting, a classroom session (classroom.session.Session, as one browser tab has)
plays ``--steps`` steps; then the bytes its frame store keeps (classroom.replay.FrameStore:
what the network view was sent each step), the frames' share of the step's server time, and
the server time of a jump back (a drag of the slider: one earlier step's network, the
story as it stood, a cursor on every chart) are reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

SETTINGS = [
    ("the default settings", {}),
    ("everyone knows everyone (the most ties the view draws)", {"network": "complete"}),
]


def measure(people: int, steps: int, overrides: dict) -> dict:
    from classroom.session import Session
    from sim.params import defaults

    params = {**defaults(), "n_agents": people, **overrides}
    session = Session(params, seed=0)
    step_times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        session.step()
        step_times.append(time.perf_counter() - t0)
    store = session.frames[0]
    keep_times = []
    run = session.run
    for _ in range(20):  # the store's own share: keeping one more frame
        frame = run.frame()
        t0 = time.perf_counter()
        store.keep(frame.step, frame.opacity, frame.edge_strength, frame.messages)
        keep_times.append(time.perf_counter() - t0)
    jumps = []
    for k in range(40):
        t0 = time.perf_counter()
        session.replay((k * 37) % steps)
        jumps.append(time.perf_counter() - t0)
    session.replay(None)
    first, last = store.steps
    return {
        "people": people,
        "drawn ties": store.m,
        "steps kept": len(store),
        "first kept": first,
        "MB kept": store.nbytes / 2**20,
        "KB a step": store.nbytes / len(store) / 1024,
        "ms a frame (median)": 1000 * statistics.median(step_times),
        "ms keeping a frame (median)": 1000 * statistics.median(keep_times),
        "ms a jump back (median)": 1000 * statistics.median(jumps),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args(argv)
    for name, overrides in SETTINGS:
        result = measure(args.people, args.steps, overrides)
        print(f"{args.people:,} people, {name}, {args.steps} steps:")
        for key, value in result.items():
            shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
            print(f"  {key:>28}: {shown}")


if __name__ == "__main__":
    main()

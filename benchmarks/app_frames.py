"""Server time and payload per frame of the classroom app, in-process.

    python -m benchmarks.app_frames            # 2,000 people, 100 frames
    python -m benchmarks.app_frames --people 300 --frames 200
    python -m benchmarks.app_frames --extremes # the largest and busiest settings the app allows

A frame is what the play loop does each tick: one model step, then the network view's
new bytes, the seven charts' appends and the step counter and story lines. Payload counts
the bytes the views hand to the widget layer (the network's three byte arrays: opacity,
trust and this step's messages; the charts' JSON messages); the websocket adds Jupyter's
envelope, about 0.7 KB a message, on top.

``--extremes`` times a new run (network, layout, first frame: what Reset costs) and the
frames for settings at the edges of what the app's controls allow: the most people, the
most contacts, every mechanism on, no broadcasters or only broadcasters.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

#: Settings at the edges of the app's ranges (classroom.limits), each a name and overrides.
EXTREMES = [
    (
        "3,000 people, 30 contacts, every mechanism on, most talk and cold calls",
        {
            "n_agents": 3000,
            "mean_degree": 30,
            "muting": True,
            "adaptation": True,
            "introductions": True,
            "cold_reach": 50,
            "exchanges_per_step": 20,
        },
    ),
    ("3,000 people, nobody broadcasts", {"n_agents": 3000, "broadcaster_share": 0.0}),
    (
        "3,000 people, everybody broadcasts, 50 cold calls",
        {"n_agents": 3000, "broadcaster_share": 1.0, "cold_reach": 50},
    ),
    (
        "3,000 people, scale free, 30 contacts",
        {"n_agents": 3000, "network": "barabasi_albert", "mean_degree": 30},
    ),
    ("2,000 people who all know each other", {"n_agents": 2000, "network": "complete"}),
]


def time_frames(session, frames: int) -> tuple[list[float], list[int]]:
    sent: list[int] = []
    for chart in session.charts.values():  # count what each chart sends
        chart.send = lambda msg, buffers=None, _s=sent: _s.append(len(json.dumps(msg)))
    times, payload = [], []
    for _ in range(frames):
        sent.clear()
        start = time.perf_counter()
        session.step()
        times.append(time.perf_counter() - start)
        view = session.view
        payload.append(len(view.opacity) + len(view.edge_strength) + len(view.messages) + sum(sent))
    times.sort()
    return times, payload


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.app_frames", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--people", type=int, default=2000, help="people (default 2000)")
    parser.add_argument("--frames", type=int, default=100, help="frames to time (default 100)")
    parser.add_argument(
        "--extremes",
        action="store_true",
        help="time the app's extreme settings instead (20 frames each)",
    )
    args = parser.parse_args(argv)
    if args.frames < 1:
        parser.error("--frames must be at least 1")

    from classroom.limits import check_in_app
    from classroom.session import Session
    from sim import ParameterError
    from sim.params import defaults, validate

    if args.extremes:
        print(
            "setting                                                       new run   "
            "frame median   frame max"
        )
        for name, over in EXTREMES:
            params = validate({**defaults(), **over})
            start = time.perf_counter()
            session = Session(params, 0)
            built = time.perf_counter() - start
            times, _ = time_frames(session, 20)
            print(
                f"{name:62s} {built:6.2f} s   {statistics.median(times) * 1e3:8.1f} ms"
                f"   {times[-1] * 1e3:7.1f} ms"
            )
        return 0

    try:
        check_in_app("n_agents", args.people)
    except ParameterError as err:
        parser.error(f"--people: {err}")
    session = Session({**defaults(), "n_agents": args.people}, 0)
    times, payload = time_frames(session, args.frames)
    print(
        f"{args.people:,} people, {args.frames} frames: server time per frame median "
        f"{statistics.median(times) * 1e3:.1f} ms, 90th percentile "
        f"{times[int(0.9 * len(times))] * 1e3:.1f} ms; payload per frame "
        f"{statistics.median(payload) / 1024:.1f} KB (plus about 0.7 KB of envelope per "
        f"message, {1 + len(session.charts)} messages)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

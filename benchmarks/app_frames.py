"""Server time and payload per frame of the classroom app, in-process.

    python -m benchmarks.app_frames            # 2,000 people, 100 frames
    python -m benchmarks.app_frames --people 300 --frames 200

A frame is what the play loop does each tick: one model step, then the network view's
new bytes and the seven charts' appends. Payload counts the bytes the views hand to the
widget layer (the network's two byte arrays, the charts' JSON messages); the websocket
adds Jupyter's envelope, about 0.7 KB a message, on top.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.app_frames")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args(argv)

    import app
    from sim.params import defaults

    session = app.Session({**defaults(), "n_agents": args.people}, 0)
    sent = []
    for chart in session.charts.values():  # count what each chart sends
        chart.send = lambda msg, buffers=None, _s=sent: _s.append(len(json.dumps(msg)))
    times, payload = [], []
    for _ in range(args.frames):
        sent.clear()
        start = time.perf_counter()
        session.step()
        times.append(time.perf_counter() - start)
        payload.append(len(session.view.opacity) + len(session.view.edge_strength) + sum(sent))
    times.sort()
    print(f"{args.people:,} people, {args.frames} frames: server time per frame median "
          f"{statistics.median(times) * 1e3:.1f} ms, 90th percentile "
          f"{times[int(0.9 * len(times))] * 1e3:.1f} ms; payload per frame "
          f"{statistics.median(payload) / 1024:.1f} KB (plus about 0.7 KB of envelope per "
          f"message, {1 + len(session.charts)} messages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

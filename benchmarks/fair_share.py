"""A fair share per tab, and a closed tab's memory: three heavy tabs and a light one, in-process.

    python -m benchmarks.fair_share                # the issue's case; about 1 min, 3.5 GB
    python -m benchmarks.fair_share --people 1000 --seconds 5   # a quick look

Four tabs play at once in one process, as in the classroom server: three heavy ones (a
complete network of ``--people`` people, two runs compared: the heaviest settings the
controls allow) and one light one (the defaults), each a :class:`classroom.session.Session`
driven from its own thread by a play loop like ``app.py``'s, all asking for ``--fps``
steps a second (past the slow start). Twice, side by side: the loops as they were (each
steps when it likes, so the heavy ones take the whole process) and the loops going through
the fair scheduler (:class:`classroom.fair.FairShare`, as wired in ``app.py``). For each:

- **light tab, steps a second**: what the light tab actually played (target: close to
  ``--fps``);
- **heavy tabs, steps a second**: each heavy tab's speed (they play slower with the
  scheduler: that is the point) and the scheduler's own figure for it (``FAIR.pace``);
- **stepping, share of a core**: the wall time the heavy tabs spent stepping, over the
  window's, summed over the tabs (above 1 means steps ran side by side, fighting for the
  interpreter);
- **first render**: the time to build a new Session at the defaults (what a new tab's
  first render costs the server) while the four play, median of ``--renders``, against the
  same with nothing playing.

Then the memory: the process's resident memory with the four tabs open; after one heavy tab
is closed the way a kernel's close does it (its widgets closed, the session dropped, garbage
collected), then :func:`classroom.fair.sweep` (collect and trim the heap); and after
:func:`classroom.fair.release` of each other heavy tab (what the page does when it goes).

The machine (CPU, cores) and its load average are printed: on a shared machine the figures
move with the load.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import threading
import time
import weakref

#: Settings of the heavy tabs besides the number of people: the heaviest the app's controls
#: allow (a complete network; run B the same with habituation switched, as the page does).
HEAVY = {"network": "complete"}


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {_load()}"


class Tab:
    """One tab's session and its play loop (as in app.py), in a thread."""

    def __init__(self, name: str, session, fps: float):
        self.name, self.session, self.period = name, session, 1.0 / fps
        self.steps = 0
        self.busy = 0.0  # wall seconds spent stepping
        self.thread: threading.Thread | None = None

    def play(self, stop: threading.Event, fair) -> None:
        key = id(self.session)
        due = time.perf_counter()
        try:
            while not stop.is_set():
                if fair is None:  # the loop as it was
                    start = time.perf_counter()
                    self.session.step()
                    self.busy += time.perf_counter() - start
                else:
                    with fair.turn(key, stop, period=self.period) as mine, self.session.lock:
                        if not mine:
                            break
                        start = time.perf_counter()
                        self.session.step()
                        self.busy += time.perf_counter() - start
                self.steps += 1
                period = self.period if fair is None else fair.pace(key, self.period)
                due = max(due + period, time.perf_counter() - period)
                stop.wait(max(0.0, due - time.perf_counter()))
        finally:
            if fair is not None:
                fair.leave(key)

    def start(self, stop: threading.Event, fair) -> None:
        self.thread = threading.Thread(target=self.play, args=(stop, fair), daemon=True)
        self.thread.start()


def first_render(seed: int) -> float:
    """Seconds to build a new session at the defaults (a new tab's first render)."""
    from classroom.fair import release
    from classroom.session import Session
    from sim.params import defaults

    start = time.perf_counter()
    session = Session(defaults(), seed)
    took = time.perf_counter() - start
    release(session, later=None)
    return took


def measure(tabs: list[Tab], fair, seconds: float, renders: int, seed: int) -> dict:
    """Play ``tabs`` for ``seconds`` (after a second to settle) with or without ``fair``;
    build ``renders`` new sessions meanwhile (seeds from ``seed``: layouts are cached,
    a new seed is a new layout, as for a new tab)."""
    stop = threading.Event()
    for tab in tabs:
        tab.start(stop, fair)
    time.sleep(1.0)
    steps0 = {t.name: t.steps for t in tabs}
    busy0 = {t.name: t.busy for t in tabs}
    start = time.perf_counter()
    times = []
    for i in range(renders):
        target = start + (i + 0.5) * seconds / renders
        time.sleep(max(0.0, target - time.perf_counter()))
        times.append(first_render(seed + i))
    time.sleep(max(0.0, start + seconds - time.perf_counter()))
    window = time.perf_counter() - start
    steps = {t.name: (t.steps - steps0[t.name]) / window for t in tabs}
    busy = {t.name: (t.busy - busy0[t.name]) / window for t in tabs}
    pace = {t.name: fair.pace(id(t.session), t.period) for t in tabs} if fair else {}
    stop.set()
    for tab in tabs:
        tab.thread.join(30)
    return {"steps": steps, "busy": busy, "render": statistics.median(times), "pace": pace}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fair_share", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--people", type=int, default=2000, help="people in each heavy tab (default 2000)"
    )
    parser.add_argument("--heavy", type=int, default=3, help="heavy tabs (default 3)")
    parser.add_argument("--fps", type=float, default=10, help="steps a second asked (10)")
    parser.add_argument(
        "--seconds", type=float, default=10, help="measuring window per case (default 10)"
    )
    parser.add_argument(
        "--renders", type=int, default=3, help="first renders timed per case (default 3)"
    )
    args = parser.parse_args(argv)
    if args.people < 10 or args.heavy < 1 or args.fps <= 0 or args.seconds <= 0:
        parser.error("--people >= 10, --heavy >= 1, --fps > 0 and --seconds > 0")
    args.renders = max(1, args.renders)

    from classroom.fair import FairShare, release, rss_mb, session_widgets, sweep
    from classroom.session import Session
    from sim.params import defaults, validate

    print(f"machine: {_machine()}")
    base = rss_mb()
    idle = statistics.median(first_render(1000 + i) for i in range(max(2, args.renders)))
    heavy = validate({**defaults(), "n_agents": args.people, **HEAVY})
    compare = {**heavy, "habituation_on": not heavy["habituation_on"]}
    tabs = []
    built = time.perf_counter()
    for i in range(args.heavy):
        tabs.append(Tab(f"heavy {i + 1}", Session(heavy, i, compare=compare), args.fps))
    built = (time.perf_counter() - built) / args.heavy
    tabs.append(Tab("light", Session(defaults(), 0), args.fps))
    step_ms = {}
    for tab in tabs:  # the first step compiles; then time one
        tab.session.step()
        start = time.perf_counter()
        tab.session.step()
        step_ms[tab.name] = (time.perf_counter() - start) * 1e3
    heavy_tabs = [t for t in tabs if t.name != "light"]
    print(
        f"{args.heavy} heavy tabs: a complete network of {args.people:,} people, two runs "
        f"compared (built in {built:.1f} s; a step {step_ms['heavy 1']:.0f} ms); 1 light tab "
        f"at the defaults (a step {step_ms['light']:.1f} ms); all asking for {args.fps:g} "
        f"steps a second; {args.seconds:g} s per case"
    )

    results = {}
    for n, (name, fair) in enumerate((("without", None), ("with", FairShare()))):
        results[name] = measure(tabs, fair, args.seconds, args.renders, 2000 + 100 * n)
        print(f"  measured {name} the scheduler ({_load()})")
    without, with_ = results["without"], results["with"]

    def heavy_rate(r):
        return statistics.mean(r["steps"][t.name] for t in heavy_tabs)

    def heavy_busy(r):
        return sum(r["busy"][t.name] for t in heavy_tabs)

    rows = [
        ("light tab, steps a second", f"{without['steps']['light']:.1f}", None),
        ("heavy tabs, steps a second each", f"{heavy_rate(without):.2f}", None),
        ("stepping (heavy tabs), share of a core", f"{heavy_busy(without):.2f}", None),
        ("first render (new Session), median s", f"{without['render']:.2f}", None),
    ]
    values = [
        f"{with_['steps']['light']:.1f}",
        f"{heavy_rate(with_):.2f} (pace says "
        f"{1 / statistics.mean(with_['pace'][t.name] for t in heavy_tabs):.2f})",
        f"{heavy_busy(with_):.2f}",
        f"{with_['render']:.2f}",
    ]
    print()
    print(f"{'':42s} {'without FAIR':>14s}   with FAIR")
    for (label, before, _), after in zip(rows, values, strict=True):
        print(f"{label:42s} {before:>14s}   {after}")
    print(f"{'first render with nothing playing, s':42s} {idle:>14.2f}")
    print(f"(target: the light tab close to {args.fps:g} steps a second; stepping at most 0.75)")

    # -- memory ------------------------------------------------------------------------------
    print()
    gc.collect()
    open_mb = rss_mb()
    print(f"memory (resident, MB): before the tabs {base:,.0f}; four tabs open {open_mb:,.0f}")
    first = heavy_tabs[0].session
    models = [weakref.ref(run.model) for run in first.runs]
    for widget in session_widgets(first):  # what a kernel's close did (close_all)
        widget.close()
    del widget  # the loop's last widget (the replay bar) holds the session
    heavy_tabs[0].session = None
    del first
    gc.collect()
    closed_mb = rss_mb()
    print(
        f"  one heavy tab closed as a kernel's close does (widgets closed, garbage "
        f"collected): {closed_mb:,.0f} (freed {max(0.0, open_mb - closed_mb):,.0f}; its models "
        f"freed: {all(m() is None for m in models)})"
    )
    sweep()
    print(f"  then sweep() (collect, trim the heap): {rss_mb():,.0f}")
    for tab in heavy_tabs[1:]:
        done = release(tab.session, later=None)
        tab.session = None
        print(
            f"  release() of {tab.name}: {done.rss_after:,.0f} (freed "
            f"{max(0.0, done.freed):,.0f}; {done.closed} widgets closed)"
        )
    print(f"machine after: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

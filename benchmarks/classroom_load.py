"""The classroom load check: thirty students open the app at once and press Play.

    python -m benchmarks.classroom_load                    # 30 tabs, 30 s of play
    python -m benchmarks.classroom_load --tabs 10 --seconds 15 --stagger 0.5
    python -m benchmarks.classroom_load --json artifacts/classroom-load.json

Starts the server as ``./dev classroom`` does (production mode, the offline settings, idle
tabs closed after ``SOLARA_KERNEL_CULL_TIMEOUT``, at most ``SOLARA_KERNEL_MAX_COUNT``
tabs; their values from the environment, else ``./dev classroom``'s defaults), but on
127.0.0.1 and a free port. Then one headless Chromium opens ``--tabs`` browser contexts
(each its own Solara kernel and run) all at the same moment (or ``--stagger`` seconds
apart), presses Play in each, lets them play ``--warmup`` seconds and measures for
``--seconds``:

- each tab's time to first render (page clock, navigation start until "Step 0" with the
  network drawn) and its steps a second (step counter), with the longest gap between two
  frames;
- the server process's memory (RSS: before the tabs, after they loaded, peak) and CPU
  (share of one core; one Python process: it cannot use more than about one core for
  the runs, whatever the machine has);
- the browser's CPU: it runs on the same machine and competes for the same cores;
- failures: a tab that never became ready, never moved, logged a console or page error,
  crashed, or whose web socket closed.

Exit status 0 when every tab loaded, played and reported no error; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Sequence

from benchmarks.appserver import (
    CHROMIUM_ARGS,
    CLASSROOM_ENV,
    Server,
    chromium_executable,
    cpu_seconds_of,
    descendants,
    process_cpu_seconds,
    process_rss_mb,
)
from benchmarks.browsertab import (
    Sampler,
    Tab,
    fmt,
    format_table,
    loadavg,
    machine_line,
    number,
    progress,
    run_against_server,
    window,
    write_json,
)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.classroom_load",
        description="Open many tabs of the classroom app at once in headless Chromium, "
        "press Play in each and measure every tab's speed, the server's memory "
        "and CPU, and any failure. Exit status 1 if a tab failed.",
    )
    parser.add_argument(
        "--tabs",
        type=number(int, 1, 60),
        default=30,
        help="browser contexts (students) to open, 1 to 60 (default 30; "
        "./dev classroom allows 60 tabs)",
    )
    parser.add_argument(
        "--seconds",
        type=number(float, 1),
        default=30.0,
        help="how long to measure with every tab playing (default 30)",
    )
    parser.add_argument(
        "--warmup",
        type=number(float, 0),
        default=3.0,
        help="seconds of play before measuring (default 3)",
    )
    parser.add_argument(
        "--stagger",
        type=number(float, 0),
        default=0.0,
        help="seconds between two tabs opening (default 0: all at once)",
    )
    parser.add_argument(
        "--timeout",
        type=number(float, 1),
        default=180.0,
        help="seconds a tab may take to become ready (default 180)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    return parser.parse_args(argv)


def _progress(text: str) -> None:
    progress("classroom_load", text)


def _first_line(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}".splitlines()[0]


async def _with_timeout(coro, seconds: float):
    return await asyncio.wait_for(coro, seconds)


async def run_check(args: argparse.Namespace, server: Server) -> dict:
    from playwright.async_api import async_playwright

    data: dict = {
        "machine": machine_line(),
        "loadavg_start": loadavg(),
        "server_url": server.url,
        "settings": {
            k: getattr(args, k) for k in ("tabs", "seconds", "warmup", "stagger", "timeout")
        },
        "server_env": {k: os.environ.get(k, v) for k, v in CLASSROOM_ENV.items()},
    }
    sampler = Sampler(server.pid)
    data["rss_idle_mb"] = process_rss_mb(server.pid)
    sampler.start()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        data["chromium"] = browser.version
        tabs = [await Tab.new(browser, i) for i in range(args.tabs)]
        problems: dict[int, list[str]] = {t.index: [] for t in tabs}

        # -- everyone opens the page ----------------------------------------------------
        async def open_one(tab: Tab) -> float:
            await asyncio.sleep(tab.index * args.stagger)
            return await tab.load(server.url, args.timeout)

        _progress(
            f"opening {args.tabs} tabs"
            + (" at once" if args.stagger == 0 else f", {args.stagger:g} s apart")
        )
        cpu_open0, t_open0 = process_cpu_seconds(server.pid), time.monotonic()
        loaded = await asyncio.gather(*(open_one(t) for t in tabs), return_exceptions=True)
        data["open_seconds"] = time.monotonic() - t_open0
        data["open_server_cpu_share"] = (process_cpu_seconds(server.pid) - cpu_open0) / data[
            "open_seconds"
        ]
        data["rss_loaded_mb"] = process_rss_mb(server.pid)
        for tab, result in zip(tabs, loaded, strict=True):
            if isinstance(result, BaseException):
                problems[tab.index].append(f"not ready: {_first_line(result)}")
        ready = [t for t in tabs if not problems[t.index]]
        _progress(
            f"{len(ready)} of {args.tabs} tabs ready after "
            f"{data['open_seconds']:.1f} s; pressing Play in each"
        )

        # -- everyone presses Play ------------------------------------------------------
        pressed = await asyncio.gather(
            *(_with_timeout(t.play(), args.timeout) for t in ready), return_exceptions=True
        )
        for tab, result in zip(ready, pressed, strict=True):
            if isinstance(result, BaseException):
                problems[tab.index].append(f"Play did not start: {_first_line(result)}")
        playing = [t for t in ready if not problems[t.index]]
        await asyncio.sleep(args.warmup)

        # -- everyone plays; measure ----------------------------------------------------
        server_tree = {server.pid, *descendants(server.pid)}
        browser_pids = [q for q in descendants(os.getpid()) if q not in server_tree]
        _progress(f"measuring {len(playing)} playing tabs for {args.seconds:g} s")
        starts = await asyncio.gather(*(t.snapshot() for t in playing))
        cpu0, bcpu0, t0 = (
            process_cpu_seconds(server.pid),
            cpu_seconds_of(browser_pids),
            time.monotonic(),
        )
        await asyncio.sleep(args.seconds)
        ends = await asyncio.gather(*(t.snapshot() for t in playing), return_exceptions=True)
        cpu1, bcpu1, t1 = (
            process_cpu_seconds(server.pid),
            cpu_seconds_of(browser_pids),
            time.monotonic(),
        )
        data["rss_end_mb"] = process_rss_mb(server.pid)
        windows = {}
        for tab, start, end in zip(playing, starts, ends, strict=True):
            if isinstance(end, BaseException):
                problems[tab.index].append(f"no answer at the end: {_first_line(end)}")
                continue
            windows[tab.index] = window(start, end, await tab.step_log())
            if windows[tab.index].steps <= 0:
                problems[tab.index].append("the step counter did not move while playing")
        for tab in ready:  # a chart that failed to start never labels its canvas
            if not await tab.page.evaluate("() => window.__probe.complete != null"):
                problems[tab.index].append("not every chart has drawn")
        for tab in tabs:  # errors the pages reported at any time up to now
            problems[tab.index] += tab.errors
        await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)
        await browser.close()
    await sampler.stop()

    wall = t1 - t0
    frames = sum(w.steps for w in windows.values())
    data.update(
        {
            "window_seconds": wall,
            "frames": frames,
            "frames_per_s_total": frames / wall,
            "server_cpu_share": (cpu1 - cpu0) / wall,
            "server_cpu_ms_per_frame": (cpu1 - cpu0) * 1e3 / frames if frames else None,
            "browser_cpu_share": (bcpu1 - bcpu0) / wall,
            "rss_peak_mb": max(sampler.rss, default=None),
            "loadavg_end": loadavg(),
        }
    )
    data["tabs"] = [
        {
            "tab": t.index + 1,
            "ready_ms": t.ready_ms,
            "steps_per_s": windows[t.index].steps_per_s if t.index in windows else None,
            "gap_max_ms": windows[t.index].gap_max_ms if t.index in windows else None,
            "ws_bytes_per_step": (
                windows[t.index].bytes_in_per_step if t.index in windows else None
            ),
            "problems": problems[t.index],
        }
        for t in tabs
    ]
    return data


def _spread(values: list[float], spec: str) -> str:
    if not values:
        return "-"
    return (
        f"min {min(values):{spec}}, median {statistics.median(values):{spec}}, "
        f"max {max(values):{spec}}"
    )


def format_report(data: dict) -> str:
    tabs = data["tabs"]
    ready = [t["ready_ms"] / 1000 for t in tabs if t["ready_ms"] is not None]
    rates = [t["steps_per_s"] for t in tabs if t["steps_per_s"] is not None]
    gaps = [t["gap_max_ms"] for t in tabs if t["gap_max_ms"] is not None]
    failed = [t for t in tabs if t["problems"]]
    s = data["settings"]
    env = data["server_env"]
    lines = [
        f"Classroom load: {s['tabs']} tabs in one headless Chromium against one production "
        f"server ({data['server_url']}; SOLARA_KERNEL_CULL_TIMEOUT="
        f"{env['SOLARA_KERNEL_CULL_TIMEOUT']}, SOLARA_KERNEL_MAX_COUNT="
        f"{env['SOLARA_KERNEL_MAX_COUNT']})",
        data["machine"] + f"; at the end {data['loadavg_end']}",
        f"The browser (all {s['tabs']} tabs) runs on the same machine as the server and "
        "competes with it for the same cores: in a real classroom each student's computer "
        "draws its own tab.",
        "",
        f"Opening ({'all at once' if s['stagger'] == 0 else f'{s["stagger"]:g} s apart'}): "
        f"{len(ready)} of {s['tabs']} tabs ready after {data['open_seconds']:.1f} s; "
        f"server CPU {data['open_server_cpu_share']:.0%} of one core meanwhile",
        f"  time to first render, s: {_spread(ready, '.1f')}",
        f"Playing, {data['window_seconds']:.1f} s measured after {s['warmup']:g} s of "
        "warm-up, default speed setting:",
        f"  steps a second per tab: {_spread(rates, '.2f')}",
        f"  all tabs together: {data['frames_per_s_total']:.1f} frames a second",
        f"  longest gap between two frames of a tab, ms: {_spread(gaps, ',.0f')}",
        f"  server CPU: {data['server_cpu_share']:.0%} of one core, "
        f"{fmt(data['server_cpu_ms_per_frame'], '.1f', ' ms')} a frame; browser CPU "
        f"{data['browser_cpu_share']:.0%} of one core ({os.cpu_count()} cores in all)",
        f"Server memory (RSS): {data['rss_idle_mb']:.0f} MB before the tabs, "
        f"{data['rss_loaded_mb']:.0f} MB with them loaded, {fmt(data['rss_peak_mb'], '.0f')} "
        f"MB at the peak, {data['rss_end_mb']:.0f} MB at the end "
        f"(about {(data['rss_loaded_mb'] - data['rss_idle_mb']) / s['tabs']:.0f} MB a tab)",
        "",
    ]
    rows = [
        (
            str(t["tab"]),
            fmt(t["ready_ms"] and t["ready_ms"] / 1000, ".1f"),
            fmt(t["steps_per_s"], ".2f"),
            fmt(t["gap_max_ms"], ",.0f"),
            fmt(t["ws_bytes_per_step"] and t["ws_bytes_per_step"] / 1024, ".1f"),
            "failed" if t["problems"] else "ok",
        )
        for t in tabs
    ]
    lines.append(
        format_table(("tab", "ready s", "steps/s", "max gap ms", "KB/frame", "status"), rows)
    )
    lines.append("")
    if failed:
        lines.append(f"FAILED: {len(failed)} of {len(tabs)} tabs")
        for t in failed:
            lines += [f"  tab {t['tab']}: {p}" for p in t["problems"]]
    else:
        lines.append(
            f"No failures: every one of the {len(tabs)} tabs loaded, played and reported no error."
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, server: Server | None = None) -> int:
    """Run the check and print the report. ``server``: use this running server instead of
    starting one (tests)."""
    args = parse_args(argv)
    env = {k: os.environ.get(k, v) for k, v in CLASSROOM_ENV.items()}  # as ./dev classroom
    data = run_against_server(
        "classroom_load", run_check, args, server, "classroom-load-server.log", env=env
    )
    if data is None:
        return 1
    print(format_report(data))
    if args.json:
        write_json(args.json, data)
    return 1 if any(t["problems"] for t in data["tabs"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())

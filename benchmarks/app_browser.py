"""The classroom app in a real browser: first render, play speed, bytes per frame.

    python -m benchmarks.app_browser                       # the full run, about a minute
    python -m benchmarks.app_browser --contexts 3 --people 300 --seconds 5
    python -m benchmarks.app_browser --json artifacts/app-browser.json

Starts the real server as the browser tests do (``solara run app.py --production`` with the
offline settings, on 127.0.0.1 and a free port; :mod:`benchmarks.appserver`) and drives it
with headless Debian Chromium through Playwright. It measures:

- first render: from navigation start until a student can begin (the counter reads
  "Step 0", the network canvas has drawn, Play is there), on the page's own clock, in
  several fresh browser contexts one after the other (each a new Solara kernel and run).
  The first one after the server started is reported apart: it is the cold one.
- play: at each size (``--people``; sizes other than the default are opened with the
  shareable link ``/?n_agents=N&seed=0``, and the legend's head count is checked), press
  Play with the default speed setting, let it run ``--warmup`` seconds, then count the
  step counter's changes over ``--seconds``: steps (frames) a second, and the gaps
  between frames as the page saw them; the web socket bytes and messages received per
  frame (Playwright's web socket events); the server's CPU time per frame and the
  browser's (Chromium and Playwright's driver), from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
from collections.abc import Sequence

from benchmarks.appserver import (
    CHROMIUM_ARGS,
    Server,
    chromium_executable,
    cpu_seconds_of,
    descendants,
    process_cpu_seconds,
)
from benchmarks.browsertab import (
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

DEFAULT_PEOPLE = 300  # sim.params: n_agents' default, what a student sees first
KB = 1024
#: The issue's targets: (key, text, limit).
FIRST_RENDER_LIMIT_MS = 3000
PLAY_MIN_STEPS_PER_S = 10
LARGE_PEOPLE = 2000
LARGE_MAX_BYTES = 20 * KB
LARGE_MAX_SERVER_MS = 50


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.app_browser",
        description="Measure the classroom app in headless Chromium against the real "
        "production server: first render, steps a second while playing, web "
        "socket bytes and server CPU per frame.",
    )
    parser.add_argument(
        "--contexts",
        type=number(int, 1),
        default=5,
        metavar="K",
        help="fresh browser contexts (each a new Solara kernel) timed for "
        "the first render; the first is the cold one (default 5)",
    )
    parser.add_argument(
        "--people",
        type=number(int, 10, 3000),
        nargs="+",
        default=[DEFAULT_PEOPLE, LARGE_PEOPLE],
        metavar="N",
        help=f"sizes to play at (default {DEFAULT_PEOPLE} {LARGE_PEOPLE}); "
        "other than the default, opened with the link ?n_agents=N",
    )
    parser.add_argument(
        "--seconds",
        type=number(float, 0, above=True),
        default=10.0,
        help="how long to measure playing at each size (default 10)",
    )
    parser.add_argument(
        "--warmup",
        type=number(float, 0),
        default=2.0,
        help="seconds of play before measuring (default 2)",
    )
    parser.add_argument(
        "--timeout",
        type=number(float, 0, above=True),
        default=60.0,
        help="seconds a page may take to become ready (default 60)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    return parser.parse_args(argv)


def _url(base: str, people: int) -> str:
    return base if people == DEFAULT_PEOPLE else f"{base}?n_agents={people}&seed=0"


def _progress(text: str) -> None:
    progress("app_browser", text)


async def first_renders(browser, url: str, contexts: int, timeout: float) -> dict:
    ready, complete, errors = [], [], []
    for i in range(contexts):
        tab = await Tab.new(browser, i)
        try:
            ready.append(await tab.load(url, timeout))
            complete.append(await tab.wait_complete(timeout))
        except Exception as e:  # a page that never came up is a result, not a crash
            errors.append(f"context {i + 1}: {type(e).__name__}: {e}".splitlines()[0])
        errors += [f"context {i + 1}: {e}" for e in tab.errors]
        await tab.close()
        _progress(f"first render {i + 1}/{contexts}: {fmt(tab.ready_ms, '.0f', ' ms')}")
    warm = ready[1:] or ready
    warm_complete = complete[1:] or complete
    return {
        "contexts": contexts,
        "ready_ms": ready,
        "complete_ms": complete,
        "cold_ms": ready[0] if ready else None,
        "cold_complete_ms": complete[0] if complete else None,
        "warm_median_ms": statistics.median(warm) if warm else None,
        "warm_min_ms": min(warm) if warm else None,
        "warm_max_ms": max(warm) if warm else None,
        "warm_median_complete_ms": statistics.median(warm_complete) if warm_complete else None,
        "errors": errors,
    }


async def play_at(browser, server: Server, people: int, args, fastest: bool = False) -> dict:
    """Play at ``people`` with the default speed setting, or with the fastest one."""
    row: dict = {
        "people": people,
        "url": _url(server.url, people),
        "error": None,
        "fastest": fastest,
    }
    tab = await Tab.new(browser)
    try:
        row["ready_ms"] = await tab.load(row["url"], args.timeout)
        shown = await tab.people()
        if shown != people:
            raise RuntimeError(
                f"the page shows {shown} people, not {people}: does the app "
                f"read the link ({row['url']})?"
            )
        row["speed_setting"] = await (tab.fastest() if fastest else tab.speed_setting())
        await tab.play()
        await asyncio.sleep(args.warmup)
        server_tree = {server.pid, *descendants(server.pid)}
        browser_pids = [p for p in descendants(os.getpid()) if p not in server_tree]
        start = await tab.snapshot()
        cpu0, bcpu0 = process_cpu_seconds(server.pid), cpu_seconds_of(browser_pids)
        await asyncio.sleep(args.seconds)
        end = await tab.snapshot()
        cpu1, bcpu1 = process_cpu_seconds(server.pid), cpu_seconds_of(browser_pids)
        w = window(start, end, await tab.step_log())
        row.update(
            {
                "seconds": w.seconds,
                "steps": w.steps,
                "steps_per_s": w.steps_per_s,
                "gap_median_ms": w.gap_median_ms,
                "gap_p90_ms": w.gap_p90_ms,
                "gap_max_ms": w.gap_max_ms,
                "ws_bytes_per_step": w.bytes_in_per_step,
                "ws_messages_per_step": w.messages_in_per_step,
                "ws_bytes_sent_per_step": w.bytes_out_per_step,
                "server_cpu_ms_per_step": (cpu1 - cpu0) * 1e3 / w.steps if w.steps else None,
                "server_cpu_share": (cpu1 - cpu0) / w.seconds,
                "browser_cpu_ms_per_step": (bcpu1 - bcpu0) * 1e3 / w.steps if w.steps else None,
            }
        )
        if w.steps <= 0:
            row["error"] = "the step counter did not move while playing"
    except Exception as e:
        row["error"] = f"{type(e).__name__}: {e}".splitlines()[0]
    row["page_errors"] = list(tab.errors)
    await tab.close()
    _progress(
        f"played at {people:,} people: {fmt(row.get('steps_per_s'), '.1f')} steps/s"
        + (f" ({row['error']})" if row["error"] else "")
    )
    return row


def targets(data: dict) -> list[dict]:
    """Each target of the issue with what was measured and whether it is met (None: not
    measured in this run)."""
    fr = data["first_render"]
    rows = {r["people"]: r for r in data["play"] if r.get("error") is None and not r.get("fastest")}
    fastest = next((r for r in data["play"] if r.get("fastest") and r.get("error") is None), None)
    default, large = rows.get(DEFAULT_PEOPLE), rows.get(LARGE_PEOPLE)

    def check(text, value, ok, shown):
        return {
            "target": text,
            "measured": value,
            "met": None if value is None else ok(value),
            "shown": "not measured" if value is None else shown(value),
        }

    return [
        check(
            f"first render under {FIRST_RENDER_LIMIT_MS / 1000:.0f} s (median of the fresh "
            "contexts after the first)",
            fr["warm_median_ms"],
            lambda v: v < FIRST_RENDER_LIMIT_MS,
            lambda v: f"{v / 1000:.2f} s",
        ),
        check(
            f"first render under {FIRST_RENDER_LIMIT_MS / 1000:.0f} s (the cold one, first "
            "after the server started)",
            fr["cold_ms"],
            lambda v: v < FIRST_RENDER_LIMIT_MS,
            lambda v: f"{v / 1000:.2f} s",
        ),
        check(
            f"at least {PLAY_MIN_STEPS_PER_S} frames a second at {DEFAULT_PEOPLE} people "
            "(the default setting plays exactly 10; measured at the fastest setting)",
            (fastest or default) and (fastest or default)["steps_per_s"],
            lambda v: v >= PLAY_MIN_STEPS_PER_S,
            lambda v: f"{v:.1f} /s",
        ),
        check(
            f"at most {LARGE_MAX_BYTES // KB} KB received per frame at {LARGE_PEOPLE:,} people",
            large and large["ws_bytes_per_step"],
            lambda v: v <= LARGE_MAX_BYTES,
            lambda v: f"{v / KB:.1f} KB",
        ),
        check(
            f"at most {LARGE_MAX_SERVER_MS} ms of server time per frame at "
            f"{LARGE_PEOPLE:,} people (here the mean CPU time, from /proc)",
            large and large["server_cpu_ms_per_step"],
            lambda v: v <= LARGE_MAX_SERVER_MS,
            lambda v: f"{v:.1f} ms",
        ),
    ]


def format_report(data: dict) -> str:
    fr = data["first_render"]
    lines = [
        "The app in a browser: headless Chromium against the production server "
        f"({data['server_url']})",
        data["machine"] + f"; at the end {data['loadavg_end']}",
        "The browser runs on the same machine and competes for the same cores.",
        "",
        f"First render, {fr['contexts']} fresh contexts one after the other (navigation "
        "start until 'Step 0', the network drawn and Play shown; 'all charts': every chart "
        "drawn too):",
        f"  cold (the first after the server started): {fmt(fr['cold_ms'], ',.0f', ' ms')}, "
        f"all charts {fmt(fr['cold_complete_ms'], ',.0f', ' ms')}",
        f"  the others: median {fmt(fr['warm_median_ms'], ',.0f', ' ms')} (from "
        f"{fmt(fr['warm_min_ms'], ',.0f')} to {fmt(fr['warm_max_ms'], ',.0f')}), all charts "
        f"{fmt(fr['warm_median_complete_ms'], ',.0f', ' ms')}",
    ]
    lines += [f"  failed: {e}" for e in fr["errors"]]
    lines += ["", "Playing, with the default speed setting (and the fastest, last row):"]
    header = (
        "people",
        "ready ms",
        "speed set",
        "seconds",
        "frames",
        "frames/s",
        "gap med/p90/max ms",
        "KB/frame",
        "msgs/frame",
        "server CPU ms/frame",
        "browser CPU ms/frame",
    )
    rows = []
    for r in data["play"]:
        if r.get("steps") is None:
            rows.append(
                (f"{r['people']:,}", fmt(r.get("ready_ms"), ",.0f"), *["-"] * (len(header) - 2))
            )
            continue
        gaps = "/".join(fmt(r[k], ".0f") for k in ("gap_median_ms", "gap_p90_ms", "gap_max_ms"))
        rows.append(
            (
                f"{r['people']:,}",
                fmt(r["ready_ms"], ",.0f"),
                fmt(r["speed_setting"], "d"),
                f"{r['seconds']:.1f}",
                str(r["steps"]),
                f"{r['steps_per_s']:.1f}",
                gaps,
                fmt(r["ws_bytes_per_step"] and r["ws_bytes_per_step"] / KB, ".1f"),
                fmt(r["ws_messages_per_step"], ".1f"),
                fmt(r["server_cpu_ms_per_step"], ".1f"),
                fmt(r["browser_cpu_ms_per_step"], ".1f"),
            )
        )
    lines.append(format_table(header, rows))
    for r in data["play"]:
        if r["error"]:
            lines.append(f"  {r['people']:,} people failed: {r['error']}")
        lines += [f"  {r['people']:,} people, page said: {e}" for e in r["page_errors"]]
    lines += [
        "KB/frame: 1,024 bytes the page received over its web socket per frame (the Jupyter "
        "messages with their envelopes; what it sent back is ws_bytes_sent_per_step in "
        "--json);",
        "gap: time between two changes of the step counter, as the page saw them; CPU per "
        "frame: CPU time over the window / frames (server: the solara process; browser: "
        "Chromium and Playwright's driver).",
        "",
        "Targets:",
    ]
    for t in data["targets"]:
        verdict = {None: "not measured", True: "met", False: "NOT MET"}[t["met"]]
        lines.append(f"  [{verdict}] {t['target']}: {t['shown']}")
    return "\n".join(lines)


async def measure(args: argparse.Namespace, server: Server) -> dict:
    from playwright.async_api import async_playwright

    data = {
        "machine": machine_line(),
        "loadavg_start": loadavg(),
        "server_url": server.url,
        "settings": {k: getattr(args, k) for k in ("contexts", "people", "seconds", "warmup")},
    }
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        try:
            data["chromium"] = browser.version
            data["first_render"] = await first_renders(
                browser, server.url, args.contexts, args.timeout
            )
            data["play"] = [await play_at(browser, server, n, args) for n in args.people]
            if DEFAULT_PEOPLE in args.people:  # the headroom: the fastest setting
                data["play"].append(
                    await play_at(browser, server, DEFAULT_PEOPLE, args, fastest=True)
                )
        finally:
            await browser.close()
    data["loadavg_end"] = loadavg()
    data["targets"] = targets(data)
    return data


def main(argv: Sequence[str] | None = None, server: Server | None = None) -> int:
    """Run the measurements and print the report. Exit status 0 when every measurement
    was made (targets missed or not), 1 when a page failed or nothing could start.
    ``server``: measure this running server instead of starting one (tests)."""
    args = parse_args(argv)
    data = run_against_server("app_browser", measure, args, server, "app-browser-server.log")
    if data is None:
        return 1
    print(format_report(data))
    if args.json:
        write_json(args.json, data)
    failed = data["first_render"]["errors"] or any(r["error"] for r in data["play"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

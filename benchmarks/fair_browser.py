"""The fair share on the real server, in Chromium: heavy tabs, a light tab, a new tab, memory.

    python -m benchmarks.fair_browser                      # the bug report's case, ~3 min
    python -m benchmarks.fair_browser --people 2000 --heavy 3 --seconds 20
    python -m benchmarks.fair_browser --people 100 --heavy 1 --seconds 3 --after 1 2

The bug report: "Three tabs at the heaviest settings the controls allow (a complete network
of 2,000, compare on) take the server to about 3 GB, play at 1.7 steps a second instead of
10, and more than double every other tab's first render (2 s to 5 s); the memory had not
come back a minute after they closed." This reproduces it against the real production
server, started as ``./dev classroom`` starts it (:mod:`benchmarks.appserver`, the offline
settings and ``CLASSROOM_ENV``), driven by headless Debian Chromium through Playwright, the
guided tour marked as seen (``classroom.tour.TOUR_DONE_JS``). In order:

1. **first render, nothing playing**: fresh browser contexts (each its own Solara kernel)
   open the app at the defaults, one after the other, and are closed again; the time from
   navigation start until the page is ready as the browser tests' ``_load`` waits for it
   (the counter, the network drawn, every chart drawn), on the page's own clock. The first
   after the server started is the cold one (imports, compiled code), reported apart.
2. **playing**: a light tab (the defaults) and ``--heavy`` tabs opened with the link
   ``/?n_agents=N&network=complete&compare=1`` (the heaviest settings the controls allow);
   Play pressed in each (default speed), ``--warmup`` seconds, then each tab's steps a
   second over ``--seconds``, read from its step counter (``.step-counter``, "Step N").
3. **first render, heavy tabs playing**: the same fresh-context render as in 1, while the
   light and heavy tabs keep playing.
4. **memory**: the server process's resident memory (``/proc/<pid>/status`` VmRSS) at start,
   before the tabs, with them all open (and its peak), then ``--after`` seconds (default 10,
   30 and 60) after the heavy tabs were closed, with the server's CPU share and thread count
   in each interval (a closed tab's play loop that still steps shows as CPU) and the light
   tab's speed, and Solara's own count of its kernels (``/resourcez``: a closed kernel is
   no longer counted). ``--close page`` (the default) closes each heavy tab's page with its
   unload handlers run, as a user closes a browser tab, then its context; ``--close
   context`` only disposes of the context. Either way the page's ``pagehide`` handler sends
   Solara's close beacon (``/_solara/api/close/<kernel>``) and the server closes that kernel
   at once (``page_close``), which unmounts the page and runs ``classroom.fair.release``.
   A browser that vanishes without a word (a crash, a lost network) sends no beacon: only
   its web socket closes, and Solara culls the kernel after ``SOLARA_KERNEL_CULL_TIMEOUT``
   (20 minutes with ``./dev classroom``'s settings); that case is not measured here.

The browser runs on the same machine and competes with the server for its cores; the
machine (cores, load average) is printed with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
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
    process_rss_mb,
)
from benchmarks.browsertab import (
    Meter,
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
from classroom.tour import TOUR_DONE_JS

HEAVY_PEOPLE = 2000  # classroom.limits.APP_LIMITS allows up to 3,000; the bug report's case
CLOSE_BEACON = "/_solara/api/close/"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fair_browser",
        description="Heavy tabs (a complete network, compare on) and a light tab playing on "
        "the real production server in headless Chromium: each tab's steps a second, a new "
        "tab's first render with and without them, and the server's memory before, during "
        "and after the heavy tabs close.",
    )
    parser.add_argument(
        "--people",
        type=number(int, 10, 3000),
        default=HEAVY_PEOPLE,
        metavar="N",
        help=f"people in each heavy tab, 10 to 3000 (default {HEAVY_PEOPLE})",
    )
    parser.add_argument(
        "--heavy",
        type=number(int, 1, 20),
        default=3,
        metavar="K",
        help="heavy tabs (default 3)",
    )
    parser.add_argument(
        "--seconds",
        type=number(float, 0, above=True),
        default=20.0,
        help="how long to measure with every tab playing (default 20)",
    )
    parser.add_argument(
        "--warmup",
        type=number(float, 0),
        default=3.0,
        help="seconds of play before measuring (default 3)",
    )
    parser.add_argument(
        "--renders",
        type=number(int, 1, 10),
        default=2,
        help="fresh-context first renders timed, with nothing playing and again with the "
        "tabs playing (default 2)",
    )
    parser.add_argument(
        "--after",
        type=number(float, 0, above=True),
        nargs="+",
        default=[10.0, 30.0, 60.0],
        metavar="S",
        help="seconds after the heavy tabs closed at which to read the memory (default 10 30 60)",
    )
    parser.add_argument(
        "--close",
        choices=("page", "context"),
        default="page",
        help="how a heavy tab goes: 'page' closes its page (as a user closes a tab), then "
        "its context; 'context' only disposes of the context (default page)",
    )
    parser.add_argument(
        "--timeout",
        type=number(float, 1),
        default=300.0,
        help="seconds a tab may take to become ready (default 300)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    args = parser.parse_args(argv)
    args.after = sorted(set(args.after))
    return args


def heavy_query(people: int) -> str:
    """The link's query for a heavy tab (classroom.share: parameter names from sim.params)."""
    return f"?n_agents={people}&network=complete&compare=1"


def _progress(text: str) -> None:
    progress("fair_browser", text)


def _first_line(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}".splitlines()[0]


def threads_of(pid: int) -> int | None:
    """The process's thread count (``/proc/<pid>/status``)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def kernels(url: str) -> dict | None:
    """Solara's own count of its kernels (``/resourcez``): ``total``, ``has_connected``
    (a page connected), ``has_disconnected`` (waiting for the cull); a closed kernel is
    no longer counted. None if the server does not say."""
    from benchmarks.appserver import _DIRECT

    try:
        with _DIRECT.open(url + "resourcez", timeout=5) as r:
            found = json.load(r)["kernels"]
        return {k: found[k] for k in ("total", "has_connected", "has_disconnected")}
    except Exception:  # a debugging page: its absence is not a failure of the measurement
        return None


async def new_tab(browser, index: int) -> Tab:
    """A fresh browser context (its own Solara kernel) with the tour marked as seen and
    the close beacons it sends counted in ``tab.beacons``."""
    tab = await Tab.new(browser, index)
    await tab.context.add_init_script(TOUR_DONE_JS)
    tab.beacons = []  # type: ignore[attr-defined]
    tab.context.on(
        "request",
        lambda r: CLOSE_BEACON in r.url and tab.beacons.append(r.url),  # type: ignore[attr-defined]
    )
    return tab


async def first_render(browser, url: str, timeout: float, index: int) -> dict:
    """One fresh context opened at ``url``: ms until ready as the browser tests' ``_load``
    waits (counter, network drawn, every chart drawn); closed again."""
    tab = await new_tab(browser, index)
    try:
        await tab.load(url, timeout)
        complete = await tab.wait_complete(timeout)
        return {"ms": complete, "ready_ms": tab.ready_ms, "error": None, "problems": tab.errors}
    except Exception as e:  # a page that never came up is a result, not a crash
        return {"ms": None, "ready_ms": None, "error": _first_line(e), "problems": tab.errors}
    finally:
        tab.closing = True
        try:
            await close_page(tab)
        finally:
            await tab.close()


async def close_page(tab: Tab, timeout: float = 10.0) -> None:
    """Close the tab's page as a user closes a browser tab: its unload handlers run (Solara's
    ``pagehide`` handler sends the close beacon); a ``beforeunload`` dialog is accepted.
    (Playwright's plain ``page.close()`` runs no unload handler at all.)"""
    tab.page.on("dialog", lambda d: asyncio.ensure_future(d.accept()))
    closed = asyncio.ensure_future(tab.page.wait_for_event("close", timeout=timeout * 1000))
    await tab.page.close(run_before_unload=True)
    await closed


async def renders(browser, url: str, count: int, timeout: float, start: int) -> list[dict]:
    return [await first_render(browser, url, timeout, start + i) for i in range(count)]


async def measure(args: argparse.Namespace, server: Server) -> dict:
    from playwright.async_api import async_playwright

    pid = server.pid
    data: dict = {
        "machine": machine_line(),
        "cores": os.cpu_count(),
        "loadavg_start": loadavg(),
        "server_url": server.url,
        "heavy_query": heavy_query(args.people),
        "settings": {
            k: getattr(args, k)
            for k in ("people", "heavy", "seconds", "warmup", "renders", "after", "close")
        },
        "server_env": {k: os.environ.get(k, v) for k, v in CLASSROOM_ENV.items()},
        "rss_start_mb": process_rss_mb(pid),
        "threads_start": threads_of(pid),
        "kernels_start": kernels(server.url),
    }
    sampler = Sampler(pid)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        data["chromium"] = browser.version

        # -- 1. first render with nothing playing ---------------------------------------
        _progress("first render with nothing playing (the first one is cold)")
        cold = await first_render(browser, server.url, args.timeout, 0)
        idle = await renders(browser, server.url, args.renders, args.timeout, 1)
        data["render_cold"] = cold
        data["render_idle"] = idle
        await asyncio.sleep(1)
        data["rss_before_mb"] = process_rss_mb(pid)
        data["threads_before"] = threads_of(pid)
        data["kernels_before"] = kernels(server.url)

        # -- 2. the light tab and the heavy tabs play ---------------------------------------
        sampler.start()
        light = await new_tab(browser, 100)
        heavy = [await new_tab(browser, 101 + i) for i in range(args.heavy)]
        tabs = [light, *heavy]
        names = {light.index: "light", **{t.index: f"heavy {i + 1}" for i, t in enumerate(heavy)}}
        problems: dict[int, list[str]] = {t.index: [] for t in tabs}
        _progress(f"opening the light tab and {args.heavy} heavy tabs ({data['heavy_query']})")
        t_open = time.monotonic()
        loaded = await asyncio.gather(
            light.load(server.url, args.timeout),
            *(t.load(server.url + data["heavy_query"], args.timeout) for t in heavy),
            return_exceptions=True,
        )
        data["open_seconds"] = time.monotonic() - t_open
        for tab, result in zip(tabs, loaded, strict=True):
            if isinstance(result, BaseException):
                problems[tab.index].append(f"not ready: {_first_line(result)}")
        ready = [t for t in tabs if not problems[t.index]]
        people, views = {}, {}
        for tab in ready:
            try:
                await tab.wait_complete(args.timeout)
                legend = await tab.page.locator(".nv-legend").first.inner_text()
                people[tab.index] = sum(int(n) for n in re.findall(r"\((\d+)\)", legend))
                views[tab.index] = await tab.page.locator("canvas.nv-canvas").count()
            except Exception as e:
                problems[tab.index].append(f"not complete: {_first_line(e)}")
        data["rss_loaded_mb"] = process_rss_mb(pid)
        _progress(f"{len(ready)} of {len(tabs)} tabs ready after {data['open_seconds']:.1f} s")
        pressed = await asyncio.gather(
            *(t.play(args.timeout) for t in ready), return_exceptions=True
        )
        for tab, result in zip(ready, pressed, strict=True):
            if isinstance(result, BaseException):
                problems[tab.index].append(f"Play did not start: {_first_line(result)}")
        playing = [t for t in ready if not problems[t.index]]
        speed = await light.speed_setting() if light in playing else None
        await asyncio.sleep(args.warmup)

        server_tree = {pid, *descendants(pid)}
        browser_pids = [q for q in descendants(os.getpid()) if q not in server_tree]
        _progress(f"measuring {len(playing)} playing tabs for {args.seconds:g} s")
        starts = await asyncio.gather(*(t.snapshot() for t in playing))
        meter, bcpu0, t0 = Meter(pid), cpu_seconds_of(browser_pids), time.monotonic()
        await asyncio.sleep(args.seconds)
        ends = await asyncio.gather(*(t.snapshot() for t in playing), return_exceptions=True)
        wall = time.monotonic() - t0
        data["play_server_cpu_share"] = meter.share()
        data["play_browser_cpu_share"] = (cpu_seconds_of(browser_pids) - bcpu0) / wall
        data["play_window_seconds"] = wall
        data["rss_playing_mb"] = process_rss_mb(pid)
        data["threads_playing"] = threads_of(pid)
        data["kernels_playing"] = kernels(server.url)
        windows = {}
        for tab, start, end in zip(playing, starts, ends, strict=True):
            if isinstance(end, BaseException):
                problems[tab.index].append(f"no answer at the end: {_first_line(end)}")
                continue
            windows[tab.index] = window(start, end, await tab.step_log())
            if windows[tab.index].steps <= 0:
                problems[tab.index].append("the step counter did not move while playing")

        # -- 3. a new tab's first render while they play ------------------------------------
        _progress("first render with the tabs playing")
        data["render_busy"] = await renders(browser, server.url, args.renders, args.timeout, 50)
        await sampler.stop()
        data["rss_peak_mb"] = max(sampler.rss, default=None)
        data["rss_all_open_mb"] = process_rss_mb(pid)

        # -- 4. the heavy tabs close; does the memory come back? ----------------------------
        _progress(f"closing the heavy tabs ({args.close}); reading the memory after")
        reconnects = {}
        for tab in heavy:
            problems[tab.index] += tab.errors
            tab.closing = True
        for tab in tabs:
            try:  # how often the page's web socket reconnected (Solara's own page counter)
                reconnects[tab.index] = await tab.page.evaluate(
                    "() => window.solara?.debug?.reconnectCount ?? null"
                )
            except Exception:
                reconnects[tab.index] = None
        meter.share()
        light_start = await light.snapshot() if light in playing else None
        t_close = time.monotonic()
        for tab in heavy:
            try:
                if args.close == "page":
                    await close_page(tab)
                await tab.close()
            except Exception as e:
                problems[tab.index].append(f"close failed: {_first_line(e)}")
        data["close_seconds"] = time.monotonic() - t_close
        after = []
        for s in args.after:
            await asyncio.sleep(max(0.0, t_close + s - time.monotonic()))
            row = {
                "after_s": s,
                "rss_mb": process_rss_mb(pid),
                "threads": threads_of(pid),
                "kernels": kernels(server.url),
                "server_cpu_share": meter.share(),
                "light_steps_per_s": None,
            }
            if light_start is not None:
                try:
                    end = await light.snapshot()
                    w = window(light_start, end, await light.step_log())
                    row["light_steps_per_s"] = w.steps_per_s
                    light_start = end
                except Exception as e:
                    problems[light.index].append(f"no answer after the close: {_first_line(e)}")
                    light_start = None
            after.append(row)
        data["after"] = after
        data["beacons"] = {names[t.index]: len(t.beacons) for t in heavy}
        problems[light.index] += light.errors
        light.closing = True
        await light.close()
        await browser.close()

    data["loadavg_end"] = loadavg()
    data["tabs"] = [
        {
            "tab": names[t.index],
            "people": people.get(t.index),
            "views": views.get(t.index),
            "ready_ms": t.ready_ms,
            "complete_ms": t.complete_ms,
            "steps_per_s": windows[t.index].steps_per_s if t.index in windows else None,
            "steps": windows[t.index].steps if t.index in windows else None,
            "gap_max_ms": windows[t.index].gap_max_ms if t.index in windows else None,
            "reconnects": reconnects.get(t.index),
            "problems": problems[t.index],
        }
        for t in tabs
    ]
    data["speed_setting"] = speed
    return data


def _ms_list(rows: list[dict]) -> str:
    return " ".join(fmt(r["ms"] and r["ms"] / 1000, ".2f") for r in rows)


def _median_s(rows: list[dict]) -> float | None:
    ms = [r["ms"] for r in rows if r["ms"] is not None]
    return statistics.median(ms) / 1000 if ms else None


def format_report(data: dict) -> str:
    s, env = data["settings"], data["server_env"]
    lines = [
        f"Fair share in the browser: {s['heavy']} heavy tabs ({s['people']:,} people, complete "
        "network, compare on) and a light tab (the defaults) in one headless Chromium "
        f"against one production server ({data['server_url']}; SOLARA_KERNEL_CULL_TIMEOUT="
        f"{env['SOLARA_KERNEL_CULL_TIMEOUT']}, SOLARA_KERNEL_MAX_COUNT="
        f"{env['SOLARA_KERNEL_MAX_COUNT']})",
        f"{data['machine']}; at the end {data['loadavg_end']}",
        f"Chromium {data.get('chromium', '?')}; heavy link: /{data['heavy_query']}",
        "",
        f"Playing: {data['play_window_seconds']:.1f} s measured after {s['warmup']:g} s of "
        f"warm-up, speed setting {fmt(data['speed_setting'], 'd')} (the default); server CPU "
        f"{data['play_server_cpu_share']:.0%} of one core, browser CPU "
        f"{data['play_browser_cpu_share']:.0%} ({data['cores']} cores in all)",
    ]
    rows = [
        (
            t["tab"],
            fmt(t["people"], ",d"),
            fmt(t["views"], "d"),
            fmt(t["complete_ms"] and t["complete_ms"] / 1000, ".1f"),
            fmt(t["steps"], "d"),
            fmt(t["steps_per_s"], ".2f"),
            fmt(t["gap_max_ms"], ",.0f"),
            fmt(t["reconnects"], "d"),
            "failed" if t["problems"] else "ok",
        )
        for t in data["tabs"]
    ]
    lines.append(
        format_table(
            (
                "tab",
                "people",
                "views",
                "ready s",
                "steps",
                "steps/s",
                "max gap ms",
                "reconnects",
                "status",
            ),  # fmt: skip
            rows,
        )
    )
    lines += [
        "",
        "First render of a new tab (fresh context, the defaults; navigation start until the "
        "counter, the network and every chart have drawn), s:",
    ]
    render_rows = [
        ("cold (first after start)", data["render_cold"]),
        ("nothing playing", data["render_idle"]),
        ("light + heavy tabs playing", data["render_busy"]),
    ]
    lines.append(
        format_table(
            ("situation", "renders", "each", "median"),
            [
                (
                    n,
                    str(len(r) if isinstance(r, list) else 1),
                    _ms_list(r if isinstance(r, list) else [r]),
                    fmt(_median_s(r if isinstance(r, list) else [r]), ".2f"),
                )
                for n, r in render_rows
            ],
        )
    )
    idle, busy = _median_s(data["render_idle"]), _median_s(data["render_busy"])
    if idle and busy:
        lines.append(f"  with the tabs playing: {busy / idle:.2f}x the render with nothing playing")
    lines += ["", "Server memory (RSS) and work:"]
    light_rate = next((t["steps_per_s"] for t in data["tabs"] if t["tab"] == "light"), None)
    mem_rows = [
        ("at start, no tab yet", data["rss_start_mb"], data["threads_start"],
         data["kernels_start"], None, None),
        ("before the tabs (renders above closed)", data["rss_before_mb"],
         data["threads_before"], data["kernels_before"], None, None),
        ("all tabs open, playing", data["rss_playing_mb"], data["threads_playing"],
         data["kernels_playing"], data["play_server_cpu_share"], light_rate),
        ("peak while open", data["rss_peak_mb"], None, None, None, None),
        ("just before the heavy tabs closed", data["rss_all_open_mb"], None, None, None, None),
    ]  # fmt: skip
    mem_rows += [
        (f"{r['after_s']:g} s after the heavy tabs closed", r["rss_mb"], r["threads"],
         r["kernels"], r["server_cpu_share"], r["light_steps_per_s"])
        for r in data["after"]
    ]  # fmt: skip

    def kernel_cell(k: dict | None) -> str:
        return "-" if k is None else f"{k['total']}/{k['has_connected']}/{k['has_disconnected']}"

    lines.append(
        format_table(
            ("moment", "RSS MB", "threads", "kernels", "server CPU", "light steps/s"),
            [
                (
                    m,
                    fmt(rss, ",.0f"),
                    fmt(th, "d"),
                    kernel_cell(k),
                    fmt(cpu and cpu * 100, ".0f", "%"),
                    fmt(light, ".2f"),
                )
                for m, rss, th, k, cpu, light in mem_rows
            ],  # fmt: skip
        )
    )
    lines.append(
        "  kernels: Solara's own count (/resourcez): total/with a page connected/with a page "
        "disconnected (culled after SOLARA_KERNEL_CULL_TIMEOUT); server CPU: share of one "
        "core since the row before"
    )
    taken = data["rss_all_open_mb"] - data["rss_before_mb"]
    if data["after"]:
        last = data["after"][-1]
        back = data["rss_all_open_mb"] - last["rss_mb"]
        lines.append(
            f"  the tabs took {taken:,.0f} MB over the server before them; {last['after_s']:g} s "
            f"after the heavy tabs closed {back:,.0f} MB had come back"
            + (f" ({back / taken:.0%})" if taken > 0 else "")
        )
    beacons = data["beacons"]
    how = "closing each page (unload handlers run), then its context"
    if s["close"] == "context":
        how = "disposing of each context only"
    lines.append(
        f"  heavy tabs closed by {how}, in {data['close_seconds']:.1f} s; close beacons "
        f"({CLOSE_BEACON}) Playwright reported: {sum(1 for n in beacons.values() if n)} of "
        f"{len(beacons)} tabs (it misses one sent as the page goes; the kernels column is the "
        "server's word)"
    )
    failed = [t for t in data["tabs"] if t["problems"]]
    lines.append("")
    if failed:
        lines.append(f"FAILED: {len(failed)} of {len(data['tabs'])} tabs")
        for t in failed:
            lines += [f"  {t['tab']}: {p}" for p in t["problems"]]
    else:
        lines.append("No failures: every tab loaded, played and reported no error.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, server: Server | None = None) -> int:
    """Run it and print the report. ``server``: this running server instead of starting one
    (tests)."""
    args = parse_args(argv)
    env = {k: os.environ.get(k, v) for k, v in CLASSROOM_ENV.items()}  # as ./dev classroom
    data = run_against_server(
        "fair_browser", measure, args, server, "fair-browser-server.log", env=env
    )
    if data is None:
        return 1
    print(format_report(data))
    if args.json:
        write_json(args.json, data)
    return 1 if any(t["problems"] for t in data["tabs"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())

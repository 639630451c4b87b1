"""One app tab in headless Chromium, watched closely: what the browser benchmarks share.

:class:`Tab` opens the app in a fresh browser context (its own cookies, so its own Solara
kernel and its own run) with a small probe script in the page (:data:`PROBE_JS`) that
notes, on the page's own clock (milliseconds since navigation started):

- ``ready``: the step counter reads "Step 0", the network canvas has drawn at least once
  and the Play button is there: a student can start;
- ``complete``: also every chart has drawn (a chart labels its canvas when it draws);
- every change of the step counter, as ``[time, step]``.

Playwright's web socket events count the bytes and messages the page receives and sends;
console errors, page errors, crashes and a web socket that closes while the tab is open
are kept in :attr:`Tab.errors`. Async Playwright, so that many tabs can load at once.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from playwright.async_api import Browser, BrowserContext, Page, WebSocket

from benchmarks.appserver import (
    ARTIFACTS,
    Server,
    ServerError,
    chromium_executable,
    process_cpu_seconds,
    process_rss_mb,
    serve,
)

VIEWPORT = {"width": 1280, "height": 900}
N_CHARTS = 7  # the app's charts (classroom.run.CHARTS); "complete" waits for this many

PROBE_JS = r"""
(() => {
  const probe = { ready: null, complete: null, steps: [] };
  window.__probe = probe;
  let last = null;
  const check = () => {
    const now = performance.now();
    const counter = document.querySelector(".step-counter");
    const m = counter && /^\s*Step (\d+)\s*$/.exec(counter.textContent);
    if (m && Number(m[1]) !== last) {
      last = Number(m[1]);
      probe.steps.push([now, last]);
    }
    if (probe.ready === null && last === 0) {
      const c = document.querySelector("canvas.nv-canvas");
      if (c && c.width > 0 && Number(c.dataset.draws || 0) > 0
          && document.querySelector("button.play")) probe.ready = now;
    }
    if (probe.ready !== null && probe.complete === null) {
      const charts = [...document.querySelectorAll(".lc-root canvas")];
      if (charts.length >= __N_CHARTS__ && charts.every((x) => x.hasAttribute("aria-label")))
        probe.complete = now;
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["data-draws", "aria-label"],
  });
})();
""".replace("__N_CHARTS__", str(N_CHARTS))

#: What the Python side reads at a moment of the run: the page's clock and the counter.
SNAPSHOT_JS = "() => [performance.now(), window.__probe.steps.at(-1)?.[1] ?? null]"


@dataclass
class Snapshot:
    """One moment of a tab: page clock (ms), step shown, web socket totals so far."""

    t_ms: float
    step: int
    bytes_in: int
    messages_in: int
    bytes_out: int


@dataclass
class Window:
    """What a tab did between two snapshots."""

    seconds: float
    steps: int
    steps_per_s: float
    bytes_in_per_step: float | None
    messages_in_per_step: float | None
    bytes_out_per_step: float | None
    gap_median_ms: float | None  # time between two counter changes
    gap_p90_ms: float | None
    gap_max_ms: float | None


@dataclass(eq=False)
class Tab:
    index: int
    context: BrowserContext
    page: Page
    bytes_in: int = 0
    messages_in: int = 0
    bytes_out: int = 0
    errors: list[str] = field(default_factory=list)
    ready_ms: float | None = None
    complete_ms: float | None = None
    closing: bool = False

    @classmethod
    async def new(cls, browser: Browser, index: int = 0) -> Tab:
        context = await browser.new_context(viewport=VIEWPORT)
        await context.add_init_script(PROBE_JS)
        page = await context.new_page()
        tab = cls(index=index, context=context, page=page)
        page.on("websocket", tab._watch_socket)
        page.on(
            "console", lambda m: m.type == "error" and tab.errors.append(f"console error: {m.text}")
        )
        page.on("pageerror", lambda e: tab.errors.append(f"page error: {e}"))
        page.on("crash", lambda _: tab.errors.append("the page crashed"))
        return tab

    def _watch_socket(self, ws: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            self.bytes_in += len(payload if isinstance(payload, bytes) else payload.encode())
            self.messages_in += 1

        def sent(payload: str | bytes) -> None:
            self.bytes_out += len(payload if isinstance(payload, bytes) else payload.encode())

        ws.on("framereceived", received)
        ws.on("framesent", sent)
        ws.on("socketerror", lambda e: self.errors.append(f"web socket error: {e}"))
        ws.on(
            "close",
            lambda _: (
                self.closing
                or self.errors.append(f"web socket closed while the tab was open: {ws.url}")
            ),
        )

    async def load(self, url: str, timeout_s: float) -> float:
        """Open ``url`` and wait until the page is ready; returns the in-page time to
        ready (ms since navigation start). Raises on timeout (Playwright's error)."""
        await self.page.goto(url, timeout=timeout_s * 1000)
        await self.page.wait_for_function(
            "() => window.__probe?.ready != null", timeout=timeout_s * 1000, polling=50
        )
        self.ready_ms = await self.page.evaluate("() => window.__probe.ready")
        return self.ready_ms

    async def wait_complete(self, timeout_s: float) -> float:
        """Wait until every chart has drawn too; returns that moment (ms)."""
        await self.page.wait_for_function(
            "() => window.__probe.complete != null", timeout=timeout_s * 1000, polling=50
        )
        self.complete_ms = await self.page.evaluate("() => window.__probe.complete")
        return self.complete_ms

    async def people(self) -> int:
        """How many people the network view's legend counts (every group)."""
        text = await self.page.locator(".nv-legend").inner_text()
        return sum(int(n) for n in re.findall(r"\((\d+)\)", text))

    async def speed_setting(self) -> int | None:
        """The speed control's value, read from its label ("Speed: N ..."), if found."""
        m = re.search(r"Speed: (\d+)", await self.page.locator("body").inner_text())
        return int(m.group(1)) if m else None

    async def fastest(self, timeout_s: float = 30) -> int | None:
        """Set the speed control to its highest value, with the keyboard as a learner
        would (focus its handle, press End); returns the setting now shown."""
        handle = self.page.get_by_role("slider", name=re.compile(r"^Speed"))
        await handle.focus(timeout=timeout_s * 1000)
        await handle.press("End")
        top = await handle.get_attribute("aria-valuemax")
        await self.page.wait_for_function(
            "(top) => /Speed: (\\d+)/.exec(document.body.innerText)?.[1] === top",
            arg=top,
            timeout=timeout_s * 1000,
        )
        return await self.speed_setting()

    async def play(self, timeout_s: float = 30) -> None:
        button = self.page.locator("button.play")
        if (await button.text_content() or "").strip() != "Play":
            raise RuntimeError("the Play button does not read 'Play'")
        await button.click(timeout=timeout_s * 1000)
        await self.page.wait_for_function(
            "() => document.querySelector('button.play')?.textContent.trim() === 'Pause'",
            timeout=timeout_s * 1000,
        )

    async def snapshot(self) -> Snapshot:
        t_ms, step = await self.page.evaluate(SNAPSHOT_JS)
        # Playwright hands over the socket events the browser saw before this answer
        # first, so the byte counts belong to the same moment as the counter.
        return Snapshot(
            t_ms, -1 if step is None else int(step), self.bytes_in, self.messages_in, self.bytes_out
        )

    async def step_log(self) -> list[tuple[float, int]]:
        return [(t, int(s)) for t, s in await self.page.evaluate("() => window.__probe.steps")]

    async def close(self) -> None:
        self.closing = True
        await self.context.close()


def _rate(log, start: Snapshot, end: Snapshot, steps: int, seconds: float) -> float:
    """Steps a second from the first to the last change of the counter inside the window
    (a window's edges fall between frames: counting whole frames over the whole window
    would read 10 frames a second as 9.99)."""
    inside = [(t, s) for t, s in log if start.t_ms <= t <= end.t_ms]
    if len(inside) >= 3 and inside[-1][0] > inside[0][0]:
        return (inside[-1][1] - inside[0][1]) / ((inside[-1][0] - inside[0][0]) / 1000)
    return steps / seconds if seconds > 0 else 0.0


def window(start: Snapshot, end: Snapshot, log: Sequence[tuple[float, int]]) -> Window:
    """Rates between two snapshots of one tab. The counter's changes inside the window
    give the gaps between frames as the page saw them."""
    seconds = (end.t_ms - start.t_ms) / 1000
    steps = end.step - start.step
    changes = [t for t, _ in log if start.t_ms <= t <= end.t_ms]
    gaps = sorted(b - a for a, b in zip(changes, changes[1:], strict=False))

    def per_step(a: int, b: int) -> float | None:
        return (b - a) / steps if steps > 0 else None

    return Window(
        seconds=seconds,
        steps=steps,
        steps_per_s=_rate(log, start, end, steps, seconds),
        bytes_in_per_step=per_step(start.bytes_in, end.bytes_in),
        messages_in_per_step=per_step(start.messages_in, end.messages_in),
        bytes_out_per_step=per_step(start.bytes_out, end.bytes_out),
        gap_median_ms=statistics.median(gaps) if gaps else None,
        gap_p90_ms=gaps[int(0.9 * (len(gaps) - 1))] if gaps else None,
        gap_max_ms=gaps[-1] if gaps else None,
    )


# -- reporting helpers ---------------------------------------------------------------------


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def machine_line() -> str:
    from benchmarks.speed import machine

    info = machine()
    return (
        f"Machine: {info['cpu']}, {info['cores']}; Python {info['python']}; "
        f"load average {loadavg()} (1, 5, 15 min)"
    )


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    table = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    out = []
    for k, r in enumerate(table):
        out.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def fmt(x: float | None, spec: str = ".1f", unit: str = "") -> str:
    return "-" if x is None else f"{x:{spec}}{unit}"


def write_json(path: str, data: dict) -> None:
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


# -- the command line, shared by both browser benchmarks -----------------------------------


def number(kind: type, low: float, high: float | None = None, above: bool = False):
    """An argparse type: a ``kind`` (int or float) from ``low`` (or above it, with
    ``above``) up to ``high``, with a message that says what is allowed."""

    def parse(text: str):
        try:
            value = kind(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a {'whole ' if kind is int else ''}number: {text!r}"
            ) from None
        if above and value <= low:
            raise argparse.ArgumentTypeError(f"must be more than {low:g} (got {text})")
        if value < low or (high is not None and value > high):
            allowed = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise argparse.ArgumentTypeError(f"must be {allowed} (got {text})")
        return value

    return parse


def progress(name: str, text: str) -> None:
    print(f"{name}: {text}", file=sys.stderr, flush=True)


def _run_async(coro: Awaitable[dict]) -> dict:
    """``asyncio.run(coro)``, in a thread of its own when this one already runs an event
    loop (as it does beside Playwright's sync API, e.g. in the browser tests' process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def run_against_server(
    name: str,
    measure: Callable[..., Awaitable[dict]],
    args: argparse.Namespace,
    server: Server | None,
    log_name: str,
    env: dict[str, str] | None = None,
) -> dict | None:
    """``measure(args, server)`` against ``server``, or against a production server started
    for it (with ``env``; its output in ``artifacts/<log_name>``). None, with the reason
    on stderr, when Chromium or the server is missing."""
    try:
        chromium_executable()
        if server is not None:
            return _run_async(measure(args, server))
        progress(name, "starting the app server (production mode)")
        with serve(production=True, env=env, log_path=ARTIFACTS / log_name) as started:
            return _run_async(measure(args, started))
    except (ServerError, FileNotFoundError) as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return None


class Sampler:
    """Samples the server's resident memory every ``every`` seconds (for the peak)."""

    def __init__(self, pid: int, every: float = 0.5):
        self.pid, self.every, self.rss = pid, every, []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            try:
                self.rss.append(process_rss_mb(self.pid))
            except OSError:
                return
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class Meter:
    """The server's CPU time as a share of one core, phase by phase."""

    def __init__(self, pid: int):
        self.pid = pid
        self.cpu, self.t = process_cpu_seconds(pid), time.monotonic()

    def share(self) -> float:
        cpu, t = process_cpu_seconds(self.pid), time.monotonic()
        share = (cpu - self.cpu) / (t - self.t) if t > self.t else 0.0
        self.cpu, self.t = cpu, t
        return share

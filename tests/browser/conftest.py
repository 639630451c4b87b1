"""Fixtures for the browser tests: the real app server and Debian's Chromium via Playwright.

- ``app_url`` (session): starts ``solara run app.py --production`` on 127.0.0.1 and a free
  port, with the same offline settings as ``./dev app`` (``classroom/offline.env``, the one
  place they are written), waits until it answers and stops it at the end
  (``benchmarks.appserver.serve``, shared with the browser benchmarks). Under xdist
  (``./dev test`` runs ``pytest -n 2``) each worker that gets a browser test starts its own
  server on its own port, and its own Chromium. (``--dist loadgroup`` would keep them on one
  worker, but it silently does nothing with pytest 9.2: pytest-xdist issue #1386.)
- ``browser`` (session): Chromium from PATH (or ``$CHROMIUM``), never Playwright's download.
- ``open_app`` (per test): ``open_app()`` opens the app in a fresh browser context (its own
  cookies, so its own Solara kernel and its own run) and returns an :class:`AppTab` that
  records every request, web socket, console message and page error of that context.

In artifacts/ (CI keeps it): the server's output, ``browser-server-<worker>.log``, and a
screenshot of every tab of a failed test, ``browser-failed-<test>-<n>.png``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from classroom.run import CHARTS
from classroom.tour import TOUR_DONE_JS

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is used from the checkout, not installed
    sys.path.insert(0, str(ROOT))

from benchmarks.appserver import (  # noqa: E402  (the server start is shared with benchmarks/)
    ARTIFACTS,
    CHROMIUM_ARGS,
    ServerError,
    chromium_executable,
    serve,
)

PAGE_READY_TIMEOUT = 60_000  # ms; ~3 s, the first tab also builds a model (numba compiles)
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of a real app server, started as ``./dev app`` starts it (production mode)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(
                serve(production=True, log_path=ARTIFACTS / f"browser-server-{worker}.log")
            )
        except ServerError as e:
            pytest.fail(str(e))
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (``chromium`` on PATH, or ``$CHROMIUM``), headless, via Playwright."""
    try:
        exe = chromium_executable()
    except FileNotFoundError as e:
        pytest.fail(str(e))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass(repr=False)
class AppTab:
    """One app tab in its own browser context, with everything it asked for and said."""

    url: str
    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"AppTab({self.url}, {len(self.requests)} requests)"

    # -- what the page shows ---------------------------------------------------------
    def step(self) -> int:
        """The step counter's number ("Step N", or "Step N (replay)", in the element with class
        step-counter)."""
        text = self.page.locator(".step-counter").first.text_content() or ""
        m = re.fullmatch(r"\s*Step (\d+)(?: \(replay\))?\s*", text)
        assert m, f"step counter reads {text!r}, expected 'Step N'"
        return int(m.group(1))

    def wait_for_step(self, at_least: int, timeout: float = 20_000) -> int:
        self.page.wait_for_function(
            """(n) => {
                const m = /Step (\\d+)/.exec(document.querySelector(".step-counter")?.textContent);
                return m !== null && Number(m[1]) >= n;
            }""",
            arg=at_least,
            timeout=timeout,
        )
        return self.step()

    def settled_step(self, quiet: float = 0.5, timeout: float = 10.0) -> int:
        """The counter once it has stood still for ``quiet`` seconds (a step that was under
        way when Pause was pressed may still land); fails if it never does."""
        deadline = time.monotonic() + timeout
        last = self.step()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.step()
            if now == last:
                return now
            last = now
        raise AssertionError(f"the step counter kept moving for {timeout:.0f} s (at {last})")

    def play_button(self):
        return self.page.locator("button.play")

    def play(self) -> None:
        button = self.play_button()
        assert (button.text_content() or "").strip() == "Play"
        button.click()
        self.page.wait_for_function(
            "() => document.querySelector('button.play')?.textContent.trim() === 'Pause'"
        )

    def pause(self) -> None:
        button = self.play_button()
        assert (button.text_content() or "").strip() == "Pause"
        button.click()
        self.page.wait_for_function(
            "() => document.querySelector('button.play')?.textContent.trim() === 'Play'"
        )

    # -- what the page did -------------------------------------------------------------
    def foreign_requests(self) -> list[str]:
        """Requests (and web sockets) to anywhere but this server: only 127.0.0.1 is fine,
        and blob: URLs of the page's own origin."""
        own = urlsplit(self.url)
        bad = []
        for u in self.requests:
            if u.startswith("data:"):
                continue
            target = u[len("blob:") :] if u.startswith("blob:") else u
            parts = urlsplit(target)
            if parts.hostname != "127.0.0.1" or parts.port != own.port:
                bad.append(u)
        return bad


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so ``open_app`` knows if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def open_app(
    browser: Browser, app_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[[], AppTab]]:
    """``open_app(query="", tour=False, **context_options)``: the app in a fresh browser
    context, opened at ``/?query`` (a shared link), loaded and drawn; the guided tour stays
    closed unless ``tour`` (a first visit). ``context_options`` go to Playwright's
    ``new_context`` (``viewport``, ``reduced_motion`` ...)."""
    contexts: list[BrowserContext] = []

    def _load(page: Page, query: str) -> None:
        page.goto(app_url + (f"?{query}" if query else ""))
        # ready: the counter, the network canvas drawn at least once, every chart drawn (a
        # chart sets its canvas's aria-label when it draws)
        page.locator(".step-counter").first.wait_for(timeout=PAGE_READY_TIMEOUT)
        page.wait_for_function(
            """(nCharts) => {
                const views = [...document.querySelectorAll("canvas.nv-canvas")];
                const charts = [...document.querySelectorAll(".lc-root canvas")];
                return views.length > 0
                    && views.every((c) => c.width > 0 && Number(c.dataset.draws || 0) > 0)
                    && charts.length >= nCharts
                    && charts.every((x) => x.hasAttribute("aria-label"));
            }""",
            arg=len(CHARTS),
            timeout=PAGE_READY_TIMEOUT,
        )
        page.locator("button.play").wait_for()

    def _open(query: str = "", tour: bool = False, **context_options) -> AppTab:
        context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
        if not tour:  # a browser that has seen the guided tour: it does not open
            context.add_init_script(TOUR_DONE_JS)
        contexts.append(context)
        page = context.new_page()
        tab = AppTab(url=app_url, context=context, page=page)
        context.on("request", lambda r: tab.requests.append(r.url))
        context.on("requestfailed", lambda r: tab.failed.append(f"{r.url}: {r.failure}"))
        context.on(
            "response",
            lambda r: r.status >= 400 and tab.bad_responses.append(f"{r.status} {r.url}"),
        )
        page.on("websocket", lambda ws: tab.requests.append(ws.url))
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and tab.console_errors.append(f"console.error: {m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda e: tab.console_errors.append(f"page error: {e}"))
        try:
            _load(page, query)
        except PlaywrightError as e:
            shot = ARTIFACTS / f"browser-failed-{request.node.name}-{len(contexts)}.png"
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=str(shot), full_page=True)
            pytest.fail(
                f"the app did not come up in the browser: {e}\n"
                f"requests elsewhere than the server: {tab.foreign_requests()}\n"
                f"error responses: {tab.bad_responses}\nfailed: {tab.failed}\n"
                f"console: {tab.console_errors}\nscreenshot: {shot}"
            )
        return tab

    yield _open
    report = getattr(request.node, "report_call", None)
    failed = report is not None and report.failed
    for i, context in enumerate(contexts, 1):
        if failed:  # what the page looked like when the test failed (CI keeps artifacts/)
            for page in context.pages:
                with contextlib.suppress(PlaywrightError):
                    page.screenshot(
                        path=str(ARTIFACTS / f"browser-failed-{request.node.name}-{i}.png"),
                        full_page=True,
                    )
        context.close()

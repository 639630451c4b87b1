"""The room under load: sixty students and a facilitator on one server, ten tabs playing.

    python -m benchmarks.room_load                      # 60 students, 10 playing tabs
    python -m benchmarks.room_load --students 20 --tabs 3 --exercise 5
    python -m benchmarks.room_load --json artifacts/room-load.json

What it runs (issue 12, "Load"): the real production server, started as ``./dev classroom``
starts it (:func:`benchmarks.appserver.serve`: production mode, the offline settings,
``SOLARA_KERNEL_CULL_TIMEOUT``; ``CLASSROOM_DATA`` a fresh data folder holding one new
room), and against it, all at the same time:

- ``--tabs`` real Chromium tabs at the defaults, playing (Play pressed, guided tour marked
  as seen): the play loops the room has to live beside;
- the facilitator's page (``/facilitator?room=CODE&key=KEY``) in the same real Chromium,
  clicked as a facilitator clicks it: choose the exercise, "Move everyone to this exercise",
  "Open predictions", "Reveal the tally";
- ``--students`` simulated students: **light clients that speak the page's own web socket
  protocol** to the same server process (:class:`LightPage`). Each opens
  ``/?room=CODE`` exactly as Solara's page script does (a virtual kernel of its own, the
  ``solara.control`` comm, ``run``), receives the widgets the server sends and keeps their
  state, answers for the browser where a browser would (the seat bridge reports an empty
  ``localStorage``), and acts by sending the messages a browser sends: a text field's new
  value, a radio group's choice, a button's click. So every student is a whole app page
  in the server (its kernel, its Session with a model of 300 people, its room thread),
  rendered, diffed and sent by the server as for a browser; only the drawing is skipped.

Why this design and not the others: the issue asks for the *server's* limits. Sixty
Chromium tabs cannot be driven on two cores (they starve long before the server does);
sixty pages rendered with ``solara.render`` in a second process would measure that
process, not the server: the server would hold none of their kernels, none of their
threads and none of their web socket traffic, and a facilitator's "move everyone" would
reach them through SQLite on a timer rather than through the server's own wake-up call.
A web socket client holds almost nothing per student (a dict of widget states), so the
server carries the real cost of sixty pages and the numbers are the server's.

What each number measures (one clock: this process's ``time.monotonic``; the facilitator's
own times are on its page's clock, ``performance.now``):

- **join**: from the moment the students start connecting (all at once, or ``--join-within``
  seconds spread) until the last one's page shows "You are: <name>" (the server confirmed
  the seat); per student also page ready (connected until the Join button is there) and
  join (Join clicked until confirmed).
- **move everyone -> switched**: from the facilitator's click (its page clock, turned into
  this process's clock, error a few ms) until a student's page shows the exercise with
  "Predictions are not open" (the Exercises tab open on that exercise); median and max.
  Same for "Open predictions" (until the send button is there) and "Reveal the tally"
  (until the room's tally is shown).
- **prediction round trip**: from a student's click on "Send my prediction to the room"
  until their page shows "The room has your prediction: (x)." (the database has it);
  the students send within ``--spread`` seconds of each other.
- **checks**: from a click on Check until the result is shown (the check runs on the
  student's seed on the server; its result is pooled in the room).
- **the facilitator's responsiveness**: from its click until its own page shows the new
  state (in Chromium, on the page's clock), and how long after the last student's action
  its page shows the full count (joined, predictions, pooled runs).
- **server CPU and memory**: the server process's CPU time (``/proc``) as a share of one
  core over each phase, and its resident memory before the students, at the peak and
  after they left; the playing tabs' steps a second before and during the room's work.
- **failures**: a page that did not reach a state in ``--timeout`` seconds, a problem the
  page shows (a refusal, a check that could not run), a console error or a closed web
  socket in Chromium.

All times include this process's own queueing: sixty clients, Playwright and the
browser run on the same two cores as the server, so the numbers are upper bounds of what
a room of sixty separate devices would see. A student's time is taken when the message
that completed the change was received, after the messages queued before it.

The server needs a kernel for each student, each tab and the facilitator: the benchmark
raises ``SOLARA_KERNEL_MAX_COUNT`` to that many when it is lower (and says so): Solara
holds every web socket beyond the cap waiting, so with ``./dev classroom``'s 60 the
sixty-first page (the facilitator's, once 60 students are in) would never load.

Exit status 0 when every student joined, followed every push, had their prediction
confirmed and their check shown, and nothing failed; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import itertools
import json
import math
import os
import shutil
import statistics
import struct
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.appserver import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    CLASSROOM_ENV,
    Server,
    ServerError,
    chromium_executable,
    cpu_seconds_of,
    descendants,
    process_cpu_seconds,
    process_rss_mb,
    serve,
)
from benchmarks.browsertab import (
    Meter,
    Sampler,
    fmt,
    format_table,
    loadavg,
    machine_line,
    number,
    progress,
    window,
    write_json,
)

NAME_LABEL = "Your name for the room (optional; any name will do)"
SEND = "Send my prediction to the room"
NOT_OPEN = "Predictions are not open: your facilitator opens them."
TALLY_TITLE = "The room's predictions:"
MOVE = "Move everyone to this exercise"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.room_load",
        description="A room on the real production server: simulated students (web socket "
        "clients speaking the page's protocol) join, follow the facilitator (a real "
        "Chromium page), predict and run checks while real Chromium tabs play. Prints "
        "the join time, the push latencies, the prediction round trip, the server's CPU "
        "and memory, and the failures. Exit status 1 if anything failed.",
    )
    parser.add_argument(
        "--students",
        type=number(int, 1, 100),
        default=60,
        help="simulated students, 1 to 100 (default 60; a room takes 100 new students a minute)",
    )
    parser.add_argument(
        "--tabs",
        type=number(int, 0, 30),
        default=10,
        help="real Chromium tabs at the defaults, playing throughout (default 10)",
    )
    parser.add_argument(
        "--exercise",
        type=int,
        default=2,
        help="the exercise the facilitator moves everyone to (default 2; it needs a check)",
    )
    parser.add_argument(
        "--join-within",
        type=number(float, 0),
        default=0.0,
        metavar="S",
        help="the students start connecting spread over S seconds (default 0: all at once)",
    )
    parser.add_argument(
        "--spread",
        type=number(float, 0),
        default=3.0,
        metavar="S",
        help="the students send their predictions, and press Check, within S seconds of "
        "each other (default 3)",
    )
    parser.add_argument(
        "--warmup",
        type=number(float, 0),
        default=8.0,
        help="seconds the tabs play before they are measured alone (default 8: past the "
        "slow start, 20 steps at 3 a second)",
    )
    parser.add_argument(
        "--settle",
        type=number(float, 0),
        default=5.0,
        help="seconds after the students left before the memory is read (default 5)",
    )
    parser.add_argument(
        "--timeout",
        type=number(float, 1),
        default=180.0,
        help="seconds a page may take to reach a state (default 180)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to PATH")
    args = parser.parse_args(argv)
    from workshop.exercises import EXERCISES

    known = {e.number: e for e in EXERCISES}
    if args.exercise not in known or not known[args.exercise].check:
        with_check = ", ".join(str(e.number) for e in EXERCISES if e.check)
        parser.error(f"--exercise must be one with a check: {with_check}")
    return args


def _progress(text: str) -> None:
    progress("room_load", text)


def _first_line(e: BaseException) -> str:
    return (f"{type(e).__name__}: {e}".splitlines() or [type(e).__name__])[0]


# -- a light client: one student's page, spoken to over Solara's web socket ----------------

_REF = "IPY_MODEL_"


def _decode(message: str | bytes) -> dict:
    """A Jupyter message from the web socket: JSON text, or Solara's binary framing (the
    JSON first, then the buffers, which a light client does not need)."""
    if isinstance(message, str):
        return json.loads(message)
    (n,) = struct.unpack("!i", message[:4])
    offsets = struct.unpack("!" + "I" * n, message[4 : 4 * (n + 1)])
    end = offsets[1] if n > 1 else None
    return json.loads(message[offsets[0] : end].decode("utf-8"))


def _refs(value) -> list[str]:
    """The widget ids a state value refers to ("IPY_MODEL_<id>", in lists and dicts)."""
    if isinstance(value, str):
        return [value[len(_REF) :]] if value.startswith(_REF) else []
    if isinstance(value, list | tuple):
        return [r for v in value for r in _refs(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    return []


class LightPage:
    """One app page held over the web socket, as Solara's page script holds it: its own
    virtual kernel (a random kernel id and session cookie), the ``solara.control`` comm
    and its ``run``; then every widget the server opens, with its state kept up to date.
    The page as a browser would show it is what can be reached from the root widget."""

    def __init__(self, url: str, path: str, name: str):
        self.url, self.path, self.name = url, path, name
        self.kernel = str(uuid.uuid4())
        self.page_id = uuid.uuid4().hex
        self.cookie = str(uuid.uuid4())
        self.models: dict[str, dict] = {}
        self.root: str | None = None
        self.ws = None
        self.changed = asyncio.Event()
        self.last_rx = 0.0
        self.bytes_in = 0
        self.messages_in = 0
        self.closed: str | None = None  # why the socket closed, if it did by itself
        self.answered: set[str] = set()  # widgets a browser would have answered for
        self._reader: asyncio.Task | None = None

    def _message(self, msg_type: str, content: dict) -> str:
        header = {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "",
            "session": self.page_id,
            "date": "",
            "version": "5.3",
        }
        return json.dumps(
            {
                "header": header,
                "parent_header": {},
                "metadata": {},
                "content": content,
                "channel": "shell",
                "buffers": [],
            }
        )

    async def open(self) -> None:
        import websockets

        ws_url = self.url.replace("http", "ws", 1)
        ws_url += f"jupyter/api/kernels/{self.kernel}/channels?session_id={self.page_id}"
        self.ws = await websockets.connect(
            ws_url,
            additional_headers={"Cookie": f"solara-session-id={self.cookie}"},
            max_size=None,
            open_timeout=None,
            ping_interval=None,
            proxy=None,
        )
        self._reader = asyncio.create_task(self._read())
        control = uuid.uuid4().hex
        await self.ws.send(
            self._message(
                "comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}}
            )
        )
        run = {"method": "run", "args": {"path": self.path, "appName": None}}
        await self.ws.send(self._message("comm_msg", {"comm_id": control, "data": run}))

    async def _read(self) -> None:
        try:
            async for message in self.ws:
                self.bytes_in += len(message)
                self.messages_in += 1
                self._apply(_decode(message))
                self.last_rx = time.monotonic()
                self.changed.set()
        except Exception as e:  # a closed socket ends the page; the waits report it
            self.closed = _first_line(e)
        else:
            self.closed = "the server closed the web socket"
        finally:
            self.changed.set()

    def _apply(self, msg: dict) -> None:
        kind, content = msg["header"]["msg_type"], msg.get("content", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
        elif kind == "comm_msg":
            data = content.get("data", {})
            method = data.get("method")
            if method in ("update", "echo_update"):
                self.models.setdefault(content["comm_id"], {}).update(data.get("state", {}))
            elif method == "finished":
                self.root = data.get("widget_id")
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)

    # -- reading the page --------------------------------------------------------------------
    def visible(self) -> list[tuple[str, dict]]:
        """Every widget reachable from the page's root (what a browser would draw)."""
        if self.root is None:
            return []
        seen, todo, out = {self.root}, [self.root], []
        while todo:
            wid = todo.pop()
            state = self.models.get(wid)
            if state is None:
                continue
            out.append((wid, state))
            for key, value in state.items():
                if key in ("layout", "style", "_dom_classes"):
                    continue
                for ref in _refs(value):
                    if ref not in seen:
                        seen.add(ref)
                        todo.append(ref)
        return out

    @staticmethod
    def texts_of(state: dict) -> list[str]:
        children = state.get("children")
        found = (
            [c for c in children if isinstance(c, str) and not c.startswith(_REF)]
            if (isinstance(children, list))
            else []
        )
        return found

    def text(self) -> str:
        """The page's plain text (the strings among the widgets' children), one a line."""
        return "\n".join(t for _, s in self.visible() for t in self.texts_of(s))

    def find(self, model: str | None = None, **match) -> list[str]:
        """Visible widgets of ``model`` (e.g. "BtnModel") whose state matches: a value, or
        for ``children`` a string among the children, for ``class_`` a class among them."""
        found = []
        for wid, state in self.visible():
            if model is not None and state.get("_model_name") != model:
                continue
            ok = True
            for key, want in match.items():
                have = state.get(key)
                if key == "children":
                    ok = isinstance(have, list) and want in have
                elif key == "class_":
                    ok = want in str(have or "").split()
                else:
                    ok = have == want
                if not ok:
                    break
            if ok:
                found.append(wid)
        return found

    def problems(self) -> list[str]:
        """What the page shows as a problem (the room's refusals, a failed check)."""
        out = []
        for cls in ("room-problem", "exercise-error"):
            for wid in self.find("HtmlModel", class_=cls):
                out += self.texts_of(self.models[wid])
        return out

    async def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Waits until ``condition()`` holds for the page; returns when the message that
        completed it was received (this process's clock). Raises TimeoutError naming
        ``what``, or RuntimeError when the socket closed."""
        deadline = time.monotonic() + timeout
        while True:
            if condition():
                return self.last_rx
            if self.closed is not None:
                raise RuntimeError(f"{what}: web socket closed ({self.closed})")
            left = deadline - time.monotonic()
            if left <= 0:
                shown = "; ".join(self.problems())
                raise TimeoutError(
                    f"not within {timeout:.0f} s: {what}"
                    + (f" (the page says: {shown})" if shown else "")
                )
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)

    # -- acting on the page --------------------------------------------------------------------
    async def _send(self, wid: str, data: dict) -> None:
        await self.ws.send(self._message("comm_msg", {"comm_id": wid, "data": data}))

    async def set(self, wid: str, **state) -> None:
        """A new value from the browser (a text typed, an option chosen)."""
        self.models[wid].update(state)
        await self._send(wid, {"method": "update", "state": state, "buffer_paths": []})

    async def click(self, wid: str) -> None:
        """A click, as ipyvue's front end sends it."""
        await self._send(wid, {"method": "custom", "content": {"event": "click", "data": {}}})

    async def answer_browser(self) -> None:
        """What the page's own scripts would say once drawn: the seat bridge has looked in
        an empty localStorage (a first visit)."""
        for wid, state in self.visible():
            if wid in self.answered:
                continue
            if {"room", "token", "stored", "loaded"} <= state.keys() and not state["loaded"]:
                self.answered.add(wid)
                await self.set(wid, stored="", loaded=True)

    async def close(self) -> None:
        if self.ws is not None:
            self.closed = self.closed or "closed by the benchmark"
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)


class Student:
    """One simulated student: their page, their answer, and what was measured."""

    def __init__(self, index: int, url: str, code: str, answer: str):
        self.index = index
        self.name = f"Sim student {index + 1}"
        self.answer = answer
        self.page = LightPage(url, f"/?room={code}", self.name)
        self.times: dict[str, float] = {}
        self.problems: list[str] = []

    def fail(self, phase: str, e: BaseException) -> None:
        self.problems.append(f"{phase}: {_first_line(e)}")

    @property
    def ok(self) -> bool:
        return not self.problems

    # each step returns normally or raises; the caller notes the failure
    async def join(self, timeout: float, delay: float) -> None:
        await asyncio.sleep(delay)
        p = self.page
        self.times["connect"] = time.monotonic()
        await p.open()
        self.times["ready"] = await p.wait_for(
            lambda: bool(p.find("BtnModel", children="Join")), timeout, "the Join button"
        )
        await p.answer_browser()
        (field,) = p.find("TextFieldModel", label=NAME_LABEL)
        await p.set(field, v_model=self.name)
        (button,) = p.find("BtnModel", children="Join")
        self.times["join_click"] = time.monotonic()
        await p.click(button)
        self.times["joined"] = await p.wait_for(
            lambda: self.name in p.text() and "You are: " in p.text(), timeout, "seat confirmed"
        )

    async def follow(self, key: str, condition: Callable[[LightPage], bool], timeout: float):
        self.times[key] = await self.page.wait_for(lambda: condition(self.page), timeout, key)

    async def predict(self, timeout: float, delay: float, reason: str) -> None:
        await asyncio.sleep(delay)
        p = self.page
        (group,) = p.find("RadioGroupModel", class_="exercise-options")
        await p.set(group, v_model=self.answer)
        (box,) = p.find("TextareaModel", class_="exercise-reason")
        await p.set(box, v_model=reason)
        await p.wait_for(lambda: bool(p.find("BtnModel", children=SEND)), timeout, "send enabled")
        (send,) = p.find("BtnModel", children=SEND)
        await p.wait_for(lambda: not p.models[send].get("disabled"), timeout, "send enabled")
        confirmed = f"The room has your prediction: ({self.answer})."
        self.times["send_click"] = time.monotonic()
        await p.click(send)
        self.times["confirmed"] = await p.wait_for(
            lambda: confirmed in p.text(), timeout, "prediction confirmed"
        )

    async def check(self, timeout: float, delay: float) -> None:
        await asyncio.sleep(delay)
        p = self.page
        buttons = p.find("BtnModel", children="Check")
        if len(buttons) != 1:
            raise RuntimeError(f"{len(buttons)} Check buttons on the page")
        self.times["check_click"] = time.monotonic()
        await p.click(buttons[0])
        self.times["checked"] = await p.wait_for(
            lambda: bool(p.find("HtmlModel", class_="exercise-result-line")) or bool(p.problems()),
            timeout,
            "the check's result",
        )
        if p.problems():
            raise RuntimeError("; ".join(p.problems()))


# -- the facilitator's page in Chromium ------------------------------------------------------

FACILITATOR_JS = r"""
(() => {
  const fac = { clicks: {} };
  window.__fac = fac;
  document.addEventListener("click", (e) => {
    const b = e.target.closest && e.target.closest("button");
    if (b) fac.clicks[b.textContent.trim()] = performance.now();
  }, true);
  window.__facWait = (text) => new Promise((resolve) => {
    const has = () => document.body && document.body.innerText.includes(text);
    if (has()) { resolve(performance.now()); return; }
    const obs = new MutationObserver(() => {
      if (has()) { obs.disconnect(); resolve(performance.now()); }
    });
    obs.observe(document, { subtree: true, childList: true, characterData: true });
  });
})();
"""


class Facilitator:
    """The facilitator's page in Chromium; every click timed on the page's own clock."""

    def __init__(self, tab):
        self.tab = tab
        self.page = tab.page
        self.offset = 0.0  # this process's monotonic clock minus the page's clock, in s

    async def sync_clock(self) -> None:
        best = None
        for _ in range(5):
            t0 = time.monotonic()
            page_ms = await self.page.evaluate("() => performance.now()")
            t1 = time.monotonic()
            if best is None or t1 - t0 < best[0]:
                best = (t1 - t0, (t0 + t1) / 2 - page_ms / 1000)
        self.offset = best[1]

    def watch(self, text: str) -> asyncio.Task:
        """Starts waiting for ``text`` on the page; the task gives the page-clock ms."""
        return asyncio.ensure_future(self.page.evaluate("(t) => window.__facWait(t)", text))

    async def click(self, label: str, shows: str, timeout: float) -> dict:
        """Clicks the button ``label``; returns the click's time (this process's clock) and
        how long (ms) until the page showed ``shows``."""
        seen = self.watch(shows)
        await self.page.get_by_role("button", name=label).click(timeout=timeout * 1000)
        clicked_ms = await self.page.evaluate("(l) => window.__fac.clicks[l]", label)
        shown_ms = await asyncio.wait_for(seen, timeout)
        return {
            "clicked": clicked_ms / 1000 + self.offset,
            "own_page_ms": shown_ms - clicked_ms,
        }

    async def shows_at(self, text: str, timeout: float) -> float:
        """When (this process's clock) the page shows ``text``."""
        ms = await asyncio.wait_for(self.watch(text), timeout)
        return ms / 1000 + self.offset

    async def choose_exercise(self, number: int, timeout: float) -> None:
        """Opens the exercise list and picks exercise ``number``."""
        from workshop.exercises import exercise

        title = f"Exercise {number}: {exercise(number).name}"
        await self.page.locator(".v-select").first.click(timeout=timeout * 1000)
        await self.page.get_by_role("option", name=title).click(timeout=timeout * 1000)
        await self.page.wait_for_function(
            "(t) => [...document.querySelectorAll('.v-select')].some(e => e.innerText.includes(t))",
            arg=title,
            timeout=timeout * 1000,
        )


# -- the run -----------------------------------------------------------------------------------


async def _all(students: list[Student], phase: str, make) -> list[Student]:
    """Runs ``make(student)`` for every student still without a problem, all at once;
    notes each failure under ``phase``; returns the students that got through."""
    active = [s for s in students if s.ok]
    results = await asyncio.gather(*(make(s) for s in active), return_exceptions=True)
    for s, r in zip(active, results, strict=True):
        if isinstance(r, BaseException):
            s.fail(phase, r)
    return [s for s in active if s.ok]


def _latencies(students: list[Student], start: str | float, end: str) -> list[float]:
    """Seconds from ``start`` (a key of each student's times, or one moment) to ``end``."""
    out = []
    for s in students:
        t0 = s.times.get(start) if isinstance(start, str) else start
        if t0 is not None and end in s.times:
            out.append(s.times[end] - t0)
    return out


def _stats(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
    }


async def measure(args: argparse.Namespace, server: Server, room: dict) -> dict:
    from playwright.async_api import async_playwright

    from benchmarks.fair_browser import new_tab
    from workshop.exercises import exercise

    pid = server.pid
    ex = exercise(args.exercise)
    keys = ex.predict.keys
    code, key = room["code"], room["key"]
    data: dict = {
        "machine": machine_line(),
        "cores": os.cpu_count(),
        "loadavg_start": loadavg(),
        "server_url": server.url,
        "server_env": room["env"],
        "settings": {
            k: getattr(args, k)
            for k in ("students", "tabs", "exercise", "join_within", "spread", "warmup", "timeout")
        },
        "room": code,
        "rss_start_mb": process_rss_mb(pid),
    }
    problems: dict[str, list[str]] = {}
    facilitator_times: dict[str, float] = {}
    phases: dict[str, dict] = {}
    meter = Meter(pid)
    sampler = Sampler(pid)
    me = os.getpid()
    students = [Student(i, server.url, code, keys[i % len(keys)]) for i in range(args.students)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        data["chromium"] = browser.version

        # -- the tabs play, the facilitator opens the room ------------------------------
        _progress(f"opening {args.tabs} playing tabs and the facilitator's page")
        tabs = [await new_tab(browser, i) for i in range(args.tabs)]
        fac_tab = await new_tab(browser, 100)
        await fac_tab.context.add_init_script(FACILITATOR_JS)
        loaded = await asyncio.gather(
            *(t.load(server.url, args.timeout) for t in tabs), return_exceptions=True
        )
        for t, r in zip(tabs, loaded, strict=True):
            if isinstance(r, BaseException):
                problems.setdefault(f"tab {t.index + 1}", []).append(f"not ready: {_first_line(r)}")
        ready = [t for t in tabs if f"tab {t.index + 1}" not in problems]
        pressed = await asyncio.gather(
            *(t.play(args.timeout) for t in ready), return_exceptions=True
        )
        for t, r in zip(ready, pressed, strict=True):
            if isinstance(r, BaseException):
                problems.setdefault(f"tab {t.index + 1}", []).append(f"no Play: {_first_line(r)}")
        playing = [t for t in ready if f"tab {t.index + 1}" not in problems]
        fac = Facilitator(fac_tab)
        await fac_tab.page.goto(
            f"{server.url}facilitator?room={code}&key={key}", timeout=args.timeout * 1000
        )
        await fac.shows_at(f"Room {code}", args.timeout)
        await fac.shows_at("In the room: 0 of 0", args.timeout)
        await fac.sync_clock()
        await asyncio.sleep(args.warmup)
        server_tree = {pid, *descendants(pid)}
        browser_pids = [q for q in descendants(me) if q not in server_tree]
        browser_cpu0 = cpu_seconds_of(browser_pids)
        me_cpu0 = process_cpu_seconds(me)
        t_all0 = time.monotonic()

        # play rate with the tabs alone (the facilitator's page open, no students yet)
        meter.share()
        alone0 = await asyncio.gather(*(t.snapshot() for t in playing))
        await asyncio.sleep(5.0)
        alone1 = await asyncio.gather(*(t.snapshot() for t in playing))
        phases["tabs alone (5 s)"] = {"server_cpu": meter.share()}
        alone = [
            window(a, b, await t.step_log()).steps_per_s
            for t, a, b in zip(playing, alone0, alone1, strict=True)
        ]
        data["rss_before_mb"] = process_rss_mb(pid)
        sampler.start()
        busy0 = await asyncio.gather(*(t.snapshot() for t in playing))

        # -- the students join ------------------------------------------------------------
        _progress(f"{args.students} students connect and join room {code}")
        fac_joined = fac.watch(f"In the room: {args.students} of {args.students}")
        t_join0 = time.monotonic()
        n = max(1, args.students - 1)
        in_room = await _all(
            students,
            "join",
            lambda s: s.join(args.timeout, args.join_within * s.index / n),
        )
        t_joined = max((s.times["joined"] for s in in_room), default=None)
        phases["join"] = {"server_cpu": meter.share(), "seconds": time.monotonic() - t_join0}
        data["rss_joined_mb"] = process_rss_mb(pid)
        data["join"] = {
            "joined": len(in_room),
            "all_seconds": None if t_joined is None else t_joined - t_join0,
            "ready": _stats(_latencies(in_room, "connect", "ready")),
            "join": _stats(_latencies(in_room, "join_click", "joined")),
        }
        try:
            shown = (await asyncio.wait_for(fac_joined, args.timeout)) / 1000 + fac.offset
            if t_joined is not None:
                facilitator_times["shows everyone joined, after the last join"] = shown - t_joined
        except Exception as e:
            problems.setdefault("facilitator", []).append(
                f"never showed {args.students} students in the room: {_first_line(e)}"
            )
        _progress(f"{len(in_room)} of {args.students} joined; the facilitator moves everyone")

        # -- move everyone ----------------------------------------------------------------
        async def push(label: str, shows: str, key: str, condition) -> None:
            following = [s for s in in_room if s.ok]  # a student who failed has stopped
            follow = [
                asyncio.ensure_future(s.follow(key, condition, args.timeout)) for s in following
            ]
            try:
                clicked = await fac.click(label, shows, args.timeout)
                facilitator_times[f"'{label}': its own page updated"] = (
                    clicked["own_page_ms"] / 1000
                )
                for s in following:
                    s.times[f"{key}_click"] = clicked["clicked"]
            except Exception as e:
                problems.setdefault("facilitator", []).append(f"{label}: {_first_line(e)}")
            results = await asyncio.gather(*follow, return_exceptions=True)
            for s, r in zip(following, results, strict=True):
                if isinstance(r, BaseException):
                    s.fail(key, r)

        meter.share()
        try:
            await fac.choose_exercise(args.exercise, args.timeout)
        except Exception as e:
            problems.setdefault("facilitator", []).append(
                f"could not choose exercise {args.exercise}: {_first_line(e)}"
            )
        await push(
            MOVE,
            f"The room is on exercise {args.exercise}: {ex.name}.",
            "moved",
            lambda p: NOT_OPEN in p.text(),
        )
        phases["move everyone"] = {"server_cpu": meter.share()}
        await push(
            "Open predictions",
            "Predictions open",
            "opened",
            lambda p: bool(p.find("BtnModel", children=SEND)),
        )
        phases["open predictions"] = {"server_cpu": meter.share()}

        # -- predictions ------------------------------------------------------------------
        _progress("the students send their predictions")
        following = [s for s in in_room if s.ok]
        fac_predicted = fac.watch(f"Predictions: {len(following)}")
        reasons = itertools.cycle(
            ["they stop listening", "trust grows with talk", "<b>not bold</b> & so on"]
        )
        n = max(1, len(following) - 1)
        t0 = time.monotonic()
        predicted = await _all(
            following,
            "predict",
            lambda s, r=reasons: s.predict(args.timeout, args.spread * s.index / n, next(r)),
        )
        phases["predictions"] = {"server_cpu": meter.share(), "seconds": time.monotonic() - t0}
        last = max((s.times["confirmed"] for s in predicted), default=None)
        try:
            shown = (await asyncio.wait_for(fac_predicted, args.timeout)) / 1000 + fac.offset
            if last is not None:
                facilitator_times["shows every prediction, after the last"] = shown - last
        except Exception as e:
            problems.setdefault("facilitator", []).append(
                f"never showed {len(following)} predictions: {_first_line(e)}"
            )

        # -- checks -----------------------------------------------------------------------
        _progress("the students run their checks")
        fac_pooled = fac.watch(f"The class's runs: {len(predicted)}")
        n = max(1, len(predicted) - 1)
        t0 = time.monotonic()
        checked = await _all(
            predicted, "check", lambda s: s.check(args.timeout, args.spread * s.index / n)
        )
        phases["checks"] = {"server_cpu": meter.share(), "seconds": time.monotonic() - t0}
        last = max((s.times["checked"] for s in checked), default=None)
        try:
            shown = (await asyncio.wait_for(fac_pooled, args.timeout)) / 1000 + fac.offset
            if last is not None:
                facilitator_times["shows every pooled run, after the last check"] = shown - last
        except Exception as e:
            problems.setdefault("facilitator", []).append(
                f"never showed {len(predicted)} pooled runs: {_first_line(e)}"
            )

        # -- reveal -------------------------------------------------------------------------
        meter.share()
        await push(
            "Reveal the tally", "Tally revealed", "revealed", lambda p: TALLY_TITLE in p.text()
        )
        phases["reveal"] = {"server_cpu": meter.share()}

        busy1 = await asyncio.gather(*(t.snapshot() for t in playing), return_exceptions=True)
        t_all1 = time.monotonic()
        data["client_cpu_share"] = (process_cpu_seconds(me) - me_cpu0) / (t_all1 - t_all0)
        data["browser_cpu_share"] = (cpu_seconds_of(browser_pids) - browser_cpu0) / (
            t_all1 - t_all0
        )
        busy = []
        for t, a, b in zip(playing, busy0, busy1, strict=True):
            if isinstance(b, BaseException):
                problems.setdefault(f"tab {t.index + 1}", []).append(_first_line(b))
                continue
            w = window(a, b, await t.step_log())
            busy.append(w.steps_per_s)
            if w.steps <= 0:
                problems.setdefault(f"tab {t.index + 1}", []).append("stopped playing")
        data["tab_steps_per_s"] = {"alone": alone, "with the room": busy}
        data["tab_gap_max_ms"] = [
            window(a, b, await t.step_log()).gap_max_ms
            for t, a, b in zip(playing, busy0, busy1, strict=True)
            if not isinstance(b, BaseException)
        ]
        for s in students:
            s.problems += [f"page error: {x}" for x in s.page.problems() if s.ok]
        for t in tabs:
            problems.setdefault(f"tab {t.index + 1}", []).extend(t.errors)
        problems.setdefault("facilitator", []).extend(fac_tab.errors)

        # -- everyone leaves ------------------------------------------------------------------
        _progress(f"the students leave; the memory {args.settle:g} s later")
        data["student_bytes_in"] = sum(s.page.bytes_in for s in students)
        data["student_messages_in"] = sum(s.page.messages_in for s in students)
        data["widgets_per_page"] = _stats([len(s.page.models) for s in students if s.page.models])
        await sampler.stop()
        data["rss_peak_mb"] = max(sampler.rss, default=None)
        data["rss_during_mb"] = process_rss_mb(pid)
        await asyncio.gather(*(s.page.close() for s in students))
        meter.share()
        await asyncio.sleep(args.settle)
        phases["after the students left"] = {"server_cpu": meter.share()}
        data["rss_after_mb"] = process_rss_mb(pid)
        for t in [*tabs, fac_tab]:
            t.closing = True
        await asyncio.gather(*(t.close() for t in [*tabs, fac_tab]), return_exceptions=True)
        await browser.close()

    data["loadavg_end"] = loadavg()
    data["phases"] = phases
    data["facilitator"] = facilitator_times
    data["moved"] = _stats(_latencies(in_room, "moved_click", "moved"))
    data["opened"] = _stats(_latencies(in_room, "opened_click", "opened"))
    data["revealed"] = _stats(_latencies(in_room, "revealed_click", "revealed"))
    data["prediction"] = _stats(_latencies(students, "send_click", "confirmed"))
    data["check"] = _stats(_latencies(students, "check_click", "checked"))
    data["students"] = [
        {
            "student": s.index + 1,
            "answer": s.answer,
            "times": {k: v - t_join0 for k, v in s.times.items()},
            "problems": s.problems,
        }
        for s in students
    ]
    data["problems"] = {k: v for k, v in problems.items() if v}
    data["counts"] = {
        "joined": len(in_room),
        "switched": sum("moved" in s.times for s in students),
        "predicted": sum("confirmed" in s.times for s in students),
        "checked": sum("checked" in s.times for s in students),
        "saw the tally": sum("revealed" in s.times for s in students),
    }
    return data


# -- the report ------------------------------------------------------------------------------


def _ms(stats: dict | None, keys=("median", "p95", "max")) -> str:
    if stats is None:
        return "-"
    return ", ".join(f"{k} {stats[k] * 1000:,.0f} ms" for k in keys)


def failures(data: dict) -> list[str]:
    out = [f"{who}: {p}" for who, ps in data["problems"].items() for p in ps]
    out += [f"student {s['student']}: {p}" for s in data["students"] for p in s["problems"]]
    return out


def format_report(data: dict) -> str:
    s, env, c = data["settings"], data["server_env"], data["counts"]
    n = s["students"]
    join = data["join"]
    how_joined = "all at once" if s["join_within"] == 0 else f"within {s['join_within']:g} s"
    widgets = data["widgets_per_page"]
    lines = [
        f"Room load: {n} simulated students (web socket clients speaking the page's protocol) "
        f"and the facilitator (Chromium) in room {data['room']}, {s['tabs']} Chromium tabs "
        f"playing, one production server ({data['server_url']}; "
        + ", ".join(f"{k}={v}" for k, v in env.items() if k != "note")
        + ")",
        f"{data['machine']}; at the end {data['loadavg_end']}",
        f"Chromium {data.get('chromium', '?')}. Everything runs on these {data['cores']} cores: "
        f"the clients used {data['client_cpu_share']:.0%} of a core, the browser "
        f"{data['browser_cpu_share']:.0%}; the times below include their queueing.",
        "",
    ]
    if env.get("note"):
        lines.insert(1, env["note"])
    rows = [
        ("students joined", f"{c['joined']} of {n}"),
        (
            "join time for all",
            fmt(join["all_seconds"], ".1f", " s") + f" (joining {how_joined})",
        ),
        ("  page ready (connect -> Join button)", _ms(join["ready"])),
        ("  Join clicked -> seat confirmed", _ms(join["join"])),
        (
            f"move everyone -> switched ({c['switched']})",
            _ms(data["moved"], ("median", "max")),
        ),
        ("open predictions -> send button", _ms(data["opened"], ("median", "max"))),
        (
            f"prediction round trip ({c['predicted']})",
            _ms(data["prediction"], ("median", "p95", "max")),
        ),
        (f"checks run ({c['checked']}): click -> result", _ms(data["check"])),
        (
            f"reveal -> tally shown ({c['saw the tally']})",
            _ms(data["revealed"], ("median", "max")),
        ),
    ]
    rows += [(f"facilitator: {k}", f"{v * 1000:,.0f} ms") for k, v in data["facilitator"].items()]
    lines.append(format_table(("measure", "value"), rows))
    lines += ["", "Server CPU (share of one core) by phase:"]
    lines.append(
        format_table(
            ("phase", "CPU", "seconds"),
            [
                (k, f"{v['server_cpu']:.0%}", fmt(v.get("seconds"), ".1f"))
                for k, v in data["phases"].items()
            ],
        )
    )
    alone, busy = data["tab_steps_per_s"]["alone"], data["tab_steps_per_s"]["with the room"]
    gaps = [g for g in data["tab_gap_max_ms"] if g is not None]

    def spread(xs):
        return "-" if not xs else f"median {statistics.median(xs):.2f}, min {min(xs):.2f}"

    lines += [
        "",
        f"Server memory (RSS): {data['rss_start_mb']:,.0f} MB at start, "
        f"{data['rss_before_mb']:,.0f} MB with the tabs and the facilitator (before the "
        f"students), {data['rss_joined_mb']:,.0f} MB once they joined, "
        f"{fmt(data['rss_peak_mb'], ',.0f')} MB at the peak, {data['rss_during_mb']:,.0f} MB "
        f"at the end of their work, {data['rss_after_mb']:,.0f} MB "
        f"after they left (about "
        f"{(data['rss_joined_mb'] - data['rss_before_mb']) / max(1, c['joined']):.1f} MB a "
        "student page)",
        f"Playing tabs, steps a second: {spread(alone)} alone; {spread(busy)} while the room "
        f"worked (longest gap between two frames {fmt(max(gaps) if gaps else None, ',.0f')} ms)",
        f"Per student page: {fmt(widgets and widgets['median'], '.0f')}"
        f" widgets; {data['student_bytes_in'] / max(1, n) / 1024:,.0f} KB received over the run",
        "",
    ]
    failed = failures(data)
    if failed:
        lines.append(f"FAILURES ({len(failed)}):")
        lines += [f"  {f}" for f in failed]
    else:
        lines.append(
            f"No failures: all {n} students joined, followed every push, had their "
            "prediction confirmed and their check shown; every tab played."
        )
    return "\n".join(lines)


# -- the command -----------------------------------------------------------------------------


def server_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    """``./dev classroom``'s settings (from the environment, else its defaults), the data
    folder, and a kernel cap high enough for every page of the run."""
    env = {k: os.environ.get(k, v) for k, v in CLASSROOM_ENV.items()}
    needed = args.students + args.tabs + 1 + 2  # two spare: a reconnect, a stray probe
    try:
        cap = int(env["SOLARA_KERNEL_MAX_COUNT"])
    except ValueError:
        cap = 0
    if cap < needed:
        env["SOLARA_KERNEL_MAX_COUNT"] = str(needed)
    env["CLASSROOM_DATA"] = str(data_dir)
    return env


def create_room(data_dir: Path) -> tuple[str, str]:
    from classroom.room.store import open_store

    store = open_store(data_dir)
    try:
        info, key = store.create_room("room_load benchmark")
    finally:
        store.close()
    return info.code, key


def run_async(coro):
    """``asyncio.run(coro)``, in a thread of its own when this thread already runs an event
    loop (Playwright's sync API keeps one running while a browser is open)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark against a server of its own (a fresh data folder, one new room)
    and print the report."""
    args = parse_args(argv)
    try:
        chromium_executable()
    except FileNotFoundError as e:
        print(f"room_load: error: {e}", file=sys.stderr)
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="room-load-"))
    try:
        code, key = create_room(data_dir)
        env = server_env(args, data_dir)
        shown = {k: v for k, v in env.items() if k != "CLASSROOM_DATA"}
        wanted = os.environ.get("SOLARA_KERNEL_MAX_COUNT", CLASSROOM_ENV["SOLARA_KERNEL_MAX_COUNT"])
        if env["SOLARA_KERNEL_MAX_COUNT"] != wanted:
            shown["note"] = (
                f"SOLARA_KERNEL_MAX_COUNT raised from {wanted} to "
                f"{env['SOLARA_KERNEL_MAX_COUNT']}: this run opens {args.students} student "
                f"pages, {args.tabs} tabs and the facilitator's page, and Solara holds every "
                "web socket beyond the cap waiting"
            )
        _progress(f"starting the app server (production mode; room {code} in {data_dir})")
        with serve(production=True, env=env, log_path=ARTIFACTS / "room-load-server.log") as server:
            room = {"code": code, "key": key, "env": shown}
            data = run_async(measure(args, server, room))
    except ServerError as e:
        print(f"room_load: error: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(format_report(data))
    if args.json:
        write_json(args.json, data)
    return 1 if failures(data) else 0


if __name__ == "__main__":
    raise SystemExit(main())

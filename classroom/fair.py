"""A fair share of the server per browser tab, and a closed tab's memory given back.

All tabs live in one server process. Without care, three tabs playing at the heaviest
settings (a complete network of 2,000 people, two runs compared: about 120 ms a step) take
the whole process: every other tab plays slower and renders later. Two remedies:

**Fair stepping** (:data:`FAIR`, a :class:`FairShare`). Every step of a playing tab goes
through ``FAIR.turn(key)``: steps run one at a time (in two lanes: light tabs' quick steps,
under 50 ms, do not wait for a heavy step to end, and run one at a time among themselves);
the tabs that wait are served in turn (the one served least recently first: round robin,
not first come first served); and the wall time of each step is measured, so that a tab
whose steps are expensive waits longer before its next turn. The shares are max-min fair:
of the stepping budget (``share``, 75 % of one core's wall time), a tab that needs less
than an equal part keeps what it needs and the rest is split among the others, so no tab
gets more than its equal part unless the others leave it unused, and stepping always
leaves a quarter of the time to the page's other work (first renders, clicks). A heavy
run plays slower (``FAIR.pace(key)`` says at what speed, to show it) instead of slowing
everyone; a light tab alone plays at its chosen speed (a step at the defaults costs well
under a millisecond). It cannot deadlock: a step that raises still ends its turn, a tab
that leaves while it waits is woken, a tab that stops without leaving is forgotten after
``idle`` seconds, and a step that never ends holds the others back for ``max_hold``
seconds at most.

**Releasing memory** (:func:`release`). Called when a tab's page unmounts (which happens
when its kernel closes), it drops the session's runs, views and charts' data, closes its
widgets, collects garbage and hands the freed heap back to the operating system (glibc's
``malloc_trim``). A run at a complete network of 2,000 people holds about 500 MB. (That
memory used never to come back at all: anywidget 0.11 kept every widget whose front end
it was given as a path, see :mod:`classroom.front_end`.)

Wiring (``app.py``), the play loop and the clean-up::

    from classroom.fair import FAIR, release

    def play_loop(cancel: threading.Event):
        key = id(session)
        due = time.perf_counter()
        wanted = 1.0 / fps
        try:
            while playing.value and not cancel.is_set():
                with FAIR.turn(key, cancel, period=wanted) as mine, session.lock:
                    if not mine or not session.runs:  # paused, or the tab was closed
                        break
                    session.step()
                    wanted = play_period(session.run.steps, fps)
                # the period this tab gets: its own, or longer when its steps are heavy
                # and the server is shared (FAIR.tabs() tabs are playing)
                period = FAIR.pace(key, wanted)
                due = max(due + period, time.perf_counter() - period)
                cancel.wait(max(0.0, due - time.perf_counter()))
        finally:
            FAIR.leave(key)

    solara.use_thread(play_loop, dependencies=[playing.value, fps, version],
                      intrusive_cancel=False)
    # when the page unmounts (its kernel closes: tab closed or culled), give back its memory
    solara.use_effect(lambda: (lambda: release(session)), [])

To show the speed actually played: ``1 / FAIR.pace(key, wanted)`` steps a second, shared
with ``FAIR.tabs() - 1`` other playing tabs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import itertools
import math
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FAIR",
    "FairShare",
    "Released",
    "release",
    "retire_widgets",
    "rss_mb",
    "session_widgets",
    "sweep",
    "trim_heap",
]


# -- fair stepping -------------------------------------------------------------------------
@dataclass(eq=False)
class _Tab:
    key: Hashable
    joined: int  # join order: breaks ties between tabs never served
    served: int = -1  # serial number of its last turn (-1: never)
    waiting: bool = False
    left: bool = False  # it left (or was forgotten): a turn it waits for returns False
    ready_at: float = 0.0  # clock time before which it gets no turn (its cost's wait)
    cost: float = math.nan  # wall seconds a step, smoothed
    period: float | None = None  # the period it asks for (None: as fast as it can)
    seen: float = 0.0  # clock time of its last turn's start or end
    steps: int = 0
    quick: bool = False  # the lane it waits in, or holds (see FairShare.quick)
    thread: int | None = None  # the thread holding the turn (re-entrant turns)
    hold: int = 0  # nesting depth of the held turn


@dataclass
class FairShare:
    """One scheduler for all the play loops of a process (see the module's docstring).

    ``share``: the part of one core's wall time that stepping may take in all (0-1).
    ``max_hold``: a step longer than this (seconds) no longer holds the other tabs back.
    ``idle``: a tab that has neither asked for nor ended a turn for this long (seconds)
    counts no more (a play loop that stopped without :meth:`leave`).
    ``poll``: how often (seconds) a waiting tab checks its ``cancel`` event.
    ``smoothing``: weight of the newest step in a tab's smoothed step cost.
    ``quick``: a tab whose steps take at most this long (seconds, smoothed) steps in the
    quick lane: quick steps run one at a time too, but beside a slow one, so that a light
    tab never waits for a heavy tab's step to end (that wait, 120 ms and more, would cost
    it its speed); a quick step delays the others by that much at most.
    """

    share: float = 0.75
    max_hold: float = 10.0
    idle: float = 5.0
    poll: float = 0.05
    smoothing: float = 0.3
    quick: float = 0.05
    clock: Callable[[], float] = time.perf_counter
    _cond: threading.Condition = field(default_factory=threading.Condition, init=False)
    _tabs: dict[Hashable, _Tab] = field(default_factory=dict, init=False)
    #: per lane (quick: True, slow: False): the tab holding its turn, and since when
    _holder: dict[bool, _Tab | None] = field(
        default_factory=lambda: {True: None, False: None}, init=False
    )
    _held_since: dict[bool, float] = field(
        default_factory=lambda: {True: 0.0, False: 0.0}, init=False
    )
    _serial: Iterator[int] = field(default_factory=itertools.count, init=False)

    def __post_init__(self):
        if not 0.0 < self.share <= 1.0:
            raise ValueError(f"share must be in (0, 1], got {self.share}")

    # -- the API the page uses ---------------------------------------------------------------
    @contextlib.contextmanager
    def turn(
        self,
        key: Hashable,
        cancel: threading.Event | None = None,
        period: float | None = None,
        timeout: float | None = None,
    ) -> Iterator[bool]:
        """Wait for tab ``key``'s turn to step; yields True with the turn held (step
        then), or False without it: ``cancel`` was set, the tab :meth:`leave`-d while it
        waited, or ``timeout`` seconds passed. ``period``: the seconds between two steps
        the tab asks for (its chosen speed), which lets the others use what it leaves.
        The step's wall time is its cost; the turn ends when the block does, exception
        or not. A turn taken again by the same tab in the same thread is the same turn."""
        tab = self._acquire(key, cancel, period, timeout)
        if tab is None:
            yield False
            return
        start = self.clock()
        try:
            yield True
        finally:
            self._release(tab, start)

    def step(self, key: Hashable, fn: Callable[[], Any], cancel=None, period=None) -> bool:
        """Run ``fn()`` in tab ``key``'s turn; False (and ``fn`` not run) when the turn was
        not given (see :meth:`turn`)."""
        with self.turn(key, cancel, period) as mine:
            if mine:
                fn()
            return mine

    def leave(self, key: Hashable) -> None:
        """Tab ``key`` stops playing (paused, or closed): it no longer counts, and a turn it
        is waiting for returns False. It may come back later with a new :meth:`turn`."""
        with self._cond:
            tab = self._tabs.pop(key, None)
            if tab is not None:
                tab.waiting = False
                tab.left = True
                self._cond.notify_all()

    def pace(self, key: Hashable, period: float | None = None) -> float:
        """Seconds between two steps that tab ``key`` gets now: ``period`` (default: the
        one it asked for), or longer when its steps are expensive and it shares the
        server."""
        with self._cond:
            tab = self._tabs.get(key)
            wanted = period if period is not None else (tab.period if tab else None)
            wanted = 0.0 if wanted is None else float(wanted)
            if tab is None or math.isnan(tab.cost):  # unknown, or no step measured yet
                return wanted
            cap = self._caps().get(tab.key, self.share)
            return max(wanted, tab.cost / cap)

    def tabs(self) -> int:
        """How many tabs are playing (asked for a turn lately and did not leave)."""
        with self._cond:
            self._forget_idle(self.clock())
            return len(self._tabs)

    def cap(self, key: Hashable) -> float:
        """The most of one core's wall time that tab ``key`` may step for now (0-1)."""
        with self._cond:
            return self._caps().get(key, self.share)

    # -- internals ---------------------------------------------------------------------------
    def _acquire(self, key, cancel, period, timeout) -> _Tab | None:
        me = threading.get_ident()
        deadline = None if timeout is None else self.clock() + timeout
        with self._cond:
            tab = self._tabs.get(key)
            if tab is None:
                tab = self._tabs[key] = _Tab(key, next(self._serial))
            if tab.hold and self._holder[tab.quick] is tab and tab.thread == me:
                tab.hold += 1  # re-entrant: the same turn
                return tab
            tab.period = period
            tab.quick = not math.isnan(tab.cost) and tab.cost <= self.quick
            lane = tab.quick
            tab.waiting = True
            tab.seen = self.clock()
            try:
                while True:
                    if tab.left or self._tabs.get(key) is not tab:
                        return None
                    if cancel is not None and cancel.is_set():
                        return None
                    now = self.clock()
                    if deadline is not None and now >= deadline:
                        return None
                    self._forget_idle(now)
                    holder, since = self._holder[lane], self._held_since[lane]
                    stuck = holder is not None and now - since > self.max_hold
                    if (holder is None or stuck) and self._next(now, lane) is tab:
                        self._holder[lane], self._held_since[lane] = tab, now
                        tab.thread, tab.hold, tab.seen = me, 1, now
                        return tab
                    wait = math.inf
                    if cancel is not None:
                        wait = self.poll
                    if deadline is not None:
                        wait = min(wait, deadline - now)
                    if tab.ready_at > now:
                        wait = min(wait, tab.ready_at - now)
                    if holder is not None:
                        wait = min(wait, since + self.max_hold - now + 1e-3)
                    else:  # another ready tab goes first: check again soon
                        wait = min(wait, self.poll)
                    self._cond.wait(None if wait == math.inf else max(wait, 1e-4))
            finally:
                tab.waiting = False

    def _next(self, now: float, lane: bool) -> _Tab | None:
        """The waiting tab of ``lane`` whose turn it is: ready, and served least recently."""
        ready = [
            t for t in self._tabs.values() if t.waiting and t.quick is lane and t.ready_at <= now
        ]
        return min(ready, key=lambda t: (t.served, t.joined), default=None)

    def _release(self, tab: _Tab, start: float) -> None:
        end = self.clock()
        with self._cond:
            if self._holder[tab.quick] is tab and tab.hold > 1:  # a re-entrant turn's end
                tab.hold -= 1
                return
            if self._holder[tab.quick] is tab:
                self._holder[tab.quick] = None
            tab.thread, tab.hold = None, 0
            cost = max(0.0, end - start)
            a = self.smoothing
            tab.cost = cost if math.isnan(tab.cost) else (1 - a) * tab.cost + a * cost
            tab.served = next(self._serial)
            tab.steps += 1
            tab.seen = end
            # charge the step just made: on a fixed beat, the next turn waits until this
            # one's cost is the tab's share of the time; a wait for the lane is made up
            # for, by at most half a beat (no burst after a pause)
            gap = cost / self._caps().get(tab.key, self.share)
            tab.ready_at = max(tab.ready_at, start - 0.5 * gap) + gap
            self._cond.notify_all()

    def _caps(self) -> dict[Hashable, float]:
        """Each tab's most share of the time: max-min fair (water filling) over what the
        tabs ask for (cost / period; unknown or unbounded: as much as they can get)."""
        tabs = list(self._tabs.values())

        def demand(t: _Tab) -> float:
            if math.isnan(t.cost) or not t.period:
                return math.inf
            return t.cost / t.period

        caps, left = {}, self.share
        ordered = sorted(tabs, key=demand)
        for i, t in enumerate(ordered):
            level = left / (len(ordered) - i)
            caps[t.key] = max(level, 1e-6)
            left -= min(demand(t), level)
        return caps

    def _forget_idle(self, now: float) -> None:
        stale = [
            k
            for k, t in self._tabs.items()
            if not t.waiting and not t.hold and now - t.seen > self.idle
        ]
        for k in stale:
            self._tabs.pop(k).left = True
        if stale:
            self._cond.notify_all()


#: The process-wide scheduler of the classroom app's play loops.
FAIR = FairShare()


# -- releasing a closed tab's memory -------------------------------------------------------
@dataclass
class Released:
    """What :func:`release` did: the process's resident memory before and after (MB), and
    how many widgets it closed."""

    rss_before: float
    rss_after: float
    closed: int

    @property
    def freed(self) -> float:
        return self.rss_before - self.rss_after


def rss_mb() -> float:
    """This process's resident memory in MB (``VmRSS`` of /proc/self/status; NaN where
    there is none)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


_libc: Any = None


def trim_heap() -> bool:
    """Hand the freed heap back to the operating system (glibc's ``malloc_trim(0)``, all
    arenas); False, quietly, where it is not available."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(_libc.malloc_trim(0))
    except (OSError, AttributeError, TypeError):
        _libc = False
        return False


def retire_widgets(widgets: Iterable[Any]) -> int:
    """Close ``widgets`` that are no longer shown (a session's views replaced by Reset) and
    drop what they hold of a run (a view's hover text holds its run, and the run its model);
    returns how many were open."""
    closed = 0
    for widget in widgets:
        with contextlib.suppress(Exception):
            if hasattr(widget, "hover_formatter"):
                widget.hover_formatter = None
            if getattr(widget, "comm", None) is not None:
                closed += 1
            widget.close()
    return closed


def session_widgets(session) -> list[Any]:
    """Every widget a session holds: in its attributes, directly or in a list, tuple or
    dict (the views, charts, live texts, replay bar...), each once."""
    try:
        from ipywidgets import Widget
    except ImportError:
        return []
    found: dict[int, Any] = {}
    for value in vars(session).values():
        items = value.values() if isinstance(value, dict) else value
        for item in items if isinstance(items, list | tuple | type({}.values())) else [value]:
            if isinstance(item, Widget):
                found.setdefault(id(item), item)
    return list(found.values())


#: A session's attributes that hold its runs' data, emptied by :func:`release`.
_DATA = ("runs", "views", "frames")


_later_lock = threading.Lock()
_later_pending = False
#: Seconds after a release before a second sweep: by then the kernel's close has closed
#: the rest of its widgets.
LATER = 2.0


def release(session, key: Hashable | None = None, later: float | None = LATER) -> Released:
    """Give back the memory of a tab's ``session`` (a :class:`classroom.session.Session`):
    its tab leaves :data:`FAIR` (``key``, default ``id(session)``), its runs and views are
    dropped, the charts emptied and its widgets closed; then garbage is collected and the
    heap trimmed. Safe to call twice, and from any thread. ``later``: seconds after which
    to sweep again (collect, trim: by then the kernel has closed the rest of its widgets)
    in a background thread; None: not."""
    before = rss_mb()
    FAIR.leave(id(session) if key is None else key)
    lock = getattr(session, "lock", None)
    locked = lock.acquire(timeout=5.0) if lock is not None else False  # a step may be on
    try:
        widgets = session_widgets(session)
        for chart in [*(getattr(session, "charts", {}) or {}).values()]:
            with contextlib.suppress(Exception):
                chart.reset(keep=False)
        for name in _DATA:  # the runs (and their models), views and kept frames
            if isinstance(getattr(session, name, None), list):
                setattr(session, name, [])
        closed = retire_widgets(widgets)
    finally:
        if locked:
            lock.release()
    del widgets
    gc.collect()
    trim_heap()
    if later is not None:
        _sweep_later(later)
    return Released(before, rss_mb(), closed)


def sweep() -> None:
    """Collect garbage and trim the heap (what a kernel's close leaves to do)."""
    gc.collect()
    trim_heap()


def _sweep_later(delay: float) -> None:
    global _later_pending
    with _later_lock:
        if _later_pending:
            return
        _later_pending = True

    def run():
        global _later_pending
        time.sleep(delay)
        with _later_lock:
            _later_pending = False
        sweep()

    thread = threading.Thread(target=run, daemon=True, name="classroom-release-sweep")
    # Solara's patched Thread carries the kernel context it was made in: this one must not
    # keep the closing kernel alive
    thread.current_context = None  # type: ignore[attr-defined]
    thread.start()


#: A play loop whose tab has had no page connected for this long pauses (seconds): the page
#: was closed without the close call reaching the server (a browser that crashed, a lost
#: network), and its kernel waits for Solara's cull; meanwhile it need not play.
ORPHAN_PAUSE = 10.0


def page_watcher() -> Callable[[], bool]:
    """A function that says whether the calling tab still has a page connected (its
    kernel's page status, read from the Solara kernel the caller runs in); always True
    outside a Solara server (the tests render pages in-process)."""
    try:
        from solara.server import kernel_context

        ctx = kernel_context.get_current_context()
        connected = kernel_context.PageStatus.CONNECTED
    except Exception:  # no kernel: not served
        return lambda: True
    return lambda: not ctx.page_status or connected in ctx.page_status.values()

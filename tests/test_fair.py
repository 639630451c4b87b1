"""A fair share per tab (classroom.fair.FairShare) and a closed tab's memory given back
(classroom.fair.release).

Timing checks count steps over a window with generous tolerances; the "heavy" steps sleep
(the scheduler charges a step's wall time), so these tests cost little CPU on a busy
machine. The shares themselves are checked exactly, on a fake clock.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest
import solara

from classroom.fair import FAIR, FairShare, release, retire_widgets, rss_mb
from classroom.session import Session
from sim.params import defaults, validate


def _hold(fair: FairShare, key, started: threading.Event, done: threading.Event):
    """A thread that takes ``key``'s turn and keeps it until ``done`` is set."""

    def run():
        with fair.turn(key) as mine:
            assert mine
            started.set()
            done.wait(10)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(5)
    return thread


def _wait_until(condition, timeout=5.0):
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def _waiting(fair: FairShare, key) -> bool:
    with fair._cond:
        tab = fair._tabs.get(key)
        return tab is not None and tab.waiting


# -- fair stepping ---------------------------------------------------------------------------
def test_waiting_tabs_are_served_round_robin_not_first_come():
    fair = FairShare()
    for key in "XABC":  # served in the order X, A, B, C (quick steps: all in one lane)
        with fair.turn(key) as mine:
            assert mine
    started, done = threading.Event(), threading.Event()
    holder = _hold(fair, "X", started, done)
    order, threads = [], []
    for key in "CBA":  # they come back in the opposite order while X steps
        thread = threading.Thread(target=lambda k=key: fair.step(k, lambda: order.append(k)))
        thread.start()
        threads.append(thread)
        _wait_until(lambda k=key: _waiting(fair, k))
    done.set()
    for thread in [holder, *threads]:
        thread.join(5)
    # the one served least recently goes first: A, B, C (first come would be C, B, A)
    assert order == ["A", "B", "C"]


@pytest.mark.parametrize(
    "cost, rounds, quick", [(0.002, 15, 1.0), (0.03, 5, 0.001)], ids=["quick", "slow"]
)
def test_steps_of_a_lane_run_one_at_a_time(cost, rounds, quick):
    # the lane's threshold far from the step's cost, so that a sleep that overruns on a
    # busy machine (a 30 ms step measured at 60 ms) cannot move one tab to the other lane
    fair = FairShare(quick=quick)
    inside, most = [0], [0]
    lock = threading.Lock()

    def step():
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(cost)
        with lock:
            inside[0] -= 1

    def play(key):
        for _ in range(rounds):
            fair.step(key, step)

    for key in range(4):  # one measured step each: all in the same lane
        fair.step(key, step)
    threads = [threading.Thread(target=play, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert most[0] == 1


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_shares_are_max_min_fair_within_the_budget():
    clock = FakeClock()
    fair = FairShare(share=0.75, clock=clock)
    costs = {"light": 0.0005, "heavy1": 0.12, "heavy2": 0.12, "heavy3": 0.12}
    for key, cost in costs.items():  # one measured step each, all asking for 10 a second
        with fair.turn(key, period=0.1) as mine:
            assert mine
            clock.now += cost
    # the light tab needs 0.5 % of the time: it keeps its speed; the 74.5 % left is split
    # equally among the three heavy ones (0.248 each): a step of 0.12 s every 0.483 s
    assert fair.pace("light", 0.1) == pytest.approx(0.1)
    heavy = (0.75 - 0.0005 / 0.1) / 3
    for key in ("heavy1", "heavy2", "heavy3"):
        assert fair.cap(key) == pytest.approx(heavy)
        assert fair.pace(key, 0.1) == pytest.approx(0.12 / heavy)
    assert sum(costs[k] / fair.pace(k, 0.1) for k in costs) <= 0.75 + 1e-9
    assert fair.tabs() == 4
    # alone, a heavy tab still leaves a quarter of the time to the rest of the page
    for key in ("light", "heavy2", "heavy3"):
        fair.leave(key)
    assert fair.pace("heavy1", 0.1) == pytest.approx(0.12 / 0.75)
    assert fair.pace("unknown", 0.1) == 0.1


def _play(fair, key, cost, period, stop, counts):
    """A play loop like app.py's: a step of ``cost`` seconds (sleeping) every period."""
    due = time.perf_counter()
    n = 0
    try:
        while not stop.is_set():
            with fair.turn(key, stop, period=period) as mine:
                if not mine:
                    break
                time.sleep(cost)
            n += 1
            gap = fair.pace(key, period)
            due = max(due + gap, time.perf_counter() - gap)
            stop.wait(max(0.0, due - time.perf_counter()))
    finally:
        fair.leave(key)
        counts[key] = n


def test_a_heavy_tab_is_held_back_and_a_light_one_keeps_its_speed():
    fair = FairShare()
    stop, counts = threading.Event(), {}
    tabs = {"light": 0.0005, "heavy1": 0.06, "heavy2": 0.06, "heavy3": 0.06}
    threads = [
        threading.Thread(target=_play, args=(fair, k, c, 0.1, stop, counts))
        for k, c in tabs.items()
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    heavy_pace = fair.pace("heavy1", 0.1)
    light_pace = fair.pace("light", 0.1)
    stop.set()
    for thread in threads:
        thread.join(5)
    elapsed = time.perf_counter() - start
    # three tabs asking for 60 ms steps 10 times a second want 180 % of the time: each
    # gets a quarter of 75 % at most and plays about 4 steps a second, not 10
    assert heavy_pace > 0.15
    heavy_time = sum(counts[k] for k in tabs if k != "light") * 0.06 / elapsed
    assert heavy_time < 0.9
    for key in ("heavy1", "heavy2", "heavy3"):
        assert counts[key] / elapsed < 6.5
    # while the light tab plays at close to its 10 steps a second
    assert light_pace == pytest.approx(0.1)
    assert counts["light"] / elapsed > 6.0


def test_a_light_tab_does_not_wait_for_a_long_heavy_step():
    fair = FairShare()
    stop, counts = threading.Event(), {}
    tabs = {"light": 0.0005, "heavy1": 0.4, "heavy2": 0.4}
    threads = [
        threading.Thread(target=_play, args=(fair, k, c, 0.1, stop, counts))
        for k, c in tabs.items()
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    stop.set()
    for thread in threads:
        thread.join(5)
    elapsed = time.perf_counter() - start
    assert counts["light"] / elapsed > 7.0  # waiting 0.4 s behind each heavy step: ~2
    # the heavy steps still ran one at a time, within their budget (at most 75 %)
    assert (counts["heavy1"] + counts["heavy2"]) * 0.4 / elapsed < 1.0


def test_a_light_tab_alone_plays_at_its_chosen_speed():
    fair = FairShare()
    stop, counts = threading.Event(), {}
    thread = threading.Thread(target=_play, args=(fair, "solo", 0.0005, 0.1, stop, counts))
    start = time.perf_counter()
    thread.start()
    time.sleep(1.5)
    assert fair.pace("solo", 0.1) == pytest.approx(0.1)
    stop.set()
    thread.join(5)
    rate = counts["solo"] / (time.perf_counter() - start)
    assert 7.0 < rate < 11.5


def test_a_step_that_raises_ends_its_turn():
    fair = FairShare()
    with pytest.raises(RuntimeError), fair.turn("A") as mine:
        assert mine
        raise RuntimeError("a broken step")
    with fair.turn("B", timeout=2) as mine:
        assert mine
    with fair.turn("A", timeout=2) as mine:
        assert mine


def test_leaving_or_cancelling_while_waiting_returns_without_the_turn():
    fair = FairShare()
    started, done = threading.Event(), threading.Event()
    holder = _hold(fair, "X", started, done)
    got, cancel = {}, threading.Event()

    def wait(key, event=None):
        with fair.turn(key, event) as mine:
            got[key] = mine

    left = threading.Thread(target=wait, args=("W",))
    cancelled = threading.Thread(target=wait, args=("C", cancel))
    left.start()
    cancelled.start()
    _wait_until(lambda: _waiting(fair, "W") and _waiting(fair, "C"))
    fair.leave("W")  # the tab closes while it waits
    cancel.set()  # the page pauses while it waits
    left.join(2)
    cancelled.join(2)
    assert not left.is_alive() and not cancelled.is_alive()
    assert got == {"W": False, "C": False}
    assert fair.tabs() == 2  # X, and C that did not leave
    done.set()
    holder.join(5)
    with fair.turn("W", timeout=2) as mine:  # a tab that left may come back
        assert mine


def test_a_step_that_never_ends_does_not_block_the_others_for_ever():
    fair = FairShare(max_hold=0.2)
    started, done = threading.Event(), threading.Event()
    holder = _hold(fair, "stuck", started, done)
    try:
        with fair.turn("B", timeout=5) as mine:
            assert mine
    finally:
        done.set()
        holder.join(5)
    with fair.turn("stuck", timeout=5) as mine:
        assert mine


def test_a_tab_that_stopped_without_leaving_is_forgotten():
    fair = FairShare(idle=0.1)
    with fair.turn("gone") as mine:
        assert mine
    assert fair.tabs() == 1
    time.sleep(0.2)
    assert fair.tabs() == 0


def test_the_same_tab_may_take_its_turn_again_inside_it():
    fair = FairShare()
    with fair.turn("A") as outer, fair.turn("A", timeout=1) as inner:
        assert outer and inner
    with fair.turn("B", timeout=1) as mine:
        assert mine


# -- releasing memory -----------------------------------------------------------------------
def _heavy(n: int) -> tuple[dict, dict]:
    a = validate({**defaults(), "n_agents": n, "network": "complete"})
    return a, {**a, "habituation_on": not a["habituation_on"]}


def test_release_frees_the_runs_and_gives_the_memory_back():
    gc.collect()
    base = rss_mb()
    a, b = _heavy(1000)  # two runs of a complete network: about 200 MB
    session = Session(a, 0, compare=b)
    session.step(2)
    models = [weakref.ref(run.model) for run in session.runs]
    built = rss_mb()
    assert built - base > 80
    released = release(session, later=None)
    assert session.runs == [] and session.views == []
    assert all(m() is None for m in models)
    assert released.closed > 0
    assert released.rss_before == pytest.approx(built, abs=20)
    # most of what the session took is back with the operating system
    assert released.rss_after - base < 0.4 * (built - base)
    assert released.freed > 0.5 * (built - base)
    again = release(session, later=None)  # twice is harmless
    assert again.closed == 0


def test_release_on_unmount_frees_the_session():
    made, models = [], []

    @solara.component
    def Tab():
        def make():
            session = Session(defaults(), 0)
            made.append(weakref.ref(session))
            models.append(weakref.ref(session.run.model))
            return session

        session = solara.use_memo(make, dependencies=[])
        solara.use_effect(lambda: lambda: release(session, later=None), [])
        solara.Text(f"step {session.steps}")

    box, rc = solara.render(Tab(), handle_error=False)
    assert models[0]() is not None
    rc.close()  # what a kernel's close does to its page
    gc.collect()
    assert models[0]() is None


def test_release_while_the_play_loop_steps():
    session = Session(defaults(), 0)
    key = id(session)
    stepped, failed = threading.Event(), []

    def play():
        try:
            while True:
                with FAIR.turn(key, period=0.0) as mine, session.lock:
                    if not mine or not session.runs:  # checked under the lock release takes
                        return
                    session.step()
                stepped.set()
        except Exception as err:  # noqa: BLE001 (reported below)
            failed.append(err)

    thread = threading.Thread(target=play)
    thread.start()
    assert stepped.wait(10)
    release(session, later=None)
    thread.join(5)
    assert not thread.is_alive()
    assert failed == []


def test_retired_views_let_their_runs_go():
    session = Session(defaults(), 0)
    old = weakref.ref(session.run.model)
    views = list(session.views)
    session.start(defaults(), 1)  # Reset: new runs, new views (the old ones retired)
    assert all(view.comm is None and view.hover_formatter is None for view in views)
    retire_widgets(views)  # again: harmless
    del views
    gc.collect()
    assert old() is None
    release(session, later=None)


def test_a_play_loop_with_no_page_watching_pauses(monkeypatch):
    """A tab whose page went without a word (no close call reached the server) stops
    playing once no page has been connected for ORPHAN_PAUSE seconds."""
    import ipyvuetify as v
    from test_app import click, render, wait_until

    import app
    from classroom import fair

    connected = [True]
    monkeypatch.setattr(fair, "page_watcher", lambda: lambda: connected[0])
    monkeypatch.setattr(fair, "ORPHAN_PAUSE", 0.3)
    session, rc, _ = render()
    click(rc, "Play")
    wait_until(lambda: session.run.steps >= 2, "playing")
    assert rc.find(v.Btn, children=["Pause"]).widgets  # still playing while watched
    connected[0] = False
    wait_until(lambda: rc.find(v.Btn, children=["Play"]).widgets, "paused when unwatched")
    assert app.fair.ORPHAN_PAUSE == 0.3
    rc.close()

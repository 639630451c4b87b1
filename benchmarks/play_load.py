"""Play a person under load: sixty students in one shared network, round after round.

    python -m benchmarks.play_load                         # 60 students, 300 people, 20 s rounds
    python -m benchmarks.play_load --students 10 --rounds 2 --round-seconds 10
    ./dev bench play

What it runs (issue 14, "Load"): the real production server, as ``./dev classroom`` starts
it, with one room whose "play a person" session (``--people`` people on a small-world
network, the androids filling the rest) is written to the room's database before the
server starts, as a facilitator's Start would write it (the server's rounds pick it up
from there, as after a restart). Against it, ``--students`` light clients: web sockets
speaking the page's own protocol (:class:`benchmarks.room_load.LightPage`: each a whole
app page inside the server, only the drawing left out). They all connect at once and join
the room, open the Play tab, take part, and then play ``--rounds`` rounds: each round every
student waits until their page shows the round open, then, within ``--spread`` seconds,
chooses (a third pitch, a third talk with a contact picked in their table, a third listen)
and the round closes when all have chosen.

What each number measures (one clock, this process's ``time.monotonic``):

- **take part**: the Take part click until the page shows "You play person N";
- **choice confirmed**: a choice's click until the page shows "Your choice: ...";
- **round to every page**: from the last choice of a round (the moment the round can close)
  until each page shows the next round's counter ("Rounds played: N"), median and max;
- **the step**: how long the world's step took inside the server, from the session's kept
  events (the time between the last choice and the round's record is an upper bound);
- **server CPU and memory** while the rounds are played.

As in ``benchmarks.room_load``, the clients share the two cores with the server, so every
time is an upper bound. Exit status 0 when every student took part and saw every round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from .appserver import process_cpu_seconds, process_rss_mb, serve
from .room_load import Student, _refs, create_room, run_async, server_env

TAB = "Play"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=60, help="simulated students (default 60)")
    p.add_argument("--people", type=int, default=300, help="people in the network (300)")
    p.add_argument("--rounds", type=int, default=3, help="rounds to play (default 3)")
    p.add_argument("--round-seconds", type=float, default=20.0, help="the round timer (20)")
    p.add_argument("--spread", type=float, default=8.0, help="seconds over which they choose")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds a page may take")
    p.add_argument("--json", type=Path, help="write the measurements here too")
    args = p.parse_args(argv)
    if not 1 <= args.students <= 100:
        p.error("--students: from 1 to 100")
    if args.rounds < 1:
        p.error("--rounds: 1 or more")
    args.tabs = 0  # for room_load.server_env: no playing tabs here
    return args


def start_session(data: Path, code: str, people: int, seconds: float) -> None:
    from classroom.room.playing import PlaySettings
    from classroom.room.store import open_store

    settings = PlaySettings(n_agents=people, seed=2026, round_seconds=seconds).check()
    store = open_store(data)
    try:
        store.start_play(code, settings.to_dict(), seconds)
    finally:
        store.close()


class Player:
    """A simulated student in the play session."""

    def __init__(self, student: Student, kind: str):
        self.s, self.kind = student, kind
        self.times: dict[str, float] = {}
        self.rounds_seen: dict[int, float] = {}

    async def open_play(self, timeout: float) -> None:
        p = self.s.page
        tabs = p.find("TabsModel")
        if len(tabs) != 1:
            raise RuntimeError(f"{len(tabs)} tab bars on the page")
        order = _refs(p.models[tabs[0]].get("children"))  # the tabs, in the bar's order
        labels = [" ".join(p.texts_of(p.models.get(ref, {}))) for ref in order]
        await p.set(tabs[0], v_model=labels.index(TAB))
        await p.wait_for(
            lambda: bool(p.find("BtnModel", children="Take part")), timeout, "the Take part button"
        )
        (button,) = p.find("BtnModel", children="Take part")
        self.times["take_part_click"] = time.monotonic()
        await p.click(button)
        self.times["playing"] = await p.wait_for(
            lambda: "You play person" in p.text(), timeout, "a person to play"
        )

    async def play(self, round_: int, delay: float, timeout: float) -> None:
        p = self.s.page
        await p.wait_for(
            lambda: f"Rounds played: {round_ - 1}" in p.text(), timeout, f"round {round_} open"
        )
        await asyncio.sleep(delay)
        if self.kind == "talk":
            rows = [
                w
                for w in p.find("BtnModel")
                if any(t.startswith("Person ") for t in p.texts_of(p.models[w]))
            ]
            if not rows:
                raise RuntimeError("no contact to talk with")
            await p.click(rows[0])
            await p.wait_for(
                lambda: any(
                    t.startswith("Talk with person")
                    for w in p.find("BtnModel")
                    for t in p.texts_of(p.models[w])
                ),
                timeout,
                "the Talk button",
            )
            (talk,) = [
                w
                for w in p.find("BtnModel")
                if any(t.startswith("Talk with person") for t in p.texts_of(p.models[w]))
            ]
            button = talk
        else:
            label = "Pitch to all my contacts" if self.kind == "pitch" else "Just listen"
            (button,) = p.find("BtnModel", children=label)
        self.times[f"click_{round_}"] = time.monotonic()
        await p.click(button)
        got = await p.wait_for(
            lambda: "Your choice:" in p.text() or f"Rounds played: {round_}" in p.text(),
            timeout,
            f"round {round_}: choice confirmed",
        )
        if "Your choice:" in p.text():  # confirmed in this round (not closed under it)
            self.times[f"chosen_{round_}"] = max(got, self.times[f"click_{round_}"])
        self.rounds_seen[round_] = await p.wait_for(
            lambda: f"Rounds played: {round_}" in p.text(), timeout, f"round {round_} closed"
        )


def _round_shown(page) -> int:
    """The round counter a page shows ("Rounds played: N"), 0 if none."""
    for line in page.text().splitlines():
        if line.startswith("Rounds played: "):
            return int(line.removeprefix("Rounds played: "))
    return 0


def _stats(values: list[float]) -> dict | None:
    if not values:
        return None
    values = sorted(values)
    return {"n": len(values), "median": statistics.median(values), "max": values[-1]}


async def measure(args, url: str, code: str, pid: int) -> dict:
    kinds = ["pitch", "talk", "listen"]
    players = [Player(Student(i, url, code, "a"), kinds[i % 3]) for i in range(args.students)]
    problems: dict[str, str] = {}

    async def each(coro_of, phase):
        async def one(pl):
            try:
                await coro_of(pl)
            except Exception as e:  # noted per student; the others go on
                problems[f"{pl.s.name}: {phase}"] = str(e).splitlines()[0][:200]

        await asyncio.gather(*(one(pl) for pl in players))

    t0 = time.monotonic()
    await each(lambda pl: pl.s.join(args.timeout, 0.0), "join")
    joined = time.monotonic() - t0
    await each(lambda pl: pl.open_play(args.timeout), "take part")
    # the rounds count on from where the session is once all take part (the timer runs
    # from the first student's taking part: a round may have closed meanwhile)
    await asyncio.sleep(1.0)
    base = max((_round_shown(pl.s.page) for pl in players), default=0)
    cpu0, rss0 = process_cpu_seconds(pid), process_rss_mb(pid)
    rng = random.Random(1)
    rounds = []
    for r in range(1, args.rounds + 1):
        start = time.monotonic()
        delays = {id(pl): rng.uniform(0, args.spread) for pl in players}

        def play_round(pl, r=r, delays=delays):
            return pl.play(base + r, delays[id(pl)], args.timeout)

        await each(play_round, f"round {r}")
        r = base + r  # the session's own round number
        rounds.append(
            {
                "round": r,
                "choice_confirmed": _stats(
                    [
                        pl.times[f"chosen_{r}"] - pl.times[f"click_{r}"]
                        for pl in players
                        if f"chosen_{r}" in pl.times
                    ]
                ),
                "seen": {id(pl): pl.rounds_seen[r] for pl in players if r in pl.rounds_seen},
                "seconds": time.monotonic() - start,
            }
        )
    cpu = process_cpu_seconds(pid) - cpu0
    played = time.monotonic() - (players[0].times.get("playing") or t0)
    for pl in players:
        await pl.s.page.close()
    return {
        "students": args.students,
        "people": args.people,
        "round_seconds": args.round_seconds,
        "joined_seconds": joined,
        "take_part": _stats(
            [
                pl.times["playing"] - pl.times["take_part_click"]
                for pl in players
                if "playing" in pl.times
            ]
        ),
        "rounds": rounds,
        "server_cpu_share": cpu / max(played, 1e-9),
        "rss_mb": {"start": rss0, "end": process_rss_mb(pid)},
        "problems": problems,
    }


def round_events(data: Path, code: str) -> list[dict]:
    """The session's rounds as the server kept them: round, when (wall clock), how many
    choices it held, and how long its step took."""
    from classroom.room.store import open_store

    store = open_store(data)
    try:
        events = store.play_events(store.play_session(code)["id"])
    finally:
        store.close()
    return [
        {
            "round": e["round"],
            "at": e["at"],
            "choices": len(e["payload"]["choices"]),
            "step_ms": e["payload"]["step_ms"],
        }
        for e in events
        if e["kind"] == "round"
    ]


def combine(d: dict, events: list[dict], offset: float) -> None:
    """Add to each measured round what the server kept: its choices, and from its record
    (the server's clock) to each page showing it (this process's, ``offset`` apart)."""
    by_round = {e["round"]: e for e in events}
    d["step_ms"] = [e["step_ms"] for e in events]
    for r in d["rounds"]:
        e = by_round.get(r["round"])
        seen = r.pop("seen")
        r["choices"] = e["choices"] if e else 0
        r["to_every_page"] = (
            _stats([t + offset - e["at"] for t in seen.values()]) if e and seen else None
        )


def format_report(d: dict) -> str:
    lines = [
        f"Play a person: {d['students']} simulated students in a network of {d['people']} "
        f"people, rounds of {d['round_seconds']:g} s",
        f"  joined the room in {d['joined_seconds']:.1f} s; take part to a person: "
        + _fmt(d["take_part"]),
    ]
    for r in d["rounds"]:
        lines.append(
            f"  round {r['round']}: {r['choices']} of {d['students']} choices in it; "
            f"choice confirmed {_fmt(r['choice_confirmed'])}; "
            f"from the round's close to every page {_fmt(r['to_every_page'])}"
        )
    steps = d.get("step_ms") or []
    if steps:
        lines.append(
            f"  the world's step in the server: median {statistics.median(steps):.1f} ms, "
            f"max {max(steps):.1f} ms (in the rounds' own thread, never a page's)"
        )
    lines.append(
        f"  server CPU {d['server_cpu_share']:.0%} of one core while playing; memory "
        f"{d['rss_mb']['start']:.0f} -> {d['rss_mb']['end']:.0f} MB"
    )
    if d["problems"]:
        lines.append(f"FAILURES ({len(d['problems'])}):")
        lines += [f"  {k}: {v}" for k, v in sorted(d["problems"].items())]
    else:
        lines.append("No failures.")
    return "\n".join(lines)


def _fmt(s: dict | None) -> str:
    return "-" if not s else f"median {s['median']:.2f} s, max {s['max']:.2f} s"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="play-load-") as tmp:
        data = Path(tmp) / "data"
        code, _ = create_room(data)
        start_session(data, code, args.people, args.round_seconds)
        log = Path(tmp) / "server.log"
        with serve(production=True, env=server_env(args, data), log_path=log) as server:
            offset = time.time() - time.monotonic()
            d = run_async(measure(args, server.url, code, server.pid))
        combine(d, round_events(data, code), offset)
    print(format_report(d))
    if args.json:
        args.json.write_text(json.dumps(d, indent=1))
    return 0 if not d["problems"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

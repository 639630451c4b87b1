"""Play a person, the facilitator's side: start a session, run its rounds, and show the
shared network, the families over the rounds and the debrief on the projector.

The session itself lives in :mod:`classroom.room.playing` (a :class:`PlayRoom` per room,
its rounds played in a thread of its own). This panel only reads it and tells it what the
facilitator pressed: it follows the room by waiting on ``PlayRoom.changed`` in a thread of
the page (:func:`use_play`), never by polling, and it never steps the world in a render
("Close the round now" closes it in a thread of its own).

On the panel:

- before a session (or after one ended): the people, the kind of network, the share of
  broadcasters among the androids, the round timer and a seed drawn afresh (menus and a
  text field, each with its name: a slider's handle has none in this Solara version);
- while it runs: the rounds played, how many of the students playing have chosen and the
  seconds left (:func:`RoundClock`, the only part drawn again each second), Pause or
  Resume, the timer, "Close the round now", "End the session";
- the shared network (:func:`network_svg`): laid out once per session
  (:func:`session_layout`, NetworkX's ``spring_layout`` on the session's seed, kept by
  session) and drawn again with the people's states after each round; the students'
  people are drawn larger, as a star in a ring with their seat number, the androids by
  their strategy, each with a shape of its own, the faded ones hollow;
- the families over the rounds (people won over per person, audience), one line per group,
  each named at its end (:func:`classroom.room.pooled.rounds_svg`);
- the debrief (once the session ended, or on demand): who kept their audience, who faded,
  what the ones who did well did, in plain words (:func:`debrief_words`), and two tables,
  by group and by seat.

No student's name appears anywhere on the panel: students are their seat numbers (their
number in the room). Every text put into the SVG and the tables is escaped.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np
import solara

from .playing import PLAY_NETWORKS, PlayError, PlayRoom, PlaySettings, PlayWorld, play_room
from .pooled import INK, MUTED, SMALL_PX, TEXT_PX, TITLE_PX, _svg, _text, _uid, esc, rounds_svg
from .service import RoomService
from .store import RoomInfo

__all__ = [
    "GROUPS",
    "PlayPanel",
    "Snapshot",
    "debrief_words",
    "forget_layouts",
    "groups_html",
    "network_svg",
    "seats_html",
    "session_layout",
    "snapshot",
    "use_play",
]

log = logging.getLogger(__name__)

STYLE = Path(__file__).with_name("play_panel.css")
#: The sizes of network the facilitator chooses from.
PEOPLE_CHOICES = [60, 100, 150, 200, 300, 500, 750, 1000]
#: The networks, in words (PLAY_NETWORKS' order).
NETWORK_WORDS = {
    "watts_strogatz": "Small world (Watts-Strogatz)",
    "barabasi_albert": "Hubs (Barabási-Albert)",
    "erdos_renyi": "Random (Erdős-Rényi)",
    "communities": "Communities",
}
#: The shares of broadcasters among the androids, in words.
SHARE_CHOICES = {f"{p} %": p / 100 for p in range(0, 101, 10)}
#: The round timers (seconds) the facilitator chooses from.
TIMER_CHOICES = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300]
#: The panel gathers the room's changes that come within this many seconds into one redraw
#: (sixty students choosing at once is sixty changes).
SETTLE = 0.2
#: The groups, in the order the charts and tables list them: the students' families (by what
#: they mostly did) and the androids of each strategy.
GROUPS = ("pitchers", "talkers", "listeners", "android broadcasters", "android interactors")
#: What each group did, for the debrief.
GROUP_DID = {
    "pitchers": "mostly pitched to every contact at once",
    "talkers": "mostly opened a conversation with one contact at a time",
    "listeners": "mostly listened and answered",
    "android broadcasters": "interrupt every contact each round (the built-in broadcaster)",
    "android interactors": "hold conversations with their contacts (the built-in interactor)",
}
#: Each group's colour on the charts (Okabe-Ito; never the only cue).
GROUP_COLOURS = {
    "pitchers": "#CC79A7",
    "talkers": "#009E73",
    "listeners": "#000000",
    "android broadcasters": "#D55E00",
    "android interactors": "#0072B2",
}
#: The network drawing's colours: the androids by strategy, the students' people.
BROADCASTER = "#D55E00"
INTERACTOR = "#0072B2"
STUDENT = "#F0E442"
EDGE = "#b8b8b8"
#: Layouts kept (one per session; the latest few).
KEEP_LAYOUTS = 8


def _group_order(names) -> list[str]:
    return [g for g in GROUPS if g in names] + sorted(n for n in names if n not in GROUPS)


def _label(group: str) -> str:
    """A group's name on the charts: the students' families say they are students."""
    return group if group.startswith("android") else f"{group} (students)"


# -- the layout, once per session -------------------------------------------------------------
_layouts: OrderedDict[tuple, np.ndarray] = OrderedDict()
_layout_lock = threading.Lock()


def layout_key(session: dict) -> tuple:
    """What a session's layout depends on: the session, and its settings (two databases
    may both have a session 1)."""
    return (session["id"], json.dumps(session["settings"], sort_keys=True))


def compute_layout(settings: PlaySettings) -> np.ndarray:
    """The positions (``n`` x 2, within 0..1) of a session's people: NetworkX's
    ``spring_layout`` of the network the session started on, seeded by the session's seed
    (a restarted server draws the same picture)."""
    import networkx as nx

    graph = PlayWorld(settings).model.graph
    pos = nx.spring_layout(graph, seed=settings.seed)
    xy = np.array([pos[i] for i in range(settings.n_agents)], dtype=float)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    return (xy - lo) / np.where(hi > lo, hi - lo, 1.0)


def peek_layout(session: dict | None) -> np.ndarray | None:
    """The session's layout if it was computed already (else None)."""
    if session is None:
        return None
    with _layout_lock:
        return _layouts.get(layout_key(session))


def session_layout(session: dict) -> np.ndarray:
    """The session's layout: computed the first time (1000 people take a few seconds: call
    this in a thread, never in a render), then kept."""
    key = layout_key(session)
    with _layout_lock:  # one computation per session, even when two pages ask at once
        pos = _layouts.get(key)
        if pos is None:
            pos = _layouts[key] = compute_layout(PlaySettings.from_dict(session["settings"]))
            while len(_layouts) > KEEP_LAYOUTS:
                _layouts.popitem(last=False)
        else:
            _layouts.move_to_end(key)
        return pos


def forget_layouts() -> None:
    """Drop every kept layout (tests)."""
    with _layout_lock:
        _layouts.clear()


# -- what the panel shows, read under the room's lock ----------------------------------------
@dataclass(frozen=True, eq=False)
class Snapshot:
    """A play room as the panel shows it, copied under the room's lock (the rounds' thread
    may step the world right after)."""

    status: str = ""  # 'running', 'paused', 'ended' or '' (never a session)
    session: dict | None = None
    settings: PlaySettings | None = None
    round: int = 0
    round_seconds: float = 0.0
    playing: int = 0  # students playing a person
    chosen: int = 0  # of them, who chose this round
    seats: dict = field(default_factory=dict)  # person -> seat number, students' people
    families: dict = field(default_factory=dict)  # seat number -> family ('' before a round)
    android: tuple = ()  # per person: 'broadcaster' or 'interactor'
    faded: tuple = ()  # per person
    won_over: tuple = ()  # per person: people won over so far
    audience: tuple = ()  # per person (NaN without contacts)
    ties: tuple = ()  # (src, dst) of each tie once (src < dst)
    n_ties: int = 0
    standings: dict = field(default_factory=dict)
    history: tuple = ()

    @property
    def key(self) -> tuple:
        """What the drawings depend on: the session, its round, who plays whom."""
        sid = self.session["id"] if self.session else None
        return (sid, self.round, tuple(sorted(self.seats.items())), self.n_ties)


def seat_numbers(svc: RoomService, code: str) -> dict[int, int]:
    """Student id -> seat number (their number in the room, 1, 2, ...)."""
    return {s.id: i for i, s in enumerate(svc.store.students(code), start=1)}


def snapshot(play: PlayRoom, seats_of: dict[int, int]) -> Snapshot:
    """``play`` as the panel shows it; ``seats_of``: student id -> seat number."""
    with play.lock:
        world = play.world
        if world is None:
            return Snapshot(status=play.status, session=play.session)
        w = world.model.world
        once = w.src < w.dst
        seats = {p: seats_of.get(s, 0) for s, p in world.players.items()}
        families = {seats_of.get(s, 0): world.family_of(s) for s in world.players}
        names = world.names
        return Snapshot(
            status=play.status,
            session=dict(play.session),
            settings=world.settings,
            round=world.round,
            round_seconds=float(play.session["round_seconds"]),
            playing=len(world.players),
            chosen=len(world.players) - len(play.waiting_for()),
            seats=seats,
            families=families,
            android=tuple(
                "broadcaster" if names[a] == "interrupt" else "interactor"
                for a in world.android.tolist()
            ),
            faded=tuple(w.faded.tolist()),
            won_over=tuple(w.conversions.tolist()),
            audience=tuple(w.audience().tolist()),
            ties=(w.src[once].copy(), w.dst[once].copy()),
            n_ties=int(once.sum()),
            standings=world.standings(),
            history=tuple(world.history),
        )


# -- the network ------------------------------------------------------------------------------
def _star(x: float, y: float, r: float) -> str:
    pts = []
    for k in range(10):
        a = math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.45
        pts.append(f"{x + rr * math.cos(a):.1f},{y - rr * math.sin(a):.1f}")
    return " ".join(pts)


def _triangle(x: float, y: float, r: float) -> str:
    return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y + r * 0.8:.1f} {x - r:.1f},{y + r * 0.8:.1f}"


def edges_path(pos: np.ndarray, ties: tuple, box: tuple) -> str:
    """Every tie as one SVG path (``box``: x0, y0, width, height of the drawing)."""
    x0, y0, w, h = box
    if not len(ties) or not len(ties[0]):
        return ""
    src, dst = ties
    xs, ys = x0 + pos[:, 0] * w, y0 + pos[:, 1] * h
    d = "".join(
        f"M{xs[a]:.1f} {ys[a]:.1f}L{xs[b]:.1f} {ys[b]:.1f}"
        for a, b in zip(src.tolist(), dst.tolist(), strict=True)
    )
    return f'<path class="ties" d="{d}" stroke="{EDGE}" stroke-width="0.7" fill="none"/>'


def network_svg(
    pos: np.ndarray,
    snap: Snapshot,
    *,
    width: int = 760,
    height: int = 600,
    edges: str | None = None,
) -> str:
    """The shared network after the last round (an SVG string): every tie, every person
    at ``pos`` (the session's layout), the students' people larger (a star in a dark ring,
    with their seat number), the androids by their strategy (broadcasters triangles,
    interactors circles), the faded ones hollow with a dashed outline; a legend says it all
    in words. ``edges``: :func:`edges_path` of the same layout, if kept."""
    n = len(snap.android)
    pad, legend_h = 16, 92
    top = 8 + TITLE_PX + 12
    box = (pad + 10, top + 10, width - 2 * pad - 20, height - top - legend_h - 20)
    x0, y0, w, h = box
    r = 4.5 if n <= 300 else 3.5 if n <= 600 else 2.8
    title = f"The shared network after round {snap.round}"
    students = sorted(snap.seats.items(), key=lambda item: item[1])
    broadcasters = sum(
        1 for p, a in enumerate(snap.android) if a == "broadcaster" and p not in snap.seats
    )
    faded = sum(1 for f in snap.faded if f)
    seats_said = ", ".join(str(s) for _, s in students) or "none"
    desc = (
        f"{n} people. {len(students)} played by students (seats {seats_said}), "
        f"{broadcasters} android broadcasters, {n - len(students) - broadcasters} android "
        f"interactors; {faded} faded."
    )
    uid = _uid("network", snap.key, width, height)
    body = [_text(pad, 8 + TITLE_PX, title, TITLE_PX, font_weight="bold")]
    body.append(edges if edges is not None else edges_path(pos, snap.ties, box))
    dots = []
    for p in range(n):
        if p in snap.seats:
            continue
        x, y = x0 + pos[p, 0] * w, y0 + pos[p, 1] * h
        colour = BROADCASTER if snap.android[p] == "broadcaster" else INTERACTOR
        style = (
            f'fill="#ffffff" stroke="{colour}" stroke-width="1.6" stroke-dasharray="2 1.5"'
            if snap.faded[p]
            else f'fill="{colour}" stroke="{INK}" stroke-width="0.8"'
        )
        cls = f"person {snap.android[p]}" + (" faded" if snap.faded[p] else "")
        if snap.android[p] == "broadcaster":
            dots.append(f'<polygon class="{cls}" points="{_triangle(x, y, r + 1)}" {style}/>')
        else:
            dots.append(f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {style}/>')
    body.append(f'<g class="androids">{"".join(dots)}</g>')
    mine = []
    for p, seat in students:  # on top of the androids
        x, y = x0 + pos[p, 0] * w, y0 + pos[p, 1] * h
        fill = "#ffffff" if snap.faded[p] else STUDENT
        cls = "person student" + (" faded" if snap.faded[p] else "")
        mine.append(
            f'<g class="{cls}" data-seat="{esc(seat)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="13" fill="none" stroke="{INK}" '
            f'stroke-width="3"/>'
            f'<polygon points="{_star(x, y, 10)}" fill="{fill}" stroke="{INK}" '
            f'stroke-width="1.5"/>'
            + _text(
                x + 16,
                y + 5,
                str(seat),
                TEXT_PX,
                font_weight="bold",
                class_="seat",
                stroke="#ffffff",
                stroke_width="4",
                paint_order="stroke",
            )
            + "</g>"
        )
    body.append(f'<g class="students">{"".join(mine)}</g>')
    # the legend, in words: shapes, not colours alone
    ly = height - legend_h + 22
    body.append(
        f'<circle cx="{pad + 12}" cy="{ly - 5}" r="13" fill="none" stroke="{INK}" '
        f'stroke-width="3"/><polygon points="{_star(pad + 12, ly - 5, 10)}" fill="{STUDENT}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    body.append(_text(pad + 32, ly, "a student's person (their seat number)", TEXT_PX))
    ly2 = ly + 30
    body.append(
        f'<polygon points="{_triangle(pad + 12, ly2 - 5, 7)}" fill="{BROADCASTER}" '
        f'stroke="{INK}" stroke-width="0.8"/>'
    )
    body.append(_text(pad + 32, ly2, "android broadcaster", TEXT_PX))
    body.append(
        f'<circle cx="{pad + 222}" cy="{ly2 - 5}" r="6" fill="{INTERACTOR}" stroke="{INK}" '
        f'stroke-width="0.8"/>'
    )
    body.append(_text(pad + 240, ly2, "android interactor", TEXT_PX))
    body.append(
        f'<circle cx="{pad + 432}" cy="{ly2 - 5}" r="6" fill="#ffffff" stroke="{MUTED}" '
        f'stroke-width="1.6" stroke-dasharray="2 1.5"/>'
    )
    body.append(_text(pad + 450, ly2, "faded (hollow)", TEXT_PX))
    body.append(
        _text(width - pad, ly, f"{faded} of {n} faded", SMALL_PX, text_anchor="end", fill=MUTED)
    )
    return _svg(width, height, uid, f"{title}. {desc}", desc, body)


# -- the families over the rounds ------------------------------------------------------------
def family_series(history, metric: str) -> tuple[list[list[float]], list[str], list[str]]:
    """Per group (in :data:`GROUPS`' order) its ``metric`` after each round (NaN when the
    group had nobody then), the groups' labels and colours."""
    names = _group_order({g for h in history for g in h})
    values = [[h.get(g, {}).get(metric, math.nan) for h in history] for g in names]
    return values, [_label(g) for g in names], [GROUP_COLOURS.get(g, "") for g in names]


# -- the debrief ------------------------------------------------------------------------------
def _n(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def debrief_words(standings: dict, history=(), families: dict | None = None) -> list[str]:
    """The debrief in plain sentences, from :meth:`PlayWorld.standings` (the groups now),
    its ``history`` (the groups after each round) and ``families`` (seat -> family, to say
    how many students are in each)."""
    if not history:
        return ["No round has been played yet: there is nothing to debrief."]
    groups = {
        g: s for g, s in standings.items() if s.get("people") and not math.isnan(s["audience"])
    }
    if not groups:
        return ["Nobody has a contact left to listen to them."]
    names = _group_order(groups)
    first = history[0]
    students = {}
    for fam in (families or {}).values():
        students[fam or "listeners"] = students.get(fam or "listeners", 0) + 1
    out = []
    ranked = sorted(names, key=lambda g: -groups[g]["audience"])
    kept = []
    for g in ranked:
        a = groups[g]["audience"]
        before = first.get(g, {}).get("audience", math.nan)
        said = f"the {g} kept {_n(a)}" + (" of their contacts' attention" if not kept else "")
        if len(history) > 1 and not math.isnan(before) and abs(before - a) >= 0.005:
            went = "down" if a < before else "up"
            said += f" ({went} from {_n(before)} after round 1)"
        kept.append(said)
    out.append(f"Who kept their audience, after {len(history)} rounds: " + _join(kept) + ".")
    faded = [g for g in names if groups[g]["faded"] > 0]
    if faded:
        parts = []
        for g in faded:
            people = int(groups[g]["people"])
            k = round(groups[g]["faded"] * people)
            parts.append(f"{k} of the {people} {g}" if people > 1 else f"the one of the {g}")
        out.append("Who faded (their audience stayed too low for too long): " + _join(parts) + ".")
    else:
        out.append("Nobody faded.")
    best = max(names, key=lambda g: (groups[g]["won_over"], groups[g]["audience"]))
    worst = min(names, key=lambda g: (groups[g]["won_over"], groups[g]["audience"]))
    b = groups[best]
    said = (
        f"Who did well: the {best} won over {_n(b['won_over'])} people each and earned trust "
        f"{_n(b['trust'])}; they {GROUP_DID.get(best, 'played their own way')}."
    )
    if worst != best:
        lo = groups[worst]
        said += (
            f" The {worst} won over {_n(lo['won_over'])} each "
            f"(audience {_n(lo['audience'])}); they {GROUP_DID.get(worst, 'played their own way')}."
        )
    out.append(said)
    if students:
        counts = [
            f"{n} {'student' if n == 1 else 'students'} among the {g}"
            for g, n in sorted(students.items(), key=lambda item: GROUPS.index(item[0]))
        ]
        out.append("The students' families, by what each mostly did: " + _join(counts) + ".")
    return out


def groups_html(standings: dict, round_: int) -> str:
    """The groups' numbers as an HTML table (every text escaped)."""
    head = (
        "<thead><tr>"
        '<th scope="col">Group</th><th scope="col">People</th>'
        '<th scope="col">Won over, each</th><th scope="col">Audience</th>'
        '<th scope="col">Trust</th><th scope="col">Faded</th>'
        "</tr></thead>"
    )
    rows = []
    for g in _group_order(standings):
        s = standings[g]
        faded = s.get("faded", math.nan)
        share = "–" if math.isnan(faded) else f"{round(100 * faded)} %"
        rows.append(
            "<tr>"
            f'<th scope="row">{escape(_label(g))}</th>'
            f"<td>{escape(str(int(s.get('people', 0))))}</td>"
            f"<td>{escape(_n(s.get('won_over', math.nan)))}</td>"
            f"<td>{escape(_n(s.get('audience', math.nan)))}</td>"
            f"<td>{escape(_n(s.get('trust', math.nan)))}</td>"
            f"<td>{escape(share)}</td>"
            "</tr>"
        )
    caption = f"<caption>By group, after round {escape(str(round_))}</caption>"
    return f'<table class="pp-table">{caption}{head}<tbody>{"".join(rows)}</tbody></table>'


def seats_html(snap: Snapshot) -> str:
    """Each student's person by seat number (never a name), as an HTML table."""
    head = (
        "<thead><tr>"
        '<th scope="col">Seat</th><th scope="col">Person</th><th scope="col">Mostly</th>'
        '<th scope="col">Won over</th><th scope="col">Audience</th><th scope="col">Faded</th>'
        "</tr></thead>"
    )
    rows = []
    for person, seat in sorted(snap.seats.items(), key=lambda item: item[1]):
        family = snap.families.get(seat) or "–"
        rows.append(
            "<tr>"
            f'<th scope="row">{escape(str(seat))}</th>'
            f"<td>{escape(str(person))}</td>"
            f"<td>{escape(family)}</td>"
            f"<td>{escape(str(snap.won_over[person]))}</td>"
            f"<td>{escape(_n(snap.audience[person]))}</td>"
            f"<td>{'yes' if snap.faded[person] else 'no'}</td>"
            "</tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="6">No student plays a person.</td></tr>')
    caption = "<caption>The students' people, by seat</caption>"
    return f'<table class="pp-table">{caption}{head}<tbody>{"".join(rows)}</tbody></table>'


# -- following the room -----------------------------------------------------------------------
def use_play(play: PlayRoom) -> int:
    """``play``'s version, followed by a thread of this page that waits on
    ``PlayRoom.changed`` (changes within :data:`SETTLE` seconds make one redraw)."""
    version, set_version = solara.use_state(play.version)

    def follow(cancel: threading.Event):
        seen = version
        while not cancel.is_set():
            with play.changed:
                play.changed.wait_for(lambda s=seen: play.version != s, timeout=1.0)
                now = play.version
            if now == seen:
                continue
            if cancel.wait(SETTLE):
                return
            seen = play.version
            set_version(seen)

    solara.use_thread(follow, dependencies=[play], intrusive_cancel=False)
    return version


def use_layout(session: dict | None) -> np.ndarray | None:
    """The session's layout: at once when kept, else computed in a thread of this page
    (None meanwhile)."""
    key = layout_key(session) if session else None
    kept = peek_layout(session)
    done, set_done = solara.use_state(None)

    def compute(cancel: threading.Event):
        if session is None or kept is not None:
            return
        pos = session_layout(session)
        if not cancel.is_set():
            set_done((key, pos))

    solara.use_thread(compute, dependencies=[key], intrusive_cancel=False)
    if kept is not None:
        return kept
    return done[1] if done is not None and done[0] == key else None


def close_round_of(play: PlayRoom, seen_round: int) -> None:
    """Close ``play``'s round now, unless it closed meanwhile (run in a thread)."""
    try:
        with play.lock:
            if play.world is None or play.status != "running" or play.world.round != seen_round:
                return
            play.close_round()
    except Exception:  # the server goes on; the panel shows the round as it is
        log.exception("closing the round of room %s", play.code)


def _fresh_seed() -> str:
    return str(secrets.randbelow(2**31))


# -- the panel --------------------------------------------------------------------------------
@solara.component
def PlayPanel(svc: RoomService, info: RoomInfo, projector: bool):
    """Play a person: start a session, run its rounds, the network, the families and the
    debrief."""
    solara.Style(STYLE)
    play = solara.use_memo(lambda: play_room(svc, info.code), dependencies=[svc, info.code])
    version = use_play(play)
    seats_of = solara.use_memo(lambda: seat_numbers(svc, info.code), [info.version, version])
    snap = solara.use_memo(lambda: snapshot(play, seats_of), [play, version, seats_of])
    problem, set_problem = solara.use_state("")
    debrief, set_debrief = solara.use_state(False)
    live = snap.status in ("running", "paused")

    def act(fn, *args):
        try:
            fn(*args)
            set_problem("")
        except PlayError as err:
            set_problem(str(err))

    with solara.Column(classes=["pp-panel"] + (["pp-projector"] if projector else []), gap="8px"):
        solara.Markdown("## Play a person")
        if not live:
            StartForm(play, set_problem)
        else:
            Controls(play, snap, version, act)
        if problem:
            solara.Text(problem, classes=["fac-warning"])
        if snap.settings is None:
            return
        s = snap.settings
        ended = " (ended)" if snap.status == "ended" else ""
        solara.Text(
            f"Session{ended}: {s.n_agents} people, {NETWORK_WORDS.get(s.network, s.network)}, "
            f"{round(100 * s.broadcaster_share)} % of the androids broadcast, seed {s.seed} "
            f"(the same seed and the same choices play the same session again).",
            classes=["pp-settings-used"],
        )
        if snap.status == "ended":
            solara.Text(f"Rounds played: {snap.round}", classes=["pp-round"])
        NetworkView(snap)
        FamilyCharts(snap)
        if snap.status != "ended":
            solara.Switch(label="Show the debrief now", value=debrief, on_value=set_debrief)
        if debrief or snap.status == "ended":
            Debrief(snap)


@solara.component
def StartForm(play: PlayRoom, set_problem):
    """The settings of a new session and "Start the session"."""
    people, set_people = solara.use_state(300)
    network, set_network = solara.use_state(NETWORK_WORDS[PLAY_NETWORKS[0]])
    share, set_share = solara.use_state("30 %")
    seconds, set_seconds = solara.use_state(20)
    first_seed = solara.use_memo(_fresh_seed, dependencies=[])
    seed, set_seed = solara.use_state(first_seed)

    def start():
        words = {w: k for k, w in NETWORK_WORDS.items()}
        try:
            number = int(str(seed).strip())
        except ValueError:
            set_problem("seed: a whole number, 0 or more")
            return
        settings = PlaySettings(
            n_agents=int(people),
            network=words.get(network, network),
            broadcaster_share=SHARE_CHOICES.get(share, 0.3),
            seed=number,
            round_seconds=float(seconds),
        )
        try:
            play.start(settings)
            set_problem("")
            set_seed(_fresh_seed())  # the next session draws afresh
        except PlayError as err:
            set_problem(str(err))

    solara.Text(
        "Each student who joins plays one person of a shared network; built-in strategies "
        "(androids) play everyone else. A round closes when every student has chosen, or "
        "when its timer runs out; the world then steps once.",
        classes=["pp-note"],
    )
    with solara.Row(classes=["pp-settings"], gap="16px"):
        # menus, not sliders: a slider's handle has no accessible name here
        solara.Select(
            "People",
            values=PEOPLE_CHOICES,
            value=people,
            on_value=set_people,
            classes=["pp-choice"],
        )
        solara.Select(
            "Network",
            values=[NETWORK_WORDS[k] for k in PLAY_NETWORKS],
            value=network,
            on_value=set_network,
            classes=["pp-choice"],
        )
        solara.Select(
            "Share of broadcasters among the androids",
            values=list(SHARE_CHOICES),
            value=share,
            on_value=set_share,
            classes=["pp-choice"],
        )
        solara.Select(
            "Round timer (seconds)",
            values=TIMER_CHOICES,
            value=seconds,
            on_value=set_seconds,
            classes=["pp-choice"],
        )
        solara.InputText("Seed (drawn afresh)", value=str(seed), on_value=set_seed)
        solara.Button("Draw another seed", on_click=lambda: set_seed(_fresh_seed()), outlined=True)
        solara.Button("Start the session", on_click=start, color="primary", classes=["pp-start"])


@solara.component
def Controls(play: PlayRoom, snap: Snapshot, version: int, act):
    """A running (or paused) session: the round, who has chosen and the time left, Pause or
    Resume, the timer, Close the round now, End the session."""
    running = snap.status == "running"
    timers = sorted({*TIMER_CHOICES, int(round(snap.round_seconds))})
    RoundClock(play, snap, version)
    with solara.Row(classes=["pp-settings"], gap="12px"):
        solara.Button(
            "Pause" if running else "Resume",
            on_click=lambda: act(play.set_status, "paused" if running else "running"),
            outlined=True,
        )
        solara.Select(
            "Round timer (seconds)",
            values=timers,
            value=int(round(snap.round_seconds)),
            on_value=lambda s: act(play.set_timer, float(s)),
            classes=["pp-choice"],
        )
        solara.Button(
            "Close the round now",
            on_click=lambda: threading.Thread(
                target=close_round_of,
                args=(play, snap.round),
                name=f"play-close-{play.code}",
                daemon=True,
            ).start(),
            disabled=not running,
            color="primary",
        )
        solara.Button(
            "End the session",
            on_click=lambda: act(play.set_status, "ended"),
            outlined=True,
            classes=["pp-end"],
        )


@solara.component
def RoundClock(play: PlayRoom, snap: Snapshot, version: int):
    """The rounds played, who has chosen, the seconds left: drawn again every second while
    the round runs (this small part only)."""
    running = snap.status == "running"
    tick, set_tick = solara.use_state(0)

    def run(cancel: threading.Event):
        n = 0
        while running and not cancel.wait(1.0):
            n += 1
            set_tick(n)

    solara.use_thread(run, dependencies=[running], intrusive_cancel=False)
    left = play.seconds_left() if running else 0.0
    solara.Text(f"Rounds played: {snap.round}", classes=["pp-round"])
    chosen = (
        f"{snap.chosen} of {snap.playing} "
        f"{'student has' if snap.playing == 1 else 'students have'} chosen"
    )
    if running:
        said = f"Round {snap.round + 1} is open: {chosen}; {math.ceil(left)} s left."
    else:
        said = f"Paused in round {snap.round + 1}: {chosen}; the timer waits."
    solara.Text(said, classes=["pp-clock"])


@solara.component
def NetworkView(snap: Snapshot):
    """The shared network, laid out once per session, drawn again after each round."""
    pos = use_layout(snap.session)
    box_key = (snap.key[0], snap.key[3], pos is None)

    def edges():
        if pos is None:
            return None
        width, height, pad, legend_h = 760, 600, 16, 92
        top = 8 + TITLE_PX + 12
        box = (pad + 10, top + 10, width - 2 * pad - 20, height - top - legend_h - 20)
        return edges_path(pos, snap.ties, box)

    ties = solara.use_memo(edges, dependencies=[box_key])
    svg = solara.use_memo(
        lambda: None if pos is None else network_svg(pos, snap, edges=ties),
        dependencies=[snap.key, pos is None, ties],
    )
    if svg is None:
        solara.Text("Laying out the network…", classes=["pp-note"])
        return
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["pp-network"])


@solara.component
def FamilyCharts(snap: Snapshot):
    """People won over per person and audience, per group, over the rounds."""

    def charts():
        if not snap.history:
            return None
        won = family_series(snap.history, "won_over")
        aud = family_series(snap.history, "audience")
        return (
            rounds_svg(*won, title="People won over, per person", y_label="won over, each", fmt=_n),
            rounds_svg(
                *aud,
                title="Audience: the attention their contacts pay them",
                y_label="audience",
                fmt=_n,
            ),
        )

    svgs = solara.use_memo(charts, dependencies=[snap.key])
    if svgs is None:
        solara.Text("The families' charts appear after the first round.", classes=["pp-note"])
        return
    with solara.Row(classes=["pp-charts"], gap="12px"):
        for svg in svgs:
            solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["pp-family"])


@solara.component
def Debrief(snap: Snapshot):
    """Who kept their audience, who faded, what the ones who did well did; two tables."""
    solara.Markdown("### Debrief")
    for sentence in debrief_words(snap.standings, snap.history, snap.families):
        solara.Text(sentence, classes=["pp-debrief"])
    solara.HTML(
        tag="div",
        unsafe_innerHTML=groups_html(snap.standings, snap.round),
        classes=["pp-tables"],
    )
    solara.HTML(tag="div", unsafe_innerHTML=seats_html(snap), classes=["pp-tables"])

"""The classroom network view widget (``classroom.network_view.NetworkView``), in-process.

No browser here: these tests check what the Python side sends (layout once, one byte per
person and per tie per frame, nothing when nothing changed), the validation, and that the
front-end code imports nothing from the web.
"""

from __future__ import annotations

import json
import re

import networkx as nx
import numpy as np
import pytest
import traitlets

from classroom.network_view import (
    BROADCASTERS,
    CONVERSATION,
    INTERACTORS,
    OTHERS,
    PITCH_IGNORED,
    PITCH_NOTICED,
    NetworkView,
    normalize_positions,
    pack_messages,
    unpack_messages,
)
from classroom.run import ClassroomRun
from classroom.widget_scale import SCALE_MAX, SCALE_MIN


@pytest.fixture(autouse=True)
def plain_comms(monkeypatch):
    """Widgets made here get the plain comm that sends (the ``comm`` package's default).
    Once another test in this process has imported Solara's server, ``comm.create_comm``
    makes Solara's comm, which outside a kernel has none and sends nothing."""
    import comm

    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: comm.DummyComm(*a, **k))


def small_graph(n: int = 12, seed: int = 0):
    g = nx.watts_strogatz_graph(n, 4, 0.2, seed=seed)
    layout = nx.spring_layout(g, seed=seed)
    pos = np.array([layout[i] for i in range(n)]) * 37.0 + 5.0  # arbitrary units
    edges = np.array(list(g.edges()), dtype=np.int64)
    labels = [f"Person {i}" for i in range(n)]
    groups = np.array([i % 3 for i in range(n)], dtype=np.int64)
    return pos, edges, labels, groups


class Wire:
    """Records what the widget would send to the browser (messages and binary buffers)."""

    def __init__(self, view: NetworkView):
        self.messages: list[tuple[dict, list]] = []

        def _send(msg, buffers=None):
            self.messages.append((msg, list(buffers or [])))

        view._send = _send  # instance attribute shadows Widget._send

    def clear(self) -> None:
        self.messages.clear()

    def keys(self) -> list[str]:
        return [k for msg, _ in self.messages for k in msg.get("state", {})] + [
            ".".join(map(str, p)) for msg, _ in self.messages for p in msg.get("buffer_paths", [])
        ]

    def nbytes(self) -> int:
        """Wire size: JSON of each message plus its binary buffers."""
        return sum(
            len(json.dumps(msg)) + sum(memoryview(b).nbytes for b in bufs)
            for msg, bufs in self.messages
        )


@pytest.fixture
def view():
    pos, edges, labels, groups = small_graph()
    return NetworkView.build(pos, edges, labels, groups)


def test_build_sets_every_trait(view):
    n, m = 12, 24
    assert view.n == n and view.m == m
    assert len(view.positions) == 8 * n
    assert len(view.edges) == 8 * m
    assert np.frombuffer(view.groups, np.uint8).tolist() == [i % 3 for i in range(n)]
    assert view.opacity == b"\xff" * n
    assert view.edge_strength == b""
    assert view.labels == [f"Person {i}" for i in range(n)]
    assert view.selected == -1 and view.hovered == -1 and view.hover_text == ""
    assert view.theme == "light"
    assert "12 people" in view.description and "24 ties" in view.description
    e = np.frombuffer(view.edges, "<u4").reshape(-1, 2)
    _, edges, _, _ = small_graph()
    assert np.array_equal(e, edges)


def test_build_normalizes_positions_into_unit_square_keeping_aspect():
    pos = np.array([[-100.0, 3.0], [300.0, 3.0], [100.0, 103.0], [0.0, 50.0]])
    out = normalize_positions(pos, margin=0.05)
    assert out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    # the longer side (x, span 400) runs from margin to 1 - margin
    assert out[:, 0].min() == pytest.approx(0.05) and out[:, 0].max() == pytest.approx(0.95)
    # the shorter side (y, span 100) is centred, same scale: 100 / 400 * 0.9 = 0.225
    assert out[:, 1].max() - out[:, 1].min() == pytest.approx(0.225, abs=1e-6)
    assert (out[:, 1].max() + out[:, 1].min()) / 2 == pytest.approx(0.5, abs=1e-6)

    view = NetworkView.build(pos, np.zeros((0, 2), int), list("abcd"), [0, 1, 2, 0])
    xy = np.frombuffer(view.positions, "<f4").reshape(-1, 2)
    assert xy.min() >= 0.0 and xy.max() <= 1.0
    assert xy[:, 0].max() - xy[:, 0].min() > 0.9  # with only a small margin


@pytest.mark.parametrize("pos", [np.zeros((1, 2)), np.full((3, 2), 7.0), np.zeros((0, 2))])
def test_degenerate_positions_land_in_the_middle(pos):
    out = normalize_positions(pos)
    assert out.shape == pos.shape
    assert np.all(out == 0.5)


def test_show_quantizes_to_one_byte(view):
    op = np.linspace(0, 1, 12)
    op[0], op[1], op[2] = -0.5, 1.7, np.nan
    view.show(op)
    got = np.frombuffer(view.opacity, np.uint8)
    assert got[0] == 0 and got[1] == 255 and got[2] == 0
    assert np.array_equal(got[3:], np.rint(np.linspace(0, 1, 12)[3:] * 255).astype(np.uint8))
    es = np.full(view.m, 0.5)
    view.show(op, es)
    assert view.edge_strength == bytes([128]) * view.m
    # a uint8 array is taken as already quantized
    raw = np.arange(12, dtype=np.uint8) * 20
    view.show(raw)
    assert view.opacity == raw.tobytes()


def test_show_sends_only_what_changed(view):
    counts = {"opacity": 0, "edge_strength": 0}

    def count(change):
        counts[change["name"]] += 1

    view.observe(count, ["opacity", "edge_strength"])
    wire = Wire(view)
    op = np.full(12, 0.5)
    es = np.full(view.m, 0.25)

    view.show(op, es)
    assert counts == {"opacity": 1, "edge_strength": 1}
    assert len(wire.messages) == 1  # both in one message
    assert sorted(wire.keys()) == ["edge_strength", "opacity"]

    wire.clear()
    view.show(op + 1e-4, es)  # same bytes after quantization
    assert counts == {"opacity": 1, "edge_strength": 1}
    assert wire.messages == []

    view.show(op * 0.5, es)
    assert counts == {"opacity": 2, "edge_strength": 1}
    assert wire.keys() == ["opacity"]

    wire.clear()
    view.show(op * 0.5)  # edge_strength=None leaves the ties alone
    view.show(op * 0.5, es * 2)
    assert counts == {"opacity": 2, "edge_strength": 2}
    assert wire.keys() == ["edge_strength"]


def test_payload_per_frame_at_2000_people_is_under_20_kb():
    n, m = 2_000, 10_000
    rng = np.random.default_rng(1)
    pos = rng.random((n, 2))
    edges = rng.integers(0, n, size=(m, 2))
    groups = rng.integers(0, 3, size=n)
    view = NetworkView.build(pos, edges, [f"p{i}" for i in range(n)], groups)
    wire = Wire(view)
    frames = 5
    changed = 0
    for _ in range(frames):
        before = (view.opacity, view.edge_strength)
        view.show(rng.random(n), rng.random(m))
        after = (view.opacity, view.edge_strength)
        changed += sum(len(new) for new, old in zip(after, before, strict=True) if new != old)
    assert changed / frames == n + m  # one byte per person and per tie
    per_frame = wire.nbytes() / frames
    assert len(wire.messages) == frames
    assert per_frame <= 20_000, per_frame
    # the layout, edges and labels are never re-sent per frame
    assert set(wire.keys()) == {"opacity", "edge_strength"}


def test_hover_text_is_left_to_the_app_without_a_formatter(view):
    wire = Wire(view)
    view.set_state({"hovered": 4})  # as a message from the browser
    assert view.hovered == 4
    assert view.hover_text == ""
    assert wire.messages == []  # nothing sent back: the app's own observer answers


def test_hover_formatter_answers_hovers(view):
    view.hover_formatter = view.default_hover_text
    view.show(np.full(12, 0.25))
    wire = Wire(view)
    view.set_state({"hovered": 4})  # as a message from the browser
    # one message: the text and the person it describes (the pointer may have moved on)
    assert [m["state"] for m, _ in wire.messages] == [
        {"hover_for": 4, "hover_text": view.hover_text}
    ]
    assert "Person 4" in view.hover_text
    assert "interactor" in view.hover_text and "25%" in view.hover_text
    view.show(np.full(12, 0.75))  # live while hovering
    assert "75%" in view.hover_text
    view.hover_formatter = lambda i: f"custom {i}"
    view.hovered = 5
    assert view.hover_text == "custom 5"
    view.hovered = -1
    assert view.hover_text == ""


def test_broken_hover_formatter_falls_back(view, caplog):
    view.hover_formatter = lambda i: 1 / 0
    view.hovered = 2
    assert "Person 2" in view.hover_text
    assert "hover_formatter failed" in caplog.text


def test_selection_is_validated_and_observable(view):
    seen = []
    view.on_select(seen.append)
    view.selected = 3
    view.selected = 99  # out of range: none
    view.selected = -5
    assert seen == [3, -1]


def test_set_groups(view):
    new = np.array([BROADCASTERS] * 6 + [INTERACTORS] * 3 + [OTHERS] * 3)
    view.set_groups(new)
    assert np.frombuffer(view.groups, np.uint8).tolist() == new.tolist()
    assert "6 broadcasters" in view.description
    with pytest.raises(ValueError, match="groups"):
        view.set_groups(np.zeros(11))
    with pytest.raises(ValueError, match="groups"):
        view.set_groups(np.full(12, 3))


def test_custom_description_is_kept():
    pos, edges, labels, groups = small_graph()
    v = NetworkView.build(pos, edges, labels, groups, description="Our class", theme="dark")
    assert v.description == "Our class" and v.theme == "dark"
    v.set_groups(np.zeros(12, int))
    assert v.description == "Our class"


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"labels": ["a"] * 11}, "labels"),
        ({"groups": np.zeros(13, int)}, "groups"),
        ({"groups": np.full(12, -1)}, "groups"),
        ({"edges": np.array([[0, 12]])}, "edges"),
        ({"edges": np.array([0, 1, 2])}, "edges"),
        ({"positions": np.zeros((12, 3))}, "positions"),
        ({"positions": np.full((12, 2), np.nan)}, "positions"),
    ],
)
def test_build_validates_sizes(change, match):
    pos, edges, labels, groups = small_graph()
    args = {"positions": pos, "edges": edges, "labels": labels, "groups": groups} | change
    with pytest.raises(ValueError, match=match):
        NetworkView.build(**args)


def test_show_validates_lengths(view):
    with pytest.raises(ValueError, match="opacity"):
        view.show(np.ones(11))
    with pytest.raises(ValueError, match="edge_strength"):
        view.show(np.ones(12), np.ones(view.m + 1))


def test_front_end_is_inline_and_offline():
    esm, css = str(NetworkView._esm), str(NetworkView._css)
    assert "export default" in esm and "render" in esm
    # no import statements at all (static or dynamic), no URLs to load from
    assert not re.search(r"^\s*import\b", esm, re.M)
    assert "import(" not in esm
    urls = re.findall(r"https?://[^\s\"'`]+", esm + css)
    assert urls == ["http://www.w3.org/2000/svg"]  # an XML namespace name, never fetched
    assert "@import" not in css and "url(" not in css
    # no CSS motion and one requestAnimationFrame loop: the network is drawn once per change;
    # only the message overlay moves, and prefers-reduced-motion stops it
    assert "setInterval" not in esm
    assert esm.count("requestAnimationFrame(") == 1
    assert "transition" not in css and "animation" not in css
    assert "prefers-reduced-motion: reduce" in esm and "reducedMotion.matches" in esm


# ---------------------------------------------------------------- projector scale
def test_scale_defaults_to_one_and_is_synced(view):
    assert view.scale == 1.0
    assert view.trait_metadata("scale", "sync") is True
    wire = Wire(view)
    view.scale = 1.6
    assert view.scale == 1.6
    assert wire.keys() == ["scale"], "a new scale sends that number and nothing else"
    view.scale = 2  # an int is taken as a float
    assert view.scale == 2.0 and isinstance(view.scale, float)
    for edge in (SCALE_MIN, SCALE_MAX):
        view.scale = edge
        assert view.scale == edge


@pytest.mark.parametrize(
    "bad", [0.5, 0.74, 3.01, 10, float("nan"), float("inf"), -1, True, "large", None]
)
def test_scale_outside_its_range_is_refused(view, bad):
    with pytest.raises(traitlets.TraitError):
        view.scale = bad
    assert view.scale == 1.0
    with pytest.raises(traitlets.TraitError):
        NetworkView.build(*small_graph(), scale=bad)


def test_build_takes_a_scale():
    assert NetworkView.build(*small_graph(), scale=2.5).scale == 2.5


def test_front_end_follows_scale():
    esm, css = str(NetworkView._esm), str(NetworkView._css)
    assert '"change:scale"' in esm and 'model.get("scale")' in esm
    # dots, lines and rings are multiplied by it; the legend's text and shapes follow --nv-scale
    for drawn in ("radius = zoom *", "ctx.lineWidth = zoom", "ctx.lineWidth = 2.5 * zoom"):
        assert drawn in esm, drawn
    assert "calc(13px * var(--nv-scale, 1))" in css
    assert "calc(14px * var(--nv-scale, 1))" in css


# ---------------------------------------------------------------- messages on the ties
def _expected_kinds(run: ClassroomRun) -> tuple[np.ndarray, np.ndarray]:
    """Per drawn tie, the highest kind of message each way, straight from world.delivery."""
    w = run.model.world
    d = w.delivery
    msgs = d.messages
    kinds = {}
    for s, r, tie, two_way, noticed in zip(
        msgs.sender, msgs.receiver, msgs.tie, msgs.two_way, d.noticed, strict=True
    ):
        if tie < 0:  # a cold call to a stranger: on no tie
            continue
        k = CONVERSATION if two_way else PITCH_NOTICED if noticed else PITCH_IGNORED
        kinds[int(s), int(r)] = max(k, kinds.get((int(s), int(r)), 0))
    fwd = np.array([kinds.get((int(a), int(b)), 0) for a, b in run.drawn_edges])
    bwd = np.array([kinds.get((int(b), int(a)), 0) for a, b in run.drawn_edges])
    return fwd, bwd


@pytest.fixture(scope="module")
def run_2000():
    from sim.params import defaults

    return ClassroomRun({**defaults(), "n_agents": 2000}, 0)


def test_pack_and_unpack_messages_round_trip():
    codes = np.array([0, 1, 2 | 3 << 2, 3, 0, 1 << 2, 2], dtype=np.uint8)
    data = pack_messages(codes, len(codes), 7)
    assert len(data) == 4 + 4  # the step, then two ties a byte
    step, fwd, bwd = unpack_messages(data, len(codes))
    assert step == 7
    assert (fwd | bwd << 2).tolist() == codes.tolist()
    assert pack_messages(np.zeros(5, dtype=np.uint8), 5, 3) == b""
    with pytest.raises(ValueError):
        pack_messages(np.full(4, 16), 4, 0)
    with pytest.raises(ValueError):
        pack_messages(np.zeros(3), 4, 0)


def test_nothing_is_sent_when_no_message_went(run_2000):
    run = ClassroomRun(dict(run_2000.params), 0)
    view = NetworkView.build(run.positions, run.drawn_edges, run.labels, run.group_codes())
    wire = Wire(view)
    frame = run.frame()  # step 0: nobody has said anything yet
    assert frame.step == 0 and not frame.messages.any()
    view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
    assert wire.keys().count("messages") == 0
    assert view.messages == b""


def test_a_frame_after_a_step_carries_its_messages_on_the_drawn_ties(run_2000):
    run = ClassroomRun(dict(run_2000.params), 0)
    view = NetworkView.build(run.positions, run.drawn_edges, run.labels, run.group_codes())
    for _ in range(3):
        run.step()
        frame = run.frame()
        view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
        step, fwd, bwd = unpack_messages(view.messages, len(run.drawn_edges))
        assert step == run.steps
        want_fwd, want_bwd = _expected_kinds(run)
        assert fwd.tolist() == want_fwd.tolist()
        assert bwd.tolist() == want_bwd.tolist()
        # every kind shows up at the defaults: pitches noticed and ignored, conversations
        assert set(np.unique(np.concatenate([fwd, bwd]))) == {0, 1, 2, 3}


def test_switching_messages_off_stops_sending_them(run_2000):
    run = ClassroomRun(dict(run_2000.params), 0)
    view = NetworkView.build(run.positions, run.drawn_edges, run.labels, run.group_codes())
    run.step()
    frame = run.frame()
    view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
    assert view.messages != b""
    view.show_messages = False  # the widget's checkbox
    assert view.messages == b""
    run.step()
    frame = run.frame()
    wire = Wire(view)
    view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
    assert wire.keys().count("messages") == 0
    view.show_messages = True
    view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
    assert unpack_messages(view.messages, len(run.drawn_edges))[0] == run.steps


def test_a_frame_with_messages_at_2000_people_stays_within_budget(run_2000):
    import time

    run = ClassroomRun(dict(run_2000.params), 0)
    view = NetworkView.build(run.positions, run.drawn_edges, run.labels, run.group_codes())
    wire = Wire(view)
    sizes, times = [], []
    for _ in range(20):
        run.step()
        wire.clear()
        start = time.perf_counter()
        frame = run.frame()
        view.show(frame.opacity, frame.edge_strength, frame.messages, frame.step)
        times.append(time.perf_counter() - start)
        assert wire.keys().count("messages") == 1
        sizes.append(wire.nbytes())
    # one byte per person and per tie, half a byte per tie for the messages, and the envelope
    assert max(sizes) <= 20_000, sizes
    assert sorted(times)[len(times) // 2] < 0.020, times  # the view's share of a frame


def test_one_palette_for_python_and_javascript():
    """The family colours are written once (classroom/palette.py): the network view sends
    them to its JavaScript, which restates none, and the charts' series use the same."""
    from pathlib import Path

    import classroom.network_view as network_view
    from classroom.palette import FAMILY_COLORS, FAMILY_SHAPES
    from classroom.session import OTHER_STYLE, SERIES_STYLE

    assert NetworkView().palette == list(FAMILY_COLORS)
    js = (Path(network_view.__file__).parent / "network_view.js").read_text()
    restated = [c for c in FAMILY_COLORS if re.search(re.escape(c), js, re.IGNORECASE)]
    assert restated == [], f"network_view.js restates {restated}"
    assert 'model.get("palette")' in js
    assert SERIES_STYLE["broadcasters"]["color"] == FAMILY_COLORS[0]
    assert SERIES_STYLE["interactors"]["color"] == FAMILY_COLORS[1]
    assert OTHER_STYLE["color"] == FAMILY_COLORS[2]
    assert network_view.SHAPES == FAMILY_SHAPES

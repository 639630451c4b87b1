"""A live network view for the classroom app: one canvas widget (anywidget), no web imports.

Every person is a dot, laid out once. The layout (``positions``), the ties (``edges``), the
names (``labels``) and the strategy groups (``groups``) are sent to the browser once; each
frame sends only one byte per person (``opacity``: how much attention their audience still
pays them) and, optionally, one byte per tie (``edge_strength``: trust). At 2,000 people and
10,000 ties that is 12 KB a frame and no server-side drawing at all.

Strategy is shown by shape *and* colour (Okabe-Ito palette, safe for colour-blind viewers):
broadcasters are vermillion squares, interactors blue circles, everyone else green
triangles. A faded person keeps a faint outline so that they can still be found.

Use from Solara::

    view = solara.use_memo(lambda: NetworkView.build(pos, edges, labels, groups), [graph_key])
    solara.display(view)
    ...
    view.show(attention)                 # per frame, floats in [0, 1], one per person
    view.observe(on_select, "selected")  # -1 = nothing selected

Hover text: the browser sets ``hovered`` and shows the person's name at once; the text in
``hover_text`` replaces it when Python sends it. Either set ``hover_text`` in your own
observer of ``hovered``, or (better) give the widget ``hover_formatter=f`` (``f(i) -> str``):
it then answers every hover itself and refreshes the text on each ``show()`` while the
pointer rests on someone. ``view.default_hover_text`` is a ready-made formatter (name,
group, attention, ties).

Keyboard: the canvas takes focus with Tab; the arrow keys move the selection to the nearest
person in that direction, PageDown/PageUp step through people in order, Enter selects the
person nearest the centre, Escape clears the selection.

Pointing at one person (the guided tour, classroom/tour.py): ``highlight`` (a person's
index, -1 for none) draws a target ring around that person (a light halo, a thick dark ring
and a second thin one further out, so that it is told by shape, not colour alone) and places
an invisible marker element, ``div.nv-highlight`` with ``data-person`` and ``data-group``
(``broadcaster``, ``interactor``, ``other``), over them, so that the page can point at them.

Projector mode: ``scale`` (0.75 to 3, 1 = normal) enlarges the legend's text and shapes, the
dots, the lines and the selection rings; the layout still fills the canvas.

Messages (``messages``, optional per frame): which drawn ties carried messages at this step,
and what kind, per direction: a pitch its receiver noticed, a pitch ignored, a held
conversation (two ways). They are drawn on a second canvas above the network: a pitch is a
vermillion dot travelling one way (filled, to the receiver, if noticed; a hollow ring that
stops short and fades if ignored), a conversation two blue dots crossing on a double line;
at rest each kind keeps a line of its own (dashed with a dot at the receiver, dotted half a
tie, double). ``prefers-reduced-motion: reduce`` shows that rest state at once, with no
motion. The "Show messages" checkbox in the widget's legend turns them off (``show_messages``;
the server then stops sending them).

Motion: the network itself is drawn once per change, with no tween and no CSS transition or
animation (a test keeps it so); the only animation is the message overlay's, one short
travel per frame that the reduced-motion preference and the switch both stop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import anywidget
import numpy as np
import traitlets

from classroom.front_end import front_end
from classroom.palette import FAMILY_COLORS, FAMILY_SHAPES
from classroom.widget_scale import Scale

__all__ = [
    "BROADCASTERS",
    "CONVERSATION",
    "GROUP_NAMES",
    "INTERACTORS",
    "NO_MESSAGE",
    "OTHERS",
    "PALETTE",
    "PITCH_IGNORED",
    "PITCH_NOTICED",
    "NetworkView",
    "pack_messages",
    "unpack_messages",
]


log = logging.getLogger(__name__)

#: Group codes used in ``NetworkView.groups`` (one uint8 per person).
BROADCASTERS, INTERACTORS, OTHERS = 0, 1, 2
GROUP_NAMES = ("broadcaster", "interactor", "other")
#: Colour and shape of each group code (classroom/palette.py, the one palette).
PALETTE = FAMILY_COLORS
SHAPES = FAMILY_SHAPES

#: Fraction of the unit square left empty on each side by :meth:`NetworkView.build`.
MARGIN = 0.03


def _as_positions(positions: object) -> np.ndarray:
    pos = np.asarray(positions, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 2:
        raise ValueError(f"positions must have shape (n, 2); got {pos.shape}")
    if not np.all(np.isfinite(pos)):
        raise ValueError("positions must be finite (no NaN or inf)")
    return pos


def normalize_positions(positions: object, margin: float = MARGIN) -> np.ndarray:
    """Scale (n, 2) positions into [margin, 1 - margin], keeping the aspect ratio.

    The longer side of the bounding box spans the range; the shorter one is centred. All
    points in one place (or a single point) land in the middle.
    """
    pos = _as_positions(positions)
    if not 0 <= margin < 0.5:
        raise ValueError(f"margin must be in [0, 0.5); got {margin}")
    out = np.full(pos.shape, 0.5, dtype=np.float64)
    if len(pos) == 0:
        return out.astype(np.float32)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    span = float((hi - lo).max())
    if span > 0:
        inner = 1.0 - 2.0 * margin
        centre = (lo + hi) / 2.0
        out = 0.5 + (pos - centre) * (inner / span)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


#: Message kinds per tie direction (two bits each): nothing, a pitch its receiver ignored, a
#: pitch noticed, a held conversation (two ways). A higher code wins when a direction
#: carried more than one kind in a step.
NO_MESSAGE, PITCH_IGNORED, PITCH_NOTICED, CONVERSATION = 0, 1, 2, 3


def pack_messages(codes: object, m: int, step: int) -> bytes:
    """Per-tie message codes (``forward | backward << 2``, 0..15, one per drawn tie) to the
    ``messages`` trait's bytes: the step (uint32) then four bits per tie, two ties a byte
    (the even tie in the low nibble). Empty when no tie carried anything."""
    c = np.asarray(codes)
    if c.ndim != 1 or len(c) != m:
        raise ValueError(f"messages must have shape ({m},); got {c.shape}")
    if c.size and (c.min() < 0 or c.max() > 15):
        raise ValueError("message codes must be in 0..15 (forward | backward << 2)")
    c = c.astype(np.uint8)
    if not c.any():
        return b""
    if len(c) % 2:
        c = np.append(c, np.uint8(0))
    packed = c[0::2] | (c[1::2] << 4)
    return np.array([step & 0xFFFFFFFF], dtype="<u4").tobytes() + packed.tobytes()


def unpack_messages(data: bytes, m: int) -> tuple[int, np.ndarray, np.ndarray]:
    """The inverse of :func:`pack_messages`: (step, forward codes, backward codes) per tie;
    step -1 and zeros for empty bytes."""
    if not data:
        return -1, np.zeros(m, dtype=np.uint8), np.zeros(m, dtype=np.uint8)
    step = int(np.frombuffer(data[:4], dtype="<u4")[0])
    packed = np.frombuffer(data[4:], dtype=np.uint8)
    per_tie = np.empty(2 * len(packed), dtype=np.uint8)
    per_tie[0::2], per_tie[1::2] = packed & 15, packed >> 4
    per_tie = per_tie[:m]
    return step, per_tie & 3, per_tie >> 2


def quantize(values: object, n: int, what: str) -> bytes:
    """Floats in [0, 1] (clipped; NaN -> 0) to one byte each; a uint8 array is taken as is."""
    arr = np.asarray(values)
    if arr.ndim != 1 or len(arr) != n:
        raise ValueError(f"{what} must have shape ({n},); got {arr.shape}")
    if arr.dtype == np.uint8:
        return arr.tobytes()
    f = np.nan_to_num(arr.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=0.0)
    return np.rint(np.clip(f, 0.0, 1.0) * 255.0).astype(np.uint8).tobytes()


class NetworkView(anywidget.AnyWidget):
    """A network drawn on a canvas; layout sent once, one byte per person per frame.

    Synced traits (binary ones are little-endian packed arrays):

    - ``positions``: float32 x, y pairs in [0, 1] (y grows downwards), set once per layout.
    - ``edges``: uint32 u, v pairs (indices into the people).
    - ``groups``: uint8 per person: 0 broadcaster, 1 interactor, 2 any other strategy.
    - ``opacity``: uint8 per person, per frame (255 = fully attended to).
    - ``edge_strength``: uint8 per tie (trust); empty = all ties drawn alike.
    - ``messages``: the messages of one step on the drawn ties (:func:`pack_messages`);
      empty = none. ``show_messages``: the widget's switch (False: none are sent).
    - ``labels``: one name per person.
    - ``selected`` / ``hovered``: index of the selected / hovered person, -1 for none.
    - ``highlight``: index of a person to point at (a target ring and a ``div.nv-highlight``
      marker over them), -1 for none.
    - ``hover_text``: the tooltip text, set by Python when ``hovered`` changes.
    - ``theme``: ``"light"`` or ``"dark"``.
    - ``description``: accessible summary (canvas aria-label and a hidden live region).
    - ``scale``: size of text, dots and lines (projector mode), from 0.75 to 3; 1 = normal.
    """

    positions = traitlets.Bytes(b"").tag(sync=True)
    edges = traitlets.Bytes(b"").tag(sync=True)
    groups = traitlets.Bytes(b"").tag(sync=True)
    opacity = traitlets.Bytes(b"").tag(sync=True)
    edge_strength = traitlets.Bytes(b"").tag(sync=True)
    messages = traitlets.Bytes(b"").tag(sync=True)
    show_messages = traitlets.Bool(True).tag(sync=True)
    #: Colour per group code, read by the JavaScript (pitches take the broadcasters'
    #: colour, conversations the interactors').
    palette = traitlets.List(traitlets.Unicode(), default_value=list(PALETTE)).tag(sync=True)
    labels = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    hovered = traitlets.Int(-1).tag(sync=True, echo_update=False)  # no echo: it only goes up
    hover_text = traitlets.Unicode("").tag(sync=True)
    #: A person pointed at by the page (the guided tour): ringed, with a marker over them.
    highlight = traitlets.Int(-1).tag(sync=True)
    #: The person ``hover_text`` describes (the pointer may have moved on since).
    hover_for = traitlets.Int(-1).tag(sync=True)
    theme = traitlets.Enum(("light", "dark"), default_value="light").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    scale = Scale(1.0).tag(sync=True)

    #: ``f(i) -> str`` giving the tooltip for person ``i`` (not synced). None: the widget leaves
    #: ``hover_text`` alone (set it yourself in an observer of ``hovered``).
    hover_formatter = traitlets.Any(None, allow_none=True)

    # ----------------------------------------------------------------- construction
    @classmethod
    def build(
        cls,
        positions: np.ndarray,
        edges: np.ndarray,
        labels: Sequence[str],
        groups: np.ndarray,
        **kwargs: object,
    ) -> NetworkView:
        """A view of ``len(labels)`` people: positions (n, 2) in any units, edges (m, 2).

        Positions are normalized into [0, 1] with a small margin (aspect ratio kept).
        Extra keyword arguments set traits (``theme``, ``description``, ``hover_formatter``,
        ``layout`` ...). Raises ``ValueError`` on inconsistent sizes or bad indices.
        """
        view = cls(**kwargs)
        view.set_network(positions, edges, labels, groups)
        return view

    def set_network(
        self,
        positions: np.ndarray,
        edges: np.ndarray,
        labels: Sequence[str],
        groups: np.ndarray,
    ) -> None:
        """Replace the whole network (a new layout): sends positions, edges, labels once.

        Resets opacity (all 255), edge strength (empty), selection and hover.
        """
        pos = normalize_positions(positions)
        n = len(pos)
        labels = [str(s) for s in labels]
        if len(labels) != n:
            raise ValueError(f"labels has {len(labels)} entries but there are {n} positions")
        group_bytes = self._group_bytes(groups, n)
        e = np.asarray(edges)
        if e.size == 0:
            e = np.zeros((0, 2), dtype=np.int64)
        if e.ndim != 2 or e.shape[1] != 2:
            raise ValueError(f"edges must have shape (m, 2); got {e.shape}")
        if not np.issubdtype(e.dtype, np.integer):
            if not np.all(np.isfinite(e)) or not np.all(e == np.floor(e)):
                raise ValueError("edges must hold integer node indices")
            e = e.astype(np.int64)
        if len(e) and (e.min() < 0 or e.max() >= n):
            raise ValueError(f"edges refer to nodes outside 0..{n - 1}")
        self._n = n
        self._m = len(e)
        self._degree = np.bincount(e.ravel().astype(np.int64), minlength=n) if n else np.zeros(0)
        self._attention = np.ones(n, dtype=np.float32)
        default_description = self._summary(group_bytes)
        with self.hold_sync():
            self.selected = -1
            self.hovered = -1
            self.highlight = -1
            self.hover_text = ""
            self.positions = pos.astype("<f4").tobytes()
            self.edges = e.astype("<u4").tobytes()
            self.labels = labels
            self.groups = group_bytes
            self.opacity = b"\xff" * n
            self.edge_strength = b""
            self.messages = b""
            if not self.description or self.description == self._auto_description:
                self.description = default_description
            self._auto_description = default_description

    _n = 0
    _m = 0
    _degree: np.ndarray = np.zeros(0)
    _attention: np.ndarray = np.zeros(0, dtype=np.float32)
    _auto_description = ""

    @property
    def n(self) -> int:
        """Number of people."""
        return self._n

    @property
    def m(self) -> int:
        """Number of ties."""
        return self._m

    @staticmethod
    def _group_bytes(groups: object, n: int) -> bytes:
        g = np.asarray(groups)
        if g.ndim != 1 or len(g) != n:
            raise ValueError(f"groups must have shape ({n},), one code per person; got {g.shape}")
        if g.size and (not np.issubdtype(g.dtype, np.integer) and not np.all(g == np.floor(g))):
            raise ValueError("groups must be integer codes 0, 1 or 2")
        if g.size and (g.min() < 0 or g.max() > 2):
            raise ValueError("groups must be 0 (broadcaster), 1 (interactor) or 2 (other)")
        return g.astype(np.uint8).tobytes()

    def _summary(self, group_bytes: bytes) -> str:
        counts = np.bincount(np.frombuffer(group_bytes, dtype=np.uint8), minlength=3)
        return (
            f"Network of {self._n} people and {self._m} ties: "
            f"{counts[0]} broadcasters (vermillion squares), "
            f"{counts[1]} interactors (blue circles), "
            f"{counts[2]} others (green triangles). "
            "Faint shapes are people whose audience has stopped paying attention."
        )

    # ----------------------------------------------------------------- per frame
    def show(
        self,
        opacity: np.ndarray,
        edge_strength: np.ndarray | None = None,
        messages: np.ndarray | None = None,
        step: int = 0,
    ) -> None:
        """Send one frame: opacity per person and, optionally, strength per tie, in [0, 1],
        and the messages of step ``step`` on the ties (one code per tie, ``forward |
        backward << 2`` with the kinds ``PITCH_IGNORED``, ``PITCH_NOTICED``,
        ``CONVERSATION``; forward is from the tie's first person to its second).

        Values are clipped to [0, 1] and quantized to one byte (a uint8 array is sent as is).
        ``edge_strength=None`` leaves the ties as they are; ``messages=None`` clears the
        messages (as does the switch being off). A trait whose bytes did not change is not
        sent; all changes go in one message.
        """
        op = quantize(opacity, self._n, "opacity")
        es = None if edge_strength is None else quantize(edge_strength, self._m, "edge_strength")
        msg = b""
        if messages is not None:
            codes = pack_messages(messages, self._m, step)  # validates even when switched off
            msg = codes if self.show_messages else b""
        att = np.asarray(opacity)
        self._attention = (
            att.astype(np.float32) / 255.0 if att.dtype == np.uint8 else att.astype(np.float32)
        )
        with self.hold_sync():
            if op != self.opacity:
                self.opacity = op
            if es is not None and es != self.edge_strength:
                self.edge_strength = es
            if msg != self.messages:
                self.messages = msg
            if self.hovered >= 0 and self.hover_formatter is not None:
                self._update_hover_text()

    def set_groups(self, groups: np.ndarray) -> None:
        """Change strategy groups (0 broadcaster, 1 interactor, 2 other), one per person."""
        group_bytes = self._group_bytes(groups, self._n)
        summary = self._summary(group_bytes)
        with self.hold_sync():
            if group_bytes != self.groups:
                self.groups = group_bytes
            if self.description == self._auto_description:
                self.description = summary
            self._auto_description = summary

    # ----------------------------------------------------------------- hover / selection
    def default_hover_text(self, i: int) -> str:
        """Name, group, attention and number of ties of person ``i``."""
        name = self.labels[i] if i < len(self.labels) else f"#{i}"
        g = self.groups[i] if i < len(self.groups) else OTHERS
        group = GROUP_NAMES[g] if g < len(GROUP_NAMES) else GROUP_NAMES[OTHERS]
        att = float(self._attention[i]) if i < len(self._attention) else 1.0
        ties = int(self._degree[i]) if i < len(self._degree) else 0
        return f"{name} ({group})\nattention paid to them: {att:.0%}\nties: {ties}"

    def _update_hover_text(self) -> None:
        i = self.hovered
        if self.hover_formatter is None:
            return
        if not 0 <= i < self._n:
            text = ""
        else:
            try:
                text = str(self.hover_formatter(i))
            except Exception:  # a broken formatter must not break hovering
                log.exception("hover_formatter failed for node %d", i)
                text = self.default_hover_text(i)
        with self.hold_sync():  # text and whom it is about arrive together
            self.hover_for = i
            self.hover_text = text

    @traitlets.observe("show_messages")
    def _on_show_messages(self, change: dict) -> None:
        if not change["new"]:
            self.messages = b""  # switched off: the next frames send none either

    @traitlets.observe("hovered")
    def _on_hovered(self, change: dict) -> None:
        self._update_hover_text()

    @traitlets.validate("selected", "hovered", "highlight")
    def _valid_index(self, proposal: dict) -> int:
        i = int(proposal["value"])
        return i if 0 <= i < self._n else -1

    def on_select(self, callback: Callable[[int], None]) -> Callable[[dict], None]:
        """Call ``callback(index)`` whenever the selection changes (-1 = cleared).

        Returns the observer, for ``view.unobserve(handler, "selected")``.
        """

        def handler(change: dict) -> None:
            callback(change["new"])

        self.observe(handler, "selected")
        return handler

    # ----------------------------------------------------------------- front end
    _esm = front_end("network_view.js")
    _css = front_end("network_view.css")

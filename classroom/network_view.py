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

Projector mode: ``scale`` (0.75 to 3, 1 = normal) enlarges the legend's text and shapes, the
dots, the lines and the selection rings; the layout still fills the canvas.

Motion: none of its own, so ``prefers-reduced-motion: reduce`` is honoured by construction.
A frame is drawn once, when something changed, with no tween between frames and no CSS
transition or animation (a test keeps it so); the only motion is the data's, which the app
can pause.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import anywidget
import numpy as np
import traitlets

from classroom.widget_scale import Scale

__all__ = [
    "BROADCASTERS",
    "GROUP_NAMES",
    "INTERACTORS",
    "OTHERS",
    "PALETTE",
    "NetworkView",
]

log = logging.getLogger(__name__)

#: Group codes used in ``NetworkView.groups`` (one uint8 per person).
BROADCASTERS, INTERACTORS, OTHERS = 0, 1, 2
GROUP_NAMES = ("broadcaster", "interactor", "other")
#: Okabe-Ito colours (vermillion, blue, bluish green); each has at least 3:1 contrast against
#: both the light (#ffffff) and the dark (#121212) background.
PALETTE = ("#D55E00", "#0072B2", "#009E73")
#: Shapes, so that strategy is never told by colour alone.
SHAPES = ("square", "circle", "triangle")

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
    - ``labels``: one name per person.
    - ``selected`` / ``hovered``: index of the selected / hovered person, -1 for none.
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
    labels = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    hovered = traitlets.Int(-1).tag(sync=True, echo_update=False)  # no echo: it only goes up
    hover_text = traitlets.Unicode("").tag(sync=True)
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
            self.hover_text = ""
            self.positions = pos.astype("<f4").tobytes()
            self.edges = e.astype("<u4").tobytes()
            self.labels = labels
            self.groups = group_bytes
            self.opacity = b"\xff" * n
            self.edge_strength = b""
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
    def show(self, opacity: np.ndarray, edge_strength: np.ndarray | None = None) -> None:
        """Send one frame: opacity per person and, optionally, strength per tie, in [0, 1].

        Values are clipped to [0, 1] and quantized to one byte (a uint8 array is sent as is).
        ``edge_strength=None`` leaves the ties as they are. A trait whose bytes did not change
        is not sent; both changes go in one message.
        """
        op = quantize(opacity, self._n, "opacity")
        es = None if edge_strength is None else quantize(edge_strength, self._m, "edge_strength")
        att = np.asarray(opacity)
        self._attention = (
            att.astype(np.float32) / 255.0 if att.dtype == np.uint8 else att.astype(np.float32)
        )
        with self.hold_sync():
            if op != self.opacity:
                self.opacity = op
            if es is not None and es != self.edge_strength:
                self.edge_strength = es
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

    @traitlets.observe("hovered")
    def _on_hovered(self, change: dict) -> None:
        self._update_hover_text()

    @traitlets.validate("selected", "hovered")
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
    _esm = r"""
const COLORS = ["#D55E00", "#0072B2", "#009E73"];
const NAMES = ["Broadcasters", "Interactors", "Others"];
const SINGULAR = ["broadcaster", "interactor", "other"];
const THEMES = {
  light: { bg: "#ffffff", fg: "#111111", edge: "110,110,110", hi: "17,17,17" },
  dark: { bg: "#121212", fg: "#f2f2f2", edge: "200,200,200", hi: "242,242,242" },
};
const MIN_ALPHA = 0.08;     // a faded node is barely visible...
const OUTLINE_ALPHA = 0.32; // ...but its thin outline keeps it findable
const NODE_BUCKETS = 32;
const EDGE_BUCKETS = 16;
let uid = 0;

function bytesOf(v) {
  if (!v) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  return new Uint8Array(0);
}
function aligned(v, bytesPer) {
  const u = bytesOf(v);
  const len = Math.floor(u.byteLength / bytesPer) * bytesPer;
  const copy = new Uint8Array(len);
  copy.set(u.subarray(0, len));
  return copy.buffer;
}

function shapePath(p, g, x, y, r) {
  if (g === 0) {
    const h = r * 0.886; // same area as the circle
    p.rect(x - h, y - h, 2 * h, 2 * h);
  } else if (g === 1) {
    p.moveTo(x + r, y);
    p.arc(x, y, r, 0, 2 * Math.PI);
  } else {
    const R = r * 1.555; // equilateral, same area, centred on its centroid
    p.moveTo(x, y - R);
    p.lineTo(x + R * 0.866, y + R * 0.5);
    p.lineTo(x - R * 0.866, y + R * 0.5);
    p.closePath();
  }
}

function legendIcon(g, faded) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("viewBox", "0 0 14 14");
  svg.setAttribute("aria-hidden", "true");
  let el;
  if (g === 0) {
    el = document.createElementNS(ns, "rect");
    el.setAttribute("x", "2"); el.setAttribute("y", "2");
    el.setAttribute("width", "10"); el.setAttribute("height", "10");
  } else if (g === 1) {
    el = document.createElementNS(ns, "circle");
    el.setAttribute("cx", "7"); el.setAttribute("cy", "7"); el.setAttribute("r", "5.5");
  } else {
    el = document.createElementNS(ns, "polygon");
    el.setAttribute("points", "7,1.5 13,12.5 1,12.5");
  }
  el.setAttribute("fill", COLORS[g]);
  el.setAttribute("stroke", COLORS[g]);
  el.setAttribute("fill-opacity", faded ? String(MIN_ALPHA) : "1");
  el.setAttribute("stroke-opacity", faded ? String(OUTLINE_ALPHA) : "1");
  svg.appendChild(el);
  return svg;
}

function render({ model, el }) {
  const id = `nv-${++uid}-${Math.random().toString(36).slice(2, 8)}`;
  const root = document.createElement("div");
  root.className = "nv-root";
  const legend = document.createElement("div");
  legend.className = "nv-legend";
  const stage = document.createElement("div");
  stage.className = "nv-stage";
  const canvas = document.createElement("canvas");
  canvas.className = "nv-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-roledescription", "network view");
  canvas.setAttribute("aria-describedby", `${id}-help`);
  const tip = document.createElement("div");
  tip.className = "nv-tip";
  tip.setAttribute("aria-hidden", "true");
  const help = document.createElement("div");
  help.className = "nv-sr";
  help.id = `${id}-help`;
  help.textContent = "Arrow keys move the selection to the nearest person in that direction; " +
    "Page Down and Page Up step through people in order; Escape clears the selection.";
  const liveDesc = document.createElement("div");
  liveDesc.className = "nv-sr";
  liveDesc.setAttribute("aria-live", "polite");
  const liveSel = document.createElement("div");
  liveSel.className = "nv-sr";
  liveSel.setAttribute("aria-live", "polite");
  stage.append(canvas, tip);
  root.append(legend, stage, help, liveDesc, liveSel);
  el.appendChild(root);
  const ctx = canvas.getContext("2d");

  // ---- state derived from traits
  let n = 0, m = 0;
  let pos = new Float32Array(0);     // x, y in [0, 1]
  let edges = new Uint32Array(0);
  let groups = new Uint8Array(0);
  let opacity = new Uint8Array(0);
  let strength = new Uint8Array(0);
  let labels = [];
  let adjStart = new Uint32Array(1), adj = new Uint32Array(0); // CSR of incident edges
  let grid = { size: 1, start: new Uint32Array(2), items: new Uint32Array(0) };
  // ---- geometry (CSS pixels)
  let W = 0, H = 0, dpr = 1, scale = 1, ox = 0, oy = 0, radius = 4;
  let zoom = 1;          // the "scale" trait: projector mode draws everything larger
  let hover = -1;        // what the pointer (or keyboard) points at, locally
  let tipFresh = false;  // hover_text arrived for the current hover
  let pending = false;

  function px(i) { return ox + pos[2 * i] * scale; }
  function py(i) { return oy + pos[2 * i + 1] * scale; }

  function readPositions() {
    pos = new Float32Array(aligned(model.get("positions"), 4));
    n = pos.length >> 1;
    // grid index over [0, 1]^2 for hover look-ups
    const size = Math.max(1, Math.min(256, Math.floor(Math.sqrt(n))));
    const count = new Uint32Array(size * size + 1);
    const cellOf = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const cx = Math.min(size - 1, Math.max(0, Math.floor(pos[2 * i] * size)));
      const cy = Math.min(size - 1, Math.max(0, Math.floor(pos[2 * i + 1] * size)));
      cellOf[i] = cy * size + cx;
      count[cellOf[i] + 1]++;
    }
    for (let c = 0; c < size * size; c++) count[c + 1] += count[c];
    const fill = count.slice(0, size * size);
    const items = new Uint32Array(n);
    for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
    grid = { size, start: count, items };
    if (hover >= n) hover = -1;
  }
  function readEdges() {
    edges = new Uint32Array(aligned(model.get("edges"), 4));
    m = edges.length >> 1;
    const deg = new Uint32Array(n + 1);
    for (let k = 0; k < 2 * m; k++) if (edges[k] < n) deg[edges[k] + 1]++;
    for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
    const fill = deg.slice(0, n);
    adj = new Uint32Array(deg[n]);
    for (let e = 0; e < m; e++) {
      const u = edges[2 * e], v = edges[2 * e + 1];
      if (u < n) adj[fill[u]++] = e;
      if (v < n && v !== u) adj[fill[v]++] = e;
    }
    adjStart = deg;
  }
  function readGroups() { groups = bytesOf(model.get("groups")).slice(); drawLegend(); }
  function readOpacity() { opacity = bytesOf(model.get("opacity")).slice(); }
  function readStrength() { strength = bytesOf(model.get("edge_strength")).slice(); }
  function readLabels() { labels = model.get("labels") || []; }
  function readScale() {
    zoom = Math.min(3, Math.max(0.75, Number(model.get("scale")) || 1));
    root.style.setProperty("--nv-scale", String(zoom));
  }
  function readTheme() { root.dataset.theme = model.get("theme") === "dark" ? "dark" : "light"; }
  function readDescription() {
    const d = model.get("description") || "Network view";
    canvas.setAttribute("aria-label", d);
    liveDesc.textContent = d;
  }
  function label(i) { return labels[i] !== undefined ? String(labels[i]) : `#${i}`; }
  function groupOf(i) { return i < groups.length && groups[i] <= 2 ? groups[i] : 2; }

  function drawLegend() {
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[groupOf(i)]++;
    legend.replaceChildren();
    for (let g = 0; g < 3; g++) {
      const item = document.createElement("span");
      item.className = "nv-legend-item";
      item.append(legendIcon(g, false), document.createTextNode(`${NAMES[g]} (${counts[g]})`));
      legend.appendChild(item);
    }
    const faded = document.createElement("span");
    faded.className = "nv-legend-item";
    const fadedText = "faded = faint: no longer listened to";
    faded.append(legendIcon(0, true), document.createTextNode(fadedText));
    legend.appendChild(faded);
    const ties = document.createElement("span");
    ties.className = "nv-legend-item";
    const line = document.createElement("span");
    line.className = "nv-legend-line";
    line.setAttribute("aria-hidden", "true");
    ties.append(line, document.createTextNode("tie (darker = more trust)"));
    legend.appendChild(ties);
  }

  // ---- sizing
  function resize() {
    const w = Math.max(120, Math.floor(stage.clientWidth || 400));
    const vh = window.innerHeight || 800;
    const h = Math.round(Math.min(w, Math.max(260, vh * 0.75)));
    const ratio = window.devicePixelRatio || 1;
    if (w === W && h === H && ratio === dpr) return;
    W = w; H = h; dpr = ratio;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.height = `${H}px`;
    schedule();
  }
  function geometry() {
    const fit = 0.18 * Math.min(W, H) / Math.sqrt(Math.max(1, n));
    radius = zoom * Math.max(2.5, Math.min(9, fit));
    const pad = radius * 1.6 + 4 * zoom;
    scale = Math.max(1, Math.min(W, H) - 2 * pad);
    ox = (W - scale) / 2;
    oy = (H - scale) / 2;
  }

  // ---- drawing (only when something changed; coalesced to one frame)
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }
  function draw() {
    if (!W || !H) return;
    const t0 = performance.now();
    geometry();
    const theme = THEMES[root.dataset.theme] || THEMES.light;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, W, H);
    // ties: one path per trust level
    if (m > 0) {
      const maxA = Math.min(0.55, Math.max(0.12, 12 / Math.sqrt(m)));
      const paths = [];
      for (let b = 0; b < EDGE_BUCKETS; b++) paths.push(new Path2D());
      const uniform = strength.length < m;
      const ub = Math.round(0.6 * (EDGE_BUCKETS - 1));
      for (let e = 0; e < m; e++) {
        const u = edges[2 * e], v = edges[2 * e + 1];
        if (u >= n || v >= n) continue;
        const b = uniform ? ub : (strength[e] * (EDGE_BUCKETS - 1) + 127) / 255 | 0;
        const p = paths[b];
        p.moveTo(px(u), py(u));
        p.lineTo(px(v), py(v));
      }
      ctx.lineWidth = zoom;
      ctx.strokeStyle = `rgb(${theme.edge})`;
      for (let b = 0; b < EDGE_BUCKETS; b++) {
        ctx.globalAlpha = maxA * (0.12 + 0.88 * b / (EDGE_BUCKETS - 1));
        ctx.stroke(paths[b]);
      }
    }
    const sel = model.get("selected");
    // the selected person's ties, on top
    if (sel >= 0 && sel < n && m > 0) {
      ctx.strokeStyle = `rgb(${theme.hi})`;
      ctx.lineWidth = 1.5 * zoom;
      for (let k = adjStart[sel]; k < adjStart[sel + 1]; k++) {
        const e = adj[k];
        const s = strength.length >= m ? strength[e] / 255 : 0.6;
        ctx.globalAlpha = 0.25 + 0.6 * s;
        ctx.beginPath();
        ctx.moveTo(px(edges[2 * e]), py(edges[2 * e]));
        ctx.lineTo(px(edges[2 * e + 1]), py(edges[2 * e + 1]));
        ctx.stroke();
      }
    }
    // people: faint ones first, so attended people sit on top
    const r = radius;
    const buckets = [];
    for (let b = 0; b < NODE_BUCKETS * 3; b++) buckets.push(null);
    for (let i = 0; i < n; i++) {
      const o = i < opacity.length ? opacity[i] : 255;
      const a = Math.max(MIN_ALPHA, o / 255);
      const b = Math.round(a * (NODE_BUCKETS - 1));
      const g = groupOf(i);
      const key = b * 3 + g;
      if (!buckets[key]) buckets[key] = new Path2D();
      shapePath(buckets[key], g, px(i), py(i), r);
    }
    ctx.lineWidth = (r < 4 * zoom ? 0.75 : 1) * zoom;
    for (let b = 0; b < NODE_BUCKETS; b++) {
      const a = Math.max(MIN_ALPHA, b / (NODE_BUCKETS - 1));
      for (let g = 0; g < 3; g++) {
        const p = buckets[b * 3 + g];
        if (!p) continue;
        ctx.fillStyle = COLORS[g];
        ctx.strokeStyle = COLORS[g];
        ctx.globalAlpha = a;
        ctx.fill(p);
        ctx.globalAlpha = Math.max(OUTLINE_ALPHA, a);
        ctx.stroke(p);
      }
    }
    // hover and selection rings
    ctx.globalAlpha = 1;
    if (hover >= 0 && hover < n && hover !== sel) {
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 1.5 * zoom;
      ctx.beginPath();
      ctx.arc(px(hover), py(hover), r * 1.6 + 2 * zoom, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (sel >= 0 && sel < n) {
      ctx.beginPath();
      ctx.arc(px(sel), py(sel), r * 1.6 + 3 * zoom, 0, 2 * Math.PI);
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 5 * zoom;
      ctx.stroke();
      ctx.strokeStyle = theme.fg;
      ctx.lineWidth = 2.5 * zoom;
      ctx.stroke();
    }
    // for tests and the curious: how many redraws, and how long the last one took
    canvas.dataset.draws = String(Number(canvas.dataset.draws || 0) + 1);
    canvas.dataset.drawMs = (performance.now() - t0).toFixed(1);
  }

  // ---- hit testing
  function nearest(x, y, maxPx) {
    if (!n) return -1;
    const gx = (x - ox) / scale, gy = (y - oy) / scale, rr = maxPx / scale;
    const size = grid.size;
    const cell = (v) => Math.min(size - 1, Math.max(0, Math.floor(v * size)));
    const c0 = cell(gx - rr), c1 = cell(gx + rr), r0 = cell(gy - rr), r1 = cell(gy + rr);
    let best = -1, bestD = maxPx * maxPx;
    for (let cy = r0; cy <= r1; cy++) {
      for (let cx = c0; cx <= c1; cx++) {
        const c = cy * size + cx;
        for (let k = grid.start[c]; k < grid.start[c + 1]; k++) {
          const i = grid.items[k];
          const dx = px(i) - x, dy = py(i) - y, d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }
  function pointer(ev) {
    const rect = canvas.getBoundingClientRect();
    return [ev.clientX - rect.left, ev.clientY - rect.top];
  }
  function hitRadius(ev) { return radius + (ev.pointerType === "touch" ? 12 : 5 * zoom); }

  // ---- tooltip
  function tipText() {
    const t = model.get("hover_text");
    return tipFresh && t ? t : label(hover);
  }
  function placeTip(x, y) {
    if (hover < 0) { tip.style.display = "none"; return; }
    tip.textContent = tipText();
    tip.style.display = "block";
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    let left = x + 14, top = y + 14;
    if (left + tw > W) left = Math.max(0, x - 14 - tw);
    if (top + th > H) top = Math.max(0, y - 14 - th);
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }
  let tipX = 0, tipY = 0;
  // Python's text counts only if it is about the person under the pointer now.
  function hoverTextArrived() {
    tipFresh = model.get("hover_for") === hover;
    if (hover >= 0) placeTip(tipX, tipY);
  }
  function setHover(i, x, y) {
    tipX = x; tipY = y;
    if (i !== hover) {
      hover = i;
      tipFresh = false;
      model.set("hovered", i);
      model.save_changes();
      schedule();
    }
    placeTip(x, y);
  }

  // ---- selection
  function announce(i) {
    liveSel.textContent =
      i >= 0 ? `Selected ${label(i)}, ${SINGULAR[groupOf(i)]}.` : "Selection cleared.";
  }
  function select(i, fromKeyboard) {
    model.set("selected", i);
    if (fromKeyboard) {
      if (i >= 0) setHover(i, px(i), py(i)); else setHover(-1, 0, 0);
    }
    model.save_changes();
    announce(i);
    schedule();
  }
  function nearestToCentre() {
    let best = -1, bestD = Infinity;
    for (let i = 0; i < n; i++) {
      const dx = pos[2 * i] - 0.5, dy = pos[2 * i + 1] - 0.5, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  }
  function step(cur, dx0, dy0) {
    const x0 = pos[2 * cur], y0 = pos[2 * cur + 1];
    let best = -1, bestS = Infinity, inCone = false;
    for (let j = 0; j < n; j++) {
      if (j === cur) continue;
      const dx = pos[2 * j] - x0, dy = pos[2 * j + 1] - y0;
      const along = dx * dx0 + dy * dy0;
      if (along <= 1e-9) continue;
      const perp = Math.abs(dx * dy0 - dy * dx0);
      const cone = perp <= along;
      const s = along + 2 * perp;
      if ((cone && !inCone) || (cone === inCone && s < bestS)) {
        best = j; bestS = s; inCone = cone;
      }
    }
    return best;
  }

  // ---- events
  const onMove = (ev) => {
    const [x, y] = pointer(ev);
    const i = nearest(x, y, hitRadius(ev));
    canvas.style.cursor = i >= 0 ? "pointer" : "default";
    setHover(i, x, y);
  };
  const onLeave = () => setHover(-1, 0, 0);
  const onClick = (ev) => {
    const [x, y] = pointer(ev);
    // The person highlighted under the pointer is the one clicked: a click's coordinates
    // are rounded to whole pixels where a move's are not, and in a crowd of dots half a
    // pixel can point at a neighbour.
    const still = hover >= 0 && Math.abs(x - tipX) < 1.5 && Math.abs(y - tipY) < 1.5;
    const i = still ? hover : nearest(x, y, hitRadius(ev));
    if (i < 0) return;
    select(i === model.get("selected") ? -1 : i, false);
  };
  const onKey = (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const dirs = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const cur = model.get("selected");
    const has = cur >= 0 && cur < n;
    let next = null;
    if (dirs[ev.key]) {
      next = has ? step(cur, dirs[ev.key][0], dirs[ev.key][1]) : nearestToCentre();
      if (next < 0) next = cur; // nothing further that way: stay
    } else if (ev.key === "PageDown" && n) {
      next = has ? (cur + 1) % n : 0;
    } else if (ev.key === "PageUp" && n) {
      next = has ? (cur - 1 + n) % n : n - 1;
    } else if (ev.key === "Enter" || ev.key === " ") {
      next = has ? cur : nearestToCentre();
    } else if (ev.key === "Escape" && has) {
      next = -1;
    }
    if (next === null) return;
    ev.preventDefault();
    select(next, true);
  };
  const onBlur = () => { if (hover >= 0) setHover(-1, 0, 0); };
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerleave", onLeave);
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("keydown", onKey);
  canvas.addEventListener("blur", onBlur);

  // ---- trait changes
  const handlers = {
    "change:positions": () => { readPositions(); readEdges(); drawLegend(); schedule(); },
    "change:edges": () => { readEdges(); schedule(); },
    "change:groups": () => { readGroups(); schedule(); },
    "change:opacity": () => { readOpacity(); schedule(); },
    "change:edge_strength": () => { readStrength(); schedule(); },
    "change:labels": () => { readLabels(); },
    "change:selected": () => schedule(),
    "change:hover_text": () => hoverTextArrived(),
    "change:hover_for": () => hoverTextArrived(),
    "change:theme": () => { readTheme(); schedule(); },
    "change:scale": () => { readScale(); schedule(); },
    "change:description": () => readDescription(),
  };
  for (const [ev, fn] of Object.entries(handlers)) model.on(ev, fn);

  readScale(); readTheme(); readDescription(); readLabels();
  readPositions(); readEdges(); readGroups(); readOpacity(); readStrength();
  const ro = new ResizeObserver(() => resize());
  ro.observe(stage);
  const onDpr = () => resize();
  window.addEventListener("resize", onDpr);
  resize();
  schedule();

  return () => {
    ro.disconnect();
    window.removeEventListener("resize", onDpr);
    for (const [ev, fn] of Object.entries(handlers)) model.off(ev, fn);
  };
}

export default { render };
"""

    _css = r"""
.nv-root { position: relative; box-sizing: border-box; width: 100%; padding: 6px;
  border-radius: 6px; background: #ffffff; color: #1a1a1a;
  font: calc(13px * var(--nv-scale, 1))/1.35 system-ui, -apple-system, "Segoe UI", Roboto,
    sans-serif; }
.nv-root[data-theme="dark"] { background: #121212; color: #ececec; }
.nv-legend { display: flex; flex-wrap: wrap; align-items: center;
  gap: calc(4px * var(--nv-scale, 1)) calc(16px * var(--nv-scale, 1)); margin: 0 2px 6px; }
.nv-legend svg { width: calc(14px * var(--nv-scale, 1)); height: calc(14px * var(--nv-scale, 1));
  flex: none; }
.nv-legend-item { display: inline-flex; align-items: center; gap: 5px; white-space: nowrap; }
.nv-legend-line { display: inline-block; width: calc(16px * var(--nv-scale, 1));
  border-top: calc(2px * var(--nv-scale, 1)) solid #6e6e6e; }
.nv-root[data-theme="dark"] .nv-legend-line { border-top-color: #c8c8c8; }
.nv-stage { position: relative; width: 100%; }
.nv-canvas { display: block; width: 100%; border-radius: 4px; touch-action: manipulation; }
.nv-canvas:focus { outline: none; }
.nv-canvas:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
.nv-root[data-theme="dark"] .nv-canvas:focus-visible { outline-color: #8ab4f8; }
.nv-tip { position: absolute; display: none; z-index: 10; pointer-events: none;
  max-width: calc(280px * var(--nv-scale, 1)); padding: 4px 8px; border: 1px solid #8a8a8a;
  border-radius: 4px;
  background: #ffffff; color: #111111; white-space: pre-line;
  box-shadow: 0 2px 6px rgba(0, 0, 0, 0.2); }
.nv-root[data-theme="dark"] .nv-tip { background: #2a2a2a; color: #f2f2f2; border-color: #777; }
.nv-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
"""

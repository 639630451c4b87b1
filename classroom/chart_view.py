"""A live line chart for the classroom app: a small canvas widget that works offline.

Why not Altair, Plotly or matplotlib: their JavaScript comes from a CDN (the classroom
machine may be offline) or they cost too much per frame. This widget sends the full run
once (``history``, float32 bytes) and then one tiny message per frame (:meth:`LineChart.append`:
about 50 bytes of JSON content for three series, ~0.7 KB on the wire with the Jupyter message
envelope; 7 charts at 10 frames/s measured ~5 KB per frame).

Python side::

    chart = LineChart(title="Trust earned", y_label="trust (0-1)", y_min=0.0, y_max=1.0,
                      series=[{"key": "broadcasters", "label": "Broadcasters"},
                              {"key": "interactors", "label": "Interactors"}])
    chart.append(0, {"broadcasters": 0.5, "interactors": 0.5})   # per frame
    chart.reset(keep=True)      # new run; the old one stays as a faint "ghost"
    chart.cursor = 12           # replaying step 12: a cursor there, the legend at step 12
    chart.data                  # the current run, shape (n, 1 + len(series))

A view that connects later (a page reload on the same kernel, a second view of the same
widget) asks Python for a resync: :meth:`LineChart.sync` sets ``history`` from the Python copy.

Accessibility: series differ by dash and marker as well as colour; text on the canvas meets
4.5:1 and lines 3:1 against the background; the canvas has a text alternative (title, latest
values) and a hidden table of the last values for screen readers; the PNG button is a real
button, at least 24 px, with a visible focus ring. ``scale`` (projector mode) enlarges
everything drawn, the chart's height included.

Motion: each frame is drawn once, when data arrive; there is no tween between frames and no
CSS transition or animation, so ``prefers-reduced-motion: reduce`` has nothing to turn off
here. The only motion is the data's own, which the app can pause.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping, Sequence

import anywidget
import numpy as np
import traitlets as t

from classroom.front_end import front_end
from classroom.widget_scale import Scale

__all__ = ["LineChart", "MAX_GHOSTS", "DEFAULT_COLORS", "DEFAULT_DASHES", "MARKERS"]


#: At most this many earlier runs are kept as ghosts.
MAX_GHOSTS = 3

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), without yellow.
DEFAULT_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Dash patterns in CSS pixels; [] is a solid line. Series never differ by colour alone.
DEFAULT_DASHES = ([], [7, 4], [2, 3], [10, 3, 2, 3], [4, 2, 1, 2], [1, 4])
MARKERS = ("square", "circle", "triangle")

_ESM = front_end("chart_view.js")
_CSS = front_end("chart_view.css")


def _short(v: float) -> float | int | None:
    """A float for the per-frame JSON: 7 significant digits (float32's), NaN/inf -> null."""
    v = float(v)
    if not math.isfinite(v):
        return None
    if v.is_integer() and abs(v) < 2**53:
        return int(v)
    return float(f"{v:.7g}")


class LineChart(anywidget.AnyWidget):
    """A live line chart: full run in ``history`` (bytes), per-frame points by message.

    ``series``: list of dicts with ``key`` (required), ``label``, ``color``, ``dash`` (list of
    numbers, [] = solid), ``marker`` ("square", "circle", "triangle"); missing fields get
    colour-blind-safe defaults, and every series gets its own dash and marker.
    Rows of ``history`` and ``ghosts`` are ``[t, value per series in series order]`` as
    little-endian float32; NaN = no value; in ``ghosts`` a row of all-NaN ends a run.
    Changing ``series`` clears the run and the ghosts (their columns no longer fit).
    """

    _esm = _ESM
    _css = _CSS

    title = t.Unicode("").tag(sync=True)
    y_label = t.Unicode("").tag(sync=True)
    x_label = t.Unicode("step").tag(sync=True)
    series = t.List(t.Dict(), default_value=[]).tag(sync=True)
    y_min = t.Float(None, allow_none=True).tag(sync=True)
    y_max = t.Float(None, allow_none=True).tag(sync=True)
    history = t.Bytes(b"").tag(sync=True)
    ghosts = t.Bytes(b"").tag(sync=True)
    theme = t.Enum(["light", "dark"], default_value="light").tag(sync=True)
    description = t.Unicode("").tag(sync=True)
    #: Height in CSS pixels at scale 1 (the width follows the container).
    height = t.Int(280).tag(sync=True)
    #: Size of text, lines and markers (projector mode: e.g. 1.6); the height grows with it.
    #: From ``SCALE_MIN`` to ``SCALE_MAX`` (0.75 to 3), 1 = normal.
    scale = Scale(1.0).tag(sync=True)
    #: The step being replayed (None: the present): a dashed upright line marks it, and the
    #: legend and the text alternative give the values of that step.
    cursor = t.Float(None, allow_none=True).tag(sync=True)

    def __init__(self, **kwargs):
        self._lock = threading.RLock()
        self._buf = np.empty((0, 1), dtype=np.float64)
        self._n = 0
        self._ghost_runs: list[np.ndarray] = []
        super().__init__(**kwargs)
        self._clear(len(self.series))
        self.on_msg(self._on_front_end_msg)

    # -- traits ----------------------------------------------------------------------------
    @t.validate("series")
    def _valid_series(self, proposal):
        out, seen = [], set()
        for i, s in enumerate(proposal["value"]):
            if "key" not in s:
                raise t.TraitError(f"series[{i}] needs a 'key'")
            key = str(s["key"])
            if key in seen:
                raise t.TraitError(f"series key {key!r} appears twice")
            seen.add(key)
            marker = s.get("marker", MARKERS[i % len(MARKERS)])
            if marker not in MARKERS:
                raise t.TraitError(
                    f"series {key!r}: marker must be one of {MARKERS}, not {marker!r}"
                )
            dash = s.get("dash", DEFAULT_DASHES[i % len(DEFAULT_DASHES)])
            out.append(
                {
                    "key": key,
                    "label": str(s.get("label", key)),
                    "color": str(s.get("color", DEFAULT_COLORS[i % len(DEFAULT_COLORS)])),
                    "dash": [float(d) for d in dash],
                    "marker": marker,
                }
            )
        return out

    @t.observe("series")
    def _series_changed(self, change):
        if not hasattr(self, "_lock"):
            return
        old = change["old"] or []
        if [s["key"] for s in old] != [s["key"] for s in change["new"]]:
            with self._lock, self.hold_sync():
                self._clear(len(change["new"]))
                self._ghost_runs = []
                self.history = b""
                self.ghosts = b""

    @property
    def series_keys(self) -> list[str]:
        return [s["key"] for s in self.series]

    # -- data ------------------------------------------------------------------------------
    def _clear(self, nseries: int) -> None:
        self._buf = np.empty((256, nseries + 1), dtype=np.float64)
        self._n = 0

    @property
    def data(self) -> np.ndarray:
        """The current run: float64 array of shape (n, 1 + len(series)), columns [t, *keys]."""
        with self._lock:
            return self._buf[: self._n].copy()

    @property
    def ghost_runs(self) -> list[np.ndarray]:
        """The earlier runs drawn faint (oldest first), each like :attr:`data`."""
        with self._lock:
            return [g.copy() for g in self._ghost_runs]

    def _row(self, t_value: float, values: Mapping[str, float] | Sequence[float]) -> np.ndarray:
        keys = self.series_keys
        if isinstance(values, Mapping):
            unknown = [k for k in values if k not in keys]
            if unknown:
                raise ValueError(
                    f"LineChart {self.title!r}: unknown series key(s) {unknown}; "
                    f"the series are {keys}"
                )
            missing = [k for k in keys if k not in values]
            if missing:
                raise ValueError(
                    f"LineChart {self.title!r}: no value for series key(s) {missing} "
                    f"(pass float('nan') for 'no value'); the series are {keys}"
                )
            vals = [values[k] for k in keys]
        else:
            vals = list(values)
            if len(vals) != len(keys):
                raise ValueError(
                    f"LineChart {self.title!r}: {len(vals)} values for {len(keys)} series {keys}"
                )
        row = np.empty(len(keys) + 1, dtype=np.float64)
        row[0] = float(t_value)
        row[1:] = [float(v) for v in vals]
        return row

    def append(self, t: float, values: Mapping[str, float] | Sequence[float]) -> None:
        """Add one time point to the run and send only it to the browser (no history resend).

        ``values`` maps every series key to its value (NaN = no value); a sequence in
        ``series`` order also works. Unknown or missing keys raise ``ValueError``.
        """
        row = self._row(t, values)
        with self._lock:
            if self._n == self._buf.shape[0]:
                grown = np.empty((max(256, 2 * self._n), self._buf.shape[1]), dtype=np.float64)
                grown[: self._n] = self._buf[: self._n]
                self._buf = grown
            self._buf[self._n] = row
            self._n += 1
            # Sent under the lock so the browser sees appends and resyncs in data order.
            self.send({"append": [_short(v) for v in row]})

    def set_data(self, rows: np.ndarray | Iterable[Sequence[float]]) -> None:
        """Replace the current run by ``rows`` ([t, *values] each) and sync it to the browser."""
        arr = self._check_rows(rows, "rows")
        with self._lock:
            self._buf = np.empty((max(256, len(arr)), arr.shape[1]), dtype=np.float64)
            self._buf[: len(arr)] = arr
            self._n = len(arr)
            self.sync()

    def sync(self) -> None:
        """Set ``history`` from the Python copy (sends it only if it changed)."""
        with self._lock:
            self.history = self._buf[: self._n].astype("<f4").tobytes()

    def reset(
        self,
        ghost_runs: list[np.ndarray] | None = None,
        *,
        keep: bool | int = False,
    ) -> None:
        """Start a new, empty run.

        ``keep``: True (or a count, at most ``MAX_GHOSTS``) moves the current run into the
        ghosts, keeping the newest ``MAX_GHOSTS`` (or the count given) ghost runs; False
        drops the ghosts. ``ghost_runs`` (oldest first) replaces the ghosts with given runs
        (e.g. from a shared store); with ``keep`` the current run is added after them.
        """
        limit = MAX_GHOSTS if keep is True else max(0, min(MAX_GHOSTS, int(keep)))
        with self._lock, self.hold_sync():
            if ghost_runs is not None:
                runs = [self._check_rows(g, "ghost run") for g in ghost_runs]
                cap = limit or MAX_GHOSTS  # given ghosts are drawn whatever ``keep`` says
            else:
                runs = list(self._ghost_runs) if limit else []
                cap = limit
            if limit and self._n:
                runs.append(self._buf[: self._n].copy())
            runs = [r for r in runs if len(r)][-cap:] if cap else []
            self._ghost_runs = runs
            self._clear(len(self.series))
            self.ghosts = self._encode_ghosts(runs)
            self.sync()

    def _check_rows(self, rows, what: str) -> np.ndarray:
        arr = np.asarray(rows, dtype=np.float64)
        ncol = len(self.series) + 1
        if arr.size == 0:
            return np.empty((0, ncol), dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != ncol:
            raise ValueError(
                f"LineChart {self.title!r}: {what} must have shape (n, {ncol}) "
                f"([t, {', '.join(self.series_keys)}]), not {arr.shape}"
            )
        return arr

    @staticmethod
    def _encode_ghosts(runs: list[np.ndarray]) -> bytes:
        if not runs:
            return b""
        ncol = runs[0].shape[1]
        sep = np.full((1, ncol), np.nan)
        parts = []
        for r in runs:
            if parts:
                parts.append(sep)
            parts.append(r)
        return np.vstack(parts).astype("<f4").tobytes()

    # -- front end -------------------------------------------------------------------------
    def _on_front_end_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("sync"):
            self.sync()

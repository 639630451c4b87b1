"""The room's pooled results, drawn for the projector.

When every student runs an exercise's check on a seed of their own
(``workshop.checks.run_check(n, seeds=(seed,))``), each run gives one number, the check's
``value``. :func:`dot_plot_svg` draws the class's numbers as one distribution: a number line,
one dot per student (binned, dots of a bin stacked), the median and, if given, a reference
line (the model's five-seed value, say). :func:`tally_svg` draws the room's predictions as
horizontal bars, the model's answer marked by a hatch, a thick outline and a word, never by
colour alone.

Both return a self-contained SVG string: no script, no external file, a white background of
its own, Okabe-Ito colours, text of at least 14 px, and a ``<title>`` and ``<desc>`` that say
the numbers in words for screen readers. Every piece of text placed into the SVG is escaped
(labels and option texts may come from anywhere), and characters XML cannot carry are
dropped.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Summary", "dot_plot_svg", "population_svg", "rounds_svg", "summarize", "tally_svg"]

# Okabe-Ito colours and the dark ink used for outlines and text.
INK = "#1a1a1a"
DOT = "#56B4E9"  # sky blue
REFERENCE = "#D55E00"  # vermillion
BAR = "#56B4E9"
HIGHLIGHT = "#E69F00"  # orange, always with a hatch and a thick outline
MUTED = "#595959"  # grey text, 7:1 on white

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TITLE_PX = 20
TEXT_PX = 16
SMALL_PX = 14  # the smallest text drawn anywhere
#: Rough width of a character, as a share of the font size (for wrapping and cutting text).
CHAR_EM = 0.58

# Characters that XML 1.0 cannot hold at all (most control characters, lone surrogates...).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def esc(text: object) -> str:
    """``text`` made safe for an SVG's text and attribute values."""
    return escape(_NOT_XML.sub("", str(text)), quote=True)


def _fits(text: str, px: int, width: float) -> int:
    """How many characters of ``text`` at ``px`` fit in ``width`` pixels (roughly)."""
    return max(1, int(width / (CHAR_EM * px)))


def _cut(text: str, px: int, width: float) -> str:
    n = _fits(text, px, width)
    return text if len(text) <= n else text[: max(0, n - 1)].rstrip() + "…"


def _wrap(text: str, px: int, width: float, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels; the last one cut if need be."""
    n = _fits(text, px, width)
    out: list[str] = []
    words = text.split()
    line = ""
    while words:
        word = words[0]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= n:
            line += " " + word
        else:
            out.append(_cut(line, px, width))
            line = ""
            if len(out) == lines - 1:
                break
            continue
        words.pop(0)
    rest = " ".join(([line] if line else []) + words)
    if rest:
        out.append(_cut(rest, px, width))
    return out or [""]


def _uid(*parts: object) -> str:
    """An id for this drawing, the same for the same input (ids inside one page should not
    clash between two different charts)."""
    return "pooled-" + hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def _text(x: float, y: float, text: str, px: int = TEXT_PX, **attrs: object) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{px}"{extra}>{esc(text)}</text>'


def _svg(width: int, height: int, uid: str, title: str, desc: str, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" font-family="{esc(FONT)}" fill="{INK}">'
    )
    return "\n".join(
        [
            head,
            f'<title id="{uid}-title">{esc(title)}</title>',
            f'<desc id="{uid}-desc">{esc(desc)}</desc>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
        ]
    )


# -- numbers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    """The class's values in a few numbers: how many, and of the finite ones the median,
    lowest and highest (NaN when there are none); ``left_out`` counts the values that were
    not a finite number (a run that gave no number)."""

    n: int
    left_out: int
    median: float
    low: float
    high: float

    def in_words(self, fmt: Callable[[float], str] | None = None) -> str:
        fmt = fmt or _fmt
        runs = "1 run" if self.n == 1 else f"{self.n} runs"
        if self.n == 0:
            out = "No results yet."
        elif self.n == 1:
            out = f"{runs}, value {fmt(self.median)}."
        else:
            out = (
                f"{runs}: median {fmt(self.median)}, lowest {fmt(self.low)}, "
                f"highest {fmt(self.high)}."
            )
        if self.left_out:
            were = "1 run gave" if self.left_out == 1 else f"{self.left_out} runs gave"
            out += f" {were} no number and {'is' if self.left_out == 1 else 'are'} left out."
        return out


def _finite(values: Sequence[float]) -> tuple[list[float], int]:
    kept, dropped = [], 0
    for v in values:
        try:
            x = float(v)
        except (TypeError, ValueError):
            dropped += 1
            continue
        if math.isfinite(x):
            kept.append(x)
        else:
            dropped += 1
    return kept, dropped


def summarize(values: Sequence[float]) -> Summary:
    """The :class:`Summary` of ``values`` (NaN, infinite and non-numbers are left out)."""
    kept, dropped = _finite(values)
    if not kept:
        nan = float("nan")
        return Summary(0, dropped, nan, nan, nan)
    s = sorted(kept)
    k = len(s)
    median = s[k // 2] if k % 2 else (s[k // 2 - 1] + s[k // 2]) / 2
    return Summary(k, dropped, median, s[0], s[-1])


def _fmt(x: float) -> str:
    """A value in at most three significant figures, without "-0"."""
    text = f"{x:.3g}"
    return "0" if text in ("-0", "-0.0") else text


def _nice_ticks(lo: float, hi: float, target: int = 5) -> tuple[float, float, list[float], int]:
    """Round ends around [lo, hi], ticks between them, and the decimals the ticks need."""
    if not hi > lo:
        half = max(abs(lo) * 0.1, 0.05)
        lo, hi = lo - half, hi + half
    raw = (hi - lo) / target
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if step / 10**-decimals % 1:  # 2.5 x 10^k needs one more decimal
        decimals += 1
    ticks = [round(i * step, decimals + 2) for i in range(first, last + 1)]
    return ticks[0], ticks[-1], ticks, decimals


# -- the distribution ------------------------------------------------------------------------
def dot_plot_svg(
    values: Sequence[float],
    label: str,
    *,
    reference: float | None = None,
    width: int = 640,
    height: int = 220,
    reference_label: str = "reference",
    fmt: Callable[[float], str] | None = None,
) -> str:
    """The class's ``values`` as one distribution (an SVG string): a number line with ticks,
    one dot per finite value (values falling in the same bin are stacked), the median, and
    ``reference`` as a dashed line named ``reference_label`` in the legend. ``label`` (what
    the values measure) is the title. ``fmt`` formats the median, the extremes and the
    reference (three significant figures unless given). Values that are not finite numbers
    are left out of the drawing and counted in the description."""
    fmt = fmt or _fmt
    width, height = max(int(width), 320), max(int(height), 160)
    kept, _ = _finite(values)
    summary = summarize(values)
    if reference is not None and not math.isfinite(float(reference)):
        reference = None
    uid = _uid("dots", tuple(kept), summary.left_out, label, reference, width, height)
    pad = 20
    title_lines = _wrap(label, TITLE_PX, width - 2 * pad, lines=3)
    height += TITLE_PX * max(0, len(title_lines) - 2)  # a long label makes the chart taller
    desc = f"Distribution of the class's results: {label}. {summary.in_words(fmt)}"
    if reference is not None:
        desc += f" {reference_label[:1].upper()}{reference_label[1:]}: {fmt(reference)}."
    body = [
        _text(pad, 8 + TITLE_PX * (i + 1), line, TITLE_PX, font_weight="bold")
        for i, line in enumerate(title_lines)
    ]
    top = 8 + TITLE_PX * len(title_lines) + 12
    legend_y = height - 10
    axis_y = legend_y - TEXT_PX - 36
    if not kept:
        message = "No results yet"
        if summary.left_out:
            message += f" ({summary.left_out} without a number)"
        body.append(
            _text(width / 2, (top + axis_y) / 2 + 8, message, TEXT_PX + 2, text_anchor="middle")
        )
        return _svg(width, height, uid, f"{label}: no results yet", desc, body)

    lo, hi = summary.low, summary.high
    if reference is not None:
        lo, hi = min(lo, reference), max(hi, reference)
    lo, hi, ticks, decimals = _nice_ticks(lo, hi)
    x0, x1 = pad + 10, width - pad - 10
    span = hi - lo

    def x_of(v: float) -> float:
        return x0 + (v - lo) / span * (x1 - x0)

    # Stack height available; the dots shrink (and, at the smallest, stand side by side in
    # their bin) until the tallest stack fits.
    room = max(axis_y - 6 - top, 20)
    for r in (8.0, 7.0, 6.0, 5.0, 4.0):
        bins = _bins(kept, lo, span, x1 - x0, 2 * r + 1)
        tallest = max(len(b) for b in bins.values())
        if tallest * (2 * r + 1) <= room:
            break
    body.append(
        f'<line x1="{x0:.1f}" y1="{axis_y:.1f}" x2="{x1:.1f}" y2="{axis_y:.1f}" '
        f'stroke="{INK}" stroke-width="2"/>'
    )
    for t in ticks:
        x = x_of(t)
        body.append(
            f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 7:.1f}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        body.append(
            _text(x, axis_y + 8 + TEXT_PX, f"{t:.{decimals}f}", TEXT_PX, text_anchor="middle")
        )
    step = 2 * r + 1
    dots = []
    for index, members in sorted(bins.items()):
        cx = x0 + (index + 0.5) * step
        cols = max(1, math.ceil(len(members) * step / room))
        for k, _v in enumerate(members):
            row, col = divmod(k, cols)
            x = cx + (col - (cols - 1) / 2) * step
            y = axis_y - 4 - r - row * step
            dots.append(
                f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{DOT}" '
                f'stroke="{INK}" stroke-width="1.5"/>'
            )
    body.append(f'<g class="dots">{"".join(dots)}</g>')
    # the median: a solid black line over the dots; the reference: a dashed vermillion one
    mx = x_of(summary.median)
    body.append(
        f'<line class="median" x1="{mx:.1f}" y1="{top - 4:.1f}" x2="{mx:.1f}" '
        f'y2="{axis_y:.1f}" stroke="{INK}" stroke-width="3"/>'
    )
    legend = [("median", f"median {fmt(summary.median)}", f'stroke="{INK}" stroke-width="3"')]
    if reference is not None:
        rx = x_of(reference)
        body.append(
            f'<line class="reference" x1="{rx:.1f}" y1="{top - 4:.1f}" x2="{rx:.1f}" '
            f'y2="{axis_y:.1f}" stroke="{REFERENCE}" stroke-width="3" stroke-dasharray="8 5"/>'
        )
        legend.append(
            (
                "reference",
                f"{reference_label} {fmt(reference)}",
                f'stroke="{REFERENCE}" stroke-width="3" stroke-dasharray="8 5"',
            )
        )
    x = pad
    for _, text, stroke in legend:
        body.append(
            f'<line x1="{x:.1f}" y1="{legend_y - 5:.1f}" x2="{x + 26:.1f}" '
            f'y2="{legend_y - 5:.1f}" {stroke}/>'
        )
        text = _cut(text, TEXT_PX, width / 2 - 50)
        body.append(_text(x + 32, legend_y, text, TEXT_PX))
        x += 32 + len(text) * CHAR_EM * TEXT_PX + 24
    count = f"n = {summary.n}"
    if summary.left_out:
        count += f" (+{summary.left_out} without a number)"
    body.append(_text(width - pad, legend_y, count, TEXT_PX, text_anchor="end", fill=MUTED))
    title = f"{label}: {summary.in_words(fmt)}"
    return _svg(width, height, uid, title, desc, body)


def _bins(values: list[float], lo: float, span: float, plot: float, step: float) -> dict:
    """Bin index -> the values in it, bins ``step`` pixels wide across ``plot`` pixels."""
    count = max(1, int(plot // step))
    out: dict[int, list[float]] = {}
    for v in values:
        i = min(count - 1, max(0, int((v - lo) / span * plot // step)))
        out.setdefault(i, []).append(v)
    return out


# -- the tally -------------------------------------------------------------------------------
def tally_svg(
    counts: dict[str, int],
    labels: dict[str, str] | None = None,
    *,
    highlight: str | None = None,
    title: str = "The room's predictions",
    highlight_label: str = "the model's answer",
    width: int = 640,
) -> str:
    """The prediction tally as horizontal bars (an SVG string): per option its key, its text
    from ``labels`` (if given), the number of students who chose it and their share. Options
    in ``labels`` that nobody chose get an empty bar. The ``highlight`` option (the model's
    answer, once revealed) gets a hatched bar, a thick dark outline and ``highlight_label``
    in words. Counts must be whole numbers from 0 up."""
    labels = dict(labels or {})
    keys = list(labels) + [k for k in counts if k not in labels]
    if highlight is not None and highlight not in keys:
        keys.append(highlight)
    tally = {}
    for k in keys:
        n = counts.get(k, 0)
        if isinstance(n, bool) or int(n) != n or n < 0:
            raise ValueError(f"the count of option {k!r} must be a whole number from 0 up")
        tally[k] = int(n)
    total = sum(tally.values())
    most = max(tally.values(), default=0)
    width = max(int(width), 360)
    pad, line_h, bar_h = 20, TEXT_PX + 4, 30
    uid = _uid("tally", tuple(tally.items()), tuple(labels.items()), highlight, title, width)
    top = 8 + TITLE_PX + 16
    names = {}
    for k in keys:
        name = f"({k})" + (f" {labels[k]}" if labels.get(k) else "")
        if k == highlight:
            name = f"{name} [{highlight_label}]"
        names[k] = _wrap(name, TEXT_PX, width - 2 * pad)
    rows_h = sum(len(names[k]) * line_h + bar_h + 18 for k in keys) if keys else 40
    height = top + rows_h + 8
    head = f"{title} ({total} {'prediction' if total == 1 else 'predictions'})"
    body = [
        "<defs>"
        f'<pattern id="{uid}-hatch" width="10" height="10" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="10" height="10" fill="{HIGHLIGHT}"/>'
        f'<line x1="0" y1="0" x2="0" y2="10" stroke="{INK}" stroke-width="3"/>'
        "</pattern></defs>",
        _text(
            pad, 8 + TITLE_PX, _cut(head, TITLE_PX, width - 2 * pad), TITLE_PX, font_weight="bold"
        ),
    ]
    parts = []
    bar_x, count_w = pad, 150
    bar_w = width - 2 * pad - count_w
    y = top
    for k in keys:
        n = tally[k]
        share = n / total if total else 0.0
        marked = k == highlight
        weight = "bold" if marked else "normal"
        for j, line in enumerate(names[k]):
            body.append(_text(pad, y + TEXT_PX + j * line_h, line, TEXT_PX, font_weight=weight))
        w = bar_w * n / most if most else 0.0
        bar_y = y + len(names[k]) * line_h + 6
        y = bar_y + bar_h + 12
        if marked:
            fill, stroke, sw = f"url(#{uid}-hatch)", INK, 4
        else:
            fill, stroke, sw = BAR, INK, 1.5
        cls = "bar highlight" if marked else "bar"
        if n:
            body.append(
                f'<rect class="{cls}" x="{bar_x:.1f}" y="{bar_y:.1f}" width="{max(w, 3):.1f}" '
                f'height="{bar_h}" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
            )
        else:  # nobody: a thin empty frame, so the row still reads as a bar of zero
            body.append(
                f'<rect class="{cls}" x="{bar_x:.1f}" y="{bar_y:.1f}" width="3" '
                f'height="{bar_h}" fill="none" stroke="{stroke}" stroke-width="{sw}"/>'
            )
        body.append(
            _text(
                bar_x + max(w, 3) + 10,
                bar_y + bar_h / 2 + TEXT_PX * 0.35,
                f"{n} ({round(100 * share)} %)",
                TEXT_PX,
            )
        )
        part = f"({k}) {n}, {round(100 * share)} %"
        if marked:
            part += f", {highlight_label}"
        parts.append(part)
    if not keys:
        body.append(_text(pad, top + TEXT_PX + 16, "No predictions yet", TEXT_PX + 2))
    desc = f"{head}. " + ("; ".join(parts) + "." if parts else "No predictions yet.")
    if total == 0 and keys:
        desc += " Nobody has predicted yet."
    return _svg(width, height, uid, head, desc, body)


# -- the tournament's population over its rounds ---------------------------------------------
#: Okabe-Ito colours for lines without a colour of their own (never the only cue: each line
#: also has its own dash pattern and marker, and its name at its end).
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000")
DASHES = ("", "10 5", "3 4", "12 4 3 4", "6 3", "1 5", "14 3 3 3 3 3")
MARKERS = ("circle", "square", "triangle", "diamond")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    s = 5.5
    style = f'fill="{esc(colour)}" stroke="{INK}" stroke-width="1.5"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {style}/>'
    if kind == "square":
        return (
            f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" '
            f'height="{2 * s:.1f}" {style}/>'
        )
    t = s + 1
    if kind == "triangle":
        corners = [(x, y - t), (x + t, y + s), (x - t, y + s)]
    else:
        corners = [(x, y - t), (x + t, y), (x, y + t), (x - t, y)]
    pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
    return f'<polygon points="{pts}" {style}/>'


def _spread(ys: list[float], gap: float, low: float, high: float) -> list[float]:
    """``ys`` moved apart (keeping their order) so that neighbours are at least ``gap``
    apart, inside [low, high] as far as they fit."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    last = -math.inf
    for i in order:
        out[i] = max(out[i], last + gap, low)
        last = out[i]
    overflow = last - high
    if overflow > 0:
        nxt = math.inf
        for i in reversed(order):
            out[i] = min(out[i], nxt - gap, high)
            nxt = out[i]
    return out


def _line_style(i: int, colours: Sequence) -> tuple[str, str]:
    """Line ``i``'s colour (its own if a valid #RRGGBB was given, else the palette's) and
    its dash attribute (never colour alone)."""
    given = colours[i] if i < len(colours) else ""
    colour = (
        given
        if isinstance(given, str) and _HEX.fullmatch(given)
        else LINE_COLOURS[i % len(LINE_COLOURS)]
    )
    dash = DASHES[i % len(DASHES)]
    return colour, (f' stroke-dasharray="{dash}"' if dash else "")


def _round_axes(body, ticks, decimals, y_of, x_of, count, box, bottom) -> None:
    """The light grid with its values on the left, the axis, and the round numbers under
    it, of a chart over rounds; ``box`` is (left, right, axis) and ``bottom`` where the
    axis's name goes."""
    x0, x1, axis_y = box
    for t in ticks:
        y = y_of(t)
        body.append(
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
        )
        body.append(
            _text(x0 - 8, y + SMALL_PX * 0.35, f"{t:.{decimals}f}", SMALL_PX, text_anchor="end")
        )
    body.append(
        f'<line x1="{x0:.1f}" y1="{axis_y:.1f}" x2="{x1:.1f}" y2="{axis_y:.1f}" '
        f'stroke="{INK}" stroke-width="2"/>'
    )
    every = max(1, math.ceil(count / max(1, int((x1 - x0) // 40))))
    for r in range(0, count, every):
        x = x_of(r)
        body.append(
            f'<line x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 6:.1f}" '
            f'stroke="{INK}" stroke-width="2"/>'
        )
        body.append(_text(x, axis_y + 8 + SMALL_PX, str(r + 1), SMALL_PX, text_anchor="middle"))
    body.append(
        _text((x0 + x1) / 2, bottom + 4, "round", TEXT_PX, text_anchor="middle", fill=MUTED)
    )


def population_svg(
    people: Sequence[Sequence[int]],
    labels: Sequence[str],
    colours: Sequence[str] = (),
    *,
    title: str = "People per strategy, round by round",
    width: int = 760,
    height: int = 360,
) -> str:
    """How many people each strategy held after each evolution round, as lines (an SVG
    string). ``people[r][i]``: the people of strategy ``i`` in round ``r + 1``; ``labels``:
    the strategies' names (any text: escaped); ``colours``: ``#RRGGBB`` per strategy (others,
    or none, take an Okabe-Ito colour). Each line has its own dash pattern and marker, and
    its name and last count at its end, so no line is known by its colour alone."""
    rounds = [list(r) for r in people]
    labels = [str(x) for x in labels]
    n = len(labels)
    for r in rounds:
        if len(r) != n:
            raise ValueError("every round needs one count per strategy")
        for c in r:
            if isinstance(c, bool) or int(c) != c or c < 0:
                raise ValueError("counts must be whole numbers from 0 up")
    width, height = max(int(width), 480), max(int(height), 240)
    uid = _uid("population", tuple(map(tuple, rounds)), tuple(labels), tuple(colours), title)
    pad, label_w = 20, min(260, width // 3)
    head = _cut(title, TITLE_PX, width - 2 * pad)
    body = [_text(pad, 8 + TITLE_PX, head, TITLE_PX, font_weight="bold")]
    parts = []
    for i, name in enumerate(labels):
        seq = [r[i] for r in rounds]
        if seq:
            said = f"{name}: {seq[0]} to {seq[-1]}" if len(seq) > 1 else f"{name}: {seq[0]}"
            if seq[-1] == 0:
                said += " (out)"
            parts.append(said)
    desc = f"{title}, over {len(rounds)} {'round' if len(rounds) == 1 else 'rounds'}. " + (
        "; ".join(parts) + "." if parts else "No rounds played."
    )
    if not rounds or not n:
        body.append(_text(pad, height / 2, "No rounds played yet", TEXT_PX + 2))
        return _svg(width, height, uid, title, desc, body)
    top = 8 + TITLE_PX + 36
    axis_y = height - pad - TEXT_PX - SMALL_PX - 16
    x0, x1 = pad + 48, width - pad - label_w
    most = max(max(r) for r in rounds)
    _, y_hi, ticks, decimals = _nice_ticks(0, max(most, 1))
    ticks = [t for t in ticks if t >= 0]
    if decimals:  # people come whole: whole-number ticks only
        step = max(1, math.ceil(ticks[1] - ticks[0]) if len(ticks) > 1 else 1)
        y_hi = step * math.ceil(max(most, 1) / step)
        ticks, decimals = list(range(0, int(y_hi) + 1, step)), 0

    def y_of(v: float) -> float:
        return axis_y - v / y_hi * (axis_y - top)

    count = len(rounds)

    def x_of(r: int) -> float:
        return (x0 + x1) / 2 if count == 1 else x0 + r / (count - 1) * (x1 - x0)

    _round_axes(body, ticks, decimals, y_of, x_of, count, (x0, x1, axis_y), height - pad)
    body.append(_text(pad, top - 14, "people", SMALL_PX, fill=MUTED))
    ends = [y_of(rounds[-1][i]) for i in range(n)]
    placed = _spread(ends, TEXT_PX + 3, top, axis_y)
    for i, name in enumerate(labels):
        colour, dash_attr = _line_style(i, colours)
        pts = " ".join(f"{x_of(r):.1f},{y_of(rounds[r][i]):.1f}" for r in range(count))
        body.append(
            f'<g class="line"><polyline points="{pts}" fill="none" stroke="{esc(colour)}" '
            f'stroke-width="3.5" stroke-linejoin="round"{dash_attr}/>'
            + "".join(
                _marker(MARKERS[i % len(MARKERS)], x_of(r), y_of(rounds[r][i]), colour)
                for r in range(count)
            )
            + "</g>"
        )
        last = rounds[-1][i]
        end_x, end_y = x_of(count - 1), ends[i]
        label_y = placed[i]
        body.append(
            f'<line x1="{end_x + 8:.1f}" y1="{end_y:.1f}" x2="{x1 + 14:.1f}" y2="{label_y:.1f}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        tail = f": {last}" + (" (out)" if last == 0 else "")
        room = label_w - 24 - len(tail) * CHAR_EM * TEXT_PX
        text = _cut(name, TEXT_PX, max(room, 3 * CHAR_EM * TEXT_PX)) + tail
        body.append(_text(x1 + 18, label_y + TEXT_PX * 0.35, text, TEXT_PX, class_="end-label"))
    return _svg(width, height, uid, f"{title}: {'; '.join(parts)}", desc, body)


# -- numbers over rounds (any numbers, not only counts) ---------------------------------------
def rounds_svg(
    values: Sequence[Sequence[float]],
    labels: Sequence[str],
    colours: Sequence[str] = (),
    *,
    title: str = "Round by round",
    y_label: str = "",
    width: int = 760,
    height: int = 340,
    fmt: Callable[[float], str] | None = None,
) -> str:
    """Numbers of several groups after each round, one line per group (an SVG string).

    ``values[i][r]``: group ``i``'s number after round ``r + 1`` (NaN, None or a missing
    round: the group had no value then, and its line breaks there); ``labels``: the groups'
    names (any text: escaped); ``colours``: ``#RRGGBB`` per group (others take an Okabe-Ito
    colour). As in :func:`population_svg`, each line has its own dash pattern and marker and
    its name with its last value at its end (class ``end-label``), never colour alone.
    ``fmt`` formats the values in the labels and the description (three significant
    figures unless given)."""
    fmt = fmt or _fmt
    labels = [str(x) for x in labels]
    series = []
    for row in list(values)[: len(labels)]:
        out = []
        for x in row:
            try:
                x = float(x)
            except (TypeError, ValueError):
                x = math.nan
            out.append(x if math.isfinite(x) else math.nan)
        series.append(out)
    series += [[] for _ in range(len(labels) - len(series))]
    count = max((len(s) for s in series), default=0)
    series = [s + [math.nan] * (count - len(s)) for s in series]
    width, height = max(int(width), 480), max(int(height), 240)
    uid = _uid("rounds", tuple(map(tuple, series)), tuple(labels), tuple(colours), title, y_label)
    pad, label_w = 20, min(320, int(width * 0.4))
    body = [
        _text(
            pad, 8 + TITLE_PX, _cut(title, TITLE_PX, width - 2 * pad), TITLE_PX, font_weight="bold"
        )
    ]
    parts = []
    for name, seq in zip(labels, series, strict=True):
        finite = [x for x in seq if not math.isnan(x)]
        if finite:
            parts.append(
                f"{name}: {fmt(finite[0])} to {fmt(finite[-1])}"
                if len(finite) > 1
                else f"{name}: {fmt(finite[0])}"
            )
    desc = f"{title}, over {count} {'round' if count == 1 else 'rounds'}. " + (
        "; ".join(parts) + "." if parts else "No rounds played."
    )
    everything = [x for s in series for x in s if not math.isnan(x)]
    if not everything:
        body.append(_text(pad, height / 2, "No rounds played yet", TEXT_PX + 2))
        return _svg(width, height, uid, title, desc, body)
    top = 8 + TITLE_PX + 36
    axis_y = height - pad - TEXT_PX - SMALL_PX - 16
    x0, x1 = pad + 56, width - pad - label_w
    y_lo, y_hi, ticks, decimals = _nice_ticks(min(0.0, min(everything)), max(everything))

    def y_of(v: float) -> float:
        return axis_y - (v - y_lo) / (y_hi - y_lo) * (axis_y - top)

    def x_of(r: int) -> float:
        return (x0 + x1) / 2 if count == 1 else x0 + r / (count - 1) * (x1 - x0)

    _round_axes(body, ticks, decimals, y_of, x_of, count, (x0, x1, axis_y), height - pad)
    if y_label:
        body.append(_text(pad, top - 14, _cut(y_label, SMALL_PX, x1 - pad), SMALL_PX, fill=MUTED))
    shown = [i for i, s in enumerate(series) if any(not math.isnan(x) for x in s)]
    ends = {}
    for i in shown:
        last = max(r for r in range(count) if not math.isnan(series[i][r]))
        ends[i] = (last, series[i][last])
    placed = dict(
        zip(
            shown, _spread([y_of(ends[i][1]) for i in shown], TEXT_PX + 3, top, axis_y), strict=True
        )
    )
    for i in shown:
        seq = series[i]
        colour, dash_attr = _line_style(i, colours)
        runs, run = [], []
        for r in range(count):  # a line per stretch of rounds with a value
            if math.isnan(seq[r]):
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(r)
        if run:
            runs.append(run)
        lines = "".join(
            f'<polyline points="{" ".join(f"{x_of(r):.1f},{y_of(seq[r]):.1f}" for r in stretch)}"'
            f' fill="none" stroke="{esc(colour)}" stroke-width="3.5" stroke-linejoin="round"'
            f"{dash_attr}/>"
            for stretch in runs
        )
        marks = "".join(
            _marker(MARKERS[i % len(MARKERS)], x_of(r), y_of(seq[r]), colour)
            for stretch in runs
            for r in stretch
        )
        body.append(f'<g class="line">{lines}{marks}</g>')
        last, value = ends[i]
        end_x, end_y, label_y = x_of(last), y_of(value), placed[i]
        body.append(
            f'<line x1="{end_x + 8:.1f}" y1="{end_y:.1f}" x2="{x1 + 14:.1f}" y2="{label_y:.1f}" '
            f'stroke="{MUTED}" stroke-width="1"/>'
        )
        tail = f": {fmt(value)}"
        room = label_w - 24 - len(tail) * CHAR_EM * TEXT_PX
        text = _cut(labels[i], TEXT_PX, max(room, 3 * CHAR_EM * TEXT_PX)) + tail
        body.append(_text(x1 + 18, label_y + TEXT_PX * 0.35, text, TEXT_PX, class_="end-label"))
    return _svg(width, height, uid, f"{title}: {'; '.join(parts)}", desc, body)

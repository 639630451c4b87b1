"""The debrief slides: ``python -m workshop slides [--export FILE] [--out DIR]``.

One HTML page per exercise (``NN-slug.html``) and an ``index.html``, to project or to print
(one landscape page each): the exercise's title, the claim it tests in our own words with
where the essay makes it, what the class predicted and what its runs showed, whether the
result is a finding, built into the model or a modelling choice, the debrief note and the
discussion prompts.

Without a room's export (the shipped ``workshop/slides/``) a slide shows the expected
numbers: the check's five-seed runs, as in the answer key; a test fails when they are stale.
With ``--export`` (the JSON of ``networking-classroom export --format json --out
class.json``) each slide shows the class's prediction tally and its pooled check values,
drawn by the room's own charts (:mod:`classroom.room.pooled`), with the five-seed value as
the reference line. Of the export only numbers, option keys and the room's code are used,
and the code is escaped.

Each page is self-contained: the style sheet (``styles/slides.css``) is inlined, and there
are no scripts, fonts or images from anywhere.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from classroom.room.pooled import dot_plot_svg, summarize, tally_svg

from .checks import SEEDS, STEPS, VALUE_LABELS, Outcome, seeds_text
from .exercises import BASES, EXERCISES, Exercise
from .key import outcomes
from .page import html_page, write_page

__all__ = ["ClassResults", "from_export", "render_slide", "write_slides"]

HERE = Path(__file__).resolve().parent
OUT = HERE / "slides"


@dataclass
class ClassResults:
    """What one room did, as the slides need it: per exercise the prediction counts (option
    key -> students) and the check values the students' runs gave."""

    room: str
    predictions: dict[int, Counter] = field(default_factory=dict)
    values: dict[int, list[float]] = field(default_factory=dict)


class ExportError(ValueError):
    """The export file is not a room's export (the message says what is wrong)."""


def from_export(data: dict, code: str | None = None) -> ClassResults:
    """The :class:`ClassResults` of a room's export (one room's JSON, or the export of every
    room, from which ``code`` or else the newest is taken). Predictions whose answer is not
    an option of their exercise, and values that are not numbers, are left out."""
    if not isinstance(data, dict):
        raise ExportError("the export must be a JSON object (networking-classroom export)")
    if "rooms" in data:
        rooms = data["rooms"] if isinstance(data["rooms"], list) else []
        if code is not None:
            rooms = [
                r for r in rooms if isinstance(r, dict) and r.get("room", {}).get("code") == code
            ]
        if not rooms:
            raise ExportError(f"the export holds no room{f' {code}' if code else ''}")
        data = rooms[0]
    room = data.get("room")
    if not isinstance(room, dict) or "code" not in room:
        raise ExportError("the export has no 'room' with a 'code': is it a room's export?")
    keys = {ex.number: set(ex.predict.keys) for ex in EXERCISES}
    out = ClassResults(str(room["code"]))
    for p in data.get("predictions") or []:
        n, answer = p.get("exercise"), p.get("answer")
        if n in keys and answer in keys[n]:
            out.predictions.setdefault(n, Counter())[answer] += 1
    for r in data.get("results") or []:
        n, value = r.get("exercise"), r.get("value")
        if n in keys and isinstance(value, int | float) and not isinstance(value, bool):
            out.values.setdefault(n, []).append(float(value))
    return out


def _predicted(ex: Exercise, klass: ClassResults | None) -> list[str]:
    pred = ex.predict
    counts = klass.predictions.get(ex.number) if klass else None
    if counts:
        labels = {o.key: o.text for o in pred.options}
        total = sum(counts.values())
        return [
            f"<p>{total} prediction{'s' if total != 1 else ''} in room {escape(klass.room)}.</p>",
            tally_svg(
                {k: counts.get(k, 0) for k in pred.keys},
                labels,
                highlight=pred.answer,
                title="The class's predictions",
            ),
        ]
    items = "".join(
        f"<li{' class="answer"' if o.key == pred.answer else ''}>({o.key}) {escape(o.text)}</li>"
        for o in pred.options
    )
    note = (
        "No room's predictions here: take a show of hands and count."
        if klass is None
        else f"Room {escape(klass.room)} made no prediction on this exercise."
    )
    return [f"<p>{note}</p>", f'<ol class="options">{items}</ol>']


def _showed(ex: Exercise, outcome: Outcome | None, klass: ClassResults | None) -> list[str]:
    if outcome is None:
        return [
            "<p>No check: each participant's own run is the result. Ask two or three to show "
            "theirs.</p>"
        ]
    expected = f"expected ({seeds_text(SEEDS)})"
    values = klass.values.get(ex.number) if klass else None
    lines = "".join(f"<li>{escape(line)}</li>" for line in outcome.lines)
    if values:
        summary = summarize(values)
        return [
            f"<p>{escape(summary.in_words())}</p>",
            dot_plot_svg(
                values,
                VALUE_LABELS[ex.number],
                reference=outcome.value,
                reference_label=expected,
            ),
            f'<p class="source">The expected runs ({seeds_text(SEEDS)}, {STEPS} steps each):</p>',
            f'<ul class="lines source">{lines}</ul>',
        ]
    return [
        f"<p>Expected: the check's runs ({seeds_text(SEEDS)}, {STEPS} steps each).</p>",
        f'<ul class="lines">{lines}</ul>',
    ]


def render_slide(ex: Exercise, outcome: Outcome | None, klass: ClassResults | None = None) -> str:
    e = escape
    tests = ex.tests
    numbers = [x.number for x in EXERCISES]
    i = numbers.index(ex.number)
    nav = ['<a href="index.html">All slides</a>']
    if i > 0:
        nav.append(f'<a href="{slide_name(EXERCISES[i - 1])}">Previous</a>')
    if i + 1 < len(EXERCISES):
        nav.append(f'<a href="{slide_name(EXERCISES[i + 1])}">Next</a>')
    basis = BASES[ex.basis]
    prompts = "".join(f"<li>{e(q)}</li>" for q in ex.discussion)
    body = [
        "<header>",
        f'<p class="kicker">Exercise {ex.number} debrief: "{e(ex.name)}"</p>',
        f"<h1>{e(ex.title)}</h1>",
        "</header>",
        f'<p class="claim">{e(tests.label)}: {e(tests.words)}'
        f'<span class="where">Where: {e(tests.where)}.</span></p>',
        '<div class="grid">',
        "<section><h2>What the class predicted</h2>",
        *_predicted(ex, klass),
        "</section>",
        "<section><h2>What the runs showed</h2>",
        *_showed(ex, outcome, klass),
        "</section>",
        "</div>",
        f'<p class="basis"><strong>{e(basis[:1].upper() + basis[1:])}.</strong> '
        f"{e(ex.basis_words)}</p>",
        f"<h2>Debrief</h2><p>{e(ex.debrief)}</p>",
        f"<h2>Discuss</h2><ul>{prompts}</ul>",
        f"<nav>{' '.join(nav)}</nav>",
    ]
    return _page(f"Exercise {ex.number}: {ex.title}", "\n".join(body))


def slide_name(ex: Exercise) -> str:
    return f"{ex.number:02d}-{ex.slug.replace('_', '-')}.html"


def _page(title: str, body: str) -> str:
    return html_page(title, "slides", f"<main>\n{body}\n</main>")


def render_index(klass: ClassResults | None = None) -> str:
    items = "".join(
        f'<li><a href="{slide_name(ex)}">{ex.number}. {escape(ex.title)}</a>'
        f"{' (optional)' if ex.optional else ''}</li>"
        for ex in EXERCISES
    )
    whose = (
        f"with the pooled results of room {escape(klass.room)}"
        if klass
        else "with the expected numbers (no room's results)"
    )
    body = (
        "<header><h1>Debrief slides</h1></header>"
        f"<p>One page per exercise, {whose}. Project one, or print them all (one landscape "
        "page each).</p>"
        f'<ol class="options">{items}</ol>'
    )
    return _page("Debrief slides", body)


def render_all(klass: ClassResults | None = None) -> dict[str, str]:
    """File name -> page, for every slide and the index."""
    found = outcomes()
    pages = {slide_name(ex): render_slide(ex, found.get(ex.number), klass) for ex in EXERCISES}
    pages["index.html"] = render_index(klass)
    return pages


def read_export(path: Path, code: str | None = None) -> ClassResults:
    """A room's export file, read and checked (ExportError naming the problem)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExportError(
            f"{path}: not JSON ({err}); export the room with networking-classroom export "
            "--format json --out FILE.json"
        ) from None
    return from_export(data, code)


def write_slides(out: str | Path = OUT, klass: ClassResults | None = None) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, html in render_all(klass).items():
        written.append(write_page(out / name, html))
    return written

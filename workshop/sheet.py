"""The student sheet: ``python -m workshop sheet`` writes workshop/sheet.html.

Two printed pages at most (``tests/browser/test_print_pages.py`` prints it with Chromium and
counts): the app's address, a glossary of the six words the exercises use, and for every
exercise its neutral name, what it tests (a claim of the essay, an assumption or an
extension, with where in the essay), the link to open, and the prediction to tick with a
line for the reason. It holds no answer, no title or goal that names one, and no hint:
those are in the facilitator's answer key (:mod:`workshop.key`); the tests check it word
by word. One self-contained HTML file: its style inline, no scripts, fonts or images.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import classroom

from .exercises import EXERCISES, Exercise
from .page import html_page, write_page

__all__ = ["GLOSSARY_TERMS", "glossary", "render_sheet", "write_sheet"]

HERE = Path(__file__).resolve().parent
#: The words the sheet defines, in this order, as the About tab's glossary names them.
GLOSSARY_TERMS = ("Step", "Attention", "Trust", "Recall", "Faded", "Won over")
ABOUT = Path(classroom.__file__).resolve().parent / "about.md"


def glossary() -> dict[str, str]:
    """The About tab's glossary (``classroom/about.md``): term -> one-line definition, with
    its Markdown emphasis removed."""
    text = ABOUT.read_text(encoding="utf-8")
    section = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    out = {}
    for item in re.split(r"\n- ", "\n" + section):
        m = re.match(r"\*\*(.+?)\*\*:\s*(.+)", item.strip(), re.S)
        if m:
            out[m.group(1)] = re.sub(r"\s+", " ", m.group(2).replace("*", "")).strip()
    return out


def _exercise(ex: Exercise) -> str:
    e = escape
    pred = ex.predict
    tests = ex.tests
    parts = [
        f'<section class="exercise" id="exercise-{ex.number}">',
        f"<h3>{ex.number}. {e(ex.name)}{' (optional)' if ex.optional else ''}</h3>",
        f'<p class="meta">Tests {e(tests.label.lower())} ({e(tests.cite)}). '
        f"Open <code>{e(ex.path)}</code></p>",
        f"<p>{e(pred.question)}</p>",
        '<ul class="options">',
    ]
    parts += [
        f'<li class="option"><span class="tick"></span>({o.key}) {e(o.text)}</li>'
        for o in pred.options
    ]
    parts += ["</ul>", '<div class="why"><span>Why:</span></div>', "</section>"]
    return "\n".join(parts)


def render_sheet() -> str:
    words = glossary()
    missing = [t for t in GLOSSARY_TERMS if t not in words]
    if missing:
        raise KeyError(f"classroom/about.md's glossary has no {', '.join(missing)}")
    terms = "\n".join(
        f"<div><dt>{escape(t)}:</dt> <dd>{escape(words[t])}</dd></div>" for t in GLOSSARY_TERMS
    )
    body = "\n".join(_exercise(ex) for ex in EXERCISES)
    body = f"""<header class="top">
<div>
<h1>Interruption or interaction?</h1>
<p>Two ways to network, in a simulation you run. <strong>Broadcasters</strong> (orange
squares) send one pitch to all their contacts every step. <strong>Interactors</strong> (blue
circles) hold a two-way conversation with a single contact each step.</p>
<p>For each exercise: <strong>predict</strong> first (tick one answer, write why), then open
the link, <strong>run</strong> it and <strong>explain</strong> what you saw. A wrong guess is
fine: it teaches the most.</p>
</div>
<div class="box">
<p><strong>The app's address</strong> (your facilitator gives it):</p>
<p><span class="blank">&nbsp;</span></p>
<p><strong>Room code:</strong> <span class="blank">&nbsp;</span></p>
<p class="meta">Put the address in front of each link: address<code>/?scenario=half</code></p>
</div>
</header>
<h2>Words you will meet</h2>
<dl class="glossary">
{terms}
</dl>
<h2>The exercises</h2>
<div class="exercises">
{body}
</div>"""
    return html_page("Interruption or interaction? Student sheet", "sheet", body)


def write_sheet(path: str | Path = HERE / "sheet.html") -> Path:
    return write_page(path, render_sheet())

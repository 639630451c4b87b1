"""The participants' handout: ``python -m workshop handout`` writes workshop/handout.html.

One self-contained HTML file (its style inline, no scripts, fonts or images from anywhere),
made from the same exercise data as the guide and the checks, and laid out for printing:
each exercise starts on a new page, with boxes to tick and lines to write on. It never
shows the answers; the checks and the facilitator do.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .exercises import EXERCISES, Exercise

__all__ = ["render_handout", "write_handout"]

HERE = Path(__file__).resolve().parent

CSS = """
:root { --ink: #1a1a1a; --soft: #555; --line: #999; --accent: #0072B2; --warm: #D55E00; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); line-height: 1.45; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; font-size: 11.5pt; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 0; }
h3 { font-size: 1.02rem; margin: 1rem 0 .3rem; text-transform: uppercase;
     letter-spacing: .04em; color: var(--accent); }
.sub { color: var(--soft); margin-top: 0; }
.box { border: 1.5px solid var(--ink); border-radius: 6px; padding: .6rem .8rem;
       margin: .8rem 0; }
.address { font-size: 1.1rem; }
.address .blank { display: inline-block; min-width: 16rem; border-bottom: 1px solid var(--ink); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
       background: #f2f2f2; padding: 0 .25rem; border-radius: 3px; font-size: .95em;
       overflow-wrap: anywhere; }
ul.options { list-style: none; padding-left: 0; }
ul.options li { margin: .35rem 0; padding-left: 1.8rem; text-indent: -1.8rem; }
.tick { display: inline-block; width: .95rem; height: .95rem; border: 1.5px solid var(--ink);
        border-radius: 2px; margin-right: .5rem; vertical-align: -0.12rem; text-indent: 0; }
.lines { margin: .3rem 0 .6rem; }
.lines div { border-bottom: 1px solid var(--line); height: 1.7rem; }
ol.explain > li { margin-bottom: .2rem; }
.real { border-left: 4px solid var(--warm); padding: .3rem .8rem; background: #fdf3ec; }
.exercise { margin-top: 2.5rem; }
.meta { color: var(--soft); font-size: .95rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  .exercise { break-before: page; page-break-before: always; margin-top: 0; }
  code { background: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .real { background: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  li, .box { break-inside: avoid; page-break-inside: avoid; }
}
@page { margin: 15mm; }
"""


def _lines(n: int) -> str:
    return '<div class="lines" aria-hidden="true">' + "<div></div>" * n + "</div>"


def _exercise(ex: Exercise) -> str:
    e = escape
    pred = ex.predict
    parts = [
        f'<section class="exercise" id="exercise-{ex.number}">',
        f"<h2>{ex.number}. {e(ex.title)}{' (optional)' if ex.optional else ''}</h2>",
        f'<p class="meta">About {ex.minutes} minutes. The claim: {e(ex.claim)}</p>',
        f"<p><strong>Goal.</strong> {e(ex.goal)}</p>",
        f"<p><strong>Open:</strong> <code>{e(ex.path)}</code> ({e(ex.link_note)}). "
        "Put the address from the box on the first page in front of it.</p>",
        "<h3>Predict (before you run anything)</h3>",
        f"<p>{e(pred.question)}</p>",
        '<ul class="options">',
    ]
    parts += [f'<li><span class="tick"></span>({o.key}) {e(o.text)}</li>' for o in pred.options]
    parts += ["</ul>", "<p>Why? In your own words:</p>", _lines(3), "<h3>Observe</h3>", "<ol>"]
    parts += [f"<li>{e(step)}</li>" for step in ex.observe]
    parts += ["</ol>", "<h3>Explain</h3>", '<ol class="explain">']
    parts += [f"<li>{e(q)}{_lines(2)}</li>" for q in ex.explain]
    parts += [
        "</ol>",
        f"<p><strong>If the run went against your prediction:</strong> {e(ex.if_surprised)}</p>",
    ]
    if ex.check:
        parts.append(
            f'<p class="box"><strong>Check your answer:</strong> '
            f"<code>python -m workshop check {ex.number} --answer YOUR_LETTER</code> "
            "runs the model several times and says whether the runs agree with "
            "you.</p>"
        )
    if ex.command:
        parts.append(f'<p class="box"><strong>Run:</strong> <code>{e(ex.command)}</code></p>')
    parts += [
        f'<p class="real"><strong>Back to real life.</strong> {e(ex.real_life)}</p>',
        "</section>",
    ]
    return "\n".join(parts)


def render_handout() -> str:
    contents = "".join(
        f'<li><a href="#exercise-{ex.number}">{ex.number}. {escape(ex.title)}</a>'
        f"{' (optional)' if ex.optional else ''}</li>"
        for ex in EXERCISES
    )
    body = "\n".join(_exercise(ex) for ex in EXERCISES)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interruption or interaction? Workshop handout</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>Interruption or interaction?</h1>
<p class="sub">Workshop handout: networking by pitching versus networking by talking, in a
simulation you can run.</p>
</header>
<p class="box address"><strong>The app's address</strong> (your facilitator will give it):
<span class="blank"></span></p>
<p>In the simulation, <strong>broadcasters</strong> (orange squares) push the same pitch to
everyone they know, every step. <strong>Interactors</strong> (blue circles) hold a two-way
conversation with one contact at a time and learn what that contact cares about. The model
follows how much attention people pay each other, how much they trust each other and how
well they remember each other.</p>
<p>Every exercise works the same way. <strong>Predict</strong>: tick one answer and write
down why, before you run anything; there is no penalty for being wrong, and a wrong guess
teaches the most. <strong>Observe</strong>: open the link, run it, look where the exercise
says. <strong>Explain</strong>: answer the questions and compare with your prediction.</p>
<nav aria-label="Exercises"><ul style="list-style: none; padding-left: 0">
{contents}
</ul></nav>
{body}
</body>
</html>
"""


def write_handout(path: str | Path = HERE / "handout.html") -> Path:
    path = Path(path)
    path.write_text(render_handout(), encoding="utf-8")
    return path

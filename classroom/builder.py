"""The Strategy tab: build a networking strategy from plain choices, try it, keep it, send it.

Every control is made from :data:`agents.builder.FIELDS` (label, explanation, options, range
and when a choice matters): nothing is restated here. While the learner chooses, the tab
says in plain words what the strategy does (:meth:`~agents.builder.Recipe.describe`) and
what to know before it runs (``notes``); a combination the builder refuses shows its
message beside the choice it names, and Try it, Export and Submit wait until it is fixed.

- **Try it** plays the strategy against the built-in broadcaster and interactor
  (:func:`workshop.tournament.preview`, a few seconds of CPU) in a thread of the page. One
  preview runs at a time in the whole server (:data:`PREVIEWS`, first come first served):
  a class pressing Try it at once queues, and each page says how many are ahead of it.
- **Watch it in the simulation** registers the strategy and starts the page's run with a
  third of the people each using it, the broadcasters' and the interactors' strategy.
- **Export** downloads the strategy as a Python strategy file
  (:func:`agents.builder.to_file`); **Open a file** reads one back
  (:func:`agents.builder.from_file`), as long as it is unchanged.
- **Submit to the room** (in a room, once joined) enters the strategy into the room's
  tournament (``RoomService.submit_strategy``), replacing the student's earlier one.

Whatever the learner typed, or a file held, is shown only as text. The choices, the last
preview and the last submission live in reactives of this module: per browser tab once the
Solara server runs, so they survive a visit to another tab. :func:`reset` clears them (for
the tests, which render in one process).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import reacton.ipyvuetify as rv
import solara
import solara.lab

from agents.builder import FIELDS, NAME_LENGTH, Recipe, RecipeError, from_file, register_recipe
from agents.builder import to_file as recipe_file
from agents.registry import unregister
from workshop.tournament import PREVIEW_REPLICATES, Preview, entry_from_recipe, preview

from .controls import NamedSlider
from .palette import STRATEGY_COLOURS
from .room.student import ROOM
from .share import Setup
from .upload import FilePicker

__all__ = [
    "CHOICES",
    "MAX_FILE_BYTES",
    "PREVIEWS",
    "PreviewQueue",
    "StrategyBuilder",
    "make_recipe",
    "reset",
    "run_preview",
    "watch_key",
    "watch_mix",
    "watch_setup",
]

STYLE = Path(__file__).with_name("builder.css")
#: The largest strategy file the builder opens (a builder-made file is about 2 KB).
MAX_FILE_BYTES = 64 * 1024
#: The most characters of a message from a file or the room shown on the page.
ECHO = 300
INTRO = (
    "Make your own networking strategy from plain choices. The sentence below says what it "
    "does. Try it against the broadcasters and the interactors, watch it in the simulation, "
    "keep it as a file, or send it to the room."
)
#: The built-in strategies a strategy is tried and watched against.
OPPONENTS = ("interrupt", "interact")

#: The learner's choices, as the controls set them (checked by :func:`make_recipe`).
CHOICES: solara.Reactive[dict] = solara.reactive({})
#: The last preview: (the choices it was for, its Preview), or None.
PREVIEWED: solara.Reactive[tuple | None] = solara.reactive(None)
#: Where a preview is: None (none running), or (ahead of it in the queue, runs done, runs).
PROGRESS: solara.Reactive[tuple | None] = solara.reactive(None)
#: Why the last preview failed ("" when it did not).
PREVIEW_ERROR = solara.reactive("")
#: What opening a file gave: ("error" or "opened", message), or None.
OPENED: solara.Reactive[tuple | None] = solara.reactive(None)


def reset() -> None:
    CHOICES.value = {}
    PREVIEWED.value = None
    PROGRESS.value = None
    PREVIEW_ERROR.value = ""
    OPENED.value = None


def _cut(text: str, limit: int = ECHO) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_recipe(choices: dict) -> tuple[Recipe | None, RecipeError | None]:
    """The recipe the choices make (the defaults for any not made), or the refusal."""
    try:
        return Recipe.from_dict(dict(choices)), None
    except RecipeError as err:
        return None, err


def _digest(recipe: Recipe) -> str:
    text = json.dumps(recipe.to_dict(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def watch_key(recipe: Recipe) -> str:
    """The registry name the recipe is watched under: its key and a digest of its choices.
    Two learners who both call their strategy "My strategy" then never replace each other's
    (the same choices give the same name, and the same strategy)."""
    return f"{recipe.key}_{_digest(recipe)}"


def watch_mix(recipe: Recipe) -> tuple[tuple[str, float], ...]:
    """Register the recipe (see :func:`watch_key`); the ``strategy_mix`` that seats a third
    of the people with it and a third with each built-in."""
    key = watch_key(recipe)
    register_recipe(recipe, key)
    return ((key, 1.0), *((name, 1.0) for name in OPPONENTS))


def watch_setup(current: Setup, mix) -> Setup:
    """The page's setup for watching a mix: the default scenario (the preview's world),
    the mix, one run; the projector switch and the room kept."""
    base = Setup()
    return replace(
        base,
        params={**base.params, "strategy_mix": mix},
        projector=current.projector,
        room=current.room,
    )


# -- one preview at a time ----------------------------------------------------------------------
class PreviewQueue:
    """First come, first served: one holder at a time; the others wait their turn and are
    told how many are ahead of them."""

    def __init__(self):
        self._cond = threading.Condition()
        self._line: list[object] = []

    def waiting(self) -> int:
        with self._cond:
            return len(self._line)

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] = lambda ahead: None) -> Iterator[None]:
        me = object()
        with self._cond:
            self._line.append(me)
        try:
            told = None
            while True:
                with self._cond:
                    ahead = self._line.index(me)
                    if ahead == 0:
                        break
                if ahead != told:  # said outside the lock: a page update may take a moment
                    on_wait(ahead)
                    told = ahead
                with self._cond:
                    self._cond.wait_for(lambda a=ahead: self._line.index(me) != a, timeout=5)
            yield
        finally:
            with self._cond:
                self._line.remove(me)
                self._cond.notify_all()


#: The server's one queue of previews (a module global: shared by every tab).
PREVIEWS = PreviewQueue()


def run_preview(recipe: Recipe, report: Callable[[int, int, int], None] | None = None) -> Preview:
    """Try ``recipe`` (:func:`workshop.tournament.preview`) once its turn comes;
    ``report(ahead, done, total)`` says where it is. It plays under a name of its own,
    removed from the registry afterwards."""
    report = report or (lambda ahead, done, total: None)
    key = f"preview_{recipe.key}_{_digest(recipe)}"
    with PREVIEWS.turn(lambda ahead: report(ahead, 0, PREVIEW_REPLICATES)):
        report(0, 0, PREVIEW_REPLICATES)
        try:
            return preview(
                entry_from_recipe(recipe, key=key),
                progress=lambda done, total: report(0, done, total),
            )
        finally:
            unregister(key)


def _try(choices: dict) -> None:
    """Run in the page's thread (``use_task``): the preview, its progress and its outcome
    into this tab's reactives."""
    recipe, _ = make_recipe(choices)
    if recipe is None:
        return
    PREVIEW_ERROR.value = ""
    PROGRESS.value = (PREVIEWS.waiting(), 0, PREVIEW_REPLICATES)
    try:
        result = run_preview(recipe, lambda *where: setattr(PROGRESS, "value", where))
    except Exception as err:  # a message on the page, never a crashed page
        PREVIEW_ERROR.value = _cut(f"The try could not run: {err}")
    else:
        PREVIEWED.value = (dict(recipe.to_dict()), result)
    finally:
        PROGRESS.value = None


# -- the components -----------------------------------------------------------------------------
@solara.component
def StrategyBuilder(on_watch: Callable[[tuple], None] | None = None, in_room: bool = False):
    """The tab. ``on_watch(mix)`` starts the page's run with a ``strategy_mix`` (see
    :func:`watch_mix`); ``in_room``: the page takes part in a room (the student's seat is
    :data:`classroom.room.student.ROOM`, read here)."""
    solara.Style(STYLE)
    choices = {**{n: f.default for n, f in FIELDS.items()}, **CHOICES.value}
    recipe, error = make_recipe(choices)
    with solara.Column(classes=["builder"]):
        solara.Text(INTRO, classes=["builder-intro"])
        with solara.Row(classes=["builder-main"], gap="24px"):
            with solara.Column(classes=["builder-choices"]):
                Choices(choices, error)
            with solara.Column(classes=["builder-side"]):
                Description(recipe, error)
                TryIt(recipe, on_watch)
                Files(recipe)
                if in_room:
                    RoomSubmit(recipe)


def _set(name: str, value) -> None:
    CHOICES.value = {**CHOICES.value, name: value}


@solara.component
def Choices(choices: dict, error: RecipeError | None):
    """One control per choice of FIELDS, in their order; a choice that does not matter
    with the others as they are is left out. The refusal is shown beside its choice."""
    for name, field in FIELDS.items():
        applies = field.applies
        shown = applies is None or choices.get(applies[0]) in applies[1]
        with solara.Column(gap="0px", classes=["builder-field", f"builder-{name}"]).key(name):
            if shown:
                Control(name, choices[name])
                solara.Text(field.help, classes=["param-help"])
                if error is not None and error.field == name:
                    with rv.Html(tag="div", class_="builder-refusal", attributes={"role": "alert"}):
                        solara.Text(_cut(error.message), classes=["builder-error"])


@solara.component
def Control(name: str, value):
    """The control of choice ``name``, made from its FIELDS declaration."""
    field = FIELDS[name]
    if field.kind == "text":
        rv.TextField(
            label=field.label,
            v_model=value,
            on_v_model=lambda text: _set(name, (text or "")[:NAME_LENGTH]),
            counter=NAME_LENGTH,
            class_="builder-name",
            attributes={"maxlength": NAME_LENGTH},
        )
    elif field.kind == "colour":
        ColourPicker(field.label, value)
    elif field.kind == "choice":
        rv.RadioGroup(
            label=field.label,
            v_model=value,
            on_v_model=lambda key: key in field.options and _set(name, key),
            class_="builder-options",
            children=[
                rv.Radio(label=text, value=key, class_="builder-option")
                for key, text in field.options.items()
            ],
        )
    elif field.kind == "int":
        NamedSlider(
            f"{field.label} {int(value)}",
            int(value),
            int(field.low),
            int(field.high),
            1,
            lambda v: _set(name, int(round(v))),
        )
    else:
        NamedSlider(
            f"{field.label} {float(value):.2f}",
            float(value),
            float(field.low),
            float(field.high),
            0.05,
            lambda v: _set(name, round(float(v), 2)),
        )


@solara.component
def ColourPicker(label: str, value: str):
    """The colours of :data:`~classroom.palette.STRATEGY_COLOURS`, each a button with its
    swatch and its name (never colour alone); the chosen one is pressed."""
    colours = dict(STRATEGY_COLOURS)
    if value.upper() not in (c.upper() for c in colours.values()):
        colours[f"Your own {value}"] = value  # from a file: kept, and named
    solara.Text(label, classes=["builder-colour-label"])
    with solara.Row(classes=["builder-colours"], gap="6px"):
        for colour_name, hex_ in colours.items():
            chosen = hex_.upper() == value.upper()
            swatch = rv.Html(
                tag="span",
                class_="builder-swatch",
                style_=f"background-color: {hex_}",
                attributes={"aria-hidden": "true"},
            )
            solara.Button(
                children=[swatch, colour_name],
                on_click=lambda h=hex_: _set("colour", h),
                outlined=not chosen,
                color="primary" if chosen else None,
                classes=["builder-colour"],
                attributes={"aria-pressed": "true" if chosen else "false"},
            )


@solara.component
def Description(recipe: Recipe | None, error: RecipeError | None):
    """What the strategy does in plain words, and its notes (read out when they change)."""
    with rv.Html(tag="div", class_="builder-description", attributes={"aria-live": "polite"}):
        solara.Markdown("#### Your strategy")
        if recipe is None:
            where = FIELDS[error.field].label if error.field in FIELDS else "The choices"
            solara.Text(
                f"This strategy cannot play yet. {where}: {_cut(error.message)}",
                classes=["builder-error"],
            )
            return
        solara.Text(recipe.name, classes=["builder-name-echo"])  # text, never markup
        solara.Text(recipe.describe(), classes=["builder-words"])
        notes = recipe.notes()
        if notes:
            rv.Html(
                tag="ul",
                class_="builder-notes",
                children=[rv.Html(tag="li", children=[note]) for note in notes],
            )


@solara.component
def TryIt(recipe: Recipe | None, on_watch: Callable[[tuple], None] | None):
    """Try it (in a thread, one at a time in the server), the result, and Watch it."""
    task = solara.lab.use_task(_try, dependencies=None)
    busy = PROGRESS.value is not None
    with solara.Column(classes=["builder-try"], gap="8px"):
        with solara.Row(gap="8px"):
            solara.Button(
                "Try it",
                on_click=lambda: task(recipe.to_dict()),
                disabled=recipe is None or busy or task.pending,
                color="primary",
                classes=["builder-try-it"],
            )
            solara.Button(
                "Watch it in the simulation",
                on_click=lambda: on_watch(watch_mix(recipe)),
                disabled=recipe is None or on_watch is None,
                outlined=True,
                classes=["builder-watch"],
            )
        with rv.Html(tag="div", class_="builder-status", attributes={"aria-live": "polite"}):
            Progress(PROGRESS.value)
            if PREVIEW_ERROR.value:
                solara.Text(PREVIEW_ERROR.value, classes=["builder-error"])
            elif PREVIEWED.value is not None and not busy:
                PreviewResult(*PREVIEWED.value, recipe)


@solara.component
def Progress(where: tuple | None):
    if where is None:
        return
    ahead, done, total = where
    if ahead:
        text = f"Waiting: {ahead} ahead of you."
    else:
        text = f"Trying it: {done} of {total} matches played."
    solara.Text(text, classes=["builder-progress-text"])
    rv.ProgressLinear(
        model_value=0 if ahead else round(100 * done / max(total, 1)),
        indeterminate=bool(ahead),
        color="primary",
        class_="builder-progress",
        attributes={"aria-label": text},
    )


def _number(x: float, digits: int = 2) -> str:
    return "–" if x is None or math.isnan(x) else f"{x:.{digits}f}"


@solara.component
def PreviewResult(choices: dict, result: Preview, recipe: Recipe | None):
    """The preview's words and a small leaderboard of the three."""
    if recipe is None or recipe.to_dict() != choices:
        solara.Text(
            "This result is for your strategy before your latest changes: press Try it again.",
            classes=["builder-stale"],
        )
    solara.Text(result.words, classes=["builder-result-words"])
    header = ["Strategy", "People won over (95 % interval)", "Trust", "Recall", "Faded"]
    rows = []
    for row in result.result.leaderboard:
        won = f"{_number(row['won'])} ({_number(row['won_low'])} to {_number(row['won_high'])})"
        faded = "–" if math.isnan(row["faded"]) else f"{row['faded']:.0%}"
        cells = [row["label"], won, _number(row["trust"]), _number(row["recall"]), faded]
        rows.append(
            rv.Html(
                tag="tr",
                children=[
                    rv.Html(tag="th" if i == 0 else "td", children=[str(c)], attributes=_row(i))
                    for i, c in enumerate(cells)
                ],
            )
        )
    rv.Html(
        tag="table",
        class_="builder-board",
        children=[
            rv.Html(tag="caption", children=["Each strategy held by a third of the people"]),
            rv.Html(
                tag="thead",
                children=[
                    rv.Html(
                        tag="tr",
                        children=[
                            rv.Html(tag="th", children=[h], attributes={"scope": "col"})
                            for h in header
                        ],
                    )
                ],
            ),
            rv.Html(tag="tbody", children=rows),
        ],
    )


def _row(i: int) -> dict:
    return {"scope": "row"} if i == 0 else {}


@solara.component
def Files(recipe: Recipe | None):
    """Export the strategy as a Python file; open one the builder wrote."""
    picker = solara.use_memo(
        lambda: FilePicker(label="Open a strategy file:", accept=".py", max_bytes=MAX_FILE_BYTES),
        dependencies=[],
    )
    picker.on_file = open_file
    with solara.Column(classes=["builder-files"], gap="6px"):
        if recipe is not None:
            solara.FileDownload(
                recipe_file(recipe),  # a string (not a new function each render): kept
                filename=f"{recipe.key}.py",
                label="Export as a Python file",
                mime_type="text/x-python",
            )
        else:
            solara.Button("Export as a Python file", disabled=True, classes=["builder-export"])
        solara.Column(children=[picker], gap="0px")
        with rv.Html(tag="div", class_="builder-file-status", attributes={"aria-live": "polite"}):
            if OPENED.value is not None:
                kind, message = OPENED.value
                solara.Text(message, classes=[f"builder-{kind}"])


def open_file(info: dict) -> None:
    """A file chosen in the picker: its recipe fills the builder, or the page says why not."""
    name = _cut(str(info.get("name") or "the file"), 60)
    data = info.get("data")
    size = int(info.get("size") or 0)
    if data is None or size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        OPENED.value = (
            "error",
            f"{name}: the file is too large ({size:,} bytes); a strategy file the builder "
            f"wrote is a few thousand bytes (at most {MAX_FILE_BYTES:,} are read).",
        )
        return
    try:
        recipe = from_file(bytes(data).decode("utf-8"))
    except UnicodeDecodeError:
        OPENED.value = ("error", f"{name}: not a text file (it is not UTF-8).")
    except RecipeError as err:
        OPENED.value = ("error", _cut(f"{name}: {err.message}"))
    else:
        CHOICES.value = recipe.to_dict()
        OPENED.value = ("opened", f"Opened {name}: {recipe.name}.")


@solara.component
def RoomSubmit(recipe: Recipe | None):
    """Send the strategy to the room's tournament (in place of any sent before)."""
    room = ROOM.value
    sent, set_sent = solara.use_state(None)  # what the last submission stored
    problem, set_problem = solara.use_state("")
    stored = solara.use_memo(
        lambda: None if room is None else room.svc.store.strategy(room.seat.token),
        dependencies=[room],
    )
    shown = sent or stored

    def submit():
        try:
            stored = room.svc.submit_strategy(room.seat, recipe.to_dict())
        except ValueError as err:  # the room's refusals (rate limit, closed, ...) say why
            set_problem(_cut(str(err)))
            return
        set_problem("")
        set_sent(stored)

    with solara.Column(classes=["builder-room"], gap="6px"):
        solara.Markdown("#### In the room")
        if room is None:
            solara.Text("Join the room (at the top of the page) to send your strategy to it.")
            return
        solara.Button(
            "Submit to the room",
            on_click=submit,
            disabled=recipe is None,
            color="primary",
            classes=["builder-submit"],
        )
        with rv.Html(tag="div", class_="builder-submitted", attributes={"aria-live": "polite"}):
            if shown:
                when = time.strftime("%H:%M:%S", time.localtime(shown["submitted"]))
                solara.Text(
                    _cut(f"Submitted as {shown['name']} at {when}."),
                    classes=["builder-submitted-text"],
                )
            if problem:
                solara.Text(problem, classes=["builder-error"])

"""The strategy builder: a strategy made of plain choices instead of code.

A :class:`Recipe` holds the choices (whom to contact, how, when, about what, how to answer)
and a name and a colour. :data:`FIELDS` declares each choice once (its options or range,
default and one-line explanation); the app's builder, the room and the files read them
from there. :func:`strategy_class` turns a recipe into a strategy class the model runs like
any other; :func:`to_file` writes the same strategy as a Python strategy file (the plugin
interface of ``workshop/strategies/``) and :func:`from_file` reads such a file back while it
is unchanged. Both run the same steps in the same order (:func:`_plan`), so a recipe and
its file give the same run for the same seed.

Built strategies obey the world's rules like any other: a conversation is only *asked
for*; the world decides whether it is held (the other answers in kind, both have time).

This module is data in, a class out: a recipe never runs code of its own, which is why the
room accepts recipes from students and not Python files.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from .blocks import random_per_person, talked_with, top_per_person
from .interrupt import Interrupt
from .registry import register, unregister
from .strategy import Messages, Strategy

__all__ = [
    "FIELDS",
    "FILE_MARK",
    "Field",
    "Recipe",
    "RecipeError",
    "from_file",
    "key_of",
    "register_recipe",
    "strategy_class",
    "to_file",
]

#: Names a built strategy may not take (the built-ins, the families, the model-wide group).
RESERVED = ("interrupt", "interact", "broadcasters", "interactors", "all")
#: The assignment of an exported file that carries its recipe (a dict literal follows).
FILE_MARK = "BUILDER_RECIPE = {"
#: Longest name a recipe may have.
NAME_LENGTH = 40


@dataclass(frozen=True)
class Field:
    """One choice of the builder: ``kind`` is ``"choice"`` (one of ``options``, value ->
    label), ``"int"`` or ``"float"`` (``low`` to ``high``), ``"text"`` or ``"colour"``.
    ``applies`` names the choice and values under which it matters (None: always)."""

    name: str
    kind: str
    default: Any
    label: str
    help: str
    options: dict[str, str] | None = None
    low: float | None = None
    high: float | None = None
    applies: tuple[str, tuple[str, ...]] | None = None

    def allowed(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(repr(v) for v in self.options)
        if self.kind in ("int", "float"):
            what = "a whole number" if self.kind == "int" else "a number"
            return f"{what} from {self.low:g} to {self.high:g}"
        if self.kind == "colour":
            return "a colour written #RRGGBB"
        return f"1 to {NAME_LENGTH} printable characters"


def _f(name, kind, default, label, help, **kw) -> Field:
    return Field(name, kind, default, label, help, **kw)


#: Every choice of the builder, in the order the builder shows them.
FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        _f("name", "text", "My strategy", "Name", "What the class will call your strategy."),
        _f("colour", "colour", "#CC79A7", "Colour", "How your people are drawn."),
        _f(
            "whom",
            "choice",
            "most_trusted",
            "Whom do I contact?",
            "Each step, the contacts you reach out to.",
            options={
                "everyone": "Everyone I know",
                "most_trusted": "The few who trust me most",
                "talked": "Those I have had a conversation with",
                "least_known": "The few I know least about",
                "random": "A random few",
            },
        ),
        _f(
            "few",
            "int",
            3,
            "How many is a few?",
            "How many contacts a step, at most.",
            low=1,
            high=10,
            applies=("whom", ("most_trusted", "least_known", "random")),
        ),
        _f(
            "how",
            "choice",
            "talk",
            "How?",
            "A pitch goes one way; a conversation asks the other to answer.",
            options={"pitch": "A one-way pitch", "talk": "A conversation (two-way)"},
        ),
        _f(
            "topic",
            "choice",
            "their_interest",
            "About what?",
            "Your one pitch, or your best guess of what each contact cares about.",
            options={
                "my_pitch": "My own pitch, the same for everyone",
                "their_interest": "What I believe they care about",
            },
        ),
        _f(
            "when",
            "choice",
            "every_step",
            "When?",
            "How often you reach out.",
            options={
                "every_step": "Every step",
                "every_k": "Every few steps",
                "after_listening": "Only after listening first",
            },
        ),
        _f(
            "every",
            "int",
            3,
            "Every how many steps?",
            "You reach out on one step in this many.",
            low=2,
            high=20,
            applies=("when", ("every_k",)),
        ),
        _f(
            "listen",
            "int",
            20,
            "Listen for how many steps?",
            "For this many steps you only answer; then you reach out every step.",
            low=1,
            high=100,
            applies=("when", ("after_listening",)),
        ),
        _f(
            "min_attention",
            "float",
            0.0,
            "Only people still paying attention?",
            "Skip contacts whose attention to you is below this (0: skip nobody).",
            low=0.0,
            high=0.9,
        ),
        _f(
            "strangers",
            "int",
            0,
            "Strangers too?",
            "Also pitch this many people you do not know, each step (0: none).",
            low=0,
            high=5,
        ),
        _f(
            "answer",
            "choice",
            "in_kind",
            "When someone opens a conversation with me",
            "Only an answer in kind makes it a conversation that both learn from.",
            options={
                "in_kind": "Talk back, about what they care about",
                "pitch": "Send my pitch back (one-way)",
            },
        ),
    ]
}

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


class RecipeError(ValueError):
    """A recipe was refused; ``field`` names the choice at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self):
        return type(self), (self.field, self.message)


@dataclass(frozen=True)
class Recipe:
    """A strategy as the builder's choices (see :data:`FIELDS` for each one's meaning)."""

    name: str = FIELDS["name"].default
    colour: str = FIELDS["colour"].default
    whom: str = FIELDS["whom"].default
    few: int = FIELDS["few"].default
    how: str = FIELDS["how"].default
    topic: str = FIELDS["topic"].default
    when: str = FIELDS["when"].default
    every: int = FIELDS["every"].default
    listen: int = FIELDS["listen"].default
    min_attention: float = FIELDS["min_attention"].default
    strangers: int = FIELDS["strangers"].default
    answer: str = FIELDS["answer"].default

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _check(FIELDS[f.name], getattr(self, f.name)))
        if self.whom == "talked" and self.answer == "pitch" and self.strangers == 0:
            raise RecipeError(
                "whom",
                "this strategy would never send anything: it contacts only people it has "
                "had a conversation with, but it never opens one with anyone else and "
                "never answers in kind, so no conversation ever happens. Answer in kind, "
                "or choose other people to contact",
            )

    @classmethod
    def from_dict(cls, data: Any) -> Recipe:
        """A recipe from a mapping of choices (JSON, a form); missing choices take their
        defaults; an unknown key or a bad value raises :class:`RecipeError` naming it."""
        if not isinstance(data, dict):
            raise RecipeError("recipe", f"must be a mapping of choices (got {type(data).__name__})")
        unknown = [k for k in data if k not in FIELDS]
        if unknown:
            raise RecipeError(
                str(unknown[0])[:40], f"unknown choice; the choices are {', '.join(FIELDS)}"
            )
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def key(self) -> str:
        """The registry name of this recipe's strategy (see :func:`key_of`)."""
        return key_of(self.name)

    def matters(self, name: str) -> bool:
        """Whether the choice ``name`` changes what this strategy does."""
        applies = FIELDS[name].applies
        return applies is None or getattr(self, applies[0]) in applies[1]

    def describe(self) -> str:
        """What the strategy does, in one or two plain sentences."""
        when = {
            "every_step": "Every step",
            "every_k": f"Every {self.every} steps",
            "after_listening": f"After listening for {self.listen} steps, every step",
        }[self.when]
        act = "pitches" if self.how == "pitch" else "opens a conversation with"
        whom = {
            "everyone": "every contact",
            "most_trusted": f"the {_few(self.few)} contacts who trust it most",
            "talked": "each contact it has had a conversation with",
            "least_known": f"the {_few(self.few)} contacts it knows least about",
            "random": f"{_few(self.few)} contacts picked at random",
        }[self.whom]
        if self.min_attention > 0:
            whom += f" (only those paying it at least {self.min_attention:.2f} attention)"
        about = "its own pitch" if self.topic == "my_pitch" else "what it believes each cares about"
        text = f"{when} it {act} {whom}, about {about}."
        if self.strangers:
            text += (
                f" It also pitches {self.strangers} stranger{'s' * (self.strangers > 1)} a step."
            )
        text += (
            " It answers a conversation in kind."
            if self.answer == "in_kind"
            else " It answers a conversation with its pitch."
        )
        return text

    def notes(self) -> list[str]:
        """Things worth knowing before it runs (the world's rules as they bear on it)."""
        out = []
        if self.whom == "talked":
            out.append(
                "At the start you have talked with nobody: you reach out only once "
                "someone has opened a conversation with you and you answered."
            )
        if self.how == "talk" and self.answer == "pitch":
            out.append(
                "You open conversations but answer others with a pitch: their openings "
                "to you arrive as pitches and teach neither of you anything."
            )
        if self.how == "talk" and self.whom == "everyone":
            out.append(
                "Opening a conversation with every contact: each person holds only a few a "
                "step (the conversation capacity); the rest arrive as one-way messages."
            )
        if self.strangers and self.topic == "their_interest":
            out.append("Strangers get your own pitch: you know nothing yet of what they value.")
        return out


def _few(k: int) -> str:
    return "one" if k == 1 else str(k)


def _check(field: Field, value: Any) -> Any:
    def refuse() -> RecipeError:
        return RecipeError(field.name, f"must be {field.allowed()} (got {value!r:.60})")

    if field.kind == "choice":
        if value not in field.options:
            raise refuse()
        return value
    if field.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise refuse()
        if field.kind == "int" and not float(value).is_integer():
            raise refuse()
        value = int(value) if field.kind == "int" else float(value)
        if not field.low <= value <= field.high:  # NaN fails too
            raise refuse()
        return value
    if field.kind == "colour":
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            raise refuse()
        return value.upper()
    if not isinstance(value, str):
        raise refuse()
    value = " ".join(value.split())
    if not 1 <= len(value) <= NAME_LENGTH or not value.isprintable() or not key_of(value):
        raise RecipeError(
            field.name, f"must be 1 to {NAME_LENGTH} printable characters with a letter or digit"
        )
    return value


def key_of(name: str) -> str:
    """The registry name for a strategy called ``name``: lower case, letters, digits and
    ``_``, starting with a letter, ``_built`` added to a reserved name ('' if ``name`` has
    no letter or digit)."""
    key = re.sub(r"[^a-z0-9]+", "_", re.sub(r"['’]", "", name.lower())).strip("_")
    key = key[:NAME_LENGTH].rstrip("_")
    if not key:
        return ""
    if not key[0].isalpha():
        key = "s_" + key
    return key + "_built" if key in RESERVED else key


# -- the plan: the same steps for the class and for its file --------------------------------
#: One step of ``decide``: its lines of source (as the exported file has them) and what it
#: does, ``(world, people, state) -> Messages or None``: a value ends ``decide``.
Step = tuple[list[str], Callable]


#: The choices of whom that keep each person's ``few`` best contacts by a score: the score's
#: code, what it means, and the score.
_SCORES = {
    "most_trusted": ("world.trust_of(ties)", "who trust me most", lambda w, t: w.trust_of(t)),
    "least_known": (
        "world.uncertainty(ties)",
        "whom I know least about",
        lambda w, t: w.uncertainty(t),
    ),
}


def _plan(r: Recipe) -> list[Step]:
    steps: list[Step] = []
    if r.when == "after_listening":
        steps.append(
            (
                [
                    f"if world.t <= {r.listen}:  # listen first: answer, but reach out to nobody",
                    "    return Messages.empty()",
                ],
                lambda w, p, s: Messages.empty() if w.t <= r.listen else None,
            )
        )
    if r.when == "every_k":
        steps.append(
            (
                [
                    f"if (world.t - 1) % {r.every} != 0:  # reach out on one step in {r.every}",
                    "    return Messages.empty()",
                ],
                lambda w, p, s: Messages.empty() if (w.t - 1) % r.every != 0 else None,
            )
        )
    steps.append(
        (
            ["ties = world.ties_of(people)  # every tie of every person using this strategy"],
            lambda w, p, s: s.__setitem__("ties", w.ties_of(p)),
        )
    )
    if r.min_attention > 0:
        steps.append(
            (
                [
                    f"ties = ties[world.attention_of(ties) >= {r.min_attention!r}]"
                    "  # only those still paying attention"
                ],
                lambda w, p, s: s.__setitem__(
                    "ties", s["ties"][w.attention_of(s["ties"]) >= r.min_attention]
                ),
            )
        )
    k = r.few
    if r.whom in _SCORES:
        code, note, score = _SCORES[r.whom]
        steps.append(
            (
                [f"ties = top_per_person(world, ties, {code}, {k})  # {note}"],
                lambda w, p, s: s.__setitem__(
                    "ties", top_per_person(w, s["ties"], score(w, s["ties"]), k)
                ),
            )
        )
    elif r.whom == "random":
        steps.append(
            (
                [f"ties = random_per_person(world, ties, {k})  # a random few"],
                lambda w, p, s: s.__setitem__("ties", random_per_person(w, s["ties"], k)),
            )
        )
    elif r.whom == "talked":
        steps.append(
            (
                ["ties = ties[talked_with(world, ties)]  # those I have had a conversation with"],
                lambda w, p, s: s.__setitem__("ties", s["ties"][talked_with(w, s["ties"])]),
            )
        )
    if r.topic == "my_pitch":
        topic_src = "world.pitch[world.src[ties]]  # my own pitch"
        topic = lambda w, t: w.pitch[w.src[t]]  # noqa: E731
    else:
        topic_src = "world.estimate[ties]  # what I believe each cares about"
        topic = lambda w, t: w.estimate[t]  # noqa: E731
    two_way = r.how == "talk"
    steps.append(
        (
            [f"topic = {topic_src}"],
            lambda w, p, s: s.__setitem__("topic", topic(w, s["ties"])),
        )
    )
    send = (
        f"messages = Messages.on_ties(world, ties, topic, two_way={two_way})"
        f"  # {'a conversation with' if two_way else 'a one-way pitch to'} each"
    )
    if r.strangers:
        steps.append(
            (
                [
                    send,
                    f"strangers = Interrupt.cold_calls(world, people, {r.strangers})"
                    "  # pitch people I do not know",
                    "return Messages.concat([messages, strangers])",
                ],
                lambda w, p, s: Messages.concat(
                    [
                        Messages.on_ties(w, s["ties"], s["topic"], two_way=two_way),
                        Interrupt.cold_calls(w, p, r.strangers),
                    ]
                ),
            )
        )
    else:
        steps.append(
            (
                [send, "return messages"],
                lambda w, p, s: Messages.on_ties(w, s["ties"], s["topic"], two_way=two_way),
            )
        )
    return steps


def _reply_lines(r: Recipe) -> list[str]:
    if r.answer == "in_kind":
        return [
            "# answer in kind, about what I believe the opener cares about",
            "return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)",
        ]
    return [
        "# answer with my pitch, one-way",
        "return np.zeros(len(ties), dtype=bool), world.pitch[world.src[ties]].astype(float)",
    ]


class Built(Strategy):
    """A strategy made by the builder: its ``recipe`` decides (see :func:`strategy_class`)."""

    recipe: Recipe = Recipe()
    label: str = ""
    colour: str = ""
    listed = False  # one learner's strategy: not in everyone's menus

    def __init__(self):
        self._steps = [run for _, run in _plan(self.recipe)]

    def decide(self, world, people: np.ndarray) -> Messages:
        state: dict = {}
        for run in self._steps:
            out = run(world, people, state)
            if out is not None:
                return out
        raise AssertionError("a plan ends by returning messages")  # pragma: no cover

    def reply(self, world, ties: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.recipe.answer == "in_kind":
            return np.ones(len(ties), dtype=bool), world.estimate[ties].astype(float)
        return np.zeros(len(ties), dtype=bool), world.pitch[world.src[ties]].astype(float)


def strategy_class(recipe: Recipe, name: str | None = None) -> type[Strategy]:
    """A strategy class for ``recipe`` (not registered): registry name ``name`` (default
    ``recipe.key``), reported as a group of its own under the same name, ``label`` the
    recipe's name as typed and ``colour`` its colour."""
    key = name or recipe.key
    return type(
        f"Built_{key}",
        (Built,),
        {
            "name": key,
            "group": key,
            "description": recipe.describe(),
            "recipe": recipe,
            "label": recipe.name,
            "colour": recipe.colour,
            "__module__": __name__,
            "__qualname__": f"Built_{key}",
        },
    )


def register_recipe(recipe: Recipe, name: str | None = None) -> type[Strategy]:
    """Register ``recipe``'s strategy (see :func:`strategy_class`), replacing an earlier
    recipe registered under the same name; returns the class."""
    key = name or recipe.key
    from .registry import get_strategy_class

    try:
        old = get_strategy_class(key)
    except KeyError:
        old = None
    if old is not None and issubclass(old, Built):
        unregister(key)
    return register(strategy_class(recipe, key))


# -- files ----------------------------------------------------------------------------------
def to_file(recipe: Recipe) -> str:
    """The recipe as a Python strategy file (the plugin interface of ``workshop/strategies``):
    readable code that runs the same steps as :func:`strategy_class`, with the recipe as a
    dict (:data:`FILE_MARK`) so that :func:`from_file` can read it back. The file is as
    ``ruff format`` would write it."""
    cls = "".join(part.capitalize() for part in recipe.key.split("_")) or "Built"
    decide = [line for lines, _ in _plan(recipe) for line in lines]
    choices = [f"    {_literal(k)}: {_literal(v)}," for k, v in recipe.to_dict().items()]
    description = _wrap(recipe.describe(), 80)
    code = "\n".join(decide)
    helpers = [h for h in ("random_per_person", "talked_with", "top_per_person") if h in code]
    imports = [f"from agents.blocks import {', '.join(helpers)}"] if helpers else []
    if "Interrupt." in code:
        imports.append("from agents.interrupt import Interrupt")
    body = [
        '"""A strategy made in the strategy builder.',
        "",
        *_wrap(recipe.describe(), 88),
        "",
        "Open this file in the app's strategy builder to change its choices there. Edit the code",
        "to go beyond what the builder offers (the builder then no longer opens it). Put it in",
        "my_strategies/ to use it in the app, in sweeps and in a tournament.",
        '"""',
        "",
        "import numpy as np",
        "",
        "from agents import Messages, Strategy, register",
        *imports,
        "",
        "# The builder's choices (the builder reads them back from here).",
        FILE_MARK,
        *choices,
        "}",
        "",
        "",
        "@register",
        f"class {cls}(Strategy):",
        f"    name = {_literal(recipe.key)}  # how the app, sweeps and tournaments call it",
        "    group = name  # its people are reported under this name",
        f"    label = {_literal(recipe.name)}",
        f"    colour = {_literal(recipe.colour)}",
        "    description = (",
        *(
            f"        {_literal(line + (' ' if i < len(description) - 1 else ''))}"
            for i, line in enumerate(description)
        ),
        "    )",
        "",
        "    def decide(self, world, people):",
        *("        " + line for line in decide),
        "",
        "    def reply(self, world, ties):",
        *("        " + line for line in _reply_lines(recipe)),
        "",
    ]
    return "\n".join(body)


def _literal(value) -> str:
    """A Python literal for a string or number, quoted as ``ruff format`` quotes it: double
    quotes, unless single ones need fewer escapes."""
    if not isinstance(value, str):
        return repr(value)
    text = value.replace("\\", "\\\\")
    if text.count('"') > text.count("'"):
        return "'" + text.replace("'", "\\'") + "'"
    return '"' + text.replace('"', '\\"') + '"'


def _wrap(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


def from_file(text: str) -> Recipe:
    """The recipe of a file that :func:`to_file` wrote, as long as it is unchanged.

    Raises :class:`RecipeError` (field ``file``) when the file carries no recipe, when the
    recipe is refused, or when the code differs from what the recipe writes (naming the
    first line that differs): such a file still runs as a strategy file, but the builder
    cannot show what was changed."""
    lines = text.splitlines()
    marked = [i for i, line in enumerate(lines) if line.startswith(FILE_MARK)]
    if not marked:
        raise RecipeError(
            "file", "this file was not made by the strategy builder (it has no BUILDER_RECIPE)"
        )
    first = marked[0]
    last = next((i for i in range(first, len(lines)) if lines[i].startswith("}")), None)
    try:
        if last is None:
            raise ValueError
        data = ast.literal_eval("{" + "\n".join(lines[first : last + 1])[len(FILE_MARK) :])
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise RecipeError("file", f"line {first + 1}: the recipe is not readable") from None
    try:
        recipe = Recipe.from_dict(data)
    except RecipeError as err:
        raise RecipeError("file", f"line {first + 1}: the recipe is refused: {err}") from None
    expected = to_file(recipe).splitlines()
    got = [line.rstrip() for line in lines]
    while got and not got[-1]:
        got.pop()
    while expected and not expected[-1]:
        expected.pop()
    for i, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            raise RecipeError(
                "file",
                f"line {i + 1} was changed after the builder wrote it; the builder opens only "
                "files it wrote, unchanged (the file still runs as a strategy file)",
            )
    if len(got) != len(expected):
        raise RecipeError(
            "file",
            f"the file has {len(got)} lines, the builder wrote {len(expected)}; the builder "
            "opens only files it wrote, unchanged (the file still runs as a strategy file)",
        )
    return recipe

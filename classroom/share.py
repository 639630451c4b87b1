"""The shareable link: the page's setup written into the address bar, and read back.

A link holds the scenario, the seed, every parameter that differs from that scenario, the
projector switch and, when two runs are compared, what run B changes::

    /?scenario=coffee&seed=3&broadcaster_share=0.2&projector=1&compare=1&b.habituation_on=0

Values are written and read by the model's own declarations (``Param.to_text`` and
``Param.from_text``), so a link cannot say anything a control could not. A link that names
an unknown parameter or a value out of range is not refused as a whole: the page starts from
everything else and says which parts it ignored and why. An uploaded network cannot travel
in a link (the page says so); the link then describes the rest of the setup.

A link is typed or pasted by anyone, so reading one never fails: at most :data:`MAX_SHOWN`
ignored parts are named (the rest are counted), whatever is echoed back is cut to
:data:`ECHO` characters with its control characters escaped, and anything unexpected while
reading is logged on the server and reported on the page as a link that could not be read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode

from sim import PARAMETERS, ParameterError
from sim.params import BOOL_TEXT, from_text, validate

from .limits import check_in_app
from .scenarios import SCENARIOS

__all__ = [
    "COMPARE_PREFIX",
    "Setup",
    "changed",
    "contrast",
    "differences",
    "from_query",
    "to_query",
    "word",
]

#: Prefix of run B's settings in a link.
COMPARE_PREFIX = "b."
#: A room code in a link: letters and digits, at most this long (classroom.room.store).
MAX_ROOM = 12
MAX_SEED = 2**32 - 1
#: The most ignored parts of a link named on the page; any others are only counted.
MAX_SHOWN = 5
#: The most characters of a name or value from a link echoed on the page; a value longer
#: than this cannot be any setting's and is refused without being read.
ECHO = 40
#: What the page says when reading a link failed in a way the code did not foresee.
UNREADABLE = "the link could not be read; the default setup is used"

log = logging.getLogger(__name__)


@dataclass
class Setup:
    """Everything a link restores."""

    scenario: str = "default"
    params: dict = field(default_factory=lambda: SCENARIOS["default"].parameters())
    seed: int = 0
    projector: bool = False
    #: Run B's parameters when comparing, else None.
    compare: dict | None = None
    #: The code of the classroom room this page takes part in (``?room=CODE``), else None.
    room: str | None = None

    def base(self) -> dict:
        """The scenario's own parameters, against which the link lists differences."""
        return SCENARIOS[self.scenario].parameters()


def changed(params: dict, base: dict) -> list[str]:
    """Names of the parameters whose values differ between two setups (a network given as
    a graph is not compared: no link or label can carry it)."""
    return [
        name for name, p in PARAMETERS.items() if p.kind != "graph" and params[name] != base[name]
    ]


def contrast(params: dict) -> dict:
    """Run B's first settings when comparing starts: the same, with habituation switched."""
    return {**params, "habituation_on": not params["habituation_on"]}


def differences(a: dict, b: dict) -> list[str]:
    """What run B changes, in words: "Habituation (tuning out): on → off"."""
    return [
        f"{PARAMETERS[name].label}: {word(a[name])} → {word(b[name])}" for name in changed(b, a)
    ]


def word(value) -> str:
    """A setting's value as the page says it: on/off, 0.3, 300, a name."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _differences(params: dict, base: dict) -> dict[str, str]:
    return {name: PARAMETERS[name].to_text(params[name]) for name in changed(params, base)}


def to_query(setup: Setup) -> str:
    """The query string (without ``?``) that :func:`from_query` turns back into ``setup``."""
    items: dict[str, str] = {}
    if setup.scenario != "default":
        items["scenario"] = setup.scenario
    if setup.seed != SCENARIOS[setup.scenario].seed:
        items["seed"] = str(setup.seed)
    items.update(_differences(setup.params, setup.base()))
    if setup.projector:
        items["projector"] = "1"
    if setup.compare is not None:
        items["compare"] = "1"
        for name, text in _differences(setup.compare, setup.params).items():
            items[COMPARE_PREFIX + name] = text
    if setup.room:
        items["room"] = setup.room
    return urlencode(items, quote_via=quote)


def from_query(search: str | None) -> tuple[Setup, list[str]]:
    """Read a query string (with or without ``?``). Returns the setup and a list of
    problems, each naming the part of the link that was ignored and why.

    Never raises: whatever the query holds, the result is a valid setup and a short list
    (at most :data:`MAX_SHOWN` named parts, a count of any others, then whatever made the
    link's settings unusable as a whole)."""
    try:
        setup, parts, overall = _read(search)
    except Exception:  # a bug, not the visitor's fault: the details go to the server's log
        log.exception("could not read the link %s", _echo(str(search)))
        return Setup(), [UNREADABLE]
    return setup, _summarise(parts) + overall


def _read(search: str | None) -> tuple[Setup, list[str], list[str]]:
    """:func:`from_query`'s work: the setup, the ignored parts, and the verdicts on whole
    runs (settings that do not fit together)."""
    problems: list[str] = []
    overall: list[str] = []
    pairs = parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
    given: dict[str, str] = {}
    for key, value in pairs:
        if key in given:
            problems.append(f"{_name(key)}: given twice; the last one counts")
        given[key] = value

    setup = Setup()
    name = given.pop("scenario", "default")
    if name in SCENARIOS:
        setup.scenario = name
    else:
        problems.append(
            f"scenario: no scenario called {_echo(name)} (there are "
            f"{', '.join(SCENARIOS)}); the default one is used"
        )
    setup.seed = SCENARIOS[setup.scenario].seed
    if "seed" in given:
        text = given.pop("seed")
        # ASCII digits only: str.isdigit() also accepts digits such as "²" that int() refuses
        if text.isascii() and text.isdigit() and len(text) <= ECHO and int(text) <= MAX_SEED:
            setup.seed = int(text)
        else:
            problems.append(
                f"seed: must be a whole number from 0 to {MAX_SEED} "
                f"(got {_echo(text)}); seed {setup.seed} is used"
            )
    setup.projector = _flag(given.pop("projector", "0"), "projector", problems)
    if "room" in given:
        code = given.pop("room").strip().upper()
        if code.isascii() and code.isalnum() and 0 < len(code) <= MAX_ROOM:
            setup.room = code
        else:
            problems.append(f"room: not a room code (got {_echo(code)}); no room is joined")
    comparing = _flag(given.pop("compare", "0"), "compare", problems)

    run_b = {k[len(COMPARE_PREFIX) :]: v for k, v in given.items() if k.startswith(COMPARE_PREFIX)}
    run_a = {k: v for k, v in given.items() if not k.startswith(COMPARE_PREFIX)}
    setup.params = _apply(setup.base(), run_a, "", problems, overall)
    if comparing:
        setup.compare = _apply(setup.params, run_b, COMPARE_PREFIX, problems, overall)
    elif run_b:
        names = [_name(COMPARE_PREFIX + k) for k in list(run_b)[: MAX_SHOWN + 1]]
        if len(run_b) > MAX_SHOWN:
            names[MAX_SHOWN:] = [f"and {len(run_b) - MAX_SHOWN:,} more"]
        problems.append(f"{', '.join(names)}: run B's settings need compare=1; ignored")
    return setup, problems, overall


def _flag(text: str, key: str, problems: list[str]) -> bool:
    if text.strip().lower() in BOOL_TEXT:
        return BOOL_TEXT[text.strip().lower()]
    problems.append(f"{key}: must be 1 or 0 (got {_echo(text)}); 0 is used")
    return False


def _apply(
    base: dict, texts: dict[str, str], prefix: str, problems: list[str], overall: list[str]
) -> dict:
    """``base`` with each readable setting of ``texts`` on top; the rest reported in
    ``problems``, and settings that do not fit together in ``overall``."""
    params = dict(base)
    for name, text in texts.items():
        if name not in PARAMETERS:
            problems.append(f"{prefix}{_unknown(name, len(problems) < MAX_SHOWN)}; ignored")
            continue
        if len(text) > ECHO:
            problems.append(
                f"{prefix}{name}: {len(text):,} characters is too long for any setting "
                f"(got {_echo(text)}); ignored"
            )
            continue
        try:
            params[name] = check_in_app(name, from_text(name, text))
        except ParameterError as err:
            problems.append(f"{prefix}{err}; ignored")
    try:
        return validate(params)
    except ParameterError as err:  # a combination that does not hold (say, size vs degree)
        overall.append(f"{prefix}{err}; the link's settings are not used")
        return dict(base)


def _unknown(name: str, suggest: bool) -> str:
    """Why ``name`` is ignored; a spelling close to a parameter's is pointed out only when
    ``suggest`` (it takes a moment, and is worth it only for the parts shown)."""
    if suggest and len(name) <= ECHO:
        try:
            from_text(name, "")
        except ParameterError as err:
            return f"{_name(name)}: {err.message}"
    return f"{_name(name)}: unknown parameter"


def _summarise(problems: list[str]) -> list[str]:
    """The first :data:`MAX_SHOWN` problems, and how many more there were."""
    if len(problems) <= MAX_SHOWN:
        return problems
    rest = len(problems) - MAX_SHOWN
    return [*problems[:MAX_SHOWN], f"and {rest:,} more ignored parts, not listed here"]


def _cut(text: str) -> str:
    return text if len(text) <= ECHO else text[: ECHO - 1] + "…"


def _echo(text: str) -> str:
    """A value from the link as the page shows it: quoted, cut short, escaped."""
    return repr(_cut(text))


def _name(text: str) -> str:
    """A name from the link as the page shows it: cut short, control characters escaped."""
    cut = _cut(text)
    return cut if cut.isprintable() else repr(cut)[1:-1]

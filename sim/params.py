"""The model's parameters, declared once.

Every parameter of :class:`sim.NetworkingModel` is declared here, with its type, default,
allowed range, a one-line plain-language explanation and whether it may change while a run
is going. The constructor validates against these declarations; the app's controls, the
sweep specs and the docs read them from here too. Nothing else in the project restates a
default or a range.

What makes an exchange an exchange (docs/model.md, section 7.2; enforced by the world,
:func:`sim.kernels.hold_conversations`, for every strategy alike): a strategy only asks
for a conversation. One is *held* when the other person answers in kind and both still
have time, ``conversation_capacity`` conversations a step each, opened and answered
together; openings are settled in a random order. Any other opening arrives as a one-way
message, with a one-way message's effects. A held conversation restores attention
(``sensitization``) only when noticed and by what it was worth to the listener; trust
evidence, learning (``interest_learning``) and the strong memory trace
(``memory_boost_exchange``) come only from noticed messages of held conversations.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
from typing import Any

__all__ = [
    "GROUPS",
    "MAX_MIX",
    "NETWORKS",
    "PARAMETERS",
    "Param",
    "ParameterError",
    "check_mix",
    "defaults",
    "from_text",
    "seat_counts",
    "validate",
    "validate_one",
]


class ParameterError(ValueError, TypeError):
    """A parameter value was refused. ``field`` names the parameter."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self):  # pickled whole: sweeps raise it in worker processes
        return type(self), (self.field, self.message)


#: The largest complete graph stored tie by tie (about four million directed ties).
MAX_COMPLETE = 2_000
#: Attention under which a receiver blocks a sender for good, when ``muting`` is on.
MUTE_BELOW = 0.05
#: Chance per step that a person who trusts an interactor introduces them (when on).
INTRODUCTION_CHANCE = 0.05
#: Trust in a stranger (no evidence yet), used for cold calls.
STRANGER_TRUST = 0.5

#: The real networks that NetworkX ships (fixed sizes; ``n_agents`` does not apply).
REAL_NETWORKS = ("karate", "florentine", "les_miserables", "davis")

#: Built-in network names. Generated ones take ``n_agents`` and ``mean_degree``; the real
#: networks that NetworkX ships have a fixed size.
NETWORKS: dict[str, str] = {
    "watts_strogatz": "small world: a ring of neighbours with a few ties rewired at random",
    "barabasi_albert": "scale free: newcomers link to people who already have many ties",
    "erdos_renyi": "random: every pair is tied with the same small chance",
    "complete": f"everyone knows everyone (at most {MAX_COMPLETE:,} people)",
    "ring": "a ring where each person knows only the nearest neighbours",
    "communities": "groups with many ties inside and few between (stochastic block model)",
    "karate": "real: Zachary's karate club, 34 members",
    "florentine": "real: marriages between 15 Florentine families",
    "les_miserables": "real: characters of Les Miserables who meet, 77 people",
    "davis": "real: 32 southern women and the events they attended",
}

#: Display order of parameter groups (the app folds them in this order).
GROUPS = (
    "People",
    "Network",
    "Attention",
    "Trust and memory",
    "Conversion",
    "Fading",
    "Mechanisms",
    "Docking",
)


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    ``kind`` is one of ``"int"``, ``"float"``, ``"bool"``, ``"choice"``, ``"strategy"``
    (a registered strategy name), ``"mix"`` (strategies and their weights, or ``None``:
    see :func:`check_mix`) or ``"graph"`` (a NetworkX graph or ``None``).
    ``live`` says whether the value may change while a run is going (see
    :meth:`sim.NetworkingModel.set_parameter`); structural ones apply on a new model.
    """

    name: str
    kind: str
    default: Any
    help: str
    group: str
    label: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    live: bool = False
    advanced: bool = False
    sweepable: bool = True

    def describe_allowed(self) -> str:
        """Say in words which values are allowed."""
        if self.kind == "bool":
            return "True or False"
        if self.kind in ("int", "float"):
            what = "a whole number" if self.kind == "int" else "a number"
            return f"{what} from {self.low:g} to {self.high:g}"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "strategy":
            return "the name of a registered strategy"
        if self.kind == "graph":
            return "a networkx.Graph, or None to generate the network named by 'network'"
        if self.kind == "mix":
            return (
                f"None, or 1 to {MAX_MIX} registered strategies each with a weight (0 or more, "
                "one above 0), "
                "as a mapping {name: weight} or text 'name:weight, name:weight'"
            )
        raise AssertionError(self.kind)

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""

        def refuse(why: str = "") -> ParameterError:
            got = f"got {value!r}" if why == "" else why
            return ParameterError(self.name, f"must be {self.describe_allowed()} ({got})")

        if self.kind == "bool":
            if isinstance(value, bool | _np_bool()):
                return bool(value)
            raise refuse()
        if self.kind in ("int", "float"):
            if isinstance(value, bool | _np_bool()) or not isinstance(value, numbers.Real):
                raise refuse()
            if self.kind == "int":
                if not (isinstance(value, numbers.Integral) or float(value).is_integer()):
                    raise refuse()
                value = int(value)
            else:
                value = float(value)
                if value != value:  # NaN
                    raise refuse()
            if not (self.low <= value <= self.high):
                raise refuse()
            return value
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                hint = ""
                if isinstance(value, str):
                    close = difflib.get_close_matches(value, self.choices, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                raise ParameterError(
                    self.name, f"must be {self.describe_allowed()} (got {value!r}){hint}"
                )
            return value
        if self.kind == "strategy":
            from agents.registry import available_strategies

            names = available_strategies()
            if not isinstance(value, str) or value not in names:
                raise ParameterError(
                    self.name,
                    f"unknown strategy {value!r}; registered strategies: {', '.join(names)}",
                )
            return value
        if self.kind == "graph":
            import networkx as nx

            if value is None or isinstance(value, nx.Graph):
                return value
            raise refuse(f"got a {type(value).__name__}")
        if self.kind == "mix":
            return check_mix(self.name, value)
        raise AssertionError(self.kind)

    def from_text(self, text: str) -> Any:
        """Read a value written as text (a link, a command line, a spec file) and check it.

        Booleans accept true/false, 1/0, yes/no and on/off; numbers are read as numbers;
        a graph cannot be written as text. Raises ParameterError naming this parameter.
        """
        raw = str(text).strip()
        if self.kind == "bool":
            if raw.lower() in BOOL_TEXT:
                return BOOL_TEXT[raw.lower()]
            raise ParameterError(
                self.name,
                f"must be {self.describe_allowed()} (true/false, 1/0, on/off; got {raw!r})",
            )
        if self.kind in ("int", "float"):
            try:
                number = float(raw)
            except ValueError:
                raise ParameterError(
                    self.name, f"must be {self.describe_allowed()} (got {raw!r})"
                ) from None
            return self.check(number)
        if self.kind == "graph":
            raise ParameterError(self.name, "a network cannot be given as text")
        if self.kind == "mix":
            return check_mix(self.name, _mix_from_text(self.name, raw))
        return self.check(raw)

    def to_text(self, value: Any) -> str:
        """Write a value so that :meth:`from_text` reads it back exactly."""
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "int":
            return str(int(value))
        if self.kind == "float":
            return repr(float(value))
        if self.kind == "graph":
            raise ParameterError(self.name, "a network cannot be written as text")
        if self.kind == "mix":
            return "" if value is None else ", ".join(f"{n}:{w!r}" for n, w in value)
        return str(value)


#: How a yes/no value may be written as text.
BOOL_TEXT = {
    "true": True,
    "1": True,
    "yes": True,
    "on": True,
    "false": False,
    "0": False,
    "no": False,
    "off": False,
}


#: The most strategies one mix may seat (a class tournament: 30 students and the built-ins).
MAX_MIX = 64


def check_mix(field: str, value: Any) -> tuple[tuple[str, float], ...] | None:
    """A strategy mix, checked: ``None`` (not used), or a tuple of ``(name, weight)`` pairs
    in the order given, each name a registered strategy that appears once and each weight
    a finite number, 0 or more, at least one of them above 0 (a strategy of weight 0 seats
    nobody at the start: people can be moved to it during the run,
    :meth:`sim.NetworkingModel.reseat`). Accepts a mapping ``{name: weight}`` or a sequence
    of pairs.
    Weights are relative: ``{"a": 1, "b": 2}`` seats a third of the people with ``a``."""
    if value is None:
        return None
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list | tuple):
        pairs = list(value)
    else:
        raise ParameterError(
            field, f"must be {PARAMETERS[field].describe_allowed()} (got {value!r})"
        )
    if not 1 <= len(pairs) <= MAX_MIX:
        raise ParameterError(field, f"must name 1 to {MAX_MIX} strategies (got {len(pairs)})")
    from agents.registry import available_strategies

    names = available_strategies()
    out, seen = [], set()
    for pair in pairs:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ParameterError(field, f"each entry must be a (name, weight) pair (got {pair!r})")
        name, weight = pair
        if not isinstance(name, str) or name not in names:
            close = difflib.get_close_matches(str(name), names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ParameterError(field, f"unknown strategy {name!r}{hint}")
        if name in seen:
            raise ParameterError(field, f"names strategy {name!r} twice")
        seen.add(name)
        if (
            isinstance(weight, bool | _np_bool())
            or not isinstance(weight, numbers.Real)
            or not math.isfinite(weight)
            or weight < 0
        ):
            raise ParameterError(
                field, f"the weight of {name!r} must be a number, 0 or more (got {weight!r})"
            )
        out.append((name, float(weight)))
    if not any(weight > 0 for _, weight in out):
        raise ParameterError(field, "the weights are all 0: give one strategy a weight above 0")
    return tuple(out)


def _mix_from_text(field: str, raw: str) -> list | None:
    """``"interrupt:1, interact:2"`` -> pairs; an empty text or ``none`` -> None."""
    if raw == "" or raw.lower() == "none":
        return None
    pairs = []
    for part in raw.split(","):
        name, sep, weight = part.partition(":")
        try:
            number = float(weight) if sep else 1.0
        except ValueError:
            raise ParameterError(
                field, f"the weight in {part.strip()!r} must be a number (as in 'interact:2')"
            ) from None
        pairs.append((name.strip(), number))
    return pairs


def seat_counts(weights, n: int) -> list[int]:
    """How many of ``n`` people each weight seats: ``n * weight / total`` rounded so that
    the counts add up to ``n`` (largest remainders first, earlier entries winning a draw)."""
    w = [float(x) for x in weights]
    total = sum(w)
    exact = [n * x / total for x in w]
    counts = [int(math.floor(e)) for e in exact]
    left = n - sum(counts)
    order = sorted(range(len(w)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def _np_bool():
    import numpy as np

    return np.bool_


def _p(name, kind, default, help, group, label, **kw) -> Param:
    return Param(name=name, kind=kind, default=default, help=help, group=group, label=label, **kw)


#: Every parameter, in display order.
PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        # People ------------------------------------------------------------------------------
        _p(
            "n_agents",
            "int",
            300,
            "How many people are in the network.",
            "People",
            "Number of people",
            low=2,
            high=200_000,
        ),
        _p(
            "broadcaster_share",
            "float",
            0.3,
            "Share of people who network by interruption (broadcasting one pitch to everyone).",
            "People",
            "Share of broadcasters",
            low=0.0,
            high=1.0,
        ),
        _p(
            "broadcaster_strategy",
            "strategy",
            "interrupt",
            "Strategy used by the broadcasting share of people.",
            "People",
            "Broadcasters' strategy",
            advanced=True,
        ),
        _p(
            "interactor_strategy",
            "strategy",
            "interact",
            "Strategy used by everyone else.",
            "People",
            "Interactors' strategy",
            advanced=True,
        ),
        _p(
            "strategy_mix",
            "mix",
            None,
            "Several strategies side by side, each with a weight (its share of the people); "
            "when set, it replaces the share of broadcasters and the two strategies above.",
            "People",
            "Strategy mix",
            advanced=True,
        ),
        _p(
            "exchanges_per_step",
            "int",
            1,
            "How many conversations an interactor opens each step, each with a different contact.",
            "People",
            "Conversations opened per step",
            low=1,
            high=20,
            live=True,
        ),
        _p(
            "conversation_capacity",
            "int",
            2,
            "How many conversations anyone has time for in a step, opened and answered together; "
            "an opening beyond it arrives as a one-way interruption.",
            "People",
            "Time for conversations",
            low=1,
            high=20,
            live=True,
        ),
        # Network -----------------------------------------------------------------------------
        _p(
            "network",
            "choice",
            "watts_strogatz",
            "The shape of the social network.",
            "Network",
            "Network shape",
            choices=tuple(NETWORKS),
        ),
        _p(
            "graph",
            "graph",
            None,
            "Your own NetworkX graph to use instead of a named network.",
            "Network",
            "Custom graph",
            advanced=True,
            sweepable=False,
        ),
        _p(
            "mean_degree",
            "int",
            10,
            "Average number of contacts per person (generated networks; ring, small world and "
            "scale free round it down to an even number).",
            "Network",
            "Contacts per person",
            low=1,
            high=200,
        ),
        _p(
            "rewire_prob",
            "float",
            0.1,
            "Small world only: chance that a tie is rewired to a random stranger.",
            "Network",
            "Rewiring chance",
            low=0.0,
            high=1.0,
            advanced=True,
        ),
        _p(
            "n_communities",
            "int",
            4,
            "Communities only: how many groups.",
            "Network",
            "Number of communities",
            low=1,
            high=100,
            advanced=True,
        ),
        _p(
            "community_mixing",
            "float",
            0.1,
            "Communities only: share of a person's ties that reach outside their group.",
            "Network",
            "Ties between communities",
            low=0.0,
            high=1.0,
            advanced=True,
        ),
        # Attention ---------------------------------------------------------------------------
        _p(
            "limited_attention",
            "bool",
            True,
            "People can look at only a few of the messages they get each step.",
            "Attention",
            "Limited attention",
            live=True,
        ),
        _p(
            "attention_budget",
            "int",
            5,
            "How many messages a person can look at per step when attention is limited.",
            "Attention",
            "Messages looked at per step",
            low=1,
            high=100,
            live=True,
        ),
        _p(
            "habituation",
            "float",
            0.2,
            "How much attention to a sender drops each time they interrupt you.",
            "Attention",
            "Habituation strength",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "sensitization",
            "float",
            0.5,
            "How much of the lost attention a conversation gives back: only one the other "
            "person took part in and you noticed, and in proportion to what it was worth "
            "to you.",
            "Attention",
            "Restored by a conversation",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "recovery",
            "float",
            0.03,
            "How fast attention to a sender comes back on its own while they are quiet.",
            "Attention",
            "Recovery at rest",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "baseline_attention",
            "float",
            1.0,
            "The attention people start with and recover towards.",
            "Attention",
            "Baseline attention",
            low=0.0,
            high=1.0,
            live=True,
            advanced=True,
        ),
        # Trust and memory --------------------------------------------------------------------
        _p(
            "trust_forgetting",
            "float",
            0.95,
            "Share of past trust evidence kept each step (1 means never forget); new "
            "evidence comes only from conversations, never from one-way messages.",
            "Trust and memory",
            "Trust memory",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "interest_learning",
            "float",
            0.3,
            "How far an interactor's guess of a contact's interests moves per conversation.",
            "Trust and memory",
            "Learning rate",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "memory_boost_interruption",
            "float",
            0.05,
            "How much a noticed interruption strengthens the memory of its sender.",
            "Trust and memory",
            "Memory from an interruption",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "memory_boost_exchange",
            "float",
            0.3,
            "How much a noticed conversation strengthens the memory of the other person.",
            "Trust and memory",
            "Memory from a conversation",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "memory_decay",
            "float",
            0.05,
            "Share of every memory trace that fades each step.",
            "Trust and memory",
            "Forgetting",
            low=0.0,
            high=1.0,
            live=True,
        ),
        # Conversion --------------------------------------------------------------------------
        _p(
            "conversion_rate",
            "float",
            0.02,
            "Chance that a noticed message wins a client, scaled by its value and by trust.",
            "Conversion",
            "Conversion chance",
            low=0.0,
            high=1.0,
            live=True,
        ),
        # Fading ------------------------------------------------------------------------------
        _p(
            "fade_threshold",
            "float",
            0.2,
            "A sender fades when their contacts' attention to them stays below this.",
            "Fading",
            "Fade threshold",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "fade_patience",
            "int",
            5,
            "How many steps in a row attention must stay below the threshold to fade.",
            "Fading",
            "Steps before fading",
            low=1,
            high=1000,
            live=True,
        ),
        # Mechanisms (switches beyond the core) -----------------------------------------------
        _p(
            "habituation_on",
            "bool",
            True,
            "People learn to ignore senders who keep interrupting (off: a captive audience).",
            "Mechanisms",
            "Habituation (tuning out)",
            live=True,
        ),
        _p(
            "generalization",
            "float",
            0.015,
            "Each interruption also lowers attention to everyone else by this share of it.",
            "Mechanisms",
            "Spill-over to all senders",
            low=0.0,
            high=1.0,
            live=True,
        ),
        _p(
            "generalization_on",
            "bool",
            True,
            "Interruptions from anyone make people a little warier of all senders.",
            "Mechanisms",
            "Spill-over",
            live=True,
        ),
        _p(
            "muting",
            "bool",
            False,
            f"People block a sender for good once their attention to them drops below "
            f"{MUTE_BELOW:.0%}.",
            "Mechanisms",
            "Muting",
            live=True,
        ),
        _p(
            "adaptation",
            "bool",
            False,
            "A broadcaster who fades switches to interacting.",
            "Mechanisms",
            "Faded broadcasters adapt",
            live=True,
        ),
        _p(
            "cold_reach",
            "int",
            0,
            "How many strangers (not contacts) each broadcaster also pitches per step.",
            "Mechanisms",
            "Cold calls per step",
            low=0,
            high=1000,
            live=True,
        ),
        _p(
            "campaign_steps",
            "int",
            0,
            "Broadcasters pitch only for this many steps, then go quiet (0: they never stop); "
            "they still answer anyone who talks to them.",
            "Mechanisms",
            "Campaign length",
            low=0,
            high=100_000,
            live=True,
        ),
        _p(
            "campaign_quiet",
            "choice",
            "broadcasters",
            "Who goes quiet when the campaign ends: the broadcasters only, or everyone (a season "
            "that ends for all, as when a whole market stops advertising).",
            "Mechanisms",
            "Quiet after the campaign",
            choices=("broadcasters", "everyone"),
            live=True,
        ),
        _p(
            "introductions",
            "bool",
            False,
            "A person who trusts an interactor introduces them to one of their own contacts.",
            "Mechanisms",
            "Introductions",
            live=True,
        ),
        _p(
            "introduction_trust",
            "float",
            0.75,
            "How much trust an interactor needs to earn before they get introduced.",
            "Mechanisms",
            "Trust needed for an introduction",
            low=0.0,
            high=1.0,
            live=True,
            advanced=True,
        ),
        # Docking -----------------------------------------------------------------------------
        _p(
            "conversion_rule",
            "choice",
            "per_message",
            "per_message: noticed messages convert; bass: only the Bass diffusion process runs.",
            "Docking",
            "Conversion rule",
            choices=("per_message", "bass"),
            advanced=True,
        ),
        _p(
            "bass_p",
            "float",
            0.03,
            "Bass rule: chance per step of converting from outside influence (advertising).",
            "Docking",
            "Outside influence p",
            low=0.0,
            high=1.0,
            live=True,
            advanced=True,
        ),
        _p(
            "bass_q",
            "float",
            0.38,
            "Bass rule: extra chance of converting when the contact you meet has converted.",
            "Docking",
            "Word of mouth q",
            low=0.0,
            high=1.0,
            live=True,
            advanced=True,
        ),
    ]
}


def defaults() -> dict[str, Any]:
    """Return a fresh dict of every parameter's default value."""
    return {name: p.default for name, p in PARAMETERS.items()}


def validate_one(name: str, value: Any) -> Any:
    """Validate a single parameter by name; return the converted value."""
    if name not in PARAMETERS:
        close = difflib.get_close_matches(name, PARAMETERS, n=1)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else "; `python -m sim --list` (or sim.PARAMETERS) lists the parameters"
        )
        raise ParameterError(name, f"unknown parameter{hint}")
    return PARAMETERS[name].check(value)


def from_text(name: str, text: str) -> Any:
    """Read one parameter written as text (``Param.from_text``), checking its name too."""
    if name not in PARAMETERS:
        validate_one(name, None)  # raises, naming the unknown parameter
    return PARAMETERS[name].from_text(text)


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Validate a partial dict of parameters; return a full dict with defaults filled in.

    Checks each value against its declaration, then the combinations that depend on more
    than one parameter (a network's size against its degree, for instance).
    """
    out = defaults()
    for name, value in values.items():
        out[name] = validate_one(name, value)
    _check_combinations(out)
    return out


def _check_combinations(v: dict[str, Any]) -> None:
    if v["graph"] is not None:
        return
    net, n, k = v["network"], v["n_agents"], v["mean_degree"]
    generated = [name for name in NETWORKS if name not in REAL_NETWORKS and name != "complete"]
    if net in generated and k >= n:
        raise ParameterError(
            "mean_degree", f"must be smaller than n_agents ({n}) for network {net!r} (got {k})"
        )
    if net in ("watts_strogatz", "ring") and k < 2:
        raise ParameterError("mean_degree", f"must be at least 2 for network {net!r} (got {k})")
    if net == "barabasi_albert" and k < 2:
        raise ParameterError("mean_degree", f"must be at least 2 for network {net!r} (got {k})")
    if net == "communities":
        blocks, mixing = v["n_communities"], v["community_mixing"]
        if blocks > n:
            raise ParameterError("n_communities", f"must be at most n_agents ({n}) (got {blocks})")
        smallest = n // blocks
        inside = k * (1 - mixing) if blocks > 1 else k
        if inside > smallest - 1:
            raise ParameterError(
                "mean_degree",
                f"is too large for {blocks} communities of {smallest} or more people: "
                f"{inside:g} ties inside a group need groups of at least {inside + 1:g} "
                "(use fewer communities, more people, more mixing or a smaller mean_degree)",
            )
        if blocks > 1 and k * mixing > n - smallest:
            raise ParameterError(
                "community_mixing",
                f"asks for {k * mixing:g} ties outside the group, more than the "
                f"{n - smallest} people outside it",
            )
    if net == "complete" and n > MAX_COMPLETE and v["conversion_rule"] != "bass":
        raise ParameterError(
            "n_agents",
            f"must be at most {MAX_COMPLETE} for network 'complete' (got {n}): every tie "
            "carries state; the 'bass' conversion rule samples contacts instead and has no cap",
        )

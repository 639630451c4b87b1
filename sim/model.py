"""The Mesa model: people networking by interruption or interaction on a social graph."""

from __future__ import annotations

import inspect
import numbers
from functools import partial
from typing import Any

import mesa
import numpy as np

from agents.person import Person
from agents.registry import get_strategy, group_of

from .collect import (
    CONVERTED_SHARE,
    NOTICED_SHARE_ALL,
    PERSON_NUMBERS,
    ArrayCollector,
    record_group_means,
)
from .networks import build_network, to_networkx
from .params import (
    MAX_COMPLETE,
    PARAMETERS,
    ParameterError,
    seat_counts,
    validate,
    validate_one,
)
from .world import World

__all__ = [
    "BY_START",
    "BY_START_SUFFIX",
    "REPORTER_HELP",
    "REPORTER_KEYS",
    "NetworkingModel",
    "check_rng",
    "keyword_signature",
    "make_reporter",
    "reporter_help",
    "reporter_names",
]

#: The two families of the essay; reporters exist for both even when one is empty.
FAMILIES = ("broadcasters", "interactors")

#: How a reporter counts people into a group when faded broadcasters adapt (``adaptation``).
NOW = "; people counted in the group of the strategy they use now"
AT_START = "; people counted in the group they started in"

#: What each group reporter measures (``{g}`` is the group: broadcasters, interactors, ...),
#: and which grouping it uses. Under the Bass rule (``conversion_rule="bass"``) there are no
#: messages, attention, trust or memory: every group reporter but ``conversions_{g}`` is NaN.
REPORTER_HELP = {
    "attention_to_{g}": "mean attention their contacts pay them (0..1)" + NOW,
    "trust_in_{g}": "mean trust their contacts have in them (0..1)" + NOW,
    "recall_of_{g}": "mean strength of their contacts' memory of them (0..1)" + NOW,
    "value_per_message_{g}": "mean value of their messages noticed this step (0..1)" + NOW,
    "reach_{g}": "messages of theirs noticed this step, per person" + NOW,
    "sent_{g}": "messages they sent this step, per person" + NOW,
    "noticed_share_{g}": "share of their messages sent this step that were noticed" + NOW,
    "conversions_{g}": "people won over so far, per person" + AT_START,
    "faded_{g}": "share of them that have faded so far" + AT_START,
}

#: Suffix of the starting-group view of a reporter grouped by the current strategy:
#: ``attention_to_broadcasters_by_start`` follows the people who *started* as broadcasters,
#: also after they adapt (without adaptation it equals ``attention_to_broadcasters``).
BY_START_SUFFIX = "_by_start"


def reporter_names(groups=FAMILIES) -> list[str]:
    """Names of the model reporters for the given groups, plus the model-wide ones; each
    reporter grouped by the current strategy also comes in its starting-group view."""
    names = [pattern.format(g=g) for g in groups for pattern in REPORTER_HELP]
    names += [
        pattern.format(g=g) + BY_START_SUFFIX
        for g in groups
        for pattern in REPORTER_HELP
        if REPORTER_HELP[pattern].endswith(NOW)
    ]
    return names + ["converted_share", "noticed_share_all"]


def reporter_help(name: str, groups=None) -> str:
    """What the reporter ``name`` measures, in words. ``groups``: the groups a model reports
    (``model.groups``); by default any short identifier is taken for a group. KeyError for
    a name no model reports (an unknown measure, a group not in ``groups``, or a
    ``_by_start`` view of a number that is always counted by starting group)."""
    model_wide = {
        "converted_share": "share of people won over by at least one sender",
        "noticed_share_all": "share of all messages delivered this step that were noticed",
    }
    if name in model_wide:
        return model_wide[name]
    base = name.removesuffix(BY_START_SUFFIX)
    for pattern, text in REPORTER_HELP.items():
        prefix = pattern.removesuffix("{g}")
        group = base.removeprefix(prefix)
        if not base.startswith(prefix) or not group.isidentifier():
            continue
        if groups is not None and group not in groups:
            break
        if base != name and not text.endswith(NOW):
            break  # cumulative numbers have no second view
        if base != name:
            text = text.replace(NOW, AT_START)
        if not prefix.startswith("conversions"):
            text += " (NaN under the Bass rule, which has no messages, attention or memory)"
        return text
    raise KeyError(f"no reporter named {name!r}")


def check_rng(rng):
    """Accept what Mesa's ``rng=`` takes that reproduces a run; refuse the rest clearly."""
    if rng is None or isinstance(rng, np.random.Generator | np.random.SeedSequence):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        if int(rng) < 0:
            raise ParameterError("rng", f"must be a non-negative whole number (got {rng})")
        return int(rng)
    raise ParameterError(
        "rng", f"must be a non-negative whole number, a numpy Generator or None (got {rng!r})"
    )


class NetworkingModel(mesa.Model):
    """People on a social network who network by interruption or by interaction.

    Every parameter is a keyword with a default; see :data:`sim.params.PARAMETERS` for
    names, ranges and meanings (``help(sim.params)``). ``rng`` seeds everything, the network
    included: the same ``rng`` gives the same run, bit for bit.

    Attributes: ``world`` (the numpy state, :class:`sim.world.World`), ``people`` (the
    :class:`agents.Person` agents in node order), ``params`` (the validated parameters),
    ``groups`` (reporter groups present), ``datacollector`` (a ``mesa.DataCollector`` of
    the reporters named by :func:`reporter_names`; it is a
    :class:`sim.collect.ArrayCollector`, which records all of them at once each step).
    """

    def __init__(self, *, rng=None, **params: Any):
        values = validate(params)
        rng = check_rng(rng)
        super().__init__(rng=rng)
        self.params = values
        implicit = (
            values["network"] == "complete"
            and values["conversion_rule"] == "bass"
            and values["graph"] is None
        )
        if implicit:  # the Bass rule samples contacts on the fly: no ties stored
            n, labels = values["n_agents"], None
            u = v = np.empty(0, dtype=np.int64)
        else:
            n, u, v, labels = build_network(values, self.rng)
        self.labels = labels
        slots, strategy_id, interactor_sid = self.seat_people(values, n)
        self.world = World(
            n,
            u,
            v,
            values,
            self.rng,
            slots,
            strategy_id,
            interactor_sid=interactor_sid,
            implicit_complete=implicit,
        )
        self.people = Person.populate(self, n, labels)
        self.groups = list(dict.fromkeys(list(FAMILIES) + [group_of(s) for s in slots]))
        self._stats = self._means = None
        self._stats_at = self._means_at = self._means_table_at = -1
        self._means_table = np.empty(2 * len(PERSON_NUMBERS) * len(self.groups))
        self._slots_seen, self._slot_groups = None, None
        self._graph, self._graph_ties = None, -1
        reporters = {name: _reporter(name) for name in reporter_names(self.groups)}
        recorder = ReporterRow(reporters, self.groups)
        self.datacollector = ArrayCollector(recorder, model_reporters=reporters)
        self.running = True
        self.datacollector.collect(self)

    def seat_people(self, values: dict, n: int) -> tuple[list, np.ndarray, int]:
        """Give every person a strategy: ``(slots, strategy_id, interactor_sid)``.

        Without a ``strategy_mix``, ``broadcaster_share`` of the people (rounded) use
        ``broadcaster_strategy`` (slot 0) and the rest ``interactor_strategy`` (slot 1).
        With one, slot i is the mix's i-th strategy, seated by its weight
        (:func:`sim.params.seat_counts`). Either way one random permutation of the people
        (``self.rng``) decides who sits where. ``interactor_sid`` is the slot faded
        broadcasters switch to under ``adaptation``: the first whose group is the
        interactors, or -1 (nobody switches) when a mix has none."""
        mix = values["strategy_mix"]
        order = self.rng.permutation(n)
        if mix is None:
            slots = [
                get_strategy(values["broadcaster_strategy"]),
                get_strategy(values["interactor_strategy"]),
            ]
            strategy_id = np.ones(n, dtype=np.int64)
            strategy_id[order[: round(values["broadcaster_share"] * n)]] = 0
            return slots, strategy_id, 1
        slots = [get_strategy(name) for name, _ in mix]
        counts = seat_counts([weight for _, weight in mix], n)
        strategy_id = np.empty(n, dtype=np.int64)
        strategy_id[order] = np.repeat(np.arange(len(slots)), counts)
        groups = [group_of(s) for s in slots]
        return slots, strategy_id, groups.index("interactors") if "interactors" in groups else -1

    # -- running ---------------------------------------------------------------------------
    def step(self) -> None:
        """One step: strategies decide, the world responds, the data collector records."""
        self.world.step()
        self.datacollector.collect(self)

    def reseat(self, people, strategy: str) -> None:
        """Move ``people`` (person indices) to ``strategy``, one of this run's strategies
        (a slot of its ``strategy_mix``, possibly of weight 0, or one of the two families'),
        from the next step on. Reporters grouped by the current strategy follow them; those
        counted by starting group keep them where they started. Used by the room's "play a
        person" mode, where a student takes a person over and hands it back."""
        names = [s.name for s in self.world.strategies]
        if strategy not in names:
            raise ValueError(
                f"reseat: {strategy!r} is not one of this run's strategies ({', '.join(names)})"
            )
        people = np.asarray(people, dtype=np.int64).reshape(-1)
        if len(people) and (people.min() < 0 or people.max() >= self.world.n):
            raise ValueError(f"reseat: people are numbered 0 to {self.world.n - 1}")
        self.world.strategy_id[people] = names.index(strategy)

    def set_parameter(self, name: str, value: Any) -> None:
        """Change a parameter while the run is going.

        Only parameters declared ``live`` may change mid-run; structural ones (size, network,
        strategies, shares) need a new model, and the error says so.
        """
        value = validate_one(name, value)
        if not PARAMETERS[name].live:
            raise ParameterError(
                name, "cannot change during a run; it applies when a new run starts"
            )
        self.params[name] = value

    # -- views -----------------------------------------------------------------------------
    @property
    def graph(self):
        """The social network as a NetworkX graph (built on first use)."""
        if self._graph is None or self._graph_ties != self.world.n_ties:
            w = self.world
            self._graph_ties = w.n_ties
            if w.implicit_complete:
                import networkx as nx

                if w.n > MAX_COMPLETE:
                    raise ValueError(
                        f"graph: the Bass rule on a complete network of {w.n:,} people stores "
                        f"no ties; model.graph is built for at most {MAX_COMPLETE:,} people"
                    )
                self._graph = nx.complete_graph(w.n)
            else:
                once = w.src < w.dst
                self._graph = to_networkx(w.n, w.src[once], w.dst[once], self.labels)
        return self._graph

    def person_stats(self) -> dict[str, np.ndarray]:
        """Per-person numbers at the current step (cached until the next step), in the
        order of :data:`sim.collect.PERSON_NUMBERS`."""
        if self._stats_at != self.steps:
            w = self.world
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(w.reach > 0, w.value_sum / np.maximum(w.reach, 1), np.nan)
                share = np.where(w.sent > 0, w.reach / np.maximum(w.sent, 1), np.nan)
            self._stats = {
                "attention_received": w.audience(),
                "trust_earned": w.trust_earned(),
                "recall": w.recall(),
                "value_per_message": value,
                "reach": w.reach.astype(float),
                "sent": w.sent.astype(float),
                "noticed_share": share,
                "conversions": w.conversions.astype(float),
                "faded": w.faded.astype(float),
            }
            self._stats_at = self.steps
            self._means = None
        return self._stats

    def preferred(self, audience: str | None = None) -> dict[str, float]:
        """Whom people would choose now if each had to pick one contact: the contact they
        regard most, regard being memory times attention (remembered, and not tuned out).
        ``audience``: count only the people of that group (by their starting strategy);
        None, everyone. Returns, per group, the share of the audience whose choice is in
        it, and under ``"no one"`` the share who regard no contact at all (an empty
        audience gives NaN). A reading of the moment; it changes nothing in the run."""
        w = self.world
        regard = np.asarray(w.memory, dtype=float) * np.asarray(w.attention, dtype=float)
        codes = self._group_codes(initial=True)
        picks = np.full(w.n, -1, dtype=np.int64)
        if len(regard):
            # per receiver, its ties by regard, highest first: the first of each is the pick
            order = np.lexsort((-regard, w.dst))
            first = order[np.r_[True, w.dst[order][1:] != w.dst[order][:-1]]]
            first = first[regard[first] > 0]
            picks[w.dst[first]] = codes[w.src[first]]
        if audience is not None:
            if audience not in self.groups:
                raise ValueError(f"audience: one of {', '.join(self.groups)} (got {audience!r})")
            picks = picks[codes == self.groups.index(audience)]
        with np.errstate(invalid="ignore"):
            out = {g: float(np.mean(picks == i)) if len(picks) else float("nan")
                   for i, g in enumerate(self.groups)}  # fmt: skip
            out["no one"] = float(np.mean(picks < 0)) if len(picks) else float("nan")
        return out

    def _group_codes(self, initial: bool = False) -> np.ndarray:
        """Per person: index into ``self.groups`` of their (initial) strategy's group."""
        w = self.world
        slot_code = np.array([self.groups.index(group_of(s)) for s in w.strategies])
        return slot_code[w.initial_strategy_id if initial else w.strategy_id]

    def group_means(self) -> dict[tuple[str, str, bool], float]:
        """Every per-person number's mean over each group, NaN for an empty group, keyed by
        (number, group, counted by starting group?). Cumulative numbers (BY_START) are
        counted by the starting group only. The means are those the data collector records
        (one compiled pass over the people, see :mod:`sim.collect`), equal to the mean of
        the group's non-NaN values in numpy."""
        if self._means is None or self._means_at != self.steps:
            table = self._group_table().reshape(2, len(PERSON_NUMBERS), len(self.groups))
            w = self.world
            nobody_switched = np.array_equal(w.strategy_id, w.initial_strategy_id)
            means = {}  # keys in the order the per-group loops of earlier versions gave
            for g, group in enumerate(self.groups):
                for k, key in enumerate(PERSON_NUMBERS):
                    if key not in BY_START:
                        means[key, group, False] = float(table[0, k, g])
            if nobody_switched:  # the same groups: the starting-group view is a copy
                means.update({(k, g, True): v for (k, g, _), v in list(means.items())})
            for g, group in enumerate(self.groups):
                for k, key in enumerate(PERSON_NUMBERS):
                    if key in BY_START or not nobody_switched:
                        means[key, group, True] = float(table[1, k, g])
            self._means, self._means_at = means, self.steps
        return self._means

    def _group_table(self) -> np.ndarray:
        """The flat table of group means at this step (see :func:`record_group_means`)."""
        if self._means_table_at != self.steps:
            self._record_row(np.empty(0), _NO_COLUMNS)
        return self._means_table

    def _record_row(self, row: np.ndarray, columns: np.ndarray) -> None:
        """Compute every group mean into ``self._means_table`` and fill ``row`` with the
        reporters whose places ``columns`` gives (see :func:`sim.collect.record_group_means`)."""
        w = self.world
        bass = self.params["conversion_rule"] == "bass"
        if bass and _SUMMARIES_UNUSED_UNDER_BASS:  # not read: skip computing them
            audience = trust = recall = _NO_VALUES
        else:
            audience, trust, recall = w.audience(), w.trust_earned(), w.recall()
        converted = np.ascontiguousarray(w.converted, dtype=np.bool_)
        packed = converted[: len(converted) // 8 * 8].view(np.uint64)  # 8 ties a word
        f8 = _FLOAT64
        if (  # the compiled pass averages float64 numbers and counts held as integers
            audience.dtype == f8
            and trust.dtype == f8
            and recall.dtype == f8
            and w.value_sum.dtype == f8
            and w.reach.dtype.kind in "iu"
            and w.sent.dtype.kind in "iu"
            and w.conversions.dtype.kind in "iu"
            and w.faded.dtype.kind in "biu"
        ):
            record_group_means(
                audience,
                trust,
                recall,
                w.reach,
                w.sent,
                w.value_sum,
                w.conversions,
                w.faded,
                w.strategy_id,
                w.initial_strategy_id,
                self._groups_of_slots(),
                len(self.groups),
                bass,
                _BY_START_ONLY,
                _NAN_UNDER_BASS,
                w.dst,
                converted,
                packed,
                w.cold_won,
                w.adopted,
                w.noticed_total,
                w.delivered_total,
                self._means_table,
                columns,
                row,
            )
        else:  # numbers of another type: numpy's own means, as numpy computes them
            self._plain_row(row, columns)
        self._means_table_at = self.steps
        self._means = None  # group_means() reads the new table

    def _groups_of_slots(self) -> np.ndarray:
        """Per strategy id: the index in ``self.groups`` of its group (cached)."""
        slots = self.world.strategies
        if slots != self._slots_seen:  # a list compares its items by identity first
            self._slot_groups = np.array(
                [self.groups.index(group_of(s)) for s in slots], dtype=np.int64
            )
            self._slots_seen = list(slots)
        return self._slot_groups

    def _plain_row(self, row: np.ndarray, columns: np.ndarray) -> None:
        """The slow path of :meth:`_record_row`: numpy means over each group's members."""
        stats = self.person_stats()
        bass = self.params["conversion_rule"] == "bass"
        table = self._means_table.reshape(2, len(PERSON_NUMBERS), len(self.groups))
        table[:] = np.nan
        for initial in (False, True):
            codes = self._group_codes(initial)
            for g in range(len(self.groups)):
                members = np.flatnonzero(codes == g)
                for k, key in enumerate(PERSON_NUMBERS):
                    if key in BY_START and not initial:
                        continue
                    values = stats[key][members]
                    values = values[~np.isnan(values)]
                    if len(values) and not (bass and key not in MEANINGFUL_UNDER_BASS):
                        table[int(initial), k, g] = float(values.mean())
        model_wide = {CONVERTED_SHARE: _converted_share, NOTICED_SHARE_ALL: _noticed_share_all}
        for j, c in enumerate(columns.tolist()):
            row[j] = self._means_table[c] if c >= 0 else model_wide[c](self)

    def group_mean(self, key: str, group: str, by_start: bool | None = None) -> float:
        """Mean over the people of ``group`` of the per-person number ``key`` (NaN if none).
        ``by_start``: count people by their starting group (default: only for the
        cumulative numbers in BY_START, which are always counted that way; the rest by their
        current strategy)."""
        if by_start is None or key in BY_START:  # cumulative numbers: always by start
            by_start = key in BY_START or bool(by_start)
        return self.group_means()[key, group, bool(by_start)]


#: Per-person numbers that accumulate over a run: reported by the group people *started*
#: in, so that they never fall when faded broadcasters adapt and change strategy.
BY_START = ("conversions", "faded")

#: The per-person numbers that mean something under the Bass rule (no messages, attention,
#: trust or memory there): the rest are reported as NaN, not as a misleading 0.
MEANINGFUL_UNDER_BASS = ("conversions",)

#: Reporter name prefix -> the per-person number it averages over a group.
REPORTER_KEYS = {
    "attention_to": "attention_received",
    "trust_in": "trust_earned",
    "recall_of": "recall",
    "value_per_message": "value_per_message",
    "reach": "reach",
    "sent": "sent",
    "noticed_share": "noticed_share",
    "conversions": "conversions",
    "faded": "faded",
}


#: Which per-person numbers the compiled pass counts by starting group only, and which it
#: reports as NaN under the Bass rule (in the order of PERSON_NUMBERS).
_BY_START_ONLY = np.array([key in BY_START for key in PERSON_NUMBERS])
_NAN_UNDER_BASS = np.array([key not in MEANINGFUL_UNDER_BASS for key in PERSON_NUMBERS])
_SUMMARIES_UNUSED_UNDER_BASS = all(key not in MEANINGFUL_UNDER_BASS for key in PERSON_NUMBERS[:3])
_FLOAT64 = np.dtype(np.float64)
_NO_VALUES = np.empty(0)
_NO_COLUMNS = np.empty(0, dtype=np.int64)


class ReporterRow:
    """The recorder of a :class:`NetworkingModel`'s reporters for
    :class:`sim.collect.ArrayCollector`: ``reporters`` are the reporter functions (name ->
    function, as :func:`make_reporter` makes them), and :meth:`record` computes all of their
    values in one compiled pass. Each reporter's place in that pass is read from the
    function itself (the number, group and grouping its ``partial`` carries)."""

    def __init__(self, reporters: dict, groups: list[str]):
        self.reporters = dict(reporters)
        n_groups = len(groups)
        columns = []
        for name, reporter in self.reporters.items():
            func = getattr(reporter, "func", None)
            if func is _group_value:
                key, group, by_start = reporter.args
                k = PERSON_NUMBERS.index(key)
                columns.append(
                    (int(by_start) * len(PERSON_NUMBERS) + k) * n_groups + groups.index(group)
                )
            elif func is _converted_share:
                columns.append(CONVERTED_SHARE)
            elif func is _noticed_share_all:
                columns.append(NOTICED_SHARE_ALL)
            else:
                raise ValueError(f"reporter {name!r}: not one a NetworkingModel records")
        self.columns = np.array(columns, dtype=np.int64)

    def record(self, model: NetworkingModel, row: np.ndarray) -> None:
        """Write every reporter's value at the model's current step into ``row``."""
        model._record_row(row, self.columns)


def make_reporter(name: str, model_wide: dict):
    """The reporter function for ``name``: one of ``model_wide`` (name -> function of the
    model), or a group mean read through the model's ``group_mean(key, group)``."""
    if name in model_wide:
        return partial(model_wide[name])
    by_start = name.endswith(BY_START_SUFFIX)
    base = name.removesuffix(BY_START_SUFFIX)
    for prefix, key in REPORTER_KEYS.items():
        if base.startswith(prefix + "_") and not (by_start and key in BY_START):
            return partial(_group_value, key, base[len(prefix) + 1 :], by_start or key in BY_START)
    raise KeyError(f"no reporter named {name!r}")


def _reporter(name: str):
    return make_reporter(
        name, {"converted_share": _converted_share, "noticed_share_all": _noticed_share_all}
    )


def _group_value(key: str, group: str, by_start: bool, model) -> float:
    """Reporter body: the group mean of one per-person number (picklable via partial)."""
    return model.group_mean(key, group, by_start)


def _converted_share(model: NetworkingModel) -> float:
    """Share of people converted: by the Bass rule, or won over by at least one sender."""
    w = model.world
    if model.params["conversion_rule"] == "bass":
        return float(w.adopted.mean())
    won = np.zeros(w.n, dtype=bool)
    won[w.dst[w.converted]] = True
    won[w.cold_won % w.n] = True
    return float(won.mean())


def _noticed_share_all(model: NetworkingModel) -> float:
    """Share of all messages delivered this step that were noticed."""
    w = model.world
    return w.noticed_total / w.delivered_total if w.delivered_total else float("nan")


def keyword_signature() -> inspect.Signature:
    """``(self, *, rng=None, <every declared parameter>=<its default>)``."""
    kw = [inspect.Parameter("rng", inspect.Parameter.KEYWORD_ONLY, default=None)]
    kw += [
        inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default)
        for p in PARAMETERS.values()
    ]
    return inspect.Signature([inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)] + kw)


NetworkingModel.__init__.__signature__ = keyword_signature()

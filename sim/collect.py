"""Data collection at array speed: a Mesa ``DataCollector`` that records a model's reporters
as one row of a preallocated numpy table per collection, plus the compiled pass that
computes every group mean of the per-person numbers at once.

:class:`ArrayCollector` is a genuine ``mesa.DataCollector``: ``model_reporters`` holds the
same reporter functions a plain collector would call, ``model_vars`` maps each name to a
list with one value per collection, ``_collection_steps`` lists the collection times and
``get_model_vars_dataframe()`` builds the same DataFrame. The difference is how a collection
is made: the reporters a *recorder* stands for are not called one by one; the recorder
fills the whole row in one go. The lists in ``model_vars`` are built only when someone
reads them. Reporters added later (``_new_model_reporter``), replaced in
``model_reporters`` or given as agent reporters are collected the way Mesa does.

:func:`record_group_means` reproduces numpy's own arithmetic: a group's mean is the sum of
its non-NaN values in person order, added up the way ``numpy.add.reduce`` does for float64
(pairwise, in blocks of eight partial sums), divided by their count; numbers that are whole
(reach, messages sent, conversions, faded) are summed as integers, which is exact and so
equal to numpy's float64 sum of them. Each mean thus equals, to the last bit,
``values[~np.isnan(values)].mean()`` over the members of the group.
"""

from __future__ import annotations

import types
from copy import deepcopy
from functools import partial

import mesa
import numba
import numpy as np
import pandas as pd

__all__ = ["PERSON_NUMBERS", "ArrayCollector", "pairwise_sum", "record_group_means"]

#: The per-person numbers whose group means are recorded, in the order of the
#: compiled pass's table (and of :meth:`sim.NetworkingModel.person_stats`).
PERSON_NUMBERS = (
    "attention_received",
    "trust_earned",
    "recall",
    "value_per_message",
    "reach",
    "sent",
    "noticed_share",
    "conversions",
    "faded",
)

#: Codes in a recorder's column map for the two model-wide numbers (group means are >= 0).
CONVERTED_SHARE = -1
NOTICED_SHARE_ALL = -2

#: numpy's block size for pairwise summation (``PW_BLOCKSIZE`` in its loops).
_BLOCK = 128
_U = np.uint64


@numba.njit(cache=True, nogil=True)
def _block_sum(buf, lo, n):  # pragma: no cover - compiled
    """numpy's sum of at most 128 contiguous float64 values: fewer than 8 one after
    another; otherwise eight interleaved partial sums combined as a tree, then the rest.
    (Indices are unsigned here and below: numba then skips its negative-index checks.)"""
    lo, n = _U(lo), _U(n)
    if n < _U(8):
        res = 0.0
        for i in range(lo, lo + n):
            res += buf[i]
        return res
    r0 = buf[lo]
    r1 = buf[lo + _U(1)]
    r2 = buf[lo + _U(2)]
    r3 = buf[lo + _U(3)]
    r4 = buf[lo + _U(4)]
    r5 = buf[lo + _U(5)]
    r6 = buf[lo + _U(6)]
    r7 = buf[lo + _U(7)]
    whole = n - n % _U(8)
    i = _U(8)
    while i < whole:
        j = lo + i
        r0 += buf[j]
        r1 += buf[j + _U(1)]
        r2 += buf[j + _U(2)]
        r3 += buf[j + _U(3)]
        r4 += buf[j + _U(4)]
        r5 += buf[j + _U(5)]
        r6 += buf[j + _U(6)]
        r7 += buf[j + _U(7)]
        i += _U(8)
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += buf[lo + i]
        i += _U(1)
    return res


@numba.njit(cache=True, nogil=True)
def pairwise_sum(buf, lo, n):  # pragma: no cover - compiled
    """Sum of ``buf[lo:lo + n]`` added in exactly the order numpy's float64 ``add.reduce``
    uses on a contiguous array: blocks of up to 128 values as in :func:`_block_sum`; a
    longer run split in two halves (the first a multiple of 8 long), each summed the same
    way, then the two sums added."""
    return _pairwise(buf, lo, n, np.empty((3, 64), np.int64), np.empty(64))


@numba.njit(cache=True, nogil=True)
def _pairwise(buf, lo, n, stack, sums):  # pragma: no cover - compiled
    """:func:`pairwise_sum` with its workspace given: the halving is walked with an explicit
    stack (numba cannot cache a recursive function safely). ``stack``: int64 (3, 64), the
    pending halves' starts, lengths and halves done; ``sums``: float64 (64,)."""
    if n <= _BLOCK:
        return _block_sum(buf, lo, n)
    top = 0
    held = 0
    stack[0, 0], stack[1, 0], stack[2, 0] = lo, n, 0
    while top >= 0:
        m = stack[1, top]
        if m <= _BLOCK:
            sums[held] = _block_sum(buf, stack[0, top], m)
            held += 1
            top -= 1
        elif stack[2, top] == 2:  # both halves summed: combine them
            held -= 1
            sums[held - 1] = sums[held - 1] + sums[held]
            top -= 1
        else:
            half = m // 2
            half -= half % 8
            if stack[2, top] == 0:
                child_start, child_length = stack[0, top], half
            else:
                child_start, child_length = stack[0, top] + half, m - half
            stack[2, top] += 1
            top += 1
            stack[0, top], stack[1, top], stack[2, top] = child_start, child_length, 0
    return sums[0]


@numba.njit(cache=True, nogil=True)
def _sort_by_group(codes, n_groups, order, bounds):  # pragma: no cover - compiled
    """``order[bounds[g]:bounds[g + 1]]``: the people of group ``g``, in person order (one
    branch-free pass per group, which may write one slot past the end: ``order`` needs
    ``len(codes) + 1`` slots)."""
    m = _U(0)
    for g in range(n_groups):
        bounds[g] = m
        for i in range(codes.shape[0]):
            order[m] = i
            m += _U(codes[i] == g)
    bounds[n_groups] = m


@numba.njit(cache=True, nogil=True)
def _non_nan(values, order, lo, hi, buf):  # pragma: no cover - compiled
    """Copy the non-NaN ``values`` of people ``order[lo:hi]`` to the start of ``buf``;
    return how many."""
    m = _U(0)
    for j in range(_U(lo), _U(hi)):
        x = values[_U(order[j])]
        buf[m] = x
        m += _U(x == x)
    return m


@numba.njit(cache=True, nogil=True)
def _float_means(
    k, order, bounds, audience, trust, recall, reach, sent, value_sum, buf, stack, sums, out, at
):  # pragma: no cover - compiled
    """``out[at + g]``: mean over group ``g`` of the NaN-free values of per-person number ``k``
    (0-2: ``audience``, ``trust``, ``recall``; 3: value per noticed message, ``value_sum /
    reach`` where ``reach > 0``; 6: noticed share, ``reach / sent`` where ``sent > 0``;
    computed as :meth:`sim.NetworkingModel.person_stats` does), NaN if none. Each group's
    values are copied, in person order, to the start of ``buf`` and summed there
    (``stack``, ``sums``: workspace of :func:`_pairwise`)."""
    for g in range(bounds.shape[0] - 1):
        lo, hi = _U(bounds[g]), _U(bounds[g + 1])
        if k == 0:
            m = _non_nan(audience, order, lo, hi, buf)
        elif k == 1:
            m = _non_nan(trust, order, lo, hi, buf)
        elif k == 2:
            m = _non_nan(recall, order, lo, hi, buf)
        elif k == 3:
            m = _U(0)
            for j in range(lo, hi):
                i = _U(order[j])
                r = reach[i]
                x = value_sum[i] / max(r, 1)
                buf[m] = x
                m += _U((r > 0) & (x == x))
        else:
            m = _U(0)
            for j in range(lo, hi):
                i = _U(order[j])
                d = sent[i]
                buf[m] = reach[i] / max(d, 1)
                m += _U(d > 0)
        out[at + g] = _pairwise(buf, 0, m, stack, sums) / m if m > _U(0) else np.nan


@numba.njit(cache=True, nogil=True)
def _whole_sums(codes, g, reach, sent, conversions, faded, out, at):  # pragma: no cover - compiled
    """Over the people with ``codes == g``: their number, and the sums of reach, sent,
    conversions and faded (as integers), into ``out[at .. at + 4]``."""
    c = r = d = v = f = 0
    for i in range(codes.shape[0]):
        member = np.int64(codes[i] == g)
        c += member
        r += member * reach[i]
        d += member * sent[i]
        v += member * conversions[i]
        f += member * np.int64(faded[i])
    out[at] = c
    out[at + 1] = r
    out[at + 2] = d
    out[at + 3] = v
    out[at + 4] = f


@numba.njit(cache=True, nogil=True)
def _share_won(dst, converted, packed, cold_won, n):  # pragma: no cover - compiled
    """Share of the ``n`` people won over: receivers of a converted tie (``dst`` where
    ``converted``) or strangers won by a cold call (``cold_won % n``). ``packed``: the
    first ``8 * len(packed)`` flags of ``converted`` read as 64-bit words, so that eight
    unconverted ties are skipped at a time."""
    won = np.zeros(n, np.uint8)
    count = 0
    for w in range(packed.shape[0]):
        if packed[w]:
            for e in range(8 * w, 8 * w + 8):
                if converted[e]:
                    j = dst[e]
                    count += 1 - won[j]
                    won[j] = 1
    for e in range(8 * packed.shape[0], converted.shape[0]):
        if converted[e]:
            j = dst[e]
            count += 1 - won[j]
            won[j] = 1
    for key in cold_won:
        j = key % n
        count += 1 - won[j]
        won[j] = 1
    return count / n


#: The per-person numbers 4, 5, 7 and 8 of PERSON_NUMBERS (reach, sent, conversions,
#: faded) hold whole numbers. Their sums are exact in any order, so record_group_means adds
#: them up as integers (the float64 sum numpy takes of them is exact too, as long as it
#: stays below 2**53, and so the same).


@numba.njit(cache=True, nogil=True)
def record_group_means(
    audience,
    trust,
    recall,
    reach,
    sent,
    value_sum,
    conversions,
    faded,
    strategy_id,
    initial_strategy_id,
    slot_group,
    n_groups,
    bass,
    by_start_only,
    nan_under_bass,
    dst,
    converted,
    packed,
    cold_won,
    adopted,
    noticed,
    delivered,
    table,
    columns,
    row,
):  # pragma: no cover - compiled
    """One collection of every group reporter and the two model-wide ones.

    ``table`` (flat, ``2 x len(PERSON_NUMBERS) x n_groups``) receives the mean of each
    per-person number over each group, first with people counted by the strategy they
    use now (``strategy_id``), then by the one they started with; ``slot_group`` maps a
    strategy id to its group. Numbers flagged in ``by_start_only`` are only counted by the
    starting group (their first view is left NaN); under the Bass rule (``bass``) the
    numbers flagged in ``nan_under_bass`` are NaN and the arrays they come from are not
    read. ``row[j]`` then gets ``table[columns[j]]``, or the share of people converted
    (``columns[j] == -1``; ``packed``: see :func:`_share_won`) or the share of delivered
    messages noticed (``-2``)."""
    n_numbers = by_start_only.shape[0]
    n = strategy_id.shape[0]
    # the loops below do not check bounds: refuse arrays too short for them
    summaries = min(audience.shape[0], trust.shape[0], recall.shape[0])
    counts = min(reach.shape[0], sent.shape[0], value_sum.shape[0], conversions.shape[0])
    if (
        n_numbers < 9
        or initial_strategy_id.shape[0] < n
        or counts < n
        or faded.shape[0] < n
        or (summaries < n and not (bass and nan_under_bass[:3].all()))
        or (bass and adopted.shape[0] < n)
        or dst.shape[0] < converted.shape[0]
        or 8 * packed.shape[0] > converted.shape[0]
        or table.shape[0] < 2 * n_numbers * n_groups
        or row.shape[0] < columns.shape[0]
    ):
        raise ValueError("record_group_means: an input array is shorter than it must be")
    now = np.empty(n, np.int64)
    start = np.empty(n, np.int64)
    same = True
    for i in range(n):
        now[i] = slot_group[strategy_id[i]]
        start[i] = slot_group[initial_strategy_id[i]]
        same &= now[i] == start[i]
    whole = np.empty(2 * n_groups * 5, np.int64)  # per view and group: size, 4 sums
    for g in range(n_groups):
        _whole_sums(now, g, reach, sent, conversions, faded, whole, 5 * g)
        if same:
            for s in range(5):
                whole[5 * (n_groups + g) + s] = whole[5 * g + s]
        else:
            _whole_sums(start, g, reach, sent, conversions, faded, whole, 5 * (n_groups + g))
    order = np.empty(n + 1, np.int64)  # see _sort_by_group
    bounds = np.empty(n_groups + 1, np.int64)
    buf = np.empty(n)
    stack = np.empty((3, 64), np.int64)
    sums = np.empty(64)
    for view in range(2):
        sorted_view = False
        for k in range(n_numbers):
            at = (view * n_numbers + k) * n_groups
            if (view == 0 and by_start_only[k]) or (bass and nan_under_bass[k]):
                for g in range(n_groups):
                    table[at + g] = np.nan
            elif k == 4 or k == 5 or k == 7 or k == 8:  # whole numbers
                s = 1 if k == 4 else 2 if k == 5 else 3 if k == 7 else 4
                for g in range(n_groups):
                    size = whole[5 * (view * n_groups + g)]
                    total = whole[5 * (view * n_groups + g) + s]
                    table[at + g] = total / size if size > 0 else np.nan
            elif view == 1 and same and not by_start_only[k]:  # the same groups: copy
                for g in range(n_groups):
                    table[at + g] = table[k * n_groups + g]
            else:
                if not sorted_view:
                    _sort_by_group(start if view else now, n_groups, order, bounds)
                    sorted_view = True
                _float_means(
                    k,
                    order,
                    bounds,
                    audience,
                    trust,
                    recall,
                    reach,
                    sent,
                    value_sum,
                    buf,
                    stack,
                    sums,
                    table,
                    at,
                )
    for j in range(columns.shape[0]):
        c = columns[j]
        if c >= 0:
            row[j] = table[c]
        elif c == -1:  # share of people converted
            if n == 0:
                row[j] = np.nan
            elif bass:
                adopters = 0
                for i in range(n):
                    adopters += adopted[i]
                row[j] = adopters / n
            else:
                row[j] = _share_won(dst, converted, packed, cold_won, n)
        else:  # share of the messages delivered this step that were noticed
            row[j] = noticed / delivered if delivered else np.nan


def _report(reporter, model):
    """One value of a model reporter, called as ``mesa.DataCollector.collect`` calls it."""
    if isinstance(reporter, types.LambdaType | partial):
        return deepcopy(reporter(model))
    if isinstance(reporter, str):
        return deepcopy(getattr(model, reporter, None))
    if isinstance(reporter, list):
        return deepcopy(reporter[0](*reporter[1]))
    return deepcopy(reporter())


class ArrayCollector(mesa.DataCollector):
    """A ``mesa.DataCollector`` whose reporters are recorded a whole row at a time.

    ``recorder`` stands for a set of reporters: ``recorder.reporters`` maps their names, in
    the recorder's column order, to the reporter functions (the ones a plain collector
    would call), and ``recorder.record(model, row)`` writes all of their current values
    into the float64 array ``row`` at once. Those reporters are passed in
    ``model_reporters`` as usual (with any others, which are called the way Mesa calls
    them). A reporter stays recorded by the recorder as long as ``model_reporters`` maps
    its name to the recorder's own function; replace or re-add it and it is called like
    any other from then on, its earlier values kept.

    Rows go into a table that doubles when full; ``model_vars`` turns them into Mesa's
    lists (name -> one value per collection) when it is read, adding only the rows
    collected since the last read.
    """

    def __init__(
        self,
        recorder,
        model_reporters=None,
        agent_reporters=None,
        agenttype_reporters=None,
        tables=None,
        capacity: int = 64,
    ):
        self._recorder = recorder
        self._column = {}  # name -> column of the table, for the reporters recorded as rows
        self._table = np.empty((max(int(capacity), 1), len(recorder.reporters)))
        self._rows = 0  # rows recorded
        self._synced = 0  # rows already copied into the lists
        self._lists = {}
        self._mirrored = False
        super().__init__(model_reporters, agent_reporters, agenttype_reporters, tables)
        self._planned = dict(self.model_reporters)
        self._called = self._others()
        self._mirrored = True  # the lists hold exactly what the table holds

    # -- Mesa's storage, built when read ---------------------------------------------------
    @property
    def model_vars(self) -> dict[str, list]:
        """Reporter name -> list of its values, one per collection (as in Mesa)."""
        if self._synced < self._rows:
            self._sync()
        return self._lists

    @model_vars.setter
    def model_vars(self, value) -> None:
        if self._synced < self._rows:
            self._sync()
        self._lists = value
        self._mirrored = False  # someone else's lists: read them, not the table

    def _sync(self) -> None:
        block = self._table[self._synced : self._rows]
        lists = self._lists
        for name, j in self._column.items():
            values = lists.get(name)
            if values is not None:
                values.extend(block[:, j].tolist())
        self._synced = self._rows

    def _others(self) -> dict:
        return {k: r for k, r in self.model_reporters.items() if k not in self._column}

    def _new_model_reporter(self, name, reporter):
        """Add (or reset) a model reporter, as Mesa does: its list starts empty."""
        if self._synced < self._rows:
            self._sync()
        self._column.pop(name, None)
        super()._new_model_reporter(name, reporter)
        names = list(self._recorder.reporters)
        if self._rows == 0 and name in names and reporter is self._recorder.reporters[name]:
            self._column[name] = names.index(name)
        if hasattr(self, "_planned"):  # added after construction
            self._replan()

    def _replan(self) -> None:
        """Follow changes to ``model_reporters``: a name no longer mapped to the recorder's
        own function is called like any other reporter from now on."""
        if self._synced < self._rows:
            self._sync()
        own = self._recorder.reporters
        self._column = {
            name: j
            for name, j in self._column.items()
            if self.model_reporters.get(name) is own[name]
        }
        self._planned = dict(self.model_reporters)
        self._called = self._others()

    # -- collecting ------------------------------------------------------------------------
    def collect(self, model) -> None:
        """Collect every reporter's value now: one row from the recorder, the rest called."""
        if self.model_reporters:
            self._collection_steps.append(model.time)
            if self.model_reporters != self._planned:
                self._replan()
            if not self._validated:
                self._validated = True
                for name, reporter in self._called.items():
                    self._validate_model_reporter(name, reporter, model)
            if self._column:
                if self._rows == len(self._table):
                    grown = np.empty((2 * len(self._table), self._table.shape[1]))
                    grown[: self._rows] = self._table[: self._rows]
                    self._table = grown
                self._recorder.record(model, self._table[self._rows])
                self._rows += 1
            if self._called:
                lists = self._lists
                for name, reporter in self._called.items():
                    lists[name].append(_report(reporter, model))
        if self.agent_reporters:
            self._agent_records[model.time] = list(self._record_agents(model))
        if self.agenttype_reporters:
            self._agenttype_records[model.time] = {}
            for agent_type in self.agenttype_reporters:
                records = self._record_agenttype(model, agent_type)
                self._agenttype_records[model.time][agent_type] = list(records)

    def get_model_vars_dataframe(self):
        """The model reporters' values as a DataFrame, one row per collection: the same one
        ``mesa.DataCollector`` builds from ``model_vars``, made from the table directly."""
        if not self.model_reporters or not self._mirrored or not self._rows or not self._column:
            return super().get_model_vars_dataframe()
        columns = {}
        for name, values in self._lists.items():
            j = self._column.get(name)
            columns[name] = values if j is None else self._table[: self._rows, j]
        return pd.DataFrame(columns)

"""The network builders give exactly the graphs they gave before they were made faster.

``sim.networks`` once removed repeated ties with ``np.unique`` and resolved the
scale-free copy step by revisiting every tie each round; both were replaced by faster code
(issue 10). A run is reproducible from its seed only if the same seed still gives the same
ties, in the same order, and leaves the random generator in the same state for what the
model draws next. The old builders are kept below, verbatim but for names, as the
reference the new ones must match array for array.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sim.networks import _distinct, build_network, from_graph
from sim.params import validate


# -- the builders as they were before issue 10 (the reference) --------------------------------
def _old_dedupe(n, u, v):
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    key = np.unique(lo[keep].astype(np.int64) * n + hi[keep])
    return (key // n).astype(np.int64), (key % n).astype(np.int64)


def _old_ring_lattice(n, k):
    half = max(1, k // 2)
    base = np.repeat(np.arange(n), half)
    offs = np.tile(np.arange(1, half + 1), n)
    return _old_dedupe(n, base, (base + offs) % n)


def _old_watts_strogatz(n, k, p, rng):
    u, v = _old_ring_lattice(n, k)
    if p <= 0 or len(u) == 0:
        return u, v
    idx = np.flatnonzero(rng.random(len(u)) < p)
    new_v = rng.integers(0, n - 1, size=len(idx))
    new_v += new_v >= u[idx]
    v = v.copy()
    v[idx] = new_v
    return _old_dedupe(n, u, v)


def _old_erdos_renyi(n, k, rng):
    pairs = n * (n - 1) // 2
    m = int(rng.binomial(pairs, min(1.0, k / max(1, n - 1))))
    if m > pairs // 4:
        return _old_pair_from_index(n, np.sort(rng.choice(pairs, size=m, replace=False)))
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < m:
        need = int((m - len(keys)) * 1.1) + 16
        a = rng.integers(0, n, size=need)
        b = rng.integers(0, n, size=need)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        new = lo[lo != hi].astype(np.int64) * n + hi[lo != hi]
        keys = np.unique(np.concatenate([keys, new]))
        if len(keys) > m:
            keys = rng.choice(keys, size=m, replace=False)
            keys.sort()
    return (keys // n), (keys % n)


def _old_pair_from_index(n, index):
    index = np.asarray(index, dtype=np.int64)
    u = np.floor((2 * n - 1 - np.sqrt((2 * n - 1) ** 2 - 8 * index)) / 2).astype(np.int64)
    start = u * n - u * (u + 1) // 2
    too_far = start > index
    u[too_far] -= 1
    start = u * n - u * (u + 1) // 2
    next_start = (u + 1) * n - (u + 1) * (u + 2) // 2
    past = index >= next_start
    u[past] += 1
    start = u * n - u * (u + 1) // 2
    return u, index - start + u + 1


def _old_barabasi_albert(n, m, rng):
    m = max(1, m)
    total = n * m
    ends = np.empty(2 * total, dtype=np.int64)
    ends[0::2] = np.repeat(np.arange(n), m)
    i = np.arange(total)
    r = (rng.random(total) * (2 * i + 1)).astype(np.int64)
    ptr = r.copy()
    odd = (ptr % 2) == 1
    while odd.any():
        ptr[odd] = r[(ptr[odd] - 1) // 2]
        odd = (ptr % 2) == 1
    ends[1::2] = ends[ptr]
    return _old_dedupe(n, ends[0::2], ends[1::2])


def _old_communities(n, k, blocks, mixing, rng):
    group = np.arange(n) * blocks // n
    if blocks == 1:
        mixing = 0.0
    want_in = n * k * (1 - mixing) / 2
    want_out = n * k * mixing / 2
    sizes = np.bincount(group, minlength=blocks)
    pairs_in = float((sizes * (sizes - 1) // 2).sum())
    pairs_out = n * (n - 1) / 2 - pairs_in
    p_in = min(1.0, want_in / pairs_in) if pairs_in else 0.0
    p_out = min(1.0, want_out / pairs_out) if pairs_out else 0.0
    us, vs = [], []
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for b in range(blocks):
        s = int(sizes[b])
        if s > 1 and p_in > 0:
            a, c = _old_erdos_renyi(s, p_in * (s - 1), rng)
            us.append(a + starts[b])
            vs.append(c + starts[b])
    m_out = int(rng.binomial(int(pairs_out), p_out)) if p_out > 0 else 0
    if m_out:
        keys = np.empty(0, dtype=np.int64)
        while len(keys) < m_out:
            need = 2 * (m_out - len(keys)) + 16
            a = rng.integers(0, n, size=need)
            c = rng.integers(0, n, size=need)
            cross = group[a] != group[c]
            lo, hi = np.minimum(a[cross], c[cross]), np.maximum(a[cross], c[cross])
            keys = np.unique(np.concatenate([keys, lo * n + hi]))
        keys = rng.choice(keys, size=m_out, replace=False)
        us.append(keys // n)
        vs.append(keys % n)
    if not us:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return _old_dedupe(n, np.concatenate(us), np.concatenate(vs))


def _old_build(params, rng):
    """The generated networks of the old ``build_network``, as ``(n, u, v, labels)``."""
    name, n, k = params["network"], params["n_agents"], params["mean_degree"]
    if name == "watts_strogatz":
        u, v = _old_watts_strogatz(n, k, params["rewire_prob"], rng)
    elif name == "ring":
        u, v = _old_ring_lattice(n, k)
    elif name == "erdos_renyi":
        u, v = _old_erdos_renyi(n, k, rng)
    elif name == "barabasi_albert":
        u, v = _old_barabasi_albert(n, max(1, k // 2), rng)
    elif name == "communities":
        u, v = _old_communities(n, k, params["n_communities"], params["community_mixing"], rng)
    else:
        raise AssertionError(name)
    return n, u, v, None


# -- the comparison ---------------------------------------------------------------------------
def assert_same_arrays(new, old):
    assert len(new) == len(old)
    for a, b in zip(new, old, strict=True):
        if isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray)
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b


GENERATED = ["watts_strogatz", "ring", "erdos_renyi", "barabasi_albert", "communities"]
CASES = [
    # (n_agents, mean_degree, extra parameters)
    (2, 1, {}),
    (5, 4, {}),
    (12, 2, {}),
    (30, 4, {"rewire_prob": 1.0, "community_mixing": 0.9}),
    (60, 20, {"rewire_prob": 0.0, "n_communities": 1}),
    (300, 10, {}),
    (1_000, 6, {"rewire_prob": 0.5, "n_communities": 7, "community_mixing": 0.05}),
    (5_000, 10, {}),
    (20_000, 30, {"rewire_prob": 0.3, "n_communities": 12, "community_mixing": 0.4}),
]


def _valid(network, n, k, extra):
    try:
        return validate({"network": network, "n_agents": n, "mean_degree": k, **extra})
    except ValueError:
        return None


#: Every generator with every case that its validation accepts (a ring, for one, needs
#: fewer neighbours than people): only valid combinations are generated, none skipped.
VALID_CASES = [
    pytest.param(network, params, id=f"{network}-n{n}k{k}")
    for network in GENERATED
    for n, k, extra in CASES
    if (params := _valid(network, n, k, extra)) is not None
]


def test_most_combinations_are_valid():
    assert len(VALID_CASES) >= 0.75 * len(GENERATED) * len(CASES)


@pytest.mark.parametrize(("network", "params"), VALID_CASES)
@pytest.mark.parametrize("seed", [0, 1, 2, 12345])
def test_same_graph_as_before(network, params, seed):
    rng_new, rng_old = np.random.default_rng(seed), np.random.default_rng(seed)
    new = build_network(params, rng_new)
    old = _old_build(params, rng_old)
    assert_same_arrays(new, old)
    # what the model draws after the network must not change either
    assert rng_new.bit_generator.state == rng_old.bit_generator.state


def test_same_graph_from_networkx():
    graphs = [
        nx.karate_club_graph(),
        nx.gnm_random_graph(500, 3_000, seed=4),
        nx.MultiGraph([(3, 1), (1, 3), (2, 2), (0, 4), (4, 0), (1, 2)]),
        nx.relabel_nodes(nx.path_graph(40), {i: f"p{(i * 7) % 40}" for i in range(40)}),
    ]
    for g in graphs:
        n, u, v, labels = from_graph(g)
        index = {label: i for i, label in enumerate(g.nodes())}
        pairs = np.array([(index[a], index[b]) for a, b in g.edges()], dtype=np.int64)
        assert_same_arrays((u, v), _old_dedupe(n, pairs[:, 0], pairs[:, 1]))


@pytest.mark.parametrize("kind", ["stable", "quicksort"])
def test_distinct_is_unique(kind):
    rng = np.random.default_rng(7)
    for size, high in [(0, 5), (1, 5), (2, 1), (50, 10), (1_000, 10**12), (10_000, 300)]:
        keys = rng.integers(0, high, size=size)
        assert_same_arrays((_distinct(keys, kind),), (np.unique(keys),))
    sorted_runs = np.concatenate([np.arange(0, 900, 3), np.arange(1, 900, 2)])
    assert_same_arrays((_distinct(sorted_runs),), (np.unique(sorted_runs),))

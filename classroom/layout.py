"""Where each person is drawn: computed once per network and seed, cached, never per frame.

Ring-like networks (ring, small world, complete) are drawn on a circle in node order, which
shows the ring and its rewired shortcuts; communities are drawn as one cluster per group;
everything else by a seeded force-directed layout (Fruchterman and Reingold 1991, as
NetworkX implements it), started from the spectral layout above 600 people so that a few
iterations suffice (when the network is in one piece: the spectral layout of a network in
several pieces puts each piece, and every isolated person, on a single point).
A custom graph (the ``graph`` parameter) is drawn the same whatever the seed: the seed
changes the run, not the network.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

import networkx as nx
import numpy as np

__all__ = ["layout_for", "layout_key", "spring"]

_CACHE: OrderedDict[tuple, np.ndarray] = OrderedDict()
_CACHE_SIZE = 32
_LOCK = Lock()

_CIRCULAR = ("ring", "watts_strogatz", "complete")


def layout_key(params: dict, seed: int, edges: np.ndarray) -> tuple:
    """What the layout depends on: the network's shape parameters and seed, or for a
    custom graph its number of people and the ties themselves."""
    if params.get("graph") is not None:
        return (
            "graph",
            params["graph"].number_of_nodes(),
            len(edges),
            hash(np.ascontiguousarray(edges).tobytes()),
        )
    names = (
        "network",
        "n_agents",
        "mean_degree",
        "rewire_prob",
        "n_communities",
        "community_mixing",
    )
    return (*(params[k] for k in names), seed)


def layout_for(params: dict, seed: int, n: int, edges: np.ndarray) -> np.ndarray:
    """Positions (n x 2, in [0, 1]) for a network of ``n`` people with undirected ``edges``
    (m x 2), cached by :func:`layout_key`; the same inputs always give the same picture."""
    key = layout_key(params, seed, edges)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    pos = _compute(params, seed, n, edges)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    pos = (pos - lo) / np.where(hi - lo > 0, hi - lo, 1.0)
    pos.setflags(write=False)
    with _LOCK:
        _CACHE[key] = pos
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return pos


def _compute(params: dict, seed: int, n: int, edges: np.ndarray) -> np.ndarray:
    network = None if params.get("graph") is not None else params["network"]
    if network is None:
        seed = 0  # the key of a custom graph leaves the seed out (see layout_key)
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    if network in _CIRCULAR:
        return np.column_stack([np.cos(angle), np.sin(angle)])
    if network == "communities" and params["n_communities"] > 1:
        blocks = params["n_communities"]
        group = np.arange(n) * blocks // n
        centre = 2 * np.pi * group / blocks
        rng = np.random.default_rng(seed)
        r = 0.8 * np.sqrt(rng.random(n)) * np.sin(np.pi / max(blocks, 2))
        a = rng.random(n) * 2 * np.pi
        return np.column_stack([np.cos(centre) + r * np.cos(a), np.sin(centre) + r * np.sin(a)])
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(map(tuple, edges.tolist()))
    if n <= 600:
        pos = nx.spring_layout(g, seed=seed, iterations=60)
        return np.array([pos[i] for i in range(n)], dtype=float)
    if nx.is_connected(g):
        spectral = nx.spectral_layout(g)
        start = np.array([spectral[i] for i in range(n)], dtype=float)
    else:
        start = np.random.default_rng(seed).random((n, 2))
    return spring(start, edges, iterations=8)


def spring(
    start: np.ndarray, edges: np.ndarray, iterations: int = 8, chunk: int = 256
) -> np.ndarray:
    """Fruchterman-Reingold force-directed placement (Fruchterman and Reingold 1991), the
    rule NetworkX's ``spring_layout`` follows, in numpy: every pair repels (k^2 / d), tied
    pairs attract (d^2 / k), and each node moves at most a "temperature" that cools
    linearly to zero. Returns new positions (n x 2) from ``start``; deterministic.

    NetworkX switches to a per-node Python loop above 500 nodes (3.3 s for 8 iterations
    at 3,000 people here); this keeps the pairwise part in blocks of ``chunk`` rows.
    """
    pos = np.asarray(start, dtype=np.float64).copy()
    n = len(pos)
    k = np.sqrt(1.0 / n)
    temperature = 0.1 * float(np.ptp(pos, axis=0).max() or 1.0)
    cooling = temperature / (iterations + 1)
    src, dst = edges[:, 0], edges[:, 1]
    for _ in range(iterations):
        push = np.empty_like(pos)
        x, y = pos[:, 0].astype(np.float32), pos[:, 1].astype(np.float32)
        for lo in range(0, n, chunk):
            dx = x[lo : lo + chunk, None] - x[None, :]
            dy = y[lo : lo + chunk, None] - y[None, :]
            weight = np.float32(k * k) / np.maximum(dx * dx + dy * dy, np.float32(1e-4))
            push[lo : lo + chunk, 0] = (dx * weight).sum(axis=1)
            push[lo : lo + chunk, 1] = (dy * weight).sum(axis=1)
        d = pos[src] - pos[dst]
        pull = d * (np.sqrt(np.einsum("ij,ij->i", d, d)) / k)[:, None]
        np.add.at(push, src, -pull)
        np.add.at(push, dst, pull)
        length = np.maximum(np.sqrt(np.einsum("ij,ij->i", push, push)), 0.01)
        pos += push * (temperature / length)[:, None]
        temperature -= cooling
    return pos

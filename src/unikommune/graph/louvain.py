"""Louvain communities on integer arrays: networkx's partition, found at a fraction of its cost.

:func:`louvain` finds exactly the partition that
``networkx.community.louvain_communities(graph, weight=..., seed=...)`` finds for an
undirected graph: the same walk, on lists indexed by node number instead of networkx's
graphs of dicts.  Every step that decides a move is done as networkx does it, in the same
order and with the same floating-point expressions, which is what makes the partitions
equal rather than merely as good:

- the nodes in the graph's order, each node's neighbours in the order of its adjacency
  in networkx's working copy of the graph (the order the graph lists its edges);
- the nodes of each level visited in one order shuffled by one :class:`random.Random`
  seeded once, as networkx's ``seed`` is;
- a node's candidate communities in the order its neighbours are met, its own last if
  no neighbour is in it (networkx's ``defaultdict`` adds it on reading), and the same
  gain, ``remove_cost + w / m - resolution * (Stot[c] * degree) / (2 * m**2)``;
- each next level's graph with its communities as nodes, numbered in order, and their
  ties in the order the level's edges first join two communities.

Only the modularity that decides whether another level is worth it may differ in its
last bits (networkx sums it in the order of Python sets of the nodes, which for text
nodes changes from run to run), so a partition whose gain lies within rounding of the
threshold (10⁻⁷) could stop a level earlier in one of the two; ``tests/test_louvain.py``
compares the two on generated graphs and the generated city.

On the organisation networks of single years of the country-scale dataset (20,000
partners, 22,000 to 83,000 ties) it takes 2.2 to 2.6 times less CPU time than networkx,
both with the cycle collector paused; with it running, networkx's takes several times
longer again, and :func:`~unikommune.graph.communities` pauses it.  With numba installed
(the ``fast`` extra), a graph of at least :data:`COMPILED_FROM` nodes whose weights are
all floats is walked on arrays instead (:mod:`.louvain_arrays`: the same walk, every level
in numpy arrays and its moves compiled), communities and their order the same: a year's
network of the country then takes 0.10 to 0.17 s instead of 0.7 s.  Other graphs keep the
walk on lists, the moves of a level of that many nodes compiled.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from operator import itemgetter
from typing import Any

import networkx as nx

from unikommune.graph.louvain_arrays import communities_of, compiled_moves

__all__ = ["COMPILED_FROM", "louvain"]


class _Level:
    """One level's graph: its ties by node number, weighted degrees, and members."""

    __slots__ = ("degrees", "members", "neighbours", "ties")

    def __init__(
        self,
        ties: list[list[tuple[int, float]]],
        loops: dict[int, float],
        members: list[list[int]],
    ) -> None:
        #: every tie of each node in adjacency order, its self-loop (``loops``, by node)
        #: included: networkx's ``G[u]``
        self.ties = ties
        #: the same without self-loops (networkx's ``nbrs``)
        self.neighbours = [
            [(v, w) for v, w in row if v != u] if u in loops else row for u, row in enumerate(ties)
        ]
        # networkx's G.degree(weight=...): the ties summed in order, a self-loop twice
        weight = itemgetter(1)
        self.degrees = [sum(map(weight, row)) + loops.get(u, False) for u, row in enumerate(ties)]
        #: the original nodes (as numbers) each node of this level stands for
        self.members = members

    def edges(self) -> list[tuple[int, int, float]]:
        """Return the ties once each, in the order networkx's ``G.edges`` lists them."""
        return [(u, v, w) for u, row in enumerate(self.ties) for v, w in row if v >= u]


def louvain(
    graph: nx.Graph[Any],
    *,
    weight: str = "weight",
    resolution: float = 1,
    threshold: float = 0.0000001,
    seed: int = 42,
) -> list[set[Any]]:
    """Return the Louvain communities networkx finds for ``graph`` with ``seed``.

    The same as ``networkx.community.louvain_communities(graph, weight=weight,
    resolution=resolution, threshold=threshold, seed=seed)`` for an undirected graph
    without parallel edges (see the module's docstring for how far "the same" goes).  An
    edge without ``weight`` weighs 1.

    Raises:
        ValueError: ``graph`` is directed or a multigraph.
    """
    if graph.is_directed() or graph.is_multigraph():
        raise ValueError("louvain takes an undirected graph without parallel edges")
    nodes = list(graph)
    if graph.number_of_edges() == 0:
        return [{node} for node in nodes]
    if len(nodes) >= COMPILED_FROM:  # the same walk, every level on arrays
        arrays = communities_of(
            graph, nodes, weight=weight, resolution=resolution, threshold=threshold, seed=seed
        )
        if arrays is not None:
            return arrays
    level = _first_level(graph, nodes, weight)
    m = sum(level.degrees) / 2
    rng = random.Random(seed)
    mod = _modularity(level, [[u] for u in range(len(nodes))], resolution)
    communities = _one_level(level, m, resolution, rng)
    found = _partition(level, communities)
    while True:
        new_mod = _modularity(level, communities, resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        level = _next_level(level, communities)
        communities = _one_level(level, m, resolution, rng)
        if len(communities) == len(level.members):  # no node moved: nothing new
            break
        found = _partition(level, communities)
    return [{nodes[i] for i in part} for part in found]


def _first_level(graph: nx.Graph[Any], nodes: Sequence[Hashable], weight: str) -> _Level:
    """Return the level of ``graph`` as networkx's working copy of it orders its ties."""
    index = {node: i for i, node in enumerate(nodes)}
    ties: list[list[tuple[int, float]]] = [[] for _ in nodes]
    loops: dict[int, float] = {}
    # graph.edges() in its order (each tie once, from the first of its ends in node
    # order), read from the adjacency without a view's call per tie
    for a, (_, adjacent) in enumerate(graph.adjacency()):
        for v, data in adjacent.items():
            b = index[v]
            if b < a:
                continue
            w = data.get(weight, 1)
            ties[a].append((b, w))
            if a != b:
                ties[b].append((a, w))
            else:
                loops[a] = w
    return _Level(ties, loops, [[i] for i in range(len(nodes))])


def _one_level(level: _Level, m: float, resolution: float, rng: random.Random) -> list[list[int]]:
    """Move nodes between communities while that gains modularity; return the communities.

    The communities are lists of the level's nodes, in the order of their numbers,
    empty ones left out.  As networkx's ``_one_level`` (module docstring).  With numba
    installed (the ``fast`` extra), the moves of a level of many nodes run compiled
    (:func:`_compiled_moves`): the same steps, in the same order, on arrays.
    """
    count = len(level.members)
    degrees = level.degrees
    neighbours = level.neighbours
    order = list(range(count))
    rng.shuffle(order)
    # a node with no tie at all never moves and leaves every sum as it was (its degree
    # is 0): the walk passes it by, after the shuffle, which takes every node
    order = [u for u in order if neighbours[u] or degrees[u]]
    compiled = compiled_moves() if count >= COMPILED_FROM else None
    # Numbers as floats: the sums are the same below 2**53, far above any network's.
    if compiled is not None and max(map(abs, degrees), default=0) < 2**53:
        node2com = _moved_compiled(compiled, level, order, m, resolution)
    else:
        node2com = _moved(level, order, m, resolution)
    groups: list[list[int]] = [[] for _ in range(count)]
    for u, com in enumerate(node2com):
        groups[com].append(u)
    return [group for group in groups if group]


#: The fewest nodes of a level whose moves run compiled, when numba is installed.
COMPILED_FROM = 2_000


def _moved(level: _Level, order: list[int], m: float, resolution: float) -> list[int]:
    """Return each node's community after one level's moves, walked in Python."""
    # Long: the inner loop is the algorithm's whole cost and stays in one frame.
    node2com = list(range(len(level.members)))
    stot = list(level.degrees)
    degrees = level.degrees
    neighbours = level.neighbours
    scale = 2 * m**2
    moves = 1
    while moves > 0:
        moves = 0
        for u in order:
            best_mod: float = 0
            best_com = node2com[u]
            weights: dict[int, float] = {}
            get = weights.get
            for v, w in neighbours[u]:
                com = node2com[v]
                weights[com] = get(com, 0.0) + w
            degree = degrees[u]
            stot[best_com] -= degree
            own = weights.setdefault(best_com, 0.0)
            remove_cost = -own / m + resolution * (stot[best_com] * degree) / scale
            for com, w in weights.items():
                gain = remove_cost + w / m - resolution * (stot[com] * degree) / scale
                if gain > best_mod:
                    best_mod = gain
                    best_com = com
            stot[best_com] += degree
            if best_com != node2com[u]:
                moves += 1
                node2com[u] = best_com
    return node2com


def _moved_compiled(
    compiled: Any, level: _Level, order: list[int], m: float, resolution: float
) -> list[int]:
    """Return each node's community after one level's moves, walked by ``compiled``."""
    import numpy as np

    neighbours = level.neighbours
    indptr = np.zeros(len(neighbours) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in neighbours], out=indptr[1:])
    size = int(indptr[-1])
    indices = np.fromiter((v for row in neighbours for v, _ in row), np.int64, size)
    weights = np.fromiter((w for row in neighbours for _, w in row), np.float64, size)
    degrees = np.array(level.degrees, dtype=np.float64)
    order_array = np.array(order, dtype=np.int64)
    found = compiled(order_array, indptr, indices, weights, degrees, m, resolution)
    return list(found.tolist())


def _partition(level: _Level, communities: list[list[int]]) -> list[list[int]]:
    """Return the original nodes of each community."""
    members = level.members
    return [[i for u in community for i in members[u]] for community in communities]


def _next_level(level: _Level, communities: list[list[int]]) -> _Level:
    """Return the graph of ``communities``: ties summed, in networkx's ``_gen_graph`` order."""
    com = [0] * len(level.members)
    for number, community in enumerate(communities):
        for u in community:
            com[u] = number
    weights: dict[tuple[int, int], float] = {}
    adjacency: list[list[int]] = [[] for _ in communities]
    for u, v, w in level.edges():
        a, b = com[u], com[v]
        key = (a, b) if a <= b else (b, a)
        before = weights.get(key)
        if before is None:
            weights[key] = w + 0
            adjacency[a].append(b)
            if a != b:
                adjacency[b].append(a)
        else:
            weights[key] = w + before
    ties = [
        [(b, weights[(a, b) if a <= b else (b, a)]) for b in row] for a, row in enumerate(adjacency)
    ]
    loops = {a: w for (a, b), w in weights.items() if a == b}
    return _Level(ties, loops, _partition(level, communities))


def _modularity(level: _Level, communities: list[list[int]], resolution: float) -> float:
    """Return Newman's modularity of ``communities`` of ``level``, as networkx defines it."""
    degrees = level.degrees
    deg_sum = sum(degrees)
    m = deg_sum / 2
    norm = 1 / deg_sum**2
    com = [0] * len(degrees)
    for number, community in enumerate(communities):
        for u in community:
            com[u] = number
    inside = [0.0] * len(communities)
    for u, row in enumerate(level.ties):  # level.edges() in order, without the list
        mine = com[u]
        for v, w in row:
            if v >= u and com[v] == mine:
                inside[mine] += w
    total: float = 0
    for number, community in enumerate(communities):
        degree_sum = sum(degrees[u] for u in community)
        total += inside[number] / m - resolution * degree_sum * degree_sum * norm
    return total

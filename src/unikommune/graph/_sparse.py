"""Compiled versions of the neighbourhood sums behind structural holes and brokerage.

Used when numba is installed (the ``fast`` extra); the pure-Python versions in
:mod:`.metrics` and :mod:`.brokerage` give the same values and are what the tests compare
against networkx.  Both sums run over two-step paths ``i → q → j`` between the ends of a
tie: each node marks its neighbours in a dense array, then walks its neighbours'
neighbourhoods, so the work is the sum of the squared degrees, in compiled loops.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import networkx as nx

__all__ = [
    "Csr",
    "arrays",
    "available",
    "held",
    "reading",
    "sparse_brokerage",
    "sparse_structural_holes",
]


@cache
def available() -> bool:
    """Return whether numba and numpy can be imported."""
    try:
        import numba  # noqa: F401
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _kernels() -> tuple[Any, Any]:
    import numba
    import numpy as np

    @numba.njit(cache=True)
    def holes(
        indptr: Any, indices: Any, weights: Any, strength: Any, largest: Any
    ) -> tuple[Any, Any]:
        n = indptr.shape[0] - 1
        mark = np.zeros(n)
        constraint = np.zeros(n)
        size = np.zeros(n)
        for i in range(n):
            if strength[i] == 0:
                continue
            for e in range(indptr[i], indptr[i + 1]):
                mark[indices[e]] = weights[e] / strength[i]
            total_c = 0.0
            total_s = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                j = indices[e]
                indirect = 0.0
                redundancy = 0.0
                for f in range(indptr[j], indptr[j + 1]):
                    q = indices[f]
                    if mark[q] != 0.0:
                        if strength[q] != 0.0:
                            indirect += mark[q] * weights[f] / strength[q]
                        if largest[j] != 0.0:
                            redundancy += mark[q] * weights[f] / largest[j]
                total_c += (mark[j] + indirect) ** 2
                total_s += 1.0 - redundancy
            constraint[i] = total_c
            size[i] = total_s
            for e in range(indptr[i], indptr[i + 1]):
                mark[indices[e]] = 0.0
        return constraint, size

    @numba.njit(cache=True)
    def closed(indptr: Any, indices: Any, member: Any, groups: int) -> tuple[Any, Any]:
        n = indptr.shape[0] - 1
        mark = np.zeros(n, dtype=np.bool_)
        tied = np.zeros((n, groups, groups), dtype=np.int64)
        counts = np.zeros((n, groups), dtype=np.int64)
        for b in range(n):
            for e in range(indptr[b], indptr[b + 1]):
                mark[indices[e]] = True
                counts[b, member[indices[e]]] += 1
            for e in range(indptr[b], indptr[b + 1]):
                a = indices[e]
                for f in range(indptr[a], indptr[a + 1]):
                    c = indices[f]
                    if mark[c]:
                        tied[b, member[a], member[c]] += 1
            for e in range(indptr[b], indptr[b + 1]):
                mark[indices[e]] = False
        return tied, counts

    return holes, closed


class Csr:
    """A graph's adjacency in compressed sparse rows, without self-loops.

    ``nodes`` are the graph's nodes in its order; row ``i`` lists the neighbours of
    node ``i`` (``indices[indptr[i]:indptr[i + 1]]``) and the weights of its ties
    (``data``, 1.0 each with ``weight=None``).
    """

    def __init__(self, graph: nx.Graph[Any], weight: str | None) -> None:
        import numpy as np

        self.nodes: list[Hashable] = list(graph)
        index = {node: i for i, node in enumerate(self.nodes)}
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for node, neighbours in graph.adjacency():
            for other, attributes in neighbours.items():
                if other != node:
                    indices.append(index[other])
                    data.append(float(attributes.get(weight, 1.0)) if weight else 1.0)
            indptr.append(len(indices))
        self.indptr = np.array(indptr, dtype=np.int64)
        self.indices = np.array(indices, dtype=np.int64)
        self.data = np.array(data, dtype=np.float64)


#: The arrays of the graphs a :func:`reading` block reads, by the graph's id, with the
#: weight they were built for.
_READ: dict[int, tuple[nx.Graph[Any], str | None, Csr]] = {}


@contextmanager
def reading(graph: nx.Graph[Any], weight: str | None = "weight") -> Iterator[Csr]:
    """Build ``graph``'s arrays once for the block: the functions here that read it reuse them.

    For a caller that computes several figures of one graph it does not change in the
    block (walking a national network's ties into arrays takes about a second each time).
    """
    key = id(graph)
    built = Csr(graph, weight)
    _READ[key] = (graph, weight, built)
    try:
        yield built
    finally:
        _READ.pop(key, None)


def arrays(graph: nx.Graph[Any], weight: str | None) -> Csr:
    """Return ``graph``'s arrays: those of the :func:`reading` block around, or new ones.

    Arrays built for another weight serve only a caller that reads no weights
    (``weight=None`` reads ``indptr`` and ``indices`` alone).
    """
    found = held(graph, weight)
    return found if found is not None else Csr(graph, weight)


def held(graph: nx.Graph[Any], weight: str | None) -> Csr | None:
    """Return the arrays of ``graph`` a :func:`reading` block built, or ``None``."""
    found = _READ.get(id(graph))
    if found is not None and found[0] is graph and (found[1] == weight or weight is None):
        return found[2]
    return None


def sparse_structural_holes(
    graph: nx.Graph[Any], weight: str | None = "weight"
) -> tuple[dict[Hashable, float | None], dict[Hashable, float | None]]:
    """Return Burt's constraint and effective size, as :func:`.metrics.structural_holes`."""
    import numpy as np

    a = arrays(graph, weight)
    nodes = a.nodes
    rows = np.repeat(np.arange(len(nodes)), np.diff(a.indptr))
    strength = np.bincount(rows, weights=a.data, minlength=len(nodes))
    largest = np.zeros(len(nodes))
    np.maximum.at(largest, rows, a.data)
    holes, _ = _kernels()
    constraint, size = holes(a.indptr, a.indices, a.data, strength, largest)
    isolated = strength == 0
    return (
        {n: None if isolated[i] else float(constraint[i]) for i, n in enumerate(nodes)},
        {n: None if isolated[i] else float(size[i]) for i, n in enumerate(nodes)},
    )


def sparse_brokerage(
    graph: nx.Graph[Any], groups: Sequence[object], group_of: dict[Hashable, object]
) -> dict[Hashable, dict[tuple[object, object], int]]:
    """Return, for every node ``b``, its open ordered neighbour pairs ``(a, c)`` by groups.

    ``groups`` lists every group; the result maps ``(group of a, group of c)`` to the
    number of ordered pairs of distinct neighbours of ``b`` that are not tied.
    """
    import numpy as np

    a = arrays(graph, None)
    nodes = a.nodes
    index = {g: k for k, g in enumerate(groups)}
    member = np.array([index[group_of[n]] for n in nodes], dtype=np.int64)
    _, closed = _kernels()
    tied, counts = closed(a.indptr, a.indices, member, len(groups))
    result: dict[Hashable, dict[tuple[object, object], int]] = {}
    for i, node in enumerate(nodes):
        row: dict[tuple[object, object], int] = {}
        for k, gk in enumerate(groups):
            nk = int(counts[i, k])
            if not nk:
                continue
            for h, gh in enumerate(groups):
                pairs = nk * int(counts[i, h]) - (nk if k == h else 0) - int(tied[i, k, h])
                if pairs:
                    row[(gk, gh)] = pairs
        result[node] = row
    return result

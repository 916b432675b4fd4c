"""Per-partner metrics of a partnership, and its communities.

Partner metrics (:func:`partner_metrics`), on the co-participation network:

``degree``
    Number of partners it shares an activity with.
``strength``
    Sum of its tie weights (shared activities, or their fractional count).
``betweenness``
    Share of shortest paths between other partners that pass through it
    (networkx ``betweenness_centrality``, normalised, hops not weights).
``constraint`` and ``effective_size``
    Burt's structural-hole measures on the weighted ties: how much its contacts are tied
    to each other (high constraint: few holes to broker) and how many non-redundant
    contacts it has.  Undefined (empty) for a partner without ties.
``community``
    Its Louvain community, numbered from 0 by decreasing size (seeded, so stable).
``coordinator`` … ``liaison``
    Gould–Fernandez brokerage roles between helix sectors, or kinds of partner
    (:mod:`.brokerage`).

The network-level figures are in :mod:`.network`.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import networkx as nx

from unikommune.collector import collector_paused
from unikommune.graph import _sparse
from unikommune.graph._common import (
    GroupBy,
    check_group_by,
)
from unikommune.graph.brokerage import ROLES, brokerage_roles
from unikommune.graph.louvain import louvain
from unikommune.graph.ties import Ties

__all__ = [
    "PARTNER_COLUMNS",
    "Backend",
    "betweenness",
    "communities",
    "partner_metrics",
    "structural_holes",
]

Backend = Literal["networkx", "networkit"]
"""Which library runs betweenness and community detection."""

#: Columns of :func:`partner_metrics` rows, in order.
PARTNER_COLUMNS = (
    "node",
    "label",
    "sector",
    "partner_kind",
    "activities",
    "degree",
    "strength",
    "betweenness",
    "constraint",
    "effective_size",
    "community",
    *ROLES,
)

#: Graphs with more ties than this use scipy's sparse products when scipy is installed.
_SPARSE_FROM = 50_000


def structural_holes(
    graph: nx.Graph[str], weight: str | None = "weight"
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Return Burt's constraint and effective size of every node of an undirected graph.

    The values equal networkx's ``constraint(graph, weight=weight)`` and
    ``effective_size(graph, weight=weight)`` (a test checks it), computed from each
    node's common neighbours instead of re-summing every neighbourhood for every tie,
    which makes them fast enough for a country; above a few thousand ties, with scipy
    installed, the same sums run as sparse matrix products.  An isolated node gets ``None`` where
    networkx gives NaN.  With ``weight=None`` every tie weighs 1.

    Raises:
        ValueError: ``graph`` is directed (use networkx's functions there).

    Complexity: the sum over ties of the smaller degree of their two ends.

    >>> constraint, size = structural_holes(nx.star_graph(3))
    >>> round(constraint[0], 4), size[0]
    (0.3333, 3.0)
    """
    if graph.is_directed():
        raise ValueError("structural_holes takes an undirected graph")
    if graph.number_of_edges() > _SPARSE_FROM and _sparse.available():
        return _sparse.sparse_structural_holes(graph, weight)  # type: ignore[return-value]
    return _python_structural_holes(graph, weight)


def _python_structural_holes(
    graph: nx.Graph[str], weight: str | None
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    adjacency: dict[str, dict[str, float]] = {
        u: {v: float(d.get(weight, 1.0)) if weight else 1.0 for v, d in nbrs.items() if v != u}
        for u, nbrs in graph.adjacency()
    }
    strength = {u: sum(nbrs.values()) for u, nbrs in adjacency.items()}
    largest = {u: max(nbrs.values(), default=0.0) for u, nbrs in adjacency.items()}
    constraint: dict[str, float | None] = {}
    size: dict[str, float | None] = {}
    for v, nv in adjacency.items():
        if not nv or strength[v] == 0:
            constraint[v] = size[v] = None
            continue
        total_c = 0.0
        total_s = 0.0
        for w, weight_vw in nv.items():
            nw = adjacency[w]
            common = (
                [q for q in nv if q in nw] if len(nv) <= len(nw) else [q for q in nw if q in nv]
            )
            indirect = 0.0
            redundancy = 0.0
            for q in common:
                p_vq = nv[q] / strength[v]
                if strength[q]:
                    indirect += p_vq * adjacency[q][w] / strength[q]
                if largest[w]:
                    redundancy += p_vq * nw[q] / largest[w]
            total_c += (weight_vw / strength[v] + indirect) ** 2
            total_s += 1.0 - redundancy
        constraint[v] = total_c
        size[v] = total_s
    return constraint, size


def _networkit_graph(graph: nx.Graph[str], weight: str | None) -> tuple[Any, list[str]]:
    try:
        import networkit as nk  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the networkit backend needs the 'fast' extra: pip install 'unikommune[fast]'"
        ) from error
    built = _sparse.held(graph, weight)
    if built is not None and not nx.number_of_selfloops(graph):
        nodes = cast("list[str]", list(built.nodes))  # the graph's own nodes, in its order
        return _networkit_from_arrays(nk, built, weight is not None), nodes
    nodes = list(graph)
    index = {node: i for i, node in enumerate(nodes)}
    result = nk.Graph(len(nodes), weighted=weight is not None)
    for u, v, data in graph.edges(data=True):
        if weight is None:
            result.addEdge(index[u], index[v])
        else:
            result.addEdge(index[u], index[v], float(data.get(weight, 1.0)))
    return result, nodes


def betweenness(
    graph: nx.Graph[str],
    *,
    sample: int | None = None,
    seed: int = 42,
    backend: Backend = "networkx",
) -> dict[str, float]:
    """Return the normalised betweenness of every node, counting hops (not weights).

    Args:
        graph: The network.
        sample: ``None`` for exact values; else the number of source nodes drawn (with
            ``seed``) to estimate them, as networkx's ``k``.  A sample no smaller than the
            graph gives exact values.
        seed: Seed of the sample.
        backend: ``"networkx"``, or ``"networkit"`` (the ``fast`` extra) which computes
            the same exact values in C++ on all cores; with ``sample`` it uses networkit's
            ``EstimateBetweenness`` on ``sample`` sampled sources.
    """
    sample = _sampled(graph, sample)
    if backend == "networkx":
        values: dict[str, float] = nx.betweenness_centrality(graph, k=sample, seed=seed)
        return values
    if backend != "networkit":
        raise ValueError(f"backend must be 'networkx' or 'networkit', not {backend!r}")
    if graph.number_of_edges() == 0:
        return dict.fromkeys(graph, 0.0)
    return _networkit_betweenness(_networkit_graph(graph, None), sample, seed)


def _networkit_from_arrays(nk: Any, built: _sparse.Csr, weighted: bool) -> Any:
    """Return the networkit graph of a graph's arrays (each tie once, from its lower end)."""
    import numpy as np

    rows = np.repeat(np.arange(len(built.nodes), dtype=np.int64), np.diff(built.indptr))
    upper = rows < built.indices
    ends = (rows[upper], built.indices[upper])
    data = (built.data[upper], ends) if weighted else ends
    return nk.GraphFromCoo(data, n=len(built.nodes), weighted=weighted, directed=False)


def _sampled(graph: nx.Graph[str], sample: int | None) -> int | None:
    """Return the sources to sample, ``None`` (every node) for a sample no smaller than it."""
    return None if sample is not None and sample >= graph.number_of_nodes() else sample


def _networkit_betweenness(
    converted: tuple[Any, list[str]], sample: int | None, seed: int
) -> dict[str, float]:
    """Return :func:`betweenness` by networkit, of a graph converted (weights left out)."""
    import networkit as nk

    nk_graph, nodes = converted
    if nk_graph.isWeighted():
        nk_graph = nk.graphtools.toUnweighted(nk_graph)
    nk.engineering.setSeed(seed, False)
    n = len(nodes)
    if sample is None:
        algorithm = nk.centrality.Betweenness(nk_graph, normalized=False)
    else:
        algorithm = nk.centrality.EstimateBetweenness(nk_graph, sample, False, True)
    algorithm.run()
    scores = algorithm.scores()
    # networkx normalises an undirected graph's pair counts by (n-1)(n-2)/2; networkit's
    # unnormalised scores count each unordered pair twice.
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return {node: float(scores[i]) * scale for i, node in enumerate(nodes)}


def communities(
    graph: nx.Graph[str] | Ties,
    *,
    seed: int = 42,
    weight: str | None = "weight",
    backend: Backend = "networkx",
) -> list[set[str]]:
    """Return Louvain communities, largest first (ties broken by their least node).

    With ``backend="networkx"`` they are the communities networkx's
    ``louvain_communities`` finds with ``seed``, found by :func:`.louvain.louvain` in
    less than half its time.  With ``backend="networkit"`` networkit's parallel
    Louvain (PLM) runs instead; it finds partitions of the same quality (modularity) but
    not necessarily the same ones.  ``graph`` may be a network's :class:`~.ties.Ties`,
    whose communities are then found on arrays where they can be (the same ones).
    """
    if isinstance(graph, Ties):
        arrays = graph.louvain(seed) if backend == "networkx" and weight == "weight" else None
        if arrays is not None:
            return _largest_first(arrays)
        graph = graph.graph()
    if backend == "networkx" and weight is not None and not _special(graph):
        with collector_paused():
            found: list[set[str]] = louvain(graph, weight=weight, seed=seed)
    elif backend == "networkx":
        found = nx.community.louvain_communities(graph, weight=weight, seed=seed)
    elif backend == "networkit" and graph.number_of_edges() == 0:
        found = [{node} for node in graph]
    elif backend == "networkit":
        found = _networkit_communities(_networkit_graph(graph, weight), seed)
    else:
        raise ValueError(f"backend must be 'networkx' or 'networkit', not {backend!r}")
    return _largest_first(found)


def _largest_first(found: list[set[str]]) -> list[set[str]]:
    """Return communities largest first, ties broken by their least node."""
    return sorted(found, key=lambda c: (-len(c), min(c)))


def _networkit_communities(converted: tuple[Any, list[str]], seed: int) -> list[set[str]]:
    """Return the communities networkit's PLM finds in a converted graph (not sorted)."""
    import networkit as nk

    nk_graph, nodes = converted
    nk.engineering.setSeed(seed, False)
    algorithm = nk.community.PLM(nk_graph, refine=True)
    algorithm.run()
    partition = algorithm.getPartition()
    groups: dict[int, set[str]] = {}
    for i, node in enumerate(nodes):
        groups.setdefault(partition.subsetOf(i), set()).add(node)
    return list(groups.values())


def partner_metrics(
    graph: nx.Graph[str],
    *,
    sample: int | None = None,
    seed: int = 42,
    backend: Backend = "networkx",
    group_by: GroupBy = "sector",
) -> list[dict[str, Any]]:
    """Return one row of metrics per partner of a co-participation network.

    Rows follow :data:`PARTNER_COLUMNS` and are sorted by node id, one for every node, an
    isolate included; see the module docstring for each metric.  ``sample`` and
    ``backend`` go to :func:`betweenness`, ``seed`` to it and to Louvain; the brokerage
    roles are between the groups of ``group_by`` (helix sector, or kind of partner).

    Raises:
        ValueError: ``group_by``, ``backend`` or ``sample`` is invalid.
    """
    attribute = check_group_by(group_by)
    if graph.number_of_edges() > _SPARSE_FROM and _sparse.available() and not _special(graph):
        # The ties are walked into arrays once, for networkit, the structural holes and
        # the brokerage roles (each walk takes about a second at national scale).
        with _sparse.reading(graph, "weight"):
            return _partner_rows(graph, sample, seed, backend, attribute)
    return _partner_rows(graph, sample, seed, backend, attribute)


def _partner_rows(
    graph: nx.Graph[str], sample: int | None, seed: int, backend: Backend, attribute: str
) -> list[dict[str, Any]]:
    """Return :func:`partner_metrics`' rows, the group attribute checked."""
    if backend == "networkit" and graph.number_of_edges() and not _special(graph):
        # Betweenness and Louvain read one conversion of the graph (a second one cost
        # more than a second at national scale).
        converted = _networkit_graph(graph, "weight")
        between = _networkit_betweenness(converted, _sampled(graph, sample), seed)
        found = sorted(_networkit_communities(converted, seed), key=lambda c: (-len(c), min(c)))
    else:
        between = betweenness(graph, sample=sample, seed=seed, backend=backend)
        found = communities(graph, seed=seed, backend=backend)
    constraint, size = structural_holes(graph)
    community_of = {node: number for number, members in enumerate(found) for node in members}
    roles = brokerage_roles(graph, attribute)
    rows = []
    for node in sorted(graph):
        data = graph.nodes[node]
        rows.append(
            {
                "node": node,
                "label": data.get("label", node),
                "sector": data.get("sector"),
                "partner_kind": data.get("partner_kind"),
                "activities": data.get("activities", 0),
                "degree": graph.degree(node),
                "strength": float(graph.degree(node, weight="weight")),
                "betweenness": between[node],
                "constraint": constraint[node],
                "effective_size": size[node],
                "community": community_of[node],
                **roles[node],
            }
        )
    return rows


def _special(graph: nx.Graph[str]) -> bool:
    """Return whether ``graph`` is directed or a multigraph (networkx's own Louvain then)."""
    return bool(graph.is_directed() or graph.is_multigraph())

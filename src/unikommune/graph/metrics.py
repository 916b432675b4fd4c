"""Per-partner and per-network metrics of a partnership, and a yearly table of the latter.

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

Network metrics (:func:`network_metrics`): size (every partner, and those active under
the filter), density, components, the share and weight of ties that cross groups and
Krackhardt's E–I index (``(external − internal) / (external + internal)`` ties, from −1
all inside a group to +1 all across), ties between a municipality and a university (or
university college), all of them and those between domestic partners only, triple- and
quadruple-helix synergy in bits (:mod:`.synergy`), and SDG coverage (goals reached,
activities per goal).  The groups are the helix sectors, or with ``group_by="kind"`` the
kinds of partner (which tell a research institute from a university, both academia).
:func:`~unikommune.graph.yearly.yearly_metrics` gives them year by year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, NamedTuple, cast

import networkx as nx

from unikommune.codelists import HelixSector, PartnerKind
from unikommune.collector import collector_paused
from unikommune.graph import _sparse
from unikommune.graph._common import (
    HOME_COUNTRY,
    GroupBy,
    When,
    check_country,
    check_group_by,
    is_domestic,
    roll_up,
)
from unikommune.graph.brokerage import ROLES, brokerage_roles
from unikommune.graph.build import RECORD_NODES
from unikommune.graph.louvain import louvain
from unikommune.graph.synergy import helix_groups, mutual_information, profiles_of
from unikommune.graph.ties import Ties
from unikommune.graph.views import (
    ACTIVITY_KINDS,
    Activity,
    Counting,
    Level,
    activities,
    check_via,
    co_participation_ties,
)
from unikommune.models import Dataset

__all__ = [
    "NETWORK_COLUMNS",
    "PARTNER_COLUMNS",
    "Backend",
    "betweenness",
    "communities",
    "network_metrics",
    "partner_metrics",
    "sdg_coverage",
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

#: Columns of :func:`network_metrics` rows, in order (``sdg_1`` … ``sdg_17`` follow).
NETWORK_COLUMNS = (
    "period",
    "group_by",
    "activities",
    "partners",
    "active_partners",
    "ties",
    "density",
    "components",
    "largest_component",
    "isolates",
    "communities",
    "modularity",
    "cross_sector_ties",
    "cross_sector_share",
    "cross_sector_weight_share",
    "ei_index",
    "municipality_university_ties",
    "municipality_university_weight",
    "municipality_university_ties_domestic",
    "municipality_university_weight_domestic",
    "synergy_t3",
    "synergy_t4",
    "sdg_goals_reached",
    *(f"sdg_{goal}" for goal in range(1, 18)),
)

#: Graphs with more ties than this use scipy's sparse products when scipy is installed.
_SPARSE_FROM = 50_000

_UNIVERSITIES = {PartnerKind.UNIVERSITY.value, PartnerKind.UNIVERSITY_COLLEGE.value}


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


def sdg_coverage(
    dataset: Dataset, when: When = None, *, via: Iterable[str] = ACTIVITY_KINDS
) -> dict[int, int]:
    """Return, for each of the 17 goals, how many activities counting under ``when`` link to it.

    An activity counts once per goal however many of its targets it names.

    >>> from unikommune.graph import sdg_coverage
    >>> sum(1 for n in sdg_coverage(dataset).values() if n)  # goals reached  # doctest: +SKIP
    """
    coverage = dict.fromkeys(range(1, 18), 0)
    for item in activities(dataset, when, via=via):
        for goal in item.goals:
            coverage[goal] += 1
    return coverage


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def network_metrics(
    dataset: Dataset,
    when: When = None,
    *,
    via: Iterable[str] = ("projects",),
    counting: Counting = "full",
    level: Level = "organisation",
    seed: int = 42,
    graph: nx.Graph[str] | None = None,
    backend: Backend = "networkx",
    partition: list[set[str]] | None = None,
    group_by: GroupBy = "sector",
    groups: Sequence[HelixSector | PartnerKind | str] | None = None,
    country: str = HOME_COUNTRY,
) -> dict[str, Any]:
    """Return the network-level figures of the partnership under ``when`` as one row.

    The row follows :data:`NETWORK_COLUMNS`.  The network is the co-participation view
    with ``via``, ``counting`` and ``level`` (by default organisations, so that the
    departments of one university do not count as ties between sectors); pass ``graph``
    to reuse one already built, and ``partition`` to reuse its communities.  Every
    partner is a node (``partners``); ``active_partners`` take part in a counted
    activity.  Ratios of a network without partners (or ties) are ``None``.

    Args:
        dataset: The dataset.
        when: A year or a period; ``None`` counts every activity.
        via: Kinds of activity that tie partners (see
            :func:`~unikommune.graph.co_participation`).
        counting: ``"full"`` or ``"fractional"`` tie weights.
        level: ``"organisation"`` (default) or ``"unit"``.
        seed: Seed of Louvain.
        graph: A co-participation network already built, to measure instead.
        backend: Library of community detection.
        partition: Communities of ``graph`` already found.
        group_by: What groups partners in ``cross_sector_*``, ``ei_index`` and
            ``synergy_*``: ``"sector"`` (helix sector) or ``"kind"`` (kind of partner).
        groups: The three or four groups the synergy is read among (``synergy_t3`` the
            first three, ``synergy_t4`` all four, ``None`` with three); by default the
            quadruple helix, see :func:`~unikommune.graph.synergy.helix_groups`.
        country: The partnership's own country (ISO 3166-1 alpha-2): a partner in it, or
            naming no country, is domestic for ``municipality_university_*_domestic``.

    Raises:
        ValueError: an argument is invalid.
    """
    # Long: one pass over the ties gives every figure of the row.
    via = check_via(via)
    attribute = check_group_by(group_by)
    check_country(country)
    chosen = helix_groups(4 if groups is None else groups, group_by)
    if len(chosen) not in (3, 4):
        raise ValueError(f"synergy is read among three or four groups, not {len(chosen)}")
    # one pass over every kind of activity gives the ties (unless a graph is given), the
    # coverage, the count and the profiles
    every = list(activities(dataset, when, via=ACTIVITY_KINDS))
    if graph is None:
        tied = _groups(dataset, every, via, level)
        network = co_participation_ties(dataset, tied, via=via, counting=counting, level=level)
        read = _read_ties(network, partition, seed, backend)
    else:
        read = _read_graph(graph, partition, seed, backend)
    graph, found = read.nodes, read.found
    n, ties = graph.number_of_nodes(), len(read.ties)
    community_of = {node: number for number, members in enumerate(found) for node in members}
    inside = [0.0] * len(found)
    strength = [0.0] * len(found)
    nodes = graph.nodes
    group = {node: nodes[node].get(attribute) for node in graph}
    kinds = {node: nodes[node].get("partner_kind") for node in graph}
    domestic = {node: is_domestic(nodes[node].get("country"), country) for node in graph}
    municipality = PartnerKind.MUNICIPALITY.value
    total_weight = cross_weight = muni_uni_weight = home_weight = 0.0
    cross_ties = muni_uni_ties = home_ties = 0
    for u, v, weight in read.ties:
        total_weight += weight
        if group[u] != group[v]:
            cross_ties += 1
            cross_weight += weight
        ku, kv = kinds[u], kinds[v]
        if (ku == municipality and kv in _UNIVERSITIES) or (
            kv == municipality and ku in _UNIVERSITIES
        ):
            muni_uni_ties += 1
            muni_uni_weight += weight
            if domestic[u] and domestic[v]:
                home_ties += 1
                home_weight += weight
        if found:
            cu, cv = community_of[u], community_of[v]
            strength[cu] += weight
            strength[cv] += weight
            if cu == cv:
                inside[cu] += weight
    # Newman's modularity, as networkx's ``modularity`` computes it (a test checks it):
    # the share of weight inside communities less the share expected at random
    modularity = (
        sum(
            w / total_weight - (d / (2 * total_weight)) ** 2
            for w, d in zip(inside, strength, strict=True)
        )
        if found and total_weight
        else None
    )
    counted_kinds = {RECORD_NODES[name] for name in via}
    counted = [item for item in every if item.kind in counted_kinds]
    coverage = dict.fromkeys(range(1, 18), 0)
    for item in every:
        for goal in item.goals:
            coverage[goal] += 1
    profiles = profiles_of(counted, dataset, chosen, group_by=group_by)
    synergy3 = mutual_information([p[:3] for p in profiles]) if profiles else None
    synergy4 = mutual_information(profiles) if profiles and len(chosen) == 4 else None
    row: dict[str, Any] = {
        "period": _describe(when),
        "group_by": group_by,
        "activities": len(counted),
        "partners": n,
        "active_partners": sum(
            1 for node in graph if nodes[node].get("activities") or node in read.tied
        ),
        "ties": ties,
        # networkx's density of an undirected graph, the same expression
        "density": float(0 if ties == 0 else ties / (n * (n - 1)) * 2) if n > 1 else None,
        "components": len(read.components),
        "largest_component": max(read.components, default=0),
        "isolates": n - len(read.tied),
        "communities": len(found),
        "modularity": modularity,
        "cross_sector_ties": cross_ties,
        "cross_sector_share": _share(cross_ties, ties),
        "cross_sector_weight_share": _share(cross_weight, total_weight),
        "ei_index": _share(cross_ties - (ties - cross_ties), ties),
        "municipality_university_ties": muni_uni_ties,
        "municipality_university_weight": muni_uni_weight,
        "municipality_university_ties_domestic": home_ties,
        "municipality_university_weight_domestic": home_weight,
        "synergy_t3": synergy3,
        "synergy_t4": synergy4,
        "sdg_goals_reached": sum(1 for count in coverage.values() if count),
    }
    row.update({f"sdg_{goal}": count for goal, count in coverage.items()})
    return row


class _Read(NamedTuple):
    """What a network's row reads of it: nodes, ties in order, components, communities."""

    nodes: nx.Graph[str]
    ties: list[tuple[str, str, float]]
    #: the nodes with a tie
    tied: set[str]
    #: the number of nodes of each connected component
    components: list[int]
    found: list[set[str]]


def _read_graph(
    graph: nx.Graph[str], partition: list[set[str]] | None, seed: int, backend: Backend
) -> _Read:
    ties = [(u, v, float(data.get("weight", 1.0))) for u, v, data in graph.edges(data=True)]
    if partition is None:
        partition = communities(graph, seed=seed, backend=backend) if ties else []
    return _Read(
        graph,
        ties,
        {node for node, degree in graph.degree() if degree},
        [len(part) for part in nx.connected_components(graph)],
        partition,
    )


def _read_ties(
    network: Ties, partition: list[set[str]] | None, seed: int, backend: Backend
) -> _Read:
    if partition is None:
        partition = communities(network, seed=seed, backend=backend) if network.ties else []
    return _Read(
        network.nodes,
        network.ties,
        {end for u, v, _ in network.ties for end in (u, v)},
        network.components(),
        partition,
    )


def _describe(when: When) -> str:
    if when is None:
        return "all"
    if isinstance(when, int):
        return str(when)
    return f"{when.start}/{when.end or ''}"


def _special(graph: nx.Graph[str]) -> bool:
    """Return whether ``graph`` is directed or a multigraph (networkx's own Louvain then)."""
    return bool(graph.is_directed() or graph.is_multigraph())


def _groups(
    dataset: Dataset, every: list[Activity], via: Sequence[str], level: Level
) -> list[tuple[str, ...]]:
    """Return the partner groups :func:`co_participation` reads, from ``every`` activity.

    ``every`` holds the activities of every kind at unit level; the groups are those of
    the kinds ``via``, in that order, each rolled up to ``level`` as :func:`activities`
    rolls them (the set of top-level organisations, sorted).
    """
    top = roll_up(dataset) if level == "organisation" else None
    chosen: dict[str, list[tuple[str, ...]]] = {RECORD_NODES[name]: [] for name in via}
    for item in every:
        found = chosen.get(item.kind)
        if found is not None:
            found.append(
                item.partners
                if top is None
                else tuple(sorted({top.get(partner, partner) for partner in item.partners}))
            )
    return [group for groups in chosen.values() for group in groups]

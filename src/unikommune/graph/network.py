"""The network-level figures of a partnership: one row per network, year or period.

:func:`network_metrics`: size (every partner, and those active under the filter),
density, components, the share and weight of ties that cross groups and Krackhardt's
E–I index (``(external − internal) / (external + internal)`` ties, from −1 all inside a
group to +1 all across), ties between a municipality and a university (or university
college), all of them and those between domestic partners only, triple- and
quadruple-helix synergy in bits (:mod:`.synergy`), and SDG coverage (goals reached,
activities per goal).  The groups are the helix sectors, or with ``group_by="kind"``
the kinds of partner (which tell a research institute from a university, both
academia).  :func:`~unikommune.graph.yearly.yearly_metrics` gives them year by year.
Unless a graph is given, the network is read as a list of its ties
(:class:`~.ties.Ties`), without building networkx's adjacency.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import networkx as nx

from unikommune.codelists import HelixSector, PartnerKind
from unikommune.graph._common import (
    HOME_COUNTRY,
    GroupBy,
    When,
    check_country,
    check_group_by,
    is_domestic,
    roll_up,
)
from unikommune.graph.build import RECORD_NODES
from unikommune.graph.metrics import Backend, communities
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

__all__ = ["NETWORK_COLUMNS", "network_metrics", "sdg_coverage"]

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

_UNIVERSITIES = {PartnerKind.UNIVERSITY.value, PartnerKind.UNIVERSITY_COLLEGE.value}


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

"""Views derived from a dataset, each a plain networkx graph.

* :func:`co_participation` — partners tied by the activities they share;
* :func:`placement_flows` — students from educating institutions to host units;
* :func:`partner_sdg` and :func:`mission_sdg` — bipartite graphs to the SDG goals.

Each takes a time filter ``when`` (a year or a :class:`~unikommune.models.values.Period`):
an activity counts when its period may overlap the filter (an uncertain date by the
earliest and latest day it may be, see :func:`~unikommune.graph.active`), a participation
or a party when its own period (or, without one, its activity's or agreement's) may.

Every partner of the dataset is a node of every partner view, whether or not it takes
part in anything under the filter: a partner without ties is an isolate, never missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter
from typing import Any, Literal

import networkx as nx

from unikommune.graph._common import (
    When,
    active,
    active_year,
    node_id,
    partner_attributes,
    roll_up,
)
from unikommune.graph.build import (
    RECORD_NODES,
    TIES,
    record_active,
    record_attributes,
    record_sdg_links,
    sdg_node,
)
from unikommune.graph.ties import Ties
from unikommune.models import Dataset
from unikommune.models.paths import Reference
from unikommune.models.values import central, is_exact

__all__ = [
    "ACTIVITY_KINDS",
    "Activity",
    "Counting",
    "Level",
    "activities",
    "check_via",
    "co_occurrence",
    "co_participation",
    "co_participation_of",
    "co_participation_ties",
    "mission_sdg",
    "partner_groups",
    "partner_sdg",
    "partner_ties",
    "placement_flows",
]

Counting = Literal["full", "fractional"]
"""How a shared activity weighs a tie: 1 per pair, or 1/(n-1) per pair of n partners."""
Level = Literal["unit", "organisation"]
"""Partners as recorded (units apart), or rolled up to their top-level organisation."""

#: Kinds of activity that tie partners, by collection key, in the order they are read.
ACTIVITY_KINDS = ("projects", "missions", "learning_activities", "theses", "agreements")


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity under the time filter: its node id, its partners and its SDG goals."""

    node: str
    partners: tuple[str, ...]
    goals: frozenset[int]
    kind: str


def check_via(via: Iterable[str]) -> tuple[str, ...]:
    """Return the activity kinds ``via`` names, each once; raise ValueError for others."""
    chosen = tuple(dict.fromkeys(via))
    unknown = [name for name in chosen if name not in ACTIVITY_KINDS]
    if unknown or not chosen:
        raise ValueError(
            f"unknown activity kind {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"expected some of {', '.join(ACTIVITY_KINDS)}"
        )
    return chosen


def _check_level(level: str) -> None:
    if level not in ("unit", "organisation"):
        raise ValueError(f"level must be 'unit' or 'organisation', not {level!r}")


def activities(
    dataset: Dataset,
    when: When = None,
    *,
    via: Iterable[str] = ("projects",),
    level: Level = "unit",
) -> Iterator[Activity]:
    """Yield every activity of the kinds ``via`` that counts under ``when``, with its partners.

    Partners are those the activity ties (:data:`~unikommune.graph.build.TIES`): the
    project participants (those whose participation may overlap ``when``), the mission
    owners, the learning-activity organisers, a thesis' institution, host and
    supervisors, and an agreement's parties (associates included; those whose own
    period may overlap ``when``).  With ``level="organisation"`` each is replaced by its
    top-level organisation; each partner appears once per activity, in sorted order.
    An agreement's goals are those of its action-plan activities that count under ``when``.

    Raises:
        ValueError: ``via`` names an unknown kind, or ``level`` or ``when`` is invalid.
    """
    chosen = check_via(via)
    _check_level(level)
    top = roll_up(dataset) if level == "organisation" else {}
    for name in chosen:
        kind = RECORD_NODES[name]
        paths = partner_ties(name)
        readers = [path.plain for path in paths]
        for record in dataset.collection(name):
            if when is None:
                # Every partner counts: read the ids without their holders.
                members = _tied(readers, top, record)
            elif record_active(name, record, when):
                members = {
                    top.get(value, value)
                    for path in paths
                    for holder, value in path.held(record)
                    if holder is record or active(getattr(holder, "period", None), when)
                }
            else:
                continue
            yield Activity(
                node_id(kind, record.id),
                tuple(sorted(members)),
                frozenset(link.goal for link in record_sdg_links(name, record, when)),
                kind,
            )


def partner_ties(kind: str) -> tuple[Reference, ...]:
    """Return the references by which an activity of ``kind`` (a collection) ties partners."""
    return tuple(path for path in TIES[kind] if path.collection == "partners")


def partner_groups(
    kind: str, records: Iterable[Any], top: Mapping[str, str] | None = None
) -> Iterator[tuple[str, ...]]:
    """Yield the partners of each record of ``kind``, as :func:`activities` does without a filter.

    ``records`` may be models or light records that hold the paths of
    :func:`partner_ties` (:func:`unikommune.loading.iter_fields`); ``top`` maps a
    unit to its top-level organisation (:func:`~unikommune.graph.roll_up`), for
    ``level="organisation"``.
    """
    readers = [path.plain for path in partner_ties(kind)]
    top = top or {}
    for record in records:
        yield tuple(sorted(_tied(readers, top, record)))


def _tied(
    readers: Sequence[Callable[[Any], list[str]]], top: Mapping[str, str], record: Any
) -> set[str]:
    """Return the partners ``record`` ties (read by ``readers``), each at its ``top``."""
    return {top.get(value, value) for read in readers for value in read(record)}


def co_occurrence(
    groups: Iterable[Sequence[str]],
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], float], Counter[str]]:
    """Count, for every pair of items, the groups they share, by full and fractional counting.

    Each group of ``n`` distinct items adds 1 to the full count of each of its
    ``n(n-1)/2`` pairs, and ``1/(n-1)`` to their fractional weight, so that an item's
    fractional strength is the number of its groups with a partner (Newman's weighting).
    Pairs are ``(a, b)`` with ``a < b``.  This equals networkx's
    ``bipartite.weighted_projected_graph`` on the bipartite graph of items and groups, at a
    fraction of the cost: time is linear in the number of pairs the groups contain.

    Returns:
        ``(full, fractional, memberships)``: the two weights by pair, and the number of
        groups of each item.

    >>> full, fractional, groups = co_occurrence([("a", "b", "c"), ("a", "b")])
    >>> full[("a", "b")], fractional[("a", "b")], groups["a"]
    (2, 1.5, 2)
    """
    full: dict[tuple[str, str], int] = {}
    fractional: dict[tuple[str, str], float] = {}
    memberships: Counter[str] = Counter()
    full_get = full.get
    fractional_get = fractional.get
    for group in groups:
        members = sorted(set(group))
        memberships.update(members)
        if len(members) < 2:
            continue
        share = 1.0 / (len(members) - 1)
        for pair in combinations(members, 2):
            full[pair] = full_get(pair, 0) + 1
            fractional[pair] = fractional_get(pair, 0.0) + share
    return full, fractional, memberships


def _partner_nodes(
    dataset: Dataset,
    graph: nx.Graph[str] | nx.DiGraph[str],
    level: Level,
    referenced: Iterable[str] = (),
) -> None:
    """Add a node for every partner at ``level``, and for each id ``referenced`` it lacks.

    At ``level="organisation"`` the partners are the top-level organisations.  An id an
    activity refers to that the dataset lacks gets a bare node with ``missing=1``.
    """
    known = {partner.id: partner for partner in dataset.partners}
    ids = set(roll_up(dataset).values()) if level == "organisation" else set(known)
    ids.update(referenced)
    for partner_id in sorted(ids):
        partner = known.get(partner_id)
        if partner is None:
            graph.add_node(
                node_id("partner", partner_id), kind="partner", label=partner_id, missing=1
            )
        else:
            graph.add_node(node_id("partner", partner_id), **partner_attributes(partner))


def co_participation(
    dataset: Dataset,
    when: When = None,
    *,
    via: Iterable[str] = ("projects",),
    counting: Counting = "full",
    level: Level = "unit",
) -> nx.Graph[str]:
    """Return the partner co-participation network: partners tied by the activities they share.

    Every partner of the dataset is a node (at ``level="organisation"``, every top-level
    organisation), so one that shares nothing under ``when`` is an isolate.  Each edge
    carries ``shared`` (the number of shared activities, full counting), ``fractional``
    (the sum of ``1/(n-1)`` over shared activities of ``n`` partners), ``weight`` (one of
    the two, as ``counting`` says) and ``cross_sector`` (1 when the two partners sit in
    different helix sectors).  Each node carries its partner attributes and
    ``activities``, the number of counted activities it takes part in (0 for none).

    Args:
        dataset: The dataset.
        when: A year or a period; ``None`` counts every activity.
        via: Kinds of activity that tie partners: some of ``projects``, ``missions``
            (owners), ``learning_activities`` (organisers), ``theses`` (institution,
            host, supervisors) and ``agreements`` (parties).
        counting: ``"full"`` or ``"fractional"``: which count becomes ``weight``.
        level: ``"unit"`` keeps units apart; ``"organisation"`` merges each unit into its
            top-level organisation (ties inside one organisation then disappear).

    Raises:
        ValueError: an argument is not one of the values above.

    Complexity: linear in the number of partner pairs the activities contain.

    >>> import unikommune
    >>> from unikommune.graph import co_participation
    >>> dataset = unikommune.load("tests/data/graph/triangle")  # doctest: +SKIP
    >>> sorted(co_participation(dataset).edges(data="shared"))  # doctest: +SKIP
    [('partner:a', 'partner:b', 2), ('partner:a', 'partner:c', 1), ...]
    """
    _check_counting(counting)
    chosen = check_via(via)
    groups = [item.partners for item in activities(dataset, when, via=chosen, level=level)]
    return co_participation_of(dataset, groups, via=chosen, counting=counting, level=level)


def _check_counting(counting: str) -> None:
    if counting not in ("full", "fractional"):
        raise ValueError(f"counting must be 'full' or 'fractional', not {counting!r}")


def co_participation_of(
    dataset: Dataset,
    groups: Iterable[Sequence[str]],
    *,
    via: Sequence[str],
    counting: Counting = "full",
    level: Level = "unit",
) -> nx.Graph[str]:
    """Return :func:`co_participation`'s network of ``groups`` already found.

    ``groups`` are the partner ids of each counted activity at ``level``, in the order
    :func:`activities` gives them for ``via``; every partner of ``dataset`` at ``level``
    is a node.  For a caller that has read the activities already.

    Raises:
        ValueError: ``counting`` or ``level`` is not one of its values.
    """
    graph, full, fractional, node_of = _shared(dataset, groups, via, counting, level)
    sector = {p: graph.nodes[node].get("sector") for p, node in node_of.items()}
    by_full = counting == "full"
    graph.add_edges_from(
        (
            node_of[a],
            node_of[b],
            {
                "shared": shared,
                "fractional": fractional[(a, b)],
                "weight": float(shared) if by_full else fractional[(a, b)],
                "cross_sector": int(sector[a] != sector[b]),
            },
        )
        for (a, b), shared in full.items()
    )
    return graph


def co_participation_ties(
    dataset: Dataset,
    groups: Iterable[Sequence[str]],
    *,
    via: Sequence[str],
    counting: Counting = "full",
    level: Level = "unit",
) -> Ties:
    """Return the network :func:`co_participation_of` builds, as its nodes and ties.

    The nodes (with their attributes) are those of that graph, in its order; the ties
    are its edges with their ``weight``, in the order its ``edges`` lists them.  Much
    quicker for a caller that reads the ties once (see :class:`~.ties.Ties`).

    Raises:
        ValueError: ``counting`` or ``level`` is not one of its values.
    """
    graph, full, fractional, node_of = _shared(dataset, groups, via, counting, level)
    if counting == "full":
        ties = [(node_of[a], node_of[b], float(shared)) for (a, b), shared in full.items()]
    else:
        ties = [(node_of[a], node_of[b], fractional[(a, b)]) for a, b in full]
    # networkx lists each edge from its end first in node order (the nodes are sorted by
    # id, and a < b), then in the order the edges were added: a stable sort by that end
    ties.sort(key=itemgetter(0))
    return Ties(graph, ties)


def _shared(
    dataset: Dataset,
    groups: Iterable[Sequence[str]],
    via: Sequence[str],
    counting: Counting,
    level: Level,
) -> tuple[nx.Graph[str], dict[tuple[str, str], int], dict[tuple[str, str], float], dict[str, str]]:
    """Return the network's nodes (no edge yet), the pairs' weights, and each partner's node."""
    _check_counting(counting)
    _check_level(level)
    full, fractional, memberships = co_occurrence(groups)
    graph: nx.Graph[str] = nx.Graph(counting=counting, level=level, via=",".join(via))
    _partner_nodes(dataset, graph, level, memberships)
    for node in graph:
        graph.nodes[node]["activities"] = memberships.get(node.partition(":")[2], 0)
    node_of = {partner_id: node_id("partner", partner_id) for partner_id in memberships}
    return graph, full, fractional, node_of


def placement_flows(
    dataset: Dataset, when: When = None, *, level: Level = "unit"
) -> nx.DiGraph[str]:
    """Return the placement flows: educating institution → host unit, weighted by students.

    Every partner is a node (see :func:`co_participation`).  Each edge carries
    ``students`` and ``weight`` (the students placed, summed over the placements that
    count under ``when``; an estimate counts by its central value, see
    :func:`~unikommune.models.values.central`), ``students_exact`` (1 when every one of
    those counts is exact, 0 when one is an estimate) and ``placements`` (how many
    records).  A placement whose year is uncertain counts in every year it may be.

    Raises:
        ValueError: ``level`` or ``when`` is invalid.
    """
    _check_level(level)
    top = roll_up(dataset) if level == "organisation" else {}
    graph: nx.DiGraph[str] = nx.DiGraph(level=level)
    flows: dict[tuple[str, str], _Flow] = defaultdict(_Flow)
    for placement in dataset.placements:
        if active_year(placement.year, when):
            source = top.get(placement.institution, placement.institution)
            host = top.get(placement.host, placement.host)
            flows[(source, host)].add(placement.students)
    _partner_nodes(dataset, graph, level, {p for pair in flows for p in pair})
    for (source, host), flow in sorted(flows.items()):
        graph.add_edge(
            node_id("partner", source),
            node_id("partner", host),
            students=flow.students,
            students_exact=int(flow.exact),
            weight=float(flow.students),
            placements=flow.placements,
        )
    return graph


@dataclass(slots=True)
class _Flow:
    """The students (central values), whether all were exact, and the placements of a flow."""

    students: float = 0
    exact: bool = True
    placements: int = 0

    def add(self, count: object) -> None:
        self.students += central(count)
        self.exact = self.exact and is_exact(count)
        self.placements += 1


def _add_goal(graph: nx.Graph[str], goal: int) -> str:
    node = sdg_node(goal)
    if node not in graph:
        graph.add_node(node, kind="sdg", label=f"SDG {goal}", goal=goal, bipartite=1)
    return node


def partner_sdg(
    dataset: Dataset,
    when: When = None,
    *,
    via: Iterable[str] = ACTIVITY_KINDS,
    level: Level = "unit",
) -> nx.Graph[str]:
    """Return the bipartite partner × SDG graph.

    A partner is tied to a goal when an activity it takes part in links to the goal; the
    edge's ``activities`` and ``weight`` count those activities (each once, however many
    targets of the goal it names).  Every partner is a node (see
    :func:`co_participation`), with ``bipartite=0``; goal nodes (``sdg:1`` … ``sdg:17``)
    have ``bipartite=1``.

    Raises:
        ValueError: ``via``, ``level`` or ``when`` is invalid.
    """
    counts: Counter[tuple[str, int]] = Counter()
    partners: set[str] = set()
    for item in activities(dataset, when, via=via, level=level):
        partners.update(item.partners)
        for partner_id in item.partners:
            for goal in item.goals:
                counts[(partner_id, goal)] += 1
    graph: nx.Graph[str] = nx.Graph(level=level)
    _partner_nodes(dataset, graph, level, partners)
    for node in graph:
        graph.nodes[node]["bipartite"] = 0
    for (partner_id, goal), count in sorted(counts.items()):
        graph.add_edge(
            node_id("partner", partner_id),
            _add_goal(graph, goal),
            activities=count,
            weight=float(count),
        )
    return graph


def mission_sdg(dataset: Dataset, when: When = None) -> nx.Graph[str]:
    """Return the bipartite mission × SDG graph.

    A mission is tied to a goal it links to itself (``direct=1``) and to every goal that
    one of its projects counting under ``when`` links to; ``projects`` counts those
    projects and ``weight`` is ``direct + projects``.  Mission nodes have ``bipartite=0``.

    Raises:
        ValueError: ``when`` is invalid.
    """
    projects = {p.id: p for p in dataset.projects if active(p.period, when)}
    graph: nx.Graph[str] = nx.Graph()
    for mission in dataset.missions:
        if not active(mission.timeframe, when):
            continue
        mission_node = node_id("mission", mission.id)
        graph.add_node(
            mission_node,
            **record_attributes(
                "mission", mission.id, mission.title, mission.timeframe, bipartite=0
            ),
        )
        direct = {link.goal for link in mission.sdg_links}
        through: Counter[int] = Counter()
        for project_id in mission.projects:
            project = projects.get(project_id)
            if project is not None:
                through.update({link.goal for link in project.sdg_links})
        for goal in sorted(direct | set(through)):
            d, n = int(goal in direct), through[goal]
            graph.add_edge(
                mission_node, _add_goal(graph, goal), direct=d, projects=n, weight=float(d + n)
            )
    return graph

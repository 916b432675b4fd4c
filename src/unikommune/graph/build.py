"""The typed partnership graph: every record of a dataset as a node, every reference as an edge.

Node ids are ``<kind>:<local id>`` (``partner:ntnu``, ``project:p1``, ``sdg:11``), so they stay
the same from one run to the next and read well in Gephi.  Every attribute is a string, an
integer or a float, never ``None``, a list or a dict, so the graph writes to GraphML as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import networkx as nx

from unikommune.codelists import HelixSector
from unikommune.graph._common import (
    When,
    active,
    active_year,
    label,
    node_id,
    partner_attributes,
    period_bounds,
    year_span,
)
from unikommune.models import COLLECTIONS, RECORD_TYPES, Dataset, SdgLink
from unikommune.models.paths import Reference, references
from unikommune.models.values import LangString, Period, central, is_exact

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "RECORD_NODES",
    "TIES",
    "partnership_graph",
    "period_attributes",
    "record_active",
    "record_attributes",
    "record_period",
    "record_sdg_links",
    "sdg_node",
    "year_attributes",
]

#: The collections whose records are nodes of the partnership graph, with their node kind.
RECORD_NODES: Mapping[str, str] = MappingProxyType(
    {
        "agreements": "agreement",
        "missions": "mission",
        "projects": "project",
        "theses": "thesis",
        "learning_activities": "learning_activity",
    }
)

#: Kinds of node in the partnership graph, each the prefix of its nodes' ids.
NODE_KINDS = ("partner", *RECORD_NODES.values(), "sdg")

#: The references that tie records in the graph, by collection: those the models declare
#: with a tie (:class:`~unikommune.models.values.RefersTo`).
TIES: Mapping[str, tuple[Reference, ...]] = MappingProxyType(
    {
        name: tuple(path for path in references(model) if path.tie is not None)
        for name, model in COLLECTIONS.items()
    }
)


def _edge_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for collection, paths in TIES.items():
        for path in paths:
            source = RECORD_TYPES[path.collection].value.replace("-", " ")
            target = RECORD_TYPES[collection].value.replace("-", " ")
            if path.collection == collection:  # a unit runs to the partner it names
                kinds[str(path.tie)] = f"{target} → the {source} its {path.name} names"
            else:
                kinds[str(path.tie)] = f"{source} → {target}"
    kinds["placement"] = "partner (educating institution) → partner (host)"
    kinds["sdg_link"] = "agreement, mission, project, thesis or learning activity → SDG goal"
    return kinds


#: Kinds of edge in the partnership graph, with the direction each runs in.  Every edge
#: runs from the record referred to to the record that refers to it (a partner
#: participates in a project), but a unit runs to its parent (``unit_of``).
EDGE_KINDS: Mapping[str, str] = MappingProxyType(_edge_kinds())


def period_attributes(period: Period | None) -> dict[str, str | int | float]:
    """Return ``start``, ``end``, ``start_year`` and ``end_year`` of a period, leaving out gaps.

    The years are the earliest a start may be and the latest an end may be.
    """
    if period is None:
        return {}
    first, last = period_bounds(period.start, period.end)
    attributes: dict[str, str | int | float] = {"start": period.start}
    if first is not None:
        attributes["start_year"] = first.year
    if period.end is not None and last is not None:
        attributes["end"] = period.end
        attributes["end_year"] = last.year
    return attributes


def year_attributes(year: int | str) -> dict[str, str | int | float]:
    """Return ``year`` as known and the first and last calendar year it may be.

    ``year`` stays an integer when it is exact and is the EDTF text when it is not
    (``"201X"``); ``start_year`` and ``end_year`` are always integers.

    >>> year_attributes(2021)
    {'year': 2021, 'start_year': 2021, 'end_year': 2021}
    >>> year_attributes("201X")
    {'year': '201X', 'start_year': 2010, 'end_year': 2019}
    """
    first, last = year_span(year)
    return {"year": year, "start_year": first, "end_year": last}


def record_attributes(
    kind: str,
    local_id: str,
    title: LangString,
    period: Period | None = None,
    **extra: str | int | float,
) -> dict[str, str | int | float]:
    """Return the GraphML-safe attributes of a record's node: kind, label, id, extras, period."""
    return {
        "kind": kind,
        "label": label(title, local_id),
        "local_id": local_id,
        **extra,
        **period_attributes(period),
    }


def sdg_node(goal: int) -> str:
    """Return the node id of SDG goal ``goal`` (``sdg:11``)."""
    return node_id("sdg", goal)


def _add_sdg_links(graph: nx.MultiDiGraph[str], source: str, links: list[SdgLink]) -> None:
    for link in links:
        target = sdg_node(link.goal)
        if target not in graph:
            graph.add_node(target, kind="sdg", label=f"SDG {link.goal}", goal=link.goal)
        attributes: dict[str, Any] = {"kind": "sdg_link", "weight": 1.0}
        if link.weight is not None:
            attributes["weight"] = link.weight
        if link.target is not None:
            attributes["target"] = link.target
        if link.role is not None:
            attributes["role"] = link.role.value
        graph.add_edge(source, target, key=f"sdg_link:{link.target or link.goal}", **attributes)


def _ensure_partner(graph: nx.MultiDiGraph[str], partner_id: str) -> str:
    """Return the node of ``partner_id``, adding a bare node for a reference the dataset lacks."""
    node = node_id("partner", partner_id)
    if node not in graph:
        graph.add_node(node, kind="partner", label=partner_id, local_id=partner_id, missing=1)
    return node


def partnership_graph(dataset: Dataset, when: When = None) -> nx.MultiDiGraph[str]:
    """Return the typed partnership graph of ``dataset``, optionally for one year or period.

    Partners are always in the graph; agreements, missions, projects, participations,
    placements, theses and learning activities only when they overlap ``when`` (records
    without a period always do).  Every tie the models declare is an edge (see
    :data:`EDGE_KINDS`): one held in a part with a period of its own (a participation, a
    party) only when that period overlaps ``when`` too.  Edges are keyed by kind
    (``participates``) or, where a pair can be linked more than once, by kind and record
    (``placement:pl1``, ``sdg_link:11.2``).  A reference to a partner the dataset lacks
    gets a node with ``missing=1`` rather than an error: the validator reports such
    references.

    Args:
        dataset: The dataset to draw.
        when: A year (``2021``), a :class:`~unikommune.models.values.Period`, or ``None``.

    Returns:
        A ``networkx.MultiDiGraph`` whose nodes carry ``kind`` and ``label`` and whose edges
        carry ``kind`` (one of :data:`EDGE_KINDS`) and a numeric ``weight``.

    Raises:
        ValueError: ``when`` is neither a year nor a period.

    Complexity: linear in the number of records and references.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        name=label(dataset.title), sectors=",".join(s.value for s in HelixSector)
    )
    for partner in dataset.partners:
        graph.add_node(node_id("partner", partner.id), **partner_attributes(partner))
    for partner in dataset.partners:
        _add_ties(graph, "partners", partner, node_id("partner", partner.id), when)
    between: list[tuple[str, Any, str]] = []  # ties between records, once all are nodes
    for collection in COLLECTIONS:
        if collection == "placements":
            _add_placements(graph, dataset, when)
            continue
        kind = RECORD_NODES.get(collection)
        if kind is None:
            continue
        for record in dataset.collection(collection):
            if not record_active(collection, record, when):
                continue
            node = node_id(kind, record.id)
            graph.add_node(node, **_attributes(collection, record))
            _add_ties(graph, collection, record, node, when)
            between.append((collection, record, node))
            _add_sdg_links(graph, node, record_sdg_links(collection, record, when))
    for collection, record, node in between:
        for path in TIES[collection]:
            if path.collection != "partners":
                target = RECORD_NODES[path.collection]
                for _, value in path.held(record):
                    source = node_id(target, value)
                    if source in graph:
                        graph.add_edge(source, node, key=path.tie, kind=path.tie, weight=1.0)
    return graph


def record_active(collection: str, record: Any, when: When) -> bool:
    """Return whether a record counts under ``when``: its period, timeframe or year."""
    if collection == "theses":
        return active_year(record.year, when)
    return active(record_period(collection, record), when)


def record_period(collection: str, record: Any) -> Period | None:
    """Return the period a record of ``collection`` is dated by (``None`` for none).

    A mission's is its timeframe, any other record's its period; a thesis has a ``year``
    instead, read by :func:`record_active`.
    """
    period: Period | None = record.timeframe if collection == "missions" else record.period
    return period


def _attributes(collection: str, record: Any) -> dict[str, str | int | float]:
    """Return the GraphML-safe attributes of the node of ``record``."""
    kind = RECORD_NODES[collection]
    if collection == "missions":
        return record_attributes(kind, record.id, record.title, record.timeframe)
    if collection == "projects":
        return record_attributes(
            kind, record.id, record.title, record.period, status=record.status.value
        )
    if collection == "theses":
        attributes = record_attributes(kind, record.id, record.title)
        attributes.update(year_attributes(record.year), level=record.level.value)
        return attributes
    if collection == "learning_activities":
        return record_attributes(
            kind,
            record.id,
            record.title,
            record.period,
            learning_kind=record.kind.value,
            participants=sum(central(count.count) for count in record.participants),
        )
    return record_attributes(kind, record.id, record.title, record.period)


def _add_ties(
    graph: nx.MultiDiGraph[str], collection: str, record: Any, node: str, when: When
) -> None:
    """Add an edge for every tie of ``record`` to a partner (see :data:`EDGE_KINDS`)."""
    for path in TIES[collection]:
        if path.collection != "partners":
            continue
        for holder, value in path.held(record):
            if holder is not record and not active(getattr(holder, "period", None), when):
                continue
            attributes: dict[str, Any] = {"kind": path.tie, "weight": 1.0}
            role = getattr(holder, "role", None) if holder is not record else None
            if role is not None:  # a codelist enum (a party's) or a profile code (a participant's)
                attributes["role"] = str(role)
            if collection == "partners":  # a unit is tied to its parent
                graph.add_edge(node, _ensure_partner(graph, value), key=path.tie, **attributes)
            else:
                graph.add_edge(_ensure_partner(graph, value), node, key=path.tie, **attributes)


def record_sdg_links(collection: str, record: Any, when: When = None) -> list[SdgLink]:
    """Return the SDG links of a record of ``collection``.

    An agreement's are those of the action-plan activities that count under ``when``
    (an activity without a period always does).
    """
    if collection == "agreements":
        return [
            link
            for plan in record.action_plans
            for item in plan.activities
            if active(item.period, when)
            for link in item.sdg_links
        ]
    links: list[SdgLink] = record.sdg_links
    return links


def _add_placements(graph: nx.MultiDiGraph[str], dataset: Dataset, when: When) -> None:
    for placement in dataset.placements:
        if not active_year(placement.year, when):
            continue
        students = central(placement.students)
        attributes: dict[str, Any] = {
            "kind": "placement",
            "weight": float(students),
            "students": students,
            "students_exact": int(is_exact(placement.students)),
            "year": placement.year,
            "field": placement.field.value,
            "level": placement.level.value,
            "programme": label(placement.programme),
        }
        if placement.term is not None:
            attributes["term"] = placement.term.value
        graph.add_edge(
            _ensure_partner(graph, placement.institution),
            _ensure_partner(graph, placement.host),
            key=f"placement:{placement.id}",
            **attributes,
        )

"""The typed partnership graph: every record of a dataset as a node, every reference as an edge.

Node ids are ``<kind>:<local id>`` (``partner:ntnu``, ``project:p1``, ``sdg:11``), so they stay
the same from one run to the next and read well in Gephi.  Every attribute is a string, an
integer or a float, never ``None``, a list or a dict, so the graph writes to GraphML as it is.
"""

from __future__ import annotations

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
)
from unikommune.models import Dataset, SdgLink
from unikommune.models.values import LangString, Period

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "partnership_graph",
    "period_attributes",
    "record_attributes",
    "sdg_node",
]

#: Kinds of node in the partnership graph, each the prefix of its nodes' ids.
NODE_KINDS = (
    "partner",
    "agreement",
    "mission",
    "project",
    "thesis",
    "learning_activity",
    "sdg",
)

#: Kinds of edge in the partnership graph, with the direction each runs in.
EDGE_KINDS = {
    "unit_of": "partner (unit) → partner (parent)",
    "party": "partner → agreement",
    "owns": "partner → mission",
    "participates": "partner → project",
    "in_mission": "project → mission",
    "placement": "partner (educating institution) → partner (host)",
    "educates": "partner (institution) → thesis",
    "hosts": "partner (host unit) → thesis",
    "supervises": "partner → thesis",
    "organises": "partner → learning activity",
    "sdg_link": "agreement, mission, project, thesis or learning activity → SDG goal",
}


def period_attributes(period: Period | None) -> dict[str, str | int]:
    """Return ``start``, ``end``, ``start_year`` and ``end_year`` of a period, leaving out gaps."""
    if period is None:
        return {}
    first, last = period_bounds(period.start, period.end)
    attributes: dict[str, str | int] = {"start": period.start, "start_year": first.year}
    if period.end is not None and last is not None:
        attributes["end"] = period.end
        attributes["end_year"] = last.year
    return attributes


def record_attributes(
    kind: str, local_id: str, title: LangString, period: Period | None = None, **extra: str | int
) -> dict[str, str | int]:
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
    without a period always do).  Edges are keyed by kind (``participates``) or, where a
    pair can be linked more than once, by kind and record (``placement:pl1``,
    ``sdg_link:11.2``).  A reference to a partner the dataset lacks gets a node with
    ``missing=1`` rather than an error: the validator reports such references.

    Args:
        dataset: The dataset to draw.
        when: A year (``2021``), a :class:`~unikommune.types.Period`, or ``None`` for all.

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
        if partner.parent is not None:
            graph.add_edge(
                node_id("partner", partner.id),
                _ensure_partner(graph, partner.parent),
                key="unit_of",
                kind="unit_of",
                weight=1.0,
            )
    for agreement in dataset.agreements:
        if not active(agreement.period, when):
            continue
        agreement_node = node_id("agreement", agreement.id)
        graph.add_node(
            agreement_node,
            **record_attributes("agreement", agreement.id, agreement.title, agreement.period),
        )
        for party in agreement.parties:
            if active(party.period, when):
                graph.add_edge(
                    _ensure_partner(graph, party.partner),
                    agreement_node,
                    key="party",
                    kind="party",
                    role=party.role.value,
                    weight=1.0,
                )
        _add_sdg_links(
            graph,
            agreement_node,
            [
                link
                for plan in agreement.action_plans
                for item in plan.activities
                if active(item.period, when)
                for link in item.sdg_links
            ],
        )
    for mission in dataset.missions:
        if not active(mission.timeframe, when):
            continue
        mission_node = node_id("mission", mission.id)
        graph.add_node(
            mission_node,
            **record_attributes("mission", mission.id, mission.title, mission.timeframe),
        )
        for owner in mission.owners:
            graph.add_edge(
                _ensure_partner(graph, owner), mission_node, key="owns", kind="owns", weight=1.0
            )
        _add_sdg_links(graph, mission_node, mission.sdg_links)
    for project in dataset.projects:
        if not active(project.period, when):
            continue
        project_node = node_id("project", project.id)
        graph.add_node(
            project_node,
            **record_attributes(
                "project", project.id, project.title, project.period, status=project.status.value
            ),
        )
        for participation in project.participants:
            if active(participation.period, when):
                graph.add_edge(
                    _ensure_partner(graph, participation.partner),
                    project_node,
                    key="participates",
                    kind="participates",
                    role=participation.role.value,
                    weight=1.0,
                )
        _add_sdg_links(graph, project_node, project.sdg_links)
    for mission in dataset.missions:
        mission_node = node_id("mission", mission.id)
        if mission_node not in graph:
            continue
        for project_id in mission.projects:
            project_node = node_id("project", project_id)
            if project_node in graph:
                graph.add_edge(
                    project_node, mission_node, key="in_mission", kind="in_mission", weight=1.0
                )
    for placement in dataset.placements:
        if not active_year(placement.year, when):
            continue
        attributes: dict[str, Any] = {
            "kind": "placement",
            "weight": float(placement.students),
            "students": placement.students,
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
    for thesis in dataset.theses:
        if not active_year(thesis.year, when):
            continue
        thesis_node = node_id("thesis", thesis.id)
        graph.add_node(
            thesis_node,
            **record_attributes(
                "thesis",
                thesis.id,
                thesis.title,
                year=thesis.year,
                start_year=thesis.year,
                end_year=thesis.year,
                level=thesis.level.value,
            ),
        )
        graph.add_edge(
            _ensure_partner(graph, thesis.institution),
            thesis_node,
            key="educates",
            kind="educates",
            weight=1.0,
        )
        if thesis.host is not None:
            graph.add_edge(
                _ensure_partner(graph, thesis.host),
                thesis_node,
                key="hosts",
                kind="hosts",
                weight=1.0,
            )
        for supervisor in thesis.supervising_partners:
            graph.add_edge(
                _ensure_partner(graph, supervisor),
                thesis_node,
                key="supervises",
                kind="supervises",
                weight=1.0,
            )
        _add_sdg_links(graph, thesis_node, thesis.sdg_links)
    for activity in dataset.learning_activities:
        if not active(activity.period, when):
            continue
        activity_node = node_id("learning_activity", activity.id)
        graph.add_node(
            activity_node,
            **record_attributes(
                "learning_activity",
                activity.id,
                activity.title,
                activity.period,
                learning_kind=activity.kind.value,
                participants=sum(count.count for count in activity.participants),
            ),
        )
        for organiser in activity.organisers:
            graph.add_edge(
                _ensure_partner(graph, organiser),
                activity_node,
                key="organises",
                kind="organises",
                weight=1.0,
            )
        _add_sdg_links(graph, activity_node, activity.sdg_links)
    return graph

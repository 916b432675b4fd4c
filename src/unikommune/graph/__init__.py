"""Collaboration graphs and network metrics of a partnership dataset.

>>> import unikommune
>>> from unikommune import graph
>>> dataset = unikommune.load("examples/trondheim")  # doctest: +SKIP
>>> network = graph.co_participation(dataset, 2021, level="organisation")  # doctest: +SKIP
>>> graph.write_graph(network, "partners-2021.graphml")  # doctest: +SKIP

The typed graph of every record is :func:`partnership_graph`; the views
(:func:`co_participation`, :func:`placement_flows`, :func:`partner_sdg`,
:func:`mission_sdg`) are plain networkx graphs, every partner a node of each partner
view (:func:`co_participation_read` reads the first from a dataset's files, for the
activities' partners only); partners are tied by projects, missions, learning activities, theses and
agreements (``via``); :func:`partner_metrics`,
:func:`network_metrics` and :func:`yearly_metrics` measure them.  Pictures are in
:mod:`unikommune.graph.plot` (the ``plot`` extra).
"""

from __future__ import annotations

from unikommune.graph._common import GroupBy, When, active, node_id, roll_up
from unikommune.graph.brokerage import ROLES, brokerage_roles
from unikommune.graph.build import EDGE_KINDS, NODE_KINDS, partnership_graph
from unikommune.graph.export import (
    FORMATS,
    from_cytoscape,
    read_graph,
    safe_graph,
    to_cytoscape,
    write_graph,
)
from unikommune.graph.metrics import (
    PARTNER_COLUMNS,
    betweenness,
    communities,
    partner_metrics,
    structural_holes,
)
from unikommune.graph.network import NETWORK_COLUMNS, network_metrics, sdg_coverage
from unikommune.graph.streamed import co_participation_read
from unikommune.graph.synergy import KIND_HELIX, QUADRUPLE_HELIX, TRIPLE_HELIX, helix_synergy
from unikommune.graph.views import (
    ACTIVITY_KINDS,
    activities,
    co_occurrence,
    co_participation,
    mission_sdg,
    partner_sdg,
    placement_flows,
)
from unikommune.graph.yearly import dataset_years, yearly_metrics

__all__ = [
    "ACTIVITY_KINDS",
    "EDGE_KINDS",
    "FORMATS",
    "KIND_HELIX",
    "NETWORK_COLUMNS",
    "NODE_KINDS",
    "PARTNER_COLUMNS",
    "QUADRUPLE_HELIX",
    "ROLES",
    "TRIPLE_HELIX",
    "GroupBy",
    "When",
    "active",
    "activities",
    "betweenness",
    "brokerage_roles",
    "co_occurrence",
    "co_participation",
    "co_participation_read",
    "communities",
    "dataset_years",
    "from_cytoscape",
    "helix_synergy",
    "mission_sdg",
    "network_metrics",
    "node_id",
    "partner_metrics",
    "partner_sdg",
    "partnership_graph",
    "placement_flows",
    "read_graph",
    "roll_up",
    "safe_graph",
    "sdg_coverage",
    "structural_holes",
    "to_cytoscape",
    "write_graph",
    "yearly_metrics",
]

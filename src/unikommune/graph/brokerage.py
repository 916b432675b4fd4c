"""Gould–Fernandez brokerage roles between the helix sectors.

A partner *b* brokers for an ordered pair *a → b → c* when *a* is tied to *b*, *b* to
*c*, and *a* not to *c*.  The role depends on the groups (here: helix sectors) of the
three (Gould and Fernandez, 1989, *Sociological Methodology* 19: 89–126):

==============  =====================================  ==========================
role            groups                                  example
==============  =====================================  ==========================
coordinator     a, b and c in one group                 academia–academia–academia
itinerant       a and c in one group, b in another      public–academia–public
representative  a and b in one group, c in another      b speaks for its group
gatekeeper      b and c in one group, a in another      b lets outsiders in
liaison         a, b and c in three groups              public–academia–industry
==============  =====================================  ==========================

The definition is for directed ties.  In an undirected graph every tie is read as two
arcs, one each way, so each open pair ``{a, c}`` around ``b`` counts once in each direction:
a coordinator, itinerant or liaison pair counts twice, and a mixed pair counts once as
representative and once as gatekeeper.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable

import networkx as nx

from unikommune.graph import _sparse

__all__ = ["ROLES", "brokerage_roles", "role_of"]

#: Graphs with more ties than this use scipy's sparse products when scipy is installed.
_SPARSE_FROM = 50_000

#: The five roles, in the order tables list them.
ROLES = ("coordinator", "gatekeeper", "representative", "itinerant", "liaison")


def role_of(group_a: object, group_b: object, group_c: object) -> str:
    """Return the Gould–Fernandez role of *b* on the path *a → b → c* from the three groups.

    >>> role_of("academia", "academia", "industry")
    'representative'
    """
    if group_a == group_b == group_c:
        return "coordinator"
    if group_a == group_c:
        return "itinerant"
    if group_a == group_b:
        return "representative"
    if group_b == group_c:
        return "gatekeeper"
    return "liaison"


def brokerage_roles(
    graph: nx.Graph[str] | nx.DiGraph[str], attribute: str = "sector"
) -> dict[str, dict[str, int]]:
    """Return, for every node, how often it holds each brokerage role.

    Args:
        graph: A graph (undirected ties count in both directions) or a directed graph.
        attribute: The node attribute that names a node's group; a node without it forms
            a group of its own kind (``None``).

    Returns:
        ``{node: {role: count}}`` with every node and every role of :data:`ROLES`.

    Complexity: for an undirected graph, the sum over nodes of the products of their
    neighbours' degrees bounded by their own (the cost of listing its triangles); a
    directed graph is walked pair by pair around each node.

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> nx.set_node_attributes(g, {"a": "x", "b": "x", "c": "y"}, "sector")
    >>> brokerage_roles(g)["b"]
    {'coordinator': 0, 'gatekeeper': 1, 'representative': 1, 'itinerant': 0, 'liaison': 0}
    """
    group: dict[Hashable, object] = {n: graph.nodes[n].get(attribute) for n in graph}
    roles = {node: dict.fromkeys(ROLES, 0) for node in graph}
    if isinstance(graph, nx.DiGraph):
        for b in graph:
            successors = set(graph.successors(b)) - {b}
            for a in graph.predecessors(b):
                if a == b:
                    continue
                for c in successors:
                    if c != a and not graph.has_edge(a, c):
                        roles[b][role_of(group[a], group[b], group[c])] += 1
        return roles
    if graph.number_of_edges() > _SPARSE_FROM and _sparse.available():
        groups = list(dict.fromkeys(group.values()))
        for b, pairs_of_b in _sparse.sparse_brokerage(graph, groups, group).items():
            for (ga, gc), count in pairs_of_b.items():
                roles[b][role_of(ga, group[b], gc)] += count  # type: ignore[index]
        return roles
    adjacency = {n: set(graph[n]) - {n} for n in graph}
    for b, neighbours in adjacency.items():
        if len(neighbours) < 2:
            continue
        by_group = Counter(group[n] for n in neighbours)
        # Ordered pairs (a, c) of distinct neighbours, by the groups of a and c.
        pairs: defaultdict[tuple[object, object], int] = defaultdict(int)
        for ga, na in by_group.items():
            for gc, nc in by_group.items():
                pairs[(ga, gc)] += na * nc - (na if ga == gc else 0)
        # Less the ordered pairs that are tied to each other (closed triangles).
        for a in neighbours:
            small, large = (adjacency[a], neighbours)
            if len(small) > len(large):
                small, large = large, small
            for c in small:
                if c in large and c != a:
                    pairs[(group[a], group[c])] -= 1
        for (ga, gc), count in pairs.items():
            if count:
                roles[b][role_of(ga, group[b], gc)] += count
    return roles

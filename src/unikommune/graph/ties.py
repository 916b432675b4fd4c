"""A co-participation network held as its partner nodes and a list of its ties.

:func:`~unikommune.graph.network_metrics` reads a network's ties once, in order, and
asks for its components and its communities.  For a network of thousands of partners,
building networkx's adjacency of every tie (a dict of attributes each) costs more than
all of that: :class:`Ties` holds the nodes (a graph without edges, for their
attributes) and the ties as ``(u, v, weight)`` in the order networkx's ``edges`` would
list them, and finds components and communities from that list.  The figures read from
it equal those read from the graph (a property test compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from unikommune.collector import collector_paused
from unikommune.graph.louvain import COMPILED_FROM
from unikommune.graph.louvain_arrays import communities_on_ties

__all__ = ["Ties"]


@dataclass(frozen=True, slots=True)
class Ties:
    """A network's nodes (``nodes``, a graph without edges) and its ties.

    ``ties`` are ``(u, v, weight)``, each once, ``u`` before ``v`` in the nodes'
    order, in the order networkx lists the edges of the graph that holds them all (by
    ``u`` in node order, then in the order the ties were added): float weights.
    """

    nodes: nx.Graph[str]
    ties: list[tuple[str, str, float]]

    def graph(self) -> nx.Graph[str]:
        """Return the whole network as a networkx graph (``weight`` on every edge)."""
        graph = self.nodes.copy()
        graph.add_weighted_edges_from(self.ties)
        return graph

    def components(self) -> list[int]:
        """Return the number of nodes of each connected component (an isolate is one)."""
        parent = {node: node for node in self.nodes}

        def root(node: str) -> str:
            while parent[node] != node:
                parent[node] = parent[parent[node]]  # halves the path
                node = parent[node]
            return node

        for u, v, _ in self.ties:
            a, b = root(u), root(v)
            if a != b:
                parent[b] = a
        sizes: dict[str, int] = {}
        for node in parent:
            top = root(node)
            sizes[top] = sizes.get(top, 0) + 1
        return list(sizes.values())

    def louvain(self, seed: int) -> list[set[str]] | None:
        """Return networkx's Louvain communities walked on arrays, or ``None``.

        As :func:`~unikommune.graph.louvain.louvain` finds them (not sorted), for a
        network of at least :data:`~unikommune.graph.louvain.COMPILED_FROM` partners
        with a tie, when numba is installed; ``None`` for any other (use :meth:`graph`).
        """
        nodes = list(self.nodes)
        if len(nodes) < COMPILED_FROM or not self.ties:
            return None
        with collector_paused():
            return communities_on_ties(nodes, self.ties, seed=seed)

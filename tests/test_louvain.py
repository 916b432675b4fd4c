"""Louvain on arrays finds the partition networkx finds, with the same seed."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from unikommune.graph import communities
from unikommune.graph.louvain import louvain
from unikommune.graph.louvain_arrays import communities_of, compiled_moves

WEIGHTS = st.sampled_from([1, 2, 1.0, 0.5, 1 / 3, 2.75, 10.0])


@st.composite
def graphs(draw: st.DrawFn) -> nx.Graph[str]:
    """Draw a small graph: text nodes in any order, isolates, self-loops, mixed weights."""
    names = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=30))
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(names)
    nodes = list(graph)
    pairs = st.tuples(st.sampled_from(nodes), st.sampled_from(nodes))
    for u, v in draw(st.lists(pairs, max_size=80)):
        if draw(st.booleans()):
            graph.add_edge(u, v, weight=draw(WEIGHTS))
        else:
            graph.add_edge(u, v)  # weighs 1
    return graph


def _same(a: list[set[str]], b: list[set[str]]) -> bool:
    return sorted(map(sorted, a)) == sorted(map(sorted, b))


@given(graphs(), st.integers(0, 2**32 - 1))
def test_partition_is_networkxs(graph: nx.Graph[str], seed: int) -> None:
    expected = nx.community.louvain_communities(graph, seed=seed)
    assert _same(louvain(graph, seed=seed), expected)


@given(graphs(), st.sampled_from([0.5, 2.0]))
def test_resolution_and_weight_name_as_networkx(graph: nx.Graph[str], resolution: float) -> None:
    for _, _, data in graph.edges(data=True):
        data["strength"] = data.get("weight", 1) * 2
    expected = nx.community.louvain_communities(
        graph, weight="strength", resolution=resolution, seed=7
    )
    found = louvain(graph, weight="strength", resolution=resolution, seed=7)
    assert _same(found, expected)


def test_two_cliques_joined_by_one_tie() -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edges_from(nx.complete_graph(["a", "b", "c", "d"]).edges)
    graph.add_edges_from(nx.complete_graph(["w", "x", "y", "z"]).edges)
    graph.add_edge("d", "w")
    graph.add_node("alone")
    assert _same(louvain(graph), [{"a", "b", "c", "d"}, {"w", "x", "y", "z"}, {"alone"}])


def test_a_graph_without_ties_is_all_singletons() -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from("cab")
    assert louvain(graph) == [{"c"}, {"a"}, {"b"}]


def test_directed_and_multigraphs_are_refused_and_left_to_networkx() -> None:
    with pytest.raises(ValueError, match="undirected"):
        louvain(nx.DiGraph([("a", "b")]))
    with pytest.raises(ValueError, match="undirected"):
        louvain(nx.MultiGraph([("a", "b")]))
    # communities() hands such graphs to networkx's own implementation
    assert communities(nx.DiGraph([("a", "b"), ("b", "a")])) == [{"a", "b"}]


def test_karate_club_as_networkx() -> None:
    graph = nx.relabel_nodes(nx.karate_club_graph(), str)
    for seed in range(20):
        assert _same(louvain(graph, seed=seed), nx.community.louvain_communities(graph, seed=seed))


def _floats(graph: nx.Graph[str]) -> nx.Graph[str]:
    for _, _, data in graph.edges(data=True):
        data["weight"] = float(data.get("weight", 1))
    return graph


@given(graphs(), st.integers(0, 2**32 - 1))
def test_the_compiled_walk_finds_networkxs_partition(graph: nx.Graph[str], seed: int) -> None:
    """Whole-number weights (most drawn graphs have one) keep the walk on lists, compiled."""
    pytest.importorskip("numba")
    from unikommune.graph import louvain as module

    expected = nx.community.louvain_communities(graph, seed=seed)
    original = module.COMPILED_FROM
    try:
        module.COMPILED_FROM = 0  # every level compiled, however small
        assert _same(louvain(graph, seed=seed), expected)
    finally:
        module.COMPILED_FROM = original


def _on_lists(graph: nx.Graph[str], seed: int, resolution: float = 1.0) -> list[set[str]]:
    """Return louvain's communities walked on lists at every level, none compiled."""
    from unikommune.graph import louvain as module

    original = module.COMPILED_FROM
    try:
        module.COMPILED_FROM = 10**9
        return louvain(graph, seed=seed, resolution=resolution)
    finally:
        module.COMPILED_FROM = original


@given(graphs(), st.integers(0, 2**32 - 1), st.sampled_from([0.5, 1.0, 2.0]))
def test_the_walk_on_arrays_is_the_walk_on_lists(
    graph: nx.Graph[str], seed: int, resolution: float
) -> None:
    pytest.importorskip("numba")
    graph = _floats(graph)
    if not graph.number_of_edges():
        return
    found = communities_of(
        graph, list(graph), weight="weight", resolution=resolution, threshold=1e-7, seed=seed
    )
    # the same communities in the same order: the modularity of a row depends on it
    assert found == _on_lists(graph, seed, resolution)


def test_the_walk_on_arrays_takes_float_weights_only() -> None:
    pytest.importorskip("numba")
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edge("a", "b", weight=1.0)
    graph.add_edge("b", "c", weight=2)  # a whole number: Python's sums are left to lists
    assert (
        communities_of(graph, list(graph), weight="weight", resolution=1, threshold=0, seed=1)
        is None
    )
    graph["b"]["c"]["weight"] = 2.0
    assert communities_of(
        graph, list(graph), weight="weight", resolution=1, threshold=0, seed=1
    ) == (_on_lists(graph, 1))


def test_a_network_of_thousands_takes_the_walk_on_arrays() -> None:
    pytest.importorskip("numba")
    graph = nx.relabel_nodes(nx.powerlaw_cluster_graph(3_000, 3, 0.3, seed=9), str)
    for number, (_, _, data) in enumerate(graph.edges(data=True)):
        data["weight"] = float(1 + number % 5) / 3
    graph.add_edge("0", "0", weight=1.5)  # a self-loop, and a node alone
    graph.add_node("alone")
    assert compiled_moves() is not None  # so the walk on arrays takes it
    for seed in (3, 42):
        found = louvain(graph, seed=seed)
        assert found == _on_lists(graph, seed)
        assert _same(found, nx.community.louvain_communities(graph, seed=seed))


@given(st.integers(0, 2**16), st.integers(20, 120), st.integers(0, 2**32 - 1))
def test_the_walk_on_arrays_breaks_ties_as_the_walk_on_lists(
    shape: int, nodes: int, seed: int
) -> None:
    """Equal weights make equal gains: the order ties are kept in decides between them."""
    pytest.importorskip("numba")
    graph = nx.relabel_nodes(nx.gnm_random_graph(nodes, nodes * 2, seed=shape), str)
    nx.set_edge_attributes(graph, 1.0, "weight")
    if not graph.number_of_edges():
        return
    found = communities_of(
        graph, list(graph), weight="weight", resolution=1.0, threshold=1e-7, seed=seed
    )
    assert found == _on_lists(graph, seed)

"""GraphML written straight from a graph is networkx's document, character for character."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import unikommune
from conftest import ROOT, SLOW
from unikommune import graph
from unikommune.graph.export import graph_to_text, read_graph
from unikommune.graph.graphml import graphml_text

_TEXT = st.text(
    alphabet=st.sampled_from(list("ab &<>\"'\r\n\t\x01\x7fé€\U0001f600\ud800\ufffe")), max_size=6
)
_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    _TEXT,
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["x", "y"]), st.integers(), max_size=2),
    st.frozensets(st.integers(), max_size=3),
)
_NAME = st.one_of(st.sampled_from(["weight", "label", "year", "id", "kind"]), _TEXT)
_DATA = st.dictionaries(_NAME, _VALUE, max_size=4)
_NODE = st.one_of(st.integers(min_value=0, max_value=30), _TEXT)


@st.composite
def graphs(draw: st.DrawFn) -> nx.Graph[Any]:
    kind = draw(st.sampled_from([nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph]))
    made: nx.Graph[Any] = kind()
    made.graph.update(draw(_DATA))
    for node in draw(st.lists(_NODE, max_size=8)):
        made.add_node(node, **draw(_DATA))
    nodes = list(made)
    if nodes:
        for _ in range(draw(st.integers(min_value=0, max_value=12))):
            u, v = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
            made.add_edge(u, v, **draw(_DATA))
    return made


def _networkx_text(made: nx.Graph[Any]) -> tuple[str, str]:
    """Return what export writes with networkx's writer alone (or the error it raises)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("unikommune.graph.graphml.graphml_text", lambda _: None)
        return _text(made)


def _text(made: nx.Graph[Any]) -> tuple[str, str]:
    try:
        return "text", graph_to_text(made, "graphml")
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)


@SLOW
@given(graphs())
def test_graphml_is_the_document_networkx_writes(made: nx.Graph[Any]) -> None:
    expected = _networkx_text(made.copy())
    assert _text(made.copy()) == expected


@pytest.mark.parametrize("name", ["trondheim", "regional", "nordlysfjord"])
def test_the_views_of_the_examples_are_written_directly_and_the_same(name: str) -> None:
    dataset = unikommune.load(ROOT / "examples" / name)
    views = [
        graph.co_participation(dataset, level="organisation"),
        graph.partnership_graph(dataset),
        graph.placement_flows(dataset),
        graph.partner_sdg(dataset),
        graph.mission_sdg(dataset),
    ]
    for view in views:
        assert graphml_text(view) is not None  # the direct writer writes them
        assert _text(view) == _networkx_text(view)


def test_what_is_written_reads_back(tmp_path: Any) -> None:
    made: nx.Graph[Any] = nx.Graph(name="x & y")
    made.add_node("a", label="Å<b>", year=2021, share=0.5)
    made.add_node("b", label="\r\n", year="201X")
    made.add_edge("a", "b", weight=2.0, shared=3)
    path = tmp_path / "g.graphml"
    path.write_text(graph_to_text(made, "graphml"), encoding="utf-8")
    back = read_graph(path)
    assert dict(back.nodes(data=True)) == {
        "a": {"label": "Å<b>", "year": "2021", "share": 0.5},
        "b": {"label": "\r\n", "year": "201X"},
    }
    assert list(back.edges(data=True)) == [("a", "b", {"weight": 2.0, "shared": 3})]

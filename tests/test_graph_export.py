"""Exports: GraphML and GEXF that Gephi reads, node-link and Cytoscape.js JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from tests.conftest import DATA

import unikommune
from unikommune.errors import DatasetWriteError
from unikommune.graph import (
    co_participation,
    from_cytoscape,
    partnership_graph,
    read_graph,
    safe_graph,
    to_cytoscape,
    write_graph,
)
from unikommune.graph.export import graph_to_text
from unikommune.models import Dataset

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def small() -> Dataset:
    return unikommune.load(DATA / "graph" / "small")


def test_safe_graph_flattens_what_graphml_cannot_hold() -> None:
    graph = nx.Graph(tags=["a", "b"])
    graph.add_node("x", years=[2019, 2020], meta={"b": 1, "a": 2}, gone=None, flag=True)
    graph.add_edge("x", "y", ids={"p2", "p1"})
    safe = safe_graph(graph)
    assert safe.graph == {"tags": "a;b"}
    assert safe.nodes["x"] == {"years": "2019;2020", "meta": '{"a": 2, "b": 1}', "flag": 1}
    assert safe.edges["x", "y"] == {"ids": "p1;p2"}
    assert graph.nodes["x"]["gone"] is None  # the original is untouched


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cytoscape"])
def test_round_trip_keeps_nodes_edges_and_attributes(
    small: Dataset, tmp_path: Path, fmt: str
) -> None:
    graph = co_participation(small)
    path = write_graph(graph, tmp_path / f"partners.{fmt}", fmt)  # type: ignore[arg-type]
    back = read_graph(path, fmt)  # type: ignore[arg-type]
    assert set(back) == set(graph)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    assert back.edges["partner:firm", "partner:inst"]["shared"] == 2
    assert back.nodes["partner:kommune"]["sector"] == "public-sector"


def test_graphml_declares_typed_keys_for_gephi(small: Dataset) -> None:
    root = ET.fromstring(graph_to_text(partnership_graph(small), "graphml"))
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")
    }
    assert keys[("node", "kind")] == "string"
    assert keys[("node", "start_year")] in ("int", "long")
    assert keys[("edge", "weight")] == "double"
    assert keys[("edge", "students")] in ("int", "long")
    # a multigraph keeps its parallel SDG links apart by key
    back = nx.parse_graphml(graph_to_text(partnership_graph(small), "graphml"))
    assert back.number_of_edges("project:p1", "sdg:11") == 2


def test_cytoscape_elements(small: Dataset) -> None:
    document = to_cytoscape(co_participation(small))
    nodes = {n["data"]["id"]: n["data"] for n in document["elements"]["nodes"]}
    assert nodes["partner:ngo"]["sector"] == "civil-society"
    edge = next(
        e["data"]
        for e in document["elements"]["edges"]
        if {e["data"]["source"], e["data"]["target"]} == {"partner:firm", "partner:inst"}
    )
    assert edge["shared"] == 2
    assert edge["id"] in ("partner:firm--partner:inst", "partner:inst--partner:firm")
    json.dumps(document, allow_nan=False)
    multi = from_cytoscape(to_cytoscape(partnership_graph(small)))
    assert multi.is_multigraph()
    assert multi.is_directed()
    assert multi.number_of_edges() == partnership_graph(small).number_of_edges()
    with pytest.raises(ValueError, match="Cytoscape"):
        from_cytoscape({"nodes": []})


def test_csv_edge_list(small: Dataset) -> None:
    rows = list(csv.DictReader(io.StringIO(graph_to_text(co_participation(small), "csv"))))
    assert len(rows) == 8
    assert set(rows[0]) == {"source", "target", "shared", "fractional", "weight", "cross_sector"}
    firm_inst = [r for r in rows if {r["source"], r["target"]} == {"partner:firm", "partner:inst"}]
    assert firm_inst[0]["shared"] == "2"
    multi = list(csv.DictReader(io.StringIO(graph_to_text(partnership_graph(small), "csv"))))
    assert "key" in multi[0]
    assert graph_to_text(nx.Graph(), "csv") == "source,target\n"


def test_write_graph_refuses_to_overwrite_and_unknown_suffix(
    small: Dataset, tmp_path: Path
) -> None:
    graph = co_participation(small)
    target = write_graph(graph, tmp_path / "g.graphml")
    with pytest.raises(DatasetWriteError, match="exists"):
        write_graph(graph, target)
    write_graph(graph, target, overwrite=True)
    with pytest.raises(ValueError, match="cannot tell the graph format"):
        write_graph(graph, tmp_path / "g.txt")
    with pytest.raises(ValueError, match="unknown graph format"):
        graph_to_text(graph, "dot")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot read"):
        read_graph(tmp_path / "g.csv")

"""Exports: GraphML and GEXF that Gephi reads, node-link and Cytoscape.js JSON, CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import unikommune
from conftest import DATA
from unikommune.errors import DatasetReadError, DatasetWriteError
from unikommune.graph import (
    co_participation,
    from_cytoscape,
    partnership_graph,
    read_graph,
    safe_graph,
    to_cytoscape,
    write_graph,
)
from unikommune.graph.export import FORMATS, graph_to_text
from unikommune.models import Dataset

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def small() -> Dataset:
    return unikommune.load(DATA / "graph" / "small")


def test_safe_graph_flattens_what_graphml_cannot_hold() -> None:
    graph: nx.Graph[str] = nx.Graph(tags=["a", "b"])
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
    # text cells are quoted, numbers bare (see test_csv_cells_neutralised_and_numbers_bare)
    assert graph_to_text(nx.Graph(), "csv") == '"source","target"\n'


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


def test_csv_cells_neutralised_and_numbers_bare() -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edge('=HYPERLINK("http://x")', "+1", weight=-3.5, note="@SUM(A1)", shared=2)
    graph.add_edge("-1", "plain", weight=1.0, note="'=1")
    text = graph_to_text(graph, "csv")
    assert text.splitlines() == [
        '"source","target","weight","note","shared"',
        '"\'=HYPERLINK(""http://x"")","\'+1",-3.5,"\'@SUM(A1)",2',
        '"\'-1","plain",1.0,"\'\'=1",""',
    ]


#: What XML 1.0 cannot hold.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Any code point, surrogates and controls included, with the awkward ones made likely.
ANY_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.sampled_from("\x00\x01\t\n\r\x0b\x1f\x7f\x85\u2028\ud800\udfff\ufffe\uffff<&'\" "),
    max_size=10,
)


@given(
    st.lists(
        st.tuples(ANY_TEXT, ANY_TEXT, ANY_TEXT), min_size=1, max_size=4, unique_by=lambda t: t[0]
    ),
    ANY_TEXT,
)
def test_xml_exports_are_well_formed_and_keep_every_legal_text(
    nodes: list[tuple[str, str, str]], note: str
) -> None:
    graph: nx.Graph[str] = nx.Graph(note=note)
    for node, label, value in nodes:
        graph.add_node(node, label=label, note=value)
    if len(nodes) > 1:
        graph.add_edge(nodes[0][0], nodes[1][0], note=note)
    ids = {escaped(node) for node, _, _ in nodes}
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        if len(ids) < len(nodes):  # two ids that differ only in what XML cannot hold
            with pytest.raises(ValueError, match="same once"):
                graph_to_text(graph, fmt)  # type: ignore[arg-type]
            continue
        text = graph_to_text(graph, fmt)  # type: ignore[arg-type]
        ET.fromstring(text)
        back = read(io.BytesIO(text.encode("utf-8")))
        assert set(back) == ids
        assert back.number_of_edges() == graph.number_of_edges()
        for node, label, value in nodes:
            assert back.nodes[escaped(node)]["label"] == escaped(label)
            assert back.nodes[escaped(node)]["note"] == escaped(value)
        if fmt == "graphml":
            assert back.graph["note"] == escaped(note)


def escaped(text: str) -> str:
    """Return ``text`` as the XML exports write it: unchanged if XML 1.0 can hold it."""
    return NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def test_xml_escapes_what_it_cannot_hold_visibly() -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node("a\x01", label="b\ud800c\uffff", note="\r\n")
    back = nx.parse_graphml(graph_to_text(graph, "graphml"))
    assert back.nodes["a\\u0001"] == {"label": "b\\ud800c\\uffff", "note": "\r\n"}
    clash: nx.Graph[str] = nx.Graph()
    clash.add_nodes_from(["a\x01", "a\\u0001"])
    with pytest.raises(ValueError, match="same once"):
        graph_to_text(clash, "gexf")


@pytest.mark.parametrize("fmt", ["json", "cytoscape"])
def test_json_keeps_every_string_exactly(tmp_path: Path, fmt: str) -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node("a\x01\ud800", label="\r\n\ufffe")
    path = write_graph(graph, tmp_path / "g.json", fmt)  # type: ignore[arg-type]
    back = read_graph(path, fmt)  # type: ignore[arg-type]
    assert back.nodes["a\x01\ud800"]["label"] == "\r\n\ufffe"


def test_write_graph_never_writes_through_a_symlink(small: Dataset, tmp_path: Path) -> None:
    victim = tmp_path / "victim.graphml"
    victim.write_text("keep", encoding="utf-8")
    (tmp_path / "g.graphml").symlink_to(victim)
    with pytest.raises(DatasetWriteError, match="symbolic link"):
        write_graph(co_participation(small), tmp_path / "g.graphml", overwrite=True)
    assert victim.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.graphml", "victim.graphml"]


def _valid(fmt: str) -> bytes:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="k", weight=1.5, note="x")
    return graph_to_text(graph, fmt).encode("utf-8")  # type: ignore[arg-type]


#: Malformed graph files; a truncated valid file is cut when the test runs, since writing
#: GraphML imports numpy, whose threads would keep later tests from forking workers.
MALFORMED: list[tuple[str, str, bytes | int | None]] = [
    ("truncated graphml", "graphml", 120),
    ("truncated gexf", "gexf", 150),
    ("xml that is not graphml", "graphml", b"<html><body/></html>"),
    ("xml that is not gexf", "gexf", b"<graphml/>"),
    ("truncated json", "json", 40),
    ("invalid json", "json", b"{'nodes': []}"),
    ("invalid cytoscape json", "cytoscape", b'{"elements": '),
    ("json array", "json", b"[1, 2]"),
    ("json without nodes", "json", b'{"edges": []}'),
    ("json nodes of the wrong kind", "json", b'{"nodes": [1], "edges": []}'),
    ("json edge without target", "json", b'{"nodes": [{"id": "a"}], "edges": [{"source": "a"}]}'),
    ("cytoscape of the wrong shape", "cytoscape", b'{"nodes": []}'),
    ("cytoscape array", "cytoscape", b"[]"),
    ("binary graphml", "graphml", bytes(range(256))),
    ("binary gexf", "gexf", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("binary json", "json", b"\xff\xfe\x00{"),
    ("binary cytoscape", "cytoscape", b"\x00\x01\x02"),
    ("empty graphml", "graphml", b""),
    ("empty gexf", "gexf", b"  \n"),
    ("empty json", "json", b""),
    ("empty cytoscape", "cytoscape", b"\n"),
    ("missing file", "json", None),
]


@pytest.mark.parametrize(("case", "fmt", "content"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_read_graph_raises_the_documented_error(
    tmp_path: Path, case: str, fmt: str, content: bytes | int | None
) -> None:
    path = tmp_path / f"graph{FORMATS[fmt]}"
    if isinstance(content, int):
        content = _valid(fmt)[:content]
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DatasetReadError) as raised:
        read_graph(path, fmt)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "cytoscape"])
def test_read_graph_of_a_folder_raises_the_documented_error(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / f"folder{FORMATS[fmt]}"
    folder.mkdir()
    with pytest.raises(DatasetReadError, match="cannot read the file"):
        read_graph(folder)


@pytest.mark.filterwarnings("ignore:No key type:UserWarning")  # a damaged key: read as text
@given(
    st.sampled_from(["graphml", "gexf", "json", "cytoscape"]),
    st.integers(min_value=0),
    st.binary(max_size=3),
)
def test_read_graph_of_a_damaged_file_gives_a_graph_or_the_documented_error(
    fmt: str, at: int, noise: bytes
) -> None:
    data = _valid(fmt)
    at %= len(data)
    damaged = data[:at] + noise + data[at + len(noise) :] if noise else data[:at]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"g{FORMATS[fmt]}"
        path.write_bytes(damaged)
        with contextlib.suppress(DatasetReadError):
            read_graph(path, fmt)  # type: ignore[arg-type]

"""Write graphs for Gephi, Cytoscape and spreadsheets, and read them back.

Formats: ``graphml`` and ``gexf`` (open in Gephi), ``json`` (networkx node-link JSON),
``cytoscape`` (Cytoscape.js elements JSON) and ``csv`` (an edge list with every edge
attribute as a column).  Attributes are made safe for GraphML and GEXF on the way out:
``None`` is left out, lists and tuples become ``;``-joined strings, dicts become JSON
strings, booleans become 0/1.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Literal, get_args

import networkx as nx
from networkx.readwrite import json_graph

from unikommune.errors import DatasetWriteError

__all__ = [
    "FORMATS",
    "Format",
    "from_cytoscape",
    "graph_to_text",
    "read_graph",
    "safe_graph",
    "to_cytoscape",
    "write_graph",
]

Format = Literal["graphml", "gexf", "json", "cytoscape", "csv"]
#: Export formats, with the file suffix each is written with by default.
FORMATS: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "json": ".json",
    "cytoscape": ".cyjs",
    "csv": ".csv",
}
assert set(FORMATS) == set(get_args(Format))


def _safe(value: Any) -> str | int | float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ";".join(str(item) for item in items)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _safe_attributes(data: dict[str, Any]) -> dict[str, str | int | float]:
    out: dict[str, str | int | float] = {}
    for key, value in data.items():
        safe = _safe(value)
        if safe is not None:
            out[str(key)] = safe
    return out


def safe_graph(graph: nx.Graph[Any]) -> nx.Graph[Any]:
    """Return a copy of ``graph`` whose graph, node and edge attributes are all scalars.

    Node ids become strings.  ``None`` values are dropped; lists become ``;``-joined
    strings, dicts JSON strings and booleans 0/1 — so the copy writes to GraphML and GEXF.
    """
    safe: nx.Graph[Any] = graph.__class__()
    safe.graph.update(_safe_attributes(graph.graph))
    for node, data in graph.nodes(data=True):
        safe.add_node(str(node), **_safe_attributes(data))
    if isinstance(graph, nx.MultiGraph):
        for u, v, key, data in graph.edges(keys=True, data=True):
            safe.add_edge(str(u), str(v), key=key, **_safe_attributes(data))
    else:
        for u, v, data in graph.edges(data=True):
            safe.add_edge(str(u), str(v), **_safe_attributes(data))
    return safe


def to_cytoscape(graph: nx.Graph[Any]) -> dict[str, Any]:
    """Return ``graph`` as Cytoscape.js JSON: ``{"data": ..., "elements": {nodes, edges}}``.

    Every element's ``data`` holds its attributes; nodes add ``id``, edges ``id``,
    ``source`` and ``target`` (edge ids are ``u->v`` or, in a multigraph, ``u->v#key``).
    """
    safe = safe_graph(graph)
    nodes = [{"data": {**data, "id": node}} for node, data in safe.nodes(data=True)]
    edges = []
    arrow = "->" if graph.is_directed() else "--"
    if isinstance(safe, nx.MultiGraph):
        triples = [
            (u, v, f"{u}{arrow}{v}#{key}", data)
            for u, v, key, data in safe.edges(keys=True, data=True)
        ]
    else:
        triples = [(u, v, f"{u}{arrow}{v}", data) for u, v, data in safe.edges(data=True)]
    for u, v, edge_id, data in triples:
        edges.append({"data": {**data, "id": edge_id, "source": u, "target": v}})
    return {
        "data": dict(safe.graph),
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "elements": {"nodes": nodes, "edges": edges},
    }


def from_cytoscape(document: dict[str, Any]) -> nx.Graph[Any]:
    """Return the graph of a Cytoscape.js JSON document written by :func:`to_cytoscape`.

    Raises:
        ValueError: the document has no ``elements`` with nodes and edges.
    """
    try:
        elements = document["elements"]
        directed = bool(document.get("directed", False))
        multigraph = bool(document.get("multigraph", False))
        graph: nx.Graph[Any] = {
            (False, False): nx.Graph,
            (True, False): nx.DiGraph,
            (False, True): nx.MultiGraph,
            (True, True): nx.MultiDiGraph,
        }[(directed, multigraph)]()
        graph.graph.update(document.get("data", {}))
        for node in elements["nodes"]:
            data = dict(node["data"])
            graph.add_node(data.pop("id"), **data)
        for edge in elements["edges"]:
            data = dict(edge["data"])
            edge_id = str(data.pop("id"))
            u, v = data.pop("source"), data.pop("target")
            if multigraph:
                graph.add_edge(u, v, key=edge_id.rpartition("#")[2], **data)
            else:
                graph.add_edge(u, v, **data)
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a Cytoscape.js elements document: {error}") from error
    return graph


def _csv_text(graph: nx.Graph[Any]) -> str:
    safe = safe_graph(graph)
    rows: list[dict[str, Any]] = []
    if isinstance(safe, nx.MultiGraph):
        for u, v, key, data in safe.edges(keys=True, data=True):
            rows.append({"source": u, "target": v, "key": key, **data})
    else:
        rows.extend({"source": u, "target": v, **data} for u, v, data in safe.edges(data=True))
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    if not columns:
        columns = ["source", "target"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def graph_to_text(graph: nx.Graph[Any], format: Format) -> str:
    """Return ``graph`` written in ``format`` as text.

    Raises:
        ValueError: ``format`` is not one of :data:`FORMATS`.
    """
    if format == "graphml":
        return "\n".join(nx.generate_graphml(safe_graph(graph))) + "\n"
    if format == "gexf":
        return "\n".join(nx.generate_gexf(safe_graph(graph))) + "\n"
    if format == "json":
        data = json_graph.node_link_data(safe_graph(graph), edges="edges")
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if format == "cytoscape":
        return json.dumps(to_cytoscape(graph), ensure_ascii=False, indent=1) + "\n"
    if format == "csv":
        return _csv_text(graph)
    raise ValueError(f"unknown graph format {format!r}; expected one of {', '.join(FORMATS)}")


def write_graph(
    graph: nx.Graph[Any],
    path: str | os.PathLike[str],
    format: Format | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Write ``graph`` to ``path`` in ``format`` (by default, from the file's suffix).

    Returns:
        The path written.

    Raises:
        ValueError: the format is unknown or cannot be told from the suffix.
        DatasetWriteError: the file exists (and ``overwrite`` is false) or cannot be written.
    """
    target = Path(path)
    chosen = format or _format_of(target)
    text = graph_to_text(graph, chosen)
    if target.exists() and not overwrite:
        raise DatasetWriteError(f"{target}: file exists; choose another name or overwrite it")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DatasetWriteError(f"{target}: cannot write: {error.strerror or error}") from error
    return target


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    for name, known in FORMATS.items():
        if suffix == known:
            return name  # type: ignore[return-value]
    if suffix == ".cyjs.json":
        return "cytoscape"
    raise ValueError(
        f"cannot tell the graph format from {path.name!r}; "
        f"use a suffix ({', '.join(FORMATS.values())}) or name the format"
    )


def read_graph(path: str | os.PathLike[str], format: Format | None = None) -> nx.Graph[Any]:
    """Read a graph written by :func:`write_graph` (any format but ``csv``).

    Raises:
        ValueError: the format is unknown, is ``csv``, or the file does not parse.
    """
    source = Path(path)
    chosen = format or _format_of(source)
    if chosen == "graphml":
        graph: nx.Graph[Any] = nx.read_graphml(source)
        return graph
    if chosen == "gexf":
        graph = nx.read_gexf(source)
        return graph
    if chosen == "json":
        return json_graph.node_link_graph(
            json.loads(source.read_text(encoding="utf-8")), edges="edges"
        )
    if chosen == "cytoscape":
        return from_cytoscape(json.loads(source.read_text(encoding="utf-8")))
    raise ValueError(f"cannot read a graph back from {chosen!r}")

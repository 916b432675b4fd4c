r"""Write graphs for Gephi, Cytoscape and spreadsheets, and read them back.

Formats: ``graphml`` and ``gexf`` (open in Gephi), ``json`` (networkx node-link JSON),
``cytoscape`` (Cytoscape.js elements JSON) and ``csv`` (an edge list with every edge
attribute as a column).  Attributes are made safe for GraphML and GEXF on the way out:
``None`` is left out, lists and tuples become ``;``-joined strings, dicts become JSON
strings, booleans become 0/1.  GraphML and GEXF declare one type per attribute, so an
attribute whose values mix types is written as text when one is text (a ``year`` that
is ``2021`` here and ``"201X"`` there) and as a decimal when integers meet decimals.

GraphML and GEXF are always well-formed XML 1.0.  The characters XML 1.0 cannot hold
(the control characters other than tab, line feed and carriage return, lone surrogates,
U+FFFE and U+FFFF) are written as the visible escape ``\uXXXX`` that JSON and Python
use (``"a\x01b"`` becomes ``a\u0001b``), in node ids, attribute names and values
alike: nothing is dropped and a reader sees what was there.  Reading does not undo the
escape, since the same six characters may be plain text; every text without such
characters is written and read back unchanged, carriage returns included.  JSON holds
every string as it is, and CSV neutralises formulas
(:func:`unikommune.outputs.neutralise_cell`).

Files are written with :mod:`unikommune.outputs`: atomically, never through a symbolic
link, and over an existing file only when asked.
"""

from __future__ import annotations

import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args

import networkx as nx
from networkx.readwrite import json_graph
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriter

from unikommune import outputs
from unikommune.errors import DatasetReadError

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


def safe_attributes(data: dict[str, Any]) -> dict[str, str | int | float]:
    """Return ``data`` without ``None`` values, every other value made a scalar (see above)."""
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
    safe.graph.update(safe_attributes(graph.graph))
    for node, data in graph.nodes(data=True):
        safe.add_node(str(node), **safe_attributes(data))
    if isinstance(graph, nx.MultiGraph):
        for u, v, key, data in graph.edges(keys=True, data=True):
            safe.add_edge(str(u), str(v), key=key, **safe_attributes(data))
    else:
        for u, v, data in graph.edges(data=True):
            safe.add_edge(str(u), str(v), **safe_attributes(data))
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
    return outputs.csv_text(rows, columns)


#: What XML 1.0 cannot hold: C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Any:
    """Return a text with the characters XML 1.0 cannot hold escaped; any other value as it is."""
    if not isinstance(value, str):
        return value
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", value)


def xml_attributes(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` with its names and texts made XML-safe (:func:`xml_text`)."""
    return {xml_text(key): xml_text(value) for key, value in data.items()}


def common_types(items: list[dict[str, Any]]) -> dict[str, type]:
    """Return, for every attribute whose values mix types, the one type all can take.

    That is ``str`` when a value is text, else ``float`` (integers with decimals).
    """
    types: dict[str, set[type]] = {}
    for data in items:
        for key, value in data.items():
            types.setdefault(key, set()).add(type(value))
    return {key: str if str in found else float for key, found in types.items() if len(found) > 1}


def _one_type_per_attribute(graph: nx.Graph[Any]) -> None:
    """Give every node (and edge) attribute of a safe graph values of one type, in place.

    GraphML and GEXF declare one type per attribute: a year that is ``2021`` on one
    placement and ``"201X"`` on another is written as text on both, a count that is
    ``3`` on one and ``2.5`` on another as a decimal on both.
    """
    one_type([data for _, data in graph.nodes(data=True)])
    one_type([data for *_, data in graph.edges(data=True)])


def one_type(items: list[dict[str, Any]]) -> None:
    """Give every attribute of ``items`` (nodes' or edges') values of one type, in place."""
    for key, common in common_types(items).items():
        for data in items:
            if key in data:
                data[key] = common(data[key])


def _xml_graph(graph: nx.Graph[Any]) -> nx.Graph[Any]:
    """Return the safe copy of ``graph`` with every text escaped for XML 1.0.

    Every attribute has values of one type (see :func:`_one_type_per_attribute`).

    Raises:
        ValueError: two node ids become one when escaped.
    """
    safe = safe_graph(graph)
    _one_type_per_attribute(safe)
    ids = {node: xml_text(node) for node in safe}
    if len(set(ids.values())) < len(ids):
        raise ValueError(
            "two node ids are the same once the characters XML cannot hold are escaped; "
            "write the graph as json instead"
        )
    xml: nx.Graph[Any] = safe.__class__()
    xml.graph.update(xml_attributes(safe.graph))
    for node, data in safe.nodes(data=True):
        xml.add_node(ids[node], **xml_attributes(data))
    if isinstance(safe, nx.MultiGraph):
        for u, v, key, data in safe.edges(keys=True, data=True):
            xml.add_edge(ids[u], ids[v], key=xml_text(key), **xml_attributes(data))
    else:
        for u, v, data in safe.edges(data=True):
            xml.add_edge(ids[u], ids[v], **xml_attributes(data))
    return xml


def xml_document(text: str) -> str:
    """Return the text of an XML document as written to a file."""
    # networkx's generate_graphml/generate_gexf split the document with str.splitlines(),
    # which also breaks at a carriage return inside a value; take the document whole.
    # ElementTree leaves a carriage return in element text as it is, and an XML parser
    # reads it as a line feed; a character reference keeps it.  Markup holds none.
    return text.replace("\r", "&#13;") + "\n"


def graph_to_text(graph: nx.Graph[Any], format: Format) -> str:
    """Return ``graph`` written in ``format`` as text.

    Raises:
        ValueError: ``format`` is not one of :data:`FORMATS`, or (GraphML and GEXF) two
            node ids differ only in characters that XML cannot hold.
    """
    if format == "graphml":
        from unikommune.graph.graphml import graphml_text

        text = graphml_text(graph)
        return text if text is not None else xml_document(str(GraphMLWriter(_xml_graph(graph))))
    if format == "gexf":
        gexf = GEXFWriter()
        gexf.add_graph(_xml_graph(graph))
        return xml_document(str(gexf))
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

    ``-`` is standard output (name the format).  The file is written atomically and never
    through a symbolic link, see :mod:`unikommune.outputs`.

    Returns:
        The path written.

    Raises:
        ValueError: the format is unknown or cannot be told from the suffix.
        DatasetWriteError: the file exists (and ``overwrite`` is false), is a symbolic link
            or not a regular file, or cannot be written.
    """
    target = Path(path)
    chosen = format or _format_of(target)
    outputs.check_target(target, force=overwrite)
    outputs.write_text(target, graph_to_text(graph, chosen), force=overwrite)
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


def _read_graphml(data: bytes) -> nx.Graph[Any]:
    graph: nx.Graph[Any] = nx.read_graphml(io.BytesIO(data))
    return graph


def _read_gexf(data: bytes) -> nx.Graph[Any]:
    graph: nx.Graph[Any] = nx.read_gexf(io.BytesIO(data))
    return graph


def _read_json(data: bytes) -> nx.Graph[Any]:
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, found {type(document).__name__}")
    graph: nx.Graph[Any] = json_graph.node_link_graph(document, edges="edges")
    return graph


def _read_cytoscape(data: bytes) -> nx.Graph[Any]:
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, found {type(document).__name__}")
    return from_cytoscape(document)


_READERS: dict[str, Callable[[bytes], nx.Graph[Any]]] = {
    "graphml": _read_graphml,
    "gexf": _read_gexf,
    "json": _read_json,
    "cytoscape": _read_cytoscape,
}
#: What the parsers raise on a file that is not a graph of their format.  RuntimeError
#: covers RecursionError and the bare ``raise`` of networkx's GEXF reader on an unknown
#: attribute class.
_UNREADABLE = (
    ET.ParseError,
    nx.NetworkXError,
    ValueError,
    LookupError,
    TypeError,
    AttributeError,
    RuntimeError,
)


def read_graph(path: str | os.PathLike[str], format: Format | None = None) -> nx.Graph[Any]:
    """Read a graph written by :func:`write_graph` (any format but ``csv``).

    Raises:
        ValueError: the format is unknown or is ``csv``.
        DatasetReadError: the file cannot be read (missing, a folder, unreadable) or is not
            a graph in that format (empty, truncated, not UTF-8, another shape); it is a
            ``ValueError`` too.
    """
    source = Path(path)
    chosen = format or _format_of(source)
    reader = _READERS.get(chosen)
    if reader is None:
        raise ValueError(f"cannot read a graph back from {chosen!r}")
    try:
        data = source.read_bytes()
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise DatasetReadError(message, path=str(source)) from None
    if not data.strip():
        raise DatasetReadError(f"the file is empty; expected a {chosen} graph", path=str(source))
    try:
        return reader(data)
    except _UNREADABLE as error:
        detail = str(error) or type(error).__name__
        if isinstance(error, UnicodeDecodeError):
            detail = f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        elif isinstance(error, RecursionError):
            detail = "nested too deeply to read"
        elif isinstance(error, RuntimeError):
            detail = "an element the format does not have"
        message = f"not a {chosen} graph: {detail}"
        raise DatasetReadError(message, path=str(source)) from None

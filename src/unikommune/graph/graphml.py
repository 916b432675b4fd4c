"""GraphML written straight from a graph: networkx's document, without its element tree.

networkx's ``GraphMLWriter`` builds an ElementTree element for every node, edge and
value, indents the tree and serialises it: for the partner network of a country
(20,000 partners, 600,000 ties) that took about 40 s, with the two safe copies of the
graph :mod:`unikommune.graph.export` made first.  :func:`graphml_text` writes the
same document, character for character, as text: the same keys (numbered in the
order networkx meets them, written last first), the same indentation, the same
escapes (found by asking ElementTree how it escapes each special character, so they
follow the Python in use) and characters outside ASCII as character references.  A
graph it cannot write that way (a value of another type, a node id given twice once
written as text, default values) is left to networkx's writer.
``tests/test_graphml.py`` compares the two on generated graphs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from typing import Any, cast

import networkx as nx
from networkx.readwrite.graphml import GraphML

from unikommune.graph.export import (
    one_type,
    safe_attributes,
    xml_attributes,
    xml_document,
    xml_text,
)

__all__ = ["graphml_text"]

#: The GraphML type networkx declares for each type of value (``int`` is ``long``).
_TYPES: dict[type, str] = {str: "string", int: "long", float: "double"}


@cache
def _escape(in_attribute: bool) -> Callable[[str], str]:
    """Return ElementTree's escape of a text in an attribute, or in an element."""
    table: dict[int, str] = {}
    for char in "&<>\"'\r\n\t":
        if in_attribute:
            written = ET.tostring(ET.Element("a", b=char), encoding="unicode")
            escaped = written[len('<a b="') : -len('" />')]
        else:
            element = ET.Element("a")
            element.text = char
            escaped = ET.tostring(element, encoding="unicode")[len("<a>") : -len("</a>")]
        if escaped != char:
            table[ord(char)] = escaped
    special = re.compile("[" + re.escape("".join(map(chr, table))) + "]")

    def escape(text: str) -> str:
        return text.translate(table) if special.search(text) else text

    return escape


def graphml_text(graph: nx.Graph[Any]) -> str | None:
    """Return the GraphML document of ``graph`` as :mod:`~unikommune.graph.export` writes it.

    ``None`` when the graph holds what only networkx's writer writes (see above).
    """
    if "node_default" in graph.graph or "edge_default" in graph.graph:
        return None
    graph_data = xml_attributes(safe_attributes(graph.graph))
    graph_id = graph_data.pop("id", None)
    if graph_id is not None and type(graph_id) is not str:
        return None
    names = [str(node) for node in graph]
    ids = [xml_text(name) for name in names]
    if len(set(ids)) < len(ids) or len(set(names)) < len(names):
        return None  # the safe copy merges them, or export refuses the graph
    id_of = dict(zip(graph, ids, strict=True))
    multi = graph.is_multigraph()
    edges: list[Any] = (
        list(cast("nx.MultiGraph[Any]", graph).edges(keys=True, data=True))
        if multi
        else list(graph.edges(data=True))
    )
    keys: dict[tuple[str, str, str], str] = {}
    graph_values = _written([graph_data], "graph", keys)
    node_values = _scope([data for _, data in graph.nodes(data=True)], "node", keys)
    edge_values = _scope([edge[-1] for edge in edges], "edge", keys)
    if graph_values is None or node_values is None or edge_values is None:
        return None
    attribute = _escape(True)
    parts = [
        f'<graphml xmlns="{attribute(GraphML.NS_GRAPHML)}" '
        f'xmlns:xsi="{attribute(GraphML.NS_XSI)}" '
        f'xsi:schemaLocation="{attribute(GraphML.SCHEMALOCATION)}">'
    ]
    for (name, kind, scope), key in reversed(keys.items()):
        parts.append(
            f'\n  <key id="{key}" for="{scope}" attr.name="{attribute(name)}" attr.type="{kind}" />'
        )
    direction = "directed" if graph.is_directed() else "undirected"
    named = f' id="{attribute(graph_id)}"' if graph_id is not None else ""
    opening = f'\n  <graph edgedefault="{direction}"{named}'
    if not ids and not edges and not graph_values[0]:
        parts.append(opening + " />")
    else:
        parts.append(opening + ">")
        for node_id, data in zip(ids, node_values, strict=True):
            parts.append(_element(f'node id="{attribute(node_id)}"', "node", data))
        quoted = {node: attribute(node_id) for node, node_id in id_of.items()}
        for edge, data in zip(edges, edge_values, strict=True):
            ends = f'edge source="{quoted[edge[0]]}" target="{quoted[edge[1]]}"'
            if multi:
                ends += f' id="{attribute(str(xml_text(edge[2])))}"'
            parts.append(_element(ends, "edge", data))
        parts.extend(f"\n    {value}" for value in graph_values[0])
        parts.append("\n  </graph>")
    parts.append("\n</graphml>\n")
    text = "".join(parts).encode("ascii", "xmlcharrefreplace").decode("ascii")
    return xml_document(text)


def _scope(
    items: list[dict[str, Any]], scope: str, keys: dict[tuple[str, str, str], str]
) -> list[list[str]] | None:
    """Return the data elements of the nodes' (or edges') attributes ``items``.

    Values all of the safe types, one type per name, are written as they are; else the
    safe values are made first (the keys numbered anew from where they were).
    """
    before = dict(keys)
    written = _written(items, scope, keys)
    if written is not None:
        return written
    keys.clear()
    keys.update(before)
    return _written(_safe(items), scope, keys)


def _safe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the safe values of ``items`` (nodes' or edges'), one type per attribute.

    As :func:`~unikommune.graph.export.safe_graph` and the writer's one type per
    attribute make them (for the items :func:`_written` could not write as they are).
    """
    safe = [safe_attributes(data) for data in items]
    one_type(safe)
    return safe


def _element(opening: str, tag: str, data: list[str]) -> str:
    """Return a node or edge element at its indentation, with its data elements."""
    if not data:
        return f"\n    <{opening} />"
    inner = "".join(f"\n      {value}" for value in data)
    return f"\n    <{opening}>{inner}\n    </{tag}>"


def _written(
    items: list[dict[str, Any]], scope: str, keys: dict[tuple[str, str, str], str]
) -> list[list[str]] | None:
    """Return the data elements of each of ``items``, numbering new keys in ``keys``.

    ``None`` for a value of a type networkx declares otherwise (or not safe), values of
    two types under one name, or a name that XML cannot hold as it is.
    """
    text = _escape(False)
    # The opening and the empty element of each name and type met: the key is numbered
    # when first met, as networkx numbers it.
    known: dict[tuple[str, type], tuple[str, str]] = {}
    kinds: dict[str, type] = {}
    written = []
    for data in items:
        row = []
        for name, value in data.items():
            kind = type(value)
            found = known.get((name, kind))
            if found is None:
                declared = _TYPES.get(kind)
                if declared is None or type(name) is not str or xml_text(name) != name:
                    return None
                if kinds.setdefault(name, kind) is not kind:
                    return None  # values of two types under one name
                key = keys.setdefault((name, declared, scope), f"d{len(keys)}")
                found = known[name, kind] = (f'<data key="{key}">', f'<data key="{key}" />')
            if kind is str:
                shown = text(xml_text(value))
                row.append(f"{found[0]}{shown}</data>" if shown else found[1])
            else:
                row.append(f"{found[0]}{value}</data>")
        written.append(row)
    return written

"""A dataset as linked data: JSON-LD with the published context, Turtle or N-Triples.

:func:`jsonld_document` turns the dataset as the guard publishes it (small counts
hidden) into a JSON-LD document whose ``@context`` is the published one
(:func:`unikommune.publish.rdf_terms.context`).  The document keeps the shape of
the dataset document; it only

* gives every record an IRI, ``{base}{collection}/{id}`` (``base`` is the dataset's
  ``id`` followed by ``/``, or the one given), and every reference the IRI of the
  record it names;
* writes every code as an IRI: a SKOS concept of its codelist
  (``https://w3id.org/unikommune/codelist/partner-kind/municipality``), a SPDX
  licence, a profile area under the dataset (``{base}areas/focus/{code}``), or the
  UN's goal and target (``http://metadata.un.org/sdg/11.2``);
* describes each code used as a ``skos:Concept`` of its codelist's
  ``skos:ConceptScheme``, with its notation and titles (the document is then a
  ``@graph`` of the dataset and the concepts);
* gives every record and part a class: ``org:Organization`` for a partner (and
  ``org:OrganizationalUnit`` for a unit), ``dcat:Dataset`` for the dataset, and
  ``uk:<Model>`` for each;
* makes every period a W3C Time ``time:Interval`` too, whose exact bounds (``2018``,
  ``2018-06``, ``2018-06-14``) are ``time:Instant`` nodes with an XSD date, year-month
  or year; every bound stays an EDTF literal as well.

:func:`write_rdf` writes it as JSON-LD, or through rdflib (the ``rdf`` extra) as
Turtle or N-Triples.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import quote

from unikommune import codelists, dates
from unikommune.codelists import ENUMS
from unikommune.errors import UnikommuneError
from unikommune.models import COLLECTIONS, Dataset
from unikommune.models.values import Period
from unikommune.outputs import write_text
from unikommune.publish.rdf_terms import (
    CODES,
    CONTEXT_URL,
    EDTF,
    SDG,
    Kind,
    codelist_iri,
    context,
    model_kinds,
)

__all__ = [
    "DEFAULT_BASE",
    "RDF_FORMS",
    "RdfUnavailableError",
    "concept_nodes",
    "jsonld_document",
    "rdf_graph",
    "shapes_text",
    "write_rdf",
]

#: The base of the records' IRIs of a dataset without an ``id``, unless one is given.
DEFAULT_BASE = "urn:unikommune:dataset/"
#: The linked-data forms, by their name on the command line, with rdflib's name.
RDF_FORMS = {"jsonld": "json-ld", "turtle": "turtle", "nt": "nt"}
_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"


class RdfUnavailableError(UnikommuneError, ImportError):
    """rdflib, needed for Turtle and N-Triples, is not installed."""


def _base(dataset: Dataset, base: str | None) -> str:
    if base is not None:
        return base
    if dataset.id is not None:
        return dataset.id.rstrip("/") + "/"
    return DEFAULT_BASE


class _Builder:
    """Rewrites a dataset document into JSON-LD, guided by the models' kinds."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.terms: dict[str, Any] = context()["@context"]
        self.codes: dict[str, set[str]] = {}

    def record_iri(self, collection: str, record_id: str) -> str:
        return f"{self.base}{collection}/{quote(record_id, safe='')}"

    def iri(self, name: str, iri: str) -> Any:
        term = self.terms.get(name)
        return iri if isinstance(term, dict) and term.get("@type") == "@id" else {"@id": iri}

    def typed(self, name: str, value: Any, datatype: str) -> Any:
        term = self.terms.get(name)
        if isinstance(term, dict) and term.get("@type") == datatype:
            return str(value)
        return {"@value": str(value), "@type": datatype}

    def value(self, name: str, kind: Kind, value: Any, home: str | None) -> Any:
        """Return ``value`` of field ``name`` (of the node ``home``) as JSON-LD."""
        if kind.name == "list":
            return [self.value(name, kind.items[0], item, home) for item in value]
        if kind.name == "union":
            return self.value(name, _member(kind, value), value, home)
        if kind.name == "model":
            return self.node(kind.detail, value, None, home)
        if kind.name == "ref":
            return self.iri(name, self.record_iri(kind.detail, value))
        if kind.name == "area":
            return self.iri(name, f"{self.base}areas/{kind.detail}/{quote(value, safe='')}")
        if kind.name == "code":
            if kind.detail in ENUMS and kind.detail != "licence":
                self.codes.setdefault(kind.detail, set()).add(value)
            return self.iri(name, codelist_iri(kind.detail, value))
        if kind.name in ("goal", "target"):
            return self.iri(name, f"{SDG}{value}")
        if kind.name == "url":
            return self.iri(name, value)
        if kind.name == "date":
            return self.typed(name, value, "xsd:date")
        if kind.name == "edtf":
            return self.typed(name, value, EDTF)
        if kind.name == "lang":
            term = self.terms.get(name)
            if isinstance(term, dict) and term.get("@container") == "@language":
                return value
            return [{"@value": text, "@language": tag} for tag, text in value.items()]
        if kind.name == "json":
            return {"@value": json.dumps(value, ensure_ascii=False, sort_keys=True), "@type": _JSON}
        return value

    def node(
        self, model: Any, document: dict[str, Any], iri: str | None, home: str | None
    ) -> dict[str, Any]:
        """Return the node of ``document`` (a ``model``); ``iri`` names it, if anything."""
        kinds = model_kinds(model)
        out: dict[str, Any] = {}
        if iri is None and isinstance(document.get("id"), str) and home is not None:
            iri = f"{home}/{model.__name__.lower()}/{quote(document['id'], safe='')}"
        if iri is not None:
            out["id"] = iri
        out["type"] = [f"uk:{model.__name__}"]
        for name, value in document.items():
            if name == "id" or name not in kinds:
                continue
            if name in COLLECTIONS and model is Dataset:
                out[name] = [
                    self.node(
                        COLLECTIONS[name],
                        record,
                        self.record_iri(name, record["id"]),
                        self.record_iri(name, record["id"]),
                    )
                    for record in value
                ]
            else:
                out[name] = self.value(name, kinds[name], value, iri or home)
        if issubclass(model, Period):
            _interval(out, document)
        return out


#: The W3C Time property and datatype of an exact date, by the length of its text.
_TIME_OF_LENGTH = {
    4: ("time:inXSDgYear", "xsd:gYear"),
    7: ("time:inXSDgYearMonth", "xsd:gYearMonth"),
    10: ("time:inXSDDate", "xsd:date"),
}


def _interval(node: dict[str, Any], period: dict[str, Any]) -> None:
    """Make ``node`` (a period) a ``time:Interval`` too, with its exact bounds as instants.

    A bound that is uncertain, approximate, one of a set, open or unknown has no
    instant: its EDTF literal (``uk:start``, ``uk:end``) is all the graph says of it.
    """
    node["type"].append("time:Interval")
    for name, link in (("start", "time:hasBeginning"), ("end", "time:hasEnd")):
        text = period.get(name)
        if not isinstance(text, str) or not dates.parse_period_end(text).exact:
            continue
        prop, datatype = _TIME_OF_LENGTH[len(text)]
        node[link] = {"type": "time:Instant", prop: {"@value": text, "@type": datatype}}


def _labels(titles: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": tag} for tag, text in titles.items()]


def concept_nodes(codes: Mapping[str, Collection[str]]) -> list[dict[str, Any]]:
    """Return SKOS nodes for ``codes`` (codes by codelist): each scheme and each concept.

    A concept has its scheme, its code as ``skos:notation`` and its titles as
    ``skos:prefLabel``; a scheme its titles.
    """
    nodes: list[dict[str, Any]] = []
    for name in sorted(codes):
        codelist = codelists.get(name)
        scheme = f"{CODES}{name}"
        nodes.append(
            {"id": scheme, "type": "skos:ConceptScheme", "skos:prefLabel": _labels(codelist.title)}
        )
        nodes.extend(
            {
                "id": codelist_iri(name, code),
                "type": "skos:Concept",
                "skos:inScheme": {"@id": scheme},
                "skos:notation": code,
                "skos:prefLabel": _labels(codelist[code].title),
            }
            for code in sorted(codes[name])
        )
    return nodes


def _member(kind: Kind, value: Any) -> Kind:
    """Return the member of a union ``kind`` that ``value`` is."""
    for item in kind.items:
        if isinstance(value, dict) and item.name in ("model", "lang", "json"):
            return item
        if isinstance(value, str) and item.name not in ("model", "lang", "json", "plain"):
            return item
    return next((item for item in kind.items if item.name in ("plain", "edtf")), kind.items[-1])


def jsonld_document(
    dataset: Dataset,
    document: dict[str, Any] | None = None,
    *,
    base: str | None = None,
    context_url: bool = False,
    concepts: bool = True,
) -> dict[str, Any]:
    """Return ``dataset`` as a JSON-LD document.

    Args:
        dataset: the dataset.
        document: the dataset as JSON to publish (the guard's, small counts hidden);
            by default ``dataset`` as it is.
        base: the base of the records' IRIs; by default the dataset's ``id`` and ``/``,
            or :data:`DEFAULT_BASE`.
        context_url: name the published context by its address instead of including
            it (a reader then fetches it).
        concepts: describe the codes used as SKOS concepts of their schemes
            (:func:`concept_nodes`); the document is then a ``@graph`` of the dataset
            and the concepts.
    """
    if document is None:
        document = dataset.model_dump(mode="json", by_alias=True, exclude_none=True)
    prefix = _base(dataset, base)
    builder = _Builder(prefix)
    dataset_iri = dataset.id or prefix.rstrip("/")
    node = builder.node(Dataset, document, dataset_iri, prefix.rstrip("/"))
    node["type"] = ["dcat:Dataset", "uk:Dataset"]
    for partner in node.get("partners", []):
        partner["type"] = ["org:Organization", "uk:Partner"]
        if "parent" in partner:
            partner["type"].append("org:OrganizationalUnit")
    terms: Any = CONTEXT_URL if context_url else builder.terms
    if concepts:
        return {"@context": terms, "@graph": [node, *concept_nodes(builder.codes)]}
    return {"@context": terms, **node}


def rdf_graph(document: dict[str, Any]) -> Any:
    """Return an ``rdflib.Graph`` of a JSON-LD ``document`` (one with its context inline).

    Raises:
        RdfUnavailableError: rdflib is not installed.
    """
    try:
        from rdflib import Graph
    except ImportError as error:
        raise RdfUnavailableError(
            "Turtle, N-Triples and the RDF checks need rdflib: pip install 'unikommune[rdf]'"
        ) from error
    graph = Graph()
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser builds a ConjunctiveGraph, which rdflib 7.2+ deprecates.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph.parse(data=json.dumps(document), format="json-ld")
    for prefix, namespace in document["@context"].items():
        if isinstance(namespace, str) and namespace.endswith(("/", "#")):
            graph.bind(prefix, namespace)
    return graph


def write_rdf(
    document: dict[str, Any], path: str | os.PathLike[str], form: str, *, force: bool = False
) -> None:
    """Write a JSON-LD ``document`` at ``path`` as ``form`` (``jsonld``, ``turtle`` or ``nt``).

    Raises:
        RdfUnavailableError: ``turtle`` or ``nt`` without rdflib installed.
        DatasetWriteError: the target is refused or cannot be written.
        ValueError: ``form`` is not one of :data:`RDF_FORMS`.
    """
    if form not in RDF_FORMS:
        raise ValueError(
            f"{form!r} is not a linked-data form; expected one of {', '.join(RDF_FORMS)}"
        )
    if form == "jsonld":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = rdf_graph(document).serialize(format=RDF_FORMS[form])
    write_text(path, text, force=force)


def shapes_text() -> str:
    """Return the SHACL shapes (Turtle) that an exported graph conforms to."""
    from importlib.resources import files

    return (files("unikommune") / "data" / "shapes" / "unikommune.ttl").read_text(encoding="utf-8")

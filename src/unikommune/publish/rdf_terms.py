"""The JSON-LD ``@context`` of the format, generated from the models.

Every field of every model (:class:`~unikommune.models.Dataset` and all it holds) is
a term.  What kind of value a field holds is read from its annotation, as the JSON
Schemas are: a text in several languages, a reference to a record, a code of a
codelist or of the profile, an SDG goal or target, an address, a date, an uncertain
EDTF date, a part (another model), or a plain value.  The context maps each term to
a property of an established vocabulary where one fits (DCTERMS, W3C ORG, FOAF,
schema.org, SKOS, ADMS) and to the project's own vocabulary otherwise, and coerces
values where every field of that name holds the same kind.

>>> from unikommune.publish.rdf_terms import context
>>> context()["@context"]["parent"]
{'@id': 'org:subOrganizationOf', '@type': '@id'}
>>> context()["@context"]["name"]["@container"]
'@language'
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel, WithJsonSchema

from unikommune.codelists import ENUMS
from unikommune.dates import EDTF_DATE_PATTERN, EDTF_PERIOD_END_PATTERN, EDTF_YEAR_PATTERN
from unikommune.format import FORMAT_VERSION, SCHEMA_BASE
from unikommune.models import Dataset
from unikommune.models.paths import annotated, metadata_pattern
from unikommune.models.sdg import SdgLink
from unikommune.models.values import (
    DATE_PATTERN,
    LANG_STRING_SCHEMA,
    PARTIAL_DATE_PATTERN,
    URL_PATTERN,
    AreaOf,
    RefersTo,
)

__all__ = [
    "CODES",
    "CONTEXT_URL",
    "EDTF",
    "PREFIXES",
    "SDG",
    "VOCAB",
    "Kind",
    "context",
    "context_text",
    "model_kinds",
]

#: The project's own vocabulary, for what no established one says.
VOCAB = "https://w3id.org/unikommune/ns#"
#: Base of the SKOS concepts of the codelists: ``{CODES}{codelist}/{code}``.
CODES = "https://w3id.org/unikommune/codelist/"
#: The UN's identifiers of the goals (``{SDG}11``) and targets (``{SDG}11.2``).
SDG = "http://metadata.un.org/sdg/"
#: The Library of Congress datatype of Extended Date/Time Format (ISO 8601-2) literals.
EDTF = "http://id.loc.gov/datatypes/edtf/EDTF"
#: Where the context is published, versioned like the schemas.
CONTEXT_URL = f"{SCHEMA_BASE}context.jsonld"
SPDX = "http://spdx.org/licenses/"

#: The prefixes the context declares.
PREFIXES: dict[str, str] = {
    "uk": VOCAB,
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "sdg": SDG,
    "time": "http://www.w3.org/2006/time#",
}

#: Fields mapped to an established vocabulary; every other field is ``uk:<name>``.
_PROPERTIES = {
    "$schema": "dcterms:conformsTo",
    "title": "dcterms:title",
    "description": "dcterms:description",
    "summary": "dcterms:abstract",
    "name": "foaf:name",
    "short_name": "schema:alternateName",
    "homepage": "foaf:homepage",
    "url": "schema:url",
    "parent": "org:subOrganizationOf",
    "license": "dcterms:license",
    "languages": "dcterms:language",
    "language": "dcterms:language",
    "issued": "dcterms:issued",
    "modified": "dcterms:modified",
    "publisher": "dcterms:publisher",
    "period": "dcterms:temporal",
    "identifiers": "adms:identifier",
    "value": "rdf:value",
    "doi": "schema:identifier",
    "country": "schema:addressCountry",
}

_EDTF_PATTERNS = frozenset(
    {EDTF_DATE_PATTERN, EDTF_PERIOD_END_PATTERN, EDTF_YEAR_PATTERN, PARTIAL_DATE_PATTERN}
)
_CODELIST_OF: dict[type[Enum], str] = {enum: name for name, enum in ENUMS.items()}


@dataclass(frozen=True)
class Kind:
    """What a field holds, as far as linked data cares.

    ``name`` is ``lang``, ``ref``, ``area``, ``code``, ``goal``, ``target``, ``url``,
    ``date``, ``edtf``, ``json``, ``model``, ``plain``, ``list`` or ``union``;
    ``detail`` is the collection (``ref``), the kind of area (``area``), the codelist
    (``code``) or the model class (``model``); ``items`` the kinds of a list's items or
    of a union's members.
    """

    name: str
    detail: Any = None
    items: tuple[Kind, ...] = ()


def _kind(annotation: Any, metadata: tuple[Any, ...], owner: type, name: str) -> Kind:
    """Return the kind of value ``annotation`` (field ``name`` of ``owner``) holds."""
    annotation, more = annotated(annotation)
    metadata += more
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        kinds = tuple(dict.fromkeys(_kind(a, metadata, owner, name) for a in members))
        if {kind.name for kind in kinds} == {"plain", "edtf"}:
            return Kind("edtf")  # a year as known: an exact year (an int) is EDTF too
        return kinds[0] if len(kinds) == 1 else Kind("union", items=kinds)
    if origin is list:
        (item,) = typing.get_args(annotation)
        return Kind("list", items=(_kind(item, (), owner, name),))
    if owner is SdgLink and name in ("goal", "target"):
        return Kind(name)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Kind("model", annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Kind("code", _CODELIST_OF.get(annotation, annotation.__name__))
    refers = next((m for m in metadata if isinstance(m, RefersTo)), None)
    if refers is not None:
        return Kind("ref", refers.collection)
    area = next((m for m in metadata if isinstance(m, AreaOf)), None)
    if area is not None:
        return Kind("area", area.kind)
    if any(
        isinstance(m, WithJsonSchema) and m.json_schema == dict(LANG_STRING_SCHEMA)
        for m in metadata
    ):
        return Kind("lang")
    if origin is dict or annotation is dict:
        return Kind("json")
    pattern = metadata_pattern(metadata)
    if pattern == URL_PATTERN:
        return Kind("url")
    if pattern == DATE_PATTERN:
        return Kind("date")
    if pattern in _EDTF_PATTERNS:
        return Kind("edtf")
    return Kind("plain")


@cache
def model_kinds(model: type[BaseModel]) -> dict[str, Kind]:
    """Return the kind of every field of ``model``, by its JSON name."""
    return {
        info.alias or name: _kind(info.annotation, tuple(info.metadata), model, name)
        for name, info in model.model_fields.items()
    }


def _models(model: type[BaseModel], found: dict[str, type[BaseModel]]) -> None:
    if model.__name__ in found:
        return
    found[model.__name__] = model

    def visit(kind: Kind) -> None:
        if kind.name == "model":
            _models(kind.detail, found)
        for item in kind.items:
            visit(item)

    for kind in model_kinds(model).values():
        visit(kind)


def _leaf(kind: Kind) -> set[str]:
    """Return the kinds of the values a field holds, through lists and unions."""
    if kind.name in ("list", "union"):
        return set().union(*(_leaf(item) for item in kind.items))
    return {kind.name}


#: The value coerced to an IRI (``@type: @id``) for these kinds.
_IRI_KINDS = frozenset({"ref", "area", "code", "goal", "target", "url"})


def _term(name: str, leaves: set[str]) -> dict[str, Any]:
    camel = "".join(part.capitalize() if at else part for at, part in enumerate(name.split("_")))
    term: dict[str, Any] = {"@id": _PROPERTIES.get(name, f"uk:{camel}")}
    if name == "$schema" or leaves <= _IRI_KINDS:
        term["@type"] = "@id"
    elif leaves == {"lang"}:
        term["@container"] = "@language"
    elif leaves == {"date"}:
        term["@type"] = "xsd:date"
    elif leaves == {"edtf"}:
        term["@type"] = EDTF
    return term


@cache
def _context() -> str:
    found: dict[str, type[BaseModel]] = {}
    _models(Dataset, found)
    leaves: dict[str, set[str]] = {}
    for model in found.values():
        for name, kind in model_kinds(model).items():
            leaves.setdefault(name, set()).update(_leaf(kind))
    terms: dict[str, Any] = {"@version": 1.1, **PREFIXES, "id": "@id", "type": "@type"}
    for name in sorted(leaves):
        if name != "id":
            terms[name] = _term(name, leaves[name])
    document = {
        "@comment": (
            f"JSON-LD context of the unikommune format, version {FORMAT_VERSION}, generated "
            "from the models by `unikommune schema`. Do not edit: change the model and "
            "regenerate."
        ),
        "@context": terms,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def context() -> dict[str, Any]:
    """Return the published JSON-LD context document (``{"@context": {...}}``)."""
    loaded: dict[str, Any] = json.loads(_context())
    return loaded


def context_text() -> str:
    """Return the published context document as the text of ``schemas/context.jsonld``."""
    return _context()


def codelist_iri(codelist: str, code: str) -> str:
    """Return the IRI of ``code`` of ``codelist``: a SPDX licence, or a minted SKOS concept.

    >>> codelist_iri("licence", "CC-BY-4.0")
    'http://spdx.org/licenses/CC-BY-4.0'
    >>> codelist_iri("partner-kind", "municipality")
    'https://w3id.org/unikommune/codelist/partner-kind/municipality'
    """
    if codelist == "licence":
        return f"{SPDX}{code}"
    return f"{CODES}{codelist}/{code}"

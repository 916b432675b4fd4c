"""Generate, locate and check the published JSON Schemas.

The models are the single source of truth: :func:`generate_schemas` derives one
JSON Schema (draft 2020-12) per published entity from them, and ``schemas/`` is
that output, checked in and never edited by hand.  Every ``$ref`` is either
local (``#/$defs/...``) or names a sibling file (``partner.json``), so the
schemas resolve with no network.

>>> from unikommune.schema import SCHEMA_MODELS
>>> SCHEMA_MODELS["https://w3id.org/unikommune/schema/0.2/partner.json"].__name__
'Partner'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from unikommune.errors import SchemaError
from unikommune.evaluation.criteria import CriteriaSet
from unikommune.evaluation.document import ReportDocument
from unikommune.format import FORMAT_VERSION, schema_id
from unikommune.models import (
    Agreement,
    Dataset,
    DatasetPart,
    Figure,
    LearningActivity,
    Mission,
    Partner,
    Placement,
    Profile,
    Project,
    Thesis,
)
from unikommune.models.values import LANG_STRING_SCHEMA

__all__ = [
    "CONTEXT_FILE",
    "DRAFT",
    "SCHEMA_FILES",
    "SCHEMA_MODELS",
    "check_schemas",
    "generate_schemas",
    "load_schemas",
    "registry",
    "schemas_dir",
    "validator",
    "write_schemas",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: The JSON-LD context published next to the schemas (:mod:`unikommune.publish.rdf_terms`).
CONTEXT_FILE = "context.jsonld"

#: Model class of every published schema file, by file name.
SCHEMA_FILES: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "dataset.json": Dataset,
        "dataset-part.json": DatasetPart,
        "profile.json": Profile,
        "partner.json": Partner,
        "agreement.json": Agreement,
        "mission.json": Mission,
        "project.json": Project,
        "placement.json": Placement,
        "thesis.json": Thesis,
        "learning-activity.json": LearningActivity,
        "figure.json": Figure,
        "criteria-set.json": CriteriaSet,
        "report.json": ReportDocument,
    }
)

#: Model class of every published schema, by the schema's ``$id``.
SCHEMA_MODELS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {schema_id(name.removesuffix(".json")): model for name, model in SCHEMA_FILES.items()}
)

_FILE_OF_DEF = {model.__name__: name for name, model in SCHEMA_FILES.items()}
_PREFIX = "#/$defs/"
#: Value types that pydantic inlines but the published schemas name once, in ``$defs``.
_NAMED_INLINE: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {"LangString": LANG_STRING_SCHEMA}
)


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, without the titles it invents for every field."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _rewrite_refs(node: Any, home: str, used: set[str]) -> Any:
    """Point refs to other entities at their files; collect local defs still used."""
    if isinstance(node, dict):
        for def_name, inline in _NAMED_INLINE.items():
            if {k: v for k, v in node.items() if k != "description"} == {
                k: v for k, v in inline.items() if k != "description"
            }:
                used.add(def_name)
                described = {"description": node["description"]} if "description" in node else {}
                return {"$ref": _PREFIX + def_name, **described}
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_PREFIX):
                name = value.removeprefix(_PREFIX)
                target = _FILE_OF_DEF.get(name)
                if target is not None and target != home:
                    out[key] = target
                elif target == home:
                    out[key] = "#"
                else:
                    used.add(name)
                    out[key] = value
            else:
                out[key] = _rewrite_refs(value, home, used)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, home, used) for item in node]
    return node


def _header(name: str, model: type[BaseModel]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "$id": schema_id(name.removesuffix(".json")),
        "$comment": (
            f"Generated from {model.__module__}.{model.__qualname__} by `unikommune schema` "
            f"(format version {FORMAT_VERSION}). Do not edit: change the model and regenerate."
        ),
    }


@cache
def _generate() -> tuple[tuple[str, str], ...]:
    _, top = models_json_schema(
        [(model, "validation") for model in SCHEMA_FILES.values()],
        ref_template=_PREFIX + "{model}",
        schema_generator=_Generator,
    )
    definitions: dict[str, Any] = top["$defs"]
    texts = []
    for name, model in SCHEMA_FILES.items():
        used: set[str] = set()
        body = _rewrite_refs(definitions[model.__name__], name, used)
        local: dict[str, Any] = {}
        pending = sorted(used)
        while pending:
            def_name = pending.pop()
            if def_name in local:
                continue
            more: set[str] = set()
            if def_name in _NAMED_INLINE:
                local[def_name] = {"title": def_name, **_NAMED_INLINE[def_name]}
            else:
                local[def_name] = _rewrite_refs(definitions[def_name], name, more)
            pending.extend(sorted(more - local.keys()))
        document = {**_header(name, model), **body}
        if local:
            document["$defs"] = dict(sorted(local.items()))
        texts.append((name, json.dumps(document, indent=2, ensure_ascii=False) + "\n"))
    return tuple(texts)


def _published() -> tuple[tuple[str, str], ...]:
    """Return every file of ``schemas/``: the schemas and the JSON-LD context."""
    from unikommune.publish.rdf_terms import context_text

    return (*_generate(), (CONTEXT_FILE, context_text()))


def generate_schemas() -> dict[str, dict[str, Any]]:
    """Return every published schema, generated from the models, by file name."""
    return {name: json.loads(text) for name, text in _generate()}


def write_schemas(directory: str | Path) -> list[Path]:
    """Write the generated schemas into ``directory``; return the files that changed.

    Raises:
        SchemaError: the directory cannot be created or written.
    """
    directory = Path(directory)
    changed = []
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in _published():
            path = directory / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                changed.append(path)
    except OSError as error:
        raise SchemaError(f"cannot write schemas to {directory}: {error.strerror}") from error
    return changed


def check_schemas(directory: str | Path) -> list[str]:
    """Return a line for every schema in ``directory`` that differs from the models.

    An empty list means the published schemas are in sync.  Files in the directory that
    no model generates are reported too.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return [f"{directory}: no such directory"]
    problems = []
    expected = dict(_published())
    for name, text in expected.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: differs from the models")
    problems.extend(
        f"{path}: not generated from any model"
        for path in sorted(directory.glob("*.json"))
        if path.name not in expected
    )
    return problems


def schemas_dir() -> Path:
    """Return the folder of the published schemas that ship with this installation.

    In a wheel they are package data; in a source checkout, the repository's ``schemas/``.

    Raises:
        SchemaError: neither place holds the schemas.
    """
    packaged = files("unikommune") / "schemas"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "schemas"
    if checkout.is_dir():
        return checkout
    raise SchemaError("the published schemas are not installed; reinstall unikommune")


@cache
def load_schemas() -> Mapping[str, Mapping[str, Any]]:
    """Return the shipped schemas by ``$id``, read from :func:`schemas_dir`."""
    folder = schemas_dir()
    loaded = {}
    for name in SCHEMA_FILES:
        path = folder / name
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SchemaError(f"cannot read the published schema {path}: {error}") from error
        loaded[schema["$id"]] = schema
    return MappingProxyType(loaded)


@cache
def registry() -> Any:
    """Return a ``referencing.Registry`` holding every shipped schema; it never fetches."""
    from referencing import Registry, Resource

    resources = [
        (uri, Resource.from_contents(dict(schema))) for uri, schema in load_schemas().items()
    ]
    return Registry().with_resources(resources).crawl()


def validator(name: str = "dataset") -> Any:
    """Return a ``jsonschema`` validator for the shipped schema ``name`` (such as ``"project"``).

    References resolve from the shipped files only; a ``$ref`` to anything else is an
    error, never a download.

    Raises:
        SchemaError: no published schema has that name.
    """
    from jsonschema import Draft202012Validator

    uri = schema_id(name)
    schemas = load_schemas()
    if uri not in schemas:
        raise SchemaError(f"no published schema named {name!r}")
    # Formats are annotations in draft 2020-12; the patterns carry every check the models make.
    return Draft202012Validator(dict(schemas[uri]), registry=registry())

"""Plain-data mirrors of the models: the same shapes, checked in one pass without building models.

The fast path of the validator must not build a pydantic model per record.  A
*mirror* is the model's own core schema with every model turned into a typed
dict, every enum into a literal and every Python validator removed, so that
pydantic-core checks a record's shape entirely in Rust, straight from its JSON
bytes, and hands back plain dicts.  The rules that the removed Python
validators enforce (an end before a start, a target of another goal, a check
digit, a list item given twice) are checked by :mod:`unikommune.validation.semantic`
with codes of their own.  The models stay the single source of truth.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

__all__ = ["BRANCH", "mirror_schema", "mirror_validator"]

#: Prefix of the error location segment that names an alternative of a union.
BRANCH = "#alternative-"

_CONFIG: dict[str, Any] = {"strict": True, "allow_inf_nan": False}


def _transform(node: Any, drop: Collection[str]) -> Any:
    if isinstance(node, list):
        return [_transform(item, drop) for item in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind == "definitions":
        definitions = []
        for definition in node["definitions"]:
            transformed = _transform(definition, ())
            transformed["ref"] = definition["ref"]
            definitions.append(transformed)
        return {
            "type": "definitions",
            "schema": _transform(node["schema"], drop),
            "definitions": definitions,
        }
    if kind == "model":
        return _transform(node["schema"], drop)
    if kind == "model-fields":
        fields = {}
        for name, field in node["fields"].items():
            if name in drop:
                continue
            inner = field["schema"]
            required = True
            if inner.get("type") == "default":
                inner = inner["schema"]
                required = False
            typed: dict[str, Any] = {
                "type": "typed-dict-field",
                "schema": _transform(inner, ()),
                "required": required,
            }
            alias = field.get("validation_alias")
            if isinstance(alias, str):
                typed["validation_alias"] = alias
            fields[name] = typed
        return {"type": "typed-dict", "fields": fields, "extra_behavior": "forbid"}
    if kind in {"function-after", "function-before", "function-plain", "function-wrap"}:
        # Python validators are the semantic layer's business; keep the shape only.
        inner = node.get("schema")
        return _transform(inner, drop) if inner is not None else {"type": "any"}
    if kind == "union":
        # Label each alternative so that the findings can keep only the closest one.
        choices = [
            (_transform(choice[0] if isinstance(choice, tuple) else choice, ()), f"{BRANCH}{index}")
            for index, choice in enumerate(node["choices"])
        ]
        return {"type": "union", "choices": choices}
    if kind == "enum":
        return {"type": "literal", "expected": [member.value for member in node["members"]]}
    out = {}
    for key, value in node.items():
        if key in {"metadata", "serialization", "ref", "cls"}:
            continue
        out[key] = _transform(value, ())
    return out


def mirror_schema(model: type[BaseModel], drop: Collection[str] = ()) -> dict[str, Any]:
    """Return the core schema of ``model`` as typed dicts and literals, without ``drop`` fields."""
    schema = model.__pydantic_core_schema__
    result: dict[str, Any] = _transform(schema, drop)
    return result


@cache
def _validator(model: type[BaseModel], drop: tuple[str, ...]) -> SchemaValidator:
    return SchemaValidator(mirror_schema(model, drop), _CONFIG)  # type: ignore[arg-type]


def mirror_validator(model: type[BaseModel], drop: Collection[str] = ()) -> SchemaValidator:
    """Return a validator that checks plain data (or JSON bytes) against ``model``'s shape."""
    return _validator(model, tuple(sorted(drop)))


def field_names(model: type[BaseModel]) -> Mapping[str, str]:
    """Return the JSON name (alias or name) of every field of ``model``, by field name."""
    return {name: field.alias or name for name, field in model.model_fields.items()}

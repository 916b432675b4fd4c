"""Mirrors of the models: the same shapes, checked in one pass into light record views.

The validator must not build a pydantic model per record.  A *mirror* is the
model's own core schema with every Python validator removed, every enum turned
into a literal and every model class replaced by a light :class:`View` class,
so that pydantic-core checks a record's shape entirely in Rust, straight from
its JSON bytes, and hands back an object whose attributes are the model's
fields (an absent one reads ``None``, whatever the model's default).  The rules
(:mod:`unikommune.rules`) read records by attribute, so they read a view, a
msgspec struct of the accelerated decoding (:mod:`unikommune.validation.decode`)
or a model alike.  The rules that the removed Python validators enforce (an end
before a start, a target of another goal, a check digit, a list item given
twice) are rules of :mod:`unikommune.rules`, which call the same functions as
the validators.  The models stay the single source of truth.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

__all__ = ["BRANCH", "View", "mirror_schema", "mirror_validator", "union_choices", "view_class"]

#: Prefix of the error location segment that names an alternative of a union.
BRANCH = "#alternative-"

_CONFIG: dict[str, Any] = {"strict": True, "allow_inf_nan": False}


class View:
    """A record, or a part of one, as the mirror reads it: the model's fields as attributes."""

    __slots__ = (
        "__dict__",
        "__pydantic_extra__",
        "__pydantic_fields_set__",
        "__pydantic_private__",
    )

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]


@cache
def view_class(model: type[BaseModel]) -> type[View]:
    """Return the view class of ``model`` (``ProjectView``), one per model."""
    return type(f"{model.__name__}View", (View,), {"__slots__": (), "__module__": __name__})


def union_choices(node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the schemas a union node of a core schema (or a mirror) chooses among.

    A choice may come with its label, as ``(schema, label)``.
    """
    return [item[0] if isinstance(item, list | tuple) else item for item in node["choices"]]


def _field(field: dict[str, Any]) -> dict[str, Any]:
    inner = field["schema"]
    if inner.get("type") == "default":
        # A view says what the record says: an absent field reads None, whatever its default.
        schema: dict[str, Any] = {
            "type": "default",
            "schema": _transform(inner["schema"], ()),
            "default": None,
        }
    else:
        schema = _transform(inner, ())
    typed: dict[str, Any] = {"type": "model-field", "schema": schema}
    alias = field.get("validation_alias")
    if isinstance(alias, str):
        typed["validation_alias"] = alias
    return typed


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
        return {
            "type": "model",
            "cls": view_class(node["cls"]),
            "schema": _transform(node["schema"], drop),
        }
    if kind == "model-fields":
        fields = {name: _field(field) for name, field in node["fields"].items() if name not in drop}
        return {"type": "model-fields", "fields": fields, "extra_behavior": "forbid"}
    if kind in {"function-after", "function-before", "function-plain", "function-wrap"}:
        # Python validators are the rules' business; keep the shape only.
        inner = node.get("schema")
        return _transform(inner, drop) if inner is not None else {"type": "any"}
    if kind == "union":
        # Label each alternative so that the findings can keep only the closest one.
        choices = [
            (_transform(choice, ()), f"{BRANCH}{index}")
            for index, choice in enumerate(union_choices(node))
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
    """Return the core schema of ``model`` as views and literals, without ``drop`` fields."""
    schema = model.__pydantic_core_schema__
    result: dict[str, Any] = _transform(schema, drop)
    return result


@cache
def _validator(model: type[BaseModel], drop: tuple[str, ...]) -> SchemaValidator:
    return SchemaValidator(mirror_schema(model, drop), _CONFIG)  # type: ignore[arg-type]


def mirror_validator(model: type[BaseModel], drop: Collection[str] = ()) -> SchemaValidator:
    """Return a validator that checks plain data (or JSON bytes) against ``model``'s shape.

    It returns a view of ``model`` (see :func:`view_class`).
    """
    return _validator(model, tuple(sorted(drop)))

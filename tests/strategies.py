"""Hypothesis strategies that draw documents from the published JSON Schemas.

hypothesis-jsonschema does not run with current Hypothesis releases, so this
module interprets the subset of draft 2020-12 that ``schemas/`` uses (``$ref``
within and across files, ``const``, ``enum``, ``anyOf``, ``allOf`` of
``if``/``then``, object, array, string, number, integer, boolean and null
keywords).  A test in ``test_schema.py`` checks that the schemas use no keyword
outside that subset, so the strategies cannot silently drift from them.

:func:`documents` draws documents the schema accepts; :func:`repair` then
applies the few rules JSON Schema cannot state (see ``MODEL_ONLY_RULES``), so
the result is valid for the models too.  :func:`mutations` breaks a valid
document in one place.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import string
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_2, mod_97_10
from stdnum.no import orgnr

from unikommune.models.values import ends_before_start
from unikommune.schema import generate_schemas

SCHEMAS: dict[str, dict[str, Any]] = generate_schemas()

#: Keywords the strategies understand; test_schema checks the schemas use no others.
SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$comment", "$ref", "$defs", "title", "description", "default",
        "format", "const", "enum", "anyOf", "allOf", "if", "then", "type", "properties",
        "required", "additionalProperties", "propertyNames", "minProperties", "items",
        "minItems", "maxItems", "uniqueItems", "pattern", "minLength", "maxLength", "minimum",
        "maximum", "exclusiveMinimum",
    }
)  # fmt: skip

#: The rules the models enforce beyond the published schemas, which :func:`repair` applies.
MODEL_ONLY_RULES = (
    "a period does not certainly end before it starts",
    "a timeframe's end is not open ('..')",
    "an estimate's min is not above its max, and its about lies between them",
    "an organisation number, ORCID iD or ROR id has a valid check digit",
)

_TEXT = st.text(alphabet=string.ascii_letters + "æøåÆØÅ .,-", min_size=1, max_size=12)


def _resolve(ref: str, file: str) -> tuple[dict[str, Any], str]:
    if ref == "#":
        return SCHEMAS[file], file
    if ref.startswith("#/$defs/"):
        return SCHEMAS[file]["$defs"][ref.removeprefix("#/$defs/")], file
    return SCHEMAS[ref], ref


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), schema.get("maxLength", 10**9)
    if "pattern" in schema:
        if "minLength" in schema or "maxLength" in schema:
            return _regex(schema["pattern"]).filter(lambda s: low <= len(s) <= high)
        return _regex(schema["pattern"])
    return st.text(min_size=max(low, 1), max_size=min(high, 12))


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[int | float]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum")
    if integer:
        return st.integers(min_value=low, max_value=high)
    exclusive = "exclusiveMinimum" in schema
    floats = st.floats(
        min_value=low, max_value=high, exclude_min=exclusive, allow_nan=False, allow_infinity=False
    )
    ints = st.integers(
        min_value=None if low is None else int(low) + (1 if exclusive else 0),
        max_value=None if high is None else int(high),
    )
    return st.one_of(floats, ints)


def _matches(value: dict[str, Any], condition: dict[str, Any]) -> bool:
    if any(name not in value for name in condition.get("required", [])):
        return False
    return all(
        name not in value or value[name] == sub.get("const")
        for name, sub in condition.get("properties", {}).items()
    )


def _not_null(schema: dict[str, Any], file: str) -> st.SearchStrategy[Any]:
    key = (id(schema), file, "not null")
    if key not in _CACHE:
        _CACHE[key] = _value(schema, file).filter(lambda item: item is not None)
    return _CACHE[key]


def _object(schema: dict[str, Any], file: str) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = schema.get("properties", {})
    if not properties:
        keys = _regex(schema["propertyNames"]["pattern"])
        values = _value(schema["additionalProperties"], file)
        return st.dictionaries(
            keys, values, min_size=max(schema.get("minProperties", 0), 1), max_size=3
        )
    required = set(schema.get("required", []))
    branches = [set(branch["required"]) for branch in schema.get("anyOf", [])]
    rules = [*schema.get("allOf", []), *([schema] if "if" in schema else [])]

    @st.composite
    def drawn(draw: Callable[..., Any]) -> dict[str, Any]:
        # Object-level alternatives: one property of the branch drawn must be present, not null.
        not_null: set[str] = draw(st.sampled_from(branches)) if branches else set()
        value = {}
        for name, sub in properties.items():
            if name in not_null:
                value[name] = draw(_not_null(sub, file))
            elif name in required or draw(_BOOLEANS):
                value[name] = draw(_value(sub, file))
        for rule in rules:
            if _matches(value, rule["if"]):
                then = rule["then"]
                for name in then.get("required", []):
                    if name not in value:
                        value[name] = draw(_value(properties[name], file))
                # Each ``then`` subschema in schemas/ is narrower than the property's own
                # schema (a subset enum, a pattern, not-null), so a value drawn from it
                # satisfies both.
                for name, sub in then.get("properties", {}).items():
                    if name in value and isinstance(sub, dict):
                        value[name] = draw(_value(sub, file))
        return value

    return drawn()


def _build(schema: dict[str, Any], file: str) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return _value(*_resolve(schema["$ref"], file))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema and "type" not in schema:
        return st.one_of([_value(branch, file) for branch in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, file)
    if kind == "array":
        items = _value(schema["items"], file)
        low = schema.get("minItems", 0)
        if schema.get("uniqueItems"):
            return st.lists(items, min_size=low, max_size=max(low, 2), unique_by=json.dumps)
        return st.lists(items, min_size=low, max_size=max(low, 2))
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return _BOOLEANS
    if kind == "null":
        return st.none()
    raise NotImplementedError(f"no strategy for schema {schema!r}")


_BOOLEANS = st.booleans()
_CACHE: dict[tuple[Any, ...], st.SearchStrategy[Any]] = {}


def _value(schema: dict[str, Any], file: str) -> st.SearchStrategy[Any]:
    # Each schema node's strategy is built once and drawn from many times: building
    # strategies is costly (regexes compile), and the schemas live for the whole run.  A
    # node met again while it is being built (a recursive $ref) is drawn through a deferred
    # strategy that looks the finished one up.
    key = (id(schema), file)
    if key not in _CACHE:
        _CACHE[key] = st.deferred(lambda: _CACHE[key])
        _CACHE[key] = _build(schema, file)
    return _CACHE[key]


#: Language tags that real data uses.  Drawing from the language-tag pattern costs about
#: ten milliseconds a value and every text is a language map, so a key is one of these
#: three times in four and drawn from the pattern the fourth.
TYPICAL_LANGUAGE_TAGS = ("nb", "nn", "en", "se", "sma", "smj", "fkv", "en-GB", "nb-NO")


@functools.cache
def _regex(pattern: str) -> st.SearchStrategy[str]:
    drawn = st.from_regex(pattern, fullmatch=True)
    if not pattern.startswith("^[a-z]{2,3}("):
        return drawn
    typical = st.sampled_from([tag for tag in TYPICAL_LANGUAGE_TAGS if re.match(pattern, tag)])
    return st.one_of(typical, typical, typical, drawn)


def _orgnr_check_digit(body: str) -> str | None:
    remainder = sum(w * int(d) for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2), body, strict=True)) % 11
    return None if remainder == 1 else str((11 - remainder) % 11)


def _orgnr(draw: Callable[..., Any]) -> str:
    body = draw(_regex(r"[89][0-9]{7}").filter(lambda b: _orgnr_check_digit(b) is not None))
    value = body + str(_orgnr_check_digit(body))
    assert orgnr.is_valid(value)
    return value


def repair(document: Any, draw: Callable[..., Any]) -> Any:
    """Return ``document`` changed so that it keeps every rule in :data:`MODEL_ONLY_RULES`."""
    document = copy.deepcopy(document)

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        start, end = node.get("start"), node.get("end")
        if isinstance(start, str) and isinstance(end, str) and ends_before_start(start, end):
            node["start"], node["end"] = end, start
        timeframe = node.get("timeframe")
        if isinstance(timeframe, dict) and timeframe.get("end") == "..":
            timeframe["end"] = ""
        numbers = [node.get(key) for key in ("min", "about", "max")]
        if all(isinstance(n, int | float) for n in numbers if n is not None) and any(
            n is not None for n in numbers
        ):
            given = sorted((n for n in numbers if n is not None), key=float)
            for key in ("min", "about", "max"):
                if node.get(key) is not None:
                    node[key] = given.pop(0)
        scheme = node.get("scheme")
        if scheme == "no-orgnr" and "value" in node:
            node["value"] = _orgnr(draw)
        elif scheme == "orcid" and "value" in node:
            digits = draw(_regex(r"[0-9]{15}"))
            full = digits + mod_11_2.calc_check_digit(digits)
            node["value"] = "-".join(full[i : i + 4] for i in range(0, 16, 4))
        elif scheme == "ror" and "value" in node:
            body = draw(_regex(r"0[0-9a-hjkmnp-tv-z]{6}"))
            number = 0
            for char in body[1:]:
                number = number * 32 + "0123456789abcdefghjkmnpqrstvwxyz".index(char)
            node["value"] = body + mod_97_10.calc_check_digits(str(number))
        for item in node.values():
            walk(item)

    walk(document)
    return document


@st.composite
def documents(draw: Callable[..., Any], name: str) -> Any:
    """Draw a document valid for the published schema file ``name`` and for its model."""
    raw = draw(_value(SCHEMAS[name], name))
    return repair(raw, draw)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _wrong(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["true", 1]
    if isinstance(value, int):
        return [str(value), value + 0.5, True]
    if isinstance(value, float):
        return [str(value), [value]]
    if isinstance(value, str):
        return [123, [value], {"x": value}, None if value else 0]
    if isinstance(value, list):
        return [{"items": value}, "[]"]
    if isinstance(value, dict):
        return [[value], "{}", {**value, "unexpected_field": 1}]
    return ["null-was-here"]


@st.composite
def mutations(draw: Callable[..., Any], name: str) -> tuple[Any, str]:
    """Draw a valid document for ``name`` broken in one place; return it and what was done."""
    document = draw(documents(name))
    path = draw(st.sampled_from(_paths(document)[1:] or [()]))
    if not path:
        return [document], "wrapped the document in a list"
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    choice = draw(
        st.sampled_from(["replace", "remove"] if isinstance(parent, dict) else ["replace"])
    )
    if choice == "remove":
        del parent[key]
        return document, f"removed {path}"
    parent[key] = draw(st.sampled_from(_wrong(parent[key])))
    return document, f"replaced {path} with {parent[key]!r}"

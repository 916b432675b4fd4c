"""Render the format reference (``docs/reference.md``) from the published schemas.

The reference is generated, like the schemas, so the documentation of every
field and code says exactly what the models say.
"""

from __future__ import annotations

from typing import Any

from unikommune import codelists
from unikommune.format import FORMAT_VERSION
from unikommune.identifiers import URL_PATTERN
from unikommune.models import RECORD_TYPES
from unikommune.models.paths import field_references, parts_of
from unikommune.models.values import (
    DATE_PATTERN,
    LANGUAGE_TAG_PATTERN,
    LOCAL_ID_PATTERN,
    PARTIAL_DATE_PATTERN,
    TEXT_PATTERN,
)
from unikommune.schema import SCHEMA_FILES, generate_schemas

__all__ = ["render_reference"]

_PATTERNS = {
    PARTIAL_DATE_PATTERN: "partial date (YYYY, YYYY-MM or YYYY-MM-DD)",
    DATE_PATTERN: "date (YYYY-MM-DD)",
    LOCAL_ID_PATTERN: "id",
    URL_PATTERN: "URL (http or https)",
    LANGUAGE_TAG_PATTERN: "language tag (BCP 47)",
    TEXT_PATTERN: "text (no control characters)",
}
_CODELIST_OF_ENUM = {enum.__name__: name for name, enum in codelists.ENUMS.items()}


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        target = schema["$ref"]
        if target.startswith("#/$defs/"):
            name = target.removeprefix("#/$defs/")
            if name in _CODELIST_OF_ENUM:
                return f"code from [{_CODELIST_OF_ENUM[name]}](#{_CODELIST_OF_ENUM[name]})"
            return f"[{name}](#{name.lower()})"
        name = SCHEMA_FILES[target].__name__
        return f"[{name}](#{name.lower()})"
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema:
        kinds = [_type(branch) for branch in schema["anyOf"] if branch.get("type") != "null"]
        return " or ".join(kinds)
    kind = schema.get("type")
    if kind == "array":
        unique = ", unique" if schema.get("uniqueItems") else ""
        least = f", at least {schema['minItems']}" if "minItems" in schema else ""
        return f"list of {_type(schema['items'])}{least}{unique}"
    if schema.get("enum") == list(codelists.CURRENCY_CODES):
        return "code from [currency](#currency)"
    if "enum" in schema:
        return (
            "one of "
            + ", ".join(f"`{value}`" for value in schema["enum"][:8])
            + (", ..." if len(schema["enum"]) > 8 else "")
        )
    if kind in {"integer", "number"}:
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum")
        bounds = f" ({low} to {high})" if low is not None and high is not None else ""
        bounds = bounds or (f" (≥ {low})" if low is not None else "")
        return f"{kind}{bounds}"
    if kind == "string" and "pattern" in schema:
        return _PATTERNS.get(schema["pattern"], f"string matching `{schema['pattern']}`")
    return str(kind)


def _describe(schema: dict[str, Any]) -> str:
    text = schema.get("description", "")
    if not text and "$ref" in schema:
        return ""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(schema: dict[str, Any], refers: dict[str, str] | None = None) -> list[str]:
    """Return the table of a schema's fields; ``refers`` names what reference fields point to."""
    required = set(schema.get("required", []))
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, sub in schema.get("properties", {}).items():
        mark = "yes" if name in required else ""
        kind = _type(sub)
        target = (refers or {}).get(name)
        if target is not None:
            noun = RECORD_TYPES[target].value.replace("-", " ")
            article = "an" if noun[0] in "aeiou" else "a"
            kind = kind.replace("id", f"id of {article} {noun}", 1)
        lines.append(f"| `{name}` | {kind} | {mark} | {_describe(sub)} |")
    return lines


def _references_by_model() -> dict[str, dict[str, str]]:
    """Return, for every model the schemas describe, what its reference fields point to."""
    models: dict[str, Any] = {}
    for model in SCHEMA_FILES.values():
        models.update(parts_of(model))
    return {name: field_references(model) for name, model in models.items()}


def render_reference() -> str:
    """Return the Markdown reference of every published schema and codelist."""
    schemas = generate_schemas()
    out = [
        f"# Format reference (version {FORMAT_VERSION})",
        "",
        "Generated from the models by `unikommune schema --reference docs/reference.md`;"
        " do not edit by hand.",
        "",
        "## Documents and records",
        "",
    ]
    seen: set[str] = set()
    nested: dict[str, dict[str, Any]] = {}
    refers = _references_by_model()
    for file, model in SCHEMA_FILES.items():
        schema = schemas[file]
        out += [f"### {model.__name__}", "", f"Schema: `{schema['$id']}`", ""]
        out += [_describe(schema), "", *_table(schema, refers.get(model.__name__)), ""]
        seen.add(model.__name__)
        for name, definition in schema.get("$defs", {}).items():
            nested.setdefault(name, definition)
    out += ["## Parts of records", ""]
    for name, definition in sorted(nested.items()):
        if name in seen or "enum" in definition:
            continue
        out += [f"### {name}", "", _describe(definition), ""]
        out += (
            _table(definition, refers.get(name))
            if "properties" in definition
            else [f"Type: {_type(definition)}"]
        )
        out.append("")
    out += ["## Codelists", ""]
    for name in codelists.names():
        codelist = codelists.get(name)
        out += [f"### {name}", "", codelist.description.get("en", ""), ""]
        if name == "sdg-target":
            out += ["The 169 target codes: " + ", ".join(f"`{code}`" for code in codelist.values())]
            out.append("")
            continue
        out += ["| code | English | Bokmål |", "|---|---|---|"]
        out += [
            f"| `{code.code}` | {code.title.get('en', '')} | {code.title.get('nb', '')} |"
            for code in codelist.codes
        ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"

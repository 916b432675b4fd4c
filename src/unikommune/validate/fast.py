"""An optional accelerator for the bulk of a dataset: placements, checked by msgspec.

Placements are most of the records of a national dataset, and flat.  When the
optional ``msgspec`` package is installed, each placement line is first decoded
into a struct generated from the placement's mirror (so from the model: the same
fields, codes, ranges and lengths), which is several times cheaper than the
general path.  Ids, references and language tags are then checked here against
the ids already read.  Anything unusual (a decode error, an id or a language tag
of the wrong form, a reference that does not resolve) sends the line down the
general path, which finds and explains every problem exactly; so this module
can only make clean records faster, never change a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal

from unikommune import types
from unikommune.models import Placement
from unikommune.validate.mirror import mirror_schema

__all__ = ["placement_checker"]

_LOCAL_ID = re.compile(types.LOCAL_ID_PATTERN)
_LANGUAGE = re.compile(types.LANGUAGE_TAG_PATTERN)


def _struct_type(node: dict[str, Any], msgspec: Any, names: list[int]) -> Any:
    kind = node["type"]
    if kind == "typed-dict":
        fields = []
        for name, field in node["fields"].items():
            typed = _struct_type(field["schema"], msgspec, names)
            key = field.get("validation_alias", name)
            if field["required"]:
                fields.append((name, typed, msgspec.field(name=key)))
            else:
                default = msgspec.field(default=msgspec.UNSET, name=key)
                fields.append((name, typed | msgspec.UnsetType, default))
        names.append(len(names))
        return msgspec.defstruct(
            f"Mirror{names[-1]}", fields, forbid_unknown_fields=True, kw_only=True
        )
    if kind == "literal":
        return Literal[tuple(node["expected"])]
    if kind == "nullable":
        return _struct_type(node["schema"], msgspec, names) | None
    meta = {
        key: node[key]
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length")
        if key in node
    }
    pattern = node.get("pattern")
    if pattern is not None and pattern not in {types.LOCAL_ID_PATTERN, types.LANGUAGE_TAG_PATTERN}:
        raise TypeError("a pattern the accelerator does not check itself")
    base: Any
    if kind == "str":
        base = str
    elif kind == "int":
        base = int
    elif kind == "float":
        base = float
    elif kind == "bool":
        base = bool
    elif kind == "list":
        base = list[_struct_type(node["items_schema"], msgspec, names)]  # type: ignore[misc]
    elif kind == "dict":
        keys = _struct_type(node["keys_schema"], msgspec, names)
        values = _struct_type(node["values_schema"], msgspec, names)
        base = dict[keys, values]  # type: ignore[valid-type]
    else:
        raise TypeError(f"no struct for {kind}")
    return Annotated[base, msgspec.Meta(**meta)] if meta else base


@cache
def placement_checker() -> Callable[[bytes], Any] | None:
    """Return a decoder of placement lines (raising on any problem), or ``None`` without msgspec."""
    try:
        import msgspec
    except ImportError:
        return None
    try:
        struct = _struct_type(mirror_schema(Placement), msgspec, [])
    except TypeError:  # pragma: no cover - the placement model grew a field this cannot check
        return None
    decode: Callable[[bytes], Any] = msgspec.json.Decoder(struct).decode
    return decode


def plain_placement(record: Any, known_tags: set[str]) -> bool:
    """Return whether a decoded placement has a well-formed id and language tags."""
    if not _LOCAL_ID.fullmatch(record.id):
        return False
    for tag in record.programme:
        if tag not in known_tags:
            if not _LANGUAGE.fullmatch(tag):
                return False
            known_tags.add(tag)
    return True

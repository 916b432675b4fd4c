"""The accelerated decoding: JSON Lines records read by msgspec, when it is installed.

This module decides one thing: whether a record's shape is *certainly* right.  Its
decoders are msgspec structs generated from the models' mirrors (so from the
models: the same fields, codes, ranges, lengths and patterns), whose attributes
are the models' field names, an absent field reading ``None`` as in a record
view.  A line the decoder takes is handed to the same rules as any other record
(:func:`unikommune.rules.check_record`); a line it cannot vouch for goes to the
general path, which explains every problem.  No rule is implemented here.

A decoder may refuse more than the shape refuses (that only sends a line to the
general path), never less:

* an SDG link is one of 17 structs, tagged by its goal, whose target is one of that
  goal's; a suggested link's provenance names its tool, as the schemas say;
* a language tag is one of the common tags;
* a reference into a collection already read is one of that collection's well-formed
  ids, and a focus or thematic area one of the profile's codes: a literal, the
  cheapest proof that it has its pattern (the rules still check every reference and
  every area);
* ids and the dates of periods are left to :attr:`Decoder.check_after` (the ids of a
  chunk are matched by one regular expression, dates are worked out once each);
* a key given twice in one object, which msgspec reads as the last, is found by
  :func:`keys_given_once`.

``tests/test_validate_decode.py`` holds the two paths to the same findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal, NewType, Union

from unikommune.codelists import SDG_TARGETS, SdgProvenance, sdg_goal_of
from unikommune.dataset.mirror import mirror_schema
from unikommune.models import COLLECTIONS
from unikommune.models import values as _values
from unikommune.models.paths import areas as _areas
from unikommune.models.paths import references as _references
from unikommune.models.sdg import SUGGESTION_NEEDS

__all__ = ["Decoder", "Literals", "decoder", "keys_given_once", "well_formed_ids"]

_LANGUAGE = re.compile(_values.LANGUAGE_TAG_PATTERN)
#: Language tags accepted by a lookup instead of the pattern; a record with any other tag
#: takes the general path, which checks the pattern.
_COMMON_TAGS = ("nb", "nn", "en", "se", "sma", "smj", "sv", "da", "fi", "de", "fr", "es")
#: The keys of a mirror node that this module turns into a struct; any other key (a
#: constraint it does not know) leaves the collection to the general path.
_KNOWN_KEYS = frozenset(
    {
        "type", "strict", "schema", "fields", "extra_behavior", "expected", "cls",
        "items_schema", "keys_schema", "values_schema", "schema_ref", "definitions", "ref",
        "ge", "le", "gt", "lt", "min_length", "max_length", "pattern", "validation_alias",
        "default", "default_factory",
    }
)  # fmt: skip
_LARGEST = sys.float_info.max
#: Strings whose pattern is checked after decoding (:attr:`Decoder.check_after`).
_ID_PATHS = frozenset({".id"})
_DATE_PATHS = frozenset(
    {
        ".period.start",
        ".period.end",
        ".participants[].period.start",
        ".participants[].period.end",
    }
)
#: Ids one per line, each followed by a newline: the ids of a chunk at once.
_IDS = re.compile(f"(?a)(?:{_values.LOCAL_ID_PATTERN[1:-1]}\n)*\\Z")
_LOCAL_ID = re.compile(f"(?a)\\A(?:{_values.LOCAL_ID_PATTERN})\\Z")
_DATE = re.compile(f"(?a)\\A(?:{_values.PARTIAL_DATE_PATTERN})\\Z")
_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SUGGESTED = SdgProvenance.SUGGESTED.value
#: The references of each collection's records, from the models' declarations.
COLLECTION_REFERENCES = {name: _references(model) for name, model in COLLECTIONS.items()}
#: The areas of each collection's records, with their kind.
COLLECTION_AREAS = {name: _areas(model) for name, model in COLLECTIONS.items()}


def _whole(pattern: str) -> str:
    """Return ``pattern`` for ``re.search`` matching the whole string with ASCII classes only."""
    return f"(?a)\\A(?:{pattern})\\Z"


class Literals:
    """The literal types and decoders of one check: each set of known ids made a type once.

    ``typing`` walks every value of a literal each time it hashes one, and msgspec hashes
    each literal of each struct it is given, so each is made once per check and put
    behind a new type, which ``typing`` leaves alone and msgspec sees through.  The
    parts of a file share them (and so their decoder).
    """

    def __init__(self) -> None:
        self._types: dict[str, Any] = {}
        self.decoders: dict[tuple[str, tuple[str, ...]], Decoder | None] = {}

    def of(self, name: str, values: Collection[str], pattern: str) -> Any:
        """Return the type of exactly those ``values`` (named ``name``) ``pattern`` takes.

        Raises:
            TypeError: no value is left.
        """
        if name not in self._types:
            whole = re.compile(_whole(pattern))
            chosen = sorted(value for value in values if whole.search(value))
            if not chosen:
                raise TypeError(f"no id of {name} to accept")
            self._types[name] = NewType("OneOf", Literal[tuple(chosen)])
        return self._types[name]


class _Build:
    """What structs are built with: msgspec, known ids, the definitions met, a counter."""

    def __init__(
        self,
        msgspec: Any,
        references: Mapping[str, str] | None = None,
        known: Mapping[str, Collection[str]] | None = None,
        literals: Literals | None = None,
    ) -> None:
        self.msgspec = msgspec
        #: The collection (or kind of area) each reference (or area) path points into,
        #: and the ids (or codes) known there.
        self.references = references or {}
        self.known = known or {}
        self.literals = literals or Literals()
        self.definitions: dict[str, dict[str, Any]] = {}
        self.shared: dict[str, Any] = {}
        self.count = 0
        self.depth = 0
        #: Paths of strings left to :attr:`Decoder.check_after`.
        self.after: set[str] = set()

    def struct(
        self,
        fields: dict[str, Any],
        path: str,
        overrides: dict[str, tuple[Any, bool]] | None = None,
        **tag: Any,
    ) -> Any:
        """Return a struct type of model ``fields`` at ``path``.

        ``overrides`` gives some fields another type, and whether they are required.
        """
        msgspec = self.msgspec
        members = []
        for name, field in fields.items():
            key = field.get("validation_alias", name)
            schema = field["schema"]
            required = schema.get("type") != "default"
            inner = schema if required else schema["schema"]
            if overrides and name in overrides:
                typed, required = overrides[name]
            else:
                typed = _typed(inner, self, f"{path}.{key}")
            if required:
                members.append((name, typed, msgspec.field(name=key)))
            else:
                # As in a record view: an absent field reads None, whatever the model's default.
                members.append((name, typed | None, msgspec.field(default=None, name=key)))
        self.count += 1
        # The tag of a union's struct is read like any other field: a class attribute.
        namespace = {tag["tag_field"]: tag["tag"]} if tag else {}
        return msgspec.defstruct(
            f"Decoded{self.count}",
            members,
            namespace=namespace,
            forbid_unknown_fields=True,
            omit_defaults=True,
            kw_only=True,
            gc=False,
            **tag,
        )


def _typed(node: dict[str, Any], build: _Build, path: str) -> Any:
    # Long: one branch per kind of node of a mirror schema.
    msgspec = build.msgspec
    unknown = set(node) - _KNOWN_KEYS
    if unknown:
        raise TypeError(f"mirror keys the accelerated decoding does not check: {sorted(unknown)}")
    kind = node["type"]
    if kind == "definitions":
        for definition in node["definitions"]:
            build.definitions[definition["ref"]] = definition
        return _typed(node["schema"], build, path)
    if kind == "definition-ref":
        build.depth += 1
        if build.depth > 32:
            raise TypeError("a recursive definition")
        try:
            return _typed(build.definitions[node["schema_ref"]], build, path)
        finally:
            build.depth -= 1
    if kind == "model":
        return _typed(node["schema"], build, path)
    if kind == "model-fields":
        if node.get("extra_behavior") != "forbid":
            raise TypeError("a model that allows unknown fields")
        if path.endswith(".sdg_links[]"):
            if path not in build.shared:
                build.shared[path] = _sdg_link(node["fields"], build, path)
            return build.shared[path]
        if path.endswith(".sdg_links[].provenance"):
            if path not in build.shared:
                build.shared[path] = _provenance(node["fields"], build, path)
            return build.shared[path]
        return build.struct(node["fields"], path)
    if kind == "literal":
        expected = tuple(node["expected"])
        if not all(type(value) is str for value in expected):
            raise TypeError("a literal other than strings")
        return Literal[expected]
    if kind == "nullable":
        return _typed(node["schema"], build, path) | None
    meta: dict[str, Any] = {
        key: node[key]
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length")
        if key in node
    }
    pattern = node.get("pattern")
    target = build.references.get(path)
    if pattern is not None and not meta and target is not None and target in build.known:
        return build.literals.of(target, build.known[target], pattern)
    if pattern is not None:
        if kind != "str":
            raise TypeError("a pattern on a value other than a string")
        if pattern == _values.LANGUAGE_TAG_PATTERN:
            return Literal[tuple(tag for tag in _COMMON_TAGS if _LANGUAGE.fullmatch(tag))]
        checked_after = (pattern == _values.LOCAL_ID_PATTERN and path in _ID_PATHS) or (
            pattern == _values.PARTIAL_DATE_PATTERN and path in _DATE_PATHS
        )
        if checked_after and not meta:
            build.after.add(path)
            return str
        meta["pattern"] = _whole(pattern)
    base: Any
    if kind == "str":
        base = str
    elif kind == "int":
        base = int
    elif kind == "float":
        base = float
        # JSON may spell a number too large for a float; the general path rejects the
        # infinity it becomes, so this must too.
        if not {"le", "lt"} & set(meta):
            meta["le"] = _LARGEST
        if not {"ge", "gt"} & set(meta):
            meta["ge"] = -_LARGEST
    elif kind == "bool":
        base = bool
    elif kind == "list":
        base = list[_typed(node["items_schema"], build, f"{path}[]")]  # type: ignore[misc]
    elif kind == "dict":
        keys = _typed(node["keys_schema"], build, f"{path}{{}}")
        values = _typed(node["values_schema"], build, f"{path}{{}}")
        base = dict[keys, values]  # type: ignore[valid-type]
    else:
        raise TypeError(f"no struct for {kind}")
    return Annotated[base, msgspec.Meta(**meta)] if meta else base


def _sdg_link(fields: dict[str, Any], build: _Build, path: str) -> Any:
    """Return the union of 17 link structs, tagged by goal, each taking its own targets."""
    rest = dict(fields)
    goal = rest.pop("goal", {}).get("schema", {})
    target = rest.get("target", {}).get("schema", {})
    if (
        goal != {"type": "int", "strict": True, "ge": 1, "le": 17}
        or target.get("type") != "default"
    ):
        raise TypeError("an SDG link of another shape")
    variants = []
    for number in range(1, 18):
        targets = tuple(code for code, of in _GOAL_OF.items() if of == number)
        overrides = {"target": (Literal[targets] | None, False)}
        variants.append(build.struct(rest, path, overrides, tag_field="goal", tag=number))
    return Union[tuple(variants)]  # noqa: UP007 - a union built at run time


def _provenance(fields: dict[str, Any], build: _Build, path: str) -> Any:
    """Return the union of provenance structs, tagged by method; a suggestion names its tool."""
    rest = dict(fields)
    method = rest.pop("method", {}).get("schema", {})
    methods = method.get("expected", ())
    if method.get("type") != "literal" or _SUGGESTED not in methods:
        raise TypeError("a provenance of another shape")
    variants = []
    for value in methods:
        overrides: dict[str, tuple[Any, bool]] = {}
        if value == _SUGGESTED:
            for name in SUGGESTION_NEEDS:
                inner = rest[name]["schema"]
                if inner.get("type") != "default" or inner["schema"].get("type") != "nullable":
                    raise TypeError("a provenance of another shape")
                typed = _typed(inner["schema"]["schema"], build, f"{path}.{name}")
                overrides[name] = (typed, True)
        variants.append(build.struct(rest, path, overrides, tag_field="method", tag=value))
    return Union[tuple(variants)]  # noqa: UP007 - a union built at run time


@lru_cache(maxsize=65_536)
def _date_ok(value: str) -> bool:
    # Dates repeat a great deal across records: match each once.
    return _DATE.search(value) is not None


def _period_ok(found: Any) -> bool:
    return found is None or (_date_ok(found.start) and (found.end is None or _date_ok(found.end)))


def _after(paths: set[str]) -> Callable[[Any], bool]:
    """Return the check of the strings left unchecked at ``paths``: ids and period dates."""
    left = paths - _ID_PATHS - _DATE_PATHS
    if left:
        raise TypeError(f"strings left unchecked at {sorted(left)}")
    search = _LOCAL_ID.search
    period = ".period.start" in paths
    participants = ".participants[].period.start" in paths

    def check(record: Any) -> bool:
        if search(record.id) is None:
            return False
        if period and not _period_ok(record.period):
            return False
        if participants:
            for participant in record.participants:
                if participant.period is not None and not _period_ok(participant.period):
                    return False
        return True

    return check


@dataclass(frozen=True)
class Decoder:
    """The accelerated decoding of the records of one collection.

    ``decode`` reads one line into a struct, raising ``ValueError`` on any record whose
    shape it cannot vouch for; ``check_after`` says whether a decoded record's ids and
    dates have their patterns (the ids of a batch are better matched together, with
    :func:`well_formed_ids`); ``encode`` writes structs back, for :func:`keys_given_once`.
    """

    decode: Callable[[bytes], Any]
    check_after: Callable[[Any], bool]
    encode: Callable[[Any], bytes]
    only_ids_after: bool


def decoder(
    collection: str,
    known: Mapping[str, Collection[str]] | None = None,
    literals: Literals | None = None,
) -> Decoder | None:
    """Return the accelerated decoding of ``collection``, or ``None`` without msgspec.

    ``known`` holds the ids of the collections already read, by collection, and the codes
    of the profile's areas by kind (``"focus"``, ``"thematic"``): a reference into one of
    those collections decodes only as one of its ids, an area only as one of the codes.
    Give the decoders of one check the same ``literals``, which keeps each decoder (tens
    of milliseconds to make).
    """
    try:
        import msgspec
    except ImportError:
        return None
    literals = literals or Literals()
    known = known or {}
    references = {
        f".{path}": path.collection
        for path in COLLECTION_REFERENCES[collection]
        if not path.mixed and path.collection in known
    }
    references.update(
        (f".{path}", kind) for path, kind in COLLECTION_AREAS[collection] if kind in known
    )
    key = (collection, tuple(sorted(set(references.values()))))  # what it takes literally
    if key in literals.decoders:
        return literals.decoders[key]
    build = _Build(msgspec, references, known, literals)
    try:
        struct = _typed(mirror_schema(COLLECTIONS[collection]), build, "")
        check_after = _after(build.after)
    except TypeError:  # an id of no collection, or a shape this cannot check
        found = None
    else:
        found = Decoder(
            msgspec.json.Decoder(struct).decode,
            check_after,
            msgspec.json.Encoder().encode,
            build.after == {".id"},
        )
    literals.decoders[key] = found
    return found


def well_formed_ids(ids: list[str]) -> list[bool] | None:
    """Return ``None`` when every id of ``ids`` is well formed, else which ones are."""
    if not ids or _IDS.match("\n".join(ids) + "\n"):
        return None
    return [_LOCAL_ID.search(value) is not None for value in ids]


def keys_given_once(encode: Callable[[Any], bytes], lines: Sequence[bytes], records: Any) -> bool:
    r"""Return whether no object of the decoded ``lines`` gives a key twice (a proof, or no).

    msgspec keeps the last of two members with one key; written back, each key is
    there once.  So a line that is its record written back (compact, the fields in the
    models' order, as this library and most tools write them) gives no key twice: one
    comparison of bytes proves it.  Otherwise the quotes are counted: a record written
    back holds the same strings as its line, escapes aside, so when no line has a
    ``\u`` escape, each line has as many quotes as its record written back unless a
    member was dropped, and a key given twice drops one.  ``False`` means "not proven"
    (a key given twice, a ``\u`` escape, or a ``null`` given for a field): check the
    lines on the general path.  ``records`` is one record for one line, or a list of
    them for the lines.
    """
    if len(lines) == 1:
        (line,) = lines
        written = encode(records)
        if written == line:
            return True
        if b"\\" in line and b"\\u" in line:
            return False
        return line.count(b'"') == written.count(b'"')
    written = encode(records)  # "[record,record,...]"
    if (
        len(written) == sum(map(len, lines)) + len(lines) + 1
        and written == b"[" + b",".join(lines) + b"]"
    ):
        return True
    text = b"\n".join(lines)  # one pass over a chunk, not a Python frame per line
    if b"\\" in text and b"\\u" in text:
        return False
    return _quotes(text) == _quotes(written)


def _quotes(data: bytes) -> int:
    """Return the number of quote characters in ``data``."""
    return data.count(b'"')

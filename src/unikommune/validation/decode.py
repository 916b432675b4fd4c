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
* a text is taken as any string of its length; whether a text holds a control character
  is told from the bytes of a chunk at once (:func:`texts_clean`), since a control
  character in a JSON string is an escape or one of a few bytes;
* ids, references, areas and the dates of periods are decoded as strings and their
  patterns left to :meth:`Decoder.vouch`, which takes a batch at once: the ids of a
  batch are matched by one regular expression, a reference that names a well-formed
  id already read (an area one of the profile's codes) has its pattern by that alone,
  and dates are worked out once each (the rules still check every reference and area);
* a key given twice in one object, which msgspec reads as the last, is found by
  :func:`keys_given_once`.

``tests/test_validate_decode.py`` holds the two paths to the same findings.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Annotated, Any, Literal, NamedTuple, Union

from unikommune.codelists import SDG_TARGETS, SdgProvenance, sdg_goal_of
from unikommune.dataset.mirror import mirror_schema, union_choices
from unikommune.dataset.partial import well_formed_ids
from unikommune.dates import EDTF_PERIOD_END_PATTERN
from unikommune.models import COLLECTIONS
from unikommune.models import values as _values
from unikommune.models.paths import FieldPath, Reference
from unikommune.models.paths import areas as _areas
from unikommune.models.paths import references as _references
from unikommune.models.sdg import SUGGESTION_NEEDS

__all__ = [
    "Decoder",
    "Known",
    "Text",
    "Vouched",
    "decoder",
    "keys_given_once",
    "texts_clean",
]

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
        "default", "default_factory", "choices",
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
        ".timeframe.start",
        ".timeframe.end",
    }
)
_LOCAL_ID = re.compile(f"(?a)\\A(?:{_values.LOCAL_ID_PATTERN})\\Z")
_DATE = re.compile(f"(?a)\\A(?:{EDTF_PERIOD_END_PATTERN})\\Z")
_CODE = re.compile(f"(?a)\\A(?:{_values.PROFILE_CODE_PATTERN})\\Z")
#: The kinds of area (see :class:`~unikommune.models.values.AreaOf`), as :class:`Known` names them.
_AREA_KINDS = frozenset({"focus", "thematic"})
_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SUGGESTED = SdgProvenance.SUGGESTED.value
#: The references of each collection's records, from the models' declarations.
COLLECTION_REFERENCES = {name: _references(model) for name, model in COLLECTIONS.items()}
#: The areas of each collection's records, with their kind.
COLLECTION_AREAS = {name: _areas(model) for name, model in COLLECTIONS.items()}


def _whole(pattern: str) -> str:
    """Return ``pattern`` for ``re.search`` matching the whole string with ASCII classes only."""
    return f"(?a)\\A(?:{pattern})\\Z"


class Known:
    """What the references and areas of records may name, for :meth:`Decoder.vouch`.

    ``ids`` are the ids of each collection known so far (a check's
    :attr:`~unikommune.rules.Context.ids`, every one of the id pattern), ``done`` the
    collections read to their end, ``codes`` the profile's codes of each kind of area
    (``"focus"``, ``"thematic"``).  A reference (an area) found among them has its
    pattern without matching it.
    """

    def __init__(
        self,
        ids: Mapping[str, set[str]],
        done: Collection[str],
        codes: Mapping[str, Collection[str]],
    ) -> None:
        self.ids = ids
        self.done = frozenset(done)
        self.codes = {
            kind: frozenset(code for code in values if _CODE.search(code))
            for kind, values in codes.items()
        }


class Vouched(NamedTuple):
    """What :meth:`Decoder.vouch` found of a batch of records."""

    #: ``None`` when every record's strings have their patterns, else which do.
    well: list[bool] | None
    #: The reference paths into collections read to their end whose every id is known.
    resolved: frozenset[Reference]


class _Build:
    """What structs are built with: msgspec, known ids, the definitions met, a counter."""

    def __init__(self, msgspec: Any, vouched: Mapping[str, str]) -> None:
        self.msgspec = msgspec
        #: The paths of the strings whose patterns are left to :meth:`Decoder.vouch`:
        #: references and areas, with the collection or kind of area they name.
        self.vouched = vouched
        self.definitions: dict[str, dict[str, Any]] = {}
        self.shared: dict[str, Any] = {}
        self.count = 0
        self.depth = 0
        #: Paths of strings left to :meth:`Decoder.vouch`.
        self.after: set[str] = set()
        #: Whether texts are taken without their pattern, left to :func:`texts_clean`.
        self.texts = False

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
    if kind == "union":
        # A number or an estimate, a year or a year as known: msgspec tells them apart by
        # their JSON type, and refuses a union it cannot (raising TypeError).
        choices = union_choices(node)
        return Union[tuple(_typed(choice, build, path) for choice in choices)]  # noqa: UP007
    meta: dict[str, Any] = {
        key: node[key]
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length")
        if key in node
    }
    pattern = node.get("pattern")
    if pattern is not None and not meta and path in build.vouched:
        area = build.vouched[path] not in COLLECTIONS  # else a reference into a collection
        if pattern != (_values.PROFILE_CODE_PATTERN if area else _values.LOCAL_ID_PATTERN):
            raise TypeError(f"a reference or area of another pattern at {path}")
        build.after.add(path)
        return str
    if pattern is not None:
        if kind != "str":
            raise TypeError("a pattern on a value other than a string")
        if pattern == _values.LANGUAGE_TAG_PATTERN:
            return Literal[tuple(tag for tag in _COMMON_TAGS if _LANGUAGE.fullmatch(tag))]
        if pattern == _values.TEXT_PATTERN:
            # A text's control characters are found in the bytes of its chunk, at once: a
            # pattern matched against every text would double the cost of decoding.
            build.texts = True
            return Annotated[str, msgspec.Meta(**meta)] if meta else str
        checked_after = (pattern == _values.LOCAL_ID_PATTERN and path in _ID_PATHS) or (
            pattern == EDTF_PERIOD_END_PATTERN and path in _DATE_PATHS
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


@dataclass(frozen=True)
class Decoder:
    """The accelerated decoding of the records of one collection.

    ``decode`` reads one line into a struct, raising ``ValueError`` on any record whose
    shape it cannot vouch for without :meth:`vouch`; ``encode_lines`` writes structs
    back, one per line, for :func:`keys_given_once`.
    """

    decode: Callable[[bytes], Any]
    encode_lines: Callable[[Any], bytes]
    #: The paths of the references whose patterns are left to :meth:`vouch`.
    references: tuple[Reference, ...]
    #: The paths of the areas left to :meth:`vouch`, with their kind.
    areas: tuple[tuple[FieldPath, str], ...]
    #: The paths of periods whose dates are left to :meth:`vouch`.
    periods: tuple[FieldPath, ...]
    #: Whether texts are decoded without their pattern: lines must pass :func:`texts_clean`.
    texts: bool = False

    def vouch(self, records: Sequence[Any], known: Known) -> Vouched:
        """Say whether the strings left to this check have their patterns in ``records``.

        The strings are the records' ids, references, areas and period dates.  A
        reference among the ``known`` ids has the id pattern (every known id has it),
        which the rules' look-up would find again: the paths where every reference is
        known are handed on (:attr:`Vouched.resolved`).  The other strings of a batch
        are matched at once; only a batch with a string off its pattern is matched
        record by record.
        """
        resolved: list[Reference] = []
        if self._batch_ok(records, known, resolved):
            return Vouched(None, frozenset(resolved))
        return Vouched([self._one_ok(record, known) for record in records], frozenset())

    def _batch_ok(self, records: Sequence[Any], known: Known, resolved: list[Reference]) -> bool:
        ids = [record.id for record in records]
        for path in self.references:
            values = path.across(records)
            pool = known.ids.get(path.collection)
            if pool is not None and pool.issuperset(values):
                if path.collection in known.done:
                    resolved.append(path)
            else:
                ids += values
        if well_formed_ids(ids) is not None:
            return False
        for area, kind in self.areas:
            values = area.across(records)
            codes = known.codes.get(kind, frozenset())
            if not codes.issuperset(values) and not all(map(_CODE.search, values)):
                return False
        return all(map(_period_ok, (p for path in self.periods for p in path.across(records))))

    def _one_ok(self, record: Any, known: Known) -> bool:
        search = _LOCAL_ID.search
        if search(record.id) is None:
            return False
        for path in self.references:
            pool = known.ids.get(path.collection, ())
            if not all(value in pool or search(value) for value in path.plain(record)):
                return False
        for area, kind in self.areas:
            codes = known.codes.get(kind, frozenset())
            if not all(code in codes or _CODE.search(code) for code in area.plain(record)):
                return False
        return all(_period_ok(period) for path in self.periods for period in path.plain(record))


@cache
def decoder(collection: str) -> Decoder | None:
    """Return the accelerated decoding of ``collection``, or ``None`` without msgspec.

    Made once per collection (it takes tens of milliseconds) and shared by every check.
    """
    try:
        import msgspec
    except ImportError:
        return None
    references = {f".{path}": path for path in COLLECTION_REFERENCES[collection] if not path.mixed}
    areas = {f".{path}": (path, kind) for path, kind in COLLECTION_AREAS[collection]}
    vouched = {key: path.collection for key, path in references.items()}
    vouched.update((key, kind) for key, (_, kind) in areas.items())
    build = _Build(msgspec, vouched)
    try:
        struct = _typed(mirror_schema(COLLECTIONS[collection]), build, "")
        periods = _periods(build.after - set(vouched))
    except TypeError:  # a shape this cannot check
        return None
    return Decoder(
        msgspec.json.Decoder(struct).decode,
        msgspec.json.Encoder().encode_lines,
        tuple(references[key] for key in sorted(build.after) if key in references),
        tuple(areas[key] for key in sorted(build.after) if key in areas),
        periods,
        build.texts,
    )


def _periods(left: set[str]) -> tuple[FieldPath, ...]:
    """Return the paths of the periods whose dates are among the strings ``left``.

    Raises:
        TypeError: a string is left whose pattern nothing checks.
    """
    unchecked = left - _ID_PATHS - _DATE_PATHS
    if unchecked:
        raise TypeError(f"strings left unchecked at {sorted(unchecked)}")
    found = []
    for period in sorted({key.rsplit(".", 1)[0] for key in left & _DATE_PATHS}):
        found.append(FieldPath.written(period))
    return tuple(found)


#: What stands for a control character that a text may not hold (see
#: :data:`~unikommune.models.values.TEXT_PATTERN`) in the bytes of a JSON line: a ``\\u``
#: escape of one, or a ``\\b`` or ``\\f`` escape (an escaped backslash before ``b``
#: matches too, which only sends its line to the general path); or DEL, or a C1 control in
#: UTF-8.  Other control characters cannot stand raw in a JSON string.
_CONTROL_ESCAPE = re.compile(
    rb"\\(?:u00(?:0[0-8BCEFbcef]|1[0-9A-Fa-f]|7[Ff]|[89][0-9A-Fa-f])|[bf])"
)
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _holds_control(data: bytes, start: int = 0, end: int | None = None) -> bool:
    """Return whether ``data[start:end]`` (JSON text) may hold a control character in a string."""
    end = len(data) if end is None else end
    # Searches for single bytes first: most data has no backslash, DEL or C2 byte at all.
    return (
        data.find(b"\x7f", start, end) >= 0
        or (
            data.find(b"\\", start, end) >= 0
            and _CONTROL_ESCAPE.search(data, start, end) is not None
        )
        or (data.find(b"\xc2", start, end) >= 0 and _C1.search(data, start, end) is not None)
    )


def texts_clean(lines: Sequence[bytes], text: Text | None = None) -> list[bool] | None:
    r"""Return ``None`` when no line may hold a control character in a string, else which don't.

    ``text`` is the lines as they sit in the file (see :class:`Text`), searched without
    joining them first.

    >>> texts_clean([b'{"nb": "Tab\\tand\\nlines"}']) is None
    True
    >>> texts_clean([b'{"nb": "ok"}', b'{"nb": "bell\\u0007"}', b'{"nb": "\xc2\x96"}'])
    [True, False, False]
    """
    if text is not None:
        head, body, end = text
        # The first line may begin in the head: search across the seam, then the rest.
        seam = body.find(b"\n", 0, end) + 1
        held = _holds_control(head + body[:seam]) or _holds_control(body, seam, end)
    else:
        held = _holds_control(b"\n".join(lines))
    if not held:
        return None
    return [not _holds_control(line) for line in lines]


class Text(NamedTuple):
    """Lines as they sit in a file: ``head`` then ``body[:end]``, each line ending in a newline.

    A chunk of a file cut at newlines is its lines without copying them together.
    """

    head: bytes
    body: bytes
    end: int


def keys_given_once(
    encode_lines: Callable[[Any], bytes],
    lines: Sequence[bytes],
    records: Sequence[Any],
    text: Text | None = None,
) -> bool:
    r"""Return whether no object of the decoded ``lines`` gives a key twice (a proof, or no).

    msgspec keeps the last of two members with one key; written back, each key is
    there once.  So lines that are their records written back (compact, the fields in
    the models' order, as this library and most tools write them) give no key twice:
    one comparison of bytes proves it (with ``text``, the lines as they sit in the
    file, without joining them first).  Otherwise the quotes are counted: a record
    written back holds the same strings as its line, escapes aside, so when no line
    has a ``\u`` escape, each line has as many quotes as its record written back
    unless a member was dropped, and a key given twice drops one.  ``False`` means
    "not proven" (a key given twice, a ``\u`` escape, or a ``null`` given for a
    field): check the lines on the general path.
    """
    written = encode_lines(records)  # each record, then a newline
    if text is not None:
        head, body, end = text
        if (
            len(written) == len(head) + end
            and written.startswith(head)
            and written.startswith(memoryview(body)[:end], len(head))
        ):
            return True
    elif len(lines) == 1:
        if len(written) == len(lines[0]) + 1 and written.startswith(lines[0]):
            return True
    elif written == b"\n".join([*lines, b""]):
        return True
    joined = b"\n".join(lines)  # one pass over a chunk, not a Python frame per line
    if b"\\" in joined and b"\\u" in joined:
        return False
    return _quotes(joined) == _quotes(written)


def _quotes(data: bytes) -> int:
    """Return the number of quote characters in ``data``."""
    return data.count(b'"')

"""An optional accelerator for the bulk of a dataset: JSON Lines records, checked by msgspec.

When the optional ``msgspec`` package is installed, each JSON Lines record is
first decoded into a struct generated from its model's mirror (so from the
model: the same fields, codes, ranges, lengths and patterns), which is several
times cheaper than the general path.

Placements are most of the records of a national dataset, and flat: their ids,
references and language tags are checked here against the ids already read,
and a clean placement is done.  A project, thesis or learning activity is
checked here as the semantic checks would check it, against their own state
(ids, agreement periods, mission timeframes, identifiers seen, rules), and
recorded there if it gives no finding.  Every other record (partners, and any
record here in doubt) is turned back into the plain dict the mirror validator
would have returned, and goes to the same semantic checks as on the general
path.  Patterns are matched here in a form
that accepts no more than the general path does (ASCII classes, the whole
string), so a string the general path might reject is never passed.

Anything unusual (a decode error, a value of the wrong form, a reference that
does not resolve) sends the line down the general path, which finds and
explains every problem exactly; so this module can only make clean records
faster, never change a finding.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from unikommune import types
from unikommune.codelists import SDG_TARGETS, SdgProvenance, sdg_goal_of
from unikommune.identifiers import identifier_problem
from unikommune.models import COLLECTIONS, Placement
from unikommune.validation.mirror import mirror_schema
from unikommune.validation.semantic import Semantics

UNSET: Any
try:
    from msgspec import UNSET
except ImportError:  # pragma: no cover - the accelerator is then unused
    UNSET = None

__all__ = [
    "ACCELERATED",
    "placement_checker",
    "plain_learning_activity",
    "plain_placement",
    "plain_project",
    "plain_thesis",
    "record_checker",
    "record_decoder",
]

_LOCAL_ID = re.compile(types.LOCAL_ID_PATTERN)
_LANGUAGE = re.compile(types.LANGUAGE_TAG_PATTERN)


#: The keys of a mirror node that this module turns into a struct; any other key (a
#: constraint it does not know) makes the collection take the general path.
_KNOWN_KEYS = frozenset(
    {
        "type", "strict", "schema", "fields", "extra_behavior", "ref", "expected",
        "items_schema", "keys_schema", "values_schema", "schema_ref", "definitions",
        "ge", "le", "gt", "lt", "min_length", "max_length", "pattern",
    }
)  # fmt: skip
_LARGEST = sys.float_info.max
#: Language tags matched by a hash lookup instead of the pattern; a record with any other
#: tag takes the general path, which checks the pattern.
_COMMON_TAGS = ("nb", "nn", "en", "se", "sma", "smj", "sv", "da", "fi", "de", "fr", "es")


def _whole(pattern: str) -> str:
    """Return ``pattern`` for ``re.search`` matching the whole string with ASCII classes only."""
    return f"(?a)\\A(?:{pattern})\\Z"


class _Build:
    """What a struct is built with: msgspec, the schema's definitions, a counter for names."""

    def __init__(self, msgspec: Any, patterns: bool) -> None:
        self.msgspec = msgspec
        self.patterns = patterns
        self.definitions: dict[str, dict[str, Any]] = {}
        self.names: list[int] = []
        self.depth = 0


def _struct_type(node: dict[str, Any], msgspec: Any, names: list[int]) -> Any:
    build = _Build(msgspec, patterns=False)
    build.names = names
    return _typed(node, build)


def _typed(node: dict[str, Any], build: _Build) -> Any:
    msgspec = build.msgspec
    unknown = set(node) - _KNOWN_KEYS
    if unknown:
        raise TypeError(f"mirror keys the accelerator does not check: {sorted(unknown)}")
    kind = node["type"]
    if kind == "definitions":
        for definition in node["definitions"]:
            build.definitions[definition["ref"]] = definition
        return _typed(node["schema"], build)
    if kind == "definition-ref":
        build.depth += 1
        if build.depth > 32:
            raise TypeError("a recursive definition")
        try:
            return _typed(build.definitions[node["schema_ref"]], build)
        finally:
            build.depth -= 1
    if kind == "typed-dict":
        if node.get("extra_behavior") != "forbid":
            raise TypeError("a typed dict that allows unknown fields")
        names = build.names
        fields = []
        for name, field in node["fields"].items():
            typed = _typed(field["schema"], build)
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
        expected = tuple(node["expected"])
        if not all(type(value) is str for value in expected):
            raise TypeError("a literal other than strings")
        return Literal[expected]
    if kind == "nullable":
        return _typed(node["schema"], build) | None
    meta: dict[str, Any] = {
        key: node[key]
        for key in ("ge", "le", "gt", "lt", "min_length", "max_length")
        if key in node
    }
    pattern = node.get("pattern")
    if pattern is not None:
        if build.patterns and pattern == types.LANGUAGE_TAG_PATTERN and kind == "str":
            tags = tuple(tag for tag in _COMMON_TAGS if _LANGUAGE.fullmatch(tag))
            return Literal[tags]
        if build.patterns:
            meta["pattern"] = _whole(pattern)
        elif pattern not in {types.LOCAL_ID_PATTERN, types.LANGUAGE_TAG_PATTERN}:
            raise TypeError("a pattern the accelerator does not check itself")
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
        base = list[_typed(node["items_schema"], build)]  # type: ignore[misc]
    elif kind == "dict":
        keys = _typed(node["keys_schema"], build)
        values = _typed(node["values_schema"], build)
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


#: The collections (besides placements) whose lines the accelerator decodes: those where
#: it was measured faster than the general path's shape check.
ACCELERATED = frozenset({"partners", "projects", "theses", "learning_activities"})


@cache
def record_decoder(collection: str) -> Callable[[bytes], dict[str, Any]] | None:
    """Return a decoder of ``collection``'s lines into mirror dicts, or ``None`` if there is none.

    There is none without msgspec, and none for a collection not in :data:`ACCELERATED`.

    The decoder raises ``ValueError`` on any record the general path might not accept
    exactly as it is; otherwise it returns the plain dict the mirror validator returns
    for the same line (optional fields left out are absent, nulls kept).
    """
    checker = _struct_decoder(collection)
    if checker is None:
        return None
    decode, to_builtins = checker

    def check(line: bytes) -> dict[str, Any]:
        record: dict[str, Any] = to_builtins(decode(line))
        return record

    return check


Checker = Callable[[bytes, Semantics], "dict[str, Any] | None"]


@cache
def record_checker(collection: str) -> Checker | None:
    """Return a checker of ``collection``'s lines, or ``None`` if there is none.

    The checker raises ``ValueError`` as the decoder of :func:`record_decoder` does.  A
    project that gives no finding is checked and recorded at once (``None`` is returned);
    any other record is returned as the mirror dict, for the semantic checks.
    """
    checker = _struct_decoder(collection)
    if checker is None:
        return None
    decode, to_builtins = checker
    plain = _PLAIN.get(collection)
    if plain is not None:

        def check_plain(line: bytes, semantics: Semantics) -> dict[str, Any] | None:
            decoded = decode(line)
            if (
                semantics.is_done("partners")
                and semantics.is_done("agreements")
                and plain(decoded, semantics)
            ):
                return None
            record: dict[str, Any] = to_builtins(decoded)
            return record

        return check_plain

    def check(line: bytes, semantics: Semantics) -> dict[str, Any] | None:
        record: dict[str, Any] = to_builtins(decode(line))
        return record

    return check


@cache
def _struct_decoder(collection: str) -> tuple[Callable[[bytes], Any], Callable[[Any], Any]] | None:
    if collection not in ACCELERATED:
        return None
    try:
        import msgspec
    except ImportError:
        return None
    try:
        struct = _typed(mirror_schema(COLLECTIONS[collection]), _Build(msgspec, patterns=True))
    except TypeError:  # pragma: no cover - the model grew a shape this cannot check
        return None
    return msgspec.json.Decoder(struct).decode, msgspec.to_builtins


_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SUGGESTED = SdgProvenance.SUGGESTED.value


@lru_cache(maxsize=65_536)
def _date_bounds(value: str) -> tuple[dt.date, dt.date]:
    return types.date_bounds(value)


def _bounds(period: Any) -> tuple[dt.date, dt.date | None] | None:
    """Return a period's first and last days, as the semantic checks compute them."""
    if not period or not isinstance(period.start, str):
        return None
    try:
        first = _date_bounds(period.start)[0]
        end = period.end
        return first, (_date_bounds(end)[1] if end else None)
    except ValueError:  # pragma: no cover - the shape check has already passed
        return None


def _period_ok(period: Any) -> bool:
    bounds = _bounds(period)
    return not (bounds and bounds[1] is not None and bounds[1] < bounds[0])


def _plain_identifiers(items: Any) -> bool:
    return all(identifier_problem(item.scheme, item.value) is None for item in (items or ()))


def _given(value: Any) -> bool:
    return value is not None and value is not UNSET


def _plain_common(record: Any, collection: str, semantics: Semantics) -> bool:
    """Return whether a record is new and its unique lists, areas and SDG links are plain."""
    if record.id in semantics.ids[collection]:
        return False
    for field in semantics._unique_of[collection]:
        items = getattr(record, field)
        if items and len(items) != len(set(items)):
            return False
    focus = getattr(record, "focus_areas", None)
    if focus and not semantics._focus.issuperset(focus):
        return False
    thematic = getattr(record, "thematic_areas", None)
    if thematic and not semantics._thematic.issuperset(thematic):
        return False
    partners = semantics.ids["partners"]
    for link in getattr(record, "sdg_links", None) or ():
        target = link.target
        if _given(target) and _GOAL_OF.get(target) != link.goal:
            return False
        provenance = link.provenance
        if _given(provenance):
            if provenance.method == _SUGGESTED and not (
                _given(provenance.tool)
                and _given(provenance.tool_version)
                and _given(provenance.confidence)
            ):
                return False
            curator = provenance.curator
            if _given(curator) and curator not in partners:
                return False
    return True


def _plain_agreement(record: Any, bounds: Any, semantics: Semantics) -> bool:
    """Return whether a record's agreement resolves and shares a day with the record."""
    agreement = record.agreement
    if not _given(agreement):
        return True
    if agreement not in semantics.ids["agreements"]:
        return False
    span = semantics._agreement_periods.get(agreement)
    return not (
        span is not None
        and bounds is not None
        and (
            (span[1] is not None and bounds[0] > span[1])
            or (bounds[1] is not None and bounds[1] < span[0])
        )
    )


def _own_identifiers(record: Any, collection: str, semantics: Semantics) -> list[int] | None:
    """Return the keys of a record's identifiers first seen here, or ``None`` on a problem."""
    seen = semantics._seen_identifiers
    record_id = record.id
    new: list[int] = []
    for identifier in record.identifiers or ():
        scheme, value = identifier.scheme, identifier.value
        if identifier_problem(scheme, value) is not None:
            return None
        key = hash((collection, scheme, value))
        first = seen.get(key)
        if first is None:
            new.append(key)
        elif first != record_id:
            return None
    return new


def _keep(record: Any, collection: str, new: list[int], semantics: Semantics) -> bool:
    semantics.ids[collection].add(record.id)
    seen = semantics._seen_identifiers
    for key in new:
        seen.setdefault(key, record.id)
    return True


def plain_project(project: Any, semantics: Semantics) -> bool:
    """Check a decoded project as the semantic checks would; on no finding, record it.

    Return ``False``, having changed nothing, for a project that might give any finding
    (a repeat, a reference that does not resolve, a period out of order or outside its
    mission or agreement, an unknown area, an SDG target of another goal, an incomplete
    suggestion, an identifier that fails its checks or names another project, a missing
    required SDG link); the semantic checks then see it, and explain every problem.
    Partners and agreements must have been read in full.
    """
    partners = semantics.ids["partners"]
    if not _plain_common(project, "projects", semantics):
        return False
    participants = project.participants
    if not partners.issuperset([participant.partner for participant in participants]):
        return False
    for participant in participants:
        if participant.period and not _period_ok(participant.period):
            return False
    for funding in project.funding or ():
        funder = funding.funder
        if not _given(funder):
            if not _given(funding.funder_name):
                return False
        elif funder not in partners:
            return False
        if not _plain_identifiers(funding.identifiers):
            return False
    bounds = _bounds(project.period)
    if bounds and bounds[1] is not None and bounds[1] < bounds[0]:
        return False
    mission = semantics._mission_of_project.get(project.id)
    if mission is not None and bounds is not None:
        outer = mission[1]
        last = bounds[1] if bounds[1] is not None else bounds[0]
        if bounds[0] < outer[0] or (outer[1] is not None and last > outer[1]):
            return False
    if not _plain_agreement(project, bounds, semantics):
        return False
    if not project.sdg_links and semantics._required_sdg.get("project") is not None:
        return False
    new = _own_identifiers(project, "projects", semantics)
    return new is not None and _keep(project, "projects", new, semantics)


def plain_thesis(thesis: Any, semantics: Semantics) -> bool:
    """Check a decoded thesis as the semantic checks would; on no finding, record it.

    As :func:`plain_project`: ``False``, having changed nothing, on any doubt.
    """
    partners = semantics.ids["partners"]
    if not _plain_common(thesis, "theses", semantics):
        return False
    if thesis.institution not in partners:
        return False
    if _given(thesis.host) and thesis.host not in partners:
        return False
    supervising = thesis.supervising_partners
    if supervising and not partners.issuperset(supervising):
        return False
    if _given(thesis.agreement) and thesis.agreement not in semantics.ids["agreements"]:
        return False
    if not thesis.sdg_links and semantics._required_sdg.get("thesis") is not None:
        return False
    new = _own_identifiers(thesis, "theses", semantics)
    return new is not None and _keep(thesis, "theses", new, semantics)


def plain_learning_activity(activity: Any, semantics: Semantics) -> bool:
    """Check a decoded learning activity as the semantic checks would; on no finding, record it.

    As :func:`plain_project`: ``False``, having changed nothing, on any doubt.
    """
    partners = semantics.ids["partners"]
    if not _plain_common(activity, "learning_activities", semantics):
        return False
    if not partners.issuperset(activity.organisers):
        return False
    counts = activity.participants
    if counts and not partners.issuperset([count.partner for count in counts]):
        return False
    bounds = _bounds(activity.period)
    if bounds and bounds[1] is not None and bounds[1] < bounds[0]:
        return False
    if not _plain_agreement(activity, bounds, semantics):
        return False
    if not activity.sdg_links and semantics._required_sdg.get("learning-activity") is not None:
        return False
    return _keep(activity, "learning_activities", [], semantics)


_PLAIN: dict[str, Callable[[Any, Semantics], bool]] = {
    "projects": plain_project,
    "theses": plain_thesis,
    "learning_activities": plain_learning_activity,
}

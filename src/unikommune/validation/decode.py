"""An optional accelerator for the bulk of a dataset: JSON Lines records checked by msgspec.

When the optional ``msgspec`` package is installed, the records of a JSON Lines
collection are decoded into structs generated from the model's mirror (so from
the model: the same fields, codes, ranges, lengths and patterns), built for the
dataset at hand once the collections they refer to have been read:

* a reference to a collection already read accepts exactly the well-formed ids
  of that collection (a literal), so a reference that resolves is checked in C;
* a focus or thematic area accepts exactly the codes of the profile;
* an SDG link is one of 17 structs, tagged by its goal, whose target accepts
  exactly the targets of that goal; its provenance is tagged by its method, and
  a suggested link must name its tool, the tool's version and a confidence;
* a language tag is one of the common tags.

Each of these accepts a subset of what the general path accepts with no
finding.  What is left (ids well formed and new, the dates of periods, periods
in order and within their mission or agreement, check digits, identifiers seen
before, the agreements' rules) is checked here in Python, as the semantic
checks would check it.  A record that passes all of it is done; anything else
(a decode error, an uncommon language tag, a reference that does not resolve)
goes down the general path, which finds and explains every problem exactly.
So this module can only make clean records faster, never change a finding
(``tests/test_validate_fast.py`` compares the two paths).

Partners, agreements and missions refer to collections still to come: they are
only decoded here, into the plain dicts the general path would hand on, and go
to the semantic checks.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Annotated, Any, Literal, NewType, Union

from unikommune import types
from unikommune.codelists import SDG_TARGETS, IdentifierScheme, SdgProvenance, sdg_goal_of
from unikommune.identifiers import identifier_test
from unikommune.models import COLLECTIONS
from unikommune.validation.mirror import mirror_schema
from unikommune.validation.semantic import Semantics, date_bounds, shares_no_day

UNSET: Any
try:
    from msgspec import UNSET
except ImportError:  # pragma: no cover - the accelerator is then unused
    UNSET = None

__all__ = ["REFERENCES", "Checker", "Literals", "checker", "well_formed_ids"]

_LANGUAGE = re.compile(types.LANGUAGE_TAG_PATTERN)

#: The reference fields a struct checks against the ids already read: for each accelerated
#: collection, the JSON path of each field and the collection it refers to.  Every
#: reference of the collections whose records are done here is listed (a struct with a
#: reference left out cannot be built).  Partners, agreements and missions are only
#: decoded here: they refer to collections still to come, and go on to the semantic checks.
REFERENCES: Mapping[str, Mapping[str, str]] = {
    "partners": {},
    "agreements": {},
    "missions": {},
    "projects": {
        ".participants[].partner": "partners",
        ".funding[].funder": "partners",
        ".agreement": "agreements",
        ".sdg_links[].provenance.curator": "partners",
    },
    "placements": {
        ".institution": "partners",
        ".host": "partners",
        ".agreement": "agreements",
    },
    "theses": {
        ".institution": "partners",
        ".host": "partners",
        ".supervising_partners[]": "partners",
        ".agreement": "agreements",
        ".sdg_links[].provenance.curator": "partners",
    },
    "learning_activities": {
        ".organisers[]": "partners",
        ".participants[].partner": "partners",
        ".agreement": "agreements",
        ".sdg_links[].provenance.curator": "partners",
    },
}
_AREAS = {".focus_areas[]": "focus", ".thematic_areas[]": "thematic"}

#: The keys of a mirror node that this module turns into a struct; any other key (a
#: constraint it does not know) leaves the collection to the general path.
_KNOWN_KEYS = frozenset(
    {
        "type", "strict", "schema", "fields", "extra_behavior", "ref", "expected",
        "items_schema", "keys_schema", "values_schema", "schema_ref", "definitions",
        "ge", "le", "gt", "lt", "min_length", "max_length", "pattern",
    }
)  # fmt: skip
_LARGEST = sys.float_info.max
#: Language tags accepted by a lookup instead of the pattern; a record with any other tag
#: takes the general path, which checks the pattern.
_COMMON_TAGS = ("nb", "nn", "en", "se", "sma", "smj", "sv", "da", "fi", "de", "fr", "es")
#: Strings left unchecked by the structs (where records are done here) and checked after
#: decoding instead, by pattern: ids (one match for the ids of a whole chunk, see
#: :func:`well_formed_ids`), and the dates of periods (parsed, see :func:`_span`).
_CHECKED_AFTER = {
    types.LOCAL_ID_PATTERN: frozenset({".id"}),
    types.PARTIAL_DATE_PATTERN: frozenset(
        {
            ".period.start",
            ".period.end",
            ".participants[].period.start",
            ".participants[].period.end",
        }
    ),
}
#: Ids one per line, each followed by a newline: the ids of a chunk at once.
_IDS = re.compile(f"(?a)(?:{types.LOCAL_ID_PATTERN[1:-1]}\n)*\\Z")
_LOCAL_ID = re.compile(f"(?a)\\A(?:{types.LOCAL_ID_PATTERN})\\Z")
_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SUGGESTED = SdgProvenance.SUGGESTED.value


def _whole(pattern: str) -> str:
    """Return ``pattern`` for ``re.search`` matching the whole string with ASCII classes only."""
    return f"(?a)\\A(?:{pattern})\\Z"


class Literals:
    """The literal types of one run: each set of ids or codes made into a type once.

    ``typing`` walks every value of a literal each time it hashes one, and msgspec hashes
    each literal of each struct it is given, so the types are made once per run and put
    behind a new type, which ``typing`` leaves alone and msgspec sees through.
    """

    def __init__(self) -> None:
        self._types: dict[tuple[str, str | None], Any] = {}
        #: Other types (and decoders) made once per run, by what they are made for.
        self.shared: dict[tuple[str, Any], Any] = {}

    def of(self, name: str, values: Collection[str], pattern: str | None) -> Any:
        """Return the type of exactly those ``values`` (named ``name``) that ``pattern`` takes.

        Raises:
            TypeError: no value is left.
        """
        if (name, pattern) not in self._types:
            chosen = sorted(values)
            if pattern is not None:  # keep the values the pattern accepts, as the general path
                whole = re.compile(_whole(pattern))
                chosen = [value for value in chosen if whole.search(value)]
            if not chosen:
                raise TypeError(f"no value of {name} to accept")
            literal: Any = Literal[tuple(chosen)]
            self._types[(name, pattern)] = NewType("OneOf", literal)
        return self._types[(name, pattern)]


class _Build:
    """What a struct is built with: msgspec, the literals by path, a counter for names."""

    def __init__(
        self,
        msgspec: Any,
        literals: Mapping[str, tuple[str, Collection[str]]],
        resolves: bool,
        types: Literals,
    ) -> None:
        self.msgspec = msgspec
        self.literals = dict(literals)
        self.types = types
        #: Whether every reference must be a literal (the records are then done here).
        self.resolves = resolves
        self.definitions: dict[str, dict[str, Any]] = {}
        self.shared: dict[str, Any] = {}
        self.count = 0
        self.depth = 0

    def struct(
        self, fields: Mapping[str, Any], path: str, overrides: Mapping[str, Any] = {}, **tag: Any
    ) -> Any:
        """Return a struct type of typed-dict ``fields`` at ``path``.

        ``overrides`` replaces the type of some fields (by field name).
        """
        msgspec = self.msgspec
        members = []
        for name, field in fields.items():
            key = field.get("validation_alias", name)
            typed = overrides.get(name) or _typed(field["schema"], self, f"{path}.{key}")
            if field["required"] or name in overrides:
                members.append((name, typed, msgspec.field(name=key)))
            else:
                default = msgspec.field(default=msgspec.UNSET, name=key)
                members.append((name, typed | msgspec.UnsetType, default))
        self.count += 1
        return msgspec.defstruct(
            f"Mirror{self.count}",
            members,
            forbid_unknown_fields=True,
            kw_only=True,
            gc=False,
            **tag,
        )


def _typed(node: dict[str, Any], build: _Build, path: str) -> Any:
    msgspec = build.msgspec
    unknown = set(node) - _KNOWN_KEYS
    if unknown:
        raise TypeError(f"mirror keys the accelerator does not check: {sorted(unknown)}")
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
    if kind == "typed-dict":
        if node.get("extra_behavior") != "forbid":
            raise TypeError("a typed dict that allows unknown fields")
        if path.endswith(".sdg_links[]"):
            # The same in every collection of a run (and the provenance the same for the 17
            # goals): built once, since msgspec hashes every literal of every struct it is
            # given, and typing hashes a literal value by value.
            key = (path, build.resolves)
            if key not in build.types.shared:
                build.types.shared[key] = _sdg_link(node["fields"], build, path)
            return build.types.shared[key]
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
    if kind == "str" and path in build.literals:
        if meta:
            raise TypeError(f"{path}: a literal in place of another constraint")
        return build.types.of(*build.literals[path], pattern)
    if pattern is not None:
        if kind != "str":
            raise TypeError("a pattern on a value other than a string")
        if pattern == types.LANGUAGE_TAG_PATTERN:
            return Literal[tuple(tag for tag in _COMMON_TAGS if _LANGUAGE.fullmatch(tag))]
        if build.resolves and not meta and path in _CHECKED_AFTER.get(pattern, ()):
            return str  # checked after decoding, with the other records of the chunk
        if pattern == types.LOCAL_ID_PATTERN and build.resolves:
            raise TypeError(f"{path}: a reference the accelerator does not resolve")
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


def _sdg_link(fields: Mapping[str, Any], build: _Build, path: str) -> Any:
    """Return the union of 17 link structs, tagged by goal, each taking its own targets."""
    rest = dict(fields)
    goal = rest.pop("goal", {}).get("schema", {})
    if goal != {"type": "int", "strict": True, "ge": 1, "le": 17} or "target" not in rest:
        raise TypeError("an SDG link of another shape")
    variants = []
    for number in range(1, 18):
        targets = [target for target, of in _GOAL_OF.items() if of == number]
        build.literals[f"{path}.target"] = (f"targets of goal {number}", targets)
        variants.append(build.struct(rest, path, tag_field="goal", tag=number))
    del build.literals[f"{path}.target"]
    return Union[tuple(variants)]  # noqa: UP007 - a union built at run time


def _provenance(fields: Mapping[str, Any], build: _Build, path: str) -> Any:
    """Return the union of provenance structs, tagged by method; a suggestion names its tool."""
    rest = dict(fields)
    method = rest.pop("method", {}).get("schema", {})
    methods = method.get("expected", ())
    needed = ("tool", "tool_version", "confidence")
    if method.get("type") != "literal" or _SUGGESTED not in methods:
        raise TypeError("a provenance of another shape")
    variants = []
    for value in methods:
        overrides = {}
        if value == _SUGGESTED:
            for name in needed:
                inner = rest[name]["schema"]
                if inner.get("type") != "nullable":
                    raise TypeError("a provenance of another shape")
                overrides[name] = _typed(inner["schema"], build, f"{path}.{name}")
        variants.append(build.struct(rest, path, overrides, tag_field="method", tag=value))
    return Union[tuple(variants)]  # noqa: UP007 - a union built at run time


# -- the checks left after decoding ---------------------------------------------------------


@lru_cache(maxsize=65_536)
def _period_span(start: str, end: str | None) -> tuple[dt.date, dt.date | None]:
    # Periods repeat a great deal across records (years, months): work each out once.
    first = date_bounds(start)[0]
    if end is None:
        return first, None
    last = date_bounds(end)[1]
    if last < first:
        raise ValueError("the period ends before it starts")
    return first, last


def _span(period: Any) -> tuple[dt.date, dt.date | None] | None:
    """Return a period's first and last days, as the semantic checks compute them.

    Raises:
        ValueError: a date is not a year, a year-month or a calendar date, or the period
            ends before it starts.
    """
    if not period:
        return None
    end = period.end
    return _period_span(period.start, None if end is UNSET else end)


def well_formed_ids(ids: list[str]) -> list[bool] | None:
    """Return ``None`` when every id of ``ids`` is well formed, else which ones are."""
    if not ids or _IDS.match("\n".join(ids) + "\n"):
        return None
    return [_LOCAL_ID.search(value) is not None for value in ids]


def _repeats(items: Any) -> bool:
    """Return whether a list (or UNSET, or None) names an item twice."""
    return bool(items) and len(items) != len(set(items))


#: A check of a decoded record and its line number, bound to the dataset being checked:
#: ``True`` when the record gives no finding (it is then recorded), ``False`` having changed
#: nothing otherwise.
Plain = Callable[[Any, int], bool]


#: A quick test of an identifier's value, by scheme (check digits included).
_VALID_IDENTIFIER = {scheme.value: identifier_test(scheme) for scheme in IdentifierScheme}
_PERIOD = attrgetter("period")


def _keeper(semantics: Semantics, collection: str) -> Callable[[Any], bool]:
    """Return a check of a record's identifiers that, when they give no finding, records it."""
    ids = semantics.ids[collection]
    seen = semantics._seen_identifiers
    valid = _VALID_IDENTIFIER

    def keep(record: Any) -> bool:
        record_id = record.id
        if record.identifiers:
            new: list[int] = []
            for identifier in record.identifiers:
                scheme, value = identifier.scheme, identifier.value
                if not valid[scheme](value):
                    return False
                key = hash((collection, scheme, value))
                first = seen.get(key)
                if first is None:
                    new.append(key)
                elif first != record_id:
                    return False
            for key in new:
                seen.setdefault(key, record_id)
        ids.add(record_id)
        return True

    return keep


def _partner_check(semantics: Semantics, file: str | None) -> Plain:
    ids = semantics.ids["partners"]
    keep = _keeper(semantics, "partners")

    def check(partner: Any, number: int) -> bool:
        # The id's pattern is checked while decoding: partners refer to partners, so the
        # struct resolves no reference and keeps every pattern.
        if partner.id in ids or not keep(partner):
            return False
        if partner.parent:
            semantics.parent(partner.id, partner.parent, (file, "", number))
        return True

    return check


def _placement_check(semantics: Semantics, file: str | None) -> Plain:
    own = semantics.ids["placements"]
    add = own.add
    well_formed = _LOCAL_ID.search

    def check(placement: Any, number: int) -> bool:
        record_id = placement.id
        key = hash(record_id)
        if key in own or well_formed(record_id) is None:
            return False
        add(key)
        return True

    return check


def _project_check(semantics: Semantics, file: str | None) -> Plain:
    ids = semantics.ids["projects"]
    missions = semantics._mission_of_project
    spans = semantics._agreement_periods
    required = "project" in semantics._required_sdg
    keep = _keeper(semantics, "projects")
    well_formed = _LOCAL_ID.search
    valid = _VALID_IDENTIFIER

    def check(project: Any, number: int) -> bool:
        record_id = project.id
        if (
            record_id in ids
            or well_formed(record_id) is None
            or _repeats(project.kinds)
            or _repeats(project.focus_areas)
            or _repeats(project.thematic_areas)
            or (required and not project.sdg_links)
        ):
            return False
        try:
            if any(map(_PERIOD, project.participants)):
                for participant in project.participants:
                    _span(participant.period)
            bounds = _span(project.period)
        except ValueError:
            return False
        for funding in project.funding or ():
            # A funder is an id, a funder name a language map: neither is ever empty.
            if not funding.funder and not funding.funder_name:
                return False
            for identifier in funding.identifiers or ():
                if not valid[identifier.scheme](identifier.value):
                    return False
        mission = missions.get(record_id)
        if mission is not None and bounds is not None:
            outer = mission[1]
            last = bounds[1] if bounds[1] is not None else bounds[0]
            if bounds[0] < outer[0] or (outer[1] is not None and last > outer[1]):
                return False
        agreement = project.agreement
        if agreement and shares_no_day(bounds, spans.get(agreement)):
            return False
        return keep(project)

    return check


def _thesis_check(semantics: Semantics, file: str | None) -> Plain:
    ids = semantics.ids["theses"]
    required = "thesis" in semantics._required_sdg
    keep = _keeper(semantics, "theses")
    well_formed = _LOCAL_ID.search

    def check(thesis: Any, number: int) -> bool:
        record_id = thesis.id
        if (
            record_id in ids
            or well_formed(record_id) is None
            or _repeats(thesis.supervising_partners)
            or _repeats(thesis.thematic_areas)
            or (required and not thesis.sdg_links)
        ):
            return False
        return keep(thesis)

    return check


def _learning_activity_check(semantics: Semantics, file: str | None) -> Plain:
    ids = semantics.ids["learning_activities"]
    spans = semantics._agreement_periods
    required = "learning-activity" in semantics._required_sdg
    well_formed = _LOCAL_ID.search

    def check(activity: Any, number: int) -> bool:
        record_id = activity.id
        if (
            record_id in ids
            or well_formed(record_id) is None
            or _repeats(activity.organisers)
            or _repeats(activity.audiences)
            or _repeats(activity.focus_areas)
            or _repeats(activity.thematic_areas)
            or (required and not activity.sdg_links)
        ):
            return False
        try:
            bounds = _span(activity.period)
        except ValueError:
            return False
        agreement = activity.agreement
        if agreement and shares_no_day(bounds, spans.get(agreement)):
            return False
        ids.add(record_id)
        return True

    return check


#: The checks left for the records of each collection after decoding, the lists each
#: checks for repeats (a collection whose model has other unique lists is not
#: accelerated), and whether its struct resolves its references.
_PLAIN: dict[str, tuple[Callable[[Semantics, str | None], Plain], tuple[str, ...], bool]] = {
    "partners": (_partner_check, (), False),
    "placements": (_placement_check, (), True),
    "projects": (_project_check, ("kinds", "focus_areas", "thematic_areas"), True),
    "theses": (_thesis_check, ("supervising_partners", "thematic_areas"), True),
    "learning_activities": (
        _learning_activity_check,
        ("organisers", "audiences", "focus_areas", "thematic_areas"),
        True,
    ),
}


@dataclass(frozen=True)
class Checker:
    """The accelerator of one collection of one dataset.

    ``decode`` decodes one line into a struct, raising
    ``ValueError`` on any record that might give a finding in its shape or references.
    ``plain`` checks a decoded record as the semantic checks would and records it when it
    gives no finding, else returns ``False`` having changed nothing; when it is ``None``,
    ``to_builtins`` turns the record into the mirror dict for the semantic checks.
    """

    decode: Callable[[bytes], Any]
    plain: Plain | None
    to_builtins: Callable[[Any], Any]


def checker(
    collection: str,
    semantics: Semantics,
    types: Literals | None = None,
    file: str | None = None,
) -> Checker | None:
    """Return the accelerator of ``collection`` for the dataset being checked, if there is one.

    There is none without msgspec, for a collection not in :data:`REFERENCES`, before the
    collections it refers to have been read, or when one of them has no well-formed id.
    Give the accelerators of one run the same ``types``, which keeps the decoder of each
    collection (so the parts of a file share one); ``file`` is the file the records come
    from, which findings found later name.
    """
    references = REFERENCES.get(collection)
    if references is None:
        return None
    try:
        import msgspec
    except ImportError:
        return None
    literals: dict[str, tuple[str, Collection[str]]] = {}
    for path, target in references.items():
        if not semantics.is_done(target):
            return None
        literals[path] = (target, semantics.ids[target])
    for path, kind in _AREAS.items():
        literals[path] = (kind, semantics._focus if kind == "focus" else semantics._thematic)
    bind, unique, resolves = _PLAIN.get(collection, (None, (), False))
    if bind is not None and unique != semantics._unique_of[collection]:
        return None  # pragma: no cover - the model has other unique lists now
    types = types or Literals()
    # The parts of a file are checked with one decoder: what it accepts is the same.
    key = ("decoder", collection)
    if key not in types.shared:
        build = _Build(msgspec, literals, resolves, types)
        try:
            struct = _typed(mirror_schema(COLLECTIONS[collection]), build, "")
        except TypeError:  # pragma: no cover - the model grew a shape this cannot check
            types.shared[key] = None
        else:
            types.shared[key] = msgspec.json.Decoder(struct).decode
    decode = types.shared[key]
    if decode is None:  # pragma: no cover - as above
        return None
    plain = None if bind is None else bind(semantics, file)
    return Checker(decode, plain, msgspec.to_builtins)

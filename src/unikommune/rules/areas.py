"""Areas: every profile code a record names is one the profile knows, and still in use.

The profile codes are the fields annotated ``AreaOf(kind)``: focus areas, thematic
areas, the measure of a figure and the role of a project participant.  The profile
is the dataset's own (``profile`` in the document or ``profile.json`` beside it,
with the profile it extends), TRD3.0 when it declares none, or the one the
validator is given.  A profile that cannot be read leaves these checks undone
(:func:`leave_unchecked`): they never fall back to the default profile.

A code whose entry in the profile has a validity period is *retired* after the
period's end.  A record certainly dated after that end
(:func:`~unikommune.dates.certainly_before`: the latest day the end may be comes
before the earliest day the record's date may be) that still uses the code is
warned, with the successor named.  The date of a record is :data:`RECORD_DATES`:

* an agreement, project or learning activity: the start of its ``period``;
* a mission: the start of its ``timeframe``;
* a placement or thesis: its ``year``;
* a figure: its ``date``, else the start of its ``period``.

A record without that date is never warned; every code of a record is judged by the
record's date (an action plan's focus area by its agreement's period start).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from unikommune import dates
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, area_paths, noun, with_paths

if TYPE_CHECKING:
    from unikommune.findings import Where
    from unikommune.models.paths import FieldPath, Indexes
    from unikommune.rules import Batch

__all__ = ["RECORD_DATES", "areas_of_profile", "leave_unchecked", "retired_areas"]

_AREAS = {kind: area_paths(kind) for kind in RECORDS}

#: Per kind of profile code (``AreaOf``): the finding code and what the code names.
_KINDS = {
    "focus": ("unknown_focus_area", "a focus area of the profile"),
    "thematic": ("unknown_thematic_area", "a thematic area of the profile"),
    "measure": ("unknown_measure", "a measure of the codelist or the profile"),
    "role": ("unknown_participant_role", "a participant role of the codelist or the profile"),
}
#: The facts of this family: ``unchecked`` when the profile could not be read.
_FAMILY = "areas"


def _start(part: str) -> Callable[[Any], Any]:
    def date(record: Any) -> Any:
        held = getattr(record, part, None)
        return None if held is None else held.start

    return date


def _figure_date(record: Any) -> Any:
    found = getattr(record, "date", None)
    return found if found is not None else _start("period")(record)


#: The date a record of each collection is judged by for retired areas (see above).
RECORD_DATES: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "agreements": _start("period"),
        "missions": _start("timeframe"),
        "projects": _start("period"),
        "placements": lambda record: getattr(record, "year", None),
        "theses": lambda record: getattr(record, "year", None),
        "learning_activities": _start("period"),
        "figures": _figure_date,
    }
)


def leave_unchecked(context: Context) -> None:
    """Leave every check of profile codes undone: the dataset's profile could not be read.

    Called before any record is checked; the profile's problems are reported
    (``profile_unreadable``, ``unknown_profile``) where it is read.
    """
    context.facts(_FAMILY)["unchecked"] = True


def _unchecked(context: Context) -> bool:
    return bool(context.facts(_FAMILY).get("unchecked"))


@rule(*(code for code, _ in _KINDS.values()), collections=with_paths(_AREAS))
def areas_of_profile(context: Context, collection: str, batch: Batch) -> None:
    """Report a profile code (area, measure, role) that the profile does not know."""
    if _unchecked(context):
        return
    profile = context.profile
    for path, kind in _AREAS[collection]:
        known = profile.codes(kind)
        code_of_finding, what = _KINDS[kind]
        for index, indexes, code in path.refused(batch.records, known.__contains__):
            context.add(
                code_of_finding,
                f"{path.label(indexes)}: {code!r} is not {what} {profile.id!r}; "
                f"expected one of {', '.join(sorted(known))}",
                batch.where(index),
                path.pointer(indexes),
            )


@lru_cache(maxsize=4096)
def _after(end: str, date: str | int) -> bool:
    # Years and period starts repeat across records: work each pair out once.
    when = dates.parse_year(date) if isinstance(date, int) else date
    return dates.certainly_before(end, when)


_DATED = tuple(name for name in RECORD_DATES if _AREAS.get(name))


@rule("retired_area", collections=_DATED)
def retired_areas(context: Context, collection: str, batch: Batch) -> None:
    """Warn of a profile code used by a record dated after the code's validity ended."""
    if _unchecked(context):
        return
    profile = context.profile
    date_of = RECORD_DATES[collection]
    for path, kind in _AREAS[collection]:
        retired = {
            area.code: area
            for area in profile.entries(kind)
            if area.valid is not None and area.valid.end not in {None, "", ".."}
        }
        if not retired:
            continue
        if retired.keys().isdisjoint(path.across(batch.records)):
            continue
        for index, record in enumerate(batch.records):
            for indexes, code in path.values(record):
                if code in retired:
                    _warn(
                        context,
                        path,
                        indexes,
                        retired[code],
                        date_of(record),
                        batch.where(index),
                        collection,
                    )


def _warn(
    context: Context,
    path: FieldPath,
    indexes: Indexes,
    area: Any,
    date: Any,
    where: Where,
    collection: str,
) -> None:
    """Warn of ``area`` used at ``indexes`` of ``path`` by a record dated ``date``, if after."""
    end = area.valid.end
    code = area.code
    if date is None or date == "" or not _after(end, date):
        return
    successor = (
        f"use its successor {area.successor!r}"
        if area.successor is not None
        else "the profile names no successor; check the record's date or the profile"
    )
    context.add(
        "retired_area",
        f"{path.label(indexes)}: {code!r} is in use until {end} in profile "
        f"{context.profile.id!r}, and this {noun(collection)} is dated {date}; {successor}",
        where,
        path.pointer(indexes),
    )

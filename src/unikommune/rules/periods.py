"""Periods: each ends after it starts, and lies where the records around it say it should.

* A period (or timeframe) that ends before it starts is an error.
* An action-plan activity that starts before its agreement's period or ends after it,
  and a mission, project or learning activity that names an agreement but shares no
  day with that agreement's period (one that merely outlives it is fine), are warnings.
* A project that runs outside the timeframe of the mission that gathers it, and a
  participation dated outside its project's period, are warnings.

A partial date means every day it can mean: ``2018-06`` starts on 1 June and ends
on 30 June.  An open period (no end) has no last day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from unikommune.models.values import Period, date_bounds, ends_before_start
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, noun, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = [
    "Bounds",
    "bounds_of",
    "mission_timeframe",
    "periods_in_order",
    "shares_no_day",
    "within_agreement",
]

#: The first day of a period and its last (``None`` while open).
Bounds = tuple[dt.date, dt.date | None]

_PERIODS = {kind: part_paths(kind, Period) for kind in RECORDS}


@lru_cache(maxsize=65_536)
def _bounds(start: str, end: str | None) -> Bounds:
    # Periods repeat a great deal across records (years, months): work each out once.
    return date_bounds(start)[0], (date_bounds(end)[1] if end is not None else None)


@lru_cache(maxsize=65_536)
def _reversed(start: str, end: str) -> bool:
    return ends_before_start(start, end)


def bounds_of(period: Any) -> Bounds | None:
    """Return the first and last day of ``period`` (read by attribute), or ``None``.

    ``None`` for no period, and for one that ends before it starts (which
    :func:`periods_in_order` reports).
    """
    if period is None:
        return None
    found = _bounds(period.start, period.end)
    if found[1] is not None and found[1] < found[0]:
        return None
    return found


def shares_no_day(bounds: Bounds | None, span: Bounds | None) -> bool:
    """Return whether a record's ``bounds`` share no day with an agreement's ``span``.

    A project begun under an agreement may outlive it; only a record with no day in the
    agreement's period is suspicious.  Either unknown (``None``) shares a day.
    """
    return (
        span is not None
        and bounds is not None
        and (
            (span[1] is not None and bounds[0] > span[1])
            or (bounds[1] is not None and bounds[1] < span[0])
        )
    )


def _outside(inner: Bounds | None, outer: Bounds) -> bool:
    """Return whether ``inner`` starts before ``outer`` or ends (or, open, starts) after it."""
    if inner is None:
        return False
    last = inner[1] if inner[1] is not None else inner[0]
    return inner[0] < outer[0] or (outer[1] is not None and last > outer[1])


@rule("period_end_before_start", collections=with_paths(_PERIODS))
def periods_in_order(context: Context, collection: str, batch: Batch) -> None:
    """Report every period of a record that ends before it starts."""
    for path in _PERIODS[collection]:
        for index, indexes, period in path.refused(batch.records, _in_order):
            context.add(
                "period_end_before_start",
                f"{path.label(indexes)}: the period ends ({period.end}) before it starts "
                f"({period.start}); swap or correct the dates",
                batch.where(index),
                f"{path.pointer(indexes)}/end",
            )


def _in_order(period: Any) -> bool:
    return period.end is None or not _reversed(period.start, period.end)


_AGREEMENTS = "agreement periods"
_MISSIONS = "mission of project"


@rule(
    "activity_outside_agreement_period",
    collections=("agreements", "missions", "projects", "learning_activities"),
)
def within_agreement(context: Context, collection: str, batch: Batch) -> None:
    """Report an activity outside its agreement's period, or a record with no day in it."""
    spans: dict[str, Bounds] = context.facts(_AGREEMENTS)
    if collection == "agreements":
        for index, record in enumerate(batch.records):
            span = bounds_of(record.period)
            if span is None:
                continue
            spans[record.id] = span
            for p, plan in enumerate(record.action_plans or ()):
                for a, activity in enumerate(plan.activities or ()):
                    if _outside(bounds_of(activity.period), span):
                        context.add(
                            "activity_outside_agreement_period",
                            f"activity {activity.id!r} runs outside the agreement's period; "
                            "check the dates",
                            batch.where(index),
                            f"/action_plans/{p}/activities/{a}/period",
                        )
        return
    for index, record in enumerate(batch.records):
        agreement = record.agreement
        if agreement is None:
            continue
        period = record.timeframe if collection == "missions" else record.period
        if shares_no_day(bounds_of(period), spans.get(agreement)):
            context.add(
                "activity_outside_agreement_period",
                f"{noun(collection)} {record.id!r} runs wholly outside the period of agreement "
                f"{agreement!r}; check the dates, or link it to the agreement in force",
                batch.where(index),
                "/agreement",
            )


@rule("project_outside_mission_timeframe", collections=("missions", "projects"))
def mission_timeframe(context: Context, collection: str, batch: Batch) -> None:
    """Report a project that runs outside the timeframe of the mission that gathers it."""
    gathered: dict[str, tuple[str, Bounds]] = context.facts(_MISSIONS)
    if collection == "missions":
        for record in batch.records:
            timeframe = bounds_of(record.timeframe)
            if timeframe is not None:
                for project in record.projects or ():
                    gathered.setdefault(project, (record.id, timeframe))
        return
    if not gathered:
        return
    for index, record in enumerate(batch.records):
        mission = gathered.get(record.id)
        if mission is not None and _outside(bounds_of(record.period), mission[1]):
            context.add(
                "project_outside_mission_timeframe",
                f"project {record.id!r} runs outside the timeframe of mission {mission[0]!r} "
                "that gathers it; check the dates",
                batch.where(index),
                "/period",
            )


_PARTICIPATIONS = next(
    path for path in _PERIODS["projects"] if str(path) == "participants[].period"
)


@rule("participation_outside_project_period", collections=("projects",))
def participations_within_project(context: Context, collection: str, batch: Batch) -> None:
    """Report a participation dated outside the period of its project."""
    for index, record in enumerate(batch.records):
        span: Bounds | None = None
        for number, participant in enumerate(record.participants):
            if participant.period is None:
                continue
            span = span or bounds_of(record.period)
            if span is not None and _outside(bounds_of(participant.period), span):
                context.add(
                    "participation_outside_project_period",
                    f"participants[{number}].period: partner {participant.partner!r} takes part "
                    f"outside the project's period; check the dates",
                    batch.where(index),
                    f"/participants/{number}/period",
                )

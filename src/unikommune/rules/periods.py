"""Periods: each ends after it starts, and lies where the records around it say it should.

* A period (or timeframe) that ends before it starts is an error.
* An action-plan activity that starts before its agreement's period or ends after it,
  and a mission, project or learning activity that names an agreement but shares no
  day with that agreement's period (one that merely outlives it is fine), are warnings.
* A project that runs outside the timeframe of the mission that gathers it, and a
  participation dated outside its project's period, are warnings.

Dates are as known (see :mod:`unikommune.dates`), and every check reports only what is
certain, whatever days the dates turn out to be:

* "ends before it starts": the latest day the end may be is before the earliest day
  the start may be (:func:`~unikommune.dates.certainly_before`);
* "outside": the inner period cannot lie within the outer one, for any of their days
  (:func:`~unikommune.dates.possibly_within` is false): it certainly starts before
  the outer start (its latest start before the outer's earliest) or certainly ends
  after the outer end (its earliest end after the outer's latest); an open inner
  period is judged by its start;
* "shares no day": the two cannot overlap for any of their days
  (:func:`~unikommune.dates.possibly_overlaps` is false).

A date not known (``""``) or open (``..``) never makes a check fire.  So ``2018-06``
means any day of June 2018, and ``[2019,2021]`` any day of 2019 or 2021.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from unikommune import dates
from unikommune.models.values import Period, ends_before_start
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, noun, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = [
    "mission_timeframe",
    "outside",
    "periods_in_order",
    "shares_no_day",
    "within_agreement",
]

_PERIODS = {kind: part_paths(kind, Period) for kind in RECORDS}
_OPEN = ".."


@lru_cache(maxsize=65_536)
def _reversed(start: str, end: str) -> bool:
    # Periods repeat a great deal across records (years, months): work each out once.
    return ends_before_start(start, end)


def _in_order(period: Any) -> bool:
    return period.end is None or not _reversed(period.start, period.end)


def outside(inner: Any, outer: Any) -> bool:
    """Return whether period ``inner`` certainly lies partly outside period ``outer``.

    Both are read by attribute (``start``, ``end``); either ``None`` is never outside.
    An open ``inner`` is judged by its start; a reversed period is never outside (its
    order is reported instead).
    """
    if inner is None or outer is None:
        return False
    return _outside(inner.start, inner.end, outer.start, outer.end)


def _either_reversed(start: str, end: str | None, other_start: str, other_end: str | None) -> bool:
    return (end is not None and _reversed(start, end)) or (
        other_end is not None and _reversed(other_start, other_end)
    )


@lru_cache(maxsize=65_536)
def _outside(start: str, end: str | None, outer_start: str, outer_end: str | None) -> bool:
    # One look-up per pair of periods: periods repeat a great deal across records.
    if _either_reversed(start, end, outer_start, outer_end):
        return False
    last = start if end in (None, _OPEN) else end
    return not dates.possibly_within(start, last, outer_start, outer_end or _OPEN)


def shares_no_day(period: Any, other: Any) -> bool:
    """Return whether periods ``period`` and ``other`` certainly share no day.

    A project begun under an agreement may outlive it; only a record with no day in the
    agreement's period is suspicious.  Either ``None`` (or reversed) shares a day.
    """
    if period is None or other is None:
        return False
    return _no_day_shared(period.start, period.end, other.start, other.end)


@lru_cache(maxsize=65_536)
def _no_day_shared(start: str, end: str | None, other_start: str, other_end: str | None) -> bool:
    if _either_reversed(start, end, other_start, other_end):
        return False
    return not dates.possibly_overlaps(start, end or _OPEN, other_start, other_end or _OPEN)


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


_AGREEMENTS = "agreement periods"
_MISSIONS = "mission of project"


@rule(
    "activity_outside_agreement_period",
    collections=("agreements", "missions", "projects", "learning_activities"),
)
def within_agreement(context: Context, collection: str, batch: Batch) -> None:
    """Report an activity outside its agreement's period, or a record with no day in it."""
    spans: dict[str, Any] = context.facts(_AGREEMENTS)
    if collection == "agreements":
        for index, record in enumerate(batch.records):
            span = record.period
            if span is None:
                continue
            spans[record.id] = span
            for p, plan in enumerate(record.action_plans or ()):
                for a, activity in enumerate(plan.activities or ()):
                    if outside(activity.period, span):
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
        if shares_no_day(period, spans.get(agreement)):
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
    gathered: dict[str, tuple[str, Any]] = context.facts(_MISSIONS)
    if collection == "missions":
        for record in batch.records:
            timeframe = record.timeframe
            if timeframe is not None:
                for project in record.projects or ():
                    gathered.setdefault(project, (record.id, timeframe))
        return
    if not gathered:
        return
    for index, record in enumerate(batch.records):
        mission = gathered.get(record.id)
        if mission is not None and outside(record.period, mission[1]):
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
        for number, participant in enumerate(record.participants):
            if outside(participant.period, record.period):
                context.add(
                    "participation_outside_project_period",
                    f"participants[{number}].period: partner {participant.partner!r} takes part "
                    f"outside the project's period; check the dates",
                    batch.where(index),
                    f"/participants/{number}/period",
                )

"""Network figures year by year: :func:`yearly_metrics`, and the years a dataset covers.

A yearly table asks every year which records count in it.  Rather than filter the whole
dataset once a year, :func:`yearly_metrics` places each activity once in the years it
may be active and measures each year on a view of the dataset that holds only those
activities; every record still passes the same filter as before, so each row is the
row :func:`~unikommune.graph.network_metrics` gives for the whole dataset and that year
(a test compares them).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter, is_
from typing import Any, Protocol, TypeVar

from unikommune.codelists import HelixSector, PartnerKind
from unikommune.graph._common import HOME_COUNTRY, GroupBy, period_bounds, window, year_span
from unikommune.graph.build import record_period
from unikommune.graph.metrics import Backend
from unikommune.graph.network import network_metrics
from unikommune.graph.views import ACTIVITY_KINDS, Counting, Level
from unikommune.models import Dataset
from unikommune.models.paths import FieldPath
from unikommune.models.values import central

__all__ = ["ACTIVITY_FIELDS", "PLACEMENT_FIELDS", "YearMap", "dataset_years", "yearly_metrics"]

_T = TypeVar("_T")


class YearMap(Protocol):
    """``map_years(work, items)`` returns ``[work(item) for item in items]``.

    It may do the work of the items side by side (in other processes, as
    :func:`unikommune.cli.options.years_side_by_side` does); the results come back in
    the order of ``items``.  :func:`yearly_metrics` measures its years with it, and
    :func:`unikommune.evaluation.indicators` its passes over the collections too.
    """

    def __call__(self, work: Callable[[int], _T], items: Sequence[int], /) -> list[_T]:
        """Return the result of ``work`` for each of ``items``, in their order."""
        ...


def _paths(*written: str) -> tuple[FieldPath, ...]:
    """Return the field paths written as ``participants[].period.start``."""
    return tuple(map(FieldPath.written, written))


#: What :func:`yearly_metrics` reads of a placement: its year and its students.
PLACEMENT_FIELDS = _paths("year", "students")
_YEAR = attrgetter("year")
_STUDENTS = attrgetter("students")

_LINKS = _paths("sdg_links[].goal", "sdg_links[].target")
#: What :func:`yearly_metrics` reads of an activity of each kind but agreements (whose
#: goals are their action plans'): its id, its dates, the partners it ties and the dates
#: of their part in it, its SDG goals (with their targets, which the models check
#: against their goals).
ACTIVITY_FIELDS: dict[str, tuple[FieldPath, ...]] = {
    "projects": (
        *_paths("id", "period.start", "period.end", "participants[].partner"),
        *_paths("participants[].period.start", "participants[].period.end"),
        *_LINKS,
    ),
    "missions": (*_paths("id", "timeframe.start", "timeframe.end", "owners[]"), *_LINKS),
    "theses": (
        *_paths("id", "year", "institution", "host", "supervising_partners[]"),
        *_LINKS,
    ),
    "learning_activities": (
        *_paths("id", "period.start", "period.end", "organisers[]"),
        *_LINKS,
    ),
}


def yearly_metrics(
    dataset: Dataset,
    years: Sequence[int] | None = None,
    *,
    via: Iterable[str] = ("projects",),
    counting: Counting = "full",
    level: Level = "organisation",
    seed: int = 42,
    backend: Backend = "networkx",
    group_by: GroupBy = "sector",
    groups: Sequence[HelixSector | PartnerKind | str] | None = None,
    country: str = HOME_COUNTRY,
    placements: Sequence[Any] | None = None,
    map_years: YearMap | None = None,
) -> list[dict[str, Any]]:
    """Return :func:`network_metrics` for every year, one row each, plus students placed.

    ``years`` defaults to every year from the first to the last the dataset covers (see
    :func:`dataset_years`).  Each row adds ``students_placed`` in that year: the central
    value of an estimate, and a placement whose year is uncertain in every year it may be.
    ``placements`` are the placements counted instead of the dataset's: records holding
    their ``year`` and ``students`` at least (such as those
    :func:`unikommune.loading.iter_fields` reads for :data:`PLACEMENT_FIELDS`).
    ``map_years(row, years)`` returns ``[row(year) for year in years]``, for a caller
    that measures the years side by side (``unikommune metrics --jobs``); each row is
    measured alone, so the rows are the same either way.

    Raises:
        ValueError: an argument is invalid (a year outside 1..9999, or as
            :func:`network_metrics` says).
    """
    via = tuple(via)
    counted = dataset.placements if placements is None else placements
    chosen = dataset_years(dataset, counted) if years is None else list(years)
    for year in chosen:
        window(year)
    views = _views(dataset, chosen)
    students = _students(counted, chosen)

    def row(year: int) -> dict[str, Any]:
        measured = network_metrics(
            views[year],
            year,
            via=via,
            counting=counting,
            level=level,
            seed=seed,
            backend=backend,
            group_by=group_by,
            groups=groups,
            country=country,
        )
        measured["students_placed"] = students[year]
        return measured

    if map_years is None:
        return [row(year) for year in chosen]
    return map_years(row, chosen)


def _span(name: str, record: Any) -> tuple[int | None, int | None]:
    """Return the first and last year ``record`` of collection ``name`` may be active.

    ``None`` is an open or unknown end, as :func:`~unikommune.graph.build.record_active`
    reads it.
    """
    if name == "theses":
        return year_span(record.year)
    period = record_period(name, record)
    if period is None:
        return None, None
    first, last = period_bounds(period.start, period.end)
    return (
        first.year if first is not None else None,
        last.year if last is not None else None,
    )


def _views(dataset: Dataset, years: Sequence[int]) -> dict[int, Dataset]:
    """Return, for each year, ``dataset`` with only the activities that may count in it."""
    if not years:
        return {}
    low, high = min(years), max(years)
    kept: dict[int, dict[str, list[Any]]] = {
        year: {name: [] for name in ACTIVITY_KINDS} for year in years
    }
    for name in ACTIVITY_KINDS:
        lists = {year: kept[year][name] for year in kept}
        for record in dataset.collection(name):
            first, last = _span(name, record)
            start = low if first is None else max(low, first)
            stop = high if last is None else min(high, last)
            for year in range(start, stop + 1):
                into = lists.get(year)
                if into is not None:
                    into.append(record)
    return {year: dataset.model_copy(update=kept[year]) for year in years}


def _students(placements: Iterable[Any], years: Sequence[int]) -> dict[int, float | int]:
    """Return the students placed in each year, each placement in every year it may be.

    When every count is a whole number, the placements are first counted by year and
    students without a Python step per placement (:class:`~collections.Counter` over
    ``zip``): whole numbers add up the same in any order.  Estimates are added one by
    one, in the order of the placements.
    """
    totals: dict[int, float | int] = dict.fromkeys(years, 0)
    if not years:
        return totals
    placements = placements if isinstance(placements, Sequence) else list(placements)
    counts = list(map(_STUDENTS, placements))
    if all(map(is_, map(type, counts), repeat(int))):
        alike = Counter(zip(map(_YEAR, placements), counts, strict=True))
        pairs: Iterable[tuple[Any, Any]] = (
            (year, students * times) for (year, students), times in alike.items()
        )
    else:
        pairs = zip(map(_YEAR, placements), map(central, counts), strict=True)
    low, high = min(years), max(years)
    for year, students in pairs:
        first, last = year_span(year)
        if last < low or first > high:
            continue
        for each in range(max(first, low), min(last, high) + 1):
            if each in totals:
                totals[each] += students
    return totals


def dataset_years(dataset: Dataset, placements: Iterable[Any] | None = None) -> list[int]:
    """Return every year from the first to the last that a dated record of ``dataset`` covers.

    Open periods run to the year the dataset was last modified.  ``placements`` are
    read instead of the dataset's (see :func:`yearly_metrics`).
    """
    last_known = dt.date.fromisoformat(dataset.modified).year
    years: set[int] = set()
    periods = [
        *(a.period for a in dataset.agreements),
        *(m.timeframe for m in dataset.missions),
        *(p.period for p in dataset.projects),
        *(a.period for a in dataset.learning_activities if a.period is not None),
    ]
    for period in periods:
        first, last = period_bounds(period.start, period.end)
        if first is not None:
            years.update(
                (first.year, last.year if last is not None else max(first.year, last_known))
            )
        elif last is not None:
            years.add(last.year)
    counted = dataset.placements if placements is None else placements
    for year in (*(p.year for p in counted), *(t.year for t in dataset.theses)):
        years.update(year_span(year))
    return list(range(min(years), max(years) + 1)) if years else []

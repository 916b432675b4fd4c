"""Helpers shared by the graph builders: node ids, labels, time filters and roll-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, get_args

from unikommune import dates
from unikommune.codelists import COUNTRY_CODES
from unikommune.models import Dataset, Partner
from unikommune.models.values import LangString, Period

__all__ = [
    "GROUP_ATTRIBUTES",
    "HOME_COUNTRY",
    "GroupBy",
    "When",
    "active",
    "active_year",
    "check_country",
    "check_group_by",
    "is_domestic",
    "label",
    "node_id",
    "partner_attributes",
    "period_bounds",
    "roll_up",
    "top_levels",
    "window",
    "year_span",
]

When = int | Period | None
"""A time filter: a calendar year, a period, or ``None`` for the whole dataset."""

GroupBy = Literal["sector", "kind"]
"""The partner attribute that groups partners in the helix metrics: helix sector or kind."""

#: The partner node attribute each grouping reads.
GROUP_ATTRIBUTES: Mapping[str, str] = MappingProxyType({"sector": "sector", "kind": "partner_kind"})
assert set(GROUP_ATTRIBUTES) == set(get_args(GroupBy))

#: The partnership's own country when none is named: a partner without ``country`` is there.
HOME_COUNTRY = "NO"

_LANGUAGES = ("en", "nb", "nn", "se")


def node_id(kind: str, local_id: str | int) -> str:
    """Return the stable, readable id of a node, such as ``partner:ntnu`` or ``sdg:11``.

    >>> node_id("project", "p1")
    'project:p1'
    """
    return f"{kind}:{local_id}"


def label(text: LangString | None, default: str = "") -> str:
    """Return the English text of a language map, else Norwegian, else any language."""
    if not text:
        return default
    for language in _LANGUAGES:
        if language in text:
            return text[language]
    return next(iter(text.values()))


def window(when: When) -> tuple[dt.date | None, dt.date | None] | None:
    """Return the first and last day ``when`` covers (``None`` for no filter).

    Either day is ``None`` for a period open or not known at that end.

    Raises:
        ValueError: ``when`` is a year outside 1..9999.
    """
    if when is None:
        return None
    if isinstance(when, Period):
        return when.bounds()
    if isinstance(when, bool) or not isinstance(when, int) or not 1 <= when <= 9999:
        raise ValueError(f"a time filter is a year or a Period, not {when!r}")
    return dt.date(when, 1, 1), dt.date(when, 12, 31)


def active(period: Period | None, when: When) -> bool:
    """Return whether a record with ``period`` counts under the time filter ``when``.

    A record counts when its period may overlap the filter by at least one day (an
    uncertain date counts by its earliest and latest possible day; see
    :func:`unikommune.dates.possibly_overlaps`); a record without a period counts under
    every filter.

    >>> active(Period(start="2018-06", end="2019"), 2020)
    False
    >>> active(Period(start="2018-06"), 2030)
    True
    """
    if when is None or period is None:
        return True
    bounds = window(when)
    assert bounds is not None
    first, last = period_bounds(period.start, period.end)
    return (bounds[1] is None or first is None or first <= bounds[1]) and (
        last is None or bounds[0] is None or last >= bounds[0]
    )


@lru_cache(maxsize=65_536)
def period_bounds(start: str, end: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Return the first and last day the period from ``start`` to ``end`` may cover (cached).

    The same as :meth:`Period.bounds`, remembered for the few distinct dates a dataset
    uses, since a yearly table asks for every record's bounds once a year.
    """
    return (
        dates.parse_period_end(start).earliest,
        dates.parse_period_end(end).latest if end is not None else None,
    )


@lru_cache(maxsize=65_536)
def year_span(year: int | str) -> tuple[int, int]:
    """Return the first and last calendar year a year as known (``2021``, ``"201X"``) may be.

    An exact year (an ``int``, as the models checked it) is its own first and last.
    """
    if type(year) is int:
        return year, year
    first, last = dates.years(dates.parse_year(year))
    assert first is not None  # a year is never open
    assert last is not None
    return first, last


def active_year(year: int | str, when: When) -> bool:
    """Return whether a record dated by ``year`` (as known) may count under ``when``."""
    if when is None:
        return True
    first, last = year_span(year)
    if isinstance(when, int) and not isinstance(when, bool):
        return first <= when <= last
    bounds = window(when)
    assert bounds is not None
    return (bounds[1] is None or first <= bounds[1].year) and (
        bounds[0] is None or last >= bounds[0].year
    )


def check_group_by(group_by: str) -> str:
    """Return the node attribute that ``group_by`` groups partners by; raise for another.

    >>> check_group_by("kind")
    'partner_kind'

    Raises:
        ValueError: ``group_by`` is neither ``"sector"`` nor ``"kind"``.
    """
    attribute = GROUP_ATTRIBUTES.get(group_by) if isinstance(group_by, str) else None
    if attribute is None:
        raise ValueError(f"group_by must be 'sector' or 'kind', not {group_by!r}")
    return attribute


def check_country(country: str) -> str:
    """Return ``country`` if it is an ISO 3166-1 alpha-2 code; raise ValueError otherwise."""
    if country not in COUNTRY_CODES:
        raise ValueError(
            f"country must be an ISO 3166-1 alpha-2 code such as NO or SE, not {country!r}"
        )
    return country


def is_domestic(country: object, home: str = HOME_COUNTRY) -> bool:
    """Return whether a partner in ``country`` (``None``: not named) is in the ``home`` country.

    A partner that names no country is, as the format says, in the partnership's own.

    >>> is_domestic(None), is_domestic("NO"), is_domestic("SE")
    (True, True, False)
    """
    return country is None or country == home


def roll_up(dataset: Dataset) -> dict[str, str]:
    """Return, for every partner id, the id of the top-level organisation it belongs to.

    A partner without a parent is its own top level.  A parent that is missing from the
    dataset, or a cycle of parents, stops the walk at the last partner reached.
    """
    return top_levels({p.id: p.parent for p in dataset.partners})


def top_levels(parents: Mapping[str, str | None]) -> dict[str, str]:
    """Return the top level of every id of ``parents`` (an id's parent, ``None`` for none).

    The walk up from an id ends at an id without a parent in ``parents``; in a circle of
    parents it ends at the last id reached before one comes round again (so a member of
    a circle has the member before it as its top).  Each id is walked once: time is
    linear in the number of ids, however long the chains.

    >>> top_levels({"a": None, "b": "a", "c": "b", "x": "y", "y": "x"})
    {'a': 'a', 'b': 'a', 'c': 'a', 'x': 'y', 'y': 'x'}
    """
    top: dict[str, str] = {}
    for start in parents:
        trail: list[str] = []  # ids walked from start whose top is still to come
        at: dict[str, int] = {}
        node = start
        while node not in top:
            if node in at:  # round a circle: each member's top is the member before it
                circle = trail[at[node] :]
                for index, member in enumerate(circle):
                    top[member] = circle[index - 1]
                del trail[at[node] :]
                break
            at[node] = len(trail)
            trail.append(node)
            parent = parents[node]
            if parent is None or parent not in parents:
                top[node] = node
                trail.pop()
                break
            node = parent
        for member in reversed(trail):
            parent = parents[member]
            assert parent is not None
            top[member] = top[parent]
    return top


def partner_attributes(partner: Partner) -> dict[str, str | int]:
    """Return the GraphML-safe attributes of a partner node.

    ``country`` is there only when the partner names one (a partner without it is in the
    partnership's own country).
    """
    attributes: dict[str, str | int] = {
        "kind": "partner",
        "label": label(partner.short_name) or label(partner.name, partner.id),
        "name": label(partner.name, partner.id),
        "sector": partner.sector.value,
        "partner_kind": partner.kind.value,
        "local_id": partner.id,
    }
    if partner.parent is not None:
        attributes["parent"] = partner.parent
    if partner.unit_type is not None:
        attributes["unit_type"] = partner.unit_type.value
    if partner.country is not None:
        attributes["country"] = partner.country
    return attributes

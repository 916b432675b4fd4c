"""Small-cell suppression: published counts that cannot be worked back to a person.

Statistics Norway suppresses cells built on fewer than three observations, and
further cells so that no published total gives a hidden one back.
:func:`suppress` does both for any table whose totals are published by group
(rows, columns, any marginal).
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from unikommune.errors import TableError

__all__ = ["Suppression", "SuppressionReason", "suppress"]


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)


class SuppressionReason(StrEnum):
    """Why a cell is hidden."""

    PRIMARY = "primary"
    """The cell counts fewer observations than the minimum."""
    SECONDARY = "secondary"
    """The cell is hidden so that a published total does not give a hidden cell back."""


@dataclass(frozen=True, slots=True)
class Suppression(Generic[K]):
    """A hidden cell: its key, why, and for a secondary one the group whose total forced it."""

    key: K
    reason: SuppressionReason
    group: tuple[K, ...] | None = None


def _canonical_groups(
    cells: Mapping[K, int], groups: Iterable[Collection[K]]
) -> list[tuple[K, ...]]:
    canonical: set[tuple[K, ...]] = set()
    for group in groups:
        keys = tuple(sorted(set(group)))
        missing = [key for key in keys if key not in cells]
        if missing:
            raise TableError(f"group {keys!r} names cells that are not in the table: {missing!r}")
        if len(keys) < 2:
            raise TableError(
                f"group {keys!r} has fewer than two cells; its total would publish the cell "
                "itself: leave it out and hide that total together with the cell"
            )
        canonical.add(keys)
    return sorted(canonical)


def _check_counts(cells: Mapping[K, int], minimum: int) -> None:
    if minimum < 1:
        raise TableError(f"minimum must be 1 or more, not {minimum}")
    for key, count in cells.items():
        if not isinstance(count, int) or count < 0:
            raise TableError(
                f"cell {key!r} has count {count!r}; expected a whole number of 0 or more"
            )


def suppress(
    cells: Mapping[K, int], groups: Iterable[Collection[K]], minimum: int = 3
) -> list[Suppression[K]]:
    """Return the cells to hide so that no count below ``minimum`` can be read or worked out.

    ``cells`` maps a key to a count; ``groups`` are the sets of keys whose totals
    are published (rows, columns, the grand total, any marginal).  Keys must be
    mutually orderable (strings, or tuples of strings): ties are broken by key.

    Primary suppression hides every cell with ``0 < count < minimum``.  Zero is
    not hidden: as in Statistics Norway's practice, an empty cell reveals no one.
    Secondary suppression then takes, while some group has exactly one hidden
    cell, the first such group (groups are ordered by their sorted keys, so the
    order of the input does not matter) and hides its smallest visible non-zero
    cell, ties broken by key; a zero cell only when the group has no other.
    This repeats until every group has no hidden cell or at least two.

    That is the usual first line, not a full audit: when a table has many
    margins, totals taken together can still give a hidden cell back (a hidden
    cell joining two blocks of hidden cells, for instance); audit such tables
    with a linear-programming tool such as τ-ARGUS.

    Returns:
        The primary suppressions in the order of their keys, then the secondary
        ones in the order they were chosen.

    Raises:
        TableError: a count is negative or not a whole number, ``minimum`` is
            below 1, or a group names a key not in ``cells`` or has fewer than
            two distinct keys.

    Complexity: O(G log G + S · (g + m log G)) for G groups, S hidden cells,
    groups of at most g cells and cells in at most m groups.

    >>> cells = {"a": 1, "b": 5, "c": 7, "d": 4}
    >>> [(s.key, s.reason.value) for s in suppress(cells, [["a", "b", "c"], ["c", "d"]])]
    [('a', 'primary'), ('b', 'secondary')]
    """
    _check_counts(cells, minimum)
    ordered = _canonical_groups(cells, groups)
    member_of: dict[K, list[int]] = {}
    for index, group in enumerate(ordered):
        for key in group:
            member_of.setdefault(key, []).append(index)
    primary = sorted(key for key, count in cells.items() if 0 < count < minimum)
    result = [Suppression(key, SuppressionReason.PRIMARY) for key in primary]
    hidden = set(primary)
    counts = [sum(key in hidden for key in group) for group in ordered]
    lone = [index for index, count in enumerate(counts) if count == 1]
    heapq.heapify(lone)
    while lone:
        index = heapq.heappop(lone)
        if counts[index] != 1:
            continue  # another cell of the group was hidden since it was queued
        group = ordered[index]
        pick = min(
            (key for key in group if key not in hidden),
            key=lambda key: (cells[key] == 0, cells[key], key),
        )
        hidden.add(pick)
        result.append(Suppression(pick, SuppressionReason.SECONDARY, group))
        for other in member_of[pick]:
            counts[other] += 1
            if counts[other] == 1:
                heapq.heappush(lone, other)
    return result

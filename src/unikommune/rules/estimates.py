"""Estimates: a number known only approximately says what it knows, in order.

An estimate (``{"about": 3000}``, ``{"min": 8, "max": 12}``) stands where a count or
a number may be approximate (see :class:`~unikommune.models.values.Estimate`).  It
gives at least one of ``about``, ``min`` and ``max``; ``min`` is not above ``max``;
and ``about`` lies between them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unikommune.models.values import Estimate, estimate_problem
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["estimates_in_order"]

_ESTIMATES = {kind: part_paths(kind, Estimate) for kind in RECORDS}


#: The types of a value given exactly: nothing to check.
_EXACT = frozenset({int, float})


def _sound(value: Any) -> bool:
    return isinstance(value, int | float) or estimate_problem(value) is None


@rule("empty_estimate", "estimate_out_of_order", collections=with_paths(_ESTIMATES))
def estimates_in_order(context: Context, collection: str, batch: Batch) -> None:
    """Report an estimate that gives no value, or whose range is the wrong way round."""
    records = batch.records
    for path in _ESTIMATES[collection]:
        if _EXACT.issuperset(map(type, path.across(records))):
            continue  # every value exact (mostly so): no estimate to look at
        for index, indexes, value in path.refused(records, _sound):
            problem = estimate_problem(value)
            if value.about is None and value.min is None and value.max is None:
                code = "empty_estimate"
                message = (
                    "the estimate gives none of about, min and max; write one, such as "
                    '{"about": 3000}, or the exact number'
                )
            else:
                code = "estimate_out_of_order"
                message = f"{problem}; swap min and max, or correct the value that is wrong"
            context.add(
                code,
                f"{path.label(indexes)}: {message}",
                batch.where(index),
                path.pointer(indexes),
            )

"""Integrity: ids that are unique, lists without repeats, parts of an agreement, funders.

Whoever checks records registers their ids here (:func:`record_ids`) before their
rules run; the ids are what references resolve against.  Ids are compared exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from unikommune.findings import Where
from unikommune.models import Funding
from unikommune.models.project import names_a_funder
from unikommune.models.values import is_local_id, repeated_items
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import RECORDS, distinct_paths, noun, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = [
    "agreement_parts",
    "distinct_items",
    "funding_names_funder",
    "keep_id",
    "new_ids",
    "record_ids",
    "repeated_id",
]


def new_ids(context: Context, collection: str, ids: Sequence[str]) -> bool:
    """Register ``ids`` if all are new and distinct, and say so; else change nothing."""
    own = context.ids[collection]
    if not own.isdisjoint(ids):
        return False
    size = len(own)
    own.update(ids)
    if len(own) - size == len(ids):
        return True
    own.difference_update(ids)  # an id given twice among them
    return False


def record_ids(
    context: Context,
    collection: str,
    batch: Batch,
    kept: Sequence[tuple[int, str | None]] = (),
) -> None:
    """Register the ids of a batch's records; report each that another record has.

    ``kept`` are ids of records of the wrong shape, each before the record at its
    position in the batch: they count (see :func:`keep_id`), in file order.
    """
    records = batch.records
    ids = list(map(_ID, records))
    others = {value for _, value in kept if is_local_id(value)}
    if others.isdisjoint(ids) and new_ids(context, collection, ids):
        context.ids[collection].update(others)
        return
    known = context.ids[collection]
    # Only an id the context knows, or one the batch gives twice, may be a repeat: walk
    # those in file order (a kept id counts before the record at its position).
    given = Counter(ids)
    given.update(others)
    suspects = known.intersection(given)
    suspects.update(value for value, times in given.items() if times > 1)
    seen = known.intersection(suspects)
    waiting = iter(sorted((at, value) for at, value in kept if value in suspects))
    pending = next(waiting, None)
    for index in [at for at, value in enumerate(ids) if value in suspects]:
        while pending is not None and pending[0] <= index:
            seen.add(pending[1])
            pending = next(waiting, None)
        if ids[index] in seen:
            repeated_id(context, collection, ids[index], batch.where(index))
        else:
            seen.add(ids[index])
    known.update(ids)
    known.update(others)


def keep_id(context: Context, collection: str, value: Any) -> None:
    """Count the id of a record of the wrong shape, so that references to it resolve.

    Only an id of the right pattern is counted: no reference of the right shape could
    name another, and so every id a context knows has the pattern (which the
    accelerated decoding relies on).
    """
    if is_local_id(value):
        context.ids[collection].add(value)


def repeated_id(context: Context, collection: str, record_id: str, where: Where) -> None:
    """Report that a record of ``collection`` has an id another record has."""
    context.add(
        "duplicate_id",
        f"id: {record_id!r} is already the id of another {noun(collection)}; ids are unique "
        "within their collection",
        where,
        "/id",
    )


_ID = attrgetter("id")


def _distinct(items: Sequence[Any]) -> bool:
    return len(items) == len(set(items))


_DISTINCT = {kind: distinct_paths(kind) for kind in RECORDS}


@rule("duplicate_list_item", collections=with_paths(_DISTINCT))
def distinct_items(context: Context, collection: str, batch: Batch) -> None:
    """Report an item a list of distinct items names a second time."""
    for path in _DISTINCT[collection]:
        for index, indexes, items in path.refused(batch.records, _distinct):
            for repeat in repeated_items(items):
                context.add(
                    "duplicate_list_item",
                    f"{path.label(indexes)}[{repeat}]: {items[repeat]!r} is already "
                    "listed; remove the repeat",
                    batch.where(index),
                    f"{path.pointer(indexes)}/{repeat}",
                )


#: The parts of an agreement whose ids are unique within it, and what each is called;
#: objectives and obligations are statements, which share their ids.
_LOCAL = (
    (("governance",), "governance body"),
    (("objectives", "obligations"), "statement"),
    (("action_plans",), "action plan"),
    (("action_plans", "activities"), "activity"),
    (("rules",), "rule"),
)


@rule("duplicate_id", "unresolved_reference", collections=("agreements",))
def agreement_parts(context: Context, collection: str, batch: Batch) -> None:
    """Check the ids of an agreement's parts, and that its rules and assessments name its bodies."""
    for index, record in enumerate(batch.records):
        where = batch.where(index)
        for fields, what in _LOCAL:
            seen: set[str] = set()
            for label, pointer, part in _parts_of(record, fields):
                if part.id in seen:
                    context.add(
                        "duplicate_id",
                        f"{label}.id: {part.id!r} is already the id of another {what} of "
                        "this agreement; give it another id",
                        where,
                        f"{pointer}/id",
                    )
                seen.add(part.id)
        bodies = {body.id for body in record.governance or ()}
        named = [
            (f"rules[{number}].decided_by", f"/rules/{number}/decided_by", item.decided_by)
            for number, item in enumerate(record.rules or ())
        ] + [
            (
                f"maturity_assessments[{number}].body",
                f"/maturity_assessments/{number}/body",
                item.body,
            )
            for number, item in enumerate(record.maturity_assessments or ())
        ]
        for label, pointer, body in named:
            if body is not None and body not in bodies:
                context.add(
                    "unresolved_reference",
                    f"{label}: expected the id of a governance body of this agreement, "
                    f"found {body!r}",
                    where,
                    pointer,
                )


def _parts_of(record: Any, fields: tuple[str, ...]) -> list[tuple[str, str, Any]]:
    """Return ``(label, pointer, part)`` of the parts of an agreement under ``fields``.

    One field names a list of the agreement; ``("action_plans", "activities")`` the
    activities of every action plan.
    """
    if fields == ("action_plans", "activities"):
        return [
            (f"action_plans[{p}].activities[{a}]", f"/action_plans/{p}/activities/{a}", item)
            for p, plan in enumerate(record.action_plans or ())
            for a, item in enumerate(plan.activities or ())
        ]
    return [
        (f"{name}[{index}]", f"/{name}/{index}", item)
        for name in fields
        for index, item in enumerate(getattr(record, name) or ())
    ]


_FUNDING = {kind: part_paths(kind, Funding) for kind in RECORDS}


@rule("funding_without_funder", collections=with_paths(_FUNDING))
def funding_names_funder(context: Context, collection: str, batch: Batch) -> None:
    """Report a funding line that names neither a funder partner nor a funder's name."""
    for path in _FUNDING[collection]:
        for index, indexes, _ in path.refused(batch.records, names_a_funder):
            context.add(
                "funding_without_funder",
                f"{path.label(indexes)}: expected funder (a partner id) or funder_name, found "
                "neither",
                batch.where(index),
                path.pointer(indexes),
            )

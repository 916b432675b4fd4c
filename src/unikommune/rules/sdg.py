"""SDG links: real targets of their goal, suggestions that name their tool, the SDG rule.

An agreement's ``sdg-link-required`` rule says that every record of the kinds it
names (``applies_to``) must link to at least one goal.  It applies to the records
that belong to that agreement and fall within its period, never to records of
another agreement, of no agreement, or of a later (or earlier) period:

* a record belongs to an agreement when its ``agreement`` is that agreement's id
  (a mission, project, thesis or learning activity), or when it is one of the
  agreement's own action-plan activities;
* it falls within the period when it possibly shares a day with it
  (:func:`~unikommune.dates.possibly_overlaps`, through
  :func:`~unikommune.rules.periods.shares_no_day`): a mission's timeframe, a
  project's or learning activity's period, an activity's period, or a thesis's
  year.  Dates as known count by their widest bounds, so ``2021?`` may be any day
  of 2021; a record with no date, or an unknown start, may fall within any
  period, and the rule applies to it.

Agreements come before the collections they gather, so each agreement's rules and
period are known when its records are checked.  Of two rules of one agreement for
one kind, the first is the one a message names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from unikommune.codelists import SDG_TARGETS, RecordType, RuleKind, SdgProvenance, sdg_goal_of
from unikommune.findings import Where
from unikommune.models import RECORD_TYPES, SdgLink
from unikommune.models.paths import FieldPath, Indexes
from unikommune.models.sdg import missing_for_suggestion, target_problem
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.periods import shares_no_day
from unikommune.rules.records import RECORDS, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["links_well_made", "required_links"]

_LINKS = {kind: part_paths(kind, SdgLink) for kind in RECORDS}
_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SUGGESTED = SdgProvenance.SUGGESTED.value


@rule(
    "unknown_sdg_target",
    "sdg_target_not_of_goal",
    "suggested_link_incomplete",
    collections=with_paths(_LINKS),
)
def links_well_made(context: Context, collection: str, batch: Batch) -> None:
    """Report a target that does not exist or is of another goal, and an unnamed tool."""
    for path in _LINKS[collection]:
        for index, indexes, link in path.refused(batch.records, _well_made):
            _report_link(context, path, indexes, link, batch.where(index))


def _well_made(link: Any) -> bool:
    """Return whether an SDG link has a target of its goal, if any, and names its tool."""
    target, provenance = link.target, link.provenance
    return (target is None or _GOAL_OF.get(target) == link.goal) and (
        provenance is None
        or provenance.method != _SUGGESTED
        or not missing_for_suggestion(provenance)
    )


def _report_link(
    context: Context, path: FieldPath, indexes: Indexes, link: Any, where: Where
) -> None:
    """Report what is wrong with the SDG link at ``path`` (``indexes``), if anything."""
    label, pointer = path.label(indexes), path.pointer(indexes)
    if link.target is not None and link.target not in _GOAL_OF:
        context.add(
            "unknown_sdg_target",
            f"{label}.target: {link.target!r} is not one of the 169 SDG targets; expected a "
            f"code such as {link.goal or 11}.1",
            where,
            f"{pointer}/target",
        )
    elif link.target is not None:
        problem = target_problem(link.goal, link.target)
        if problem is not None:
            context.add(
                "sdg_target_not_of_goal",
                f"{label}: {problem}; correct one of them",
                where,
                f"{pointer}/target",
            )
    if link.provenance is not None:
        missing = missing_for_suggestion(link.provenance)
        if missing:
            context.add(
                "suggested_link_incomplete",
                f"{label}.provenance: a suggested link names its tool; missing "
                f"{', '.join(missing)}",
                where,
                f"{pointer}/provenance",
            )


_REQUIRED = "required SDG links"
#: The kind of record each collection's records are, as an agreement's rule names them.
_KIND = {name: kind.value for name, kind in RECORD_TYPES.items()}
_ACTIVITY = RecordType.ACTIVITY.value
_SDG_RULE = RuleKind.SDG_LINK_REQUIRED.value


class _Span(NamedTuple):
    """The time a record takes, as a period reads it (``start``, ``end``)."""

    start: str
    end: str | None


def _span(collection: str, record: Any) -> Any:
    """Return the period of ``record`` that an agreement's period is compared with.

    A mission's timeframe, a project's or learning activity's period, a thesis's year
    (its first to its last possible day); ``None`` when the record gives none.
    """
    if collection == "missions":
        return record.timeframe
    if collection == "theses":
        year = record.year
        return None if year is None else _Span(str(year), str(year))
    return record.period


def _in_force(span: Any, period: Any) -> bool:
    """Return whether a record of period ``span`` may fall within the agreement ``period``.

    True unless the two certainly share no day: a record whose dates are not known
    (no period, an unknown start) is within, as is an open one begun before the end.
    """
    return not shares_no_day(span, period)


@rule(
    "sdg_link_required",
    collections=("agreements", "missions", "projects", "theses", "learning_activities"),
)
def required_links(context: Context, collection: str, batch: Batch) -> None:
    """Report a record without an SDG link where its own agreement's rule requires one."""
    if collection == "agreements":
        _agreements(context, batch)
        return
    kind = _KIND[collection]
    agreements: dict[str, tuple[Any, dict[str, str]]] = context.facts(_REQUIRED)
    if not agreements:
        return
    for index, record in enumerate(batch.records):
        if record.sdg_links or record.agreement is None:
            continue
        found = agreements.get(record.agreement)
        if found is None:
            continue
        period, rules = found
        rule_of = rules.get(kind)
        if rule_of is None or not _in_force(_span(collection, record), period):
            continue
        context.add(
            "sdg_link_required",
            f"{kind} {record.id!r} has no SDG link, but rule {rule_of} requires one for "
            f"every {kind} of the agreement in its period; add an entry to sdg_links",
            batch.where(index),
            "/sdg_links" if record.sdg_links is not None else "",
        )


def _agreements(context: Context, batch: Batch) -> None:
    """Keep the SDG rules of each agreement; report its own activities without a link."""
    agreements: dict[str, tuple[Any, dict[str, str]]] = context.facts(_REQUIRED)
    for index, record in enumerate(batch.records):
        rules: dict[str, str] = {}
        for item in record.rules or ():
            if item.kind == _SDG_RULE:
                for kind in item.applies_to:
                    rules.setdefault(kind, f"{item.id!r} of agreement {record.id!r}")
        if not rules:
            continue
        agreements.setdefault(record.id, (record.period, rules))
        rule_of = rules.get(_ACTIVITY)
        if rule_of is None:
            continue
        for p, plan in enumerate(record.action_plans or ()):
            for a, activity in enumerate(plan.activities or ()):
                if activity.sdg_links or not _in_force(activity.period, record.period):
                    continue
                context.add(
                    "sdg_link_required",
                    f"activity {activity.id!r} has no SDG link, but rule {rule_of} requires "
                    "one for every activity of the agreement in its period; add an entry to "
                    "sdg_links",
                    batch.where(index),
                    f"/action_plans/{p}/activities/{a}",
                )

"""SDG links: real targets of their goal, suggestions that name their tool, the SDG rule.

An agreement's ``sdg-link-required`` rule says that every record of the kinds it
names must link to at least one goal; the first agreement in the dataset that
sets the rule for a kind is the one a message names.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from unikommune.codelists import SDG_TARGETS, RuleKind, SdgProvenance, sdg_goal_of
from unikommune.findings import Where
from unikommune.models import RECORD_TYPES, SdgLink
from unikommune.models.paths import FieldPath, Indexes
from unikommune.models.sdg import missing_for_suggestion, target_problem
from unikommune.rules import rule
from unikommune.rules.context import Context
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


@rule(
    "sdg_link_required",
    collections=("agreements", "missions", "projects", "theses", "learning_activities"),
)
def required_links(context: Context, collection: str, batch: Batch) -> None:
    """Report a record without an SDG link where an agreement's rule requires one."""
    required: dict[str, str] = context.facts(_REQUIRED)
    if collection == "agreements":
        for index, record in enumerate(batch.records):
            for item in record.rules or ():
                if item.kind == RuleKind.SDG_LINK_REQUIRED.value:
                    for kind in item.applies_to:
                        required.setdefault(kind, f"{item.id!r} of agreement {record.id!r}")
            activities = [
                (activity.id, f"/action_plans/{p}/activities/{a}")
                for p, plan in enumerate(record.action_plans or ())
                for a, activity in enumerate(plan.activities or ())
                if not activity.sdg_links
            ]
            if activities:
                where = batch.where(index)
                context.later(partial(_activities, activities=activities, where=where))
        return
    kind = _KIND[collection]
    rule_of = required.get(kind)
    if rule_of is None:
        return
    for index, record in enumerate(batch.records):
        if not record.sdg_links:
            context.add(
                "sdg_link_required",
                f"{kind} {record.id!r} has no SDG link, but rule {rule_of} requires one for "
                f"every {kind}; add an entry to sdg_links",
                batch.where(index),
                "/sdg_links" if record.sdg_links is not None else "",
            )


def _activities(context: Context, activities: list[tuple[str, str]], where: Where) -> None:
    """Report the action-plan activities without an SDG link, once every rule is known."""
    rule_of = context.facts(_REQUIRED).get("activity")
    if rule_of is None:
        return
    for activity, pointer in activities:
        context.add(
            "sdg_link_required",
            f"activity {activity!r} has no SDG link, but rule {rule_of} requires one for "
            "every activity; add an entry to sdg_links",
            where,
            pointer,
        )

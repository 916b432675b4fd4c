"""Documentary evidence: does the dataset hold what a documentary criterion asks for?

Each check returns a :class:`Check`: a status, the ids of the records that are the
evidence, and the reasons (:class:`~unikommune.evaluation.reasons.Reason`: a code and
its values).  Dates are read with :mod:`unikommune.dates`:
an agreement is *in force* when its period covers the day the dataset was last
modified; when that depends on an uncertain date (a start of ``2022?``, an end that
may fall before that day), the check says so instead of a silent yes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from unikommune import dates
from unikommune.codelists import PartnerKind, PartyRole, RuleKind
from unikommune.evaluation.criteria import DocumentaryCriterion
from unikommune.evaluation.passes import COUNTED_STATUSES
from unikommune.evaluation.reasons import Reason, ReasonValue
from unikommune.evaluation.tally import organisations
from unikommune.evaluation.values import MAX_EVIDENCE
from unikommune.models import Agreement, Dataset

__all__ = ["CHECKS", "Check", "Facts", "Status", "facts_of", "in_force"]

Status = Literal["met", "not_met", "uncertain", "not_enough_data"]
"""Met (on the cautious reading), not met, depends on an uncertain input, or no data."""

_UNIVERSITIES = frozenset({PartnerKind.UNIVERSITY.value, PartnerKind.UNIVERSITY_COLLEGE.value})
_MUNICIPALITY = PartnerKind.MUNICIPALITY.value


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of a check: status, evidence (record ids) and reasons."""

    status: Status
    evidence: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()


def in_force(agreement: Agreement, day: dt.date) -> Literal["yes", "maybe", "no"]:
    """Return whether ``agreement`` is in force on ``day``: surely, maybe, or surely not.

    Read by the days its dates may be (:mod:`unikommune.dates`; a mark such as ``2022?``
    does not move them): an open end (``..`` or none) is still running; an unknown start
    or end, or a date that may fall on either side of ``day``, makes it ``maybe``.
    """
    start = dates.parse_period_end(agreement.period.start)
    end = dates.parse_period_end(agreement.period.end or "..")
    if start.earliest is not None and start.earliest > day:
        return "no"
    if end.latest is not None and end.latest < day:
        return "no"
    sure_start = start.latest is not None and start.latest <= day
    sure_end = end.is_open or (end.earliest is not None and end.earliest >= day)
    return "yes" if sure_start and sure_end else "maybe"


class Facts:
    """What the checks read of a dataset, gathered once."""

    def __init__(self, dataset: Dataset) -> None:
        top = organisations({p.id: p.parent for p in dataset.partners})
        kinds = {p.id: p.kind.value for p in dataset.partners}
        self.kind = {pid: kinds.get(top.get(pid, pid), kinds[pid]) for pid in kinds}
        self.day = dt.date.fromisoformat(dataset.modified)
        self.dataset = dataset
        self.force = {a.id: in_force(a, self.day) for a in dataset.agreements}
        self.by_id = {a.id: a for a in dataset.agreements}

    def both_sides(self, partners: list[str]) -> bool:
        """Return whether ``partners`` include a municipality and a university."""
        found = {self.kind.get(p) for p in partners}
        return _MUNICIPALITY in found and bool(found & _UNIVERSITIES)

    def inherited(self, agreement: Agreement, name: str) -> list[Any]:
        """Return the list ``name`` of ``agreement``, else of the agreement it continues.

        A continuation agreement that declares no governance, rules or action plans of
        its own is read as keeping those of the agreement it supersedes.
        """
        seen = {agreement.id}
        found: list[Any] = getattr(agreement, name)
        while not found and agreement.supersedes in self.by_id:
            agreement = self.by_id[agreement.supersedes]
            if agreement.id in seen:
                break
            seen.add(agreement.id)
            found = getattr(agreement, name)
        return found

    @cached_property
    def counted_projects(self) -> list[tuple[str, list[str], list[str]]]:
        """Return ``(id, partners, thematic areas)`` of each active or completed project."""
        return [
            (p.id, [x.partner for x in p.participants], list(p.thematic_areas))
            for p in self.dataset.projects
            if p.status.value in COUNTED_STATUSES
        ]

    def current(self) -> Iterator[tuple[Agreement, bool]]:
        """Yield the agreements that may be in force, and whether they surely are."""
        for agreement in self.dataset.agreements:
            state = self.force[agreement.id]
            if state != "no":
                yield agreement, state == "yes"


def _none_in_force(facts: Facts) -> Check:
    if not facts.dataset.agreements:
        return Check("not_enough_data", reasons=(Reason("no_agreement"),))
    return Check("not_met", reasons=(Reason("none_in_force", {"day": str(facts.day)}),))


def _best(found: list[tuple[str, bool]], what: str, facts: Facts, **more: ReasonValue) -> Check:
    """Return met if a surely current agreement has ``what``, uncertain if only maybe.

    ``what`` is a requirement (:data:`~unikommune.evaluation.reasons.REQUIREMENTS`),
    ``more`` the values its words take.
    """
    sure = [record for record, certain in found if certain]
    if sure:
        why = Reason("agreement_has", {"what": what, **more, "records": tuple(sure[:3])})
        return Check("met", tuple(sure[:MAX_EVIDENCE]), (why,))
    day = str(facts.day)
    if found:
        ids = [record for record, _ in found]
        why = Reason("agreement_has_uncertain", {"what": what, **more, "day": day})
        return Check("uncertain", tuple(ids[:MAX_EVIDENCE]), (why,))
    return Check(
        "not_met", reasons=(Reason("agreement_lacks", {"what": what, **more, "day": day}),)
    )


def _parties(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    if not facts.dataset.agreements:
        return _none_in_force(facts)
    found = [
        a.id
        for a in facts.dataset.agreements
        if facts.both_sides([p.partner for p in a.parties if p.role == PartyRole.PARTY])
    ]
    if found:
        return Check("met", tuple(found), (Reason("parties_both_sides"),))
    return Check("not_met", reasons=(Reason("parties_lack"),))


def _agreement_in_force(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    current = [(a.id, certain) for a, certain in facts.current()]
    if not current:
        return _none_in_force(facts)
    return _best(current, "in_force", facts)


def _long_term(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    minimum = criterion.minimum or 4
    by_id = {a.id: a for a in facts.dataset.agreements}
    found: list[tuple[str, bool]] = []
    for agreement, certain in facts.current():
        chain, first = [agreement.id], agreement
        while first.supersedes in by_id and first.supersedes not in chain:
            first = by_id[first.supersedes]
            chain.append(first.id)
        start = dates.parse_period_end(first.period.start)
        end = dates.parse_period_end(agreement.period.end or "..")
        if end.is_open or end.is_unknown:
            found.append((agreement.id, certain and end.is_open))
            continue
        if start.earliest is None or start.latest is None or end.earliest is None:
            continue
        assert end.latest is not None
        surely = end.earliest.year - start.latest.year + 1 >= minimum
        maybe = end.latest.year - start.earliest.year + 1 >= minimum
        if maybe:
            found.append((agreement.id, certain and surely))
    if not found and not any(True for _ in facts.current()):
        return _none_in_force(facts)
    return _best(found, "long_term", facts, years=minimum)


def _successor(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    ids = {a.id for a in facts.dataset.agreements}
    found = [f"{a.id}" for a in facts.dataset.agreements if a.supersedes in ids]
    if found:
        return Check("met", tuple(found), (Reason("successor", {"agreement": found[0]}),))
    if not ids:
        return _none_in_force(facts)
    return Check("not_met", reasons=(Reason("no_successor"),))


def _governance(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    found = [
        (f"{agreement.id}/{body.id}", certain)
        for agreement, certain in facts.current()
        for body in facts.inherited(agreement, "governance")
        if facts.both_sides([seat.partner for seat in body.members])
    ]
    if not any(True for _ in facts.current()):
        return _none_in_force(facts)
    return _best(found, "governance", facts)


def _action_plans(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    found: list[tuple[str, bool]] = []
    missing: list[tuple[str, str]] = []
    for agreement, certain in facts.current():
        planned = {plan.focus_area for plan in facts.inherited(agreement, "action_plans")}
        lacking = [area for area in agreement.focus_areas if area not in planned]
        if agreement.focus_areas and not lacking:
            found.append((agreement.id, certain))
        missing.extend((agreement.id, area) for area in lacking)
    if not any(True for _ in facts.current()):
        return _none_in_force(facts)
    check = _best(found, "action_plans", facts)
    if check.status == "not_met" and missing:
        return Check("not_met", reasons=(Reason("action_plans_lack", {"plans": tuple(missing)}),))
    return check


def _thematic_breadth(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    minimum = criterion.minimum or 3
    projects = facts.counted_projects
    if not projects:
        return Check("not_enough_data", reasons=(Reason("no_projects"),))
    areas = sorted({area for _, _, found in projects for area in found})
    evidence = tuple(pid for pid, _, found in projects if found)[:MAX_EVIDENCE]
    if len(areas) >= minimum:
        return Check("met", evidence, (Reason("thematic_areas", {"count": len(areas)}),))
    why = Reason("thematic_areas_short", {"count": len(areas), "minimum": minimum})
    return Check("not_met", evidence, (why,))


def _joint_project(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    projects = facts.counted_projects
    if not projects:
        return Check("not_enough_data", reasons=(Reason("no_projects"),))
    found = [pid for pid, partners, _ in projects if facts.both_sides(partners)]
    if found:
        why = Reason("joint_projects", {"count": len(found)})
        return Check("met", tuple(found[:MAX_EVIDENCE]), (why,))
    return Check("not_met", reasons=(Reason("no_joint_project"),))


def _sdg_rule(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    found = [
        (f"{agreement.id}/{rule.id}", certain)
        for agreement, certain in facts.current()
        for rule in facts.inherited(agreement, "rules")
        if rule.kind == RuleKind.SDG_LINK_REQUIRED
    ]
    if not any(True for _ in facts.current()):
        return _none_in_force(facts)
    return _best(found, "sdg_rule", facts)


def _document(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    words = [word.casefold() for word in criterion.keywords]
    listed = [(a.id, link) for a in facts.dataset.agreements for link in a.documents]
    if not listed:
        return Check("not_enough_data", reasons=(Reason("no_documents"),))
    found = [
        (agreement, str(link.url))
        for agreement, link in listed
        if any(
            word in text.casefold()
            for word in words
            for text in (link.url, *(link.title or {}).values())
        )
    ]
    if found:
        why = Reason("document_found", {"agreement": found[0][0], "url": found[0][1]})
        evidence = tuple(f"{agreement}: {url}" for agreement, url in found[:MAX_EVIDENCE])
        return Check("met", evidence, (why,))
    why = Reason("no_document_mentions", {"keywords": tuple(criterion.keywords)})
    return Check("not_met", reasons=(why,))


def _maturity(facts: Facts, criterion: DocumentaryCriterion) -> Check:
    level = criterion.level.value if criterion.level is not None else "3.0"
    found = [
        f"{a.id}@{m.date}"
        for a in facts.dataset.agreements
        for m in a.maturity_assessments
        if m.level.value >= level
    ]
    if found:
        why = Reason("maturity_assessed", {"level": level, "assessment": found[0]})
        return Check("met", tuple(found), (why,))
    return Check("not_met", reasons=(Reason("no_maturity_assessment", {"level": level}),))


#: The check of every kind of evidence.
CHECKS: dict[str, Callable[[Facts, DocumentaryCriterion], Check]] = {
    "parties": _parties,
    "agreement_in_force": _agreement_in_force,
    "long_term": _long_term,
    "successor_agreement": _successor,
    "governance_both_sides": _governance,
    "action_plan_per_focus_area": _action_plans,
    "thematic_breadth": _thematic_breadth,
    "joint_project": _joint_project,
    "sdg_rule": _sdg_rule,
    "document": _document,
    "maturity_assessed": _maturity,
}


def facts_of(dataset: Dataset) -> Facts:
    """Return what the checks read of ``dataset``."""
    return Facts(dataset)

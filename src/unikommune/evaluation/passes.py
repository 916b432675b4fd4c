"""One pass over each collection adds what its records give to every indicator.

Each function reads one collection once and adds to the :class:`~.tally.Tally`, under
the span of years each record may touch; the indicators' definitions are in
:mod:`.catalogue` and ``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any

from unikommune import dates
from unikommune.codelists import (
    FundingStatus,
    PartnerKind,
    ProgrammeField,
    ProjectStatus,
    StudyLevel,
)
from unikommune.evaluation.tally import NO_SPAN, NONE, Context, Cut, Span, Tally, one_year
from unikommune.evaluation.values import (
    MAX_EVIDENCE,
    count_bounds,
    date_years,
    given_year,
    year_bounds,
)
from unikommune.models import Dataset, Project

__all__ = [
    "COUNTED_STATUSES",
    "agreements_pass",
    "education_pass",
    "label",
    "missions_pass",
    "projects_pass",
    "sdg_pass",
]

#: Statuses of projects that ran (the activity indicators count these).
COUNTED_STATUSES = frozenset({ProjectStatus.ACTIVE.value, ProjectStatus.COMPLETED.value})
_UNIVERSITIES = frozenset({PartnerKind.UNIVERSITY.value, PartnerKind.UNIVERSITY_COLLEGE.value})
_MUNICIPALITY = PartnerKind.MUNICIPALITY.value
_GRANTED = frozenset({None, FundingStatus.GRANTED.value})
_COMPLETED = ProjectStatus.COMPLETED.value


def label(text: Mapping[str, str] | None) -> str:
    """Return a category name from a language map: English, else Norwegian, else any."""
    if not text:
        return NONE
    return text.get("en") or text.get("nb") or next(iter(text.values()))


def _on_date(text: str | None) -> Span | None:
    """Return the span of the one day ``text`` gives (``None``: open or unknown)."""
    found = date_years(text) if text and text != ".." else None
    return None if found is None else one_year(*found)


def _within(inner: Span, outer: Span | None) -> Span | None:
    """Return the span of ``inner`` limited to ``outer`` (``None``: they share no year)."""
    if outer is None:
        return inner
    first, last = max(inner[0], outer[0]), min(inner[1], outer[1])
    if first > last:
        return None
    return first, last, max(inner[2], outer[2]), min(inner[3], outer[3])


def _area_cuts(record: Any, ctx: Context, partners: list[str]) -> list[Cut]:
    cuts: list[Cut] = []
    if hasattr(record, "focus_areas"):
        cuts.extend(("focus_area", a) for a in record.focus_areas or (NONE,))
    cuts.extend(("thematic_area", a) for a in record.thematic_areas or (NONE,))
    if partners:
        cuts.extend(("partner", p) for p in ctx.organisations(partners))
        cuts.extend(("sector", s) for s in ctx.sectors(partners))
    goals = dict.fromkeys(str(link.goal) for link in record.sdg_links)
    cuts.extend(("sdg_goal", g) for g in goals or (NONE,))
    return cuts


def projects_pass(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    """Add the activity, funding and output indicators of every project."""
    for project in dataset.projects:
        span = year_bounds(project.period.start, project.period.end, ctx.last_known)
        if span is None:
            continue  # an unknown start cannot be placed in years
        tally.cover("projects", span[0], span[1])
        partners = [p.partner for p in project.participants]
        if project.funding:
            start = one_year(span[0], span[0], span[0] == span[2])
            _funding(project, start, tally, ctx)
        if project.outputs:
            _outputs(project, partners, tally, ctx)
        status = project.status.value
        if status not in COUNTED_STATUSES or not tally.counting:
            continue
        cuts = _area_cuts(project, ctx, partners) if tally.cutting else []
        record = project.id
        tally.add("projects_active", span, record, cuts=cuts)
        started = _on_date(project.period.start)
        if started is not None:
            tally.add("projects_started", started, record, cuts=cuts)
        ended = _on_date(project.period.end)
        if ended is not None and status == _COMPLETED:
            tally.add("projects_completed", ended, record, cuts=cuts)
        _participations(project, span, tally, ctx)


def _participations(project: Project, span: Span, tally: Tally, ctx: Context) -> None:
    top, sectors = ctx.top, ctx.sector
    parts: dict[Cut, int] = {}
    total = 0
    cutting = tally.cutting
    for participation in project.participants:
        if participation.period is None and not cutting:
            total += 1
            continue
        partner = participation.partner
        cuts: list[Cut] = [("partner", top.get(partner, partner))]
        if partner in sectors:
            cuts.append(("sector", sectors[partner]))
        if participation.period is not None:  # a part of its own: years of its own
            period = participation.period
            own = _within(span, year_bounds(period.start, period.end, ctx.last_known))
            if own is not None:
                tally.add("participations", own, project.id, cuts=cuts)
            continue
        total += 1
        for cut in cuts:
            parts[cut] = parts.get(cut, 0) + 1
    if total:
        tally.add_parts("participations", span, project.id, total, parts)


def _funding(project: Project, start: Span, tally: Tally, ctx: Context) -> None:
    """Add a project's funding lines: dated by decision or application, else by its start."""
    for line in project.funding:
        status = None if line.status is None else line.status.value
        decided = _on_date(line.decided)
        if line.external and status in _GRANTED and line.amount is not None:
            when = decided or start
            funder = (
                ctx.top.get(line.funder, line.funder) if line.funder else label(line.funder_name)
            )
            tally.cover("funding", when[0], when[1])
            tally.add(
                f"external_funding:{line.amount.currency}",
                when,
                project.id,
                line.amount.amount,
                cuts=(("funder", funder), ("programme", label(line.programme))),
            )
        if status is None:
            continue
        applied = _on_date(line.applied) or decided or start
        tally.cover("applications", applied[0], applied[1])
        tally.add("funding_applications", applied, project.id, cuts=(("outcome", status),))
        if status in (FundingStatus.GRANTED.value, FundingStatus.REJECTED.value):
            settled = decided or applied
            tally.add("_decided", settled, project.id)
            if status == FundingStatus.GRANTED.value:
                tally.add("_granted", settled, project.id)


def _outputs(project: Project, partners: list[str], tally: Tally, ctx: Context) -> None:
    kinds = {ctx.kind.get(p) for p in partners}
    joint = _MUNICIPALITY in kinds and bool(kinds & _UNIVERSITIES)
    for output in project.outputs:
        if output.year is None:
            continue
        span = one_year(*given_year(output.year))
        tally.cover("outputs", span[0], span[1])
        cuts = (("kind", output.kind.value), ("doi", "yes" if output.doi else "no"))
        tally.add("outputs", span, project.id, cuts=cuts)
        if joint:
            tally.add("co_authored_outputs", span, project.id, cuts=cuts[:1])


def missions_pass(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    """Add the active missions, and whether their projects lie within their timeframes."""
    counting = tally.counting
    projects = (
        {project.id: project for project in dataset.projects}
        if dataset.missions and counting
        else {}
    )
    for mission in dataset.missions:
        frame = mission.timeframe
        span = year_bounds(frame.start, frame.end, ctx.last_known)
        if span is None:
            continue
        tally.cover("missions", span[0], span[1])
        cuts: list[Cut] = []
        if tally.cutting:
            cuts.extend(("thematic_area", a) for a in mission.thematic_areas or (NONE,))
            goals = dict.fromkeys(str(link.goal) for link in mission.sdg_links)
            cuts.extend(("sdg_goal", g) for g in goals or (NONE,))
        tally.add("missions_active", span, mission.id, cuts=cuts)
        for project_id in mission.projects if counting else ():
            project = projects.get(project_id)
            if project is None or project.status.value not in COUNTED_STATUSES:
                continue
            own = year_bounds(project.period.start, project.period.end, ctx.last_known)
            if own is None:
                continue
            end = project.period.end if project.period.end is not None else ".."
            tally.add("_mission_projects", own, project.id)
            if dates.possibly_within(project.period.start, end, frame.start, frame.end):
                surely = dates.certainly_within(project.period.start, end, frame.start, frame.end)
                within = own if surely else (own[0], own[1], *NO_SPAN)
                tally.add("_mission_projects_within", within, project.id)


_PLACEMENT = attrgetter("year", "institution", "weeks", "field", "level")
#: Fields and levels by ``id``: an enum member hashes in Python, its ``id`` in C, and a
#: million placements are grouped by them.
_MEMBERS: dict[int, Any] = {id(m): m for m in (*ProgrammeField, *StudyLevel)}


def _placement_groups(dataset: Dataset, ctx: Context, *, cutting: bool) -> dict[Any, list[Any]]:
    """Group the placements that count alike: ``[first ids, records, value, low, high]``.

    The key is the placement's year, weeks and whether its count is exact, and when
    breakdowns are wanted its field, level and organisation: a million placements make
    a few groups per year for the totals.
    """
    groups: dict[Any, list[Any]] = {}
    top = ctx.top
    for placement in dataset.placements:
        students = placement.students
        exact = type(students) is int
        year, unit, weeks, field, level = _PLACEMENT(placement)
        if cutting:
            key: Any = (year, weeks, exact, id(field), id(level), top.get(unit, unit))
        else:
            key = (year, weeks, exact)
        group = groups.get(key)
        if group is None:
            group = groups[key] = [[], 0, 0.0, 0.0, 0.0]
        if len(group[0]) < MAX_EVIDENCE:
            group[0].append(placement.id)
        group[1] += 1
        if exact:
            group[2] += students
            continue
        value, (low, high), _ = count_bounds(students)
        group[2] += value
        group[3] += low
        group[4] = None if group[4] is None or high is None else group[4] + high
    return groups


def education_pass(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    """Add placements, theses and learning activities."""
    cutting = tally.cutting
    for key, group in _placement_groups(dataset, ctx, cutting=cutting).items():
        year, weeks, exact = key[:3]
        cuts: tuple[Cut, ...] = ()
        if cutting:
            field, level = _MEMBERS[key[3]], _MEMBERS[key[4]]
            cuts = (("field", field.value), ("level", level.value), ("partner", key[5]))
        ids, records, value, low, high = group
        span = one_year(*given_year(year))
        tally.cover("placements", span[0], span[1])
        bounds = None if exact else (low, high)
        options: dict[str, Any] = {"approximate": not exact, "records": records}
        tally.add("students_placed", span, ids, value, bounds, cuts=cuts, **options)
        if weeks is not None:
            tally.cover("placement_weeks", span[0], span[1])
            weekly = None if exact else (low * weeks, None if high is None else high * weeks)
            tally.add("placement_weeks", span, ids, value * weeks, weekly, cuts=cuts[:2], **options)
    for thesis in dataset.theses:
        span = one_year(*given_year(thesis.year))
        tally.cover("theses", span[0], span[1])
        thesis_cuts = (
            [
                ("level", thesis.level.value),
                ("field", thesis.field.value if thesis.field is not None else NONE),
                *_area_cuts(thesis, ctx, []),
            ]
            if tally.cutting
            else []
        )
        tally.add("theses", span, thesis.id, cuts=thesis_cuts)
    _learning(dataset, tally, ctx)


def _learning(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    for activity in dataset.learning_activities:
        if activity.period is None:
            continue
        span = year_bounds(activity.period.start, activity.period.end, ctx.last_known)
        if span is None:
            continue
        tally.cover("learning_activities", span[0], span[1])
        cuts = [("kind", activity.kind.value), *_area_cuts(activity, ctx, [])]
        cuts = [cut for cut in cuts if cut[0] in ("kind", "focus_area", "thematic_area")]
        tally.add("learning_activities", span, activity.id, cuts=cuts)
        if activity.credits is not None:
            tally.cover("ects", span[0], span[1])
            tally.add("ects_offered", span, activity.id, activity.credits, cuts=cuts[:1])
        if activity.participants:
            tally.cover("learning_participants", span[0], span[1])
        if not tally.counting:
            continue
        for participant in activity.participants:
            count, bounds, approximate = count_bounds(participant.count)
            partner = participant.partner
            person_cuts: list[Cut] = [("partner", ctx.top.get(partner, partner))]
            if partner in ctx.sector:
                person_cuts.append(("sector", ctx.sector[partner]))
            tally.add(
                "learning_participants",
                span,
                activity.id,
                count,
                bounds if approximate else None,
                approximate=approximate,
                cuts=person_cuts,
            )


def agreements_pass(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    """Add the combined positions in the governance bodies of every agreement."""
    for agreement in dataset.agreements:
        span = year_bounds(agreement.period.start, agreement.period.end, ctx.last_known)
        if span is None:
            continue
        tally.cover("agreements", span[0], span[1])
        for body in agreement.governance:
            for seat in body.members:
                if not seat.combined_with:
                    continue
                own: Span | None = span
                if seat.period is not None:
                    held = year_bounds(seat.period.start, seat.period.end, ctx.last_known)
                    own = None if held is None else _within(span, held)
                if own is not None:
                    tally.add("combined_positions", own, f"{agreement.id}/{body.id}")


def _activities(dataset: Dataset, ctx: Context) -> Iterator[tuple[str, str, Span | None, Any]]:
    """Yield ``(kind, id, span, sdg_links)`` of every activity the SDG indicators count."""
    last = ctx.last_known
    for project in dataset.projects:
        if project.status.value in COUNTED_STATUSES:
            span = year_bounds(project.period.start, project.period.end, last)
            yield "projects", project.id, span, project.sdg_links
    for mission in dataset.missions:
        frame = mission.timeframe
        yield "missions", mission.id, year_bounds(frame.start, frame.end, last), mission.sdg_links
    for thesis in dataset.theses:
        yield "theses", thesis.id, one_year(*given_year(thesis.year)), thesis.sdg_links
    for activity in dataset.learning_activities:
        if activity.period is not None:
            span = year_bounds(activity.period.start, activity.period.end, last)
            yield "learning_activities", activity.id, span, activity.sdg_links
    for agreement in dataset.agreements:
        for plan in agreement.action_plans:
            for item in plan.activities:
                period = item.period or plan.period or agreement.period
                span = year_bounds(period.start, period.end, last)
                yield "action_plan_activities", f"{agreement.id}/{item.id}", span, item.sdg_links


def _provenance(link: Any) -> str:
    return "declared" if link.provenance is None else str(link.provenance.method.value)


def sdg_pass(dataset: Dataset, tally: Tally, ctx: Context) -> None:
    """Add the SDG indicators: goals and targets reached, linked share, links by provenance."""
    for kind, record, span, links in _activities(dataset, ctx):
        if span is None:
            continue
        tally.cover("sdg", span[0], span[1])
        if not tally.counting:
            continue
        kind_cut: Iterable[Cut] = (("activity_kind", kind),)
        tally.add("_activities", span, record, cuts=kind_cut)
        if not links:
            continue
        tally.add("_linked_activities", span, record, cuts=kind_cut)
        tally.reach("sdg_goals_reached", span, {str(link.goal) for link in links})
        targets = {link.target for link in links if link.target is not None}
        if targets:
            tally.reach("sdg_targets_reached", span, targets)
        if not tally.cutting:
            tally.add("sdg_links", span, record, float(len(links)))
            continue
        for link in links:
            tally.add(
                "sdg_links",
                span,
                record,
                cuts=(("provenance", _provenance(link)), ("sdg_goal", str(link.goal))),
            )

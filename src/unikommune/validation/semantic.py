"""Semantic checks: what a schema cannot say about a dataset.

Records arrive one at a time, collection by collection in published order
(partners, agreements, missions, projects, placements, theses, learning
activities), already checked for shape.  The checker keeps only ids and the few
facts later records are checked against (agreement periods, mission
timeframes, the agreements' rules), so memory grows with the number of ids,
never with the size of the files.  A reference to a collection already read is
checked at once; one to a collection still to come waits until the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from typing import Any

from unikommune import types
from unikommune.codelists import SDG_TARGETS, RuleKind, SdgProvenance, sdg_goal_of
from unikommune.identifiers import SCHEME_PATTERNS, identifier_problem
from unikommune.models import COLLECTIONS, RECORD_TYPES, Profile
from unikommune.validation.reader import RawFinding

__all__ = ["Semantics", "Where", "date_bounds", "shares_no_day"]

_GOAL_OF = {target: sdg_goal_of(target) for target in SDG_TARGETS}
_SCHEME_RE = {scheme.value: re.compile(pattern) for scheme, pattern in SCHEME_PATTERNS.items()}
_Bounds = tuple[dt.date, dt.date | None]


#: Where a record is: its file, its pointer in the file's document, its JSON Lines line.
#: A plain tuple, since one is made for every record.
Where = tuple[str | None, str, int | None]


@cache
def _unique_fields() -> Mapping[str, tuple[str, ...]]:
    return {
        name: tuple(
            field
            for field, info in model.model_fields.items()
            if any(getattr(item, "func", None) is types._no_duplicates for item in info.metadata)
        )
        for name, model in COLLECTIONS.items()
    }


@lru_cache(maxsize=65_536)
def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Return :func:`unikommune.types.date_bounds` of ``value``, worked out once per value.

    Dates repeat a great deal across records (years, months, the same days).
    """
    return types.date_bounds(value)


def _bounds(period: Mapping[str, Any] | None) -> _Bounds | None:
    if not period or "start" not in period:
        return None
    try:
        first = date_bounds(period["start"])[0]
        end = period.get("end")
        return first, (date_bounds(end)[1] if end else None)
    except ValueError:  # pragma: no cover - the shape check has already passed
        return None


def shares_no_day(bounds: _Bounds | None, span: _Bounds | None) -> bool:
    """Return whether a record's ``bounds`` share no day with an agreement's ``span``.

    A project begun under an agreement may outlive it; only a record with no day in the
    agreement's period is suspicious.  Either unknown (``None``) shares a day.
    """
    return (
        span is not None
        and bounds is not None
        and (
            (span[1] is not None and bounds[0] > span[1])
            or (bounds[1] is not None and bounds[1] < span[0])
        )
    )


def _label(record_type: str, record: Mapping[str, Any]) -> str:
    return f"{record_type} {record.get('id', '?')!r}"


class Semantics:
    """Check records one at a time against each other, the profile and the agreements' rules."""

    def __init__(self, profile: Profile) -> None:
        self.findings: list[RawFinding] = []
        self.ids: dict[str, set[Any]] = {name: set() for name in COLLECTIONS}
        self._done: set[str] = set()
        self._deferred: list[tuple[str, str, Where, str, str, int]] = []
        self._deferred_lists: list[tuple[str, list[Any], Where, str, str]] = []
        self._focus = profile.focus_area_codes()
        self._thematic = profile.thematic_area_codes()
        self._profile_id = profile.id
        self._parents: dict[str, tuple[str, Where]] = {}
        self._supersedes: dict[str, tuple[str, Where]] = {}
        self._agreement_periods: dict[str, _Bounds] = {}
        self._mission_of_project: dict[str, tuple[str, _Bounds]] = {}
        self._required_sdg: dict[str, str] = {}
        self._activities_without_sdg: list[tuple[str, Where, str]] = []
        # Functions, not bound methods: a bound method kept here would make the checker a
        # reference cycle, which only the cycle collector frees, ids and all.
        self._check: dict[str, Callable[[Semantics, Mapping[str, Any], Where], None]] = {
            name: getattr(Semantics, f"_{name}") for name in COLLECTIONS if name != "placements"
        }
        self._unique_of = _unique_fields()
        # Keyed by a hash of (collection, scheme, value): a dataset may hold millions of
        # identifiers, and only the first record's id is needed for the message.
        self._seen_identifiers: dict[int, str] = {}

    # -- helpers --------------------------------------------------------------------------------
    def add(self, code: str, message: str, where: Where, sub: str = "") -> None:
        """Record a finding at ``sub`` (a pointer within the record) of the record ``where``."""
        file, prefix, line = where
        self.findings.append(RawFinding(code, message, file, prefix + sub, record_line=line))

    def ref(
        self, target: str, value: Any, where: Where, sub: str, field: str, index: int = -1
    ) -> None:
        """Check that ``value`` is the id of a record in collection ``target``.

        ``index`` is the position in a list of references (``sub`` and ``field`` then name
        the list); the place is spelled out only for a finding, since a reference to a
        collection still to come waits in memory until the end.
        """
        if not isinstance(value, str):
            return
        if target in self._done:
            if value not in self.ids[target]:
                self._unresolved(target, value, where, sub, field, index)
        else:
            self._deferred.append((target, value, where, sub, field, index))

    def _unresolved(
        self, target: str, value: str, where: Where, sub: str, field: str, index: int
    ) -> None:
        if index >= 0:
            sub, field = f"{sub}/{index}", f"{field}[{index}]"
        noun = RECORD_TYPES[target].value.replace("-", " ")
        article = "an" if noun[0] in "aeiou" else "a"
        self.add(
            "unresolved_reference",
            f"{field}: expected the id of {article} {noun} in the dataset, found {value!r}, "
            f"which no {noun} has; correct the id or add the {noun}",
            where,
            sub,
        )

    def refs(self, target: str, values: Iterable[Any], where: Where, sub: str, field: str) -> None:
        """Check every id of a list of references (at the end, as one, if they must wait)."""
        if target not in self._done:
            self._deferred_lists.append((target, list(values), where, sub, field))
            return
        for index, value in enumerate(values):
            self.ref(target, value, where, sub, field, index)

    def _period(
        self, period: Mapping[str, Any] | None, where: Where, sub: str, field: str
    ) -> _Bounds | None:
        bounds = _bounds(period)
        if bounds and bounds[1] is not None and bounds[1] < bounds[0]:
            assert period is not None
            self.add(
                "period_end_before_start",
                f"{field}: the period ends ({period['end']}) before it starts "
                f"({period['start']}); swap or correct the dates",
                where,
                f"{sub}/end",
            )
            return None
        return bounds

    def _within(
        self, inner: _Bounds | None, outer: _Bounds, code: str, message: str, where: Where, sub: str
    ) -> None:
        if inner is None:
            return
        starts_early = inner[0] < outer[0]
        last = inner[1] if inner[1] is not None else inner[0]
        ends_late = outer[1] is not None and last > outer[1]
        if starts_early or ends_late:
            self.add(code, message, where, sub)

    def _codes(self, codes: Iterable[Any], kind: str, where: Where, sub: str) -> None:
        known = self._focus if kind == "focus" else self._thematic
        for index, code in enumerate(codes):
            if code not in known:
                self.add(
                    f"unknown_{kind}_area" if kind == "focus" else "unknown_thematic_area",
                    f"{sub.strip('/').split('/')[-1] or kind}: {code!r} is not a {kind} area "
                    f"of the profile {self._profile_id!r}; expected one of "
                    f"{', '.join(sorted(known))}",
                    where,
                    f"{sub}/{index}" if sub.endswith("areas") else sub,
                )

    def _areas(self, record: Mapping[str, Any], where: Where) -> None:
        self._codes(record.get("focus_areas", ()), "focus", where, "/focus_areas")
        self._codes(record.get("thematic_areas", ()), "thematic", where, "/thematic_areas")

    def _unique_list(self, items: Any, where: Where, sub: str, field: str) -> None:
        if not items or len(items) == len(set(items)):
            return
        seen: set[Any] = set()
        for index, item in enumerate(items):
            if item in seen:
                self.add(
                    "duplicate_list_item",
                    f"{field}[{index}]: {item!r} is already listed; remove the repeat",
                    where,
                    f"{sub}/{index}",
                )
            seen.add(item)

    def _local_ids(
        self,
        items: Iterable[Mapping[str, Any]],
        where: Where,
        sub: str,
        noun: str,
        seen: set[str] | None = None,
    ) -> set[str]:
        seen = set() if seen is None else seen
        for index, item in enumerate(items):
            local = item.get("id")
            if local in seen:
                self.add(
                    "duplicate_id",
                    f"{sub.strip('/')}[{index}].id: {local!r} is already the id of another "
                    f"{noun} of this agreement; give it another id",
                    where,
                    f"{sub}/{index}/id",
                )
            elif isinstance(local, str):
                seen.add(local)
        return seen

    def _sdg_links(
        self, links: list[Mapping[str, Any]] | None, where: Where, sub: str = "/sdg_links"
    ) -> None:
        for index, link in enumerate(links or ()):
            at = f"{sub}/{index}"
            goal = link.get("goal")
            target = link.get("target")
            if target is not None:
                if target not in _GOAL_OF:
                    self.add(
                        "unknown_sdg_target",
                        f"sdg_links[{index}].target: {target!r} is not one of the 169 SDG "
                        f"targets; expected a code such as {goal or 11}.1",
                        where,
                        f"{at}/target",
                    )
                elif _GOAL_OF[target] != goal:
                    self.add(
                        "sdg_target_not_of_goal",
                        f"sdg_links[{index}]: target {target} belongs to goal "
                        f"{_GOAL_OF[target]}, not to goal {goal}; correct one of them",
                        where,
                        f"{at}/target",
                    )
            provenance = link.get("provenance")
            if provenance:
                if provenance.get("method") == SdgProvenance.SUGGESTED.value:
                    missing = [
                        name
                        for name in ("tool", "tool_version", "confidence")
                        if provenance.get(name) is None
                    ]
                    if missing:
                        self.add(
                            "suggested_link_incomplete",
                            f"sdg_links[{index}].provenance: a suggested link names its tool; "
                            f"missing {', '.join(missing)}",
                            where,
                            f"{at}/provenance",
                        )
                if provenance.get("curator") is not None:
                    self.ref(
                        "partners",
                        provenance["curator"],
                        where,
                        f"{at}/provenance/curator",
                        f"sdg_links[{index}].provenance.curator",
                    )

    def _identifiers(
        self,
        collection: str,
        record: Mapping[str, Any],
        where: Where,
        items: list[Mapping[str, Any]] | None,
        sub: str,
        own: bool,
    ) -> None:
        for index, identifier in enumerate(items or ()):
            scheme, value = identifier.get("scheme"), identifier.get("value")
            if not isinstance(scheme, str) or not isinstance(value, str):
                continue  # pragma: no cover - the shape check has already passed
            problem = identifier_problem(scheme, value)
            if problem is not None:
                code = (
                    "invalid_identifier"
                    if not _SCHEME_RE[scheme].fullmatch(value)
                    else "identifier_check_digit"
                )
                self.add(
                    code, f"{sub.strip('/')}[{index}]: {problem}", where, f"{sub}/{index}/value"
                )
                continue
            if own:
                key = hash((collection, scheme, value))
                first = self._seen_identifiers.get(key)
                if first is None:
                    self._seen_identifiers[key] = str(record.get("id"))
                elif first != record.get("id"):
                    self.add(
                        "duplicate_record",
                        f"{sub.strip('/')}[{index}]: {scheme} {value} is also the identifier of "
                        f"{first!r}; the two records are probably the same",
                        where,
                        f"{sub}/{index}/value",
                    )

    def _required_sdg_link(self, record_type: str, record: Mapping[str, Any], where: Where) -> None:
        rule = self._required_sdg.get(record_type)
        if rule is not None and not record.get("sdg_links"):
            self.add(
                "sdg_link_required",
                f"{_label(record_type, record)} has no SDG link, but rule {rule} requires one "
                f"for every {record_type}; add an entry to sdg_links",
                where,
                "/sdg_links" if "sdg_links" in record else "",
            )

    def _agreement_link(
        self, record: Mapping[str, Any], bounds: _Bounds | None, where: Where, record_type: str
    ) -> None:
        agreement = record.get("agreement")
        if agreement is None:
            return
        self.ref("agreements", agreement, where, "/agreement", "agreement")
        if shares_no_day(bounds, self._agreement_periods.get(agreement)):
            self.add(
                "activity_outside_agreement_period",
                f"{_label(record_type, record)} runs wholly outside the period of agreement "
                f"{agreement!r}; check the dates, or link it to the agreement in force",
                where,
                "/agreement",
            )

    # -- records --------------------------------------------------------------------------------
    def is_done(self, collection: str) -> bool:
        """Return whether every record of ``collection`` has been read."""
        return collection in self._done

    def keep_id(self, collection: str, record_id: str) -> None:
        """Count the id of a record that failed its shape checks, so references to it resolve."""
        self.ids[collection].add(hash(record_id) if collection == "placements" else record_id)

    def record(self, collection: str, record: Mapping[str, Any], where: Where) -> None:
        """Check one record (already checked for shape) of ``collection``."""
        record_id = record["id"]
        ids = self.ids[collection]
        # Nothing refers to a placement, so its id is kept only to find repeats: as a 64-bit
        # hash, which takes half the memory of the string (a false repeat among ten million
        # ids has odds of about one in three hundred thousand).
        key = hash(record_id) if collection == "placements" else record_id
        if key in ids:
            self.repeated_id(collection, record_id, where)
        ids.add(key)
        if collection == "placements":  # the bulk of a dataset: keep this path short
            if "partners" in self._done:
                partners = self.ids["partners"]
                if record["institution"] not in partners:
                    self.ref(
                        "partners", record["institution"], where, "/institution", "institution"
                    )
                if record["host"] not in partners:
                    self.ref("partners", record["host"], where, "/host", "host")
            else:
                self.ref("partners", record["institution"], where, "/institution", "institution")
                self.ref("partners", record["host"], where, "/host", "host")
            if "agreement" in record:
                self.ref("agreements", record["agreement"], where, "/agreement", "agreement")
            return
        for field in self._unique_of[collection]:
            items = record.get(field)
            if items and len(items) != len(set(items)):
                self._unique_list(items, where, f"/{field}", field)
        self._check[collection](self, record, where)

    def repeated_id(self, collection: str, record_id: str, where: Where) -> None:
        """Report that a record of ``collection`` has an id another record has."""
        noun = RECORD_TYPES[collection].value.replace("-", " ")
        self.add(
            "duplicate_id",
            f"id: {record_id!r} is already the id of another {noun}; ids are unique within "
            "their collection",
            where,
            "/id",
        )

    def parent(self, record_id: str, parent: str, where: Where) -> None:
        """Check a partner's parent (at the end, with the other partners) and its cycles."""
        self.ref("partners", parent, where, "/parent", "parent")
        self._parents[record_id] = (parent, where)

    def _partners(self, record: Mapping[str, Any], where: Where) -> None:
        parent = record.get("parent")
        if parent is not None:
            self.parent(record["id"], parent, where)
        self._identifiers(
            "partners", record, where, record.get("identifiers"), "/identifiers", True
        )

    def _agreements(self, record: Mapping[str, Any], where: Where) -> None:
        for index, party in enumerate(record["parties"]):
            self.ref(
                "partners",
                party["partner"],
                where,
                f"/parties/{index}/partner",
                f"parties[{index}].partner",
            )
            self._period(
                party.get("period"), where, f"/parties/{index}/period", f"parties[{index}].period"
            )
        bounds = self._period(record["period"], where, "/period", "period")
        if bounds is not None:
            self._agreement_periods[record["id"]] = bounds
        if record.get("supersedes") is not None:
            self.ref("agreements", record["supersedes"], where, "/supersedes", "supersedes")
            self._supersedes[record["id"]] = (record["supersedes"], where)
        bodies = self._local_ids(
            record.get("governance", ()), where, "/governance", "governance body"
        )
        for index, body in enumerate(record.get("governance", ())):
            for seat, member in enumerate(body.get("members", ())):
                at = f"/governance/{index}/members/{seat}"
                self.ref(
                    "partners",
                    member["partner"],
                    where,
                    f"{at}/partner",
                    f"governance[{index}].members[{seat}].partner",
                )
                self._period(member.get("period"), where, f"{at}/period", "period")
                combined = member.get("combined_with", ())
                self.refs("partners", combined, where, f"{at}/combined_with", "combined_with")
                self._unique_list(combined, where, f"{at}/combined_with", "combined_with")
        statements = self._local_ids(
            record.get("objectives", ()), where, "/objectives", "statement"
        )
        self._local_ids(
            record.get("obligations", ()), where, "/obligations", "statement", statements
        )
        self._local_ids(record.get("action_plans", ()), where, "/action_plans", "action plan")
        self._areas(record, where)
        activity_ids: set[str] = set()
        for index, plan in enumerate(record.get("action_plans", ())):
            at = f"/action_plans/{index}"
            self._codes([plan["focus_area"]], "focus", where, f"{at}/focus_area")
            self._period(plan.get("period"), where, f"{at}/period", f"action_plans[{index}].period")
            self._local_ids(
                plan.get("activities", ()), where, f"{at}/activities", "activity", activity_ids
            )
            for number, activity in enumerate(plan.get("activities", ())):
                there = f"{at}/activities/{number}"
                self.refs(
                    "partners",
                    activity.get("responsible", ()),
                    where,
                    f"{there}/responsible",
                    "responsible",
                )
                inner = self._period(activity.get("period"), where, f"{there}/period", "period")
                if bounds is not None:
                    self._within(
                        inner,
                        bounds,
                        "activity_outside_agreement_period",
                        f"activity {activity['id']!r} runs outside the agreement's period; check "
                        "the dates",
                        where,
                        f"{there}/period",
                    )
                self._sdg_links(activity.get("sdg_links"), where, f"{there}/sdg_links")
                if not activity.get("sdg_links"):
                    self._activities_without_sdg.append((str(activity["id"]), where, there))
        rule_ids = self._local_ids(record.get("rules", ()), where, "/rules", "rule")
        del rule_ids
        for index, rule in enumerate(record.get("rules", ())):
            at = f"/rules/{index}"
            self._unique_list(rule.get("applies_to"), where, f"{at}/applies_to", "applies_to")
            if rule.get("decided_by") is not None and rule["decided_by"] not in bodies:
                self.add(
                    "unresolved_reference",
                    f"rules[{index}].decided_by: expected the id of a governance body of this "
                    f"agreement, found {rule['decided_by']!r}",
                    where,
                    f"{at}/decided_by",
                )
            if rule["kind"] == RuleKind.SDG_LINK_REQUIRED.value:
                for kind in rule["applies_to"]:
                    self._required_sdg.setdefault(
                        kind, f"{rule['id']!r} of agreement {record['id']!r}"
                    )

    def _missions(self, record: Mapping[str, Any], where: Where) -> None:
        self.refs("partners", record["owners"], where, "/owners", "owners")
        self.refs("projects", record.get("projects", ()), where, "/projects", "projects")
        bounds = self._period(record["timeframe"], where, "/timeframe", "timeframe")
        if bounds is not None:
            for project in record.get("projects", ()):
                self._mission_of_project.setdefault(project, (record["id"], bounds))
        self._agreement_link(record, bounds, where, "mission")
        self._areas(record, where)
        self._sdg_links(record.get("sdg_links"), where)
        self._required_sdg_link("mission", record, where)

    def _projects(self, record: Mapping[str, Any], where: Where) -> None:
        for index, participant in enumerate(record["participants"]):
            at = f"/participants/{index}"
            self.ref(
                "partners",
                participant["partner"],
                where,
                f"{at}/partner",
                f"participants[{index}].partner",
            )
            self._period(
                participant.get("period"), where, f"{at}/period", f"participants[{index}].period"
            )
        for index, funding in enumerate(record.get("funding", ())):
            at = f"/funding/{index}"
            if funding.get("funder") is not None:
                self.ref(
                    "partners", funding["funder"], where, f"{at}/funder", f"funding[{index}].funder"
                )
            elif funding.get("funder_name") is None:
                self.add(
                    "funding_without_funder",
                    f"funding[{index}]: expected funder (a partner id) or funder_name, found "
                    "neither",
                    where,
                    at,
                )
            self._identifiers(
                "projects", record, where, funding.get("identifiers"), f"{at}/identifiers", False
            )
        bounds = self._period(record["period"], where, "/period", "period")
        mission = self._mission_of_project.get(record["id"])
        if mission is not None:
            self._within(
                bounds,
                mission[1],
                "project_outside_mission_timeframe",
                f"project {record['id']!r} runs outside the timeframe of mission {mission[0]!r} "
                "that gathers it; check the dates",
                where,
                "/period",
            )
        self._agreement_link(record, bounds, where, "project")
        self._areas(record, where)
        self._sdg_links(record.get("sdg_links"), where)
        self._identifiers(
            "projects", record, where, record.get("identifiers"), "/identifiers", True
        )
        self._required_sdg_link("project", record, where)

    def _theses(self, record: Mapping[str, Any], where: Where) -> None:
        self.ref("partners", record["institution"], where, "/institution", "institution")
        if record.get("host") is not None:
            self.ref("partners", record["host"], where, "/host", "host")
        self.refs(
            "partners",
            record.get("supervising_partners", ()),
            where,
            "/supervising_partners",
            "supervising_partners",
        )
        if record.get("agreement") is not None:
            self.ref("agreements", record["agreement"], where, "/agreement", "agreement")
        self._areas(record, where)
        self._sdg_links(record.get("sdg_links"), where)
        self._identifiers("theses", record, where, record.get("identifiers"), "/identifiers", True)
        self._required_sdg_link("thesis", record, where)

    def _learning_activities(self, record: Mapping[str, Any], where: Where) -> None:
        self.refs("partners", record["organisers"], where, "/organisers", "organisers")
        for index, count in enumerate(record.get("participants", ())):
            self.ref(
                "partners",
                count["partner"],
                where,
                f"/participants/{index}/partner",
                f"participants[{index}].partner",
            )
        bounds = self._period(record.get("period"), where, "/period", "period")
        self._agreement_link(record, bounds, where, "learning activity")
        self._areas(record, where)
        self._sdg_links(record.get("sdg_links"), where)
        self._required_sdg_link("learning-activity", record, where)

    def dataset(self, metadata: Mapping[str, Any], where: Where) -> None:
        """Check the dataset document's metadata: its publisher and its languages."""
        self.ref("partners", metadata.get("publisher"), where, "/publisher", "publisher")
        self._unique_list(metadata.get("languages"), where, "/languages", "languages")

    # -- collections ----------------------------------------------------------------------------
    def done(self, collection: str) -> None:
        """Mark ``collection`` as fully read: later references to it are checked at once."""
        self._done.add(collection)
        if collection == "agreements":
            rule = self._required_sdg.get("activity")
            if rule is not None:
                for activity, where, at in self._activities_without_sdg:
                    self.add(
                        "sdg_link_required",
                        f"activity {activity!r} has no SDG link, but rule {rule} requires one "
                        "for every activity; add an entry to sdg_links",
                        where,
                        at,
                    )
            self._activities_without_sdg.clear()

    def finish(self) -> list[RawFinding]:
        """Resolve the references still waiting, look for cycles; return every finding."""
        for name in COLLECTIONS:
            self._done.add(name)
        for target, value, where, sub, field, index in self._deferred:
            if value not in self.ids[target]:
                self._unresolved(target, value, where, sub, field, index)
        self._deferred.clear()
        for target, values, where, sub, field in self._deferred_lists:
            self.refs(target, values, where, sub, field)  # every collection is done now
        self._deferred_lists.clear()
        self._cycles(self._parents, "parent", "partner")
        self._cycles(self._supersedes, "supersedes", "agreement")
        return self.findings

    def _cycles(self, links: Mapping[str, tuple[str, Where]], field: str, noun: str) -> None:
        state: dict[str, int] = {}
        for start in sorted(links):
            path: list[str] = []
            node: str | None = start
            while node is not None and node in links and state.get(node, 0) == 0:
                state[node] = 1
                path.append(node)
                node = links[node][0]
            if node is not None and state.get(node) == 1 and node in path:
                circle = path[path.index(node) :]
                where = links[circle[0]][1]
                chain = " -> ".join([*circle, circle[0]])
                self.add(
                    "reference_cycle",
                    f"{field}: the {noun}s refer to each other in a circle ({chain}); break it",
                    where,
                    f"/{field}",
                )
            for member in path:
                state[member] = 2

"""Cristin's project answers mapped to projects, their institutions and units, and funding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from unikommune.harvest.build import Harvest, HarvestError, Origin, money, project_id
from unikommune.harvest.build import status_by_dates as by_dates
from unikommune.harvest.crosswalk import CRISTIN_ROLES, CRISTIN_STATUS, name_kind
from unikommune.harvest.sources import SourceProblem, cristin

__all__ = ["INSTITUTION_URL", "UNIT_URL", "map_cristin"]

INSTITUTION_URL = "https://api.cristin.no/v2/institutions/{id}"
UNIT_URL = "https://api.cristin.no/v2/units/{id}"
#: Funding source codes whose project code is an identifier of the format.
_FUNDER_SCHEMES = {"NFR": "rcn-project", "EU": "eu-grant"}


def map_cristin(harvest: Harvest, paths: Sequence[Path], retrieved: date | None) -> None:
    """Map saved answers of Cristin's project API (files, or folders of ``*.json``)."""
    filters = harvest.filters
    if filters.by_organisation():
        raise HarvestError(
            "Cristin gives institution numbers, not organisation numbers or municipality "
            "numbers: save the API's answer for your institution's projects "
            "(?institution=ID) and harvest it without --partner and --municipality"
        )
    files = [
        file
        for path in paths
        for file in (sorted(path.glob("*.json")) if path.is_dir() else [path])
    ]
    for path in files:
        origin = harvest.origin("cristin", path, retrieved)
        for item in cristin.read_projects(path):
            if isinstance(item, SourceProblem):
                harvest.problems.append(item)
            elif filters.runs(item.start, item.end):
                _project(harvest, origin, item)


def _project(harvest: Harvest, origin: Origin, row: cristin.CristinProject) -> None:
    if not row.title:
        harvest.report(
            "missing_value",
            origin,
            f"project {row.cristin_project_id} has no title; left out",
            line=row.line,
            row=row.row,
            column="/title",
        )
        return
    status = CRISTIN_STATUS.get(row.status or "")
    if status is None:
        status = by_dates(row.start, row.end, origin.retrieved)
        harvest.report(
            "unmapped_status",
            origin,
            f"project {row.cristin_project_id}: no status for {row.status!r}; {status} by its "
            "dates",
            line=row.line,
            row=row.row,
            column="/status",
        )
    identifiers = [{"scheme": "cristin-project", "value": row.cristin_project_id}]
    funding = []
    for source in row.funding:
        line = _funding(harvest, origin, row, source)
        funding.append(line)
        identifiers += [item for item in line["identifiers"] if item not in identifiers]
    if len(funding) == 1:
        amount = money(row.total_funding, row.total_funding_currency)
        if amount is not None:
            funding[0]["amount"] = amount
    record: dict[str, Any] = {
        "id": project_id("cristin-project", row.cristin_project_id),
        "title": dict(row.title),
        "kinds": ["research"],
        "status": status,
        "period": {
            "start": row.start.isoformat() if row.start else "",
            "end": row.end.isoformat() if row.end else "",
        },
        "identifiers": identifiers,
    }
    project = harvest.project(
        record, origin, row.line, f"cristin_project_id={row.cristin_project_id}"
    )
    for item in funding:
        harvest.fund(project, item)
    _participants(harvest, origin, row, project)


def _participants(
    harvest: Harvest, origin: Origin, row: cristin.CristinProject, project: dict[str, Any]
) -> None:
    """Add the institutions and units the project's roles are held at, with their roles."""
    names = {row.coordinating_institution_id: row.coordinating_institution_name}
    units = {row.coordinating_unit_id: row.coordinating_unit_name}
    for role in row.roles:
        names.setdefault(role.institution_id, role.institution_name)
        units.setdefault(role.unit_id, role.unit_name)
    for role in row.roles:
        partner = _partner(harvest, origin, row, role, names, units)
        if partner is None:
            continue
        code = CRISTIN_ROLES.get(role.role_code or "")
        if code is None:
            harvest.report(
                "unmapped_role",
                origin,
                f"project {row.cristin_project_id}: no participant role for {role.role_code!r}; "
                "other",
                line=row.line,
                row=row.row,
            )
            code = "other"
        harvest.participate(project, partner, code)


def _funding(
    harvest: Harvest, origin: Origin, row: cristin.CristinProject, source: cristin.CristinFunding
) -> dict[str, Any]:
    scheme = _FUNDER_SCHEMES.get(source.source_code or "")
    identifier = (
        harvest.identifier(scheme, source.project_code, origin, row.line) if scheme else None
    )
    return {
        "funder_name": dict(source.source_name) or {"en": source.source_code or "unknown"},
        "external": True,
        "identifiers": [identifier] if identifier else [],
    }


def _partner(
    harvest: Harvest,
    origin: Origin,
    row: cristin.CristinProject,
    role: cristin.CristinRole,
    names: Mapping[str | None, Mapping[str, str]],
    units: Mapping[str | None, Mapping[str, str]],
) -> str | None:
    """Map the institution (and unit) a role is held at; return the partner's id."""
    institution = role.institution_id
    name = dict(names.get(institution) or {})
    found = name_kind(name) if name else None
    if institution is None or found is None:
        harvest.report(
            "unmapped_sector",
            origin,
            f"project {row.cristin_project_id}: no helix sector for the institution "
            f"{institution!r} ({', '.join(name.values()) or 'no name'}); left out",
            line=row.line,
            row=row.row,
        )
        return None
    parent = harvest.partner(
        {
            "id": f"cristin-{institution}",
            "name": name,
            "kind": found[0],
            "sector": found[1],
            "identifiers": [{"scheme": "url", "value": INSTITUTION_URL.format(id=institution)}],
        },
        origin,
        row.line,
        f"cristin_institution_id={institution}",
    )
    unit = role.unit_id
    if unit is None or unit.endswith(".0.0.0"):
        return parent
    return _unit(harvest, origin, row, unit, dict(units.get(unit) or {}), parent, found)


def _unit(
    harvest: Harvest,
    origin: Origin,
    row: cristin.CristinProject,
    unit: str,
    unit_name: dict[str, str],
    parent: str,
    found: tuple[str, str],
) -> str:
    """Map a Cristin unit to a unit of its institution; return its id (or the institution's)."""
    if not unit_name:
        harvest.report(
            "unnamed_unit",
            origin,
            f"project {row.cristin_project_id}: the unit {unit} has no name; the role is "
            "given to its institution",
            line=row.line,
            row=row.row,
        )
        return parent
    depth = len([part for part in unit.split(".")[1:] if part != "0"])
    academic = found[1] == "academia"
    unit_type = ("faculty" if depth == 1 else "department") if academic else "other"
    return harvest.partner(
        {
            "id": f"cristin-{unit}",
            "name": unit_name,
            "kind": found[0],
            "sector": found[1],
            "parent": parent,
            "unit_type": unit_type,
            "identifiers": [{"scheme": "url", "value": UNIT_URL.format(id=unit)}],
        },
        origin,
        row.line,
        f"cristin_unit_id={unit}",
    )

"""CORDIS's project and organisation tables mapped to projects, partners and funding lines."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from unikommune.codelists import COUNTRY_CODES
from unikommune.harvest.build import (
    Harvest,
    HarvestError,
    Origin,
    money,
    partner_id,
    project_id,
)
from unikommune.harvest.crosswalk import (
    CORDIS_ACTIVITY,
    CORDIS_ROLES,
    municipal_kind,
)
from unikommune.harvest.mapping.rcn import eu_funding, eu_kinds, eu_status
from unikommune.harvest.sources import SourceProblem, cordis

__all__ = ["PIC_URL", "map_cordis"]

#: The address of an organisation in the EU's participant register, by its PIC.
PIC_URL = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/"
    "how-to-participate/org-details/{pic}"
)
#: The language of the names of organisations in a country; English elsewhere.
_NAME_LANGUAGE = {"NO": "nb"}


def _tables(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Sort the files given into project and organisation tables (a zip holds both)."""
    projects: list[Path] = []
    organisations: list[Path] = []
    for path in paths:
        name = path.name.lower()
        if zipfile.is_zipfile(path):
            projects.append(path)
            organisations.append(path)
        elif name.startswith("project"):
            projects.append(path)
        elif name.startswith("organi"):
            organisations.append(path)
        else:
            raise HarvestError(
                f"{path}: expected a CORDIS zip, or project.csv/.json or organization.csv/.json"
            )
    if not projects or not organisations:
        raise HarvestError(
            "CORDIS needs its project table and its organisation table: give the zip, or "
            "project.csv and organization.csv"
        )
    return projects, organisations


def map_cordis(harvest: Harvest, paths: Sequence[Path], retrieved: date | None) -> None:
    """Map the grants of CORDIS's tables with every partner, in Norway and abroad."""
    filters = harvest.filters
    if filters.municipalities:
        raise HarvestError(
            "CORDIS gives no municipality numbers; filter by --partner ORGNR, or harvest "
            "Enhetsregisteret for the municipality's organisation numbers"
        )
    project_files, organisation_files = _tables(paths)
    by_grant: dict[str, list[tuple[Origin, cordis.CordisOrganization]]] = defaultdict(list)
    for path in organisation_files:
        origin = harvest.origin("cordis", path, retrieved)
        for item in cordis.read_organizations(path):
            if isinstance(item, SourceProblem):
                harvest.problems.append(item)
            else:
                by_grant[item.project_id].append((origin, item))
    # Without a filter every grant is kept, those without participants too (then reported).
    kept = {
        grant
        for grant, rows in by_grant.items()
        if not filters.partners or any(row.no_orgnr in filters.partners for _, row in rows)
    }
    seen: set[str] = set()
    for path in project_files:
        origin = harvest.origin("cordis", path, retrieved)
        for grant in cordis.read_projects(path):
            if isinstance(grant, SourceProblem):
                harvest.problems.append(grant)
                continue
            seen.add(grant.id)
            wanted = grant.id in kept or not filters.partners
            if wanted and filters.runs(grant.start, grant.end):
                _project(harvest, origin, grant, by_grant.get(grant.id, []))
    for missing in sorted(kept - seen):
        where, first = by_grant[missing][0]
        harvest.report(
            "unknown_project",
            where,
            f"grant {missing} has participants but is not in the project table; left out",
            line=first.line,
            row=first.row,
            column="projectID",
        )


def _project(
    harvest: Harvest,
    origin: Origin,
    row: cordis.CordisProject,
    organisations: list[tuple[Origin, cordis.CordisOrganization]],
) -> None:
    grant = harvest.identifier("eu-grant", row.id, origin, row.line)
    if grant is None:
        return
    kinds = eu_kinds(
        harvest, origin, row.id, ("funding scheme", row.funding_scheme), row.line, row.row
    )
    status = eu_status(row.status, row.start, row.end, origin.retrieved)
    identifiers = [grant]
    doi = harvest.identifier("doi", row.grant_doi, origin, row.line)
    if doi is not None:
        identifiers.append(doi)
    record: dict[str, Any] = {
        "id": project_id("eu-grant", row.id),
        "title": {"en": row.title or row.acronym or row.id},
        "kinds": list(kinds),
        "status": status,
        "period": {
            "start": row.start.isoformat() if row.start else "",
            "end": row.end.isoformat() if row.end else "",
        },
        "identifiers": identifiers,
    }
    if row.objective:
        record["summary"] = {"en": row.objective[:20_000]}
    project = harvest.project(record, origin, row.line, f"id={row.id}")
    programme = " ".join(part for part in (row.framework_programme, row.legal_basis) if part)
    for where, organisation in organisations:
        _participant(harvest, where, project, organisation, grant, programme)


def _participant(
    harvest: Harvest,
    origin: Origin,
    project: dict[str, Any],
    row: cordis.CordisOrganization,
    grant: dict[str, str],
    programme: str,
) -> None:
    found = CORDIS_ACTIVITY.get(row.activity_type or "")
    if found is None:
        harvest.report(
            "unmapped_sector",
            origin,
            f"no helix sector for the activity type {row.activity_type!r} of {row.name}; "
            "the organisation is left out",
            line=row.line,
            row=row.row,
            column="activityType",
        )
        return
    country = row.country
    if country is not None and country not in COUNTRY_CODES:
        harvest.report(
            "unmapped_country",
            origin,
            f"{country!r} is not an ISO 3166-1 country code; the country of {row.name} is left out",
            line=row.line,
            row=row.row,
            column="country",
        )
        country = None
    identifiers = [harvest.identifier("no-orgnr", row.no_orgnr, origin, row.line)]
    identifiers.append({"scheme": "url", "value": PIC_URL.format(pic=row.organisation_id)})
    language = _NAME_LANGUAGE.get(country or "", "en")
    record: dict[str, Any] = {
        "id": partner_id(orgnr=row.no_orgnr, key=f"pic-{row.organisation_id}"),
        "name": {language: row.name or row.organisation_id},
        "kind": municipal_kind(found[0], row.name) if country == "NO" else found[0],
        "sector": found[1],
        "identifiers": [item for item in identifiers if item is not None],
    }
    if row.short_name:
        record["short_name"] = {language: row.short_name}
    if country is not None:
        record["country"] = country
    partner = harvest.partner(record, origin, row.line, f"organisationID={row.organisation_id}")
    role = CORDIS_ROLES.get(row.role or "")
    if role is None:
        harvest.report(
            "unmapped_role",
            origin,
            f"no participant role for {row.role!r}; other",
            line=row.line,
            row=row.row,
            column="role",
        )
        role = "other"
    harvest.participate(project, partner, role)
    amount = money(row.ec_contribution, row.currency)
    if amount is not None:
        harvest.fund(project, eu_funding(partner, amount, grant, programme))

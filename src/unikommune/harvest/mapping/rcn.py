"""The Research Council of Norway's tables mapped to partners, projects and funding lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from unikommune.harvest.build import Harvest, Origin, money, partner_id, project_id
from unikommune.harvest.build import status_by_dates as by_dates
from unikommune.harvest.crosswalk import (
    RCN_CATEGORIES,
    RCN_EU_ROLES,
    RCN_PHASES,
    RCN_SECTOR_CODES,
    RCN_SECTORS,
    eu_project_kind,
    municipal_kind,
)
from unikommune.harvest.sources import SourceProblem, rcn

__all__ = ["EU_FUNDER", "RCN_FUNDER", "eu_funding", "map_eu_grants", "map_projects"]

#: The funder of an EU grant, by name (it is no partner of a harvested dataset).
EU_FUNDER = {"en": "European Commission"}
#: The Research Council of Norway, by name.
RCN_FUNDER = {"nb": "Norges forskningsråd", "en": "Research Council of Norway"}
#: ``soknadstype`` words → project kinds.
_APPLICATION_KINDS = (
    ("innovasjon", ("innovation",)),
    ("forsker", ("research",)),
    ("kompetanse", ("research",)),
    ("samarbeid", ("research",)),
)


def _rows(harvest: Harvest, items: Iterable[Any]) -> list[Any]:
    rows = []
    for item in items:
        if isinstance(item, SourceProblem):
            harvest.problems.append(item)
        else:
            rows.append(item)
    return rows


def _kind_sector(category: str | None, sector: str | None) -> tuple[str, str] | None:
    return (
        RCN_CATEGORIES.get(category or "")
        or RCN_SECTOR_CODES.get(sector or "")
        or RCN_SECTORS.get(sector or "")
    )


def _partner(
    harvest: Harvest, origin: Origin, row: Any, line: int | None, name: str | None
) -> str | None:
    """Map the organisation of a row to a partner; return its id, or ``None`` (reported)."""
    if row.orgnr is None and name is None:
        harvest.report(
            "unidentified_partner",
            origin,
            "the organisation has neither an organisation number nor a name; left out",
            line=line,
        )
        return None
    found = _kind_sector(row.rd_category, row.rd_sector)
    if found is None:
        harvest.report(
            "unmapped_sector",
            origin,
            f"no helix sector for the R&D sector {row.rd_sector!r} and category "
            f"{row.rd_category!r} of {name or row.orgnr}; the organisation is left out",
            line=line,
        )
        return None
    kind, sector = municipal_kind(found[0], name), found[1]
    identifiers = [harvest.identifier("no-orgnr", row.orgnr, origin, line)]
    if kind == "municipality":
        identifiers.append(
            harvest.identifier("no-kommunenr", row.municipality_number, origin, line)
        )
    record: dict[str, Any] = {
        "id": partner_id(orgnr=row.orgnr, name=name or ""),
        "name": {"nb": name or row.orgnr},
        "kind": kind,
        "sector": sector,
        "identifiers": [item for item in identifiers if item is not None],
        "country": "NO",
    }
    short = getattr(row, "short_name", None) or getattr(row, "holder_short_name", None)
    if short is not None:
        record["short_name"] = {"nb": short}
    key = f"Organisasjonsnummer={row.orgnr}" if row.orgnr else f"navn={name}"
    return harvest.partner(record, origin, line, key)


def map_eu_grants(harvest: Harvest, path: Path, retrieved: date | None) -> None:
    """Map ``bevilgningereu``: each grant a project, each Norwegian beneficiary a partner."""
    origin = harvest.origin("rcn-eu", path, retrieved)
    rows = _rows(harvest, rcn.read_eu_grants(path))
    filters = harvest.filters
    if filters.by_organisation():
        kept = {
            row.grant_number
            for row in rows
            if row.orgnr in filters.partners or row.municipality_number in filters.municipalities
        }
    else:
        kept = {row.grant_number for row in rows}
    for row in rows:
        if row.grant_number in kept and filters.runs(row.start, row.end):
            _eu_row(harvest, origin, row)


def _eu_row(harvest: Harvest, origin: Origin, row: rcn.RcnEuParticipation) -> None:
    line = row.line
    grant = harvest.identifier("eu-grant", row.grant_number, origin, line)
    if grant is None:
        return
    kinds = eu_kinds(
        harvest, origin, row.grant_number, ("action type", row.action_type), line, row.row
    )
    status = eu_status(row.contract_status, row.start, row.end, origin.retrieved)
    record: dict[str, Any] = {
        "id": project_id("eu-grant", row.grant_number),
        "title": {"en": row.title or row.acronym or row.grant_number},
        "kinds": list(kinds),
        "status": status,
        "period": _period(row.start, row.end),
        "identifiers": [grant],
    }
    project = harvest.project(record, origin, line, f"Prosjektnr={row.grant_number}")
    partner = _partner(harvest, origin, row, line, row.name)
    if partner is None:
        return
    role = RCN_EU_ROLES.get(row.role or "")
    if role is None:
        harvest.report(
            "unmapped_role",
            origin,
            f"no participant role for {row.role!r}; other",
            line=line,
            row=row.row,
        )
        role = "other"
    harvest.participate(project, partner, role)
    amount = money(row.eu_amount, row.currency)
    if amount is not None:
        harvest.fund(project, eu_funding(partner, amount, grant, row.programme))


#: The EU's contract statuses that settle a grant's project status; others follow its dates.
_EU_CONTRACT_STATUSES = {"CLOSED": "completed", "TERMINATED": "cancelled"}


def eu_kinds(
    harvest: Harvest,
    origin: Origin,
    grant: str,
    scheme: tuple[str, str | None],
    line: int | None,
    row: int | None,
) -> tuple[str, ...]:
    """Return the project kinds of an EU grant's scheme (``(what it is called, value)``).

    A scheme the crosswalk does not know is reported (``kind_assumed``) and read as
    research.
    """
    kinds = eu_project_kind(scheme[1])
    if kinds is not None:
        return kinds
    harvest.report(
        "kind_assumed",
        origin,
        f"grant {grant}: no project kind for the {scheme[0]} {scheme[1]!r}; research is assumed",
        line=line,
        row=row,
    )
    return ("research",)


def eu_status(contract: str | None, start: date | None, end: date | None, on: date) -> str:
    """Return an EU grant's project status: from its contract status, else its dates."""
    return _EU_CONTRACT_STATUSES.get(contract or "", by_dates(start, end, on))


def eu_funding(
    recipient: str, amount: dict[str, Any], grant: dict[str, str], programme: str | None
) -> dict[str, Any]:
    """Return the funding line of an EU grant's contribution to one partner."""
    funding: dict[str, Any] = {
        "funder_name": EU_FUNDER,
        "recipient": recipient,
        "amount": amount,
        "external": True,
        "identifiers": [grant],
    }
    if programme:
        funding["programme"] = {"en": programme}
    return funding


def _period(start: date | int | None, end: date | int | None) -> dict[str, str]:
    return {
        "start": ""
        if start is None
        else str(start)
        if isinstance(start, int)
        else start.isoformat(),
        "end": "" if end is None else str(end) if isinstance(end, int) else end.isoformat(),
    }


def map_projects(harvest: Harvest, path: Path, retrieved: date | None) -> None:
    """Map ``soknader2``: each application a project held by its responsible organisation."""
    origin = harvest.origin("rcn-projects", path, retrieved)
    filters = harvest.filters
    for row in _rows(harvest, rcn.read_projects(path)):
        if filters.partners and row.orgnr not in filters.partners:
            continue
        if filters.municipalities and row.municipality_number not in filters.municipalities:
            continue
        if filters.runs(row.start_year, row.end_year):
            _project_row(harvest, origin, row)


def _project_row(harvest: Harvest, origin: Origin, row: rcn.RcnProject) -> None:
    # soknader2's rows carry no line: a problem names the project number instead.
    if row.holder_type != "Organisasjon":
        harvest.report(
            "personal_grant",
            origin,
            f"project {row.project_number} is held by a person, and the council names no "
            "organisation for it; left out",
        )
        return
    phase = RCN_PHASES.get(row.phase or "")
    if phase is None:
        harvest.report(
            "unmapped_status",
            origin,
            f"project {row.project_number}: no status for the phase {row.phase!r}; left out",
        )
        return
    identifier = harvest.identifier("rcn-project", row.project_number, origin, None)
    partner = _partner(harvest, origin, row, None, row.holder_name)
    if identifier is None or partner is None:
        return
    status, funding_status = phase
    if status == "active":
        status = by_dates(row.start_year, row.end_year, origin.retrieved)
    words = (row.application_type or "").casefold()
    kinds = next((k for word, k in _APPLICATION_KINDS if word in words), None)
    if kinds is None:
        harvest.report(
            "kind_assumed",
            origin,
            f"project {row.project_number}: no project kind for the application type "
            f"{row.application_type!r}; research is assumed",
        )
        kinds = ("research",)
    record = {
        "id": project_id("rcn-project", row.project_number),
        "title": {"nb": row.title or row.project_number},
        "kinds": list(kinds),
        "status": status,
        "period": _period(row.start_year, row.end_year),
        "identifiers": [identifier],
    }
    project = harvest.project(record, origin, None, f"prosjektnummer={row.project_number}")
    harvest.participate(project, partner, "coordinator")
    granted = funding_status == "granted"
    funding: dict[str, Any] = {
        "funder_name": RCN_FUNDER,
        "recipient": partner,
        "external": True,
        "identifiers": [identifier],
    }
    if funding_status != "granted":
        funding["status"] = funding_status
    amount = money(row.awarded_amount if granted else row.applied_amount, row.currency)
    if amount is not None:
        funding["amount"] = amount
    if row.activity:
        funding["programme"] = {"nb": row.activity}
    harvest.fund(project, funding)

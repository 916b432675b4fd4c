"""CORDIS: the EU's tables of Horizon 2020 and Horizon Europe projects and their participants.

CORDIS publishes each framework programme as a zip of tables,
``cordis-h2020projects-csv.zip`` and ``cordis-HORIZONprojects-csv.zip`` (and
``-json.zip`` editions).  Two members are read here: ``project.csv`` (one row
per grant) with :func:`read_projects` and ``organization.csv`` (one row per
participation of an organisation in a grant) with :func:`read_organizations`.
Each takes the zip itself, the extracted CSV, or the JSON edition's
``project.json`` / ``organization.json`` (a JSON array of objects with the
CSV's column names as keys).

The CSV files are UTF-8, ``;`` between fields, every field in ``"`` (a quote
doubled inside), and a field may hold ``;`` and line breaks.  Amounts are
written with a decimal point in most rows and a decimal comma in some (the
``totalCost`` of an organisation: ``960619,95``); both are read.  Countries
are the EU's codes: ``EL`` (Greece) and ``UK`` (United Kingdom) are returned
as ISO's ``GR`` and ``GB``.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from stdnum.no import orgnr

from unikommune.harvest.sources import SourceFormatError, SourceProblem
from unikommune.harvest.sources._read import Cells, Record, build_rows, iter_csv, iter_json

__all__ = [
    "ORGANIZATION_COLUMNS",
    "ORGANIZATION_READ",
    "PROJECT_COLUMNS",
    "PROJECT_READ",
    "CordisDialect",
    "CordisOrganization",
    "CordisProject",
    "read_organizations",
    "read_projects",
]

#: The header of ``project.csv`` in the Horizon Europe and Horizon 2020 zips, in order.
PROJECT_COLUMNS: tuple[str, ...] = (
    "id",
    "acronym",
    "status",
    "title",
    "startDate",
    "endDate",
    "totalCost",
    "ecMaxContribution",
    "legalBasis",
    "topics",
    "ecSignatureDate",
    "frameworkProgramme",
    "masterCall",
    "subCall",
    "fundingScheme",
    "nature",
    "objective",
    "contentUpdateDate",
    "rcn",
    "grantDoi",
)

#: The header of ``organization.csv``, in order.
ORGANIZATION_COLUMNS: tuple[str, ...] = (
    "projectID",
    "projectAcronym",
    "organisationID",
    "vatNumber",
    "name",
    "shortName",
    "SME",
    "activityType",
    "street",
    "postCode",
    "city",
    "country",
    "nutsCode",
    "geolocation",
    "organizationURL",
    "contactForm",
    "contentUpdateDate",
    "rcn",
    "order",
    "role",
    "ecContribution",
    "netEcContribution",
    "totalCost",
    "endOfParticipation",
    "active",
)

_PROJECT_REQUIRED = (
    "id",
    "acronym",
    "status",
    "title",
    "startDate",
    "endDate",
    "totalCost",
    "ecMaxContribution",
    "frameworkProgramme",
)
_ORGANIZATION_REQUIRED = (
    "projectID",
    "organisationID",
    "vatNumber",
    "name",
    "activityType",
    "country",
    "role",
    "ecContribution",
)
#: Every column the readers read; the others are not looked at.
PROJECT_READ: tuple[str, ...] = (
    *_PROJECT_REQUIRED,
    "legalBasis",
    "topics",
    "fundingScheme",
    "ecSignatureDate",
    "grantDoi",
    "objective",
)
ORGANIZATION_READ: tuple[str, ...] = (
    *_ORGANIZATION_REQUIRED,
    "projectAcronym",
    "shortName",
    "SME",
    "order",
    "netEcContribution",
    "totalCost",
    "endOfParticipation",
)
_DATE = ("%Y-%m-%d",)
_DATE_EXAMPLE = "2024-12-31"
#: A Norwegian VAT number: the organisation number between ``NO`` and ``MVA``.
_NORWEGIAN_VAT = re.compile(r"NO\s*([0-9]{9})\s*(?:MVA)?", re.IGNORECASE)


class CordisDialect(csv.Dialect):
    """CORDIS's CSV as published: ``;``, every field quoted, LF."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_ALL


@dataclass(frozen=True, slots=True)
class CordisProject:
    """One grant (a row of ``project.csv``)."""

    id: str
    acronym: str | None
    status: str | None
    title: str | None
    start: date | None
    end: date | None
    total_cost: Decimal | None
    ec_max_contribution: Decimal | None
    framework_programme: str | None
    legal_basis: str | None
    topics: str | None
    funding_scheme: str | None
    signed: date | None
    grant_doi: str | None
    objective: str | None
    currency: str = "EUR"
    line: int | None = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class CordisOrganization:
    """One organisation's part in one grant (a row of ``organization.csv``).

    ``no_orgnr`` is the Norwegian organisation number inside a ``vatNumber``
    such as ``NO974767880MVA``, when it has a valid check digit.
    """

    project_id: str
    project_acronym: str | None
    organisation_id: str
    vat_number: str | None
    no_orgnr: str | None
    name: str | None
    short_name: str | None
    sme: bool | None
    activity_type: str | None
    country: str | None
    role: str | None
    order: int | None
    ec_contribution: Decimal | None
    net_ec_contribution: Decimal | None
    total_cost: Decimal | None
    end_of_participation: bool | None
    currency: str = "EUR"
    line: int | None = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)


def read_projects(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[CordisProject | SourceProblem]:
    """Yield the grants of ``project.csv`` or ``project.json``, or of a CORDIS zip holding one.

    Args:
        path: A ``cordis-…projects-csv.zip`` or ``-json.zip``, or the extracted file.
        encoding: The file's encoding; by default UTF-8 (with or without BOM).

    Raises:
        SourceFormatError: The file lacks a column this reader needs, or a zip lacks the member.
    """
    source = Path(path)
    records = _records(source, "project", _PROJECT_REQUIRED, PROJECT_READ, encoding)
    return build_rows(source, records, _project)


def read_organizations(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[CordisOrganization | SourceProblem]:
    """Yield the participations of ``organization.csv`` or ``organization.json``, or of a zip.

    Args:
        path: A ``cordis-…projects-csv.zip`` or ``-json.zip``, or the extracted file.
        encoding: The file's encoding; by default UTF-8 (with or without BOM).

    Raises:
        SourceFormatError: The file lacks a column this reader needs, or a zip lacks the member.
    """
    source = Path(path)
    records = _records(source, "organization", _ORGANIZATION_REQUIRED, ORGANIZATION_READ, encoding)
    return build_rows(source, records, _organization)


def _records(
    path: Path,
    table: str,
    required: tuple[str, ...],
    read: tuple[str, ...],
    encoding: str | None,
) -> Iterator[Record | SourceProblem]:
    member: str | None = None
    suffix = path.suffix.lower()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = {Path(name).name for name in archive.namelist()}
        found = [name for name in (f"{table}.csv", f"{table}.json") if name in names]
        if not found:
            raise SourceFormatError(
                f"the archive holds neither {table}.csv nor {table}.json", path=str(path)
            )
        member = found[0]
        suffix = Path(member).suffix
    if suffix == ".json":
        return iter_json(path, encoding=encoding, member=member)
    return iter_csv(
        path, required=required, separators=(";",), read=read, encoding=encoding, member=member
    )


def _project(cells: Cells) -> CordisProject | None:
    grant = cells.identifier("id", "grant number")
    if grant is None:
        return None
    return CordisProject(
        id=grant,
        acronym=cells.text("acronym"),
        status=cells.text("status"),
        title=cells.text("title"),
        start=cells.date("startDate", _DATE, _DATE_EXAMPLE),
        end=cells.date("endDate", _DATE, _DATE_EXAMPLE),
        total_cost=cells.decimal("totalCost", comma=True),
        ec_max_contribution=cells.decimal("ecMaxContribution", comma=True),
        framework_programme=cells.text("frameworkProgramme"),
        legal_basis=cells.text("legalBasis"),
        topics=cells.text("topics"),
        funding_scheme=cells.text("fundingScheme"),
        signed=cells.date("ecSignatureDate", _DATE, _DATE_EXAMPLE),
        grant_doi=cells.text("grantDoi"),
        objective=cells.text("objective"),
        line=cells.record.line,
        row=cells.record.row,
    )


def _organization(cells: Cells) -> CordisOrganization | None:
    grant = cells.identifier("projectID", "grant number")
    if grant is None:
        return None
    pic = cells.identifier("organisationID", "organisation id (PIC)")
    if pic is None:
        return None
    vat = cells.text("vatNumber")
    return CordisOrganization(
        project_id=grant,
        project_acronym=cells.text("projectAcronym"),
        organisation_id=pic,
        vat_number=vat,
        no_orgnr=_orgnr_in_vat(vat),
        name=cells.text("name"),
        short_name=cells.text("shortName"),
        sme=cells.boolean("SME"),
        activity_type=cells.text("activityType"),
        country=cells.country("country"),
        role=cells.text("role"),
        order=cells.integer("order"),
        ec_contribution=cells.decimal("ecContribution", comma=True),
        net_ec_contribution=cells.decimal("netEcContribution", comma=True),
        total_cost=cells.decimal("totalCost", comma=True),
        end_of_participation=cells.boolean("endOfParticipation"),
        line=cells.record.line,
        row=cells.record.row,
    )


def _orgnr_in_vat(vat: str | None) -> str | None:
    if vat is None:
        return None
    match = _NORWEGIAN_VAT.fullmatch(vat.replace(" ", ""))
    if match is None or not orgnr.is_valid(match.group(1)):
        return None
    return match.group(1)

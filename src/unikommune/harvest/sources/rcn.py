"""The Research Council of Norway's open data: EU grants to Norwegian bodies, and its own projects.

Both tables come from the repository ``Forskningsradet/open-data`` (its
``datasets/<name>/dataset.csv``), as the council's "Datahotell" exports them:
UTF-8 without BOM, ``;`` between fields, ``"`` around a field only when it
holds a ``;``, a quote or a line break (a quote doubled inside), CRLF at the
end of each record.  The repository's ``sample.csv`` beside each table is the
same data with ``,`` between fields and LF line ends; both are read.

``bevilgningereu`` ("Bevilgninger fra EU til norske forskningsmiljøer") has
one row per Norwegian beneficiary of a Horizon 2020 grant;
:func:`read_eu_grants` reads it.  ``soknader2`` ("Søknader - versjon 2") has
one row per application to the council, granted or not, naming only the
organisation responsible for the project; :func:`read_projects` reads it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from unikommune.harvest.sources import SourceProblem
from unikommune.harvest.sources._read import Cells, build_rows, iter_csv, municipality_number

__all__ = [
    "EU_GRANT_COLUMNS",
    "EU_GRANT_READ",
    "PROJECT_COLUMNS",
    "PROJECT_READ",
    "RcnDialect",
    "RcnEuParticipation",
    "RcnProject",
    "read_eu_grants",
    "read_projects",
]

#: The header of ``bevilgningereu/dataset.csv``, in the published order.
EU_GRANT_COLUMNS: tuple[str, ...] = (
    "Rammeprogram",
    "Traktat kode (H2020)",
    "Programområde kode (H2020)",
    "Programområde (H2020)",
    "Program kode (H2020)",
    "Programkortnavn (H2020)",
    "Program (H2020)",
    "Programnivå 1 kortnavn (H2020)",
    "Programnivå 1 kode (H2020)",
    "Programnivå 1 (H2020)",
    "Prosjektnr",
    "Prosjektkortnavn",
    "Prosjektnavn",
    "Utlysnings-id",
    "Overordnet utlysnings-id",
    "Topic kode",
    "Topic",
    "Søknadstype",
    "Søknadstypenavn",
    "Kontraktstatus",
    "Kontrakt signeringsdato",
    "Kontrakt startdato",
    "Kontrakt sluttdato",
    "Søknadsfrist",
    "Søknadsdato",
    "Varighet måneder",
    "Vurderingspanel",
    "Organisasjonsnummer",
    "Organisasjonsnavn",
    "Kortnavn",
    "Organisasjon rolle",
    "Organisasjon finansiell rolle",
    "Deltakernr",
    "FoU sektorkode",
    "FoU sektor",
    "FoU kategori",
    "Kontraktspart 1",
    "Kontraktspart 2",
    "Adresse kommunenummer",
    "Adresse kommune",
    "Adresse fylkenummer",
    "Adresse fylke",
    "Adresse landsdel",
    "Innvilget beløp organisasjon EUR",
)

#: The header of ``soknader2/dataset.csv``, in the published order.
PROJECT_COLUMNS: tuple[str, ...] = (
    "prosjektnummer",
    "prosjekttittel",
    "soknadsfrist",
    "soknadsdato",
    "utlysnings_id",
    "utlysningsaktivitet",
    "utlysningtittel",
    "prosjekttype",
    "soknadstype",
    "soknadstypevariant",
    "sokstart",
    "sokslutt",
    "prosjektfase",
    "prosjektstart",
    "prosjektslutt",
    "prosjektleder_kjonn",
    "prosjektansvarlig_type",
    "prosjektansvarlig_navn",
    "kortnavn",
    "organisasjonsnummer",
    "kp1",
    "kp2",
    "sektor",
    "kategori",
    "kommune",
    "kommunenummer",
    "fylke",
    "fylkenummer",
    "landsdel",
    "virkemiddel_sekvens",
    "virkemiddel",
    "hovedaktivitet_sekvens",
    "hovedaktivitet",
    "aktivitet",
    "aktivitet_kode",
    "fagomraade",
    "fag",
    "fagdisiplin",
    "dr_stip_aarsverk",
    "postdok_aarsverk",
    "sokt_belop",
    "tildelt_belop",
)

_EU_REQUIRED = (
    "Rammeprogram",
    "Prosjektnr",
    "Prosjektkortnavn",
    "Prosjektnavn",
    "Kontraktstatus",
    "Kontrakt startdato",
    "Kontrakt sluttdato",
    "Organisasjonsnummer",
    "Organisasjonsnavn",
    "Organisasjon rolle",
    "FoU sektorkode",
    "Adresse kommunenummer",
    "Innvilget beløp organisasjon EUR",
)
_PROJECT_REQUIRED = (
    "prosjektnummer",
    "prosjekttittel",
    "prosjektfase",
    "prosjektstart",
    "prosjektslutt",
    "prosjektansvarlig_type",
    "prosjektansvarlig_navn",
    "organisasjonsnummer",
    "sokt_belop",
    "tildelt_belop",
)
#: Every column the readers read; the others are not looked at.
EU_GRANT_READ: tuple[str, ...] = (
    *_EU_REQUIRED,
    "Program (H2020)",
    "Topic kode",
    "Søknadstype",
    "Kontrakt signeringsdato",
    "Kortnavn",
    "Organisasjon finansiell rolle",
    "Deltakernr",
    "FoU kategori",
)
PROJECT_READ: tuple[str, ...] = (
    *_PROJECT_REQUIRED,
    "prosjekttype",
    "soknadstype",
    "kortnavn",
    "sektor",
    "kategori",
    "kommunenummer",
    "aktivitet_kode",
    "aktivitet",
)
#: ``;`` as published; ``,`` as in the repository's ``sample.csv``.
_SEPARATORS = (";", ",")
#: The tables write ``ukjent`` ("unknown") where a name, short name or sector is not known.
_UNKNOWN = frozenset({"ukjent"})
#: ``25.05.2020 00:00``: every time in ``bevilgningereu`` is midnight.
_EU_DATE = ("%d.%m.%Y %H:%M", "%d.%m.%Y")
_EU_DATE_EXAMPLE = "31.05.2024 00:00"
#: The holder type of a project held by an organisation; any other holder is a person.
_ORGANISATION = "Organisasjon"


class RcnDialect(csv.Dialect):
    """The council's CSV as published: ``;``, minimal quoting, CRLF."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


@dataclass(frozen=True, slots=True)
class RcnEuParticipation:
    """One Norwegian beneficiary of one EU grant (a row of ``bevilgningereu``)."""

    grant_number: str
    framework: str | None
    acronym: str | None
    title: str | None
    programme: str | None
    topic: str | None
    action_type: str | None
    contract_status: str | None
    signed: date | None
    start: date | None
    end: date | None
    orgnr: str | None
    name: str | None
    short_name: str | None
    role: str | None
    financial_role: str | None
    participant_number: int | None
    rd_sector: str | None
    rd_category: str | None
    municipality_number: str | None
    eu_amount: Decimal | None
    currency: str = "EUR"
    line: int | None = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RcnProject:
    """One application to the council and, when granted, its project (a row of ``soknader2``)."""

    project_number: str
    title: str | None
    phase: str | None
    project_type: str | None
    application_type: str | None
    start_year: int | None
    end_year: int | None
    holder_type: str | None
    holder_name: str | None
    holder_short_name: str | None
    orgnr: str | None
    rd_sector: str | None
    rd_category: str | None
    municipality_number: str | None
    activity_code: str | None
    activity: str | None
    applied_amount: Decimal | None
    awarded_amount: Decimal | None
    currency: str = "NOK"


def read_eu_grants(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[RcnEuParticipation | SourceProblem]:
    """Yield the rows of ``bevilgningereu/dataset.csv`` (or its ``sample.csv``), streaming.

    Args:
        path: The CSV file, plain or gzipped.
        encoding: The file's encoding; by default UTF-8 (with or without BOM),
            or Windows-1252 when the first 64 KiB are not UTF-8.

    Raises:
        SourceFormatError: The header lacks a column this reader needs.
    """
    source = Path(path)
    records = iter_csv(
        source, required=_EU_REQUIRED, separators=_SEPARATORS, read=EU_GRANT_READ, encoding=encoding
    )
    return build_rows(source, records, _eu_participation, absent=_UNKNOWN)


def read_projects(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[RcnProject | SourceProblem]:
    """Yield the rows of ``soknader2/dataset.csv`` (or its ``sample.csv``), streaming.

    The name of a holder that is not an organisation (a personal grant) is
    not read: ``holder_name`` is then ``None``.

    Args:
        path: The CSV file, plain or gzipped.
        encoding: The file's encoding, sniffed as for :func:`read_eu_grants` when not given.

    Raises:
        SourceFormatError: The header lacks a column this reader needs.
    """
    source = Path(path)
    records = iter_csv(
        source,
        required=_PROJECT_REQUIRED,
        separators=_SEPARATORS,
        read=PROJECT_READ,
        encoding=encoding,
    )
    return build_rows(source, records, _project, absent=_UNKNOWN)


def _eu_participation(cells: Cells) -> RcnEuParticipation | None:
    grant_number = cells.identifier("Prosjektnr", "grant number")
    if grant_number is None:
        return None
    return RcnEuParticipation(
        grant_number=grant_number,
        framework=cells.text("Rammeprogram"),
        acronym=cells.text("Prosjektkortnavn"),
        title=cells.text("Prosjektnavn"),
        programme=cells.text("Program (H2020)"),
        topic=cells.text("Topic kode"),
        action_type=cells.text("Søknadstype"),
        contract_status=cells.text("Kontraktstatus"),
        signed=cells.date("Kontrakt signeringsdato", _EU_DATE, _EU_DATE_EXAMPLE),
        start=cells.date("Kontrakt startdato", _EU_DATE, _EU_DATE_EXAMPLE),
        end=cells.date("Kontrakt sluttdato", _EU_DATE, _EU_DATE_EXAMPLE),
        orgnr=cells.orgnr("Organisasjonsnummer"),
        name=cells.text("Organisasjonsnavn"),
        short_name=cells.text("Kortnavn"),
        role=cells.text("Organisasjon rolle"),
        financial_role=cells.text("Organisasjon finansiell rolle"),
        participant_number=cells.integer("Deltakernr"),
        rd_sector=cells.text("FoU sektorkode"),
        rd_category=cells.text("FoU kategori"),
        municipality_number=municipality_number(cells, "Adresse kommunenummer"),
        eu_amount=cells.decimal("Innvilget beløp organisasjon EUR"),
        line=cells.record.line,
        row=cells.record.row,
    )


def _project(cells: Cells) -> RcnProject | None:
    number = cells.identifier("prosjektnummer", "project number")
    if number is None:
        return None
    holder_type = cells.text("prosjektansvarlig_type")
    held_by_organisation = holder_type == _ORGANISATION
    return RcnProject(
        project_number=number,
        title=cells.text("prosjekttittel"),
        phase=cells.text("prosjektfase"),
        project_type=cells.text("prosjekttype"),
        application_type=cells.text("soknadstype"),
        start_year=cells.integer("prosjektstart"),
        end_year=cells.integer("prosjektslutt"),
        holder_type=holder_type,
        holder_name=cells.text("prosjektansvarlig_navn") if held_by_organisation else None,
        holder_short_name=cells.text("kortnavn") if held_by_organisation else None,
        orgnr=cells.orgnr("organisasjonsnummer", zero_is_absent=True),
        rd_sector=cells.text("sektor"),
        rd_category=cells.text("kategori"),
        municipality_number=municipality_number(cells, "kommunenummer"),
        activity_code=cells.text("aktivitet_kode"),
        activity=cells.text("aktivitet"),
        applied_amount=cells.decimal("sokt_belop"),
        awarded_amount=cells.decimal("tildelt_belop"),
    )

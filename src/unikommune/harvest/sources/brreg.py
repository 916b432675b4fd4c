"""Enhetsregisteret, the Central Coordinating Register for Legal Entities: units and sub-units.

The register's open data (``data.brreg.no/enhetsregisteret``) offers every
unit for download: ``/api/enheter/lastned`` and ``/api/underenheter/lastned``
give a JSON array of objects, gzipped; ``.../lastned/csv`` gives a CSV,
gzipped, with one column per nested field (``forretningsadresse.kommunenummer``),
``,`` between fields, every field in ``"`` and UTF-8.  :func:`read_enheter`
and :func:`read_underenheter` read either form, gzipped or not, telling
JSON from CSV by the first character.

A unit that has been deleted from the register (merged away, dissolved)
carries a ``slettedato``, as the API's answer for one unit does; the bulk
files list the units on the register.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from unikommune.harvest.sources import SourceProblem
from unikommune.harvest.sources._read import (
    Cells,
    Record,
    build_rows,
    iter_csv,
    iter_json,
    municipality_number,
    open_binary,
)

__all__ = [
    "ENHET_READ",
    "UNDERENHET_READ",
    "BrregDialect",
    "BrregUnit",
    "read_enheter",
    "read_underenheter",
]

_DATE = ("%Y-%m-%d",)
_DATE_EXAMPLE = "2024-12-31"
_ENHET_REQUIRED = ("organisasjonsnummer", "navn", "organisasjonsform.kode")
_UNDERENHET_REQUIRED = ("organisasjonsnummer", "navn", "overordnetEnhet")
#: Every field the readers read (CSV column names; the JSON nests them at the dots).
ENHET_READ: tuple[str, ...] = (
    *_ENHET_REQUIRED,
    "overordnetEnhet",
    "forretningsadresse.kommunenummer",
    "naeringskode1.kode",
    "institusjonellSektorkode.kode",
    "slettedato",
)
UNDERENHET_READ: tuple[str, ...] = (
    *_UNDERENHET_REQUIRED,
    "organisasjonsform.kode",
    "beliggenhetsadresse.kommunenummer",
    "naeringskode1.kode",
    "slettedato",
    "nedleggelsesdato",
)


class BrregDialect(csv.Dialect):
    """The register's CSV as downloaded: ``,``, every field quoted."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_ALL


@dataclass(frozen=True, slots=True)
class BrregUnit:
    """A main unit (enhet) or sub-unit (underenhet) of the register.

    ``municipality_number`` is that of the business address of a main unit
    (``forretningsadresse``) and of the location of a sub-unit
    (``beliggenhetsadresse``).  ``parent`` is the unit a sub-unit belongs to,
    or the main unit a public body is organised under.
    """

    orgnr: str
    is_sub_unit: bool
    name: str | None
    org_form: str | None
    parent: str | None
    municipality_number: str | None
    industry_code: str | None
    sector_code: str | None
    deleted_on: date | None
    closed_on: date | None
    line: int | None = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)


def read_enheter(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[BrregUnit | SourceProblem]:
    """Yield the main units of an ``enheter`` download (JSON or CSV, gzipped or not), streaming.

    Args:
        path: The downloaded file.
        encoding: The file's encoding; by default UTF-8 (with or without BOM).

    Raises:
        SourceFormatError: A CSV header lacks a column this reader needs, or the JSON is no array.
    """
    return _read(Path(path), sub_unit=False, encoding=encoding)


def read_underenheter(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[BrregUnit | SourceProblem]:
    """Yield the sub-units of an ``underenheter`` download (JSON or CSV, gzipped or not), streaming.

    Args:
        path: The downloaded file.
        encoding: The file's encoding; by default UTF-8 (with or without BOM).

    Raises:
        SourceFormatError: A CSV header lacks a column this reader needs, or the JSON is no array.
    """
    return _read(Path(path), sub_unit=True, encoding=encoding)


def _read(
    path: Path, *, sub_unit: bool, encoding: str | None
) -> Iterator[BrregUnit | SourceProblem]:
    records: Iterator[Record | SourceProblem]
    if _is_json(path):
        records = iter_json(path, encoding=encoding)
        key = _json_key
    else:
        required, read = (
            (_UNDERENHET_REQUIRED, UNDERENHET_READ) if sub_unit else (_ENHET_REQUIRED, ENHET_READ)
        )
        records = iter_csv(
            path, required=required, separators=(",", ";"), read=read, encoding=encoding
        )
        key = _csv_key
    address = "beliggenhetsadresse" if sub_unit else "forretningsadresse"

    def build(cells: Cells) -> BrregUnit | None:
        before = len(cells.problems)
        orgnr = cells.orgnr(key("organisasjonsnummer"))
        if orgnr is None:
            if len(cells.problems) == before:
                cells.problem(
                    "missing_value", key("organisasjonsnummer"), "the organisation number is empty"
                )
            return None
        return BrregUnit(
            orgnr=orgnr,
            is_sub_unit=sub_unit,
            name=cells.text(key("navn")),
            org_form=cells.text(key("organisasjonsform.kode")),
            parent=cells.orgnr(key("overordnetEnhet")),
            municipality_number=municipality_number(cells, key(f"{address}.kommunenummer")),
            industry_code=cells.text(key("naeringskode1.kode")),
            sector_code=cells.text(key("institusjonellSektorkode.kode")),
            deleted_on=cells.date(key("slettedato"), _DATE, _DATE_EXAMPLE),
            closed_on=cells.date(key("nedleggelsesdato"), _DATE, _DATE_EXAMPLE),
            line=cells.record.line,
            row=cells.record.row,
        )

    return build_rows(path, records, build)


def _csv_key(name: str) -> str:
    return name


def _json_key(name: str) -> Sequence[str]:
    return tuple(name.split("."))


def _is_json(path: Path) -> bool:
    with open_binary(path) as stream:
        head = stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"[", b"{")

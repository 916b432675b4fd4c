"""Cristin: projects as the public REST API (``api.cristin.no/v2``) returns them, saved to files.

``GET /v2/projects/{id}`` answers one JSON object per project; a search
(``GET /v2/projects?...``) answers a JSON array of them.  :func:`read_projects`
reads a file of either kind, or a folder of such files, and yields one
:class:`CristinProject` per object.

The people on a project are not read: a participant is kept only as the role
it holds and the institution and unit it holds it at, never its name or
person id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from unikommune.harvest.sources import SourceProblem
from unikommune.harvest.sources._read import Cells, Record, build_rows, iter_json

__all__ = [
    "CristinFunding",
    "CristinProject",
    "CristinRole",
    "read_projects",
]

#: ``2007-11-01T00:00:00.000Z`` as the API writes it, and shorter forms of it.
_DATE = ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d")
_DATE_EXAMPLE = "2024-12-31T00:00:00.000Z"


@dataclass(frozen=True, slots=True)
class CristinRole:
    """A role on a project (``PRO_MANAGER``, ``PRO_PARTICIPANT``...) at an institution and unit.

    The names describe the institution and unit; two roles are equal when their codes
    and ids are.
    """

    role_code: str | None
    institution_id: str | None
    unit_id: str | None
    institution_name: Mapping[str, str] = field(default_factory=dict, compare=False)
    unit_name: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class CristinFunding:
    """A funding source of a project: the funder's code, its project number and its name."""

    source_code: str | None
    project_code: str | None
    source_name: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CristinProject:
    """One project object of the API.

    ``title`` and the names are maps of language code to text, such as
    ``{"nb": "...", "en": "..."}``.  The API's timestamps are read as dates
    (the date part of the UTC timestamp).
    """

    cristin_project_id: str
    title: Mapping[str, str]
    main_language: str | None
    start: date | None
    end: date | None
    status: str | None
    coordinating_institution_id: str | None
    coordinating_institution_name: Mapping[str, str]
    coordinating_unit_id: str | None
    coordinating_unit_name: Mapping[str, str]
    roles: tuple[CristinRole, ...]
    funding: tuple[CristinFunding, ...]
    total_funding: Decimal | None
    total_funding_currency: str | None
    line: int | None = field(default=None, compare=False)
    row: int | None = field(default=None, compare=False)


def read_projects(
    path: str | Path, *, encoding: str | None = None
) -> Iterator[CristinProject | SourceProblem]:
    """Yield the projects of a saved API answer, or of every ``*.json`` in a folder, by name.

    Args:
        path: A JSON file holding one project object or an array of them, or a folder of such files.
        encoding: The files' encoding; by default UTF-8 (with or without BOM).

    Raises:
        SourceFormatError: A file is not a JSON object or array.
    """
    source = Path(path)
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    for file in files:
        yield from build_rows(file, iter_json(file, encoding=encoding), _project)


def _project(cells: Cells) -> CristinProject | None:
    project_id = cells.identifier(("cristin_project_id",), "Cristin project id")
    if project_id is None:
        return None
    coordinating = ("coordinating_institution", "institution")
    total = ("total_funding_amount",)
    return CristinProject(
        cristin_project_id=project_id,
        title=cells.language_map(("title",)),
        main_language=cells.text(("main_language",)),
        start=cells.date(("start_date",), _DATE, _DATE_EXAMPLE),
        end=cells.date(("end_date",), _DATE, _DATE_EXAMPLE),
        status=cells.text(("status",)),
        coordinating_institution_id=cells.text((*coordinating, "cristin_institution_id")),
        coordinating_institution_name=cells.language_map((*coordinating, "institution_name")),
        coordinating_unit_id=cells.text(("coordinating_institution", "unit", "cristin_unit_id")),
        coordinating_unit_name=cells.language_map(
            ("coordinating_institution", "unit", "unit_name")
        ),
        roles=tuple(_roles(cells)),
        funding=tuple(_funding(cells)),
        total_funding=cells.decimal((*total, "amount")),
        total_funding_currency=cells.text((*total, "currency_code")),
        line=cells.record.line,
        row=cells.record.row,
    )


def _roles(cells: Cells) -> Iterator[CristinRole]:
    for index, participant in cells.objects(("participants",)):
        sub = _sub(cells, participant)
        for role_index, _role in sub.objects(("roles",)):
            at = ("roles", str(role_index))
            yield CristinRole(
                role_code=sub.text((*at, "role_code")),
                institution_id=sub.text((*at, "institution", "cristin_institution_id")),
                unit_id=sub.text((*at, "unit", "cristin_unit_id")),
                institution_name=sub.language_map((*at, "institution", "institution_name")),
                unit_name=sub.language_map((*at, "unit", "unit_name")),
            )
        _adopt(cells, sub, ("participants", str(index)))


def _funding(cells: Cells) -> Iterator[CristinFunding]:
    for index, source in cells.objects(("project_funding_sources",)):
        sub = _sub(cells, source)
        yield CristinFunding(
            source_code=sub.text(("funding_source_code",)),
            project_code=sub.text(("project_code",)),
            source_name=sub.language_map(("funding_source_name",)),
        )
        _adopt(cells, sub, ("project_funding_sources", str(index)))


def _sub(cells: Cells, values: Mapping[str, Any]) -> Cells:
    """Return cells over a nested object, at the same place in the file."""
    return Cells(cells.path, Record(cells.record.line, cells.record.row, values))


def _adopt(cells: Cells, sub: Cells, prefix: tuple[str, ...]) -> None:
    """Move a nested object's problems to the record, with their pointers made whole."""
    for problem in sub.problems:
        inner = (problem.column or "/").lstrip("/").split("/")
        cells.problem(problem.code, [*prefix, *inner], problem.message)

"""Readers for the registries' published files, and the problems they report.

Each reader takes a path, streams the file (a 100,000-row file is never held
in memory) and yields frozen dataclasses of typed values: dates as
:class:`datetime.date`, amounts as :class:`decimal.Decimal` with their
currency, organisation numbers as nine-digit strings, and the registry's own
codes for roles, sectors and activity types.

A value that cannot be read is never dropped in silence.  The reader yields a
:class:`SourceProblem` (a stable ``code``, the file, the line and row, the
column and a plain message) just before the row it concerns; the row follows
with that value set to ``None``.  A row that cannot be read at all (a wrong
number of fields, a missing key) yields only its problem.  A file that is not
what the reader expects (its header lacks a column the reader needs, its
top level is not JSON) raises :class:`SourceFormatError`.

>>> problem = SourceProblem("bad_date", "eu.csv", "expected a date, found '31.13.2024'",
...                         line=4, row=3, column="Kontrakt sluttdato")
>>> str(problem)
"eu.csv:4: row 3, column 'Kontrakt sluttdato': expected a date, found '31.13.2024' [bad_date]"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from unikommune.errors import UnikommuneError

__all__ = [
    "PROBLEM_CODES",
    "SourceFormatError",
    "SourceProblem",
    "partition",
]

#: Every problem code a reader reports, with what it means.  Codes never change meaning.
PROBLEM_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "bad_boolean": "A yes/no value is neither of the source's two spellings.",
        "bad_country": "A country code is not two letters.",
        "bad_csv": "The CSV cannot be parsed from this line on (an unclosed quote, a huge field).",
        "bad_date": "A date is not in the format the source publishes.",
        "bad_encoding": "The bytes from this line on are not in the file's encoding.",
        "bad_identifier": "An identifier (grant or project number) is not in the source's shape.",
        "bad_json": "The JSON cannot be parsed from this record on.",
        "bad_number": "An amount or count is not a number in the source's format.",
        "bad_orgnr": "An organisation number is not nine digits with a valid check digit.",
        "bad_record": "A JSON record is not an object, or a value has the wrong JSON type.",
        "missing_value": "A value the row cannot do without (its key) is empty.",
        "wrong_field_count": "A CSV row has more or fewer fields than the header.",
        # What an importer (unikommune.harvest.mapping) could not map.
        "deleted_unit": "A unit has been deleted from the register or closed; it is kept.",
        "kind_assumed": "No project kind for the source's scheme or type; research is assumed.",
        "parent_not_found": "A unit's parent is in none of the files; it is an organisation.",
        "personal_grant": "A project is held by a person and names no organisation; left out.",
        "unidentified_partner": "An organisation has neither a number nor a name; left out.",
        "unknown_project": "Participants of a grant that the project table lacks; left out.",
        "unmappable_record": "A record the models refuse, or a project without participants.",
        "unmapped_country": "A country is not an ISO 3166-1 code; the country is left out.",
        "unmapped_role": "A role has no participant role of the format; other is given.",
        "unmapped_sector": "No helix sector for an organisation's type; it is left out.",
        "unmapped_status": "No project status for the source's phase or status.",
        "unnamed_unit": "A unit has no name; the role is given to its institution.",
    }
)


class SourceFormatError(UnikommuneError, ValueError):
    """A file is not in the layout its reader expects (a missing column, no JSON)."""

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {super().__str__()}"


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A value or row of a source file that could not be read.

    ``line`` is the physical line (1-based) where the row starts; ``row`` the
    row's number among the file's records (the header not counted);
    ``column`` the CSV column, or the JSON pointer inside the record such as
    ``/start_date``.
    """

    code: str
    path: str
    message: str
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        located = f"{where}: {', '.join(parts)}: " if parts else f"{where}: "
        return f"{located}{self.message} [{self.code}]"


_T = TypeVar("_T")


def partition(items: Iterable[_T | SourceProblem]) -> tuple[list[_T], list[SourceProblem]]:
    """Split a reader's output into its rows and its problems, both in file order.

    This holds every row in memory: use it for small files and tests, and
    iterate the reader itself for a national file.

    >>> rows, problems = partition([1, SourceProblem("bad_date", "f.csv", "bad"), 2])
    >>> rows, [problem.code for problem in problems]
    ([1, 2], ['bad_date'])
    """
    rows: list[_T] = []
    problems: list[SourceProblem] = []
    for item in items:
        if isinstance(item, SourceProblem):
            problems.append(item)
        else:
            rows.append(item)
    return rows, problems

"""Exceptions and warnings raised by unikommune.

Every exception derives from :class:`UnikommuneError`; the subclasses also derive
from the builtin a caller would expect (``ValueError``, ``KeyError``,
``FileNotFoundError``), so ``except ValueError`` keeps working.  Invalid *data*
is not an exception: validation returns findings.  Exceptions are for misuse of
the API and for input that cannot be read at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unikommune.findings import Finding

__all__ = [
    "DatasetReadError",
    "DatasetWriteError",
    "EvaluationError",
    "InvalidDatasetError",
    "PersonalDataError",
    "SchemaError",
    "TableError",
    "UnikommuneError",
    "UnikommuneWarning",
    "UnknownCodeError",
]


class UnikommuneError(Exception):
    """Root of every exception raised by unikommune."""


class DatasetReadError(UnikommuneError, ValueError):
    """A dataset path cannot be read or parsed as a unikommune dataset."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.path}: {message}" if self.path else message


class InvalidDatasetError(DatasetReadError):
    """The files were read, but the data does not fit the models.

    ``problems`` holds every problem found, as the validator reports it
    (:class:`~unikommune.findings.Finding`: code, file, line, column, pointer and
    message): the findings of the records and documents that do not fit.
    """

    def __init__(self, problems: Sequence[Finding]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {problem}" for problem in self.problems[:10])
        more = f"\n  ... and {len(self.problems) - 10} more" if len(self.problems) > 10 else ""
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        super().__init__(
            f"the dataset does not fit the unikommune models ({count}):\n{shown}{more}"
        )


class DatasetWriteError(UnikommuneError, OSError):
    """A dataset cannot be written where it was asked to go."""


class EvaluationError(UnikommuneError, ValueError):
    """Indicators or an assessment cannot be computed as asked (a missing rate, a bad criterion)."""


class PersonalDataError(UnikommuneError, ValueError):
    """An export was refused: the privacy guard found personal data.

    ``findings`` holds every finding of the guard (:mod:`unikommune.publish.guard`).
    """

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        errors = sum(1 for finding in self.findings if finding.severity.value == "error")
        super().__init__(
            f"refused to export: {errors} finding{'s' if errors != 1 else ''} of personal "
            "data; remove it, or pass --not-personal (not_personal=True) if the data is "
            "not about persons"
        )


class SchemaError(UnikommuneError, ValueError):
    """The published schemas are missing, stale or cannot be generated."""


class TableError(UnikommuneError, ValueError):
    """A table to suppress has a negative count, an unknown key or a group of one cell."""


class UnknownCodeError(UnikommuneError, KeyError):
    """A code or codelist name is not known."""

    def __str__(self) -> str:
        # KeyError quotes its argument; a message reads better plain.
        return str(self.args[0]) if self.args else ""


class UnikommuneWarning(UserWarning):
    """Base of every warning issued by unikommune."""

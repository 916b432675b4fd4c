"""What checks find: one finding type for reading files, validating and loading.

A :class:`RawFinding` is made where a problem is seen (reading a file, checking a
record's shape, a rule); it knows its file and JSON pointer but not yet its line
and column, which are worked out once, for the findings alone, from the bytes
that were read (:mod:`unikommune.validation.placing`).  A :class:`Finding` is
the placed, final form that reports, the command line and ``load``'s errors
carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "RawFinding", "Severity", "Where"]

#: Where a record is: its file, its pointer in the file's document, its JSON Lines line.
#: A plain tuple, since one is made for every record.
Where = tuple[str | None, str, int | None]


class Severity(StrEnum):
    """How much a finding matters: errors fail validation, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(slots=True)
class RawFinding:
    """A finding before its line and column are known: code, message, file, pointer.

    Never changed once made.  It is not frozen only because a frozen dataclass takes
    three times as long to make, and broken data makes one for every problem.
    ``record_line`` is the JSON Lines line of the record the pointer is in; ``key``
    says the finding is about an object member's key rather than its value.
    """

    code: str
    message: str
    file: str | None
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    key: bool = False
    record_line: int | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the validator found, with its stable code and where it is.

    ``line`` and ``column`` count from 1; they are ``None`` when the input was not a file.
    ``pointer`` is the JSON pointer of the offending value within the file's document, or
    within the line's record for a JSON Lines file.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    @property
    def place(self) -> str:
        """Return ``file:line:col`` (as much of it as is known), or the pointer."""
        if self.file is None:
            return self.pointer or "/"
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.place}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as it appears in the JSON report."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
        }

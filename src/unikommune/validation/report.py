"""What validation returns: findings, each with a stable code and a place, gathered in a report."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from unikommune.findings import Finding, Severity
from unikommune.format import FORMAT_VERSION, SCHEMA_BASE

__all__ = ["REPORT_SCHEMA", "REPORT_SCHEMA_ID", "Finding", "Report", "Severity"]


_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


#: Notes that follow every other finding of their file: the checks skipped because the
#: file could not be read come after the reason it could not be read.
_AFTER_THE_FILE = frozenset({"checks_skipped"})


def _sort_key(finding: Finding) -> tuple[str, bool, int, int, int, str]:
    return (
        finding.file or "",
        finding.code in _AFTER_THE_FILE,
        finding.line or 0,
        finding.column or 0,
        _ORDER[finding.severity],
        finding.code,
    )


@dataclass
class Report:
    """Every finding of one validation run, with counts by severity."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    records: int = 0

    def __post_init__(self) -> None:
        self.findings.sort(key=_sort_key)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def counts(self) -> Mapping[Severity, int]:
        """Return the number of findings of each severity (every severity present, maybe 0)."""
        counted = Counter(finding.severity for finding in self.findings)
        return {severity: counted.get(severity, 0) for severity in Severity}

    @property
    def ok(self) -> bool:
        """Return whether there is no finding of severity error."""
        return self.counts[Severity.ERROR] == 0

    def codes(self) -> set[str]:
        """Return the set of codes found."""
        return {finding.code for finding in self.findings}

    def merge(self, other: Report) -> Report:
        """Return a report holding the findings, files and records of both."""
        return Report(
            [*self.findings, *other.findings],
            [*self.files, *other.files],
            self.records + other.records,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the report as the JSON document described by :data:`REPORT_SCHEMA`."""
        return {
            "$schema": REPORT_SCHEMA_ID,
            "ok": self.ok,
            "counts": {severity.value: count for severity, count in self.counts.items()},
            "records": self.records,
            "files": list(self.files),
            "findings": [finding.to_dict() for finding in self.findings],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the report as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def of(cls, findings: Iterable[Finding], files: Iterable[str] = (), records: int = 0) -> Report:
        """Return a report of ``findings``."""
        return cls(list(findings), list(files), records)


REPORT_SCHEMA_ID = f"{SCHEMA_BASE}validation-report.json"

_NULLABLE_INT = {"type": ["integer", "null"], "minimum": 1}

#: JSON Schema of the report that ``unikommune validate --format json`` writes.
REPORT_SCHEMA: Mapping[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": REPORT_SCHEMA_ID,
    "title": "unikommune validation report",
    "description": f"Findings of validating unikommune datasets (format {FORMAT_VERSION}).",
    "type": "object",
    "required": ["$schema", "ok", "counts", "records", "files", "findings"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": REPORT_SCHEMA_ID},
        "ok": {"type": "boolean", "description": "True when no finding has severity error."},
        "counts": {
            "type": "object",
            "description": "Number of findings by severity.",
            "required": [severity.value for severity in Severity],
            "additionalProperties": False,
            "properties": {
                severity.value: {"type": "integer", "minimum": 0} for severity in Severity
            },
        },
        "records": {"type": "integer", "minimum": 0, "description": "Records checked."},
        "files": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Files read, in the order read.",
        },
        "findings": {
            "type": "array",
            "description": "Every finding, ordered by file, line and column.",
            "items": {
                "type": "object",
                "required": ["code", "severity", "message", "file", "line", "column", "pointer"],
                "additionalProperties": False,
                "properties": {
                    "code": {
                        "type": "string",
                        "pattern": "^[a-z][a-z0-9_]*$",
                        "description": "Stable code; `unikommune explain CODE` says more.",
                    },
                    "severity": {"enum": [severity.value for severity in Severity]},
                    "message": {"type": "string", "description": "What was expected and found."},
                    "file": {"type": ["string", "null"]},
                    "line": _NULLABLE_INT,
                    "column": _NULLABLE_INT,
                    "pointer": {
                        "type": "string",
                        "description": "JSON pointer of the value, in the file's document or "
                        "the line's record.",
                    },
                },
            },
        },
    },
}

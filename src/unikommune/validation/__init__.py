"""Validate unikommune datasets: every finding, with a stable code, a place and a plain message.

>>> from unikommune.validation import validate
>>> report = validate("examples/trondheim")  # doctest: +SKIP
>>> report.ok, dict(report.counts)  # doctest: +SKIP
(True, {<Severity.ERROR: 'error'>: 0, <Severity.WARNING: 'warning'>: 0, <Severity.INFO: 'info'>: 0})

The shape of each record is checked against its model (the same rules as the
published ``schemas/``); the rules (:mod:`unikommune.rules`) hold the records
against each other, the profile and the agreements' rules.
:mod:`unikommune.validation.codes` lists every code.
"""

from __future__ import annotations

from unikommune.findings import Finding, Severity
from unikommune.validation.codes import CODES, Code, catalogue_markdown, explain
from unikommune.validation.engine import MAX_LINE_BYTES, validate
from unikommune.validation.report import REPORT_SCHEMA, Report

__all__ = [
    "CODES",
    "MAX_LINE_BYTES",
    "REPORT_SCHEMA",
    "Code",
    "Finding",
    "Report",
    "Severity",
    "catalogue_markdown",
    "explain",
    "validate",
]

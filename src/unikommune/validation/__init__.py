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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unikommune.findings import Finding, Severity
    from unikommune.validation.codes import CODES, Code, catalogue_markdown, explain
    from unikommune.validation.engine import MAX_LINE_BYTES, validate
    from unikommune.validation.report import REPORT_SCHEMA, Report

#: The module each public name comes from, imported when the name is first used (so that
#: ``unikommune explain`` reads the catalogue without loading the validator).
_MODULE_OF = {
    "CODES": "unikommune.validation.codes",
    "Code": "unikommune.validation.codes",
    "catalogue_markdown": "unikommune.validation.codes",
    "explain": "unikommune.validation.codes",
    "Finding": "unikommune.findings",
    "Severity": "unikommune.findings",
    "MAX_LINE_BYTES": "unikommune.validation.engine",
    "validate": "unikommune.validation.engine",
    "REPORT_SCHEMA": "unikommune.validation.report",
    "Report": "unikommune.validation.report",
}

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


def __getattr__(name: str) -> Any:
    """Return the public name ``name``, importing its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'unikommune.validation' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

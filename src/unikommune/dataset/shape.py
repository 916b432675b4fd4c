"""The shape of a record: checked against its model, every problem a finding.

Records are checked with the model's mirror (:mod:`unikommune.dataset.mirror`),
which collects every problem of a record at once and hands back a record view
for the rules when there is none; :mod:`unikommune.dataset.messages` turns each
problem into a finding with a plain message.  A JSON Lines line is read here too,
and a document's ``$schema`` checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from unikommune.dataset.layout import describe, schema_finding
from unikommune.dataset.messages import structural_findings
from unikommune.dataset.mirror import mirror_validator
from unikommune.dataset.reader import decode, parse_short, parse_text
from unikommune.findings import RawFinding
from unikommune.format import is_old_schema, old_format_message
from unikommune.models import COLLECTIONS, Dataset, Profile

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = [
    "Shaped",
    "describe",
    "line_shape",
    "metadata_validator",
    "not_an_object",
    "profile_validator",
    "read_alike",
    "record_findings",
    "record_validator",
    "schema_problem",
    "string_id",
]


def schema_problem(document: Mapping[str, Any], name: str, file: str | None) -> RawFinding | None:
    """Return a finding when ``document`` does not name the schema ``name`` in ``$schema``.

    A ``$schema`` of an earlier version of the format is ``old_format_version`` (the
    document can be upgraded), any other ``wrong_schema``.
    """
    wrong = schema_finding(document, name, file)
    found = document.get("$schema")
    if wrong is None or not isinstance(found, str) or not is_old_schema(found):
        return wrong
    return RawFinding("old_format_version", old_format_message(found), file, "/$schema")


#: Dataset fields that hold collections; the document check leaves them to the record checks.
_METADATA_DROP = (*COLLECTIONS, "profile")


def record_validator(collection: str) -> Any:
    """Return the mirror validator of the records of ``collection``."""
    return mirror_validator(COLLECTIONS[collection])


def metadata_validator() -> Any:
    """Return the mirror validator of a dataset document's metadata (collections left out)."""
    return mirror_validator(Dataset, _METADATA_DROP)


def profile_validator() -> Any:
    """Return the mirror validator of a profile."""
    return mirror_validator(Profile)


def record_findings(
    collection: str, value: Any, file: str | None, prefix: str, line: int | None = None
) -> tuple[Any, list[RawFinding]]:
    """Check one record's shape; return its view (or ``None``) and the findings."""
    try:
        return record_validator(collection).validate_python(value), []
    except ValidationError as error:
        return None, structural_findings(error, file, prefix, line, COLLECTIONS[collection])


#: A record's shape: its view when it is right, else ``None``; the findings that explain
#: it; the id of a record of the wrong shape, which references may still name.
Shaped = tuple[Any, list[RawFinding], str | None]


def string_id(value: Any) -> str | None:
    """Return the id of a record of the wrong shape, if it has one that references may name."""
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def not_an_object(
    value: Any, what: str, file: str | None, record_line: int | None = None
) -> RawFinding:
    """Return the finding for a value that should be ``what`` (a JSON object) but is not."""
    return RawFinding(
        "wrong_type",
        f"expected {what} (a JSON object), found {describe(value)}",
        file,
        record_line=record_line,
    )


def line_shape(collection: str, line: bytes, number: int, file: str) -> Shaped:
    """Check the shape of the record on one JSON Lines line, which depends on no other.

    Returns the record's view when its shape is right, else the findings that explain
    every problem (broken JSON first) and the id to count.
    """
    try:
        view = record_validator(collection).validate_json(line)
    except ValidationError as error:
        return _explain_line(collection, line, number, file, error)
    if not _keys_once(line):
        # The mirror read the last of two members with one key: explain it as broken.
        return _explain_line(collection, line, number, file, None)
    return view, [], None


def _keys_once(line: bytes) -> bool:
    """Return whether no object on ``line`` gives a key twice (cheaply when it can)."""
    text = line.decode("utf-8", errors="replace")
    return parse_short(text, line) is not None or parse_text(text, None).findings == []


def read_alike(details: list[ErrorDetails], text: str) -> bool:
    """Return whether errors of a line read by pydantic are about what the strict parse read.

    They are, unless pydantic could not read the line (the strict parse takes a few things
    it does not) or the line has a Unicode escape (a lone surrogate, which it reads
    otherwise).  Keys given twice are read alike: both keep the last value.
    """
    return "\\u" not in text and all(detail["type"] != "json_invalid" for detail in details)


def _at_line(finding: RawFinding, number: int) -> RawFinding:
    if finding.line is not None:
        return finding
    return RawFinding(
        finding.code,
        finding.message,
        finding.file,
        finding.pointer,
        key=finding.key,
        record_line=number,
    )


def _explain_line(
    collection: str, line: bytes, number: int, file: str, error: ValidationError | None
) -> Shaped:
    """Explain a line the mirror rejected (or read with a key given twice): every problem."""
    text, findings = decode(line, file, number)
    if text is None:
        return None, findings, None
    text = text.rstrip("\r\n")
    details = error.errors(include_url=False) if error is not None else []
    alike = error is not None and read_alike(details, text)
    # The mirror read the line: its parser may read it again, much faster.
    parsed = (alike and parse_short(text, line)) or parse_text(text, file, first_line=number)
    if parsed.findings:
        findings.extend(_at_line(finding, number) for finding in parsed.findings)
    if not parsed.ok:
        return None, findings, None
    value = parsed.value
    if not isinstance(value, dict):
        findings.append(not_an_object(value, "a record", file, number))
        return None, findings, None
    if alike:
        # The strict parse found nothing the mirror did not read alike, so its errors are
        # those of the parsed value: no need to check that again.
        model = COLLECTIONS[collection]
        findings.extend(structural_findings(details, file, "", number, model))
    else:
        view, problems = record_findings(collection, value, file, "", number)
        if view is not None:
            return view, findings, None
        findings.extend(problems)
    return None, findings, string_id(value)

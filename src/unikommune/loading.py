"""Load a dataset into models: one ``dataset.json`` document, or a dataset folder.

Files are found by the one reader of the layout (:mod:`unikommune.dataset.layout`)
and read by the bounded reader (:mod:`unikommune.dataset.reader`), so ``load``
and :func:`validate <unikommune.validate>` read the same files the same way.  A
file that cannot be read raises :class:`~unikommune.errors.DatasetReadError`
with the reader's message.  Data that does not fit the models raises
:class:`~unikommune.errors.InvalidDatasetError` holding the validator's findings
for the records and documents the models reject: the same codes, places and
messages ``unikommune validate`` reports.  So does a folder holding a collection in
two files (``collection_in_two_files``), which would give its records twice.  What
an interrupted save left is never read, unless the save had committed its files
(:mod:`unikommune.dataset.layout`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from unikommune.dataset.layout import folder_files, schema_finding
from unikommune.dataset.profile import profile_of, read_profile
from unikommune.dataset.reader import (
    CHUNK,
    Parsed,
    parse_short,
    parse_text,
    read_json,
    split_chunk,
)
from unikommune.errors import DatasetReadError, InvalidDatasetError
from unikommune.findings import Finding, RawFinding, Severity
from unikommune.models import COLLECTIONS, Dataset, DatasetPart
from unikommune.validation.codes import CODES
from unikommune.validation.engine import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, validate

__all__ = ["load", "parse_json"]


def _unreadable(findings: list[RawFinding], file: str) -> None:
    """Raise for the first finding that makes a file unreadable (an error of reading files)."""
    for finding in findings:
        code = CODES[finding.code]
        if code.layer == "file" and code.severity is Severity.ERROR:
            place = (
                f"line {finding.line}, column {finding.column}: "
                if finding.line is not None and finding.column is not None
                else ""
            )
            raise DatasetReadError(f"{place}{finding.message}", path=file)


def parse_json(data: bytes, file: str = "<bytes>") -> Any:
    """Parse one JSON document strictly: UTF-8, no key twice, no NaN or Infinity.

    A UTF-8 byte order mark is read past.

    Raises:
        DatasetReadError: the bytes are not such a document; the message gives line and column.
    """
    from unikommune.dataset.reader import decode

    text, findings = decode(data, file)
    parsed = parse_text(text, file) if text is not None else Parsed(None, None, [])
    _unreadable([*findings, *parsed.findings], file)
    return parsed.value


def _document(path: Path, max_bytes: int) -> Any:
    parsed = read_json(path, max_bytes)
    _unreadable(parsed.findings, str(path))
    return parsed.value


@dataclass(frozen=True)
class _Rejected:
    """A part of a file the models reject: a record, a field of the document, a line."""

    file: str
    pointer: str
    line: int | None = None
    message: str = ""

    def holds(self, finding: Finding) -> bool:
        if finding.file != self.file or (self.line is not None and finding.line != self.line):
            return False
        if self.pointer == "/$schema":
            return finding.code == "wrong_schema"
        return finding.pointer == self.pointer or finding.pointer.startswith(f"{self.pointer}/")


def _rejected(error: ValidationError, file: str, line: int | None = None) -> list[_Rejected]:
    """Return the records or fields an error of the models is about."""
    found = []
    for detail in error.errors(include_url=False):
        loc = [str(part) for part in detail["loc"]]
        if line is not None:
            pointer = ""
        elif len(loc) > 1 and loc[0] in COLLECTIONS:
            pointer = f"/{loc[0]}/{loc[1]}"
        else:
            pointer = f"/{loc[0]}" if loc else ""
        found.append(_Rejected(file, pointer, line, detail["msg"]))
    return found


def _invalid(source: Path, rejected: list[_Rejected], max_bytes: int) -> InvalidDatasetError:
    """Return the error that lists the validator's findings for what the models reject."""
    report = validate(source, max_bytes=max_bytes)
    findings = [
        finding
        for finding in report
        if finding.severity is Severity.ERROR and any(part.holds(finding) for part in rejected)
    ]
    if not findings:  # pragma: no cover - the validator reports whatever the models reject
        findings = [
            Finding(
                "wrong_type", Severity.ERROR, part.message, part.file, part.line, None, part.pointer
            )
            for part in rejected
        ]
    return InvalidDatasetError(findings)


def _validated(
    model: type[BaseModel],
    value: Any,
    file: str,
    rejected: list[_Rejected],
    line: int | None = None,
) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        rejected.extend(_rejected(error, file, line))
        return None


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Dataset:
    """Load a dataset from a ``dataset.json`` document or a folder of collection files.

    Args:
        path: a dataset document, or a folder holding ``dataset.json`` and collection files.
        max_bytes: the largest single JSON document to read.

    Returns:
        The dataset, with every record checked against the models.

    Raises:
        DatasetReadError: the path cannot be read, or is not JSON.
        InvalidDatasetError: the data does not fit the models; ``problems`` lists the
            validator's findings for every part that does not fit.  Also for a folder
            holding a collection in two files (``collection_in_two_files``).
    """
    root = Path(path)
    if root.is_dir():
        return _folder(root, max_bytes)
    if not root.exists():
        raise DatasetReadError("no such file or folder", path=str(root))
    file = str(root)
    document = _document(root, max_bytes)
    rejected = _main_rejected(document, file)
    if not rejected:
        document = _inline_profile(document, file, root.parent, rejected)
    dataset: Dataset | None = (
        _validated(Dataset, document, file, rejected) if not rejected else None
    )
    if rejected or dataset is None:
        raise _invalid(root, rejected, max_bytes)
    return dataset


def _main_rejected(document: Any, file: str) -> list[_Rejected]:
    if not isinstance(document, dict):
        return [_Rejected(file, "", None, "expected a dataset document (a JSON object)")]
    if schema_finding(document, "dataset", file) is not None:
        return [_Rejected(file, "/$schema", None, "wrong $schema")]
    return []


def _inline_profile(
    document: dict[str, Any], file: str, folder: Path, rejected: list[_Rejected]
) -> dict[str, Any]:
    """Return ``document`` with the inline profile it holds merged with the one it extends.

    A profile that extends a file is read from ``folder`` (the validator reads it the
    same way), so the dataset loaded holds the profile that takes effect.
    """
    inline = document.get("profile")
    if not isinstance(inline, dict) or inline.get("extends") is None:
        return document
    profile, _ = profile_of(inline, file, "/profile", root=folder)
    if profile is None:
        rejected.append(_Rejected(file, "/profile", None, "the profile cannot be read"))
        return document
    return {**document, "profile": profile.model_dump(by_alias=True, exclude_none=True)}


def _folder(root: Path, max_bytes: int) -> Dataset:
    files = folder_files(root)
    # The layout's own errors (a collection in two files): the dataset read would be wrong.
    refused = [raw for raw in files.findings if CODES[raw.code].severity is Severity.ERROR]
    if refused:
        raise InvalidDatasetError(
            [
                Finding(raw.code, Severity.ERROR, raw.message, raw.file, raw.line, raw.column)
                for raw in refused
            ]
        )
    main = str(files.main)
    document = _document(files.main, max_bytes)
    rejected = _main_rejected(document, main)
    if rejected:
        raise _invalid(root, rejected, max_bytes)
    document = _inline_profile(document, main, root, rejected)
    extra: dict[str, list[Any]] = {name: [] for name in COLLECTIONS}
    if files.profile is not None:
        if "profile" in document:
            rejected.append(_Rejected(main, "/profile", None, "the profile is declared twice"))
        profile, findings = read_profile(files.profile, max_bytes)
        _unreadable(findings, str(files.profile))
        if profile is None:
            rejected.append(_Rejected(str(files.profile), "", None, "not a profile"))
        else:
            document = {**document, "profile": profile.model_dump(by_alias=True, exclude_none=True)}
    for part_path in files.parts.values():
        part_file = str(part_path)
        part = _document(part_path, max_bytes)
        if not isinstance(part, dict) or schema_finding(part, "dataset-part", part_file):
            rejected.append(_Rejected(part_file, "", None, "not a dataset-part document"))
            continue
        validated = _validated(DatasetPart, part, part_file, rejected)
        if validated is not None:
            for name in COLLECTIONS:
                extra[name].extend(getattr(validated, name))
    for name, lines_path in files.lines.items():
        for number, value in _json_lines(lines_path):
            record = _validated(COLLECTIONS[name], value, str(lines_path), rejected, number)
            if record is not None:
                extra[name].append(record)
    dataset: Dataset | None = _validated(Dataset, document, main, rejected)
    if rejected or dataset is None:
        raise _invalid(root, rejected, max_bytes)
    for name, records in extra.items():
        dataset.collection(name).extend(records)
    return dataset


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, value)`` of every record of a JSON Lines file, strictly parsed.

    Raises:
        DatasetReadError: the file cannot be read, or a line is not a JSON document or is
            over the limit of one record.
    """
    file = str(path)
    number = 0
    try:
        stream = path.open("rb")
    except OSError as error:
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=file) from None
    with stream:
        pending = b""
        while True:
            chunk = stream.read(CHUNK)
            lines, pending = split_chunk(pending, chunk)
            if len(pending) > MAX_LINE_BYTES:
                lines.append(pending)
            for line in lines:
                number += 1
                if len(line) > MAX_LINE_BYTES:
                    raise DatasetReadError(
                        f"line {number}: the record on this line is over {MAX_LINE_BYTES:,} bytes",
                        path=file,
                    )
                if not line.strip():
                    continue
                text = line.decode("utf-8", errors="surrogateescape")
                parsed = parse_short(text, line) or _strict(line, file, number)
                yield number, parsed.value
            if not chunk:
                break


def _strict(line: bytes, file: str, number: int) -> Parsed:
    from unikommune.dataset.reader import decode

    text, findings = decode(line, file, number)
    parsed = (
        parse_text(text.rstrip("\r"), file, first_line=number)
        if text is not None
        else Parsed(None, None, [])
    )
    _unreadable([*findings, *parsed.findings], file)
    return parsed

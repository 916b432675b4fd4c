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

``load(path, collections=...)`` reads only some collections (the files of the others
are not opened), :func:`iter_records` streams the records of one collection
without holding them all, and :func:`iter_fields` streams them read for some fields
only, without building their models where that is certain.  They raise what ``load``
raises, for the files they read.
JSON Lines are read a chunk at a time by :func:`unikommune.dataset.lines.json_chunks`,
quickly where that is proven to read what the strict reader reads (a chunk's models
then built in one pass), and the records given the same fields
share one set of them (:class:`~unikommune.dataset.lines.FieldSets`, half the memory of
a small record); a load pauses the garbage collector (restored afterwards, also on
error), as the many objects it makes hold no cycles.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from unikommune.collector import collector_paused
from unikommune.dataset.layout import FolderFiles, folder_files, schema_finding
from unikommune.dataset.lines import UNREAD, FieldSets, json_chunks, line_chunks
from unikommune.dataset.partial import PartialDecoder, partial_decoder
from unikommune.dataset.profile import profile_of, read_profile
from unikommune.dataset.reader import (
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    Parsed,
    parse_short,
    parse_text,
    read_json,
)
from unikommune.errors import DatasetReadError, InvalidDatasetError
from unikommune.findings import Finding, RawFinding, Severity
from unikommune.models import COLLECTIONS, Dataset, DatasetPart, Record
from unikommune.models.paths import FieldPath
from unikommune.validation.codes import CODES

__all__ = ["iter_fields", "iter_records", "load", "parse_json"]


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
    from unikommune.validation.engine import validate  # only to explain a refusal

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


def load(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    collections: Iterable[str] | None = None,
) -> Dataset:
    """Load a dataset from a ``dataset.json`` document or a folder of collection files.

    Args:
        path: a dataset document, or a folder holding ``dataset.json`` and collection files.
        max_bytes: the largest single JSON document to read.
        collections: the collections to read (such as ``["partners", "projects"]``), or
            ``None`` for all.  The others are left empty and their JSON Lines files are
            not opened; errors are raised for the dataset's metadata and the records read.

    Returns:
        The dataset, with every record read checked against the models.

    The garbage collector is paused while the dataset is read (a load makes millions of
    objects and no reference cycle; walking them again and again made loading several
    times slower, measured) and restored as it was, also on error.  It then finds every
    object of the process in its oldest generation, unless the program froze objects
    itself (:func:`gc.freeze`).

    Raises:
        DatasetReadError: the path cannot be read, or is not JSON.
        InvalidDatasetError: the data does not fit the models; ``problems`` lists the
            validator's findings for every part that does not fit.  Also for a folder
            holding a collection in two files (``collection_in_two_files``).
        ValueError: ``collections`` names something that is not a collection.

    >>> import unikommune
    >>> dataset = unikommune.load("examples/trondheim", collections=["partners"])
    >>> len(dataset.partners) > 0, dataset.projects
    (True, [])
    """
    wanted = _chosen(collections)
    with collector_paused():
        root = Path(path)
        if root.is_dir():
            return _folder(root, max_bytes, wanted)
        if not root.exists():
            raise DatasetReadError("no such file or folder", path=str(root))
        file = str(root)
        document = _document(root, max_bytes)
        rejected = _main_rejected(document, file)
        if not rejected:
            document = _inline_profile(_only(document, wanted), file, root.parent, rejected)
        dataset: Dataset | None = (
            _validated(Dataset, document, file, rejected) if not rejected else None
        )
        if rejected or dataset is None:
            raise _invalid(root, rejected, max_bytes)
        return dataset


def _chosen(collections: Iterable[str] | None) -> frozenset[str]:
    """Return the collections asked for; raise ValueError for a name that is not one."""
    if collections is None:
        return frozenset(COLLECTIONS)
    if isinstance(collections, str):
        collections = [collections]
    chosen = frozenset(collections)
    unknown = sorted(chosen - set(COLLECTIONS))
    if unknown:
        raise ValueError(
            f"not a collection: {', '.join(map(repr, unknown))}; "
            f"expected some of {', '.join(COLLECTIONS)}"
        )
    return chosen


def _only(document: Any, wanted: Collection[str]) -> Any:
    """Return a document (a dataset or a part) without the collections not ``wanted``."""
    if not isinstance(document, dict) or len(wanted) == len(COLLECTIONS):
        return document
    return {
        key: value for key, value in document.items() if key not in COLLECTIONS or key in wanted
    }


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


@dataclass
class _Folder:
    """A dataset folder read up to its JSON Lines files: metadata, profile and parts checked."""

    root: Path
    files: FolderFiles
    document: Any
    extra: dict[str, list[Any]]
    rejected: list[_Rejected]


def _folder_start(root: Path, max_bytes: int, wanted: frozenset[str]) -> _Folder:
    """Read a folder's layout, main document, profile and part documents.

    Raises:
        DatasetReadError: a file cannot be read.
        InvalidDatasetError: the layout holds a collection twice, or the main document
            is not a dataset document.
    """
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
    document = _inline_profile(_only(document, wanted), main, root, rejected)
    if files.profile is not None:
        if "profile" in document:
            rejected.append(_Rejected(main, "/profile", None, "the profile is declared twice"))
        profile, findings = read_profile(files.profile, max_bytes)
        _unreadable(findings, str(files.profile))
        if profile is None:
            rejected.append(_Rejected(str(files.profile), "", None, "not a profile"))
        else:
            document = {**document, "profile": profile.model_dump(by_alias=True, exclude_none=True)}
    extra: dict[str, list[Any]] = {name: [] for name in COLLECTIONS if name in wanted}
    # A part document may hold records of any collection: each is read, for those wanted.
    for part_path in files.parts.values():
        part_file = str(part_path)
        part = _document(part_path, max_bytes)
        if not isinstance(part, dict) or schema_finding(part, "dataset-part", part_file):
            rejected.append(_Rejected(part_file, "", None, "not a dataset-part document"))
            continue
        validated = _validated(DatasetPart, _only(part, wanted), part_file, rejected)
        if validated is not None:
            for name, records in extra.items():
                records.extend(getattr(validated, name))
    return _Folder(root, files, document, extra, rejected)


def _folder(root: Path, max_bytes: int, wanted: frozenset[str]) -> Dataset:
    start = _folder_start(root, max_bytes, wanted)
    rejected = start.rejected
    for name, lines_path in start.files.lines.items():
        if name in wanted:
            for records in _line_records(lines_path, name, rejected):
                start.extra[name].extend(records)
    dataset: Dataset | None = _validated(Dataset, start.document, str(start.files.main), rejected)
    if rejected or dataset is None:
        raise _invalid(root, rejected, max_bytes)
    for name, records in start.extra.items():
        dataset.collection(name).extend(records)
    return dataset


def iter_records(
    path: str | os.PathLike[str], collection: str, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Iterator[Record]:
    """Yield the records of one collection of a dataset, streaming its JSON Lines file.

    The records are those ``load(path, collections=[collection])`` would hold, in the
    same order, and the errors the same: the dataset's metadata is read and checked
    before the first record, and a record the models reject ends the records yielded;
    the rest of the file is read for other such records and
    :class:`~unikommune.errors.InvalidDatasetError` raised for them all.  Only a
    collection in a JSON Lines file is streamed; one inside a JSON document is read
    with its document.  The garbage collector is left as it is.

    Raises:
        DatasetReadError: the path cannot be read, or is not JSON.
        InvalidDatasetError: the data does not fit the models (see :func:`load`).
        ValueError: ``collection`` is not a collection.

    >>> import unikommune
    >>> from unikommune.loading import iter_records
    >>> sum(1 for _ in iter_records("examples/trondheim", "partners")) == len(
    ...     unikommune.load("examples/trondheim").partners)
    True
    """
    return _streamed(Path(path), collection, _chosen([collection]), max_bytes)


def iter_fields(
    path: str | os.PathLike[str],
    collection: str,
    paths: Iterable[FieldPath],
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[Any]:
    """Yield the records of one collection, each read at least for the values at ``paths``.

    For a view that needs a few fields of every record (the partners of each project,
    the year and students of each placement): the records are those of
    :func:`iter_records`, in the same order,
    but a JSON Lines record is read into a light struct holding only the values at
    ``paths`` (a path reads it as it reads the model) wherever those values are certainly
    what the model would hold (:mod:`unikommune.dataset.partial`), which is many times
    quicker than building the model.  Every other record is a model, and a record
    whose values at ``paths`` are not certain and that the models reject raises what
    :func:`load` raises.  The fields a light record does not hold are not checked: a
    record wrong only there is read, where :func:`load` would refuse it.

    Raises:
        DatasetReadError: the path cannot be read, or is not JSON.
        InvalidDatasetError: the dataset's metadata, or a record read as a model, does
            not fit the models (see :func:`load`).
        ValueError: ``collection`` is not a collection.
    """
    wanted = _chosen([collection])
    decoder = partial_decoder(collection, tuple(paths))
    return _streamed(Path(path), collection, wanted, max_bytes, decoder)


def _streamed(
    root: Path,
    collection: str,
    wanted: frozenset[str],
    max_bytes: int,
    decoder: PartialDecoder | None = None,
) -> Iterator[Record]:
    if not root.is_dir():
        yield from load(root, max_bytes=max_bytes, collections=wanted).collection(collection)
        return
    start = _folder_start(root, max_bytes, wanted)
    rejected = start.rejected
    dataset = _validated(Dataset, start.document, str(start.files.main), rejected)
    lines_path = start.files.lines.get(collection)
    batches: Iterator[list[Any]] = iter(())
    if lines_path is not None and decoder is not None:
        batches = _partial_records(lines_path, collection, rejected, decoder)
    elif lines_path is not None:
        batches = _line_records(lines_path, collection, rejected)
    if rejected or dataset is None:
        for _ in batches:  # every record the models reject is in the error
            pass
        raise _invalid(root, rejected, max_bytes)
    yield from dataset.collection(collection)
    yield from start.extra[collection]
    for batch in batches:
        if not rejected:
            yield from batch
    if rejected:
        raise _invalid(root, rejected, max_bytes)


def _line_records(path: Path, collection: str, rejected: list[_Rejected]) -> Iterator[list[Any]]:
    """Yield the records of a JSON Lines file the models accept, a chunk at a time.

    A record the models reject is noted in ``rejected`` instead.  The records given the
    same fields share one set of them (:class:`FieldSets`).

    Raises:
        DatasetReadError: the file cannot be read, or a line is over the limit of one
            record or is not a JSON document.
    """
    # The model's own validator: what model_validate calls, without a frame per record.
    validate = COLLECTIONS[collection].__pydantic_validator__.validate_python
    share = FieldSets().share
    file = str(path)
    for number, lines, values in json_chunks(path, MAX_LINE_BYTES):
        if UNREAD not in values:
            try:
                yield share(list(map(validate, values)))
                continue
            except ValidationError:
                pass  # the records one by one, to note each rejected one
        records = []
        for at, (line, value) in enumerate(zip(lines, values, strict=True), start=number + 1):
            record = _line_model(line, value, validate, file, at, rejected)
            if record is not None:
                records.append(record)
            elif records:  # those before it come first, as a stream gives them
                yield share(records)
                records = []
        yield share(records)


def _line_model(
    line: bytes,
    value: Any,
    validate: Callable[[Any], Any],
    file: str,
    at: int,
    rejected: list[_Rejected],
) -> Any:
    """Return the model of line ``at`` (its value, or :data:`UNREAD` to read it strictly).

    ``None`` when the models reject it: the rejection is noted in ``rejected``.
    """
    if value is UNREAD:
        text = line.decode("utf-8", errors="surrogateescape")
        value = (parse_short(text, line) or _strict(line, file, at)).value
    try:
        return validate(value)
    except ValidationError as error:
        rejected.extend(_rejected(error, file, at))
        return None


def _partial_records(
    path: Path, collection: str, rejected: list[_Rejected], decoder: PartialDecoder
) -> Iterator[list[Any]]:
    """Yield the records of a JSON Lines file, light where ``decoder`` takes the line.

    A line it does not take is read and checked as :func:`_line_records` reads it: a
    model, or a record the models reject, noted in ``rejected``.
    """
    validate = COLLECTIONS[collection].__pydantic_validator__.validate_python
    file = str(path)
    for number, lines in line_chunks(path, MAX_LINE_BYTES):
        records = decoder.read(lines)
        if None not in records:
            yield records
            continue
        kept: list[Any] = []
        for at, (line, record) in enumerate(zip(lines, records, strict=True), start=number + 1):
            if record is None and line.strip():
                record = _line_model(line, UNREAD, validate, file, at, rejected)
                if record is None and kept:  # those before it come first, as a stream gives them
                    yield kept
                    kept = []
            if record is not None:
                kept.append(record)
        yield kept


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

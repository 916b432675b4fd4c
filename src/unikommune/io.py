"""Read and write datasets: one document, or a folder of one file per collection.

A dataset is published either as a single ``dataset.json`` document, or as a
folder holding ``dataset.json`` (the metadata, and any collections kept inline)
and one file per collection: ``<collection>.json`` (a ``dataset-part`` document)
or ``<collection>.jsonl`` (JSON Lines, one record a line, for large
collections).  A folder may hold ``profile.json`` with the partnership's own
profile, and :func:`save` writes a declared profile there.  :func:`load` reads
either layout; :func:`save` writes either, without losing anything the models
hold, and never over an existing file unless asked.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from unikommune.errors import DatasetReadError, DatasetWriteError
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS, Dataset, DatasetPart, Profile

__all__ = [
    "DATASET_FILE",
    "MAX_DOCUMENT_BYTES",
    "PROFILE_FILE",
    "InvalidDatasetError",
    "Problem",
    "dump_document",
    "iter_json_lines",
    "load",
    "parse_json",
    "save",
]

DATASET_FILE = "dataset.json"
PROFILE_FILE = "profile.json"
#: Largest single JSON document :func:`load` reads; larger collections belong in JSON Lines.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


class Problem(NamedTuple):
    """A problem found while loading: the file, the JSON pointer and a plain message."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.pointer or '/'}: {self.message}"


class InvalidDatasetError(DatasetReadError):
    """The files were read, but the data does not fit the models.

    ``problems`` lists every problem found, each a :class:`Problem`.  The
    validator (:func:`unikommune.validate`) reports the same data as findings
    with codes, lines and columns; this exception is what :func:`load` raises,
    since it cannot return a dataset that does not fit.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {problem}" for problem in problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            f"the dataset does not fit the unikommune models ({count}):\n{shown}{more}"
        )


def _pointer(loc: Iterable[int | str]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in loc)


def _problems(error: ValidationError, file: str, prefix: Iterable[int | str] = ()) -> list[Problem]:
    prefix = tuple(prefix)
    return [
        Problem(
            file, _pointer((*prefix, *detail["loc"])), detail["msg"].removeprefix("Value error, ")
        )
        for detail in error.errors(include_url=False)
    ]


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _decode(data: bytes, file: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DatasetReadError("the file is UTF-16 text; save it as UTF-8", path=file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetReadError(
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8",
            path=file,
        ) from None


def parse_json(data: bytes, file: str = "<bytes>") -> Any:
    """Parse one JSON document strictly: UTF-8, no duplicate keys, no NaN or Infinity.

    Raises:
        DatasetReadError: the bytes are not such a document; the message gives line and column.
    """
    text = _decode(data, file)
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        raise DatasetReadError(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}", path=file
        ) from None
    except RecursionError:
        raise DatasetReadError("the JSON is nested too deeply to read", path=file) from None
    except ValueError as error:
        raise DatasetReadError(f"invalid JSON: {error}", path=file) from None


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line number, parsed value)`` for every non-blank line of a JSON Lines file.

    Raises:
        DatasetReadError: the file cannot be read or a line is not a JSON document.
    """
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    try:
                        yield number, parse_json(line, str(path))
                    except DatasetReadError as error:
                        raise DatasetReadError(
                            f"line {number}: {error.args[0]}", path=str(path)
                        ) from None
    except OSError as error:
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=str(path)) from None


def _read_document(path: Path, max_bytes: int) -> Any:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DatasetReadError(
                f"the file is {size:,} bytes, over the limit of {max_bytes:,} for one "
                "JSON document; split large collections into JSON Lines files",
                path=str(path),
            )
        data = path.read_bytes()
    except OSError as error:
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=str(path)) from None
    if not data.strip():
        raise DatasetReadError("the file is empty", path=str(path))
    return parse_json(data, str(path))


def _expect_schema(document: Any, expected: str, path: Path) -> None:
    if not isinstance(document, dict):
        raise InvalidDatasetError(
            [Problem(str(path), "", f"expected a JSON object, found {type(document).__name__}")]
        )
    found = document.get("$schema")
    if found != schema_id(expected):
        raise InvalidDatasetError(
            [
                Problem(
                    str(path),
                    "/$schema",
                    f"expected {schema_id(expected)!r}, found {found!r}"
                    if found is not None
                    else f"missing; a {expected} document names {schema_id(expected)!r}",
                )
            ]
        )


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Dataset:
    """Load a dataset from a ``dataset.json`` document or a folder of collection files.

    Args:
        path: a dataset document, or a folder holding ``dataset.json`` and collection files.
        max_bytes: the largest single JSON document to read.

    Returns:
        The dataset, with every record checked against the models.

    Raises:
        DatasetReadError: the path cannot be read, or is not JSON.
        InvalidDatasetError: the data does not fit the models; ``problems`` lists all.
    """
    root = Path(path)
    if root.is_dir():
        return _load_folder(root, max_bytes)
    if not root.exists():
        raise DatasetReadError("no such file or folder", path=str(root))
    document = _read_document(root, max_bytes)
    _expect_schema(document, "dataset", root)
    try:
        return Dataset.model_validate(document)
    except ValidationError as error:
        raise InvalidDatasetError(_problems(error, str(root))) from None


def _load_folder(root: Path, max_bytes: int) -> Dataset:
    main = root / DATASET_FILE
    if not main.is_file():
        raise DatasetReadError(
            f"the folder has no {DATASET_FILE}; a dataset folder holds {DATASET_FILE} "
            "and one file per collection",
            path=str(root),
        )
    document = _read_document(main, max_bytes)
    _expect_schema(document, "dataset", main)
    problems: list[Problem] = []
    extra: dict[str, list[Any]] = {name: [] for name in COLLECTIONS}

    profile_path = root / PROFILE_FILE
    if profile_path.is_file():
        if "profile" in document:
            problems.append(
                Problem(
                    str(main),
                    "/profile",
                    f"the profile is declared both here and in {PROFILE_FILE}",
                )
            )
        profile_document = _read_document(profile_path, max_bytes)
        _expect_schema(profile_document, "profile", profile_path)
        try:
            Profile.model_validate(profile_document)
        except ValidationError as error:
            problems.extend(_problems(error, str(profile_path)))
        else:
            document["profile"] = profile_document

    for name, record_class in COLLECTIONS.items():
        part_path = root / f"{name}.json"
        if part_path.is_file():
            part = _read_document(part_path, max_bytes)
            _expect_schema(part, "dataset-part", part_path)
            try:
                validated = DatasetPart.model_validate(part)
            except ValidationError as error:
                problems.extend(_problems(error, str(part_path)))
            else:
                for other in COLLECTIONS:
                    extra[other].extend(getattr(validated, other))
        lines_path = root / f"{name}.jsonl"
        if lines_path.is_file():
            for number, value in iter_json_lines(lines_path):
                try:
                    extra[name].append(record_class.model_validate(value))
                except ValidationError as error:
                    problems.extend(
                        Problem(f"{lines_path}:{number}", pointer, message)
                        for _, pointer, message in _problems(error, str(lines_path))
                    )

    try:
        dataset = Dataset.model_validate(document)
    except ValidationError as error:
        problems.extend(_problems(error, str(main)))
    if problems:
        raise InvalidDatasetError(problems)
    for name, records in extra.items():
        dataset.collection(name).extend(records)
    return dataset


def _prune(value: Any) -> Any:
    """Drop ``None`` and empty lists, which mean the same as an absent field."""
    if isinstance(value, dict):
        return {key: _prune(item) for key, item in value.items() if item is not None and item != []}
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def dump_document(model: BaseModel) -> dict[str, Any]:
    """Return a model as the JSON-ready dict that :func:`save` writes (absent fields left out)."""
    pruned: dict[str, Any] = _prune(model.model_dump(mode="json", by_alias=True))
    return pruned


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file private; a published file gets the usual permissions.
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    jsonl: bool | Collection[str] = False,
    overwrite: bool = False,
) -> list[Path]:
    """Write ``dataset`` as one document or as a folder; return the files written.

    Args:
        dataset: the dataset to write.
        path: a ``.json`` file for one document, or a folder.
        layout: ``"document"`` or ``"folder"``; by default a path ending in ``.json`` is a
            document and anything else a folder.
        jsonl: in a folder, write these collections (or all, if ``True``) as JSON Lines.
        overwrite: replace existing files; without it nothing that exists is touched.  In a
            folder it also removes the dataset's own files that this layout no longer writes
            (a ``projects.jsonl`` when projects now go to ``projects.json``), so that the folder
            does not load with records twice.

    Raises:
        DatasetWriteError: the target exists (without ``overwrite``) or cannot be written.
        ValueError: ``layout`` or ``jsonl`` names something unknown.
    """
    target = Path(path)
    layout = layout or ("document" if target.suffix == ".json" else "folder")
    if layout not in {"document", "folder"}:
        raise ValueError(f"layout must be 'document' or 'folder', not {layout!r}")
    as_lines = set(COLLECTIONS) if jsonl is True else set(jsonl or ())
    unknown = as_lines - set(COLLECTIONS)
    if unknown:
        raise ValueError(f"not collections: {', '.join(sorted(unknown))}")
    document = dump_document(dataset)
    files: dict[Path, str] = {}
    if layout == "document":
        if as_lines:
            raise ValueError("JSON Lines files need the folder layout")
        files[target] = _text(document)
    else:
        metadata = {
            key: value
            for key, value in document.items()
            if key not in COLLECTIONS and key != "profile"
        }
        files[target / DATASET_FILE] = _text(metadata)
        if "profile" in document:
            files[target / PROFILE_FILE] = _text(
                {"$schema": schema_id("profile"), **document["profile"]}
            )
        for name in COLLECTIONS:
            records = document.get(name)
            if not records:
                continue
            if name in as_lines:
                files[target / f"{name}.jsonl"] = "".join(
                    json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
                    for record in records
                )
            else:
                files[target / f"{name}.json"] = _text(
                    {"$schema": schema_id("dataset-part"), name: records}
                )
    existing = [file for file in files if file.exists()]
    if existing and not overwrite:
        raise DatasetWriteError(
            f"{existing[0]} exists; pass overwrite=True (or --force) to replace it"
        )
    stale: list[Path] = []
    if layout == "folder":
        own = [target / PROFILE_FILE] + [
            target / f"{name}{suffix}" for name in COLLECTIONS for suffix in (".json", ".jsonl")
        ]
        stale = [file for file in own if file.exists() and file not in files]
        if stale and not overwrite:
            raise DatasetWriteError(
                f"{stale[0]} exists and would be read with the new files; "
                "pass overwrite=True (or --force) to replace the folder's dataset files"
            )
    try:
        for file, text in files.items():
            file.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(file, text)
        for file in stale:
            file.unlink()
    except OSError as error:
        raise DatasetWriteError(f"cannot write {error.filename}: {error.strerror}") from None
    return list(files)

"""The files of a dataset: one document, or a folder of one file per collection.

A dataset is published either as a single ``dataset.json`` document, or as a
folder holding ``dataset.json`` (the metadata, and any collections kept inline)
and, per collection, ``<collection>.json`` (a ``dataset-part`` document) and/or
``<collection>.jsonl`` (JSON Lines, one record a line).  A folder may hold
``profile.json`` with the partnership's own profile.  This module is the one
reader of that layout: :func:`folder_files` says which file holds what, and
:func:`load <unikommune.dataset.load>` and :func:`validate
<unikommune.validate>` both go by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unikommune.errors import DatasetReadError
from unikommune.findings import RawFinding
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS

__all__ = [
    "DATASET_FILE",
    "PROFILE_FILE",
    "SUFFIXES",
    "FolderFiles",
    "describe",
    "folder_files",
    "own_files",
    "schema_finding",
]

DATASET_FILE = "dataset.json"
PROFILE_FILE = "profile.json"
#: The suffixes of a collection's files: a dataset-part document, JSON Lines.
SUFFIXES = (".json", ".jsonl")


def own_files(root: Path) -> list[Path]:
    """Return every file a dataset folder at ``root`` may hold, in the order they are read."""
    return [
        root / DATASET_FILE,
        root / PROFILE_FILE,
        *(root / f"{name}{suffix}" for name in COLLECTIONS for suffix in SUFFIXES),
    ]


@dataclass
class FolderFiles:
    """What a dataset folder holds: its main document, profile and collection files.

    ``parts`` and ``lines`` name, by collection, the ``<collection>.json`` and
    ``<collection>.jsonl`` files present; ``findings`` are notes on files the layout
    does not read.
    """

    root: Path
    main: Path
    profile: Path | None = None
    parts: dict[str, Path] = field(default_factory=dict)
    lines: dict[str, Path] = field(default_factory=dict)
    findings: list[RawFinding] = field(default_factory=list)


def _listed(root: Path) -> list[Path]:
    try:
        return sorted(
            entry
            for entry in root.iterdir()
            if entry.suffix in SUFFIXES and not entry.name.startswith(".")
        )
    except OSError as error:
        raise DatasetReadError(
            f"cannot list the folder: {error.strerror}", path=str(root)
        ) from None


def folder_files(root: Path) -> FolderFiles:
    """Return the files of the dataset folder ``root``.

    Raises:
        DatasetReadError: the folder cannot be listed, has no ``dataset.json``, or holds
            a broken symbolic link where a file of the dataset should be.
    """
    present = _listed(root)
    main = root / DATASET_FILE
    if not main.is_file():
        names = ", ".join(entry.name for entry in present[:5]) or "no JSON files"
        raise DatasetReadError(
            f"not a dataset folder: it has no {DATASET_FILE} (found {names}); point "
            f"`unikommune validate` at a {DATASET_FILE} or at a folder holding one",
            path=str(root),
        )
    files = FolderFiles(root, main)
    known = {path.name for path in own_files(root)}
    for entry in present:
        if entry.is_symlink() and not entry.exists():
            raise DatasetReadError("the file is a broken or looping symbolic link", path=str(entry))
        if entry.name not in known:
            files.findings.append(
                RawFinding(
                    "unexpected_file",
                    f"{entry.name} is not a file of the dataset layout and is not checked; name "
                    "it after its collection, such as projects.jsonl",
                    str(entry),
                )
            )
    profile = root / PROFILE_FILE
    if profile.is_file():
        files.profile = profile
    for name in COLLECTIONS:
        part, lines = root / f"{name}.json", root / f"{name}.jsonl"
        if part.is_file():
            files.parts[name] = part
        if lines.is_file():
            files.lines[name] = lines
    return files


def describe(value: Any) -> str:
    """Return a short description of a JSON value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the string {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__  # pragma: no cover - JSON has no other types


def schema_finding(document: Mapping[str, Any], name: str, file: str | None) -> RawFinding | None:
    """Return a finding when ``document`` does not name the schema ``name`` in ``$schema``."""
    found = document.get("$schema")
    if found == schema_id(name):
        return None
    shown = f"found {describe(found)}" if found is not None else "it is missing"
    return RawFinding(
        "wrong_schema",
        f"$schema: a {name} document names {schema_id(name)!r}; {shown}. Schemas are never fetched",
        file,
        "/$schema" if found is not None else "",
    )

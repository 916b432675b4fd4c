"""The files of a dataset: one document, or a folder of one file per collection.

A dataset is published either as a single ``dataset.json`` document, or as a
folder holding ``dataset.json`` (the metadata, and any collections kept inline)
and, per collection, ``<collection>.json`` (a ``dataset-part`` document) and/or
``<collection>.jsonl`` (JSON Lines, one record a line).  A folder may hold
``profile.json`` with the partnership's own profile.  This module is the one
reader of that layout: :func:`folder_files` says which file holds what, and
:func:`load <unikommune.dataset.load>` and :func:`validate
<unikommune.validate>` both go by it.

A collection is in one file: a folder holding both ``<collection>.json`` and
``<collection>.jsonl`` is reported (``collection_in_two_files``), and only the
``.json`` file is read.

:func:`save <unikommune.save>` writes a folder under temporary names
(``.unikommune-save.<token>.<file>``) and commits the new files at once by
renaming a journal into place (``.unikommune-save.json``, see
:mod:`unikommune.dataset.save`).  :func:`save_state` reads what an interrupted
save left: without a journal its files are not read; with one, the dataset is
the files the journal lists, each read from its temporary name while it has one.
Either way :func:`folder_files` reports them (``interrupted_save``).
"""

from __future__ import annotations

import json
import re
import stat
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
    "JOURNAL",
    "PROFILE_FILE",
    "SAVE_PREFIX",
    "SUFFIXES",
    "FolderFiles",
    "SaveState",
    "describe",
    "document_findings",
    "document_leftovers",
    "folder_files",
    "journal_bytes",
    "own_files",
    "save_state",
    "schema_finding",
    "staged_name",
]

DATASET_FILE = "dataset.json"
PROFILE_FILE = "profile.json"
#: The suffixes of a collection's files: a dataset-part document, JSON Lines.
SUFFIXES = (".json", ".jsonl")
#: How the names of the files a save writes before it commits begin.
SAVE_PREFIX = ".unikommune-save."
#: The journal of a save: its presence commits the files it lists.
JOURNAL = ".unikommune-save.json"
#: A save's token: it tells the temporary files of one save from another's.
_TOKEN = re.compile(r"[0-9a-f]{8}")
#: The largest journal read (one lists a few file names).
_JOURNAL_BYTES = 64 * 1024


def own_files(root: Path) -> list[Path]:
    """Return every file a dataset folder at ``root`` may hold, in the order they are read."""
    return [
        root / DATASET_FILE,
        root / PROFILE_FILE,
        *(root / f"{name}{suffix}" for name in COLLECTIONS for suffix in SUFFIXES),
    ]


def staged_name(token: str, name: str) -> str:
    """Return the temporary name under which the save ``token`` writes the file ``name``."""
    return f"{SAVE_PREFIX}{token}.{name}"


def journal_bytes(token: str, names: list[str]) -> bytes:
    """Return the journal of the save ``token``, which commits the files ``names``."""
    return (json.dumps({"save": token, "files": names}, indent=2) + "\n").encode("ascii")


@dataclass
class SaveState:
    """What interrupted saves left in a folder.

    ``token`` and ``files`` are those of a committed save (its journal is present): the
    dataset is ``files``, each still under its temporary name while that exists.
    ``leftovers`` are the files of saves, the journal included.
    """

    root: Path
    token: str | None = None
    files: tuple[str, ...] = ()
    leftovers: list[Path] = field(default_factory=list)

    def source(self, name: str) -> Path:
        """Return where the file ``name`` of the dataset is read from now."""
        if self.token is not None:
            staged = self.root / staged_name(self.token, name)
            if staged.is_file():
                return staged
        return self.root / name

    def unfinished(self) -> list[str]:
        """Return the files of the committed save still under their temporary names."""
        token = self.token
        if token is None:
            return []
        return [name for name in self.files if (self.root / staged_name(token, name)).is_file()]


def _journal(root: Path) -> tuple[str, tuple[str, ...]]:
    """Return the token and files of the journal in ``root``.

    Raises:
        DatasetReadError: the journal cannot be read or is not one a save writes.
    """
    path = root / JOURNAL
    try:
        with path.open("rb") as stream:
            data = stream.read(_JOURNAL_BYTES + 1)
        value = json.loads(data) if len(data) <= _JOURNAL_BYTES else None
    except (OSError, ValueError, RecursionError) as error:
        value = None
        reason = error.strerror if isinstance(error, OSError) else None
    else:
        reason = None
    own = {file.name for file in own_files(root)}
    if (
        isinstance(value, dict)
        and isinstance(value.get("save"), str)
        and _TOKEN.fullmatch(value["save"])
        and isinstance(value.get("files"), list)
        and DATASET_FILE in value["files"]
        and all(isinstance(name, str) and name in own for name in value["files"])
    ):
        return value["save"], tuple(value["files"])
    raise DatasetReadError(
        f"the journal of an interrupted save cannot be read ({reason or 'not a journal'}), so "
        "which files hold the dataset is unknown; save the dataset again with overwrite=True "
        "(or --force), which replaces every file of it",
        path=str(path),
    )


def save_state(root: Path) -> SaveState:
    """Return what interrupted saves left in the folder ``root``.

    Raises:
        DatasetReadError: the folder cannot be listed, or holds a journal that cannot be read.
    """
    return _state(root, _entries(root))


def _state(root: Path, entries: list[Path]) -> SaveState:
    state = SaveState(root)
    state.leftovers = [
        entry
        for entry in entries
        if entry.name.startswith(SAVE_PREFIX) and (entry.is_symlink() or not entry.is_dir())
    ]
    if any(entry.name == JOURNAL for entry in state.leftovers):
        state.token, state.files = _journal(root)
    return state


def _leftover_finding(state: SaveState) -> RawFinding | None:
    if not state.leftovers:
        return None
    if state.token is not None:
        waiting = state.unfinished()
        return RawFinding(
            "interrupted_save",
            f"{JOURNAL}: a save was interrupted after it had written the whole dataset; the "
            f"dataset is the {len(state.files)} files its journal lists ({len(waiting)} still "
            "under a temporary name, read from there), and the next save of the folder "
            "finishes it",
            str(state.root / JOURNAL),
            line=1,
            column=1,
        )
    first = state.leftovers[0]
    count = len(state.leftovers)
    more = f" and {count - 1} more" if count > 1 else ""
    return RawFinding(
        "interrupted_save",
        f"{first.name}{more}: left by a save that was interrupted before it had written the "
        "whole dataset, so the dataset is as it was before; not read, and the next save of "
        f"the folder removes {'it' if count == 1 else 'them'}",
        str(first),
        line=1,
        column=1,
    )


def document_leftovers(path: Path) -> list[Path]:
    """Return the files that interrupted saves of the document ``path`` left beside it."""
    pattern = re.compile(re.escape(SAVE_PREFIX) + r"[0-9a-f]{8}\." + re.escape(path.name))
    try:
        return sorted(
            entry
            for entry in path.parent.iterdir()
            if entry.name.startswith(SAVE_PREFIX)
            and pattern.fullmatch(entry.name)
            and (entry.is_symlink() or not entry.is_dir())
        )
    except OSError:
        return []


def document_findings(path: Path) -> list[RawFinding]:
    """Return a finding for the files that interrupted saves of the document ``path`` left."""
    found = document_leftovers(path)
    if not found:
        return []
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return [
        RawFinding(
            "interrupted_save",
            f"{found[0].name}{more}: left by a save of {path.name} that was interrupted, so "
            f"{path.name} is as it was before; not read, and the next save of it removes "
            f"{'it' if len(found) == 1 else 'them'}",
            str(found[0]),
            line=1,
            column=1,
        )
    ]


@dataclass
class FolderFiles:
    """What a dataset folder holds: its main document, profile and collection files.

    ``parts`` and ``lines`` name, by collection, the ``<collection>.json`` and
    ``<collection>.jsonl`` files to read (a committed save's files under their temporary
    names while they have them); ``findings`` are notes on files the layout does not
    read, on what an interrupted save left, and on collections in two files.
    """

    root: Path
    main: Path
    profile: Path | None = None
    parts: dict[str, Path] = field(default_factory=dict)
    lines: dict[str, Path] = field(default_factory=dict)
    findings: list[RawFinding] = field(default_factory=list)


def _entries(root: Path) -> list[Path]:
    try:
        return sorted(root.iterdir())
    except OSError as error:
        raise DatasetReadError(
            f"cannot list the folder: {error.strerror}", path=str(root)
        ) from None


def folder_files(root: Path) -> FolderFiles:
    """Return the files of the dataset folder ``root``.

    What an interrupted save left is reported and, unless the save was committed, not
    read (see :func:`save_state`); a collection in two files is reported and only its
    ``.json`` file read.

    Raises:
        DatasetReadError: the folder cannot be listed, has no ``dataset.json``, holds
            a broken symbolic link where a file of the dataset should be, or holds the
            journal of a save that cannot be read.
    """
    entries = _entries(root)
    state = _state(root, entries)
    present = [
        entry for entry in entries if entry.suffix in SUFFIXES and not entry.name.startswith(".")
    ]
    main = state.source(DATASET_FILE)
    if not main.is_file():
        names = ", ".join(entry.name for entry in present[:5]) or "no JSON files"
        left = (
            "; it holds the files of a save that was interrupted, which are not read: "
            "save the dataset again"
            if state.leftovers
            else ""
        )
        raise DatasetReadError(
            f"not a dataset folder: it has no {DATASET_FILE} (found {names}){left}; point "
            f"`unikommune validate` at a {DATASET_FILE} or at a folder holding one",
            path=str(root),
        )
    files = FolderFiles(root, main, findings=_unexpected(root, present))
    leftover = _leftover_finding(state)
    if leftover is not None:
        files.findings.append(leftover)
    _choose_files(files, state)
    return files


def _unexpected(root: Path, present: list[Path]) -> list[RawFinding]:
    """Return an ``unexpected_file`` finding for each of ``present`` not of the layout.

    Raises:
        DatasetReadError: one of them is a broken symbolic link, or a file of the layout
            that is not a regular file.
    """
    known = {path.name for path in own_files(root)}
    findings = []
    for entry in present:
        if entry.is_symlink() and not entry.exists():
            raise DatasetReadError("the file is a broken or looping symbolic link", path=str(entry))
        if entry.name in known and not entry.is_file():
            raise DatasetReadError(
                f"a file of the dataset layout is {_kind_of(entry)}, not a regular file; a "
                "dataset's files must be regular files (rename or remove it)",
                path=str(entry),
            )
        if entry.name not in known:
            findings.append(
                RawFinding(
                    "unexpected_file",
                    f"{entry.name} is not a file of the dataset layout and is not checked; name "
                    "it after its collection, such as projects.jsonl",
                    str(entry),
                )
            )
    return findings


def _choose_files(files: FolderFiles, state: SaveState) -> None:
    """Set the profile and the file of each collection of ``files``, as ``state`` says."""

    def source(name: str) -> Path | None:
        # A committed save's dataset is the files its journal lists, wherever they are now.
        if state.token is not None and name not in state.files:
            return None
        path = state.source(name)
        return path if path.is_file() else None

    files.profile = source(PROFILE_FILE)
    for name in COLLECTIONS:
        part, lines = source(f"{name}.json"), source(f"{name}.jsonl")
        if part is not None:
            files.parts[name] = part
        if lines is not None and part is not None:
            files.findings.append(
                RawFinding(
                    "collection_in_two_files",
                    f"{name}: the collection is in {name}.json and in {name}.jsonl, and only "
                    f"{name}.json is read; keep one file per collection: remove the one that "
                    "is out of date (a save with overwrite=True writes one and removes the "
                    "other)",
                    str(lines),
                    line=1,
                    column=1,
                )
            )
        elif lines is not None:
            files.lines[name] = lines


def _kind_of(path: Path) -> str:
    """Return what ``path`` is, in words, without opening it (a pipe would block)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "something that cannot be read"
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


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

"""Write a dataset: one document, or a folder of one file per collection, as a whole.

:func:`save` writes either layout (:mod:`unikommune.dataset.layout`) without losing
anything the models hold, never over an existing file unless asked, and never what
:func:`unikommune.load` would refuse: the records and metadata are checked against the
models first, and if one does not fit nothing is written.

**A document** is one file: it is written under a temporary name beside it, synced
(``fsync``) and renamed over it, and the folder is synced.

**A folder** is several files, and POSIX renames one name at a time; a save commits
them all at once through a journal.  Holding the folder's lock (``flock``: saves of one
folder wait for each other), it

1. finishes what an interrupted save committed (steps 4 and 5) and removes what one
   left uncommitted, having checked, before anything is written, that it may replace
   the files there (``overwrite``);
2. writes every file of the new dataset under a temporary name in the folder,
   ``.unikommune-save.<token>.<name>``, syncs each, then syncs the folder;
3. writes the journal, the list of the new files, as
   ``.unikommune-save.<token>.journal``, syncs it and renames it to
   ``.unikommune-save.json``, and syncs the folder.  **This rename is the commit**;
4. renames each new file onto its name, removes the dataset's own files that the new
   layout does not write (a ``projects.jsonl`` when projects now go to
   ``projects.json``), and syncs the folder;
5. removes the journal and syncs the folder.

Why a crash at any instant leaves either the old dataset or the new one, whole: the
readers (:func:`unikommune.load`, :func:`unikommune.validate`, through
:func:`~unikommune.dataset.layout.folder_files`) go by the journal.  Until the commit
there is none: nothing has been renamed onto the dataset's names yet, so they hold the
old files untouched, and the temporary files are not read.  From the commit on, the
dataset is the files the journal lists, each read under its temporary name while it has
one: a rename moves a file in one step, so each new file is under exactly one of its two
names, complete and synced, and an old file the journal does not list is not read.
Either state is reported (``interrupted_save``), and the next save finishes or removes
it before writing anything.  A killed process (``SIGKILL``) leaves the files in one of
those states; so does a power failure on a file system where ``fsync`` of a file and of
a folder reaches the disk (ext4, XFS, Btrfs, APFS), since every step is synced before a
later one depends on it.  ``tests/test_atomic_save.py`` kills saves before every step
and at random times.

Limits:

* The guarantee is for unikommune's readers.  A program that reads the files by their
  names (a JSON Schema tool) sees old and new files together if it reads during step 4,
  or after a crash in it until the next save finishes.
* The lock orders saves, not readers: a load running while a save runs (without a
  crash) may catch the folder between steps.
* Where a folder cannot be synced (some network file systems), or a rename is not
  atomic (some FUSE and SMB mounts), a killed save still leaves one dataset, but a
  power failure may lose steps.  Where there are no locks, two saves of one folder at
  the same time are not ordered.
* Windows: ``os.replace`` moves a file with ``MoveFileEx``, which NTFS does in one step
  though Windows does not promise it, so a killed save leaves one dataset as above; but
  Python cannot sync a folder or lock one there, so a power failure may lose steps and
  concurrent saves are not ordered.  A file that another program holds open cannot be
  replaced: the save then stops after its commit with :class:`DatasetWriteError`, the
  dataset read is the new one, and the next save finishes it.

Only the dataset's own files (:func:`~unikommune.dataset.layout.own_files`) and the
save's temporary files are ever written or removed; anything else in the folder stays
as it is.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from unikommune.dataset.layout import (
    DATASET_FILE,
    JOURNAL,
    PROFILE_FILE,
    SAVE_PREFIX,
    SaveState,
    document_leftovers,
    journal_bytes,
    own_files,
    save_state,
    staged_name,
)
from unikommune.errors import DatasetReadError, DatasetWriteError, InvalidDatasetError
from unikommune.findings import Finding, Severity
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS, Dataset

__all__ = ["dump_document", "save"]

_NEW_FILE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
#: What ``fsync()`` of a folder fails with where folders cannot be synced.
_NO_FOLDER_SYNC = {errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EBADF}


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


def _encoded(text: str) -> bytes:
    r"""Return ``text`` as UTF-8; a lone surrogate becomes ``\udXXX``, the JSON escape of it."""
    return text.encode("utf-8", "backslashreplace")


# -- what load would refuse -----------------------------------------------------------------


def _refused(document: dict[str, Any]) -> list[str]:
    """Return the pointers of the records and metadata fields the models refuse.

    The models check each record as :func:`unikommune.load` does.  Each record's model
    is dropped as soon as it is made: a whole :class:`Dataset` of models kept alive
    would take the cycle collector several times as long (``benchmarks/README.md``).
    """
    refused: list[str] = []
    metadata = {key: value for key, value in document.items() if key not in COLLECTIONS}
    try:
        Dataset.model_validate(metadata)
    except ValidationError as error:
        fields = (detail["loc"][:1] for detail in error.errors(include_url=False))
        refused.extend(dict.fromkeys("".join(f"/{part}" for part in loc) for loc in fields))
    for name, model in COLLECTIONS.items():
        for index, record in enumerate(document.get(name, ())):
            try:
                model.model_validate(record)
            except ValidationError:
                refused.append(f"/{name}/{index}")
    return refused


def _check(document: dict[str, Any]) -> None:
    """Raise the validator's findings for what the models refuse in ``document``, if anything.

    Raises:
        InvalidDatasetError: a record or a metadata field does not fit the models.
    """
    refused = _refused(document)
    if not refused:
        return
    # The validator sits above this module: imported only when there is something to say.
    from unikommune.validation.engine import validate

    def within(pointer: str) -> bool:
        return any(pointer == part or pointer.startswith(f"{part}/") for part in refused)

    findings = [
        finding
        for finding in validate(document)
        if finding.severity is Severity.ERROR and within(finding.pointer)
    ]
    if not findings:  # pragma: no cover - the validator reports whatever the models refuse
        findings = [
            Finding(
                "wrong_type", Severity.ERROR, "the models refuse this value", None, None, None, p
            )
            for p in refused
        ]
    raise InvalidDatasetError(findings)


# -- files ----------------------------------------------------------------------------------


def _folder_files(document: dict[str, Any], as_lines: set[str]) -> dict[str, bytes]:
    """Return the files of the folder layout of ``document``, by name."""
    metadata = {
        key: value for key, value in document.items() if key not in COLLECTIONS and key != "profile"
    }
    files = {DATASET_FILE: _encoded(_text(metadata))}
    if "profile" in document:
        files[PROFILE_FILE] = _encoded(
            _text({"$schema": schema_id("profile"), **document["profile"]})
        )
    for name in COLLECTIONS:
        records = document.get(name)
        if not records:
            continue
        if name in as_lines:
            files[f"{name}.jsonl"] = _encoded(
                "".join(
                    json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n"
                    for record in records
                )
            )
        else:
            files[f"{name}.json"] = _encoded(
                _text({"$schema": schema_id("dataset-part"), name: records})
            )
    return files


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to the new file ``path`` (never through a link) and sync it.

    If that fails, the file is removed again.
    """
    # The kernel applies the umask (and a folder's default ACL) to 0o666.
    handle = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    except BaseException:
        os.close(handle)
        path.unlink(missing_ok=True)
        raise
    os.close(handle)


def _sync(folder: int | None) -> None:
    """Sync the open folder ``folder``, so that the renames in it survive a crash."""
    if folder is None:
        return
    try:
        os.fsync(folder)
    except OSError as error:
        if error.errno not in _NO_FOLDER_SYNC:
            raise


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[int | None]:
    """Hold the lock of ``folder`` (saves of it wait for each other); yield it open.

    ``None`` where folders cannot be opened (Windows): neither locked nor synced.
    """
    try:
        handle: int | None = os.open(folder, _FOLDER)
    except OSError:
        handle = None
    try:
        if handle is not None and sys.platform != "win32":
            import fcntl

            with contextlib.suppress(OSError):  # a file system without locks: unlocked
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield handle
    finally:
        if handle is not None:
            os.close(handle)  # which releases the lock


def _cannot_write(error: OSError, path: Path) -> DatasetWriteError:
    if isinstance(error, DatasetWriteError):
        return error
    return DatasetWriteError(f"cannot write {error.filename or path}: {error.strerror or error}")


# -- a document -----------------------------------------------------------------------------


def _save_document(target: Path, data: bytes, *, overwrite: bool) -> None:
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with _locked(parent) as folder:
            if os.path.lexists(target):
                if target.is_dir() and not target.is_symlink():
                    raise DatasetWriteError(f"{target}: is a folder; name a file to write")
                if not overwrite:
                    raise DatasetWriteError(
                        f"{target} exists; pass overwrite=True (or --force) to replace it"
                    )
            for entry in document_leftovers(target):  # what interrupted saves of it left
                entry.unlink(missing_ok=True)
            staged = parent / staged_name(secrets.token_hex(4), target.name)
            _write_new(staged, data)
            try:
                staged.replace(target)
            except BaseException:
                staged.unlink(missing_ok=True)
                raise
            _sync(folder)
    except OSError as error:
        raise _cannot_write(error, target) from None


# -- a folder -------------------------------------------------------------------------------


def _present(root: Path) -> list[str]:
    """Return the names of the dataset's own files in ``root`` (links included)."""
    return [path.name for path in own_files(root) if os.path.lexists(path)]


def _state(root: Path, *, overwrite: bool) -> SaveState:
    """Return what interrupted saves left in ``root``.

    A journal that cannot be read is one more leftover when the whole dataset is to be
    replaced anyway (``overwrite``).

    Raises:
        DatasetWriteError: the journal cannot be read, and ``overwrite`` is false.
    """
    try:
        return save_state(root)
    except DatasetReadError as error:
        if not overwrite:
            raise DatasetWriteError(str(error)) from None
    return SaveState(
        root,
        leftovers=sorted(
            entry
            for entry in root.iterdir()
            if entry.name.startswith(SAVE_PREFIX) and not entry.is_dir()
        ),
    )


def _refuse_replacing(root: Path, state: SaveState, names: Collection[str]) -> None:
    """Raise if writing ``names`` to ``root`` would replace or leave files of the dataset there.

    The files of the dataset are those a committed interrupted save lists, else those
    present.
    """
    there = state.files if state.token is not None else _present(root)
    existing = [name for name in names if name in there]
    if existing:
        raise DatasetWriteError(
            f"{root / existing[0]} exists; pass overwrite=True (or --force) to replace it"
        )
    stale = [name for name in there if name not in names]
    if stale:
        raise DatasetWriteError(
            f"{root / stale[0]} exists and would be read with the new files; "
            "pass overwrite=True (or --force) to replace the folder's dataset files"
        )


def _finish(root: Path, folder: int | None, token: str, names: Collection[str]) -> None:
    """Put the committed files of the save ``token`` in place, then drop its journal."""
    for name in names:
        with contextlib.suppress(FileNotFoundError):  # put in place before a crash
            (root / staged_name(token, name)).replace(root / name)
    for path in own_files(root):
        if path.name not in names and (path.is_symlink() or path.is_file()):
            path.unlink()
    _sync(folder)  # the files are in place before the journal goes
    (root / JOURNAL).unlink(missing_ok=True)
    _sync(folder)


def _recover(root: Path, folder: int | None, state: SaveState) -> None:
    """Finish the committed save ``state`` holds, and remove every other leftover."""
    if state.token is not None:
        _finish(root, folder, state.token, state.files)
    for entry in state.leftovers:
        entry.unlink(missing_ok=True)


def _save_folder(root: Path, files: dict[str, bytes], *, overwrite: bool) -> None:
    if root.exists() and not root.is_dir():
        raise DatasetWriteError(f"{root}: is not a folder; name a folder, or a .json file")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root) as folder:
            state = _state(root, overwrite=overwrite)
            if not overwrite:
                _refuse_replacing(root, state, files)
            for name in files:
                if (root / name).is_dir() and not (root / name).is_symlink():
                    raise DatasetWriteError(f"{root / name}: is a folder; move it away")
            _recover(root, folder, state)
            _commit(root, folder, files)
    except OSError as error:
        raise _cannot_write(error, root) from None


def _commit(root: Path, folder: int | None, files: dict[str, bytes]) -> None:
    """Write ``files`` under temporary names, commit them with a journal, put them in place."""
    token = secrets.token_hex(4)
    written: list[Path] = []
    committed = False
    try:
        for name, data in files.items():
            _write_new(root / staged_name(token, name), data)
            written.append(root / staged_name(token, name))
        journal = root / staged_name(token, "journal")
        _write_new(journal, journal_bytes(token, list(files)))
        written.append(journal)
        _sync(folder)  # every file is there before the journal says so
        journal.replace(root / JOURNAL)
        committed = True
        _sync(folder)
        _finish(root, folder, token, files)
    except BaseException as error:
        if not committed:
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
        elif isinstance(error, OSError):
            raise DatasetWriteError(
                f"{root}: the new dataset is saved, but cannot be put in place "
                f"({error.filename}: {error.strerror or error}); it is read from the "
                "temporary files its journal lists until the next save of the folder "
                "finishes"
            ) from None
        raise


def save(
    dataset: Dataset,
    path: str | os.PathLike[str],
    *,
    layout: str | None = None,
    jsonl: bool | Collection[str] = False,
    overwrite: bool = False,
) -> list[Path]:
    """Write ``dataset`` as one document or as a folder, as a whole; return the files written.

    A crash at any moment leaves the old dataset or the new one, never a mix of their
    files (see the module's documentation for how, and where that cannot hold).

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
        InvalidDatasetError: a record or metadata field does not fit the models (a value
            assigned after loading, say); ``problems`` holds the validator's findings, and
            nothing is written.
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
    if layout == "document" and as_lines:
        raise ValueError("JSON Lines files need the folder layout")
    document = dump_document(dataset)
    _check(document)
    if layout == "document":
        _save_document(target, _encoded(_text(document)), overwrite=overwrite)
        return [target]
    files = _folder_files(document, as_lines)
    _save_folder(target, files, overwrite=overwrite)
    return [target / name for name in files]

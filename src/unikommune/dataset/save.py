"""Write a dataset: one document, or a folder of one file per collection.

:func:`save` writes either layout (:mod:`unikommune.dataset.layout`) without
losing anything the models hold, and never over an existing file unless asked.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from unikommune.dataset.layout import DATASET_FILE, PROFILE_FILE, own_files
from unikommune.errors import DatasetWriteError
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS, Dataset

__all__ = ["dump_document", "save"]


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
    # Long: the files of either layout, then the checks before anything is written.
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
        stale = [file for file in own_files(target) if file.exists() and file not in files]
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

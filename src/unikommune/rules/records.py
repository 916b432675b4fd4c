"""The kinds of record the rules read, and the paths each holds, from the models.

``"dataset"`` is the dataset document's metadata (its collections and profile
left out); every other kind is a collection.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import TypeVar

from pydantic import BaseModel

from unikommune.models import COLLECTIONS, RECORD_TYPES, Dataset
from unikommune.models.paths import (
    FieldPath,
    Reference,
    areas,
    distinct_lists,
    paths_to_model,
    references,
)

__all__ = [
    "METADATA",
    "RECORDS",
    "area_paths",
    "distinct_paths",
    "noun",
    "part_paths",
    "reference_paths",
    "with_paths",
]

#: The kind of record that is the dataset document's metadata.
METADATA = "dataset"
#: The model of every kind of record, by kind: the metadata, then the collections.
RECORDS: Mapping[str, type[BaseModel]] = MappingProxyType({METADATA: Dataset, **COLLECTIONS})
_NOT_METADATA = frozenset((*COLLECTIONS, "profile"))
_P = TypeVar("_P", bound=FieldPath)


def _own(kind: str, paths: tuple[_P, ...]) -> tuple[_P, ...]:
    if kind != METADATA:
        return paths
    return tuple(path for path in paths if path.steps[0][0] not in _NOT_METADATA)


@cache
def reference_paths(kind: str) -> tuple[Reference, ...]:
    """Return the references a record of ``kind`` holds."""
    return _own(kind, references(RECORDS[kind]))


@cache
def distinct_paths(kind: str) -> tuple[FieldPath, ...]:
    """Return the lists of distinct items a record of ``kind`` holds."""
    return _own(kind, distinct_lists(RECORDS[kind]))


@cache
def area_paths(kind: str) -> tuple[tuple[FieldPath, str], ...]:
    """Return the profile codes a record of ``kind`` holds, each with its kind of area."""
    found = areas(RECORDS[kind])
    if kind == METADATA:
        return tuple(item for item in found if item[0].steps[0][0] not in _NOT_METADATA)
    return found


@cache
def part_paths(kind: str, part: type[BaseModel]) -> tuple[FieldPath, ...]:
    """Return the places a record of ``kind`` holds a ``part`` (a Period, an SdgLink, ...)."""
    return _own(kind, paths_to_model(RECORDS[kind], part))


def with_paths(found: Mapping[str, tuple[object, ...]]) -> tuple[str, ...]:
    """Return the kinds of record that hold any of the paths ``found`` by kind."""
    return tuple(kind for kind, paths in found.items() if paths)


def noun(collection: str) -> str:
    """Return what one record of ``collection`` is called in messages (``learning activity``)."""
    return RECORD_TYPES[collection].value.replace("-", " ")

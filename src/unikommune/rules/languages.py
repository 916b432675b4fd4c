"""Languages: every required text is written in every language the dataset declares.

The dataset's metadata declares the languages its texts are written in
(``languages``).  A required text (a field whose type is a language map and that a
record, or a part of one, must have: a title, a name) without one of them is a
warning: a reader asking for the text in that language gets nothing.  Which texts
are required is read from the models: every field of a language map that its model
requires, at every place a record holds that model (so a governance body's name is
checked wherever an agreement holds one).  Optional texts (a summary) are not
checked.

The metadata is checked before any record (:func:`unikommune.rules.check_metadata`),
so its languages are known by the time the records come; a dataset whose metadata
has the wrong shape declares nothing, and nothing is checked.  The metadata's own
required texts (its title and description) are checked too.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from functools import cache
from itertools import repeat
from operator import contains
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from unikommune.models.paths import FieldPath, annotated, parts_of
from unikommune.models.values import LangString
from unikommune.rules import rule
from unikommune.rules.context import Context
from unikommune.rules.records import METADATA, RECORDS, part_paths, with_paths

if TYPE_CHECKING:
    from unikommune.rules import Batch

__all__ = ["required_texts", "texts_in_every_language"]

#: The type of a language map, as a model's field declares it.
_LANGUAGE_MAP = typing.get_args(LangString)[0]


def _required_texts(model: type[BaseModel]) -> list[tuple[str, str]]:
    """Return ``(attribute, JSON name)`` of every required language map field of ``model``."""
    return [
        (name, info.alias or name)
        for name, info in model.model_fields.items()
        if info.is_required() and info.annotation == _LANGUAGE_MAP
    ]


@cache
def required_texts(kind: str) -> tuple[FieldPath, ...]:
    """Return the places a record of ``kind`` holds a required text (a language map).

    A place is a required field of the record itself, or of a part of it (an action
    plan, a governance body) wherever the record holds that part.
    """
    model = RECORDS[kind]
    found: dict[FieldPath, None] = {}
    for part in parts_of(model).values():
        fields = _required_texts(part)
        if not fields:
            continue
        holders = [()] if part is model else [path.steps for path in part_paths(kind, part)]
        for steps in holders:
            for name, json in fields:
                found[FieldPath((*steps, (name, json)))] = None
    return tuple(found)


def _alternatives(annotation: Any) -> list[Any]:
    """Return the types ``annotation`` allows but ``None``, without their ``Annotated``."""
    annotation, _ = annotated(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [
            found
            for item in typing.get_args(annotation)
            for found in _alternatives(item)
            if found is not type(None)
        ]
    return [annotation]


def _through_other_values(model: type[BaseModel], path: FieldPath) -> bool:
    """Return whether ``path`` passes a field that may hold something else than an object.

    Such a field is a union of a model and a plain value (the dataset's ``publisher``, a
    partner's id or a publisher's name and address): a path reader would step into the
    plain value, so the texts there are read one record at a time (:func:`_texts_in`).
    """
    current: Any = model
    for name, json in path.steps[:-1]:
        if json == "[]":
            alternatives = _alternatives(typing.get_args(current)[0])
        else:
            alternatives = _alternatives(current.model_fields[name].annotation)
        if not all(
            typing.get_origin(item) is list
            or (isinstance(item, type) and issubclass(item, BaseModel))
            for item in alternatives
        ):
            return True
        current = alternatives[0]
    return False


def _texts_in(path: FieldPath, record: Any) -> list[tuple[tuple[int, ...], Any]]:
    """Return ``(indexes, text)`` at ``path`` in ``record``, stepping over plain values."""
    found: list[tuple[tuple[int, ...], Any]] = []

    def walk(node: Any, at: int, indexes: tuple[int, ...]) -> None:
        for step, (name, json) in enumerate(path.steps[at:], start=at):
            if json == "[]":
                for index, item in enumerate(node):
                    if item is not None:
                        walk(item, step + 1, (*indexes, index))
                return
            node = getattr(node, name, None) if not isinstance(node, str) else None
            if node is None:
                return
        found.append((indexes, node))

    walk(record, 0, ())
    return found


_TEXTS = {kind: required_texts(kind) for kind in RECORDS}
#: The paths of :data:`_TEXTS` read a record at a time, by kind.
_ONE_BY_ONE = {
    kind: frozenset(path for path in paths if _through_other_values(RECORDS[kind], path))
    for kind, paths in _TEXTS.items()
}
#: The facts of this family: the languages the dataset declares, under ``"languages"``.
_DECLARED = "declared languages"


@cache
def _has_every(languages: tuple[str, ...]) -> Callable[[Any], bool]:
    """Return the test that a text has every one of ``languages``."""
    if len(languages) == 1:
        (language,) = languages

        def has_it(text: Any) -> bool:
            return language in text

        return has_it

    def has_all(text: Any) -> bool:
        return all(language in text for language in languages)

    return has_all


@rule("missing_language", collections=(METADATA, *with_paths(_TEXTS)))
def texts_in_every_language(context: Context, collection: str, batch: Batch) -> None:
    """Report a required text that lacks a language the dataset declares."""
    if collection == METADATA:
        declared = tuple(dict.fromkeys(batch.records[0].languages or ()))
        context.facts(_DECLARED)["languages"] = declared
    else:
        declared = context.facts(_DECLARED).get("languages", ())
    if not declared:
        return
    ok = _has_every(declared)
    records = batch.records
    for path in _TEXTS[collection]:
        # The usual case, asked of every text at once: is the one language in each?
        if (
            len(declared) == 1
            and path not in _ONE_BY_ONE[collection]
            and all(map(contains, path.across(records), repeat(declared[0])))
        ):
            continue
        if path in _ONE_BY_ONE[collection]:
            refused = [
                (index, indexes, text)
                for index, record in enumerate(records)
                for indexes, text in _texts_in(path, record)
                if not ok(text)
            ]
        else:
            refused = path.refused(records, ok)
        for index, indexes, text in refused:
            missing = [language for language in declared if language not in text]
            given = ", ".join(sorted(text)) or "none"
            languages = "language" if len(declared) == 1 else "languages"
            context.add(
                "missing_language",
                f"{path.label(indexes)}: the dataset declares the {languages} "
                f"{', '.join(declared)}, but this text has no {' and no '.join(missing)} "
                f"(it has {given}); add the text in {' and '.join(missing)}, or remove "
                f"{'it' if len(missing) == 1 else 'them'} from the dataset's languages",
                batch.where(index),
                path.pointer(indexes),
            )

"""Where things sit in a record, read once from the models' declarations.

A *field path* leads from a record to the values of one kind that it holds: the
references of a project (``participants[].partner``, ``funding[].funder``, ...),
its periods, its SDG links, its lists of distinct items.  The paths are found by
walking the models' annotations, so a field added to a model with the right
type or marker (:class:`~unikommune.models.values.RefersTo`,
:class:`~unikommune.models.values.AreaOf`, :class:`~unikommune.models.values.Distinct`,
a :class:`~unikommune.models.values.Period`) is checked by the validator, drawn by
the graphs and documented without another line of code.

Values are read by attribute, so a path reads a pydantic model, a msgspec struct
or any other record view whose attributes are the models' field names.

>>> from unikommune.models import Project
>>> [str(path) for path in references(Project)][:2]
['participants[].partner', 'funding[].funder']
"""

from __future__ import annotations

import types as _types
import typing
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import compress
from operator import attrgetter, not_
from typing import Any

from pydantic import BaseModel

from unikommune.models.values import AreaOf, Distinct, RefersTo

__all__ = [
    "FieldPath",
    "Reference",
    "annotated",
    "areas",
    "distinct_lists",
    "field_references",
    "metadata_pattern",
    "parts_of",
    "paths_to_model",
    "references",
]

Step = str | None
#: The list positions passed on the way to a value, outermost first.
Indexes = tuple[int, ...]


Reader = Callable[[Any], list[Any]]


def _plain_reader(names: tuple[str, ...], across: bool = False, owners: bool = False) -> Reader:
    """Return a reader of the values present at ``names`` (``"[]"`` steps into a list).

    It is written out as one list comprehension per path (no call per step), since the
    rules read every path of every record.  With ``across`` it reads a list of records,
    and returns the values of them all; with ``owners`` too, the position in the list
    of the record each of those values is in, instead of the value.
    """
    if across:
        names = ("[]", *names)
    clauses: list[str] = []
    current = "node0"
    for depth, name in enumerate(names, start=1):
        if name == "[]" and owners and depth == 1:
            clauses.append(
                f"for at, node{depth} in enumerate({current}) if node{depth} is not None"
            )
        elif name == "[]":
            clauses.append(f"for node{depth} in {current} if node{depth} is not None")
        elif name.isidentifier():
            clauses.append(f"if (node{depth} := {current}.{name}) is not None")
        else:  # pragma: no cover - the models' field names are identifiers
            raise ValueError(f"not a field name: {name!r}")
        current = f"node{depth}"
    if clauses and clauses[0].startswith("if "):
        # A comprehension starts with a loop: step into the record as a list of one.
        clauses.insert(0, "for node0 in (node0,)")
    source = f"def plain(node0):\n    return [{'at' if owners else current} {' '.join(clauses)}]"
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    reader: Reader = namespace["plain"]
    return reader


def _itself(record: Any) -> list[Any]:
    return [record]


def _readers(steps: tuple[tuple[str, str], ...]) -> Reader:
    """Return a reader of the values present at ``steps`` with their indexes.

    The plain readers serve the clean path, where a rule only needs the values; the
    indexes, which name a value's place, are read only for a finding.
    """
    names = tuple(name for name, _ in steps)

    def walk(node: Any, at: int, indexes: Indexes, out: list[tuple[Indexes, Any]]) -> None:
        while at < len(names):
            name = names[at]
            if name == "[]":
                for index, item in enumerate(node):
                    if item is not None:
                        walk(item, at + 1, (*indexes, index), out)
                return
            node = getattr(node, name, None)
            if node is None:
                return
            at += 1
        out.append((indexes, node))

    def indexed(record: Any) -> list[tuple[Indexes, Any]]:
        out: list[tuple[Indexes, Any]] = []
        walk(record, 0, (), out)
        return out

    return indexed


@dataclass(frozen=True)
class FieldPath:
    """The way from a record to values of one kind: field names, and ``[]`` into lists.

    ``steps`` pairs each field's attribute name with its JSON name; ``"[]"`` (both)
    steps into every item of a list.
    """

    steps: tuple[tuple[str, str], ...]

    # The readers are written out when first used (cached on the instance), so that
    # importing the rules costs nothing for paths a run never reads.
    @cached_property
    def plain(self) -> Reader:
        """Return the reader of the values present at this path in a record."""
        return _plain_reader(tuple(name for name, _ in self.steps))

    @cached_property
    def across(self) -> Reader:
        """Return the reader of the values present at this path in every record of a list."""
        return _plain_reader(tuple(name for name, _ in self.steps), across=True)

    @cached_property
    def owners(self) -> Reader:
        """Return the reader of the position of the record of each value :attr:`across` reads."""
        return _plain_reader(tuple(name for name, _ in self.steps), across=True, owners=True)

    @cached_property
    def _indexed(self) -> Reader:
        return _readers(self.steps)

    def __str__(self) -> str:
        return "".join(
            "[]" if json == "[]" else (f".{json}" if at else json)
            for at, (_, json) in enumerate(self.steps)
        )

    @classmethod
    def written(cls, text: str) -> FieldPath:
        """Return the path written as :meth:`__str__` writes it (``participants[].partner``).

        Each field's attribute name is taken to be its JSON name; a leading ``.`` is
        left out.

        >>> str(FieldPath.written("participants[].period.start"))
        'participants[].period.start'
        """
        steps: list[tuple[str, str]] = []
        for name in text.lstrip(".").split("."):
            field = name.removesuffix("[]")
            steps.append((field, field))
            if field != name:
                steps.append(("[]", "[]"))
        return cls(tuple(steps))

    @property
    def name(self) -> str:
        """Return the JSON name of the last field on the path."""
        return next(json for _, json in reversed(self.steps) if json != "[]")

    @cached_property
    def _holders(self) -> tuple[Reader, str, bool]:
        names = [name for name, _ in self.steps]
        many = names[-1] == "[]"
        if many:
            names.pop()
        return _plain_reader(tuple(names[:-1])) if len(names) > 1 else _itself, names[-1], many

    def held(self, record: Any) -> list[tuple[Any, Any]]:
        """Return ``(holder, value)`` for every value at this path in ``record``.

        The holder is the object whose field holds the value: the record itself for
        ``owners[]`` or ``agreement``, a participation for ``participants[].partner``.
        """
        read, name, many = self._holders
        found: list[tuple[Any, Any]] = []
        for holder in read(record):
            value = getattr(holder, name)
            if value is None:
                continue
            if many:
                found.extend((holder, item) for item in value if item is not None)
            else:
                found.append((holder, value))
        return found

    def values(self, record: Any) -> list[tuple[Indexes, Any]]:
        """Return ``(indexes, value)`` for every value present at this path in ``record``."""
        result: list[tuple[Indexes, Any]] = self._indexed(record)
        return result

    def refused(
        self, records: Sequence[Any], ok: Callable[[Any], object]
    ) -> list[tuple[int, Indexes, Any]]:
        """Return ``(position, indexes, value)`` for each value here in ``records`` ``ok`` refuses.

        The batch is read at once, ``ok`` asked once of each value; only a record that
        holds a refused value is walked for the places of its values.  This is how a
        rule looks at a path of a batch.
        """
        verdicts = list(map(ok, self.across(records)))
        if all(verdicts):
            return []
        refused = compress(self.owners(records), map(not_, verdicts))
        found: list[tuple[int, Indexes, Any]] = []
        for at in dict.fromkeys(refused):  # each record once, in order
            found.extend(
                (at, indexes, value) for indexes, value in self.values(records[at]) if not ok(value)
            )
        return found

    def _parts(self, indexes: Indexes) -> Iterator[tuple[str, str | int]]:
        positions = iter(indexes)
        for _, json in self.steps:
            if json == "[]":
                yield "[]", next(positions, 0)
            else:
                yield "field", json

    def pointer(self, indexes: Indexes = ()) -> str:
        """Return the JSON pointer, within the record, of the value at ``indexes``."""
        return "".join(
            f"/{part}" if kind == "[]" else "/" + str(part).replace("~", "~0").replace("/", "~1")
            for kind, part in self._parts(indexes)
        )

    def label(self, indexes: Indexes = ()) -> str:
        """Return the value's place as messages name it: ``participants[2].partner``."""
        out = ""
        for kind, part in self._parts(indexes):
            if kind == "[]":
                out += f"[{part}]"
            else:
                out += f".{part}" if out else str(part)
        return out


@dataclass(frozen=True)
class Reference(FieldPath):
    """A path to ids of records of ``collection``; ``tie`` names the graph edge they make.

    ``mixed`` says the field may hold something else than an id (an object, in a union):
    only strings there are references.
    """

    collection: str = ""
    tie: str | None = None
    mixed: bool = False

    def ids(self, record: Any) -> list[Any]:
        """Return the ids present at this path in ``record``."""
        values = self.plain(record)
        return [value for value in values if type(value) is str] if self.mixed else values

    def ids_across(self, records: Any) -> list[Any]:
        """Return the ids present at this path in every record of ``records``."""
        values = self.across(records)
        return [value for value in values if type(value) is str] if self.mixed else values

    def holding(self, records: Sequence[Any], values: AbstractSet[Any]) -> list[int]:
        """Return the positions of the records of ``records`` that hold any of ``values`` here."""
        if len(self.steps) == 1:
            # One field of each record: read without a Python frame per record.
            read = attrgetter(self.steps[0][0])
            if self.mixed:
                return [
                    at
                    for at, value in enumerate(map(read, records))
                    if type(value) is str and value in values
                ]
            return [at for at, value in enumerate(map(read, records)) if value in values]
        ids = self.ids
        return [at for at, record in enumerate(records) if not values.isdisjoint(ids(record))]

    def all_known(self, records: Any, known: Container[str]) -> bool:
        """Return whether every id at this path in every record of ``records`` is ``known``."""
        if len(self.steps) == 1 and not self.mixed:
            # One field of each record: read without a Python frame per record.
            values = filter(None, map(attrgetter(self.steps[0][0]), records))
            return all(map(known.__contains__, values))
        return all(map(known.__contains__, self.ids_across(records)))


def annotated(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """Return an annotation without ``Annotated``, and the metadata it carried.

    >>> from typing import Annotated
    >>> annotated(Annotated[Annotated[str, "a"], "b"])
    (<class 'str'>, ('a', 'b'))
    """
    metadata: tuple[Any, ...] = ()
    while typing.get_origin(annotation) is typing.Annotated:
        metadata += annotation.__metadata__
        annotation = annotation.__origin__
    return annotation, metadata


def metadata_pattern(metadata: tuple[Any, ...]) -> str | None:
    """Return the regular expression a field's metadata constrains it to, if any."""
    for item in metadata:
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            return pattern
    return None


def _walk(
    annotation: Any, metadata: tuple[Any, ...], steps: tuple[tuple[str, str], ...], depth: int
) -> Iterator[tuple[tuple[tuple[str, str], ...], Any, tuple[Any, ...]]]:
    """Yield ``(steps, type, metadata)`` for every type reachable from ``annotation``."""
    annotation, more = annotated(annotation)
    metadata = metadata + more
    yield steps, annotation, metadata
    if depth > 12:  # the models nest a few levels; a recursive model would not end
        return
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, _types.UnionType):
        for argument in typing.get_args(annotation):
            if argument is not type(None):
                yield from _walk(argument, metadata, steps, depth + 1)
    elif origin is list:
        (item,) = typing.get_args(annotation)
        yield from _walk(item, (), (*steps, ("[]", "[]")), depth + 1)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            json = info.alias or name
            yield from _walk(
                info.annotation, tuple(info.metadata), (*steps, (name, json)), depth + 1
            )


def _found(
    model: type[BaseModel],
) -> Iterator[tuple[tuple[tuple[str, str], ...], Any, tuple[Any, ...]]]:
    for name, info in model.model_fields.items():
        yield from _walk(info.annotation, tuple(info.metadata), ((name, info.alias or name),), 0)


@cache
def references(model: type[BaseModel]) -> tuple[Reference, ...]:
    """Return every reference a record of ``model`` can hold, in field order."""
    every = list(_found(model))
    objects = {
        steps
        for steps, annotation, _ in every
        if isinstance(annotation, type) and issubclass(annotation, BaseModel)
    }
    found = []
    for steps, annotation, metadata in every:
        marker = next((item for item in metadata if isinstance(item, RefersTo)), None)
        if marker is not None and annotation is str:
            found.append(Reference(steps, marker.collection, marker.tie, steps in objects))
    return tuple(dict.fromkeys(found))


@cache
def distinct_lists(model: type[BaseModel]) -> tuple[FieldPath, ...]:
    """Return every list of distinct items a record of ``model`` can hold."""
    return tuple(
        dict.fromkeys(
            FieldPath(steps)
            for steps, annotation, metadata in _found(model)
            if typing.get_origin(annotation) is list
            and any(isinstance(item, Distinct) for item in metadata)
        )
    )


@cache
def areas(model: type[BaseModel]) -> tuple[tuple[FieldPath, str], ...]:
    """Return every profile code a record of ``model`` can hold, with its kind of area."""
    found: dict[FieldPath, str] = {}
    for steps, annotation, metadata in _found(model):
        marker = next((item for item in metadata if isinstance(item, AreaOf)), None)
        if marker is not None and annotation is str:
            found.setdefault(FieldPath(steps), marker.kind)
    return tuple(found.items())


@cache
def paths_to_model(model: type[BaseModel], part: type[BaseModel]) -> tuple[FieldPath, ...]:
    """Return every place a record of ``model`` holds a ``part`` (a Period, an SdgLink, ...)."""
    return tuple(
        dict.fromkeys(
            FieldPath(steps)
            for steps, annotation, _ in _found(model)
            if isinstance(annotation, type) and issubclass(annotation, part)
        )
    )


@cache
def parts_of(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Return every model a record of ``model`` holds (itself included), by class name."""
    found = {model.__name__: model}
    for _, annotation, _ in _found(model):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.setdefault(annotation.__name__, annotation)
    return found


@cache
def field_references(model: type[BaseModel]) -> dict[str, str]:
    """Return the collection each reference field of ``model`` itself points into, by JSON name.

    Only the model's own fields count (``partner``, ``owners``), not those of its parts.
    """
    return {
        path.steps[0][1]: path.collection
        for path in references(model)
        if len(path.steps) == 1 or (len(path.steps) == 2 and path.steps[1][0] == "[]")
    }


def collection_references(
    collections: Mapping[str, type[BaseModel]],
) -> dict[str, tuple[Reference, ...]]:
    """Return the references of the records of every collection, by collection."""
    return {name: references(model) for name, model in collections.items()}

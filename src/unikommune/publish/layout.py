"""The tables a dataset is published as, read once from the models' declarations.

Every collection is a table with one row per record (key ``id``); every list of
parts (a project's participants, funding lines, SDG links, identifiers, ...) is a
*child table* with one row per part, keyed by its parent's key and the part's
place in the list (``funding#``, counted from 1).  The dataset's own fields
(title, publisher, licence, the profile) are the one row of the table
``dataset``.  Within a row:

* a field is a column named by its path: ``period.start``, ``amount.currency``;
* a text in several languages is a column per language: ``title@nb``, ``title@en``;
* a map of codes (a figure's ``dimensions``) is a column per key: ``dimensions.outcome``;
* a list of codes or ids is one cell, the items joined by ``,``: ``research,innovation``;
* a number or an estimate is two kinds of column: ``students`` holds an exact
  count, ``students.about``, ``students.min`` and ``students.max`` an estimate.

The layout is found by walking the models' annotations, so a field added to a
model reaches the tables, the ``datapackage.json`` and the import without another
line of code.

>>> from unikommune.publish.layout import table_layout
>>> list(table_layout())[:3]
['dataset', 'dataset.profile.focus_areas', 'dataset.profile.thematic_areas']
>>> [column.name for column in table_layout()["projects.funding"].columns][:4]
['project', 'funding#', 'funder', 'funder_name']
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel

from unikommune.dates import EDTF_PERIOD_END_PATTERN
from unikommune.models import COLLECTIONS, RECORD_TYPES, Dataset
from unikommune.models.paths import annotated, metadata_pattern
from unikommune.models.values import (
    LANGUAGE_TAG_PATTERN,
    LOCAL_ID_PATTERN,
    PROFILE_CODE_PATTERN,
    RefersTo,
)

__all__ = [
    "DATASET_TABLE",
    "LIST_DELIMITER",
    "UNKNOWN",
    "Column",
    "Layout",
    "Table",
    "table_layout",
]

#: The table of the dataset's own fields: one row.
DATASET_TABLE = "dataset"
#: What joins the items of a list of codes or ids in one cell.
LIST_DELIMITER = ","
#: What a cell holds for a period start or end that is not known (``""`` in the format).
UNKNOWN = "unknown"

#: The kinds of scalar a column may hold, by the JSON type's Python name.
ScalarType = str


@dataclass(frozen=True, slots=True)
class Column:
    """A column (or, for a map, a family of columns) of a table.

    ``path`` leads from the table's item (a record, a part) to the value, by JSON
    names.  ``kind`` is ``key`` (a key column), ``scalar``, ``list`` (codes or ids
    in one cell) or ``map`` (a column per key, named ``name@key`` for a text in
    several languages, ``name.key`` otherwise).  ``types`` are the JSON types a
    scalar (or a list's item, or a map's value) may have: ``int``, ``float``,
    ``bool``, ``str``.
    """

    name: str
    path: tuple[str, ...]
    kind: str
    types: frozenset[ScalarType]
    refers_to: str | None = None
    codes: tuple[str, ...] | None = None
    unknown_bound: bool = False
    description: str | None = None

    @property
    def separator(self) -> str:
        """Return what comes between a map's name and a key: ``@`` for languages, else ``.``."""
        return "@" if self.languages else "."

    @property
    def languages(self) -> bool:
        """Return whether the column is a text in several languages, one column each."""
        return self.kind == "map" and "lang" in self.types

    def header(self, key: str) -> str:
        """Return the header of a map's column for ``key``."""
        return f"{self.name}{self.separator}{key}"


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its name, its columns, and where its rows come from.

    ``collection`` is the dataset collection the rows (or their records) belong to,
    ``None`` for the dataset's own table and its children; ``parent`` is the table
    whose items hold the list at ``list_path`` that gives this table's rows.
    """

    name: str
    collection: str | None
    parent: str | None
    list_path: tuple[str, ...]
    keys: tuple[str, ...]
    columns: tuple[Column, ...]
    model: type[BaseModel]
    by_name: Mapping[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    @property
    def position(self) -> str | None:
        """Return the name of the column that numbers a part in its list, for a child table."""
        return self.keys[-1] if self.parent is not None else None

    def parent_keys(self) -> tuple[str, ...]:
        """Return the key columns that name the parent's row."""
        return self.keys[:-1] if self.parent is not None else ()


class Layout(Mapping[str, Table]):
    """Every table, parents before their children, by name."""

    def __init__(self, tables: list[Table]) -> None:
        self._tables = {table.name: table for table in tables}

    def __getitem__(self, name: str) -> Table:
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def __repr__(self) -> str:
        return f"Layout({list(self._tables)})"

    def children(self, name: str) -> list[Table]:
        """Return the tables whose rows are parts of the items of table ``name``."""
        return [table for table in self._tables.values() if table.parent == name]

    def tables(self) -> list[Table]:
        """Return every table, parents before their children."""
        return list(self._tables.values())


# Reading annotations --------------------------------------------------------------------------


def _arms(annotation: Any, metadata: tuple[Any, ...]) -> list[tuple[Any, tuple[Any, ...]]]:
    """Return the members of a union (or the one type), each without ``Annotated``."""
    annotation, more = annotated(annotation)
    metadata = metadata + more
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        arms = []
        for argument in typing.get_args(annotation):
            if argument is not type(None):
                arms.extend(_arms(argument, metadata))
        return arms
    return [(annotation, metadata)]


def _refers_to(metadata: tuple[Any, ...]) -> str | None:
    for item in metadata:
        if isinstance(item, RefersTo):
            return item.collection
    return None


def _scalar(annotation: Any) -> tuple[frozenset[str], tuple[str, ...] | None] | None:
    """Return the JSON types and the codes of a scalar type, or ``None`` if it is none."""
    if annotation is bool:
        return frozenset({"bool"}), None
    if annotation is int:
        return frozenset({"int"}), None
    if annotation is float:
        return frozenset({"float"}), None
    if annotation is str:
        return frozenset({"str"}), None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return frozenset({"str"}), tuple(str(member.value) for member in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        values = typing.get_args(annotation)
        kinds = frozenset(type(value).__name__ for value in values)
        return kinds, tuple(str(value) for value in values)
    return None


#: Patterns of the items that a list may hold in one cell: none of them has a comma.
_CELL_ITEM_PATTERNS = frozenset({LOCAL_ID_PATTERN, PROFILE_CODE_PATTERN, LANGUAGE_TAG_PATTERN})


def _list_in_cell(item: Any, metadata: tuple[Any, ...]) -> bool:
    arms = _arms(item, metadata)
    if len(arms) != 1:
        return False
    annotation, meta = arms[0]
    found = _scalar(annotation)
    if found is None or found[0] != {"str"}:
        return False
    return found[1] is not None or metadata_pattern(meta) in _CELL_ITEM_PATTERNS


# Building the layout -------------------------------------------------------------------------


@dataclass
class _Builder:
    tables: list[Table]

    def table(
        self,
        name: str,
        model: type[BaseModel],
        *,
        collection: str | None,
        parent: Table | None,
        list_path: tuple[str, ...],
        keys: tuple[Column, ...],
        skip: frozenset[str] = frozenset(),
    ) -> None:
        columns: list[Column] = list(keys)
        children: list[tuple[tuple[str, ...], type[BaseModel]]] = []
        self.fields(model, (), columns, children, skip)
        table = Table(
            name,
            collection,
            parent.name if parent is not None else None,
            list_path,
            tuple(key.name for key in keys),
            tuple(columns),
            model,
        )
        names = [column.name for column in columns]
        if len(set(names)) != len(names):  # pragma: no cover - a model change would do it
            raise RuntimeError(f"table {name} would have a column twice: {names}")
        self.tables.append(table)
        parent_keys = tuple(self._parent_key(key, collection) for key in keys)
        for path, part in children:
            self.table(
                f"{name}.{'.'.join(path)}",
                part,
                collection=collection,
                parent=table,
                list_path=path,
                keys=(
                    *parent_keys,
                    Column(f"{path[-1]}#", (), "key", frozenset({"int"}), description=None),
                ),
            )

    @staticmethod
    def _parent_key(key: Column, collection: str | None) -> Column:
        if key.name != "id" or collection is None:
            return key
        singular = RECORD_TYPES[collection].value.replace("-", "_")
        return Column(singular, (), "key", key.types, refers_to=collection)

    def fields(
        self,
        model: type[BaseModel],
        prefix: tuple[str, ...],
        columns: list[Column],
        children: list[tuple[tuple[str, ...], type[BaseModel]]],
        skip: frozenset[str] = frozenset(),
    ) -> None:
        for python_name, info in model.model_fields.items():
            name = info.alias or python_name
            if name in skip or (
                not prefix and name == "id" and columns and columns[0].name == "id"
            ):
                continue
            path = (*prefix, name)
            self.field(path, info.annotation, tuple(info.metadata), info.description, columns)
            for annotation, _ in _arms(info.annotation, tuple(info.metadata)):
                origin = typing.get_origin(annotation)
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    self.fields(annotation, path, columns, children)
                elif origin is list and not _list_in_cell(typing.get_args(annotation)[0], ()):
                    item = _arms(typing.get_args(annotation)[0], ())
                    part = item[0][0] if len(item) == 1 else None
                    if not (isinstance(part, type) and issubclass(part, BaseModel)):
                        raise RuntimeError(f"{path}: a list of {item} has no table form")
                    children.append((path, part))

    def field(
        self,
        path: tuple[str, ...],
        annotation: Any,
        metadata: tuple[Any, ...],
        description: str | None,
        columns: list[Column],
    ) -> None:
        kinds: set[str] = set()
        codes: list[str] = []
        refers_to: str | None = None
        unknown = False
        name = ".".join(path)
        for arm, meta in _arms(annotation, metadata):
            found = _scalar(arm)
            origin = typing.get_origin(arm)
            if found is not None:
                kinds |= found[0]
                codes.extend(found[1] or ())
                refers_to = refers_to or _refers_to(meta)
                unknown = unknown or metadata_pattern(meta) == EDTF_PERIOD_END_PATTERN
            elif origin is list and _list_in_cell(typing.get_args(arm)[0], ()):
                item, item_meta = _arms(typing.get_args(arm)[0], ())[0]
                item_codes = (_scalar(item) or (frozenset(), None))[1]
                columns.append(
                    Column(
                        name,
                        path,
                        "list",
                        frozenset({"str"}),
                        refers_to=_refers_to(item_meta),
                        codes=item_codes,
                        description=description,
                    )
                )
            elif origin is dict:
                key_meta = _arms(typing.get_args(arm)[0], ())[0][1]
                language = metadata_pattern(key_meta) == LANGUAGE_TAG_PATTERN
                columns.append(
                    Column(
                        name,
                        path,
                        "map",
                        frozenset({"str", "lang"} if language else {"str"}),
                        description=description,
                    )
                )
        if kinds:
            columns.append(
                Column(
                    name,
                    path,
                    "scalar",
                    frozenset(kinds),
                    refers_to=refers_to,
                    codes=tuple(codes) if codes and kinds == {"str"} else None,
                    unknown_bound=unknown,
                    description=description,
                )
            )


@cache
def table_layout() -> Layout:
    """Return every table of the published form, parents before their children.

    The dataset's table comes first, then each collection's table followed by its
    child tables, in the order of :data:`~unikommune.models.COLLECTIONS`.
    """
    builder = _Builder([])
    builder.table(
        DATASET_TABLE,
        Dataset,
        collection=None,
        parent=None,
        list_path=(),
        keys=(),
        skip=frozenset({"$schema", *COLLECTIONS}),
    )
    for collection, model in COLLECTIONS.items():
        builder.table(
            collection,
            model,
            collection=collection,
            parent=None,
            list_path=(),
            keys=(
                Column("id", ("id",), "key", frozenset({"str"}), description="Id of the record."),
            ),
        )
    return Layout(builder.tables)

r"""Write a dataset as tables: a Frictionless Data Package of CSV files, or a workbook.

:func:`write_package` writes a folder with one CSV file per table of
:func:`~unikommune.publish.layout.table_layout` and a ``datapackage.json`` (Data
Package 2.0) that declares each table's fields, primary key and foreign keys;
:func:`write_workbook` writes the same tables as the sheets of one XLSX workbook
(openpyxl, the ``publish`` extra).  :mod:`unikommune.publish.tables_import` reads
both back.

What a cell holds:

* an empty cell is an absent value; a period start or end that is not known
  (``""`` in the format) is the word ``unknown``;
* numbers are numbers: an exact count ``12``, a decimal ``2.5``; a decimal with
  nothing after the point keeps it (``12.0``; in a workbook, the format ``0.0``).  In
  a workbook a number a spreadsheet cannot keep exactly (more than 15 significant
  digits, or an integer beyond 2**53) is written as text, which the import reads back;
* true and false are ``true`` and ``false`` (in a workbook, its booleans);
* text is text.  In CSV a text that a spreadsheet would read as a formula gets a
  ``'`` in front (:func:`unikommune.outputs.neutralise_cell`), which the import takes
  off; in a workbook every text is a text cell, never a formula, and a carriage return
  is written ``_x000D_`` as Excel itself writes it.
"""

from __future__ import annotations

import csv
import io
import json
import json.encoder
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

from unikommune import outputs
from unikommune.format import FORMAT_VERSION
from unikommune.models import Dataset
from unikommune.publish.layout import (
    DATASET_TABLE,
    LIST_DELIMITER,
    UNKNOWN,
    Column,
    Table,
    table_layout,
)

__all__ = [
    "DATA_PACKAGE_SCHEMA",
    "TableData",
    "data_package",
    "dataset_tables",
    "excel_escape",
    "excel_unescape",
    "sheet_name",
    "workbook_bytes",
    "write_package",
    "write_workbook",
]

#: The profile of the ``datapackage.json`` written: Data Package 2.0.
DATA_PACKAGE_SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
#: Sheet names are at most 31 characters: the words shortened, in this order, until it fits.
_SHEET_SHORT = (
    ("participant_roles", "roles"),
    ("learning_activities", "learning"),
    ("action_plans", "plans"),
    ("agreements", "agr"),
)
#: A text as JSON, the quotes included: the function :func:`json.dumps` calls, in C.
_encode_text: Callable[[str], str] = json.encoder.encode_basestring
#: Integers beyond this are text in a workbook, where every number is a double.
_EXACT_IN_DOUBLE = 2**53


@dataclass(frozen=True, slots=True)
class TableData:
    """The rows of one table: its headers, and each row's cells in the headers' order."""

    table: Table
    headers: list[str]
    columns: list[tuple[Column, str | None]]
    rows: list[list[Any]]


def _at(node: Any, path: Sequence[str]) -> Any:
    for step in path:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


def _items(
    document: dict[str, Any], tables: Sequence[Table]
) -> dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]]:
    """Return each table's items (a record or a part) with the values of its key."""
    items: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for table in tables:
        if table.name == DATASET_TABLE:
            items[table.name] = [((), document)]
        elif table.parent is None:
            records = document.get(table.collection or "", [])
            items[table.name] = [((record.get("id"),), record) for record in records]
        else:
            found: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
            for key, parent in items[table.parent]:
                parts = _at(parent, table.list_path) or []
                found.extend(((*key, at), part) for at, part in enumerate(parts, start=1))
            items[table.name] = found
    return items


def _values(items: list[dict[str, Any]], path: Sequence[str]) -> list[Any]:
    """Return the value at ``path`` of each item (as :func:`_at`), a column at a time.

    The first step is taken for every item at once (``dict.get`` mapped, in C): most
    columns are a top-level field, and a table of a million placements has sixteen
    million cells.
    """
    if not path:
        return items
    values = list(map(dict.get, items, repeat(path[0])))
    for step in path[1:]:
        values = [value.get(step) if value.__class__ is dict else None for value in values]
    return values


def _map_keys(column: Column, values: list[Any], languages: list[str]) -> list[str]:
    """Return the keys a map's column family has: the languages first, then the rest."""
    seen: set[str] = set()
    for value in values:
        if value.__class__ is dict:
            seen.update(value)
    if column.languages:
        return [*languages, *sorted(seen - set(languages))]
    return sorted(seen)


def _cells(column: Column, key: str | None, values: list[Any]) -> list[Any]:
    """Return the cells of ``column`` (and map ``key``), given the values at its path."""
    if column.kind == "map":
        return [value.get(key) if value.__class__ is dict else None for value in values]
    if column.kind == "list":
        return [LIST_DELIMITER.join(value) if value else None for value in values]
    if not _NESTED.isdisjoint(set(map(type, values))):
        # An object or a list where a scalar is expected is no cell.
        values = [None if value.__class__ in _NESTED else value for value in values]
    if column.unknown_bound:
        return [UNKNOWN if value == "" else value for value in values]
    return values


def dataset_tables(dataset: Dataset, document: dict[str, Any] | None = None) -> list[TableData]:
    """Return every table of ``dataset``, with its headers and rows, parents first.

    Every table is there, an empty one with its headers only, so that the tables of
    two datasets have the same names.  ``document`` is the dataset as JSON, when the
    caller has it already (the privacy guard does).  The cells are read a column at a
    time (:func:`_values`), then put in rows at once (``zip``, in C).
    """
    if document is None:
        document = dataset.model_dump(mode="json", by_alias=True, exclude_none=True)
    tables = table_layout().tables()
    items = _items(document, tables)
    languages = list(dataset.languages)
    out = []
    for table in tables:
        found = items[table.name]
        records = [item for _, item in found]
        offset = len(table.keys)
        columns: list[tuple[Column, str | None]] = []
        cells: list[Sequence[Any]] = list(zip(*[key for key, _ in found], strict=True))
        cells = cells or [()] * offset
        for column in table.columns[offset:]:
            values = _values(records, column.path)
            if column.kind == "map":
                for key in _map_keys(column, values, languages):
                    columns.append((column, key))
                    cells.append(_cells(column, key, values))
            else:
                columns.append((column, None))
                cells.append(_cells(column, None, values))
        columns[:0] = [(column, None) for column in table.columns[:offset]]
        headers = [
            column.header(key) if key is not None else column.name for column, key in columns
        ]
        rows = list(map(list, zip(*cells, strict=True))) if cells else [[] for _ in found]
        out.append(TableData(table, headers, columns, rows))
    return out


_NESTED = frozenset({dict, list})


# The data package ------------------------------------------------------------------------------


def _field_type(column: Column) -> dict[str, Any]:
    if column.kind == "list":
        return {"type": "list", "delimiter": LIST_DELIMITER, "itemType": "string"}
    kinds = column.types - {"lang"}
    if kinds == {"int"}:
        return {"type": "integer"}
    if kinds <= {"int", "float"}:
        return {"type": "number"}
    if kinds == {"bool"}:
        return {"type": "boolean", "trueValues": ["true"], "falseValues": ["false"]}
    if kinds == {"str"}:
        return {"type": "string"}
    return {"type": "any"}


def _field(column: Column, header: str, key: str | None) -> dict[str, Any]:
    field: dict[str, Any] = {"name": header, **_field_type(column)}
    if column.description:
        what = column.description
        if key is not None and column.languages:
            what = f"{what} (language {key})"
        field["description"] = what
    constraints: dict[str, Any] = {}
    if column.kind == "key":
        constraints["required"] = True
    if column.codes and column.kind == "scalar":
        constraints["enum"] = [*column.codes, *([UNKNOWN] if column.unknown_bound else [])]
    if constraints:
        field["constraints"] = constraints
    return field


def _foreign_keys(data: TableData) -> list[dict[str, Any]]:
    table = data.table
    keys: list[dict[str, Any]] = []
    if table.parent is not None and table.parent != DATASET_TABLE:
        parent = table_layout()[table.parent]
        keys.append(
            {
                "fields": list(table.parent_keys()),
                "reference": {"resource": parent.name, "fields": list(parent.keys)},
            }
        )
    for column, key in data.columns:
        if column.kind == "scalar" and column.refers_to is not None and key is None:
            target = "" if column.refers_to == table.name else column.refers_to
            keys.append(
                {"fields": [column.name], "reference": {"resource": target, "fields": ["id"]}}
            )
    return keys


def _first(text: Mapping[str, str], languages: Sequence[str]) -> str:
    for tag in languages:
        if tag in text:
            return text[tag]
    return next(iter(text.values()))


def data_package(
    dataset: Dataset, tables: Sequence[TableData], notes: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Return the ``datapackage.json`` that describes ``tables`` of ``dataset``.

    ``notes`` (the counts the privacy guard hid) go into ``unikommune:suppressed``.
    """
    resources = []
    for data in tables:
        schema: dict[str, Any] = {
            "fields": [
                _field(column, header, key)
                for (column, key), header in zip(data.columns, data.headers, strict=True)
            ],
            "missingValues": [""],
        }
        if data.table.keys:
            schema["primaryKey"] = list(data.table.keys)
        foreign = _foreign_keys(data)
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append(
            {
                "name": data.table.name,
                "type": "table",
                "path": f"{data.table.name}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    languages = list(dataset.languages)
    return {
        "$schema": DATA_PACKAGE_SCHEMA,
        "name": "unikommune-dataset",
        "title": _first(dataset.title, languages),
        "description": _first(dataset.description, languages),
        "licenses": [{"name": str(dataset.license)}],
        "unikommune:format": FORMAT_VERSION,
        **({"unikommune:suppressed": [dict(note) for note in notes]} if notes else {}),
        "resources": resources,
    }


def write_package(
    dataset: Dataset,
    folder: str | os.PathLike[str],
    tables: Sequence[TableData] | None = None,
    notes: Sequence[Mapping[str, Any]] = (),
) -> list[Path]:
    """Write ``dataset`` as a Frictionless Data Package into ``folder``; return the files.

    ``folder`` must be missing (it is made) or empty; its files appear one by one, and if
    anything fails, none stays (:func:`unikommune.outputs.staged_folder`).  ``tables`` are
    the tables to write, by default all of ``dataset``; ``notes`` say which counts the
    privacy guard hid (:func:`data_package`).

    Raises:
        DatasetWriteError: ``folder`` is a file, a link or a folder with files in it, or
            cannot be written.
    """
    tables = list(tables) if tables is not None else dataset_tables(dataset)
    written = []
    with outputs.staged_folder(folder) as staging:
        for data in tables:
            name = f"{data.table.name}.csv"
            with (staging / name).open("w", encoding="utf-8", newline="") as stream:
                _write_csv(stream, data)
            written.append(Path(folder) / name)
        package = _indented_json(data_package(dataset, tables, notes))
        (staging / "datapackage.json").write_text(package + "\n", encoding="utf-8")
        written.append(Path(folder) / "datapackage.json")
    return written


def _indented_json(value: Any, indent: str = "\n") -> str:
    """Return ``json.dumps(value, ensure_ascii=False, indent=2)``, faster.

    With ``indent``, :func:`json.dumps` encodes in Python, a generator per value: the notes
    of the counts hidden in a country's dataset are hundreds of thousands of small objects.
    Here each text is encoded in C and each object or list joined at once.  ``indent`` is
    the line break and the spaces before the value's line.
    """
    kind = value.__class__
    if kind is str:
        return _encode_text(value)
    if kind is int:
        return int.__repr__(value)
    if kind is dict and value:
        inner = indent + "  "
        try:
            items = [
                _encode_text(key) + ": " + _indented_json(item, inner)
                for key, item in value.items()
            ]
        except TypeError:  # a key that is not a text: json.dumps writes it
            pass
        else:
            return "{" + inner + ("," + inner).join(items) + indent + "}"
    elif kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        items = [_indented_json(item, inner) for item in value]
        return "[" + inner + ("," + inner).join(items) + indent + "]"
    # A number, true, false, null, an empty object, or keys that are not texts: as
    # json.dumps writes them, its line breaks moved to this depth (it writes none in a text).
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", indent)


#: The first characters of the texts :func:`unikommune.outputs.neutralise_cell` may change
#: (a formula's, and a quote's); it is asked about those alone, to keep a cell cheap.
_MAY_CHANGE = frozenset("=+-@\t\r\n\0'")
#: A text in a column that :func:`unikommune.outputs.neutralise_cell` may change: the texts
#: of a column are joined by ``\x00`` (which ``_MAY_CHANGE`` holds), so every text's first
#: character follows one.  A match may also be inside a text: then the column is looked at
#: cell by cell, as it would be anyway.
_CHANGED_TEXT = re.compile("\x00[=+\\-@\t\r\n\x00']")
#: The kinds of cell the CSV writer writes as they are: numbers bare, ``None`` as ``""``.
_AS_THEY_ARE = frozenset({int, float, type(None)})
_TEXT = frozenset({str, type(None)})
_TEXTS = _AS_THEY_ARE | _TEXT


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if value.__class__ is str:
        return outputs.neutralise_cell(value) if value[:1] in _MAY_CHANGE else value
    if value is True or value is False:
        return "true" if value else "false"
    return value


def _csv_column(column: tuple[Any, ...]) -> Sequence[Any]:
    """Return the cells of a column as :func:`_csv_cell` makes them, calling it seldom.

    The kinds of value in the column are found in one pass in C: a column of numbers
    and empty cells, or of texts none of which a spreadsheet may read as a formula,
    (nearly every one) is written as it is; only another column is changed cell by cell.
    """
    kinds = set(map(type, column))
    if kinds <= _AS_THEY_ARE:
        return column
    if kinds <= _TEXTS:
        # The empty texts left out: each would give a match, "\x00\x00".
        texts = filter(None, column) if kinds <= _TEXT else _texts(column)
        if _CHANGED_TEXT.search("\x00" + "\x00".join(texts)) is None:
            return column
    return list(map(_csv_cell, column))


def _texts(column: tuple[Any, ...]) -> list[str]:
    return [value for value in column if value.__class__ is str and value]


def _write_csv(stream: Any, data: TableData) -> None:
    """Write a table as CSV: texts quoted and neutralised, numbers bare (as ``csv_text``).

    The cells are made column by column (:func:`_csv_column`): a table of a million
    placements has sixteen million cells, and a Python call or test per cell was a
    fifth of the export of a country.
    """
    writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([outputs.neutralise_cell(header) for header in data.headers])
    if data.rows:
        writer.writerows(zip(*map(_csv_column, zip(*data.rows, strict=True)), strict=True))


# The workbook ----------------------------------------------------------------------------------


def sheet_name(table: str) -> str:
    """Return the name of ``table``'s sheet: the table's name, shortened to 31 characters.

    >>> sheet_name("projects.funding"), sheet_name("learning_activities.participants")
    ('projects.funding', 'learning.participants')
    """
    name = table
    for long, short in _SHEET_SHORT:
        if len(name) <= 31:
            break
        name = ".".join(short if part == long else part for part in name.split("."))
    return name


_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_escape(text: str) -> str:
    r"""Return ``text`` as a workbook stores it: what XML cannot hold as ``_xHHHH_``.

    A carriage return, which XML turns into a line feed, is ``_x000D_``, and so is every
    control character XML cannot hold (but tab and line feed); text that
    already reads as such an escape has its ``_`` escaped (``_x005F_``), as Excel does.

    >>> excel_escape("a\r\nb"), excel_escape("_x0041_")
    ('a_x000D_\nb', '_x005F_x0041_')
    """
    text = _ESCAPED.sub("_x005F_", text)
    return _NOT_IN_XML.sub(lambda found: f"_x{ord(found.group()):04X}_", text)


def excel_unescape(text: str) -> str:
    r"""Return the text that :func:`excel_escape` gave ``text`` for.

    >>> excel_unescape("a_x000D_\nb"), excel_unescape("_x005F_x0041_")
    ('a\r\nb', '_x0041_')
    """
    return _ESCAPE.sub(lambda found: chr(int(found.group(1), 16)), text)


def _workbook_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = excel_escape(value)
        cell.data_type = "s"  # a text, never a formula
        return cell
    if (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_IN_DOUBLE
    ) or (isinstance(value, float) and float(f"{value:.15g}") != value):
        # Beyond what a spreadsheet keeps exactly: 15 significant digits, integers to 2**53.
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = repr(value)
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, float) and value.is_integer():
        cell.number_format = "0.0"
    return cell


def workbook_bytes(
    dataset: Dataset,
    tables: Sequence[TableData] | None = None,
    notes: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """Return ``dataset`` as an XLSX workbook: a sheet per table, headers in the first row.

    ``notes`` (the counts the privacy guard hid) go into a last sheet, ``suppressed``,
    one row each, which the import does not read.

    Raises:
        ImportError: openpyxl is not installed (``pip install 'unikommune[publish]'``).
    """
    try:
        from openpyxl import Workbook
    except ImportError:  # pragma: no cover - the publish extra is installed in the tests
        raise ImportError(
            "writing a workbook needs openpyxl: pip install 'unikommune[publish]'"
        ) from None
    tables = list(tables) if tables is not None else dataset_tables(dataset)
    book = Workbook(write_only=True)
    book.properties.title = _first(dataset.title, list(dataset.languages))
    book.properties.subject = f"unikommune dataset, format {FORMAT_VERSION}"
    for data in tables:
        sheet = book.create_sheet(sheet_name(data.table.name))
        sheet.freeze_panes = "A2"
        sheet.append([_workbook_cell(sheet, header) for header in data.headers])
        for row in data.rows:
            sheet.append([_workbook_cell(sheet, value) for value in row])
    if notes:
        sheet = book.create_sheet("suppressed")
        headers = list(notes[0])
        sheet.append([_workbook_cell(sheet, header) for header in headers])
        for note in notes:
            sheet.append([_workbook_cell(sheet, _note_cell(note[name])) for name in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _note_cell(value: Any) -> Any:
    return value if isinstance(value, str | int) else json.dumps(value, ensure_ascii=False)


def write_workbook(
    dataset: Dataset,
    path: str | os.PathLike[str],
    tables: Sequence[TableData] | None = None,
    notes: Sequence[Mapping[str, Any]] = (),
    *,
    force: bool = False,
) -> Path:
    """Write ``dataset`` as an XLSX workbook at ``path``, atomically; return the path.

    Raises:
        DatasetWriteError: ``path`` exists (without ``force``), is a link or a folder, or
            cannot be written.
        ImportError: openpyxl is not installed.
    """
    outputs.check_target(path, force=force)
    outputs.write_bytes(path, workbook_bytes(dataset, tables, notes), force=force)
    return Path(path)

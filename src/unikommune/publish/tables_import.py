"""Read a dataset back from its tables: a data package folder, or a workbook.

:func:`read_tables` reads what :mod:`unikommune.publish.tables` writes, edited or
not, and returns the dataset, checked against the models as :func:`unikommune.load`
checks a JSON document.  Every problem is a :class:`~unikommune.findings.Finding`
with the validator's usual code and message, placed in the table: ``file`` is the
CSV file (or ``book.xlsx[sheet]``), ``line`` the row (the headers are row 1),
``column`` the column (from 1), the message starts with the column's name, and
``pointer`` is the place of the value in the dataset document the tables make.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune.collector import collector_paused
from unikommune.errors import DatasetReadError, InvalidDatasetError
from unikommune.findings import Finding, Severity
from unikommune.format import SCHEMA_BASE
from unikommune.models import COLLECTIONS, Dataset
from unikommune.outputs import restore_cell
from unikommune.publish.layout import (
    DATASET_TABLE,
    LIST_DELIMITER,
    UNKNOWN,
    Column,
    Table,
    table_layout,
)
from unikommune.publish.tables import excel_unescape, sheet_name

__all__ = ["read_package", "read_tables", "read_workbook"]

_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass
class _Grid:
    """The cells of one table as text (``None``: empty), and where they came from."""

    label: str
    headers: list[str]
    rows: list[tuple[int, list[str | None]]]


@dataclass(frozen=True, slots=True)
class _Origin:
    """The row an item came from; the places of its cells are worked out only for findings."""

    grid: _Grid
    row: int
    columns: list[tuple[Column, str | None]]

    def cells(self) -> Iterator[tuple[str, int, str]]:
        """Yield the pointer (from the item), column number and header of every cell."""
        for at, (column, key) in enumerate(self.columns, start=1):
            if column.path:
                path = (*column.path, key) if key is not None else column.path
                yield _pointer(path), at, self.grid.headers[at - 1]


@dataclass
class _Reading:
    """What reading the tables has found so far."""

    findings: list[Finding] = field(default_factory=list)
    origins: dict[int, _Origin] = field(default_factory=dict)

    def add(self, code: str, message: str, label: str, row: int, column: int | None = None) -> None:
        self.findings.append(Finding(code, Severity.ERROR, message, label, row, column))


# Cells -----------------------------------------------------------------------------------------


def _parse(column: Column, text: str) -> Any:
    """Return the value a cell's text gives in ``column``; text that fits no type stays text."""
    if "int" in column.types and text.isdigit() and text.isascii():
        return int(text)  # the usual count or year, without the regular expressions below
    if column.kind == "list":
        return [item.strip() for item in text.split(LIST_DELIMITER) if item.strip()]
    if column.unknown_bound and text == UNKNOWN:
        return ""
    kinds = column.types
    bare = text.strip()
    if "bool" in kinds and bare.lower() in ("true", "false"):
        return bare.lower() == "true"
    if "int" in kinds and _INT.fullmatch(bare):
        return int(bare)
    if "float" in kinds and _FLOAT.fullmatch(bare):
        return float(bare)
    return text


def _set(node: dict[str, Any], path: tuple[str, ...], value: Any) -> bool:
    """Set ``value`` at ``path`` in ``node``; return ``False`` if another value is in the way."""
    for step in path[:-1]:
        inner = node.setdefault(step, {})
        if not isinstance(inner, dict):
            return False
        node = inner
    if path[-1] in node:
        return False
    node[path[-1]] = value
    return True


def _pointer(path: tuple[str, ...]) -> str:
    return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in path)


def _columns(table: Table, grid: _Grid, reading: _Reading) -> list[tuple[Column, str | None]]:
    """Return the column (and map key) of every header; report headers of no column."""
    found: list[tuple[Column, str | None]] = []
    maps = [column for column in table.columns if column.kind == "map"]
    for at, header in enumerate(grid.headers, start=1):
        column = table.by_name.get(header)
        if column is not None and column.kind != "map":
            found.append((column, None))
            continue
        for candidate in maps:
            prefix = candidate.name + candidate.separator
            if header.startswith(prefix) and len(header) > len(prefix):
                found.append((candidate, header[len(prefix) :]))
                break
        else:
            reading.add(
                "unknown_field",
                f"column {header!r} is not a column of the table {table.name}; "
                "correct its name or remove it",
                grid.label,
                1,
                at,
            )
            found.append((Column(header, (), "unknown", frozenset()), None))
    return found


# Tables into a document ------------------------------------------------------------------------

_Key = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How the cells of a table's rows become items: worked out once per table."""

    keys: list[tuple[int, Column]]
    values: list[tuple[int, tuple[str, ...], Column | None]]


def _plan(table: Table, columns: list[tuple[Column, str | None]]) -> _Plan:
    keys: list[tuple[int, Column]] = []
    values: list[tuple[int, tuple[str, ...], Column | None]] = []
    for at, (column, map_key) in enumerate(columns):
        if column.kind == "key" and column.name in table.keys:
            keys.append((at, column))
        elif column.kind != "unknown":
            path = (*column.path, map_key) if map_key is not None else column.path
            plain = column.kind != "list" and column.types <= {"str", "lang"}
            values.append((at, path, None if plain and not column.unknown_bound else column))
    return _Plan(keys, values)


def _row_item(
    plan: _Plan,
    columns: list[tuple[Column, str | None]],
    grid: _Grid,
    number: int,
    cells: list[str | None],
    reading: _Reading,
) -> tuple[_Key | None, dict[str, Any]]:
    """Return a row's key and the item (record or part) it holds."""
    item: dict[str, Any] = {}
    key: list[Any] = []
    for at, column in plan.keys:
        text = cells[at]
        value = _parse(column, text) if text is not None else None
        if value is None or (column.types == {"int"} and not isinstance(value, int)):
            problem = "is empty" if value is None else f"holds {text!r}"
            reading.add(
                "missing_field" if value is None else "wrong_type",
                f"column {column.name}: the key {problem}; expected "
                f"{'a whole number' if column.types == {'int'} else 'an id'}",
                grid.label,
                number,
                at + 1,
            )
            return None, item
        key.append(value)
        if column.path:
            item[column.path[0]] = value
    for at, path, parser in plan.values:
        text = cells[at]
        if text is None:
            continue
        value = text if parser is None else _parse(parser, text)
        if len(path) == 1 and path[0] not in item:
            item[path[0]] = value
        elif not _set(item, path, value):
            reading.add(
                "wrong_type",
                f"column {grid.headers[at]}: {'.'.join(path[:-1])} is given as an exact "
                "value and as an estimate (or as an id and a name); give one of them",
                grid.label,
                number,
                at + 1,
            )
    reading.origins[id(item)] = _Origin(grid, number, columns)
    return tuple(key), item


def _attach(
    table: Table,
    parents: dict[_Key, dict[str, Any]],
    rows: list[tuple[_Key, dict[str, Any], int, str]],
    reading: _Reading,
) -> None:
    """Put each part into the list of its parent item, in the order of its place."""
    by_parent: dict[_Key, list[tuple[int, dict[str, Any]]]] = {}
    for key, item, number, label in rows:
        parent = key[:-1]
        if parent not in parents:
            reading.add(
                "unresolved_reference",
                f"column {table.keys[0]}: the row belongs to "
                f"{', '.join(str(part) for part in parent)}, which is not a row of the table "
                f"{table.parent}",
                label,
                number,
                1,
            )
            continue
        by_parent.setdefault(parent, []).append((key[-1], item))
    for parent, parts in by_parent.items():
        parts.sort(key=lambda part: part[0])
        holder = parents[parent]
        for step in table.list_path[:-1]:
            inner = holder.setdefault(step, {})
            holder = inner if isinstance(inner, dict) else {}
        holder[table.list_path[-1]] = [item for _, item in parts]


def _document(grids: dict[str, _Grid], reading: _Reading) -> dict[str, Any]:
    """Return the dataset document the tables hold."""
    layout = table_layout()
    document: dict[str, Any] = {"$schema": f"{SCHEMA_BASE}dataset.json"}
    keyed: dict[str, dict[_Key, dict[str, Any]]] = {}
    for table in layout.tables():
        grid = grids.get(table.name)
        if grid is None:
            keyed[table.name] = {}
            continue
        columns = _columns(table, grid, reading)
        plan = _plan(table, columns)
        rows: list[tuple[_Key, dict[str, Any], int, str]] = []
        for number, cells in grid.rows:
            key, item = _row_item(plan, columns, grid, number, cells, reading)
            if key is not None:
                rows.append((key, item, number, grid.label))
        index: dict[_Key, dict[str, Any]] = {}
        for key, item, number, label in rows:
            if key in index and table.parent is not None:
                reading.add(
                    "duplicate_id",
                    f"column {table.keys[-1]}: place {key[-1]} is given twice",
                    label,
                    number,
                    len(table.keys),
                )
            index.setdefault(key, item)
        keyed[table.name] = index
        if table.name == DATASET_TABLE:
            _dataset_row(document, rows, grid, reading)
        elif table.parent is None:
            document[table.collection or table.name] = [item for _, item, _, _ in rows]
        else:
            _attach(table, keyed[table.parent], rows, reading)
        if table.name == DATASET_TABLE:
            keyed[table.name] = {(): document}
    return document


def _dataset_row(
    document: dict[str, Any],
    rows: list[tuple[_Key, dict[str, Any], int, str]],
    grid: _Grid,
    reading: _Reading,
) -> None:
    if len(rows) != 1:
        reading.add(
            "too_long" if rows else "missing_field",
            f"the table {DATASET_TABLE} has one row, the dataset's title, publisher, licence "
            f"and languages; found {len(rows)}",
            grid.label,
            rows[1][2] if len(rows) > 1 else 2,
        )
    if rows:
        _, item, _, _ = rows[0]
        document.update(item)
        reading.origins[id(document)] = reading.origins.pop(id(item))


# Findings placed in the tables -----------------------------------------------------------------


def _places(document: Any, reading: _Reading) -> dict[str, tuple[str, int, int | None, str]]:
    """Return the file, row, column and header of every pointer that came from a cell."""
    places: dict[str, tuple[str, int, int | None, str]] = {}
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            origin = reading.origins.get(id(node))
            if origin is not None:
                label = origin.grid.label
                places[pointer] = (label, origin.row, None, "")
                for relative, column, header in origin.cells():
                    places[pointer + relative] = (label, origin.row, column, header)
            stack.extend(
                (f"{pointer}/{_pointer((key,))[1:]}", value) for key, value in node.items()
            )
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{at}", value) for at, value in enumerate(node))
    return places


def _rejected(error: ValidationError) -> list[str]:
    pointers = []
    for detail in error.errors(include_url=False):
        loc = [str(part) for part in detail["loc"]]
        if len(loc) > 1 and loc[0] in COLLECTIONS:
            pointers.append(f"/{loc[0]}/{loc[1]}")
        else:
            pointers.append(f"/{loc[0]}" if loc else "")
    return pointers


def _placed(document: dict[str, Any], error: ValidationError, reading: _Reading) -> list[Finding]:
    """Return the validator's findings on what the models reject, placed in the tables."""
    from unikommune.validation.engine import validate

    rejected = _rejected(error)
    places = _places(document, reading)
    placed = []
    for finding in validate(document):
        if finding.severity is not Severity.ERROR:
            continue
        if not any(finding.pointer == r or finding.pointer.startswith(f"{r}/") for r in rejected):
            continue
        pointer = finding.pointer
        while pointer not in places and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        label, row, column, header = places.get(pointer, (None, None, None, ""))
        message = f"column {header}: {finding.message}" if header else finding.message
        placed.append(
            Finding(finding.code, finding.severity, message, label, row, column, finding.pointer)
        )
    if not placed:  # pragma: no cover - the validator reports whatever the models reject
        placed = [
            Finding("wrong_type", Severity.ERROR, detail["msg"], pointer=pointer)
            for detail, pointer in zip(error.errors(include_url=False), rejected, strict=True)
        ]
    return placed


def _dataset(grids: dict[str, _Grid]) -> Dataset:
    reading = _Reading()
    if DATASET_TABLE not in grids:
        raise DatasetReadError(
            f"no table {DATASET_TABLE}: the tables of a unikommune dataset start with it"
        )
    document = _document(grids, reading)
    try:
        dataset = Dataset.model_validate(document)
    except ValidationError as error:
        reading.findings.extend(_placed(document, error, reading))
        raise InvalidDatasetError(reading.findings) from None
    if reading.findings:
        raise InvalidDatasetError(reading.findings)
    return dataset


# Reading files ---------------------------------------------------------------------------------


def _csv_grid(path: Path) -> _Grid:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.reader(stream, strict=True))
    except UnicodeDecodeError as error:
        raise DatasetReadError(
            f"not UTF-8 text (byte {error.start}); save the file as CSV UTF-8", path=str(path)
        ) from None
    except csv.Error as error:
        raise DatasetReadError(f"not CSV: {error}", path=str(path)) from None
    except OSError as error:
        raise DatasetReadError(f"cannot read the file: {error.strerror}", path=str(path)) from None
    headers = [restore_cell(header) for header in rows[0]] if rows else []
    grid = _Grid(str(path), headers, [])
    for number, row in enumerate(rows[1:], start=2):
        # Only a text that starts with ' can have been neutralised.
        cells = [(restore_cell(text) if text[0] == "'" else text) if text else None for text in row]
        if cells.count(None) != len(cells):
            grid.rows.append((number, cells + [None] * (len(headers) - len(cells))))
    return grid


def read_package(folder: str | os.PathLike[str]) -> Dataset:
    """Read a dataset from the CSV files of a data package folder (or its ``datapackage.json``).

    A table whose file is missing has no rows.

    Raises:
        DatasetReadError: the folder or the table ``dataset`` is missing, or a file is not
            UTF-8 CSV.
        InvalidDatasetError: cells do not fit the models; ``problems`` holds the findings,
            placed in the tables.
    """
    root = Path(folder)
    if root.name == "datapackage.json":
        root = root.parent
    if not root.is_dir():
        raise DatasetReadError("not a data package folder", path=str(root))
    with collector_paused():
        grids = {}
        for table in table_layout().tables():
            path = root / f"{table.name}.csv"
            if path.is_file():
                grids[table.name] = _csv_grid(path)
        return _dataset(grids)


def _text(cell: Any) -> str | None:
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(float(value)) if cell.number_format == "0.0" else str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return excel_unescape(str(value))


def _sheet_rows(sheet: Any) -> Iterator[list[str | None]]:
    for row in sheet.iter_rows():
        yield [_text(cell) for cell in row]


def _sheet_grid(sheet: Any, label: str) -> _Grid:
    rows = _sheet_rows(sheet)
    headers = [header or "" for header in next(rows, [])]
    while headers and not headers[-1]:
        headers.pop()
    grid = _Grid(label, headers, [])
    for number, cells in enumerate(rows, start=2):
        cells = cells[: len(headers)]
        if cells.count(None) != len(cells):
            grid.rows.append((number, cells + [None] * (len(headers) - len(cells))))
    return grid


def read_workbook(path: str | os.PathLike[str]) -> Dataset:
    """Read a dataset from an XLSX workbook of its tables, a sheet per table.

    A sheet missing has no rows; sheets of other names are not read.

    Raises:
        DatasetReadError: the file is not a workbook, or has no sheet ``dataset``.
        InvalidDatasetError: cells do not fit the models; ``problems`` holds the findings.
        ImportError: openpyxl is not installed (``pip install 'unikommune[publish]'``).
    """
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - the publish extra is installed in the tests
        raise ImportError(
            "reading a workbook needs openpyxl: pip install 'unikommune[publish]'"
        ) from None
    source = Path(path)
    from openpyxl.utils.exceptions import InvalidFileException

    if not source.is_file():
        raise DatasetReadError("no such file", path=str(source))
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as error:
        raise DatasetReadError(f"not an XLSX workbook: {error}", path=str(source)) from None
    with collector_paused():
        try:
            grids = {}
            for table in table_layout().tables():
                name = sheet_name(table.name)
                if name in book.sheetnames:
                    grids[table.name] = _sheet_grid(book[name], f"{source}[{name}]")
        finally:
            book.close()
        return _dataset(grids)


def read_tables(path: str | os.PathLike[str]) -> Dataset:
    """Read a dataset from its tables: an ``.xlsx`` workbook, else a data package folder.

    Raises:
        DatasetReadError: see :func:`read_package` and :func:`read_workbook`.
        InvalidDatasetError: cells do not fit the models; ``problems`` holds the findings.
    """
    if Path(path).suffix.lower() == ".xlsx":
        return read_workbook(path)
    return read_package(path)

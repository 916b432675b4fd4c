"""Tables: the data package and the workbook, written, checked by their own tools, read back."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unikommune
from conftest import EXAMPLES, WHOLE, valid_document
from strategies import documents
from unikommune.cli import main
from unikommune.errors import DatasetReadError, DatasetWriteError, InvalidDatasetError
from unikommune.models import COLLECTIONS, Dataset
from unikommune.outputs import neutralise_cell
from unikommune.publish.layout import table_layout
from unikommune.publish.tables import (
    TableData,
    data_package,
    dataset_tables,
    excel_escape,
    excel_unescape,
    sheet_name,
    write_package,
    write_workbook,
)
from unikommune.publish.tables_import import read_package, read_tables, read_workbook


def _openpyxl() -> Any:
    # Imported where used: openpyxl imports numpy, whose thread pool would keep the
    # checks of files in parts (test_validate_parts.py) from forking workers.
    import openpyxl

    return openpyxl


EXAMPLE_NAMES = ("trondheim", "nordlysfjord", "regional")


def _small() -> Dataset:
    """Return a small dataset with the values a table must keep apart."""
    document = valid_document()
    document["placements"] = [
        {
            "id": "placement-a",
            "programme": {"en": "=HYPERLINK(1)", "nb": "Sykepleie\r\nlinje to _x0041_"},
            "field": "health",
            "level": "bachelor",
            "institution": document["partners"][0]["id"],
            "host": document["partners"][1]["id"],
            "year": "2021?",
            "students": {"min": 8, "max": 12},
            "weeks": 6.0,
        },
        {
            "id": "placement-b",
            "programme": {"en": "Teacher education"},
            "field": "teacher-education",
            "level": "master",
            "institution": document["partners"][0]["id"],
            "host": document["partners"][1]["id"],
            "year": 2022,
            "students": 40,
        },
    ]
    document["projects"][0]["period"] = {"start": "", "end": ".."}
    return Dataset.model_validate(document)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# The layout ------------------------------------------------------------------------------------


def test_every_collection_has_a_table_and_sheet_names_fit_excel() -> None:
    layout = table_layout()
    assert set(COLLECTIONS) <= set(layout)
    names = [sheet_name(name) for name in layout]
    assert all(len(name) <= 31 for name in names)
    assert len(set(names)) == len(names)
    assert layout["projects.funding.identifiers"].keys == ("project", "funding#", "identifiers#")


# Known answers ---------------------------------------------------------------------------------


def test_cells_of_a_small_dataset(tmp_path: Path) -> None:
    dataset = _small()
    write_package(dataset, tmp_path / "package")
    placements = _rows(tmp_path / "package" / "placements.csv")
    first, second = placements
    assert first["programme@en"] == "'=HYPERLINK(1)"  # neutralised; the import takes it off
    assert (first["students"], first["students.min"], first["students.max"]) == ("", "8", "12")
    assert (first["year"], first["weeks"]) == ("2021?", "6.0")
    assert (second["year"], second["students"], second["students.about"]) == ("2022", "40", "")
    project = _rows(tmp_path / "package" / "projects.csv")[0]
    assert (project["period.start"], project["period.end"]) == ("unknown", "..")
    assert read_package(tmp_path / "package") == dataset


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.sampled_from("=+-@'\t\r\n\x00a1 é\"")),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=3, max_size=3), max_size=6), st.booleans())
def test_csv_cells_as_written_one_by_one(cells: list[list[Any]], texts_only: bool) -> None:
    # The writer makes its cells a column at a time; each must be as neutralise_cell
    # (booleans as words) makes it alone, whatever else its column holds.
    if texts_only:
        cells = [[value if isinstance(value, str) else None for value in row] for row in cells]
    data = dataset_tables(_small())[0]
    rows = [["dataset", *row] for row in cells]
    table = TableData(data.table, ["a", "b", "c", "d"], data.columns[:4], rows)
    with tempfile.TemporaryDirectory() as folder:
        write_package(_small(), Path(folder) / "package", [table])
        written = (Path(folder) / "package" / "dataset.csv").read_bytes().decode("utf-8")
    expected = io.StringIO()
    writer = csv.writer(expected, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow(["a", "b", "c", "d"])
    for row in rows:
        writer.writerow(
            [
                ("true" if value else "false")
                if isinstance(value, bool)
                else neutralise_cell(value)
                for value in row
            ]
        )
    assert written == expected.getvalue()


_NOTE = st.fixed_dictionaries(
    {
        "pointer": st.text(max_size=8),
        "reason": st.sampled_from(["primary", "secondary"]),
        "published_as": st.dictionaries(st.sampled_from(["min", "max"]), st.integers()),
        "group": st.lists(st.text(max_size=4), max_size=3),
    }
)


@settings(max_examples=15, deadline=None)
@given(st.lists(_NOTE, max_size=4))
def test_data_package_is_the_json_of_json_dumps(notes: list[dict[str, Any]]) -> None:
    # datapackage.json is written by a faster encoder than json.dumps(indent=2): same text.
    dataset = _small()
    tables = dataset_tables(dataset)
    with tempfile.TemporaryDirectory() as folder:
        write_package(dataset, Path(folder) / "package", tables, notes)
        written = (Path(folder) / "package" / "datapackage.json").read_text(encoding="utf-8")
    package = data_package(dataset, tables, notes)
    assert written == json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def test_workbook_cells_read_by_openpyxl(tmp_path: Path) -> None:
    dataset = _small()
    write_workbook(dataset, tmp_path / "book.xlsx")
    book = _openpyxl().load_workbook(tmp_path / "book.xlsx", read_only=True)
    rows = list(book["placements"].iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=False))
    assert first["programme@en"] == "=HYPERLINK(1)"  # a text cell, not a formula
    assert first["programme@nb"] == "Sykepleie_x000D_\nlinje to _x005F_x0041_"
    assert (first["students"], first["students.min"], first["weeks"]) == (None, 8, 6)
    assert dict(zip(header, rows[2], strict=False))["year"] == 2022
    book.close()
    assert read_workbook(tmp_path / "book.xlsx") == dataset


def test_excel_escapes_round_trip() -> None:
    for text in ("a\r\nb", "_x0041_", "_x005F_x0041_", "plain", "\ufffe"):
        assert excel_unescape(excel_escape(text)) == text


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_round_trip_through_both_forms(name: str, tmp_path: Path) -> None:
    dataset = unikommune.load(EXAMPLES / name)
    write_package(dataset, tmp_path / "package")
    write_workbook(dataset, tmp_path / "book.xlsx")
    assert read_tables(tmp_path / "package" / "datapackage.json") == dataset
    assert read_tables(tmp_path / "book.xlsx") == dataset


def test_frictionless_validates_an_example(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    write_package(unikommune.load(EXAMPLES / "nordlysfjord"), tmp_path / "p")
    report = frictionless.validate(str(tmp_path / "p" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])


def test_frictionless_finds_a_broken_foreign_key(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    write_package(_small(), tmp_path / "p")
    path = tmp_path / "p" / "projects.participants.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[0], '"no-such-project"', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "p" / "datapackage.json"))
    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


def test_data_package_declares_keys(tmp_path: Path) -> None:
    write_package(unikommune.load(EXAMPLES / "trondheim"), tmp_path / "p")
    package = json.loads((tmp_path / "p" / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in package["resources"]}
    funding = resources["projects.funding"]["schema"]
    assert funding["primaryKey"] == ["project", "funding#"]
    assert {"fields": ["project"], "reference": {"resource": "projects", "fields": ["id"]}} in (
        funding["foreignKeys"]
    )
    assert {"fields": ["funder"], "reference": {"resource": "partners", "fields": ["id"]}} in (
        funding["foreignKeys"]
    )
    partners = resources["partners"]["schema"]["foreignKeys"]
    assert {"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}} in partners


# Import findings -------------------------------------------------------------------------------


def _broken(tmp_path: Path, table: str, change: Any) -> list[Any]:
    write_package(unikommune.load(EXAMPLES / "trondheim"), tmp_path / "p")
    path = tmp_path / "p" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    with pytest.raises(InvalidDatasetError) as caught:
        read_package(tmp_path / "p")
    return caught.value.problems


def test_a_wrong_code_is_placed_in_its_cell(tmp_path: Path) -> None:
    def change(rows: list[list[str]]) -> None:
        rows[2][rows[0].index("status")] = "finished"

    (finding,) = _broken(tmp_path, "projects", change)
    assert finding.code == "not_in_codelist"
    assert (Path(finding.file or "").name, finding.line) == ("projects.csv", 3)
    assert finding.column == 7
    assert finding.pointer == "/projects/1/status"
    assert finding.message.startswith("column status: ")


def test_unknown_column_and_orphan_row(tmp_path: Path) -> None:
    def change(rows: list[list[str]]) -> None:
        rows[0].append("colour")
        rows[1].append("red")
        rows[1][0] = "no-such-project"

    found = {(f.code, f.line) for f in _broken(tmp_path, "projects.participants", change)}
    assert found == {("unknown_field", 1), ("unresolved_reference", 2)}


def test_a_missing_required_cell_and_a_bad_number(tmp_path: Path) -> None:
    def change(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("students")] = "many"
        rows[2][rows[0].index("field")] = ""

    found = {(f.code, f.line, f.pointer) for f in _broken(tmp_path, "placements", change)}
    assert found == {
        ("wrong_type", 2, "/placements/0/students"),
        ("missing_field", 3, "/placements/1/field"),
    }


def test_workbook_findings_name_the_sheet(tmp_path: Path) -> None:
    write_workbook(unikommune.load(EXAMPLES / "trondheim"), tmp_path / "book.xlsx")
    book = _openpyxl().load_workbook(tmp_path / "book.xlsx")
    sheet = book["projects"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("status") + 1, value="finished")
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(InvalidDatasetError) as caught:
        read_workbook(tmp_path / "book.xlsx")
    (finding,) = caught.value.problems
    assert (finding.code, finding.line, finding.column) == ("not_in_codelist", 2, 7)
    assert finding.file is not None
    assert finding.file.endswith("book.xlsx[projects]")


def test_unreadable_inputs(tmp_path: Path) -> None:
    with pytest.raises(DatasetReadError):
        read_package(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetReadError, match="no table dataset"):
        read_package(tmp_path / "empty")
    (tmp_path / "not.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DatasetReadError, match="not an XLSX workbook"):
        read_workbook(tmp_path / "not.xlsx")


def test_writers_never_replace(tmp_path: Path) -> None:
    dataset = _small()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DatasetWriteError):
        write_package(dataset, tmp_path / "full")
    write_workbook(dataset, tmp_path / "b.xlsx")
    with pytest.raises(DatasetWriteError, match="--force"):
        write_workbook(dataset, tmp_path / "b.xlsx")
    write_workbook(dataset, tmp_path / "b.xlsx", force=True)


# The command line ------------------------------------------------------------------------------


def test_export_and_import_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = EXAMPLES / "trondheim"
    assert main(["export", str(source), "-o", str(tmp_path / "p")]) == 0
    assert main(["export", str(source), "-o", str(tmp_path / "b.xlsx")]) == 0
    assert main(["import", str(tmp_path / "b.xlsx"), "-o", str(tmp_path / "back.json")]) == 0
    assert unikommune.load(tmp_path / "back.json") == unikommune.load(source)
    assert main(["export", str(source), "-o", str(tmp_path / "b.xlsx")]) == 2
    assert "--force" in capsys.readouterr().err
    rows = tmp_path / "p" / "projects.csv"
    rows.write_text(rows.read_text(encoding="utf-8").replace('"completed"', '"busy"', 1), "utf-8")
    assert main(["import", str(tmp_path / "p"), "-o", str(tmp_path / "again.json")]) == 1
    assert "not_in_codelist" in capsys.readouterr().err
    assert not (tmp_path / "again.json").exists()


# The round trip over generated datasets --------------------------------------------------------


def _unique_ids(document: dict[str, Any]) -> dict[str, Any]:
    for name in COLLECTIONS:
        seen: set[str] = set()
        kept = []
        for record in document.get(name, []):
            if record["id"] not in seen:
                seen.add(record["id"])
                kept.append(record)
        document[name] = kept
    return document


@pytest.mark.slow
@settings(WHOLE, max_examples=min(WHOLE.max_examples, 3))
@given(documents("dataset.json"))
def test_generated_datasets_round_trip(document: dict[str, Any]) -> None:
    dataset = Dataset.model_validate(_unique_ids(document))
    tables = dataset_tables(dataset)
    with tempfile.TemporaryDirectory() as folder:
        write_package(dataset, Path(folder) / "p", tables)
        assert read_package(Path(folder) / "p") == dataset
        write_workbook(dataset, Path(folder) / "b.xlsx", tables)
        assert read_workbook(Path(folder) / "b.xlsx") == dataset


@pytest.mark.parametrize(
    "name",
    ["unikommune.publish.layout", "unikommune.publish.tables", "unikommune.publish.guard"],
)
def test_module_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

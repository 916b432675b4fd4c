"""Loading and saving datasets in both layouts, and refusing what cannot be read."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES
from unikommune import InvalidDatasetError
from unikommune.loading import parse_json

TRONDHEIM = EXAMPLES / "trondheim"


def _minimal() -> dict[str, Any]:
    return {
        "$schema": unikommune.schema_id("dataset"),
        "title": {"en": "Minimal"},
        "description": {"en": "Two partners and a project."},
        "publisher": "tk",
        "license": "CC-BY-4.0",
        "languages": ["en"],
        "modified": "2026-11-27",
        "partners": [
            {
                "id": "tk", "name": {"en": "Trondheim municipality"},
                "kind": "municipality", "sector": "public-sector",
            },
            {"id": "ntnu", "name": {"en": "NTNU"}, "kind": "university", "sector": "academia"},
        ],
        "projects": [
            {
                "id": "p1", "title": {"en": "P"}, "kinds": ["research"], "status": "active",
                "period": {"start": "2019"},
                "participants": [{"partner": "tk", "role": "coordinator"}],
            }
        ],
    }  # fmt: skip


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def trondheim() -> unikommune.Dataset:
    return unikommune.load(TRONDHEIM)


def test_load_document_and_folder_give_the_same_dataset(
    tmp_path: Path, trondheim: unikommune.Dataset
) -> None:
    unikommune.save(trondheim, tmp_path / "one.json")
    assert unikommune.load(tmp_path / "one.json") == trondheim
    unikommune.save(trondheim, tmp_path / "lines", jsonl=True)
    assert sorted(path.name for path in (tmp_path / "lines").iterdir()) == [
        "agreements.jsonl", "dataset.json", "figures.jsonl", "learning_activities.jsonl",
        "missions.jsonl", "partners.jsonl", "placements.jsonl", "projects.jsonl", "theses.jsonl",
    ]  # fmt: skip
    assert unikommune.load(tmp_path / "lines") == trondheim


def test_save_never_replaces_an_existing_file(
    tmp_path: Path, trondheim: unikommune.Dataset
) -> None:
    target = _write(tmp_path / "dataset.json", {"keep": "me"})
    with pytest.raises(unikommune.DatasetWriteError, match="exists"):
        unikommune.save(trondheim, target)
    assert json.loads(target.read_text(encoding="utf-8")) == {"keep": "me"}
    unikommune.save(trondheim, target, overwrite=True)
    assert unikommune.load(target) == trondheim


def test_overwriting_a_folder_removes_its_stale_collection_files(
    tmp_path: Path, trondheim: unikommune.Dataset
) -> None:
    unikommune.save(trondheim, tmp_path, jsonl={"placements"})
    with pytest.raises(unikommune.DatasetWriteError, match="exists"):
        unikommune.save(trondheim, tmp_path)
    unikommune.save(trondheim, tmp_path, overwrite=True)
    assert not (tmp_path / "placements.jsonl").exists()
    assert unikommune.load(tmp_path) == trondheim


def test_saved_files_follow_the_umask(tmp_path: Path, trondheim: unikommune.Dataset) -> None:
    old = os.umask(0o022)
    try:
        written = unikommune.save(trondheim, tmp_path / "out")
    finally:
        os.umask(old)
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o644}
    assert not [path for path in (tmp_path / "out").iterdir() if path.name.endswith(".tmp")]


def test_profile_goes_to_profile_json_and_back(tmp_path: Path) -> None:
    nordlysfjord = unikommune.load(EXAMPLES / "nordlysfjord")
    assert nordlysfjord.profile is not None
    written = unikommune.save(nordlysfjord, tmp_path)
    assert tmp_path / "profile.json" in written
    assert json.loads((tmp_path / "profile.json").read_text(encoding="utf-8"))["$schema"] == (
        unikommune.schema_id("profile")
    )
    assert "profile" not in json.loads((tmp_path / "dataset.json").read_text(encoding="utf-8"))
    assert unikommune.load(tmp_path) == nordlysfjord
    unikommune.save(nordlysfjord, tmp_path / "one.json")
    assert unikommune.load(tmp_path / "one.json") == nordlysfjord


def test_profile_declared_twice_is_refused(tmp_path: Path) -> None:
    document = _minimal()
    document["profile"] = unikommune.default_profile().model_dump(by_alias=True, exclude_none=True)
    _write(tmp_path / "dataset.json", document)
    _write(tmp_path / "profile.json", document["profile"])
    with pytest.raises(InvalidDatasetError) as raised:
        unikommune.load(tmp_path)
    # load raises the findings the validator reports
    assert [problem.code for problem in raised.value.problems] == ["profile_declared_twice"]


def test_invalid_data_lists_every_problem_with_file_and_pointer(tmp_path: Path) -> None:
    document = _minimal()
    document["projects"][0]["period"] = {"start": "2020", "end": "2019"}
    document["partners"][1]["sector"] = "government"
    path = _write(tmp_path / "bad.json", document)
    with pytest.raises(InvalidDatasetError) as raised:
        unikommune.load(path)
    problems = {(p.code, p.file, p.pointer) for p in raised.value.problems}
    assert problems == {
        ("period_end_before_start", str(path), "/projects/0/period/end"),
        ("not_in_codelist", str(path), "/partners/1/sector"),
    }
    assert "2 problems" in str(raised.value)
    assert {p.code for p in raised.value.problems} == unikommune.validate(path).codes()


def test_json_lines_problems_name_their_line(tmp_path: Path) -> None:
    document = _minimal()
    projects = document.pop("projects")
    _write(tmp_path / "dataset.json", document)
    broken = {**projects[0], "id": "p2", "status": 3}
    lines = [json.dumps(projects[0]), "", json.dumps(broken)]
    (tmp_path / "projects.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidDatasetError) as raised:
        unikommune.load(tmp_path)
    [problem] = raised.value.problems
    assert (problem.file, problem.line) == (str(tmp_path / "projects.jsonl"), 3)
    assert (problem.code, problem.pointer) == ("not_in_codelist", "/status")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"a": 1,}', "line 1, column 9"),
        (b'{\n  "a": [1, 2\n}', "line 3, column 1"),
        ('{"a": "blåbær"}'.encode("utf-16"), "UTF-16"),
        ('{"a": "blåbær"}'.encode("latin-1"), "not UTF-8"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": -Infinity}', "-Infinity is not a JSON number"),
        (b'{"a": 1, "a": 2}', "key 'a' appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": ' + b"9" * 1_000_000 + b"}", "a number of 1,000,000 characters"),
    ],
)
def test_unreadable_documents_get_one_clear_error(tmp_path: Path, data: bytes, said: str) -> None:
    path = tmp_path / "dataset.json"
    path.write_bytes(data)
    with pytest.raises(unikommune.DatasetReadError, match=said) as raised:
        unikommune.load(path)
    assert str(raised.value).startswith(str(path))
    assert path.read_bytes() == data  # the input is never touched


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_size_limit(tmp_path: Path) -> None:
    path = _write(tmp_path / "dataset.json", _minimal())
    with pytest.raises(unikommune.DatasetReadError, match="over the limit of 100"):
        unikommune.load(path, max_bytes=100)


@pytest.mark.parametrize(
    ("schema", "said"),
    [
        (None, "missing"),
        ("https://example.org/other.json", "found the string"),
        (1, "found the number"),
    ],
)
def test_documents_must_name_the_dataset_schema(tmp_path: Path, schema: Any, said: str) -> None:
    document = _minimal()
    if schema is None:
        del document["$schema"]
    else:
        document["$schema"] = schema
    with pytest.raises(InvalidDatasetError, match=said):
        unikommune.load(_write(tmp_path / "d.json", document))


def test_missing_paths_and_folders_without_a_dataset(tmp_path: Path) -> None:
    with pytest.raises(unikommune.DatasetReadError, match="no such file"):
        unikommune.load(tmp_path / "absent.json")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(unikommune.DatasetReadError, match=r"has no dataset\.json"):
        unikommune.load(tmp_path)


def test_json_lines_need_the_folder_layout(tmp_path: Path, trondheim: unikommune.Dataset) -> None:
    with pytest.raises(ValueError, match="folder layout"):
        unikommune.save(trondheim, tmp_path / "d.json", jsonl=True)
    with pytest.raises(ValueError, match="not collections: people"):
        unikommune.save(trondheim, tmp_path / "f", jsonl={"people"})

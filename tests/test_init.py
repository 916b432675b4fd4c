"""``unikommune init`` says how to rename its placeholder ids, and following it works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from unikommune.cli import main
from unikommune.cli.init import PLACEHOLDERS
from unikommune.validation import validate

NEW_IDS = {"municipality": "bodo-kommune", "university": "nord", "agreement": "bodo-nord-2025"}


def _init(tmp_path: Path, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[Path, str]:
    target = tmp_path / "partnership"
    assert main(["init", str(target), *more]) == 0
    return target, capsys.readouterr().out


def _values(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Return every string value of a document with its path ("*" for a list item)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _values(item, (*path, key))]
    if isinstance(value, list):
        return [found for item in value for found in _values(item, (*path, "*"))]
    return [(path, value)] if isinstance(value, str) else []


def _set(value: Any, path: tuple[str, ...], old: str, new: str) -> Any:
    """Return ``value`` with the string ``old`` at ``path`` replaced by ``new``."""
    if not path:
        return new if value == old else value
    head, rest = path[0], path[1:]
    if head == "*":
        return [_set(item, rest, old, new) for item in value]
    if head not in value:
        return value
    return {**value, head: _set(value[head], rest, old, new)}


def _rename(target: Path, placeholders: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]) -> None:
    for old, places in placeholders.items():
        for file, path in places:
            document = json.loads((target / file).read_text(encoding="utf-8"))
            document = _set(document, path, old, NEW_IDS[old])
            (target / file).write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_the_output_names_each_placeholder_and_where_it_is_referred_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = _init(tmp_path, capsys)
    assert "First, rename the placeholder ids" in out
    table = out.split("First, rename the placeholder ids", 1)[1].split("Choose short ids", 1)[0]
    for old, places in PLACEHOLDERS.items():
        row = table.split(f'"{old}"', 1)[1]
        for file, path in places:
            assert f"{file}: " in row
            assert f'"{path[-1]}"' in row
    assert "Do not search and replace" in out
    assert "unresolved_reference" in out


@pytest.mark.parametrize("profile", [False, True], ids=["default profile", "own profile"])
def test_every_placeholder_is_in_the_places_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], profile: bool
) -> None:
    own = Path(__file__).resolve().parents[1] / "examples" / "nordlysfjord" / "profile.json"
    target, _ = _init(tmp_path, capsys, *(["--profile", str(own)] if profile else []))
    named = {(old, file, path) for old, places in PLACEHOLDERS.items() for file, path in places}
    for file in sorted(target.glob("*.json")):
        document = json.loads(file.read_text(encoding="utf-8"))
        for path, value in _values(document):
            if value in PLACEHOLDERS and path[-1] != "kind":
                assert (value, file.name, path) in named, (file.name, path, value)


def test_renaming_as_told_keeps_the_dataset_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, _ = _init(tmp_path, capsys)
    _rename(target, PLACEHOLDERS)
    assert validate(target).findings == []
    partners = json.loads((target / "partners.json").read_text(encoding="utf-8"))["partners"]
    assert [(p["id"], p["kind"]) for p in partners] == [
        ("bodo-kommune", "municipality"),
        ("nord", "university"),
    ]
    dataset = json.loads((target / "dataset.json").read_text(encoding="utf-8"))
    assert dataset["publisher"] == "bodo-kommune"


def test_a_reference_left_behind_is_reported_where_the_output_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, _ = _init(tmp_path, capsys)
    # Rename the municipality everywhere but in dataset.json's publisher.
    partial = {
        "municipality": tuple(p for p in PLACEHOLDERS["municipality"] if p[0] != "dataset.json")
    }
    _rename(target, partial)
    findings = validate(target).findings
    assert [(f.code, Path(f.file or "").name, f.pointer) for f in findings] == [
        ("unresolved_reference", "dataset.json", "/publisher")
    ]


def test_a_new_agreement_leaves_out_the_areas_retired_before_this_year() -> None:
    import datetime as dt

    from unikommune.models import Profile
    from unikommune.scaffold import scaffold

    profile = Profile.model_validate({
        "id": "renamed", "title": {"en": "Renamed"},
        "thematic_areas": [
            {"code": "health", "title": {"en": "Health"}, "valid": {"start": "2019", "end": "2022"},
             "successor": "care"},
            {"code": "care", "title": {"en": "Care"}, "valid": {"start": "2023"}},
            {"code": "ending", "title": {"en": "Ending"},
             "valid": {"start": "2019", "end": "2025~"}},
        ],
    })  # fmt: skip
    dataset = scaffold(profile, today=dt.date(2025, 6, 1))
    # "ending" may still be in use in 2025 (its end is approximate), "health" is not
    assert dataset.agreements[0].thematic_areas == ["care", "ending"]
    report = validate(dataset.model_dump(mode="json", by_alias=True, exclude_none=True))
    assert not report.findings

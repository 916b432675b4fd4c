"""A file that cannot be read is reported alone; the references into it are counted, and
an unresolved reference suggests the closest id."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import EXAMPLES, valid_document
from unikommune import validate

INVALID = EXAMPLES / "invalid"


def test_references_into_a_broken_file_are_counted_not_reported(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(INVALID / "checks_skipped", folder)
    report = validate(folder)
    assert [(f.code, Path(f.file or "").name) for f in report] == [
        ("invalid_json", "partners.json"),
        ("checks_skipped", "partners.json"),
    ]
    # Hand-counted in dataset.json: publisher, 2 parties, 1 governance member,
    # 1 activity's responsible partner, 2 mission owners, 2 project participants, 1 funder,
    # 2 of the placement, 2 of the thesis, 1 organiser and 1 participant of the course.
    document = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    assert "partners" not in document
    assert "so 16 references" in report.findings[1].message


def test_a_readable_file_leaves_unresolved_references_reported(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(INVALID / "checks_skipped", folder)
    text = (folder / "partners.json").read_text(encoding="utf-8")
    fixed = text.replace("    },\n  ]", "    }\n  ]")
    (folder / "partners.json").write_text(fixed, encoding="utf-8")
    assert validate(folder).findings == []
    document = json.loads(fixed)
    document["partners"] = document["partners"][1:]  # trondheim is gone
    (folder / "partners.json").write_text(json.dumps(document), encoding="utf-8")
    codes = {f.code for f in validate(folder)}
    assert codes == {"unresolved_reference"}


def test_an_unresolved_reference_suggests_the_closest_id() -> None:
    document = valid_document()
    document["theses"][0]["host"] = "trondhiem"
    (finding,) = validate(document).findings
    assert finding.code == "unresolved_reference"
    assert "did you mean 'trondheim'?" in finding.message


def test_no_suggestion_when_no_id_is_close() -> None:
    document = valid_document()
    document["theses"][0]["host"] = "oslo-kommune-etaten"
    (finding,) = validate(document).findings
    assert "did you mean" not in finding.message
    assert "correct the id or add the partner" in finding.message


def test_a_forward_reference_suggests_the_closest_id_too() -> None:
    document = valid_document()
    document["missions"][0]["projects"] = ["projekt"]
    (finding,) = validate(document).findings
    assert "did you mean 'project'?" in finding.message


def test_a_check_digit_failure_names_the_record_and_the_field() -> None:
    (finding,) = validate(INVALID / "identifier_check_digit.json").findings
    assert "identifiers[0].value of partner 'trondheim'" in finding.message


def test_a_string_where_a_text_belongs_shows_a_language_map() -> None:
    document = valid_document()
    document["projects"][0]["title"] = "A project"
    (finding,) = validate(document).findings
    assert finding.code == "wrong_type"
    assert '{"nb": "A project"}' in finding.message


def test_a_document_of_the_earlier_version_is_old_format_version(tmp_path: Path) -> None:
    document = valid_document()
    document["$schema"] = "https://w3id.org/unikommune/schema/0.1/dataset.json"
    (finding,) = validate(document).findings
    assert finding.code == "old_format_version"
    assert "unikommune upgrade PATH" in finding.message
    document["$schema"] = "https://example.org/dataset.json"
    assert [f.code for f in validate(document)] == ["wrong_schema"]

"""The validator's Python API: every finding, with its code, severity and place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import DATA, EXAMPLES, benchmark_generator
from unikommune import Finding, Report, Severity, validate
from unikommune.errors import DatasetReadError
from unikommune.models import Profile, default_profile
from unikommune.validation import CODES

INVALID = EXAMPLES / "invalid"
LINES = DATA / "validate" / "lines"
BASE = INVALID / "byte_order_mark.json"  # the valid base document, behind a BOM


def base() -> dict[str, Any]:
    """Return the valid document every file of examples/invalid/ is made from."""
    document: dict[str, Any] = json.loads(BASE.read_bytes().decode("utf-8-sig"))
    return document


def codes_and_places(report: Report) -> list[tuple[str, str, int | None, int | None, str]]:
    return [
        (f.code, Path(f.file).name if f.file else "", f.line, f.column, f.pointer) for f in report
    ]


@pytest.mark.parametrize("name", ["trondheim", "nordlysfjord"])
def test_example_datasets_are_clean(name: str) -> None:
    report = validate(EXAMPLES / name)
    assert report.findings == []
    assert report.ok
    assert report.records > 10


INVALID_CASES = sorted(p for p in INVALID.iterdir() if p.name != "README.md")


#: Codes no file shows on its own: a file over the size limit (tests/test_hostile.py), and
#: one that changes while it is checked (tests/test_same_bytes.py).
NO_EXAMPLE = {"too_large", "file_changed"}


def test_there_is_an_invalid_example_for_every_code_a_file_can_show() -> None:
    assert {p.stem for p in INVALID_CASES} == set(CODES) - NO_EXAMPLE


#: Examples whose code follows another finding, which is its cause: checks are skipped
#: because a file could not be read, and that file is reported first.
CAUSED_BY = {"checks_skipped": "invalid_json"}


@pytest.mark.parametrize("path", INVALID_CASES, ids=lambda p: p.stem)
def test_each_invalid_example_produces_exactly_its_code(path: Path) -> None:
    report = validate(path)
    cause = CAUSED_BY.get(path.stem)
    assert report.codes() == {path.stem} | ({cause} if cause else set())
    if cause is not None:
        assert [f.code for f in report] == [cause, path.stem]
        assert report.findings[0].file == report.findings[1].file
    codes = [CODES[code] for code in report.codes()]
    assert report.ok == all(code.severity is not Severity.ERROR for code in codes)
    for finding in report:
        assert finding.file is not None
        assert finding.line is not None


def test_the_base_document_is_valid_apart_from_its_bom() -> None:
    assert validate(base()).findings == []


def test_json_lines_findings_have_hand_computed_places() -> None:
    report = validate(LINES)
    assert codes_and_places(report) == [
        ("unresolved_reference", "partners.jsonl", 3, 84, "/parent"),
        ("not_in_codelist", "projects.jsonl", 2, 63, "/status"),
        ("unknown_field", "projects.jsonl", 2, 150, "/colour"),
        ("invalid_json", "projects.jsonl", 3, 21, ""),
        ("unresolved_reference", "projects.jsonl", 5, 126, "/participants/0/partner"),
    ]
    assert report.records == 7  # the blank line is not a record
    assert report.counts == {Severity.ERROR: 5, Severity.WARNING: 0, Severity.INFO: 0}
    assert not report.ok


def test_every_problem_of_a_record_is_reported() -> None:
    document = base()
    project = document["projects"][0]
    project["status"] = "ongoing"
    project["kinds"] = "research"
    project["period"]["start"] = "2019-02-30"
    del project["participants"]
    document["placements"][0]["students"] = -1
    report = validate(document)
    assert sorted((f.code, f.pointer) for f in report) == [
        ("invalid_date", "/projects/0/period/start"),
        ("missing_field", "/projects/0/participants"),
        ("negative_count", "/placements/0/students"),
        ("not_in_codelist", "/projects/0/status"),
        ("wrong_type", "/projects/0/kinds"),
    ]
    assert all(f.file is None and f.line is None for f in report)


def test_a_codelist_mistake_suggests_the_closest_code() -> None:
    document = base()
    document["projects"][0]["status"] = "complete"
    (finding,) = validate(document).findings
    assert finding.code == "not_in_codelist"
    assert "did you mean 'completed'?" in finding.message
    assert "'complete'" in finding.message


def test_a_misspelt_field_suggests_the_field_of_that_object() -> None:
    document = base()
    document["projects"][0]["participants"][0]["rol"] = "partner"
    del document["projects"][0]["participants"][0]["role"]
    report = validate(document)
    assert sorted(f.code for f in report) == ["missing_field", "unknown_field"]
    unknown = next(f for f in report if f.code == "unknown_field")
    assert "did you mean 'role'?" in unknown.message


def test_references_forward_to_a_later_collection_resolve() -> None:
    document = base()
    document["missions"][0]["projects"] = ["project", "no-such-project"]
    (finding,) = validate(document).findings
    assert (finding.code, finding.pointer) == ("unresolved_reference", "/missions/0/projects/1")


def test_a_failing_record_still_counts_as_an_id_so_references_do_not_cascade() -> None:
    document = base()
    document["partners"][0]["kind"] = "city"
    report = validate(document)
    assert [f.code for f in report] == ["not_in_codelist"]


def test_parent_cycles_are_found_once_per_cycle() -> None:
    document = base()
    partners = document["partners"]
    partners[0]["parent"] = "ntnu"
    partners[1]["parent"] = "ntnu-ie"
    report = validate(document)
    assert [f.code for f in report] == ["reference_cycle"]
    assert "ntnu -> ntnu-ie -> trondheim -> ntnu" not in report.findings[0].message
    assert "ntnu -> ntnu-ie -> ntnu" in report.findings[0].message


def test_superseding_agreements_in_a_circle() -> None:
    document = base()
    first = document["agreements"][0]
    second = json.loads(json.dumps(first))
    second["id"] = "trd30-continued"
    second["supersedes"] = "trd30"
    first["supersedes"] = "trd30-continued"
    document["agreements"].append(second)
    assert [f.code for f in validate(document)] == ["reference_cycle"]


def test_rule_decided_by_a_body_of_another_agreement_is_unresolved() -> None:
    document = base()
    document["agreements"][0]["rules"][0]["decided_by"] = "board"
    (finding,) = validate(document).findings
    assert (finding.code, finding.pointer) == (
        "unresolved_reference",
        "/agreements/0/rules/0/decided_by",
    )


def test_the_sdg_rule_applies_only_to_the_kinds_it_names() -> None:
    document = base()
    document["agreements"][0]["rules"][0]["applies_to"] = ["project"]
    del document["theses"][0]["sdg_links"]
    assert validate(document).findings == []
    del document["projects"][0]["sdg_links"]
    assert [(f.code, f.pointer) for f in validate(document)] == [
        ("sdg_link_required", "/projects/0")
    ]


def test_activities_without_sdg_link_break_the_rule() -> None:
    document = base()
    del document["agreements"][0]["action_plans"][0]["activities"][0]["sdg_links"]
    (finding,) = validate(document).findings
    assert finding.code == "sdg_link_required"
    assert finding.pointer == "/agreements/0/action_plans/0/activities/0"


def test_areas_are_checked_against_the_declared_profile() -> None:
    document = base()
    profile = default_profile().model_dump(mode="json", by_alias=True, exclude_none=True)
    profile.pop("$schema", None)
    profile["thematic_areas"] = [{"code": "climate", "title": {"en": "Climate"}}]
    document["profile"] = profile
    report = validate(document)
    pointers = sorted(f.pointer for f in report if f.code == "unknown_thematic_area")
    assert pointers == [
        "/agreements/0/thematic_areas/0",
        "/missions/0/thematic_areas/0",
        "/projects/0/thematic_areas/0",
    ]


def test_a_profile_argument_overrides_the_dataset_profile() -> None:
    profile = default_profile().model_copy(update={"thematic_areas": default_profile().focus_areas})
    assert isinstance(profile, Profile)
    report = validate(base(), profile=profile)
    assert report.codes() == {"unknown_thematic_area"}


def test_validate_accepts_a_dataset_object() -> None:
    dataset = unikommune.load(EXAMPLES / "trondheim")
    assert validate(dataset).findings == []
    dataset.placements[0].host = "nowhere"
    report = validate(dataset)
    assert [(f.code, f.pointer, f.file) for f in report] == [
        ("unresolved_reference", "/placements/0/host", None)
    ]


def test_a_folder_and_its_single_document_give_the_same_codes(tmp_path: Path) -> None:
    dataset = unikommune.load(EXAMPLES / "trondheim")
    dataset.placements[3].students = 5
    unikommune.save(dataset, tmp_path / "folder", jsonl=True)
    unikommune.save(dataset, tmp_path / "one.json")
    assert validate(tmp_path / "folder").findings == []
    assert validate(tmp_path / "one.json").findings == []


def test_unknown_json_files_in_a_folder_are_noted(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "trondheim", tmp_path / "d")
    (tmp_path / "d" / "notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / "d" / "README.md").write_text("# hi", encoding="utf-8")
    report = validate(tmp_path / "d")
    assert [(f.code, Path(f.file or "").name, f.severity) for f in report] == [
        ("unexpected_file", "notes.json", Severity.INFO)
    ]
    assert report.ok


def test_a_missing_path_raises_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetReadError, match="no such file"):
        validate(tmp_path / "nothing")


def test_report_json_round_trip_and_counts() -> None:
    report = validate(INVALID / "duplicate_id.json")
    document = json.loads(report.to_json())
    assert document["ok"] is False
    assert document["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert document["findings"][0]["code"] == "duplicate_id"
    assert document["findings"][0]["pointer"] == "/placements/1/id"


def test_report_json_follows_its_schema() -> None:
    from jsonschema import Draft202012Validator

    from unikommune.validation import REPORT_SCHEMA

    Draft202012Validator.check_schema(REPORT_SCHEMA)
    for path in (INVALID / "duplicate_id.json", LINES, EXAMPLES / "trondheim"):
        errors = list(Draft202012Validator(REPORT_SCHEMA).iter_errors(validate(path).to_dict()))
        assert errors == []


def test_finding_text_form() -> None:
    finding = Finding("duplicate_id", Severity.ERROR, "id: twice", "a.json", 3, 7, "/x")
    assert str(finding) == "a.json:3:7: duplicate_id id: twice"
    assert str(Finding("duplicate_id", Severity.ERROR, "m", None, None, None, "/x")) == (
        "/x: duplicate_id m"
    )


def test_public_names() -> None:
    assert unikommune.validate is validate
    assert {"Finding", "Report", "Severity", "validate"} <= set(unikommune.__all__)


@pytest.mark.parametrize(
    ("publisher", "expected"),
    [
        (5, [("wrong_type", "/publisher", "expected a string or an object, found the number 5")]),
        ("bad id", [("invalid_id", "/publisher", "found the value 'bad id'")]),
        (
            {"nam": {"en": "Publisher"}},
            [
                ("missing_field", "/publisher/name", "required field is missing"),
                ("unknown_field", "/publisher/nam", "did you mean 'name'?"),
            ],
        ),
        (
            {"name": {"en": "Publisher"}, "url": "ftp://x"},
            [("invalid_format", "/publisher/url", "")],
        ),
        ({"name": {"en": "A publisher that is not a partner"}}, []),
    ],
)
def test_a_failure_among_alternatives_is_explained_by_the_closest(
    publisher: object, expected: list[tuple[str, str, str]]
) -> None:
    document = base()
    document["publisher"] = publisher
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [(code, at) for code, at, _ in expected]
    for finding, (_, _, words) in zip(report, expected, strict=True):
        assert words in finding.message
        assert "match" not in finding.message


def test_thesis_agreements_and_combined_positions_resolve() -> None:
    document = base()
    document["theses"][0]["agreement"] = "trd31"
    member = document["agreements"][0]["governance"][0]["members"][0]
    member["combined_with"] = ["ntnu", "sintef", "ntnu"]
    report = validate(document)
    assert sorted((f.code, f.pointer) for f in report) == [
        ("duplicate_list_item", "/agreements/0/governance/0/members/0/combined_with/2"),
        ("unresolved_reference", "/agreements/0/governance/0/members/0/combined_with/1"),
        ("unresolved_reference", "/theses/0/agreement"),
    ]


def test_a_wrong_value_of_an_optional_field_gets_one_precise_finding() -> None:
    document = base()
    document["projects"][0]["period"]["end"] = 2021
    document["theses"][0]["host"] = ["trondheim"]
    report = validate(document)
    assert [(f.code, f.pointer, f.message) for f in report] == [
        (
            "wrong_type",
            "/projects/0/period/end",
            "period.end: expected a string, found the number 2021",
        ),
        ("wrong_type", "/theses/0/host", "host: expected a string, found a list of 1 item"),
    ]


PLACEMENTS = DATA / "validate" / "placements"


def test_placement_variants_by_code_and_line() -> None:
    report = validate(PLACEMENTS)
    assert [(f.code, f.line) for f in report] == [
        ("invalid_id", 4),
        ("invalid_language", 5),
        ("too_short", 6),
        ("unresolved_reference", 7),
        ("invalid_id", 8),
        ("unresolved_reference", 9),
        ("duplicate_id", 10),
        ("wrong_type", 11),
        ("wrong_type", 12),
        ("out_of_range", 13),
        ("negative_count", 14),
        ("unknown_field", 15),
        ("not_in_codelist", 16),
        ("too_short", 17),
        ("too_short", 18),
        ("out_of_range", 19),
        ("invalid_id", 22),
        ("invalid_id", 23),
        ("invalid_number", 24),
        ("duplicate_key", 25),  # a key given twice in a record of the right shape
    ]
    assert report.records == 32


def test_the_placement_accelerator_never_changes_a_finding() -> None:
    pytest.importorskip("msgspec")
    for folder in (PLACEMENTS, LINES):
        accelerated = validate(folder)
        general = validate(folder, accelerate=False)
        assert accelerated.findings == general.findings
        assert accelerated.records == general.records


def test_generated_defects_are_all_found_with_and_without_the_accelerator(tmp_path: Path) -> None:
    generate = benchmark_generator()
    generate.generate("tiny", tmp_path / "d", seed=3, broken=0.2)
    defects = json.loads((tmp_path / "d" / "broken.json").read_text(encoding="utf-8"))["defects"]
    report = validate(tmp_path / "d")
    found = {(Path(f.file or "").name, f.line) for f in report}
    assert [d for d in defects if (d["file"], d["line"]) not in found] == []
    assert validate(tmp_path / "d", accelerate=False).findings == report.findings


def test_a_run_is_freed_as_soon_as_it_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    # No reference cycle: the ids of a large dataset go when validate returns, not at the
    # cycle collector's next full pass.
    import gc
    import weakref

    from unikommune.rules import Context
    from unikommune.validation import engine

    runs: list[weakref.ref[Any]] = []
    for kind in (engine._Run, Context):  # the run, and the rules' context with the ids
        original = kind.__init__

        def remembered(self: Any, *args: Any, original: Any = original, **options: Any) -> None:
            original(self, *args, **options)
            runs.append(weakref.ref(self))

        monkeypatch.setattr(kind, "__init__", remembered)
    collecting = gc.isenabled()
    gc.disable()
    try:
        validate(LINES, jobs=1)
        assert runs
        assert all(run() is None for run in runs)
    finally:
        if collecting:
            gc.enable()

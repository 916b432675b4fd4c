"""Repeats: a partner, an SDG link, a DOI or a grant number given twice (known answers)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import codes_and_pointers, valid_document
from unikommune import Severity, validate
from unikommune.models import COLLECTIONS


def another_project(document: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Add a second, valid project to ``document`` (in no agreement) and return it."""
    project: dict[str, Any] = {
        "id": "project-2",
        "title": {"en": "Another project"},
        "kinds": ["research"],
        "status": "completed",
        "period": {"start": "2020", "end": "2022"},
        "participants": [{"partner": "ntnu", "role": "coordinator"}],
        **fields,
    }
    document["projects"].append(project)
    return project


# -- a partner listed twice ------------------------------------------------------------------


def test_the_base_document_lists_every_partner_once() -> None:
    assert codes_and_pointers(valid_document()) == []


def test_an_agreement_party_given_twice_is_an_error() -> None:
    document = valid_document()
    document["agreements"][0]["parties"].append({"partner": "trondheim", "role": "associate"})
    assert codes_and_pointers(document) == [
        ("duplicate_partner", "/agreements/0/parties/2/partner")
    ]
    (finding,) = validate(document)
    assert finding.severity is Severity.ERROR
    assert "parties[0]" in finding.message


def test_two_parties_met_by_one_partner_is_reported() -> None:
    document = valid_document()
    document["agreements"][0]["parties"] = [{"partner": "ntnu"}, {"partner": "ntnu"}]
    assert codes_and_pointers(document) == [
        ("duplicate_partner", "/agreements/0/parties/1/partner")
    ]


def test_a_participant_with_a_second_role_at_the_same_time_is_an_error() -> None:
    document = valid_document()
    participants = document["projects"][0]["participants"]
    participants.append({"partner": "ntnu", "role": "research-partner"})
    assert codes_and_pointers(document) == [
        ("duplicate_partner", "/projects/0/participants/2/partner")
    ]
    (finding,) = validate(document)
    assert "participants[1] (as partner)" in finding.message


@pytest.mark.parametrize(
    ("first", "second", "repeated"),
    [
        # Leaves at the end of 2019 and rejoins in 2021: two periods apart.
        ({"start": "2019-01", "end": "2019-12"}, {"start": "2021-01"}, False),
        # Changes its role from a date: the second period starts the day after.
        ({"start": "2019-01-01", "end": "2020-06-30"}, {"start": "2020-07-01"}, False),
        # The periods share 2020.
        ({"start": "2019", "end": "2020"}, {"start": "2020-06", "end": "2021"}, True),
        # June 2019 may hold the 15th: the first may end after the second starts.
        ({"start": "2019-01", "end": "2019-06"}, {"start": "2019-06-15"}, True),
        # An uncertain end (2019?) still ends in 2019: apart from 2020.
        ({"start": "2019-01", "end": "2019?"}, {"start": "2020-01"}, False),
        # An entry without a period holds for the whole project.
        (None, {"start": "2021-01"}, True),
        # An open period overlaps anything after its start.
        ({"start": "2019-03"}, {"start": "2021-01"}, True),
        # A start not known may be any day.
        ({"start": "", "end": "2019-12"}, {"start": "2021-01"}, False),
        ({"start": "2019-01", "end": ""}, {"start": "2021-01"}, True),
    ],
)
def test_a_partner_that_leaves_and_rejoins_is_listed_once_per_period(
    first: dict[str, str] | None, second: dict[str, str], repeated: bool
) -> None:
    document = valid_document()
    participants = document["projects"][0]["participants"]
    if first is not None:
        participants[1]["period"] = first
    participants.append({"partner": "ntnu", "role": "coordinator", "period": second})
    expected = [("duplicate_partner", "/projects/0/participants/2/partner")] if repeated else []
    assert codes_and_pointers(document) == expected


def test_each_repeat_is_reported_once_against_the_first_it_overlaps() -> None:
    document = valid_document()
    document["projects"][0]["participants"] = [
        {
            "partner": "ntnu",
            "role": "coordinator",
            "period": {"start": "2019-01", "end": "2019-12"},
        },
        {"partner": "ntnu", "role": "partner", "period": {"start": "2020-01", "end": "2020-12"}},
        {"partner": "ntnu", "role": "advisor"},
        {"partner": "trondheim", "role": "partner"},
    ]
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [
        ("duplicate_partner", "/projects/0/participants/2/partner")
    ]
    assert "participants[0] (as coordinator)" in report.findings[0].message


def test_repeated_parties_are_found_across_json_lines_on_both_paths(tmp_path: Path) -> None:
    document = valid_document()
    document["agreements"][0]["parties"].append({"partner": "ntnu"})
    folder = _folder(tmp_path, document)
    fast, general = validate(folder), validate(folder, accelerate=False)
    assert fast.findings == general.findings
    assert [(f.code, f.pointer, f.line) for f in fast] == [
        ("duplicate_partner", "/parties/2/partner", 1)
    ]


# -- an SDG link given twice -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("links", "repeats"),
    [
        ([{"goal": 3, "target": "3.8"}], []),
        ([{"goal": 3, "target": "3.8"}, {"goal": 3, "target": "3.8", "role": "secondary"}], [1]),
        ([{"goal": 3}, {"goal": 3, "target": "3.8"}], []),
        ([{"goal": 3}, {"goal": 4}, {"goal": 3}], [2]),
        ([{"goal": 3}, {"goal": 3}, {"goal": 3}], [1, 2]),
        ([{"goal": 3, "target": "3.8"}, {"goal": 3, "target": "3.d"}], []),
        # Whoever made them: a link the activity declares and one an evaluator curates.
        (
            [
                {"goal": 3, "provenance": {"method": "declared"}},
                {"goal": 3, "provenance": {"method": "curated", "curator": "ntnu"}},
            ],
            [1],
        ),
    ],
)
def test_a_goal_and_target_is_linked_once_per_record(
    links: list[dict[str, Any]], repeats: list[int]
) -> None:
    document = valid_document()
    document["missions"][0]["sdg_links"] = links
    assert codes_and_pointers(document) == [
        ("duplicate_sdg_link", f"/missions/0/sdg_links/{at}") for at in repeats
    ]


def test_repeated_links_are_found_wherever_sdg_links_are() -> None:
    document = valid_document()
    twice = [{"goal": 11}, {"goal": 11}]
    for name in ("missions", "projects", "theses", "learning_activities"):
        document[name][0]["sdg_links"] = copy.deepcopy(twice)
    plan = document["agreements"][0]["action_plans"][0]
    plan["activities"][0]["sdg_links"] = copy.deepcopy(twice)
    assert sorted(codes_and_pointers(document)) == sorted(
        [
            ("duplicate_sdg_link", "/agreements/0/action_plans/0/activities/0/sdg_links/1"),
            ("duplicate_sdg_link", "/missions/0/sdg_links/1"),
            ("duplicate_sdg_link", "/projects/0/sdg_links/1"),
            ("duplicate_sdg_link", "/theses/0/sdg_links/1"),
            ("duplicate_sdg_link", "/learning_activities/0/sdg_links/1"),
        ]
    )


def test_two_activities_of_one_agreement_may_link_the_same_goal() -> None:
    document = valid_document()
    activities = document["agreements"][0]["action_plans"][0]["activities"]
    activities.append({**copy.deepcopy(activities[0]), "id": "activity-2"})
    assert activities[0]["sdg_links"] == activities[1]["sdg_links"]
    assert codes_and_pointers(document) == []


@given(
    st.lists(
        st.tuples(st.sampled_from([3, 4, 11]), st.sampled_from([None, "first", "second"])),
        max_size=6,
    )
)
def test_a_link_is_reported_exactly_when_an_earlier_one_has_its_goal_and_target(
    drawn: list[tuple[int, str | None]],
) -> None:
    targets = {3: ("3.8", "3.d"), 4: ("4.1", "4.a"), 11: ("11.2", "11.7")}
    pairs = [
        (goal, None if which is None else targets[goal][which == "second"]) for goal, which in drawn
    ]
    document = valid_document()
    document["theses"][0]["sdg_links"] = [
        {"goal": goal, **({"target": target} if target else {})} for goal, target in pairs
    ]
    repeats = [at for at, pair in enumerate(pairs) if pair in pairs[:at]]
    assert codes_and_pointers(document) == [
        ("duplicate_sdg_link", f"/theses/0/sdg_links/{at}") for at in repeats
    ]


# -- a DOI given twice -----------------------------------------------------------------------


def _output(doi: str, title: str = "A report") -> dict[str, Any]:
    return {"kind": "report", "title": {"en": title}, "doi": doi}


def test_a_doi_on_outputs_of_two_projects_is_a_warning_naming_the_first() -> None:
    document = valid_document()
    document["projects"][0]["outputs"] = [_output("10.5281/zenodo.1234567")]
    another_project(document, outputs=[_output("10.5281/ZENODO.1234567", "An article")])
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [("duplicate_doi", "/projects/1/outputs/0/doi")]
    (finding,) = report
    assert finding.severity is Severity.WARNING
    assert "project 'project'" in finding.message
    assert report.ok


def test_a_doi_on_two_outputs_of_one_project_names_the_first_output() -> None:
    document = valid_document()
    document["projects"][0]["outputs"] = [
        _output("10.1000/182"),
        _output("10.1000/183"),
        _output("10.1000/182", "The same report again"),
    ]
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [("duplicate_doi", "/projects/0/outputs/2/doi")]
    assert "outputs[0] of this project" in report.findings[0].message


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("10.1000/ABC", "10.1000/abc", True),
        ("10.1000/abc", "10.1000/abd", False),
        ("10.1000/abc", "10.10000/abc", False),
        # Only ASCII letters are compared regardless of case, as the DOI system does.
        ("10.1000/Ä", "10.1000/ä", False),
        ("10.1000/Äb", "10.1000/ÄB", True),
    ],
)
def test_dois_are_compared_regardless_of_ascii_case(first: str, second: str, same: bool) -> None:
    document = valid_document()
    document["projects"][0]["outputs"] = [_output(first)]
    another_project(document, outputs=[_output(second)])
    assert codes_and_pointers(document) == (
        [("duplicate_doi", "/projects/1/outputs/0/doi")] if same else []
    )


def test_a_doi_repeated_in_another_chunk_of_json_lines_is_found_on_both_paths(
    tmp_path: Path,
) -> None:
    document = valid_document()
    document["projects"][0]["outputs"] = [_output("10.1000/182")]
    for number in range(2, 40):
        another_project(document, id=f"project-{number}", outputs=[_output(f"10.1000/{number}")])
    another_project(document, id="project-last", outputs=[_output("10.1000/182")])
    folder = _folder(tmp_path, document)
    fast, general = validate(folder), validate(folder, accelerate=False)
    assert fast.findings == general.findings
    assert [(f.code, f.pointer, f.line) for f in fast] == [("duplicate_doi", "/outputs/0/doi", 40)]


# -- a grant number given twice --------------------------------------------------------------


def _line(grant: str = "302345", scheme: str = "rcn-project", **fields: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "funder_name": {"en": "Research Council of Norway"},
        "external": True,
        "identifiers": [{"scheme": scheme, "value": grant}],
    }
    line.update(fields)
    return line


def test_a_grant_number_of_one_funder_on_two_projects_is_a_warning_naming_the_first() -> None:
    document = valid_document()
    document["projects"][0]["funding"].append(_line())
    another_project(
        document,
        funding=[
            _line(funder_name={"nb": "Norges forskningsråd", "en": " research council OF norway"})
        ],
    )
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [
        ("duplicate_grant", "/projects/1/funding/0/identifiers/0/value")
    ]
    (finding,) = report
    assert finding.severity is Severity.WARNING
    assert "project 'project'" in finding.message


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        # A funder named in different languages only: not known to be the same.
        (_line(), _line(funder_name={"nb": "Norges forskningsråd"}), False),
        # Another funder.
        (_line(), _line(funder_name={"en": "Nordforsk"}), False),
        # The same number of another scheme.
        (_line(), _line(scheme="cristin-project"), False),
        # Another number.
        (_line(), _line(grant="302346"), False),
        # A funder partner and a funder's name: not known to be the same.
        (_line(), _line(funder="ntnu", funder_name=None), False),
        # The same funder partner.
        (
            _line(funder="ntnu", funder_name=None),
            _line(funder="ntnu", funder_name={"en": "NTNU"}),
            True,
        ),
        # One grant split among its recipients, one line each, as EU registries publish it.
        (_line(recipient="ntnu"), _line(recipient="trondheim"), False),
        (_line(recipient="ntnu"), _line(recipient="ntnu"), True),
        (_line(recipient="ntnu"), _line(), False),
    ],
)
def test_a_grant_number_is_the_same_for_one_funder_and_one_recipient(
    first: dict[str, Any], second: dict[str, Any], same: bool
) -> None:
    first, second = ({k: v for k, v in line.items() if v is not None} for line in (first, second))
    document = valid_document()
    document["projects"][0]["funding"].append(first)
    another_project(document, funding=[second])
    expected = [("duplicate_grant", "/projects/1/funding/0/identifiers/0/value")] if same else []
    assert codes_and_pointers(document) == expected


def test_a_grant_number_twice_in_one_project_names_the_first_line() -> None:
    document = valid_document()
    funding = document["projects"][0]["funding"]
    funding += [_line(recipient="ntnu"), _line(recipient="trondheim"), _line(recipient="ntnu")]
    report = validate(document)
    assert [(f.code, f.pointer) for f in report] == [
        ("duplicate_grant", "/projects/0/funding/3/identifiers/0/value")
    ]
    assert "funding[1] of this project" in report.findings[0].message


def test_a_line_that_gives_its_own_number_twice_repeats_no_other_line() -> None:
    document = valid_document()
    line = _line()
    line["identifiers"] *= 2
    document["projects"][0]["funding"].append(line)
    assert codes_and_pointers(document) == []


def test_grant_numbers_of_many_projects_are_found_on_both_paths(tmp_path: Path) -> None:
    document = valid_document()
    for number in range(2, 30):
        another_project(
            document, id=f"project-{number}", funding=[_line(grant=f"{300000 + number}")]
        )
    another_project(document, id="project-eu", funding=[_line(grant="300007")])
    folder = _folder(tmp_path, document)
    fast, general = validate(folder), validate(folder, accelerate=False)
    assert fast.findings == general.findings
    (finding,) = fast
    assert (finding.code, finding.line) == ("duplicate_grant", 30)
    assert "project 'project-7'" in finding.message


# -- helpers ---------------------------------------------------------------------------------


def _folder(tmp_path: Path, document: dict[str, Any]) -> Path:
    """Write ``document`` as a dataset folder of JSON Lines files, one record a line."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    metadata = {key: value for key, value in document.items() if key not in COLLECTIONS}
    (folder / "dataset.json").write_text(json.dumps(metadata), encoding="utf-8")
    for name in COLLECTIONS:
        lines = [json.dumps(record, ensure_ascii=False) for record in document.get(name, [])]
        (folder / f"{name}.jsonl").write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return folder


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [("10.1000/ABC", "10.1000/abc", True), ("10.1000/Ä", "10.1000/ä", False)],
)
def test_doi_identifiers_of_two_records_are_compared_regardless_of_ascii_case(
    first: str, second: str, same: bool
) -> None:
    document = valid_document()
    document["projects"][0]["identifiers"] = [{"scheme": "doi", "value": first}]
    another_project(document, identifiers=[{"scheme": "doi", "value": second}])
    assert codes_and_pointers(document) == (
        [("duplicate_record", "/projects/1/identifiers/0/value")] if same else []
    )

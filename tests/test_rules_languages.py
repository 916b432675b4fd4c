"""Languages: tags of BCP 47 form, and required texts in every declared language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import valid_document
from unikommune import validate
from unikommune.models.values import LANGUAGE_TAG_PATTERN
from unikommune.rules.languages import required_texts


@pytest.mark.parametrize(
    "tag", ["nb", "nn", "se", "sma", "en-GB", "sr-Latn-RS", "es-419", "de-CH-1901", "zh-yue"]
)
def test_well_formed_tags_match(tag: str) -> None:
    assert re.fullmatch(LANGUAGE_TAG_PATTERN, tag)


@pytest.mark.parametrize(
    "tag", ["english", "EN", "en_GB", "e", "en-", "en--GB", "x-private", "en-Latn-Latn", "nb-NO-"]
)
def test_malformed_tags_do_not_match(tag: str) -> None:
    assert not re.fullmatch(LANGUAGE_TAG_PATTERN, tag)


def test_a_malformed_key_of_a_text_is_invalid_language_with_a_suggestion() -> None:
    document = valid_document()
    document["projects"][0]["title"] = {"EN": "A project"}
    (finding,) = validate(document).findings
    assert (finding.code, finding.pointer) == ("invalid_language", "/projects/0/title/EN")
    assert "did you mean 'en'?" in finding.message


def test_the_required_texts_are_read_from_the_models() -> None:
    assert [str(path) for path in required_texts("missions")] == ["title", "challenge"]
    assert "governance[].name" in [str(path) for path in required_texts("agreements")]
    assert "action_plans[].activities[].title" in [
        str(path) for path in required_texts("agreements")
    ]
    # An optional text is not required: a mission's description is not among them.
    assert "description" not in [str(path) for path in required_texts("missions")]
    assert [str(path) for path in required_texts("dataset")] == [
        "title",
        "description",
        "publisher.name",
    ]


def test_every_required_text_without_a_declared_language_is_a_warning() -> None:
    document = valid_document()
    document["languages"] = ["en", "nb"]
    # Hand-counted: the required texts of the base document, each in English only.
    report = validate(document)
    places = sorted(f.pointer for f in report)
    assert {f.code for f in report} == {"missing_language"}
    assert report.ok
    assert places == sorted(
        [
            "/title",
            "/description",
            "/partners/0/name",
            "/partners/1/name",
            "/partners/2/name",
            "/agreements/0/title",
            "/agreements/0/governance/0/name",
            "/agreements/0/action_plans/0/title",
            "/agreements/0/action_plans/0/activities/0/title",
            "/missions/0/title",
            "/missions/0/challenge",
            "/projects/0/title",
            "/placements/0/programme",
            "/theses/0/title",
            "/learning_activities/0/title",
        ]
    )
    assert "has no nb (it has en)" in report.findings[0].message


def test_an_optional_text_and_a_publisher_named_by_id_are_not_checked() -> None:
    document = valid_document()
    document["missions"][0]["description"] = {"nb": "Bare på bokmål"}
    assert document["publisher"] == "trondheim"
    assert validate(document).findings == []


def test_a_publisher_of_its_own_is_checked() -> None:
    document = valid_document()
    document["publisher"] = {"name": {"nb": "Utgiveren"}}
    (finding,) = validate(document).findings
    assert (finding.code, finding.pointer) == ("missing_language", "/publisher/name")


def test_without_valid_metadata_no_language_is_declared(tmp_path: Path) -> None:
    document = valid_document()
    document["languages"] = ["en_GB"]
    document["theses"][0]["title"] = {"nb": "En oppgave"}
    assert [f.code for f in validate(document)] == ["invalid_language"]


def test_json_lines_records_are_checked_against_the_metadata(tmp_path: Path) -> None:
    document = valid_document()
    document["languages"] = ["en"]
    document["placements"][0]["programme"] = {"nb": "Sykepleie"}
    metadata = {key: value for key, value in document.items() if key != "placements"}
    (tmp_path / "dataset.json").write_text(json.dumps(metadata), encoding="utf-8")
    lines = [json.dumps(document["placements"][0])] + [
        json.dumps({**document["placements"][0], "id": f"p{n}", "programme": {"en": "N"}})
        for n in range(20)
    ]
    (tmp_path / "placements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for accelerate in (True, False):
        report = validate(tmp_path, accelerate=accelerate)
        assert [(f.code, f.line, f.pointer) for f in report] == [
            ("missing_language", 1, "/programme")
        ]

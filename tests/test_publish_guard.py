"""The privacy guard before every export: personal data refused, small counts hidden."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unikommune
from conftest import EXAMPLES, valid_document
from unikommune.cli import main
from unikommune.errors import PersonalDataError, TableError
from unikommune.findings import Severity
from unikommune.models import Dataset
from unikommune.privacy import identity_number_kind
from unikommune.publish.export import export
from unikommune.publish.guard import guard
from unikommune.suppression import SuppressionReason

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _new_rule_number() -> str:
    """Return a number valid only under the 2032 rules: first check remainder 1 to 3."""
    for last in range(1000):
        value = f"130972{last:03d}"
        for first in range(10):
            body = [int(d) for d in value + str(first)]
            r1 = sum(w * d for w, d in zip(_W1, body, strict=True)) % 11
            for second in range(10):
                digits = [*body, second]
                if (
                    r1 in (1, 2, 3)
                    and sum(w * d for w, d in zip(_W2, digits, strict=True)) % 11 == 0
                ):
                    return "".join(map(str, digits))
    raise AssertionError("no number found")  # pragma: no cover


NEW_RULE = _new_rule_number()
PLANTED = {
    "13097248022": "personal_identity_number",  # before 2032
    NEW_RULE: "personal_identity_number",  # from 2032
    "53097248016": "personal_identity_number",  # a D-number
    "kari.nordmann@ntnu.no": "personal_email",
    "tlf. 912 34 567": "personal_phone",
}


def _placement(name: str, students: Any, year: int = 2023) -> dict[str, Any]:
    document = valid_document()
    return {
        "id": name,
        "programme": {"en": "Nursing"},
        "field": "health",
        "level": "bachelor",
        "institution": document["partners"][0]["id"],
        "host": document["partners"][1]["id"],
        "year": year,
        "students": students,
    }


def _with(**collections: list[dict[str, Any]]) -> Dataset:
    document = valid_document()
    document.update(collections)
    return Dataset.model_validate(document)


def test_the_new_rule_number_is_one() -> None:
    assert identity_number_kind(NEW_RULE) is not None


def test_clean_examples_have_no_findings() -> None:
    for name in ("trondheim", "nordlysfjord", "regional"):
        guarded = guard(unikommune.load(EXAMPLES / name))
        assert (guarded.findings, guarded.suppressed) == ([], [])


@settings(max_examples=10, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(PLANTED)), min_size=1, max_size=4),
    st.sampled_from(["Om prosjektet: ", "Contact ", "", "Se "]),
)
def test_every_planted_value_is_found(planted: list[str], lead: str) -> None:
    document = valid_document()
    project = document["projects"][0]
    project["summary"] = {"en": lead + " og ".join(planted) + "."}
    guarded = guard(Dataset.model_validate(document))
    found = [(finding.code, finding.pointer) for finding in guarded.findings]
    assert found == [(PLANTED[value], "/projects/0/summary/en") for value in planted]
    assert guarded.blocked == any(PLANTED[value] != "personal_phone" for value in planted)


def test_organisation_contacts_and_numbers_are_not_persons() -> None:
    document = valid_document()
    document["projects"][0]["summary"] = {
        "en": "Write to postmottak@trondheim.kommune.no or call the switchboard 73 83 00 00; "
        "grant 2023-2024, organisation 974760673, project number 12345678, "
        "from 2019-08-14, kr 25000000."
    }
    guarded = guard(Dataset.model_validate(document), exempt=["+47 73 83 00 00"])
    assert guarded.findings == []


def test_small_counts_are_hidden_with_secondary_suppression() -> None:
    placements = [_placement("a", 1), _placement("b", 5), _placement("c", 40)]
    figure = {
        "id": "placed-2023",
        "measure": "students-placed",
        "partner": placements[0]["host"],
        "period": {"start": "2023", "end": "2023"},
        "value": 46,
        "unit": "count",
    }
    guarded = guard(_with(placements=placements, figures=[figure]))
    assert [(item.pointer, item.reason) for item in guarded.suppressed] == [
        ("/placements/0/students", SuppressionReason.PRIMARY),
        ("/placements/1/students", SuppressionReason.SECONDARY),
    ]
    hidden = guarded.dataset.placements
    assert hidden[0].students.model_dump(exclude_none=True) == {"min": 1, "max": 2}  # type: ignore[union-attr]
    assert hidden[1].students.model_dump(exclude_none=True) == {"min": 3}  # type: ignore[union-attr]
    assert hidden[2].students == 40
    # The dataset given is left as it was; the copy with the counts hidden is made once.
    assert [placement.students for placement in guarded.given.placements] == [1, 5, 40]
    assert guarded.dataset is guarded.dataset
    assert {finding.code for finding in guarded.findings} == {"small_count"}
    assert not guarded.blocked


def test_minimum_cell_size_is_an_option() -> None:
    dataset = _with(placements=[_placement("a", 4), _placement("b", {"max": 2})])
    assert [item.pointer for item in guard(dataset).suppressed] == ["/placements/1/students"]
    assert len(guard(dataset, minimum=5).suppressed) == 2
    assert guard(dataset, minimum=1).suppressed == []
    with pytest.raises(TableError):
        guard(dataset, minimum=0)


def test_export_refuses_personal_data_unless_told(tmp_path: Path) -> None:
    document = valid_document()
    document["projects"][0]["summary"] = {"en": "fnr 13097248022"}
    dataset = Dataset.model_validate(document)
    with pytest.raises(PersonalDataError) as caught:
        export(dataset, tmp_path / "p", "csv")
    assert [finding.code for finding in caught.value.findings] == ["personal_identity_number"]
    assert caught.value.findings[0].severity is Severity.ERROR
    assert "13097248022" not in str(caught.value.findings[0])
    assert not (tmp_path / "p").exists()
    done = export(dataset, tmp_path / "p", "csv", not_personal=True)
    assert done.files


def test_export_notes_what_it_hid(tmp_path: Path) -> None:
    dataset = _with(placements=[_placement("a", 2), _placement("b", 9)])
    done = export(dataset, tmp_path / "p", "csv")
    package = json.loads((tmp_path / "p" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["unikommune:suppressed"] == [
        {
            "pointer": "/placements/0/students",
            "reason": "primary",
            "published_as": {"min": 1, "max": 2},
            "group": [],
        }
    ]
    assert done.notes == package["unikommune:suppressed"]
    with (tmp_path / "p" / "placements.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(row["students"], row["students.min"], row["students.max"]) for row in rows] == [
        ("", "1", "2"),
        ("9", "", ""),
    ]
    export(dataset, tmp_path / "b.xlsx", "xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "b.xlsx", read_only=True)
    assert "suppressed" in book.sheetnames
    book.close()


def test_export_command_refuses_and_is_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = valid_document()
    document["partners"][0]["description"] = {"en": "Mail kari.nordmann@ntnu.no"}
    source = tmp_path / "dataset.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    assert main(["export", str(source), "-o", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "personal_email" in err
    assert "kari.nordmann" not in err
    assert main(["export", str(source), "-o", str(tmp_path / "p"), "--not-personal"]) == 0
    assert main(["export", str(source), "-o", str(tmp_path / "q"), "--min-cell", "0"]) == 2

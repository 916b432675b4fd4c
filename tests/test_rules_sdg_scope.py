"""The agreements' SDG rule applies to the records of that agreement within its period."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import EXAMPLES
from unikommune import validate

BASE = EXAMPLES / "invalid" / "sdg_link_required.json"


def document() -> dict[str, Any]:
    """Return the example: agreement trd30 (2018 to 2021) requires links of every kind."""
    found: dict[str, Any] = json.loads(BASE.read_text(encoding="utf-8"))
    return found


def sdg_findings(doc: dict[str, Any]) -> list[str]:
    return [f.pointer for f in validate(doc) if f.code == "sdg_link_required"]


def test_a_thesis_of_the_agreement_within_its_period_needs_a_link() -> None:
    assert sdg_findings(document()) == ["/theses/0"]


def test_a_thesis_of_no_agreement_is_not_bound_by_its_rule() -> None:
    doc = document()
    del doc["theses"][0]["agreement"]
    assert sdg_findings(doc) == []


@pytest.mark.parametrize(
    ("year", "bound"),
    [
        (2021, True),  # the agreement's last year
        (2022, False),  # a later period
        (2017, False),  # an earlier one
        ("2022?", False),  # uncertain, but no day of 2022 is in 2018-2021
        ("[2017,2021]", True),  # may be 2021
        ("202X", True),  # may be 2020 or 2021
    ],
)
def test_a_thesis_outside_the_agreements_period_is_not_bound(year: Any, bound: bool) -> None:
    doc = document()
    doc["theses"][0]["year"] = year
    assert sdg_findings(doc) == (["/theses/0"] if bound else [])


def test_the_rule_of_one_agreement_never_binds_records_of_another() -> None:
    doc = document()
    other = {
        **doc["agreements"][0],
        "id": "trd40",
        "rules": [],
        "action_plans": [],
        "governance": [],
        "period": {"start": "2022", "end": "2025"},
    }
    doc["agreements"].append(other)
    doc["theses"][0]["agreement"] = "trd40"
    doc["theses"][0]["year"] = 2020  # within trd30's period, but of trd40
    doc["projects"][0]["agreement"] = "trd40"
    del doc["projects"][0]["sdg_links"]
    assert sdg_findings(doc) == []


def test_a_project_is_bound_when_its_period_may_share_a_day_with_the_agreement() -> None:
    doc = document()
    del doc["projects"][0]["sdg_links"]
    doc["projects"][0]["period"] = {"start": "2021-12", "end": "2023"}
    assert sdg_findings(doc) == ["/projects/0", "/theses/0"]
    doc["projects"][0]["period"] = {"start": "2022-01", "end": "2023"}
    assert sdg_findings(doc) == ["/theses/0"]


def test_a_learning_activity_without_a_period_is_bound() -> None:
    doc = document()
    doc["learning_activities"][0]["agreement"] = "trd30"
    del doc["learning_activities"][0]["sdg_links"]
    assert doc["learning_activities"][0].get("period") is None
    assert sdg_findings(doc) == ["/theses/0", "/learning_activities/0"]


def test_an_activity_of_the_agreement_is_bound_within_its_period_only() -> None:
    doc = document()
    activity = doc["agreements"][0]["action_plans"][0]["activities"][0]
    del activity["sdg_links"]
    assert sdg_findings(doc) == ["/agreements/0/action_plans/0/activities/0", "/theses/0"]
    activity["period"] = {"start": "2022", "end": "2023"}
    assert sdg_findings(doc) == ["/theses/0"]

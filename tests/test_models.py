"""The models: round trips, strictness, and the rules JSON Schema cannot state."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import unikommune
from conftest import SLOW, WHOLE, WHOLE_DOCUMENTS
from strategies import SCHEMAS, documents
from unikommune.models import COLLECTIONS, Dataset, Record, SdgLink
from unikommune.models.values import Identifier, Period, Timeframe, date_bounds
from unikommune.schema import SCHEMA_FILES

RECORD_FILES = [name for name in SCHEMA_FILES if name not in WHOLE_DOCUMENTS]


@pytest.mark.slow
@SLOW
@pytest.mark.parametrize("name", RECORD_FILES)
@given(data=st.data())
def test_every_model_round_trips(name: str, data: Any) -> None:
    _round_trips(name, data)


@pytest.mark.slow
@WHOLE
@pytest.mark.parametrize("name", WHOLE_DOCUMENTS)
@given(data=st.data())
def test_whole_documents_round_trip(name: str, data: Any) -> None:
    _round_trips(name, data)


def _round_trips(name: str, data: Any) -> None:
    model = SCHEMA_FILES[name]
    document = data.draw(documents(name))
    instance = model.model_validate(document)
    text = instance.model_dump_json(by_alias=True)
    again = model.model_validate(json.loads(text))
    assert again == instance
    assert model.model_validate_json(text) == instance


def test_collections_cover_every_record_schema() -> None:
    # Profiles, criteria sets and reports are documents of their own, not records.
    record_models = {
        SCHEMA_FILES[name] for name in RECORD_FILES if issubclass(SCHEMA_FILES[name], Record)
    }
    assert set(COLLECTIONS.values()) == record_models


MINIMAL_PROJECT: dict[str, Any] = {
    "id": "p1",
    "title": {"nb": "Prosjekt"},
    "kinds": ["research"],
    "status": "active",
    "period": {"start": "2019"},
    "participants": [{"partner": "tk", "role": "coordinator"}],
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**MINIMAL_PROJECT, **changes}


def test_minimal_project_is_valid() -> None:
    assert unikommune.Project.model_validate(MINIMAL_PROJECT).id == "p1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 5),
        ("id", " spaced"),
        ("title", {}),
        ("title", {"NB": "upper-case tag"}),
        ("title", {"nb": ""}),
        ("kinds", []),
        ("kinds", ["research", "research"]),
        ("kinds", ["basic-science"]),
        ("status", "Active"),
        ("period", {"start": "2019-13"}),
        ("period", {"start": "2019-02-29"}),
        ("period", {"start": 2019}),
        ("participants", []),
        ("unknown_field", 1),
    ],
)
def test_project_rejects(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        unikommune.Project.model_validate(_with(**{field: value}))


def test_numbers_are_not_coerced_from_strings() -> None:
    placement = {
        "id": "pl1",
        "programme": {"nb": "Sykepleie"},
        "field": "health",
        "level": "bachelor",
        "institution": "ntnu",
        "host": "tk",
        "year": 2023,
        "students": 5,
    }
    assert unikommune.Placement.model_validate(placement).students == 5
    for field, value in [
        ("students", "5"),
        ("students", 5.0),
        ("students", True),
        ("year", "2023"),
    ]:
        with pytest.raises(ValidationError):
            unikommune.Placement.model_validate({**placement, field: value})
    with pytest.raises(ValidationError):
        unikommune.Placement.model_validate({**placement, "students": -1})


def test_floats_reject_nan_and_infinity() -> None:
    with pytest.raises(ValidationError):
        unikommune.Money.model_validate({"amount": float("nan"), "currency": "NOK"})
    with pytest.raises(ValidationError):
        unikommune.Money.model_validate({"amount": float("inf"), "currency": "NOK"})


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        ("2018", "2022", True),
        ("2018", "2018", True),
        ("2018-06", "2018", True),  # the end year covers June
        ("2018-06-14", "2018-06", True),
        ("2019", "2018-12-31", False),
        ("2018-06-14", "2018-06-13", False),
        ("2018-07", "2018-06", False),
    ],
)
def test_period_end_not_before_start(start: str, end: str, valid: bool) -> None:
    if valid:
        assert Period(start=start, end=end).end == end
    else:
        with pytest.raises(ValidationError, match="ends"):
            Period(start=start, end=end)


def test_open_period_and_required_timeframe_end() -> None:
    assert Period(start="2018").bounds()[1] is None
    with pytest.raises(ValidationError):
        Timeframe.model_validate({"start": "2018"})


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        ("2018", ("2018-01-01", "2018-12-31")),
        ("2020-02", ("2020-02-01", "2020-02-29")),
        ("2100-02", ("2100-02-01", "2100-02-28")),
        ("2000-02-29", ("2000-02-29", "2000-02-29")),
    ],
)
def test_date_bounds(value: str, bounds: tuple[str, str]) -> None:
    first, last = date_bounds(value)
    assert (first.isoformat(), last.isoformat()) == bounds


@pytest.mark.parametrize(
    "value", ["1900-02-29", "2019-02-29", "2018-04-31", "2018-00", "18", "2018-1"]
)
def test_impossible_dates_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        Period(start=value)


@pytest.mark.parametrize(
    ("goal", "target", "valid"),
    [(11, "11.2", True), (4, "4.a", True), (3, "3.d", True), (17, "17.19", True),
     (3, "11.2", False), (3, "3.e", False), (17, "17.20", False),
     (18, None, False), (0, None, False)],
)  # fmt: skip
def test_sdg_target_belongs_to_goal(goal: int, target: str | None, valid: bool) -> None:
    document = {"goal": goal, "target": target}
    if valid:
        assert SdgLink.model_validate(document).goal == goal
    else:
        with pytest.raises(ValidationError):
            SdgLink.model_validate(document)


def test_suggested_sdg_link_names_tool_version_and_confidence() -> None:
    suggested = {
        "method": "suggested",
        "tool": "classifier",
        "tool_version": "1.2",
        "confidence": 0.8,
    }
    assert SdgLink.model_validate({"goal": 4, "provenance": suggested}).provenance is not None
    for missing in ("tool", "tool_version", "confidence"):
        partial = {key: value for key, value in suggested.items() if key != missing}
        with pytest.raises(ValidationError, match=missing):
            SdgLink.model_validate({"goal": 4, "provenance": partial})


def test_funding_names_a_funder() -> None:
    with pytest.raises(ValidationError, match="funder"):
        unikommune.Funding.model_validate({"external": True})
    assert unikommune.Funding.model_validate({"funder_name": {"en": "EU"}, "external": True})


def test_identifiers_are_checked() -> None:
    assert Identifier(scheme="no-orgnr", value="974767880").value == "974767880"
    with pytest.raises(ValidationError, match="mod 11"):
        Identifier(scheme="no-orgnr", value="974767881")


def test_agreement_needs_two_parties() -> None:
    agreement = {
        "id": "a",
        "title": {"nb": "Avtale"},
        "parties": [{"partner": "tk"}],
        "period": {"start": "2018"},
    }
    with pytest.raises(ValidationError):
        unikommune.Agreement.model_validate(agreement)
    agreement["parties"].append({"partner": "ntnu", "role": "party"})
    assert len(unikommune.Agreement.model_validate(agreement).parties) == 2


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties", {}))
        for value in node.values():
            names |= _property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _property_names(value)
    return names


def test_no_record_has_a_field_for_personal_data() -> None:
    tokens = ("name", "person", "student_id", "email", "birth", "ssn", "fodselsnummer", "orcid")
    for file in ("placement.json", "thesis.json", "learning-activity.json"):
        names = _property_names(SCHEMAS[file])
        assert names, file
        assert not [name for name in names if any(token in name for token in tokens)], file


def test_dataset_profile_defaults_to_trd30() -> None:
    dataset = Dataset.model_validate(
        {
            "$schema": unikommune.schema_id("dataset"),
            "title": {"en": "T"},
            "description": {"en": "D"},
            "publisher": "tk",
            "license": "CC-BY-4.0",
            "languages": ["en"],
            "modified": "2026-11-27",
        }
    )
    assert dataset.effective_profile.id == "trd3.0"
    assert dataset.effective_profile.thematic_area_codes() == {
        "upbringing", "health", "urban-development", "innovation", "smart-city",
    }  # fmt: skip
    assert dataset.schema_version == unikommune.FORMAT_VERSION


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        ("2021?", "2021-03~", True),  # March may come after the start
        ("[2021,2022]", "2021-06", True),  # the start may be 2021
        ("2022%", "2021", False),  # certainly before
        ("", "2020", True),  # unknown start: never certainly reversed
        ("..", "2020", True),  # no start
        ("2021", "", True),  # unknown end
        ("201X", "2015", True),  # 2010..2019 may come before 2015
        ("202X", "2019", False),
    ],
)
def test_uncertain_periods_are_refused_only_when_certainly_reversed(
    start: str, end: str, valid: bool
) -> None:
    if valid:
        assert Period(start=start, end=end).end == end
    else:
        with pytest.raises(ValidationError, match="ends"):
            Period(start=start, end=end)


def test_bounds_of_uncertain_periods_are_the_earliest_and_latest_days() -> None:
    first, last = Period(start="[2019-03,2020]", end="2021~").bounds()
    assert (first.isoformat() if first else None, last.isoformat() if last else None) == (
        "2019-03-01",
        "2021-12-31",
    )
    assert Period(start="", end="..").bounds() == (None, None)
    assert Period(start="2019", end="2020").overlaps_year(2020)
    assert Period(start="", end="2020").overlaps_year(1999)  # may have started then


def test_a_timeframe_has_an_end_that_may_be_unknown() -> None:
    assert Timeframe(start="2020", end="").end == ""
    with pytest.raises(ValidationError, match="has an end"):
        Timeframe(start="2020", end="..")


def _placement(**changes: Any) -> dict[str, Any]:
    return {
        "id": "p1",
        "programme": {"nb": "Sykepleie"},
        "field": "health",
        "level": "bachelor",
        "institution": "ntnu",
        "host": "tk",
        "year": 2021,
        "students": 12,
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        ({"students": {"about": 3000}}, True),
        ({"students": {"min": 8, "max": 12}}, True),
        ({"students": {"min": 8}}, True),
        ({"students": {}}, False),
        ({"students": {"min": 12, "max": 8}}, False),
        ({"students": {"about": 3.5}}, False),  # a count is a whole number
        ({"students": "12"}, False),
        ({"year": "2021?"}, True),
        ({"year": "[2020,2021]"}, True),
        ({"year": "2021"}, False),  # an exact year is a number
        ({"year": "2021-03"}, False),
    ],
)
def test_counts_and_years_as_known(changes: dict[str, Any], valid: bool) -> None:
    from unikommune.models import Placement

    if valid:
        placement = Placement.model_validate(_placement(**changes))
        assert json.loads(placement.model_dump_json(exclude_none=True)) == _placement(**changes)
    else:
        with pytest.raises(ValidationError):
            Placement.model_validate(_placement(**changes))


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("P1Y", True),
        ("P6M", True),
        ("P3M2W", True),
        ("P30D", True),
        ("P", False),
        ("1Y", False),
        ("P1.5Y", False),
        ("PT1H", False),
    ],
)
def test_durations_are_iso_8601_in_days_or_longer(value: str, valid: bool) -> None:
    from pydantic import TypeAdapter

    from unikommune.models.values import Duration

    adapter: TypeAdapter[str] = TypeAdapter(Duration)
    if valid:
        assert adapter.validate_python(value) == value
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_a_partner_abroad_has_an_iso_country() -> None:
    from unikommune.models import Partner

    base = {"id": "x", "name": {"en": "X"}, "kind": "company", "sector": "industry"}
    assert Partner.model_validate({**base, "country": "SE"}).country == "SE"
    for wrong in ("se", "XX", "SWE"):
        with pytest.raises(ValidationError):
            Partner.model_validate({**base, "country": wrong})

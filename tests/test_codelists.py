"""Codelists: the enums, the shipped data and the published schemas never disagree."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from conftest import SCHEMAS
from unikommune import codelists
from unikommune.codelists import ENUMS, SDG_TARGETS, UnknownCodeError, get, names, sdg_goal_of


def _schema_enums() -> dict[str, list[str]]:
    """Return the enum of every named definition in every published schema."""
    found: dict[str, list[str]] = {}
    for path in SCHEMAS.glob("*.json"):
        for name, definition in (
            json.loads(path.read_text(encoding="utf-8")).get("$defs", {}).items()
        ):
            if "enum" in definition:
                assert found.setdefault(name, definition["enum"]) == definition["enum"], name
    return found


def test_every_enum_has_a_codelist_with_the_same_codes_in_order() -> None:
    for name, enum in ENUMS.items():
        assert get(name).values() == tuple(member.value for member in enum), name


def test_every_codelist_is_an_enum_an_sdg_list_or_the_currencies() -> None:
    assert set(names()) == set(ENUMS) | {"sdg-goal", "sdg-target", "currency"}


def test_the_currencies_are_iso_4217_codes_in_order() -> None:
    currencies = get("currency")
    assert currencies.values() == codelists.CURRENCY_CODES
    assert list(codelists.CURRENCY_CODES) == sorted(codelists.CURRENCY_CODES)
    common = {"NOK", "EUR", "SEK", "DKK", "USD", "GBP", "ISK", "XCG", "ZWG"}
    assert common <= set(currencies.values())
    # No amount is in a test currency or in "no currency".
    assert not {"XTS", "XXX"} & set(currencies.values())
    assert all(len(code) == 3 and code.isupper() for code in currencies.values())
    assert currencies["NOK"].title["en"] == "Norwegian Krone"


def test_schema_enums_are_the_codelists() -> None:
    by_class = {enum.__name__: enum for enum in ENUMS.values()}
    schema_enums = _schema_enums()
    assert schema_enums, "the schemas define no enums"
    for name, values in schema_enums.items():
        assert name in by_class, f"schema enum {name} has no codelist"
        assert values == [member.value for member in by_class[name]], name


def test_sdg_target_enum_in_schemas_is_the_codelist() -> None:
    schema = json.loads((SCHEMAS / "project.json").read_text(encoding="utf-8"))
    target = schema["$defs"]["SdgLink"]["properties"]["target"]["anyOf"][0]
    assert target["enum"] == list(SDG_TARGETS)


@pytest.mark.parametrize("name", names())
def test_every_code_has_titles_and_descriptions_in_bokmal_and_english(name: str) -> None:
    codelist = get(name)
    assert codelist.id == name
    assert set(codelist.title) >= {"nb", "en"}
    codes = codelist.values()
    assert len(set(codes)) == len(codes)
    for code in codelist.codes:
        for language in ("nb", "en"):
            assert code.title.get(language), (name, code.code, language)
            assert code.description.get(language), (name, code.code, language)


def test_seventeen_goals_with_short_names() -> None:
    goals = get("sdg-goal")
    assert goals.values() == tuple(str(number) for number in range(1, 18))
    assert goals["11"].title["en"] == "Sustainable cities and communities"
    assert goals["1"].title["nb"] == "Utrydde fattigdom"
    assert goals.source is not None
    assert "A/RES/70/1" in goals.source["en"]
    assert goals.version


def test_one_hundred_and_sixty_nine_targets() -> None:
    assert len(SDG_TARGETS) == 169
    per_goal = Counter(sdg_goal_of(target) for target in SDG_TARGETS)
    # Numbered plus lettered targets per goal, from A/RES/70/1.
    assert per_goal == {
        1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8,
        10: 10, 11: 10, 12: 11, 13: 5, 14: 10, 15: 12, 16: 12, 17: 19,
    }  # fmt: skip
    assert {"3.d", "4.a", "11.2", "17.19"} <= set(SDG_TARGETS)
    assert "3.e" not in SDG_TARGETS
    targets = get("sdg-target")
    assert targets.values() == SDG_TARGETS
    assert all(entry.extra["goal"] == entry.code.split(".")[0] for entry in targets.codes)


def test_lookups_raise_for_unknown_names() -> None:
    with pytest.raises(UnknownCodeError, match="no codelist named 'colours'"):
        get("colours")
    with pytest.raises(KeyError):
        get("helix-sector")["government"]
    with pytest.raises(UnknownCodeError):
        sdg_goal_of("18.1")
    assert "academia" in get("helix-sector")
    assert "government" not in get("helix-sector")
    assert len(get("helix-sector")) == 4


def test_codelists_module_is_exposed_on_the_package() -> None:
    import unikommune

    assert unikommune.codelists is codelists
    sector: Any = codelists.HelixSector("civil-society")
    assert sector is codelists.HelixSector.CIVIL_SOCIETY

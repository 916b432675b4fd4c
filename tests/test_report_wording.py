"""The report's Norwegian wording of the assessment: reasons, statuses, units and periods."""

from __future__ import annotations

from typing import Any

import pytest

import unikommune
from conftest import EXAMPLES
from unikommune.evaluation.assess import assess
from unikommune.evaluation.criteria import default_criteria
from unikommune.evaluation.report import build_report, render
from unikommune.evaluation.wording import period, reason, unit

#: English words that only an untranslated reason would hold.
ENGLISH = (" wants ", " over ", " has no data", "agreement", "criteria are met", "not reached")


@pytest.fixture(scope="module")
def reasons() -> list[str]:
    found: list[str] = []
    for name in ("trondheim", "regional", "nordlysfjord"):
        result = assess(unikommune.load(EXAMPLES / name), default_criteria())
        found += result.maturity_reasons
        found += [why for item in result for why in item.reasons]
    return found


def test_every_reason_of_the_examples_has_norwegian_words(reasons: list[str]) -> None:
    assert len(reasons) > 30
    for why in reasons:
        worded = reason(why, "nb")
        assert worded != why
        assert not any(word in worded for word in ENGLISH), worded


def test_english_is_left_as_it_is_but_for_one_criterion(reasons: list[str]) -> None:
    expected = [
        why.replace("all 1 criteria are met", "its one criterion is met") for why in reasons
    ]
    assert [reason(why, "en") for why in reasons] == expected
    assert reason("1.0: all 1 criteria are met", "en") == "1.0: its one criterion is met"


@pytest.mark.parametrize(
    ("english", "norwegian"),
    [
        (
            "theses over 2019, 2020, 2021: 6; wants sum >= 10 count",
            "Oppgaver med kommunens data i 2019, 2020, 2021: 6; krav: sum ≥ 10",
        ),
        (
            "sdg_linked_share over 2021: 100; wants last >= 90 percent",
            "Andel aktiviteter med bærekraftsmål i 2021: 100; krav: siste ≥ 90 prosent",
        ),
        ("theses has no data", "Oppgaver med kommunens data: ingen data"),
        (
            "an agreement is in force, but whether it is in force on 2024-05-01 depends on "
            "an uncertain date",
            "en avtale gjelder, men om den gjelder per 2024-05-01 avhenger av en usikker dato",
        ),
        (
            "an agreement runs open-ended or at least 4 years, but whether it is in force on "
            "2024-05-01 depends on an uncertain date",
            "en avtale løper uten sluttdato eller i minst 4 år, men om den gjelder per "
            "2024-05-01 avhenger av en usikker dato",
        ),
        (
            "no agreement in force on 2024-05-01: the SDG rule is in force",
            "ingen avtale som gjelder per 2024-05-01: regelen om bærekraftsmålene gjelder",
        ),
        (
            "2.0 not reached: theses (not met), joint-project "
            "(depends on an uncertain date or an approximate figure)",
            "2.0 ikke nådd: theses (ikke oppfylt), joint-project (avhenger av usikre data)",
        ),
        ("1.0: all 1 criteria are met", "1.0: kriteriet er oppfylt"),
        (
            "no document mentions evaluering or evaluation",
            "ingen dokumenter nevner evaluering eller evaluation",
        ),
        (
            "projects cover 2 thematic areas of 3",
            "prosjektene dekker 2 tematiske områder (krav: 3)",
        ),
        ("something new the assessment says", "something new the assessment says"),
    ],
)
def test_reason_by_hand(english: str, norwegian: str) -> None:
    assert reason(english, "nb") == norwegian


def test_units_and_periods() -> None:
    assert unit("count", "nb") == unit("count", "en") == ""
    assert (unit("percent", "nb"), unit("percent", "en")) == ("prosent", "percent")
    assert unit("NOK", "nb") == "NOK"
    assert (period("undated", "nb"), period("undated", "en")) == ("udatert", "undated")
    assert period("2023/2024", "nb") == "2023/2024"


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_norwegian_report_gives_its_reasons_in_norwegian(fmt: str) -> None:
    dataset: Any = unikommune.load(EXAMPLES / "regional")
    written = render(build_report([dataset], lang="nb", network=False), fmt)
    assert "krav: gjennomsnitt ≥ 50" in written
    assert "wants" not in written
    assert "udatert" in written or "undated" not in written

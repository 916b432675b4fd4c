"""The words of the assessment: reasons as codes worded per language, statuses, units, periods."""

from __future__ import annotations

import doctest
import importlib
import re
import string
from typing import Any, get_args

import pytest

import unikommune
from conftest import EXAMPLES, ROOT
from unikommune.errors import EvaluationError
from unikommune.evaluation.assess import STATUSES, assess
from unikommune.evaluation.criteria import default_criteria
from unikommune.evaluation.reasons import (
    CODES,
    FIELDS,
    REQUIREMENTS,
    Reason,
    ReasonCode,
    ReasonValue,
)
from unikommune.evaluation.report import build_report, render
from unikommune.evaluation.values import Value
from unikommune.evaluation.wording import (
    REQUIREMENT_WORDS,
    STATUS_NB,
    TEMPLATES,
    period,
    reason_text,
    unit,
)

LANGS = ("nb", "en")
#: English words that only an untranslated reason would hold.
ENGLISH = (" wants ", " over ", " has no data", "agreement", "criteria are met", "not reached")
#: A value of every kind, to fill any template with.
SAMPLES: dict[str, ReasonValue] = {
    "indicator": "theses",
    "list": ("2019", "2020"),
    "figure": Value(46.5, 46, 47, "records", approximate=True),
    "aggregation": "mean",
    "comparison": ">=",
    "number": 2.5,
    "unit": "percent",
    "text": "x1",
    "count": 2,
    "statuses": (("theses", "not_met"),),
    "plans": (("a1", "education"),),
    "requirement": "long_term",
    "keywords": ("evaluering", "evaluation"),
}


def _sample(code: ReasonCode) -> Reason:
    return Reason(
        code, {name.rstrip("?"): SAMPLES[FIELDS[name.rstrip("?")]] for name in CODES[code]}
    )


def test_every_code_has_a_template_in_every_language() -> None:
    assert set(CODES) == set(get_args(ReasonCode))
    assert set(FIELDS.values()) == set(SAMPLES)
    for code in CODES:
        assert code in TEMPLATES, f"{code} has no template"
        for lang in LANGS:
            assert lang in TEMPLATES[code], f"{code} has no template in {lang}"
    assert set(TEMPLATES) == set(CODES)  # no template of a code that is gone
    for requirement in REQUIREMENTS:
        assert set(REQUIREMENT_WORDS[requirement]) == set(LANGS), requirement


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_template_takes_exactly_its_values(code: ReasonCode) -> None:
    named = {name.rstrip("?") for name in CODES[code]} - {"years"}  # years: in ``what``
    for lang in LANGS:
        template = TEMPLATES[code][lang]
        one, several = template if isinstance(template, tuple) else (template, template)
        for text, wanted in ((one, named - {"count"}), (several, named)):
            fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            assert wanted <= fields <= named, (code, lang, text)
    worded = {lang: _sample(code).text(lang) for lang in LANGS}
    assert all(worded.values())
    if any(FIELDS[name.rstrip("?")] != "text" for name in CODES[code]) or not CODES[code]:
        assert worded["nb"] != worded["en"], code


def test_a_reason_takes_only_its_own_values() -> None:
    with pytest.raises(EvaluationError, match="takes the values count, minimum"):
        Reason("thematic_areas_short", {"count": 2})
    with pytest.raises(EvaluationError, match="takes the values none"):
        Reason("no_agreement", {"day": "2024-05-01"})
    with pytest.raises(EvaluationError, match="unknown reason code"):
        Reason("no_such_code")  # type: ignore[arg-type]
    why = Reason("agreement_lacks", {"what": "long_term", "years": 4, "day": "2024-05-01"})
    with pytest.raises(TypeError):
        why.values["day"] = "2025-01-01"  # type: ignore[index]


@pytest.fixture(scope="module")
def reasons() -> list[Reason]:
    found: list[Reason] = []
    for name in ("trondheim", "regional", "nordlysfjord"):
        result = assess(unikommune.load(EXAMPLES / name), default_criteria())
        found += result.maturity_reasons
        found += [why for item in result for why in item.reasons]
    return found


def test_every_reason_of_the_examples_reads_in_norwegian(reasons: list[Reason]) -> None:
    assert len(reasons) > 30
    assert len({why.code for why in reasons}) > 12
    for why in reasons:
        worded = why.text("nb")
        assert worded != why.text("en")
        assert not any(word in worded for word in ENGLISH), worded


#: Reasons by hand: their English words as the assessment always gave them, and Norwegian.
BY_HAND: list[tuple[Reason, str, str]] = [
    (
        Reason(
            "indicator_figure",
            {
                "indicator": "theses",
                "periods": ("2019", "2020", "2021"),
                "figure": Value(6, 6, 6, "records"),
                "aggregation": "sum",
                "comparison": ">=",
                "threshold": 10,
                "unit": "count",
            },
        ),
        "theses over 2019, 2020, 2021: 6; wants sum >= 10 count",
        "Oppgaver med kommunens data i 2019, 2020, 2021: 6; krav: sum ≥ 10",
    ),
    (
        Reason(
            "indicator_figure",
            {
                "indicator": "students_placed",
                "periods": ("2019", "2020", "2021"),
                "figure": Value(140 / 3, 138 / 3, 142 / 3, "both", approximate=True),
                "aggregation": "mean",
                "comparison": ">=",
                "threshold": 50.5,
                "unit": "percent",
            },
        ),
        "students_placed over 2019, 2020, 2021: ~46.7 (46–47.3); wants mean >= 50.5 percent",
        "Studenter i praksis i 2019, 2020, 2021: ~46,7 (46–47,3); krav: gjennomsnitt ≥ 50,5 "
        "prosent",
    ),
    (
        Reason("indicator_no_data", {"indicator": "theses"}),
        "theses has no data",
        "Oppgaver med kommunens data: ingen data",
    ),
    (
        Reason("agreement_has_uncertain", {"what": "in_force", "day": "2024-05-01"}),
        "an agreement is in force, but whether it is in force on 2024-05-01 depends on an "
        "uncertain date",
        "en avtale gjelder, men om det gjelder per 2024-05-01 avhenger av en usikker dato",
    ),
    (
        Reason("agreement_has", {"what": "long_term", "years": 4, "records": ("a1", "a2")}),
        "an agreement runs open-ended or at least 4 years: a1, a2",
        "en avtale løper uten sluttdato eller i minst 4 år: a1, a2",
    ),
    (
        Reason("agreement_lacks", {"what": "sdg_rule", "day": "2024-05-01"}),
        "no agreement in force on 2024-05-01: the SDG rule is in force",
        "ingen avtale som gjelder per 2024-05-01: regelen om bærekraftsmålene gjelder",
    ),
    (
        Reason(
            "level_not_reached",
            {"level": "2.0", "missing": (("theses", "not_met"), ("joint-project", "uncertain"))},
        ),
        "2.0 not reached: theses (not met), joint-project "
        "(depends on an uncertain date or an approximate figure)",
        "2.0 ikke nådd: theses (ikke oppfylt), joint-project (avhenger av usikre data)",
    ),
    (
        Reason("level_reached", {"level": "1.0", "count": 1}),
        "1.0: its one criterion is met",
        "1.0: kriteriet er oppfylt",
    ),
    (
        Reason("no_document_mentions", {"keywords": ("evaluering", "evaluation")}),
        "no document mentions evaluering or evaluation",
        "ingen dokumenter nevner evaluering eller evaluation",
    ),
    (
        Reason("thematic_areas_short", {"count": 2, "minimum": 3}),
        "projects cover 2 thematic areas of 3",
        "prosjektene dekker 2 tematiske områder (krav: 3)",
    ),
    (
        Reason("joint_projects", {"count": 1}),
        "1 joint project",
        "1 felles prosjekt",
    ),
    (
        Reason("action_plans_lack", {"plans": (("a1", "education"), ("a1", "health"))}),
        "no action plan for a1: education; a1: health",
        "ingen handlingsplan for a1: education; a1: health",
    ),
]


@pytest.mark.parametrize(("why", "english", "norwegian"), BY_HAND, ids=lambda x: "")
def test_reason_by_hand(why: Reason, english: str, norwegian: str) -> None:
    assert (why.text("en"), str(why), reason_text(why, "en")) == (english,) * 3
    assert why.text("nb") == norwegian
    assert why.as_dict()["text"] == english


def test_statuses_in_both_languages() -> None:
    assert set(STATUS_NB) == set(STATUSES)
    assert STATUSES["uncertain"] == "depends on an uncertain date or an approximate figure"


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


@pytest.fixture(scope="module")
def trondheim() -> Any:
    return unikommune.load(EXAMPLES / "trondheim")


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_norwegian_report_writes_numbers_the_norwegian_way(trondheim: Any, fmt: str) -> None:
    written = render(build_report([trondheim], lang="nb", network=False), fmt)
    english = render(build_report([trondheim], lang="en", network=False), fmt)
    assert "Aktive prosjekter i 2019, 2020, 2021: 5,33" in written
    assert "projects_active over 2019, 2020, 2021: 5.33" in english
    shown = re.sub(r"<style>.*?</style>|<[^>]*>", " ", written, flags=re.S)  # the words only
    # a decimal point between digits is a maturity level (1.0, 2.0) or a version, never a number
    decimals = set(re.findall(r"(?<![\d.])\d+\.\d+(?![\d.-])", shown))
    assert decimals <= {"1.0", "2.0", "3.0", default_criteria().version}, decimals
    assert re.search(r"\d,\d", written)


@pytest.mark.parametrize("name", ["values", "reasons", "wording", "assess"])
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(f"unikommune.evaluation.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""The assessment against criteria sets: known answers on the small dataset, the default set.

``tests/data/evaluation/small.json`` was modified 2023-06-01; its one agreement runs
2020–2023, so whether it is in force that day depends on when in 2023 it ends.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

import unikommune
from conftest import DATA, EXAMPLES
from unikommune.cli import main
from unikommune.errors import DatasetReadError, EvaluationError
from unikommune.evaluation import CriteriaSet, assess, default_criteria, read_criteria
from unikommune.schema import validator

SMALL = DATA / "evaluation" / "small.json"


@pytest.fixture(scope="module")
def small() -> Any:
    return assess(unikommune.load(SMALL))


EXPECTED = {
    "parties": "met",  # a1: muni and uni
    "agreement-in-force": "uncertain",  # a1 ends some day of 2023
    "governance-both-sides": "uncertain",  # the steering group of a1
    "joint-project": "met",  # p1 (muni, uni-dept) and p4
    "students-placed": "not_met",  # 2019-2021: 100, 10, 28..32: mean 46..47.3 < 50
    "long-term-agreement": "uncertain",  # 2020-2023 is four years, a1 maybe in force
    "action-plans": "not_met",  # no plan for thematic-missions
    "thematic-breadth": "not_met",  # urban-development only
    "research-and-innovation": "not_met",  # 2021-2023: 3, 2, 1
    "theses": "not_met",  # 2020-2022: 1 + 2 + 1 = 4
    "lifelong-learning": "not_met",  # 2021: 1
    "joint-outputs": "not_enough_data",  # 2021: 2 of 3, and 2019-2020 have no data
    "combined-positions": "met",  # 2023: 1
    "sdg-rule": "uncertain",  # a1's rule, a1 maybe in force
    "sdg-share": "not_met",  # 2023: p2 has no link: 0 %
    "funding-applications": "met",  # 2019-2021: 4 (figures) + 1 + 1
    "evaluation": "met",  # "Research-based evaluation of the pilot"
    "permanent-model": "not_met",  # nothing supersedes a1
    "national-regulation": "not_met",  # documents listed, none on a regulation
}


def test_statuses_computed_by_hand(small: Any) -> None:
    assert {result.criterion.id: result.status for result in small} == EXPECTED


def test_figures_evidence_and_reasons(small: Any) -> None:
    placed = small["students-placed"]
    assert placed.periods == ("2019", "2020", "2021")
    assert placed.figure.low == pytest.approx(138 / 3)
    assert placed.figure.high == pytest.approx(142 / 3)
    assert placed.figure.source == "both"
    assert "f-placed-2019" in placed.evidence
    assert small["joint-project"].evidence == ("p1", "p4")
    assert small["evaluation"].evidence == ("a1: https://example.org/evaluation.pdf",)
    (why,) = small["agreement-in-force"].reasons
    assert (why.code, dict(why.values)) == (
        "agreement_has_uncertain",
        {"what": "in_force", "day": "2023-06-01"},
    )
    assert str(why) == (
        "an agreement is in force, but whether it is in force on 2023-06-01 depends on an "
        "uncertain date"
    )
    figure = placed.reasons[0]
    assert figure.code == "indicator_figure"
    assert figure.values["figure"] == placed.figure
    assert (figure.values["periods"], figure.values["threshold"]) == (("2019", "2020", "2021"), 50)
    assert [r.code for r in small["joint-outputs"].reasons] == ["indicator_figure", "no_data_for"]
    assert small["funding-applications"].figure.value == 6


def test_maturity(small: Any) -> None:
    assert small.maturity == "1.0"
    assert small.maturity_possible == "1.0"  # students-placed is not met at 2.0
    reached, missed = small.maturity_reasons
    assert (reached.code, dict(reached.values)) == ("level_reached", {"level": "1.0", "count": 1})
    assert missed.code == "level_not_reached"
    assert missed.values["missing"][0] == ("agreement-in-force", "uncertain")
    assert missed.text("en").startswith("2.0 not reached: agreement-in-force (depends on")


def test_the_json_carries_each_reason_as_code_values_and_english_text(small: Any) -> None:
    data = small.as_dict()
    placed = next(r for r in data["results"] if r["id"] == "students-placed")
    first = placed["reasons"][0]
    assert first["code"] == "indicator_figure"
    assert first["values"]["figure"]["low"] == pytest.approx(138 / 3)
    assert first["text"].startswith("students_placed over 2019, 2020, 2021: ~46.7 (46–47.3)")
    missing = data["maturity_reasons"][1]["values"]["missing"]
    assert missing[0] == {"criterion": "agreement-in-force", "status": "uncertain"}
    json.dumps(data, allow_nan=False)  # JSON-ready as it is


def _custom(**criterion: Any) -> CriteriaSet:
    document = {
        "$schema": "https://w3id.org/unikommune/schema/0.2/criteria-set.json",
        "id": "custom",
        "version": "1",
        "title": {"en": "Custom"},
        "description": {"en": "A set written for a test."},
        "status": "proposal",
        "criteria": [{"id": "c", "statement": {"en": "A criterion."}, **criterion}],
        "levels": [{"level": "2.0", "statement": {"en": "Two."}, "requires": ["c"]}],
    }
    return CriteriaSet.model_validate(document)


def test_a_breakdown_and_the_cautious_reading() -> None:
    dataset = unikommune.load(SMALL)
    # academia in 2023: p2's university, whose start (2021?) is uncertain: 0 to 1
    criterion = {
        "kind": "quantitative",
        "indicator": "participations",
        "part": {"breakdown": "sector", "category": "academia"},
        "aggregation": "last",
        "window": 1,
        "threshold": {"comparison": ">=", "value": 1},
    }
    result = assess(dataset, _custom(**criterion))
    assert result["c"].status == "uncertain"
    assert result.maturity is None
    assert result.maturity_possible == "2.0"
    criterion["threshold"] = {"comparison": ">=", "value": 0}
    met = assess(dataset, _custom(**criterion))["c"]
    assert (met.status, met.cautious) == ("met", True)
    criterion["threshold"] = {"comparison": "<", "value": 1}  # at most 0: the cautious high is 1
    assert assess(dataset, _custom(**criterion))["c"].status == "uncertain"


def test_a_documentary_criterion_of_a_maturity_assessment() -> None:
    regional = unikommune.load(EXAMPLES / "regional")  # assessed at 2.0 on 2024-11-20
    criterion = {"kind": "documentary", "evidence": "maturity_assessed", "level": "2.0"}
    assert assess(regional, _custom(**criterion))["c"].status == "met"
    criterion["level"] = "3.0"
    assert assess(regional, _custom(**criterion))["c"].status == "not_met"


def test_a_breakdown_of_another_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="has no breakdown"):
        _custom(
            kind="quantitative",
            indicator="theses",
            part={"breakdown": "sector", "category": "academia"},
            threshold={"comparison": ">=", "value": 1},
        )


def test_broken_references(tmp_path: Path) -> None:
    document = json.loads(default_criteria().model_dump_json(by_alias=True))
    document["levels"][0]["requires"] = ["no-such-criterion"]
    path = tmp_path / "criteria.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(DatasetReadError, match="unknown criteria"):
        read_criteria(path)
    broken = CriteriaSet.model_validate(document)
    with pytest.raises(EvaluationError, match="broken"):
        assess(unikommune.load(SMALL), broken)


def test_the_default_set_follows_its_schema_and_marks_every_threshold() -> None:
    text = (files("unikommune") / "data" / "criteria" / "trd30.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert not list(validator("criteria-set").iter_errors(document))
    criteria = default_criteria()
    assert criteria.status == "proposal"
    assert all(c.threshold.proposal for c in criteria.quantitative())
    assert not criteria.problems()
    cited = {source for c in criteria.criteria for source in c.sources}
    assert cited == {source.id for source in criteria.sources}  # every source is used


def test_trondheim_reaches_two_point_zero() -> None:
    result = assess(unikommune.load(EXAMPLES / "trondheim"))
    # the continuation (2022?, open) keeps the 2018 agreement's steering group and rules
    assert result["governance-both-sides"].status == "met"
    assert result.maturity == "2.0"


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(SMALL)]) == 0
    assert "uncertain" in capsys.readouterr().out
    assert main(["assess", str(SMALL), "--require-met"]) == 1
    assert "criteria not met" in capsys.readouterr().err
    target = tmp_path / "assessment.json"
    assert main(["assess", str(SMALL), "-o", str(target)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["maturity"] == "1.0"
    assert written["results"][0]["status"] == "met"
    assert written["results"][0]["reasons"][0]["code"] == "parties_both_sides"
    assert main(["assess", str(SMALL), "--format", "csv", "--lang", "nb"]) == 0
    table = capsys.readouterr().out
    assert "agreement_has_uncertain" in table  # the codes, beside the Norwegian words
    assert "en avtale gjelder, men om det gjelder per 2023-06-01" in table
    assert main(["assess", str(SMALL), "--lang", "nb"]) == 0
    shown = capsys.readouterr().out
    assert "~46,7 (46–47,3)" in shown
    assert "modenhet: 1.0" in shown
    custom = tmp_path / "custom.json"
    only = copy.deepcopy(json.loads(default_criteria().model_dump_json(by_alias=True)))
    only["criteria"] = [c for c in only["criteria"] if c["id"] == "parties"]
    only["levels"] = [only["levels"][0]]
    custom.write_text(json.dumps(only), encoding="utf-8")
    assert main(["assess", str(SMALL), "--criteria", str(custom), "--require-met"]) == 0
    assert main(["assess", str(SMALL), "--criteria", str(tmp_path / "missing.json")]) == 2

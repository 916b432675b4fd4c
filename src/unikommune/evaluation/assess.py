"""The assessment: does a partnership meet a criteria set, and at which maturity level?

>>> import unikommune
>>> result = unikommune.assess(unikommune.load("examples/trondheim"))
>>> result["joint-project"].status
'met'
>>> result.maturity  # 3.0 asks for combined positions, which the example does not record
'2.0'
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from unikommune.collector import collector_paused
from unikommune.errors import EvaluationError
from unikommune.evaluation.criteria import (
    CriteriaSet,
    Criterion,
    DocumentaryCriterion,
    QuantitativeCriterion,
    default_criteria,
)
from unikommune.evaluation.evidence import CHECKS, Check, Facts, Status, facts_of
from unikommune.evaluation.indicators import Indicators, IndicatorSeries, indicators
from unikommune.evaluation.reasons import Reason
from unikommune.evaluation.values import MAX_EVIDENCE, Value, combine_sources
from unikommune.evaluation.wording import STATUS_EN
from unikommune.models import Dataset

__all__ = ["STATUSES", "Assessment", "CriterionResult", "assess"]

#: Every status, with how it reads in English (:mod:`.wording` has Norwegian too).
STATUSES: dict[str, str] = STATUS_EN

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """The assessment of one criterion.

    Attributes:
        criterion: The criterion.
        status: ``met``, ``not_met``, ``uncertain`` or ``not_enough_data``.
        cautious: Met only on the cautious reading: some input was approximate or
            uncertain, and the criterion holds even at its least favourable value.
        figure: For a quantitative criterion, the aggregated value it was judged on.
        periods: The periods the figure aggregates.
        evidence: Ids of the records (or figures) that are the evidence (at most 20).
        reasons: Why: codes with their values (:mod:`.reasons`), worded by ``text(lang)``.
    """

    criterion: Criterion
    status: Status
    cautious: bool = False
    figure: Value | None = None
    periods: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "id": self.criterion.id,
            "kind": self.criterion.kind,
            "statement": dict(self.criterion.statement),
            "status": self.status,
            "cautious": self.cautious,
            "figure": None if self.figure is None else self.figure.as_dict(),
            "periods": list(self.periods),
            "evidence": list(self.evidence),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The assessment of a dataset against a criteria set.

    Attributes:
        criteria: The criteria set.
        as_of: The day the assessment reads the dataset at (the day it was modified).
        results: One result per criterion, in the set's order.
        maturity: The highest level whose criteria are all met (``None``: not even 1.0).
        maturity_possible: The highest level whose criteria are all met or uncertain.
        maturity_reasons: Why: codes with their values (:mod:`.reasons`).
    """

    criteria: CriteriaSet
    as_of: str
    results: tuple[CriterionResult, ...]
    maturity: str | None
    maturity_possible: str | None
    maturity_reasons: tuple[Reason, ...]

    def __getitem__(self, criterion: str) -> CriterionResult:
        """Return the result of the criterion with id ``criterion``."""
        for result in self.results:
            if result.criterion.id == criterion:
                return result
        raise KeyError(criterion)

    def __iter__(self) -> Iterator[CriterionResult]:
        return iter(self.results)

    @property
    def all_met(self) -> bool:
        """Return whether every criterion is met."""
        return all(result.status == "met" for result in self.results)

    def as_dict(self) -> dict[str, Any]:
        """Return the assessment as JSON-ready data."""
        return {
            "criteria_set": {
                "id": self.criteria.id,
                "version": self.criteria.version,
                "status": self.criteria.status,
            },
            "as_of": self.as_of,
            "maturity": self.maturity,
            "maturity_possible": self.maturity_possible,
            "maturity_reasons": [reason.as_dict() for reason in self.maturity_reasons],
            "results": [result.as_dict() for result in self.results],
        }


def assess(
    dataset: Dataset,
    criteria: CriteriaSet | None = None,
    *,
    found: Indicators | None = None,
) -> Assessment:
    """Assess ``dataset`` against ``criteria`` (default: the shipped TRD3.0 proposal).

    Each criterion is met, not met, uncertain (met on the favourable reading of an
    approximate figure or an uncertain date, not on the cautious one) or lacks data.
    The dataset is read as of the day it was last modified.

    Args:
        dataset: The dataset.
        criteria: The criteria set; ``None`` for :func:`default_criteria`.
        found: Indicators already computed for ``dataset``, to reuse.

    Raises:
        EvaluationError: the criteria set repeats an id or names an unknown one, or
            ``found`` lacks an indicator a criterion needs.
    """
    criteria = criteria if criteria is not None else default_criteria()
    problems = criteria.problems()
    if problems:
        raise EvaluationError(f"the criteria set {criteria.id} is broken: {'; '.join(problems)}")
    codes = sorted({c.indicator for c in criteria.quantitative()})
    if found is None and codes:
        parts = {c.part.breakdown for c in criteria.quantitative() if c.part is not None}
        found = indicators(dataset, codes, breakdowns=parts)
    facts = facts_of(dataset)  # one look at the partners and agreements
    with collector_paused():
        results = _results(criteria, facts, found)
    maturity, possible, reasons = _maturity(criteria, results)
    return Assessment(
        criteria,
        dt.date.fromisoformat(dataset.modified).isoformat(),
        tuple(results),
        maturity,
        possible,
        reasons,
    )


def _results(
    criteria: CriteriaSet, facts: Facts, found: Indicators | None
) -> list[CriterionResult]:
    """Return the result of every criterion, in the set's order."""
    results: list[CriterionResult] = []
    for criterion in criteria.criteria:
        if isinstance(criterion, QuantitativeCriterion):
            assert found is not None
            if criterion.indicator not in found.series:
                raise EvaluationError(f"indicator {criterion.indicator} was not computed")
            results.append(_quantitative(criterion, found[criterion.indicator], facts.day.year))
        else:
            results.append(_documentary(criterion, CHECKS[criterion.evidence](facts, criterion)))
    return results


def _documentary(criterion: DocumentaryCriterion, check: Check) -> CriterionResult:
    return CriterionResult(criterion, check.status, evidence=check.evidence, reasons=check.reasons)


def _cells(criterion: QuantitativeCriterion, series: IndicatorSeries) -> dict[str, Value]:
    if criterion.part is None:
        return series.values
    return series.breakdowns.get(criterion.part.breakdown, {}).get(criterion.part.category, {})


def _window(
    criterion: QuantitativeCriterion, cells: dict[str, Value], until: int
) -> tuple[list[tuple[str, Value]], list[str]]:
    """Return the periods of the window with their values, and what the window lacks.

    The window ends with the last year up to ``until`` that has data.
    """
    yearly = {
        int(k): v for k, v in cells.items() if k.isdigit() and int(k) <= until and not v.no_data
    }
    if yearly:
        last = max(yearly)
        years = range(last - criterion.window + 1, last + 1)
        chosen = [(str(y), yearly[y]) for y in years if y in yearly]
        lacking = [str(y) for y in years if y not in yearly]
        return chosen, lacking
    longer = sorted((k, v) for k, v in cells.items() if "/" in k and not v.no_data)
    return (longer[-1:], []) if longer else ([], [])


def _aggregate(how: str, values: list[Value]) -> Value:
    def combine(numbers: list[float]) -> float:
        if how == "sum":
            return sum(numbers)
        if how == "mean":
            return sum(numbers) / len(numbers)
        if how == "min":
            return min(numbers)
        if how == "max":
            return max(numbers)
        return numbers[-1]

    highs = [v.high for v in values]
    return Value(
        value=combine([v.value or 0.0 for v in values]),
        low=combine([v.low or 0.0 for v in values]),
        high=None if None in highs else combine([h or 0.0 for h in highs]),
        source=combine_sources(v.source for v in values),
        approximate=any(v.approximate for v in values),
        uncertain=any(v.uncertain for v in values),
        records=sum(v.records for v in values),
        evidence=tuple(e for v in values for e in v.evidence)[:MAX_EVIDENCE],
    )


def _quantitative(
    criterion: QuantitativeCriterion, series: IndicatorSeries, until: int
) -> CriterionResult:
    chosen, lacking = _window(criterion, _cells(criterion, series), until)
    threshold = criterion.threshold
    if not chosen:
        missing = Reason("indicator_no_data", {"indicator": criterion.indicator})
        return CriterionResult(criterion, "not_enough_data", reasons=(missing,))
    figure = _aggregate(criterion.aggregation, [value for _, value in chosen])
    periods = tuple(period for period, _ in chosen)
    compare = _COMPARE[threshold.comparison]
    below = threshold.comparison in ("<", "<=")
    cautious = figure.high if below else figure.low
    favourable = figure.low if below else figure.high
    exact = figure.low == figure.value == figure.high
    if threshold.comparison == "==":
        met_cautiously = exact and compare(figure.value or 0.0, threshold.value)
        met_favourably = (figure.low or 0.0) <= threshold.value and (
            figure.high is None or threshold.value <= figure.high
        )
    else:
        met_cautiously = cautious is not None and compare(cautious, threshold.value)
        met_favourably = favourable is None or compare(favourable, threshold.value)
    reasons = [
        Reason(
            "indicator_figure",
            {
                "indicator": criterion.indicator,
                "periods": periods,
                "figure": figure,
                "aggregation": criterion.aggregation,
                "comparison": threshold.comparison,
                "threshold": threshold.value,
                "unit": series.unit,
            },
        )
    ]
    if lacking:
        reasons.append(Reason("no_data_for", {"periods": tuple(lacking)}))
    status: Status
    if met_cautiously:
        status = "met"
    elif met_favourably:
        status = "uncertain"
        reasons.append(Reason("met_if_favourable"))
    elif lacking and criterion.aggregation == "sum":
        status = "not_enough_data"
    else:
        status = "not_met"
    return CriterionResult(
        criterion,
        status,
        cautious=status == "met"
        and not (exact and not figure.uncertain and not figure.approximate),
        figure=figure,
        periods=periods,
        evidence=figure.evidence,
        reasons=tuple(reasons),
    )


def _maturity(
    criteria: CriteriaSet, results: list[CriterionResult]
) -> tuple[str | None, str | None, tuple[Reason, ...]]:
    """Return the level reached, the level possible on favourable readings, and why."""
    status = {result.criterion.id: result.status for result in results}
    reached: str | None = None
    possible: str | None = None
    reasons: list[Reason] = []
    for rule in sorted(criteria.levels, key=lambda rule: rule.level.value):
        level = rule.level.value
        missing = [c for c in rule.requires if status[c] != "met"]
        if not missing:
            reached = level
            reasons.append(Reason("level_reached", {"level": level, "count": len(rule.requires)}))
            possible = level
            continue
        pairs = tuple((c, str(status[c])) for c in missing)
        reasons.append(Reason("level_not_reached", {"level": level, "missing": pairs}))
        if all(status[c] == "uncertain" for c in missing):
            possible = level
            continue
        break
    return reached, possible, tuple(reasons)

"""Evaluation of a partnership: indicators, criteria sets, the assessment, the report.

:func:`indicators` computes the catalogue of indicators (:data:`CATALOGUE`) of a
dataset per year; :func:`assess` judges a dataset against a criteria set
(:func:`default_criteria`, or one read with :func:`read_criteria`).  Imported on
demand: ``import unikommune`` does not load it.
"""

from __future__ import annotations

from unikommune.evaluation.assess import Assessment, CriterionResult, assess
from unikommune.evaluation.catalogue import BREAKDOWNS, CATALOGUE, GROUPS, Indicator, indicator
from unikommune.evaluation.criteria import CriteriaSet, default_criteria, read_criteria
from unikommune.evaluation.indicators import Indicators, IndicatorSeries, indicators
from unikommune.evaluation.values import Value, moving_average

__all__ = [
    "BREAKDOWNS",
    "CATALOGUE",
    "GROUPS",
    "Assessment",
    "CriteriaSet",
    "CriterionResult",
    "Indicator",
    "IndicatorSeries",
    "Indicators",
    "Value",
    "assess",
    "default_criteria",
    "indicator",
    "indicators",
    "moving_average",
    "read_criteria",
]

"""The report as JSON: models of the document ``unikommune report --format json`` writes.

``schemas/report.json`` is generated from :class:`ReportDocument`, so a reader in any
language can check what it gets.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, Strict, StringConstraints, WithJsonSchema

from unikommune.evaluation.reasons import ReasonCode
from unikommune.format import schema_id
from unikommune.models.values import LangString, Model

__all__ = [
    "AssessmentDocument",
    "CriterionDocument",
    "CriterionStatus",
    "DatasetSection",
    "IndicatorRow",
    "NetworkDocument",
    "NetworkPartner",
    "PlanLacking",
    "ReasonDocument",
    "ReportDocument",
    "ValueDocument",
]

Number = Annotated[float, Strict()] | Annotated[int, Strict()]
Name = Annotated[str, Strict()]
Flag = Annotated[bool, Strict()]
Source = Literal["records", "figures", "both"]
_GOAL = r"^([1-9]|1[0-7])$"
_CODE = r"^[a-z][a-z0-9-]{0,63}$"
Goal = Annotated[str, Strict(), StringConstraints(pattern=_GOAL)]
Code = Annotated[str, Strict(), StringConstraints(pattern=_CODE)]
Counted = Annotated[int, Strict(), Field(ge=0)]
ValueName = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z][a-z_]{0,31}$")]


def _counts(pattern: str) -> WithJsonSchema:
    """Return the schema of counts by key: keys of ``pattern``, values whole and not negative."""
    return WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": pattern},
            "additionalProperties": {"type": "integer", "minimum": 0},
        }
    )


class ValueDocument(Model):
    """A value of an indicator: ``value`` null is no data, never 0."""

    value: Number | None = Field(description="The value; null for no data.")
    low: Number | None = Field(description="The least it may be (the cautious reading).")
    high: Number | None = Field(description="The most it may be; null when unbounded.")
    source: Source | None = Field(description="Records, reported figures, or both.")
    approximate: Flag = Field(description="An input count was an estimate.")
    uncertain: Flag = Field(description="An input date may fall in another year.")
    records: Annotated[int, Strict(), Field(ge=0)] = Field(description="Records counted.")
    evidence: list[Name] = Field(description="Ids of the first records counted.")


class IndicatorRow(Model):
    """One indicator in one period (and breakdown category), as ``unikommune indicators``."""

    indicator: Name = Field(description="Code of the indicator (docs/indicators.md).")
    title: Name = Field(description="Its title in the report's language.")
    period: Name = Field(description="A year, a period first/last, or undated.")
    breakdown: Name = Field(description="The breakdown; empty for the total.")
    category: Name = Field(description="The category of the breakdown; empty for the total.")
    value: Number | None = Field(description="The value; null for no data.")
    low: Number | None = Field(description="The least it may be.")
    high: Number | None = Field(description="The most it may be; null when unbounded.")
    unit: Name = Field(description="count, percent, weeks, ects, a currency, bits, index.")
    moving_average: Number | None = Field(description="The 3-year moving average, if any.")
    source: Source | None = Field(description="Records, reported figures, or both.")
    approximate: Flag = Field(description="An input count was an estimate.")
    uncertain: Flag = Field(description="An input date may fall in another year.")
    records: Annotated[int, Strict(), Field(ge=0)] = Field(description="Records counted.")


class CriterionStatus(Model):
    """A criterion that stands in the way of a maturity level, with its status."""

    criterion: Name = Field(description="Id of the criterion.")
    status: Literal["met", "not_met", "uncertain", "not_enough_data"] = Field(
        description="Its status."
    )


class PlanLacking(Model):
    """A focus area of an agreement in force that has no action plan."""

    agreement: Name = Field(description="Id of the agreement.")
    focus_area: Name = Field(description="Code of the focus area.")


ReasonValueDocument = (
    Number | Name | list[Name] | list[CriterionStatus] | list[PlanLacking] | ValueDocument
)
"""A value of a reason: a code or id, a number, ids, pairs as objects, or a figure."""


def _named(schema: dict[str, Any]) -> None:
    """Write a mapping's key pattern as ``propertyNames``: no other key is allowed."""
    pattern, value = schema.pop("patternProperties").popitem()
    schema["propertyNames"] = {"pattern": pattern}
    schema["additionalProperties"] = value


class ReasonDocument(Model):
    """A reason of the assessment: a stable code, the values it is worded from, its words."""

    code: ReasonCode = Field(
        description="What the reason says; a code never changes meaning (docs/criteria.md)."
    )
    values: dict[ValueName, ReasonValueDocument] = Field(
        json_schema_extra=_named,
        description="The values by name: codes and ids, numbers, lists of ids or of pairs "
        "(missing: criterion and status; plans: agreement and focus_area), and the figure.",
    )
    text: Name = Field(description="The reason in English words.")


class CriterionDocument(Model):
    """The assessment of one criterion."""

    id: Name = Field(description="Id of the criterion.")
    kind: Literal["quantitative", "documentary"] = Field(description="Kind of criterion.")
    statement: LangString = Field(description="What the criterion requires.")
    status: Literal["met", "not_met", "uncertain", "not_enough_data"] = Field(
        description="Met on the cautious reading, not met, uncertain, or not enough data."
    )
    cautious: Flag = Field(description="Met only on the cautious reading of uncertain inputs.")
    figure: ValueDocument | None = Field(description="The aggregated figure, if quantitative.")
    periods: list[Name] = Field(description="The periods the figure aggregates.")
    evidence: list[Name] = Field(description="Ids of the records that are the evidence.")
    reasons: list[ReasonDocument] = Field(description="Why, as codes with their values.")


class CriteriaSetReference(Model):
    """Which criteria set was applied."""

    id: Name = Field(description="Id of the criteria set.")
    version: Name = Field(description="Its version.")
    status: Literal["proposal", "adopted"] = Field(description="Proposal or adopted.")


class AssessmentDocument(Model):
    """The assessment against a criteria set, as ``unikommune assess --format json``."""

    criteria_set: CriteriaSetReference
    as_of: Name = Field(description="The day the dataset was read at.")
    maturity: Literal["1.0", "2.0", "3.0"] | None = Field(description="Maturity reached.")
    maturity_possible: Literal["1.0", "2.0", "3.0"] | None = Field(
        description="Maturity if every uncertain input falls favourably."
    )
    maturity_reasons: list[ReasonDocument] = Field(description="Why, as codes with values.")
    results: list[CriterionDocument] = Field(description="One result per criterion.")


class NetworkPartner(Model):
    """A main partner of the network picture."""

    id: Name = Field(description="Node id, such as partner:ntnu.")
    label: Name = Field(description="Name shown.")
    sector: Name = Field(description="Helix sector.")
    strength: Number = Field(description="Sum of its tie weights.")


class NetworkDocument(Model):
    """The partner network as the report draws it."""

    partners: list[NetworkPartner] = Field(description="The main partners.")
    ties: list[list[Number]] = Field(description="[i, j, weight] by position in partners.")
    other_partners: Annotated[dict[Code, Counted], _counts(_CODE)] = Field(
        description="How many other partners, by sector."
    )
    other_ties: Annotated[int, Strict(), Field(ge=0)] = Field(
        description="Ties with one of the other partners."
    )
    via: Literal["projects", "agreements"] = Field(description="What ties partners.")


class DatasetSection(Model):
    """One dataset of the report."""

    title: Name = Field(description="Title of the dataset.")
    modified: Name = Field(description="When the dataset was last changed.")
    years: list[Annotated[int, Strict()]] = Field(description="The years the indicators cover.")
    indicators: list[IndicatorRow] = Field(description="The indicators, totals per period.")
    assessment: AssessmentDocument
    sdg_coverage: Annotated[dict[Goal, Counted], _counts(_GOAL)] = Field(
        description="Activities per SDG goal, 1 to 17."
    )
    network: NetworkDocument


class ReportDocument(Model):
    """The evaluation report of one or more datasets."""

    schema_: Literal[schema_id("report")] = Field(  # type: ignore[valid-type]
        alias="$schema", description="The $id of the schema this document follows."
    )
    lang: Literal["nb", "en"] = Field(description="Language of the report.")
    datasets: list[DatasetSection] = Field(min_length=1, description="One per dataset.")

"""Reported figures: statistics a partnership reports about itself, or takes from a source.

A figure is one cell of a data cube (as in the W3C RDF Data Cube and SDMX): a
*measure* (what is counted), the *subject* it is about (the whole partnership, or
one agreement, partner or area), *when* (a reference date or period), a *value*
with its unit, and *dimensions* that cut the measure (an application's outcome, a
field of study, a funder).  Publish records where the partnership has them (each
project, each placement) and figures where it knows only totals; evaluation uses
records where they exist and figures where they do not, so the same thing is not
counted twice.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, Strict, StringConstraints, WithJsonSchema, model_validator

from unikommune.codelists import CURRENCY_CODES, FigureMethod
from unikommune.models.base import Record
from unikommune.models.values import (
    TEXT_PATTERN,
    AreaOf,
    Date,
    DateAsKnown,
    FocusAreaCode,
    LangString,
    Model,
    NumberAsKnown,
    Period,
    ProfileCode,
    Ref,
    RefersTo,
    ThematicAreaCode,
    Url,
    one_given,
)

__all__ = ["UNITS", "Figure", "Source"]

#: A figure's unit: a count, a share or a time, or an ISO 4217 currency code (``NOK``).
UNITS: tuple[str, ...] = (
    "count",
    "percent",
    "weeks",
    "hours",
    "person-years",
    "ects",
    *CURRENCY_CODES,
)
#: A dimension's code: lower-case letters, digits and hyphens.
_DIMENSION = r"^[a-z][a-z0-9-]{0,63}$"


class Source(Model):
    """Where a figure comes from: a document, a page, a register."""

    model_config = ConfigDict(json_schema_extra=one_given(title="object", url="string"))

    title: LangString | None = Field(default=None, description="Title of the source.")
    url: Url | None = Field(default=None, description="Address of the source.")
    publisher: LangString | None = Field(default=None, description="Who published the source.")
    retrieved: Date | None = Field(default=None, description="When the figure was taken from it.")

    @model_validator(mode="after")
    def _names_itself(self) -> Self:
        if self.title is None and self.url is None:
            raise ValueError("a source needs a title or a url")
        return self


class Figure(Record):
    """A statistic the partnership reports, such as "about 3,000 students placed a year"."""

    measure: Annotated[ProfileCode, AreaOf("measure")] = Field(
        description="What is measured: a code of the measure codelist, or one the profile adds."
    )
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the figure is about, if one."
    )
    partner: Annotated[Ref, RefersTo("partners")] | None = Field(
        default=None, description="Id of the partner the figure is about, if one."
    )
    focus_area: FocusAreaCode | None = Field(
        default=None, description="Code of the focus area the figure is about, if one."
    )
    thematic_area: ThematicAreaCode | None = Field(
        default=None, description="Code of the thematic area the figure is about, if one."
    )
    date: DateAsKnown | None = Field(
        default=None, description="The day the figure holds for (ongoing on 2024-03-01)."
    )
    period: Period | None = Field(
        default=None, description="The period the figure counts over (a year: start 2023)."
    )
    value: NumberAsKnown = Field(
        description='The value: a number, or an estimate such as {"about": 3000}.'
    )
    unit: Literal[UNITS] = Field(  # type: ignore[valid-type]
        description="count, percent, weeks, hours, person-years, ects, or a currency (NOK, EUR)."
    )
    dimensions: Annotated[
        dict[
            Annotated[str, Strict(), StringConstraints(pattern=_DIMENSION)],
            Annotated[
                str,
                Strict(),
                StringConstraints(min_length=1, max_length=200, pattern=TEXT_PATTERN),
            ],
        ],
        WithJsonSchema(
            {
                "type": "object",
                "propertyNames": {"pattern": _DIMENSION},
                "additionalProperties": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 200,
                    "pattern": TEXT_PATTERN,
                },
            }
        ),
    ] = Field(
        default_factory=dict,
        description='What the figure is cut by, such as {"outcome": "granted"} or '
        '{"field": "health", "funder": "Norges forskningsråd"}.',
    )
    method: FigureMethod | None = Field(default=None, description="How the figure came about.")
    reported_by: Annotated[Ref, RefersTo("partners")] | None = Field(
        default=None, description="Id of the partner that reports the figure."
    )
    source: Source | None = Field(default=None, description="Where the figure comes from.")
    note: LangString | None = Field(default=None, description="What the figure counts, in words.")

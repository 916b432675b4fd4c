"""Common value types of the unikommune format.

These are the building blocks the records share: multilingual text, local ids
and references, (partial) dates and periods, money, links and external
identifiers.  Each carries its JSON Schema, so the published schemas say
exactly what the models accept.

A reference field is declared once, on the model, with :class:`RefersTo`: the
collection its ids point into, and the tie it makes in a collaboration graph.
The validator's reference checks, the graph builders and the format reference
all read that one declaration (:mod:`unikommune.models.paths`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Self, TypeGuard, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from unikommune.codelists import IdentifierScheme
from unikommune.identifiers import SCHEME_PATTERNS, URL_PATTERN, identifier_problem

__all__ = [
    "DATE_PATTERN",
    "LANGUAGE_TAG_PATTERN",
    "LANG_STRING_SCHEMA",
    "LOCAL_ID_PATTERN",
    "PARTIAL_DATE_PATTERN",
    "PROFILE_CODE_PATTERN",
    "URL_PATTERN",
    "AreaOf",
    "Count",
    "Date",
    "Distinct",
    "FocusAreaCode",
    "Identifier",
    "LangString",
    "LanguageTag",
    "Link",
    "LocalId",
    "Model",
    "Money",
    "PartialDate",
    "Period",
    "ProfileCode",
    "Ref",
    "RefersTo",
    "Text",
    "ThematicAreaCode",
    "Timeframe",
    "UniqueList",
    "Url",
    "Year",
    "date_bounds",
    "ends_before_start",
    "is_local_id",
    "repeated_items",
]


class Model(BaseModel):
    """Base of every unikommune model: closed, no coercion of scalars, no NaN."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        use_attribute_docstrings=False,
    )


#: BCP 47 language tag, lower-case primary subtag (``nb``, ``nn``, ``en``, ``se``, ``en-GB``).
LANGUAGE_TAG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
#: Local id of a record: ASCII letters, digits and ``._~:-``, starting with a letter or digit.
LOCAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$"
#: The pattern of a code a profile declares (of a focus area, a thematic area).
PROFILE_CODE_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

_MONTH = r"(0[1-9]|1[0-2])"
_MONTH_DAY = (
    r"(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"|(0[13-9]|1[0-2])-(29|30)"
    r"|(0[13578]|1[02])-31"
)
_YEAR = r"[12][0-9]{3}"
_LEAP_DAY = r"([12][0-9](0[48]|[2468][048]|[13579][26])|(1[26]|2[048])00)-02-29"
_FULL_DATE = rf"{_YEAR}-({_MONTH_DAY})|{_LEAP_DAY}"
#: A calendar date ``YYYY-MM-DD`` in the years 1000 to 2999 (leap years included), written as a
#: regular expression so
#: that any JSON Schema validator checks it exactly as the models do.
DATE_PATTERN = rf"^({_FULL_DATE})$"
#: A year, a year-month or a calendar date, for sources that know no more.
PARTIAL_DATE_PATTERN = rf"^({_YEAR}(-{_MONTH})?|{_FULL_DATE})$"

LanguageTag = Annotated[str, Strict(), StringConstraints(pattern=LANGUAGE_TAG_PATTERN)]

Text = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=20_000)]
"""Non-empty text of at most 20,000 characters."""

#: JSON Schema of :data:`LangString`, published once as ``$defs/LangString``.
LANG_STRING_SCHEMA: MappingProxyType[str, Any] = MappingProxyType(
    {
        "type": "object",
        "description": "Text by BCP 47 language tag (nb, nn, en, se, ...); at least one.",
        "minProperties": 1,
        "propertyNames": {"pattern": LANGUAGE_TAG_PATTERN},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 20_000},
    }
)

LangString = Annotated[
    dict[LanguageTag, Text], Field(min_length=1), WithJsonSchema(dict(LANG_STRING_SCHEMA))
]
"""Multilingual text: a JSON-LD style language map with at least one language."""

LocalId = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=LOCAL_ID_PATTERN),
    Field(description="Id of the record, unique within its collection in the dataset."),
]
Ref = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=LOCAL_ID_PATTERN),
    Field(description="The id of another record in the same dataset."),
]


@dataclass(frozen=True, slots=True)
class RefersTo:
    """Declare an id field a reference to a record of ``collection``.

    ``tie`` names the edge the reference makes between a partner and the record that
    holds it in the collaboration graphs (``participates``, ``owns``, ...); a reference
    without a tie (a funder, an SDG link's curator) makes no edge.  Used as metadata:
    ``Annotated[Ref, RefersTo("partners", tie="owns")]``.
    """

    collection: str
    tie: str | None = None


@dataclass(frozen=True, slots=True)
class AreaOf:
    """Declare a profile code field a code of the profile's ``kind`` areas (focus, thematic)."""

    kind: str


PartialDate = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=PARTIAL_DATE_PATTERN),
    Field(description="A year (2018), a year and month (2018-06) or a date (2018-06-14)."),
]
Date = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=DATE_PATTERN),
    Field(description="A calendar date, YYYY-MM-DD."),
]
Year = Annotated[int, Strict(), Field(ge=1900, le=2200)]
Count = Annotated[int, Strict(), Field(ge=0, le=10_000_000)]
Url = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=URL_PATTERN, max_length=2048),
    Field(json_schema_extra={"format": "uri"}),
]


ProfileCode = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=PROFILE_CODE_PATTERN),
    Field(description="Code of a focus area or thematic area declared in the model profile."),
]
FocusAreaCode = Annotated[ProfileCode, AreaOf("focus")]
ThematicAreaCode = Annotated[ProfileCode, AreaOf("thematic")]

T = TypeVar("T")


def is_local_id(value: object) -> TypeGuard[str]:
    """Return whether ``value`` is a string of the pattern of a record's id."""
    return isinstance(value, str) and _LOCAL_ID.search(value) is not None


_LOCAL_ID = re.compile(f"(?a)\\A(?:{LOCAL_ID_PATTERN})\\Z")


def repeated_items(items: Sequence[object]) -> list[int]:
    """Return the positions of the items of ``items`` that an earlier item already gave.

    >>> repeated_items(["a", "b", "a", "a"])
    [2, 3]
    """
    try:
        if len(items) == len(set(items)):
            return []
        seen: set[object] = set()
    except TypeError:  # items that cannot be hashed: compare them one by one
        return [index for index, item in enumerate(items) if item in items[:index]]
    repeated = []
    for index, item in enumerate(items):
        if item in seen:
            repeated.append(index)
        seen.add(item)
    return repeated


def _no_duplicates(items: list[T]) -> list[T]:
    repeated = repeated_items(items)
    if repeated:
        raise ValueError(f"{items[repeated[0]]!r} is listed more than once")
    return items


@dataclass(frozen=True, slots=True)
class Distinct:
    """Declare a list's items distinct (JSON Schema ``uniqueItems``); the rules read it."""


UniqueList = Annotated[
    list[T],
    AfterValidator(_no_duplicates),
    Distinct(),
    Field(json_schema_extra={"uniqueItems": True}),
]
"""A list whose items are all different (JSON Schema ``uniqueItems``)."""


_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN[1:-1])


def date_bounds(value: str) -> tuple[dt.date, dt.date]:
    """Return the first and the last day a partial date can mean.

    >>> date_bounds("2018")
    (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    >>> date_bounds("2020-02")[1]
    datetime.date(2020, 2, 29)

    Raises:
        ValueError: ``value`` is not a year, a year-month or a calendar date.
    """
    if not _PARTIAL_DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a year, a year-month or a date")
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    day = dt.date(parts[0], parts[1], parts[2])
    return day, day


def ends_before_start(start: str, end: str) -> bool:
    """Return whether a period from ``start`` to ``end`` ends before it starts.

    It does when the last day ``end`` can mean is before the first day ``start`` can mean
    (``2018-06`` to ``2018`` is fine: the year covers June).

    Raises:
        ValueError: ``start`` or ``end`` is not a year, a year-month or a calendar date.
    """
    return date_bounds(end)[1] < date_bounds(start)[0]


class Period(Model):
    """A period with a start and, unless it is still open, an end not before the start."""

    start: PartialDate = Field(description="First day, month or year of the period.")
    end: PartialDate | None = Field(
        default=None, description="Last day, month or year of the period; absent while open."
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end is not None and ends_before_start(self.start, self.end):
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def bounds(self) -> tuple[dt.date, dt.date | None]:
        """Return the first day of the period and its last day (``None`` while open)."""
        return date_bounds(self.start)[0], (
            date_bounds(self.end)[1] if self.end is not None else None
        )

    def overlaps_year(self, year: int) -> bool:
        """Return whether the period covers any day of ``year``."""
        first, last = self.bounds()
        return first.year <= year and (last is None or last.year >= year)


class Timeframe(Period):
    """A period that must have an end, such as a mission's defined timeframe."""

    end: PartialDate = Field(description="Last day, month or year of the timeframe.")


class Money(Model):
    """An amount of money in an ISO 4217 currency."""

    amount: Annotated[float, Strict(), Field(ge=0, description="The amount, not negative.")]
    currency: Annotated[
        str,
        Strict(),
        StringConstraints(pattern=r"^[A-Z]{3}$"),
        Field(description="ISO 4217 currency code, such as NOK or EUR."),
    ]


class Link(Model):
    """A link to a document or page on the web."""

    url: Url = Field(description="Address of the document, http or https.")
    title: LangString | None = Field(default=None, description="Title of the linked document.")


def _identifier_schema(schema: dict[str, Any]) -> None:
    schema["allOf"] = [
        {
            "if": {"properties": {"scheme": {"const": scheme.value}}, "required": ["scheme"]},
            "then": {"properties": {"value": {"type": "string", "pattern": pattern}}},
        }
        for scheme, pattern in SCHEME_PATTERNS.items()
    ]


class Identifier(Model):
    """An identifier of the record in an external register, with its scheme."""

    model_config = ConfigDict(json_schema_extra=_identifier_schema)

    scheme: IdentifierScheme = Field(description="The register or scheme the value belongs to.")
    value: Annotated[str, Strict(), StringConstraints(min_length=1, max_length=2048)] = Field(
        description=(
            "The identifier as the scheme writes it, without a resolver prefix "
            "(974760673, 05xg72x27, 0000-0002-1825-0097, 10.1000/182); "
            "check digits are verified."
        )
    )

    @model_validator(mode="after")
    def _valid_for_scheme(self) -> Self:
        problem = identifier_problem(self.scheme, self.value)
        if problem is not None:
            raise ValueError(problem)
        return self

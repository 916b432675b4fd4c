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

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Literal, Self, TypeGuard, TypeVar

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

from unikommune import dates
from unikommune.codelists import COUNTRY_CODES, CURRENCY_CODES, REGION_AREAS, IdentifierScheme
from unikommune.dates import EDTF_DATE_PATTERN, EDTF_PERIOD_END_PATTERN, EDTF_YEAR_PATTERN
from unikommune.identifiers import SCHEME_PATTERNS, URL_PATTERN, identifier_problem

__all__ = [
    "DATE_PATTERN",
    "LANGUAGE_TAG_PATTERN",
    "LANG_STRING_SCHEMA",
    "LOCAL_ID_PATTERN",
    "PARTIAL_DATE_PATTERN",
    "PROFILE_CODE_PATTERN",
    "TEXT_PATTERN",
    "URL_PATTERN",
    "AreaOf",
    "Count",
    "CountAsKnown",
    "CountEstimate",
    "CountryCode",
    "Currency",
    "Date",
    "DateAsKnown",
    "Distinct",
    "Duration",
    "Estimate",
    "FocusAreaCode",
    "Identifier",
    "LangString",
    "LanguageTag",
    "Link",
    "LocalId",
    "Model",
    "Money",
    "Number",
    "NumberAsKnown",
    "PartialDate",
    "Period",
    "PeriodBound",
    "ProfileCode",
    "Ref",
    "RefersTo",
    "Text",
    "ThematicAreaCode",
    "Timeframe",
    "UniqueList",
    "Url",
    "Year",
    "YearAsKnown",
    "central",
    "control_character_at",
    "date_bounds",
    "ends_before_start",
    "estimate_problem",
    "is_exact",
    "is_local_id",
    "one_given",
    "repeated_items",
    "unknown_region",
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

    def __setattr__(self, name: str, value: Any) -> None:
        # A loaded record may share its set of given fields with others read alike
        # (unikommune.dataset.lines.SharedFields): it takes its own before pydantic
        # marks the field given, so that no other record sees the change.
        given = self.__pydantic_fields_set__
        if type(given) is not set:
            object.__setattr__(self, "__pydantic_fields_set__", set(given))
        super().__setattr__(name, value)


def _ranges(chars: Iterable[str]) -> str:
    """Return the inside of a character class of ``chars``, runs of three or more as ranges.

    >>> _ranges("ABCDFHIJ")
    'A-DFH-J'
    """
    found = sorted(set(chars))
    out, at = "", 0
    while at < len(found):
        end = at
        while end + 1 < len(found) and ord(found[end + 1]) == ord(found[end]) + 1:
            end += 1
        out += f"{found[at]}-{found[end]}" if end - at >= 2 else "".join(found[at : end + 1])
        at = end + 1
    return out


def _one_of(codes: Iterable[str]) -> str:
    """Return a regular expression for exactly ``codes`` (letters in any case, or digits).

    Codes are grouped by all but their last character, so the expression stays short
    enough to read in a schema: ``[Nn][A-CE-GILOPRUZa-ce-gilopruz]`` for NA ... NZ.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for code in codes:
        groups[code[:-1]].append(code[-1])
    branches = []
    for head, lasts in sorted(groups.items()):
        prefix = "".join(f"[{c}{c.lower()}]" if c.isalpha() else c for c in head)
        every = lasts + [c.lower() for c in lasts if c.isalpha()]
        branches.append(prefix + (every[0] if len(every) == 1 else f"[{_ranges(every)}]"))
    return "|".join(branches)


#: The region subtags a language tag may have: an ISO 3166-1 alpha-2 country code (the
#: codes of :data:`CountryCode`) or a UN M.49 area code, in any case (``GB``, ``gb``, ``419``).
_REGION = _one_of((*COUNTRY_CODES, *REGION_AREAS))
#: A well-formed tag, whatever its region (two letters or three digits), for messages.
_WELL_FORMED_TAG = re.compile(
    r"[a-z]{2,3}(-[A-Za-z]{3}){0,3}(-[A-Za-z]{4})?(-(?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*"
    r"(-[Xx](-[A-Za-z0-9]{1,8})+)?"
)
#: BCP 47 language tag (RFC 5646), lower-case primary subtag (``nb``, ``nn``, ``en``, ``se``,
#: ``en-GB``, ``sr-Latn-RS``, ``es-419``): a language of 2 or 3 letters, up to three extended
#: language subtags of 3 letters, a script of 4 letters, a region (a country code such as
#: ``GB``, or a UN M.49 area such as ``419``), variants (5 to 8 letters or digits, or a digit
#: and 3 more), extensions (a singleton other than x, then subtags of 2 to 8) and private use
#: (``x-`` then subtags of 1 to 8).  Subtags after the language may be in any case, as
#: BCP 47 allows.
LANGUAGE_TAG_PATTERN = (
    rf"^[a-z]{{2,3}}(-[A-Za-z]{{3}}){{0,3}}(-[A-Za-z]{{4}})?(-({_REGION}))?"
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*"
    r"(-[Xx](-[A-Za-z0-9]{1,8})+)?$"
)


def unknown_region(tag: object) -> str | None:
    """Return the region subtag of a well-formed language tag if no such region exists.

    ``None`` when the tag is not well formed, has no region, or has one that exists.

    >>> unknown_region("nb-XX"), unknown_region("nb-NO"), unknown_region("nb_NO")
    ('XX', None, None)
    """
    if not isinstance(tag, str):
        return None
    found = _WELL_FORMED_TAG.fullmatch(tag)
    region = found.group("region") if found is not None else None
    if region is None or _LANGUAGE_TAG.fullmatch(tag) is not None:
        return None
    return region


#: Text: any characters but the control characters (C0 but tab, line feed and carriage
#: return; DEL; C1), which are invisible, and which other tools refuse or mangle.
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_at(text: str) -> int | None:
    r"""Return the position of the first control character :data:`TEXT_PATTERN` refuses.

    >>> control_character_at("Tab\tand new line\r\n are fine"), control_character_at("a\x07b")
    (None, 1)
    """
    found = _CONTROL.search(text)
    return None if found is None else found.start()


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
_LANGUAGE_TAG = re.compile(LANGUAGE_TAG_PATTERN[1:-1])

Text = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=20_000, pattern=TEXT_PATTERN)
]
"""Non-empty text of at most 20,000 characters, without control characters."""

#: JSON Schema of :data:`LangString`, published once as ``$defs/LangString``.
LANG_STRING_SCHEMA: MappingProxyType[str, Any] = MappingProxyType(
    {
        "type": "object",
        "description": "Text by BCP 47 language tag (nb, nn, en, se, ...); at least one.",
        "minProperties": 1,
        "propertyNames": {"pattern": LANGUAGE_TAG_PATTERN},
        "additionalProperties": {
            "type": "string",
            "minLength": 1,
            "maxLength": 20_000,
            "pattern": TEXT_PATTERN,
        },
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
DateAsKnown = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=EDTF_DATE_PATTERN),
    Field(
        description=(
            "A date as it is known (EDTF): 2018, 2018-06, 2018-06-14; 2021? uncertain, "
            "2021~ approximate, 2021% both; 201X, 2021-XX for unknown digits; "
            "[2021-03-28,2022-03-28] one of a set."
        )
    ),
]
PeriodBound = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=EDTF_PERIOD_END_PATTERN),
    Field(
        description=(
            "A date as it is known (2018, 2018-06-14, 2021?, 201X, [2021,2022]); '..' for "
            "none (open), '' when not known."
        )
    ),
]
Date = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=DATE_PATTERN),
    Field(description="A calendar date, YYYY-MM-DD."),
]
Year = Annotated[int, Strict(), Field(ge=1900, le=2200)]
YearAsKnown = (
    Year
    | Annotated[
        str,
        Strict(),
        StringConstraints(pattern=EDTF_YEAR_PATTERN),
        Field(description="A year not exactly known: 2021? 2021~ 2021% 201X [2021,2022]."),
    ]
)
"""A year: exact as a number (2021), else as it is known in EDTF (``"2021?"``, ``"201X"``)."""
Count = Annotated[int, Strict(), Field(ge=0, le=10_000_000)]
Url = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=URL_PATTERN, max_length=2048),
    Field(json_schema_extra={"format": "uri"}),
]


CountryCode = Annotated[
    Literal[COUNTRY_CODES],  # type: ignore[valid-type]
    Field(description="ISO 3166-1 alpha-2 country code, such as NO, SE or DE."),
]
Currency = Annotated[
    Literal[CURRENCY_CODES],  # type: ignore[valid-type]
    Field(description="ISO 4217 currency code, such as NOK or EUR."),
]
Duration = Annotated[
    str,
    Strict(),
    StringConstraints(
        pattern=r"^P([0-9]+Y([0-9]+M)?([0-9]+W)?([0-9]+D)?|[0-9]+M([0-9]+W)?([0-9]+D)?|[0-9]+W([0-9]+D)?|[0-9]+D)$"
    ),
    Field(description="An ISO 8601 duration: P1Y (a year), P6M, P3M, P2W, P30D."),
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
    found = dates.parse(value) if isinstance(value, str) and value else None
    if found is None or found.earliest is None or found.latest is None:
        raise ValueError(f"{value!r} is not a date")
    return found.earliest, found.latest


def ends_before_start(start: str, end: str) -> bool:
    """Return whether a period from ``start`` to ``end`` certainly ends before it starts.

    It does when the last day ``end`` may be is before the first day ``start`` may be
    (``2018-06`` to ``2018`` is fine: the year covers June); an open or unknown start or
    end never does (see :mod:`unikommune.dates`).

    Raises:
        ValueError: ``start`` or ``end`` is not a period start or end of the format.
    """
    return dates.certainly_before(end, start)


class Period(Model):
    """A period with a start and, unless it is still open, an end not certainly before it.

    Either may be uncertain, approximate or one of a set (see :mod:`unikommune.dates`);
    a start not known is ``""``, and ``".."`` or an absent end is an open period.
    """

    start: PeriodBound = Field(
        description="First day, month or year of the period, as known; '' when not known."
    )
    end: PeriodBound | None = Field(
        default=None,
        description="Last day, month or year of the period, as known; absent or '..' while "
        "open, '' when not known.",
    )

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.end is not None and ends_before_start(self.start, self.end):
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def bounds(self) -> tuple[dt.date | None, dt.date | None]:
        """Return the first day the period may start and the last day it may end.

        Either is ``None`` when not known or open.
        """
        return (
            dates.parse_period_end(self.start).earliest,
            dates.parse_period_end(self.end).latest if self.end is not None else None,
        )

    def overlaps_year(self, year: int) -> bool:
        """Return whether the period may cover a day of ``year`` (see :mod:`unikommune.dates`)."""
        first, last = self.bounds()
        return (first is None or first.year <= year) and (last is None or last.year >= year)


class Timeframe(Period):
    """A period that must have an end, such as a mission's defined timeframe."""

    end: PeriodBound = Field(
        description="Last day, month or year of the timeframe, as known; '' when not known."
    )

    @model_validator(mode="after")
    def _has_an_end(self) -> Self:
        if self.end == "..":
            raise ValueError("a timeframe has an end; write '' when it is not known")
        return self


Number = Annotated[int, Strict()] | Annotated[float, Strict()]
"""A number as written: an integer stays an integer, a decimal a float."""


def one_given(**types: str) -> Callable[[dict[str, Any]], None]:
    """Return a schema hook stating that one of the fields is present and not null.

    ``types`` maps each field to its JSON type other than null; the model treats null as
    absent, so the schema says "present, of this type" for at least one of them.
    """

    def hook(schema: dict[str, Any]) -> None:
        schema["anyOf"] = [
            {"properties": {name: {"type": kind}}, "required": [name]}
            for name, kind in types.items()
        ]

    return hook


class Estimate(Model):
    """A number known only approximately: about a value, or within a range.

    ``{"about": 3000}`` is "about 3,000"; ``{"min": 8, "max": 12}`` is "8 to 12"; a range
    may be open at one end (``{"min": 10}``, "at least 10").  An exact number is written
    as a plain number instead, so a reader can always tell the two apart.
    """

    model_config = ConfigDict(
        json_schema_extra=one_given(about="number", min="number", max="number")
    )

    about: Number | None = Field(default=None, description="The value, approximately.")
    min: Number | None = Field(default=None, description="The least the value may be.")
    max: Number | None = Field(default=None, description="The most the value may be.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problem = estimate_problem(self)
        if problem is not None:
            raise ValueError(problem)
        return self

    def central(self) -> float:
        """Return the best single value: ``about``, else the middle of the range, else its end."""
        return central(self)


class CountEstimate(Estimate):
    """A count known only approximately: about a number, or within a range ("8 to 12")."""

    about: Count | None = Field(default=None, description="The count, approximately.")
    min: Count | None = Field(default=None, description="The least the count may be.")
    max: Count | None = Field(default=None, description="The most the count may be.")


CountAsKnown = Count | CountEstimate
"""A count: exact as a number (12), else an estimate (``{"about": 3000}``, ``{"min": 8}``)."""
NumberAsKnown = Number | Estimate
"""A number: exact as written (12, 2.5), else an estimate (``{"about": 3000}``)."""


def estimate_problem(estimate: Any) -> str | None:
    """Return what is wrong with an estimate (read by attribute), or ``None``.

    An estimate gives at least one of ``about``, ``min`` and ``max``; ``min`` is not
    above ``max``, and ``about`` lies between them.
    """
    about, low, high = estimate.about, estimate.min, estimate.max
    if about is None and low is None and high is None:
        return "an estimate gives about, min or max"
    if low is not None and high is not None and low > high:
        return f"min ({low}) is above max ({high})"
    if about is not None and (
        (low is not None and about < low) or (high is not None and about > high)
    ):
        return f"about ({about}) lies outside min and max"
    return None


def central(value: Any) -> float:
    """Return the best single value of a number or an estimate (read by attribute).

    >>> central(12), central(CountEstimate(about=3000)), central(CountEstimate(min=8, max=12))
    (12, 3000, 10.0)
    """
    if isinstance(value, int | float):
        return value
    if value.about is not None:
        return value.about  # type: ignore[no-any-return]
    if value.min is not None and value.max is not None:
        return (value.min + value.max) / 2  # type: ignore[no-any-return]
    return value.min if value.min is not None else value.max  # type: ignore[no-any-return]


def is_exact(value: Any) -> bool:
    """Return whether a number or estimate is exact (a plain number)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


class Money(Model):
    """An amount of money in an ISO 4217 currency."""

    amount: Annotated[float, Strict(), Field(ge=0, description="The amount, not negative.")]
    currency: Currency


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

r"""The one grammar of dates in the unikommune format: a subset of EDTF.

Dates are published as they are known, in a subset of the Extended Date/Time
Format (EDTF, ISO 8601-2):

- level 0: ``2021``, ``2021-03``, ``2021-03-28``, years 1000 to 2999;
- a qualifier at the end of the whole date: ``2021?`` uncertain, ``2021~``
  approximate, ``2021%`` both;
- unspecified digits from the right: ``201X``, ``20XX``, ``2021-XX``,
  ``2021-03-XX``, ``2021-XX-XX``;
- one of a set: ``[2021-03-28,2022-03-28]``, two or more of the dates above;
- and, for the start or the end of a period only, ``..`` (open: still running,
  or no bound) and the empty string (unknown).

Decisions, each keeping every accepted text valid EDTF with one spelling:

- ``XXXX`` is refused.  EDTF puts it at level 2, it would only say "some day
  between 1000 and 2999", and a period writes an unknown start or end as the
  empty string.  Likewise ``2XXX`` and ``201X-05`` (level 2) are refused: X
  replaces the last one or two digits of a year standing alone, or a whole
  month or day.
- A qualifier may end any date, one with X included (``201X?``), and any member
  of a set (``[2021?,2022]``); a set as a whole takes none (``[2021,2022]?`` is
  not EDTF).  A value carries one qualifier at most.
- Sets are not nested and hold no ranges (``2021..2023``); their members may
  repeat and come in any order, which a pattern could not forbid.
- Spaces are refused everywhere, inside sets too, so that each value has one
  spelling and ``str`` gives the text back exactly.
- Qualifiers do not widen the bounds: ``2021~`` runs from 2021-01-01 to
  2021-12-31, like ``2021``.  They record how sure the publisher is.

:data:`EDTF_DATE_PATTERN` and :data:`EDTF_PERIOD_END_PATTERN` are the same
grammar as regular expressions for JSON Schema.  They accept exactly what
:func:`parse` and :func:`parse_period_end` accept, leap days included, and use
only what Python ``re``, ECMA-262 with the ``u`` flag and Rust ``regex`` share
(no lookaround, backreferences, possessive quantifiers, inline flags or
``\Z``).  In Python, match them with ``re.fullmatch``: there ``$`` also matches
before a final newline.

The checks compare bounds: :attr:`EdtfDate.earliest` and
:attr:`EdtfDate.latest` are the first and last day a value may be, ``None`` when
open or unknown.  A "certainly" check holds for every day the values may be and
is never true on a missing bound; a "possibly" check holds for some day and is
never false on a missing bound.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from unikommune.errors import UnikommuneError

__all__ = [
    "EDTF_DATE_PATTERN",
    "EDTF_PERIOD_END_PATTERN",
    "EDTF_YEAR_PATTERN",
    "EdtfDate",
    "InvalidDateError",
    "certainly_before",
    "certainly_overlaps",
    "certainly_within",
    "parse",
    "parse_period_end",
    "parse_year",
    "possibly_before",
    "possibly_overlaps",
    "possibly_within",
    "years",
]

_YEAR = r"[12][0-9]{3}"
_MONTH = r"(0[1-9]|1[0-2])"
_MONTH_DAY = (
    r"(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"|(0[13-9]|1[0-2])-(29|30)"
    r"|(0[13578]|1[02])-31"
)
# Leap years: divisible by 4 but not by 100 (the tens-and-units pair is 04, 08, 12 ... 96),
# or divisible by 400 (1200, 1600, 2000, 2400, 2800).
_LEAP_DAY = r"([12][0-9](0[48]|[2468][048]|[13579][26])|(1[26]|2[048])00)-02-29"
_BODY = (
    rf"{_YEAR}(-{_MONTH}(-XX)?|-XX(-XX)?)?"
    rf"|[12][0-9]([0-9]X|XX)"
    rf"|{_YEAR}-({_MONTH_DAY})|{_LEAP_DAY}"
)
_SINGLE = rf"({_BODY})[?~%]?"
_SET = rf"\[{_SINGLE}(,{_SINGLE})+\]"

#: A date, in the format's EDTF subset, as a JSON Schema ``pattern``.
EDTF_DATE_PATTERN = rf"^({_SINGLE}|{_SET})$"
#: The start or end of a period: a date, ``..`` (open) or the empty string (unknown).
EDTF_PERIOD_END_PATTERN = rf"^({_SINGLE}|{_SET}|\.\.)?$"
_YEAR_SINGLE = rf"({_YEAR}|[12][0-9]([0-9]X|XX))[?~%]?"
_YEAR_MARKED = rf"{_YEAR}[?~%]|[12][0-9]([0-9]X|XX)[?~%]?"
#: A year as the format writes one that is not exactly known, as a JSON Schema ``pattern``:
#: ``2021?``, ``2021~``, ``201X``, ``[2021,2022]``.  An exact year is a JSON integer.
EDTF_YEAR_PATTERN = rf"^({_YEAR_MARKED}|\[{_YEAR_SINGLE}(,{_YEAR_SINGLE})+\])$"

_EXPECTED_DATE = "a date such as 2018, 2018-06, 2018-06-14, 2021?, 201X or [2021,2022]"
_EXPECTED_END = (
    "a period start or end such as 2018, 2018-06-14, 2021?, [2021,2022], "
    "'..' (open) or '' (unknown)"
)
_CACHE_SIZE = 65_536
_MARKS = "?~%"
_SPACE = re.compile(r"\s")
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SHAPE = re.compile(r"([0-9]{4}|[0-9]{3}X|[0-9]{2}XX)(?:-([0-9]{2}|XX)(?:-([0-9]{2}|XX))?)?")


class InvalidDateError(UnikommuneError, ValueError):
    """A text is not a date (or a period start or end) of the format's EDTF subset."""


@dataclass(frozen=True, slots=True, repr=False)
class EdtfDate:
    """A parsed date: its text, the days it may be, and what the publisher said of it.

    Make one with :func:`parse` or :func:`parse_period_end`.

    Attributes:
        text: The text as written; ``str()`` gives it back.
        earliest: The first day the value may be; ``None`` when open or unknown.
        latest: The last day the value may be; ``None`` when open or unknown.
        uncertain: Marked ``?`` or ``%`` (in a set: any member so marked).
        approximate: Marked ``~`` or ``%`` (in a set: any member so marked).
        exact: A single known year, month or day with no qualifier (``2018``,
            ``2018-06``, ``2018-06-14``).
        alternatives: The dates of a one-of set, as written; empty otherwise.
    """

    text: str
    earliest: dt.date | None
    latest: dt.date | None
    uncertain: bool = False
    approximate: bool = False
    exact: bool = False
    alternatives: tuple[EdtfDate, ...] = ()

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"EdtfDate({self.text!r})"

    @property
    def is_open(self) -> bool:
        """Return whether the value is ``..``: still running, or no bound."""
        return self.text == ".."

    @property
    def is_unknown(self) -> bool:
        """Return whether the value is the empty string: not known."""
        return not self.text

    @property
    def is_set(self) -> bool:
        """Return whether the value is one of a set of dates."""
        return bool(self.alternatives)


_OPEN = EdtfDate("..", None, None)
_UNKNOWN = EdtfDate("", None, None)


def _single(text: str) -> EdtfDate | str:
    """Return the date ``text`` names (no set), or why it names none."""
    mark = text[-1:] if text[-1:] in _MARKS else ""
    body = text[: len(text) - len(mark)]
    if mark and body[-1:] in _MARKS:
        return "a date takes one qualifier, ?, ~ or %, at its end"
    match = _SHAPE.fullmatch(body)
    if match is None:
        return _shape_problem(body)
    year_text, month_text, day_text = match.groups()
    if year_text[0] not in "12":
        return "years run from 1000 to 2999"
    if "X" in year_text:
        if month_text is not None:
            return "X may stand for the last digits of a year only when no month follows"
        first, last = int(year_text.replace("X", "0")), int(year_text.replace("X", "9"))
        return _date(text, mark, dt.date(first, 1, 1), dt.date(last, 12, 31), exact=False)
    year = int(year_text)
    if month_text is None or month_text == "XX":
        if day_text not in (None, "XX"):
            return "a known day needs a known month"
        known = month_text is None
        return _date(text, mark, dt.date(year, 1, 1), dt.date(year, 12, 31), exact=known)
    month = int(month_text)
    if not 1 <= month <= 12:
        return "months run from 01 to 12"
    days = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    if day_text is None or day_text == "XX":
        first_day, last_day = dt.date(year, month, 1), dt.date(year, month, days)
        return _date(text, mark, first_day, last_day, exact=day_text is None)
    day = int(day_text)
    if not 1 <= day <= days:
        return f"{year}-{month:02d} has {days} days"
    the_day = dt.date(year, month, day)
    return _date(text, mark, the_day, the_day, exact=True)


def _date(text: str, mark: str, first: dt.date, last: dt.date, *, exact: bool) -> EdtfDate:
    return EdtfDate(
        text,
        first,
        last,
        uncertain=mark in ("?", "%"),
        approximate=mark in ("~", "%"),
        exact=exact and not mark,
    )


def _shape_problem(body: str) -> str:
    if not body:
        return "it is empty"
    year = re.match(r"[0-9X]*", body)
    assert year is not None
    if len(year.group()) != 4:
        return "a year has four digits"
    if "X" in year.group():
        return "X may stand for the last one or two digits of a year only (201X, 20XX)"
    return "write YYYY, YYYY-MM or YYYY-MM-DD, with X for unknown digits"


def _problem_or_date(text: str) -> EdtfDate | str:
    """Return the date or set ``text`` names, or why it names none."""
    if _SPACE.search(text):
        return "remove the spaces"
    if "x" in text:
        return "write unknown digits as a capital X"
    if not text.startswith("["):
        if "," in text or text.endswith("]"):
            return "a set of dates is written in square brackets, [2021,2022]"
        return _single(text)
    if text.rstrip(_MARKS).endswith("]") and not text.endswith("]"):
        return "a set takes no qualifier of its own; qualify its dates, [2021?,2022]"
    if not text.endswith("]") or text.count("[") > 1 or text.count("]") > 1:
        return "a set is one pair of square brackets around dates, [2021,2022]"
    parts = text[1:-1].split(",")
    if len(parts) < 2:
        return "a set lists two or more dates, separated by commas"
    members = []
    for part in parts:
        member = _single(part)
        if isinstance(member, str):
            return f"in the set, {part!r}: {member}"
        members.append(member)
    return EdtfDate(
        text,
        min(member.earliest for member in members if member.earliest is not None),
        max(member.latest for member in members if member.latest is not None),
        uncertain=any(member.uncertain for member in members),
        approximate=any(member.approximate for member in members),
        alternatives=tuple(members),
    )


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"expected a date as a string, found {type(text).__name__}")


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse(text: str) -> EdtfDate:
    """Return the date that ``text`` writes (remembered, as dates repeat).

    >>> parse("2020-02-XX")
    EdtfDate('2020-02-XX')
    >>> parse("2020-02-XX").latest
    datetime.date(2020, 2, 29)
    >>> parse("2018").exact, parse("2018?").exact, parse("2018?").uncertain
    (True, False, True)
    >>> parse("[2021-03-28,2022-03-28]").alternatives
    (EdtfDate('2021-03-28'), EdtfDate('2022-03-28'))
    >>> parse("2021-02-29")
    Traceback (most recent call last):
    ...
    unikommune.dates.InvalidDateError: ...found '2021-02-29' (2021-02 has 28 days)

    Raises:
        InvalidDateError: ``text`` is not a date of the format (a ``ValueError``).
        TypeError: ``text`` is not a string.
    """
    _check_text(text)
    if text in ("", ".."):
        problem: EdtfDate | str = "'..' and '' may only start or end a period"
    else:
        problem = _problem_or_date(text)
    if isinstance(problem, str):
        raise InvalidDateError(f"expected {_EXPECTED_DATE}; found {text!r} ({problem})")
    return problem


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_period_end(text: str) -> EdtfDate:
    """Return the start or end of a period that ``text`` writes: a date, open or unknown.

    >>> parse_period_end("..").is_open, parse_period_end("").is_unknown
    (True, True)
    >>> parse_period_end("..").latest is None
    True
    >>> parse_period_end("2021-03~").earliest
    datetime.date(2021, 3, 1)

    Raises:
        InvalidDateError: ``text`` is not a period start or end of the format.
        TypeError: ``text`` is not a string.
    """
    _check_text(text)
    if text == "..":
        return _OPEN
    if not text:
        return _UNKNOWN
    problem = _problem_or_date(text)
    if isinstance(problem, str):
        raise InvalidDateError(f"expected {_EXPECTED_END}; found {text!r} ({problem})")
    return problem


_EXPECTED_YEAR = "a year such as 2021, 2021?, 2021~, 201X or [2021,2022]"


def parse_year(value: int | str) -> EdtfDate:
    """Return the year ``value`` gives: an exact year (an ``int``), or one written in EDTF.

    >>> parse_year(2021).exact, parse_year("2021?").uncertain
    (True, True)
    >>> parse_year("[2021,2022]").latest
    datetime.date(2022, 12, 31)
    >>> parse_year("2021-03")
    Traceback (most recent call last):
    ...
    unikommune.dates.InvalidDateError: expected a year such as 2021, ...; found '2021-03' (...)

    Raises:
        InvalidDateError: ``value`` is no such year (a ``ValueError``).
        TypeError: ``value`` is neither an integer nor a string.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"expected a year as an integer or a string, found {type(value).__name__}")
    if isinstance(value, int):
        if not 1000 <= value <= 2999:
            raise InvalidDateError(
                f"expected {_EXPECTED_YEAR}; found {value} (years run from 1000)"
            )
        return parse(str(value))
    if _YEAR_TEXT.fullmatch(value):
        raise InvalidDateError(f"expected {_EXPECTED_YEAR}; found {value!r} (write it as {value})")
    found = parse(value) if _YEARS.fullmatch(value) else None
    if found is None:
        raise InvalidDateError(
            f"expected {_EXPECTED_YEAR}; found {value!r} (a month or day is not a year)"
            if isinstance(value, str) and _YEAR_LIKE.match(value)
            else f"expected {_EXPECTED_YEAR}; found {value!r}"
        )
    return found


_YEARS = re.compile(EDTF_YEAR_PATTERN[1:-1])
_YEAR_TEXT = re.compile(r"[12][0-9]{3}")
_YEAR_LIKE = re.compile(r"\[?[12][0-9]{3}-")


def _value(value: EdtfDate | str) -> EdtfDate:
    return value if isinstance(value, EdtfDate) else parse_period_end(value)


def _certainly_le(first: dt.date | None, second: dt.date | None) -> bool:
    return first is not None and second is not None and first <= second


def _possibly_le(first: dt.date | None, second: dt.date | None) -> bool:
    return first is None or second is None or first <= second


def certainly_before(a: EdtfDate | str, b: EdtfDate | str) -> bool:
    """Return whether every day ``a`` may be comes before every day ``b`` may be.

    Compares the latest day of ``a`` with the earliest day of ``b``: ``a.latest <
    b.earliest``.  Use it for "the period ends before it starts":
    ``certainly_before(end, start)``.  Strings are read by :func:`parse_period_end`;
    an open or unknown value is never certainly before anything.

    >>> certainly_before("2020-12", "2021")  # 2020-12-31 < 2021-01-01
    True
    >>> certainly_before("2021-01-01", "2021")  # 2021-01-01 < 2021-01-01 is false
    False
    >>> certainly_before("[2019,2021]", "2021-06")  # 2021-12-31 < 2021-06-01 is false
    False
    >>> certainly_before("..", "2021"), certainly_before("2021", "")
    (False, False)
    """
    first, second = _value(a).latest, _value(b).earliest
    return first is not None and second is not None and first < second


def possibly_before(a: EdtfDate | str, b: EdtfDate | str) -> bool:
    """Return whether some day ``a`` may be comes before some day ``b`` may be.

    Compares the earliest day of ``a`` with the latest day of ``b``: ``a.earliest <
    b.latest``; an open or unknown value is possibly before anything.

    >>> possibly_before("2021", "2021-01")  # 2021-01-01 < 2021-01-31
    True
    >>> possibly_before("2021-02", "2021-01")  # 2021-02-01 < 2021-01-31 is false
    False
    >>> possibly_before("[2019,2023]", "2021")  # 2019-01-01 < 2021-12-31
    True
    >>> possibly_before("2030", "")
    True
    """
    first, second = _value(a).earliest, _value(b).latest
    return first is None or second is None or first < second


def certainly_within(
    inner_start: EdtfDate | str,
    inner_end: EdtfDate | str,
    outer_start: EdtfDate | str,
    outer_end: EdtfDate | str,
) -> bool:
    """Return whether the inner period lies within the outer one, whatever days they are.

    Holds when ``outer_start.latest <= inner_start.earliest`` and ``inner_end.latest <=
    outer_end.earliest``: the outer period surely starts no later and ends no earlier.
    An open or unknown start or end makes it false.

    >>> certainly_within("2019-03", "2020-06", "2019", "2020")
    False
    >>> certainly_within("2019-03", "2020-06", "2019-01", "2020-12")  # 01-31<=03-01, 06-30<=12-01
    True
    >>> certainly_within("2019-03", "..", "2019-01", "2020-12")
    False
    """
    return _certainly_le(_value(outer_start).latest, _value(inner_start).earliest) and (
        _certainly_le(_value(inner_end).latest, _value(outer_end).earliest)
    )


def possibly_within(
    inner_start: EdtfDate | str,
    inner_end: EdtfDate | str,
    outer_start: EdtfDate | str,
    outer_end: EdtfDate | str,
) -> bool:
    """Return whether the inner period may lie within the outer one, for some of their days.

    Holds when ``outer_start.earliest <= inner_start.latest`` and ``inner_end.earliest <=
    outer_end.latest``; an open or unknown start or end never makes it false.  "A project
    runs outside its mission's timeframe" is certain when this is false.

    >>> possibly_within("2018", "2019", "2018-06", "2020")  # 06-01<=12-31, 2019-01-01<=2020-12-31
    True
    >>> possibly_within("2017", "2019", "2018-06", "2020")  # 2018-06-01 <= 2017-12-31 is false
    False
    >>> possibly_within("2019-03", "2021-05", "2019", "2020")  # 2021-05-01 <= 2020-12-31 is false
    False
    >>> possibly_within("2019-03", "..", "2019", "2020")
    True
    """
    return _possibly_le(_value(outer_start).earliest, _value(inner_start).latest) and (
        _possibly_le(_value(inner_end).earliest, _value(outer_end).latest)
    )


def certainly_overlaps(
    a_start: EdtfDate | str,
    a_end: EdtfDate | str,
    b_start: EdtfDate | str,
    b_end: EdtfDate | str,
) -> bool:
    """Return whether the two periods share a day, whatever days they are.

    Holds when ``a_start.latest <= b_end.earliest`` and ``b_start.latest <=
    a_end.earliest``: each surely starts no later than the other ends.  An open or
    unknown start or end makes it false.

    >>> certainly_overlaps("2019-03", "2020-06", "2020", "2021")  # 2020-12-31 <= 06-01 is false
    False
    >>> certainly_overlaps("2019-03", "2020-06", "2020-01", "2021")  # 03-31<=01-01, 01-31<=06-01
    True
    >>> certainly_overlaps("2019", "..", "2020", "2021")
    False
    """
    return _certainly_le(_value(a_start).latest, _value(b_end).earliest) and (
        _certainly_le(_value(b_start).latest, _value(a_end).earliest)
    )


def possibly_overlaps(
    a_start: EdtfDate | str,
    a_end: EdtfDate | str,
    b_start: EdtfDate | str,
    b_end: EdtfDate | str,
) -> bool:
    """Return whether the two periods may share a day, for some of their days.

    Holds when ``a_start.earliest <= b_end.latest`` and ``b_start.earliest <=
    a_end.latest``; an open or unknown start or end never makes it false.  "A record has
    no day within its agreement's period" is certain when this is false; for a record
    with one date, pass that date as both its start and its end.

    >>> possibly_overlaps("2019-03", "2020-06", "2020-06-30", "2021")  # 06-30 <= 06-30
    True
    >>> possibly_overlaps("2019-03", "2020-06", "2020-07-01", "2021")  # 07-01 <= 06-30 is false
    False
    >>> possibly_overlaps("2022-05-02", "2022-05-02", "2019", "..")
    True
    """
    return _possibly_le(_value(a_start).earliest, _value(b_end).latest) and (
        _possibly_le(_value(b_start).earliest, _value(a_end).latest)
    )


def years(
    start: EdtfDate | str, end: EdtfDate | str | None = None
) -> tuple[int | None, int | None]:
    """Return the first and last calendar year a date, or the period from it to ``end``, may touch.

    The first year is that of ``start.earliest``, the last that of ``end.latest`` (of
    ``start.latest`` without ``end``); either is ``None`` when open or unknown.  A
    period is possibly active in ``year`` when ``first <= year <= last`` with ``None``
    counting as no limit.

    >>> years("201X")
    (2010, 2019)
    >>> years("[2018-12-31,2019~]")
    (2018, 2019)
    >>> years("2018-06", "..")
    (2018, None)
    """
    first = _value(start).earliest
    last = _value(start if end is None else end).latest
    return (
        first.year if first is not None else None,
        last.year if last is not None else None,
    )

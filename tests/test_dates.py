"""The format's date grammar: known answers, the patterns against the parser, the checks.

The Hypothesis strategies that draw valid dates (:func:`single_dates`, :func:`edtf_dates`,
:func:`period_ends`) and near misses (:func:`near_misses`) live here; other test modules
import them with ``from test_dates import edtf_dates``.
"""

from __future__ import annotations

import calendar
import doctest
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import ROOT
from unikommune import dates
from unikommune.dates import (
    EDTF_DATE_PATTERN,
    EDTF_PERIOD_END_PATTERN,
    EdtfDate,
    InvalidDateError,
    certainly_before,
    certainly_overlaps,
    certainly_within,
    parse,
    parse_period_end,
    possibly_before,
    possibly_overlaps,
    possibly_within,
    years,
)
from unikommune.errors import UnikommuneError

PATTERNS = {"date": EDTF_DATE_PATTERN, "period end": EDTF_PERIOD_END_PATTERN}
PARSERS: dict[str, Callable[[str], EdtfDate]] = {"date": parse, "period end": parse_period_end}


def _accepts(parser: Callable[[str], EdtfDate], text: str) -> bool:
    try:
        parser(text)
    except InvalidDateError:
        return False
    return True


# --- Strategies -------------------------------------------------------------------------

_QUALIFIERS = st.sampled_from(["", "?", "~", "%"])
#: Years, with the century years and leap years that decide whether 29 February exists.
_YEARS = st.one_of(
    st.integers(min_value=1000, max_value=2999),
    st.sampled_from([1000, 1200, 1600, 1700, 1900, 2000, 2020, 2024, 2100, 2400, 2800, 2999]),
)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@st.composite
def single_dates(draw: st.DrawFn) -> str:
    """Draw one date that is not a set: level 0, X digits, with or without a qualifier."""
    year = draw(_YEARS)
    month = draw(st.integers(min_value=1, max_value=12))
    last = _days_in(year, month)
    day = draw(st.one_of(st.integers(min_value=1, max_value=last), st.just(last)))
    body = draw(
        st.sampled_from(
            [
                f"{year}",
                f"{year}-{month:02d}",
                f"{year}-{month:02d}-{day:02d}",
                f"{year // 10}X",
                f"{year // 100}XX",
                f"{year}-XX",
                f"{year}-{month:02d}-XX",
                f"{year}-XX-XX",
            ]
        )
    )
    return body + draw(_QUALIFIERS)


@st.composite
def date_sets(draw: st.DrawFn) -> str:
    """Draw a one-of set of two to four dates."""
    members = draw(st.lists(single_dates(), min_size=2, max_size=4))
    return "[" + ",".join(members) + "]"


def edtf_dates() -> st.SearchStrategy[str]:
    """Draw a valid date of the format (what ``EDTF_DATE_PATTERN`` accepts)."""
    return st.one_of(single_dates(), single_dates(), date_sets())


def period_ends() -> st.SearchStrategy[str]:
    """Draw a valid period start or end: a date, ``..`` (open) or ``""`` (unknown)."""
    return st.one_of(edtf_dates(), st.sampled_from(["..", ""]))


def _first_date(text: str, replacement: str) -> str:
    return re.sub(r"[0-9X]{4}(-[0-9X]{2}){0,2}", replacement, text, count=1)


def _one_of(draw: st.DrawFn, *choices: str) -> str:
    choice: str = draw(st.sampled_from(choices))
    return choice


#: Ways to break a date: each replaces its first date, or wraps or edits the whole text.
MUTATIONS = {
    "month 00 or 13": lambda t, d: _first_date(t, _one_of(d, "2021-13", "2021-00")),
    "30 or 31 February": lambda t, d: _first_date(t, _one_of(d, "2020-02-30", "2021-02-31")),
    "31 of a 30-day month": lambda t, d: _first_date(t, f"2021-{_one_of(d, '04', '06', '11')}-31"),
    "29 February of any year": lambda t, d: _first_date(t, f"{d(_YEARS)}-02-29"),
    "day 00 or 32": lambda t, d: _first_date(t, _one_of(d, "2021-01-00", "2021-01-32")),
    "day in an unknown month": lambda t, d: _first_date(t, "2021-XX-05"),
    "X in a year with a month": lambda t, d: _first_date(t, _one_of(d, "201X-05", "20XX-XX")),
    "more X in a year": lambda t, d: _first_date(t, _one_of(d, "XXXX", "2XXX", "2X21")),
    "lower-case x": lambda t, d: t.replace("X", "x") if "X" in t else _first_date(t, "201x"),
    "three- or five-digit year": lambda t, d: _first_date(t, _one_of(d, "999", "20210")),
    "year 0999 or 3000": lambda t, d: _first_date(t, _one_of(d, "0999", "3000-01")),
    "stray space": lambda t, d: _insert(t, d, " "),
    "other whitespace": lambda t, d: _insert(t, d, _one_of(d, "\t", "\n", "\u00a0")),
    "two qualifiers": lambda t, d: t + _one_of(d, "?", "~", "%") + _one_of(d, "?", "~", "%"),
    "qualified set": lambda t, d: f"[{t},2021]?",
    "set of one": lambda t, d: f"[{t}]",
    "empty set": lambda t, d: "[]",
    "empty member": lambda t, d: f"[{t},]",
    "nested set": lambda t, d: f"[{t},[2021,2022]]",
    "unclosed set": lambda t, d: f"[{t},2021",
    "braces": lambda t, d: f"{{{t},2021}}",
    "range in a set": lambda t, d: "[2021..2023,2025]",
    "interval": lambda t, d: f"{t}/2025",
    "open or unknown": lambda t, d: _one_of(d, "..", ""),
    "three dots": lambda t, d: "...",
    "full-width digits": lambda t, d: "\uff12\uff10\uff12\uff11",
    "random edit": lambda t, d: _edit(t, d),
}


def _insert(text: str, draw: st.DrawFn, char: str) -> str:
    at = draw(st.integers(min_value=0, max_value=len(text)))
    return text[:at] + char + text[at:]


def _edit(text: str, draw: st.DrawFn) -> str:
    at = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
    char = _one_of(draw, *"0123456789-X?~%[],. /x")
    how = _one_of(draw, "insert", "replace", "delete")
    if how == "insert":
        return text[:at] + char + text[at:]
    if how == "replace":
        return text[:at] + char + text[at + 1 :]
    return text[:at] + text[at + 1 :]


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """Draw a valid date broken in one place (the result is sometimes still valid)."""
    text = draw(edtf_dates())
    name = _one_of(draw, *sorted(MUTATIONS))
    broken: str = MUTATIONS[name](text, draw)
    return broken


# --- Known answers ----------------------------------------------------------------------

D = date

BOUNDS = [
    # text, earliest, latest, uncertain, approximate, exact
    ("2018", D(2018, 1, 1), D(2018, 12, 31), False, False, True),
    ("2018-06", D(2018, 6, 1), D(2018, 6, 30), False, False, True),
    ("2018-06-14", D(2018, 6, 14), D(2018, 6, 14), False, False, True),
    ("1000", D(1000, 1, 1), D(1000, 12, 31), False, False, True),
    ("2999-12-31", D(2999, 12, 31), D(2999, 12, 31), False, False, True),
    ("2020-02-29", D(2020, 2, 29), D(2020, 2, 29), False, False, True),
    ("2000-02-29", D(2000, 2, 29), D(2000, 2, 29), False, False, True),
    ("2400-02", D(2400, 2, 1), D(2400, 2, 29), False, False, True),
    ("2100-02", D(2100, 2, 1), D(2100, 2, 28), False, False, True),
    ("2021?", D(2021, 1, 1), D(2021, 12, 31), True, False, False),
    ("2021-03~", D(2021, 3, 1), D(2021, 3, 31), False, True, False),
    ("2021-03-28%", D(2021, 3, 28), D(2021, 3, 28), True, True, False),
    ("201X", D(2010, 1, 1), D(2019, 12, 31), False, False, False),
    ("20XX", D(2000, 1, 1), D(2099, 12, 31), False, False, False),
    ("199X?", D(1990, 1, 1), D(1999, 12, 31), True, False, False),
    ("2004-XX", D(2004, 1, 1), D(2004, 12, 31), False, False, False),
    ("1985-04-XX", D(1985, 4, 1), D(1985, 4, 30), False, False, False),
    ("1985-XX-XX", D(1985, 1, 1), D(1985, 12, 31), False, False, False),
    ("2020-02-XX", D(2020, 2, 1), D(2020, 2, 29), False, False, False),
    ("2021-02-XX", D(2021, 2, 1), D(2021, 2, 28), False, False, False),
    ("1900-02-XX~", D(1900, 2, 1), D(1900, 2, 28), False, True, False),
    ("[2021-03-28,2022-03-28]", D(2021, 3, 28), D(2022, 3, 28), False, False, False),
    ("[2022,2019-05~]", D(2019, 5, 1), D(2022, 12, 31), False, True, False),
    ("[2021,2021,201X?]", D(2010, 1, 1), D(2021, 12, 31), True, False, False),
]


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "uncertain", "approximate", "exact"), BOUNDS
)
def test_known_bounds_and_flags(
    text: str, earliest: date, latest: date, uncertain: bool, approximate: bool, exact: bool
) -> None:
    for value in (parse(text), parse_period_end(text)):
        assert (value.earliest, value.latest) == (earliest, latest)
        assert (value.uncertain, value.approximate, value.exact) == (uncertain, approximate, exact)
        assert str(value) == text
        assert not value.is_open
        assert not value.is_unknown
        assert value.is_set == text.startswith("[")


def test_a_set_keeps_its_alternatives_in_order() -> None:
    value = parse("[2022,2019-05~]")
    assert value.alternatives == (parse("2022"), parse("2019-05~"))
    assert [str(member) for member in value.alternatives] == ["2022", "2019-05~"]
    assert parse("2022").alternatives == ()


def test_open_and_unknown_are_period_ends_only() -> None:
    open_, unknown = parse_period_end(".."), parse_period_end("")
    assert (open_.earliest, open_.latest, unknown.earliest, unknown.latest) == (None,) * 4
    assert open_.is_open
    assert not open_.is_unknown
    assert unknown.is_unknown
    assert not unknown.is_open
    assert (str(open_), str(unknown)) == ("..", "")
    assert not open_.exact
    assert not unknown.exact
    for text in ("..", ""):
        with pytest.raises(InvalidDateError, match="only start or end a period"):
            parse(text)


REFUSED = [
    # text, a word of the reason the message gives
    ("2021-13", "months run from 01 to 12"),
    ("2021-00", "months run from 01 to 12"),
    ("2021-02-29", "2021-02 has 28 days"),
    ("1900-02-29", "1900-02 has 28 days"),
    ("2020-02-30", "2020-02 has 29 days"),
    ("2021-04-31", "2021-04 has 30 days"),
    ("2021-01-00", "has 31 days"),
    ("2021-01-32", "has 31 days"),
    ("3000", "years run from 1000 to 2999"),
    ("0999", "years run from 1000 to 2999"),
    ("999", "four digits"),
    ("20210", "four digits"),
    ("XXXX", "last one or two digits"),
    ("2XXX", "last one or two digits"),
    ("2X21", "last one or two digits"),
    ("201X-05", "when no month follows"),
    ("2021-XX-05", "a known day needs a known month"),
    ("201x", "capital X"),
    ("2021 ", "spaces"),
    (" 2021", "spaces"),
    ("2021\n", "spaces"),
    ("[2021, 2022]", "spaces"),
    ("2021??", "one qualifier"),
    ("2021?~", "one qualifier"),
    ("?2021", "four digits"),
    ("[2021]", "two or more dates"),
    ("[]", "two or more dates"),
    ("[2021,]", "it is empty"),
    ("[2021,2022]?", "no qualifier of its own"),
    ("[2021,[2022,2023]]", "one pair of square brackets"),
    ("[2021,2022", "one pair of square brackets"),
    ("2021,2022", "square brackets"),
    ("[2021..2023,2025]", "in the set"),
    ("2021/2025", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2021-3-28", "write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("２０２１", "four digits"),
    ("...", "four digits"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_refused_texts_say_what_was_expected(text: str, reason: str) -> None:
    with pytest.raises(InvalidDateError) as caught:
        parse(text)
    message = str(caught.value)
    assert message.startswith("expected a date such as 2018, 2018-06, 2018-06-14, 2021?")
    assert f"found {text!r}" in message
    assert reason in message
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, UnikommuneError)
    with pytest.raises(InvalidDateError, match=r"^expected a period start or end such as"):
        parse_period_end(text)
    assert re.fullmatch(EDTF_DATE_PATTERN, text) is None
    assert re.fullmatch(EDTF_PERIOD_END_PATTERN, text) is None


@pytest.mark.parametrize("value", [2021, None, b"2021", date(2021, 1, 1)])
def test_a_non_string_is_a_type_error(value: Any) -> None:
    for parser in PARSERS.values():
        with pytest.raises(TypeError, match="as a string"):
            parser(value)


def test_parsing_is_remembered() -> None:
    assert parse("2018-06-14") is parse("2018-06-14")
    assert parse_period_end("2018") is parse_period_end("2018")
    assert parse.cache_info().maxsize == parse_period_end.cache_info().maxsize >= 10_000


def test_values_are_frozen_and_hashable() -> None:
    value = parse("2021?")
    with pytest.raises(AttributeError):
        value.text = "2022"  # type: ignore[misc]
    assert {value, parse("2021?")} == {value}
    assert parse("2021") != parse("2021?")
    assert repr(value) == "EdtfDate('2021?')"


# --- The checks, by hand ----------------------------------------------------------------

# Each comment is the comparison the check makes, worked out by hand.
BEFORE = [
    # a, b, certainly_before(a, b), possibly_before(a, b)
    ("2020-12", "2021", True, True),  # 2020-12-31 < 2021-01-01; 2020-12-01 < 2021-12-31
    ("2021-01-01", "2021", False, True),  # 2021-01-01 < 2021-01-01 no; < 2021-12-31 yes
    ("2021", "2021-01", False, True),  # 2021-12-31 < 2021-01-01 no; 2021-01-01 < 2021-01-31
    ("2021-01-31", "2021-01", False, False),  # 01-31 < 01-01 no; 01-31 < 01-31 no
    ("2021-02", "2021-01", False, False),  # 02-28 < 01-01 no; 02-01 < 01-31 no
    ("2021-06-01", "2021-06-01", False, False),  # the same day is not before itself
    ("2019-XX", "2020-01-01", True, True),  # 2019-12-31 < 2020-01-01
    ("[2019,2020-06]", "2020-07", True, True),  # 2020-06-30 < 2020-07-01
    ("[2019,2020-07]", "2020-07", False, True),  # 2020-07-31 < 2020-07-01 no; 2019-01-01 < 07-31
    ("[2019,2023]", "2021", False, True),  # 2023-12-31 < 2021-01-01 no; 2019-01-01 < 2021-12-31
    ("2020~", "2021?", True, True),  # qualifiers do not change the bounds
    ("201X", "2019-12-31", False, True),  # 2019-12-31 < 2019-12-31 no; 2010-01-01 < 2019-12-31
    ("..", "2021", False, True),  # open: no bound, so never certain and always possible
    ("2021", "..", False, True),
    ("", "2021", False, True),  # unknown: likewise
    ("2030", "", False, True),
]


@pytest.mark.parametrize(("a", "b", "certainly", "possibly"), BEFORE)
def test_before_known_answers(a: str, b: str, certainly: bool, possibly: bool) -> None:
    assert certainly_before(a, b) is certainly
    assert possibly_before(a, b) is possibly
    assert certainly_before(parse_period_end(a), parse_period_end(b)) is certainly


WITHIN = [
    # inner start, inner end, outer start, outer end, certainly_within, possibly_within
    # certainly: outer_start.latest <= inner_start.earliest, inner_end.latest <= outer_end.earliest
    # possibly: outer_start.earliest <= inner_start.latest, inner_end.earliest <= outer_end.latest
    ("2019-03", "2020-06", "2019-01", "2020-12", True, True),  # 01-31<=03-01, 06-30<=12-01
    ("2019-03", "2020-06", "2019", "2020", False, True),  # 2019-12-31 <= 2019-03-01 no
    ("2019-03-01", "2020-06-30", "2019-03-01", "2020-06-30", True, True),  # the same days
    ("2018", "2019", "2018-06", "2020", False, True),  # 2018-06-01 <= 2018-12-31
    ("2017", "2019", "2018-06", "2020", False, False),  # 2018-06-01 <= 2017-12-31 no
    ("2019-03", "2021-05", "2019", "2020", False, False),  # 2021-05-01 <= 2020-12-31 no
    ("2021-01-01", "2021-01-01", "2020", "2020", False, False),  # 2021-01-01 <= 2020-12-31 no
    ("[2018,2019-03]", "2020", "2019", "2020", False, True),  # 2019-01-01 <= 2019-03-31
    ("2019-03", "..", "2019-01", "2020-12", False, True),  # open end: not certain, possible
    ("2019-03", "2020-06", "", "2020-12", False, True),  # unknown start: likewise
    ("", "", "2019", "2020", False, True),
]


@pytest.mark.parametrize(("i_start", "i_end", "o_start", "o_end", "certainly", "possibly"), WITHIN)
def test_within_known_answers(
    i_start: str, i_end: str, o_start: str, o_end: str, certainly: bool, possibly: bool
) -> None:
    assert certainly_within(i_start, i_end, o_start, o_end) is certainly
    assert possibly_within(i_start, i_end, o_start, o_end) is possibly


OVERLAPS = [
    # a start, a end, b start, b end, certainly_overlaps, possibly_overlaps
    # certainly: a_start.latest <= b_end.earliest and b_start.latest <= a_end.earliest
    # possibly: a_start.earliest <= b_end.latest and b_start.earliest <= a_end.latest
    ("2019-03", "2020-06", "2020-01", "2021", True, True),  # 03-31<=2021-01-01, 01-31<=06-01
    ("2019-03", "2020-06", "2020", "2021", False, True),  # 2020-12-31 <= 2020-06-01 no
    ("2019-03", "2020-06", "2020-06-30", "2021", False, True),  # 06-30 <= 06-01 no; <= 06-30
    ("2019-03", "2020-06", "2020-07-01", "2021", False, False),  # 07-01 <= 06-30 no
    ("2020-06-30", "2020-06-30", "2020-06-30", "2021", True, True),  # one shared day
    ("2022-05-02", "2022-05-02", "2019", "..", False, True),  # open end: possible only
    ("2018", "2018", "2019", "..", False, False),  # 2019-01-01 <= 2018-12-31 no
    ("2019", "..", "2020", "2021", False, True),
    ("[2019,2023]", "[2019,2023]", "2021", "2021", False, True),  # 2019-01-01 <= 2021-12-31
    ("", "", "2021", "2021", False, True),
]


@pytest.mark.parametrize(
    ("a_start", "a_end", "b_start", "b_end", "certainly", "possibly"), OVERLAPS
)
def test_overlaps_known_answers(
    a_start: str, a_end: str, b_start: str, b_end: str, certainly: bool, possibly: bool
) -> None:
    assert certainly_overlaps(a_start, a_end, b_start, b_end) is certainly
    assert possibly_overlaps(a_start, a_end, b_start, b_end) is possibly
    assert certainly_overlaps(b_start, b_end, a_start, a_end) is certainly
    assert possibly_overlaps(b_start, b_end, a_start, a_end) is possibly


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("201X", None, (2010, 2019)),
        ("20XX?", None, (2000, 2099)),
        ("[2018-12-31,2019~]", None, (2018, 2019)),
        ("2018-06", "..", (2018, None)),
        ("", "2020", (None, 2020)),
        ("2018", "2020-XX", (2018, 2020)),
        ("..", None, (None, None)),
    ],
)
def test_years_known_answers(start: str, end: str | None, expected: tuple[Any, Any]) -> None:
    assert years(start, end) == expected


def test_the_checks_refuse_a_text_that_is_no_date() -> None:
    with pytest.raises(InvalidDateError):
        certainly_before("2021-13", "2022")
    with pytest.raises(InvalidDateError):
        possibly_overlaps("2021", "2022", "2023", "soon")


# --- Properties -------------------------------------------------------------------------


@given(edtf_dates())
@example("2000-02-29")
@example("2400-02-29~")
@example("[1600-02-29,2999-12-31%]")
def test_every_drawn_date_parses_matches_and_round_trips(text: str) -> None:
    value = parse(text)
    assert str(value) == text
    assert parse_period_end(text) == value
    assert re.fullmatch(EDTF_DATE_PATTERN, text)
    assert re.fullmatch(EDTF_PERIOD_END_PATTERN, text)
    assert value.earliest is not None
    assert value.latest is not None
    assert value.earliest <= value.latest
    assert value.exact == (not value.is_set and "X" not in text and text[-1] not in "?~%")
    assert years(value) == (value.earliest.year, value.latest.year)


@given(near_misses())
@example("2021\n")
@example("2100-02-29")
@example("1600-02-29")
def test_the_patterns_accept_exactly_what_the_parsers_accept(text: str) -> None:
    for kind, pattern in PATTERNS.items():
        assert (re.fullmatch(pattern, text) is not None) == _accepts(PARSERS[kind], text), kind


@given(period_ends())
def test_every_drawn_period_end_parses_and_round_trips(text: str) -> None:
    value = parse_period_end(text)
    assert str(value) == text
    assert re.fullmatch(EDTF_PERIOD_END_PATTERN, text)
    assert (value.earliest is None) == (value.latest is None) == (text in ("", ".."))


@given(edtf_dates())
def test_a_set_holds_every_alternative_within_its_bounds(text: str) -> None:
    value = parse(text)
    for member in value.alternatives:
        assert value.earliest is not None
        assert value.latest is not None
        assert member.earliest is not None
        assert member.latest is not None
        assert value.earliest <= member.earliest <= member.latest <= value.latest
        assert not member.is_set
    if value.is_set:
        assert value.earliest == min(m.earliest for m in value.alternatives if m.earliest)
        assert value.latest == max(m.latest for m in value.alternatives if m.latest)
        assert value.uncertain == any(member.uncertain for member in value.alternatives)
        assert value.approximate == any(member.approximate for member in value.alternatives)


@given(single_dates())
def test_qualifiers_do_not_change_the_bounds(text: str) -> None:
    plain = parse(text.rstrip("?~%"))
    for mark in "?~%":
        qualified = parse(plain.text + mark)
        assert (qualified.earliest, qualified.latest) == (plain.earliest, plain.latest)
        assert qualified.uncertain == (mark in "?%")
        assert qualified.approximate == (mark in "~%")
        assert not qualified.exact


@given(period_ends(), period_ends())
def test_certainly_before_implies_possibly_before(a: str, b: str) -> None:
    if certainly_before(a, b):
        assert possibly_before(a, b)
        assert not possibly_before(b, a)
        assert not certainly_before(b, a)
    if "" in (a, b) or ".." in (a, b):
        assert not certainly_before(a, b)
        assert possibly_before(a, b)


@given(st.lists(period_ends(), min_size=4, max_size=4))
def test_certainly_implies_possibly_for_periods(values: list[str]) -> None:
    if certainly_within(*values):
        assert possibly_within(*values)
    if certainly_overlaps(*values):
        assert possibly_overlaps(*values)
    a_start, a_end, b_start, b_end = values
    assert certainly_overlaps(*values) == certainly_overlaps(b_start, b_end, a_start, a_end)
    assert possibly_overlaps(*values) == possibly_overlaps(b_start, b_end, a_start, a_end)
    if "" in values or ".." in values:
        assert not certainly_within(*values)
        assert not certainly_overlaps(*values)


@st.composite
def _days(draw: st.DrawFn) -> str:
    return draw(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31))).isoformat()


@given(st.lists(_days(), min_size=4, max_size=4))
def test_on_single_days_the_checks_are_plain_comparisons(days: list[str]) -> None:
    a, b, c, d = days
    assert certainly_before(a, b) == possibly_before(a, b) == (a < b)
    within = c <= a and b <= d
    assert certainly_within(a, b, c, d) == possibly_within(a, b, c, d) == within
    overlap = a <= d and c <= b
    assert certainly_overlaps(a, b, c, d) == possibly_overlaps(a, b, c, d) == overlap


@given(st.lists(_days(), min_size=2, max_size=3), st.lists(_days(), min_size=2, max_size=3))
def test_on_sets_of_days_certain_means_every_choice_and_possible_some(
    a_days: list[str], b_days: list[str]
) -> None:
    a, b = "[" + ",".join(a_days) + "]", "[" + ",".join(b_days) + "]"
    assert certainly_before(a, b) == all(x < y for x in a_days for y in b_days)
    assert possibly_before(a, b) == any(x < y for x in a_days for y in b_days)


# --- The patterns elsewhere: forbidden constructs, JavaScript, Rust -----------------------

FORBIDDEN = {
    "lookahead or lookbehind": r"\(\?<?[=!]",
    "atomic group": r"\(\?>",
    "inline flag": r"\(\?[a-zA-Z]",
    "named group": r"\(\?P?<",
    "backreference": r"\\[1-9]|\\k<",
    "possessive quantifier": r"[*+?}]\+",
    "\\A, \\Z or \\z": r"\\[AZz]",
    "engine-dependent class": r"\\[dDwWsSbB]",
}


@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_patterns_use_only_portable_constructs(kind: str) -> None:
    pattern = PATTERNS[kind]
    assert pattern.isascii()
    assert pattern.startswith("^")
    assert pattern.endswith("$")
    assert pattern.count("^") == pattern.count("$") == 1
    for construct, finder in FORBIDDEN.items():
        assert re.search(finder, pattern) is None, construct
    re.compile(pattern)


def _corpus() -> list[str]:
    """Return texts near the edges of the grammar, a few thousand, the same every run."""
    years = ["1000", "0999", "1200", "1900", "2000", "2020", "2021", "2100", "2999", "3000"]
    years += ["201X", "20XX", "2XXX", "XXXX", "201x", "999"]
    months = ["", "-00", "-01", "-02", "-04", "-12", "-13", "-XX", "-1", "-xx"]
    days = ["", "-00", "-01", "-28", "-29", "-30", "-31", "-32", "-XX", "-1"]
    marks = ["", "?", "~", "%", "??", "~%", " "]
    texts = [
        year + month + day + mark
        for year in years
        for month in months
        for day in days
        for mark in marks
        if month or not day
    ]
    singles = ["2021", "2020-02-29", "201X?", "2021-XX-XX~"]
    texts += [f"[{a},{b}]" for a in singles for b in singles]
    texts += [f"[{a},{b},{c}]" for a in singles[:2] for b in singles for c in singles[2:]]
    texts += ["", "..", "...", ".", "[]", "[2021]", "[2021,]", "[,2021]", "[2021, 2022]"]
    texts += ["[2021,2022]?", "[[2021,2022],2023]", "{2021,2022}", "2021/2022", "../2021"]
    texts += ["2021\n", "\n2021", "２０２１", "2021-02-29\n", "[2021..2023,2025]", "-2021"]
    return texts


CORPUS = _corpus()


def test_the_corpus_holds_both_accepted_and_refused_texts() -> None:
    accepted = [text for text in CORPUS if _accepts(parse_period_end, text)]
    assert 500 < len(accepted) < len(CORPUS) - 500


def test_the_patterns_agree_with_the_parsers_on_the_corpus() -> None:
    for text in CORPUS:
        for kind, pattern in PATTERNS.items():
            assert (re.fullmatch(pattern, text) is not None) == _accepts(PARSERS[kind], text), (
                kind,
                text,
            )


def test_the_patterns_agree_in_rust_regex() -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    for kind, pattern in PATTERNS.items():
        checker = jsonschema_rs.validator_for(
            {"type": "string", "pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions()
        )
        disagree = [
            text for text in CORPUS if checker.is_valid(text) != _accepts(PARSERS[kind], text)
        ]
        assert disagree == [], kind


_NODE_SCRIPT = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
let ajv = null;
try {
  const Ajv2020 = require("ajv/dist/2020");
  ajv = new Ajv2020({strict: true, allErrors: true});
} catch (e) { /* ajv is optional: RegExp with the u flag is what Ajv runs */ }
for (const [kind, pattern] of Object.entries(input.patterns)) {
  const regexp = new RegExp(pattern, "u");
  out[kind] = input.texts.map(t => regexp.test(t));
  if (ajv) {
    const check = ajv.compile({type: "string", pattern: pattern});
    out[kind + " (ajv)"] = input.texts.map(t => check(t));
  }
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_patterns_agree_in_javascript_with_the_u_flag() -> None:
    result = subprocess.run(
        ["node", "-e", _NODE_SCRIPT],
        input=json.dumps({"patterns": PATTERNS, "texts": CORPUS}),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    for kind, matched in answers.items():
        parser = PARSERS[kind.removesuffix(" (ajv)")]
        disagree = [
            text
            for text, accepted in zip(CORPUS, matched, strict=True)
            if accepted != _accepts(parser, text)
        ]
        assert disagree == [], kind


# --- Documentation ----------------------------------------------------------------------


def test_doctests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(dates, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20
    assert result.failed == 0


def test_the_guide_runs_and_names_every_check() -> None:
    guide = (ROOT / "docs" / "dates.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", guide, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/dates.md", "exec"), {"__name__": "__docs__"})
    for name in dates.__all__:
        if name.startswith(("certainly_", "possibly_")):
            assert f"`{name}" in guide, name


def _year_accepted(text: str) -> bool:
    try:
        dates.parse_year(text)
    except dates.InvalidDateError:
        return False
    return True


@given(
    edtf_dates() | near_misses() | st.from_regex(r"\[?[12][0-9][0-9X]{2}[?~%]?\]?", fullmatch=True)
)
@example("2021")
@example("2021?")
@example("[2021,2022]")
@example("2021-03?")
def test_the_year_pattern_accepts_exactly_what_parse_year_accepts(text: str) -> None:
    assert (re.fullmatch(dates.EDTF_YEAR_PATTERN, text) is not None) == _year_accepted(text)


@pytest.mark.parametrize(
    ("value", "bounds", "exact"),
    [
        (2021, ("2021-01-01", "2021-12-31"), True),
        ("2021?", ("2021-01-01", "2021-12-31"), False),
        ("201X", ("2010-01-01", "2019-12-31"), False),
        ("[2019,2021~]", ("2019-01-01", "2021-12-31"), False),
    ],
)
def test_years_as_known(value: int | str, bounds: tuple[str, str], exact: bool) -> None:
    found = dates.parse_year(value)
    assert found.earliest is not None
    assert found.latest is not None
    assert (found.earliest.isoformat(), found.latest.isoformat()) == bounds
    assert found.exact == exact


@pytest.mark.parametrize("value", ["2021", "2021-03", "2021-03-01?", "..", "", 999, 3000, True])
def test_a_year_written_otherwise_is_refused(value: Any) -> None:
    with pytest.raises((dates.InvalidDateError, TypeError)):
        dates.parse_year(value)

"""Indicator values: a number with its range, its sources and how sure it is, or no data.

A :class:`Value` is one cell of an indicator: a year (or a period, for a reported
figure that covers several years) and, for a breakdown, a category.  ``value`` is
``None`` when there is no data, which is never the same as 0.  ``low`` and ``high``
bound it: an exact count from records dated certainly in the year has ``low == value
== high``; an estimate (``{"about": 3000}``) counts as its value and flags the cell
``approximate``; a range (``{"min": 8, "max": 12}``) counts as its middle and adds its
ends to ``low`` and ``high`` (an open range leaves ``high`` unbounded, ``None``); a
record that only *may* fall in the year (``2021?`` is certain enough, ``201X`` is not)
counts in every year it may fall in, adds nothing to ``low`` there, and flags the cell
``uncertain``.  The cautious reading of a value is ``low``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from unikommune import dates
from unikommune.models.values import central

__all__ = [
    "GROUP_SEPARATOR",
    "MAX_EVIDENCE",
    "NO_DATA",
    "Cell",
    "Lang",
    "Source",
    "Value",
    "combine_sources",
    "count_bounds",
    "date_years",
    "display",
    "format_number",
    "given_year",
    "last_known_year",
    "moving_average",
    "period_years",
    "share",
    "sum_values",
    "year_bounds",
]

Lang = Literal["nb", "en"]
"""A language people read numbers and reasons in: Norwegian Bokmål or English."""

Source = Literal["records", "figures", "both"]
"""Where a value comes from: records of the dataset, reported figures, or both."""

#: Sets thousands apart in a number people read: a no-break space (U+00A0), as CLDR's
#: Norwegian (nb) does; a number of four digits or fewer stays whole (``4000``).
GROUP_SEPARATOR = "\u00a0"

#: How many record ids a value keeps as its evidence (``records`` counts them all).
MAX_EVIDENCE = 20


@dataclass(frozen=True, slots=True)
class Value:
    """One cell of an indicator; see the module's documentation for what each field means."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    source: Source | None = None
    approximate: bool = False
    uncertain: bool = False
    records: int = 0
    evidence: tuple[str, ...] = ()

    @property
    def no_data(self) -> bool:
        """Return whether the cell has no data (``value`` is ``None``)."""
        return self.value is None

    def as_dict(self) -> dict[str, Any]:
        """Return the cell as JSON-ready data; ``value`` is ``None`` for no data."""
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "source": self.source,
            "approximate": self.approximate,
            "uncertain": self.uncertain,
            "records": self.records,
            "evidence": list(self.evidence),
        }


NO_DATA = Value()


@dataclass(slots=True)
class Cell:
    """A running sum that becomes a :class:`Value`: what each record adds, as it is read."""

    value: float = 0.0
    low: float = 0.0
    high: float | None = 0.0
    approximate: bool = False
    uncertain: bool = False
    records: int = 0
    evidence: list[str] = field(default_factory=list)

    def add(
        self,
        record: str,
        amount: float = 1.0,
        bounds: tuple[float, float | None] | None = None,
        *,
        certain: bool = True,
        approximate: bool = False,
    ) -> None:
        """Add ``amount`` (whose range is ``bounds``) from ``record``, dated certainly or not."""
        low, high = bounds if bounds is not None else (amount, amount)
        self.value += amount
        if certain:
            self.low += low
        else:
            self.uncertain = True
        if self.high is not None:
            self.high = None if high is None else self.high + high
        self.approximate = self.approximate or approximate
        self.records += 1
        if len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(record)

    def freeze(self, source: Source = "records") -> Value:
        """Return the cell as a :class:`Value` from ``source``."""
        return Value(
            value=_tidy(self.value),
            low=_tidy(self.low),
            high=None if self.high is None else _tidy(self.high),
            source=source,
            approximate=self.approximate,
            uncertain=self.uncertain,
            records=self.records,
            evidence=tuple(self.evidence),
        )


def _tidy(number: float) -> float:
    """Return ``number`` rid of float noise (sums of tenths): 12 significant digits."""
    number = float(number)
    if number.is_integer():
        return number
    return float(f"{number:.12g}")


def count_bounds(count: Any) -> tuple[float, tuple[float, float | None], bool]:
    """Return the central value, the range and whether a count (or estimate) is approximate.

    >>> from unikommune.models.values import CountEstimate
    >>> count_bounds(12)
    (12, (12, 12), False)
    >>> count_bounds(CountEstimate(about=3000))
    (3000, (3000, 3000), True)
    >>> count_bounds(CountEstimate(min=8, max=12))
    (10.0, (8, 12), True)
    >>> count_bounds(CountEstimate(min=20))
    (20, (20, None), True)
    """
    if isinstance(count, int | float) and not isinstance(count, bool):
        return count, (count, count), False
    middle = central(count)
    low = count.min if count.min is not None else (count.about if count.about is not None else 0)
    high = count.max if count.max is not None else count.about
    if count.about is None and count.max is None:
        high = None
    return middle, (low, high), True


def combine_sources(sources: Iterable[Source | None]) -> Source | None:
    """Return ``records``, ``figures`` or ``both`` for the sources of several values."""
    found = {source for source in sources if source is not None}
    if not found:
        return None
    if found == {"records"}:
        return "records"
    if found == {"figures"}:
        return "figures"
    return "both"


def share(part: Value, whole: Value) -> Value:
    """Return ``part`` as a percentage of ``whole``: no data when either is, or whole is 0.

    The range comes from the part's range over the whole's value.

    >>> share(Value(1, 1, 1, "records"), Value(4, 4, 4, "records")).value
    25.0
    >>> share(Value(0, 0, 0, "records"), Value(0, 0, 0, "records")).no_data
    True
    """
    if part.value is None or whole.value is None or not whole.value:
        return NO_DATA
    scale = 100.0 / whole.value
    return Value(
        value=_tidy(part.value * scale),
        low=None if part.low is None else _tidy(part.low * scale),
        high=None if part.high is None else _tidy(min(100.0, part.high * scale)),
        source=combine_sources((part.source, whole.source)),
        approximate=part.approximate or whole.approximate,
        uncertain=part.uncertain or whole.uncertain,
        records=part.records,
        evidence=part.evidence,
    )


def moving_average(series: Mapping[int, Value], width: int = 3) -> dict[int, Value]:
    """Return the trailing ``width``-year mean of a yearly series, for each of its years.

    The mean for year *y* is that of *y − width + 1* … *y*; it is no data unless every one
    of those years has data.  Ranges are averaged like values (an unbounded ``high``
    stays unbounded); flags and sources are those of the years averaged.

    >>> flat = {year: Value(5, 5, 5, "records") for year in (2019, 2020, 2021, 2022)}
    >>> [(year, v.value) for year, v in moving_average(flat).items()]
    [(2019, None), (2020, None), (2021, 5.0), (2022, 5.0)]
    """
    averages: dict[int, Value] = {}
    for year in sorted(series):
        window = [series.get(year - back, NO_DATA) for back in range(width)]
        if any(item.value is None for item in window):
            averages[year] = NO_DATA
            continue
        highs = [item.high for item in window]
        averages[year] = Value(
            value=_tidy(sum(item.value or 0.0 for item in window) / width),
            low=_tidy(sum(item.low or 0.0 for item in window) / width),
            high=None if None in highs else _tidy(sum(h or 0.0 for h in highs) / width),
            source=combine_sources(item.source for item in window),
            approximate=any(item.approximate for item in window),
            uncertain=any(item.uncertain for item in window),
            records=sum(item.records for item in window),
        )
    return averages


def _marked(day: dates.EdtfDate) -> bool:
    return day.uncertain or day.approximate


@lru_cache(maxsize=65_536)
def year_bounds(start: str, end: str | None, last_known: int) -> tuple[int, int, int, int] | None:
    """Return the years a period may and must cover: ``(first, last, sure_first, sure_last)``.

    The period may touch every year from ``first`` to ``last`` and certainly covers a day
    of every year from ``sure_first`` to ``sure_last`` (an empty range when
    ``sure_first > sure_last``).  An open end (``..`` or absent) runs to ``last_known``
    (the year the dataset was last modified), where it certainly still runs; an unknown
    end (``""``) may run to ``last_known`` but is sure only of its start's year.  A start
    or end marked uncertain or approximate (``2021?``, ``2021~``) makes no year sure.  An
    unknown start gives ``None``: the period cannot be placed in years.

    >>> year_bounds("2019-06", "2021", 2026)
    (2019, 2021, 2019, 2021)
    >>> year_bounds("[2019,2020]", "2021", 2026)
    (2019, 2021, 2020, 2021)
    >>> year_bounds("2022?", "..", 2026)
    (2022, 2026, 1, 0)
    """
    first_day = dates.parse_period_end(start)
    if first_day.earliest is None or first_day.latest is None:
        return None
    first, sure_first = first_day.earliest.year, first_day.latest.year
    closing = dates.parse_period_end(end if end is not None else "..")
    if closing.is_open:
        last = sure_last = max(last_known, sure_first)
    elif closing.is_unknown:
        last, sure_last = max(last_known, first), sure_first
    else:
        assert closing.earliest is not None
        assert closing.latest is not None
        last, sure_last = closing.latest.year, closing.earliest.year
    if _marked(first_day) or _marked(closing):
        sure_first, sure_last = 1, 0
    return first, max(last, first), sure_first, sure_last


@lru_cache(maxsize=65_536)
def date_years(text: str) -> tuple[int, int, bool] | None:
    """Return the first and last year a date as known may be in, and whether it is sure.

    Sure means one year, not marked uncertain or approximate; ``None`` when unknown.

    >>> date_years("2021-03"), date_years("2021?"), date_years("[2021,2022]")
    ((2021, 2021, True), (2021, 2021, False), (2021, 2022, False))
    """
    found = dates.parse_period_end(text)
    if found.earliest is None or found.latest is None:
        return None
    first, last = found.earliest.year, found.latest.year
    return first, last, first == last and not _marked(found)


@lru_cache(maxsize=65_536)
def given_year(year: int | str) -> tuple[int, int, bool]:
    """Return the first and last year a year as known may be, and whether it is sure.

    >>> given_year(2021), given_year("201X"), given_year("2021?")
    ((2021, 2021, True), (2010, 2019, False), (2021, 2021, False))
    """
    if isinstance(year, int):
        return year, year, True
    found = dates.parse_year(year)
    first, last = dates.years(found)
    assert first is not None  # a year is never open
    assert last is not None
    return first, last, first == last and not _marked(found)


def period_years(start: str, end: str | None) -> tuple[int, int] | None:
    """Return the first and last year a reported figure's period may cover (open: ``None``)."""
    opening = date_years(start) if start and start != ".." else None
    closing = date_years(end) if end and end != ".." else None
    if opening is None or closing is None:
        return None
    return opening[0], closing[1]


def last_known_year(modified: str) -> int:
    """Return the year of a dataset's ``modified`` date."""
    return dt.date.fromisoformat(modified).year


def sum_values(parts: Iterable[tuple[Value, float]]) -> Value:
    """Return the sum of values each scaled by a factor (a rate); no data when none has data."""
    items = [(value, factor) for value, factor in parts if value.value is not None]
    if not items:
        return NO_DATA
    highs = [None if v.high is None else v.high * f for v, f in items]
    return Value(
        value=_tidy(sum((v.value or 0.0) * f for v, f in items)),
        low=_tidy(sum((v.low or 0.0) * f for v, f in items)),
        high=None if None in highs else _tidy(sum(h or 0.0 for h in highs)),
        source=combine_sources(v.source for v, _ in items),
        approximate=any(v.approximate for v, _ in items),
        uncertain=any(v.uncertain for v, _ in items),
        records=sum(v.records for v, _ in items),
        evidence=tuple(e for v, _ in items for e in v.evidence)[:MAX_EVIDENCE],
    )


def display(
    value: Value, *, no_data: str = "–", lang: Lang = "en", grouped: bool | None = None
) -> str:
    """Return a cell as people read it: ``~3000`` approximate, ``12?`` uncertain, ``8–12``.

    Its numbers are written by :func:`format_number` in ``lang``.

    >>> display(Value(10, 8, 12, "records", approximate=True)), display(Value())
    ('~10 (8–12)', '–')
    >>> display(Value(4, 3, 4, "records", uncertain=True))
    '4? (3–4)'
    >>> display(Value(46.7, 46, 47.3, "both"), lang="nb")
    '46,7 (46–47,3)'
    """
    if value.value is None:
        return no_data
    text = format_number(value.value, lang, grouped=grouped)
    if value.approximate:
        text = "~" + text
    if value.uncertain:
        text += "?"
    if value.low != value.value or value.high != value.value:
        high = "…" if value.high is None else format_number(value.high, lang, grouped=grouped)
        text += f" ({format_number(value.low or 0.0, lang, grouped=grouped)}–{high})"
    return text


def format_number(amount: float, lang: Lang = "en", *, grouped: bool | None = None) -> str:
    r"""Return a number as people read it in ``lang``: the one way the evaluation prints one.

    Whole numbers are written whole; others to three significant digits (below 100)
    or to the unit.  In Norwegian (``nb``) the decimal sign is a comma and thousands
    are set apart by :data:`GROUP_SEPARATOR` (from five digits on); in English the
    decimal sign is a point and thousands are set apart only when ``grouped`` (the
    HTML report's tables).  Machine outputs (CSV, JSON) never come through here.

    >>> format_number(46.666), format_number(46.666, "nb"), format_number(4000, "nb")
    ('46.7', '46,7', '4000')
    >>> format_number(12000000, "nb"), format_number(12345.6, grouped=True)
    ('12\xa0000\xa0000', '12\xa0346')
    >>> format_number(12345.6), format_number(-0.25, "nb"), format_number(0.00001)
    ('12346', '-0,25', '0')
    """
    amount = float(amount)
    if amount.is_integer():
        text = f"{int(amount)}"
    else:
        text = f"{amount:.3g}" if abs(amount) < 100 else f"{amount:.0f}"
    if "e" in text:  # too small for three digits after the point: write it out
        text = f"{amount:.3f}".rstrip("0").rstrip(".")
    whole, point, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if (lang == "nb" if grouped is None else grouped) and len(digits) > 4:
        digits = f"{int(digits):,}".replace(",", GROUP_SEPARATOR)
    decimal = "," if lang == "nb" else "."
    return sign + digits + (decimal + fraction if point else "")

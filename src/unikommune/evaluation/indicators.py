"""Compute the indicators of a dataset: per year, by breakdown, with moving averages.

>>> import unikommune
>>> from unikommune.evaluation import indicators
>>> found = indicators(unikommune.load("examples/trondheim"), network=False)
>>> found["projects_active"].values["2020"].value
6.0
>>> found["students_placed"].values["2021"].approximate
False
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from unikommune.collector import collector_paused
from unikommune.errors import EvaluationError
from unikommune.evaluation.catalogue import CATALOGUE, NETWORK_COLUMNS, Indicator, indicator
from unikommune.evaluation.figures import FigureTally, figures_pass
from unikommune.evaluation.passes import (
    agreements_pass,
    education_pass,
    missions_pass,
    projects_pass,
    sdg_pass,
)
from unikommune.evaluation.tally import Context, Tally, organisations
from unikommune.evaluation.values import (
    NO_DATA,
    Cell,
    Value,
    last_known_year,
    moving_average,
    share,
    sum_values,
)
from unikommune.models import Dataset
from unikommune.models.values import Period

if TYPE_CHECKING:
    from unikommune.graph.yearly import YearMap

__all__ = ["COVERAGE", "IndicatorSeries", "Indicators", "indicators"]

#: The collection (or part of one) whose span of years says where a 0 is real.
COVERAGE: Mapping[str, str] = {
    "projects_active": "projects",
    "projects_started": "projects",
    "projects_completed": "projects",
    "participations": "projects",
    "missions_active": "missions",
    "funding_applications": "applications",
    "students_placed": "placements",
    "placement_weeks": "placement_weeks",
    "theses": "theses",
    "learning_activities": "learning_activities",
    "ects_offered": "ects",
    "learning_participants": "learning_participants",
    "outputs": "outputs",
    "co_authored_outputs": "outputs",
    "combined_positions": "agreements",
    "sdg_links": "sdg",
}
#: Percentages: a part over a whole, each tallied under its own code.
_SHARES = {
    "mission_projects_in_timeframe": ("_mission_projects_within", "_mission_projects"),
    "funding_success_rate": ("_granted", "_decided"),
    "sdg_linked_share": ("_linked_activities", "_activities"),
}


@dataclass(frozen=True, slots=True)
class IndicatorSeries:
    """One indicator computed for a dataset.

    Attributes:
        indicator: Its entry in the catalogue.
        unit: Its unit; for money, the currency (``"currency"`` when several are mixed).
        values: Value by period: a year (``"2021"``), a period a reported figure covers
            (``"2023/2024"``) or ``"undated"``.
        moving_average: The 3-year trailing moving average by year (empty when the
            indicator has none).
        breakdowns: Value by breakdown, category and period; a category missing in a year
            inside the indicator's span is 0.
    """

    indicator: Indicator
    unit: str
    values: dict[str, Value]
    moving_average: dict[str, Value] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, dict[str, Value]]] = field(default_factory=dict)

    def yearly(self) -> dict[int, Value]:
        """Return the values of the calendar years only, by year."""
        return {int(key): value for key, value in self.values.items() if key.isdigit()}


@dataclass(frozen=True, slots=True)
class Indicators:
    """Every indicator computed for a dataset, with the years they cover."""

    years: tuple[int, ...]
    series: dict[str, IndicatorSeries]

    def __getitem__(self, code: str) -> IndicatorSeries:
        """Return the series of ``code``; raise :class:`UnknownCodeError` if not computed."""
        if code not in self.series:
            indicator(code)  # raises for an unknown code
            raise EvaluationError(f"indicator {code!r} was not computed; ask for it")
        return self.series[code]

    def __iter__(self) -> Any:
        return iter(self.series.values())

    def rows(self, *, breakdowns: bool = False, lang: str = "en") -> list[dict[str, Any]]:
        """Return one flat row per indicator and period (and breakdown category)."""
        rows: list[dict[str, Any]] = []
        for series in self.series.values():
            entry = series.indicator
            base = {"indicator": entry.code, "title": entry.title.get(lang, entry.title["en"])}
            for period, value in series.values.items():
                average = series.moving_average.get(period)
                rows.append(_row(base, series.unit, period, "", "", value, average))
            if not breakdowns:
                continue
            for name, categories in series.breakdowns.items():
                for category, cells in categories.items():
                    for period, value in cells.items():
                        rows.append(_row(base, series.unit, period, name, category, value, None))
        return rows


def _row(
    base: dict[str, Any],
    unit: str,
    period: str,
    breakdown: str,
    category: str,
    value: Value,
    average: Value | None,
) -> dict[str, Any]:
    return {
        **base,
        "period": period,
        "breakdown": breakdown,
        "category": category,
        "value": value.value,
        "low": value.low,
        "high": value.high,
        "unit": unit,
        "moving_average": None if average is None else average.value,
        "source": value.source,
        "approximate": value.approximate,
        "uncertain": value.uncertain,
        "records": value.records,
    }


def _context(dataset: Dataset) -> Context:
    top = organisations({p.id: p.parent for p in dataset.partners})
    return Context(
        last_known=last_known_year(dataset.modified),
        top=top,
        sector={p.id: p.sector.value for p in dataset.partners},
        kind={p.id: p.kind.value for p in dataset.partners},
    )


def indicators(
    dataset: Dataset,
    codes: Iterable[str] | None = None,
    *,
    when: int | Period | None = None,
    rates: Mapping[str, float] | None = None,
    currency: str | None = None,
    network: bool = True,
    network_options: Mapping[str, Any] | None = None,
    breakdowns: bool | Iterable[str] = True,
    side_by_side: YearMap | None = None,
) -> Indicators:
    """Return the indicators ``codes`` (default: the whole catalogue) of ``dataset``.

    Each collection is read once.  A value with no data is ``None`` (see
    :class:`~unikommune.evaluation.values.Value`); ``docs/indicators.md`` defines each
    indicator.

    Args:
        dataset: The dataset.
        codes: Codes of the catalogue to compute; ``None`` for all.
        when: Keep only the periods that may overlap this year or period.
        rates: Exchange rates to ``currency`` (``{"EUR": 11.5}``: 1 EUR is 11.5 of it),
            for a total of external funding across currencies.
        currency: The currency ``rates`` convert to (its own rate is 1).
        network: Compute the network indicators (a co-participation network per year).
        network_options: Options of :func:`unikommune.graph.yearly_metrics` (``via``,
            ``counting``, ``level``) for the network indicators.
        breakdowns: Compute every breakdown (``True``), none (``False``: totals only,
            much quicker), or the breakdowns named.
        side_by_side: Does independent work side by side (such as
            :func:`unikommune.cli.options.years_side_by_side`, which forks): the passes
            over the collections, in two parts, and the years of the network indicators
            (unless ``network_options`` gives its own ``map_years``).  The indicators are
            the same either way.

    Raises:
        UnknownCodeError: a code is not in the catalogue.
        EvaluationError: ``rates`` without ``currency``, or a currency without a rate.
    """
    # Long only by its docstring: one pass per collection, then one series per indicator.
    chosen = list(CATALOGUE) if codes is None else [indicator(code).code for code in codes]
    if not network and codes is None:
        chosen = [code for code in chosen if CATALOGUE[code].group != "network"]
    if rates is not None and currency is None:
        raise EvaluationError("exchange rates need the currency they convert to")
    ctx = _context(dataset)
    wanted = None if breakdowns is True else frozenset(breakdowns or ())
    # The network indicators alone need only the years the collections span.
    counting = any(CATALOGUE[code].group != "network" for code in chosen)

    def part(index: int) -> Tally:
        tally = Tally(wanted=wanted, counting=counting)
        with collector_paused():
            for step in _PASSES[index]:
                step(dataset, tally, ctx)
        return tally

    parts = range(len(_PASSES))
    tallies = side_by_side(part, parts) if side_by_side and counting else [part(at) for at in parts]
    tally = tallies[0]
    for other in tallies[1:]:
        tally.merge(other)
    reported = figures_pass(dataset)
    years = _years(tally, reported)
    read = Read(tally.expand(), tally.spans, tally.reached())
    series: dict[str, IndicatorSeries] = {}
    for code in chosen:
        entry = CATALOGUE[code]
        if entry.group == "network":
            continue
        series[code] = _series(entry, read, reported, years, rates, currency)
    network_codes = [code for code in chosen if CATALOGUE[code].group == "network"]
    if network_codes:
        options = dict(network_options or {})
        if side_by_side is not None:
            options.setdefault("map_years", side_by_side)
        # tied by projects (the default), a year outside the projects' span has no data
        span = None if options.get("via") else tally.spans.get("projects", (1, 0))
        series.update(_network(dataset, network_codes, years, options, span))
    if when is not None:
        series = {code: _filtered(item, when) for code, item in series.items()}
        years = tuple(year for year in years if _overlaps(str(year), when))
    return Indicators(years=years, series={code: series[code] for code in chosen})


#: The passes over the collections, in two parts of about equal work at country scale
#: (each adds to codes of its own), which ``side_by_side`` may run at once.
_PASSES = (
    (projects_pass, missions_pass),
    (education_pass, agreements_pass, sdg_pass),
)


def _years(tally: Tally, reported: FigureTally) -> tuple[int, ...]:
    found = {year for first, last in tally.spans.values() for year in range(first, last + 1)}
    found.update(int(key) for key in reported.periods() if key.isdigit())
    return tuple(range(min(found), max(found) + 1)) if found else ()


@dataclass(frozen=True, slots=True)
class Read:
    """What the passes found: cells by code, cut and year; spans; SDG items reached."""

    cells: dict[str, dict[tuple[str, str], dict[int, Cell]]]
    spans: dict[str, tuple[int, int]]
    reached: dict[tuple[str, int], tuple[set[str], set[str]]]

    def covered(self, collection: str, year: int) -> bool:
        """Return whether ``year`` lies in the span of years of ``collection``."""
        span = self.spans.get(collection)
        return span is not None and span[0] <= year <= span[1]

    def total(self, code: str) -> dict[int, Cell]:
        """Return the cells of the total of ``code`` by year."""
        return self.cells.get(code, {}).get(("", ""), {})


_ZERO = Value(0.0, 0.0, 0.0, "records")


def _record_cells(
    read: Read, code: str, coverage: str | None, years: tuple[int, ...]
) -> dict[str, Value]:
    values: dict[str, Value] = {}
    total = read.total(code)
    for year in years:
        cell = total.get(year)
        if cell is not None:
            values[str(year)] = cell.freeze()
        elif coverage is not None and read.covered(coverage, year):
            values[str(year)] = _ZERO
    return values


def _series(
    entry: Indicator,
    read: Read,
    reported: FigureTally,
    years: tuple[int, ...],
    rates: Mapping[str, float] | None,
    currency: str | None,
) -> IndicatorSeries:
    code = entry.code
    unit = entry.unit
    if code in _SHARES:
        part, whole = _SHARES[code]
        parts, wholes = read.total(part), read.total(whole)
        values = {
            str(year): share(
                parts[year].freeze() if year in parts else _ZERO,
                wholes[year].freeze() if year in wholes else NO_DATA,
            )
            for year in years
        }
        cuts = _share_breakdowns(read, part, whole) if entry.breakdowns else {}
    elif code in ("sdg_goals_reached", "sdg_targets_reached"):
        values = _reached(read, code, years)
        cuts = {}
    elif code == "external_funding":
        values, cuts, unit = _funding(read, reported, years, rates, currency)
    else:
        values = _record_cells(read, code, COVERAGE.get(code), years)
        cuts = _breakdowns(read, code)
    if code != "external_funding":
        values = reported.fill(code, values, cuts)
    ordered = {key: values.get(key, NO_DATA) for key in (*map(str, years), *values)}
    averages = (
        {
            str(y): v
            for y, v in moving_average(
                {int(k): v for k, v in ordered.items() if k.isdigit()}
            ).items()
        }
        if entry.moving_average
        else {}
    )
    return IndicatorSeries(entry, unit, ordered, averages, cuts)


def _breakdowns(read: Read, code: str) -> dict[str, dict[str, dict[str, Value]]]:
    found: dict[str, dict[str, dict[str, Value]]] = {}
    for (breakdown, category), cells in read.cells.get(code, {}).items():
        if breakdown:
            found.setdefault(breakdown, {})[category] = {
                str(year): cell.freeze() for year, cell in sorted(cells.items())
            }
    return found


def _share_breakdowns(read: Read, part: str, whole: str) -> dict[str, dict[str, dict[str, Value]]]:
    wholes = _breakdowns(read, whole)
    parts = _breakdowns(read, part)
    return {
        name: {
            category: {
                year: share(parts.get(name, {}).get(category, {}).get(year, _ZERO), value)
                for year, value in cells.items()
            }
            for category, cells in categories.items()
        }
        for name, categories in wholes.items()
    }


def _reached(read: Read, code: str, years: tuple[int, ...]) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for year in years:
        if not read.covered("sdg", year):
            continue
        sure, maybe = read.reached.get((code, year), (set(), set()))
        values[str(year)] = Value(
            float(len(maybe)),
            float(len(sure)),
            float(len(maybe)),
            "records",
            uncertain=len(sure) != len(maybe),
            records=len(maybe),
            evidence=tuple(sorted(maybe)),
        )
    return values


def _funding(
    read: Read,
    reported: FigureTally,
    years: tuple[int, ...],
    rates: Mapping[str, float] | None,
    currency: str | None,
) -> tuple[dict[str, Value], dict[str, dict[str, dict[str, Value]]], str]:
    recorded = {name for name in read.cells if name.startswith("external_funding:")}
    currencies = sorted({name.partition(":")[2] for name in recorded} | reported.currencies())
    cuts: dict[str, dict[str, dict[str, Value]]] = {}
    by_currency: dict[str, dict[str, Value]] = {}
    for cur in currencies:
        name = f"external_funding:{cur}"
        own = _breakdowns(read, name)
        by_currency[cur] = reported.fill(name, _record_cells(read, name, "funding", years), own)
        for breakdown, categories in own.items():
            target = cuts.setdefault(breakdown, {})
            for category, cells in categories.items():
                for period, value in cells.items():
                    # the same funder in two currencies has a total only with rates
                    known = category in target and period in target[category]
                    target.setdefault(category, {})[period] = NO_DATA if known else value
    cuts["currency"] = by_currency
    if rates is None:
        if len(currencies) == 1:
            return by_currency[currencies[0]], cuts, currencies[0]
        return {}, cuts, "currency"
    assert currency is not None
    factor = {cur: 1.0 if cur == currency else rates.get(cur) for cur in currencies}
    missing = [cur for cur, rate in factor.items() if rate is None]
    if missing:
        raise EvaluationError(
            f"no exchange rate for {', '.join(missing)} to {currency}; give one per currency"
        )
    periods = {period for cells in by_currency.values() for period in cells}
    totals = {
        period: sum_values(
            (cells[period], factor[cur] or 1.0)
            for cur, cells in by_currency.items()
            if period in cells
        )
        for period in periods
    }
    return {k: v for k, v in totals.items() if not v.no_data}, cuts, currency


def _network(
    dataset: Dataset,
    codes: list[str],
    years: tuple[int, ...],
    options: Mapping[str, Any],
    span: tuple[int, int] | None,
) -> dict[str, IndicatorSeries]:
    from unikommune.graph import yearly_metrics

    every = years
    if span is not None:
        years = tuple(year for year in years if span[0] <= year <= span[1])
    rows = yearly_metrics(dataset, list(years), **options) if years else []
    found: dict[str, IndicatorSeries] = {}
    for code in codes:
        column = NETWORK_COLUMNS[code]
        values: dict[str, Value] = dict.fromkeys(map(str, every), NO_DATA)
        for row in rows:
            number = row.get(column)
            if number is None:
                values[row["period"]] = NO_DATA
                continue
            number = float(number) * (100.0 if CATALOGUE[code].unit == "percent" else 1.0)
            values[row["period"]] = Value(number, number, number, "records")
        found[code] = IndicatorSeries(CATALOGUE[code], CATALOGUE[code].unit, values)
    return found


def _overlaps(period: str, when: int | Period) -> bool:
    from unikommune.evaluation.values import period_years

    if period == "undated":
        return False
    first_text, _, last_text = period.partition("/")
    span = period_years(first_text, last_text or first_text)
    if span is None:
        return True
    if isinstance(when, int):
        return span[0] <= when <= span[1]
    bounds = when.bounds()
    return (bounds[1] is None or span[0] <= bounds[1].year) and (
        bounds[0] is None or span[1] >= bounds[0].year
    )


def _filtered(series: IndicatorSeries, when: int | Period) -> IndicatorSeries:
    def keep(cells: dict[str, Value]) -> dict[str, Value]:
        return {key: value for key, value in cells.items() if _overlaps(key, when)}

    return IndicatorSeries(
        series.indicator,
        series.unit,
        keep(series.values),
        keep(series.moving_average),
        {
            name: {category: keep(cells) for category, cells in categories.items()}
            for name, categories in series.breakdowns.items()
        },
    )

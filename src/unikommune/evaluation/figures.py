"""Reported figures as indicator values, for the periods where records give none.

A figure goes to the indicators whose ``measure`` it has (:mod:`.catalogue`), in the
period it covers: a calendar year (``"2023"``), a longer period (``"2023/2024"``), or
``"undated"`` when it names neither a date nor a period.  Its dimensions become
breakdowns (``{"field": "health"}`` is category ``health`` of breakdown ``field``); a
figure about a focus or thematic area goes to that breakdown only.  The total of a
period is the sum of the figures without dimensions when there are any, else the sum
of all of them (a set of figures cut by one dimension is read as its parts).
Applications read the dimension ``outcome``: the count is the figure with outcome
``applied`` (all submitted), else the sum of the outcomes; the success rate is granted
over granted and rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unikommune.evaluation.catalogue import CATALOGUE
from unikommune.evaluation.values import (
    NO_DATA,
    Cell,
    Value,
    count_bounds,
    date_years,
    period_years,
    share,
)
from unikommune.models import Dataset, Figure

__all__ = ["FigureTally", "figure_period", "figures_pass"]

_MEASURES: dict[str, list[str]] = {}
for _entry in CATALOGUE.values():
    if _entry.measure is not None:
        _MEASURES.setdefault(_entry.measure, []).append(_entry.code)
#: Dimensions that say how to read a figure rather than cut it.
_READING = frozenset({"per", "outcome"})

Key = tuple[str, str, str, str]  # code, breakdown, category, period


@dataclass(slots=True)
class FigureTally:
    """Figure cells by ``(code, breakdown, category, period)``, plain and cut totals apart."""

    plain: dict[Key, Cell] = field(default_factory=dict)
    cut: dict[Key, Cell] = field(default_factory=dict)

    def periods(self, code: str | None = None) -> set[str]:
        """Return every period a figure (of ``code``, if given) covers."""
        return {key[3] for key in (*self.plain, *self.cut) if code is None or key[0] == code}

    def currencies(self) -> set[str]:
        """Return the currencies external funding is reported in."""
        return {
            key[0].partition(":")[2]
            for key in (*self.plain, *self.cut)
            if key[0].startswith("external_funding:")
        }

    def total(self, code: str, period: str) -> Value:
        """Return the figures' total of ``code`` in ``period``, or no data."""
        cell = self.plain.get((code, "", "", period)) or self.cut.get((code, "", "", period))
        return NO_DATA if cell is None else cell.freeze("figures")

    def fill(
        self,
        code: str,
        values: dict[str, Value],
        cuts: dict[str, dict[str, dict[str, Value]]],
    ) -> dict[str, Value]:
        """Return ``values`` with every period records leave empty taken from figures.

        The figures' breakdowns of those periods are added to ``cuts``.
        """
        merged = dict(values)
        if code == "funding_applications":
            self._applications()
        if code == "funding_success_rate":
            self._applications()
            for period in self.periods():
                if period not in merged or merged[period].no_data:
                    rate = share(self.total("_granted", period), self.total("_decided", period))
                    if not rate.no_data:
                        merged[period] = rate
            return merged
        filled: set[str] = set()
        for period in sorted(self.periods()):
            if period in merged and not merged[period].no_data:
                continue
            total = self.total(code, period)
            if total.no_data and not any(k[0] == code and k[3] == period for k in self.cut):
                continue
            merged[period] = total
            filled.add(period)
        for (name, breakdown, category, period), cell in {**self.cut, **self.plain}.items():
            if name == code and breakdown and period in filled:
                target = cuts.setdefault(breakdown, {}).setdefault(category, {})
                target[period] = cell.freeze("figures")
        return merged

    def _applications(self) -> None:
        """Derive applications and their success from figures by outcome (once)."""
        if any(key[0] == "_decided" for key in self.plain):
            return
        outcomes: dict[tuple[str, str], Cell] = {}
        for (name, breakdown, category, period), cell in self.cut.items():
            if name == "_applications" and breakdown == "outcome":
                outcomes[(category, period)] = cell
        for period in sorted({period for _, period in outcomes}):  # the same order every run
            applied = outcomes.get(("applied", period))
            parts = [
                cell for (kind, p), cell in outcomes.items() if p == period and kind != "applied"
            ]
            total = applied if applied is not None else _merged(parts)
            self.plain[("funding_applications", "", "", period)] = total
            for (kind, p), cell in outcomes.items():
                if p == period:
                    self.cut[("funding_applications", "outcome", kind, period)] = cell
            granted = outcomes.get(("granted", period))
            rejected = outcomes.get(("rejected", period))
            if granted is not None or rejected is not None:
                self.plain[("_granted", "", "", period)] = granted or Cell()
                self.plain[("_decided", "", "", period)] = _merged(
                    [cell for cell in (granted, rejected) if cell is not None]
                )


def _merged(cells: list[Cell]) -> Cell:
    out = Cell()
    for cell in cells:
        out.value += cell.value
        out.low += cell.low
        out.high = None if out.high is None or cell.high is None else out.high + cell.high
        out.approximate = out.approximate or cell.approximate
        out.uncertain = out.uncertain or cell.uncertain
        out.records += cell.records
        out.evidence.extend(cell.evidence)
    return out


def figure_period(figure: Figure) -> str:
    """Return the period a figure is placed in: a year, ``first/last`` or ``undated``."""
    span: tuple[int, int] | None = None
    if figure.period is not None:
        span = period_years(figure.period.start, figure.period.end)
    elif figure.date is not None:
        found = date_years(figure.date)
        span = None if found is None else found[:2]
    if span is None:
        return "undated"
    return str(span[0]) if span[0] == span[1] else f"{span[0]}/{span[1]}"


def figures_pass(dataset: Dataset) -> FigureTally:
    """Read every figure once into a :class:`FigureTally`."""
    tally = FigureTally()
    for figure in dataset.figures:
        codes = list(_MEASURES.get(figure.measure, ()))
        if figure.measure == "applications":
            codes = ["_applications"]
        elif figure.measure == "external-funding":
            codes = [f"external_funding:{figure.unit}"]
        if not codes:
            continue
        period = figure_period(figure)
        amount, bounds, approximate = count_bounds(figure.value)
        cuts = [(k, v) for k, v in figure.dimensions.items() if k not in _READING]
        if figure.partner is not None:
            cuts.append(("partner", figure.partner))
        areas = [
            (name, code)
            for name, code in (
                ("focus_area", figure.focus_area),
                ("thematic_area", figure.thematic_area),
            )
            if code is not None
        ]
        for code in codes:
            for breakdown, category in [
                *cuts,
                *areas,
                ("outcome", figure.dimensions.get("outcome", "")),
            ]:
                if breakdown == "outcome" and not category:
                    continue
                cell = tally.cut.setdefault((code, breakdown, category, period), Cell())
                cell.add(figure.id, amount, bounds, approximate=approximate)
            if areas:
                continue  # a figure about one area is not a total
            target = tally.cut if cuts or "outcome" in figure.dimensions else tally.plain
            cell = target.setdefault((code, "", "", period), Cell())
            cell.add(figure.id, amount, bounds, approximate=approximate)
    return tally

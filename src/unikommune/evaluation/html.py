"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

Accessible by construction: the language is set, headings run h1 → h2 → h3 → h4, every
table has header cells, and every chart is an ``<svg role="img">`` with a title and a
description, next to a table of its numbers.  Labels never overlap: every chart puts
one label per row (the network as an arc diagram of its main partners, the rest
summarised in words), and long names are shortened with the full name in a tooltip.
"""

from __future__ import annotations

from html import escape
from typing import Any

from unikommune import codelists
from unikommune.evaluation.catalogue import GROUPS
from unikommune.evaluation.report import (
    SUMMARY,
    NetworkPicture,
    Report,
    Section,
    local,
    periods,
    sector_title,
    status_text,
    text,
)
from unikommune.evaluation.values import Lang, Value, display, format_number
from unikommune.evaluation.wording import period, unit

__all__ = ["html"]

_SECTORS = {
    "public-sector": "#1f5fa8",
    "academia": "#b3261e",
    "industry": "#2e7d32",
    "civil-society": "#6a3d9a",
}
_STATUS_MARK = {"met": "✓", "not_met": "✗", "uncertain": "?", "not_enough_data": "–"}
_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1b1b1b; background: #fff; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1, h2, h3, h4 { line-height: 1.2; }
h2 { border-top: 3px solid #1f5fa8; padding-top: .8rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .45rem; vertical-align: top; }
th { background: #eef2f7; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.ind { width: 100%; table-layout: fixed; }
table.ind col.name { width: 28%; } table.ind col.trend { width: 8.5rem; }
table.ind td.n { white-space: normal; }
td.trend { padding: .1rem .45rem; } td.trend svg { display: block; }
td.status { white-space: nowrap; }
.ids code { display: inline-block; margin-right: .5em; overflow-wrap: anywhere; }
dl.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr));
  gap: .6rem; margin: 1rem 0; }
dl.summary div { border: 1px solid #c8c8c8; border-left: 4px solid #1f5fa8; padding: .4rem .6rem; }
dl.summary dt { font-size: .85rem; color: #333; }
dl.summary dd { margin: 0; font-size: 1.35rem; font-weight: 600; }
dl.summary dd span { font-size: .85rem; font-weight: normal; color: #444; }
.met { color: #1e6b24; } .not_met { color: #a4161a; }
.uncertain { color: #8a5a00; } .not_enough_data { color: #555; }
.note { color: #444; font-size: .88rem; }
figure { margin: 1rem 0; } figcaption { font-size: .88rem; color: #333; }
svg text { font: 12px system-ui, sans-serif; fill: #1b1b1b; }
code { font-size: .85em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; } th, td { padding: .15rem .3rem; }
  section + section { break-before: page; }
  h2, h3, h4 { break-after: avoid; } tr, figure, dl.summary div { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


_ACTIVE = {"nb": "aktive prosjekter", "en": "active projects"}
_AREA = {"nb": "Innsatsområde", "en": "Focus area"}


def _col(label: str) -> str:
    return f'<th scope="col">{_e(label)}</th>'


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _shown(value: Value, lang: Lang) -> str:
    """Return a value as a table shows it: long numbers grouped, a range kept whole.

    Numbers are written by :func:`~unikommune.evaluation.values.format_number`, with
    thousands set apart in English too; a word joiner after a range's dash keeps
    ``(0–100)`` on one line when the cell wraps before it.
    """
    grouped = display(value, lang=lang, grouped=True)
    return grouped.replace("–", "–\u2060") if len(grouped) > 1 else grouped


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _sparkline(series: dict[str, Value], label: str, lang: Lang) -> str:
    """Return a small trend chart of yearly values: a line, gaps where there is no data."""
    years = [key for key in series if key.isdigit()]
    known = [(i, series[y].value) for i, y in enumerate(years) if series[y].value is not None]
    if len(known) < 2:
        return ""
    width, height = 120, 28
    top = max(v for _, v in known if v is not None) or 1.0
    step = width / max(1, len(years) - 1)

    def point(i: int, v: float) -> str:
        return f"{i * step:.1f},{height - 3 - (v / top) * (height - 6):.1f}"

    runs: list[list[str]] = [[]]
    previous = None
    for i, v in known:
        if previous is not None and i != previous + 1:
            runs.append([])
        runs[-1].append(point(i, v or 0.0))
        previous = i
    lines = "".join(
        f'<polyline points="{" ".join(run)}" fill="none" stroke="#1f5fa8" stroke-width="1.6"/>'
        for run in runs
        if len(run) > 1
    )
    dots = "".join(
        f'<circle cx="{point(i, v or 0.0).split(",")[0]}" cy="{point(i, v or 0.0).split(",")[1]}" '
        f'r="1.8" fill="#1f5fa8"/>'
        for i, v in known
    )
    summary = ", ".join(f"{years[i]}: {display(series[years[i]], lang=lang)}" for i, _ in known)
    return (
        f'<svg role="img" width="{width}" height="{height}" viewBox="-2 0 {width + 4} {height}">'
        f"<title>{_e(label)}: {_e(summary)}</title>{lines}{dots}</svg>"
    )


def _columns(section: Section, years: list[str], lang: Lang) -> str:
    """Return the columns of the indicator tables: the same widths in every group's table.

    Each period is as wide as its longest value in any group, up to ten characters (a
    longer value, a range, wraps at its space); the names take the rest.
    """
    widths = [
        max(
            [
                len(period(y, lang)),
                *(len(_shown(series.values.get(y) or Value(), lang)) for series in section.found),
            ]
        )
        for y in years
    ]
    return (
        '<colgroup><col class="name"><col class="trend">'
        + "".join(f'<col style="width: {min(width, 10) + 2}ch">' for width in widths)
        + "</colgroup>"
    )


def _indicator_tables(section: Section, lang: Lang, number: int) -> str:
    years = periods(section.found)
    out = [f'<h3 id="ind-{number}">{_e(text("indicators", lang))}</h3>']
    out.append(f'<p class="note">{_e(text("legend", lang))}</p>')
    columns = _columns(section, years, lang)
    for group, titles in GROUPS.items():
        rows = [s for s in section.found if s.indicator.group == group]
        if not rows:
            continue
        out.append(f'<h4>{_e(local(titles, lang))}</h4><table class="ind">{columns}')
        head = "".join(f'<th scope="col">{_e(period(y, lang))}</th>' for y in years)
        out.append(
            f'<thead><tr><th scope="col">{_e(text("indicator", lang))}</th>'
            f'<th scope="col">{"Trend"}</th>{head}</tr></thead><tbody>'
        )
        for series in rows:
            title = local(series.indicator.title, lang)
            shown = unit(series.unit, lang)
            cells = "".join(
                f'<td class="n">{_e(_shown(series.values.get(y) or Value(), lang))}</td>'
                for y in years
            )
            out.append(
                f'<tr><th scope="row" title="{_e(local(series.indicator.definition, lang))}">'
                f"{_e(title)}{' (' + _e(shown) + ')' if shown else ''}</th>"
                f'<td class="trend">{_sparkline(series.values, title, lang)}</td>{cells}</tr>'
            )
        out.append("</tbody></table>")
    if section.focus:
        out.append(f"<h4>{_e(text('focus', lang))}: {_e(local(_ACTIVE, lang))}</h4><table>")
        head = "".join(f'<th scope="col">{_e(period(y, lang))}</th>' for y in years)
        out.append(
            f'<thead><tr><th scope="col">{_e(local(_AREA, lang))}</th>{head}</tr></thead><tbody>'
        )
        for area, by_period in section.focus.items():
            row = "".join(f'<td class="n">{_e(by_period.get(y, "–"))}</td>' for y in years)
            out.append(f'<tr><th scope="row">{_e(area)}</th>{row}</tr>')
        out.append("</tbody></table>")
    return "\n".join(out)


def _arcs(picture: NetworkPicture, lang: Lang) -> tuple[list[str], int, int]:
    """Return the arc diagram's shapes, width and height: one row per partner."""
    row, left, axis = 26, 250, 264
    height = row * len(picture.partners) + 20
    heaviest = max((w for _, _, w in picture.ties), default=1.0)
    reach = max((abs(i - j) for i, j, _ in picture.ties), default=1)
    width = axis + reach * row // 2 + 30
    parts: list[str] = []
    for i, j, weight in picture.ties:
        # from the upper to the lower row, clockwise: every arc bulges right, off the labels
        y1, y2 = sorted((18 + i * row, 18 + j * row))
        radius = (y2 - y1) / 2
        stroke = 0.8 + 3.2 * weight / heaviest
        parts.append(
            f'<path d="M{axis},{y1} A{radius},{radius} 0 0 1 {axis},{y2}" fill="none" '
            f'stroke="#1f5fa8" stroke-opacity=".45" stroke-width="{stroke:.1f}"/>'
        )
    for i, (_, name, sector, _strength) in enumerate(picture.partners):
        y = 18 + i * row
        colour = _SECTORS.get(sector, "#555")
        parts.append(
            f'<text x="{left}" y="{y + 4}" text-anchor="end">'
            f"<title>{_e(name)} ({_e(sector_title(sector, lang))})</title>"
            f"{_e(_short(name, 34))}</text>"
            f'<circle cx="{axis}" cy="{y}" r="5.5" fill="{colour}" stroke="#fff"/>'
        )
    return parts, width, height


def _network(section: Section, lang: Lang, number: int) -> str:
    picture = section.network
    out = [f'<h3 id="net-{number}">{_e(text("network", lang))}</h3>']
    if not picture.partners:
        out.append(f"<p>{_e(text('no_data', lang))}</p>")
        return "\n".join(out)
    parts, width, height = _arcs(picture, lang)
    described = "; ".join(
        f"{name} ({sector_title(sector, lang)})" for _, name, sector, _ in picture.partners
    )
    ties = len(picture.ties)
    title = local(
        {
            "nb": f"Buediagram over {len(picture.partners)} hovedpartnere og {ties} bånd "
            + ("gjennom felles prosjekter" if picture.via == "projects" else "gjennom avtaler"),
            "en": f"Arc diagram of {len(picture.partners)} main partners and {ties} ties "
            + ("through joint projects" if picture.via == "projects" else "through agreements"),
        },
        lang,
    )
    out.append(
        f'<figure><svg role="img" aria-labelledby="net-t-{number} net-d-{number}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<title id="net-t-{number}">{_e(title)}</title>'
        f'<desc id="net-d-{number}">{_e(described)}</desc>'
        f"{''.join(parts)}</svg><figcaption>{_e(title)}. "
        + " ".join(
            f'<span class="key" style="color:{c}" aria-hidden="true">●</span> '
            f"{_e(sector_title(s, lang))}"
            for s, c in _SECTORS.items()
        )
        + "</figcaption></figure>"
    )
    if picture.rest:
        counts = ", ".join(
            f"{format_number(n, lang)} {sector_title(s, lang)}"
            for s, n in sorted(picture.rest.items())
        )
        others = _rest(sum(picture.rest.values()), picture.rest_ties, f" ({counts})", lang)
        out.append(f"<p>{_e(others)}.</p>")
    out.append(
        f'<table><thead><tr><th scope="col">{_e(text("partner", lang))}</th>'
        f"{_col(text('sector', lang))}{_col(text('ties', lang))}"
        "</tr></thead><tbody>"
        + "".join(
            f'<tr><th scope="row">{_e(name)}</th><td>{_e(sector_title(sector, lang))}</td>'
            f'<td class="n">{_e(format_number(strength, lang))}</td></tr>'
            for _, name, sector, strength in picture.partners
        )
        + "</tbody></table>"
    )
    return "\n".join(out)


def _rest(partners: int, ties: int, which: str, lang: Lang) -> str:
    """Return how many other partners (``which``: by sector) and ties there are, in words."""
    if lang == "nb":
        who = (
            "1 annen partner"
            if partners == 1
            else f"{format_number(partners, lang)} andre partnere"
        )
        return f"{who}{which} med {format_number(ties, lang)} bånd"
    who = "1 other partner" if partners == 1 else f"{partners} other partners"
    return f"{who}{which} with {ties} {'tie' if ties == 1 else 'ties'}"


def _sdg(section: Section, lang: Lang, number: int) -> str:
    goals = codelists.get("sdg-goal")
    top = max(section.sdg.values(), default=0) or 1
    row, left, bar = 20, 330, 260
    parts = []
    for i, (goal, count) in enumerate(section.sdg.items()):
        y = 10 + i * row
        name = local(dict(goals[str(goal)].title), lang, str(goal))
        length = bar * count / top
        parts.append(
            f'<text x="{left - 8}" y="{y + 12}" text-anchor="end">'
            f"<title>{goal}. {_e(name)}</title>{goal}. {_e(_short(name, 44))}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{length:.1f}" height="{row - 6}" fill="#1f5fa8"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + 12}">{format_number(count, lang)}</text>'
        )
    reached = sum(1 for count in section.sdg.values() if count)
    title = local(
        {
            "nb": f"Aktiviteter per bærekraftsmål: {reached} av 17 mål nådd",
            "en": f"Activities per Sustainable Development Goal: {reached} of 17 goals reached",
        },
        lang,
    )
    described = ", ".join(
        f"{goal}: {format_number(count, lang)}" for goal, count in section.sdg.items()
    )
    height = 20 + row * len(section.sdg)
    return (
        f'<h3 id="sdg-{number}">{_e(text("sdg", lang))}</h3>'
        f'<figure><svg role="img" aria-labelledby="sdg-t-{number} sdg-d-{number}" '
        f'width="{left + bar + 50}" height="{height}" viewBox="0 0 {left + bar + 50} {height}">'
        f'<title id="sdg-t-{number}">{_e(title)}</title>'
        f'<desc id="sdg-d-{number}">{_e(described)}</desc>{"".join(parts)}</svg>'
        f"<figcaption>{_e(title)}</figcaption></figure>"
    )


def _checklist(section: Section, lang: Lang, number: int) -> str:
    result = section.assessment
    out = [
        f'<h3 id="chk-{number}">{_e(text("checklist", lang))}</h3>',
        f'<p class="note">{_e(local(result.criteria.title, lang))} '
        f"({_e(result.criteria.version)}). "
        f"{_e(text('proposal', lang))}</p>",
        f'<table><thead><tr><th scope="col">{_e(text("criterion", lang))}</th>'
        f"{_col(text('status', lang))}{_col(text('figure', lang))}"
        f"{_col(text('why', lang))}{_col(text('evidence', lang))}"
        "</tr></thead><tbody>",
    ]
    for item in result:
        figure = "" if item.figure is None else _shown(item.figure, lang)
        evidence = " ".join(f"<code>{_e(e)}</code>" for e in item.evidence[:5])
        more = f" (+{len(item.evidence) - 5})" if len(item.evidence) > 5 else ""
        out.append(
            f'<tr><th scope="row">{_e(local(item.criterion.statement, lang))}<br>'
            f"<code>{_e(item.criterion.id)}</code></th>"
            f'<td class="status {item.status}">{_STATUS_MARK[item.status]} '
            f"{_e(status_text(item.status, lang))}</td>"
            f'<td class="n">{_e(figure)}</td>'
            f"<td>{_e('; '.join(why.text(lang) for why in item.reasons))}</td>"
            f'<td class="ids">{evidence}{more}</td></tr>'
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _summary(section: Section, lang: Lang, number: int) -> str:
    result = section.assessment
    items = []
    for code in SUMMARY:
        series = section.found.series.get(code)
        if series is None:
            continue
        yearly = [(k, v) for k, v in series.values.items() if k.isdigit() and not v.no_data]
        shown = (
            f"{_e(_shown(yearly[-1][1], lang))} <span>({_e(yearly[-1][0])})</span>"
            if yearly
            else _e(text("no_data", lang))
        )
        title = local(series.indicator.title, lang)
        items.append(f"<div><dt>{_e(title)}</dt><dd>{shown}</dd></div>")
    reasons = "".join(f"<li>{_e(why.text(lang))}</li>" for why in result.maturity_reasons)
    return (
        f'<h3 id="sum-{number}">{_e(text("summary", lang))}</h3>'
        f"<p><strong>{_e(text('maturity', lang))}: {_e(result.maturity or '–')}</strong> "
        f"({_e(text('possible', lang))}: {_e(result.maturity_possible or '–')})</p>"
        f"<ul>{reasons}</ul>"
        f'<dl class="summary">{"".join(items)}</dl>'
    )


def _comparison(report: Report) -> str:
    lang = report.lang
    head = "".join(f'<th scope="col">{_e(s.title)}</th>' for s in report.sections)
    rows = [
        f'<tr><th scope="row">{_e(text("maturity", lang))}</th>'
        + "".join(f'<td class="n">{_e(s.assessment.maturity or "–")}</td>' for s in report.sections)
        + "</tr>"
    ]
    for code in SUMMARY:
        cells = []
        for section in report.sections:
            series = section.found.series.get(code)
            yearly = (
                []
                if series is None
                else [(k, v) for k, v in series.values.items() if k.isdigit() and not v.no_data]
            )
            shown = f"{_shown(yearly[-1][1], lang)} ({yearly[-1][0]})" if yearly else "–"
            cells.append(f'<td class="n">{_e(shown)}</td>')
        title = (
            local(report.sections[0].found.series[code].indicator.title, lang)
            if code in report.sections[0].found.series
            else code
        )
        rows.append(f'<tr><th scope="row">{_e(title)}</th>{"".join(cells)}</tr>')
    return (
        f'<h2 id="compare">{_e(text("compare", lang))}</h2>'
        f"<table><thead><tr><td></td>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def html(report: Report) -> str:
    """Return ``report`` as one self-contained HTML document."""
    lang = report.lang
    title = text("report", lang)
    if len(report.sections) == 1:
        title += f": {report.sections[0].title}"
    body = [f"<h1>{_e(title)}</h1>"]
    if len(report.sections) > 1:
        body.append(_comparison(report))
    for number, section in enumerate(report.sections, start=1):
        body.append(
            f'<section aria-labelledby="ds-{number}"><h2 id="ds-{number}">{_e(section.title)}</h2>'
        )
        body.append(f'<p class="note">{_e(text("dataset", lang))}: {_e(section.modified)}</p>')
        for part in (_summary, _indicator_tables, _network, _sdg, _checklist):
            body.append(part(section, lang, number))
        body.append("</section>")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )

"""The evaluation report of one or more datasets: built once, written as HTML, Markdown or JSON.

:func:`build_report` gathers what the report shows — the summary, the indicators by
group and by focus area, the partner network (its main partners, the rest summarised),
the SDG coverage and the designation checklist — and :func:`render` writes it.  The
HTML is one self-contained file (:mod:`.html`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from unikommune.errors import UnikommuneError
from unikommune.evaluation.assess import Assessment, assess
from unikommune.evaluation.catalogue import CATALOGUE, GROUPS
from unikommune.evaluation.criteria import CriteriaSet, default_criteria
from unikommune.evaluation.indicators import Indicators, indicators
from unikommune.evaluation.values import Lang, display, format_number
from unikommune.evaluation.wording import period, status_words, unit
from unikommune.models import Dataset

if TYPE_CHECKING:
    from unikommune.graph.yearly import YearMap

__all__ = [
    "FORMATS",
    "NetworkPicture",
    "Report",
    "Section",
    "build_report",
    "local",
    "periods",
    "render",
    "sector_title",
    "status_text",
    "text",
]

#: The formats a report is written in.
FORMATS = ("html", "md", "json")
#: How many partners the network picture labels; the rest are summarised.
MAIN_PARTNERS = 12
#: Indicators of the summary, in order.
SUMMARY = (
    "projects_active",
    "students_placed",
    "theses",
    "learning_activities",
    "sdg_goals_reached",
)

_TEXT = {
    "report": ("Evalueringsrapport", "Evaluation report"),
    "summary": ("Sammendrag", "Summary"),
    "indicators": ("Indikatorer", "Indicators"),
    "focus": ("Per innsatsområde", "By focus area"),
    "network": ("Partnernettverket", "The partner network"),
    "sdg": ("Bærekraftsmålene", "The Sustainable Development Goals"),
    "checklist": ("Kriterier for betegnelsen", "Criteria for the designation"),
    "maturity": ("Modenhet", "Maturity"),
    "indicator": ("Indikator", "Indicator"),
    "criterion": ("Kriterium", "Criterion"),
    "status": ("Status", "Status"),
    "figure": ("Tall", "Figure"),
    "evidence": ("Belegg", "Evidence"),
    "why": ("Hvorfor", "Why"),
    "goal": ("Mål", "Goal"),
    "activities": ("Aktiviteter", "Activities"),
    "partner": ("Partner", "Partner"),
    "sector": ("Sektor", "Sector"),
    "ties": ("Bånd", "Ties"),
    "no_data": ("– ingen data", "– no data"),
    "legend": (
        "– ingen data (ikke 0); ~ omtrentlig; ? avhenger av en usikker dato; (lav–høy) spenn.",
        "– no data (not 0); ~ approximate; ? depends on an uncertain date; (low–high) range.",
    ),
    "proposal": (
        "Kriteriesettet er et forslag; hver terskel skal fastsettes av den som regulerer.",
        "The criteria set is a proposal; every threshold is to be set by whoever regulates.",
    ),
    "rest": ("andre partnere", "other partners"),
    "compare": ("Sammenligning", "Comparison"),
    "reached": ("nådd", "reached"),
    "possible": ("mulig", "possible"),
    "dataset": ("Datasett", "Dataset"),
}


def periods(found: Indicators) -> list[str]:
    """Return the periods of a table: every year, then the longer or undated periods."""
    years = [str(year) for year in found.years]
    others = sorted({key for series in found for key in series.values if key not in years})
    return years + others


def text(key: str, lang: Lang) -> str:
    """Return the report's wording ``key`` in ``lang``."""
    nb, en = _TEXT[key]
    return nb if lang == "nb" else en


def status_text(status: str, lang: Lang) -> str:
    """Return a status of the assessment in words."""
    return status_words(status, lang)


def local(texts: Any, lang: Lang, default: str = "") -> str:
    """Return a language map's text in ``lang``, else English, Norwegian, or any."""
    if not texts:
        return default
    for tag in (lang, "en", "nb", "nn"):
        if tag in texts:
            return str(texts[tag])
    return str(next(iter(texts.values())))


@dataclass(frozen=True, slots=True)
class NetworkPicture:
    """The partner network as the report draws it: main partners, ties, the rest summarised.

    Attributes:
        partners: The main partners, ``(id, label, sector, strength)``, by sector.
        ties: Ties among them, ``(i, j, weight)`` by position in ``partners``.
        rest: How many other partners there are, by sector.
        rest_ties: How many ties involve one of the other partners.
        via: What ties partners: ``projects``, or ``agreements`` for a dataset without any.
    """

    partners: list[tuple[str, str, str, float]]
    ties: list[tuple[int, int, float]]
    rest: dict[str, int]
    rest_ties: int
    via: str = "projects"


@dataclass(frozen=True, slots=True)
class Section:
    """One dataset in a report."""

    title: str
    modified: str
    found: Indicators
    assessment: Assessment
    network: NetworkPicture
    sdg: dict[int, int]
    focus: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    """A report of one or more datasets, in one language."""

    lang: Lang
    sections: list[Section]


def sector_title(code: str, lang: Lang) -> str:
    """Return the title of a helix sector in ``lang`` (the code if unknown)."""
    from unikommune import codelists

    sectors = codelists.get("helix-sector")
    return local(dict(sectors[code].title), lang, code) if code in sectors else code


def _network(dataset: Dataset, lang: Lang) -> NetworkPicture:
    from unikommune.graph import co_participation

    via = "projects" if dataset.projects else "agreements"
    network = co_participation(dataset, level="organisation", via=(via,))
    strength = {n: float(network.degree(n, weight="weight")) for n in network}
    ranked = sorted(network, key=lambda n: (-strength[n], n))
    main = [n for n in ranked if strength[n] > 0][:MAIN_PARTNERS]
    order = sorted(main, key=lambda n: (network.nodes[n].get("sector", ""), -strength[n], n))
    position = {n: i for i, n in enumerate(order)}
    names = {f"partner:{p.id}": local(p.short_name or p.name, lang, p.id) for p in dataset.partners}
    partners = [
        (n, names.get(n, n), str(network.nodes[n].get("sector", "")), strength[n]) for n in order
    ]
    ties = [
        (position[u], position[v], float(data.get("weight", 1.0)))
        for u, v, data in network.edges(data=True)
        if u in position and v in position
    ]
    rest: dict[str, int] = {}
    for n in network:
        if n not in position:
            sector = str(network.nodes[n].get("sector", ""))
            rest[sector] = rest.get(sector, 0) + 1
    rest_ties = sum(1 for u, v in network.edges() if u not in position or v not in position)
    return NetworkPicture(partners, ties, rest, rest_ties, via)


def _focus(found: Indicators, dataset: Dataset, lang: Lang) -> dict[str, dict[str, str]]:
    """Return active projects by focus area (its title) and year, as people read them.

    A year without projects at all is no data; a year with projects but none in an
    area is 0.
    """
    series = found.series.get("projects_active")
    if series is None:
        return {}
    try:
        titles = {
            a.code: local(a.title, lang, a.code) for a in dataset.effective_profile.entries("focus")
        }
    except UnikommuneError:  # a profile extending a file: the codes will do
        titles = {}
    counted = [key for key, value in series.values.items() if not value.no_data]
    areas = series.breakdowns.get("focus_area", {})
    return {
        titles.get(area, area): {
            period: display(cells[period], lang=lang) if period in cells else "0"
            for period in counted
        }
        for area, cells in sorted(areas.items())
    }


def build_report(
    datasets: Sequence[Dataset],
    *,
    lang: Lang = "en",
    criteria: CriteriaSet | None = None,
    network: bool = True,
    side_by_side: YearMap | None = None,
) -> Report:
    """Return the report of ``datasets`` in ``lang``, assessed against ``criteria``.

    ``side_by_side`` computes each dataset's indicators in parts side by side (see
    :func:`~unikommune.evaluation.indicators`); the report is the same either way.
    """
    from unikommune.graph import sdg_coverage

    criteria = criteria if criteria is not None else default_criteria()
    # the focus areas for the report, and whatever breakdown a criterion reads
    wanted = {"focus_area", *(c.part.breakdown for c in criteria.quantitative() if c.part)}
    sections = []
    for dataset in datasets:
        found = indicators(dataset, network=network, breakdowns=wanted, side_by_side=side_by_side)
        sections.append(
            Section(
                title=local(dataset.title, lang),
                modified=dataset.modified,
                found=found,
                assessment=assess(dataset, criteria, found=found),
                network=_network(dataset, lang),
                sdg=sdg_coverage(dataset),
                focus=_focus(found, dataset, lang),
            )
        )
    return Report(lang, sections)


def _markdown(report: Report) -> str:
    lang = report.lang
    out = [f"# {text('report', lang)}", ""]
    for section in report.sections:
        out += [f"## {section.title}", "", f"{text('dataset', lang)}: {section.modified}", ""]
        result = section.assessment
        out += [
            f"### {text('summary', lang)}",
            "",
            f"{text('maturity', lang)}: **{result.maturity or '–'}** "
            f"({text('possible', lang)}: {result.maturity_possible or '–'})",
            "",
            *(f"- {why.text(lang)}" for why in result.maturity_reasons),
            "",
        ]
        years = periods(section.found)
        for group, titles in GROUPS.items():
            rows = [s for s in section.found if s.indicator.group == group]
            if not rows:
                continue
            out += [
                f"### {local(titles, lang)}",
                "",
                "| "
                + " | ".join([text("indicator", lang), *(period(y, lang) for y in years)])
                + " |",
            ]
            out.append("|" + "---|" * (len(years) + 1))
            for series in rows:
                cells = [display(series.values.get(year) or _none(), lang=lang) for year in years]
                shown = unit(series.unit, lang)
                title = local(series.indicator.title, lang) + (f" ({shown})" if shown else "")
                out.append(f"| {title} | " + " | ".join(cells) + " |")
            out.append("")
        out += [
            f"### {text('sdg', lang)}",
            "",
            f"| {text('goal', lang)} | {text('activities', lang)} |",
            "|---|---|",
        ]
        out += [f"| {goal} | {format_number(count, lang)} |" for goal, count in section.sdg.items()]
        out += ["", f"### {text('checklist', lang)}", "", text("proposal", lang), ""]
        out += [
            f"| {text('criterion', lang)} | {text('status', lang)} | {text('why', lang)} |",
            "|---|---|---|",
        ]
        for item in result:
            why = "; ".join(r.text(lang) for r in item.reasons).replace("|", "/")
            out.append(f"| {item.criterion.id} | {status_text(item.status, lang)} | {why} |")
        out += ["", text("legend", lang), ""]
    return "\n".join(out)


def _none() -> Any:
    from unikommune.evaluation.values import Value

    return Value()


def _json(report: Report) -> str:
    from unikommune.evaluation.document import ReportDocument
    from unikommune.format import schema_id

    document = {
        "$schema": schema_id("report"),
        "lang": report.lang,
        "datasets": [
            {
                "title": section.title,
                "modified": section.modified,
                "years": list(section.found.years),
                "indicators": section.found.rows(lang=report.lang),
                "assessment": section.assessment.as_dict(),
                "sdg_coverage": {str(goal): count for goal, count in section.sdg.items()},
                "network": {
                    "partners": [
                        {"id": p[0], "label": p[1], "sector": p[2], "strength": p[3]}
                        for p in section.network.partners
                    ],
                    "ties": [list(tie) for tie in section.network.ties],
                    "other_partners": section.network.rest,
                    "other_ties": section.network.rest_ties,
                    "via": section.network.via,
                },
            }
            for section in report.sections
        ],
    }
    checked = ReportDocument.model_validate(document)  # the shape schemas/report.json states
    data = checked.model_dump(mode="json", by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def render(report: Report, fmt: str = "html") -> str:
    """Return ``report`` written as ``html``, ``md`` or ``json``."""
    if fmt == "md":
        return _markdown(report)
    if fmt == "json":
        return _json(report)
    from unikommune.evaluation.html import html

    return html(report)


assert set(SUMMARY) <= set(CATALOGUE)

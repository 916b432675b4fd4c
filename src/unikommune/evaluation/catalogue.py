"""The catalogue of indicators: each one's code, titles, definition, unit and breakdowns.

Every indicator is computed per calendar year (1 January to 31 December) from the
records of a dataset, from the figures it reports (:class:`~unikommune.models.Figure`,
by ``measure``) where it has no records, or both; ``docs/indicators.md`` is the
catalogue in prose.  A test holds that page and this module together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["BREAKDOWNS", "CATALOGUE", "GROUPS", "Indicator", "indicator"]

Group = Literal["activity", "funding", "education", "knowledge", "network", "sdg"]

#: The groups of indicators, in the order the report shows them, with their titles.
GROUPS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "activity": {"nb": "Aktivitet", "en": "Activity"},
        "funding": {"nb": "Finansiering", "en": "Funding"},
        "education": {"nb": "Utdanning og livslang læring", "en": "Education and learning"},
        "knowledge": {"nb": "Kunnskapsutveksling", "en": "Knowledge exchange"},
        "network": {"nb": "Nettverk", "en": "Network"},
        "sdg": {"nb": "Bærekraftsmål", "en": "Sustainable Development Goals"},
    }
)

#: What each breakdown cuts by, with titles.
BREAKDOWNS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "focus_area": {"nb": "innsatsområde", "en": "focus area"},
        "thematic_area": {"nb": "tematisk område", "en": "thematic area"},
        "partner": {"nb": "partner (organisasjon)", "en": "partner (organisation)"},
        "sector": {"nb": "helikssektor", "en": "helix sector"},
        "sdg_goal": {"nb": "bærekraftsmål", "en": "SDG goal"},
        "status": {"nb": "status", "en": "status"},
        "currency": {"nb": "valuta", "en": "currency"},
        "funder": {"nb": "finansiør", "en": "funder"},
        "programme": {"nb": "program", "en": "programme"},
        "outcome": {"nb": "utfall", "en": "outcome"},
        "field": {"nb": "fagfelt", "en": "field"},
        "level": {"nb": "nivå", "en": "level"},
        "kind": {"nb": "type", "en": "kind"},
        "doi": {"nb": "med DOI", "en": "with DOI"},
        "provenance": {"nb": "opphav", "en": "provenance"},
        "activity_kind": {"nb": "aktivitetstype", "en": "kind of activity"},
    }
)


@dataclass(frozen=True, slots=True)
class Indicator:
    """An indicator of the catalogue.

    Attributes:
        code: Stable snake_case code; never changes meaning.
        group: The group it belongs to (:data:`GROUPS`).
        title: Title by language (``nb``, ``en``).
        definition: How it is computed, precisely enough to recompute by hand, by language.
        unit: ``count``, ``percent``, ``weeks``, ``ects``, ``currency``, ``bits`` or ``index``.
        computed_from: The collections (and the figure measure) it reads.
        breakdowns: The breakdowns it is cut by (:data:`BREAKDOWNS`).
        measure: The measure of reported figures it falls back on, if any.
        moving_average: Whether a 3-year moving average is given (for noisy counts).
        year_kind: ``calendar`` (every indicator: the format dates records by calendar year).
    """

    code: str
    group: Group
    title: Mapping[str, str]
    definition: Mapping[str, str]
    unit: str
    computed_from: str
    breakdowns: tuple[str, ...] = ()
    measure: str | None = None
    moving_average: bool = True
    year_kind: Literal["calendar"] = "calendar"


def _i(
    code: str,
    group: Group,
    titles: tuple[str, str],
    definitions: tuple[str, str],
    unit: str,
    computed_from: str,
    breakdowns: tuple[str, ...] = (),
    *,
    measure: str | None = None,
    moving_average: bool = True,
) -> Indicator:
    return Indicator(
        code=code,
        group=group,
        title=MappingProxyType({"nb": titles[0], "en": titles[1]}),
        definition=MappingProxyType({"nb": definitions[0], "en": definitions[1]}),
        unit=unit,
        computed_from=computed_from,
        breakdowns=breakdowns,
        measure=measure,
        moving_average=moving_average,
    )


_AREAS = ("focus_area", "thematic_area", "partner", "sector", "sdg_goal")
_RUN = (
    "Prosjekter med status aktiv eller fullført",
    "Projects with status active or completed",
)

_ENTRIES = (
    _i(
        "projects_active",
        "activity",
        ("Aktive prosjekter", "Active projects"),
        (
            f"{_RUN[0]} som kan ha en dag i året (perioden overlapper året).",
            f"{_RUN[1]} whose period may have a day in the year (overlaps the year).",
        ),
        "count",
        "projects; figures projects",
        _AREAS,
        measure="projects",
    ),
    _i(
        "projects_started",
        "activity",
        ("Prosjekter startet", "Projects started"),
        (f"{_RUN[0]} som startet i året.", f"{_RUN[1]} whose start falls in the year."),
        "count",
        "projects",
        _AREAS,
    ),
    _i(
        "projects_completed",
        "activity",
        ("Prosjekter fullført", "Projects completed"),
        (
            "Prosjekter med status fullført som sluttet i året.",
            "Projects with status completed whose end falls in the year.",
        ),
        "count",
        "projects",
        _AREAS,
    ),
    _i(
        "participations",
        "activity",
        ("Deltakelser i prosjekter", "Participations in projects"),
        (
            "Deltakelser (partner og rolle) i aktive prosjekter i året; en deltakelse med egen "
            "periode teller bare i årene den kan overlappe. Sektor er partnerens helikssektor.",
            "Participations (a partner and a role) in the year's active projects; one with "
            "a period of its own counts only in the years it may overlap. Sector is the "
            "partner's helix sector.",
        ),
        "count",
        "projects.participants",
        ("sector", "partner"),
    ),
    _i(
        "missions_active",
        "activity",
        ("Aktive tematiske oppdrag", "Active thematic missions"),
        (
            "Oppdrag hvis tidsramme kan ha en dag i året.",
            "Missions whose timeframe may have a day in the year.",
        ),
        "count",
        "missions",
        ("thematic_area", "sdg_goal"),
    ),
    _i(
        "mission_projects_in_timeframe",
        "activity",
        ("Oppdragsprosjekter innenfor tidsrammen", "Mission projects within the timeframe"),
        (
            "Av prosjektene samlet under et oppdrag og aktive i året: andelen (%) hvis periode "
            "ligger innenfor oppdragets tidsramme. Sikker når det gjelder uansett usikre "
            "datoer; lav verdi er de sikre, høy de mulige.",
            "Of the projects gathered under a mission and active in the year: the share (%) "
            "whose period lies within the mission's timeframe. Low counts those certainly "
            "within, high those possibly within.",
        ),
        "percent",
        "missions, projects",
        moving_average=False,
    ),
    _i(
        "external_funding",
        "funding",
        ("Ekstern finansiering innvilget", "External funding granted"),
        (
            "Sum av eksterne finansieringslinjer med status innvilget (eller uten status), "
            "etter år for vedtak, ellers prosjektets start. Per valuta; en sum over valutaer "
            "bare med kurser brukeren gir.",
            "Sum of external funding lines granted (or without a status), by the year "
            "decided, else the project's start. Per currency; a total across currencies "
            "only with exchange rates the user gives.",
        ),
        "currency",
        "projects.funding; figures external-funding",
        ("currency", "funder", "programme"),
        measure="external-funding",
    ),
    _i(
        "funding_applications",
        "funding",
        ("Søknader om finansiering", "Funding applications"),
        (
            "Finansieringslinjer med status, etter år for søknad (ellers vedtak, ellers "
            "prosjektets start); ellers rapporterte tall (utfall «applied», ellers summen "
            "av utfallene).",
            "Funding lines with a status, by the year applied (else decided, else the "
            "project's start); else reported figures (outcome 'applied', else the sum of "
            "the outcomes).",
        ),
        "count",
        "projects.funding; figures applications",
        ("outcome",),
        measure="applications",
    ),
    _i(
        "funding_success_rate",
        "funding",
        ("Tilslagsprosent", "Success rate"),
        (
            "Innvilget / (innvilget + avslått) × 100 blant søknader avgjort i året.",
            "Granted / (granted + rejected) × 100 among applications decided in the year.",
        ),
        "percent",
        "projects.funding; figures applications",
        measure="applications",
        moving_average=False,
    ),
    _i(
        "students_placed",
        "education",
        ("Studenter i praksis", "Students placed"),
        (
            "Sum av studenter i praksisrader med praksisår i året.",
            "Sum of the students of the placements of the year.",
        ),
        "count",
        "placements; figures students-placed",
        ("field", "level", "partner"),
        measure="students-placed",
    ),
    _i(
        "placement_weeks",
        "education",
        ("Praksisuker", "Placement weeks"),
        (
            "Sum av studenter × uker for praksisrader i året som oppgir uker.",
            "Sum of students × weeks over the year's placements that give weeks.",
        ),
        "weeks",
        "placements; figures placement-weeks",
        ("field", "level"),
        measure="placement-weeks",
    ),
    _i(
        "theses",
        "education",
        ("Oppgaver med kommunens data", "Theses using municipal data"),
        ("Oppgaver levert i året.", "Theses submitted in the year."),
        "count",
        "theses; figures theses",
        ("level", "field", "thematic_area", "sdg_goal"),
        measure="theses",
    ),
    _i(
        "learning_activities",
        "education",
        ("Læringsaktiviteter", "Learning activities"),
        (
            "Læringsaktiviteter hvis periode kan ha en dag i året (uten periode: ikke talt).",
            "Learning activities whose period may have a day in the year (none: not counted).",
        ),
        "count",
        "learning_activities; figures learning-activities",
        ("kind", "focus_area", "thematic_area"),
        measure="learning-activities",
    ),
    _i(
        "ects_offered",
        "education",
        ("Studiepoeng tilbudt", "ECTS credits offered"),
        (
            "Sum av studiepoeng for årets læringsaktiviteter som gir studiepoeng.",
            "Sum of the credits of the year's learning activities that give credits.",
        ),
        "ects",
        "learning_activities; figures ects-credits",
        ("kind",),
        measure="ects-credits",
    ),
    _i(
        "learning_participants",
        "education",
        ("Deltakere i læringsaktiviteter", "Participants in learning activities"),
        (
            "Sum av deltakertall for årets læringsaktiviteter, etter partnerens organisasjon "
            "og sektor.",
            "Sum of the participant counts of the year's learning activities, by the "
            "partner's organisation and sector.",
        ),
        "count",
        "learning_activities.participants; figures learning-participants",
        ("partner", "sector"),
        measure="learning-participants",
    ),
    _i(
        "outputs",
        "knowledge",
        ("Resultater", "Outputs"),
        (
            "Prosjektresultater med utgivelsesår i året (uten år: ikke talt).",
            "Project outputs whose year is the year (without a year: not counted).",
        ),
        "count",
        "projects.outputs",
        ("kind", "doi"),
    ),
    _i(
        "co_authored_outputs",
        "knowledge",
        ("Felles resultater kommune–universitet", "Joint municipality–university outputs"),
        (
            "Resultater fra prosjekter der både en kommune og et universitet eller en "
            "høgskole deltar (formatet har ingen forfattere: prosjektet står for dem).",
            "Outputs of projects in which both a municipality and a university (or "
            "university college) take part (the format has no authors: the project "
            "stands for them).",
        ),
        "count",
        "projects.outputs; figures co-publications",
        ("kind",),
        measure="co-publications",
    ),
    _i(
        "combined_positions",
        "knowledge",
        ("Kombinerte stillinger i styringen", "Combined positions in governance"),
        (
            "Seter i styringsorganer som deles med en annen partner (combined_with), i "
            "avtaler som kan gjelde i året.",
            "Seats in governance bodies shared with another partner (combined_with), in "
            "agreements that may run in the year.",
        ),
        "count",
        "agreements.governance; figures combined-positions",
        measure="combined-positions",
        moving_average=False,
    ),
    _i(
        "ongoing_collaborations",
        "knowledge",
        ("Pågående samarbeid", "Ongoing collaborations"),
        ("Rapporterte tall (bare tall).", "Reported figures only."),
        "count",
        "figures ongoing-collaborations",
        measure="ongoing-collaborations",
        moving_average=False,
    ),
    *(
        _i(
            code,
            "network",
            titles,
            (
                f"Nettverkstallet {column} fra unikommune.graph.network_metrics for året "
                "(organisasjoner knyttet av prosjekter).",
                f"The network figure {column} of unikommune.graph.network_metrics for the "
                "year (organisations tied by projects).",
            ),
            unit,
            "projects (graph)",
            moving_average=False,
        )
        for code, column, titles, unit in (
            (
                "cross_sector_share",
                "cross_sector_share",
                ("Andel bånd på tvers av sektorer", "Share of cross-sector ties"),
                "percent",
            ),
            ("ei_index", "ei_index", ("E–I-indeks", "E–I index"), "index"),
            (
                "municipality_university_ties",
                "municipality_university_ties",
                ("Bånd kommune–universitet", "Municipality–university ties"),
                "count",
            ),
            ("helix_synergy", "synergy_t4", ("Helikssynergi", "Helix synergy"), "bits"),
            ("communities", "communities", ("Fellesskap", "Communities"), "count"),
        )
    ),
    _i(
        "sdg_goals_reached",
        "sdg",
        ("Bærekraftsmål nådd", "SDG goals reached"),
        (
            "Antall av de 17 målene som minst én aktivitet i året lenker til (prosjekter, "
            "oppdrag, oppgaver, læringsaktiviteter, handlingsplanaktiviteter).",
            "Number of the 17 goals at least one activity of the year links to (projects, "
            "missions, theses, learning activities, action-plan activities).",
        ),
        "count",
        "projects, missions, theses, learning_activities, agreements.action_plans",
        moving_average=False,
    ),
    _i(
        "sdg_targets_reached",
        "sdg",
        ("Delmål nådd", "SDG targets reached"),
        (
            "Antall av de 169 delmålene som minst én aktivitet i året lenker til.",
            "Number of the 169 targets at least one activity of the year links to.",
        ),
        "count",
        "as sdg_goals_reached",
        moving_average=False,
    ),
    _i(
        "sdg_linked_share",
        "sdg",
        ("Andel aktiviteter med bærekraftsmål", "Share of activities with an SDG link"),
        (
            "Aktiviteter i året med minst én lenke til et mål, i prosent av alle årets "
            "aktiviteter.",
            "Activities of the year with at least one SDG link, as a percentage of all the "
            "year's activities.",
        ),
        "percent",
        "as sdg_goals_reached",
        ("activity_kind",),
        moving_average=False,
    ),
    _i(
        "sdg_links",
        "sdg",
        ("Lenker til bærekraftsmål", "SDG links"),
        (
            "Lenker fra årets aktiviteter til mål, etter opphav (erklært, kuratert, "
            "foreslått; uten opphav: erklært) og mål.",
            "Links from the year's activities to goals, by provenance (declared, curated, "
            "suggested; none given: declared) and goal.",
        ),
        "count",
        "as sdg_goals_reached",
        ("provenance", "sdg_goal"),
        moving_average=False,
    ),
)

#: Every indicator, by code, in the order of the groups.
CATALOGUE: Mapping[str, Indicator] = MappingProxyType({entry.code: entry for entry in _ENTRIES})

#: The column of :func:`unikommune.graph.network_metrics` each network indicator reads.
NETWORK_COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "cross_sector_share": "cross_sector_share",
        "ei_index": "ei_index",
        "municipality_university_ties": "municipality_university_ties",
        "helix_synergy": "synergy_t4",
        "communities": "communities",
    }
)


def indicator(code: str) -> Indicator:
    """Return the indicator ``code`` of the catalogue.

    Raises:
        UnknownCodeError: no indicator has that code.
    """
    from unikommune.errors import UnknownCodeError

    found = CATALOGUE.get(code)
    if found is None:
        raise UnknownCodeError(
            f"{code!r} is not an indicator; known: {', '.join(CATALOGUE)} (see docs/indicators.md)"
        )
    return found

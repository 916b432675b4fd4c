"""The words of the assessment: its reasons, statuses, units and periods in nb and en.

Each reason (:class:`~unikommune.evaluation.reasons.Reason`) has a code, and
:data:`TEMPLATES` holds one template per code and language; :func:`reason_text` fills
it with the reason's values, each written the way its kind reads in that language
(:data:`~unikommune.evaluation.reasons.FIELDS`): numbers and figures by
:func:`~unikommune.evaluation.values.format_number` (a decimal comma in Norwegian), an
indicator by its Norwegian title in Norwegian (by its code in English), a comparison
as ``≥`` in Norwegian.  A template is a :meth:`str.format` string, or a pair of them
(one, several) chosen by the value ``count``.

>>> from unikommune.evaluation.reasons import Reason
>>> reason_text(Reason("level_reached", {"level": "1.0", "count": 1}), "nb")
'1.0: kriteriet er oppfylt'
>>> reason_text(Reason("level_reached", {"level": "2.0", "count": 3}), "en")
'2.0: all 3 criteria are met'
"""

from __future__ import annotations

from collections.abc import Callable

from unikommune.evaluation.catalogue import CATALOGUE
from unikommune.evaluation.reasons import FIELDS, REQUIREMENTS, Reason, ReasonCode, ReasonValue
from unikommune.evaluation.values import Lang, Value, display, format_number

__all__ = [
    "REQUIREMENT_WORDS",
    "STATUS_EN",
    "STATUS_NB",
    "TEMPLATES",
    "Template",
    "period",
    "reason_text",
    "status_words",
    "unit",
]

Template = str | tuple[str, str]
"""A template: one :meth:`str.format` string, or two (one, several) chosen by ``count``."""

#: The statuses of the assessment in English.
STATUS_EN = {
    "met": "met",
    "uncertain": "depends on an uncertain date or an approximate figure",
    "not_met": "not met",
    "not_enough_data": "not enough data",
}
#: The statuses of the assessment in Norwegian.
STATUS_NB = {
    "met": "oppfylt",
    "not_met": "ikke oppfylt",
    "uncertain": "avhenger av usikre data",
    "not_enough_data": "ikke nok data",
}
_UNITS_NB = {
    "count": "",
    "percent": "prosent",
    "weeks": "uker",
    "ects": "studiepoeng",
    "bits": "bit",
    "index": "indeks",
    "currency": "valuta",
}
_AGGREGATIONS_NB = {
    "sum": "sum",
    "mean": "gjennomsnitt",
    "min": "laveste",
    "max": "høyeste",
    "last": "siste",
}
_COMPARISONS_NB = {">=": "≥", "<=": "≤", "==": "="}

#: What an agreement in force may be required to have, per language (value ``what``).
REQUIREMENT_WORDS: dict[str, dict[Lang, str]] = {
    "in_force": {"en": "an agreement is in force", "nb": "en avtale gjelder"},
    "long_term": {
        "en": "an agreement runs open-ended or at least {years} years",
        "nb": "en avtale løper uten sluttdato eller i minst {years} år",
    },
    "governance": {
        "en": "a governance body has seats for both sides",
        "nb": "et styringsorgan har plasser for begge sider",
    },
    "action_plans": {
        "en": "every focus area has an action plan",
        "nb": "hvert innsatsområde har en handlingsplan",
    },
    "sdg_rule": {
        "en": "the SDG rule is in force",
        "nb": "regelen om bærekraftsmålene gjelder",
    },
}

#: The template of every reason code, per language.
TEMPLATES: dict[ReasonCode, dict[Lang, Template]] = {
    "indicator_figure": {
        "en": "{indicator} over {periods}: {figure}; wants {aggregation} {comparison} "
        "{threshold}{unit}",
        "nb": "{indicator} i {periods}: {figure}; krav: {aggregation} {comparison} "
        "{threshold}{unit}",
    },
    "indicator_no_data": {"en": "{indicator} has no data", "nb": "{indicator}: ingen data"},
    "no_data_for": {"en": "no data for {periods}", "nb": "ingen data for {periods}"},
    "met_if_favourable": {
        "en": "met only if the approximate or uncertain inputs fall favourably",
        "nb": "oppfylt bare om de omtrentlige eller usikre tallene faller gunstig ut",
    },
    "level_reached": {
        "en": ("{level}: its one criterion is met", "{level}: all {count} criteria are met"),
        "nb": ("{level}: kriteriet er oppfylt", "{level}: alle {count} kriteriene er oppfylt"),
    },
    "level_not_reached": {
        "en": "{level} not reached: {missing}",
        "nb": "{level} ikke nådd: {missing}",
    },
    "no_agreement": {"en": "the dataset holds no agreement", "nb": "datasettet har ingen avtale"},
    "none_in_force": {
        "en": "no agreement is in force on {day}",
        "nb": "ingen avtale gjelder per {day}",
    },
    "agreement_has": {"en": "{what}: {records}", "nb": "{what}: {records}"},
    "agreement_has_uncertain": {
        "en": "{what}, but whether it is in force on {day} depends on an uncertain date",
        "nb": "{what}, men om det gjelder per {day} avhenger av en usikker dato",
    },
    "agreement_lacks": {
        "en": "no agreement in force on {day}: {what}",
        "nb": "ingen avtale som gjelder per {day}: {what}",
    },
    "parties_both_sides": {
        "en": "a municipality and a university are parties",
        "nb": "en kommune og et universitet er parter",
    },
    "parties_lack": {
        "en": "no agreement has both a municipality and a university",
        "nb": "ingen avtale har både en kommune og et universitet",
    },
    "successor": {
        "en": "{agreement} continues an earlier agreement",
        "nb": "{agreement} viderefører en tidligere avtale",
    },
    "no_successor": {
        "en": "no agreement supersedes an earlier one",
        "nb": "ingen avtale erstatter en tidligere avtale",
    },
    "action_plans_lack": {
        "en": "no action plan for {plans}",
        "nb": "ingen handlingsplan for {plans}",
    },
    "no_projects": {
        "en": "the dataset holds no active or completed project",
        "nb": "datasettet har ingen aktive eller fullførte prosjekter",
    },
    "thematic_areas": {
        "en": ("projects cover {count} thematic area", "projects cover {count} thematic areas"),
        "nb": (
            "prosjektene dekker {count} tematisk område",
            "prosjektene dekker {count} tematiske områder",
        ),
    },
    "thematic_areas_short": {
        "en": (
            "projects cover {count} thematic area of {minimum}",
            "projects cover {count} thematic areas of {minimum}",
        ),
        "nb": (
            "prosjektene dekker {count} tematisk område (krav: {minimum})",
            "prosjektene dekker {count} tematiske områder (krav: {minimum})",
        ),
    },
    "joint_projects": {
        "en": ("{count} joint project", "{count} joint projects"),
        "nb": ("{count} felles prosjekt", "{count} felles prosjekter"),
    },
    "no_joint_project": {
        "en": "no project has both a municipality and a university",
        "nb": "ingen prosjekter har både en kommune og et universitet",
    },
    "no_documents": {
        "en": "no agreement lists any document",
        "nb": "ingen avtale viser til noe dokument",
    },
    "document_found": {"en": "document {agreement}: {url}", "nb": "dokument {agreement}: {url}"},
    "no_document_mentions": {
        "en": "no document mentions {keywords}",
        "nb": "ingen dokumenter nevner {keywords}",
    },
    "maturity_assessed": {
        "en": "assessed at {level} or higher: {assessment}",
        "nb": "vurdert til {level} eller høyere: {assessment}",
    },
    "no_maturity_assessment": {
        "en": "no assessment at maturity {level} or higher",
        "nb": "ingen vurdering på modenhetsnivå {level} eller høyere",
    },
}


def unit(code: str, lang: Lang) -> str:
    """Return a unit as the report shows it: ``count`` is no unit; others in ``lang``."""
    if code == "count":
        return ""
    return _UNITS_NB.get(code, code) if lang == "nb" else code


def period(key: str, lang: Lang) -> str:
    """Return a period's column heading: a year, ``first/last``, or undated in ``lang``."""
    return "udatert" if key == "undated" and lang == "nb" else key


def status_words(status: str, lang: Lang) -> str:
    """Return a status of the assessment in words in ``lang``."""
    return (STATUS_NB if lang == "nb" else STATUS_EN)[status]


def _title(code: str, lang: Lang) -> str:
    entry = CATALOGUE.get(code)
    if lang != "nb" or entry is None:
        return code
    return str(entry.title.get("nb", code))


def _pairs(value: ReasonValue) -> list[tuple[str, str]]:
    return [pair for pair in value if isinstance(pair, tuple)] if isinstance(value, tuple) else []


def _strings(value: ReasonValue) -> list[str]:
    return [str(item) for item in value] if isinstance(value, tuple) else [str(value)]


def _spaced(text: str) -> str:
    return f" {text}" if text else ""


def _number(value: ReasonValue, lang: Lang) -> str:
    return format_number(value, lang) if isinstance(value, int | float) else str(value)


#: How each kind of value reads (:data:`~unikommune.evaluation.reasons.FIELDS`).
_KINDS: dict[str, Callable[[ReasonValue, Lang], str]] = {
    "text": lambda value, lang: str(value),
    "list": lambda value, lang: ", ".join(_strings(value)),
    "number": _number,
    "count": _number,
    "indicator": lambda value, lang: _title(str(value), lang),
    "figure": lambda value, lang: display(value, lang=lang) if isinstance(value, Value) else "",
    "aggregation": lambda value, lang: (
        _AGGREGATIONS_NB.get(str(value), str(value)) if lang == "nb" else str(value)
    ),
    "comparison": lambda value, lang: (
        _COMPARISONS_NB.get(str(value), str(value)) if lang == "nb" else str(value)
    ),
    # English names the unit's code, as the criteria set does; Norwegian leaves out a count
    "unit": lambda value, lang: f" {value}" if lang == "en" else _spaced(unit(str(value), lang)),
    "statuses": lambda value, lang: ", ".join(
        f"{criterion} ({status_words(status, lang)})" for criterion, status in _pairs(value)
    ),
    "plans": lambda value, lang: "; ".join(f"{a}: {area}" for a, area in _pairs(value)),
    "keywords": lambda value, lang: (" eller " if lang == "nb" else " or ").join(_strings(value)),
}


def _requirement(reason: Reason, lang: Lang) -> str:
    words = REQUIREMENT_WORDS[str(reason.values["what"])][lang]
    return words.format(years=_number(reason.values.get("years", ""), lang))


def reason_text(reason: Reason, lang: Lang = "en") -> str:
    """Return ``reason`` worded in ``lang`` from its template in :data:`TEMPLATES`."""
    template = TEMPLATES[reason.code][lang]
    if isinstance(template, tuple):
        template = template[0] if reason.values.get("count") == 1 else template[1]
    filled = {}
    for name, value in reason.values.items():
        kind = FIELDS[name]
        if kind == "requirement":
            filled[name] = _requirement(reason, lang)
        else:
            filled[name] = _KINDS[kind](value, lang)
    return template.format(**filled)


assert set(REQUIREMENT_WORDS) == set(REQUIREMENTS)

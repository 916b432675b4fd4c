"""The report's words for what the assessment says: its reasons and units in Norwegian.

:mod:`.assess` and :mod:`.evidence` give their reasons in English, as plain sentences
built from a few patterns (``theses over 2019, 2020, 2021: 6; wants sum >= 10 count``).
A report in Norwegian reads each reason against those patterns and words it in
Norwegian, with the indicator's Norwegian title in place of its code.  A reason no
pattern knows is left as it is, so a new reason in the assessment shows in English
until a pattern is added here (``tests/test_report.py`` checks that the examples'
reasons all have one).  In English a reason is kept as the assessment gives it, but
for ``all 1 criteria are met``, which reads ``its one criterion is met``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from unikommune.evaluation.assess import STATUSES
from unikommune.evaluation.catalogue import CATALOGUE

__all__ = ["STATUS_NB", "period", "reason", "unit"]

Lang = Literal["nb", "en"]

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
_COMPARISONS = {">=": "≥", "<=": "≤", "==": "="}
#: What an agreement in force must have (:func:`unikommune.evaluation.evidence`).
_WHAT_NB: list[tuple[str, str]] = [
    (r"an agreement is in force", "en avtale gjelder"),
    (
        r"an agreement runs open-ended or at least (\d+) years",
        r"en avtale løper uten sluttdato eller i minst \1 år",
    ),
    (r"a governance body has seats for both sides", "et styringsorgan har plasser for begge sider"),
    (r"every focus area has an action plan", "hvert innsatsområde har en handlingsplan"),
    (r"the SDG rule is in force", "regelen om bærekraftsmålene gjelder"),
]


def unit(code: str, lang: Lang) -> str:
    """Return a unit as the report shows it: ``count`` is no unit; others in ``lang``."""
    if code == "count":
        return ""
    return _UNITS_NB.get(code, code) if lang == "nb" else code


def period(key: str, lang: Lang) -> str:
    """Return a period's column heading: a year, ``first/last``, or undated in ``lang``."""
    return "udatert" if key == "undated" and lang == "nb" else key


def _title(code: str) -> str:
    entry = CATALOGUE.get(code)
    return code if entry is None else str(entry.title.get("nb", code))


def _what(text: str) -> str:
    for pattern, wording in _WHAT_NB:
        text = re.sub(pattern, wording, text)
    return text


def _figure(match: re.Match[str]) -> str:
    code, periods, figure, aggregation, comparison, value, code_unit = match.groups()
    compared = _COMPARISONS.get(comparison, comparison)
    wanted = f"{_AGGREGATIONS_NB.get(aggregation, aggregation)} {compared} {value}"
    shown = unit(code_unit, "nb")
    return f"{_title(code)} i {periods}: {figure}; krav: {wanted}{' ' + shown if shown else ''}"


def _levels(match: re.Match[str]) -> str:
    parts = match.group(2)
    for status, words in STATUSES.items():
        parts = parts.replace(f"({words})", f"({STATUS_NB[status]})")
    return f"{match.group(1)} ikke nådd: {parts}"


def _all_met(match: re.Match[str]) -> str:
    level, count = match.groups()
    if count == "1":
        return f"{level}: kriteriet er oppfylt"
    return f"{level}: alle {count} kriteriene er oppfylt"


_WHATS = "|".join(pattern for pattern, _ in _WHAT_NB)
_DAY = r"(\S+)"
#: Every reason the assessment gives, as a pattern and its Norwegian wording.
_REASONS: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    (r"(\w+) over (.+): (.+); wants (\w+) (\S+) (\S+) (\S+)", _figure),
    (r"(\w+) has no data", lambda m: f"{_title(m.group(1))}: ingen data"),
    (r"no data for (.+)", r"ingen data for \1"),
    (
        r"met only if the approximate or uncertain inputs fall favourably",
        "oppfylt bare om de omtrentlige eller usikre tallene faller gunstig ut",
    ),
    (r"the dataset holds no agreement", "datasettet har ingen avtale"),
    (rf"no agreement is in force on {_DAY}", r"ingen avtale gjelder per \1"),
    (
        rf"no agreement in force on {_DAY}: ({_WHATS})",
        lambda m: f"ingen avtale som gjelder per {m.group(1)}: {_what(m.group(2))}",
    ),
    (
        rf"({_WHATS}), but whether it is in force on {_DAY} depends on an uncertain date",
        lambda m: (
            f"{_what(m.group(1))}, men om den gjelder per {m.group(m.lastindex or 0)} "
            "avhenger av en usikker dato"
        ),
    ),
    (rf"({_WHATS}): (.+)", lambda m: f"{_what(m.group(1))}: {m.group(m.lastindex or 0)}"),
    (r"a municipality and a university are parties", "en kommune og et universitet er parter"),
    (
        r"no agreement has both a municipality and a university",
        "ingen avtale har både en kommune og et universitet",
    ),
    (r"(\S+) continues an earlier agreement", r"\1 viderefører en tidligere avtale"),
    (r"no agreement supersedes an earlier one", "ingen avtale erstatter en tidligere avtale"),
    (r"no action plan for (.+)", r"ingen handlingsplan for \1"),
    (
        r"the dataset holds no active or completed project",
        "datasettet har ingen aktive eller fullførte prosjekter",
    ),
    (
        r"projects cover (\d+) thematic areas of (\d+)",
        r"prosjektene dekker \1 tematiske områder (krav: \2)",
    ),
    (r"projects cover (\d+) thematic areas", r"prosjektene dekker \1 tematiske områder"),
    (r"(\d+) joint projects", r"\1 felles prosjekter"),
    (
        r"no project has both a municipality and a university",
        "ingen prosjekter har både en kommune og et universitet",
    ),
    (r"no agreement lists any document", "ingen avtale viser til noe dokument"),
    (r"document (\S+)", r"dokument \1"),
    (
        r"no document mentions (.+)",
        lambda m: f"ingen dokumenter nevner {m.group(1).replace(' or ', ' eller ')}",
    ),
    (r"assessed at (\S+) or higher: (.+)", r"vurdert til \1 eller høyere: \2"),
    (
        r"no assessment at maturity (\S+) or higher",
        r"ingen vurdering på modenhetsnivå \1 eller høyere",
    ),
    (r"(\S+): all (\d+) criteria are met", _all_met),
    (r"(\S+) not reached: (.+)", _levels),
]
_COMPILED = [(re.compile(pattern), wording) for pattern, wording in _REASONS]


def reason(text: str, lang: Lang) -> str:
    """Return a reason of the assessment in ``lang`` (unchanged if no pattern knows it)."""
    if lang != "nb":
        return re.sub(r"^(\S+): all 1 criteria are met$", r"\1: its one criterion is met", text)
    for pattern, wording in _COMPILED:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        return wording(match) if callable(wording) else match.expand(wording)
    return text

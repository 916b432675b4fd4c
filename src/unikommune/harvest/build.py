"""A harvest in progress: partners and projects mapped from source files, each built once.

The importers (:mod:`unikommune.harvest.importers`) put what they map into a
:class:`Harvest`: a partner or project is keyed by its id, which is made from the
source's own identifier (:func:`partner_id`, :func:`project_id`), so that the same
organisation met in many rows is one partner.  :meth:`Harvest.result` then checks
every record against the models and gives a dataset that validates; a record the
models refuse is left out and reported, never dropped in silence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from unikommune.collector import collector_paused
from unikommune.errors import UnikommuneError
from unikommune.format import SCHEMA_BASE
from unikommune.harvest.provenance import ProvenanceRow
from unikommune.harvest.sources import SourceProblem
from unikommune.identifiers import identifier_problem
from unikommune.models import Dataset, Partner, Project

__all__ = [
    "Filters",
    "Harvest",
    "HarvestError",
    "HarvestResult",
    "Origin",
    "money",
    "partner_id",
    "project_id",
    "retrieval_date",
    "status_by_dates",
]

#: How strongly a role binds a partner to a project: of two roles, the stronger is kept.
_ROLE_RANK = {"coordinator": 3, "partner": 2}


class HarvestError(UnikommuneError, ValueError):
    """A harvest was asked for something its source cannot give (a filter, a file)."""


@dataclass(frozen=True, slots=True)
class Filters:
    """What to keep: projects of these partners or municipalities, running in these years.

    An empty set keeps everything; a project with no known start or end is kept by the
    years.
    """

    partners: frozenset[str] = frozenset()
    municipalities: frozenset[str] = frozenset()
    first_year: int | None = None
    last_year: int | None = None

    def by_organisation(self) -> bool:
        """Return whether partners or municipalities are filtered on."""
        return bool(self.partners or self.municipalities)

    def runs(self, start: date | int | None, end: date | int | None) -> bool:
        """Return whether a project from ``start`` to ``end`` may run in the years kept."""
        first = start.year if isinstance(start, date) else start
        last = end.year if isinstance(end, date) else end
        if self.last_year is not None and first is not None and first > self.last_year:
            return False
        return not (self.first_year is not None and last is not None and last < self.first_year)


@dataclass(frozen=True, slots=True)
class Origin:
    """A source file being harvested: the source, the file and when it was retrieved."""

    source: str
    path: str
    retrieved: date
    file: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.file:  # the file's name, as provenance records it
            object.__setattr__(self, "file", Path(self.path).name)


@dataclass(frozen=True, slots=True)
class HarvestResult:
    """A harvested dataset, what could not be mapped, and where each record comes from."""

    dataset: Dataset
    problems: list[SourceProblem]
    provenance: list[ProvenanceRow]


def retrieval_date(path: str | Path, given: date | None = None) -> date:
    """Return ``given``, else the day (UTC) the file was last modified: when it was downloaded."""
    if given is not None:
        return given
    return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC).date()


def _slug(text: str) -> str:
    folded = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:100] or "unnamed"


def partner_id(*, orgnr: str | None = None, key: str | None = None, name: str = "") -> str:
    """Return the id of a harvested partner: ``no-ORGNR``, else the source's key, else its name.

    >>> partner_id(orgnr="974767880"), partner_id(key="pic-999000404")
    ('no-974767880', 'pic-999000404')
    >>> partner_id(name="HØGSKOLEN I EKSEMPELBY")
    'name-hogskolen-i-eksempelby'
    """
    if orgnr is not None:
        return f"no-{orgnr}"
    if key is not None:
        return key
    return f"name-{_slug(name)}"


def project_id(scheme: str, value: str) -> str:
    """Return the id of a harvested project: ``eu-GRANT``, ``rcn-NUMBER``, ``cristin-ID``.

    >>> project_id("eu-grant", "101999101")
    'eu-101999101'
    """
    prefix = {"eu-grant": "eu", "rcn-project": "rcn", "cristin-project": "cristin"}[scheme]
    return f"{prefix}-{value}"


def money(amount: Decimal | None, currency: str | None) -> dict[str, Any] | None:
    """Return a money value of the format, or ``None`` for no amount, zero or a negative one."""
    if amount is None or currency is None or amount <= 0:
        return None
    return {"amount": float(amount), "currency": currency}


def status_by_dates(start: date | int | None, end: date | int | None, on: date) -> str:
    """Return ``planned``, ``active`` or ``completed`` for a project from ``start`` to ``end``."""
    first = start if isinstance(start, date) else date(start, 1, 1) if start else None
    last = end if isinstance(end, date) else date(end, 12, 31) if end else None
    if last is not None and last < on:
        return "completed"
    if first is not None and first > on:
        return "planned"
    return "active"


@dataclass
class Harvest:
    """Partners and projects mapped so far, the problems met, and the records' provenance."""

    filters: Filters = field(default_factory=Filters)
    partners: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[SourceProblem] = field(default_factory=list)
    provenance: dict[tuple[str, str, str], ProvenanceRow] = field(default_factory=dict)
    origins: list[Origin] = field(default_factory=list)
    _first: dict[tuple[str, str], ProvenanceRow] = field(
        default_factory=dict, init=False, repr=False
    )
    _identifiers: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False)

    def origin(self, source: str, path: str | Path, retrieved: date | None) -> Origin:
        """Start harvesting a file; return its origin."""
        found = Origin(source, str(path), retrieval_date(path, retrieved))
        self.origins.append(found)
        return found

    def report(
        self,
        code: str,
        origin: Origin,
        message: str,
        *,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        """Report what could not be mapped."""
        self.problems.append(SourceProblem(code, origin.path, message, line, row, column))

    def _note(
        self, collection: str, record: str, origin: Origin, line: int | None, key: str
    ) -> None:
        where = (collection, record, origin.path)
        if where not in self.provenance:
            row = ProvenanceRow(
                collection, record, origin.source, origin.file, line,
                origin.retrieved.isoformat(), key,
            )  # fmt: skip
            self.provenance[where] = row
            self._first.setdefault((collection, record), row)

    def partner(self, record: dict[str, Any], origin: Origin, line: int | None, key: str) -> str:
        """Add a partner, or fill in what an earlier row of it lacked; return its id."""
        found = self.partners.get(record["id"])
        if found is None:
            self.partners[record["id"]] = record
        else:
            _fill(found, record)
        self._note("partners", record["id"], origin, line, key)
        return str(record["id"])

    def project(
        self, record: dict[str, Any], origin: Origin, line: int | None, key: str
    ) -> dict[str, Any]:
        """Add a project, or fill in what an earlier row of it lacked; return its draft."""
        found = self.projects.get(record["id"])
        if found is None:
            record.setdefault("participants", [])
            record.setdefault("funding", [])
            self.projects[record["id"]] = found = record
        else:
            _fill(found, record)
        self._note("projects", record["id"], origin, line, key)
        return found

    @staticmethod
    def participate(project: dict[str, Any], partner: str, role: str) -> None:
        """Add a partner to a project, keeping its stronger role if it is there already."""
        for participation in project["participants"]:
            if participation["partner"] == partner:
                if _ROLE_RANK.get(role, 0) > _ROLE_RANK.get(participation["role"], 0):
                    participation["role"] = role
                return
        project["participants"].append({"partner": partner, "role": role})

    @staticmethod
    def fund(project: dict[str, Any], funding: dict[str, Any]) -> None:
        """Add a funding line to a project, unless the same line is there already."""
        if funding not in project["funding"]:
            project["funding"].append(funding)

    def identifier(
        self, scheme: str, value: str | None, origin: Origin, line: int | None
    ) -> dict[str, str] | None:
        """Return an identifier of the format, reporting a value its scheme refuses."""
        if value is None:
            return None
        problem = self._identifiers.get((scheme, value))
        if problem is None:  # each value is checked once: a national file repeats them
            problem = self._identifiers[scheme, value] = identifier_problem(scheme, value) or ""
        if problem:
            self.report("bad_identifier", origin, f"{problem}; left out", line=line)
            return None
        return {"scheme": scheme, "value": value}

    def result(
        self,
        *,
        title: Mapping[str, str] | None = None,
        licence: str = "CC-BY-4.0",
        today: date | None = None,
    ) -> HarvestResult:
        """Check every record against the models and return the harvested dataset.

        The cycle collector is paused meanwhile (:mod:`unikommune.collector`): the checks
        make a model of every record and no reference cycle.
        """
        with collector_paused():
            return self._result(title, licence, today)

    def _result(
        self, title: Mapping[str, str] | None, licence: str, today: date | None
    ) -> HarvestResult:
        partners = self._checked(Partner, self.partners.values(), "partners")
        known = {partner.id for partner in partners}
        for partner in partners:
            if partner.parent is not None and partner.parent not in known:
                self._about(
                    "parent_not_found",
                    "partners",
                    partner.id,
                    f"is taken as an organisation: its parent {partner.parent} was left out",
                )
                partner.parent = None
        drafts = []
        for draft in self.projects.values():
            draft["participants"] = [p for p in draft["participants"] if p["partner"] in known]
            for line in draft["funding"]:
                if line.get("recipient") not in known:
                    line.pop("recipient", None)
            if not draft["participants"]:
                self._refuse("projects", draft["id"], "it has no participant that could be mapped")
                continue
            drafts.append(draft)
        projects = self._checked(Project, drafts, "projects")
        languages = _languages(partners, projects)
        dataset = Dataset.model_validate(
            {
                "$schema": f"{SCHEMA_BASE}dataset.json",
                "title": _in(languages, dict(title or self._title())),
                "description": _in(languages, self._description()),
                "publisher": {"name": _in(languages, _PUBLISHER)},
                "license": licence,
                "languages": languages,
                "modified": (today or date.today()).isoformat(),
                # Checked already: pydantic takes model instances as they are.
                "partners": partners,
                "projects": projects,
            }
        )
        kept = {("partners", p.id) for p in partners} | {("projects", p.id) for p in projects}
        rows = sorted(row for row in self.provenance.values() if (row.collection, row.id) in kept)
        return HarvestResult(dataset, list(self.problems), rows)

    def _checked(self, model: Any, drafts: Iterable[dict[str, Any]], collection: str) -> list[Any]:
        records = []
        for draft in drafts:
            try:
                records.append(model.model_validate(draft))
            except ValidationError as error:
                detail = error.errors(include_url=False)[0]
                where = ".".join(str(part) for part in detail["loc"])
                self._refuse(collection, draft["id"], f"{where}: {detail['msg']}")
        return records

    def _refuse(self, collection: str, record: str, why: str) -> None:
        self._about("unmappable_record", collection, record, f"is left out: {why}")

    def _about(self, code: str, collection: str, record: str, message: str) -> None:
        """Report a problem of a record, placed where the record was first met."""
        origin = self._first.get((collection, record))
        self.problems.append(
            SourceProblem(
                code,
                origin.file if origin else "",
                f"{collection[:-1]} {record} {message}",
                line=origin.line if origin else None,
            )
        )

    def _title(self) -> dict[str, str]:
        sources = ", ".join(dict.fromkeys(origin.source for origin in self.origins)) or "-"
        return {"nb": f"Høstet fra {sources}", "en": f"Harvested from {sources}"}

    def _description(self) -> dict[str, str]:
        files = "; ".join(
            f"{origin.source}: {origin.file} ({origin.retrieved.isoformat()})"
            for origin in self.origins
        )
        return {
            "nb": "Høstet av unikommune fra registre som publiserer partnerskapets prosjekter "
            f"og partnere ({files or '-'}). Kilden til hver post står i provenance.csv.",
            "en": "Harvested by unikommune from registries that publish the partnership's "
            f"projects and partners ({files or '-'}; the date each file was retrieved). Each "
            "record's source is listed in provenance.csv beside this file.",
        }


def _fill(found: dict[str, Any], record: Mapping[str, Any]) -> None:
    """Give ``found`` the fields it lacks, the languages its texts lack, and new identifiers."""
    for key, value in record.items():
        if key not in found or found[key] is None:
            found[key] = value
        elif key == "identifiers":
            found[key] += [item for item in value if item not in found[key]]
        elif isinstance(value, dict) and isinstance(found[key], dict) and key != "period":
            for language, text in value.items():
                found[key].setdefault(language, text)


#: The publisher of a harvest, until its user states one.
_PUBLISHER = {
    "nb": "Ikke oppgitt: oppgi utgiveren før datasettet publiseres",
    "en": "Not yet stated: set the publisher before publishing",
}


def _in(languages: list[str], texts: Mapping[str, str]) -> dict[str, str]:
    """Return ``texts`` in the ``languages`` it has (English when it has none of them)."""
    kept = {language: texts[language] for language in languages if language in texts}
    return kept or {"en": texts["en"]}


def _languages(partners: list[Partner], projects: list[Project]) -> list[str]:
    found: dict[str, None] = {}
    for partner in partners:
        found.update(dict.fromkeys(partner.name))
    for project in projects:
        found.update(dict.fromkeys(project.title))
    return sorted(found) or ["en"]

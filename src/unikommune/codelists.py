"""Controlled vocabularies of the unikommune format.

Each vocabulary is a string enum whose values are the codes that appear in
published documents.  The titles (Norwegian Bokmål and English) and
descriptions of every code ship as package data in ``data/codelists/`` and are
read with :func:`get`; a test holds the enums, the data files and the published
schemas together, so they can never disagree.

>>> from unikommune import codelists
>>> codelists.get("helix-sector")["academia"].title["en"]
'Academia'
>>> codelists.sdg_goal_of("11.2")
11
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from unikommune.errors import UnknownCodeError

__all__ = [
    "COUNTRY_CODES",
    "CURRENCY_CODES",
    "ENUMS",
    "REGION_AREAS",
    "SDG_TARGETS",
    "Audience",
    "Code",
    "Codelist",
    "FigureMethod",
    "FundingStatus",
    "GovernanceBodyKind",
    "GovernanceRole",
    "HelixSector",
    "IdentifierScheme",
    "LearningKind",
    "Licence",
    "MaturityLevel",
    "Measure",
    "OutputKind",
    "ParticipantRole",
    "PartnerKind",
    "PartyRole",
    "ProgrammeField",
    "ProjectKind",
    "ProjectStatus",
    "RecordType",
    "RuleKind",
    "SdgProvenance",
    "SdgRole",
    "StudyLevel",
    "Term",
    "ThesisLevel",
    "UnitType",
    "get",
    "names",
    "sdg_goal_of",
]


class PartnerKind(StrEnum):
    """Kind of organisation a partner is, or belongs to when it is a unit."""

    MUNICIPALITY = "municipality"
    COUNTY = "county"
    UNIVERSITY = "university"
    UNIVERSITY_COLLEGE = "university-college"
    RESEARCH_INSTITUTE = "research-institute"
    HEALTH_TRUST = "health-trust"
    PUBLIC_AGENCY = "public-agency"
    COMPANY = "company"
    NGO = "ngo"
    CITIZEN_GROUP = "citizen-group"
    OTHER = "other"


class UnitType(StrEnum):
    """Type of an organisational unit (a partner with a parent)."""

    FACULTY = "faculty"
    DEPARTMENT = "department"
    CENTRE = "centre"
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    NURSING_HOME = "nursing-home"
    HEALTH_AND_CARE_SERVICE = "health-and-care-service"
    ADMINISTRATIVE_UNIT = "administrative-unit"
    OTHER = "other"


class HelixSector(StrEnum):
    """Sector of the quadruple helix."""

    PUBLIC_SECTOR = "public-sector"
    ACADEMIA = "academia"
    INDUSTRY = "industry"
    CIVIL_SOCIETY = "civil-society"


class PartyRole(StrEnum):
    """Role of a party to an agreement."""

    PARTY = "party"
    ASSOCIATE = "associate"


class GovernanceBodyKind(StrEnum):
    """Kind of governance body set up by an agreement."""

    STEERING_GROUP = "steering-group"
    BOARD = "board"
    WORKING_GROUP = "working-group"
    REFERENCE_GROUP = "reference-group"
    SECRETARIAT = "secretariat"
    COUNCIL = "council"
    OTHER = "other"


class GovernanceRole(StrEnum):
    """Public role held in a governance body (a role, never a person)."""

    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy-chair"
    MEMBER = "member"
    SECRETARY = "secretary"
    OBSERVER = "observer"
    COORDINATOR = "coordinator"


class ParticipantRole(StrEnum):
    """Role of a partner in a project."""

    COORDINATOR = "coordinator"
    PARTNER = "partner"
    RESEARCH_PARTNER = "research-partner"
    USER_PARTNER = "user-partner"
    FUNDER = "funder"
    ADVISOR = "advisor"
    OTHER = "other"


class ProjectKind(StrEnum):
    """Kind of R&D&I work; a project may be several at once."""

    RESEARCH = "research"
    DEVELOPMENT = "development"
    INNOVATION = "innovation"


class ProjectStatus(StrEnum):
    """Status of a project or an action-plan activity."""

    APPLIED = "applied"
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class FundingStatus(StrEnum):
    """Where an application for funding stands."""

    APPLIED = "applied"
    GRANTED = "granted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Measure(StrEnum):
    """What a reported figure measures; a profile may add measures of its own."""

    ONGOING_COLLABORATIONS = "ongoing-collaborations"
    PROJECTS = "projects"
    APPLICATIONS = "applications"
    GRANTS = "grants"
    EXTERNAL_FUNDING = "external-funding"
    STUDENTS_PLACED = "students-placed"
    PLACEMENT_WEEKS = "placement-weeks"
    THESES = "theses"
    COMBINED_POSITIONS = "combined-positions"
    CO_PUBLICATIONS = "co-publications"
    LEARNING_ACTIVITIES = "learning-activities"
    LEARNING_PARTICIPANTS = "learning-participants"
    ECTS_CREDITS = "ects-credits"


class FigureMethod(StrEnum):
    """How a reported figure came about."""

    COUNTED = "counted"
    REPORTED = "reported"
    ESTIMATED = "estimated"
    SURVEY = "survey"


class OutputKind(StrEnum):
    """Kind of result a project produces."""

    PUBLICATION = "publication"
    REPORT = "report"
    DATASET = "dataset"
    SOFTWARE = "software"
    SERVICE = "service"
    METHOD = "method"
    POLICY = "policy"
    EVENT = "event"
    MEDIA = "media"
    OTHER = "other"


class ProgrammeField(StrEnum):
    """Field of a study programme."""

    HEALTH = "health"
    SOCIAL_WORK = "social-work"
    TEACHER_EDUCATION = "teacher-education"
    EARLY_CHILDHOOD_EDUCATION = "early-childhood-education"
    ENGINEERING_TECHNOLOGY = "engineering-technology"
    NATURAL_SCIENCES = "natural-sciences"
    SOCIAL_SCIENCES = "social-sciences"
    HUMANITIES = "humanities"
    ECONOMICS_ADMINISTRATION = "economics-administration"
    ARCHITECTURE_PLANNING = "architecture-planning"
    LAW = "law"
    ARTS = "arts"
    OTHER = "other"


class StudyLevel(StrEnum):
    """Level of a study programme."""

    BACHELOR = "bachelor"
    MASTER = "master"
    INTEGRATED_MASTER = "integrated-master"
    PHD = "phd"
    CONTINUING_EDUCATION = "continuing-education"
    OTHER = "other"


class Term(StrEnum):
    """Academic term."""

    SPRING = "spring"
    AUTUMN = "autumn"
    SUMMER = "summer"
    FULL_YEAR = "full-year"


class ThesisLevel(StrEnum):
    """Level of a thesis or project assignment."""

    BACHELOR = "bachelor"
    MASTER = "master"
    PROJECT_ASSIGNMENT = "project-assignment"
    PHD = "phd"


class LearningKind(StrEnum):
    """Kind of lifelong-learning activity."""

    COURSE = "course"
    CONTINUING_EDUCATION = "continuing-education"
    FURTHER_EDUCATION = "further-education"
    SEMINAR = "seminar"
    WORKSHOP = "workshop"
    CONFERENCE = "conference"
    NETWORK = "network"
    OTHER = "other"


class Audience(StrEnum):
    """Audience of a lifelong-learning activity."""

    MUNICIPAL_STAFF = "municipal-staff"
    UNIVERSITY_STAFF = "university-staff"
    STUDENTS = "students"
    BUSINESS = "business"
    PUBLIC_AGENCIES = "public-agencies"
    FUNDING_BODIES = "funding-bodies"
    VOLUNTEERS = "volunteers"
    CITIZENS = "citizens"
    OTHER = "other"


class Licence(StrEnum):
    """Licence of a published dataset, as an SPDX identifier."""

    NLOD_2_0 = "NLOD-2.0"
    CC_BY_4_0 = "CC-BY-4.0"
    CC0_1_0 = "CC0-1.0"


class SdgRole(StrEnum):
    """Role of an SDG link for the activity it belongs to."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


class SdgProvenance(StrEnum):
    """Who made an SDG link."""

    DECLARED = "declared"
    CURATED = "curated"
    SUGGESTED = "suggested"


class IdentifierScheme(StrEnum):
    """Scheme of an external identifier."""

    NO_ORGNR = "no-orgnr"
    NO_KOMMUNENR = "no-kommunenr"
    ROR = "ror"
    ORCID = "orcid"
    DOI = "doi"
    CRISTIN_PROJECT = "cristin-project"
    RCN_PROJECT = "rcn-project"
    EU_GRANT = "eu-grant"
    URL = "url"


class MaturityLevel(StrEnum):
    """Maturity of a partnership in the university-municipality story."""

    HOST = "1.0"
    COLLABORATION = "2.0"
    PARTNERSHIP = "3.0"


class RuleKind(StrEnum):
    """Kind of rule an agreement sets for joint activity."""

    SDG_LINK_REQUIRED = "sdg-link-required"


class RecordType(StrEnum):
    """Kind of record in a dataset."""

    PARTNER = "partner"
    AGREEMENT = "agreement"
    MISSION = "mission"
    PROJECT = "project"
    PLACEMENT = "placement"
    THESIS = "thesis"
    LEARNING_ACTIVITY = "learning-activity"
    FIGURE = "figure"
    ACTIVITY = "activity"


def sdg_goal_of(target: str) -> int:
    """Return the goal a target code such as ``"11.2"`` or ``"4.a"`` belongs to.

    Raises:
        UnknownCodeError: ``target`` is not one of the 169 target codes.
    """
    if target not in SDG_TARGETS:
        raise UnknownCodeError(f"{target!r} is not one of the 169 SDG target codes")
    return int(target.partition(".")[0])


#: The ISO 3166-1 alpha-2 country codes, officially assigned (as the time-zone database
#: lists them, ``iso3166.tab``), for the country of a partner.
COUNTRY_CODES: tuple[str, ...] = (
    "AD",
    "AE",
    "AF",
    "AG",
    "AI",
    "AL",
    "AM",
    "AO",
    "AQ",
    "AR",
    "AS",
    "AT",
    "AU",
    "AW",
    "AX",
    "AZ",
    "BA",
    "BB",
    "BD",
    "BE",
    "BF",
    "BG",
    "BH",
    "BI",
    "BJ",
    "BL",
    "BM",
    "BN",
    "BO",
    "BQ",
    "BR",
    "BS",
    "BT",
    "BV",
    "BW",
    "BY",
    "BZ",
    "CA",
    "CC",
    "CD",
    "CF",
    "CG",
    "CH",
    "CI",
    "CK",
    "CL",
    "CM",
    "CN",
    "CO",
    "CR",
    "CU",
    "CV",
    "CW",
    "CX",
    "CY",
    "CZ",
    "DE",
    "DJ",
    "DK",
    "DM",
    "DO",
    "DZ",
    "EC",
    "EE",
    "EG",
    "EH",
    "ER",
    "ES",
    "ET",
    "FI",
    "FJ",
    "FK",
    "FM",
    "FO",
    "FR",
    "GA",
    "GB",
    "GD",
    "GE",
    "GF",
    "GG",
    "GH",
    "GI",
    "GL",
    "GM",
    "GN",
    "GP",
    "GQ",
    "GR",
    "GS",
    "GT",
    "GU",
    "GW",
    "GY",
    "HK",
    "HM",
    "HN",
    "HR",
    "HT",
    "HU",
    "ID",
    "IE",
    "IL",
    "IM",
    "IN",
    "IO",
    "IQ",
    "IR",
    "IS",
    "IT",
    "JE",
    "JM",
    "JO",
    "JP",
    "KE",
    "KG",
    "KH",
    "KI",
    "KM",
    "KN",
    "KP",
    "KR",
    "KW",
    "KY",
    "KZ",
    "LA",
    "LB",
    "LC",
    "LI",
    "LK",
    "LR",
    "LS",
    "LT",
    "LU",
    "LV",
    "LY",
    "MA",
    "MC",
    "MD",
    "ME",
    "MF",
    "MG",
    "MH",
    "MK",
    "ML",
    "MM",
    "MN",
    "MO",
    "MP",
    "MQ",
    "MR",
    "MS",
    "MT",
    "MU",
    "MV",
    "MW",
    "MX",
    "MY",
    "MZ",
    "NA",
    "NC",
    "NE",
    "NF",
    "NG",
    "NI",
    "NL",
    "NO",
    "NP",
    "NR",
    "NU",
    "NZ",
    "OM",
    "PA",
    "PE",
    "PF",
    "PG",
    "PH",
    "PK",
    "PL",
    "PM",
    "PN",
    "PR",
    "PS",
    "PT",
    "PW",
    "PY",
    "QA",
    "RE",
    "RO",
    "RS",
    "RU",
    "RW",
    "SA",
    "SB",
    "SC",
    "SD",
    "SE",
    "SG",
    "SH",
    "SI",
    "SJ",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SR",
    "SS",
    "ST",
    "SV",
    "SX",
    "SY",
    "SZ",
    "TC",
    "TD",
    "TF",
    "TG",
    "TH",
    "TJ",
    "TK",
    "TL",
    "TM",
    "TN",
    "TO",
    "TR",
    "TT",
    "TV",
    "TW",
    "TZ",
    "UA",
    "UG",
    "UM",
    "US",
    "UY",
    "UZ",
    "VA",
    "VC",
    "VE",
    "VG",
    "VI",
    "VN",
    "VU",
    "WF",
    "WS",
    "YE",
    "YT",
    "ZA",
    "ZM",
    "ZW",
)

#: The UN M.49 codes of areas (not countries) that BCP 47 registers as region subtags, such as
#: 150 (Europe) or 419 (Latin America and the Caribbean): with :data:`COUNTRY_CODES`, every
#: region a language tag may name (``es-419``, ``nb-NO``).
REGION_AREAS: tuple[str, ...] = (
    "001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021",
    "029", "030", "034", "035", "039", "053", "054", "057", "061", "142", "143", "145", "150",
    "151", "154", "155", "202", "419",
)  # fmt: skip


#: Enum of every codelist that is a plain string enum, keyed by codelist id.
ENUMS: MappingProxyType[str, type[StrEnum]] = MappingProxyType(
    {
        "audience": Audience,
        "figure-method": FigureMethod,
        "funding-status": FundingStatus,
        "measure": Measure,
        "governance-body-kind": GovernanceBodyKind,
        "governance-role": GovernanceRole,
        "helix-sector": HelixSector,
        "identifier-scheme": IdentifierScheme,
        "learning-kind": LearningKind,
        "licence": Licence,
        "maturity-level": MaturityLevel,
        "output-kind": OutputKind,
        "participant-role": ParticipantRole,
        "partner-kind": PartnerKind,
        "party-role": PartyRole,
        "programme-field": ProgrammeField,
        "project-kind": ProjectKind,
        "project-status": ProjectStatus,
        "record-type": RecordType,
        "rule-kind": RuleKind,
        "sdg-provenance": SdgProvenance,
        "sdg-role": SdgRole,
        "study-level": StudyLevel,
        "term": Term,
        "thesis-level": ThesisLevel,
        "unit-type": UnitType,
    }
)


@dataclass(frozen=True, slots=True)
class Code:
    """One code of a codelist, with its titles and descriptions by language."""

    code: str
    title: MappingProxyType[str, str]
    description: MappingProxyType[str, str]
    extra: MappingProxyType[str, str]


@dataclass(frozen=True, slots=True)
class Codelist:
    """A codelist as shipped in package data: its codes in order, with metadata."""

    id: str
    title: MappingProxyType[str, str]
    description: MappingProxyType[str, str]
    codes: tuple[Code, ...]
    source: MappingProxyType[str, str] | None = None
    version: str | None = None

    def __getitem__(self, code: str) -> Code:
        """Return the entry for ``code``; raise :class:`UnknownCodeError` if absent."""
        for entry in self.codes:
            if entry.code == code:
                return entry
        raise UnknownCodeError(f"{code!r} is not a code of codelist {self.id!r}")

    def __contains__(self, code: object) -> bool:
        return any(entry.code == code for entry in self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def values(self) -> tuple[str, ...]:
        """Return the codes in their published order."""
        return tuple(entry.code for entry in self.codes)


_DATA = files("unikommune") / "data" / "codelists"


def _frozen(mapping: dict[str, str] | None) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(mapping or {}))


@cache
def names() -> tuple[str, ...]:
    """Return the ids of every shipped codelist, sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _DATA.iterdir()
            if entry.name.endswith(".json")
        )
    )


@cache
def get(name: str) -> Codelist:
    """Return the shipped codelist ``name`` (for example ``"partner-kind"``).

    Raises:
        UnknownCodeError: no codelist of that name ships with the package.
    """
    if name not in names():
        raise UnknownCodeError(f"no codelist named {name!r}; known: {', '.join(names())}")
    raw: dict[str, Any] = json.loads((_DATA / f"{name}.json").read_text(encoding="utf-8"))
    codes = tuple(
        Code(
            code=entry["code"],
            title=_frozen(entry["title"]),
            description=_frozen(entry.get("description")),
            extra=_frozen(
                {k: v for k, v in entry.items() if k not in {"code", "title", "description"}}
            ),
        )
        for entry in raw["codes"]
    )
    return Codelist(
        id=raw["id"],
        title=_frozen(raw["title"]),
        description=_frozen(raw.get("description")),
        codes=codes,
        source=_frozen(raw["source"]) if "source" in raw else None,
        version=raw.get("version"),
    )


def _sdg_targets() -> tuple[str, ...]:
    return get("sdg-target").values()


#: The 169 SDG target codes in their official order (``"1.1"`` … ``"17.19"``).
SDG_TARGETS: tuple[str, ...] = _sdg_targets()

#: The ISO 4217 currency codes an amount of money may be in (``NOK``, ``EUR``), from the
#: ``currency`` codelist.
CURRENCY_CODES: tuple[str, ...] = get("currency").values()

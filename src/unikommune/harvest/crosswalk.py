"""Crosswalks from the registries' own codes to the codes of the unikommune format.

Every table here is published in ``docs/harvest/`` (a test holds the pages and the
tables together).  A code a table does not hold is never guessed: the importer
reports it as a :class:`~unikommune.harvest.sources.SourceProblem` and leaves out
what it cannot map.

>>> CORDIS_ACTIVITY["HES"]
('university', 'academia')
>>> brreg_kind("KOMM", None, None)
('municipality', 'public-sector')
>>> unit_type_of("87.101")
'nursing-home'
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "BRREG_FORMS",
    "BRREG_SECTOR_CODES",
    "CORDIS_ACTIVITY",
    "CORDIS_ROLES",
    "CRISTIN_ROLES",
    "CRISTIN_STATUS",
    "EU_FUNDING_SCHEMES",
    "RCN_CATEGORIES",
    "RCN_EU_ROLES",
    "RCN_PHASES",
    "RCN_SECTORS",
    "RCN_SECTOR_CODES",
    "brreg_kind",
    "eu_project_kind",
    "municipal_kind",
    "name_kind",
    "unit_type_of",
]

KindSector = tuple[str, str]

#: CORDIS ``activityType`` → (partner kind, helix sector).
CORDIS_ACTIVITY: MappingProxyType[str, KindSector] = MappingProxyType(
    {
        "HES": ("university", "academia"),
        "REC": ("research-institute", "academia"),
        "PRC": ("company", "industry"),
        "PUB": ("public-agency", "public-sector"),
        "OTH": ("other", "civil-society"),
    }
)

#: CORDIS ``role`` → participant role.  A partner or associated partner takes part without
#: EU funding; a third party works under another partner's grant.
CORDIS_ROLES: MappingProxyType[str, str] = MappingProxyType(
    {
        "coordinator": "coordinator",
        "participant": "partner",
        "beneficiary": "partner",
        "partner": "partner",
        "associatedPartner": "partner",
        "thirdParty": "other",
        "internationalPartner": "partner",
    }
)

#: The council's ``Organisasjon rolle`` in ``bevilgningereu`` → participant role.
RCN_EU_ROLES: MappingProxyType[str, str] = MappingProxyType(
    {"COORDINATOR": "coordinator", "PARTICIPANT": "partner"}
)

#: The council's R&D sector codes (``FoU sektorkode``) → (partner kind, helix sector).
#: ``DIV`` (other, municipalities among them) is read from ``FoU kategori`` instead.
RCN_SECTOR_CODES: MappingProxyType[str, KindSector] = MappingProxyType(
    {
        "UoH": ("university", "academia"),
        "INS": ("research-institute", "academia"),
        "NÆR": ("company", "industry"),
        "HEL": ("health-trust", "public-sector"),
        "NFR": ("public-agency", "public-sector"),
    }
)

#: The council's R&D categories (``FoU kategori``, ``kategori``) → (kind, sector); asked first.
RCN_CATEGORIES: MappingProxyType[str, KindSector] = MappingProxyType(
    {
        "Universiteter": ("university", "academia"),
        "Statlige høyskoler": ("university-college", "academia"),
        "Private høyskoler": ("university-college", "academia"),
        "Øvrige offentlige": ("public-agency", "public-sector"),
        "Øvrige andre": ("ngo", "civil-society"),
        "Næringsliv": ("company", "industry"),
        "Helseforetak": ("health-trust", "public-sector"),
    }
)

#: The council's sector names in ``soknader2`` (``sektor``) → (kind, sector).
RCN_SECTORS: MappingProxyType[str, KindSector] = MappingProxyType(
    {
        "UoH-sektor": ("university", "academia"),
        "Instituttsektor": ("research-institute", "academia"),
        "Næringsliv": ("company", "industry"),
        "Helseforetak": ("health-trust", "public-sector"),
    }
)

#: The council's ``prosjektfase`` → (project status, funding status).
RCN_PHASES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "Mottatt": ("applied", "applied"),
        "Vurderes": ("applied", "applied"),
        "Avslag": ("rejected", "rejected"),
        "Bevilgning": ("active", "granted"),
        "Avsluttet": ("completed", "granted"),
    }
)

#: Cristin's ``role_code`` → participant role.
CRISTIN_ROLES: MappingProxyType[str, str] = MappingProxyType(
    {
        "PRO_MANAGER": "coordinator",
        "PRO_LMANAGER": "partner",
        "PRO_PARTICIPANT": "partner",
        "PRO_CREATOR": "partner",
    }
)

#: Cristin's project ``status`` → project status.
CRISTIN_STATUS: MappingProxyType[str, str] = MappingProxyType(
    {"ACTIVE": "active", "CONCLUDED": "completed", "NOTSTARTED": "planned"}
)

#: The EU's funding schemes (CORDIS ``fundingScheme``, the council's ``Søknadstype``), by the
#: start of their code → project kinds.
EU_FUNDING_SCHEMES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "RIA": ("research", "innovation"),
        "IA": ("innovation",),
        "CSA": ("development",),
        "MSCA": ("research",),
        "ERC": ("research",),
        "HORIZON-RIA": ("research", "innovation"),
        "HORIZON-IA": ("innovation",),
        "HORIZON-CSA": ("development",),
        "HORIZON-TMA-MSCA": ("research",),
        "HORIZON-ERC": ("research",),
        "EIC": ("innovation",),
        "HORIZON-EIC": ("innovation",),
        "SME": ("innovation",),
    }
)


@lru_cache(maxsize=1024)
def eu_project_kind(scheme: str | None) -> tuple[str, ...] | None:
    """Return the project kinds of an EU funding scheme, by the longest known prefix."""
    if scheme is None:
        return None
    found = [key for key in EU_FUNDING_SCHEMES if scheme == key or scheme.startswith(key + "-")]
    return EU_FUNDING_SCHEMES[max(found, key=len)] if found else None


#: Enhetsregisteret's organisation forms → (kind, sector) where the form alone says it.
BRREG_FORMS: MappingProxyType[str, KindSector] = MappingProxyType(
    {
        "KOMM": ("municipality", "public-sector"),
        "FYLK": ("county", "public-sector"),
        "KF": ("public-agency", "public-sector"),
        "IKS": ("public-agency", "public-sector"),
        "SF": ("public-agency", "public-sector"),
        "STAT": ("public-agency", "public-sector"),
        "HF": ("health-trust", "public-sector"),
        "AS": ("company", "industry"),
        "ASA": ("company", "industry"),
        "ANS": ("company", "industry"),
        "DA": ("company", "industry"),
        "ENK": ("company", "industry"),
        "NUF": ("company", "industry"),
        "SA": ("company", "industry"),
        "FLI": ("ngo", "civil-society"),
        "STI": ("ngo", "civil-society"),
        "FORE": ("ngo", "civil-society"),
    }
)

#: Enhetsregisteret's institutional sector codes → helix sector.
BRREG_SECTOR_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "6100": "public-sector",
        "6500": "public-sector",
        "1110": "public-sector",
        "1120": "public-sector",
        "2100": "industry",
        "2300": "industry",
        "2500": "industry",
        "4500": "industry",
        "7000": "civil-society",
    }
)

#: Standard industry codes (NACE, by prefix) → partner kind, read before the form.
_INDUSTRY_KINDS = (
    ("85.421", "university"),
    ("85.422", "university-college"),
    ("72.", "research-institute"),
    ("86.1", "health-trust"),
)

#: Standard industry codes (by prefix) → unit type, for a sub-unit.
_UNIT_TYPES = (
    ("85.1", "kindergarten"),
    ("88.911", "kindergarten"),
    ("85.2", "school"),
    ("85.3", "school"),
    ("85.4", "department"),
    ("87.1", "nursing-home"),
    ("86.", "health-and-care-service"),
    ("87.", "health-and-care-service"),
    ("88.", "health-and-care-service"),
    ("84.", "administrative-unit"),
    ("72.", "centre"),
)


def brreg_kind(
    form: str | None, industry: str | None, sector_code: str | None
) -> KindSector | None:
    """Return (kind, sector) of a main unit of Enhetsregisteret, or ``None`` when unsure.

    The industry code says universities, colleges, research institutes and hospitals;
    the organisation form says the rest; the institutional sector code, when given,
    decides the sector.
    """
    kind = next((k for prefix, k in _INDUSTRY_KINDS if (industry or "").startswith(prefix)), None)
    by_form = BRREG_FORMS.get(form or "")
    sector = BRREG_SECTOR_CODES.get(sector_code or "")
    if kind == "research-institute" and by_form is not None and by_form[0] == "company":
        kind = None  # a company doing research is a company (the council's NÆR, not INS)
    if kind in {"university", "university-college", "research-institute"}:
        return kind, "academia"
    if kind is not None:
        return kind, sector or "public-sector"
    if by_form is not None:
        return by_form[0], sector or by_form[1]
    if sector == "public-sector":
        return "public-agency", sector
    if sector is not None:
        return {"industry": "company", "civil-society": "ngo"}[sector], sector
    return None


def municipal_kind(kind: str, name: str | None) -> str:
    """Return ``municipality`` or ``county`` for a public body named ``... KOMMUNE``, else ``kind``.

    The council's ``DIV`` sector and CORDIS's ``PUB`` put municipalities among other
    public bodies; a Norwegian municipality's legal name ends in KOMMUNE.

    >>> municipal_kind("public-agency", "TRONDHEIM KOMMUNE")
    'municipality'
    """
    upper = (name or "").upper()
    if kind != "public-agency" or not upper.endswith("KOMMUNE"):
        return kind
    return "county" if upper.endswith("FYLKESKOMMUNE") else "municipality"


def unit_type_of(industry: str | None) -> str:
    """Return the unit type of a sub-unit by its industry code (``other`` when none fits)."""
    return next((t for prefix, t in _UNIT_TYPES if (industry or "").startswith(prefix)), "other")


#: Words in an institution's name → (kind, sector), for Cristin, which gives no type.
_NAME_WORDS = (
    ("fylkeskommune", ("county", "public-sector")),
    ("county council", ("county", "public-sector")),
    ("kommune", ("municipality", "public-sector")),
    ("municipality", ("municipality", "public-sector")),
    ("høgskule", ("university-college", "academia")),
    ("høgskole", ("university-college", "academia")),
    ("høyskole", ("university-college", "academia")),
    ("university college", ("university-college", "academia")),
    ("universitet", ("university", "academia")),
    ("university", ("university", "academia")),
    ("helse ", ("health-trust", "public-sector")),
    ("sykehus", ("health-trust", "public-sector")),
    ("hospital", ("health-trust", "public-sector")),
    ("forskning", ("research-institute", "academia")),
    ("research", ("research-institute", "academia")),
    ("institutt", ("research-institute", "academia")),
)


def name_kind(names: dict[str, str]) -> KindSector | None:
    """Return (kind, sector) by the words of an institution's names, or ``None``.

    >>> name_kind({"nb": "Trondheim kommune"}), name_kind({"en": "Acme"})
    (('municipality', 'public-sector'), None)
    """
    text = " ".join(names.values()).casefold() + " "
    return next((found for word, found in _NAME_WORDS if word in text), None)

"""Generate seeded synthetic partnership datasets for the benchmarks.

Run as a script::

    python benchmarks/generate.py SCALE OUT_DIR [--seed N] [--broken FRACTION] [--force]

or load this file by path and call :func:`generate`.  The output is a dataset
folder that :func:`unikommune.load` reads: ``dataset.json`` with the metadata
and one JSON Lines file per collection.  Records are written as they are made,
so memory grows with the number of partners, agreements and missions, never
with the number of projects, placements, theses or learning activities.

The data is synthetic but shaped like a national network of university
municipalities: regions, each with municipalities, universities and university
colleges bound by a pilot agreement and its continuation; organisations with
unit hierarchies (faculties and departments, schools and nursing homes);
helix sectors in plausible proportions; heavy-tailed project sizes and partner
activity (a few hubs take part in many projects); years spread over 2015-2026.
Every clean record is valid: ids are unique per collection, every reference
resolves, identifiers carry correct check digits, SDG targets belong to their
goal, thematic and focus areas come from the default TRD3.0 profile, projects
lie within their mission's timeframe and every joint activity has an SDG link.

With ``--broken FRACTION`` that fraction of the records of each collection,
chosen by the seed, gets exactly one defect from :data:`DEFECTS`; the
manifest ``broken.json`` lists each one (file, line, id, kind, layer, JSON
pointer).  The other lines are byte for byte those of the clean dataset.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TypeVar

from unikommune.codelists import SDG_TARGETS, sdg_goal_of

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem
from unikommune.format import schema_id
from unikommune.models import COLLECTIONS, default_profile

__all__ = ["DEFECTS", "SCALES", "SCHEMA_DEFECTS", "Scale", "generate", "main"]

# --------------------------------------------------------------------------- scales


class Scale(NamedTuple):
    """Number of records of each collection at one scale."""

    partners: int
    agreements: int
    missions: int
    projects: int
    placements: int
    theses: int
    learning_activities: int
    figures: int = 0

    def counts(self) -> dict[str, int]:
        """Return the record count of each collection, in published order."""
        return {name: getattr(self, name) for name in COLLECTIONS}


#: Record counts per scale.  City, country and stress follow the validator and
#: graph issues; the smaller collections are scaled with the projects.
SCALES: dict[str, Scale] = {
    "tiny": Scale(30, 2, 5, 50, 200, 40, 20, 20),
    "city": Scale(500, 10, 40, 2_000, 30_000, 1_000, 400, 200),
    "country": Scale(20_000, 400, 2_000, 100_000, 1_000_000, 50_000, 20_000, 4_000),
    "stress": Scale(200_000, 4_000, 20_000, 1_000_000, 10_000_000, 500_000, 200_000, 40_000),
}

#: Defects a broken record may get, each with the layer of checks that finds it:
#: ``structural`` defects break the models (``unikommune.load`` rejects them),
#: ``semantic`` ones need the validator's cross-record checks.
DEFECTS: dict[str, str] = {
    "wrong-type": "structural",
    "missing-required": "structural",
    "unknown-code": "structural",
    "period-reversed": "structural",
    "bad-check-digit": "structural",
    "sdg-target-of-other-goal": "structural",
    "dangling-reference": "semantic",
    "duplicate-id": "semantic",
}

#: Defects that a generic JSON Schema validator finds with ``schemas/`` alone; the others
#: need code (check digits, comparing dates, cross-record checks).
SCHEMA_DEFECTS: frozenset[str] = frozenset(
    {"wrong-type", "missing-required", "unknown-code", "sdg-target-of-other-goal"}
)

#: The day the synthetic data describes the world as of (fixed, for reproducible bytes).
AS_OF_YEAR = 2026
MODIFIED = "2026-06-30"
FIRST_YEAR = 2015

#: Measures the figures report: code, unit, and a dimension with its values (if any).
FIGURE_MEASURES: tuple[tuple[str, str, tuple[str, tuple[str, ...]] | None], ...] = (
    ("ongoing-collaborations", "count", None),
    ("applications", "count", ("outcome", ("applied", "granted", "rejected", "pending"))),
    ("students-placed", "count", ("field", ("health", "education", "technology"))),
    ("placement-weeks", "weeks", None),
    ("combined-positions", "count", None),
    ("co-publications", "count", None),
    ("external-funding", "NOK", ("funder", ("Norges forskningsråd", "EU Horisont Europa"))),
)

DATASET_FILE = "dataset.json"
MANIFEST_FILE = "broken.json"

# --------------------------------------------------------------------------- vocabulary

PUBLIC, ACADEMIA, INDUSTRY, CIVIL = "public-sector", "academia", "industry", "civil-society"
SECTOR_OF_KIND = {
    "municipality": PUBLIC,
    "county": PUBLIC,
    "health-trust": PUBLIC,
    "public-agency": PUBLIC,
    "university": ACADEMIA,
    "university-college": ACADEMIA,
    "research-institute": ACADEMIA,
    "company": INDUSTRY,
    "ngo": CIVIL,
    "citizen-group": CIVIL,
    "other": CIVIL,
}
#: Share of each kind among organisations beyond the ones every region gets.
ORG_KIND_WEIGHTS = {
    "municipality": 9,
    "county": 1,
    "university": 1.2,
    "university-college": 2,
    "research-institute": 3,
    "health-trust": 1.5,
    "public-agency": 5,
    "company": 50,
    "ngo": 18,
    "citizen-group": 4,
    "other": 1,
}
#: How many units an organisation of each kind tends to have, relative to others.
UNIT_CAPACITY = {
    "municipality": 12,
    "county": 5,
    "university": 36,
    "university-college": 9,
    "research-institute": 3,
    "health-trust": 6,
    "public-agency": 1,
    "company": 0.2,
    "ngo": 0.2,
    "citizen-group": 0,
    "other": 0,
}
#: How active an organisation of each kind is in joint work, relative to others.
ACTIVITY = {
    "municipality": 12,
    "county": 4,
    "university": 20,
    "university-college": 6,
    "research-institute": 6,
    "health-trust": 5,
    "public-agency": 2,
    "company": 1,
    "ngo": 0.8,
    "citizen-group": 0.5,
    "other": 0.5,
}
#: Share of units among partners: organisations make up the rest.
ORG_SHARE = 0.34
#: Sector of a project participant after the coordinator.
PARTICIPANT_SECTORS = ((PUBLIC, 0.40), (ACADEMIA, 0.33), (INDUSTRY, 0.18), (CIVIL, 0.09))

PLACE_HEADS = (
    "Nord", "Sør", "Øst", "Vest", "Ås", "Bjørk", "Dal", "Fjell", "Holm", "Lund", "Mo", "Sand",
    "Sol", "Stein", "Strand", "Elv", "Berg", "Hav", "Lys", "Furu", "Eik", "Rød", "Grøn",
    "Lille", "Stor", "Lang", "Kvit", "Ørn", "Rein", "Skog",
)  # fmt: skip
PLACE_TAILS = (
    "vik", "dal", "by", "berg", "fjord", "nes", "heim", "land", "stad", "øy", "sund", "våg",
    "haug", "mo", "li", "rud", "ås", "eng", "voll", "set",
)  # fmt: skip
SUBJECTS = (
    ("helsevitenskap", "health sciences"),
    ("sykepleie", "nursing"),
    ("lærerutdanning", "teacher education"),
    ("pedagogikk", "education"),
    ("sosialt arbeid", "social work"),
    ("samfunnsøkonomi", "economics"),
    ("arkitektur og planlegging", "architecture and planning"),
    ("datateknologi", "computer science"),
    ("bygg- og miljøteknikk", "civil and environmental engineering"),
    ("psykologi", "psychology"),
    ("geografi", "geography"),
    ("industriell økonomi", "industrial economics"),
    ("samfunnsmedisin", "public health"),
    ("energi og prosessteknikk", "energy and process engineering"),
    ("statsvitenskap", "political science"),
    ("design", "design"),
)
COMPANY_WORDS = (
    "Energi", "Teknologi", "Bygg", "Data", "Helseteknologi", "Mobilitet", "Analyse", "Eiendom",
    "Miljø", "Sensor", "Velferdsteknologi", "Rådgivning",
)  # fmt: skip
NGO_WORDS = (
    "frivilligsentral", "idrettslag", "pensjonistforening", "velforening", "ungdomsråd",
    "sanitetsforening", "natur og ungdom",
)  # fmt: skip
ADMIN_UNITS = (
    "Byplankontoret", "Kommunedirektørens stab", "Oppvekstkontoret", "Helse- og velferdskontoret",
    "Miljøenheten", "Digitaliseringsenheten", "Innovasjonsenheten", "Næringsavdelingen",
)  # fmt: skip
CLINICS = ("psykisk helse", "rehabilitering", "barn og unge", "akuttmedisin", "rus og avhengighet")

# (code, nb, field, level, weeks)
PROGRAMMES = {
    "SYPLEIE": ("Bachelor i sykepleie", "health", "bachelor", 8.0),
    "VERNEPL": ("Bachelor i vernepleie", "social-work", "bachelor", 8.0),
    "SOSARB": ("Bachelor i sosialt arbeid", "social-work", "bachelor", 10.0),
    "BARNEV": ("Bachelor i barnevern", "social-work", "bachelor", 10.0),
    "FYSIO": ("Bachelor i fysioterapi", "health", "bachelor", 6.0),
    "ERGO": ("Bachelor i ergoterapi", "health", "bachelor", 6.0),
    "MEDISIN": ("Profesjonsstudiet i medisin", "health", "integrated-master", 4.0),
    "MGLU1-7": ("Grunnskolelærerutdanning 1-7", "teacher-education", "integrated-master", 5.0),
    "MGLU5-10": ("Grunnskolelærerutdanning 5-10", "teacher-education", "integrated-master", 5.0),
    "LEKTOR": ("Lektorutdanning", "teacher-education", "integrated-master", 6.0),
    "BLU": ("Barnehagelærerutdanning", "early-childhood-education", "bachelor", 6.0),
    "MPA": ("Master i offentlig administrasjon", "economics-administration", "master", 8.0),
    "MPLAN": ("Master i fysisk planlegging", "architecture-planning", "master", 8.0),
    "BIT": ("Bachelor i informatikk", "engineering-technology", "bachelor", 6.0),
}
#: Programmes whose students a host unit of each type receives.
PROGRAMMES_BY_HOST = {
    "school": ("MGLU1-7", "MGLU5-10", "LEKTOR"),
    "kindergarten": ("BLU",),
    "nursing-home": ("SYPLEIE", "SYPLEIE", "VERNEPL", "FYSIO", "ERGO", "MEDISIN"),
    "health-and-care-service": ("SYPLEIE", "VERNEPL", "SOSARB", "BARNEV", "ERGO", "FYSIO"),
    "administrative-unit": ("MPA", "MPLAN", "BIT", "SOSARB"),
    "department": ("SYPLEIE", "MEDISIN", "FYSIO"),
    "centre": ("SYPLEIE", "MEDISIN", "VERNEPL"),
    None: ("MPA", "SOSARB", "BIT"),
}
HOST_UNIT_TYPES = frozenset(
    {"school", "kindergarten", "nursing-home", "health-and-care-service", "administrative-unit"}
)

#: SDG goals and how often partnership activities name them.
GOAL_WEIGHTS = (2, 1, 10, 10, 3, 1, 3, 5, 5, 5, 10, 4, 5, 1, 1, 4, 6)
GOALS_BY_AREA = {
    "upbringing": (4, 3, 10, 1),
    "health": (3, 10, 5),
    "urban-development": (11, 13, 7, 9),
    "innovation": (9, 8, 17),
    "smart-city": (11, 9, 7, 13),
}
TARGETS_BY_GOAL: dict[int, tuple[str, ...]] = {
    goal: tuple(t for t in SDG_TARGETS if sdg_goal_of(t) == goal) for goal in range(1, 18)
}

# (nb title, en title, thematic areas)
MISSION_THEMES = (
    ("Færre barn i lavinntektsfamilier", "Fewer children in low-income families", ("upbringing",)),
    ("Trygg alderdom hjemme", "Ageing safely at home", ("health", "innovation")),
    ("Klimanøytral by", "A climate-neutral city", ("urban-development", "smart-city")),
    ("En inkluderende skole", "An inclusive school", ("upbringing",)),
    ("Mobilitet uten utslipp", "Zero-emission mobility", ("smart-city", "urban-development")),
    ("Bedre psykisk helse blant unge", "Better mental health among the young", ("health",)),
    ("Levende nabolag", "Living neighbourhoods", ("urban-development",)),
    ("Digitale innbyggertjenester", "Digital services for citizens", ("innovation", "smart-city")),
    ("Sirkulær økonomi i bygg", "A circular economy in construction", ("urban-development",)),
    ("Flere fullfører videregående", "More complete upper secondary school", ("upbringing",)),
    ("Helsefremmende lokalsamfunn", "Health-promoting communities", ("health",)),
    ("Innovasjon i offentlige anskaffelser", "Innovation in public procurement", ("innovation",)),
)
PROJECT_TOPICS = (
    ("Velferdsteknologi i hjemmetjenesten", "Welfare technology in home care"),
    ("Tidlig innsats i barnehagen", "Early intervention in kindergartens"),
    ("Datadrevet byplanlegging", "Data-driven urban planning"),
    ("Smarte energisystemer i kommunale bygg", "Smart energy systems in municipal buildings"),
    ("Tjenestedesign med innbyggere", "Service design with citizens"),
    ("Læringsmiljø og trivsel", "Learning environment and well-being"),
    ("Mestring og rehabilitering", "Coping and rehabilitation"),
    ("Deling av data mellom sektorer", "Data sharing across sectors"),
    ("Grønn mobilitet i sentrum", "Green mobility in the city centre"),
    ("Kunstig intelligens i saksbehandling", "Artificial intelligence in case handling"),
    ("Forebygging av utenforskap", "Preventing exclusion"),
    ("Klimatilpasning av overvann", "Climate adaptation of storm water"),
    ("Ernæring for eldre", "Nutrition for older people"),
    ("Digital kompetanse i skolen", "Digital skills in school"),
    ("Samskaping i nærmiljøet", "Co-creation in the neighbourhood"),
)
THESIS_SUFFIXES = (
    ": en kvalitativ studie", ": erfaringer fra praksis", " i kommunal sektor",
    ": en kasusstudie", ": en kartlegging", " sett fra de ansattes ståsted",
)  # fmt: skip
FUNDERS = (
    ("Norges forskningsråd", "rcn-project", "NOK"),
    ("Regionale forskningsfond", "rcn-project", "NOK"),
    ("EU Horisont Europa", "eu-grant", "EUR"),
    ("KS Kommunesektorens organisasjon", None, "NOK"),
    ("Innovasjon Norge", None, "NOK"),
)
PROFILE = default_profile()
FOCUS_AREAS = tuple(sorted(PROFILE.focus_area_codes()))
THEMATIC_AREAS = tuple(area.code for area in PROFILE.thematic_areas)

# --------------------------------------------------------------------------- identifiers

_ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orgnr_check_digit(first8: str) -> int | None:
    """Return the mod 11 check digit of a Norwegian organisation number, or None if none fits."""
    remainder = sum(w * int(d) for w, d in zip(_ORGNR_WEIGHTS, first8, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def ror_checksum(body: str) -> int:
    """Return the ISO 7064 mod 97-10 checksum of the six-character body of a ROR id."""
    number = 0
    for char in body:
        number = number * 32 + _CROCKFORD.index(char)
    return 98 - (number * 100) % 97


def _orgnr(rng: random.Random) -> str:
    """Return a random valid organisation number (not necessarily unused)."""
    while True:
        first8 = str(rng.randrange(80_000_000, 100_000_000))
        check = orgnr_check_digit(first8)
        if check is not None:
            return f"{first8}{check}"


class _Serial:
    """Distinct numbers in ``offset`` .. ``offset + size - 1``, in a seeded, scrambled order.

    The k-th number is ``offset + (k * step + shift) % size`` with ``step`` coprime to
    ``size``, so the first ``size`` numbers never repeat: identifiers are unique
    without remembering the ones already given.
    """

    def __init__(self, rng: random.Random, offset: int, size: int) -> None:
        step = rng.randrange(size // 3, size) | 1
        while math.gcd(step, size) != 1:
            step += 2
        self.step, self.shift = step, rng.randrange(size)
        self.offset, self.size = offset, size
        self.count = 0

    def __getitem__(self, k: int) -> int:
        if not 0 <= k < self.size:  # pragma: no cover - sizes exceed every scale
            raise IndexError(f"only {self.size} distinct numbers")
        return self.offset + (k * self.step + self.shift) % self.size

    def next(self) -> int:
        """Return the next unused number."""
        value = self[self.count]
        self.count += 1
        return value


def _next_orgnr(serial: _Serial) -> str:
    """Return the next unused valid organisation number (first digit 8 or 9)."""
    while True:
        first8 = str(serial.next())
        check = orgnr_check_digit(first8)
        if check is not None:
            return f"{first8}{check}"


def _ror(number: int) -> str:
    """Return the ROR id whose six-character body encodes ``number`` (below 32**6)."""
    body = "".join(_CROCKFORD[(number >> shift) & 31] for shift in (25, 20, 15, 10, 5, 0))
    return f"0{body}{ror_checksum(body):02d}"


# --------------------------------------------------------------------------- helpers


_T = TypeVar("_T")


class _Rng(random.Random):
    """A seeded random source whose ``choice`` and ``randrange`` are quicker than the standard ones.

    They scale one ``random()`` draw instead of rejection-sampling bits; the bias
    (below 2**-40 for the ranges used here) does not matter for synthetic data.
    """

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


class _Pool:
    """Items with weights, drawn in proportion to the weights (the preferential choice)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: Sequence[int], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def __bool__(self) -> bool:
        return bool(self.items)

    def draw(self, rng: random.Random) -> int:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _weighted(rng: random.Random, cumulative: Sequence[float]) -> int:
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def _place(rng: random.Random) -> str:
    head = rng.choice(PLACE_HEADS)
    tail = rng.choice(PLACE_TAILS)
    return head + (tail if head[-1] != tail[0] else tail[1:])


def _dump_with_json(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: Dump one record as compact UTF-8 JSON: orjson when it is installed (the dev extra has it),
#: else the standard library, which writes the same bytes more slowly.
_dump: Callable[[dict[str, Any]], bytes]
try:
    from orjson import dumps as _dump
except ImportError:  # pragma: no cover - orjson is in the dev extra
    _dump = _dump_with_json


_GOAL_CUMULATIVE = list(accumulate(GOAL_WEIGHTS))
_YEAR_CUMULATIVE = list(
    accumulate(1 + 0.15 * (year - FIRST_YEAR) for year in range(FIRST_YEAR, AS_OF_YEAR + 1))
)


def _year(rng: random.Random) -> int:
    """Draw a year of activity; later years are busier, so the network grows over time."""
    return FIRST_YEAR + _weighted(rng, _YEAR_CUMULATIVE)


def _sdg_links(
    rng: random.Random, areas: Sequence[str], curators: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Return one to three SDG links, the first from a goal typical of the thematic areas."""
    count = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
    goals: list[int] = []
    if areas:
        goals.append(rng.choice(GOALS_BY_AREA[areas[0]]))
    while len(goals) < count:
        goal = 1 + _weighted(rng, _GOAL_CUMULATIVE)
        if goal not in goals:
            goals.append(goal)
    links: list[dict[str, Any]] = []
    for position, goal in enumerate(goals):
        link: dict[str, Any] = {"goal": goal}
        if rng.random() < 0.6:
            link["target"] = rng.choice(TARGETS_BY_GOAL[goal])
        link["role"] = "primary" if position == 0 else "secondary"
        chance = rng.random()
        if chance < 0.12:
            link["provenance"] = {
                "method": "suggested",
                "tool": "sdg-classifier",
                "tool_version": "2.1",
                "confidence": round(0.5 + rng.random() / 2, 2),
            }
        elif chance < 0.2 and curators:
            link["provenance"] = {"method": "curated", "curator": rng.choice(curators)}
        links.append(link)
    return links


def _areas(rng: random.Random, first: Sequence[str] = ()) -> list[str]:
    areas = list(first) if first else [rng.choice(THEMATIC_AREAS)]
    if rng.random() < 0.25:
        extra = rng.choice(THEMATIC_AREAS)
        if extra not in areas:
            areas.append(extra)
    return areas


def _month_span(
    rng: random.Random, start_year: int, last_year: int, max_years: int
) -> tuple[str, str]:
    """Return a start and end year-month within ``start_year`` .. ``last_year``."""
    end_year = min(last_year, start_year + rng.randrange(max_years))
    start_month = rng.randrange(1, 13)
    low = start_month if end_year == start_year else 1
    end_month = rng.randrange(low, 13)
    return f"{start_year}-{start_month:02d}", f"{end_year}-{end_month:02d}"


def _status(start_year: int, end_year: int | None) -> str:
    if start_year > AS_OF_YEAR:
        return "planned"
    if end_year is not None and end_year < AS_OF_YEAR:
        return "completed"
    return "active"


# --------------------------------------------------------------------------- output


class Defect(NamedTuple):
    """One defect put into a record: its kind and the JSON pointer it sits at."""

    kind: str
    pointer: str


#: Puts one defect into a record (given its index and the writer), or returns None when
#: the defect does not apply to it.
Breaker = Callable[[dict[str, Any], int, "_Writer"], Defect | None]


class _Writer:
    """Write one collection as JSON Lines, breaking the records the seed selects."""

    def __init__(
        self,
        path: Path,
        name: str,
        total: int,
        broken: float,
        seed: int,
        manifest: _Manifest | None,
    ) -> None:
        self.path = path
        self.name = name
        self.stream: IO[bytes] = path.open("wb")
        self.buffer: list[bytes] = []
        self.count = 0
        self.total = total
        self.to_break = round(broken * total)
        self.rng = _Rng(f"{seed}:broken:{name}")
        self.manifest = manifest
        #: Indices of records whose id a duplicate-id defect replaced.
        self.renamed: set[int] = set()
        #: Flags, by index, of the records other records refer to (None: no record is).
        self.referenced: bytearray | None = None

    def write(self, record: dict[str, Any], breakers: Sequence[Breaker] = ()) -> None:
        index = self.count
        self.count += 1
        # Selection sampling (Knuth's algorithm S): exactly ``to_break`` of ``total``
        # records, each subset equally likely, decided record by record.
        if self.to_break and self.rng.random() * (self.total - index) < self.to_break:
            self.to_break -= 1
            self._break(record, index, breakers)
        self.buffer.append(_dump(record))
        if len(self.buffer) >= 8192:
            self.flush()

    def _break(self, record: dict[str, Any], index: int, breakers: Sequence[Breaker]) -> None:
        order = list(breakers)
        self.rng.shuffle(order)
        for breaker in order:
            defect = breaker(record, index, self)
            if defect is not None:
                assert self.manifest is not None
                self.manifest.add(self.path.name, index + 1, record.get("id"), defect)
                return
        raise AssertionError(f"no defect applies to {self.name} record {index}")  # pragma: no cover

    def flush(self) -> None:
        if self.buffer:
            self.buffer.append(b"")
            self.stream.write(b"\n".join(self.buffer))
            self.buffer.clear()

    def close(self) -> None:
        self.flush()
        self.stream.close()
        if self.count != self.total:  # pragma: no cover - a bug in the generator
            raise AssertionError(f"{self.name}: wrote {self.count} records, planned {self.total}")


class _Manifest:
    """The list of defects, streamed to ``broken.json`` as they are made."""

    def __init__(self, path: Path, seed: int, fraction: float) -> None:
        self.stream = path.open("wb")
        self.counts: dict[str, int] = {}
        self.first = True
        head = {
            "description": "Defects put into the synthetic dataset: one per listed record; "
            "every other record is valid.",
            "seed": seed,
            "fraction": fraction,
            "layers": DEFECTS,
            "found_by_json_schema": sorted(SCHEMA_DEFECTS),
        }
        self.stream.write(_dump(head)[:-1] + b',"defects":[\n')

    def add(self, file: str, line: int, record_id: Any, defect: Defect) -> None:
        entry = {
            "file": file,
            "line": line,
            "id": record_id if isinstance(record_id, str) else None,
            "kind": defect.kind,
            "layer": DEFECTS[defect.kind],
            "pointer": defect.pointer,
        }
        self.stream.write((b"" if self.first else b",\n") + _dump(entry))
        self.first = False
        self.counts[defect.kind] = self.counts.get(defect.kind, 0) + 1

    def close(self) -> None:
        tail = {"counts": dict(sorted(self.counts.items()))}
        self.stream.write(b"\n]," + _dump(tail)[1:] + b"\n")
        self.stream.close()


# --------------------------------------------------------------------------- defects


def _wrong_type(pointer: str, path: Sequence[str | int], make: Callable[[Any], Any]) -> Breaker:
    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        holder: Any = record
        for key in path[:-1]:
            if isinstance(key, int) and (not isinstance(holder, list) or len(holder) <= key):
                return None
            if isinstance(key, str) and key not in holder:
                return None
            holder = holder[key]
        if path[-1] not in holder:
            return None
        holder[path[-1]] = make(holder[path[-1]])
        return Defect("wrong-type", pointer)

    return breaker


def _missing(field: str) -> Breaker:
    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        del record[field]
        return Defect("missing-required", f"/{field}")

    return breaker


def _unknown(field: str, code: str) -> Breaker:
    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        record[field] = code
        return Defect("unknown-code", f"/{field}")

    return breaker


def _reversed(field: str) -> Breaker:
    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        period = record.get(field)
        if not period:
            return None
        start_year = int(period["start"][:4])
        period["end"] = f"{start_year - 1}-12"
        return Defect("period-reversed", f"/{field}/end")

    return breaker


def _dangling(pointer: str, path: Sequence[str | int]) -> Breaker:
    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        holder: Any = record
        for key in path[:-1]:
            if isinstance(key, int) and (not isinstance(holder, list) or len(holder) <= key):
                return None
            holder = holder[key]
        holder[path[-1]] = f"missing-{record['id']}"
        return Defect("dangling-reference", pointer)

    return breaker


def _duplicate(prefix: str) -> Breaker:
    """Give the record the id of an earlier record, when no other record refers to either.

    The earlier record is the nearest one that still has its own id, so the id
    taken always occurs at least twice, and no reference becomes ambiguous.
    """

    def breaker(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
        referenced = writer.referenced
        if referenced is not None and referenced[index]:
            return None
        earlier = index - 1
        while earlier >= 0 and (
            earlier in writer.renamed or (referenced is not None and referenced[earlier])
        ):
            earlier -= 1
        if earlier < 0:
            return None
        writer.renamed.add(index)
        record["id"] = f"{prefix}-{earlier}"
        return Defect("duplicate-id", "/id")

    return breaker


def _other_target(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
    links = record.get("sdg_links")
    if not links:
        return None
    goal = links[0]["goal"]
    other = goal % 17 + 1
    links[0]["target"] = writer.rng.choice(TARGETS_BY_GOAL[other])
    return Defect("sdg-target-of-other-goal", "/sdg_links/0/target")


def _bad_check_digit(record: dict[str, Any], index: int, writer: _Writer) -> Defect | None:
    """Spoil the last digit of the partner's organisation number (adding one if it has none)."""
    identifiers = record.setdefault("identifiers", [])
    if not identifiers:
        identifiers.append({"scheme": "no-orgnr", "value": _orgnr(writer.rng)})
    value = identifiers[0]["value"]
    assert identifiers[0]["scheme"] == "no-orgnr", "a partner lists its organisation number first"
    # Any other last digit fails: the check digit of a number is unique.
    wrong = (int(value[-1]) + 1 + writer.rng.randrange(9)) % 10
    identifiers[0]["value"] = f"{value[:-1]}{wrong}"
    return Defect("bad-check-digit", "/identifiers/0/value")


BREAKERS: dict[str, tuple[Breaker, ...]] = {
    "partners": (
        _wrong_type("/name", ("name",), lambda value: next(iter(value.values()))),
        _missing("sector"),
        _unknown("kind", "foundation"),
        _bad_check_digit,
        _dangling("/parent", ("parent",)),
    ),
    "agreements": (
        _wrong_type("/signed", ("signed",), lambda value: int(value[:4])),
        _missing("title"),
        _unknown("maturity", "4.0"),
        _dangling("/parties/0/partner", ("parties", 0, "partner")),
    ),
    "missions": (
        _wrong_type("/sdg_links/0/goal", ("sdg_links", 0, "goal"), str),
        _missing("challenge"),
        _unknown("status", "paused"),
        _other_target,
        _dangling("/owners/0", ("owners", 0)),
        _duplicate("mission"),
    ),
    "projects": (
        _wrong_type("/sdg_links/0/goal", ("sdg_links", 0, "goal"), str),
        _missing("status"),
        _unknown("status", "paused"),
        _reversed("period"),
        _other_target,
        _dangling("/participants/0/partner", ("participants", 0, "partner")),
        # Projects gathered under a mission are referred to: the writer knows which.
        _duplicate("project"),
    ),
    "placements": (
        _wrong_type("/students", ("students",), str),
        _missing("students"),
        _unknown("field", "astrology"),
        _dangling("/host", ("host",)),
        _duplicate("placement"),
    ),
    "theses": (
        _wrong_type("/year", ("year",), str),
        _missing("year"),
        _unknown("level", "diploma"),
        _other_target,
        _dangling("/institution", ("institution",)),
        _duplicate("thesis"),
    ),
    "learning_activities": (
        _wrong_type("/participants/0/count", ("participants", 0, "count"), str),
        _missing("kind"),
        _unknown("kind", "retreat"),
        _reversed("period"),
        _other_target,
        _dangling("/organisers/0", ("organisers", 0)),
        _duplicate("learning"),
    ),
    "figures": (
        _wrong_type("/value", ("value",), str),
        _missing("unit"),
        _unknown("method", "guessed"),
        _dangling("/reported_by", ("reported_by",)),
        _duplicate("figure"),
    ),
}

# --------------------------------------------------------------------------- the generator


class _Generator:
    """State shared between collections: the partners and regions the records refer to."""

    def __init__(self, scale: Scale, seed: int) -> None:
        self.scale = scale
        self.seed = seed
        self.regions = max(1, math.ceil(scale.agreements / 2))
        # Per partner, index-aligned.
        self.ids: list[str] = []
        self.kind: list[str] = []
        self.sector: list[str] = []
        self.region: list[int] = []
        self.unit_type: list[str | None] = []
        self.weight: list[float] = []
        self.place: list[str] = []
        # Per region: its municipalities and higher-education institutions, busiest first.
        self.municipalities: list[list[int]] = [[] for _ in range(self.regions)]
        self.academic: list[list[int]] = [[] for _ in range(self.regions)]
        self.pilot_year: list[int] = []
        # Identifiers: each drawn from its own serial, so no two records share one.
        self.orgnr = _Serial(self.rng("orgnr"), 80_000_000, 20_000_000)
        self.ror = _Serial(self.rng("ror"), 0, 32**6)
        self.kommunenr = _Serial(self.rng("kommunenr"), 100, 9_900)
        self.cristin = _Serial(self.rng("cristin"), 400_000, 9_000_000)
        self.rcn = _Serial(self.rng("rcn"), 100_000, 9_900_000)
        self.eu_grant = _Serial(self.rng("eu-grant"), 100_000_000, 900_000_000)
        self.doi = _Serial(self.rng("doi"), 1_000_000, 90_000_000)
        self.handle = _Serial(self.rng("handle"), 2_500_000, 7_500_000)

    def rng(self, name: str) -> _Rng:
        return _Rng(f"{self.seed}:{name}")

    # ----------------------------------------------------------------- partners

    def partners(self, writer: _Writer) -> None:
        rng = self.rng("partners")
        total = self.scale.partners
        n_orgs = min(total, max(2 * self.regions, round(total * ORG_SHARE)))
        region_weights = list(accumulate(rng.paretovariate(1.5) for _ in range(self.regions)))
        kinds = list(ORG_KIND_WEIGHTS)
        kind_cumulative = list(accumulate(ORG_KIND_WEIGHTS.values()))
        orgs: list[tuple[str, int, float]] = []
        for number in range(n_orgs):
            if number < 2 * self.regions:
                region = number // 2
                if number % 2 == 0:
                    kind = "municipality"
                else:
                    kind = "university" if region % 3 == 0 else "university-college"
                size = 3.0 + rng.paretovariate(1.3)
            else:
                region = _weighted(rng, region_weights)
                kind = kinds[_weighted(rng, kind_cumulative)]
                size = rng.paretovariate(1.3)
            orgs.append((kind, region, min(size, 60.0)))
        # Spread the units over the organisations in proportion to their capacity.
        capacity = [UNIT_CAPACITY[kind] * size for kind, _, size in orgs]
        budget = total - n_orgs
        whole = sum(capacity) or 1.0
        shares = [budget * c / whole for c in capacity]
        units = [int(share) for share in shares]
        left = budget - sum(units)
        by_fraction = sorted(range(n_orgs), key=lambda i: (units[i] - shares[i], i))
        for i in by_fraction[:left]:
            units[i] += 1
        if left > n_orgs:  # pragma: no cover - only when no organisation can have units
            units[0] += left - n_orgs
        for (kind, region, size), n_units in zip(orgs, units, strict=True):
            self._organisation(writer, rng, kind, region, size, n_units)

    def _add(self, kind: str, region: int, unit_type: str | None, weight: float, place: str) -> str:
        index = len(self.ids)
        partner_id = f"partner-{index}"
        self.ids.append(partner_id)
        self.kind.append(kind)
        self.sector.append(SECTOR_OF_KIND[kind])
        self.region.append(region)
        self.unit_type.append(unit_type)
        self.weight.append(weight)
        self.place.append(place)
        return partner_id

    def _organisation(
        self,
        writer: _Writer,
        rng: random.Random,
        kind: str,
        region: int,
        size: float,
        n_units: int,
    ) -> None:
        place = _place(rng)
        name_nb, name_en = _org_name(rng, kind, place)
        index = len(self.ids)
        org_id = self._add(kind, region, None, ACTIVITY[kind] * size, place)
        if kind == "municipality":
            self.municipalities[region].append(index)
        elif kind in {"university", "university-college"}:
            self.academic[region].append(index)
        record: dict[str, Any] = {"id": org_id, "name": {"nb": name_nb, "en": name_en}}
        if kind in {"university", "university-college"}:
            record["short_name"] = {"nb": "".join(w[0] for w in name_nb.split()).upper()}
        record["kind"] = kind
        record["sector"] = SECTOR_OF_KIND[kind]
        identifiers = [{"scheme": "no-orgnr", "value": _next_orgnr(self.orgnr)}]
        if kind in {"university", "university-college", "research-institute", "health-trust"}:
            identifiers.append({"scheme": "ror", "value": _ror(self.ror.next())})
        if kind == "municipality" and self.kommunenr.count < self.kommunenr.size:
            identifiers.append({"scheme": "no-kommunenr", "value": f"{self.kommunenr.next():04d}"})
        record["identifiers"] = identifiers
        record["homepage"] = f"https://www.{_ascii(place)}-{index}.example.no/"
        writer.write(record, BREAKERS["partners"][:4])  # an organisation has no parent
        for unit in _unit_plan(rng, kind, n_units):
            unit_type, parent_offset, subject = unit
            parent_index = index if parent_offset is None else index + 1 + parent_offset
            unit_place = _place(rng)
            unit_id = self._add(
                kind,
                region,
                unit_type,
                ACTIVITY[kind] * 0.3 * min(rng.paretovariate(1.5), 20.0),
                unit_place,
            )
            record = {
                "id": unit_id,
                "name": {"nb": _unit_name(rng, unit_type, kind, unit_place, subject)},
                "kind": kind,
                "sector": SECTOR_OF_KIND[kind],
                "parent": self.ids[parent_index],
                "unit_type": unit_type,
            }
            if rng.random() < 0.3:
                record["identifiers"] = [{"scheme": "no-orgnr", "value": _next_orgnr(self.orgnr)}]
            writer.write(record, BREAKERS["partners"])

    def build_pools(self) -> None:
        """Index the partners for the preferential choices the other collections make."""
        n = len(self.ids)
        sectors = (PUBLIC, ACADEMIA, INDUSTRY, CIVIL)
        self.sector_pools = {
            sector: _Pool(
                [i for i in range(n) if self.sector[i] == sector],
                [self.weight[i] for i in range(n) if self.sector[i] == sector],
            )
            for sector in sectors
        }
        by_region: list[dict[str, list[int]]] = [
            {sector: [] for sector in sectors} for _ in range(self.regions)
        ]
        for i in range(n):
            by_region[self.region[i]][self.sector[i]].append(i)
        self.region_pools = [
            {s: _Pool(members, [self.weight[i] for i in members]) for s, members in pools.items()}
            for pools in by_region
        ]
        self.region_cumulative = list(
            accumulate(sum(p.total for p in pools.values()) for pools in self.region_pools)
        )
        hosts = [
            i
            for i in range(n)
            if (self.kind[i] in {"municipality", "county"} and self.unit_type[i] in HOST_UNIT_TYPES)
            or (self.kind[i] == "health-trust" and self.unit_type[i] is not None)
        ]
        if not hosts:  # very small datasets: the municipalities themselves host
            hosts = [i for i in range(n) if self.kind[i] == "municipality"]
        self.hosts = _Pool(hosts, [self.weight[i] for i in hosts])
        educating = [i for i in range(n) if self.kind[i] in {"university", "university-college"}]
        self.educating = _Pool(educating, [self.weight[i] for i in educating])
        regional: list[list[int]] = [[] for _ in range(self.regions)]
        for i in educating:
            regional[self.region[i]].append(i)
        self.regional_educating = [_Pool(m, [self.weight[i] for i in m]) for m in regional]
        for members in (*self.municipalities, *self.academic):
            members.sort(key=lambda i: (-self.weight[i], i))

    def _pick(self, rng: random.Random, region: int, sector: str, local: float = 0.75) -> int:
        pool = self.region_pools[region][sector]
        if not pool or rng.random() >= local:
            pool = self.sector_pools[sector]
            if not pool:
                pool = self.sector_pools[PUBLIC] or self.sector_pools[ACADEMIA]
        return pool.draw(rng)

    def _region(self, rng: random.Random) -> int:
        return _weighted(rng, self.region_cumulative)

    def _agreement_for(self, region: int, year: int) -> str | None:
        """Return the id of the region's agreement in force in ``year``, if any."""
        start = self.pilot_year[region]
        if start <= year <= start + 3:
            return f"agreement-{2 * region}"
        if start + 4 <= year and 2 * region + 1 < self.scale.agreements:
            return f"agreement-{2 * region + 1}"
        return None

    def _core(self, region: int) -> list[str]:
        """Return the region's busiest municipality and higher-education institution."""
        return [self.ids[self.municipalities[region][0]], self.ids[self.academic[region][0]]]

    # ----------------------------------------------------------------- agreements

    def agreements(self, writer: _Writer) -> None:
        rng = self.rng("agreements")
        self.pilot_year = [rng.randrange(FIRST_YEAR, 2020) for _ in range(self.regions)]
        for number in range(self.scale.agreements):
            region, continuation = divmod(number, 2)
            writer.write(self._agreement(rng, number, region, bool(continuation)),
                         BREAKERS["agreements"])  # fmt: skip

    def _agreement(
        self, rng: random.Random, number: int, region: int, continuation: bool
    ) -> dict[str, Any]:
        pilot = self.pilot_year[region]
        start = pilot + 4 if continuation else pilot
        municipalities = self.municipalities[region][: 1 + (rng.random() < 0.3)]
        academic = self.academic[region][: 1 + (rng.random() < 0.4)]
        parties: list[dict[str, Any]] = [
            {"partner": self.ids[i], "role": "party"} for i in (*municipalities, *academic)
        ]
        extra = self.region_pools[region][PUBLIC]
        if extra and rng.random() < 0.4:
            candidate = extra.draw(rng)
            if self.unit_type[candidate] is None and candidate not in municipalities:
                parties.append({"partner": self.ids[candidate], "role": "associate"})
        place = self.place[municipalities[0]]
        municipality, university = self.ids[municipalities[0]], self.ids[academic[0]]
        record: dict[str, Any] = {
            "id": f"agreement-{number}",
            "title": {
                "nb": f"Universitetskommunen {place}"
                + (": videreføring" if continuation else ": pilot"),
                "en": f"The university municipality {place}"
                + (": continuation" if continuation else ": pilot"),
            },
            "parties": parties,
            "signed": f"{start - 1}-{rng.randrange(9, 13):02d}-{rng.randrange(1, 29):02d}",
            # The pilot runs four years; its continuation is the permanent model, open-ended.
            "period": {"start": f"{start}-01-01"}
            if continuation
            else {"start": f"{start}-01-01", "end": f"{start + 3}-12-31"},
        }
        if continuation:
            record["supersedes"] = f"agreement-{number - 1}"
        record["maturity"] = "3.0" if continuation or rng.random() < 0.3 else "2.0"
        record["governance"] = [
            {
                "id": "steering-group",
                "kind": "steering-group",
                "name": {"nb": "Styringsgruppen", "en": "Steering group"},
                "members": [
                    {"partner": municipality, "role": "chair",
                     "position": {"nb": "kommunedirektør", "en": "municipal director"}},
                    {"partner": university, "role": "deputy-chair",
                     "position": {"nb": "prorektor for innovasjon",
                                  "en": "pro-rector for innovation"}},
                ],
            }
        ]  # fmt: skip
        record["objectives"] = [
            {"id": "objective-1", "text": {"nb": "Sikre kommunal sektor tilgang til relevant "
                                                "og oppdatert kunnskap og kompetanse."}},
            {"id": "objective-2", "text": {"nb": "Etablere en ny modell for kontinuerlig "
                                                "toveis kunnskapsoverføring."}},
        ]  # fmt: skip
        record["obligations"] = [
            {"id": "obligation-1", "due": f"{start + 3}",
             "text": {"nb": "Dokumentere modellen gjennom en forskningsbasert evaluering."}},
        ]  # fmt: skip
        record["focus_areas"] = list(FOCUS_AREAS)
        areas = rng.sample(THEMATIC_AREAS, rng.randrange(3, len(THEMATIC_AREAS) + 1))
        record["thematic_areas"] = [a for a in THEMATIC_AREAS if a in areas]
        plans = []
        for focus in FOCUS_AREAS:
            activities = []
            for number_in_plan in range(1 + (rng.random() < 0.5)):
                first, last = _month_span(rng, start + rng.randrange(3), start + 3, 2)
                activities.append(
                    {
                        "id": f"{focus}-{number_in_plan + 1}",
                        "title": {"nb": rng.choice(PROJECT_TOPICS)[0]},
                        "status": _status(int(first[:4]), int(last[:4])),
                        "period": {"start": first, "end": last},
                        "responsible": [municipality, university][: 1 + (rng.random() < 0.5)],
                        "sdg_links": _sdg_links(rng, [rng.choice(areas)]),
                    }
                )
            plans.append(
                {
                    "id": f"plan-{focus}",
                    "focus_area": focus,
                    "title": {"nb": f"Handlingsplan {start}-{start + 3}: {focus}"},
                    "activities": activities,
                }
            )
        record["action_plans"] = plans
        record["rules"] = [
            {
                "id": "sdg-rule",
                "kind": "sdg-link-required",
                "applies_to": ["project", "mission", "thesis", "learning-activity"],
                "decided": f"{start if continuation else pilot + 1}-03",
                "decided_by": "steering-group",
                "description": {"nb": "All felles aktivitet skal bygge på FNs bærekraftsmål."},
            }
        ]
        record["documents"] = [
            {"url": f"https://www.{_ascii(place)}.example.no/avtale-{number}.pdf"}
        ]
        return record

    # ----------------------------------------------------------------- missions

    def plan_missions(self) -> None:
        """Decide each mission's region, theme and timeframe before its projects are made."""
        rng = self.rng("missions")
        self.mission_region: list[int] = []
        self.mission_theme: list[int] = []
        self.mission_years: list[tuple[int, int]] = []
        self.region_missions: list[list[int]] = [[] for _ in range(self.regions)]
        for number in range(self.scale.missions):
            region = self._region(rng)
            start = rng.randrange(FIRST_YEAR + 1, 2025)
            self.mission_region.append(region)
            self.mission_theme.append(rng.randrange(len(MISSION_THEMES)))
            self.mission_years.append((start, start + rng.randrange(2, 5)))
            self.region_missions[region].append(number)
        self.mission_projects: list[list[int]] = [[] for _ in range(self.scale.missions)]

    def missions(self, writer: _Writer) -> None:
        rng = self.rng("missions-records")
        for number in range(self.scale.missions):
            region = self.mission_region[number]
            nb, en, areas = MISSION_THEMES[self.mission_theme[number]]
            start, end = self.mission_years[number]
            place = self.place[self.municipalities[region][0]]
            owners = self._core(region)
            record: dict[str, Any] = {
                "id": f"mission-{number}",
                "title": {"nb": f"{nb} i {place}", "en": f"{en} in {place}"},
                "challenge": {"nb": f"{nb} innen {end}.", "en": f"{en} by {end}."},
                "timeframe": {"start": f"{start}-01-01", "end": f"{end}-12-31"},
                "status": _status(start, end),
                "owners": owners,
            }
            projects = self.mission_projects[number]
            if projects:
                record["projects"] = [f"project-{i}" for i in projects]
            agreement = self._agreement_for(region, start)
            if agreement is not None:
                record["agreement"] = agreement
            record["thematic_areas"] = list(areas)
            record["sdg_links"] = _sdg_links(rng, areas, owners[1:])
            writer.write(record, BREAKERS["missions"])

    # ----------------------------------------------------------------- projects

    def projects(self, writer: _Writer) -> None:
        rng = self.rng("projects")
        roles = {
            PUBLIC: ("user-partner", "partner", "partner"),
            ACADEMIA: ("research-partner", "partner"),
            INDUSTRY: ("partner", "partner", "advisor"),
            CIVIL: ("user-partner", "partner", "other"),
        }
        sector_cumulative = list(accumulate(w for _, w in PARTICIPANT_SECTORS))
        # A mission lists its projects, so their ids must stay single (one byte per project).
        in_mission = writer.referenced = bytearray(self.scale.projects)
        for number in range(self.scale.projects):
            region = self._region(rng)
            missions = self.region_missions[region]
            mission: int | None = None
            if missions and rng.random() < 0.6:
                mission = missions[rng.randrange(len(missions))]
                first_year, last_year = self.mission_years[mission]
                start_year = rng.randrange(first_year, min(last_year, AS_OF_YEAR) + 1)
                areas = list(MISSION_THEMES[self.mission_theme[mission]][2])
                self.mission_projects[mission].append(number)
                in_mission[number] = 1
            else:
                start_year = _year(rng)
                last_year = start_year + 4
                areas = _areas(rng)
            start, end = _month_span(rng, start_year, last_year, 4)
            status = _status(start_year, int(end[:4]))
            if status == "completed" and rng.random() < 0.04:
                status = "cancelled"
            # Heavy-tailed size: 2 to 15 partners, about 4 on average.
            size = 2 + int(rng.expovariate(1 / 2.4))
            while size > 15:
                size = 2 + int(rng.expovariate(1 / 2.4))
            coordinator = self._pick(rng, region, ACADEMIA if rng.random() < 0.6 else PUBLIC)
            chosen = [coordinator]
            seen = {coordinator}
            attempts = 0
            while len(chosen) < size and attempts < 4 * size:
                attempts += 1
                sector = PARTICIPANT_SECTORS[_weighted(rng, sector_cumulative)][0]
                candidate = self._pick(rng, region, sector)
                if candidate not in seen:
                    seen.add(candidate)
                    chosen.append(candidate)
            participants: list[dict[str, Any]] = [
                {"partner": self.ids[coordinator], "role": "coordinator"}
            ]
            for i in chosen[1:]:
                entry: dict[str, Any] = {
                    "partner": self.ids[i],
                    "role": rng.choice(roles[self.sector[i]]),
                }
                if rng.random() < 0.08 and int(end[:4]) > start_year:
                    entry["period"] = {
                        "start": f"{rng.randrange(start_year + 1, int(end[:4]) + 1)}"
                    }
                participants.append(entry)
            topic_nb, topic_en = rng.choice(PROJECT_TOPICS)
            place = self.place[coordinator]
            record: dict[str, Any] = {
                "id": f"project-{number}",
                "title": {"nb": f"{topic_nb} ({place})", "en": f"{topic_en} ({place})"},
                "kinds": _kinds(rng),
                "status": status,
                "period": {"start": start, "end": end},
                "participants": participants,
            }
            funding = self._funding(rng, number, coordinator)
            if funding:
                record["funding"] = funding
            if status == "completed" and rng.random() < 0.6:
                record["outputs"] = _outputs(rng, int(end[:4]), number, self.doi)
            agreement = self._agreement_for(region, start_year)
            if agreement is not None and rng.random() < 0.8:
                record["agreement"] = agreement
            record["focus_areas"] = (
                ["thematic-missions"] if mission is not None
                else [rng.choice(("rdi-professionalisation", "education", "lifelong-learning"))]
            )  # fmt: skip
            record["thematic_areas"] = areas
            record["sdg_links"] = _sdg_links(rng, areas, self._core(region)[1:])
            if rng.random() < 0.5:
                record["identifiers"] = [
                    {"scheme": "cristin-project", "value": str(self.cristin[number])}
                ]
            writer.write(record, BREAKERS["projects"])

    def _funding(self, rng: random.Random, number: int, coordinator: int) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        if rng.random() < 0.55:
            name, scheme, currency = FUNDERS[_weighted(rng, (5, 7, 8, 9, 10))]
            amount = round(rng.lognormvariate(14.5 if currency == "NOK" else 12.3, 0.8), -3)
            line: dict[str, Any] = {
                "funder_name": {"nb": name},
                "amount": {"amount": float(amount), "currency": currency},
                "external": True,
            }
            if scheme == "rcn-project":
                line["identifiers"] = [{"scheme": scheme, "value": str(self.rcn[number])}]
            elif scheme == "eu-grant":
                grant = str(self.eu_grant[number])
                line["identifiers"] = [{"scheme": scheme, "value": grant}]
            lines.append(line)
        if rng.random() < 0.3:
            lines.append({"funder": self.ids[coordinator], "external": False})
        return lines

    # ----------------------------------------------------------------- education

    def _educating(self, rng: random.Random, region: int) -> int:
        pool = self.regional_educating[region]
        if not pool or rng.random() >= 0.8:
            pool = self.educating
        return pool.draw(rng)

    def placements(self, writer: _Writer) -> None:
        # The largest collection (10 million rows at stress scale): the draws of
        # ``_Pool.draw``, ``_year`` and ``_educating`` are written out inline.
        rng = self.rng("placements")
        rnd, exponential = rng.random, rng.expovariate
        terms = ("spring", "autumn", "autumn", "spring", "full-year")
        breakers = BREAKERS["placements"]
        ids, regions, hosts, educating = self.ids, self.region, self.hosts, self.educating
        programmes = [
            PROGRAMMES_BY_HOST.get(unit_type, PROGRAMMES_BY_HOST[None])
            for unit_type in self.unit_type
        ]
        years, years_total = _YEAR_CUMULATIVE, _YEAR_CUMULATIVE[-1]
        for number in range(self.scale.placements):
            host = hosts.items[bisect.bisect_right(hosts.cumulative, rnd() * hosts.total)]
            region = regions[host]
            pool = self.regional_educating[region]
            if not pool or rnd() >= 0.8:
                pool = educating
            institution = pool.items[bisect.bisect_right(pool.cumulative, rnd() * pool.total)]
            choices = programmes[host]
            code = choices[int(rnd() * len(choices))]
            name, field, level, weeks = PROGRAMMES[code]
            year = FIRST_YEAR + bisect.bisect_right(years, rnd() * years_total)
            record: dict[str, Any] = {
                "id": f"placement-{number}",
                "programme": {"nb": name},
                "programme_code": code,
                "field": field,
                "level": level,
                "institution": ids[institution],
                "host": ids[host],
                "year": year,
                "term": terms[int(rnd() * 5)],
                "students": 1 + min(int(exponential(0.25)), 60),
                "weeks": weeks,
            }
            agreement = self._agreement_for(region, year)
            if agreement is not None:
                record["agreement"] = agreement
            writer.write(record, breakers)

    def theses(self, writer: _Writer) -> None:
        rng = self.rng("theses")
        levels = ("master",) * 7 + ("project-assignment",) * 2 + ("bachelor",)
        for number in range(self.scale.theses):
            host = self.hosts.draw(rng)
            region = self.region[host]
            institution = self._educating(rng, region)
            code = rng.choice(
                PROGRAMMES_BY_HOST.get(self.unit_type[host], PROGRAMMES_BY_HOST[None])
            )
            name, field, _, _ = PROGRAMMES[code]
            topic = rng.choice(PROJECT_TOPICS)[0]
            areas = _areas(rng)
            record: dict[str, Any] = {
                "id": f"thesis-{number}",
                "title": {"nb": topic + rng.choice(THESIS_SUFFIXES)},
                "year": _year(rng),
                "level": "phd" if rng.random() < 0.02 else rng.choice(levels),
                "institution": self.ids[institution],
                "host": self.ids[host],
                "programme": {"nb": name},
                "field": field,
                "language": "nb" if rng.random() < 0.7 else "en",
            }
            if rng.random() < 0.3:
                record["supervising_partners"] = [self.ids[self.municipalities[region][0]]]
            record["thematic_areas"] = areas
            record["sdg_links"] = _sdg_links(rng, areas)
            if rng.random() < 0.4:
                record["url"] = f"https://hdl.handle.net/11250/{self.handle[number]}"
            writer.write(record, BREAKERS["theses"])

    def learning_activities(self, writer: _Writer) -> None:
        rng = self.rng("learning_activities")
        kinds = ("course", "continuing-education", "further-education", "seminar", "workshop",
                 "conference", "network")  # fmt: skip
        kind_cumulative = list(accumulate((5, 4, 3, 5, 3, 1, 1)))
        audiences = ("municipal-staff", "university-staff", "students", "business",
                     "public-agencies", "volunteers", "citizens")  # fmt: skip
        for number in range(self.scale.learning_activities):
            region = self._region(rng)
            kind = kinds[_weighted(rng, kind_cumulative)]
            organisers = [self._pick(rng, region, ACADEMIA, 0.9)]
            if rng.random() < 0.6:
                other = self._pick(rng, region, PUBLIC, 0.9)
                if other not in organisers:
                    organisers.append(other)
            attending = list(organisers)
            for _ in range(int(rng.expovariate(1 / 1.5))):
                sector = PUBLIC if rng.random() < 0.7 else rng.choice((INDUSTRY, CIVIL, ACADEMIA))
                candidate = self._pick(rng, region, sector)
                if candidate not in attending:
                    attending.append(candidate)
            areas = _areas(rng)
            first, last = _month_span(rng, _year(rng), AS_OF_YEAR + 1, 2)
            record: dict[str, Any] = {
                "id": f"learning-{number}",
                "title": {"nb": f"{rng.choice(PROJECT_TOPICS)[0]}: {kind}"},
                "kind": kind,
                "organisers": [self.ids[i] for i in organisers],
                "audiences": sorted(rng.sample(audiences, 1 + (rng.random() < 0.5))),
            }
            if kind in {"course", "continuing-education", "further-education"}:
                record["credits"] = rng.choice((2.5, 5.0, 7.5, 10.0, 15.0, 30.0))
            record["period"] = {"start": first, "end": last}
            record["participants"] = [
                {"partner": self.ids[i], "count": 2 + int(rng.expovariate(1 / 15))}
                for i in attending
            ]
            agreement = self._agreement_for(region, int(first[:4]))
            if agreement is not None:
                record["agreement"] = agreement
            record["focus_areas"] = ["lifelong-learning"]
            record["thematic_areas"] = areas
            record["sdg_links"] = _sdg_links(rng, areas)
            writer.write(record, BREAKERS["learning_activities"])

    def figures(self, writer: _Writer) -> None:
        """Figures a region reports about itself: counts, some approximate or as a range."""
        rng = self.rng("figures")
        for number in range(self.scale.figures):
            region = self._region(rng)
            reporter = self.municipalities[region][0] if self.municipalities[region] else 0
            year = _year(rng)
            measure, unit, dimensions = rng.choice(FIGURE_MEASURES)
            size = 5 + int(rng.expovariate(1 / 200))
            shape = rng.random()
            value: Any = size
            if shape < 0.3:
                value = {"about": round(size, -1)}
            elif shape < 0.4:
                value = {"min": size, "max": size + 1 + size // 4}
            record: dict[str, Any] = {"id": f"figure-{number}", "measure": measure}
            agreement = self._agreement_for(region, year)
            if agreement is not None:
                record["agreement"] = agreement
            else:
                record["partner"] = self.ids[reporter]
            # A year as its period, written as a start and an end of the same year; a few
            # are known only roughly.
            when = str(year) if rng.random() < 0.9 else f"{year}~"
            record["period"] = {"start": when, "end": when}
            record["value"] = value
            record["unit"] = unit
            if dimensions:
                record["dimensions"] = {dimensions[0]: rng.choice(dimensions[1])}
            record["method"] = "estimated" if isinstance(value, dict) else "counted"
            record["reported_by"] = self.ids[reporter]
            record["source"] = {"title": {"nb": f"Årsrapport {year}"}}
            writer.write(record, BREAKERS["figures"])


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "-"})


def _ascii(text: str) -> str:
    return text.lower().translate(_ASCII)


def _org_name(rng: random.Random, kind: str, place: str) -> tuple[str, str]:
    if kind == "municipality":
        return f"{place} kommune", f"{place} municipality"
    if kind == "county":
        return f"{place} fylkeskommune", f"{place} county"
    if kind == "university":
        return f"Universitetet i {place}", f"University of {place}"
    if kind == "university-college":
        return f"Høgskolen i {place}", f"{place} University College"
    if kind == "research-institute":
        return f"{place}forskning", f"{place} Research"
    if kind == "health-trust":
        return f"Helse {place} HF", f"{place} Health Trust"
    if kind == "public-agency":
        return f"Statsforvalteren i {place}", f"County Governor of {place}"
    if kind == "company":
        word = rng.choice(COMPANY_WORDS)
        return f"{place} {word} AS", f"{place} {word} AS"
    if kind == "ngo":
        word = rng.choice(NGO_WORDS)
        return f"{place} {word}", f"{place} {word}"
    if kind == "citizen-group":
        return f"Innbyggerpanelet i {place}", f"{place} citizens' panel"
    return f"Stiftelsen {place}", f"The {place} Foundation"


#: Unit types a municipality's units are drawn from, with weights.
_MUNICIPAL_UNITS = (
    ("school", 35),
    ("kindergarten", 30),
    ("nursing-home", 15),
    ("health-and-care-service", 10),
    ("administrative-unit", 10),
)
_MUNICIPAL_CUMULATIVE = list(accumulate(w for _, w in _MUNICIPAL_UNITS))


def _unit_plan(rng: random.Random, kind: str, count: int) -> Iterator[tuple[str, int | None, int]]:
    """Yield ``(unit type, offset of the parent unit or None for the organisation, subject)``.

    A university's or college's units are faculties, each followed by its
    departments; other organisations' units sit directly under them.
    """
    if kind in {"university", "university-college"}:
        faculties = max(1, round(count / 6)) if count else 0
        per_faculty = [0] * faculties
        for i in range(count - faculties):
            per_faculty[i % faculties] += 1
        offset = 0
        for departments in per_faculty:
            subject = rng.randrange(len(SUBJECTS))
            faculty_offset = offset
            yield "faculty", None, subject
            offset += 1
            for _ in range(departments):
                yield "department", faculty_offset, rng.randrange(len(SUBJECTS))
                offset += 1
        return
    for _ in range(count):
        if kind == "municipality":
            yield _MUNICIPAL_UNITS[_weighted(rng, _MUNICIPAL_CUMULATIVE)][0], None, 0
        elif kind == "county":
            yield ("school" if rng.random() < 0.7 else "administrative-unit"), None, 0
        elif kind == "health-trust":
            yield ("centre" if rng.random() < 0.3 else "department"), None, 0
        elif kind == "research-institute":
            yield "department", None, rng.randrange(len(SUBJECTS))
        elif kind == "public-agency":
            yield "administrative-unit", None, 0
        else:
            yield "other", None, 0


def _unit_name(rng: random.Random, unit_type: str, kind: str, place: str, subject: int) -> str:
    if unit_type == "faculty":
        return f"Fakultet for {SUBJECTS[subject][0]}"
    if unit_type == "department":
        if kind == "health-trust":
            return f"Klinikk for {rng.choice(CLINICS)}"
        prefix = "Institutt" if kind in {"university", "university-college"} else "Avdeling"
        return f"{prefix} for {SUBJECTS[subject][0]}"
    if unit_type == "school":
        return f"{place} {'videregående ' if kind == 'county' else ''}skole"
    if unit_type == "kindergarten":
        return f"{place} barnehage"
    if unit_type == "nursing-home":
        return f"{place} helse- og velferdssenter"
    if unit_type == "health-and-care-service":
        return f"Hjemmetjenesten {place}"
    if unit_type == "administrative-unit":
        return rng.choice(ADMIN_UNITS)
    if unit_type == "centre":
        return f"Senter for {rng.choice(CLINICS)}"
    return f"Lokallag {place}"


def _kinds(rng: random.Random) -> list[str]:
    chance = rng.random()
    if chance < 0.35:
        return ["research"]
    if chance < 0.55:
        return ["innovation"]
    if chance < 0.7:
        return ["development"]
    if chance < 0.85:
        return ["research", "innovation"]
    return ["development", "innovation"]


def _outputs(rng: random.Random, year: int, number: int, doi: _Serial) -> list[dict[str, Any]]:
    """Return one to five outputs of project ``number``; DOIs are unique per output."""
    outputs: list[dict[str, Any]] = []
    for position in range(1 + min(int(rng.expovariate(1.2)), 4)):
        kind = rng.choice(("publication", "report", "report", "dataset", "service", "method"))
        output: dict[str, Any] = {
            "kind": kind,
            "title": {"nb": f"Resultat {position + 1} fra prosjekt {number}"},
            "year": min(year + rng.randrange(2), AS_OF_YEAR),
        }
        if kind in {"publication", "dataset"}:
            output["doi"] = f"10.5281/zenodo.{doi[5 * number + position]}"
        else:
            output["url"] = f"https://www.example.no/rapporter/{number}-{position + 1}"
        outputs.append(output)
    return outputs


# --------------------------------------------------------------------------- entry points


def _own_files(out_dir: Path) -> list[Path]:
    names = [DATASET_FILE, "profile.json", MANIFEST_FILE]
    names += [f"{name}{suffix}" for name in COLLECTIONS for suffix in (".json", ".jsonl")]
    return [out_dir / name for name in names]


def generate(
    scale: str | Scale,
    out_dir: Path,
    *,
    seed: int = 0,
    broken: float = 0.0,
    force: bool = False,
) -> dict[str, int]:
    """Write a synthetic dataset folder at ``scale`` into ``out_dir``; return counts per collection.

    Args:
        scale: a key of :data:`SCALES` (``tiny``, ``city``, ``country``, ``stress``) or a Scale.
        out_dir: the folder to write; created if missing.
        seed: the seed; the same seed always gives the same bytes.
        broken: the fraction (0 to 1) of each collection's records to give one defect each,
            listed in ``broken.json``.
        force: replace the dataset files of an earlier run in ``out_dir``.

    Raises:
        KeyError: ``scale`` is not a known scale.
        ValueError: ``broken`` is not between 0 and 1.
        FileExistsError: ``out_dir`` holds dataset files and ``force`` is false.
    """
    plan = SCALES[scale] if isinstance(scale, str) else scale
    if not 0.0 <= broken <= 1.0:
        raise ValueError(f"the broken fraction must be between 0 and 1, not {broken}")
    out_dir = Path(out_dir)
    existing = [path for path in _own_files(out_dir) if path.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} exists; pass --force to replace the dataset files")
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in existing:
        path.unlink()

    generator = _Generator(plan, seed)
    manifest = _Manifest(out_dir / MANIFEST_FILE, seed, broken) if broken else None

    def writer(name: str) -> _Writer:
        return _Writer(out_dir / f"{name}.jsonl", name, getattr(plan, name), broken, seed, manifest)

    steps: list[tuple[str, Callable[[_Writer], None]]] = [
        ("partners", generator.partners),
        ("agreements", generator.agreements),
        ("projects", generator.projects),
        ("missions", generator.missions),
        ("placements", generator.placements),
        ("theses", generator.theses),
        ("learning_activities", generator.learning_activities),
        ("figures", generator.figures),
    ]
    counts: dict[str, int] = {}
    try:
        for name, step in steps:
            if name == "agreements":
                generator.build_pools()
            if name == "projects":
                generator.plan_missions()
            out = writer(name)
            try:
                step(out)
            finally:
                out.close()
            counts[name] = out.count
    finally:
        if manifest is not None:
            manifest.close()
    metadata = {
        "$schema": schema_id("dataset"),
        "title": {
            "nb": f"Syntetisk datasett for ytelsestester ({plan.partners} partnere)",
            "en": f"Synthetic benchmark dataset ({plan.partners} partners)",
        },
        # Every text is written in Norwegian; some also in English, which the dataset
        # does not promise (a declared language is one every required text has).
        "description": {
            "nb": "Syntetiske data laget av benchmarks/generate.py "
            f"(frø {seed}, andel feil {broken}). Alle navn, nummer og identifikatorer "
            "er oppdiktet; ingenting beskriver et virkelig partnerskap.",
            "en": "Synthetic data made by benchmarks/generate.py "
            f"(seed {seed}, broken fraction {broken}). Every name, number and "
            "identifier is invented; nothing in it describes a real partnership.",
        },
        "publisher": generator.ids[0],
        "license": "CC0-1.0",
        "languages": ["nb"],
        "modified": MODIFIED,
    }
    (out_dir / DATASET_FILE).write_bytes(
        json.dumps(metadata, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    )
    return {name: counts.get(name, 0) for name in COLLECTIONS}


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator from the command line; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="generate.py", description="Write a seeded synthetic unikommune dataset folder."
    )
    parser.add_argument("scale", choices=list(SCALES), help="size of the dataset")
    parser.add_argument("out_dir", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--broken", type=_fraction, default=0.0, metavar="FRACTION",
        help="fraction of records to give one defect each, listed in broken.json",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="replace an earlier run's files")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(args.scale, args.out_dir, seed=args.seed, broken=args.broken,
                          force=args.force)  # fmt: skip
    except (FileExistsError, OSError) as error:
        print(f"generate.py: error: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    size = sum(path.stat().st_size for path in args.out_dir.iterdir() if path.is_file())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, count in counts.items():
        print(f"{name:>20} {count:>12,}")
    print(f"{'records':>20} {sum(counts.values()):>12,}")
    print(f"wrote {size / 1e6:,.1f} MB to {args.out_dir} in {seconds:.1f} s")
    print(f"peak resident memory {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

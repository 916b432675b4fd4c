"""Enhetsregisteret's units mapped to partners: organisations, and units under their parent.

A sub-unit (*underenhet*) is a unit of the main unit it belongs to.  A main unit
organised under a municipality or county (a school or office of ``ORGL`` form whose
``overordnetEnhet`` is a ``KOMM`` or ``FYLK``) is a unit of it too; a main unit
organised under a ministry (NTNU under the Ministry of Education) is an
organisation of its own, since the format's parent is about a partnership's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from unikommune.harvest.build import Harvest, Origin, partner_id
from unikommune.harvest.crosswalk import brreg_kind, unit_type_of
from unikommune.harvest.sources import SourceProblem, brreg

__all__ = ["map_brreg"]

_OWNERS_OF_UNITS = frozenset({"KOMM", "FYLK"})

_Unit = tuple[Origin, brreg.BrregUnit]


def map_brreg(harvest: Harvest, paths: Sequence[Path], retrieved: date | None) -> None:
    """Map ``enheter`` and ``underenheter`` downloads (a file is a sub-unit file by its name)."""
    units: dict[str, _Unit] = {}
    for path in paths:
        origin = harvest.origin("brreg", path, retrieved)
        sub = "underenhet" in path.name.lower()
        reader = brreg.read_underenheter if sub else brreg.read_enheter
        for item in reader(path):
            if isinstance(item, SourceProblem):
                harvest.problems.append(item)
            else:
                units.setdefault(item.orgnr, (origin, item))
    parents = {orgnr: _parent(units, unit) for orgnr, (_, unit) in units.items()}
    for orgnr in sorted(_kept(harvest, units, parents)):
        _partner(harvest, units, parents, orgnr)


def _parent(units: dict[str, _Unit], unit: brreg.BrregUnit) -> str | None:
    """Return the orgnr of the partner a unit is a unit of, or ``None`` for an organisation."""
    if unit.parent is None:
        return None
    if unit.is_sub_unit:
        return unit.parent
    owner = units.get(unit.parent)
    return unit.parent if owner is not None and owner[1].org_form in _OWNERS_OF_UNITS else None


def _kept(harvest: Harvest, units: dict[str, _Unit], parents: dict[str, str | None]) -> set[str]:
    """Return the units the filters keep, with the parents their references need."""
    filters = harvest.filters
    if not filters.by_organisation():
        return set(units)
    kept: set[str] = set()
    for orgnr, (_, unit) in units.items():
        chain = [orgnr]
        while (up := parents.get(chain[-1])) is not None and up not in chain:
            chain.append(up)
        if any(item in filters.partners for item in chain) or (
            unit.municipality_number in filters.municipalities
        ):
            kept.update(item for item in chain if item in units)
    return kept


def _kind(
    units: dict[str, _Unit],
    parents: dict[str, str | None],
    orgnr: str,
) -> tuple[str, str] | None:
    """Return the kind and sector of a unit: its parent's for a unit, else its own."""
    seen = [orgnr]
    while (up := parents.get(seen[-1])) is not None and up in units and up not in seen:
        seen.append(up)
    top = units[seen[-1]][1]
    return brreg_kind(top.org_form, top.industry_code, top.sector_code)


def _partner(
    harvest: Harvest, units: dict[str, _Unit], parents: dict[str, str | None], orgnr: str
) -> None:
    origin, unit = units[orgnr]
    found = _kind(units, parents, orgnr)
    if found is None:
        harvest.report(
            "unmapped_sector",
            origin,
            f"no helix sector for {unit.name} ({orgnr}): organisation form {unit.org_form!r}, "
            f"industry {unit.industry_code!r}, sector code {unit.sector_code!r}; left out",
            line=unit.line,
            row=unit.row,
        )
        return
    record: dict[str, Any] = {
        "id": partner_id(orgnr=orgnr),
        "name": {"nb": unit.name or orgnr},
        "kind": found[0],
        "sector": found[1],
        "identifiers": [{"scheme": "no-orgnr", "value": orgnr}],
        "country": "NO",
    }
    if unit.org_form in _OWNERS_OF_UNITS and unit.municipality_number and unit.org_form == "KOMM":
        record["identifiers"].append({"scheme": "no-kommunenr", "value": unit.municipality_number})
    parent = parents[orgnr]
    if parent is not None and parent in units:
        record["parent"] = partner_id(orgnr=parent)
        record["unit_type"] = unit_type_of(unit.industry_code)
    elif parent is not None:
        harvest.report(
            "parent_not_found",
            origin,
            f"{unit.name} ({orgnr}) belongs to {parent}, which is in none of the files "
            "harvested; it is taken as an organisation of its own",
            line=unit.line,
            row=unit.row,
        )
    for when, what in ((unit.deleted_on, "deleted from the register"), (unit.closed_on, "closed")):
        if when is not None:
            harvest.report(
                "deleted_unit",
                origin,
                f"{unit.name} ({orgnr}) was {what} on {when.isoformat()}; kept, since past "
                "projects name it",
                line=unit.line,
                row=unit.row,
            )
    harvest.partner(record, origin, unit.line, f"organisasjonsnummer={orgnr}")

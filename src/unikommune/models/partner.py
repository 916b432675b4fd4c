"""Partners: organisations and their units."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from unikommune.codelists import HelixSector, PartnerKind, UnitType
from unikommune.models.base import Record
from unikommune.models.values import CountryCode, Identifier, LangString, Ref, RefersTo, Url

__all__ = ["Partner"]


class Partner(Record):
    """An organisation, or a unit of one (a faculty, a school, a nursing home)."""

    name: LangString = Field(description="Name of the organisation or unit.")
    short_name: LangString | None = Field(
        default=None, description="Short name or acronym, such as NTNU."
    )
    kind: PartnerKind = Field(
        description="Kind of organisation; for a unit, the kind of the organisation it belongs to."
    )
    sector: HelixSector = Field(description="Sector of the quadruple helix the partner belongs to.")
    parent: Annotated[Ref, RefersTo("partners", tie="unit_of")] | None = Field(
        default=None,
        description="Id of the partner this unit belongs to; absent for a whole organisation.",
    )
    unit_type: UnitType | None = Field(default=None, description="Type of unit, for a unit.")
    identifiers: list[Identifier] = Field(
        default_factory=list,
        description="Identifiers in external registers (organisation number, ROR, ...).",
    )
    country: CountryCode | None = Field(
        default=None,
        description="Country of the partner (ISO 3166-1 alpha-2); absent means the country of "
        "the partnership.",
    )
    homepage: Url | None = Field(default=None, description="Web page of the partner.")
    description: LangString | None = Field(default=None, description="What the partner is or does.")

"""Model profiles: the focus areas and thematic areas a partnership declares.

The TRD3.0 pilot's four focus areas and five thematic areas are the default
profile.  Another partnership declares its own, inline in its dataset or in a
``profile.json`` beside it, and is validated against that.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import Field

from unikommune.codelists import Measure
from unikommune.format import SCHEMA_BASE
from unikommune.models.values import LangString, Link, LocalId, Model, ProfileCode

__all__ = ["DEFAULT_PROFILE_ID", "Profile", "ProfileArea", "default_profile"]

#: Id of the profile used when a dataset declares none.
DEFAULT_PROFILE_ID = "trd3.0"


class ProfileArea(Model):
    """A focus area or thematic area of a profile."""

    code: ProfileCode = Field(description="Code that records use to refer to the area.")
    title: LangString = Field(description="Name of the area.")
    description: LangString | None = Field(default=None, description="What the area covers.")


class Profile(Model):
    """The focus areas and thematic areas a partnership works through."""

    schema_: Literal[f"{SCHEMA_BASE}profile.json"] | None = Field(  # type: ignore[valid-type]
        default=None,
        alias="$schema",
        description="The $id of this schema; required when the profile is a file of its own.",
    )
    id: LocalId = Field(description="Id of the profile, such as trd3.0.")
    title: LangString = Field(description="Name of the profile.")
    description: LangString | None = Field(default=None, description="What the profile is for.")
    focus_areas: list[ProfileArea] = Field(
        min_length=1, description="Focus areas (innsatsområder), each with action plans."
    )
    thematic_areas: list[ProfileArea] = Field(
        min_length=1, description="Thematic areas (tematiske satsingsområder)."
    )
    measures: list[ProfileArea] = Field(
        default_factory=list,
        description="Measures of reported figures the profile adds to the measure codelist.",
    )
    source: Link | None = Field(default=None, description="Where the profile is decided.")

    def codes(self, kind: str) -> frozenset[str]:
        """Return the codes a record may use for a field of ``kind`` (see ``AreaOf``).

        ``focus`` and ``thematic`` are the profile's areas; ``measure`` is the measure
        codelist with the measures the profile adds.

        Raises:
            KeyError: ``kind`` is none of these.
        """
        if kind == "focus":
            return self.focus_area_codes()
        if kind == "thematic":
            return self.thematic_area_codes()
        if kind == "measure":
            return frozenset(Measure) | frozenset(area.code for area in self.measures)
        raise KeyError(kind)

    def focus_area_codes(self) -> frozenset[str]:
        """Return the codes of the focus areas."""
        return frozenset(area.code for area in self.focus_areas)

    def thematic_area_codes(self) -> frozenset[str]:
        """Return the codes of the thematic areas."""
        return frozenset(area.code for area in self.thematic_areas)


@cache
def _default_profile_json() -> str:
    return (files("unikommune") / "data" / "profiles" / "trd30.json").read_text(encoding="utf-8")


def default_profile() -> Profile:
    """Return the TRD3.0 profile: four focus areas and five thematic areas (a fresh copy)."""
    return Profile.model_validate(json.loads(_default_profile_json()))

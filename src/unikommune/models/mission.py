"""Thematic missions: projects gathered around one societal challenge."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from unikommune.codelists import ProjectStatus
from unikommune.models.base import Record
from unikommune.models.sdg import SdgLink
from unikommune.models.values import (
    LangString,
    Ref,
    RefersTo,
    ThematicAreaCode,
    Timeframe,
    UniqueList,
)

__all__ = ["Mission"]


class Mission(Record):
    """A thematic mission: a concrete societal challenge to solve within a defined timeframe."""

    title: LangString = Field(description="Title of the mission.")
    challenge: LangString = Field(description="The societal challenge the mission is to solve.")
    description: LangString | None = Field(default=None, description="More about the mission.")
    timeframe: Timeframe = Field(description="The defined timeframe of the mission.")
    status: ProjectStatus | None = Field(default=None, description="Where the mission stands.")
    owners: UniqueList[Annotated[Ref, RefersTo("partners", tie="owns")]] = Field(
        min_length=1, description="Ids of the partners that own the mission."
    )
    projects: UniqueList[Annotated[Ref, RefersTo("projects", tie="in_mission")]] = Field(
        default_factory=list, description="Ids of the projects gathered under the mission."
    )
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the mission is part of."
    )
    thematic_areas: UniqueList[ThematicAreaCode] = Field(
        default_factory=list, description="Codes of the thematic areas of the mission."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the mission serves."
    )

"""Thematic missions: projects gathered around one societal challenge."""

from __future__ import annotations

from pydantic import Field

from unikommune.codelists import ProjectStatus
from unikommune.models.base import Record
from unikommune.models.sdg import SdgLink
from unikommune.types import LangString, ProfileCode, Ref, Timeframe, UniqueList

__all__ = ["Mission"]


class Mission(Record):
    """A thematic mission: a concrete societal challenge to solve within a defined timeframe."""

    title: LangString = Field(description="Title of the mission.")
    challenge: LangString = Field(description="The societal challenge the mission is to solve.")
    description: LangString | None = Field(default=None, description="More about the mission.")
    timeframe: Timeframe = Field(description="The defined timeframe of the mission.")
    status: ProjectStatus | None = Field(default=None, description="Where the mission stands.")
    owners: UniqueList[Ref] = Field(
        min_length=1, description="Ids of the partners that own the mission."
    )
    projects: UniqueList[Ref] = Field(
        default_factory=list, description="Ids of the projects gathered under the mission."
    )
    agreement: Ref | None = Field(
        default=None, description="Id of the agreement the mission is part of."
    )
    thematic_areas: UniqueList[ProfileCode] = Field(
        default_factory=list, description="Codes of the thematic areas of the mission."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the mission serves."
    )

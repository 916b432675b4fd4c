"""Education collaboration and lifelong learning, published as aggregates.

None of these records has a field for a student's or an employee's identity:
placements and participants are counts, theses are described by their public
title and their institutions.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict, StringConstraints

from unikommune.codelists import (
    Audience,
    LearningKind,
    ProgrammeField,
    StudyLevel,
    Term,
    ThesisLevel,
)
from unikommune.models.base import Record
from unikommune.models.sdg import SdgLink
from unikommune.models.values import (
    TEXT_PATTERN,
    CountAsKnown,
    FocusAreaCode,
    Identifier,
    LangString,
    LanguageTag,
    Model,
    Period,
    Ref,
    RefersTo,
    ThematicAreaCode,
    UniqueList,
    Url,
    YearAsKnown,
)

__all__ = ["LearningActivity", "ParticipantCount", "Placement", "Thesis"]


class Placement(Record):
    """Students of one programme placed with one host unit in one academic period, as a count."""

    programme: LangString = Field(description="Name of the study programme.")
    programme_code: (
        Annotated[
            str, Strict(), StringConstraints(min_length=1, max_length=64, pattern=TEXT_PATTERN)
        ]
        | None
    ) = Field(default=None, description="The institution's code for the programme.")
    field: ProgrammeField = Field(description="Field of the programme.")
    level: StudyLevel = Field(description="Level of the programme.")
    institution: Annotated[Ref, RefersTo("partners")] = Field(
        description="Id of the educating institution (or its unit)."
    )
    host: Annotated[Ref, RefersTo("partners")] = Field(
        description="Id of the host unit that receives the students."
    )
    year: YearAsKnown = Field(description="Calendar year of the placement period.")
    term: Term | None = Field(default=None, description="Term of the placement period.")
    students: CountAsKnown = Field(
        description='Number of students placed: a number, or an estimate such as {"about": 3000}.'
    )
    weeks: Annotated[float, Strict(), Field(gt=0, le=52)] | None = Field(
        default=None, description="Length of the placement in weeks."
    )
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the placement falls under."
    )


class Thesis(Record):
    """A thesis or project assignment that uses the municipality's empirical data."""

    title: LangString = Field(description="Title of the thesis.")
    year: YearAsKnown = Field(description="Year the thesis was submitted.")
    level: ThesisLevel = Field(description="Level of the thesis.")
    institution: Annotated[Ref, RefersTo("partners", tie="educates")] = Field(
        description="Id of the educating institution (or its unit)."
    )
    host: Annotated[Ref, RefersTo("partners", tie="hosts")] | None = Field(
        default=None, description="Id of the municipal unit whose practice the thesis studied."
    )
    programme: LangString | None = Field(default=None, description="Study programme.")
    field: ProgrammeField | None = Field(default=None, description="Field of the programme.")
    language: LanguageTag | None = Field(default=None, description="Language of the thesis.")
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the thesis falls under."
    )
    supervising_partners: UniqueList[Annotated[Ref, RefersTo("partners", tie="supervises")]] = (
        Field(
            default_factory=list,
            description="Ids of the partners that provided supervision (roles, not persons).",
        )
    )
    thematic_areas: UniqueList[ThematicAreaCode] = Field(
        default_factory=list, description="Codes of the thematic areas of the thesis."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the thesis serves."
    )
    url: Url | None = Field(default=None, description="Where the published thesis can be read.")
    identifiers: list[Identifier] = Field(
        default_factory=list, description="Identifiers of the published thesis (DOI, URL)."
    )


class ParticipantCount(Model):
    """How many people from one partner took part."""

    partner: Annotated[Ref, RefersTo("partners")] = Field(
        description="Id of the partner the participants came from."
    )
    count: CountAsKnown = Field(
        description='Number of participants: a number, or an estimate such as {"min": 20}.'
    )


class LearningActivity(Record):
    """A lifelong-learning activity: a course, continuing or further education, a seminar."""

    title: LangString = Field(description="Title of the activity.")
    kind: LearningKind = Field(description="Kind of activity.")
    description: LangString | None = Field(default=None, description="More about the activity.")
    organisers: UniqueList[Annotated[Ref, RefersTo("partners", tie="organises")]] = Field(
        min_length=1, description="Ids of the partners that organise it."
    )
    audiences: UniqueList[Audience] = Field(
        default_factory=list, description="Who the activity is for."
    )
    credits: Annotated[float, Strict(), Field(ge=0, le=300)] | None = Field(
        default=None, description="ECTS credits, where the activity gives credits."
    )
    period: Period | None = Field(default=None, description="When the activity runs.")
    participants: list[ParticipantCount] = Field(
        default_factory=list, description="Participants by partner, as counts."
    )
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the activity is part of."
    )
    focus_areas: UniqueList[FocusAreaCode] = Field(
        default_factory=list, description="Codes of the focus areas the activity serves."
    )
    thematic_areas: UniqueList[ThematicAreaCode] = Field(
        default_factory=list, description="Codes of the thematic areas of the activity."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the activity serves."
    )
    url: Url | None = Field(default=None, description="Web page of the activity.")

"""R&D&I projects: participants, funding, outputs."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import ConfigDict, Field, Strict, StringConstraints, model_validator

from unikommune.codelists import (
    FundingStatus,
    OutputKind,
    ProjectKind,
    ProjectStatus,
)
from unikommune.models.base import Record
from unikommune.models.sdg import SdgLink
from unikommune.models.values import (
    AreaOf,
    DateAsKnown,
    FocusAreaCode,
    Identifier,
    LangString,
    Model,
    Money,
    Period,
    ProfileCode,
    Ref,
    RefersTo,
    ThematicAreaCode,
    UniqueList,
    Url,
    YearAsKnown,
    one_given,
)

__all__ = ["Funding", "Output", "Participation", "Project", "names_a_funder"]

Doi = Annotated[
    str,
    Strict(),
    StringConstraints(pattern=r"^10\.[0-9]{4,9}/[^\x00-\x20\x7f]+$", max_length=1024),
    Field(description="DOI without resolver prefix, such as 10.1000/182."),
]


class Participation(Model):
    """A partner's part in a project, possibly for part of the project's period."""

    partner: Annotated[Ref, RefersTo("partners", tie="participates")] = Field(
        description="Id of the participating partner."
    )
    role: Annotated[ProfileCode, AreaOf("role")] = Field(
        description="Role of the partner in the project: a code of the participant-role "
        "codelist, or one the profile adds (such as lighthouse-city)."
    )
    period: Period | None = Field(
        default=None, description="When the partner took part, if not the whole project period."
    )


def names_a_funder(funding: Any) -> bool:
    """Return whether a funding line names its funder (a partner id or a name).

    ``funding`` is read by attribute: a model, or any record view of one.
    """
    return funding.funder is not None or funding.funder_name is not None


class Funding(Model):
    """A funding line of a project."""

    # Present and not null: the model treats null as absent.
    model_config = ConfigDict(json_schema_extra=one_given(funder="string", funder_name="object"))

    funder: Annotated[Ref, RefersTo("partners")] | None = Field(
        default=None, description="Id of the funding partner, when it is in the dataset."
    )
    funder_name: LangString | None = Field(
        default=None, description="Name of the funder, when it is not a partner in the dataset."
    )
    recipient: Annotated[Ref, RefersTo("partners")] | None = Field(
        default=None,
        description="Id of the partner the funding goes to, for a grant to one partner (as EU "
        "and national registries publish them); absent for the project as a whole.",
    )
    programme: LangString | None = Field(default=None, description="Funding programme or call.")
    amount: Money | None = Field(
        default=None, description="Amount granted, or applied for while the status is applied."
    )
    status: FundingStatus | None = Field(
        default=None, description="Where the application stands; absent means granted."
    )
    applied: DateAsKnown | None = Field(default=None, description="When it was applied for.")
    decided: DateAsKnown | None = Field(
        default=None, description="When the funder decided (granted or rejected)."
    )
    external: Annotated[bool, Strict()] = Field(
        description="True for funding from outside the partnership's own budgets."
    )
    identifiers: list[Identifier] = Field(
        default_factory=list, description="Grant or project numbers at the funder."
    )

    @model_validator(mode="after")
    def _names_a_funder(self) -> Self:
        if not names_a_funder(self):
            raise ValueError("a funding line needs funder or funder_name")
        return self


class Output(Model):
    """A result of a project: a publication, report, dataset, service, ..."""

    kind: OutputKind = Field(description="Kind of output.")
    title: LangString = Field(description="Title of the output.")
    year: YearAsKnown | None = Field(default=None, description="Year the output appeared.")
    doi: Doi | None = None
    url: Url | None = Field(default=None, description="Where the output can be found.")


class Project(Record):
    """A research, development or innovation project."""

    title: LangString = Field(description="Title of the project.")
    summary: LangString | None = Field(default=None, description="What the project does.")
    kinds: UniqueList[ProjectKind] = Field(
        min_length=1, description="Research, development, innovation, or a mix of them."
    )
    status: ProjectStatus = Field(description="Where the project stands.")
    period: Period = Field(description="When the project runs.")
    participants: list[Participation] = Field(
        min_length=1, description="Partners taking part, with their roles."
    )
    funding: list[Funding] = Field(default_factory=list, description="Funding lines.")
    outputs: list[Output] = Field(default_factory=list, description="Results of the project.")
    agreement: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the agreement the project is part of."
    )
    focus_areas: UniqueList[FocusAreaCode] = Field(
        default_factory=list, description="Codes of the focus areas the project serves."
    )
    thematic_areas: UniqueList[ThematicAreaCode] = Field(
        default_factory=list, description="Codes of the thematic areas of the project."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the project serves."
    )
    identifiers: list[Identifier] = Field(
        default_factory=list, description="Identifiers in external registers (Cristin, RCN, EU)."
    )
    homepage: Url | None = Field(default=None, description="Web page of the project.")

"""Agreements: the binding partnership, its governance, priorities and rules."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from unikommune.codelists import (
    GovernanceBodyKind,
    GovernanceRole,
    MaturityLevel,
    PartyRole,
    ProjectStatus,
    RecordType,
    RuleKind,
)
from unikommune.models.base import Record
from unikommune.models.sdg import SdgLink
from unikommune.models.values import (
    CountAsKnown,
    DateAsKnown,
    Duration,
    FocusAreaCode,
    LangString,
    Link,
    LocalId,
    Model,
    Period,
    Ref,
    RefersTo,
    ThematicAreaCode,
    UniqueList,
)

__all__ = [
    "ActionPlan",
    "Activity",
    "Agreement",
    "AgreementParty",
    "GovernanceBody",
    "GovernanceMembership",
    "MaturityAssessment",
    "Rule",
    "Statement",
]

PartnerRef = Annotated[Ref, RefersTo("partners")]


class AgreementParty(Model):
    """A partner that is party to an agreement, possibly for part of its period."""

    partner: Annotated[Ref, RefersTo("partners", tie="party")] = Field(
        description="Id of the partner."
    )
    role: PartyRole = Field(default=PartyRole.PARTY, description="Full party or associate.")
    period: Period | None = Field(
        default=None, description="When the partner was party, if not the whole agreement period."
    )


class GovernanceMembership(Model):
    """A seat in a governance body, held by a public role on behalf of a partner."""

    partner: PartnerRef = Field(description="Id of the partner the seat represents.")
    combined_with: UniqueList[PartnerRef] = Field(
        default_factory=list,
        description="Ids of other partners the position is shared with, for a combined "
        "position held in several organisations at once.",
    )
    role: GovernanceRole = Field(description="Role of the seat in the body.")
    position: LangString | None = Field(
        default=None,
        description="Public position that holds the seat (municipal director, pro-rector); "
        "never a person's name.",
    )
    period: Period | None = Field(default=None, description="When the seat was held.")


class GovernanceBody(Model):
    """A body that governs the partnership, such as its steering group."""

    id: LocalId = Field(description="Id of the body, unique within the agreement.")
    kind: GovernanceBodyKind = Field(description="Kind of body.")
    name: LangString = Field(description="Name of the body.")
    mandate: LangString | None = Field(default=None, description="What the body decides.")
    size: CountAsKnown | None = Field(
        default=None,
        description='Number of members: a number, or an estimate such as {"min": 8, "max": 12}.',
    )
    members: list[GovernanceMembership] = Field(
        default_factory=list, description="Seats in the body, by role."
    )


class Statement(Model):
    """An objective or an obligation written in an agreement."""

    id: LocalId = Field(description="Id of the statement, unique within the agreement.")
    text: LangString = Field(description="The statement as the agreement words it.")
    due: DateAsKnown | None = Field(
        default=None, description="Deadline, for an obligation that has one."
    )


class Activity(Model):
    """A concrete activity of an action plan."""

    id: LocalId = Field(description="Id of the activity, unique within the agreement.")
    title: LangString = Field(description="What the activity is.")
    description: LangString | None = Field(default=None, description="More about the activity.")
    status: ProjectStatus | None = Field(default=None, description="Where the activity stands.")
    period: Period | None = Field(default=None, description="When the activity runs.")
    responsible: list[PartnerRef] = Field(
        default_factory=list, description="Ids of the partners responsible for the activity."
    )
    sdg_links: list[SdgLink] = Field(
        default_factory=list, description="Sustainable Development Goals the activity serves."
    )


class ActionPlan(Model):
    """An action plan of concrete activities for one focus area."""

    id: LocalId = Field(description="Id of the action plan, unique within the agreement.")
    focus_area: FocusAreaCode = Field(description="Code of the focus area the plan serves.")
    title: LangString = Field(description="Title of the action plan.")
    period: Period | None = Field(default=None, description="Period the plan covers.")
    activities: list[Activity] = Field(
        default_factory=list, description="The concrete activities of the plan."
    )


class Rule(Model):
    """A rule the agreement sets for joint activity, such as the SDG rule."""

    id: LocalId = Field(description="Id of the rule, unique within the agreement.")
    kind: RuleKind = Field(description="What the rule requires.")
    applies_to: UniqueList[RecordType] = Field(
        min_length=1, description="Kinds of records the rule applies to."
    )
    decided: DateAsKnown | None = Field(default=None, description="When the rule was decided.")
    decided_by: LocalId | None = Field(
        default=None, description="Id of the governance body of this agreement that decided it."
    )
    description: LangString | None = Field(default=None, description="The rule in words.")


class MaturityAssessment(Model):
    """A maturity level the partnership was judged to have reached, on a date, by a body."""

    date: DateAsKnown = Field(description="When the assessment was made.")
    level: MaturityLevel = Field(description="The maturity level found (1.0, 2.0, 3.0).")
    assessed_by: LangString = Field(
        description="Who assessed it: a governance body, an evaluator, an authority."
    )
    body: LocalId | None = Field(
        default=None, description="Id of the governance body of this agreement that assessed it."
    )
    rationale: LangString | None = Field(default=None, description="Why this level.")
    source: Link | None = Field(default=None, description="The document that records it.")


class Agreement(Record):
    """A binding agreement between two or more partners to work as a university municipality."""

    title: LangString = Field(description="Title of the agreement.")
    summary: LangString | None = Field(default=None, description="What the agreement is about.")
    parties: list[AgreementParty] = Field(
        min_length=2, description="The partners bound by the agreement; two or more."
    )
    signed: DateAsKnown | None = Field(default=None, description="When the agreement was signed.")
    period: Period = Field(description="Period the agreement runs.")
    supersedes: Annotated[Ref, RefersTo("agreements")] | None = Field(
        default=None, description="Id of the earlier agreement this one continues and replaces."
    )
    maturity: MaturityLevel | None = Field(
        default=None, description="Maturity level the partnership aims for (1.0, 2.0, 3.0)."
    )
    maturity_assessments: list[MaturityAssessment] = Field(
        default_factory=list,
        description="The maturity reached, as assessed on dates; apart from the level aimed for.",
    )
    revision: Duration | None = Field(
        default=None, description="How often the agreement is revised (ISO 8601 duration, P1Y)."
    )
    notice_period: Duration | None = Field(
        default=None, description="Notice to end the agreement (ISO 8601 duration, P6M)."
    )
    governance: list[GovernanceBody] = Field(
        default_factory=list, description="Bodies that govern the partnership."
    )
    objectives: list[Statement] = Field(
        default_factory=list, description="Main objectives of the agreement."
    )
    obligations: list[Statement] = Field(
        default_factory=list, description="What the parties commit to."
    )
    focus_areas: UniqueList[FocusAreaCode] = Field(
        default_factory=list, description="Codes of the focus areas the agreement works through."
    )
    thematic_areas: UniqueList[ThematicAreaCode] = Field(
        default_factory=list, description="Codes of the thematic areas the agreement prioritises."
    )
    action_plans: list[ActionPlan] = Field(
        default_factory=list, description="Action plans with concrete activities per focus area."
    )
    rules: list[Rule] = Field(
        default_factory=list, description="Rules the agreement sets for joint activity."
    )
    documents: list[Link] = Field(
        default_factory=list, description="The agreement text and related documents."
    )

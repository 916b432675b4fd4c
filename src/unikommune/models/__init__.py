"""The records of the unikommune format, one module per noun of the domain."""

from __future__ import annotations

from unikommune.models.agreement import (
    ActionPlan,
    Activity,
    Agreement,
    AgreementParty,
    GovernanceBody,
    GovernanceMembership,
    Rule,
    Statement,
)
from unikommune.models.base import Record
from unikommune.models.dataset import COLLECTIONS, RECORD_TYPES, Dataset, DatasetPart, Publisher
from unikommune.models.education import LearningActivity, ParticipantCount, Placement, Thesis
from unikommune.models.figure import Figure, Source
from unikommune.models.mission import Mission
from unikommune.models.partner import Partner
from unikommune.models.profile import DEFAULT_PROFILE_ID, Profile, ProfileArea, default_profile
from unikommune.models.project import Funding, Output, Participation, Project
from unikommune.models.sdg import SdgLink, SdgLinkProvenance

__all__ = [
    "COLLECTIONS",
    "DEFAULT_PROFILE_ID",
    "RECORD_TYPES",
    "ActionPlan",
    "Activity",
    "Agreement",
    "AgreementParty",
    "Dataset",
    "DatasetPart",
    "Figure",
    "Funding",
    "GovernanceBody",
    "GovernanceMembership",
    "LearningActivity",
    "Mission",
    "Output",
    "ParticipantCount",
    "Participation",
    "Partner",
    "Placement",
    "Profile",
    "ProfileArea",
    "Project",
    "Publisher",
    "Record",
    "Rule",
    "SdgLink",
    "SdgLinkProvenance",
    "Source",
    "Statement",
    "Thesis",
    "default_profile",
]

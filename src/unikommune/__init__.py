"""unikommune: the university-municipality partnership model as open data.

Load a published dataset, work with its records as pydantic models, validate
it, and write it back:

>>> import unikommune
>>> dataset = unikommune.load("examples/trondheim")
>>> [partner.name["en"] for partner in dataset.partners if partner.parent is None][:2]
['Trondheim municipality', 'Norwegian University of Science and Technology']
>>> unikommune.validate(dataset).ok
True

Graphs live in :mod:`unikommune.graph`, imported on demand so that the core
stays light.
"""

from __future__ import annotations

from unikommune import codelists
from unikommune.dataset.save import save
from unikommune.errors import (
    DatasetReadError,
    DatasetWriteError,
    InvalidDatasetError,
    SchemaError,
    UnikommuneError,
    UnikommuneWarning,
    UnknownCodeError,
)
from unikommune.format import FORMAT_VERSION, schema_id
from unikommune.loading import load
from unikommune.models import (
    ActionPlan,
    Activity,
    Agreement,
    AgreementParty,
    Dataset,
    DatasetPart,
    Funding,
    GovernanceBody,
    GovernanceMembership,
    LearningActivity,
    Mission,
    Output,
    ParticipantCount,
    Participation,
    Partner,
    Placement,
    Profile,
    ProfileArea,
    Project,
    Publisher,
    Record,
    Rule,
    SdgLink,
    SdgLinkProvenance,
    Statement,
    Thesis,
    default_profile,
)
from unikommune.models.values import Identifier, Link, Money, Period, Timeframe
from unikommune.schema import SCHEMA_MODELS
from unikommune.validation import Finding, Report, Severity, validate

__version__ = "0.1.0"

__all__ = [
    "FORMAT_VERSION",
    "SCHEMA_MODELS",
    "ActionPlan",
    "Activity",
    "Agreement",
    "AgreementParty",
    "Dataset",
    "DatasetPart",
    "DatasetReadError",
    "DatasetWriteError",
    "Finding",
    "Funding",
    "GovernanceBody",
    "GovernanceMembership",
    "Identifier",
    "InvalidDatasetError",
    "LearningActivity",
    "Link",
    "Mission",
    "Money",
    "Output",
    "ParticipantCount",
    "Participation",
    "Partner",
    "Period",
    "Placement",
    "Profile",
    "ProfileArea",
    "Project",
    "Publisher",
    "Record",
    "Report",
    "Rule",
    "SchemaError",
    "SdgLink",
    "SdgLinkProvenance",
    "Severity",
    "Statement",
    "Thesis",
    "Timeframe",
    "UnikommuneError",
    "UnikommuneWarning",
    "UnknownCodeError",
    "__version__",
    "codelists",
    "default_profile",
    "load",
    "save",
    "schema_id",
    "validate",
]

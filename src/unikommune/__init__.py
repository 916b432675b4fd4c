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
stays light.  The names below are loaded when first used, so that a program that
only needs a part of the package (the command line's ``--help``, say) does not
pay for the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unikommune import codelists
    from unikommune.dataset.save import (
        save,
    )
    from unikommune.errors import (
        DatasetReadError,
        DatasetWriteError,
        InvalidDatasetError,
        SchemaError,
        UnikommuneError,
        UnikommuneWarning,
        UnknownCodeError,
    )
    from unikommune.evaluation.assess import (
        assess,
    )
    from unikommune.evaluation.indicators import (
        indicators,
    )
    from unikommune.format import (
        FORMAT_VERSION,
        schema_id,
    )
    from unikommune.loading import (
        load,
    )
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
    from unikommune.models.values import (
        Identifier,
        Link,
        Money,
        Period,
        Timeframe,
    )
    from unikommune.schema import (
        SCHEMA_MODELS,
    )
    from unikommune.validation import (
        Finding,
        Report,
        Severity,
        validate,
    )

__version__ = "0.1.0"

#: The module each public name comes from, imported when the name is first used.
_MODULE_OF = {
    "ActionPlan": "unikommune.models",
    "Activity": "unikommune.models",
    "Agreement": "unikommune.models",
    "AgreementParty": "unikommune.models",
    "Dataset": "unikommune.models",
    "DatasetPart": "unikommune.models",
    "DatasetReadError": "unikommune.errors",
    "DatasetWriteError": "unikommune.errors",
    "FORMAT_VERSION": "unikommune.format",
    "Finding": "unikommune.validation",
    "Funding": "unikommune.models",
    "GovernanceBody": "unikommune.models",
    "GovernanceMembership": "unikommune.models",
    "Identifier": "unikommune.models.values",
    "InvalidDatasetError": "unikommune.errors",
    "LearningActivity": "unikommune.models",
    "Link": "unikommune.models.values",
    "Mission": "unikommune.models",
    "Money": "unikommune.models.values",
    "Output": "unikommune.models",
    "ParticipantCount": "unikommune.models",
    "Participation": "unikommune.models",
    "Partner": "unikommune.models",
    "Period": "unikommune.models.values",
    "Placement": "unikommune.models",
    "Profile": "unikommune.models",
    "ProfileArea": "unikommune.models",
    "Project": "unikommune.models",
    "Publisher": "unikommune.models",
    "Record": "unikommune.models",
    "Report": "unikommune.validation",
    "Rule": "unikommune.models",
    "SCHEMA_MODELS": "unikommune.schema",
    "SchemaError": "unikommune.errors",
    "SdgLink": "unikommune.models",
    "SdgLinkProvenance": "unikommune.models",
    "Severity": "unikommune.validation",
    "Statement": "unikommune.models",
    "Thesis": "unikommune.models",
    "Timeframe": "unikommune.models.values",
    "UnikommuneError": "unikommune.errors",
    "UnikommuneWarning": "unikommune.errors",
    "UnknownCodeError": "unikommune.errors",
    "assess": "unikommune.evaluation.assess",
    "codelists": "unikommune",
    "default_profile": "unikommune.models",
    "indicators": "unikommune.evaluation.indicators",
    "load": "unikommune.loading",
    "save": "unikommune.dataset.save",
    "schema_id": "unikommune.format",
    "validate": "unikommune.validation",
}

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
    "assess",
    "codelists",
    "default_profile",
    "indicators",
    "load",
    "save",
    "schema_id",
    "validate",
]


def __getattr__(name: str) -> Any:
    """Return the public name ``name``, importing its module on first use."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'unikommune' has no attribute {name!r}")
    if module == "unikommune":  # a submodule of the package, such as codelists
        value = importlib.import_module(f"unikommune.{name}")
    else:
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

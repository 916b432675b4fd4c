"""The dataset document that publishes a partnership, and the parts it may be split into."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import Field, create_model

from unikommune.codelists import Licence, RecordType
from unikommune.format import FORMAT_VERSION, SCHEMA_BASE
from unikommune.models.agreement import Agreement
from unikommune.models.base import Record
from unikommune.models.education import LearningActivity, Placement, Thesis
from unikommune.models.figure import Figure
from unikommune.models.mission import Mission
from unikommune.models.partner import Partner
from unikommune.models.profile import Profile, default_profile
from unikommune.models.project import Project
from unikommune.models.values import (
    Date,
    LangString,
    LanguageTag,
    Model,
    Ref,
    RefersTo,
    UniqueList,
    Url,
)

__all__ = ["COLLECTIONS", "RECORD_TYPES", "Dataset", "DatasetPart", "Publisher"]

#: Record class of every collection, by its key in the dataset document, in published order.
COLLECTIONS: Mapping[str, type[Record]] = MappingProxyType(
    {
        "partners": Partner,
        "agreements": Agreement,
        "missions": Mission,
        "projects": Project,
        "placements": Placement,
        "theses": Thesis,
        "learning_activities": LearningActivity,
        "figures": Figure,
    }
)

#: Record type code of every collection.
RECORD_TYPES: Mapping[str, RecordType] = MappingProxyType(
    {
        "partners": RecordType.PARTNER,
        "agreements": RecordType.AGREEMENT,
        "missions": RecordType.MISSION,
        "projects": RecordType.PROJECT,
        "placements": RecordType.PLACEMENT,
        "theses": RecordType.THESIS,
        "learning_activities": RecordType.LEARNING_ACTIVITY,
        "figures": RecordType.FIGURE,
    }
)


class Publisher(Model):
    """A publisher that is not one of the dataset's partners."""

    name: LangString = Field(description="Name of the publisher.")
    url: Url | None = Field(default=None, description="Web page of the publisher.")


class Dataset(Model):
    """A published partnership dataset: metadata, the model profile and every collection."""

    schema_: Literal[f"{SCHEMA_BASE}dataset.json"] = Field(  # type: ignore[valid-type]
        alias="$schema", description="The $id of the schema this document follows."
    )
    id: Url | None = Field(default=None, description="Persistent address of the dataset.")
    title: LangString = Field(description="Title of the dataset.")
    description: LangString = Field(
        description="What the dataset holds, and which values are illustrative."
    )
    publisher: Annotated[Ref, RefersTo("partners")] | Publisher = Field(
        description="Id of the partner that publishes the dataset, or the publisher's name "
        "and address when it is not a partner."
    )
    license: Licence = Field(description="Licence of the dataset, as an SPDX identifier.")
    languages: UniqueList[LanguageTag] = Field(
        min_length=1, description="Languages the texts are written in (BCP 47)."
    )
    issued: Date | None = Field(default=None, description="When the dataset was first published.")
    modified: Date = Field(description="When the dataset was last changed.")
    profile: Profile | None = Field(
        default=None, description="The partnership's own profile; absent means TRD3.0."
    )
    partners: list[Partner] = Field(default_factory=list, description="Organisations and units.")
    agreements: list[Agreement] = Field(default_factory=list, description="Agreements.")
    missions: list[Mission] = Field(default_factory=list, description="Thematic missions.")
    projects: list[Project] = Field(default_factory=list, description="R&D&I projects.")
    placements: list[Placement] = Field(
        default_factory=list, description="Student placements, aggregated."
    )
    theses: list[Thesis] = Field(
        default_factory=list, description="Theses using the municipality's data."
    )
    learning_activities: list[LearningActivity] = Field(
        default_factory=list, description="Lifelong-learning activities."
    )
    figures: list[Figure] = Field(
        default_factory=list,
        description="Figures the partnership reports where it knows totals, not records.",
    )

    @property
    def schema_version(self) -> str:
        """Return the version of the format the document follows."""
        return FORMAT_VERSION

    @property
    def effective_profile(self) -> Profile:
        """Return the declared profile as it takes effect, or TRD3.0 when none is declared.

        A declared profile that extends a shipped one comes merged with it.

        Raises:
            DatasetReadError: the profile extends a profile file: read the dataset from
                its folder (:func:`unikommune.load`), which gives the merged profile.
        """
        return self.profile.effective() if self.profile is not None else default_profile()

    def records(self) -> Iterator[tuple[str, Record]]:
        """Yield ``(collection, record)`` for every record, collection by collection."""
        for name in COLLECTIONS:
            for record in getattr(self, name):
                yield name, record

    def collection(self, name: str) -> list[Any]:
        """Return the list of records of collection ``name`` (such as ``"projects"``).

        Raises:
            KeyError: ``name`` is not a collection.
        """
        if name not in COLLECTIONS:
            raise KeyError(
                f"{name!r} is not a collection; expected one of {', '.join(COLLECTIONS)}"
            )
        records: list[Any] = getattr(self, name)
        return records


DatasetPart: type[Model] = create_model(
    "DatasetPart",
    __base__=Model,
    __doc__="A part of a dataset split over several files: one or more of its collections.",
    schema_=(
        Literal[f"{SCHEMA_BASE}dataset-part.json"],
        Field(alias="$schema", description="The $id of the schema this document follows."),
    ),
    **{  # type: ignore[call-overload]
        name: (
            list[record_class],  # type: ignore[valid-type]
            Field(default_factory=list, description=Dataset.model_fields[name].description),
        )
        for name, record_class in COLLECTIONS.items()
    },
)

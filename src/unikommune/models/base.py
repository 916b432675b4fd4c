"""The base of every record kept in a dataset collection."""

from __future__ import annotations

from pydantic import Field

from unikommune.models.values import LocalId, Model

__all__ = ["Record"]


class Record(Model):
    """A record with an id that other records refer to."""

    id: LocalId = Field(description="Id of the record, unique within its collection.")

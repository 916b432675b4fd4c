"""Version and identifiers of the published unikommune format."""

from __future__ import annotations

__all__ = ["FORMAT_VERSION", "SCHEMA_BASE", "schema_id"]

#: Version of the data format; it changes only when documents change meaning.
FORMAT_VERSION = "0.2"
#: Base of every schema ``$id``; a relative ``$ref`` resolves against it.
SCHEMA_BASE = f"https://w3id.org/unikommune/schema/{FORMAT_VERSION}/"


def schema_id(name: str) -> str:
    """Return the ``$id`` of the published schema ``name`` (such as ``"dataset"``).

    >>> schema_id("partner")
    'https://w3id.org/unikommune/schema/0.2/partner.json'
    """
    return f"{SCHEMA_BASE}{name}.json"

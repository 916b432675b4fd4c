"""Version and identifiers of the published unikommune format."""

from __future__ import annotations

__all__ = [
    "FORMAT_VERSION",
    "OLD_FORMAT_VERSIONS",
    "SCHEMA_BASE",
    "is_old_schema",
    "old_format_message",
    "schema_id",
]

from typing import Any

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


#: Where every published version of a schema lives, ``{version}`` left to fill in.
_SCHEMA_ADDRESS = SCHEMA_BASE.replace(FORMAT_VERSION, "{version}")
#: The earlier versions of the format, whose documents ``unikommune upgrade`` rewrites.
OLD_FORMAT_VERSIONS = ("0.1",)
_OLD_BASES = tuple(_SCHEMA_ADDRESS.format(version=old) for old in OLD_FORMAT_VERSIONS)


def is_old_schema(value: Any) -> bool:
    """Return whether ``value`` (a ``$schema``) names a schema of an earlier format version."""
    return isinstance(value, str) and value.startswith(_OLD_BASES)


def old_format_message(value: str) -> str:
    """Return the message for a ``$schema`` that names a schema of an earlier version."""
    version = value[len(SCHEMA_BASE.rsplit("/", 2)[0]) + 1 :].split("/", 1)[0]
    return (
        f"$schema: the document follows version {version} of the format ({value!r}); this "
        f"validator checks version {FORMAT_VERSION}. Run `unikommune upgrade PATH` (PATH the "
        "document or its dataset folder) to rewrite it in the current version"
    )
